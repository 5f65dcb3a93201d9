"""The « Saisie règlement » form (issue 14): the client's documents still owing listed under the
form, several ticked, the amount pre-filled, the balances after the payment shown before it is
recorded — through the xlwings harness of `tests/xlharness.py` (not Excel)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from test_excel_macros import click, syc

from pyxl.excel import runner
from pyxl.excel.sheets import PAYMENT_FORM, PAYMENT_LIST, PAYMENT_SHEET
from pyxl.workbook.filestore import FileStore

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DAY = dt.date(2026, 6, 15)


@pytest.fixture
def book(tmp_path, monkeypatch):
    """C00002 (professionnel) owes 605,00 (due 30/04), 121,00 (due 31/05) and 605,00 (due 30/06)."""
    path = tmp_path / "SYC_Gestion.xlsm"
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    assert syc(path, "init", "--demo", "--au", "2026-01-05").returncode == 0
    for day, hours in (("2026-03-02", 10), ("2026-04-01", 2), ("2026-05-04", 10)):
        for args in (("devis", "creer", "--client", "C00002", "--nature", "depannage", "--ligne", f"MO-H:{hours}",
                      "--logement-plus-2-ans", "oui"),):
            r = syc(path, *args, "--au", day, "--json")
            assert r.returncode == 0, r.stdout
            quote = json.loads(r.stdout)["numero"]
        for args in (("devis", "accepter", quote), ("commande", "creer", "--devis", quote)):
            r = syc(path, *args, "--au", day, "--json")
            assert r.returncode == 0, r.stdout
        order = json.loads(r.stdout)["numero"]
        assert syc(path, "commande", "realiser", order, "--date", day, "--au", day).returncode == 0
        assert syc(path, "facture", "creer", "--commande", order, "--emettre", "--au", day).returncode == 0
    monkeypatch.setattr(runner, "today", lambda: DAY)
    H.CALLS.clear()
    H.ALERTS.clear()
    return H.open_caller(str(path))


def listed(ws) -> list[list]:
    lst = PAYMENT_LIST
    rows = ws.range((lst.first, lst.tick), (lst.last, lst.after)).options(ndim=2).value
    return [r for r in rows if r[1]]


def test_list_tick_preview_and_save_several_invoices(book) -> None:
    ps = book.sheets[PAYMENT_SHEET]
    ps.range((PAYMENT_FORM.field("client").row, 3)).value = "'C00002"
    r = click("pieces_dues", PAYMENT_SHEET, 4)
    assert r["ok"], r
    assert "3 pièces dues" in r["message"] and "1\u202f331,00" in r["message"].replace("\xa0", "\u202f")
    rows = listed(ps)
    assert [(x[1], x[4]) for x in rows] == [("F2026-00001", 605.0), ("F2026-00002", 121.0), ("F2026-00003", 605.0)]
    assert ps.range((PAYMENT_FORM.field("amount").row, 3)).value == 1331.0  # pre-filled: everything owed
    # the client pays the two last ones, and a little more
    lst = PAYMENT_LIST
    ps.range((lst.first + 1, lst.tick)).value = "x"
    ps.range((lst.first + 2, lst.tick)).value = "x"
    ps.range((PAYMENT_FORM.field("amount").row, 3)).value = 730
    ps.range((PAYMENT_FORM.field("mode").row, 3)).value = "'Virement"
    r = click("apercu_reglement", PAYMENT_SHEET, 4)
    assert r["ok"] and "rien n'est enregistré" in r["message"], r
    assert [x[5] for x in listed(ps)] == [605.0, 0.0, 0.0]
    assert ps.range((lst.credit_row, lst.after)).value == 4.0
    assert FileStore(Path(book.fullname)).rows("tReglements") == []  # a preview writes nothing
    r = click("enregistrer_reglement", PAYMENT_SHEET, 4)
    assert r["ok"] and r["saved"], r
    assert [(x["piece"], x["montant"]) for x in r["data"]["imputations"]] == [
        ("F2026-00002", 121), ("F2026-00003", 605), ("", 4)]
    assert listed(ps) == [] and ps.range((PAYMENT_FORM.field("client").row, 3)).value is None


def test_without_a_tick_the_legal_order_and_a_client_is_needed(book) -> None:
    ps = book.sheets[PAYMENT_SHEET]
    ps.range((PAYMENT_FORM.field("amount").row, 3)).value = 100
    ps.range((PAYMENT_FORM.field("mode").row, 3)).value = "'Chèque"
    r = click("enregistrer_reglement", PAYMENT_SHEET, 4)
    assert not r["ok"] and "indiquez la pièce réglée" in r["message"] and "Rien n'a été modifié" in r["message"]
    ps.range((PAYMENT_FORM.field("client").row, 3)).value = "'C00002"
    ps.range((PAYMENT_FORM.field("bank").row, 3)).value = "'LCL"
    r = click("enregistrer_reglement", PAYMENT_SHEET, 4)
    assert r["ok"], r
    (row,) = FileStore(Path(book.fullname)).rows("tReglements")
    assert (row["invoice"], row["amount"], row["bank"]) == ("F2026-00001", 100, "LCL")


def find(book, sheet: str, header: str, value: str) -> int:
    ws = book.sheets[sheet].api
    col = [c.value for c in ws[1]].index(header) + 1
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == value)


def test_penalty_note_credit_refund_and_a_bounced_payment_from_their_buttons(book) -> None:
    """The everyday payment actions of issues 13 and 14 have their buttons; no message names a command."""
    path = Path(book.fullname)
    r = click("note_penalites", "Factures", find(book, "Factures", "Numéro", "F2026-00001"))
    assert r["ok"] and "NP2026-0001" in r["message"], r
    ps = book.sheets[PAYMENT_SHEET]
    for key, value in (("invoice", "'F2026-00002"), ("amount", 200), ("mode", "'Chèque")):
        ps.range((PAYMENT_FORM.field(key).row, 3)).value = value
    assert click("enregistrer_reglement", PAYMENT_SHEET, 4)["ok"]
    r = click("rembourser", "Clients", find(book, "Clients", "Code", "C00002"), "80", "virement", "trop-perçu")
    assert not r["ok"] and "79,00" in r["message"] and "syc" not in r["message"], r
    r = click("imputer_credit", "Factures", find(book, "Factures", "Numéro", "F2026-00003"))
    assert r["ok"] and "Crédit restant : 0,00" in r["message"].replace("\xa0", " ").replace("\u202f", " "), r
    for key, value in (("invoice", "'F2026-00003"), ("amount", 100), ("mode", "'Chèque")):
        ps.range((PAYMENT_FORM.field(key).row, 3)).value = value
    paid = click("enregistrer_reglement", PAYMENT_SHEET, 4)
    assert paid["ok"], paid
    row = find(book, "Règlements", "N°", paid["data"]["id"])
    r = click("annuler_reglement", "Règlements", row, "chèque revenu impayé", "oui", "12,50")
    assert r["ok"] and "revenu impayé" in r["message"] and "12,50" in r["message"], r
    rows = FileStore(path).rows("tReglements")
    reversal = [x for x in rows if x["cancels"] == paid["data"]["id"]]
    assert [(x["bounced"], x["charges"]) for x in reversal] == [("Oui", Decimal("12.50"))]


def test_slip_statement_import_and_reconciliation_from_their_buttons(book) -> None:
    """Issue 14's slips and statements have their buttons (harness): a cheque deposited on a slip, a
    CAMT.053 statement imported once, then reconciled; no message names a command."""
    path = Path(book.fullname)
    ps = book.sheets[PAYMENT_SHEET]
    for key, value in (("invoice", "'F2026-00001"), ("amount", 100), ("mode", "'Chèque"), ("reference", "'n° 1187654"),
                       ("bank", "'LCL")):
        ps.range((PAYMENT_FORM.field(key).row, 3)).value = value
    assert click("enregistrer_reglement", PAYMENT_SHEET, 4)["ok"]
    r = click("bordereau_cheques", "Accueil", 2, "")
    assert r["ok"] and "BR2026-0001" in r["message"], r
    assert [x["slip"] for x in FileStore(path).rows("tReglements")] == ["BR2026-0001"]
    r = click("bordereau_cheques", "Accueil", 2, "")
    assert not r["ok"] and "Rien n'a été modifié" in r["message"] and "syc " not in r["message"], r
    statement = str(Path(__file__).parent / "data" / "bank" / "camt053_v08.xml")
    r = click("importer_releve", "Accueil", 2, statement)
    assert r["ok"], r
    lines = len(FileStore(path).rows("tReleves"))
    assert lines > 0
    again = click("importer_releve", "Accueil", 2, statement)
    assert len(FileStore(path).rows("tReleves")) == lines and "syc " not in again["message"]
    r = click("rapprocher", "Accueil", 2)
    assert r["ok"] and "syc " not in r["message"], r


def test_a_statement_line_set_aside_and_taken_back_from_its_buttons(book) -> None:
    """The « Ignorer » and « Reprendre » buttons act on the selected row of « Relevés » (harness)."""
    path = Path(book.fullname)
    statement = str(Path(__file__).parent / "data" / "bank" / "camt053_v08.xml")
    assert click("importer_releve", "Accueil", 2, statement)["ok"]
    first = FileStore(path).rows("tReleves")[0]
    r = click("ignorer_ligne", "Relevés", first.row, "Frais de tenue de compte")
    assert r["ok"] and "syc " not in r["message"], r
    line = FileStore(path).rows("tReleves")[0]
    assert (line["status"], line["reason"]) == ("Ignorée", "Frais de tenue de compte")
    r = click("ignorer_ligne", "Relevés", first.row, "encore")
    assert not r["ok"] and "Ignorée" in r["message"], r
    r = click("reprendre_ligne", "Relevés", first.row)
    assert r["ok"], r
    line = FileStore(path).rows("tReleves")[0]
    assert (line["status"], line["reason"]) == ("À rapprocher", None)
    r = click("reprendre_ligne", "Clients", 2)
    assert not r["ok"], r


def test_a_deposit_found_by_rapprocher_is_cashed_from_its_button_after_a_confirmation(book, tmp_path) -> None:
    """Money on an open order read on the statement (harness): « Rapprocher » names the button;
    « Encaisser l'acompte » on the line asks Oui/Non with the amount and the order, then issues the
    deposit invoice of that amount and pays it with the line (CGI 289 I-1-c), as `syc banque acompte`."""
    from test_bank_statements import camt

    path = Path(book.fullname)
    r = syc(path, "devis", "creer", "--client", "C00002", "--nature", "depannage", "--ligne", "MO-H:10",
            "--logement-plus-2-ans", "oui", "--au", "2026-06-01", "--json")
    quote = json.loads(r.stdout)["numero"]
    assert syc(path, "devis", "accepter", quote, "--au", "2026-06-01").returncode == 0
    r = syc(path, "commande", "creer", "--devis", quote, "--au", "2026-06-01", "--json")
    order = json.loads(r.stdout)["numero"]
    book = H.open_caller(str(path))  # the workbook as the CLI left it, opened again
    statement = camt(tmp_path, [("2026-06-10", "181.50", f"VIR DUPONT ET FILS ACOMPTE {order}")])
    assert click("importer_releve", "Accueil", 2, str(statement))["ok"]
    r = click("rapprocher", "Accueil", 2)
    assert r["ok"] and "« Encaisser l'acompte »" in r["message"] and order in r["message"], r
    assert "syc " not in r["message"], r
    line = FileStore(path).rows("tReleves")[0]
    assert line["status"] == "À rapprocher"
    before = path.read_bytes()
    H.ANSWERS.append("no")
    r = click("encaisser_acompte", "Relevés", line.row, "")
    assert not r["ok"] and r["codes"] == ["abandon"] and path.read_bytes() == before, r
    question = H.ALERTS[-1][1]
    assert all(w in question for w in (line["id"], "181,50", order, "Dupont & Fils", "289")), question
    r = click("encaisser_acompte", "Relevés", line.row, "")
    assert r["ok"] and "syc " not in r["message"], r
    store = FileStore(path)
    (deposit,) = [d for d in store.rows("tFactures") if d["doc_type"] == "Facture d'acompte"]
    assert (deposit["order"], deposit["total_ttc"], deposit["paid"], deposit["status"]) == (
        order, Decimal("181.50"), Decimal("181.50"), "Réglée")
    assert deposit["number"] in r["message"]
    line = store.rows("tReleves")[0]
    (pay,) = [p for p in store.rows("tReglements") if p["invoice"] == deposit["number"]]
    assert (line["status"], line["matched"], pay["bank_line"], pay["mode"]) == ("Rapprochée", pay["id"], line["id"],
                                                                               "Virement")
    r = click("encaisser_acompte", "Relevés", line.row, "")
    assert not r["ok"] and "Rapprochée" in r["message"], r
    # a cheque slip's credit is not a deposit: refused in words, without a command (the CLI has --mode)
    slip = camt(tmp_path, [("2026-06-11", "100.00", "REMISE CHEQUES 0004512")], "remise.xml")
    assert click("importer_releve", "Accueil", 2, str(slip))["ok"]
    (line,) = [x for x in FileStore(path).rows("tReleves") if x["status"] == "À rapprocher"]
    before = path.read_bytes()
    r = click("encaisser_acompte", "Relevés", line.row, order)
    assert not r["ok"] and "remise de chèques" in r["message"] and "syc " not in r["message"], r
    assert path.read_bytes() == before


def test_rapprocher_asks_before_recording_the_iban_a_transfer_came_from(book, tmp_path) -> None:
    """A transfer reconciled from an account the client's record lacks (harness): « Rapprocher » asks
    Oui/Non with the IBAN by groups of four; « Non » leaves the record as it was, « Oui » writes the
    IBAN, compact, on the client's record — never without asking (issue 14)."""
    from test_bank_iban_mode import IBAN
    from test_bank_statements import camt

    path = Path(book.fullname)
    invoices = [d["number"] for d in FileStore(path).rows("tFactures") if d["doc_type"] == "Facture"]

    def statement(name: str, day: str, amount: str, number: str) -> str:
        file = camt(tmp_path, [(day, amount, f"VIR DUPONT ET FILS {number}")], name)
        file.write_text(file.read_text(encoding="utf-8").replace(
            "</RmtInf>", f"</RmtInf><RltdPties><DbtrAcct><Id><IBAN>{IBAN}</IBAN></Id></DbtrAcct></RltdPties>"),
            encoding="utf-8")
        return str(file)

    assert click("importer_releve", "Accueil", 2, statement("a.xml", "2026-06-10", "121.00", invoices[1]))["ok"]
    H.ALERTS.clear()
    H.ANSWERS.append("no")
    r = click("rapprocher", "Accueil", 2)
    assert r["ok"] and "syc " not in r["message"], r
    (question,) = [p for _, p in H.ALERTS if "Enregistrer cet IBAN" in p]
    assert all(w in question for w in ("FR10 3000 6000 0198 7654 3210 100", "C00002", "L2026-000001")), question
    client = FileStore(path).rows_where("tClients", "code", {"C00002"})[0]
    assert not client["iban"]
    assert FileStore(path).rows_where("tFactures", "number", {invoices[1]})[0]["status"] == "Réglée"
    assert click("importer_releve", "Accueil", 2, statement("b.xml", "2026-06-11", "605.00", invoices[2]))["ok"]
    H.ALERTS.clear()
    r = click("rapprocher", "Accueil", 2)  # « Oui » (the harness's default answer)
    assert r["ok"], r
    assert [p for _, p in H.ALERTS if "Enregistrer cet IBAN" in p]
    assert FileStore(path).rows_where("tClients", "code", {"C00002"})[0]["iban"] == IBAN
    assert FileStore(path).verify() == []
