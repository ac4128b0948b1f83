"""Extraction in worker processes with a per-file time limit: a file that hangs is killed, the batch goes on.

Workers come from a forkserver (never a fork of a threaded server process) with the extraction
modules preloaded, so replacing a killed worker is quick. Each worker also runs under an
address-space ceiling (settings worker_memory_mb) and a CPU-time ceiling per file
(worker_cpu_seconds): a file that needs more fails with a reason naming the cap, the worker is
replaced and the batch goes on.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import types
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from dashboard import settings
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


def memory_reason() -> str:
    return f"超过单个文件的内存上限（{int(settings.get('worker_memory_mb'))} MB），文件过大或结构异常，已放弃读取"


def cpu_reason() -> str:
    return f"超过单个文件的 CPU 时间上限（{int(settings.get('worker_cpu_seconds'))} 秒），文件过大或结构异常，已终止"


def _caused_by_memory(exc: BaseException) -> bool:
    """A MemoryError, or an error a reader raised while handling one."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, MemoryError):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def extract_outcome(path: str, *, memory_capped: bool = False) -> tuple[str, Any]:
    """('ok', records) or ('failed', reason in Chinese); never raises.

    memory_capped: this process runs under the worker memory ceiling, so running out of memory
    is reported as that ceiling.
    """
    from dashboard.ingest.extract import extract_file

    out_of_memory = memory_reason() if memory_capped else "内存不足，无法处理该文件（MemoryError）"
    try:
        return "ok", extract_file(path)
    except MemoryError:
        return "failed", out_of_memory
    except ExtractionError as exc:
        if _caused_by_memory(exc):
            return "failed", out_of_memory
        return "failed", str(exc) or "无法抽取"
    except RecursionError:
        return "failed", "文件结构嵌套过深，无法处理（RecursionError）"
    except Exception as exc:  # noqa: BLE001 - any bug in a reader is one file's failure
        if _caused_by_memory(exc):
            return "failed", out_of_memory
        detail = str(exc).replace("\n", " ")[:200]
        return "failed", f"抽取时发生内部错误（{type(exc).__name__}{'：' + detail if detail else ''}）"


def _settings_environment() -> dict[str, str]:
    """The PERF_* settings of the calling process: the forkserver's own copy may be older."""
    return {k: v for k, v in os.environ.items() if k.startswith(SETTINGS_PREFIX)}


def _apply_environment(env: dict[str, str]) -> None:
    for key in [k for k in os.environ if k.startswith(SETTINGS_PREFIX) and k not in env]:
        del os.environ[key]
    os.environ.update(env)


def _set_soft_limit(kind: int, soft: int) -> None:
    """Lower or raise a soft limit, never past the hard one (which stays as it is)."""
    import resource

    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _apply_ceilings() -> None:
    """This worker's memory ceiling and the CPU time left for the next file (CPU time accumulates
    over the files a worker reads, so the ceiling is set afresh from what it used so far)."""
    import resource

    _set_soft_limit(resource.RLIMIT_AS, int(settings.get("worker_memory_mb")) * 1024 * 1024)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _set_soft_limit(resource.RLIMIT_CPU, used + max(1, int(settings.get("worker_cpu_seconds"))))


def _worker_main(conn: Connection) -> None:
    try:
        import resource

        # A worker killed at its CPU ceiling (SIGXCPU) would otherwise leave a core file behind.
        _set_soft_limit(resource.RLIMIT_CORE, 0)
    except (ImportError, ValueError, OSError):
        pass
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, env = task
        _apply_environment(env)
        try:
            _apply_ceilings()
            capped = True
        except (ImportError, ValueError, OSError):
            capped = False
        outcome = extract_outcome(path, memory_capped=capped)
        # After running out of memory the heap is in no state to read more: report, then retire.
        retire = capped and outcome == ("failed", memory_reason())
        try:
            conn.send((*outcome, retire))
        except (EOFError, OSError, BrokenPipeError):
            return
        except MemoryError:
            return  # the parent sees the worker end and names the memory ceiling
        except Exception as exc:  # noqa: BLE001 - e.g. a record that cannot be pickled
            conn.send(("failed", f"抽取结果无法传回（{type(exc).__name__}）", retire))
        if retire:
            return


def _death_reason(exitcode: int | None) -> str:
    """Why a worker ended in the middle of a file, from how it ended."""
    if exitcode is not None and exitcode == -signal.SIGXCPU:
        return cpu_reason()
    return (f"读取进程意外退出（可能{memory_reason().split('，')[0]}，"
            "或文件触发了读取库的崩溃）")


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
                        status, value, retire = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(timeout=2)
                        status, value = "failed", _death_reason(worker.process.exitcode)
                        worker.stop(kill=True)
                        pool[index] = _Worker()
                    else:
                        worker.task = None
                        if retire:
                            worker.stop(kill=True)
                            pool[index] = _Worker()
                    yield task, status, value
                elif time.monotonic() - worker.started > timeout_seconds:
                    worker.stop(kill=True)
                    pool[index] = _Worker()
                    yield task, "failed", f"处理超时（超过 {timeout_seconds:g} 秒），已终止"
    finally:
        for worker in pool:
            worker.stop(kill=worker.task is not None)

