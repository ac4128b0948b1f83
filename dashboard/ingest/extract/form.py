"""The standard self-evaluation form (自评表) in its provincial families, from any shape of Document.

Rows come from form_stream (tables as they are, web-page cell streams regrouped); each form in the
rows (split at titles and repeated 项目名称) becomes one EvaluationRecord. Labels are matched on
Simplified text; values keep the original characters.
"""
from __future__ import annotations

import re

from dashboard.ingest.document import Document
from dashboard.ingest.extract import form_labels as L
from dashboard.ingest.extract.fields import region_of
from dashboard.ingest.extract.form_stream import Row, label_value, rows_from_document
from dashboard.ingest.extract.form_funds import _filled, _number, read_funds, read_labelled_amounts
from dashboard.ingest.extract.form_tail import read_mentions, read_tail, read_upfront_score
from dashboard.ingest.normalize import normalize_text, to_simplified
from dashboard.ingest.record import EvaluationRecord, Indicator

_FORM_SIGNS = re.compile(r"自评(?:情况)?表|目标自评")
_FUNDS_SIGNS = re.compile(r"全年执行数|预算执行数|执行数|执行率")


def looks_like_form(doc: Document) -> bool:
    """A 自评表: a form title, an indicator header (三级指标) and a funds block."""
    text = to_simplified(normalize_text(doc.text()[:300_000]))
    if not (_FORM_SIGNS.search(text) and _FUNDS_SIGNS.search(text)
            and re.search(r"项目名称|转移支付|预算单位名称|部门名称|单位名称|专项资金名称|专项[(（]项目[)）]名称", text)):
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
    _shared_year(records)
    return records


def _shared_year(records: list[EvaluationRecord]) -> None:
    """A form that prints no year (`年度项目支出绩效自评表`) in a file whose other forms all name the
    same one takes that year, with a warning: a 汇总 file is one year's forms."""
    years = {r.year for r in records if r.year is not None}
    if len(years) != 1:
        return
    year = years.pop()
    for record in records:
        if record.year is None:
            record.year = year
            record.warnings.append(f"本表未写明年度，按同一文件中其他自评表的 {year} 年度计")


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
                value = label_value(rows, i, j)
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

    record.region = region_of(record.department, record.supervising_department)
    _read_year(record, rows, title_rows, title)
    if record.project_name is None and title and record.kind == "project_self" and "部门整体" not in title \
            and not re.match(r"^[一二三四五六七八九十\d]+[、.．]", title.strip()):
        # "外事接待服务项目绩效自评表": a form without a 项目名称 cell is named by its title.
        named = _TITLE_NAME.sub("", normalize_text(_FILE_NAME.sub("", title))).strip()
        record.project_name = named if len(named) >= 4 and not re.search(r"^\d{4}|^(?:项目|部门|单位)", named) else None
    end_funds = indicator_at if indicator_at is not None else len(rows)
    read_funds(record, rows, end_funds)
    if record.budget_wan is None and record.spent_wan is None:
        read_labelled_amounts(record, rows, end_funds)
    tail_start = _read_indicators(record, rows, indicator_at) if indicator_at is not None else end_funds
    read_tail(record, rows, tail_start)
    if record.self_score is None:
        read_upfront_score(record, rows, end_funds)
    record.compute_execution_rate()
    read_mentions(record, rows)

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


_TITLE_NAME = re.compile(r"(?:支出)?(?:绩效)?(?:目标)?自评(?:情况)?表.*$")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|xlsx?|wps)$", re.I)
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


def _read_year(record: EvaluationRecord, rows: list[Row], title_rows: list[int], title: str) -> None:
    candidates = []
    for i in title_rows[:3]:  # "附件1：…自评表.doc" may come above the real title and its year line
        candidates.append(" ".join(_filled(rows[i])))
        # The year line below the title, possibly after blank lines and split at a space
        # (`（2018` / `年度）` as two cells when the line was printed `（2018 年度）`).
        below = [_filled(r) for r in rows[i + 1:i + 5] if _filled(r)]
        line = ""
        for cells in below[:2]:
            if len(cells) != 1 or len(cells[0]) > 20 or (line and not line[-1].isdigit()):
                break
            line += cells[0]
            candidates.append(line)
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


