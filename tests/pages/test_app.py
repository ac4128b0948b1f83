"""The app through AppTest on warehouses built by the real loader: every registered page runs, the
shared filters change the headline figures, empty states speak, hostile URLs are refused, and a
deduction category drills to its reports and on to 项目档案."""
from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings, warehouse
from dashboard.ui.layout import EMPTY_WAREHOUSE, NO_MATCH
from dashboard.ui.navigation import PAGES, PAGES_DIR
from tests.conftest import signed_in

APP = settings.ROOT / "dashboard" / "app.py"
TIMEOUT = 60
MY_PAGES = {"overview", "execution", "scores", "deductions"}


def _relative(spec) -> str:
    # AppTest resolves page paths against the entrypoint's folder (dashboard/).
    return os.path.relpath(spec.path, APP.parent)


def _app(db: Path, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    if query:
        at.query_params.update(query)
    return at


def _open(at: AppTest, spec) -> AppTest:
    at.run()
    at.switch_page(_relative(spec)).run()
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _number(text: str) -> float:
    return float(re.sub(r"[^0-9.\-]", "", text))


def _warehouse_fingerprint(db: Path) -> tuple:
    con = duckdb.connect(str(warehouse.current_version_file(db)), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1").fetchall()]
        counts = tuple((t, con.table(t).aggregate("count(*)").fetchall()[0][0]) for t in tables)
    finally:
        con.close()
    return warehouse.warehouse_version(db), counts


def test_every_page_file_is_registered():
    assert {p.path.name for p in PAGES} == {p.name for p in PAGES_DIR.glob("*.py")}
    assert len(PAGES) == 9 and sum(p.default for p in PAGES) == 1


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_page_runs_on_the_reference_warehouse(spec, seed_warehouse, monkeypatch):
    at = _open(_app(seed_warehouse, monkeypatch), spec)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and at.title[0].value == spec.title
    if spec.url_path in MY_PAGES:
        assert not at.info, "the reference reports fill every chart of the page"


def test_filtering_one_unit_and_year_gives_the_hand_computed_headline(seed_warehouse, monkeypatch):
    at = _app(seed_warehouse, monkeypatch).run()
    before = _metrics(at)
    assert before["项目数"] == "5"
    at.multiselect(key="filter_departments").set_value(["富民县财政局"])
    at.selectbox(key="filter_year_from").set_value(2024)
    at.selectbox(key="filter_year_to").set_value(2024)
    at.run()
    assert not at.exception
    after = _metrics(at)
    # 富民县财政局 2024 (reference report 001): budget 50 万元, spent 47.76, self-score 95.4.
    assert after["项目数"] == "1"
    assert _number(after["预算总额(万元)"]) == 50.0
    assert _number(after["支出总额(万元)"]) == 47.76
    assert after["加权执行率"] == "95.52%"
    assert _number(after["平均自评分"]) == 95.4
    assert after["自评为优占比"] == "100.0%"
    assert after != before
    assert at.query_params.get("dept") in (["富民县财政局"], "富民县财政局")
    assert at.query_params.get("year_from") in (["2024"], "2024")


def test_filters_from_the_url_survive_a_reload(seed_warehouse, monkeypatch):
    at = _app(seed_warehouse, monkeypatch, {"dept": "富民县财政局", "year_from": "2024", "year_to": "2024"}).run()
    assert not at.exception and not at.warning
    assert at.multiselect(key="filter_departments").value == ["富民县财政局"]
    assert _metrics(at)["项目数"] == "1"


def test_a_filter_matching_nothing_says_so(seed_warehouse, monkeypatch):
    for spec in [p for p in PAGES if p.url_path in MY_PAGES]:
        at = _app(seed_warehouse, monkeypatch, {"region": "海口市", "year_from": "2024"})
        _open(at, spec)
        assert not at.exception
        assert NO_MATCH in [i.value for i in at.info], spec.title


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_empty_warehouse_shows_what_to_do(kind, tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    if kind == "empty":
        warehouse.ensure_warehouse(db)
    for spec in PAGES:
        at = _open(_app(db, monkeypatch), spec)
        assert not at.exception, (spec.title, [e.value for e in at.exception])
        if spec.url_path in MY_PAGES:
            assert EMPTY_WAREHOUSE in [i.value for i in at.info], spec.title


HOSTILE = {
    "dept": ["x'; drop table evaluations; --", "富民县财政局\x00", "财" * 10_000, "不存在的单位"],
    "year_from": "2024 or 1=1",
    "year_to": "'; delete from flags; --",
    "region": "<img src=x onerror=alert(1)>",
    "grade": "[优](javascript:alert(1))",
    "kind": "x" * 10_000,
}


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_hostile_query_params_are_ignored_with_a_notice(spec, seed_warehouse, monkeypatch):
    before = _warehouse_fingerprint(seed_warehouse)
    at = _app(seed_warehouse, monkeypatch, HOSTILE).run()
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert len(notices) >= 5, notices
    assert all("drop" not in n and "<img" not in n and "财财" not in n for n in notices)
    assert _metrics(at)["项目数"] == "5", "every hostile filter was dropped: all reports shown"
    at.switch_page(_relative(spec)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _warehouse_fingerprint(seed_warehouse) == before


def test_a_reason_category_drills_to_its_reports_and_opens_the_project(seed_warehouse, monkeypatch):
    at = _open(_app(seed_warehouse, monkeypatch, {"year_from": "2024"}), next(p for p in PAGES if p.url_path == "deductions"))
    assert not at.exception
    category = at.selectbox(key="deductions_category")
    assert category.options, "the reference reports state reasons"
    category.set_value(category.options[0]).run()
    report = at.selectbox(key="deductions_report")
    assert report.options
    chosen = report.value
    at.button(key="deductions_open_project").click().run()
    assert not at.exception
    assert at.title[0].value == "项目档案"
    assert at.session_state["selected_evaluation_id"] == chosen
    assert at.query_params.get("evaluation") in (chosen, [chosen])
    assert at.selectbox(key="filter_year_from").value == 2024, "the filters survive st.switch_page"
    assert at.query_params.get("year_from") in ("2024", ["2024"])
