"""Risk per report and the unit inflation index, on small hand-made frames."""
from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.inflation.risk import REPORT_RISK_SCHEMA, UNIT_INFLATION_SCHEMA, report_risk, unit_inflation
from dashboard.inflation.rulebook import load_rulebook

RULEBOOK = load_rulebook()
FLAGS_SCHEMA = {"evaluation_id": pl.String, "code": pl.String, "severity": pl.String}
SCORES_SCHEMA = {"evaluation_id": pl.String, "supported_score": pl.Float64, "score_gap": pl.Float64}

RISK_CASES = [
    (
        "no flag, no gap",
        [("a", 90.0, 0.0)], [],
        [("a", 90.0, 0.0, 0.0, 0, None)],
    ),
    (
        "one high flag and a 1.38-point gap: 35 + 4 × 1.38",
        [("a", 98.62, 1.38)], [("a", "EXECUTION_RULE_VIOLATION", "high")],
        [("a", 98.62, 1.38, 40.5, 1, "high")],
    ),
    (
        "a code counted once at its worst severity; medium + low",
        [("a", 90.0, 0.0)],
        [("a", "SCORE_SUM_MISMATCH", "medium"), ("a", "SCORE_SUM_MISMATCH", "low"), ("a", "YEAR_INCONSISTENT", "low")],
        [("a", 90.0, 0.0, 20.0, 2, "medium")],
    ),
    (
        "capped at 100; the gap's points capped at 40; an unknown gap counts 0",
        [("a", 60.0, 40.0), ("b", None, None)],
        [("a", c, "high") for c in ("EXECUTION_RULE_VIOLATION", "RATE_MISMATCH")] + [("b", "NO_SCORE_TABLE", "low")],
        [("a", 60.0, 40.0, 100.0, 2, "high"), ("b", None, None, 5.0, 1, "low")],
    ),
]


@pytest.mark.parametrize(("scores", "flags", "expected"), [c[1:] for c in RISK_CASES], ids=[c[0] for c in RISK_CASES])
def test_report_risk(scores, flags, expected):
    result = report_risk(pl.DataFrame(scores, schema=SCORES_SCHEMA, orient="row"),
                         pl.DataFrame(flags, schema=FLAGS_SCHEMA, orient="row"), RULEBOOK)
    assert_frame_equal(result, pl.DataFrame(expected, schema=REPORT_RISK_SCHEMA, orient="row"))


REPORTS_SCHEMA = {"evaluation_id": pl.String, "department": pl.String, "year": pl.Int64, "self_score": pl.Float64,
                  "supported_score": pl.Float64, "score_gap": pl.Float64, "flagged": pl.Boolean}

UNIT_CASES = [
    (
        "three units in one year: index = mean gap − median unit gap + 5 × flagged share",
        [("a1", "甲局", 2024, 100.0, 96.0, 4.0, True), ("a2", "甲局", 2024, 98.0, 96.0, 2.0, False),
         ("b1", "乙局", 2024, 90.0, 90.0, 0.0, False),
         ("c1", "丙局", 2024, 92.0, 91.0, 1.0, False), ("c2", "丙局", 2024, 92.0, 91.0, 1.0, True)],
        [("甲局", 2024, 2, 99.0, 96.0, 3.0, 1.0, 4.5, 0.5),
         ("丙局", 2024, 2, 92.0, 91.0, 1.0, 1.0, 2.5, 0.5),
         ("乙局", 2024, 1, 90.0, 90.0, 0.0, 1.0, -1.0, 0.0)],
    ),
    (
        "years are compared separately; reports without department, year or gap left out",
        [("a", "甲局", 2023, 95.0, 95.0, 0.0, False), ("b", "乙局", 2024, 95.0, 93.0, 2.0, False),
         ("c", None, 2024, 100.0, 90.0, 10.0, True), ("d", "乙局", None, 100.0, 90.0, 10.0, True),
         ("e", "乙局", 2024, None, None, None, True)],
        [("甲局", 2023, 1, 95.0, 95.0, 0.0, 0.0, 0.0, 0.0), ("乙局", 2024, 1, 95.0, 93.0, 2.0, 2.0, 0.0, 0.0)],
    ),
]


@pytest.mark.parametrize(("reports", "expected"), [c[1:] for c in UNIT_CASES], ids=[c[0] for c in UNIT_CASES])
def test_unit_inflation(reports, expected):
    result = unit_inflation(pl.DataFrame(reports, schema=REPORTS_SCHEMA, orient="row"), RULEBOOK)
    assert_frame_equal(result, pl.DataFrame(expected, schema=UNIT_INFLATION_SCHEMA, orient="row"))
