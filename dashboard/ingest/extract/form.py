"""The standard self-evaluation form (自评表) in its provincial families, from any shape of Document.

Rows come from form_stream (tables as they are, web-page cell streams regrouped); each form in the
rows (split at titles and repeated 项目名称) becomes one EvaluationRecord. Labels are matched on
Simplified text; values keep the original characters.
"""
from __future__ import annotations

import re

from dashboard.ingest.document import Document
from dashboard.ingest.extract import form_labels as L
from dashboard.ingest.extract.form_stream import Row, rows_from_document
from dashboard.ingest.extract.fund_values import place_values
from dashboard.ingest.normalize import normalize_text, parse_number, to_simplified, to_wan
from dashboard.ingest.record import EvaluationRecord, Indicator

_FORM_SIGNS = re.compile(r"自评(?:情况)?表|目标自评")
_FUNDS_SIGNS = re.compile(r"全年执行数|预算执行数|执行数|执行率")


def looks_like_form(doc: Document) -> bool:
    """A 自评表: a form title, an indicator header (三级指标) and a funds block."""
    text = to_simplified(normalize_text(doc.text()[:300_000]))
    if not (_FORM_SIGNS.search(text) and _FUNDS_SIGNS.search(text)
            and re.search(r"项目名称|转移支付|预算单位名称|部门名称|单位名称", text)):
        return False
    # A narrative report may name the form ("附件：自评表"); a form has its funds or indicator grid.
    rows, _ = rows_from_document(doc)
    return any(L.is_fund_header(r) or L.is_indicator_header(r) for r in rows)


def extract_forms(doc: Document) -> list[EvaluationRecord]:
    """One record per form found in the document (a workbook or web page may hold many)."""
    rows, stream_warnings = rows_from_document(doc)
    records: list[EvaluationRecord] = []
    for number, form_rows in enumerate(split_forms(rows), start=1):
        try:
            record = _parse_form(doc.source, form_rows)
        except (ValueError, IndexError, KeyError, TypeError, ArithmeticError) as exc:
            # One malformed form must not cost the others in the file; say which one was dropped.
            doc.warnings.append(f"第 {number} 张自评表结构异常，未能读取（{type(exc).__name__}）")
            continue
        if record is None:
            continue
        record.warnings = list(doc.warnings) + stream_warnings + record.warnings
        records.append(record)
    return records


# --- splitting ------------------------------------------------------------------------------------

def _has_name_label(row: Row) -> bool:
    return any(L.header_label(c) == "project_name" for c in row)


