"""Issue 17, items 3 and 4: the worklists and their counts on Accueil, « Reste dû » on Factures
(derived by the store with every write), « Régler la facture » pre-filling the payment form, and
the layout of the tables of record — through the xlwings harness of `tests/xlharness.py` (not
Excel) and the stores. Oracles: the services' own queries."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_excel_macros import click, syc

from pyxl.excel import builder, runner
from pyxl.excel.sheets import (
    HOME,
    HOME_COUNTS,
    PAYMENT_FORM,
    PAYMENT_LIST,
    PAYMENT_SHEET,
    RECORD_LAYOUTS,
    WORKLIST,
)
from pyxl.services import dunning, slips
from pyxl.services import worklists as wk
from pyxl.services.invoices import balance
from pyxl.workbook import derived
from pyxl.workbook.filestore import FileStore, anchor_path
from pyxl.workbook.schema import SCHEMA
from pyxl.workbook.store import ChangeSet

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DAY = dt.date(2026, 6, 15)
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def book(tmp_path, monkeypatch):
    """C00002 (professionnel) owes 605,00 (due 30/04), 121,00 (due 31/05) and 605,00 (due 30/06);
    a quote sent on 1 June waits for its follow-up."""
    path = tmp_path / "SYC_Gestion.xlsm"
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    assert syc(path, "init", "--demo", "--au", "2026-01-05").returncode == 0
    for day, hours in (("2026-03-02", 10), ("2026-04-01", 2), ("2026-05-04", 10)):
        r = syc(path, "devis", "creer", "--client", "C00002", "--nature", "depannage", "--ligne", f"MO-H:{hours}",
                "--logement-plus-2-ans", "oui", "--au", day, "--json")
        assert r.returncode == 0, r.stdout
        quote = json.loads(r.stdout)["numero"]
        for args in (("devis", "accepter", quote), ("commande", "creer", "--devis", quote)):
            r = syc(path, *args, "--au", day, "--json")
            assert r.returncode == 0, r.stdout
        order = json.loads(r.stdout)["numero"]
        assert syc(path, "commande", "realiser", order, "--date", day, "--au", day).returncode == 0
        assert syc(path, "facture", "creer", "--commande", order, "--emettre", "--au", day).returncode == 0
    r = syc(path, "devis", "creer", "--client", "C00002", "--nature", "depannage", "--ligne", "MO-H:1",
            "--logement-plus-2-ans", "oui", "--au", "2026-06-01", "--json")
    assert r.returncode == 0, r.stdout
    assert syc(path, "devis", "envoyer", json.loads(r.stdout)["numero"], "--au", "2026-06-01").returncode == 0
    monkeypatch.setattr(runner, "today", lambda: DAY)
    H.CALLS.clear()
    H.ALERTS.clear()
    return H.open_caller(str(path))


def sheet_rows(book, key: str) -> list[list]:
    lay = WORKLIST
    ws = book.sheets[wk.worklist(key).sheet]
    rows = ws.range((lay.first, 1), (lay.last, lay.width)).options(ndim=2).value
    return [r for r in rows if r[0]]


def home_counts(book) -> dict[str, object]:
    home = book.sheets[HOME]
    return {w.key: home.range((HOME_COUNTS.row_of(i), HOME_COUNTS.count)).value for i, w in enumerate(wk.WORKLISTS)}


def snapshot(book) -> tuple:
    return home_counts(book), {w.key: sheet_rows(book, w.key) for w in wk.WORKLISTS}


def test_recount_lists_what_the_services_find(book) -> None:
    r = click("actualiser_listes", HOME, 5)
    assert r["ok"], r
    store = FileStore(Path(book.fullname))
    overdue = sorted(str(x["number"]) for x in dunning.overdue_invoices(store, DAY))
    assert overdue == ["F2026-00001", "F2026-00002"]
    rows = sheet_rows(book, "retards")
    assert sorted(x[0] for x in rows) == overdue
    first = next(x for x in rows if x[0] == "F2026-00001")
    # Numéro, Client, Statut, Total TTC, Reste dû, Échéance, Retard (jours)
    assert first[3] == 605.0 and first[4] == 605.0 and first[6] == (DAY - dt.date(2026, 4, 30)).days
    assert rows[0][0] == "F2026-00001"  # the longest overdue first
    # the other lists: what the services' own queries find
    from pyxl.services import planning
    from pyxl.services.quotes import to_follow_up

    assert [x[0] for x in sheet_rows(book, "devis")] == [str(q["number"]) for q in to_follow_up(store, DAY)]
    assert sorted(x[0] for x in sheet_rows(book, "commandes")) == planning.week_view(store, "2026-W25")[
        "commandes_a_planifier"]
    letters = [c.number for c in dunning.session(store, dt.date(2026, 6, 21)).cases
               if any(lv.is_letter for lv in c.due_steps)]
    assert sorted(x[0] for x in sheet_rows(book, "lettres")) == sorted(letters) and letters
    counts = home_counts(book)
    assert counts["retards"] == 2 and counts["devis"] == 1 and counts["cheques"] == 0
    assert r["data"]["listes"] == {k: v for k, v in counts.items() if k in r["data"]["listes"]}
    assert "Factures en retard : 2" in r["message"]


def test_pay_from_the_overdue_list_then_counts_follow_incrementally(book) -> None:
    assert click("actualiser_listes", HOME, 5)["ok"]
    # « Régler la facture » on the first row of « En retard »
    r = click("regler_facture", wk.worklist("retards").sheet, WORKLIST.first)
    assert r["ok"], r
    assert "reste dû 605,00" in r["message"].replace("\u202f", " ").replace("\xa0", " ")
    assert "il restera 0,00" in r["message"].replace("\u202f", " ").replace("\xa0", " ")
    ps = book.sheets[PAYMENT_SHEET]
    field = lambda key: ps.range((PAYMENT_FORM.field(key).row, 3)).value  # noqa: E731
    assert (field("invoice"), field("client"), field("amount")) == ("F2026-00001", "C00002", 605.0)
    lst = PAYMENT_LIST
    listed = [x for x in ps.range((lst.first, lst.tick), (lst.last, lst.after)).options(ndim=2).value if x[1]]
    # each document the client owes, what it owes, and what it will owe after this payment
    assert [(x[0], x[1], x[4], x[5]) for x in listed] == [
        ("x", "F2026-00001", 605.0, 0.0), (None, "F2026-00002", 121.0, 121.0), (None, "F2026-00003", 605.0, 605.0)]
    # the user only chooses the mode and the cheque's number
    ps.range((PAYMENT_FORM.field("mode").row, 3)).value = "'Chèque"
    ps.range((PAYMENT_FORM.field("reference").row, 3)).value = "'1234567"
    H.CALLS.clear()
    r = click("enregistrer_reglement", PAYMENT_SHEET, 4)
    assert r["ok"] and r["saved"], r
    store = FileStore(Path(book.fullname))
    # the lists the payment changed, rewritten at once
    assert [x[0] for x in sheet_rows(book, "retards")] == ["F2026-00002"]
    assert [x[0] for x in sheet_rows(book, "cheques")] == [c.key for c in slips.pending(store, "Chèque", DAY)]
    assert home_counts(book)["cheques"] == 1 and home_counts(book)["retards"] == 1
    # « Reste dû » on Factures, written with the payment
    inv = {str(x["number"]): x for x in store.rows("tFactures")}
    assert inv["F2026-00001"]["owed"] == Decimal("0.00") and inv["F2026-00001"]["paid"] == Decimal("605.00")
    assert all(x["owed"] == balance(x) for x in inv.values() if x["number"])
    # the incremental update equals the full recount
    before = snapshot(book)
    assert click("actualiser_listes", HOME, 5)["ok"]
    assert snapshot(book) == before


def test_a_list_not_touched_by_an_action_is_not_rewritten(book) -> None:
    assert click("actualiser_listes", HOME, 5)["ok"]
    marker = "'ne pas toucher"
    ws = book.sheets[wk.worklist("devis").sheet]
    ws.range((WORKLIST.first + 5, 8)).value = marker  # a cell no rewrite of that list would keep
    ps = book.sheets[PAYMENT_SHEET]
    for key, value in (("invoice", "'F2026-00002"), ("amount", 121), ("mode", "'Virement")):
        ps.range((PAYMENT_FORM.field(key).row, 3)).value = value
    assert click("enregistrer_reglement", PAYMENT_SHEET, 4)["ok"]
    assert ws.range((WORKLIST.first + 5, 8)).value == "ne pas toucher"  # quotes: not recomputed
    assert [x[0] for x in sheet_rows(book, "retards")] == ["F2026-00001"]


def test_touched_lists_follow_the_tables_written() -> None:
    changes = ChangeSet()
    changes.update("tFactures", 2, {"paid": Decimal("1")})
    keys = {w.key for w in wk.touched(changes)}
    assert {"retards", "brouillons", "lettres"} <= keys
    assert not keys & {"devis", "commandes", "travaux", "releve", "interventions", "contrats"}
    assert wk.touched(ChangeSet()) == []


def test_settle_refuses_a_draft_and_an_other_sheet(book) -> None:
    r = click("regler_facture", HOME, 5)
    assert not r["ok"] and r["codes"] == ["excel.sheet"]
    r = click("regler_facture", wk.worklist("retards").sheet, WORKLIST.first + 40)
    assert not r["ok"] and r["codes"] == ["excel.row"]


# --------------------------------------------------------------------------- « Reste dû »
def test_owed_is_derived_on_every_write_of_an_invoice_row() -> None:
    row = {"number": "F2026-00001", "status": "Émise", "doc_type": "Facture", "total_ttc": Decimal("100.00"),
           "paid": Decimal("30.00"), "credited": Decimal("20.00")}
    assert derived.invoice_owed(row) == Decimal("50.00")
    assert derived.invoice_owed({**row, "status": "Brouillon", "number": ""}) is None
    assert derived.invoice_owed({**row, "doc_type": "Avoir"}) is None


def test_migration_of_the_v6_workbook_fills_owed_without_touching_fingerprints(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from test_audit_specs import schema_at

    from pyxl.workbook import migrate as mig

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(DATA / "v6" / "syc_v6.xlsm", path)
    shutil.copy(DATA / "v6" / "syc_v6.syc-ancre", anchor_path(path))
    before = FileStore(path, schema_at(6)).journal()
    done = mig.migrate(path)
    assert "ajout de la colonne « Reste dû » à la table tFactures" in done
    assert any(x.startswith("étape de données de la version 10") for x in done)
    store = FileStore(path)
    assert store.version() == SCHEMA.version
    assert [(e.seq, e.doc_hash, e.hash, e.spec) for e in store.journal()] == [
        (e.seq, e.doc_hash, e.hash, e.spec) for e in before]
    assert store.verify() == []
    docs = store.rows("tFactures")
    final = next(r for r in docs if r["doc_type"] == "Facture")
    assert final["owed"] == final["total_ttc"] - Decimal("100.00")  # the cheque of 100,00 (the transfer reversed)
    assert all(r["owed"] == derived.invoice_owed(r.values) for r in docs)


# --------------------------------------------------------------------------- layouts
def test_new_workbook_shows_the_working_columns_first() -> None:
    buf = io.BytesIO()
    builder.build(buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb[SCHEMA.table("tFactures").sheet]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == ["Numéro", "Nom du client", "Statut", "Type", "Date", "Total TTC", "Reste dû", "Échéance"]
    assert ws.freeze_panes == "C2"
    hidden = {ws.cell(1, i + 1).value for i in range(len(headers))
              if ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].hidden}
    tech = {SCHEMA.table("tFactures").column(k).header for k in RECORD_LAYOUTS["tFactures"].technical}
    assert {"Réf. interne", "Client", "Commande"} <= hidden and hidden <= tech
    assert ws.column_dimensions["M"].outlineLevel == 1
    assert ws.conditional_formatting  # overdue rows coloured
    for wl in wk.WORKLISTS:
        lst = wb[wl.sheet]
        assert [c.value for c in lst[WORKLIST.header]][: WORKLIST.width] == list(WORKLIST.headers)
        assert lst.freeze_panes == f"C{WORKLIST.first}" and not lst.protection.sheet
    home = wb[HOME]
    labels = [home.cell(HOME_COUNTS.row_of(i), HOME_COUNTS.label).value for i in range(len(wk.WORKLISTS))]
    assert labels == [w.label for w in wk.WORKLISTS]


def test_a_migrated_workbook_gets_its_worklists_at_the_first_recount(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pyxl.workbook import migrate as mig

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(DATA / "v6" / "syc_v6.xlsm", path)
    shutil.copy(DATA / "v6" / "syc_v6.syc-ancre", anchor_path(path))
    mig.migrate(path)
    monkeypatch.setattr(runner, "today", lambda: DAY)
    book = H.open_caller(str(path))
    assert wk.worklist("retards").sheet not in [s.name for s in book.sheets]
    r = click("actualiser_listes", HOME, 5)
    assert r["ok"] and "Feuilles ajoutées" in r["message"], r
    store = FileStore(path)
    late = sorted(str(x["number"]) for x in dunning.overdue_invoices(store, DAY))
    assert late and sorted(x[0] for x in sheet_rows(book, "retards")) == late
    assert home_counts(book)["retards"] == len(late)
    home = book.sheets[HOME]
    assert home.range((HOME_COUNTS.first, HOME_COUNTS.label)).value == wk.WORKLISTS[0].label
    assert "Feuilles ajoutées" not in click("actualiser_listes", HOME, 5)["message"]  # once


def test_owed_follows_payment_reversal_and_credit_note_through_syc(book) -> None:
    """« Reste dû » written by every action that changes it, whichever adapter runs it (`syc` here)."""
    path = Path(book.fullname)

    def owed(number: str) -> Decimal:
        return next(r["owed"] for r in FileStore(path).rows("tFactures") if r["number"] == number)

    r = syc(path, "reglement", "saisir", "--facture", "F2026-00002", "--montant", "100", "--mode", "virement",
            "--au", "2026-06-15", "--json")
    assert r.returncode == 0, r.stdout
    assert owed("F2026-00002") == Decimal("21.00")
    pid = json.loads(r.stdout)["imputations"][0]["id"]
    r = syc(path, "reglement", "annuler", pid, "--motif", "erreur de saisie", "--erreur", "--au", "2026-06-15")
    assert r.returncode == 0, r.stdout + r.stderr
    assert owed("F2026-00002") == Decimal("121.00")
    r = syc(path, "avoir", "creer", "--facture", "F2026-00003", "--motif", "travaux non faits", "--cause", "erreur",
            "--emettre", "--sans-document", "--au", "2026-06-15", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert owed("F2026-00003") == Decimal("0.00")
    credit = next(x for x in FileStore(path).rows("tFactures") if x["doc_type"] == "Avoir")
    assert credit["owed"] is None  # nothing is owed on a credit note
    store = FileStore(path)
    assert store.verify() == []
    assert all(x["owed"] == derived.invoice_owed(x.values) for x in store.rows("tFactures"))
