"""What a record states and what it lacks, and finding records by their words. Pure Polars.

The 数据管理 page lists partial records with what they lack; the pickers and the risk table narrow
their rows by a few characters of a project, unit or file name."""
from __future__ import annotations

import polars as pl

# Fields every report is expected to state, with their Chinese names.
EXPECTED = {"project_name": "项目名称", "department": "单位", "year": "年度", "self_score": "自评分"}
# Fields expected of project self-evaluations only (department-wide and external reports may lack them).
EXPECTED_OF_PROJECTS = {"budget_wan": "预算", "spent_wan": "实际支出"}


def with_lacks(evaluations: pl.DataFrame) -> pl.DataFrame:
    """The evaluations with `lacks`: the Chinese names of the expected fields they do not state."""
    missing = [pl.when(pl.col(c).is_null()).then(pl.lit(label)) for c, label in EXPECTED.items()]
    missing += [pl.when(pl.col(c).is_null() & (pl.col("kind") == "project_self")).then(pl.lit(label))
                for c, label in EXPECTED_OF_PROJECTS.items()]
    return evaluations.with_columns(pl.concat_list(missing).list.drop_nulls().alias("lacks"))


def matching(frame: pl.DataFrame, needle: str, columns: list[str]) -> pl.DataFrame:
    """The rows where any of these text columns contains `needle` literally (all rows for a blank needle)."""
    needle = (needle or "").strip()
    if not needle:
        return frame
    return frame.filter(pl.any_horizontal([pl.col(c).str.contains(needle, literal=True).fill_null(False)
                                           for c in columns]))
