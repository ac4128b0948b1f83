"""The sanity rules of data/sanity.toml (setting sanity_path), read in one place.

The reader warns with them while extracting (dashboard.ingest.extract.sanity), the derive step marks
values 待核实 with them (dashboard.metrics.doubtful) and the correction form refuses values outside
them: one set of thresholds, so a value the loader warned about is the value the 待核实 list holds.
Standard library only: extraction workers import it.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from pathlib import Path

from dashboard import settings


class SanityError(ValueError):
    """data/sanity.toml is malformed (the message names the file and the key)."""


@dataclass(frozen=True)
class SanityRules:
    amount_max_wan: float  # largest plausible budget or spending of one project (万元)
    spend_ratio_max: float  # largest plausible spending ÷ budget
    rate_min: float  # plausible execution rate range (percent)
    rate_max: float
    score_min: float  # plausible self-score range
    score_max: float
    first_year: int  # plausible fiscal years
    last_year: int

    def query_params(self) -> dict:
        """The rules as the parameters of queries/rollup/doubtful_values.sql."""
        return {"amount_max_wan": self.amount_max_wan, "spend_ratio_max": self.spend_ratio_max,
                "rate_min": self.rate_min, "rate_max": self.rate_max, "score_min": self.score_min,
                "score_max": self.score_max, "first_year": self.first_year, "last_year": self.last_year}


def load(path: str | Path | None = None, this_year: int | None = None) -> SanityRules:
    """The rules of the sanity file; a malformed file is refused naming the file and the reason."""
    path = Path(path or settings.get("sanity_path"))
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise SanityError(f"{path}: 合理性规则无法读取（{exc.strerror or exc}）") from exc
    return _load(str(path), mtime, this_year or date.today().year)


@lru_cache(maxsize=8)
def _load(name: str, _mtime_ns: int, year: int) -> SanityRules:
    path = Path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        scores = data.get("scores", {})
        return SanityRules(
            amount_max_wan=float(data["amounts"]["project_amount_max_wan"]),
            spend_ratio_max=float(data["amounts"]["spend_to_budget_max"]),
            rate_min=float(data["rates"]["execution_rate_min"]),
            rate_max=float(data["rates"]["execution_rate_max"]),
            score_min=float(scores.get("self_score_min", 0)),
            score_max=float(scores.get("self_score_max", 100)),
            first_year=int(data["years"]["first"]),
            last_year=year + int(data["years"]["ahead"]),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise SanityError(f"{path}: 合理性规则无法读取（{type(exc).__name__}: {exc}）") from exc
