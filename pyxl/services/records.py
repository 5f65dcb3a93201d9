"""Typed records read from a store (`pyxl.core.records`): what the documents, the reports and the
JSON answers are built from, so that none of them reads rows of the store."""

from __future__ import annotations

from collections.abc import Iterable

from pyxl.core.records import (
    Article,
    Client,
    Invoice,
    InvoiceLine,
    Order,
    Payment,
    Quote,
    QuoteLine,
    R,
    Record,
)
from pyxl.workbook.store import Row, Store

RECORDS: tuple[type[Record], ...] = (Client, Article, Quote, QuoteLine, Order, Invoice, InvoiceLine, Payment)


def record(cls: type[R], row: Row) -> R:
    return cls.of(row.values, row.where)


def records(cls: type[R], rows: Iterable[Row]) -> list[R]:
    return [cls.of(r.values, r.where) for r in rows]


def all_of(store: Store, cls: type[R]) -> list[R]:
    """Every record of the class's table."""
    return records(cls, store.rows(cls.TABLE))


def where(store: Store, cls: type[R], key: str, values: set[str]) -> list[R]:
    """The records whose `key` column is one of `values` (found by key, never a whole-table scan
    where the store can avoid it)."""
    return records(cls, store.rows_where(cls.TABLE, key, values))


def invoice_lines(store: Store, invoice: Invoice) -> list[InvoiceLine]:
    """The lines of an invoice-type document (they point to its internal reference)."""
    return where(store, InvoiceLine, "doc", {str(invoice.ref or "")})


def quote_lines(store: Store, quote: Quote) -> list[QuoteLine]:
    return where(store, QuoteLine, "quote", {str(quote.number or "")})


def payments_of(store: Store, invoice: Invoice) -> list[Payment]:
    return where(store, Payment, "invoice", {str(invoice.number or "")}) if invoice.number else []
