"""money.euros is babel's fr_FR currency format, written out for speed: checked against babel."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.money import euros


@given(st.decimals(min_value=Decimal("-99999999999.99"), max_value=Decimal("99999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_euros_is_babels_french_format(value: Decimal) -> None:
    assert euros(value) == format_currency(value, "EUR", locale="fr_FR")


def test_edges() -> None:
    assert euros(Decimal("-0.00")) == "0,00\xa0€"  # babel writes « -0,00 € »: a zero has no sign here
    for text in ("0", "0.00", "0.01", "-0.01", "999.99", "1000", "-1000", "1234567.5", "3221.29",
                 "100000", "999999.995"):
        value = Decimal(text)
        assert euros(value) == format_currency(value, "EUR", locale="fr_FR"), text
    assert euros(None) == ""
