"""扣分原因 through AppTest on the reference-report warehouse: points lost by indicator group, and an
indicator drilled down to the headings as the reports wrote them."""
from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.ui.navigation import PAGES
from tests.conftest import signed_in

APP = settings.ROOT / "dashboard" / "app.py"
DEDUCTIONS = next(p for p in PAGES if p.url_path == "deductions")


def _open(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    at = signed_in(AppTest.from_file(str(APP), default_timeout=60)).run()
    return at.switch_page(os.path.relpath(DEDUCTIONS.path, APP.parent)).run()


def test_an_indicator_shows_the_headings_it_was_written_under(seed_warehouse, monkeypatch):
    at = _open(seed_warehouse, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    chosen = at.selectbox(key="deductions_indicator")
    assert chosen.label == "查看指标的原始写法"
    assert "服务对象满意度" in chosen.options and len(chosen.options) == len(set(chosen.options))
    chosen.set_value("服务对象满意度").run()
    assert not at.exception
    raw = next(t for t in at.dataframe if "一级指标（原文）" in t.value.columns).value
    # two reference reports write it under 效果, 海口 under 项目绩效: both filed as 满意度
    assert sorted(raw["一级指标（原文）"]) == ["效果", "项目绩效"]
    assert set(raw["指标类别"]) == {"满意度"}
    groups = next(t for t in at.dataframe if "指标" in t.value.columns).value
    assert groups["指标"].is_unique
