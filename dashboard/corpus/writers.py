"""Write a Document as a report file: .docx (real Word tables), .pdf (ruled tables, CJK font), .txt.

Output is byte-for-byte deterministic for the same Document, so corpus hashes are stable.
Merged cells are only ever made of empty cells, so reading a written file back gives the same rows.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.doctemplate import LayoutError

from dashboard.ingest.document import Document, Paragraph, Table

FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)
# Zip entries carry a timestamp; a fixed one keeps the .docx bytes stable.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
# Columns whose empty cells continue the filled cell above (一级/二级指标 in real forms).
VERTICAL_MERGE_COLUMNS = 2
AUTHOR = "绩效评价分析"

# XML (and so Word) refuses C0 controls other than tab and line feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_OUTSIDE_BMP = re.compile(r"[\U00010000-\U0010ffff]")

Region = tuple[int, int, int, int]  # first row, first column, last row, last column (inclusive)


def write_txt(doc: Document, path: str | Path) -> Path:
    """Paragraphs as lines, table rows as tab-separated lines, UTF-8."""
    path = Path(path)
    path.write_text(doc.text() + "\n", encoding="utf-8")
    return path


def _padded_rows(table: Table) -> list[list[str]]:
    width = table.width
    return [list(row) + [""] * (width - len(row)) for row in table.rows]


def merge_regions(rows: list[list[str]]) -> list[Region]:
    """Where a real form would merge cells: only empty cells join the filled cell before them.

    Vertically in the first columns (a level-1 name over the rows it groups, until a row starts
    a new group to its left), horizontally for a header row or a row with a single filled cell
    (a title spanning the table).
    """
    if not rows:
        return []
    height, width = len(rows), len(rows[0])
    claimed = [[False] * width for _ in range(height)]
    regions: list[Region] = []

    def row_is_empty(r: int) -> bool:
        return not any(cell.strip() for cell in rows[r])

    if width >= 3:
        for c in range(min(VERTICAL_MERGE_COLUMNS, width - 1)):
            r = 0
            while r < height:
                if rows[r][c].strip() and not claimed[r][c]:
                    last = r
                    while (last + 1 < height and not rows[last + 1][c].strip()
                           and not row_is_empty(last + 1) and not claimed[last + 1][c]
                           and not any(rows[last + 1][k].strip() for k in range(c))):
                        last += 1
                    if last > r:
                        regions.append((r, c, last, c))
                        for k in range(r, last + 1):
                            claimed[k][c] = True
                    r = last + 1
                else:
                    r += 1
    for r in range(height):
        filled = [c for c in range(width) if rows[r][c].strip()]
        if not filled or (r != 0 and len(filled) != 1):
            continue
        for c in filled:
            if claimed[r][c]:
                continue
            last = c
            while last + 1 < width and not rows[r][last + 1].strip() and not claimed[r][last + 1]:
                last += 1
            if last > c:
                regions.append((r, c, r, last))
                for k in range(c, last + 1):
                    claimed[r][k] = True
    return regions


# ---------------------------------------------------------------- .docx

def write_docx(doc: Document, path: str | Path | BinaryIO) -> Path | BinaryIO:
    """A Word document with real, bordered tables; merged cells as a Word user would make them."""
    word = docx.Document()
    normal = word.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "宋体")

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            word.add_paragraph(_clean(block.text))
        elif block.rows:
            _add_word_table(word, block)

    props = word.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = Path(doc.source).stem if doc.source else ""
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1

    buffer = io.BytesIO()
    word.save(buffer)
    data = _stable_zip(buffer.getvalue())
    if isinstance(path, (str, Path)):
        path = Path(path)
        path.write_bytes(data)
    else:
        path.write(data)
    return path


def _add_word_table(word, table: Table) -> None:
    rows = _padded_rows(table)
    width = len(rows[0])
    if width == 0:
        return
    grid = word.add_table(rows=len(rows), cols=width)
    grid.style = "Table Grid"  # the default template's style with single borders on every cell
    # The grid's cells, listed once: Table.cell() rebuilds the whole list on every call. A merge
    # keeps its top-left cell, and regions never overlap, so these stay valid while merging.
    cells = grid._cells
    regions = merge_regions(rows)
    for r0, c0, r1, c1 in regions:
        cells[r0 * width + c0].merge(cells[r1 * width + c1])
    merged_away = {
        (r, c)
        for r0, c0, r1, c1 in regions
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (r, c) != (r0, c0)
    }
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in merged_away or not text:
                continue
            cell = cells[r * width + c]
            lines = _clean(text).split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry timestamps, so equal documents give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- .pdf

CJK_FONT = "STSong-Light"
PAGE_MARGIN_PT = 56.0
RULE_PT = 0.6


class FormTable(PdfTable):
    """A table whose every page part is closed by a rule, even across a vertical merge."""

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:
            parts[0].setStyle([("LINEBELOW", (0, -1), (-1, -1), RULE_PT, colors.black)])
            parts[1].setStyle([("LINEABOVE", (0, 0), (-1, 0), RULE_PT, colors.black)])
        return parts


def _register_font() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, line breaks kept, tabs as spaces."""
    text = _OUTSIDE_BMP.sub("〓", _clean(text))
    return escape(text).replace("\t", "    ").replace("\n", "<br/>")


