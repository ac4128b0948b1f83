"""The loader, the only writer of the warehouse: report files in, one transaction per file, a new
warehouse version every `load_publish_every` files and at the end of a batch (see dashboard/warehouse.py
for the versioned layout and the lock).

Content already loaded (same sha256) is skipped; so is another file of a report already loaded (the
same report as .pdf and .docx: every record's fingerprint matches that report's), which is kept in
`reports` with status 'duplicate' and the first file's name. A failed file is recorded with its reason
and retried next time. A load killed mid-batch keeps every version it published: at most
`load_publish_every` files of work are lost, and rerunning the same ingest loads only what is missing.
An intermediate version recomputes only 待核实; the batch's last version recomputes every derived table.
Corrections go through the same lock and produce a new version too.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import math
import os
import sys
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb

from dashboard import settings
from dashboard.ingest.derive import INTERMEDIATE_STEPS, refresh_derived
from dashboard.ingest.pool import extract_in_pool
from dashboard.ingest.record import GRADES, KINDS, EvaluationRecord, fingerprint_of
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
# reports.status of content that is not loaded again: loaded, or another format of a loaded report.
_SETTLED = ("loaded", "duplicate")


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
    # (file, name of the file loaded first): the same report in another format, not loaded again
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    speed: str | None = None  # files per second, overall and by format (Chinese), when files were read

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed

    def lines(self) -> list[str]:
        """The summary as a user reads it, in Chinese: counts first, then one line per problem."""
        if self.error:
            return [self.error]
        counts = f"导入 {self.loaded}、已存在跳过 {self.skipped}、失败 {len(self.failed)}"
        if self.duplicates:
            counts += f"、同一报告的其他格式 {len(self.duplicates)}"
        out = [f"{counts}（新增评价记录 {self.records} 条）"]
        out += [f"{name}: {reason}" for name, reason in self.failed]
        if self.duplicates:
            out.append(f"与已导入报告相同、未重复计入的文件 {len(self.duplicates)} 个：")
            out += [f"{name}: {duplicate_reason(first)}" for name, first in self.duplicates]
        if self.unsupported:
            out.append(f"未导入的文件 {len(self.unsupported)} 个：")
            out += [f"{name}: {reason}" for name, reason in self.unsupported]
        out += [f"注意：{w}" for w in self.warnings]
        if self.speed:
            out.append(self.speed)
        return out


def duplicate_reason(first_name: str) -> str:
    """Why a file was not loaded: it is the report already loaded from `first_name` (Chinese)."""
    return f"与已导入的 {first_name} 为同一报告（其他格式），未重复计入"


@dataclass
class _Candidate:
    path: Path
    shown: str  # the path as the user gave it, printable
    content_hash: str
    size_bytes: int
    loaded_by: str = ""  # the account (or command-line user) that loaded it


def command_line_user() -> str:
    """Who runs a command-line load: 命令行:<the operating-system user>."""
    try:
        return f"命令行:{getpass.getuser()}"
    except (KeyError, OSError):
        return "命令行"


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
                 on_progress: Callable[[int, int], None] | None = None, loaded_by: str | None = None) -> IngestSummary:
    """Load report files and folders (recursively); never raises for a bad file or a busy warehouse.

    progress: a tqdm bar on stderr; echo: print the waiting message and the summary (the 数据管理
    page passes echo=False and shows `summary.lines()`); on_progress(done, total) per file.
    loaded_by: who loads (the signed-in account of an upload; by default the command-line user),
    recorded with every file in `reports.loaded_by`.
    """
    loaded_by = loaded_by or command_line_user()
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
        candidates.append(_Candidate(path, display_path(path), content_hash, size, loaded_by))
    try:
        with write_lock(db, on_wait=_say if echo else None):
            statuses = _report_statuses(db)
            todo: list[_Candidate] = []
            twins: list[tuple[_Candidate, _Candidate]] = []  # (later copy, first copy) in this batch
            first_of: dict[str, _Candidate] = {}
            for candidate in candidates:
                if statuses.get(candidate.content_hash) in _SETTLED:
                    summary.skipped += 1
                    continue
                if candidate.content_hash in first_of:
                    twins.append((candidate, first_of[candidate.content_hash]))
                    continue
                first_of[candidate.content_hash] = candidate
                todo.append(candidate)
            if todo:
                _load_in_versions(db, todo, summary, _known_fingerprints(db), progress=progress,
                                  on_progress=on_progress)
            elif current_version_file(db) is None or _derive_pending(db):
                with next_version(db) as con:
                    summary.warnings += refresh_derived(con)
                    mark_derived(con, in_full=True)
            _report_twins(twins, summary)
            summary.version = warehouse_version(db)
    except WarehouseError as exc:
        summary.error = str(exc)
    except (OSError, duckdb.Error) as exc:
        kept = f"此前已保存 {summary.loaded} 份，其余" if summary.loaded else "本批"
        summary.error = f"写入数据仓库失败，{kept}未导入：{type(exc).__name__}: {str(exc)[:300]}"
    summary.failed.sort(key=lambda item: item[0])
    summary.warnings = list(dict.fromkeys(summary.warnings))  # each version's derive may say the same
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


def _read_current(db: Path, name: str, needs: tuple[str, ...] = ("reports", "evaluations")) -> list[tuple]:
    """Rows of a loader query on the current version, read straight from the (immutable) file;
    nothing when there is no warehouse or it lacks a table the query needs (an older version)."""
    current = current_version_file(db)
    if current is None:
        return []
    con = duckdb.connect(str(current), read_only=True)
    try:
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
        if not set(needs) <= tables:
            return []
        return con.execute(_sql(name)).fetchall()
    finally:
        con.close()


def _report_statuses(db: Path) -> dict[str, str]:
    """content_hash -> status in the current version."""
    return dict(_read_current(db, "report_statuses"))


DERIVE_PENDING = "derive_pending"


def _derive_pending(db: Path) -> bool:
    """Whether the current version is a stopped long load's intermediate one (derived tables not all
    recomputed since): the next load recomputes them even when it has nothing new to load."""
    return DERIVE_PENDING in dict(_read_current(db, "load_state", needs=("load_state",)))


def mark_derived(con: duckdb.DuckDBPyConnection, *, in_full: bool) -> None:
    """Record in the version being built whether every derived table was recomputed for it."""
    if in_full:
        con.execute(_sql("clear_load_state"), {"key": DERIVE_PENDING})
    else:
        con.execute(_sql("set_load_state"), {"key": DERIVE_PENDING, "value": datetime.now().isoformat()})


# ---------------------------------------------------------------------------------------------
# The same report in another format


@dataclass
class _Fingerprints:
    """Fingerprints of every loaded report's records: the warehouse's, then this batch's as it loads."""
    by_fingerprint: dict[str, set[str]] = field(default_factory=dict)  # fingerprint -> content hashes
    name_of: dict[str, str] = field(default_factory=dict)  # content hash -> the file's name
    order: dict[str, int] = field(default_factory=dict)  # content hash -> when it was registered
    to_fill: dict[str, str] = field(default_factory=dict)  # evaluation_id -> fingerprint (stored null)

    def add(self, content_hash: str, name: str, fingerprints: Iterable[str | None]) -> None:
        self.name_of.setdefault(content_hash, name)
        self.order.setdefault(content_hash, len(self.order))
        for fingerprint in fingerprints:
            if fingerprint is not None:
                self.by_fingerprint.setdefault(fingerprint, set()).add(content_hash)

    def first_match(self, content_hash: str, fingerprints: list[str | None]) -> str | None:
        """The name of the first-loaded report holding every one of these fingerprints, if any.

        A record without a fingerprint (too bare to tell apart) means no match."""
        if not fingerprints or any(f is None for f in fingerprints):
            return None
        common: set[str] | None = None
        for fingerprint in fingerprints:
            holders = self.by_fingerprint.get(fingerprint, set())
            common = set(holders) if common is None else common & holders
            if not common:
                return None
        common.discard(content_hash)
        if not common:
            return None
        return self.name_of[min(common, key=self.order.__getitem__)]


