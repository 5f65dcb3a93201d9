"""Late-payment interest of one invoice, exactly as README-taux.md (data/README-taux.md) says.

Business client (art. L441-10 II, D441-5 C. com.): from the day after the due date, every day
late bears the rate of the half-year that contains it — the contractual rate when one is set,
else the ECB rate at 1 January / 1 July + 10 points — on the amount still owed including VAT
that day; plus the 40 € fixed recovery indemnity once per invoice. Under a collective procedure,
for a claim born before the opening judgment, the penalties stop on the judgment (L622-28 C. com.)
and the 40 € is due only when the due date came before it (the procedure did not forbid paying then). The 3 × legal-rate floor is shown beside the applied rate whenever it is higher
(for the default rate too: 2024), without choosing for the user; a contractual rate below it is
reported as an anomaly, not corrected.

Consumer (art. 1231-6 C. civ., L111-8 CPCE): never the 40 €; legal interest at the « autres
cas » rate (the creditor is a business) only from the day after the formal notice was
RECEIVED. Without that date, nothing is computed and the date is asked for.

Day count: simple interest, Σ base_d × rate_d / 100 / 365 (365 even in leap years), rounded to
the cent once, at the end. A payment or credit note dated D lowers the base from D + 1 (the day
the funds arrive is still a day late). A half-year without its rate row holds back only the
interest of its days, with a French warning asking for the row: never a guess, never a block.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pyxl.core.frformat import date_fr, interest_rate
from pyxl.core.money import euros, to_cents

INDEMNITY = Decimal("40")
# A contractual rate written « 3 fois le taux d'intérêt légal » (README-taux, step 2): the floor
# column of each day's half-year. A sentinel outside any real rate (rates are 0–100 %).
THREE_TIMES_LEGAL = Decimal("-3")
YEAR_DAYS = Decimal(365)
ZERO = Decimal("0.00")
ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------- rate tables
def half_year(day: dt.date) -> str:
    """« 2026-S1 » (1 January–30 June) or « 2026-S2 » (1 July–31 December)."""
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def half_bounds(half: str) -> tuple[dt.date, dt.date]:
    year, part = int(half[:4]), half[-1]
    if half[4:6] != "-S" or part not in "12" or len(half) != 7:
        raise ValueError(f"semestre invalide : {half!r}")
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if part == "1" else (dt.date(year, 7, 1), dt.date(year, 12, 31))


@dataclass(frozen=True)
class LegalRate:
    """Taux de l'intérêt légal of one half-year (arrêté published in the Journal officiel)."""

    half: str
    private: Decimal  # creditor is a private person
    other: Decimal  # « tous les autres cas »: SYC is a business
    source: str = ""


@dataclass(frozen=True)
class PenaltyRate:
    """B2B reference of one half-year: ECB rate at 1 Jan / 1 Jul, + 10 points, 3 × legal rate."""

    half: str
    ecb: Decimal
    default: Decimal
    floor: Decimal
    source: str = ""


@dataclass(frozen=True)
class RateTables:
    legal_rates: tuple[LegalRate, ...] = ()
    penalty_rates: tuple[PenaltyRate, ...] = ()
    _legal: dict[str, LegalRate] = field(default_factory=dict, compare=False, repr=False)
    _penalty: dict[str, PenaltyRate] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._legal.update({r.half: r for r in self.legal_rates})
        self._penalty.update({r.half: r for r in self.penalty_rates})

    def legal(self, half: str) -> LegalRate | None:
        return self._legal.get(half)

    def penalty(self, half: str) -> PenaltyRate | None:
        return self._penalty.get(half)


# --------------------------------------------------------------------------- the penalty clause
# The clause printed on a business invoice and stored with it at issue (L441-10 II C. com.): the
# default (ECB rate + 10 points), three times the legal rate, or a contractual percentage. The
# invoice's penalties are computed from ITS clause forever, whatever the parameter says later.
DEFAULT_CLAUSE = "BCE + 10 points"
THREE_TIMES_CLAUSE = "3 × taux légal"
REBUILT = " (reconstitué)"


