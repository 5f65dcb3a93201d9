"""The workbook open in Excel as a view of the PostgreSQL base (issue 18, base mode).

A workbook is in base mode when its `xlwings.conf` sheet holds `SYC_BASE` (the base's URL,
never a password: libpq reads it from the .pgpass file), written by `syc excel configurer --base`.
Then the macros write through a `ViewStore` (a PostgresStore) and the open workbook is refreshed
from the base through xlwings ranges, with only the rows whose change stamp (`_change`, the
stamps pyxl.pgview uses) is above what the workbook has seen:

  * the marks: per table, the stamp the sheet is complete to, kept in the workbook itself (cell
    E1 of `xlwings.conf`, JSON), so that a workbook closed without saving goes back to marks that
    match its sheets;
  * `refresh(book, store, tables)`: the changed rows of those tables, each written at its row
    number (a row keeps its place: the view was made by `syc base vue`), consecutive rows in one
    range, the table resized when it grows — one new invoice writes a handful of rows;
  * the forms' drop-down lists: the labels of the clients and articles on the hidden « Listes »
    sheet (`pyxl.excel.sheets.LIST_COLUMNS`, one label per table row, at the same row). The tables
    that feed them are refreshed with every refresh, after an action too (only their changed rows:
    nothing when no one changed a client), and the label of each changed row is written there as
    its value — the list is current at once, whatever Excel's calculation mode, even past the
    rows the workbook's label formulas cover;
  * a stale action: a row the action read or the user clicked that the base changed after the
    workbook's mark for its table is refused by the PostgresStore's own stale refusal (the row's
    read version is replaced by the version « seen in the view », which cannot match), with who
    and when from the base.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from pyxl.excel.sheets import LIST_COLUMNS
from pyxl.workbook.pgschema import q
from pyxl.workbook.pgstore import WRITERS_LOCK, PostgresStore
from pyxl.workbook.schema import SCHEMA, Schema
from pyxl.workbook.store import ChangeSet, Row, refuse_stale

BASE_KEY = "SYC_BASE"  # the key of the xlwings.conf sheet holding the base's URL
MARKS_LABEL_CELL = (1, 4)  # D1: a label for whoever opens the sheet
MARKS_CELL = (1, 5)  # E1: {table: stamp} the sheets are complete to
MARKS_LABEL = "Vue de la base : marques d'actualisation (ne pas modifier)"
CONF_ROWS = 20  # the configuration list is read from A1:B20 (one call)
SEEN = "vue"  # the read version of a row changed in the base after the view's mark: never equal to a real one
LIST_FEEDERS = tuple(LIST_COLUMNS)  # the tables whose rows are the forms' drop-down lists (« Listes »)


def _conf_sheet(book: Any) -> Any:
    from pyxl.excel.sheets import CONF_SHEET

    try:
        return book.sheets[CONF_SHEET]
    except Exception:
        return None


def base_url(book: Any) -> str:
    """The base's URL written in the workbook's configuration sheet, or '' (the workbook alone)."""
    sheet = _conf_sheet(book)
    if sheet is None:
        return ""
    try:
        grid = sheet.range((1, 1), (CONF_ROWS, 2)).options(ndim=2).value
    except Exception:
        return ""
    for key, value in grid:
        if key in (None, ""):
            break
        if str(key).strip() == BASE_KEY:
            return str(value or "").strip()
    return ""


def read_marks(book: Any) -> dict[str, int]:
    sheet = _conf_sheet(book)
    if sheet is None:
        return {}
    try:
        raw = sheet.range(MARKS_CELL).value
        return {str(k): int(v) for k, v in json.loads(str(raw)).items()} if raw else {}
    except (ValueError, TypeError, AttributeError):
        return {}


def write_marks(book: Any, marks: dict[str, int]) -> None:
    sheet = _conf_sheet(book)
    if sheet is None:
        return
    sheet.range(MARKS_LABEL_CELL).value = [["'" + MARKS_LABEL, "'" + marks_text(marks)]]


def marks_text(marks: dict[str, int]) -> str:
    return json.dumps(dict(sorted(marks.items())), separators=(",", ":"))


class ViewStore(PostgresStore):
    """The PostgresStore behind the macros of a workbook in base mode: what `runner._run` asks of a
    store (`apply(save=)`, `finish`, `saved`, `row_at`), the view's marks for the stale refusal,
    and the tables each action wrote (to refresh them afterwards)."""

    def __init__(self, url: str, marks: dict[str, int], schema: Schema = SCHEMA):
        super().__init__(url, schema)
        self.marks = marks
        self.seen: set[tuple[str, int]] = set()  # rows the user pointed at (the clicked row)
        self.written_tables: set[str] = set()
        self.saved = False

    def row_at(self, name: str, rownum: int) -> Row | None:
        """The record at the row the user clicked, from the base; refused at once (who and when) if
        the base changed it after the workbook last showed it."""
        row = self.rows_at(name, {rownum}).get(rownum)
        if row is not None:
            self.seen.add((name, rownum))
            check = ChangeSet()
            self._mark_unseen(check, {name: {rownum}})
            refuse_stale(self, check)
        return row

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None,
              save: bool = False) -> None:
        if changes.empty:
            return
        with self.session():
            self.mark_unseen(changes)
            super().apply(changes, as_of=as_of, now=now)

    def _write(self, planned: ChangeSet) -> None:
        super()._write(planned)
        self.written_tables |= {*planned.appends, *planned.updates}

    def finish(self) -> None:
        return None  # the base committed with the session; nothing to save in the workbook

    def mark_unseen(self, changes: ChangeSet) -> None:
        """The rows the user pointed at, changed in the base after the workbook's mark (checked again
        under the writers' lock): their read version becomes « seen in the view », so the store's
        stale refusal names who and when. Rows the service only looked up (a counter, a parameter)
        are not the user's: another writer may have changed them, the lock orders the two."""
        wanted: dict[str, set[int]] = {}
        for table, num in self.seen:
            wanted.setdefault(table, set()).add(num)
        self._mark_unseen(changes, wanted)

    def _mark_unseen(self, changes: ChangeSet, wanted: dict[str, set[int]]) -> None:
        for table, nums in wanted.items():
            mark = self.marks.get(table)
            if mark is None:
                continue  # a table the view never had: nothing the user could have seen
            found = self.conn.execute(f"SELECT _row FROM {q(table)} WHERE _row = ANY(%s) AND _change > %s",
                                      (sorted(nums), mark)).fetchall()
            for (num,) in found:
                changes.read_versions[(table, int(num))] = SEEN


