"""Page accessors on warehouses built by the real loader: figures as hand-computed, every accessor
answers filtered and unfiltered, and cached frames follow the warehouse version after a load."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.ingest.load import ingest_paths
from dashboard.ui import data
from dashboard.ui.filters import Filters
from tests.conftest import SEED_REPORTS

FUMIN_2024 = Filters(("富民县财政局",), 2024, 2024)
NOTHING = Filters(("富民县财政局",), 2025, 2025)


def test_headline_of_one_unit_and_year(seed_warehouse):
    head = data.headline_figures.__wrapped__(FUMIN_2024, seed_warehouse)
    assert (head["n_projects"], head["budget_wan"], head["spent_wan"]) == (1, 50.0, 47.76)
    assert head["execution_rate_weighted"] == 95.52
    assert head["self_score_mean"] == 95.4
    assert head["n_flagged_reports"] == 1


def test_headline_of_all_reference_reports(seed_warehouse):
    head = data.headline_figures.__wrapped__(Filters(), seed_warehouse)
    assert head["n_evaluations"] == 5
    assert head["budget_wan"] == pytest.approx(50 + 10 + 32 + 921.47 + 21.76)
    assert head["n_flagged_reports"] == 5


@pytest.mark.parametrize("accessor", data.PAGE_ACCESSORS, ids=lambda a: a.name)
@pytest.mark.parametrize("filters", [Filters(), FUMIN_2024, NOTHING], ids=["all", "fumin_2024", "nothing"])
def test_every_accessor_answers(accessor, filters, seed_warehouse):
    result = accessor(filters, seed_warehouse)
    frames = result.values() if isinstance(result, dict) else [result]
    for frame in frames:
        if isinstance(frame, pl.DataFrame) and filters == NOTHING and "year" in frame.columns:
            assert frame.height == 0


def test_category_reports_add_up_to_the_category_counts(seed_warehouse):
    reasons = data.reason_categories.__wrapped__(Filters(), seed_warehouse)
    totals = reasons["totals"].filter(pl.col("n_mentions") > 0)
    assert totals.height >= 2
    for row in totals.iter_rows(named=True):
        reports = data.category_reports.__wrapped__(Filters(), seed_warehouse, category=row["category"])
        assert reports.height == row["n_reports"]
        assert reports["n_mentions"].sum() == row["n_mentions"]
        top = data.top_reasons.__wrapped__(Filters(), seed_warehouse, category=row["category"])
        assert set(top["category"]) == {row["category"]}


def test_cached_frames_follow_the_warehouse_version(build_warehouse, tmp_path, monkeypatch):
    db = build_warehouse(tmp_path, SEED_REPORTS[:2])
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    assert data.headline_figures(Filters())["n_evaluations"] == 2
    assert data.headline_figures(Filters())["n_evaluations"] == 2  # served from the cache
    summary = ingest_paths([str(p) for p in SEED_REPORTS[2:]], db_path=db, progress=False, echo=False)
    assert summary.ok
    assert data.headline_figures(Filters())["n_evaluations"] == 5, "a load is never hidden by the cache"
    assert data.warehouse_status()[1] == 5


def test_no_warehouse_is_reported_not_created(tmp_path, monkeypatch):
    db = tmp_path / "none.duckdb"
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    assert data.warehouse_status()[1] == 0
    with pytest.raises(data.NoWarehouse):
        data.headline_figures(Filters())
    assert not db.exists()


def test_the_cache_is_bounded_in_bytes_and_age(monkeypatch):
    monkeypatch.setenv("PERF_CACHE_MAX_MB", "1")
    cache = data.FrameCache()
    frame = pl.DataFrame({"x": list(range(20_000))})  # about 160 KB
    for i in range(12):
        cache.put(("k", i), frame)
    assert cache.bytes <= 1024 * 1024 and len(cache) < 12, "least recently used frames go"
    assert cache.get(("k", 11)) is frame and cache.get(("k", 0)) is not frame
    cache.put(("big",), pl.DataFrame({"x": list(range(200_000))}))  # over a quarter of the bound
    assert cache.get(("big",)) is not None and len(cache) <= 12
    assert ("big",) not in cache._items
    monkeypatch.setenv("PERF_CACHE_TTL_SECONDS", "0")
    assert cache.get(("k", 11)) is not frame, "an entry older than the ttl is gone"
