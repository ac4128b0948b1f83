"""The derive step: corpus-level tables recomputed over the whole warehouse after a load or correction.

Each step is a module with `refresh(con)` owned by another part of the package; a step whose
module is not there yet is skipped, and a step that fails is reported as a warning, not a crash,
so the reports just loaded are still published.
"""
from __future__ import annotations

import importlib
import inspect

import duckdb

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


def refresh_derived(con: duckdb.DuckDBPyConnection, everything: bool = False) -> list[str]:
    """Run every derive step on a read-write connection (autocommit); returns warnings in Chinese.

    A step may open its own transaction; a step that fails is rolled back if it left one open.
    `everything`: also recompute what a load leaves alone (every report's own flags), after an edit
    of the rulebook; passed to the steps whose refresh takes it.
    """
    warnings: list[str] = []
    for module_name, label in STEPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # the step's module does not exist yet
            warnings.append(f"{label}未更新：模块无法加载（{type(exc).__name__}: {exc}）")
            continue
        except Exception as exc:  # noqa: BLE001 - a broken module must not lose the batch
            warnings.append(f"{label}未更新：模块无法加载（{type(exc).__name__}: {exc}）")
            continue
        refresh = getattr(module, "refresh", None)
        if refresh is None:
            continue
        try:
            if everything and "everything" in inspect.signature(refresh).parameters:
                refresh(con, everything=True)
            else:
                refresh(con)
        except Exception as exc:  # noqa: BLE001
            _rollback_if_open(con)
            warnings.append(f"{label}未更新：{type(exc).__name__}: {str(exc)[:300]}")
    return warnings


def _rollback_if_open(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.Error:
        pass  # no transaction was open
