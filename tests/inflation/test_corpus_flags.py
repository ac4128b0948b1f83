"""Corpus-level flags and the inflation tables: PEER_OUTLIER and BOILERPLATE on hand-made frames, and
refresh() on warehouses built by the real loader, including a correction recomputed without a reload."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import warehouse
from dashboard.inflation.corpus_flags import boilerplate_pairs, peer_outlier_flags, peer_residuals
from dashboard.inflation.rulebook import load_rulebook
from dashboard.ingest.load import add_correction

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
RULEBOOK = load_rulebook()
EVAL_SCHEMA = {"evaluation_id": pl.String, "year": pl.Int64, "execution_rate": pl.Float64,
               "self_score": pl.Float64, "full_text": pl.String}


def peers(year: int, n: int, outlier_excess: float, prefix: str) -> list[tuple]:
    """n reports on the line score = 50 + 0.4 × rate, the last one `outlier_excess` points above it."""
    rows = []
    for i in range(n):
        rate = 60.0 + 40.0 * i / (n - 1)
        score = 50 + 0.4 * rate + (outlier_excess if i == n - 1 else 0.0)
        rows.append((f"{prefix}{i:02d}", year, rate, score, f"本项目自评{score:g}分。"))
    return rows


@pytest.mark.parametrize(("rows", "outliers"), [
    (peers(2023, 12, 20.0, "a"), ["a11"]),  # 20 points above the line: flagged
    (peers(2023, 12, 7.9, "a"), []),  # under min_points (8): not flagged
    (peers(2023, 12, 20.0, "a") + peers(2024, 6, 30.0, "b"), ["a11"]),  # 2024 has too few peers
    (peers(2023, 12, 20.0, "a") + [("x", 2023, None, 100.0, ""), ("y", None, 50.0, 100.0, "")], ["a11"]),
], ids=["far above the line", "below min points", "too few peers", "unknown rate or year"])
def test_peer_outliers(rows, outliers):
    frame = pl.DataFrame(rows, schema=EVAL_SCHEMA, orient="row")
    residuals = peer_residuals(frame, RULEBOOK)
    assert residuals.filter(pl.col("is_outlier")).get_column("evaluation_id").to_list() == outliers
    flags = peer_outlier_flags(frame, RULEBOOK)
    assert flags.get_column("evaluation_id").to_list() == outliers
    for message, evidence in flags.select("message", "evidence").iter_rows():
        assert "高出" in message and "执行率" in message
        assert re.search(r"「本项目自评\d+(\.\d+)?分」", evidence)


def test_peer_residuals_fit_the_years_line():
    frame = pl.DataFrame(peers(2023, 12, 20.0, "a"), schema=EVAL_SCHEMA, orient="row")
    result = peer_residuals(frame, RULEBOOK).select("evaluation_id", "slope", "expected_score", "excess")
    expected = pl.DataFrame({
        "evaluation_id": [f"a{i:02d}" for i in range(12)],
        "slope": [0.4] * 12,
        "expected_score": [50 + 0.4 * (60.0 + 40.0 * i / 11) for i in range(12)],
        "excess": [0.0] * 11 + [20.0],
    })
    assert_frame_equal(result, expected, abs_tol=1e-9)


def narrative(name: str) -> str:
    """The narrative part of a reference report (before its score table)."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    return text.split("\t一级")[0]


TEXT_000 = narrative("000_b602d48fbaccf327.txt")
TEXT_001 = narrative("001_14069cec515ef4d6.txt")
COPY_001 = TEXT_001.replace("富民县财政局", "富民县审计局").replace("47.76", "46.10")
TEXTS_SCHEMA = {"evaluation_id": pl.String, "department": pl.String, "full_text": pl.String}
PAIRS_SCHEMA = {"evaluation_id_a": pl.String, "evaluation_id_b": pl.String, "similarity": pl.Float64}


@pytest.mark.parametrize(("texts", "pairs"), [
    ([("a", "财政局", TEXT_001), ("b", "审计局", COPY_001)], [("a", "b", 1.0)]),
    ([("a", "财政局", TEXT_001), ("b", "财政局", COPY_001)], []),  # same unit: its own template
    ([("a", "编办", TEXT_000), ("b", "财政局", TEXT_001)], []),  # same county template, different reports
    ([("a", "财政局", TEXT_001[:200]), ("b", "审计局", COPY_001[:200])], []),  # too short to compare
    ([("a", None, TEXT_001), ("b", "审计局", COPY_001)], []),  # unknown unit
], ids=["copy across units", "same unit", "shared template only", "too short", "unknown unit"])
def test_boilerplate_pairs(texts, pairs):
    result = boilerplate_pairs(pl.DataFrame(texts, schema=TEXTS_SCHEMA, orient="row"), RULEBOOK)
    # the unit's name differs inside the copy, so a copy is ~0.99 similar, not 1
    assert_frame_equal(result, pl.DataFrame(pairs, schema=PAIRS_SCHEMA, orient="row"), abs_tol=0.01)


def test_boilerplate_finds_a_lightly_edited_copy_among_hundreds_quickly():
    import random
    import time

    rng = random.Random(7)
    words = re.findall(r"[\u4e00-\u9fff]{2,6}", TEXT_001 + TEXT_000)
    texts = [(f"r{i:03d}", f"单位{i}", "，".join(rng.choices(words, k=300)) + "。") for i in range(400)]
    edited = TEXT_001.replace("财政局", "审计局").replace("财政", "审计")  # a copy with the unit's words swapped
    texts += [("copy_a", "财政局", TEXT_001), ("copy_b", "审计局", edited)]
    started = time.perf_counter()
    result = boilerplate_pairs(pl.DataFrame(texts, schema=TEXTS_SCHEMA, orient="row"), RULEBOOK)
    assert time.perf_counter() - started < 10
    assert result.select("evaluation_id_a", "evaluation_id_b").rows() == [("copy_a", "copy_b")]
    assert RULEBOOK.boilerplate["threshold"] <= result.item(0, "similarity") < 0.9


