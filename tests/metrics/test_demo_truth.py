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
from dashboard.metrics import deductions, execution, scores
from dashboard.warehouse import run_query

pytestmark = pytest.mark.heavy

SEED, UNITS, YEARS = 20241, 6, 3
# Reports whose amounts the extractor may still miss, at most this share of the corpus.
MAX_AMOUNT_MISSES = 0.10


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
        {"file": t["file"], "index": t["index"], **{k: i[k] for k in ("level1", "level3", "weight", "score", "deduction")}}
        for t in truth for i in t["truth"]["indicators"]
    ], schema_overrides={"weight": pl.Float64, "score": pl.Float64, "deduction": pl.Float64})
    # The truth's values under the warehouse's labels: department_canonical, evaluation_id.
    labels = extracted.select("file", "index", "evaluation_id", "department_canonical")
    return {
        "db": db,
        "extracted": extracted,
        "truth": truth_frame.join(labels, on=["file", "index"], how="left"),
        "truth_indicators": truth_indicators.join(labels, on=["file", "index"], how="left"),
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
    missed = pairs.filter(
        pl.col("budget_wan").ne_missing(pl.col("budget_wan_extracted"))
        | pl.col("spent_wan").ne_missing(pl.col("spent_wan_extracted"))
        | pl.col("year").ne_missing(pl.col("year_extracted"))
    )
    assert missed.height <= MAX_AMOUNT_MISSES * pairs.height, missed.select("file", "budget_wan", "spent_wan_extracted")
    touched = missed.select("department_canonical", "year").unique()
    sql = run_query("execution_by_department_year", {}, demo["db"]).join(
        touched, on=["department_canonical", "year"], how="anti", nulls_equal=True)
    expected = execution.execution_by_department_year(demo["truth"]).join(
        touched, on=["department_canonical", "year"], how="anti", nulls_equal=True)
    assert sql.height >= 5
    _same(sql, expected, ["department_canonical", "year"])


def test_points_lost_by_indicator_agree(demo):
    _same(run_query("points_lost_by_indicator", {}, demo["db"]),
          deductions.points_lost_by_indicator(demo["truth_indicators"]), ["level1", "level3"])
