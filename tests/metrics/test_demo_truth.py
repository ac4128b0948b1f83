"""Metrics over the demo corpus, read by the real loader, agree with the same metrics computed from
the corpus's ground truth (truth.jsonl): the truth's values grouped under the warehouse's own labels."""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import warehouse
from dashboard.corpus.generate import write_corpus
from dashboard.corpus.truth import read_truth
from dashboard.ingest.load import ingest_paths
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS
from dashboard.metrics import deductions, execution, indicators, reasons, scores
from dashboard.warehouse import run_query

pytestmark = pytest.mark.heavy

SEED, UNITS, YEARS = 20241, 6, 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo_truth")
    corpus = root / "corpus"
    write_corpus(corpus, SEED, UNITS, YEARS)
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS]
    db = root / "warehouse.duckdb"
    summary = ingest_paths([str(p) for p in files], db_path=db, progress=False, echo=False)
    assert summary.ok, "\n".join(summary.lines())
    con = duckdb.connect(str(warehouse.current_version_file(db)), read_only=True)
    try:
        extracted = con.sql("""select evaluation_id, source, record_index, department_canonical, year,
                                      budget_wan, spent_wan, execution_rate, self_score, grade
                               from evaluation_facts""").pl()
    finally:
        con.close()
    extracted = extracted.with_columns(
        pl.col("source").map_elements(lambda s: Path(s).relative_to(corpus).as_posix(), return_dtype=pl.String)
        .alias("file"),
        pl.col("record_index").alias("index"),
    )
    truth = read_truth(corpus)
    truth_frame = pl.DataFrame([
        {"file": t["file"], "index": t["index"],
         **{k: t["truth"][k] for k in ("year", "budget_wan", "spent_wan", "execution_rate", "self_score", "grade")}}
        for t in truth
    ], schema_overrides={"budget_wan": pl.Float64, "spent_wan": pl.Float64, "execution_rate": pl.Float64,
                         "self_score": pl.Float64})
    truth_indicators = pl.DataFrame([
        {"file": t["file"], "index": t["index"],
         **{k: i[k] for k in ("level1", "level2", "level3", "weight", "score", "deduction")}}
        for t in truth for i in t["truth"]["indicators"]
    ], schema_overrides={"weight": pl.Float64, "score": pl.Float64, "deduction": pl.Float64})
    mentions = pl.DataFrame([
        {"file": t["file"], "index": t["index"], "source": "deduction", "level1": i["level1"], "level3": i["level3"],
         "reason_text": i["reason"], "points_lost": i["weight"] - i["score"], "has_score_table": True}
        for t in truth for i in t["truth"]["indicators"]
        if i["reason"] and i["weight"] is not None and i["score"] is not None and i["weight"] - i["score"] > 0
    ] + [
        {"file": t["file"], "index": t["index"], "source": "problem", "level1": None, "level3": None,
         "reason_text": text, "points_lost": None, "has_score_table": bool(t["truth"]["indicators"])}
        for t in truth for text in t["truth"]["problems"]
    ], schema_overrides={"points_lost": pl.Float64, "level1": pl.String, "level3": pl.String})
    # The truth's values under the warehouse's labels: department_canonical, evaluation_id.
    labels = extracted.select("file", "index", "evaluation_id", "department_canonical")
    return {
        "db": db,
        "extracted": extracted,
        "truth": truth_frame.join(labels, on=["file", "index"], how="left"),
        "truth_indicators": truth_indicators.join(labels, on=["file", "index"], how="left"),
        "truth_mentions": mentions.join(labels.join(truth_frame.select("file", "index", "year"), on=["file", "index"]),
                                        on=["file", "index"], how="left"),
        "n_truth": len(truth),
    }


def _same(a, b, keys):
    assert_frame_equal(a.sort(keys, nulls_last=True), b.sort(keys, nulls_last=True), check_dtypes=False, abs_tol=1e-6)


def test_every_true_record_is_in_the_warehouse(demo):
    assert demo["n_truth"] >= 80
    assert demo["truth"]["evaluation_id"].null_count() == 0
    assert demo["extracted"].height == demo["n_truth"]


