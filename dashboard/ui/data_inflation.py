"""Page data of the 虚高识别, 项目档案 and 数据管理 pages, registered with dashboard.ui.data.page_data
(cached per filters, options and warehouse version, and listed for the benchmark)."""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from dashboard.ui.data import filtered_query, page_data
from dashboard.ui.filters import Filters
from dashboard.warehouse import run_query

EVALUATION_ID = re.compile(r"^[0-9a-f]{64}:\d{1,6}$")
PROJECT_KEY = re.compile(r"^[A-Za-z0-9_:.\-]{1,100}$")
FLAG_ROWS = 2000


# ---------------------------------------------------------------------------------------------
# 虚高识别


@page_data
def report_risk(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per report in scope: claimed and supported score, gap, risk, flag codes; riskiest first."""
    return filtered_query("inflation_report_risk", filters, db)


@page_data
def flag_list(filters: Filters, db: Path, code: str | None = None) -> pl.DataFrame:
    """One row per flag in scope (one code or all) with its message and evidence, worst first."""
    return filtered_query("flags_list", filters, db, code=code, limit_rows=FLAG_ROWS)


@page_data
def unit_inflation(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per unit and year: the inflation index (it takes the unit and year filters only)."""
    params = filters.params()
    return run_query("inflation_unit_index", {"departments": params["departments"], "year_from": params["year_from"],
                                              "year_to": params["year_to"]}, db_path=db)


@page_data
def self_vs_external(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per project and year evaluated both by its unit and independently; largest gap first."""
    return filtered_query("self_vs_external", filters, db)


# ---------------------------------------------------------------------------------------------
# 项目档案


@page_data
def project_options(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per project in scope, riskiest first."""
    return filtered_query("page_project_options", filters, db)


@page_data
def project_report(filters: Filters, db: Path, evaluation_id: str = "") -> dict[str, pl.DataFrame]:
    """One report in full, whatever the filters (a link opens it even outside the scope): its row
    (0 rows when unknown), its indicator table, stated problems and flags."""
    every = Filters(kinds=())
    if not EVALUATION_ID.match(evaluation_id or ""):
        evaluation_id = "-"  # matches nothing: an empty but well-typed frame
    return {
        "report": filtered_query("page_project_evaluations", every, db, evaluation_id=evaluation_id),
        "indicators": filtered_query("page_project_indicators", every, db, evaluation_id=evaluation_id),
        "problems": filtered_query("page_project_problems", every, db, evaluation_id=evaluation_id),
        "flags": filtered_query("flags_list", every, db, evaluation_id=evaluation_id),
    }


@page_data
def project_history(filters: Filters, db: Path, project_key: str = "") -> pl.DataFrame:
    """One row per report of the project across years, oldest first (all years, whatever the filters)."""
    if not PROJECT_KEY.match(project_key or ""):
        project_key = "-"
    return run_query("project_history", {"project_key": project_key}, db_path=db)


# ---------------------------------------------------------------------------------------------
# 数据管理


@page_data
def file_statuses(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per file offered to the loader, failures first (not filtered: failures have no unit)."""
    return run_query("page_admin_reports", {}, db_path=db)


@page_data
def withdrawn(filters: Filters, db: Path) -> pl.DataFrame:
    """The withdrawn reports (数据管理员's 账号与审计 page; in no other figure), newest first."""
    return run_query("page_withdrawn_reports", {}, db_path=db)


def withdrawn_reports() -> pl.DataFrame:
    return withdrawn(Filters())


@page_data
def doubtful_values(filters: Filters, db: Path) -> pl.DataFrame:
    """The 待核实 work list: each implausible value in scope (every kind) with its quote and suggestion."""
    return filtered_query("page_doubtful_values", filters.with_kinds(()), db)


@page_data
def correctable(filters: Filters, db: Path) -> pl.DataFrame:
    """One row per evaluation in scope with its current (corrected) fields, warnings and corrections."""
    return filtered_query("page_admin_evaluations", filters, db)
