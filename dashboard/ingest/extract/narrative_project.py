"""The project a narrative report names outside its title: a form's title line, a body paragraph,
a sentence that allocates a fund (reports whose title is generic or names only the fund programme)."""
from __future__ import annotations

import re

from dashboard.ingest.extract.narrative_title import _clean_title

# The project named at the start of a body paragraph when neither the title nor a label names it:
# "我县2022年XX道路建设项目计划投资…", "XX工程(二期)旨在…", "我镇2020年申报XX资金1,286,400.00元".
_BODY_PROJECT = re.compile(
    r"^(?:我(?:县|市|区|旗|镇|乡|局|单位))?(?:\d{4}年度?)?(?:申报|实施的?)?"
    r"([\u4e00-\u9fff][\u4e00-\u9fff()（）\-—]{3,40}?(?:项目|工程(?:[(（][^()（）]{1,6}[)）])?|经费|资金))"
    r"(?=计划投资|总投资|旨在|中央下达|下达|位于|[\d,]+(?:\.\d+)?(?:亿元|万元|元|万))")
# "…同意向柳湾镇拨付2019年防汛工作相关经费96.42万元", "省财政厅下达2022年XX奖补资金3.2亿元": the fund
# a sentence says was allocated.
_ALLOCATED_FUND = re.compile(r"(?:拨付|下拨|下达)\d{4}年度?([\u4e00-\u9fff]{4,20}?(?:经费|资金))(?=[\d,]+(?:\.\d+)?(?:亿元|万元|元))")


# A fund programme, not a project: "财政衔接推进乡村振兴资金", "涉农整合资金", "转移支付资金".
FUND_PROGRAMME = re.compile(r"^(?:\d{4}年度?)?(?:财政)?(?:衔接推进乡村振兴|衔接|涉农整合|统筹整合|转移支付|专项)(?:补助)?资金(?:项目)?$")


_FORM_TITLE = re.compile(r"^([\u4e00-\u9fff()（）]{4,40}?)(?:支出)?绩效(?:目标)?自评(?:情况)?表$")


def project_from_form_title(lines: list[str]) -> str | None:
    """The project a 自评表 names in its title line when it has no 项目名称 cell."""
    for line in lines[:30]:
        m = _FORM_TITLE.match(_clean_title(line))
        if m and not re.match(r"^(?:\d{4}|项目|部门|单位|整体)", m.group(1)) and "部门整体" not in m.group(1):
            return m.group(1)
    return None


def project_from_body(paragraphs: list[str]) -> str | None:
    """The project a report without a named title talks about, from its first paragraphs."""
    for p in paragraphs[:40]:
        m = _BODY_PROJECT.match(p)
        if m:
            return m.group(1)
    for p in paragraphs[:40]:
        m = _ALLOCATED_FUND.search(p)
        if m:
            return m.group(1)
    return None
