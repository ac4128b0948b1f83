"""The reader's vocabulary as data (data/vocabulary.toml): page chrome and narrative phrases.

Loaded once per process; `phrases(section, kind)` gives the regular expressions in priority order.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from dashboard import settings


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def vocabulary() -> dict:
    return _load(str(settings.get("vocabulary_path")))


@lru_cache(maxsize=64)
def phrases(section: str, kind: str) -> tuple[str, ...]:
    """The phrases of one kind ('budget', 'spent', ...) in a section, as regex strings, in order."""
    return tuple(entry["phrase"] for entry in vocabulary()[section][kind])


@lru_cache(maxsize=8)
def compiled(section: str, kind: str) -> tuple[re.Pattern, ...]:
    """Chrome rules ('line', 'inline') as compiled patterns."""
    return tuple(re.compile(entry["pattern"]) for entry in vocabulary()[section][kind])
