"""The five answers a county leader reads off the dashboard, checked against the demo corpus's ground truth.

On the default demo warehouse (built by the real loader) and the default filters, each answer is
computed twice: once from truth.jsonl in plain Python written here, sharing nothing with
dashboard/metrics, dashboard/ui or queries/ (only the data files data/*.toml are read), and once by
the page accessors the pages call (dashboard.ui.data.PAGE_ACCESSORS, uncached).
"""
from __future__ import annotations

import json
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard import settings
from dashboard.corpus.generate import write_corpus
from dashboard.ingest.load import ingest_paths
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS
from dashboard.ui import data
from dashboard.ui.filters import Filters

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = tomllib.loads((ROOT / "data" / "rulebook.toml").read_text(encoding="utf-8"))
# The demo corpus's county (dashboard/corpus/gen_units.py). The warehouse documents its unit label as
# the unit with its county in front (dashboard/metrics/canonical.py: 富民县财政局, whether a report
# writes 县财政局 or 富民县财政局), so a truth name becomes a warehouse name by that fixed rule.
DEMO_COUNTY = "富民县"
RATE_POINTS = 0.01  # percent points
RATIO = 0.0001
EXCELLENT = "优"
ACCESSORS = {accessor.name: accessor for accessor in data.PAGE_ACCESSORS}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The default demo corpus (default seed, every unit and year), its truth and its warehouse."""
    root = tmp_path_factory.mktemp("leadership_truth")
    corpus = root / "corpus"
    write_corpus(corpus, int(settings.get("demo_seed")), None, None)
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS]
    db = root / "warehouse.duckdb"
    summary = ingest_paths([str(p) for p in files], db_path=db, progress=False, echo=False)
    assert summary.ok, "\n".join(summary.lines())
    with (corpus / "truth.jsonl").open(encoding="utf-8") as fh:
        truth = [json.loads(line) for line in fh if line.strip()]
    # The truth side counts project self-evaluations only because that is what the default filter selects.
    assert Filters().kinds == ("project_self",)
    projects = [entry for entry in truth if entry["truth"]["kind"] == "project_self"]
    assert len(projects) > 1000
    return {"db": db, "projects": projects}


# ---------------------------------------------------------------------------------------------
# The truth side: plain Python over truth.jsonl


def by_year(entries: list[dict]) -> dict[int | None, list[dict]]:
    groups: dict[int | None, list[dict]] = defaultdict(list)
    for entry in entries:
        groups[entry["truth"]["year"]].append(entry)
    return dict(groups)


def weighted_execution(entries: list[dict]) -> float | None:
    """Σspent / Σbudget × 100 over the reports stating both amounts with a budget above zero."""
    budget = spent = 0.0
    counted = 0
    for entry in entries:
        t = entry["truth"]
        if t["budget_wan"] is not None and t["spent_wan"] is not None and t["budget_wan"] > 0:
            budget += t["budget_wan"]
            spent += t["spent_wan"]
            counted += 1
    return spent / budget * 100 if counted else None


def unit_label(department: str) -> str:
    """The warehouse's name of a demo unit: 县财政局 → 富民县财政局, 罗免镇人民政府 → 富民县罗免镇人民政府."""
    name = "".join(department.split())
    if name.startswith(DEMO_COUNTY):
        return name
    return DEMO_COUNTY + (name[1:] if name.startswith("县") else name)


GRADE_BANDS = sorted(((grade, float(lower)) for grade, lower in RULEBOOK["grades"].items()), key=lambda gl: -gl[1])
GRADE_ORDER = [grade for grade, _ in GRADE_BANDS]  # best first


def band_of(score: float) -> str:
    """The grade whose band a score falls in (rulebook [grades]: the first lower bound it reaches)."""
    for grade, lower in GRADE_BANDS:
        if score >= lower:
            return grade
    return GRADE_BANDS[-1][0]


def points_lost(row: dict) -> float | None:
    """What an indicator row lost: weight − score when both are stated, else the written deduction (never below 0)."""
    if row["weight"] is not None and row["score"] is not None:
        return max(row["weight"] - row["score"], 0.0)
    if row["deduction"] is not None:
        return max(row["deduction"], 0.0)
    return None


SEVERITY = RULEBOOK["severity"]
EXECUTION = RULEBOOK["execution"]
CAPS = RULEBOOK["caps"]
TOL = float(EXECUTION["tolerance"])


def gap(a: float, b: float) -> float:
    """a − b for figures written to a few decimals: 96.14 − 95.14 is 1, a threshold, not 1.0000000000000142."""
    return round(a - b, 6)


