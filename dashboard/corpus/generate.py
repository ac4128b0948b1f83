"""`python -m dashboard demo`: write the deterministic county corpus, its truth, and optionally the warehouse.

The corpus only ever goes into the warehouse through the real ingest (dashboard.ingest.load),
never from the truth file.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

from dashboard.corpus import gen_forms, gen_noise, gen_text
from dashboard.corpus.gen_model import ReportSpec, build_specs
from dashboard.corpus.truth import TRUTH_NAME, write_truth
from dashboard.ingest.document import Document

FORMAT_WEIGHTS = (("txt", 0.55), ("docx", 0.30), ("pdf", 0.15))
TABLE_STYLES = (("cell", 0.5), ("tab", 0.3), ("pipe", 0.2))
# Shapes of the forms drawn by dashboard.corpus.forms (web pages: cells, pipe, flat; workbooks).
FORMS_SHAPES = (("docx", 0.25), ("pdf", 0.1), ("xlsx", 0.2), ("xlsx_sheets", 0.1), ("cells", 0.1), ("pipe", 0.15), ("flat", 0.1))
BUNDLE_RATE = 0.35  # a unit-year's forms published together on one page / in one file


def _pick(rng: random.Random, options) -> str:
    x = rng.random() * sum(w for _, w in options)
    for name, w in options:
        x -= w
        if x < 0:
            return name
    return options[-1][0]


def render(spec: ReportSpec) -> list:
    if spec.layout == "form":
        return gen_forms.render_form(spec)
    if spec.layout == "narrative_only":
        return gen_text.narrative(spec, with_table=False)
    if spec.layout == "narrative_table":
        return gen_text.narrative(spec, with_table=True)
    if spec.layout == "basic_info":
        return gen_text.basic_info(spec)
    if spec.layout == "short":
        return gen_text.short(spec)
    if spec.layout == "department":
        return gen_text.department(spec)
    return gen_text.external(spec)


def group_files(specs: list[ReportSpec], rng: random.Random) -> list[list[ReportSpec]]:
    """One file per report, except a unit-year's forms that are sometimes bundled into one file."""
    files: list[list[ReportSpec]] = []
    bundles: dict[tuple[str, int], list[ReportSpec]] = {}
    for spec in specs:
        if spec.layout == "form":
            bundles.setdefault((spec.unit.short, spec.year), []).append(spec)
    bundled: set[str] = set()
    for key in sorted(bundles):
        group = bundles[key]
        if len(group) >= 2 and rng.random() < BUNDLE_RATE:
            bundled.update(s.key for s in group)
    seen: set[str] = set()
    for spec in specs:
        if spec.key in seen:
            continue
        if spec.key in bundled:
            group = bundles[(spec.unit.short, spec.year)]
            files.append(group)
            seen.update(s.key for s in group)
        else:
            files.append([spec])
            seen.add(spec.key)
    return files


def _file_tag(group: list[ReportSpec]) -> str:
    spec = group[0]
    if len(group) > 1:
        return "项目支出绩效自评表汇总"
    return {"form": "绩效自评表", "department": "部门整体支出自评报告", "external": "重点绩效评价报告"}.get(
        spec.layout, "绩效自评报告")


def _write_file(job: tuple) -> dict:
    """Render, add noise and write one file; its own Random keeps the result independent of order."""
    out, rel, group, file_seed, forms_shape = job
    rng = random.Random(file_seed)
    if forms_shape:
        return _write_forms_file(out, rel, group, forms_shape)
    fmt = _pick(rng, FORMAT_WEIGHTS)
    table_style = _pick(rng, TABLE_STYLES)
    encoding = "gbk" if rng.random() < 0.15 else "utf-8"
    crlf = rng.random() < 0.15
    wrap = rng.random() < 0.10
    noise = {"fullwidth": rng.random() < 0.12, "spaced": rng.random() < 0.30, "bookmarks": rng.random() < 0.35}
    blocks = []
    for spec in group:
        blocks.extend(render(spec))
    rel = f"{rel}.{fmt}"
    path = Path(out) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document(source=str(path), format=fmt, blocks=blocks)
    gen_noise.add_noise(doc, rng, bookmarks=noise["bookmarks"] and fmt == "txt",
                        fullwidth=noise["fullwidth"], spaced=noise["spaced"])
    _write(doc, path, fmt, rng, table_style=table_style, encoding=encoding, crlf=crlf, wrap=wrap)
    txt = fmt == "txt"
    return {"file": rel, "format": fmt, "table_style": table_style if txt else None,
            "encoding": encoding if txt else None, "crlf": crlf and txt, "wrapped": wrap and txt, "noise": noise}


def _write_forms_file(out: str, rel: str, group: list[ReportSpec], shape: str) -> dict:
    from dashboard.corpus import forms

    rel = f"{rel}.{gen_forms.SHAPE_EXT[shape]}"
    path = Path(out) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    forms.write_forms([gen_forms.form_values(s) for s in group], shape, path)
    fmt = gen_forms.SHAPE_EXT[shape]
    return {"file": rel, "format": fmt, "table_style": f"forms:{shape}", "encoding": "utf-8" if fmt == "txt" else None,
            "crlf": False, "wrapped": False, "noise": {}}


