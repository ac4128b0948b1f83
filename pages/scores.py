"""评分分布: self-score histograms and box plots by year and unit, grade mix, bunching at 90, score against execution."""
import streamlit as st

from dashboard import charts
from dashboard.ui import data, figures, layout

BIN_WIDTHS = {5: "5分", 2: "2分", 1: "1分"}

filters = layout.header("评分分布", "各单位自评分的分布、等级构成，以及分数在等级分界（90分）附近的扎堆情况。"
                                 "只统计自评报告（项目支出与部门整体支出），不含财政重点/第三方评价。")
layout.require_reports()
head = layout.require_matches(filters)
scored = (head["n_scored"], head["n_score_population"])
cells = st.columns(4)
figures.show(cells[0], "self_score_mean", head["self_score_mean"], based_on=scored, what="份自评报告")
figures.show(cells[1], "share_excellent", head["share_excellent"],
             based_on=(head["n_graded"], head["n_score_population"]), what="份自评报告")
figures.show(cells[2], "share_band_excellent", head["share_band_excellent"], based_on=scored, what="份自评报告")
figures.show(cells[3], "n_grade_mismatch", head["n_grade_mismatch"])
bin_width = st.segmented_control("分数段宽度", list(BIN_WIDTHS), format_func=BIN_WIDTHS.get, default=5,
                                 key="scores_bin_width") or 5
bins = data.score_bins_by_year(filters, bin_width=bin_width)
layout.chart(charts.score_histogram_figure(bins), key="scores_histogram", based_on="scores", head=head)

summary = data.score_summary(filters)
left, right = st.columns(2)
layout.chart(charts.score_box_figure(summary["year"], "year"), key="scores_box_year", based_on="scores", head=head,
             where=left)
layout.chart(charts.score_box_figure(summary["department_canonical"], "department_canonical"), key="scores_box_unit",
             based_on="scores", head=head, where=right)
layout.table(summary["department_canonical"],
             ["department_canonical", "n_scored", "self_score_mean", "self_score_p25", "self_score_median",
              "self_score_p75", "self_score_min", "self_score_max"],
             key="scores_unit_table", file_stem="单位自评分统计")

st.subheader("等级构成")
mix = data.grade_mix(filters)
left, right = st.columns(2)
layout.chart(charts.grade_mix_figure(mix["year"], "year"), key="scores_grades_year", based_on="grades", head=head,
             where=left)
layout.chart(charts.grade_mix_figure(mix["department_canonical"], "department_canonical"), key="scores_grades_unit",
             based_on="grades", head=head, where=right)

st.subheader("90分附近的扎堆")
st.caption("比较刚好达到“优”（90—92分）与略低于它（88—90分）的报告数：上方远多于下方，提示分数可能被凑过分界。")
bunching = data.threshold_bunching(filters)
layout.chart(charts.bunching_figure(bunching, 90), key="scores_bunching", based_on="scores", head=head)
layout.table(bunching, ["year", "threshold", "n_just_below", "n_at_or_above", "ratio_above_to_below"],
             key="scores_bunching_table", file_stem="等级分界扎堆")

st.subheader("自评分与执行率")
pairs = data.score_vs_execution(filters)
layout.chart(charts.score_vs_execution_figure(pairs), key="scores_vs_execution", head=head,
             based_on=(pairs.height, head["n_score_population"], "份自评报告同时写明了自评分与执行率"))
layout.table(pairs, ["project_name", "department_canonical", "year", "execution_rate", "self_score", "grade",
                     "budget_wan"], key="scores_pairs_table", file_stem="自评分与执行率", height=300)
