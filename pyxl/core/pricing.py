"""Amounts of a quote, an invoice, a deposit or a credit note: lines, discounts, VAT per rate.

Rules (issue « chaîne des ventes », domain.md §2.5):
  * a line's net amount is qty × unit price × (1 − line discount), rounded to the cent;
  * a global discount is computed on the sum of the nets and spread over the VAT rates pro rata
    of their bases, the last cent going to the largest base (a remainder, so the shares add up);
  * VAT is computed on each rate's base and rounded once per rate (EN 16931 BR-CO-17), never per
    line; the document's VAT is the sum of the per-rate amounts (BR-CO-14);
  * a deduction line (a deposit deducted from the final invoice, a credit note's remainder) carries
    its own HT and VAT, copied from the document it comes from, so they are deducted to the cent.
Pure code: Decimal only, rounding through `money.to_cents`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pyxl.core.money import to_cents

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Line:
    qty: Decimal
    unit_price: Decimal
    rate: Decimal
    discount_pct: Decimal = Decimal(0)
    fixed_vat: Decimal | None = None  # set on deduction lines only

    @property
    def net(self) -> Decimal:
        return line_net(self.qty, self.unit_price, self.discount_pct)


def line_net(qty: Decimal, unit_price: Decimal, discount_pct: Decimal = Decimal(0)) -> Decimal:
    return to_cents(qty * unit_price * (HUNDRED - discount_pct) / HUNDRED)


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    gross: Decimal  # sum of the line nets at this rate, before the global discount
    discount: Decimal  # this rate's share of the global discount
    deducted_ht: Decimal  # deposits (or other deductions) at this rate, HT, ≤ 0
    deducted_vat: Decimal
    base: Decimal  # taxable amount: gross − discount + deducted_ht
    vat: Decimal

    @property
    def ttc(self) -> Decimal:
        return self.base + self.vat


@dataclass(frozen=True)
class Totals:
    per_rate: tuple[RateTotal, ...]  # by decreasing rate
    lines_ht: Decimal  # sum of the ordinary lines' nets
    discount: Decimal
    deducted_ht: Decimal
    deducted_vat: Decimal
    ht: Decimal
    vat: Decimal

    @property
    def ttc(self) -> Decimal:
        return self.ht + self.vat

    def rate(self, rate: Decimal) -> RateTotal | None:
        return next((r for r in self.per_rate if r.rate == rate), None)


def spread(amount: Decimal, bases: dict[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    """Split `amount` over keys pro rata of `bases`; the largest base takes the remainder.

    When `amount` is at most the total, no share ever exceeds its base: with many rates and a
    discount close to 100 %, the remainder could, and its excess cents go to the other bases."""
    total = sum(bases.values(), ZERO)
    if not bases or total == 0:
        return dict.fromkeys(bases, ZERO)
    order = sorted(bases, key=lambda k: (bases[k], k))
    out = {k: to_cents(amount * bases[k] / total) for k in order[:-1]}
    out[order[-1]] = amount - sum(out.values(), ZERO)
    if amount <= total:
        for k in reversed(order):  # move any excess to the bases that still have room
            excess = out[k] - bases[k]
            if excess <= 0:
                continue
            out[k] = bases[k]
            for other in reversed(order):
                room = bases[other] - out[other]
                if other != k and room > 0:
                    take = min(room, excess)
                    out[other] += take
                    excess -= take
                if excess == 0:
                    break
    return out


def compute(lines: Iterable[Line], global_discount_pct: Decimal = Decimal(0)) -> Totals:
    gross: dict[Decimal, Decimal] = {}
    ded_ht: dict[Decimal, Decimal] = {}
    ded_vat: dict[Decimal, Decimal] = {}
    for ln in lines:
        if ln.fixed_vat is None:
            gross[ln.rate] = gross.get(ln.rate, ZERO) + ln.net
        else:
            ded_ht[ln.rate] = ded_ht.get(ln.rate, ZERO) + ln.net
            ded_vat[ln.rate] = ded_vat.get(ln.rate, ZERO) + ln.fixed_vat
    lines_ht = sum(gross.values(), ZERO)
    discount = to_cents(lines_ht * global_discount_pct / HUNDRED) if global_discount_pct else ZERO
    shares = spread(discount, gross)
    per_rate = []
    for rate in sorted({*gross, *ded_ht}, reverse=True):
        g = gross.get(rate, ZERO)
        base = g - shares.get(rate, ZERO)
        vat = to_cents(base * rate / HUNDRED)
        dh, dv = ded_ht.get(rate, ZERO), ded_vat.get(rate, ZERO)
        per_rate.append(RateTotal(rate, g, shares.get(rate, ZERO), dh, dv, base + dh, vat + dv))
    return Totals(
        per_rate=tuple(per_rate),
        lines_ht=lines_ht,
        discount=discount,
        deducted_ht=sum(ded_ht.values(), ZERO),
        deducted_vat=sum(ded_vat.values(), ZERO),
        ht=sum((r.base for r in per_rate), ZERO),
        vat=sum((r.vat for r in per_rate), ZERO),
    )


@dataclass(frozen=True)
class Part:
    """One rate's share of a deposit (or of a remainder): HT and its VAT."""

    rate: Decimal
    ht: Decimal
    vat: Decimal


