"""The planning rules alone (pyxl.core.planning): hours, durations, wishes, the booking checks and the
exact search on a fixed week — Monday 9 November 2026, T01 on leave; Wednesday 11 November,
Armistice."""

from __future__ import annotations

import datetime as dt

import pytest

from pyxl.core import planning as pl

MON, TUE, WED, THU = (dt.date(2026, 11, d) for d in (9, 10, 11, 12))
HOLIDAYS = {WED: "Armistice"}
HOURS = pl.parse_hours(pl.DEFAULT_HOURS)
TRAVEL = pl.travel_table([("=", "=", 20), ("*", "*", 45), ("Lyon", "Villeurbanne", 25)])


def tech(code: str, skills: str, sector: str, certificates: str = "") -> pl.Technician:
    return pl.Technician(code, code, frozenset(skills.split(",")), sector, HOURS, 6, pl.parse_certificates(certificates))


T01 = tech("T01", "gaz,fioul", "Lyon")
T02 = tech("T02", "gaz,pac", "Isère", "fluides 2027-06-30")
T03 = tech("T03", "gaz,pac", "Lyon", "fluides 2026-11-10")  # expires on Tuesday evening
ABSENT = {"T01": [(MON, MON, "Congés")]}


def job(skill: str = "gaz", sector: str = "Lyon", duration: int = 90, wishes: str = "") -> pl.Job:
    return pl.Job("I00009", skill, duration, sector, pl.parse_wishes(wishes))


# --------------------------------------------------------------------------- parsing
def test_hours_of_the_week() -> None:
    h = pl.parse_hours("lun-ven 08:00-12:00 13:30-17:30 ; sam 08:00-12:00")
    assert h[0] == ((480, 720), (810, 1050)) and h[5] == ((480, 720),) and 6 not in h


@pytest.mark.parametrize("text", ["lun-ven", "lun-ven 08:00-07:00", "xyz 08:00-12:00", "lun 08:00-12:00 11:00-14:00",
                                  "ven-lun 08:00-12:00"])
def test_unreadable_hours_are_refused(text: str) -> None:
    with pytest.raises(pl.PlanningError):
        pl.parse_hours(text)


@pytest.mark.parametrize(("text", "minutes"), [("2h30", 150), ("2h", 120), ("90", 90), ("45min", 45), ("1:15", 75)])
def test_durations(text: str, minutes: int) -> None:
    assert pl.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["0h", "10", "11h", "deux heures", "2h75"])
def test_impossible_durations_are_refused(text: str) -> None:
    with pytest.raises(pl.PlanningError, match="durée"):
        pl.parse_duration(text)


def test_wishes() -> None:
    w = pl.parse_wishes("après-midi ; jours lun,jeu ; éviter 2026-11-12 ; au plus tôt")
    assert w.half == "après-midi" and w.days == {0, 3} and w.avoid == {THU} and w.earliest
    assert w.accepts(MON, 14 * 60) and not w.accepts(MON, 9 * 60) and not w.accepts(THU, 14 * 60)
    with pytest.raises(pl.PlanningError, match="inconnu"):
        pl.parse_wishes("le soir")


def test_travel_table_exact_pair_either_way_then_same_sector_then_any() -> None:
    assert TRAVEL("Villeurbanne", "Lyon") == 25 and TRAVEL("Lyon", "Lyon") == 20 and TRAVEL("Lyon", "Isère") == 45


# --------------------------------------------------------------------------- booking checks
def test_booking_checks_give_every_reason() -> None:
    busy = [pl.Booking("I00001", "T01", TUE, 9 * 60, 11 * 60, "Lyon")]
    assert pl.booking_problems(T01, job(), TUE, 14 * 60, 90, HOLIDAYS, [], busy) == []
    overlap = pl.booking_problems(T01, job(), TUE, 10 * 60, 90, HOLIDAYS, [], busy)
    assert overlap == ["T01 est déjà pris de 09:00 à 11:00 (intervention I00001)"]
    outside = pl.booking_problems(T01, job(), TUE, 11 * 60, 90, HOLIDAYS, [], [])
    assert outside == ["11:00-12:30 sort des horaires de T01 le mardi (08:00-12:00 et 13:30-17:30)"]
    assert pl.booking_problems(T01, job(), WED, 9 * 60, 90, HOLIDAYS, [], []) == [
        "le 11/11/2026 est un jour férié (Armistice)"]
    assert pl.booking_problems(T01, job(), MON, 9 * 60, 90, HOLIDAYS, ABSENT["T01"], []) == [
        "T01 est absent du 09/11/2026 au 09/11/2026 (congés)"]
    # the job ends exactly when the morning ends: allowed
    assert pl.booking_problems(T01, job(), TUE, 10 * 60 + 30, 90, HOLIDAYS, [], []) == []


