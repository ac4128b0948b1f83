"""The Word reader on real .docx files: order of paragraphs and tables, merged cells, nesting."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest

from dashboard.corpus.writers import write_docx
from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.readers import read_document
from dashboard.ingest.readers.docx import read_docx
from dashboard.ingest.readers.limits import MAX_TABLE_DEPTH

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def _padded(table: Table) -> list[list[str]]:
    return [row + [""] * (table.width - len(row)) for row in table.rows]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_docx_reads_back_the_text_readers_document(seed: Path):
    expected = read_document(seed)
    doc = read_docx(FIXTURES / "seeds_docx" / f"{seed.stem}.docx")
    assert doc.format == "docx"
    assert doc.paragraphs == expected.paragraphs
    assert [t.rows for t in doc.tables] == [_padded(t) for t in expected.tables]
    # Blocks keep the file's order: each table sits between the same paragraphs as in the text.
    kinds = ["T" if isinstance(b, Table) else "P" for b in doc.blocks]
    assert kinds == ["T" if isinstance(b, Table) else "P" for b in expected.blocks]


def test_seed_docx_tables_are_real_word_tables_with_merged_cells():
    word = docx.Document(str(FIXTURES / "seeds_docx" / "001_14069cec515ef4d6.docx"))
    assert len(word.tables) == 1
    xml = word.tables[0]._tbl.xml
    assert "w:vMerge" in xml  # 一级指标 cells span their rows, as on a real form
    assert word.tables[0].style.name == "Table Grid"


def test_paragraphs_and_tables_interleave_in_document_order(tmp_path: Path):
    word = docx.Document()
    word.add_paragraph("一、项目基本情况")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目名称", "信息化建设"
    table.cell(1, 0).text, table.cell(1, 1).text = "预算", "50万元"
    word.add_paragraph("二、绩效目标")
    word.add_table(rows=1, cols=1).cell(0, 0).text = "总体目标"
    word.add_paragraph("三、结论")
    path = tmp_path / "order.docx"
    word.save(path)

    doc = read_docx(path)
    assert [b.text if isinstance(b, Paragraph) else b.rows for b in doc.blocks] == [
        "一、项目基本情况",
        [["项目名称", "信息化建设"], ["预算", "50万元"]],
        "二、绩效目标",
        [["总体目标"]],
        "三、结论",
    ]


def test_merged_cells_keep_text_in_the_first_cell_only(tmp_path: Path):
    word = docx.Document()
    table = word.add_table(rows=4, cols=4)
    for r in range(4):
        for c in range(4):
            table.cell(r, c).text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 2))  # horizontal: three grid columns
    table.cell(1, 0).merge(table.cell(3, 0))  # vertical: three rows
    table.cell(0, 0).text = "绩效指标"
    table.cell(1, 0).text = "产出指标"
    path = tmp_path / "merged.docx"
    word.save(path)

    rows = read_docx(path).tables[0].rows
    assert rows[0] == ["绩效指标", "", "", "r0c3"]
    assert [row[0] for row in rows] == ["绩效指标", "产出指标", "", ""]
    assert rows[2][1:] == ["r2c1", "r2c2", "r2c3"]
    assert all(len(row) == 4 for row in rows)


def test_cell_paragraphs_and_line_breaks_become_lines(tmp_path: Path):
    word = docx.Document()
    cell = word.add_table(rows=1, cols=2).cell(0, 0)
    cell.text = "①程序是否规范；"
    cell.add_paragraph("②材料是否齐全。")
    word.add_paragraph("第一行\n第二行\t制表")
    path = tmp_path / "lines.docx"
    word.save(path)

    doc = read_docx(path)
    assert doc.tables[0].rows == [["①程序是否规范；\n②材料是否齐全。", ""]]
    assert doc.paragraphs == ["第一行\n第二行\t制表"]


def _nest(cell, depth: int) -> None:
    inner = cell.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = f"第{depth}层"
    if depth < MAX_TABLE_DEPTH + 2:
        _nest(inner.cell(0, 0), depth + 1)


def test_nested_tables_are_read_up_to_the_depth_limit(tmp_path: Path):
    word = docx.Document()
    word.add_paragraph("嵌套表格")
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外层"
    _nest(outer.cell(0, 1), 2)
    path = tmp_path / "nested.docx"
    word.save(path)

    doc = read_docx(path)
    assert len(doc.tables) == MAX_TABLE_DEPTH
    assert doc.tables[0].rows[0][0] == "外层"
    assert doc.tables[1].rows == [["第2层"]]
    assert doc.tables[-1].rows[0][0] == f"第{MAX_TABLE_DEPTH}层"
    assert any("嵌套" in w and str(MAX_TABLE_DEPTH) in w for w in doc.warnings)


def test_tracked_deletions_are_not_text_and_insertions_are(tmp_path: Path):
    word = docx.Document()
    word.add_paragraph("占位")
    path = tmp_path / "tracked.docx"
    word.save(path)
    # Rewrite the paragraph as Word writes a tracked change.
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = (
        f'<w:p {ns}><w:r><w:t>实际支出</w:t></w:r>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>40</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>47.76</w:t></w:r></w:ins>'
        '<w:r><w:t>万元</w:t></w:r></w:p>'
    )
    from docx.oxml import parse_xml

    reopened = docx.Document(str(path))
    old = reopened.paragraphs[0]._p
    old.addnext(parse_xml(paragraph))
    old.getparent().remove(old)
    reopened.save(path)
    assert read_docx(path).paragraphs == ["实际支出47.76万元"]


def test_writer_round_trip_keeps_every_cell(tmp_path: Path):
    rows = [
        ["一级指标", "二级指标", "三级指标", "分值", "得分"],
        ["产出指标(50分)", "数量指标", "维护次数", "20", "20"],
        ["", "", "覆盖率", "10", "8"],
        ["", "质量指标", "故障率", "20", "19"],
        ["合计", "", "", "100", "95"],
    ]
    source = Document(source="form", format="txt", blocks=[Paragraph("自评表"), Table(rows=rows), Paragraph("")])
    path = write_docx(source, tmp_path / "form.docx")
    doc = read_docx(path)
    assert doc.tables[0].rows == rows
    assert doc.paragraphs == ["自评表", ""]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def _docx_with_body_xml(tmp_path: Path, body_xml: str) -> Path:
    """A Word file whose body holds exactly this XML (as Word and WPS write it)."""
    from docx.oxml import parse_xml

    word = docx.Document()
    body = word.element.body
    for element in parse_xml(f"<w:body {W_NS} {MC_NS}>{body_xml}</w:body>"):
        body.insert(len(body) - 1, element)  # before the section properties
    path = tmp_path / "crafted.docx"
    word.save(path)
    return path


def test_content_controls_and_text_boxes_are_read_once(tmp_path: Path):
    body = (
        "<w:sdt><w:sdtPr><w:alias w:val='标题'/></w:sdtPr><w:sdtContent>"
        "<w:p><w:r><w:t>项目支出绩效自评表</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目名称</w:t></w:r></w:p></w:tc>"
        "<w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>农村饮水</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>"
        "</w:tr></w:tbl>"
        "<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>"
        "<mc:Choice Requires='wps'><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    doc = read_docx(_docx_with_body_xml(tmp_path, body))
    assert [b.text if isinstance(b, Paragraph) else b.rows for b in doc.blocks] == [
        "项目支出绩效自评表",
        [["项目名称", "农村饮水"]],
        "正文",
        "文本框内容",
    ]


def test_grid_before_and_after_keep_cells_in_their_columns(tmp_path: Path):
    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr><w:tc><w:p><w:r><w:t>分值</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>10</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:trPr><w:gridAfter w:val='2'/></w:trPr><w:tc><w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    rows = read_docx(_docx_with_body_xml(tmp_path, body)).tables[0].rows
    assert rows == [["a", "b", "c"], ["", "分值", "10"], ["合计", "", ""]]


def _numbered(word, text: str, num_id: int, level: int):
    from docx.oxml import parse_xml

    paragraph = word.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def test_automatic_list_numbers_are_part_of_the_text(tmp_path: Path):
    from docx.oxml import parse_xml

    word = docx.Document()
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    abstract = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering = word.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="90">{abstract}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in [("项目基本情况", 0), ("项目概况", 1), ("立项背景", 2), ("实施情况", 2),
                        ("绩效目标", 1), ("存在的问题", 0), ("预算编制不够精细", 1)]:
        _numbered(word, text, 90, level)
    word.add_paragraph("无编号的段落")
    word.add_paragraph("第一项", style="List Number")  # numbered through its style
    word.add_paragraph("第二项", style="List Number")
    path = tmp_path / "numbered.docx"
    word.save(path)

    assert read_docx(path).paragraphs == [
        "一、项目基本情况", "（一）项目概况", "1.立项背景", "2.实施情况", "（二）绩效目标",
        "二、存在的问题", "（一）预算编制不够精细", "无编号的段落", "1.第一项", "2.第二项",
    ]
