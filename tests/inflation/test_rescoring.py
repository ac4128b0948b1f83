"""Re-scoring: written row rules, the standard execution rule, and the gap on the reference reports."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dashboard.inflation.rescoring import score_gap, supported_score
from dashboard.inflation.row_rules import parse_rule, stated_percent
from dashboard.inflation.rulebook import load_rulebook
from dashboard.ingest.extract import extract_file
from dashboard.ingest.record import EvaluationRecord, Indicator

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
RULEBOOK = load_rulebook()

EXECUTION_RULE = ("预算执行率=实际支出金额/项目预算金额×100%。预算执行率95%以上，得满分；低于95%，"
                  "每下降1%扣权重的1%；预算执行率60%以下，不计分")
RECEIVED_RULE = "资金到位率大于90%的得满分，每少5个百分点扣0.5分，扣完为止。"
SATISFACTION_RULE = "采取社会调查的方式，社会公众满意度大于90%的得满分，每少1个百分点扣0.3分，扣完为止。"


@pytest.mark.parametrize(("rule", "value", "weight", "expected"), [
    (EXECUTION_RULE, 95.0, 2, 2),
    (EXECUTION_RULE, 86.2, 2, 1.84),  # 8 whole points under 95 → 8% of the weight
    (EXECUTION_RULE, 59.9, 2, 0),
    (RECEIVED_RULE, 90.0, 1, 0.5 + 0.5),  # "大于90%": 90 itself is not full, but no whole step is missed
    (RECEIVED_RULE, 79.0, 2, 1.0),
    (SATISFACTION_RULE, 96.0, 10, 10),
    (SATISFACTION_RULE, 87.0, 10, 9.1),
    ("得分=分值×执行率", 80.0, 20, 16.0),
    ("项目验收通过率达95%及以上，得满分；未通过一个扣一分", 90.0, 12, None),
])
def test_written_rules_score_a_value(rule, value, weight, expected):
    parsed = parse_rule(rule)
    assert parsed is not None
    assert parsed.score(value, weight) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("text", [None, "", "变动率=[（实际成本-计划成本）/计划成本]×100%。", "一项不符合扣1分，严重的此项完全不得分。"])
def test_text_without_a_rule_parses_to_none(text):
    assert parse_rule(text) is None


@pytest.mark.parametrize(("text", "value", "upper"), [
    ("采取社会调查的方式，社会公众满意度大于96%", 96.0, False),
    ("变动率没有地达到100%", 100.0, True),
    ("目标值95%，实际完成88%", 88.0, False),
    ("满意度低于90%", 90.0, True),
])
def test_stated_percent_reads_the_achieved_value(text, value, upper):
    stated = stated_percent(text)
    assert (stated.value, stated.upper_bound) == (value, upper)


def record_with(rows, **kw):
    base = dict(source="t", budget_wan=100.0, spent_wan=86.2, execution_rate=86.2, self_score=None)
    base.update(kw)
    record = EvaluationRecord(**base, indicators=rows)
    if record.self_score is None:
        record.self_score = sum(r.score for r in rows)
    return record


def test_execution_row_rescored_by_its_own_rule():
    rows = [Indicator("过程", "业务管理", "预算执行率", 2, 2, 0, None, EXECUTION_RULE),
            Indicator("产出", "项目产出", "完成数量", 98, 90)]
    supported, why = supported_score(record_with(rows), RULEBOOK)
    assert supported == pytest.approx(91.84)
    assert "预算执行率" in why and "1.84分" in why


def test_execution_row_without_a_rule_uses_weight_times_rate():
    rows = [Indicator("过程", "业务管理", "预算执行率", 10, 10), Indicator("产出", "数量", "完成数量", 90, 85)]
    assert supported_score(record_with(rows), RULEBOOK)[0] == pytest.approx(85 + 8.62)


def test_received_and_satisfaction_rows_use_the_reports_own_figures():
    rows = [Indicator("决策", "资金落实", "资金到位率", 2, 2, 0, None, RECEIVED_RULE),
            Indicator("效益", "满意度", "服务对象满意度", 10, 10, 0, None, SATISFACTION_RULE, actual="85%"),
            Indicator("产出", "数量", "完成数量", 88, 80)]
    record = record_with(rows, received_wan=79.0, execution_rate=100.0, spent_wan=100.0)
    supported, why = supported_score(record, RULEBOOK)
    assert supported == pytest.approx(80 + 1.0 + 8.5)
    assert "资金到位率" in why and "服务对象满意度" in why


def test_funds_block_is_held_to_weight_times_rate():
    rows = [Indicator("产出", "数量", "完成数量", 80, 78)]
    record = record_with(rows, self_score=98.0, execution_weight=20.0, execution_score=20.0, execution_rate=90.0)
    assert supported_score(record, RULEBOOK)[0] == pytest.approx(96.0)


def test_rows_that_do_not_add_up_support_only_their_sum():
    rows = [Indicator("产出", "数量", "完成数量", 100, 90)]
    assert score_gap(record_with(rows, self_score=95.0, execution_rate=100.0), RULEBOOK) == pytest.approx(5.0)


def test_nothing_claimed_nothing_supported():
    assert supported_score(EvaluationRecord(source="t"), RULEBOOK)[0] is None
    assert score_gap(EvaluationRecord(source="t", self_score=None), RULEBOOK) is None


def test_caps_lower_the_supported_score_only_when_enabled():
    record = EvaluationRecord(source="t", self_score=95.0, execution_rate=65.0)
    assert supported_score(record, RULEBOOK)[0] == 95.0
    assert supported_score(record, replace(RULEBOOK, caps_enabled=True))[0] == 79.0


@pytest.mark.parametrize(("name", "supported", "gap"), [
    ("000_b602d48fbaccf327.txt", 98.62, 1.38),  # 100 claimed at 86.2%: 100 − 10 × (1 − 0.862)
    ("001_14069cec515ef4d6.txt", 95.4, 0.0),
    ("002_5dcd609a2ddc7662.txt", 94.0, 0.0),
    ("003_51012be2458ae35e.txt", 88.0, 0.0),
    ("004_e18cbe02d0d2ef94.txt", 99.98, 0.0),
])
def test_reference_reports_supported_score_and_gap(name, supported, gap):
    [record] = extract_file(SEEDS / name)
    assert supported_score(record, RULEBOOK)[0] == pytest.approx(supported)
    assert score_gap(record, RULEBOOK) == pytest.approx(gap)
