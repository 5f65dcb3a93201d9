"""Core rules of the legal corrections (issue 13), pinned in fast unit tests (the mutation oracle):
the VAT rate of the completion date with the LF 2025 transition, the penalty clause stored with
each invoice and the L441-10 II floor (three times the legal rate)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pyxl.core import interest as it
from pyxl.core import vat

D = Decimal
day = dt.date
NBSP = "\xa0"
RULES = vat.default_rules()


def rate(category: str, quote: dt.date, done: dt.date, accepted: dt.date | None, deposit: dt.date | None,
         nature: str = "Remplacement", housing: str = "Oui") -> Decimal | None:
    r = vat.rate_at_completion(RULES, nature, category, housing, quote, done, accepted, deposit)
    return r.rate if r else None


# --------------------------------------------------------------------------- VAT at completion (CGI 269-1-a)
@pytest.mark.parametrize("accepted, deposit, expected", [
    # the example: quoted at 5,5 % on 10/12/2024, accepted, no deposit, done 10/04/2025 → 20 %
    (day(2024, 12, 12), None, "20"),
    # accepted and a deposit received before both steps: 5,5 % kept through 1/1 and 1/3/2025
    (day(2024, 12, 12), day(2024, 12, 20), "5.5"),
    # the deposit arrives between the steps: 10 % from 1/1/2025, kept through 1/3/2025
    (day(2024, 12, 12), day(2025, 1, 15), "10"),
    # received ON a step's day is not before it: that step applies
    (day(2024, 12, 12), day(2025, 1, 1), "10"),
    (day(2024, 12, 12), day(2025, 3, 1), "20"),
    # accepted on the first step's day (a deposit before): that step applies, the second one is kept
    (day(2025, 1, 1), day(2024, 12, 20), "10"),
    # accepted on the second step's day: both steps apply
    (day(2025, 3, 1), day(2024, 12, 20), "20"),
    # a deposit without an acceptance keeps nothing
    (None, day(2024, 12, 20), "20"),
])
def test_a_thpe_boiler_quoted_in_2024_takes_the_rate_of_its_completion(accepted, deposit, expected) -> None:
    assert rate("Chaudière THPE", day(2024, 12, 10), day(2025, 4, 10), accepted, deposit) == D(expected)


def test_completion_before_a_step_keeps_the_quotes_rate() -> None:
    assert rate("Chaudière THPE", day(2024, 12, 10), day(2024, 12, 31), None, None) == D("5.5")
    assert rate("Chaudière THPE", day(2024, 12, 10), day(2025, 1, 1), None, None) == D("10")
    assert rate("Chaudière THPE", day(2024, 12, 10), day(2025, 2, 28), None, None) == D("10")
    assert rate("Chaudière THPE", day(2024, 12, 10), day(2025, 3, 1), None, None) == D("20")


def test_a_completion_dated_on_or_before_the_quote_takes_the_quotes_rule() -> None:
    assert rate("Chaudière THPE", day(2024, 12, 10), day(2024, 12, 10), None, None) == D("5.5")
    assert rate("Chaudière THPE", day(2025, 1, 10), day(2024, 12, 31), None, None) == D("10")


def test_a_gas_boiler_quoted_at_10_percent_before_march_2025() -> None:
    quote = day(2025, 2, 15)
    assert rate("Chaudière gaz", quote, day(2025, 2, 28), day(2025, 2, 16), None) == D("10")
    assert rate("Chaudière gaz", quote, day(2025, 3, 10), day(2025, 2, 16), None) == D("20")
    assert rate("Chaudière gaz", quote, day(2025, 3, 10), day(2025, 2, 16), day(2025, 2, 20)) == D("10")
    assert rate("Chaudière gaz", quote, day(2025, 3, 10), day(2025, 2, 16), day(2025, 2, 28)) == D("10")
    # repairs are not supply and installation: 10 % throughout, no step
    assert rate("Chaudière gaz", quote, day(2025, 3, 10), None, None, nature="Dépannage") == D("10")
    # new housing: 20 % throughout
    assert rate("Chaudière gaz", quote, day(2025, 3, 10), None, None, housing="Non") == D("20")


def test_a_rule_change_without_a_rate_change_takes_the_new_rule() -> None:
    quote, done = day(2025, 2, 15), day(2025, 3, 10)
    r = vat.rate_at_completion(RULES, "Remplacement", "Chaudière THPE", "Oui", quote, done, None, None)
    assert r is not None and r.rate == D("20") and r.valid_from == day(2025, 3, 1)
    custom = [vat.Rule("*", "*", "*", D("20"), "a"), vat.Rule("*", "Radiateur", "*", D("20"), "b", day(2026, 1, 1))]
    r = vat.rate_at_completion(custom, "Remplacement", "Radiateur", "Oui", day(2025, 12, 1), day(2026, 2, 1), None,
                               None)
    assert r is not None and r.basis == "b"


def test_a_step_with_no_rule_left_keeps_the_rule_in_force() -> None:
    only = [vat.Rule("*", "Radiateur", "*", D("10"), "a", None, day(2025, 12, 31))]
    r = vat.rate_at_completion(only, "Remplacement", "Radiateur", "Oui", day(2025, 12, 1), day(2026, 2, 1), None, None)
    assert r is not None and r.basis == "a"


def test_which_rules_keep_the_old_rate() -> None:
    kept = sorted((r.category, r.rate, r.valid_from) for r in RULES if r.keeps_old)
    boilers = ("Chaudière fioul", "Chaudière gaz", "Chaudière THPE")
    assert kept == sorted([(c, D("20"), day(2025, 3, 1)) for c in boilers for _ in range(2)]
                          + [("Chaudière THPE", D("10"), day(2025, 1, 1))] * 2)
    assert vat.keeps_old_rate("Chaudière gaz", day(2025, 3, 1)) is True
    assert vat.keeps_old_rate("Chaudière gaz", day(2025, 3, 2)) is False
    assert vat.keeps_old_rate("PAC air/eau", day(2025, 3, 1)) is False
    assert vat.keeps_old_rate("Chaudière THPE", None) is False


# --------------------------------------------------------------------------- the penalty clause (L441-10)
def tables() -> it.RateTables:
    return it.RateTables(
        legal_rates=(it.LegalRate("2026-S1", D("6.67"), D("2.62")), it.LegalRate("2026-S2", D("6.84"), D("2.75")),
                     it.LegalRate("2027-S1", D("6.90"), D("4.10"))),
        penalty_rates=(it.PenaltyRate("2026-S1", D("2.15"), D("12.15"), D("7.86")),))


def test_the_floor_is_three_times_the_legal_rate_of_the_half_year() -> None:
    t = tables()
    assert it.floor_of(t, "2026-S1") == D("7.86")  # the penalty table's own floor first
    assert it.floor_of(t, "2026-S2") == D("8.25")  # else 3 × 2,75
    assert it.floor_of(t, "2025-S2") is None


def test_later_half_years_whose_floor_rises_above_a_contractual_rate() -> None:
    t = tables()
    assert it.later_floors_above(D("8"), t, day(2026, 3, 1)) == [("2026-S2", D("8.25")), ("2027-S1", D("12.30"))]
    assert it.later_floors_above(D("8.25"), t, day(2026, 3, 1)) == [("2027-S1", D("12.30"))]
    assert it.later_floors_above(D("8"), t, day(2026, 7, 1)) == [("2027-S1", D("12.30"))]
    assert it.later_floors_above(D("13"), t, day(2026, 3, 1)) == []


@pytest.mark.parametrize("text, expected", [
    ("", (None, "")), (None, (None, "")), ("  ", (None, "")),
    ("3x", (it.THREE_TIMES_LEGAL, "")), ("3 fois le taux légal", (it.THREE_TIMES_LEGAL, "")),
    ("3 × taux d'intérêt légal", (it.THREE_TIMES_LEGAL, "")), ("3 fois le taux d’intérêt légal", (it.THREE_TIMES_LEGAL, "")),
    ("12,5", (D("12.5"), "")), ("12.50 %", (D("12.50"), "")), ("0", (D("0"), "")), ("100", (D("100"), "")),
])
def test_the_contractual_rate_parameter_is_read(text, expected) -> None:
    assert it.read_contractual_rate(text) == expected


@pytest.mark.parametrize("text", ["abc", "100,01", "-1", "12,5,1", "NaN", "Infinity"])
def test_an_unreadable_contractual_rate_falls_back_to_the_ecb_clause_with_a_warning(text) -> None:
    value, warning = it.read_contractual_rate(text)
    assert value is None
    assert warning.startswith(f"Le paramètre « Taux contractuel des pénalités » vaut « {text} », illisible")
    assert "BCE + 10" in warning


def test_the_clause_stored_with_an_invoice_reads_back() -> None:
    for r in (None, it.THREE_TIMES_LEGAL, D("12.5"), D("12.15"), D("100"), D("0")):
        assert it.clause_rate(it.clause_text(r)) == (r, True)
        assert it.clause_rate(it.clause_text(r) + it.REBUILT) == (r, True)
    assert it.clause_text(None) == "BCE + 10 points"
    assert it.clause_text(it.THREE_TIMES_LEGAL) == "3 × taux légal"
    assert it.clause_text(D("12.5")) == f"12,50{NBSP}%"
    assert it.clause_rate("12,50 %") == (D("12.50"), True)
    assert it.clause_rate("12,50\u202f%") == (D("12.50"), True)


@pytest.mark.parametrize("text", ["n'importe quoi", "100,5 %", "-2 %", "NaN %"])
def test_an_unreadable_stored_clause_says_so(text) -> None:
    assert it.clause_rate(text) == (None, False)
