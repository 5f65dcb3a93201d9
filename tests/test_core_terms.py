"""Payment terms (pyxl.core.terms): wording and due dates at the edges, pinned."""

from __future__ import annotations

import datetime as dt

import pytest

from pyxl.core import terms
from pyxl.core.terms import Terms

day = dt.date


def test_zero_days_end_of_month_is_not_cash() -> None:
    """« 0 jours fin de mois » is due at the end of the invoice's month: printing « comptant » would
    tell the client to pay on receipt."""
    t = Terms(0, True)
    assert t.text == "0 jours fin de mois"
    assert terms.parse(t.text) == t
    assert terms.describe(t) == "0 jours fin de mois (date de facture + 0 jours, puis fin de mois)"
    assert terms.due_date(day(2026, 6, 10), t) == day(2026, 6, 30)
    assert Terms(0, False).text == "comptant"


def test_cash_is_due_on_the_invoice_date() -> None:
    assert terms.due_date(day(2026, 6, 10), terms.parse("comptant")) == day(2026, 6, 10)
    assert terms.parse("  comptant ") == Terms(0, False)


@pytest.mark.parametrize("text", ["", "   ", "comptant fin de mois", "1000 jours nets", "30 jours"])
def test_parse_refuses_with_the_text_quoted(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        terms.parse(text)
    assert str(exc.value) == f"conditions de paiement non reconnues : {text!r}"


def test_default_method_is_a() -> None:
    """Method A (date + N, then end of month) unless B was agreed: 15/01/2026 at 30 days EOM → 28/02."""
    t = terms.parse("30 jours fin de mois")
    assert terms.due_date(day(2026, 1, 15), t) == day(2026, 2, 28)
    assert terms.due_date(day(2026, 1, 15), t, "B") == day(2026, 3, 2)
    assert terms.describe(t) == "30 jours fin de mois (date de facture + 30 jours, puis fin de mois)"
