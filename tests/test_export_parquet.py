"""`export-parquet`: the warehouse's tables as Parquet partitioned by county and year, read back by DuckDB."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dashboard.cli import main
from dashboard.corpus.bulk import build_province
from dashboard.export_parquet import MANIFEST, ExportError, export_parquet
from dashboard.warehouse import current_version_file

PER_YEAR = """
    select year, count(*) as n, round(sum(budget_wan), 4) as budget, round(sum(spent_wan), 4) as spent
    from {source} group by year order by year
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("export")
    db = base / "province.duckdb"
    summary = build_province(db, 500, seed=7, n_years=2, workers=1)
    assert summary.reports == 500 and not summary.warnings
    out = base / "parquet"
    assert main(["export-parquet", str(out), "--db", str(db)]) == 0
    return db, out


def _warehouse(db: Path, sql: str):
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _parquet(out: Path, table: str, sql: str):
    con = duckdb.connect()
    try:
        con.read_parquet(str(out / table / "**" / "*.parquet"), hive_partitioning=True).create_view("t")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_totals_per_year_match_the_warehouse(exported):
    db, out = exported
    expected = _warehouse(db, PER_YEAR.replace("{source}", "evaluations"))
    got = _parquet(out, "evaluations", PER_YEAR.replace("{source}", "t"))
    assert len(expected) == 2 and got == expected


def test_partitioned_by_county_then_year(exported):
    db, out = exported
    folders = sorted(p.relative_to(out / "evaluations").as_posix() for p in (out / "evaluations").glob("*/*"))
    counties = {f.split("/")[0] for f in folders}
    assert all(f.startswith("county=") and "/year=" in f for f in folders)
    assert len(counties) >= 2
    # the county partition is the canonical county of each record
    expected = _warehouse(db, "select county, count(*) from canonical_names group by 1 order by 1")
    assert _parquet(out, "evaluations", "select county, count(*) from t group by 1 order by 1") == expected


def test_every_table_and_row_is_exported(exported):
    db, out = exported
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    tables = {r[0] for r in _warehouse(db, "select table_name from information_schema.tables where table_type = 'BASE TABLE'")}
    assert set(manifest["tables"]) == tables
    for table in ("reports", "indicator_scores", "flags", "problems", "report_risk", "indicator_rollup", "indicator_groups"):
        rows = manifest["tables"][table]["rows"]
        assert rows > 0, table
        assert _parquet(out, table, "select count(*) from t") == [(rows,)], table
    # child rows keep their report's year: indicator rows per year as in the warehouse
    expected = _warehouse(db, "select e.year, count(*) from indicator_scores i join evaluations e using (evaluation_id) "
                              "group by 1 order by 1")
    assert _parquet(out, "indicator_scores", "select year, count(*) from t group by 1 order by 1") == expected


def test_files_keep_county_and_year_without_reading_folder_names(exported):
    db, out = exported
    con = duckdb.connect()
    try:
        got = con.read_parquet(str(out / "evaluations" / "**" / "*.parquet"), hive_partitioning=False).aggregate(
            "county, year, count(*)", "county, year").order("county, year").fetchall()
    finally:
        con.close()
    expected = _warehouse(db, "select cn.county, e.year, count(*) from evaluations e join canonical_names cn "
                              "using (evaluation_id) group by all order by all")
    assert got == expected


def test_refuses_a_folder_that_is_not_an_export(tmp_path, exported):
    db, _ = exported
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="非空"):
        export_parquet(tmp_path, db)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_exporting_again_replaces_the_previous_export(exported, tmp_path):
    db, out = exported
    target = tmp_path / "again"
    export_parquet(target, db)
    export_parquet(target, db)
    assert _parquet(target, "reports", "select count(*) from t") == [(500,)]
