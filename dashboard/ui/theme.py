"""The one Plotly template of the dashboard (Chinese labels, CJK fonts, 万元 and % formats) and the
number formatters that headline figures use."""
from __future__ import annotations

import math
import re

import plotly.graph_objects as go
import polars as pl
import plotly.io as pio

TEMPLATE_NAME = "finance_bureau"
FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
COLORWAY = ["#1f5fa8", "#e07b39", "#3a9b5c", "#c2413b", "#7b5ea7", "#8c6d4f", "#d46aa8", "#6b7b8c", "#b5a532", "#2aa4b8"]
GRADE_COLORS = {"优": "#3a9b5c", "良": "#1f5fa8", "中": "#e0a839", "差": "#c2413b", None: "#9aa5b1"}
# Hover and tick formats (d3-format; thousands separators come from layout.separators).
WAN_FORMAT = ",.2f"
PCT_FORMAT = ".2f"
EXECUTION_COLORSCALE = [[0.0, "#c2413b"], [0.5, "#f2c14e"], [0.8, "#a6d96a"], [1.0, "#1a9850"]]


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_FAMILY, size=13, color="#1f2933"),
            colorway=COLORWAY,
            separators=".,",
            paper_bgcolor="white",
            plot_bgcolor="white",
            hoverlabel=dict(font=dict(family=FONT_FAMILY)),
            # Title in the top margin, legend on a row of its own just above the plot.
            legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title_text=""),
            margin=dict(l=10, r=10, t=96, b=10),
            xaxis=dict(gridcolor="#e4e7eb", zerolinecolor="#cbd2d9", automargin=True),
            yaxis=dict(gridcolor="#e4e7eb", zerolinecolor="#cbd2d9", automargin=True, separatethousands=True),
            title=dict(font=dict(size=16), x=0, xanchor="left", xref="paper", y=0.985, yanchor="top",
                       yref="container"),
        )
    )


def register() -> str:
    """Register the template (idempotent) and make it the default; returns its name."""
    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME
    return TEMPLATE_NAME


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_wan(value) -> str:
    """1234.5 -> '1,234.50 万元'; missing -> '—'."""
    return "—" if _missing(value) else f"{value:,.2f} 万元"


def fmt_pct(value, *, ratio: bool = False) -> str:
    """95.52 -> '95.52%' (ratio=True: 0.9552 -> '95.52%'); missing -> '—'."""
    if _missing(value):
        return "—"
    return f"{value * 100 if ratio else value:.2f}%"


def fmt_score(value) -> str:
    return "—" if _missing(value) else f"{value:.2f}".rstrip("0").rstrip(".") + " 分"


def fmt_count(value) -> str:
    return "—" if _missing(value) else f"{int(value):,}"


def fmt_number(value, decimals: int = 2) -> str:
    """1234.5 -> '1,234.50'; missing -> '—' (the unit sits in the label)."""
    return "—" if _missing(value) else f"{value:,.{decimals}f}"


MISSING = "—"
# Columns whose missing value is a group of its own, named (never merged into another group).
MISSING_NAMED = {"年度": "年度不详", "单位": "单位不详"}


def _cell_text(name: str):
    """The formatter of one shown column, by its Chinese name (the same rules as the tables' formats)."""
    if "(万元)" in name:
        return lambda v: f"{v:,.2f}"
    if "(%)" in name:
        return lambda v: f"{v:.2f}"
    if "占比" in name or "比例" in name:
        return lambda v: f"{v * 100:.1f}%"
    if name == "年度":
        return lambda v: f"{int(v)}"
    return lambda v: f"{v:,}" if isinstance(v, int) else f"{v:,.2f}".rstrip("0").rstrip(".")


def for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame as a table shows it: a missing value is `—`, never `None`/`nan` (st.dataframe draws the
    word None on its canvas). Columns with no missing value stay numbers (so they sort and take the
    table's number formats); a numeric column with gaps becomes text formatted like the others."""
    fixes = []
    for name, dtype in frame.schema.items():
        column = frame[name]
        missing = column.null_count() + (column.is_nan().sum() if dtype.is_float() else 0)
        if not missing:
            continue
        gap = MISSING_NAMED.get(name, MISSING)
        if dtype.is_numeric():
            text = _cell_text(name)
            fixes.append(pl.col(name).map_elements(
                lambda v, text=text, gap=gap: gap if v is None or (isinstance(v, float) and math.isnan(v)) else text(v),
                return_dtype=pl.String, skip_nulls=False).alias(name))
        elif dtype == pl.String:
            fixes.append(pl.col(name).fill_null(gap))
        else:
            fixes.append(pl.col(name).cast(pl.String).fill_null(gap))
    return frame.with_columns(fixes) if fixes else frame


# An absolute server path (POSIX or Windows) inside an error text, up to the next separator.
_SERVER_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s/\\：:，,；;）)\"'、]+[/\\])+([^\s/\\：:，,；;）)\"'、]*)")


def error_text(exc: BaseException) -> str:
    """An error's message fit for the page: server paths cut to their last part, length bounded.

    Errors raised by this project carry their reason in Chinese; a database or OS error's text can
    name folders of the server, which no reader of the page needs to see."""
    text = _SERVER_PATH.sub(lambda m: m.group(1) or "（服务器路径）", str(exc))
    return text if len(text) <= 300 else text[:300] + "…"
