"""Suspicious values: each rule fires on its own case and stays quiet on plausible rows."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.ui.suspicious import with_suspicious

BASE = {"self_score": 90.0, "budget_wan": 100.0, "initial_budget_wan": 100.0, "received_wan": 100.0,
        "spent_wan": 95.0, "year": 2023}


@pytest.mark.parametrize("change, expected", [
    ({}, []),
    ({"self_score": 100.0, "spent_wan": 150.0}, []),  # exactly the ratio of data/sanity.toml (1.5) is allowed
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


@pytest.mark.parametrize("reason, kind", [
    ("x.pdf: PDF 已加密（需要密码才能打开），请提供未加密的版本", "加密文件"),
    ("x.pdf: 扫描件：PDF 没有文字层（可能是扫描或图片生成的文件）", "扫描件（没有文字层）"),
    ("x.docx: 不是有效的 Word 文档（.docx）：文件是旧版 Office 格式（.doc/.xls）或已加密，请另存", "旧版 Office 格式"),
    ("x.docx: 解压后内容过大（声明 900 MB，上限 200 MB），疑似压缩炸弹，已拒绝", "疑似压缩炸弹"),
    ("x.pdf: PDF 文件不完整：缺少文件结尾", "文件不完整"),
    ("x.txt: 不是文本文件：内容为乱码或二进制数据", "不是可读的文本"),
    ("x.docx: 不是有效的 Word 文档（.docx）：文档的 XML 内容已损坏", "文件损坏或格式不符"),
    ("x.txt: 未识别到任何评价内容（无项目名称、金额或得分）", "未识别出评价报告"),
    ("x.pdf: 读取超时：超过 60 秒仍未读完", "读取超时"),
    ("别的原因", "无法读取"),
    (None, "无法读取"),
])
def test_failure_explained(reason, kind):
    from dashboard.ui.suspicious import explain_failure

    found, advice = explain_failure(reason)
    assert found == kind and advice
