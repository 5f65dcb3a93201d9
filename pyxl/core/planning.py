"""Planning rules: working hours, durations, client wishes, travel, the booking checks and the exact
search of free slots. Pure: the service hands over technicians, bookings, absences, holidays and
the travel table; nothing here reads a file or a clock.

The search is exact: for each day and each technician able to do the job it tries every gap
between the day's visits (kept in time order, which is the route order) and both half-days; with
ten visits a day at most that is a few hundred candidates a day, so no optimisation library.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DEFAULT_HOURS = "lun-ven 08:00-12:00 13:30-17:30"
NOON = 13 * 60  # a start before 13:00 is a morning visit
# a heat pump holds fluorinated refrigerant: only a holder of a valid handling certificate works on it
# (C. env. art. R543-99 and following, « attestation de capacité »)
CERTIFICATE_OF_SKILL = {"pac": "fluides", "climatisation": "fluides"}
SKILL_LABEL = {"pac": "PAC", "gaz": "gaz", "fioul": "fioul", "biomasse": "biomasse", "solaire": "solaire",
               "ramonage": "ramonage", "climatisation": "climatisation"}


class PlanningError(ValueError):
    """A value the planning cannot read (hours, duration, wishes): its French explanation."""


# --------------------------------------------------------------------------- parsing
def minutes_of(text: str) -> int:
    m = re.fullmatch(r"\s*([01]?\d|2[0-3])[:hH]([0-5]\d)\s*", text or "")
    if not m:
        raise PlanningError(f"l'heure « {text} » n'est pas au format HH:MM")
    return int(m.group(1)) * 60 + int(m.group(2))


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hours(text: str) -> dict[int, tuple[tuple[int, int], ...]]:
    """« lun-ven 08:00-12:00 13:30-17:30 ; sam 08:00-12:00 » → {weekday: ((start, end), …)}."""
    out: dict[int, tuple[tuple[int, int], ...]] = {}
    for part in re.split(r"[;\n]", text or DEFAULT_HOURS):
        words = part.split()
        if not words:
            continue
        days = _days(words[0])
        periods = []
        for w in words[1:]:
            m = re.fullmatch(r"(\d{1,2}[:h]\d{2})-(\d{1,2}[:h]\d{2})", w)
            if not m:
                raise PlanningError(f"la plage « {w} » n'est pas au format HH:MM-HH:MM")
            a, b = minutes_of(m.group(1)), minutes_of(m.group(2))
            if b <= a:
                raise PlanningError(f"la plage « {w} » finit avant de commencer")
            periods.append((a, b))
        if not periods:
            raise PlanningError(f"« {part.strip()} » : donnez au moins une plage horaire, ex. 08:00-12:00")
        periods.sort()
        for (_, e1), (s2, _) in itertools.pairwise(periods):
            if s2 < e1:
                raise PlanningError(f"« {part.strip()} » : deux plages se chevauchent")
        for d in days:
            out[d] = tuple(periods)
    return out


def _days(word: str) -> list[int]:
    w = word.lower().rstrip(",")
    if "-" in w:
        a, b = w.split("-", 1)
        if a[:3] not in DAYS or b[:3] not in DAYS:
            raise PlanningError(f"« {word} » : jours attendus lun, mar, mer, jeu, ven, sam, dim (ex. lun-ven)")
        i, j = DAYS.index(a[:3]), DAYS.index(b[:3])
        if j < i:
            raise PlanningError(f"« {word} » : le premier jour doit précéder le second")
        return list(range(i, j + 1))
    out = []
    for d in w.split(","):
        if d[:3] not in DAYS:
            raise PlanningError(f"« {word} » : jours attendus lun, mar, mer, jeu, ven, sam, dim (ex. lun-ven)")
        out.append(DAYS.index(d[:3]))
    return out


def parse_duration(text: str) -> int:
    """« 2h30 », « 2h », « 90 », « 90min », « 1:15 » → minutes (between 15 min and 10 h)."""
    t = (text or "").strip().lower().replace(" ", "")
    m = re.fullmatch(r"(\d{1,2})(?:h|:)(\d{2})?(?:min)?", t) or re.fullmatch(r"()(\d{1,3})(?:min|mn|m)?", t)
    if not m:
        raise PlanningError(f"la durée « {text} » est illisible : écrivez par exemple 2h30, 1h ou 45min")
    if m.group(1) and int(m.group(2) or 0) >= 60:
        raise PlanningError(f"la durée « {text} » est illisible : les minutes vont de 00 à 59")
    total = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    if not 15 <= total <= 600:
        raise PlanningError(f"la durée « {text} » est impossible : entre 15 minutes et 10 heures")
    return total


def parse_certificates(text: str) -> dict[str, dt.date]:
    """« fluides 2027-06-30 ; qualigaz 2026-12-31 » → {name: valid until}."""
    out: dict[str, dt.date] = {}
    for part in re.split(r"[;,\n]", text or ""):
        words = part.split()
        if not words:
            continue
        if len(words) != 2:
            raise PlanningError(f"certificat « {part.strip()} » : écrivez « nom AAAA-MM-JJ » (ex. fluides 2027-06-30)")
        try:
            until = dt.date.fromisoformat(words[1])
        except ValueError:
            raise PlanningError(f"certificat « {part.strip()} » : la date {words[1]} est illisible "
                                "(AAAA-MM-JJ)") from None
        out[words[0].lower()] = until
    return out


@dataclass(frozen=True)
class Wishes:
    """The client's wishes: preferred weekdays, a half-day, days to avoid, « au plus tôt »."""

    days: frozenset[int] = frozenset()
    half: str = ""  # "matin" | "après-midi" | ""
    avoid: frozenset[dt.date] = frozenset()
    earliest: bool = False

    def accepts(self, day: dt.date, start: int) -> bool:
        if self.days and day.weekday() not in self.days:
            return False
        if day in self.avoid:
            return False
        if self.half == "matin" and start >= NOON:
            return False
        return not (self.half == "après-midi" and start < NOON)