def _known_fingerprints(db: Path) -> _Fingerprints:
    """The fingerprints of the current version's loaded reports, computed from their extracted fields
    (the current version may predate the stored column: those are filled in with the next version)."""
    known = _Fingerprints()
    for (evaluation_id, content_hash, file_name, kind, department, project_name, year, budget, initial,
         received, spent, score) in _read_current(db, "known_fingerprints"):
        fingerprint = fingerprint_of(kind, department, project_name, year, budget, initial, received, spent, score)
        known.add(content_hash, file_name, [fingerprint])
        if fingerprint is not None:
            known.to_fill[evaluation_id] = fingerprint
    return known


def _fill_fingerprints(con: duckdb.DuckDBPyConnection, known: _Fingerprints) -> None:
    """Store the fingerprints of evaluations loaded before they were kept (once; then nothing to do)."""
    if not known.to_fill:
        return
    missing = [row[0] for row in con.execute(_sql("fingerprints_missing")).fetchall()]
    rows = [{"evaluation_id": e, "fingerprint": known.to_fill[e]} for e in missing if e in known.to_fill]
    if rows:
        con.execute(_sql("fill_fingerprints"), {"rows": rows})
    known.to_fill = {}


# ---------------------------------------------------------------------------------------------
# Loading in versions


@dataclass
class _Part:
    """What one version adds; merged into the batch's summary once that version is published."""
    loaded: int = 0
    records: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)


