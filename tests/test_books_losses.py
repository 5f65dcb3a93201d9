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


def test_a_payment_after_a_write_off_is_a_recovery_7714_with_its_vat_collected_again() -> None:
    """Under VAT on receipts: the write-off took the VAT waiting (200,00) out of 44574; a later
    receipt of 600,00 is not on 411 any more (it was closed by the write-off): D 512 / C 7714 for its
    HT share, C 44571 for its VAT share, pro rata to the invoice's TTC per rate, and due that day."""
    rows = [pay("R2026-00104", "2026-10-05", "F2026-00100", "600.00", "Virement")]
    result = books.build([INV], [], rows, [], NAMES, losses=[loss("CD2026-00010", "2026-09-30", books.WRITTEN_OFF)])
    balanced(result.entries)
    assert table(result, "R2026-00104") == [("BQ", "512", "", "600.00", ""), ("BQ", "7714", "", "", "500.00"),
                                           ("BQ", "44571", "", "", "100.00")]
    assert [(m.ref, m.base, m.vat) for m in result.vat] == [("R2026-00104", D("500.00"), D("100.00"))]
    for account in ("411", "416", "44574"):
        assert account_balance(result, account) == 0, account
    assert account_balance(result, "7714") == D("-500.00")
    assert result.owed[C1] == 0


def test_a_recovery_under_the_debits_option_and_its_bounced_cheque() -> None:
    """VAT declared at invoicing and recovered by the write-off: the recovery collects it again; a
    bounced recovery cheque is the opposite entry, the VAT taken back too."""
    inv = doc("F2026-00100", "2026-02-02", "Facture", ln("1000.00", "20", "h"), nature="Dépannage")
    cheque = pay("R2026-00105", "2026-10-05", "F2026-00100", "120.00", "Chèque")
    bounced = pay("R2026-00106", "2026-10-12", "F2026-00100", "-120.00", "Chèque", cancels="R2026-00105",
                  bounced=True)
    result = books.build([inv], [], [cheque, bounced], [], NAMES, books.Options(vat_on_debits=True),
                         losses=[loss("CD2026-00011", "2026-09-30", books.WRITTEN_OFF)])
    balanced(result.entries)
    assert table(result, "R2026-00105") == [("BQ", "5112", "", "120.00", ""), ("BQ", "7714", "", "", "100.00"),
                                           ("BQ", "44571", "", "", "20.00")]
    assert table(result, "R2026-00106") == [("BQ", "7714", "", "100.00", ""), ("BQ", "44571", "", "20.00", ""),
                                           ("BQ", "5112", "", "", "120.00")]
    oct_ = books.vat_figures(result, day("2026-10-01"), day("2026-10-31"))
    assert oct_ == []  # collected then taken back in the same month
    assert account_balance(result, "7714") == account_balance(result, "411") == 0


def test_a_payment_after_a_cancelled_write_off_is_on_411_again() -> None:
    rows = [pay("R2026-00107", "2026-10-05", "F2026-00100", "1200.00", "Virement")]
    result = books.build([INV], [], rows, [], NAMES, losses=[
        loss("CD2026-00012", "2026-09-01", books.WRITTEN_OFF),
        loss("CD2026-00013", "2026-09-02", books.CANCELLED, cancels="CD2026-00012")])
    assert table(result, "R2026-00107")[:2] == [("BQ", "512", "", "1200.00", ""), ("BQ", "411", C1, "", "1200.00")]
    assert account_balance(result, "7714") == 0


# =========================================================================== through `syc`
import pytest  # noqa: E402
from test_sales_chain import Book  # noqa: E402

from pyxl.workbook.filestore import FileStore  # noqa: E402


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
    journal = {e.ref: e.action for e in wb.store().journal() if e.table == "tCreances"}
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

    return overdue_invoices(wb.store(), day(au))


def test_a_written_off_invoice_owes_nothing_more_and_a_later_payment_is_a_recovery(wb: Book) -> None:
    from pyxl.services.worklists import invoices_overdue

    _, _, inv = wb.invoice("2026-03-02", "MO-H:10", client="C00002")  # 605,00 TTC, due in April
    wb.pay(inv, "105", "2026-03-10")
    assert wb.doc(inv)["owed"] == D("500.00")
    wb.ok("facture", "perte", inv, "--motif", "liquidation clôturée pour insuffisance d'actif", au="2026-09-30")
    row = wb.doc(inv)
    # state columns only: « Réglé » and « Statut » say what was paid; « Passé en perte » what was lost
    assert (row["paid"], row["status"], row["written_off"], row["owed"]) == (
        D("105.00"), "Partiellement réglée", D("500.00"), D("0.00"))
    shown = wb.ok("facture", "voir", inv, au="2026-10-01")["piece"]
    assert (shown["statut_du_jour"], shown["reste_a_payer"], shown["passe_en_perte"]) == (
        "Passée en perte", "0.00", "500.00")
    assert inv not in {i.number for i in invoices_overdue(wb.store(), day("2026-10-01"))}
    assert inv not in {r["number"] for r in _overdue(wb, "2026-10-01")}
    # a later payment is accepted and booked as a recovery, its VAT (10 %) collected again
    got = wb.pay(inv, "110", "2026-10-05")
    assert got["reste_a_payer"] == "0.00" and "recouvrement (compte 7714)" in got["message"]
    row = wb.doc(inv)
    assert (row["paid"], row["written_off"], row["owed"]) == (D("215.00"), D("500.00"), D("0.00"))
    entries = [e for e in _entries(wb, "2026-10-06") if e["date"] == "2026-10-05"]
    assert [(x["compte"], x["debit"], x["credit"]) for e in entries for x in e["lignes"]] == [
        ("512", "110.00", "0.00"), ("7714", "0.00", "100.00"), ("44571", "0.00", "10.00")]
    assert wb.ok("verifier", au="2026-10-06")["ok"]
    # the write-off is no longer undone once something was recovered
    wb.refused("facture", "annuler-creance", "CD2026-00001", "--motif", "x", au="2026-10-06",
               code="creance.recouvree", words=[inv])


