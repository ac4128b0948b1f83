"""Word (.docx) reader: body paragraphs and real Word tables, in document order.

The body XML is walked directly so paragraphs and tables interleave as in the file, and merged
cells are laid out on the table grid (text in the first cell of a span, the others empty).
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from lxml import etree

from dashboard.ingest.document import Block, Document, Paragraph, Table
from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers.limits import MAX_TABLE_DEPTH, Deadline, check_office_zip

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

        body = docx.Document(str(path)).element.body
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
    reader = _BodyReader(doc, deadline)
    reader.read_container(body)
    if not any(_has_text(block) for block in doc.blocks):
        raise ReadError(f"{KIND}中没有文字内容（空白文档，或只有图片/扫描件）")
    return doc


def _has_text(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell.strip() for row in block.rows for cell in row)


class _BodyReader:
    def __init__(self, doc: Document, deadline: Deadline):
        self.doc = doc
        self.deadline = deadline
        self.table_count = 0
        self.depth_warned = False

    def _add(self, block: Block) -> None:
        self.doc.blocks.append(block)
        if len(self.doc.blocks) % _CHECK_EVERY_BLOCKS == 0:
            self.deadline.check(f"已读 {len(self.doc.blocks)} 段")

    def read_container(self, element) -> None:
        """Paragraphs and tables of the body (or of a content control inside it), in order."""
        for child in element:
            if child.tag == P:
                self._add(Paragraph(_paragraph_text(child)))
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
        rows = [_row_cells(tr, nested) for tr in _children(tbl, TR)]
        # Rows a table's grid leaves short (no gridAfter) are padded: every row as wide as the table.
        width = max((len(row) for row in rows), default=0)
        rows = [row + [""] * (width - len(row)) for row in rows]
        self._add(Table(rows=rows, origin=origin))
        # Tables inside cells follow their parent table, so a form nested in a layout table is found.
        for inner in nested:
            self.read_table(inner, depth + 1)


def _children(element, tag: str):
    """Direct children with this tag, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _row_cells(tr, nested: list) -> list[str]:
    cells: list[str] = []
    cells.extend([""] * _int_attr(tr.find(f"{_w('trPr')}/{_w('gridBefore')}")))
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
        text = "" if continuation else _cell_text(tc, nested)
        cells.append(text)
        cells.extend([""] * (span - 1))
    cells.extend([""] * _int_attr(tr.find(f"{_w('trPr')}/{_w('gridAfter')}")))
    return cells


def _cell_text(tc, nested: list) -> str:
    lines: list[str] = []
    stack = list(reversed(list(tc)))
    while stack:
        child = stack.pop()
        if child.tag == P:
            lines.append(_paragraph_text(child))
            lines.extend(_text_box_paragraphs(child))
        elif child.tag == TBL:
            nested.append(child)
        elif child.tag in _WRAPPERS:
            stack.extend(reversed(list(child)))
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines).strip()


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
