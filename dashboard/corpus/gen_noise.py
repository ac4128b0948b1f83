"""What converters and web pages do to report text, applied to generated Documents.

Full-width digits, spaces inside numbers and before units, `[bookmark: _GoBack]` artifacts,
lines wrapped mid-sentence, and the plain-text serialisation of tables (cell per line, tab rows, pipes).
"""
from __future__ import annotations

import random
import re

from dashboard.ingest.document import Document, Paragraph, Table

_FULL = str.maketrans("0123456789%", "０１２３４５６７８９％")
_NUMBER_UNIT = re.compile(r"(\d)(万元|元|年|%|分)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


def fullwidth_numbers(text: str, rng: random.Random, share: float = 0.35) -> str:
    return _NUMBER.sub(lambda m: m.group(0).translate(_FULL) if rng.random() < share else m.group(0), text)


def spaced_numbers(text: str, rng: random.Random, share: float = 0.5) -> str:
    """'921.47万元' -> '921.47 万元', '2019年' -> '2019 年', as PDF converters leave them."""
    return _NUMBER_UNIT.sub(lambda m: f"{m.group(1)} {m.group(2)}" if rng.random() < share else m.group(0), text)


def add_noise(doc: Document, rng: random.Random, *, fullwidth: bool, spaced: bool, bookmarks: bool) -> None:
    """Noise on paragraph text (and a bookmark in a table cell now and then), in place."""
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    for para in paragraphs[1:]:  # the title is left alone: converters rarely touch it
        if fullwidth:
            para.text = fullwidth_numbers(para.text, rng)
        if spaced:
            para.text = spaced_numbers(para.text, rng)
    if bookmarks and len(paragraphs) > 3:
        for para in rng.sample(paragraphs[1:], min(2, len(paragraphs) - 1)):
            para.text = "[bookmark: _GoBack]" + para.text
        tables = doc.tables
        if tables and rng.random() < 0.3:
            table = rng.choice(tables)
            row = rng.choice(table.rows[1:] or table.rows)
            col = rng.randrange(len(row))
            if row[col]:
                row[col] = "[bookmark: _GoBack]" + row[col]


def _wrap(text: str, rng: random.Random) -> str:
    """Break a long line mid-sentence, never next to a digit, a point, a percent sign or a unit."""
    if len(text) < 45:
        return text
    out, start = [], 0
    while len(text) - start > 45:
        cut = start + rng.randint(30, 40)
        while cut < len(text) - 1 and not _safe_cut(text, cut):
            cut += 1
        if cut >= len(text) - 1:
            break
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return "\n".join(out)


_UNSAFE = set("0123456789.%０１２３４５６７８９％万元年月日分号〔〕（）()：:")


def _safe_cut(text: str, i: int) -> bool:
    window = text[max(0, i - 3): i + 3]
    return not any(ch in _UNSAFE for ch in window)


def to_text(doc: Document, rng: random.Random, *, table_style: str, wrap: bool) -> str:
    """The Document as a converted .txt file would hold it."""
    lines: list[str] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            text = block.text
            if wrap and i > 0 and not text.startswith(("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、")):
                text = _wrap(text, rng)
            lines.append(text)
            if table_style == "cell":
                lines.append("")
            continue
        lines.extend(_table_lines(block, table_style))
    return "\n".join(lines) + "\n"


def _table_lines(table: Table, style: str) -> list[str]:
    lines: list[str] = []
    if style == "cell":
        lines.append("")
        for row in table.rows:
            for cell in row:
                lines.append("\t" + cell)  # continuation lines of a multi-line cell carry no tab
            lines.append("")
        return lines
    if style == "pipe":
        lines.append("")
        for k, row in enumerate(table.rows):
            lines.append("| " + " | ".join(cell.replace("\n", "") for cell in row) + " |")
            if k == 0:
                lines.append("|" + "---|" * len(row))
        lines.append("")
        return lines
    for row in table.rows:
        lines.append("\t".join(cell.replace("\n", "") for cell in row))
    return lines
