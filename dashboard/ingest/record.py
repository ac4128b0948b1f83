"""EvaluationRecord: one evaluated project as the extraction contract (DESIGN.md) names its keys."""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("project_self", "department_self", "external")
GRADES = ("优", "良", "中", "差")
SEVERITIES = ("high", "medium", "low")


@dataclass
class Indicator:
    level1: str | None
    level2: str | None
    level3: str | None
    weight: float | None
    score: float | None
    deduction: float | None = None
    reason: str | None = None
    rule: str | None = None
    target: str | None = None
    actual: str | None = None


@dataclass
class Flag:
    code: str
    severity: str  # high, medium, low
    message: str  # Chinese, for a finance official
    evidence: str  # quoted report text and the numbers the flag rests on


@dataclass
class EvaluationRecord:
    source: str
    project_name: str | None = None
    department: str | None = None
    supervising_department: str | None = None
    region: str | None = None
    kind: str = "project_self"
    year: int | None = None
    budget_wan: float | None = None
    initial_budget_wan: float | None = None
    received_wan: float | None = None
    spent_wan: float | None = None
    stated_execution_rate: float | None = None
    execution_rate: float | None = None
    self_score: float | None = None
    grade: str | None = None
    execution_weight: float | None = None
    execution_score: float | None = None
    indicators: list[Indicator] = field(default_factory=list)
    evaluator_scores: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Beyond the contract: what third-party reports add, and the text flags quote from.
    firm: str | None = None
    report_number: str | None = None
    conclusion: str | None = None
    stated_evaluator_average: float | None = None
    text: str = ""
    # Extra facts an extractor found that flags need (amount mentions, years named, rules...).
    facts: dict[str, Any] = field(default_factory=dict)

    def compute_execution_rate(self) -> None:
        if self.budget_wan and self.spent_wan is not None and self.budget_wan > 0:
            self.execution_rate = round(self.spent_wan / self.budget_wan * 100, 2)
        else:
            self.execution_rate = None

    def fingerprint(self) -> str | None:
        """What makes this record the same report whatever file format it came in (see fingerprint_of)."""
        return fingerprint_of(self.kind, self.department, self.project_name, self.year, self.budget_wan,
                              self.initial_budget_wan, self.received_wan, self.spent_wan, self.self_score)

    def to_contract(self) -> dict[str, Any]:
        """The public JSON object of `extract --json`."""
        out = asdict(self)
        for private in ("text", "facts", "conclusion", "stated_evaluator_average"):
            out.pop(private)
        return out


# Spaces, punctuation and brackets a layout or a PDF text layer may add or drop inside a name.
_NAME_NOISE = re.compile(r"[\s\u3000·・\-—_/\\,，、.。:：;；'\"“”‘’()（）\[\]【】《》<>〈〉]+")
FINGERPRINT_VERSION = "fp1"


def _name_key(text: str | None) -> str:
    return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _amount_key(value: float | None) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return f"{round(float(value), 2):.2f}"


def fingerprint_of(kind: str | None, department: str | None, project_name: str | None, year: int | None,
                   budget_wan: float | None, initial_budget_wan: float | None, received_wan: float | None,
                   spent_wan: float | None, self_score: float | None) -> str | None:
    """The extracted record's identity across file formats: kind, the unit and project name (NFKC,
    spaces and punctuation dropped, lower case), year, the four amounts and the self-score (to 0.01).

    None for a record too bare to tell two reports apart (no project name, no year, or none of the
    amounts and score): such a record never makes a file a duplicate.
    """
    name = _name_key(project_name)
    figures = (budget_wan, initial_budget_wan, received_wan, spent_wan, self_score)
    if not name or year is None or all(v is None for v in figures):
        return None
    parts = [FINGERPRINT_VERSION, kind or "", _name_key(department), name, str(int(year)),
             *(_amount_key(v) for v in figures)]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]
