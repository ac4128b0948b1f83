"""Page chrome and web-text variants in the demo corpus (issue 13): a share of web-text reports and
forms is wrapped in an invented site's chrome, the truth does not move, and the real reader still
extracts every field."""
from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import pytest

from dashboard.corpus import forms, gen_forms, gen_noise
from dashboard.corpus.evaluate import evaluate_corpus
from dashboard.corpus.gen_model import build_specs
from dashboard.corpus.generate import write_corpus
from dashboard.corpus.truth import TRUTH_NAME, read_truth
from dashboard.ingest.extract import extract_file

# Lines or line starts every chrome style prints (see gen_noise.page_chrome / inline_chrome).
CHROME_MARK = re.compile(r"首页\s*(?:>|>>|»)|索引号|由会员分享|浏览次数|^来源：|^发布时间：|扫一扫|网站标识码")


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # some demo files are GBK, as county offices save them
        return data.decode("gb18030")


def _has_chrome(path: Path) -> bool:
    text = _text(path)
    return any(CHROME_MARK.search(line) for line in text.splitlines())


def _web_text_files(corpus: Path) -> tuple[list[Path], list[Path]]:
    """(web-text reports, web-text forms) of a corpus, from its truth."""
    reports, web_forms = set(), set()
    for entry in read_truth(corpus):
        if entry["format"] != "txt":
            continue
        style = entry["table_style"] or ""
        (web_forms if style.startswith("forms:") else reports).add(corpus / entry["file"])
    return sorted(reports), sorted(web_forms)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[float, Path]:
    """The same seed written without chrome and at the default share."""
    out = {}
    default = gen_noise.CHROME_SHARE
    try:
        for share in (0.0, default):
            gen_noise.CHROME_SHARE = share
            folder = tmp_path_factory.mktemp(f"chrome{share}") / "demo"
            folder.mkdir()
            write_corpus(folder, 31, 8, 3, workers=1)
            out[share] = folder
    finally:
        gen_noise.CHROME_SHARE = default
    return out


def test_chrome_appears_at_the_intended_share(corpora):
    reports, web_forms = _web_text_files(corpora[gen_noise.CHROME_SHARE])
    assert len(reports) >= 40 and len(web_forms) >= 3
    share = sum(map(_has_chrome, reports)) / len(reports)
    assert 0.15 <= share <= 0.45, share
    # Web-text forms are few in a small corpus: their share is checked on every form of a county.
    specs = [s for s in build_specs(31, None, 2) if s.layout == "form"]
    values = [gen_forms.form_values(s) for s in specs]
    assert len(values) >= 100
    share = sum(v["page_chrome"] is not None for v in values) / len(values)
    assert 0.2 <= share <= 0.4, share
    assert {v["page_chrome"]["style"] for v in values if v["page_chrome"]} == set(gen_noise.CHROME_STYLES)
    plain_reports, plain_forms = _web_text_files(corpora[0.0])
    assert not any(map(_has_chrome, plain_reports + plain_forms))


def test_chrome_leaves_the_truth_and_the_report_unchanged(corpora):
    plain, chromed = corpora[0.0], corpora[gen_noise.CHROME_SHARE]
    assert (plain / TRUTH_NAME).read_bytes() == (chromed / TRUTH_NAME).read_bytes()
    changed = 0
    for path in sorted(plain.rglob("*")):
        if not path.is_file() or path.name == TRUTH_NAME:
            continue
        other = chromed / path.relative_to(plain)
        if path.suffix != ".txt":
            assert path.read_bytes() == other.read_bytes(), path.name
            continue
        before = _text(path).splitlines()
        after = _text(other).splitlines()
        changed += before != after
        # Chrome only adds lines (or a header in front of a flattened page's first line).
        it = iter(after)
        for line in before:
            assert any(got == line or (line and got.endswith(line)) for got in it), (path.name, line)
    assert changed >= 10


def test_small_corpus_evaluates_at_100_percent(corpora):
    metrics = evaluate_corpus(corpora[gen_noise.CHROME_SHARE], workers=1)
    assert metrics["failed_files"] == []
    for key, value in metrics["accuracy"].items():
        assert value in (None, 1.0), (key, metrics["misses"].get(key))
    assert metrics["indicator_rows"] == 1.0


def test_every_chrome_style_on_a_small_corpus(tmp_path, monkeypatch):
    """Chrome on every web-text file: still 100% on every field (write_corpus(dir, seed, 4, 2))."""
    monkeypatch.setattr(gen_noise, "CHROME_SHARE", 1.0)
    write_corpus(tmp_path, 3, 4, 2, workers=1)
    reports, web_forms = _web_text_files(tmp_path)
    assert all(map(_has_chrome, reports + web_forms))
    metrics = evaluate_corpus(tmp_path, workers=1)
    assert metrics["failed_files"] == []
    for key, value in metrics["accuracy"].items():
        assert value in (None, 1.0), (key, metrics["misses"].get(key))