class _Speed:
    """Files per second, overall and by format, for the progress bar and the summary line."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.by_format: Counter[str] = Counter()

    def add(self, path: Path) -> None:
        self.by_format[path.suffix.lower().lstrip(".") or "无扩展名"] += 1

    def _elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-6)

    def by_format_text(self) -> str:
        elapsed = self._elapsed()
        return " ".join(f"{fmt} {n / elapsed:.1f}/s" for fmt, n in self.by_format.most_common())

    def line(self) -> str:
        elapsed = self._elapsed()
        total = sum(self.by_format.values())
        parts = "、".join(f"{fmt} {n} 份 {n / elapsed:.1f} 份/秒" for fmt, n in self.by_format.most_common())
        return f"读取 {total} 个文件，用时 {elapsed:.1f} 秒，平均 {total / elapsed:.1f} 份/秒（按格式：{parts}）"


def _load_in_versions(db: Path, todo: list[_Candidate], summary: IngestSummary, known: _Fingerprints, *,
                      progress: bool, on_progress: Callable[[int, int], None] | None) -> None:
    """Extract every file in the pool and load it, publishing a version every `load_publish_every`
    files and after the last. Counts reach the summary only once their version is published.

    An intermediate version recomputes only 待核实 (derive.INTERMEDIATE_STEPS): the corpus-wide derived
    tables (canonical names, indicator groups, rollups, reason categories, corpus flags and risk) stay
    whole as of the previous full derive and cover the new reports from the batch's last version on.
    A full derive per version would cost more than the loading at province scale (measured: corpus
    flags 14 s of a 16.5 s derive on 10,000 reports, against ~7 s to load 200 files)."""
    from tqdm import tqdm

    every = max(1, int(settings.get("load_publish_every")))
    by_path = {str(c.path): c for c in todo}
    workers = max(1, int(settings.get("load_workers")))
    timeout = float(settings.get("max_seconds_per_file"))
    speed = _Speed()
    bar = tqdm(total=len(todo), desc="导入报告", unit="份", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    results = extract_in_pool(list(by_path), workers=workers, timeout_seconds=timeout)
    done = 0
    try:
        exhausted = False
        while not exhausted:
            part = _Part()
            with next_version(db) as con:
                _fill_fingerprints(con, known)
                in_part = 0
                for path, status, value in results:
                    candidate = by_path[path]
                    _load_one(con, candidate, status, value, part, known)
                    done += 1
                    in_part += 1
                    speed.add(candidate.path)
                    bar.set_postfix_str(speed.by_format_text(), refresh=False)
                    bar.update(1)
                    if on_progress is not None:
                        on_progress(done, len(todo))
                    if in_part >= every and done < len(todo):
                        break
                else:
                    exhausted = True
                # The batch's last version recomputes every derived table; one before it only 待核实.
                summary.warnings += refresh_derived(con, only=None if exhausted else INTERMEDIATE_STEPS)
                mark_derived(con, in_full=exhausted)
            summary.loaded += part.loaded
            summary.records += part.records
            summary.failed += part.failed
            summary.duplicates += part.duplicates
    finally:
        results.close()  # stops the workers when the batch ends early (an error, a kill)
        bar.close()
        if done:
            summary.speed = speed.line()


def _load_one(con: duckdb.DuckDBPyConnection, candidate: _Candidate, status: str, value, part: _Part,
              known: _Fingerprints) -> None:
    """One extracted file into the version being built: loaded, a duplicate of a loaded report, or failed."""
    if status == "ok" and not value:
        status, value = "failed", "未识别到任何评价内容"
    if status == "ok":
        fingerprints = [record.fingerprint() for record in value]
        first = known.first_match(candidate.content_hash, fingerprints)
        try:
            if first is not None:
                _insert_duplicate(con, candidate, first)
                part.duplicates.append((candidate.shown, first))
                return
            _insert_loaded(con, candidate, value)
            known.add(candidate.content_hash, display_path(candidate.path.name), fingerprints)
            part.loaded += 1
            part.records += len(value)
            return
        except duckdb.Error as exc:
            status, value = "failed", f"写入数据库失败（{type(exc).__name__}: {str(exc)[:200]}）"
    _insert_failed(con, candidate, value)
    part.failed.append((candidate.shown, value))


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
        "loaded_by": candidate.loaded_by or None,
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
        "fingerprint": record.fingerprint(),
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
    _insert_report_only(con, candidate, "failed", _clean(f"{name}: {reason}"))


def _insert_duplicate(con: duckdb.DuckDBPyConnection, candidate: _Candidate, first_name: str) -> None:
    """Only the reports row, status duplicate, naming the file loaded first: nothing is counted twice."""
    _insert_report_only(con, candidate, "duplicate", _clean(duplicate_reason(first_name)))


def _insert_report_only(con: duckdb.DuckDBPyConnection, candidate: _Candidate, status: str, error: str) -> None:
    con.begin()
    try:
        con.execute(_sql("delete_report"), {"content_hash": candidate.content_hash})
        con.execute(_sql("insert_report"), _report_params(candidate, status=status, error=error,
                                                          warnings=[], n_records=0))
        con.commit()
    except BaseException:
        con.rollback()
        raise


# ---------------------------------------------------------------------------------------------
# Corrections and re-deriving


class CorrectionError(ValueError):
    """A correction that cannot be applied; str() is the reason in Chinese."""


FIELD_LABELS = {
    "project_name": "项目名称", "department": "单位", "supervising_department": "主管部门", "region": "地区",
    "kind": "评价类型", "grade": "自评等级", "year": "年度", "budget_wan": "预算（万元）",
    "initial_budget_wan": "年初预算（万元）", "received_wan": "到位资金（万元）", "spent_wan": "实际支出（万元）",
    "stated_execution_rate": "报告所写执行率（%）", "self_score": "自评分", "execution_weight": "预算执行率指标分值",
    "execution_score": "预算执行率指标得分", "firm": "评价机构", "report_number": "报告编号",
}
_AMOUNTS = ("budget_wan", "initial_budget_wan", "received_wan", "spent_wan")
_SCORES = ("self_score", "execution_weight", "execution_score")
_TEXTS = ("project_name", "department", "supervising_department", "region", "firm", "report_number")


@dataclass(frozen=True)
class CorrectionLimits:
    """The [corrections] table of data/sanity.toml: what a corrected value may be."""
    amount_min_wan: float = 0.0
    amount_max_wan: float = 1e7  # exclusive
    score_min: float = 0.0
    score_max: float = 100.0
    rate_min: float = 0.0
    rate_max: float = 1000.0
    year_min: int = 1990
    year_max: int = 2100
    text_max_chars: int = 200


def correction_limits(path: str | os.PathLike | None = None) -> CorrectionLimits:
    """The limits from the sanity file (setting sanity_path); the defaults for a file without them."""
    path = Path(path or settings.get("sanity_path"))
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return CorrectionLimits()
    return _read_limits(str(path), mtime)


@lru_cache(maxsize=8)
def _read_limits(name: str, _mtime_ns: int) -> CorrectionLimits:
    try:
        table = tomllib.loads(Path(name).read_text(encoding="utf-8")).get("corrections", {})
        defaults = CorrectionLimits()
        values = {}
        for key, default in defaults.__dict__.items():
            raw = table.get(key, default)
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                raise ValueError(f"{key} 须为有限数值")
            values[key] = type(default)(raw)
        return CorrectionLimits(**values)
    except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise CorrectionError(f"{name}: [corrections] 更正取值范围无法读取（{type(exc).__name__}: {exc}），更正未保存") from exc


def _number(field_name: str, text: str) -> float:
    label = FIELD_LABELS[field_name]
    plain = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    try:
        value = float(plain)
    except ValueError:
        raise CorrectionError(f"{label}不是有效的数值：{text}") from None
    if not math.isfinite(value):
        raise CorrectionError(f"{label}必须是有限的数值，不能是 {text}")
    return value


def _in_range(field_name: str, value: float, low: float, high: float, unit: str, *, high_open: bool = False) -> None:
    if low <= value and (value < high if high_open else value <= high):
        return
    upper = f"小于 {high:,.10g}" if high_open else f"不超过 {high:,.10g}"
    raise CorrectionError(f"{FIELD_LABELS[field_name]}超出合理范围：{value:,.10g}（应不小于 {low:,.10g}{unit}且{upper}{unit}）")


def _one_of(choices: tuple[str, ...]) -> Callable[[str, str, CorrectionLimits], str]:
    def check(field_name: str, text: str, _limits: CorrectionLimits) -> str:
        if text not in choices:
            raise CorrectionError(f"{FIELD_LABELS[field_name]}的取值必须是 {'、'.join(choices)} 之一：{text}")
        return text
    return check


def _amount(field_name: str, text: str, limits: CorrectionLimits) -> str:
    value = _number(field_name, text)
    _in_range(field_name, value, limits.amount_min_wan, limits.amount_max_wan, " 万元", high_open=True)
    return repr(value)


def _score(field_name: str, text: str, limits: CorrectionLimits) -> str:
    value = _number(field_name, text)
    _in_range(field_name, value, limits.score_min, limits.score_max, " 分")
    return repr(value)


def _rate(field_name: str, text: str, limits: CorrectionLimits) -> str:
    value = _number(field_name, text)
    _in_range(field_name, value, limits.rate_min, limits.rate_max, "%")
    return repr(value)


def _year(field_name: str, text: str, limits: CorrectionLimits) -> str:
    try:
        value = int(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        raise CorrectionError(f"{FIELD_LABELS[field_name]}不是有效的年度：{text}") from None
    if not limits.year_min <= value <= limits.year_max:
        raise CorrectionError(f"{FIELD_LABELS[field_name]}超出合理范围：{value}（应在 {limits.year_min} 至 "
                              f"{limits.year_max} 年之间）")
    return str(value)


def _text(field_name: str, text: str, limits: CorrectionLimits) -> str:
    if len(text) > limits.text_max_chars:
        raise CorrectionError(f"{FIELD_LABELS[field_name]}过长：{len(text)} 个字符（上限 {limits.text_max_chars}）")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise CorrectionError(f"{FIELD_LABELS[field_name]}含有控制字符（如换行），请只填写一行文字")
    return text


# Field -> how a new value is checked and written (as text in corrections.new_value).
CORRECTABLE_FIELDS: dict[str, Callable[[str, str, CorrectionLimits], str]] = {
    **{name: _text for name in _TEXTS},
    "kind": _one_of(KINDS), "grade": _one_of(GRADES), "year": _year,
    **{name: _amount for name in _AMOUNTS},
    "stated_execution_rate": _rate,
    **{name: _score for name in _SCORES},
}


def check_correction(field_name: str, new_value: str | float | int | None,
                     limits: CorrectionLimits | None = None) -> str | None:
    """The text a new value is stored as (None clears the field); CorrectionError with the Chinese
    reason naming the field and its range when the field cannot be corrected or the value is refused."""
    if field_name not in CORRECTABLE_FIELDS:
        raise CorrectionError(f"该字段不能更正：{field_name}")
    if new_value is None or str(new_value).strip() == "":
        return None
    return CORRECTABLE_FIELDS[field_name](field_name, str(new_value).strip(), limits or correction_limits())


@dataclass(frozen=True)
class Correction:
    """One correction to apply: which record and field, the new value, who, and (imports) when and why."""
    content_hash: str
    record_index: int
    field: str
    value: str | float | int | None
    who: str
    when: datetime | None = None  # None: now
    reason: str | None = None


@dataclass
class CorrectionResult:
    """A saved correction: the version it made and what the page should tell the user (Chinese)."""
    version: str | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class CorrectionImport:
    """What importing a file of corrections did."""
    applied: int = 0
    already: int = 0  # the same correction was already in the warehouse
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where in the file, reason in Chinese)
    warnings: list[str] = field(default_factory=list)
    version: str | None = None


class _Unchanged(Exception):
    """Nothing to publish: leaves the next version unpublished."""


def _who(who: str | None) -> str:
    who = (who or "").strip()
    if not who:
        raise CorrectionError("请填写更正人")
    if len(who) > 100 or any(unicodedata.category(ch) == "Cc" for ch in who):
        raise CorrectionError("更正人填写有误（过长或含控制字符）")
    return who


def _apply_correction(con: duckdb.DuckDBPyConnection, item: Correction, text: str | None, *,
                      skip_existing: bool) -> bool:
    """Insert one checked correction on con (a transaction is open); False when it was already there."""
    try:
        record_index = int(item.record_index)
    except (TypeError, ValueError):
        raise CorrectionError(f"记录序号无效：{item.record_index}") from None
    key = {"content_hash": item.content_hash, "record_index": record_index, "field": item.field}
    row = con.execute(_sql("evaluation_row"), {"evaluation_id": f"{item.content_hash}:{record_index}"})
    columns = [d[0] for d in row.description]
    found = row.fetchall()
    if not found:
        raise CorrectionError("未找到要更正的评价记录（该报告尚未导入或已不在数据仓库中）")
    stored = dict(zip(columns, found[0]))
    who = _who(item.who)
    if skip_existing:
        already = con.execute(_sql("correction_exists"), {**key, "new_value": _clean(text), "corrected_by": _clean(who),
                                                            "corrected_at": item.when}).fetchall()
        if already[0][0]:
            return False

    def current(name: str):
        latest = con.execute(_sql("latest_correction"), {**key, "field": name}).fetchall()
        if latest:
            return latest[0][0]
        return None if stored[name] is None else str(stored[name])

    if item.field == "execution_score" and text is not None:
        weight = current("execution_weight")
        try:
            weight_value = None if weight is None else float(weight)
        except ValueError:
            weight_value = None
        if weight_value is not None and math.isfinite(weight_value) and float(text) > weight_value:
            raise CorrectionError(f"{FIELD_LABELS['execution_score']}超出合理范围：{float(text):g}"
                                  f"（不能超过该指标的分值 {weight_value:g} 分）")
    con.execute(_sql("insert_correction"), {
        **key, "old_value": current(item.field), "new_value": _clean(text), "corrected_by": _clean(who),
        "corrected_at": item.when or datetime.now(), "reason": _clean(item.reason) if item.reason else None,
    })
    return True


def _doubts_left(con: duckdb.DuckDBPyConnection, content_hash: str, record_index: int) -> list[str]:
    """The record's values still marked 待核实 after the derive (another field than the one corrected)."""
    rows = con.execute(_sql("record_doubts"), {"evaluation_id": f"{content_hash}:{int(record_index)}"}).fetchall()
    return [f"该记录仍有待核实的数值：{reason}" for (reason,) in rows]


