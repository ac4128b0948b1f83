"""Results tables: one table listing many evaluated projects with their scores or grades.

Counties publish their evaluation results as one summary table (专项债券项目绩效评价情况表,
重点绩效评价结果明细表): a header row naming the project, its units, an amount, a score and/or a
grade, then one row per project. Each data row becomes one EvaluationRecord; total rows
(总计/合计) are not projects. Such a row has no indicator table and only the amounts it lists.

Two layouts are read:
- a Table block (pipe rows, tab rows, docx/pdf/xlsx tables): cells are taken by position;
- a web table flattened to one cell per line (single-cell Paragraphs, empty cells lost): the
  header run gives the column order, rows are cut at their 序号 (1, 2, 3, ...) where the table has
  one, and each row's cells are placed in the columns they fit (a missing grade cell is skipped,
  not filled with the 备注 after it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.normalize import normalize_text, parse_number, to_wan
from dashboard.ingest.record import EvaluationRecord

# Column vocabulary, role -> header labels (compared without spaces, with ASCII parentheses).
# Where each was seen:
# - 序号/项目名称/主管部门/项目单位/发行金额(亿元)/评价得分/评价结果/备注: county 专项债券项目资金绩效
#   评价情况表 (浙江, pipe and cell-per-line web pages);
# - 项目名称/债券性质/截至…已发债券规模/债券规模/自评分数/自评等级: district 新增地方政府专项债券项目
#   绩效评价表 (浙江, cell per line, amounts in 亿元);
# - 评价政策或项目资金名称/主管部门(业主单位)/代建(实施)单位/资金规模(万元)/评分情况/评级情况: a finance
#   bureau's report to the 人大 on third-party 重点绩效评价 (重庆, cell per line with trailing ' |');
# - the rest are the same columns as other counties' results lists and 自评表 name them
#   (实施单位, 预算数, 评价等级, 综合得分...).
COLUMN_LABELS: dict[str, set[str]] = {
    "seq": {"序号", "编号", "序"},
    "project_name": {"项目名称", "评价政策或项目资金名称", "政策或项目资金名称", "政策或项目名称", "项目资金名称",
                     "评价项目名称", "评价对象", "评价项目", "专项资金名称", "资金名称", "政策名称", "项目(资金)名称",
                     "项目(政策)名称", "债券项目名称"},
    "supervising_department": {"主管部门", "主管部门(业主单位)", "主管单位", "项目主管部门", "预算主管部门",
                               "主管部门(单位)", "业务主管部门"},
    "department": {"项目单位", "实施单位", "代建(实施)单位", "项目实施单位", "预算单位", "责任单位", "建设单位",
                   "资金使用单位", "项目建设单位", "单位名称", "被评价单位"},
    "budget": {"资金规模", "预算数", "预算金额", "资金金额", "项目资金", "涉及资金", "评价资金", "资金总额",
               "项目预算", "预算资金", "项目总投资", "评价金额", "资金额度"},
    # A bond's issue amount is not a budget: read to recognise the column, never as budget_wan.
    "bond": {"发行金额", "债券规模", "已发债券规模", "债券金额", "债券资金", "发行规模", "专项债券金额",
             "申请债券资金", "债券额度"},
    "score": {"评价得分", "评分情况", "自评分数", "自评得分", "得分", "评分", "评价分数", "综合得分", "最终得分",
              "绩效评价得分", "评价评分", "自评分"},
    "grade": {"评价结果", "评级情况", "自评等级", "评价等级", "等级", "评级", "绩效等级", "自评结果", "评定等级",
              "评价级别", "结果等级"},
    "note": {"备注", "评价方式", "评价主体", "评价类型", "说明"},
    "other": {"债券性质", "债券类型", "项目类型", "资金类型", "项目类别", "年度", "评价年度"},
}
# Roles whose labels may also end a longer header ("截至2023年底已发债券规模"), in order.
_CONTAINED_ROLES = ("project_name", "supervising_department", "department", "bond", "budget", "score", "grade")

_TOTAL = {"总计", "合计", "小计", "总合计", "累计"}
_GRADE_MAP = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "合格": "中", "中等": "中", "中": "中",
              "一般": "中", "不合格": "差", "较差": "差", "差": "差"}
_GRADE_START = re.compile(r"^[“\"'「]?(不合格|优秀|良好|合格|中等|较差|一般|优|良|中|差)(?:[(（][^)）]*[)）]|级|等)?$")
_EXTERNAL = re.compile(r"第三方|重点(?:绩效)?评价|委托")
_SELF = re.compile(r"自评")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT = re.compile(r"(万元|亿元|元)")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|元)")
_PUBLISHER = re.compile(r"信息来源[ \t]*[:：][ \t]*([^\s:：]{2,40})")
_UNIT_SUFFIX = re.compile(r"(?:局|委|办|院|府|中心|会|所|处|厅|部|室|站|馆|校|队|司|公司)$")
_NUMBER_CELL = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?\s*(?:分|万元|元|亿元|%)?$")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff)）])\s+(?=[\u4e00-\u9fff(（])")
_CONTEXT_PARAGRAPHS = 3


def _key(cell: str) -> str:
    text = normalize_text(cell or "").replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def column_role(cell: str) -> str | None:
    """The role of a header cell ('project_name', 'score', ...), None when it names no known column."""
    k = _key(cell)
    if not k or len(k) > 20:
        return None
    variants = [k, re.sub(r"\([^()]*\)", "", k), k.replace("(", "").replace(")", "")]
    for variant in variants:
        for role, labels in COLUMN_LABELS.items():
            if variant in labels:
                return role
    for role in _CONTAINED_ROLES:
        for label in COLUMN_LABELS[role]:
            if len(label) >= 4 and any(v.endswith(label) for v in variants):
                return role
    return None


def _unit_of(cell: str) -> str | None:
    m = _UNIT.search(_key(cell))
    return m.group(1) if m else None


def _is_number(cell: str) -> bool:
    return bool(_NUMBER_CELL.match(_key(cell)))


def _grade(cell: str | None) -> str | None:
    if not cell:
        return None
    m = _GRADE_START.match(_key(cell))
    return _GRADE_MAP[m.group(1)] if m else None


def _is_total(cell: str) -> bool:
    return _key(cell) in _TOTAL


def _clean(cell: str | None) -> str | None:
    """A name cell without the line-wrap spaces a web page left between Chinese characters."""
    if cell is None:
        return None
    text = normalize_text(cell).strip()
    text = _CJK_GAP.sub("", re.sub(r"\s*\n\s*", " ", text)).strip()
    return text if text and text not in {"/", "-", "—", "——", "无"} else None


def _unit_name(cell: str | None) -> str | None:
    name = _clean(cell)
    return name if name and len(name) >= 2 else None


# --- finding tables ----------------------------------------------------------------------------

@dataclass
class _Found:
    header: list[str]
    roles: list[str | None]
    rows: list[list[str]]  # data rows, cells aligned to the header (None-free, '' for missing)
    context: list[str] = field(default_factory=list)  # the paragraphs just above the header, nearest first


def _header_roles(cells: list[str]) -> list[str | None] | None:
    """Column roles when these cells are a results table's header, else None."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 3:
        return None
    roles = [column_role(c) if c.strip() else None for c in cells]
    known = [r for r in roles if r]
    if "project_name" not in known or not ({"score", "grade"} & set(known)):
        return None
    unknown = [c for c, r in zip(cells, roles) if c.strip() and r is None]
    if len(known) < 3 or any(not _label_like(c) for c in unknown) or len(unknown) > len(known) // 2:
        return None
    return roles


