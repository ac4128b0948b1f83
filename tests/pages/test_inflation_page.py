"""虚高识别 through AppTest on the reference-report warehouse built by the real loader: the ranking,
the flag evidence, the unit index, filtering, and opening a report in 项目档案."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from dashboard import settings, warehouse
from dashboard.ui.layout import NO_MATCH
from dashboard.ui.navigation import page
from tests.conftest import signed_in

APP = settings.ROOT / "dashboard" / "app.py"


def _open(db: Path, monkeypatch, url_path: str = "inflation") -> AppTest:
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=60)).run()
    at.switch_page(os.path.relpath(page(url_path).path, APP.parent)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str):
    """The first table showing this column (tables without selection carry no key in AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_reports_ranked_by_risk_with_flags_and_evidence(seed_warehouse, monkeypatch):
    at = _open(seed_warehouse, monkeypatch)
    assert at.title[0].value == "虚高识别"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["报告数"] == "5"
    assert metrics["被标记报告数"] == "5"
    with duckdb.connect(str(warehouse.current_version_file(seed_warehouse)), read_only=True) as con:
        [(n_high,)] = con.sql("select count(distinct evaluation_id) from flags where severity = 'high'").fetchall()
    assert n_high >= 1 and metrics["高风险报告数"] == str(n_high)
    ranking = _table(at, "风险分")
    assert list(ranking["风险分"]) == sorted(ranking["风险分"], reverse=True)
    # The 县委编办 report claims 100 with 86.2% execution and lists a problem: the riskiest.
    top = ranking.iloc[0]
    assert top["单位"] == "县委编办" and top["自评分"] == 100
    assert "得分违反执行率规则" in top["标记"] and "列出问题却未扣分" in top["标记"]
    flags = _table(at, "证据（报告原文）")
    rule = flags[flags["标记"] == "得分违反执行率规则"].iloc[0]
    assert "86.2%" in rule["说明"] and "「" in rule["证据（报告原文）"]
    units = _table(at, "虚高指数")
    assert list(units["虚高指数"]) == sorted(units["虚高指数"], reverse=True)
    assert units.iloc[0]["单位"] == "县委编办" and units.iloc[0]["虚高指数"] > 0
    assert {s.value for s in at.subheader} >= {"风险排名", "自评分与预算执行率", "单位虚高指数", "标记与证据"}


def test_flag_type_narrows_the_evidence(seed_warehouse, monkeypatch):
    at = _open(seed_warehouse, monkeypatch)
    at.selectbox(key="inflation_code").set_value("RATE_MISMATCH").run()
    flags = _table(at, "证据（报告原文）")
    assert set(flags["标记"]) == {"执行率与金额不符"} and len(flags) == 1


def test_sidebar_filter_changes_the_ranking(seed_warehouse, monkeypatch):
    at = _open(seed_warehouse, monkeypatch)
    at.multiselect(key="filter_departments").set_value(["富民县财政局"]).run()
    assert not at.exception
    ranking = _table(at, "风险分")
    assert list(ranking["单位"]) == ["富民县财政局"]
    assert {m.label: m.value for m in at.metric}["报告数"] == "1"
    at.selectbox(key="filter_year_from").set_value(2025).run()
    assert any(NO_MATCH in i.value for i in at.info)


def test_open_button_drills_to_the_project(seed_warehouse, monkeypatch):
    at = _open(seed_warehouse, monkeypatch)
    chosen = at.selectbox(key="inflation_open_select").value
    at.button(key="inflation_open_button").click().run()
    assert not at.exception
    assert at.title[0].value == "项目档案"
    assert at.query_params["evaluation"] == [chosen] or at.query_params["evaluation"] == chosen
    assert {m.label: m.value for m in at.metric}["自评分"] == "100 分（优）"
