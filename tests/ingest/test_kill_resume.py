"""A long load publishes a version every `load_publish_every` files: killed with SIGKILL (the whole process
group: the loader and its extraction workers) at any moment, it keeps every whole publish, and rerunning
the same ingest loads only what is missing, each report exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dashboard.bench import synthetic_reports
from dashboard.warehouse import current_version_file, versions_dir, warehouse_version

ROOT = Path(__file__).resolve().parents[2]
N_FILES = 500
EVERY = 50

pytestmark = [pytest.mark.heavy, pytest.mark.xdist_group("heavy")]


def _start(folder: Path, db: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PERF_LOAD_PUBLISH_EVERY": str(EVERY), "PERF_LOAD_WORKERS": "2"}
    return subprocess.Popen([sys.executable, "-m", "dashboard", "ingest", str(folder), "--db", str(db), "--quiet"],
                            cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own process group, workers included


def _version_number(db: Path) -> int:
    name = warehouse_version(db)
    return int(name.split(".")[0]) if name and name[0].isdigit() else 0


def _kill_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the workers die with the group; wait until none is left
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("extraction workers outlived the SIGKILL of their process group")


def _wait_for_version(process: subprocess.Popen, db: Path, number: int, log: Path) -> None:
    deadline = time.monotonic() + 600
    while _version_number(db) < number:
        assert process.poll() is None, f"the load ended before version {number}: {log.read_text(encoding='utf-8')[-2000:]}"
        assert time.monotonic() < deadline, "no publish within 10 minutes"
        time.sleep(0.05)


def _state(db: Path) -> dict:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        one = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
        return {
            "loaded": one("select count(*) from reports where status = 'loaded'"),
            "other": one("select count(*) from reports where status <> 'loaded'"),
            "evaluations": one("select count(*) from evaluations"),
            "distinct": one("select count(distinct content_hash) from evaluations"),
            # an intermediate version says its derived tables still need the batch's last version
            "pending": one("select count(*) from load_state where key = 'derive_pending'"),
            "risk": one("select count(*) from report_risk"),
            # every loaded report has all its rows; no row belongs to a report that is not loaded
            "partial": one("select count(*) from reports r where status = 'loaded' and n_records <> "
                           "(select count(*) from evaluations e where e.content_hash = r.content_hash)"),
            "orphans": one("select count(*) from evaluations where content_hash not in "
                           "(select content_hash from reports where status = 'loaded')")
                       + one("select count(*) from indicator_scores where evaluation_id not in "
                             "(select evaluation_id from evaluations)"),
        }
    finally:
        con.close()


def _whole(state: dict) -> None:
    assert state["partial"] == 0 and state["orphans"] == 0 and state["other"] == 0, state
    assert state["evaluations"] == state["distinct"] == state["loaded"], state  # one record per report
    assert state["loaded"] % EVERY == 0, state  # whole publishes only


def test_a_killed_load_keeps_its_publishes_and_a_rerun_loads_the_rest_exactly_once(tmp_path):
    incoming = tmp_path / "incoming"
    synthetic_reports(incoming, N_FILES, seed=16)
    db = tmp_path / "wh.duckdb"
    log = tmp_path / "load.log"

    # 1. Killed right after its third publish.
    first = _start(incoming, db, log)
    _wait_for_version(first, db, 3, log)
    _kill_group(first)
    after_first = _state(db)
    _whole(after_first)
    assert 3 * EVERY <= after_first["loaded"] < N_FILES
    assert after_first["pending"] == 1

    # 2. The rerun loads only what is missing; killed again in the middle of building a version.
    second = _start(incoming, db, log)
    start_version = _version_number(db)
    _wait_for_version(second, db, start_version + 2, log)
    time.sleep(0.8)  # part-way into the next group of files
    _kill_group(second)
    after_second = _state(db)
    _whole(after_second)
    assert after_first["loaded"] + 2 * EVERY <= after_second["loaded"] < N_FILES
    assert after_second["pending"] == 1
    leftovers = [n.name for n in versions_dir(db).iterdir() if n.name.startswith("tmp-")]

    # 3. The last rerun finishes: every report loaded exactly once, nothing left behind.
    started = time.monotonic()
    last = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(incoming), "--db", str(db), "--quiet"],
                          cwd=ROOT, env={**os.environ, "PERF_LOAD_PUBLISH_EVERY": str(EVERY)},
                          capture_output=True, text=True, timeout=900)
    assert last.returncode == 0, last.stdout + last.stderr
    missing = N_FILES - after_second["loaded"]
    assert f"导入 {missing}、已存在跳过 {after_second['loaded']}、失败 0" in last.stdout, last.stdout
    assert "份/秒" in last.stdout  # the speed line
    final = _state(db)
    assert (final["loaded"], final["evaluations"], final["distinct"], final["partial"], final["orphans"]) == (
        N_FILES, N_FILES, N_FILES, 0, 0)
    assert (final["pending"], final["risk"]) == (0, N_FILES)  # the last version derived everything
    assert not [n for n in versions_dir(db).iterdir() if n.name.startswith("tmp-")]
    print(f"\nkilled at {after_first['loaded']} and {after_second['loaded']} loaded of {N_FILES} "
          f"(publish every {EVERY}); temp files left by the second kill: {len(leftovers)}; "
          f"the rerun loaded {missing} in {time.monotonic() - started:.1f} s")
