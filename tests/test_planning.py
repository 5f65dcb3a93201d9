"""Technicians, interventions and booking through `syc` on a demo book, on the fixed week of
9 November 2026 (T01 on leave on Monday, Armistice on Wednesday): every refusal names the record and
leaves the workbook as it was; the order follows its interventions; two concurrent bookings of the
same slot cannot both succeed; calendars and invitations parse back with icalendar.

Demo data: C00001 DUPONT Jean (Lyon, sector « Lyon et Rhône »), C00002 Dupont & Fils (Vienne, « Isère »),
C00003 MARTIN Sophie (Trévoux, « Ain »)."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import icalendar
import pytest
from test_sales_chain import Book

from pyxl.cli import main
from pyxl.workbook.filestore import PAUSE_BEFORE_RENAME, FileStore, write_lock

DAY = "2026-11-06"  # a Friday


@pytest.fixture(scope="module")
def team_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("planning") / "SYC_Gestion.xlsm"
    book = Book(path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(path), "--au", DAY]) == 0
    book.ok("technicien", "ajouter", "--nom", "Paul Girard", "--competences", "gaz,fioul", "--secteur", "Lyon et Rhône",
            "--telephone", "06 11 22 33 44", "--email", "paul@example.org", au=DAY)
    book.ok("technicien", "ajouter", "--nom", "Léa Morel", "--competences", "gaz,pac", "--secteur", "Isère",
            "--certificats", "fluides 2027-06-30", "--email", "lea@example.org", au=DAY)
    book.ok("technicien", "absence", "T01", "--debut", "2026-11-09", "--fin", "2026-11-09", "--motif", "conges", au=DAY)
    return path.read_bytes()


@pytest.fixture
def wb(team_bytes: bytes, stores: Any) -> Book:
    """In a workbook file, and (a second run) in a PostgreSQL base."""
    backend = stores(team_bytes)
    return Book(backend.open().path, backend)


def order(wb: Book, client: str = "C00001", *lines: str) -> str:
    return wb.order(DAY, *(lines or ("ENT-CHG:1", "MO-H:2")), client=client, nature="entretien")[1]


def job(wb: Book, job_id: str) -> dict[str, Any]:
    return wb.row("tInterventions", "id", job_id)


# --------------------------------------------------------------------------- technicians
def test_technicians_are_numbered_listed_and_modified(wb: Book) -> None:
    listed = wb.ok("technicien", "liste", au=DAY)["techniciens"]
    assert [(t["code"], t["nom"], t["competences"]) for t in listed] == [
        ("T01", "Paul Girard", "gaz, fioul"), ("T02", "Léa Morel", "gaz, pac")]
    assert wb.ok("technicien", "voir", "T02", au=DAY)["technicien"]["certificats"] == "fluides 2027-06-30"
    data = wb.ok("technicien", "modifier", "T01", "--horaires", "lun-ven 07:30-12:00 13:00-16:30", au=DAY)
    assert data["modifie"] == ["Horaires"] and data["technicien"]["horaires"] == "lun-ven 07:30-12:00 13:00-16:30"


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--competences", "gaz,plomberie"], "tech.skills", ["« plomberie » ne fait pas partie de la liste"]),
    (["--competences", "gaz", "--horaires", "lun-ven 8h-12h"], "tech.hours", ["n'est pas au format HH:MM-HH:MM"]),
    (["--competences", "pac", "--certificats", "fluides demain"], "tech.certificates", ["la date demain est illisible"]),
])
def test_bad_technicians_are_refused(wb: Book, args: list[str], code: str, words: list[str]) -> None:
    wb.refused("technicien", "ajouter", "--nom", "Max", "--secteur", "Ain", *args, au=DAY, code=code,
               words=["Technicien Max", *words])


def test_unknown_technician_and_bad_absence(wb: Book) -> None:
    wb.refused("technicien", "voir", "T09", au=DAY, code="tTechniciens.inconnu", words=["Technicien « T09 » introuvable"])
    wb.refused("technicien", "absence", "T01", "--debut", "2026-11-20", "--fin", "2026-11-19", "--motif", "formation",
               au=DAY, code="absence.dates", words=["Technicien T01", "finit le 19/11/2026"])


# --------------------------------------------------------------------------- proposals
def test_proposals_for_an_order_on_the_fixed_week(wb: Book) -> None:
    o = order(wb)
    found = wb.ok("planning", "proposer", "--commande", o, "--a-partir", "2026-11-09", "--nombre", "3", au=DAY)
    props = found["propositions"]
    assert [(p["technicien"], p["debut"]) for p in props] == [
        ("T02", "2026-11-09 08:45"), ("T02", "2026-11-09 14:15"), ("T01", "2026-11-10 08:30")]
    assert "seul technicien gaz libre ce jour-là" in props[0]["raison"]
    assert props[2]["raison"].startswith("secteur habituel du technicien (Lyon et Rhône)")
    assert props[0]["duree"] == "2 h"  # the quote's two hours of labour


def test_the_technician_already_in_the_sector_is_preferred(wb: Book) -> None:
    """T02 is booked in Lyon on Tuesday morning: for another Lyon order that day he comes first."""
    first, second = order(wb), order(wb)
    wb.ok("planning", "planifier", "--commande", first, "--technicien", "T02", "--debut", "2026-11-10 08:45", au=DAY)
    props = wb.ok("planning", "proposer", "--commande", second, "--a-partir", "2026-11-10", au=DAY)["propositions"]
    # 08:45-10:45, then no room for two hours before noon: the afternoon, in the sector he is already in
    assert props[0]["technicien"] == "T02" and props[0]["debut"] == "2026-11-10 13:30"
    assert props[0]["raison"].startswith("déjà dans le secteur Lyon et Rhône ce jour-là")


def test_no_technician_with_the_skill(wb: Book) -> None:
    o = order(wb, "C00001", "PAC-8:1")
    wb.ok("technicien", "modifier", "T02", "--actif", "non", au=DAY)
    wb.refused("planning", "proposer", "--commande", o, au=DAY, code="planning.competence",
               words=["aucun technicien actif n'a la compétence « PAC »"])


# --------------------------------------------------------------------------- booking and the order's state
def test_booking_sets_the_order_planned_and_its_last_job_realises_it(wb: Book) -> None:
    o = order(wb)
    booked = wb.ok("planning", "planifier", "--commande", o, "--technicien", "T01", "--debut", "2026-11-10 08:30",
                   au=DAY)
    jid = booked["id"]
    assert wb.row("tCommandes", "number", o)["status"] == "Planifiée"
    wb.ok("intervention", "creer", "--commande", o, "--travaux", "Mise en service", "--duree", "1h",
          "--souhaits", "après-midi", au=DAY)
    assert wb.row("tCommandes", "number", o)["status"] == "Ouverte"  # one more job to plan
    second = next(j["id"] for j in wb.rows("tInterventions") if j["order"] == o and j["id"] != jid)
    wb.ok("planning", "planifier", "--intervention", second, "--technicien", "T01", "--debut", "2026-11-12 14:00",
          au=DAY)
    assert wb.row("tCommandes", "number", o)["status"] == "Planifiée"
    wb.refused("commande", "realiser", o, "--date", "2026-11-10", au="2026-11-12", code="commande.interventions",
               words=[f"Commande {o}", f"{jid} (planifiée)", f"syc intervention realiser {jid}"])
    done = wb.ok("intervention", "realiser", jid, "--date", "2026-11-10", "--rapport", "RAS", au="2026-11-12")
    assert done["commande_realisee"] is False
    assert wb.row("tCommandes", "number", o)["status"] == "Planifiée"
    done = wb.ok("intervention", "realiser", second, "--date", "2026-11-12", au="2026-11-12")
    assert done["commande_realisee"] is True
    row = wb.row("tCommandes", "number", o)
    assert (row["status"], row["done_on"]) == ("Réalisée", dt.date(2026, 11, 12))


def test_cancelling_a_booking_opens_the_order_again(wb: Book) -> None:
    o = order(wb)
    jid = wb.ok("planning", "planifier", "--commande", o, "--technicien", "T01", "--debut", "2026-11-10 08:30",
                au=DAY)["id"]
    data = wb.ok("planning", "annuler", "--intervention", jid, "--motif", "client hospitalisé", au=DAY)
    assert data["statut"] == "Reportée" and wb.row("tCommandes", "number", o)["status"] == "Ouverte"
    assert job(wb, jid)["reason"] == "client hospitalisé"
    wb.ok("planning", "annuler", "--intervention", jid, "--motif", "contrat annulé", "--definitif", au=DAY)
    assert job(wb, jid)["status"] == "Annulée"
    wb.ok("commande", "realiser", o, "--date", DAY, au=DAY)  # nothing left to do by an intervention


@pytest.mark.parametrize(("start", "extra", "code", "words"), [
    ("2026-11-10 11:00", [], "planning.refus", ["11:00-13:00 sort des horaires de T01 le mardi"]),
    ("2026-11-11 09:00", [], "planning.refus", ["le 11/11/2026 est un jour férié (Armistice)"]),
    ("2026-11-09 09:00", [], "planning.refus", ["T01 est absent du 09/11/2026 au 09/11/2026 (congés)"]),
    ("2026-11-14 09:00", [], "planning.refus", ["T01 ne travaille pas le samedi"]),
    ("2026-11-10 09:00", ["--duree", "12h"], "intervention.duree", ["la durée « 12h » est impossible"]),
    ("2026-11-10 9 heures", [], "planning.debut", ["« AAAA-MM-JJ HH:MM »"]),
    ("2026-11-05 09:00", [], "planning.passe", ["le 05/11/2026 est passé"]),
])
def test_bookings_outside_hours_on_holidays_during_absences_are_refused(
        wb: Book, start: str, extra: list[str], code: str, words: list[str]) -> None:
    o = order(wb)
    wb.refused("planning", "planifier", "--commande", o, "--technicien", "T01", "--debut", start, *extra, au=DAY,
               code=code, words=[f"Commande {o}", *words])


def test_double_booking_and_unknown_technician_are_refused(wb: Book) -> None:
    first, second = order(wb), order(wb)
    wb.ok("planning", "planifier", "--commande", first, "--technicien", "T01", "--debut", "2026-11-10 08:30", au=DAY)
    wb.refused("planning", "planifier", "--commande", second, "--technicien", "T01", "--debut", "2026-11-10 10:00",
               au=DAY, code="planning.refus", words=["T01 est déjà pris de 08:30 à 10:30 (intervention I00001)"])
    wb.refused("planning", "planifier", "--commande", second, "--technicien", "T07", "--debut", "2026-11-10 10:00",
               au=DAY, code="tTechniciens.inconnu", words=["Technicien « T07 » introuvable"])
    wb.refused("planning", "planifier", "--commande", first, "--technicien", "T01", "--debut", "2026-11-12 10:00",
               au=DAY, code="planning.commande", words=["toutes ses interventions sont déjà planifiées"])


def test_a_pac_job_is_refused_to_a_technician_whose_certificate_expired(wb: Book) -> None:
    o = order(wb, "C00001", "PAC-8:1")
    wb.ok("technicien", "modifier", "T02", "--certificats", "fluides 2026-11-10", au=DAY)
    wb.refused("planning", "planifier", "--commande", o, "--technicien", "T02", "--debut", "2026-11-12 09:00", au=DAY,
               code="planning.refus", words=["T02 n'a pas de certificat « fluides » valable le 12/11/2026"])


# the workbook file's write lock held by hand: file only (the base's writers' lock: tests/test_pg_concurrency.py)
@pytest.mark.fichier_seul
def test_two_concurrent_bookings_of_the_same_slot(wb: Book) -> None:
    """Two `syc planning planifier` started together for two orders on T01's same Tuesday morning:
    the second reads the first one's booking under the lock and is refused."""
    first, second = order(wb), order(wb)
    env = {**os.environ, PAUSE_BEFORE_RENAME: "0.5"}
    with write_lock(wb.path):
        procs = [subprocess.Popen([sys.executable, "-m", "pyxl.cli", "planning", "planifier", "--commande", o,
                                   "--technicien", "T01", "--debut", "2026-11-10 08:30", "--book", str(wb.path),
                                   "--au", DAY, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                 for o in (first, second)]
        time.sleep(1.5)
        assert all(p.poll() is None for p in procs), "a process did not wait for the lock"
    answers = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert not stderr.strip(), stderr.decode()
        answers.append((p.returncode, json.loads(stdout)))
    assert sorted(code for code, _ in answers) == [0, 1]
    refused = next(a for code, a in answers if code == 1)
    assert "T01 est déjà pris de 08:30 à 10:30" in refused["erreurs"][0]["message"]
    booked = [j for j in wb.store().rows("tInterventions") if j["technician"] == "T01"]
    assert len(booked) == 1


# --------------------------------------------------------------------------- calendars
def _calendar_of(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_ics_and_itip_invitations_parse_back_with_a_stable_uid(wb: Book, tmp_path: Path) -> None:
    o = order(wb)
    booked = wb.ok("planning", "planifier", "--commande", o, "--technicien", "T01", "--debut", "2026-11-10 08:30",
                   au=DAY)
    jid = booked["id"]
    (request,) = [Path(p) for p in booked["documents"]]
    moved = wb.ok("planning", "deplacer", "--intervention", jid, "--technicien", "T02", "--debut", "2026-11-12 14:00",
                  "--motif", "client absent le mardi", au=DAY)
    cancel_t01, request_t02 = (Path(p) for p in moved["documents"])
    messages = [email.message_from_bytes(p.read_bytes()) for p in (request, cancel_t01, request_t02)]
    events = []
    for m in messages:
        part = next(x for x in m.walk() if x.get_content_type() == "text/calendar")
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        events.append((str(cal["method"]), next(iter(cal.walk("VEVENT")))))
    assert [(method, str(ev["uid"]), int(ev["sequence"])) for method, ev in events] == [
        ("REQUEST", f"{jid}@syc-gestion", 0), ("CANCEL", f"{jid}@syc-gestion", 1), ("REQUEST", f"{jid}@syc-gestion", 1)]
    assert messages[0]["To"] == "paul@example.org" and messages[2]["To"] == "lea@example.org"
    start = events[2][1].decoded("dtstart")
    assert (start.date(), start.hour, start.minute, str(start.tzinfo)) == (dt.date(2026, 11, 12), 14, 0, "Europe/Paris")
    assert str(events[1][1]["status"]) == "CANCELLED"

    out = tmp_path / "agendas"
    ics = Path(wb.ok("planning", "ics", "--technicien", "T02", "--sortie", str(out), au=DAY)["fichier"])
    (event,) = _calendar_of(ics).walk("VEVENT")
    assert str(event["uid"]) == f"{jid}@syc-gestion" and int(event["sequence"]) == 1
    assert "DUPONT Jean" in str(event["summary"]) and "69002 Lyon" in str(event["location"])
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=2)
    ics1 = Path(wb.ok("planning", "ics", "--technicien", "T01", "--sortie", str(out), au=DAY)["fichier"])
    assert _calendar_of(ics1).walk("VEVENT") == []


def test_week_view(wb: Book) -> None:
    o = order(wb)
    wb.ok("planning", "planifier", "--commande", o, "--technicien", "T01", "--debut", "2026-11-10 08:30", au=DAY)
    open_order = order(wb, "C00003")
    view = wb.ok("planning", "voir", "--semaine", "2026-W46", au=DAY)
    t01 = view["techniciens"][0]
    assert [d["jour"] for d in t01["jours"]][:3] == ["2026-11-09", "2026-11-10", "2026-11-11"]
    assert t01["jours"][0]["indisponible"] == "T01 est absent du 09/11/2026 au 09/11/2026 (congés)"
    assert t01["jours"][2]["indisponible"] == "le 11/11/2026 est un jour férié (Armistice)"
    assert [j["debut"] for j in t01["jours"][1]["interventions"]] == ["08:30"]
    assert open_order in view["commandes_a_planifier"] and o not in view["commandes_a_planifier"]
    wb.refused("planning", "voir", "--semaine", "2026-W54", au=DAY, code="planning.semaine", words=["n'existe pas"])


# --------------------------------------------------------------------------- holidays, migration
class _Params:
    def __init__(self, postcode: str):
        self.postcode = postcode

    def parameters(self) -> dict[str, str]:
        return {"code_postal": self.postcode}


@pytest.mark.parametrize(("postcode", "local"), [("69003", False), ("57000", True), ("67000", True), ("68100", True)])
def test_alsace_moselle_days_by_the_firms_postcode(postcode: str, local: bool) -> None:
    from pyxl.services.planning import holidays_for

    days = holidays_for(_Params(postcode), [2026])  # type: ignore[arg-type]
    assert days[dt.date(2026, 11, 11)] == "Armistice"
    assert (dt.date(2026, 4, 3) in days) is local  # Vendredi saint
    assert (dt.date(2026, 12, 26) in days) is local  # Saint-Étienne


def test_version_5_workbook_gets_the_planning_sheets_and_travel_defaults(tmp_path: Path) -> None:
    import shutil

    from pyxl.workbook import migrate as mig
    from pyxl.workbook.schema import SCHEMA

    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(Path(__file__).resolve().parent / "data" / "v5" / "syc_v5.xlsm", path)
    done = mig.migrate(path)
    assert any(step.startswith("étape de données de la version 9 : planning et contrats d'entretien") for step in done)
    store = FileStore(path)
    assert store.version() == SCHEMA.version >= 9
    assert [(r["from_sector"], r["to_sector"], r["minutes"]) for r in store.rows("tTrajets")] == [
        ("=", "=", 20), ("*", "*", 45)]
    assert store.rows("tTechniciens") == [] and store.rows("tInterventions") == [] and store.rows("tContrats") == []
    assert mig.migrate(path) == []


def test_day_sheet_lists_the_visits_in_route_order(wb: Book) -> None:
    import shutil
    import subprocess

    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) et poppler-utils sont nécessaires")
    late, early = order(wb), order(wb, "C00003", "RAD-ACI:2", "MO-H:1")
    wb.ok("planning", "planifier", "--commande", late, "--technicien", "T01", "--debut", "2026-11-10 14:00", au=DAY)
    wb.ok("planning", "planifier", "--commande", early, "--technicien", "T01", "--debut", "2026-11-10 08:30", au=DAY)
    (path,) = wb.ok("planning", "feuille", "--technicien", "T01", "--jour", "2026-11-10", au=DAY)["documents"]
    raw = subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True).stdout.decode()
    text = " ".join(raw.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "FEUILLE DE JOURNÉE" in text and "T01 — Paul Girard — 10 novembre 2026" in text
    assert text.index("MARTIN Sophie") < text.index("DUPONT Jean")  # 08:30 before 14:00
    assert "2 × Radiateur acier" in text and "04 78 00 00 01" in text
    assert "2 intervention(s), 3 h 00 sur place" in text


def test_confirmation_to_the_client_gives_the_day_and_the_half_day(wb: Book) -> None:
    o = order(wb)
    jid = wb.ok("intervention", "creer", "--commande", o, "--souhaits", "après-midi", au=DAY)["id"]
    booked = wb.ok("planning", "planifier", "--intervention", jid, "--technicien", "T01", "--debut", "2026-11-10 09:00",
                   au=DAY)
    assert [w["code"] for w in booked["avertissements"]] == ["planning.souhaits"]
    data = wb.ok("planning", "confirmer", "--intervention", jid, au=DAY)
    assert data["statut"] == "Confirmée au client"
    assert "le mardi 10 novembre 2026, le matin (entre 08:00 et 12:00)" in data["texte"]
    assert "09:00" not in data["texte"]
    eml = Path(next(p for p in data["documents"] if p.endswith(".eml")))
    msg = email.message_from_bytes(eml.read_bytes())
    assert "@" in str(msg["To"]) and "le matin (entre 08:00 et 12:00)" in msg.get_payload(decode=True).decode()
    wb.refused("planning", "confirmer", "--intervention", jid, au=DAY, code="planning.etat",
               words=["seule une intervention planifiée se confirme"])
    # a confirmed booking still moves (and must be confirmed again)
    moved = wb.ok("planning", "deplacer", "--intervention", jid, "--debut", "2026-11-12 14:00", au=DAY)
    assert moved["intervention"]["statut"] == "Planifiée"
