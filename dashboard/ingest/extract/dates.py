"""Dates as reports write them: 二〇二三年九月二十八日 (○ folded to 〇 first), 2023年9月28日, 2023-09-28."""
from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = "〇一二三四五六七八九"
_CN_NUM = "〇零一二三四五六七八九十两"
_CN_DATE = re.compile(rf"([{_CN_NUM}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*([{_CN_NUM}]{{1,4}})\s*[日号]")
_ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?")


def _fold(text: str) -> str:
    # cn2an reads 〇 but not its look-alikes (○ U+25CB, ◯, Ｏ/O inside a Chinese year).
    return text.replace("○", "〇").replace("◯", "〇").replace("零", "〇")


def _cn_small_number(text: str) -> int | None:
    import cn2an

    try:
        return int(cn2an.cn2an(text.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _cn_year(text: str) -> int | None:
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS.index(ch)) for ch in text))
    return None


def _make(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[dt.date]:
    """Every valid date in the text, in order (Chinese-numeral and Arabic forms)."""
    text = _fold(text)
    found: list[tuple[int, dt.date]] = []
    for m in _CN_DATE.finditer(text):
        date = _make(_cn_year(m.group(1)), _cn_small_number(m.group(2)), _cn_small_number(m.group(3)))
        if date:
            found.append((m.start(), date))
    for m in _ARABIC_DATE.finditer(text):
        date = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if date:
            found.append((m.start(), date))
    return [d for _, d in sorted(found, key=lambda p: p[0])]


def parse_date(text: str) -> dt.date | None:
    """The first date in the text, or None."""
    dates = find_dates(text)
    return dates[0] if dates else None
