"""总览: headline figures for the filtered reports, trends by year and a ranking of units."""
import streamlit as st

from dashboard import charts
from dashboard.ui import data, layout, theme

filters = layout.header("总览", "所筛选报告的主要数字、逐年趋势与单位排名。")
layout.require_reports()
head = layout.require_matches(filters)

first, second = st.columns(4), st.columns(4)
first[0].metric("项目数", theme.fmt_count(head["n_projects"]), help=f"报告 {head['n_evaluations']:,} 份")
first[1].metric("预算总额(万元)", theme.fmt_number(head["budget_wan"]),
                help="有预算和支出两项金额的报告的全年预算合计")
first[2].metric("支出总额(万元)", theme.fmt_number(head["spent_wan"]))
first[3].metric("加权执行率", theme.fmt_pct(head["execution_rate_weighted"]), help="支出合计 ÷ 预算合计")
second[0].metric("平均自评分", theme.fmt_number(head["self_score_mean"]),
                 help=f"有自评分的报告 {head['n_scored']:,} 份")
second[1].metric("优秀占比", theme.fmt_pct(head["share_excellent"], ratio=True), help="自评等级为“优”的报告占比")
second[2].metric("被标记报告数", theme.fmt_count(head["n_flagged_reports"]), help="至少有一个虚高识别标记的报告")
second[3].metric("执行率低于90%", theme.fmt_count(head["n_under_90"]))

trend = data.trend_by_year(filters)
left, right = st.columns(2)
left.plotly_chart(charts.trend_amounts_figure(trend), theme=None, key="overview_trend_amounts")
right.plotly_chart(charts.trend_scores_figure(trend), theme=None, key="overview_trend_scores")
layout.table(trend, ["year", "n_evaluations", "n_projects", "budget_wan", "spent_wan", "execution_rate_weighted",
                     "self_score_mean", "share_excellent", "n_flagged_reports"],
             key="overview_trend_table", file_stem="逐年趋势")

st.subheader("单位排名")
metric = st.selectbox("排名依据", list(charts.RANKING_METRICS), key="overview_rank_metric",
                      format_func=lambda m: charts.RANKING_METRICS[m][0])
units = data.unit_summary(filters)
st.plotly_chart(charts.unit_ranking_figure(units, metric), theme=None, key="overview_ranking")
layout.table(units.sort(metric, descending=True, nulls_last=True),
             ["department_canonical", "n_evaluations", "n_projects", "budget_wan", "spent_wan",
              "execution_rate_weighted", "execution_rate_median", "self_score_mean", "share_excellent", "n_problems"],
             key="overview_units_table", file_stem="单位汇总")
