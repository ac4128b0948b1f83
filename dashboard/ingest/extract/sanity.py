"""Values that defy sense, kept as written (never clipped) and reported as warnings in Chinese."""
from __future__ import annotations

from datetime import date

from dashboard.ingest.record import EvaluationRecord

FIRST_PLAUSIBLE_YEAR = 2000
SPEND_TO_BUDGET_LIMIT = 3.0  # spending this many times the budget is a unit slip or a typo


def value_warnings(record: EvaluationRecord, this_year: int | None = None) -> list[str]:
    this_year = this_year or date.today().year
    warnings = []
    if record.self_score is not None and not 0 <= record.self_score <= 100:
        warnings.append(f"自评分 {record.self_score:g} 不在 0–100 之间，按原文保存，请核实")
    for key, label in (("budget_wan", "预算数"), ("initial_budget_wan", "年初预算"),
                       ("received_wan", "到位资金"), ("spent_wan", "实际支出")):
        value = getattr(record, key)
        if value is not None and value < 0:
            warnings.append(f"{label}为负数（{value:g} 万元），按原文保存，请核实")
    if record.budget_wan and record.spent_wan and record.budget_wan > 0 \
            and record.spent_wan > record.budget_wan * SPEND_TO_BUDGET_LIMIT:
        warnings.append(f"实际支出 {record.spent_wan:g} 万元是预算 {record.budget_wan:g} 万元的 "
                        f"{record.spent_wan / record.budget_wan:.1f} 倍，可能单位（元/万元）或数字有误")
    if record.year is not None and not FIRST_PLAUSIBLE_YEAR <= record.year <= this_year + 1:
        warnings.append(f"评价年度 {record.year} 不在 {FIRST_PLAUSIBLE_YEAR}–{this_year + 1} 之间，请核实")
    return warnings