def read(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse.current_version_file(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


@pytest.fixture
def copied_corpus(tmp_path: Path, build_warehouse) -> Path:
    """The reference reports plus 001 copied by another unit (amounts changed), loaded by the real loader."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    copy = (SEEDS / "001_14069cec515ef4d6.txt").read_text(encoding="utf-8")
    (folder / "copy_of_001.txt").write_text(copy.replace("富民县财政局", "富民县审计局").replace("47.76", "46.10"),
                                            encoding="utf-8")
    return build_warehouse(tmp_path, [folder])


def test_refresh_after_a_load_writes_corpus_flags_risk_and_unit_index(copied_corpus):
    db = copied_corpus
    boiler = read(db, "select e.department, f.severity, f.message, f.evidence from flags f "
                      "join evaluations e using (evaluation_id) where f.code = 'BOILERPLATE' order by 1")
    assert [row[0] for row in boiler] == ["富民县审计局", "富民县财政局"]
    assert all(row[1] == "medium" and "雷同" in row[2] and "「" in row[3] for row in boiler)
    assert read(db, "select count(*) from flags where scope = 'corpus' and code <> 'BOILERPLATE'") == [(0,)]

    risk = dict(read(db, "select e.source, r.risk_score from report_risk r join evaluations e using (evaluation_id)"))
    assert len(risk) == 6
    by_name = {Path(k).name: v for k, v in risk.items()}
    # 000: EXECUTION_RULE_VIOLATION high 35 + two medium 15 + gap 1.38 × 4
    assert by_name["000_b602d48fbaccf327.txt"] == pytest.approx(70.5)
    assert by_name["002_5dcd609a2ddc7662.txt"] == pytest.approx(5.0)
    [(why,)] = read(db, "select supported_explanation from report_risk join evaluations using (evaluation_id) "
                        "where source like '%000_b602d48fbaccf327.txt'")
    assert "86.2%" in why and "98.62分" in why

    units = read(db, "select department, year, n_reports, mean_claimed, mean_supported, mean_gap, peer_median_gap, "
                     "inflation_index from unit_inflation where year = 2025 order by department")
    assert units == [("县委编办", 2025, 1, 100.0, 98.62, 1.38, 0.69, pytest.approx(5.69)),
                     ("富民县政务服务管理局", 2025, 1, 94.0, 94.0, 0.0, 0.69, -0.69)]


def test_a_correction_recomputes_flags_and_risk_without_a_reload(copied_corpus):
    db = copied_corpus
    [(content_hash, evaluation_id)] = read(
        db, "select content_hash, evaluation_id from evaluations where source like '%000_b602d48fbaccf327.txt'")

    def codes() -> set[str]:
        return {c for (c,) in read(db, "select code from flags where evaluation_id = $id", {"id": evaluation_id})}

    assert codes() == {"EXECUTION_RULE_VIOLATION", "PROBLEMS_WITHOUT_DEDUCTION", "NO_SCORE_TABLE"}
    add_correction(db, content_hash, 0, "self_score", "98", "测试")  # within 98.62, and no longer 100
    assert codes() == {"NO_SCORE_TABLE"}
    assert read(db, "select score_gap, risk_score from report_risk where evaluation_id = $id",
                {"id": evaluation_id}) == [(0.0, 15.0)]
    add_correction(db, content_hash, 0, "spent_wan", "10", "测试")  # the written 86.2% now contradicts 10/10
    flags = dict(read(db, "select code, message from flags where evaluation_id = $id", {"id": evaluation_id}))
    assert set(flags) == {"NO_SCORE_TABLE", "RATE_MISMATCH"}
    assert "86.2%" in flags["RATE_MISMATCH"] and "100.00%" in flags["RATE_MISMATCH"]
    assert read(db, "select count(*) from evaluations") == [(6,)]


def test_read_queries_filter_what_the_inflation_page_shows(copied_corpus):
    from dashboard.warehouse import run_query

    db = copied_corpus
    ranked = run_query("inflation_report_risk", {}, db_path=db)
    assert ranked.height == 6
    assert ranked.get_column("risk_score").to_list() == sorted(ranked.get_column("risk_score").to_list(), reverse=True)
    top = ranked.row(0, named=True)
    assert Path(top["source"]).name == "000_b602d48fbaccf327.txt" and top["max_severity"] == "high"
    assert set(top["flag_codes"]) == {"EXECUTION_RULE_VIOLATION", "PROBLEMS_WITHOUT_DEDUCTION", "NO_SCORE_TABLE"}

    one_unit = run_query("inflation_report_risk", {"departments": ["富民县审计局"], "limit_rows": 5}, db_path=db)
    assert one_unit.get_column("department").to_list() == ["富民县审计局"]
    assert "BOILERPLATE" in one_unit.item(0, "flag_codes")

    units = run_query("inflation_unit_index", {"year_from": 2025, "year_to": 2025}, db_path=db)
    assert units.get_column("year").unique().to_list() == [2025]
    assert units.item(0, "inflation_index") >= units.item(units.height - 1, "inflation_index")

    boiler = run_query("flags_list", {"code": "BOILERPLATE"}, db_path=db)
    assert boiler.height == 2 and set(boiler.get_column("scope")) == {"corpus"}
    counts = run_query("flags_by_code", {"year_from": 2024, "year_to": 2024}, db_path=db)
    assert dict(zip(counts["code"], counts["n_reports"]))["BOILERPLATE"] == 2
