"""The funds block of a 自评表 (项目资金 / 预算执行情况): amounts, rate, execution weight and score.

Cells come by column role (form_labels.FUND_COLUMNS); where a web page dropped or fused cells, the
block's arithmetic puts them back (fund_values). Amounts are stored in 万元 (元 converted).
"""
from __future__ import annotations

import re

from dashboard.ingest.extract import form_labels as L
from dashboard.ingest.extract.form_stream import Row
from dashboard.ingest.extract.fund_values import place_values
from dashboard.ingest.normalize import normalize_text, parse_number, to_wan
from dashboard.ingest.record import EvaluationRecord

_UNIT_YUAN = re.compile(r"[(（]\s*(?:单位[:：]?\s*)?元\s*[)）]|单位[:：]\s*元(?!\w)")


def _filled(row: Row) -> list[str]:
    return [c for c in row if c.strip()]


def _number(cell: str | None, what: str, record: EvaluationRecord) -> float | None:
    """A number from a cell; a filled cell that is not a number becomes a warning, never a guess."""
    if cell is None:
        return None
    text = normalize_text(cell).strip()
    if not text or L.is_placeholder(text) and not re.search(r"\d", text):
        return None
    body = re.sub(r"\s*(万元|元|分|%|％)\s*$", "", text).replace(",", "").replace("，", "")
    if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", body):
        record.warnings.append(f"{what}数字无法识别：「{cell}」，已留空")
        return None
    return float(body)


def _rate(cell: str | None, record: EvaluationRecord) -> tuple[float | None, int | None]:
    """A stated execution rate in percent and its decimals: '100%' (0), '100.00%' (2), '0.87' -> 87 (0)."""
    value = _number(cell, "执行率", record)
    if value is None or cell is None:
        return None, None
    text = normalize_text(cell).strip()
    decimals = len(text.split(".")[1].rstrip("%").strip()) if "." in text else 0
    if "%" not in text and value <= 1.5:
        return round(value * 100, 6), max(0, decimals - 2)
    return value, decimals


_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)(?![\u4e00-\u9fff])")


def _block_unit(rows: list[Row], at: int, label_text: str) -> str:
    """元 or 万元: the block's own label (项目资金(元)), else a 单位：元 line above it, else 万元."""
    if re.search(r"[(（]\s*(?:单位[:：]?\s*)?万元\s*[)）]", label_text):
        return "万元"
    if _UNIT_YUAN.search(label_text):
        return "元"
    for row in reversed(rows[:at]):
        for cell in row:
            m = _UNIT_LINE.search(normalize_text(cell))
            if m:
                return m.group(1)
    return "万元"


def _amount_wan(cell: str | None, what: str, unit: str, record: EvaluationRecord) -> float | None:
    """An amount in 万元; a unit written in the cell itself ("1,200,000元") wins over the block's."""
    value = _number(cell, what, record)
    if value is None or cell is None:
        return None
    text = normalize_text(cell).strip()
    if text.endswith("万元"):
        return value
    if text.endswith("元"):
        return to_wan(value, "元")
    return to_wan(value, unit)


def read_funds(record: EvaluationRecord, rows: list[Row], end: int) -> None:
    at = next((i for i in range(end) if L.is_fund_header(rows[i])), None)
    if at is None:
        return
    header = rows[at]
    cols = L.role_columns(header, L.fund_role)
    first_col = min(cols.values())
    # The unit and the execution weight live in the block's label: 项目资金(元), 预算执行情况(20分).
    label_text = " ".join(header[:first_col]) + " " + " ".join(
        (rows[k][0] if rows[k] else "") for k in range(max(0, at - 1), min(end, at + 4)))
    label_text = normalize_text(label_text)
    unit = _block_unit(rows, at, label_text)
    data = None
    for k in range(at + 1, min(end, at + 8)):
        row = rows[k]
        labels = [L.bare(c) for c in row[:max(first_col, 1)] if c.strip()]
        if any(lab in L.FUNDS_TOTAL_LABELS for lab in labels):
            data = row
            break
    if data is None:
        for k in range(at + 1, min(end, at + 4)):
            if any(L.is_numeric(c) for c in rows[k]):
                data = rows[k]
                break
    if data is None:
        glued = next((c for k in range(at + 1, min(end, at + 4)) for c in rows[k]
                      if re.match(r"^(?:年度资金总额|总额|资金总额|合计)[:：]?\s*\d[\d.,%]{5,}$", L.key(c))), None)
        if glued:
            # "年度资金总额:505010100.00%10": the cells ran together; splitting them would be a guess.
            record.warnings.append(f"资金总额行的数字粘连在一起，无法分列：「{glued}」，预算、执行数已留空")
        else:
            record.warnings.append("预算执行情况表中未找到资金总额行")
        return
    if len(data) < len(header):
        data = data + [""] * (len(header) - len(data))
    header_roles = [L.fund_role(c) for c in header]
    by_role = _funds_by_role(header_roles, data)

    def cell(role: str) -> str | None:
        return by_role.get(role)

    record.initial_budget_wan = _amount_wan(cell("initial_budget"), "年初预算数", unit, record)
    record.budget_wan = _amount_wan(cell("budget"), "全年预算数", unit, record)
    record.spent_wan = _amount_wan(cell("spent"), "全年执行数", unit, record)
    if not any((record.initial_budget_wan, record.budget_wan, record.spent_wan)):
        # A total row of zeros above a 其中 row that holds the money: the form's total was never
        # filled in; the money of record is the sub-row's.
        sub = _subrow_amounts(rows, at, end, [r for r in header_roles if r in ("initial_budget", "budget", "spent")])
        if sub:
            record.initial_budget_wan = _amount_wan(sub.get("initial_budget"), "年初预算数", unit, record)
            record.budget_wan = _amount_wan(sub.get("budget"), "全年预算数", unit, record)
            record.spent_wan = _amount_wan(sub.get("spent"), "全年执行数", unit, record)
            record.warnings.append("资金总额行为 0，预算与执行数取自「其中」分项行")
    if record.budget_wan is None and record.initial_budget_wan is not None:
        record.budget_wan = record.initial_budget_wan
    rate, decimals = _rate(cell("rate"), record)
    record.stated_execution_rate = rate
    if decimals is not None:
        record.facts["stated_rate_decimals"] = decimals
    weight = _number(cell("weight"), "预算执行分值", record)
    if weight is None:
        m = re.search(r"(\d+(?:\.\d+)?)\s*分", label_text + " " + " ".join(header))
        weight = float(m.group(1)) if m and float(m.group(1)) <= 30 else None
    if "score" in cols or "weight" in cols:
        record.execution_weight = weight
        record.execution_score = _number(cell("score"), "预算执行得分", record)
    quote = "\t".join(c for c in data if c)
    record.facts["funds_quote"] = quote
    record.facts["amount_unit"] = unit


