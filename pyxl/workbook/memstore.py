"""MemoryStore: the store interface over tables held in memory.

For tests that exercise the services without a file, and for generating data in bulk before
writing a workbook once. The same audit guard as the workbook stores checks every change set, so a
document issued here has the fingerprint it would have in a workbook. Row numbers start at 2, as
under a header row in a sheet; each row keeps a version counter and its last writer.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pyxl.core import audit
from pyxl.core.issues import Issue, Refused
from pyxl.workbook.guard import JOURNAL_CHECKED, AuditGuard
from pyxl.workbook.schema import SCHEMA, Schema
from pyxl.workbook.store import ChangeSet, Row, entries_of, parameters_of

FIRST_ROW = 2  # the first data row, under the header


class MemoryStore:
    def __init__(self, schema: Schema = SCHEMA, path: str | Path = "memoire.xlsm", user: str | None = None):
        self.schema = schema
        self.path = Path(path)
        self.user = user
        self.guard = AuditGuard(self)
        self._tables: dict[str, list[dict[str, Any]]] = {t.name: [] for t in schema.tables}
        self._versions: dict[tuple[str, int], tuple[int, str | None]] = {}
        self._anchor: tuple[int, str] | None = None
        self._lock = threading.RLock()
        # read caches, dropped for a table when it is written: its rows, and its rows by key value
        self._rows: dict[str, list[Row]] = {}
        self._index: dict[tuple[str, str], dict[str, list[Row]]] = {}

    @classmethod
    def copy_of(cls, store: Any, user: str | None = None) -> MemoryStore:
        """Every table of another store, as it reads them."""
        mem = cls(store.schema, store.path, user)
        for t in store.schema.tables:
            mem.load(t.name, [r.values for r in store.rows(t.name)])
        mem._anchor = store.read_anchor()
        return mem

    def table_values(self, name: str) -> list[dict[str, Any]]:
        """A table's rows as plain dicts (what would be written to a workbook)."""
        return [dict(r) for r in self._tables[name]]

    # ---- reading
    def version(self) -> int:
        return self.schema.version

    def check_version(self) -> None:
        return None

    def _row(self, name: str, i: int) -> Row:
        num = FIRST_ROW + i
        version, writer = self._versions.get((name, num), (0, None))
        return Row(MappingProxyType(dict(self._tables[name][i])), num, self.schema.table(name).sheet,
                   stored_version=str(version), writer=writer)

    def rows(self, name: str) -> list[Row]:
        if name not in self._rows:
            self.schema.table(name)
            self._rows[name] = [self._row(name, i) for i in range(len(self._tables[name]))]
        return self._rows[name]

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Row]:
        index = self._index.get((name, key))
        if index is None:
            index = self._index[(name, key)] = {}
            for r in self.rows(name):
                index.setdefault(str(r.get(key) or ""), []).append(r)
        found = [r for v in values for r in index.get(v, ())]
        return sorted(found, key=lambda r: r.row) if len(values) > 1 else found

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]:
        rows = self.rows(name)
        return {num: rows[num - FIRST_ROW] for num in nums if 0 <= num - FIRST_ROW < len(rows)}

    def tail(self, name: str, n: int = 1) -> list[Row]:
        return self.rows(name)[-n:] if n > 0 else []

    def prefetch(self, names: Sequence[str]) -> None:
        return None

    def release(self, name: str) -> None:
        self._forget(name)

    def parameters(self) -> dict[str, str]:
        return parameters_of(self.rows("tParametres"))

    def check_table(self, name: str) -> list[Issue]:
        return []  # values are typed when written: nothing can be unreadable

    def journal(self) -> list[audit.Entry]:
        return entries_of(self.rows("tJournalAudit"))

    def journal_for(self, refs: set[str]) -> list[audit.Entry]:
        refs = {r for r in refs if r}
        return entries_of(self.rows_where("tJournalAudit", "ref", refs)) if refs else []

    def journal_tail(self, n: int = 1) -> list[audit.Entry]:
        return entries_of(self.tail("tJournalAudit", n))

    def recent_journal(self) -> list[audit.Entry]:
        return self.journal_tail(JOURNAL_CHECKED)

    def read_anchor(self) -> tuple[int, str] | None:
        return self._anchor

    def check_issued(self, name: str, rows: Sequence[Row], journal: Sequence[audit.Entry], consequence: str) -> None:
        self.guard.check_issued(name, rows, journal, consequence)

    def verify(self) -> list[Issue]:
        return self.guard.verify()

    # ---- writing
    @contextmanager
    def session(self) -> Iterator[MemoryStore]:
        with self._lock:
            yield self

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None) -> None:
        """Apply a change set whole, or raise Refused changing nothing."""
        if changes.empty:
            return
        with self.session():
            planned = self.guard.plan(changes, as_of, now or dt.datetime.now())
            for name, ups in planned.updates.items():
                sheet = self.schema.table(name).sheet
                for num, _values in ups:
                    if not 0 <= num - FIRST_ROW < len(self._tables[name]):
                        raise Refused(Issue("store.row", f"{sheet}, ligne {num} : hors de la table.", sheet))
            for name, ups in planned.updates.items():
                for num, values in ups:
                    self._tables[name][num - FIRST_ROW].update(values)
                    self._touch(name, num)
            for name, new_rows in planned.appends.items():
                table = self.schema.table(name)
                for values in new_rows:
                    self._tables[name].append({c.key: values.get(c.key) for c in table.columns})
                    self._touch(name, FIRST_ROW + len(self._tables[name]) - 1)
            tail = self.guard.new_tail
            if tail is not None:
                self._anchor = (tail.seq, tail.hash)
                self.guard.new_tail = None

    def _touch(self, name: str, num: int) -> None:
        version, _writer = self._versions.get((name, num), (0, None))
        self._versions[(name, num)] = (version + 1, self.user)
        self._forget(name)

    def _forget(self, name: str) -> None:
        self._rows.pop(name, None)
        for k in [k for k in self._index if k[0] == name]:
            del self._index[k]

    def load(self, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Put rows into a table as they are (seeding a new store; no audit)."""
        table = self.schema.table(name)
        self._tables[name].extend({c.key: r.get(c.key) for c in table.columns} for r in rows)
        self._forget(name)
