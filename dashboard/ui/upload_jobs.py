"""Upload jobs: a batch of saved uploads loaded by a detached worker process, so that a rerun, a
closed tab or a restarted dashboard server never cancels it or loses its outcome.

A job is a small JSON file `<upload_dir>/jobs/<id>.json` (ids sort by creation time) holding the
uploaded files (stored and original names, content hashes), the duplicates and refused files the page
found before saving, the state (queued -> waiting -> running -> done), the progress and, when done, the
outcome with every failed file's reason under the name the user uploaded it as.

The worker is `python -m dashboard.ui.upload_jobs --upload-dir DIR --db WAREHOUSE`, started in its own
session (a signal to the server's process group does not reach it). It holds an exclusive flock on
`jobs/runner.lock` while it works, so one job runs at a time, oldest first; each job then waits for the
warehouse's load lock (another load, a correction) before the real loader `ingest_paths` runs. A job
left `running` by a worker that died (the lock is free again) is taken up by the next worker: the
loader skips content it already loaded, so a retry never loads a file twice. After its load a job's
files are deleted unless the setting keep_uploads says to keep them; uploads.jsonl keeps the names.
No streamlit here.
"""
from __future__ import annotations

import argparse
import errno
import fcntl
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from dashboard import settings
from dashboard.ui.upload import UploadBatch, content_hash, file_label, original_names, with_original_names

JOBS_DIR = "jobs"
RUNNER_LOCK = "runner.lock"
WORKER_LOG = "worker.log"
FINISHED = "done"
UNFINISHED = ("queued", "waiting", "running")
MAX_ATTEMPTS = 3  # a job whose worker died this many times is ended with a reason instead of retried
KEEP_FINISHED_JOBS = 30  # older finished job files are deleted
PROGRESS_WRITE_SECONDS = 0.3
WAIT_POLL_SECONDS = 1.0
STRAY_MIN_AGE_SECONDS = 600  # a stored upload no job names is left alone this long (a page may be saving it)
RESPAWN_SECONDS = 10.0  # a server process starts at most one worker this often (a worker failing at once
#                         must not be restarted on every poll of every open page)
MAX_LOG_BYTES = 1 << 20
_spawn_lock = threading.Lock()
_last_spawn: dict[Path, float] = {}  # jobs folder -> when this process last started a worker for it
_JOB_ID = re.compile(r"^\d{8}-\d{6}-\d{6}-[0-9a-f]{6}$")
_STORED = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,5}$")


# ---------------------------------------------------------------------------------------------
# Job files


def upload_dir(path: str | os.PathLike | None = None) -> Path:
    return Path(os.path.abspath(path if path is not None else settings.get("upload_dir")))


def jobs_dir(directory: str | os.PathLike | None = None) -> Path:
    folder = upload_dir(directory) / JOBS_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    return folder


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _write(path: Path, job: dict) -> None:
    """Replace a job file atomically: a reader sees the old or the new content, never half."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(3)}")
    with open(temp, "w", encoding="utf-8") as fh:
        json.dump(job, fh, ensure_ascii=False)
    os.replace(temp, path)


def read_job(job_id: str, directory: str | os.PathLike | None = None) -> dict | None:
    if not _JOB_ID.match(job_id or ""):
        return None
    try:
        with open(jobs_dir(directory) / f"{job_id}.json", encoding="utf-8") as fh:
            return json.load(fh)
    except (FileNotFoundError, ValueError):
        return None


def list_jobs(directory: str | os.PathLike | None = None) -> list[dict]:
    """Every job, oldest first."""
    folder = jobs_dir(directory)
    jobs = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json") and _JOB_ID.match(name[:-5]):
            job = read_job(name[:-5], directory)
            if job is not None:
                jobs.append(job)
    return jobs


def unfinished_jobs(directory: str | os.PathLike | None = None) -> list[dict]:
    return [j for j in list_jobs(directory) if j.get("state") in UNFINISHED]


def pending_hashes(directory: str | os.PathLike | None = None) -> dict[str, str]:
    """Content hash -> original name of every file waiting in an unfinished job (not to be saved twice)."""
    return {f["content_hash"]: f["original"] for job in unfinished_jobs(directory) for f in job["files"]
            if f.get("content_hash")}


def create_job(batch: UploadBatch, *, uploaded_by: str | None = None, db_path: str | os.PathLike | None = None,
               directory: str | os.PathLike | None = None) -> str:
    """Write a queued job for the batch's saved files (with its duplicates and refused files); its id."""
    from dashboard.warehouse import resolve_db_path

    job_id = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(3)}"
    job = {
        "id": job_id, "state": "queued", "created_at": _now(), "started_at": None, "finished_at": None,
        "uploaded_by": uploaded_by, "db_path": str(resolve_db_path(db_path)), "attempts": 0,
        "files": [{"stored": s.stored_path.name, "original": s.original_name, "size_bytes": s.size_bytes,
                   "content_hash": s.content_hash} for s in batch.saved],
        "duplicates": [list(d) for d in batch.duplicates], "rejected": [list(r) for r in batch.rejected],
        "done": 0, "total": len(batch.saved), "outcome": None,
    }
    _write(jobs_dir(directory) / f"{job_id}.json", job)
    return job_id


