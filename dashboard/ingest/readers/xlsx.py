"""Excel workbooks (.xlsx): every sheet's used range as one Table of text cells, sheet name as origin.

Merged ranges keep their value in the top-left cell only; forms stacked on one sheet stay in one
Table (splitting them is the form extractor's job).

Sheets are streamed (openpyxl read-only mode), so memory follows the cells actually read, not the
range a sheet declares; merged ranges come from a streaming pass over the sheet's XML and are
checked against caps before anything is laid out (a 5 KB file can declare a merge of 17 billion
cells). A merge never allocates per cell: it blanks the cells it covers among those read.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from dashboard import settings
from dashboard.ingest.document import Document, Table
from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers.limits import (
    MAX_XLSX_CELLS,
    MAX_XLSX_COLUMNS,
    MAX_XLSX_MERGE_RANGES,
    MAX_XLSX_MERGED_CELLS,
    MAX_XLSX_ROWS,
    Deadline,
)

KIND = "Excel 工作簿（.xlsx）"


def _check_zip(path: Path) -> None:
    """Refuse non-zip files and zip bombs from the central directory alone (nothing inflated)."""
    try:
        from dashboard.ingest.readers.limits import check_office_zip
    except ImportError:  # the shared guard module is optional; the sum of declared sizes is enough
        check_office_zip = None
    if check_office_zip is not None:
        check_office_zip(path, KIND)
        return
    if not zipfile.is_zipfile(path):
        raise ReadError(f"不是有效的{KIND}：文件内容不是 Office 文档格式（可能已损坏或扩展名有误）")
    with zipfile.ZipFile(path) as archive:
        total_bytes = sum(info.file_size for info in archive.infolist())
    limit_mb = int(settings.get("max_unzipped_mb"))
    if total_bytes > limit_mb * 1024 * 1024:
        raise ReadError(f"解压后内容过大（声明 {total_bytes / 1048576:.0f} MB，上限 {limit_mb} MB），疑似压缩炸弹，已拒绝")


def format_cell(value: object, number_format: str | None = None) -> str:
    """A cell's value as the text a reader sees: 50.0 -> '50', 0.87 -> '0.87', 0.87 as percent -> '87%'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            # Keep the decimals the format shows: "0.00%" prints 100.00%, which flags read as precision.
            decimals = re.search(r"\.(0+)%", number_format)
            if decimals:
                return f"{value * 100:.{len(decimals.group(1))}f}%"
            return _plain_number(round(value * 100, 10)) + "%"
        return _plain_number(value)
    return str(value).strip()


def _plain_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    # 12 significant digits drop binary float noise (0.1 + 0.2) without losing real precision.
    text = f"{value:.12g}"
    if "e" in text or "E" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CHECK_EVERY_ROWS = 2000


def _cell_ref(ref: str) -> tuple[int, int]:
    """'B3' -> (3, 2); ValueError when it is not a cell reference."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", ref.strip())
    if not match:
        raise ValueError(ref)
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), col


def merged_ranges(archive: zipfile.ZipFile, part: str, sheet_title: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range of one sheet part, read as a
    stream (rows are dropped as they pass); ReadError when their number or area exceeds the caps."""
    from lxml import etree

    ranges: list[tuple[int, int, int, int]] = []
    total = 0
    row_tag, merge_tag = f"{{{_SHEET_NS}}}row", f"{{{_SHEET_NS}}}mergeCell"
    try:
        with archive.open(part) as stream:
            for _, element in etree.iterparse(stream, events=("end",), tag=(row_tag, merge_tag),
                                              resolve_entities=False, no_network=True, huge_tree=False):
                if element.tag == merge_tag:
                    ref = element.get("ref") or ""
                    first, _, last = ref.partition(":")
                    try:
                        (r1, c1), (r2, c2) = _cell_ref(first), _cell_ref(last or first)
                    except ValueError:
                        continue  # a malformed reference merges nothing
                    r1, r2 = sorted((r1, r2))
                    c1, c2 = sorted((c1, c2))
                    area = (r2 - r1 + 1) * (c2 - c1 + 1)
                    if area > MAX_XLSX_MERGED_CELLS:
                        raise ReadError(
                            f"工作表「{sheet_title}」的合并单元格 {ref} 覆盖 {area:,} 个单元格，"
                            f"超过上限（{MAX_XLSX_MERGED_CELLS:,} 个），文件结构异常，已拒绝"
                        )
                    total += area
                    if total > MAX_XLSX_MERGED_CELLS:
                        raise ReadError(
                            f"工作表「{sheet_title}」的合并单元格合计超过 {MAX_XLSX_MERGED_CELLS:,} 个单元格的上限，"
                            "文件结构异常，已拒绝"
                        )
                    if len(ranges) >= MAX_XLSX_MERGE_RANGES:
                        raise ReadError(
                            f"工作表「{sheet_title}」的合并区域超过 {MAX_XLSX_MERGE_RANGES:,} 个的上限，文件结构异常，已拒绝"
                        )
                    ranges.append((r1, c1, r2, c2))
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except KeyError:
        return []  # openpyxl found the part; a missing one simply has no merges
    except etree.LxmlError as exc:
        raise ReadError(f"不是有效的{KIND}：工作表「{sheet_title}」的 XML 内容已损坏") from exc
    return ranges


