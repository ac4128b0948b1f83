"""Finding report files under the paths a user gives: recursive, safe with loops and odd entries.

Never follows a directory twice (symlink loops), never raises on an unreadable entry: each problem
becomes a (path, reason) line in Chinese. Never leaves the folders given: a symbolic link found
inside one whose target lies outside every given folder is skipped, not read (a link in a drop
folder must not pull server files into report text). A file named explicitly is always read.
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


OUTSIDE_LINK_REASON = "符号链接指向导入目录之外，已跳过（只读取所选文件夹内的文件）"


def _within(target: str, roots: list[str]) -> bool:
    return any(target == root or target.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _given_roots(paths: list[str | os.PathLike]) -> list[str]:
    """The real locations of the given folders: the only places links found inside may lead."""
    roots = []
    for given in paths:
        try:
            if os.path.isdir(given):
                roots.append(os.path.realpath(given))
        except (OSError, ValueError):
            continue
    return roots


def walk_paths(paths: list[str | os.PathLike]) -> WalkResult:
    """Every supported report file under the given files and folders, in a stable order."""
    result = WalkResult()
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    roots = _given_roots(list(paths))
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
            _walk_dir(path, result, seen_dirs, seen_files, roots)
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


def _walk_dir(root: Path, result: WalkResult, seen_dirs: set[tuple[int, int]], seen_files: set[str],
              roots: list[str]) -> None:
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
                if entry.is_symlink() and os.path.exists(path) and not _within(os.path.realpath(path), roots):
                    result.skipped.append((display_path(path), OUTSIDE_LINK_REASON))
                    continue
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
