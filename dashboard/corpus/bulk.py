"""`python -m dashboard demo --reports N`: a province-scale warehouse built in minutes, without files.

Each county is the demo county's model (dashboard.corpus.gen_model / gen_units) drawn with its own
seed and renamed: same units, projects, layouts, score and execution shape, planted flags and copied
narratives. A record goes into the warehouse the way the loader would put it there after reading the
file: the report text is the rendered Document's text, report-level flags come from the real
`flag_record`, and every row is built by the loader's own parameter builders
(dashboard.ingest.load `_report_params`, `_evaluation_params`, `_child_tables`), so the columns and
their cleaning are the loader's. Rows go in per county as Arrow frames (one fixed `insert ... by name`
per table), inside a normal warehouse version (write_lock + next_version), then the real derive step
(refresh_derived) runs over the whole warehouse before the version is published.

Every county's records carry the county as region (a province collection knows where each report
came from), so that the same unit name (县财政局) in two counties stays two units.
"""
from __future__ import annotations

import hashlib
import math
import os
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from dashboard.corpus.gen_model import ReportSpec, build_specs
from dashboard.corpus.gen_units import COUNTY, DEFAULT_YEARS, UNITS

# Counties (and county-level cities and districts) of the fictional province; names end in 县/市/区
# so the canonical-name step recognises them as places.
COUNTIES = (
    "富民县", "宜良县", "嵩明县", "晋宁区", "呈贡区", "东川区", "安宁市", "陆良县", "师宗县", "罗平县",
    "富源县", "会泽县", "宣威市", "麒麟区", "沾益区", "马龙区", "江川区", "澄江市", "通海县", "华宁县",
    "易门县", "红塔区", "隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市", "昭阳区", "鲁甸县", "巧家县",
    "盐津县", "大关县", "永善县", "绥江县", "镇雄县", "彝良县", "威信县", "水富市", "古城区", "永胜县",
    "华坪县", "思茅区", "临翔区", "凤庆县", "云县", "永德县", "镇康县", "楚雄市", "双柏县", "牟定县",
    "南华县", "姚安县", "大姚县", "永仁县", "元谋县", "武定县", "禄丰市", "个旧市", "开远市", "蒙自市",
    "弥勒市", "建水县", "石屏县", "泸西县", "元阳县", "红河县", "绿春县", "文山市", "砚山县", "西畴县",
    "麻栗坡县", "马关县", "丘北县", "广南县", "富宁县", "景洪市", "勐海县", "勐腊县", "大理市", "祥云县",
    "宾川县", "弥渡县", "永平县", "云龙县", "洱源县", "剑川县", "鹤庆县", "瑞丽市", "芒市", "梁河县",
    "盈江县", "陇川县", "泸水市", "福贡县", "香格里拉市", "德钦县", "五华区", "盘龙区", "官渡区", "西山区",
)
FORMAT_WEIGHTS = (("txt", 0.55), ("docx", 0.30), ("pdf", 0.15))
FORMS_EXT = (("docx", 0.35), ("pdf", 0.1), ("xlsx", 0.3), ("html", 0.25))
FORMS_SHARE = 0.3  # forms drawn by dashboard.corpus.forms (more shapes) rather than gen_forms

# One fixed statement per table: the frame registered as bulk_rows holds exactly the loader's columns.
_INSERT = {
    "reports": "insert into reports by name select * from bulk_rows",
    "evaluations": "insert into evaluations by name select * from bulk_rows",
    "indicator_rows": "insert into indicator_scores by name select * from bulk_rows",
    "problem_rows": "insert into problems by name select * from bulk_rows",
    "evaluator_rows": "insert into evaluator_scores by name select * from bulk_rows",
    "flag_rows": "insert into flags by name select * from bulk_rows",
}
# Column types of the loader's columns, as the schema (queries/schema/001_tables.sql) declares them; a
# column the loader adds later is typed from its values.
_S, _F, _I, _T, _L = pl.String, pl.Float64, pl.Int64, pl.Datetime("us"), pl.List(pl.String)
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "reports": {"content_hash": _S, "file_path": _S, "file_name": _S, "format": _S, "size_bytes": _I,
                "ingested_at": _T, "status": _S, "error": _S, "warnings": _L, "n_records": _I},
    "evaluations": {"evaluation_id": _S, "content_hash": _S, "record_index": _I, "source": _S, "project_name": _S,
                    "department": _S, "supervising_department": _S, "region": _S, "kind": _S, "year": _I,
                    "budget_wan": _F, "initial_budget_wan": _F, "received_wan": _F, "spent_wan": _F,
                    "stated_execution_rate": _F, "execution_rate": _F, "self_score": _F, "grade": _S,
                    "execution_weight": _F, "execution_score": _F, "firm": _S, "report_number": _S,
                    "conclusion": _S, "full_text": _S, "facts_json": _S, "warnings": _L, "loaded_at": _T},
    "indicator_rows": {"evaluation_id": _S, "row_index": _I, "level1": _S, "level2": _S, "level3": _S,
                       "weight": _F, "score": _F, "deduction": _F, "reason": _S, "rule": _S, "target": _S,
                       "actual": _S},
    "problem_rows": {"evaluation_id": _S, "problem_index": _I, "problem_text": _S},
    "evaluator_rows": {"evaluation_id": _S, "evaluator_index": _I, "score": _F},
    "flag_rows": {"evaluation_id": _S, "code": _S, "severity": _S, "message": _S, "evidence": _S, "scope": _S},
}


