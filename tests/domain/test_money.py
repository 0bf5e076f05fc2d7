from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kassa.domain.money import div_half_up, format_amount, line_total, parse_amount


def test_half_up_rounding() -> None:
    assert div_half_up(5, 10) == 1
    assert div_half_up(4, 10) == 0
    assert div_half_up(-5, 10) == -1
    assert div_half_up(15, 10) == 2


@given(st.integers(-10**12, 10**12), st.integers(1, 10**6))
def test_half_up_is_within_half_a_unit(numerator: int, denominator: int) -> None:
    result = div_half_up(numerator, denominator)
    assert abs(result * denominator - numerator) * 2 <= denominator


def test_line_total_of_weighted_goods() -> None:
    assert line_total(3990, 375) == 1496  # 0.375 kg at 39.90 = 14.9625
    assert line_total(21900, 3000) == 65700


@pytest.mark.parametrize(
    ("text", "minor"),
    [("150", 15000), ("150.5", 15050), ("150,50", 15050), (" 1 000.00 ", 100000), (".5", 50)],
)
def test_parse_amount(text: str, minor: int) -> None:
    assert parse_amount(text) == minor


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "1.2.3", "12a"])
def test_parse_amount_rejects_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(text)


@given(st.integers(0, 10**12))
def test_format_then_parse_round_trips(minor: int) -> None:
    assert parse_amount(format_amount(minor)) == minor
