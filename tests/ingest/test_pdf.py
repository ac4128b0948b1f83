"""The PDF reader on real PDFs: text lines, ruled tables across pages, wrapped cells, limits."""
from __future__ import annotations

import io
import time
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Table as PdfTable

from dashboard.corpus.writers import CJK_FONT, _register_font, write_pdf
from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers import read_document
from dashboard.ingest.readers.pdf import read_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
SEED_001_PDF = FIXTURES / "seeds_pdf" / "001_14069cec515ef4d6.pdf"


def _squeeze(text: str) -> str:
    # A PDF line break swallows the space it replaced; nothing else may differ.
    return "".join(text.split())


def _padded(table: Table) -> list[list[str]]:
    return [row + [""] * (table.width - len(row)) for row in table.rows]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_pdf_reads_back_the_same_paragraphs_and_tables(seed: Path):
    expected = read_document(seed)
    doc = read_pdf(FIXTURES / "seeds_pdf" / f"{seed.stem}.pdf")
    assert doc.format == "pdf" and not doc.warnings
    # Lines the page wrapped are one paragraph again, exactly as many as the text has.
    assert [_squeeze(p) for p in doc.paragraphs] == [_squeeze(p) for p in expected.paragraphs if p.strip()]
    assert len(doc.tables) == len(expected.tables)
    for got, want in zip(doc.tables, expected.tables):
        want_rows = _padded(want)
        assert len(got.rows) == len(want_rows)
        # The header's "一级\n指标" in a narrow column cannot be told from a wrap; every other
        # cell keeps its deliberate line breaks and loses the layout's.
        assert [[_squeeze(c) for c in row] for row in got.rows[:1]] == [[_squeeze(c) for c in row] for row in want_rows[:1]]
        for got_row, want_row in zip(got.rows[1:], want_rows[1:]):
            assert [c.replace(" ", "") for c in got_row] == [c.replace(" ", "") for c in want_row]


@pytest.fixture(scope="module")
def seed_001() -> Document:
    return read_pdf(SEED_001_PDF)


def test_a_table_over_three_pages_is_one_table(seed_001: Document):
    with pdfplumber.open(SEED_001_PDF) as pdf:
        pages_with_tables = [p.page_number for p in pdf.pages[4:] if p.find_tables()]
    assert len(pages_with_tables) >= 2  # the fixture really does split the table
    doc = seed_001
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert len(table.rows) == 23
    assert table.rows[-1][:4] == ["合计", "100", "95.4", "4.6"]


def test_table_text_is_not_repeated_as_paragraphs(seed_001: Document):
    doc = seed_001
    assert not any("项目立项规范性" in p for p in doc.paragraphs)
    assert any("项目立项规范性" in c for row in doc.tables[0].rows for c in row)


def test_wrapped_cell_lines_are_joined_and_item_breaks_kept(seed_001: Document):
    rows = seed_001.tables[0].rows
    rule = rows[1][4]
    assert rule == (
        "①项目是否按照规定的程序申请设立；\n②文件、材料是否符合相关要求；\n"
        "③事前是否已经过必要的可行性研究、专家论证、风险评估、集体决策等。\n"
        "一项不符合扣0.5分，严重的此项完全不得分。"
    )
    assert rows[1][:3] == ["决策(10)", "项目立项(7分)", "项目立项规范性（1分）"]


def test_vertically_merged_cells_leave_the_rows_below_empty(seed_001: Document):
    rows = seed_001.tables[0].rows
    assert [row[0] for row in rows[1:6]] == ["决策(10)", "", "", "", ""]
    assert rows[6][0] == "过程（30）"


def _styles():
    _register_font()
    return ParagraphStyle("t", fontName=CJK_FONT, fontSize=9, leading=12, wordWrap="CJK")


def _numbered_pages(canvas_, doc_) -> None:
    canvas_.setFont(CJK_FONT, 9)
    canvas_.drawCentredString(A4[0] / 2, 30, f"- {doc_.page} -")
    canvas_.drawString(60, A4[1] - 30, "富民县财政局项目支出绩效评价报告")
    canvas_.drawRightString(A4[0] - 60, A4[1] - 30, f"第 {doc_.page} 页 共 3 页")


def test_repeated_header_rows_running_heads_and_page_numbers_are_dropped(tmp_path: Path):
    style = _styles()
    header = ["序号", "三级指标", "分值", "得分"]
    body = [[str(i), f"指标{i}", "5", "4"] for i in range(1, 90)]
    data = [[PdfParagraph(c, style) for c in row] for row in [header] + body]
    table = PdfTable(data, repeatRows=1, style=[("GRID", (0, 0), (-1, -1), 0.5, "black")])
    path = tmp_path / "long.pdf"
    template = SimpleDocTemplate(str(path), pagesize=A4, invariant=1)
    template.build([PdfParagraph("指标评分表", style), table], onFirstPage=_numbered_pages, onLaterPages=_numbered_pages)

    doc = read_pdf(path)
    assert doc.paragraphs == ["指标评分表"]
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == [header] + body


def _restricted_pdf(path: Path, draw) -> Path:
    """Encrypted with an owner password only: opens without a password, like "禁止复制" PDFs."""
    page = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    draw(page)
    page.showPage()
    page.save()
    return path


