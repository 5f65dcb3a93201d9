"""FileStore: the workbook file without Excel (Linux, scheduled jobs, CI, the `syc` command).

Reads with python-calamine. Writes only the sheet and table XML parts concerned (see `ooxml`),
through a temporary file, fsync and an atomic rename, after a backup in `sauvegardes/`.
Refuses to write while Excel or LibreOffice holds the file, and serialises concurrent writers with
an OS lock (they wait, up to a timeout). The audit chain is extended and checked here, so every
writer (CLI today, the Excel front end later) goes through the same rules.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import audit, fields
from pyxl.core.issues import Issue, Refused
from pyxl.core.money import AmountError, parse_decimal, to_cents
from pyxl.workbook import backups, fastread, ooxml
from pyxl.workbook.schema import NO, SCHEMA, VERSION_NAME, YES, Column, Kind, Schema, Table

LOCK_TIMEOUT_S = float(os.environ.get("SYC_LOCK_TIMEOUT", "30"))
MAX_NUMBER = Decimal("1e15")  # beyond, a cell is a typing accident, not an amount
# Excel's calendar is wrong before 1900-03-01 (its phantom 29/02/1900): no date outside this span
FIRST_DATE = dt.date(1900, 3, 1)
FIRST_DATE_1904 = dt.date(1904, 1, 1)  # in workbooks using the 1904 date system
LAST_DATE = dt.date(9999, 12, 31)
# test hook: pause (seconds) right before the atomic rename, to kill a writer mid-write
_PAUSE_BEFORE_RENAME = "SYC_TEST_PAUSE_BEFORE_RENAME"


class LazyValues(Mapping[str, Any]):
    """A row's cells, converted to the schema's types only when read (most actions look at two or
    three columns of thousands of rows). A cell that cannot be read raises Refused naming it."""

    __slots__ = ("_cache", "_columns", "_raw", "_where")

    def __init__(self, raw: Sequence[Any], columns: Mapping[str, tuple[int, Column, Any]],
                 absent: Sequence[str], where: tuple[str, int]):
        self._raw = raw
        self._columns = columns
        self._cache: dict[str, Any] = dict.fromkeys(absent)
        self._where = where

    def __getitem__(self, key: str) -> Any:
        try:
            return self._cache[key]
        except KeyError:
            pass
        i, col, convert = self._columns[key]  # KeyError for an unknown column, like a dict
        v = self._raw[i] if i < len(self._raw) else None
        try:
            value = convert(v)
        except ValueError as exc:
            raise Refused(_bad_cell(self._where, col, exc)) from None
        self._cache[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        yield from self._columns
        yield from (k for k in self._cache if k not in self._columns)

    def __len__(self) -> int:
        return len(self._columns) + sum(1 for k in self._cache if k not in self._columns)

    def problems(self) -> list[Issue]:
        out = []
        for key in self._columns:
            try:
                self[key]
            except Refused as exc:
                out += exc.issues
        return out


def _bad_cell(where: tuple[str, int], col: Column, exc: Exception) -> Issue:
    sheet, rownum = where
    return Issue("store.value", f"{sheet}, ligne {rownum}, colonne « {col.header} » : {exc}. Corrigez la cellule.",
                 f"{sheet}, ligne {rownum}")


@dataclass(frozen=True)
class Row:
    """One data row of a table: typed values by column key, and where it is (sheet row)."""

    values: Mapping[str, Any]
    row: int  # sheet row number, for messages and updates
    sheet: str

    @property
    def where(self) -> str:
        return f"{self.sheet}, ligne {self.row}"

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class ChangeSet:
    """What an action writes. Nothing is written until the store applies it whole."""

    appends: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    issued: list[tuple[str, str, str]] = field(default_factory=list)  # (table, ref, action label)

    def append(self, table: str, row: Mapping[str, Any]) -> None:
        self.appends.setdefault(table, []).append(dict(row))

    def update(self, table: str, row: int, values: Mapping[str, Any]) -> None:
        self.updates.setdefault(table, []).append((row, dict(values)))

    def issue(self, table: str, ref: str, action: str) -> None:
        """Record an issuing action: the store fingerprints the document into the audit chain."""
        self.issued.append((table, ref, action))

    @property
    def empty(self) -> bool:
        return not (self.appends or self.updates or self.issued)


# --------------------------------------------------------------------------- value conversion
def from_cell(col: Column, raw: Any, date1904: bool = False) -> Any:
    """A calamine value → the schema's Python type (ValueError with a French message if it cannot)."""
    if raw is None or raw == "":
        return None
    k = col.kind
    if k in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
            raise ValueError(f"« {raw} » n'est pas un nombre")
        try:
            value = parse_decimal(raw, max_places=None)
        except AmountError as exc:
            raise ValueError(str(exc)) from None
        if abs(value) >= MAX_NUMBER:
            raise ValueError(f"« {raw} » est un nombre trop grand")
        if value == 0:
            return Decimal("0.00") if k is Kind.MONEY else Decimal(0)  # never « -0,00 € »
        return to_cents(value) if k is Kind.MONEY else value.normalize()
    if k is Kind.INT:
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw.strip())
        raise ValueError(f"« {raw} » n'est pas un nombre entier")
    if k is Kind.DATE:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, (int, float)):
            return ooxml.date_from_serial(raw + (ooxml.DAYS_1904 if date1904 else 0))
        return fields.date(str(raw), label="la valeur")
    # text-like columns
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.isoformat()
    return str(raw)


