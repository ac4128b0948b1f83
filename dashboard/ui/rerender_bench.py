"""Page re-render time after a filter change, per registered page, through Streamlit's AppTest.

`python -m dashboard.ui.rerender_bench --db data/warehouse.duckdb [--changes 12]` prints, for each
page, the median and worst time of a full script rerun after the filters change to a combination not
seen before (so every accessor misses the cache and queries DuckDB), and then the same rerun served
from the cache. Also prints each page accessor's uncached time with all reports in scope.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from dashboard import settings


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.ui.rerender_bench")
    parser.add_argument("--db", default=settings.get("warehouse_path"))
    parser.add_argument("--changes", type=int, default=12, help="filter changes per page")
    args = parser.parse_args(argv)
    os.environ["PERF_WAREHOUSE_PATH"] = os.path.abspath(args.db)

    from streamlit.testing.v1 import AppTest

    from dashboard.ui import data
    from dashboard.ui.filters import KEY_DEPARTMENTS, KEY_YEAR_FROM, KEY_YEAR_TO, Filters
    from dashboard.ui.navigation import PAGES

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

    app = str(settings.ROOT / "dashboard" / "app.py")
    print(f"筛选变化后整页重新运行（AppTest，{args.changes} 次不同筛选，缓存未命中 / 命中）：")
    for spec in PAGES:
        at = AppTest.from_file(app, default_timeout=120)
        at.run()
        at.switch_page(os.path.relpath(spec.path, os.path.dirname(app))).run()
        cold, warm = [], []
        for departments, year_from, year_to in _changes(options, args.changes):
            at.multiselect(key=KEY_DEPARTMENTS).set_value(departments)
            at.selectbox(key=KEY_YEAR_FROM).set_value(year_from)
            at.selectbox(key=KEY_YEAR_TO).set_value(year_to)
            start = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
            if at.exception:
                print(f"  {spec.title}: 出错 {at.exception[0].value}")
                break
        print(f"  {spec.title}: 未命中 p50 {statistics.median(cold) * 1000:.0f} ms，最快 {min(cold) * 1000:.0f} ms，"
              f"最慢 {max(cold) * 1000:.0f} ms；命中 p50 {statistics.median(warm) * 1000:.0f} ms")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"（测量时系统负载 {load:.1f}，CPU {os.cpu_count()} 核）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
