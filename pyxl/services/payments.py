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
from pyxl.services import penalties
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


def _new_ids(store: Store, res: Result, as_of: dt.date, count: int) -> list[str]:
    return sd.next_refs(store, res.changes, "Règlement", as_of.year, f"R{as_of.year}-", 5, "tReglements", "id", count)


def _parse_amount(amount_text: str, where: str) -> Decimal:
    try:
        amount = money.parse_decimal(amount_text, max_places=2)
    except money.AmountError as exc:
        raise sd.refuse("reglement.montant", where, f"montant : {exc}.") from None
    if amount <= 0:
        raise sd.refuse("reglement.montant", where, "le montant doit être positif (une erreur se corrige par "
                                                    "« syc reglement annuler ID --motif … »).")
    return amount


def _cash_check(mode: str, debt: Decimal, where: str) -> None:
    if mode == "Espèces" and debt > CASH_LIMIT:
        raise sd.refuse("reglement.especes", where,
                        f"paiement en espèces interdit : la dette (contrat de {euros(debt)} TTC) dépasse 1 000 €, "
                        "même réglée en plusieurs fois (art. D112-3 du Code monétaire et financier). "
                        "Demandez un chèque, un virement ou une carte.")


def _append_parts(store: Store, res: Result, parts: list[penalties.Part], client: str, mode: str, reference: str,
                  as_of: dt.date) -> list[str]:
    """One payment row per part; several parts share the id of the first (`group`)."""
    ids = _new_ids(store, res, as_of, len(parts))
    group = ids[0] if len(parts) > 1 else ""
    for pid, part in zip(ids, parts, strict=True):
        res.changes.append("tReglements", {"id": pid, "date": as_of, "invoice": part.target, "client": client,
                                           "amount": part.amount, "mode": mode, "reference": reference,
                                           "applies_to": part.applies_to, "group": group})
        res.changes.issue("tReglements", pid, ACTION)
    penalties.apply_parts(res.changes, parts)
    return ids


def _imputation_text(parts: list[penalties.Part]) -> str:
    notes = [p for p in parts if p.note is not None]
    if not notes:
        return ""
    return (" Imputé d'abord sur les pénalités (art. 1343-1 du Code civil) : "
            + ", ".join(f"{euros(p.amount)} sur la note {p.target} (facture {p.applies_to})" for p in notes) + ".")


