"""Late-payment interest (pyxl.core.interest): the legal edge cases a mutation run showed unpinned.

Each test names the rule it protects (README-taux.md, domain.md) and computes its oracle by hand.
The rate tables are written out below (the values of the shipped CSV files), so the tests are pure
and a row can be removed to check what a missing half-year does. Amounts of 36 500,00 € make the
arithmetic readable: 36 500 × rate % × days / 365 = rate × days, in euros.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pyxl.core import interest as it
from pyxl.core.frformat import interest_rate
from pyxl.core.money import json_amount

D = Decimal
day = dt.date
NBSP, NNBSP = "\xa0", "\u202f"

# half-year: (ECB reference, default = ECB + 10, floor = 3 × legal « autres cas »)
PENALTY = {
    "2024-S1": ("4.50", "14.50", "15.21"), "2024-S2": ("4.25", "14.25", "14.76"),
    "2025-S1": ("3.15", "13.15", "11.13"), "2025-S2": ("2.15", "12.15", "8.28"),
    "2026-S1": ("2.15", "12.15", "7.86"), "2026-S2": ("2.40", "12.40", "8.25"),
}
# half-year: (creditor a private person, « tous les autres cas »)
LEGAL = {
    "2024-S1": ("8.01", "5.07"), "2024-S2": ("8.16", "4.92"), "2025-S1": ("7.21", "3.71"),
    "2025-S2": ("6.65", "2.76"), "2026-S1": ("6.67", "2.62"), "2026-S2": ("6.84", "2.75"),
}


def tables(*, no_penalty: tuple[str, ...] = (), no_legal: tuple[str, ...] = ()) -> it.RateTables:
    return it.RateTables(
        legal_rates=tuple(it.LegalRate(h, D(p), D(o)) for h, (p, o) in LEGAL.items() if h not in no_legal),
        penalty_rates=tuple(it.PenaltyRate(h, D(e), D(d), D(f)) for h, (e, d, f) in PENALTY.items()
                            if h not in no_penalty))


FULL = tables()


def spans(r: it.Interest) -> list[tuple[dt.date, dt.date, int, Decimal, Decimal]]:
    return [(s.start, s.end, s.days, s.base, s.rate) for s in r.spans]


def held(r: it.Interest) -> list[tuple[str, dt.date, dt.date, int]]:
    return [(h.half, h.start, h.end, h.days) for h in r.held_back]


def held_warning(half: str, table: str, first: str, last: str, days: str) -> str:
    return (f"Taux du semestre {half} absent de la feuille « {table} » : les intérêts du {first} au {last} "
            f"({days}) ne sont pas comptés. Ajoutez la ligne dès la publication du taux : "
            f"syc taux ajouter {half} …")


# --------------------------------------------------------------------------- half-years
def test_half_bounds_of_each_half_year() -> None:
    """`syc taux ajouter 2027-S1` dates its row with the first half-year: 1 January – 30 June."""
    assert it.half_bounds("2027-S1") == (day(2027, 1, 1), day(2027, 6, 30))
    assert it.half_bounds("2026-S2") == (day(2026, 7, 1), day(2026, 12, 31))


@pytest.mark.parametrize("text", ["2026-S3", "2026-T1", "2026-S12", "2026-SX", "2026S1x"])
def test_half_bounds_refuses_what_is_not_a_half_year(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        it.half_bounds(text)
    assert str(exc.value) == f"semestre invalide : {text!r}"


def test_fmt_rate_prints_at_least_two_decimals_and_never_drops_one() -> None:
    """Rates are printed as the arrêtés print them: « 12,15 % », « 10,00 % », and an agreed
    « 2,125 % » is not rounded away."""
    assert interest_rate(D("12.15")) == f"12,15{NBSP}%"
    assert interest_rate(D("10")) == f"10,00{NBSP}%"
    assert interest_rate(D("2.125")) == f"2,125{NBSP}%"


# --------------------------------------------------------------------------- days and base
def test_first_of_july_is_charged_at_the_second_half_years_rate() -> None:
    """Each day bears the rate of the half-year that contains it (L441-10): 1 July is in S2.
    36 500 € due 15/06/2026, as of 01/07/2026: 15 days × 12,15 + 1 day × 12,40 = 182,25 + 12,40."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True), FULL, day(2026, 7, 1))
    assert spans(r) == [(day(2026, 6, 16), day(2026, 6, 30), 15, D("36500.00"), D("12.15")),
                        (day(2026, 7, 1), day(2026, 7, 1), 1, D("36500.00"), D("12.40"))]
    assert r.interest == D("194.65")  # not 16 × 12,15 = 194,40