def _label_like(cell: str) -> bool:
    k = _key(cell)
    return 0 < len(k) <= 16 and not _is_number(k) and not re.search(r"[。；;，,:：]", k)


def _has_result(roles: list[str | None], row: list[str]) -> bool:
    cells = _by_role(roles, row)
    score = cells.get("score")
    return bool(_clean(cells.get("project_name"))) and (
        (score is not None and _is_number(score)) or _grade(cells.get("grade")) is not None)


def _find_tables(doc: Document) -> list[_Found]:
    found: list[_Found] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, Table):
            found.extend(_from_table(block, _context(blocks, i)))
            i += 1
            continue
        # A run of single-cell paragraphs: look for a header run in it.
        j = i
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            j += 1
        cells = [b.text for b in blocks[i:j]]  # type: ignore[union-attr]
        k = 0
        while k < len(cells):
            hit = _stream_header(cells, k)
            if hit is None:
                k += 1
                continue
            start, end, roles = hit
            rows, used = _stream_rows(cells[end:], roles)
            if rows:
                ctx = [c for c in reversed(cells[max(0, start - _CONTEXT_PARAGRAPHS):start])]
                if len(ctx) < _CONTEXT_PARAGRAPHS:
                    ctx += _context(blocks, i)[: _CONTEXT_PARAGRAPHS - len(ctx)]
                found.append(_Found([_key(c) for c in cells[start:end]], roles, rows, ctx))
            k = end + max(used, 0)
        i = max(j, i + 1)
    return [f for f in found if any(_has_result(f.roles, r) for r in f.rows)]


