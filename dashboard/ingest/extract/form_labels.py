"""The vocabulary of 自评表 forms: header labels, funds and indicator columns, level names, totals.

Every cell is matched on its key: normalised, folded to Simplified, without spaces and colons.
"""
from __future__ import annotations

import re
from functools import lru_cache

from dashboard.ingest.extract.fields import GRADE_WORDS as GRADE_MAP
from dashboard.ingest.normalize import normalize_text, to_simplified

_PAREN = re.compile(r"[(（][^()（）]*[)）]")
_WEIGHT_NOTE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]\s*$")


@lru_cache(maxsize=65536)
def key(cell: str) -> str:
    """The matching form of a cell: NFKC, Simplified, no spaces or colons."""
    text = to_simplified(normalize_text(cell))
    return re.sub(r"[\s:：\u3000]", "", text)


def bare(cell: str) -> str:
    """The key without parentheticals: '全年预算数(A)' -> '全年预算数', '得分(20分*执行率)' -> '得分'."""
    k = key(cell)
    prev = None
    while prev != k:
        prev, k = k, _PAREN.sub("", k)
    return k


def strip_weight_note(text: str) -> tuple[str, float | None]:
    """'产出指标(50分)' -> ('产出指标', 50.0); other text unchanged, None."""
    m = _WEIGHT_NOTE.search(text)
    if not m:
        return text.strip(), None
    number = re.search(r"\d+(?:\.\d+)?", m.group(0))
    return text[: m.start()].strip(), float(number.group(0)) if number else None


# --- header ------------------------------------------------------------------------------------
NAME_LABELS = {"项目名称", "转移支付(项目)名称", "转移支付项目名称", "转移支付名称", "项目名称(全称)",
               "专项(项目)名称", "专项资金名称"}
# A county's own form names its county-level 主管部门; a 市级主管部门 beside it is the city's (OTHER_LABELS).
SUPERVISOR_LABELS = {"主管部门", "地方主管部门", "主管单位", "项目主管部门", "省级主管部门", "主管部门(单位)",
                     "县级主管部门", "区级主管部门"}
DEPARTMENT_LABELS = {"实施单位", "项目实施单位", "资金使用单位", "项目单位", "预算单位", "一级预算单位名称",
                     "预算单位名称", "部门名称", "部门(单位)名称", "单位名称(盖章)"}
FALLBACK_DEPARTMENT_LABELS = {"单位名称", "填报单位"}
OTHER_LABELS = {"中央主管部门", "市级主管部门", "负责人及电话", "项目负责人", "联系人", "联系电话", "项目负责人及电话", "项目类别",
                "项目属性", "报表编号", "填报日期", "填报人", "自评总分(分)", "自评总分", "自评等级", "年度总体目标",
                "预期目标", "实际完成情况", "年初设定目标", "年度总体目标完成情况综述", "实际完成目标", "评价结论",
                "存在问题", "自评结论", "项目资金", "情况说明"}
TOTAL_LABELS = {"总分", "合计", "总计", "自评得分", "综合得分", "得分合计", "总得分"}
CONCLUSION_LABELS = {"评价结论", "自评结论", "总体评价", "自评结果"}
PROBLEM_LABELS = {"存在问题", "存在的问题", "主要问题", "问题及原因", "存在问题及原因"}
TERMINATORS = TOTAL_LABELS | CONCLUSION_LABELS | PROBLEM_LABELS | {
    "改进措施", "整改措施", "其他需要说明的问题", "填表人", "审核人", "单位负责人", "说明"}


def is_title(cells: list[str]) -> bool:
    """A form's title row: one or two short cells naming a 自评表 (a year or file suffix may follow)."""
    filled = [c for c in cells if c.strip()]
    if not filled or len(filled) > 2:
        return False
    joined = key("".join(filled))
    m = re.search(r"自评(?:情况)?表", joined)
    return bool(m) and len(joined) <= 60 and len(joined) - m.end() <= 14


def header_label(cell: str) -> str | None:
    """Which header field a label cell names (project_name, supervising_department, department, other)."""
    k = key(cell)
    if not k or len(k) > 14:
        return None
    if k in NAME_LABELS:
        return "project_name"
    if k in SUPERVISOR_LABELS:
        return "supervising_department"
    if k in DEPARTMENT_LABELS:
        return "department"
    if k in FALLBACK_DEPARTMENT_LABELS:
        return "fallback_department"
    if k in OTHER_LABELS or k in TERMINATORS or bare(cell) in OTHER_LABELS:
        return "other"
    return None


# --- funds block -------------------------------------------------------------------------------
FUND_COLUMNS = {
    "initial_budget": {"年初预算数", "年初预算", "年初预算金额"},
    "budget": {"全年预算数", "调整后预算数", "调整后预算", "预算数", "全年预算", "调整预算数"},
    "spent": {"全年执行数", "预算执行数", "执行数", "实际执行数", "全年执行", "实际支出数", "全年实际支出"},
    "rate": {"执行率", "预算执行率", "全年执行率", "资金执行率"},
    "weight": {"分值", "权重"},
    "score": {"得分"},
    "reason": {"原因", "偏差原因"},
}
_AMOUNT_ROLES = ("initial_budget", "budget", "spent", "rate")


