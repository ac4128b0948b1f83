"""A Document as grid rows: tables pass through; web-page cell streams are regrouped into rows.

Web pages lose a form's grid: one cell per line, or every cell on one line separated by spaces,
with empty cells gone. The header rows give the column order, so the funds row and the indicator
rows are rebuilt from it (indicator rows by a small dynamic programme over the cells).
"""
from __future__ import annotations

import re
from functools import lru_cache

from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.extract import form_labels as L
from dashboard.ingest.extract.fund_values import place_values, split_fused_funds
from dashboard.ingest.extract.label_split import glue_split_labels, looks_unseparated, split_on_labels
from dashboard.ingest.normalize import normalize_text, parse_number

Row = list[str]


def clean_cell(cell: str) -> str:
    text = normalize_text(cell or "")
    # Cells wrapped by the converter: CJK text joins without a space.
    text = re.sub(r"\s*\n\s*", lambda m: "" if _cjk_join(text, m) else " ", text)
    return text.strip()


def _cjk_join(text: str, m: re.Match) -> bool:
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())


def _is_pipe(text: str) -> bool:
    return text.startswith("|") and text.count("|") >= 3


def _pipe_cells(text: str) -> Row:
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [clean_cell(c) for c in inner.split("|")]


def _is_flattened(text: str) -> bool:
    parts = [normalize_text(p) for p in text.split()]
    if len(parts) < 6:
        return False
    known = sum(1 for p in parts if L.header_label(p) or L.fund_role(p) or L.indicator_role(p))
    return known >= 2


def _is_space_row(text: str) -> bool:
    """A table row whose cells a web page joined with spaces: `指标1:完成数量 3 3 10 10`."""
    parts = text.split()
    if len(parts) < 2 or len(text) > 400:
        return False
    numbers = sum(1 for p in parts if L.is_numeric_like(p))
    labels = sum(1 for p in parts if L.header_label(p) or L.fund_role(p) or L.indicator_role(p)
                 or L.is_level1(p) or L.is_level2(p) or L.key(p) in L.TOTAL_LABELS)
    return numbers >= 1 or labels >= 1


def rows_from_document(doc: Document) -> tuple[list[Row], list[str]]:
    """The document as rows of cells, and warnings about cells that could not be placed."""
    rows: list[Row] = []
    warnings: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            rows.extend(rowify(glue_split_labels(pending), warnings))
            pending.clear()

    for block in doc.blocks:
        if isinstance(block, Table):
            flush()
            rows.extend([clean_cell(c) for c in row] for row in block.rows)
            continue
        assert isinstance(block, Paragraph)
        raw = block.text.strip()
        if not raw:
            continue
        if not _is_pipe(raw) and "\t" not in raw:
            if looks_unseparated(raw):
                pending.extend(split_on_labels(raw))
                continue
            if _is_flattened(raw) or _is_space_row(raw):
                pending.extend(clean_cell(part) for part in raw.split())
                continue
        text = normalize_text(raw).strip()
        if _is_pipe(text):
            flush()
            if not re.fullmatch(r"[|\s:\-]+", text):
                rows.append(_pipe_cells(text))
        elif "\t" in text.strip("\t"):
            flush()
            rows.append([clean_cell(c) for c in text.split("\t")])
        else:
            pending.append(text)
    flush()
    return rows, warnings


# --- regrouping a cell stream -------------------------------------------------------------------

