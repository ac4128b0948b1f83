"""Withdrawing a report: out of every figure, kept in the warehouse (table withdrawals), restorable.

Each withdrawal or restore is a new warehouse version under the load lock, with the derived tables
(names, flags, corpus comparisons, 待核实) recomputed without (or with) the report. The signed-in account
that did it is recorded in the table and, by the page, in the audit trail.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from dashboard.ingest.derive import refresh_derived
from dashboard.ingest.load import mark_derived, rollback
from dashboard.warehouse import next_version, resolve_db_path, warehouse_version, write_lock

QUERIES = Path(__file__).resolve().parents[2] / "queries" / "load"


class WithdrawError(ValueError):
    """A withdrawal that cannot be made (the message is for the user, in Chinese)."""


def _sql(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def _in_one_transaction(con, statement: str, params: dict) -> None:
    """The change and the derive it calls for in one transaction: a failing derive step publishes
    nothing (DeriveError) and the previous version stays current."""
    con.begin()
    try:
        con.execute(_sql(statement), params)
        refresh_derived(con, strict=True, joined=True)
        mark_derived(con, in_full=True)
        con.commit()
    except BaseException:
        rollback(con)
        raise


def withdraw(db_path: str | os.PathLike | None, content_hash: str, record_index: int, by: str, reason: str) -> str | None:
    """Withdraw one evaluation; returns the new warehouse version."""
    by, reason = (by or "").strip(), (reason or "").strip()
    if not by:
        raise WithdrawError("撤回须由已登录的账号进行")
    if not reason:
        raise WithdrawError("请填写撤回原因")
    db = resolve_db_path(db_path)
    with write_lock(db):
        with next_version(db) as con:
            found = con.execute("select count(*) from evaluations where content_hash = $h and record_index = $i",
                                {"h": content_hash, "i": int(record_index)}).fetchall()[0][0]
            if not found:
                raise WithdrawError("未找到要撤回的评价记录")
            _in_one_transaction(con, "withdraw_record", {
                "content_hash": content_hash, "record_index": int(record_index), "withdrawn_by": by,
                "withdrawn_at": datetime.now(), "reason": reason[:500]})
        return warehouse_version(db)


def restore(db_path: str | os.PathLike | None, content_hash: str, record_index: int) -> str | None:
    """Bring a withdrawn evaluation back into the figures; returns the new warehouse version."""
    db = resolve_db_path(db_path)
    with write_lock(db):
        with next_version(db) as con:
            _in_one_transaction(con, "restore_record", {"content_hash": content_hash,
                                                        "record_index": int(record_index)})
        return warehouse_version(db)
