"""Shared fixtures: warehouses built by the real loader from real report files.

- `seed_warehouse` (session): path to a .duckdb warehouse holding the five reference reports
  (tests/fixtures/seeds/*.txt). Read-only by convention: query it with
  `dashboard.warehouse.run_query(name, params, db_path=seed_warehouse)`; never load into it.
- `build_warehouse` (function): a factory `build_warehouse(tmp_path, paths) -> Path` that loads
  the given files or folders into a new warehouse under tmp_path and asserts every file loaded.
- Accounts: every test session has its own security file (PERF_SECURITY_DB_PATH) holding the accounts
  `admin` (数据管理员) and `leader` (领导), password TEST_PASSWORD; `signed_in(at, name)` marks an
  AppTest session as signed in as that account (what the sign-in form does), `add_department_account`
  adds a 部门 account for given units.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.auth import session, store
from dashboard.ingest.load import ingest_paths

SEEDS_DIR = Path(__file__).parent / "fixtures" / "seeds"
SEED_REPORTS = sorted(SEEDS_DIR.glob("*.txt"))


def _build(tmp_path: Path, paths: list[str | Path]) -> Path:
    db_path = Path(tmp_path) / "warehouse.duckdb"
    summary = ingest_paths([str(p) for p in paths], db_path=db_path, progress=False, echo=False)
    assert summary.ok, "\n".join(summary.lines())
    return db_path


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the five reference reports, loaded by the real loader (shared: do not write)."""
    return _build(tmp_path_factory.mktemp("seed_warehouse"), SEED_REPORTS)


@pytest.fixture
def build_warehouse() -> Callable[[Path, list[str | Path]], Path]:
    """build_warehouse(tmp_path, paths) -> path of a new warehouse holding those files."""
    return _build


TEST_PASSWORD = "test-password-1"


@pytest.fixture(scope="session", autouse=True)
def security_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A security file of this test session's own, with an 数据管理员 and a 领导 account."""
    path = tmp_path_factory.mktemp("security") / "security.sqlite"
    os.environ["PERF_SECURITY_DB_PATH"] = str(path)
    store.add("admin", TEST_PASSWORD, "admin", by="tests")
    store.add("leader", TEST_PASSWORD, "leader", by="tests")
    return path


def add_department_account(name: str, units: tuple[str, ...]) -> store.Account:
    """A 部门 account seeing only these units (created once per test session)."""
    return store.get(name) or store.add(name, TEST_PASSWORD, "department", units, by="tests")


def signed_in(at, name: str = "admin"):
    """The AppTest `at` as a session where `name` has signed in."""
    at.session_state[session.STATE_ACCOUNT] = name
    at.session_state[session.STATE_SINCE] = time.time()
    return at
