"""Points lost by indicator on small hand-made frames (table-driven)."""
from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.metrics.deductions import points_lost_by_indicator, with_points_lost

INDICATORS = pl.DataFrame({
    "evaluation_id": ["a", "a", "b", "b", "c", "c"],
    "level1": ["产出", "效益", "产出", "效益", "产出", "效益"],
    "level3": ["完成数量", "服务对象满意度", "完成数量", "服务对象满意度", "完成数量", "服务对象满意度"],
    "weight": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
    "score": [8.0, 9.4, 10.0, 10.0, 7.0, None],
    "deduction": [None, None, None, None, 3.0, 1.0],
})


@pytest.mark.parametrize(("weight", "score", "deduction", "lost"), [
    (10.0, 8.0, None, 2.0),
    (10.0, 8.0, 87.12, 2.0),  # weight and score win over a (misread) written deduction
    (10.0, None, 1.5, 1.5),  # the written deduction when the score is missing
    (10.0, 11.0, None, 0.0),  # never negative
    (None, 8.0, None, None),  # nothing guessed
])
def test_points_lost_of_a_row(weight, score, deduction, lost):
    frame = pl.DataFrame({"weight": [weight], "score": [score], "deduction": [deduction]},
                         schema={"weight": pl.Float64, "score": pl.Float64, "deduction": pl.Float64})
    assert with_points_lost(frame)["points_lost"].to_list() == [lost]


def test_points_lost_by_level3():
    expected = pl.DataFrame({
        "level1": ["产出", "效益"], "level3": ["完成数量", "服务对象满意度"],
        "n_reports_scored": pl.Series([3, 3], dtype=pl.UInt32),
        "n_reports_deducted": pl.Series([2, 2], dtype=pl.UInt32),
        "n_deductions": pl.Series([2, 2], dtype=pl.UInt32),
        "points_lost_total": [5.0, 1.6], "weight_total": [30.0, 30.0],
        "share_reports_deducted": [2 / 3, 2 / 3],
    })
    result = points_lost_by_indicator(INDICATORS)
    assert_frame_equal(result, expected, check_dtypes=False)


def test_points_lost_by_level1():
    result = points_lost_by_indicator(INDICATORS.with_columns(level1=pl.lit("产出")), levels=("level1",))
    assert result.select("level1", "n_reports_scored", "n_reports_deducted", "n_deductions").rows() == [("产出", 3, 2, 4)]
    assert result["points_lost_total"][0] == pytest.approx(6.6)
