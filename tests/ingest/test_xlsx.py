"""The Excel reader: used ranges as tables, merged cells, number formatting, bad files."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers import read_document
from dashboard.ingest.readers.xlsx import format_cell, read_xlsx

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"


def _book(path: Path, write) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    write(book)
    book.close()
    return path


def test_sheets_become_tables_with_merges_numbers_and_percents(tmp_path):
    def write(book):
        sheet = book.add_worksheet("表一")
        sheet.merge_range(0, 0, 0, 3, "项目支出绩效自评表")
        sheet.write_row(1, 0, ["全年预算数", "执行数", "执行率", "得分"])
        sheet.write_number(2, 0, 50.0)
        sheet.write_number(2, 1, 43.5)
        sheet.write_number(2, 2, 0.87, book.add_format({"num_format": "0%"}))
        sheet.write_number(2, 3, 0.1 + 0.2)
        sheet.write_number(3, 2, 0.905, book.add_format({"num_format": "0.00%"}))
        sheet.write_number(3, 1, 0.87)
        sheet.write_string(10, 10, "")  # formatted blank far away: trimmed
        book.add_worksheet("空表")
        book.add_worksheet("表二").write_string(2, 1, "第二张")

    doc = read_xlsx(_book(tmp_path / "a.xlsx", write))
    assert [t.origin for t in doc.tables] == ["表一", "表二"]
    rows = doc.tables[0].rows
    assert rows[0] == ["项目支出绩效自评表", "", "", ""]
    assert rows[2] == ["50", "43.5", "87%", "0.3"]
    assert rows[3] == ["", "0.87", "90.50%", ""]
    assert doc.tables[1].rows == [["", "第二张"]]


def test_format_cell_edge_cases():
    assert format_cell(1234567.8) == "1234567.8"
    assert format_cell(100) == "100"
    assert format_cell(1.0, "0%") == "100%"
    assert format_cell(None) == ""
    assert format_cell("  县水务局 ") == "县水务局"


def test_workbook_fixture_reads_through_dispatch():
    doc = read_document(FORMS / "stacked_three.xlsx")
    assert doc.format == "xlsx" and len(doc.tables) == 1
    assert sum(1 for r in doc.tables[0].rows if "自评表" in r[0]) == 3


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert "Excel" in str(info.value)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "notbook.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    with pytest.raises(ReadError, match="Excel"):
        read_xlsx(path)


def test_zip_bomb_is_refused_without_inflating(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    monkeypatch.setenv("PERF_MAX_UNZIPPED_MB", "2")
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_xlsx(path)
