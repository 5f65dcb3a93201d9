"""The workbook's tables as pandas DataFrames for the reports, read-only and fast.

`read_books(active, archives)` reads the active workbook and the archived workbooks of past years
(same schema) with the FileStore's readers (python-calamine for big sheets, the byte scanner for
small ones); nothing is ever written. `normalize(name, raw)` turns a table of raw cell values (as
calamine or xlwings hand them over) into typed columns, so the Excel front end can feed the same
`build_report` from `sheet.tables[...]`.

Typed columns:
  * money → int64 **cents** (exact integers; `Decimal(cents) / 100` for display). A money cell is
    a decimal written with two places; its nearest double × 100, rounded to the nearest integer,
    gives back exactly those cents for any amount below 10^13 €, so no cent is lost or invented;
    a cell typed as text (« 12,50 ») goes through `money.from_cell`. `purchase_price` keeps
    missing values apart (pandas nullable Int64): no purchase price is not a zero cost;
  * quantities → int64 thousandths (the schema allows three decimals);
  * dates → `datetime.date` objects turned into pandas datetimes (NaT when empty);
  * text → `str`, "" when empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pyxl.core import money
from pyxl.core.issues import Issue, Refused
from pyxl.services import report_source as rs
from pyxl.workbook.schema import SCHEMA, Column, Kind

# The tables the reports read, with the columns they use.
COLUMNS: dict[str, tuple[str, ...]] = {
    "tFactures": ("ref", "number", "doc_type", "status", "date", "client", "client_name", "order", "quote", "origin",
                  "nature", "due_date", "total_ht", "total_vat", "total_ttc", "deducted_ttc"),
    "tLignesFactures": ("doc", "article", "qty", "net", "purchase_price", "fixed_vat", "source"),
    "tDevis": ("number", "date", "client", "client_name", "nature", "status", "total_ht", "valid_until",
               "followups", "replaces", "replaced_by", "accepted_on", "refusal_reason", "discount_pct"),
    "tReglements": ("id", "date", "invoice", "client", "amount"),
    "tClients": ("code", "name", "first_name", "sector"),
    "tRelances": ("id", "date", "invoice", "level", "step", "outcome"),
}
# Identifiers that are unique across years: an archive that overlaps the active workbook (a copy
# carried over) must not count the same document twice — the active workbook's row wins.
UNIQUE_KEY = {"tFactures": "number", "tDevis": "number", "tReglements": "id", "tClients": "code", "tRelances": "id"}
MILLI = 1000


def read_books(active: Path, archives: Sequence[Path] = (),
               progress: Callable[[str, int, int], None] | None = None, *,
               active_store: rs.Store | None = None) -> dict[str, pd.DataFrame]:
    """The report tables of the active workbook (or of `active_store`, a base) followed by those of
    the archives, deduplicated. `progress(label, step, total)`: one step per workbook read."""
    per_book: list[dict[str, pd.DataFrame]] = []
    books = [active, *archives]
    for i, path in enumerate(books):
        if progress is not None:
            progress(f"lecture de {path.name}", i + 1, len(books))
        if i == 0 and active_store is not None:
            rs.check_version(active_store)
            per_book.append(read_store(active_store, i))
            continue
        if i:  # an archive written before a schema change is read at the current one, never rewritten
            with rs.reading_archive(path) as arch:
                per_book.append(read_store(arch, i))
            continue
        with rs.reading(path) as store:
            per_book.append(read_store(store, i))
    return combine(per_book)


def read_store(store: Any, i: int = 0) -> dict[str, pd.DataFrame]:
    """The report tables of one store (the workbook file, the ExcelStore of the open workbook…)."""
    frames = {name: _read_table(store, name) for name in COLUMNS}
    # draft references (BROUILLON-12) repeat from one workbook to the next: make them distinct
    tag = f"{i}:"
    frames["tFactures"]["ref"] = tag + frames["tFactures"]["ref"]
    frames["tLignesFactures"]["doc"] = tag + frames["tLignesFactures"]["doc"]
    return frames


def combine(per_book: Sequence[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """One frame per table; a document present in several workbooks is kept once (the first)."""
    out: dict[str, pd.DataFrame] = {}
    for name in COLUMNS:
        df = pd.concat([b[name] for b in per_book], ignore_index=True) if per_book else empty(name)
        key = UNIQUE_KEY.get(name)
        if key is not None and len(per_book) > 1:
            keyed = df[key] != ""
            df = pd.concat([df[keyed].drop_duplicates(subset=[key], keep="first"), df[~keyed]], ignore_index=True)
        out[name] = df
    refs = set(out["tFactures"]["ref"])
    lines = out["tLignesFactures"]
    out["tLignesFactures"] = lines[lines["doc"].isin(refs)].reset_index(drop=True)
    return out


def _read_table(store: Any, name: str) -> pd.DataFrame:
    # The store's own readers: header checks with their French messages, the byte scanner for
    # small tables, calamine for the big ones (read-only; the file is never opened for writing).
    got = rs.columns(store, name, COLUMNS[name])
    return _normalize(name, got.values, got.rows, got.date1904)


def empty(name: str) -> pd.DataFrame:
    return normalize(name, pd.DataFrame({key: [] for key in COLUMNS[name]}))


def normalize(name: str, raw: pd.DataFrame, *, rows: Sequence[int] | None = None,
              date1904: bool = False) -> pd.DataFrame:
    """Typed columns (see the module docstring) from raw cell values (a DataFrame whose columns are
    the schema keys, as xlwings or calamine give them); blank rows dropped. Refuses, naming the
    sheet, the row and the column, on a value that cannot be read."""
    n = len(raw)
    rownums = list(rows) if rows is not None else [i + table_first_row() for i in range(n)]
    columns = {}
    for key in COLUMNS[name]:
        values = raw[key].to_numpy(dtype=object).tolist() if key in raw else [None] * n
        columns[key] = [None if (v is None or v == "" or v is pd.NaT or (isinstance(v, float) and v != v)) else v
                        for v in values]
    return _normalize(name, columns, rownums, date1904)


def _normalize(name: str, columns: dict[str, list[Any]], rownums: list[int], date1904: bool) -> pd.DataFrame:
    """`normalize` on plain lists, where an empty cell is None or ""."""
    table = SCHEMA.table(name)
    n = len(rownums)
    keep = [False] * n
    for values in columns.values():  # a row is kept when one of its cells is not empty
        keep = [k or not (v is None or v == "") for k, v in zip(keep, values, strict=True)]
    if not all(keep):
        columns = {key: [v for v, k in zip(values, keep, strict=True) if k] for key, values in columns.items()}
        rownums = [r for r, k in zip(rownums, keep, strict=True) if k]
    out: dict[str, Any] = {}
    for key in COLUMNS[name]:
        out[key] = _typed(table.column(key), columns[key], table.sheet, rownums, date1904)
    return pd.DataFrame(out)


def table_first_row() -> int:
    return 2  # a table written from the sheet's first row: its first record is on row 2


def _typed(col: Column, values: list[Any], sheet: str, rownums: list[int], date1904: bool) -> Any:
    k = col.kind
    if k is Kind.MONEY:
        cents = _scaled(col, values, 100, sheet, rownums)
        return pd.array(cents, dtype="Int64") if col.key == "purchase_price" else _filled(cents)
    if k is Kind.DECIMAL:
        return _filled(_scaled(col, values, MILLI, sheet, rownums))
    if k is Kind.INT:
        return _filled([None if _empty(v) else int(_convert(col, v, sheet, rownums[i], date1904))
                        for i, v in enumerate(values)])
    if k is Kind.DATE:
        days = [v if type(v) is dt.date else None if _empty(v) else _convert(col, v, sheet, rownums[i], date1904)
                for i, v in enumerate(values)]
        return pd.to_datetime(pd.Series(days, dtype=object), errors="raise") if days else pd.Series([], dtype="datetime64[ns]")
    return pd.Series([v if type(v) is str else "" if v is None else str(_convert(col, v, sheet, rownums[i], date1904))
                      for i, v in enumerate(values)], dtype=object)


def _empty(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and v != v)


def _filled(values: list[int | None]) -> pd.Series:
    return pd.Series([0 if v is None else v for v in values], dtype="int64")


def _scaled(col: Column, values: list[Any], scale: int, sheet: str, rownums: list[int]) -> list[int | None]:
    """Exact integers (cents, thousandths) from the cells: numbers in bulk, typed text one by one."""
    series = pd.Series(values, dtype=object)
    # numbers in bulk; text (« 12,50 »), dates or booleans fall back to the one-by-one path below
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, copy=True)
    odd = series.map(type).isin((bool, str, dt.date, dt.datetime)).to_numpy(dtype=bool)
    numeric[odd] = np.nan
    scaled = np.rint(numeric * scale)
    out: list[int | None] = [None if np.isnan(x) else int(x) for x in scaled]
    for i, v in enumerate(values):
        if out[i] is None and not _empty(v):
            try:
                d = money.parse_decimal(v, max_places=None)
            except money.AmountError as exc:
                raise _bad(col, sheet, rownums[i], str(exc)) from None
            out[i] = int(money.to_cents(d) * 100) if scale == 100 else int((d * scale).to_integral_value())
    return out


def _convert(col: Column, v: Any, sheet: str, rownum: int, date1904: bool) -> Any:
    try:
        return rs.typed_cell(col, v, date1904)
    except ValueError as exc:
        raise _bad(col, sheet, rownum, str(exc)) from None


def _bad(col: Column, sheet: str, rownum: int, why: str) -> Refused:
    return Refused(Issue("rapport.cellule", f"Feuille « {sheet} », ligne {rownum}, colonne « {col.header} » : {why}. "
                                            "Corrigez la cellule puis relancez le rapport.", f"{sheet}, ligne {rownum}"))


def cents(value: int | float | np.integer[Any]) -> Decimal:
    """Integer cents → Decimal euros, exactly."""
    return Decimal(int(value)).scaleb(-2)


def day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return pd.Timestamp(value).date()
