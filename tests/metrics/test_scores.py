"""Score transforms on small hand-made frames (table-driven)."""
from __future__ import annotations

import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.metrics.scores import (
    grade_mix, score_bins, score_execution_correlation, score_execution_pairs, score_quantiles,
    score_summary_by_department_year, threshold_bunching,
)

EVALUATIONS = pl.DataFrame({
    "evaluation_id": ["e1", "e2", "e3", "e4", "e5", "e6"],
    "department_canonical": ["甲", "甲", "甲", "乙", "乙", "乙"],
    "year": [2024] * 6,
    "self_score": [100.0, 92.0, 88.5, 90.0, 79.0, None],
    "grade": ["优", "优", "良", "优", "中", None],
    "execution_rate": [86.0, 95.0, 99.0, 70.0, None, 50.0],
})


@pytest.mark.parametrize(("width", "starts", "counts"), [
    (5, [75.0, 85.0, 90.0, 100.0], [1, 1, 2, 1]),
    (10, [70.0, 80.0, 90.0, 100.0], [1, 1, 2, 1]),
    (20, [60.0, 80.0, 100.0], [1, 3, 1]),
])
def test_score_bins(width, starts, counts):
    expected = pl.DataFrame({"bin_start": starts, "bin_end": [s + width for s in starts],
                             "n_reports": pl.Series(counts, dtype=pl.UInt32),
                             "share": [c / 5 for c in counts]})
    assert_frame_equal(score_bins(EVALUATIONS, width), expected, check_dtypes=False)


def test_score_quantiles():
    result = score_quantiles(EVALUATIONS, (0.0, 0.5, 1.0))
    assert_frame_equal(result, pl.DataFrame({"quantile": [0.0, 0.5, 1.0], "self_score": [79.0, 90.0, 100.0]}))


def test_score_summary_by_department_year():
    expected = pl.DataFrame({
        "department_canonical": ["乙", "甲"], "year": [2024, 2024],
        "n_scored": pl.Series([2, 3], dtype=pl.UInt32),
        "self_score_mean": [84.5, 93.5], "self_score_median": [84.5, 92.0],
        "self_score_p25": [81.75, 90.25], "self_score_p75": [87.25, 96.0],
        "self_score_min": [79.0, 88.5], "self_score_max": [90.0, 100.0],
    })
    assert_frame_equal(score_summary_by_department_year(EVALUATIONS), expected)


def test_grade_mix_counts_and_shares_in_grade_order():
    expected = pl.DataFrame({
        "department_canonical": ["乙", "乙", "乙", "甲", "甲"], "year": [2024] * 5,
        "grade": ["优", "中", None, "优", "良"],
        "n_reports": pl.Series([1, 1, 1, 2, 1], dtype=pl.UInt32),
        "share": [1 / 3, 1 / 3, 1 / 3, 2 / 3, 1 / 3],
    })
    assert_frame_equal(grade_mix(EVALUATIONS), expected)


def test_grade_mix_by_year_only():
    result = grade_mix(EVALUATIONS, by=("year",))
    assert result.select("grade", "n_reports").rows() == [("优", 3), ("良", 1), ("中", 1), (None, 1)]


def test_pairs_and_correlation():
    pairs = score_execution_pairs(EVALUATIONS)
    assert pairs["evaluation_id"].to_list() == ["e1", "e2", "e3", "e4"]
    result = score_execution_correlation(pairs).row(0, named=True)
    x, y = [86.0, 95.0, 99.0, 70.0], [100.0, 92.0, 88.5, 90.0]
    mx, my = sum(x) / 4, sum(y) / 4
    r = sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(
        sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))
    assert result["n_pairs"] == 4
    assert result["correlation"] == pytest.approx(r)


def test_correlation_needs_three_pairs_per_group():
    pairs = score_execution_pairs(EVALUATIONS)
    result = score_execution_correlation(pairs, by=("department_canonical",))
    assert result.rows() == [("乙", 1, None), ("甲", 3, pytest.approx(result["correlation"][1]))]
    assert result["correlation"][1] is not None


@pytest.mark.parametrize(("scores", "window", "expected"), [
    ([88.0, 89.9, 90.0, 91.9, 92.0, 60.0, 59.0], 2, [(60.0, 1, 1, 1.0), (80.0, 0, 0, None), (90.0, 2, 2, 1.0)]),
    ([89.0, 90.0, 90.5, 91.0, 95.0], 1, [(60.0, 0, 0, None), (80.0, 0, 0, None), (90.0, 1, 2, 2.0)]),
    ([], 2, [(60.0, 0, 0, None), (80.0, 0, 0, None), (90.0, 0, 0, None)]),
])
def test_threshold_bunching(scores, window, expected):
    frame = pl.DataFrame({"self_score": scores}, schema={"self_score": pl.Float64})
    assert threshold_bunching(frame, window=window).rows() == expected
