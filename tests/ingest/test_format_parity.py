"""The same reference report as .txt, .docx and .pdf extracts to the same contract JSON.

The .docx and .pdf copies are made by tests/fixtures/make_fixtures.py with the project's writers:
real Word tables, and PDFs with a text layer and ruled tables.
"""
from __future__ import annotations

import copy
from pathlib import Path

import docx
import pdfplumber
import pytest

from dashboard.ingest.extract import extract_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def _contract(path: Path) -> list[dict]:
    objects = [record.to_contract() for record in extract_file(path)]
    for obj in objects:
        assert obj.pop("source") == str(path)
        for flag in obj["flags"]:
            # A PDF line break swallows the space it replaced ("预算数 921.47" wrapped after
            # "预算数"), so evidence quotes are compared without whitespace; all else exactly.
            flag["evidence"] = "".join((flag["evidence"] or "").split())
    return objects


@pytest.fixture(scope="module")
def text_contracts() -> dict[str, list[dict]]:
    return {seed.stem: _contract(seed) for seed in SEEDS}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_same_contract_as_the_text_report(seed: Path, fmt: str, text_contracts):
    path = FIXTURES / f"seeds_{fmt}" / f"{seed.stem}.{fmt}"
    expected = copy.deepcopy(text_contracts[seed.stem])
    got = _contract(path)
    assert len(got) == len(expected)
    for got_obj, want_obj in zip(got, expected):
        # Key by key first, so a failure names the field that differs.
        for key in want_obj:
            assert got_obj[key] == want_obj[key], f"{path.name}: {key}"
        assert got_obj == want_obj


def test_the_text_contract_is_not_empty(text_contracts):
    """Parity of empty results would prove nothing: the seeds do yield indicators and amounts."""
    assert all(c[0]["budget_wan"] is not None for c in text_contracts.values())
    assert sum(len(c[0]["indicators"]) for c in text_contracts.values()) >= 40


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_fixture_tables_are_real_tables(seed: Path):
    """Word tables in the .docx and ruled tables in the .pdf wherever the text has a table."""
    from dashboard.ingest.readers import read_document

    text_tables = len(read_document(seed).tables)
    word_tables = len(docx.Document(str(FIXTURES / "seeds_docx" / f"{seed.stem}.docx")).tables)
    with pdfplumber.open(FIXTURES / "seeds_pdf" / f"{seed.stem}.pdf") as pdf:
        pdf_tables = sum(len(page.find_tables()) for page in pdf.pages)
    assert word_tables == text_tables
    assert (pdf_tables >= text_tables) and (pdf_tables > 0) == (text_tables > 0)


def test_committed_fixtures_are_what_the_script_makes_now(tmp_path: Path):
    """Fixtures drift when a seed, the text reader or a writer changes: regenerate and commit them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = script.make_seed_copies(tmp_path / "docx", tmp_path / "pdf")
    stale = [
        p.name for p in written
        if not (FIXTURES / f"seeds_{p.parent.name}" / p.name).exists()
        or p.read_bytes() != (FIXTURES / f"seeds_{p.parent.name}" / p.name).read_bytes()
    ]
    assert not stale, f"run `.venv/bin/python tests/fixtures/make_fixtures.py` and commit: {stale}"
