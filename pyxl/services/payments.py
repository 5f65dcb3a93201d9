"""Payments received (règlements): partial payments, cancellation by an opposite row.

Later work adds several invoices per payment, refunds and bank statements; here a payment settles
one invoice or deposit invoice, never more than what is left to pay.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pyxl.core import fields, money
from pyxl.core import workflow as wf
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.services.invoices import _cooling_off, balance, get_doc, label
from pyxl.services.orders import get_order
from pyxl.workbook.schema import PAYMENT_MODES
from pyxl.workbook.store import Row, Store

ZERO = Decimal("0.00")
CASH_LIMIT = Decimal(1000)  # D112-3 CMF: debtor domiciled in France or acting professionally
ACTION = "Règlement"
MODE_ALIASES = {"especes": "Espèces", "espece": "Espèces", "cheque": "Chèque", "virement": "Virement",
                "cb": "CB", "carte": "CB"}


def _new_id(store: Store, res: Result, as_of: dt.date) -> str:
    return sd.next_ref(store, res.changes, "Règlement", as_of.year, f"R{as_of.year}-", 5, "tReglements", "id")


def record_payment(store: Store, invoice: str, amount_text: str, mode_text: str, as_of: dt.date,
                   reference: str = "") -> Result:
    from pyxl.services import closures

    # the sheets this action reads (the invoice and its lines, its order and quote, the journal), side by side
    store.prefetch(("tFactures", "tLignesFactures", "tCommandes", "tDevis", "tJournalAudit"))
    doc = get_doc(store, invoice)
    where = f"{label(doc)} ({doc.where})"
    mode = fields.choice(mode_text, PAYMENT_MODES, label="Le mode de règlement", required=True, aliases=MODE_ALIASES)
    reference = fields.text(reference, label="La référence", max_len=60)
    try:
        amount = money.parse_decimal(amount_text, max_places=2)
    except money.AmountError as exc:
        raise sd.refuse("reglement.montant", where, f"montant : {exc}.") from None
    if amount <= 0:
        raise sd.refuse("reglement.montant", where, "le montant doit être positif (une erreur se corrige par "
                                                    "« syc reglement annuler ID --motif … »).")
    if doc["doc_type"] == wf.T_CREDIT:
        raise sd.refuse("reglement.avoir", where, "un avoir ne se règle pas (remboursement : à venir).")
    if doc["status"] == wf.I_DRAFT:
        raise sd.refuse("reglement.brouillon", where, f"elle n'est pas émise : syc facture emettre {doc['ref']}.")
    if doc["date"] and as_of < doc["date"]:
        raise sd.refuse("reglement.date", where, f"elle est émise le {sd.day(doc['date'])} : un règlement ne peut pas "
                                                 "être daté d'avant.")
    closures.check_open(store, as_of, where)
    left = balance(doc)
    if amount > left:
        raise sd.refuse("reglement.trop", where, f"{euros(amount)} dépasse le reste à payer ({euros(left)}) : "
                                                 "un trop-perçu n'est pas enregistré ici.")
    order = get_order(store, doc["order"]) if doc["order"] else None
    if mode == "Espèces":
        debt = (order["total_ttc"] if order else None) or doc["total_ttc"] or ZERO
        if debt > CASH_LIMIT:
            raise sd.refuse("reglement.especes", where,
                            f"paiement en espèces interdit : la dette (contrat de {euros(debt)} TTC) dépasse 1 000 €, "
                            "même réglée en plusieurs fois (art. D112-3 du Code monétaire et financier). "
                            "Demandez un chèque, un virement ou une carte.")
    if order is not None:
        _cooling_off(store, order, as_of, "un paiement")
    res = Result()
    pid = _new_id(store, res, as_of)
    res.changes.append("tReglements", {"id": pid, "date": as_of, "invoice": doc["number"], "client": doc["client"],
                                       "amount": amount, "mode": mode, "reference": reference})
    res.changes.issue("tReglements", pid, ACTION)
    paid = (doc["paid"] or ZERO) + amount
    state = wf.invoice_state(doc["total_ttc"] or ZERO, paid, doc["credited"] or ZERO)
    res.changes.update("tFactures", doc, {"paid": paid, "status": state})
    rest = left - amount
    res.message = (f"Règlement {pid} de {euros(amount)} ({mode if mode == 'CB' else mode.lower()}) enregistré sur "
                   f"{label(doc)} : "
                   + ("soldée." if rest == 0 else f"reste {euros(rest)} à payer."))
    res.data = {"id": pid, "facture": doc["number"], "montant": amount, "reste": rest, "statut": state}
    return res


def get_payment(store: Store, pid: str) -> Row:
    return sd.get_row(store, "tReglements", "id", pid, "Règlement", "Voyez les règlements avec « syc facture voir NUM ».")


def cancel_payment(store: Store, pid: str, reason: str, as_of: dt.date) -> Result:
    from pyxl.services import closures

    p = get_payment(store, pid)
    where = f"Règlement {p['id']} ({p.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    if p["cancels"] or (p["amount"] or ZERO) <= 0:
        raise sd.refuse("reglement.annulation", where, "c'est déjà une annulation ; elle ne s'annule pas.")
    done = store.rows_where("tReglements", "cancels", {str(p["id"])})
    if done:
        raise sd.refuse("reglement.annule", where, f"il est déjà annulé par {done[0]['id']} ({done[0].where}).")
    if as_of < p["date"]:
        raise sd.refuse("reglement.date", where, f"il date du {sd.day(p['date'])} : l'annulation ne peut pas être antérieure.")
    closures.check_open(store, as_of, where)
    doc = get_doc(store, p["invoice"])
    res = Result()
    nid = _new_id(store, res, as_of)
    res.changes.append("tReglements", {"id": nid, "date": as_of, "invoice": p["invoice"], "client": p["client"],
                                       "amount": -p["amount"], "mode": p["mode"], "reference": p["reference"],
                                       "cancels": p["id"], "reason": reason})
    res.changes.issue("tReglements", nid, ACTION)
    paid = (doc["paid"] or ZERO) - p["amount"]
    state = wf.invoice_state(doc["total_ttc"] or ZERO, paid, doc["credited"] or ZERO)
    res.changes.update("tFactures", doc, {"paid": paid, "status": state})
    res.message = (f"Règlement {p['id']} annulé par l'écriture opposée {nid} ({euros(-p['amount'])}) : {reason}. "
                   f"{label(doc)} : reste {euros(balance(doc) + p['amount'])} à payer.")
    res.data = {"id": nid, "annule": p["id"], "facture": p["invoice"], "statut": state}
    return res



def payment_json(r: Row) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in r.values.items()}
