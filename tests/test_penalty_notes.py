"""Penalty notes (issue 13, item 4): penalties become a receivable only through a numbered note,
and a later partial payment is imputed to it first, then to the principal (art. 1343-1 C. civ.).

Demo book of `test_sales_chain` (C00001 DUPONT Jean, particulier; C00002 Dupont & Fils,
professionnel, 30 jours fin de mois). 10 h × 55,00 at 10 % = 605,00 TTC issued on 2 March 2026,
due 30 April 2026; rate 2026-S1: ECB 2,15 % + 10 = 12,15 %, 2026-S2: 12,40 %.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from test_sales_chain import Book

from pyxl.core.issues import Refused
from pyxl.services import payments
from pyxl.workbook.filestore import FileStore

D = Decimal


def late_business_invoice(wb: Book) -> str:
    _, _, number = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    assert wb.doc(number)["total_ttc"] == D("605.00")
    assert wb.doc(number)["due_date"] == dt.date(2026, 4, 30)
    return number


def note_rows(wb: Book, number: str) -> tuple[dict, list[dict]]:
    return wb.row("tNotesPenalites", "number", number), [r for r in wb.rows("tLignesNotes") if r["note"] == number]


# --------------------------------------------------------------------------- the note
def test_a_note_claims_the_penalties_and_the_40_euros_per_invoice_in_its_own_series(wb: Book) -> None:
    number = late_business_invoice(wb)
    d = wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    assert d["numero"] == "NP2026-0001"
    # 605,00 × 12,15 % × 61 days (1 May – 30 June) / 365 = 12,28
    assert (D(d["interets"]), D(d["indemnite"]), D(d["total"])) == (D("12.28"), D("40.00"), D("52.28"))
    note, lines = note_rows(wb, "NP2026-0001")
    assert (note["client"], note["status"], note["origin"]) == ("C00002", "Émise", "À la demande")
    assert len(lines) == 1 and lines[0]["invoice"] == number
    assert (lines[0]["start"], lines[0]["end"], lines[0]["days"]) == (dt.date(2026, 5, 1), dt.date(2026, 6, 30), 61)
    assert lines[0]["clause"] == "BCE + 10 points" and lines[0]["base"] == D("605.00")
    assert "61 jours" in lines[0]["detail"]
    # its own counter, not the invoices' series
    assert wb.ok("penalites", "creer", "--client", "C00002", au="2026-07-31")["numero"] == "NP2026-0002"
    assert not [r for r in wb.rows("tFactures") if str(r["number"] or "").startswith("NP")]
    assert wb.ok("verifier", au="2026-07-31")["ok"]


def test_a_second_note_claims_only_what_accrued_since_and_never_the_40_euros_again(wb: Book) -> None:
    late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    d = wb.ok("penalites", "creer", "--client", "C00002", au="2026-07-31")
    # the total from the due date, rounded once: 605,00 × (12,15 % × 61 + 12,40 % × 31) / 365 = 18,6561 → 18,66,
    # less the 12,28 of the first note = 6,38 (the notes always add up to the rounded total to date)
    assert (D(d["interets"]), D(d["indemnite"])) == (D("6.38"), D("0.00"))
    line = d["lignes"][0]
    assert (line["du"], line["au"]) == ("2026-07-01", "2026-07-31")
    # nothing more the same day: refused, nothing written
    wb.refused("penalites", "creer", "--client", "C00002", au="2026-07-31", code="penalites.rien",
               words=("rien de plus à réclamer",))


def test_a_consumer_gets_no_note_before_the_formal_notice_is_received(wb: Book) -> None:
    wb.invoice("2026-03-02", "MO-H:10")  # C00001, particulier: due on receipt
    wb.refused("penalites", "creer", "--client", "C00001", au="2026-06-30", code="penalites.rien",
               words=("mise en demeure", "1231-6"))


def test_unknown_client_and_no_late_invoice_are_refused(wb: Book) -> None:
    wb.refused("penalites", "creer", "--client", "C09999", au="2026-06-30", code="client.unknown")
    wb.refused("penalites", "creer", "--client", "C00002", au="2026-06-30", code="penalites.rien")


# --------------------------------------------------------------------------- imputation (art. 1343-1)
def test_a_partial_payment_goes_to_the_note_first_then_to_the_principal(wb: Book) -> None:
    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    d = wb.pay(number, "100", au="2026-07-02")
    assert [(x["piece"], D(x["montant"]), x["au_titre_de"]) for x in d["imputations"]] == [
        ("NP2026-0001", D("52.28"), number), (number, D("47.72"), None)]
    note, lines = note_rows(wb, "NP2026-0001")
    assert (note["paid"], note["status"], lines[0]["paid"]) == (D("52.28"), "Réglée", D("52.28"))
    assert wb.doc(number)["paid"] == D("47.72")
    rows = [r for r in wb.rows("tReglements") if r["date"] == dt.date(2026, 7, 2)]
    assert len(rows) == 2 and {r["group"] for r in rows} == {rows[0]["id"]}
    # the principal alone lowers the base of the penalties: the note's part does not
    store = wb.store()
    from pyxl.services import dunning

    moves = dunning.movements(store, {number}, dt.date(2026, 7, 31))[number]
    assert [m.amount for m in moves] == [D("47.72")]
    assert wb.ok("verifier", au="2026-07-02")["ok"]


def test_a_payment_smaller_than_the_note_pays_only_the_note(wb: Book) -> None:
    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    d = wb.pay(number, "30", au="2026-07-02")
    assert [(x["piece"], D(x["montant"])) for x in d["imputations"]] == [("NP2026-0001", D("30.00"))]
    assert wb.row("tNotesPenalites", "number", "NP2026-0001")["status"] == "Partiellement réglée"
    assert wb.doc(number)["paid"] == D("0.00")
    assert D(d["reste_a_payer"]) == D("605.00")


def test_without_a_note_the_payment_goes_to_the_principal(wb: Book) -> None:
    number = late_business_invoice(wb)
    d = wb.pay(number, "100", au="2026-07-02")
    assert [x["piece"] for x in d["imputations"]] == [number]
    assert wb.doc(number)["paid"] == D("100.00")


def test_more_than_the_invoice_and_its_note_leaves_a_credit(wb: Book) -> None:
    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    d = wb.pay(number, "657,29", au="2026-07-02")
    assert [(x["piece"], D(x["montant"])) for x in d["imputations"]] == [
        ("NP2026-0001", D("52.28")), (number, D("605.00")), (None, D("0.01"))]
    assert wb.doc(number)["status"] == "Réglée"


def test_a_payment_on_the_note_itself(wb: Book) -> None:
    late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    d = wb.ok("reglement", "saisir", "--facture", "NP2026-0001", "--montant", "52,28", "--mode", "cheque",
              au="2026-07-02")
    assert D(d["reste_a_payer"]) == 0 and d["statut"] == "Réglée"
    assert wb.row("tNotesPenalites", "number", "NP2026-0001")["status"] == "Réglée"
    listed = wb.ok("reglement", "liste", "--facture", "NP2026-0001", au="2026-07-02")["reglements"]
    assert [r["facture"] for r in listed] == ["NP2026-0001"]


def test_reversing_a_split_payment_undoes_every_part_and_restores_the_exact_balances(wb: Book) -> None:
    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    before_note, before_lines = note_rows(wb, "NP2026-0001")
    before_doc = wb.doc(number)
    d = wb.pay(number, "100", au="2026-07-02")
    second = d["imputations"][1]["id"]
    c = wb.ok("reglement", "annuler", second, "--motif", "chèque impayé", au="2026-07-03")
    assert len(c["lignes"]) == 2
    note, lines = note_rows(wb, "NP2026-0001")
    assert (note["paid"], note["status"], lines[0]["paid"]) == (before_note["paid"], "Émise", before_lines[0]["paid"])
    after_doc = wb.doc(number)
    assert (after_doc["paid"], after_doc["status"]) == (before_doc["paid"], before_doc["status"])
    wb.refused("reglement", "annuler", d["imputations"][0]["id"], "--motif", "encore", au="2026-07-03",
               code="reglement.annule")
    assert wb.ok("verifier", au="2026-07-03")["ok"]


# --------------------------------------------------------------------------- immutability and listing
def test_an_issued_note_is_fingerprinted_a_change_in_the_sheet_is_found(wb: Book) -> None:
    from pyxl.workbook.filestore import ChangeSet

    late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    store = wb.store()
    line = store.rows("tLignesNotes")[0]
    changes = ChangeSet()
    changes.update("tLignesNotes", line, {"interest": D("99.00")})
    with pytest.raises(Refused) as info:
        store.apply(changes, as_of=dt.date(2026, 6, 30))
    assert "NP2026-0001" in str(info.value), str(info.value)


def test_list_and_show(wb: Book) -> None:
    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", "--facture", number, au="2026-06-30")
    notes = wb.ok("penalites", "liste", au="2026-06-30")["notes_penalites"]
    assert [(n["numero"], D(n["reste_du"])) for n in notes] == [("NP2026-0001", D("52.28"))]
    shown = wb.ok("penalites", "voir", "NP2026-0001", au="2026-06-30")["note"]
    assert shown["lignes"][0]["facture"] == number and shown["lignes"][0]["jours"] == 61


def test_imputation_helpers_are_oldest_note_first(wb: Book) -> None:
    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-07-31")
    store = wb.store()
    (item,) = [i for i in payments.open_items(store, "C00002") if i.number == number]
    parts = payments.allocate(store, [item], D("60"))
    assert [(p.target, p.amount) for p in parts] == [("NP2026-0001", D("52.28")), ("NP2026-0002", D("6.38")),
                                                      (number, D("1.34"))]


# --------------------------------------------------------------------------- migration from version 6
def test_version_6_workbook_with_payments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version-6 book (deposit, final invoice to a business client, a reversed transfer and a
    cheque, by the code of that version) migrates to version 7 without any fingerprint or chain
    hash recomputed; a note and a payment imputed in two parts then verify clean."""
    import shutil

    from test_audit_specs import schema_at

    from pyxl.workbook import migrate as mig
    from pyxl.workbook.filestore import anchor_path
    from pyxl.workbook.schema import SCHEMA

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    data = Path(__file__).resolve().parent / "data" / "v6"
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(data / "syc_v6.xlsm", path)
    shutil.copy(data / "syc_v6.syc-ancre", anchor_path(path))
    before = FileStore(path, schema_at(6)).journal()
    assert FileStore(path, schema_at(6)).verify() == []
    done = mig.migrate(path)
    assert "ajout de la feuille Notes de pénalités (table tNotesPenalites)" in done
    assert "ajout de la colonne « Au titre de » à la table tReglements" in done
    store = FileStore(path)
    assert store.version() == SCHEMA.version
    after = store.journal()
    assert [(e.seq, e.doc_hash, e.hash, e.spec) for e in after] == [(e.seq, e.doc_hash, e.hash, e.spec) for e in before]
    assert store.verify() == []
    wb = Book(path)
    (invoice,) = [r for r in wb.rows("tFactures") if r["doc_type"] == "Facture"]
    assert invoice["paid"] == D("100.00")
    note = wb.ok("penalites", "creer", "--client", "C00002", au="2026-04-30")["numero"]
    d = wb.pay(invoice["number"], "200", au="2026-05-04")
    assert [x["piece"] for x in d["imputations"]] == [note, invoice["number"]]
    specs = {e.ref: e.spec for e in FileStore(path).journal() if e.table == "tReglements"}
    assert {specs[x["id"]] for x in d["imputations"]} == {2}
    # an old payment (no group) still reverses alone
    (cheque,) = [r for r in wb.rows("tReglements") if r["mode"] == "Chèque"]
    wb.ok("reglement", "annuler", cheque["id"], "--motif", "chèque impayé", au="2026-05-05")
    assert wb.ok("verifier", au="2026-05-05")["ok"]


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) et poppler-utils sont nécessaires")
def test_the_note_document_names_each_invoice_the_rate_and_the_imputation_rule(wb: Book) -> None:
    import subprocess

    number = late_business_invoice(wb)
    wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    (pdf,) = [Path(p) for p in wb.ok("document", "penalites", "NP2026-0001", au="2026-06-30")["documents"]]
    assert pdf.name.startswith("NP2026-0001 - ") and pdf.parent.name == "Notes de pénalités"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for words in ("NOTE DE PÉNALITÉS", number, "BCE + 10 points", "12,28", "40,00", "52,28", "1343-1", "L441-10",
                  "D441-5", "hors du champ de la TVA"):
        assert words in text, words
    # never made again: the same file is kept
    again = wb.ok("document", "penalites", "NP2026-0001", au="2026-07-01")
    assert again["documents"] == [] and again["documents_conserves"] == [str(pdf)]
