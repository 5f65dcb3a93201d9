"""Amounts of quotes, deposits and invoices (pyxl/core/pricing.py), against oracles computed by hand.

Every expected amount below is written out with its arithmetic in the comments; the rules are
those of the issue « chaîne des ventes » and domain.md §2.5:
  * line net = qty × unit price × (1 − line discount), rounded half-up to the cent;
  * the global discount is computed on the sum of the nets, spread over the rates pro rata of their
    bases, the largest base taking the remainder so that the shares add up to the cent;
  * VAT is rounded once per rate (EN 16931 BR-CO-17), the document's VAT is the sum (BR-CO-14);
  * a deposit is a % of the order per rate; the final invoice deducts each deposit's HT and VAT
    per rate, copied, so that deposit + final invoice = order, to the cent.
The hypothesis properties at the end check the same rules on arbitrary documents.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core.money import to_cents
from pyxl.core.pricing import Line, Part, Totals, compute, deposit_parts, line_net, parts_of, spread, subtract

D = Decimal
R20, R10, R55, R21, R0 = D("20"), D("10"), D("5.5"), D("2.1"), D("0")


def ln(qty: str, price: str, rate: Decimal, discount: str = "0") -> Line:
    return Line(D(qty), D(price), rate, D(discount))


def deduction(part: Part) -> Line:
    """A deposit deducted on the final invoice, as the invoice service writes it (qty −1, VAT copied)."""
    return Line(D(-1), part.ht, part.rate, fixed_vat=-part.vat)


def per_rate(totals: Totals) -> dict[Decimal, tuple[Decimal, Decimal]]:
    return {r.rate: (r.base, r.vat) for r in totals.per_rate}


# --------------------------------------------------------------------------- the multi-rate quote
# A replacement job in housing older than two years, three rates:
#   L1 boiler      1    × 3 221,29 at 20 %, no discount  → 3 221,29
#   L2 labour      3,5  ×    55,00 at 20 %, − 5 %        → 192,50 × 0,95 = 182,875 → 182,88
#   L3 radiators   2    ×   245,50 at 10 %, − 5 %        → 491,00 × 0,95 = 466,45
#   L4 travel      1    ×    35,00 at 10 %               → 35,00
#   L5 heat pump   1    × 8 900,00 at 5,5 %, − 3 %       → 8 633,00
#   L6 labour      0,75 ×    55,00 at 5,5 %              → 41,25
# Nets per rate:  20 %: 3 221,29 + 182,88 = 3 404,17
#                 10 %:   466,45 +  35,00 =   501,45
#                5,5 %: 8 633,00 +  41,25 = 8 674,25
# Sum of the nets: 3 404,17 + 501,45 + 8 674,25 = 12 579,87
# Global discount 10 %: 12 579,87 × 0,10 = 1 257,987 → 1 257,99
# Spread pro rata of the bases (the largest base, 5,5 %, takes the remainder):
#   10 %: 1 257,99 × 501,45 / 12 579,87 = 630 819,0855 / 12 579,87 = 50,1451… → 50,15
#   20 %: 1 257,99 × 3 404,17 / 12 579,87 = 4 282 411,8183 / 12 579,87 = 340,4178… → 340,42
#  5,5 %: 1 257,99 − 50,15 − 340,42 = 867,42   (its own rounding, 867,4270… → 867,43, would make
#         the three shares add up to 1 258,00: one cent too many — the remainder avoids it)
# Bases: 20 %: 3 404,17 − 340,42 = 3 063,75   VAT 3 063,75 × 0,20  = 612,75
#        10 %:   501,45 −  50,15 =   451,30   VAT   451,30 × 0,10  = 45,13
#       5,5 %: 8 674,25 − 867,42 = 7 806,83   VAT 7 806,83 × 0,055 = 429,375 65 → 429,38
# Total HT 3 063,75 + 451,30 + 7 806,83 = 11 321,88 (= 12 579,87 − 1 257,99)
# VAT 612,75 + 45,13 + 429,38 = 1 087,26 ; TTC 11 321,88 + 1 087,26 = 12 409,14
QUOTE_LINES = [
    ln("1", "3221.29", R20), ln("3.5", "55.00", R20, "5"),
    ln("2", "245.50", R10, "5"), ln("1", "35.00", R10),
    ln("1", "8900.00", R55, "3"), ln("0.75", "55.00", R55),
]
QUOTE_DISCOUNT = D("10")


def test_line_nets_are_rounded_to_the_cent_after_the_line_discount() -> None:
    assert [x.net for x in QUOTE_LINES] == [D("3221.29"), D("182.88"), D("466.45"), D("35.00"), D("8633.00"),
                                            D("41.25")]
    # 3,5 × 55 × 0,95 = 182,875: half-up, never banker's rounding (which would give 182,88 too, so
    # check a case where they differ: 0,5 × 0,25 = 0,125 → 0,13 half-up, 0,12 half-even)
    assert line_net(D("0.5"), D("0.25")) == D("0.13")


def test_multi_rate_quote_with_line_and_global_discounts() -> None:
    t = compute(QUOTE_LINES, QUOTE_DISCOUNT)
    assert t.lines_ht == D("12579.87")
    assert t.discount == D("1257.99")
    assert [r.rate for r in t.per_rate] == [R20, R10, R55]  # by decreasing rate
    assert {r.rate: r.gross for r in t.per_rate} == {R20: D("3404.17"), R10: D("501.45"), R55: D("8674.25")}
    assert {r.rate: r.discount for r in t.per_rate} == {R20: D("340.42"), R10: D("50.15"), R55: D("867.42")}
    assert per_rate(t) == {R20: (D("3063.75"), D("612.75")), R10: (D("451.30"), D("45.13")),
                           R55: (D("7806.83"), D("429.38"))}
    assert (t.ht, t.vat, t.ttc) == (D("11321.88"), D("1087.26"), D("12409.14"))


def test_the_remainder_cent_goes_to_the_largest_base() -> None:
    # Naive rounding of each share: 50,15 + 340,42 + 867,43 = 1 258,00 ≠ 1 257,99
    naive = sum((to_cents(D("1257.99") * b / D("12579.87")) for b in (D("501.45"), D("3404.17"), D("8674.25"))),
                D(0))
    assert naive == D("1258.00")
    shares = spread(D("1257.99"), {R20: D("3404.17"), R10: D("501.45"), R55: D("8674.25")})
    assert shares == {R20: D("340.42"), R10: D("50.15"), R55: D("867.42")}
    assert sum(shares.values()) == D("1257.99")


def test_spread_of_ten_cents_over_three_equal_bases() -> None:
    # 0,10 / 3 = 0,0333… → 0,03 for the two first; the last (equal bases: the highest rate, by the
    # tie-break of the sort) takes 0,10 − 0,06 = 0,04.
    shares = spread(D("0.10"), {R20: D("1.00"), R10: D("1.00"), R55: D("1.00")})
    assert sorted(shares.values()) == [D("0.03"), D("0.03"), D("0.04")]
    assert shares[R20] == D("0.04")


def test_spread_edge_cases() -> None:
    assert spread(D("5.00"), {}) == {}
    assert spread(D("0.00"), {R20: D("10.00")}) == {R20: D("0.00")}
    assert spread(D("1.00"), {R20: D("0.00"), R10: D("0.00")}) == {R20: D("0.00"), R10: D("0.00")}
    # the whole amount: each share is its base exactly
    assert spread(D("3.01"), {R20: D("1.00"), R10: D("2.01")}) == {R20: D("1.00"), R10: D("2.01")}


def test_spread_share_never_exceeds_its_base_with_five_rates() -> None:
    # Five rates, 1,00 € each; discount 99,4 % of 5,00 = 4,97.
    # Each of the four first shares: 4,97 × 1,00 / 5,00 = 0,994 → 0,99; together 3,96.
    # The last one (20 %, tie-break) gets 4,97 − 3,96 = 1,01 > its base 1,00 → base −0,01.
    # A largest-remainder split gives 0,99 × 3 + 1,00 × 2 = 4,97 with every share ≤ 1,00.
    lines = [ln("1", "1.00", r) for r in (R20, R10, R55, R21, R0)]
    t = compute(lines, D("99.4"))
    assert t.discount == D("4.97")
    assert all(r.discount <= r.gross for r in t.per_rate), per_rate(t)
    assert all(r.base >= 0 for r in t.per_rate), per_rate(t)


# --------------------------------------------------------------------------- per-rate rounding
@pytest.mark.parametrize(("lines", "per_line_vat", "per_rate_vat"), [
    # 3 × 0,10 at 5,5 %: per line 0,0055 → 0,01, × 3 = 0,03; per rate 0,30 × 0,055 = 0,0165 → 0,02
    ([ln("1", "0.10", R55)] * 3, D("0.03"), D("0.02")),
    # 3 × 10,10 at 5,5 %: per line 0,5555 → 0,56, × 3 = 1,68; per rate 30,30 × 0,055 = 1,6665 → 1,67
    ([ln("1", "10.10", R55)] * 3, D("1.68"), D("1.67")),
    # 2 × 0,03 at 20 %: per line 0,006 → 0,01, × 2 = 0,02; per rate 0,06 × 0,20 = 0,012 → 0,01
    ([ln("1", "0.03", R20)] * 2, D("0.02"), D("0.01")),
    # 2 × 12,35 at 10 %: per line 1,235 → 1,24, × 2 = 2,48; per rate 24,70 × 0,10 = 2,47
    ([ln("1", "12.35", R10)] * 2, D("2.48"), D("2.47")),
    # 3 × 0,02 at 20 % (the other way): per line 0,004 → 0,00; per rate 0,06 × 0,20 = 0,012 → 0,01
    ([ln("1", "0.02", R20)] * 3, D("0.00"), D("0.01")),
    # the quote's 20 % lines: per line 3 221,29 × 0,2 = 644,258 → 644,26 and 182,88 × 0,2 = 36,576 → 36,58,
    # together 680,84; per rate 3 404,17 × 0,20 = 680,834 → 680,83
    (QUOTE_LINES[:2], D("680.84"), D("680.83")),
])
def test_vat_is_rounded_per_rate_not_per_line(lines: list[Line], per_line_vat: Decimal,
                                              per_rate_vat: Decimal) -> None:
    assert sum((to_cents(x.net * x.rate / 100) for x in lines), D(0)) == per_line_vat  # the oracle's premise
    t = compute(lines)
    assert t.vat == per_rate_vat
    assert len(t.per_rate) == 1 and t.per_rate[0].vat == per_rate_vat


def test_per_rate_rounding_on_a_mixed_document() -> None:
    # 3 × 0,10 at 5,5 % (0,30 → VAT 0,02) + 3 × 0,15 at 10 % (0,45 × 0,10 = 0,045 → 0,05)
    # per line it would be 0,01 × 3 + 0,02 × 3 (0,015 → 0,02) = 0,09; per rate 0,02 + 0,05 = 0,07
    t = compute([ln("1", "0.10", R55)] * 3 + [ln("1", "0.15", R10)] * 3)
    assert per_rate(t) == {R10: (D("0.45"), D("0.05")), R55: (D("0.30"), D("0.02"))}
    assert (t.ht, t.vat, t.ttc) == (D("0.75"), D("0.07"), D("0.82"))


# --------------------------------------------------------------------------- deposit and final invoice
# Deposit of 30 % of the order above, per rate (HT rounded, then its VAT rounded once):
#   20 %: 3 063,75 × 0,30 = 919,125  → 919,13    VAT 919,13 × 0,20    = 183,826    → 183,83
#   10 %:   451,30 × 0,30 = 135,39                 VAT 135,39 × 0,10    = 13,539     → 13,54
#  5,5 %: 7 806,83 × 0,30 = 2 342,049 → 2 342,05  VAT 2 342,05 × 0,055 = 128,812 75 → 128,81
# Deposit HT 919,13 + 135,39 + 2 342,05 = 3 396,57 ; VAT 183,83 + 13,54 + 128,81 = 326,18 ; TTC 3 722,75
DEPOSIT = [Part(R20, D("919.13"), D("183.83")), Part(R10, D("135.39"), D("13.54")),
           Part(R55, D("2342.05"), D("128.81"))]


def test_deposit_of_30_percent_is_split_per_rate() -> None:
    parts = deposit_parts(compute(QUOTE_LINES, QUOTE_DISCOUNT), D("30"))
    assert parts == DEPOSIT
    dep = compute([Line(D(1), p.ht, p.rate) for p in parts])  # the deposit invoice's own lines
    assert per_rate(dep) == {p.rate: (p.ht, p.vat) for p in DEPOSIT}
    assert (dep.ht, dep.vat, dep.ttc) == (D("3396.57"), D("326.18"), D("3722.75"))


def test_final_invoice_deducts_the_deposit_per_rate_to_the_cent() -> None:
    # Final invoice = the order's lines, its 10 % discount, minus the deposit per rate:
    #   20 %: base 3 063,75 − 919,13   = 2 144,62   VAT 612,75 − 183,83 = 428,92
    #   10 %: base   451,30 − 135,39   =   315,91   VAT  45,13 −  13,54 = 31,59
    #  5,5 %: base 7 806,83 − 2 342,05 = 5 464,78   VAT 429,38 − 128,81 = 300,57
    #         (recomputing 5 464,78 × 0,055 = 300,5629 → 300,56 would lose a cent: the VAT is deducted,
    #          not recomputed)
    # HT 2 144,62 + 315,91 + 5 464,78 = 7 925,31 ; VAT 428,92 + 31,59 + 300,57 = 761,08 ; TTC 8 686,39
    # Deposit + final = 3 722,75 + 8 686,39 = 12 409,14 = the order's TTC.
    full = compute(QUOTE_LINES, QUOTE_DISCOUNT)
    final = compute([*QUOTE_LINES, *(deduction(p) for p in DEPOSIT)], QUOTE_DISCOUNT)
    assert per_rate(final) == {R20: (D("2144.62"), D("428.92")), R10: (D("315.91"), D("31.59")),
                               R55: (D("5464.78"), D("300.57"))}
    for r in final.per_rate:
        assert r.vat == full.rate(r.rate).vat - next(p.vat for p in DEPOSIT if p.rate == r.rate)
    assert final.rate(R55).vat != to_cents(final.rate(R55).base * R55 / 100)  # 300,57 vs 300,56
    assert (final.ht, final.vat, final.ttc) == (D("7925.31"), D("761.08"), D("8686.39"))
    assert (final.deducted_ht, final.deducted_vat) == (D("-3396.57"), D("-326.18"))
    assert final.discount == D("1257.99")  # the global discount ignores the deduction lines
    assert final.ttc + D("3722.75") == full.ttc


def test_deposit_skips_a_rate_whose_share_rounds_to_nothing() -> None:
    # 0,01 at 10 % × 30 % = 0,003 → 0,00: no part at 10 %
    order = compute([ln("1", "100.00", R20), ln("1", "0.01", R10)])
    assert deposit_parts(order, D("30")) == [Part(R20, D("30.00"), D("6.00"))]


def test_subtract_credit_notes_per_rate() -> None:
    # invoice 20 %: 100,00 + 20,00 ; 10 %: 50,00 + 5,00 ; one credit of 30,00 + 6,00 at 20 %
    inv = parts_of(compute([ln("1", "100", R20), ln("1", "50", R10)]))
    left = subtract(inv, [Part(R20, D("30.00"), D("6.00"))])
    assert left == [Part(R20, D("70.00"), D("14.00")), Part(R10, D("50.00"), D("5.00"))]
    assert subtract(left, [Part(R10, D("50.00"), D("5.00")), Part(R20, D("70.00"), D("14.00"))]) == [
        Part(R20, D("0.00"), D("0.00")), Part(R10, D("0.00"), D("0.00"))]


# --------------------------------------------------------------------------- properties
RATES = (R20, R10, R55, R21, R0)
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 100)
prices = st.integers(min_value=0, max_value=2_000_000).map(lambda n: D(n) / 100)
qtys = st.integers(min_value=1, max_value=200_000).map(lambda n: D(n) / 1000)
pcts = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 100)  # 0 to 100 %, 2 decimals
lines_st = st.lists(st.builds(Line, qtys, prices, st.sampled_from(RATES), pcts), min_size=1, max_size=8)


@st.composite
def amount_and_bases(draw: st.DrawFn, max_keys: int) -> tuple[Decimal, dict[Decimal, Decimal]]:
    keys = draw(st.lists(st.sampled_from(RATES), min_size=1, max_size=max_keys, unique=True))
    bases = {k: draw(cents) for k in keys}
    total = sum(bases.values(), D(0))
    amount = D(draw(st.integers(min_value=0, max_value=int(total * 100)))) / 100
    return amount, bases


@settings(max_examples=200, deadline=None)
@given(amount_and_bases(max_keys=5))
def test_prop_spread_shares_add_up_exactly(case: tuple[Decimal, dict[Decimal, Decimal]]) -> None:
    amount, bases = case
    shares = spread(amount, bases)
    assert set(shares) == set(bases)
    if sum(bases.values(), D(0)):
        assert sum(shares.values(), D(0)) == amount
    assert all(s == to_cents(s) for s in shares.values())


@settings(max_examples=200, deadline=None)
@given(amount_and_bases(max_keys=4))
def test_prop_spread_each_share_within_its_base(case: tuple[Decimal, dict[Decimal, Decimal]]) -> None:
    # Up to four rates the remainder can be shown never to exceed its base (each of the three other
    # shares is off by less than half a cent); five rates: see the test above.
    amount, bases = case
    shares = spread(amount, bases)
    assert all(D(0) <= shares[k] <= bases[k] for k in bases), (amount, bases, shares)


@settings(max_examples=150, deadline=None)
@given(lines_st, pcts)
def test_prop_totals_are_the_sum_of_the_per_rate_amounts(lines: list[Line], discount: Decimal) -> None:
    t = compute(lines, discount)
    assert t.ht == sum((r.base for r in t.per_rate), D(0))
    assert t.vat == sum((r.vat for r in t.per_rate), D(0))
    assert t.ttc == t.ht + t.vat
    assert t.lines_ht == sum((x.net for x in lines), D(0))
    assert t.discount == to_cents(t.lines_ht * discount / 100)
    assert sum((r.discount for r in t.per_rate), D(0)) == t.discount
    assert t.ht == t.lines_ht - t.discount
    for r in t.per_rate:
        assert r.base == r.gross - r.discount
        assert r.vat == to_cents(r.base * r.rate / 100)  # rounded once per rate
        assert r.gross == sum((x.net for x in lines if x.rate == r.rate), D(0))
    assert [r.rate for r in t.per_rate] == sorted({x.rate for x in lines}, reverse=True)


@settings(max_examples=150, deadline=None)
@given(lines_st, st.integers(min_value=0, max_value=5000).map(lambda n: D(n) / 100), st.data())
def test_prop_compute_is_invariant_to_line_order(lines: list[Line], discount: Decimal, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(lines))
    assert compute(shuffled, discount) == compute(lines, discount)


@settings(max_examples=150, deadline=None)
@given(lines_st, st.integers(min_value=0, max_value=5000).map(lambda n: D(n) / 100),
       st.integers(min_value=1, max_value=10_000).map(lambda n: D(n) / 100))
def test_prop_deposit_parts_within_the_order_bases(lines: list[Line], discount: Decimal, pct: Decimal) -> None:
    order = compute(lines, discount)
    parts = deposit_parts(order, pct)
    by_rate = {r.rate: r for r in order.per_rate}
    for p in parts:
        r = by_rate[p.rate]
        assert D(0) < p.ht <= r.base
        assert D(0) <= p.vat <= r.vat
        assert p.ht == to_cents(r.base * pct / 100) and p.vat == to_cents(p.ht * p.rate / 100)
    # the final invoice deducting it: per rate, base and VAT are the order's minus the deposit's
    final = compute([*lines, *(deduction(p) for p in parts)], discount)
    assert final.ttc == order.ttc - sum((p.ht + p.vat for p in parts), D(0))
    for r in final.per_rate:
        p = next((p for p in parts if p.rate == r.rate), Part(r.rate, D(0), D(0)))
        assert (r.base, r.vat) == (by_rate[r.rate].base - p.ht, by_rate[r.rate].vat - p.vat)


parts_st = st.lists(st.builds(Part, st.sampled_from(RATES), cents, cents), max_size=5,
                    unique_by=lambda p: p.rate)


@settings(max_examples=150, deadline=None)
@given(parts_st, st.lists(st.builds(Part, st.sampled_from(RATES), cents, cents), max_size=6),
       st.lists(st.builds(Part, st.sampled_from(RATES), cents, cents), max_size=6))
def test_prop_subtract(parts: list[Part], a: list[Part], b: list[Part]) -> None:
    assert subtract(parts, []) == parts
    assert all(p.ht == 0 and p.vat == 0 for p in subtract(parts, parts))
    # taking a then b is taking both at once
    assert subtract(subtract(parts, a), b) == subtract(parts, a + b)
    # per rate: what is left + what was taken (of that rate) = what there was
    for left, p in zip(subtract(parts, a), parts, strict=True):
        assert left.rate == p.rate
        taken = [x for x in a if x.rate == p.rate]
        assert left.ht + sum((x.ht for x in taken), D(0)) == p.ht
        assert left.vat + sum((x.vat for x in taken), D(0)) == p.vat


def test_compute_is_invariant_to_line_order_on_the_quote() -> None:
    expected = compute(QUOTE_LINES, QUOTE_DISCOUNT)
    for perm in itertools.islice(itertools.permutations(QUOTE_LINES), 0, 720, 37):
        assert compute(perm, QUOTE_DISCOUNT) == expected
