"""Finding report files under the paths a user gives: recursive, safe with loops and odd entries.

Never follows a directory twice (symlink loops), never raises on an unreadable entry: each problem
becomes a (path, reason) line in Chinese.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.ingest.manifest import MANIFEST_NAME
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS


@dataclass
class WalkResult:
    files: list[Path] = field(default_factory=list)
    # Entries passed over with a reason: unsupported types, Office lock files, broken links.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Paths that could not be looked at: missing, unreadable folders.
    failed: list[tuple[str, str]] = field(default_factory=list)


def display_path(path: str | os.PathLike) -> str:
    """A path printable and storable as text, whatever bytes its name holds (GBK names included)."""
    raw = os.fsencode(path)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "权限不足，无法读取"
    if isinstance(exc, FileNotFoundError):
        return "文件或文件夹不存在"
    return f"无法读取（{exc.strerror or type(exc).__name__}）"


def _classify_file(path: Path, result: WalkResult) -> None:
    name = path.name
    if name == MANIFEST_NAME:
        return  # read by the extractor beside each report, not a report itself
    if name.startswith("~$"):
        result.skipped.append((display_path(path), "Office 临时锁文件，已跳过"))
        return
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        kind = suffix or "(无扩展名)"
        result.skipped.append((display_path(path), f"不支持的文件类型 {kind}，已跳过（支持 {' '.join(SUPPORTED_EXTENSIONS)}）"))
        return
    result.files.append(path)


def walk_paths(paths: list[str | os.PathLike]) -> WalkResult:
    """Every supported report file under the given files and folders, in a stable order."""
    result = WalkResult()
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for given in paths:
        path = Path(os.fspath(given))
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as exc:
            result.failed.append((display_path(path), _os_reason(exc)))
            continue
        if not exists:
            reason = "符号链接指向的文件不存在" if path.is_symlink() else "文件或文件夹不存在"
            result.failed.append((display_path(path), reason))
        elif is_dir:
            _walk_dir(path, result, seen_dirs, seen_files)
        elif path.is_file():
            _add_file(path, result, seen_files, given_explicitly=True)
        else:
            result.skipped.append((display_path(path), "不是普通文件，已跳过"))
    return result


def _add_file(path: Path, result: WalkResult, seen_files: set[str], *, given_explicitly: bool = False) -> None:
    key = os.path.realpath(path)
    if key in seen_files:
        return
    seen_files.add(key)
    if given_explicitly and path.name == MANIFEST_NAME:
        result.skipped.append((display_path(path), "manifest.csv 是对照表，不是报告，已跳过"))
        return
    _classify_file(path, result)


def _walk_dir(root: Path, result: WalkResult, seen_dirs: set[tuple[int, int]], seen_files: set[str]) -> None:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            stat = folder.stat()
        except OSError as exc:
            result.failed.append((display_path(folder), _os_reason(exc)))
            continue
        identity = (stat.st_dev, stat.st_ino)
        if identity in seen_dirs:
            continue  # a symlink loop or the same folder reached twice
        seen_dirs.add(identity)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            result.failed.append((display_path(folder), f"文件夹{_os_reason(exc)}"))
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .DS_Store) are never reports
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    subfolders.append(path)
                elif entry.is_file():
                    _add_file(path, result, seen_files)
                elif entry.is_symlink():
                    result.skipped.append((display_path(path), "符号链接指向的文件不存在，已跳过"))
                else:
                    result.skipped.append((display_path(path), "不是普通文件，已跳过"))
            except OSError as exc:
                result.skipped.append((display_path(path), _os_reason(exc)))
        stack.extend(reversed(subfolders))  # depth-first, in name order
