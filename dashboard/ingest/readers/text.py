"""Plain-text and CSV reports: detect the encoding, refuse binary junk, recover tables.

Encodings seen in the wild: UTF-8 with or without BOM, GB18030/GBK, UTF-16 with BOM.
"""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from dashboard import settings
from dashboard.ingest.document import Document, Table
from dashboard.ingest.errors import ReadError
from dashboard.ingest.normalize import strip_artifacts
from dashboard.ingest.text_tables import blocks_from_lines

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_report_bytes(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) or ReadError when the bytes are not text in a known encoding."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError as exc:
                raise ReadError(f"文本编码损坏（{name}）：{exc.reason}") from exc
    if b"\x00" in raw[:65536]:
        raise ReadError("不是文本文件：含有二进制内容（NUL 字节）")
    for name in ("utf-8", "gb18030"):
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, name
        raise ReadError("不是文本文件：内容为乱码或二进制数据")
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:1_000_000]).best()
    if best is not None and best.encoding:
        text = raw.decode(best.encoding, errors="replace")
        if _looks_like_text(text):
            return text, best.encoding
    raise ReadError("无法识别文本编码（支持 UTF-8、GB18030/GBK、UTF-16），或文件不是文本")


def _looks_like_text(text: str) -> bool:
    sample = text[:200_000]
    if not sample.strip():
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd"
              or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(sample) < 0.01


def _read_bytes(path: Path) -> bytes:
    max_mb = int(settings.get("max_text_mb"))
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise ReadError(f"文本文件过大（{size / 1048576:.1f} MB，上限 {max_mb} MB），不像一份评价报告")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc


def read_text(path: Path) -> Document:
    text, encoding = decode_report_bytes(_read_bytes(path))
    lines = strip_artifacts(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(source=str(path), format="txt", blocks=blocks_from_lines(lines))
    if encoding not in ("utf-8", "utf-8-sig"):
        doc.warnings.append(f"文本编码为 {encoding}，已转换")
    return doc


def read_csv(path: Path) -> Document:
    text, _ = decode_report_bytes(_read_bytes(path))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise ReadError("CSV 文件没有内容")
    return Document(source=str(path), format="csv", blocks=[Table(rows=rows, origin="csv")])
