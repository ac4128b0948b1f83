"""数据管理 through AppTest on warehouses built by the real loader: failed files explained, uploads
stored under server names and loaded, corrections kept with who/when/old/new that re-derive the
flags and survive a later load, suspicious values marked, a running load reported."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.auth import store
from dashboard.ingest.load import ingest_paths
from dashboard.ui import upload_jobs
from dashboard.warehouse import run_query, write_lock
from tests.conftest import signed_in

PAGE = settings.ROOT / "pages" / "data_admin.py"
FIXTURES = settings.ROOT / "tests" / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
BAD = FIXTURES / "bad"


def _warehouse(tmp_path: Path, paths: list[Path]) -> Path:
    db = tmp_path / "warehouse.duckdb"
    summary = ingest_paths([str(p) for p in paths], db_path=db, progress=False, echo=False)
    assert summary.error is None and summary.loaded >= 1
    return db


def _open(db: Path, tmp_path: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    monkeypatch.setenv("PERF_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = signed_in(AppTest.from_file(str(PAGE), default_timeout=90)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _texts(at: AppTest) -> str:
    return "\n".join(t.value for t in at.text)


def _correct(at: AppTest, evaluation_id: str, field: str, value: str) -> AppTest:
    """A correction through the form, by the signed-in account (no name is typed)."""
    at.selectbox(key="admin_correct_evaluation").set_value(evaluation_id).run()
    at.selectbox(key="admin_correct_field").set_value(field).run()
    at.text_input(key="admin_correct_value").input(value)
    at.button(key="admin_correct_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _evaluation_id(db: Path, department: str) -> str:
    return run_query("evaluations_list", {"departments": [department]}, db)["evaluation_id"][0]


def test_failed_files_are_explained_in_chinese(tmp_path, monkeypatch):
    db = _warehouse(tmp_path, [SEEDS[0], BAD])
    at = _open(db, tmp_path, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已导入文件"] == "1" and int(metrics["读取失败"]) == len({p.read_bytes() for p in BAD.iterdir()})  # same bytes: one row
    failures = _table(at, "失败类型").set_index("文件名")
    assert failures.loc["encrypted.pdf", "失败类型"] == "加密文件"
    assert failures.loc["scanned.pdf", "失败类型"] == "扫描件（没有文字层）"
    assert failures.loc["truncated.pdf", "失败类型"] == "文件不完整"
    assert failures.loc["old_word.docx", "失败类型"] == "旧版 Office 格式"
    assert "未加密的版本" in failures.loc["encrypted.pdf", "处理建议"]
    assert failures["原因说明"].str.len().min() > 5


def test_upload_stores_server_names_and_loads(tmp_path, monkeypatch):
    db = _warehouse(tmp_path, [SEEDS[0]])
    at = _open(db, tmp_path, monkeypatch)
    at.file_uploader(key="admin_upload").set_value([
        ("../../富民县 2024 报告.txt", SEEDS[1].read_bytes(), "text/plain"),
        ("扫描件;$x.pdf", (BAD / "scanned.pdf").read_bytes(), "application/pdf"),
    ]).run()  # other types are refused by the widget itself (and by save_uploads: tests/ui/test_upload.py)
    with write_lock(db):  # the background job waits, so its stored files are still there to look at
        at.button(key="admin_ingest_button").click().run()
        assert not at.exception, [e.value for e in at.exception]
        stored = sorted(p.name for p in (tmp_path / "uploads").iterdir() if p.is_file() and p.name != "uploads.jsonl")
        assert len(stored) == 2 and all(re.fullmatch(r"[0-9a-f]{32}\.(txt|pdf)", n) for n in stored)
    assert not (tmp_path / "富民县 2024 报告.txt").exists()
    (job,) = upload_jobs.list_jobs(tmp_path / "uploads")  # loaded by a background job (tests/ui/test_upload_jobs.py)
    deadline = time.monotonic() + 120
    while upload_jobs.read_job(job["id"], tmp_path / "uploads")["state"] != "done":
        assert time.monotonic() < deadline, "the upload job did not finish"
        time.sleep(0.1)
    at.run()
    headline = next(w.value for w in at.warning if "完成导入" in w.value)
    assert "导入 1、" in headline and "失败 1" in headline
    summary = _texts(at)
    assert "扫描件;$x.pdf: " in summary and "没有文字层" in summary  # shown under the name the user chose
    statuses = run_query("page_admin_reports", {}, db)
    assert statuses.height == 3 and set(statuses["status"]) == {"loaded", "failed"}
    uploaded = statuses.filter(statuses["file_name"] != SEEDS[0].name)
    assert set(uploaded["loaded_by"]) == {"admin"}, "an upload names the signed-in account that made it"
    assert statuses.filter(statuses["file_name"] == SEEDS[0].name)["loaded_by"][0].startswith("命令行")
    assert not any(p.is_file() and p.name != "uploads.jsonl" for p in (tmp_path / "uploads").iterdir())  # pruned
    failures = _table(at, "失败类型")
    assert list(failures["文件名"]) == ["扫描件;$x.pdf"]


def test_correction_kept_rederived_and_survives_a_later_load(tmp_path, monkeypatch):
    db = _warehouse(tmp_path, [SEEDS[0]])
    evaluation_id = _evaluation_id(db, "县委编办")
    before = run_query("flags_list", {"evaluation_id": evaluation_id}, db)
    assert "EXECUTION_RULE_VIOLATION" in set(before["code"])  # 100 claimed at 86.2% execution
    at = _open(db, tmp_path, monkeypatch)
    _correct(at, evaluation_id, "spent_wan", "10")
    assert any(s.value == "更正已保存" for s in at.success)
    history = _table(at, "更正人")
    row = history.iloc[0]
    assert (row["更正人"], row["字段"], row["原值"], row["新值"]) == ("admin", "实际支出(万元)", "8.62", "10.0")
    assert row["更正时间"] is not None
    after = run_query("flags_list", {"evaluation_id": evaluation_id}, db)
    assert "EXECUTION_RULE_VIOLATION" not in set(after["code"])  # flags re-derived from the corrected spend
    # A later load (the same file again and a new one) keeps the correction.
    ingest_paths([str(SEEDS[0]), str(SEEDS[1])], db_path=db, progress=False, echo=False)
    row = run_query("page_project_evaluations", {"evaluation_id": evaluation_id}, db).row(0, named=True)
    assert row["spent_wan"] == 10.0 and row["execution_rate"] == 100.0 and row["corrected"]


def test_bad_input_refused_and_partial_records_listed(tmp_path, monkeypatch):
    from tests.pages.test_imperfect_data import _planted

    (tmp_path / "in").mkdir()
    nameless = next(p for p in _planted(tmp_path / "in") if "nameless" in p.name)
    db = _warehouse(tmp_path, [SEEDS[0], nameless])
    evaluation_id = _evaluation_id(db, "县委编办")
    at = _open(db, tmp_path, monkeypatch)
    partial = _table(at, "缺少的字段")
    assert list(partial["缺少的字段"]) == ["项目名称、单位、年度"]
    assert at.selectbox(key="admin_correct_evaluation").options[0].startswith("⚠ （未写明项目名称）")
    audited = store.audit_rows(action="correction", account="admin")[1]
    _correct(at, evaluation_id, "year", "二〇二三")
    assert any(e.value == "更正未保存" for e in at.error) and "不是有效的年度" in _texts(at)
    assert store.audit_rows(action="correction", account="admin")[1] == audited, "a refused correction is not audited"
    _correct(at, evaluation_id, "year", "2023")
    assert any(s.value == "更正已保存" for s in at.success)
    rows, _total = store.audit_rows(action="correction", account="admin", limit=1)
    assert rows and "年度" in rows[0]["target"] and rows[0]["detail"].endswith("→ 2023")


def test_only_a_data_admin_may_open_the_page(tmp_path, monkeypatch):
    db = _warehouse(tmp_path, [SEEDS[0]])
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    at = signed_in(AppTest.from_file(str(PAGE), default_timeout=90), "leader").run()
    assert [e.value for e in at.error] == ["您的账号无权查看本页。"] and not at.dataframe and not at.button
    anonymous = AppTest.from_file(str(PAGE), default_timeout=90).run()
    assert not anonymous.dataframe and anonymous.text_input(key="auth_name") is not None


def test_a_running_load_is_reported_not_waited_on(tmp_path, monkeypatch):
    db = _warehouse(tmp_path, [SEEDS[0]])
    evaluation_id = _evaluation_id(db, "县委编办")
    at = _open(db, tmp_path, monkeypatch)
    with write_lock(db):
        _correct(at, evaluation_id, "department", "县委机构编制委员会办公室")
    assert "另一个导入正在进行" in _texts(at)
    assert run_query("page_admin_evaluations", {"evaluation_id": evaluation_id}, db)["department"][0] == "县委编办"


@pytest.mark.parametrize("missing", [True, False])
def test_empty_warehouse_says_what_to_do(tmp_path, monkeypatch, missing):
    db = tmp_path / "none" / "warehouse.duckdb"
    if not missing:
        ingest_paths([], db_path=db, progress=False, echo=False)
    at = _open(db, tmp_path, monkeypatch)
    assert any("还没有导入过任何文件" in i.value or "仓库中还没有报告" in i.value for i in at.info)
