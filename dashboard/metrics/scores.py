"""Self-score transforms: bins and quantiles, summaries and grade mix by department and year,
score against execution (pairs and correlation), and bunching at the grade thresholds."""
from __future__ import annotations

import polars as pl

GRADE_ORDER = ("优", "良", "中", "差")
GRADE_THRESHOLDS = (60, 80, 90)


def score_bins(evaluations: pl.DataFrame, bin_width: float = 5) -> pl.DataFrame:
    """One row per score bin present, [bin_start, bin_end): count and share of scored reports."""
    scored = evaluations.filter(pl.col("self_score").is_not_null())
    return (
        scored.with_columns(((pl.col("self_score") / bin_width).floor() * bin_width).alias("bin_start"))
        .group_by("bin_start")
        .agg(pl.len().alias("n_reports"))
        .with_columns(
            (pl.col("bin_start") + bin_width).alias("bin_end"),
            (pl.col("n_reports") / pl.col("n_reports").sum()).alias("share"),
        )
        .select("bin_start", "bin_end", "n_reports", "share")
        .sort("bin_start")
    )


def score_quantiles(evaluations: pl.DataFrame, quantiles: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)) -> pl.DataFrame:
    """One row per quantile: the self-score at it (linear interpolation)."""
    scores = evaluations.get_column("self_score").drop_nulls()
    return pl.DataFrame(
        {"quantile": list(quantiles),
         "self_score": [scores.quantile(q, interpolation="linear") for q in quantiles]},
        schema={"quantile": pl.Float64, "self_score": pl.Float64},
    )


def score_summary_by_department_year(evaluations: pl.DataFrame) -> pl.DataFrame:
    """One row per department_canonical and year: count, mean, median, quartiles, min and max of self-scores."""
    score = pl.col("self_score")
    return (
        evaluations.filter(score.is_not_null())
        .group_by("department_canonical", "year")
        .agg(
            pl.len().alias("n_scored"),
            score.mean().alias("self_score_mean"),
            score.median().alias("self_score_median"),
            score.quantile(0.25, interpolation="linear").alias("self_score_p25"),
            score.quantile(0.75, interpolation="linear").alias("self_score_p75"),
            score.min().alias("self_score_min"),
            score.max().alias("self_score_max"),
        )
        .sort("department_canonical", "year", nulls_last=True)
    )


def grade_mix(evaluations: pl.DataFrame, by: tuple[str, ...] = ("department_canonical", "year")) -> pl.DataFrame:
    """One row per `by` group and grade present (null: not stated): count and share of the group's reports."""
    keys = list(by)
    order = pl.col("grade").replace_strict(list(GRADE_ORDER), list(range(len(GRADE_ORDER))),
                                            default=len(GRADE_ORDER), return_dtype=pl.Int32)
    return (
        evaluations.group_by(*keys, "grade")
        .agg(pl.len().alias("n_reports"))
        .with_columns((pl.col("n_reports") / pl.col("n_reports").sum().over(keys)).alias("share"))
        .sort([*keys, order], nulls_last=True)
    )


def score_execution_pairs(evaluations: pl.DataFrame) -> pl.DataFrame:
    """One row per evaluation stating both an execution rate and a self-score."""
    return evaluations.filter(
        pl.col("execution_rate").is_not_null() & pl.col("self_score").is_not_null()
    ).select("evaluation_id", "department_canonical", "year", "execution_rate", "self_score", "grade")


def score_execution_correlation(pairs: pl.DataFrame, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row per `by` group (one row overall when empty): number of pairs and Pearson r (null under 3 pairs)."""
    aggs = [
        pl.len().alias("n_pairs"),
        pl.when(pl.len() >= 3).then(pl.corr("execution_rate", "self_score")).alias("correlation"),
    ]
    if by:
        return pairs.group_by(*by).agg(aggs).sort(list(by), nulls_last=True)
    return pairs.select(aggs)


def threshold_bunching(evaluations: pl.DataFrame, thresholds: tuple[float, ...] = GRADE_THRESHOLDS,
                       window: float = 2) -> pl.DataFrame:
    """One row per threshold: reports in [t, t+window) against [t-window, t) and their ratio (null when none below)."""
    scores = evaluations.get_column("self_score").drop_nulls()
    rows = []
    for t in thresholds:
        below = int(((scores >= t - window) & (scores < t)).sum())
        above = int(((scores >= t) & (scores < t + window)).sum())
        rows.append({"threshold": t, "n_just_below": below, "n_at_or_above": above,
                     "ratio_above_to_below": above / below if below else None})
    return pl.DataFrame(rows, schema={"threshold": pl.Float64, "n_just_below": pl.Int64,
                                      "n_at_or_above": pl.Int64, "ratio_above_to_below": pl.Float64})
