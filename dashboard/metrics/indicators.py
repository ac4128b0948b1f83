"""Indicator headings filed by the indicator taxonomy (data/indicator_taxonomy.toml): classify one row's
一级/二级/三级指标, and own the indicator_groups table that indicator_facts joins."""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from dashboard import settings
from dashboard.ingest.normalize import normalize_text, to_simplified
from dashboard.warehouse import replace_rows

GROUPS_SCHEMA = {
    "level1": pl.String, "level2": pl.String, "level3": pl.String,
    "level1_group": pl.String, "level2_group": pl.String, "indicator": pl.String, "indicator_group": pl.String,
}


class TaxonomyError(ValueError):
    """The taxonomy file cannot be used as written (message in Chinese)."""


@dataclass(frozen=True)
class Rule:
    """Gives `group` (a group, or a folded name) to a heading where `pattern` is found and `unless` is not."""

    group: str
    pattern: re.Pattern
    unless: re.Pattern | None = None

    def matches(self, text: str | None) -> bool:
        return bool(text) and bool(self.pattern.search(text)) and not (self.unless and self.unless.search(text))


@dataclass(frozen=True)
class Taxonomy:
    groups: tuple[str, ...]
    other: str
    strip: tuple[re.Pattern, ...]
    decisive: tuple[Rule, ...]
    level1: tuple[Rule, ...]
    level2: tuple[Rule, ...]
    level3: tuple[Rule, ...]
    indicator_names: tuple[Rule, ...]
    level2_names: tuple[Rule, ...]


def taxonomy_path() -> Path:
    """The taxonomy file in use (setting indicator_taxonomy_path)."""
    return Path(settings.get("indicator_taxonomy_path"))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy as the file says now (read on every call, so the next rederive sees an edit)."""
    path = Path(path) if path is not None else taxonomy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(f"无法读取指标分类文件 {path}：{exc}") from exc
    return parse_taxonomy(text)


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise TaxonomyError(f"指标分类文件 {where} 的正则表达式有误：{pattern}（{exc}）") from exc


def _rules(data: dict, section: str, groups: tuple[str, ...] | None, key: str = "group") -> tuple[Rule, ...]:
    """The section's rules in file order; with `groups`, each rule's group must be one of them."""
    rules = []
    for n, entry in enumerate(data.get(section, []), start=1):
        where = f"[[{section}]] 第{n}条"
        if groups is not None and entry[key] not in groups:
            raise TaxonomyError(f"指标分类文件 {where} 的类别“{entry[key]}”不在 groups 中")
        unless = entry.get("unless")
        rules.append(Rule(entry[key], _compile(entry["pattern"], where), _compile(unless, where) if unless else None))
    return tuple(rules)


@lru_cache(maxsize=8)
def parse_taxonomy(text: str) -> Taxonomy:
    """A taxonomy from the text of its TOML file; TaxonomyError says what is wrong."""
    try:
        data = tomllib.loads(text)
        groups = tuple(data["groups"])
        if data["other"] not in groups:
            raise TaxonomyError(f"指标分类文件中 other（{data['other']}）不在 groups 中")
        return Taxonomy(
            groups=groups, other=data["other"],
            strip=tuple(_compile(p, "[normalise] strip") for p in data.get("normalise", {}).get("strip", [])),
            decisive=_rules(data, "decisive", groups), level1=_rules(data, "level1", groups),
            level2=_rules(data, "level2", groups), level3=_rules(data, "level3", groups),
            indicator_names=_rules(data, "indicator_name", None, key="name"),
            level2_names=_rules(data, "level2_name", None, key="name"),
        )
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"指标分类文件格式有误：{exc}") from exc
    except KeyError as exc:
        raise TaxonomyError(f"指标分类文件缺少 {exc.args[0]}") from exc


def clean_heading(text: str | None, taxonomy: Taxonomy) -> str | None:
    """A heading as it is matched and grouped: folded, Simplified, no spaces, numbering, points and 指标 gone."""
    if text is None:
        return None
    folded = re.sub(r"\s+", "", to_simplified(normalize_text(text)))
    cleaned = folded
    for pattern in taxonomy.strip:
        cleaned = pattern.sub("", cleaned)
    return cleaned or folded or None  # a heading that is all numbering or 指标 stays itself


def _first(rules: tuple[Rule, ...], text: str | None) -> str | None:
    return next((rule.group for rule in rules if rule.matches(text)), None)


class _Filer:
    """Files heading triples by one taxonomy, matching each distinct text once (a handful of 一级/二级指标
    repeat over every row of the warehouse)."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self._memo: dict[tuple[str, str | None], object] = {}

    def _cached(self, kind: str, text: str | None, compute):
        key = (kind, text)
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def clean(self, text: str | None) -> str | None:
        return self._cached("clean", text, lambda: clean_heading(text, self.taxonomy))

    def first(self, section: str, text: str | None) -> str | None:
        return self._cached(section, text, lambda: _first(getattr(self.taxonomy, section), text))

    def decisive_rank(self, text: str | None) -> int:
        """The position of the first decisive rule the text matches (past the end when none does)."""
        rules = self.taxonomy.decisive
        return self._cached("decisive_rank", text,
                            lambda: next((n for n, rule in enumerate(rules) if rule.matches(text)), len(rules)))

    def file(self, level1: str | None, level2: str | None, level3: str | None) -> tuple[str, str | None, str | None]:
        """(group, level2 normalised, indicator): see classify."""
        cleaned = (self.clean(level1), self.clean(level2), self.clean(level3))
        # Decisive rules first, in file order whichever heading they match; then each level's rules.
        rank = min(self.decisive_rank(text) for text in cleaned)
        group = self.taxonomy.decisive[rank].group if rank < len(self.taxonomy.decisive) else None
        for text, section in zip(cleaned, ("level1", "level2", "level3")):
            group = group or self.first(section, text)
        deepest = next((text for text in reversed(cleaned) if text), None)
        return (group or self.taxonomy.other, self.first("level2_names", cleaned[1]) or cleaned[1],
                self.first("indicator_names", deepest) or deepest)


