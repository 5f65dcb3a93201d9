"""Excel as a view of the PostgreSQL base (issue 18 item 3), in the harness (tests/xlharness.py):
the workbook configured by `syc excel configurer --base`, its buttons writing to the base, the
sheets the action touched refreshed with only the changed rows, « Actualiser » showing another
user's work, a stale action refused with who and when."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import pyxl.macros as macros
from pyxl.cli import main
from pyxl.core.issues import Refused
from pyxl.excel import baseview, runner
from pyxl.excel.runner import encode
from pyxl.workbook.schema import SCHEMA

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DAY = dt.date(2025, 1, 6)


def run_cli(*args: str) -> tuple[int, dict[str, Any]]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--json", "--au", DAY.isoformat()])
    return code, json.loads(buf.getvalue())


def ok(*args: str) -> dict[str, Any]:
    code, data = run_cli(*args)
    assert code == 0, data
    return data


def draft(url: str) -> str:
    """A quote to a realised order and its draft invoice, by `syc` on the base; the draft's reference."""
    opt = ["--base", url]
    q = ok("devis", "creer", "--client", "C00001", "--nature", "depannage", "--logement-plus-2-ans", "oui",
           "--ligne", "MO-H:2", "--ligne", "DEP:1", "--execution", "sous 3 semaines", *opt)["numero"]
    ok("devis", "accepter", q, *opt)
    c = ok("commande", "creer", "--devis", q, *opt)["numero"]
    ok("commande", "realiser", c, "--date", DAY.isoformat(), *opt)
    return str(ok("facture", "creer", "--commande", c, *opt)["reference"])


