"""ExcelStore: the workbook open in Excel, through xlwings (the macros of the buttons).

Same rules as the FileStore (the same audit guard: every check, the audit chain, the guards on
issued rows and the change-set planning; the same typed reading of a table's cells), different
reads and writes:
  * each table is read whole in one call (`Table.range.value`) and kept for the action;
  * a change set is written in bulk: per table one block for the appended rows, one call per
    updated row (never per cell, never per table row), then the table is resized;
  * sheets protected by the builder are unprotected for the write and protected again;
  * if a write fails halfway, the ranges already written are put back and nothing is saved;
  * after an action that issued a document or recorded money the workbook is saved (`Book.save`),
    a backup of the file as it was on disk being made first, then the audit anchor is written.
The same OS lock as the FileStore serialises writers: two clicks (RunPython is asynchronous on
macOS) or a `syc` command never write at the same time. The number of calls to Excel per action
does not depend on the number of rows (see tests/test_excel_macros.py).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core.issues import Issue, Refused
from pyxl.workbook import backups
from pyxl.workbook.cells import schema_columns, text_of
from pyxl.workbook.commit import write_anchor
from pyxl.workbook.schema import NO, SCHEMA, VERSION_NAME, YES, Column, Kind, Schema, Table
from pyxl.workbook.sheetstore import SheetStore
from pyxl.workbook.store import ChangeSet, Row


@dataclass
class XlTable:
    """A table as read from Excel (the attributes the FileStore's readers use)."""

    name: str
    sheet: str
    ref: tuple[int, int, int, int]  # first column, header row, last column, last row (1-based)
    headers: tuple[str, ...]
    rows: list[list[Any]]  # data rows, as Excel gave them
    totals: bool = False
    header_row: bool = True
    impl: Any = None  # the xlwings Table
    sheet_obj: Any = None  # the xlwings Sheet


@dataclass
class _Undo:
    """What to put back if a write fails halfway."""

    cells: list[tuple[Any, list[list[Any]]]] = field(default_factory=list)  # (range, old values)
    sizes: list[tuple[Any, Any]] = field(default_factory=list)  # (table, old range)


def excel_value(col: Column, value: Any) -> Any:
    """A canonical value as written to Excel. Text always gets Excel's quote prefix, so that
    `=…`, `+33…`, `00123`, `12/05` or `vrai` stay text exactly as typed."""
    if value is None or value == "":
        return None
    k = col.kind
    if k is Kind.BOOL:
        return "'" + (YES if value is True else NO if value is False else str(value))
    if k in (Kind.TEXT, Kind.CHOICE, Kind.TIMESTAMP):
        return "'" + str(value)
    if k in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        num = value if isinstance(value, Decimal) else Decimal(str(value))
        return int(num) if num == num.to_integral_value() and abs(num) < 2**53 else float(num)
    if k is Kind.INT:
        return int(value)
    if k is Kind.DATE:
        d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return dt.datetime(d.year, d.month, d.day)
    return value


class ExcelStore(SheetStore):
    """The workbook open in Excel. xlwings hands dates over as datetimes: the date system does not matter."""

    def __init__(self, book: Any, schema: Schema = SCHEMA):
        fullname = str(book.fullname)
        if "://" in fullname or not Path(fullname).is_file():
            raise Refused(Issue(
                "excel.unsaved",
                "Ce classeur n'est pas (encore) un fichier sur ce poste : enregistrez-le (Fichier → Enregistrer "
                "sous, dans un dossier local, pas OneDrive ni SharePoint) puis cliquez de nouveau.",
                fullname,
            ))
        super().__init__(Path(os.path.realpath(fullname)), schema)
        self.book = book
        self._xl: dict[str, XlTable] = {}
        self._pending: tuple[_Undo, list[str]] | None = None
        self.saved = False

    # ---- reading
    def close(self) -> None:
        super().close()
        self._xl = {}

    def version(self) -> int:
        try:
            raw = str(self.book.names[VERSION_NAME].refers_to).lstrip("=").strip()
        except (KeyError, Exception):  # xlwings raises its own errors for a missing name
            return 0
        return int(float(raw)) if raw.replace(".", "", 1).isdigit() else 0

    def is_syc_book(self) -> bool:
        return self.version() > 0

    def xl_table(self, name: str) -> XlTable:
        """The table read from Excel in one call (4 calls: sheet, table, range, values)."""
        if name in self._xl:
            return self._xl[name]
        table = self.schema.table(name)
        try:
            sheet = self.book.sheets[table.sheet]
            t = sheet.tables[table.name]
        except Exception:
            raise self._table_missing(table) from None
        rng = t.range
        values = rng.options(ndim=2).value
        totals = bool(t.show_totals)  # Excel's « Ligne des totaux » is not a record
        row, col = rng.row, rng.column
        nrows, ncols = rng.shape
        headers = tuple("" if h is None else str(h) for h in (values[0] if values else []))
        body = [list(r) for r in values[1:]]
        if totals and body:
            body = body[:-1]
        xt = XlTable(table.name, table.sheet, (col, row, col + ncols - 1, row + nrows - 1), headers,
                     body, totals=totals, impl=t, sheet_obj=sheet)
        self._xl[name] = xt
        return xt

    def _columns(self, table: Table) -> tuple[Any, list[Column | None]]:
        xt = self.xl_table(table.name)
        return xt, schema_columns(table, xt.headers)

    def _raw_rows(self, loc: Any, key_index: int | None, keys: set[str] | None) -> list[tuple[int, list[Any]]]:
        first = loc.ref[1] + 1
        out = []
        for i, raw in enumerate(loc.rows):
            if key_index is not None and keys is not None:
                k = raw[key_index] if key_index < len(raw) else None
                if text_of(k) not in keys:
                    continue
            out.append((first + i, raw))
        return out

    def row_at(self, name: str, rownum: int) -> Row | None:
        """The record on this sheet row (the row the user selected), or None."""
        return next((r for r in self.rows(name) if r.row == rownum), None)

    # ---- writing
    def _plan(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> ChangeSet:
        planned = super()._plan(changes, as_of, now)
        self._guard_referenced(changes)
        return planned

    def _guard_referenced(self, changes: ChangeSet) -> None:
        """In Excel a protected sheet can still be unprotected and typed over: every issued document
        the action refers to (the invoice a credit note or a payment is for, a deducted deposit…)
        must still match its fingerprint in the audit journal, or the action is refused."""

        values = {ref for _t, ref, _a in changes.issued}
        for rows in changes.appends.values():
            values |= {v for r in rows for v in r.values() if isinstance(v, str) and 0 < len(v) <= 40}
        for ups in changes.updates.values():
            values |= {v for _n, r in ups for v in r.values() if isinstance(v, str) and 0 < len(v) <= 40}
        for table in self.schema.audited:
            spec = table.audit
            assert spec is not None
            found = [r for r in self.rows(table.name) if str(r.get(spec.key) or "") in values]
            if found:
                self.check_issued(table.name, found, self.journal_for({str(r.get(spec.key)) for r in found}),
                                  "action refusée. Fermez le classeur sans l'enregistrer")

    # Excel holds the file (that is us): the session checks nothing more than the lock
    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None,
              save: bool = False) -> None:
        """Write a change set to the open workbook, or raise Refused leaving it as it was.
        When a document was issued (or `save`), `finish()` must then save the workbook: it is left
        to the caller so that Excel's calculation mode is back to automatic before the save (the
        mode is stored in the file)."""
        if changes.empty:
            return
        with self.session():
            self.check_version()
            planned = self._plan(changes, as_of, now or dt.datetime.now())
            undo = _Undo()
            protected: list[str] = []
            try:
                for name in [*dict.fromkeys([*planned.appends, *planned.updates])]:
                    self._write_table(name, planned, undo, protected)
            except Refused:
                self._undo(undo)
                raise
            except Exception as exc:
                self._undo(undo)
                raise Refused(Issue(
                    "excel.write",
                    f"Excel a refusé l'écriture ({type(exc).__name__} : {exc}). Rien n'a été enregistré : "
                    "fermez les boîtes de dialogue ouvertes et quittez le mode édition d'une cellule, puis "
                    "cliquez de nouveau.", self.path.name)) from None
            finally:
                for sheet_name in protected:
                    self._protect(sheet_name)
            if planned.issued or save:
                self._pending = (undo, protected)
            self._forget_written([*planned.appends, *planned.updates, *( ["tJournalAudit"] if planned.issued else [])])

    def _forget_written(self, names: list[str]) -> None:
        """What was read of the tables just written is forgotten; the other tables, unchanged under
        the lock, stay read (the worklists recomputed after the action read them again otherwise)."""
        for name in set(names):
            self.release(name)
            self._xl.pop(name, None)
        self._journal = None
        self._recent = None

    def finish(self) -> None:
        """Save the workbook if the last `apply` must be saved; on failure, put back what it wrote."""
        if self._pending is None:
            return
        undo, protected = self._pending
        self._pending = None
        self._save(undo, protected)

    def _write_table(self, name: str, changes: ChangeSet, undo: _Undo, protected: list[Any]) -> None:
        table = self.schema.table(name)
        xt, cols = self._columns(table)
        sheet = xt.sheet_obj
        if xt.sheet not in protected and self._unprotect(xt.sheet):
            protected.append(xt.sheet)
        c1, r1, c2, r2 = xt.ref
        index = {c.key: i for i, c in enumerate(cols) if c is not None}
        merged: dict[int, dict[str, Any]] = {}
        for rownum, values in changes.updates.get(name, []):
            merged.setdefault(rownum, {}).update(values)  # later wins, as in the FileStore
        last_record = r2 - (1 if xt.totals else 0)
        for rownum, values in merged.items():
            if not (r1 < rownum <= last_record):
                raise Refused(Issue("store.row", f"{xt.sheet}, ligne {rownum} : hors de la table.", xt.sheet))
            current = xt.rows[rownum - r1 - 1]
            idx = sorted(index[k] for k in values if k in index)
            for run in _runs(idx):  # only the changed cells: a formula the user added stays
                rng = sheet.range((rownum, c1 + run[0]), (rownum, c1 + run[-1]))
                undo.cells.append((rng, [[_same(current[i]) if i < len(current) else None for i in run]]))
                rng.value = [[excel_value(col, values[col.key]) for col in (cols[i] for i in run) if col is not None]]
        new_rows = changes.appends.get(name, [])
        if not new_rows:
            return
        if xt.totals:
            raise Refused(Issue(
                "store.totals",
                f"Feuille « {xt.sheet} » : la table {xt.name} a une ligne de total. Retirez-la (Création de "
                "tableau → Ligne des totaux) puis cliquez de nouveau.", xt.sheet))
        # the table's last non-blank row; a table always has one (possibly blank) data row
        last = r1
        for i in range(len(xt.rows) - 1, -1, -1):
            if any(v not in (None, "") for v in xt.rows[i]):
                last = r1 + 1 + i
                break
        start = last + 1
        end = start + len(new_rows) - 1
        if end > r2:  # the rows under the table must be free (one read)
            below = sheet.range((r2 + 1, c1), (end + 1, c2)).options(ndim=2).value
            for k, row in enumerate(below):
                if any(v not in (None, "") for v in row):
                    num = r2 + 1 + k
                    raise Refused(Issue(
                        "store.below",
                        f"Feuille « {xt.sheet} » : des cellules sont remplies sous la table {xt.name} (ligne {num}). "
                        "Déplacez-les pour que la table puisse s'agrandir.", f"{xt.sheet}, ligne {num}"))
        block = [[excel_value(col, values.get(col.key)) if col is not None else None for col in cols]
                 for values in new_rows]
        rng = sheet.range((start, c1), (end, c2))
        undo.cells.append((rng, [[None] * (c2 - c1 + 1) for _ in new_rows]))
        rng.value = block
        if end > r2:
            old = sheet.range((r1, c1), (r2, c2))
            undo.sizes.append((xt.impl, old))
            xt.impl.resize(sheet.range((r1, c1), (end, c2)))

    def _unprotect(self, sheet_name: str) -> bool:
        """Unprotect a sheet for the write; True if it was protected.

        Windows: RunPython waits for Python with the calling VBA sub still running, so Python calls
        the sheet's COM methods rather than another VBA sub (re-entrant `Application.Run`). macOS:
        RunPython has returned, the VBA subs `SycUnprotect` / `SycProtect` do it (appscript has no
        stable equivalent). The harness of the tests takes the second path."""
        if sys.platform == "win32":
            api = self.book.sheets[sheet_name].api
            if not api.ProtectContents:
                return False
            api.Unprotect()
            return True
        return bool(self.book.macro("SycUnprotect")(sheet_name))

    def _protect(self, sheet_name: str) -> None:
        if sys.platform == "win32":
            self.book.sheets[sheet_name].api.Protect(
                DrawingObjects=True, Contents=True, Scenarios=True, AllowFormattingColumns=True,
                AllowFiltering=True)
            return
        self.book.macro("SycProtect")(sheet_name)

    def _undo(self, undo: _Undo) -> None:
        for table, rng in reversed(undo.sizes):
            with suppress(Exception):  # best effort: put back what can be
                table.resize(rng)
        for rng, old in reversed(undo.cells):
            with suppress(Exception):
                rng.value = old

    def _save(self, undo: _Undo, protected: Sequence[str] = ()) -> None:
        try:
            backups.backup(self.path)
            self.book.save()
        except Exception as exc:
            for sheet_name in protected:  # protected again after the write: open them to undo it
                self._unprotect(sheet_name)
            self._undo(undo)
            for sheet_name in protected:
                self._protect(sheet_name)
            self.guard.new_tail = None
            raise Refused(Issue(
                "excel.save",
                f"Le classeur n'a pas pu être enregistré ({type(exc).__name__} : {exc}) ; l'action est annulée. "
                "Vérifiez qu'il n'est pas en lecture seule et qu'il reste de la place sur le disque.",
                self.path.name)) from None
        self.saved = True
        if self.guard.new_tail is not None:
            write_anchor(self.path, self.guard.new_tail)
            self.guard.new_tail = None


def _runs(idx: Sequence[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] → [[1, 2, 3], [7, 8]]: adjacent columns written in one call."""
    out: list[list[int]] = []
    for i in idx:
        if out and i == out[-1][-1] + 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _same(v: Any) -> Any:
    """A value read from Excel, written back unchanged (text keeps being text)."""
    return "'" + v if isinstance(v, str) and v else v


def changes_rows(changes: ChangeSet) -> Mapping[str, int]:
    """How many rows each table gets or changes (for reports)."""
    out: dict[str, int] = {}
    for k, v in changes.appends.items():
        out[k] = out.get(k, 0) + len(v)
    for k, u in changes.updates.items():
        out[k] = out.get(k, 0) + len(u)
    return out
