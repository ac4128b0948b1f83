"""Property tests of number reading: any width, spacing or grouping of a number still reads the same."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.ingest.normalize import normalize_text, parse_number, to_wan

FULLWIDTH = {ch: chr(ord(ch) + 0xFEE0) for ch in "0123456789.%"}

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)


def _grouped(value: Decimal) -> str:
    return f"{value:,.2f}"


@settings(max_examples=300, deadline=None)
@given(amounts, st.booleans(), st.booleans(), st.sampled_from(["", " ", "\u3000", "\u00a0"]))
def test_an_amount_reads_the_same_in_any_width_grouping_and_spacing(value, fullwidth, grouped, space):
    text = _grouped(value) if grouped else f"{value:.2f}"
    if fullwidth:
        text = "".join(FULLWIDTH.get(ch, ch) for ch in text)
    sentence = f"全年预算数{text}{space}万元，执行率95%"
    assert parse_number(sentence) == float(value)
    assert "万元" in normalize_text(sentence)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2), st.sampled_from([" ", "\u3000"]))
def test_a_space_after_the_decimal_point_is_closed_up(value, space):
    whole, fraction = f"{value:.2f}".split(".")
    assert parse_number(f"执行率{whole}.{space}{fraction}%") == float(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**10))
def test_yuan_and_wan_agree(yuan):
    assert abs(to_wan(float(yuan), "元") - yuan / 10000) < 1e-6
    assert to_wan(float(yuan), "万元") == float(yuan)
