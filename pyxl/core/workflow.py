"""States of quotes, orders and invoices, and the one table of allowed transitions.

« Expiré » (a sent quote past its validity) and « en retard » (an unpaid invoice past its due date)
are computed from dates with `as_of`, never stored: they change with the calendar, not with an action.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any


class QuoteState(StrEnum):
    DRAFT = "Brouillon"
    SENT = "Envoyé"
    ACCEPTED = "Accepté"
    REFUSED = "Refusé"
    EXPIRED = "Expiré"  # computed from the validity date, never stored
    REPLACED = "Remplacé"


class OrderState(StrEnum):
    OPEN = "Ouverte"
    PLANNED = "Planifiée"
    DONE = "Réalisée"
    INVOICED = "Facturée"
    CANCELLED = "Annulée"


class InvoiceState(StrEnum):
    """States of invoice-type documents (invoices, deposit invoices, credit notes)."""

    DRAFT = "Brouillon"
    ISSUED = "Émise"
    PARTIAL = "Partiellement réglée"
    PAID = "Réglée"
    CREDITED = "Soldée par avoir"


class JobState(StrEnum):
    """States of an intervention (a job of an order, or a maintenance visit)."""

    TO_PLAN = "À planifier"
    PLANNED = "Planifiée"
    CONFIRMED = "Confirmée au client"
    DONE = "Réalisée"
    POSTPONED = "Reportée"
    CANCELLED = "Annulée"


class DocType(StrEnum):
    """The three types of the one invoice series."""

    INVOICE = "Facture"
    DEPOSIT = "Facture d'acompte"
    CREDIT = "Avoir"


# Short names, used throughout the services
Q_DRAFT, Q_SENT, Q_ACCEPTED, Q_REFUSED, Q_EXPIRED, Q_REPLACED = (
    QuoteState.DRAFT, QuoteState.SENT, QuoteState.ACCEPTED, QuoteState.REFUSED, QuoteState.EXPIRED,
    QuoteState.REPLACED)
QUOTE_STATES = tuple(QuoteState)
STORED_QUOTE_STATES = tuple(s for s in QuoteState if s is not QuoteState.EXPIRED)
O_OPEN, O_PLANNED, O_DONE, O_INVOICED, O_CANCELLED = tuple(OrderState)
ORDER_STATES = tuple(OrderState)
I_DRAFT, I_ISSUED, I_PARTIAL, I_PAID, I_CREDITED = tuple(InvoiceState)
INVOICE_STATES = tuple(InvoiceState)
ISSUED_STATES = (I_ISSUED, I_PARTIAL, I_PAID, I_CREDITED)
T_INVOICE, T_DEPOSIT, T_CREDIT = tuple(DocType)
J_TO_PLAN, J_PLANNED, J_CONFIRMED, J_DONE, J_POSTPONED, J_CANCELLED = tuple(JobState)
JOB_STATES = tuple(JobState)
BOOKED_JOB_STATES = (J_PLANNED, J_CONFIRMED)
DOC_TYPES = tuple(DocType)

# (kind, action) → (states it may start from, state it leads to)
TRANSITIONS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("devis", "envoyer"): ((Q_DRAFT,), Q_SENT),
    ("devis", "relancer"): ((Q_SENT,), Q_SENT),
    ("devis", "reviser"): ((Q_DRAFT, Q_SENT), Q_REPLACED),
    ("devis", "accepter"): ((Q_DRAFT, Q_SENT), Q_ACCEPTED),
    ("devis", "refuser"): ((Q_DRAFT, Q_SENT, Q_EXPIRED), Q_REFUSED),  # an expired quote can still be refused
    ("commande", "planifier"): ((O_OPEN,), O_PLANNED),
    ("commande", "realiser"): ((O_OPEN, O_PLANNED), O_DONE),
    ("commande", "deplanifier"): ((O_PLANNED,), O_OPEN),  # one of its interventions is to plan again
    ("commande", "facturer"): ((O_DONE,), O_INVOICED),
    ("commande", "reouvrir"): ((O_INVOICED,), O_DONE),  # its invoice wholly credited: it can be invoiced again
    ("commande", "annuler"): ((O_OPEN, O_PLANNED, O_DONE), O_CANCELLED),
    ("commande", "acompte"): ((O_OPEN, O_PLANNED, O_DONE), O_OPEN),  # state unchanged (see allowed())
    ("facture", "emettre"): ((I_DRAFT,), I_ISSUED),
    ("intervention", "planifier"): ((J_TO_PLAN, J_POSTPONED, J_PLANNED, J_CONFIRMED), J_PLANNED),
    ("intervention", "confirmer"): ((J_PLANNED,), J_CONFIRMED),
    ("intervention", "reporter"): ((J_PLANNED, J_CONFIRMED), J_POSTPONED),
    ("intervention", "annuler"): ((J_TO_PLAN, J_PLANNED, J_CONFIRMED, J_POSTPONED), J_CANCELLED),
    ("intervention", "realiser"): ((J_PLANNED, J_CONFIRMED), J_DONE),
}

VERBS = {
    "envoyer": "envoyé", "relancer": "relancé", "reviser": "révisé", "accepter": "accepté",
    "refuser": "refusé", "planifier": "planifiée", "realiser": "réalisée", "facturer": "facturée",
    "annuler": "annulée", "acompte": "l'objet d'un acompte", "emettre": "émise", "reouvrir": "rouverte",
    "deplanifier": "remise à planifier", "confirmer": "confirmée", "reporter": "reportée",
}


def allowed(kind: str, action: str, state: str) -> bool:
    return state in TRANSITIONS[(kind, action)][0]


def target(kind: str, action: str) -> str:
    return TRANSITIONS[(kind, action)][1]


def next_state(kind: str, action: str, state: str) -> str | None:
    """The state `action` leads to from `state`, or None when the table does not allow it: every
    stored state change of a quote, an order or an invoice goes through here."""
    return target(kind, action) if allowed(kind, action, state) else None


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


# What each stored state says happened, by the column the action that set it writes (issue 17: a
# status typed by hand in the table contradicts the record; `syc verifier` reports it and the next
# action on the row refuses it). (kind, state) → ((column, French name of the fact), …)
EVIDENCE: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("devis", Q_SENT): (("sent_on", "date d'envoi"),),
    ("devis", Q_ACCEPTED): (("accepted_on", "date d'acceptation"),),
    ("devis", Q_REFUSED): (("refusal_reason", "motif de refus"),),
    ("devis", Q_REPLACED): (("replaced_by", "devis de remplacement"),),
    ("commande", O_DONE): (("done_on", "date de réalisation"),),
    ("commande", O_INVOICED): (("done_on", "date de réalisation"), ("invoice", "facture")),
    ("commande", O_CANCELLED): (("cancel_reason", "motif d'annulation"),),
    ("facture", I_ISSUED): (("number", "numéro"), ("date", "date d'émission")),
    ("facture", I_PARTIAL): (("number", "numéro"), ("date", "date d'émission")),
    ("facture", I_PAID): (("number", "numéro"), ("date", "date d'émission")),
    ("facture", I_CREDITED): (("number", "numéro"), ("date", "date d'émission")),
}
# and what a state excludes: a draft invoice has no number, an open quote no acceptance
EXCLUDES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("devis", Q_DRAFT): (("sent_on", "date d'envoi"), ("accepted_on", "date d'acceptation")),
    ("devis", Q_SENT): (("accepted_on", "date d'acceptation"),),
    ("commande", O_OPEN): (("done_on", "date de réalisation"), ("invoice", "facture")),
    ("facture", I_DRAFT): (("number", "numéro"),),
}


def contradiction(kind: str, row: Any) -> str:
    """'' when the stored state of `row` (a mapping with `get`) agrees with the columns its
    actions write; else a French clause saying what contradicts it, e.g.
    « il est « Accepté » sans date d'acceptation »."""
    get = row.get
    state = str(get("status") or "")
    missing = [name for col, name in EVIDENCE.get((kind, state), ()) if get(col) in (None, "")]
    extra = [name for col, name in EXCLUDES.get((kind, state), ()) if get(col) not in (None, "")]
    parts = [f"sans {name}" for name in missing] + [f"avec {name} noté(e)" for name in extra]
    if not parts:
        return ""
    return f"son statut « {state} » contredit son suivi ({', '.join(parts)})"