def _context(blocks, i: int) -> list[str]:
    """Up to three paragraphs above block i, nearest first."""
    out: list[str] = []
    j = i - 1
    while j >= 0 and len(out) < _CONTEXT_PARAGRAPHS and isinstance(blocks[j], Paragraph):
        out.append(blocks[j].text)
        j -= 1
    return out


def _from_table(table: Table, context: list[str]) -> list[_Found]:
    out: list[_Found] = []
    rows = table.rows
    i = 0
    while i < len(rows):
        roles = _header_roles(rows[i])
        if roles is None:
            i += 1
            continue
        above = [" ".join(c for c in r if c.strip()) for r in reversed(rows[max(0, i - _CONTEXT_PARAGRAPHS):i])]
        data: list[list[str]] = []
        j = i + 1
        while j < len(rows) and _header_roles(rows[j]) is None:
            row = list(rows[j]) + [""] * (len(roles) - len(rows[j]))
            data.append(row[: max(len(roles), len(rows[j]))])
            j += 1
        out.append(_Found([_key(c) for c in rows[i]], roles, data, above + context))
        i = j
    return out


def _stream_header(cells: list[str], k: int) -> tuple[int, int, list[str | None]] | None:
    """(start, end, roles) when a header run of one-cell paragraphs starts at k."""
    if column_role(cells[k]) is None:
        return None
    end = k
    last_known = k
    while end < len(cells) and (column_role(cells[end]) or _label_like(cells[end])):
        if column_role(cells[end]):
            last_known = end
        elif end - last_known > 2:
            break
        end += 1
    end = last_known + 1
    roles = _header_roles(cells[k:end])
    return (k, end, roles) if roles else None


# --- placing a stream's cells in columns --------------------------------------------------------

def _fits(role: str | None, cell: str) -> bool:
    k = _key(cell)
    if not k:
        return False
    if role == "seq":
        return bool(re.fullmatch(r"\d{1,3}", k))
    if role == "score":
        value = parse_number(k) if _is_number(k) else None
        return value is not None and 0 <= value <= 100
    if role in ("budget", "bond"):
        return _is_number(k)
    if role == "grade":
        return _grade(k) is not None
    return not _is_number(k) and not _is_total(k)


def _place(cells: list[str], roles: list[str | None]) -> tuple[list[str], int]:
    """Cells placed in the columns they fit, in order, columns without a fitting cell left empty."""
    row = [""] * len(roles)
    pos = 0
    for col, role in enumerate(roles):
        if pos < len(cells) and _fits(role, cells[pos]):
            row[col] = cells[pos]
            pos += 1
    return row, pos


def _ends_stream(cell: str) -> bool:
    k = _key(cell)
    return len(k) > 60 or "。" in k or bool(re.match(r"^[一二三四五六七八九十]+、", k))


def _stream_rows(cells: list[str], roles: list[str | None]) -> tuple[list[list[str]], int]:
    """Data rows from the cells after a header run, and how many cells they took."""
    n = len(cells)
    stop = next((i for i, c in enumerate(cells) if _ends_stream(c)), n)
    cells = cells[:stop]
    n = len(cells)
    rows: list[list[str]] = []
    second = roles[1] if len(roles) > 1 else None
    anchored = roles and roles[0] == "seq" and n and _key(cells[0]) == "1"
    if anchored:
        starts = [0]
        number = 2
        j = 1
        while j < n:
            if _key(cells[j]) == str(number) and j - starts[-1] >= 2 and (j + 1 >= n or _fits(second, cells[j + 1])):
                starts.append(j)
                number += 1
            j += 1
        used = 0
        for a, start in enumerate(starts):
            end = starts[a + 1] if a + 1 < len(starts) else n
            segment = cells[start:end]
            if len(segment) == len(roles):
                row, took = list(segment), len(segment)
            else:
                row, took = _place(segment, roles)
            if a + 1 == len(starts):
                end = start + took
            if sum(1 for c in row if c.strip()) >= 2:
                rows.append(row)
            used = end
        return rows, used
    i = 0
    while i < n:
        if _is_total(cells[i]):
            i += 1
            while i < n and _is_number(cells[i]):
                i += 1
            continue
        row, took = _place(cells[i:], roles)
        cells_by_role = _by_role(roles, row)
        has_value = any(cells_by_role.get(r) for r in ("score", "grade", "budget", "bond"))
        if took == 0 or not cells_by_role.get("project_name") or not has_value:
            break
        rows.append(row)
        i += took
    return rows, i


