"""The SQL aggregates (what pages read at province scale) and the Polars transforms (the same metric
written once more, from the rows) agree on the reference-report warehouse built by the real loader."""
from __future__ import annotations

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import warehouse
from dashboard.metrics import deductions, execution, reasons, scores
from dashboard.warehouse import run_query


@pytest.fixture(scope="module")
def facts(seed_warehouse):
    con = duckdb.connect(str(warehouse.current_version_file(seed_warehouse)), read_only=True)
    try:
        evaluations = con.sql("select * exclude (full_text) from evaluation_facts").pl()
        indicators = con.sql("select * from indicator_facts").pl()
    finally:
        con.close()
    return evaluations, indicators


def _same(sql_frame, polars_frame, keys):
    assert_frame_equal(sql_frame.sort(keys, nulls_last=True), polars_frame.sort(keys, nulls_last=True),
                       check_dtypes=False, abs_tol=1e-9)


def test_execution_by_department_year(facts, seed_warehouse):
    evaluations, _ = facts
    _same(run_query("execution_by_department_year", {}, seed_warehouse),
          execution.execution_by_department_year(evaluations), ["department_canonical", "year"])


def test_execution_by_project(facts, seed_warehouse):
    evaluations, _ = facts
    frame = evaluations.with_columns(pl.col("project_canonical").alias("project_name"))
    _same(run_query("execution_by_project", {}, seed_warehouse),
          execution.execution_rate_by_project(frame), ["project_key", "year"])


def test_score_summary_and_grade_mix(facts, seed_warehouse):
    evaluations, _ = facts
    _same(run_query("score_summary_by_department_year", {}, seed_warehouse),
          scores.score_summary_by_department_year(evaluations), ["department_canonical", "year"])
    _same(run_query("grade_mix_by_department_year", {}, seed_warehouse),
          scores.grade_mix(evaluations).select("department_canonical", "year", "grade", "n_reports", "share"),
          ["department_canonical", "year", "grade"])


def test_score_bins_and_bunching(facts, seed_warehouse):
    evaluations, _ = facts
    _same(run_query("score_distribution", {"bin_width": 2}, seed_warehouse), scores.score_bins(evaluations, 2), ["bin_start"])
    by_year = run_query("threshold_bunching", {}, seed_warehouse).group_by("threshold").agg(
        pl.col("n_just_below").sum(), pl.col("n_at_or_above").sum())
    overall = scores.threshold_bunching(evaluations).select("threshold", "n_just_below", "n_at_or_above")
    _same(by_year, overall, ["threshold"])


def test_points_lost_by_indicator(facts, seed_warehouse):
    _, indicators = facts
    by_indicator = indicators.with_columns(pl.col("indicator_group").alias("level1_group"))
    _same(run_query("points_lost_by_indicator", {}, seed_warehouse),
          deductions.points_lost_by_indicator(by_indicator, levels=("level1_group", "indicator")), ["indicator"])
    _same(run_query("points_lost_by_level1", {}, seed_warehouse),
          deductions.points_lost_by_indicator(indicators, levels=("level1_group",)), ["level1_group"])


@pytest.mark.parametrize("include", [False, True])
def test_reason_categories_and_top_reasons(seed_warehouse, include):
    params = {"include_scored_problems": include}
    mentions = run_query("deduction_reasons", {"include_scored_problems": True}, seed_warehouse)
    categorised = reasons.categorised_reasons(mentions, include_problems_of_scored_reports=include)
    assert_frame_equal(categorised.select("reason_normalised", "category"),
                       run_query("deduction_reasons", params, seed_warehouse).select("reason_normalised", "category"))
    _same(run_query("reason_categories_by_year", params, seed_warehouse),
          reasons.reason_category_trend(categorised), ["category", "year"])
    _same(run_query("top_reasons_by_department_year", {**params, "limit_rows": 3}, seed_warehouse),
          reasons.top_reasons_by_department_year(categorised, 3), ["department_canonical", "year", "rank"])
