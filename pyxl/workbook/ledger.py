"""The « Écritures » sheet (issue 15): the entries of the books, appended by every action.

Entries are append-only. Each action that issues a document, a penalty note, a payment row or a
loss decision, or that marks a slip credited, appends the entries it generates — and only those:
they are what `pyxl.core.books` computes for that event, from the rows the event depends on (its
document and lines, the credit notes and payment rows on it, its payment group, the reversed rows,
the slips), read through the change set about to be written. A write never recomputes the year.
A later event never rewrites an earlier entry: it has its own (the crediting of a cheque slip
moves 5112 to 512 in its own entry). Entries are numbered continuously per journal and fiscal
year (« VE2026-000001 »), in the order they are appended, which is their validation order.

The entries are the same function of the documents whichever way they are computed: `syc
verifier` recomputes the open fiscal year from every document (`pyxl.services.books.compute`)
and names the first entry that differs from the sheet.

Workbook layer: reads through the store, no service. The fiscal-year helpers live here too, so
that the store's hook and the services share them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pyxl.core import books, pricing
from pyxl.core.fec.writer import Entry
from pyxl.core.issues import Issue, Refused
from pyxl.workbook.cells import canonical
from pyxl.workbook.store import ChangeSet, Row, Store

TABLE = "tEcritures"
ZERO = Decimal("0.00")
# the tables whose issued rows have entries (their audit ref: number, id)
EVENT_TABLES = ("tFactures", "tNotesPenalites", "tReglements", "tCreances")
CREDITED = "Crédité"


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


def _text(v: Any) -> str:
    return str(v or "").strip()


# --------------------------------------------------------------------------- fiscal years
def closing_day(params: Mapping[str, str]) -> tuple[int, int]:
    text = _text(params.get("cloture_exercice")) or "31/12"
    m = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})", text)
    if m and 1 <= int(m[2]) <= 12 and 1 <= int(m[1]) <= 31:
        return int(m[1]), int(m[2])
    raise Refused(Issue("compta.cloture", f"Paramètre « Date de clôture de l'exercice » : « {text} » illisible ; "
                                          "écrivez le jour et le mois, ex. 31/12.", "cloture_exercice"))


def _end_of(year: int, day: int, month: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


def fiscal_year(params: Mapping[str, str], year: int) -> tuple[dt.date, dt.date]:
    """The fiscal year that closes in `year`: (first day, closing day)."""
    day, month = closing_day(params)
    end = _end_of(year, day, month)
    return _end_of(year - 1, day, month) + dt.timedelta(days=1), end


def fiscal_year_of(params: Mapping[str, str], day: dt.date) -> tuple[dt.date, dt.date]:
    start, end = fiscal_year(params, day.year)
    return (start, end) if day <= end else fiscal_year(params, day.year + 1)


# --------------------------------------------------------------------------- the store as it will be
class _After:
    """The rows of a store as they will be once `changes` is written: the rows it updates with
    their new values, the rows it appends (row number 0). Only what the books read."""

    def __init__(self, store: Store, changes: ChangeSet) -> None:
        self.store = store
        self.changes = changes
        self.updates: dict[str, dict[int, dict[str, Any]]] = {}
        for table, ups in changes.updates.items():
            per = self.updates.setdefault(table, {})
            for num, values in ups:
                per.setdefault(num, {}).update(values)

    def _merged(self, table: str, rows: Iterable[Row]) -> list[Mapping[str, Any]]:
        ups = self.updates.get(table, {})
        return [{**r.values, **ups[r.row]} if r.row in ups else r.values for r in rows]

    def where(self, table: str, key: str, values: set[str]) -> list[Mapping[str, Any]]:
        values = values - {""}
        if not values:
            return []
        found = self._merged(table, self.store.rows_where(table, key, values))
        # an update may give a row the value looked for (a draft numbered at issue)
        ups = self.updates.get(table, {})
        wanted = [n for n, v in ups.items() if _text(v.get(key)) in values]
        if wanted:
            for row in self.store.rows_at(table, set(wanted)).values():
                if _text(row.get(key)) not in values:
                    found.append({**row.values, **ups[row.row]})
        found += [r for r in self.changes.appends.get(table, []) if _text(r.get(key)) in values]
        return found

    def all(self, table: str) -> list[Mapping[str, Any]]:
        return self._merged(table, self.store.rows(table)) + list(self.changes.appends.get(table, []))


# --------------------------------------------------------------------------- rows → the core's values
def _line(v: Mapping[str, Any]) -> pricing.Line:
    return pricing.Line(qty=v.get("qty") or Decimal(0), unit_price=v.get("unit_price") or ZERO,
                        rate=v.get("rate") or Decimal(0), discount_pct=v.get("discount_pct") or Decimal(0),
                        fixed_vat=v.get("fixed_vat"))


def doc_of(v: Mapping[str, Any], lines: Sequence[books.DocLine], name: str = "") -> books.Doc:
    return books.Doc(number=_text(v["number"]), doc_type=_text(v["doc_type"]), date=v["date"],
                     client=_text(v["client"]), client_name=_text(v.get("client_name")) or name, lines=tuple(lines),
                     nature=_text(v.get("nature")), operation=_text(v.get("operation")), origin=_text(v.get("origin")),
                     credit_cause=_text(v.get("credit_cause")), discount_pct=_dec(v.get("discount_pct")))


def payment_of(v: Mapping[str, Any]) -> books.Payment:
    charges = v.get("charges")
    return books.Payment(id=_text(v["id"]), date=v["date"], invoice=_text(v.get("invoice")),
                         client=_text(v.get("client")), amount=_dec(v.get("amount")), mode=_text(v.get("mode")),
                         kind=_text(v.get("kind")), cancels=_text(v.get("cancels")), group=_text(v.get("group")),
                         charges=_dec(charges) if charges else None, slip=_text(v.get("slip")),
                         bounced=_text(v.get("bounced")) == "Oui")


def slip_of(v: Mapping[str, Any]) -> books.Slip:
    return books.Slip(number=_text(v["number"]), date=v["date"], mode=_text(v["mode"]), total=_dec(v["total"]),
                      status=_text(v["status"]), credited_on=v.get("credited_on"),
                      fee=_dec(v["fee"]) if v.get("fee") else None)


def loss_of(v: Mapping[str, Any]) -> books.Loss:
    return books.Loss(id=_text(v["id"]), date=v["date"], invoice=_text(v["invoice"]), client=_text(v["client"]),
                      kind=_text(v["kind"]), reason=_text(v.get("reason")), cancels=_text(v.get("cancels")))


def chart_of(rows: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """The chart of « Plan comptable » over the PCG defaults (an unreadable account: the default;
    `syc compta` refuses it with its own message)."""
    out = dict(books.DEFAULT_CHART)
    for r in rows:
        role, account = _text(r.get("role")), _text(r.get("account"))
        if role not in out:
            continue
        if not account:
            if role == "deplacements":
                out[role] = ("", out[role][1])
            continue
        if len(account) >= 3 and account[:3].isdigit() and account.isascii() and account.isalnum():
            out[role] = (account, _text(r.get("label")) or out[role][1])
    return out


def options_of(params: Mapping[str, str], chart_rows: Iterable[Mapping[str, Any]]) -> books.Options:
    return books.Options(vat_on_debits=_text(params.get("tva_sur_debits")) == "Oui", chart=chart_of(chart_rows))


# --------------------------------------------------------------------------- the entries of one action
def events_of(store: Store, changes: ChangeSet) -> dict[str, set[str]]:
    """What the change set books: the documents, notes, payment rows and loss rows it issues, the
    slips it marks credited (by their numbers and ids)."""
    out: dict[str, set[str]] = {t: set() for t in (*EVENT_TABLES, "tBordereaux")}
    for table, ref, _action in changes.issued:
        if table in EVENT_TABLES:
            out[table].add(ref)
    # a slip written already credited, or marked credited now
    out["tBordereaux"] |= {_text(r.get("number")) for r in changes.appends.get("tBordereaux", [])
                           if r.get("status") == CREDITED}
    ups = changes.updates.get("tBordereaux")
    if ups:
        current = store.rows_at("tBordereaux", {n for n, _ in ups})
        for num, values in ups:
            row = current.get(num)
            if values.get("status") == CREDITED and row is not None and row.get("status") != CREDITED:
                out["tBordereaux"].add(_text(row.get("number")))
    return out


def action_entries(store: Store, changes: ChangeSet, as_of: dt.date | None = None) -> list[Entry]:
    """The entries the change set books, computed from the rows they depend on as they will be;
    `as_of`: the day it is booked (a slip credited now moves its cheques bounced before to 512)."""
    ev = events_of(store, changes)
    if not any(ev.values()):
        return []
    after = _After(store, changes)
    pays = {_text(v["id"]): v for v in after.where("tReglements", "id", ev["tReglements"])}
    groups = {_text(v.get("group")) for v in pays.values()} - {""}
    pays.update((_text(v["id"]), v) for v in after.where("tReglements", "group", groups))
    cancelled = {_text(v.get("cancels")) for v in pays.values()} - {""} - set(pays)
    pays.update((_text(v["id"]), v) for v in after.where("tReglements", "id", cancelled))
    issued = after.where("tFactures", "number", ev["tFactures"])
    loss_rows = {_text(v["id"]): v for v in after.where("tCreances", "id", ev["tCreances"])}
    keys = ({_text(v["invoice"]) for v in loss_rows.values()} | {_text(v.get("invoice")) for v in pays.values()}
            | {_text(v.get("origin")) if _text(v.get("doc_type")) == books.CREDIT else _text(v.get("number"))
               for v in issued}) - {""}
    found: dict[str, Mapping[str, Any]] = {_text(v["number"]): v for v in issued}
    if keys:
        found.update((_text(v["number"]), v) for v in after.where("tFactures", "number", keys))
        found.update((_text(v["number"]), v) for v in after.where("tFactures", "origin", keys))
        pays.update((_text(v["id"]), v) for v in after.where("tReglements", "invoice", keys))
        loss_rows.update((_text(v["id"]), v) for v in after.where("tCreances", "invoice", keys))
    booked: dict[str, tuple[dt.date, frozenset[str]]] = {}
    if ev["tBordereaux"] and as_of is not None:  # a slip credited now: its cheques reversed already (on 5112)
        cheques = {_text(v["id"]): v for v in after.where("tReglements", "slip", ev["tBordereaux"])}
        reversals = after.where("tReglements", "cancels", set(cheques))
        pays.update((_text(v["id"]), v) for v in reversals)
        pays.update((k, v) for k, v in cheques.items() if k in {_text(r.get("cancels")) for r in reversals})
        today = frozenset(_text(v.get("group")) or _text(v["id"]) for v in reversals if v.get("date") == as_of)
        booked = {n: (as_of, today) for n in ev["tBordereaux"]}
    notes = [v for v in after.where("tNotesPenalites", "number", ev["tNotesPenalites"])]
    result = _build(store, after, found, pays, loss_rows, notes, ev["tBordereaux"], booked)
    wanted = ev["tFactures"] | ev["tNotesPenalites"] | ev["tCreances"] | ev["tBordereaux"] | {
        _text(v.get("group")) or pid for pid, v in pays.items() if pid in ev["tReglements"]}
    return [e for e in result.entries if e.ref in wanted]


def _build(store: Store, after: _After, found: Mapping[str, Mapping[str, Any]],
           pays: Mapping[str, Mapping[str, Any]], loss_rows: Mapping[str, Mapping[str, Any]],
           note_rows: Iterable[Mapping[str, Any]], slips: set[str] | None = None,
           booked: Mapping[str, tuple[dt.date, frozenset[str]]] | None = None) -> books.Books:
    """The books of these rows (documents by number, payment and loss rows by id, penalty notes);
    `slips`: the numbers of the slips they need (their payments' and those credited now), None: all;
    `booked`: the day the crediting of these slips is booked and the reversals of their cheques
    booked earlier that day (the others: their bank's day)."""
    docs = {n: v for n, v in found.items()
            if n and _text(v.get("status")) not in ("", "Brouillon") and v.get("date") is not None}
    refs = {_text(v["ref"]): n for n, v in docs.items()}
    lines: dict[str, list[tuple[Any, books.DocLine]]] = defaultdict(list)
    if slips is None:
        slip_rows = after.all("tBordereaux")
    else:  # a cheque's reversal asks whether its slip was credited; a slip credited now, its entry
        slip_rows = after.where("tBordereaux", "number", slips | {_text(v.get("slip")) for v in pays.values()})
    slips_all = [slip_of(v) for v in slip_rows if _text(v.get("number"))]
    if booked:
        slips_all = [replace(x, booked_on=booked[x.number][0], booked_after=booked[x.number][1])
                     if x.number in booked else x for x in slips_all]
    travel = set()
    chart_rows = after.all("tPlanComptable")
    if any(_text(r.get("role")) == "deplacements" and _text(r.get("account")) for r in chart_rows):
        travel = {_text(a["code"]) for a in after.all("tArticles") if _text(a.get("family")) == "Déplacement"}
    for v in after.where("tLignesFactures", "doc", set(refs)):
        lines[refs[_text(v["doc"])]].append((v.get("pos") or 0, books.DocLine(
            _line(v), _text(v.get("unit")), _text(v.get("article")) in travel)))
    notes = [books.Note(number=_text(v["number"]), date=v["date"], client=_text(v["client"]),
                        client_name=_text(v.get("client_name")), interest=_dec(v.get("interest")),
                        indemnity=_dec(v.get("indemnity")))
             for v in note_rows if _text(v.get("number")) and v.get("date") is not None]
    pay_list = [payment_of(v) for v in pays.values() if _text(v["id"]) and v.get("date") is not None]
    clients = {_text(v.get("client")) for v in (*docs.values(), *pays.values(), *loss_rows.values())} | {
        n.client for n in notes}
    names = {_text(c["code"]): " ".join(x for x in (_text(c.get("name")), _text(c.get("first_name"))) if x)
             for c in after.where("tClients", "code", clients)}
    doc_list = [doc_of(v, [x for _, x in sorted(lines[n], key=lambda t: t[0])], names.get(_text(v["client"]), ""))
                for n, v in docs.items()]
    options = options_of(store.parameters(), chart_rows)
    return books.build(doc_list, notes, pay_list, slips_all, names, options,
                       losses=[loss_of(v) for v in loss_rows.values() if v.get("date") is not None])


def year_rows(store: Store, as_of: dt.date) -> list[dict[str, Any]]:
    """The sheet's rows of the open fiscal year computed from every row of the workbook (the
    migration that brings the sheet to a workbook kept before it), numbered from 1, validated on
    their own dates."""
    params = store.parameters()
    start, end = fiscal_year_of(params, as_of)
    after = _After(store, ChangeSet())
    found = {_text(v["number"]): v for v in after.all("tFactures") if _text(v.get("number"))}
    pays = {_text(v["id"]): v for v in after.all("tReglements") if _text(v.get("id"))}
    loss_rows = {_text(v["id"]): v for v in after.all("tCreances") if _text(v.get("id"))} if "tCreances" in {
        t.name for t in store.schema.tables} else {}
    result = _build(store, after, found, pays, loss_rows, after.all("tNotesPenalites"))
    return rows_of(books.in_period(result.entries, start, end), params, None, {})


# --------------------------------------------------------------------------- numbering and rows
def _prefix(journal: str, params: Mapping[str, str], day: dt.date) -> str:
    return f"{journal}{fiscal_year_of(params, day)[1].year}-"


def last_numbers(store: Store, prefixes: set[str]) -> dict[str, int]:
    """The last number of each series (journal and fiscal year) on the sheet, read from its end
    in growing steps: a series not found has none yet."""
    out: dict[str, int] = {}
    n, seen = 64, -1
    while prefixes - set(out):
        rows = store.tail(TABLE, n)
        for r in reversed(rows):
            num = _text(r.get("num"))
            for p in prefixes - set(out):
                if num.startswith(p) and num[len(p):].isdigit():
                    out[p] = int(num[len(p):])
        if len(rows) == seen or len(rows) < n:
            break
        seen = len(rows)
        n *= 8
    return out


def rows_of(entries: Sequence[Entry], params: Mapping[str, str], validated: dt.date | None,
            last: Mapping[str, int]) -> list[dict[str, Any]]:
    """The sheet rows of `entries` (one per line), numbered after `last` in their series, validated
    on `validated` (None: on their own dates)."""
    counters = dict(last)
    out = []
    for e in entries:
        prefix = _prefix(e.journal, params, e.date)
        counters[prefix] = counters.get(prefix, 0) + 1
        num = f"{prefix}{counters[prefix]:06d}"
        for x in e.lines:
            out.append({"num": num, "journal": e.journal, "date": e.date, "ref": e.ref, "ref_date": e.ref_date,
                        "account": x.account, "account_label": x.account_label, "aux_account": x.aux_account,
                        "aux_label": x.aux_label, "label": x.label or e.label, "debit": x.debit or None,
                        "credit": x.credit or None, "validated_on": validated or e.date})
    return out


def book(store: Store, changes: ChangeSet, as_of: dt.date) -> None:
    """Append to `changes` the entries of what it books (the store's hook, before the write)."""
    if TABLE not in {t.name for t in store.schema.tables} or TABLE in changes.appends:
        return
    entries = action_entries(store, changes, as_of)
    if not entries:
        return
    params = store.parameters()
    prefixes = {_prefix(e.journal, params, e.date) for e in entries}
    table = store.schema.table(TABLE)
    for row in rows_of(entries, params, as_of, last_numbers(store, prefixes)):
        changes.append(TABLE, {k: canonical(table.column(k), v) for k, v in row.items()})


# --------------------------------------------------------------------------- the sheet read back
def sheet_entries(rows: Iterable[Row]) -> list[tuple[str, Entry, list[Row]]]:
    """The sheet's rows grouped into entries (number, entry, its rows), in sheet order."""
    from pyxl.core.fec.writer import EntryLine

    order: list[str] = []
    grouped: dict[str, list[Row]] = {}
    for r in rows:
        num = _text(r.get("num"))
        if num not in grouped:
            order.append(num)
        grouped.setdefault(num, []).append(r)
    out = []
    for num in order:
        rs = grouped[num]
        first = rs[0]
        journal = _text(first.get("journal"))
        out.append((num, Entry(
            journal=journal, journal_label=books.JOURNALS.get(journal, journal), date=first.get("date"),
            ref=_text(first.get("ref")), ref_date=first.get("ref_date") or first.get("date"),
            label=_text(first.get("label")), validated_on=first.get("validated_on") or first.get("date"),
            lines=tuple(EntryLine(account=_text(r.get("account")), account_label=_text(r.get("account_label")),
                                  debit=_dec(r.get("debit")), credit=_dec(r.get("credit")),
                                  aux_account=_text(r.get("aux_account")), aux_label=_text(r.get("aux_label")),
                                  label=_text(r.get("label"))) for r in rs),
            number=num), rs))
    return out
