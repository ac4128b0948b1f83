"""Quoting a report: the sentence around a number or a phrase, for a flag's evidence."""
from __future__ import annotations

import re

from dashboard.ingest.normalize import normalize_text

_BOUNDARY = "。；;\n!?！？"
MAX_QUOTE = 120


def fmt(value: float | None) -> str:
    """A number as a report writes it: 100.0 -> '100', 95.40 -> '95.4'."""
    if value is None:
        return "—"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _clip(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], at most MAX_QUOTE characters, centred on the match."""
    left = max((text.rfind(ch, 0, start) for ch in _BOUNDARY), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _BOUNDARY) if i != -1]
    right = min(rights) if rights else len(text)
    if right - left > MAX_QUOTE:
        half = (MAX_QUOTE - (end - start)) // 2
        left = max(left, start - max(half, 10))
        right = min(right, left + MAX_QUOTE)
    return re.sub(r"\s+", " ", text[left:right]).strip(" \t,，、")


def sentence_with(text: str, pattern: str) -> str:
    """The first sentence of the text matching a regular expression, or ''."""
    if not text:
        return ""
    match = re.search(pattern, text)
    return _clip(text, match.start(), match.end()) if match else ""


def quote_around(text: str, snippet: str | None) -> str:
    """The sentence of the text that holds a snippet (normalised the way the text is), or ''."""
    if not text or not snippet:
        return ""
    snippet = normalize_text(snippet).strip()
    index = text.find(snippet) if snippet else -1
    if index == -1:
        return ""
    return _clip(text, index, index + len(snippet))


def quote_number(text: str, value: float, near_words: tuple[str, ...], unit: str = "") -> str:
    """The sentence where the report writes this number (with its unit), preferring one near the words."""
    if not text:
        return ""
    written = re.escape(fmt(value))
    pattern = re.compile(r"(?<![\d.])" + written + r"(?:\.0+)?(?![\d])\s*" + re.escape(unit))
    best = ""
    for match in pattern.finditer(text):
        quote = _clip(text, match.start(), match.end())
        if any(word in quote for word in near_words):
            return quote
        best = best or quote
    return best
