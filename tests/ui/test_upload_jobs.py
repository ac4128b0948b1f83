"""Upload jobs: duplicates found before saving, a real detached worker process that waits behind the load
lock, reports progress and its outcome in a job file, prunes the uploaded files; one job at a time; a
job whose worker died is taken up again; the 数据管理 page shows the outcome to a new session."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.ingest.load import ingest_paths
from dashboard.ui import upload_jobs
from dashboard.ui.upload import DUPLICATE_LOADED, UPLOAD_LOG, loaded_hashes, save_uploads
from dashboard.warehouse import run_query, write_lock
from tests.conftest import signed_in

PAGE = settings.ROOT / "pages" / "data_admin.py"
FIXTURES = settings.ROOT / "tests" / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(\s*万元)")
WAIT_SECONDS = 180


def variants(count: int) -> list[tuple[str, bytes]]:
    """Valid reports with distinct names and amounts: the reference reports with the project renamed
    (每份一个期号) and the first amount raised, so no two are the same report."""
    expected = json.loads((FIXTURES / "seeds" / "expected.json").read_text(encoding="utf-8"))["reports"]
    out = []
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        project = expected[seed.name]["project_name"]
        text = seed.read_text(encoding="utf-8").replace(project, f"{project}第{i + 1}期")
        text = AMOUNT.sub(lambda m: f"{float(m.group(1)) + (i + 1) / 100:g}{m.group(2)}", text, count=1)
        out.append((f"上传测试{i + 1:02d}.txt", text.encode("utf-8")))
    return out


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    uploads = tmp_path / "uploads"
    summary = ingest_paths([str(SEEDS[0])], db_path=db, progress=False, echo=False)
    assert summary.loaded == 1
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    monkeypatch.setenv("PERF_UPLOAD_DIR", str(uploads))
    monkeypatch.setenv("PERF_LOAD_WORKERS", "1")
    return db, uploads


def stored_files(uploads: Path) -> list[str]:
    return sorted(p.name for p in uploads.iterdir() if p.is_file() and p.name != UPLOAD_LOG)


def wait_for(job_id: str, uploads: Path, states: tuple[str, ...], seen: list | None = None) -> dict:
    """Poll the job file until its state is one of `states`; every distinct (state, done) seen is recorded."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job = upload_jobs.read_job(job_id, uploads)
        if seen is not None and job and (not seen or seen[-1] != (job["state"], job["done"])):
            seen.append((job["state"], job["done"]))
        if job and job["state"] in states:
            return job
        time.sleep(0.02)
    log = (uploads / upload_jobs.JOBS_DIR / upload_jobs.WORKER_LOG)
    raise AssertionError(f"job {job_id} never reached {states}: {upload_jobs.read_job(job_id, uploads)} "
                         f"{log.read_text() if log.exists() else ''}")


def wait_worker_gone(uploads: Path) -> None:
    deadline = time.monotonic() + 30
    while upload_jobs.worker_running(uploads):
        assert time.monotonic() < deadline, "the worker did not exit"
        time.sleep(0.05)


def test_duplicates_are_reported_and_never_saved(env):
    db, uploads = env
    fresh = variants(2)
    batch = save_uploads([("已导入过.txt", SEEDS[0].read_bytes()), fresh[0], ("同一份.txt", fresh[0][1]), fresh[1]],
                         upload_dir=uploads, loaded_hashes=loaded_hashes(db), pending_hashes={})
    assert [s.original_name for s in batch.saved] == ["上传测试01.txt", "上传测试02.txt"]
    assert dict(batch.duplicates) == {"已导入过.txt": DUPLICATE_LOADED,
                                      "同一份.txt": "内容与本次选择的 上传测试01.txt 相同，未重复上传"}
    assert len(stored_files(uploads)) == 2
    # While that batch waits in a job, the same content uploaded again is not saved a second time.
    upload_jobs.create_job(batch, db_path=db, directory=uploads)
    again = save_uploads([("再传一次.txt", fresh[1][1])], upload_dir=uploads, loaded_hashes=loaded_hashes(db),
                         pending_hashes=upload_jobs.pending_hashes(uploads))
    assert again.saved == [] and again.duplicates == [("再传一次.txt", "内容与正在等待导入的 上传测试02.txt 相同，未重复上传")]
    assert len(stored_files(uploads)) == 2


def test_job_lifecycle_in_a_worker_process(env):
    """Two jobs queued while another load holds the lock: they wait, then run one after the other in a
    detached worker; progress and outcome land in the job files; the uploads are deleted."""
    db, uploads = env
    files = variants(12)
    first = save_uploads(files[:10] + [("扫描件.pdf", (FIXTURES / "bad" / "scanned.pdf").read_bytes())],
                         upload_dir=uploads, loaded_hashes=loaded_hashes(db), pending_hashes={})
    second = save_uploads(files[10:] + [("重复.txt", SEEDS[0].read_bytes())], upload_dir=uploads,
                          loaded_hashes=loaded_hashes(db), pending_hashes=upload_jobs.pending_hashes(uploads))
    assert len(stored_files(uploads)) == 13
    seen: list = []
    with write_lock(db):  # another load is running
        first_id = upload_jobs.start_job(first, uploaded_by="张三", db_path=db, directory=uploads)
        second_id = upload_jobs.start_job(second, db_path=db, directory=uploads)
        assert wait_for(first_id, uploads, ("waiting",))["done"] == 0
        assert upload_jobs.worker_running(uploads)
        assert upload_jobs.read_job(second_id, uploads)["state"] == "queued"
    done = wait_for(first_id, uploads, ("done",), seen)
    states = [state for state, _done in seen]
    assert states[-1] == "done" and "running" in states, seen
    assert [d for _s, d in seen] == sorted(d for _s, d in seen), seen  # progress only moves forward
    outcome = done["outcome"]
    assert (outcome["loaded"], outcome["skipped"], outcome["error"]) == (10, 0, None)
    assert [name for name, _reason in outcome["failed"]] == ["扫描件.pdf"]  # under the uploaded name
    assert "没有文字层" in outcome["failed"][0][1] and "/" not in outcome["failed"][0][1]
    assert done["done"] == done["total"] == 11
    later = wait_for(second_id, uploads, ("done",))
    assert later["started_at"] >= done["finished_at"]  # one job at a time, oldest first
    assert later["outcome"]["loaded"] == 2 and later["duplicates"] == [["重复.txt", DUPLICATE_LOADED]]
    ok, headline, lines = upload_jobs.job_outcome(later)
    assert ok and "导入 2、" in headline and "重复未上传 1" in headline and lines == [f"重复.txt: {DUPLICATE_LOADED}"]
    statuses = run_query("page_admin_reports", {}, db)
    assert statuses.filter(statuses["status"] == "loaded").height == 13
    assert stored_files(uploads) == []  # pruned after loading
    assert len(json.loads((uploads / UPLOAD_LOG).read_text(encoding="utf-8").splitlines()[0])) >= 3  # names kept
    wait_worker_gone(uploads)


