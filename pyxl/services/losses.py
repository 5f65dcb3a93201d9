"""Doubtful debts and write-offs (issue 15, item 3; domain.md §8.5): dated rows of « Créances
douteuses », never edits of the invoice, each undone only by an opposite row (« Annulation »).

* Declared doubtful: what the client still owes on the invoice moves from 411 to 416 in the books
  (`pyxl.core.books`); it is no longer dunned.
* Written off as irrecoverable (liquidation, failed enforcement, certificate of irrecoverability):
  654, with the VAT reversed — the VAT still waiting for the payment leaves 44574, the VAT declared
  at invoicing is recovered (CGI art. 272-1 ; BOI-TVA-DED-40-10-20) — and the invoice is no
  longer owed nor dunned.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pyxl.core import fields
from pyxl.core import workflow as wf
from pyxl.core.books import CANCELLED, DOUBTFUL, WRITTEN_OFF
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.services.invoices import get_doc
from pyxl.workbook.store import Row, Store

ZERO = Decimal("0.00")
TABLE = "tCreances"
ACTIONS = {DOUBTFUL: "Créance douteuse", WRITTEN_OFF: "Créance irrécouvrable", CANCELLED: "Annulation d'une créance"}


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


def active(rows: list[Row]) -> dict[str, Row]:
    """kind → the row in force (not cancelled) among the rows of one invoice."""
    cancelled = {str(r["cancels"]) for r in rows if r["kind"] == CANCELLED}
    return {str(r["kind"]): r for r in rows if r["kind"] != CANCELLED and str(r["id"]) not in cancelled}


def of_invoices(store: Store, numbers: set[str]) -> dict[str, dict[str, Row]]:
    """The rows in force of each invoice that has any."""
    if TABLE not in {t.name for t in store.schema.tables} or not numbers:
        return {}
    rows: dict[str, list[Row]] = {}
    for r in store.rows_where(TABLE, "invoice", numbers):
        rows.setdefault(str(r["invoice"]), []).append(r)
    return {n: a for n, rs in rows.items() if (a := active(rs))}


def stopped(store: Store, numbers: set[str]) -> set[str]:
    """The invoices that are no longer dunned: doubtful or written off."""
    return set(of_invoices(store, numbers))


def written_off(store: Store, numbers: set[str]) -> dict[str, Decimal]:
    """Invoice → what the write-off in force took off what the client owes."""
    return {n: _dec(a[WRITTEN_OFF]["amount"]) for n, a in of_invoices(store, numbers).items() if WRITTEN_OFF in a}


def declare(store: Store, invoice: str, kind: str, reason: str, as_of: dt.date) -> Result:
    """A row « Douteuse » or « Irrécouvrable » on an issued invoice still owed, dated `as_of`."""
    from pyxl.services import closures

    doc = get_doc(store, invoice)
    number = str(doc["number"] or "")
    where = f"Facture {number or doc['ref']} ({doc.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    if not number or doc["status"] not in wf.ISSUED_STATES or doc["doc_type"] == wf.T_CREDIT:
        raise sd.refuse("creance.piece", where, "seule une facture ou une facture d'acompte émise peut être déclarée "
                                                "douteuse ou irrécouvrable.")
    owed = _dec(doc["total_ttc"]) - _dec(doc["paid"]) - _dec(doc["credited"])
    rows = store.rows_where(TABLE, "invoice", {number})
    now = active(rows)
    if WRITTEN_OFF in now:
        raise sd.refuse("creance.perte", where, f"elle est déjà passée en perte ({now[WRITTEN_OFF]['id']}, "
                                                f"{now[WRITTEN_OFF].where}).")
    if kind == DOUBTFUL and DOUBTFUL in now:
        raise sd.refuse("creance.douteuse", where, f"elle est déjà douteuse ({now[DOUBTFUL]['id']}, "
                                                   f"{now[DOUBTFUL].where}).")
    if owed <= 0:
        raise sd.refuse("creance.soldee", where, "le client ne doit plus rien sur cette facture.")
    if as_of < doc["date"]:
        raise sd.refuse("creance.date", where, f"elle date du {sd.day(doc['date'])}.")
    closures.check_open(store, as_of, where)
    res = Result()
    (lid,) = sd.next_refs(store, res.changes, "Créance", as_of.year, f"CD{as_of.year}-", 5, TABLE, "id", 1)
    res.changes.append(TABLE, {"id": lid, "date": as_of, "invoice": number, "client": doc["client"], "kind": kind,
                               "amount": owed, "reason": reason, "cancels": None})
    res.changes.issue(TABLE, lid, ACTIONS[kind])
    if kind == WRITTEN_OFF and "written_off" in store.schema.table("tFactures").keys:
        # a state column, outside the invoice's fingerprint: « Reste dû » becomes nil (pyxl.workbook.derived)
        res.changes.update("tFactures", doc, {"written_off": owed})
    if kind == DOUBTFUL:
        res.message = (f"Facture {number} déclarée douteuse ({lid}) : {euros(owed)} passent au compte 416 du client "
                       f"{doc['client']} ; elle n'est plus relancée.")
    else:
        res.message = (f"Facture {number} passée en perte ({lid}) : {euros(owed)} irrécouvrables (compte 654, TVA "
                       "reprise) ; elle n'est plus due ni relancée.")
    res.data = {"id": lid, "facture": number, "client": doc["client"], "decision": kind, "reste_du": owed,
                "motif": reason}
    return res


def cancel(store: Store, lid: str, reason: str, as_of: dt.date) -> Result:
    """The opposite row of a « Douteuse » or « Irrécouvrable » row, dated `as_of`."""
    from pyxl.services import closures

    found = store.rows_where(TABLE, "id", {lid.strip().upper()}) if lid.strip() else []
    if not found:
        raise sd.refuse("creance.inconnue", "Créances douteuses", f"aucune ligne « {lid} ».")
    row = found[0]
    where = f"Créance {row['id']} ({row.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    if row["kind"] == CANCELLED:
        raise sd.refuse("creance.annulation", where, "cette ligne annule déjà une décision ; on ne l'annule pas à son tour.")
    rows = store.rows_where(TABLE, "invoice", {str(row["invoice"])})
    if any(r["kind"] == CANCELLED and str(r["cancels"]) == str(row["id"]) for r in rows):
        raise sd.refuse("creance.annulee", where, "elle est déjà annulée.")
    now = active(rows)
    if row["kind"] == DOUBTFUL and WRITTEN_OFF in now:
        raise sd.refuse("creance.ordre", where, f"la facture est passée en perte depuis ({now[WRITTEN_OFF]['id']}) : "
                                                "annulez d'abord la perte.")
    if as_of < row["date"]:
        raise sd.refuse("creance.date", where, f"elle date du {sd.day(row['date'])}.")
    invoice = get_doc(store, str(row["invoice"])) if row["kind"] == WRITTEN_OFF else None
    if invoice is not None:
        left = _dec(invoice["total_ttc"]) - _dec(invoice["paid"]) - _dec(invoice["credited"])
        if left != _dec(row["amount"]):
            raise sd.refuse("creance.recouvree", where, f"la facture {row['invoice']} a reçu un règlement ou un avoir "
                                                        f"depuis la perte (reste {euros(left)} au lieu de "
                                                        f"{euros(_dec(row['amount']))}) : annulez-le d'abord.")
    closures.check_open(store, as_of, where)
    res = Result()
    (nid,) = sd.next_refs(store, res.changes, "Créance", as_of.year, f"CD{as_of.year}-", 5, TABLE, "id", 1)
    res.changes.append(TABLE, {"id": nid, "date": as_of, "invoice": row["invoice"], "client": row["client"],
                               "kind": CANCELLED, "amount": row["amount"], "reason": reason, "cancels": row["id"]})
    res.changes.issue(TABLE, nid, ACTIONS[CANCELLED])
    if invoice is not None and "written_off" in store.schema.table("tFactures").keys:
        res.changes.update("tFactures", invoice, {"written_off": None})
    res.message = (f"{row['id']} ({str(row['kind']).lower()}, facture {row['invoice']}) annulée par {nid} : l'écriture "
                   "opposée la défait.")
    res.data = {"id": nid, "facture": row["invoice"], "client": row["client"], "decision": CANCELLED,
                "annule": row["id"], "reste_du": _dec(row["amount"]), "motif": reason}
    return res
