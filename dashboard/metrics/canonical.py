"""Canonical department and project names, and the project_key that links a project's years.

Owns the table canonical_names, which `refresh(con)` rewrites from the view evaluation_corrected;
the staging view evaluation_facts reads it. The loader calls refresh after every load or correction.

Department names: width and spacing folded (NFKC), Traditional to Simplified, a county prefix
(富民县财政局, 县财政局) split from the unit name so that every spelling of one unit in one county is
one unit, aliases from data/aliases.csv, and rapidfuzz near matches within one county. The
canonical label keeps the county (富民县财政局) so that units of different counties stay apart.
Projects: code, year and department prefixes removed, then linked within one department by exact
or near match (never two different names of the same year).
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from dashboard import settings
from dashboard.metrics.text import fold
from dashboard.warehouse import replace_rows

# A near match is only taken at or above this rapidfuzz ratio (0-100).
DEPARTMENT_MATCH_RATIO = 90.0
PROJECT_MATCH_RATIO = 90.0

_QUOTES = re.compile(r"[“”\"'‘’《》「」『』<>]")
_PUNCT = re.compile(r"[，,。.、;；:：!！?？()（）\[\]【】{}\-—_/\\·•]")
_ADMIN_PREFIX = re.compile(r"^([\u4e00-\u9fff]{1,7}?(?:自治县|自治州|自治区|县|市|区|旗|州|省))")
_GENERIC_PREFIX = ("县", "市", "区")
_PARTY_ORGAN = re.compile(r"^([\u4e00-\u9fff]{2,6}?[县市区])(委[\u4e00-\u9fff]+)$")
_GENERIC_WORDS = frozenset({"市场", "区域", "县域", "市政", "市容", "区划"})
# Words that end like a place name but are part of a unit's name.
_NOT_PLACES = frozenset({
    "城市", "超市", "都市", "城区", "社区", "园区", "景区", "郊区", "市区", "地区", "山区", "牧区",
    "辖区", "片区", "校区", "街区", "新区", "开发区", "高新区", "保税区", "工业区", "示范区", "管理区",
})
_UNIT_ENDINGS = tuple("局委办院所站心馆队会部厅处室校学园府道镇乡社团台场司营库行组中")
_NUMERALS = re.compile(r"[0-9一二三四五六七八九十百零〇两]")
_CODE_PREFIX = re.compile(r"^[0-9A-Z]{10,}[-—_:：\s]*")
_YEAR_PREFIX = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})(?:年度|年)?(?:度)?")
_REPORT_SUFFIX = re.compile(r"(?:项目)?(?:支出)?(?:绩效)?(?:自评|评价)?(?:报告|表)$")


def _looks_like_unit(rest: str) -> bool:
    return len(rest) >= 2 and rest.endswith(_UNIT_ENDINGS) and not rest.startswith("委")


@lru_cache(maxsize=65536)
def county_of_region(region: str | None) -> str | None:
    """The county or city a region names: the last administrative unit (昆明市富民县 -> 富民县)."""
    folded = fold(region)
    if not folded:
        return None
    parts = re.findall(r"[\u4e00-\u9fff]{1,7}?(?:自治县|县|市|区|旗)", folded)
    parts = [p for p in parts if p not in _NOT_PLACES]
    return parts[-1] if parts else folded


def split_county(name: str, known_places: frozenset[str] = frozenset()) -> tuple[str | None, str]:
    """(county named in the prefix or None, the unit name without place prefixes)."""
    return _split_county(name, tuple(sorted(known_places, key=lambda p: (-len(p), p))))


@lru_cache(maxsize=262144)
def _split_county(name: str, known_places: tuple[str, ...]) -> tuple[str | None, str]:
    county = None
    rest = name
    while True:
        place = next((p for p in known_places if rest.startswith(p) and _looks_like_unit(rest[len(p):])), None)
        if place is None:
            match = _ADMIN_PREFIX.match(rest)
            if match and match.group(1) not in _NOT_PLACES and match.group(1)[0] not in "县市区省州" \
                    and rest[match.end() - 1:match.end() + 1] not in _GENERIC_WORDS \
                    and _looks_like_unit(rest[match.end():]):
                place = match.group(1)
        if place is None:
            party = _PARTY_ORGAN.match(rest)
            if county is None and party and party.group(1) not in _NOT_PLACES and party.group(1)[0] not in "县市区省州":
                # "富民县委编办": the county's party-committee organ, the same unit as "县委编办".
                return party.group(1), party.group(1)[-1] + party.group(2)
            break
        if not place.endswith(("省", "州", "自治区")):
            county = place
        rest = rest[len(place):]
    if county is None and rest[:1] in _GENERIC_PREFIX and rest[:2] not in _GENERIC_WORDS \
            and _looks_like_unit(rest[1:]):
        rest = rest[1:]
    return county, rest


def department_label(county: str | None, unit: str) -> str:
    """What the dashboard shows: the county and the unit (富民县 + 财政局 -> 富民县财政局)."""
    if not county:
        return unit
    if unit.startswith(county):
        return unit
    if unit[1:2] == "委" and unit[:1] == county[-1:]:
        return county + unit[1:]  # 富民县 + 县委编办 -> 富民县委编办
    return county + unit


@lru_cache(maxsize=262144)
def project_forms(project_name: str | None, department: str | None) -> tuple[str | None, str | None]:
    """(display form, match form) of a project name: code, year, unit and report-type words removed."""
    display = fold(project_name)
    if not display:
        return None, None
    display = _CODE_PREFIX.sub("", display)
    display = _YEAR_PREFIX.sub("", display)
    dept = fold(department)
    if dept:
        _, unit = split_county(dept)
        for prefix in (dept, unit):
            if prefix and display.startswith(prefix) and len(display) > len(prefix) + 1:
                display = _YEAR_PREFIX.sub("", display[len(prefix):])
                break
    stripped = _REPORT_SUFFIX.sub("", display)
    display = stripped if len(stripped) >= 2 else display
    match = _PUNCT.sub("", _QUOTES.sub("", display)).lower()
    if match.endswith("项目") and len(match) > 4:
        match = match[:-2]
    return display, (match or None)


def _same_numerals(a: str, b: str) -> bool:
    return _NUMERALS.findall(a) == _NUMERALS.findall(b)


def _near(a: str, b: str, score: float, ratio: float) -> bool:
    """A near match: the ratio, or one character typed wrong in a name of five or more characters."""
    if not _same_numerals(a, b):
        return False
    if score >= ratio:
        return True
    return min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b) == 1


@dataclass
class Aliases:
    """Editable name aliases (data/aliases.csv: alias,canonical,kind), keys folded."""

    department: dict[str, str] = field(default_factory=dict)
    project: dict[str, str] = field(default_factory=dict)


def load_aliases(path: str | Path | None = None) -> Aliases:
    """The alias file as folded lookups; a missing file means no aliases."""
    path = Path(path or settings.get("aliases_path"))
    aliases = Aliases()
    if not path.exists():
        return aliases
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.lstrip().startswith("#")):
            alias, canonical = fold(row.get("alias")), fold(row.get("canonical"))
            kind = (row.get("kind") or "department").strip()
            if not alias or not canonical:
                continue
            if kind == "project":
                aliases.project[_PUNCT.sub("", _QUOTES.sub("", alias)).lower()] = canonical
            else:
                aliases.department[alias] = canonical
    return aliases


def _cluster(forms: Counter, ratio: float, years: dict[str, set] | None = None) -> dict[str, str]:
    """Each form mapped to its representative: most frequent first, near matches joined to it."""
    ordered = sorted(forms, key=lambda f: (-forms[f], f))
    representatives: list[str] = []
    cluster_years: dict[str, set] = {}
    mapping: dict[str, str] = {}
    for form in ordered:
        target = None
        if representatives and ratio <= 100:  # above 100: exact names only
            for candidate, score, _ in process.extract(form, representatives, scorer=fuzz.ratio,
                                                       score_cutoff=min(ratio, 75.0), limit=5):
                if not _near(form, candidate, score, ratio):
                    continue
                if years is not None and years[form] & cluster_years[candidate]:
                    continue  # two names in one year are two projects
                target = candidate
                break
        if target is None:
            representatives.append(form)
            cluster_years[form] = set(years[form]) if years is not None else set()
            target = form
        elif years is not None:
            cluster_years[target] |= years[form]
        mapping[form] = target
    return mapping


def canonical_names_frame(evaluations: pl.DataFrame, aliases: Aliases | None = None) -> pl.DataFrame:
    """One row per evaluation: its county, canonical department, canonical project and project_key.

    Input columns: evaluation_id, department, region, project_name, year.
    """
    aliases = aliases or Aliases()
    rows = evaluations.select("evaluation_id", "department", "region", "project_name", "year").to_dicts()
    known_places = frozenset(c for c in (county_of_region(r["region"]) for r in rows) if c)

    # Departments: (county, unit) per distinct (department, region), then near matches within each county.
    places = tuple(sorted(known_places, key=lambda p: (-len(p), p)))
    unit_memo: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}

    def unit_and_county(department: str | None, region: str | None) -> tuple[str | None, str | None]:
        name = fold(department)
        if not name:
            return county_of_region(region), None
        if name in aliases.department:  # an alias applies once, to the full name or else the unit
            county, unit = _split_county(aliases.department[name], places)
        else:
            county, unit = _split_county(name, places)
            if unit in aliases.department:
                alias_county, unit = _split_county(aliases.department[unit], places)
                county = county or alias_county
        return county or county_of_region(region), unit

    unit_of: list[tuple[str | None, str | None]] = []
    for row in rows:
        key = (row["department"], row["region"])
        if key not in unit_memo:
            unit_memo[key] = unit_and_county(*key)
        unit_of.append(unit_memo[key])

    units_by_county: dict[str | None, Counter] = defaultdict(Counter)
    for county, unit in unit_of:
        if unit:
            units_by_county[county][unit] += 1
    unit_map: dict[tuple[str | None, str], str] = {}
    for county, forms in units_by_county.items():
        for form, rep in _cluster(forms, DEPARTMENT_MATCH_RATIO).items():
            unit_map[(county, form)] = rep
    # A unit named without its county ("县财政局") is the county's unit when exactly one county in the
    # warehouse has a unit of that name; when several do, nothing is assumed.
    counties_of_unit: dict[str, set[str]] = defaultdict(set)
    for county, form in unit_map:
        if county:
            counties_of_unit[form].add(county)

    departments: list[tuple[str | None, str | None]] = []
    for county, unit in unit_of:
        if unit is None:
            departments.append((county, None))
            continue
        rep = unit_map[(county, unit)]
        candidates = counties_of_unit.get(rep, set())
        if county is None and len(candidates) == 1:
            county = next(iter(candidates))
            rep = unit_map[(county, rep)]
        departments.append((county, department_label(county, rep)))

    # Projects: linked within one canonical department.
    forms_by_department: dict[str | None, Counter] = defaultdict(Counter)
    years_by_department: dict[str | None, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    project_of: list[tuple[str | None, str | None]] = []
    for row, (_, department) in zip(rows, departments):
        display, match = project_forms(row["project_name"], row["department"])
        if match:
            match = fold(aliases.project.get(match)) or match
            forms_by_department[department][match] += 1
            years_by_department[department][match].add(row["year"])
        project_of.append((display, match))
    project_map: dict[tuple[str | None, str], str] = {}
    for department, forms in forms_by_department.items():
        ratio = PROJECT_MATCH_RATIO if department else 101.0  # no department: exact names only
        for form, rep in _cluster(forms, ratio, years_by_department[department]).items():
            project_map[(department, form)] = rep
    display_of_rep: dict[tuple[str | None, str], str] = {}
    for (display, match), (_, department) in zip(project_of, departments):
        if match and project_map[(department, match)] == match:
            display_of_rep.setdefault((department, match), display)

    out = []
    for row, (county, department), (display, match) in zip(rows, departments, project_of):
        if match:
            rep = project_map[(department, match)]
            key = "p" + hashlib.sha1(f"{department or ''}|{rep}".encode()).hexdigest()[:12]
            project = display_of_rep.get((department, rep), display)
        else:
            key, project = row["evaluation_id"], None
        out.append({
            "evaluation_id": row["evaluation_id"],
            "department_source": row["department"],
            "region_source": row["region"],
            "project_source": row["project_name"],
            "county": county,
            "department_canonical": department,
            "project_canonical": project,
            "project_key": key,
        })
    schema = {name: pl.String for name in (
        "evaluation_id", "department_source", "region_source", "project_source", "county",
        "department_canonical", "project_canonical", "project_key")}
    return pl.DataFrame(out, schema=schema)


def refresh(con, aliases_path: str | Path | None = None) -> int:
    """Rewrite canonical_names from evaluation_corrected; returns the number of rows written."""
    cur = con.cursor()
    evaluations = cur.sql(
        "select evaluation_id, department, region, project_name, year from evaluation_corrected"
    ).pl()
    names = canonical_names_frame(evaluations, load_aliases(aliases_path))
    return replace_rows(con, "canonical_names", names)
