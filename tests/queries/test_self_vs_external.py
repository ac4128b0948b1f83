"""A project evaluated by its unit and by an accounting firm in the same year appears as one pair."""
from __future__ import annotations

from pathlib import Path

from dashboard.warehouse import run_query

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms"


def test_self_and_external_evaluations_of_one_project_are_paired(build_warehouse, tmp_path):
    externals = sorted(p for p in FORMS.iterdir() if "third" in p.name or "external" in p.name)
    assert externals, "the forms fixtures hold a third-party report"
    db = build_warehouse(tmp_path, sorted(p for p in FORMS.iterdir() if p.suffix in (".txt", ".docx", ".xlsx", ".pdf")))
    both = run_query("self_vs_external", {}, db_path=db)
    kinds = run_query("evaluations_list", {}, db_path=db)
    assert "external" in set(kinds["kind"].to_list())
    assert both.height >= 1
    row = both.row(0, named=True)
    assert row["self_minus_external"] == row["self_score"] - row["external_score"]
    assert row["firm"]
