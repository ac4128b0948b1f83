"""Layout twins of real published reports (tests/fixtures/real_layouts): accuracy against records
written by hand, the same record from .txt, .docx and .pdf, and every twin's source documented.

The floors below are the issue's targets (98% of fields, 95% of names, no refusal), met on the .txt
twins when they were set (98.2% / 98.8% / 0 on 62 twins); README: "Extraction on layout twins".
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.corpus.layout_accuracy import SCALARS, evaluate_folder, extract_contracts, same_field, totals, twins
from dashboard.corpus.writers import write_docx, write_pdf
from dashboard.ingest.readers import read_document

TWINS = Path(__file__).resolve().parents[1] / "fixtures" / "real_layouts"
FIELDS_FLOOR = 0.98
NAMES_FLOOR = 0.95
REFUSED_CEILING = 0


def _all() -> list[tuple[Path, dict]]:
    return twins(TWINS)


def test_there_are_many_twins_from_many_provinces():
    found = _all()
    provinces = {expected["meta"]["province"] for _, expected in found}
    assert len(found) >= 50 and len(provinces) >= 10


@pytest.mark.parametrize("path, expected", _all(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_each_twin_is_documented(path, expected):
    sources = (TWINS / "SOURCES.md").read_text(encoding="utf-8")
    assert f"| {path.name} |" in sources, f"{path.name} is not listed in SOURCES.md"
    assert expected["meta"].get("url") and expected["meta"].get("family")
    for record in expected["records"]:
        assert set(SCALARS) <= set(record), f"{path.name}: expected record lacks {set(SCALARS) - set(record)}"


def test_accuracy_on_the_twins_holds_its_floor():
    results = evaluate_folder(TWINS)
    measured = totals(results)
    print(json.dumps(measured))
    assert measured["fields"] >= FIELDS_FLOOR
    assert measured["names"] >= NAMES_FLOOR
    assert measured["refused"] <= REFUSED_CEILING


@pytest.mark.parametrize("path, expected", [t for t in _all() if t[1]["records"]],
                         ids=lambda v: v.name if isinstance(v, Path) else "")
def test_docx_and_pdf_of_a_twin_extract_as_its_text(path, expected, tmp_path):
    base = extract_contracts(path)
    doc = read_document(path)
    for suffix, writer in ((".docx", write_docx), (".pdf", write_pdf)):
        out = writer(doc, tmp_path / (path.stem + suffix))
        got = extract_contracts(Path(out))
        assert (got is None) == (base is None), f"{suffix}: refused in one format only"
        if base is None:
            continue
        assert len(got) == len(base), f"{suffix}: {len(got)} records != {len(base)}"
        for b, g in zip(base, got):
            for key in SCALARS:
                assert same_field(key, g[key], b[key]), f"{suffix}: {key} {g[key]!r} != {b[key]!r}"
