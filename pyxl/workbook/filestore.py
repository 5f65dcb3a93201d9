"""FileStore: the workbook file without Excel (Linux, scheduled jobs, CI, the `syc` command).

Reads with python-calamine, or by byte search of the sheet parts (`fastread`) for a few keys.
Writes only the sheet and table XML parts concerned (see `ooxml`), through a temporary file,
fsync and an atomic rename, after a backup in `sauvegardes/` (`commit`). Refuses to write while
Excel or LibreOffice holds the file, and serialises concurrent writers with an OS lock (they
wait, up to a timeout). The audit guard (`guard`) is the one every store shares.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from pyxl.core import audit
from pyxl.core.issues import Issue, Refused
from pyxl.workbook import ahead, commit, fastread, keyindex, ooxml

# compatibility: what callers imported from here before the store was split along its jobs
from pyxl.workbook.cells import (  # noqa: F401
    FIRST_DATE,
    FIRST_DATE_1904,
    LAST_DATE,
    MAX_NUMBER,
    LazyValues,
    canonical,
    from_cell,
    schema_columns,
    share_cells,
    text_of,
    to_cell,
)
from pyxl.workbook.commit import (  # noqa: F401
    LOCK_TIMEOUT_S,
    PAUSE_BEFORE_RENAME,
    anchor_path,
    lock_path,
    office_lock,
    read_anchor,
    refuse_if_open,
    remove_stale_temporaries,
    replace_file,
    write_anchor,
    write_lock,
)
from pyxl.workbook.guard import JOURNAL_CHECKED  # noqa: F401
from pyxl.workbook.schema import SCHEMA, VERSION_NAME, Column, Schema, Table
from pyxl.workbook.sheetstore import SheetStore
from pyxl.workbook.store import ChangeSet, Row

MOVED_TO_BASE = "base_deplacee"  # tParametres code of a workbook moved to a PostgreSQL base (pyxl.pgbase)
SMALL_TABLE = 300  # rows: read by fastread rather than calamine (which first parses all shared strings)
# keys: beyond this many, one byte search per key costs more than parsing the sheet once (the
# migration of schema 6 touches thousands of issued invoices: 131 s of searches for their lines)
MANY_KEYS = 200


class _NoShared:
    """The rows a write reads back hold only the cells it wrote (inline texts and numbers)."""

    def text(self, i: int) -> str:
        raise ooxml.PackageError("chaîne partagée")


_NO_SHARED = _NoShared()


class FileStore(SheetStore):
    def __init__(self, path: str | Path, schema: Schema = SCHEMA):
        # write through a symbolic link, never replace the link by a plain file
        super().__init__(Path(os.path.realpath(path)), schema)
        self._pkg: ooxml.Package | None = None
        self._parser = ahead.Parser(self.path)  # calamine, some sheets parsed ahead (`parse_ahead`)
        self._grids: dict[str, list[list[Any]]] = {}  # parsed sheets, shared by rows() and rows_where()
        self._shared: set[str] = set()  # sheets whose repeated cells are shared once parsed (`parse_ahead`)
        self._at: dict[str, dict[int, Row | None]] = {}  # rows_at() answers, by table and row number
        self.keys = keyindex.KeyIndex(self.path)  # key → rows of the big tables, while the parts match
        # part → (column number of each indexed key, row → keys written): what a write tells the key index
        self._written: dict[str, tuple[dict[str, int], dict[int, set[str]]]] = {}
        if not self.path.exists():
            raise Refused(Issue(
                "store.missing",
                f"Le classeur « {path} » est introuvable. Créez-le avec « syc init --book {path} » "
                "ou indiquez-le avec --book.",
                str(path),
            ))

    # ---- reading
    @property
    def package(self) -> ooxml.Package:
        if self._pkg is None:
            try:
                self._pkg = ooxml.Package(str(self.path))
                fastread.SST_HINTS[self._pkg] = self.keys.strings
            except ooxml.PackageError as exc:
                raise Refused(Issue("store.notbook", str(exc), str(self.path))) from None
        return self._pkg

    @property
    def date1904(self) -> bool:  # type: ignore[override]
        return self.package.date1904

    def close(self) -> None:
        if self._pkg is not None:
            self._pkg.close()
            self._pkg = None
        self._parser.close()
        self._grids.clear()
        self._at.clear()
        self.keys.close()
        super().close()

    def rows(self, name: str) -> list[Row]:
        """All the rows, typed (see `SheetStore.rows`); once a whole table is typed, its parsed sheet
        is dropped: every later read of the table takes the typed rows (`syc verifier` on ten years)."""
        if name in self._cache:
            return self._cache[name]
        out = super().rows(name)
        with suppress(ooxml.PackageError, KeyError):
            self._grids.pop(self.package.table(self.schema.table(name).name).sheet, None)
        return out

    def check_table(self, name: str) -> list[Issue]:
        """As `SheetStore.check_table`; and a table whose key index entry is missing or no longer
        matches its part (the file saved by Excel) gets it again from the sheet just parsed
        (`syc verifier`: once after another program saved the file, nothing otherwise)."""
        problems = super().check_table(name)
        if not problems and name in keyindex.KEYS:
            with suppress(ooxml.PackageError, KeyError, Refused):
                self._index_again(name)
        return problems

    def check_table_once(self, name: str, each: Callable[[Row], None] | None = None) -> list[Issue]:
        """`check_table` for a table read by nothing after (`syc verifier`), which then leaves memory:
        a big sheet is read row by row from the parsed sheet, never held whole as Python lists.
        (A sheet whose key index entry must be made again is parsed whole, see `check_table`.)
        `each` is given every typed row, one at a time, as it goes (it may raise Refused on a cell
        that cannot be read: `check_table` names it, the row is passed)."""
        try:
            table = self.schema.table(name)
            loc, cols = self._columns(table)
            stream = (name not in self._cache and loc.sheet not in self._grids and loc.ref[3] - loc.ref[1] > SMALL_TABLE
                      and (name not in keyindex.KEYS or self._indexed(loc.sheet_part)))
        except (ooxml.PackageError, KeyError, sqlite3.Error):
            stream = False

        def visit(rows: Iterable[Row]) -> None:
            for r in rows:
                with suppress(Refused):
                    each(r)  # type: ignore[misc]

        if not stream:
            problems = self.check_table(name)
            if each is not None:
                visit(self.rows(name))
        else:
            import python_calamine

            c1, r1, c2, r2 = fastread.data_ref(loc)
            make = self._row_maker(table, loc, cols)

            def raws() -> Iterator[tuple[int, list[Any]]]:
                for i, row in self._parser.rows(loc.sheet):
                    if r1 <= i < r2:
                        cells = row[c1 - 1 : c2]
                        yield i + 1, cells
                        if each is not None and (typed := make(i + 1, cells)) is not None:
                            visit((typed,))  # typed alone, then let go
            try:
                problems = self._check_raw(loc, cols, raws())
            except python_calamine.CalamineError:
                problems = self.check_table(name)  # which says what is wrong
        self.release(name)
        trim_heap()
        return problems

    def _index_again(self, name: str) -> None:
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        info = self.package.zip.getinfo(loc.sheet_part)
        small = loc.ref[3] - loc.ref[1] <= SMALL_TABLE  # read without calamine: cheap to read again
        if self.keys.valid(loc.sheet_part, info.CRC, info.file_size) or not (small or loc.sheet in self._grids):
            return
        keyindex.index_table(self.keys, self, name, loc, cols, info)
        keyindex.index_strings(self.keys, self.package, unless_known=True)

    def journal(self) -> list[audit.Entry]:
        """The whole audit journal (see `SheetStore.journal`), its parsed sheet dropped once read."""
        known = self._journal is not None or "tJournalAudit" in self._cache
        out = super().journal()
        if not known:
            with suppress(ooxml.PackageError, KeyError):
                self._grids.pop(self.package.table(self.schema.table("tJournalAudit").name).sheet, None)
        return out

    def release(self, name: str) -> None:
        super().release(name)
        self._at.pop(name, None)
        with suppress(ooxml.PackageError, KeyError):
            loc = self.package.table(self.schema.table(name).name)
            self._grids.pop(loc.sheet, None)
            self._parser.forget(loc.sheet)
            self.package.forget(loc.sheet_part)

    def version(self) -> int:
        names = {k.lower(): v for k, v in self.package.defined_names().items()}
        raw = names.get(VERSION_NAME.lower(), "").lstrip("=").strip()
        return int(raw) if raw.isdigit() else 0

    def is_syc_book(self) -> bool:
        return VERSION_NAME.lower() in {k.lower() for k in self.package.defined_names()}

    def _columns(self, table: Table) -> tuple[ooxml.TableLoc, list[Column | None]]:
        """The table's location and, for each of its columns in the file, the schema column."""
        try:
            loc = self.package.table(table.name)
        except ooxml.PackageError:
            raise self._table_missing(table) from None
        if not loc.header_row:
            raise Refused(Issue(
                "store.header",
                f"Feuille « {table.sheet} » : la ligne d'en-tête de la table {table.name} a été masquée. "
                "Réaffichez-la (Création de tableau → Ligne d'en-tête) puis relancez.",
                table.sheet,
            ))
        return loc, schema_columns(table, loc.headers)


    def _indexed(self, part: str) -> bool:
        """Whether the key index vouches for this part (written by SYC Gestion since it was indexed:
        its rows in ascending order, each once)."""
        info = self.package.zip.getinfo(part)
        return self.keys.valid(part, info.CRC, info.file_size)

    def _typed_rows(self, name: str, where: tuple[str, set[str]] | None = None) -> list[Row]:
        """The rows of a key found through the key index when it vouches for the sheet part (see
        `keyindex`): the rows it lists are read by bisection and kept if their key is one asked for,
        which is what a search of the whole sheet gives. Otherwise as `SheetStore._typed_rows`."""
        if where is not None and "" not in where[1] and where[0] in keyindex.KEYS.get(name, ()):
            table = self.schema.table(name)
            loc, cols = self._columns(table)
            if loc.sheet not in self._grids:
                try:
                    if self._indexed(loc.sheet_part):
                        key_index = next(i for i, col in enumerate(cols) if col is not None and col.key == where[0])
                        nums = self.keys.rows_for(loc.sheet_part, where[0], where[1])
                        found = None
                        if self.package.cached(loc.sheet_part) is None:  # not inflated: only the chunks needed
                            found = fastread.rows_in_order_by_chunks(self.package, loc, nums)
                        if found is None:
                            found = fastread.rows_in_order_at(self.package, loc, nums)
                        raws = [(num, raw) for num, raw in found
                                if key_index < len(raw) and fastread.text_of(raw[key_index]) in where[1]]
                        return self._typed(table, loc, cols, raws)
                except (KeyError, ooxml.PackageError, sqlite3.Error):
                    pass  # the sure path below (an index on a share that refuses its locks: searched)
        return super()._typed_rows(name, where)

    def _raw_rows(self, loc: ooxml.TableLoc, key_index: int | None, keys: set[str] | None) -> list[tuple[int, list[Any]]]:
        """(row number, cells of the table's columns) of the data rows, all or those whose key is in `keys`.

        A few keys among many rows are found by a byte search of the sheet (`fastread`) instead of
        parsing it whole; anything unusual falls back to calamine, which parses everything."""
        if (key_index is not None and keys and "" not in keys and loc.sheet not in self._grids
                and len(keys) <= MANY_KEYS):
            try:
                return fastread.rows_with_key(self.package, loc, key_index, keys)
            except ooxml.PackageError:
                pass
        c1, r1, c2, r2 = loc.ref
        if keys is None and loc.sheet not in self._grids and r2 - r1 <= SMALL_TABLE:
            try:  # a small table is parsed directly, without opening the workbook with calamine
                return fastread.all_rows(self.package, loc)
            except ooxml.PackageError:
                pass
        grid = self._grid(loc)
        r2 = fastread.data_ref(loc)[3]
        if keys is None:  # the whole table, at list-comprehension speed (ten years of rows)
            a, end = c1 - 1, min(r2, len(grid))
            if a == 0 and all(len(row) <= c2 for row in grid[r1:end]):  # the table is the sheet's width:
                return list(enumerate(grid[r1:end], r1 + 1))  # its rows themselves, not copies
            return [(rownum, row[a:c2]) for rownum, row in enumerate(grid[r1:end], r1 + 1)]
        out = []
        for rownum in range(r1 + 1, min(r2, len(grid)) + 1):
            raw = grid[rownum - 1][c1 - 1 : c2]
            if key_index is not None and keys is not None:
                k = raw[key_index] if key_index < len(raw) else None
                if text_of(k) not in keys:
                    continue
            out.append((rownum, raw))
        return out

    def _grid(self, loc: ooxml.TableLoc) -> list[list[Any]]:
        import python_calamine

        try:
            if loc.sheet not in self._grids:
                grid = self._grids[loc.sheet] = self._parser.grid(loc.sheet)
                if loc.sheet in self._shared:
                    share_cells(grid)
                trim_heap()  # the parse's own cells, freed, go back to the system
            return self._grids[loc.sheet]
        except python_calamine.CalamineError as exc:
            raise Refused(Issue(
                "store.notbook",
                f"La feuille « {loc.sheet} » du classeur {self.path.name} est illisible ({type(exc).__name__}) : "
                "le fichier est endommagé. Restaurez une sauvegarde (syc sauvegardes liste).",
                loc.sheet,
            )) from None

    def parse_ahead(self, names: Sequence[str], limit: int = 1, threads: int = 1, kept: Sequence[str] = (),
                    by_size: bool = False) -> list[str]:
        """The big sheets of these tables (those calamine parses whole) parsed in background threads,
        in this order, while the caller works on the previous ones (`syc verifier`; see `ahead`).
        `kept`: the tables the caller will hold in memory till its end: their parsed sheets hold each
        repeated text once (`share_cells`), done while the next sheets are parsed. Returns the order
        to read the tables in: the small ones (not parsed ahead), then the big ones in the order
        they are parsed in: as given, or from the smallest with `by_size` (the reader then has work
        as soon as possible).
        """
        for name in kept:
            with suppress(ooxml.PackageError, KeyError):
                self._shared.add(self.package.table(self.schema.table(name).name).sheet)
        small, big = [], []
        for name in names:
            try:
                loc = self.package.table(self.schema.table(name).name)
            except (ooxml.PackageError, KeyError):
                small.append(name)  # its reader will say what is wrong
                continue
            size = loc.ref[3] - loc.ref[1]
            if size > SMALL_TABLE and name not in self._cache:
                big.append((size, name, loc.sheet))
            else:
                small.append(name)
        if by_size:
            big.sort(key=lambda x: x[0])
        self._parser.ahead([sheet for _, _, sheet in big], limit, threads)
        return small + [name for _, name, _ in big]

    def stop_ahead(self) -> None:
        """No more sheets parsed ahead: the threads end, what they parsed and nobody took is freed."""
        self._parser.close()

    def prefetch(self, names: Sequence[str]) -> None:
        """Decompress the sheets of these tables (and the shared strings) side by side, on several
        cores: an action that will look into several big sheets starts with this."""
        parts = []
        for name in names:
            if name in self._cache:  # already typed: nothing of its sheet is read again
                continue
            try:
                parts.append(self.package.table(self.schema.table(name).name).sheet_part)
            except (ooxml.PackageError, KeyError):
                return  # the action itself will say what is wrong
        if not parts:
            return
        if "xl/sharedStrings.xml" in self.package.names:
            parts.append("xl/sharedStrings.xml")
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(parts), os.cpu_count() or 1)) as pool:
            list(pool.map(self.package.read, parts))

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]:
        """The rows at these sheet row numbers, without parsing the whole sheet when possible."""
        if name in self._cache:
            return {r.row: r for r in self._cache[name] if r.row in nums}
        known = self._at.setdefault(name, {})  # rows already read at their number (None: no record there)
        for (table_name, _key, _values), rows in self._found.items():  # and those found by their key
            if table_name == name:
                for found_row in rows:
                    known.setdefault(found_row.row, found_row)
        wanted = {n for n in nums if n not in known}
        if wanted:
            table = self.schema.table(name)
            loc, cols = self._columns(table)
            try:
                raws = fastread.rows_at(self.package, loc, wanted)
            except ooxml.PackageError:
                return {r.row: r for r in self.rows(name) if r.row in nums}
            found = {r.row: r for r in self._typed(table, loc, cols, raws)}
            known.update({n: found.get(n) for n in wanted})
        return {n: r for n in nums if (r := known.get(n)) is not None}


    def tail(self, name: str, n: int = 1) -> list[Row]:
        """The last `n` non-blank rows of a table, without parsing the whole sheet when possible."""
        if name in self._cache:
            return self._cache[name][-n:]
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        try:
            if (name in keyindex.KEYS and self.package.cached(loc.sheet_part) is None
                    and self._indexed(loc.sheet_part)):  # rows in order: the last chunks are enough
                found = fastread.tail_by_chunks(self.package, loc, n)
                if found is not None:
                    return self._typed(table, loc, cols, found)
            raws = fastread.tail_rows(self.package, loc, n)
        except ooxml.PackageError:
            return self.rows(name)[-n:]
        return self._typed(table, loc, cols, raws)


    # ---- writing
    def _enter_session(self) -> None:
        commit.refuse_if_open(self.path)
        commit.remove_stale_temporaries(self.path)

    def _refuse_if_open(self) -> None:
        commit.refuse_if_open(self.path)

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None) -> None:
        """Write a change set atomically, or raise Refused leaving the file byte for byte as it was.

        Inside `session()` the rows read by the service are current; outside, the file is re-read
        under the lock and the rows the service updates must not have changed since it read them
        (their versions are in the change set).
        """
        if changes.empty:
            return
        with self.session():  # the session checked, under the lock, that no office program holds the file
            self.check_version()
            self.refuse_if_moved()
            try:
                replacements = self._prepare(changes, as_of, now or dt.datetime.now())
            except ooxml.PackageError as exc:
                raise Refused(Issue("store.patch", f"{self.path.name} : {exc}", self.path.name)) from None
            before = self._part_sums()
            self._commit(replacements)
            self.close()
            self._index_written(replacements, before)

    def refuse_if_moved(self) -> None:
        """A workbook imported into a PostgreSQL base (syc base importer) is no longer written."""
        if (self.path.parent / f".{self.path.name}.syc-vue").exists():  # pyxl.pgview
            raise Refused(Issue(
                "store.vue",
                f"{self.path.name} est une vue de la base PostgreSQL, en lecture seule : les actions se font sur "
                "la base (syc --base URL), puis « syc base rafraichir » met la vue à jour.", self.path.name))
        if "tParametres" not in {t.name for t in self.schema.tables}:
            return  # a partial schema (tests, migrations): no parameters to look at
        moved = self.parameters().get(MOVED_TO_BASE)
        if moved:
            raise Refused(Issue(
                "store.deplace",
                f"{self.path.name} a été déplacé vers la base « {moved} » : il n'est plus modifié. Travaillez "
                "sur la base (syc --base URL, ou le classeur configuré par « syc excel configurer --base »).",
                self.path.name))

    def _part_sums(self) -> dict[str, tuple[int, int]]:
        """(CRC-32, size) of the sheet parts about to be written (their key index entries' check)."""
        out = {}
        for part in self._written:
            with suppress(KeyError):
                info = self.package.zip.getinfo(part)
                out[part] = (info.CRC, info.file_size)
        return out

    def _index_written(self, replacements: Mapping[str, bytes | None], before: dict[str, tuple[int, int]]) -> None:
        """After a write, the key index learns the keys of the rows written (read back from the new
        bytes) and the new parts' sums; what cannot be read back drops the part's entry."""
        written, self._written = self._written, {}
        if not written or not self.keys.path.exists():
            return
        import zipfile

        changes: dict[str, tuple[tuple[int, int], tuple[int, int], list[tuple[str, str, int]] | None]] = {}
        try:
            with zipfile.ZipFile(self.path) as zf:
                after = {part: (zf.getinfo(part).CRC, zf.getinfo(part).file_size) for part in written}
        except (OSError, KeyError, zipfile.BadZipFile):
            self.keys.forget()
            return
        for part, (at, rows) in written.items():
            data = replacements.get(part)
            pairs: list[tuple[str, str, int]] = []
            try:
                sheet = fastread._Sheet(data) if data is not None else None
                if sheet is None or sheet.row_tag != b"<row":
                    raise ooxml.PackageError("feuille illisible")
                for num, keys in rows.items():
                    span = fastread.find_row(sheet.data, sheet.start, sheet.end, num)
                    if span is None:
                        raise ooxml.PackageError("ligne écrite introuvable")
                    for key in keys:
                        cells = fastread._parse_row(sheet.data[span[0]:span[1]], at[key], at[key], _NO_SHARED)
                        pairs.append((key, fastread.text_of(cells.get(at[key], "")), num))
            except (KeyError, ooxml.PackageError):
                changes[part] = (before.get(part, (-1, -1)), after[part], None)
                continue
            changes[part] = (before.get(part, (-1, -1)), after[part], pairs)
        self.keys.extend(changes)
        self.close()

    def _prepare(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> dict[str, bytes | None]:
        pkg = self.package
        changes = self._plan(changes, as_of, now)
        self._written = {}
        date1904 = pkg.date1904
        per_sheet: dict[str, tuple[ooxml.TableLoc, list[ooxml.RowEdit], list[Column | None]]] = {}
        table_parts: dict[str, bytes] = {}
        dims: dict[str, tuple[int, int]] = {}
        sheets: dict[str, ooxml.SheetText] = {}
        for name in {*changes.appends, *changes.updates}:
            table = self.schema.table(name)
            loc, cols = self._columns(table)
            if loc.sheet_part not in sheets:
                sheets[loc.sheet_part] = ooxml.SheetText(pkg.read(loc.sheet_part))
            sheet = sheets[loc.sheet_part]
            data = sheet.data
            edits: list[ooxml.RowEdit] = []
            c1, r1, c2, r2 = loc.ref
            index = {c.key: i for i, c in enumerate(cols) if c is not None}
            for rownum, values in changes.updates.get(name, []):
                if not (r1 < rownum <= r2 - (1 if loc.totals else 0)):
                    raise Refused(Issue("store.row", f"{loc.sheet}, ligne {rownum} : hors de la table.", loc.sheet))
                cells = {c1 + index[k]: to_cell(table.column(k), v, date1904) for k, v in values.items()}
                edits.append(ooxml.RowEdit(rownum, cells))
                self._note_written(loc, cols, name, rownum, values)
            new_rows = changes.appends.get(name, [])
            if new_rows:
                if loc.totals:
                    raise Refused(Issue(
                        "store.totals",
                        f"Feuille « {loc.sheet} » : la table {loc.name} a une ligne de total. "
                        "Retirez-la (Création de tableau → Ligne des totaux) puis relancez.",
                        loc.sheet,
                    ))
                last = r1
                last_xml = None
                below: list[int] = []  # rows under the table holding values in its columns
                for num, xml in sheet.last_rows():
                    if num <= r1:
                        break
                    has = ooxml.row_has_values(xml, c1, c2)
                    if num > r2:
                        if has:
                            below.append(num)
                        continue
                    if has:
                        last, last_xml = num, xml
                        break
                # the grown table and the row right under it must be free
                blocked = [n for n in below if n <= max(r2, last + len(new_rows)) + 1]
                if blocked:
                    num = min(blocked)
                    raise Refused(Issue(
                        "store.below",
                        f"Feuille « {loc.sheet} » : des cellules sont remplies sous la table "
                        f"{loc.name} (ligne {num}). Déplacez-les pour que la table puisse s'agrandir.",
                        f"{loc.sheet}, ligne {num}",
                    ))
                styles = ooxml.column_styles(data)
                styles.update(ooxml.row_styles(last_xml))
                for k, values in enumerate(new_rows):
                    rownum = last + 1 + k
                    if rownum > ooxml.MAX_ROW:
                        raise Refused(Issue("store.full", f"Feuille « {loc.sheet} » : plus de place.", loc.sheet))
                    cells = {c1 + i: to_cell(col, values.get(col.key), date1904) if col else ooxml.BLANK
                             for i, col in enumerate(cols)}
                    edits.append(ooxml.RowEdit(rownum, cells, {c: styles[c] for c in cells if c in styles}))
                    self._note_written(loc, cols, name, rownum, values)
                new_r2 = max(r2, last + len(new_rows))
                if new_r2 != r2:
                    table_parts[loc.table_part] = ooxml.set_table_ref(
                        pkg.read(loc.table_part), ooxml.range_ref(c1, r1, c2, new_r2))
                prev = dims.get(loc.sheet_part, (0, 0))
                dims[loc.sheet_part] = (max(prev[0], c2), max(prev[1], new_r2))
            entry = per_sheet.setdefault(loc.sheet_part, (loc, [], cols))
            entry[1].extend(edits)
        replacements: dict[str, bytes | None] = dict(table_parts)
        formula_replaced = False
        for part, (_loc, edits, _cols) in per_sheet.items():
            new, f = ooxml.patch_sheet(sheets[part], edits, dims.get(part), no_arrays=self._plain(part))
            formula_replaced |= f
            replacements[part] = new
        if formula_replaced:
            replacements.update(ooxml.drop_calc_chain(pkg))
        return replacements


    def _plain(self, part: str) -> bool:
        """Whether the key index vouches that this sheet part holds no array formula (no need to scan it)."""
        try:
            info = self.package.zip.getinfo(part)
        except KeyError:
            return False
        return self.keys.plain(part, info.CRC, info.file_size)

    def _note_written(self, loc: ooxml.TableLoc, cols: list[Column | None], name: str, rownum: int,
                      values: Mapping[str, Any]) -> None:
        """Remember a row written in an indexed table (its part's sums change, whatever columns changed)."""
        if name in keyindex.KEYS:
            if loc.sheet_part not in self._written:
                at = {col.key: loc.ref[0] + i for i, col in enumerate(cols)
                      if col is not None and col.key in keyindex.KEYS[name]}
                self._written[loc.sheet_part] = (at, {})
            rows = self._written[loc.sheet_part][1]
            keys = {k for k in keyindex.KEYS[name] if k in values}
            if keys:
                rows.setdefault(rownum, set()).update(keys)

    def _commit(self, replacements: Mapping[str, bytes | None]) -> None:
        """Temporary file, fsync, backup, atomic rename, directory fsync; then the anchor."""
        pkg = self.package
        commit.atomic_write(self.path, lambda f: ooxml.rewrite(pkg.zip, f, replacements, previous=pkg.cached),
                            before_rename=self.close)
        if self.guard.new_tail is not None:
            commit.write_anchor(self.path, self.guard.new_tail)
            self.guard.new_tail = None


_malloc_trim: Any = None


def trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's `malloc_trim`). Calamine parses a
    sheet into one allocation per cell, freed once the sheet is handed to Python: without this the
    process keeps those pages (tens of MB after the big sheets of ten years). Nothing elsewhere."""
    global _malloc_trim
    if _malloc_trim is None:
        _malloc_trim = False
        if sys.platform.startswith("linux"):
            import ctypes

            with suppress(OSError, AttributeError):
                _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
    if _malloc_trim:
        _malloc_trim(0)
