"""The books' buttons (issue 15) through the real `pyxl.macros` functions on the openpyxl-backed
xlwings test harness (`xlharness`: a test harness, not Excel): the FEC export beside the workbook,
the VAT figures, the trial balance — French messages that never name a command line."""

from __future__ import annotations

import re
from pathlib import Path

import xlharness as H
from test_excel_macros import _issue_one, book, click, find_row  # noqa: F401  (the fixture)

from pyxl.excel import registry


def _no_command(text: str) -> None:
    assert "syc " not in text and not re.search(r"(^|\s)--[a-z]", text), text


def test_the_books_buttons_are_in_their_group_and_ask_their_questions() -> None:
    mine = {a.function: a for a in registry.ACTIONS if a.group == "comptabilite"}
    assert set(mine) == {"export_fec", "chiffres_tva", "balance_comptable", "grand_livre_client"}
    assert mine["export_fec"].asks[0].required and not mine["chiffres_tva"].asks[1].required
    for a in mine.values():
        _no_command(a.help + " ".join(q.prompt for q in a.asks))


def test_fec_export_writes_the_folder_beside_the_workbook_and_says_where(book) -> None:  # noqa: F811
    _issue_one(book)
    r = click("export_fec", "Accueil", 2, "2026")
    assert r["ok"], H.ALERTS[-1][1]
    text = H.ALERTS[-1][1]
    folder = Path(book.fullname).parent / "FEC"
    (fec,) = folder.glob("*FEC20261231.txt")
    assert str(fec) in text and "Contrôle du fichier : conforme." in text
    assert "partie ventes et encaissements du FEC" in text
    _no_command(text)
    # a year that is not one is refused in French, and nothing else is written
    r = click("export_fec", "Accueil", 2, "l'an dernier")
    assert not r["ok"] and "n'est pas une année" in H.ALERTS[-1][1]
    _no_command(H.ALERTS[-1][1])


def test_vat_figures_and_balance_are_shown(book) -> None:  # noqa: F811
    _issue_one(book)
    r = click("chiffres_tva", "Accueil", 2, "2026-05", "")
    assert r["ok"], H.ALERTS[-1][1]
    text = H.ALERTS[-1][1]
    assert "TVA collectée du 01/05/2026 au 31/05/2026" in text and "Total de la TVA collectée (ligne 16)" in text
    _no_command(text)
    r = click("chiffres_tva", "Accueil", 2, "mai", "")
    assert not r["ok"] and "AAAA-MM" in H.ALERTS[-1][1]
    r = click("balance_comptable", "Accueil", 2, "")
    assert r["ok"], H.ALERTS[-1][1]
    text = H.ALERTS[-1][1]
    assert "Balance de l'exercice du 01/01/2026 au 31/12/2026" in text and "(équilibrée)." in text
    assert re.search(r"^411 Clients : débit", text, re.M)
    _no_command(text)


def _outcome(action: str, sheet: str, row: int, *answers: str) -> tuple[bool, str]:
    """Click, then what the user reads: a new message box, else the status bar (a success with nothing
    more to read is said there since issue 17)."""
    before = len(H.ALERTS)
    r = click(action, sheet, row, *answers)
    text = H.ALERTS[-1][1] if len(H.ALERTS) > before else str(H.STATUS[-1])
    return r["ok"], text


def test_doubtful_and_written_off_from_the_selected_invoice(book) -> None:  # noqa: F811
    from pyxl.workbook.filestore import FileStore

    frow, _ = _issue_one(book)
    ok, text = _outcome("creance_douteuse", "Factures", frow, "redressement judiciaire")
    assert ok, text
    assert "passent au compte 416" in text
    _no_command(text)
    ok, text = _outcome("passer_en_perte", "Factures", frow, "liquidation clôturée")
    assert ok, text
    assert "passée en perte" in text
    ok, text = _outcome("passer_en_perte", "Factures", frow, "encore")
    assert not ok and "déjà passée en perte" in text
    rows = FileStore(Path(book.fullname)).rows("tCreances")
    assert [(x["kind"], x["reason"]) for x in rows] == [("Douteuse", "redressement judiciaire"),
                                                        ("Irrécouvrable", "liquidation clôturée")]


def test_the_client_ledger_of_the_selected_client(book) -> None:  # noqa: F811
    """The same service as the books' client ledger, for the client of the row: on Clients or on one of
    his documents; elsewhere, or on an empty row, a French refusal."""
    frow, issued = _issue_one(book)
    assert issued["ok"], H.ALERTS[-1][1]
    number = issued["data"]["numero"]
    r = click("grand_livre_client", "Factures", frow)
    assert r["ok"], H.ALERTS[-1][1]
    text = H.ALERTS[-1][1]
    assert "Grand livre du client" in text and "(C00001)" in text and number in text
    line = next(x for x in text.splitlines() if number in x)
    assert " VE " in line and "débit" in line and "solde" in line
    assert "(le client doit)" in text
    _no_command(text)
    crow = find_row(book, "Clients", "Code", "C00001")
    r = click("grand_livre_client", "Clients", crow)
    assert r["ok"] and H.ALERTS[-1][1] == text
    r = click("grand_livre_client", "Accueil", 2)
    assert not r["ok"] and "feuille Clients" in H.ALERTS[-1][1]
    r = click("grand_livre_client", "Clients", 900)
    assert not r["ok"] and "aucun client ici" in H.ALERTS[-1][1]
