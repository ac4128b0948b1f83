"""Pure Plotly figure builders: a Polars frame in (as the page accessors return it), a figure out.

Styling comes from the one template (dashboard.ui.theme); labels are Chinese. Text taken from reports
(unit and project names) is escaped before it reaches Plotly, whose labels accept a few HTML tags.
"""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.ui import theme

GRADE_ORDER = ("优", "良", "中", "差")
GRADE_THRESHOLDS = (60, 80, 90)
LABEL_CHARS = 24


def safe_label(text, limit: int = LABEL_CHARS) -> str:
    """Report text as a chart label: shortened, tags escaped so Plotly shows them literally."""
    if text is None:
        return "（未注明）"
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return html.escape(value, quote=False)


def _year_label(year) -> str:
    return "年度不详" if year is None else f"{year}年"


def _figure(title: str) -> go.Figure:
    # The template is the registered default (assigning it per figure costs more than the figure).
    theme.register()
    return go.Figure(layout={"title": {"text": title}})


def empty_figure(title: str, message: str = "当前筛选下没有数据") -> go.Figure:
    fig = _figure(title)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=15, color="#7b8794"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _height_for(n_rows: int, per_row: int = 26, minimum: int = 320, maximum: int = 1600) -> int:
    return max(minimum, min(maximum, 90 + per_row * n_rows))


# ---------------------------------------------------------------------------------------------
# 总览


def trend_amounts_figure(trend: pl.DataFrame) -> go.Figure:
    """Budget and spend by year (bars, 万元) with the budget-weighted execution rate (line, %)."""
    title = "各年度预算、支出与执行率"
    if trend.height == 0:
        return empty_figure(title)
    x = [_year_label(y) for y in trend["year"].to_list()]
    theme.register()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(title_text=title, barmode="group")
    fig.add_trace(go.Bar(x=x, y=trend["budget_wan"].to_list(), name="预算(万元)",
                         hovertemplate="%{x}<br>预算 %{y:,.2f} 万元<extra></extra>"))
    fig.add_trace(go.Bar(x=x, y=trend["spent_wan"].to_list(), name="支出(万元)",
                         hovertemplate="%{x}<br>支出 %{y:,.2f} 万元<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=trend["execution_rate_weighted"].to_list(), name="加权执行率(%)",
                             mode="lines+markers", hovertemplate="%{x}<br>执行率 %{y:.2f}%<extra></extra>"),
                  secondary_y=True)
    fig.update_yaxes(title_text="万元", tickformat=",.0f", secondary_y=False)
    fig.update_yaxes(title_text="执行率(%)", ticksuffix="%", secondary_y=True, showgrid=False)
    return fig


def trend_scores_figure(trend: pl.DataFrame) -> go.Figure:
    """Mean self-score (line) and the share rated 优 (bars) by year."""
    title = "各年度平均自评分与优秀占比"
    if trend.height == 0:
        return empty_figure(title)
    x = [_year_label(y) for y in trend["year"].to_list()]
    theme.register()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(title_text=title)
    share = [None if s is None else s * 100 for s in trend["share_excellent"].to_list()]
    fig.add_trace(go.Bar(x=x, y=share, name="优秀占比(%)", opacity=0.55,
                         hovertemplate="%{x}<br>优秀占比 %{y:.1f}%<extra></extra>"), secondary_y=True)
    fig.add_trace(go.Scatter(x=x, y=trend["self_score_mean"].to_list(), name="平均自评分", mode="lines+markers",
                             hovertemplate="%{x}<br>平均自评分 %{y:.2f}<extra></extra>"))
    fig.update_yaxes(title_text="自评分", secondary_y=False)
    fig.update_yaxes(title_text="优秀占比(%)", ticksuffix="%", range=[0, 105], secondary_y=True, showgrid=False)
    return fig


RANKING_METRICS = {
    "execution_rate_weighted": ("加权执行率(%)", "%{x:.2f}%"),
    "self_score_mean": ("平均自评分", "%{x:.2f}"),
    "budget_wan": ("预算(万元)", "%{x:,.2f} 万元"),
    "share_excellent": ("自评为优占比", "%{x:.1%}"),
    "n_evaluations": ("报告数", "%{x:,}"),
}


