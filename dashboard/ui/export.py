"""Table downloads: .xlsx (text cells written as text) and .csv (UTF-8 with BOM), with cells that a
spreadsheet would run as a formula (= + - @ tab CR) neutralised by a leading single quote."""
from __future__ import annotations

import io
import math
from datetime import date, datetime

import polars as pl
import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
BOM = "\ufeff"


def neutralise(text: str) -> str:
    """A text cell that cannot start a formula in Excel or WPS."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined with 、, text cells neutralised; numbers stay numbers."""
    exprs = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.List):
            column = column.cast(pl.List(pl.String)).list.join("、")
        elif dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
            column = column.cast(pl.String)
        else:
            exprs.append(column)
            continue
        exprs.append(column.map_elements(neutralise, return_dtype=pl.String).alias(name))
    return frame.select(exprs) if exprs else frame


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese), formula-like text neutralised."""
    header = [neutralise(str(name)) for name in frame.columns]
    body = _flatten(frame)
    body.columns = header
    return (BOM + body.write_csv()).encode("utf-8")


def to_xlsx_bytes(frame: pl.DataFrame, sheet_name: str = "数据") -> bytes:
    """An .xlsx workbook of the frame: a bold header, text cells typed as text and neutralised."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    number = workbook.add_format({"num_format": "#,##0.00"})
    integer = workbook.add_format({"num_format": "#,##0"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    flat = _flatten(frame)
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, neutralise(str(name)), bold)
        width = max(len(str(name)) * 2, 8)
        for row, value in enumerate(flat.get_column(name).to_list(), start=1):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                sheet.write_blank(row, col, None)
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, int):
                # Long ids stay exact as text; years and counts are numbers.
                if abs(value) < 10**15:
                    sheet.write_number(row, col, value, integer if abs(value) >= 10000 else None)
                else:
                    sheet.write_string(row, col, str(value))
            elif isinstance(value, float):
                sheet.write_number(row, col, value, number)
            elif isinstance(value, (datetime, date)):
                sheet.write_datetime(row, col, value, date_format)
            else:
                text = str(value)
                sheet.write_string(row, col, text)
                width = max(width, min(len(text) * 2, 60))
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def download_buttons(frame: pl.DataFrame, file_stem: str, key: str) -> None:
    """Two buttons (Excel, CSV) for a table as shown (Chinese column names, filters applied).

    The bytes are made when a button is clicked (deferred), so rendering a page stays cheap.
    """
    import streamlit as st

    left, right = st.columns(2, width=300)
    with left:
        st.download_button("下载 Excel", data=lambda: to_xlsx_bytes(frame), file_name=f"{file_stem}.xlsx",
                           mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")
    with right:
        st.download_button("下载 CSV", data=lambda: to_csv_bytes(frame), file_name=f"{file_stem}.csv",
                           mime=CSV_MIME, key=f"{key}_csv", on_click="ignore", icon=":material/download:")