def test_first_of_january_is_charged_at_the_new_years_rate() -> None:
    """The year boundary cuts the days too: 31/12/2024 at 14,25 % (2024-S2), 01–02/01/2025 at
    13,15 % (2025-S1). 14,25 + 2 × 13,15 = 40,55."""
    r = it.compute(it.Claim(due=day(2024, 12, 30), amount=D("36500.00"), business=True), FULL, day(2025, 1, 2))
    assert spans(r) == [(day(2024, 12, 31), day(2024, 12, 31), 1, D("36500.00"), D("14.25")),
                        (day(2025, 1, 1), day(2025, 1, 2), 2, D("36500.00"), D("13.15"))]
    assert r.interest == D("40.55")  # 14,25 + 2 × 13,15


def test_a_payment_on_the_first_of_july_still_bears_that_days_interest() -> None:
    """The day the funds arrive is still a day late: a payment dated 01/07 lowers the base from
    02/07, even though 01/07 starts a new half-year. 15 × 12,15 + 1 × 12,40 = 194,65."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True,
                            movements=(it.Movement(day(2026, 7, 1), D("36500.00")),)), FULL, day(2026, 7, 31))
    assert spans(r) == [(day(2026, 6, 16), day(2026, 6, 30), 15, D("36500.00"), D("12.15")),
                        (day(2026, 7, 1), day(2026, 7, 1), 1, D("36500.00"), D("12.40"))]
    assert (r.interest, r.days_late, r.owed) == (D("194.65"), 16, D("0.00"))


def test_a_payment_on_the_first_day_late_lowers_the_base_from_the_second() -> None:
    """Half paid on 16/06 (the first day late): 16/06 on 36 500, 17–20/06 on 18 250.
    12,15 × 1 + 12,15 × 4 / 2 = 12,15 + 24,30 = 36,45."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True,
                            movements=(it.Movement(day(2026, 6, 16), D("18250.00")),)), FULL, day(2026, 6, 20))
    assert spans(r) == [(day(2026, 6, 16), day(2026, 6, 16), 1, D("36500.00"), D("12.15")),
                        (day(2026, 6, 17), day(2026, 6, 20), 4, D("18250.00"), D("12.15"))]
    assert r.interest == D("36.45")


def test_a_payment_the_day_before_as_of_lowers_the_last_days_base() -> None:
    """Half paid on 19/06, computed on 20/06: 16–19/06 on 36 500, 20/06 on 18 250.
    12,15 × 4 + 12,15 / 2 = 48,60 + 6,075 = 54,675 → 54,68 (rounded half-up, once)."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True,
                            movements=(it.Movement(day(2026, 6, 19), D("18250.00")),)), FULL, day(2026, 6, 20))
    assert spans(r) == [(day(2026, 6, 16), day(2026, 6, 19), 4, D("36500.00"), D("12.15")),
                        (day(2026, 6, 20), day(2026, 6, 20), 1, D("18250.00"), D("12.15"))]
    assert r.interest == D("54.68")


def test_a_payment_on_as_of_counts_in_what_is_still_owed() -> None:
    """Paid in full on the day of the computation: nothing is owed any more, and that day was late."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2026, 6, 20), D("1000.00")),)), FULL, day(2026, 6, 20))
    assert (r.owed, r.days_late, [s.days for s in r.spans]) == (D("0.00"), 5, [5])


def test_paid_before_the_due_date_is_not_late() -> None:
    """Paid the day before the due date: zero days late (never a negative count), no 40 €."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2026, 6, 14), D("1000.00")),)), FULL, day(2026, 7, 1))
    assert (r.days_late, r.indemnity, r.interest, r.spans) == (0, D("0"), D("0.00"), ())


def test_fifty_cents_still_owed_still_bear_interest() -> None:
    """Every cent still owed bears interest: 0,50 € left for 10 days at 12,15 % = 0,001 66… → 0,00,
    but the span is there (and its days count as late)."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("100.00"), business=True,
                            movements=(it.Movement(day(2026, 6, 15), D("99.50")),)), FULL, day(2026, 6, 25))
    assert spans(r) == [(day(2026, 6, 16), day(2026, 6, 25), 10, D("0.50"), D("12.15"))]
    assert r.days_late == 10 and r.indemnity == D("40")