def snapshot(store: PostgresStore, marks: dict[str, int], tables: Iterable[str]) -> tuple[dict[str, list[Any]], int]:
    """({table: [(row number, values)]} changed above each table's mark, the stamp they are
    complete to), read in one transaction under the writers' lock (no later commit has a smaller stamp)."""
    conn = store.conn
    schema = store.schema
    out: dict[str, list[Any]] = {}
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK,))
        stamp = int(conn.execute("SELECT coalesce(max(m), 0) FROM (SELECT max(_change) AS m FROM "
                                 + " UNION ALL SELECT max(_change) FROM ".join(q(t.name) for t in schema.tables)
                                 + ") x").fetchone()[0])
        for name in tables:
            table = schema.table(name)
            cols = ", ".join(q(c.key) for c in table.columns)
            recs = conn.execute(f"SELECT _row, {cols} FROM {q(name)} WHERE _change > %s ORDER BY _row",
                                (marks.get(name, 0),)).fetchall()
            if recs:
                norm = store._columns(name)
                out[name] = [(rec[0], {k: (f(v) if f is not None and v is not None else v)
                                       for (k, f), v in zip(norm, rec[1:], strict=True)}) for rec in recs]
    return out, stamp


def refresh(book: Any, store: PostgresStore, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Write into the open workbook the rows of `tables` (None: all) changed in the base since its
    marks, and those of the tables feeding the forms' lists, with their labels on « Listes »;
    {table: rows written}. The marks of those tables move to the base's current stamp."""
    from pyxl.workbook.excelstore import ExcelStore

    schema = store.schema
    have = {t.name for t in schema.tables}
    names = [t.name for t in schema.tables] if tables is None else [
        n for n in dict.fromkeys([*tables, *(f for f in LIST_FEEDERS if f in have)])]
    marks = read_marks(book)
    changed, stamp = snapshot(store, marks, names)
    written: dict[str, int] = {}
    if changed:
        xl = ExcelStore(book, schema)  # protection of the sheets, as for any write in Excel
        protected: list[str] = []
        try:
            for name, rows in changed.items():
                sheet_name = schema.table(name).sheet
                if sheet_name not in protected and xl._unprotect(sheet_name):
                    protected.append(sheet_name)
                written[name] = _write_rows(book, schema, name, rows)
        finally:
            for sheet_name in protected:
                xl._protect(sheet_name)
        write_labels(book, {n: rows for n, rows in changed.items() if n in LIST_FEEDERS})
    marks.update({n: stamp for n in names})
    write_marks(book, marks)
    if isinstance(store, ViewStore):
        store.marks = dict(marks)  # the action's own rows are now seen
    return written


def _write_rows(book: Any, schema: Schema, name: str, rows: list[tuple[int, dict[str, Any]]]) -> int:
    """The rows at their row numbers: consecutive rows in one range per run of known columns (a
    column the user added keeps its formulas); the table grows to the last row."""
    from pyxl.workbook.cells import schema_columns
    from pyxl.workbook.excelstore import _runs, excel_value

    table = schema.table(name)
    sheet = book.sheets[table.sheet]
    t = sheet.tables[name]
    rng = t.range
    r1, c1 = rng.row, rng.column
    nrows, ncols = rng.shape
    r2, c2 = r1 + nrows - 1, c1 + ncols - 1
    headers = sheet.range((r1, c1), (r1, c2)).options(ndim=2).value[0]
    cols = schema_columns(table, tuple("" if h is None else str(h) for h in headers))
    known = [i for i, c in enumerate(cols) if c is not None]
    blocks: list[list[tuple[int, dict[str, Any]]]] = []
    for num, values in rows:
        if num <= r1:
            continue  # never over the header
        if blocks and num == blocks[-1][-1][0] + 1:
            blocks[-1].append((num, values))
        else:
            blocks.append([(num, values)])
    for block in blocks:
        first, last = block[0][0], block[-1][0]
        for run in _runs(known):
            data = [[excel_value(c, values.get(c.key)) for c in (cols[i] for i in run) if c is not None]
                    for _num, values in block]
            sheet.range((first, c1 + run[0]), (last, c1 + run[-1])).value = data
    top = max((b[-1][0] for b in blocks), default=r2)
    if top > r2:
        t.resize(sheet.range((r1, c1), (top, c2)))
    return sum(len(b) for b in blocks)


def write_labels(book: Any, changed: dict[str, list[tuple[int, dict[str, Any]]]]) -> int:
    """The drop-down labels of the changed client and article rows on « Listes », at their rows
    (consecutive rows in one range); the number of labels written."""
    from pyxl.excel.sheets import LISTS_SHEET, list_label
    from pyxl.workbook.ooxml import col_number

    if not changed:
        return 0
    try:
        sheet = book.sheets[LISTS_SHEET]
    except Exception:
        return 0  # a workbook without the lists (made before them): its forms take codes
    done = 0
    for name, rows in changed.items():
        col = col_number(LIST_COLUMNS[name])
        blocks: list[list[tuple[int, str]]] = []
        for num, values in rows:
            if num < 2:
                continue  # never over the header
            label = "'" + list_label(name, values)  # text as it is (a designation may start with « = »)
            if blocks and num == blocks[-1][-1][0] + 1:
                blocks[-1].append((num, label))
            else:
                blocks.append([(num, label)])
        for block in blocks:
            sheet.range((block[0][0], col), (block[-1][0], col)).value = [[label] for _num, label in block]
            done += len(block)
    return done
