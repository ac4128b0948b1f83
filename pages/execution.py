"""预算执行: execution by unit and year, its distribution, the lowest executors, budget against spend;
project self-evaluations only (the metric dictionary's money population), on a selectable budget basis."""
import streamlit as st

from dashboard import charts
from dashboard.metrics.dictionary import kinds_for
from dashboard.ui import data, figures, layout

BASES = {"adjusted": "全年预算数（调整后）", "initial": "年初预算数"}

filters = layout.header("预算执行", "预算执行率 = 实际支出 ÷ 预算；只统计项目支出自评中两项金额都有的报告。"
                                  "部门整体支出评价与财政重点/第三方评价不计入（见「总览」的分类型统计）。")
layout.require_reports()
head = layout.require_matches(filters)
if not kinds_for("projects", filters.kinds):
    st.info("当前“评价类型”筛选不含项目支出自评：本页的金额与执行率只统计项目支出自评。"
            "部门整体支出评价与财政重点/第三方评价的金额见「总览」的“按评价类型分别统计”。")
    st.stop()
basis = st.segmented_control("预算口径", list(BASES), format_func=BASES.get, default="adjusted",
                             key="execution_basis") or "adjusted"
st.caption(figures.coverage(head["n_with_amounts"], head["n_money_population"], "份项目支出自评写明了预算与支出"))
layout.doubtful_note(head)
by_unit_year = data.execution_by_unit_year(filters, basis=basis)

layout.chart(charts.execution_heatmap_figure(by_unit_year), key="execution_heatmap", based_on="money", head=head)
layout.table(by_unit_year, ["department_canonical", "year", "n_projects", "budget_wan", "spent_wan",
                            "execution_rate_weighted", "execution_rate_median", "share_under_90", "share_under_95"],
             key="execution_unit_year_table", file_stem="单位年度执行率")

st.subheader("执行率分布")
layout.chart(charts.execution_bands_figure(data.execution_bands(filters, basis=basis)), key="execution_bands",
             based_on="money", head=head)

st.subheader("执行率最低的项目")
lowest = data.lowest_executors(filters, basis=basis)
layout.chart(charts.lowest_executors_figure(lowest), key="execution_lowest", based_on="money", head=head)
layout.table(lowest, ["project_name", "department_canonical", "year", "budget_wan", "spent_wan", "unspent_wan",
                      "execution_rate", "self_score", "grade"],
             key="execution_lowest_table", file_stem="执行率最低的项目")

st.subheader("预算与支出")
st.caption("按全年预算数（调整后）统计。")
units = data.unit_summary(filters)
layout.chart(charts.budget_vs_spend_figure(units), key="execution_budget_spend", based_on="money", head=head)
layout.table(units.sort("budget_wan", descending=True, nulls_last=True),
             ["department_canonical", "n_with_amounts", "budget_wan", "spent_wan", "execution_rate_weighted"],
             key="execution_units_table", file_stem="单位预算与支出")