def test_cancelling_a_write_off_makes_the_invoice_owed_again(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("facture", "perte", inv, "--motif", "liquidation", au="2026-09-30")
    assert wb.doc(inv)["owed"] == D("0.00")
    wb.ok("facture", "annuler-creance", "CD2026-00001", "--motif", "erreur de dossier", au="2026-10-01")
    row = wb.doc(inv)
    assert (row["written_off"], row["owed"]) == (None, D("605.00"))
    assert wb.ok("facture", "voir", inv, au="2026-10-02")["piece"]["statut_du_jour"] == "En retard"


def test_migration_13_fills_passe_en_perte_from_the_write_offs_of_a_version_12_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version-6 fixture migrated to 12, an invoice written off there (no « Passé en perte » column
    yet), then migrated to 13: the column is filled from the write-off in force, « Reste dû » nil,
    the chart gains 7714, and no fingerprint nor chain hash moves."""
    import datetime as dt
    import shutil

    from test_audit_specs import schema_at

    from pyxl.services import closures, losses
    from pyxl.workbook import migrate as mig
    from pyxl.workbook.filestore import anchor_path
    from pyxl.workbook.schema import SCHEMA

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    data = Path(__file__).resolve().parent / "data" / "v6"
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(data / "syc_v6.xlsm", path)
    shutil.copy(data / "syc_v6.syc-ancre", anchor_path(path))
    v12 = schema_at(12)
    mig.migrate(path, v12)
    store = FileStore(path, v12)
    (invoice,) = [r for r in store.rows("tFactures") if r["doc_type"] == "Facture"]
    number, left = str(invoice["number"]), invoice["owed"]
    assert left > 0
    day_ = dt.date(2026, 5, 4)
    with store.session():
        res = losses.declare(store, number, books.WRITTEN_OFF, "liquidation judiciaire", day_)
        closures.pending(store, res.changes, day_, dt.datetime(2026, 5, 4, 18))
        store.apply(res.changes, as_of=day_)
    assert FileStore(path, v12).verify() == []
    before = FileStore(path, v12).journal()
    done = mig.migrate(path)
    assert "ajout de la colonne « Passé en perte » à la table tFactures" in done
    assert any(x.startswith("étape de données de la version 13") for x in done)
    store = FileStore(path)
    assert store.version() == SCHEMA.version == 15
    row = store.rows_where("tFactures", "number", {number})[0]
    assert (row["written_off"], row["owed"]) == (left, D("0.00"))
    others = [r for r in store.rows("tFactures") if r["number"] != number]
    assert others and all(r["written_off"] is None for r in others)
    assert {str(r["role"]): str(r["account"]) for r in store.rows("tPlanComptable")}["recouvrements"] == "7714"
    assert [(e.seq, e.doc_hash, e.hash, e.spec) for e in store.journal()] == [
        (e.seq, e.doc_hash, e.hash, e.spec) for e in before]
    assert store.verify() == []
    assert mig.migrate(path) == []  # once only


def test_a_payment_naming_no_invoice_never_goes_to_a_written_off_one(wb: Book) -> None:
    """Art. 1342-10 would put a payment of no indication on the oldest debt due, the written-off one:
    it is skipped (nothing is owed on it), as is its number found in the transfer's label; only the
    payer's naming of it (--facture) makes a recovery (7714)."""
    _, _, lost = wb.invoice("2026-03-02", "MO-H:10", client="C00002")  # 605,00, due in April
    _, _, open_ = wb.invoice("2026-09-01", "MO-H:4", client="C00002")  # 242,00
    wb.ok("facture", "perte", lost, "--motif", "liquidation clôturée pour insuffisance d'actif", au="2026-09-30")
    before = {str(r["id"]) for r in wb.rows("tReglements")}

    def targets(au: str) -> list[tuple[str, D]]:
        return [(str(r["invoice"]), r["amount"]) for r in wb.rows("tReglements")
                if str(r["id"]) not in before and r["date"] == day(au)]

    def lines(au: str) -> list[tuple[str, str, str]]:
        return [(x["compte"], x["debit"], x["credit"]) for e in _entries(wb, "2026-10-20") if e["date"] == au
                for x in e["lignes"]]

    got = wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "121", "--mode", "virement",
                au="2026-10-05")
    assert "7714" not in got["message"]
    assert targets("2026-10-05") == [(open_, D("121.00"))]
    assert lines("2026-10-05") == [("512", "121.00", "0.00"), ("411", "0.00", "121.00"),
                                   ("44574", "11.00", "0.00"), ("44571", "0.00", "11.00")]
    # its number in the label is no indication either
    wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "50", "--mode", "virement",
          "--reference", f"VIR {lost}", au="2026-10-06")
    assert targets("2026-10-06") == [(open_, D("50.00"))]
    assert "7714" not in {a for a, _, _ in lines("2026-10-06")}
    assert wb.doc(lost)["paid"] == D("0.00")
    # named by the payer: the recovery path
    got = wb.ok("reglement", "saisir", "--facture", lost, "--montant", "110", "--mode", "virement", au="2026-10-07")
    assert "recouvrement (compte 7714)" in got["message"]
    assert targets("2026-10-07") == [(lost, D("110.00"))]
    assert lines("2026-10-07") == [("512", "110.00", "0.00"), ("7714", "0.00", "100.00"), ("44571", "0.00", "10.00")]
    assert wb.ok("verifier", au="2026-10-20")["ok"]
