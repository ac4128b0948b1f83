"""Cells back from text that lost its table: label-anchored splitting and split labels glued.

- A form printed with no separators at all (`项目名称春季防汛物资购置主管部门某县水务局…`): the
  form's own labels anchor the values; a value is what lies between two labels.
- A label broken over cells or lines (`一级` `指标`, `产` `出` `指` `标`, `可持续影` `响指标`): glued
  back when the parts are not labels and their join is.
"""
from __future__ import annotations

import re
from functools import lru_cache

from dashboard.ingest.extract import form_labels as L
from dashboard.ingest.normalize import normalize_text, to_simplified

# Labels that also occur inside indicator names ("管理制度执行率"): anchors only before the
# indicator table starts.
_HEADER_ONLY = {"执行率", "得分", "分值", "权重", "执行数", "预算数", "合计", "总计", "总额", "原因", "完成值",
                "实际值", "指标值", "目标值", "总得分", "预算执行率", "全年执行率", "资金执行率"}
_SUBROW_LABELS = ("其中:本年财政拨款", "其中:当年财政拨款", "其中:财政拨款", "其中:中央、省、市补助县级资金",
                  "本年财政拨款", "当年财政拨款", "上年结转资金", "其他资金", "财政资金", "单位资金", "财政专户管理资金")


def _all_labels() -> set[str]:
    labels: set[str] = set()
    for group in (L.NAME_LABELS, L.SUPERVISOR_LABELS, L.DEPARTMENT_LABELS, L.FALLBACK_DEPARTMENT_LABELS,
                  L.OTHER_LABELS, L.TOTAL_LABELS, L.TERMINATORS, L.FUNDS_TOTAL_LABELS, L.LEVEL1_NAMES,
                  L.LEVEL2_NAMES):
        labels |= group
    for names in list(L.FUND_COLUMNS.values()) + list(L.INDICATOR_COLUMNS.values()):
        labels |= names
    labels |= {"绩效指标", "年度绩效指标", "项目资金", "偏差原因分析及改进措施", "未完成原因分析",
               "未完成原因和改进措施", "未完成原因及拟采取的改进措施", "专项资金名称", "县级主管部门",
               "资金情况", "项目资金情况", "项目负责人及电话"}
    labels |= set(_SUBROW_LABELS)
    return {lab for lab in labels if len(lab) >= 2}


@lru_cache(maxsize=2)
def _anchor(header_part: bool) -> re.Pattern:
    labels = sorted((lab for lab in _all_labels() if header_part or lab not in _HEADER_ONLY), key=len, reverse=True)
    # A label may carry its own note: 全年预算数(A), 项目资金(万元), 产出指标(50分).
    return re.compile("(?:" + "|".join(re.escape(lab) for lab in labels) + r")(?:[(（][^()（）]{0,12}[)）])?[:：]?")


def _squeezed(text: str) -> str:
    """Spaces between two Chinese characters removed (`年度 总体 目标`); spaces between numbers kept."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff(（])", "", text)


def looks_unseparated(text: str) -> bool:
    """A long line holding several form labels run together with their values."""
    flat = to_simplified(_squeezed(normalize_text(text)))
    if len(flat) < 40:
        return False
    hits = {m.group(0) for m in _anchor(True).finditer(flat)}
    strong = sum(1 for h in hits if L.header_label(h) in ("project_name", "department", "supervising_department")
                 or L.fund_role(h))
    return strong >= 3 and flat.count(" ") < len(hits)


def split_on_labels(text: str) -> list[str]:
    """The cells of an unseparated form line: labels and the values between them."""
    flat = _squeezed(normalize_text(text))
    probe = to_simplified(flat)
    if len(probe) != len(flat):
        probe = flat
    # The indicator table starts at its header (一级指标 / 三级指标): header-only labels stop there.
    table_at = min((m.start() for m in re.finditer(r"一级指标|三级指标", probe)), default=len(probe))
    cuts: list[tuple[int, int]] = []
    for part, start, end in ((True, 0, table_at), (False, table_at, len(probe))):
        for m in _anchor(part).finditer(probe, start, end):
            cuts.append((m.start(), m.end()))
    # The form's title with its year ("绩效目标自评表(2022年度)") run into the notice before it.
    for m in _TITLE_WITH_YEAR.finditer(probe, 0, table_at):
        cuts.append((m.start(), m.end()))
    # "总分100100注:1.一级指标…": the form's note starts after the last number.
    for m in _NOTE.finditer(probe, table_at):
        cuts.append((m.start(), m.end()))
    cuts = _without_overlaps(cuts)
    cells: list[str] = []
    pos = 0
    for start, end in cuts:
        if start > pos:
            cells.extend(_value_cells(flat[pos:start]))
        cells.append(flat[start:end].rstrip(":："))
        pos = end
    if pos < len(flat):
        cells.extend(_value_cells(flat[pos:]))
    return [c for c in (c.strip() for c in cells) if c]


_TITLE_WITH_YEAR = re.compile(r"(?:项目支出|部门整体支出)?(?:绩效)?(?:目标)?自评(?:情况)?表\s*[(（]\s*\d{4}\s*年度?\s*[)）]")


_NOTE = re.compile(r"(?<=[\d%])注\s*[:：](?=\s*\d[.、．])")


def _without_overlaps(cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(cuts):
        if out and start < out[-1][1]:
            continue
        out.append((start, end))
    return out


def _value_cells(value: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    parts = value.split()
    if all(L.is_numeric_like(p) for p in parts):
        return parts
    return [value]


def _is_known(cell: str) -> bool:
    return bool(L.header_label(cell) or L.fund_role(cell) or L.indicator_role(cell) or L.is_level1(cell)
                or L.is_level2(cell) or L.key(cell) in L.TOTAL_LABELS or L.bare(cell) in L.FUNDS_TOTAL_LABELS)


def glue_split_labels(tokens: list[str]) -> list[str]:
    """`一级` `指标` -> `一级指标`: short Chinese pieces whose join is a label and which are not labels."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        joined_at = None
        if not _is_known(token) and re.fullmatch(r"[\u4e00-\u9fff]{1,6}", L.key(token) or "-"):
            piece = L.key(token)
            for j in range(i + 1, min(n, i + 6)):
                nxt = L.key(tokens[j])
                if not re.fullmatch(r"[\u4e00-\u9fff]{1,6}(?:[(（][^()（）]{0,10}[)）])?", nxt or "-"):
                    break
                piece += nxt
                if _is_known(piece):
                    joined_at = j  # the longest join wins: 产 出 指 标 -> 产出指标, not 产出
        if joined_at is not None:
            out.append("".join(L.key(t) for t in tokens[i:joined_at + 1]))
            i = joined_at + 1
        else:
            out.append(token)
            i += 1
    return out
