"""Files uploaded on the 数据管理 page: stored under names the server chooses, then loaded.

Nothing from the browser reaches a path: a stored file is `<uuid4 hex><extension>` in settings
upload_dir, the extension taken from a fixed list. The name the user saw is kept in
`uploads.jsonl` beside the files, so the page can show failures under the original name.
Content already loaded (same sha256 as a loaded report) or already waiting in an upload job is
reported as a duplicate and never saved. Loading runs as a background job: dashboard/ui/upload_jobs.py.
No streamlit here.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from dashboard import settings
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS

UPLOAD_LOG = "uploads.jsonl"
MAX_SHOWN_NAME = 120
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SavedUpload:
    original_name: str  # as the browser sent it, cleaned for display
    stored_path: Path
    size_bytes: int
    content_hash: str | None = None  # sha256 of the content, as the loader computes it


@dataclass
class UploadBatch:
    saved: list[SavedUpload] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (original name, reason in Chinese)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (original name, reason): not saved


def shown_name(name: str | None) -> str:
    """A browser-sent file name fit to show: last path component, no control characters, bounded."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if len(text) > MAX_SHOWN_NAME:
        text = text[: MAX_SHOWN_NAME - 1] + "…"
    return text or "（无文件名）"


def safe_extension(name: str | None) -> str | None:
    """The file's extension when it is one the loader reads (lower case, with the dot), else None."""
    match = re.search(r"(\.[A-Za-z0-9]{1,5})\s*$", name or "")
    if not match:
        return None
    extension = match.group(1).lower()
    return extension if extension in SUPPORTED_EXTENSIONS else None


def stored_name(extension: str) -> str:
    """A fresh server-chosen file name for an upload."""
    if extension not in SUPPORTED_EXTENSIONS:
        raise ValueError(f"不支持的文件类型：{extension}")
    return uuid.uuid4().hex + extension


def _upload_dir(upload_dir: str | os.PathLike | None) -> Path:
    directory = Path(upload_dir if upload_dir is not None else settings.get("upload_dir"))
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    return directory


