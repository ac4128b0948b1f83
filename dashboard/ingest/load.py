"""The loader, the only writer of the warehouse: report files in, one transaction per file, one new
warehouse version per batch (see dashboard/warehouse.py for the versioned layout and the lock).

Content already loaded (same sha256) is skipped; a failed file is recorded with its reason and
retried next time; corrections go through the same lock and produce a new version too.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb

from dashboard import settings
from dashboard.ingest.derive import refresh_derived
from dashboard.ingest.pool import extract_in_pool
from dashboard.ingest.record import GRADES, KINDS, EvaluationRecord
from dashboard.ingest.walk import display_path, walk_paths
from dashboard.warehouse import (
    QUERIES_DIR,
    WarehouseError,
    current_version_file,
    next_version,
    resolve_db_path,
    warehouse_version,
    write_lock,
)

LOAD_SQL_DIR = QUERIES_DIR / "load"


@lru_cache(maxsize=None)
def _sql(name: str) -> str:
    return (LOAD_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass
class IngestSummary:
    loaded: int = 0  # files loaded in this batch
    skipped: int = 0  # files whose content was already loaded (or appeared twice in the batch)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason in Chinese)
    records: int = 0  # evaluations rows added
    unsupported: list[tuple[str, str]] = field(default_factory=list)  # passed over, with the reason
    warnings: list[str] = field(default_factory=list)  # batch-level: a derive step that failed
    error: str | None = None  # the batch did not run at all (another load held the lock, disk full)
    version: str | None = None  # the warehouse version after the batch

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed

    def lines(self) -> list[str]:
        """The summary as a user reads it, in Chinese: counts first, then one line per problem."""
        if self.error:
            return [self.error]
        out = [f"导入 {self.loaded}、已存在跳过 {self.skipped}、失败 {len(self.failed)}（新增评价记录 {self.records} 条）"]
        out += [f"{name}: {reason}" for name, reason in self.failed]
        if self.unsupported:
            out.append(f"未导入的文件 {len(self.unsupported)} 个：")
            out += [f"{name}: {reason}" for name, reason in self.unsupported]
        out += [f"注意：{w}" for w in self.warnings]
        return out


@dataclass
class _Candidate:
    path: Path
    shown: str  # the path as the user gave it, printable
    content_hash: str
    size_bytes: int


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ingest_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, db_path: str | os.PathLike | None = None,
                 progress: bool = True, *, echo: bool = True,
                 on_progress: Callable[[int, int], None] | None = None) -> IngestSummary:
    """Load report files and folders (recursively); never raises for a bad file or a busy warehouse.

    progress: a tqdm bar on stderr; echo: print the waiting message and the summary (the 数据管理
    page passes echo=False and shows `summary.lines()`); on_progress(done, total) per file.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    db = resolve_db_path(db_path)
    summary = IngestSummary()
    walked = walk_paths(list(paths))
    summary.unsupported = walked.skipped
    summary.failed.extend(walked.failed)
    candidates: list[_Candidate] = []
    for path in walked.files:
        try:
            content_hash, size = _hash_file(path)
        except OSError as exc:
            reason = "权限不足，无法读取" if isinstance(exc, PermissionError) else f"无法读取（{exc.strerror or type(exc).__name__}）"
            summary.failed.append((display_path(path), reason))
            continue
        candidates.append(_Candidate(path, display_path(path), content_hash, size))
    try:
        with write_lock(db, on_wait=_say if echo else None):
            statuses = _report_statuses(db)
            todo: list[_Candidate] = []
            twins: list[tuple[_Candidate, _Candidate]] = []  # (later copy, first copy) in this batch
            first_of: dict[str, _Candidate] = {}
            for candidate in candidates:
                if statuses.get(candidate.content_hash) == "loaded":
                    summary.skipped += 1
                    continue
                if candidate.content_hash in first_of:
                    twins.append((candidate, first_of[candidate.content_hash]))
                    continue
                first_of[candidate.content_hash] = candidate
                todo.append(candidate)
            if todo or current_version_file(db) is None:
                with next_version(db) as con:
                    _load_candidates(con, todo, summary, progress=progress, on_progress=on_progress)
                    summary.warnings += refresh_derived(con)
            _report_twins(twins, summary)
            summary.version = warehouse_version(db)
    except WarehouseError as exc:
        summary.error = str(exc)
    except (OSError, duckdb.Error) as exc:
        summary.error = f"写入数据仓库失败，本批未导入：{type(exc).__name__}: {str(exc)[:300]}"
    summary.failed.sort(key=lambda item: item[0])
    if echo:
        print("\n".join(summary.lines()), flush=True)
    return summary


