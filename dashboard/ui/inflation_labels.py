"""Chinese names of the inflation flags, severities and the columns of the 虚高识别 / 项目档案 / 数据管理 tables."""
from __future__ import annotations

import polars as pl

FLAG_LABELS: dict[str, str] = {
    "SCORE_SUM_MISMATCH": "分项得分与总分不符",
    "GRADE_BAND_MISMATCH": "等级与分数段不符",
    "EXECUTION_RULE_VIOLATION": "得分违反执行率规则",
    "RATE_MISMATCH": "执行率与金额不符",
    "AMOUNT_INCONSISTENT": "同一金额前后不一",
    "PROBLEMS_WITHOUT_DEDUCTION": "列出问题却未扣分",
    "EVALUATOR_AVERAGE_MISMATCH": "评价人员平均分有误",
    "YEAR_INCONSISTENT": "年度前后不一",
    "NO_SCORE_TABLE": "高分但无评分表",
    "REASON_CONTRADICTS_RULE": "扣分理由与评分标准矛盾",
    "PEER_OUTLIER": "明显高于同类项目",
    "BOILERPLATE": "与其他单位报告雷同",
}
SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}
SCOPE_LABELS = {"report": "报告内", "corpus": "跨报告"}
STATUS_LABELS = {"loaded": "已导入", "failed": "失败", "duplicate": "同一报告的其他格式（未重复计入）"}

COLUMN_LABELS: dict[str, str] = {
    "external_score": "第三方评价得分",
    "external_grade": "第三方评价等级",
    "self_minus_external": "自评高出第三方(分)",
    "supported_score": "证据支持的分数",
    "score_gap": "虚高分差",
    "risk_score": "风险分",
    "n_flags": "标记数",
    "max_severity": "最高严重程度",
    "flag_labels": "标记",
    "code_label": "标记",
    "severity_label": "严重程度",
    "scope_label": "范围",
    "message": "说明",
    "evidence": "证据（报告原文）",
    "mean_claimed": "平均自评分",
    "mean_supported": "平均证据支持分",
    "mean_gap": "平均虚高分差",
    "peer_median_gap": "同年单位分差中位数",
    "inflation_index": "虚高指数",
    "flagged_share": "被标记报告占比",
    "problem_text": "存在的问题",
    "weight": "分值",
    "score": "得分",
    "reason": "扣分原因",
    "rule": "评分标准",
    "target": "年度指标值",
    "actual": "实际完成值",
    "file_name": "文件名",
    "status_label": "状态",
    "error_reason": "原因说明",
    "error_kind": "失败类型",
    "advice": "处理建议",
    "ingested_at": "导入时间",
    "loaded_by": "导入人",
    "n_records": "评价记录数",
    "warning": "提示",
    "lacks_text": "缺少的字段",
    "field_label": "字段",
    "old_value": "原值",
    "new_value": "新值",
    "corrected_by": "更正人",
    "corrected_at": "更正时间",
    "initial_budget_wan": "年初预算(万元)",
    "received_wan": "到位资金(万元)",
    "size_kb": "大小(KB)",
    "format": "格式",
}


def flag_label(code: str | None) -> str:
    return FLAG_LABELS.get(code or "", code or "")


def with_flag_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """flag_codes (list) -> flag_labels (text joined with 、); code/severity/scope -> *_label columns."""
    exprs = []
    if "flag_codes" in frame.columns:
        exprs.append(pl.col("flag_codes").list.eval(pl.element().replace(FLAG_LABELS)).list.join("、")
                     .alias("flag_labels"))
    if "code" in frame.columns:
        exprs.append(pl.col("code").replace(FLAG_LABELS).alias("code_label"))
    if "severity" in frame.columns:
        exprs.append(pl.col("severity").replace(SEVERITY_LABELS).alias("severity_label"))
    if "max_severity" in frame.columns:
        exprs.append(pl.col("max_severity").replace(SEVERITY_LABELS))
    if "scope" in frame.columns:
        exprs.append(pl.col("scope").replace(SCOPE_LABELS).alias("scope_label"))
    return frame.with_columns(exprs) if exprs else frame


def chinese_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The chosen columns under their Chinese names (these labels first, then dashboard.ui.labels)."""
    from dashboard.ui.labels import labelled

    chosen = frame.select([c for c in columns if c in frame.columns])
    return labelled(chosen.rename({c: COLUMN_LABELS[c] for c in chosen.columns if c in COLUMN_LABELS}))