def _funds_by_role(header_roles: list[str | None], data: Row) -> dict[str, str]:
    """The funds row's cells by column role.

    Where every number sits under a numeric column of the header, positions decide. Otherwise (a
    header with an extra merged cell, a row whose empty cells were dropped) the numbers are taken
    in order and laid into the numeric columns by the block's arithmetic (fund_values).
    """
    numeric_roles = [r for r in header_roles if r and r != "reason"]
    positions = [j for j, c in enumerate(data) if c.strip() and L.is_numeric_like(c)]
    by_position = {r: data[j] for j, r in enumerate(header_roles) if r and j < len(data)}
    if all(header_roles[j] not in (None, "reason") for j in positions if j < len(header_roles)) \
            and all(j < len(header_roles) for j in positions):
        return by_position
    values = [data[j] for j in positions][:len(numeric_roles)]
    placed = dict(zip(numeric_roles, place_values(numeric_roles, values)))
    if "reason" in header_roles:
        placed["reason"] = next((c for c in data if c.strip() and not L.is_numeric_like(c)
                                 and not L.bare(c) in L.FUNDS_TOTAL_LABELS), "")
    return placed


_SUBROW = re.compile(r"^(?:其中[:：]?)?(?:本年|当年)?财政(?:拨款|资金)|^其中[:：]")


def _subrow_amounts(rows: list[Row], at: int, end: int, roles: list[str]) -> dict[str, str] | None:
    """The first 其中 row's amounts under the amount columns (its cells, or the single cells after it)."""
    for k in range(at + 1, min(end, at + 12)):
        filled = _filled(rows[k])
        if not filled or not _SUBROW.search(L.key(filled[0])):
            continue
        values = [c for c in filled[1:] if L.is_numeric_like(c)]
        j = k + 1
        while not values[len(roles) - 1:] and j < end and len(_filled(rows[j])) == 1 \
                and L.is_numeric_like(_filled(rows[j])[0]):
            values.append(_filled(rows[j])[0])
            j += 1
        numbers = [v for v in values if L.is_numeric(v)][:len(roles)]
        if len(numbers) == len(roles) and any(parse_number(v) for v in numbers):
            return dict(zip(roles, numbers))
        return None
    return None


# 海南 项目基本信息 blocks: label, "(万元)", amount, one cell per line, with 其中 sub-rows after.
_LABELLED_AMOUNTS = (("budget_wan", ("计划投资额", "计划投资", "预算安排")), ("received_wan", ("实际到位资金", "到位资金")),
                     ("spent_wan", ("实际使用情况", "实际支出", "实际使用资金")))


def read_labelled_amounts(record: EvaluationRecord, rows: list[Row], end: int) -> None:
    """Amounts a form gives as label-value pairs (计划投资额 (万元) 480 / 实际到位资金 … / 实际使用情况 …)."""
    for field, labels in _LABELLED_AMOUNTS:
        for i in range(min(end, len(rows))):
            filled = _filled(rows[i])
            if len(filled) != 1 or not any(L.bare(filled[0]).startswith(label) for label in labels):
                continue
            unit = "元" if re.search(r"[(（]元[)）]", filled[0]) else "万元"
            for later in rows[i + 1:i + 4]:
                cells = _filled(later)
                if len(cells) != 1:
                    break
                if re.fullmatch(r"[(（](?:万元|元)[)）]", L.key(cells[0])):
                    unit = "元" if "(元)" in L.key(cells[0]).replace("（", "(").replace("）", ")") else "万元"
                    continue
                if L.is_numeric(cells[0]):
                    setattr(record, field, to_wan(parse_number(cells[0]), unit))
                break
            if getattr(record, field) is not None:
                record.facts.setdefault("funds_quote", f"{filled[0]} {getattr(record, field):g}")
                break
