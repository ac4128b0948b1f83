"""Word (.docx) reader: body paragraphs and real Word tables, in document order.

The body XML is walked directly so paragraphs and tables interleave as in the file, and merged
cells are laid out on the table grid (text in the first cell of a span, the others empty).
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from dashboard.ingest.document import Block, Document, Paragraph, Table
from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers.limits import (
    MAX_DOCX_TABLE_CELLS,
    MAX_DOCX_TABLE_COLUMNS,
    MAX_DOCX_TABLE_ROWS,
    MAX_TABLE_DEPTH,
    Deadline,
    check_office_zip,
)

KIND = "Word 文档（.docx）"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (
    _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"), _w("sdtContent"), _w("customXml"),
)
# Containers that only wrap ordinary content (content controls, custom XML, tracked moves-to).
_WRAPPERS = {SDT, SDT_CONTENT, CUSTOM_XML, _w("ins"), _w("moveTo"), _w("smartTag")}
# Subtrees whose text is not part of the visible paragraph.
_SKIPPED = {_w("del"), _w("moveFrom"), _w("pPr"), _w("rPr"), _w("sdtPr"), _w("txbxContent"), f"{{{MC}}}Fallback"}
_CHECK_EVERY_BLOCKS = 200


def read_docx(path: str | Path) -> Document:
    """The document's body as paragraphs and tables; ReadError when it cannot be read."""
    path = Path(path)
    deadline = Deadline()
    check_office_zip(path, KIND)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        word = docx.Document(str(path))
        body = word.element.body
        numbering = _Numbering(word)
    # The libraries' own messages are English and may quote the path, so the reasons are our own.
    except PackageNotFoundError as exc:
        raise ReadError(f"不是有效的 {KIND}：缺少文档主体") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(f"不是有效的 {KIND}：压缩内容已损坏（校验失败或数据不完整）") from exc
    except etree.LxmlError as exc:
        raise ReadError(f"不是有效的 {KIND}：文档的 XML 内容已损坏") from exc
    except KeyError as exc:
        raise ReadError(f"不是有效的 {KIND}：缺少必需的文档部件") from exc
    except ValueError as exc:
        if "content type" in str(exc):
            raise ReadError(f"不是有效的 {KIND}：文件是其他类型的 Office 文档（例如改了扩展名的 Excel 工作簿）") from exc
        raise ReadError(f"不是有效的 {KIND}：文档结构无法识别") from exc
    except (TypeError, AttributeError, NotImplementedError) as exc:
        raise ReadError(f"不是有效的 {KIND}：文档结构无法识别") from exc
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc

    doc = Document(source=str(path), format="docx")
    reader = _BodyReader(doc, deadline, numbering)
    reader.read_container(body)
    if not any(_has_text(block) for block in doc.blocks):
        raise ReadError(f"{KIND}中没有文字内容（空白文档，或只有图片/扫描件）")
    return doc


def _has_text(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell.strip() for row in block.rows for cell in row)


