"""Every macro of the registry, end to end, through the openpyxl-backed xlwings engine of
`tests/xlharness.py` — a harness, not Excel (it does not calculate, and ignores protection: the
protection calls are checked as calls). The VBA's part (the sheet and row of the click, the answers
to its questions, hex-encoded) is played by `click()`."""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import pyxl.macros as macros
from pyxl.excel import registry, runner
from pyxl.excel.runner import encode
from pyxl.excel.sheets import PAYMENT_SHEET, QUOTE_FORM, QUOTE_SHEET
from pyxl.workbook.filestore import FileStore

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DAY = dt.date(2026, 5, 4)
HOSTILE = "Dupont & Fils <SARL> \"l'Étang\" =cmd|' /C calc'!A0"


def syc(book: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyxl.cli", *args, "--book", str(book)],
                          capture_output=True, text=True, check=False)


@pytest.fixture
def book(tmp_path, monkeypatch):
    path = tmp_path / "SYC_Gestion.xlsm"
    r = syc(path, "init", "--demo", "--au", DAY.isoformat())
    assert r.returncode == 0, r.stderr
    monkeypatch.setattr(runner, "today", lambda: DAY)
    H.CALLS.clear()
    H.ALERTS.clear()
    return H.open_caller(str(path))


def click(function: str, sheet: str, row: int, *answers: str) -> dict:
    """What the VBA sub does: pass where the user clicked and the answers, as SycHex."""
    fn = getattr(macros, function)
    return fn(encode(sheet), row, *(encode(a) for a in answers))


def find_row(book, sheet: str, column_header: str, value: str) -> int:
    ws = book.sheets[sheet].api
    headers = [c.value for c in ws[1]]
    col = headers.index(column_header) + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col).value == value:
            return r
    raise AssertionError(f"{value} not in {sheet}")


def snapshot(book) -> dict:
    """Every sheet's values (reading a cell creates it in openpyxl: empty rows are left out)."""
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows() if any(c.value is not None for c in row)]
            for ws in book.api.worksheets}


def fill_quote(book, client="C00001", lines=(("CHG-25", 1, None), ("MO-H", 6, None)), **head):
    sh = book.sheets[QUOTE_SHEET]
    f = QUOTE_FORM
    values = {"client": client, "nature": "Remplacement", "housing_old": "Oui", "execution": "sous 3 semaines", **head}
    for key, v in values.items():
        sh.range((f.field(key).row, 3)).value = "'" + v if isinstance(v, str) else v
    for k, (art, qty, price) in enumerate(lines):
        r = f.first_line + k
        sh.range((r, f.article)).value = "'" + art
        sh.range((r, f.qty)).value = qty
        if price is not None:
            sh.range((r, f.price)).value = price


def test_every_registry_action_has_its_macro_with_the_vba_signature():
    for a in registry.ACTIONS:
        fn = getattr(macros, a.function)
        params = list(inspect.signature(fn).parameters)
        assert params[:2] == ["sheet", "row"], a.function
        assert len(params) >= 2 + len(a.asks) + len(a.passes), a.function


