"""The store interface: three stores, one set of rules.

The same services run on the FileStore and on the MemoryStore give the same rows and the same
audit chain (the fingerprints do not depend on the store); the audit guard refuses the same things
on both; a change set based on a row that changed since it was read is refused on both, with
nothing written; the ExcelStore offers every method of the interface.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pyxl.core.issues import Refused
from pyxl.services import closures, invoices, orders, payments, quotes
from pyxl.services.common import Result
from pyxl.workbook.excelstore import ExcelStore
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.memstore import MemoryStore
from pyxl.workbook.store import ChangeSet, Store

DAY = dt.date(2026, 1, 5)
NOW = dt.datetime(2026, 1, 5, 9, 30)


@pytest.fixture(scope="module")
def demo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("demo") / "SYC_Gestion.xlsm"
    subprocess.run([sys.executable, "-m", "pyxl.cli", "init", "--demo", "--book", str(path)], check=True,
                   capture_output=True)
    return path.read_bytes()


@pytest.fixture
def book(tmp_path: Path, demo_bytes: bytes) -> Path:
    path = tmp_path / "SYC_Gestion.xlsm"
    path.write_bytes(demo_bytes)
    return path


def act(store: Any, service: Callable[[Any], Result], day: dt.date = DAY) -> dict[str, Any]:
    """What `syc` does for a writing command: closures of past days, then the change set."""
    with store.session():
        result = service(store)
        closures.pending(store, result.changes, day, NOW)
        store.apply(result.changes, as_of=day, now=NOW)
    return result.data


def chain(store: Any) -> None:
    """A quote to a paid invoice, with a deposit, through the services."""
    given = quotes.QuoteInput(client="C00002", lines=["MO-H:10", "DEP:1"], nature="depannage")
    q = act(store, lambda s: quotes.create_quote(s, given, DAY))["numero"]
    act(store, lambda s: quotes.accept_quote(s, q, DAY))
    o = act(store, lambda s: orders.create_order(s, q, DAY))["numero"]
    dep = act(store, lambda s: invoices.create_deposit(s, o, "30", DAY))["reference"]
    act(store, lambda s: invoices.issue(s, dep, DAY))
    act(store, lambda s: orders.complete_order(s, o, DAY, DAY))
    final = act(store, lambda s: invoices.create_invoice(s, o, DAY))["reference"]
    number = act(store, lambda s: invoices.issue(s, final, DAY))["numero"]
    act(store, lambda s: payments.record_payment(s, number, "100,00", "virement", DAY))


def snapshot(store: Any) -> dict[str, list[dict[str, Any]]]:
    return {t.name: [dict(r.values) for r in store.rows(t.name)] for t in store.schema.tables}


def test_every_store_offers_the_interface(book: Path) -> None:
    assert isinstance(FileStore(book), Store)
    assert isinstance(MemoryStore(), Store)
    members = [m for m in dir(Store) if not m.startswith("_")]
    assert {"rows", "rows_where", "apply", "session", "verify"} <= set(members)
    missing = [m for m in members if m not in {"schema", "path"} and not callable(getattr(ExcelStore, m, None))]
    assert missing == []


def test_the_same_services_give_the_same_rows_and_fingerprints_in_memory_and_in_the_file(book: Path) -> None:
    mem = MemoryStore.copy_of(FileStore(book))
    chain(FileStore(book))
    chain(mem)
    file_rows = snapshot(FileStore(book))
    mem_rows = snapshot(mem)
    for name in file_rows:
        assert mem_rows[name] == file_rows[name], name
    journal = FileStore(book).journal()
    assert [(e.ref, e.doc_hash, e.hash) for e in mem.journal()] == [(e.ref, e.doc_hash, e.hash) for e in journal]
    assert len(journal) >= 3  # deposit, invoice, payment (and the closures of the day before)
    assert FileStore(book).verify() == []
    assert mem.verify() == []
    assert mem.read_anchor() == (journal[-1].seq, journal[-1].hash)


@pytest.mark.parametrize("kind", ["file", "memory", "base"])
def test_an_issued_row_cannot_be_rewritten_in_any_store(book: Path, kind: str, base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes) if kind == "base" else None
    store: Any = (FileStore(book) if kind == "file" else db.store() if db else MemoryStore.copy_of(FileStore(book)))
    chain(store)
    if kind == "file":
        store = FileStore(book)
    issued = next(r for r in store.rows("tFactures") if r["number"])
    changes = ChangeSet()
    changes.update("tFactures", issued, {"total_ttc": issued["total_ttc"] + 1})
    before = db.state() if db else book.read_bytes()
    with pytest.raises(Refused) as exc:
        store.apply(changes, as_of=DAY, now=NOW)
    assert exc.value.issues[0].code == "audit.immutable"
    assert "Établissez un avoir" in exc.value.issues[0].message
    assert (db.state() if db else book.read_bytes()) == before


@pytest.mark.parametrize("kind", ["file", "memory", "base"])
def test_a_change_based_on_a_row_changed_meanwhile_is_refused_and_nothing_is_written(
        book: Path, kind: str, base: Any, demo_bytes: bytes) -> None:
    """Two people on the same client: the second change was computed from the row before the
    first one was written. It is refused, naming the row (and, where the store knows, who changed
    it and when), and nothing is written."""
    db = base(demo_bytes) if kind == "base" else None
    first: Any = (FileStore(book) if kind == "file" else db.store("syc_gestion") if db
                  else MemoryStore.copy_of(FileStore(book), user="assistante"))
    second: Any = FileStore(book) if kind == "file" else db.store() if db else first
    client = next(r for r in second.rows("tClients") if r["code"] == "C00001")  # read by the second person
    one = ChangeSet()
    one.update("tClients", next(r for r in first.rows("tClients") if r["code"] == "C00001"), {"phone": "0478000001"})
    first.apply(one, as_of=DAY, now=NOW)
    stale = ChangeSet()
    stale.update("tClients", client, {"email": "j.dupont.nouveau@example.org"})
    before = db.state() if db else book.read_bytes()
    with pytest.raises(Refused) as exc:
        second.apply(stale, as_of=DAY, now=NOW)
    issue = exc.value.issues[0]
    assert issue.code == "store.stale"
    assert issue.message.startswith(f"Clients, ligne {client.row} : la ligne a été modifiée")
    assert "Relancez l'action" in issue.message
    if kind == "base":
        assert "par syc_gestion, le " in issue.message  # the database stamped who wrote the row, and when
        assert db.state() == before
    elif kind == "memory":
        assert "par assistante" in issue.message  # the memory store knows who wrote the row
        assert next(r for r in first.rows("tClients") if r["code"] == "C00001")["email"] != "j.dupont.nouveau@example.org"
    else:
        assert book.read_bytes() == before
    # read again, the same change goes through
    fresh = next(r for r in second.rows("tClients") if r["code"] == "C00001")
    again = ChangeSet()
    again.update("tClients", fresh, {"email": "j.dupont.nouveau@example.org"})
    second.apply(again, as_of=DAY, now=NOW)
    assert next(r for r in second.rows("tClients") if r["code"] == "C00001")["email"] == "j.dupont.nouveau@example.org"


def test_the_same_services_give_the_same_rows_and_fingerprints_in_the_file_and_in_the_base(
        book: Path, base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    chain(FileStore(book))
    chain(db.store())
    file_rows = snapshot(FileStore(book))
    base_rows = snapshot(db.store("syc_directrice"))
    for name in file_rows:
        assert base_rows[name] == file_rows[name], name
    journal = FileStore(book).journal()
    in_base = db.store().journal()
    assert [(e.ref, e.doc_hash, e.hash) for e in in_base] == [(e.ref, e.doc_hash, e.hash) for e in journal]
    assert len(journal) >= 3
    assert db.store().verify() == []
    assert db.store().read_anchor() == FileStore(book).read_anchor()
    # the database stamped the writer's login on the rows it wrote
    assert {r.writer.split(",")[0] for r in db.store().rows("tFactures")} == {"syc_assistante"}


def test_a_row_version_follows_its_content(book: Path) -> None:
    store = FileStore(book)
    a = store.rows("tClients")[0]
    b = FileStore(book).rows("tClients")[0]
    assert a.version == b.version
    mem = MemoryStore.copy_of(store)
    before = mem.rows("tClients")[0].version
    changes = ChangeSet()
    changes.update("tClients", mem.rows("tClients")[0], {"phone": "0478000002"})
    mem.apply(changes, as_of=DAY, now=NOW)
    assert mem.rows("tClients")[0].version != before


def test_a_rows_version_does_not_depend_on_the_reader(book: Path) -> None:
    """calamine hands a date cell over as a date, the byte search as its serial number: the same
    row read both ways has the same version (a spurious « store.stale » otherwise)."""
    store = FileStore(book)
    table = store.schema.table("tClients")
    loc, cols = store._columns(table)
    by_bytes = store.rows_at("tClients", {2})[2]
    grid = store._grid(loc)
    c1, _r1, c2, _r2 = loc.ref
    by_calamine = store._typed(table, loc, cols, [(2, grid[1][c1 - 1:c2])])[0]
    assert by_bytes["created"] == by_calamine["created"] is not None
    assert by_bytes.version == by_calamine.version
