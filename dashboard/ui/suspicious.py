"""Values that look wrong, marked on the 数据管理 page (stored as written, never clipped).

Pure Polars; no streamlit. Each rule yields a Chinese reason, so the page can show why a row is marked.
"""
from __future__ import annotations

from datetime import date

import polars as pl

FIRST_PLAUSIBLE_YEAR = 2000
# Spending more than this many times the budget is almost always a unit slip (元 read as 万元) or a typo.
SPEND_TO_BUDGET_LIMIT = 3.0
AMOUNT_COLUMNS = {"budget_wan": "预算", "initial_budget_wan": "年初预算", "received_wan": "到位资金", "spent_wan": "实际支出"}


def _fmt(column: str) -> pl.Expr:
    return pl.col(column).round(2).cast(pl.String)


def suspicious_reason_exprs(columns: list[str], this_year: int) -> list[pl.Expr]:
    """One expression per rule whose columns are present: the reason in Chinese, or null."""
    rules: list[pl.Expr] = []
    if "self_score" in columns:
        rules.append(pl.when(pl.col("self_score") > 100)
                     .then(pl.concat_str(pl.lit("自评分"), _fmt("self_score"), pl.lit("分，超过100分"))))
        rules.append(pl.when(pl.col("self_score") < 0)
                     .then(pl.concat_str(pl.lit("自评分"), _fmt("self_score"), pl.lit("分，小于0"))))
    for column, label in AMOUNT_COLUMNS.items():
        if column in columns:
            rules.append(pl.when(pl.col(column) < 0)
                         .then(pl.concat_str(pl.lit(f"{label}为负数（"), _fmt(column), pl.lit("万元）"))))
    if "budget_wan" in columns and "spent_wan" in columns:
        rules.append(
            pl.when((pl.col("budget_wan") > 0) & (pl.col("spent_wan") > pl.col("budget_wan") * SPEND_TO_BUDGET_LIMIT))
            .then(pl.concat_str(
                pl.lit("实际支出"), _fmt("spent_wan"), pl.lit("万元是预算"), _fmt("budget_wan"),
                pl.lit("万元的"), (pl.col("spent_wan") / pl.col("budget_wan")).round(1).cast(pl.String),
                pl.lit("倍，可能单位（元/万元）或数字有误"))))
    if "year" in columns:
        rules.append(
            pl.when((pl.col("year") < FIRST_PLAUSIBLE_YEAR) | (pl.col("year") > this_year + 1))
            .then(pl.concat_str(pl.lit("年度"), pl.col("year").cast(pl.String),
                                pl.lit(f"不在{FIRST_PLAUSIBLE_YEAR}至{this_year + 1}年之间"))))
    return rules


def with_suspicious(evaluations: pl.DataFrame, this_year: int | None = None) -> pl.DataFrame:
    """The evaluations with `suspicious` (list of reasons, empty when none) and `is_suspicious`; same grain."""
    this_year = this_year if this_year is not None else date.today().year
    rules = suspicious_reason_exprs(evaluations.columns, this_year)
    if not rules:
        return evaluations.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("suspicious"),
                                        pl.lit(False).alias("is_suspicious"))
    return (
        evaluations
        .with_columns(pl.concat_list([r.cast(pl.String) for r in rules]).list.drop_nulls().alias("suspicious"))
        .with_columns((pl.col("suspicious").list.len() > 0).alias("is_suspicious"))
    )
