"""Province scale: `demo --reports N` fills the loader's tables in bulk, derives, and publishes a version."""
from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from dashboard.cli import main
from dashboard.corpus import bulk
from dashboard.corpus.gen_model import build_specs
from dashboard.corpus.generate import group_files
from dashboard.ingest import load
from dashboard.warehouse import current_version_file, run_query, sql_parameters, warehouse_version

SEED = 20241
N_REPORTS = 450  # one year per county (about 210 files): three counties


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, bulk.BulkSummary]:
    db = tmp_path_factory.mktemp("province") / "province.duckdb"
    summary = bulk.build_province(db, N_REPORTS, seed=SEED, n_years=1, workers=1)
    return db, summary


def _one(db: Path, sql: str, params: dict | None = None):
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def test_frames_hold_exactly_the_loaders_columns():
    """Each bulk frame's columns are the parameters of the loader's own insert statement."""
    frames = bulk.county_rows((SEED, "宜良县", 1, 1, 40))
    assert frames["reports"].height == 40
    assert set(frames["reports"].columns) == sql_parameters(load._sql("insert_report"))
    assert set(frames["evaluations"].columns) == sql_parameters(load._sql("insert_evaluation"))
    for name, table in (("indicator_rows", "indicator_scores"), ("problem_rows", "problems"),
                        ("evaluator_rows", "evaluator_scores"), ("flag_rows", "flags")):
        assert not frames[name].is_empty(), name
        # The table's columns as the schema declares them, straight from a warehouse.
        con = duckdb.connect()
        from dashboard.warehouse import apply_schema

        apply_schema(con)
        declared = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_name = $t", {"t": table}).fetchall()}
        con.close()
        assert set(frames[name].columns) == declared, table


def test_builds_exactly_the_reports_asked_for_over_several_counties(province):
    db, summary = province
    assert summary.reports == N_REPORTS
    assert _one(db, "select count(*), count(distinct status) from reports") == [(N_REPORTS, 1)]
    n_eval = _one(db, "select count(*) from evaluations")[0][0]
    assert n_eval == summary.evaluations and n_eval >= N_REPORTS
    counties = _one(db, "select count(distinct county) from canonical_names")[0][0]
    assert counties == summary.counties >= 3
    # every record knows its county, and a unit of one county is not merged with its namesake elsewhere
    assert _one(db, "select count(*) from evaluations where region is null") == [(0,)]
    per_unit = _one(db, "select count(distinct county) from canonical_names where department_canonical like '%财政局'")
    assert per_unit[0][0] >= 2


def test_is_a_published_version_the_dashboard_reads(province):
    db, summary = province
    assert db.is_symlink() and current_version_file(db).parent.name == "province.duckdb.versions"
    assert summary.version == warehouse_version(db)
    frame = run_query("filter_options", {}, db_path=db)
    assert frame.height > 0
    # the derive step ran: names, risk, corpus-level flags, rollups
    assert _one(db, "select count(*) from canonical_names")[0][0] == summary.evaluations
    assert _one(db, "select count(*) from report_risk")[0][0] == summary.evaluations
    assert _one(db, "select count(*) from flags where scope = 'corpus'")[0][0] > 0
    assert _one(db, "select count(*) from indicator_rollup")[0][0] > 0
    assert not summary.warnings


def test_same_shape_as_the_demo_county(province):
    db, _ = province
    rows_per_record = _one(db, "select (select count(*) from indicator_scores) / count(*) from evaluations")[0][0]
    assert 8 <= rows_per_record <= 15  # the demo county has about 11
    kinds = dict(_one(db, "select kind, count(*) from evaluations group by kind"))
    assert kinds["project_self"] > kinds.get("department_self", 0) > 0
    codes = {r[0] for r in _one(db, "select distinct code from flags where scope = 'report'")}
    assert {"EXECUTION_RULE_VIOLATION", "NO_SCORE_TABLE", "RATE_MISMATCH"} <= codes


def test_first_county_is_the_demo_model_drawn_by_the_same_seed(province):
    """The records come from gen_model: the first county's budgets are those of build_specs(seed)."""
    db, _ = province
    specs = build_specs(SEED, None, 1)
    groups = group_files(specs, random.Random(SEED * 7919 + 17))
    expected = sorted(round(s.budget, 2) for g in groups for s in g)
    got = sorted(round(r[0], 2) for r in _one(
        db, "select budget_wan from evaluations where region = $county", {"county": bulk.COUNTIES[0]}))
    assert got == expected


def test_running_again_adds_nothing_but_a_version(province, tmp_path):
    db = tmp_path / "again.duckdb"
    first = bulk.build_province(db, 120, seed=SEED, n_years=1, workers=1)
    second = bulk.build_province(db, 120, seed=SEED, n_years=1, workers=1)
    assert first.reports == 120 and second.reports == 0
    assert _one(db, "select count(*) from reports") == [(120,)]
    assert first.version != second.version


def test_cli_demo_reports(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["demo", "--reports", "60", "--years", "1", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "60 份报告" in out and "秒" in out
    assert _one(db, "select count(*) from reports") == [(60,)]


def test_cli_demo_reports_needs_a_db_of_its_own(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(tmp_path / "default.duckdb"))
    assert main(["demo", "--reports", "10"]) == 1
    assert "--db" in capsys.readouterr().err
    assert not (tmp_path / "default.duckdb").exists()