def _far_above_peers(spec: ReportSpec) -> bool:
    """Besides planted outliers: 97+ claimed under 78% execution, where truthful peers score about 80."""
    rate = spec.execution_rate
    return rate is not None and spec.self_score is not None and rate < 78 and spec.self_score >= 97


def write_corpus(out: Path, seed: int, n_units: int | None, n_years: int | None, *, workers: int = 2) -> dict:
    """Write every file and truth.jsonl under `out`; returns counts for the summary line."""
    specs = build_specs(seed, n_units, n_years)
    rng = random.Random(seed * 7919 + 17)  # file-level choices, separate from the figures
    groups = group_files(specs, rng)
    jobs = []
    for seq, group in enumerate(groups, 1):
        spec = group[0]
        rel = f"{spec.year}/{seq:04d}_{spec.unit.short}_{_file_tag(group)}"
        forms_shape = None
        if spec.layout == "form" and (any(s.framework == "F4" for s in group) or rng.random() < 0.3):
            shapes = FORMS_SHAPES if len(group) > 1 else tuple(x for x in FORMS_SHAPES if x[0] != "xlsx_sheets")
            forms_shape = _pick(rng, shapes)
            for s in group:
                s.form_renderer = "forms"
        jobs.append((str(out), rel, group, seed * 1_000_003 + seq, forms_shape))
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            written = list(pool.map(_write_file, jobs, chunksize=16))
    else:
        written = [_write_file(job) for job in jobs]
    truth: list[dict] = []
    formats: dict[str, int] = {}
    for group, meta in zip(groups, written):
        formats[meta["format"]] = formats.get(meta["format"], 0) + 1
        for index, record in enumerate(group):
            record.file, record.index = meta["file"], index
            corpus_flags = []
            if "PEER_OUTLIER" in record.planted or _far_above_peers(record):
                corpus_flags.append("PEER_OUTLIER")
            if record.copy_group:
                corpus_flags.append("BOILERPLATE")
            truth.append({
                **meta, "index": index, "records_in_file": len(group), "key": record.key,
                "unit": record.unit.short, "layout": record.layout, "framework": record.framework,
                "habit": record.habit, "planted": record.planted, "copy_group": record.copy_group,
                "truth": record.truth(), "report_flags": record.report_flags(), "corpus_flags": corpus_flags,
            })
    write_truth(out / TRUTH_NAME, truth)
    return {"files": len(groups), "records": len(truth), "formats": formats}


def _write(doc: Document, path: Path, fmt: str, rng: random.Random, *, table_style: str, encoding: str,
           crlf: bool, wrap: bool) -> None:
    if fmt == "txt":
        text = gen_noise.to_text(doc, rng, table_style=table_style, wrap=wrap)
        if crlf:
            text = text.replace("\n", "\r\n")
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("gb18030")
        path.write_bytes(data)
        return
    from dashboard.corpus import writers

    if fmt == "docx":
        writers.write_docx(doc, path)
    else:
        writers.write_pdf(doc, path)


def _prepare_out(out: Path) -> str | None:
    """An empty folder to write into; a previous corpus (it has truth.jsonl) is replaced."""
    if out.exists():
        if (out / TRUTH_NAME).is_file():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            return f"输出目录 {out} 非空且不是演示语料目录（缺少 {TRUTH_NAME}），未写入任何文件"
    out.mkdir(parents=True, exist_ok=True)
    return None


def run_demo(args: argparse.Namespace) -> int:
    if getattr(args, "reports", None) is not None:  # province scale: straight into the warehouse
        from dashboard.corpus.bulk import run_bulk_demo

        return run_bulk_demo(args)
    out = Path(args.out)
    problem = _prepare_out(out)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    started = time.perf_counter()
    summary = write_corpus(out, args.seed, args.units, args.years)
    elapsed = time.perf_counter() - started
    formats = "，".join(f"{k} {v}" for k, v in sorted(summary["formats"].items()))
    print(f"演示语料已生成：{summary['files']} 个文件，{summary['records']} 条评价记录（{formats}），"
          f"目录 {out}，用时 {elapsed:.1f} 秒；真值文件 {out / TRUTH_NAME}")
    if not getattr(args, "warehouse", False):
        return 0
    return _build_warehouse(out, args.db)


def _build_warehouse(out: Path, db: str | None) -> int:
    try:
        from dashboard.ingest.load import ingest_paths
    except ImportError:
        print("入库模块尚不可用（dashboard.ingest.load），未建立数据仓库", file=sys.stderr)
        return 1
    from dashboard.ingest.readers import SUPPORTED_EXTENSIONS

    # The demo county's report files only: the truth file beside them is not a report, and the
    # reference reports (another province, another year) stay test fixtures.
    paths = [str(p) for p in sorted(out.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS]
    started = time.perf_counter()
    summary = ingest_paths(paths, db_path=db, progress=sys.stderr.isatty())
    elapsed = time.perf_counter() - started
    print(f"数据仓库已建立：{db or '默认路径'}，入库用时 {elapsed:.1f} 秒")
    return 0 if getattr(summary, "ok", True) else 1