@dataclass
class BulkSummary:
    reports: int = 0
    evaluations: int = 0
    indicator_rows: int = 0
    counties: int = 0
    years: int = 0
    generate_seconds: float = 0.0
    derive_seconds: float = 0.0
    total_seconds: float = 0.0
    version: str | None = None
    warnings: tuple[str, ...] = ()


def county_plan(n_reports: int, seed: int, n_years: int | None = None) -> tuple[list[str], int]:
    """(county names, years per county) enough for n_reports report files (the surplus is cut).

    One demo county (41 units, 7 years) holds about 1,460 files; more counties come first, then
    more years once every county name is used.
    """
    years = n_years or DEFAULT_YEARS
    per_county = _files_per_county(seed, years)
    counties = math.ceil(n_reports * 1.05 / per_county) + 1  # counties vary by a few percent
    if counties > len(COUNTIES) and n_years is None:
        years = math.ceil(years * counties / len(COUNTIES))
        per_county = _files_per_county(seed, years)
        counties = math.ceil(n_reports * 1.05 / per_county) + 1
    if counties > len(COUNTIES):
        raise ValueError(f"报告数过多：最多 {len(COUNTIES)} 个县，请减少 --years 或报告数")
    return list(COUNTIES[:counties]), years


def _files_per_county(seed: int, years: int) -> int:
    from dashboard.corpus.generate import group_files

    specs = build_specs(seed, None, years)
    return len(group_files(specs, random.Random(seed * 7919 + 17)))


def _pick(rng: random.Random, options) -> str:
    x = rng.random() * sum(w for _, w in options)
    for name, w in options:
        x -= w
        if x < 0:
            return name
    return options[-1][0]


def _county_seed(seed: int, index: int) -> int:
    return seed if index == 0 else seed * 1_000_003 + index * 7_919


def _rename(value, county: str):
    return value.replace(COUNTY, county) if isinstance(value, str) and county != COUNTY else value


def _text_of(spec: ReportSpec) -> str:
    """The report as a reader gives it to the extractor: paragraphs as lines, table rows tab-joined
    (as Document.text(); a cell the renderer leaves empty is None here)."""
    from dashboard.corpus.generate import render
    from dashboard.ingest.document import Paragraph

    lines: list[str] = []
    for block in render(spec):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend("\t".join((cell or "").replace("\n", " ") for cell in row) for row in block.rows)
    return "\n".join(lines)


def _record(spec: ReportSpec, county: str, text: str, source: str):
    """The EvaluationRecord a careful extractor reads from the spec's report, flagged by the real rules."""
    from dashboard.ingest.extract.sanity import value_warnings
    from dashboard.inflation.report_flags import flag_record
    from dashboard.ingest.record import EvaluationRecord, Indicator

    truth = spec.truth()
    facts = spec.facts()
    record = EvaluationRecord(
        source=source, project_name=truth["project_name"], department=_rename(truth["department"], county),
        supervising_department=_rename(truth["supervising_department"], county), region=county,
        kind=truth["kind"], year=truth["year"], budget_wan=truth["budget_wan"],
        initial_budget_wan=truth["initial_budget_wan"], received_wan=truth["received_wan"],
        spent_wan=truth["spent_wan"], stated_execution_rate=truth["stated_execution_rate"],
        self_score=truth["self_score"], grade=truth["grade"], execution_weight=truth["execution_weight"],
        execution_score=truth["execution_score"],
        indicators=[Indicator(**row) for row in truth["indicators"]],
        evaluator_scores=list(truth["evaluator_scores"]), problems=list(truth["problems"]),
        firm=truth["firm"], report_number=truth["report_number"],
        stated_evaluator_average=facts.pop("stated_evaluator_average", None),
        text=text, facts=facts,
    )
    record.compute_execution_rate()
    record.warnings.extend(w for w in value_warnings(record) if w not in record.warnings)
    record.flags = flag_record(record)
    return record


