"""Money (pyxl.core.money): the one rounding rule and the one parser of amounts, pinned.

Rounding is half-up to the cent (never banker's rounding): 0,125 → 0,13, −0,125 → −0,13.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pyxl.core.money import AmountError, from_cell, json_amount, parse_decimal, to_cents

D = Decimal


@pytest.mark.parametrize(("value", "cents"), [
    ("0.125", "0.13"), ("0.135", "0.14"), ("2.675", "2.68"), ("1.005", "1.01"), ("182.875", "182.88"),
    ("-0.125", "-0.13"), ("0.124999", "0.12"), ("7", "7.00"), ("0.1", "0.10"),
])
def test_to_cents_rounds_half_up(value: str, cents: str) -> None:
    rounded = to_cents(D(value))
    assert str(rounded) == cents


@pytest.mark.parametrize(("text", "value"), [
    ("3221,29", "3221.29"), ("3221.29", "3221.29"), ("3 221,29", "3221.29"), ("3\u202f221,29", "3221.29"),
    ("3\xa0221,29\xa0€", "3221.29"), ("1 234,50 €", "1234.50"), ("-12,5", "-12.5"), ("+7", "7"),
    (" 42 ", "42"), ("1,230", "1.230"),  # trailing zeros are not decimals
])
def test_parse_typed_amounts(text: str, value: str) -> None:
    assert parse_decimal(text) == D(value)


def test_parse_numbers_from_the_workbook() -> None:
    """Integers as they are; floats through their shortest repr (0.1 is 0.1, not 0.1000000000000000055…)."""
    assert parse_decimal(1234) == D(1234) and isinstance(parse_decimal(1234), Decimal)
    assert parse_decimal(-5) == D(-5)
    assert str(parse_decimal(0.1)) == "0.1"
    assert str(parse_decimal(3221.29)) == "3221.29"
    assert parse_decimal(D("12.50")) == D("12.50")


@pytest.mark.parametrize(("value", "message"), [
    (True, "une valeur oui/non n'est pas un montant"),
    (False, "une valeur oui/non n'est pas un montant"),
    (float("nan"), "valeur numérique invalide"),
    (float("inf"), "valeur numérique invalide"),
    (float("-inf"), "valeur numérique invalide"),
    (D("NaN"), "valeur numérique invalide"),
    (D("Infinity"), "valeur numérique invalide"),
    ("douze", "« douze » n'est pas un nombre (exemple : 1234,50)"),
    ("1,2,3", "« 1,2,3 » n'est pas un nombre (exemple : 1234,50)"),
    ("", "«  » n'est pas un nombre (exemple : 1234,50)"),
    ("12,345", "« 12,345 » a plus de 2 décimales"),
    (0.125, "« 0.125 » a plus de 2 décimales"),
])
def test_parse_refuses_in_french(value: object, message: str) -> None:
    with pytest.raises(AmountError) as exc:
        parse_decimal(value)  # type: ignore[arg-type]
    assert str(exc.value) == message


def test_parse_max_places() -> None:
    assert parse_decimal("1,5", max_places=1) == D("1.5")
    with pytest.raises(AmountError, match="a plus de 1 décimales"):
        parse_decimal("1,25", max_places=1)
    assert parse_decimal("0,123456", max_places=None) == D("0.123456")


def test_from_cell_rounds_what_the_workbook_holds() -> None:
    """An empty cell is no amount; anything else is rounded half-up to the cent, whatever its places
    (a formula in the workbook may leave 12,345 → 12,35; 0,1 + 0,2 in binary → 0,30)."""
    assert from_cell(None) is None
    assert from_cell("") is None
    assert str(from_cell(0)) == "0.00"
    assert from_cell(0.1 + 0.2) == D("0.30")
    assert from_cell("12,345") == D("12.35")
    assert from_cell(1234.5) == D("1234.50")


def test_json_amount_has_two_decimals() -> None:
    assert json_amount(D("1234.5")) == "1234.50"
    assert json_amount(D("0.125")) == "0.13"
    assert json_amount(D("-3")) == "-3.00"