def add_correction(db_path: str | os.PathLike | None, content_hash: str, record_index: int, field: str,
                   new_value: str | float | int | None, who: str, *, reason: str | None = None) -> CorrectionResult:
    """Record a corrected field (old and new value, who, when, why) in a new warehouse version.

    The correction and the derive it calls for (names, 待核实, flags, risk) run in one transaction in
    the new version: a derive step that fails publishes nothing (DeriveError, a WarehouseError) and the
    previous version stays current. Returns the new version and warnings for the user (values of the
    record still marked 待核实). Raises CorrectionError (bad field, value out of range, no such record)
    or WarehouseError (busy, derive failed), each with a Chinese reason.
    """
    text = check_correction(field, new_value)
    item = Correction(content_hash, record_index, field, text, _who(who), reason=reason)
    db = resolve_db_path(db_path)
    with write_lock(db):
        with next_version(db) as con:
            con.begin()
            try:
                _apply_correction(con, item, text, skip_existing=False)
                refresh_derived(con, strict=True, joined=True)
                mark_derived(con, in_full=True)
                warnings = _doubts_left(con, content_hash, int(record_index))
                con.commit()
            except BaseException:
                rollback(con)
                raise
        return CorrectionResult(warehouse_version(db), warnings)


def apply_corrections(db_path: str | os.PathLike | None, items: Iterable[tuple[str, Correction]]) -> CorrectionImport:
    """Apply many corrections (e.g. an import) in one new version, each checked as add_correction checks
    it; a correction already in the warehouse (same record, field, value, who and time) is not added
    again, a refused one is listed with its reason and the others still apply. items: (where, correction).
    Nothing new: no new version. Raises WarehouseError (busy, derive failed: nothing is saved)."""
    result = CorrectionImport()
    checked: list[tuple[str, Correction, str | None]] = []
    limits = correction_limits()
    for where, item in items:
        try:
            checked.append((where, item, check_correction(item.field, item.value, limits)))
        except CorrectionError as exc:
            result.refused.append((where, str(exc)))
    db = resolve_db_path(db_path)
    if not checked:
        result.version = warehouse_version(db)
        return result
    with write_lock(db):
        try:
            with next_version(db) as con:
                con.begin()
                try:
                    for where, item, text in checked:
                        try:
                            if _apply_correction(con, item, text, skip_existing=True):
                                result.applied += 1
                            else:
                                result.already += 1
                        except CorrectionError as exc:
                            result.refused.append((where, str(exc)))
                    if not result.applied:
                        raise _Unchanged
                    result.warnings = refresh_derived(con, strict=True, joined=True)
                    mark_derived(con, in_full=True)
                    con.commit()
                except BaseException:
                    rollback(con)
                    raise
        except _Unchanged:
            pass
        result.version = warehouse_version(db)
    return result


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any (a no-op when none is open)."""
    try:
        con.rollback()
    except duckdb.Error:
        pass  # no transaction was open


def rederive(db_path: str | os.PathLike | None = None) -> list[str]:
    """Recompute names, every report's flags and the corpus-level tables (after a rulebook or alias
    edit) into a new version, in one transaction: a step that fails publishes nothing (DeriveError)."""
    db = resolve_db_path(db_path)
    with write_lock(db):
        with next_version(db) as con:
            con.begin()
            try:
                warnings = refresh_derived(con, everything=True, strict=True, joined=True)
                mark_derived(con, in_full=True)
                con.commit()
            except BaseException:
                rollback(con)
                raise
            return warnings
