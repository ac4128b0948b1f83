"""Report-level flags: the reference reports raise their expected codes, quoting the report; each code
fires exactly at its definition's boundary; flag_record never raises."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from dashboard.inflation.report_flags import REPORT_CODES, flag_record
from dashboard.inflation.rulebook import Rulebook, load_rulebook
from dashboard.ingest.extract import extract_file
from dashboard.ingest.record import EvaluationRecord, Indicator

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["reports"]
RULEBOOK = load_rulebook()


def squeeze(text: str) -> str:
    return re.sub(r"[\s；|]+", "", text)


def codes(record: EvaluationRecord, rulebook: Rulebook = RULEBOOK) -> set[str]:
    return {f.code for f in flag_record(record, rulebook)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_report_raises_its_expected_flags_quoting_the_report(name):
    [record] = extract_file(SEEDS / name)
    fired = {f.code: f for f in record.flags}
    for code in EXPECTED[name]["expected_flags"]:
        assert code in fired, f"{name}: {code} did not fire; fired {sorted(fired)}"
        flag = fired[code]
        assert flag.severity in ("high", "medium", "low")
        assert re.search(r"[\u4e00-\u9fff]", flag.message)
        quotes = re.findall(r"「([^」]+)」", flag.evidence)
        assert quotes, f"{code} evidence quotes nothing: {flag.evidence}"
        text = squeeze(record.text)
        for quote in quotes:  # table cells may be quoted joined by "；"
            assert squeeze(quote).rstrip("…") in text, f"{code}: quote not in report: {quote}"


def test_reference_report_000_message_states_the_execution_arithmetic():
    [record] = extract_file(SEEDS / "000_b602d48fbaccf327.txt")
    flag = next(f for f in record.flags if f.code == "EXECUTION_RULE_VIOLATION")
    assert flag.severity == "high"
    assert "86.2%" in flag.message and "98.62分" in flag.message
    assert "绩效自评为100分" in flag.evidence


def test_reference_report_001_deduction_contradicts_its_own_satisfaction_rule():
    [record] = extract_file(SEEDS / "001_14069cec515ef4d6.txt")
    flag = next(f for f in record.flags if f.code == "REASON_CONTRADICTS_RULE")
    assert "满意度大于96%" in flag.evidence and "大于90%的得满分" in flag.evidence
    assert {f.code for f in record.flags} == {"REASON_CONTRADICTS_RULE"}


def row(level3, weight, score, **kw):
    return Indicator("产出", "数量", level3, weight, score, kw.pop("deduction", weight - score), **kw)


BASE = EvaluationRecord(source="t.txt", year=2024, budget_wan=100.0, spent_wan=98.0, execution_rate=98.0,
                        self_score=90.0, grade="优", text="")
TABLE = [row("完成数量", 50, 45), row("社会效益", 30, 27), row("服务对象满意度", 10, 9), row("预算执行率", 10, 9)]

CASES = [
    # (description, changes, code, fires)
    ("rows add up", {"indicators": TABLE}, "SCORE_SUM_MISMATCH", False),
    ("total 0.06 above the rows", {"indicators": TABLE, "self_score": 90.06}, "SCORE_SUM_MISMATCH", True),
    ("total 0.05 above the rows", {"indicators": TABLE, "self_score": 90.05}, "SCORE_SUM_MISMATCH", False),
    ("total counts the funds block", {"indicators": TABLE[:3], "self_score": 90.0, "execution_score": 9.0,
                                      "execution_weight": 10.0}, "SCORE_SUM_MISMATCH", False),
    ("written deduction wrong", {"indicators": [*TABLE[:3], row("预算执行率", 10, 9, deduction=2)]},
     "SCORE_SUM_MISMATCH", True),
    ("a misread deduction above the weight is not compared",
     {"indicators": [*TABLE[:3], row("预算执行率", 10, 9, deduction=95)]}, "SCORE_SUM_MISMATCH", False),
    ("grade of the band", {"self_score": 89.99, "grade": "良"}, "GRADE_BAND_MISMATCH", False),
    ("grade above the band", {"self_score": 89.99, "grade": "优"}, "GRADE_BAND_MISMATCH", True),
    ("grade below the band", {"self_score": 90.0, "grade": "良"}, "GRADE_BAND_MISMATCH", True),
    ("score within the execution rule", {"execution_rate": 90.0, "self_score": 99.0},
     "EXECUTION_RULE_VIOLATION", False),
    ("score above the execution rule", {"execution_rate": 90.0, "self_score": 99.1},
     "EXECUTION_RULE_VIOLATION", True),
    ("100 claimed at 99.99%", {"execution_rate": 99.99, "self_score": 100.0}, "EXECUTION_RULE_VIOLATION", True),
    ("100 claimed at 100%", {"execution_rate": 100.0, "self_score": 100.0}, "EXECUTION_RULE_VIOLATION", False),
    ("full execution row at 94.9%", {"execution_rate": 94.9, "self_score": 80.0,
                                     "indicators": [row("预算执行率", 10, 10)]}, "EXECUTION_RULE_VIOLATION", True),
    ("full execution row at 95%", {"execution_rate": 95.0, "self_score": 80.0,
                                   "indicators": [row("预算执行率", 10, 10)]}, "EXECUTION_RULE_VIOLATION", False),
    ("full funds block at 90%", {"execution_rate": 90.0, "self_score": 80.0, "execution_weight": 20.0,
                                 "execution_score": 20.0}, "EXECUTION_RULE_VIOLATION", True),
    ("weight 20 allows less", {"execution_rate": 90.0, "self_score": 98.5, "execution_weight": 20.0},
     "EXECUTION_RULE_VIOLATION", True),
    ("rate unknown", {"execution_rate": None, "budget_wan": None, "self_score": 100.0},
     "EXECUTION_RULE_VIOLATION", False),
    ("stated rate at 1 decimal", {"budget_wan": 21.76, "spent_wan": 12.84, "stated_execution_rate": 59.0,
                                  "facts": {"stated_rate_decimals": 1}}, "RATE_MISMATCH", False),
    ("stated rate off at 1 decimal", {"budget_wan": 21.76, "spent_wan": 12.84, "stated_execution_rate": 59.1,
                                      "facts": {"stated_rate_decimals": 1}}, "RATE_MISMATCH", True),
    ("printed 100% contradicted", {"budget_wan": 100.0, "spent_wan": 87.0, "stated_execution_rate": 100.0,
                                   "facts": {"stated_rate_decimals": 0}}, "RATE_MISMATCH", True),
    ("same spend twice", {"facts": {"spent_mentions": [{"value_wan": 98.0, "quote": "支出98万元"},
                                                       {"value_wan": 98.004, "quote": "支出98.004万元"}]}},
     "AMOUNT_INCONSISTENT", False),
    ("two spends", {"facts": {"spent_mentions": [{"value_wan": 98.0, "quote": "支出98万元"},
                                                 {"value_wan": 97.0, "quote": "支出97万元"}]}},
     "AMOUNT_INCONSISTENT", True),
    ("initial budget is another amount", {"initial_budget_wan": 90.0, "facts": {"budget_mentions": [
        {"value_wan": 100.0, "quote": "年初预算90万元，调整后预算100万元"},
        {"value_wan": 90.0, "quote": "年初预算90万元，调整后预算100万元"}]}}, "AMOUNT_INCONSISTENT", False),
    ("funds received is another amount", {"facts": {"budget_mentions": [
        {"value_wan": 100.0, "quote": "全年预算100万元"}, {"value_wan": 95.0, "quote": "项目资金实际到位95万元。"}]}},
     "AMOUNT_INCONSISTENT", False),
    ("budget written twice differently", {"facts": {"budget_mentions": [
        {"value_wan": 100.0, "quote": "全年预算100万元"}, {"value_wan": 110.0, "quote": "预算金额为110万元"}]}},
     "AMOUNT_INCONSISTENT", True),
    ("problems and 100", {"problems": ["制度不健全"], "self_score": 100.0, "execution_rate": 100.0},
     "PROBLEMS_WITHOUT_DEDUCTION", True),
    ("problems and no deduction", {"problems": ["制度不健全"], "self_score": 100.0, "execution_rate": 100.0,
                                   "indicators": [row("完成数量", 100, 100)]}, "PROBLEMS_WITHOUT_DEDUCTION", True),
    ("problems and deductions", {"problems": ["制度不健全"], "indicators": TABLE}, "PROBLEMS_WITHOUT_DEDUCTION",
     False),
    ("no problems, 100", {"self_score": 100.0, "execution_rate": 100.0}, "PROBLEMS_WITHOUT_DEDUCTION", False),
    ("evaluators' mean at stated precision", {"evaluator_scores": [89, 90, 90], "self_score": 90.0},
     "EVALUATOR_AVERAGE_MISMATCH", False),
    ("evaluators' mean off", {"evaluator_scores": [89, 96, 86], "self_score": 88.0},
     "EVALUATOR_AVERAGE_MISMATCH", True),
    ("stated average with decimals", {"evaluator_scores": [89, 90, 90], "stated_evaluator_average": 89.6},
     "EVALUATOR_AVERAGE_MISMATCH", True),
    ("one year", {"facts": {"year_mentions": [{"year": 2024, "quote": "2024年"}, {"year": 2024, "quote": "2024年度"}]}},
     "YEAR_INCONSISTENT", False),
    ("two years", {"facts": {"year_mentions": [{"year": 2024, "quote": "2024年"}, {"year": 2023, "quote": "2023年"}]}},
     "YEAR_INCONSISTENT", True),
    ("budget sentence names another year", {"facts": {
        "year_mentions": [{"year": 2024, "quote": "2024年某项目绩效自评报告"}],
        "budget_mentions": [{"value_wan": 100.0, "quote": "2023年全年预算100万元"}]}}, "YEAR_INCONSISTENT", True),
    ("a date in another year is not a fiscal year", {"facts": {
        "year_mentions": [{"year": 2024, "quote": "2024年某项目绩效自评报告"}],
        "spent_mentions": [{"value_wan": 98.0, "quote": "截至2025年3月31日支出98万元"}]}}, "YEAR_INCONSISTENT", False),
    ("90 without a table", {"self_score": 90.0}, "NO_SCORE_TABLE", True),
    ("89.9 without a table", {"self_score": 89.9, "grade": "良"}, "NO_SCORE_TABLE", False),
    ("90 with a table", {"indicators": TABLE}, "NO_SCORE_TABLE", False),
    ("reason earns full marks", {"indicators": [row("服务对象满意度", 10, 9.4, reason="满意度大于96%",
                                                  rule="满意度大于90%的得满分，每少1个百分点扣0.3分")]},
     "REASON_CONTRADICTS_RULE", True),
    ("reason below the rule", {"indicators": [row("服务对象满意度", 10, 9.4, reason="满意度为88%",
                                                rule="满意度大于90%的得满分，每少1个百分点扣0.3分")]},
     "REASON_CONTRADICTS_RULE", False),
    ("reason at a strict threshold", {"indicators": [row("服务对象满意度", 10, 9.4, reason="满意度为90%",
                                                       rule="满意度大于90%的得满分")]},
     "REASON_CONTRADICTS_RULE", False),
    ("reason says not reached", {"indicators": [row("资金变动率", 4, 3, reason="变动率没有达到100%",
                                                  rule="变动率100%以上得满分")]}, "REASON_CONTRADICTS_RULE", False),
]


@pytest.mark.parametrize(("changes", "code", "fires"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_code_fires_exactly_at_its_definition(changes, code, fires):
    record = replace(BASE, **changes)
    assert (code in codes(record)) is fires


def test_province_caps_apply_only_when_enabled():
    record = replace(BASE, execution_rate=75.0, self_score=90.0)
    assert "EXECUTION_RULE_VIOLATION" not in codes(record)
    capped = replace(RULEBOOK, caps_enabled=True)
    flag = next(f for f in flag_record(record, capped) if f.code == "EXECUTION_RULE_VIOLATION")
    assert "最高89分" in flag.message
    assert "EXECUTION_RULE_VIOLATION" not in codes(replace(record, self_score=89.0), capped)


def test_a_clean_report_raises_nothing():
    record = replace(BASE, indicators=TABLE, problems=["宣传不够"], evaluator_scores=[89, 91, 90],
                     facts={"year_mentions": [{"year": 2024, "quote": "2024年"}]})
    assert flag_record(record) == []


def test_severity_is_high_only_where_the_numbers_show_inflation():
    def severity(record, code):
        return next(f.severity for f in flag_record(record) if f.code == code)

    assert severity(replace(BASE, self_score=100.0, execution_rate=99.5), "EXECUTION_RULE_VIOLATION") == "high"
    assert severity(replace(BASE, self_score=99.3, execution_rate=92.0), "EXECUTION_RULE_VIOLATION") == "medium"
    assert severity(replace(BASE, self_score=89.9, grade="优"), "GRADE_BAND_MISMATCH") == "high"
    assert severity(replace(BASE, self_score=90.0, grade="良"), "GRADE_BAND_MISMATCH") == "medium"
    assert severity(replace(BASE, evaluator_scores=[89, 96, 86], self_score=88.0),
                    "EVALUATOR_AVERAGE_MISMATCH") == "medium"
    for record in (replace(BASE, facts={"year_mentions": [{"year": 2024}, {"year": 2023}]}),
                   replace(BASE, self_score=92.0)):
        assert {f.severity for f in flag_record(record)} <= {"low", "medium"}


@pytest.mark.parametrize("changes", [
    {"self_score": "一百"}, {"indicators": [Indicator(None, None, None, "十", None)]},
    {"evaluator_scores": [None, "x"]}, {"facts": {"spent_mentions": [{"value_wan": "abc"}], "year_mentions": [{}]}},
    {"budget_wan": 0.0, "spent_wan": 5.0, "stated_execution_rate": 90.0}, {"text": None},
    {"indicators": [Indicator("产出", None, None, 10, 20, reason="满意度100%", rule="90%以上得满分")]},
])
def test_flag_record_never_raises_on_malformed_values(changes):
    flags = flag_record(replace(BASE, **changes))
    assert all(f.code in REPORT_CODES for f in flags)
