"""Corpus-level flags (PEER_OUTLIER, BOILERPLATE) and the inflation tables, recomputed from the warehouse.

`refresh(con)` is called by the loader's derive step after every load or correction, on a read-write
connection: it re-scores every report, recomputes the report-level flags of corrected reports,
replaces every corpus-scope flag and rewrites `report_risk` and `unit_inflation`. No reload needed.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from dashboard.inflation.quotes import fmt, quote_number
from dashboard.inflation.report_flags import flag_record
from dashboard.inflation.rescoring import supported_score
from dashboard.inflation.risk import report_risk, unit_inflation
from dashboard.inflation.rulebook import Rulebook, load_rulebook
from dashboard.ingest.record import EvaluationRecord, Indicator

QUERIES = Path(__file__).resolve().parents[2] / "queries"
FLAG_SCHEMA = {
    "evaluation_id": pl.String,
    "code": pl.String,
    "severity": pl.String,
    "message": pl.String,
    "evidence": pl.String,
    "scope": pl.String,
}
# Report-level codes that rest on facts the warehouse does not keep (amount and year mentions):
# a correction cannot change them, so their rows from extraction are kept.
_KEPT_ON_CORRECTION = ["AMOUNT_INCONSISTENT", "YEAR_INCONSISTENT"]


@dataclass
class RefreshSummary:
    n_reports: int
    n_corpus_flags: int
    n_reflagged: int


def _query(con, name: str, params: dict | None = None) -> pl.DataFrame:
    return con.sql((QUERIES / f"{name}.sql").read_text(encoding="utf-8"), params=params).pl()


def refresh(con, rulebook: Rulebook | None = None, everything: bool = False) -> RefreshSummary:
    """Recompute re-scoring, report flags (corrected reports, or every report when `everything`:
    after a rulebook edit), corpus flags, report_risk and unit_inflation."""
    rulebook = rulebook or load_rulebook()
    evaluations = _query(con, "inflation_scoring_inputs")
    indicators = _query(con, "inflation_scoring_indicators")
    records = build_records(evaluations, indicators)
    scores = scores_frame(records, rulebook)

    n_reflagged = _reflag(con, records, evaluations, rulebook, everything)

    corpus = pl.concat([peer_outlier_flags(evaluations, rulebook),
                        boilerplate_flags(evaluations, rulebook)])
    con.execute("delete from flags where scope = 'corpus'")
    _insert_flags(con, corpus)

    severities = _query(con, "inflation_flag_severities")
    risk = report_risk(scores, severities, rulebook).join(
        scores.select("evaluation_id", pl.col("explanation").alias("supported_explanation")),
        on="evaluation_id", how="left")
    con.register("inflation_new_report_risk", risk.to_arrow())
    con.execute("create or replace table report_risk as select * from inflation_new_report_risk")
    con.unregister("inflation_new_report_risk")

    flagged = (severities.filter(pl.col("severity").is_in(["high", "medium"]))
               .select("evaluation_id").unique().with_columns(pl.lit(True).alias("flagged")))
    unit_input = (evaluations.select("evaluation_id", "department", "year", "self_score")
                  .join(scores.select("evaluation_id", "supported_score", "score_gap"), on="evaluation_id")
                  .join(flagged, on="evaluation_id", how="left")
                  .with_columns(pl.col("flagged").fill_null(False)))
    units = unit_inflation(unit_input, rulebook)
    con.register("inflation_new_unit_inflation", units.to_arrow())
    con.execute("create or replace table unit_inflation as select * from inflation_new_unit_inflation")
    con.unregister("inflation_new_unit_inflation")
    return RefreshSummary(len(evaluations), len(corpus), n_reflagged)


def _insert_flags(con, flags: pl.DataFrame) -> None:
    if flags.is_empty():
        return
    con.register("inflation_new_flags", flags.select(list(FLAG_SCHEMA)).to_arrow())
    con.execute("insert into flags (evaluation_id, code, severity, message, evidence, scope) "
                "select evaluation_id, code, severity, message, evidence, scope from inflation_new_flags")
    con.unregister("inflation_new_flags")


def _reflag(con, records: dict[str, EvaluationRecord], evaluations: pl.DataFrame, rulebook: Rulebook,
            everything: bool) -> int:
    """Report-level flags recomputed from the warehouse: corrected reports, or every report.

    A report loaded with its extractor facts (facts_json) is re-flagged in full; an older one keeps
    the flags that rest on quotes the warehouse lacks (AMOUNT_INCONSISTENT, YEAR_INCONSISTENT).
    """
    chosen = evaluations if everything else evaluations.filter(pl.col("corrected"))
    ids = chosen.get_column("evaluation_id").to_list()
    if not ids:
        return 0
    with_facts = set(chosen.filter(pl.col("facts_json").is_not_null()).get_column("evaluation_id").to_list())
    params = {"everything": everything}
    for row in _query(con, "inflation_reflag_problems", params).iter_rows(named=True):
        records[row["evaluation_id"]].problems.append(row["problem_text"])
    for row in _query(con, "inflation_reflag_evaluator_scores", params).iter_rows(named=True):
        records[row["evaluation_id"]].evaluator_scores.append(row["score"])
    rows = []
    for evaluation_id in ids:
        kept = () if evaluation_id in with_facts else _KEPT_ON_CORRECTION
        for flag in flag_record(records[evaluation_id], rulebook):
            if flag.code not in kept:
                rows.append((evaluation_id, flag.code, flag.severity, flag.message, flag.evidence, "report"))
    frame = pl.DataFrame({"evaluation_id": ids, "has_facts": [i in with_facts for i in ids]},
                         schema={"evaluation_id": pl.String, "has_facts": pl.Boolean})
    con.register("inflation_reflagged_ids", frame.to_arrow())
    con.execute("""
        delete from flags
        where scope = 'report'
          and (evaluation_id in (select evaluation_id from inflation_reflagged_ids where has_facts)
               or (not list_contains($kept, code)
                   and evaluation_id in (select evaluation_id from inflation_reflagged_ids where not has_facts)))
    """, {"kept": _KEPT_ON_CORRECTION})
    con.unregister("inflation_reflagged_ids")
    _insert_flags(con, pl.DataFrame(rows, schema=FLAG_SCHEMA, orient="row"))
    return len(ids)


def _stored_facts(facts_json: str | None) -> dict:
    if not facts_json:
        return {"year_mentions": []}
    try:
        facts = json.loads(facts_json)
    except ValueError:
        return {"year_mentions": []}
    return facts if isinstance(facts, dict) else {"year_mentions": []}


def build_records(evaluations: pl.DataFrame, indicators: pl.DataFrame) -> dict[str, EvaluationRecord]:
    """EvaluationRecords rebuilt from warehouse rows, keyed by evaluation_id, with the extractor's
    facts where the warehouse kept them (facts_json)."""
    records: dict[str, EvaluationRecord] = {}
    for row in evaluations.iter_rows(named=True):
        facts = _stored_facts(row.get("facts_json"))
        records[row["evaluation_id"]] = record = EvaluationRecord(
            source=row.get("source") or row["evaluation_id"], project_name=row["project_name"], department=row["department"],
            year=row["year"], budget_wan=row["budget_wan"], received_wan=row["received_wan"],
            spent_wan=row["spent_wan"], stated_execution_rate=row["stated_execution_rate"],
            execution_rate=row["execution_rate"], self_score=row["self_score"], grade=row["grade"],
            execution_weight=row["execution_weight"], execution_score=row["execution_score"],
            text=row["full_text"] or "", facts=facts)
        record.stated_evaluator_average = facts.pop("stated_evaluator_average", None)
    for row in indicators.iter_rows(named=True):
        record = records.get(row["evaluation_id"])
        if record is not None:
            record.indicators.append(Indicator(
                row["level1"], row["level2"], row["level3"], row["weight"], row["score"], row["deduction"],
                row["reason"], row["rule"], row["target"], row["actual"]))
    return records


def scores_frame(records: dict[str, EvaluationRecord], rulebook: Rulebook) -> pl.DataFrame:
    """One row per evaluation: self_score, supported_score, score_gap and the re-scoring explanation."""
    rows = []
    for evaluation_id, record in records.items():
        supported, explanation = supported_score(record, rulebook)
        gap = None if supported is None or record.self_score is None else round(record.self_score - supported, 2)
        rows.append((evaluation_id, record.self_score, supported, gap, explanation))
    return pl.DataFrame(rows, orient="row", schema={
        "evaluation_id": pl.String, "self_score": pl.Float64, "supported_score": pl.Float64,
        "score_gap": pl.Float64, "explanation": pl.String}).sort("evaluation_id")


# ---- PEER_OUTLIER -------------------------------------------------------------------------


def peer_residuals(evaluations: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One row per report with a score and an execution rate: its residual against the year's resistant line.

    The line runs through (median rate, median score) of the lowest and the highest third of the
    year's reports by execution rate; robust_z = (residual − median residual) / (1.4826 × MAD), the
    scale floored at 1 point so a year of identical scores does not make every small residual extreme.
    """
    third = pl.col("n") / 3
    left, right = pl.col("pos") <= third, pl.col("pos") > 2 * third
    fitted = (
        evaluations.select("evaluation_id", "year", "execution_rate", "self_score")
        .drop_nulls()
        .with_columns(
            pl.len().over("year").alias("n"),
            pl.col("execution_rate").rank("ordinal").over("year").alias("pos"),
        )
        .with_columns(
            pl.col("execution_rate").filter(left).median().over("year").alias("x_left"),
            pl.col("self_score").filter(left).median().over("year").alias("y_left"),
            pl.col("execution_rate").filter(right).median().over("year").alias("x_right"),
            pl.col("self_score").filter(right).median().over("year").alias("y_right"),
        )
        .with_columns(
            pl.when((pl.col("x_right") - pl.col("x_left")) > 0.5)
            .then((pl.col("y_right") - pl.col("y_left")) / (pl.col("x_right") - pl.col("x_left")))
            .otherwise(0.0).fill_null(0.0).alias("slope"))
        .with_columns((pl.col("self_score") - pl.col("slope") * pl.col("execution_rate"))
                      .median().over("year").alias("intercept"))
        .with_columns((pl.col("self_score") - pl.col("intercept") - pl.col("slope") * pl.col("execution_rate"))
                      .alias("residual"))
        .with_columns(pl.col("residual").median().over("year").alias("median_residual"))
        .with_columns(((pl.col("residual") - pl.col("median_residual")).abs().median().over("year") * 1.4826)
                      .alias("scale"))
        .with_columns(
            (pl.col("residual") - pl.col("median_residual")).alias("excess"),
            ((pl.col("residual") - pl.col("median_residual")) / pl.max_horizontal(pl.col("scale"), pl.lit(1.0)))
            .alias("robust_z"),
            (pl.col("intercept") + pl.col("slope") * pl.col("execution_rate") + pl.col("median_residual"))
            .alias("expected_score"),
        )
    )
    outlier = rulebook.peer_outlier
    return fitted.with_columns(
        ((pl.col("n") >= int(outlier["min_peers"])) & (pl.col("robust_z") > float(outlier["z"]))
         & (pl.col("excess") >= float(outlier["min_points"]))).alias("is_outlier")
    ).select("evaluation_id", "year", "execution_rate", "self_score", "n", "slope", "expected_score",
             "excess", "scale", "robust_z", "is_outlier").sort("evaluation_id")


