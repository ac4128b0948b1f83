"""The read side: run_query on read-only cursors, version switching, parameter checks, SQL headers."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import warehouse
from dashboard.ingest.load import ingest_paths
from dashboard.warehouse import (
    connection,
    current_version_file,
    query_parameters,
    run_query,
    run_sql_file,
    sql_parameters,
    warehouse_version,
)

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))
LOAD_SQL = sorted((warehouse.QUERIES_DIR / "load").glob("*.sql"))


def _sql_file(tmp_path: Path, name: str, sql: str) -> Path:
    path = tmp_path / f"{name}.sql"
    path.write_text(sql, encoding="utf-8")
    return path


def test_run_sql_file_returns_polars_with_bound_parameters(seed_warehouse, tmp_path):
    path = _sql_file(tmp_path, "by_year", "-- Evaluations of one year. Parameters: $year.\n"
                                          "select count(*) as n from evaluations where ($year is null or year = $year)")
    every = run_sql_file(path, db_path=seed_warehouse)
    assert isinstance(every, pl.DataFrame) and every["n"].to_list() == [5]
    in_2024 = run_sql_file(path, {"year": 2024}, db_path=seed_warehouse)["n"][0]
    assert 0 < in_2024 < 5
    with pytest.raises(ValueError, match="没有参数"):
        run_sql_file(path, {"yaer": 2024}, db_path=seed_warehouse)


def test_values_are_bound_never_spliced(seed_warehouse, tmp_path):
    path = _sql_file(tmp_path, "by_department", "-- Parameters: $department.\n"
                                                "select count(*) as n from evaluations where department = $department")
    hostile = "x' or '1'='1'; drop table evaluations; --"
    assert run_sql_file(path, {"department": hostile}, db_path=seed_warehouse)["n"][0] == 0
    count = _sql_file(tmp_path, "count", "select count(*) as n from evaluations")
    assert run_sql_file(count, db_path=seed_warehouse)["n"][0] == 5


def test_run_query_refuses_names_outside_queries():
    for name in ("../etc/passwd", "schema/001_tables", "no_such_query_anywhere", ""):
        with pytest.raises(ValueError):
            run_query(name)


def test_query_parameters_come_from_duckdb():
    assert sql_parameters("select $a + $b_c as x where $a > 0") == {"a", "b_c"}
    with pytest.raises(ValueError, match="一条语句"):
        sql_parameters("select 1; select 2")
    names = warehouse.query_names()
    if names:
        assert isinstance(query_parameters(names[0]), set)


@pytest.mark.parametrize("path", LOAD_SQL, ids=[p.name for p in LOAD_SQL])
def test_loader_sql_headers_name_their_parameters(path):
    """Every loader statement has a header comment naming what it does, its grain and each parameter."""
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    assert "Grain:" in header and "Parameters:" in header
    params = sql_parameters(text)
    stated = set(re.findall(r"\$([a-z_]+)", header))
    if "one per column below" in header:
        assert params == set(re.findall(r"\$([a-z_]+)", text.split("values", 1)[1]))
    else:
        assert params == stated


def test_readers_switch_to_a_new_version_without_reopening(tmp_path):
    db = tmp_path / "wh.duckdb"
    count = _sql_file(tmp_path, "count", "select count(*) as n from evaluations")
    assert ingest_paths([str(SEEDS[0])], db_path=db, progress=False, echo=False).ok
    first = warehouse_version(db)
    assert run_sql_file(count, db_path=db)["n"][0] == 1
    old_connection = connection(db)
    assert ingest_paths([str(s) for s in SEEDS[1:3]], db_path=db, progress=False, echo=False).ok
    assert warehouse_version(db) != first
    assert run_sql_file(count, db_path=db)["n"][0] == 3
    assert connection(db) is not old_connection
    # The superseded connection still answers (a query in flight on it finishes) until swept.
    assert old_connection.cursor().sql("select count(*) from evaluations").fetchall() == [(1,)]
    warehouse.close_connections(db)


def test_a_missing_warehouse_is_created_empty(tmp_path):
    db = tmp_path / "new" / "wh.duckdb"
    count = _sql_file(tmp_path, "count", "select count(*) as n from evaluations")
    assert warehouse_version(db) is None
    assert run_sql_file(count, db_path=db)["n"][0] == 0
    assert db.is_symlink() and current_version_file(db).name == "000001.duckdb"


def test_many_threads_share_one_connection_through_cursors(seed_warehouse, tmp_path):
    path = _sql_file(tmp_path, "totals", "select count(*) as n, sum(budget_wan) as budget from evaluations")
    expected = run_sql_file(path, db_path=seed_warehouse)
    errors: list[BaseException] = []
    results: list[pl.DataFrame] = []

    def read() -> None:
        try:
            for _ in range(25):
                results.append(run_sql_file(path, db_path=seed_warehouse))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 200 and all(r.equals(expected) for r in results)


def test_a_version_built_by_older_code_is_upgraded_on_opening(build_warehouse, tmp_path):
    """New code on an old warehouse: the reader publishes the version again under the current schema
    (views, tables) instead of failing on every page; the data is untouched."""
    from dashboard.warehouse import close_connections, next_version, schema_stamp, warehouse_version, write_lock
    from tests.conftest import SEED_REPORTS

    db = build_warehouse(tmp_path, SEED_REPORTS[:2])
    before = run_query("headline_figures", {}, db)["n_evaluations"][0]
    with write_lock(db), next_version(db) as con:  # what older code left: other views, another stamp
        con.execute("drop view evaluation_facts cascade")
        con.execute("drop table withdrawals")
        con.execute("update schema_stamp set stamp = 'older'")
    old = warehouse_version(db)
    close_connections(db)
    assert run_query("headline_figures", {}, db)["n_evaluations"][0] == before
    assert warehouse_version(db) != old
    with duckdb.connect(str(warehouse.current_version_file(db)), read_only=True) as con:
        assert con.execute("select stamp from schema_stamp").fetchall() == [(schema_stamp(),)]
    close_connections(db)
