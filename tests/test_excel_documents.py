"""Documents from Excel through the harness of `tests/xlharness.py` (not Excel): the PDF made after
an issuing click, the PDF and e-mail draft of a selected row, the paid copy, and the mail merge of
the « Publipostage » sheet. Needs LibreOffice (skipped without it)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from pyxl.excel import runner
from pyxl.excel.sheets import MERGE_FORM, MERGE_SHEET, PAYMENT_SHEET

sys.path.insert(0, str(Path(__file__).parent))
import test_excel_macros as base
import xlharness as H

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed for the PDF")
click, find_row, fill_quote = base.click, base.find_row, base.fill_quote


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.delenv("SYC_SANS_DOCUMENT", raising=False)
    monkeypatch.setenv("SYC_SANS_OUVRIR", "1")
    path = tmp_path / "SYC_Gestion.xlsm"
    r = base.syc(path, "init", "--demo", "--au", base.DAY.isoformat())
    assert r.returncode == 0, r.stderr
    monkeypatch.setattr(runner, "today", lambda: base.DAY)
    return H.open_caller(str(path))


def test_issuing_from_excel_makes_the_pdf_and_the_row_actions_make_documents(book):
    folder = Path(book.fullname).parent
    fill_quote(book, object=base.HOSTILE)
    r = click("enregistrer_devis", "Saisie devis", 4)
    number = r["data"]["numero"]
    drow = find_row(book, "Devis", "Numéro", number)
    r = click("envoyer_devis", "Devis", drow)
    assert r["ok"] and any(p.endswith(".pdf") for p in r["data"]["documents"]), r["message"]
    click("accepter_devis", "Devis", drow)
    r = click("passer_commande", "Devis", drow)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    click("commande_realisee", "Commandes", orow, "")
    r = click("facturer", "Commandes", orow)
    frow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    r = click("emettre", "Factures", frow)
    assert r["ok"], r["message"]
    invoice = r["data"]["numero"]
    pdfs = list((folder / "Documents" / "2026" / "Factures").glob(f"{invoice}*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    # the PDF again: kept, never replaced
    r = click("document_pdf", "Factures", frow)
    assert r["ok"] and "conservé" in r["message"]
    # e-mail draft beside the PDF, journaled in the open workbook
    r = click("preparer_email", "Factures", frow)
    assert r["ok"], r["message"]
    assert list(pdfs[0].parent.glob("*.eml"))
    ws = book.api["Journal des envois"]
    assert any(c.value == invoice for row in ws.iter_rows() for c in row)
    # paid in full, then the paid copy
    total = book.api["Factures"].cell(frow, [c.value for c in book.api["Factures"][1]].index("Total TTC") + 1).value
    ps = book.sheets[PAYMENT_SHEET]
    ps.range("C4").value = "'" + invoice
    ps.range("C6").value = total
    ps.range("C7").value = "'Virement"
    assert click("enregistrer_reglement", PAYMENT_SHEET, 4)["ok"]
    r = click("copie_acquittee", "Factures", frow)
    assert r["ok"], r["message"]
    assert any("acquitt" in p.name.lower() for p in pdfs[0].parent.glob("*.pdf"))
    # a draft has no document: said in French, nothing written
    r = click("document_pdf", "Accueil", 3)
    assert not r["ok"] and "feuille Devis, Commandes ou Factures" in r["message"]


def test_mail_merge_from_the_publipostage_sheet(book):
    sh = book.sheets[MERGE_SHEET]
    f = MERGE_FORM
    sh.range((f.field("subject").row, 3)).value = "'Entretien annuel de votre chaudière"
    sh.range((f.field("text").row, 3)).value = "'Madame, Monsieur,\nL'entretien annuel est obligatoire.\n=1+1 & <b>"
    sh.range((f.field("kind").row, 3)).value = "'Particulier"
    r = click("simuler_publipostage", MERGE_SHEET, 19)
    assert r["ok"] and "simulation" in r["message"], r["message"]
    n = int(r["message"].split()[0])
    assert n >= 1
    r = click("publipostage", MERGE_SHEET, 19)
    assert r["ok"], r["message"]
    assert f"{n} lettre(s) écrite(s)" in r["message"]
    ws = book.api["Journal des envois"]
    assert sum(1 for row in ws.iter_rows(min_row=2) if any(c.value for c in row)) >= n
    letters = list((Path(book.fullname).parent / "Documents").rglob("*.pdf"))
    assert len(letters) >= n + 1  # one per client and the one to print
    sh.range((f.field("no_job_since").row, 3)).value = "'31/02/2026"
    r = click("publipostage", MERGE_SHEET, 19)
    assert not r["ok"] and "Sans intervention depuis le" in r["message"]


def test_reminder_letters_from_excel(book, monkeypatch):
    """« Produire les lettres de relance »: the letters due, one batch, steps noted in « Relances »."""
    import datetime as dt

    from pyxl.workbook.filestore import FileStore

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")  # the invoice's own PDF is not what this test is about
    path = Path(book.fullname)
    for args in (("devis", "creer", "--client", "C00002", "--ligne", "MO-H:2", "--nature", "depannage",
                  "--au", "2026-05-04"),
                 ("devis", "accepter", "D2026-0001", "--urgent", "--au", "2026-05-04"),
                 ("commande", "creer", "--devis", "D2026-0001", "--au", "2026-05-04"),
                 ("commande", "realiser", "BC2026-0001", "--date", "04/05/2026", "--au", "2026-05-04"),
                 ("facture", "creer", "--commande", "BC2026-0001", "--emettre", "--au", "2026-05-04")):
        r = base.syc(path, *args)
        assert r.returncode == 0, r.stderr
    monkeypatch.delenv("SYC_SANS_DOCUMENT")
    book = H.open_caller(str(path))
    due = next(r for r in FileStore(path).rows("tFactures") if r["number"])
    monkeypatch.setattr(runner, "today", lambda: due["due_date"] + dt.timedelta(days=1))
    frow = find_row(book, "Factures", "Numéro", due["number"])
    assert click("noter_relance", "Factures", frow, "sans-reponse", "", "")["ok"]  # the level-1 call, logged
    monkeypatch.setattr(runner, "today", lambda: due["due_date"] + dt.timedelta(days=10))
    r = click("produire_relances", "Accueil", 3)
    assert r["ok"], r["message"]
    assert r["message"].startswith(("1 document produit ;", "2 documents produits ;", "3 documents produits ;")), \
        r["message"]
    ws = book.api["Relances"]
    assert any(c.value == due["number"] for row in ws.iter_rows(min_row=2) for c in row)
    assert list((path.parent / "Documents").rglob("*Relances à imprimer.pdf"))
    r = click("produire_relances", "Accueil", 3)  # the same day again: nothing more is due
    assert r["ok"] and "Aucune lettre" in r["message"], r["message"]
