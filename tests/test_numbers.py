"""Amounts and percents are read the way Ukrainian offices write them, into Decimal, never float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zvit.formatting import number
from zvit.normalize.numbers import NumberError, parse_number


@pytest.mark.parametrize(("text", "value", "is_percent", "note"), [
    ("249 000,00", Decimal("249000.00"), False, None),
    ("2 080 000, 00", Decimal("2080000.00"), False, None),
    ("00,0", Decimal("0.0"), False, None),
    ("0", Decimal("0"), False, None),
    ("35\u00a0933,84", Decimal("35933.84"), False, None),
    ("1\u202f234,5", Decimal("1234.5"), False, None),
    ("51,88%", Decimal("51.88"), True, None),
    ("16,50 %", Decimal("16.50"), True, None),
    ("1.234,56", Decimal("1234.56"), False, None),
    ("12.5", Decimal("12.5"), False, None),
    ("35.934", Decimal("35.934"), False, None),
    ("1.234.567", Decimal("1234567"), False, None),
    ("Всього: 513 537,84", Decimal("513537.84"), False, None),
    ("64% Нагороджено 64 особи", Decimal("64"), True, "Нагороджено 64 особи"),
    ("402,70 відповідно до рішення міської ради від 23.09.2022 № 279. Попередня сума 202,70",
     Decimal("402.70"), False, "відповідно до рішення міської ради від 23.09.2022 № 279. Попередня сума 202,70"),
    ("-", Decimal("0"), False, None),
])
def test_numbers_as_offices_write_them(text: str, value: Decimal, is_percent: bool, note: str | None) -> None:
    amount = parse_number(text)
    assert amount is not None
    assert (amount.value, amount.is_percent, amount.note) == (value, is_percent, note)
    assert isinstance(amount.value, Decimal)


@pytest.mark.parametrize("text", ["", "   ", None, "Всього:"])
def test_empty_cells_have_no_number(text: str | None) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["сто гривень", "Попередня сума 202,70", "5, 6", "n/a"])
def test_text_that_does_not_start_with_a_number_is_an_error(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


def test_ukrainian_format_uses_no_break_spaces_and_a_decimal_comma() -> None:
    assert number(Decimal("2080000")) == "2\u00a0080\u00a0000,00"
    assert number(Decimal("-35933.845")) == "-35\u00a0933,85"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_formatting_the_ukrainian_way_and_reading_back_gives_the_value(value: Decimal) -> None:
    amount = parse_number(number(value))
    assert amount is not None and amount.value == value


@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_our_own_error(text: str) -> None:
    try:
        parse_number(text)
    except NumberError:
        pass