@pytest.fixture
def view(base: Any, demo_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """(the base, the user's workbook open in the harness, a draft invoice's reference)."""
    db = base(demo_bytes)
    ref = draft(db.url())
    book = tmp_path / "poste" / "SYC_Gestion.xlsm"
    book.parent.mkdir()
    ok("base", "vue", "--sortie", str(book), "--base", db.url())
    ok("excel", "configurer", "--book", str(book), "--base", db.url())
    monkeypatch.setattr(runner, "today", lambda: DAY)
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    H.CALLS.clear()
    H.ALERTS.clear()
    H.ANSWERS.clear()
    return db, H.open_caller(str(book)), ref


def click(function: str, sheet: str, row: int, *answers: str) -> dict[str, Any]:
    return dict(getattr(macros, function)(encode(sheet), row, *(encode(a) for a in answers)))


def row_of(db: Any, table: str, key: str, value: str) -> int:
    store = db.store()
    try:
        return next(r.row for r in store.rows(table) if r.get(key) == value)
    finally:
        store.close()


def cell(book: Any, table: str, row: int, key: str) -> Any:
    t = SCHEMA.table(table)
    ws = book.sheets[t.sheet].api
    headers = [c.value for c in ws[1]]
    return ws.cell(row, headers.index(t.column(key).header) + 1).value


def data_rows_written() -> dict[str, int]:
    sheets = {t.sheet for t in SCHEMA.tables}
    return {s: n for s, n in H.ROWS_WRITTEN.items() if s in sheets}


def test_configurer_writes_the_url_and_marks_never_a_password(view: Any, tmp_path: Path) -> None:
    db, book, _ref = view
    assert baseview.base_url(book) == db.url()
    marks = baseview.read_marks(book)
    assert set(marks) == {t.name for t in SCHEMA.tables} and min(marks.values()) > 0
    path = Path(str(book.fullname))
    code, data = run_cli("excel", "configurer", "--book", str(path),
                         "--base", db.url().replace("syc_assistante@", "syc_assistante:secret@"))
    assert code != 0 and data["erreurs"][0]["code"] == "base.motdepasse" and ".pgpass" in data["erreurs"][0]["message"]
    other = tmp_path / "autre.xlsm"
    other.write_bytes(path.read_bytes())  # not a view: no sidecar beside it
    code, data = run_cli("excel", "configurer", "--book", str(other), "--base", db.url())
    assert code != 0 and data["erreurs"][0]["code"] == "base.vue"


def test_an_action_writes_to_the_base_and_refreshes_only_the_touched_rows(view: Any) -> None:
    db, book, ref = view
    row = row_of(db, "tFactures", "ref", ref)
    assert cell(book, "tFactures", row, "ref") == ref and cell(book, "tFactures", row, "number") in (None, "")
    H.ROWS_WRITTEN.clear()
    done = click("emettre", "Factures", row)
    assert done["ok"], done["message"]
    store = db.store()
    issued = store.rows_at("tFactures", {row})[row]
    store.close()
    assert issued["number"] and issued["ref"] == ref  # issued in the base
    assert cell(book, "tFactures", row, "number") == issued["number"]  # and shown at its row
    written = data_rows_written()
    assert "Factures" in written and "Clients" not in written and "Articles" not in written
    assert sum(written.values()) <= 12, written  # a handful of rows, not the tables
    assert not Path(str(book.fullname)).with_name("syc-erreurs.log").exists()


def test_another_users_invoice_is_seen_after_actualiser(view: Any) -> None:
    db, book, _ref = view
    other = draft(db.url("syc_gestion"))  # a second user, another store
    ok("facture", "emettre", other, "--base", db.url("syc_gestion"))
    store = db.store()
    inv = next(r for r in store.rows("tFactures") if r.get("ref") == other)
    store.close()
    assert cell(book, "tFactures", inv.row, "ref") in (None, "")  # not seen yet
    H.ROWS_WRITTEN.clear()
    done = click("actualiser", "Accueil", 1)
    assert done["ok"], done["message"]
    assert cell(book, "tFactures", inv.row, "number") == inv["number"]
    written = data_rows_written()
    assert "Factures" in written and "Clients" not in written and sum(written.values()) <= 20, written
    H.ROWS_WRITTEN.clear()
    again = click("actualiser", "Accueil", 1)
    assert again["ok"] and data_rows_written() == {} and "rien de nouveau" in again["message"]


def test_a_stale_action_is_refused_with_who_and_when(view: Any) -> None:
    db, book, ref = view
    row = row_of(db, "tFactures", "ref", ref)
    ok("facture", "emettre", ref, "--base", db.url("syc_gestion"))  # someone else issues it meanwhile
    before = db.state()
    done = click("emettre", "Factures", row)  # the sheet still shows the draft
    assert not done["ok"] and "store.stale" in done["codes"]
    msg = done["message"]
    assert "syc_gestion, le " in msg and " à " in msg and "Actualiser" in msg and "syc " not in msg.replace(
        "syc_gestion", "")
    assert db.state() == before  # nothing applied over it
    assert cell(book, "tFactures", row, "number") in (None, "")  # the sheet as it was


def test_the_opening_refreshes_and_the_diagnostic_tells_the_mode(view: Any) -> None:
    db, book, _ref = view
    other = draft(db.url("syc_gestion"))
    store = db.store()
    row = next(r.row for r in store.rows("tFactures") if r.get("ref") == other)
    store.close()
    assert cell(book, "tFactures", row, "ref") in (None, "")
    macros.ouverture_listes(encode("Accueil"), 1)  # Auto_Open
    assert cell(book, "tFactures", row, "ref") == other
    H.ALERTS.clear()
    done = macros.diagnostic(encode("Accueil"), 1)
    text = done["message"]
    assert "Mode : base PostgreSQL" in text and "Base joignable : oui (identifiant syc_assistante" in text


def test_a_workbook_alone_says_so_and_has_nothing_to_refresh(tmp_path: Path, demo_bytes: bytes,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    path.write_bytes(demo_bytes)
    monkeypatch.setattr(runner, "today", lambda: DAY)
    book = H.open_caller(str(path))
    assert baseview.base_url(book) == ""
    done = click("actualiser", "Accueil", 1)
    assert not done["ok"] and done["codes"] == ["base.aucune"]
    assert "Mode : classeur seul" in macros.diagnostic(encode("Accueil"), 1)["message"]


def test_a_row_changed_between_the_click_and_the_write_is_refused_under_the_lock(view: Any) -> None:
    """The clicked row is checked again when the change set is written (the PostgresStore's stale
    refusal through the change set's read versions, under the writers' lock)."""
    from pyxl.workbook.store import ChangeSet

    db, book, ref = view
    row = row_of(db, "tFactures", "ref", ref)
    store = baseview.ViewStore(db.url(), baseview.read_marks(book))
    seen = store.row_at("tFactures", row)  # fresh at the click
    assert seen is not None
    ok("facture", "emettre", ref, "--base", db.url("syc_gestion"))  # then someone else issues it
    before = db.state()
    changes = ChangeSet()
    changes.update("tFactures", row, {"object": "Objet changé"})  # a bare row number: no read version of its own
    with pytest.raises(Refused) as caught, store.session():
        store.apply(changes, as_of=DAY)
    store.close()
    issues = caught.value.issues
    assert [i.code for i in issues] == ["store.stale"] and "syc_gestion, le " in issues[0].message
    assert db.state() == before


# --------------------------------------------------------------------------- the forms' drop-down lists
def client_dropdown(book: Any) -> list[Any]:
    """What the quote form's client drop-down offers: its validation's source is the column of
    « Listes » for the clients, as many rows as the Clients sheet has records (list_source)."""
    from pyxl.excel.sheets import LIST_COLUMNS, LISTS_SHEET, QUOTE_SHEET

    form = book.sheets[QUOTE_SHEET].api
    sources = [dv.formula1 for dv in form.data_validations.dataValidation]
    column = LIST_COLUMNS["tClients"]
    assert any(f"'{LISTS_SHEET}'!${column}$2" in str(s) and "Clients" in str(s) for s in sources), sources
    clients = book.sheets["Clients"].api
    count = sum(1 for (code,) in clients.iter_rows(min_row=2, max_col=1, values_only=True) if code not in (None, ""))
    lists = book.sheets[LISTS_SHEET].api
    return [lists[f"{column}{r}"].value for r in range(2, 2 + count)]


def add_client(url: str, name: str) -> str:
    return str(ok("client", "ajouter", "--nom", name, "--prenom", "Jeanne", "--type", "particulier",
                  "--adresse", "3 rue des Lilas", "--cp", "69003", "--ville", "Lyon", "--base", url)["code"])


def test_a_client_added_by_another_user_is_in_the_quote_forms_list_after_actualiser(view: Any) -> None:
    db, book, _ref = view
    code = add_client(db.url("syc_gestion"), "Martinez")
    label = f"MARTINEZ Jeanne ({code})"
    assert label not in client_dropdown(book)  # not seen yet
    H.ROWS_WRITTEN.clear()
    done = click("actualiser", "Accueil", 1)
    assert done["ok"], done["message"]
    offered = client_dropdown(book)
    assert offered[-1] == label, offered
    # the demo's clients keep their labels, the new one only was written on « Listes »
    assert H.ROWS_WRITTEN["Listes"] == 1 and H.ROWS_WRITTEN["Clients"] == 1
    assert all(isinstance(v, str) and not v.startswith("=") for v in offered[-1:])
    # a client renamed by another user: its label follows at its row
    ok("client", "modifier", code, "--nom", "Martinez-Roux", "--base", db.url("syc_gestion"))
    assert click("actualiser", "Accueil", 1)["ok"]
    assert client_dropdown(book)[-1] == f"MARTINEZ-ROUX Jeanne ({code})"


def test_after_an_action_the_lists_are_refreshed_too(view: Any) -> None:
    """The incremental refresh after an action also brings the tables feeding the forms' lists: a
    client another user added meanwhile is offered, without « Actualiser »."""
    db, book, ref = view
    code = add_client(db.url("syc_gestion"), "Nguyen")
    row = row_of(db, "tFactures", "ref", ref)
    H.ROWS_WRITTEN.clear()
    done = click("emettre", "Factures", row)
    assert done["ok"], done["message"]
    assert client_dropdown(book)[-1] == f"NGUYEN Jeanne ({code})"
    written = data_rows_written()
    assert written.get("Clients") == 1 and "Articles" not in written, written
    assert sum(written.values()) <= 13, written


def test_the_label_written_is_the_one_the_lists_formula_computes() -> None:
    from pyxl.excel.sheets import list_label

    assert list_label("tClients", {"code": "C00012", "name": "Dupont", "first_name": "Marie"}) == "DUPONT Marie (C00012)"
    assert list_label("tClients", {"code": "C00013", "name": "Sarl Thermo", "first_name": None}) == "SARL THERMO (C00013)"
    assert list_label("tArticles", {"code": "MO-H", "designation": "Main-d'œuvre"}) == "Main-d'œuvre (MO-H)"
    assert list_label("tClients", {"code": "", "name": "Sans code"}) == ""
