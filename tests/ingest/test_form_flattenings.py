"""Metamorphic tests: one 自评表 grid, written by hand, extracts to the same record however a web
page, a converter or an office program lays it out (cell per line with a trailing bar, space-joined
rows, pipe table, tab rows, no separators, docx table, xlsx sheet, PDF text layer).

The grid below is invented; its layout follows the standard form family (FORMS.md, 安徽/云南/上海
项目支出绩效自评表) as seen on published pages listed in tests/fixtures/real_layouts/SOURCES.md.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.corpus.writers import write_docx, write_pdf
from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.extract import extract_file

TITLE = "项目支出绩效自评表"
YEAR_LINE = "(2023年度)"
HEADER = [
    ["项目名称", "桐溪镇农村饮水巩固提升", "", ""],
    ["主管部门", "临溪县水务局", "实施单位", "临溪县桐溪镇人民政府"],
]
FUNDS = [
    ["项目资金(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "48", "52.5", "47.25", "10", "90.00%", "9"],
    ["其中:本年财政拨款", "48", "52.5", "47.25", "—", "—", "—"],
]
INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标(50分)", "数量指标", "改造供水管网长度", "≥12公里", "11公里", "20", "18", "一处管网因征地延后"],
    ["产出指标(50分)", "质量指标", "工程验收合格率", "100%", "100%", "15", "15", ""],
    ["产出指标(50分)", "时效指标", "完工及时率", "≥95%", "92%", "15", "13", "雨季停工"],
    ["效益指标(30分)", "社会效益指标", "受益人口", "≥6000人", "6200人", "30", "30", ""],
    ["满意度指标(10分)", "服务对象满意度指标", "受益群众满意度", "≥90%", "94%", "10", "10", ""],
]
TOTAL = ["总分", "100", "95", "优"]

WANT = {
    "project_name": "桐溪镇农村饮水巩固提升", "department": "临溪县桐溪镇人民政府",
    "supervising_department": "临溪县水务局", "region": "临溪县", "kind": "project_self", "year": 2023,
    "initial_budget_wan": 48.0, "budget_wan": 52.5, "spent_wan": 47.25, "stated_execution_rate": 90.0,
    "execution_rate": 90.0, "self_score": 95.0, "grade": "优", "execution_weight": 10.0, "execution_score": 9.0,
}
WANT_ROWS = [("改造供水管网长度", 20, 18), ("工程验收合格率", 15, 15), ("完工及时率", 15, 13), ("受益人口", 30, 30),
             ("受益群众满意度", 10, 10)]


def _grid() -> list[list[str]]:
    return [[TITLE], [YEAR_LINE]] + HEADER + FUNDS + INDICATORS + [TOTAL]


def _lines_cells_with_bar(chrome: bool) -> str:
    lines = []
    for row in _grid():
        lines.extend(f"{cell} |" if cell else "|" for cell in row)
    return "\n".join(lines)


def _lines_space_rows(chrome: bool) -> str:
    return "\n".join(" ".join(c for c in row if c) for row in _grid())


def _one_flat_line(chrome: bool) -> str:
    return " ".join(c for row in _grid() for c in row if c)


def _pipe(chrome: bool) -> str:
    return "\n".join("| " + " | ".join(row) + " |" for row in _grid())


def _tabs(chrome: bool) -> str:
    return "\n".join("\t".join(row) for row in _grid())


TEXT_LAYOUTS = {"cells_with_bar": _lines_cells_with_bar, "space_rows": _lines_space_rows,
                "one_flat_line": _one_flat_line, "pipe": _pipe, "tabs": _tabs}
CHROME = ("首页 >> 信息公开 >> 财政预决算 >> 绩效评价\n"
          "浏览次数: 来源: 临溪县财政局 时间: 2024-05-20 文字大小:[ 大 中 小 ] 背景色:\n"
          "索引号: 000000000/2024-00031\n发布机构: 临溪县财政局\n")


def _document() -> Document:
    return Document(source="grid", format="docx", blocks=[
        Paragraph(TITLE), Paragraph(YEAR_LINE), Table(rows=HEADER), Table(rows=FUNDS), Table(rows=INDICATORS),
        Table(rows=[TOTAL])])


def _write(layout: str, chrome: bool, folder: Path) -> Path:
    if layout in TEXT_LAYOUTS:
        path = folder / f"{layout}.txt"
        path.write_text((CHROME if chrome else "") + TEXT_LAYOUTS[layout](chrome) + "\n", encoding="utf-8")
        return path
    if layout == "docx":
        return write_docx(_document(), folder / "form.docx")
    if layout == "pdf":
        return write_pdf(_document(), folder / "form.pdf")
    if layout == "xlsx":
        import xlsxwriter

        path = folder / "form.xlsx"
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
        sheet = book.add_worksheet("表1")
        for i, row in enumerate(_grid()):
            for j, cell in enumerate(row):
                sheet.write_string(i, j, cell)
        book.close()
        return path
    raise ValueError(layout)


def _check(path: Path) -> None:
    records = extract_file(path, use_manifest=False)
    assert len(records) == 1, f"{path.name}: {len(records)} records"
    got = records[0].to_contract()
    for key, want in WANT.items():
        value = got[key]
        if isinstance(want, float):
            assert value is not None and math.isclose(value, want, abs_tol=1e-6), f"{path.name}: {key} {value!r} != {want!r}"
        else:
            assert value == want, f"{path.name}: {key} {value!r} != {want!r}"
    rows = [(r["level3"], r["weight"], r["score"]) for r in got["indicators"]]
    assert rows == WANT_ROWS, f"{path.name}: indicators {rows}"


LAYOUTS = sorted(TEXT_LAYOUTS) + ["docx", "xlsx", "pdf"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_extracts_the_same_record(layout, tmp_path):
    _check(_write(layout, chrome=False, folder=tmp_path))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=st.sampled_from(sorted(TEXT_LAYOUTS)), chrome=st.booleans())
def test_page_chrome_changes_nothing(layout, chrome, tmp_path_factory):
    _check(_write(layout, chrome, tmp_path_factory.mktemp("flat")))


def test_no_separators_keeps_header_and_funds(tmp_path):
    """`项目名称桐溪镇…主管部门…年度资金总额48 52.5 47.25 10 90.00% 9`: labels anchor the values."""
    head = "".join(c for row in [[TITLE, YEAR_LINE]] + HEADER + FUNDS[:2] for c in row if c and not c[0].isdigit())
    numbers = " ".join(FUNDS[1][1:])
    text = "".join(c for row in [[TITLE, YEAR_LINE]] + HEADER for c in row if c)
    text += "".join(FUNDS[0]) + FUNDS[1][0] + numbers
    assert head  # the label run itself holds no numbers
    path = tmp_path / "nosep.txt"
    path.write_text(text + "\n", encoding="utf-8")
    got = extract_file(path, use_manifest=False)[0].to_contract()
    for key in ("project_name", "department", "supervising_department", "year", "initial_budget_wan", "budget_wan",
                "spent_wan", "stated_execution_rate", "execution_weight", "execution_score"):
        assert got[key] == pytest.approx(WANT[key]) if isinstance(WANT[key], float) else got[key] == WANT[key], key


# --- rules added from the layout twins (issue 13) ------------------------------------------------

def test_a_fused_total_splits_into_weight_and_score():
    from dashboard.ingest.extract.form_stream import split_fused_total

    assert split_fused_total("100100") == ["100", "100"]
    assert split_fused_total("10095.5") == ["100", "95.5"]
    assert split_fused_total("108.2") == ["10", "8.2"]
    for single in ("95", "100", "100.0", "98.5"):  # a single number stays as it is
        assert split_fused_total(single) == [single]


def _extract_rows(rows, tmp_path):
    path = tmp_path / "form.txt"
    path.write_text("\n".join(" | ".join(r) + " |" if len(r) > 1 else r[0] for r in rows), encoding="utf-8")
    return extract_file(path, use_manifest=False)


def test_grade_rows_of_a_department_form_and_a_bracketed_grade(tmp_path):
    dept = [[TITLE.replace("项目支出", "部门整体支出")], [YEAR_LINE], ["| 部门名称", "临溪县水务局"],
            ["| 一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "偏差原因分析及改进措施"],
            ["| 二、部门年度重点工作任务"],
            ["| 任务名称", "项目", "批复金额(元)", "实际支出金额(元)", "预算执行率"],
            ["| 管网改造", "管网改造经费", "285000.00", "283716.42", "99.55%"],
            ["| 三、部门整体支出绩效指标"],
            ["| 一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "偏差原因分析及改进措施"],
            ["| 产出指标", "数量指标", "改造管网长度", "≥", "12", "公里", "12", "无"],
            ["| 四、部门自评等级", "优"]]
    [record] = _extract_rows(dept, tmp_path)
    # The grade row ends the indicator table; a target-only table scores no indicator.
    assert record.kind == "department_self" and record.grade == "优" and record.indicators == []
    from dashboard.ingest.extract import form_labels as L

    assert L.grade_cell("(自评等级)优") == "优" and L.grade_cell("良好") == "良" and L.grade_cell("100") is None


def test_fund_cells_that_repeat_the_unit_and_a_county_supervisor(tmp_path):
    lines = ["中央、市级专项转移支付绩效目标自评表", "(2021年度)", "专项(项目)名称  临溪县青岗村道路提升项目",
             "市级主管部门  临溪市水利局", "县级主管部门  临溪县水利局 实施单位  临溪县石门乡人民政府",
             "项目资金(万元) ", "全年预算数(A)  全年执行数(B)  执行率(B/A) ",
             "年度资金总额:  286.45万元 286.45万元 100%"]
    path = tmp_path / "transfer.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    [record] = extract_file(path, use_manifest=False)
    assert record.project_name == "临溪县青岗村道路提升项目"
    assert record.supervising_department == "临溪县水利局"
    assert (record.budget_wan, record.spent_wan, record.stated_execution_rate) == (286.45, 286.45, 100.0)
