"""PDF reader (pdfplumber): paragraphs and ruled tables as Tables, in reading order page by page.

Text inside a table is read only as the table's cells. Lines the layout wrapped (in a cell or in
the body, told apart by where they end) are joined again; a table that runs onto the next page
with the same columns is one Table; page numbers and running heads are dropped. Encrypted PDFs,
scans without a text layer, truncated files and files over the page or time limits are refused.

pdfminer inflates every stream it reads (page content, fonts, object streams) in one call; the
reader makes that inflation stop at MAX_PDF_STREAM_MB decoded, so a few hundred KB of compressed
zeros cannot become gigabytes.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from dashboard import settings
from dashboard.ingest.document import Block, Document, Paragraph, Table
from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers.limits import MAX_PDF_STREAM_MB, Deadline

# Space characters the PDF holds are kept as they are; a gap without one becomes a space only when
# wider than this (points), so the letter-spacing of justified Chinese text adds none.
X_TOLERANCE = 3
Y_TOLERANCE = 3
# How far (in characters) a cell line may stop short of the cell's right edge and still be a wrap.
WRAP_SLACK_CHARS = 2.2
# Room a cell keeps between its text and its right border, in points.
CELL_PADDING_PT = 5.0
# How much narrower than the left margin the right one may be on a page of prose, in points.
RIGHT_MARGIN_TOLERANCE_PT = 36.0
# Horizontal x vertical rules on one page beyond which tables are not searched (a 70 x 70 grid):
# real forms stay far below (a 60-row, 12-column table is about 800), graph paper does not.
MAX_RULE_CROSSINGS = 5000
# The share of the page height at the top and bottom where headers and page numbers live.
MARGIN_SHARE = 0.07
_PAGE_NUMBER = re.compile(
    r"^[-—－–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—－–\s]*$"
)
# A line starting like this begins a new item, so the line before it ended on purpose.
_ITEM_START = re.compile(
    r"^(?:[①-⑳]|[（(]\s*(?:\d|1\d|[一二三四五六七八九十]{1,2})\s*[)）]\s*\S|\d{1,2}\s*[、.．][^\d\s]|[一二三四五六七八九十]{1,3}、)"
)
# A cell line ending a sentence ends a line of the source: cells hold short items, not prose.
_SENTENCE_END = ("。",)
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_TAIL_BYTES = 2048
# The label Chinese documents print above the rest of a table on a new page.
_CONTINUED = re.compile(r"^\s*[(（]?\s*续表\s*[\d一二三四五六七八九十]*\s*[)）]?\s*[:：]?\s*$")


@dataclass
class _Line:
    text: str
    top: float
    x0: float
    x1: float
    size: float
    # Width of the line's first unbreakable run (Latin letters, digits, symbols before a
    # Chinese character): a layout wraps before a run that does not fit, however early.
    lead_width: float


class StreamTooLarge(ReadError):
    """A PDF stream that inflates past MAX_PDF_STREAM_MB."""

    def __init__(self) -> None:
        super().__init__(
            f"PDF 中有数据流解压后超过 {MAX_PDF_STREAM_MB} MB 的上限（疑似压缩炸弹或结构异常），已拒绝"
        )


class _BoundedInflater:
    """zlib.decompressobj() whose output stops at the cap (pdfminer's fallback for damaged streams)."""

    def __init__(self, cap: int):
        self._inner = zlib.decompressobj()
        self._left = cap

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inner.decompress(data, self._left + 1)
        self._left -= len(out)
        if self._left < 0 or self._inner.unconsumed_tail:
            raise StreamTooLarge()
        return out

    def flush(self, *args) -> bytes:
        out = self._inner.flush(*args)
        self._left -= len(out)
        if self._left < 0:
            raise StreamTooLarge()
        return out

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes (its only user there is stream
    decoding): the same results and errors, but inflation stops at the cap instead of at the
    end of the data."""

    error = zlib.error

    def __init__(self, cap: int):
        self.cap = cap

    def decompress(self, data: bytes, *args, **kwargs) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, self.cap + 1)
        if len(out) > self.cap or inflater.unconsumed_tail:
            raise StreamTooLarge()
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    def decompressobj(self, *args, **kwargs) -> _BoundedInflater:
        return _BoundedInflater(self.cap)

    def __getattr__(self, name: str):
        return getattr(zlib, name)


def _bounded_lzwdecode(data: bytes) -> bytes:
    """pdfminer's LZW decoding, stopping at the cap (LZW expands up to a few thousandfold)."""
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    cap = MAX_PDF_STREAM_MB * 1024 * 1024
    parts: list[bytes] = []
    size = 0
    for part in LZWDecoder(BytesIO(data)).run():
        size += len(part)
        if size > cap:
            raise StreamTooLarge()
        parts.append(part)
    return b"".join(parts)


def cap_stream_decoding() -> None:
    """Make pdfminer's stream decoding stop at MAX_PDF_STREAM_MB (idempotent; process-wide, and
    harmless to any other pdfminer user: only streams over the cap behave differently)."""
    from pdfminer import pdftypes

    if not isinstance(pdftypes.zlib, _BoundedZlib):
        pdftypes.zlib = _BoundedZlib(MAX_PDF_STREAM_MB * 1024 * 1024)
    pdftypes.lzwdecode = _bounded_lzwdecode


def _own_error(exc: BaseException) -> BaseException | None:
    """Our cap's ReadError, or a MemoryError, inside the wrappers pdfplumber puts around errors."""
    pending: list[object] = [exc]
    seen = 0
    while pending and seen < 20:
        current = pending.pop()
        seen += 1
        if isinstance(current, (StreamTooLarge, MemoryError)):
            return current
        if isinstance(current, BaseException):
            pending.extend(a for a in (current.__cause__, current.__context__, *current.args)
                           if isinstance(a, BaseException))
    return None


def read_pdf(path: str | Path) -> Document:
    """The PDF as paragraphs and tables, in reading order per page; ReadError when unreadable."""
    import pdfplumber

    path = Path(path)
    deadline = Deadline()
    _check_envelope(path)
    cap_stream_decoding()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types; each means "cannot open"
        if (own := _own_error(exc)) is not None:
            raise own from exc
        raise _open_error(exc) from exc
    with pdf:
        page_count = _page_count(pdf)
        max_pages = int(settings.get("max_pdf_pages"))
        if page_count > max_pages:
            raise ReadError(f"PDF 页数过多（{page_count} 页，上限 {max_pages} 页）")
        doc = Document(source=str(path), format="pdf")
        blank_pages: list[int] = []
        undecodable_pages: list[int] = []
        pages: list[list[_Placed]] = []
        try:
            for number, page in enumerate(pdf.pages, start=1):
                deadline.check(f"已读 {number - 1}/{page_count} 页")
                if _undecodable(page):
                    undecodable_pages.append(number)
                elif items := _page_items(page, doc.warnings):
                    pages.append(items)
                else:
                    blank_pages.append(number)
                page.close()  # drop the page's parsed objects: memory stays flat on long files
        except ReadError:
            raise
        except Exception as exc:
            if (own := _own_error(exc)) is not None:
                raise own from exc
            raise ReadError(f"PDF 文件已损坏，无法读取页面内容（{type(exc).__name__}）") from exc
    placed = _merge_continued_tables(_without_running_heads(pages))
    doc.blocks = _join_wrapped_lines(placed)
    if undecodable_pages and not doc.blocks:
        raise ReadError(
            "PDF 的文字无法解码：字体缺少 Unicode 映射（常见于加密或特殊字体的 PDF），请提供 Word 版本或重新导出的 PDF"
        )
    if undecodable_pages:
        doc.warnings.append(f"第 {_page_list(undecodable_pages)} 页的文字无法解码（字体缺少 Unicode 映射），已跳过")
    if not doc.blocks:
        raise ReadError("扫描件：PDF 没有文字层（可能是扫描或图片生成的文件），无法读取文字，请提供带文字的 PDF 或 Word 版本")
    if blank_pages:
        doc.warnings.append(f"第 {_page_list(blank_pages)} 页没有文字层（可能是扫描页或空白页），已跳过")
    return doc


def _undecodable(page) -> bool:
    """Most characters come out as "(cid:N)": the font has no map back to Unicode."""
    chars = page.chars
    unmapped = sum(1 for c in chars if c["text"].startswith("(cid:"))
    return unmapped > 0 and unmapped * 2 >= len(chars)


def _check_envelope(path: Path) -> None:
    """A PDF starts with %PDF- and ends with %%EOF; a file cut short loses its end."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - _TAIL_BYTES))
            tail = fh.read()
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc
    if b"%PDF-" not in head:
        raise ReadError("不是有效的 PDF 文件（缺少 PDF 文件头，可能扩展名有误）")
    if b"%%EOF" not in tail:
        raise ReadError("PDF 文件不完整：缺少文件结尾（可能下载或复制时被截断），请重新获取原文件")


def _open_error(exc: Exception) -> ReadError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = exc
    # pdfplumber wraps pdfminer's errors; the original is the first argument or the cause.
    for candidate in (exc, getattr(exc, "__cause__", None), *(getattr(exc, "args", ()) or ())):
        if isinstance(candidate, BaseException):
            cause = candidate
            if isinstance(candidate, (PDFPasswordIncorrect, PDFEncryptionError)):
                break
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(exc).lower():
        return ReadError("PDF 已加密（需要密码才能打开），请提供未加密的版本")
    return ReadError(f"PDF 文件已损坏，无法打开（{type(cause).__name__}）")


def _page_count(pdf) -> int:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        if isinstance(count, int) and count >= 0:
            return count
    except Exception as exc:  # a damaged page tree: count the pages pdfminer can find instead
        if (own := _own_error(exc)) is not None:
            raise own from exc
    try:
        return len(pdf.pages)
    except Exception as exc:
        if (own := _own_error(exc)) is not None:
            raise own from exc
        raise ReadError(f"PDF 文件已损坏，无法读取页面目录（{type(exc).__name__}）") from exc


def _page_list(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:10])
    return shown + (" 等" if len(numbers) > 10 else "")


@dataclass
class _Placed:
    """A block with, for a text line, its geometry on the page (to rejoin wrapped lines)."""

    block: Block
    line: _Line | None = None
    page_width: float = 0.0
    in_margin: bool = False  # in the band where running headers, footers and page numbers sit


def _too_many_rules(page) -> bool:
    """A page ruled like graph paper (a chart, a scanned grid): table finding would take minutes."""
    from pdfplumber.table import DEFAULT_JOIN_TOLERANCE, DEFAULT_SNAP_TOLERANCE, merge_edges

    edges = page.edges
    if len(edges) < 2 * 60:
        return False
    merged = merge_edges(edges, DEFAULT_SNAP_TOLERANCE, DEFAULT_SNAP_TOLERANCE,
                         DEFAULT_JOIN_TOLERANCE, DEFAULT_JOIN_TOLERANCE)
    horizontal = sum(1 for e in merged if e["orientation"] == "h")
    return horizontal * (len(merged) - horizontal) > MAX_RULE_CROSSINGS


def _page_items(page, warnings: list[str]) -> list[_Placed]:
    """Tables and text lines of one page, top to bottom; text inside tables only as cells."""
    found = []
    if _too_many_rules(page):
        warnings.append(f"第 {page.page_number} 页线条过多（类似网格或图表），未识别其中的表格，文字按行读取")
    else:
        found = page.find_tables()
    tables = []
    for table in found:
        if not table.cells:
            continue
        rows = _table_rows(page, table)
        if len(rows) == 1 and len(rows[0]) == 1:
            continue  # a framed box of text, not a table: its lines are read as paragraphs
        tables.append((table.bbox, rows))
    boxes = [bbox for bbox, _ in tables]
    chars = [c for c in _mapped_chars(page) if not any(_inside(c, box) for box in boxes)]
    positioned: list[tuple[float, _Placed]] = []
    top_margin = page.height * MARGIN_SHARE
    bottom_margin = page.height * (1 - MARGIN_SHARE)
    for line in _lines(chars):
        in_margin = line.top < top_margin or line.top > bottom_margin
        positioned.append((line.top, _Placed(Paragraph(line.text), line, float(page.width), in_margin)))
    for bbox, rows in tables:
        positioned.append((bbox[1], _Placed(Table(rows=rows, origin=f"第 {page.page_number} 页"))))
    positioned.sort(key=lambda item: item[0])
    return [item for _, item in positioned]


def _without_running_heads(pages: list[list[_Placed]]) -> list[list[_Placed]]:
    """Drop page numbers, and headers or footers repeated on several pages (digits aside)."""
    def key(item: _Placed) -> str:
        return re.sub(r"[\d\s]", "", item.block.text)

    seen_on: dict[str, set[int]] = {}
    for index, items in enumerate(pages):
        for item in items:
            if item.in_margin:
                seen_on.setdefault(key(item), set()).add(index)
    return [
        [item for item in items
         if not (item.in_margin and (_PAGE_NUMBER.match(item.block.text) or len(seen_on[key(item)]) >= 2))]
        for items in pages
    ]


def _merge_continued_tables(pages: list[list[_Placed]]) -> list[_Placed]:
    """A table at the top of a page with the columns of the table ending the page before is its rest."""
    placed: list[_Placed] = []
    for items in pages:
        if len(items) > 1 and isinstance(items[0].block, Paragraph) and _CONTINUED.match(items[0].block.text):
            if isinstance(items[1].block, Table) and placed and isinstance(placed[-1].block, Table):
                items = items[1:]  # "续表" announces the rest of the table before it
        if items and placed:
            first, previous = items[0].block, placed[-1].block
            if isinstance(first, Table) and isinstance(previous, Table) and first.width == previous.width:
                _continue_table(previous, first)
                items = items[1:]
        placed.extend(items)
    return placed


def _join_wrapped_lines(placed: list[_Placed]) -> list[Block]:
    """One Paragraph per source paragraph: a line that runs to the right margin continues below.

    Only the page geometry tells a wrap from a sentence that ends at the line's end, so the
    reader, not the text extractors, rejoins them. A new item or an indented line starts afresh.
    """
    margins: dict[float, tuple[float, float]] = {}
    for item in placed:
        if item.line is not None:
            left, right = margins.get(item.page_width, (item.line.x0, item.line.x1))
            margins[item.page_width] = (min(left, item.line.x0), max(right, item.line.x1))
    # Text pages have (nearly) even side margins: when no line reaches the right margin the left
    # one mirrors, the lines are all short and none of them is a wrapped one.
    filled = {
        width: (left, right) for width, (left, right) in margins.items()
        if right >= width - left - RIGHT_MARGIN_TOLERANCE_PT
    }
    blocks: list[Block] = []
    previous: _Placed | None = None
    for item in placed:
        line = item.line
        if (line is not None and previous is not None and previous.line is not None
                and item.page_width in filled and _wraps_into(previous.line, line, *filled[item.page_width])):
            blocks[-1] = Paragraph(blocks[-1].text + _joiner(previous.line.text, line.text) + line.text)
        else:
            blocks.append(item.block)
        previous = item
    return blocks


def _wraps_into(before: _Line, after: _Line, left: float, right: float) -> bool:
    slack = right - before.x1
    return (
        slack < max(WRAP_SLACK_CHARS * before.size, after.lead_width + 0.5 * before.size)
        and after.x0 < left + 0.5 * after.size
        and not _ITEM_START.match(after.text)
    )


def _joiner(before: str, after: str) -> str:
    """Latin words wrap at a space, which the layout drops; Chinese text wraps anywhere."""
    return " " if _LATIN.match(before[-1]) and _LATIN.match(after[0]) else ""


def _mapped_chars(page) -> list[dict]:
    return [c for c in page.chars if not c["text"].startswith("(cid:")]


def _inside(char: dict, bbox) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _lines(chars: list[dict]) -> list[_Line]:
    """Text lines (pdfplumber's text layout) with their position and right end."""
    if not chars:
        return []
    from pdfplumber.utils.text import chars_to_textmap

    textmap = chars_to_textmap(chars, x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE, keep_blank_chars=True)
    lines: list[_Line] = []
    text: list[str] = []
    objects: list[dict] = []

    def flush() -> None:
        joined = "".join(text).strip()
        visible = [o for o in objects if o["text"].strip()]
        if joined and visible:
            lead = visible[:1]
            for obj in visible[1:]:
                if _CJK.match(lead[-1]["text"]) or _CJK.match(obj["text"]):
                    break
                lead.append(obj)
            lines.append(_Line(
                text=joined,
                top=min(o["top"] for o in visible),
                x0=min(o["x0"] for o in visible),
                x1=max(o["x1"] for o in visible),
                size=max(o.get("size") or (o["x1"] - o["x0"]) for o in visible),
                lead_width=lead[-1]["x1"] - lead[0]["x0"],
            ))
        text.clear()
        objects.clear()

    for char, obj in textmap.tuples:
        if char == "\n":
            flush()
            continue
        text.append(char)
        if obj is not None:
            objects.append(obj)
    flush()
    return lines


def _table_rows(page, table) -> list[list[str]]:
    rows: list[list[str]] = []
    chars = _mapped_chars(page)
    for row in table.rows:
        row_chars = [c for c in chars if _inside(c, row.bbox)]
        cells: list[str] = []
        for cell in row.cells:
            if cell is None:
                cells.append("")  # covered by a merged cell: its text sits in the first row/column
                continue
            cells.append(_cell_text([c for c in row_chars if _inside(c, cell)], cell[2]))
        rows.append(cells)
    return rows


def _cell_text(chars: list[dict], right_edge: float) -> str:
    """A cell's lines, with the lines the layout wrapped joined and deliberate breaks kept."""
    lines = _lines(chars)
    if not lines:
        return ""
    parts = [lines[0].text]
    for before, after in zip(lines, lines[1:]):
        slack = right_edge - CELL_PADDING_PT - before.x1
        wrapped = (
            slack < max(WRAP_SLACK_CHARS * before.size, after.lead_width + 0.5 * before.size)
            and not _ITEM_START.match(after.text)
            and not before.text.endswith(_SENTENCE_END)
        )
        parts.append(_joiner(before.text, after.text) if wrapped else "\n")
        parts.append(after.text)
    return "".join(parts)


def _continue_table(table: Table, continuation: Table) -> None:
    """Append the rows of a table's next-page part, without a repeated header row."""
    rows = continuation.rows
    if rows and table.rows and rows[0] == table.rows[0]:
        rows = rows[1:]
    table.rows.extend(rows)
