"""The scoring rulebook (data/rulebook.toml): grade bands, execution rules, caps, severities, risk weights."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard import settings


@dataclass(frozen=True)
class Rulebook:
    grade_bands: tuple[tuple[str, float], ...] = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0))
    split: dict[str, float] = field(default_factory=lambda: {"产出": 50, "效益": 30, "满意度": 10, "预算执行": 10})
    execution_weight: float = 10.0
    full_marks_rate: float = 95.0
    tolerance: float = 0.05
    caps_enabled: bool = False
    caps: tuple[tuple[float, float], ...] = ((80, 89), (70, 79), (60, 69), (50, 59))  # (below_rate, max_score)
    severity: dict[str, float] = field(default_factory=lambda: {
        "execution_high_points": 1.0, "sum_high_points": 1.0, "rate_high_points": 5.0,
        "evaluator_high_points": 1.0})
    risk_severity_points: dict[str, float] = field(default_factory=lambda: {"high": 35, "medium": 15, "low": 5})
    risk_gap_points_per_point: float = 4.0
    risk_gap_points_max: float = 40.0
    flagged_share_points: float = 5.0
    peer_outlier: dict[str, Any] = field(default_factory=lambda: {
        "z": 3.5, "min_points": 8.0, "min_peers": 10, "severity": "medium"})
    boilerplate: dict[str, Any] = field(default_factory=lambda: {
        "shingle_chars": 5, "num_perm": 128, "threshold": 0.85, "severity": "medium", "min_chars": 300})

    def grade_for(self, score: float) -> str:
        """The grade of the band the score falls in."""
        for grade, lower in self.grade_bands:
            if score >= lower - 1e-9:
                return grade
        return self.grade_bands[-1][0]

    def cap_for(self, rate: float) -> float | None:
        """The highest total the province caps allow at this execution rate, or None (no cap)."""
        if not self.caps_enabled:
            return None
        allowed = [max_score for below_rate, max_score in self.caps if rate < below_rate]
        return min(allowed) if allowed else None


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """The rulebook from its TOML file (setting rulebook_path); defaults where the file is silent."""
    path = Path(path or settings.get("rulebook_path"))
    if not path.exists():
        return Rulebook()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    base = Rulebook()
    grades = data.get("grades")
    bands = base.grade_bands
    if grades:
        bands = tuple(sorted(((str(g), float(v)) for g, v in grades.items()), key=lambda gv: -gv[1]))
    execution = data.get("execution", {})
    caps = data.get("caps", {})
    risk = data.get("risk", {})
    return Rulebook(
        grade_bands=bands,
        split={str(k): float(v) for k, v in data.get("split", base.split).items()},
        execution_weight=float(execution.get("default_weight", base.execution_weight)),
        full_marks_rate=float(execution.get("full_marks_rate", base.full_marks_rate)),
        tolerance=float(execution.get("tolerance", base.tolerance)),
        caps_enabled=bool(caps.get("enabled", False)),
        caps=tuple((float(b["below_rate"]), float(b["max_score"])) for b in caps.get("bands", [])) or base.caps,
        severity={**base.severity, **{k: float(v) for k, v in data.get("severity", {}).items()}},
        risk_severity_points={**base.risk_severity_points,
                              **{k: float(v) for k, v in risk.get("severity_points", {}).items()}},
        risk_gap_points_per_point=float(risk.get("gap_points_per_point", base.risk_gap_points_per_point)),
        risk_gap_points_max=float(risk.get("gap_points_max", base.risk_gap_points_max)),
        flagged_share_points=float(data.get("unit_index", {}).get("flagged_share_points",
                                                                   base.flagged_share_points)),
        peer_outlier={**base.peer_outlier, **data.get("peer_outlier", {})},
        boilerplate={**base.boilerplate, **data.get("boilerplate", {})},
    )