def county_rows(job: tuple[int, str, int, int, int | None]) -> dict[str, pl.DataFrame]:
    """Every warehouse row of one county, as one frame per table (run in a worker process).

    job: (seed, county, years, index of the county, how many report files at most or None).
    """
    from dashboard.corpus.generate import _file_tag, group_files
    from dashboard.ingest import load

    seed, county, years, index, limit = job
    county_seed = _county_seed(seed, index)
    specs = build_specs(county_seed, None, years)
    rng = random.Random(county_seed * 7919 + 17)  # file-level choices, as write_corpus draws them
    groups = group_files(specs, rng)
    if limit is not None:
        groups = groups[:limit]
    loaded_at = datetime.now()
    tables: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    for seq, group in enumerate(groups, 1):
        spec = group[0]
        if spec.layout == "form" and (any(s.framework == "F4" for s in group) or rng.random() < FORMS_SHARE):
            fmt = _pick(rng, FORMS_EXT)
            for s in group:
                s.form_renderer = "forms"
        else:
            fmt = _pick(rng, FORMAT_WEIGHTS)
        rel = f"{county}/{spec.year}/{seq:04d}_{spec.unit.short}_{_file_tag(group)}.{fmt}"
        texts = [_rename(_text_of(s), county) for s in group]
        body = "\n\n".join(texts).encode("utf-8")
        # The loader's own description of a file (whatever fields it gains, with their defaults).
        candidate = load._Candidate(Path(rel), rel, hashlib.sha256(rel.encode("utf-8") + b"\0" + body).hexdigest(),
                                    len(body))
        records = [_record(s, county, text, rel) for s, text in zip(group, texts)]
        warnings = list(dict.fromkeys(w for r in records for w in r.warnings))
        tables["reports"].append(load._report_params(candidate, status="loaded", error=None, warnings=warnings,
                                                     n_records=len(records)))
        for record_index, record in enumerate(records):
            params = load._evaluation_params(candidate, record_index, record, loaded_at)
            tables["evaluations"].append(params)
            load._child_tables(params["evaluation_id"], record, tables)
    return {name: _frame(name, tables[name]) for name in SCHEMAS}


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """The rows (dicts named like the loader's columns) as one typed frame."""
    if not rows:
        return pl.DataFrame(schema=SCHEMAS[name])
    known = {column: dtype for column, dtype in SCHEMAS[name].items() if column in rows[0]}
    return pl.DataFrame(rows, schema_overrides=known, infer_schema_length=None)


def _generate(jobs: list[tuple], workers: int) -> Iterator[dict[str, pl.DataFrame]]:
    """Each county's frames in county order; the caller may stop early (the rest are cancelled)."""
    if workers <= 1:
        yield from map(county_rows, jobs)
        return
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        pending = [pool.submit(county_rows, job) for job in jobs[:workers + 1]]
        following = iter(jobs[workers + 1:])
        while pending:
            frames = pending.pop(0).result()
            job = next(following, None)
            if job is not None:
                pending.append(pool.submit(county_rows, job))
            yield frames
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _first_reports(frames: dict[str, pl.DataFrame], n: int) -> dict[str, pl.DataFrame]:
    """The frames of the county's first n report files only."""
    if frames["reports"].height <= n:
        return frames
    hashes = frames["reports"].get_column("content_hash").head(n)
    evaluations = frames["evaluations"].filter(pl.col("content_hash").is_in(hashes.to_list()))
    ids = evaluations.get_column("evaluation_id").to_list()
    out = {"reports": frames["reports"].head(n), "evaluations": evaluations}
    for name in ("indicator_rows", "problem_rows", "evaluator_rows", "flag_rows"):
        out[name] = frames[name].filter(pl.col("evaluation_id").is_in(ids))
    return out


