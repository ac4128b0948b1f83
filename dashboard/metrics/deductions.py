"""Points lost by indicator: per first-level or third-level indicator, the total lost, how often
it is deducted and the share of the reports scoring it that lost points on it."""
from __future__ import annotations

import polars as pl


def with_points_lost(indicators: pl.DataFrame) -> pl.DataFrame:
    """One row per indicator row, plus points_lost: weight - score, else the written deduction; never negative.

    The row's own weight and score come first: a written deduction that disagrees with them is more
    often a misread cell (SCORE_SUM_MISMATCH reports it) than a real loss.
    """
    lost = pl.coalesce(pl.col("weight") - pl.col("score"), pl.col("deduction"))
    return indicators.with_columns(
        pl.when(lost.is_not_null()).then(pl.max_horizontal(lost, pl.lit(0.0))).alias("points_lost")
    )


def points_lost_by_indicator(indicators: pl.DataFrame, levels: tuple[str, ...] = ("level1", "level3")) -> pl.DataFrame:
    """One row per indicator at the given levels (level1 alone, or level1 and level3): lost points and frequency."""
    frame = indicators if "points_lost" in indicators.columns else with_points_lost(indicators)
    deducted = pl.col("points_lost") > 0
    return (
        frame.group_by(*levels)
        .agg(
            pl.col("evaluation_id").n_unique().alias("n_reports_scored"),
            pl.col("evaluation_id").filter(deducted).n_unique().alias("n_reports_deducted"),
            deducted.sum().alias("n_deductions"),
            pl.col("points_lost").sum().alias("points_lost_total"),
            pl.col("weight").sum().alias("weight_total"),
        )
        .with_columns((pl.col("n_reports_deducted") / pl.col("n_reports_scored")).alias("share_reports_deducted"))
        .sort(["points_lost_total", "n_reports_deducted", *levels], descending=[True, True, *[False] * len(levels)],
              nulls_last=True)
    )
