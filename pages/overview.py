"""总览: headline figures for the filtered reports (each as the metric dictionary defines it, with the
reports it stands on), each kind of evaluation apart, trends by year and a ranking of units."""
import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.ui import data, figures, layout
from dashboard.ui.filters import KIND_LABELS

# Which reports each ranking metric stands on (layout.COVERAGE).
RANKING_BASIS = {"execution_rate_weighted": "money", "budget_wan": "money", "self_score_mean": "scores",
                 "share_excellent": "grades", "n_evaluations": "reports"}

filters = layout.header("总览", "所筛选报告的主要数字、逐年趋势与单位排名。金额与执行率只统计项目支出自评，"
                                "部门整体支出评价与财政重点/第三方评价单独列示、不相加。")
layout.require_reports()
head = layout.require_matches(filters)

money = (head["n_with_amounts"], head["n_money_population"])
first = st.columns(5)
figures.show(first[0], "n_evaluations", head["n_evaluations"])
figures.show(first[1], "n_projects", head["n_projects"])
figures.show(first[2], "budget_wan", head["budget_wan"], based_on=money, what="份项目支出自评")
figures.show(first[3], "spent_wan", head["spent_wan"], based_on=money, what="份项目支出自评")
figures.show(first[4], "execution_rate_weighted", head["execution_rate_weighted"], based_on=money,
             what="份项目支出自评")
layout.doubtful_note(head)
second = st.columns(5)
figures.show(second[0], "self_score_mean", head["self_score_mean"],
             based_on=(head["n_scored"], head["n_score_population"]), what="份自评报告")
figures.show(second[1], "share_excellent", head["share_excellent"],
             based_on=(head["n_graded"], head["n_score_population"]), what="份自评报告")
figures.show(second[2], "share_band_excellent", head["share_band_excellent"],
             based_on=(head["n_scored"], head["n_score_population"]), what="份自评报告")
figures.show(second[3], "n_grade_mismatch", head["n_grade_mismatch"])
figures.show(second[4], "n_under_90", head["n_under_90"], based_on=money, what="份项目支出自评")
third = st.columns(5)
figures.show(third[0], "n_high_risk_reports", head["n_high_risk_reports"])
figures.show(third[1], "n_flagged_reports", head["n_flagged_reports"])

st.subheader("按评价类型分别统计")
st.caption("三类评价覆盖的常常是同一笔资金：各自单列，从不相加。本表不受“评价类型”筛选影响。")
kinds = data.kind_sections(filters)
layout.table(kinds.with_columns(pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind"))),
             ["kind", "n_evaluations", "n_departments", "n_with_amounts", "budget_wan", "spent_wan",
              "execution_rate_weighted", "n_scored", "self_score_mean", "share_excellent", "n_flagged_reports",
              "n_high_risk_reports"],
             key="overview_kinds_table", file_stem="按评价类型统计")

trend = data.trend_by_year(filters)
left, right = st.columns(2)
layout.chart(charts.trend_amounts_figure(trend), key="overview_trend_amounts", based_on="money", head=head, where=left)
layout.chart(charts.trend_scores_figure(trend), key="overview_trend_scores", based_on="scores", head=head, where=right)
layout.table(trend, ["year", "n_evaluations", "n_projects", "n_with_amounts", "budget_wan", "spent_wan",
                     "execution_rate_weighted", "self_score_mean", "share_excellent", "share_band_excellent",
                     "n_grade_mismatch", "n_flagged_reports", "n_high_risk_reports"],
             key="overview_trend_table", file_stem="逐年趋势")

st.subheader("单位排名")
metric = st.selectbox("排名依据", list(charts.RANKING_METRICS), key="overview_rank_metric",
                      format_func=lambda m: charts.RANKING_METRICS[m][0])
units = data.unit_summary(filters)
layout.chart(charts.unit_ranking_figure(units, metric), key="overview_ranking", head=head,
             based_on=RANKING_BASIS.get(metric, "reports"))
layout.table(units.sort(metric, descending=True, nulls_last=True),
             ["department_canonical", "n_evaluations", "n_projects", "n_with_amounts", "budget_wan", "spent_wan",
              "execution_rate_weighted", "execution_rate_median", "self_score_mean", "share_excellent", "n_problems"],
             key="overview_units_table", file_stem="单位汇总")