def test_a_job_whose_worker_died_is_taken_up_again_and_keep_uploads(env, monkeypatch):
    db, uploads = env
    monkeypatch.setenv("PERF_KEEP_UPLOADS", "1")
    batch = save_uploads(variants(3), upload_dir=uploads, loaded_hashes=loaded_hashes(db), pending_hashes={})
    job_id = upload_jobs.create_job(batch, db_path=db, directory=uploads)
    path = uploads / upload_jobs.JOBS_DIR / f"{job_id}.json"
    job = json.loads(path.read_text(encoding="utf-8"))
    job.update(state="running", attempts=1, done=1)  # as a worker killed in the middle left it
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    assert not upload_jobs.worker_running(uploads)
    assert upload_jobs.ensure_worker(uploads, db)
    done = wait_for(job_id, uploads, ("done",))
    assert done["attempts"] == 2 and done["outcome"]["loaded"] == 3 and done["outcome"]["failed"] == []
    assert len(stored_files(uploads)) == 3  # keep_uploads
    wait_worker_gone(uploads)
    assert not upload_jobs.ensure_worker(uploads, db)  # nothing left to do: no worker started


def _open() -> AppTest:
    at = signed_in(AppTest.from_file(str(PAGE), default_timeout=90)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return "\n".join([t.value for t in at.text] + [m.value for m in at.info] + [m.value for m in at.success]
                     + [m.value for m in at.warning] + [m.value for m in at.caption])


def test_page_starts_a_job_and_a_new_session_sees_its_outcome(env):
    db, uploads = env
    files = variants(3)
    at = _open()
    with write_lock(db):  # the job must wait: the page has returned long before the load starts
        at.file_uploader(key="admin_upload").set_value(
            [(name, data, "text/plain") for name, data in files]
            + [("../../扫描件;$x.pdf", (FIXTURES / "bad" / "scanned.pdf").read_bytes(), "application/pdf"),
               ("又一份.txt", SEEDS[0].read_bytes(), "text/plain")]).run()
        at.button(key="admin_ingest_button").click().run()
        assert not at.exception, [e.value for e in at.exception]
        text = _texts(at)
        assert "正在服务器后台导入" in text and f"又一份.txt: {DUPLICATE_LOADED}" in text
        assert len(stored_files(uploads)) == 4  # the duplicate was not saved
        assert all(re.fullmatch(r"[0-9a-f]{32}\.(txt|pdf)", n) for n in stored_files(uploads))
        (job,) = upload_jobs.list_jobs(uploads)
        wait_for(job["id"], uploads, ("waiting",))
        at.run()  # the session comes back while it waits
        assert "等待导入" in _texts(at)
    wait_for(job["id"], uploads, ("done",))
    fresh = _open()  # a new session (a new tab): the outcome is there
    text = _texts(fresh)
    assert "导入 3、" in text and "失败 1" in text and "重复未上传 1" in text
    assert "扫描件;$x.pdf: " in text and "没有文字层" in text and str(uploads) not in text
    failures = next(d.value for d in fresh.dataframe if "失败类型" in d.value.columns)
    assert list(failures["文件名"]) == ["扫描件;$x.pdf"]
    assert stored_files(uploads) == []
    assert run_query("page_admin_reports", {}, db).height == 5
    wait_worker_gone(uploads)


def test_a_job_that_keeps_dying_ends_with_a_reason_and_keeps_its_files(env):
    db, uploads = env
    batch = save_uploads(variants(2), upload_dir=uploads, loaded_hashes=loaded_hashes(db), pending_hashes={})
    job_id = upload_jobs.create_job(batch, db_path=db, directory=uploads)
    path = uploads / upload_jobs.JOBS_DIR / f"{job_id}.json"
    job = json.loads(path.read_text(encoding="utf-8"))
    job.update(state="running", attempts=upload_jobs.MAX_ATTEMPTS)
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    assert upload_jobs.run_worker(uploads, db) == 1  # in this process: the worker's own loop
    done = upload_jobs.read_job(job_id, uploads)
    assert done["state"] == "done" and "多次意外中止" in done["outcome"]["error"]
    ok, headline, lines = upload_jobs.job_outcome(done)
    assert not ok and "导入未完成" in headline and any("多次意外中止" in line for line in lines)
    assert len(stored_files(uploads)) == 2  # not loaded: kept on the server
    assert run_query("page_admin_reports", {}, db).height == 1
