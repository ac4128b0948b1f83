"""Every setting in one declared table (name, default, help), each overridable by environment.

The environment variable is `PERF_` + the upper-cased name, e.g. PERF_WAREHOUSE_PATH.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("warehouse_path", str(ROOT / "data" / "warehouse.duckdb"), "The DuckDB warehouse file."),
    Setting("rulebook_path", str(ROOT / "data" / "rulebook.toml"), "Scoring rules: grade bands, weights, caps."),
    Setting("vocabulary_path", str(ROOT / "data" / "vocabulary.toml"),
            "The reader's vocabulary: page chrome to drop and narrative phrases for amounts, rates, scores."),
    Setting("metrics_path", str(ROOT / "data" / "metrics.toml"),
            "The metric dictionary: each headline figure's population, definition, label and help."),
    Setting("sanity_path", str(ROOT / "data" / "sanity.toml"),
            "Sanity rules: values marked 待核实 and left out of totals until corrected or confirmed."),
    Setting("aliases_path", str(ROOT / "data" / "aliases.csv"), "Department and project name aliases."),
    Setting("indicator_taxonomy_path", str(ROOT / "data" / "indicator_taxonomy.toml"),
            "How indicator headings (一级/二级/三级指标) are filed into groups for points lost."),
    Setting("upload_dir", str(ROOT / "data" / "uploads"), "Where files uploaded on the 数据管理 page are stored."),
    Setting("max_file_mb", 60, "Largest report file accepted, in MB."),
    Setting("max_text_mb", 10, "Largest plain-text report accepted, in MB (a report is rarely over 1 MB)."),
    Setting("max_unzipped_mb", 200, "Largest uncompressed size of an Office file (zip bomb guard), in MB."),
    Setting("max_pdf_pages", 200, "Most PDF pages read from one file."),
    Setting("max_seconds_per_file", 60, "Longest time spent reading one file."),
    Setting("worker_memory_mb", 768,
            "Address-space ceiling of one extraction worker, in MB (a file that needs more fails, the batch goes on)."),
    Setting("worker_cpu_seconds", 120,
            "CPU-time ceiling of one extraction worker per file, in seconds (backstop to max_seconds_per_file)."),
    Setting("load_lock_timeout_seconds", 900, "How long a load or correction waits for another load to finish."),
    Setting("load_workers", os.cpu_count() or 1,
            "Worker processes that extract report files during a load (default: every core)."),
    Setting("max_upload_mb", 50, "Largest file accepted by the upload form, in MB."),
    Setting("load_publish_every", 200,
            "A long load publishes a warehouse version every this many files: a killed load loses at most these."),
    Setting("keep_uploads", False, "Keep uploaded files in upload_dir after their load job (default: delete them)."),
    Setting("cache_ttl_seconds", 600, "How long a collected frame stays cached in the dashboard."),
    Setting("cache_max_mb", 256, "Most memory the dashboard's cache of page data holds, in MB (least recently used go)."),
    Setting("read_memory_limit_mb", 1024,
            "DuckDB memory of the dashboard's read connections, in MB (larger sorts spill to disk)."),
    Setting("read_threads", os.cpu_count() or 1, "DuckDB threads of each read connection (default: every core)."),
    Setting("security_db_path", str(ROOT / "data" / "security.sqlite"),
            "Accounts and the audit trail (SQLite, outside the warehouse versions: a rebuild never loses them)."),
    Setting("session_minutes", 480, "A signed-in session ends after this many minutes."),
    Setting("sign_in_max_failures", 5,
            "Failed sign-ins of one account within the window before it is locked (an address: four times this)."),
    Setting("sign_in_window_minutes", 15, "The window of sign_in_max_failures, and how long a lock lasts, in minutes."),
    Setting("server_address", "127.0.0.1",
            "The address `make run` binds (127.0.0.1: this machine only; 0.0.0.0: every interface)."),
    Setting("demo_seed", 20241, "Seed of the generated demo corpus."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """The setting's value: the environment override when present, cast to the default's type."""
    setting = _BY_NAME[name]
    raw = os.environ.get("PERF_" + name.upper())
    if raw is None:
        return setting.default
    if isinstance(setting.default, bool):
        return raw.lower() in ("1", "true", "yes")
    if isinstance(setting.default, int):
        return int(raw)
    if isinstance(setting.default, float):
        return float(raw)
    return raw
