"""One narrative report that evaluates several projects, one numbered item each, into one record each.

Seen on published pages: a unit's 总报告 listing "1、XX项目:预算28.6万元,全年实际支付28.6万元,使用率100%"
for each of its projects, and a 转移支付 summary with "项目一:XX项目,项目全年预算数…,完成预算的100%".
Each item is read like a report of its own (amounts, rate, score, grade from its own sentences);
who evaluated it (unit, region, year, kind) comes from the whole report.
"""
from __future__ import annotations

import re
from dataclasses import replace

from dashboard.ingest.extract import narrative_amounts
from dashboard.ingest.record import EvaluationRecord

# A fund document number printed before the project's name ("青财农〔2023〕215号").
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[(（]\d{4}[〕\])）]\d+号")
# "项目一:" / "项目二：" items, the name running to the first comma.
_ITEM_WORD = re.compile(r"项目([一二三四五六七八九十]{1,3})[:：]\s*([^,，。；;:：\n]{4,80}?)\s*[,，]")
# "1、XX项目:预算…" items: a numbered name that a colon and an amount keyword follow.
_ITEM_NUMBER = re.compile(
    r"(?<![\d.])(\d{1,2})、\s*([^,，。；;:：、\n]{4,60}?)\s*[:：]\s*(?=(?:全年)?(?:预算|总投资|计划投资|安排|下达))"
)
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
# After the name: an amount keyword soon after, or the item is not a project.
_AMOUNT_WORD = re.compile(r"预算|资金|投资|执行|支出|支付")


def _cn_number(word: str) -> int:
    if len(word) == 1:
        return _CN_DIGITS.get(word, 0)
    if word.startswith("十"):
        return 10 + _CN_DIGITS.get(word[1:], 0)
    return _CN_DIGITS.get(word[0], 0) * 10 + (_CN_DIGITS.get(word[2:], 0) if len(word) > 2 else 0)


def _items(text: str) -> list[tuple[int, str, int, int]]:
    """(number, name, start of the item, end of its name) for the numbered project items, in order."""
    found: list[tuple[int, str, int, int]] = []
    for m in _ITEM_WORD.finditer(text):
        if _AMOUNT_WORD.search(text[m.end():m.end() + 30]):
            found.append((_cn_number(m.group(1)), m.group(2), m.start(), m.end()))
    if len(found) < 2:
        found = [(int(m.group(1)), m.group(2), m.start(), m.end()) for m in _ITEM_NUMBER.finditer(text)]
    # The items count up from 1 without a gap; anything else is some other list.
    numbers = [n for n, *_ in found]
    if len(found) < 2 or numbers != list(range(1, len(found) + 1)):
        return []
    return found


def _name(raw: str) -> str:
    name = _DOC_NUMBER.sub("", re.sub(r"\s+", "", raw))
    return name.strip("“”\"'")


def split_projects(base: EvaluationRecord) -> list[EvaluationRecord]:
    """One record per numbered project item of the report's text; [] when it is not such a report."""
    text = base.text
    items = _items(text)
    if not items:
        return []
    records = []
    for i, (_, raw_name, start, name_end) in enumerate(items):
        end = items[i + 1][2] if i + 1 < len(items) else len(text)
        segment = text[name_end:end]
        record = replace(
            base, project_name=_name(raw_name), budget_wan=None, initial_budget_wan=None, received_wan=None,
            spent_wan=None, stated_execution_rate=None, execution_rate=None, self_score=None, grade=None,
            execution_weight=None, execution_score=None, indicators=[], evaluator_scores=[], problems=list(base.problems),
            flags=[], warnings=[w for w in base.warnings if not w.startswith("未找到")],
            facts={k: v for k, v in base.facts.items() if k in ("year_mentions", "problems_quote")},
            text=text[start:end],
        )
        narrative_amounts.read_values(record, segment, [])
        record.facts["project_item"] = text[start:name_end].strip()
        records.append(record)
    return records
