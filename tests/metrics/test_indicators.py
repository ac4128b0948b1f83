"""The indicator taxonomy (data/indicator_taxonomy.toml): headings as reports write them filed into one
group and one indicator (table-driven), then on warehouses built by the real loader: no points lost or
counted twice, one row per indicator, and an edited taxonomy re-filed by `python -m dashboard rederive`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import warehouse
from dashboard.ingest.load import ingest_paths
from dashboard.metrics.indicators import (
    TaxonomyError, classify, indicator_groups, load_taxonomy, parse_taxonomy, taxonomy_path,
)
from dashboard.warehouse import apply_schema, run_query
from tests.conftest import SEED_REPORTS

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "tests" / "fixtures" / "forms"
GROUPS = ["产出", "效益", "满意度", "预算执行", "决策", "过程", "管理", "其他"]


@pytest.mark.parametrize(("level1", "level2", "level3", "expected"), [
    # 满意度 wins over its 效果 / 效益 parent, wherever it is written
    ("效果", "项目效益", "服务对象满意度", ("满意度", "项目效益", "服务对象满意度")),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度",
     ("满意度", "满意度", "服务对象满意度")),
    ("效益指标", "服务对象满意度指标", "（1）服务对象满意度（10分）",
     ("满意度", "满意度", "服务对象满意度")),
    ("满意度指标(10分)", "服务对象满意度指标", "1.服务对象满意度指标",
     ("满意度", "满意度", "服务对象满意度")),
    ("滿意度指標", "服務對象滿意度指標", "受益羣衆滿意度", ("满意度", "满意度", "受益群众满意度")),
    # 效果 and 效益 are one group; so are 决策 and 项目决策
    ("效果", "项目效益", "社会效益", ("效益", "项目效益", "社会效益")),
    ("效益指标(30分)", "社会效益指标", "受益人口", ("效益", "社会效益", "受益人口")),
    ("社会效益", None, "受益人口", ("效益", None, "受益人口")),
    ("可持续影响", "可持续影响指标", "工程运行年限", ("效益", "可持续影响", "工程运行年限")),
    ("决策", "项目立项", "绩效目标合理性", ("决策", "项目立项", "绩效目标合理性")),
    ("项目决策", "资金分配", "分配办法", ("决策", "资金分配", "分配办法")),
    ("绩效目标", "目标内容", "目标明确性", ("决策", "目标内容", "目标明确性")),
    # points and 指标 in the heading, numbering and 指标1 in the name
    ("产出指标(50分)", "数量指标", "1.计划任务完成数", ("产出", "数量", "计划任务完成数")),
    ("产出指标（50分）", "产出数量", "指标1维修资金金额", ("产出", "数量", "维修资金金额")),
    ("产出", "项目产出", "完成数量", ("产出", "项目产出", "完成数量")),
    # the 一级指标 names no group: the 二级指标 decides
    ("项目绩效", "项目产出", "产出成本", ("产出", "项目产出", "产出成本")),
    ("项目绩效", "项目效益", "环境效益", ("效益", "项目效益", "环境效益")),
    # 过程, 管理 and budget execution, wherever 预算执行率 is written
    ("过程", "财务管理", "资金使用合规性", ("过程", "财务管理", "资金使用合规性")),
    ("资金管理", "资金使用", "资金使用合规性", ("过程", "资金使用", "资金使用合规性")),
    ("项目管理", "资金管理", "资金使用", ("管理", "资金管理", "资金使用")),
    ("部门管理", "预算管理", "预算编制准确率", ("管理", "预算管理", "预算编制准确率")),
    ("过程", "业务管理", "预算执行率", ("预算执行", "业务管理", "预算执行率")),
    ("预算执行(10分)", "预算执行", "执行率", ("预算执行", "预算执行", "预算执行率")),
    ("预算执行率", None, None, ("预算执行", None, "预算执行率")),
    # no heading above the name: the name itself
    (None, None, "政府采购执行率", ("管理", None, "政府采购执行率")),
    (None, None, "播发稿件数量", ("产出", None, "播发稿件数量")),
    ("其他", None, "工作亮点", ("其他", None, "工作亮点")),
    (None, None, None, ("其他", None, None)),
])
def test_classify(level1, level2, level3, expected):
    assert classify(level1, level2, level3) == expected


def test_the_taxonomy_lists_the_documented_groups_and_every_rule_uses_one():
    taxonomy = load_taxonomy()
    assert list(taxonomy.groups) == GROUPS and taxonomy.other == "其他"
    used = {rule.group for rules in (taxonomy.decisive, taxonomy.level1, taxonomy.level2, taxonomy.level3)
            for rule in rules}
    assert used == set(GROUPS) - {"其他"}


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('group = "满意度"', 'group = "满意"', 1), "不在 groups 中"),
    (lambda t: t.replace('pattern = "满意"', 'pattern = "满意("', 1), "正则表达式有误"),
    (lambda t: t.replace("groups = [", "groups = ", 1), "格式有误"),
])
def test_a_broken_taxonomy_says_what_is_wrong(edit, message):
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(edit(taxonomy_path().read_text(encoding="utf-8")))


def test_an_indicator_filed_in_several_groups_is_listed_under_one():
    headings = pl.DataFrame({
        "level1": ["过程", "过程", "项目管理", "效果", "满意度指标", "决策"],
        "level2": ["财务管理", "财务管理", "资金管理", "项目效益", "服务对象满意度指标", "资金落实"],
        "level3": ["资金使用", "1.资金使用", "资金使用（7分）", "服务对象满意度", "服务对象满意度", "到位及时率"],
        "n_rows": [5, 2, 6, 3, 9, 1],
    })
    filed = {r["level3"]: r for r in indicator_groups(headings).iter_rows(named=True)}
    # 资金使用: 7 rows under 过程 against 6 under 管理, each row keeping its own level1_group
    assert {r["indicator"] for name, r in filed.items() if "资金使用" in name} == {"资金使用"}
    assert {r["indicator_group"] for name, r in filed.items() if "资金使用" in name} == {"过程"}
    assert filed["资金使用（7分）"]["level1_group"] == "管理"
    # a name the taxonomy decides keeps its group whatever the counts
    assert filed["服务对象满意度"]["indicator_group"] == "满意度"
    assert filed["到位及时率"]["indicator_group"] == "决策"


# ---------------------------------------------------------------------------------------------
# On warehouses built by the real loader


@pytest.fixture(scope="module")
def mixed_warehouse(tmp_path_factory) -> Path:
    """The reference reports (决策/过程/产出/效果; 项目决策/项目管理/项目绩效) and 产出/效益/满意度 forms, one of
    them writing 服务对象满意度 with numbering and 指标."""
    root = tmp_path_factory.mktemp("indicator_taxonomy")
    variant = root / "water_numbered.txt"
    variant.write_text((FORMS / "water_flat.txt").read_text(encoding="utf-8")
                       .replace("受益群众满意度", "1.服务对象满意度指标")
                       # another project: the same project's form twice is one report in two formats
                       .replace("农村饮水安全工程维修养护", "农村饮水安全工程维修养护二期"), encoding="utf-8")
    files = [*SEED_REPORTS, FORMS / "water_flat.txt", FORMS / "transfer_pipe.txt", variant]
    db = root / "warehouse.duckdb"
    summary = ingest_paths([str(p) for p in files], db_path=db, progress=False, echo=False)
    assert summary.ok, "\n".join(summary.lines())
    return db


def _by_group(db: Path) -> dict[str, dict]:
    return {r["level1_group"]: r for r in run_query("points_lost_by_level1", {}, db).iter_rows(named=True)}


def _facts(db: Path, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(warehouse.current_version_file(db)), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_points_lost_add_up_over_groups_and_over_indicators(mixed_warehouse):
    rows_total = _facts(mixed_warehouse, "select sum(points_lost) as lost from indicator_facts")["lost"][0]
    groups = run_query("points_lost_by_level1", {}, mixed_warehouse)
    indicators = run_query("points_lost_by_indicator", {}, mixed_warehouse)
    assert rows_total > 10
    assert groups["points_lost_total"].sum() == pytest.approx(rows_total)
    assert indicators["points_lost_total"].sum() == pytest.approx(rows_total)
    # each indicator once, under one group of the taxonomy
    assert indicators["indicator"].is_duplicated().sum() == 0
    assert set(groups["level1_group"]) <= set(GROUPS) and set(indicators["level1_group"]) <= set(GROUPS)


def test_one_group_for_each_way_of_writing_it(mixed_warehouse):
    groups = _by_group(mixed_warehouse)
    assert not {"效果", "效益指标", "项目决策", "产出指标", "满意度指标"} & set(groups)
    # 决策 (two reference reports) and 项目决策 (海口) are one group; 效果 and 效益指标 too
    assert groups["决策"]["n_reports_scored"] == 3
    assert groups["效益"]["n_reports_scored"] == 3 + 3  # 效果 x2, 项目绩效/项目效益, 效益指标(30分) forms x3
    assert groups["满意度"]["n_reports_scored"] == 6


def test_service_satisfaction_is_one_indicator_with_its_raw_headings(mixed_warehouse):
    indicators = run_query("points_lost_by_indicator", {}, mixed_warehouse)
    satisfaction = indicators.filter(pl.col("indicator") == "服务对象满意度")
    assert satisfaction.height == 1
    assert satisfaction.row(0, named=True)["level1_group"] == "满意度"
    assert satisfaction["n_reports_scored"][0] == 4  # under 效果 x2, 项目绩效 and 满意度指标(10分)
    raw = run_query("points_lost_raw_headings", {"indicator": "服务对象满意度"}, mixed_warehouse)
    assert set(raw["indicator"]) == {"服务对象满意度"}
    assert {(r["level1_raw"], r["level3_raw"]) for r in raw.iter_rows(named=True)} == {
        ("效果", "服务对象满意度"), ("项目绩效", "服务对象满意度"), ("满意度指标", "1.服务对象满意度指标")}
    assert raw["n_reports_scored"].sum() == satisfaction["n_reports_scored"][0]
    assert raw["points_lost_total"].sum() == pytest.approx(satisfaction["points_lost_total"][0])


def test_filters_narrow_the_raw_headings(mixed_warehouse):
    fumin = {"departments": ["富民县财政局"], "year_from": 2024, "year_to": 2024}
    raw = run_query("points_lost_raw_headings", {**fumin, "indicator": "完成数量"}, mixed_warehouse)
    assert raw.select("level1_raw", "level2_raw", "level3_raw", "n_reports_scored").rows() == [
        ("产出", "项目产出", "完成数量", 1)]
    assert run_query("points_lost_raw_headings", {"indicator": "没有这个指标"}, mixed_warehouse).height == 0


def _rederive(db: Path, taxonomy: Path) -> None:
    env = {**os.environ, "PERF_INDICATOR_TAXONOMY_PATH": str(taxonomy)}
    subprocess.run([sys.executable, "-m", "dashboard", "rederive", "--db", str(db)], check=True, env=env, cwd=ROOT,
                   capture_output=True)


def test_an_edited_taxonomy_is_applied_to_every_row_by_rederive(build_warehouse, tmp_path):
    db = build_warehouse(tmp_path, SEED_REPORTS)
    before = {group: row["points_lost_total"] for group, row in _by_group(db).items()}
    assert before["管理"] == pytest.approx(5.0)  # 海口's 项目管理: 资金使用 4 + 财务管理 1
    edited = tmp_path / "indicator_taxonomy.toml"
    text = taxonomy_path().read_text(encoding="utf-8")
    assert text.count('[[level1]]\ngroup = "管理"') == 1
    edited.write_text(text.replace('[[level1]]\ngroup = "管理"', '[[level1]]\ngroup = "过程"'), encoding="utf-8")
    _rederive(db, edited)
    after = {group: row["points_lost_total"] for group, row in _by_group(db).items()}
    assert "管理" not in after
    assert after["过程"] == pytest.approx(before["过程"] + before["管理"])
    assert sum(after.values()) == pytest.approx(sum(before.values()))
    filed = _facts(db, "select distinct level1, level1_group from indicator_facts where level1 = '项目管理'")
    assert filed.rows() == [("项目管理", "过程")]
    indicators = run_query("points_lost_by_indicator", {}, db)
    assert indicators.filter(pl.col("indicator") == "资金使用")["level1_group"].to_list() == ["过程"]


def test_a_warehouse_from_before_the_taxonomy_gets_the_new_rollup_columns():
    con = duckdb.connect()
    # the rollup tables as warehouses made before the taxonomy hold them
    con.execute("""create table indicator_rollup (
        department_canonical varchar, year integer, county varchar, grade varchar, kind varchar,
        level1 varchar, level3 varchar,
        n_reports_scored bigint, n_reports_deducted bigint, n_deductions bigint, points_lost double, weight double)""")
    con.execute("""create table level1_rollup (
        department_canonical varchar, year integer, county varchar, grade varchar, kind varchar, level1 varchar,
        n_reports_scored bigint, n_reports_deducted bigint, n_deductions bigint, points_lost double, weight double)""")
    apply_schema(con)
    apply_schema(con)  # safe to re-run
    columns = {table: {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_name = ?", [table]).fetchall()}
        for table in ("indicator_rollup", "level1_rollup")}
    assert {"level1_group", "indicator"} <= columns["indicator_rollup"]
    assert not {"level1", "level3"} & columns["indicator_rollup"]
    assert "level1_group" in columns["level1_rollup"] and "level1" not in columns["level1_rollup"]
    assert con.sql("select count(*) from indicator_facts").fetchall() == [(0,)]
