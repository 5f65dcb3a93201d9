"""Payment terms resolved to a calendar due date (domain.md §3).

Terms are the normalised texts of `fields.payment_terms`: « comptant », « N jours nets »,
« N jours fin de mois ». End-of-month terms have two accepted computations, agreed beforehand:
  A: invoice date + N days, then the end of that month;
  B: end of the invoice's month, then + N days.
An invoice always prints the resulting calendar date (a formula alone is not a due date).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_TERMS = re.compile(r"^(?:(comptant)|(\d{1,3}) jours (nets|fin de mois))$")


@dataclass(frozen=True)
class Terms:
    days: int  # 0 for « comptant »
    end_of_month: bool

    @property
    def text(self) -> str:
        if self.days == 0 and not self.end_of_month:
            return "comptant"
        return f"{self.days} jours {'fin de mois' if self.end_of_month else 'nets'}"


def parse(text: str) -> Terms:
    """Normalised terms text → Terms (ValueError if not one of the three forms)."""
    m = _TERMS.match((text or "").strip())
    if not m:
        raise ValueError(f"conditions de paiement non reconnues : {text!r}")
    if m.group(1):
        return Terms(0, False)
    return Terms(int(m.group(2)), m.group(3) == "fin de mois")


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date(issued: dt.date, terms: Terms, method: str = "A") -> dt.date:
    """The calendar due date of an invoice issued on `issued`. Never before `issued`."""
    if not terms.end_of_month:
        return issued + dt.timedelta(days=terms.days)
    if method == "B":
        return end_of_month(issued) + dt.timedelta(days=terms.days)
    return end_of_month(issued + dt.timedelta(days=terms.days))


def describe(terms: Terms, method: str = "A") -> str:
    """French wording printed next to the due date."""
    if not terms.end_of_month:
        return "paiement comptant, à réception" if terms.days == 0 else f"{terms.days} jours nets"
    how = ("date de facture + {n} jours, puis fin de mois" if method != "B"
           else "fin du mois de facture, puis + {n} jours")
    return f"{terms.days} jours fin de mois ({how.format(n=terms.days)})"