def start_job(batch: UploadBatch, *, uploaded_by: str | None = None, db_path: str | os.PathLike | None = None,
              directory: str | os.PathLike | None = None) -> str:
    """Queue a job for the saved batch and make sure a worker runs it; its id."""
    job_id = create_job(batch, uploaded_by=uploaded_by, db_path=db_path, directory=directory)
    ensure_worker(directory, db_path)
    return job_id


# ---------------------------------------------------------------------------------------------
# The worker


@contextmanager
def _runner_lock(directory: str | os.PathLike | None, *, wait: bool) -> Iterator[bool]:
    """The worker's exclusive flock (the kernel drops it when the holder dies); yields whether held."""
    fd = os.open(jobs_dir(directory) / RUNNER_LOCK, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def worker_running(directory: str | os.PathLike | None = None) -> bool:
    with _runner_lock(directory, wait=False) as held:
        return not held


def ensure_worker(directory: str | os.PathLike | None = None, db_path: str | os.PathLike | None = None) -> bool:
    """Start a detached worker when jobs are waiting and none runs (also after a server restart or a
    worker that died); whether one was started. A surplus worker finds nothing to do and exits."""
    if not unfinished_jobs(directory) or worker_running(directory):
        return False
    folder = jobs_dir(directory)
    with _spawn_lock:
        if time.monotonic() - _last_spawn.get(folder, float("-inf")) < RESPAWN_SECONDS and not _fresh_jobs(directory):
            return False
        _last_spawn[folder] = time.monotonic()
    from dashboard.warehouse import resolve_db_path

    log = open(folder / WORKER_LOG, "ab")
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.ui.upload_jobs", "--upload-dir", str(upload_dir(directory)),
             "--db", str(resolve_db_path(db_path))],
            cwd=settings.ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True)
    finally:
        log.close()
    # Reap it when it exits (no zombie left in the server process); the thread never blocks shutdown.
    threading.Thread(target=process.wait, name="upload-job-reaper", daemon=True).start()
    return True


def _fresh_jobs(directory: str | os.PathLike | None) -> bool:
    """Whether a job no worker has tried yet is waiting (a new upload is never held back)."""
    return any(not job.get("attempts") for job in unfinished_jobs(directory))


def run_worker(directory: str | os.PathLike | None = None, db_path: str | os.PathLike | None = None) -> int:
    """Run every unfinished job, oldest first, one at a time; the number run."""
    count = 0
    with _runner_lock(directory, wait=True):
        while True:
            jobs = unfinished_jobs(directory)
            if not jobs:
                break
            run_job(jobs[0]["id"], directory, db_path)
            count += 1
        _prune_job_files(directory)
    return count


def _finish(path: Path, job: dict, outcome: dict, directory: str | os.PathLike | None) -> None:
    """Record the outcome; delete the job's uploads unless keep_uploads, or the batch did not run through
    (they stay on the server, and a later upload of the same content is still accepted)."""
    job.update(state=FINISHED, finished_at=_now(), outcome=outcome)
    _write(path, job)
    if not settings.get("keep_uploads") and not outcome.get("error"):
        folder = upload_dir(directory)
        for entry in job["files"]:
            _unlink(folder / entry["stored"])
        _prune_strays(directory, job)


