"""The same report as .txt, .docx and .pdf (tests/fixtures/seeds and its twins) is loaded once: the other
files are kept as duplicates naming the first, and every total counts its money once."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from dashboard.ingest.load import ingest_paths
from dashboard.ingest.record import EvaluationRecord, fingerprint_of
from dashboard.warehouse import current_version_file, run_query, warehouse_version

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
STEM = "001_14069cec515ef4d6"


def _twins(stem: str) -> list[Path]:
    return [FIXTURES / "seeds" / f"{stem}.txt", FIXTURES / "seeds_docx" / f"{stem}.docx",
            FIXTURES / "seeds_pdf" / f"{stem}.pdf"]


def _rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(current_version_file(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _ingest(paths, db: Path):
    return ingest_paths([str(p) for p in paths], db_path=db, progress=False, echo=False)


def test_one_report_in_three_formats_in_one_batch_loads_once(tmp_path):
    db = tmp_path / "wh.duckdb"
    summary = _ingest(_twins(STEM), db)
    assert summary.ok, summary.lines()
    assert (summary.loaded, summary.records, len(summary.duplicates)) == (1, 1, 2)
    [(first_name,)] = _rows(db, "select file_name from reports where status = 'loaded'")
    duplicates = _rows(db, "select file_name, error, n_records from reports where status = 'duplicate' order by 1")
    assert len(duplicates) == 2 and first_name not in {d[0] for d in duplicates}
    assert all(first_name in error and "未重复计入" in error and n == 0 for _, error, n in duplicates)
    assert {Path(name).name for name, _ in summary.duplicates} == {d[0] for d in duplicates}
    assert {first for _, first in summary.duplicates} == {first_name}
    lines = summary.lines()
    assert lines[0].startswith("导入 1、已存在跳过 0、失败 0、同一报告的其他格式 2")
    assert any(first_name in line and "同一报告" in line for line in lines[1:])
    # The speed line closes the summary: files per second overall and by format.
    assert lines[-1] == summary.speed and lines[-1].startswith("读取 3 个文件，用时 ")
    assert all(f"{fmt} 1 份 " in summary.speed for fmt in ("txt", "docx", "pdf")), summary.speed
    # Totals count the money once: the headline figures equal the single report's.
    assert _rows(db, "select count(*), sum(budget_wan), sum(spent_wan) from evaluation_facts") == [(1, 50.0, 47.76)]
    headline = run_query("headline_figures", {}, db).row(0, named=True)
    assert (headline["n_evaluations"], headline["budget_wan"], headline["spent_wan"]) == (1, 50.0, 47.76)


def test_twins_of_loaded_reports_are_recognised_in_a_later_batch_and_skipped_after(tmp_path):
    db = tmp_path / "wh.duckdb"
    assert _ingest(SEEDS, db).loaded == 5
    totals = _rows(db, "select count(*), sum(budget_wan), sum(spent_wan) from evaluation_facts")
    docx = _ingest([FIXTURES / "seeds_docx"], db)
    assert (docx.loaded, len(docx.duplicates), docx.failed) == (0, 5, [])
    assert {first for _, first in docx.duplicates} == {s.name for s in SEEDS}
    assert _rows(db, "select count(*), sum(budget_wan), sum(spent_wan) from evaluation_facts") == totals
    assert _rows(db, "select status, count(*) from reports group by 1 order by 1") == [("duplicate", 5), ("loaded", 5)]
    version = warehouse_version(db)
    again = _ingest([FIXTURES / "seeds_docx"], db)  # known duplicates: skipped, no new version
    assert (again.loaded, again.skipped, again.duplicates) == (0, 5, [])
    assert warehouse_version(db) == version
    pdf = _ingest([FIXTURES / "seeds_pdf"], db)
    assert (pdf.loaded, len(pdf.duplicates)) == (0, 5)
    assert _rows(db, "select count(*), sum(budget_wan), sum(spent_wan) from evaluation_facts") == totals


def test_a_different_report_of_the_same_project_is_loaded(tmp_path):
    db = tmp_path / "wh.duckdb"
    assert _ingest([SEEDS[1]], db).loaded == 1
    text = SEEDS[1].read_text(encoding="utf-8")
    assert "47.76" in text
    changed = tmp_path / "next_year.txt"  # the same project, other figures: another report
    changed.write_text(text.replace("47.76", "46.50"), encoding="utf-8")
    summary = _ingest([changed], db)
    assert (summary.loaded, summary.duplicates) == (1, [])
    assert _rows(db, "select count(*) from evaluation_facts") == [(2,)]


def test_fingerprints_are_stored_and_filled_in_for_older_warehouses(tmp_path):
    db = tmp_path / "wh.duckdb"
    assert _ingest(SEEDS, db).loaded == 5
    assert _rows(db, "select count(*) from evaluations where fingerprint is null") == [(0,)]
    # A version made before fingerprints were kept: its reports are still recognised, and filled in.
    old = tmp_path / "old.duckdb"
    shutil.copyfile(current_version_file(db), old)
    con = duckdb.connect(str(old))
    con.execute("alter table evaluations drop column fingerprint")
    con.close()
    summary = _ingest([FIXTURES / "seeds_pdf" / f"{STEM}.pdf", FIXTURES / "seeds_docx" / f"{STEM}.docx"], old)
    assert (summary.loaded, len(summary.duplicates)) == (0, 2)
    assert _rows(old, "select count(*) from evaluations where fingerprint is null") == [(0,)]
    assert _rows(old, "select count(*) from evaluation_facts") == [(5,)]


def test_the_fingerprint_ignores_layout_noise_and_needs_enough_to_tell_reports_apart():
    a = fingerprint_of("project_self", "富民县 财政局", "“e办通” 采购经费", 2025, 32.0, None, None, 30.0, 94.0)
    b = fingerprint_of("project_self", "富民县财政局", "\"e办通\"采购经费", 2025, 32.004, None, None, 30.0, 94.0)
    assert a is not None and a == b
    assert a != fingerprint_of("external", "富民县财政局", "e办通采购经费", 2025, 32.0, None, None, 30.0, 94.0)
    assert a != fingerprint_of("project_self", "富民县财政局", "e办通采购经费", 2024, 32.0, None, None, 30.0, 94.0)
    assert a != fingerprint_of("project_self", "富民县财政局", "e办通采购经费", 2025, 32.0, None, None, 30.0, 95.0)
    # Too bare: no name, no year, or no figure at all.
    assert fingerprint_of("project_self", "富民县财政局", None, 2025, 32.0, None, None, 30.0, 94.0) is None
    assert fingerprint_of("project_self", "富民县财政局", "e办通采购经费", None, 32.0, None, None, 30.0, 94.0) is None
    assert fingerprint_of("project_self", "富民县财政局", "e办通采购经费", 2025, None, None, None, None, None) is None
    record = EvaluationRecord(source="x", project_name="e办通采购经费", department="富民县财政局", year=2025,
                              budget_wan=32.0, spent_wan=30.0, self_score=94.0)
    assert record.fingerprint() == a
