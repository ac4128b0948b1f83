"""Rollup tables: points lost pre-aggregated at the shared filters' grain (queries/schema/004_rollups.sql).

Rebuilt after every load and correction by the loader's derive step, after canonical names and the
indicator groups (dashboard.metrics.indicators): points lost are keyed by the taxonomy's group and
indicator, never by the headings as written.
"""
from __future__ import annotations

from dashboard.settings import ROOT

ROLLUP_QUERIES = ROOT / "queries" / "rollup"
# Table -> its refill statements (fixed text; the rows come from queries/rollup/<table>.sql).
ROLLUPS = {
    "indicator_rollup": ("delete from indicator_rollup",
                         "insert into indicator_rollup by name select * from rollup_rows"),
    "level1_rollup": ("delete from level1_rollup",
                      "insert into level1_rollup by name select * from rollup_rows"),
}


def refresh(con) -> int:
    """Rewrite every rollup table from the staging views; returns the rows written."""
    cur = con.cursor()
    written = 0
    cur.execute("begin transaction")
    try:
        for name, (clear, fill) in ROLLUPS.items():
            rows = cur.sql((ROLLUP_QUERIES / f"{name}.sql").read_text(encoding="utf-8")).pl()
            cur.execute(clear)
            cur.register("rollup_rows", rows)
            cur.execute(fill)
            cur.unregister("rollup_rows")
            written += rows.height
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    return written