def unit_ranking_figure(summary: pl.DataFrame, metric: str = "execution_rate_weighted", top: int = 30,
                        ascending: bool = False) -> go.Figure:
    """Units ranked by one metric (horizontal bars, the best at the top)."""
    label, hover = RANKING_METRICS[metric]
    title = f"单位排名：{label}"
    ranked = summary.filter(pl.col(metric).is_not_null()).sort(metric, descending=not ascending).head(top)
    if ranked.height == 0:
        return empty_figure(title)
    names = [safe_label(n) for n in ranked["department_canonical"].to_list()]
    fig = _figure(title)
    fig.add_trace(go.Bar(x=ranked[metric].to_list(), y=names, orientation="h", name=label,
                         hovertemplate="%{y}<br>" + hover + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    if metric == "share_excellent":
        fig.update_xaxes(tickformat=".0%")
    fig.update_layout(height=_height_for(ranked.height), showlegend=False)
    return fig


# ---------------------------------------------------------------------------------------------
# 预算执行


def execution_heatmap_figure(by_unit_year: pl.DataFrame) -> go.Figure:
    """Budget-weighted execution rate of each unit (rows) in each year (columns)."""
    title = "各单位各年度预算执行率(%)"
    if by_unit_year.height == 0:
        return empty_figure(title)
    frame = by_unit_year.with_columns(pl.col("department_canonical").fill_null("（未注明单位）"))
    years = sorted(y for y in frame["year"].unique().to_list() if y is not None)
    has_null_year = frame["year"].is_null().any()
    columns = [*years, None] if has_null_year else years
    units = sorted(frame["department_canonical"].unique().to_list())
    lookup = {(r["department_canonical"], r["year"]): r for r in frame.iter_rows(named=True)}
    z, text = [], []
    for unit in units:
        z_row, t_row = [], []
        for year in columns:
            row = lookup.get((unit, year))
            z_row.append(None if row is None else row["execution_rate_weighted"])
            t_row.append("" if row is None else
                         f"预算 {row['budget_wan']:,.2f} 万元<br>支出 {row['spent_wan']:,.2f} 万元<br>报告 {row['n_projects']} 份")
        z.append(z_row)
        text.append(t_row)
    fig = _figure(title)
    fig.add_trace(go.Heatmap(
        z=np.array(z, dtype=float), x=[_year_label(y) for y in columns], y=[safe_label(u) for u in units], text=text,
        colorscale=theme.EXECUTION_COLORSCALE, zmin=50, zmax=100, xgap=2, ygap=2,
        colorbar=dict(title="执行率(%)", ticksuffix="%"),
        texttemplate="%{z:.1f}", hovertemplate="%{y}，%{x}<br>执行率 %{z:.2f}%<br>%{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category", side="top")
    fig.update_layout(height=_height_for(len(units), per_row=24))
    return fig


def execution_bands_figure(bands: pl.DataFrame) -> go.Figure:
    """How many reports fall in each execution-rate band, stacked by year."""
    title = "执行率分布（报告数）"
    if bands.height == 0:
        return empty_figure(title)
    order = bands.select("band_order", "band").unique().sort("band_order")["band"].to_list()
    fig = _figure(title)
    for year in sorted(bands["year"].unique().to_list(), key=lambda y: (y is None, y)):
        part = bands.filter(pl.col("year").eq_missing(year))
        counts = dict(zip(part["band"].to_list(), part["n_reports"].to_list()))
        fig.add_trace(go.Bar(x=order, y=[counts.get(b, 0) for b in order], name=_year_label(year),
                             hovertemplate="%{x}<br>%{y} 份<extra>" + _year_label(year) + "</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="执行率区间", type="category", categoryorder="array", categoryarray=order)
    fig.update_yaxes(title_text="报告数")
    return fig


def lowest_executors_figure(lowest: pl.DataFrame) -> go.Figure:
    """The lowest execution rates (horizontal bars) with their unspent amounts in the hover."""
    title = "执行率最低的项目"
    if lowest.height == 0:
        return empty_figure(title)
    labels = [f"{safe_label(p, 18)}（{safe_label(d, 10)}，{_year_label(y)}）" for p, d, y in
              zip(lowest["project_name"].to_list(), lowest["department_canonical"].to_list(), lowest["year"].to_list())]
    # Two reports can share a label; Plotly would merge them on a category axis.
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    fig = _figure(title)
    fig.add_trace(go.Bar(
        x=lowest["execution_rate"].to_list(), y=unique, orientation="h",
        customdata=list(zip(lowest["budget_wan"].to_list(), lowest["spent_wan"].to_list(), lowest["unspent_wan"].to_list())),
        hovertemplate="%{y}<br>执行率 %{x:.2f}%<br>预算 %{customdata[0]:,.2f} 万元<br>支出 %{customdata[1]:,.2f} 万元"
                      "<br>未支出 %{customdata[2]:,.2f} 万元<extra></extra>",
        marker_color=theme.COLORWAY[3],
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="执行率(%)", ticksuffix="%")
    fig.update_layout(height=_height_for(lowest.height), showlegend=False)
    return fig


def budget_vs_spend_figure(summary: pl.DataFrame, top: int = 30) -> go.Figure:
    """Budget against spend of the units with the largest budgets (grouped horizontal bars)."""
    title = f"预算与支出（预算最大的{top}个单位，万元）"
    frame = summary.filter(pl.col("budget_wan").is_not_null()).sort("budget_wan", descending=True).head(top)
    if frame.height == 0:
        return empty_figure(title)
    names = [safe_label(n) for n in frame["department_canonical"].to_list()]
    fig = _figure(title)
    fig.add_trace(go.Bar(y=names, x=frame["budget_wan"].to_list(), orientation="h", name="预算",
                         hovertemplate="%{y}<br>预算 %{x:,.2f} 万元<extra></extra>"))
    fig.add_trace(go.Bar(y=names, x=frame["spent_wan"].to_list(), orientation="h", name="支出",
                         customdata=frame["execution_rate_weighted"].to_list(),
                         hovertemplate="%{y}<br>支出 %{x:,.2f} 万元<br>执行率 %{customdata:.2f}%<extra></extra>"))
    fig.update_layout(barmode="group", height=_height_for(frame.height, per_row=34))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="万元", tickformat=",.0f")
    return fig


# ---------------------------------------------------------------------------------------------
# 评分分布


def _threshold_lines(fig: go.Figure, axis: str = "x") -> None:
    for t in GRADE_THRESHOLDS:
        if axis == "x":
            fig.add_vline(x=t, line_dash="dot", line_color="#9aa5b1", annotation_text=f"{t}分",
                          annotation_position="top")
        else:
            fig.add_hline(y=t, line_dash="dot", line_color="#9aa5b1", annotation_text=f"{t}分",
                          annotation_position="right")


def score_histogram_figure(bins_by_year: pl.DataFrame) -> go.Figure:
    """Self-score histogram, stacked by year, with the grade thresholds marked."""
    title = "自评分分布（按年度）"
    if bins_by_year.height == 0:
        return empty_figure(title)
    fig = _figure(title)
    for year in sorted(bins_by_year["year"].unique().to_list(), key=lambda y: (y is None, y)):
        part = bins_by_year.filter(pl.col("year").eq_missing(year)).sort("bin_start")
        widths = (part["bin_end"] - part["bin_start"]).to_list()
        centres = [s + w / 2 for s, w in zip(part["bin_start"].to_list(), widths)]
        fig.add_trace(go.Bar(
            x=centres, y=part["n_reports"].to_list(), width=widths, name=_year_label(year),
            customdata=list(zip(part["bin_start"].to_list(), part["bin_end"].to_list())),
            hovertemplate="%{customdata[0]:g}–%{customdata[1]:g} 分<br>%{y} 份<extra>" + _year_label(year) + "</extra>",
        ))
    fig.update_layout(barmode="stack", bargap=0.05)
    fig.update_xaxes(title_text="自评分", tick0=0, dtick=5)
    fig.update_yaxes(title_text="报告数")
    _threshold_lines(fig)
    return fig


def score_box_figure(summary: pl.DataFrame, by: str) -> go.Figure:
    """Box plots of self-scores from precomputed quartiles, one box per year or unit."""
    what = "年度" if by == "year" else "单位"
    title = f"自评分箱线图（按{what}）"
    if summary.height == 0:
        return empty_figure(title)
    labels = [_year_label(v) if by == "year" else safe_label(v) for v in summary[by].to_list()]
    fig = _figure(title)
    fig.add_trace(go.Box(
        name="自评分", x=labels if by == "year" else None, y=None if by == "year" else labels,
        orientation="v" if by == "year" else "h",
        q1=summary["self_score_p25"].to_list(), median=summary["self_score_median"].to_list(),
        q3=summary["self_score_p75"].to_list(), lowerfence=summary["self_score_min"].to_list(),
        upperfence=summary["self_score_max"].to_list(), mean=summary["self_score_mean"].to_list(),
        marker_color=theme.COLORWAY[0],
    ))
    fig.update_layout(showlegend=False)
    if by == "year":
        fig.update_xaxes(type="category")
        fig.update_yaxes(title_text="自评分")
    else:
        fig.update_yaxes(type="category", autorange="reversed")
        fig.update_xaxes(title_text="自评分")
        fig.update_layout(height=_height_for(summary.height))
    return fig


def grade_mix_figure(mix: pl.DataFrame, by: str) -> go.Figure:
    """Share of each stated grade among the self-evaluations that state one (stacked to 100%), by year
    or by unit: the denominator of 自评为优占比 in the metric dictionary."""
    what = "年度" if by == "year" else "单位"
    title = f"自评等级构成（写明等级的自评报告，按{what}）"
    if mix.height == 0:
        return empty_figure(title)
    keys = sorted(mix[by].unique().to_list(), key=lambda v: (v is None, v))
    labels = [_year_label(k) if by == "year" else safe_label(k) for k in keys]
    fig = _figure(title)
    for grade in GRADE_ORDER:
        part = mix.filter(pl.col("grade").eq_missing(grade))
        if part.height == 0:
            continue
        lookup = {r[by]: r for r in part.iter_rows(named=True)}
        shares = [lookup[k]["share"] * 100 if k in lookup else 0 for k in keys]
        counts = [lookup[k]["n_reports"] if k in lookup else 0 for k in keys]
        name = grade
        common = dict(name=name, marker_color=theme.GRADE_COLORS[grade], customdata=counts,
                      hovertemplate="%{" + ("x" if by == "year" else "y") + "}<br>" + name
                      + " %{customdata} 份（%{" + ("y" if by == "year" else "x") + ":.1f}%）<extra></extra>")
        if by == "year":
            fig.add_trace(go.Bar(x=labels, y=shares, **common))
        else:
            fig.add_trace(go.Bar(y=labels, x=shares, orientation="h", **common))
    fig.update_layout(barmode="stack")
    if by == "year":
        fig.update_xaxes(type="category")
        fig.update_yaxes(title_text="占比(%)", ticksuffix="%", range=[0, 100])
    else:
        fig.update_yaxes(type="category", autorange="reversed")
        fig.update_xaxes(title_text="占比(%)", ticksuffix="%", range=[0, 100])
        fig.update_layout(height=_height_for(len(keys)))
    return fig


def bunching_figure(bunching: pl.DataFrame, threshold: float = 90) -> go.Figure:
    """Reports just below against just at or above one grade threshold, by year."""
    title = f"{threshold:g}分附近的扎堆：分界下方与上方的报告数"
    part = bunching.filter(pl.col("threshold") == threshold)
    if part.height == 0 or (part["n_just_below"].sum() + part["n_at_or_above"].sum()) == 0:
        return empty_figure(title)
    x = [_year_label(y) for y in part["year"].to_list()]
    fig = _figure(title)
    fig.add_trace(go.Bar(x=x, y=part["n_just_below"].to_list(), name=f"略低于{threshold:g}分",
                         marker_color=theme.COLORWAY[7], hovertemplate="%{x}<br>%{y} 份<extra>略低于</extra>"))
    fig.add_trace(go.Bar(x=x, y=part["n_at_or_above"].to_list(), name=f"达到或略高于{threshold:g}分",
                         marker_color=theme.COLORWAY[1], hovertemplate="%{x}<br>%{y} 份<extra>略高于</extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="报告数")
    return fig


def score_vs_execution_figure(pairs: pl.DataFrame) -> go.Figure:
    """Claimed self-score against execution rate, one point per report, coloured by grade."""
    title = "自评分与预算执行率"
    if pairs.height == 0:
        return empty_figure(title)
    fig = _figure(title)
    for grade in (*GRADE_ORDER, None):
        part = pairs.filter(pl.col("grade").eq_missing(grade))
        if part.height == 0:
            continue
        names = [f"{safe_label(p)}<br>{safe_label(d)}，{_year_label(y)}" for p, d, y in
                 zip(part["project_name"].to_list(), part["department_canonical"].to_list(), part["year"].to_list())]
        fig.add_trace(go.Scattergl(
            x=part["execution_rate"].to_numpy(), y=part["self_score"].to_numpy(), mode="markers",
            name=grade or "未注明", text=names, marker=dict(color=theme.GRADE_COLORS[grade], size=7, opacity=0.7),
            hovertemplate="%{text}<br>执行率 %{x:.2f}%<br>自评分 %{y:.2f}<extra></extra>",
        ))
    fig.add_hline(y=90, line_dash="dot", line_color="#9aa5b1")
    fig.add_vline(x=95, line_dash="dot", line_color="#9aa5b1", annotation_text="执行率95%")
    fig.update_xaxes(title_text="预算执行率(%)", ticksuffix="%")
    fig.update_yaxes(title_text="自评分")
    return fig


# ---------------------------------------------------------------------------------------------
# 扣分原因


def points_lost_figure(frame: pl.DataFrame, level: str, top: int = 20) -> go.Figure:
    """Points lost per indicator group (level "level1") or per indicator with its group (horizontal bars),
    with how many reports lost points on it."""
    title = "各指标类别扣分合计" if level == "level1" else f"扣分最多的指标（前{top}）"
    part = frame.filter(pl.col("points_lost_total") > 0).head(top)
    if part.height == 0:
        return empty_figure(title, "当前筛选下没有扣分")
    if level == "level1":
        labels = [safe_label(v) for v in part["level1_group"].to_list()]
    else:
        labels = [f"{safe_label(c, 20)}（{safe_label(p, 8)}）" for c, p in
                  zip(part["indicator"].to_list(), part["level1_group"].to_list())]
    fig = _figure(title)
    fig.add_trace(go.Bar(
        x=part["points_lost_total"].to_list(), y=labels, orientation="h",
        customdata=list(zip(part["n_reports_deducted"].to_list(), part["n_reports_scored"].to_list())),
        hovertemplate="%{y}<br>扣分合计 %{x:,.2f}<br>扣分报告 %{customdata[0]} / %{customdata[1]} 份<extra></extra>",
        marker_color=theme.COLORWAY[3],
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text="扣分合计(分)")
    fig.update_layout(height=_height_for(part.height), showlegend=False)
    return fig


def reason_categories_figure(totals: pl.DataFrame) -> go.Figure:
    """Mentions of each reason category (horizontal bars)."""
    title = "扣分与问题原因类别（出现次数）"
    part = totals.filter(pl.col("n_mentions") > 0).sort("n_mentions", descending=True)
    if part.height == 0:
        return empty_figure(title, "当前筛选下没有扣分原因或问题")
    fig = _figure(title)
    fig.add_trace(go.Bar(
        x=part["n_mentions"].to_list(), y=part["category"].to_list(), orientation="h",
        customdata=list(zip(part["n_reports"].to_list(), [s * 100 for s in part["share"].to_list()])),
        hovertemplate="%{y}<br>出现 %{x} 次，涉及 %{customdata[0]} 份报告<br>占 %{customdata[1]:.1f}%<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text="出现次数")
    fig.update_layout(height=_height_for(part.height), showlegend=False)
    return fig


def reason_trend_figure(trend: pl.DataFrame) -> go.Figure:
    """Each category's share of the year's mentions (lines by category)."""
    title = "原因类别的年度变化（占当年出现次数的比例）"
    if trend.height == 0:
        return empty_figure(title, "当前筛选下没有扣分原因或问题")
    years = sorted(trend["year"].unique().to_list(), key=lambda y: (y is None, y))
    fig = _figure(title)
    for category in trend["category"].unique(maintain_order=True).to_list():
        part = trend.filter(pl.col("category") == category)
        lookup = dict(zip(part["year"].to_list(), part["share_of_year"].to_list()))
        counts = dict(zip(part["year"].to_list(), part["n_mentions"].to_list()))
        fig.add_trace(go.Scatter(
            x=[_year_label(y) for y in years], y=[lookup.get(y, 0) * 100 for y in years], mode="lines+markers",
            name=category, customdata=[counts.get(y, 0) for y in years],
            hovertemplate="%{x}<br>" + category + " %{y:.1f}%（%{customdata} 次）<extra></extra>",
        ))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="占比(%)", ticksuffix="%")
    return fig
