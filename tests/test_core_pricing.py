"""Amounts of deposits, final invoices and discounts (pyxl.core.pricing): the cases a mutation run
showed unpinned, each written as the financial rule it protects with a hand-computed oracle.

The order is the multi-rate quote of tests/test_pricing.py (TTC 12 409,14 €):
  20 %: base 3 063,75, VAT 612,75 ; 10 %: base 451,30, VAT 45,13 ; 5,5 %: base 7 806,83, VAT 429,38.
"""

from __future__ import annotations

from decimal import Decimal

from test_pricing import R0, R10, R20, R21, R55, D, deduction, ln  # the quote's lines, written once

from pyxl.core.pricing import (
    Part,
    RateTotal,
    Totals,
    compute,
    deposit_parts,
    parts_of,
    spread,
    subtract,
)

QUOTE_LINES = [
    ln("1", "3221.29", R20), ln("3.5", "55.00", R20, "5"),
    ln("2", "245.50", R10, "5"), ln("1", "35.00", R10),
    ln("1", "8900.00", R55, "3"), ln("0.75", "55.00", R55),
]
ORDER = compute(QUOTE_LINES, D("10"))

# 30 % deposit (tests/test_pricing.py): HT 3 396,57, VAT 326,18, TTC 3 722,75
DEPOSIT_30 = [Part(R20, D("919.13"), D("183.83")), Part(R10, D("135.39"), D("13.54")),
              Part(R55, D("2342.05"), D("128.81"))]


def ttc(parts: list[Part]) -> Decimal:
    return sum((p.ht + p.vat for p in parts), D(0))


# --------------------------------------------------------------------------- successive deposits
def test_deposits_of_30_then_70_percent_add_up_to_the_order_to_the_cent() -> None:
    """The deposit that brings the total to 100 % takes exactly what is left, VAT included:
      20 %: 3 063,75 − 919,13 = 2 144,62   VAT 612,75 − 183,83 = 428,92
      10 %:   451,30 − 135,39 =   315,91   VAT  45,13 −  13,54 =  31,59
     5,5 %: 7 806,83 − 2 342,05 = 5 464,78 VAT 429,38 − 128,81 = 300,57
    (recomputing 5 464,78 × 5,5 % = 300,5629 → 300,56 would lose a cent: 12 409,13 in all).
    TTC 7 925,31 + 761,08 = 8 686,39; 3 722,75 + 8 686,39 = 12 409,14."""
    assert deposit_parts(ORDER, D("30")) == DEPOSIT_30
    rest = deposit_parts(ORDER, D("70"), taken_pct=D("30"), previous=DEPOSIT_30)
    assert rest == [Part(R20, D("2144.62"), D("428.92")), Part(R10, D("315.91"), D("31.59")),
                    Part(R55, D("5464.78"), D("300.57"))]
    assert ttc(rest) == D("8686.39")
    assert ttc(DEPOSIT_30) + ttc(rest) == ORDER.ttc == D("12409.14")


def test_three_deposits_30_40_30_take_the_cumulated_percentage_minus_what_was_taken() -> None:
    """Each deposit is the cumulated % of each base minus the previous deposits at that rate:
    second deposit (30 + 40 = 70 %):
      20 %: 3 063,75 × 0,70 = 2 144,625 → 2 144,63 − 919,13 = 1 225,50   VAT 245,10
      10 %:   451,30 × 0,70 =   315,91 − 135,39 =   180,52                VAT 18,052 → 18,05
     5,5 %: 7 806,83 × 0,70 = 5 464,781 → 5 464,78 − 2 342,05 = 3 122,73 VAT 171,750 15 → 171,75
    third deposit (100 %): the rest of each base and of each VAT, both previous deposits summed:
      20 %: 3 063,75 − 919,13 − 1 225,50 = 919,12     VAT 612,75 − 183,83 − 245,10 = 183,82
      10 %:   451,30 − 135,39 −   180,52 = 135,39     VAT  45,13 −  13,54 −  18,05 =  13,54
     5,5 %: 7 806,83 − 2 342,05 − 3 122,73 = 2 342,05 VAT 429,38 − 128,81 − 171,75 = 128,82
    TTC 3 722,75 + 4 963,65 + 3 722,74 = 12 409,14."""
    second = deposit_parts(ORDER, D("40"), taken_pct=D("30"), previous=DEPOSIT_30)
    assert second == [Part(R20, D("1225.50"), D("245.10")), Part(R10, D("180.52"), D("18.05")),
                      Part(R55, D("3122.73"), D("171.75"))]
    third = deposit_parts(ORDER, D("30"), taken_pct=D("70"), previous=[*DEPOSIT_30, *second])
    assert third == [Part(R20, D("919.12"), D("183.82")), Part(R10, D("135.39"), D("13.54")),
                     Part(R55, D("2342.05"), D("128.82"))]
    assert (ttc(second), ttc(third)) == (D("4963.65"), D("3722.74"))
    assert ttc(DEPOSIT_30) + ttc(second) + ttc(third) == ORDER.ttc