def split_forms(rows: list[Row]) -> list[list[Row]]:
    """Forms one after another: a new form starts at a title, or at a second 项目名称 without one."""
    starts: list[int] = []
    seen_name = False
    for i, row in enumerate(rows):
        if L.is_title(row) and not (i and _has_name_label(rows[i - 1]) and len(_filled(rows[i - 1])) == 1):
            # (a 项目名称 cell's value may end in 自评表: it is the name, not a new form's title)
            # A title directly after another title (a subtitle or a year line) opens nothing new.
            if not starts or seen_name or _rows_hold_content(rows[starts[-1]:i]):
                starts.append(i)
                seen_name = False
            continue
        if _has_name_label(row):
            if seen_name:
                starts.append(_back_to_preamble(rows, i, starts[-1] if starts else 0))
            elif not starts:
                starts.append(0)
            seen_name = True
    if not starts:
        return [rows] if rows else []
    if starts[0] > 0:
        starts[0] = 0  # publishing lines above the first form belong to it
    bounds = starts + [len(rows)]
    return [rows[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _rows_hold_content(rows: list[Row]) -> bool:
    return any(L.header_label(c) or L.is_fund_header(r) for r in rows for c in r)


def _back_to_preamble(rows: list[Row], i: int, floor: int) -> int:
    """A form without title: include the 单位名称/填报日期 line just above its 项目名称."""
    j = i
    while j - 1 > floor and j > i - 2 and _is_preamble(rows[j - 1]):
        j -= 1
    return j


def _is_preamble(row: Row) -> bool:
    joined = L.key("".join(row))
    return bool(re.search(r"单位名称|填报日期|填报单位|^附件|^附表", joined)) and not _after_terminator(row)


def _after_terminator(row: Row) -> bool:
    return any(L.key(c) in L.TERMINATORS for c in row)


# --- one form -----------------------------------------------------------------------------------

_CODE_PREFIX = re.compile(r"^\s*[0-9A-Za-z]{6,}\s*[-－—_–]+\s*")
_DEPT_CODE = re.compile(r"^\s*(?:(?:\[\d+\]|【\d+】|\(\d+\))\s*[-－—_–]?|\d{3,}\s*[-－—_–]+|\d{3,}\s+)\s*")
_TITLE_SUFFIX = re.compile(r"(?:项目)?(?:支出)?(?:绩效)?(?:目标)?自评(?:情况)?表.*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_UNIT_YUAN = re.compile(r"[(（]\s*(?:单位[:：]?\s*)?元\s*[)）]|单位[:：]\s*元(?!\w)")


def _filled(row: Row) -> list[str]:
    return [c for c in row if c.strip()]


def _label_value(rows: list[Row], i: int, j: int) -> str | None:
    """The value beside a label: the next filled cell of its row, or the next single-cell row."""
    row = rows[i]
    cell = row[j]
    # "项目名称：xxx" in one cell.
    inline = re.match(r"^[^:：]{2,12}[:：]\s*(.+)$", normalize_text(cell).strip())
    if inline and L.header_label(inline.group(0).split(":")[0].split("：")[0]):
        return inline.group(1).strip() or None
    for later in row[j + 1:]:
        if later.strip():
            if L.header_label(later) or L.fund_role(later) or L.indicator_role(later):
                return None
            return later.strip()
    if len(_filled(row)) == 1 and i + 1 < len(rows) and len(_filled(rows[i + 1])) == 1:
        nxt = _filled(rows[i + 1])[0]
        # A 项目名称 value may itself end in 自评表 ("XX经费支出绩效自评表"): a name, not a title.
        title_like = L.is_title([nxt]) and L.header_label(cell) != "project_name"
        if not (L.header_label(nxt) or L.fund_role(nxt) or L.indicator_role(nxt) or title_like):
            return nxt.strip()
    return None


def _parse_form(source: str, rows: list[Row]) -> EvaluationRecord | None:
    record = EvaluationRecord(source=source)
    text_lines = ["\t".join(c for c in r if c) for r in rows if _filled(r)]
    record.text = "\n".join(text_lines)
    simplified = to_simplified(record.text)
    title_rows = [i for i, r in enumerate(rows) if L.is_title(r)]
    title = " ".join(_filled(rows[title_rows[0]])) if title_rows else ""

    header: dict[str, str] = {}
    indicator_at = next((i for i, r in enumerate(rows) if L.is_indicator_header(r)), None)
    for i, row in enumerate(rows):
        if indicator_at is not None and i >= indicator_at:
            break
        for j, cell in enumerate(row):
            field = L.header_label(cell) or _inline_label(cell)
            if field in ("project_name", "supervising_department", "department", "fallback_department") \
                    and field not in header:
                value = _label_value(rows, i, j)
                if value:
                    header[field] = value
    has_funds = any(L.is_fund_header(r) for r in rows[: indicator_at if indicator_at is not None else len(rows)])
    if indicator_at is None and not has_funds:
        return None  # a stray title or a preamble, not a form

    is_department = "部门整体" in simplified[:2000] or (
        "project_name" not in header and bool(re.search(r"预算单位名称|部门名称", simplified)))
    record.kind = "department_self" if is_department else "project_self"
    if "project_name" in header:
        record.project_name = _clean_name(header["project_name"])
    record.supervising_department = _clean_department(header.get("supervising_department"))
    record.department = _clean_department(header.get("department") or header.get("fallback_department"))

    record.region = _region(record.department, record.supervising_department)
    _read_year(record, rows, title_rows, title)
    end_funds = indicator_at if indicator_at is not None else len(rows)
    _read_funds(record, rows, end_funds)
    tail_start = _read_indicators(record, rows, indicator_at) if indicator_at is not None else end_funds
    _read_tail(record, rows, tail_start)
    if record.self_score is None:
        _read_upfront_score(record, rows, end_funds)
    record.compute_execution_rate()
    _read_mentions(record, rows)

    missing = []
    if indicator_at is None:
        missing.append("绩效指标表")
    if not any(L.key(r[0] if r else "") in L.TOTAL_LABELS or any(L.key(c) in L.TOTAL_LABELS for c in r[:2])
               for r in rows) and record.self_score is None:
        missing.append("总分")
    if record.budget_wan is None and record.spent_wan is None:
        missing.append("预算执行情况")
    if missing:
        record.warnings.append("自评表内容不完整（可能被截断）：未找到" + "、".join(missing))
    return record


def _inline_label(cell: str) -> str | None:
    m = re.match(r"^([^:：]{2,12})[:：]\s*\S", normalize_text(cell).strip())
    if not m:
        return None
    field = L.header_label(m.group(1))
    return field if field != "other" else None


def _clean_name(name: str) -> str:
    name = normalize_text(name).strip()
    name = _CODE_PREFIX.sub("", name)
    simplified = to_simplified(name)
    m = _TITLE_SUFFIX.search(simplified if len(simplified) == len(name) else name)
    stripped = name[: m.start()].strip() if m else name
    return stripped or name


def _clean_department(value: str | None) -> str | None:
    if not value:
        return None
    value = normalize_text(value).strip()
    value = _DEPT_CODE.sub("", value).strip()
    return value or None


_REGION = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,4}?(?:自治县|县|市|区|旗))(?=[\u4e00-\u9fff])")


def _region(*names: str | None) -> str | None:
    """The county or city a unit's name starts with (富民县教育体育局 -> 富民县; 县教育体育局 -> None)."""
    for name in names:
        m = _REGION.match(name or "")
        if m and not m.group(1).startswith(("县", "市", "区")):
            return m.group(1)
    return None


def _read_year(record: EvaluationRecord, rows: list[Row], title_rows: list[int], title: str) -> None:
    candidates = []
    for i in title_rows[:3]:  # "附件1：…自评表.doc" may come above the real title and its year line
        candidates.append(" ".join(_filled(rows[i])))
        if i + 1 < len(rows) and len(_filled(rows[i + 1])) == 1:
            candidates.append(_filled(rows[i + 1])[0])
    year_quote = title
    for text in candidates:
        m = _YEAR.search(text)
        if m:
            record.year = int(m.group(1))
            year_quote = text
            break
    mentions: dict[int, str] = {}
    if record.year is not None:
        mentions[record.year] = year_quote or str(record.year)
    for m in re.finditer(r"((?:19|20)\d{2})\s*年度", record.text):
        year = int(m.group(1))
        if year not in mentions:
            line = record.text[max(0, m.start() - 20): m.end() + 20].replace("\t", " ")
            if "填报" not in line:
                mentions[year] = line.strip()
    if mentions:
        record.facts["year_mentions"] = [{"year": y, "quote": q} for y, q in mentions.items()]


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


def _fund_columns(row: Row) -> dict[str, int]:
    cols: dict[str, int] = {}
    for j, cell in enumerate(row):
        role = L.fund_role(cell)
        if role and role not in cols:
            cols[role] = j
    return cols


def _read_funds(record: EvaluationRecord, rows: list[Row], end: int) -> None:
    at = next((i for i in range(end) if L.is_fund_header(rows[i])), None)
    if at is None:
        return
    header = rows[at]
    cols = _fund_columns(header)
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


def _indicator_columns(header: Row) -> dict[str, int]:
    cols: dict[str, int] = {}
    for j, cell in enumerate(header):
        role = L.indicator_role(cell)
        if role and role not in cols:
            cols[role] = j
    return cols


def _read_indicators(record: EvaluationRecord, rows: list[Row], at: int) -> int:
    """Indicator rows under the header at `at`; returns the index of the first row after them."""
    from dashboard.ingest.extract.form_stream import segment_indicators

    header = rows[at]
    cols = _indicator_columns(header)
    roles = [L.indicator_role(c) for c in header]
    level1 = level2 = None
    group_weights: dict[str, float] = {}
    i = at + 1
    while i < len(rows):
        row = rows[i]
        filled = _filled(row)
        if not filled:
            i += 1
            continue
        first = L.key(filled[0])
        if first in L.TERMINATORS or L.is_title(row) or _has_name_label(row) or L.is_fund_header(row):
            break
        if L.is_indicator_header(row):  # a header repeated on the next page
            i += 1
            continue
        if len(row) == len(header):
            cells_list = [{role: row[j] for role, j in cols.items()}]
        else:
            cells_list, skipped = segment_indicators(filled, roles)
            if skipped:
                record.warnings.append("部分指标单元格无法归入指标行，已跳过：" + "、".join(skipped[:5]))
        for cells in cells_list:
            if (cells.get("level1") or "").strip():
                level1, weight = L.strip_weight_note(cells["level1"].strip())
                level2 = None
                if weight is not None:
                    group_weights[level1] = weight
            if (cells.get("level2") or "").strip():
                level2, _ = L.strip_weight_note(cells["level2"].strip())
            indicator = _indicator(record, cells, level1, level2)
            if indicator is not None:
                record.indicators.append(indicator)
        i += 1
    if group_weights:
        record.facts["group_weights"] = group_weights
    return i


def _indicator(record: EvaluationRecord, cells: dict[str, str], level1: str | None,
               level2: str | None) -> Indicator | None:
    level3 = (cells.get("level3") or "").strip()
    weight_cell, score_cell = cells.get("weight"), cells.get("score")
    if L.is_placeholder(level3) and not (score_cell or "").strip():
        return None
    if not level3 and not (score_cell or "").strip() and not (weight_cell or "").strip():
        return None
    name = level3 or level2 or "指标"
    weight = _number(weight_cell, f"指标「{name}」的分值", record)
    score = _number(score_cell, f"指标「{name}」的得分", record)
    measure = (cells.get("measure") or "").strip()
    target = (cells.get("target") or "").strip()
    actual = (cells.get("actual") or "").strip()
    nature = (cells.get("nature") or "").strip()
    if measure:
        target = target + measure if target and not target.endswith(measure) else target
        actual = actual + measure if actual and not actual.endswith(measure) else actual
    if nature and target and nature not in ("定性", "定量") and not target.startswith(nature):
        target = nature + target
    reason = (cells.get("reason") or "").strip()
    deduction = round(weight - score, 4) if weight is not None and score is not None else None
    return Indicator(
        level1=level1, level2=level2, level3=level3 or None, weight=weight, score=score,
        deduction=deduction, reason=reason if reason and not L.is_placeholder(reason) else None,
        target=target or None, actual=actual or None,
    )


def _read_tail(record: EvaluationRecord, rows: list[Row], start: int) -> None:
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
            value = _label_value(rows, i, row.index(filled[0]))
            if value:
                record.conclusion = value
                if record.grade is None:
                    record.grade = L.grade_of(value)
                if record.self_score is None:
                    m = re.search(r"(?:得分|总分)\s*(?:为|是)?\s*(\d+(?:\.\d+)?)\s*分", to_simplified(value))
                    if m:
                        record.self_score = float(m.group(1))
        elif first in L.PROBLEM_LABELS and not record.problems:
            value = _label_value(rows, i, row.index(filled[0]))
            record.problems = _problems(value)


def _read_total(record: EvaluationRecord, row: Row, filled: list[str]) -> None:
    numbers = [c for c in filled[1:] if L.is_numeric(c)]
    grade_cells = [c for c in filled[1:] if L.key(c) in L.GRADE_WORDS]
    if len(numbers) >= 2:
        record.facts["total_weight"] = parse_number(numbers[0])
        record.self_score = _number(numbers[1], "总分", record)
    elif numbers:
        record.self_score = _number(numbers[0], "总分", record)
    if grade_cells and record.grade is None:
        record.grade = L.GRADE_WORDS[L.key(grade_cells[0])]
    record.facts["total_quote"] = "\t".join(filled)


def _read_upfront_score(record: EvaluationRecord, rows: list[Row], end: int) -> None:
    """Department forms print 自评总分(分) and 自评等级 above the funds block."""
    for i in range(min(end, len(rows))):
        for j, cell in enumerate(rows[i]):
            k = L.bare(cell)
            if k == "自评总分" and record.self_score is None:
                value = _label_value(rows, i, j)
                if value and L.is_numeric(value):
                    record.self_score = _number(value, "自评总分", record)
            elif k == "自评等级" and record.grade is None:
                record.grade = L.grade_of(_label_value(rows, i, j))


_TEMPLATE_HINTS = re.compile(r"填写|填报|逐项|如实|应当|说明存在|简要|请|[(（].{0,30}问题.{0,10}[)）]$")
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


def _read_mentions(record: EvaluationRecord, rows: list[Row]) -> None:
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
