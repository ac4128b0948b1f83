"""Text clean-up shared by every extractor: what converters and web pages do to report text.

Full-width digits and punctuation, `[bookmark: _GoBack]` artifacts, stray spaces inside numbers,
look-alike characters, Traditional characters.
"""
from __future__ import annotations

import re
from functools import lru_cache

_ARTIFACT = re.compile(r"\[(?:bookmark|BOOKMARK):[^\]]*\]|\{\s*(?:PAGE|NUMPAGES)\s*\}")
# A space beside a decimal point ("921 .47", "921. 47") or before a percent sign or unit ("921.47 万元").
# A space between two digit runs ("25 25") is a cell boundary on web pages, never closed up.
_SPACED_DIGITS = re.compile(r"(?<=\d)[ \u00a0\u3000]+(?=\.\d|%)|(?<=\d\.)[ \u00a0\u3000]+(?=\d)")
_SPACE_BEFORE_UNIT = re.compile(r"(?<=\d)[ \u00a0\u3000]+(?=(?:万元|元|亿元|分|%|个百分点|年|月|日|号))")
_SPACE_AFTER_YEAR = re.compile(r"(?<=\d年)[ \u00a0\u3000]+(?=\d)|(?<=年度)[ \u00a0\u3000]+(?=[\u4e00-\u9fff])|(?<=\d年)[ \u00a0\u3000]+(?=度)")
_LOOKALIKE = {ord("○"): "〇", ord("≧"): "≥", ord("≦"): "≤", ord("═"): "=", ord("\u00a0"): " "}
# Chinese punctuation carries meaning in the text users read (names, reasons, quotes): keep it.
# Every other full-width form (digits, letters, ．％＋－ etc.) folds to ASCII, as NFKC would,
# without NFKC's other foldings (NFKC turns ① into 1 and breaks list markers).
_KEEP_FULLWIDTH = set("，：；（）！？")
_FOLD = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH}
_FOLD[0x3000] = " "
_FOLD.update(_LOOKALIKE)


def strip_artifacts(text: str) -> str:
    """Converter artifacts only (`[bookmark: _GoBack]`), before any layout is read from the text."""
    return _ARTIFACT.sub("", text)


def normalize_text(text: str) -> str:
    """Full-width digits and signs to ASCII, artifacts removed, spaces inside numbers closed up."""
    text = text.translate(_FOLD)
    text = _ARTIFACT.sub("", text)
    text = _SPACED_DIGITS.sub("", text)
    text = _SPACE_BEFORE_UNIT.sub("", text)
    text = _SPACE_AFTER_YEAR.sub("", text)
    return text


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to Simplified, for matching; the original text is kept for display."""
    return _t2s().convert(text)


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")


def parse_number(text: str | None) -> float | None:
    """The first number in a cell: '1,234.5' -> 1234.5, '95.52%' -> 95.52, '' -> None."""
    if text is None:
        return None
    text = normalize_text(str(text)).strip()
    match = _NUMBER.search(text)
    if not match:
        return None
    raw = match.group(0).replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


def to_wan(value: float | None, unit: str | None) -> float | None:
    """An amount in 万元 from an amount and its unit (元, 万元, 亿元; None means 万元)."""
    if value is None:
        return None
    if unit in ("元",):
        return round(value / 10000, 6)
    if unit in ("亿元", "亿"):
        return round(value * 10000, 6)
    return value
