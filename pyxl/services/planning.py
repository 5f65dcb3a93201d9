"""Technicians, their absences, interventions and their booking: the use cases of `syc technicien`,
`syc planning` and `syc intervention`. The rules are in `pyxl.core.planning`; here the rows are read,
the holidays looked up (the `holidays` package, Alsace-Moselle days by the firm's postcode) and the
change sets made. A booking is checked against the rows read inside the store's session lock, so
two people booking the same technician at the same time cannot both succeed: the second one reads
the first one's booking and is refused."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pyxl.core import fields
from pyxl.core import planning as pl
from pyxl.core import workflow as wf
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.services import salesdocs as sd
from pyxl.services.common import Collector, Result, record_update
from pyxl.workbook.schema import ABSENCE_REASONS, NO, SKILLS, T_TECHNICIANS, YES
from pyxl.workbook.store import ChangeSet, Row, Store

SKILL_ALIASES = {"pompe-a-chaleur": "pac", "clim": "climatisation", "bois": "biomasse", "granules": "biomasse"}
REASON_ALIASES = {"conges": "Congés", "conge": "Congés", "cp": "Congés", "formation": "Formation",
                  "maladie": "Maladie", "arret": "Maladie", "autre": "Autre"}
DEFAULT_DURATION = 120
DEFAULT_CAPACITY = 6


def refuse(code: str, where: str, message: str) -> Refused:
    return Refused(Issue(code, f"{where} : {message}", where))


# --------------------------------------------------------------------------- holidays
def holidays_for(store: Store, years: range | list[int]) -> dict[dt.date, str]:
    """French public holidays (French names), with the Alsace-Moselle days (Good Friday, 26 December)
    when the firm's postcode (Paramètres) is in the Moselle (57), Bas-Rhin (67) or Haut-Rhin (68)."""
    import holidays

    dept = str(store.parameters().get("code_postal") or "").strip()[:2]
    subdiv = {"57": "57", "67": "6AE", "68": "6AE"}.get(dept)
    days = holidays.country_holidays("FR", subdiv=subdiv, years=list(years), language="fr")
    return {d: str(name) for d, name in days.items()}


# --------------------------------------------------------------------------- technicians
@dataclass
class TechnicianInput:
    name: str | None = None
    skills: str | None = None
    sector: str | None = None
    phone: str | None = None
    email: str | None = None
    hours: str | None = None
    capacity: str | None = None
    certificates: str | None = None
    active: str | None = None
    notes: str | None = None