def test_yuan_amounts_reach_the_web_text_shapes(corpora):
    reports, _ = _web_text_files(corpora[gen_noise.CHROME_SHARE])
    assert any(re.search(r"\d(?:\.\d\d)?\s*元", _text(p)) for p in reports)
    specs = [s for s in build_specs(31, None, 2) if s.layout == "form"]
    yuan = [gen_forms.form_values(s) for s in specs if s.yuan]
    assert len(yuan) >= 5
    for shape in ("cells", "pipe", "flat"):
        for v in yuan[:3]:
            text = "\n".join(forms._text_lines([v], shape))
            assert "(元)" in text and re.search(r"\d{5,}|\d,\d{3}", text), shape


# --- the page-chrome renderer on its own ------------------------------------------------------------

def _values() -> dict:
    from tests.fixtures.make_forms import ROADS, SCHOOL, WATER

    return {"anhui": WATER, "xianjie": SCHOOL, "anhui_yuan": ROADS}


def _same(got, want) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and want is not None and math.isclose(got, want, abs_tol=1e-6)
    return got == want


@pytest.mark.parametrize("style", gen_noise.CHROME_STYLES)
@pytest.mark.parametrize("shape,variant,inline", [("cells", None, False), ("cells", "bar", False), ("pipe", None, False),
                                                  ("flat", None, False), ("flat", None, True), ("flat", "rows", False)])
def test_web_form_in_every_style_and_shape_extracts_its_values(style, shape, variant, inline, tmp_path):
    for name, values in _values().items():
        v = json.loads(json.dumps(values))
        v["text_variant"] = variant
        v["page_chrome"] = {"seed": 7, "style": style, "inline": inline, "file_name_line": style == "share"}
        path = forms.write_forms([v], shape, tmp_path / f"{name}.txt")
        assert _has_chrome(path)
        [record] = extract_file(path, use_manifest=False)
        got, want = record.to_contract(), forms.expected_record(v)
        for key in ("project_name", "department", "supervising_department", "year", "initial_budget_wan", "budget_wan",
                    "spent_wan", "stated_execution_rate", "self_score", "execution_weight", "execution_score"):
            assert _same(got[key], want[key]), (name, key, got[key], want[key])
        assert [(i["level3"], i["weight"], i["score"]) for i in got["indicators"]] == \
            [(i["level3"], i["weight"], i["score"]) for i in want["indicators"]], name


def test_chrome_is_deterministic_and_invented_per_style():
    seen = set()
    for style in gen_noise.CHROME_STYLES:
        a = gen_noise.page_chrome(random.Random(5), title="某县某局2022年度某项目绩效自评报告", publisher="某县某局",
                                  year=2022, style=style)
        b = gen_noise.page_chrome(random.Random(5), title="某县某局2022年度某项目绩效自评报告", publisher="某县某局",
                                  year=2022, style=style)
        assert a == b and a[0]
        seen.add(tuple(a[0]))
    assert len(seen) == len(gen_noise.CHROME_STYLES)


def test_page_marks_never_split_a_table_or_a_numbered_list():
    lines = ["标题", "一、基本情况", "正文第一段。", "正文第二段。", "正文第三段。", "存在的问题：", "1.问题一。", "2.问题二。",
             "\t单元格", "\t单元格", "| a | b |", "| c | d |", "正文第四段。", "正文第五段。", "结尾。"]
    for seed in range(30):
        out = gen_noise.page_marks(lines, random.Random(seed), share=1.0)
        for i, line in enumerate(out):
            if re.fullmatch(r"- \d -|第\d页 共\d页", line):
                prev, nxt = out[i - 1], out[i + 1]
                assert not re.match(r"\d\.|\t|\|", prev) and not re.match(r"\d\.|\t|\|", nxt), out


def test_no_separator_shape_keeps_labels_and_number_boundaries(tmp_path):
    """The `nosep` shape (cells run together, a space only where two numbers meet). The reader reads
    the names and amounts from it; rates, scores and indicator rows it does not yet read, so the
    demo corpus does not draw this shape."""
    v = _values()["anhui"]
    [line] = [x for x in forms._text_lines([v], "nosep") if x]
    assert line.startswith(forms.render_form(v)[0] + "项目名称") and v["project_name"] in line and " " in line
    assert not re.search(r"\d \D|\D \d", line.replace("% ", "%"))  # spaces only between two numbers
    path = forms.write_forms([v], "nosep", tmp_path / "nosep.txt")
    [record] = extract_file(path, use_manifest=False)
    got, want = record.to_contract(), forms.expected_record(v)
    for key in ("project_name", "department", "supervising_department", "year", "budget_wan", "spent_wan"):
        assert _same(got[key], want[key]), (key, got[key], want[key])