def _read_indicators(record: EvaluationRecord, rows: list[Row], at: int) -> int:
    """Indicator rows under the header at `at`; returns the index of the first row after them."""
    from dashboard.ingest.extract.form_stream import segment_indicators

    header = _merged_header(rows, at)
    cols = L.role_columns(header, L.indicator_role)
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
        if first in L.TERMINATORS or L.is_title(row) or _has_name_label(row) or L.is_fund_header(row) \
                or L.GRADE_LABEL.fullmatch(L.bare(filled[0])):
            break
        if L.is_indicator_header(row):  # a header repeated on the next page
            i += 1
            continue
        if len(filled) == 1 and len(row) != len(header):
            # A group name on a row of its own ("产 出 指 标 (50分) |", "质量指标 |"): it opens a group.
            name, weight = L.strip_weight_note(re.sub(r"\s+", "", filled[0]))
            if L.is_level1(name) or L.is_level2(name):
                if L.is_level1(name) and not name.endswith("效益指标") or name in ("效益指标",):
                    level1, level2 = name, None
                    if weight is not None:
                        group_weights[level1] = weight
                else:
                    level2 = name
                i += 1
                continue
        cut_short = i == len(rows) - 1 and len(filled) < len(header) and L.is_level1(filled[0]) \
            and row[0].strip() == filled[0]
        if len(row) == len(header) and _shifted_left(header, cols, row):
            # "绩效指标(90分) | 一级指标 | …" over rows that lack the merged first cell, padded at the right.
            cells_list = [{role: row[j - 1] for role, j in cols.items()}]
        elif len(row) == len(header):
            cells_list = [{role: row[j] for role, j in cols.items()}]
        elif cut_short:
            # The page ends inside this row: its cells fill the columns from the left.
            cells = {role: row[j] for role, j in cols.items() if j < len(row)}
            # A row cut before its 分值 holds no scored indicator.
            cells_list = [cells] if L.is_numeric(cells.get("weight") or "") else []
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
    if "weight" not in cols and "score" not in cols:
        # A target-only table (指标值 / 实际完成值, no 分值 or 得分): no indicator is scored.
        record.indicators = [ind for ind in record.indicators if ind.weight is not None or ind.score is not None]
    return i


def _shifted_left(header: Row, cols: dict[str, int], row: Row) -> bool:
    """A row one cell to the left of its header: the header opens with a merged label cell
    (no indicator role), the row starts with a level name where the header has that label, and
    its last cell is empty."""
    first = cols.get("level1")
    if not first or L.indicator_role(header[0]) or row[-1].strip():
        return False
    lead = L.strip_weight_note(re.sub(r"\s+", "", row[0]))[0]
    at_first = L.strip_weight_note(re.sub(r"\s+", "", row[first]))[0]
    return L.is_level1(lead) and not L.is_level1(at_first)


def _merged_header(rows: list[Row], at: int) -> Row:
    """The indicator header; when its 分值/得分 columns were printed on the row above it
    (`绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分` over `一级指标 | 二级指标 | 三级指标 | 指标性质 | …`),
    those columns follow the lower row's."""
    header = rows[at]
    roles = {L.indicator_role(c) for c in header}
    if at == 0 or roles & {"weight", "score"}:
        return header
    above = at - 1
    lead: list[str] = []
    if "level1" not in roles and [L.indicator_role(c) for c in _filled(rows[above])] == ["level1"]:
        # "| 一级 指标 |" wrapped onto a line of its own above the rest of the header.
        lead, above = _filled(rows[above]), above - 1
    if above < 0:
        return header
    extra = [c for c in rows[above] if L.indicator_role(c) and L.indicator_role(c) not in roles | {"level1"}]
    if not any(L.indicator_role(c) in ("weight", "score") for c in extra):
        return header
    return lead + [c for c in header if c.strip()] + extra


def _indicator(record: EvaluationRecord, cells: dict[str, str], level1: str | None,
               level2: str | None) -> Indicator | None:
    # "★补助特色种植面积": a core-indicator mark is not part of the name.
    level3 = (cells.get("level3") or "").strip().lstrip("★☆*※").strip()
    weight_cell, score_cell = cells.get("weight"), cells.get("score")
    if L.is_placeholder(level3) and not (score_cell or "").strip():
        return None
    if not level3 and not (score_cell or "").strip() and not (weight_cell or "").strip():
        return None
    name = level3 or level2 or "指标"
    if not (weight_cell or "").strip() and not (score_cell or "").strip():
        return None  # a row with neither 分值 nor 得分 (cut off, or a target-only row) scores nothing
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