def _chunks(data: bytes | BinaryIO) -> Iterable[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        yield bytes(data)
        return
    if hasattr(data, "seek"):
        data.seek(0)
    while chunk := data.read(_CHUNK):
        yield chunk


def content_hash(data: bytes | BinaryIO) -> str:
    """The sha256 of an upload's content (hex), as the loader computes it for a file."""
    digest = hashlib.sha256()
    for chunk in _chunks(data):
        digest.update(chunk)
    return digest.hexdigest()


def _save_one(name: str, data: bytes | BinaryIO, directory: Path, limit_bytes: int,
              digest: str | None = None) -> SavedUpload | str:
    """The saved upload, or the reason it was refused (in Chinese)."""
    extension = safe_extension(name)
    if extension is None:
        return f"不支持的文件类型（支持 {' '.join(SUPPORTED_EXTENSIONS)}）"
    target = directory / stored_name(extension)
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(data):
                size += len(chunk)
                if size > limit_bytes:
                    break
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size > limit_bytes:
        target.unlink(missing_ok=True)
        return f"文件超过上传大小限制（{limit_bytes / (1 << 20):g} MB）"
    if size == 0:
        target.unlink(missing_ok=True)
        return "文件为空"
    return SavedUpload(shown_name(name), target, size, digest)


DUPLICATE_LOADED = "内容与已导入的报告相同，未重复上传"


def _duplicate_reason(digest: str, loaded: Collection[str], pending: Mapping[str, str],
                      seen: dict[str, str]) -> str | None:
    if digest in loaded:
        return DUPLICATE_LOADED
    if digest in pending:
        return f"内容与正在等待导入的 {pending[digest]} 相同，未重复上传"
    if digest in seen:
        return f"内容与本次选择的 {seen[digest]} 相同，未重复上传"
    return None


def save_uploads(files: Iterable[tuple[str, bytes | BinaryIO]], upload_dir: str | os.PathLike | None = None,
                 max_mb: float | None = None, uploaded_by: str | None = None, *,
                 loaded_hashes: Collection[str] | None = None,
                 pending_hashes: Mapping[str, str] | None = None) -> UploadBatch:
    """Store uploaded files (name as sent, content) under server-chosen names; log the original names.

    With loaded_hashes (content hashes of reports in the warehouse) and pending_hashes (hash -> the
    name it was uploaded under, for files waiting in an upload job), a file whose content is already
    there, or appears twice in this batch, is listed in `duplicates` and not saved.
    """
    directory = _upload_dir(upload_dir)
    limit_bytes = int(float(max_mb if max_mb is not None else settings.get("max_upload_mb")) * (1 << 20))
    check = loaded_hashes is not None or pending_hashes is not None
    loaded, pending = loaded_hashes or (), pending_hashes or {}
    seen: dict[str, str] = {}
    batch = UploadBatch()
    for name, data in files:
        try:
            digest = None
            if check and safe_extension(name) is not None:
                digest = content_hash(data)
                reason = _duplicate_reason(digest, loaded, pending, seen)
                if reason is not None:
                    batch.duplicates.append((shown_name(name), reason))
                    continue
                seen[digest] = shown_name(name)
            result = _save_one(name, data, directory, limit_bytes, digest)
        except OSError as exc:
            result = f"保存上传文件失败（{exc.strerror or type(exc).__name__}）"
        if isinstance(result, str):
            batch.rejected.append((shown_name(name), result))
        else:
            batch.saved.append(result)
    if batch.saved:
        _log(directory, batch.saved, uploaded_by)
    return batch


def _log(directory: Path, saved: list[SavedUpload], uploaded_by: str | None) -> None:
    now = datetime.now().isoformat(timespec="seconds")
    lines = "".join(
        json.dumps({"stored": s.stored_path.name, "original": s.original_name, "size_bytes": s.size_bytes,
                    "content_hash": s.content_hash, "uploaded_at": now, "uploaded_by": uploaded_by},
                   ensure_ascii=False) + "\n"
        for s in saved)
    with open(directory / UPLOAD_LOG, "a", encoding="utf-8") as fh:
        fh.write(lines)


def original_names(upload_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """Stored file name -> the name it was uploaded under (from the upload log; missing log: empty)."""
    path = Path(upload_dir if upload_dir is not None else settings.get("upload_dir")) / UPLOAD_LOG
    names: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                    names[str(entry["stored"])] = str(entry["original"])
                except (ValueError, KeyError, TypeError):
                    continue  # a torn line from a crash: skip it
    except FileNotFoundError:
        pass
    return names


def with_original_names(text: str | None, names: dict[str, str], upload_dir: str | os.PathLike | None = None) -> str | None:
    """Text (a file name or an error naming one) with stored upload names replaced by the originals and
    the server's upload folder left out (the browser never sees server paths)."""
    if not text:
        return text
    directory = os.path.abspath(upload_dir if upload_dir is not None else settings.get("upload_dir"))
    text = text.replace(directory + os.sep, "")
    if not names:
        return text
    return re.sub(r"[0-9a-f]{32}\.[a-z]{3,4}", lambda m: names.get(m.group(0), m.group(0)), text)


def file_label(source: str | None, names: dict[str, str]) -> str | None:
    """A loaded file as the browser may see it: its name only (an upload's original name), never the
    server folder it was loaded from."""
    if not source:
        return source
    base = os.path.basename(source.replace("\\", "/"))
    return names.get(base, base)


def loaded_hashes(db_path: str | os.PathLike | None = None) -> set[str]:
    """Content hashes the warehouse's current version already holds (loaded, or known as another format
    of a loaded report); none yet: empty. A report that failed is not among them: the loader retries it.
    """
    from dashboard.warehouse import QUERIES_DIR, WarehouseError, current_version_file, run_sql_file

    if current_version_file(db_path) is None:
        return set()
    try:
        statuses = run_sql_file(QUERIES_DIR / "load" / "report_statuses.sql", db_path=db_path)
    except WarehouseError:
        return set()  # unreadable now: the loader still skips loaded content by its hash
    return set(statuses.filter(statuses["status"] != "failed")["content_hash"].to_list())


def load_running(db_path: str | os.PathLike | None = None) -> bool:
    """Whether another load or correction holds the warehouse's load lock right now."""
    from dashboard.warehouse import WarehouseBusy, write_lock

    try:
        with write_lock(db_path, timeout=0):
            return False
    except WarehouseBusy:
        return True
