"""The loader with real report files and a real DuckDB warehouse: idempotence, failures, odd folders."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.load import CorrectionError, add_correction, ingest_paths, rederive
from dashboard.warehouse import current_version_file, versions_dir, warehouse_version

SEEDS_DIR = Path(__file__).parent.parent / "fixtures" / "seeds"
SEEDS = sorted(SEEDS_DIR.glob("*.txt"))


def _rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.table(table).aggregate("count(*)").fetchall()[0][0]
    finally:
        con.close()


def _ingest(paths, db: Path):
    return ingest_paths([str(p) for p in paths], db_path=db, progress=False, echo=False)


def _copy_seeds(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(seed, folder / seed.name)) for seed in SEEDS]


def test_same_folder_twice_leaves_one_evaluation_per_report(tmp_path):
    folder = tmp_path / "reports"
    _copy_seeds(folder)
    db = tmp_path / "wh.duckdb"
    first = _ingest([folder], db)
    assert (first.loaded, first.skipped, first.failed, first.records) == (5, 0, [], 5)
    version = warehouse_version(db)
    second = _ingest([folder], db)
    assert (second.loaded, second.skipped, second.failed) == (0, 5, [])
    assert warehouse_version(db) == version  # nothing new: no new version
    # A copy of a report under another name is the same content: skipped too.
    shutil.copy(SEEDS[0], folder / "copy of report.txt")
    third = _ingest([folder], db)
    assert (third.loaded, third.skipped) == (0, 6)
    assert _rows(db, "select count(*), count(distinct content_hash) from evaluations") == [(5, 5)]
    assert _count(db, "reports") == 5
    per_report = _rows(db, "select count(*) from evaluations group by content_hash")
    assert all(n == 1 for (n,) in per_report)
    assert _rows(db, "select count(*) from indicator_scores") == _rows(
        db, "select count(*) from (select distinct evaluation_id, row_index from indicator_scores)")


def test_loaded_rows_carry_the_extracted_values(tmp_path):
    db = tmp_path / "wh.duckdb"
    summary = _ingest([SEEDS_DIR / "001_14069cec515ef4d6.txt"], db)
    assert summary.ok and summary.records == 1
    rows = _rows(db, "select department, year, budget_wan, spent_wan, execution_rate, self_score, warnings,"
                     " evaluation_id, content_hash from evaluations")
    department, year, budget, spent, rate, score, warnings, evaluation_id, content_hash = rows[0]
    assert "富民县财政局" in department and year == 2024
    assert (budget, spent, rate) == (50.0, 47.76, 95.52)
    assert isinstance(warnings, list)
    assert evaluation_id == f"{content_hash}:0"
    report = _rows(db, "select file_name, format, status, error, n_records from reports")
    assert report == [("001_14069cec515ef4d6.txt", "txt", "loaded", None, 1)]
    lost = _rows(db, "select level3, weight - score from indicator_scores where score < weight order by row_index")
    assert ("完成数量", 2.0) in lost
    assert _count(db, "problems") > 0
    assert _rows(db, "select distinct scope from flags") in ([], [("report",)])


def test_bad_files_are_reported_and_never_stop_the_batch(tmp_path):
    folder = tmp_path / "batch"
    _copy_seeds(folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.docx").write_bytes(os.urandom(4096))
    (folder / "no numbers.txt").write_text("关于做好工作的通知\n请各单位认真落实。\n", encoding="utf-8")
    (folder / "picture.jpg").write_bytes(b"\xff\xd8\xff")
    db = tmp_path / "wh.duckdb"
    summary = _ingest([folder], db)
    assert summary.loaded == 5 and not summary.ok
    failed = dict(summary.failed)
    assert set(failed) == {str(folder / n) for n in ("empty.txt", "random.docx", "no numbers.txt")}
    assert all(reason and "Traceback" not in reason for reason in failed.values())
    assert failed[str(folder / "empty.txt")] == "文件为空"
    assert [name for name, _ in summary.unsupported] == [str(folder / "picture.jpg")]
    lines = summary.lines()
    assert lines[0].startswith("导入 5、已存在跳过 0、失败 3")
    assert f"{folder / 'empty.txt'}: 文件为空" in lines
    # Failed files: their reports row only, with the reason naming the file; no other rows.
    failed_rows = _rows(db, "select file_name, error, n_records from reports where status = 'failed' order by file_name")
    assert [r[0] for r in failed_rows] == ["empty.txt", "no numbers.txt", "random.docx"]
    assert all(error.startswith(f"{name}: ") and n == 0 for name, error, n in failed_rows)
    assert _rows(db, "select count(*) from evaluations e join reports r using (content_hash) where r.status = 'failed'") == [(0,)]
    assert _count(db, "evaluations") == 5


def test_a_file_that_fails_while_written_leaves_no_partial_rows_and_is_retried(tmp_path):
    folder = tmp_path / "batch"
    good = _copy_seeds(folder)
    target = good[3]
    # A manifest year beyond the INTEGER column: the file's report row and evaluation are written
    # in one transaction, the evaluation insert fails, so nothing of the file may remain.
    (folder / "manifest.csv").write_text(f"file,department,year,region\n{target.name},测试单位,3000000000,\n",
                                         encoding="utf-8")
    db = tmp_path / "wh.duckdb"
    summary = _ingest([folder], db)
    assert summary.loaded == 4
    assert [name for name, _ in summary.failed] == [str(target)]
    assert "写入数据库失败" in summary.failed[0][1]
    rows = _rows(db, "select status, n_records, content_hash from reports where file_name = $name", {"name": target.name})
    assert [(s, n) for s, n, _ in rows] == [("failed", 0)]
    content_hash = rows[0][2]
    for sql in ("select count(*) from evaluations where content_hash like $h",
                "select count(*) from indicator_scores where evaluation_id like $h",
                "select count(*) from problems where evaluation_id like $h",
                "select count(*) from flags where evaluation_id like $h"):
        assert _rows(db, sql, {"h": content_hash + "%"}) == [(0,)]
    # Fixed manifest: the failed hash is retried and loads once, replacing its failed row.
    (folder / "manifest.csv").write_text(f"file,department,year,region\n{target.name},测试单位,2023,\n", encoding="utf-8")
    again = _ingest([folder], db)
    assert (again.loaded, again.skipped, again.failed) == (1, 4, [])
    assert _rows(db, "select status from reports where content_hash = $h", {"h": content_hash}) == [("loaded",)]
    assert _rows(db, "select department, year from evaluations where content_hash = $h", {"h": content_hash}) == [
        ("测试单位", 2023)]


def test_a_file_that_hangs_is_stopped_and_the_batch_goes_on(tmp_path, monkeypatch):
    folder = tmp_path / "batch"
    folder.mkdir()
    text = SEEDS[1].read_text(encoding="utf-8")
    # ~9 MB of report text takes seconds to extract; the limit is one second.
    (folder / "a_slow.txt").write_text(text * (9_000_000 // len(text.encode("utf-8"))), encoding="utf-8")
    shutil.copy(SEEDS[0], folder / "b_good.txt")
    monkeypatch.setenv("PERF_MAX_SECONDS_PER_FILE", "1")
    monkeypatch.setenv("PERF_LOAD_WORKERS", "1")  # the good file must wait for the killed worker's slot
    db = tmp_path / "wh.duckdb"
    summary = _ingest([folder], db)
    assert summary.loaded == 1
    assert summary.failed == [(str(folder / "a_slow.txt"), "处理超时（超过 1 秒），已终止")]
    assert _rows(db, "select file_name, status from reports order by file_name") == [
        ("a_slow.txt", "failed"), ("b_good.txt", "loaded")]


def test_odd_folders_never_hang_or_crash(tmp_path):
    root = tmp_path / "incoming"
    sub = root / "子目录 with space"
    sub.mkdir(parents=True)
    odd_names = ["a b'c\"$x;报告.txt", "$(echo hi).txt", "项目 (2).txt"]
    for name, seed in zip(odd_names, SEEDS):
        shutil.copy(seed, sub / name)
    gbk_name = os.fsencode(root) + b"/" + "旧系统报告.txt".encode("gb18030")
    shutil.copy(SEEDS[3], gbk_name)
    os.symlink(root, sub / "loop")  # a folder that contains itself
    os.symlink(tmp_path / "nowhere.txt", root / "broken.txt")
    (root / ".hidden.txt").write_text("不是报告", encoding="utf-8")
    (root / "~$临时.docx").write_bytes(b"lock")
    (root / "notes.md").write_text("# notes", encoding="utf-8")
    db = tmp_path / "wh.duckdb"
    summary = _ingest([root, tmp_path / "missing-folder"], db)
    assert summary.loaded == 4, summary.lines()
    assert summary.failed == [(str(tmp_path / "missing-folder"), "文件或文件夹不存在")]
    skipped = dict(summary.unsupported)
    assert set(skipped) == {str(root / "broken.txt"), str(root / "~$临时.docx"), str(root / "notes.md")}
    names = {r[0] for r in _rows(db, "select file_name from reports")}
    assert names == {*odd_names, "旧系统报告.txt"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file regardless of permissions")
def test_unreadable_folder_is_reported(tmp_path):
    root = tmp_path / "incoming"
    locked = root / "locked"
    locked.mkdir(parents=True)
    shutil.copy(SEEDS[0], root / "good.txt")
    locked.chmod(0)
    try:
        summary = _ingest([root], tmp_path / "wh.duckdb")
    finally:
        locked.chmod(0o755)
    assert summary.loaded == 1
    assert [name for name, _ in summary.failed] == [str(locked)]


def test_versions_are_pruned_leftovers_removed_and_old_layout_migrated(tmp_path):
    db = tmp_path / "wh.duckdb"
    for seed in SEEDS[:3]:
        assert _ingest([seed], db).ok
    vdir = versions_dir(db)
    assert sorted(os.listdir(vdir)) == ["000002.duckdb", "000003.duckdb"]
    assert os.readlink(db) == "wh.duckdb.versions/000003.duckdb"
    # What a killed load leaves: a temp file in the versions folder; the next load removes it.
    (vdir / "tmp-99999-deadbeef.duckdb").write_bytes(b"partial")
    assert _ingest([SEEDS[3]], db).ok
    assert sorted(os.listdir(vdir)) == ["000003.duckdb", "000004.duckdb"]
    # An older layout: a plain warehouse file at the path. The first load moves it in as a version.
    plain = tmp_path / "plain.duckdb"
    shutil.copyfile(current_version_file(db), plain)
    summary = _ingest([SEEDS[4]], plain)
    assert summary.loaded == 1 and plain.is_symlink()
    assert _count(plain, "evaluations") == 5


def test_corrections_record_old_and_new_values_in_a_new_version(tmp_path):
    db = tmp_path / "wh.duckdb"
    _ingest([SEEDS[4]], db)
    content_hash = _rows(db, "select content_hash from reports")[0][0]
    before = warehouse_version(db)
    add_correction(db, content_hash, 0, "department", "某县财政局", "绩效科张三")
    version = add_correction(db, content_hash, 0, "department", "某县财政局信息中心", "绩效科李四").version
    assert version != before and version == warehouse_version(db)
    assert _rows(db, "select old_value, new_value, corrected_by from corrections order by seq") == [
        (None, "某县财政局", "绩效科张三"), ("某县财政局", "某县财政局信息中心", "绩效科李四")]
    with pytest.raises(CorrectionError, match="不能更正"):
        add_correction(db, content_hash, 0, "content_hash", "x", "张三")
    with pytest.raises(CorrectionError, match="有效的数值"):
        add_correction(db, content_hash, 0, "budget_wan", "九百万", "张三")
    with pytest.raises(CorrectionError, match="未找到"):
        add_correction(db, "no-such-hash", 0, "year", "2023", "张三")
    assert warehouse_version(db) == version  # refused corrections publish nothing
    rederive(db)  # after a rulebook edit: derived tables recomputed into a new version, data kept
    assert warehouse_version(db) != version
    assert (_count(db, "corrections"), _count(db, "evaluations")) == (2, 1)


def test_workers_follow_the_callers_settings_and_folder(tmp_path, monkeypatch):
    # Workers come from a forkserver started by an earlier load; they must still see the caller's
    # current settings (environment) and resolve relative paths against the caller's folder.
    assert _ingest([SEEDS[0]], tmp_path / "first.duckdb").ok
    folder = tmp_path / "relative"
    _copy_seeds(folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERF_MAX_FILE_MB", "0")
    summary = _ingest(["relative/000_b602d48fbaccf327.txt"], tmp_path / "second.duckdb")
    assert summary.failed == [("relative/000_b602d48fbaccf327.txt", "文件过大（0.0 MB，上限 0 MB）")]
    monkeypatch.delenv("PERF_MAX_FILE_MB")
    summary = _ingest(["relative"], tmp_path / "second.duckdb")
    assert (summary.loaded, summary.failed) == (5, [])


def test_a_long_load_publishes_every_n_files_and_derives_in_full_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setenv("PERF_LOAD_PUBLISH_EVERY", "2")
    db = tmp_path / "wh.duckdb"
    folder = tmp_path / "reports"
    _copy_seeds(folder)
    # Two reports' budgets written in 元 as 万元: 待核实 from the first version that holds them.
    odd = {SEEDS[1].name: ("50", "500000"), SEEDS[2].name: ("年初预算32万元", "年初预算320000万元")}
    for name, (old, new) in odd.items():
        text = (SEEDS_DIR / name).read_text(encoding="utf-8")
        assert old in text
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    summary = _ingest([folder], db)
    assert (summary.loaded, summary.failed) == (5, [])
    vdir = versions_dir(db)
    assert sorted(os.listdir(vdir)) == ["000002.duckdb", "000003.duckdb"]  # 2 + 2 + 1 files: three versions
    # The intermediate version before the last: four reports, 待核实 computed for them; the corpus-wide
    # tables are left for the batch's last version, which derives everything.
    con = duckdb.connect(str(vdir / "000002.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from reports where status = 'loaded'").fetchall() == [(4,)]
        doubtful = con.execute("select count(*) from doubtful_values").fetchall()[0][0]
        loaded_hashes = {r[0] for r in con.execute("select content_hash from reports").fetchall()}
        assert con.execute("select count(*) from report_risk").fetchall() == [(0,)]
        assert [k for k, _ in con.execute("select key, value from load_state").fetchall()] == ["derive_pending"]
    finally:
        con.close()
    odd_hashes = {r[0] for r in _rows(db, "select content_hash from reports where list_contains($n, file_name)",
                                      {"n": list(odd)})}
    assert doubtful == len(odd_hashes & loaded_hashes) >= 1  # four of five hold at least one of the two
    assert _rows(db, "select count(*) from report_risk") == [(5,)]
    assert _rows(db, "select count(*) from canonical_names") == [(5,)]
    assert _rows(db, "select count(*) from doubtful_values where field = 'budget_wan'") == [(2,)]
    assert _rows(db, "select count(*) from load_state") == [(0,)]
    # A load stopped right after that intermediate version: the next load recomputes every derived
    # table, even with nothing new to load; after that, nothing new means no new version.
    os.unlink(db)
    os.symlink("wh.duckdb.versions/000002.duckdb", db)
    empty = tmp_path / "empty"
    empty.mkdir()
    again = _ingest([empty], db)
    assert again.ok and again.version == "000004.duckdb"
    assert _rows(db, "select count(*) from report_risk") == [(4,)]
    assert _rows(db, "select count(*) from load_state") == [(0,)]
    assert _ingest([empty], db).version == "000004.duckdb"
