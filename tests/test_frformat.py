"""The French formats, one place (pyxl.core.frformat): expected strings written by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pyxl.core import frformat as fr

NBSP, NNBSP = "\xa0", "\u202f"


def test_short_dates():
    assert fr.date_fr(dt.date(2026, 12, 5)) == "05/12/2026"
    assert fr.date_fr(dt.datetime(2026, 1, 31, 23, 59)) == "31/01/2026"
    assert fr.date_fr(None) == ""
    assert fr.date_fr(None, "?") == "?"


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 12, 5), "5 décembre 2026"),
    (dt.date(2026, 6, 1), "1er juin 2026"),
    (dt.date(2027, 2, 28), "28 février 2027"),
    (dt.date(2026, 8, 15), "15 août 2026"),
    (dt.date(2026, 1, 1), "1er janvier 2026"),
])
def test_long_dates(day, text):
    assert fr.long_date(day) == text


def test_long_date_without_a_day():
    assert fr.long_date(None) == ""


def test_percentages_keep_the_space_each_output_uses():
    assert fr.percent(Decimal("5.5")) == f"5,5{NBSP}%"
    assert fr.percent(Decimal("20.00")) == f"20{NBSP}%"
    assert fr.percent(Decimal("10")) == f"10{NBSP}%"
    assert fr.percent(Decimal("0")) == f"0{NBSP}%"
    assert fr.percent(Decimal("5.5"), sep=fr.SPACE) == "5,5 %"
    assert fr.percent(None) == ""
    # reports: one decimal, narrow no-break space, a dash without a value
    assert fr.percent(Decimal("68.25"), places=1, sep=NNBSP, empty="—") == f"68,2{NNBSP}%"
    assert fr.percent(Decimal("100"), places=1, sep=NNBSP) == f"100,0{NNBSP}%"
    assert fr.percent(None, places=1, empty="—") == "—"


def test_interest_rates_have_two_decimals_at_least():
    assert fr.interest_rate(Decimal("14.5")) == f"14,50{NBSP}%"
    assert fr.interest_rate(Decimal("2.75")) == f"2,75{NBSP}%"
    assert fr.interest_rate(Decimal("10")) == f"10,00{NBSP}%"
    assert fr.interest_rate(Decimal("3.125")) == f"3,125{NBSP}%"
    assert fr.interest_rate(Decimal("1E+1")) == f"10,00{NBSP}%"


def test_quantities_and_numbers():
    assert fr.quantity(Decimal("2.50")) == "2,5"
    assert fr.quantity(Decimal("3")) == "3"
    assert fr.quantity(Decimal("0.25")) == "0,25"
    assert fr.quantity(Decimal("100")) == "100"
    assert fr.quantity(None) == ""
    assert fr.decimal_fr(Decimal("1000.50")) == "1000,50"
    assert fr.decimal_fr(12.345, 1) == "12,3"
    assert fr.decimal_fr(Decimal("1.25"), 1) == "1,2"  # Decimal formatting: half-even, as before


def test_euros_is_the_money_modules():
    from pyxl.core import money

    assert fr.euros is money.euros
    assert fr.euros(Decimal("3221.29")) == f"3{NNBSP}221,29{NBSP}€"
    assert fr.euros(None) == ""


def test_plurals():
    assert fr.plural(0, "client") == "0 client"
    assert fr.plural(1, "pièce") == "1 pièce"
    assert fr.plural(2, "pièce", "pièces") == "2 pièces"
    assert fr.plural(3, "client") == "3 clients"
    assert fr.plural(14, "devis") == "14 devis"
    assert fr.plural(2, "prix") == "2 prix"
    assert fr.plural(2, "travail", "travaux") == "2 travaux"
