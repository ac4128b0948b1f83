"""What real converters and web pages do to report text, as pure text -> text functions.

Used by the demo corpus and by the tests that check extraction does not change under noise.
"""
from __future__ import annotations

import random
import re

_FULLWIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789%.()"}


def add_bookmarks(text: str, rng: random.Random, share: float = 0.15) -> str:
    """`[bookmark: _GoBack]` and `[bookmark: _TocNNN]` artifacts at the start of some paragraphs."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() and not line.startswith("\t") and rng.random() < share:
            lines[i] = f"[bookmark: _Toc{rng.randint(10000000, 99999999)}]" + line if rng.random() < 0.5 \
                else "[bookmark: _GoBack]" + line
    return "\n".join(lines)


def fullwidth_digits(text: str, rng: random.Random, share: float = 0.5) -> str:
    """Some paragraphs typed with full-width digits, points, percent signs and brackets."""
    lines = text.split("\n")
    return "\n".join(line.translate(_FULLWIDTH) if rng.random() < share else line for line in lines)


def spaces_in_numbers(text: str, rng: random.Random, share: float = 0.5) -> str:
    """Stray spaces between a number and its unit ("921.47 万元") and after a decimal point."""
    def unit(m: re.Match) -> str:
        return m.group(1) + (" " if rng.random() < share else "") + m.group(2)

    text = re.sub(r"(\d)(万元|元|分|%)", unit, text)
    return re.sub(r"(\d\.)(\d)", lambda m: m.group(1) + (" " if rng.random() < share / 3 else "") + m.group(2), text)


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def wrap_lines(text: str, width: int = 38) -> str:
    """Paragraph lines cut at a fixed width, as PDF-to-text and e-mail clients do (tables untouched)."""
    out = []
    for line in text.split("\n"):
        if "\t" in line or len(line) <= width:
            out.append(line)
            continue
        out.extend(line[i:i + width] for i in range(0, len(line), width))
    return "\n".join(out)
