"""Extraction in worker processes with a per-file time limit: a file that hangs is killed, the batch goes on.

Workers come from a forkserver (never a fork of a threaded server process) with the extraction
modules preloaded, so replacing a killed worker is quick.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
import types
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from dashboard.ingest.errors import ExtractionError

_PRELOAD = ["dashboard.ingest.extract", "dashboard.ingest.readers"]
_context: Any = None
SETTINGS_PREFIX = "PERF_"


def _ctx():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(_PRELOAD)
    return _context


def extract_outcome(path: str) -> tuple[str, Any]:
    """('ok', records) or ('failed', reason in Chinese); never raises."""
    from dashboard.ingest.extract import extract_file

    try:
        return "ok", extract_file(path)
    except ExtractionError as exc:
        return "failed", str(exc) or "无法抽取"
    except MemoryError:
        return "failed", "内存不足，无法处理该文件（MemoryError）"
    except RecursionError:
        return "failed", "文件结构嵌套过深，无法处理（RecursionError）"
    except Exception as exc:  # noqa: BLE001 - any bug in a reader is one file's failure
        detail = str(exc).replace("\n", " ")[:200]
        return "failed", f"抽取时发生内部错误（{type(exc).__name__}{'：' + detail if detail else ''}）"


def _settings_environment() -> dict[str, str]:
    """The PERF_* settings of the calling process: the forkserver's own copy may be older."""
    return {k: v for k, v in os.environ.items() if k.startswith(SETTINGS_PREFIX)}


def _apply_environment(env: dict[str, str]) -> None:
    for key in [k for k in os.environ if k.startswith(SETTINGS_PREFIX) and k not in env]:
        del os.environ[key]
    os.environ.update(env)


def _worker_main(conn: Connection) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, env = task
        _apply_environment(env)
        outcome = extract_outcome(path)
        try:
            conn.send(outcome)
        except (EOFError, OSError, BrokenPipeError):
            return
        except Exception as exc:  # noqa: BLE001 - e.g. a record that cannot be pickled
            conn.send(("failed", f"抽取结果无法传回（{type(exc).__name__}）"))


class _hidden_script_main:
    """While a worker starts, hide a script posing as __main__ (Streamlit and AppTest run page scripts as
    __main__; a forkserver child re-runs __main__'s file on start, so it would run the page and die)."""

    def __enter__(self) -> None:
        self.main = sys.modules.get("__main__")
        if self.main is not None and getattr(self.main, "__spec__", None) is None and getattr(self.main, "__file__", None):
            sys.modules["__main__"] = types.ModuleType("__main__")

    def __exit__(self, *exc) -> None:
        if self.main is not None:
            sys.modules["__main__"] = self.main


class _Worker:
    def __init__(self) -> None:
        ctx = _ctx()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        with _hidden_script_main():
            self.process.start()
        child.close()
        self.task: str | None = None
        self.started = 0.0

    def assign(self, task: str) -> None:
        self.task = task
        self.started = time.monotonic()
        # Absolute path and current settings: the worker's cwd and environment are the forkserver's.
        self.conn.send((os.path.abspath(task), _settings_environment()))

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.process.join(timeout=2)
        if kill or self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def extract_in_pool(paths: list[str], *, workers: int, timeout_seconds: float) -> Iterator[tuple[str, str, Any]]:
    """Yield (path, 'ok', records) or (path, 'failed', reason) for every path, in completion order."""
    if not paths:
        return
    pending = deque(paths)
    try:
        pool = [_Worker() for _ in range(max(1, min(workers, len(paths))))]
    except (OSError, RuntimeError):
        # No processes to be had (a locked-down host): extract here, without the time limit.
        for path in paths:
            yield (path, *extract_outcome(path))
        return
    try:
        while pending or any(w.task is not None for w in pool):
            for worker in pool:
                if worker.task is None and pending:
                    worker.assign(pending.popleft())
            busy = [w for w in pool if w.task is not None]
            now = time.monotonic()
            wait_for = min(max(0.0, w.started + timeout_seconds - now) for w in busy)
            ready = set(wait([w.conn for w in busy], timeout=wait_for + 0.05))
            for index, worker in enumerate(pool):
                if worker.task is None:
                    continue
                task = worker.task
                if worker.conn in ready:
                    try:
                        status, value = worker.conn.recv()
                    except (EOFError, OSError):
                        status, value = "failed", "读取进程意外退出（可能内存不足或文件触发了读取库的崩溃）"
                        worker.stop(kill=True)
                        pool[index] = _Worker()
                    else:
                        worker.task = None
                    yield task, status, value
                elif time.monotonic() - worker.started > timeout_seconds:
                    worker.stop(kill=True)
                    pool[index] = _Worker()
                    yield task, "failed", f"处理超时（超过 {timeout_seconds:g} 秒），已终止"
    finally:
        for worker in pool:
            worker.stop(kill=worker.task is not None)