def rowify(tokens: list[str], warnings: list[str]) -> list[Row]:
    """Rows from a stream of cells: header runs and the rows under them rebuilt, others one per row."""
    rows: list[Row] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if L.indicator_role(token) in ("level1", "level2", "level3") and _run_end(tokens, i, L.indicator_role) - i >= 3:
            end = _run_end(tokens, i, L.indicator_role)
            header = tokens[i:end]
            if L.is_indicator_header(header):
                rows.append(header)
                stop = end
                while stop < n and not _ends_indicators(tokens[stop]):
                    stop += 1
                segment, skipped = segment_indicators(tokens[end:stop], [L.indicator_role(h) for h in header])
                for cells in segment:
                    rows.append([cells.get(L.indicator_role(h) or "", "") for h in header])
                if skipped:
                    warnings.append("部分指标单元格无法归入指标行，已跳过：" + "、".join(skipped[:5]))
                i = stop
                continue
        if L.fund_role(token) and _run_end(tokens, i, L.fund_role) - i >= 2:
            end = _run_end(tokens, i, L.fund_role)
            header = tokens[i:end]
            if L.is_fund_header(header):
                rows.append([""] + header)
                i = end
                label = ""
                if i < n and not L.is_numeric_like(tokens[i]) and len(L.key(tokens[i])) <= 12:
                    label, i = tokens[i], i + 1
                values: list[str] = []
                while i < n and len(values) < len(header) and (L.is_numeric_like(tokens[i]) or _WAN_CELL.fullmatch(tokens[i])):
                    # "286.45万元": a value that repeats the header's unit (项目资金(万元)) in its cell.
                    values.append(_WAN_CELL.sub(r"\1", tokens[i]))
                    i += 1
                roles = [L.fund_role(h) for h in header]
                values = split_fused_funds(values, roles)
                rows.append([label] + place_values(roles, values))
                continue
        if L.key(token) in L.TOTAL_LABELS:
            cells = [token]
            i += 1
            while i < n and (L.is_numeric_like(tokens[i]) or L.grade_cell(tokens[i])) and len(cells) < 4:
                cells.append(tokens[i])
                i += 1
            if len(cells) == 2:
                cells[1:] = split_fused_total(cells[1])
            rows.append(cells)
            continue
        rows.append([token])
        i += 1
    return rows


_WAN_CELL = re.compile(r"(-?[\d,]+(?:\.\d+)?)\s*万元")


def split_fused_total(cell: str) -> list[str]:
    """'100100' printed for 总分 | 100 | 100 with the boundary lost ('108.2': 10 | 8.2): the one split into
    a weight (at most 120) and a score not above it, neither with a leading zero; the cell as it is otherwise."""
    text = cell.strip()
    if not re.fullmatch(r"\d{3,}(?:\.\d+)?", text) or re.fullmatch(r"\d{3}", text):
        return [cell]
    splits = []
    for k in range(1, len(text)):
        a, b = text[:k], text[k:]
        if (len(a) > 1 and a.startswith("0")) or (len(b) > 1 and b.startswith("0")) or "." in a or b.startswith("."):
            continue
        if 0 < float(a) <= 120 and float(b) <= float(a):
            splits.append([a, b])
    return splits[0] if len(splits) == 1 else [cell]


def _run_end(tokens: list[str], start: int, role_of) -> int:
    end = start
    while end < len(tokens) and role_of(tokens[end]):
        end += 1
    return end


def _ends_indicators(token: str) -> bool:
    k = L.key(token)
    # "四、部门自评等级": a department form's numbered part after its indicator table.
    return k in L.TERMINATORS or L.is_title([token]) or bool(L.header_label(token) == "project_name") \
        or bool(L.GRADE_LABEL.fullmatch(L.bare(token)))


# --- indicator rows from a stream: dynamic programme -------------------------------------------
_NATURE = {"=", "≥", "≤", ">", "<", "定性", "定量", "≈", "﹦", "＝"}
_MEASURES = {"%", "个", "人", "人次", "天", "日", "万元", "元", "次", "项", "户", "亩", "公里", "千米", "平方米", "年",
             "月", "家", "所", "台", "套", "份", "分", "小时", "册", "处", "座", "条", "米", "吨", "辆", "场", "批", "期",
             "间", "张", "本", "km", "m2", "㎡", "万人", "万亩", "元/人"}

_ROW_SCORE = 10.0


def _fits(role: str, token: str) -> bool:
    if L.key(token) in L.TERMINATORS:
        return False
    if role == "level1":
        return L.is_level1(token)
    if role == "level2":
        return L.is_level2(token)
    if role == "level3":
        # "服务对象满意度" is a level-3 name under "服务对象满意度指标": only names ending in 指标 are
        # level-2 names that can never be a level-3 indicator.
        level2_only = L.is_level2(token) and L.strip_weight_note(L.key(token))[0].endswith("指标")
        return not L.is_numeric_like(token) and not L.is_level1(token) and not level2_only \
            and not L.is_placeholder(token) and not L.indicator_role(token)
    if role == "nature":
        return L.key(token) in _NATURE
    if role == "measure":
        return L.key(token) in _MEASURES
    if role in ("weight", "score"):
        # A garbled number ("l5") still holds its column; the extractor reports it.
        return L.is_numeric(token) or (L.is_numeric_like(token) and bool(re.search(r"\d", token)))
    if role == "reason":
        return not L.is_numeric_like(token) and not L.is_level1(token) and not L.is_level2(token) \
            and not L.is_placeholder(token)
    return True  # target, actual: anything a form writes


