"""Field readers shared by the extractors: grades, amounts with units, level names, score tables."""
from __future__ import annotations

import re

from dashboard.ingest.document import Table
from dashboard.ingest.normalize import parse_number
from dashboard.ingest.record import Indicator

GRADE_WORDS = {
    "优秀": "优", "优": "优",
    "良好": "良", "良": "良",
    "合格": "中", "中等": "中", "中": "中", "一般": "中",
    "不合格": "差", "较差": "差", "差": "差",
}
GRADE_PATTERN = "不合格|优秀|良好|合格|中等|较差|优|良|中|差"

# "(10)", "(7分)", "（1分）", "(30分)" after a level name.
_WEIGHT_NOTE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]\s*$")
_EMPTY_MARKS = {"", "/", "—", "-", "——", "……", "…", "无"}


_REGION = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,4}?(?:自治县|自治州|县|市|区|旗|州|盟))(?=[\u4e00-\u9fff])")


# A development zone is not a county: "桐安高新区管委会" names no region.
_ZONE = re.compile(r"(?:高新|开发|经开|园|工业|保税|综保)区$")


def region_of(*names: str | None) -> str | None:
    """The county or city the first unit name starts with (富民县教育体育局 -> 富民县; 县教育体育局 -> None)."""
    for name in names:
        m = _REGION.match(name or "")
        if m and not m.group(1).startswith(("县", "市", "区", "州")) and not _ZONE.search(m.group(1)):
            return m.group(1)
    return None


def normalize_grade(word: str | None) -> str | None:
    if not word:
        return None
    return GRADE_WORDS.get(word.strip().strip("“”\"'「」"))


def clean_level(name: str | None) -> str | None:
    """A level name without weight annotations and line breaks; None when empty."""
    if name is None:
        return None
    name = re.sub(r"\s*\n\s*", "", name).strip()
    name = _WEIGHT_NOTE.sub("", name).strip()
    return name or None


def cell_text(cell: str | None) -> str | None:
    if cell is None:
        return None
    text = re.sub(r"\s*\n\s*", "", cell).strip()
    return None if text in _EMPTY_MARKS else text


def header_index(header: list[str], *names: str, start: int = 0) -> int | None:
    """Index of the first header cell (from `start`) that contains any of the names."""
    flat = [re.sub(r"\s+", "", h) for h in header]
    for i in range(start, len(flat)):
        if any(name in flat[i] for name in names):
            return i
    return None


def is_score_table(table: Table) -> bool:
    if not table.rows:
        return False
    header = "".join(re.sub(r"\s+", "", c) for c in table.rows[0])
    return "一级" in header and "三级" in header and ("得分" in header or "评分" in header)


def indicators_from_table(table: Table) -> tuple[list[Indicator], float | None]:
    """Scored rows of an indicator score table, and the total row's score (合计/总分) if present.

    Handles both seen layouts: one weight column (指标分值) with 评价标准/扣分/扣分原因 columns, and
    a weight column after each level (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分).
    """
    header = table.rows[0]
    i1 = header_index(header, "一级")
    i2 = header_index(header, "二级")
    i3 = header_index(header, "三级")
    if i1 is None or i3 is None:
        return [], None
    iw = header_index(header, "指标分值", "分值", "权重", start=i3 + 1)
    isc = header_index(header, "评价得分", "得分", "自评得分", start=(iw + 1) if iw is not None else i3 + 1)
    ided = header_index(header, "扣分情况", "扣分分值", "扣分", start=(isc + 1) if isc is not None else i3 + 1)
    if ided is not None and re.search(r"原因|说明|理由", header[ided]):
        ided = None  # "扣分原因" is the reason column, not the points deducted
    ireason = header_index(header, "扣分原因", "原因", "偏差")
    irule = header_index(header, "评价标准", "评分标准", "计分方法")
    itarget = header_index(header, "年度指标值", "指标值", "目标值", start=i3 + 1)
    iactual = header_index(header, "实际完成值", "完成值", "实际值", start=(itarget + 1) if itarget is not None else i3 + 1)
    width = len(header)

    indicators: list[Indicator] = []
    total: float | None = None
    level1 = level2 = None
    for row in table.rows[1:]:
        if len(row) < width:
            # A short row is a total row ("合计 | 100 | 95.4 | 4.6") or a right-aligned fragment.
            first = cell_text(row[0]) or ""
            if re.sub(r"\s", "", first) in ("合计", "总分", "总计"):
                numbers = [parse_number(c) for c in row[1:] if parse_number(c) is not None]
                if len(numbers) >= 2:
                    total = numbers[1]
                elif numbers:
                    total = numbers[0]
                continue
            row = [""] * (width - len(row)) + row
        first = re.sub(r"\s", "", row[i1] or "")
        if first in ("合计", "总分", "总计"):
            if isc is not None and isc < len(row):
                total = parse_number(row[isc])
            continue
        l1, l2, l3 = clean_level(row[i1]), clean_level(row[i2]) if i2 is not None else None, clean_level(row[i3])
        if l1:  # a new level-1 group starts; its level-2 name is on this row or the next
            level1, level2 = l1, None
        if l2:
            level2 = l2
        weight = parse_number(row[iw]) if iw is not None else None
        score = parse_number(row[isc]) if isc is not None else None
        if not l3 or (weight is None and score is None):
            continue
        deduction = parse_number(row[ided]) if ided is not None else None
        if deduction is None and weight is not None and score is not None:
            deduction = round(weight - score, 4)
        indicators.append(Indicator(
            level1=level1, level2=level2, level3=l3, weight=weight, score=score, deduction=deduction,
            reason=cell_text(row[ireason]) if ireason is not None else None,
            rule=cell_text(row[irule]) if irule is not None else None,
            target=cell_text(row[itarget]) if itarget is not None else None,
            actual=cell_text(row[iactual]) if iactual is not None else None,
        ))
    return indicators, total
