"""Readers and loaders at once, with a real loader process: atomic versions, SIGKILL, serialised loads."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from dashboard.bench import page_accessors, synthetic_reports
from dashboard.ingest.load import ingest_paths
from dashboard.warehouse import (
    close_connections,
    current_version_file,
    run_sql_file,
    versions_dir,
    warehouse_version,
    write_lock,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "tests" / "fixtures" / "seeds"
SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
TOTAL_SQL = "-- Test: evaluations and reports in the warehouse.\nselect count(*) as n from evaluations"


def _loader(folder: Path, db: Path, *, quiet: bool = True, env: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "dashboard", "ingest", str(folder), "--db", str(db)]
    if quiet:
        command.append("--quiet")
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _evaluations(db: Path) -> list[tuple[int, int]]:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.execute("select count(*), count(distinct content_hash) from evaluations").fetchall()
    finally:
        con.close()


@pytest.fixture
def seeded(tmp_path) -> Path:
    db = tmp_path / "wh.duckdb"
    assert ingest_paths([str(s) for s in SEEDS], db_path=db, progress=False, echo=False).ok
    return db


@pytest.mark.heavy
def test_readers_see_the_old_or_the_new_total_while_a_loader_adds_200_reports(seeded, tmp_path):
    incoming = tmp_path / "incoming"
    synthetic_reports(incoming, 200)
    total_sql = tmp_path / "total.sql"
    total_sql.write_text(TOTAL_SQL, encoding="utf-8")
    accessors = page_accessors(seeded)  # the pages' data accessors (or every read query)
    reads: list[tuple[float, int]] = []  # (when the read started, the total it saw)
    errors: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def reader(offset: int) -> None:
        i = offset
        while not stop.is_set():
            started = time.monotonic()
            try:
                n = int(run_sql_file(total_sql, db_path=seeded)["n"][0])
                _name, accessor = accessors[i % len(accessors)]
                accessor()
            except Exception as exc:  # noqa: BLE001 - every error is a failure of the test
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            finally:
                i += 1
            with lock:
                reads.append((started, n))
            time.sleep(0.05)  # a user's rerun, not a busy loop: leave the loader some CPU

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    try:
        while not reads:
            time.sleep(0.01)
        loader = _loader(incoming, seeded)
        out, err = loader.communicate(timeout=600)
        loaded_at = time.monotonic()
        reads_during_load = len(reads)
        deadline = loaded_at + 60
        while not any(started > loaded_at for started, _ in reads) and time.monotonic() < deadline:
            time.sleep(0.05)  # the readers' next reruns see the new version without a restart
    finally:
        stop.set()
        for t in threads:
            t.join()
    close_connections(seeded)
    assert loader.returncode == 0, out + err
    assert "导入 200、已存在跳过 0、失败 0" in out
    assert errors == []
    totals = [n for _, n in reads]
    assert set(totals) <= {5, 205}, sorted(set(totals))
    assert totals[0] == 5 and reads_during_load > 8
    assert {n for started, n in reads if started > loaded_at} == {205}
    assert _evaluations(seeded) == [(205, 205)]


def _kill_when_progress_reaches(process: subprocess.Popen, done: int) -> str:
    """Read the loader's tqdm progress from stderr; SIGKILL it once `done` files are through."""
    seen = ""
    while process.poll() is None:
        chunk = process.stderr.read(64)
        if not chunk:
            break
        seen += chunk
        counts = [int(m) for m in re.findall(r"(\d+)/\d+ \[", seen)]
        if counts and max(counts) >= done:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return seen
    raise AssertionError(f"the loader ended before reaching {done} files: {seen[-500:]}")


@pytest.mark.heavy
def test_a_load_killed_mid_batch_leaves_the_last_state_and_a_rerun_loads_the_rest_once(seeded, tmp_path):
    incoming = tmp_path / "incoming"
    synthetic_reports(incoming, 100, seed=7)
    before = warehouse_version(seeded)
    loader = _loader(incoming, seeded, quiet=False)
    _kill_when_progress_reaches(loader, 20)
    assert loader.returncode == -signal.SIGKILL
    # The warehouse opens at the last completed state; the killed batch left only a temp file.
    assert warehouse_version(seeded) == before
    assert _evaluations(seeded) == [(5, 5)]
    leftovers = [n for n in os.listdir(versions_dir(seeded)) if n.startswith("tmp-")]
    assert leftovers, "the kill should have happened while the next version was being built"
    # No lock or temp file blocks the next start: the rerun neither waits nor duplicates.
    started = time.monotonic()
    rerun = _loader(incoming, seeded)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out + err
    assert "等待其完成" not in err
    assert "导入 100、已存在跳过 0、失败 0" in out
    assert time.monotonic() - started < 120
    assert _evaluations(seeded) == [(105, 105)]
    assert not [n for n in os.listdir(versions_dir(seeded)) if n.startswith("tmp-")]
    again = ingest_paths([str(incoming), str(SEEDS_DIR)], db_path=seeded, progress=False, echo=False)
    assert (again.loaded, again.skipped) == (0, 105)


def test_a_second_load_waits_for_the_first_and_says_so(seeded, tmp_path):
    incoming = tmp_path / "incoming"
    synthetic_reports(incoming, 3, seed=3)
    with write_lock(seeded):  # another load is running
        busy = _loader(incoming, seeded, env={"PERF_LOAD_LOCK_TIMEOUT_SECONDS": "1"})
        out, err = busy.communicate(timeout=60)
        assert busy.returncode == 1
        assert "另一个导入正在进行，等待其完成…" in err
        assert "已等待 1 秒仍未结束，本次操作未执行" in out
        assert "Traceback" not in out + err
        waiting = _loader(incoming, seeded)
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(waiting.stderr.readline()), daemon=True)
        reader.start()
        reader.join(timeout=120)  # a busy machine may take a while to start Python
        assert first_line == ["另一个导入正在进行，等待其完成…\n"]
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting for the lock
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, out + err
    assert "导入 3、已存在跳过 0、失败 0" in out
    assert _evaluations(seeded) == [(8, 8)]


def test_two_loads_at_once_are_serialised(seeded, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    synthetic_reports(first, 20, seed=11)
    synthetic_reports(second, 20, seed=12)
    # Same templates, different seeds: make the two batches distinct reports (another project name;
    # the same figures under the same name would be one report, loaded once).
    for path in second.iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("（第", "（二次第"), encoding="utf-8")
    loaders = [_loader(first, seeded), _loader(second, seeded)]
    outputs = [p.communicate(timeout=300) for p in loaders]
    assert [p.returncode for p in loaders] == [0, 0], outputs
    assert all("Traceback" not in out + err for out, err in outputs)
    assert _evaluations(seeded) == [(45, 45)]
    assert sorted(n for n in os.listdir(versions_dir(seeded)) if not n.startswith("tmp-"))[-1] == warehouse_version(seeded)


def test_bench_prints_latency_with_and_without_a_load(seeded, capsys):
    import argparse

    from dashboard.bench import run_bench

    before = warehouse_version(seeded)
    assert run_bench(argparse.Namespace(db=str(seeded), readers=2, seconds=1, reports=5)) == 0
    out = capsys.readouterr().out
    assert re.search(r"无导入时: 读取 \d+ 次.*p50 [\d.]+ ms，p95 [\d.]+ ms，错误 0", out), out
    assert re.search(r"导入 5 份报告期间.*p50 [\d.]+ ms，p95 [\d.]+ ms，错误 0", out), out
    assert warehouse_version(seeded) == before  # the bench works on a copy
    assert _evaluations(seeded) == [(5, 5)]
