"""Risk per report and the unit inflation index per department × year (pure Polars transforms).

Risk score, 0–100 (weights in data/rulebook.toml [risk]):
    risk = min(100, Σ_codes severity_points[max severity of the code]
                    + min(gap_points_max, gap_points_per_point × max(gap, 0)))
with the defaults high 35 / medium 15 / low 5 points per distinct flag code and 4 points per point of
gap (claimed − supported score) up to 40. A report with no flag and no gap scores 0.

Unit inflation index (weights in [unit_index]):
    inflation_index = (mean_gap − peer_median_gap) + flagged_share_points × flagged_share
mean_gap: the unit's mean gap that year; peer_median_gap: the median of every unit's mean gap that
year; flagged_share: the share of the unit's reports carrying a high or medium flag. Positive means
the unit claims more than its evidence supports, compared with its peers.
"""
from __future__ import annotations

import polars as pl

from dashboard.inflation.rulebook import Rulebook

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
RANK_SEVERITY = {rank: severity for severity, rank in SEVERITY_RANK.items()}

REPORT_RISK_SCHEMA = {
    "evaluation_id": pl.String,
    "supported_score": pl.Float64,
    "score_gap": pl.Float64,
    "risk_score": pl.Float64,
    "n_flags": pl.Int64,
    "max_severity": pl.String,
}
UNIT_INFLATION_SCHEMA = {
    "department": pl.String,
    "year": pl.Int64,
    "n_reports": pl.Int64,
    "mean_claimed": pl.Float64,
    "mean_supported": pl.Float64,
    "mean_gap": pl.Float64,
    "peer_median_gap": pl.Float64,
    "inflation_index": pl.Float64,
    "flagged_share": pl.Float64,
}


def flag_points_by_report(flags: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One row per evaluation with flags: n_flags, max_severity and severity points (each code counted once)."""
    points = rulebook.risk_severity_points
    per_code = (
        flags.with_columns(pl.col("severity").replace_strict(SEVERITY_RANK, default=0).alias("rank"))
        .group_by("evaluation_id", "code")
        .agg(pl.col("rank").max())
        .with_columns(
            pl.col("rank").replace_strict({r: points.get(s, 0.0) for s, r in SEVERITY_RANK.items()},
                                          default=0.0, return_dtype=pl.Float64).alias("points"))
    )
    return (
        per_code.group_by("evaluation_id")
        .agg(
            pl.len().cast(pl.Int64).alias("n_flags"),
            pl.col("rank").max().alias("max_rank"),
            pl.col("points").sum().alias("flag_points"),
        )
        .with_columns(pl.col("max_rank").replace_strict(RANK_SEVERITY, default=None,
                                                        return_dtype=pl.String).alias("max_severity"))
        .drop("max_rank")
        .sort("evaluation_id")
    )


def report_risk(scores: pl.DataFrame, flags: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One row per evaluation: supported score, gap, risk score 0–100, number of flag codes, worst severity."""
    by_report = flag_points_by_report(flags, rulebook)
    gap_points = (pl.col("score_gap").fill_null(0.0).clip(lower_bound=0.0) * rulebook.risk_gap_points_per_point
                  ).clip(upper_bound=rulebook.risk_gap_points_max)
    return (
        scores.select("evaluation_id", "supported_score", "score_gap")
        .join(by_report, on="evaluation_id", how="left")
        .with_columns(
            pl.min_horizontal(pl.lit(100.0), pl.col("flag_points").fill_null(0.0) + gap_points)
            .round(1).alias("risk_score"),
            pl.col("n_flags").fill_null(0),
        )
        .select(list(REPORT_RISK_SCHEMA))
        .cast(REPORT_RISK_SCHEMA)
        .sort("evaluation_id")
    )


def unit_inflation(reports: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One row per department × year: claimed vs supported means, gap against peers, inflation index.

    `reports`: evaluation_id, department, year, self_score, supported_score, score_gap, flagged (bool).
    Reports without a department, a year or a gap are left out: they cannot be compared.
    """
    usable = reports.filter(
        pl.col("department").is_not_null() & pl.col("year").is_not_null() & pl.col("score_gap").is_not_null())
    units = (
        usable.group_by("department", "year")
        .agg(
            pl.len().cast(pl.Int64).alias("n_reports"),
            pl.col("self_score").mean().alias("mean_claimed"),
            pl.col("supported_score").mean().alias("mean_supported"),
            pl.col("score_gap").mean().alias("mean_gap"),
            pl.col("flagged").cast(pl.Float64).mean().alias("flagged_share"),
        )
        .with_columns(pl.col("mean_gap").median().over("year").alias("peer_median_gap"))
        .with_columns(
            (pl.col("mean_gap") - pl.col("peer_median_gap")
             + rulebook.flagged_share_points * pl.col("flagged_share")).alias("inflation_index"))
    )
    rounded = [pl.col(c).round(3) for c in ("mean_claimed", "mean_supported", "mean_gap", "peer_median_gap",
                                             "inflation_index", "flagged_share")]
    return (
        units.with_columns(rounded)
        .select(list(UNIT_INFLATION_SCHEMA))
        .cast(UNIT_INFLATION_SCHEMA)
        .sort(["year", "inflation_index", "department"], descending=[False, True, False])
    )
