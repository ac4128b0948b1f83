"""`python -m dashboard bench`: page-data latency (p50/p95) with concurrent readers, with and without a load.

Works on a copy of the warehouse in a temporary folder, so the bench never changes the real one;
the load is a real `python -m dashboard ingest` in another process, of synthetic reports made from
the reference reports (`synthetic_reports`, also used by the concurrency tests).
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import settings
from dashboard.warehouse import current_version_file, query_names, resolve_db_path, run_query

REFERENCE_DIRS = (settings.ROOT / "tests" / "fixtures" / "seeds",)


def reference_reports() -> list[Path]:
    """The reference report .txt files shipped with the repo (the test fixtures)."""
    for folder in REFERENCE_DIRS:
        found = sorted(folder.glob("*.txt"))
        if found:
            return found
    return []


def synthetic_reports(out_dir: str | os.PathLike, n: int, *, seed: int = 0,
                      sources: list[Path] | None = None) -> list[Path]:
    """Write n distinct reports: the reference reports with the project name varied (one per file).

    Each keeps its source's layout and figures, so it extracts like the source; the varied name
    makes its content (hash) unique. Deterministic for a given seed.
    """
    from dashboard.ingest.extract import extract_file

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    templates: list[tuple[str, str | None]] = []
    for source in sources or reference_reports():
        text = _read(source)
        try:
            name = extract_file(source, use_manifest=False)[0].project_name
        except Exception:  # noqa: BLE001 - a template that does not extract is varied by a trailing line
            name = None
        templates.append((text, name if name and name in text else None))
    written: list[Path] = []
    for index in range(n):
        text, name = templates[index % len(templates)]
        suffix = f"（第{index + 1:04d}批{rng.choice('甲乙丙丁')}）"
        varied = text.replace(name, name + suffix) if name else text + f"\n样本编号 {index + 1:04d}{suffix}\n"
        path = out / f"synthetic_{index + 1:04d}.txt"
        path.write_text(varied, encoding="utf-8")
        written.append(path)
    return written


def _read(path: Path) -> str:
    from dashboard.ingest.readers.text import decode_report_bytes

    return decode_report_bytes(path.read_bytes())[0]


# ---------------------------------------------------------------------------------------------
# Readers


def page_accessors(db_path: Path) -> list[tuple[str, Callable[[], object]]]:
    """What the pages call: dashboard.ui.data.PAGE_ACCESSORS when it exists, else every read query."""
    try:
        import streamlit.logger

        streamlit.logger.get_logger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
        from dashboard.ui import data as ui_data
    except ImportError:
        ui_data = None
    accessors = getattr(ui_data, "PAGE_ACCESSORS", None) if ui_data is not None else None
    if accessors:
        # Uncached accessors (filters default to all reports): measure the queries, not a cache.
        return [(getattr(acc, "name", getattr(acc, "__name__", repr(acc))), (lambda acc=acc: acc(db_path=db_path)))
                for acc in accessors]
    return [(name, (lambda name=name: run_query(name, {}, db_path=db_path))) for name in query_names()]


def _read_loop(accessors, stop: threading.Event, latencies: list[float], errors: list[str], lock: threading.Lock,
               offset: int) -> None:
    i = offset
    while not stop.is_set():
        name, fn = accessors[i % len(accessors)]
        i += 1
        start = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - counted and shown, the bench goes on
            with lock:
                errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append((name, elapsed))


def measure(accessors, readers: int, *, seconds: float | None = None,
            while_running: subprocess.Popen | None = None) -> tuple[list[tuple[str, float]], list[str]]:
    """(accessor, latency in s) of every call and the errors, `readers` threads calling round-robin."""
    stop = threading.Event()
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_read_loop, args=(accessors, stop, latencies, errors, lock, k), daemon=True)
               for k in range(readers)]
    for t in threads:
        t.start()
    if while_running is not None:
        while_running.wait()
    else:
        time.sleep(seconds or 0)
    stop.set()
    for t in threads:
        t.join()
    return latencies, errors


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB (Linux: /proc/self/status, getrusage)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    current = float("nan")
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    current = int(line.split()[1]) / 1024
                    break
    except OSError:
        pass
    return current, peak


def _line(label: str, latencies: list[tuple[str, float]], errors: list[str], elapsed: float) -> str:
    if not latencies:
        return f"{label}: 无成功读取（错误 {len(errors)}）"
    ms = [v * 1000 for _, v in latencies]
    return (f"{label}: 读取 {len(ms)} 次（{len(ms) / elapsed:.0f} 次/秒），p50 {_percentile(ms, 50):.1f} ms，"
            f"p95 {_percentile(ms, 95):.1f} ms，错误 {len(errors)}")


def run_bench(args: argparse.Namespace) -> int:
    db = resolve_db_path(args.db)
    current = current_version_file(db)
    if current is None:
        print(f"没有数据仓库：{db}（请先运行 make warehouse 或 python -m dashboard ingest）", file=sys.stderr)
        return 1
    readers = int(getattr(args, "readers", 8) or 8)
    seconds = float(getattr(args, "seconds", None) or 10)
    n_reports = int(getattr(args, "reports", None) or 200)
    with tempfile.TemporaryDirectory(prefix="perf-bench-") as tmp:
        work = Path(tmp)
        copy = work / "warehouse.duckdb"
        versions = copy.with_name(copy.name + ".versions")
        versions.mkdir()
        shutil.copyfile(current, versions / "000001.duckdb")
        os.symlink(os.path.join(versions.name, "000001.duckdb"), copy)
        accessors = page_accessors(copy)
        for _name, fn in accessors:  # warm up: open the connection, parse every file once
            try:
                fn()
            except Exception:  # noqa: BLE001 - counted during the measured runs
                pass
        print(f"数据仓库 {current.name}（副本），{readers} 个并发读取线程，{len(accessors)} 个页面数据查询")
        start = time.perf_counter()
        latencies, errors = measure(accessors, readers, seconds=seconds)
        print(_line("无导入时", latencies, errors, time.perf_counter() - start))
        by_name: dict[str, list[float]] = {}
        for name, seconds_taken in latencies:
            by_name.setdefault(name, []).append(seconds_taken * 1000)
        for name, ms in sorted(by_name.items(), key=lambda item: -statistics.median(item[1])):
            print(f"  {name}: p50 {_percentile(ms, 50):.1f} ms，p95 {_percentile(ms, 95):.1f} ms（{len(ms)} 次）")
        files = synthetic_reports(work / "incoming", n_reports)
        command = [sys.executable, "-m", "dashboard", "ingest", str(work / "incoming"), "--db", str(copy), "--quiet"]
        start = time.perf_counter()
        loader = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        latencies, errors = measure(accessors, readers, while_running=loader)
        elapsed = time.perf_counter() - start
        print(_line(f"导入 {len(files)} 份报告期间（另一进程，{elapsed:.1f} 秒）", latencies, errors, elapsed))
        if loader.returncode != 0:
            print(f"导入进程退出码 {loader.returncode}：{(loader.stderr.read() if loader.stderr else '')[-500:]}")
        for message in sorted(set(errors))[:10]:
            print(f"  错误：{message}")
    current, peak = rss_mb()
    print(f"读取进程常驻内存：{current:.0f} MB，峰值 {peak:.0f} MB（{readers} 个线程共用一个只读连接）")
    return 0
