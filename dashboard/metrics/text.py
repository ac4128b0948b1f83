"""Name and reason text folded for matching: width, spacing and script.

Traditional-to-Simplified conversion (dashboard.ingest.normalize.to_simplified, opencc's pure-Python
t2s) costs about 6 µs a character, too slow for 100,000 names at every refresh; a string is only
converted when it holds a character that the t2s tables change, which nearly no name does.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from dashboard.ingest.normalize import normalize_text, to_simplified

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _traditional_characters() -> frozenset[str]:
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    chars: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            value = values.split(" ")[0] if values else key
            if len(key) == 1:
                if value != key:
                    chars.add(key)
            else:
                chars.update(k for k, v in zip(key, value) if k != v)
                if len(key) != len(value):
                    chars.update(key)
    return frozenset(chars)


def simplified(text: str) -> str:
    """Traditional to Simplified, skipping the conversion when no character would change."""
    traditional = _traditional_characters()
    if any(c in traditional for c in text):
        return to_simplified(text)
    return text


@lru_cache(maxsize=262144)
def fold(text: str | None) -> str | None:
    """Width, spacing and script folded: the form two spellings of one name share."""
    if text is None:
        return None
    folded = _SPACES.sub("", simplified(normalize_text(str(text))))
    return folded or None