def test_the_whole_chain_from_excel(book, tmp_path):
    fill_quote(book, object=HOSTILE)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r
    number = r["data"]["numero"]
    assert "syc " not in r["message"]  # terminal hints are not shown in Excel
    # the form is emptied and its price formulas put back
    sh = book.sheets[QUOTE_SHEET].api
    assert sh.cell(QUOTE_FORM.first_line, QUOTE_FORM.article).value is None
    assert str(sh.cell(QUOTE_FORM.first_line, QUOTE_FORM.price).value).startswith("=IF(")
    row = find_row(book, "Devis", "Numéro", number)
    ws = book.sheets["Devis"].api
    headers = [c.value for c in ws[1]]
    assert ws.cell(row, headers.index("Objet") + 1).value == HOSTILE  # text, not a formula
    assert ws.cell(row, headers.index("Objet") + 1).data_type == "s"

    assert click("envoyer_devis", "Devis", row)["ok"]
    assert click("relancer_devis", "Devis", row, "rappeler lundi", "")["ok"]
    assert click("devis_a_relancer", "Accueil", 3)["ok"]
    assert click("accepter_devis", "Devis", row)["ok"]
    r = click("passer_commande", "Devis", row)
    assert r["ok"], r
    order = r["data"]["numero"]
    orow = find_row(book, "Commandes", "Numéro", order)
    r = click("facture_acompte", "Commandes", orow, "30")
    assert r["ok"], r
    ref = r["data"]["reference"]
    frow = find_row(book, "Factures", "Réf. interne", ref)
    H.CALLS.clear()
    r = click("emettre", "Factures", frow)
    assert r["ok"] and r["saved"], r
    assert H.CALLS["save"] == 1
    # the protected sheets were unprotected for the write and protected again
    assert book.api["Factures"].protection.sheet
    assert "Le classeur a été enregistré." in r["message"]
    deposit = r["data"]["numero"]
    assert deposit.startswith("F2026-")
    # the anchor beside the workbook follows the journal
    assert (Path(book.fullname).parent / ".SYC_Gestion.xlsm.syc-ancre").exists()

    assert click("commande_realisee", "Commandes", orow, "")["ok"]
    r = click("facturer", "Commandes", orow)
    assert r["ok"], r
    frow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    r = click("emettre", "Factures", frow)
    assert r["ok"], r
    invoice = r["data"]["numero"]

    ps = book.sheets[PAYMENT_SHEET]
    ps.range("C4").value = "'" + invoice
    ps.range("C6").value = 100.5
    ps.range("C7").value = "'Chèque"
    ps.range("C8").value = "'n° 1234567"
    r = click("enregistrer_reglement", PAYMENT_SHEET, 6)
    assert r["ok"] and r["saved"], r
    assert ps.range("C4").value is None
    prow = find_row(book, "Règlements", "Facture", invoice)
    assert click("annuler_reglement", "Règlements", prow, "chèque impayé")["ok"]

    irow = find_row(book, "Factures", "Numéro", invoice)
    r = click("faire_avoir", "Factures", irow, invoice, "geste commercial", "geste", "MO-H:2")
    assert r["ok"], r
    assert abs(r["data"]["total_ht"]) == 110  # MO-H at 55 € HT, two hours credited, not the whole invoice
    crow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    assert click("supprimer_brouillon", "Factures", crow)["ok"]
    assert click("verifier", "Accueil", 2)["ok"], H.ALERTS[-1]

    # saved by the harness (openpyxl, a throw-away copy): `syc verifier` agrees with the macros
    book.save()
    r = syc(Path(book.fullname), "verifier")
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_second_quote_line_with_a_typed_price_and_cancel_and_refuse(book):
    fill_quote(book, lines=(("CHG-25", 1, 2999.5),))
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r
    assert r["data"]["devis"]["total_ht"] == pytest.approx(2999.5)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    assert click("refuser_devis", "Devis", row, "trop cher")["ok"]
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    click("envoyer_devis", "Devis", row)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    assert click("annuler_commande", "Commandes", orow, "client parti")["ok"]


def test_refusals_name_the_row_and_leave_the_workbook_as_it_was(book):
    before = snapshot(book)
    r = click("envoyer_devis", "Commandes", 2)
    assert not r["ok"] and "feuille « Devis »" in r["message"]
    r = click("envoyer_devis", "Devis", 1)  # the header row
    assert not r["ok"] and "ligne 1" in r["message"]
    r = click("enregistrer_devis", QUOTE_SHEET, 4)  # empty form
    assert not r["ok"] and "client" in r["message"]
    fill_quote(book, lines=(("NEXISTEPAS", 1, None),))
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert not r["ok"] and "Rien n'a été modifié" in r["message"]
    after = snapshot(book)
    for title in before:
        if title != QUOTE_SHEET:
            assert before[title] == after[title], title
    assert H.CALLS["save"] == 0


def test_an_edit_of_an_issued_invoice_is_caught_by_the_next_action(book):
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    click("envoyer_devis", "Devis", row)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    click("commande_realisee", "Commandes", orow, "")
    r = click("facturer", "Commandes", orow)
    frow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    r = click("emettre", "Factures", frow)
    assert r["ok"]
    # someone types over the issued invoice's total (protection bypassed)
    ws = book.api["Factures"]
    headers = [c.value for c in ws[1]]
    ws.cell(frow, headers.index("Total TTC") + 1).value = 1.0
    r = click("faire_avoir", "Factures", frow, "", "erreur", "erreur")
    assert not r["ok"]
    assert f"Factures, ligne {frow}" in r["message"] and "sauvegarde" in r["message"]


def test_a_write_that_fails_halfway_is_put_back_and_not_saved(book, monkeypatch):
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    click("envoyer_devis", "Devis", row)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    r = click("facture_acompte", "Commandes", orow, "40")
    frow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    before = snapshot(book)
    real = H.Table.resize
    calls = {"n": 0}

    def failing(self, rng):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("Excel est occupé")
        return real(self, rng)

    monkeypatch.setattr(H.Table, "resize", failing)
    H.CALLS.clear()
    r = click("emettre", "Factures", frow)
    assert not r["ok"] and "Rien n'a été" in r["message"]
    assert H.CALLS["save"] == 0
    assert snapshot(book) == before
    assert book.api["Factures"].protection.sheet


