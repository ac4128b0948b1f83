"""After a rulebook edit, `python -m dashboard rederive` recomputes every report's own flags from the
warehouse (no reload), and recomputing without an edit changes nothing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from dashboard.warehouse import current_version_file

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def report_flags(db: Path) -> set[tuple[str, str]]:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        rows = con.sql("select e.source, f.code from flags f join evaluations e using (evaluation_id) "
                       "where f.scope = 'report'").fetchall()
    finally:
        con.close()
    return {(Path(source).name, code) for source, code in rows}


def rederive(db: Path, rulebook: Path | None = None) -> None:
    env = dict(os.environ)
    if rulebook is not None:
        env["PERF_RULEBOOK_PATH"] = str(rulebook)
    subprocess.run([sys.executable, "-m", "dashboard", "rederive", "--db", str(db)], check=True, env=env, cwd=ROOT,
                   capture_output=True)


def test_rederive_applies_an_edited_rulebook_to_every_report(build_warehouse, tmp_path):
    db = build_warehouse(tmp_path, sorted(SEEDS.glob("*.txt")))
    loaded = report_flags(db)
    rederive(db)
    assert report_flags(db) == loaded  # the stored facts give back exactly what extraction found

    rulebook = tmp_path / "rulebook.toml"
    text = (ROOT / "data" / "rulebook.toml").read_text(encoding="utf-8")
    assert "enabled = false" in text
    rulebook.write_text(text.replace("enabled = false", "enabled = true", 1), encoding="utf-8")
    rederive(db, rulebook)
    # 003 claims 88 at 59% execution: above the province cap of 69 once caps are on.
    assert report_flags(db) - loaded == {("003_51012be2458ae35e.txt", "EXECUTION_RULE_VIOLATION")}