def parse_wishes(text: str) -> Wishes:
    days: set[int] = set()
    avoid: set[dt.date] = set()
    half, earliest = "", False
    for part in re.split(r"[;\n]", text or ""):
        p = part.strip().lower()
        if not p:
            continue
        if p in ("matin", "le matin"):
            half = "matin"
        elif p in ("après-midi", "apres-midi", "l'après-midi", "aprem"):
            half = "après-midi"
        elif p in ("au plus tôt", "au plus tot", "urgent"):
            earliest = True
        elif p.startswith("jours"):
            days.update(_days(p.split(None, 1)[1] if " " in p else ""))
        elif p.startswith(("éviter", "eviter")):
            for d in re.split(r"[ ,]+", p.split(None, 1)[1] if " " in p else ""):
                try:
                    avoid.add(dt.date.fromisoformat(d))
                except ValueError:
                    raise PlanningError(f"souhait « {part.strip()} » : date {d} illisible (AAAA-MM-JJ)") from None
        else:
            raise PlanningError(f"souhait « {part.strip()} » inconnu : matin, après-midi, jours lun,mar, "
                                "éviter AAAA-MM-JJ, au plus tôt (séparés par des points-virgules)")
    return Wishes(frozenset(days), half, frozenset(avoid), earliest)


# --------------------------------------------------------------------------- the inputs
@dataclass(frozen=True)
class Technician:
    code: str
    name: str
    skills: frozenset[str]
    sector: str
    hours: Mapping[int, tuple[tuple[int, int], ...]]
    capacity: int = 8
    certificates: Mapping[str, dt.date] = field(default_factory=dict)

    def certified(self, skill: str, day: dt.date) -> bool:
        needed = CERTIFICATE_OF_SKILL.get(skill)
        return needed is None or (needed in self.certificates and self.certificates[needed] >= day)


@dataclass(frozen=True)
class Booking:
    """A visit already in a technician's day."""

    job: str
    technician: str
    day: dt.date
    start: int
    end: int
    sector: str


@dataclass(frozen=True)
class Job:
    id: str
    skill: str
    duration: int
    sector: str
    wishes: Wishes = Wishes()


@dataclass(frozen=True)
class Proposal:
    technician: str
    day: dt.date
    start: int
    duration: int
    travel: int  # minutes of travel the visit adds to the technician's day
    reason: str

    @property
    def end(self) -> int:
        return self.start + self.duration