def test_diagnostic_reports_versions_and_a_write_test(book, monkeypatch):
    import xlwings

    r = click("diagnostic", "Accueil", 1, xlwings.__version__, registry.module_version(), "16.0", book.fullname)
    assert r["ok"], r["message"]
    assert "Écriture dans le dossier du classeur : oui" in r["message"]
    r = click("diagnostic", "Accueil", 1, "0.30.0", "ancien", "16.0", book.fullname)
    assert not r["ok"] and "0.30.0" in r["message"] and "autre version de SYC Gestion" in r["message"]


def test_an_unexpected_error_is_logged_and_told_in_french(book, monkeypatch):
    from pyxl.services import quotes

    def boom(*a, **k):
        raise ZeroDivisionError("x")

    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    monkeypatch.setattr(quotes, "send_quote", boom)
    r = click("envoyer_devis", "Devis", row)
    assert not r["ok"] and "Erreur inattendue" in r["message"]
    assert (Path(book.fullname).parent / runner.ERROR_LOG).read_text(encoding="utf-8").count("ZeroDivisionError")


def test_hex_round_trip_of_user_text():
    for text in (HOSTILE, "", "é€𝄞\t\n", "'; import os #"):
        assert runner.decode(runner.encode(text)) == text


def test_harness_parses_unquoted_text_like_excel(tmp_path):
    wb = openpyxl.Workbook()
    p = tmp_path / "x.xlsx"
    wb.save(p)
    b = H.open_caller(str(p))
    sh = b.sheets[0]
    sh["A1"].value = "00123"
    sh["A2"].value = "'00123"
    assert sh["A1"].value == 123.0 and sh["A2"].value == "00123"
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_dashboard_refresh_writes_tables_and_charts_and_replaces_them(book):
    fill_quote(book, client="C00001")
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    click("envoyer_devis", "Devis", row)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    click("commande_realisee", "Commandes", orow, "")
    r = click("facturer", "Commandes", orow)
    assert click("emettre", "Factures", find_row(book, "Factures", "Réf. interne", r["data"]["reference"]))["ok"]
    H.CALLS.clear()
    r = click("actualiser_tableau_de_bord", "Accueil", 3)
    assert r["ok"], r["message"]
    assert H.CALLS["save"] == 0  # a report is not a change of the books
    sheet = book.sheets["Tableau de bord"]
    pics = list(sheet.pictures)
    assert len(pics) >= 4 and all(p.name.startswith("syc_") for p in pics)
    assert all(p.impl.png.startswith(b"\x89PNG") for p in pics)
    texts = [c.value for row in sheet.api.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Chiffre d'affaires" in t for t in texts)
    # the invoice's turnover (HT) is on the sheet, as a number
    numbers = [c.value for row in sheet.api.iter_rows() for c in row if isinstance(c.value, float)]
    assert numbers
    r = click("actualiser_tableau_de_bord", "Tableau de bord", 5)
    assert r["ok"]
    assert len(list(sheet.pictures)) == len(pics)  # replaced, not added again


def _issue_one(book, client="C00001") -> tuple[int, dict]:
    fill_quote(book, client=client)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    click("envoyer_devis", "Devis", row)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    click("commande_realisee", "Commandes", orow, "")
    r = click("facturer", "Commandes", orow)
    frow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    return frow, click("emettre", "Factures", frow)


def test_the_save_happens_with_calculation_back_to_automatic(book):
    H.SAVES.clear()
    _frow, r = _issue_one(book)
    assert r["ok"] and r["saved"]
    assert H.SAVES and all(s["calculation"] == "automatic" for s in H.SAVES)


def test_a_failed_save_puts_back_the_protected_sheets_too(book, monkeypatch):
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    click("envoyer_devis", "Devis", row)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    r = click("facture_acompte", "Commandes", orow, "30")
    frow = find_row(book, "Factures", "Réf. interne", r["data"]["reference"])
    before = snapshot(book)

    def refuse(self, path=None, password=None):
        raise PermissionError("lecture seule")

    monkeypatch.setattr(H.Book, "save", refuse)
    monkeypatch.setitem(H.ENFORCE_PROTECTION, "on", True)
    r = click("emettre", "Factures", frow)
    assert not r["ok"] and "n'a pas pu être enregistré" in r["message"]
    assert snapshot(book) == before  # the number, the journal row and the counter all put back
    assert book.api["Factures"].protection.sheet and book.api["Journal d'audit"].protection.sheet


def test_an_issued_total_typed_over_is_refused_by_the_next_days_closure(book, monkeypatch):
    frow, r = _issue_one(book)
    assert r["ok"]
    ws = book.api["Factures"]
    headers = [c.value for c in ws[1]]
    ws.cell(frow, headers.index("Total TTC") + 1).value = 1.0
    before = snapshot(book)
    monkeypatch.setattr(runner, "today", lambda: DAY + dt.timedelta(days=1))
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)  # any action: it closes the day before first
    assert not r["ok"]
    assert f"Factures, ligne {frow}" in r["message"] and "sauvegarde" in r["message"]
    after = snapshot(book)
    assert {k: v for k, v in after.items() if k != QUOTE_SHEET} == {k: v for k, v in before.items() if k != QUOTE_SHEET}


