"""Real-world noise does not change what is extracted from the reference reports."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from dashboard.corpus import noise
from dashboard.ingest.extract import extract_file

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))

VARIANTS = {
    "bookmarks": lambda t, rng: (noise.add_bookmarks(t, rng, share=0.3), "utf-8"),
    "fullwidth": lambda t, rng: (noise.fullwidth_digits(t, rng, share=1.0), "utf-8"),
    "spaces": lambda t, rng: (noise.spaces_in_numbers(t, rng, share=0.7), "utf-8"),
    "crlf": lambda t, rng: (noise.crlf(t), "utf-8"),
    "gbk": lambda t, rng: (t, "gb18030"),
    "utf8_bom": lambda t, rng: (t, "utf-8-sig"),
    "utf16": lambda t, rng: (t, "utf-16"),
    "wrapped": lambda t, rng: (noise.wrap_lines(t, width=38), "utf-8"),
    # Layout wraps visible text; converter artifacts come in after.
    "all": lambda t, rng: (noise.crlf(noise.add_bookmarks(noise.spaces_in_numbers(
        noise.fullwidth_digits(noise.wrap_lines(t, 40), rng), rng), rng)), "gb18030"),
}


def comparable(record) -> dict:
    obj = record.to_contract()
    obj.pop("source")
    obj.pop("warnings")
    for flag in obj["flags"]:
        flag.pop("evidence")  # quotes carry the noise itself
        flag.pop("message")
    return obj


@pytest.fixture(scope="module")
def clean() -> dict[str, dict]:
    return {name: comparable(extract_file(SEEDS / name)[0]) for name in NAMES}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", NAMES)
def test_noise_does_not_change_extraction(tmp_path, clean, name, variant):
    text = (SEEDS / name).read_text(encoding="utf-8")
    noisy, encoding = VARIANTS[variant](text, random.Random(7))
    path = tmp_path / name
    path.write_bytes(noisy.encode(encoding))
    got = comparable(extract_file(path)[0])
    assert json.dumps(got, ensure_ascii=False, sort_keys=True, indent=0) == \
        json.dumps(clean[name], ensure_ascii=False, sort_keys=True, indent=0)
