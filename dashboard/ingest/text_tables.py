"""Tables recovered from plain text, in the layouts converted reports use.

- cell per line: a row starts after a blank line; each tab-led line opens a cell, untabbed lines
  continue the open cell (multi-line cells), empty tab-led lines are empty (merged) cells (001, 002);
- tab-separated rows: one row per line, cells split on tabs (003);
- pipe tables: `| a | b |` lines (or `a | b | c` without the outer bars), markdown separator rows
  dropped (web pages);
- a web table flattened to one cell per line with a trailing ` |` (`项目名称 |`): each line is one
  cell, kept as a Paragraph for the form reader's cell stream; a lone `|` is an empty cell.
Every other non-blank line is a Paragraph.
"""
from __future__ import annotations

import re

from dashboard.ingest.document import Block, Paragraph, Table

_PIPE_SEPARATOR = re.compile(r"^\|?[\s:|-]+\|?$")


def _is_cell_line(line: str) -> bool:
    """A tab-led line holding one cell: the cell-per-line layout."""
    return line.startswith("\t") and "\t" not in line[1:]


def _is_blank(line: str) -> bool:
    """Blank for row breaks: a lone tab is an empty cell, not a blank line."""
    return not line.strip(" \r\u3000\xa0")


def _is_tab_row(line: str) -> bool:
    stripped = line.rstrip("\t ")
    return "\t" in stripped[1:] or (not line.startswith("\t") and "\t" in stripped)


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    if s.startswith("|"):
        return s.count("|") >= 3
    # "a | b | c": at least two inner bars between filled cells.
    inner = s.rstrip("|").rstrip()
    return inner.count("|") >= 2 and all(part.strip() for part in inner.split("|")[:2])


_TRAILING_BAR = re.compile(r"^(.*?)(?:[ \t\u3000]*[|｜])+[ \t\u3000]*$")


def _cell_of_trailing_bar(line: str) -> str | None:
    """`项目名称 |` -> `项目名称`; `|` -> `` (an empty cell); None for any other line."""
    s = line.strip()
    if s.startswith(("|", "｜")) and s not in ("|", "｜"):
        s = s[1:].strip()  # "| 项目名称 |": one cell between two bars
        if not s or s[-1] not in "|｜":
            return None
    m = _TRAILING_BAR.match(s)
    if not m or "|" in m.group(1):
        return None
    return m.group(1).strip()


def blocks_from_lines(lines: list[str]) -> list[Block]:
    # A converter's stray space before a leading tab (" \t一级") must not hide the cell.
    lines = [ln.lstrip(" \u3000") if ln.lstrip(" \u3000").startswith("\t") else ln for ln in lines]
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if _is_cell_line(line):
            table, i = _read_cell_per_line(lines, i)
            blocks.append(table)
        elif _is_pipe_row(line):
            table, i = _read_pipe_table(lines, i)
            if table.rows:
                blocks.append(table)
        elif _is_tab_row(line):
            table, i = _read_tab_rows(lines, i)
            blocks.append(table)
        else:
            cell = _cell_of_trailing_bar(line)
            text = line.strip() if cell is None else cell
            if text:
                blocks.append(Paragraph(text))
            i += 1
    return blocks


def _read_cell_per_line(lines: list[str], i: int) -> tuple[Table, int]:
    rows: list[list[str]] = []
    row: list[str] = []
    width = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_cell_line(line):
            row.append(line[1:].strip())
            i += 1
            continue
        if line.strip() and row:
            # An untabbed line continues the open cell ("一级\n指标", a rule over several lines).
            row[-1] = (row[-1] + "\n" + line.strip()) if row[-1] else line.strip()
            i += 1
            continue
        if line.strip() and not row:
            break  # text after the table
        # Blank lines: the row ends if a cell line follows; the table ends after 2+ blanks or when
        # a complete row is followed by text.
        j = i
        while j < n and _is_blank(lines[j]):
            j += 1
        blanks = j - i
        if j >= n:
            i = j
            break
        if _is_cell_line(lines[j]):
            if row:
                rows.append(row)
                width = width or len(row)
                row = []
            i = j
            continue
        first_row = not rows
        incomplete = width and len(row) < width
        if blanks == 1 and row and (first_row or incomplete) and len(lines[j].strip()) <= 12:
            i = j  # a blank line inside a cell ("一级\n\n指标")
            continue
        i = j
        break
    if row:
        rows.append(row)
    return Table(rows=rows, origin="text:cell-per-line"), i


def _read_tab_rows(lines: list[str], i: int) -> tuple[Table, int]:
    rows: list[list[str]] = []
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_tab_row(line) or (rows and _is_cell_line(line) and len(rows[-1]) > 1):
            rows.append([cell.strip() for cell in line.rstrip("\n").split("\t")])
            i += 1
            continue
        if not line.strip():
            # One blank line between rows of the same table.
            j = i + 1
            if j < n and _is_tab_row(lines[j]):
                i = j
                continue
        break
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return Table(rows=rows, origin="text:tab-rows"), i


def _read_pipe_table(lines: list[str], i: int) -> tuple[Table, int]:
    rows: list[list[str]] = []
    n = len(lines)
    while i < n and _is_pipe_row(lines[i]):
        s = lines[i].strip()
        i += 1
        if _PIPE_SEPARATOR.match(s):
            continue
        cells = s.strip("|").split("|")
        rows.append([c.strip() for c in cells])
    return Table(rows=rows, origin="text:pipe"), i