def test_per_span_interest_is_rounded_half_up() -> None:
    """365,00 € one day at an agreed 12,50 %: 365 × 12,5 / 100 / 365 = 0,125 exactly → 0,13
    (half-up, the project's one rounding rule; half-even would give 0,12)."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("365.00"), business=True, contractual_rate=D("12.50")),
                   FULL, day(2026, 6, 16))
    (s,) = r.spans
    assert s.exact == D("0.125")
    assert (s.interest, r.interest, r.total) == (D("0.13"), D("0.13"), D("40.13"))


# --------------------------------------------------------------------------- collective procedure
def test_due_on_the_day_of_the_judgment_has_no_indemnity() -> None:
    """The opening judgment takes effect from the first hour of its day (L622-28): an invoice due that
    day could not be paid at its due date, so no 40 € and no penalties."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            collective_since=day(2026, 6, 15)), FULL, day(2026, 7, 15))
    assert (r.indemnity, r.interest, r.spans) == (D("0"), D("0.00"), ())


def test_due_the_day_before_the_judgment_keeps_the_indemnity_but_no_interest() -> None:
    """Due 14/06, judgment 15/06: the invoice was late (the 40 € is due), but the first late day is
    the judgment's day, when penalties already stop."""
    r = it.compute(it.Claim(due=day(2026, 6, 14), amount=D("1000.00"), business=True,
                            collective_since=day(2026, 6, 15)), FULL, day(2026, 7, 15))
    assert (r.indemnity, r.interest, r.spans) == (D("40"), D("0.00"), ())


# --------------------------------------------------------------------------- missing rows
def test_missing_penalty_row_holds_back_only_its_days_not_the_later_ones() -> None:
    """No 2026-S1 penalty row: 16–30/06 are held back, 01–15/07 are still computed at 12,40 %:
    1 000 × 12,40 × 15 / 36 500 = 5,0958… → 5,10; the 40 € is due."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2026, 7, 15), D("1000.00")),)),
                   tables(no_penalty=("2026-S1",)), day(2026, 8, 1))
    assert spans(r) == [(day(2026, 7, 1), day(2026, 7, 15), 15, D("1000.00"), D("12.40"))]
    assert held(r) == [("2026-S1", day(2026, 6, 16), day(2026, 6, 30), 15)]
    assert (r.interest, r.indemnity) == (D("5.10"), D("40"))
    assert r.warnings == (held_warning("2026-S1", "Taux pénalités", "16/06/2026", "30/06/2026", "15 jours"),)


def test_missing_legal_row_holds_back_only_its_days_for_a_consumer() -> None:
    """Consumer, notice received 25/06/2026, paid 15/07, no 2026-S1 legal row: 26–30/06 held back,
    01–15/07 at 2,75 % (« autres cas »): 1 000 × 2,75 × 15 / 36 500 = 1,1301… → 1,13; never 40 €."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=False,
                            notice_received=day(2026, 6, 25),
                            movements=(it.Movement(day(2026, 7, 15), D("1000.00")),)),
                   tables(no_legal=("2026-S1",)), day(2026, 8, 1))
    assert spans(r) == [(day(2026, 7, 1), day(2026, 7, 15), 15, D("1000.00"), D("2.75"))]
    assert [(s.rate_kind, s.half, s.floor) for s in r.spans] == [("taux légal", "2026-S2", None)]
    assert held(r) == [("2026-S1", day(2026, 6, 26), day(2026, 6, 30), 5)]
    assert (r.interest, r.indemnity) == (D("1.13"), D("0"))
    assert r.warnings == (held_warning("2026-S1", "Taux légal", "26/06/2026", "30/06/2026", "5 jours"),)


