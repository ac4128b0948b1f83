"""Corrections on a real warehouse built by the real loader: only sane finite values, ordered by sequence,
the derive in one transaction (a failure publishes nothing), export and import that outlive a rebuild."""
from __future__ import annotations

import csv
import json
import math
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest import load
from dashboard.ingest.corrections_io import export_corrections, import_corrections
from dashboard.ingest.derive import DeriveError
from dashboard.ingest.load import CorrectionError, add_correction, ingest_paths, rederive
from dashboard.warehouse import WarehouseError, current_version_file, versions_dir, warehouse_version

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
SEED_001 = ROOT / "tests" / "fixtures" / "seeds" / "001_14069cec515ef4d6.txt"  # budget 50, spent 47.76


def _rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("corrections_base") / "wh.duckdb"
    summary = ingest_paths([str(s) for s in SEEDS], db_path=db, progress=False, echo=False)
    assert summary.ok and summary.loaded == 5, summary.lines()
    return db


@pytest.fixture
def db(base, tmp_path) -> Path:
    """A private copy of the seed warehouse (the symlink and its versions)."""
    target = tmp_path / "wh.duckdb"
    shutil.copytree(versions_dir(base), versions_dir(target))
    target.symlink_to(f"wh.duckdb.versions/{warehouse_version(base)}")
    return target


def _hash_of(db: Path, name: str = SEED_001.name) -> str:
    return _rows(db, "select content_hash from reports where file_name = $n", {"n": name})[0][0]


def _facts(db: Path, content_hash: str) -> dict:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        cur = con.execute("select * from evaluation_facts where content_hash = $h", {"h": content_hash})
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchall()[0]))
    finally:
        con.close()


@pytest.mark.parametrize(("field", "value", "words"), [
    ("budget_wan", "nan", ["预算（万元）", "有限"]),
    ("spent_wan", "inf", ["实际支出（万元）", "有限"]),
    ("received_wan", "-Infinity", ["到位资金（万元）", "有限"]),
    ("budget_wan", "1e400", ["预算（万元）", "有限"]),  # overflows to inf
    ("budget_wan", "-0.01", ["预算（万元）", "超出合理范围", "不小于 0 万元", "小于 10,000,000 万元"]),
    ("spent_wan", "10000000", ["实际支出（万元）", "超出合理范围", "小于 10,000,000 万元"]),
    ("self_score", "100.5", ["自评分", "超出合理范围", "不超过 100 分"]),
    ("self_score", "NaN", ["自评分", "有限"]),
    ("execution_weight", "-1", ["预算执行率指标分值", "超出合理范围"]),
    ("stated_execution_rate", "1000.1", ["报告所写执行率（%）", "超出合理范围", "不超过 1,000%"]),
    ("year", "1989", ["年度", "超出合理范围", "1990 至 2100"]),
    ("year", "2101", ["年度", "超出合理范围", "1990 至 2100"]),
    ("year", "2023.5", ["年度", "有效的年度"]),
    ("budget_wan", "九百万", ["预算（万元）", "有效的数值"]),
    ("project_name", "项" * 201, ["项目名称", "过长", "200"]),
    ("department", "财政局\n信息中心", ["单位", "控制字符"]),
])
def test_values_outside_their_range_are_refused_naming_field_and_range(db, field, value, words):
    content_hash = _hash_of(db)
    version = warehouse_version(db)
    with pytest.raises(CorrectionError) as caught:
        add_correction(db, content_hash, 0, field, value, "核实人")
    assert all(w in str(caught.value) for w in words), str(caught.value)
    assert warehouse_version(db) == version  # refused: nothing published
    assert _rows(db, "select count(*) from corrections") == [(0,)]


def test_finite_values_at_the_edges_are_accepted_and_totals_stay_finite(db):
    content_hash = _hash_of(db)
    add_correction(db, content_hash, 0, "budget_wan", "9,999,999.99", "核实人")  # thousands separators allowed
    add_correction(db, content_hash, 0, "spent_wan", "0", "核实人")
    add_correction(db, content_hash, 0, "self_score", "１００", "核实人")  # full-width digits
    add_correction(db, content_hash, 0, "year", "2100", "核实人")
    facts = _facts(db, content_hash)
    assert (facts["budget_wan"], facts["spent_wan"], facts["self_score"], facts["year"]) == (9999999.99, 0.0, 100.0, 2100)
    [(budget, spent, score)] = _rows(db, "select sum(budget_wan), sum(spent_wan), avg(self_score) from evaluation_facts")
    assert all(math.isfinite(x) for x in (budget, spent, score))


