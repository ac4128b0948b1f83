"""The derive step: corpus-level tables recomputed over the whole warehouse after a load or correction.

Each step is a module with `refresh(con)` owned by another part of the package; a step whose
module is not there yet is skipped. Every step runs inside a transaction, so a step that fails
leaves its tables as they were, never half rewritten:

- after a load (`refresh_derived(con)`), each step has its own transaction and a failed step is a
  warning: the reports just loaded are still published, with that step's tables as they were (a long
  load's intermediate versions run only INTERMEDIATE_STEPS);
- after a correction or a rederive (`refresh_derived(con, strict=True)`), the steps share one
  transaction (with whatever the caller wrote in it) and a failed step raises DeriveError: the
  caller's new version is then discarded and the previous version stays current.
"""
from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Collection
from typing import Any

import duckdb

from dashboard.warehouse import WarehouseError

# (module, what it recomputes, for messages). Canonical names first: later steps may group by them;
# indicator groups before the rollups, which group by them.
STEPS: tuple[tuple[str, str], ...] = (
    ("dashboard.metrics.canonical", "单位与项目规范名称"),
    ("dashboard.metrics.indicators", "指标分类"),
    ("dashboard.metrics.doubtful", "待核实数值"),
    ("dashboard.metrics.rollups", "指标扣分汇总"),
    ("dashboard.metrics.reasons", "扣分原因分类"),
    ("dashboard.inflation.corpus_flags", "语料级标记与风险评分"),
)

# What a long load's intermediate versions recompute (every `load_publish_every` files; the batch's last
# version recomputes every step): 待核实, so an implausible amount of a report just loaded never reaches a
# total, even mid-load. The other steps are corpus-wide and cost seconds to minutes on a large warehouse
# (re-scoring every report), far more than loading the files between two versions: their tables stay
# whole, as of the last full derive, until the batch's last version.
INTERMEDIATE_STEPS: tuple[str, ...] = ("dashboard.metrics.doubtful",)

# Transaction statements a step may run on its own cursor; inside the shared transaction they are
# part of it (DuckDB has no nested transactions), so they are absorbed.
_TRANSACTION_CONTROL = frozenset({"begin", "begin transaction", "commit", "end", "end transaction", "rollback",
                                  "abort"})


class DeriveError(WarehouseError):
    """A derive step failed after a correction or rederive: nothing was published (reason in Chinese)."""


class InTransaction:
    """A connection as the derive steps see it while one transaction is open on it.

    `cursor()` is the connection itself: a DuckDB cursor is a connection of its own with its own
    transaction, which would neither see the open transaction's rows nor be undone with it. The
    steps' own begin/commit/rollback statements are absorbed: the open transaction decides.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def cursor(self) -> InTransaction:
        return self

    def execute(self, query: Any, parameters: Any = None) -> Any:
        if isinstance(query, str) and " ".join(query.strip().rstrip(";").lower().split()) in _TRANSACTION_CONTROL:
            return self
        if parameters is None:
            return self._con.execute(query)
        return self._con.execute(query, parameters)

    def begin(self) -> InTransaction:
        return self

    def commit(self) -> InTransaction:
        return self

    def rollback(self) -> InTransaction:
        return self

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _steps(only: Collection[str] | None = None) -> list[tuple[str, Callable | None, str | None]]:
    """(label, refresh or None, why it cannot run or None) for every step whose module exists."""
    found = []
    for module_name, label in STEPS:
        if only is not None and module_name not in only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # the step's module does not exist yet
            found.append((label, None, f"模块无法加载（{type(exc).__name__}: {exc}）"))
            continue
        except Exception as exc:  # noqa: BLE001 - a broken module must not lose the batch
            found.append((label, None, f"模块无法加载（{type(exc).__name__}: {exc}）"))
            continue
        refresh = getattr(module, "refresh", None)
        if refresh is not None:
            found.append((label, refresh, None))
    return found


def _run(refresh: Callable, con: InTransaction, everything: bool) -> None:
    if everything and "everything" in inspect.signature(refresh).parameters:
        refresh(con, everything=True)
    else:
        refresh(con)


def refresh_derived(con: duckdb.DuckDBPyConnection, everything: bool = False, *, strict: bool = False,
                    joined: bool = False, only: Collection[str] | None = None) -> list[str]:
    """Run every derive step on a read-write connection; returns warnings in Chinese.

    `everything`: also recompute what a load leaves alone (every report's own flags), after an edit
    of the rulebook; passed to the steps whose refresh takes it.
    `strict`: one transaction for every step, committed only when all succeed; a failure rolls it
    back and raises DeriveError. `joined`: the caller has opened that transaction on `con` (with its
    own writes, e.g. a correction) and commits or rolls it back itself.
    `only`: run just these steps (module names; INTERMEDIATE_STEPS for a long load's intermediate versions).
    """
    if strict:
        _refresh_strict(con, everything, own=not joined)
        return []
    warnings: list[str] = []
    for label, refresh, problem in _steps(only):
        if refresh is None:
            warnings.append(f"{label}未更新：{problem}")
            continue
        con.begin()
        try:
            _run(refresh, InTransaction(con), everything)
            con.commit()
        except Exception as exc:  # noqa: BLE001
            _rollback_if_open(con)
            warnings.append(f"{label}未更新：{type(exc).__name__}: {str(exc)[:300]}")
    return warnings


def _refresh_strict(con: duckdb.DuckDBPyConnection, everything: bool, *, own: bool) -> None:
    if own:
        con.begin()
    try:
        for label, refresh, problem in _steps():
            if refresh is None:
                raise DeriveError(f"{label}无法重新计算：{problem}；本次操作未保存，数据仓库保持原样")
            try:
                _run(refresh, InTransaction(con), everything)
            except Exception as exc:  # noqa: BLE001
                raise DeriveError(f"{label}重新计算失败（{type(exc).__name__}: {str(exc)[:300]}）；"
                                  f"本次操作未保存，数据仓库保持原样") from exc
        if own:
            con.commit()
    except BaseException:
        if own:
            _rollback_if_open(con)
        raise


def _rollback_if_open(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.Error:
        pass  # no transaction was open