_OPTIONAL = {"level1", "level2", "nature", "measure", "reason"}


def _row_options(tokens: list[str], start: int, roles: list[str | None]) -> list[tuple[int, dict[str, str]]]:
    """Every way a row with these column roles can start at `start`: (end, cells by role)."""
    options: list[tuple[int, dict[str, str]]] = []
    roles = [r for r in roles if r]

    def walk(k: int, pos: int, cells: dict[str, str]) -> None:
        if k == len(roles):
            w, s = cells.get("weight"), cells.get("score")
            # A score above its row's weight is a misaligned row, not a form's claim.
            if w is not None and s is not None and L.is_numeric(w) and L.is_numeric(s) \
                    and parse_number(s) > parse_number(w) + 1e-9:
                return
            options.append((pos, dict(cells)))
            return
        role = roles[k]
        if pos < len(tokens) and _fits(role, tokens[pos]):
            cells[role] = tokens[pos]
            walk(k + 1, pos + 1, cells)
            del cells[role]
        if role in _OPTIONAL:
            walk(k + 1, pos, cells)

    walk(0, start, {})
    return options


def segment_indicators(tokens: list[str], roles: list[str | None]) -> tuple[list[dict[str, str]], list[str]]:
    """The indicator rows in a cell stream (most rows, fewest skipped cells), and the skipped cells."""
    n = len(tokens)

    @lru_cache(maxsize=None)
    def best(i: int) -> tuple[float, tuple]:
        if i >= n:
            return 0.0, ()
        skip_cost = 0.1 if L.is_placeholder(tokens[i]) else 1.0
        score, path = best(i + 1)
        choice = (score - skip_cost, (("skip", i),) + path)
        for end, cells in _row_options(tokens, i, roles):
            if end == i:
                continue
            rest_score, rest_path = best(end)
            garbled = sum(1 for role in ("weight", "score") if role in cells and not L.is_numeric(cells[role]))
            candidate = rest_score + _ROW_SCORE + 0.01 * len(cells) - 3.0 * garbled
            if "level1" in cells and "level2" not in cells and L.is_level2(cells["level1"]):
                candidate -= 0.005  # "成本指标" alone opens a level-2 group more often than a level-1 one
            if candidate > choice[0]:
                choice = (candidate, (("row", cells),) + rest_path)
        return choice

    if n > 2000:  # a stream this long is not one form's indicator table
        return [], tokens[:5]
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * n + 200))
    try:
        for i in range(n - 1, -1, -1):  # fill the cache from the end: no deep recursion
            best(i)
        _, path = best(0)
    finally:
        sys.setrecursionlimit(limit)
    rows = [item[1] for item in path if item[0] == "row"]
    skipped = [tokens[item[1]] for item in path if item[0] == "skip" and not L.is_placeholder(tokens[item[1]])]
    return rows, skipped


def label_value(rows: list[Row], i: int, j: int) -> str | None:
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
    if len([c for c in row if c.strip()]) == 1 and i + 1 < len(rows) and len([c for c in rows[i + 1] if c.strip()]) == 1:
        nxt = [c for c in rows[i + 1] if c.strip()][0]
        if re.fullmatch(r"[(（](?:盖章|公章|签章)[)）]", nxt.strip()) and i + 2 < len(rows) \
                and len([c for c in rows[i + 2] if c.strip()]) == 1:
            # "实施单位 (盖章)" printed over two cells: the value follows the seal note.
            nxt = [c for c in rows[i + 2] if c.strip()][0]
        # A 项目名称 value may itself end in 自评表 ("XX经费支出绩效自评表"): a name, not a title.
        title_like = L.is_title([nxt]) and L.header_label(cell) != "project_name"
        if not (L.header_label(nxt) or L.fund_role(nxt) or L.indicator_role(nxt) or title_like):
            return nxt.strip()
    return None