def _too_big(sheet_title: str, what: str) -> ReadError:
    return ReadError(f"工作表「{sheet_title}」{what}，文件过大或结构异常，已拒绝")


def _sheet_rows(sheet, merges: list[tuple[int, int, int, int]], budget: list[int],
                deadline: Deadline | None = None) -> list[list[str]]:
    """The sheet's cells as text, row by row from row 1 and column 1, trimmed to the used range.

    budget[0] is the number of cells (rows x width) the workbook may still lay out.
    """
    rows: list[list[str]] = []
    width = 0
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number > MAX_XLSX_ROWS:
            raise _too_big(sheet.title, f"超过 {MAX_XLSX_ROWS:,} 行的上限")
        if len(row) > MAX_XLSX_COLUMNS:
            raise _too_big(sheet.title, f"超过 {MAX_XLSX_COLUMNS:,} 列的上限")
        cells = [format_cell(cell.value, getattr(cell, "number_format", None)) for cell in row]
        while cells and not cells[-1].strip():
            cells.pop()
        rows.append(cells)
        width = max(width, len(cells))
        if len(rows) * max(width, 1) > budget[0]:
            raise _too_big(sheet.title, f"的单元格区域超过 {MAX_XLSX_CELLS:,} 个单元格的上限")
        if deadline is not None and number % _CHECK_EVERY_ROWS == 0:
            deadline.check(f"工作表「{sheet.title}」已读 {number} 行")
    # A merged range keeps its value in the top-left cell: blank the others among the cells read.
    for r1, c1, r2, c2 in merges:
        for r in range(r1, min(r2, len(rows)) + 1):
            cells = rows[r - 1]
            for c in range(c1, min(c2, len(cells)) + 1):
                if (r, c) != (r1, c1):
                    cells[c - 1] = ""
    # Trim trailing empty columns and rows (the used range counts formatted blanks).
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    width = max((max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in rows), default=0)
    budget[0] -= len(rows) * width
    return [r[:width] + [""] * (width - len(r[:width])) for r in rows]


def read_xlsx(path: str | Path) -> Document:
    """Every non-empty sheet as a Table (origin = sheet name), in workbook order."""
    path = Path(path)
    deadline = Deadline()
    _check_zip(path)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, zipfile and XML errors
        raise ReadError(f"不是有效的{KIND}：无法解析（{type(exc).__name__}）") from exc
    doc = Document(source=str(path), format="xlsx")
    budget = [MAX_XLSX_CELLS]
    try:
        with zipfile.ZipFile(path) as archive:
            for sheet in workbook.worksheets:
                part = getattr(sheet, "_worksheet_path", None)
                merges = merged_ranges(archive, part, sheet.title) if part else []
                # The declared dimension (<dimension ref="A1:XFD1048576">) is not trusted: rows are
                # read as they are, each as wide as its own cells.
                sheet.reset_dimensions()
                try:
                    rows = _sheet_rows(sheet, merges, budget, deadline)
                except (ReadError, MemoryError):
                    raise
                except Exception as exc:  # XML or value errors met while streaming the sheet
                    raise ReadError(
                        f"不是有效的{KIND}：工作表「{sheet.title}」无法解析（{type(exc).__name__}）"
                    ) from exc
                if rows:
                    doc.blocks.append(Table(rows=rows, origin=sheet.title))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"不是有效的{KIND}：压缩内容已损坏") from exc
    finally:
        workbook.close()
    if not doc.blocks:
        raise ReadError("Excel 工作簿中没有任何内容")
    return doc
