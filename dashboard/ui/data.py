"""Page data: the accessors pages call, each running named queries (queries/*.sql) and metrics
transforms for one view of the filtered reports.

Caching sits here and only here: one cache per process (`FrameCache`), bounded in bytes and age, keyed
by the accessor, the filters, its options, the reader's unit scope and `warehouse_version()`, so after a
load no page shows figures older than the load and no account is served another scope's frames. PAGE_ACCESSORS
lists the uncached accessors as (name, callable(filters)) for the benchmark.
"""
from __future__ import annotations

import functools
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import polars as pl
import streamlit as st

from dashboard import settings
from dashboard.inflation.rulebook import load_rulebook
from dashboard.metrics import reasons as reason_metrics
from dashboard.metrics.dictionary import kinds_for
from dashboard.ui.filters import GRADES, UNKNOWN_UNIT, FilterOptions, Filters
from dashboard.warehouse import ALL_UNITS, read_scope, resolve_db_path, run_query, set_read_scope, warehouse_version

LOWEST_EXECUTORS = 20
DRILL_REPORT_ROWS = 500
TOP_REASONS = 30


class PageAccessor(NamedTuple):
    """One page view's data: name and the uncached function of the filters (all reports by default)."""

    name: str
    fn: Callable[[Filters, Path], object]

    def __call__(self, filters: Filters | None = None, db_path: Path | None = None):
        return self.fn(filters or Filters(), resolve_db_path(db_path))


PAGE_ACCESSORS: list[PageAccessor] = []


def db_path() -> Path:
    """The warehouse the dashboard reads (setting warehouse_path, env PERF_WAREHOUSE_PATH)."""
    return resolve_db_path(None)