Travel = Callable[[str, str], int]


def travel_table(rows: Iterable[tuple[str, str, int]], same: str = "=", anything: str = "*") -> Travel:
    """The travel time between two sectors from the table's rows: the exact pair (either way), else
    « = » within one sector, else « * »; 45 and 20 minutes when the table says nothing."""
    pairs: dict[tuple[str, str], int] = {}
    for a, b, minutes in rows:
        pairs[(a.strip().casefold(), b.strip().casefold())] = int(minutes)
    same_time = pairs.get((same, same), 20)
    other_time = pairs.get((anything, anything), 45)

    def time(a: str, b: str) -> int:
        x, y = (a or "").strip().casefold(), (b or "").strip().casefold()
        if (x, y) in pairs:
            return pairs[(x, y)]
        if (y, x) in pairs:
            return pairs[(y, x)]
        return same_time if x == y else other_time

    return time


# --------------------------------------------------------------------------- the checks
def day_problem(tech: Technician, day: dt.date, holidays: Mapping[dt.date, str],
                absences: Sequence[tuple[dt.date, dt.date, str]]) -> str:
    """Why `tech` cannot work on `day` ('' when he can)."""
    if day in holidays:
        return f"le {day:%d/%m/%Y} est un jour férié ({holidays[day]})"
    for a, b, reason in absences:
        if a <= day <= b:
            return f"{tech.code} est absent du {a:%d/%m/%Y} au {b:%d/%m/%Y} ({reason.lower()})"
    if not tech.hours.get(day.weekday()):
        return f"{tech.code} ne travaille pas le {DAY_NAMES[day.weekday()]}"
    return ""


def booking_problems(tech: Technician, job: Job, day: dt.date, start: int, duration: int,
                     holidays: Mapping[dt.date, str], absences: Sequence[tuple[dt.date, dt.date, str]],
                     booked: Sequence[Booking]) -> list[str]:
    """Every reason the booking is impossible (empty: it can be made). `booked` is the
    technician's other visits that day."""
    problems = []
    if job.skill not in tech.skills:
        problems.append(f"{tech.code} n'a pas la compétence « {SKILL_LABEL.get(job.skill, job.skill)} »")
    elif not tech.certified(job.skill, day):
        cert = CERTIFICATE_OF_SKILL[job.skill]
        until = tech.certificates.get(cert)
        problems.append(f"{tech.code} n'a pas de certificat « {cert} » valable le {day:%d/%m/%Y}"
                        + (f" (expiré le {until:%d/%m/%Y})" if until else "")
                        + " : exigé pour les fluides frigorigènes (art. R543-99 C. env.)")
    why = day_problem(tech, day, holidays, absences)
    if why:
        problems.append(why)
        return problems
    end = start + duration
    if not any(a <= start and end <= b for a, b in tech.hours[day.weekday()]):
        plages = " et ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in tech.hours[day.weekday()])
        problems.append(f"{hhmm(start)}-{hhmm(end)} sort des horaires de {tech.code} le "
                        f"{DAY_NAMES[day.weekday()]} ({plages})")
    for b in booked:
        if b.start < end and start < b.end:
            problems.append(f"{tech.code} est déjà pris de {hhmm(b.start)} à {hhmm(b.end)} (intervention {b.job})")
    if len(booked) >= tech.capacity:
        problems.append(f"{tech.code} a déjà {len(booked)} interventions ce jour (au plus {tech.capacity})")
    return problems


