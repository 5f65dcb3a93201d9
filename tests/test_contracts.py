"""Maintenance contracts: the date rules on their boundary days (visits due, the attestation's 15
days, the renewal notice window of art. L215-1 C. conso) and `syc contrat` on a demo book.

Contract CE2025-0001: DUPONT Jean (particulier), gas boiler, from 20/11/2025, renewed each 20/11,
30 days' notice: the client may refuse until 21/10/2026; the notice goes out from 21/07/2026 to
21/09/2026."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import io
import shutil
import subprocess
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from test_sales_chain import Book

from pyxl.cli import main
from pyxl.core import maintenance as mt

DAY = "2026-11-02"
D = Decimal


# --------------------------------------------------------------------------- rules
@pytest.mark.parametrize(("category", "power", "months"), [
    ("Chaudière gaz", None, 12), ("Chaudière fioul", D(25), 12), ("Biomasse", None, 12),
    ("PAC air/eau", D(4), 24), ("PAC air/eau", D(70), 24), ("PAC géothermique", D("70.5"), 60),
    ("PAC air/eau", D("3.5"), 12),  # below 4 kW: no legal rhythm, the contract's yearly visit
])
def test_cadence(category: str, power: Decimal | None, months: int) -> None:
    assert mt.cadence(category, power)[0] == months


def test_visit_due() -> None:
    start = dt.date(2025, 11, 20)
    assert mt.visit_due(start, None, None, 12) == start
    assert mt.visit_due(start, dt.date(2026, 2, 28), None, 12) == dt.date(2027, 2, 28)
    assert mt.visit_due(start, dt.date(2026, 11, 3), None, 24) == dt.date(2028, 11, 3)
    assert mt.visit_due(start, None, dt.date(2020, 10, 15), 12) == start  # overdue when the contract starts
    assert mt.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


def test_renewal_notice_window_boundaries() -> None:
    r = mt.next_renewal(dt.date(2026, 11, 20), 30, dt.date(2026, 7, 1))
    assert (r.renewal, r.refusal_deadline, r.window_start, r.window_end) == (
        dt.date(2026, 11, 20), dt.date(2026, 10, 21), dt.date(2026, 7, 21), dt.date(2026, 9, 21))
    assert [mt.notice_sent_for(r, dt.date(2026, m, d)) for m, d in ((7, 20), (7, 21), (9, 21), (9, 22))] == [
        False, True, True, False]
    assert mt.notice_sent_for(r, None) is False
    # the day after the refusal deadline, the next notice is the next year's
    assert mt.next_renewal(dt.date(2026, 11, 20), 30, dt.date(2026, 10, 22)).renewal == dt.date(2027, 11, 20)


def test_refund_of_advances_by_days() -> None:
    r = mt.renewal_of(dt.date(2026, 11, 20), 30, 0)
    assert mt.refund(D(150), r, dt.date(2026, 11, 20)) == D("150.00")
    assert mt.refund(D(150), r, dt.date(2027, 5, 21)) == D("75.21")  # 183 of 365 days left: 150 × 183 / 365 = 75,205
    assert mt.refund(D(150), r, dt.date(2027, 11, 20)) == D("0.00")


def test_attestation_deadline() -> None:
    assert mt.attestation_deadline(dt.date(2026, 11, 3)) == dt.date(2026, 11, 18)


# --------------------------------------------------------------------------- syc contrat
@pytest.fixture(scope="module")
def contracts_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("contrats") / "SYC_Gestion.xlsm"
    book = Book(path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(path), "--au", "2025-11-01"]) == 0
    book.ok("technicien", "ajouter", "--nom", "Paul Girard", "--competences", "gaz,fioul", "--secteur", "Lyon et Rhône",
            au="2025-11-01")
    book.ok("technicien", "ajouter", "--nom", "Léa Morel", "--competences", "gaz,pac", "--secteur", "Isère",
            "--certificats", "fluides 2028-06-30", au="2025-11-01")
    book.ok("contrat", "creer", "--client", "C00001", "--equipement", "chaudiere-gaz", "--marque", "Saunier Duval",
            "--modele", "ThemaPlus", "--formule", "Essentiel", "--prix-ht", "150", "--debut", "2025-11-20",
            au="2025-11-01")
    book.ok("contrat", "creer", "--client", "C00003", "--equipement", "pac-air-eau", "--puissance", "8", "--formule",
            "Confort", "--prix-ht", "240", "--debut", "2025-12-01", au="2025-11-01")
    return path.read_bytes()


@pytest.fixture
def wb(contracts_bytes: bytes, stores: Any) -> Book:
    """In a workbook file, and (a second run) in a PostgreSQL base."""
    backend = stores(contracts_bytes)
    return Book(backend.open().path, backend)


def test_contracts_listed_shown_modified(wb: Book) -> None:
    listed = wb.ok("contrat", "liste", au=DAY)["contrats"]
    assert [(c["numero"], c["client_protege"], c["premiere_reconduction"]) for c in listed] == [
        ("CE2025-0001", "Oui", "2026-11-20"), ("CE2025-0002", "Oui", "2026-12-01")]
    assert wb.ok("contrat", "voir", "CE2025-0002", au=DAY)["contrat"]["puissance_kw"] == "8"
    data = wb.ok("contrat", "modifier", "CE2025-0001", "--prix-ht", "165", au=DAY)
    assert data["modifie"] == ["Prix annuel HT"] and data["contrat"]["prix_ht"] == "165.00"


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--equipement", ""], "contrat.equipement", ["l'équipement (sa catégorie) est obligatoire"]),
    (["--equipement", "poele"], "contrat.equipement", ["« poele » ne fait pas partie de la liste"]),
    (["--equipement", "pac-air-eau"], "contrat.puissance", ["donnez la puissance de la pompe à chaleur"]),
    (["--equipement", "chaudiere-gaz", "--reconduction", "2026-01-10"], "contrat.reconduction",
     ["il commencerait le 01/02/2026, après sa reconduction du 10/01/2026"]),
    (["--equipement", "chaudiere-gaz", "--prix-ht", "-5"], "contrat.prix", ["ne peut pas être négatif"]),
])
def test_bad_contracts_are_refused(wb: Book, args: list[str], code: str, words: list[str]) -> None:
    base = {"--formule": "Essentiel", "--prix-ht": "150", "--debut": "2026-02-01"}
    for i in range(0, len(args), 2):
        base.pop(args[i], None)
    extra = [x for k, v in base.items() for x in (k, v)]
    wb.refused("contrat", "creer", "--client", "C00002", *extra, *args, au=DAY, code=code,
               words=["Contrat d'entretien de Dupont & Fils", *words])


def test_unknown_client_is_refused(wb: Book) -> None:
    wb.refused("contrat", "creer", "--client", "C09999", "--equipement", "chaudiere-gaz", "--formule", "E",
               "--prix-ht", "100", "--debut", "2026-02-01", au=DAY, code="client.unknown", words=["C09999"])


def test_visits_due_with_proposals_yearly_boiler_and_two_yearly_heat_pump(wb: Book) -> None:
    first = wb.ok("contrat", "visites", "--mois", "2025-12", au="2025-11-28")
    visits = {v["contrat"]: v for v in first["visites"]}
    assert first["creees"] == 2 and set(visits) == {"CE2025-0001", "CE2025-0002"}
    boiler, pump = visits["CE2025-0001"], visits["CE2025-0002"]
    assert (boiler["due_le"], pump["due_le"]) == ("2025-11-20", "2025-12-01")
    assert boiler["propositions"][0]["technicien"] == "T01" and pump["propositions"][0]["technicien"] == "T02"
    assert "décret 2020-912" in pump["motif"]
    # listed again: the same visits, nothing created twice
    assert wb.ok("contrat", "visites", "--mois", "2025-12", au="2025-11-28")["creees"] == 0
    for v, tech, start in ((boiler, "T01", "2025-12-02 08:30"), (pump, "T02", "2025-12-02 08:45")):
        wb.ok("planning", "planifier", "--visite", v["visite"], "--technicien", tech, "--debut", start, au="2025-11-28")
        wb.ok("intervention", "realiser", v["visite"], "--date", "2025-12-02", au="2025-12-02")
    later = wb.ok("contrat", "visites", "--mois", "2026-12", au="2026-11-02")["visites"]
    assert [(v["contrat"], v["due_le"]) for v in later] == [("CE2025-0001", "2026-12-02")]
    assert [(v["contrat"], v["due_le"]) for v in wb.ok("contrat", "visites", "--mois", "2027-12",
                                                        au="2026-11-02")["visites"]] == [
        ("CE2025-0001", "2026-12-02"), ("CE2025-0002", "2027-12-02")]


def test_attestation_alarm_after_15_days(wb: Book) -> None:
    v = wb.ok("contrat", "visites", "--mois", "2025-12", au="2025-11-28")["visites"][0]
    wb.ok("planning", "planifier", "--visite", v["visite"], "--technicien", "T01", "--debut", "2025-12-02 08:30",
          au="2025-11-28")
    wb.ok("intervention", "realiser", v["visite"], "--date", "2025-12-02", au="2025-12-02")

    def alarms(au: str) -> list[str]:
        return [a for a in wb.ok("contrat", "avis", au=au)["alarmes"] if a.startswith("Visite")]

    assert alarms("2025-12-17") == [f"Visite {v['visite']} (DUPONT Jean) : attestation d'entretien à remettre au plus "
                                    f"tard le 17/12/2025 (syc contrat attestation {v['visite']})."]
    assert alarms("2025-12-18") == [f"Visite {v['visite']} (DUPONT Jean, 02/12/2025) : attestation d'entretien non "
                                    "remise, le délai de 15 jours a expiré le 17/12/2025."]
    done = wb.ok("contrat", "attestation", v["visite"], "--remise", "2025-12-10", au="2025-12-18")
    assert done["hors_delai"] is False and alarms("2025-12-18") == []


def _notices(wb: Book, au: str) -> tuple[list[str], list[str]]:
    data = wb.ok("contrat", "avis", au=au)
    return [n["contrat"] for n in data["avis"]], [a for a in data["alarmes"] if a.startswith("Contrat CE2025-0001")]


@pytest.mark.parametrize(("au", "listed", "alarm"), [
    ("2026-07-20", False, False), ("2026-07-21", True, False), ("2026-09-21", True, False),
    ("2026-09-22", False, True), ("2026-11-19", False, True),
])
def test_renewal_notice_window_on_its_boundary_days(wb: Book, au: str, listed: bool, alarm: bool) -> None:
    found, alarms = _notices(wb, au)
    assert ("CE2025-0001" in found) is listed
    assert bool(alarms) is alarm
    if alarm:
        assert "avis de reconduction non envoyé entre le 21/07/2026 et le 21/09/2026" in alarms[0]


def test_notice_sent_with_its_date_in_a_box_then_no_alarm(wb: Book) -> None:
    data = wb.ok("contrat", "avis", "--envoyer", au="2026-08-03")
    assert [n["contrat"] for n in data["avis"]] == ["CE2025-0001", "CE2025-0002"]
    path = Path(next(p for p in data["documents"] if "CE2025-0001" in p and p.endswith(".eml")))
    msg = email.message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "│ Vous pouvez refuser la reconduction jusqu'au 21 octobre 2026 │" in text
    assert "article L215-1 du Code de la consommation" in text and "reconduit le 20 novembre 2026" in text
    assert "refus possible jusqu'au 21 octobre 2026" in str(msg["Subject"])
    assert wb.row("tContrats", "number", "CE2025-0001")["notice_sent_on"] == dt.date(2026, 8, 3)
    assert _notices(wb, "2026-11-19") == ([], [])
    assert _notices(wb, "2027-01-10") == ([], [])


def test_without_the_notice_the_client_may_end_at_any_time_with_a_refund(wb: Book) -> None:
    _, alarms = _notices(wb, "2027-05-21")
    assert any("reconduit le 20/11/2026 sans avis envoyé à temps" in a and "75,21" in a for a in alarms)
    data: dict[str, Any] = wb.ok("contrat", "resilier", "CE2025-0001", "--motif", "avis non reçu", au="2027-05-21")
    assert data["remboursement_ht"] == "75.21" and data["statut"] == "Résilié"
    wb.refused("contrat", "modifier", "CE2025-0001", "--prix-ht", "1", au="2027-05-21", code="contrat.etat",
               words=["Contrat CE2025-0001", "résilié depuis le 21/05/2027"])


# --------------------------------------------------------------------------- documents (PDF text)
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice (soffice) et poppler-utils sont nécessaires")


def pdf_text(path: Path) -> str:
    raw = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(raw.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ").split())


@needs_soffice
def test_attestation_pdf_of_a_heat_pump_visit(wb: Book) -> None:
    pump = next(v for v in wb.ok("contrat", "visites", "--mois", "2025-12", au="2025-11-28")["visites"]
                if v["contrat"] == "CE2025-0002")
    wb.ok("planning", "planifier", "--visite", pump["visite"], "--technicien", "T02", "--debut", "2025-12-02 08:45",
          au="2025-11-28")
    wb.ok("intervention", "realiser", pump["visite"], "--date", "2025-12-02", "--rapport", "Filtre nettoyé & <OK>",
          au="2025-12-02")
    data = wb.ok("contrat", "attestation", pump["visite"], au="2025-12-05")
    (path,) = (Path(p) for p in data["documents"])
    text = pdf_text(path)
    for words in ("ATTESTATION D'ENTRETIEN", f"N° {pump['visite']}", "MARTIN Sophie", "décret n° 2020-912",
                  "Vérification de l'étanchéité du circuit frigorifique (absence de fuite de fluide) Fait",
                  "Puissance 8 kW", "Filtre nettoyé & <OK>", "Visite du 2 décembre 2025 par Léa Morel",
                  "au plus tard le 17 décembre 2025, dans les 15 jours suivant la visite"):
        assert words in text, words
    assert "monoxyde de carbone" not in text  # the boiler's checks are not a heat pump's


@needs_soffice
def test_renewal_notice_pdf_with_its_deadline_in_a_box(wb: Book) -> None:
    data = wb.ok("contrat", "avis", "--envoyer", au="2026-08-03")
    path = Path(next(p for p in data["documents"] if p.endswith(".pdf") and "CE2025-0001" in p))
    text = pdf_text(path)
    for words in ("DUPONT Jean", "Lyon, le 3 août 2026", "Objet : Reconduction de votre contrat d'entretien CE2025-0001",
                  "il sera reconduit le 20 novembre 2026", "Vous pouvez refuser la reconduction jusqu'au 21 octobre 2026",
                  "article L215-1 du Code de la consommation", "Avis de reconduction — Page 1 sur 1"):
        assert words in text, words