def _report_twins(twins: list[tuple[_Candidate, _Candidate]], summary: IngestSummary) -> None:
    """A file with the same content as another in this batch: skipped if that one loaded, else
    failed by its own name with the same reason (every empty file has the same hash, for one)."""
    failures = dict(summary.failed)
    for twin, first in twins:
        if first.shown in failures:
            summary.failed.append((twin.shown, failures[first.shown]))
        else:
            summary.skipped += 1


def _report_statuses(db: Path) -> dict[str, str]:
    """content_hash -> status in the current version (read straight from the file: we hold the lock)."""
    current = current_version_file(db)
    if current is None:
        return {}
    con = duckdb.connect(str(current), read_only=True)
    try:
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
        if "reports" not in tables:
            return {}
        return dict(con.execute(_sql("report_statuses")).fetchall())
    finally:
        con.close()


def _load_candidates(con: duckdb.DuckDBPyConnection, todo: list[_Candidate], summary: IngestSummary, *,
                     progress: bool, on_progress: Callable[[int, int], None] | None) -> None:
    if not todo:
        return
    from tqdm import tqdm

    by_path = {str(c.path): c for c in todo}
    workers = max(1, int(settings.get("load_workers")))
    timeout = float(settings.get("max_seconds_per_file"))
    bar = tqdm(total=len(todo), desc="导入报告", unit="份", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    try:
        for done, (path, status, value) in enumerate(
                extract_in_pool(list(by_path), workers=workers, timeout_seconds=timeout), start=1):
            candidate = by_path[path]
            if status == "ok" and not value:
                status, value = "failed", "未识别到任何评价内容"
            if status == "ok":
                try:
                    _insert_loaded(con, candidate, value)
                    summary.loaded += 1
                    summary.records += len(value)
                except duckdb.Error as exc:
                    status, value = "failed", f"写入数据库失败（{type(exc).__name__}: {str(exc)[:200]}）"
            if status != "ok":
                _insert_failed(con, candidate, value)
                summary.failed.append((candidate.shown, value))
            bar.update(1)
            if on_progress is not None:
                on_progress(done, len(todo))
    finally:
        bar.close()


# ---------------------------------------------------------------------------------------------
# Rows


def _clean(value):
    """Strings DuckDB accepts: lone surrogates (undecodable bytes in names or text) become U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _num(value) -> float | None:
    """Numbers as float, so a list of rows binds as one struct type (10 and 9.5 alike)."""
    return None if value is None else float(value)


def _clean_list(values: Iterable[str]) -> list[str]:
    return [_clean(str(v)) for v in values]


def _report_params(candidate: _Candidate, *, status: str, error: str | None, warnings: list[str],
                   n_records: int) -> dict:
    return {
        "content_hash": candidate.content_hash,
        "file_path": _clean(os.path.abspath(candidate.shown)),
        "file_name": _clean(candidate.path.name and display_path(candidate.path.name)),
        "format": candidate.path.suffix.lower().lstrip("."),
        "size_bytes": candidate.size_bytes,
        "ingested_at": datetime.now(),
        "status": status,
        "error": error,
        "warnings": _clean_list(warnings),
        "n_records": n_records,
    }


def record_facts_json(record: EvaluationRecord) -> str:
    """What report-level flags need beyond the contract's columns, so they can be recomputed later."""
    facts = dict(record.facts)
    facts["stated_evaluator_average"] = record.stated_evaluator_average
    return json.dumps(facts, ensure_ascii=False, default=str)


def _evaluation_params(candidate: _Candidate, index: int, record: EvaluationRecord, loaded_at: datetime) -> dict:
    return {
        "evaluation_id": f"{candidate.content_hash}:{index}",
        "content_hash": candidate.content_hash,
        "record_index": index,
        "source": _clean(display_path(record.source) if record.source else candidate.shown),
        "project_name": _clean(record.project_name),
        "department": _clean(record.department),
        "supervising_department": _clean(record.supervising_department),
        "region": _clean(record.region),
        "kind": _clean(record.kind),
        "year": record.year,
        "budget_wan": record.budget_wan,
        "initial_budget_wan": record.initial_budget_wan,
        "received_wan": record.received_wan,
        "spent_wan": record.spent_wan,
        "stated_execution_rate": record.stated_execution_rate,
        "execution_rate": record.execution_rate,
        "self_score": record.self_score,
        "grade": _clean(record.grade),
        "execution_weight": record.execution_weight,
        "execution_score": record.execution_score,
        "firm": _clean(record.firm),
        "report_number": _clean(record.report_number),
        "conclusion": _clean(record.conclusion),
        "full_text": _clean(record.text),
        "facts_json": _clean(record_facts_json(record)),
        "warnings": _clean_list(record.warnings),
        "loaded_at": loaded_at,
    }


def _child_tables(evaluation_id: str, record: EvaluationRecord, tables: dict[str, list[dict]]) -> None:
    for row_index, ind in enumerate(record.indicators):
        tables["indicator_rows"].append({
            "evaluation_id": evaluation_id, "row_index": row_index, "level1": _clean(ind.level1),
            "level2": _clean(ind.level2), "level3": _clean(ind.level3), "weight": _num(ind.weight), "score": _num(ind.score),
            "deduction": _num(ind.deduction), "reason": _clean(ind.reason), "rule": _clean(ind.rule),
            "target": _clean(ind.target), "actual": _clean(ind.actual),
        })
    for problem_index, text in enumerate(record.problems):
        tables["problem_rows"].append({"evaluation_id": evaluation_id, "problem_index": problem_index,
                                       "problem_text": _clean(text)})
    for evaluator_index, score in enumerate(record.evaluator_scores):
        tables["evaluator_rows"].append({"evaluation_id": evaluation_id, "evaluator_index": evaluator_index,
                                         "score": _num(score)})
    for flag in record.flags:
        tables["flag_rows"].append({"evaluation_id": evaluation_id, "code": flag.code, "severity": flag.severity,
                                    "message": _clean(flag.message), "evidence": _clean(flag.evidence),
                                    "scope": "report"})


# Child rows go in as one bound list of structs per table and file (far faster than executemany).
_CHILD_TABLES = (
    ("indicator_rows", "insert_indicator_scores"),
    ("problem_rows", "insert_problems"),
    ("evaluator_rows", "insert_evaluator_scores"),
    ("flag_rows", "insert_report_flags"),
)


def _insert_loaded(con: duckdb.DuckDBPyConnection, candidate: _Candidate, records: list[EvaluationRecord]) -> None:
    """The report row, its evaluations and every child row, in one transaction (all or nothing)."""
    loaded_at = datetime.now()
    warnings = list(dict.fromkeys(w for r in records for w in r.warnings))
    tables: dict[str, list[dict]] = {name: [] for name, _ in _CHILD_TABLES}
    con.begin()
    try:
        con.execute(_sql("delete_report"), {"content_hash": candidate.content_hash})
        con.execute(_sql("insert_report"), _report_params(candidate, status="loaded", error=None,
                                                          warnings=warnings, n_records=len(records)))
        for index, record in enumerate(records):
            params = _evaluation_params(candidate, index, record, loaded_at)
            con.execute(_sql("insert_evaluation"), params)
            _child_tables(params["evaluation_id"], record, tables)
        for name, statement in _CHILD_TABLES:
            if tables[name]:
                con.execute(_sql(statement), {"rows": tables[name]})
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _insert_failed(con: duckdb.DuckDBPyConnection, candidate: _Candidate, reason: str) -> None:
    """Only the reports row, status failed, with the reason (naming the file)."""
    name = display_path(candidate.path.name)
    con.begin()
    try:
        con.execute(_sql("delete_report"), {"content_hash": candidate.content_hash})
        con.execute(_sql("insert_report"), _report_params(candidate, status="failed", error=_clean(f"{name}: {reason}"),
                                                          warnings=[], n_records=0))
        con.commit()
    except BaseException:
        con.rollback()
        raise


# ---------------------------------------------------------------------------------------------
# Corrections and re-deriving


class CorrectionError(ValueError):
    """A correction that cannot be applied; str() is the reason in Chinese."""


def _as_float(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        raise CorrectionError(f"不是有效的数值：{text}") from None


def _as_year(text: str) -> str:
    try:
        return str(int(text))
    except ValueError:
        raise CorrectionError(f"不是有效的年度：{text}") from None


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in choices:
            raise CorrectionError(f"取值必须是 {'、'.join(choices)} 之一：{text}")
        return text
    return check


# Field -> how a new value is checked and written (as text in corrections.new_value).
CORRECTABLE_FIELDS: dict[str, Callable[[str], str]] = {
    "project_name": str, "department": str, "supervising_department": str, "region": str,
    "kind": _one_of(KINDS), "grade": _one_of(GRADES), "year": _as_year,
    "budget_wan": _as_float, "initial_budget_wan": _as_float, "received_wan": _as_float, "spent_wan": _as_float,
    "stated_execution_rate": _as_float, "self_score": _as_float, "execution_weight": _as_float,
    "execution_score": _as_float, "firm": str, "report_number": str,
}


def add_correction(db_path: str | os.PathLike | None, content_hash: str, record_index: int, field: str,
                   new_value: str | float | int | None, who: str) -> str | None:
    """Record a corrected field (old and new value, who, when) in a new warehouse version; returns it.

    Raises CorrectionError (bad field, value or record) or WarehouseBusy, each with a Chinese reason.
    """
    if field not in CORRECTABLE_FIELDS:
        raise CorrectionError(f"该字段不能更正：{field}")
    who = (who or "").strip()
    if not who:
        raise CorrectionError("请填写更正人")
    text = None if new_value is None or str(new_value).strip() == "" else CORRECTABLE_FIELDS[field](str(new_value).strip())
    db = resolve_db_path(db_path)
    with write_lock(db):
        with next_version(db) as con:
            row = con.execute(_sql("evaluation_row"), {"evaluation_id": f"{content_hash}:{int(record_index)}"})
            columns = [d[0] for d in row.description]
            found = row.fetchall()
            if not found:
                raise CorrectionError("未找到要更正的评价记录")
            previous = con.execute(_sql("latest_correction"), {
                "content_hash": content_hash, "record_index": int(record_index), "field": field}).fetchall()
            if previous:
                old_value = previous[0][0]
            else:
                stored = dict(zip(columns, found[0]))[field]
                old_value = None if stored is None else str(stored)
            con.execute(_sql("insert_correction"), {
                "content_hash": content_hash, "record_index": int(record_index), "field": field,
                "old_value": old_value, "new_value": _clean(text), "corrected_by": _clean(who),
                "corrected_at": datetime.now(),
            })
            refresh_derived(con)
        return warehouse_version(db)


def rederive(db_path: str | os.PathLike | None = None) -> list[str]:
    """Recompute names, every report's flags and the corpus-level tables (after a rulebook or alias
    edit) into a new version; returns warnings."""
    db = resolve_db_path(db_path)
    with write_lock(db):
        with next_version(db) as con:
            return refresh_derived(con, everything=True)
