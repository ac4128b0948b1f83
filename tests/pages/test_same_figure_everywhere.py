"""A figure that appears on two pages shows the same value on both: every registered page is walked
through AppTest on a small demo-county warehouse built by the real loader, with the default filters
and with a wider selection, and every headline figure and every unit's figures are compared."""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.corpus.generate import write_corpus
from dashboard.ingest.load import ingest_paths
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS
from dashboard.ui.navigation import PAGES
from tests.conftest import signed_in

pytestmark = pytest.mark.heavy

APP = settings.ROOT / "dashboard" / "app.py"
# Figures leadership reads on more than one page; each must be on at least two pages for the test
# to mean anything.
SHARED = {"报告数", "平均自评分", "自评为优占比", "得分≥90占比", "等级与得分不符", "被标记报告数", "高风险报告数"}
UNIT_COLUMNS = ("加权执行率(%)", "预算(万元)", "支出(万元)", "有金额的报告数")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("same_figure")
    corpus = root / "corpus"
    write_corpus(corpus, 20241, 5, 2)
    files = [str(p) for p in sorted(corpus.rglob("*")) if p.suffix.lower() in SUPPORTED_EXTENSIONS]
    db = root / "warehouse.duckdb"
    assert ingest_paths(files, db_path=db, progress=False, echo=False).ok
    return db


def _walk(db: Path, monkeypatch, query: dict) -> tuple[dict, dict]:
    """Every page's metrics (label -> {page: value}) and unit tables (column -> {page: {unit: value}})."""
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    metrics: dict[str, dict[str, str]] = defaultdict(dict)
    units: dict[str, dict[str, dict]] = defaultdict(dict)
    for spec in PAGES:
        at = signed_in(AppTest.from_file(str(APP), default_timeout=90))
        at.query_params.update(query)
        at.run()
        at.switch_page(os.path.relpath(spec.path, APP.parent)).run()
        assert not at.exception, (spec.title, [e.value for e in at.exception])
        for m in at.metric:
            metrics[m.label][spec.title] = m.value
        for frame in (d.value for d in at.dataframe):
            if "单位" not in frame.columns or frame["单位"].duplicated().any():
                continue
            for column in UNIT_COLUMNS:
                if column in frame.columns:
                    units[column].setdefault(spec.title, {}).update(zip(frame["单位"], frame[column]))
    return metrics, units


@pytest.mark.parametrize("query", [{}, {"kind": "all", "year_from": "2019"}], ids=["default", "all_kinds"])
def test_a_figure_on_two_pages_has_one_value(demo_db, monkeypatch, query):
    metrics, units = _walk(demo_db, monkeypatch, query)
    on_several = {label for label, pages in metrics.items() if len(pages) >= 2}
    assert SHARED <= on_several, f"expected on two pages or more: {SHARED - on_several}"
    for label in on_several:
        assert len(set(metrics[label].values())) == 1, (label, metrics[label])
    compared = 0
    for column, pages in units.items():
        if len(pages) < 2:
            continue
        first, *others = pages.values()
        for other in others:
            for unit in first.keys() & other.keys():
                assert first[unit] == other[unit] or (first[unit] != first[unit] and other[unit] != other[unit]), \
                    (column, unit, pages)
                compared += 1
    assert compared >= 5, "units' figures are shown on two pages and compared"