def test_owner_password_only_pdf_is_read(tmp_path: Path):
    def draw(page):
        page.setFont("Helvetica", 12)
        page.drawString(72, 760, "Budget 50.00, spent 47.76")

    assert read_pdf(_restricted_pdf(tmp_path / "restricted.pdf", draw)).paragraphs == ["Budget 50.00, spent 47.76"]


def test_text_that_does_not_decode_is_refused_not_returned_as_garbage(tmp_path: Path):
    # pdfminer cannot map this file's CJK font back to Unicode and yields "(cid:N)" tokens.
    def draw(page):
        _register_font()
        page.setFont(CJK_FONT, 12)
        page.drawString(72, 760, "项目预算50万元，实际支出47.76万元。")

    path = _restricted_pdf(tmp_path / "restricted_cjk.pdf", draw)
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].chars[0]["text"].startswith("(cid:")
    with pytest.raises(ReadError, match="文字无法解码"):
        read_pdf(path)


def test_user_password_pdf_is_refused_as_encrypted():
    with pytest.raises(ReadError, match="PDF 已加密"):
        read_pdf(FIXTURES / "bad" / "encrypted.pdf")


def test_more_pages_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PERF_MAX_PDF_PAGES", "3")
    with pytest.raises(ReadError, match=r"页数过多.*上限 3 页"):
        read_pdf(SEED_001_PDF)


def test_time_budget_is_checked_between_pages(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PERF_MAX_SECONDS_PER_FILE", "0")
    with pytest.raises(ReadError, match="读取超时"):
        read_pdf(SEED_001_PDF)


def test_a_scanned_page_among_text_pages_is_a_warning(tmp_path: Path):
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    _register_font()
    page.setFont(CJK_FONT, 12)
    page.drawString(72, 760, "项目自评得分95分。")
    page.showPage()
    page.rect(72, 200, 400, 500, fill=1)  # the second page holds a picture and no text
    page.showPage()
    page.save()
    path = tmp_path / "half_scanned.pdf"
    path.write_bytes(out.getvalue())

    doc = read_pdf(path)
    assert doc.paragraphs == ["项目自评得分95分。"]
    assert doc.warnings == ["第 2 页没有文字层（可能是扫描页或空白页），已跳过"]


def test_a_single_framed_cell_is_text_not_a_table(tmp_path: Path):
    doc = Document(source="x", format="txt", blocks=[
        Paragraph("评价结论"), Table(rows=[["综合评分95分，评价等级为优。"]]), Paragraph("附件"),
    ])
    back = read_pdf(write_pdf(doc, tmp_path / "framed.pdf"))
    assert back.tables == []
    assert back.paragraphs == ["评价结论", "综合评分95分，评价等级为优。", "附件"]


def test_letter_spacing_adds_no_spaces_and_real_spaces_stay(tmp_path: Path):
    """Justified and 分散对齐 text spreads characters apart; only the PDF's own spaces are spaces."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    _register_font()
    spread = page.beginText(72, 760)
    spread.setFont(CJK_FONT, 10.5)
    spread.setCharSpace(2.5)
    spread.textLine("项目名称信息化建设")
    spread.setCharSpace(0)
    spread.textLine("全年预算数 921.47万元")
    page.drawText(spread)
    page.showPage()
    page.save()
    path = tmp_path / "spacing.pdf"
    path.write_bytes(out.getvalue())
    assert read_pdf(path).paragraphs == ["项目名称信息化建设", "全年预算数 921.47万元"]


def test_a_table_continued_under_a_xubiao_label_is_one_table(tmp_path: Path):
    style = _styles()
    from reportlab.platypus import PageBreak

    first = [["一级指标", "三级指标", "得分"], ["产出", "完成数量", "8"]]
    rest = [["", "完成及时性", "4"], ["效益", "满意度", "9.4"]]

    def table(rows):
        return PdfTable([[PdfParagraph(c, style) for c in row] for row in rows], colWidths=[120, 200, 80],
                        style=[("GRID", (0, 0), (-1, -1), 0.5, "black")])

    path = tmp_path / "xubiao.pdf"
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(
        [table(first), PageBreak(), PdfParagraph("续表1：", style), table(rest), PdfParagraph("填表人：张三", style)]
    )
    doc = read_pdf(path)
    assert [b.rows if isinstance(b, Table) else b.text for b in doc.blocks] == [first + rest, "填表人：张三"]


def test_a_page_ruled_like_graph_paper_is_read_as_text_fast(tmp_path: Path):
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    for i in range(100):  # a 100 x 100 grid: pdfplumber needs ~10 s to turn it into cells
        page.line(50, 50 + i * 7, 550, 50 + i * 7)
        page.line(50 + i * 5, 50, 50 + i * 5, 750)
    _register_font()
    page.setFont(CJK_FONT, 12)
    page.drawString(60, 790, "附图：项目进度网格")
    page.showPage()
    page.save()
    path = tmp_path / "grid.pdf"
    path.write_bytes(out.getvalue())

    started = time.monotonic()
    doc = read_pdf(path)
    assert time.monotonic() - started < 5
    assert doc.paragraphs == ["附图：项目进度网格"]
    assert doc.warnings == ["第 1 页线条过多（类似网格或图表），未识别其中的表格，文字按行读取"]
