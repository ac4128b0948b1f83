"""Who sees what: on a warehouse of the five reference reports (five units) built by the real loader,
a 部门 account of one unit finds no row of another unit on any page, in any page accessor (what every
table, chart and export is built from), in the filter options, or through a crafted URL; it cannot
open 数据管理 or 账号与审计. Without signing in no page shows data."""
from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.ui import data, data_inflation  # noqa: F401 - registers every page accessor
from dashboard.ui.filters import KEY_DEPARTMENTS, Filters
from dashboard.ui.navigation import PAGES, pages_for
from dashboard.warehouse import ALL_UNITS, run_query, set_read_scope
from tests.conftest import add_department_account, signed_in

APP = settings.ROOT / "dashboard" / "app.py"
OWN = "县委编办"


@pytest.fixture(scope="module")
def units(seed_warehouse):
    """(own unit's rows, every other unit's names and project names) of the reference warehouse."""
    everything = run_query("evaluations_list", {}, seed_warehouse)
    others = everything.filter(everything["department_canonical"] != OWN)
    assert others.height >= 3 and everything.height > others.height
    markers = set(others["department_canonical"].drop_nulls()) | set(others["project_name"].drop_nulls())
    own_projects = set(everything.filter(everything["department_canonical"] == OWN)["project_name"].drop_nulls())
    markers -= own_projects
    add_department_account("dept_scope", (OWN,))
    return everything, others, markers


def _frames(value):
    if hasattr(value, "columns"):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _frames(item)


@pytest.mark.parametrize("accessor", data.PAGE_ACCESSORS, ids=lambda a: a.name)
def test_every_accessor_returns_only_the_scope(accessor, seed_warehouse, units):
    everything, others, markers = units
    set_read_scope((OWN,))
    try:
        scoped = list(_frames(accessor(Filters(kinds=()), seed_warehouse)))
        crafted = list(_frames(accessor(Filters(departments=tuple(others["department_canonical"].unique()), kinds=()),
                                        seed_warehouse)))
    finally:
        set_read_scope(ALL_UNITS)
    for frame in scoped + crafted:
        cells = {str(v) for column in frame.columns for v in frame[column].to_list()}
        assert not cells & markers, (accessor.name, sorted(cells & markers)[:3])
        for column in ("department_canonical", "department"):
            if column in frame.columns and accessor.name not in ("file_statuses", "withdrawn"):
                assert set(frame[column].drop_nulls()) <= {OWN}, (accessor.name, column)
    assert sum(f.height for f in crafted if "department_canonical" in f.columns) == 0 or \
        all(set(f["department_canonical"].drop_nulls()) <= {OWN} for f in crafted if "department_canonical" in f.columns)


def _shown(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "text", "title", "header", "subheader", "info", "warning", "success",
                 "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in (d.value for d in at.dataframe):
        parts += [str(v) for column in frame.columns for v in frame[column].tolist()]
    for box in list(at.selectbox) + list(at.multiselect):
        parts += [str(o) for o in box.options]
    return "\n".join(parts)


def test_a_department_account_sees_no_other_unit_on_any_page_or_url(seed_warehouse, units, monkeypatch):
    everything, others, markers = units
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(seed_warehouse))
    other_id = others["evaluation_id"][0]
    other_key = others["project_key"][0]
    allowed = pages_for("department")
    assert {p.url_path for p in allowed} & {"data", "accounts"} == set()
    queries = ({}, {"kind": "all"}, {"dept": others["department_canonical"][0], "kind": "all"},
               {"evaluation": other_id}, {"project": other_key})
    walked = 0
    for query in queries:
        for spec in allowed:
            at = signed_in(AppTest.from_file(str(APP), default_timeout=90), "dept_scope")
            at.query_params.update(query)
            at.run()
            at.switch_page(os.path.relpath(spec.path, APP.parent)).run()
            assert not at.exception, (spec.title, query, [e.value for e in at.exception])
            shown = _shown(at)
            leaked = [m for m in markers if m in shown]
            assert not leaked, (spec.title, query, leaked[:3])
            assert set(at.multiselect(key=KEY_DEPARTMENTS).options) <= {OWN}
            walked += 1
    assert walked == len(queries) * len(allowed)


@pytest.mark.parametrize("url_path", ["data", "accounts"])
def test_a_department_account_cannot_open_admin_pages(seed_warehouse, units, monkeypatch, url_path):
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(seed_warehouse))
    spec = next(p for p in PAGES if p.url_path == url_path)
    at = signed_in(AppTest.from_file(str(spec.path), default_timeout=90), "dept_scope").run()
    assert [e.value for e in at.error] == ["您的账号无权查看本页。"]
    assert not at.dataframe and not at.metric and not at.button


def test_without_signing_in_no_page_shows_data(seed_warehouse, monkeypatch):
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(seed_warehouse))
    for spec in PAGES:
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.query_params.update({"kind": "all"})
        at.run()
        assert at.text_input(key="auth_name") is not None
        assert not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.get("download_button")
        assert not at.multiselect, "no filter (and so no unit name) before signing in"


def test_sign_in_form_signs_in_and_wrong_passwords_are_limited(seed_warehouse, monkeypatch):
    from dashboard.auth import store
    from tests.conftest import TEST_PASSWORD

    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(seed_warehouse))
    monkeypatch.setenv("PERF_SIGN_IN_MAX_FAILURES", "3")
    store.add("limited", TEST_PASSWORD, "leader", by="tests")
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    for _ in range(3):
        at.text_input(key="auth_name").input("limited")
        at.text_input(key="auth_password").input("wrong-password")
        at.button(key="FormSubmitter:auth_form-登录").click().run()
        assert "账号或密码不正确" in _shown(at) and not at.metric
    at.text_input(key="auth_name").input("limited")
    at.text_input(key="auth_password").input(TEST_PASSWORD)
    at.button(key="FormSubmitter:auth_form-登录").click().run()
    assert "登录失败次数过多" in _shown(at) and not at.metric, "locked even with the right password"
    fresh = AppTest.from_file(str(APP), default_timeout=90).run()
    fresh.text_input(key="auth_name").input("leader")
    fresh.text_input(key="auth_password").input(TEST_PASSWORD)
    fresh.button(key="FormSubmitter:auth_form-登录").click().run()
    assert not fresh.exception and fresh.metric, "another account signs in and sees the headline"
    actions = [r["action"] for r in store.audit_rows(account="limited", limit=10)[0]]
    assert actions.count("sign_in_failed") == 4


ADMIN_ONLY = {"file_statuses", "withdrawn"}  # 数据管理 and 账号与审计 only: a 部门 account never reaches them


@pytest.mark.parametrize("accessor", [a for a in data.PAGE_ACCESSORS if a.name not in ADMIN_ONLY],
                         ids=lambda a: a.name)
def test_a_scope_counts_what_the_unit_filter_counts(accessor, seed_warehouse, units):
    """Totals and aggregates too (no unit name to spot in them): the scoped figures equal the figures of
    the unit filter set to the scope's unit, for every accessor."""
    set_read_scope((OWN,))
    try:
        scoped = list(_frames(accessor(Filters(kinds=()), seed_warehouse)))
    finally:
        set_read_scope(ALL_UNITS)
    filtered = list(_frames(accessor(Filters(departments=(OWN,), kinds=()), seed_warehouse)))
    assert len(scoped) == len(filtered)
    for a, b in zip(scoped, filtered):
        assert a.equals(b, null_equal=True), (accessor.name, a, b)
