"""The house budget after the closures' totals (issue 12's figures kept): what `syc verifier` lets
go of on the way gives the same answers, and the letters worklist updated for the paying client
only equals the full recount. Memory and time are measured by benchmarks/bench_house.py, not here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from pyxl.core import books
from pyxl.workbook.filestore import FileStore


def test_daily_totals_keep_only_the_origins_of_credit_notes_and_give_the_same_sums() -> None:
    from test_books import NAMES, doc, ln, pay

    inv = doc("F2026-00030", "2026-06-10", "Facture", ln("1000.00", "10"), nature="Entretien")
    other = doc("F2026-00032", "2026-06-11", "Facture", ln("500.00", "20"), nature="Dépannage")
    credit = doc("F2026-00031", "2026-06-20", "Avoir", ln("200.00", "10"), nature="Entretien",
                 origin="F2026-00030", cause="Erreur")
    rows = [pay("R2026-00030", "2026-06-12", "F2026-00030", "1100.00", "Virement"),
            pay("R2026-00034", "2026-06-21", "F2026-00032", "600.00", "Chèque")]
    expected = books.totals_by_day(books.build([inv, other, credit], [], rows, [], NAMES).entries)
    handed: list[books.Doc] = []

    def one_by_one() -> Iterator[books.Doc]:  # a generator, as `closed_totals` hands them over
        for d in (inv, other, credit):
            handed.append(d)
            yield d

    got = books.daily_totals(one_by_one(), [], rows, [])
    assert handed == [inv, other, credit]
    assert got == expected and dt.date(2026, 6, 20) in got
    # the credit note's entry took its origin's lines: reversing 200,00 HT at 10 % (220,00 TTC)
    assert got[dt.date(2026, 6, 20)]["VE"] == (D("220.00"), D("220.00"))


def test_closed_totals_empty_the_documents_they_sum() -> None:
    from pyxl.services import books as books_service

    docs = [books.Doc(number=f"F{i}", doc_type="Facture", date=dt.date(2026, 1, i), client="C1", client_name="",
                      lines=()) for i in (1, 2, 3)]
    drained = books_service._drain(docs)
    assert [d.number for d in drained] == ["F1", "F2", "F3"] and docs == []


def test_a_table_read_whole_lets_go_of_its_parsed_sheet(make_book: Callable[..., Path]) -> None:
    from pyxl.workbook.filestore import SMALL_TABLE

    n = SMALL_TABLE + 20  # a big table: parsed whole (calamine), not by the small tables' reader
    path = make_book({"tClients": [{"code": f"C{i:05d}", "name": f"Client {i}"} for i in range(1, n + 1)]})
    store = FileStore(path)
    loc = store.package.table("tClients")
    rows = store.rows("tClients")
    assert len(rows) == n and loc.sheet not in store._grids
    # later reads take the typed rows, the same objects
    assert store.rows("tClients") is rows
    assert store.rows_where("tClients", "code", {"C00042"}) == [rows[41]]
    # a prefetch asks nothing more of the file for a table already typed
    store.prefetch(["tClients"])
    assert loc.sheet_part not in store.package._parts
    store.release("tClients")
    assert [r["code"] for r in store.rows("tClients")] == [r["code"] for r in rows]


# --------------------------------------------------------------------------- the letters, per client
LETTERS_DAY = dt.date(2026, 7, 1)  # the day after the generated book's last closure


def _pay(store: Any, number: str, amount: str, day: dt.date) -> Any:
    from pyxl.services import payments

    now = dt.datetime.combine(day, dt.time(9, 0))
    with store.session():
        res = payments.record_payment(store, number, amount, "virement", day)
        store.apply(res.changes, as_of=day, now=now)
    return res.changes


def test_the_letters_after_a_payment_are_those_of_the_full_recount(tmp_path: Path) -> None:
    from pyxl import demo_bulk
    from pyxl.services import worklists as wk
    from pyxl.workbook.memstore import MemoryStore

    book = tmp_path / "SYC_Gestion.xlsm"
    demo_bulk.generate(book, years=2, scale=0.05)  # letters due for several clients in July 2026
    store = MemoryStore.copy_of(FileStore(book))
    letters = wk.worklist("lettres")
    before = wk.compute(store, LETTERS_DAY)
    items = before["lettres"]
    from pyxl.services.invoices import balance

    owed = {str(r["number"]): balance(r) for r in store.rows("tFactures") if r["number"]}
    by_client: dict[str, list[str]] = {}
    for i in items:
        by_client.setdefault(i.client, []).append(i.number)
    # a client with a letter on an invoice still owed today: he pays it
    payer, paid = next((c, n) for c, ns in by_client.items() for n in ns if owed[n] > 0)
    others = [i for i in items if i.client != payer]
    assert others, by_client
    changes = _pay(store, paid, f"{owed[paid]}".replace(".", ","), LETTERS_DAY)
    assert wk.clients_written(store, changes, letters.tables) == {payer}
    after = wk.update(store, LETTERS_DAY, changes, before)
    full = wk.compute(store, LETTERS_DAY)
    assert "lettres" in after and after["lettres"] == full["lettres"]
    assert paid not in [i.number for i in after["lettres"]] and after["lettres"] != items
    assert [i for i in after["lettres"] if i.client != payer] == others  # the others' items kept as they were
    # every list the payment touched is what the full recount gives
    assert {k: v for k, v in full.items() if k in after} == after
    # a partial payment by another client: his letter stays, with what is still owed
    second = next(i for i in others if owed[i.number] > 1)
    changes = _pay(store, second.number, "1,00", LETTERS_DAY)
    again = wk.update(store, LETTERS_DAY, changes, after)["lettres"]
    assert again == wk.compute(store, LETTERS_DAY)["lettres"]
    assert next(i.owed for i in again if i.number == second.number) == second.owed - D("1.00")


def test_a_write_that_is_no_clients_recounts_every_letter() -> None:
    from pyxl.services import worklists as wk
    from pyxl.workbook.store import ChangeSet

    letters = wk.worklist("lettres").tables
    level = ChangeSet()
    level.update("tNiveauxRelance", 3, {"days": 20})
    assert wk.clients_written(None, level, letters) is None  # type: ignore[arg-type]
    note = ChangeSet()
    note.append("tNotesPenalites", {"number": "NP2026-0001", "client": "C00002"})
    note.append("tLignesNotes", {"note": "NP2026-0001", "invoice": "F2026-00001"})
    assert wk.clients_written(None, note, letters) is None  # type: ignore[arg-type]
    pay = ChangeSet()
    pay.append("tReglements", {"id": "R1", "client": "C00002"})
    pay.append("tDevis", {"number": "D1", "client": "C00009"})  # not a table of the letters
    assert wk.clients_written(None, pay, letters) == {"C00002"}  # type: ignore[arg-type]


def test_the_letters_shown_on_their_sheet_read_back_as_written(make_book: Callable[..., Path]) -> None:
    import xlharness as H

    from pyxl.excel import worklists as xw_lists
    from pyxl.excel.sheets import WORKLIST
    from pyxl.services import worklists as wk

    book = H.open_caller(str(make_book()))
    items = [wk.Item("F2026-00011", "Dupont Jean", "Émise", D("3033.34"), D("1033.30"), dt.date(2026, 4, 30), 62,
                     "lettre simple", "C00012"),
             wk.Item("F2026-00031", "SARL Chaleur", "Partiellement réglée", D("13312.47"), D("0.10"),
                     dt.date(2026, 6, 1), None, "mise en demeure ; lettre recommandée", "C00021")]
    assert xw_lists.write(book, {"lettres": items}) == ["lettres"]
    assert xw_lists.shown(book, "lettres") == items
    # a list longer than its sheet shows: recomputed whole
    assert xw_lists.write(book, {"lettres": [items[0]] * (WORKLIST.rows + 1)}) == ["lettres"]
    assert xw_lists.shown(book, "lettres") is None