def record_payment(store: Store, invoice: str, amount_text: str, mode_text: str, as_of: dt.date,
                   reference: str = "") -> Result:
    from pyxl.services import closures

    # the sheets this action reads (the invoice and its lines, its order and quote, the journal), side by side
    store.prefetch(("tFactures", "tLignesFactures", "tCommandes", "tDevis", "tJournalAudit"))
    if penalties.is_note_number(invoice):
        return _record_on_note(store, invoice, amount_text, mode_text, as_of, reference)
    doc = get_doc(store, invoice)
    where = f"{label(doc)} ({doc.where})"
    mode = fields.choice(mode_text, PAYMENT_MODES, label="Le mode de règlement", required=True, aliases=MODE_ALIASES)
    reference = fields.text(reference, label="La référence", max_len=60)
    amount = _parse_amount(amount_text, where)
    if doc["doc_type"] == wf.T_CREDIT:
        raise sd.refuse("reglement.avoir", where, "un avoir ne se règle pas (remboursement : à venir).")
    if doc["status"] == wf.I_DRAFT:
        raise sd.refuse("reglement.brouillon", where, f"elle n'est pas émise : syc facture emettre {doc['ref']}.")
    if doc["date"] and as_of < doc["date"]:
        raise sd.refuse("reglement.date", where, f"elle est émise le {sd.day(doc['date'])} : un règlement ne peut pas "
                                                 "être daté d'avant.")
    closures.check_open(store, as_of, where)
    left = balance(doc)
    parts, rest_for_invoice = penalties.impute(store, str(doc["number"]), amount)
    on_notes = amount - rest_for_invoice
    if rest_for_invoice > left:
        owed = (f"{euros(left)} sur la facture et {euros(on_notes)} de pénalités réclamées" if on_notes
                else euros(left))
        raise sd.refuse("reglement.trop", where, f"{euros(amount)} dépasse le reste à payer ({owed}) : "
                                                 "un trop-perçu n'est pas enregistré ici.")
    order = get_order(store, doc["order"]) if doc["order"] else None
    _cash_check(mode, (order["total_ttc"] if order else None) or doc["total_ttc"] or ZERO, where)
    if order is not None:
        _cooling_off(store, order, as_of, "un paiement")
    res = Result()
    if rest_for_invoice > 0:
        parts.append(penalties.Part(str(doc["number"]), rest_for_invoice))
    ids = _append_parts(store, res, parts, str(doc["client"]), mode, reference, as_of)
    paid = (doc["paid"] or ZERO) + rest_for_invoice
    state = wf.invoice_state(doc["total_ttc"] or ZERO, paid, doc["credited"] or ZERO)
    if rest_for_invoice > 0:
        res.changes.update("tFactures", doc, {"paid": paid, "status": state})
    rest = left - rest_for_invoice
    pid = ids[0]
    res.message = (f"Règlement {pid} de {euros(amount)} ({mode if mode == 'CB' else mode.lower()}) enregistré sur "
                   f"{label(doc)} : "
                   + ("soldée." if rest == 0 else f"reste {euros(rest)} à payer.") + _imputation_text(parts))
    res.data = {"id": pid, "facture": doc["number"], "montant": amount, "reste": rest, "statut": state,
                "imputations": [{"id": i, "piece": p.target, "montant": p.amount, "au_titre_de": p.applies_to}
                                for i, p in zip(ids, parts, strict=True)]}
    return res


def _record_on_note(store: Store, number: str, amount_text: str, mode_text: str, as_of: dt.date,
                    reference: str) -> Result:
    from pyxl.services import closures

    note = penalties.get_note(store, number)
    where = f"Note de pénalités {note['number']} ({note.where})"
    mode = fields.choice(mode_text, PAYMENT_MODES, label="Le mode de règlement", required=True, aliases=MODE_ALIASES)
    reference = fields.text(reference, label="La référence", max_len=60)
    amount = _parse_amount(amount_text, where)
    if as_of < note["date"]:
        raise sd.refuse("reglement.date", where, f"elle est émise le {sd.day(note['date'])} : un règlement ne peut pas "
                                                 "être daté d'avant.")
    closures.check_open(store, as_of, where)
    left = penalties.note_balance(store, note)
    if amount > left:
        raise sd.refuse("reglement.trop", where, f"{euros(amount)} dépasse le reste à payer ({euros(left)}) : "
                                                 "un trop-perçu n'est pas enregistré ici.")
    _cash_check(mode, note["total"] or ZERO, where)
    parts = penalties.impute_on_note(store, note, amount)
    res = Result()
    ids = _append_parts(store, res, parts, str(note["client"]), mode, reference, as_of)
    rest = left - amount
    res.message = (f"Règlement {ids[0]} de {euros(amount)} ({mode if mode == 'CB' else mode.lower()}) enregistré sur "
                   f"la note de pénalités {note['number']} : "
                   + ("soldée." if rest == 0 else f"reste {euros(rest)} à payer."))
    state = penalties.NOTE_PAID if rest == 0 else penalties.NOTE_PARTLY_PAID
    res.data = {"id": ids[0], "facture": note["number"], "montant": amount, "reste": rest, "statut": state,
                "imputations": [{"id": i, "piece": p.target, "montant": p.amount, "au_titre_de": p.applies_to}
                                for i, p in zip(ids, parts, strict=True)]}
    return res


