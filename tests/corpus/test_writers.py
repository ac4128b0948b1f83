"""The report writers: stable bytes, real tables, and files the readers read back unchanged."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest

from dashboard.corpus.writers import merge_regions, write_docx, write_pdf, write_txt
from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.readers import read_document

FORM_ROWS = [
    ["一级指标", "二级指标", "三级指标", "分值", "得分"],
    ["产出指标(50分)", "数量指标", "维护次数", "20", "20"],
    ["", "", "覆盖率", "10", "8"],
    ["", "质量指标", "故障率", "20", "19"],
    ["合计", "", "", "100", "95"],
]


def _report(title: str = "某县财政局2023年信息化项目支出绩效自评报告") -> Document:
    return Document(source="report", format="txt", blocks=[
        Paragraph(title),
        Paragraph("项目预算50万元，实际支出47.76万元，执行率95.52%。"),
        Table(rows=[row[:] for row in FORM_ROWS]),
        Paragraph("自评得分95分，等级为优。"),
    ])


@pytest.mark.parametrize("write", [write_docx, write_pdf, write_txt], ids=["docx", "pdf", "txt"])
def test_same_document_gives_the_same_bytes(tmp_path: Path, write):
    suffix = {"write_docx": ".docx", "write_pdf": ".pdf", "write_txt": ".txt"}[write.__name__]
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    write(_report(), first)
    write(_report(), second)
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    # And a different document gives different bytes: the hash is of the content, not constant.
    write(_report("另一份报告"), second)
    assert first.read_bytes() != second.read_bytes()


def test_docx_has_bordered_word_tables_and_fixed_metadata(tmp_path: Path):
    path = write_docx(_report(), tmp_path / "r.docx")
    word = docx.Document(str(path))
    assert word.tables[0].style.name == "Table Grid"
    assert len(word.tables[0].rows) == len(FORM_ROWS)
    assert word.core_properties.created.year == 2024
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}


def test_pdf_has_a_text_layer_and_a_ruled_table(tmp_path: Path):
    path = write_pdf(_report(), tmp_path / "r.pdf")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert "执行率95.52%" in page.extract_text()
        assert page.find_tables()[0].extract()[1][:2] == ["产出指标(50分)", "数量指标"]
        assert round(page.width) == 595 and round(page.height) == 842  # A4


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".txt"])
def test_written_files_read_back_to_the_same_table(tmp_path: Path, suffix: str):
    writer = {".docx": write_docx, ".pdf": write_pdf, ".txt": write_txt}[suffix]
    doc = read_document(writer(_report(), tmp_path / f"r{suffix}"))
    assert doc.tables[0].rows == FORM_ROWS
    assert doc.paragraphs[0] == "某县财政局2023年信息化项目支出绩效自评报告"


def test_merges_only_join_empty_cells_to_the_group_above():
    regions = merge_regions(FORM_ROWS)
    # 产出指标 spans its three rows; 数量指标 its two; the 合计 row starts a new group.
    assert (1, 0, 3, 0) in regions
    assert (1, 1, 2, 1) in regions
    assert all(not FORM_ROWS[r][c] for r0, c0, r1, c1 in regions
               for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    assert not any(r0 <= 4 <= r1 and r1 > r0 for r0, c0, r1, c1 in regions)


def test_header_spanning_columns_is_merged_horizontally():
    rows = [["指标", "绩效标准", "", "", ""], ["", "优", "良", "中", "差"]]
    assert (0, 1, 0, 4) in merge_regions(rows)


def test_markup_and_control_characters_are_written_as_text(tmp_path: Path):
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(1)>\x00\x0b[链接](http://x)"
    doc = Document(source="x", format="txt", blocks=[Paragraph(hostile), Table(rows=[["<b>名称</b>", "a & b"]])])
    clean = "<script>alert(1)</script> & <img src=x onerror=alert(1)>[链接](http://x)"
    for writer, suffix in ((write_docx, ".docx"), (write_pdf, ".pdf")):
        back = read_document(writer(doc, tmp_path / f"h{suffix}"))
        assert back.paragraphs[0].replace(" ", "") == clean.replace(" ", "")
        assert back.tables[0].rows == [["<b>名称</b>", "a & b"]]


def test_pdf_marks_characters_its_font_cannot_encode(tmp_path: Path):
    doc = Document(source="x", format="txt", blocks=[Paragraph("满意度😀很高，𠀀字后文字完整")])
    assert read_document(write_pdf(doc, tmp_path / "emoji.pdf")).paragraphs == ["满意度〓很高，〓字后文字完整"]


def test_a_cell_taller_than_a_page_still_writes(tmp_path: Path):
    long_text = "评价标准文字，" * 1200
    doc = Document(source="x", format="txt", blocks=[Table(rows=[["一级", "标准"], ["产出", long_text]])])
    back = read_document(write_pdf(doc, tmp_path / "long.pdf"))
    cells = "".join(cell for row in back.tables[0].rows for cell in row)
    assert cells.count("评价标准文字") == 1200


def test_writers_accept_a_binary_stream():
    out = io.BytesIO()
    write_docx(_report(), out)
    assert out.getvalue()[:2] == b"PK"
    out = io.BytesIO()
    write_pdf(_report(), out)
    assert out.getvalue().startswith(b"%PDF-")
