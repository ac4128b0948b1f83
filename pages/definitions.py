"""指标说明: the metric dictionary (data/metrics.toml) as a table, so every figure's population,
numerator, denominator, budget basis and rounding can be read where the figures are."""
import polars as pl
import streamlit as st

from dashboard.metrics.dictionary import definitions_table, dictionary
from dashboard.ui import export
from dashboard.ui.filters import KIND_LABELS
from dashboard.ui.theme import for_display

st.title("指标说明")
st.caption("每个主要数字的统计范围与口径。各页面的数字、提示和导出都按这里的定义计算；"
           "左侧“评价类型”筛选只会缩小统计范围，不会扩大。")
table = pl.DataFrame(definitions_table())
st.dataframe(for_display(table), hide_index=True, key="definitions_table", height=560)
export.download_buttons(table, "指标说明", key="definitions_download")

st.subheader("统计范围")
populations = pl.DataFrame([{"统计范围": p.label, "包含的评价类型": "、".join(KIND_LABELS[k] for k in p.kinds)}
                            for p in dictionary().populations.values()])
st.dataframe(for_display(populations), hide_index=True, key="definitions_populations")
st.markdown(
    "- **金额与执行率**只统计项目支出自评：部门整体支出评价和财政重点/第三方评价覆盖的是同一笔资金，"
    "在「总览」的“按评价类型分别统计”中各自单列。\n"
    "- **等级**：“自评为优占比”按报告自己写的等级计，分母是写明等级的自评报告；"
    "“得分≥90占比”按分数段计（优 ≥ 90，良 80–90，中 60–80，差 < 60，见规则手册）；"
    "两者不一致的报告数单独列出。\n"
    "- **高风险报告**：至少有一个“高”严重程度标记的报告；“被标记报告”含任何严重程度。")
