"""What the documents read, as typed records (`pyxl.core.records`): a quote or an invoice-type
document with its lines, totals, payments and client; the company's parameters; the clients, the
orders and the invoices of a mail merge; the lines of penalty notes. The documents package reads
the workbook only through these functions (tests/test_layers.py), never the store's rows.

`Store` and `ChangeSet` are named here for the documents' signatures: a document function is
handed the store of the action (a file, the open workbook, a base) and passes it back to the
services; it never calls it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import pricing
from pyxl.core.records import Article, Client, Invoice, InvoiceLine, Order, Payment, Quote, QuoteLine
from pyxl.services import records as rec
from pyxl.workbook.store import ChangeSet, Row, Store

__all__ = ["ChangeSet", "InvoiceSource", "QuoteSource", "Store"]


@dataclass(frozen=True)
class QuoteSource:
    """A quote as its document prints it: the quote, its lines in order and their totals."""

    quote: Quote
    lines: tuple[QuoteLine, ...]
    totals: pricing.Totals


@dataclass(frozen=True)
class InvoiceSource:
    """An invoice, deposit invoice or credit note with its lines, totals, payment rows and the issued
    credit notes on it. For an invoice of an archived fiscal year read with the active workbook
    (`invoice_source(…, active=…)`), the payments and credit notes recorded there since its archiving
    are joined, and its « Réglé », « Avoirs » and « Statut » are what they would be in the active
    workbook (its archived row is never written)."""

    invoice: Invoice
    lines: tuple[InvoiceLine, ...]
    totals: pricing.Totals
    payments: tuple[Payment, ...]
    credit_notes: tuple[Invoice, ...] = ()


def parameters(store: Store) -> dict[str, str]:
    """Paramètres as text by code."""
    return store.parameters()


def client(store: Store, code: str) -> Client:
    """The client of this code (refused, in French, when there is none)."""
    from pyxl.services.clients import get_client

    return rec.record(Client, get_client(store, code))


def client_of(row: Row) -> Client:
    """A client row some service handed over (a dunning case's) as its record."""
    return rec.record(Client, row)


def invoice_of(row: Row) -> Invoice:
    """An invoice row some service handed over (a dunning case's) as its record."""
    return rec.record(Invoice, row)


def payments_of(rows: list[Row]) -> list[Payment]:
    """Payment rows some service handed over (the dunning's payments that count) as records."""
    return rec.records(Payment, rows)


def find_client(store: Store, code: str) -> Client | None:
    """The client of exactly this code, or None."""
    found = store.rows_where("tClients", "code", {code}) if code else []
    return rec.record(Client, found[0]) if found else None


def clients(store: Store, codes: set[str]) -> dict[str, Client]:
    """The clients of these codes, by code."""
    return {str(c.code): c for c in rec.where(store, Client, "code", codes)} if codes else {}


def all_clients(store: Store) -> list[Client]:
    return rec.all_of(store, Client)


def article_families(store: Store, codes: set[str]) -> dict[str, Any]:
    """The family (« Déplacement », « Main-d'œuvre »…) of each article code."""
    return {str(a.code): a.family for a in rec.where(store, Article, "code", codes)} if codes else {}


def guarantees(store: Store, nature: str) -> list[str]:
    """The texts of « Garanties légales » for a nature of works, in the sheet's order."""
    return [str(g["text"]).strip() for g in store.rows("tGaranties")
            if ("" if g["nature"] is None else str(g["nature"]).strip()) == nature
            and g["text"] is not None and str(g["text"]).strip()]


def quote(store: Store, number: str) -> Quote:
    from pyxl.services.quotes import get_quote

    return rec.record(Quote, get_quote(store, number))


def quote_source(store: Store, number: str, as_of: dt.date) -> QuoteSource:
    from pyxl.services.quotes import quote_detail

    d = quote_detail(store, number, as_of)
    return QuoteSource(rec.record(Quote, d["row"]), tuple(rec.records(QuoteLine, d["lines"])), d["totals"])


def quote_lines(store: Store, number: str) -> list[QuoteLine]:
    """The lines of a quote, in order."""
    from pyxl.services import salesdocs as sd

    return rec.records(QuoteLine, sd.lines_of(store, "tLignesDevis", "quote", {number}).get(number, []))


def check_mediator(store: Store, record: Quote | Order, where: str, what: str) -> None:
    """A consumer's quote or order names the firm's consumer mediator (refused otherwise)."""
    from pyxl.services.quotes import check_mediator

    check_mediator(store, Row(record.values(), 0, ""), where, what)


def order(store: Store, number: str) -> Order:
    from pyxl.services.orders import get_order

    return rec.record(Order, get_order(store, number))


def doc(store: Store, ref: str) -> Invoice:
    """An invoice-type document by number or draft reference (refused when unknown)."""
    from pyxl.services.invoices import get_doc

    return rec.record(Invoice, get_doc(store, ref))


def find(store: Store, ref: str) -> Invoice:
    """`doc`, or an issued invoice that left for a fiscal-year archive (its `where` naming the
    archive): what a credit note's document or a paid copy needs of an invoice of a closed year —
    with what the active workbook recorded on it since (`since_archived`: a credit note issued
    after the archiving counts in its « Avoirs » and « Statut »)."""
    from pyxl.services.invoices import doc_or_archived

    row, found = doc_or_archived(store, ref)  # the archives searched once
    invoice = rec.record(Invoice, row)
    return invoice if found is None else since_archived(store, invoice)[0]


@contextmanager
def home_of(store: Store, number: str) -> Iterator[Store]:
    """The store that holds an issued invoice: this one, or the fiscal-year archive it left for,
    opened read only (through a migrated copy when older: `archives.opened`), as it was issued there."""
    from pyxl.services import archives
    from pyxl.services.invoices import doc_or_archived

    _, found = doc_or_archived(store, number)  # the archives searched once
    if found is None:
        yield store
        return
    with archives.opened(found.path) as arch:
        yield arch


def invoice_source(store: Store, ref: str, *, active: Store | None = None, settled: bool = False) -> InvoiceSource:
    """The document `ref` as `store` holds it; `settled`: with the issued credit notes on it (what a
    paid copy lists; one more look-up, left out of the other documents). `active`: the active
    workbook when `store` is the fiscal-year archive the invoice left for (`home_of`): the payments
    and credit notes recorded in the active workbook since the archiving are joined, as for an
    invoice that never left it."""
    from pyxl.services.invoices import doc_detail

    d = doc_detail(store, ref)
    invoice = rec.record(Invoice, d["row"])
    payments = rec.records(Payment, d["payments"])
    credits = _issued_credit_notes(store, invoice) if settled else []
    if active is not None and active is not store:
        invoice, later_payments, later_credits = since_archived(active, invoice)
        payments += later_payments
        credits += later_credits
    return InvoiceSource(invoice, tuple(rec.records(InvoiceLine, d["lines"])), d["totals"], tuple(payments),
                         tuple(credits))


def _issued_credit_notes(store: Store, invoice: Invoice) -> list[Invoice]:
    from pyxl.core import workflow as wf

    if not invoice.number or invoice.doc_type == wf.T_CREDIT:
        return []
    return [c for c in credit_notes_on(store, str(invoice.number)) if c.doc_type == wf.T_CREDIT and c.number]


def since_archived(active: Store, invoice: Invoice) -> tuple[Invoice, list[Payment], list[Invoice]]:
    """An invoice read in a fiscal-year archive, with the payment rows (a credit note's
    « Compensation ») and the issued credit notes the active workbook holds on it since the
    archiving: the invoice's « Réglé », « Avoirs » and « Statut » as they would be had it stayed
    (the issuing of those credit notes wrote them so on an active invoice), and those rows."""
    from pyxl.core import workflow as wf

    payments = payments_on(active, str(invoice.number)) if invoice.number else []
    credits = _issued_credit_notes(active, invoice)
    if not payments and not credits:
        return invoice, [], []
    zero = Decimal("0.00")
    paid = (invoice.paid or zero) + sum((p.amount or zero for p in payments), zero)
    credited = (invoice.credited or zero) + sum((c.total_ttc or zero for c in credits), zero)
    total = invoice.total_ttc or zero
    return (dataclasses.replace(invoice, paid=paid, credited=credited, status=str(wf.invoice_state(total, paid, credited)),
                                owed=total - paid - credited), payments, credits)


def credit_notes_on(store: Store, number: str) -> list[Invoice]:
    """The documents whose origin is this invoice (credit notes, drafts included), in sheet order."""
    return rec.where(store, Invoice, "origin", {number})


def payments_on(store: Store, number: str) -> list[Payment]:
    """The payment rows of an invoice (reversals included), in sheet order."""
    return rec.where(store, Payment, "invoice", {number})


def payments_wherever(store: Store, number: str) -> list[Payment]:
    """The payment rows of an issued invoice in every book that holds some: for an invoice of an
    archived year, its archive's (as they were archived), then the active workbook's since."""
    with home_of(store, number) as home:
        earlier = payments_on(home, number) if home is not store else []
    return earlier + payments_on(store, number)


def all_article_families(store: Store) -> dict[str, str]:
    """The family of every article of the catalogue, by code ("" when it has none)."""
    return {str(a.code): str(a.family or "") for a in rec.all_of(store, Article)}


def orders_by_number(store: Store, numbers: set[str]) -> dict[str, Order]:
    return {str(o.number): o for o in rec.where(store, Order, "number", numbers)} if numbers else {}


def lines_of_quotes(store: Store, quotes: set[str]) -> list[QuoteLine]:
    """The lines of these quotes, in sheet order."""
    return rec.where(store, QuoteLine, "quote", quotes) if quotes else []


def technician_jobs(store: Store, code: str) -> list[dict[str, Any]]:
    """The interventions of a technician (their values), in sheet order."""
    return [dict(r.values) for r in store.rows_where("tInterventions", "technician", {code})]


def client_histories(store: Store) -> dict[str, tuple[Decimal, dt.date | None, dt.date | None]]:
    """Per client code: (balance due on its issued invoices and deposit invoices not fully paid,
    last intervention — order carried out, or invoice's date of service —, last invoice's date).
    Read from the rows in one pass (ten years of invoices: no record is built for each)."""
    from pyxl.core import workflow as wf

    balance: dict[str, Decimal] = {}
    last_job: dict[str, dt.date] = {}
    last_invoice: dict[str, dt.date] = {}

    def later(d: dict[str, dt.date], code: str, day: Any) -> None:
        if isinstance(day, dt.date) and (code not in d or day > d[code]):
            d[code] = day

    zero = Decimal("0.00")
    for r in store.rows("tFactures"):
        code = str(r["client"] or "").strip().upper()
        if r["doc_type"] == wf.T_CREDIT or r["status"] not in wf.ISSUED_STATES:
            continue
        if r["status"] in (wf.I_ISSUED, wf.I_PARTIAL):
            due = (r["total_ttc"] or zero) - (r["paid"] or zero) - (r["credited"] or zero)
            if due > 0:
                balance[code] = balance.get(code, zero) + due
        later(last_invoice, code, r["date"])
        later(last_job, code, r["service_date"])
    for r in store.rows("tCommandes"):
        if r["status"] in (wf.O_DONE, wf.O_INVOICED):
            later(last_job, str(r["client"] or "").strip().upper(), r["done_on"])
    codes = set(balance) | set(last_job) | set(last_invoice)
    return {c: (balance.get(c, zero), last_job.get(c), last_invoice.get(c)) for c in codes}


def note_lines_on(store: Store, invoices: set[str]) -> list[dict[str, Any]]:
    """The penalty notes' lines claiming these invoices (their typed values)."""
    return [dict(r.values) for r in store.rows_where("tLignesNotes", "invoice", invoices)] if invoices else []


def penalty_note(store: Store, number: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A penalty note's values and its lines' values (refused when unknown)."""
    from pyxl.services import penalties

    note = penalties.get_note(store, number)
    return dict(note.values), [dict(r.values) for r in penalties.lines_of(store, {str(note["number"])})]


def slip(store: Store, number: str) -> dict[str, Any]:
    """A deposit slip's values (refused when unknown)."""
    from pyxl.services import slips

    return dict(slips.get_slip(store, number).values)


def values_of(row: Row | Mapping[str, Any]) -> dict[str, Any]:
    """The typed values of a row some service handed over (a dunning case's history…)."""
    return dict(row.values) if isinstance(row, Row) else dict(row)


# --------------------------------------------------------------------------- a workbook file read
@contextmanager
def reading(book: Path, store: Store | None = None) -> Iterator[Store]:
    """The store to read: the one given (the open workbook in Excel), else the workbook file,
    checked for its schema version and closed afterwards."""
    if store is not None:
        _check_version(store)
        yield store
        return
    from pyxl.workbook.filestore import FileStore

    opened = FileStore(book)
    try:
        opened.check_version()
        yield opened
    finally:
        opened.close()


def _check_version(store: Store) -> None:
    """The schema version check of a store that has one (the file and Excel stores)."""
    check = getattr(store, "check_version", None)
    if check is not None:
        check()


def book_parameters(book: Path, store: Store | None = None) -> dict[str, str]:
    """Paramètres of the given store, else of the workbook file (its version not checked)."""
    if store is not None:
        return store.parameters()
    from pyxl.workbook.filestore import FileStore

    reader = FileStore(book)
    try:
        return reader.parameters()
    finally:
        reader.close()


def write_rows(book: Path, table: str, rows: list[Mapping[str, Any]], *, as_of: dt.date, now: dt.datetime,
               store: Store | None = None) -> None:
    """Append rows to a table in one change set, through the given store or the workbook file
    (raises Refused or OSError: the caller decides what a failure means)."""
    changes = ChangeSet()
    for r in rows:
        changes.append(table, r)
    if store is None:
        from pyxl.workbook.filestore import FileStore

        store = FileStore(book)
    with store.session():
        _check_version(store)
        store.apply(changes, as_of=as_of, now=now)
