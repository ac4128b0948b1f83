"""Bounded memory per file: crafted files that declare billions of cells, columns or bytes.

A few KB can declare a merged range of 17 billion cells (.xlsx), a table cell spanning 400 million
columns (.docx) or a content stream that inflates to hundreds of MB (.pdf). Each reader refuses
them from the declared size, before allocating; the extraction workers run under a memory and a
CPU ceiling in case something else slips through; folder ingest does not follow links out of the
folders given. The crafted files are built here, at test time.
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from dashboard.ingest.errors import ReadError
from dashboard.ingest.pool import extract_in_pool
from dashboard.ingest.readers import read_document
from dashboard.ingest.readers.limits import (
    MAX_DOCX_TABLE_CELLS,
    MAX_DOCX_TABLE_COLUMNS,
    MAX_DOCX_TABLE_ROWS,
    MAX_PDF_STREAM_MB,
    MAX_XLSX_MERGED_CELLS,
)
from dashboard.ingest.walk import OUTSIDE_LINK_REASON, walk_paths

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEED_TXT = FIXTURES / "seeds" / "000_b602d48fbaccf327.txt"


# ---------------------------------------------------------------------------------------------
# Crafted files


def merged_bomb_xlsx(path: Path, refs: tuple[str, ...] = ("A1:XFD1048576",)) -> Path:
    """A real one-sheet workbook whose merged ranges are rewritten to the given (huge) ones."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表一")
    sheet.merge_range("A1:B1", "项目支出绩效自评表")
    sheet.write_row(1, 0, ["全年预算数", "执行数"])
    book.close()
    return _rewrite_sheet(path, lambda xml: re.sub(
        rb"<mergeCells[^>]*>.*</mergeCells>",
        (f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
         + "</mergeCells>").encode(), xml, flags=re.S))


def far_cell_xlsx(path: Path) -> Path:
    """Two cells, A1 and XFD1048576: a used range of 17 billion cells declared by 2 values."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表一")
    sheet.write_string(0, 0, "左上")
    sheet.write_string(1048575, 16383, "右下")
    book.close()
    return path


def _rewrite_sheet(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def span_bomb_docx(path: Path, *, span: int = 0, before: int = 0, after: int = 0, rows: int = 2) -> Path:
    """A Word report with a table whose first row declares the given gridSpan/gridBefore/gridAfter."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("项目支出绩效自评报告")
    table = document.add_table(rows=rows, cols=2)
    table.cell(0, 0).text = "项目名称"
    table.cell(0, 1).text = "农村饮水安全巩固提升工程"
    tr = table.rows[0]._tr
    if span:
        tc_pr = table.cell(0, 0)._tc.get_or_add_tcPr()
        element = OxmlElement("w:gridSpan")
        element.set(qn("w:val"), str(span))
        tc_pr.append(element)
    for name, value in (("w:gridBefore", before), ("w:gridAfter", after)):
        if value:
            tr_pr = tr.get_or_add_trPr()
            element = OxmlElement(name)
            element.set(qn("w:val"), str(value))
            tr_pr.insert(0, element)
    document.save(str(path))
    return path


