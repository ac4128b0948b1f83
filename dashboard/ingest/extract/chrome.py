"""Page chrome (breadcrumbs, view counters, 索引号 blocks, sharing-site metadata) out of a Document.

The rules are data (data/vocabulary.toml, [chrome]); tables pass through untouched except rows
that hold nothing but a chrome line.
"""
from __future__ import annotations

from dashboard.ingest.document import Document, Paragraph, Table
from dashboard.ingest.extract.vocabulary import compiled
from dashboard.ingest.normalize import normalize_text, to_simplified


def is_chrome(line: str) -> bool:
    text = to_simplified(normalize_text(line)).strip()
    return bool(text) and any(p.search(text) for p in compiled("chrome", "line"))


def strip_inline_chrome(line: str) -> str:
    """Chrome at the start of a flattened line removed; the line unchanged when it holds none."""
    text = normalize_text(line)
    changed = False
    for pattern in compiled("chrome", "inline"):
        probe = to_simplified(text)
        m = pattern.match(probe if len(probe) == len(text) else text)
        if m and m.end() > 0:
            text, changed = text[m.end():], True
    return text if changed else line


def without_chrome(doc: Document) -> Document:
    """A copy of the document without chrome lines; the original is left as read."""
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            # Chrome leading a flattened page is cut off first, so the report after it survives.
            text = strip_inline_chrome(block.text)
            if text.strip() and not is_chrome(text):
                blocks.append(Paragraph(text) if text is not block.text else block)
        elif isinstance(block, Table):
            rows = [row for row in block.rows
                    if not (len([c for c in row if c.strip()]) == 1 and is_chrome(next(c for c in row if c.strip())))]
            if rows:
                blocks.append(Table(rows=rows, origin=block.origin))
    return Document(source=doc.source, format=doc.format, blocks=blocks, warnings=doc.warnings)