def insert_frames(con, frames: dict[str, pl.DataFrame], known_hashes: set[str]) -> tuple[int, int, int]:
    """Insert one county's frames (files already in the warehouse left out) in one transaction."""
    fresh = frames["reports"].filter(~pl.col("content_hash").is_in(list(known_hashes)))
    if fresh.height < frames["reports"].height:
        hashes = fresh.get_column("content_hash")
        frames = dict(frames, reports=fresh,
                      evaluations=frames["evaluations"].filter(pl.col("content_hash").is_in(hashes.to_list())))
        ids = frames["evaluations"].get_column("evaluation_id").to_list()
        for name in ("indicator_rows", "problem_rows", "evaluator_rows", "flag_rows"):
            frames[name] = frames[name].filter(pl.col("evaluation_id").is_in(ids))
    cur = con.cursor()
    cur.execute("begin transaction")
    try:
        for name, statement in _INSERT.items():
            frame = frames[name]
            if frame.is_empty():
                continue
            cur.register("bulk_rows", frame.to_arrow())
            cur.execute(statement)
            cur.unregister("bulk_rows")
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    finally:
        cur.close()
    known_hashes.update(frames["reports"].get_column("content_hash").to_list())
    return frames["reports"].height, frames["evaluations"].height, frames["indicator_rows"].height


def build_province(db_path, n_reports: int, *, seed: int, n_years: int | None = None,
                   workers: int | None = None, progress: bool = False) -> BulkSummary:
    """Generate about n_reports report files over many counties into a new warehouse version.

    Files whose content hash is already in the warehouse are left out, so running it twice adds nothing.
    """
    from dashboard import settings
    from dashboard.ingest.derive import refresh_derived
    from dashboard.warehouse import current_version_file, next_version, resolve_db_path, warehouse_version, write_lock

    if n_reports < 1:
        raise ValueError("报告数必须大于 0")
    db = resolve_db_path(db_path)
    workers = max(1, int(workers or settings.get("load_workers")))
    names, years = county_plan(n_reports, seed, n_years)
    jobs = [(seed, county, years, index, None) for index, county in enumerate(names)]
    summary = BulkSummary(years=years)
    started = time.perf_counter()
    with write_lock(db):
        known: set[str] = set()
        if current_version_file(db) is not None:
            import duckdb

            existing = duckdb.connect(str(current_version_file(db)), read_only=True)
            try:
                tables = {r[0] for r in existing.execute("select table_name from information_schema.tables").fetchall()}
                if "reports" in tables:
                    known = {r[0] for r in existing.execute("select content_hash from reports").fetchall()}
            finally:
                existing.close()
        with next_version(db) as con:
            generated = _generate(jobs, workers)
            try:
                drawn = 0  # report files drawn so far, whether already in the warehouse or not
                for frames in generated:
                    frames = _first_reports(frames, n_reports - drawn)
                    drawn += frames["reports"].height
                    reports, evaluations, indicators = insert_frames(con, frames, known)
                    summary.counties += 1
                    summary.reports += reports
                    summary.evaluations += evaluations
                    summary.indicator_rows += indicators
                    if progress:
                        print(f"  {summary.counties} 个县，已写入 {summary.reports} 份报告、{summary.evaluations} 条评价记录"
                              f"（{time.perf_counter() - started:.0f} 秒）", file=sys.stderr, flush=True)
                    if drawn >= n_reports:
                        break
            finally:
                generated.close()
            summary.generate_seconds = time.perf_counter() - started
            derive_start = time.perf_counter()
            summary.warnings = tuple(refresh_derived(con))
            summary.derive_seconds = time.perf_counter() - derive_start
        summary.version = warehouse_version(db)
    summary.total_seconds = time.perf_counter() - started
    return summary


def run_bulk_demo(args) -> int:
    """The CLI's `demo --reports N`: print what was built (in Chinese) and the time it took."""
    from dashboard.warehouse import WarehouseError, resolve_db_path

    if not args.db:  # never into the default warehouse, which may hold a county's real reports
        print("请用 --db 指定省级演示数据仓库文件（例如 --db data/province.duckdb），未生成任何数据", file=sys.stderr)
        return 1
    db = resolve_db_path(args.db)
    try:
        summary = build_province(db, int(args.reports), seed=int(args.seed), n_years=args.years,
                                 progress=sys.stderr.isatty() or bool(os.environ.get("PERF_BULK_PROGRESS")))
    except (ValueError, WarehouseError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for warning in summary.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    print(f"省级演示数据仓库已建立：{db}（版本 {summary.version}），{summary.counties} 个县 × {summary.years} 个年度，"
          f"{summary.reports} 份报告、{summary.evaluations} 条评价记录、{summary.indicator_rows} 条指标得分；"
          f"生成并写入 {summary.generate_seconds:.1f} 秒，派生计算 {summary.derive_seconds:.1f} 秒，"
          f"共 {summary.total_seconds:.1f} 秒（{os.cpu_count()} 核）")
    return 0 if not summary.warnings else 1


__all__ = ["COUNTIES", "UNITS", "BulkSummary", "build_province", "county_plan", "county_rows", "run_bulk_demo"]
