"""The pieces that put cells back into text that lost its table: trailing bars, page chrome,
label-anchored splitting, split labels, and funds rows whose cells were dropped or fused.
Every example is invented; the layouts follow published pages (tests/fixtures/real_layouts)."""
from __future__ import annotations

import pytest

from dashboard.ingest.document import Document, Paragraph
from dashboard.ingest.extract.chrome import is_chrome, without_chrome
from dashboard.ingest.extract.fund_values import place_values, split_fused
from dashboard.ingest.extract.label_split import glue_split_labels, looks_unseparated, split_on_labels
from dashboard.ingest.normalize import normalize_text
from dashboard.ingest.text_tables import blocks_from_lines

FUNDS6 = ["initial_budget", "budget", "spent", "weight", "rate", "score"]


@pytest.mark.parametrize("values, want", [
    (["620", "620", "620", "10", "10"], ["620", "620", "620", "10", "", "10"]),  # the rate cell dropped
    (["25", "25", "23.5", "10", "94.00%", "9.4"], ["25", "25", "23.5", "10", "94.00%", "9.4"]),
    (["25", "23.5", "10", "94.00%", "9.4"], ["", "25", "23.5", "10", "94.00%", "9.4"]),  # no 年初 figure
])
def test_dropped_cells_are_placed_by_the_arithmetic(values, want):
    assert place_values(FUNDS6, values) == want


@pytest.mark.parametrize("fused, roles, want", [
    ("86.486.4100%", ["budget", "spent", "rate"], ["86.4", "86.4", "100%"]),
    ("353510100.00%10", ["budget", "spent", "weight", "rate", "score"], ["35", "35", "10", "100.00%", "10"]),
    ("12010587.5%", ["budget", "spent", "rate"], ["120", "105", "87.5%"]),
])
def test_fused_numbers_split_only_where_the_arithmetic_agrees(fused, roles, want):
    assert split_fused(fused, roles) == want


def test_fused_numbers_that_the_arithmetic_cannot_settle_stay_whole():
    assert split_fused("1111100%", ["budget", "spent", "rate"]) is None  # 1|1|1100%? 11|11|100%? 1|11|...
    assert split_fused("2023", ["budget", "spent", "rate"]) is None


def test_a_space_between_two_numbers_is_a_boundary():
    assert normalize_text("年度资金总额: 25 25 23.5") == "年度资金总额: 25 25 23.5"
    assert normalize_text("执行率 94 .5 %") == "执行率 94.5%"


def test_cells_with_a_trailing_bar_are_cells():
    blocks = blocks_from_lines(["项目名称 |", "防汛物资购置 |", "|", "| 主管部门 |", "部门预算项目支出绩效自评表(2023年度) | ||||"])
    assert [b.text for b in blocks] == ["项目名称", "防汛物资购置", "主管部门", "部门预算项目支出绩效自评表(2023年度)"]


def test_pipe_rows_without_outer_bars():
    table = blocks_from_lines(["一级指标 | 二级指标 | 三级指标 | 分值"])[0]
    assert table.rows == [["一级指标", "二级指标", "三级指标", "分值"]]


@pytest.mark.parametrize("line", [
    "首页 >> 信息公开 >> 财政预决算 >> 绩效评价",
    "当前位置：首页 > 政务公开 > 部门预决算",
    "浏览次数: 来源: 临溪县财政局 时间: 2023-05-12",
    "文字大小:[ 大 中 小 ] 背景色:",
    "索引号: 000000000/2024-00031",
    "发布机构：临溪县财政局",
    "【打印本页】【关闭窗口】",
])
def test_chrome_lines(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", ["项目名称：防汛物资购置", "2022年县财政下达资金38.5万元，执行率94.03%。",
                                  "来源于县级财政预算的资金共38.5万元"])
def test_report_lines_are_not_chrome(line):
    assert not is_chrome(line)


def test_chrome_before_a_flattened_form_is_removed_and_the_form_kept():
    doc = Document(source="x", format="txt", blocks=[
        Paragraph("首页 >> 信息公开 >> 绩效评价 项目支出绩效自评表 (2022年度) 项目名称 防汛物资购置")])
    assert without_chrome(doc).paragraphs == ["项目支出绩效自评表 (2022年度) 项目名称 防汛物资购置"]


def test_labels_anchor_values_in_text_without_separators():
    text = "项目名称春季防汛物资购置主管部门石川县水务局实施单位石川县水务局项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额25 25 23.5 10 94.00% 9.4"
    assert looks_unseparated(text)
    cells = split_on_labels(text)
    assert cells[:6] == ["项目名称", "春季防汛物资购置", "主管部门", "石川县水务局", "实施单位", "石川县水务局"]
    assert cells[-7:] == ["年度资金总额", "25", "25", "23.5", "10", "94.00%", "9.4"]


def test_an_ordinary_sentence_is_not_unseparated():
    assert not looks_unseparated("2022年县财政下达春节慰问经费38.5万元，实际支出36.2万元，执行率94.03%，项目名称为春节慰问。")


def test_labels_broken_over_cells_are_glued():
    assert glue_split_labels(["一级", "指标", "二级指标", "产", "出", "指", "标", "可持续影", "响指标", "青禾"]) == [
        "一级指标", "二级指标", "产出指标", "可持续影响指标", "青禾"]
