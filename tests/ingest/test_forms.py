"""自评表 forms: every fixture file (docx, pdf, xlsx, cell-per-line, pipe, flattened) extracts to its
known values, through the real readers and extract_file."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from dashboard.corpus.forms import expected_record, forms_document, render_form
from dashboard.ingest.document import Document, Paragraph
from dashboard.ingest.extract import extract_document, extract_file
from dashboard.ingest.extract.form import extract_forms, looks_like_form, split_forms
from dashboard.ingest.extract.form_stream import rows_from_document, segment_indicators
from dashboard.ingest.readers import read_document

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
EXPECTED = json.loads((FORMS / "expected.json").read_text(encoding="utf-8"))
CONTRACT_FIELDS = ("project_name", "department", "supervising_department", "kind", "year", "initial_budget_wan",
                   "budget_wan", "spent_wan", "stated_execution_rate", "execution_rate", "self_score", "grade",
                   "execution_weight", "execution_score", "problems")


def _same(got, want) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and want is not None and math.isclose(got, want, abs_tol=1e-6)
    return got == want


@pytest.fixture(scope="module")
def extracted() -> dict[str, list]:
    return {name: extract_file(FORMS / name) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_extracts_every_field(name, extracted):
    records = extracted[name]
    expected = EXPECTED[name]
    assert len(records) == len(expected), "one record per form"
    for record, want in zip(records, expected):
        got = record.to_contract()
        for field in CONTRACT_FIELDS:
            assert _same(got[field], want[field]), f"{name} {record.project_name}: {field} {got[field]!r} != {want[field]!r}"
        assert len(got["indicators"]) == len(want["indicators"]), f"{name}: indicator rows"
        for got_row, want_row in zip(got["indicators"], want["indicators"]):
            for field, value in want_row.items():
                assert _same(got_row[field], value), f"{name} {want_row['level3']}: {field} {got_row[field]!r} != {value!r}"
        for fragment in want.get("warnings_contain", []):
            assert any(fragment in w for w in got["warnings"]), f"{name}: no warning with {fragment!r}: {got['warnings']}"
        if "warnings_contain" not in want:
            assert got["warnings"] == [], f"{name}: unexpected warnings {got['warnings']}"
        if "spent_mentions_wan" in want:
            assert [m["value_wan"] for m in record.facts["spent_mentions"]] == want["spent_mentions_wan"]


def test_every_shape_and_family_is_covered():
    shapes = {p.suffix for p in FORMS.iterdir() if p.name in EXPECTED}
    assert {".docx", ".pdf", ".xlsx", ".txt"} <= shapes
    text_shapes = {n.rsplit("_", 1)[-1] for n in EXPECTED if n.endswith(".txt")}
    assert {"cells.txt", "pipe.txt", "flat.txt"} <= text_shapes
    kinds = {r["kind"] for records in EXPECTED.values() for r in records}
    assert kinds == {"project_self", "department_self"}


def test_multi_form_files_give_one_record_per_form(extracted):
    assert [r.project_name for r in extracted["unit_page_cells.txt"]] == ["农村饮水安全工程维修养护", "学生营养改善计划", "护林员补助"]
    assert [r.kind for r in extracted["stacked_three.xlsx"]] == ["project_self", "project_self", "department_self"]
    assert len(extracted["xianjie_two_sheets.xlsx"]) == 2


def test_amounts_in_yuan_are_converted(extracted):
    roads = extracted["roads_flat.txt"][0]
    assert roads.budget_wan == pytest.approx(235.0) and roads.spent_wan == pytest.approx(204.5)
    assert roads.facts["amount_unit"] == "元"


def test_rate_precision_and_year_facts(extracted):
    water = extracted["anhui_water.docx"][0]
    assert water.stated_execution_rate == 90.5 and water.facts["stated_rate_decimals"] == 2
    roads = extracted["roads_flat.txt"][0]  # written as the fraction 0.87
    assert roads.stated_execution_rate == 87 and roads.facts["stated_rate_decimals"] == 0
    assert water.facts["year_mentions"] == [{"year": 2022, "quote": "项目支出绩效自评表(2022年度)"}]


def test_traditional_mirror_keeps_original_text(extracted):
    record = extracted["water_traditional_cells.txt"][0]
    assert record.project_name == "農村飲水安全工程維修養護"
    assert record.grade == "优" and record.self_score == pytest.approx(96.05)


def test_form_text_is_kept_for_evidence(extracted):
    record = extracted["anhui_water.docx"][0]
    assert "年度资金总额" in record.text and "受益群众满意度" in record.text
    assert "受益群众满意度" not in extracted["unit_page_cells.txt"][1].text  # each form its own text


def test_restated_amount_raises_the_flag(extracted):
    record = extracted["water_restated_pipe.txt"][0]
    assert "AMOUNT_INCONSISTENT" in {f.code for f in record.flags}


def test_reference_reports_are_not_forms():
    for path in sorted(SEEDS.glob("*.txt")):
        assert not looks_like_form(read_document(path)), path.name


def test_narrative_mentioning_the_form_is_not_a_form():
    doc = Document(source="x.txt", format="txt", blocks=[
        Paragraph("县水务局2022年度农村饮水项目绩效自评报告"),
        Paragraph("项目名称：农村饮水工程。全年执行率95%。附件：项目支出绩效自评表"),
    ])
    assert not looks_like_form(doc)


def test_title_split_over_two_lines_and_no_separator_publishing_line():
    values = json.loads(json.dumps(_forest_values()))
    title, rows = render_form(values)
    doc = Document(source="page.txt", format="txt", blocks=[
        Paragraph("附件2"), Paragraph("项目支出绩效自评表"), Paragraph("(2021年度)"),
        *[Paragraph(c) for r in rows for c in r if c]])
    records = extract_document(doc)
    assert len(records) == 1
    assert records[0].year == 2021 and records[0].self_score == 95


def test_rendered_document_round_trip_for_every_family():
    from tests.fixtures.make_forms import DEPARTMENT, FOREST, HEALTH, ROADS, SCHOOL, TRANSFER, WATER

    forms = [WATER, SCHOOL, HEALTH, FOREST, TRANSFER, DEPARTMENT, ROADS]
    records = extract_forms(forms_document(forms))
    assert len(records) == len(forms)
    for record, values in zip(records, forms):
        want = expected_record(values)
        assert record.project_name == want["project_name"]
        assert record.self_score == pytest.approx(want["self_score"])
        assert record.execution_weight == want["execution_weight"]
        assert [i.score for i in record.indicators] == [i["score"] for i in want["indicators"]]


def test_split_at_second_project_name_without_title():
    rows = [["项目名称", "甲项目"], ["主管部门", "县水务局"], ["总分", "100", "90"],
            ["单位名称：县水务局", "填报日期：2023-03-01"], ["项目名称", "乙项目"], ["总分", "100", "80"]]
    forms = split_forms(rows)
    assert [f[0] for f in forms] == [["项目名称", "甲项目"], ["单位名称：县水务局", "填报日期：2023-03-01"]]


def test_stream_segmentation_tells_reason_from_next_row():
    roles = ["level1", "level2", "level3", "target", "actual", "weight", "score", "reason"]
    tokens = ["产出指标", "数量指标", "完成户数", "100户", "98户", "20", "18", "2户未完成",
              "质量指标", "验收合格率", "100%", "100%", "20", "20",
              "指标2：", "……", "效益指标", "社会效益指标", "受益人数", "≥500人", "520人", "10", "10"]
    rows, skipped = segment_indicators(tokens, roles)
    assert [r["level3"] for r in rows] == ["完成户数", "验收合格率", "受益人数"]
    assert rows[0]["reason"] == "2户未完成" and "reason" not in rows[1]
    assert skipped == []


def test_pipe_paragraphs_are_read_without_the_text_reader():
    lines = ["项目支出绩效自评表(2022年度)", "| 项目名称 | 测试项目 | |", "| 主管部门 | 县民政局 | |",
             "| --- | --- | --- |"]
    rows, _ = rows_from_document(Document(source="p", format="txt", blocks=[Paragraph(x) for x in lines]))
    assert rows == [["项目支出绩效自评表(2022年度)"], ["项目名称", "测试项目", ""], ["主管部门", "县民政局", ""]]


def _forest_values() -> dict:
    from tests.fixtures.make_forms import FOREST

    return FOREST


def test_cells_run_together_are_reported_not_guessed():
    lines = ["项目支出绩效自评表(2023年度)", "项目名称", "测试项目", "主管部门", "县民政局", "实施单位", "县民政局",
             "资金情况(万元)", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分",
             "年度资金总额:505010100.00%10", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
             "产出指标", "数量指标", "救助人数", "40", "≥100人", "120人", "40", "总分", "100", "50"]
    [record] = extract_document(Document(source="p.txt", format="txt", blocks=[Paragraph(x) for x in lines]))
    assert record.budget_wan is None and record.spent_wan is None and record.stated_execution_rate is None
    assert any("粘连" in w for w in record.warnings)
    assert record.self_score == 50 and [i.level3 for i in record.indicators] == ["救助人数"]


def _family_values():
    from tests.fixtures import make_forms as M

    return {"anhui": M.WATER, "xianjie": M.SCHOOL, "sichuan": M.HEALTH, "yunnan2080": M.FOREST,
            "transfer": M.TRANSFER, "department": M.DEPARTMENT, "anhui_yuan": M.ROADS}


@pytest.mark.parametrize("shape", ["cells", "flat", "pipe", "xlsx_sheets"])
@pytest.mark.parametrize("family", sorted(_family_values()))
def test_every_family_in_every_text_and_sheet_shape(family, shape, tmp_path):
    from dashboard.corpus.forms import write_forms

    values = _family_values()[family]
    path = write_forms([values], shape, tmp_path / ("form.xlsx" if shape.startswith("xlsx") else "form.txt"))
    [record] = extract_file(path)
    want = expected_record(values)
    got = record.to_contract()
    for field in CONTRACT_FIELDS:
        assert _same(got[field], want[field]), f"{field}: {got[field]!r} != {want[field]!r}"
    assert [(i["level3"], i["weight"], i["score"], i["target"], i["actual"], i["reason"]) for i in got["indicators"]] == \
        [(i["level3"], i["weight"], i["score"], i["target"], i["actual"], i["reason"]) for i in want["indicators"]]
    assert got["warnings"] == []


def test_handwritten_web_page_with_noise():
    """Written by hand like a published page: file-name line, full-width digits, thousands separators,
    ≧, tick boxes, a contact cell, placeholder rows, template text in 存在问题."""
    [record] = extract_file(FORMS / "handwritten_civil_affairs_flat.txt")
    assert (record.project_name, record.department, record.supervising_department, record.year) == \
        ("城乡低保对象救助资金", "县社会救助服务中心", "县民政局", 2022)
    assert (record.initial_budget_wan, record.budget_wan, record.spent_wan) == (1200, 1350.5, 1296.48)
    assert (record.stated_execution_rate, record.execution_rate, record.facts["stated_rate_decimals"]) == (96, 96, 2)
    assert (record.execution_weight, record.execution_score, record.self_score, record.grade) == (10, 9.6, 98.6, "优")
    assert [(i.level1, i.level2, i.level3, i.weight, i.score) for i in record.indicators] == [
        ("产出指标", "数量指标", "保障人数", 20, 20), ("产出指标", "质量指标", "发放准确率", 15, 14),
        ("产出指标", "时效指标", "按月发放", 15, 15), ("效益指标", "社会效益指标", "困难群众基本生活得到保障", 30, 30),
        ("满意度指标", "服务对象满意度指标", "救助对象满意度", 10, 10)]
    assert record.indicators[0].target == "≥3000人"
    assert record.indicators[1].reason == "个别对象信息变更未及时核实"
    assert record.problems == [] and record.warnings == []
    assert record.facts["year_mentions"] == [{"year": 2022, "quote": "（2022年度）"}]


def test_unit_line_above_the_form_and_units_inside_cells():
    rows = [["2023年度项目支出绩效自评表"], ["金额单位：元"], ["项目名称", "测试项目"], ["主管部门", "县民政局"],
            ["项目资金", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["", "年度资金总额", "1,000,000", "1200000", "108万元", "10", "90%", "9"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"],
            ["产出指标", "数量指标", "救助人数", "≥100人", "120人", "90", "90", ""], ["总分", "", "", "", "", "100", "99", "优"]]
    from dashboard.ingest.document import Table

    [record] = extract_document(Document(source="t.docx", format="docx", blocks=[Table(rows=rows)]))
    assert (record.initial_budget_wan, record.budget_wan, record.spent_wan) == (100, 120, 108)
    assert record.execution_rate == 90 and record.self_score == 99


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _all_cells() -> list[str]:
    from tests.fixtures.make_forms import HEALTH, TRANSFER, WATER

    return [c for v in (WATER, HEALTH, TRANSFER) for c in (render_form(v)[0], *(x for r in render_form(v)[1] for x in r))]


CELLS = _all_cells()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(CELLS) | st.text(alphabet="0123456789.%：:分元万产出指标总合计 ", max_size=8), min_size=1, max_size=80))
def test_any_cell_stream_extracts_without_error(cells):
    doc = Document(source="fuzz.txt", format="txt", blocks=[Paragraph(c) for c in cells])
    for record in extract_forms(doc):
        assert record.kind in ("project_self", "department_self")
        for indicator in record.indicators:
            assert indicator.deduction is None or indicator.weight is not None