def test_a_failure_after_the_write_says_the_action_is_done(book, monkeypatch):
    from pyxl.excel import forms

    def broken(_sheet):
        raise RuntimeError("Excel occupé")

    monkeypatch.setattr(forms, "clear_quote", broken)
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"] and "le formulaire n'a pas pu être vidé" in r["message"]
    assert "Rien n'a été modifié" not in r["message"]


def test_quote_form_messages_name_the_sheet_row(book):
    fill_quote(book, lines=(("CHG-25", 1, None), ("ZZZ", 1, None)))
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert not r["ok"] and f"ligne {QUOTE_FORM.first_line + 1}" in r["message"], r["message"]
    assert "syc" not in r["message"]
    fill_quote(book, lines=(("CHG-25", -2, None),))
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert not r["ok"] and f"Saisie devis », ligne {QUOTE_FORM.first_line} (CHG-25)" in r["message"], r["message"]
    assert "syc" not in r["message"]


def test_formula_noise_from_excel_is_read_as_excel_shows_it(book):
    fill_quote(book, lines=(("MO-H", 1.1 * 3, None),))  # 3.3000000000000003, shown 3,3 by Excel
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r["message"]


def test_a_table_with_a_totals_row_is_refused_for_appends(book):
    book.api["Devis"].tables["tDevis"].totalsRowCount = 1
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert not r["ok"] and "ligne de total" in r["message"]


def test_runs_of_adjacent_columns():
    from pyxl.workbook.excelstore import _runs

    assert _runs([1, 2, 3, 7, 8, 10]) == [[1, 2, 3], [7, 8], [10]]
    assert _runs([]) == []


def test_every_question_can_be_cancelled_in_the_vba():
    text = registry.vba_module()
    for a in registry.ACTIONS:
        for i, _ask in enumerate(a.asks, 1):
            assert f", a{i}) Then Exit Sub" in text, a.name
    assert "Application.InputBox(prompt" in text and "VarType(v) = vbBoolean" in text


def test_reminder_actions_from_excel(book, monkeypatch):
    """« Relances de la semaine », « Noter un appel », « Noter dépôt ou accusé » on an issued invoice
    left unpaid past its due date (the harness is not Excel: see the module docstring)."""
    path = Path(book.fullname)
    steps = [("devis", "creer", "--client", "C00002", "--ligne", "MO-H:2", "--nature", "depannage", "--au", "2026-05-04"),
             ("devis", "accepter", "D2026-0001", "--urgent", "--au", "2026-05-04"),
             ("commande", "creer", "--devis", "D2026-0001", "--au", "2026-05-04"),
             ("commande", "realiser", "BC2026-0001", "--date", "04/05/2026", "--au", "2026-05-04"),
             ("facture", "creer", "--commande", "BC2026-0001", "--emettre", "--au", "2026-05-04")]
    for args in steps:
        r = syc(path, *args)
        assert r.returncode == 0, r.stderr
    book = H.open_caller(str(path))  # the file as the commands left it
    due = next(r for r in FileStore(path).rows("tFactures") if r["number"])
    later = due["due_date"] + dt.timedelta(days=3)
    monkeypatch.setattr(runner, "today", lambda: later)
    r = click("relances_semaine", "Accueil", 3)
    assert r["ok"] and due["number"] in r["message"] and "Appels (1)" in r["message"], r
    frow = find_row(book, "Factures", "Numéro", due["number"])
    r = click("noter_relance", "Factures", frow, "promesse", later.strftime("%d/%m/%Y"), "paiera vendredi")
    assert r["ok"], r
    r = click("noter_envoi_relance", "Factures", frow, "", "", "")
    assert not r["ok"] and "rien à noter" in r["message"]
    r = click("noter_relance", "Factures", 1, "message", "", "")
    assert not r["ok"] and "ligne 1" in r["message"]
