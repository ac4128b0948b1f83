"""Corrections made on the 数据管理 page reach every metric through the staging views: the latest
correction of a field wins, amounts recompute the execution rate, and a corrected department is
canonicalised again by the loader's derive step."""
from __future__ import annotations

from dashboard.ingest.load import add_correction
from dashboard.warehouse import run_query

SEEDS = "tests/fixtures/seeds"
FINANCE_2024 = f"{SEEDS}/001_14069cec515ef4d6.txt"
E_BAN_TONG_2025 = f"{SEEDS}/002_5dcd609a2ddc7662.txt"


def _record(db, department):
    rows = run_query("evaluations_list", {"departments": [department]}, db)
    content_hash, index = rows["evaluation_id"][0].rsplit(":", 1)
    return content_hash, int(index)


def test_corrected_spend_recomputes_execution(tmp_path, build_warehouse):
    db = build_warehouse(tmp_path, [FINANCE_2024])
    content_hash, index = _record(db, "富民县财政局")
    add_correction(db, content_hash, index, "spent_wan", "45", "测试员")
    add_correction(db, content_hash, index, "spent_wan", "40", "测试员")  # the latest wins
    row = run_query("execution_by_department_year", {}, db).row(0, named=True)
    assert (row["spent_wan"], row["execution_rate_weighted"], row["share_under_90"]) == (40.0, 80.0, 1.0)
    listed = run_query("evaluations_list", {}, db).row(0, named=True)
    assert listed["corrected"] is True
    assert listed["stated_execution_rate"] == 95.52  # what the report says is kept


def test_corrected_department_joins_the_unit(tmp_path, build_warehouse):
    db = build_warehouse(tmp_path, [FINANCE_2024, E_BAN_TONG_2025])
    content_hash, index = _record(db, "富民县政务服务管理局")
    add_correction(db, content_hash, index, "department", "富民县 財政局", "测试员")
    frame = run_query("execution_by_department_year", {"departments": ["富民县财政局"]}, db)
    assert frame.select("year", "budget_wan").rows() == [(2024, 50.0), (2025, 32.0)]
    options = run_query("filter_options", {}, db).row(0, named=True)
    assert options["departments"] == ["富民县财政局"]
