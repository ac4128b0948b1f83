"""Values that defy sense, kept as written (never clipped) and reported as warnings in Chinese.

The thresholds are the sanity rules of data/sanity.toml (dashboard.metrics.sanity_rules), the same the
derive step marks 待核实 with, so the loader's warnings and the 待核实 list agree.
"""
from __future__ import annotations

from dashboard.ingest.record import EvaluationRecord
from dashboard.metrics import sanity_rules


def value_warnings(record: EvaluationRecord, this_year: int | None = None) -> list[str]:
    rules = sanity_rules.load(this_year=this_year)
    warnings = []
    if record.self_score is not None and not rules.score_min <= record.self_score <= rules.score_max:
        warnings.append(f"自评分 {record.self_score:g} 不在 {rules.score_min:g}–{rules.score_max:g} 之间，按原文保存，请核实")
    for key, label in (("budget_wan", "预算数"), ("initial_budget_wan", "年初预算"),
                       ("received_wan", "到位资金"), ("spent_wan", "实际支出")):
        value = getattr(record, key)
        if value is not None and value < 0:
            warnings.append(f"{label}为负数（{value:g} 万元），按原文保存，请核实")
        elif value is not None and value > rules.amount_max_wan:
            warnings.append(f"{label} {value:,.2f} 万元超过单个项目的合理上限 {rules.amount_max_wan:,.0f} 万元，"
                            f"疑为以元为单位，请核实")
    if record.budget_wan and record.spent_wan and record.budget_wan > 0 \
            and record.spent_wan > record.budget_wan * rules.spend_ratio_max:
        warnings.append(f"实际支出 {record.spent_wan:g} 万元是预算 {record.budget_wan:g} 万元的 "
                        f"{record.spent_wan / record.budget_wan:.1f} 倍，可能单位（元/万元）或数字有误")
    if record.year is not None and not rules.first_year <= record.year <= rules.last_year:
        warnings.append(f"评价年度 {record.year} 不在 {rules.first_year}–{rules.last_year} 之间，请核实")
    return warnings
