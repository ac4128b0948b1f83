"""Ground truth of the demo corpus: the true contract values of every record and its true flags.

The report-level flag rules here restate the agreed definitions (tolerance 0.05 points) on the
true values, independently of dashboard.inflation, so the two can be compared.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TRUTH_NAME = "truth.jsonl"
TOL = 0.05

REPORT_FLAGS = (
    "SCORE_SUM_MISMATCH", "GRADE_BAND_MISMATCH", "EXECUTION_RULE_VIOLATION", "RATE_MISMATCH",
    "AMOUNT_INCONSISTENT", "PROBLEMS_WITHOUT_DEDUCTION", "EVALUATOR_AVERAGE_MISMATCH",
    "YEAR_INCONSISTENT", "NO_SCORE_TABLE", "REASON_CONTRADICTS_RULE",
)
CORPUS_FLAGS = ("PEER_OUTLIER", "BOILERPLATE")

# Contract keys compared by the evaluate command (source, flags and warnings are not values).
NUMBER_KEYS = (
    "year", "budget_wan", "initial_budget_wan", "received_wan", "spent_wan", "stated_execution_rate",
    "execution_rate", "self_score", "execution_weight", "execution_score",
)
NAME_KEYS = ("project_name", "department", "supervising_department", "region")
CATEGORY_KEYS = ("kind", "grade")


def grade_band(score: float) -> str:
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


def rule_max_score(rate: float, weight: float | None) -> float:
    """The highest total the standard rule allows: 100 - w * (1 - min(rate, 100) / 100)."""
    w = weight or 10
    return 100 - w * (1 - min(rate, 100) / 100)


def report_flag_codes(t: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    """The report-level flags the agreed definitions give for these true values."""
    codes: list[str] = []
    inds = t["indicators"]
    score = t["self_score"]
    rate = t["execution_rate"]
    scores = [r["score"] for r in inds]
    if inds and all(s is not None for s in scores) and score is not None:
        total = sum(scores)
        mismatch = abs(total - score) > TOL
        if mismatch and t["execution_score"] is not None:
            mismatch = abs(total + t["execution_score"] - score) > TOL
        if not mismatch:
            mismatch = any(
                r["deduction"] is not None and r["weight"] is not None
                and abs(r["deduction"] - (r["weight"] - r["score"])) > TOL
                for r in inds
            )
        if mismatch:
            codes.append("SCORE_SUM_MISMATCH")
    if t["grade"] and score is not None and t["grade"] != grade_band(score):
        codes.append("GRADE_BAND_MISMATCH")
    if rate is not None:
        violation = False
        for r in inds:
            is_exec = "执行率" in (r["level3"] or "") or "执行率" in (r["level2"] or "")
            if is_exec and r["weight"] and r["score"] == r["weight"] and rate < 95:
                violation = True
        if (t["execution_weight"] is not None and t["execution_score"] is not None
                and t["execution_score"] == t["execution_weight"] and rate < 95):
            violation = True
        if score is not None:
            if score > rule_max_score(rate, t["execution_weight"]) + TOL:
                violation = True
            if score == 100 and rate < 100:
                violation = True
        if violation:
            codes.append("EXECUTION_RULE_VIOLATION")
    stated = t["stated_execution_rate"]
    if stated is not None and t["budget_wan"] and t["spent_wan"] is not None:
        d = facts.get("stated_rate_decimals", 2)
        if abs(t["spent_wan"] / t["budget_wan"] * 100 - stated) > 0.5 * 10 ** -d + 1e-9:
            codes.append("RATE_MISMATCH")
    for key in ("budget_mentions", "spent_mentions"):
        values = [m["value_wan"] for m in facts.get(key, [])]
        if values and max(values) - min(values) > 0.005:
            codes.append("AMOUNT_INCONSISTENT")
            break
    if t["problems"] and score is not None:
        weighted = [r for r in inds if r["weight"] is not None and r["score"] is not None]
        no_deduction = bool(weighted) and abs(sum(r["weight"] - r["score"] for r in weighted)) < 1e-9
        if score == 100 or no_deduction:
            codes.append("PROBLEMS_WITHOUT_DEDUCTION")
    if t["evaluator_scores"]:
        stated_avg = facts.get("stated_evaluator_average")
        stated_avg = score if stated_avg is None else stated_avg
        mean = sum(t["evaluator_scores"]) / len(t["evaluator_scores"])
        if stated_avg is not None and abs(mean - stated_avg) > TOL:
            codes.append("EVALUATOR_AVERAGE_MISMATCH")
    if len({m["year"] for m in facts.get("year_mentions", [])}) > 1:
        codes.append("YEAR_INCONSISTENT")
    if score is not None and score >= 90 and not inds:
        codes.append("NO_SCORE_TABLE")
    if facts.get("reason_contradicts_rule"):
        codes.append("REASON_CONTRADICTS_RULE")
    return codes


def write_truth(path: Path, entries: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for entry in entries:
            fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def read_truth(corpus_dir: str | Path) -> list[dict[str, Any]]:
    path = Path(corpus_dir) / TRUTH_NAME
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