def fund_role(cell: str) -> str | None:
    b = bare(cell)
    for role, names in FUND_COLUMNS.items():
        if b in names:
            return role
    return None


def is_fund_header(cells: list[str]) -> bool:
    roles = [fund_role(c) for c in cells]
    return sum(r in _AMOUNT_ROLES for r in roles) >= 2 and not any(
        bare(c) in ("三级指标", "二级指标") for c in cells)


FUNDS_TOTAL_LABELS = {"年度资金总额", "总额", "资金总额", "合计", "总计", "项目资金总额", "年度资金", "资金合计"}

# --- indicator table ---------------------------------------------------------------------------
INDICATOR_COLUMNS = {
    "level1": {"一级指标"},
    "level2": {"二级指标"},
    "level3": {"三级指标"},
    "nature": {"指标性质"},
    "target": {"年度指标值", "指标值", "年初目标值", "预期指标值", "目标值", "年度目标值", "计划指标值", "绩效指标值"},
    "measure": {"度量单位", "计量单位", "指标单位"},
    "actual": {"实际完成值", "完成值", "全年实际值", "实际值", "全年完成值", "实际完成指标值"},
    "weight": {"分值", "权重"},
    "score": {"得分", "自评得分"},
}


def indicator_role(cell: str) -> str | None:
    b = bare(cell)
    if not b:
        return None
    for role, names in INDICATOR_COLUMNS.items():
        if b in names:
            return role
    if re.match(r"(偏差|未完成)?原因", b) or b.startswith("偏差原因") or b.startswith("未完成原因"):
        return "reason"
    return None


def is_indicator_header(cells: list[str]) -> bool:
    roles = {indicator_role(c) for c in cells}
    return "level3" in roles or ("level2" in roles and "level1" in roles)


LEVEL1_NAMES = {"产出指标", "效益指标", "满意度指标", "成本指标", "投入", "过程", "产出", "效果", "效益", "满意度",
                "部门管理", "履职效能", "管理效率", "运行成本", "投入指标", "过程指标", "效果指标", "社会效应"}
LEVEL2_NAMES = {"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                "可持续影响指标", "服务对象满意度指标", "满意度指标", "经济成本指标", "社会成本指标",
                "生态环境成本指标", "项目立项", "资金落实", "业务管理", "财务管理", "项目产出", "项目效益",
                "资金管理", "预算管理", "资产管理", "人员管理", "预算执行", "预算编制", "社会效益", "经济效益",
                "生态效益", "可持续影响", "服务对象满意度", "公众满意度"}


def is_level1(cell: str) -> bool:
    name, _ = strip_weight_note(key(cell))
    return name in LEVEL1_NAMES


def is_level2(cell: str) -> bool:
    name, _ = strip_weight_note(key(cell))
    return name in LEVEL2_NAMES


PLACEHOLDER = re.compile(r"^(?:指标\d*|…+|\.{2,}|/|／|—+|-+|－+|无|\*+)$")


def is_placeholder(cell: str) -> bool:
    k = key(cell)
    return not k or bool(PLACEHOLDER.match(k))


NUMERIC_LIKE = re.compile(r"^[-+]?[\d.,，]*\d[\d.,，]*\s*%?$")


def is_numeric(cell: str) -> bool:
    return bool(NUMERIC_LIKE.match(normalize_text(cell).strip()))


def is_numeric_like(cell: str) -> bool:
    """A number, a dash or a short digit-bearing token without Chinese (possibly a garbled number)."""
    text = normalize_text(cell).strip()
    if text in ("—", "-", "/", "－", "——", "／"):
        return True
    return bool(re.search(r"\d", text)) and len(text) <= 16 and not re.search(r"[\u4e00-\u9fff]", text)


GRADE_WORDS = GRADE_MAP  # one grade map for every extractor (fields.GRADE_WORDS)
_GRADE_IN_TEXT = re.compile(r"(?:等级|等次|评价结果|结论|评定)\s*(?:为|是|:|：)?\s*[“\"「『]?(优秀|良好|中等|不合格|合格|较差|优|良|中|差)")


# "四、部门自评等级": the label of a form's grade row; "(自评等级)优": a grade cell that names itself.
GRADE_LABEL = re.compile(r"(?:[一二三四五六七八九十]+、|\d+[.、])?(?:部门|单位|项目)?(?:整体支出)?(?:自评|评价)等[级次]")
_GRADE_NOTE = re.compile(r"^[(（](?:自评|评价)?等[级次][)）]")


def grade_cell(cell: str) -> str | None:
    """The grade a cell holds by itself ("优", "良好", "(自评等级)优"), else None."""
    return GRADE_WORDS.get(_GRADE_NOTE.sub("", key(cell)))


def grade_of(text: str | None) -> str | None:
    if not text:
        return None
    k = key(text)
    if k in GRADE_WORDS:
        return GRADE_WORDS[k]
    m = _GRADE_IN_TEXT.search(k)
    return GRADE_WORDS[m.group(1)] if m else None


def role_columns(header: list[str], role_of) -> dict[str, int]:
    """The first column of each role in a header row (role_of: fund_role or indicator_role)."""
    cols: dict[str, int] = {}
    for j, cell in enumerate(header):
        role = role_of(cell)
        if role and role not in cols:
            cols[role] = j
    return cols
