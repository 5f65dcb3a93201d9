"""The entries `syc verifier` recomputes stay exactly those the code gave before its speed-ups
(issue 12, second round): a two-year bulk book (pyxl/demo_bulk.py, fixed seed) booked whole and
through `recompute`, every entry, VAT move, total and balance written out with `repr` (a Decimal's
exponent counts) and fingerprinted. The fingerprints were taken on main a86a8b8, before any change."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import pytest

from pyxl import demo_bulk
from pyxl.core import books
from pyxl.services import books as books_service
from pyxl.services import closures
from pyxl.workbook.filestore import FileStore

# sha256 of the texts below, computed on main a86a8b8 (before this round's changes)
WHOLE = "beece4300963eb8e1885deff338c4a7364dd3a567bf58515d8b9fadbfd553ad7"
RECOMPUTED = "d9869f938a3b29fa92f321f18d22743e83f564165d8780962632b7c6cd6aef4d"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FileStore:
    book = tmp_path_factory.mktemp("bulk") / "SYC_Gestion.xlsm"
    demo_bulk.generate(book, years=2, scale=0.1)
    return FileStore(book)


def fingerprint(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8"))
    return h.hexdigest()


def whole_text(store: FileStore) -> tuple[Any, ...]:
    s = books_service.read(store)
    b = books.build(s.docs, s.notes, s.payments, s.slips, s.names, s.options, losses=s.losses)
    return b.entries, b.vat, b.unbalanced, sorted(b.owed.items())


def recomputed_text(store: FileStore, as_of: dt.date) -> tuple[Any, ...]:
    with store.session():
        r = books_service.recompute(store, as_of, closures.journals_span(store))
    return sorted((day, books.format_totals(t)) for day, t in r.totals.items()), r.entries


def test_the_whole_books_are_those_of_before(store: FileStore) -> None:
    parts = whole_text(store)
    assert len(parts[0]) > 500  # the book has entries of every kind to compare
    assert fingerprint(*parts) == WHOLE


def test_the_recomputed_entries_and_totals_are_those_of_before(store: FileStore) -> None:
    totals, entries = recomputed_text(store, demo_bulk.PERIOD_END)
    assert totals and entries
    assert fingerprint(totals, entries) == RECOMPUTED


def test_the_fingerprint_sees_an_amount_and_its_exponent() -> None:
    line = books.EntryLine(account="411", account_label="Clients", debit=Decimal("10.00"), credit=books.ZERO)
    assert fingerprint(line) == fingerprint(books.EntryLine(account="411", account_label="Clients",
                                                            debit=Decimal("10.00"), credit=books.ZERO))
    assert fingerprint(line) != fingerprint(books.EntryLine(account="411", account_label="Clients",
                                                            debit=Decimal("10.01"), credit=books.ZERO))
    assert fingerprint(line) != fingerprint(books.EntryLine(account="411", account_label="Clients",
                                                            debit=Decimal("10.0"), credit=books.ZERO))


def test_pick_reads_what_get_reads_and_names_a_bad_cell() -> None:
    from pyxl.core.issues import Refused
    from pyxl.workbook.cells import LazyValues, converter, normaliser
    from pyxl.workbook.schema import Column, Kind
    from pyxl.workbook.store import pick

    cols = [Column("ref", "Réf", Kind.TEXT), Column("amount", "Montant", Kind.MONEY),
            Column("day", "Date", Kind.DATE), Column("qty", "Qté", Kind.DECIMAL)]
    columns = {c.key: (i, c, converter(c), normaliser(c)) for i, c in enumerate(cols)}
    plans: dict[object, object] = {}
    keys = ("amount", "ref", "gone", "day", "qty", "missing")
    rows = [[" F-1 ", 12.345, dt.date(2026, 12, 6), 2.5], ["F-2", -0.0, None, ""], ["F-3"], ["F-4", "1 234,50", 46000.0]]
    for raw in rows:
        expected = [LazyValues(raw, columns, ["gone"], ("Factures", 2), plans).get(k) for k in keys]
        fresh = LazyValues(raw, columns, ["gone"], ("Factures", 2), plans)
        assert fresh.pick(keys) == expected
        assert [type(x) for x in fresh.pick(keys)] == [type(x) for x in expected]
        assert fresh.pick(("ref", "amount")) == pick(fresh, ("ref", "amount"))  # the store's helper takes it
        assert all(k not in fresh._cache for k in ("ref", "amount", "day", "qty"))  # nothing kept in the row
    assert pick({"ref": "F-9"}, ("ref", "amount")) == ["F-9", None]  # any other mapping
    assert LazyValues(["F-1", 12.345], columns, [], ("Factures", 2), plans).pick(("amount",)) == [Decimal("12.35")]
    bad = LazyValues(["F-5", "douze"], columns, [], ("Factures", 7), plans)
    with pytest.raises(Refused) as err:
        bad.pick(("ref", "amount"))
    assert "Factures, ligne 7" in str(err.value.issues[0].message) and "Montant" in err.value.issues[0].message