# --- records ------------------------------------------------------------------------------------

def _by_role(roles: list[str | None], row: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for role, cell in zip(roles, row):
        if role and cell and cell.strip() and role not in out:
            out[role] = cell
    return out


def _publisher(doc: Document | None) -> str | None:
    """The unit a web page names as its 信息来源 (the page's chrome, read before it is dropped)."""
    if doc is None:
        return None
    for block in doc.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [" ".join(r) for r in block.rows[:3]]
        for text in texts:
            for m in _PUBLISHER.finditer(normalize_text(text)):
                value = m.group(1).strip()
                if _UNIT_SUFFIX.search(value):
                    return value
    return None


def _table_unit(found: _Found) -> str | None:
    for text in found.context:
        m = _UNIT_LINE.search(normalize_text(text))
        if m:
            return m.group(1)
    return None


def _year(found: _Found) -> int | None:
    for text in found.context:
        m = _YEAR.search(normalize_text(text))
        if m:
            return int(m.group(1))
    return None


def _record(source: str, found: _Found, row: list[str], number: int, publisher: str | None) -> EvaluationRecord:
    roles = found.roles
    cells = _by_role(roles, row)
    text = "\t".join(_clean(c) or "" for c in row).strip("\t")
    record = EvaluationRecord(source=source, text=text)
    record.project_name = _clean(cells.get("project_name"))
    # A one-character unit is a cell cut off where the page ends, not a name.
    record.department = _unit_name(cells.get("department"))
    record.supervising_department = _unit_name(cells.get("supervising_department"))
    if "department" not in roles and "supervising_department" not in roles:
        record.department = publisher
    from dashboard.ingest.extract.fields import region_of as _region

    record.region = _region(record.department, record.supervising_department)
    record.year = _year(found)
    score = cells.get("score")
    if score is not None:
        value = parse_number(score) if _is_number(score) else None
        if value is not None and 0 <= value <= 100:
            record.self_score = value
        else:
            record.warnings.append(f"评价结果汇总表第{number}行得分无法识别：{score}")
    record.grade = _grade(cells.get("grade"))
    if cells.get("budget") is not None:
        column = roles.index("budget")
        unit = _unit_of(found.header[column]) or _table_unit(found) or "万元"
        if _is_number(cells["budget"]):
            record.budget_wan = to_wan(parse_number(cells["budget"]), unit)
    context = " ".join(found.context[:2] + found.header)
    row_text = " ".join(row)
    if _EXTERNAL.search(row_text) or (not _SELF.search(row_text) and _EXTERNAL.search(context)):
        record.kind = "external"
    record.facts["source_row"] = number
    record.facts["results_table"] = True
    if "bond" in roles and cells.get("bond"):
        column = roles.index("bond")
        record.facts["bond_amount"] = cells["bond"]
        record.facts["bond_unit"] = _unit_of(found.header[column]) or _table_unit(found)
    warning = f"来自评价结果汇总表第{number}行：无指标表，金额仅按表列"
    if "bond" in roles:
        warning += "（债券发行额不计为预算）"
    record.warnings.append(warning)
    return record


def looks_like_results_table(doc: Document) -> bool:
    """Whether the document holds a results table: a header with a project-name column and a score or
    grade column, and at least one project row under it."""
    return bool(_find_tables(doc))


def extract_results_tables(doc: Document, source_doc: Document | None = None) -> list[EvaluationRecord]:
    """One record per project row of every results table in the document.

    `source_doc` is the document as read, before page chrome was dropped: a table without unit
    columns is the publishing unit's own (its 信息来源).
    """
    records: list[EvaluationRecord] = []
    publisher = _publisher(source_doc if source_doc is not None else doc)
    for found in _find_tables(doc):
        number = 0
        for row in found.rows:
            cells = _by_role(found.roles, row)
            filled = [c for c in row if c.strip()]
            if not filled or _is_total(filled[0]) or any(_is_total(c) for c in row[:2]):
                continue
            name = _clean(cells.get("project_name"))
            if not name or _is_total(name) or column_role(name) == "project_name" or len(filled) < 2:
                continue
            number += 1
            records.append(_record(doc.source, found, row, number, publisher))
    return records