def test_a_single_100_percent_deposit_is_the_whole_order() -> None:
    assert deposit_parts(ORDER, D("100")) == parts_of(ORDER)
    assert ttc(deposit_parts(ORDER, D("100"))) == D("12409.14")


def test_a_deposit_never_gives_back_what_an_earlier_one_took() -> None:
    """The order shrank to 100,00 € HT after a 30 % deposit of 60,00 € HT on 200,00: a 20 % deposit
    (cumulated 50 % = 50,00, less than the 60,00 taken) is empty — a refund is a credit note."""
    order = compute([ln("1", "100.00", R20)])
    assert deposit_parts(order, D("20"), taken_pct=D("30"), previous=[Part(R20, D("60.00"), D("12.00"))]) == []


def test_a_deposit_keeps_a_zero_rate_base() -> None:
    """A 0 % base (art. 293 B or reverse charge) has no VAT but its HT is part of the deposit:
    1 000 at 20 % + 500 at 0 %, 30 %: 300,00 + 60,00 VAT, and 150,00 without VAT; the last 70 %
    takes 700,00 + 140,00 and 350,00."""
    order = compute([ln("1", "1000.00", R20), ln("1", "500.00", R0)])
    first = deposit_parts(order, D("30"))
    assert first == [Part(R20, D("300.00"), D("60.00")), Part(R0, D("150.00"), D("0.00"))]
    assert deposit_parts(order, D("70"), taken_pct=D("30"), previous=first) == [
        Part(R20, D("700.00"), D("140.00")), Part(R0, D("350.00"), D("0.00"))]


# --------------------------------------------------------------------------- final invoice
def test_two_deposits_at_the_same_rate_are_both_deducted() -> None:
    """Order 1 000,00 HT at 20 % (TTC 1 200,00), deposits 300,00 + 60,00 and 400,00 + 80,00:
    the final invoice deducts 700,00 and 140,00 → HT 300,00, VAT 60,00, TTC 360,00."""
    final = compute([ln("1", "1000.00", R20), deduction(Part(R20, D("300.00"), D("60.00"))),
                     deduction(Part(R20, D("400.00"), D("80.00")))])
    assert final.per_rate == (RateTotal(R20, D("1000.00"), D("0.00"), D("-700.00"), D("-140.00"),
                                        D("300.00"), D("60.00")),)
    assert (final.deducted_ht, final.deducted_vat) == (D("-700.00"), D("-140.00"))
    assert (final.ht, final.vat, final.ttc) == (D("300.00"), D("60.00"), D("360.00"))


def test_a_deduction_at_a_rate_without_lines_has_its_own_rate_total() -> None:
    """A deposit at 10 % deducted from an invoice whose lines are all at 20 %: the 10 % total is
    the deduction alone (no gross, no share of the 10 % global discount)."""
    final = compute([ln("1", "1000.00", R20), deduction(Part(R10, D("50.00"), D("5.00")))], D("10"))
    assert final.per_rate == (
        RateTotal(R20, D("1000.00"), D("100.00"), D("0.00"), D("0.00"), D("900.00"), D("180.00")),
        RateTotal(R10, D("0.00"), D("0.00"), D("-50.00"), D("-5.00"), D("-50.00"), D("-5.00")),
    )
    assert (final.lines_ht, final.discount, final.ht, final.vat) == (D("1000.00"), D("100.00"), D("850.00"),
                                                                      D("175.00"))


def test_rate_total_ttc_is_base_plus_vat() -> None:
    """20 %: 3 063,75 + 612,75 = 3 676,50 ; 10 %: 451,30 + 45,13 = 496,43 ; 5,5 %: 7 806,83 + 429,38
    = 8 236,21; together the order's 12 409,14."""
    assert [r.ttc for r in ORDER.per_rate] == [D("3676.50"), D("496.43"), D("8236.21")]
    assert sum((r.ttc for r in ORDER.per_rate), D(0)) == ORDER.ttc


