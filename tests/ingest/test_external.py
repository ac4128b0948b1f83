"""Third-party evaluations, department-wide reports and Chinese dates."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.ingest.extract import extract_file
from dashboard.ingest.extract.dates import find_dates, parse_date
from dashboard.ingest.extract.external import detect_kind, find_firm, find_report_number, find_score
from dashboard.ingest.readers import read_document

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def test_external_report_gives_firm_number_and_the_firms_score():
    [record] = extract_file(FORMS / "external_roads_2023.txt")
    assert record.kind == "external"
    assert record.firm in ("湖南平信会计师事务所（特殊普通合伙）", "湖南平信会计师事务所(特殊普通合伙)")
    assert record.report_number == "湘平信〔2024〕绩评第17号"
    assert record.self_score == 81.5  # the firm's score, not the unit's 94.7 it quotes
    assert record.grade == "良"  # not the 优 of the grading scale
    assert record.facts["unit_self_score"] == 94.7
    assert record.facts["report_date"] == "2024-03-26"
    assert record.project_name == "乡村道路安全隐患整治"
    assert record.year == 2023
    assert record.budget_wan == 235 and record.spent_wan == 204.5


def test_department_wide_report_kind():
    [record] = extract_file(FORMS / "department_report_2023.txt")
    assert record.kind == "department_self"
    assert record.department == "县统计局" and record.self_score == 97.46


def test_detect_kind():
    assert detect_kind("县统计局2023年度部门整体支出绩效自评报告\n一、基本情况") == "department_self"
    assert detect_kind("某项目绩效评价报告\n受县财政局委托，我所对该项目开展评价。") == "external"
    for path in sorted(SEEDS.glob("*.txt")):
        assert detect_kind(read_document(path).text()) in ("project_self", "external")


@pytest.mark.parametrize("text, firm", [
    ("评价机构：云南中和会计师事务所有限公司\n", "云南中和会计师事务所有限公司"),
    ("县财政局委托四川华信工程咨询有限公司对项目进行评价。", "四川华信工程咨询有限公司"),
    ("本报告由海南正信资产评估有限公司出具。", "海南正信资产评估有限公司"),
    ("项目单位自评得分95分。", None),
])
def test_find_firm(text, firm):
    assert find_firm(text) == firm


def test_report_number_prefers_the_firms_over_cited_notices():
    text = "根据《关于开展重点评价的通知》（临财预〔2023〕12号），\n报告编号：临信评字〔2023〕第8号\n"
    assert find_report_number(text) == "临信评字〔2023〕第8号"
    assert find_report_number("湖南泰信〔2023〕绩评第38号\n根据临财预〔2023〕12号") == "湖南泰信〔2023〕绩评第38号"


def test_score_skips_the_scale_and_the_self_score():
    text = "得分90分以上为优。单位自评得分98分。经评价，该项目得分为76.5分。"
    assert find_score(text)[0] == 76.5


def test_chinese_dates():
    assert parse_date("二○二三年九月二十八日") == dt.date(2023, 9, 28)
    assert parse_date("二〇二四年十二月三十一日") == dt.date(2024, 12, 31)
    assert parse_date("2023年3月5日") == dt.date(2023, 3, 5)
    assert find_dates("二〇二三年二月三十日，无效") == []
    assert parse_date("没有日期") is None


def test_self_form_and_external_evaluation_both_land_in_the_warehouse(tmp_path, build_warehouse):
    from dashboard.warehouse import run_query

    db = build_warehouse(tmp_path, [FORMS / "roads_flat.txt", FORMS / "external_roads_2023.txt",
                                    FORMS / "stacked_three.xlsx", FORMS / "department_report_2023.txt"])
    rows = run_query("evaluations_list", {}, db_path=db)
    assert rows.height == 6  # a workbook of three forms gives three evaluations
    roads = rows.filter(rows["project_name"] == "乡村道路安全隐患整治").sort("kind")
    assert roads["kind"].to_list() == ["external", "project_self"]
    assert roads["year"].to_list() == [2023, 2023]
    assert roads["self_score"].to_list() == [81.5, 94.7]
    assert roads["project_key"].n_unique() == 1, "the external and the self-evaluation are linked"
    assert sorted(rows["kind"].to_list()).count("department_self") == 2


def test_department_wide_report_is_the_units_whole_budget():
    [record] = extract_file(FORMS / "department_report_2023.txt")
    assert record.project_name is None  # a department-wide report evaluates no single project
    assert record.year == 2023 and record.budget_wan == 455.6 and record.spent_wan == 430.8
