"""Credit notes and paid copies of invoices that left for a fiscal-year archive: the invoice read in
the archive the active journal names (its SHA-256 checked), the earlier credit notes counted in the
archive and in the active workbook, the archive never written. Fixture: `tests/data/archive-v12`
(2024 archived by the code of schema 12), migrated first as a user would."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from pyxl.cli import main
from pyxl.documents import jobs
from pyxl.workbook.filestore import FileStore

DATA = Path(__file__).parent / "data" / "archive-v12"
ARCHIVE = "SYC_Gestion-exercice-2024.xlsm"
# in the archive: F2024-00007 (C00002, 2 × ENT-PAC at 181,20 € HT, 20 %: 434,88 € TTC, paid
# 14 March 2024); F2024-00003 (C00006, 216,65 € TTC, paid) and its credit note F2024-00004 (21,66 €)
OVERPAID = "Compensation : trop-payé après avoir, porté au crédit du client"


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    (tmp_path / "Archives").mkdir()
    shutil.copyfile(DATA / "SYC_Gestion.xlsm", tmp_path / "SYC_Gestion.xlsm")
    shutil.copyfile(DATA / "SYC_Gestion.syc-ancre", tmp_path / ".SYC_Gestion.xlsm.syc-ancre")
    shutil.copyfile(DATA / ARCHIVE, tmp_path / "Archives" / ARCHIVE)
    assert main(["migrer", "--book", str(tmp_path / "SYC_Gestion.xlsm")]) == 0
    capsys.readouterr()
    return tmp_path / "SYC_Gestion.xlsm"


def run(capsys: pytest.CaptureFixture[str], book: Path, au: str, *args: str) -> tuple[int, dict]:
    code = main([*args, "--book", str(book), "--au", au, "--json"])
    return code, json.loads(capsys.readouterr().out)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(book: Path, table: str) -> list[dict]:
    store = FileStore(book)
    try:
        return [dict(r.values) for r in store.rows(table)]
    finally:
        store.close()


def test_a_credit_note_on_an_archived_paid_invoice(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = book.parent / "Archives" / ARCHIVE
    digest = sha(archive)
    assert "F2024-00007" not in {r["number"] for r in rows(book, "tFactures")}
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00007", "--motif",
                    "pompe défectueuse", "--cause", "litige", "--ligne", "ENT-PAC:1", "--emettre", "--sans-document")
    assert code == 0, out
    assert (out["numero"], out["total_ttc"]) == ("F2026-00015", "217.44")
    warning = out["avertissements"][0]
    assert warning["code"] == "avoir.remboursement" and "archivée, réglée" in warning["message"]
    assert warning["ou"] == f"archive {ARCHIVE}, Factures, ligne 9"
    note = next(r for r in rows(book, "tFactures") if r["number"] == "F2026-00015")
    assert (note["origin"], note["client"], note["total_ttc"]) == ("F2024-00007", "C00002", D("217.44"))
    # paid in full in 2024: the whole credit note is the client's credit (a pair of « Compensation » rows)
    pair = [(r["invoice"] or "", r["amount"], r["mode"]) for r in rows(book, "tReglements")
            if r["date"] == dt.date(2026, 7, 2)]
    assert pair == [("F2024-00007", D("-217.44"), "Compensation"), ("", D("217.44"), "Compensation")]
    # what is left to credit counts this credit note: one ENT-PAC left, not two
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00007", "--motif", "encore",
                    "--cause", "litige", "--ligne", "ENT-PAC:2")
    assert code == 1 and out["erreurs"][0]["code"] == "avoir.qte"
    assert "1 sur 2 facturés" in out["erreurs"][0]["message"]
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00007", "--motif", "encore",
                    "--cause", "geste", "--ligne", "ENT-PAC:1:200")
    assert code == 1 and out["erreurs"][0]["code"] == "avoir.plafond"
    # the entries: the VAT of an invoice paid in 2024 was collected (44571), not waiting (44574)
    code, out = run(capsys, book, "2026-07-03", "compta", "ecritures", "--du", "2026-07-02", "--jusqu-au",
                    "2026-07-02")
    assert code == 0
    (entry,) = [e for e in out["ecritures"] if e["piece"] == "F2026-00015"]
    assert [(x["compte"], x["debit"], x["credit"]) for x in entry["lignes"]] == [
        ("706", "181.20", "0.00"), ("44571", "36.24", "0.00"), ("411", "0.00", "217.44")]
    # read with its archive (the invoice and its payment known), the credit note's entry is the same
    from pyxl.services import books

    store = FileStore(book)
    try:
        alone, both = (books.compute(store, dt.date(2026, 7, 3), dt.date(2026, 7, 2), archived)
                       for archived in ([], books.read_archives([book.parent / "Archives" / ARCHIVE])))
    finally:
        store.close()
    (a,), (b,) = ([e for e in r.entries if e.ref == "F2026-00015"] for r in (alone, both))
    assert [(x.account, x.debit, x.credit) for x in a.lines] == [(x.account, x.debit, x.credit) for x in b.lines]
    code, out = run(capsys, book, "2026-07-03", "credit", "liste")
    assert code == 0 and {c["client"]: c["credit"] for c in out["credits"]} == {"C00002": "217.44"}
    # the archive was read, never written; the verifier is clean (the closures' text files of 2025,
    # left outside the fixture, aside)
    assert sha(archive) == digest
    code, out = run(capsys, book, "2026-07-03", "verifier")
    assert {e["code"] for e in out.get("erreurs", [])} <= {"cloture.fichier"}


def test_earlier_credit_notes_in_the_archive_count(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00003", "--motif", "solde",
                    "--cause", "geste", "--emettre", "--sans-document")
    assert code == 0, out
    assert out["total_ttc"] == "194.99"  # 216,65 − 21,66 credited in 2024 (F2024-00004, archived)
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00003", "--motif", "encore",
                    "--cause", "geste")
    assert code == 1 and out["erreurs"][0]["code"] == "avoir.solde"
    # a number no workbook holds is still unknown
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00999", "--motif", "x",
                    "--cause", "geste")
    assert code == 1 and out["erreurs"][0]["code"] == "facture.inconnue"


def test_the_paid_copy_and_the_credit_note_document_read_the_archive(book: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00007", "--motif", "pompe",
               "--cause", "litige", "--ligne", "ENT-PAC:1", "--emettre", "--sans-document")[0] == 0
    store = FileStore(book)
    try:
        paid = jobs.plan(store, book, "acquittee", "F2024-00007", dt.date(2026, 7, 3))
        credit = jobs.plan(store, book, "avoir", "F2026-00015", dt.date(2026, 7, 3))
        with pytest.raises(Exception) as err:
            jobs.plan(store, book, "acquittee", "F2024-00999", dt.date(2026, 7, 3))
    finally:
        store.close()
    assert err.value.issues[0].code == "facture.inconnue"  # type: ignore[attr-defined]
    ctx = paid.context
    assert (ctx["type"], ctx["doc"]["numero"], ctx["totaux"]["ttc"], ctx["reste_du"]) == (
        "acquittee", "F2024-00007", "434,88\xa0€", "0,00\xa0€")
    # the credit note issued after the archiving (active workbook) is on the paid copy, with the row
    # that put the overpayment to the client's credit; acquitted by the transfer of 2024
    assert [(r["date"], r["mode"]) for r in ctx["acquittee"]["reglements"]] == [
        ("14 mars 2024", "Virement"), ("2 juillet 2026", OVERPAID)]
    assert ctx["acquittee"]["avoirs"] == [{"numero": "F2026-00015", "date": "2 juillet 2026",
                                           "montant": "217,44\xa0€"}]
    assert (ctx["acquittee"]["date"], ctx["deja_regle"], ctx["avoirs"]) == (
        "14 mars 2024", "217,44\xa0€", "217,44\xa0€")
    assert paid.folder.parts[-2:] == ("2024", "Factures")  # filed with its year, beside the active workbook
    assert paid.folder.is_relative_to(book.parent)
    assert any("Avoir sur la facture F2024-00007 du 24 février 2024" in m for m in credit.context["mentions"])


def paid_copy_after_a_credit_note(book: Path, capsys: pytest.CaptureFixture[str], number: str,
                                  article: str) -> dict:
    """The paid copy of `number` (paid in full) after a credit note of one `article`, issued on
    2 July 2026."""
    code, out = run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", number, "--motif", "reprise",
                    "--cause", "litige", "--ligne", f"{article}:1", "--emettre", "--sans-document")
    assert code == 0, out
    store = FileStore(book)
    try:
        return jobs.plan(store, book, "acquittee", number, dt.date(2026, 7, 3)).context
    finally:
        store.close()


def test_the_paid_copy_of_an_archived_invoice_reads_as_an_active_ones(book: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """One invoice paid in full, then credited in part: an active one (F2023-00004, by cheque) and an
    archived one (F2024-00007, by transfer) give the same paid copy: payments, the credit note, the
    overpayment put to credit, the totals."""
    archive = book.parent / "Archives" / ARCHIVE
    digest = sha(archive)
    copies = {n: paid_copy_after_a_credit_note(book, capsys, n, a)
              for n, a in (("F2023-00004", "ELEC-ALLUM"), ("F2024-00007", "ENT-PAC"))}
    shapes = {}
    for n, ctx in copies.items():
        paid = ctx["acquittee"]
        (credit,) = paid["avoirs"]
        assert ctx["avoirs"] == credit["montant"] and ctx["reste_du"] == "0,00\xa0€", n
        shapes[n] = ([r["mode"] for r in paid["reglements"]][1:], credit["date"], paid["date"] != credit["date"])
    assert shapes["F2023-00004"] == shapes["F2024-00007"] == ([OVERPAID], "2 juillet 2026", True)
    assert sha(archive) == digest


def test_a_fully_credited_archived_invoice_has_no_paid_copy(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """F2024-00003 credited in full (its 2024 credit note archived with it, the rest now): « Soldée »,
    as an active invoice would be, so no paid copy; its e-mail reads both books."""
    from pyxl.documents import mail
    from pyxl.services import docsource as ds

    store = FileStore(book)
    try:
        before = mail.outgoing_for(store, "acquittee", "F2024-00003", [])
    finally:
        store.close()
    assert before.facts["reglee_le"] and before.number == "F2024-00003"
    assert run(capsys, book, "2026-07-02", "avoir", "creer", "--facture", "F2024-00003", "--motif", "solde",
               "--cause", "geste", "--emettre", "--sans-document")[0] == 0
    store = FileStore(book)
    try:
        invoice = ds.find(store, "F2024-00003")
        with pytest.raises(Exception) as err:
            jobs.plan(store, book, "acquittee", "F2024-00003", dt.date(2026, 7, 3))
        after = mail.outgoing_for(store, "acquittee", "F2024-00003", [])
    finally:
        store.close()
    assert (invoice.status, invoice.credited, invoice.paid) == ("Soldée par avoir", D("216.65"), D("0.00"))
    assert invoice.where.startswith(f"archive {ARCHIVE}")
    assert err.value.issues[0].code == "document.acquittee"  # type: ignore[attr-defined]
    assert "Soldée par avoir" in err.value.issues[0].message  # type: ignore[attr-defined]
    assert after.facts["reglee_le"] == before.facts["reglee_le"]  # the credit note's row is no payment
