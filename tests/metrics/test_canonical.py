"""Canonical department and project names: spelling variants of one unit in one county are one unit,
units of different counties stay apart, and a project's reports across years share one key."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.metrics.canonical import (
    Aliases, canonical_names_frame, county_of_region, fold, load_aliases, project_forms, split_county,
)


@pytest.mark.parametrize(("name", "county", "unit"), [
    ("富民县财政局", "富民县", "财政局"),
    ("富民县 财政局", "富民县", "财政局"),
    ("县财政局", None, "财政局"),
    ("財政局", None, "财政局"),
    ("云南省昆明市富民县政务服务管理局", "富民县", "政务服务管理局"),
    ("海口市市场监督管理局", "海口市", "市场监督管理局"),
    ("市场监督管理局", None, "市场监督管理局"),
    ("县市场监督管理局", None, "市场监督管理局"),
    ("城市管理局", None, "城市管理局"),
    ("叶县教育局", "叶县", "教育局"),
    ("富民县委组织部", "富民县", "县委组织部"),  # the county party committee's organ, as "县委组织部"
    ("富民县", None, "富民县"),
])
def test_split_county(name, county, unit):
    assert split_county(fold(name)) == (county, unit)


@pytest.mark.parametrize(("region", "county"), [
    ("富民县", "富民县"), ("云南省昆明市富民县", "富民县"), (" 海口市 ", "海口市"), (None, None), ("", None),
])
def test_county_of_region(region, county):
    assert county_of_region(region) == county


@pytest.mark.parametrize(("name", "department", "display", "match"), [
    ("富民县财政局2024年预算信息管理平台经费", "富民县财政局", "预算信息管理平台经费", "预算信息管理平台经费"),
    ("2024年度预算信息管理平台经费项目", None, "预算信息管理平台经费项目", "预算信息管理平台经费"),
    ("51000021R000000019951-“e办通”采购经费", None, "“e办通”采购经费", "e办通采购经费"),
    ("信息化项目建设项目支出绩效评价报告", None, "信息化项目建设", "信息化项目建设"),
    ("  ", None, None, None),
    (None, "财政局", None, None),
])
def test_project_forms(name, department, display, match):
    assert project_forms(name, department) == (display, match)


def _frame(rows):
    return pl.DataFrame(rows, schema={"evaluation_id": pl.String, "department": pl.String, "region": pl.String,
                                      "project_name": pl.String, "year": pl.Int64}, orient="row")


def _names(rows, aliases=None):
    out = canonical_names_frame(_frame(rows), aliases)
    return {r["evaluation_id"]: r for r in out.rows(named=True)}


def test_spelling_variants_of_one_unit_are_one_unit():
    names = _names([
        ("a", "富民县财政局", "富民县", "预算平台经费", 2023),
        ("b", "富民县 財政局", None, "预算平台经费", 2024),
        ("c", "县财政局", "富民县", "预算平台经费", 2025),
        ("d", "财政局", None, "预算平台经费", 2022),  # one county in the warehouse: it is that county's
    ])
    assert {n["department_canonical"] for n in names.values()} == {"富民县财政局"}
    assert len({n["project_key"] for n in names.values()}) == 1


def test_units_of_different_counties_stay_apart_and_unplaced_names_are_not_guessed():
    names = _names([
        ("a", "富民县财政局", None, "预算平台经费", 2024),
        ("b", "海口市财政局", None, "预算平台经费", 2024),
        ("c", "财政局", None, "预算平台经费", 2024),
    ])
    assert [names[k]["department_canonical"] for k in "abc"] == ["富民县财政局", "海口市财政局", "财政局"]
    assert len({n["project_key"] for n in names.values()}) == 3


def test_a_unit_without_its_county_joins_the_one_county_that_has_it():
    names = _names([
        ("a", "富民县住房和城乡建设局", None, "老旧小区改造资金", 2023),
        ("b", "县住房和城乡建设局", None, "老旧小区改造资金", 2024),
        ("c", "海口市机构编制委员会办公室", None, "信息系统运行维护", 2019),  # a second county
    ])
    assert names["b"]["department_canonical"] == "富民县住房和城乡建设局"
    assert names["a"]["project_key"] == names["b"]["project_key"]
    assert names["c"]["department_canonical"] == "海口市机构编制委员会办公室"


def test_a_party_committee_organ_with_and_without_its_county_is_one_unit():
    names = _names([
        ("a", "富民县委编办", None, "机构编制实名制管理经费", 2023),
        ("b", "县委编办", None, "机构编制实名制管理经费", 2024),
        ("c", "海口市机构编制委员会办公室", None, "信息系统运行维护", 2019),
    ])
    assert names["a"]["department_canonical"] == names["b"]["department_canonical"] == "富民县委编办"


def test_near_matches_join_within_a_county_but_numbered_units_do_not():
    names = _names([
        ("a", "富民县政务服务管理局", None, "x", 2024),
        ("b", "富民县政务服务管理局", None, "y", 2024),
        ("c", "富民县政务服务管里局", None, "z", 2024),  # a typo in one report
        ("d", "富民县第一中学", None, "x", 2024),
        ("e", "富民县第二中学", None, "x", 2024),
    ])
    assert names["c"]["department_canonical"] == "富民县政务服务管理局"
    assert names["d"]["department_canonical"] != names["e"]["department_canonical"]


def test_aliases_from_the_editable_file(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("# note\nalias,canonical,kind\n编办,机构编制委员会办公室,department\n"
                    "e办通终端,e办通采购经费,project\n", encoding="utf-8")
    aliases = load_aliases(path)
    assert aliases == Aliases(department={"编办": "机构编制委员会办公室"}, project={"e办通终端": "e办通采购经费"})
    names = _names([
        ("a", "富民县编办", None, "e办通终端", 2024),
        ("b", "富民县机构编制委员会办公室", None, "“e办通”采购经费", 2025),
    ], aliases)
    assert names["a"]["department_canonical"] == names["b"]["department_canonical"] == "富民县机构编制委员会办公室"
    assert names["a"]["project_key"] == names["b"]["project_key"]


def test_a_project_is_linked_across_years_but_two_names_of_one_year_are_two_projects():
    names = _names([
        ("a", "富民县财政局", None, "2023年预算信息管理平台运维经费", 2023),
        ("b", "富民县财政局", None, "2024年预算信息管理平台运维经费", 2024),
        ("c", "富民县财政局", None, "预算信息管理平台运维费用", 2024),  # near, but 2024 already has one
        ("d", "富民县财政局", None, "第二批预算信息管理平台运维经费", 2025),
    ])
    assert names["a"]["project_key"] == names["b"]["project_key"]
    assert names["c"]["project_key"] != names["b"]["project_key"]
    assert names["a"]["project_canonical"] == "预算信息管理平台运维经费"


def test_a_report_without_a_project_name_is_its_own_history():
    names = _names([("a", "富民县财政局", None, None, 2023), ("b", "富民县财政局", None, None, 2024)])
    assert (names["a"]["project_key"], names["b"]["project_key"]) == ("a", "b")
    assert names["a"]["project_canonical"] is None


def test_the_shipped_alias_file_loads():
    aliases = load_aliases()
    assert aliases.department["编办"] == "机构编制委员会办公室"


def test_without_a_department_only_identical_project_names_are_linked():
    names = _names([
        ("a", None, None, "信息化项目建设经费", 2022),
        ("b", None, None, "信息化项目建设经费", 2023),
        ("c", None, None, "信息化项目建没经费", 2024),
    ])
    assert names["a"]["project_key"] == names["b"]["project_key"] != names["c"]["project_key"]
