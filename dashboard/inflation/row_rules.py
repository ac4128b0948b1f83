"""An indicator row's own written scoring rule (评价标准) and the values a row's text states.

Parses the phrasings scoring rules use ("大于90%的得满分，每少1个百分点扣0.3分", "预算执行率95%以上，
得满分；低于95%，每下降1%扣权重的1%；预算执行率60%以下，不计分", "得分=分值×执行率") into a RowRule
that scores a value, and reads a stated value ("满意度大于96%") out of a reason or an actual.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dashboard.ingest.normalize import normalize_text

_NUM = r"(\d+(?:\.\d+)?)"
_FULL = re.compile(
    r"(大于或等于|大于等于|不低于|不少于|不小于|高于|大于|超过|达到|达|≥|>=|>)?\s*" + _NUM
    + r"\s*%\s*(及以上|以上|\(含\)|\(含\d*%?\))?\s*[的,;:，；：]?\s*(?:的)?\s*(?:即)?\s*(?:得|给|计|为)满分"
)
_STEP = re.compile(
    r"每(?:少|低|下降|降低|减少|低于|差)\s*" + _NUM + r"\s*个?(?:百分点|%)\s*[,，]?\s*(?:的)?\s*扣(?:减|除)?\s*"
    r"(权重的|分值的)?\s*" + _NUM + r"\s*(%|分)?"
)
_ZERO = re.compile(
    r"(?:低于|小于|不足|不到)?\s*" + _NUM + r"\s*%\s*(?:以下|及以下)?\s*[的,，]?\s*(?:此项)?\s*(?:不计分|不得分|得0分|计0分|得零分)"
)
_PROPORTIONAL = re.compile(
    r"(?:权重|分值|满分)\s*[×*xX✕]\s*(?:预算)?执行率|(?:预算)?执行率\s*[×*xX✕]\s*(?:权重|分值)"
    r"|按(?:预算)?执行率(?:计算)?(?:计|得)分|按比例(?:计|得)分"
)
_STATED = re.compile(
    r"(大于或等于|大于等于|不低于|不少于|不小于|高于|大于|超过|达到|达|为|是|≥|>=|>"
    r"|低于|小于|不足|不到|未达到|没有达到|没有地达到|未达|≤|<)?\s*" + _NUM + r"\s*%"
)
_UPPER_BOUND = ("低于", "小于", "不足", "不到", "未达到", "没有达到", "没有地达到", "未达", "≤", "<")
_NOT_THE_VALUE = ("目标", "计划", "标准", "要求", "应达", "指标值")


@dataclass(frozen=True)
class RowRule:
    """A scoring rule: full marks from a threshold, then deductions per step, zero below a floor."""

    full_at: float | None = None
    full_strict: bool = False  # "大于90%" needs more than 90; "90%以上" counts 90
    step_size: float | None = None
    step_points: float | None = None  # points per step, or a percent of the weight when step_of_weight
    step_of_weight: bool = False
    zero_below: float | None = None
    proportional: bool = False

    def earns_full_marks(self, value: float) -> bool | None:
        """Whether a value earns full marks under this rule; None when the rule has no threshold."""
        if self.full_at is None:
            return None
        return value > self.full_at if self.full_strict else value >= self.full_at - 1e-9

    def score(self, value: float, weight: float) -> float | None:
        """The score this rule gives a value (generous: whole steps only); None when not decidable."""
        if self.zero_below is not None and value < self.zero_below - 1e-9:
            return 0.0
        full = self.earns_full_marks(value)
        if full:
            return weight
        if full is False and self.step_size and self.step_points is not None:
            steps = math.floor((self.full_at - value) / self.step_size + 1e-9)
            per_step = weight * self.step_points / 100 if self.step_of_weight else self.step_points
            return max(0.0, round(weight - steps * per_step, 4))
        if self.proportional:
            return round(weight * min(value, 100.0) / 100, 4)
        return None


def parse_rule(text: str | None) -> RowRule | None:
    """The scoring rule written in a row's 评价标准 text, or None when none can be read."""
    if not text:
        return None
    text = normalize_text(text)
    full = _FULL.search(text)
    step = _STEP.search(text)
    zero = _ZERO.search(text)
    proportional = bool(_PROPORTIONAL.search(text))
    if not (full or zero or proportional):
        return None
    full_at = float(full.group(2)) if full else None
    strict = bool(full and full.group(1) in ("高于", "大于", "超过", ">") and not full.group(3))
    return RowRule(
        full_at=full_at,
        full_strict=strict,
        step_size=float(step.group(1)) if step and float(step.group(1)) > 0 else None,
        step_points=float(step.group(3)) if step else None,
        step_of_weight=bool(step and (step.group(2) or step.group(4) == "%")),
        zero_below=float(zero.group(1)) if zero else None,
        proportional=proportional,
    )


@dataclass(frozen=True)
class StatedValue:
    value: float
    upper_bound: bool  # "低于90%": the true value is at most this
    quote: str


def stated_percent(text: str | None) -> StatedValue | None:
    """The first percentage a reason or actual states as the row's achieved value, or None."""
    if not text:
        return None
    text = normalize_text(text)
    for match in _STATED.finditer(text):
        before = text[max(0, match.start() - 4): match.start()]
        if any(word in before for word in _NOT_THE_VALUE):
            continue
        return StatedValue(float(match.group(2)), (match.group(1) or "") in _UPPER_BOUND, text.strip())
    return None


_EXECUTION_NAME = re.compile(r"执行率|预算执行|执行进度")
_RECEIVED_NAME = re.compile(r"到位率")
_SATISFACTION_NAME = re.compile(r"满意度")


def row_kind(level2: str | None, level3: str | None) -> str | None:
    """'execution', 'received' or 'satisfaction' for the rows re-scoring can check, else None."""
    name = level3 or level2 or ""
    if _EXECUTION_NAME.search(name):
        return "execution"
    if _RECEIVED_NAME.search(name) and "及时" not in name:
        return "received"
    if _SATISFACTION_NAME.search(name):
        return "satisfaction"
    return None