def test_score_summary_and_grade_mix_agree(demo):
    _same(run_query("score_summary_by_department_year", {}, demo["db"]),
          scores.score_summary_by_department_year(demo["truth"]), ["department_canonical", "year"])
    _same(run_query("grade_mix_by_department_year", {}, demo["db"]),
          scores.grade_mix(demo["truth"]), ["department_canonical", "year", "grade"])
    _same(run_query("score_distribution", {}, demo["db"]), scores.score_bins(demo["truth"]), ["bin_start"])


def test_execution_by_department_year_agrees(demo):
    pairs = demo["truth"].join(demo["extracted"].select("file", "index", "year", "budget_wan", "spent_wan"),
                               on=["file", "index"], suffix="_extracted")
    assert pairs.height == demo["n_truth"]
    # Extraction is exact on the demo corpus: every report's year and amounts, nothing set aside.
    missed = pairs.filter(
        pl.col("budget_wan").ne_missing(pl.col("budget_wan_extracted"))
        | pl.col("spent_wan").ne_missing(pl.col("spent_wan_extracted"))
        | pl.col("year").ne_missing(pl.col("year_extracted"))
    )
    assert missed.is_empty(), missed.select(
        "file", "year", "year_extracted", "budget_wan", "budget_wan_extracted", "spent_wan", "spent_wan_extracted").rows()
    sql = run_query("execution_by_department_year", {}, demo["db"])
    expected = execution.execution_by_department_year(demo["truth"])
    assert sql.height >= 5
    _same(sql, expected, ["department_canonical", "year"])


def test_points_lost_by_indicator_agree(demo):
    """Totals within 2%, and at most a tenth of the indicators off by more than half a point.

    Exact agreement would need every indicator row of every form read right; a misread row (a level
    name taken from the wrong column, a row dropped) moves points between indicators.
    """
    sql = run_query("points_lost_by_indicator", {}, demo["db"])
    rows = demo["truth_indicators"]
    # the truth's headings filed by the same taxonomy: one row per indicator, under its one group
    filed = indicators.indicator_groups(rows.select("level1", "level2", "level3"))
    rows = rows.join(filed, on=["level1", "level2", "level3"], how="left", nulls_equal=True)
    truth = deductions.points_lost_by_indicator(rows.with_columns(pl.col("indicator_group").alias("level1_group")),
                                                levels=("level1_group", "indicator"))
    assert truth["indicator"].is_duplicated().sum() == 0
    assert sql["points_lost_total"].sum() == pytest.approx(truth["points_lost_total"].sum(), rel=0.02)
    both = truth.join(sql, on=["indicator"], how="left", suffix="_sql", nulls_equal=True)
    assert (both["level1_group"] == both["level1_group_sql"]).mean() >= 0.9
    off = both.filter((pl.col("points_lost_total") - pl.col("points_lost_total_sql").fill_null(0)).abs() > 0.5)
    assert off.height <= 0.10 * truth.height, off.select("level1_group", "indicator", "points_lost_total",
                                                          "points_lost_total_sql")
    exact = both.filter(pl.col("n_reports_scored") == pl.col("n_reports_scored_sql"))
    assert exact.height >= 0.8 * truth.height


def test_reason_categories_agree(demo):
    """Each category's share of all mentions within 3 points of the truth's, total mentions within 10%."""
    truth = reasons.reason_category_totals(reasons.reason_category_trend(reasons.categorised_reasons(demo["truth_mentions"])))
    sql = reasons.reason_category_totals(run_query("reason_categories_by_year", {}, demo["db"]))
    assert sql["n_mentions"].sum() == pytest.approx(truth["n_mentions"].sum(), rel=0.10)
    both = truth.join(sql, on="category", suffix="_sql")
    assert (both["share"] - both["share_sql"]).abs().max() <= 0.03, both
    assert both.filter(pl.col("n_mentions") > 0).height >= 5  # the corpus exercises most of the taxonomy
