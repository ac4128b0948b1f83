"""Deduction reasons and stated problems: normalised, filed into the documented reason taxonomy
(data/reason_taxonomy.toml), then the top reasons by department and year and each category's trend."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from dashboard import settings
from dashboard.ingest.normalize import normalize_text, to_simplified

TAXONOMY_PATH = settings.ROOT / "data" / "reason_taxonomy.toml"
OTHER = "其他"
QUOTE_CHARS = 80
_NUMBERING = r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[一二三四五六七八九十]是)\s*"


@dataclass(frozen=True)
class Category:
    name: str
    description: str
    pattern: str


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY_PATH) -> tuple[Category, ...]:
    """The taxonomy's categories in matching order; the last one, 其他, has no pattern."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(Category(c["name"], c.get("description", ""), c.get("pattern", "")) for c in data["category"])


def category_names(taxonomy: tuple[Category, ...] | None = None) -> list[str]:
    return [c.name for c in (taxonomy or load_taxonomy())]


def normalise_reason(text: str | None) -> str | None:
    """A reason as it is grouped: folded, numbering and trailing punctuation gone, the heading before '：' kept."""
    if text is None:
        return None
    folded = re.sub(r"\s+", "", to_simplified(normalize_text(text)))
    folded = re.sub(_NUMBERING, "", folded)
    parts = re.split(r"[:：]", folded, maxsplit=1)
    if len(parts) == 2 and 2 <= len(parts[0]) <= 30:
        folded = parts[0]
    folded = folded.strip("。；;，,、.:： ")
    return folded or None


def _category_expr(column: str, taxonomy: tuple[Category, ...]) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for category in reversed([c for c in taxonomy if c.pattern]):
        expr = pl.when(pl.col(column).str.contains(category.pattern)).then(pl.lit(category.name)).otherwise(expr)
    return expr


def categorised_reasons(reasons: pl.DataFrame, taxonomy: tuple[Category, ...] | None = None,
                        include_problems_of_scored_reports: bool = False) -> pl.DataFrame:
    """Same grain as deduction_reasons.sql (source, department, year, indicator, text) plus reason_normalised and category.

    Problems stated by reports that have a score table usually repeat their deductions, so they are
    left out unless asked for; problems of reports without a score table always count.
    """
    taxonomy = taxonomy or load_taxonomy()
    frame = reasons
    if not include_problems_of_scored_reports:
        frame = frame.filter((pl.col("source") != "problem") | ~pl.col("has_score_table").fill_null(False))
    # Each distinct text is normalised once: boilerplate reasons repeat across thousands of reports.
    texts = frame.select(pl.col("reason_text").unique()).with_columns(
        pl.col("reason_text").map_elements(normalise_reason, return_dtype=pl.String).alias("reason_normalised")
    )
    level3 = frame.select(pl.col("level3").cast(pl.String).unique()).with_columns(
        pl.col("level3").map_elements(lambda s: to_simplified(normalize_text(s)), return_dtype=pl.String)
        .alias("_level3")
    )
    frame = (
        frame.join(texts, on="reason_text", how="left", nulls_equal=True)
        .join(level3, on="level3", how="left", nulls_equal=True)
        .with_columns(pl.col("reason_normalised").str.extract(r"^([^，,；;。]+)", 1).alias("_head"))
    )
    # The first clause decides ("制度有待完善，资金分配没有…" is about rules), then the whole
    # text, then the indicator's name.
    return frame.with_columns(
        pl.coalesce(_category_expr("_head", taxonomy), _category_expr("reason_normalised", taxonomy),
                    _category_expr("_level3", taxonomy), pl.lit(OTHER)).alias("category")
    ).drop("_level3", "_head")


def _quote(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.len_chars() > QUOTE_CHARS).then(text.str.slice(0, QUOTE_CHARS) + "…").otherwise(text)


def top_reasons_by_department_year(categorised: pl.DataFrame, n: int = 5) -> pl.DataFrame:
    """One row per department_canonical, year and normalised reason, the n most mentioned of each department-year."""
    keys = ["department_canonical", "year"]
    return (
        categorised.group_by(*keys, "reason_normalised", "category")
        .agg(
            pl.col("n_mentions").sum(),
            pl.col("n_reports").sum(),
            pl.col("points_lost").sum(),
            _quote(pl.col("reason_text").sort().first()).alias("example_quote"),
        )
        .sort([*keys, "n_mentions", "points_lost", "reason_normalised"],
              descending=[False, False, True, True, False], nulls_last=True)
        .with_columns(pl.int_range(1, pl.len() + 1).over(keys).alias("rank"))
        .filter(pl.col("rank") <= n)
    )


def reason_category_trend(categorised: pl.DataFrame, taxonomy: tuple[Category, ...] | None = None,
                          quotes: int = 3) -> pl.DataFrame:
    """One row per category and year: mentions, reports, points lost, share of the year's mentions, example quotes."""
    order = category_names(taxonomy)
    rank = pl.col("category").replace_strict(order, list(range(len(order))), default=len(order), return_dtype=pl.Int32)
    return (
        categorised.sort("n_mentions", "reason_text", descending=[True, False])
        .group_by("category", "year")
        .agg(
            pl.col("n_mentions").sum(),
            pl.col("n_reports").sum(),
            pl.col("points_lost").sum(),
            _quote(pl.col("reason_text")).unique(maintain_order=True).head(quotes).alias("example_quotes"),
        )
        .with_columns((pl.col("n_mentions") / pl.col("n_mentions").sum().over("year")).alias("share_of_year"))
        .sort([pl.col("year"), rank], nulls_last=True)
    )


def reason_category_totals(categorised: pl.DataFrame, taxonomy: tuple[Category, ...] | None = None) -> pl.DataFrame:
    """One row per category of the taxonomy (zero when absent): mentions, reports, points lost and share of mentions."""
    order = category_names(taxonomy)
    counts = categorised.group_by("category").agg(
        pl.col("n_mentions").sum(), pl.col("n_reports").sum(), pl.col("points_lost").sum()
    )
    frame = pl.DataFrame({"category": order}).join(counts, on="category", how="left").with_columns(
        pl.col("n_mentions").fill_null(0), pl.col("n_reports").fill_null(0), pl.col("points_lost").fill_null(0.0)
    )
    total = frame.get_column("n_mentions").sum()
    return frame.with_columns((pl.col("n_mentions") / total if total else pl.lit(0.0)).alias("share"))
