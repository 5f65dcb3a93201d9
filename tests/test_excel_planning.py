"""The planning and maintenance-contract buttons, end to end through the openpyxl-backed xlwings
harness (`tests/xlharness.py`): proposals then booking of the selected order, move, cancellation,
realisation of the selected intervention, the week, the day sheet, the month's visits, the renewal
notices and the contract invoicing — every answer in French, none naming a `syc` command."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import pyxl.macros as macros
from pyxl.excel import registry, runner
from pyxl.excel.runner import encode

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DAY = dt.date(2026, 5, 4)  # a Monday


def syc(book: Path, *args: str) -> None:
    r = subprocess.run([sys.executable, "-m", "pyxl.cli", *args, "--book", str(book), "--au", DAY.isoformat()],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    path = tmp_path / "SYC_Gestion.xlsm"
    syc(path, "init", "--demo")
    syc(path, "technicien", "ajouter", "--nom", "Paul Girard", "--competences", "gaz,fioul", "--secteur",
        "Lyon et Rhône")
    syc(path, "devis", "creer", "--client", "C00001", "--ligne", "ENT-CHG:1", "--nature", "depannage",
        "--logement-plus-2-ans", "oui", "--execution", "immédiate")
    syc(path, "devis", "accepter", "D2026-0001")
    syc(path, "commande", "creer", "--devis", "D2026-0001")
    syc(path, "contrat", "creer", "--client", "C00001", "--equipement", "chaudiere-gaz", "--formule", "Essentiel",
        "--prix-ht", "150", "--debut", "2026-05-01", "--logement-plus-2-ans", "oui")
    monkeypatch.setattr(runner, "today", lambda: DAY)
    H.CALLS.clear()
    H.ALERTS.clear()
    return H.open_caller(str(path))


def click(function: str, sheet: str, row: int, *answers: str) -> dict:
    fn = getattr(macros, function)
    result = fn(encode(sheet), row, *(encode(a) for a in answers))
    assert "syc " not in result["message"], result["message"]  # no command line in Excel
    return result


def find_row(book, sheet: str, column_header: str, value: str) -> int:
    ws = book.sheets[sheet].api
    headers = [c.value for c in ws[1]]
    col = headers.index(column_header) + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col).value == value:
            return r
    raise AssertionError(f"{value} not in {sheet}")


def cell(book, sheet: str, row: int, header: str):
    ws = book.sheets[sheet].api
    return ws.cell(row, [c.value for c in ws[1]].index(header) + 1).value


def test_the_planning_and_contract_actions_are_in_their_own_groups():
    groups = {a.function: a.group for a in registry.ACTIONS}
    assert [f for f, g in groups.items() if g == "planning"] == [
        "proposer_creneaux", "planifier", "deplacer_intervention", "annuler_intervention", "intervention_realisee",
        "confirmer_intervention", "planning_semaine", "feuille_journee", "ajouter_technicien", "absence_technicien",
        "agenda_technicien"]
    assert [f for f, g in groups.items() if g == "contrats"] == [
        "nouveau_contrat", "visites_du_mois", "attestation_entretien", "avis_reconduction", "facturer_contrats"]
    assert registry.action("SycFacturerContrats").issuing
    assert 'label="Planning"' in registry.ribbon_xml() and "SycFacturerContrats_Ruban" in registry.vba_module(xlwings_version="0.0")


def test_propose_then_book_move_cancel_and_realise_from_the_rows(book):
    orow = find_row(book, "Commandes", "Numéro", "BC2026-0001")
    shown = click("proposer_creneaux", "Commandes", orow)
    assert shown["ok"], shown
    first = shown["data"]["propositions"][0]
    assert first["technicien"] == "T01" and first["debut"].startswith("2026-05-05")  # from tomorrow
    assert "1. T01 le 05/05/2026" in shown["message"] and "Pour réserver : « Planifier »" in shown["message"]
    booked = click("planifier", "Commandes", orow, "1", "")
    assert booked["ok"], booked
    job = booked["data"]["id"]
    jrow = _job_row(book, job)
    assert cell(book, "Interventions", jrow, "Début") == first["debut"][-5:]
    assert cell(book, "Commandes", orow, "Statut") == "Planifiée"
    # the same slot again is refused, nothing written
    again = click("planifier", "Interventions", jrow, f"T01 {first['debut']}", "")
    assert not again["ok"] and "Rien n'a été modifié" in again["message"]

    moved = click("deplacer_intervention", "Interventions", jrow, "2026-05-06 09:00", "", "demande du client")
    assert moved["ok"], moved
    assert cell(book, "Interventions", jrow, "Début") == "09:00"
    postponed = click("annuler_intervention", "Interventions", jrow, "client absent", "non")
    assert postponed["ok"] and cell(book, "Interventions", jrow, "Statut") == "Reportée"
    assert click("planifier", "Interventions", jrow, "T01 2026-05-07 10:00", "")["ok"]
    done = click("intervention_realisee", "Interventions", jrow, "04/05/2026", "chaudière nettoyée")
    assert done["ok"], done
    assert cell(book, "Commandes", orow, "Statut") == "Réalisée"


def _job_row(book, job: str) -> int:
    ws = book.sheets["Interventions"].api
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == job:
            return r
    raise AssertionError(job)


def test_a_click_elsewhere_is_refused_in_french(book):
    r = click("proposer_creneaux", "Accueil", 3)
    assert not r["ok"] and "feuille « Commandes »" in r["message"] and "feuille « Interventions »" in r["message"]
    r = click("planifier", "Commandes", 2, "abc", "")
    assert not r["ok"] and "illisible" in r["message"]
    r = click("feuille_journee", "Commandes", 2, "")
    assert not r["ok"] and "feuille « Techniciens »" in r["message"]


def test_week_day_sheet_visits_notices_and_contract_invoicing(book):
    visits = click("visites_du_mois", "Accueil", 3, "")
    assert visits["ok"] and [v["contrat"] for v in visits["data"]["visites"]] == ["CE2026-0001"]
    jrow = _job_row(book, visits["data"]["visites"][0]["visite"])
    assert click("planifier", "Interventions", jrow, "1", "")["ok"]
    confirmed = click("confirmer_intervention", "Interventions", jrow)
    assert confirmed["ok"] and cell(book, "Interventions", jrow, "Statut") == "Confirmée au client"
    early = click("attestation_entretien", "Interventions", jrow, "")
    assert not early["ok"] and "réalisez-la d'abord" in early["message"]
    week = click("planning_semaine", "Accueil", 3, "")
    assert week["ok"] and week["message"].startswith("Semaine 2026-W19 (du 04/05/2026 au 10/05/2026)")
    assert "T01 — Paul Girard" in week["message"] and "DUPONT Jean" in week["message"]
    ws = book.sheets["Planning"]
    assert ws.range((2, 1), (2, 8)).value == ["Technicien", "lun 04/05", "mar 05/05", "mer 06/05", "jeu 07/05",
                                              "ven 08/05", "sam 09/05", "dim 10/05"]
    assert ws.range((3, 1)).value == "T01 — Paul Girard"
    assert ws.range((3, 3)).value.endswith("DUPONT Jean (Confirmée au client)")
    assert ws.range((3, 3)).color == (198, 239, 206)
    assert "Fête de la Victoire" in ws.range((3, 6)).value and ws.range((3, 6)).color == (242, 242, 242)
    assert ws.range((3, 2)).value is None and ws.range((3, 2)).color is None
    assert ws.range((5, 1)).value == "Commandes à planifier : BC2026-0001"
    assert click("planning_semaine", "Accueil", 3, "2026-W20")["ok"]
    assert ws.range((3, 3)).value is None and ws.range((3, 3)).color is None  # the sheet is refilled
    trow = find_row(book, "Techniciens", "Code", "T01")
    sheet = click("feuille_journee", "Techniciens", trow, "05/05/2026")
    assert sheet["ok"] and "Feuille de journée de T01 (Paul Girard) du 05/05/2026 : 1 intervention(s)." in \
        sheet["message"]
    assert click("intervention_realisee", "Interventions", jrow, "04/05/2026", "")["ok"]
    given = click("attestation_entretien", "Interventions", jrow, "04/05/2026")
    assert given["ok"] and cell(book, "Interventions", jrow, "Attestation remise le") is not None
    notices = click("avis_reconduction", "Accueil", 3, "non")
    assert notices["ok"] and notices["data"]["avis"] == []

    H.CALLS.clear()
    billed = click("facturer_contrats", "Accueil", 3, "2026-05")
    assert billed["ok"] and billed["saved"], billed
    assert [(f["contrat"], f["total_ttc"]) for f in billed["data"]["factures"]] == [("CE2026-0001", 165)]
    assert "Le classeur a été enregistré." in billed["message"]
    again = click("facturer_contrats", "Accueil", 3, "2026-05")
    assert not again["ok"] and "CE2026-0001" in again["message"] and "deux fois" in again["message"]
    assert click("verifier", "Accueil", 2)["ok"], H.ALERTS[-1]
    book.save()  # the workbook with its « Planning » sheet: the command line reads it as before
    syc(Path(book.fullname), "verifier")
    syc(Path(book.fullname), "contrat", "liste")


def test_technician_absence_calendar_and_a_new_contract_from_their_buttons(book) -> None:
    """The records of issue 16 are kept from Excel too: a technician, an absence, the calendar file,
    a maintenance contract for the selected client — refused in French when a value is wrong."""
    path = Path(book.fullname)
    r = click("ajouter_technicien", "Accueil", 2, "Léa Martin", "gaz,pac", "Lyon et Rhône", "06 12 34 56 78", "",
              "fluides 2027-06-30")
    assert r["ok"] and "T02" in r["message"], r
    r = click("ajouter_technicien", "Accueil", 2, "Sans Compétence", "plomberie", "", "", "", "")
    assert not r["ok"] and "Rien n'a été modifié" in r["message"], r
    book2 = H.open_caller(str(path))
    row = find_row(book2, "Techniciens", "Code", "T02")
    r = click("absence_technicien", "Techniciens", row, "21/12/2026", "01/01/2027", "conges")
    assert r["ok"], r
    r = click("agenda_technicien", "Techniciens", row)
    assert r["ok"] and ".ics" in r["message"], r
    crow = find_row(book2, "Clients", "Code", "C00002")
    r = click("nouveau_contrat", "Clients", crow, "Chaudière gaz", "Entretien annuel", "180", "", "oui", "")
    assert r["ok"], r
    r = click("nouveau_contrat", "Clients", crow, "PAC air/eau", "Entretien", "250", "", "oui", "Atlantic ; Alfea")
    assert not r["ok"] and "puissance" in r["message"].lower(), r
