"""The warehouse on disk and the read side: versioned files, the load lock, cached read-only queries.

Layout: `data/warehouse.duckdb` is a symlink to an immutable version file in
`data/warehouse.duckdb.versions/` (e.g. `000042.duckdb`). A load builds the next version beside the
current one under an exclusive lock on `data/warehouse.duckdb.lock` and swaps the symlink atomically;
readers open version files read-only, so they never block the loader and never see half a batch.
No streamlit here: the pages cache frames keyed by `warehouse_version()`.
"""
from __future__ import annotations

import errno
import hashlib
import fcntl
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from dashboard import settings

QUERIES_DIR = settings.ROOT / "queries"
SCHEMA_DIR = QUERIES_DIR / "schema"
VERSION_PATTERN = re.compile(r"^(\d{6})\.duckdb$")
TEMP_PREFIX = "tmp-"
# A superseded read connection is closed only after this long, so a query still running on it
# (or a caller still holding one of its cursors) can finish.
SUPERSEDED_GRACE_SECONDS = 120.0
WAITING_MESSAGE = "另一个导入正在进行，等待其完成…"


class WarehouseError(Exception):
    """The warehouse could not be opened or written; str() is the reason in Chinese."""


class WarehouseBusy(WarehouseError):
    """Another load held the lock longer than the timeout."""


# ---------------------------------------------------------------------------------------------
# Layout


def resolve_db_path(db_path: str | os.PathLike | None = None) -> Path:
    """The warehouse path as the user names it (the symlink), absolute; default from settings."""
    return Path(os.path.abspath(os.fspath(db_path) if db_path is not None else settings.get("warehouse_path")))


def versions_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".versions")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def current_version_file(db_path: str | os.PathLike | None = None) -> Path | None:
    """The file readers should open now: the symlink's target, or a plain file (older layout)."""
    db = resolve_db_path(db_path)
    if db.is_symlink():
        target = Path(os.readlink(db))
        if not target.is_absolute():
            target = db.parent / target
        return target if target.is_file() else None
    return db if db.is_file() else None


def warehouse_version(db_path: str | os.PathLike | None = None) -> str | None:
    """The current version's name (e.g. '000042.duckdb'): cheap, for keying cached frames."""
    db = resolve_db_path(db_path)
    try:
        if db.is_symlink():
            return os.path.basename(os.readlink(db))
        stat = db.stat()
    except OSError:
        return None
    return f"{db.name}@{stat.st_mtime_ns}"  # a plain file from the older layout