def test_three_times_legal_without_any_row_holds_back_and_goes_on() -> None:
    """« 3 fois le taux d'intérêt légal » agreed, neither row for 2026-S1: its days are held back,
    July is computed at the 2026-S2 floor 8,25 %: 1 000 × 8,25 × 15 / 36 500 = 3,3904… → 3,39."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            contractual_rate=it.THREE_TIMES_LEGAL,
                            movements=(it.Movement(day(2026, 7, 15), D("1000.00")),)),
                   tables(no_penalty=("2026-S1",), no_legal=("2026-S1",)), day(2026, 8, 1))
    assert spans(r) == [(day(2026, 7, 1), day(2026, 7, 15), 15, D("1000.00"), D("8.25"))]
    assert held(r) == [("2026-S1", day(2026, 6, 16), day(2026, 6, 30), 15)]
    assert r.interest == D("3.39")
    assert r.warnings == (held_warning("2026-S1", "Taux pénalités", "16/06/2026", "30/06/2026", "15 jours"),)


def test_three_times_legal_falls_back_on_the_legal_rate_row() -> None:
    """No 2026-S1 penalty row but its legal row (2,62 %): 3 × 2,62 = 7,86 % is known, so it is applied.
    36 500 € × 7,86 % × 10 days / 365 = 78,60."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True,
                            contractual_rate=it.THREE_TIMES_LEGAL),
                   tables(no_penalty=("2026-S1",)), day(2026, 6, 25))
    assert [(s.rate, s.rate_kind, s.floor) for s in r.spans] == [(D("7.86"), "3 × taux légal (contractuel)", None)]
    assert (r.interest, r.held_back, r.warnings) == (D("78.60"), (), ())


def test_three_times_legal_reads_the_floor_column_without_the_legal_row() -> None:
    """README step 2: « 3 fois le taux légal » is the floor column of the day's half-year, which is
    enough on its own (no legal row needed)."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True,
                            contractual_rate=it.THREE_TIMES_LEGAL),
                   tables(no_legal=("2026-S1",)), day(2026, 6, 25))
    assert [s.rate for s in r.spans] == [D("7.86")] and r.interest == D("78.60") and r.held_back == ()


def test_contractual_rate_below_the_floor_from_the_legal_row_alone() -> None:
    """An agreed 5 % with no 2026-S1 penalty row: the floor 3 × 2,62 = 7,86 % is still shown and
    reported (L441-10), the agreed rate applied: 36 500 × 5 % × 10 / 365 = 50,00."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True, contractual_rate=D("5")),
                   tables(no_penalty=("2026-S1",)), day(2026, 6, 25))
    assert [(s.rate, s.rate_kind, s.floor) for s in r.spans] == [(D("5"), "contractuel", D("7.86"))]
    assert r.interest == D("50.00")
    assert r.warnings == (
        f"2026-S1 : le taux contractuel (5,00{NBSP}%) est inférieur au plancher de trois fois le taux d'intérêt "
        f"légal (7,86{NBSP}%), ce que l'art. L441-10 du Code de commerce interdit : il est appliqué tel quel, "
        "faites vérifier vos conditions générales.",)


def test_contractual_rate_below_the_floor_column_without_the_legal_row() -> None:
    """The legal-rate row of 2026-S1 not entered yet, its penalty row there: the floor shown beside an
    agreed 5 % is the penalty table's floor column, 7,86 %."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True, contractual_rate=D("5")),
                   tables(no_legal=("2026-S1",)), day(2026, 6, 25))
    assert [(s.rate, s.floor) for s in r.spans] == [(D("5"), D("7.86"))]
    assert len(r.warnings) == 1 and "(7,86\xa0%)" in r.warnings[0]


def test_contractual_rate_needs_no_row() -> None:
    """An agreed rate is known without any table: nothing is held back, no floor can be shown."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True, contractual_rate=D("5")),
                   tables(no_penalty=("2026-S1",), no_legal=("2026-S1",)), day(2026, 6, 25))
    assert [(s.rate, s.floor) for s in r.spans] == [(D("5"), None)]
    assert (r.interest, r.held_back, r.warnings) == (D("50.00"), (), ())


def test_contractual_rate_at_the_floor_is_legal() -> None:
    """An agreed rate equal to 3 × the legal rate (7,86 % in 2026-S1) is not below it: no floor, no warning."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True, contractual_rate=D("7.86")),
                   FULL, day(2026, 6, 25))
    assert [(s.rate, s.floor) for s in r.spans] == [(D("7.86"), None)]
    assert (r.interest, r.warnings) == (D("78.60"), ())


def test_the_floor_anomaly_is_reported_once_per_half_year() -> None:
    """An agreed 5 %, half paid on 20/06, computed on 05/07/2026: three spans, two half-years, two
    warnings (7,86 % for S1, 8,25 % for S2). (36 500 × 5 × 5 + 18 250 × 5 × 10 + 18 250 × 5 × 5) / 36 500
    = 25,00 + 25,00 + 12,50 = 62,50."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True, contractual_rate=D("5"),
                            movements=(it.Movement(day(2026, 6, 20), D("18250.00")),)), FULL, day(2026, 7, 5))
    assert [(s.days, s.base, s.floor) for s in r.spans] == [
        (5, D("36500.00"), D("7.86")), (10, D("18250.00"), D("7.86")), (5, D("18250.00"), D("8.25"))]
    assert r.interest == D("62.50")
    assert [w[:10] for w in r.warnings] == ["2026-S1 : ", "2026-S2 : "]


