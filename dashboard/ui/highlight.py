"""Showing report text safely: everything escaped, flagged evidence wrapped in <mark>.

Report text, names and quotes come from files anyone can write, so nothing in them may run or render:
`<script>`, `<img onerror=...>`, Markdown links and images, `$...$` maths all come out as literal text.
No streamlit here: the pages pass the returned HTML to `st.html`.
"""
from __future__ import annotations

import html
import re

# A flag's evidence quotes the report in 「…」, several quotes joined by "；", sometimes followed by a
# computed figure that is not in the report (e.g. "预算10万元，实际支出8.62万元").
_QUOTE = re.compile(r"「(.+?)」", re.S)
# Characters Markdown (and Streamlit's extensions: $maths$, :colour[...] directives) gives meaning to.
# As numeric entities they survive HTML unchanged and are never parsed as Markdown.
_MARKDOWN_SIGNIFICANT = re.compile(r"[\\`*_{}\[\]()#+\-.!|~$:>]")
MIN_QUOTE_CHARS = 4  # shorter quotes would mark every occurrence of a common word


def evidence_quotes(evidence: str | None) -> list[str]:
    """The report quotes inside a flag's evidence, in order, without duplicates."""
    if not evidence:
        return []
    quotes = [q.strip() for q in _QUOTE.findall(evidence)]
    return list(dict.fromkeys(q for q in quotes if len(q) >= MIN_QUOTE_CHARS))


def _pattern(quote: str) -> re.Pattern[str]:
    """A quote as a pattern that tolerates the text's line breaks and spacing (quotes are clipped
    with every whitespace run collapsed to one space, and wrapped text may break anywhere)."""
    chars = [re.escape(ch) for ch in re.sub(r"\s+", "", quote)]
    return re.compile(r"\s*".join(chars))


def find_spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Where the quotes occur in the text: sorted, overlapping spans merged (every occurrence)."""
    if not text:
        return []
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        if len(re.sub(r"\s+", "", quote)) < MIN_QUOTE_CHARS:
            continue
        spans.extend(m.span() for m in _pattern(quote).finditer(text) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def escape_text(text: str | None) -> str:
    """Text as inert HTML that Markdown cannot touch either: html.escape, then Markdown's
    significant characters as numeric entities."""
    escaped = html.escape(text or "", quote=True)
    return _MARKDOWN_SIGNIFICANT.sub(lambda m: f"&#{ord(m.group(0))};", escaped)


def highlight_html(text: str | None, quotes: list[str]) -> str:
    """The text escaped, with every occurrence of the quotes wrapped in <mark>; line breaks kept."""
    text = text or ""
    parts: list[str] = []
    position = 0
    for start, end in find_spans(text, quotes):
        parts.append(escape_text(text[position:start]))
        parts.append(f'<mark class="evidence">{escape_text(text[start:end])}</mark>')
        position = end
    parts.append(escape_text(text[position:]))
    return "".join(parts)


def report_text_html(text: str | None, quotes: list[str], max_height_px: int = 600) -> str:
    """The highlighted report text in a scrolling block that keeps the report's line breaks."""
    return (
        f'<div class="report-text" style="white-space: pre-wrap; max-height: {int(max_height_px)}px; '
        'overflow-y: auto; border: 1px solid #ddd; padding: 0.75rem; line-height: 1.7; '
        'font-size: 0.95rem;">' + highlight_html(text, quotes) + "</div>"
    )


def missing_quotes(text: str | None, quotes: list[str]) -> list[str]:
    """The quotes the text does not hold (shown beside the text so no evidence is silently lost)."""
    return [q for q in quotes if not find_spans(text or "", [q])]
