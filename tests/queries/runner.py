"""Run one read query of queries/ on a warehouse built by the real loader, the way pages do."""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from dashboard import warehouse


def run(name: str, params: dict | None, db_path: Path) -> pl.DataFrame:
    """queries/<name>.sql on a read-only connection to the current version; parameters not given are null."""
    sql = warehouse.query_path(name).read_text(encoding="utf-8")
    bound = {p: (params or {}).get(p) for p in warehouse.query_parameters(name)}
    con = duckdb.connect(str(warehouse.current_version_file(db_path)), read_only=True)
    try:
        cursor = con.cursor()
        return cursor.sql(sql, params=bound).pl() if bound else cursor.sql(sql).pl()
    finally:
        con.close()
