"""Readers: a report file in, one format-free Document out. Dispatch by extension, with limits.

Every reader raises ReadError with a reason in Chinese when the file cannot be read.
"""
from __future__ import annotations

from pathlib import Path

from dashboard import settings
from dashboard.ingest.document import Document
from dashboard.ingest.errors import ReadError

SUPPORTED_EXTENSIONS = (".txt", ".docx", ".pdf", ".xlsx", ".csv")


def read_document(path: str | Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise ReadError(f"不支持的文件类型 {suffix or '(无扩展名)'}（支持 {' '.join(SUPPORTED_EXTENSIONS)}）")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc
    if size == 0:
        raise ReadError("文件为空")
    max_bytes = int(settings.get("max_file_mb")) * 1024 * 1024
    if size > max_bytes:
        raise ReadError(f"文件过大（{size / 1048576:.1f} MB，上限 {settings.get('max_file_mb')} MB）")
    if suffix == ".txt":
        from dashboard.ingest.readers.text import read_text

        return read_text(path)
    if suffix == ".docx":
        from dashboard.ingest.readers.docx import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from dashboard.ingest.readers.pdf import read_pdf

        return read_pdf(path)
    if suffix == ".xlsx":
        from dashboard.ingest.readers.xlsx import read_xlsx

        return read_xlsx(path)
    from dashboard.ingest.readers.text import read_csv

    return read_csv(path)
