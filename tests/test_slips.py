"""Deposit slips (issue 14, item 4): the cheques received and not yet deposited gathered into a
numbered slip BR2026-0001, printed through the documents module; card payments batched alike.

Demo book of `test_sales_chain` (C00001 DUPONT Jean, particulier; C00002 Dupont & Fils,
professionnel). 10 h × 55,00 at 10 % = 605,00 TTC; 2 h × 55,00 at 10 % = 121,00 TTC.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from test_sales_chain import Book

D = Decimal


def cheque(wb: Book, invoice: str, amount: str, au: str, number: str, mode: str = "cheque", bank: str = "",
           drawer: str = "") -> str:
    extra = [*(("--banque", bank) if bank else ()), *(("--tireur", drawer) if drawer else ())]
    return str(wb.ok("reglement", "saisir", "--facture", invoice, "--montant", amount, "--mode", mode,
                     "--reference", number, *extra, au=au)["id"])


def three_cheques(wb: Book) -> tuple[str, str, list[str]]:
    """Two invoices; three cheques (one partial, then its rest, one whole) and a transfer."""
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    ids = [cheque(wb, f1, "300", "2026-03-05", "1234567", bank="Crédit Mutuel", drawer="SARL Dupont & Fils"),
           cheque(wb, f1, "305", "2026-03-06", "1234568"),
           cheque(wb, f2, "121", "2026-03-06", "9876543")]
    return f1, f2, ids


def test_a_slip_gathers_every_cheque_not_yet_deposited_numbered_and_fingerprinted(wb: Book) -> None:
    _, _, ids = three_cheques(wb)
    wb.ok("parametres", "modifier", "banque_remise", "LCL Lyon Brotteaux", au="2026-03-06")
    d = wb.ok("bordereau", "creer", au="2026-03-09")
    assert (d["numero"], d["mode"], d["nombre"], D(d["total"]), d["statut"]) == ("BR2026-0001", "Chèque", 3,
                                                                                 D("726.00"), "Remis")
    assert d["banque"] == "LCL Lyon Brotteaux"
    assert (d["cheques"][0]["banque"], d["cheques"][0]["tireur"]) == ("Crédit Mutuel", "SARL Dupont & Fils")
    assert [(c["numero_cheque"], D(c["montant"]), c["client"]) for c in d["cheques"]] == [
        ("1234567", D("300.00"), "C00002"), ("1234568", D("305.00"), "C00002"), ("9876543", D("121.00"), "C00001")]
    slip = wb.row("tBordereaux", "number", "BR2026-0001")
    assert (slip["count"], slip["total"], slip["status"], slip["bank"]) == (3, D("726.00"), "Remis", "LCL Lyon Brotteaux")
    assert {r["id"]: r["slip"] for r in wb.rows("tReglements")} == {i: "BR2026-0001" for i in ids}
    # fingerprinted: the audit chain names it, and syc verifier stays clean
    assert "BR2026-0001" in {e.ref for e in wb.store().journal() if e.table == "tBordereaux"}
    assert wb.ok("verifier", au="2026-03-09")["ok"]
    # nothing left: a second slip is refused, the workbook untouched
    wb.refused("bordereau", "creer", au="2026-03-10", code="bordereau.rien", words=["aucun chèque à remettre"])
    # a new cheque: the next number, and only that cheque
    _, _, f3 = wb.invoice("2026-03-10", "MO-H:2", client="C00001")
    new = cheque(wb, f3, "121", "2026-03-11", "5550001")
    d2 = wb.ok("bordereau", "creer", "--banque", "CIC Villeurbanne", au="2026-03-12")
    assert (d2["numero"], d2["nombre"], d2["banque"]) == ("BR2026-0002", 1, "CIC Villeurbanne")
    assert [c["reglements"] for c in d2["cheques"]] == [[new]]
    shown = wb.ok("bordereau", "voir", "BR2026-0001", au="2026-03-12")["bordereau"]
    assert [c["numero_cheque"] for c in shown["cheques"]] == ["1234567", "1234568", "9876543"]
    assert [x["numero"] for x in wb.ok("bordereau", "liste", au="2026-03-12")["bordereaux"]] == ["BR2026-0001",
                                                                                                  "BR2026-0002"]


def test_a_payment_in_several_parts_is_one_cheque_and_a_reversed_one_is_not_deposited(wb: Book) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    # imputed first on the note, then on the invoice: two rows of one payment, one cheque
    grouped = cheque(wb, f1, "200", "2026-07-01", "7770001")
    parts = [r for r in wb.rows("tReglements") if r["group"] == grouped]
    assert len(parts) == 2
    bounced = cheque(wb, f1, "50", "2026-07-01", "7770002")
    wb.ok("reglement", "annuler", bounced, "--motif", "chèque sans provision", au="2026-07-02")
    d = wb.ok("bordereau", "creer", au="2026-07-03")
    assert d["nombre"] == 1 and D(d["total"]) == D("200.00")
    assert d["cheques"][0]["reglements"] == sorted(r["id"] for r in parts)
    assert {r["id"] for r in wb.rows("tReglements") if r["slip"]} == {r["id"] for r in parts}


def test_transfers_and_cash_stay_off_the_slip_and_card_payments_are_batched_apart(wb: Book) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.pay(f1, "100", "2026-03-03")
    cheque(wb, f1, "80", "2026-03-03", "", mode="cb")
    wb.refused("bordereau", "creer", au="2026-03-04", code="bordereau.rien")
    d = wb.ok("bordereau", "creer", "--mode", "cb", au="2026-03-04")
    assert (d["mode"], d["nombre"], D(d["total"])) == ("CB", 1, D("80.00"))
    # no bank given anywhere: the slip is made, with a warning saying where to set it
    assert [w["code"] for w in d["avertissements"]] == ["bordereau.banque"]
    wb.refused("bordereau", "creer", "--mode", "virement", au="2026-03-04", code="bordereau.mode")


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) et poppler-utils sont nécessaires")
def test_the_slip_pdf_lists_bank_drawer_number_amount_and_the_total(wb: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    three_cheques(wb)
    monkeypatch.delenv("SYC_SANS_DOCUMENT")
    d = wb.ok("bordereau", "creer", "--banque", "LCL Lyon Brotteaux", au="2026-03-09")
    (pdf,) = [Path(p) for p in d["documents"]]
    assert pdf.name == "BR2026-0001.pdf" and pdf.parent.name == "Bordereaux de remise"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for words in ("BORDEREAU DE REMISE DE CHÈQUES", "BR2026-0001", "9 mars 2026", "LCL Lyon Brotteaux", "1234567",
                  "1234568", "9876543", "300,00", "305,00", "121,00", "3 chèques", "726,00", "DUPONT Jean", "Crédit Mutuel", "SARL Dupont & Fils",
                  "Dupont & Fils"):
        assert words in text.replace("\u202f", " ").replace("\xa0", " "), words
    again = wb.ok("bordereau", "imprimer", "BR2026-0001", au="2026-03-10")
    assert again["documents"] == [] and again["documents_conserves"] == [str(pdf)]
