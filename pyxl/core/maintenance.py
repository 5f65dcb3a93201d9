"""Maintenance contracts: how often a visit is due, the attestation's deadline and the renewal
notice of a tacitly renewed contract. Pure date rules, each with `as_of` where the calendar matters.

- Boilers of 4 to 400 kW (gas, fuel, THPE, biomass): a visit every year (décret 2009-649, C. env.
  R224-41-4 and following); the attestation is handed within 15 days (arrêté du 15 septembre 2009).
- Heat pumps of 4 to 70 kW: a visit at least every two years (décret 2020-912); above 70 kW every
  five years. Other equipment under contract: yearly, by contract practice.
- Renewal notice (art. L215-1 C. conso, and L215-3 for non-professionals): the professional informs
  the consumer in writing between three months and one month before the last day he may refuse the
  renewal; without it the consumer may end the contract at any time after the renewal, and the
  advances for the period after the end are refunded within 30 days.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pyxl.core.kinds import ELIGIBLE_HEAT_PUMPS, Category
from pyxl.core.money import to_cents

BOILERS = (Category.GAS_BOILER, Category.OIL_BOILER, Category.THPE_BOILER, Category.BIOMASS)
HEAT_PUMPS = (*ELIGIBLE_HEAT_PUMPS, Category.HEAT_PUMP_AIR_AIR, Category.HEAT_PUMP_UNCLASSIFIED)
ATTESTATION_DAYS = 15
REFUND_DAYS = 30
SKILL_OF = {Category.GAS_BOILER: "gaz", Category.THPE_BOILER: "gaz", Category.OIL_BOILER: "fioul",
            Category.BIOMASS: "biomasse"}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cadence(category: str, power_kw: Decimal | None) -> tuple[int, str]:
    """(months between two visits, why) for an equipment."""
    if category in BOILERS:
        return 12, "chaudière : entretien annuel (décret 2009-649, art. R224-41-4 C. env.)"
    if category in HEAT_PUMPS:
        if power_kw is not None and Decimal(4) <= power_kw <= Decimal(70):
            return 24, "pompe à chaleur de 4 à 70 kW : entretien tous les deux ans au moins (décret 2020-912)"
        if power_kw is not None and power_kw > Decimal(70):
            return 60, "pompe à chaleur de plus de 70 kW : entretien tous les cinq ans au moins (décret 2020-912)"
    return 12, "visite annuelle prévue au contrat"


def skill(category: str) -> str:
    """The technician's skill a visit of this equipment needs."""
    return "pac" if category in HEAT_PUMPS else SKILL_OF.get(category, "gaz")  # type: ignore[call-overload]


def visit_due(start: dt.date, last_visit: dt.date | None, installed_on: dt.date | None, months: int) -> dt.date:
    """The next visit: `months` after the last maintenance (visit, else putting into service), never
    before the contract starts; with nothing known, at the start."""
    base = last_visit or installed_on
    if base is None:
        return start
    return max(start, add_months(base, months))


def attestation_deadline(visit: dt.date) -> dt.date:
    return visit + dt.timedelta(days=ATTESTATION_DAYS)


@dataclass(frozen=True)
class Renewal:
    """One tacit renewal of a contract and its notice window."""

    renewal: dt.date  # the day the contract renews
    refusal_deadline: dt.date  # the last day the client may refuse the renewal
    window_start: dt.date  # the notice is sent from this day…
    window_end: dt.date  # …to this day (one month before the deadline)


def renewal_of(anniversary: dt.date, notice_days: int, k: int) -> Renewal:
    """The k-th renewal (k = 0: the first anniversary)."""
    renewal = add_months(anniversary, 12 * k)
    deadline = renewal - dt.timedelta(days=notice_days)
    return Renewal(renewal, deadline, add_months(deadline, -3), add_months(deadline, -1))


def next_renewal(anniversary: dt.date, notice_days: int, as_of: dt.date) -> Renewal:
    """The first renewal whose refusal deadline is today or later."""
    k = 0
    while renewal_of(anniversary, notice_days, k).refusal_deadline < as_of:
        k += 1
    return renewal_of(anniversary, notice_days, k)


def renewal_after(anniversary: dt.date, notice_days: int, as_of: dt.date) -> Renewal:
    """The first renewal after `as_of`."""
    k = 0
    while renewal_of(anniversary, notice_days, k).renewal <= as_of:
        k += 1
    return renewal_of(anniversary, notice_days, k)


def last_renewal(anniversary: dt.date, notice_days: int, as_of: dt.date) -> Renewal | None:
    """The last renewal on or before `as_of` (None before the first one)."""
    if as_of < anniversary:
        return None
    k = 0
    while renewal_of(anniversary, notice_days, k + 1).renewal <= as_of:
        k += 1
    return renewal_of(anniversary, notice_days, k)


def notice_sent_for(r: Renewal, sent_on: dt.date | None) -> bool:
    """A notice counts for a renewal when it was sent inside its window."""
    return sent_on is not None and r.window_start <= sent_on <= r.window_end


def refund(price_ht: Decimal, r: Renewal, end: dt.date) -> Decimal:
    """The advance for the part of the renewed year after `end`, by days (HT)."""
    year_end = add_months(r.renewal, 12)
    total = (year_end - r.renewal).days
    left = max(0, (year_end - end).days)
    return to_cents(price_ht * Decimal(left) / Decimal(total))
