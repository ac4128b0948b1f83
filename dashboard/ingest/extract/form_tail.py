"""What follows a 自评表's indicator table: the total (总分/合计), 评价结论, 存在问题; and amounts
the form restates in sentences (flags compare them with the funds row).
"""
from __future__ import annotations

import re

from dashboard.ingest.extract import form_labels as L
from dashboard.ingest.extract.form_funds import _filled, _number
from dashboard.ingest.extract.form_stream import Row, label_value
from dashboard.ingest.normalize import normalize_text, parse_number, to_simplified, to_wan
from dashboard.ingest.record import EvaluationRecord


def read_tail(record: EvaluationRecord, rows: list[Row], start: int) -> None:
    for i in range(start, len(rows)):
        row = rows[i]
        filled = _filled(row)
        if not filled:
            continue
        if L.is_title(row) and i > start:
            break
        first = L.key(filled[0])
        if first in L.TOTAL_LABELS and record.self_score is None:
            _read_total(record, row, filled)
        elif first in L.CONCLUSION_LABELS and record.conclusion is None:
            value = label_value(rows, i, row.index(filled[0]))
            if value:
                record.conclusion = value
                if record.grade is None:
                    record.grade = L.grade_of(value)
                if record.self_score is None:
                    m = re.search(r"(?:得分|总分)\s*(?:为|是)?\s*(\d+(?:\.\d+)?)\s*分", to_simplified(value))
                    if m:
                        record.self_score = float(m.group(1))
        elif record.grade is None and L.GRADE_LABEL.fullmatch(L.bare(filled[0])):
            # "四、部门自评等级 | 优": a department form's grade row after its indicators.
            record.grade = L.grade_of(label_value(rows, i, row.index(filled[0])))
        elif first in L.PROBLEM_LABELS and not record.problems:
            value = label_value(rows, i, row.index(filled[0]))
            record.problems = _problems(value)


def _read_total(record: EvaluationRecord, row: Row, filled: list[str]) -> None:
    numbers = [c for c in filled[1:] if L.is_numeric(c)]
    # "优", or "(自评等级)优" with the grade's own label in brackets before it.
    grade_cells = [g for g in (L.grade_cell(c) for c in filled[1:]) if g]
    if len(numbers) >= 2:
        record.facts["total_weight"] = parse_number(numbers[0])
        record.self_score = _number(numbers[1], "总分", record)
    elif numbers:
        record.self_score = _number(numbers[0], "总分", record)
    if grade_cells and record.grade is None:
        record.grade = grade_cells[0]
    record.facts["total_quote"] = "\t".join(filled)


def read_upfront_score(record: EvaluationRecord, rows: list[Row], end: int) -> None:
    """Department forms print 自评总分(分) and 自评等级 above the funds block."""
    for i in range(min(end, len(rows))):
        for j, cell in enumerate(rows[i]):
            k = L.bare(cell)
            if k == "自评总分" and record.self_score is None:
                value = label_value(rows, i, j)
                if value and L.is_numeric(value):
                    record.self_score = _number(value, "自评总分", record)
            elif k == "自评等级" and record.grade is None:
                record.grade = L.grade_of(label_value(rows, i, j))


# Instructions an unfilled form still prints: "结合自评情况,分析存在的问题及原因。(200字以内)".
_TEMPLATE_HINTS = re.compile(r"填写|填报|逐项|如实|应当|说明存在|简要|请|[(（].{0,30}问题.{0,10}[)）]$|\d+字以内[)）]?$|^结合自评情况")
_ITEM_SPLIT = re.compile(r"[；;。\n]|(?<!\d)(?=(?:\d{1,2}[.、．]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}、)\D)")
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.、．]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}、|[-•·])\s*")


def _problems(value: str | None) -> list[str]:
    if not value:
        return []
    text = normalize_text(value).strip()
    if L.key(text) in ("无", "暂无", "无问题", "/", "—", "-") or _TEMPLATE_HINTS.search(to_simplified(text)):
        return []
    items = []
    for part in _ITEM_SPLIT.split(text):
        part = _ITEM_NUMBER.sub("", part).strip(" ，,；;。")
        if len(part) >= 2 and part not in ("无",):
            items.append(part)
    return items


_BUDGET_MENTION = re.compile(r"(?:全年预算(?:数|资金)?|预算(?:资金|安排|数)|安排资金)\s*(?:为|共|总额)?\s*([\d,]+(?:\.\d+)?)\s*(万元|元)")
_SPENT_MENTION = re.compile(r"(?:执行|支出|使用|拨付)(?:资金|金额|数)?\s*(?:为|了|共)?\s*([\d,]+(?:\.\d+)?)\s*(万元|元)")


def read_mentions(record: EvaluationRecord, rows: list[Row]) -> None:
    """Amounts a form states twice (its funds row and a sentence): flags compare them."""
    quote = record.facts.get("funds_quote", "")
    budget = [{"value_wan": record.budget_wan, "quote": quote}] if record.budget_wan is not None else []
    spent = [{"value_wan": record.spent_wan, "quote": quote}] if record.spent_wan is not None else []
    for m in _BUDGET_MENTION.finditer(record.text):
        budget.append({"value_wan": to_wan(parse_number(m.group(1)), m.group(2)), "quote": _around(record.text, m)})
    for m in _SPENT_MENTION.finditer(record.text):
        spent.append({"value_wan": to_wan(parse_number(m.group(1)), m.group(2)), "quote": _around(record.text, m)})
    if len(budget) >= 2:
        record.facts["budget_mentions"] = budget
    if len(spent) >= 2:
        record.facts["spent_mentions"] = spent


def _around(text: str, m: re.Match) -> str:
    """The cell or line holding the match, for evidence."""
    start = max(text.rfind("\n", 0, m.start()), text.rfind("\t", 0, m.start())) + 1
    ends = [i for i in (text.find("\n", m.end()), text.find("\t", m.end())) if i != -1]
    return text[start:min(ends) if ends else len(text)].strip()[:160]
