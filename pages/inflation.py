"""虚高识别: reports ranked by risk with their flags and evidence, the unit inflation index, and claimed
score against execution with flagged reports marked; any report opens in 项目档案."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts_inflation as charts
from dashboard.ui import data as page_data
from dashboard.ui import data_inflation as data
from dashboard.metrics import completeness
from dashboard.ui import figures, layout
from dashboard.ui.drill import follow_pending, request_open
from dashboard.ui.export import download_buttons
from dashboard.ui.inflation_labels import FLAG_LABELS, chinese_columns, with_flag_labels
from dashboard.ui.layout import header, no_match, require_reports
from dashboard.ui.navigation import open_project
from dashboard.ui.theme import fmt_count, for_display, register

HIGH_RISK = 50
RISK_COLUMNS = ["risk_score", "project_name", "department", "year", "self_score", "supported_score", "score_gap",
                "execution_rate", "max_severity", "flag_labels", "evaluation_id"]
FLAG_COLUMNS = ["project_name", "department", "year", "code_label", "severity_label", "scope_label", "message",
                "evidence", "evaluation_id"]
UNIT_COLUMNS = ["department", "year", "inflation_index", "mean_claimed", "mean_supported", "mean_gap",
                "peer_median_gap", "flagged_share", "n_reports"]
PAIRED_COLUMNS = ["department_canonical", "project_canonical", "year", "self_score", "grade", "external_score",
                  "external_grade", "self_minus_external", "firm", "report_number"]

RISK_TABLE_ROWS = 500
SCATTER_POINTS = 3000

register()
follow_pending()
filters = header("虚高识别", "自评分是否高于证据所能支持的分数：按风险排列的报告、各项标记及其原文证据、单位虚高指数。")
require_reports()
risk = data.report_risk(filters)
if risk.is_empty():
    no_match()

head = page_data.headline_figures(filters)
cols = st.columns(5)
figures.show(cols[0], "n_evaluations", head["n_evaluations"])
figures.show(cols[1], "n_high_risk_reports", head["n_high_risk_reports"])
figures.show(cols[2], "n_flagged_reports", head["n_flagged_reports"])
cols[3].metric(f"风险分≥{HIGH_RISK}的报告", fmt_count(risk.filter(pl.col("risk_score") >= HIGH_RISK).height),
               help="风险分把各类标记的严重程度与虚高分差合成 0–100 分，见下方“风险排名”的说明。")
mean_gap = risk["score_gap"].mean()
cols[4].metric("平均虚高分差", "—" if mean_gap is None else f"{mean_gap:.2f} 分",
               help="自评分减去证据支持的分数（不小于0）的平均值")

# --- Ranking -----------------------------------------------------------------------------------
st.subheader("风险排名")
st.caption("风险分 0–100：每类标记按严重程度计分（高35、中15、低5），再加上虚高分差（每分4分，最多40分）。"
           "点选一行即可打开该项目的档案。")
search = st.text_input("查找项目或单位", key="inflation_search", max_chars=50, placeholder="输入项目名称或单位名称的一部分")
matching = completeness.matching(risk, search, ["project_name", "department"])
# What a person can read: the riskiest RISK_TABLE_ROWS of those found (the download holds them all).
ranked = with_flag_labels(matching.head(RISK_TABLE_ROWS))
shown = chinese_columns(ranked, RISK_COLUMNS)
if matching.height > ranked.height:
    st.caption(f"共 {fmt_count(matching.height)} 份报告，表中列出风险最高的 {fmt_count(ranked.height)} 份；"
               "可用上方查找缩小范围，或下载全部。")


def _on_table_select() -> None:
    rows = st.session_state["inflation_risk_table"].selection.rows
    if rows:
        request_open(ranked["evaluation_id"][rows[0]])


st.dataframe(for_display(shown), key="inflation_risk_table", on_select=_on_table_select, selection_mode="single-row",
             hide_index=True, height=min(36 * (shown.height + 1), 460),
             column_config={"风险分": st.column_config.ProgressColumn("风险分", min_value=0, max_value=100, format="%.1f"),
                            "评价编号": None})
download_buttons(chinese_columns(with_flag_labels(matching), RISK_COLUMNS), "虚高识别_风险排名",
                 key="inflation_risk_download")

choices = ranked["evaluation_id"].to_list()
labels = {row["evaluation_id"]: f"{row['project_name'] or '（未写明项目名称）'} · {row['department'] or '单位不详'} · "
          f"{row['year'] or '年度不详'} · 风险分 {row['risk_score']:g}"
          for row in ranked.select("evaluation_id", "project_name", "department", "year", "risk_score").iter_rows(named=True)}
left, right = st.columns([4, 1], vertical_alignment="bottom")
with left:
    target = st.selectbox("打开项目档案", choices, format_func=lambda e: labels.get(e, e), key="inflation_open_select")
with right:
    if st.button("打开", key="inflation_open_button", type="primary") and target:
        open_project(target, None)

# --- Scatter -----------------------------------------------------------------------------------
st.subheader("自评分与预算执行率")


def _on_point_select() -> None:
    points = st.session_state["inflation_scatter"].selection.points
    if points:
        request_open(points[0].get("customdata"))


with_both = risk.filter(pl.col("self_score").is_not_null() & pl.col("execution_rate").is_not_null())
points = with_both.head(SCATTER_POINTS)  # the riskiest: a chart of more points is unreadable and slow
plotted = points.height
if with_both.height > plotted:
    st.caption(f"图中为风险最高的 {fmt_count(plotted)} 份（共 {fmt_count(with_both.height)} 份同时写明自评分与执行率）。")
layout.chart(charts.score_vs_execution_flagged(points), key="inflation_scatter", on_select=_on_point_select,
             selection_mode="points", theme="streamlit",
             based_on=(plotted, risk.height, "份报告（同时写明自评分与执行率、风险最高的）"))
st.caption("右上角是正常区域；执行率低却得高分（左上方）、尤其是红色菱形的报告最值得核查。点选一个点可打开该项目。")

# --- Unit index --------------------------------------------------------------------------------
st.subheader("单位虚高指数")
units = data.unit_inflation(filters)
st.caption("虚高指数 = 该单位当年平均虚高分差 − 同年各单位分差中位数 + 被标记报告占比加分；正数表示比同行更“虚高”。"
           "本指数只按单位和年度筛选。")
layout.chart(charts.unit_inflation_bars(units), key="inflation_unit_chart", theme="streamlit",
             based_on=(int(units["n_reports"].sum()), int(units["n_reports"].sum()), "份报告（按单位和年度筛选）"))
unit_table = chinese_columns(units, UNIT_COLUMNS)
st.dataframe(for_display(unit_table), key="inflation_unit_table", hide_index=True,
             column_config={"被标记报告占比": st.column_config.NumberColumn(format="percent")})
download_buttons(unit_table, "虚高识别_单位虚高指数", key="inflation_unit_download")

# --- Self-evaluation beside the independent evaluation ---------------------------------------------
st.subheader("自评与第三方评价对比")
paired = data.self_vs_external(filters)
if paired.is_empty():
    st.info("筛选范围内没有同一项目同一年度既有自评又有第三方（财政重点）评价的情况。")
else:
    st.caption("同一项目同一年度的单位自评分与第三方评价得分；差值越大，自评越可能虚高。")
    paired_table = chinese_columns(paired, PAIRED_COLUMNS)
    st.dataframe(for_display(paired_table), key="inflation_external_table", hide_index=True)
    download_buttons(paired_table, "虚高识别_自评与第三方评价对比", key="inflation_external_download")

# --- Flags and evidence ------------------------------------------------------------------------
st.subheader("标记与证据")
present = [c for c in FLAG_LABELS if c in set(ranked["flag_codes"].explode().drop_nulls().to_list())]
code = st.selectbox("标记类型", [None, *present], key="inflation_code",
                    format_func=lambda c: "全部标记" if c is None else FLAG_LABELS.get(c, c))
flag_rows = with_flag_labels(data.flag_list(filters, code=code))
if flag_rows.is_empty():
    st.info("筛选范围内没有被标记的报告。")
else:
    flag_table = chinese_columns(flag_rows, FLAG_COLUMNS)
    st.dataframe(for_display(flag_table), key="inflation_flag_table", hide_index=True,
                 column_config={"证据（报告原文）": st.column_config.TextColumn(width="large"),
                                "说明": st.column_config.TextColumn(width="large"), "评价编号": None})
    if flag_rows.height >= data.FLAG_ROWS:
        st.caption(f"只显示前 {data.FLAG_ROWS} 条标记；请用筛选缩小范围。")
    download_buttons(flag_table, "虚高识别_标记与证据", key="inflation_flag_download")
