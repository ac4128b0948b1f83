"""The extraction contract on the five reference reports, field by field against expected.json."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["reports"]
NUMERIC = ("budget_wan", "spent_wan", "stated_execution_rate", "execution_rate", "self_score")


def extract_json(path: Path) -> dict:
    """Run the real command line, as an outside tool would."""
    out = subprocess.run([sys.executable, "-m", "dashboard", "extract", str(path), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict]:
    return {name: extract_json(SEEDS / name) for name in EXPECTED}


def check_against_expected(got: dict, want: dict) -> list[str]:
    """Every difference between an extraction and the expected values, in words."""
    errors = []
    if got["project_name"] != want["project_name"]:
        errors.append(f"project_name {got['project_name']!r} != {want['project_name']!r}")
    if want.get("department_contains") and want["department_contains"] not in (got["department"] or ""):
        errors.append(f"department {got['department']!r} lacks {want['department_contains']!r}")
    if "region" in want and got["region"] != want["region"]:
        errors.append(f"region {got['region']!r} != {want['region']!r}")
    for key in ("year", "grade"):
        if got[key] != want[key]:
            errors.append(f"{key} {got[key]!r} != {want[key]!r}")
    for key in NUMERIC:
        g, w = got[key], want[key]
        if (g is None) != (w is None) or (w is not None and abs(g - w) > 0.005):
            errors.append(f"{key} {g!r} != {w!r}")
    if [float(s) for s in got["evaluator_scores"]] != [float(s) for s in want["evaluator_scores"]]:
        errors.append(f"evaluator_scores {got['evaluator_scores']} != {want['evaluator_scores']}")
    got_rows = [[i["level1"], i["level2"], i["level3"], i["weight"], i["score"], i["reason"]] for i in got["indicators"]]
    if len(got_rows) != len(want["indicators"]):
        errors.append(f"{len(got_rows)} indicator rows, expected {len(want['indicators'])}")
    for n, (g, w) in enumerate(zip(got_rows, want["indicators"])):
        if g[:3] != w[:3] or g[5] != w[5] or abs(g[3] - w[3]) > 0.005 or abs(g[4] - w[4]) > 0.005:
            errors.append(f"indicator row {n}: {g} != {w}")
    for problem in want["problems_contain"]:
        if not any(problem in p for p in got["problems"]):
            errors.append(f"no problem contains {problem!r}: {got['problems']}")
    return errors


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_report_matches_expected(extracted, name):
    assert check_against_expected(extracted[name], EXPECTED[name]) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_deduction_is_weight_minus_score(extracted, name):
    for row in extracted[name]["indicators"]:
        assert row["deduction"] == pytest.approx(row["weight"] - row["score"], abs=0.005)


def test_extract_prints_the_contract_keys(extracted):
    keys = {"source", "project_name", "department", "supervising_department", "region", "kind", "year",
            "budget_wan", "initial_budget_wan", "received_wan", "spent_wan", "stated_execution_rate",
            "execution_rate", "self_score", "grade", "execution_weight", "execution_score", "indicators",
            "evaluator_scores", "problems", "flags", "warnings"}
    for obj in extracted.values():
        assert keys <= set(obj)
        assert obj["kind"] == "project_self"
