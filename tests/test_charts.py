"""Figure builders: the charts a page shows carry the data given, report text is escaped, and an empty
frame gives a figure that says so."""
from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts
from dashboard.ui import theme

HOSTILE_NAME = '<img src=x onerror=alert(1)><a href="javascript:alert(1)">点</a>'


def test_safe_label_escapes_tags_and_shortens():
    label = charts.safe_label(HOSTILE_NAME, limit=200)
    assert "<" not in label and ">" not in label
    assert charts.safe_label("很" * 40, limit=10) == "很" * 9 + "…"
    assert charts.safe_label(None) == "（未注明）"


def test_heatmap_places_rates_by_unit_and_year():
    frame = pl.DataFrame({
        "department_canonical": ["甲局", "甲局", HOSTILE_NAME],
        "year": [2023, 2024, 2024],
        "n_projects": [1, 2, 1],
        "budget_wan": [100.0, 200.0, 10.0],
        "spent_wan": [90.0, 150.0, 10.0],
        "execution_rate_weighted": [90.0, 75.0, 100.0],
    })
    fig = charts.execution_heatmap_figure(frame)
    heat = fig.data[0]
    assert list(heat.x) == ["2023年", "2024年"]
    rows = {y: [None if math.isnan(v) else v for v in z] for y, z in zip(heat.y, heat.z)}
    assert rows["甲局"] == [90.0, 75.0]
    escaped = [y for y in heat.y if y != "甲局"][0]
    assert "<" not in escaped and rows[escaped] == [None, 100.0]
    assert fig.to_dict()["layout"]["template"]["layout"]["font"]["family"] == theme.FONT_FAMILY


def test_lowest_executors_keep_reports_with_the_same_label_apart():
    frame = pl.DataFrame({
        "project_name": ["同名项目", "同名项目"], "department_canonical": ["甲局", "甲局"], "year": [2024, 2024],
        "budget_wan": [10.0, 20.0], "spent_wan": [5.0, 12.0], "unspent_wan": [5.0, 8.0], "execution_rate": [50.0, 60.0],
    })
    bar = charts.lowest_executors_figure(frame).data[0]
    assert len(set(bar.y)) == 2 and list(bar.x) == [50.0, 60.0]


def test_box_plot_uses_the_precomputed_quartiles():
    summary = pl.DataFrame({"year": [2023, 2024], "n_scored": [3, 4], "self_score_mean": [90.0, 92.0],
                            "self_score_p25": [85.0, 88.0], "self_score_median": [90.0, 93.0],
                            "self_score_p75": [95.0, 96.0], "self_score_min": [80.0, 81.0],
                            "self_score_max": [100.0, 99.0]})
    box = charts.score_box_figure(summary, "year").data[0]
    assert list(box.q1) == [85.0, 88.0] and list(box.upperfence) == [100.0, 99.0]


def test_grade_mix_shares_of_stated_grades_stack_to_100():
    """Reports stating no grade are outside the denominator of 自评为优占比, so they get no bar."""
    mix = pl.DataFrame({"year": [2024, 2024, 2024], "grade": ["优", "良", None], "n_reports": [2, 1, 1],
                        "share": [2 / 3, 1 / 3, None]})
    fig = charts.grade_mix_figure(mix, "year")
    assert [t.name for t in fig.data] == ["优", "良"]
    assert sum(t.y[0] for t in fig.data) == pytest.approx(100)


@pytest.mark.parametrize("builder, args", [
    (charts.trend_amounts_figure, ()), (charts.trend_scores_figure, ()), (charts.execution_bands_figure, ()),
    (charts.score_histogram_figure, ()), (charts.score_vs_execution_figure, ()),
    (charts.reason_trend_figure, ()),
])
def test_empty_frames_give_a_figure_that_says_so(builder, args):
    fig = builder(pl.DataFrame(), *args)
    assert isinstance(fig, go.Figure)
    assert fig.layout.annotations[0].text == "当前筛选下没有数据" or "没有" in fig.layout.annotations[0].text


def test_theme_formats():
    assert theme.fmt_wan(1234.5) == "1,234.50 万元"
    assert theme.fmt_pct(95.52) == "95.52%"
    assert theme.fmt_pct(0.8, ratio=True) == "80.00%"
    assert theme.fmt_number(None) == "—"
