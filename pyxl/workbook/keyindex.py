"""The key index: which sheet rows of a big table hold a key (an invoice number, a client code…),
kept in a SQLite file beside the workbook, so that a write finds the few rows it needs without
searching ten years of rows (issues 12 and 14).

The index is a cache, never a record: each sheet part's entry is trusted only while the part's
CRC-32 and size in the zip are those it was built for. A file saved by Excel or LibreOffice, a
restored backup, a migration, a crash between the write and the index's update: the part differs,
its entry is ignored and the store searches the sheet as before (`fastread`). `build` makes it
again from a full read of the tables (`syc demo`, `syc verifier`).

What an entry says is a superset: every (column, key text) → row of the part is in it; a row
whose key was since overwritten may still be listed under its old key (the store reads the rows
and keeps those whose key is the one asked for, as a full read would).
"""

from __future__ import annotations

import contextlib
import sqlite3
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# the columns looked up by key in a write (services' rows_where), per table
KEYS: dict[str, tuple[str, ...]] = {
    "tFactures": ("number", "origin", "client", "ref", "order"),
    "tLignesFactures": ("doc", "source"),
    "tReglements": ("id", "invoice", "group", "slip", "client", "cancels"),
    "tClients": ("code",),
    "tCommandes": ("number", "client"),
    "tDevis": ("number", "client"),
    "tLignesDevis": ("quote",),
    "tCreances": ("id", "invoice"),
    "tNotesPenalites": ("number", "client"),
    "tLignesNotes": ("invoice", "note"),
    "tBordereaux": ("number",),
    "tInterventions": ("order", "technician", "contract"),
    "tJournalAudit": ("ref",),
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS parts (part TEXT PRIMARY KEY, tbl TEXT NOT NULL, crc INTEGER NOT NULL,
                                  size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS strings (part TEXT PRIMARY KEY, crc INTEGER NOT NULL, size INTEGER NOT NULL,
                                    count INTEGER NOT NULL, every BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS keys (part TEXT NOT NULL, col TEXT NOT NULL, val TEXT NOT NULL, row INTEGER NOT NULL,
                                 PRIMARY KEY (part, col, val, row)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS plain (part TEXT PRIMARY KEY, crc INTEGER NOT NULL, size INTEGER NOT NULL);
"""
# `plain`: the sheet parts known to hold no array formula (not even the word « array ») for these
# sums: a write then need not scan the whole sheet for array formulas over its rows. Our writes put
# values only, never a formula: a plain part stays plain after them (`extend` carries the entry on).


def index_path(book: Path) -> Path:
    return book.with_name(f".{book.name}.syc-index")


class KeyIndex:
    """The sidecar index of one workbook (opened on first use; absent: every lookup says None)."""

    def __init__(self, book: Path):
        self.path = index_path(book)
        self._db: sqlite3.Connection | None = None
        self._parts: dict[str, tuple[int, int]] | None = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._parts = None

    def _open(self, create: bool = False) -> sqlite3.Connection | None:
        if self._db is None:
            if not create and not self.path.exists():
                return None
            try:
                self._db = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
                # a cache checked against the parts' sums: a transaction lost in a power cut leaves the old
                # sums, which no longer match, never a torn file (WAL); no fsync per write
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
            except sqlite3.Error:
                self.close()
                return None
        return self._db

    def valid(self, part: str, crc: int, size: int) -> bool:
        """Whether the entry of this sheet part was made for these bytes (CRC-32 and size)."""
        if self._parts is None:
            db = self._open()
            if db is None:
                return False
            try:
                self._parts = {p: (c, s) for p, c, s in db.execute("SELECT part, crc, size FROM parts")}
            except sqlite3.Error:
                return False
        return self._parts.get(part) == (crc, size)

    def rows_for(self, part: str, col: str, values: Iterable[str]) -> set[int]:
        """The rows listed under these keys in a column (call `valid` first)."""
        db = self._open()
        assert db is not None
        values = list(values)
        out: set[int] = set()
        for i in range(0, len(values), 500):
            batch = values[i:i + 500]
            marks = ",".join("?" * len(batch))
            out.update(r for (r,) in db.execute(
                f"SELECT row FROM keys WHERE part = ? AND col = ? AND val IN ({marks})", (part, col, *batch)))
        return out

    def replace(self, part: str, table: str, crc: int, size: int, pairs: Iterable[tuple[str, str, int]]) -> None:
        """The whole entry of a part, from a full read: (column, key text, row) pairs."""
        db = self._open(create=True)
        if db is None:
            return
        with db:
            db.execute("DELETE FROM parts WHERE part = ?", (part,))
            db.execute("DELETE FROM keys WHERE part = ?", (part,))
            db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?)",
                           ((part, c, v, r) for c, v, r in pairs if v != ""))
            db.execute("INSERT INTO parts VALUES (?, ?, ?, ?)", (part, table, crc, size))
        self._parts = None

    def extend(self, changes: Mapping[str, tuple[tuple[int, int], tuple[int, int], list[tuple[str, str, int]] | None]]
               ) -> None:
        """After a write: part → ((CRC, size) before, (CRC, size) after, pairs written, or None when they
        could not be read back). An entry made for the bytes before gets the pairs and the new bytes'
        CRC; any other entry of a written part is dropped (it can no longer be trusted)."""
        db = self._open()
        if db is None:
            return
        try:
            with db:
                for part, (before, after, pairs) in changes.items():
                    # values only were written: a part without array formula before has none after
                    db.execute("UPDATE plain SET crc = ?, size = ? WHERE part = ? AND crc = ? AND size = ?",
                               (*after, part, *before))
                    db.execute("DELETE FROM plain WHERE part = ? AND NOT (crc = ? AND size = ?)", (part, *after))
                    row = db.execute("SELECT crc, size FROM parts WHERE part = ?", (part,)).fetchone()
                    if row is None:
                        continue
                    if pairs is None or tuple(row) != before:
                        db.execute("DELETE FROM parts WHERE part = ?", (part,))
                        db.execute("DELETE FROM keys WHERE part = ?", (part,))
                        continue
                    db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?)",
                                   ((part, c, v, r) for c, v, r in pairs if v != ""))
                    db.execute("UPDATE parts SET crc = ?, size = ? WHERE part = ?", (*after, part))
        except sqlite3.Error:
            self.forget()
        self._parts = None

    def plain(self, part: str, crc: int, size: int) -> bool:
        """Whether this sheet part, with these sums, is known to hold no array formula."""
        db = self._open()
        if db is None:
            return False
        try:
            return db.execute("SELECT 1 FROM plain WHERE part = ? AND crc = ? AND size = ?",
                              (part, crc, size)).fetchone() is not None
        except sqlite3.Error:
            return False

    def set_plain(self, part: str, crc: int, size: int, plain: bool) -> None:
        db = self._open(create=True)
        if db is None:
            return
        with contextlib.suppress(sqlite3.Error), db:
            db.execute("DELETE FROM plain WHERE part = ?", (part,))
            if plain:
                db.execute("INSERT INTO plain VALUES (?, ?, ?)", (part, crc, size))

    def strings(self, part: str, crc: int, size: int) -> tuple[int, Sequence[int]] | None:
        """The checkpoints of the shared strings part (see `fastread._SharedStrings`), if made for
        these bytes: our writes never change that part, so they stay true until another program saves."""
        db = self._open()
        if db is None:
            return None
        try:
            row = db.execute("SELECT count, every FROM strings WHERE part = ? AND crc = ? AND size = ?",
                             (part, crc, size)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        every = array("q")
        every.frombytes(row[1])
        return int(row[0]), every

    def set_strings(self, part: str, crc: int, size: int, marks: tuple[int, Sequence[int]] | None) -> None:
        db = self._open(create=True)
        if db is None:
            return
        with db:
            db.execute("DELETE FROM strings")
            if marks is not None:
                db.execute("INSERT INTO strings VALUES (?, ?, ?, ?, ?)",
                           (part, crc, size, marks[0], array("q", marks[1]).tobytes()))

    def forget(self) -> None:
        """Drop the whole index (it is rebuilt by `build`)."""
        self.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


def index_table(index: KeyIndex, store: Any, name: str, loc: Any, columns: Sequence[Any], info: Any) -> None:
    """The entry of one table's sheet part (`info`: its zip entry) from a full read of its rows."""
    from pyxl.workbook.fastread import text_of

    at = [(col.key, i) for i, col in enumerate(columns) if col is not None and col.key in KEYS[name]]
    pairs = [(key, text_of(raw[i]) if i < len(raw) else "", num)
             for num, raw in store._raw_rows(loc, None, None) for key, i in at]
    index.replace(loc.sheet_part, name, info.CRC, info.file_size, pairs)


def index_strings(index: KeyIndex, pkg: Any, *, unless_known: bool = False) -> None:
    """The checkpoints of the package's shared strings (`unless_known`: not made again when the index
    has them for these very bytes)."""
    from pyxl.workbook import fastread

    part = fastread.shared_strings_part(pkg)
    if part is None:
        return
    info = pkg.zip.getinfo(part)
    if unless_known and index.strings(part, info.CRC, info.file_size) is not None:
        return
    index.set_strings(part, info.CRC, info.file_size, fastread._SharedStrings(pkg.read(part)).checkpoints())


def build(store: Any) -> int:
    """Make the index of a FileStore's workbook again from a full read of the indexed tables;
    returns the number of tables indexed."""
    from pyxl.workbook import ooxml

    index = KeyIndex(store.path)
    names = {t.name for t in store.schema.tables}
    done = 0
    for name in KEYS:
        if name not in names:
            continue
        table = store.schema.table(name)
        try:
            loc, columns = store._columns(table)
            info = store.package.zip.getinfo(loc.sheet_part)
        except (KeyError, ooxml.PackageError):
            continue
        index_table(index, store, name, loc, columns, info)
        index.set_plain(loc.sheet_part, info.CRC, info.file_size, b"array" not in store.package.read(loc.sheet_part))
        done += 1
    index_strings(index, store.package)
    index.close()
    return done


def refresh(book: Path, schema: Any = None) -> None:
    """Make the index again after a command that rewrote the sheets whole (a migration, an
    archiving): without it every later write would search the sheets until `syc verifier`. A
    failure only leaves the index out of use, never the command undone."""
    from pyxl.core.issues import Refused
    from pyxl.workbook.filestore import FileStore

    store = FileStore(book) if schema is None else FileStore(book, schema=schema)
    try:
        build(store)
    except (OSError, sqlite3.Error, Refused):
        KeyIndex(book).forget()
    finally:
        store.close()
