"""Guards every binary reader shares: zip bombs in Office files, time per file, nesting depth.

Each guard raises ReadError with a reason in Chinese, before any expensive work is done.
"""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

from dashboard import settings
from dashboard.ingest.errors import ReadError

# Deflate tops out near 1000:1 on real data; only crafted files (runs of zeros) go far beyond.
MAX_COMPRESSION_RATIO = 200
# Ratios are only suspicious on entries big enough to matter (a 2 KB XML of blanks compresses well).
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024
# Word tables nested inside table cells, deeper than any real form.
MAX_TABLE_DEPTH = 5

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_office_zip(path: str | Path, kind: str) -> None:
    """Refuse a file that is not a zip, or whose declared uncompressed size is too large.

    Only the central directory is read (sizes are declared there), so nothing is inflated.
    `kind` names the format for the message, e.g. "Word 文档（.docx）".
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from exc
    if head.startswith(OLE2_MAGIC):
        # Both the old binary formats (.doc/.xls) and password-protected Office files are OLE2.
        raise ReadError(f"不是有效的 {kind}：文件是旧版 Office 格式（.doc/.xls）或已加密，请另存为新格式后再导入")
    if not zipfile.is_zipfile(path):
        raise ReadError(f"不是有效的 {kind}：文件内容不是 Office 文档格式（可能已损坏或扩展名有误）")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(f"不是有效的 {kind}：压缩结构已损坏（{exc}）") from exc
    if not any(info.filename == "[Content_Types].xml" for info in entries):
        raise ReadError(f"不是有效的 {kind}：压缩包里没有 Office 文档内容（缺少 [Content_Types].xml）")
    limit_mb = int(settings.get("max_unzipped_mb"))
    total_bytes = sum(info.file_size for info in entries)
    if total_bytes > limit_mb * 1024 * 1024:
        raise ReadError(
            f"解压后内容过大（声明 {total_bytes / 1048576:.0f} MB，上限 {limit_mb} MB），疑似压缩炸弹，已拒绝"
        )
    for info in entries:
        if info.file_size >= RATIO_CHECK_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise ReadError(
                    f"压缩比异常（{info.filename} 压缩比 {ratio:.0f}:1），疑似压缩炸弹，已拒绝"
                )


class Deadline:
    """The time budget of one file (settings max_seconds_per_file), checked between units of work."""

    def __init__(self, seconds: float | None = None):
        self.seconds = float(settings.get("max_seconds_per_file") if seconds is None else seconds)
        self.started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, progress: str = "") -> None:
        if self.elapsed > self.seconds:
            where = f"（{progress}）" if progress else ""
            raise ReadError(f"读取超时：超过 {self.seconds:g} 秒仍未读完{where}，文件可能过大或结构异常")


# --- Declared sizes, checked before anything is laid out (memory follows what a file declares) ---

# Excel's own grid: 1,048,576 rows by 16,384 columns (XFD).
MAX_XLSX_ROWS = 1_048_576
MAX_XLSX_COLUMNS = 16_384
# Cells (rows x columns of the used ranges) laid out from one workbook: a 60-row, 12-column form is
# 720. A workbook of a million cells (5 MB) takes 12 s and 160 MB to read and over 60 s to
# extract, so anything bigger could never finish within max_seconds_per_file anyway.
MAX_XLSX_CELLS = 1_000_000
# Merged cells declared by one sheet (each range and all together), and the number of ranges.
# A whole-sheet merge (A1:XFD1048576) declares 17 billion cells in a few bytes.
MAX_XLSX_MERGED_CELLS = 1_000_000
MAX_XLSX_MERGE_RANGES = 100_000

# Word: a table is at most 63 columns wide in Word itself; spans (gridSpan, gridBefore, gridAfter)
# and row widths beyond this cap are crafted (a span of 400,000,000 would be a list that long).
MAX_DOCX_TABLE_COLUMNS = 1_000
MAX_DOCX_TABLE_ROWS = 100_000
# Cells laid out from all of a document's tables (rows x columns), as for workbooks.
MAX_DOCX_TABLE_CELLS = 1_000_000

# PDF: the decoded size of one stream (a page's content, a font, an object stream). Real page
# content is well under a few MB; a FlateDecode stream of zeros inflates a thousandfold.
MAX_PDF_STREAM_MB = 64
