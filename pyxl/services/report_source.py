"""What the report reads: the columns of a table, as the store holds them, and the one rule that
types a cell (the store's). The reports package reads the workbook only through these functions
(tests/test_layers.py), never the store.

The report types ten years of rows column by column (numpy, in `pyxl.reports.data`), so a table
comes here as columns of stored values, not as records: a workbook store hands over its cells
(its fast readers: the byte scanner, calamine), any other store (memory, PostgreSQL) its typed
rows, which the same typing accepts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyxl.services import docsource as ds
from pyxl.workbook.cells import from_cell
from pyxl.workbook.schema import Column
from pyxl.workbook.store import Store

__all__ = ["Columns", "Store", "check_version", "columns", "reading", "reading_archive", "typed_cell"]


@dataclass(frozen=True)
class Columns:
    """The values of some columns of a table, by column key, with each row's number."""

    rows: list[int]
    values: dict[str, list[Any]]
    date1904: bool = False


def columns(store: Store, name: str, keys: Sequence[str]) -> Columns:
    """The stored values of `keys` in table `name`, row by row (an empty cell is "" or None)."""
    raw_table = getattr(store, "raw_table", None)
    if raw_table is None:  # a store without cells: its typed rows
        rows = store.rows(name)
        return Columns([r.row for r in rows], {k: [r.get(k) for r in rows] for k in keys})
    cols, raws = raw_table(name)
    index = {col.key: i for i, col in enumerate(cols) if col is not None}
    values = {key: [raw[index[key]] if index[key] < len(raw) else "" for _, raw in raws] for key in keys}
    return Columns([num for num, _ in raws], values, bool(getattr(store, "date1904", False)))


def typed_cell(col: Column, raw: Any, date1904: bool = False) -> Any:
    """A stored value → the schema's Python type (ValueError with a French message if it cannot)."""
    return from_cell(col, raw, date1904)


@contextmanager
def reading(book: Path) -> Iterator[Store]:
    """The workbook file, checked for its schema version, read only and closed afterwards."""
    with ds.reading(book) as store:
        yield store


@contextmanager
def reading_archive(book: Path) -> Iterator[Store]:
    """A fiscal-year archive, read only, at the current schema (an older one through a migrated
    copy, never rewritten: its SHA-256 is recorded)."""
    from pyxl.services.archives import opened

    with opened(book) as store:
        yield store


def check_version(store: Store) -> None:
    """Refused (French message) when the store's schema is not this version's (`syc migrer`)."""
    check = getattr(store, "check_version", None)
    if check is not None:
        check()
