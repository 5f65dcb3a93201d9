"""Doubtful clients (416) and write-offs (654): the expected entries, written before the code
(issue 15, item 3; domain.md §5.1 and §8.5).

A doubtful debt moves what the client still owes on the invoice from 411 to 416 (his auxiliary
account kept); what he pays afterwards comes off 416. A write-off (irrecoverable debt) takes what
remains to 654, net of its VAT: under VAT on receipts that VAT never became due and simply leaves
44574; when it was due at invoicing (debits option, goods) it is recovered, D 44571, and the VAT
figures of the period carry it negative (CGI art. 272-1; BOI-TVA-DED-40-10-20). Each is a dated row
with its reason, in the OD journal; an opposite row (cancels) undoes it with the opposite entry.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from test_books import C1, NAMES, account_balance, balanced, day, doc, ln, pay, table

from pyxl.core import books
from pyxl.core.books import Loss

D = Decimal
INV = doc("F2026-00100", "2026-02-02", "Facture", ln("1000.00", "20", "h"), nature="Dépannage")  # 1 200,00 TTC


def loss(lid: str, date: str, kind: str, *, cancels: str = "", invoice: str = "F2026-00100") -> Loss:
    return Loss(id=lid, date=day(date), invoice=invoice, client=C1, kind=kind, reason="liquidation judiciaire",
                cancels=cancels)


def test_doubtful_then_written_off_under_vat_on_receipts() -> None:
    paid = pay("R2026-00100", "2026-02-10", "F2026-00100", "600.00", "Virement")  # VAT 100,00 made due
    result = books.build([INV], [], [paid], [], NAMES, losses=[loss("CD2026-00001", "2026-05-04", books.DOUBTFUL),
                                                               loss("CD2026-00002", "2026-09-30", books.WRITTEN_OFF)])
    balanced(result.entries)
    assert table(result, "CD2026-00001") == [("OD", "416", C1, "600.00", ""), ("OD", "411", C1, "", "600.00")]
    # the 100,00 of VAT still waiting for its payment never becomes due: it leaves 44574
    assert table(result, "CD2026-00002") == [("OD", "654", "", "500.00", ""), ("OD", "44574", "", "100.00", ""),
                                             ("OD", "416", C1, "", "600.00")]
    for account in ("411", "416", "44574"):
        assert account_balance(result, account) == 0, account
    assert account_balance(result, "654") == D("500.00")
    # the VAT due is the paid share only, and the write-off changes nothing there
    assert [(m.ref, m.vat) for m in result.vat] == [("R2026-00100", D("100.00"))]
    assert result.owed[C1] == 0
    # the invoice, its payment and the transfer to 416 are lettered on 411
    lettered = {x.matching for e in result.entries for x in e.lines if x.account == "411"}
    assert lettered == {"AA"}
    assert {e.journal for e in result.entries if e.ref.startswith("CD")} == {"OD"}
    assert [e.label for e in result.entries if e.ref == "CD2026-00002"] == [
        "Créance irrécouvrable F2026-00100 DUPONT Jean : liquidation judiciaire"]


def test_a_payment_after_the_doubtful_transfer_comes_off_416() -> None:
    rows = [pay("R2026-00101", "2026-06-01", "F2026-00100", "200.00", "Chèque")]
    result = books.build([INV], [], rows, [], NAMES, losses=[loss("CD2026-00003", "2026-05-04", books.DOUBTFUL),
                                                             loss("CD2026-00004", "2026-07-01", books.WRITTEN_OFF)])
    balanced(result.entries)
    assert table(result, "CD2026-00003") == [("OD", "416", C1, "1200.00", ""), ("OD", "411", C1, "", "1200.00")]
    assert table(result, "R2026-00101") == [("BQ", "5112", "", "200.00", ""), ("BQ", "416", C1, "", "200.00"),
                                           ("BQ", "44574", "", "33.33", ""), ("BQ", "44571", "", "", "33.33")]
    # 1 000,00 left: its VAT still waiting, 200,00 − 33,33 = 166,67
    assert table(result, "CD2026-00004") == [("OD", "654", "", "833.33", ""), ("OD", "44574", "", "166.67", ""),
                                             ("OD", "416", C1, "", "1000.00")]
    assert account_balance(result, "416") == account_balance(result, "44574") == 0


def test_written_off_under_the_debits_option_recovers_the_vat_declared() -> None:
    inv = doc("F2026-00100", "2026-02-02", "Facture", ln("1000.00", "20", "h"), nature="Dépannage")
    paid = pay("R2026-00100", "2026-02-10", "F2026-00100", "600.00", "Virement")
    result = books.build([inv], [], [paid], [], NAMES, books.Options(vat_on_debits=True),
                         losses=[loss("CD2026-00005", "2026-09-30", books.WRITTEN_OFF)])
    balanced(result.entries)
    # straight from 411 (never declared doubtful); the VAT was declared at invoicing: recovered, D 44571
    assert table(result, "CD2026-00005") == [("OD", "654", "", "500.00", ""), ("OD", "44571", "", "100.00", ""),
                                             ("OD", "411", C1, "", "600.00")]
    sept = books.vat_figures(result, day("2026-09-01"), day("2026-09-30"))
    assert [(r.rate, r.base, r.vat) for r in sept] == [(D(20), D("-500.00"), D("-100.00"))]


def test_an_opposite_row_undoes_the_doubtful_transfer_and_411_takes_the_payments_again() -> None:
    rows = [pay("R2026-00102", "2026-08-01", "F2026-00100", "1200.00", "Virement")]
    result = books.build([INV], [], rows, [], NAMES, losses=[
        loss("CD2026-00006", "2026-05-04", books.DOUBTFUL),
        loss("CD2026-00007", "2026-06-15", books.CANCELLED, cancels="CD2026-00006")])
    balanced(result.entries)
    assert table(result, "CD2026-00007") == [("OD", "411", C1, "1200.00", ""), ("OD", "416", C1, "", "1200.00")]
    assert table(result, "R2026-00102")[:2] == [("BQ", "512", "", "1200.00", ""), ("BQ", "411", C1, "", "1200.00")]
    assert account_balance(result, "411") == account_balance(result, "416") == 0


def test_an_opposite_row_undoes_a_write_off_and_its_vat() -> None:
    result = books.build([INV], [], [], [], NAMES, losses=[
        loss("CD2026-00008", "2026-05-04", books.WRITTEN_OFF),
        loss("CD2026-00009", "2026-05-20", books.CANCELLED, cancels="CD2026-00008")])
    assert table(result, "CD2026-00008") == [("OD", "654", "", "1000.00", ""), ("OD", "44574", "", "200.00", ""),
                                             ("OD", "411", C1, "", "1200.00")]
    assert table(result, "CD2026-00009") == [("OD", "411", C1, "1200.00", ""), ("OD", "44574", "", "", "200.00"),
                                             ("OD", "654", "", "", "1000.00")]  # the mirror of the write-off
    # the VAT waits again for the payment: a later receipt moves it as before
    later = books.build([INV], [], [pay("R2026-00103", "2026-06-01", "F2026-00100", "1200.00", "Virement")], [],
                        NAMES, losses=[loss("CD2026-00008", "2026-05-04", books.WRITTEN_OFF),
                                       loss("CD2026-00009", "2026-05-20", books.CANCELLED, cancels="CD2026-00008")])
    assert [(m.ref, m.vat) for m in later.vat] == [("R2026-00103", D("200.00"))]
    assert account_balance(later, "44574") == 0


# =========================================================================== through `syc`
import pytest  # noqa: E402
from test_sales_chain import Book  # noqa: E402

from pyxl.workbook.filestore import FileStore  # noqa: E402


@pytest.fixture
def wb(demo_bytes: bytes, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Book:
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    path = tmp_path / "SYC_Gestion.xlsm"
    path.write_bytes(demo_bytes)
    return Book(path)


def _entries(wb: Book, au: str) -> list[dict]:
    return wb.ok("compta", "ecritures", au=au)["ecritures"]


def test_a_business_clients_invoice_declared_doubtful_then_written_off(wb: Book, tmp_path) -> None:
    _, _, inv = wb.invoice("2026-03-02", "MO-H:10", client="C00002")  # 550,00 + 55,00 (10 %) = 605,00
    wb.pay(inv, "160", "2026-03-10")
    d = wb.ok("facture", "douteuse", inv, "--motif", "redressement judiciaire", au="2026-06-01")
    assert (d["id"], d["decision"], d["reste_du"], d["facture"]) == ("CD2026-00001", "Douteuse", "445.00", inv)
    row = wb.row("tCreances", "id", "CD2026-00001")
    assert (row["kind"], row["amount"], row["reason"], row["date"]) == (
        "Douteuse", D("445.00"), "redressement judiciaire", day("2026-06-01"))
    assert wb.doc(inv)["paid"] == D("160.00")  # the invoice itself is not edited
    wb.refused("facture", "douteuse", inv, "--motif", "encore", au="2026-06-02", code="creance.douteuse",
               words=["CD2026-00001"])
    # no longer dunned
    assert inv not in {r["number"] for r in _overdue(wb, "2026-06-02")}
    w = wb.ok("facture", "perte", inv, "--motif", "liquidation clôturée pour insuffisance d'actif", au="2026-09-30")
    assert (w["id"], w["decision"], w["reste_du"]) == ("CD2026-00002", "Irrécouvrable", "445.00")
    wb.refused("facture", "perte", inv, "--motif", "x", au="2026-10-01", code="creance.perte")
    wb.refused("facture", "annuler-creance", "CD2026-00001", "--motif", "x", au="2026-10-01", code="creance.ordre")
    entries = {e["piece"]: e for e in _entries(wb, "2026-10-01")}
    assert [(x["compte"], x["debit"], x["credit"]) for x in entries["CD2026-00001"]["lignes"]] == [
        ("416", "445.00", "0.00"), ("411", "0.00", "445.00")]
    # 445,00 still owed: its VAT still waiting in 44574 (55,00 − 55,00 × 160 / 605 = 40,45) leaves with it
    assert [(x["compte"], x["debit"], x["credit"]) for x in entries["CD2026-00002"]["lignes"]] == [
        ("654", "404.55", "0.00"), ("44574", "40.45", "0.00"), ("416", "0.00", "445.00")]
    assert {entries[k]["journal"] for k in ("CD2026-00001", "CD2026-00002")} == {"OD"}
    # the verifier and the FEC include them (and the closures, in OD: below)
    assert wb.ok("verifier", au="2026-10-01")["ok"]
    fec = wb.ok("compta", "fec", "--exercice", "2026", "--sortie", str(tmp_path / "fec"), au="2026-10-01")
    assert fec["conforme"] is True
    assert "CD2026-00002" in Path(fec["fichier"]).read_text(encoding="utf-8")
    # undone by an opposite row, the write-off first
    u = wb.ok("facture", "annuler-creance", "CD2026-00002", "--motif", "erreur de dossier", au="2026-10-02")
    assert (u["id"], u["annule"], u["decision"]) == ("CD2026-00003", "CD2026-00002", "Annulation")
    wb.refused("facture", "annuler-creance", "CD2026-00002", "--motif", "x", au="2026-10-02", code="creance.annulee")
    wb.refused("facture", "annuler-creance", "CD2026-00003", "--motif", "x", au="2026-10-02",
               code="creance.annulation")
    assert wb.ok("verifier", au="2026-10-03")["ok"]
    closures = {r["ref"]: r for r in wb.rows("tClotures")}
    assert closures["J2026-09-30"]["journals"] == "OD D 445,00 C 445,00"
    journal = {e.ref: e.action for e in FileStore(wb.path).journal() if e.table == "tCreances"}
    assert journal == {"CD2026-00001": "Créance douteuse", "CD2026-00002": "Créance irrécouvrable",
                       "CD2026-00003": "Annulation d'une créance"}


def test_refusals_name_the_invoice(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", "MO-H:2")
    wb.pay(inv, "132", "2026-03-03")  # paid in full
    wb.refused("facture", "perte", inv, "--motif", "x", au="2026-03-04", code="creance.soldee",
               words=[f"Facture {inv}", "ne doit plus rien"])
    wb.refused("facture", "douteuse", inv, "--motif", " ", au="2026-03-04", code="champ")
    wb.refused("facture", "annuler-creance", "CD2026-00099", "--motif", "x", au="2026-03-04",
               code="creance.inconnue")


def _overdue(wb: Book, au: str) -> list:
    from pyxl.services.dunning import overdue_invoices

    return overdue_invoices(FileStore(wb.path), day(au))
