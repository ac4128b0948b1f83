"""Broken Word and PDF files are refused fast with one clear reason in Chinese, never a traceback."""
from __future__ import annotations

import io
import random
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from dashboard.ingest.errors import ReadError
from dashboard.ingest.readers import read_document

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
BAD = FIXTURES / "bad"
SECONDS = 5.0

# Committed bad file -> words its reason must contain.
EXPECTED_REASONS = {
    "empty.docx": "文件为空",
    "empty.pdf": "文件为空",
    "random_bytes.docx": "不是有效的 Word 文档（.docx）",
    "random_bytes.pdf": "不是有效的 PDF 文件",
    "old_word.docx": "旧版 Office 格式",
    "truncated.pdf": "PDF 文件不完整",
    "encrypted.pdf": "PDF 已加密",
    "scanned.pdf": "扫描件：PDF 没有文字层",
    "no_text.docx": "没有文字内容",
    "zip_not_word.docx": "不是有效的 Word 文档（.docx）",
    "broken_xml.docx": "XML 内容已损坏",
}


def _refusal(path: Path) -> str:
    started = time.monotonic()
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert time.monotonic() - started < SECONDS
    reason = str(caught.value)
    assert path.name not in reason  # the caller names the file; the reason is only the reason
    return reason


def test_every_committed_bad_file_is_listed():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED_REASONS)


@pytest.mark.parametrize("name", sorted(EXPECTED_REASONS))
def test_bad_file_is_refused_with_its_reason(name: str):
    assert EXPECTED_REASONS[name] in _refusal(BAD / name)


def _zero_bomb(path: Path, megabytes: int) -> Path:
    """A .docx-shaped zip whose one entry inflates to `megabytes` of zeros (about 1000:1)."""
    block = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(block)
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _zero_bomb(tmp_path_factory.mktemp("bomb") / "bomb.docx", 50)


def _peak_mb_while_refusing(path: Path) -> tuple[str, float]:
    tracemalloc.start()
    try:
        reason = _refusal(path)
        peak = tracemalloc.get_traced_memory()[1] / 1048576
    finally:
        tracemalloc.stop()
    return reason, peak


def test_zip_bomb_over_the_size_limit_is_refused_without_inflating(zip_bomb: Path, monkeypatch: pytest.MonkeyPatch):
    assert zip_bomb.stat().st_size < 1024 * 1024
    monkeypatch.setenv("PERF_MAX_UNZIPPED_MB", "20")
    reason, peak_mb = _peak_mb_while_refusing(zip_bomb)
    assert "解压后内容过大" in reason and "上限 20 MB" in reason
    assert peak_mb < 5  # 50 MB were never inflated


def test_zip_bomb_under_the_size_limit_is_refused_by_its_ratio(zip_bomb: Path):
    reason, peak_mb = _peak_mb_while_refusing(zip_bomb)  # default limit: 200 MB
    assert "压缩比异常" in reason
    assert peak_mb < 5


def _corrupted(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    damaged = bytearray(data)
    start = len(damaged) // 4
    for _ in range(40):
        damaged[rng.randrange(start, len(damaged) - 64)] ^= 0xFF
    return bytes(damaged)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_damaged_bytes_give_a_read_error_or_a_document(tmp_path: Path, fmt: str, seed: int):
    """Flipped bytes inside a real report: either still readable or a ReadError, nothing else."""
    source = FIXTURES / f"seeds_{fmt}" / f"001_14069cec515ef4d6.{fmt}"
    path = tmp_path / f"damaged.{fmt}"
    path.write_bytes(_corrupted(source.read_bytes(), seed))
    started = time.monotonic()
    try:
        doc = read_document(path)
    except ReadError as exc:
        assert str(exc)
    else:
        assert doc.blocks
    assert time.monotonic() - started < SECONDS


def test_cut_pdf_at_every_tenth_is_refused(tmp_path: Path):
    data = (FIXTURES / "seeds_pdf" / "000_b602d48fbaccf327.pdf").read_bytes()
    for tenth in range(1, 10):
        path = tmp_path / f"cut{tenth}.pdf"
        path.write_bytes(data[: len(data) * tenth // 10])
        assert "不完整" in _refusal(path)


def test_empty_zip_named_docx_is_refused(tmp_path: Path):
    path = tmp_path / "empty_zip.docx"
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    path.write_bytes(buffer.getvalue())
    assert "不是有效的 Word 文档" in _refusal(path)


def test_cli_prints_one_line_per_bad_file_and_no_traceback():
    files = [str(BAD / name) for name in sorted(EXPECTED_REASONS)]
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "extract", *files],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(files)
    for line, path in zip(lines, files):
        assert line.startswith(f"{path}: ")
        assert EXPECTED_REASONS[Path(path).name] in line


def test_workbook_renamed_to_docx_is_named_as_such(tmp_path: Path):
    import openpyxl

    path = tmp_path / "book.docx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "项目名称"
    workbook.save(path)
    reason = _refusal(path)
    assert "其他类型的 Office 文档" in reason
    assert str(tmp_path) not in reason