def test_an_execution_score_above_its_weight_is_refused(db):
    content_hash = _hash_of(db)
    add_correction(db, content_hash, 0, "execution_weight", "10", "核实人")
    with pytest.raises(CorrectionError, match="不能超过该指标的分值 10 分"):
        add_correction(db, content_hash, 0, "execution_score", "12", "核实人")
    add_correction(db, content_hash, 0, "execution_score", "9.5", "核实人")
    assert _facts(db, content_hash)["execution_score"] == 9.5


def test_ranges_come_from_the_corrections_table_of_the_sanity_file(db, tmp_path, monkeypatch):
    sanity = tmp_path / "sanity.toml"
    sanity.write_text((ROOT / "data" / "sanity.toml").read_text(encoding="utf-8")
                      .replace("amount_max_wan = 10000000", "amount_max_wan = 500"), encoding="utf-8")
    monkeypatch.setenv("PERF_SANITY_PATH", str(sanity))
    content_hash = _hash_of(db)
    with pytest.raises(CorrectionError, match="小于 500 万元"):
        add_correction(db, content_hash, 0, "budget_wan", "600", "核实人")
    add_correction(db, content_hash, 0, "budget_wan", "499", "核实人")


def test_a_correction_returns_the_values_of_its_record_still_to_check(db):
    content_hash = _hash_of(db)
    # A budget of 1 万元 against 47.76 spent: the spending and the rate are now doubtful.
    result = add_correction(db, content_hash, 0, "budget_wan", "1", "核实人")
    assert result.version == warehouse_version(db)
    assert result.warnings and all(w.startswith("该记录仍有待核实的数值：") for w in result.warnings)
    assert any("实际支出是预算数的" in w for w in result.warnings), result.warnings
    settled = add_correction(db, content_hash, 0, "budget_wan", "50", "核实人")
    assert settled.warnings == []


def test_the_latest_correction_is_the_last_made_whatever_the_clock_says(db, monkeypatch):
    content_hash = _hash_of(db)
    add_correction(db, content_hash, 0, "spent_wan", "45", "甲")

    class Yesterday(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) - timedelta(days=1)

    monkeypatch.setattr(load, "datetime", Yesterday)  # the clock set back between two corrections
    add_correction(db, content_hash, 0, "spent_wan", "40", "乙")
    monkeypatch.undo()
    assert _facts(db, content_hash)["spent_wan"] == 40.0
    assert _rows(db, "select seq, old_value, new_value from corrections order by seq") == [
        (1, "47.76", "45.0"), (2, "45.0", "40.0")]
    add_correction(db, content_hash, 0, "spent_wan", "41", "丙")  # old value: the latest by sequence
    assert _rows(db, "select old_value from corrections where seq = 3") == [("40.0",)]


def _boom(*_args, **_kwargs):
    raise RuntimeError("磁盘已满（测试）")


def test_a_derive_that_fails_half_way_publishes_nothing(db, monkeypatch):
    content_hash = _hash_of(db)
    add_correction(db, content_hash, 0, "self_score", "90", "甲")
    version = warehouse_version(db)
    flags_before = _rows(db, "select * from flags order by all")
    risk_before = _rows(db, "select * from report_risk order by all")
    # unit_inflation runs after corpus_flags has deleted the corpus flags and rewritten report_risk.
    monkeypatch.setattr("dashboard.inflation.corpus_flags.unit_inflation", _boom)
    with pytest.raises(DeriveError, match="语料级标记与风险评分重新计算失败") as caught:
        add_correction(db, content_hash, 0, "self_score", "80", "乙")
    assert isinstance(caught.value, WarehouseError)  # the page shows it as 未保存
    assert "数据仓库保持原样" in str(caught.value)
    assert warehouse_version(db) == version
    assert _rows(db, "select count(*) from corrections") == [(1,)]
    assert _facts(db, content_hash)["self_score"] == 90.0
    assert _rows(db, "select * from flags order by all") == flags_before
    assert _rows(db, "select * from report_risk order by all") == risk_before
    assert not [n for n in versions_dir(db).iterdir() if n.name.startswith("tmp-")]
    with pytest.raises(DeriveError):
        rederive(db)
    assert warehouse_version(db) == version
    monkeypatch.undo()
    assert add_correction(db, content_hash, 0, "self_score", "80", "乙").version != version
    assert _facts(db, content_hash)["self_score"] == 80.0