THREE_TIMES_RE = re.compile(r"^3\s*(x|×|fois)(\s+le)?(\s+taux)?(\s+d'int[ée]r[êe]t)?(\s+l[ée]gal)?$", re.IGNORECASE)


def read_contractual_rate(text: str | None) -> tuple[Decimal | None, str]:
    """The parameter « Taux contractuel des pénalités »: (rate, warning). Empty: (None, "") = ECB +
    10 points. « 3x », « 3 fois le taux légal »: interest.THREE_TIMES_LEGAL. A percentage: itself.
    Anything else (typed straight into the sheet): None with a French warning — never silent."""
    raw = (text or "").strip()
    if not raw:
        return None, ""
    if THREE_TIMES_RE.match(raw.replace("’", "'")):
        return THREE_TIMES_LEGAL, ""
    try:
        value = Decimal(raw.replace(",", ".").removesuffix("%").strip())
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        return None, (f"Le paramètre « Taux contractuel des pénalités » vaut « {raw} », illisible : le taux BCE + 10 "
                      "points est appliqué. Corrigez-le (ex. 12,5 ou 3x pour trois fois le taux d'intérêt légal) : "
                      "syc parametres modifier taux_penalites_contractuel …")
    return value, ""


def clause_text(rate: Decimal | None) -> str:
    """« BCE + 10 points », « 3 × taux légal » or « 12,50 % »."""
    if rate is None:
        return DEFAULT_CLAUSE
    if rate == THREE_TIMES_LEGAL:
        return THREE_TIMES_CLAUSE
    return interest_rate(rate)


def clause_rate(text: str) -> tuple[Decimal | None, bool]:
    """(rate, readable) of a stored clause: the inverse of `clause_text` (« (reconstitué) » ignored)."""
    raw = text.removesuffix(REBUILT).strip()
    if raw == DEFAULT_CLAUSE:
        return None, True
    if raw == THREE_TIMES_CLAUSE:
        return THREE_TIMES_LEGAL, True
    try:
        value = Decimal(raw.removesuffix("%").strip().replace("\u202f", "").replace("\xa0", "").replace(",", "."))
    except ArithmeticError:
        return None, False
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        return None, False
    return value, True


def floor_of(tables: RateTables, half: str) -> Decimal | None:
    """Three times the legal rate (« autres cas ») of a half-year: the lowest contractual rate
    L441-10 II C. com. allows."""
    penalty = tables.penalty(half)
    if penalty is not None:
        return penalty.floor
    legal = tables.legal(half)
    return legal.other * 3 if legal else None


def later_floors_above(rate: Decimal, tables: RateTables, day: dt.date) -> list[tuple[str, Decimal]]:
    """The half-years after `day`'s whose floor rises above a contractual `rate`."""
    now = half_year(day)
    halves = sorted({r.half for r in tables.penalty_rates} | {r.half for r in tables.legal_rates})
    out = []
    for half in halves:
        floor = floor_of(tables, half)
        if half > now and floor is not None and floor > rate:
            out.append((half, floor))
    return out


# --------------------------------------------------------------------------- claim and result
@dataclass(frozen=True)
class Movement:
    """What lowers (positive) or raises again (negative: a reversed payment) the amount owed,
    from the day after `day`: payments and issued credit notes."""

    day: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Claim:
    due: dt.date
    amount: Decimal  # TTC of the invoice (what the client had to pay by `due`)
    business: bool
    movements: tuple[Movement, ...] = ()
    contractual_rate: Decimal | None = None  # business only; None = ECB + 10 points; THREE_TIMES_LEGAL
    notice_received: dt.date | None = None  # consumer: the day the formal notice was received
    # opening judgment of a collective procedure, for a claim born BEFORE it (the service decides):
    # it stops the penalties from its day (L622-28 C. com.; the judgment takes effect from the first
    # hour of its day), and the 40 € is due only if the due date came before it
    collective_since: dt.date | None = None


