"""`python -m dashboard evaluate DIR`: extraction and flags measured against the corpus's truth.

Every file is extracted afresh with the real extractor (two worker processes); corpus-level
flags come from a warehouse when --db names one.
"""
from __future__ import annotations

import argparse
import re
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from dashboard.corpus.truth import CATEGORY_KEYS, CORPUS_FLAGS, NAME_KEYS, NUMBER_KEYS, REPORT_FLAGS, read_truth

NUMBER_TOLERANCE = 0.005
TARGETS = {"names": 0.97, "numbers": 0.99, "clean_high_share": 0.05}
_PUNCT = re.compile(r"[\s。；;，,、.．:：()（）\[\]【】\"“”'‘’]|^\d+|^[一二三四五六七八九十]+")


def extract_one(path: str) -> tuple[str, list[dict] | str]:
    """(path, contract objects) or (path, the reason it failed), in a worker process."""
    from dashboard.ingest.extract import extract_file

    try:
        records = extract_file(path)
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none may stop the run
        return path, f"{type(exc).__name__}: {exc}"
    out = []
    for r in records:
        obj = r.to_contract()
        obj["firm"], obj["report_number"] = r.firm, r.report_number
        out.append(obj)
    return path, out


def _name(value: Any) -> str | None:
    if value is None:
        return None
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    return text or None


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) <= NUMBER_TOLERANCE + 1e-9
    except (TypeError, ValueError):
        return False


def _problem_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）.、．]?)\s*", "", text)
    return _PUNCT.sub("", text)


def _problems_match(truth: list[str], got: list[str]) -> bool:
    keys = [_problem_key(p) for p in got]
    for problem in truth:
        k = _problem_key(problem)
        if not any(k and g and (k in g or g in k) for g in keys):
            return False
    return len(got) == len(truth)


def _indicators_match(truth: list[dict], got: list[dict]) -> tuple[bool, int, int]:
    """(whole table right, rows right, rows in truth): a row is its level3, weight and score."""
    right = 0
    for i, t in enumerate(truth):
        if i < len(got):
            g = got[i]
            if (_name(t["level3"]) == _name(g.get("level3")) and _same_number(t["weight"], g.get("weight"))
                    and _same_number(t["score"], g.get("score"))):
                right += 1
    return right == len(truth) and len(got) == len(truth), right, len(truth)


def _rel(source: str, corpus_dir: Path) -> str:
    try:
        return Path(source).resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return Path(source).as_posix()


def _corpus_flags_from_db(db: str, corpus_dir: Path) -> dict[tuple[str, int], set[str]]:
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        rows = con.cursor().execute(
            "select e.source, e.record_index, f.code from flags f join evaluations e using (evaluation_id) "
            "where f.scope = 'corpus'"
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple[str, int], set[str]] = defaultdict(set)
    for source, index, code in rows:
        out[(_rel(source, corpus_dir), int(index))].add(code)
    return out


