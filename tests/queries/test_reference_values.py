"""Metrics on the five reference reports, loaded by the real loader, against values computed by hand
from the reports themselves (tests/fixtures/seeds, expected.json)."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.warehouse import run_query

FUMIN_FINANCE = {"departments": ["富民县财政局"]}


def test_fumin_finance_bureau_2024_execution(seed_warehouse):
    frame = run_query("execution_by_department_year", FUMIN_FINANCE, seed_warehouse)
    assert frame.rows(named=True) == [{
        "department_canonical": "富民县财政局", "year": 2024, "n_projects": 1,
        "budget_wan": 50.0, "spent_wan": 47.76, "execution_rate_weighted": pytest.approx(95.52),
        "execution_rate_median": 95.52,
        "share_under_60": 0.0, "share_under_80": 0.0, "share_under_90": 0.0, "share_under_95": 0.0,
    }]


def test_points_lost_on_quantity_and_satisfaction(seed_warehouse):
    frame = run_query("points_lost_by_indicator", {}, seed_warehouse)
    by_name = {(r["level1_group"], r["indicator"]): r for r in frame.rows(named=True)}
    quantity = by_name[("产出", "完成数量")]
    assert quantity["points_lost_total"] == 2
    assert (quantity["n_reports_scored"], quantity["n_reports_deducted"], quantity["n_deductions"]) == (2, 1, 1)
    assert quantity["share_reports_deducted"] == 0.5
    # Written under 效果 (two reports) and 项目绩效/项目效益 (海口): one 满意度 indicator of three reports.
    satisfaction = by_name[("满意度", "服务对象满意度")]
    assert satisfaction["points_lost_total"] == pytest.approx(0.6)
    assert (satisfaction["n_reports_scored"], satisfaction["n_reports_deducted"]) == (3, 1)
    # 海口's 资金使用 (weight 7, score 3) is the largest single loss.
    assert (frame["indicator"][0], frame["points_lost_total"][0]) == ("资金使用", 4.0)


def test_headline_figures(seed_warehouse):
    row = run_query("headline_figures", {}, seed_warehouse).row(0, named=True)
    assert row["n_evaluations"] == 5
    assert row["budget_wan"] == pytest.approx(10 + 50 + 32 + 21.76 + 921.47)
    assert row["spent_wan"] == pytest.approx(8.62 + 47.76 + 31.48 + 12.84 + 919.94)
    assert row["execution_rate_weighted"] == pytest.approx(98.59, abs=0.005)  # 1020.64 / 1035.23
    assert row["execution_rate_median"] == 95.52  # of 59.01, 86.2, 95.52, 98.38, 99.83
    assert row["self_score_mean"] == pytest.approx(95.476)  # (100 + 95.4 + 94 + 88 + 99.98) / 5
    assert row["self_score_median"] == 95.4
    assert (row["n_excellent"], row["share_excellent"], row["n_under_90"]) == (4, 0.8, 2)


def test_lowest_executor_is_haikou_2019(seed_warehouse):
    first = run_query("lowest_executors", {"limit_rows": 2}, seed_warehouse).rows(named=True)
    assert len(first) == 2
    assert (first[0]["year"], first[0]["execution_rate"]) == (2019, 59.01)
    assert first[0]["unspent_wan"] == pytest.approx(21.76 - 12.84)
    assert first[1]["execution_rate"] == 86.2


def test_score_histogram_and_bunching(seed_warehouse):
    bins = run_query("score_distribution", {}, seed_warehouse)
    assert dict(zip(bins["bin_start"], bins["n_reports"])) == {85.0: 1, 90.0: 1, 95.0: 2, 100.0: 1}
    bunching = run_query("threshold_bunching", {}, seed_warehouse).filter(year=2019, threshold=90).row(0, named=True)
    assert (bunching["n_just_below"], bunching["n_at_or_above"], bunching["ratio_above_to_below"]) == (1, 0, 0.0)


def test_grade_mix_and_bands(seed_warehouse):
    mix = run_query("grade_mix_by_department_year", {}, seed_warehouse)
    totals = mix.group_by("grade").agg(pl.col("n_reports").sum())
    assert dict(totals.iter_rows()) == {"优": 4, "良": 1}
    bands = run_query("execution_rate_bands", {"year_from": 2019, "year_to": 2019}, seed_warehouse)
    assert bands.select("band", "n_reports").rows() == [("50–60%", 1)]


def test_project_history_of_the_finance_bureau_project(seed_warehouse):
    key = run_query("evaluations_list", FUMIN_FINANCE, seed_warehouse)["project_key"][0]
    history = run_query("project_history", {"project_key": key}, seed_warehouse).row(0, named=True)
    assert history["year"] == 2024
    assert history["n_indicators"] == 21
    assert history["points_lost"] == pytest.approx(1 + 2 + 1 + 0.6)


def test_deduction_reasons_hold_deductions_and_problems(seed_warehouse):
    reasons = run_query("deduction_reasons", {}, seed_warehouse)
    deductions = reasons.filter(source="deduction")
    assert deductions.height == 8  # 4 reasoned deductions in 001 and 4 in 002; 003 gives no reasons
    assert "项目实施的实际产出数小于计划数" in deductions["reason_text"].to_list()
    problems = reasons.filter(source="problem")
    # Only the reports without a score table (000 and 004) bring their problems by default.
    unscored = run_query("evaluations_list", {}, seed_warehouse).filter(pl.col("year").is_in([2023, 2025])
                                                                        & pl.col("self_score").is_in([100.0, 99.98]))
    assert set(problems["evaluation_id"]) == set(unscored["evaluation_id"])
    assert not any(problems["has_score_table"])
    assert "指标设置不够细化" in problems.filter(pl.col("reason_text").str.contains("绩效指标设立科学性有待加强"))["category"]
    everything = run_query("deduction_reasons", {"include_scored_problems": True}, seed_warehouse)
    n_problems = run_query("evaluations_list", {}, seed_warehouse)["n_problems"].sum()
    assert everything.height == 8 + n_problems
    one_category = run_query("deduction_reasons", {"category": "满意度"}, seed_warehouse)
    assert one_category["level3"].to_list() == ["服务对象满意度"]


def test_reason_categories_by_year(seed_warehouse):
    trend = run_query("reason_categories_by_year", {"year_from": 2025}, seed_warehouse)
    rows = {r["category"]: r for r in trend.rows(named=True)}
    # 2025: 002's four deductions and 000's one problem (000 has no score table).
    assert sum(r["n_mentions"] for r in rows.values()) == 5
    assert rows["指标设置不够细化"]["n_mentions"] == 2
    assert rows["指标设置不够细化"]["n_reports"] == 2
    assert rows["制度合同验收资料缺失"]["points_lost"] == 3.0  # 1 (无合同及验收报告) + 2 (书面质量要求)


def test_top_reasons_of_the_finance_bureau(seed_warehouse):
    top = run_query("top_reasons_by_department_year", {**FUMIN_FINANCE, "limit_rows": 2}, seed_warehouse)
    assert top.select("reason_normalised", "points_lost", "rank").rows() == [
        ("项目实施的实际产出数小于计划数", 2.0, 1), ("依据绩效目标设定的不够完善", 1.0, 2)]


def test_filter_options_list_what_is_present(seed_warehouse):
    options = run_query("filter_options", {}, seed_warehouse).row(0, named=True)
    assert options["years"] == [2019, 2023, 2024, 2025]
    assert options["regions"] == ["富民县", "海口市"]
    assert {"富民县财政局", "富民县政务服务管理局"} <= set(options["departments"])
