"""Two dashboard servers on one warehouse keep answering while a load publishes a new version.

Beyond one machine the dashboard is several `streamlit run` processes behind a load balancer, all
reading the same immutable version files; this checks two of them (headless, two ports) and a
reader through the app's data layer in another process while a real ingest runs.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard import settings
from dashboard.bench import synthetic_reports
from dashboard.corpus.bulk import build_province
from dashboard.warehouse import warehouse_version

pytestmark = [pytest.mark.heavy, pytest.mark.xdist_group("heavy")]

STREAMLIT = Path(sys.executable).with_name("streamlit")

# A reader in its own process: the app's data layer (dashboard.ui.data accessors, uncached) in a loop
# until told to stop, printing each version it read and any error as one JSON line at the end.
READER = """
import json, os, sys, time
from pathlib import Path
from dashboard.ui import data
from dashboard.ui.filters import Filters
from dashboard.warehouse import warehouse_version
db = Path(sys.argv[1]); stop = Path(sys.argv[2])
seen, errors, reads = [], [], 0
deadline = time.monotonic() + 300
while not stop.exists() and time.monotonic() < deadline:
    try:
        version = warehouse_version(db)
        figures = data.PAGE_ACCESSORS[0](Filters(), db)
        reads += 1
        if not seen or seen[-1] != version:
            seen.append(version)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}"[:300])
    time.sleep(0.05)
print(json.dumps({"seen": seen, "errors": errors, "reads": reads}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return None


def _start_server(port: int, db: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PERF_WAREHOUSE_PATH=str(db))
    command = [str(STREAMLIT), "run", str(settings.ROOT / "dashboard" / "app.py"), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    return subprocess.Popen(command, cwd=settings.ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_healthy(port: int, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"server on {port} exited: {log.read_text(errors='replace')[-2000:]}"
        if _status(f"http://127.0.0.1:{port}/_stcore/health") == 200:
            return
        time.sleep(0.5)
    pytest.fail(f"server on {port} not healthy after {timeout:g} s: {log.read_text(errors='replace')[-2000:]}")


def test_two_servers_keep_answering_while_a_load_publishes(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    first = build_province(db, 200, seed=11, n_years=1, workers=1)
    assert first.reports == 200 and not first.warnings
    before = warehouse_version(db)
    incoming = tmp_path / "incoming"
    synthetic_reports(incoming, 12)

    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    servers = [_start_server(port, db, log) for port, log in zip(ports, logs)]
    stop = tmp_path / "stop-reader"
    reader = None
    try:
        for port, server, log in zip(ports, servers, logs):
            _wait_healthy(port, server, log)
            assert _status(f"http://127.0.0.1:{port}/") == 200  # the app's page itself
        reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], cwd=settings.ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)  # the reader has read the first version
        load = subprocess.Popen([sys.executable, "-m", "dashboard", "ingest", str(incoming), "--db", str(db), "--quiet"],
                                cwd=settings.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        answers: list[tuple[int, int | None]] = []
        while load.poll() is None:
            for port in ports:
                answers.append((port, _status(f"http://127.0.0.1:{port}/_stcore/health")))
            time.sleep(0.2)
        output = load.stdout.read()
        assert load.returncode == 0, output
        after = warehouse_version(db)
        assert after != before, "the load did not publish a new version"
        time.sleep(1.5)  # the reader reads the new version
        for port in ports:
            answers.append((port, _status(f"http://127.0.0.1:{port}/_stcore/health")))
            assert _status(f"http://127.0.0.1:{port}/") == 200
        failed = [(port, status) for port, status in answers if status != 200]
        assert len(answers) >= 4 and not failed, failed
        stop.touch()
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err[-2000:]
        result = json.loads(out.strip().splitlines()[-1])
        assert not result["errors"], result["errors"][:5]
        assert result["reads"] > 0 and result["seen"][0] == before and result["seen"][-1] == after
        for server in servers:
            assert server.poll() is None  # neither server fell over
    finally:
        stop.touch()
        if reader is not None and reader.poll() is None:
            reader.kill()
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