def deep_table_docx(path: Path, rows: int, span: int = 1) -> Path:
    """A table of `rows` one-cell rows (each spanning `span` columns), written straight into the
    document XML (python-docx would take minutes to add them one by one)."""
    span_bomb_docx(path, rows=1)
    row = (b"<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"%d\"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>"
           % span)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"]
    end = xml.index(b"</w:tbl>")
    parts["word/document.xml"] = xml[:end] + row * rows + xml[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def many_paragraphs_docx(path: Path, paragraphs: int) -> Path:
    """A valid Word file of `paragraphs` short distinct paragraphs: about 1 MB on disk for 200,000,
    and some 400 MB once parsed (no cap refuses it; only the worker ceiling can)."""
    span_bomb_docx(path, rows=1)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"]
    end = xml.index(b"<w:sectPr")
    body = b"".join(b"<w:p><w:r><w:t>%d %d</w:t></w:r></w:p>" % (i, i * 7) for i in range(paragraphs))
    parts["word/document.xml"] = xml[:end] + body + xml[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def flate_bomb_pdf(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream is FlateDecode of `inflated_mb` MB of zeros after one
    real line of text (a few hundred KB on disk)."""
    deflater = zlib.compressobj(9)
    body = [deflater.compress(b"BT /F1 12 Tf 72 720 Td (Performance report) Tj ET\n")]
    chunk = b"\0" * (1024 * 1024)
    for _ in range(inflated_mb):
        body.append(deflater.compress(chunk))
    body.append(deflater.flush())
    stream = b"".join(body)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# ---------------------------------------------------------------------------------------------
# Reader caps (fast)


@pytest.mark.parametrize("refs", [
    ("A1:XFD1048576",),
    ("A1:Z40000", "A40001:Z80000"),  # each under the cap, together over it
])
def test_xlsx_merged_area_over_the_cap_is_refused_before_laying_out(tmp_path: Path, refs):
    path = merged_bomb_xlsx(tmp_path / "merged.xlsx", refs)
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert time.monotonic() - started < 5
    assert "合并单元格" in str(info.value) and f"{MAX_XLSX_MERGED_CELLS:,}" in str(info.value)


def test_xlsx_sparse_far_cell_is_refused_by_the_used_range(tmp_path: Path):
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    started = time.monotonic()
    with pytest.raises(ReadError, match="上限"):
        read_document(path)
    assert time.monotonic() - started < 10


def test_xlsx_lying_dimension_and_a_real_merge_still_read(tmp_path: Path):
    """A sheet declaring <dimension ref="A1:XFD1048576"> is read by its cells; merges keep their
    top-left value and blank the rest."""
    path = merged_bomb_xlsx(tmp_path / "ok.xlsx", ("A1:B1",))
    path = _rewrite_sheet(path, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    doc = read_document(path)
    assert doc.tables[0].rows == [["项目支出绩效自评表", ""], ["全年预算数", "执行数"]]


@pytest.mark.parametrize("attribute", ["span", "before", "after"])
def test_docx_span_over_the_column_cap_is_refused(tmp_path: Path, attribute: str):
    path = span_bomb_docx(tmp_path / f"{attribute}.docx", **{attribute: 400_000_000})
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert time.monotonic() - started < 5
    name = {"span": "gridSpan", "before": "gridBefore", "after": "gridAfter"}[attribute]
    assert name in str(info.value) and f"{MAX_DOCX_TABLE_COLUMNS:,}" in str(info.value)


def test_docx_spans_within_the_cap_lay_out_as_before(tmp_path: Path):
    doc = read_document(span_bomb_docx(tmp_path / "ok.docx", span=3, before=1, after=1))
    rows = doc.tables[0].rows
    assert rows[0] == ["", "项目名称", "", "", "农村饮水安全巩固提升工程", ""]
    assert all(len(row) == 6 for row in rows)


def test_docx_table_over_the_row_cap_is_refused(tmp_path: Path):
    path = deep_table_docx(tmp_path / "deep.docx", MAX_DOCX_TABLE_ROWS + 5)
    with pytest.raises(ReadError, match=f"{MAX_DOCX_TABLE_ROWS:,} 行"):
        read_document(path)


def test_docx_tables_over_the_cell_cap_are_refused(tmp_path: Path):
    rows = MAX_DOCX_TABLE_CELLS // MAX_DOCX_TABLE_COLUMNS + 1
    path = deep_table_docx(tmp_path / "wide.docx", rows, span=MAX_DOCX_TABLE_COLUMNS)
    with pytest.raises(ReadError, match=f"{MAX_DOCX_TABLE_CELLS:,} 个单元格"):
        read_document(path)


def test_pdf_stream_inflating_past_the_cap_is_refused(tmp_path: Path):
    path = flate_bomb_pdf(tmp_path / "flate.pdf", MAX_PDF_STREAM_MB + 16)
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert time.monotonic() - started < 10
    assert f"{MAX_PDF_STREAM_MB} MB" in str(info.value) and "解压" in str(info.value)


def test_pdf_stream_under_the_cap_still_inflates(tmp_path: Path):
    """The bounded inflation gives pdfminer the same bytes: a small stream with real text reads."""
    from pdfminer.pdftypes import zlib as bounded

    data = b"BT /F1 12 Tf 72 720 Td (abc) Tj ET" * 1000
    assert bounded.decompress(zlib.compress(data)) == data
    with pytest.raises(zlib.error):
        bounded.decompress(zlib.compress(data)[:-10])
    doc = read_document(flate_bomb_pdf(tmp_path / "small.pdf", 1))
    assert "Performance report" in doc.blocks[0].text


def test_cli_extract_of_crafted_files_returns_quickly_with_a_reason(tmp_path: Path):
    files = [
        merged_bomb_xlsx(tmp_path / "merged.xlsx"),
        span_bomb_docx(tmp_path / "span.docx", span=400_000_000),
        flate_bomb_pdf(tmp_path / "flate.pdf", MAX_PDF_STREAM_MB + 16),
    ]
    for path in files:
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "dashboard", "extract", str(path)],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
        elapsed = time.monotonic() - started
        output = run.stdout + run.stderr
        assert "Traceback" not in output
        assert elapsed < 30, (path.name, elapsed)
        assert path.name in output and "上限" in output, output


# ---------------------------------------------------------------------------------------------
# Worker ceilings


def test_a_worker_over_its_memory_ceiling_fails_the_file_and_the_batch_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Under a 150 MB ceiling a Word file that parses to some 400 MB fails naming the cap, the
    worker is replaced, the text reports around it load."""
    big = many_paragraphs_docx(tmp_path / "big.docx", 200_000)
    texts = []
    for seed in sorted((FIXTURES / "seeds").glob("*.txt"))[:3]:
        texts.append(tmp_path / seed.name)
        shutil.copy(seed, texts[-1])
    monkeypatch.setenv("PERF_WORKER_MEMORY_MB", "150")
    outcomes = {Path(path).name: (status, value) for path, status, value in
                extract_in_pool([str(texts[0]), str(big), str(texts[1]), str(texts[2])], workers=1, timeout_seconds=60)}
    assert outcomes["big.docx"][0] == "failed"
    assert "内存上限（150 MB）" in outcomes["big.docx"][1], outcomes["big.docx"]
    assert all(outcomes[t.name][0] == "ok" and outcomes[t.name][1] for t in texts)


def test_a_worker_over_its_cpu_ceiling_fails_the_file_and_the_batch_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workbook that takes a few CPU seconds to read, under a 1-second CPU ceiling."""
    slow = tmp_path / "slow.xlsx"
    book = xlsxwriter.Workbook(str(slow))
    sheet = book.add_worksheet("表一")
    for row in range(60_000):
        sheet.write_row(row, 0, [f"项目{row}", row * 1.5, row % 97, "说明文字"])
    book.close()
    text = tmp_path / "r.txt"
    shutil.copy(SEED_TXT, text)
    monkeypatch.setenv("PERF_WORKER_CPU_SECONDS", "1")
    outcomes = {Path(path).name: (status, value) for path, status, value in
                extract_in_pool([str(slow), str(text)], workers=1, timeout_seconds=120)}
    assert outcomes["slow.xlsx"][0] == "failed"
    assert "CPU 时间上限（1 秒）" in outcomes["slow.xlsx"][1]
    assert outcomes["r.txt"][0] == "ok" and outcomes["r.txt"][1]


# ---------------------------------------------------------------------------------------------
# Folder ingest stays inside the folders given


def test_links_out_of_the_given_folder_are_skipped_but_a_named_file_is_read(tmp_path: Path):
    secret = tmp_path / "server"
    secret.mkdir()
    shutil.copy(SEED_TXT, secret / "passwd.txt")
    (secret / "conf").mkdir()
    shutil.copy(SEED_TXT, secret / "conf" / "settings.txt")
    drop = tmp_path / "drop"
    (drop / "sub").mkdir(parents=True)
    shutil.copy(SEED_TXT, drop / "report.txt")
    os.symlink(secret / "passwd.txt", drop / "link_out.txt")
    os.symlink(secret / "conf", drop / "sub" / "folder_out")
    os.symlink(drop / "report.txt", drop / "sub" / "link_in.txt")  # inside: allowed (same file)
    os.symlink(drop / "sub", drop / "folder_in")
    walked = walk_paths([drop])
    assert [p.name for p in walked.files] == ["report.txt"]
    skipped = dict(walked.skipped)
    assert skipped[str(drop / "link_out.txt")] == OUTSIDE_LINK_REASON
    # sub/ is reached first through folder_in (names in order), so the link is met there.
    assert [reason for path, reason in skipped.items() if path.endswith("folder_out")] == [OUTSIDE_LINK_REASON]
    assert "导入目录之外" in OUTSIDE_LINK_REASON
    # Given as a second root, the same folder is in bounds; a file named explicitly is read.
    both = {os.path.realpath(p) for p in walk_paths([drop, secret]).files}
    assert both == {os.path.realpath(p) for p in (drop / "report.txt", secret / "passwd.txt", secret / "conf" / "settings.txt")}
    assert [p.name for p in walk_paths([drop / "link_out.txt"]).files] == ["link_out.txt"]


# ---------------------------------------------------------------------------------------------
# The whole batch through the command line


def _good_reports(folder: Path) -> list[str]:
    """Twenty distinct good reports: the five seeds as text, as Word and as PDF (years shifted, so
    each is a report of its own and not the same report in another format), and five form files."""
    from dashboard.corpus.writers import write_docx, write_pdf

    names = []
    for seed in sorted((FIXTURES / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        shutil.copy(seed, folder / seed.name)
        names.append(seed.name)
        for shift, suffix, write in ((3, ".docx", write_docx), (6, ".pdf", write_pdf)):
            shifted = tmp = folder / f".{seed.stem}_{shift}.txt"
            tmp.write_text(re.sub(r"(?<!\d)(20[0-2]\d)(?!\d)", lambda m: str(int(m.group(1)) - shift), text), encoding="utf-8")
            name = f"{seed.stem}_{shift}{suffix}"
            write(read_document(shifted), folder / name)
            tmp.unlink()
            names.append(name)
    for name in ("stacked_three.xlsx", "xianjie_two_sheets.xlsx", "anhui_water.docx", "department_statistics.docx",
                 "sichuan_health.pdf"):
        shutil.copy(FIXTURES / "forms" / name, folder / name)
        names.append(name)
    return names


def _peak_tree_rss_mb(process: subprocess.Popen) -> tuple[float, float]:
    """Wait for the process, sampling the resident memory of it and its descendants from /proc;
    (highest sum seen, MB; seconds taken)."""
    started = time.monotonic()
    peak = 0
    while process.poll() is None:
        total = 0
        pids = [process.pid]
        seen = set()
        while pids:
            pid = pids.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                with open(f"/proc/{pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as fh:
                        pids.extend(int(child) for child in fh.read().split())
            except (OSError, ValueError):
                continue
        peak = max(peak, total)
        time.sleep(0.05)
    return peak / 1024, time.monotonic() - started


@pytest.mark.heavy
@pytest.mark.xdist_group("heavy")
def test_crafted_files_beside_twenty_good_reports_through_the_cli(tmp_path: Path):
    folder = tmp_path / "batch"
    folder.mkdir()
    good = _good_reports(folder)
    assert len(good) == 20
    bad = {
        "merged_whole_sheet.xlsx": merged_bomb_xlsx(folder / "merged_whole_sheet.xlsx"),
        "merged_many.xlsx": merged_bomb_xlsx(folder / "merged_many.xlsx",
                                             tuple(f"A{i * 1000 + 1}:XFD{i * 1000 + 1000}" for i in range(50))),
        "far_cell.xlsx": far_cell_xlsx(folder / "far_cell.xlsx"),
        "grid_span.docx": span_bomb_docx(folder / "grid_span.docx", span=400_000_000),
        "grid_before_after.docx": span_bomb_docx(folder / "grid_before_after.docx", before=300_000_000,
                                                 after=300_000_000),
        "flate_zeros.pdf": flate_bomb_pdf(folder / "flate_zeros.pdf", 400),
    }
    secret = tmp_path / "outside"
    secret.mkdir()
    shutil.copy(SEED_TXT, secret / "server_secret.txt")
    os.symlink(secret / "server_secret.txt", folder / "link_to_server.txt")
    db = tmp_path / "wh.duckdb"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "ingest", str(folder), "--db", str(db), "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    # /proc sampling sees the whole tree at once (ru_maxrss only the largest single process).
    import threading

    streams: dict[str, str] = {}
    readers = [threading.Thread(target=lambda name=name: streams.__setitem__(name, getattr(process, name).read()))
               for name in ("stdout", "stderr")]
    for reader in readers:
        reader.start()
    tree_peak_mb, seconds = _peak_tree_rss_mb(process)
    for reader in readers:
        reader.join()
    single_peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    output = streams["stdout"] + streams["stderr"]
    print(f"\nhostile batch: {seconds:.1f} s; peak RSS of the process tree {tree_peak_mb:.0f} MB; "
          f"largest single process {single_peak_mb:.0f} MB; exit code {process.returncode}")
    print(output)
    assert "Traceback" not in output
    assert tree_peak_mb < 1024 and single_peak_mb < 1024
    assert seconds < 300
    assert process.returncode == 1  # some files failed: the batch ran, the exit code says so
    reasons = {
        "merged_whole_sheet.xlsx": "合并单元格",
        "merged_many.xlsx": "合并单元格",
        "far_cell.xlsx": "上限",
        "grid_span.docx": "gridSpan",
        "grid_before_after.docx": "gridBefore",
        "flate_zeros.pdf": f"{MAX_PDF_STREAM_MB} MB",
    }
    for name in bad:
        lines = [line for line in output.splitlines() if name in line]
        assert lines and any(reasons[name] in line for line in lines), (name, lines)
    link_lines = [line for line in output.splitlines() if "link_to_server.txt" in line]
    assert link_lines and "导入目录之外" in link_lines[0], link_lines

    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = {row[0] for row in con.execute(
            "select file_name from reports where status = 'loaded'").fetchall()}
        failed = {row[0] for row in con.execute(
            "select file_name from reports where status = 'failed'").fetchall()}
        read_link = con.execute(
            "select count(*) from reports where file_name = 'link_to_server.txt'").fetchall()[0][0]
    finally:
        con.close()
    assert set(good) <= loaded, sorted(set(good) - loaded)
    assert set(bad) <= failed
    assert read_link == 0