def evaluate_corpus(corpus_dir: str | Path, *, db: str | None = None, workers: int = 2) -> dict[str, Any]:
    """Per-field accuracy, per-flag precision/recall and the clean-report false-alarm share."""
    corpus_dir = Path(corpus_dir)
    truth = read_truth(corpus_dir)
    by_file: dict[str, list[dict]] = defaultdict(list)
    for entry in truth:
        by_file[entry["file"]].append(entry)
    files = sorted(by_file)
    paths = [str(corpus_dir / f) for f in files]
    results: dict[str, list[dict] | str] = {}
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for path, result in pool.map(extract_one, paths, chunksize=8):
                results[path] = result
    else:
        for path in paths:
            results[path] = extract_one(path)[1]

    fields = list(NAME_KEYS) + list(CATEGORY_KEYS) + list(NUMBER_KEYS) + ["evaluator_scores", "indicators", "problems"]
    right: Counter = Counter()
    total: Counter = Counter()
    misses: dict[str, list[str]] = defaultdict(list)
    miss_by_layout: dict[str, Counter] = defaultdict(Counter)
    row_right = row_total = 0
    failures: list[str] = []
    flag_tp: Counter = Counter()
    flag_fp: Counter = Counter()
    flag_fn: Counter = Counter()
    clean_total = clean_high = 0
    clean_high_examples: list[str] = []
    corpus_pred = _corpus_flags_from_db(db, corpus_dir) if db else None
    record_count = 0

    for f, path in zip(files, paths):
        result = results[path]
        if isinstance(result, str):
            failures.append(f"{f}: {result}")
            got_records: list[dict] = []
        else:
            got_records = result
        for entry in sorted(by_file[f], key=lambda e: e["index"]):
            record_count += 1
            t = entry["truth"]
            g = got_records[entry["index"]] if entry["index"] < len(got_records) else {}
            where = f"{entry['layout']}/{entry['format']}" + (f"/{entry['table_style']}" if entry["table_style"] else "")
            for key in fields:
                if key in NAME_KEYS or key in CATEGORY_KEYS:
                    ok = _name(t[key]) == _name(g.get(key))
                elif key in NUMBER_KEYS:
                    ok = _same_number(t[key], g.get(key))
                elif key == "evaluator_scores":
                    got = g.get("evaluator_scores") or []
                    ok = len(got) == len(t[key]) and all(_same_number(a, b) for a, b in zip(t[key], got))
                elif key == "indicators":
                    ok, rr, rt = _indicators_match(t["indicators"], g.get("indicators") or [])
                    row_right += rr
                    row_total += rt
                else:
                    ok = _problems_match(t["problems"], g.get("problems") or [])
                total[key] += 1
                if ok:
                    right[key] += 1
                else:
                    miss_by_layout[key][where] += 1
                    if len(misses[key]) < 3:
                        shown = g.get(key) if key not in ("indicators", "problems") else f"{len(g.get(key) or [])} 条"
                        expected = t[key] if key not in ("indicators", "problems") else f"{len(t[key])} 条"
                        misses[key].append(f"{f}#{entry['index']}: 应为 {expected!r}，抽取 {shown!r}")
            got_flags = {fl["code"]: fl.get("severity") for fl in (g.get("flags") or [])}
            true_flags = set(entry["report_flags"])
            for code in REPORT_FLAGS:
                if code in true_flags and code in got_flags:
                    flag_tp[code] += 1
                elif code in got_flags:
                    flag_fp[code] += 1
                elif code in true_flags:
                    flag_fn[code] += 1
            if corpus_pred is not None:
                pred = corpus_pred.get((entry["file"], entry["index"]), set())
                for code in CORPUS_FLAGS:
                    if code in entry["corpus_flags"] and code in pred:
                        flag_tp[code] += 1
                    elif code in pred:
                        flag_fp[code] += 1
                    elif code in entry["corpus_flags"]:
                        flag_fn[code] += 1
            if not true_flags and not entry["corpus_flags"]:
                clean_total += 1
                if "high" in got_flags.values():
                    clean_high += 1
                    if len(clean_high_examples) < 5:
                        high = sorted(c for c, sev in got_flags.items() if sev == "high")
                        clean_high_examples.append(f"{f}#{entry['index']}: {'、'.join(high)}")

    accuracy = {key: (right[key] / total[key] if total[key] else None) for key in fields}
    flags = {}
    for code in REPORT_FLAGS + (CORPUS_FLAGS if corpus_pred is not None else ()):
        tp, fp, fn = flag_tp[code], flag_fp[code], flag_fn[code]
        flags[code] = {
            "true": tp + fn, "predicted": tp + fp, "found": tp,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
        }
    return {
        "files": len(files), "records": record_count, "failed_files": failures,
        "accuracy": accuracy, "indicator_rows": row_right / row_total if row_total else None,
        "misses": dict(misses), "miss_by_layout": {k: dict(v.most_common(5)) for k, v in miss_by_layout.items()},
        "flags": flags, "clean_records": clean_total,
        "clean_high_share": clean_high / clean_total if clean_total else None,
        "clean_high_examples": clean_high_examples,
    }


def _pct(value: float | None) -> str:
    return "  —  " if value is None else f"{value * 100:5.1f}%"


def print_report(metrics: dict[str, Any]) -> None:
    print(f"语料：{metrics['files']} 个文件，{metrics['records']} 条评价记录；抽取失败 {len(metrics['failed_files'])} 个文件")
    for line in metrics["failed_files"][:5]:
        print(f"  失败：{line}")
    print("\n字段准确率（数值容差 0.005；名称去空白后完全一致）")
    print(f"{'字段':<26}{'准确率':>8}  {'目标':>6}")
    for key, value in metrics["accuracy"].items():
        target = TARGETS["names"] if key in ("project_name", "department") else TARGETS["numbers"] if key in NUMBER_KEYS else None
        mark = "" if target is None or value is None else ("  ✓" if value >= target else "  ✗")
        print(f"{key:<26}{_pct(value):>8}  {(_pct(target) if target else ''):>6}{mark}")
    print(f"{'indicator rows':<26}{_pct(metrics['indicator_rows']):>8}")
    print("\n标记（precision = 抽取标记中正确的比例，recall = 真实标记被发现的比例）")
    print(f"{'标记':<30}{'真实':>6}{'抽取':>6}{'precision':>11}{'recall':>9}")
    for code, m in metrics["flags"].items():
        print(f"{code:<30}{m['true']:>6}{m['predicted']:>6}{_pct(m['precision']):>11}{_pct(m['recall']):>9}")
    share = metrics["clean_high_share"]
    print(f"\n无问题报告 {metrics['clean_records']} 条，其中被标为高风险（high）的比例：{_pct(share)}（目标 ≤ 5%）")
    for example in metrics["clean_high_examples"]:
        print(f"  误报示例：{example}")
    if metrics["misses"]:
        print("\n未命中示例（字段：布局/格式 次数）")
        for key, where in metrics["miss_by_layout"].items():
            print(f"  {key}: " + "，".join(f"{w} {n}" for w, n in where.items()))
            for example in metrics["misses"].get(key, []):
                print(f"      {example}")


def run_evaluate(args: argparse.Namespace) -> int:
    corpus_dir = Path(args.dir)
    if not (corpus_dir / "truth.jsonl").is_file():
        print(f"{corpus_dir} 中没有真值文件 truth.jsonl，请先运行 python -m dashboard demo --out {corpus_dir}")
        return 1
    metrics = evaluate_corpus(corpus_dir, db=args.db)
    print_report(metrics)
    return 0