def test_a_heat_pump_needs_a_valid_refrigerant_certificate() -> None:
    assert pl.booking_problems(T03, job("pac"), TUE, 9 * 60, 90, HOLIDAYS, [], []) == []
    problems = pl.booking_problems(T03, job("pac"), THU, 9 * 60, 90, HOLIDAYS, [], [])
    assert len(problems) == 1 and "certificat « fluides » valable le 12/11/2026 (expiré le 10/11/2026)" in problems[0]
    assert "n'a pas la compétence « PAC »" in pl.booking_problems(T01, job("pac"), TUE, 540, 90, HOLIDAYS, [], [])[0]


# --------------------------------------------------------------------------- the search
def propose(j: pl.Job, bookings: list[pl.Booking] | None = None, count: int = 4,
            techs: tuple[pl.Technician, ...] = (T01, T02), start: dt.date = MON) -> list[pl.Proposal]:
    return pl.propose(j, techs, bookings or [], HOLIDAYS, ABSENT, TRAVEL, start, count)


def test_the_fixed_week_absence_and_holiday() -> None:
    """Monday: T01 on leave, only T02 (from Isère); Tuesday: T01 first, at home in Lyon;
    Wednesday is skipped (Armistice)."""
    found = propose(job(), count=6)
    assert [(p.technician, p.day) for p in found] == [("T02", MON), ("T02", MON), ("T01", TUE), ("T01", TUE),
                                                     ("T02", TUE), ("T02", TUE)]
    assert "seul technicien gaz libre ce jour-là" in found[0].reason
    assert found[0].start == 8 * 60 + 45  # 45 min from Isère, rounded to the quarter hour
    assert found[2].start == 8 * 60 + 30 and found[2].reason.startswith("secteur habituel du technicien (Lyon)")
    assert all(p.day != WED for p in propose(job(), count=12))


def test_a_technician_already_in_the_sector_that_morning_comes_first() -> None:
    """T02 (home in Isère) has a visit in Lyon on Tuesday morning: for a Lyon job he comes before
    T01, whose home is Lyon, because the visit adds the least travel."""
    busy = [pl.Booking("I00001", "T02", TUE, 8 * 60 + 45, 10 * 60, "Lyon")]
    found = propose(job(), busy, start=TUE)
    first = found[0]
    assert (first.technician, first.day, first.start) == ("T02", TUE, 10 * 60 + 30)
    assert first.reason.startswith("déjà à Lyon ce matin") and first.travel == 20


def test_route_order_the_new_visit_goes_between_the_two_visits_of_its_sector() -> None:
    """T01's Tuesday: Lyon at 8:30, Isère at 14:00. A 60-minute Lyon job goes right after the Lyon visit
    (20 min of travel), not at the end of the afternoon after Isère."""
    busy = [pl.Booking("I00001", "T01", TUE, 8 * 60 + 30, 9 * 60 + 30, "Lyon"),
            pl.Booking("I00002", "T01", TUE, 14 * 60, 15 * 60, "Isère")]
    found = pl.propose(job(duration=60), (T01,), busy, HOLIDAYS, {}, TRAVEL, TUE, 2)
    assert [(p.start, p.travel) for p in found] == [(9 * 60 + 50 + 10, 20), (15 * 60 + 45, 45)]
    assert [b.job for b in pl.route(list(reversed(busy)))] == ["I00001", "I00002"]


def test_a_pac_job_is_never_proposed_without_the_certificate() -> None:
    found = pl.propose(job("pac"), (T01, T02, T03), [], HOLIDAYS, ABSENT, TRAVEL, THU, 6)
    assert {p.technician for p in found} == {"T02"}  # T01 has no PAC skill, T03's certificate expired
    assert "seul technicien PAC libre ce jour-là" in found[0].reason


def test_client_wishes_are_kept() -> None:
    found = propose(job(wishes="après-midi ; jours mar,jeu ; éviter 2026-11-10"), count=2)
    assert {p.day for p in found} == {THU} and all(p.start >= 13 * 60 for p in found)


def test_a_full_day_gives_no_slot() -> None:
    full = [pl.Booking(f"I{i}", "T01", TUE, s, s + 60, "Lyon") for i, s in enumerate((480, 570, 660, 810, 900, 990))]
    found = pl.propose(job(), (T01,), full, HOLIDAYS, {}, TRAVEL, TUE, 1)
    assert found[0].day == THU