class _BodyReader:
    def __init__(self, doc: Document, deadline: Deadline, numbering: _Numbering):
        self.doc = doc
        self.deadline = deadline
        self.numbering = numbering
        self.table_count = 0
        self.depth_warned = False
        self.cells_left = MAX_DOCX_TABLE_CELLS

    def _add(self, block: Block) -> None:
        self.doc.blocks.append(block)
        if len(self.doc.blocks) % _CHECK_EVERY_BLOCKS == 0:
            self.deadline.check(f"已读 {len(self.doc.blocks)} 段")

    def read_container(self, element) -> None:
        """Paragraphs and tables of the body (or of a content control inside it), in order."""
        for child in element:
            if child.tag == P:
                self._add(Paragraph(self.paragraph_text(child)))
                for box_paragraph in _text_box_paragraphs(child):
                    self._add(Paragraph(box_paragraph))
            elif child.tag == TBL:
                self.read_table(child, depth=1)
            elif child.tag in _WRAPPERS:
                self.read_container(child)

    def read_table(self, tbl, depth: int) -> None:
        if depth > MAX_TABLE_DEPTH:
            if not self.depth_warned:
                self.doc.warnings.append(f"表格嵌套超过 {MAX_TABLE_DEPTH} 层，更深层的表格已忽略")
                self.depth_warned = True
            return
        self.table_count += 1
        origin = f"表格 {self.table_count}" if depth == 1 else f"表格 {self.table_count}（嵌套第 {depth} 层）"
        nested: list = []
        rows: list[list[str]] = []
        width = 0
        for tr in _children(tbl, TR):
            if len(rows) >= MAX_DOCX_TABLE_ROWS:
                raise ReadError(f"{origin}超过 {MAX_DOCX_TABLE_ROWS:,} 行的上限，文件过大或结构异常，已拒绝")
            rows.append(self.row_cells(tr, nested, origin))
            width = max(width, len(rows[-1]))
            if len(rows) * width > self.cells_left:
                raise ReadError(
                    f"{KIND}的表格合计超过 {MAX_DOCX_TABLE_CELLS:,} 个单元格的上限（{origin}），文件过大或结构异常，已拒绝"
                )
        self.cells_left -= len(rows) * width
        # Rows a table's grid leaves short (no gridAfter) are padded: every row as wide as the table.
        rows = [row + [""] * (width - len(row)) for row in rows]
        self._add(Table(rows=rows, origin=origin))
        # Tables inside cells follow their parent table, so a form nested in a layout table is found.
        for inner in nested:
            self.read_table(inner, depth + 1)

    def row_cells(self, tr, nested: list, origin: str = "表格") -> list[str]:
        """One row laid out on the table grid. Every span (gridBefore, gridSpan, gridAfter) is checked
        against the column cap before it becomes cells: a crafted span of 400,000,000 is refused."""
        cells: list[str] = []

        def grow(count: int, what: str) -> None:
            if count > MAX_DOCX_TABLE_COLUMNS or len(cells) + count > MAX_DOCX_TABLE_COLUMNS:
                raise ReadError(
                    f"{origin}的一行（{what}）超过 {MAX_DOCX_TABLE_COLUMNS:,} 列的上限，文件结构异常，已拒绝"
                )
            cells.extend([""] * count)

        grow(max(0, _int_attr(tr.find(f"{_w('trPr')}/{_w('gridBefore')}"))), "gridBefore")
        for tc in _children(tr, TC):
            tc_pr = tc.find(_w("tcPr"))
            span = 1
            continuation = False
            if tc_pr is not None:
                span = max(1, _int_attr(tc_pr.find(_w("gridSpan")), default=1))
                v_merge = tc_pr.find(_w("vMerge"))
                if v_merge is not None and v_merge.get(_w("val"), "continue") != "restart":
                    continuation = True
                h_merge = tc_pr.find(_w("hMerge"))
                if h_merge is not None and h_merge.get(_w("val"), "continue") != "restart":
                    continuation = True
            grow(span, "gridSpan")
            cells[-span] = "" if continuation else self.cell_text(tc, nested)
        grow(max(0, _int_attr(tr.find(f"{_w('trPr')}/{_w('gridAfter')}"))), "gridAfter")
        return cells

    def cell_text(self, tc, nested: list) -> str:
        lines: list[str] = []
        stack = list(reversed(list(tc)))
        while stack:
            child = stack.pop()
            if child.tag == P:
                lines.append(self.paragraph_text(child))
                lines.extend(_text_box_paragraphs(child))
            elif child.tag == TBL:
                nested.append(child)
            elif child.tag in _WRAPPERS:
                stack.extend(reversed(list(child)))
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines).strip()

    def paragraph_text(self, p) -> str:
        text = _paragraph_text(p)
        label = self.numbering.label(p)
        return label + text if label and text.strip() else text