def _tech_values(c: Collector, given: TechnicianInput, *, new: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if new or given.name is not None:
        out["name"] = c.check("tech.name", lambda: fields.text(given.name, label="Le nom", required=True, max_len=100))
    if new or given.skills is not None:
        out["skills"] = c.check("tech.skills", lambda: skills_of(given.skills or "", required=True))
    if given.sector is not None:
        out["sector"] = c.check("tech.sector", lambda: fields.text(given.sector, label="Le secteur", max_len=60))
    if given.phone is not None:
        out["phone"] = c.check("tech.phone", lambda: fields.phone(given.phone))
    if given.email is not None:
        out["email"] = c.check("tech.email", lambda: fields.email(given.email))
    if new or given.hours is not None:
        text = (given.hours or "").strip() or pl.DEFAULT_HOURS
        try:
            pl.parse_hours(text)
            out["hours"] = text
        except pl.PlanningError as exc:
            c.error("tech.hours", f"horaires : {exc}.")
    if new or given.capacity is not None:
        out["capacity"] = c.check("tech.capacity", lambda: fields.integer(
            given.capacity or str(DEFAULT_CAPACITY), label="La capacité par jour", minimum=1, maximum=12))
    if given.certificates is not None:
        try:
            pl.parse_certificates(given.certificates)
            out["certificates"] = given.certificates.strip()
        except pl.PlanningError as exc:
            c.error("tech.certificates", f"{exc}.")
    if new or given.active is not None:
        out["active"] = c.check("tech.active", lambda: fields.choice(given.active or YES, (YES, NO), label="Actif"))
    if given.notes is not None:
        out["notes"] = c.check("tech.notes", lambda: fields.text(given.notes, label="La remarque", max_len=500))
    return out


def skills_of(text: str, *, required: bool = False) -> str:
    items = [w.strip() for w in re.split(r"[,;]", text) if w.strip()]
    if not items and required:
        raise fields.FieldError(f"Les compétences sont obligatoires : {', '.join(SKILLS)}.")
    out = []
    for w in items:
        out.append(fields.choice(w, SKILLS, label="La compétence", aliases=SKILL_ALIASES))
    return ", ".join(dict.fromkeys(out))


def add_technician(store: Store, given: TechnicianInput, as_of: dt.date) -> Result:
    c = Collector(f"Technicien {fields.shown(given.name or '?')}")
    values = _tech_values(c, given, new=True)
    warnings = c.raise_if_errors()
    codes = [int(m.group(1)) for r in store.rows("tTechniciens") if (m := re.fullmatch(r"T(\d+)", str(r["code"] or "")))]
    code = f"T{max(codes, default=0) + 1:02d}"
    row = {"code": code, **values}
    res = Result(warnings=warnings)
    res.changes.append("tTechniciens", row)
    res.message = (f"Technicien {code} ({values['name']}) ajouté : {values['skills']}.\n"
                   f"Étape suivante : syc technicien absence {code} --debut … --fin … --motif conges (s'il y a lieu), "
                   "puis syc planning proposer --commande NUM")
    res.data = {"code": code, "technicien": tech_json(row)}
    return res


def get_technician(store: Store, code: str) -> Row:
    return sd.get_row(store, "tTechniciens", "code", code, "Technicien", "Voyez la liste avec « syc technicien liste ».")


def modify_technician(store: Store, code: str, given: TechnicianInput) -> Result:
    row = get_technician(store, code)
    c = Collector(f"Technicien {row['code']} ({row.where})")
    values = _tech_values(c, given, new=False)
    warnings = c.raise_if_errors()
    changed = {k: v for k, v in values.items() if v != (row[k] if row[k] is not None else "")}
    res = Result(warnings=warnings)
    record_update(res, T_TECHNICIANS, row, changed, f"Technicien {row['code']}")
    return res


def list_technicians(store: Store) -> list[Row]:
    return sorted(store.rows("tTechniciens"), key=lambda r: str(r["code"]))


def tech_json(values: Any) -> dict[str, Any]:
    v = values.values if isinstance(values, Row) else values
    return {k: ("" if v.get(k) is None else v.get(k)) for k in T_TECHNICIANS.keys}


def add_absence(store: Store, code: str, start: dt.date, end: dt.date, reason: str, notes: str = "") -> Result:
    row = get_technician(store, code)
    where = f"Technicien {row['code']} ({row.where})"
    if end < start:
        raise refuse("absence.dates", where, f"l'absence finit le {sd.day(end)}, avant de commencer le {sd.day(start)}.")
    try:
        why = fields.choice(reason, ABSENCE_REASONS, label="Le motif", required=True, aliases=REASON_ALIASES)
    except fields.FieldError as exc:
        raise refuse("absence.motif", where, fields.after_colon(str(exc))) from None
    clash = [j for j in store.rows("tInterventions") if j["technician"] == row["code"]
             and j["status"] in wf.BOOKED_JOB_STATES and j["date"] and start <= j["date"] <= end]
    res = Result()
    res.changes.append("tAbsences", {"technician": row["code"], "start": start, "end": end, "reason": why,
                                     "notes": notes})
    res.message = f"Absence de {row['code']} ({row['name']}) du {sd.day(start)} au {sd.day(end)} : {why.lower()}."
    if clash:
        res.warnings.append(Issue("absence.interventions", f"{row['code']} a déjà "
                                  f"{len(clash)} intervention(s) pendant cette absence : "
                                  f"{', '.join(str(j['id']) for j in clash)} ; déplacez-les (syc planning deplacer).",
                                  where, Severity.WARNING))
    res.data = {"technicien": row["code"], "du": start, "au": end, "motif": why,
                "interventions_a_deplacer": [str(j["id"]) for j in clash]}
    return res


# --------------------------------------------------------------------------- reading the planning
def technician_of(row: Row) -> pl.Technician:
    return pl.Technician(
        code=str(row["code"]), name=str(row["name"] or ""),
        skills=frozenset(s.strip() for s in str(row["skills"] or "").split(",") if s.strip()),
        sector=str(row["sector"] or ""), hours=pl.parse_hours(str(row["hours"] or "") or pl.DEFAULT_HOURS),
        capacity=int(row["capacity"] or DEFAULT_CAPACITY),
        certificates=pl.parse_certificates(str(row["certificates"] or "")))


def active_technicians(store: Store) -> list[pl.Technician]:
    return [technician_of(r) for r in list_technicians(store) if r["active"] != NO]


def absences_by_tech(store: Store) -> dict[str, list[tuple[dt.date, dt.date, str]]]:
    out: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for r in store.rows("tAbsences"):
        if r["start"] and r["end"]:
            out.setdefault(str(r["technician"]), []).append((r["start"], r["end"], str(r["reason"] or "")))
    return out


def bookings_of(rows: list[Row], skip: str = "") -> list[pl.Booking]:
    out = []
    for j in rows:
        if j["status"] in wf.BOOKED_JOB_STATES and j["technician"] and j["date"] and j["start"] and j["id"] != skip:
            start = pl.minutes_of(str(j["start"]))
            out.append(pl.Booking(str(j["id"]), str(j["technician"]), j["date"], start,
                                  start + int(j["duration"] or DEFAULT_DURATION), str(j["sector"] or "")))
    return out


def travel_of(store: Store) -> pl.Travel:
    return pl.travel_table((str(r["from_sector"] or ""), str(r["to_sector"] or ""), int(r["minutes"] or 0))
                           for r in store.rows("tTrajets"))


def job_of(row: Row) -> pl.Job:
    try:
        wishes = pl.parse_wishes(str(row["wishes"] or ""))
    except pl.PlanningError:
        wishes = pl.Wishes()
    return pl.Job(str(row["id"]), str(row["skill"]), int(row["duration"] or DEFAULT_DURATION),
                  str(row["sector"] or ""), wishes)


# --------------------------------------------------------------------------- interventions
def get_job(store: Store, job_id: str) -> Row:
    return sd.get_row(store, "tInterventions", "id", job_id, "Intervention",
                      "Voyez « syc planning voir » ou créez-la (syc intervention creer --commande NUM).")


def skill_of_order(store: Store, order: Row) -> str:
    """The skill an order's works need, from its quote's lines (heat pump, fuel, biomass; else gas)."""
    cats = {str(ln["category"] or "") for ln in store.rows_where("tLignesDevis", "quote", {str(order["quote"])})}
    if any(c.startswith("PAC") or c == "Chauffe-eau thermodynamique" for c in cats):
        return "pac"
    if "Chaudière fioul" in cats:
        return "fioul"
    if "Biomasse" in cats:
        return "biomasse"
    return "gaz"


def duration_of_order(store: Store, order: Row) -> int:
    """The labour hours of the quote (unit « h »), else two hours."""
    hours = sum((ln["qty"] or 0) for ln in store.rows_where("tLignesDevis", "quote", {str(order["quote"])})
                if ln["unit"] == "h")
    minutes = int(hours * 60) if hours else DEFAULT_DURATION
    return max(30, min(minutes, 600))


def _site_of_client(store: Store, code: str) -> tuple[Row, str]:
    from pyxl.services.clients import get_client

    client = get_client(store, code)
    site = ", ".join(str(x) for x in (client["address"], client["address2"],
                                      f"{client['postcode'] or ''} {client['city'] or ''}".strip()) if x)
    return client, site


def new_job(store: Store, changes: ChangeSet, *, client: str, order: str = "", contract: str = "", work: str = "",
            skill: str, duration: int, wishes: str = "", due: dt.date | None = None,
            append: bool = True) -> dict[str, Any]:
    """A job row « À planifier » (its number from the counter), appended to `changes` unless the
    caller appends it itself once completed."""
    c, site = _site_of_client(store, client)
    number = _job_number(store, changes)
    row = {"id": number, "order": order, "contract": contract, "client": c["code"],
           "client_name": sd.client_name(c), "site": site, "sector": str(c["sector"] or ""), "work": work,
           "skill": skill, "duration": duration, "status": wf.J_TO_PLAN, "wishes": wishes, "visit_due": due, "sequence": 0}
    if append:
        changes.append("tInterventions", row)
    return row


def _job_number(store: Store, changes: ChangeSet) -> str:
    """The next intervention number, also when the change set already holds new ones (the month's
    visits): the counter in the change set follows."""
    pending = [str(r["id"]) for r in changes.appends.get("tInterventions", [])]
    if not pending:
        return sd.next_ref(store, changes, "Intervention", None, "I", 5, "tInterventions", "id")
    n = max(int(p[1:]) for p in pending) + 1
    for r in changes.appends.get("tCompteurs", []):
        if r["series"] == "Intervention":
            r["last"] = n
    rows = {r.row for r in store.rows("tCompteurs") if r["series"] == "Intervention"}
    for num, values in changes.updates.get("tCompteurs", []):
        if num in rows:
            values["last"] = n
    return f"I{n:05d}"


def create_job(store: Store, order_number: str, work: str, skill: str, duration: str, wishes: str,
               as_of: dt.date) -> Result:
    from pyxl.services.orders import get_order

    order = get_order(store, order_number)
    where = f"Commande {order['number']} ({order.where})"
    if order["status"] not in (wf.O_OPEN, wf.O_PLANNED):
        raise refuse("intervention.commande", where, f"elle est « {order['status']} » : plus rien à planifier.")
    c = Collector(where)
    sk = c.check("intervention.skill", lambda: fields.choice(skill, SKILLS, label="La compétence",
                                                             aliases=SKILL_ALIASES)) if skill else skill_of_order(store, order)
    minutes = _duration(c, duration) if duration else duration_of_order(store, order)
    _wishes(c, wishes)
    text = c.check("intervention.work", lambda: fields.text(work, label="Le travail", max_len=300)) or str(order["object"] or "")
    c.raise_if_errors()
    res = Result()
    row = new_job(store, res.changes, client=str(order["client"]), order=str(order["number"]), work=text,
                  skill=str(sk), duration=int(minutes or DEFAULT_DURATION), wishes=wishes or "")
    if order["status"] == wf.O_PLANNED:  # one more job to plan: the order is open again
        res.changes.update("tCommandes", order, {"status": wf.next_state("commande", "deplanifier", order["status"])})
    res.message = (f"Intervention {row['id']} créée pour la commande {order['number']} ({row['client_name']}, "
                   f"{pl.SKILL_LABEL[str(sk)]}, {_dur(int(minutes or DEFAULT_DURATION))}).\n"
                   f"Étape suivante : syc planning proposer --intervention {row['id']}")
    res.data = {"id": row["id"], "intervention": job_json(row)}
    return res


def _duration(c: Collector, text: str) -> int | None:
    try:
        return pl.parse_duration(text)
    except pl.PlanningError as exc:
        c.error("intervention.duree", f"{exc}.")
        return None


def _wishes(c: Collector, text: str) -> None:
    try:
        pl.parse_wishes(text or "")
    except pl.PlanningError as exc:
        c.error("intervention.souhaits", f"{exc}.")


def _dur(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if h and m else f"{h} h" if h else f"{m} min"


def job_json(values: Any) -> dict[str, Any]:
    from pyxl.workbook.schema import T_JOBS

    v = values.values if isinstance(values, Row) else values
    return {k: ("" if v.get(k) is None else v.get(k)) for k in T_JOBS.keys}


def _job_for(store: Store, job_id: str = "", order_number: str = "") -> Row | None:
    """The job named, or the first job of the order still to plan (None: the order has none yet)."""
    if job_id:
        return get_job(store, job_id)
    from pyxl.services.orders import get_order

    order = get_order(store, order_number)
    jobs = store.rows_where("tInterventions", "order", {str(order["number"])})
    open_jobs = [j for j in jobs if j["status"] in (wf.J_TO_PLAN, wf.J_POSTPONED)]
    if jobs and not open_jobs:
        raise refuse("planning.commande", f"Commande {order['number']} ({order.where})",
                     "toutes ses interventions sont déjà planifiées ou faites : déplacez-en une (syc planning "
                     "deplacer) ou ajoutez-en une (syc intervention creer --commande " + str(order["number"]) + ").")
    return sorted(open_jobs, key=lambda j: str(j["id"]))[0] if open_jobs else None


# --------------------------------------------------------------------------- proposals
def propose(store: Store, *, job_id: str = "", order_number: str = "", from_day: dt.date | None = None,
            count: int = 3, as_of: dt.date) -> Result:
    row = _job_for(store, job_id, order_number)
    if row is None:  # an order without a job yet: proposals for the job it would get
        from pyxl.services.orders import get_order

        order = get_order(store, order_number)
        if order["status"] not in (wf.O_OPEN, wf.O_PLANNED):
            raise refuse("planning.commande", f"Commande {order['number']} ({order.where})",
                         f"elle est « {order['status']} » : plus rien à planifier.")
        from pyxl.services.clients import get_client

        client = get_client(store, str(order["client"]))
        job = pl.Job("(nouvelle)", skill_of_order(store, order), duration_of_order(store, order),
                     str(client["sector"] or ""))
        label = f"commande {order['number']}"
    else:
        if row["status"] in (wf.J_DONE, wf.J_CANCELLED):
            raise refuse("planning.etat", f"Intervention {row['id']} ({row.where})",
                         f"elle est « {row['status']} » : rien à planifier.")
        job = job_of(row)
        label = f"intervention {row['id']}"
    start = max(from_day or as_of + dt.timedelta(days=1), as_of)  # from tomorrow unless told
    techs = active_technicians(store)
    if not any(job.skill in t.skills for t in techs):
        raise refuse("planning.competence", label.capitalize(),
                     f"aucun technicien actif n'a la compétence « {pl.SKILL_LABEL[job.skill]} » (syc technicien liste).")
    rows = store.rows("tInterventions")
    found = pl.propose(job, techs, bookings_of(rows, skip=job.id), holidays_for(store, range(start.year, start.year + 2)),
                       absences_by_tech(store), travel_of(store), start, count)
    res = Result()
    items = [{"technicien": p.technician, "debut": f"{p.day.isoformat()} {pl.hhmm(p.start)}",
              "duree": _dur(p.duration), "duree_min": p.duration, "trajet_ajoute_min": p.travel, "raison": p.reason}
             for p in found]
    lines = [f"{i}. {p.technician} le {sd.day(p.day)} à {pl.hhmm(p.start)} ({_dur(p.duration)}) — {p.reason}"
             for i, p in enumerate(found, 1)]
    res.message = (f"Créneaux proposés pour la {label} ({pl.SKILL_LABEL[job.skill]}, {_dur(job.duration)}, "
                   f"secteur {job.sector or '?'}) :\n" + "\n".join(lines) if found else
                   f"Aucun créneau libre pour la {label} dans les 90 jours à partir du {sd.day(start)}.")
    if found:
        first = found[0]
        target = f"--intervention {row['id']}" if row is not None else f"--commande {order_number}"
        res.message += (f"\nÉtape suivante : syc planning planifier {target} --technicien {first.technician} "
                        f"--debut \"{first.day.isoformat()} {pl.hhmm(first.start)}\"")
    res.data = {"intervention": row["id"] if row is not None else None, "propositions": items}
    return res


# --------------------------------------------------------------------------- booking
def _parse_start(text: str, where: str) -> tuple[dt.date, int]:
    m = re.fullmatch(r"\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}[:h]\d{2})\s*", text or "")
    try:
        if not m:
            raise ValueError
        return dt.date.fromisoformat(m.group(1)), pl.minutes_of(m.group(2))
    except (ValueError, pl.PlanningError):
        raise refuse("planning.debut", where, f"le début « {fields.shown(text)} » est illisible : écrivez "
                                              "« AAAA-MM-JJ HH:MM », ex. « 2026-12-14 08:30 ».") from None


def _check_booking(store: Store, job: Row | dict[str, Any], tech_code: str, day: dt.date, start: int, duration: int,
                   where: str, as_of: dt.date) -> Row:
    tech_row = get_technician(store, tech_code)
    if job.get("order"):
        from pyxl.services.orders import get_order

        order = get_order(store, str(job["order"]))
        if order["status"] not in (wf.O_OPEN, wf.O_PLANNED):
            raise refuse("planning.commande", where, f"sa commande {order['number']} est « {order['status']} » : "
                                                     "plus rien à planifier.")
    if tech_row["active"] == NO:
        raise refuse("planning.technicien", where, f"le technicien {tech_row['code']} est inactif.")
    if day < as_of:
        raise refuse("planning.passe", where, f"le {sd.day(day)} est passé : choisissez un jour à partir du "
                                              f"{sd.day(as_of)}.")
    tech = technician_of(tech_row)
    pjob = pl.Job(str(job["id"]), str(job["skill"]), duration, str(job["sector"] or ""))
    booked = [b for b in bookings_of(store.rows("tInterventions"), skip=str(job["id"]))
              if b.technician == tech.code and b.day == day]
    problems = pl.booking_problems(tech, pjob, day, start, duration, holidays_for(store, [day.year]),
                                   absences_by_tech(store).get(tech.code, []), booked)
    if problems:
        raise Refused([Issue("planning.refus", f"{where} : {p} ; rien n'a été enregistré.", where) for p in problems])
    return tech_row


def _wishes_warning(res: Result, job: Row | dict[str, Any], day: dt.date, start: int, where: str) -> None:
    """A booking outside the client's recorded wishes is allowed (the client agreed on the phone),
    with a warning naming them."""
    text = str(job.get("wishes") or "")
    try:
        wishes = pl.parse_wishes(text)
    except pl.PlanningError:
        return
    if text and not wishes.accepts(day, start):
        res.warnings.append(Issue("planning.souhaits", f"{where} : le {sd.day(day)} à {pl.hhmm(start)} sort des "
                                                       f"souhaits du client (« {text} »).", where, Severity.WARNING))


def book(store: Store, *, job_id: str = "", order_number: str = "", tech_code: str, start_text: str,
         duration_text: str = "", as_of: dt.date) -> Result:
    res = Result()
    row = _job_for(store, job_id, order_number)
    fresh: dict[str, Any] | None = None
    if row is None:  # an order without a job: the job is made now
        from pyxl.services.orders import get_order

        order = get_order(store, order_number)
        if order["status"] not in (wf.O_OPEN, wf.O_PLANNED):
            raise refuse("planning.commande", f"Commande {order['number']} ({order.where})",
                         f"elle est « {order['status']} » : plus rien à planifier.")
        fresh = new_job(store, res.changes, client=str(order["client"]), order=str(order["number"]),
                        work=str(order["object"] or ""), skill=skill_of_order(store, order),
                        duration=duration_of_order(store, order), append=False)
        job: Row | dict[str, Any] = fresh
        where = f"Commande {order['number']} ({order.where})"
    else:
        job = row
        where = f"Intervention {row['id']} ({row.where})"
        state = wf.next_state("intervention", "planifier", str(row["status"]))
        if state is None or row["status"] in wf.BOOKED_JOB_STATES:
            hint = " : déplacez-la (syc planning deplacer)" if row["status"] in wf.BOOKED_JOB_STATES else ""
            raise refuse("planning.etat", where, f"elle est « {row['status']} »{hint}.")
    day, start = _parse_start(start_text, where)
    c = Collector(where)
    duration = _duration(c, duration_text) if duration_text else int(job["duration"] or DEFAULT_DURATION)
    c.raise_if_errors()
    assert duration is not None
    tech = _check_booking(store, job, tech_code, day, start, duration, where, as_of)
    values = {"technician": tech["code"], "date": day, "start": pl.hhmm(start), "duration": duration,
              "status": wf.target("intervention", "planifier"), "reason": "",
              # a job booked before (then postponed) was in the technician's calendar: a new version
              "sequence": int(job.get("sequence") or 0) + (1 if job.get("technician") else 0)}
    _wishes_warning(res, job, day, start, where)
    if fresh is not None:
        fresh.update(values)
        res.changes.append("tInterventions", fresh)
    else:
        assert row is not None
        res.changes.update("tInterventions", row, values)
    booked = {**(fresh or dict(row.values if row is not None else {})), **values}
    _order_after_booking(store, res, booked)
    res.message = (f"Intervention {booked['id']} planifiée : {tech['code']} ({tech['name']}) le {sd.day(day)} à "
                   f"{pl.hhmm(start)} pour {_dur(duration)}, chez {booked['client_name']} ({booked['site']}).\n"
                   f"Invitation d'agenda prête pour {tech['code']} ; confirmation au client : "
                   f"{'matin' if start < pl.NOON else 'après-midi'} du {sd.day(day)}.")
    res.data = {"id": booked["id"], "intervention": job_json(booked), "invitations": [
        {"methode": "REQUEST", "technicien": tech["code"], "intervention": booked["id"]}]}
    return res


def _order_after_booking(store: Store, res: Result, booked: dict[str, Any]) -> None:
    """The order is « Planifiée » when none of its jobs is left to plan."""
    if not booked.get("order"):
        return
    from pyxl.services.orders import get_order

    order = get_order(store, str(booked["order"]))
    jobs = {str(j["id"]): str(j["status"]) for j in store.rows_where("tInterventions", "order", {str(order["number"])})}
    jobs[str(booked["id"])] = str(booked["status"])
    left = [i for i, s in jobs.items() if s in (wf.J_TO_PLAN, wf.J_POSTPONED)]
    state = wf.next_state("commande", "planifier", str(order["status"]))
    if not left and state is not None:
        res.changes.update("tCommandes", order, {"status": state})
    elif left and order["status"] == wf.O_PLANNED:
        res.changes.update("tCommandes", order, {"status": wf.next_state("commande", "deplanifier", order["status"])})


def move(store: Store, job_id: str, *, tech_code: str = "", start_text: str, duration_text: str = "",
         reason: str = "", as_of: dt.date) -> Result:
    row = get_job(store, job_id)
    where = f"Intervention {row['id']} ({row.where})"
    if row["status"] not in wf.BOOKED_JOB_STATES:
        raise refuse("planning.etat", where, f"elle est « {row['status']} » : planifiez-la d'abord "
                                             f"(syc planning planifier --intervention {row['id']} …).")
    day, start = _parse_start(start_text, where)
    c = Collector(where)
    duration = _duration(c, duration_text) if duration_text else int(row["duration"] or DEFAULT_DURATION)
    why = c.check("planning.motif", lambda: fields.text(reason, label="Le motif", max_len=300))
    c.raise_if_errors()
    assert duration is not None
    tech = _check_booking(store, row, tech_code or str(row["technician"]), day, start, duration, where, as_of)
    res = Result()
    _wishes_warning(res, row, day, start, where)
    seq = int(row["sequence"] or 0) + 1
    state = wf.next_state("intervention", "planifier", str(row["status"]))
    res.changes.update("tInterventions", row, {
        "technician": tech["code"], "date": day, "start": pl.hhmm(start), "duration": duration,
        "status": state, "reason": why or "déplacée", "sequence": seq})
    invitations = []
    if tech["code"] != row["technician"]:
        invitations.append({"methode": "CANCEL", "technicien": str(row["technician"]), "intervention": row["id"]})
    invitations.append({"methode": "REQUEST", "technicien": tech["code"], "intervention": row["id"]})
    res.message = (f"Intervention {row['id']} déplacée : {tech['code']} le {sd.day(day)} à {pl.hhmm(start)} "
                   f"(au lieu de {row['technician']} le {sd.day(row['date'])} à {row['start']}).")
    res.data = {"id": row["id"], "intervention": job_json({**row.values, "technician": tech["code"], "date": day,
                                                          "start": pl.hhmm(start), "duration": duration,
                                                          "sequence": seq, "status": state}),
                "invitations": invitations}
    return res


def half_day(tech: pl.Technician, day: dt.date, start: int) -> str:
    """« le matin (entre 08:00 et 12:00) »: the working period of the technician holding `start`."""
    for a, b in tech.hours.get(day.weekday(), ()):
        if a <= start < b:
            half = "le matin" if start < pl.NOON else "l'après-midi"
            return f"{half} (entre {pl.hhmm(a)} et {pl.hhmm(b)})"
    return "le matin" if start < pl.NOON else "l'après-midi"


def confirm(store: Store, job_id: str, as_of: dt.date) -> Result:
    """The booking is confirmed to the client: a letter (and an e-mail draft when he has an address)
    giving the day and the half-day, not the exact time."""
    from pyxl.core.frformat import long_date

    row = get_job(store, job_id)
    where = f"Intervention {row['id']} ({row.where})"
    state = wf.next_state("intervention", "confirmer", str(row["status"]))
    if state is None:
        raise refuse("planning.etat", where, f"elle est « {row['status']} » : seule une intervention planifiée se "
                                             "confirme au client.")
    tech = technician_of(get_technician(store, str(row["technician"])))
    start = pl.minutes_of(str(row["start"]))
    slot = half_day(tech, row["date"], start)
    text = (f"Nous vous confirmons notre intervention ({row['work'] or 'travaux prévus'}) le "
            f"{pl.DAY_NAMES[row['date'].weekday()]} {long_date(row['date'])}, {slot}, à l'adresse : {row['site']}.")
    res = Result()
    res.changes.update("tInterventions", row, {"status": state})
    res.message = f"Intervention {row['id']} confirmée au client {row['client_name']} : {text}"
    res.data = {"id": row["id"], "statut": state, "client": row["client"], "texte": text}
    return res


def cancel(store: Store, job_id: str, reason: str, *, final: bool = False, as_of: dt.date) -> Result:
    row = get_job(store, job_id)
    where = f"Intervention {row['id']} ({row.where})"
    why = fields.text(reason, label="Le motif", required=True, max_len=300)
    action = "annuler" if final or row["status"] not in wf.BOOKED_JOB_STATES else "reporter"
    state = wf.next_state("intervention", action, str(row["status"]))
    if state is None:
        raise refuse("planning.etat", where, f"elle est « {row['status']} » : elle ne peut pas être "
                                             f"{wf.VERBS[action]}.")
    res = Result()
    was_booked = row["status"] in wf.BOOKED_JOB_STATES
    seq = int(row["sequence"] or 0) + (1 if was_booked else 0)
    res.changes.update("tInterventions", row, {"status": state, "reason": why, "sequence": seq})
    if row["order"]:
        from pyxl.services.orders import get_order

        order = get_order(store, str(row["order"]))
        if state == wf.J_POSTPONED and order["status"] == wf.O_PLANNED:
            res.changes.update("tCommandes", order, {"status": wf.next_state("commande", "deplanifier",
                                                                             order["status"])})
    res.message = (f"Intervention {row['id']} {'annulée' if state == wf.J_CANCELLED else 'à replanifier'} : {why}."
                   + (f" Annulation envoyée à l'agenda de {row['technician']}." if was_booked else ""))
    res.data = {"id": row["id"], "statut": state, "invitations": [
        {"methode": "CANCEL", "technicien": str(row["technician"]), "intervention": row["id"]}] if was_booked else []}
    return res


def realise(store: Store, job_id: str, done: dt.date, report: str, as_of: dt.date) -> Result:
    """The job is done; the order is realised by its last job, whose date becomes its « Réalisée le »."""
    row = get_job(store, job_id)
    where = f"Intervention {row['id']} ({row.where})"
    state = wf.next_state("intervention", "realiser", str(row["status"]))
    if state is None:
        raise refuse("intervention.etat", where, f"elle est « {row['status']} » : planifiez-la d'abord.")
    if done > as_of:
        raise refuse("intervention.date", where, f"la date {sd.day(done)} est dans le futur.")
    text = fields.text(report, label="Le rapport", max_len=2000, multiline=True)
    res = Result()
    res.changes.update("tInterventions", row, {"status": state, "done_on": done, "report": text})
    res.message = f"Intervention {row['id']} réalisée le {sd.day(done)}."
    res.data = {"id": row["id"], "statut": state, "commande": row["order"] or None, "commande_realisee": False}
    if row["order"]:
        others = [j for j in store.rows_where("tInterventions", "order", {str(row["order"])}) if j["id"] != row["id"]]
        left = [j for j in others if j["status"] not in (wf.J_DONE, wf.J_CANCELLED)]
        if not left:
            from pyxl.services.orders import complete_order

            last = max([done, *(j["done_on"] for j in others if j["status"] == wf.J_DONE and j["done_on"])])
            sub = complete_order(store, str(row["order"]), last, as_of, by_job=str(row["id"]))
            for table, rows in sub.changes.updates.items():
                for num, values in rows:
                    res.changes.updates.setdefault(table, []).append((num, values))
            res.changes.read_versions.update(sub.changes.read_versions)
            res.message += "\n" + sub.message
            res.data["commande_realisee"] = True
        else:
            res.message += f" Reste à réaliser pour la commande {row['order']} : {', '.join(str(j['id']) for j in left)}."
    if row["contract"]:
        res.message += (f"\nAttestation d'entretien à remettre au client au plus tard le "
                        f"{sd.day(done + dt.timedelta(days=15))} (syc contrat attestation {row['id']}).")
    return res


# --------------------------------------------------------------------------- views
def week_days(week: str) -> list[dt.date]:
    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", week or "", re.IGNORECASE)
    if not m:
        raise Refused(Issue("planning.semaine", f"Semaine « {fields.shown(week)} » illisible : écrivez AAAA-Wnn, "
                                                "ex. 2026-W51.", "semaine"))
    try:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise Refused(Issue("planning.semaine", f"La semaine {week} n'existe pas.", "semaine")) from None
    return [monday + dt.timedelta(days=i) for i in range(7)]


def week_view(store: Store, week: str, tech_code: str = "") -> dict[str, Any]:
    days = week_days(week)
    techs = [get_technician(store, tech_code)] if tech_code else list_technicians(store)
    hol = holidays_for(store, sorted({d.year for d in days}))
    absences = absences_by_tech(store)
    jobs = [j for j in store.rows("tInterventions") if j["date"] and days[0] <= j["date"] <= days[-1]
            and j["status"] in (*wf.BOOKED_JOB_STATES, wf.J_DONE)]
    out = []
    for t in techs:
        tech = technician_of(t)
        per_day = []
        for d in days:
            visits = sorted((j for j in jobs if j["technician"] == t["code"] and j["date"] == d),
                            key=lambda j: str(j["start"]))
            per_day.append({"jour": d, "indisponible": pl.day_problem(tech, d, hol, absences.get(tech.code, [])) or None,
                            "interventions": [{"id": j["id"], "debut": j["start"], "duree_min": j["duration"],
                                               "client": j["client"], "nom_client": j["client_name"],
                                               "secteur": j["sector"] or None, "statut": j["status"],
                                               "travaux": j["work"] or None} for j in visits]})
        out.append({"technicien": t["code"], "nom": t["name"], "jours": per_day})
    to_plan = sorted({str(j["order"]) for j in store.rows("tInterventions")
                      if j["order"] and j["status"] in (wf.J_TO_PLAN, wf.J_POSTPONED)}
                     | {str(o["number"]) for o in store.rows("tCommandes") if o["status"] == wf.O_OPEN})
    return {"semaine": week, "du": days[0], "au": days[-1], "techniciens": out, "commandes_a_planifier": to_plan}
