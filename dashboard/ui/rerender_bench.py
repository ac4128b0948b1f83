"""Page re-render time after a filter change, per registered page, through Streamlit's AppTest, beside
the raw DuckDB time of the same page's queries.

`python -m dashboard.ui.rerender_bench --db data/warehouse.duckdb [--changes 12] [--budget-ms 200]`
prints, for each page:
- 未命中: a full script rerun after the filters change to a combination not seen before (so every
  accessor misses the cache and queries DuckDB), p50 and p95;
- 命中: the same rerun served from the cache, p50 and p95;
- 数据层: the time the page's accessors took during the miss (run_query, Polars, metrics transforms),
  and of that the time inside run_query (查询);
- DuckDB: the same SQL files with the same bound parameters run again on the app's read-only
  connection and fetched as Arrow, nothing else (fastest of 3): what the queries themselves cost;
- the ratios 未命中 ÷ DuckDB and 数据层 ÷ DuckDB, and the page's slowest query.
A page over the budget (miss p50, default 200 ms), or whose data layer is over 2× DuckDB, is marked.
It also prints each page accessor's uncached time with all reports in scope, and the bench process's
resident memory (it runs the app in-process, so that is the app's memory with every page rendered).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import settings
from dashboard.bench import rss_mb

DATA_RATIO_BUDGET = 2.0  # the data layer may take at most twice the raw DuckDB time
RSS_BUDGET_MB = 500


def _changes(options, n: int) -> list[tuple[list[str], int | None, int | None]]:
    """n distinct filter settings: one or two units, a single year or a range, or all units."""
    units, years = list(options.departments), list(options.years)
    out = []
    for i in range(n):
        chosen = [] if i % 4 == 3 else units[(i * 7) % len(units):(i * 7) % len(units) + 1 + i % 2]
        if years and i % 3 == 0:
            year = years[i % len(years)]
            out.append((chosen, year, year))
        elif years and i % 3 == 1:
            out.append((chosen, years[0], years[-1 - i % max(1, len(years) - 1)]))
        else:
            out.append((chosen, None, None))
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (inclusive method); the value itself for one sample."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class QueryRecorder:
    """Records every SQL file the data layer runs (path, bound parameters, time in the app) and the
    page accessors' time, by wrapping dashboard.warehouse.run_sql_file (run_query goes through it)
    and the accessors registered in dashboard.ui.data; `take()` returns and clears what was recorded.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.local = threading.local()
        self.calls: list[tuple[Path, dict, float]] = []
        self.data_seconds = 0.0  # accessors, plus queries run outside any accessor

    def install(self) -> None:
        from dashboard import warehouse
        from dashboard.ui import data

        original = warehouse.run_sql_file

        def recording(path, params=None, db_path=None):
            start = time.perf_counter()
            try:
                return original(path, params, db_path)
            finally:
                elapsed = time.perf_counter() - start
                with self.lock:
                    self.calls.append((Path(path), dict(params or {}), elapsed))
                    if not getattr(self.local, "depth", 0):
                        self.data_seconds += elapsed

        warehouse.run_sql_file = recording
        for name, accessor in list(data._BY_NAME.items()):
            data._BY_NAME[name] = accessor._replace(fn=self._timed(accessor.fn))

    def _timed(self, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            depth = getattr(self.local, "depth", 0)
            self.local.depth = depth + 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.local.depth = depth
                if depth == 0:
                    with self.lock:
                        self.data_seconds += time.perf_counter() - start
        return timed

    def take(self) -> tuple[list[tuple[Path, dict, float]], float]:
        with self.lock:
            calls, seconds = self.calls, self.data_seconds
            self.calls, self.data_seconds = [], 0.0
        return calls, seconds


def _sign_in_factory() -> Callable:
    """A function that signs an AppTest session in as an administrator of a security file of the
    bench's own (a temporary one: the real accounts are never touched); a no-op without sign-in."""
    try:
        from dashboard.auth import session, store
    except ImportError:
        return lambda at: at
    import secrets
    import tempfile

    import atexit
    import shutil

    folder = tempfile.mkdtemp(prefix="perf-bench-auth-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["PERF_SECURITY_DB_PATH"] = os.path.join(folder, "security.sqlite")
    store.add("bench", secrets.token_urlsafe(16), "admin", by="bench")

    def sign_in(at):
        at.session_state[session.STATE_ACCOUNT] = "bench"
        at.session_state[session.STATE_SINCE] = time.time()
        return at

    return sign_in


def raw_duckdb_seconds(con, calls: list[tuple[Path, dict, float]], repeats: int = 3
                       ) -> tuple[float, tuple[str, float] | None]:
    """Run the recorded SQL files with their parameters on a connection, fetched as Arrow, each
    `repeats` times keeping its fastest (a shared machine's spikes are not the query's cost):
    (total seconds, (slowest query, its seconds))."""
    from dashboard.warehouse import _sql_of, _statement_parameters

    total, slowest = 0.0, None
    for path, params, _in_app in calls:
        sql = _sql_of(path)
        bound = {name: params.get(name) for name in _statement_parameters(sql)}
        best = float("inf")
        for _ in range(repeats):
            cursor = con.cursor()
            try:
                start = time.perf_counter()
                result = cursor.sql(sql, params=bound) if bound else cursor.sql(sql)
                arrow = result.arrow()
                if hasattr(arrow, "read_all"):
                    arrow.read_all()
                best = min(best, time.perf_counter() - start)
            finally:
                cursor.close()
        total += best
        if slowest is None or best > slowest[1]:
            slowest = (path.stem, best)
    return total, slowest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.ui.rerender_bench")
    parser.add_argument("--db", default=settings.get("warehouse_path"))
    parser.add_argument("--changes", type=int, default=12, help="filter changes per page")
    parser.add_argument("--budget-ms", type=float, default=200.0,
                        help="budget for a full re-render after a filter change (cache miss p50), in ms")
    parser.add_argument("--pages", default=None, help="only the pages whose title contains this text")
    args = parser.parse_args(argv)
    os.environ["PERF_WAREHOUSE_PATH"] = os.path.abspath(args.db)

    from streamlit.testing.v1 import AppTest

    from dashboard.ui import data
    from dashboard.ui.filters import KEY_DEPARTMENTS, KEY_YEAR_FROM, KEY_YEAR_TO, Filters
    from dashboard.ui.navigation import PAGES
    from dashboard.warehouse import connection

    try:
        from dashboard.ui import data_inflation  # noqa: F401 - registers its accessors
    except ImportError:
        pass
    options, count = data.warehouse_status()
    if count == 0:
        print(f"数据仓库中没有报告：{args.db}", file=sys.stderr)
        return 1
    print(f"数据仓库 {args.db}：{count} 份评价，{len(options.departments)} 个单位，{len(options.years)} 个年度")
    print("页面数据（不经缓存，全部报告，各 5 次）：")
    for accessor in data.PAGE_ACCESSORS:
        accessor(Filters())  # warm: connection, parsed SQL
        times = []
        for _ in range(5):
            start = time.perf_counter()
            accessor(Filters())
            times.append(time.perf_counter() - start)
        print(f"  {accessor.name}: p50 {statistics.median(times) * 1000:.1f} ms，最快 {min(times) * 1000:.1f} ms")

    recorder = QueryRecorder()
    recorder.install()
    sign_in = _sign_in_factory()
    raw_con = connection(args.db)  # the app's own read-only connection to the current version
    app = str(settings.ROOT / "dashboard" / "app.py")
    print(f"筛选变化后整页重新运行（AppTest，{args.changes} 次不同筛选）：未命中 / 命中缓存的 p50、p95，"
          f"数据层与 DuckDB 原始查询时间（同一页面的同一批 SQL 与参数）及比值；预算：未命中 p50 < {args.budget_ms:g} ms，"
          f"数据层 ≤ {DATA_RATIO_BUDGET:g} × DuckDB")
    over: list[str] = []
    for spec in PAGES:
        if args.pages and args.pages not in spec.title:
            continue
        at = sign_in(AppTest.from_file(app, default_timeout=300))
        at.run()
        at.switch_page(os.path.relpath(spec.path, os.path.dirname(app))).run()
        recorder.take()
        cold, warm, data_path, queries, raw = [], [], [], [], []
        slowest: dict[str, float] = {}
        failed = None
        for departments, year_from, year_to in _changes(options, args.changes):
            at.multiselect(key=KEY_DEPARTMENTS).set_value(departments)
            at.selectbox(key=KEY_YEAR_FROM).set_value(year_from)
            at.selectbox(key=KEY_YEAR_TO).set_value(year_to)
            start = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - start)
            calls, accessor_seconds = recorder.take()
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
            recorder.take()
            if at.exception:
                failed = at.exception[0].value
                break
            raw_seconds, top = raw_duckdb_seconds(raw_con, calls)
            data_path.append(accessor_seconds)
            queries.append(sum(call[2] for call in calls))
            raw.append(raw_seconds)
            if top is not None:
                slowest[top[0]] = max(slowest.get(top[0], 0.0), top[1])
        if failed is not None:
            print(f"  {spec.title}: 出错 {failed}")
            continue
        ms = lambda values, q: percentile([v * 1000 for v in values], q)  # noqa: E731
        raw_p50, cold_p50, data_p50, query_p50 = ms(raw, 50), ms(cold, 50), ms(data_path, 50), ms(queries, 50)
        ratio = cold_p50 / raw_p50 if raw_p50 > 0 else float("nan")
        data_ratio = data_p50 / raw_p50 if raw_p50 > 0 else float("nan")
        marks = []
        if cold_p50 >= args.budget_ms:
            marks.append(f"超出 {args.budget_ms:g} ms 预算")
        if data_ratio > DATA_RATIO_BUDGET:
            marks.append(f"数据层超过 DuckDB 的 {DATA_RATIO_BUDGET:g} 倍")
        top = max(slowest.items(), key=lambda item: item[1]) if slowest else None
        print(f"  {spec.title}: 未命中 p50 {cold_p50:.0f} ms、p95 {ms(cold, 95):.0f} ms；"
              f"命中 p50 {ms(warm, 50):.0f} ms、p95 {ms(warm, 95):.0f} ms；"
              f"数据层 p50 {data_p50:.0f} ms（其中查询 {query_p50:.0f} ms）；DuckDB p50 {raw_p50:.0f} ms；"
              + (f"未命中/DuckDB {ratio:.1f}×，数据层/DuckDB {data_ratio:.1f}×" if raw_p50 > 0 else "无查询")
              + (f"；最慢查询 {top[0]} {top[1] * 1000:.0f} ms" if top else "")
              + (f"  ← {'，'.join(marks)}" if marks else ""))
        if marks:
            over.append(spec.title)
    current, peak = rss_mb()
    cursor = raw_con.cursor()
    try:  # of which DuckDB's buffer manager (cached table blocks, query state)
        duckdb_mb = (cursor.execute("select coalesce(sum(memory_usage_bytes), 0) from duckdb_memory()")
                     .fetchall()[0][0]) / 2**20
    except Exception:  # noqa: BLE001 - an older DuckDB without duckdb_memory()
        duckdb_mb = float("nan")
    finally:
        cursor.close()
    print(f"应用常驻内存（本进程内运行全部页面后）：{current:.0f} MB，峰值 {peak:.0f} MB，其中 DuckDB 缓冲 {duckdb_mb:.0f} MB"
          + (f"  ← 超出 {RSS_BUDGET_MB} MB 预算" if peak >= RSS_BUDGET_MB else ""))
    if over:
        print(f"未达预算的页面：{'、'.join(over)}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"（测量时系统负载 {load:.1f}，CPU {os.cpu_count()} 核）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
