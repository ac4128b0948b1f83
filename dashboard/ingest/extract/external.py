"""Evaluations written by accounting firms for the finance bureau (第三方 / 重点评价), and report kinds.

`detect_kind(text)` tells project_self, department_self and external apart; `enrich_external(doc,
record)` adds what an external report carries: the firm, its report number, the firm's own score
(which becomes self_score: the score the report claims) and grade.
"""
from __future__ import annotations

import re

from dashboard.ingest.document import Document
from dashboard.ingest.extract import fields
from dashboard.ingest.extract.dates import find_dates
from dashboard.ingest.normalize import normalize_text, to_simplified
from dashboard.ingest.record import EvaluationRecord

_DEPARTMENT_WIDE = re.compile(r"部门整体支出绩效|整体支出绩效(?:自评|评价)|部门整体绩效")
_EXTERNAL = re.compile(
    r"第三方(?:机构|评价|绩效评价)|财政(?:局)?重点(?:绩效)?评价|重点绩效评价|受[^，。；\n]{0,24}委托"
    r"|会计师事务所|绩评(?:字)?[〔\[(]?\d{0,4}[〕\])]?第?\d+号|[〔\[(]\s*(?:19|20)\d{2}\s*[〕\])][^\n]{0,6}评[^\n]{0,4}\d+号")

_FIRM_SUFFIX = re.compile(
    r"(?:会计师事务所|税务师事务所|律师事务所)(?:有限责任公司|有限公司)?(?:\s*[(（](?:特殊)?普通合伙[)）])?"
    r"|(?:咨询|评估|管理|工程咨询|项目管理|财务咨询|资产评估|造价咨询|评价)(?:服务)?(?:有限责任公司|有限公司|股份有限公司)")
# Where a firm's name ends on the left: punctuation, or a verb that introduces it.
_FIRM_LEFT_STOP = re.compile(r"[\s，。；：:、,;“”\"（）()《》]|委托|聘请|确定|选定|邀请|通过|由|经|和|与|及|是|为|对|我所|本所|单位")
_FIRM_LABEL = re.compile(r"(?:评价机构|受托方|受托机构|受托单位|第三方机构|编制单位|评价单位|出具单位|报告单位|承办单位|中介机构)\s*[:：]\s*([^\n，。；]{4,40})")

_REPORT_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{2,14}\s*[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*[\u4e00-\u9fff]{0,8}?\s*第?\s*\d{1,5}\s*号)")
_REPORT_NUMBER_LABEL = re.compile(r"(?:报告编号|报告文号|报告号|编号|文号)\s*[:：]\s*([^\n，。；]{4,40}?号)")

_SCORE = re.compile(
    r"(综合(?:评价)?得分|评价(?:总)?得分|最终得分|总得分|综合评分|评价总分|绩效评价得分|得分)\s*(?:为|是|：|:)?\s*(\d{1,3}(?:\.\d+)?)\s*分")
_GRADE = re.compile(
    r"(?:评价等级|绩效等级|等级|等次|评价结果|评价结论|绩效评级|评级)\s*(?:为|是|：|:|评定为|确定为)?\s*[“\"「『]?(优秀|良好|中等|不合格|合格|较差|优|良|中|差)")
_GRADES = fields.GRADE_WORDS  # one grade map for every extractor
_SELF_NEAR = re.compile(r"自评|自我评价")


def _text(doc: Document) -> str:
    return to_simplified(normalize_text(doc.text()))


def detect_kind(text: str) -> str:
    """department_self for 部门整体支出 reports, external for firms' and 重点评价 reports, else project_self."""
    simplified = to_simplified(normalize_text(text[:8000]))
    head = "\n".join(line for line in simplified.split("\n")[:8])
    if _DEPARTMENT_WIDE.search(head):
        return "department_self"
    if _EXTERNAL.search(simplified[:6000]):
        return "external"
    return "project_self"


def find_firm(text: str) -> str | None:
    m = _FIRM_LABEL.search(text)
    if m and _FIRM_SUFFIX.search(m.group(1)):
        return m.group(1).strip()
    for m in _FIRM_SUFFIX.finditer(text):
        left = text[max(0, m.start() - 24): m.start()]
        cut = 0
        for stop in _FIRM_LEFT_STOP.finditer(left):
            cut = stop.end()
        name = (left[cut:] + m.group(0)).strip()
        name = re.sub(r"\s+", "", name)
        if len(name) - len(m.group(0)) >= 2 and "财政局" not in name:
            return name
    return None


def find_report_number(text: str) -> str | None:
    m = _REPORT_NUMBER_LABEL.search(text[:5000])
    if m:
        return re.sub(r"\s+", "", m.group(1))
    candidates = [re.sub(r"\s+", "", c.group(1)) for c in _REPORT_NUMBER.finditer(text[:8000])]
    # A firm's number (绩评, 评字, 咨字, 专审), not the bureau's notice it cites (财预〔2023〕12号).
    for number in candidates:
        if re.search(r"评|咨|审|鉴|专", number) and not re.search(r"财[预绩农社教行资]", number):
            return number
    return None


