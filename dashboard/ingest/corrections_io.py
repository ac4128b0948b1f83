"""Corrections to and from a file, so they outlive a rebuild of the warehouse:
`python -m dashboard corrections export FILE` and `python -m dashboard corrections import FILE`.

A correction is keyed by the report's content hash (sha256 of the file), its record index and the
field; it carries the value, who made it, when and why (the file name, old value and order are there
for people reading the file and are not needed to import it). FILE is CSV (.csv, UTF-8 with BOM so
Excel opens it) or JSON lines (.jsonl, .ndjson, .json: one object per line). An import re-applies
each correction through the loader's checks (dashboard.ingest.load.apply_corrections), in the file's
order, in one new version; a correction already in the warehouse is not added again, so importing a
file twice adds nothing, and a refused line is listed with its reason while the others apply.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from dashboard.ingest.load import Correction, CorrectionImport, _read_current, apply_corrections
from dashboard.warehouse import WarehouseError, current_version_file, next_version, resolve_db_path, write_lock

COLUMNS = ("content_hash", "record_index", "field", "value", "who", "when", "reason", "old_value", "file_name", "seq")
REQUIRED = ("content_hash", "record_index", "field", "who")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class CorrectionsFileError(ValueError):
    """The file cannot be read or written as a corrections file (reason in Chinese, naming the file)."""


def _is_json(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return True
    if suffix == ".csv":
        return False
    raise CorrectionsFileError(f"{path}: 无法识别的文件类型，请使用 .csv 或 .jsonl")


def export_corrections(path: str | os.PathLike, db_path: str | os.PathLike | None = None) -> int:
    """Write every correction of the current version to path, in the order they were made; returns how many."""
    path = Path(path)
    as_json = _is_json(path)
    db = resolve_db_path(db_path)
    if not _has_sequence(db):  # a version made before corrections had seq: migrate it first
        with write_lock(db):
            if not _has_sequence(db):
                with next_version(db):
                    pass
    rows = _read_current(db, "corrections_export")  # version files are immutable: no lock needed
    names = ("seq", "content_hash", "record_index", "field", "value", "old_value", "who", "when", "reason",
             "file_name")
    records = [dict(zip(names, row)) for row in rows]
    for record in records:
        record["when"] = record["when"].isoformat() if record["when"] is not None else None
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if as_json:
            with open(temp, "w", encoding="utf-8", newline="\n") as fh:
                for record in records:
                    fh.write(json.dumps({k: record[k] for k in COLUMNS}, ensure_ascii=False) + "\n")
        else:
            with open(temp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS)
                writer.writeheader()
                for record in records:
                    writer.writerow({k: "" if record[k] is None else record[k] for k in COLUMNS})
        os.replace(temp, path)
    except OSError as exc:
        raise CorrectionsFileError(f"{path}: 无法写入（{exc.strerror or type(exc).__name__}）") from exc
    finally:
        if temp.exists():
            temp.unlink()
    return len(records)


def _has_sequence(db: Path) -> bool:
    """Whether the current version's corrections table has its seq column (or there is no warehouse)."""
    current = current_version_file(db)
    if current is None:
        return True
    con = duckdb.connect(str(current), read_only=True)
    try:
        columns = con.execute("select column_name from information_schema.columns "
                              "where table_name = 'corrections'").fetchall()
    finally:
        con.close()
    return not columns or ("seq",) in columns


def _when(text) -> datetime | None:
    if text is None or str(text).strip() == "":
        return None
    value = datetime.fromisoformat(str(text).strip())
    if value.tzinfo is not None:  # stored times are local wall-clock times
        value = value.astimezone().replace(tzinfo=None)
    return value


def read_corrections(path: str | os.PathLike) -> list[tuple[str, Correction | str]]:
    """(where, Correction) per line of the file, or (where, reason) for a line that cannot be read."""
    path = Path(path)
    as_json = _is_json(path)
    try:
        if as_json:
            with open(path, encoding="utf-8-sig") as fh:
                raw = []
                for number, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raw.append((f"第 {number} 行", f"不是有效的 JSON（{exc.msg}）"))
                        continue
                    raw.append((f"第 {number} 行", obj if isinstance(obj, dict) else "每行应为一个 JSON 对象"))
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
                if missing:
                    raise CorrectionsFileError(f"{path}: 缺少列 {'、'.join(missing)}")
                raw = [(f"第 {number} 行", row) for number, row in enumerate(reader, start=2)]
    except OSError as exc:
        raise CorrectionsFileError(f"{path}: 无法读取（{exc.strerror or type(exc).__name__}）") from exc
    except UnicodeDecodeError:
        raise CorrectionsFileError(f"{path}: 不是 UTF-8 编码的文本") from None
    out: list[tuple[str, Correction | str]] = []
    for where, row in raw:
        if isinstance(row, str):
            out.append((where, row))
            continue
        missing = [c for c in REQUIRED if row.get(c) is None or str(row.get(c)).strip() == ""]
        if missing:
            out.append((where, f"缺少 {'、'.join(missing)}"))
            continue
        try:
            record_index = int(str(row["record_index"]).strip())
        except ValueError:
            out.append((where, f"记录序号无效：{row['record_index']}"))
            continue
        try:
            when = _when(row.get("when"))
        except ValueError:
            out.append((where, f"更正时间无法识别：{row.get('when')}（应为 2024-05-01T09:30:00 这样的格式）"))
            continue
        value = row.get("value")
        reason = row.get("reason")
        out.append((where, Correction(str(row["content_hash"]).strip(), record_index, str(row["field"]).strip(),
                                      None if value is None else str(value), str(row["who"]),
                                      when, str(reason).strip() if reason not in (None, "") else None)))
    return out


def import_corrections(path: str | os.PathLike, db_path: str | os.PathLike | None = None) -> CorrectionImport:
    """Apply a corrections file through the loader's checks (see the module docstring)."""
    read = read_corrections(path)
    unreadable = [(where, reason) for where, reason in read if isinstance(reason, str)]
    result = apply_corrections(db_path, [(where, item) for where, item in read if isinstance(item, Correction)])
    result.refused = sorted(unreadable + result.refused, key=lambda item: _line_number(item[0]))
    return result


def _line_number(where: str) -> int:
    digits = "".join(ch for ch in where if ch.isdigit())
    return int(digits) if digits else 0


def run_corrections(args: argparse.Namespace) -> int:
    """The `corrections export|import FILE` command; messages in Chinese."""
    try:
        if args.action == "export":
            n = export_corrections(args.file, args.db)
            print(f"已导出 {n} 条更正记录到 {args.file}")
            return 0
        result = import_corrections(args.file, args.db)
    except (CorrectionsFileError, WarehouseError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"数据仓库读写失败，未导入更正：{type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
        return 1
    print(f"已应用 {result.applied} 条更正、已存在跳过 {result.already} 条、未应用 {len(result.refused)} 条"
          + (f"（数据仓库版本 {result.version}）" if result.version else ""))
    for where, reason in result.refused:
        print(f"{args.file} {where}：{reason}")
    for warning in result.warnings:
        print(f"注意：{warning}")
    return 1 if result.refused else 0