def high_codes(entry: dict) -> set[str]:
    """The report's true flags (truth report_flags and corpus_flags) whose severity is high.

    Restated from the rulebook's [severity] and the flag definitions: a flag is high only where the
    report's own numbers support a lower score than it claims, by more than the rulebook's points.
    """
    t = entry["truth"]
    claimed = t["self_score"]
    high: set[str] = set()
    codes = set(entry["report_flags"])

    if "SCORE_SUM_MISMATCH" in codes and t["indicators"] and claimed is not None \
            and all(r["score"] is not None for r in t["indicators"]):
        # The claimed total against the rows' sum (or the rows plus a separate execution score, when the
        # report gives one), whichever is nearer; only a claim above it by more than the points is high.
        rows_total = sum(r["score"] for r in t["indicators"])
        totals = [rows_total] + ([rows_total + t["execution_score"]] if t["execution_score"] is not None else [])
        if all(abs(gap(total, claimed)) > TOL for total in totals):
            nearest = min(totals, key=lambda total: abs(total - claimed))
            if gap(claimed, nearest) > SEVERITY["sum_high_points"]:
                high.add("SCORE_SUM_MISMATCH")

    if "GRADE_BAND_MISMATCH" in codes and t["grade"] in GRADE_ORDER and claimed is not None:
        if GRADE_ORDER.index(t["grade"]) < GRADE_ORDER.index(band_of(claimed)):
            high.add("GRADE_BAND_MISMATCH")  # graded better than the score earns

    rate = t["execution_rate"]
    if rate is None and t["budget_wan"] and t["spent_wan"] is not None and t["budget_wan"] > 0:
        rate = t["spent_wan"] / t["budget_wan"] * 100
    if "EXECUTION_RULE_VIOLATION" in codes and rate is not None:
        shortfall = 1 - min(rate, 100) / 100
        excess = [0.0]
        if rate < EXECUTION["full_marks_rate"]:
            # full marks on an execution-rate row, or on the form's own execution score, below the full-marks rate
            for r in t["indicators"]:
                name = r["level3"] or r["level2"] or ""
                if "执行率" in name and r["weight"] and r["score"] is not None and abs(gap(r["score"], r["weight"])) <= TOL:
                    excess.append(r["weight"] * shortfall)
            if t["execution_weight"] and t["execution_score"] is not None \
                    and gap(t["execution_weight"], t["execution_score"]) <= TOL:
                excess.append(t["execution_weight"] * shortfall)
        full_but_unspent = False
        if claimed is not None:
            weight = t["execution_weight"] or EXECUTION["default_weight"]
            allowed = 100 - weight * shortfall  # the execution points are weight × rate
            if gap(claimed, allowed) > TOL:
                excess.append(gap(claimed, allowed))
            full_but_unspent = claimed == 100 and rate < 100
            if CAPS["enabled"]:
                caps = [band["max_score"] for band in CAPS["bands"] if rate < band["below_rate"]]
                if caps and gap(claimed, min(caps)) > TOL:
                    excess.append(gap(claimed, min(caps)))
        if full_but_unspent or round(max(excess), 6) > SEVERITY["execution_high_points"]:
            high.add("EXECUTION_RULE_VIOLATION")

    if "RATE_MISMATCH" in codes and t["stated_execution_rate"] is not None and t["budget_wan"] \
            and t["spent_wan"] is not None:
        if gap(t["stated_execution_rate"], t["spent_wan"] / t["budget_wan"] * 100) >= SEVERITY["rate_high_points"]:
            high.add("RATE_MISMATCH")

    if "EVALUATOR_AVERAGE_MISMATCH" in codes and t["evaluator_scores"] and claimed is not None:
        # The demo's reports state the evaluators' average as their self-score (truth.jsonl has no other).
        mean = sum(t["evaluator_scores"]) / len(t["evaluator_scores"])
        if gap(claimed, mean) > SEVERITY["evaluator_high_points"]:
            high.add("EVALUATOR_AVERAGE_MISMATCH")

    # Corpus flags take their one severity from the rulebook; the other report flags are never high.
    for code, section in (("PEER_OUTLIER", "peer_outlier"), ("BOILERPLATE", "boilerplate")):
        if code in entry["corpus_flags"] and RULEBOOK[section]["severity"] == "high":
            high.add(code)
    return high


# ---------------------------------------------------------------------------------------------
# Comparison helpers


def trend(demo) -> dict[int | None, dict]:
    frame = ACCESSORS["trend_by_year"](Filters(), demo["db"])
    assert frame["year"].is_duplicated().sum() == 0
    return {row["year"]: row for row in frame.iter_rows(named=True)}


def _off(truth: float | None, shown: float | None, tolerance: float) -> bool:
    if truth is None or shown is None:
        return truth is not shown
    return abs(truth - shown) > tolerance + 1e-9


# ---------------------------------------------------------------------------------------------
# The five answers


def test_county_execution_per_year(demo):
    truth = {year: weighted_execution(entries) for year, entries in by_year(demo["projects"]).items()}
    shown = {year: row["execution_rate_weighted"] for year, row in trend(demo).items()}
    assert sorted(shown, key=str) == sorted(truth, key=str)
    assert len(truth) == 7
    off = {year: (truth[year], shown[year]) for year in truth if _off(truth[year], shown[year], RATE_POINTS)}
    assert not off, f"execution rate (truth, dashboard) by year: {off}"
    assert (truth[2024] > truth[2023]) == (shown[2024] > shown[2023])
    assert truth[2024] != truth[2023] and shown[2024] != shown[2023]


