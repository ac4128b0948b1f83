"""One batch of every kind of bad file beside good reports, through the real command line.

Each bad file gives one clear line naming it; every good report loads; no traceback; no partial rows;
peak memory of the whole ingest (the process and its workers) stays under 1 GB.
"""
from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
BAD = ROOT / "tests" / "fixtures" / "bad"

pytestmark = pytest.mark.xdist_group("heavy")


def _zip_bomb(path: Path) -> None:
    block = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(64):
                entry.write(block)


def _build_batch(folder: Path) -> tuple[list[str], list[str]]:
    """(bad file names, good file names) written into folder."""
    rng = random.Random(10)
    folder.mkdir()
    good = []
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
        good.append(seed.name)
    odd = "报告 \"引号\" $HOME; rm -rf 'x'.txt"
    shutil.copy(SEEDS / "000_b602d48fbaccf327.txt", folder / odd)
    (folder / odd).write_text((SEEDS / "000_b602d48fbaccf327.txt").read_text(encoding="utf-8")
                              .replace("8.62万元", "8.63万元"), encoding="utf-8")
    good.append(odd)
    gbk = (SEEDS / "002_5dcd609a2ddc7662.txt").read_text(encoding="utf-8").replace("31.48万元", "31.49万元")
    (folder / "gbk编码.txt").write_bytes(gbk.encode("gb18030"))
    good.append("gbk编码.txt")
    odd_values = (SEEDS / "000_b602d48fbaccf327.txt").read_text(encoding="utf-8") \
        .replace("绩效自评为100分", "绩效自评为120分").replace("2025", "1990")
    (folder / "离谱数值.txt").write_text(odd_values, encoding="utf-8")
    good.append("离谱数值.txt")
    markup = (SEEDS / "000_b602d48fbaccf327.txt").read_text(encoding="utf-8").replace(
        "机构编制网络管理物理终端升级改造和网络系统运行经费项目支出", "<script>alert(1)</script>项目支出", 1)
    (folder / "markup.txt").write_text(markup, encoding="utf-8")
    good.append("markup.txt")

    bad = []
    for name in sorted(p.name for p in BAD.iterdir()):
        shutil.copy(BAD / name, folder / f"bad_{name}")
        bad.append(f"bad_{name}")
    extra = {
        "empty.txt": b"",
        "random.txt": bytes(rng.randrange(256) for _ in range(4096)),
        "random.xlsx": bytes(rng.randrange(256) for _ in range(4096)),
        "random.csv": b"\x00\x01" + bytes(rng.randrange(256) for _ in range(4096)),
        "no_numbers.txt": "这是一段没有任何数字的说明文字。\n仅供参考。\n".encode(),
        "legacy.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "huge.txt": None,
        "one_line.txt": None,
        "bomb.docx": None,
    }
    for name, content in extra.items():
        path = folder / name
        if name == "huge.txt":
            with path.open("wb") as fh:  # 50 MB of report-like text
                line = ("预算执行率达到86.2%，实际支出8.62万元。" * 20 + "\n").encode()
                while fh.tell() < 50 * 1024 * 1024:
                    fh.write(line * 100)
        elif name == "one_line.txt":
            path.write_bytes(("项目绩效评价" * 300_000).encode()[:5 * 1024 * 1024])
        elif name == "bomb.docx":
            _zip_bomb(path)
        else:
            path.write_bytes(content)
        bad.append(name)
    loop = folder / "loop"
    loop.mkdir()
    os.symlink("..", loop / "back")
    os.symlink(folder / "missing-target.txt", folder / "dangling.txt")
    return bad, good


def test_a_batch_of_bad_files_beside_good_reports(tmp_path: Path):
    folder = tmp_path / "batch"
    bad, good = _build_batch(folder)
    assert len(bad) >= 15
    db = tmp_path / "wh.duckdb"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(folder), "--db", str(db), "--quiet"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    print(f"\npeak memory of the ingest: {peak_mb:.0f} MB; exit code {run.returncode}")
    output = run.stdout + run.stderr
    print(output)
    assert "Traceback" not in output
    assert peak_mb < 1024

    for name in bad:
        lines = [line for line in output.splitlines() if name in line]
        assert lines, f"no line names {name}"
        # the message is the file and a reason, on one line
        assert any(len(line.split(name, 1)[1].strip(" :：")) > 3 for line in lines), lines

    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = {r[0] for r in con.sql("select file_name from reports where status = 'loaded'").fetchall()}
        assert set(good) <= loaded
        failed_hashes = [r[0] for r in con.sql("select content_hash from reports where status = 'failed'").fetchall()]
        assert failed_hashes
        failed = "(select content_hash from reports where status = 'failed')"
        partial_rows = {
            "evaluations": "select count(*) from evaluations where content_hash in " + failed,
            "indicator_scores": "select count(*) from indicator_scores where split_part(evaluation_id, ':', 1) in " + failed,
            "problems": "select count(*) from problems where split_part(evaluation_id, ':', 1) in " + failed,
            "flags": "select count(*) from flags where split_part(evaluation_id, ':', 1) in " + failed,
        }
        for table, sql in partial_rows.items():
            assert con.sql(sql).fetchall()[0][0] == 0, table
        warnings = con.sql("select warnings from evaluations where source like '%离谱数值.txt'").fetchall()[0][0]
        assert any("120" in w for w in warnings) and any("1990" in w for w in warnings)
        score = con.sql("select self_score from evaluations where source like '%离谱数值.txt'").fetchall()[0][0]
        assert score == 120  # stored as written, never clipped
    finally:
        con.close()
