"""Chinese names of the columns pages show and export, and the frame renaming that uses them."""
from __future__ import annotations

import polars as pl

COLUMN_LABELS: dict[str, str] = {
    "evaluation_id": "评价编号",
    "project_key": "项目编号",
    "project_name": "项目名称",
    "project_canonical": "项目名称",
    "department_canonical": "单位",
    "firm": "评价机构",
    "report_number": "报告文号",
    "department": "单位",
    "county": "地区",
    "region": "地区",
    "year": "年度",
    "kind": "评价类型",
    "budget_wan": "预算(万元)",
    "spent_wan": "支出(万元)",
    "unspent_wan": "未支出(万元)",
    "execution_rate": "执行率(%)",
    "stated_execution_rate": "报告所写执行率(%)",
    "execution_rate_weighted": "加权执行率(%)",
    "execution_rate_median": "执行率中位数(%)",
    "self_score": "自评分",
    "self_score_mean": "平均自评分",
    "self_score_median": "自评分中位数",
    "self_score_p25": "自评分下四分位",
    "self_score_p75": "自评分上四分位",
    "self_score_min": "最低自评分",
    "self_score_max": "最高自评分",
    "grade": "自评等级",
    "n_evaluations": "报告数",
    "n_projects": "项目数",
    "n_reports": "报告数",
    "n_scored": "有自评分的报告数",
    "n_problems": "问题条数",
    "n_flags": "标记数",
    "n_flagged_reports": "被标记报告数",
    "share_excellent": "自评为优占比",
    "share_band_excellent": "得分≥90占比",
    "n_grade_mismatch": "等级与得分不符",
    "n_high_risk_reports": "高风险报告数",
    "n_with_amounts": "有金额的报告数",
    "n_graded": "写明等级的报告数",
    "n_departments": "单位数",
    "n_doubtful_left_out": "待核实未计入的报告数",
    "doubt_reason": "待核实原因",
    "value": "原值",
    "quote": "报告原文",
    "suggested": "建议值",
    "share": "占比",
    "share_of_year": "占当年比例",
    "share_under_60": "执行率低于60%的占比",
    "share_under_80": "执行率低于80%的占比",
    "share_under_90": "执行率低于90%的占比",
    "share_under_95": "执行率低于95%的占比",
    "first_year": "最早年度",
    "last_year": "最近年度",
    "corrected": "已更正",
    "source": "文件",
    "band": "执行率区间",
    "threshold": "等级分界(分)",
    "n_just_below": "分界下方报告数",
    "n_at_or_above": "分界上方报告数",
    "ratio_above_to_below": "上方/下方之比",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "level1_group": "指标类别",
    "level2_group": "二级指标（归并）",
    "indicator": "指标",
    "indicator_group": "指标类别",
    "level1_raw": "一级指标（原文）",
    "level2_raw": "二级指标（原文）",
    "level3_raw": "三级指标（原文）",
    "n_reports_scored": "评分报告数",
    "n_reports_deducted": "扣分报告数",
    "n_deductions": "扣分次数",
    "points_lost_total": "扣分合计",
    "points_lost": "扣分",
    "weight_total": "分值合计",
    "share_reports_deducted": "扣分报告占比",
    "category": "原因类别",
    "reason_text": "原因原文",
    "reason_normalised": "原因",
    "example_quote": "示例原文",
    "n_mentions": "出现次数",
    "source_kind": "来源",
    "flag_codes": "标记",
    "reasons": "原因",
    "bin_start": "分数段起点",
    "bin_end": "分数段终点",
}

SOURCE_LABELS = {"deduction": "指标扣分", "problem": "存在的问题"}


def labelled(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The chosen columns (all when None) renamed to their Chinese names; list columns joined with 、."""
    chosen = frame.select(columns) if columns is not None else frame
    fixes = [pl.col(name).cast(pl.List(pl.String)).list.join("、").alias(name)
             for name, dtype in chosen.schema.items() if isinstance(dtype, pl.List)]
    if fixes:
        chosen = chosen.with_columns(fixes)
    renames: dict[str, str] = {}
    used: set[str] = set()
    for name in chosen.columns:
        label = COLUMN_LABELS.get(name, name)
        while label in used:  # two source columns sharing a label (department / department_canonical)
            label += "′"
        used.add(label)
        renames[name] = label
    return chosen.rename(renames)