def _children(element, tag: str):
    """Direct children with this tag, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _int_attr(element, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_w("val"), default))
    except (TypeError, ValueError):
        return default


def _paragraph_text(p) -> str:
    """The visible text of a paragraph: runs, hyperlinks, fields' results, tracked insertions."""
    parts: list[str] = []
    stack = list(reversed(list(p)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _w("t"):
            parts.append(node.text or "")
        elif tag == _w("tab"):
            parts.append("\t")
        elif tag == _w("br"):
            if node.get(_w("type")) not in ("page", "column"):
                parts.append("\n")
        elif tag == _w("cr"):
            parts.append("\n")
        elif tag == _w("noBreakHyphen"):
            parts.append("-")
        else:
            stack.extend(reversed(list(node)))
    return "".join(parts)


def _text_box_paragraphs(p) -> list[str]:
    """Paragraphs inside text boxes anchored in this paragraph (the drawing, not its fallback copy)."""
    boxes = p.findall(f".//{_w('txbxContent')}")
    if not boxes:
        return []
    texts: list[str] = []
    for box in boxes:
        # The fallback copy repeats the drawing's text; a box inside a box is read with its parent.
        if any(a.tag in (f"{{{MC}}}Fallback", _w("txbxContent")) for a in box.iterancestors()):
            continue
        for inner in box.iter(P):
            text = _paragraph_text(inner)
            if text.strip():
                texts.append(text)
    return texts


_CHINESE_DIGITS = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _chinese_count(n: int, digits: str = _CHINESE_DIGITS, ten: str = "十") -> str:
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 and digits is _CHINESE_DIGITS else digits[tens]) + ten + (digits[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter past Z: AA, BB, ...
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese_count(n)
    if fmt == "chineseLegalSimplified":
        return _chinese_count(n, _LEGAL_DIGITS, "拾")
    if fmt == "ideographDigital":
        return "".join(_CHINESE_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return _HEAVENLY_STEMS[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    return str(n)


class _Numbering:
    """Word's automatic list numbers ("一、", "（一）", "1."), which are not in the paragraph text.

    Counters run per abstract list, as Word continues a list across its instances; a level
    restarts when a level above it advances. Bullets get no label.
    """

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.abstract_of: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        if numbering is not None:
            for abstract in numbering.findall(_w("abstractNum")):
                levels = {}
                for lvl in abstract.findall(_w("lvl")):
                    fmt = lvl.find(_w("numFmt"))
                    text = lvl.find(_w("lvlText"))
                    levels[_int(lvl.get(_w("ilvl")))] = (
                        fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
                        text.get(_w("val"), "") if text is not None else "",
                        _int_attr(lvl.find(_w("start")), default=1),
                    )
                self.levels[abstract.get(_w("abstractNumId"), "")] = levels
            for num in numbering.findall(_w("num")):
                num_id = num.get(_w("numId"), "")
                abstract_id = num.find(_w("abstractNumId"))
                if abstract_id is not None:
                    self.abstract_of[num_id] = abstract_id.get(_w("val"), "")
                self.overrides[num_id] = {
                    _int(o.get(_w("ilvl"))): _int_attr(o.find(_w("startOverride")), default=1)
                    for o in num.findall(_w("lvlOverride")) if o.find(_w("startOverride")) is not None
                }
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles = None
        if styles is not None:
            self._read_styles(styles)

    def _read_styles(self, styles) -> None:
        own: dict[str, tuple[str | None, int | None, str | None]] = {}
        for style in styles.findall(_w("style")):
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            based_on = style.find(_w("basedOn"))
            num_id = ilvl = None
            if num_pr is not None:
                num_id_el, ilvl_el = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
                num_id = num_id_el.get(_w("val")) if num_id_el is not None else None
                ilvl = _int_attr(ilvl_el) if ilvl_el is not None else None
            own[style.get(_w("styleId"), "")] = (num_id, ilvl, based_on.get(_w("val")) if based_on is not None else None)
        for style_id in own:
            num_id, ilvl, parent = own[style_id]
            seen = {style_id}
            while num_id is None and parent and parent not in seen and parent in own:
                seen.add(parent)
                num_id, parent_ilvl, parent = own[parent]
                ilvl = ilvl if ilvl is not None else parent_ilvl
            if num_id is not None:
                self.style_numbering[style_id] = (num_id, ilvl)

    def label(self, p) -> str:
        """The number Word shows before this paragraph ("" when it has none), advancing the list."""
        if not self.levels:
            return ""
        p_pr = p.find(_w("pPr"))
        if p_pr is None:
            return ""
        num_id = ilvl = None
        style = p_pr.find(_w("pStyle"))
        if style is not None and style.get(_w("val")) in self.style_numbering:
            num_id, ilvl = self.style_numbering[style.get(_w("val"))]
        num_pr = p_pr.find(_w("numPr"))
        if num_pr is not None:
            num_id_el, ilvl_el = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
            if num_id_el is not None:
                num_id = num_id_el.get(_w("val"))
            if ilvl_el is not None:
                ilvl = _int_attr(ilvl_el)
        abstract_id = self.abstract_of.get(num_id or "")
        if not num_id or num_id == "0" or abstract_id is None:
            return ""
        level = ilvl or 0
        levels = self.levels.get(abstract_id, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, [None] * 10)
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in self.overrides.get(num_id, {}).items():
                if 0 <= overridden < 10:
                    counters[overridden] = start - 1
        current = counters[level]
        counters[level] = levels[level][2] if current is None else current + 1
        for deeper in range(level + 1, 10):
            counters[deeper] = None
        fmt, text, _ = levels[level]
        if fmt in ("bullet", "none") or not text:
            return ""

        def number(match) -> str:
            k = int(match.group(1)) - 1
            count = counters[k] if 0 <= k < 10 and counters[k] is not None else levels.get(k, ("", "", 1))[2]
            return _format_number(count, levels.get(k, ("decimal",))[0])

        label = re.sub(r"%([1-9])", number, text)
        return label if label[-1:] in "、.．)）:：" else label + " "


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
