"""Exports: formula-like text is neutralised in .xlsx and .csv and reads back as text; numbers stay numbers."""
from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pytest

from dashboard.ui.export import neutralise, to_csv_bytes, to_xlsx_bytes
from dashboard.ui.labels import labelled

HOSTILE = ['=HYPERLINK("http://evil.example","点击")', "+1+2", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


def _frame() -> pl.DataFrame:
    return pl.DataFrame({
        "project_name": [*HOSTILE, "普通项目", None],
        "budget_wan": [1234.5, -5.0, 0.0, 1.0, 2.0, 3.0, 50.0, None],
        "year": [2024] * 8,
        "flag_codes": [["RATE_MISMATCH", "=X"], [], [], [], [], [], ["NO_SCORE_TABLE"], []],
    })


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("普通项目", "普通项目"), ("a=1", "a=1"), ("", ""),
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_xlsx_cells_read_back_as_text_with_chinese_headers():
    frame = labelled(_frame())
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame)))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header == ["项目名称", "预算(万元)", "年度", "标记"]
    for row, text in enumerate(HOSTILE, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s", "written as a string, never a formula"
        # OOXML stores CR as _x000D_; Excel decodes it, openpyxl does not.
        assert cell.value.replace("_x000D_", "\r") == "'" + text
    assert sheet.cell(row=8, column=1).value == "普通项目"
    assert sheet.cell(row=9, column=1).value is None
    assert sheet.cell(row=2, column=2).value == 1234.5 and sheet.cell(row=2, column=2).data_type == "n"
    assert sheet.cell(row=3, column=2).value == -5.0, "a negative number stays a number"
    assert sheet.cell(row=2, column=4).value == "RATE_MISMATCH、=X"
    assert sheet.cell(row=2, column=3).value == 2024
    # No cell anywhere is a formula.
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


def test_csv_has_bom_chinese_headers_and_neutralised_text():
    data = to_csv_bytes(labelled(_frame()))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["项目名称", "预算(万元)", "年度", "标记"]
    assert [r[0] for r in rows[1:7]] == ["'" + t for t in HOSTILE]
    assert rows[7][0] == "普通项目"
    assert rows[2][1] == "-5.0"
    assert rows[1][3] == "RATE_MISMATCH、=X"


def test_formula_like_header_is_neutralised():
    frame = pl.DataFrame({"=cmd": ["x"]})
    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines()[0] == "'=cmd"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert sheet.cell(row=1, column=1).value == "'=cmd"


def test_empty_frame_exports():
    frame = pl.DataFrame(schema={"project_name": pl.String, "budget_wan": pl.Float64})
    assert to_csv_bytes(labelled(frame)).decode("utf-8-sig").strip() == "项目名称,预算(万元)"
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(labelled(frame)))).active
    assert [c.value for c in sheet[1]] == ["项目名称", "预算(万元)"]