def test_a_derive_step_that_fails_during_a_load_keeps_its_tables_whole(db, tmp_path, monkeypatch):
    """A load still publishes its reports; the failed step's tables stay as they were, not half rewritten."""
    corpus_before = _rows(db, "select * from flags where scope = 'corpus' order by all")
    risk_before = _rows(db, "select * from report_risk order by all")
    monkeypatch.setattr("dashboard.inflation.corpus_flags.unit_inflation", _boom)
    extra = tmp_path / "extra.txt"
    extra.write_text(SEED_001.read_text(encoding="utf-8").replace("预算信息管理平台", "另一信息平台"), encoding="utf-8")
    summary = ingest_paths([str(extra)], db_path=db, progress=False, echo=False)
    assert summary.loaded == 1
    assert any("语料级标记与风险评分未更新" in w for w in summary.warnings), summary.warnings
    assert _rows(db, "select * from flags where scope = 'corpus' order by all") == corpus_before
    assert _rows(db, "select * from report_risk order by all") == risk_before


def _old_layout_copy(db: Path, target: Path) -> Path:
    """The warehouse as a version made before corrections had seq and reason (and evaluations a
    fingerprint), with the view of that time, as a plain file (the older layout)."""
    shutil.copyfile(current_version_file(db), target)
    staging = (ROOT / "queries" / "schema" / "002_staging.sql").read_text(encoding="utf-8")
    con = duckdb.connect(str(target))
    try:
        [old_view] = [s.query for s in con.extract_statements(staging)
                      if "view evaluation_corrected" in s.query]
        assert "arg_max(new_value, seq)" in old_view
        con.execute(old_view.replace("arg_max(new_value, seq)", "arg_max(new_value, corrected_at)"))
        con.execute("alter table corrections drop column seq")
        con.execute("alter table corrections drop column reason")
        con.execute("alter table evaluations drop column fingerprint")
        con.execute("checkpoint")
    finally:
        con.close()
    return target


def test_warehouses_made_before_the_sequence_are_migrated_in_time_order(db, tmp_path):
    content_hash = _hash_of(db)
    add_correction(db, content_hash, 0, "spent_wan", "45", "甲")
    add_correction(db, content_hash, 0, "spent_wan", "40", "乙")
    old = _old_layout_copy(db, tmp_path / "old.duckdb")
    con = duckdb.connect(str(old))
    try:  # the older rows' times are the only order they have: make the table's order disagree
        con.execute("update corrections set corrected_at = corrected_at - interval 1 day where new_value = '40.0'")
        con.execute("update corrections set corrected_at = corrected_at - interval 2 day where new_value = '45.0'")
    finally:
        con.close()
    exported = tmp_path / "old.csv"
    assert export_corrections(exported, old) == 2  # the export migrates the version first
    assert old.is_symlink()
    assert [(line["seq"], line["value"]) for line in _export_lines(exported)] == [("1", "45.0"), ("2", "40.0")]
    add_correction(old, content_hash, 0, "department", "某县财政局", "丙")
    assert _rows(old, "select seq, new_value from corrections order by seq") == [
        (1, "45.0"), (2, "40.0"), (3, "某县财政局")]
    assert (_facts(old, content_hash)["spent_wan"], _facts(old, content_hash)["department"]) == (40.0, "某县财政局")


