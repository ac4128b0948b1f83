"""Shared fixtures: warehouses built by the real loader from real report files.

- `seed_warehouse` (session): path to a .duckdb warehouse holding the five reference reports
  (tests/fixtures/seeds/*.txt). Read-only by convention: query it with
  `dashboard.warehouse.run_query(name, params, db_path=seed_warehouse)`; never load into it.
- `build_warehouse` (function): a factory `build_warehouse(tmp_path, paths) -> Path` that loads
  the given files or folders into a new warehouse under tmp_path and asserts every file loaded.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