_text_of = fastread.text_of  # a key cell as text, the way `from_cell` reads a text column


def _converter(col: Column, date1904: bool = False) -> Any:
    """`from_cell` for one column, with the common cases (empty, plain text) short-circuited."""
    if col.kind in (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP):
        def text(v: Any) -> Any:
            if v is None or v == "":
                return None
            return v if type(v) is str else from_cell(col, v)
        return text

    def other(v: Any) -> Any:
        return None if v is None or v == "" else from_cell(col, v, date1904)
    return other


def to_cell(col: Column, value: Any, date1904: bool = False) -> ooxml.Cell:
    if value is None or value == "":
        return ooxml.BLANK
    k = col.kind
    if k is Kind.BOOL:
        if isinstance(value, bool):
            return ooxml.Cell("s", YES if value else NO)
        return ooxml.Cell("s", str(value))
    if k in (Kind.TEXT, Kind.CHOICE, Kind.TIMESTAMP):
        return ooxml.Cell("s", str(value))
    if k in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        return ooxml.Cell.of(value if isinstance(value, Decimal) else parse_decimal(value, max_places=None))
    if k is Kind.DATE and isinstance(value, str):
        value = fields.date(value, label="la valeur")  # a date column holds an Excel date, never text
    elif k is Kind.DATE and isinstance(value, dt.datetime):
        value = value.date()
    first = FIRST_DATE_1904 if date1904 else FIRST_DATE
    if k is Kind.DATE and isinstance(value, dt.date) and not first <= value <= LAST_DATE:
        raise ValueError(f"la date {value:%d/%m/%Y} est hors de la période gérée "
                         f"({first:%d/%m/%Y} – {LAST_DATE:%d/%m/%Y})")
    if k is Kind.DATE and date1904 and isinstance(value, dt.date):
        return ooxml.Cell("n", str(ooxml.excel_serial(value) - ooxml.DAYS_1904))
    elif k is Kind.INT and not isinstance(value, int):
        value = from_cell(col, value)
    return ooxml.Cell.of(value)


def canonical(col: Column, value: Any) -> Any:
    """The value exactly as `from_cell` will read it back once written."""
    cell = to_cell(col, value)
    if cell.kind == "":
        return None
    if cell.kind == "n" and col.kind in (Kind.DATE, Kind.INT):
        return from_cell(col, int(cell.value))
    return from_cell(col, cell.value)


def schema_columns(table: Table, headers: Sequence[str]) -> list[Column | None]:
    """For each header of a table as found in the workbook, its schema column (None for a column the
    user added). Refuses, naming them, when schema columns are missing or renamed."""
    by_header = {c.header.casefold(): c for c in table.columns}
    cols = [by_header.get(h.strip().casefold()) for h in headers]
    missing = [c.header for c in table.columns if c not in cols]
    if missing:
        raise Refused(Issue(
            "store.columns",
            f"Feuille « {table.sheet} » : " + (
                f"la colonne « {missing[0]} » est absente ou renommée. " if len(missing) == 1 else
                f"les colonnes {', '.join('« ' + m + ' »' for m in missing)} sont absentes ou renommées. ")
            + "Rétablissez l'en-tête tel quel (un classeur d'une version antérieure se met à jour avec "
            "« syc migrer »).",
            table.sheet,
        ))
    return cols


# --------------------------------------------------------------------------- locks
def office_lock(book: Path) -> str | None:
    """Name of the lock file Excel or LibreOffice keeps beside an open workbook, if any."""
    name = book.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")
    for c in candidates:
        if (book.parent / c).exists():
            return c
    return None


def lock_path(book: Path) -> Path:
    return book.parent / f".{book.name}.syc-verrou"


@contextmanager
def write_lock(book: Path, timeout: float | None = None) -> Iterator[None]:
    """The OS lock every writer (syc, the Excel macros) takes before touching the file."""
    from filelock import FileLock, Timeout

    # one lock object per file in this process, re-entrant: a migration or a restore may call
    # replace_file while already holding the lock
    lock = FileLock(str(lock_path(book)), is_singleton=True)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_S if timeout is None else timeout)
    except Timeout:
        raise Refused(Issue(
            "store.busy",
            f"Le classeur {book.name} est en cours de modification par une autre commande SYC "
            f"depuis plus de {int(LOCK_TIMEOUT_S if timeout is None else timeout)} s. "
            "Réessayez dans un instant.",
            book.name,
        )) from None
    try:
        yield
    finally:
        lock.release()


