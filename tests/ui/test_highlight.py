"""Evidence highlighting: every character of a report is escaped; quotes are marked across line breaks."""
from __future__ import annotations

import html
import re

import pytest

from dashboard.ui.highlight import (
    escape_text,
    evidence_quotes,
    find_spans,
    highlight_html,
    missing_quotes,
    report_text_html,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "![图](http://example.com/x.png)",
    "**粗体** # 标题 `code` $x^2$ :red[红色]",
    '" onmouseover="alert(1)',
]


def _visible(markup: str) -> str:
    """What a browser shows: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_evidence_quotes_takes_the_quoted_parts_only():
    evidence = "「自评为100分，评定等级为“优”。」；「预算执行率达到86.2%；」；预算10万元，实际支出8.62万元"
    assert evidence_quotes(evidence) == ["自评为100分，评定等级为“优”。", "预算执行率达到86.2%；"]
    assert evidence_quotes(None) == []
    assert evidence_quotes("「优」") == []  # too short to mark safely
    assert evidence_quotes("「同一句话」；「同一句话」") == ["同一句话"]


def test_quote_found_across_line_breaks_and_spacing():
    text = "项目自评得分\n99.98分，全年预算数   921.47万元。其他内容。"
    spans = find_spans(text, ["项目自评得分 99.98分，全年预算数 921.47万元。"])
    assert spans == [(0, text.index("其他"))]


def test_overlapping_quotes_are_merged_and_every_occurrence_marked():
    text = "甲乙丙丁戊己。甲乙丙丁戊己。"
    assert find_spans(text, ["甲乙丙丁", "丙丁戊己"]) == [(0, 6), (7, 13)]


def test_highlight_wraps_matches_in_mark():
    out = highlight_html("前文。自评满分100分。后文。", ["自评满分100分。"])
    assert out.count('<mark class="evidence">') == 1
    assert _visible(out) == "前文。自评满分100分。后文。"


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_is_inert_and_shown_literally(payload):
    text = f"报告名称{payload}正文{payload}结尾"
    out = report_text_html(text, [f"正文{payload}结尾"])
    # The only tags are the ones we wrote.
    assert set(re.findall(r"<\s*/?\s*([a-zA-Z]+)", out)) <= {"div", "mark"}
    inner = highlight_html(text, [f"正文{payload}结尾"])
    inner = inner.replace('<mark class="evidence">', "").replace("</mark>", "")
    for ch in "<>[]()*`$!:\"":
        assert ch not in inner
    assert _visible(out) == text
    assert '<mark class="evidence">' in out


def test_escape_text_neutralises_markdown():
    escaped = escape_text("[链接](http://x) ![图](y) **粗**")
    assert "[" not in escaped and "(" not in escaped and "*" not in escaped and "!" not in escaped
    assert html.unescape(escaped) == "[链接](http://x) ![图](y) **粗**"


def test_missing_quotes_reports_what_the_text_lacks():
    assert missing_quotes("报告正文里有这一句。", ["这一句。", "没有这一段话"]) == ["没有这一段话"]
