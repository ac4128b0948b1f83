"""Uploads: server-chosen names, size limit, refused types, original names kept for display."""
from __future__ import annotations

import io
import re

from dashboard.ui.upload import (
    original_names,
    safe_extension,
    save_uploads,
    shown_name,
    with_original_names,
)


def test_safe_extension_only_known_types():
    assert safe_extension("报告.DOCX") == ".docx"
    assert safe_extension("a.pdf") == ".pdf"
    assert safe_extension("evil.php") is None
    assert safe_extension("noext") is None
    assert safe_extension("../../etc/passwd") is None


def test_shown_name_drops_paths_and_control_characters():
    assert shown_name("C:\\fakepath\\报告.docx") == "报告.docx"
    assert shown_name("../../x\x00y.txt") == "xy.txt"
    assert shown_name("") == "（无文件名）"
    assert len(shown_name("长" * 500 + ".txt")) <= 120


def test_saved_under_server_names_within_the_limit(tmp_path):
    upload_dir = tmp_path / "uploads"
    batch = save_uploads([
        ("../../escape.txt", b"report text"),
        ("2023年 报告;$(rm -rf).docx", io.BytesIO(b"PK fake")),
        ("big.pdf", b"x" * (2 * 1024 * 1024)),
        ("script.sh", b"echo"),
        ("empty.txt", b""),
    ], upload_dir=upload_dir, max_mb=1, uploaded_by="测试")
    names = sorted(p.name for p in upload_dir.iterdir())
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(txt|docx)", n) for n in names if n != "uploads.jsonl"), names
    assert len(batch.saved) == 2 and {s.stored_path.parent for s in batch.saved} == {upload_dir}
    assert [s.original_name for s in batch.saved] == ["escape.txt", "2023年 报告;$(rm -rf).docx"]
    assert not (tmp_path / "escape.txt").exists()
    reasons = dict(batch.rejected)
    assert "超过上传大小限制" in reasons["big.pdf"]
    assert "不支持的文件类型" in reasons["script.sh"]
    assert reasons["empty.txt"] == "文件为空"
    assert sorted(names) == sorted([s.stored_path.name for s in batch.saved] + ["uploads.jsonl"])

    mapping = original_names(upload_dir)
    stored = batch.saved[0].stored_path.name
    assert mapping[stored] == "escape.txt"
    assert with_original_names(f"{stored}: PDF 已加密", mapping, upload_dir) == "escape.txt: PDF 已加密"
    assert with_original_names(f"{upload_dir}/{stored}: 扫描件", mapping, upload_dir) == "escape.txt: 扫描件"
    assert original_names(tmp_path / "none") == {}


def test_load_running_sees_the_lock(tmp_path):
    from dashboard.ui.upload import load_running
    from dashboard.warehouse import write_lock

    db = tmp_path / "w.duckdb"
    assert load_running(db) is False
    with write_lock(db):  # flock is per open file: a second open sees it even in this process
        assert load_running(db) is True
    assert load_running(db) is False