def _not_self(text: str, start: int) -> bool:
    return not _SELF_NEAR.search(text[max(0, start - 12): start])


_SCALE_AFTER = re.compile(r"^[”\"」』]?\s*(?:[(（]|、|以上|及以上|以下|至|-|～|~|分以上|分及以上|[≥≤<>])")


def _is_scale(text: str, end: int) -> bool:
    """'等级为优（90分及以上）、良…' and '得分90分以上为优' describe the grading scale, not a result."""
    return bool(_SCALE_AFTER.search(text[end: end + 12]))


def find_score(text: str) -> tuple[float | None, str | None]:
    """The firm's score: the first score sentence that is not the unit's own self-score."""
    best = None
    for m in _SCORE.finditer(text):
        if not _not_self(text, m.start()) or _is_scale(text, m.end()):
            continue
        value = float(m.group(2))
        if value > 100:
            continue
        strong = m.group(1) != "得分"
        if strong:
            return value, _quote(text, m)
        if best is None:
            best = (value, _quote(text, m))
    return best if best else (None, None)


def find_grade(text: str) -> str | None:
    for m in _GRADE.finditer(text):
        if _not_self(text, m.start()) and not _is_scale(text, m.end()):
            return _GRADES[m.group(1)]
    return None


def _quote(text: str, m: re.Match) -> str:
    start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    end_candidates = [i for i in (text.find("。", m.end()), text.find("\n", m.end())) if i != -1]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return text[start:end].strip()[:200]


_NAME_LABEL = re.compile(r"项目名称\s*[:：]\s*([^\n，。；]{2,60})")
_EVALUATED_UNIT = re.compile(r"对\s*([\u4e00-\u9fff]{2,30}?(?:局|中心|院|站|所|办|委|政府|学校|中学|小学|医院|队|馆|公司|处|室))\s*(?:的\s*)?(?:19|20)\d{2}\s*年")
_REPORT_SUFFIX = re.compile(r"(?:项目)?(?:支出)?(?:(?:财政)?重点(?:绩效)?(?:评价)?(?:报告)?|(?:绩效)?评价报告)$")


def _name_and_unit(record: EvaluationRecord, text: str) -> None:
    """An external report names the project on its cover or in 项目名称; the unit after 对…开展评价."""
    m = _NAME_LABEL.search(text)
    if m:
        # A cover flattened to one line: the next "标签:" ends the name ("小区综合整新 项目单位:…").
        record.project_name = re.split(r"\s+(?=[\u4e00-\u9fff]{2,8}\s*[:：])|(?=(?:项目单位|项目实施单位|实施单位|主管部门"
                                       r"|委托单位|评价机构|组织单位)\s*[:：])", m.group(1).strip())[0].strip()
    elif record.project_name:
        record.project_name = _REPORT_SUFFIX.sub("", record.project_name).strip() or record.project_name
    if record.department is None:
        m = _EVALUATED_UNIT.search(text)
        if m:
            record.department = m.group(1)


DEPARTMENT_PROJECT_NAME = None  # a department-wide report evaluates no single project
_DEPARTMENT_TITLE = re.compile(r"^\s*(?:中共)?([\u4e00-\u9fff（）()]{2,30}?)\s*(?:19|20)\d{2}\s*年度?\s*部门整体")


def enrich_department(doc: Document, record: EvaluationRecord) -> None:
    """A department-wide report evaluates the unit's whole budget, not a project: no project name,
    and the unit from the title when it was not found."""
    record.kind = "department_self"
    record.project_name = DEPARTMENT_PROJECT_NAME
    if record.department is None:
        first = next((p.strip() for p in doc.paragraphs if p.strip()), "")
        m = _DEPARTMENT_TITLE.match(to_simplified(normalize_text(first)))
        if m:
            record.department = m.group(1)


def enrich_external(doc: Document, record: EvaluationRecord) -> None:
    """Fill kind, firm, report_number, self_score (the firm's score) and grade of an external report."""
    text = _text(doc)
    record.kind = "external"
    record.firm = record.firm or find_firm(text)
    record.report_number = record.report_number or find_report_number(text)
    # The unit's own claim, when the firm quotes it, is kept apart for comparison.
    m = re.search(r"自评(?:得分|分数|总分)\s*(?:为|是)?\s*(\d{1,3}(?:\.\d+)?)\s*分", text)
    if m:
        record.facts["unit_self_score"] = float(m.group(1))
    score, quote = find_score(text)
    if score is not None:
        record.self_score = score
        record.facts["score_quote"] = quote
    grade = find_grade(text)
    if grade is not None:
        record.grade = grade
    _name_and_unit(record, text)
    dates = find_dates(text)
    if dates:
        record.facts["report_date"] = dates[-1].isoformat()
    if record.firm is None:
        record.warnings.append("第三方评价报告中未找到评价机构名称")
