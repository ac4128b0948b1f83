"""Extraction accuracy on layout twins of real published reports (tests/fixtures/real_layouts).

Each twin `NAME.txt` (or `.docx`, `.pdf`) has `NAME.expected.json` beside it, written by hand:
`{"meta": {...family...}, "records": [...]}`. A checked field is one key of one expected record,
null included (a value where the report states none is as wrong as a missing one). `indicators`
and `problems` are one field each, checked only where the expected record lists them.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SCALARS = ("project_name", "department", "supervising_department", "region", "kind", "year",
           "budget_wan", "initial_budget_wan", "received_wan", "spent_wan", "stated_execution_rate",
           "execution_rate", "self_score", "grade", "execution_weight", "execution_score")
NAMES = ("project_name", "department", "supervising_department")
LISTS = ("indicators", "problems")


def _norm_name(value) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"[\s“”\"'《》「」]", "", text) or None


def _same_number(got, want) -> bool:
    if got is None or want is None:
        return got is None and want is None
    try:
        return math.isclose(float(got), float(want), rel_tol=1e-6, abs_tol=0.005)
    except (TypeError, ValueError):
        return False


def same_field(name: str, got, want) -> bool:
    """Whether an extracted value matches the hand-written one, by the field's own rule."""
    if name in ("indicators",):
        return _same_indicators(got or [], want or [])
    if name == "problems":
        return _same_problems(got or [], want or [])
    if isinstance(want, (int, float)) and not isinstance(want, bool) or isinstance(got, (int, float)) \
            and not isinstance(got, bool):
        return _same_number(got, want)
    if name in NAMES or name == "region":
        return _norm_name(got) == _norm_name(want)
    return got == want


def _same_indicators(got: list[dict], want: list[dict]) -> bool:
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        for key in ("level1", "level2", "level3"):
            if key in w and _norm_name(g.get(key)) != _norm_name(w[key]):
                return False
        for key in ("weight", "score"):
            if key in w and not _same_number(g.get(key), w[key]):
                return False
    return True


def _same_problems(got: list[str], want: list[str]) -> bool:
    if len(got) != len(want):
        return False
    return all((_norm_name(w) or "") in (_norm_name(g) or "") or (_norm_name(g) or "") in (_norm_name(w) or "")
               for g, w in zip(got, want))


@dataclass
class TwinResult:
    name: str
    family: str
    refused: str | None = None
    checked: int = 0
    correct: int = 0
    names_checked: int = 0
    names_correct: int = 0
    misses: list[str] = field(default_factory=list)


def twins(folder: Path, suffix: str = ".txt") -> list[tuple[Path, dict]]:
    """Every twin file with this suffix that has an expected record beside it, by name."""
    out = []
    for expected in sorted(folder.glob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        path = expected.with_name(stem + suffix)
        if path.exists():
            out.append((path, json.loads(expected.read_text(encoding="utf-8"))))
    return out


def score_twin(path: Path, expected: dict, contracts: list[dict] | None) -> TwinResult:
    """Compare extracted contracts (None: the file was refused) with the expected records."""
    result = TwinResult(name=path.name, family=expected.get("meta", {}).get("family", "?"))
    wanted = expected["records"]
    if contracts is None:
        # Refusing a file that holds nothing recognisable (no expected record) is right.
        result.refused = "refused" if wanted else None
        contracts = []
    got_list = _align(contracts, wanted)
    for want, got in zip(wanted, got_list):
        for key in SCALARS + LISTS:
            if key not in want:
                continue
            value = got.get(key) if got is not None else None
            ok = got is not None and same_field(key, value, want[key])
            result.checked += 1
            result.correct += ok
            if key in NAMES:
                result.names_checked += 1
                result.names_correct += ok
            if not ok:
                shown = f"{len(value)} rows" if isinstance(value, list) else value
                wanted_shown = f"{len(want[key])} rows" if isinstance(want[key], list) else want[key]
                result.misses.append(f"{key}: {shown!r} != {wanted_shown!r}")
    if len(contracts) > len(wanted):
        result.misses.append(f"{len(contracts) - len(wanted)} extra record(s)")
    return result


def _align(contracts: list[dict], wanted: list[dict]) -> list[dict | None]:
    """Extracted records paired with expected ones: in order, or by project name when counts differ."""
    if len(contracts) == len(wanted):
        return list(contracts)
    pool = list(contracts)
    out: list[dict | None] = []
    for want in wanted:
        match = next((c for c in pool if _norm_name(c.get("project_name")) == _norm_name(want.get("project_name"))), None)
        if match is None and pool and len(wanted) == 1:
            match = pool[0]
        if match is not None:
            pool.remove(match)
        out.append(match)
    return out


def extract_contracts(path: Path) -> list[dict] | None:
    from dashboard.ingest.errors import ExtractionError
    from dashboard.ingest.extract import extract_file

    try:
        return [r.to_contract() for r in extract_file(path, use_manifest=False)]
    except ExtractionError:
        return None
    except Exception as exc:  # a crash is scored as a refusal, and said
        print(f"{path.name}: 抽取出错 {type(exc).__name__}: {exc}", flush=True)
        return None


def evaluate_folder(folder: Path, suffix: str = ".txt") -> list[TwinResult]:
    return [score_twin(path, expected, extract_contracts(path)) for path, expected in twins(folder, suffix)]


def summary_lines(results: list[TwinResult]) -> list[str]:
    by_family: dict[str, list[TwinResult]] = defaultdict(list)
    for r in results:
        by_family[r.family].append(r)
    lines = [f"{'family':<28}{'twins':>6}{'refused':>9}{'fields':>10}{'names':>10}"]

    def row(label: str, group: list[TwinResult]) -> str:
        checked = sum(r.checked for r in group)
        names = sum(r.names_checked for r in group)
        fields = sum(r.correct for r in group) / checked if checked else 1.0
        name_share = sum(r.names_correct for r in group) / names if names else 1.0
        refused = sum(1 for r in group if r.refused)
        return f"{label:<28}{len(group):>6}{refused:>9}{fields:>9.1%}{name_share:>10.1%}"

    for family in sorted(by_family):
        lines.append(row(family, by_family[family]))
    lines.append(row("all", results))
    return lines


def totals(results: list[TwinResult]) -> dict[str, float]:
    checked = sum(r.checked for r in results)
    names = sum(r.names_checked for r in results)
    return {
        "fields": sum(r.correct for r in results) / checked if checked else 1.0,
        "names": sum(r.names_correct for r in results) / names if names else 1.0,
        "refused": sum(1 for r in results if r.refused),
        "twins": len(results),
    }


def run_evaluate_layouts(args) -> int:
    folder = Path(args.dir)
    results = evaluate_folder(folder, args.suffix)
    if not results:
        print(f"{folder}: 没有找到带 .expected.json 的样本", flush=True)
        return 1
    for line in summary_lines(results):
        print(line)
    if args.misses:
        for r in results:
            if r.misses or r.refused:
                print(f"\n{r.name} ({r.family}){' REFUSED' if r.refused else ''}")
                for miss in r.misses:
                    print(f"  {miss}")
    return 0
