"""What a record lacks, and finding rows by a few characters of their words."""
from __future__ import annotations

import polars as pl

from dashboard.metrics.completeness import matching, with_lacks


def test_lacks_names_the_missing_fields_money_only_for_projects():
    frame = pl.DataFrame({
        "project_name": [None, "甲项目", "乙项目"], "department": [None, "某局", "某局"], "year": [None, 2023, 2023],
        "self_score": [90.0, None, 95.0], "budget_wan": [1.0, None, None], "spent_wan": [1.0, None, None],
        "kind": ["project_self", "project_self", "department_self"]})
    assert with_lacks(frame)["lacks"].to_list() == [["项目名称", "单位", "年度"], ["自评分", "预算", "实际支出"], []]


def test_matching_is_literal_and_blank_keeps_everything():
    frame = pl.DataFrame({"project_name": ["防汛(一期)", None, "绿化"], "department": ["水务局", "水务局", None]})
    assert matching(frame, " ", ["project_name", "department"]).height == 3
    assert matching(frame, "水务", ["project_name", "department"]).height == 2
    assert matching(frame, "(一期)", ["project_name"]).height == 1, "brackets are text, not a pattern"