def _clean(text: str) -> str:
    """Text a file format can hold: one kind of line break, no control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def write_pdf(doc: Document, path: str | Path | BinaryIO, *, encrypt: str | None = None) -> Path | BinaryIO:
    """An A4 PDF with a text layer: wrapped paragraphs and ruled tables (STSong-Light, no font file).

    `encrypt` sets a user password (tests use it to make encrypted files). Characters outside
    the Basic Multilingual Plane (emoji, rare CJK extensions), which the font's UCS-2 encoding
    cannot carry, are printed as 〓, the typesetter's mark for a missing character.
    """
    _register_font()
    try:
        data = _pdf_bytes(doc, encrypt, split_rows=False)
    except LayoutError:
        # A row taller than a page (a very long cell) can only be laid out split across pages.
        data = _pdf_bytes(doc, encrypt, split_rows=True)
    if isinstance(path, (str, Path)):
        path = Path(path)
        path.write_bytes(data)
    else:
        path.write(data)
    return path


def _pdf_bytes(doc: Document, encrypt, split_rows: bool) -> bytes:
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10.5, leading=15, wordWrap="CJK", spaceAfter=3)
    # The right indent leaves room for punctuation that CJK wrapping hangs past the line end.
    cell = ParagraphStyle("cell", fontName=CJK_FONT, fontSize=8.5, leading=11, wordWrap="CJK", rightIndent=8.5)
    frame_width = A4[0] - 2 * PAGE_MARGIN_PT

    story = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                story.append(PdfParagraph(_markup(block.text), body))
            else:
                story.append(Spacer(1, 4))
        elif block.rows and block.width:
            story.append(Spacer(1, 4))
            story.append(_pdf_table(block, cell, frame_width, split_rows))
            story.append(Spacer(1, 6))

    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=A4,
        leftMargin=PAGE_MARGIN_PT, rightMargin=PAGE_MARGIN_PT, topMargin=PAGE_MARGIN_PT, bottomMargin=PAGE_MARGIN_PT,
        title=Path(doc.source).stem if doc.source else "", author=AUTHOR, creator=AUTHOR, producer=AUTHOR,
        invariant=1, encrypt=encrypt,
    )
    template.build(story)
    return out.getvalue()


def _column_widths(rows: list[list[str]], frame_width: float) -> list[float]:
    """Widths by content length (longest line, capped) so long text columns get the room."""
    width = len(rows[0])
    weights = []
    for c in range(width):
        longest = max((len(line) for row in rows for line in row[c].split("\n")), default=0)
        weights.append(min(max(longest, 2), 28) + 2)
    minimum = min(30.0, frame_width / width)
    raw = [frame_width * w / sum(weights) for w in weights]
    # Lift narrow columns to the minimum and take the room from the wide ones.
    short = sum(minimum - w for w in raw if w < minimum)
    wide_total = sum(w for w in raw if w >= minimum)
    return [minimum if w < minimum else w - short * w / wide_total for w in raw]


def _pdf_table(table: Table, cell_style, frame_width: float, split_rows: bool):
    rows = _padded_rows(table)
    height, width = len(rows), len(rows[0])
    data = [[PdfParagraph(_markup(text), cell_style) if text else "" for text in row] for row in rows]
    commands = [
        ("BOX", (0, 0), (-1, -1), RULE_PT, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if width > 1:
        commands.append(("LINEAFTER", (0, 0), (width - 2, -1), RULE_PT, colors.black))
    # A vertical merge is drawn by leaving out the rules between its rows rather than with SPAN:
    # reportlab cannot split a spanned block across pages, and a long 一级指标 group spans several.
    continued = set()
    for r0, c0, r1, c1 in merge_regions(rows):
        if r1 > r0:
            continued.update((r, c0) for r in range(r0 + 1, r1 + 1))
        else:
            commands.append(("SPAN", (c0, r0), (c1, r1)))
    for r in range(height - 1):
        c = 0
        while c < width:
            if (r + 1, c) in continued:
                c += 1
                continue
            start = c
            while c + 1 < width and (r + 1, c + 1) not in continued:
                c += 1
            commands.append(("LINEBELOW", (start, r), (c, r), RULE_PT, colors.black))
            c += 1
    return FormTable(
        data, colWidths=_column_widths(rows, frame_width), style=TableStyle(commands), hAlign="CENTER",
        splitInRow=1 if split_rows else 0,
    )
