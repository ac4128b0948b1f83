"""The metric dictionary (data/metrics.toml): for each headline figure its population (which kinds of
evaluation it counts), numerator, denominator, budget basis, rounding, Chinese label and help text.

Pages take labels and help texts from here and accessors take populations from here, so a figure
means the same thing on every page. `kinds_for(population, selected)` is where the sidebar's 评价类型
filter meets a figure's population: the filter narrows a population, never widens it.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard import settings

BASIS_LABELS = {"adjusted": "全年预算数（调整后）", "initial": "年初预算数", "": "—"}


@dataclass(frozen=True)
class Population:
    key: str
    label: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    population: Population
    numerator: str
    denominator: str
    basis: str
    rounding: int
    help: str

    def tooltip(self) -> str:
        """The help text with the definition quoted, for st.metric(help=...)."""
        definition = self.numerator + (f" ÷ {self.denominator}" if self.denominator else "")
        return f"{self.help}\n\n统计范围：{self.population.label}。口径：{definition}。"


@dataclass(frozen=True)
class Dictionary:
    populations: dict[str, Population]
    metrics: dict[str, Metric]


class DictionaryError(ValueError):
    """The metric dictionary file is malformed (the message names the file and the entry)."""


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Dictionary:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    populations = {key: Population(key, p["label"], tuple(p["kinds"]))
                   for key, p in data.get("populations", {}).items()}
    metrics: dict[str, Metric] = {}
    for entry in data.get("metric", []):
        key = entry.get("key")
        if not key or key in metrics:
            raise DictionaryError(f"{path}: 指标 {key!r} 缺少键名或重复")
        if entry.get("population") not in populations:
            raise DictionaryError(f"{path}: 指标 {key} 的统计范围 {entry.get('population')!r} 未在 [populations] 中定义")
        if entry.get("basis", "") not in BASIS_LABELS:
            raise DictionaryError(f"{path}: 指标 {key} 的预算口径 {entry.get('basis')!r} 不是 adjusted、initial 或空")
        metrics[key] = Metric(key, entry["label"], populations[entry["population"]], entry.get("numerator", ""),
                              entry.get("denominator", ""), entry.get("basis", ""), int(entry.get("rounding", 2)),
                              entry.get("help", ""))
    return Dictionary(populations, metrics)


def dictionary() -> Dictionary:
    path = Path(settings.get("metrics_path"))
    return _load(str(path), path.stat().st_mtime)


def metric(key: str) -> Metric:
    return dictionary().metrics[key]


def population(key: str) -> Population:
    return dictionary().populations[key]


def kinds_for(population_key: str, selected: tuple[str, ...]) -> list[str]:
    """The kinds a figure of this population counts under the filter's selection (empty: every kind);
    an empty list means the filter leaves the figure nothing to count."""
    kinds = population(population_key).kinds
    return [k for k in kinds if not selected or k in selected]


def definitions_table() -> list[dict]:
    """One row per metric for the 「指标说明」 page and the README."""
    return [{"指标": m.label, "统计范围": m.population.label, "分子": m.numerator, "分母": m.denominator or "—",
             "预算口径": BASIS_LABELS[m.basis], "小数位": m.rounding, "说明": m.help}
            for m in dictionary().metrics.values()]
