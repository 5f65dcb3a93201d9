"""Contract invoices (`syc contrat facturer --mois`): one quote accepted, one order realised and one
invoice issued per contract due, in one change set; the VAT of « Règles TVA » for nature
« Entretien » by equipment and housing; yearly and monthly periods; never twice; the F series
gapless with the other invoices of the day, the audit chain intact."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import pytest
from test_sales_chain import Book

from pyxl.cli import main
from pyxl.services.contract_billing import periods
from pyxl.workbook.filestore import PAUSE_BEFORE_RENAME, write_lock

D = Decimal


def _contract(billing: str, price: str, start: dt.date, anniversary: dt.date | None = None) -> dict[str, object]:
    return {"start": start, "price_ht": D(price), "billing": billing, "anniversary": anniversary,
            "status": "Actif", "ended_on": None, "billed_to": None}


def test_twelve_months_make_the_annual_price() -> None:
    ps = periods(_contract("Mensuelle", "100", dt.date(2026, 1, 31)), dt.date(2027, 6, 30))
    assert [p.amount for p in ps[:12]] == [D("8.33")] * 11 + [D("8.37")]
    assert sum(p.amount for p in ps[:12]) == D(100)
    assert (ps[0].start, ps[0].end, ps[1].start, ps[1].end) == (
        dt.date(2026, 1, 31), dt.date(2026, 2, 27), dt.date(2026, 2, 28), dt.date(2026, 3, 30))
    assert ps[12].amount == D("8.33")  # the second contract year starts again


def test_yearly_periods_and_a_short_first_year_pro_rata() -> None:
    ps = periods(_contract("Annuelle", "150", dt.date(2026, 3, 1)), dt.date(2028, 3, 1))
    assert [(p.start, p.end, p.amount) for p in ps] == [
        (dt.date(2026, 3, 1), dt.date(2027, 2, 28), D(150)), (dt.date(2027, 3, 1), dt.date(2028, 2, 29), D(150)),
        (dt.date(2028, 3, 1), dt.date(2029, 2, 28), D(150))]
    short = periods(_contract("Annuelle", "365", dt.date(2026, 3, 1), dt.date(2026, 9, 1)), dt.date(2026, 12, 31))
    assert [(p.start, p.end, p.amount) for p in short] == [(dt.date(2026, 3, 1), dt.date(2026, 8, 31), D("184.00")),
                                                            (dt.date(2026, 9, 1), dt.date(2027, 8, 31), D(365))]


@pytest.fixture(scope="module")
def billing_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("facturation") / "SYC_Gestion.xlsm"
    book = Book(path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(path), "--au", "2025-11-01"]) == 0
    au = "2026-01-02"
    book.ok("contrat", "creer", "--client", "C00001", "--equipement", "chaudiere-gaz", "--formule", "Essentiel",
            "--prix-ht", "150", "--debut", "2026-01-10", "--logement-plus-2-ans", "oui", au=au)
    book.ok("contrat", "creer", "--client", "C00003", "--equipement", "chaudiere-thpe", "--formule", "Confort",
            "--prix-ht", "180", "--facturation", "mensuelle", "--debut", "2026-01-05", "--logement-plus-2-ans", "oui",
            au=au)
    book.ok("contrat", "creer", "--client", "C00002", "--equipement", "pac-air-eau", "--puissance", "8",
            "--formule", "Confort", "--prix-ht", "100", "--facturation", "mensuelle", "--debut", "2026-01-05", au=au)
    book.ok("contrat", "creer", "--client", "C00001", "--equipement", "chaudiere-fioul", "--formule", "Essentiel",
            "--prix-ht", "170", "--debut", "2026-03-01", "--logement-plus-2-ans", "oui", au=au)
    return path.read_bytes()


@pytest.fixture
def wb(billing_bytes: bytes, stores: Any, monkeypatch: pytest.MonkeyPatch) -> Book:
    """In a workbook file, and (a second run) in a PostgreSQL base."""
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    backend = stores(billing_bytes)
    return Book(backend.open().path, backend)


def _invoice_of_the_day(wb: Book, au: str) -> str:
    """An ordinary invoice through the sales chain, issued the same day."""
    q = wb.ok("devis", "creer", "--client", "C00001", "--ligne", "MO-H:2", "--nature", "depannage",
              "--logement-plus-2-ans", "oui", "--execution", "immédiate", au=au)["numero"]
    wb.ok("devis", "accepter", q, au=au)
    o = wb.ok("commande", "creer", "--devis", q, au=au)["numero"]
    wb.ok("commande", "realiser", o, "--date", au, au=au)
    return str(wb.ok("facture", "creer", "--commande", o, "--emettre", au=au)["numero"])


def test_month_invoices_amounts_rates_and_the_whole_chain(wb: Book) -> None:
    before = _invoice_of_the_day(wb, "2026-01-12")
    data = wb.ok("contrat", "facturer", "--mois", "2026-01", au="2026-01-12")
    got = {f["contrat"]: f for f in data["factures"]}
    assert set(got) == {"CE2026-0001", "CE2026-0002", "CE2026-0003"}  # CE2026-0004 starts in March
    assert [(got[c]["taux_tva"], got[c]["total_ht"], got[c]["total_ttc"]) for c in sorted(got)] == [
        ("10", "150.00", "165.00"),  # gas boiler, housing over two years: 10 % (CGI 279-0 bis)
        ("5.5", "15.00", "15.83"),  # THPE boiler upkeep: 5,5 % — a month of 180 €
        ("20", "8.33", "10.00")]  # premises not declared: 20 %, said in a warning
    assert any("CE2026-0003" in w["message"] and "10 %" in w["message"] for w in data["avertissements"])
    assert (got["CE2026-0001"]["du"], got["CE2026-0001"]["au"]) == ("2026-01-10", "2027-01-09")
    # gapless after the invoice issued earlier that day
    year, n = before.split("-")
    assert sorted(f["facture"] for f in data["factures"]) == [f"{year}-{int(n) + i:05d}" for i in (1, 2, 3)]
    inv = wb.row("tFactures", "number", got["CE2026-0002"]["facture"])
    assert (inv["status"], inv["nature"], inv["client_ref"], inv["date"]) == (
        "Émise", "Entretien", "CE2026-0002", dt.date(2026, 1, 12))
    assert inv["service_date"] is None  # billed in advance: no date of completion printed, the period is in the line
    q = wb.row("tDevis", "number", got["CE2026-0002"]["devis"])
    o = wb.row("tCommandes", "number", got["CE2026-0002"]["commande"])
    assert (q["status"], q["order"], o["status"], o["invoice"], o["quote"]) == (
        "Accepté", o["number"], "Facturée", inv["number"], q["number"])
    lines = [r for r in wb.rows("tLignesFactures") if r["doc"] == inv["ref"]]
    assert [(r["designation"], r["rate"]) for r in lines] == [
        ("Contrat d'entretien CE2026-0002, formule Confort (Chaudière THPE) : mensualité du 05/01/2026 au "
         "04/02/2026", D("5.5"))]
    c = wb.row("tContrats", "number", "CE2026-0002")
    assert (c["billed_to"], c["last_invoice"]) == (dt.date(2026, 2, 4), inv["number"])
    after = _invoice_of_the_day(wb, "2026-01-12")
    assert after == f"{year}-{int(n) + 4:05d}"
    code, report = wb.run("verifier", au="2026-01-12")
    assert code == 0, report


def test_never_twice_and_refused_naming_the_contract(wb: Book) -> None:
    wb.ok("contrat", "facturer", "--mois", "2026-01", au="2026-01-12")
    wb.refused("contrat", "facturer", "--mois", "2026-01", au="2026-01-13", code="contrat.deja_facture",
               words=["CE2026-0001", "CE2026-0002", "CE2026-0003", "ne se facture pas deux fois"])
    wb.refused("contrat", "facturer", "--mois", "2026-01", "--contrat", "CE2026-0001", au="2026-01-13",
               code="contrat.deja_facture", words=["Contrat CE2026-0001", "déjà facturé jusqu'au 09/01/2027",
                                                   "ne se facture pas deux fois"])
    # February: the two monthly contracts only; the yearly one is neither billed nor said to be
    feb = wb.ok("contrat", "facturer", "--mois", "2026-02", au="2026-02-05")
    assert sorted(f["contrat"] for f in feb["factures"]) == ["CE2026-0002", "CE2026-0003"]
    assert feb["deja_facturees"] == []
    # March: the yearly fuel boiler's first year; the monthly ones their March month
    mar = wb.ok("contrat", "facturer", "--mois", "2026-03", "--contrat", "CE2026-0004", au="2026-03-02")
    assert [(f["contrat"], f["total_ht"], f["taux_tva"]) for f in mar["factures"]] == [("CE2026-0004", "170.00", "10")]


def test_a_month_left_out_is_caught_up_one_line_per_period(wb: Book) -> None:
    wb.ok("contrat", "facturer", "--mois", "2026-01", au="2026-01-12")
    mar = wb.ok("contrat", "facturer", "--mois", "2026-03", au="2026-03-02")
    pump = next(f for f in mar["factures"] if f["contrat"] == "CE2026-0003")
    assert (pump["periodes"], pump["du"], pump["au"], pump["total_ht"]) == (2, "2026-02-05", "2026-04-04", "16.66")
    ref = wb.row("tFactures", "number", pump["facture"])["ref"]
    assert [r["designation"].endswith("(rattrapage)") for r in wb.rows("tLignesFactures") if r["doc"] == ref] == [
        True, False]


def test_nothing_due_and_bad_month(wb: Book) -> None:
    assert wb.ok("contrat", "facturer", "--mois", "2025-12", au="2026-01-12")["factures"] == []
    wb.refused("contrat", "facturer", "--mois", "2026-13", au="2026-01-12", code="contrat.mois", words=["2026-13"])
    wb.refused("contrat", "facturer", "--mois", "2026-01", "--contrat", "CE2026-0004", au="2026-01-12",
               code="contrat.facturer", words=["Contrat CE2026-0004", "commence le 01/03/2026"])


# the workbook file's write lock held by hand: file only (the base's writers' lock: tests/test_pg_concurrency.py)
@pytest.mark.fichier_seul
def test_two_concurrent_runs_bill_once(wb: Book) -> None:
    """Two `syc contrat facturer` started together: the second reads the first one's « Facturé
    jusqu'au » under the lock and is refused; each contract has one invoice."""
    env = {**os.environ, PAUSE_BEFORE_RENAME: "0.5", "SYC_SANS_DOCUMENT": "1"}
    with write_lock(wb.path):
        procs = [subprocess.Popen([sys.executable, "-m", "pyxl.cli", "contrat", "facturer", "--mois", "2026-01",
                                   "--book", str(wb.path), "--au", "2026-01-12", "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
        time.sleep(1.5)
        assert all(p.poll() is None for p in procs), "a process did not wait for the lock"
    answers = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert not stderr.strip(), stderr.decode()
        answers.append((p.returncode, json.loads(stdout)))
    assert sorted(code for code, _ in answers) == [0, 1]
    refused = next(a for code, a in answers if code == 1)
    assert refused["erreurs"][0]["code"] == "contrat.deja_facture"
    invoices = [r for r in wb.store().rows("tFactures") if r["number"]]
    assert sorted(str(r["client_ref"]) for r in invoices) == ["CE2026-0001", "CE2026-0002", "CE2026-0003"]