def test_rate_lookup() -> None:
    assert ORDER.rate(R10) is ORDER.per_rate[1]
    assert ORDER.rate(D("7")) is None


def test_every_amount_is_written_with_its_cents_even_zero() -> None:
    """Amounts go to the workbook and the --json output as they are (« 0.00 », never « 0 »): an
    empty draft, an invoice without deduction and a deduction-only document keep two decimals."""
    def written(t: Totals) -> list[str]:
        return [str(x) for x in (t.lines_ht, t.discount, t.deducted_ht, t.deducted_vat, t.ht, t.vat, t.ttc)]

    assert written(compute([])) == ["0.00"] * 7
    assert written(compute([ln("1", "10.00", R20)]))[2:4] == ["0.00", "0.00"]
    only = compute([deduction(Part(R20, D("10.00"), D("2.00")))], D("5"))
    assert written(only) == ["0.00", "0.00", "-10.00", "-2.00", "-10.00", "-2.00", "-12.00"]
    assert str(compute([ln("-1", "50.00", R20)]).discount) == "0.00"  # no discount: never « -0.00 »
    assert [str(x) for x in spread(D("5"), {R20: D("10.00")}).values()] == ["5.00"]


# --------------------------------------------------------------------------- global discount spread
def test_global_discount_shares_add_up_to_the_discount() -> None:
    """The shares of the 10 % discount (1 257,99) add up to it and HT = nets − discount, per rate
    and in total: 340,42 + 50,15 + 867,42 = 1 257,99 ; 12 579,87 − 1 257,99 = 11 321,88."""
    assert sum((r.discount for r in ORDER.per_rate), D(0)) == ORDER.discount == D("1257.99")
    assert all(r.base == r.gross - r.discount for r in ORDER.per_rate)
    assert ORDER.ht == ORDER.lines_ht - ORDER.discount == D("11321.88")


def test_near_total_discount_never_takes_more_than_a_base_and_still_adds_up() -> None:
    """Five rates of 1,00 €, 99,4 % off: discount 4,97. Shares 0,99 each for the four smaller keys,
    the largest (20 %) would take 4,97 − 3,96 = 1,01 > 1,00: it keeps 1,00 and its extra cent goes
    to the next rate with room (10 %). Bases left: 0,00 0,00 0,01 0,01 0,01 → HT 0,03 = 5,00 − 4,97."""
    t = compute([ln("1", "1.00", r) for r in (R20, R10, R55, R21, R0)], D("99.4"))
    assert {r.rate: r.discount for r in t.per_rate} == {
        R20: D("1.00"), R10: D("1.00"), R55: D("0.99"), R21: D("0.99"), R0: D("0.99")}
    assert (t.discount, t.ht, t.vat) == (D("4.97"), D("0.03"), D("0.00"))


def test_spread_moves_two_extra_cents_to_two_bases_with_room() -> None:
    """Seven keys of 1,00, amount 6,96: 6,96 / 7 = 0,994… → 0,99 for six keys (5,94), the last
    would take 1,02. It keeps 1,00; one cent goes to key 6, one to key 5 (each had one cent of room)."""
    shares = spread(D("6.96"), {D(k): D("1.00") for k in range(1, 8)})
    assert shares == {D(1): D("0.99"), D(2): D("0.99"), D(3): D("0.99"), D(4): D("0.99"),
                      D(5): D("1.00"), D(6): D("1.00"), D(7): D("1.00")}
    assert sum(shares.values()) == D("6.96")


def test_spread_within_the_total_never_exceeds_a_base_when_rooms_are_uneven() -> None:
    """Bases 0,02 / 0,02 / 3,00, amount 3,03 (0,01 short of the total 3,04): 3,03 × 0,02 / 3,04 =
    0,0199… → 0,02 for both small keys, so the largest takes 3,03 − 0,04 = 2,99: nothing to move."""
    assert spread(D("3.03"), {R0: D("0.02"), R21: D("0.02"), R20: D("3.00")}) == {
        R0: D("0.02"), R21: D("0.02"), R20: D("2.99")}


# --------------------------------------------------------------------------- credit notes
def test_subtract_sums_several_credit_notes_at_the_same_rate() -> None:
    """Invoice 20 %: 100,00 + 20,00; two credit notes 30,00 + 6,00 and 20,00 + 4,00: 50,00 + 10,00 left."""
    left = subtract([Part(R20, D("100.00"), D("20.00"))],
                    [Part(R20, D("30.00"), D("6.00")), Part(R20, D("20.00"), D("4.00"))])
    assert left == [Part(R20, D("50.00"), D("10.00"))]
