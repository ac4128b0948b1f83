"""Deduction reasons: normalisation, the documented taxonomy, top reasons and trends (table-driven)."""
from __future__ import annotations

import tomllib

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.metrics.reasons import (
    OTHER, TAXONOMY_PATH, categorised_reasons, category_names, load_taxonomy, normalise_reason,
    reason_category_totals, reason_category_trend, top_reasons_by_department_year,
)

TAXONOMY = tomllib.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))["category"]


def _reasons(rows):
    return pl.DataFrame(rows, schema={
        "source": pl.String, "evaluation_id": pl.String, "department_canonical": pl.String, "year": pl.Int32,
        "level1": pl.String, "level3": pl.String, "reason_text": pl.String, "points_lost": pl.Float64,
        "has_score_table": pl.Boolean,
    }, orient="row")


def test_the_taxonomy_has_the_documented_categories_in_order():
    assert category_names() == ["指标设置不够细化", "执行或支付进度慢", "满意度", "资金管理",
                                "制度合同验收资料缺失", "产出数量或质量不足", "效益不明显", OTHER]
    assert all(c.description for c in load_taxonomy())


@pytest.mark.parametrize(("text", "normalised"), [
    ("（一）项目支出计划安排不够精准，有待优化；", "项目支出计划安排不够精准，有待优化"),
    ("1.平台故障响应与修复仍有提升空间：尽管设定了标准", "平台故障响应与修复仍有提升空间"),
    ("二是 资金 使用不規範。", "资金使用不规范"),
    ("指标不够细化", "指标不够细化"),
    ("：", None),
    (None, None),
])
def test_normalise_reason(text, normalised):
    assert normalise_reason(text) == normalised


@pytest.mark.parametrize(("category", "example"),
                         [(c["name"], e) for c in TAXONOMY for e in c.get("examples", [])])
def test_every_documented_example_files_into_its_category(category, example):
    frame = categorised_reasons(_reasons([("deduction", "e1", "甲", 2024, None, None, example, 1.0, True)]))
    assert frame["category"][0] == category


@pytest.mark.parametrize(("text", "level3", "category"), [
    ("项目管理制度有待完善，资金分配没有制定严格的用款计划", None, "制度合同验收资料缺失"),  # first clause decides
    ("资金支付进度较慢，年底集中支付", None, "执行或支付进度慢"),
    ("未达到预期", "服务对象满意度", "满意度"),  # the indicator's name when the text says nothing
    ("：", "完成数量", "产出数量或质量不足"),
    ("平台故障响应与修复仍有提升空间", None, OTHER),
])
def test_category_from_text_then_indicator(text, level3, category):
    frame = categorised_reasons(_reasons([("deduction", "e1", "甲", 2024, "效益", level3, text, 1.0, True)]))
    assert frame["category"][0] == category


ROWS = [
    ("deduction", "e1", "甲", 2023, "产出", "完成数量", "项目实施的实际产出数小于计划数", 2.0, True),
    ("deduction", "e2", "甲", 2023, "产出", "完成数量", "项目实施的实际产出数小于计划数", 3.0, True),
    ("deduction", "e2", "甲", 2023, "产出", "完成及时性", "项目实施的实际产出数小于计划数", 1.0, True),
    ("deduction", "e1", "甲", 2023, "决策", "绩效指标明确性", "指标不够细化", 1.0, True),
    ("deduction", "e3", "甲", 2024, "决策", "绩效指标明确性", "指标不够细化。", 1.0, True),
    ("deduction", "e4", "甲", 2024, "决策", "绩效指标明确性", "指标不够细化", 1.0, True),
    ("problem", "e5", "甲", 2024, None, None, "绩效指标设立科学性有待加强", None, False),
    ("problem", "e3", "甲", 2024, None, None, "预算编制精细度欠佳", None, True),  # repeats a scored report
]


def test_problems_of_scored_reports_are_left_out_unless_asked():
    assert categorised_reasons(_reasons(ROWS)).height == 7
    assert categorised_reasons(_reasons(ROWS), include_problems_of_scored_reports=True).height == 8


def test_top_reasons_by_department_year():
    top = top_reasons_by_department_year(categorised_reasons(_reasons(ROWS)), n=1)
    expected = pl.DataFrame({
        "department_canonical": ["甲", "甲"], "year": pl.Series([2023, 2024], dtype=pl.Int32),
        "reason_normalised": ["项目实施的实际产出数小于计划数", "指标不够细化"],
        "category": ["产出数量或质量不足", "指标设置不够细化"],
        "n_mentions": [3, 2], "n_reports": [2, 2], "points_lost": [6.0, 2.0],
        "example_quote": ["项目实施的实际产出数小于计划数", "指标不够细化"],
        "rank": [1, 1],
    })
    assert_frame_equal(top, expected, check_dtypes=False)


def test_category_trend_across_years_with_quotes():
    trend = reason_category_trend(categorised_reasons(_reasons(ROWS)))
    assert trend.select("category", "year", "n_mentions", "n_reports", "share_of_year").rows() == [
        ("产出数量或质量不足", 2023, 3, 2, 0.75), ("指标设置不够细化", 2023, 1, 1, 0.25),
        ("指标设置不够细化", 2024, 3, 3, 1.0),
    ]
    assert trend["example_quotes"][2].to_list() == ["指标不够细化", "指标不够细化。", "绩效指标设立科学性有待加强"]
    assert trend["points_lost"].to_list() == [6.0, 1.0, 2.0]


def test_category_totals_list_every_category():
    totals = reason_category_totals(reason_category_trend(categorised_reasons(_reasons(ROWS))))
    assert totals["category"].to_list() == category_names()
    assert dict(zip(totals["category"], totals["n_mentions"]))["指标设置不够细化"] == 4
    assert totals["share"].sum() == pytest.approx(1.0)
    empty = reason_category_totals(reason_category_trend(categorised_reasons(_reasons([]))))
    assert empty["n_mentions"].sum() == 0