@dataclass(frozen=True)
class Span:
    """Consecutive days with the same base and the same rate."""

    start: dt.date
    end: dt.date  # inclusive
    days: int
    base: Decimal
    rate: Decimal
    rate_kind: str  # « BCE + 10 points », « contractuel », « taux légal »
    half: str
    floor: Decimal | None  # 3 × legal rate, only when it is higher than `rate`
    exact: Decimal  # unrounded interest of the span

    @property
    def interest(self) -> Decimal:
        """Shown per span; the total is rounded once from the exact amounts."""
        return to_cents(self.exact)


@dataclass(frozen=True)
class HeldBack:
    """Days late whose half-year has no rate row: their interest is not counted."""

    half: str
    start: dt.date
    end: dt.date
    days: int


@dataclass(frozen=True)
class Interest:
    spans: tuple[Span, ...]
    held_back: tuple[HeldBack, ...]
    interest: Decimal
    indemnity: Decimal
    days_late: int  # days from the day after the due date to the payment (or as_of)
    owed: Decimal  # TTC still owed on as_of
    warnings: tuple[str, ...]
    # a consumer's claim late but without the formal notice received: no interest runs yet
    awaiting_notice: bool = False

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


def _day(d: dt.date) -> str:
    return date_fr(d)


def owed_on(claim: Claim, day: dt.date) -> Decimal:
    """TTC still owed at the end of `day` (movements dated `day` included)."""
    return claim.amount - sum((m.amount for m in claim.movements if m.day <= day), ZERO)


def _late_days(claim: Claim, start: dt.date, as_of: dt.date) -> list[tuple[dt.date, dt.date, Decimal]]:
    """(first, last, base) pieces of the days from `start` to `as_of` with something owed; the
    base changes the day after a movement, and pieces are cut at half-year boundaries."""
    if start > as_of:
        return []
    cuts = {start, as_of + ONE_DAY}
    for m in claim.movements:
        if start <= m.day + ONE_DAY <= as_of:
            cuts.add(m.day + ONE_DAY)
    for year in range(start.year, as_of.year + 1):
        for month in (1, 7):
            d = dt.date(year, month, 1)
            if start < d <= as_of:
                cuts.add(d)
    edges = sorted(cuts)
    out = []
    for a, b in itertools.pairwise(edges):
        base = owed_on(claim, a - ONE_DAY)
        if base > 0:
            out.append((a, b - ONE_DAY, base))
    return out


