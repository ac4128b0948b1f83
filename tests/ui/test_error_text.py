"""Error texts shown on a page never carry a server path; read connections are bounded."""
from __future__ import annotations

from dashboard.ui.theme import error_text
from dashboard.warehouse import connection


def test_server_paths_are_cut_to_their_last_part():
    text = error_text(OSError('无法打开数据仓库 000003.duckdb：IO Error: Could not set lock on file '
                              '"/srv/finance/data/warehouse.versions/000003.duckdb": Conflicting lock'))
    assert "/srv" not in text and "000003.duckdb" in text and "Conflicting lock" in text
    assert "D:" not in error_text(ValueError("D:\\报告\\2024\\表.xlsx 无法读取")) and "表.xlsx" in error_text(
        ValueError("D:\\报告\\2024\\表.xlsx 无法读取"))
    assert error_text(ValueError("更正值超出合理范围：-1（应不小于 0）")) == "更正值超出合理范围：-1（应不小于 0）"
    assert len(error_text(ValueError("很长" * 500))) <= 301


def test_read_connections_have_a_memory_limit_and_threads(seed_warehouse, monkeypatch):
    monkeypatch.setenv("PERF_READ_MEMORY_LIMIT_MB", "256")
    monkeypatch.setenv("PERF_READ_THREADS", "1")
    from dashboard.warehouse import close_connections

    close_connections(seed_warehouse)
    try:
        [(limit, threads)] = connection(seed_warehouse).cursor().sql(
            "select current_setting('memory_limit'), current_setting('threads')").fetchall()
    finally:
        close_connections(seed_warehouse)
    assert limit.startswith("244") and threads == 1  # 256 MB as DuckDB prints it (MiB)
