"""The demo corpus: deterministic files, truth for every file, planted flags where the truth says."""
from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from dashboard.corpus.gen_model import build_specs
from dashboard.corpus.generate import run_demo
from dashboard.corpus.truth import REPORT_FLAGS, read_truth
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS

SMALL = {"units": 2, "years": 2}


def _demo(out: Path, seed: int) -> int:
    args = argparse.Namespace(seed=seed, out=str(out), warehouse=False, db=None, **SMALL)
    return run_demo(args)


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "demo"
    assert _demo(out, 7) == 0
    return out


def test_same_seed_gives_identical_files(small_corpus, tmp_path):
    again = tmp_path / "again"
    assert _demo(again, 7) == 0
    first, second = _hashes(small_corpus), _hashes(again)
    assert len(first) > 10
    assert first == second


def test_different_seed_gives_a_different_corpus(small_corpus, tmp_path):
    other = tmp_path / "other"
    assert _demo(other, 8) == 0
    assert _hashes(small_corpus)["truth.jsonl"] != _hashes(other)["truth.jsonl"]
    common = set(_hashes(small_corpus)) & set(_hashes(other))
    assert sum(_hashes(small_corpus)[k] == _hashes(other)[k] for k in common) < len(common) / 2


def test_truth_covers_every_file_and_record(small_corpus):
    truth = read_truth(small_corpus)
    files = {p.relative_to(small_corpus).as_posix() for p in small_corpus.rglob("*")
             if p.suffix in SUPPORTED_EXTENSIONS}
    assert files == {t["file"] for t in truth}
    per_file = Counter(t["file"] for t in truth)
    for t in truth:
        assert t["records_in_file"] == per_file[t["file"]]
        assert 0 <= t["index"] < per_file[t["file"]]
        assert t["truth"]["year"] in (2018, 2019)
    assert {t["format"] for t in truth} >= {"txt", "docx", "pdf"}


def test_existing_non_corpus_folder_is_refused(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("不要删除", encoding="utf-8")
    assert _demo(tmp_path, 7) == 1
    assert (tmp_path / "keep.txt").exists()
    assert "非空" in capsys.readouterr().err


@pytest.fixture(scope="module")
def default_specs():
    return build_specs(20241, None, None)


def test_default_corpus_is_county_sized_with_every_kind_and_layout(default_specs):
    assert 1300 <= len(default_specs) <= 1800
    assert len({s.unit.short for s in default_specs}) >= 40
    assert {s.year for s in default_specs} == set(range(2018, 2025))
    assert {s.kind for s in default_specs} == {"project_self", "department_self", "external"}
    assert {s.layout for s in default_specs} >= {"narrative_only", "narrative_table", "basic_info", "short", "form"}
    assert {s.framework for s in default_specs if s.layout == "form"} == {"F1", "F2", "F3", "F4"}
    # Recurring projects give a history: some unit-project pairs appear in every year.
    years_per_project = Counter((s.unit.short, s.project_name) for s in default_specs if s.kind == "project_self")
    assert sum(1 for n in years_per_project.values() if n >= 6) >= 60


def test_figures_are_realistic(default_specs):
    budgets = sorted(s.budget for s in default_specs if s.kind == "project_self")
    assert budgets[0] < 10 and budgets[-1] > 1000  # a few 万元 to tens of millions
    rates = [s.execution_rate for s in default_specs]
    high = sum(1 for r in rates if r >= 80) / len(rates)
    low = sum(1 for r in rates if r < 70) / len(rates)
    assert high > 0.8 and 0.02 < low < 0.15
    externals = [s for s in default_specs if s.kind == "external"]
    assert len(externals) >= 20
    selfs = {(s.unit.short, s.year, s.project_name): s for s in default_specs if s.kind == "project_self"}
    for ext in externals:
        own = selfs[(ext.unit.short, ext.year, ext.project_name)]
        assert ext.self_score < own.self_score  # the independent score is lower


def test_every_report_flag_is_planted_and_clean_reports_are_clean(default_specs):
    seen = Counter()
    for spec in default_specs:
        flags = spec.report_flags()
        seen.update(flags)
        for code in spec.planted:
            if code in REPORT_FLAGS:
                assert code in flags, (spec.key, code, flags)
        if not spec.planted and spec.habit is None:
            # A clean report breaks no rule; only a high score without a table is flagged.
            assert set(flags) <= {"NO_SCORE_TABLE"}, (spec.key, flags)
            if flags:
                assert not spec.rows and spec.self_score >= 90
    for code in REPORT_FLAGS:
        assert seen[code] >= 10, (code, seen[code])
    assert sum("PEER_OUTLIER" in s.planted for s in default_specs) >= 20
    assert sum(s.copy_group is not None for s in default_specs) >= 20


def test_unit_habits(default_specs):
    always = [s for s in default_specs if s.habit == "always100"]
    assert always and all(s.self_score == 100 for s in always)
    inflators = [s for s in default_specs if s.habit == "inflator"]
    violations = sum("EXECUTION_RULE_VIOLATION" in s.report_flags() for s in inflators) / len(inflators)
    others = [s for s in default_specs if s.habit is None]
    baseline = sum("EXECUTION_RULE_VIOLATION" in s.report_flags() for s in others) / len(others)
    assert violations > 3 * baseline
