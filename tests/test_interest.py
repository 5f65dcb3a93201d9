"""Late-payment interest (pyxl.core.interest): the worked examples of README-taux.md, reproduced
exactly, and the cases the README warns about (2024 floor, half-year change, missing row)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pyxl.core import interest as it
from pyxl.services import dunning_rates

D = Decimal


@pytest.fixture(scope="module")
def tables() -> it.RateTables:
    """The tables shipped in the package (copied from the sourced CSV files)."""
    return dunning_rates.shipped_tables()


def test_half_year() -> None:
    assert it.half_year(dt.date(2026, 6, 30)) == "2026-S1"
    assert it.half_year(dt.date(2026, 7, 1)) == "2026-S2"
    assert it.half_bounds("2024-S2") == (dt.date(2024, 7, 1), dt.date(2024, 12, 31))


def test_readme_business_example(tables: it.RateTables) -> None:
    """1 000,00 € TTC due 15/06/2026, paid 15/07/2026, no rate in the CGV: 10,09 € + 40 €."""
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(dt.date(2026, 7, 15), D("1000.00")),)),
                   tables, as_of=dt.date(2026, 11, 27))
    assert [(s.start, s.end, s.days, s.base, s.rate) for s in r.spans] == [
        (dt.date(2026, 6, 16), dt.date(2026, 6, 30), 15, D("1000.00"), D("12.15")),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 15), 15, D("1000.00"), D("12.40")),
    ]
    assert [s.interest for s in r.spans] == [D("4.99"), D("5.10")]
    assert r.interest == D("10.09")
    assert r.indemnity == D("40")
    assert r.total == D("50.09")
    assert r.days_late == 30
    assert r.held_back == ()


def test_readme_consumer_example(tables: it.RateTables) -> None:
    """Same invoice, consumer, formal notice received 25/06/2026, paid 15/07/2026: 1,49 €, never 40 €."""
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=False,
                            notice_received=dt.date(2026, 6, 25),
                            movements=(it.Movement(dt.date(2026, 7, 15), D("1000.00")),)),
                   tables, as_of=dt.date(2026, 11, 27))
    assert [(s.start, s.end, s.days, s.rate) for s in r.spans] == [
        (dt.date(2026, 6, 26), dt.date(2026, 6, 30), 5, D("2.62")),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 15), 15, D("2.75")),
    ]
    assert [s.interest for s in r.spans] == [D("0.36"), D("1.13")]
    assert r.interest == D("1.49")
    assert r.indemnity == D("0")
    assert all(s.floor is None for s in r.spans)  # the 3 × floor is a business matter


def test_consumer_without_received_notice_gets_nothing_and_a_question(tables: it.RateTables) -> None:
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=False),
                   tables, as_of=dt.date(2026, 7, 15))
    assert r.interest == D("0.00") and r.indemnity == D("0") and r.spans == ()
    assert r.days_late == 30
    assert any("réception de la mise en demeure" in w for w in r.warnings)


def test_2024_floor_beside_a_contractual_rate(tables: it.RateTables) -> None:
    """A contractual 10 % in 2024-S1 is below 3 × 5,07 = 15,21 %: applied as agreed, the floor is
    shown beside it and the anomaly is reported — never corrected silently."""
    r = it.compute(it.Claim(due=dt.date(2024, 3, 31), amount=D("2000.00"), business=True,
                            contractual_rate=D("10"),
                            movements=(it.Movement(dt.date(2024, 4, 30), D("2000.00")),)),
                   tables, as_of=dt.date(2024, 12, 31))
    (s,) = r.spans
    assert (s.days, s.rate, s.floor, s.rate_kind) == (30, D("10"), D("15.21"), "contractuel")
    assert r.interest == D("16.44")  # 2000 × 10 % × 30 / 365 = 16,438…
    assert any("15,21" in w and "inférieur" in w for w in r.warnings)


def test_2024_floor_beside_the_default_rate(tables: it.RateTables) -> None:
    """2024-S2: BCE + 10 = 14,25 % applied, 3 × legal rate = 14,76 % shown beside it (README §4)."""
    r = it.compute(it.Claim(due=dt.date(2024, 9, 30), amount=D("1000.00"), business=True),
                   tables, as_of=dt.date(2024, 10, 30))
    (s,) = r.spans
    assert (s.rate, s.floor, s.rate_kind) == (D("14.25"), D("14.76"), "BCE + 10 points")
    assert r.interest == D("11.71")  # 1000 × 14,25 % × 30 / 365 = 11,712…
    assert any("14,76" in w for w in r.warnings)


def test_no_floor_shown_when_it_is_lower(tables: it.RateTables) -> None:
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True),
                   tables, as_of=dt.date(2026, 6, 20))
    assert r.spans[0].floor is None and r.warnings == ()


def test_half_year_change_with_a_partial_payment(tables: it.RateTables) -> None:
    """2 000 € due 20/06/2025, 500 € paid on 30/06 (base lowered from 01/07), the rest on 10/07."""
    r = it.compute(it.Claim(due=dt.date(2025, 6, 20), amount=D("2000.00"), business=True,
                            movements=(it.Movement(dt.date(2025, 6, 30), D("500.00")),
                                       it.Movement(dt.date(2025, 7, 10), D("1500.00")))),
                   tables, as_of=dt.date(2025, 12, 1))
    assert [(s.start, s.end, s.base, s.rate) for s in r.spans] == [
        (dt.date(2025, 6, 21), dt.date(2025, 6, 30), D("2000.00"), D("13.15")),
        (dt.date(2025, 7, 1), dt.date(2025, 7, 10), D("1500.00"), D("12.15")),
    ]
    # 2000 × 13,15 × 10 / 36500 + 1500 × 12,15 × 10 / 36500 = 7,2055 + 4,9932 = 12,1986…
    assert r.interest == D("12.20")
    assert r.owed == D("0.00")


def test_credit_note_lowers_the_base_from_the_next_day(tables: it.RateTables) -> None:
    r = it.compute(it.Claim(due=dt.date(2026, 7, 31), amount=D("1000.00"), business=True,
                            movements=(it.Movement(dt.date(2026, 8, 10), D("400.00")),)),
                   tables, as_of=dt.date(2026, 8, 20))
    assert [(s.days, s.base) for s in r.spans] == [(10, D("1000.00")), (10, D("600.00"))]
    assert r.owed == D("600.00")


def test_refund_raises_the_base_again(tables: it.RateTables) -> None:
    """A real refund (money given back to the client, not a reversed payment) is a dated negative
    movement: the base goes back up from the next day. Reversed payments never reach the engine:
    the service drops them together with their reversal (tests/test_dunning.py)."""
    r = it.compute(it.Claim(due=dt.date(2026, 7, 31), amount=D("1000.00"), business=True,
                            movements=(it.Movement(dt.date(2026, 8, 5), D("1000.00")),
                                       it.Movement(dt.date(2026, 8, 10), D("-1000.00")))),
                   tables, as_of=dt.date(2026, 8, 20))
    assert [(s.start, s.end, s.base) for s in r.spans] == [
        (dt.date(2026, 8, 1), dt.date(2026, 8, 5), D("1000.00")),
        (dt.date(2026, 8, 11), dt.date(2026, 8, 20), D("1000.00")),
    ]


def test_paid_on_time_owes_nothing(tables: it.RateTables) -> None:
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(dt.date(2026, 6, 15), D("1000.00")),)),
                   tables, as_of=dt.date(2026, 8, 1))
    assert (r.interest, r.indemnity, r.days_late) == (D("0.00"), D("0"), 0)


def test_not_yet_due_and_boundary_day(tables: it.RateTables) -> None:
    claim = it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True)
    assert it.compute(claim, tables, as_of=dt.date(2026, 6, 15)).indemnity == D("0")
    first = it.compute(claim, tables, as_of=dt.date(2026, 6, 16))
    assert (first.days_late, first.indemnity, first.interest) == (1, D("40"), D("0.33"))


def test_collective_procedure_stops_interest_at_the_judgment(tables: it.RateTables) -> None:
    """Review 4 (L622-28 C. com.): the opening judgment stops the penalties from its day; the 40 €
    stays due when the due date came before the judgment (the invoice was late already)."""
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True,
                            collective_since=dt.date(2026, 7, 1)), tables, as_of=dt.date(2026, 7, 15))
    assert [(s.start, s.end) for s in r.spans] == [(dt.date(2026, 6, 16), dt.date(2026, 6, 30))]
    full = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True),
                      tables, as_of=dt.date(2026, 6, 30))
    assert r.interest == full.interest and r.interest < D("10.09")
    assert r.indemnity == D("40") and r.days_late == 30


def test_collective_procedure_before_the_due_date_has_no_indemnity(tables: it.RateTables) -> None:
    """Due after the judgment: the procedure forbids paying it at its due date — no day late
    bears penalties and the 40 € is not due."""
    r = it.compute(it.Claim(due=dt.date(2026, 6, 15), amount=D("1000.00"), business=True,
                            collective_since=dt.date(2026, 6, 1)), tables, as_of=dt.date(2026, 7, 15))
    assert (r.interest, r.indemnity, r.spans) == (D("0.00"), D("0"), ())


def test_missing_row_holds_back_only_its_days(tables: it.RateTables) -> None:
    """No 2027-S1 row: the December days are computed, the January days are held back with a
    French warning asking for the row; nothing is guessed and nothing is blocked."""
    r = it.compute(it.Claim(due=dt.date(2026, 12, 20), amount=D("1000.00"), business=True),
                   tables, as_of=dt.date(2027, 1, 10))
    assert [(s.start, s.end, s.days) for s in r.spans] == [(dt.date(2026, 12, 21), dt.date(2026, 12, 31), 11)]
    assert r.interest == D("3.74")  # 1000 × 12,40 × 11 / 36500 = 3,737…
    (held,) = r.held_back
    assert (held.half, held.start, held.end, held.days) == ("2027-S1", dt.date(2027, 1, 1), dt.date(2027, 1, 10), 10)
    assert any("2027-S1" in w and "syc taux ajouter" in w for w in r.warnings)
    assert r.indemnity == D("40")


def test_the_365_day_year_in_a_leap_year(tables: it.RateTables) -> None:
    r = it.compute(it.Claim(due=dt.date(2024, 1, 31), amount=D("36500.00"), business=True),
                   tables, as_of=dt.date(2024, 3, 1))  # 29 Feb counted, divisor stays 365
    assert r.days_late == 30 and r.interest == D("435.00")  # 36500 × 14,50 % × 30 / 365


def test_rates_table_lookup(tables: it.RateTables) -> None:
    assert tables.penalty("2026-S2").default == D("12.40")
    assert tables.legal("2026-S1").other == D("2.62")
    assert tables.penalty("2031-S1") is None


def test_contractual_three_times_the_legal_rate(tables: it.RateTables) -> None:
    """Review 11 (README-taux step 2): a contractual rate written « 3 fois le taux d'intérêt légal »
    is the floor column of each day's half-year (2024-S1: 15,21 %)."""
    r = it.compute(it.Claim(due=dt.date(2024, 1, 31), amount=D("36500.00"), business=True,
                            contractual_rate=it.THREE_TIMES_LEGAL), tables, as_of=dt.date(2024, 3, 1))
    assert [(s.rate, s.rate_kind, s.floor) for s in r.spans] == [(D("15.21"), "3 × taux légal (contractuel)", None)]
    assert r.interest == D("456.30")  # 36500 × 15,21 % × 30 / 365