def run_job(job_id: str, directory: str | os.PathLike | None = None, db_path: str | os.PathLike | None = None) -> dict:
    """Load one job's files with the real loader, writing its progress and outcome to the job file.

    Caller holds the runner lock. A job found `running` or `waiting` was left by a worker that died.
    """
    from dashboard.ingest.load import ingest_paths
    from dashboard.ui.upload import load_running

    path = jobs_dir(directory) / f"{job_id}.json"
    job = read_job(job_id, directory)
    if job is None or job.get("state") == FINISHED:
        return job or {}
    db = job.get("db_path") or db_path
    names = {f["stored"]: f["original"] for f in job["files"]}
    folder = upload_dir(directory)
    job["attempts"] = int(job.get("attempts") or 0) + 1
    if job["attempts"] > MAX_ATTEMPTS:
        _finish(path, job, _outcome_error("导入进程多次意外中止，本批未导入，请重新上传这些文件"), directory)
        return job
    try:
        job.update(done=0, total=len(job["files"]))
        if load_running(db):  # another load or a correction: wait for it, however long it takes
            job["state"] = "waiting"
            _write(path, job)
            while load_running(db):
                time.sleep(WAIT_POLL_SECONDS)
        job.update(state="running", started_at=_now())
        _write(path, job)
        last_write = [0.0]

        def on_progress(done: int, total: int) -> None:
            job.update(done=done, total=total)
            now = time.monotonic()
            if done >= total or now - last_write[0] >= PROGRESS_WRITE_SECONDS:
                _write(path, job)
                last_write[0] = now

        summary = ingest_paths([str(folder / f["stored"]) for f in job["files"]], db_path=db, progress=False,
                               echo=False, on_progress=on_progress, loaded_by=job.get("uploaded_by"))
        outcome = {
            "loaded": summary.loaded, "skipped": summary.skipped, "records": summary.records,
            "failed": [[file_label(name, names), with_original_names(reason, names, folder)]
                       for name, reason in summary.failed + summary.unsupported],
            "same_report": _same_report(summary, names, folder),
            "warnings": list(summary.warnings),
            "error": with_original_names(summary.error, names, folder) if summary.error else None,
        }
    except Exception as exc:  # never leave a job hanging: say what went wrong
        outcome = _outcome_error(f"导入时出现意外错误，本批未全部导入：{type(exc).__name__}: {str(exc)[:200]}")
    job["done"] = job.get("total", 0) if outcome["error"] is None else job.get("done", 0)
    _finish(path, job, outcome, directory)
    return job


def _same_report(summary, names: dict[str, str], folder: Path) -> list[list[str]]:
    """Files the loader found to be a report already loaded from another file (another format), each
    with the reason naming that file as the user knows it (an earlier upload by its uploaded name)."""
    same = getattr(summary, "duplicates", None) or []
    if not same:
        return []
    from dashboard.ingest.load import duplicate_reason

    everyone = {**original_names(folder), **names}
    return [[file_label(name, names), duplicate_reason(file_label(first, everyone))] for name, first in same]


def _outcome_error(reason: str) -> dict:
    return {"loaded": 0, "skipped": 0, "records": 0, "failed": [], "same_report": [], "warnings": [],
            "error": reason}


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _prune_job_files(directory: str | os.PathLike | None) -> None:
    finished = [j for j in list_jobs(directory) if j.get("state") == FINISHED]
    folder = jobs_dir(directory)
    for job in finished[:-KEEP_FINISHED_JOBS]:
        _unlink(folder / f"{job['id']}.json")
    log = folder / WORKER_LOG
    try:
        if log.stat().st_size > MAX_LOG_BYTES:
            os.truncate(log, 0)  # workers append (O_APPEND): truncating under them is safe
    except FileNotFoundError:
        pass


