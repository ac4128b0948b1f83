"""The format-free Document every reader produces: ordered paragraphs and tables of text cells.

Extractors only ever see a Document, never the file format it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """Rows of cells as text; merged cells repeat their text or are empty, as the source had them."""

    rows: list[list[str]]
    # Where the table came from inside the file ("sheet 表1", "page 3"), for messages.
    origin: str = ""

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass
class Document:
    source: str
    format: str  # txt, docx, pdf, xlsx, csv
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """The whole document as text: paragraphs as lines, table rows as tab-joined lines."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend("\t".join(cell.replace("\n", " ") for cell in row) for row in block.rows)
        return "\n".join(lines)
