"""Suspicious values: each rule fires on its own case and stays quiet on plausible rows."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.ui.suspicious import with_suspicious

BASE = {"self_score": 90.0, "budget_wan": 100.0, "initial_budget_wan": 100.0, "received_wan": 100.0,
        "spent_wan": 95.0, "year": 2023}


@pytest.mark.parametrize("change, expected", [
    ({}, []),
    ({"self_score": 100.0, "spent_wan": 300.0}, []),  # exactly 3x is still allowed
    ({"self_score": 105.0}, ["自评分105.0分，超过100分"]),
    ({"self_score": -2.0}, ["自评分-2.0分，小于0"]),
    ({"spent_wan": -5.0}, ["实际支出为负数（-5.0万元）"]),
    ({"received_wan": -1.0}, ["到位资金为负数（-1.0万元）"]),
    ({"spent_wan": 950.0}, ["实际支出950.0万元是预算100.0万元的9.5倍，可能单位（元/万元）或数字有误"]),
    ({"year": 1999}, ["年度1999不在2000至2026年之间"]),
    ({"year": 2027}, ["年度2027不在2000至2026年之间"]),
    ({"year": 2026}, []),
    ({"self_score": None, "budget_wan": None, "spent_wan": None, "year": None}, []),
])
def test_each_rule(change, expected):
    frame = pl.DataFrame([{**BASE, **change}], schema={k: (pl.Int32 if k == "year" else pl.Float64) for k in BASE})
    out = with_suspicious(frame, this_year=2025)
    assert out["suspicious"].to_list() == [expected]
    assert out["is_suspicious"].to_list() == [bool(expected)]


def test_several_reasons_and_missing_columns():
    frame = pl.DataFrame({"self_score": [120.0, 80.0], "year": [1990, 2020]})
    out = with_suspicious(frame, this_year=2025)
    assert out["suspicious"].to_list() == [["自评分120.0分，超过100分", "年度1990不在2000至2026年之间"], []]
    assert with_suspicious(pl.DataFrame({"x": [1]}))["is_suspicious"].to_list() == [False]
