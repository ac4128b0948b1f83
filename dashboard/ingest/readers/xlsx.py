"""Excel workbooks (.xlsx): every sheet's used range as one Table of text cells, sheet name as origin.

Merged ranges keep their value in the top-left cell only; forms stacked on one sheet stay in one
Table (splitting them is the form extractor's job).
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from dashboard import settings
from dashboard.ingest.document import Document, Table
from dashboard.ingest.errors import ReadError

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


def _sheet_rows(sheet) -> list[list[str]]:
    merged_hidden: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    merged_hidden.add((row, col))
    rows: list[list[str]] = []
    for row in sheet.iter_rows():
        cells: list[str] = []
        for cell in row:
            if (cell.row, cell.column) in merged_hidden:
                cells.append("")
            else:
                cells.append(format_cell(cell.value, getattr(cell, "number_format", None)))
        rows.append(cells)
    # Trim trailing empty columns and rows (openpyxl's used range counts formatted blanks).
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    width = max((max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in rows), default=0)
    return [r[:width] + [""] * (width - len(r[:width])) for r in rows]


def read_xlsx(path: str | Path) -> Document:
    """Every non-empty sheet as a Table (origin = sheet name), in workbook order."""
    path = Path(path)
    _check_zip(path)
    import openpyxl

    try:
        # read_only=False: merged ranges are only visible on full worksheets.
        workbook = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, zipfile and XML errors
        raise ReadError(f"不是有效的{KIND}：无法解析（{type(exc).__name__}）") from exc
    doc = Document(source=str(path), format="xlsx")
    try:
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet)
            if rows:
                doc.blocks.append(Table(rows=rows, origin=sheet.title))
    finally:
        workbook.close()
    if not doc.blocks:
        raise ReadError("Excel 工作簿中没有任何内容")
    return doc
