"""A report whose project name and problems carry HTML and Markdown: my pages show it as text only
(tables, plain text), never as Markdown, HTML or a link."""
from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.ui.navigation import PAGES
from tests.conftest import SEED_REPORTS, signed_in

APP = settings.ROOT / "dashboard" / "app.py"
NAME = "预算信息管理平台、部门财务核算运维费、政府采购电子卖场平台经费"
HOSTILE = "[点我](javascript:alert(1))<img src=x onerror=alert(1)>"
MARKERS = ("javascript:", "onerror", "<script", "](http")


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory):
    from dashboard.ingest.load import ingest_paths

    folder = tmp_path_factory.mktemp("hostile")
    source = SEED_REPORTS[1]
    text = source.read_text(encoding="utf-8")
    assert NAME in text
    (folder / "hostile.txt").write_text(text.replace(NAME, NAME + HOSTILE), encoding="utf-8")
    db = folder / "warehouse.duckdb"
    summary = ingest_paths([str(folder / "hostile.txt")], db_path=db, progress=False, echo=False)
    assert summary.ok
    from dashboard.warehouse import run_query

    names = run_query("evaluations_list", {}, db_path=db)["project_name"].to_list()
    assert names == [NAME + HOSTILE], "precondition: the hostile name reached the warehouse"
    return db


def _rendered_markup(at: AppTest) -> list[str]:
    """Every element whose text Streamlit renders as Markdown."""
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        out += [e.value for e in getattr(at, kind)]
    out += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    return out


@pytest.mark.parametrize("spec", [p for p in PAGES if p.url_path in {"overview", "execution", "scores", "deductions"}],
                         ids=lambda s: s.url_path)
def test_report_markup_is_never_rendered(spec, hostile_warehouse, monkeypatch):
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(hostile_warehouse))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=60)).run()
    at.switch_page(os.path.relpath(spec.path, APP.parent)).run()
    assert not at.exception, [e.value for e in at.exception]
    for value in _rendered_markup(at):
        assert not any(marker in value for marker in MARKERS), value
    shown = [str(df.value.to_dict()) for df in at.dataframe]
    if spec.url_path in {"execution", "deductions"}:
        assert any("<img src=x onerror=alert(1)>" in s for s in shown), "the name is shown, literally, in a table"