def _prune_strays(directory: str | os.PathLike | None, just_done: dict) -> None:
    """Delete stored uploads no unfinished job names whose content the warehouse already holds (loaded
    or failed with its reason): leftovers of batches lost before uploads ran as jobs. A stored file the
    warehouse has never seen is kept."""
    from dashboard.warehouse import QUERIES_DIR, WarehouseError, current_version_file, run_sql_file

    folder = upload_dir(directory)
    named = {f["stored"] for job in unfinished_jobs(directory) for f in job["files"]}
    now = time.time()
    strays = []
    for entry in os.scandir(folder):
        if (_STORED.match(entry.name) and entry.is_file() and entry.name not in named
                and now - entry.stat().st_mtime > STRAY_MIN_AGE_SECONDS):
            strays.append(Path(entry.path))
    db = just_done.get("db_path")
    if not strays or current_version_file(db) is None:
        return
    try:
        known = set(run_sql_file(QUERIES_DIR / "load" / "report_statuses.sql", db_path=db)["content_hash"].to_list())
    except WarehouseError:
        return
    for stray in strays:
        try:
            with open(stray, "rb") as fh:
                digest = content_hash(fh)
            if digest in known:
                _unlink(stray)
        except OSError:
            continue


# ---------------------------------------------------------------------------------------------
# What the page shows (plain strings: the page renders names from the browser as plain text only)


def when(iso: str | None) -> str:
    """A job time as the page shows it: 2026-12-03 19:15."""
    try:
        return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M}"
    except (TypeError, ValueError):
        return "时间不详"


def job_status(job: dict) -> tuple[str, float | None]:
    """An unfinished job's one line of status, with its progress (0..1) once it is loading."""
    count = len(job.get("files") or [])
    uploaded = f"{when(job.get('created_at'))} 上传的 {count} 个文件"
    state = job.get("state")
    if state == "running":
        done, total = int(job.get("done") or 0), int(job.get("total") or 0)
        return f"正在导入{uploaded}：已处理 {done} / {total} 个", (done / total if total else 0.0)
    if state == "waiting":
        return f"{uploaded}等待导入：另一个导入或更正正在进行，完成后自动开始。", None
    return f"{uploaded}排队中：前一批导入完成后自动开始。", None


def job_outcome(job: dict) -> tuple[bool, str, list[str]]:
    """A finished job as the page shows it: whether all went well, a headline of counts (no names)
    and one line per file that was not loaded (failed with its reason, duplicate, refused)."""
    outcome = job.get("outcome") or {}
    duplicates, rejected = job.get("duplicates") or [], job.get("rejected") or []
    failed, same = outcome.get("failed") or [], outcome.get("same_report") or []
    lines = [f"导入人：{job['uploaded_by']}"] if job.get("uploaded_by") else []
    if outcome.get("error"):
        lines.append(outcome["error"])
    lines += [f"{name}: {reason}" for name, reason in failed + same]
    lines += [f"{name}: {reason}" for name, reason in duplicates + rejected]
    lines += [f"注意：{warning}" for warning in outcome.get("warnings") or []]
    counts = [f"导入 {outcome.get('loaded', 0)}", f"已存在跳过 {outcome.get('skipped', 0)}", f"失败 {len(failed)}"]
    counts += [f"{label} {len(items)}" for label, items in (("同一报告的其他格式", same), ("重复未上传", duplicates),
                                                              ("未接受", rejected)) if items]
    headline = (f"{when(job.get('finished_at'))} 完成导入（上传 {len(job.get('files') or [])} 个文件）："
                f"{'、'.join(counts)}（新增评价记录 {outcome.get('records', 0)} 条）")
    if outcome.get("error"):
        headline = (f"{when(job.get('finished_at'))} 的导入未完成（上传 {len(job.get('files') or [])} 个文件）："
                    "请稍后重新上传这些文件，已导入的会自动跳过")
    ok = not outcome.get("error") and not failed and not rejected
    return ok, headline, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.ui.upload_jobs",
                                     description="运行数据管理页上传的导入任务（后台进程）")
    parser.add_argument("--upload-dir", default=None)
    parser.add_argument("--db", default=None)
    args = parser.parse_args(argv)
    run_worker(args.upload_dir, args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