def compute(claim: Claim, tables: RateTables, as_of: dt.date) -> Interest:
    """Interest and indemnity of `claim` owed on `as_of` (payments after as_of are not known yet)."""
    claim = replace(claim, movements=tuple(m for m in claim.movements if m.day <= as_of))
    warnings: list[str] = []
    owed = owed_on(claim, as_of)
    # days late: to the day the invoice was settled, or to as_of while something is owed
    pieces_all = _late_days(claim, claim.due + ONE_DAY, as_of)
    days_late = (pieces_all[-1][1] - claim.due).days if pieces_all else 0
    if claim.business:
        start = claim.due + ONE_DAY
    elif claim.notice_received is None:
        if days_late:
            warnings.append("Client particulier : les intérêts au taux légal ne courent qu'à compter de la réception "
                            "de la mise en demeure. Notez la date de réception de la mise en demeure (accusé de "
                            "réception) pour qu'ils soient calculés.")
        return Interest((), (), ZERO, Decimal(0), days_late, owed, tuple(warnings), awaiting_notice=bool(days_late))
    else:
        start = max(claim.notice_received, claim.due) + ONE_DAY
    spans: list[Span] = []
    held: list[HeldBack] = []
    floors_warned: set[str] = set()
    stop = as_of if claim.collective_since is None else min(as_of, claim.collective_since - ONE_DAY)
    for first, last, base in _late_days(claim, start, stop):
        half = half_year(first)
        days = (last - first).days + 1
        legal = tables.legal(half)
        floor: Decimal | None = None
        if claim.business:
            penalty = tables.penalty(half)
            three = legal.other * 3 if legal else None
            if claim.contractual_rate == THREE_TIMES_LEGAL:
                agreed = penalty.floor if penalty else three
                if agreed is None:
                    _hold(held, half, first, last, days)
                    continue
                rate, kind = agreed, "3 × taux légal (contractuel)"
            elif claim.contractual_rate is not None:
                rate, kind = claim.contractual_rate, "contractuel"
                floor = penalty.floor if penalty else three
            elif penalty is None:
                _hold(held, half, first, last, days)
                continue
            else:
                rate, kind, floor = penalty.default, "BCE + 10 points", penalty.floor
            if floor is not None and floor <= rate:
                floor = None
            if floor is not None and half not in floors_warned:
                floors_warned.add(half)
                if kind == "contractuel":
                    warnings.append(f"{half} : le taux contractuel ({interest_rate(rate)}) est inférieur au plancher de "
                                    f"trois fois le taux d'intérêt légal ({interest_rate(floor)}), ce que l'art. L441-10 "
                                    "du Code de commerce interdit : il est appliqué tel quel, faites vérifier vos "
                                    "conditions générales.")
                else:
                    warnings.append(f"{half} : trois fois le taux d'intérêt légal ({interest_rate(floor)}) dépasse le taux "
                                    f"BCE + 10 points appliqué ({interest_rate(rate)}). Le texte ne prévoit le plancher "
                                    "que pour un taux convenu : écart affiché, à faire trancher par votre conseil.")
        else:
            if legal is None:
                _hold(held, half, first, last, days)
                continue
            rate, kind = legal.other, "taux légal"
        exact = base * rate * days / 100 / YEAR_DAYS
        spans.append(Span(first, last, days, base, rate, kind, half, floor, exact))
    for h in held:
        table = "« Taux pénalités »" if claim.business else "« Taux légal »"
        warnings.append(f"Taux du semestre {h.half} absent de la feuille {table} : les intérêts du "
                        f"{_day(h.start)} au {_day(h.end)} ({h.days} jour{'s' if h.days > 1 else ''}) ne sont pas "
                        f"comptés. Ajoutez la ligne dès la publication du taux : syc taux ajouter {h.half} …")
    interest = to_cents(sum((s.exact for s in spans), Decimal(0)))
    due_before_judgment = claim.collective_since is None or claim.due < claim.collective_since
    indemnity = INDEMNITY if claim.business and days_late > 0 and due_before_judgment else Decimal(0)
    return Interest(tuple(spans), tuple(held), interest, indemnity, days_late, owed, tuple(warnings))


def _hold(held: list[HeldBack], half: str, first: dt.date, last: dt.date, days: int) -> None:
    if held and held[-1].half == half and held[-1].end + ONE_DAY == first:
        prev = held.pop()
        held.append(HeldBack(half, prev.start, last, prev.days + days))
    else:
        held.append(HeldBack(half, first, last, days))


def describe(r: Interest) -> list[str]:
    """One French line per span, for letters and the payment-order file (templates print, they
    do not compute)."""
    out = []
    for s in r.spans:
        line = (f"du {_day(s.start)} au {_day(s.end)} : {s.days} jour{'s' if s.days > 1 else ''} × "
                f"{euros(s.base)} × {interest_rate(s.rate)} ({s.rate_kind}) / 365 = {euros(s.interest)}")
        if s.floor is not None:
            line += f" — plancher 3 × taux légal : {interest_rate(s.floor)}"
        out.append(line)
    return out


def merge(results: Iterable[Interest]) -> tuple[Decimal, Decimal]:
    """Total interest and indemnities of several invoices."""
    rs = list(results)
    return sum((r.interest for r in rs), ZERO), sum((r.indemnity for r in rs), Decimal(0))