def peer_outlier_flags(evaluations: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One PEER_OUTLIER flag row per report whose score sits far above same-year peers with similar execution."""
    residuals = peer_residuals(evaluations, rulebook).filter(pl.col("is_outlier"))
    texts = dict(evaluations.select("evaluation_id", "full_text").iter_rows())
    rows = []
    for r in residuals.iter_rows(named=True):
        message = (f"{r['year']}年{r['n']}个项目中，预算执行率{fmt(r['execution_rate'])}%的项目按同年度得分与执行率"
                   f"的关系一般得{r['expected_score']:.1f}分左右，本项目自评{fmt(r['self_score'])}分，高出"
                   f"{r['excess']:.1f}分（约为同年离散程度的{r['robust_z']:.1f}倍），明显高于执行情况相近的同类项目。")
        quote = quote_number(texts.get(r["evaluation_id"]) or "", r["self_score"], ("自评", "总分", "得分"), "分")
        numbers = (f"自评{fmt(r['self_score'])}分，执行率{fmt(r['execution_rate'])}%，同年{r['n']}个项目的预期得分"
                   f"{r['expected_score']:.1f}分，离散程度{r['scale']:.1f}分")
        evidence = "；".join(p for p in (f"「{quote}」" if quote else "", numbers) if p)
        rows.append((r["evaluation_id"], "PEER_OUTLIER", str(rulebook.peer_outlier["severity"]), message, evidence,
                     "corpus"))
    return pl.DataFrame(rows, schema=FLAG_SCHEMA, orient="row")


# ---- BOILERPLATE --------------------------------------------------------------------------

_NOISE = re.compile(r"[\s\d.,:;%()\[\]、，。：；（）“”\"'|\-]+")
_SENTENCE = re.compile(r"[^。；;\n]{25,}")
_MASK = np.uint64(0xFFFFFFFF)


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the text's k-character shingles (digits, spaces, punctuation removed)."""
    cleaned = _NOISE.sub("", text or "")
    if len(cleaned) < k:
        return np.zeros(0, dtype=np.uint64)
    points = np.frombuffer(cleaned.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(points) - k + 1
    hashed = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # polynomial rolling hash, wrapping in 64 bits
            hashed = hashed * np.uint64(1_000_003) + points[j:j + n]
        hashed = (hashed ^ (hashed >> np.uint64(29))) * np.uint64(0xBF58476D1CE4E5B9)
        hashed = (hashed >> np.uint64(32)) & _MASK
    return np.unique(hashed)


def boilerplate_pairs(texts: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One row per pair of reports of different departments of one county whose narratives are near
    copies, with the similarity.

    `texts`: evaluation_id, department, full_text and, when known, county. Reports are compared within
    their county: a province's own form filled in by two counties' units is a template, not a copy.
    MinHash LSH proposes candidates; the exact Jaccard similarity of the shingle sets confirms them.
    """
    if "county" in texts.columns and texts["county"].n_unique() > 1:
        parts = [_pairs_within(group, rulebook) for _county, group in texts.group_by("county", maintain_order=True)]
        return pl.concat(parts).unique().sort("evaluation_id_a", "evaluation_id_b")
    return _pairs_within(texts, rulebook)


def _pairs_within(texts: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    from datasketch import MinHash, MinHashLSH

    cfg = rulebook.boilerplate
    k, num_perm, threshold = int(cfg["shingle_chars"]), int(cfg["num_perm"]), float(cfg["threshold"])
    # One MinHash's permutations serve every report (building them is most of a MinHash's cost).
    template = MinHash(num_perm=num_perm, seed=1, hashfunc=int)
    permutations, scheme = template.permutations, template.scheme
    usable = texts.filter(pl.col("department").is_not_null() & pl.col("full_text").is_not_null())
    shingles: dict[str, np.ndarray] = {}
    departments: dict[str, str] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    rows: list[tuple[str, str, float]] = []
    for evaluation_id, department, text in usable.select("evaluation_id", "department", "full_text").iter_rows():
        hashes = shingle_hashes(text, k)
        if len(hashes) + k - 1 < int(cfg["min_chars"]):
            continue
        minhash = MinHash(num_perm=num_perm, seed=1, hashfunc=int, permutations=permutations, scheme=scheme)
        minhash.update_batch(hashes.tolist())
        lsh.insert(evaluation_id, minhash)
        shingles[evaluation_id] = hashes
        departments[evaluation_id] = department
        candidates = lsh.query(minhash)
        for other in candidates:
            if other == evaluation_id or departments[other] == department:
                continue
            a, b = shingles[evaluation_id], shingles[other]
            common = len(np.intersect1d(a, b, assume_unique=True))
            similarity = common / (len(a) + len(b) - common)
            if similarity >= threshold:
                first, second = sorted((evaluation_id, other))
                rows.append((first, second, round(similarity, 4)))
    return (pl.DataFrame(rows, orient="row", schema={"evaluation_id_a": pl.String, "evaluation_id_b": pl.String,
                                                     "similarity": pl.Float64})
            .unique().sort("evaluation_id_a", "evaluation_id_b"))



def _shared_sentence(text: str, other: str) -> str:
    """The longest sentence of one narrative found word for word in the other, shortened for a quote."""
    best = ""
    for match in _SENTENCE.finditer(text or ""):
        sentence = match.group(0).strip()
        if len(sentence) > len(best) and sentence in other:
            best = sentence
    return best if len(best) <= 100 else best[:100] + "…"


def boilerplate_flags(evaluations: pl.DataFrame, rulebook: Rulebook) -> pl.DataFrame:
    """One BOILERPLATE flag row per report whose narrative nearly copies another department's report."""
    columns = [c for c in ("evaluation_id", "department", "county", "full_text") if c in evaluations.columns]
    pairs = boilerplate_pairs(evaluations.select(columns), rulebook)
    copies_of = Counter(e for a, b, _ in pairs.iter_rows() for e in (a, b))
    info = {row["evaluation_id"]: row for row in
            evaluations.select("evaluation_id", "department", "project_name", "year", "source", "full_text")
            .iter_rows(named=True)}
    best: dict[str, tuple[str, float]] = {}
    for a, b, similarity in pairs.iter_rows():
        for one, other in ((a, b), (b, a)):
            if one not in best or similarity > best[one][1]:
                best[one] = (other, similarity)
    rows = []
    for evaluation_id, (other, similarity) in sorted(best.items()):
        mine, theirs = info[evaluation_id], info[other]
        copies = copies_of[evaluation_id]
        message = (f"本报告的文字与{theirs['department']}"
                   f"{'的' + str(theirs['year']) + '年' if theirs['year'] else ''}"
                   f"《{theirs['project_name'] or '项目'}》报告高度雷同（文字相似度{similarity:.0%}"
                   f"{'，共与' + str(copies) + '份其他单位报告雷同' if copies > 1 else ''}），疑似套用其他单位的报告。")
        shared = _shared_sentence(mine["full_text"] or "", theirs["full_text"] or "")
        evidence = "；".join(p for p in (
            f"「{shared}」（两份报告中均有此句）" if shared else "",
            f"本报告：{mine['department']} {mine['project_name'] or ''}；雷同报告：{theirs['department']} "
            f"{theirs['project_name'] or ''}（{Path(theirs['source'] or other).name}）；相似度{similarity:.2f}") if p)
        rows.append((evaluation_id, "BOILERPLATE", str(rulebook.boilerplate["severity"]), message, evidence, "corpus"))
    return pl.DataFrame(rows, schema=FLAG_SCHEMA, orient="row")


__all__ = ["refresh", "peer_residuals", "peer_outlier_flags", "boilerplate_pairs",
           "boilerplate_flags", "shingle_hashes", "build_records", "scores_frame", "RefreshSummary"]
