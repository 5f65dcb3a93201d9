"""Cell values ↔ the schema's Python types, as a workbook holds them.

Every store reads and writes values through these rules, so that a value fingerprinted at issue
(`canonical`) is exactly the one `syc verifier` reads back later, whichever store wrote it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pyxl.core import fields
from pyxl.core.audit import normalise
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.money import AmountError, parse_decimal, to_cents
from pyxl.workbook import fastread, ooxml
from pyxl.workbook.schema import NO, YES, Column, Kind, Table

MAX_NUMBER = Decimal("1e15")  # beyond, a cell is a typing accident, not an amount
# Excel's calendar is wrong before 1900-03-01 (its phantom 29/02/1900): no date outside this span
FIRST_DATE = dt.date(1900, 3, 1)
FIRST_DATE_1904 = dt.date(1904, 1, 1)  # in workbooks using the 1904 date system
LAST_DATE = dt.date(9999, 12, 31)


_NOTHING_READ: dict[str, Any] = {}  # never written: a row's first value read gets its own dict


class LazyValues(Mapping[str, Any]):
    """A row's cells, converted to the schema's types only when read (most actions look at two or
    three columns of thousands of rows). A cell that cannot be read raises Refused naming it."""

    __slots__ = ("_cache", "_columns", "_plans", "_raw", "_where")

    def __init__(self, raw: Sequence[Any], columns: Mapping[str, tuple[int, Column, Any, Any]],
                 absent: Sequence[str], where: tuple[str, int], plans: dict[Any, Any] | None = None):
        """`columns`: key → (index in `raw`, column, its `converter`, its `normaliser`); `plans`:
        shared by the rows of one table (what `normalised` found of a list of keys)."""
        self._raw = raw
        self._columns = columns
        # one empty mapping shared by the rows nothing was read of (ten years of rows: megabytes)
        self._cache: dict[str, Any] = dict.fromkeys(absent) if absent else _NOTHING_READ
        self._where = where
        self._plans = {} if plans is None else plans

    def __getitem__(self, key: str) -> Any:
        try:
            return self._cache[key]
        except KeyError:
            pass
        i, col, convert, _ = self._columns[key]  # KeyError for an unknown column, like a dict
        v = self._raw[i] if i < len(self._raw) else None
        try:
            value = convert(v)
        except ValueError as exc:
            raise Refused(bad_cell(self._where, col, exc)) from None
        if self._cache is _NOTHING_READ:
            self._cache = {}
        self._cache[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        """`Mapping.get` without its generic path (the fingerprints of ten years of rows)."""
        try:
            return self._cache[key]
        except KeyError:
            pass
        if key not in self._columns:
            return default
        return self[key]

    def transient(self) -> Mapping[str, Any]:
        """The same values, converted on each read and not kept in the row (read once, by `syc
        verifier`'s recomputation of ten years of lines)."""
        return _Transient(self)

    def pick(self, keys: Sequence[str]) -> list[Any]:
        """`[self.get(k) for k in keys]`, converted straight from the stored cells and not kept in
        the row (`syc verifier` reads ten years of invoices and payments once to book them)."""
        # a value already read is the same conversion of the same cell: converted again, not looked up
        key: Any = id(keys) if type(keys) is tuple else ("pick", tuple(keys))
        plan: Any = self._plans.get(key)  # the same tuple of keys, asked of every row: found by identity
        if plan is None or (plan[0] is not keys and type(keys) is tuple):
            # (index, converter) per key; every key a column of the sheet, else the general path
            found = [self._columns[k][::2] if k in self._columns else None for k in keys]
            plan = (keys, max((s[0] for s in found if s), default=-1) + 1, found, None not in found)
            self._plans[key] = plan  # (it holds `keys`: their id is no other tuple's meanwhile)
        _, width, steps, direct = plan  # not direct: a column absent from the sheet (the general path)
        raw = self._raw
        if direct and len(raw) >= width:
            try:
                return [convert(raw[i]) for i, convert in steps]
            except ValueError:
                pass  # named by the general path
        return [_Transient(self).get(k) for k in keys]

    def normalised(self, keys: Sequence[str]) -> list[str]:
        """`audit.normalise(self.get(k))` for each key, straight from the stored cells and without
        keeping the typed values (`syc verifier` fingerprints ten years of rows once)."""
        raw, n, columns, cache = self._raw, len(self._raw), self._columns, self._cache
        key: Any = -1 - id(keys) if type(keys) is tuple else ("normalised", tuple(keys))  # as in `pick`
        plan = self._plans.get(key)
        if plan is None or (plan[0] is not keys and type(keys) is tuple):
            # (index, normaliser) per key, a key that is no column giving "" (as normalise(None))
            steps = [(columns[k][0], columns[k][3]) if k in columns else (0, _blank) for k in keys]
            plan = (keys, max((i for i, _ in steps), default=-1) + 1, steps)
            self._plans[key] = plan
        _, width, steps = plan
        if n >= width:
            try:
                return [norm(raw[i]) for i, norm in steps]
            except ValueError:
                pass  # named below
        out = []
        for key in keys:
            found = columns.get(key)
            if found is None:
                out.append(normalise(cache.get(key)))
                continue
            i, col, _, norm = found
            try:
                out.append(norm(raw[i] if i < n else None))
            except ValueError as exc:
                raise Refused(bad_cell(self._where, col, exc)) from None
        return out

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


class _Transient(Mapping[str, Any]):
    """`LazyValues.transient()`."""

    __slots__ = ("_lazy",)

    def __init__(self, lazy: LazyValues):
        self._lazy = lazy

    def __getitem__(self, key: str) -> Any:
        lazy = self._lazy
        cache = lazy._cache
        if key in cache:
            return cache[key]
        i, col, convert, _ = lazy._columns[key]  # KeyError for an unknown column, like a dict
        raw = lazy._raw
        try:
            return convert(raw[i] if i < len(raw) else None)
        except ValueError as exc:
            raise Refused(bad_cell(lazy._where, col, exc)) from None

    def get(self, key: str, default: Any = None) -> Any:
        lazy = self._lazy
        cache = lazy._cache
        if key in cache:
            return cache[key]
        found = lazy._columns.get(key)
        if found is None:
            return default
        i, col, convert, _ = found
        raw = lazy._raw
        try:
            return convert(raw[i] if i < len(raw) else None)
        except ValueError as exc:
            raise Refused(bad_cell(lazy._where, col, exc)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._lazy)

    def __len__(self) -> int:
        return len(self._lazy)


def share_cells(grid: list[list[Any]]) -> None:
    """One object per distinct text among these rows' cells (the same client, state or label
    repeated over ten years of rows is kept once): memory only, the values read are the same.
    (Numbers are left: sharing them saved little and cost as much time.)"""
    texts: dict[str, str] = {}
    for row in grid:
        row[:] = [texts.setdefault(x, x) if type(x) is str else x for x in row]


def _blank(_v: Any) -> str:
    return ""


def bad_cell(where: tuple[str, int], col: Column, exc: Exception) -> Issue:
    sheet, rownum = where
    return Issue("store.value", f"{sheet}, ligne {rownum}, colonne « {col.header} » : {exc}. Corrigez la cellule.",
                 f"{sheet}, ligne {rownum}")



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
            try:
                return ooxml.date_from_serial(raw + (ooxml.DAYS_1904 if date1904 else 0))
            except (OverflowError, ValueError):  # 1,2E+11, NaN: no calendar day
                raise ValueError(f"« {raw} » n'est pas une date") from None
        return fields.date(str(raw), label="la valeur")
    # text-like columns
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.isoformat()
    return str(raw)


text_of = fastread.text_of  # a key cell as text, the way `from_cell` reads a text column


# what the fast paths below made of each float cell already met (ten years of rows repeat their
# prices, quantities and rates): a float is its own exact key, and -0.0 == 0.0 both give zero.
# Bounded: past _SEEN_MAX values, the others are converted each time.
_SEEN_MAX = 200_000
_CENTS: dict[float, Decimal] = {}
_NUMBERS: dict[float, Decimal] = {}
_CENTS_TEXT: dict[float, str] = {}
_NUMBERS_TEXT: dict[float, str] = {}
_TEXTS: dict[str, str] = {}  # a text cell → its fingerprinted form (spaces collapsed)


def converter(col: Column, date1904: bool = False) -> Any:
    """`from_cell` for one column, with the common cases (empty, plain text) short-circuited."""
    if col.kind in (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP):
        def text(v: Any) -> Any:
            if v is None or v == "":
                return None
            return v if type(v) is str else from_cell(col, v)
        return text

    if col.kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        money = col.kind is Kind.MONEY
        zero = Decimal("0.00") if money else Decimal(0)
        seen = _CENTS if money else _NUMBERS

        def number(v: Any) -> Any:
            # the common case, a finite float from calamine, as from_cell reads it (repr, never binary maths)
            if type(v) is float and -1e15 < v < 1e15:
                d = seen.get(v)
                if d is not None:
                    return d
                d = Decimal(repr(v))
                d = zero if not d else to_cents(d) if money else d.normalize()  # never « -0,00 € »
                if len(seen) < _SEEN_MAX:
                    seen[v] = d
                return d
            return None if v is None or v == "" else from_cell(col, v, date1904)
        return number

    if col.kind is Kind.DATE and not date1904:
        def day(v: Any) -> Any:
            if type(v) is dt.date:
                return v
            return None if v is None or v == "" else from_cell(col, v, date1904)
        return day

    if col.kind is Kind.INT:
        def whole(v: Any) -> Any:
            if type(v) is float and v.is_integer():  # as from_cell reads it
                return int(v)
            return None if v is None or v == "" else from_cell(col, v, date1904)
        return whole

    def other(v: Any) -> Any:
        return None if v is None or v == "" else from_cell(col, v, date1904)
    return other


def normaliser(col: Column, date1904: bool = False) -> Callable[[Any], str]:
    """`audit.normalise(converter(col)(v))` for one column, the usual cells (a text, a finite
    float, a date) written out directly: one rounding instead of three for an amount."""
    convert = converter(col, date1904)

    def other(v: Any) -> str:
        if v is None or v == "":
            return ""  # every converter reads an empty cell as None
        return normalise(convert(v))

    if col.kind in (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP):
        def text(v: Any) -> str:
            if type(v) is str:
                t = _TEXTS.get(v)
                if t is None:
                    t = " ".join(v.split())
                    t = v if t == v else t  # the cell's own text, not a copy (memory)
                    if len(_TEXTS) < _SEEN_MAX:
                        _TEXTS[v] = t
                return t
            return other(v)
        return text
    if col.kind is Kind.MONEY:
        def money(v: Any) -> str:
            if type(v) is float and -1e15 < v < 1e15:  # `converter`'s fast path
                t = _CENTS_TEXT.get(v)
                if t is None:
                    cents = to_cents(Decimal(repr(v)))
                    t = str(cents) if cents else "0.00"  # never « -0.00 »
                    if len(_CENTS_TEXT) < _SEEN_MAX:
                        _CENTS_TEXT[v] = t
                return t
            return other(v)
        return money
    if col.kind in (Kind.DECIMAL, Kind.RATE):
        def number(v: Any) -> str:
            if type(v) is float and -1e15 < v < 1e15:  # `converter`'s fast path
                t = _NUMBERS_TEXT.get(v)
                if t is None:
                    d = Decimal(repr(v))
                    t = normalise(d.normalize()) if d else "0.00"
                    if len(_NUMBERS_TEXT) < _SEEN_MAX:
                        _NUMBERS_TEXT[v] = t
                return t
            return other(v)
        return number
    if col.kind is Kind.DATE and not date1904:
        def day(v: Any) -> str:
            return v.isoformat() if type(v) is dt.date else other(v)
        return day
    if col.kind is Kind.INT:
        def whole(v: Any) -> str:
            if type(v) is float and v.is_integer() and -1e15 < v < 1e15:  # `normalise` of int(v): to the cent
                return f"{int(v)}.00"
            return other(v)
        return whole
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
        raise ValueError(f"la date {date_fr(value)} est hors de la période gérée "
                         f"({date_fr(first)} – {date_fr(LAST_DATE)})")
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