def test_floor_above_the_default_rate_is_shown_not_applied() -> None:
    """2024-S2: 3 × 4,92 = 14,76 % exceeds BCE + 10 = 14,25 %; the text sets the floor only for an
    agreed rate, so 14,25 % is applied and the gap reported for the user's counsel."""
    r = it.compute(it.Claim(due=day(2024, 9, 30), amount=D("36500.00"), business=True), FULL, day(2024, 10, 10))
    assert [(s.rate, s.floor, s.rate_kind) for s in r.spans] == [(D("14.25"), D("14.76"), "BCE + 10 points")]
    assert r.interest == D("142.50")
    assert r.warnings == (
        f"2024-S2 : trois fois le taux d'intérêt légal (14,76{NBSP}%) dépasse le taux BCE + 10 points appliqué "
        f"(14,25{NBSP}%). Le texte ne prévoit le plancher que pour un taux convenu : écart affiché, à faire "
        "trancher par votre conseil.",)


# --------------------------------------------------------------------------- held-back spans
def test_held_back_days_of_one_half_year_are_merged_into_one_warning() -> None:
    """No 2027-S1 row; 400 € paid on 05/01/2027 splits January in two bases, but the held-back days
    are one stretch: 01–10/01, 10 days, one warning."""
    r = it.compute(it.Claim(due=day(2026, 12, 20), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2027, 1, 5), D("400.00")),)), FULL, day(2027, 1, 10))
    assert [(s.start, s.end, s.days) for s in r.spans] == [(day(2026, 12, 21), day(2026, 12, 31), 11)]
    assert held(r) == [("2027-S1", day(2027, 1, 1), day(2027, 1, 10), 10)]
    assert r.warnings == (held_warning("2027-S1", "Taux pénalités", "01/01/2027", "10/01/2027", "10 jours"),)


def test_held_back_days_of_two_half_years_stay_apart() -> None:
    """Neither 2026-S2 nor 2027-S1: two contiguous stretches, one per half-year (each needs its row)."""
    r = it.compute(it.Claim(due=day(2026, 12, 29), amount=D("1000.00"), business=True),
                   tables(no_penalty=("2026-S2",)), day(2027, 1, 2))
    assert held(r) == [("2026-S2", day(2026, 12, 30), day(2026, 12, 31), 2),
                       ("2027-S1", day(2027, 1, 1), day(2027, 1, 2), 2)]
    assert r.spans == () and r.interest == D("0.00")


def test_held_back_days_with_a_gap_stay_apart() -> None:
    """No 2027-S1 row; paid in full on 03/01, refunded on 06/01: nothing owed 04–06/01, so two
    stretches, 01–03/01 and 07–09/01 (paid again on 09/01); a single day is written « 1 jour »."""
    r = it.compute(it.Claim(due=day(2026, 12, 31), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2027, 1, 3), D("1000.00")),
                                       it.Movement(day(2027, 1, 6), D("-1000.00")),
                                       it.Movement(day(2027, 1, 9), D("1000.00")))), FULL, day(2027, 1, 10))
    assert held(r) == [("2027-S1", day(2027, 1, 1), day(2027, 1, 3), 3),
                       ("2027-S1", day(2027, 1, 7), day(2027, 1, 9), 3)]
    one = it.compute(it.Claim(due=day(2026, 12, 31), amount=D("1000.00"), business=True), FULL, day(2027, 1, 1))
    assert one.warnings == (held_warning("2027-S1", "Taux pénalités", "01/01/2027", "01/01/2027", "1 jour"),)
    two = it.compute(it.Claim(due=day(2026, 12, 31), amount=D("1000.00"), business=True), FULL, day(2027, 1, 2))
    assert two.warnings == (held_warning("2027-S1", "Taux pénalités", "01/01/2027", "02/01/2027", "2 jours"),)


