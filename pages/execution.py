"""预算执行: execution by unit and year, its distribution, the lowest executors, budget against spend."""
import streamlit as st

from dashboard import charts
from dashboard.ui import data, layout

filters = layout.header("预算执行", "预算执行率 = 实际支出 ÷ 全年预算；只统计两项金额都有的报告。")
layout.require_reports()
layout.require_matches(filters)
by_unit_year = data.execution_by_unit_year(filters)

st.plotly_chart(charts.execution_heatmap_figure(by_unit_year), theme=None, key="execution_heatmap")
layout.table(by_unit_year, ["department_canonical", "year", "n_projects", "budget_wan", "spent_wan",
                            "execution_rate_weighted", "execution_rate_median", "share_under_90", "share_under_95"],
             key="execution_unit_year_table", file_stem="单位年度执行率")

st.subheader("执行率分布")
st.plotly_chart(charts.execution_bands_figure(data.execution_bands(filters)), theme=None, key="execution_bands")

st.subheader("执行率最低的项目")
lowest = data.lowest_executors(filters)
st.plotly_chart(charts.lowest_executors_figure(lowest), theme=None, key="execution_lowest")
layout.table(lowest, ["project_name", "department_canonical", "year", "budget_wan", "spent_wan", "unspent_wan",
                      "execution_rate", "self_score", "grade"],
             key="execution_lowest_table", file_stem="执行率最低的项目")

st.subheader("预算与支出")
units = data.unit_summary(filters)
st.plotly_chart(charts.budget_vs_spend_figure(units), theme=None, key="execution_budget_spend")
layout.table(units.sort("budget_wan", descending=True, nulls_last=True),
             ["department_canonical", "n_evaluations", "budget_wan", "spent_wan", "execution_rate_weighted"],
             key="execution_units_table", file_stem="单位预算与支出")
