"""`python -m dashboard export-parquet DIR [--db FILE]`: the warehouse's tables as Parquet files.

Every table of the current version goes to DIR/<table>/, partitioned Hive-style by county and year
(DIR/evaluations/county=富民县/year=2021/data_0.parquet) when its rows belong to a report, so DuckDB,
Spark or Trino read a national or provincial collection as is, e.g.
`select * from read_parquet('DIR/evaluations/**/*.parquet', hive_partitioning = true)`.

county is the report's county as the canonical-name step resolved it (from the region, or the
county prefix of the unit's name), else the region as written, else 未注明; year is the report's
year. Child rows (indicator scores, problems, flags...) take their report's county and year;
reports and corrections take those of the file's first record. Tables that already carry county
and year (the rollups) are partitioned by them, tables with only a year by year, lookup tables
(no report, no year) are one file each. DIR/_export.json lists the version, tables and row counts.
Folder names percent-encode non-ASCII county names (county=%E5%AF%8C...); every file also keeps
county and year as columns, so an engine that does not decode folder names reads them from the file.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

from dashboard.warehouse import current_version_file, resolve_db_path, warehouse_version

MANIFEST = "_export.json"

# Where each report's rows go: its county and year.
_PLACES = """
    with places as (
        select e.evaluation_id, e.content_hash, e.record_index, e.year,
               coalesce(nullif(trim(cn.county), ''), nullif(trim(e.region), ''), '未注明') as county
        from evaluations e
        left join canonical_names cn on cn.evaluation_id = e.evaluation_id
    ),
    first_places as (
        select content_hash, arg_min(county, record_index) as county, arg_min(year, record_index) as year
        from places
        group by content_hash
    )
"""
# One fixed statement per shape of table (the table name and the target folder are bound).
STATEMENTS = {
    # evaluations: keyed by evaluation_id, has its own year
    "evaluation_with_year": _PLACES + """
        select t.*, p.county
        from query_table($table) t
        left join places p on p.evaluation_id = t.evaluation_id
    """,
    # canonical_names: keyed by evaluation_id, has the county already
    "evaluation_with_county": _PLACES + """
        select t.*, p.year
        from query_table($table) t
        left join places p on p.evaluation_id = t.evaluation_id
    """,
    # indicator_scores, problems, evaluator_scores, flags, report_risk, doubtful_values, ...
    "evaluation": _PLACES + """
        select t.*, p.county, p.year
        from query_table($table) t
        left join places p on p.evaluation_id = t.evaluation_id
    """,
    # reports, corrections: keyed by the file's content hash
    "content": _PLACES + """
        select t.*, p.county, p.year
        from query_table($table) t
        left join first_places p on p.content_hash = t.content_hash
    """,
    "county_year": "select * from query_table($table)",
    "year": "select * from query_table($table)",
    "plain": "select * from query_table($table)",
}
PARTITIONS = {
    "evaluation_with_year": ("county", "year"), "evaluation_with_county": ("county", "year"),
    "evaluation": ("county", "year"), "content": ("county", "year"), "county_year": ("county", "year"),
    "year": ("year",), "plain": (),
}
# COPY's options cannot be bound: one fixed COPY per partitioning.
_COPY = {
    ("county", "year"): "copy ({query}) to $path (format parquet, partition_by (county, year), "
                        "write_partition_columns true, overwrite_or_ignore)",
    ("year",): "copy ({query}) to $path (format parquet, partition_by (year), write_partition_columns true, "
               "overwrite_or_ignore)",
    (): "copy ({query}) to $path (format parquet)",
}
_TABLES = "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by table_name"
_COLUMNS = "select column_name from information_schema.columns where table_name = $table"
_COUNT = "select count(*) from query_table($table)"


class ExportError(Exception):
    """The export could not run; str() is the reason in Chinese."""


def table_shape(columns: set[str]) -> str:
    """Which statement exports a table with these columns."""
    if "evaluation_id" in columns:
        if "year" in columns:
            return "evaluation_with_year"
        if "county" in columns:
            return "evaluation_with_county"
        return "evaluation"
    if "content_hash" in columns:
        return "content"
    if {"county", "year"} <= columns:
        return "county_year"
    if "year" in columns:
        return "year"
    return "plain"


def _copy_statement(shape: str) -> str:
    # Both parts are fixed strings of this module (no user input): the shape's query inside its COPY.
    return _COPY[PARTITIONS[shape]].replace("{query}", STATEMENTS[shape])


def _prepare(out: Path) -> None:
    """An empty folder, or a previous export (it has _export.json), which is replaced."""
    if out.exists():
        if not out.is_dir():
            raise ExportError(f"导出目录 {out} 是一个文件，未导出")
        if (out / MANIFEST).is_file():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            raise ExportError(f"导出目录 {out} 非空且不是之前的导出（缺少 {MANIFEST}），未导出任何文件")
    out.mkdir(parents=True, exist_ok=True)


def export_parquet(out_dir: str | os.PathLike, db_path: str | os.PathLike | None = None) -> dict:
    """Write every table of the warehouse's current version under out_dir; returns the manifest."""
    db = resolve_db_path(db_path)
    version = current_version_file(db)
    if version is None:
        raise ExportError(f"没有数据仓库：{db}（请先运行 python -m dashboard ingest 或 demo）")
    out = Path(out_dir).resolve()
    _prepare(out)
    con = duckdb.connect(str(version), read_only=True)
    tables: dict[str, dict] = {}
    try:
        for (table,) in con.execute(_TABLES).fetchall():
            columns = {row[0] for row in con.execute(_COLUMNS, {"table": table}).fetchall()}
            shape = table_shape(columns)
            rows = con.execute(_COUNT, {"table": table}).fetchall()[0][0]
            target = out / table
            if not PARTITIONS[shape]:
                target.mkdir(parents=True, exist_ok=True)
                path = target / "data_0.parquet"
            else:
                path = target
            con.execute(_copy_statement(shape), {"table": table, "path": str(path)})
            tables[table] = {"rows": rows, "partitioned_by": list(PARTITIONS[shape])}
    except duckdb.Error as exc:
        raise ExportError(f"导出失败（{version.name}）：{type(exc).__name__}: {str(exc)[:300]}") from exc
    finally:
        con.close()
    manifest = {"warehouse": str(db), "version": warehouse_version(db), "exported_at": datetime.now().isoformat(),
                "tables": tables}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def run_export(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        manifest = export_parquet(args.dir, args.db)
    except (ExportError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"已导出 {len(manifest['tables'])} 张表、{rows} 行（版本 {manifest['version']}）到 {Path(args.dir).resolve()}，"
          f"按县（county）和年度（year）分区，用时 {time.perf_counter() - started:.1f} 秒")
    return 0
