"""States of quotes, orders and invoices, and the one table of allowed transitions.

« Expiré » (a sent quote past its validity) and « en retard » (an unpaid invoice past its due date)
are computed from dates with `as_of`, never stored: they change with the calendar, not with an action.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# Quotes
Q_DRAFT, Q_SENT, Q_ACCEPTED, Q_REFUSED, Q_EXPIRED, Q_REPLACED = (
    "Brouillon", "Envoyé", "Accepté", "Refusé", "Expiré", "Remplacé")
QUOTE_STATES = (Q_DRAFT, Q_SENT, Q_ACCEPTED, Q_REFUSED, Q_EXPIRED, Q_REPLACED)
# Orders
O_OPEN, O_PLANNED, O_DONE, O_INVOICED, O_CANCELLED = ("Ouverte", "Planifiée", "Réalisée", "Facturée", "Annulée")
ORDER_STATES = (O_OPEN, O_PLANNED, O_DONE, O_INVOICED, O_CANCELLED)
# Invoice-type documents (invoices, deposit invoices, credit notes)
I_DRAFT, I_ISSUED, I_PARTIAL, I_PAID, I_CREDITED = (
    "Brouillon", "Émise", "Partiellement réglée", "Réglée", "Soldée par avoir")
INVOICE_STATES = (I_DRAFT, I_ISSUED, I_PARTIAL, I_PAID, I_CREDITED)
ISSUED_STATES = (I_ISSUED, I_PARTIAL, I_PAID, I_CREDITED)

# Document types of the one invoice series (domain.md §1.3)
T_INVOICE, T_DEPOSIT, T_CREDIT = "Facture", "Facture d'acompte", "Avoir"
DOC_TYPES = (T_INVOICE, T_DEPOSIT, T_CREDIT)

# (kind, action) → (states it may start from, state it leads to)
TRANSITIONS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("devis", "envoyer"): ((Q_DRAFT,), Q_SENT),
    ("devis", "relancer"): ((Q_SENT,), Q_SENT),
    ("devis", "reviser"): ((Q_DRAFT, Q_SENT), Q_REPLACED),
    ("devis", "accepter"): ((Q_DRAFT, Q_SENT), Q_ACCEPTED),
    ("devis", "refuser"): ((Q_DRAFT, Q_SENT), Q_REFUSED),
    ("commande", "planifier"): ((O_OPEN,), O_PLANNED),
    ("commande", "realiser"): ((O_OPEN, O_PLANNED), O_DONE),
    ("commande", "facturer"): ((O_DONE,), O_INVOICED),
    ("commande", "annuler"): ((O_OPEN, O_PLANNED, O_DONE), O_CANCELLED),
    ("commande", "acompte"): ((O_OPEN, O_PLANNED, O_DONE), O_OPEN),  # state unchanged (see allowed())
    ("facture", "emettre"): ((I_DRAFT,), I_ISSUED),
}

VERBS = {
    "envoyer": "envoyé", "relancer": "relancé", "reviser": "révisé", "accepter": "accepté",
    "refuser": "refusé", "planifier": "planifiée", "realiser": "réalisée", "facturer": "facturée",
    "annuler": "annulée", "acompte": "l'objet d'un acompte", "emettre": "émise",
}


def allowed(kind: str, action: str, state: str) -> bool:
    return state in TRANSITIONS[(kind, action)][0]


def target(kind: str, action: str) -> str:
    return TRANSITIONS[(kind, action)][1]


def quote_state(stored: str, valid_until: dt.date | None, as_of: dt.date) -> str:
    """A sent (or draft) quote past its validity date is « Expiré »."""
    if stored in (Q_DRAFT, Q_SENT) and valid_until is not None and as_of > valid_until:
        return Q_EXPIRED
    return stored


def invoice_state(total: Decimal, paid: Decimal, credited: Decimal) -> str:
    """State of an issued invoice from what was paid and credited (credit notes: always « Émise »)."""
    if total > 0 and credited >= total:
        return I_CREDITED
    if paid + credited >= total:
        return I_PAID
    if paid > 0 or credited > 0:
        return I_PARTIAL
    return I_ISSUED


def is_late(doc_type: str, state: str, due: dt.date | None, balance: Decimal, as_of: dt.date) -> bool:
    return (doc_type != T_CREDIT and state in ISSUED_STATES and due is not None and as_of > due
            and balance > 0)