def get_payment(store: Store, pid: str) -> Row:
    return sd.get_row(store, "tReglements", "id", pid, "Règlement", "Voyez les règlements avec « syc facture voir NUM ».")


def cancel_payment(store: Store, pid: str, reason: str, as_of: dt.date) -> Result:
    """The opposite rows of a payment — of every part of it when it was imputed in several parts."""
    from pyxl.services import closures

    p = get_payment(store, pid)
    where = f"Règlement {p['id']} ({p.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    if p["cancels"] or (p["amount"] or ZERO) <= 0:
        raise sd.refuse("reglement.annulation", where, "c'est déjà une annulation ; elle ne s'annule pas.")
    group = str(p.get("group") or "")
    rows = [p] if not group else sorted(store.rows_where("tReglements", "group", {group}), key=lambda r: str(r["id"]))
    rows = [r for r in rows if not r["cancels"] and (r["amount"] or ZERO) > 0]
    done = store.rows_where("tReglements", "cancels", {str(r["id"]) for r in rows})
    if done:
        raise sd.refuse("reglement.annule", where, f"il est déjà annulé par {done[0]['id']} ({done[0].where}).")
    if as_of < p["date"]:
        raise sd.refuse("reglement.date", where, f"il date du {sd.day(p['date'])} : l'annulation ne peut pas être antérieure.")
    closures.check_open(store, as_of, where)
    res = Result()
    nids = _new_ids(store, res, as_of, len(rows))
    new_group = nids[0] if len(rows) > 1 else ""
    parts: list[penalties.Part] = []
    said: list[str] = []
    state = ""
    for nid, r in zip(nids, rows, strict=True):
        res.changes.append("tReglements", {"id": nid, "date": as_of, "invoice": r["invoice"], "client": r["client"],
                                           "amount": -r["amount"], "mode": r["mode"], "reference": r["reference"],
                                           "cancels": r["id"], "reason": reason, "applies_to": r.get("applies_to") or "",
                                           "group": new_group})
        res.changes.issue("tReglements", nid, ACTION)
        if penalties.is_note_number(str(r["invoice"])):
            note = penalties.get_note(store, str(r["invoice"]))
            line = next((ln for ln in penalties.lines_of(store, {str(note["number"])})
                         if str(ln["invoice"]) == str(r.get("applies_to") or "")), None)
            if line is None:  # a payment on a note's line that is not there: never happens unless edited by hand
                raise sd.refuse("reglement.note", where, f"la ligne de la note {note['number']} pour la facture "
                                                         f"{r.get('applies_to')} est introuvable ; vérifiez le classeur "
                                                         "(syc verifier).")
            parts.append(penalties.Part(str(note["number"]), r["amount"], str(line["invoice"]), note, line))
            said.append(f"note de pénalités {note['number']} : {euros(-r['amount'])}")
        else:
            doc = get_doc(store, r["invoice"])
            paid = (doc["paid"] or ZERO) - r["amount"]
            state = wf.invoice_state(doc["total_ttc"] or ZERO, paid, doc["credited"] or ZERO)
            res.changes.update("tFactures", doc, {"paid": paid, "status": state})
            said.append(f"{label(doc)} : reste {euros(balance(doc) + r['amount'])} à payer")
    penalties.apply_parts(res.changes, parts, sign=-1)
    total = sum((r["amount"] for r in rows), ZERO)
    res.message = (f"Règlement {p['id']} annulé par l'écriture opposée {', '.join(nids)} ({euros(-total)}) : {reason}. "
                   + " ; ".join(said) + ".")
    res.data = {"id": nids[0], "annule": p["id"], "facture": p["invoice"], "statut": state,
                "lignes": [{"id": n, "annule": str(r["id"]), "piece": r["invoice"], "montant": -r["amount"]}
                           for n, r in zip(nids, rows, strict=True)]}
    return res


def payment_json(r: Row) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in r.values.items()}