# --------------------------------------------------------------------------- the search
def propose(job: Job, techs: Sequence[Technician], bookings: Sequence[Booking], holidays: Mapping[dt.date, str],
            absences: Mapping[str, Sequence[tuple[dt.date, dt.date, str]]], travel: Travel,
            start_day: dt.date, count: int = 3, horizon: int = 90) -> list[Proposal]:
    """The first `count` slots from `start_day`, day by day; within a day the technician already in
    or next to the job's sector first (least added travel), each with its reason."""
    by_tech_day: dict[tuple[str, dt.date], list[Booking]] = {}
    for b in bookings:
        by_tech_day.setdefault((b.technician, b.day), []).append(b)
    able = [t for t in techs if job.skill in t.skills]
    out: list[Proposal] = []
    for offset in range(horizon):
        day = start_day + dt.timedelta(days=offset)
        if day in holidays or (job.wishes.days and day.weekday() not in job.wishes.days) or day in job.wishes.avoid:
            continue
        found: list[tuple[tuple[int, int, int, str], Proposal, list[Booking]]] = []
        free_techs = 0
        for t in able:
            if not t.certified(job.skill, day) or day_problem(t, day, {}, absences.get(t.code, ())):
                continue
            visits = sorted(by_tech_day.get((t.code, day), []), key=lambda b: b.start)
            if len(visits) >= t.capacity:
                continue
            slots = _slots(t, job, day, visits, travel)
            if slots:
                free_techs += 1
            for start, added in slots:
                near = any(v.sector.casefold() == job.sector.casefold() for v in visits)
                home = t.sector.casefold() == job.sector.casefold()
                key = (0 if near else 1 if home else 2, added, start, t.code)
                found.append((key, Proposal(t.code, day, start, job.duration, added, ""), visits))
        found.sort(key=lambda f: f[0])
        seen: set[tuple[str, bool]] = set()
        for key, p, visits in found:
            half = (p.technician, p.start < NOON)
            if half in seen:
                continue
            seen.add(half)
            out.append(_explained(p, key[0], visits, job, free_techs, techs))
            if len(out) >= count:
                return out
    return out


def _slots(t: Technician, job: Job, day: dt.date, visits: Sequence[Booking], travel: Travel) -> list[tuple[int, int]]:
    """(start, added travel) of the earliest start in each gap of each working period where the job
    fits with the travel from the stop before (home sector at the start of the day) and to the
    visit after. The travel to the first visit of an afternoon is taken from the lunch break."""
    out = []
    for i, (a, b) in enumerate(t.hours[day.weekday()]):
        before = [v for v in visits if v.end <= a]
        inside = [v for v in visits if a <= v.start < b]
        last_end, last_sector = (before[-1].end, before[-1].sector) if before else (a, t.sector)
        stops: list[tuple[int | None, str]] = [(None, last_sector)] + [(v.end, v.sector) for v in inside]
        nexts: list[tuple[int, str | None]] = [(v.start, v.sector) for v in inside] + [(b, None)]
        for (end_prev, sec_prev), (start_next, sec_next) in zip(stops, nexts, strict=True):
            go = travel(sec_prev, job.sector)
            start = (a + go if i == 0 else max(a, last_end + go)) if end_prev is None else end_prev + go
            start = -(-start // 15) * 15  # quarter hours
            back = travel(job.sector, sec_next) if sec_next is not None else 0
            if start + job.duration + back > start_next or start + job.duration > b:
                continue
            if not job.wishes.accepts(day, start):
                continue
            direct = travel(sec_prev, sec_next) if sec_next is not None else 0
            out.append((start, go + back - direct))
    return out


def _explained(p: Proposal, rank: int, visits: Sequence[Booking], job: Job, free_techs: int,
               techs: Sequence[Technician]) -> Proposal:
    half = "ce matin" if p.start < NOON else "cet après-midi"
    same_half = [v for v in visits if v.sector.casefold() == job.sector.casefold() and (v.start < NOON) == (p.start < NOON)]
    if same_half:
        why = f"déjà à {job.sector} {half}"
    elif rank == 0:
        why = f"déjà dans le secteur {job.sector} ce jour-là"
    elif rank == 1:
        why = f"secteur habituel du technicien ({job.sector})"
    else:
        why = "premier créneau libre"
    if free_techs == 1 and sum(1 for t in techs if job.skill in t.skills) > 1:
        why += f" ; seul technicien {SKILL_LABEL.get(job.skill, job.skill)} libre ce jour-là"
    elif sum(1 for t in techs if job.skill in t.skills) == 1:
        why += f" ; seul technicien {SKILL_LABEL.get(job.skill, job.skill)}"
    why += f" ; trajet ajouté {p.travel} min"
    return Proposal(p.technician, p.day, p.start, p.duration, p.travel, why)


def route(visits: Sequence[Booking]) -> list[Booking]:
    """A day's visits in route order: by start time (the search placed them so travel is least)."""
    return sorted(visits, key=lambda v: v.start)