def _version_numbers(vdir: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    try:
        names = os.listdir(vdir)
    except FileNotFoundError:
        return found
    for name in names:
        match = VERSION_PATTERN.match(name)
        if match:
            found[int(match.group(1))] = vdir / name
    return found


# ---------------------------------------------------------------------------------------------
# Schema and queries


def schema_files() -> list[Path]:
    """Every DDL file in queries/schema, in name order (each engineer's file runs after 001)."""
    return sorted(SCHEMA_DIR.glob("*.sql"))


def schema_stamp() -> str:
    """A fingerprint of queries/schema/*.sql: a version built with other schema files needs upgrading."""
    digest = hashlib.sha256()
    for path in schema_files():
        digest.update(path.name.encode("utf-8"))
        digest.update(_sql_of(path).encode("utf-8"))
    return digest.hexdigest()[:16]


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or update tables and views; every statement is idempotent (if not exists / or replace).
    Records the schema stamp, so readers can tell a version built by older code."""
    for path in schema_files():
        for statement in con.extract_statements(path.read_text(encoding="utf-8")):
            con.execute(statement.query)
    con.execute("create table if not exists schema_stamp (stamp varchar not null)")
    con.execute("delete from schema_stamp")
    con.execute("insert into schema_stamp values ($stamp)", {"stamp": schema_stamp()})


def _stamp_of(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        rows = con.cursor().execute("select stamp from schema_stamp").fetchall()
    except duckdb.Error:
        return None  # built before stamps existed
    return rows[0][0] if rows else None


def _upgrade(db: Path) -> bool:
    """Publish the current version again under the current schema files (new tables, columns and
    views; data untouched), when no load holds the lock. True when a new version was published.

    A version built by older code keeps its old views, which may refer to what the new queries lack
    (or lack what they read); readers upgrade it on opening instead of failing page after page."""
    try:
        with write_lock(db, timeout=UPGRADE_WAIT_SECONDS):
            current = current_version_file(db)
            if current is None:
                return False
            with duckdb.connect(str(current), read_only=True) as con:
                if _stamp_of(con) == schema_stamp():
                    return True  # another process upgraded it meanwhile
            with next_version(db):
                pass
            return True
    except (WarehouseBusy, OSError, duckdb.Error):
        return False  # a load is running (and will publish the new schema) or the folder is read-only


def query_names() -> list[str]:
    """Every read query in queries/ (schema/ excluded), by name."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def query_path(name: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise ValueError(f"查询名称无效：{name!r}")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise ValueError(f"未找到查询：{name}（queries/{name}.sql）")
    return path


@lru_cache(maxsize=512)
def _read_sql(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def _sql_of(path: Path) -> str:
    return _read_sql(str(path), path.stat().st_mtime_ns)


_parser_lock = threading.Lock()
_parser: duckdb.DuckDBPyConnection | None = None


@lru_cache(maxsize=512)
def _statement_parameters(sql: str) -> frozenset[str]:
    global _parser
    with _parser_lock:
        if _parser is None:
            _parser = duckdb.connect()
        statements = _parser.extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"一个查询文件只能有一条语句（发现 {len(statements)} 条）")
    return frozenset(statements[0].named_parameters)


def sql_parameters(sql: str) -> set[str]:
    """The named parameters ($name) DuckDB finds in one SQL statement."""
    return set(_statement_parameters(sql))


def query_parameters(name: str) -> set[str]:
    """The named parameters of queries/<name>.sql, as DuckDB parses them (for header tests)."""
    return sql_parameters(_sql_of(query_path(name)))


# ---------------------------------------------------------------------------------------------
# Read side: one read-only connection per version file, per process


@dataclass
class _Reader:
    db_path: Path
    version_file: Path
    con: duckdb.DuckDBPyConnection
    in_use: int = 0
    superseded_at: float | None = None
    opened_at: float = field(default_factory=time.monotonic)


_readers_lock = threading.Lock()
_upgrade_tried: set[Path] = set()
UPGRADE_WAIT_SECONDS = 2.0
_readers: dict[Path, _Reader] = {}


def connection(db_path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide read-only connection to the current version; run each query on its `.cursor()`.

    Opening a new version when the symlink moves; an empty warehouse is created when none exists.
    """
    return _acquire(resolve_db_path(db_path), hold=False).con


def _bound(con: duckdb.DuckDBPyConnection) -> None:
    """Bounds of a read connection: DuckDB's memory for this process's reads, and its threads. Set after
    opening, not as connect() options: another connection of the process to the same file (the loader
    reading the current version) would be refused for a different configuration."""
    con.execute("set memory_limit = $limit", {"limit": f"{int(settings.get('read_memory_limit_mb'))}MB"})
    con.execute("set threads = $threads", {"threads": max(1, int(settings.get("read_threads")))})


def _acquire(db: Path, *, hold: bool) -> _Reader:
    for _attempt in range(5):
        version = current_version_file(db)
        if version is None:
            ensure_warehouse(db)
            version = current_version_file(db)
            if version is None:
                raise WarehouseError(f"无法创建数据仓库：{db}")
        with _readers_lock:
            _sweep(db, version)
            reader = _readers.get(version)
            if reader is None:
                try:
                    con = duckdb.connect(str(version), read_only=True)
                    if _stamp_of(con) != schema_stamp() and version not in _upgrade_tried:
                        _upgrade_tried.add(version)
                        con.close()
                        if _upgrade(db):
                            continue
                        con = duckdb.connect(str(version), read_only=True)
                    _bound(con)
                except duckdb.IOException as exc:
                    if not version.exists():  # pruned between readlink and open: resolve again
                        continue
                    raise WarehouseError(f"无法打开数据仓库 {version.name}：{exc}") from exc
                reader = _readers[version] = _Reader(db, version, con)
            if hold:
                reader.in_use += 1
            return reader
    raise WarehouseError(f"数据仓库版本切换过于频繁，无法打开：{db}")


def _release(reader: _Reader) -> None:
    with _readers_lock:
        reader.in_use -= 1


def _sweep(db: Path, current: Path) -> None:
    """Mark this warehouse's other versions superseded; close those idle past the grace period."""
    now = time.monotonic()
    for version, reader in list(_readers.items()):
        if reader.db_path != db or version == current:
            continue
        if reader.superseded_at is None:
            reader.superseded_at = now
        elif reader.in_use == 0 and now - reader.superseded_at > SUPERSEDED_GRACE_SECONDS:
            reader.con.close()
            del _readers[version]


def close_connections(db_path: str | os.PathLike | None = None) -> None:
    """Close cached read connections (all, or one warehouse's): for tests and shutdown."""
    db = resolve_db_path(db_path) if db_path is not None else None
    with _readers_lock:
        for version, reader in list(_readers.items()):
            if db is None or reader.db_path == db:
                reader.con.close()
                del _readers[version]


# ---------------------------------------------------------------------------------------------
# Read scope: the units a signed-in account may read


class _AllUnits:
    def __repr__(self) -> str:
        return "ALL_UNITS"


ALL_UNITS = _AllUnits()
_read_scope: ContextVar = ContextVar("read_scope", default=ALL_UNITS)


def set_read_scope(units) -> None:
    """Every later read in this context sees only these units' reports (ALL_UNITS: every unit).

    The dashboard sets it from the signed-in account at the top of each run, before any read; the
    command line and the loader read everything."""
    _read_scope.set(units if units is ALL_UNITS else tuple(units))


def read_scope():
    """The current read scope: ALL_UNITS or a tuple of canonical unit names."""
    return _read_scope.get()


def run_query(name: str, params: dict | None = None, db_path: str | os.PathLike | None = None) -> pl.DataFrame:
    """Run queries/<name>.sql with bound parameters on a fresh cursor; a missing parameter is null."""
    return run_sql_file(query_path(name), params, db_path)


def run_sql_file(path: str | os.PathLike, params: dict | None = None,
                 db_path: str | os.PathLike | None = None) -> pl.DataFrame:
    """Run one SQL file (one statement, named parameters) read-only on the current version."""
    path = Path(path)
    sql = _sql_of(path)
    names = _statement_parameters(sql)
    given = dict(params or {})
    unknown = set(given) - names
    if unknown:
        raise ValueError(f"查询 {path.stem} 没有参数：{'、'.join(sorted(unknown))}")
    bound = {name: given.get(name) for name in names}
    reader = _acquire(resolve_db_path(db_path), hold=True)
    try:
        cursor = reader.con.cursor()
        try:
            scope = _read_scope.get()
            if scope is not ALL_UNITS:
                # The staging views (queries/schema/002_staging.sql) keep only these units' rows; a
                # variable of this cursor alone, bound as a parameter.
                cursor.execute("set variable scope_units = $units", {"units": list(scope)})
            return cursor.sql(sql, params=bound).pl() if bound else cursor.sql(sql).pl()
        finally:
            cursor.close()
    finally:
        _release(reader)


# ---------------------------------------------------------------------------------------------
# Write side: the load lock and building the next version


# The derived tables the derive step rewrites, each with its fixed refill statements (a table name is
# an identifier, which SQL cannot bind as a parameter, so each statement is written out in full).
_REPLACE_STATEMENTS = {
    "canonical_names": ("delete from canonical_names",
                        "insert into canonical_names by name select * from replacement_rows"),
    "indicator_groups": ("delete from indicator_groups",
                         "insert into indicator_groups by name select * from replacement_rows"),
    "reason_categories": ("delete from reason_categories",
                          "insert into reason_categories by name select * from replacement_rows"),
    "doubtful_values": ("delete from doubtful_values",
                        "insert into doubtful_values by name select * from replacement_rows"),
}


def replace_rows(con, table: str, frame: pl.DataFrame) -> int:
    """Replace every row of a derived table with the frame's, in one transaction: a failure keeps the
    old rows. Returns the rows written; a table outside the fixed list is refused."""
    if table not in _REPLACE_STATEMENTS:
        raise ValueError(f"不是可重建的派生表：{table!r}")
    clear, fill = _REPLACE_STATEMENTS[table]
    cur = con.cursor()
    cur.execute("begin transaction")
    try:
        cur.execute(clear)
        cur.register("replacement_rows", frame)
        cur.execute(fill)
        cur.unregister("replacement_rows")
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    return frame.height


@contextmanager
def write_lock(db_path: str | os.PathLike | None = None, *, timeout: float | None = None,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Exclusive flock on `<db>.lock`; the kernel drops it if the holder dies, so it never goes stale.

    Waits up to `timeout` seconds (setting load_lock_timeout_seconds), calling on_wait once with the
    waiting message; then raises WarehouseBusy.
    """
    db = resolve_db_path(db_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    if timeout is None:
        timeout = float(settings.get("load_lock_timeout_seconds"))
    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        warned = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            if not warned and on_wait is not None:
                on_wait(WAITING_MESSAGE)
            warned = True
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"另一个导入正在进行，已等待 {timeout:g} 秒仍未结束，本次操作未执行，请稍后重试")
            time.sleep(0.2)
        try:
            _clean_leftovers(db)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _clean_leftovers(db: Path) -> None:
    """Remove what a killed load left behind (we hold the lock, so no load is running)."""
    vdir = versions_dir(db)
    if vdir.is_dir():
        for name in os.listdir(vdir):
            if name.startswith(TEMP_PREFIX):
                _unlink(vdir / name)
    for name in os.listdir(db.parent):
        if name.startswith(f".{db.name}.link-"):
            _unlink(db.parent / name)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _migrate_plain_file(db: Path) -> None:
    """An older layout kept the warehouse as a regular file at db: move it in as version 1."""
    if db.is_symlink() or not db.is_file():
        return
    vdir = versions_dir(db)
    vdir.mkdir(exist_ok=True)
    numbers = _version_numbers(vdir)
    target = vdir / f"{max(numbers, default=0) + 1:06d}.duckdb"
    wal = db.with_name(db.name + ".wal")
    if wal.exists():  # fold the write-ahead log in before moving the file
        try:
            con = duckdb.connect(str(db))
            con.execute("checkpoint")
            con.close()
        except duckdb.Error as exc:
            raise WarehouseError(f"旧版数据仓库文件正被其他程序占用或已损坏，无法迁移：{exc}") from exc
    os.rename(db, target)
    _point_symlink(db, target)


def _point_symlink(db: Path, target: Path) -> None:
    """Atomically make db a symlink to target (relative, so the data folder can move)."""
    temp_link = db.with_name(f".{db.name}.link-{os.getpid()}-{secrets.token_hex(4)}")
    os.symlink(os.path.relpath(target, db.parent), temp_link)
    os.replace(temp_link, db)
    _fsync_path(db.parent)


def _prune(db: Path, current: Path) -> None:
    """Keep the current and the previous version; older ones go (open readers keep their inode)."""
    numbers = _version_numbers(versions_dir(db))
    current_match = VERSION_PATTERN.match(current.name)
    if not current_match:
        return
    current_number = int(current_match.group(1))
    older = sorted(n for n in numbers if n < current_number)
    keep = {current_number, *older[-1:]}
    for number, path in numbers.items():
        if number not in keep:
            _unlink(path)
            _unlink(path.with_name(path.name + ".wal"))


@contextmanager
def next_version(db_path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of the current version; published atomically on success.

    The caller holds write_lock. On any exception the copy is removed and the current version stays.
    Returns through the connection; the new version's name is then `warehouse_version(db_path)`.
    """
    db = resolve_db_path(db_path)
    _migrate_plain_file(db)
    vdir = versions_dir(db)
    vdir.mkdir(parents=True, exist_ok=True)
    current = current_version_file(db)
    temp = vdir / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.duckdb"
    temp_wal = temp.with_name(temp.name + ".wal")
    con = None
    try:
        if current is not None:
            shutil.copyfile(current, temp)
        con = duckdb.connect(str(temp))
        apply_schema(con)
        yield con
        con.execute("checkpoint")
        con.close()
        con = None
        _fsync_path(temp)
        numbers = _version_numbers(vdir)
        final = vdir / f"{max(numbers, default=0) + 1:06d}.duckdb"
        os.rename(temp, final)
        _unlink(temp_wal)
        _fsync_path(vdir)
        _point_symlink(db, final)
        _prune(db, final)
    finally:
        if con is not None:
            con.close()
        _unlink(temp)
        _unlink(temp_wal)


def ensure_warehouse(db_path: str | os.PathLike | None = None) -> None:
    """Create an empty warehouse (schema only) when none exists, so readers always find one."""
    db = resolve_db_path(db_path)
    if current_version_file(db) is not None:
        return
    with write_lock(db):
        if current_version_file(db) is None:
            with next_version(db):
                pass