def test_lowest_five_units_by_execution_each_year(demo):
    for year, entries in sorted(by_year(demo["projects"]).items()):
        units: dict[str, list[dict]] = defaultdict(list)
        for entry in entries:
            units[unit_label(entry["truth"]["department"])].append(entry)
        truth = sorted(((name, weighted_execution(group)) for name, group in units.items()),
                       key=lambda nr: (nr[1] is None, nr[1] if nr[1] is not None else 0.0, nr[0]))
        frame = ACCESSORS["unit_summary"](Filters(year_from=year, year_to=year), demo["db"])
        shown = sorted(((row["department_canonical"], row["execution_rate_weighted"])
                        for row in frame.iter_rows(named=True)),
                       key=lambda nr: (nr[1] is None, nr[1] if nr[1] is not None else 0.0, nr[0] or ""))
        # the fifth and sixth must differ beyond rounding, or "the lowest five" is not one answer
        assert round(truth[4][1], 2) < round(truth[5][1], 2)
        assert [name for name, _ in shown[:5]] == [name for name, _ in truth[:5]], (year, shown[:5], truth[:5])
        off = [(t, s) for t, s in zip(truth[:5], shown[:5]) if _off(round(t[1], 2), round(s[1], 2), RATE_POINTS)]
        assert not off, (year, off)
        # every unit's rate, not only the five: a unit split in two or merged would show here
        assert {name for name, _ in shown} == {name for name, _ in truth}, year
        truth_rates, shown_rates = dict(truth), dict(shown)
        off = {name: (truth_rates[name], shown_rates[name]) for name in truth_rates
               if _off(round(truth_rates[name], 2), round(shown_rates[name], 2), RATE_POINTS)}
        assert not off, (year, off)


def test_excellent_share_per_year(demo):
    shown = trend(demo)
    problems = {}
    for year, entries in by_year(demo["projects"]).items():
        graded = [e["truth"]["grade"] for e in entries if e["truth"]["grade"] is not None]
        scored = [e["truth"]["self_score"] for e in entries if e["truth"]["self_score"] is not None]
        mismatched = sum(1 for e in entries if e["truth"]["grade"] is not None and e["truth"]["self_score"] is not None
                         and e["truth"]["grade"] != band_of(e["truth"]["self_score"]))
        truth = {
            "share_excellent": sum(1 for g in graded if g == EXCELLENT) / len(graded),
            "share_band_excellent": sum(1 for s in scored if band_of(s) == EXCELLENT) / len(scored),
            "n_grade_mismatch": mismatched,
        }
        row = shown[year]
        for key in ("share_excellent", "share_band_excellent"):
            if _off(truth[key], row[key], RATIO):
                problems[(year, key)] = (truth[key], row[key])
        if truth["n_grade_mismatch"] != row["n_grade_mismatch"]:
            problems[(year, "n_grade_mismatch")] = (truth["n_grade_mismatch"], row["n_grade_mismatch"])
    assert not problems, f"(truth, dashboard): {problems}"
    assert sum(row["n_grade_mismatch"] for row in shown.values()) > 0  # the corpus plants some


def test_top_ten_indicators_by_points_lost(demo):
    totals: dict[str, float] = defaultdict(float)
    for entry in demo["projects"]:
        for row in entry["truth"]["indicators"]:
            lost = points_lost(row)
            if lost is not None:
                totals[row["level3"].strip()] += lost
    truth = sorted(totals.items(), key=lambda nt: -nt[1])
    frame = ACCESSORS["points_lost"](Filters(), demo["db"])["level3"]
    assert "indicator" in frame.columns, frame.columns
    assert frame["indicator"].is_duplicated().sum() == 0
    shown = [(row["indicator"], row["points_lost_total"])
             for row in frame.sort("points_lost_total", descending=True, maintain_order=True).iter_rows(named=True)]
    assert truth[9][1] - truth[10][1] > RATE_POINTS  # the tenth is one answer
    assert [name for name, _ in shown[:10]] == [name for name, _ in truth[:10]], (shown[:10], truth[:10])
    off = [(t, s) for t, s in zip(truth[:10], shown[:10]) if _off(t[1], s[1], RATE_POINTS)]
    assert not off, off
    assert sum(lost for _, lost in shown) == pytest.approx(sum(totals.values()), abs=RATE_POINTS)


def test_high_risk_reports_per_year(demo):
    truth = {year: sum(1 for e in entries if high_codes(e)) for year, entries in by_year(demo["projects"]).items()}
    shown = {year: row["n_high_risk_reports"] for year, row in trend(demo).items()}
    assert shown == truth
    assert sum(truth.values()) > 50  # the corpus plants inflated reports every year