# --------------------------------------------------------------------------- the store
class FileStore:
    def __init__(self, path: str | Path, schema: Schema = SCHEMA):
        # write through a symbolic link, never replace the link by a plain file
        self.path = Path(os.path.realpath(path))
        self.schema = schema
        self._cache: dict[str, list[Row]] = {}
        self._session = False
        self._new_tail: audit.Entry | None = None
        self._pkg: ooxml.Package | None = None
        self._calamine: Any = None
        self._grids: dict[str, list[list[Any]]] = {}  # parsed sheets, shared by rows() and rows_where()
        self._recent: list[audit.Entry] | None = None
        self._found: dict[tuple[str, str, frozenset[str]], list[Row]] = {}  # rows_where() answers
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
            except ooxml.PackageError as exc:
                raise Refused(Issue("store.notbook", str(exc), str(self.path))) from None
        return self._pkg

    def close(self) -> None:
        if self._pkg is not None:
            self._pkg.close()
            self._pkg = None
        self._calamine = None
        self._cache.clear()
        self._grids.clear()
        self._recent = None
        self._found.clear()

    def version(self) -> int:
        names = {k.lower(): v for k, v in self.package.defined_names().items()}
        raw = names.get(VERSION_NAME.lower(), "").lstrip("=").strip()
        return int(raw) if raw.isdigit() else 0

    def _not_syc(self) -> Issue:
        return Issue(
            "store.notsyc",
            f"« {self.path.name} » n'est pas un classeur SYC Gestion (il n'a pas été créé par "
            "« syc init »). Vérifiez --book ou créez un classeur avec « syc init ».",
            self.path.name,
        )

    def is_syc_book(self) -> bool:
        return VERSION_NAME.lower() in {k.lower() for k in self.package.defined_names()}

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

    def rows(self, name: str) -> list[Row]:
        """All non-blank data rows of a table, typed. Refuses, naming the cells, on bad values."""
        if name not in self._cache:
            self._cache[name] = self._typed_rows(name)
        return self._cache[name]

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Row]:
        """The rows whose `key` column is one of `values`, typing only those (the lines of a few
        documents among ten years of lines)."""
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

    def _raw_rows(self, loc: ooxml.TableLoc, key_index: int | None, keys: set[str] | None) -> list[tuple[int, list[Any]]]:
        """(row number, cells of the table's columns) of the data rows, all or those whose key is in `keys`.

        A few keys among many rows are found by a byte search of the sheet (`fastread`) instead of
        parsing it whole; anything unusual falls back to calamine, which parses everything."""
        if key_index is not None and keys and "" not in keys and loc.sheet not in self._grids:
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
        if loc.totals:
            r2 -= 1  # Excel's totals row is not a record
        out = []
        for rownum in range(r1 + 1, min(r2, len(grid)) + 1):
            raw = grid[rownum - 1][c1 - 1 : c2]
            if key_index is not None and keys is not None:
                k = raw[key_index] if key_index < len(raw) else None
                if _text_of(k) not in keys:
                    continue
            out.append((rownum, raw))
        return out

    def _grid(self, loc: ooxml.TableLoc) -> list[list[Any]]:
        import python_calamine

        try:
            if loc.sheet not in self._grids:
                if self._calamine is None:
                    self._calamine = python_calamine.CalamineWorkbook.from_path(str(self.path))
                self._grids[loc.sheet] = self._calamine.get_sheet_by_name(loc.sheet).to_python(skip_empty_area=False)
            return self._grids[loc.sheet]
        except python_calamine.CalamineError as exc:
            raise Refused(Issue(
                "store.notbook",
                f"La feuille « {loc.sheet} » du classeur {self.path.name} est illisible ({type(exc).__name__}) : "
                "le fichier est endommagé. Restaurez une sauvegarde (syc sauvegardes liste).",
                loc.sheet,
            )) from None

    def prefetch(self, names: Sequence[str]) -> None:
        """Decompress the sheets of these tables (and the shared strings) side by side, on several
        cores: an action that will look into several big sheets starts with this."""
        parts = []
        for name in names:
            try:
                parts.append(self.package.table(self.schema.table(name).name).sheet_part)
            except (ooxml.PackageError, KeyError):
                return  # the action itself will say what is wrong
        if "xl/sharedStrings.xml" in self.package.names:
            parts.append("xl/sharedStrings.xml")
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(parts), os.cpu_count() or 1)) as pool:
            list(pool.map(self.package.read, parts))

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]:
        """The rows at these sheet row numbers, without parsing the whole sheet when possible."""
        if name in self._cache:
            return {r.row: r for r in self._cache[name] if r.row in nums}
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        try:
            raws = fastread.rows_at(self.package, loc, nums)
        except ooxml.PackageError:
            return {r.row: r for r in self.rows(name) if r.row in nums}
        return {r.row: r for r in self._typed(table, loc, cols, raws)}

    def recent_journal(self) -> list[audit.Entry]:
        """The journal's last JOURNAL_CHECKED rows (read once per session): what issuing checks,
        and where the latest dates of each series are found without reading whole tables."""
        if self._recent is None:
            self._recent = self.journal_tail(JOURNAL_CHECKED)
        return self._recent

    def tail(self, name: str, n: int = 1) -> list[Row]:
        """The last `n` non-blank rows of a table, without parsing the whole sheet when possible."""
        if name in self._cache:
            return self._cache[name][-n:]
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        try:
            raws = fastread.tail_rows(self.package, loc, n)
        except ooxml.PackageError:
            return self.rows(name)[-n:]
        return self._typed(table, loc, cols, raws)

    def _typed(self, table: Table, loc: ooxml.TableLoc, cols: list[Column | None],
               raws: list[tuple[int, list[Any]]]) -> list[Row]:
        date1904 = self.package.date1904
        columns = {col.key: (i, col, _converter(col, date1904)) for i, col in enumerate(cols) if col is not None}
        absent = [col.key for col in table.columns if col not in cols]
        out: list[Row] = []
        for rownum, raw in raws:
            if all(v is None or v == "" for v in raw):
                continue
            out.append(Row(LazyValues(raw, columns, absent, (loc.sheet, rownum)), rownum, loc.sheet))
        return out

    def check_table(self, name: str) -> list[Issue]:
        """Every cell of a table that cannot be read, named (rows are otherwise read lazily)."""
        problems: list[Issue] = []
        for r in self.rows(name):
            if isinstance(r.values, LazyValues):
                problems += r.values.problems()
        return problems

    def parameters(self) -> dict[str, str]:
        out = {}
        for r in self.rows("tParametres"):
            v = r["value"]
            if isinstance(v, dt.date):
                v = v.strftime("%d/%m/%Y")
            out[str(r["code"])] = "" if v is None else str(v)
        return out

    # ---- audit
    def journal(self) -> list[audit.Entry]:
        """The whole audit journal. Read without the lazy rows (tens of thousands of entries, every
        cell needed); a cell that cannot be read is refused, naming it."""
        name = "tJournalAudit"
        if name in self._cache:
            return _entries(self._cache[name])
        table = self.schema.table(name)
        loc, cols = self._columns(table)
        date1904 = self.package.date1904
        index = {col.key: (i, col, _converter(col, date1904)) for i, col in enumerate(cols) if col is not None}
        order = [index[k] for k in ("seq", "timestamp", "as_of", "action", "table", "ref", "doc_hash",
                                     "prev_hash", "hash")]
        out = []
        for rownum, raw in self._raw_rows(loc, None, None):
            if all(v is None or v == "" for v in raw):
                continue
            values = []
            for i, col, convert in order:
                try:
                    values.append(convert(raw[i] if i < len(raw) else None))
                except ValueError as exc:
                    raise Refused(_bad_cell((loc.sheet, rownum), col, exc)) from None
            seq, stamp, as_of, action, tbl, ref, doc_hash, prev_hash, hash_ = values
            out.append(audit.Entry(
                seq=int(seq or 0), timestamp=str(stamp or ""), as_of=as_of or None, action=str(action or ""),
                table=str(tbl or ""), ref=str(ref or ""), doc_hash=str(doc_hash or ""),
                prev_hash=str(prev_hash or ""), hash=str(hash_ or ""), where=f"{loc.sheet}, ligne {rownum}",
            ))
        return out

    def journal_for(self, refs: set[str]) -> list[audit.Entry]:
        """The journal rows of these document references (any table), without reading the whole journal."""
        refs = {r for r in refs if r}
        return _entries(self.rows_where("tJournalAudit", "ref", refs)) if refs else []

    def journal_tail(self, n: int = 1) -> list[audit.Entry]:
        return _entries(self.tail("tJournalAudit", n))

    def _check_tail(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        """What issuing needs of the journal: its last rows (JOURNAL_CHECKED) chained and intact, the
        last one the same as the anchor file. The whole chain is checked by `verify` (syc verifier)
        and before every daily closure: an older row edited is caught there."""
        issues = audit.verify_chain(entries, segment=True)
        if issues:
            return issues

        def entry(seq: int) -> audit.Entry | None:
            found = _entries(self.rows_where("tJournalAudit", "seq", {str(seq)}))
            return next((e for e in found if e.seq == seq), None)

        return self._anchor_issues(entries[-1] if entries else None, entry)

    def _doc(self, table: Table, row: Mapping[str, Any], where: str, lines_by_ref: Mapping[str, list]) -> audit.IssuedDoc:
        spec = table.audit
        assert spec is not None
        ref = str(row.get(spec.key) or "")
        lines = lines_by_ref.get(str(row.get(spec.parent) or ""), []) if spec.lines_table else []
        issued = True
        if spec.issued_column:
            issued = str(row.get(spec.issued_column) or "") in spec.issued_values
        return audit.IssuedDoc(
            table=table.name,
            ref=ref,
            doc_hash=audit.document_hash(table.name, ref, row, spec.immutable, lines, spec.lines_immutable),
            date=row.get(spec.date_column) if spec.date_column else None,
            where=where,
            issued=issued,
        )

    def check_issued(self, name: str, rows: Sequence[Row], journal: Sequence[audit.Entry], consequence: str) -> None:
        """Refuse, naming the row, if one of these issued rows no longer matches its fingerprint in
        the journal (a value typed over in the sheet). `consequence`: what is refused, in French."""
        table = self.schema.table(name)
        spec = table.audit
        assert spec is not None
        latest = audit.latest_by_doc(journal)
        lines = self._lines_by_ref(table, refs={str(r.get(spec.parent) or "") for r in rows})
        for r in rows:
            ref = str(r.get(spec.key) or "")
            e = latest.get((name, ref))
            if e is not None and self._doc(table, r.values, r.where, lines).doc_hash != e.doc_hash:
                raise Refused(Issue(
                    "audit.edited",
                    f"{r.where} : {ref} a été modifié après son émission ; {consequence}. Lancez « syc verifier » "
                    "puis restaurez une sauvegarde (syc sauvegardes restaurer).", r.where))

    def _lines_by_ref(self, table: Table, extra: Sequence[Mapping[str, Any]] = (),
                      refs: set[str] | None = None) -> dict[str, list]:
        """Lines of the table's documents by document reference (only those of `refs` if given)."""
        spec = table.audit
        if not spec or not spec.lines_table or not spec.lines_key:
            return {}
        found = (self.rows(spec.lines_table) if refs is None
                 else self.rows_where(spec.lines_table, spec.lines_key, refs))
        out: dict[str, list] = {}
        for r in [*(x.values for x in found), *extra]:
            out.setdefault(str(r.get(spec.lines_key) or ""), []).append(r)
        return out

    def verify(self) -> list[Issue]:
        """Everything `syc verifier` checks: the journal chain and every audited document."""
        entries = self.journal()
        issues = audit.verify_chain(entries)
        docs = []
        for table in self.schema.audited:
            lines = self._lines_by_ref(table)
            docs += [self._doc(table, r.values, r.where, lines) for r in self.rows(table.name)]
        sheet_of = {t.name: t.sheet for t in self.schema.audited}
        issues += audit.verify_documents(entries, docs, sheet_of)
        issues += self._chronology(entries)
        issues += self._check_anchor(entries)
        return issues

    def _check_anchor(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        """The journal's tail against the anchor kept beside the workbook: deleting the last
        document together with its last journal row leaves no gap inside the chain itself."""
        by_seq = {e.seq: e for e in entries}
        return self._anchor_issues(entries[-1] if entries else None, by_seq.get)

    def _anchor_issues(self, tail: audit.Entry | None, entry: Any) -> list[Issue]:
        """`entry(seq)` gives the journal row of that number (or None)."""
        anchor = read_anchor(self.path)
        if anchor is None:
            return []
        seq, hash_ = anchor
        last = tail.seq if tail else 0
        if seq > last:
            return [Issue(
                "audit.truncated",
                f"Journal d'audit : il s'arrête au n° {last} alors que le n° {seq} a été enregistré "
                "(lignes supprimées en fin de journal, avec leurs pièces ?). Restaurez une sauvegarde "
                "(syc sauvegardes restaurer).", "Journal d'audit",
            )]
        at = tail if tail is not None and tail.seq == seq else entry(seq)
        if at is not None and at.hash != hash_:
            return [Issue(
                "audit.anchor",
                f"Journal d'audit n° {seq} : son empreinte ne correspond plus à celle enregistrée à côté du "
                "classeur (journal réécrit ?). Restaurez une sauvegarde (syc sauvegardes restaurer).",
                at.where,
            )]
        return []

    def _chronology(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        issues = []
        last: dict[str, audit.Entry] = {}
        for e in entries:
            p = last.get(e.table)
            if e.as_of is None:
                issues.append(Issue("audit.entry", f"Journal d'audit n° {e.seq} ({e.ref}) : la date d'effet a été "
                                                    "effacée.", e.where))
                continue
            if p is not None and p.as_of is not None and e.as_of < p.as_of and e.action == p.action:
                issues.append(Issue(
                    "audit.order",
                    f"Journal d'audit n° {e.seq} : {e.ref} est daté du {e.as_of:%d/%m/%Y}, avant {p.ref} "
                    f"({p.as_of:%d/%m/%Y}) : la chronologie des pièces est rompue.",
                    e.where,
                ))
            last[e.table] = e
        return issues

    # ---- writing
    @contextmanager
    def session(self) -> Iterator[FileStore]:
        """Hold the write lock from the first read to the write, so that what a service read
        (row numbers, counters) is still true when its change set is applied."""
        if self._session:
            yield self
            return
        with write_lock(self.path):
            self._refuse_if_open()
            remove_stale_temporaries(self.path)
            self.close()  # what was read before the lock may be stale
            self._session = True
            try:
                yield self
            finally:
                self._session = False
                self.close()

    def _refuse_if_open(self) -> None:
        refuse_if_open(self.path)

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None) -> None:
        """Write a change set atomically, or raise Refused leaving the file byte for byte as it was.

        Inside `session()` the rows read by the service are current; outside, the file is
        re-read under the lock (appends are safe, row numbers of updates are the caller's risk).
        """
        if changes.empty:
            return
        with self.session():  # the session checked, under the lock, that no office program holds the file
            self.check_version()
            try:
                replacements = self._prepare(changes, as_of, now or dt.datetime.now())
            except ooxml.PackageError as exc:
                raise Refused(Issue("store.patch", f"{self.path.name} : {exc}", self.path.name)) from None
            self._commit(replacements)
            self.close()

    def _plan(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> ChangeSet:
        """What will be written, checked: values as they will be read back, issued rows untouched,
        the audit journal extended for the documents issued. Shared by every store."""
        self._new_tail = None
        changes = self._canonical(changes)
        self._guard_issued_updates(changes)
        if changes.issued:
            self._extend_journal(changes, as_of, now)
        return changes

    def _prepare(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> dict[str, bytes | None]:
        pkg = self.package
        changes = self._plan(changes, as_of, now)
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
            new, f = ooxml.patch_sheet(sheets[part], edits, dims.get(part))
            formula_replaced |= f
            replacements[part] = new
        if formula_replaced:
            replacements.update(ooxml.drop_calc_chain(pkg))
        return replacements

    def _canonical(self, changes: ChangeSet) -> ChangeSet:
        """A copy of the change set holding each value as it will be read back from the file, so
        that what is fingerprinted at issue is exactly what `verify` will recompute."""

        def canon(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
            out = {}
            for k, v in values.items():
                col = table.column(k)
                try:
                    out[k] = canonical(col, v)
                except (ValueError, TypeError) as exc:
                    raise Refused(Issue(
                        "store.value", f"Feuille « {table.sheet} », colonne « {col.header} » : {exc}.", table.sheet,
                    )) from None
            return out

        return ChangeSet(
            {k: [canon(self.schema.table(k), r) for r in v] for k, v in changes.appends.items()},
            {k: [(n, canon(self.schema.table(k), r)) for n, r in v] for k, v in changes.updates.items()},
            list(changes.issued),
        )

    def _guard_issued_updates(self, changes: ChangeSet) -> None:
        """Before touching an issued row or its lines: the document must still match the chain,
        its immutable columns stay as they are, and no line is added to it."""
        self._guard_issued_lines(changes)
        updates = {n: u for n, u in changes.updates.items() if self.schema.table(n).audit}
        if not updates:
            return
        keys: set[str] = set()
        touched_rows: dict[str, dict[int, Row]] = {}
        for name, ups in updates.items():
            spec = self.schema.table(name).audit
            assert spec is not None
            rows = touched_rows[name] = self.rows_at(name, {n for n, _ in ups})
            keys |= {str(rows[n].get(spec.key) or "") for n, _ in ups if n in rows}
        latest = audit.latest_by_doc(self.journal_for(keys))
        for name, ups in updates.items():
            table = self.schema.table(name)
            spec = table.audit
            assert spec is not None
            rows = touched_rows[name]
            touched_refs = {str(rows[n].get(spec.parent) or "") for n, _ in ups if n in rows}
            lines = self._lines_by_ref(table, refs=touched_refs)
            for rownum, values in ups:
                r = rows.get(rownum)
                if r is None:
                    continue
                ref = str(r.get(spec.key) or "")
                e = latest.get((name, ref))
                if e is None:
                    continue
                doc = self._doc(table, r.values, r.where, lines)
                if doc.doc_hash != e.doc_hash:
                    raise Refused(Issue(
                        "audit.edited",
                        f"{r.where} : {ref} a été modifié après son émission ; action refusée. "
                        "Lancez « syc verifier » puis restaurez une sauvegarde (syc sauvegardes restaurer).",
                        r.where,
                    ))
                # rewriting an immutable column with the value it already has is harmless
                touched = {k for k in set(values) & set(spec.immutable)
                           if audit.normalise(values[k]) != audit.normalise(r.get(k))}
                if touched:
                    raise Refused(Issue(
                        "audit.immutable",
                        f"{r.where} : {ref} est émis ; ses colonnes "
                        f"{', '.join(table.column(k).header for k in sorted(touched))} ne se modifient plus. "
                        "Établissez un avoir.",
                        r.where,
                    ))

    def _guard_issued_lines(self, changes: ChangeSet) -> None:
        parents = [t for t in self.schema.audited if t.audit and t.audit.lines_table
                   and (t.audit.lines_table in changes.updates or t.audit.lines_table in changes.appends)]
        if not parents:
            return
        for table in parents:
            spec = table.audit
            assert spec is not None and spec.lines_table and spec.lines_key
            rows = {r.row: r for r in self.rows(spec.lines_table)} if changes.updates.get(spec.lines_table) else {}
            refs = {str(v.get(spec.lines_key) or "") for v in changes.appends.get(spec.lines_table, [])}
            for rownum, values in changes.updates.get(spec.lines_table, []):
                if rownum in rows:
                    refs |= {str(rows[rownum].get(spec.lines_key) or ""),
                             str(values.get(spec.lines_key, rows[rownum].get(spec.lines_key)) or "")}
            refs.discard("")
            if spec.parent != spec.key:  # lines point to another column of the document (a draft's ref)
                parents_rows = self.rows_where(table.name, spec.parent, refs) if refs else []
                journaled = {ref for (name, ref) in audit.latest_by_doc(self.journal_for(
                    {str(r.get(spec.key) or "") for r in parents_rows})) if name == table.name}
                issued = {str(r.get(spec.parent) or "") for r in parents_rows
                          if str(r.get(spec.key) or "") in journaled}
            else:
                issued = {ref for (name, ref) in audit.latest_by_doc(self.journal_for(refs)) if name == table.name}
            lines_table = self.schema.table(spec.lines_table)
            for values in changes.appends.get(spec.lines_table, []):
                ref = str(values.get(spec.lines_key) or "")
                if ref in issued:
                    raise Refused(Issue(
                        "audit.immutable",
                        f"{lines_table.sheet} : {ref} est émis ; on ne lui ajoute plus de ligne. Établissez un avoir "
                        "ou une nouvelle pièce.", lines_table.sheet,
                    ))
            for rownum, values in changes.updates.get(spec.lines_table, []):
                r = rows.get(rownum)
                if r is None:
                    continue
                refs = {str(r.get(spec.lines_key) or ""), str(values.get(spec.lines_key, r.get(spec.lines_key)) or "")}
                touched = set(values) & {*spec.lines_immutable, spec.lines_key}
                if refs & issued and touched:
                    raise Refused(Issue(
                        "audit.immutable",
                        f"{r.where} : cette ligne appartient à {', '.join(sorted(refs & issued))}, qui est émis ; "
                        "elle ne se modifie plus. Établissez un avoir.", r.where,
                    ))

    def _extend_journal(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> None:
        recent = self.recent_journal()
        tail = recent[-1] if recent else None
        broken = self._check_tail(recent)
        if broken:
            raise Refused([*broken, Issue(
                "audit.refused",
                "Le journal d'audit est altéré : aucune pièce ne peut être émise. Lancez « syc verifier » "
                "et restaurez une sauvegarde (syc sauvegardes restaurer).",
                "Journal d'audit",
            )])
        prev = tail
        stamp = now.replace(microsecond=0).isoformat()
        latest_dates: dict[str, tuple[str, dt.date | None]] = {}
        for table_name, ref, action in changes.issued:
            table = self.schema.table(table_name)
            spec = table.audit
            if spec is None:
                raise ValueError(f"{table_name} is not audited")
            row = self._row_after(changes, table, ref)
            parent = str(row.get(spec.parent) or "")
            extra = [
                r for r in changes.appends.get(spec.lines_table or "", [])
                if str(r.get(spec.lines_key or "") or "") == parent
            ]
            lines = self._lines_by_ref(table, extra, refs={parent}).get(parent, [])
            h = audit.document_hash(table_name, ref, row, spec.immutable, lines, spec.lines_immutable)
            doc_date = row.get(spec.date_column) if spec.date_column else None
            if table_name not in latest_dates:
                last = next((e for e in reversed(recent) if e.table == table_name), None)
                latest_dates[table_name] = (last.ref, last.as_of) if last else self._latest_issued(table)
            last_ref, last_date = latest_dates[table_name]
            if last_date is not None and (doc_date or as_of) < last_date:
                raise Refused(Issue(
                    "audit.order",
                    f"{table.sheet} : {ref} serait daté du {(doc_date or as_of):%d/%m/%Y}, avant {last_ref} "
                    f"({last_date:%d/%m/%Y}). Les pièces se suivent dans l'ordre chronologique : "
                    "datez-la au plus tôt de ce jour-là.", table.sheet,
                ))
            latest_dates[table_name] = (ref, doc_date or as_of)
            entry = audit.next_entry(prev, stamp, doc_date or as_of, action, table_name, ref, h)
            changes.append("tJournalAudit", {
                "seq": entry.seq, "timestamp": entry.timestamp, "as_of": entry.as_of, "action": entry.action,
                "table": entry.table, "ref": entry.ref, "doc_hash": entry.doc_hash,
                "prev_hash": entry.prev_hash, "hash": entry.hash,
            })
            prev = entry
        self._new_tail = prev

    def _latest_issued(self, table: Table) -> tuple[str, dt.date | None]:
        """The reference and date of the table's most recent issued row (chronology of a series)."""
        spec = table.audit
        assert spec is not None
        if not spec.date_column:
            return "", None
        best: tuple[str, dt.date | None] = ("", None)
        for r in self.rows(table.name):
            if spec.issued_column and str(r.get(spec.issued_column) or "") not in spec.issued_values:
                continue
            d = r.get(spec.date_column)
            if isinstance(d, dt.date) and (best[1] is None or d > best[1]):
                best = (str(r.get(spec.key) or ""), d)
        return best

    def _row_after(self, changes: ChangeSet, table: Table, ref: str) -> dict[str, Any]:
        """The document's row as it will be once the change set is applied."""
        assert table.audit is not None
        key = table.audit.key
        for r in changes.appends.get(table.name, []):
            if str(r.get(key) or "") == ref:
                return {c.key: r.get(c.key) for c in table.columns}
        updates: dict[int, dict[str, Any]] = {}
        for rownum, upd in changes.updates.get(table.name, []):
            updates.setdefault(rownum, {}).update(upd)
        for rownum, row in self.rows_at(table.name, set(updates)).items():  # a draft issued: its row is updated
            values = {**row.values, **updates[rownum]}
            if str(values.get(key) or "") == ref:
                return values
        for row in self.rows(table.name):
            values = {**row.values, **updates.get(row.row, {})}  # a draft gets its number at issue
            if str(values.get(key) or "") == ref:
                return values
        raise ValueError(f"{table.name}: {ref} not in the change set nor in the table")

    def _commit(self, replacements: Mapping[str, bytes | None]) -> None:
        """Temporary file, fsync, backup, atomic rename, directory fsync."""
        pkg = self.package
        directory = self.path.parent
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                ooxml.rewrite(pkg.zip, f, replacements)
                f.flush()
                os.fsync(f.fileno())
            backups.backup(self.path)
            pause = os.environ.get(_PAUSE_BEFORE_RENAME)
            if pause:
                import time

                time.sleep(float(pause))
            self.close()
            shutil.copymode(self.path, tmp)  # mkstemp made it 0600: keep the workbook's permissions
            os.replace(tmp, self.path)
            _fsync_dir(directory)
            if self._new_tail is not None:
                write_anchor(self.path, self._new_tail)
                self._new_tail = None
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


SMALL_TABLE = 300  # rows: read by fastread rather than calamine (which first parses all shared strings)
JOURNAL_CHECKED = 50  # journal rows whose chain every issue re-checks (the daily closure checks them all)


def _entries(rows: Sequence[Row]) -> list[audit.Entry]:
    return [audit.Entry(
        seq=int(r["seq"] or 0), timestamp=str(r["timestamp"] or ""), as_of=r["as_of"] or None,
        action=str(r["action"] or ""), table=str(r["table"] or ""), ref=str(r["ref"] or ""),
        doc_hash=str(r["doc_hash"] or ""), prev_hash=str(r["prev_hash"] or ""),
        hash=str(r["hash"] or ""), where=r.where,
    ) for r in rows]


def refuse_if_open(book: Path) -> None:
    lock = office_lock(book)
    if lock:
        raise Refused(Issue(
            "store.open",
            f"Le classeur « {book.name} » est ouvert dans Excel ou LibreOffice. Fermez-le, puis relancez la "
            f"commande. S'il n'est ouvert nulle part (après un plantage), supprimez le fichier « {lock} ».",
            book.name))


def anchor_path(book: Path) -> Path:
    return book.parent / f".{book.name}.syc-ancre"


def write_anchor(book: Path, tail: audit.Entry | None) -> None:
    """Remember the journal's last row beside the workbook (atomically); None removes it."""
    path = anchor_path(book)
    if tail is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{tail.seq} {tail.hash}\n", encoding="ascii")
    os.replace(tmp, path)


def read_anchor(book: Path) -> tuple[int, str] | None:
    try:
        seq, hash_ = anchor_path(book).read_text(encoding="ascii").split()
        return int(seq), hash_
    except (OSError, ValueError):
        return None


def remove_stale_temporaries(book: Path) -> None:
    """Temporary copies left by a writer killed before its rename (call with the lock held:
    no other writer can be using them)."""
    for p in book.parent.glob(f".{glob.escape(book.name)}.*.tmp"):
        with suppress(OSError):
            p.unlink()


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(book: Path, new_bytes_path: Path) -> None:
    """Atomically put a whole file in place of the workbook (restores, migrations), after a backup."""
    with write_lock(book):
        refuse_if_open(book)
        remove_stale_temporaries(book)
        fd, tmp = tempfile.mkstemp(prefix=f".{book.name}.", suffix=".tmp", dir=book.parent)
        try:
            with os.fdopen(fd, "wb") as f, open(new_bytes_path, "rb") as src:
                while chunk := src.read(1 << 20):
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if book.exists():
                backups.backup(book)
                shutil.copymode(book, tmp)
            os.replace(tmp, book)
            _fsync_dir(book.parent)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
