"""Withdrawing a report takes it out of every figure and keeps it; restoring brings it back; a failing
derive publishes nothing."""
from __future__ import annotations

import pytest

from dashboard.ingest.withdraw import WithdrawError, restore, withdraw
from dashboard.warehouse import WarehouseError, run_query, warehouse_version
from tests.conftest import SEED_REPORTS


def test_withdraw_and_restore(build_warehouse, tmp_path):
    db = build_warehouse(tmp_path, SEED_REPORTS)
    before = run_query("headline_figures", {}, db).row(0, named=True)
    row = run_query("evaluations_list", {"departments": ["县委编办"]}, db).row(0, named=True)
    content_hash, index = row["evaluation_id"].split(":")
    with pytest.raises(WithdrawError, match="撤回原因"):
        withdraw(db, content_hash, int(index), "admin", " ")
    withdraw(db, content_hash, int(index), "admin", "重复报送")
    after = run_query("headline_figures", {}, db).row(0, named=True)
    assert after["n_evaluations"] == before["n_evaluations"] - 1
    assert run_query("evaluations_list", {"departments": ["县委编办"]}, db).height == 0
    assert run_query("page_project_evaluations", {"evaluation_id": row["evaluation_id"]}, db).height == 0
    withdrawn = run_query("page_withdrawn_reports", {}, db)
    assert withdrawn.height == 1 and withdrawn["withdrawn_by"][0] == "admin" and withdrawn["withdraw_reason"][0] == "重复报送"
    # Still in the warehouse: restoring brings the same figures back.
    version = warehouse_version(db)
    restore(db, content_hash, int(index))
    assert warehouse_version(db) != version
    assert run_query("headline_figures", {}, db).row(0, named=True)["n_evaluations"] == before["n_evaluations"]
    assert run_query("page_withdrawn_reports", {}, db).height == 0


def test_a_failing_derive_publishes_nothing(build_warehouse, tmp_path, monkeypatch):
    from dashboard.inflation import corpus_flags

    db = build_warehouse(tmp_path, SEED_REPORTS[:2])
    row = run_query("evaluations_list", {}, db).row(0, named=True)
    content_hash, index = row["evaluation_id"].split(":")
    version = warehouse_version(db)

    def broken(*_args, **_kwargs):
        raise RuntimeError("half-way")

    monkeypatch.setattr(corpus_flags, "unit_inflation", broken)
    with pytest.raises(WarehouseError):
        withdraw(db, content_hash, int(index), "admin", "测试")
    assert warehouse_version(db) == version
    assert run_query("page_withdrawn_reports", {}, db).height == 0