def _export_lines(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_corrections_outlive_a_rebuild_through_export_and_import(db, tmp_path, suffix):
    content_hash = _hash_of(db)
    other = _hash_of(db, SEEDS[3].name)
    add_correction(db, content_hash, 0, "spent_wan", "45", "甲", reason="原文第3页为45万元")
    add_correction(db, content_hash, 0, "spent_wan", "40", "乙")
    add_correction(db, other, 0, "department", "某县 财政局", "丙")
    add_correction(db, other, 0, "grade", "", "丙")  # cleared
    wanted = {h: _facts(db, h) for h in (content_hash, other)}
    exported = tmp_path / f"corrections{suffix}"
    assert export_corrections(exported, db) == 4
    lines = _export_lines(exported)
    assert [line["who"] for line in lines] == ["甲", "乙", "丙", "丙"]
    assert lines[0]["reason"] == "原文第3页为45万元" and lines[0]["file_name"] == SEED_001.name
    # A rebuild: the same files into a new warehouse, then the corrections file.
    rebuilt = tmp_path / "rebuilt" / "wh.duckdb"
    assert ingest_paths([str(s) for s in SEEDS], db_path=rebuilt, progress=False, echo=False).ok
    result = import_corrections(exported, rebuilt)
    assert (result.applied, result.already, result.refused) == (4, 0, [])
    for h, facts in wanted.items():
        got = _facts(rebuilt, h)
        for key in ("spent_wan", "department", "grade", "execution_rate", "corrected"):
            assert got[key] == facts[key], key
    assert _rows(rebuilt, "select corrected_by, corrected_at, reason from corrections order by seq") == _rows(
        db, "select corrected_by, corrected_at, reason from corrections order by seq")
    version = warehouse_version(rebuilt)
    again = import_corrections(exported, rebuilt)  # importing twice adds nothing
    assert (again.applied, again.already, again.refused) == (0, 4, [])
    assert warehouse_version(rebuilt) == version
    assert _rows(rebuilt, "select count(*) from corrections") == [(4,)]


def test_an_import_refuses_bad_lines_by_number_and_applies_the_rest(db, tmp_path):
    content_hash = _hash_of(db)
    path = tmp_path / "in.csv"
    rows = [
        {"content_hash": content_hash, "record_index": 0, "field": "budget_wan", "value": "nan", "who": "甲",
         "when": "2024-05-01T09:00:00"},
        {"content_hash": content_hash, "record_index": 0, "field": "spent_wan", "value": "44", "who": "甲",
         "when": "2024-05-01T09:01:00"},
        {"content_hash": "0" * 64, "record_index": 0, "field": "year", "value": "2023", "who": "甲", "when": ""},
        {"content_hash": content_hash, "record_index": "x", "field": "year", "value": "2023", "who": "甲"},
        {"content_hash": content_hash, "record_index": 0, "field": "year", "value": "2023", "who": "",
         "when": "2024-05-01T09:02:00"},
        {"content_hash": content_hash, "record_index": 0, "field": "year", "value": "2023", "who": "甲",
         "when": "五月一日"},
    ]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["content_hash", "record_index", "field", "value", "who", "when"])
        writer.writeheader()
        writer.writerows(rows)
    result = import_corrections(path, db)
    assert result.applied == 1
    refused = dict(result.refused)
    assert list(refused) == ["第 2 行", "第 4 行", "第 5 行", "第 6 行", "第 7 行"]
    assert "预算（万元）" in refused["第 2 行"] and "有限" in refused["第 2 行"]
    assert "未找到" in refused["第 4 行"]
    assert "记录序号无效" in refused["第 5 行"] and "who" in refused["第 6 行"] and "更正时间" in refused["第 7 行"]
    assert _facts(db, content_hash)["spent_wan"] == 44.0


def test_the_command_line_exports_and_imports(db, tmp_path):
    content_hash = _hash_of(db)
    add_correction(db, content_hash, 0, "spent_wan", "45", "甲")
    out = tmp_path / "c.jsonl"
    run = [sys.executable, "-m", "dashboard", "corrections"]
    done = subprocess.run([*run, "export", str(out), "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "已导出 1 条更正记录" in done.stdout, done.stdout + done.stderr
    done = subprocess.run([*run, "import", str(out), "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "已应用 0 条更正、已存在跳过 1 条、未应用 0 条" in done.stdout, done.stdout + done.stderr
    bad = tmp_path / "c.txt"
    bad.write_text("x", encoding="utf-8")
    done = subprocess.run([*run, "import", str(bad), "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "无法识别的文件类型" in done.stderr and "Traceback" not in done.stderr