def _size(value) -> int:
    """Bytes a cached value holds, near enough: frames as Polars counts them, containers summed."""
    if isinstance(value, pl.DataFrame):
        return int(value.estimated_size())
    if isinstance(value, dict):
        return 64 + sum(_size(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return 64 + sum(_size(v) for v in value)
    return sys.getsizeof(value)


class FrameCache:
    """Least-recently-used page data, shared by every session of the process, bounded in bytes (setting
    cache_max_mb) and in age (cache_ttl_seconds). A value over a quarter of the bound is not kept.
    Values are returned as cached: accessors return Polars frames (immutable) and plain dicts of them."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple, tuple[object, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return _MISS
            value, size, born = item
            if time.monotonic() - born > float(settings.get("cache_ttl_seconds")):
                del self._items[key]
                self._bytes -= size
                return _MISS
            self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value) -> None:
        size = _size(value)
        limit = int(settings.get("cache_max_mb")) * 1024 * 1024
        if size > limit // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size, time.monotonic())
            self._bytes += size
            while self._bytes > limit and self._items:
                _key, (_value, dropped, _born) = self._items.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_MISS = object()
CACHE = FrameCache()


def _cached(name: str, filters_key: tuple, options: tuple, version: str, db: str, scope: tuple | None):
    # `version` is part of the key only: a new warehouse version is a new cache entry. `scope` (the
    # signed-in account's units, None for every unit) keys the entry and binds every read under it.
    key = (name, filters_key, options, version, db, scope)
    value = CACHE.get(key)
    if value is _MISS:
        accessor = _BY_NAME[name]
        set_read_scope(ALL_UNITS if scope is None else scope)
        value = accessor.fn(Filters.from_key(filters_key), Path(db), **dict(options))
        CACHE.put(key, value)
    return value


def _scope_key() -> tuple | None:
    scope = read_scope()
    return None if scope is ALL_UNITS else tuple(scope)


_BY_NAME: dict[str, PageAccessor] = {}


def page_data(fn: Callable) -> Callable:
    """Register fn(filters, db, **options) as a page accessor; the returned function caches its result."""
    accessor = PageAccessor(fn.__name__, fn)
    PAGE_ACCESSORS.append(accessor)
    _BY_NAME[fn.__name__] = accessor

    @functools.wraps(fn)
    def cached(filters: Filters | None = None, **options):
        db = db_path()
        version = warehouse_version(db)
        if version is None:
            raise NoWarehouse()
        return _cached(fn.__name__, (filters or Filters()).key(), tuple(sorted(options.items())), version, str(db),
                       _scope_key())

    return cached


class NoWarehouse(Exception):
    """There is no warehouse file yet (nothing was ever loaded)."""


def filtered_query(name: str, filters: Filters, db: Path, **extra) -> pl.DataFrame:
    """queries/<name>.sql with the shared filters (and any extra parameters) bound."""
    return run_query(name, {**filters.params(), **extra}, db_path=db)


def population_query(name: str, filters: Filters, population: str, db: Path, **extra) -> pl.DataFrame:
    """queries/<name>.sql over one population of the metric dictionary: the filter's 评价类型 narrows
    the population (an empty list matches nothing: the filter left it nothing to count)."""
    money = {"include_doubtful": filters.include_doubtful} if population == "projects" else {}
    return run_query(name, {**filters.params(), "kinds": kinds_for(population, filters.kinds), **money, **extra},
                     db_path=db)


def figure_params(filters: Filters) -> dict:
    """The populations and grade bands of queries that mix figures (money, scores, counts)."""
    bands = dict(load_rulebook().grade_bands)
    return {"money_kinds": kinds_for("projects", filters.kinds), "score_kinds": kinds_for("self", filters.kinds),
            "excellent_from": bands.get("优", 90.0), "good_from": bands.get("良", 80.0),
            "fair_from": bands.get("中", 60.0), "include_doubtful": filters.include_doubtful}


# ---------------------------------------------------------------------------------------------
# The warehouse and the filter options


@st.cache_data(ttl=int(settings.get("cache_ttl_seconds")), max_entries=64, show_spinner=False)
def _options(version: str, db: str, scope: tuple | None = None) -> tuple[FilterOptions, int]:
    set_read_scope(ALL_UNITS if scope is None else scope)
    frame = run_query("filter_options", {}, db_path=db)
    counts = run_query("headline_figures", {}, db_path=db)
    row = frame.row(0, named=True) if frame.height else {}
    departments = tuple(row.get("departments") or ())
    options = FilterOptions(
        # 单位不详 is offered as a unit of its own when some report names none (bound to queries as '').
        departments=departments + ((UNKNOWN_UNIT,) if row.get("has_unknown_unit") else ()),
        years=tuple(row.get("years") or ()),
        regions=tuple(row.get("regions") or ()),
        grades=GRADES,
        has_unknown_year=bool(row.get("has_unknown_year")),
    )
    return options, int(counts["n_evaluations"][0]) if counts.height else 0


def warehouse_status() -> tuple[FilterOptions, int]:
    """The filter options and how many evaluations the warehouse holds (0 when there is no warehouse)."""
    db = db_path()
    version = warehouse_version(db)
    if version is None:
        return FilterOptions(), 0
    return _options(version, str(db), _scope_key())


# ---------------------------------------------------------------------------------------------
# 总览


@page_data
def headline_figures(filters: Filters, db: Path) -> dict:
    """The 总览 headline: one dict of figures for the filtered reports (n_evaluations 0 when none match)."""
    frame = filtered_query("page_headline", filters, db, **figure_params(filters))
    if frame.height == 0:
        return {name: (0 if name.startswith("n_") else None) for name in frame.columns}
    return frame.row(0, named=True)


@page_data
def trend_by_year(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per year: reports, amounts, execution, mean score, shares 优 (stated and by score band),
    flagged and high-risk reports; each figure over its population in the metric dictionary."""
    return filtered_query("page_trend_by_year", filters, db, **figure_params(filters))


@page_data
def unit_summary(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per unit over the filtered years (ranking, budget against spend)."""
    params = figure_params(filters)
    return filtered_query("department_summary", filters, db, money_kinds=params["money_kinds"],
                          score_kinds=params["score_kinds"], include_doubtful=filters.include_doubtful)


@page_data
def kind_sections(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per kind of evaluation with its own figures, whatever the 评价类型 filter: department-wide
    and external evaluations cover the same money as projects, so each kind is shown apart, never summed."""
    return filtered_query("page_kind_sections", filters.with_kinds(()), db,
                          include_doubtful=filters.include_doubtful)


# ---------------------------------------------------------------------------------------------
# 预算执行


@page_data
def execution_by_unit_year(filters: Filters, db: Path, basis: str = "adjusted") -> pl.DataFrame:
    """One row per unit and year: budget-weighted execution and shares under thresholds (project
    self-evaluations; basis adjusted = 全年预算数, initial = 年初预算数)."""
    return population_query("execution_by_department_year", filters, "projects", db, basis=basis)


@page_data
def execution_bands(filters: Filters, db: Path, basis: str = "adjusted") -> pl.DataFrame:
    """One row per year and execution-rate band (project self-evaluations)."""
    return population_query("execution_rate_bands", filters, "projects", db, basis=basis)


@page_data
def lowest_executors(filters: Filters, db: Path, limit_rows: int = LOWEST_EXECUTORS,
                     basis: str = "adjusted") -> pl.DataFrame:
    """The project self-evaluations with the lowest execution, with their amounts."""
    return population_query("lowest_executors", filters, "projects", db, limit_rows=limit_rows, basis=basis)


# ---------------------------------------------------------------------------------------------
# 评分分布


@page_data
def score_bins_by_year(filters: Filters, db: Path, bin_width: float = 5) -> pl.DataFrame:
    """One row per year and score bin."""
    return population_query("page_score_bins_by_year", filters, "self", db, bin_width=bin_width)


@page_data
def score_summary(filters: Filters, db: Path) -> dict[str, pl.DataFrame]:
    """Box-plot statistics of self-scores by year and by unit."""
    return {
        "year": population_query("page_score_summary_by_year", filters, "self", db),
        "department_canonical": population_query("page_score_summary_by_department", filters, "self", db),
    }


@page_data
def grade_mix(filters: Filters, db: Path) -> dict[str, pl.DataFrame]:
    """Self-evaluations per stated grade (null: not stated) by year and by unit; a grade's share is of
    the reports that state a grade (the 自评为优占比 of the metric dictionary), null for 未写明."""
    mix = population_query("grade_mix_by_department_year", filters, "self", db)
    out = {}
    for by in ("year", "department_canonical"):
        stated = pl.when(pl.col("grade").is_not_null())
        out[by] = (
            mix.group_by(by, "grade").agg(pl.col("n_reports").sum())
            .with_columns((stated.then(pl.col("n_reports")).otherwise(None)
                           / stated.then(pl.col("n_reports")).otherwise(0).sum().over(by)).alias("share"))
            .sort(by, "grade", nulls_last=True)
        )
    return out


@page_data
def threshold_bunching(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per year and grade threshold: reports just below against just at or above."""
    return population_query("threshold_bunching", filters, "self", db)


@page_data
def score_vs_execution(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per report stating both a self-score and an execution rate."""
    return population_query("score_vs_execution", filters, "self", db)


# ---------------------------------------------------------------------------------------------
# 扣分原因


@page_data
def points_lost(filters: Filters, db: Path) -> dict[str, pl.DataFrame]:
    """Points lost by first-level indicator and by third-level indicator."""
    return {
        "level1": population_query("points_lost_by_level1", filters, "self", db),
        "level3": population_query("points_lost_by_indicator", filters, "self", db),
    }


@page_data
def indicator_raw_headings(filters: Filters, db: Path, indicator: str | None = None) -> pl.DataFrame:
    """How reports wrote one indicator: one row per 一级/二级/三级指标 as written, with points lost.

    None: the indicator that lost most points, the one the page shows first (every indicator's
    headings at once would be one row per heading in the warehouse).
    """
    if indicator is None:
        ranked = population_query("points_lost_by_indicator", filters, "self", db)["indicator"].drop_nulls()
        indicator = ranked[0] if len(ranked) else ""
    return population_query("points_lost_raw_headings", filters, "self", db, indicator=indicator)


@page_data
def deduction_coverage(filters: Filters, db: Path) -> dict:
    """How many self-evaluations in scope the 扣分原因 charts stand on: n_reports, n_with_indicators
    (points lost), n_with_reasons (a deduction reason or a stated problem)."""
    frame = population_query("page_deduction_coverage", filters, "self", db)
    return frame.row(0, named=True)


@page_data
def reason_categories(filters: Filters, db: Path) -> dict[str, pl.DataFrame]:
    """Deduction reasons and stated problems by taxonomy category: totals and the trend by year."""
    trend = population_query("reason_categories_by_year", filters, "self", db)
    return {"totals": reason_metrics.reason_category_totals(trend), "trend": trend}


@page_data
def top_reasons(filters: Filters, db: Path, category: str | None = None) -> pl.DataFrame:
    """The reasons given most often in one category (all when None), with an example as written."""
    return population_query("page_top_reasons_in_category", filters, "self", db, category=category,
                            limit_rows=TOP_REASONS)


@page_data
def category_reports(filters: Filters, db: Path, category: str | None = None) -> pl.DataFrame:
    """The reports behind one reason category (all when None), most points lost first."""
    return population_query("page_reason_reports", filters, "self", db, category=category,
                            limit_rows=DRILL_REPORT_ROWS)
