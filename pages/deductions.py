"""扣分原因: points lost by indicator, reason categories and their trend, example quotes, and the
reports behind a category (each opens its 项目档案)."""
import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.ui import data, layout
from dashboard.ui.navigation import open_project

filters = layout.header("扣分原因", "各指标扣了多少分、扣分原因与报告自述问题的类别及其变化；可从类别查到具体报告。")
layout.require_reports()
layout.require_matches(filters)
lost = data.points_lost(filters)
covered = data.deduction_coverage(filters)
with_rows = (covered["n_with_indicators"], covered["n_reports"], "份自评报告列有指标得分")
with_reasons = (covered["n_with_reasons"], covered["n_reports"], "份自评报告写明了扣分原因或存在的问题")
reasons = data.reason_categories(filters)
present = reasons["totals"].filter(pl.col("n_mentions") > 0)["category"].to_list()

left, right = st.columns(2)
layout.chart(charts.points_lost_figure(lost["level1"], "level1"), key="deductions_level1", based_on=with_rows,
             where=left)
layout.chart(charts.points_lost_figure(lost["level3"], "level3"), key="deductions_level3", based_on=with_rows,
             where=right)
layout.table(lost["level3"], ["level1_group", "indicator", "n_reports_scored", "n_reports_deducted", "n_deductions",
                              "points_lost_total", "weight_total", "share_reports_deducted"],
             key="deductions_indicator_table", file_stem="指标扣分")
indicators = lost["level3"]["indicator"].drop_nulls().to_list()
if indicators:
    indicator = st.selectbox("查看指标的原始写法", indicators, key="deductions_indicator")
    layout.table(data.indicator_raw_headings(filters, indicator=indicator),
                 ["level1_raw", "level2_raw", "level3_raw", "level1_group", "n_reports_scored", "n_reports_deducted",
                  "n_deductions", "points_lost_total"],
                 key="deductions_raw_headings_table", file_stem="指标原始写法")

st.subheader("原因类别")
left, right = st.columns(2)
layout.chart(charts.reason_categories_figure(reasons["totals"]), key="deductions_categories",
             based_on=with_reasons, where=left)
layout.chart(charts.reason_trend_figure(reasons["trend"]), key="deductions_trend", based_on=with_reasons, where=right)
if not present:
    st.info("当前筛选下的报告没有写明扣分原因或存在的问题。")
    st.stop()
layout.table(reasons["totals"], ["category", "n_mentions", "n_reports", "points_lost", "share"],
             key="deductions_categories_table", file_stem="原因类别")

category = st.selectbox("查看原因类别", present, key="deductions_category")
top = data.top_reasons(filters, category=category)
st.markdown("**示例原文**")
for quote in top["example_quote"].head(5).to_list():
    st.text(f"· {quote}")  # report text shown as text, never rendered
layout.table(top, ["reason_normalised", "n_mentions", "n_reports", "points_lost", "example_quote"],
             key="deductions_reasons_table", file_stem="原因明细")

st.subheader("该类别涉及的报告")
reports = data.category_reports(filters, category=category)
layout.table(reports, ["project_name", "department_canonical", "year", "n_mentions", "points_lost", "reasons"],
             key="deductions_reports_table", file_stem="原因类别涉及的报告", height=320)
if reports.height:
    rows = list(reports.iter_rows(named=True))
    labels = {r["evaluation_id"]: f"{r['project_name'] or '（未注明项目）'}｜{r['department_canonical'] or '（未注明单位）'}｜"
                                  f"{r['year'] or '年度不详'}" for r in rows}
    keys = {r["evaluation_id"]: r["project_key"] for r in rows}
    chosen = st.selectbox("选择报告", list(labels), format_func=labels.get, key="deductions_report")
    if st.button("打开项目档案", key="deductions_open_project", icon=":material/folder_open:"):
        open_project(chosen, keys[chosen])
