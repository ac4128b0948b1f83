"""Headline figures as the metric dictionary defines them: label, tooltip (the definition quoted) and
the coverage line under each figure ("基于 N / M 份报告": how many reports in scope state the value)."""
from __future__ import annotations

import streamlit as st

from dashboard.metrics.dictionary import Metric, metric
from dashboard.ui import theme


def formatted(m: Metric, value) -> str:
    """A figure as shown: counts with separators, shares and rates as percents (the dictionary's
    decimals), '—' when missing."""
    if m.key.startswith("n_"):
        return theme.fmt_count(value)
    if m.key.startswith("share_"):
        text = theme.fmt_pct(value, ratio=True)
        return text if text == "—" else f"{float(value) * 100:.{m.rounding}f}%"
    if "rate" in m.key:
        return theme.fmt_pct(value)
    return theme.fmt_number(value, m.rounding)


def show(column, key: str, value, *, based_on: tuple[int, int] | None = None, what: str = "份报告") -> None:
    """One headline figure in `column`: the dictionary's label and tooltip, and its coverage below."""
    m = metric(key)
    column.metric(m.label, formatted(m, value), help=m.tooltip())
    if based_on is not None:
        column.caption(coverage(*based_on, what=what))


def coverage(n: int | None, of: int | None, what: str = "份报告") -> str:
    """'基于 N / M 份报告': the figure stands on N of the M reports in scope."""
    return f"基于 {theme.fmt_count(n or 0)} / {theme.fmt_count(of or 0)} {what}"


def label(key: str) -> str:
    return metric(key).label
