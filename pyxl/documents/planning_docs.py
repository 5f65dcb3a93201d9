"""Calendar outputs of the planning (icalendar): one .ics file per technician, for a shared folder his
phone subscribes to, and for each booking, move or cancellation an iTIP e-mail (.eml draft,
METHOD:REQUEST or CANCEL) so the phone updates the event instead of adding a second one. The UID of
an intervention never changes (« I00012@syc-gestion »); its SEQUENCE grows with each change."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from pyxl.core import planning as pl
from pyxl.core import workflow as wf
from pyxl.documents import names

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//SYC Gestion//Planning//FR"
UID_DOMAIN = "syc-gestion"
# Europe/Paris by its rules (RFC 5545 §3.6.5), short and valid past 2038
PARIS_VTIMEZONE = """BEGIN:VTIMEZONE\r
TZID:Europe/Paris\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def uid(job_id: str) -> str:
    return f"{job_id}@{UID_DOMAIN}"


def _event(job: Any, tech: Any, firm_email: str, stamp: dt.datetime, cancelled: bool = False) -> icalendar.Event:
    start_min = pl.minutes_of(str(job["start"]))
    start = dt.datetime.combine(job["date"], dt.time(start_min // 60, start_min % 60), PARIS)
    ev = icalendar.Event()
    ev.add("uid", uid(str(job["id"])))
    ev.add("sequence", int(job["sequence"] or 0))
    ev.add("dtstamp", stamp.astimezone(dt.UTC))
    ev.add("dtstart", start)
    ev.add("dtend", start + dt.timedelta(minutes=int(job["duration"] or 0)))
    ev.add("summary", f"{job['id']} — {job['client_name'] or job['client']} ({pl.SKILL_LABEL.get(str(job['skill']), '')})")
    if job["site"]:
        ev.add("location", str(job["site"]))
    desc = [str(job["work"] or "")]
    if job["order"]:
        desc.append(f"Commande {job['order']}")
    if job["contract"]:
        desc.append(f"Contrat d'entretien {job['contract']}")
    ev.add("description", "\n".join(d for d in desc if d))
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if firm_email:
        ev.add("organizer", f"mailto:{firm_email}")
    if tech["email"]:
        attendee = icalendar.vCalAddress(f"mailto:{tech['email']}")
        attendee.params["cn"] = icalendar.vText(str(tech["name"]))
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        ev.add("attendee", attendee, encode=False)
    return ev


def _calendar(method: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    cal.add_component(icalendar.Timezone.from_ical(PARIS_VTIMEZONE))
    return cal


def technician_calendar(tech: Any, jobs: list[Any], firm_email: str, stamp: dt.datetime) -> bytes:
    """All the technician's booked or done interventions, as one calendar (no METHOD: a feed)."""
    cal = _calendar()
    cal.add("x-wr-calname", f"Interventions {tech['code']} — {tech['name']}")
    for job in sorted(jobs, key=lambda j: (j["date"], str(j["start"]))):
        cal.add_component(_event(job, tech, firm_email, stamp))
    return bytes(cal.to_ical())


def invitation(job: Any, tech: Any, method: str, firm: dict[str, str], stamp: dt.datetime) -> EmailMessage:
    """The iTIP message (RFC 6047): text for a person, text/calendar with METHOD for the phone."""
    cal = _calendar(method)
    cal.add_component(_event(job, tech, firm.get("email", ""), stamp, cancelled=method == "CANCEL"))
    msg = EmailMessage()
    sender = firm.get("smtp_expediteur") or firm.get("email") or "planning@syc-gestion.invalid"
    msg["From"] = sender
    msg["To"] = str(tech["email"] or "")
    when = f"{job['date']:%d/%m/%Y} à {job['start']}"
    verb = "Annulé" if method == "CANCEL" else "Intervention"
    msg["Subject"] = f"{verb} : {job['id']} — {job['client_name'] or job['client']}, le {when}"
    msg["Date"] = format_datetime(stamp.astimezone(PARIS))
    msg["Message-ID"] = make_msgid(domain=UID_DOMAIN)
    msg["X-Unsent"] = "1"
    body = (f"Bonjour {tech['name']},\n\n"
            + (f"L'intervention {job['id']} du {when} est annulée.\n" if method == "CANCEL" else
               f"Intervention {job['id']} le {when} ({job['duration']} min) chez {job['client_name']}, "
               f"{job['site']}.\nTravaux : {job['work'] or '—'}\n")
            + "\nCe message met à jour votre agenda.\n")
    msg.set_content(body)
    msg.add_alternative(cal.to_ical(), maintype="text", subtype="calendar",
                        params={"method": method, "charset": "utf-8"})
    return msg


def planning_folder(book: Path, params: dict[str, str], year: int) -> Path:
    return names.folder(book.parent, params.get("dossier_documents") or "Documents", year, "Planning")


def write_invitations(book: Path, store: Any, invitations: list[dict[str, Any]], stamp: dt.datetime) -> list[Path]:
    """The .eml drafts of a booking, move or cancellation (after the workbook is written)."""
    from pyxl.services import docsource as ds
    from pyxl.services.planning import get_job, get_technician

    params = ds.parameters(store)
    out = []
    for inv in invitations:
        job: Any = get_job(store, str(inv["intervention"]))
        tech = get_technician(store, str(inv["technicien"]))
        if inv["methode"] == "CANCEL" and job["technician"] != tech["code"]:
            job = {**job.values, "technician": tech["code"]}  # moved to another technician: cancel his copy
        msg = invitation(job, tech, str(inv["methode"]), params, stamp)
        folder = planning_folder(book, params, job["date"].year if job["date"] else stamp.year) / "Invitations"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{job['id']} - {tech['code']} - {inv['methode']} - v{int(job['sequence'] or 0)}.eml"
        path.write_bytes(msg.as_bytes())
        out.append(path)
    return out


def write_calendars(book: Path, store: Any, folder: Path, tech_code: str, stamp: dt.datetime) -> Path:
    from pyxl.services import docsource as ds
    from pyxl.services.planning import get_technician

    tech = get_technician(store, tech_code)
    jobs = [j for j in ds.technician_jobs(store, str(tech["code"]))
            if j["status"] in (*wf.BOOKED_JOB_STATES, wf.J_DONE) and j["date"] and j["start"]]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{names.safe_name(str(tech['code']) + ' - ' + str(tech['name']), 80)}.ics"
    path.write_bytes(technician_calendar(tech, jobs, ds.parameters(store).get("email", ""), stamp))
    return path


# --------------------------------------------------------------------------- day sheet
def day_sheet_context(store: Any, tech_code: str, day: dt.date) -> dict[str, Any]:
    """The technician's visits of the day in route order, with the client's phone, the site, the
    work, the parts of the order's quote (articles of the family « Matériel ») and access notes."""
    from pyxl.core.frformat import long_date, quantity
    from pyxl.documents import context as cx
    from pyxl.services import docsource as ds
    from pyxl.services.planning import get_technician

    tech = get_technician(store, tech_code)
    visits = sorted((j for j in ds.technician_jobs(store, str(tech["code"]))
                     if j["date"] == day and j["status"] in (*wf.BOOKED_JOB_STATES, wf.J_DONE)),
                    key=lambda j: str(j["start"]))
    families = ds.all_article_families(store)
    orders = ds.orders_by_number(store, {str(j["order"]) for j in visits if j["order"]})
    quotes = {str(o.quote) for o in orders.values()}
    lines: dict[str, list[str]] = {}
    for ln in ds.lines_of_quotes(store, quotes):
        if families.get(str(ln.article or "")) == "Matériel":
            lines.setdefault(str(ln.quote), []).append(f"{quantity(ln.qty)} × {ln.designation}")
    items = []
    for j in visits:
        client = ds.client(store, str(j["client"]))
        order = orders.get(str(j["order"] or ""))
        end = pl.minutes_of(str(j["start"])) + int(j["duration"] or 0)
        items.append({"heure": f"{j['start']}-{pl.hhmm(end)}",
                      "client": f"{j['client_name']} {client.phone or ''}".strip(),
                      "adresse": str(j["site"] or ""), "travaux": str(j["work"] or "") + (f" ({j['id']})"),
                      "pieces": ", ".join(lines.get(str(order.quote), [])) if order else "",
                      "acces": str(client.notes or j["wishes"] or "")})
    minutes = sum(int(j["duration"] or 0) for j in visits)
    firm = cx.company(ds.parameters(store))
    return dict(cx.clean({
        "titre": "Feuille de journée", "type": "feuille", "entreprise": firm,
        "client": {"code": tech["code"], "nom": str(tech["name"]), "adresse_lignes": []},
        "doc": {"numero": f"{tech['code']} {day:%d/%m/%Y}", "date": long_date(day)},
        "technicien": f"{tech['code']} — {tech['name']}", "jour": long_date(day), "visites": items,
        "resume": f"{len(items)} intervention(s), {minutes // 60} h {minutes % 60:02d} sur place, dans l'ordre de la "
                  "tournée.", "annee": day.year,
    }))


def day_sheet_document(book: Path, store: Any, tech_code: str, day: dt.date) -> list[Path]:
    from pyxl.core.issues import Refused
    from pyxl.documents import jobs
    from pyxl.services import docsource as ds

    ctx = day_sheet_context(store, tech_code, day)
    params = ds.parameters(store)
    folder = planning_folder(book, params, day.year) / "Feuilles de journée"
    done = jobs.produce(book, [jobs.Planned("feuille", ctx["client"]["code"], ctx, folder,
                                            names.safe_name(f"{day:%Y-%m-%d} {ctx['client']['code']}"))])
    if done.warnings:
        raise Refused(done.warnings)
    return done.written


# --------------------------------------------------------------------------- confirmation to the client
def confirmation_documents(book: Path, store: Any, job_id: str, text: str, as_of: dt.date) -> list[Path]:
    """The letter (PDF) confirming the visit, and an e-mail draft (.eml) with the same words when
    the client has an e-mail address."""
    from pyxl.core.issues import Refused
    from pyxl.documents import jobs
    from pyxl.services import docsource as ds
    from pyxl.services.planning import get_job

    job = get_job(store, job_id)
    client = ds.client(store, str(job["client"]))
    subject = f"Confirmation de notre intervention {job['id']}"
    closing = "Si ce créneau ne vous convient plus, merci de nous prévenir au plus tôt."
    planned = jobs.plan_letter(store, book, str(client.code), subject, [text, closing], as_of,
                               file_stem=f"{job['id']} confirmation")
    done = jobs.produce(book, [planned])
    if done.warnings:
        raise Refused(done.warnings)
    paths = list(done.written)
    if client.email:
        params = ds.parameters(store)
        msg = EmailMessage()
        msg["From"] = params.get("smtp_expediteur") or params.get("email") or "contact@syc-gestion.invalid"
        msg["To"] = str(client.email)
        msg["Subject"] = subject
        msg["Date"] = format_datetime(dt.datetime.combine(as_of, dt.time(12), PARIS))
        msg["Message-ID"] = make_msgid(domain=UID_DOMAIN)
        msg["X-Unsent"] = "1"
        msg.set_content(f"Madame, Monsieur,\n\n{text}\n\n{closing}\n\n"
                        f"{params.get('raison_sociale') or ''}\n")
        eml = planned.folder / f"{planned.stem}.eml"
        eml.parent.mkdir(parents=True, exist_ok=True)
        eml.write_bytes(msg.as_bytes())
        paths.append(eml)
    return paths