def deposit_parts(order: Totals, pct: Decimal, taken_pct: Decimal = Decimal(0),
                  previous: Sequence[Part] = ()) -> list[Part]:
    """A deposit of `pct` % of the order, split per VAT rate (each rate's VAT rounded once).

    HT is computed on the cumulated percentage minus what the previous deposits (`previous`, per
    rate) already took, so successive deposits never add up to more than the order. The deposit
    that brings the total to 100 % takes exactly what is left, VAT included: the final invoice
    then comes to zero, to the cent."""
    before: dict[Decimal, Part] = {}
    for p in previous:
        b = before.get(p.rate, Part(p.rate, ZERO, ZERO))
        before[p.rate] = Part(p.rate, b.ht + p.ht, b.vat + p.vat)
    last = taken_pct + pct >= HUNDRED
    out = []
    for r in order.per_rate:
        b = before.get(r.rate, Part(r.rate, ZERO, ZERO))
        if last:
            ht, vat = r.base - b.ht, r.vat - b.vat
        else:
            ht = max(to_cents(r.base * (taken_pct + pct) / HUNDRED) - b.ht, ZERO)
            vat = to_cents(ht * r.rate / HUNDRED)
        if ht or vat:
            out.append(Part(r.rate, ht, vat))
    return out


def to_amount(parts: Sequence[Part], ttc: Decimal) -> list[Part]:
    """Deposit parts brought to exactly `ttc` (the money received): the cents a percentage rounded
    off go to the largest part, split into HT and VAT at its rate; the others stay as they are."""
    out = list(parts)
    gap = ttc - sum((p.ht + p.vat for p in out), ZERO)
    if gap and out:
        k = max(range(len(out)), key=lambda i: out[i].ht)
        p = out[k]
        whole = p.ht + p.vat + gap
        ht = to_cents(whole * HUNDRED / (HUNDRED + p.rate))
        out[k] = Part(p.rate, ht, whole - ht)
    return out


def subtract(parts: Sequence[Part], already: Sequence[Part]) -> list[Part]:
    """Per rate, what is left of `parts` once `already` (e.g. credit notes issued) is taken off."""
    taken: dict[Decimal, Part] = {}
    for p in already:
        t = taken.get(p.rate, Part(p.rate, ZERO, ZERO))
        taken[p.rate] = Part(p.rate, t.ht + p.ht, t.vat + p.vat)
    out = []
    for p in parts:
        t = taken.get(p.rate, Part(p.rate, ZERO, ZERO))
        out.append(Part(p.rate, p.ht - t.ht, p.vat - t.vat))
    return out


def parts_of(totals: Totals) -> list[Part]:
    return [Part(r.rate, r.base, r.vat) for r in totals.per_rate]
