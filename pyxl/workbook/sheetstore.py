"""What the two workbook stores share: a table's rows typed from its cells, found by key, by row
number or from its end; the journal and the parameters; the audit guard; the session and the
write template. The `FileStore` reads cells from the zip parts, the `ExcelStore` from Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyxl.core import audit
from pyxl.core.issues import Issue, Refused
from pyxl.workbook import commit
from pyxl.workbook.cells import LazyValues, bad_cell, converter, normaliser
from pyxl.workbook.guard import JOURNAL_CHECKED, AuditGuard
from pyxl.workbook.schema import SCHEMA, Column, Kind, Schema, Table
from pyxl.workbook.store import ChangeSet, Row, entries_of, parameters_of

TEXT_KINDS = (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP)  # their cells always read as text


class SheetStore:
    """A store whose tables are Excel tables: subclasses say how to find a table (`_columns`) and
    read its cells (`_raw_rows`), and how to write a planned change set (`_write`)."""

    date1904 = False

    def __init__(self, path: str | Path, schema: Schema = SCHEMA):
        self.path = Path(path)
        self.schema = schema
        self.guard = AuditGuard(self)
        self._cache: dict[str, list[Row]] = {}
        self._session = False
        self._recent: list[audit.Entry] | None = None
        self._found: dict[tuple[str, str, frozenset[str]], list[Row]] = {}  # rows_where() answers
        self._journal: list[audit.Entry] | None = None  # the whole journal, once read

    def close(self) -> None:
        self._journal = None
        self._cache.clear()
        self._recent = None
        self._found.clear()

    # ---- what each store says
    def version(self) -> int:
        raise NotImplementedError

    def is_syc_book(self) -> bool:
        raise NotImplementedError

    def _columns(self, table: Table) -> tuple[Any, list[Column | None]]:
        """The table's location and, for each of its columns in the workbook, the schema column."""
        raise NotImplementedError

    def _raw_rows(self, loc: Any, key_index: int | None, keys: set[str] | None) -> list[tuple[int, list[Any]]]:
        """(row number, cells of the table's columns) of the data rows, all or those whose key is in `keys`."""
        raise NotImplementedError

    def prefetch(self, names: Sequence[str]) -> None:
        return None

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]:
        return {r.row: r for r in self.rows(name) if r.row in nums}

    def tail(self, name: str, n: int = 1) -> list[Row]:
        return self.rows(name)[-n:]

    def raw_table(self, name: str) -> tuple[list[Column | None], list[tuple[int, list[Any]]]]:
        """A whole table as stored, untyped: for each column its schema column (None for a user's
        own), and (row number, cells) per row. For bulk readers (the reports), which convert columns
        themselves; `date1904` says how to read date serials."""
        loc, cols = self._columns(self.schema.table(name))
        return cols, self._raw_rows(loc, None, None)

    def read_anchor(self) -> tuple[int, str] | None:
        return commit.read_anchor(self.path)

    # ---- reading
    def _not_syc(self) -> Issue:
        return Issue(
            "store.notsyc",
            f"« {self.path.name} » n'est pas un classeur SYC Gestion (il n'a pas été créé par "
            "« syc init »). Vérifiez --book ou créez un classeur avec « syc init ».",
            self.path.name,
        )

    def check_version(self) -> None:
        if not self.is_syc_book():
            raise Refused(self._not_syc())
        v = self.version()
        if v < self.schema.version:
            raise Refused(Issue(
                "store.old",
                f"Ce classeur est à la version {v} du schéma, SYC Gestion attend la version "
                f"{self.schema.version}. Lancez « syc migrer » (une sauvegarde est faite avant).",
                self.path.name,
            ))
        if v > self.schema.version:
            raise Refused(Issue(
                "store.new",
                f"Ce classeur (schéma version {v}) vient d'une version plus récente de SYC Gestion. "
                "Mettez SYC Gestion à jour avant de l'utiliser.",
                self.path.name,
            ))

    def _table_missing(self, table: Table) -> Refused:
        """A table the workbook lacks: not a SYC workbook at all, or one to migrate or restore."""
        if not self.is_syc_book():
            return Refused(self._not_syc())
        return Refused(Issue(
            "store.table",
            f"La table {table.name} (feuille « {table.sheet} ») est absente du classeur. "
            "Lancez « syc migrer » ou restaurez une sauvegarde.",
            table.sheet,
        ))


    def rows(self, name: str) -> list[Row]:
        """All non-blank data rows of a table, typed. Refuses, naming the cells, on bad values."""
        if name not in self._cache:
            self._cache[name] = self._typed_rows(name)
        return self._cache[name]

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Row]:
        """The rows whose `key` column is one of `values`, typing only those (the lines of a few
        documents among ten years of lines)."""
        if not values:  # nothing asked: nothing to read (not the whole sheet)
            return []
        if name in self._cache:
            return [r for r in self._cache[name] if str(r.get(key) or "") in values]
        memo = (name, key, frozenset(values))
        if memo not in self._found:
            self._found[memo] = self._typed_rows(name, (key, values))
        return self._found[memo]

    def _typed_rows(self, name: str, where: tuple[str, set[str]] | None = None) -> list[Row]:
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        key_index = None
        if where is not None:
            key_index = next(i for i, col in enumerate(cols) if col is not None and col.key == where[0])
        raws = self._raw_rows(loc, key_index, where[1] if where else None)
        return self._typed(table, loc, cols, raws)


    def recent_journal(self) -> list[audit.Entry]:
        """The journal's last JOURNAL_CHECKED rows (read once per session): what issuing checks,
        and where the latest dates of each series are found without reading whole tables."""
        if self._recent is None:
            self._recent = self.journal_tail(JOURNAL_CHECKED)
        return self._recent


    def _typed(self, table: Table, loc: Any, cols: list[Column | None],
               raws: Iterable[tuple[int, list[Any]]]) -> list[Row]:
        """The typed rows of these (row number, cells) of the table, blank rows left out."""
        make = self._row_maker(table, loc, cols)
        return [r for rownum, raw in raws if (r := make(rownum, raw)) is not None]

    def _row_maker(self, table: Table, loc: Any, cols: list[Column | None]) -> Callable[[int, list[Any]], Row | None]:
        """(row number, cells) → the typed row, None for a blank row: the rows one maker types share
        their columns' conversions and plans."""
        date1904 = self.date1904
        columns = {col.key: (i, col, converter(col, date1904), normaliser(col, date1904))
                   for i, col in enumerate(cols) if col is not None}
        absent = [col.key for col in table.columns if col not in cols]
        plans: dict[Any, Any] = {}
        sheet = loc.sheet

        def make(rownum: int, raw: list[Any]) -> Row | None:
            first = raw[0] if raw else None
            if (first is None or first == "") and all(v is None or v == "" for v in raw):
                return None
            return Row(LazyValues(raw, columns, absent, (sheet, rownum), plans), rownum, sheet)
        return make

    def release(self, name: str) -> None:
        """The table will not be read again in this session: forget what was read of it (memory)."""
        self._cache.pop(name, None)
        for k in [k for k in self._found if k[0] == name]:
            del self._found[k]

    def check_table(self, name: str) -> list[Issue]:
        """Every cell of a table that cannot be read, named (rows are otherwise read lazily).

        One pass over the stored cells, column by column, without typing whole rows: only the
        columns whose conversion can fail (numbers, dates) are converted, and nothing is kept."""
        if name in self._cache:
            problems: list[Issue] = []
            for r in self._cache[name]:
                if isinstance(r.values, LazyValues):
                    problems += r.values.problems()
            return problems
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        return self._check_raw(loc, cols, self._raw_rows(loc, None, None))

    def _check_raw(self, loc: Any, cols: list[Column | None], raws: Iterable[tuple[int, list[Any]]]) -> list[Issue]:
        """`check_table` on these (row number, cells) of the table."""
        checked = [(i, col, converter(col, self.date1904), _sound(col, self.date1904)) for i, col in enumerate(cols)
                   if col is not None and col.kind not in TEXT_KINDS]
        problems = []
        for rownum, raw in raws:
            n = len(raw)
            for i, col, convert, sound in checked:
                v = raw[i] if i < n else None
                if v is None or v == "" or sound(v):
                    continue
                try:
                    convert(v)
                except ValueError as exc:
                    problems.append(bad_cell((loc.sheet, rownum), col, exc))
        return problems

    def parameters(self) -> dict[str, str]:
        return parameters_of(self.rows("tParametres"))

    # ---- audit
    def journal(self) -> list[audit.Entry]:
        """The whole audit journal. Read without the lazy rows (tens of thousands of entries, every
        cell needed); a cell that cannot be read is refused, naming it."""
        name = "tJournalAudit"
        if name in self._cache:
            return entries_of(self._cache[name])
        if self._journal is not None:
            return self._journal
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        date1904 = self.date1904
        index = {col.key: (i, col, converter(col, date1904)) for i, col in enumerate(cols) if col is not None}
        order = [index[k] for k in ("seq", "timestamp", "as_of", "action", "table", "ref", "doc_hash",
                                     "prev_hash", "hash")]
        if "spec" in index:  # a schema before version 5 has none
            order.append(index["spec"])
        width = max(i for i, _, _ in order) + 1
        sheet = loc.sheet
        numbers = [order[0], *order[9:]]  # seq, spec: whole numbers
        day_at = order[2]
        texts_at = [order[1], *order[3:9]]  # timestamp, action, table, ref, doc_hash, prev_hash, hash
        out = []
        for rownum, raw in self._raw_rows(loc, None, None):
            if len(raw) < width:
                raw = [*raw, *([None] * (width - len(raw)))]
            # the usual cells (a float number, a date, a text) taken as they are, as `from_cell` reads them
            col = day_at[1]
            try:
                ints = []
                for i, col, convert in numbers:  # noqa: B007 (col names the cell if it cannot be read)
                    v = raw[i]
                    ints.append(int(v) if type(v) is float and v.is_integer() else convert(v))
                i, col, convert = day_at
                v = raw[i]
                day = v if type(v) is dt.date else convert(v)
                texts = []
                for i, col, convert in texts_at:  # noqa: B007 (col names the cell if it cannot be read)
                    v = raw[i]
                    texts.append(v if type(v) is str else convert(v))
            except ValueError as exc:
                raise Refused(bad_cell((sheet, rownum), col, exc)) from None
            if day is None and all(n is None for n in ints) and all(t is None or t == "" for t in texts):
                continue  # a blank row
            stamp, action, tbl, ref, doc_hash, prev_hash, hash_ = (t or "" for t in texts)
            spec = ints[1] if len(ints) > 1 else None
            out.append(audit.Entry(int(ints[0] or 0), stamp, day or None, action, tbl, ref, doc_hash, prev_hash,
                                   hash_, f"{sheet}, ligne {rownum}", int(spec or audit.FIRST_SPEC)))
        self._journal = out
        return out

    def journal_for(self, refs: set[str]) -> list[audit.Entry]:
        """The journal rows of these document references (any table), without reading the whole journal."""
        refs = {r for r in refs if r}
        return entries_of(self.rows_where("tJournalAudit", "ref", refs)) if refs else []

    def journal_tail(self, n: int = 1) -> list[audit.Entry]:
        return entries_of(self.tail("tJournalAudit", n))


    # ---- audit (the shared guard)
    def check_issued(self, name: str, rows: Sequence[Row], journal: Sequence[audit.Entry], consequence: str) -> None:
        """Refuse, naming the row, if one of these issued rows no longer matches its fingerprint in
        the journal (a value typed over in the sheet). `consequence`: what is refused, in French."""
        self.guard.check_issued(name, rows, journal, consequence)

    def verify(self) -> list[Issue]:
        """Everything `syc verifier` checks: the journal chain and every audited document."""
        return self.guard.verify()

    # ---- writing
    @contextmanager
    def session(self) -> Iterator[Any]:
        """Hold the write lock from the first read to the write, so that what a service read
        (row numbers, counters) is still true when its change set is applied."""
        if self._session:
            yield self
            return
        with commit.write_lock(self.path):
            self._enter_session()
            self.close()  # what was read before the lock may be stale
            self._session = True
            try:
                yield self
            finally:
                self._session = False
                self.close()

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None) -> None:
        raise NotImplementedError

    def _enter_session(self) -> None:
        """Checks made once the lock is held, before anything is read."""

    def _plan(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> ChangeSet:
        """The change set checked by the audit guard (rows read still current, values canonical,
        issued rows untouched, the journal extended)."""
        return self.guard.plan(changes, as_of, now)


def _sound(col: Column, date1904: bool) -> Callable[[Any], bool]:
    """Whether a stored cell is of the usual kind whose conversion by `converter` cannot fail (a
    finite float in a number column, a date in a date column, a whole float in an integer column):
    `check_table` converts only the others (ten years of amounts are not converted twice)."""
    if col.kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        return lambda v: type(v) is float and -1e15 < v < 1e15  # the bounds of `converter`'s fast path
    if col.kind is Kind.DATE and not date1904:
        return lambda v: type(v) is dt.date
    if col.kind is Kind.INT:
        return lambda v: type(v) is float and v.is_integer()
    return lambda v: False
