"""Uploads survive the browser: 50 reports uploaded on 数据管理 in a real chromium against a real
`streamlit run`; the tab is closed while the upload job is loading; a new tab finds all 50 loaded, the
job's outcome on the page and the uploaded files deleted.

Run alone: .venv/bin/python -m pytest -q -p no:xdist tests/e2e/test_upload_browser.py
"""
from __future__ import annotations

import json
import re
import time

import pytest

from dashboard.ui import upload_jobs
from dashboard.ui.upload import UPLOAD_LOG, original_names
from dashboard.warehouse import run_query, write_lock
from tests.e2e.browser import (
    SEEDS,
    TIMEOUT_MS,
    chromium_page,
    ingest,
    open_page,
    require_chromium,
    screenshot,
    streamlit_server,
    wait_idle,
)
from tests.e2e.test_pages_browser import ALLOWED_ENGLISH, VISIBLE_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COUNT = 50
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(\s*万元)")


def write_reports(folder, count: int) -> list:
    """Valid text reports with distinct names and amounts: the reference reports with the project renamed
    (每份一个期号) and the first amount raised, so no two are the same report."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = json.loads((SEEDS[0].parent / "expected.json").read_text(encoding="utf-8"))["reports"]
    paths = []
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        project = expected[seed.name]["project_name"]
        text = seed.read_text(encoding="utf-8").replace(project, f"{project}第{i + 1}期")
        text = AMOUNT.sub(lambda m: f"{float(m.group(1)) + (i + 1) / 100:g}{m.group(2)}", text, count=1)
        path = folder / f"批量上传{i + 1:02d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _job(uploads, state_wanted: tuple[str, ...], timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = upload_jobs.list_jobs(uploads)
        if jobs and jobs[-1]["state"] in state_wanted:
            return jobs[-1]
        time.sleep(0.02)
    raise AssertionError(f"no job reached {state_wanted}: {upload_jobs.list_jobs(uploads)}")


def test_fifty_uploads_survive_a_closed_tab(tmp_path, monkeypatch):
    require_chromium()
    db = tmp_path / "warehouse.duckdb"
    ingest([SEEDS[0]], db)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    reports = write_reports(tmp_path / "incoming", COUNT)
    monkeypatch.setenv("PERF_LOAD_WORKERS", "1")  # the server's loads run long enough to close the tab mid-load
    with streamlit_server(db, uploads) as url, chromium_page() as page:
        context = page.context
        open_page(page, f"{url}/data", "数据管理", "更正字段")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(p) for p in reports])
        wait_idle(page)
        with write_lock(db):  # another load is running: the job queues behind the load lock
            page.get_by_role("button", name="导入上传的文件").click()
            page.get_by_text("正在服务器后台导入", exact=False).first.wait_for()
            waiting = _job(uploads, ("waiting",))
            assert waiting["total"] == COUNT and len(waiting["files"]) == COUNT
            page.get_by_text("等待导入", exact=False).first.wait_for()
            screenshot(page, "upload_job_waiting")
        running = _job(uploads, ("running", "done"))
        page.close()  # the tab goes away in the middle of the job
        assert running["state"] == "running", "the job ended before the tab closed: the test proves nothing"

        fresh = context.new_page()
        fresh.goto(f"{url}/data")
        fresh.get_by_role("heading", name="数据管理", exact=True).wait_for()
        fresh.get_by_text("完成导入", exact=False).first.wait_for(timeout=TIMEOUT_MS)
        # The panel reruns the whole page once the job is done: wait for that run's file tables.
        fresh.get_by_text("导入在服务器后台进行", exact=False).first.wait_for(state="detached")
        fresh.locator('[data-testid="stMetric"]').filter(has_text="已导入文件").filter(
            has_text=str(COUNT + 1)).first.wait_for()
        wait_idle(fresh)
        shown = fresh.get_by_text("完成导入", exact=False).first.inner_text()
        assert f"上传 {COUNT} 个文件" in shown and f"导入 {COUNT}、已存在跳过 0、失败 0" in shown, shown
        screenshot(fresh, "upload_job_done")
        text = fresh.evaluate(VISIBLE_TEXT)
        words = set(re.findall(r"[A-Za-z]{2,}", text))
        assert {w for w in words if w.lower() not in ALLOWED_ENGLISH} == set(), words
        assert str(uploads) not in text and str(tmp_path) not in text
        assert fresh.locator('[data-testid="stException"]').count() == 0

    (job,) = upload_jobs.list_jobs(uploads)
    assert job["state"] == "done" and job["outcome"]["loaded"] == COUNT and job["outcome"]["failed"] == []
    statuses = run_query("page_admin_reports", {}, db)
    assert statuses.filter(statuses["status"] == "loaded").height == COUNT + 1
    assert sorted(original_names(uploads).values()) == sorted(p.name for p in reports)
    leftovers = [p.name for p in uploads.iterdir() if p.is_file() and p.name != UPLOAD_LOG]
    assert leftovers == []  # loaded files are deleted (keep_uploads is off)
