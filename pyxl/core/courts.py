"""The pilot commercial courts of loi 2023-1059 art. 26 (« tribunaux des activités économiques »),
as dated data: the décret 2024-674 of 5 July 2024 names twelve tribunaux de commerce that become
tribunaux des activités économiques (TAE) for four years, 1 January 2025 – 31 December 2028. In
their territory they also hear the disputes of non-trading professionals (farmers, independent
professions other than the regulated legal ones) that otherwise go to the tribunal judiciaire, and
payment orders against them. The territory of a court is its ressort, wider than its seat: SYC
Gestion matches the debtor's département and says so, the user checks the ressort.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class PilotCourt:
    seat: str  # the city of the tribunal
    departement: str  # the département of its seat (the ressort may be narrower)
    valid_from: dt.date = dt.date(2025, 1, 1)
    valid_to: dt.date = dt.date(2028, 12, 31)

    @property
    def name(self) -> str:
        return f"Tribunal des activités économiques de {self.seat}"

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


SOURCE = ("loi n° 2023-1059 du 20 novembre 2023, art. 26 ; décret n° 2024-674 du 5 juillet 2024 "
          "(expérimentation du 1er janvier 2025 au 31 décembre 2028)")

PILOT_COURTS: tuple[PilotCourt, ...] = tuple(PilotCourt(seat, dep) for seat, dep in (
    ("Auxerre", "89"), ("Avignon", "84"), ("Le Havre", "76"), ("Le Mans", "72"), ("Limoges", "87"),
    ("Lyon", "69"), ("Marseille", "13"), ("Nancy", "54"), ("Nanterre", "92"), ("Paris", "75"),
    ("Saint-Brieuc", "22"), ("Versailles", "78"),
))


def pilot_court_for(postcode: str, day: dt.date) -> PilotCourt | None:
    """The pilot court whose seat is in the debtor's département, on `day` (None outside the
    experiment or elsewhere)."""
    dep = (postcode or "").strip()[:2]
    for court in PILOT_COURTS:
        if court.departement == dep and court.in_force(day):
            return court
    return None
