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
from dashboard.warehouse import replace_rows

TAXONOMY_PATH = settings.ROOT / "data" / "reason_taxonomy.toml"
OTHER = "其他"
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


def text_categories(texts: pl.Series, taxonomy: tuple[Category, ...] | None = None) -> pl.DataFrame:
    """One row per distinct text: reason_normalised and its category (null when no category fits).

    The first clause decides ("制度有待完善，资金分配没有…" is about rules), then the whole text.
    """
    taxonomy = taxonomy or load_taxonomy()
    distinct = texts.drop_nulls().unique().sort()
    frame = pl.DataFrame({
        "text": distinct,
        "reason_normalised": [normalise_reason(t) for t in distinct],
    }, schema={"text": pl.String, "reason_normalised": pl.String})
    return frame.with_columns(
        pl.col("reason_normalised").str.extract(r"^([^，,；;。]+)", 1).alias("_head"),
    ).with_columns(
        pl.coalesce(_category_expr("_head", taxonomy), _category_expr("reason_normalised", taxonomy)).alias("category")
    ).drop("_head")


def categorised_reasons(mentions: pl.DataFrame, taxonomy: tuple[Category, ...] | None = None,
                        include_problems_of_scored_reports: bool = False) -> pl.DataFrame:
    """One row per mention (a deduction reason or a stated problem), with reason_normalised and category.

    A deduction whose text fits no category takes its indicator's (level3) category, then 其他.
    Problems stated by reports that have a score table usually repeat their deductions, so they are
    left out unless asked for; problems of reports without a score table always count.
    """
    frame = mentions.drop([c for c in ("reason_normalised", "category") if c in mentions.columns])
    if not include_problems_of_scored_reports:
        frame = frame.filter((pl.col("source") != "problem") | ~pl.col("has_score_table").fill_null(False))
    level3 = pl.col("level3") if "level3" in frame.columns else pl.lit(None, dtype=pl.String)
    frame = frame.with_columns(level3.cast(pl.String).alias("_level3"))
    by_text = text_categories(pl.concat([frame["reason_text"], frame["_level3"]]), taxonomy)
    return (
        frame.join(by_text, left_on="reason_text", right_on="text", how="left")
        .join(by_text.select("text", pl.col("category").alias("_level3_category")),
              left_on="_level3", right_on="text", how="left")
        .with_columns(
            pl.col("reason_normalised").fill_null(pl.col("reason_text").str.strip_chars()),
            pl.coalesce(
                pl.col("category"),
                pl.when(pl.col("source") == "deduction").then(pl.col("_level3_category")),
                pl.lit(OTHER),
            ).alias("category"),
        )
        .drop("_level3", "_level3_category")
    )


def top_reasons_by_department_year(categorised: pl.DataFrame, n: int = 5) -> pl.DataFrame:
    """One row per department_canonical, year and normalised reason, the n most mentioned of each department-year."""
    keys = ["department_canonical", "year"]
    return (
        categorised.group_by(*keys, "reason_normalised")
        .agg(
            pl.col("category").min(),
            pl.len().alias("n_mentions"),
            pl.col("evaluation_id").n_unique().alias("n_reports"),
            pl.col("points_lost").sum().fill_null(0.0),
            pl.col("reason_text").min().alias("example_quote"),
        )
        .sort([*keys, "n_mentions", "points_lost", "reason_normalised"],
              descending=[False, False, True, True, False], nulls_last=True)
        .with_columns(pl.int_range(1, pl.len() + 1).over(keys).alias("rank"))
        .filter(pl.col("rank") <= n)
    )


def reason_category_trend(categorised: pl.DataFrame, quotes: int = 3) -> pl.DataFrame:
    """One row per category and year: mentions, reports, points lost, share of the year's mentions, the most given texts."""
    examples = (
        categorised.group_by("category", "year", "reason_text").agg(pl.len().alias("n"))
        .sort(["n", "reason_text"], descending=[True, False])
        .group_by("category", "year", maintain_order=True)
        .agg(pl.col("reason_text").head(quotes).alias("example_quotes"))
    )
    counts = categorised.group_by("category", "year").agg(
        pl.len().alias("n_mentions"),
        pl.col("evaluation_id").n_unique().alias("n_reports"),
        pl.col("points_lost").sum().fill_null(0.0),
    )
    return (
        counts.with_columns((pl.col("n_mentions") / pl.col("n_mentions").sum().over("year")).alias("share_of_year"))
        .join(examples, on=["category", "year"], how="left", nulls_equal=True)
        .sort(["year", "n_mentions", "category"], descending=[False, True, False], nulls_last=True)
    )


def reason_category_totals(trend: pl.DataFrame, taxonomy: tuple[Category, ...] | None = None) -> pl.DataFrame:
    """One row per category of the taxonomy, in its order (zero when absent): mentions, reports, points lost, share.

    Input: reason_category_trend's frame or reason_categories_by_year.sql's (category x year).
    """
    order = category_names(taxonomy)
    counts = trend.group_by("category").agg(
        pl.col("n_mentions").sum(), pl.col("n_reports").sum(), pl.col("points_lost").sum()
    )
    frame = pl.DataFrame({"category": order}).join(counts, on="category", how="left").with_columns(
        pl.col("n_mentions").fill_null(0), pl.col("n_reports").fill_null(0),
        pl.col("points_lost").cast(pl.Float64).fill_null(0.0),
    )
    total = frame.get_column("n_mentions").sum()
    return frame.with_columns((pl.col("n_mentions") / total if total else pl.lit(0.0)).alias("share"))


def refresh(con) -> int:
    """Rewrite reason_categories from every distinct reason, problem and indicator name; returns the rows written."""
    cur = con.cursor()
    texts = cur.sql("""
        select reason as text from indicator_scores where reason is not null
        union
        select level3 from indicator_scores where level3 is not null
        union
        select problem_text from problems
    """).pl()
    frame = text_categories(texts["text"])
    return replace_rows(con, "reason_categories", frame)
