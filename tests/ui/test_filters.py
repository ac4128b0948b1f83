"""URL filters: known values pass; unknown units, malformed years, SQL fragments, NUL and oversized
values are dropped with a notice that never echoes the value."""
from __future__ import annotations

import pytest

from dashboard.ui.filters import UNKNOWN_UNIT, FilterOptions, Filters, parse_url

OPTIONS = FilterOptions(departments=("富民县财政局", "县委编办"), years=(2019, 2023, 2024, 2025),
                        regions=("富民县", "海口市"))
LONG = "财" * 10_000


@pytest.mark.parametrize("raw, expected", [
    ({}, Filters()),
    ({"dept": ["富民县财政局"], "year_from": ["2024"], "year_to": ["2024"]},
     Filters(("富民县财政局",), 2024, 2024)),
    ({"dept": ["县委编办", "富民县财政局", "县委编办"]}, Filters(("县委编办", "富民县财政局"))),
    ({"region": ["海口市"], "grade": ["优"], "kind": ["project_self"]},
     Filters(region="海口市", grade="优", kinds=("project_self",))),
    ({"kind": ["external", "department_self"]}, Filters(kinds=("department_self", "external"))),
    ({"kind": ["all"]}, Filters(kinds=())),
    ({"year_from": [""]}, Filters()),
])
def test_valid_values_pass_without_notice(raw, expected):
    parsed = parse_url(raw, OPTIONS)
    assert parsed.filters == expected
    assert parsed.notices == []


@pytest.mark.parametrize("raw, kept", [
    ({"dept": ["不存在的单位"]}, Filters()),
    ({"dept": ["富民县财政局", "x'; drop table evaluations; --"]}, Filters(("富民县财政局",))),
    ({"dept": [LONG]}, Filters()),
    ({"dept": ["富民县\x00财政局"]}, Filters()),
    ({"year_from": ["2024 or 1=1"]}, Filters()),
    ({"year_from": ["20x4"], "year_to": ["2023"]}, Filters(year_to=2023)),
    ({"year_from": ["1999"]}, Filters()),
    ({"year_from": ["2025"], "year_to": ["2019"]}, Filters(year_from=2025)),
    ({"region": ["' or ''='"]}, Filters()),
    ({"grade": ["A"]}, Filters()),
    ({"kind": ["<script>alert(1)</script>"]}, Filters()),
    ({"grade": [LONG]}, Filters()),
    ({"region": ["富民县", "海口市"]}, Filters(region="富民县")),
])
def test_bad_values_are_ignored_with_a_notice(raw, kept):
    parsed = parse_url(raw, OPTIONS)
    assert parsed.filters == kept
    assert parsed.notices, "each ignored value is noticed"
    for notice in parsed.notices:
        assert len(notice) < 80, "the notice never echoes the (possibly huge) value"
        assert "drop" not in notice and "<script>" not in notice and "\x00" not in notice


def test_params_bind_lists_and_nulls():
    assert Filters().params() == {"departments": None, "year_from": None, "year_to": None, "region": None,
                                  "grade": None, "kinds": ["project_self"], "year_unknown": False}
    assert Filters(kinds=()).params()["kinds"] is None, "an empty selection is every kind"
    assert Filters(("A",), 2024).params()["departments"] == ["A"]
    assert Filters(("A", UNKNOWN_UNIT)).params()["departments"] == ["A", ""], "单位不详 binds as the empty name"


def test_unknown_year_and_unit_round_trip_through_the_url():
    options = FilterOptions(departments=("富民县财政局", UNKNOWN_UNIT), years=(2023, 2024), has_unknown_year=True)
    filters = Filters((UNKNOWN_UNIT,), year_unknown=True)
    raw = {k: v if isinstance(v, list) else [v] for k, v in filters.url_params().items()}
    assert parse_url(raw, options).filters == filters
    assert Filters.from_key(filters.key()) == filters
    assert "年度不详" in filters.describe() and "单位不详" in filters.describe()
    # A warehouse where every report states its year offers no 年度不详 switch: the URL value is ignored.
    assert parse_url(raw, OPTIONS).filters.year_unknown is False


def test_url_params_round_trip():
    filters = Filters(("富民县财政局", "县委编办"), 2023, 2025, "富民县", "良", ("project_self", "external"))
    raw = {k: v if isinstance(v, list) else [v] for k, v in filters.url_params().items()}
    assert parse_url(raw, OPTIONS).filters == filters
    assert Filters.from_key(filters.key()) == filters
    every = Filters(kinds=())
    assert parse_url({k: v if isinstance(v, list) else [v] for k, v in every.url_params().items()},
                     OPTIONS).filters == every