def classify(level1: str | None, level2: str | None, level3: str | None,
             taxonomy: Taxonomy | None = None) -> tuple[str, str | None, str | None]:
    """(group, level2 normalised, indicator) of one indicator row's headings as written.

    The indicator is the cleaned 三级指标, or the deepest heading the row has when it has none.
    """
    return _Filer(taxonomy or load_taxonomy()).file(level1, level2, level3)


def indicator_groups(headings: pl.DataFrame, taxonomy: Taxonomy | None = None) -> pl.DataFrame:
    """One row per distinct (level1, level2, level3): level1_group, level2_group, indicator, indicator_group.

    indicator_group is the one group an indicator is listed under: the group a decisive rule gives its
    own name, otherwise the group most of its rows (column n_rows, 1 each without it) are filed in,
    ties in the taxonomy's group order.
    """
    filer = _Filer(taxonomy or load_taxonomy())
    counts: Counter = Counter()
    for row in headings.iter_rows(named=True):
        counts[(row["level1"], row["level2"], row["level3"])] += row.get("n_rows", 1) or 0
    filed = {key: filer.file(*key) for key in counts}
    tallies: dict[str | None, Counter] = {}
    for key, (group, _, indicator) in filed.items():
        tallies.setdefault(indicator, Counter())[group] += counts[key]
    order = {name: n for n, name in enumerate(filer.taxonomy.groups)}
    chosen = {
        indicator: filer.first("decisive", indicator)
        or min(tally, key=lambda group: (-tally[group], order.get(group, len(order))))
        for indicator, tally in tallies.items()
    }
    return pl.DataFrame(
        [(*key, group, level2, indicator, chosen[indicator]) for key, (group, level2, indicator) in filed.items()],
        schema=GROUPS_SCHEMA, orient="row",
    )


def refresh(con) -> int:
    """Rewrite indicator_groups from every distinct heading triple of indicator_scores; returns the rows written."""
    taxonomy = load_taxonomy()
    cur = con.cursor()
    headings = cur.sql("select level1, level2, level3, count(*) as n_rows from indicator_scores group by all").pl()
    frame = indicator_groups(headings, taxonomy)
    return replace_rows(con, "indicator_groups", frame)
