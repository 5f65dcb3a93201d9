"""The store interface the services depend on: rows of a table, rows by key, a change set applied
atomically, a lock — and nothing about sheets, cells or zip parts.

Three stores implement it: the `FileStore` (the workbook file, at zip level), the `ExcelStore`
(the workbook open in Excel, through xlwings) and the `MemoryStore` (tests, the generator). They
share the audit guard (`pyxl.workbook.guard`): the same refusals and the same fingerprints
whichever store writes.

Every row carries a version (and its last writer where the store knows it). A change set records
the version of each row it updates (`ChangeSet.update(table, row, …)` with the `Row` read); the
store refuses the change set if one of those rows changed meanwhile (« store.stale »).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pyxl.core import audit
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.workbook.schema import Schema


def transient(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """A row's values to be read once: a store whose rows keep what they convert (the workbook's
    lazy rows) gives a view that does not; any other mapping is itself."""
    view = getattr(values, "transient", None)
    return view() if view is not None else values


def pick(values: Mapping[str, Any], keys: Sequence[str]) -> list[Any]:
    """`[values.get(k) for k in keys]`, read once: the workbook's lazy rows convert these cells
    without keeping them (`LazyValues.pick`); any other mapping is read as it is."""
    fast = getattr(values, "pick", None)
    return fast(keys) if fast is not None else [values.get(k) for k in keys]


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a table: typed values by column key, and where it is (sheet row).

    `version` identifies the row's content as read: the store's own counter where it keeps one,
    else a fingerprint of its stored values. `writer` is who last wrote it, where the store knows."""

    values: Mapping[str, Any]
    row: int  # row number (the sheet row in a workbook), for messages and updates
    sheet: str
    stored_version: str | None = field(default=None, compare=False)
    writer: str | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        return f"{self.sheet}, ligne {self.row}"

    @property
    def version(self) -> str:
        """The store's own version, else a fingerprint of the row's typed values (the same whichever
        reader typed them: a byte search and calamine hand dates over differently, not their values)."""
        if self.stored_version is not None:
            return self.stored_version
        typed = [(k, self.values.get(k)) for k in sorted(self.values)]
        return hashlib.blake2b(repr(typed).encode("utf-8"), digest_size=8).hexdigest()

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass(frozen=True)
class LegalFile:
    """A legal file an action writes once committed (a closure file), or a document just written:
    a store that keeps their SHA-256 (the PostgresStore, in its base-only table) records it with
    the action, so `syc base verifier` names the file if it is later missing or altered."""

    path: str  # relative to the folder of the store's `path` (the shared folder), « / » separators
    kind: str  # « facture », « avoir », « cloture », « ancre »…
    number: str
    sha256: str
    size: int

    @classmethod
    def of(cls, root: Path, path: Path, kind: str, number: str, data: bytes) -> LegalFile:
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:  # a documents folder outside the shared folder: its full path
            rel = str(path.resolve())
        return cls(rel, kind, number, hashlib.sha256(data).hexdigest(), len(data))


@dataclass
class ChangeSet:
    """What an action writes. Nothing is written until the store applies it whole."""

    appends: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    issued: list[tuple[str, str, str]] = field(default_factory=list)  # (table, ref, action label)
    # (table, row number) → the version of the row the service read (checked before writing)
    read_versions: dict[tuple[str, int], str] = field(default_factory=dict)
    files: list[LegalFile] = field(default_factory=list)  # written after the commit, recorded with it

    def append(self, table: str, row: Mapping[str, Any]) -> None:
        self.appends.setdefault(table, []).append(dict(row))

    def update(self, table: str, row: int | Row, values: Mapping[str, Any]) -> None:
        """Change columns of a row. Given the `Row` read (preferred), the store checks it is still
        the same when it writes; given a bare row number, the caller vouches for it."""
        if isinstance(row, Row):
            self.read_versions.setdefault((table, row.row), row.version)
            row = row.row
        self.updates.setdefault(table, []).append((row, dict(values)))

    def issue(self, table: str, ref: str, action: str) -> None:
        """Record an issuing action: the store fingerprints the document into the audit chain."""
        self.issued.append((table, ref, action))

    def extend(self, other: ChangeSet) -> None:
        """Add another action's changes to this one (written together, or not at all)."""
        for table, rows in other.appends.items():
            self.appends.setdefault(table, []).extend(rows)
        for table, ups in other.updates.items():
            self.updates.setdefault(table, []).extend(ups)
        self.issued.extend(other.issued)
        for k, v in other.read_versions.items():
            self.read_versions.setdefault(k, v)
        self.files.extend(other.files)

    @property
    def empty(self) -> bool:
        return not (self.appends or self.updates or self.issued)


