"""Execution transforms on small hand-made frames (table-driven), each expected frame worked out by hand."""
from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.metrics.execution import (
    execution_by_department_year, execution_rate_by_project, lowest_executors, with_change_from_previous_year,
)

EVALUATIONS = pl.DataFrame(
    {
        "evaluation_id": ["e1", "e2", "e3", "e4", "e5", "e6"],
        "project_key": ["p1", "p2", "p3", "p1", "p4", "p5"],
        "project_name": ["甲", "乙", "丙", "甲", "丁", "戊"],
        "department_canonical": ["财政局", "财政局", "财政局", "财政局", "教育局", "教育局"],
        "year": [2023, 2023, 2023, 2024, 2024, 2024],
        "budget_wan": [100.0, 50.0, 10.0, 80.0, 40.0, None],
        "spent_wan": [90.0, 25.0, 9.7, 80.0, 38.0, 5.0],
        "execution_rate": [90.0, 50.0, 97.0, 100.0, 95.0, None],
    }
)


def test_execution_by_department_year_weighted_and_median():
    expected = pl.DataFrame(
        {
            "department_canonical": ["教育局", "财政局", "财政局"],
            "year": [2024, 2023, 2024],
            "n_projects": pl.Series([1, 3, 1], dtype=pl.UInt32),
            "budget_wan": [40.0, 160.0, 80.0],
            "spent_wan": [38.0, 124.7, 80.0],
            "execution_rate_weighted": [95.0, 124.7 / 160 * 100, 100.0],
            "execution_rate_median": [95.0, 90.0, 100.0],
            "share_under_60": [0.0, 1 / 3, 0.0],
            "share_under_80": [0.0, 1 / 3, 0.0],
            "share_under_90": [0.0, 1 / 3, 0.0],
            "share_under_95": [0.0, 2 / 3, 0.0],
        }
    )
    assert_frame_equal(execution_by_department_year(EVALUATIONS), expected, check_dtypes=False)


def test_execution_rate_by_project_sums_a_projects_reports_of_one_year():
    frame = pl.concat([EVALUATIONS, EVALUATIONS.filter(evaluation_id="e1").with_columns(
        evaluation_id=pl.lit("e1b"), budget_wan=pl.lit(100.0), spent_wan=pl.lit(50.0))])
    result = execution_rate_by_project(frame).filter(project_key="p1")
    expected = pl.DataFrame({
        "project_key": ["p1", "p1"], "year": [2023, 2024], "project_name": ["甲", "甲"],
        "department_canonical": ["财政局", "财政局"], "n_reports": pl.Series([2, 1], dtype=pl.UInt32),
        "budget_wan": [200.0, 80.0], "spent_wan": [140.0, 80.0], "execution_rate": [70.0, 100.0],
    })
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(("years", "rates", "previous", "change"), [
    ([2022, 2023, 2024], [80.0, 90.0, 85.5], [None, 80.0, 90.0], [None, 10.0, -4.5]),
    ([2022, 2024], [80.0, 90.0], [None, None], [None, None]),  # 2023 missing: no change for 2024
    ([2024], [70.0], [None], [None]),
])
def test_change_from_previous_year(years, rates, previous, change):
    frame = pl.DataFrame({"department_canonical": ["财政局"] * len(years), "year": years,
                          "execution_rate_weighted": rates})
    expected = frame.with_columns(
        pl.Series("execution_rate_weighted_previous_year", previous, dtype=pl.Float64),
        pl.Series("execution_rate_weighted_change", change, dtype=pl.Float64),
    )
    assert_frame_equal(with_change_from_previous_year(frame).sort("year"), expected)


def test_change_from_previous_year_keeps_departments_apart():
    frame = pl.DataFrame({"department_canonical": ["甲", "乙", "甲"], "year": [2023, 2024, 2024],
                          "execution_rate_weighted": [50.0, 99.0, 60.0]})
    result = with_change_from_previous_year(frame).sort("department_canonical", "year")
    assert result["execution_rate_weighted_change"].to_list() == [None, None, 10.0]


@pytest.mark.parametrize(("n", "ids"), [(2, ["e2", "e1"]), (10, ["e2", "e1", "e5", "e3", "e4"]), (0, [])])
def test_lowest_executors(n, ids):
    result = lowest_executors(EVALUATIONS, n)
    assert result["evaluation_id"].to_list() == ids
    if n == 2:
        assert result["unspent_wan"].to_list() == [25.0, 10.0]
