"""Command line: `python -m dashboard extract|ingest|demo|evaluate|evaluate-layouts|bench ...`.

Each subcommand parses its arguments here and hands over to the module that owns the work.
"""
from __future__ import annotations

import argparse
import json
import sys

from dashboard import settings


def _cmd_extract(args: argparse.Namespace) -> int:
    from dashboard.ingest.extract import ExtractionError, extract_file

    status = 0
    for path in args.files:
        try:
            records = extract_file(path)
        except ExtractionError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 1
            continue
        objects = [r.to_contract() for r in records]
        payload = objects[0] if len(objects) == 1 else objects
        if args.json:
            print(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for obj in objects:
                print(f"{path}: {obj['project_name']} | {obj['department']} | {obj['year']} | "
                      f"预算 {obj['budget_wan']} 万元 | 支出 {obj['spent_wan']} 万元 | 自评 {obj['self_score']} {obj['grade']}")
    return status


def _cmd_ingest(args: argparse.Namespace) -> int:
    from dashboard.ingest.load import ingest_paths

    summary = ingest_paths(args.paths, db_path=args.db, progress=not args.quiet)
    return 0 if summary.ok else 1


def _cmd_rederive(args: argparse.Namespace) -> int:
    from dashboard.ingest.load import rederive
    from dashboard.warehouse import WarehouseError

    try:
        warnings = rederive(args.db)
    except WarehouseError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for warning in warnings:
        print(warning, file=sys.stderr)
    print("已按当前规则（data/rulebook.toml、data/aliases.csv、data/indicator_taxonomy.toml）重新计算规范名称、指标归类、标记与风险评分")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from dashboard.corpus.generate import run_demo

    return run_demo(args)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from dashboard.corpus.evaluate import run_evaluate

    return run_evaluate(args)


def _cmd_evaluate_layouts(args: argparse.Namespace) -> int:
    from dashboard.corpus.layout_accuracy import run_evaluate_layouts

    return run_evaluate_layouts(args)


def _cmd_export_parquet(args: argparse.Namespace) -> int:
    from dashboard.export_parquet import run_export

    return run_export(args)


def _cmd_corrections(args: argparse.Namespace) -> int:
    from dashboard.ingest.corrections_io import run_corrections

    return run_corrections(args)


def _cmd_bench(args: argparse.Namespace) -> int:
    from dashboard.bench import run_bench

    return run_bench(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="绩效评价分析：报告抽取、入库与演示数据")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print what is extracted from report files, without touching the warehouse")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help="one JSON object per report (an array for multi-report files)")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("ingest", help="load report files or folders (recursive) into the warehouse")
    p.add_argument("paths", nargs="+")
    p.add_argument("--db", default=None, help="warehouse file (default: PERF_WAREHOUSE_PATH or data/warehouse.duckdb)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("rederive", help="recompute names, indicator groups, corpus flags and risk after editing the rulebook, aliases or indicator taxonomy")
    p.add_argument("--db", default=None)
    p.set_defaults(func=_cmd_rederive)

    p = sub.add_parser("demo", help="write the deterministic demo corpus (and optionally load it)")
    p.add_argument("--seed", type=int, default=settings.get("demo_seed"))
    p.add_argument("--out", default="data/demo")
    p.add_argument("--units", type=int, default=None, help="number of budget units (default ~40)")
    p.add_argument("--years", type=int, default=None, help="number of fiscal years (default 7)")
    p.add_argument("--warehouse", action="store_true", help="also build the warehouse from the generated county corpus")
    p.add_argument("--db", default=None)
    p.add_argument("--reports", type=int, default=None,
                   help="province scale: this many reports over many counties, generated straight into the warehouse (no files)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("evaluate", help="compare extraction and flags with a corpus's ground truth")
    p.add_argument("dir")
    p.add_argument("--db", default=None, help="use this warehouse's corpus-level flags (default: extract afresh)")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("evaluate-layouts", help="extraction accuracy on layout twins of real reports, by family")
    p.add_argument("dir", nargs="?", default="tests/fixtures/real_layouts")
    p.add_argument("--suffix", default=".txt", help="which rendering of the twins to read (.txt, .docx, .pdf)")
    p.add_argument("--misses", action="store_true", help="list every field that does not match")
    p.set_defaults(func=_cmd_evaluate_layouts)

    p = sub.add_parser("export-parquet", help="write the warehouse's tables as Parquet partitioned by region (county) and year")
    p.add_argument("dir")
    p.add_argument("--db", default=None)
    p.set_defaults(func=_cmd_export_parquet)

    p = sub.add_parser("corrections", help="export or import corrections (CSV or JSON lines) so they outlive a rebuild")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", help=".csv or .jsonl")
    p.add_argument("--db", default=None)
    p.set_defaults(func=_cmd_corrections)

    from dashboard.auth.cli import add_parser as add_users_parser

    add_users_parser(sub)

    p = sub.add_parser("bench", help="print page-data latency figures")
    p.add_argument("--db", default=None)
    p.add_argument("--readers", type=int, default=8)
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