@runtime_checkable
class Store(Protocol):
    """What services may ask of a store. Rows are typed (`Decimal`, `date`…), never cells."""

    schema: Schema
    # where the store's legal files live (closure copies, the audit anchor, backups, documents):
    # the workbook's own path, whose folder holds them
    path: Path

    def rows(self, name: str) -> list[Row]: ...

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Row]: ...

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]: ...

    def tail(self, name: str, n: int = 1) -> list[Row]: ...

    def prefetch(self, names: Sequence[str]) -> None: ...

    def release(self, name: str) -> None:
        """A hint: the table will not be read again in this session (its memory may be freed)."""
        ...

    def parameters(self) -> dict[str, str]: ...

    def journal(self) -> list[audit.Entry]: ...

    def journal_for(self, refs: set[str]) -> list[audit.Entry]: ...

    def recent_journal(self) -> list[audit.Entry]: ...

    def journal_tail(self, n: int = 1) -> list[audit.Entry]: ...

    def check_issued(self, name: str, rows: Sequence[Row], journal: Sequence[audit.Entry],
                     consequence: str) -> None: ...

    def verify(self) -> list[Issue]: ...

    def session(self) -> AbstractContextManager[Any]: ...

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None) -> None: ...


def stale_rows(store: Store, changes: ChangeSet) -> list[Issue]:
    """The rows a change set read that changed since (call with the store's lock held)."""
    by_table: dict[str, dict[int, str]] = {}
    for (table, num), version in changes.read_versions.items():
        by_table.setdefault(table, {})[num] = version
    issues = []
    for table, wanted in by_table.items():
        current = store.rows_at(table, set(wanted))
        for num, version in sorted(wanted.items()):
            now = current.get(num)
            if now is not None and now.version == version:
                continue
            sheet = store.schema.table(table).sheet
            who = f" par {now.writer}" if now is not None and now.writer else ""
            issues.append(Issue(
                "store.stale",
                f"{sheet}, ligne {num} : la ligne a été modifiée{who} depuis qu'elle a été lue ; rien n'a été "
                "enregistré. Relancez l'action sur la ligne à jour.", f"{sheet}, ligne {num}"))
    return issues


def refuse_stale(store: Store, changes: ChangeSet) -> None:
    issues = stale_rows(store, changes)
    if issues:
        raise Refused(issues)


def parameters_of(rows: Sequence[Row]) -> dict[str, str]:
    """Paramètres as text by code (a date as « 05/12/2026 », as typed in the sheet)."""
    out = {}
    for r in rows:
        v = r["value"]
        out[str(r["code"])] = "" if v is None else date_fr(v) if isinstance(v, dt.date) else str(v)
    return out


def entries_of(rows: Sequence[Row]) -> list[audit.Entry]:
    """Journal d'audit rows as audit entries."""
    return [audit.Entry(
        seq=int(r["seq"] or 0), timestamp=str(r["timestamp"] or ""), as_of=r["as_of"] or None,
        action=str(r["action"] or ""), table=str(r["table"] or ""), ref=str(r["ref"] or ""),
        doc_hash=str(r["doc_hash"] or ""), prev_hash=str(r["prev_hash"] or ""),
        hash=str(r["hash"] or ""), where=r.where, spec=int(r.get("spec") or audit.FIRST_SPEC),
    ) for r in rows]
