"""Budget execution transforms: per project, per department and year, shares under thresholds,
year-on-year change and the lowest executors. Rates are percentages (spent / budget * 100)."""
from __future__ import annotations

import polars as pl

UNDER_THRESHOLDS = (60, 80, 90, 95)


def _with_amounts(frame: pl.DataFrame) -> pl.DataFrame:
    """Only rows whose rate can be computed: a positive budget and a stated spend."""
    return frame.filter((pl.col("budget_wan") > 0) & pl.col("spent_wan").is_not_null())


def _weighted_rate() -> pl.Expr:
    return pl.col("spent_wan").sum() / pl.col("budget_wan").sum() * 100


def execution_rate_by_project(evaluations: pl.DataFrame) -> pl.DataFrame:
    """One row per project_key and year: summed amounts and the budget-weighted execution rate."""
    return (
        _with_amounts(evaluations)
        .group_by("project_key", "year")
        .agg(
            pl.col("project_name").first(),
            pl.col("department_canonical").first(),
            pl.len().alias("n_reports"),
            pl.col("budget_wan").sum(),
            pl.col("spent_wan").sum(),
            _weighted_rate().alias("execution_rate"),
        )
        .sort("department_canonical", "project_name", "year", nulls_last=True)
    )


def execution_by_department_year(evaluations: pl.DataFrame) -> pl.DataFrame:
    """One row per department_canonical and year: Σspent/Σbudget, median project rate, shares under 60/80/90/95%."""
    rate = pl.col("execution_rate")
    return (
        _with_amounts(evaluations)
        .with_columns(rate.fill_null(pl.col("spent_wan") / pl.col("budget_wan") * 100))
        .group_by("department_canonical", "year")
        .agg(
            pl.len().alias("n_projects"),
            pl.col("budget_wan").sum(),
            pl.col("spent_wan").sum(),
            _weighted_rate().alias("execution_rate_weighted"),
            rate.median().alias("execution_rate_median"),
            *[(rate < t).mean().alias(f"share_under_{t}") for t in UNDER_THRESHOLDS],
        )
        .sort("department_canonical", "year", nulls_last=True)
    )


def with_change_from_previous_year(frame: pl.DataFrame, value: str = "execution_rate_weighted",
                                   by: str = "department_canonical") -> pl.DataFrame:
    """Same grain as the input (one row per `by` and year) plus `<value>_previous_year` and `<value>_change`.

    The previous year is the calendar year before; a gap in the years gives null, not the last year seen.
    """
    previous = frame.select(
        pl.col(by), (pl.col("year") + 1).alias("year"), pl.col(value).alias(f"{value}_previous_year")
    )
    return (
        frame.join(previous, on=[by, "year"], how="left", nulls_equal=True)
        .with_columns((pl.col(value) - pl.col(f"{value}_previous_year")).alias(f"{value}_change"))
    )


def lowest_executors(evaluations: pl.DataFrame, n: int = 20) -> pl.DataFrame:
    """One row per evaluation, the n lowest execution rates first, with the unspent amount."""
    return (
        _with_amounts(evaluations)
        .with_columns(
            (pl.col("spent_wan") / pl.col("budget_wan") * 100).alias("execution_rate"),
            (pl.col("budget_wan") - pl.col("spent_wan")).alias("unspent_wan"),
        )
        .sort(["execution_rate", "budget_wan", "evaluation_id"], descending=[False, True, False])
        .head(n)
    )
