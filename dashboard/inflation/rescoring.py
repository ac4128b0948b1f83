"""Re-scoring: the score a report's own evidence supports, and why.

Rows whose written rule can be applied to a value the report states (execution rate from its
amounts, 到位率 from funds received, satisfaction or a rate written in the row) are re-scored by
that rule; an execution row without a readable rule, a form's funds block, and a report with no
execution row are held to the standard rule (execution weight × execution rate). Nothing is added:
the supported score never exceeds what the report claims, so the gap (claimed − supported) is ≥ 0.
"""
from __future__ import annotations

from dashboard.inflation.quotes import fmt
from dashboard.inflation.row_rules import parse_rule, row_kind, stated_percent
from dashboard.inflation.rulebook import Rulebook, load_rulebook
from dashboard.ingest.record import EvaluationRecord, Indicator


def _rate(record: EvaluationRecord) -> float | None:
    if record.execution_rate is not None:
        return record.execution_rate
    if record.budget_wan and record.spent_wan is not None and record.budget_wan > 0:
        return round(record.spent_wan / record.budget_wan * 100, 2)
    return None


def _row_value(row: Indicator, kind: str | None, record: EvaluationRecord, rate: float | None) -> float | None:
    """The achieved value a row's rule should be applied to, from the report's own figures."""
    if kind == "execution":
        return rate
    if kind == "received":
        if record.received_wan is not None and record.budget_wan and record.budget_wan > 0:
            return record.received_wan / record.budget_wan * 100
    for text in (row.actual, row.reason if kind == "satisfaction" else None):
        stated = stated_percent(text)
        if stated is not None and not stated.upper_bound:
            return stated.value
    return None


def supported_score(record: EvaluationRecord, rulebook: Rulebook | None = None) -> tuple[float | None, str]:
    """The score the report's evidence supports (None when nothing is claimed) and an explanation in Chinese."""
    rulebook = rulebook or load_rulebook()
    claimed = record.self_score
    rate = _rate(record)
    rows = record.indicators
    notes: list[str] = []
    has_execution_points = False
    if rows and all(r.score is not None for r in rows):
        rows_total = sum(r.score for r in rows)
        counts_funds = record.execution_score is not None and (
            claimed is None or abs(rows_total + record.execution_score - claimed) < abs(rows_total - claimed))
        base = rows_total + (record.execution_score if counts_funds else 0.0)
        notes.append(f"评分表各项得分合计{fmt(round(base, 2))}分"
                     + ("（含预算执行得分）" if counts_funds else ""))
        supported = base
        for row in rows:
            kind = row_kind(row.level2, row.level3)
            value = _row_value(row, kind, record, rate)
            if value is None or row.weight is None or row.weight <= 0:
                continue
            rule = parse_rule(row.rule)
            allowed = rule.score(value, row.weight) if rule else None
            how = "按该指标评分标准"
            if allowed is None and kind == "execution":
                # The standard rule: full marks from the rulebook's rate, else weight × rate.
                full = value >= rulebook.full_marks_rate - 1e-9
                allowed = row.weight if full else round(row.weight * min(value, 100) / 100, 2)
                how = "按分值×执行率"
            if kind == "execution":
                has_execution_points = True
            if allowed is not None and row.score > allowed + rulebook.tolerance:
                supported -= row.score - allowed
                notes.append(f"“{row.level3 or row.level2}”实际值{fmt(round(value, 2))}%，{how}应得"
                             f"{fmt(allowed)}分，报告给{fmt(row.score)}分")
        if counts_funds and record.execution_weight and rate is not None:
            has_execution_points = True
            allowed = round(record.execution_weight * min(rate, 100) / 100, 2)
            if record.execution_score > allowed + rulebook.tolerance:
                supported -= record.execution_score - allowed
                notes.append(f"预算执行{fmt(record.execution_weight)}分×执行率{fmt(rate)}%应得{fmt(allowed)}分，"
                             f"报告给{fmt(record.execution_score)}分")
    elif claimed is not None:
        supported = claimed
        notes.append(f"报告自评{fmt(claimed)}分" + ("，无逐项评分表" if not rows else "，评分表得分不全"))
    else:
        return None, "报告未给出得分，无法复核。"
    if not has_execution_points and rate is not None:
        weight = record.execution_weight or rulebook.execution_weight
        allowed = round(100 - weight * (1 - min(rate, 100) / 100), 2)
        if supported > allowed + rulebook.tolerance:
            supported = allowed
            notes.append(f"预算执行率{fmt(rate)}%，按标准规则（预算执行{fmt(weight)}分×执行率）总分最多{fmt(allowed)}分")
    if rate is not None:
        cap = rulebook.cap_for(rate)
        if cap is not None and supported > cap + rulebook.tolerance:
            supported = cap
            notes.append(f"按省级封顶规则，执行率{fmt(rate)}%最高{fmt(cap)}分")
    elif not has_execution_points:
        notes.append("未能计算预算执行率，执行规则未复核")
    if claimed is not None and supported > claimed:
        supported = claimed
    supported = round(max(supported, 0.0), 2)
    notes.append(f"证据支撑得分{fmt(supported)}分" + (f"，比自评低{fmt(round(claimed - supported, 2))}分"
                                                      if claimed is not None and claimed - supported > 0.005 else ""))
    return supported, "；".join(notes) + "。"


def score_gap(record: EvaluationRecord, rulebook: Rulebook | None = None) -> float | None:
    """Claimed minus supported score, in points (≥ 0), or None when nothing is claimed."""
    supported, _ = supported_score(record, rulebook)
    if supported is None or record.self_score is None:
        return None
    return round(record.self_score - supported, 2)
