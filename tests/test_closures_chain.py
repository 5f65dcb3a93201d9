"""Where the chain is re-checked when closures are made: since the previous closure every day, the
whole journal at each monthly closure (and by `syc verifier` at any time)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from pyxl.core.issues import Refused
from pyxl.services import closures, invoices, orders, payments, quotes
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.memstore import MemoryStore
from pyxl.workbook.store import ChangeSet


def act(store: MemoryStore, day: dt.date, service: object) -> dict:
    now = dt.datetime.combine(day, dt.time(9, 0))
    with store.session():
        res = service(store)  # type: ignore[operator]
        closures.pending(store, res.changes, day, now)
        store.apply(res.changes, as_of=day, now=now)
    return dict(res.data)


def close(store: MemoryStore, day: dt.date) -> list[dict]:
    changes = ChangeSet()
    now = dt.datetime.combine(day, dt.time(8, 0))
    with store.session():
        made = closures.pending(store, changes, day, now)
        store.apply(changes, as_of=day, now=now)
    return made


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    book = tmp_path / "SYC_Gestion.xlsm"
    subprocess.run([sys.executable, "-m", "pyxl.cli", "init", "--demo", "--book", str(book)], check=True,
                   capture_output=True)
    mem = MemoryStore.copy_of(FileStore(book))
    day = dt.date(2026, 1, 5)
    given = quotes.QuoteInput(client="C00002", lines=["MO-H:2"], nature="depannage")
    q = act(mem, day, lambda s: quotes.create_quote(s, given, day))["numero"]
    act(mem, day, lambda s: quotes.accept_quote(s, q, day))
    o = act(mem, day, lambda s: orders.create_order(s, q, day))["numero"]
    act(mem, day, lambda s: orders.complete_order(s, o, day, day))
    draft = act(mem, day, lambda s: invoices.create_invoice(s, o, day))["reference"]
    number = act(mem, day, lambda s: invoices.issue(s, draft, day))["numero"]
    d = day
    while d < dt.date(2026, 3, 20):  # ten weeks of days closed: the invoice's row is far back in the journal
        d += dt.timedelta(days=1)
        close(mem, d)
    act(mem, dt.date(2026, 3, 20), lambda s: payments.record_payment(s, number, "10,00", "virement",
                                                                     dt.date(2026, 3, 20)))
    return mem


def tamper_first_row(store: MemoryStore) -> None:
    """What an edit of an old journal row in the sheet amounts to (older than the rows every
    issue re-checks)."""
    assert len(store._tables["tJournalAudit"]) > 60
    store._tables["tJournalAudit"][0]["doc_hash"] = "0" * 64
    store._forget("tJournalAudit")


def test_an_old_edit_is_caught_by_the_monthly_closure_and_by_the_verifier(store: MemoryStore) -> None:
    tamper_first_row(store)
    assert [i.code for i in store.verify()][:1] == ["audit.entry"]
    # the daily closures check the journal since the previous closure: the old row is not read
    assert [r["ref"] for r in close(store, dt.date(2026, 3, 25))][-1] == "J2026-03-24"
    # the first action of April makes March's monthly closure: the whole journal is re-checked
    with pytest.raises(Refused) as exc:
        close(store, dt.date(2026, 4, 2))
    assert exc.value.issues[-1].code == "cloture.journal"


def test_an_edit_since_the_last_closure_stops_the_next_daily_closure(store: MemoryStore) -> None:
    rows = store._tables["tJournalAudit"]
    last_closure = max(i for i, r in enumerate(rows) if r["table"] == "tClotures")
    assert last_closure < len(rows) - 1  # the payment came after it
    rows[-1]["doc_hash"] = "0" * 64
    store._forget("tJournalAudit")
    with pytest.raises(Refused) as exc:
        close(store, dt.date(2026, 3, 25))
    assert exc.value.issues[-1].code == "cloture.journal"
