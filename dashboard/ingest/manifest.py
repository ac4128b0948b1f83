"""manifest.csv beside the reports: file, department, year, region overrides for the files it lists.

For reports that never name their own unit (like reference report 004).
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from dashboard.ingest.record import EvaluationRecord

MANIFEST_NAME = "manifest.csv"


@lru_cache(maxsize=64)
def _read_manifest(manifest_path: Path, mtime_ns: int) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    with manifest_path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name = (row.get("file") or "").strip()
            if name:
                rows[name] = {k: (v or "").strip() for k, v in row.items() if k}
    return rows


def manifest_entry(path: Path) -> dict[str, str] | None:
    """The manifest row for a file, from manifest.csv in its folder, matched by file name."""
    manifest_path = path.resolve().parent / MANIFEST_NAME
    if not manifest_path.is_file():
        return None
    rows = _read_manifest(manifest_path, manifest_path.stat().st_mtime_ns)
    return rows.get(path.name) or rows.get(str(path))


def apply_manifest(path: Path, records: list[EvaluationRecord]) -> None:
    entry = manifest_entry(path)
    if not entry:
        return
    for record in records:
        if entry.get("department"):
            record.department = entry["department"]
        if entry.get("region"):
            record.region = entry["region"]
        if entry.get("year"):
            try:
                record.year = int(entry["year"])
            except ValueError:
                record.warnings.append(f"manifest.csv 中的年度无法识别：{entry['year']}")
