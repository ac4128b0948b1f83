"""项目档案 through AppTest on warehouses built by the real loader: a project across years, one report's
figures, flags, indicators and its text with evidence marked; hostile text stays inert; bad URLs ignored."""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.ui.navigation import page
from dashboard.warehouse import run_query
from tests.conftest import signed_in

APP = settings.ROOT / "dashboard" / "app.py"
SEED = settings.ROOT / "tests" / "fixtures" / "seeds" / "000_b602d48fbaccf327.txt"
FORMS = settings.ROOT / "tests" / "fixtures" / "forms"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def write_hostile_report(folder: Path) -> Path:
    """Reference report 000 with markup in its project name and its text."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("机构编制网络管理物理终端升级改造和网络系统运行经费", f"恶意{HOSTILE}测试经费", 1)
    text = text.replace("1.立项背景及目的\n",
                        f"1.立项背景及目的\n说明{HOSTILE}[点我](javascript:alert(1)) ![图](http://x/y.png) **粗体**。\n", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hostile <img src=x onerror=alert(1)>.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _open(db: Path, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=60)).run()
    if query:
        at.query_params.update(query)
    at.switch_page(os.path.relpath(page("project").path, APP.parent)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _evaluation(db: Path, department: str) -> dict:
    rows = run_query("evaluations_list", {"departments": [department]}, db)
    return rows.row(0, named=True)


def _html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def test_report_figures_flags_and_marked_evidence(seed_warehouse, monkeypatch):
    report = _evaluation(seed_warehouse, "县委编办")
    at = _open(seed_warehouse, monkeypatch, {"evaluation": report["evaluation_id"]})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["预算"] == "10.00 万元" and metrics["实际支出"] == "8.62 万元"
    assert metrics["执行率"] == "86.20%" and metrics["自评分"] == "100 分（优）"
    assert metrics["证据支持的分数"] == "98.62 分"
    body = _html(at)
    marked = re.findall(r'<mark class="evidence">(.*?)</mark>', body, re.S)
    assert any("自评为100分" in html.unescape(m) for m in marked)
    assert "2.项目实施情况" in html.unescape(body)  # the whole text is there, not only the quotes
    flags = next(d.value for d in at.dataframe if "证据（报告原文）" in d.value.columns)
    assert "得分违反执行率规则" in set(flags["标记"])
    assert any("没有附指标评分表" in i.value for i in at.info)  # no indicator table in this report


def test_project_across_years_links_reports(tmp_path, build_warehouse, monkeypatch):
    # The second year's report of the same project (the flat form with its spending changed: the same
    # figures twice would be one report in two formats, loaded once).
    second = tmp_path / "water_flat_again.txt"
    second.write_text((FORMS / "water_flat.txt").read_text(encoding="utf-8").replace("108.60", "100.00"), encoding="utf-8")
    db = build_warehouse(tmp_path, [FORMS / "anhui_water.docx", second, SEED])
    key = run_query("evaluations_list", {"departments": ["农村供水管理站"]}, db)["project_key"][0]
    at = _open(db, monkeypatch, {"project": key})
    history = next(d.value for d in at.dataframe if "扣分" in d.value.columns and "年度" in d.value.columns)
    assert len(history) == 2 and set(history["年度"]) == {2022}
    assert len(at.selectbox(key="project_report").options) == 2
    indicators = next(d.value for d in at.dataframe if "三级指标" in d.value.columns)
    assert len(indicators) > 3
    shown = at.selectbox(key="project_report").value  # the latest report by default
    at.selectbox(key="project_report").select_index(0).run()
    assert not at.exception
    assert at.selectbox(key="project_report").value != shown
    assert at.query_params["evaluation"] in (at.selectbox(key="project_report").value,
                                             [at.selectbox(key="project_report").value])


def test_hostile_report_is_shown_literally_and_inert(tmp_path, build_warehouse, monkeypatch):
    db = build_warehouse(tmp_path, [write_hostile_report(tmp_path / "in")])
    evaluation_id = run_query("evaluations_list", {}, db)["evaluation_id"][0]
    at = _open(db, monkeypatch, {"evaluation": evaluation_id})
    body = _html(at)
    assert "<script" not in body and "<img" not in body
    tags = set(re.findall(r"<\s*([a-zA-Z]+)", body))
    assert tags <= {"div", "mark"}
    assert HOSTILE in html.unescape(body)
    assert "[点我](javascript:alert(1))" in html.unescape(body)
    heading = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "<" not in heading and "[" not in heading and html.unescape(heading) == f"### 恶意{HOSTILE}测试经费"


@pytest.mark.parametrize("query", [
    {"evaluation": "x'; drop table evaluations; --"},
    {"evaluation": "0" * 64 + ":0"},
    {"project": "<script>alert(1)</script>"},
    {"project": "p" * 10_000},
    {"evaluation": "\x00"},
])
def test_bad_url_parameters_are_ignored_with_a_notice(query, seed_warehouse, monkeypatch):
    at = _open(seed_warehouse, monkeypatch, query)
    assert any("已忽略" in w.value for w in at.warning)
    assert at.selectbox(key="project_select").value is not None  # falls back to the riskiest project
