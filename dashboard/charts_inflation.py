"""Figure builders of the 虚高识别 and 项目档案 pages (pure: frames in, Plotly figures out).

Names and quotes come from report files, so every text placed in a figure is html-escaped: Plotly
renders a subset of HTML in labels and hovers, and a report must not be able to add markup to a chart.
"""
from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.ui.inflation_labels import FLAG_LABELS

FLAGGED_COLOR = "#c2413b"
CLEAN_COLOR = "#1f5fa8"
MAX_UNIT_BARS = 20


def _text(value) -> str:
    return "—" if value is None else html.escape(str(value))


def _empty(title: str, message: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title=title, xaxis_visible=False, yaxis_visible=False, height=320,
                         annotations=[dict(text=message, showarrow=False, font=dict(size=15))])
    return figure


def score_vs_execution_flagged(risk: pl.DataFrame) -> go.Figure:
    """Claimed score against execution rate, one point per report; flagged reports in red diamonds.

    Input: inflation_report_risk rows (execution_rate, self_score, risk_score, n_flags, flag_codes, ...).
    """
    title = "自评分与预算执行率（红色为被标记报告）"
    points = risk.filter(pl.col("execution_rate").is_not_null() & pl.col("self_score").is_not_null())
    if points.is_empty():
        return _empty(title, "筛选范围内没有同时写明执行率和自评分的报告")
    figure = go.Figure()
    for flagged, name, color, symbol in ((False, "未标记", CLEAN_COLOR, "circle"), (True, "被标记", FLAGGED_COLOR, "diamond")):
        part = points.filter((pl.col("n_flags") > 0) == flagged)
        if part.is_empty():
            continue
        hover = [
            f"{_text(p)}<br>{_text(d)} {_text(y)}年<br>执行率 {e:.2f}% · 自评 {s:g} 分<br>风险分 {r or 0:g}"
            + (f"<br>{_text('、'.join(FLAG_LABELS.get(c, c) for c in codes))}" if codes else "")
            for p, d, y, e, s, r, codes in zip(*(part[c].to_list() for c in (
                "project_name", "department", "year", "execution_rate", "self_score", "risk_score", "flag_codes")))
        ]
        figure.add_trace(go.Scatter(
            x=part["execution_rate"].to_list(), y=part["self_score"].to_list(), mode="markers", name=name,
            marker=dict(color=color, symbol=symbol, size=[8 + (r or 0) / 8 for r in part["risk_score"].to_list()],
                        opacity=0.75, line=dict(width=0.5, color="white")),
            hovertext=hover, hoverinfo="text", customdata=part["evaluation_id"].to_list(),
        ))
    figure.add_hline(y=90, line_dash="dot", line_color="#9aa5b1", annotation_text="优（90分）")
    figure.add_vline(x=95, line_dash="dot", line_color="#9aa5b1", annotation_text="执行率95%")
    figure.update_layout(title=title, xaxis_title="预算执行率（%）", yaxis_title="自评分", height=460)
    return figure


def unit_inflation_bars(units: pl.DataFrame) -> go.Figure:
    """The units with the highest inflation index (unit × year), longest bar on top."""
    title = "单位虚高指数（前20，单位·年度）"
    if units.is_empty():
        return _empty(title, "筛选范围内没有可计算虚高指数的单位")
    top = units.sort("inflation_index", descending=True, nulls_last=True).head(MAX_UNIT_BARS).reverse()
    labels = [f"{_text(d)}（{_text(y)}）" for d, y in zip(top["department"].to_list(), top["year"].to_list())]
    colors = [FLAGGED_COLOR if (v or 0) > 0 else CLEAN_COLOR for v in top["inflation_index"].to_list()]
    hover = [
        f"{label}<br>虚高指数 {i:.2f}<br>平均自评 {c:.2f} · 证据支持 {s:.2f}<br>被标记占比 {f * 100:.0f}%"
        for label, i, c, s, f in zip(labels, *(top[c].fill_null(0).to_list() for c in (
            "inflation_index", "mean_claimed", "mean_supported", "flagged_share")))
    ]
    figure = go.Figure(go.Bar(x=top["inflation_index"].to_list(), y=labels, orientation="h",
                              marker_color=colors, hovertext=hover, hoverinfo="text"))
    figure.update_layout(title=title, xaxis_title="虚高指数（高于同年单位中位数的分差 + 标记占比加分）",
                         height=max(320, 28 * top.height + 120), showlegend=False)
    return figure


def project_years(history: pl.DataFrame) -> go.Figure:
    """One project across years: budget and spend bars (万元), claimed score line, flagged years marked."""
    title = "历年预算、支出与自评分"
    if history.is_empty():
        return _empty(title, "没有该项目的报告")
    years = [str(y) if y is not None else "年度不详" for y in history["year"].to_list()]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Bar(x=years, y=history["budget_wan"].to_list(), name="预算（万元）", marker_color="#9ab7d3",
                            hovertemplate="%{x}年 预算 %{y:,.2f} 万元<extra></extra>"), secondary_y=False)
    figure.add_trace(go.Bar(x=years, y=history["spent_wan"].to_list(), name="支出（万元）", marker_color=CLEAN_COLOR,
                            hovertemplate="%{x}年 支出 %{y:,.2f} 万元<extra></extra>"), secondary_y=False)
    flagged = [(n or 0) > 0 for n in history["n_flags"].to_list()]
    figure.add_trace(go.Scatter(
        x=years, y=history["self_score"].to_list(), name="自评分", mode="lines+markers",
        line=dict(color="#e07b39"),
        marker=dict(size=[14 if f else 8 for f in flagged], symbol=["diamond" if f else "circle" for f in flagged],
                    color=[FLAGGED_COLOR if f else "#e07b39" for f in flagged]),
        hovertemplate="%{x}年 自评 %{y:g} 分<extra></extra>"), secondary_y=True)
    figure.update_layout(title=title, barmode="group", height=380)
    figure.update_yaxes(title_text="万元", secondary_y=False)
    figure.update_yaxes(title_text="自评分", range=[0, 105], secondary_y=True, showgrid=False)
    figure.update_xaxes(type="category")
    return figure