# --------------------------------------------------------------------------- consumer without notice
def test_consumer_without_notice_is_asked_for_its_date() -> None:
    """No interest runs before the formal notice is received (1231-6 C. civ.): nothing computed,
    what is owed still shown, and the date asked for in French."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=False), FULL, day(2026, 7, 15))
    assert (r.spans, r.held_back, r.interest, r.indemnity, r.owed, r.days_late) == (
        (), (), D("0.00"), D("0"), D("1000.00"), 30)
    assert r.warnings == (
        "Client particulier : les intérêts au taux légal ne courent qu'à compter de la réception de la mise en "
        "demeure. Notez la date de réception de la mise en demeure (accusé de réception) pour qu'ils soient "
        "calculés.",)
    assert r.awaiting_notice is True  # what the reminder session reads, never the French text
    on_time = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=False), FULL, day(2026, 6, 15))
    assert on_time.warnings == ()
    assert on_time.awaiting_notice is False
    business = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True), FULL, day(2026, 7, 15))
    assert business.awaiting_notice is False
    noticed = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=False,
                                  notice_received=day(2026, 7, 1)), FULL, day(2026, 7, 15))
    assert noticed.awaiting_notice is False


# --------------------------------------------------------------------------- wording and totals
def test_describe_writes_each_span_in_french() -> None:
    """README example, then a one-day span with the 2024-S2 floor beside the applied rate."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2026, 7, 15), D("1000.00")),)), FULL, day(2026, 8, 1))
    assert it.describe(r) == [
        f"du 16/06/2026 au 30/06/2026 : 15 jours × 1{NNBSP}000,00{NBSP}€ × 12,15{NBSP}% (BCE + 10 points) / 365 "
        f"= 4,99{NBSP}€",
        f"du 01/07/2026 au 15/07/2026 : 15 jours × 1{NNBSP}000,00{NBSP}€ × 12,40{NBSP}% (BCE + 10 points) / 365 "
        f"= 5,10{NBSP}€",
    ]
    one = it.compute(it.Claim(due=day(2024, 9, 30), amount=D("36500.00"), business=True), FULL, day(2024, 10, 1))
    assert it.describe(one) == [
        f"du 01/10/2024 au 01/10/2024 : 1 jour × 36{NNBSP}500,00{NBSP}€ × 14,25{NBSP}% (BCE + 10 points) / 365 "
        f"= 14,25{NBSP}€ — plancher 3 × taux légal : 14,76{NBSP}%"]
    two = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("36500.00"), business=True), FULL, day(2026, 6, 17))
    assert it.describe(two) == [
        f"du 16/06/2026 au 17/06/2026 : 2 jours × 36{NNBSP}500,00{NBSP}€ × 12,15{NBSP}% (BCE + 10 points) / 365 "
        f"= 24,30{NBSP}€"]
    assert it.describe(it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1.00"), business=True), FULL,
                                  day(2026, 6, 1))) == []


def test_merge_adds_interest_and_indemnities_of_several_invoices() -> None:
    a = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                            movements=(it.Movement(day(2026, 7, 15), D("1000.00")),)), FULL, day(2026, 8, 1))
    b = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("365.00"), business=True, contractual_rate=D("12.50")),
                   FULL, day(2026, 6, 16))
    assert (a.interest, b.interest) == (D("10.09"), D("0.13"))
    assert it.merge([a, b]) == (D("10.22"), D("80"))
    assert it.merge(iter([a])) == (D("10.09"), D("40"))
    total, indemnities = it.merge([])  # a letter without late invoices: amounts, not integers
    assert (json_amount(total), json_amount(indemnities)) == ("0.00", "0.00")


def test_what_is_owed_is_an_amount_to_the_cent() -> None:
    """A claim typed as a whole number of euros is still owed « 1000.00 » (letters print it as is)."""
    r = it.compute(it.Claim(due=day(2026, 6, 15), amount=D("1000"), business=True), FULL, day(2026, 6, 10))
    assert str(r.owed) == "1000.00"


def test_owed_on_counts_movements_up_to_the_end_of_the_day() -> None:
    claim = it.Claim(due=day(2026, 6, 15), amount=D("1000.00"), business=True,
                     movements=(it.Movement(day(2026, 6, 20), D("300.00")), it.Movement(day(2026, 6, 25), D("200.00"))))
    assert [it.owed_on(claim, day(2026, 6, d)) for d in (19, 20, 24, 25)] == [
        D("1000.00"), D("700.00"), D("700.00"), D("500.00")]
