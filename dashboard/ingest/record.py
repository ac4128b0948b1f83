"""EvaluationRecord: one evaluated project as the extraction contract (DESIGN.md) names its keys."""
from __future__ import annotations

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

    def to_contract(self) -> dict[str, Any]:
        """The public JSON object of `extract --json`."""
        out = asdict(self)
        for private in ("text", "facts", "conclusion", "stated_evaluator_average"):
            out.pop(private)
        return out
