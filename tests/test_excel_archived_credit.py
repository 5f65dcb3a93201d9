"""« Faire un avoir » from Excel on an invoice that left for a fiscal-year archive (issue 15, §6):
the assistant types its number (the selected row's is only proposed), the button finds it in the
archive the journal names, says so in its confirmation, and makes the draft through the same
service as `syc avoir creer`; the archive is read, never written, and no message names a command.
Run through the openpyxl-backed xlwings engine of `tests/xlharness.py` — a harness, not Excel.
Fixture: `tests/data/archive-v12` (2024 archived at schema 12), migrated first as a user would."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pyxl.macros as macros
from pyxl.cli import main
from pyxl.excel import registry, runner
from pyxl.excel.runner import encode

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DATA = Path(__file__).parent / "data" / "archive-v12"
ARCHIVE = "SYC_Gestion-exercice-2024.xlsm"
DAY = dt.date(2026, 7, 2)
# in the archive: F2024-00007 (C00002, 2 × ENT-PAC, 434,88 € TTC, paid by transfer on 14 March 2024)


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    (tmp_path / "Archives").mkdir()
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(DATA / "SYC_Gestion.xlsm", path)
    shutil.copyfile(DATA / "SYC_Gestion.syc-ancre", tmp_path / ".SYC_Gestion.xlsm.syc-ancre")
    shutil.copyfile(DATA / ARCHIVE, tmp_path / "Archives" / ARCHIVE)
    assert main(["migrer", "--book", str(path)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(runner, "today", lambda: DAY)
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")  # the documents: tests/test_archived_invoices.py
    H.CALLS.clear()
    H.ALERTS.clear()
    H.ANSWERS.clear()
    return H.open_caller(str(path))


def click(function: str, sheet: str, row: int, *answers: str) -> dict:
    """What the VBA sub does: pass where the user clicked and the answers, as SycHex."""
    return getattr(macros, function)(encode(sheet), row, *(encode(a) for a in answers))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def row_of(book: Any, sheet: str, header: str, value: str) -> int:
    ws = book.sheets[sheet].api
    col = [c.value for c in ws[1]].index(header) + 1
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == value)


def no_command(text: str) -> None:
    assert "syc " not in text and "--" not in text, text


def test_a_credit_note_on_an_archived_invoice_from_the_button(book: Any) -> None:
    archive = Path(book.fullname).parent / "Archives" / ARCHIVE
    digest = sha(archive)
    # the invoice is not on « Factures »: the assistant types its number, from Accueil
    H.ANSWERS.append("no")  # « Non » to the confirmation first: nothing is written
    r = click("faire_avoir", "Accueil", 2, "F2024-00007", "pompe défectueuse", "litige", "ENT-PAC:1")
    assert not r["ok"] and r["codes"] == ["abandon"]
    question = H.ALERTS[-1][1]
    assert "avoir sur la facture archivée F2024-00007" in question and "(C00002)" in question
    assert "434,88" in question and "TTC" in question
    assert f"l'archive « {ARCHIVE} » d'un exercice clos" in question and "jamais modifiée" in question
    no_command(question)
    H.ALERTS.clear()
    r = click("faire_avoir", "Accueil", 2, "f2024-00007", "pompe défectueuse", "litige", "ENT-PAC:1")
    assert r["ok"], r["message"]
    assert r["data"]["facture"] == "F2024-00007" and r["data"]["total_ttc"] == Decimal("217.44")
    assert "sur Facture F2024-00007 (exercice archivé, lue dans son archive) préparé : 217,44" in r["message"]
    for _title, text in H.ALERTS:
        no_command(text)
    no_command(r["message"])
    # the draft is selected on « Factures »; « Émettre » there issues it, the overpayment becomes credit
    draft = r["data"]["reference"]
    drow = row_of(book, "Factures", "Réf. interne", draft)
    assert (H.SELECTED["sheet"], H.SELECTED["row"]) == ("Factures", drow)
    H.ALERTS.clear()
    r = click("emettre", "Factures", drow, "non")
    assert r["ok"], r["message"]
    assert "archivée, réglée" in r["message"] and "217,44" in r["message"] and "crédit du client" in r["message"]
    no_command(r["message"])
    # what is left to credit counts the credit note now in the workbook: one ENT-PAC, not two
    r = click("faire_avoir", "Accueil", 2, "F2024-00007", "encore", "litige", "ENT-PAC:2")
    assert not r["ok"] and "1 sur 2 facturés" in r["message"] and "archive" in r["message"]
    no_command(r["message"])
    assert sha(archive) == digest  # read, never written


def test_the_number_is_checked_and_the_selected_row_still_works(book: Any) -> None:
    archive = Path(book.fullname).parent / "Archives" / ARCHIVE
    digest = sha(archive)
    r = click("faire_avoir", "Accueil", 2, "F2024-00999", "x", "geste", "")
    assert not r["ok"] and r["codes"] == ["facture.inconnue"]
    assert "ni dans ce classeur ni dans ses exercices archivés" in r["message"]
    no_command(r["message"])
    r = click("faire_avoir", "Accueil", 2, "", "x", "geste", "")  # nothing typed, no invoice row
    assert not r["ok"] and "Indiquez la facture à créditer" in r["message"] and "« Factures »" in r["message"]
    # an invoice of the workbook, selected on « Factures » (its number proposed by the sub, or the
    # answer left empty): the same action as before the archives
    number = "F2023-00004"  # paid, still in the workbook
    issued = row_of(book, "Factures", "Numéro", number)
    H.ALERTS.clear()
    r = click("faire_avoir", "Factures", issued, "", "erreur", "erreur", "")
    assert r["ok"], r["message"]
    assert r["data"]["facture"] == number and "archiv" not in H.ALERTS[0][1]
    assert sha(archive) == digest


def test_the_sub_proposes_the_selected_invoice_and_asks_first_for_it() -> None:
    a = registry.by_function("faire_avoir")
    assert a.sheet == "" and a.confirm  # an archived invoice has no row to click
    first = a.asks[0]
    assert first.required and (first.from_sheet, first.from_columns) == ("Factures", ("Numéro", "Réf. interne"))
    sub = registry.sub_source(a)
    assert 'SycAsk("Facture à créditer' in sub and 'SycRowValue("Factures", Array("Numéro", "Réf. interne"))' in sub
    assert "SycOnRow" not in sub
    assert "Function SycRowValue(" in registry.vba_module()
    no_command(" ".join(q.prompt for q in a.asks) + a.help)
