"""States and transitions (pyxl.core.workflow): the legal meaning of each state, pinned.

« En retard » and « Expiré » are computed from dates; the state of an issued invoice follows what
was paid and credited. A test per rule, each with the boundary that tells right from wrong.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pyxl.core import workflow as wf

D = Decimal
day = dt.date
DUE = day(2026, 6, 15)


# --------------------------------------------------------------------------- the state names
def test_state_names_are_the_french_words_users_see() -> None:
    assert wf.QUOTE_STATES == ("Brouillon", "Envoyé", "Accepté", "Refusé", "Expiré", "Remplacé")
    assert wf.ORDER_STATES == ("Ouverte", "Planifiée", "Réalisée", "Facturée", "Annulée")
    assert wf.INVOICE_STATES == ("Brouillon", "Émise", "Partiellement réglée", "Réglée", "Soldée par avoir")
    assert wf.DOC_TYPES == ("Facture", "Facture d'acompte", "Avoir")


def test_issued_states_are_every_invoice_state_but_the_draft() -> None:
    """Once issued (numbered), an invoice stays in the series whatever is paid or credited."""
    assert wf.ISSUED_STATES == (wf.I_ISSUED, wf.I_PARTIAL, wf.I_PAID, wf.I_CREDITED)
    assert set(wf.ISSUED_STATES) == set(wf.INVOICE_STATES) - {wf.I_DRAFT}


# --------------------------------------------------------------------------- transitions
@pytest.mark.parametrize(("kind", "action", "allowed_from", "target"), [
    ("devis", "envoyer", {"Brouillon"}, "Envoyé"),
    ("devis", "relancer", {"Envoyé"}, "Envoyé"),
    ("devis", "reviser", {"Brouillon", "Envoyé"}, "Remplacé"),
    ("devis", "accepter", {"Brouillon", "Envoyé"}, "Accepté"),
    ("devis", "refuser", {"Brouillon", "Envoyé", "Expiré"}, "Refusé"),  # an expired quote can still be refused
    ("commande", "planifier", {"Ouverte"}, "Planifiée"),
    ("commande", "realiser", {"Ouverte", "Planifiée"}, "Réalisée"),
    ("commande", "facturer", {"Réalisée"}, "Facturée"),
    ("commande", "annuler", {"Ouverte", "Planifiée", "Réalisée"}, "Annulée"),
    ("commande", "acompte", {"Ouverte", "Planifiée", "Réalisée"}, "Ouverte"),
    ("facture", "emettre", {"Brouillon"}, "Émise"),
])
def test_transition_table(kind: str, action: str, allowed_from: set[str], target: str) -> None:
    states = {"devis": wf.QUOTE_STATES, "commande": wf.ORDER_STATES, "facture": wf.INVOICE_STATES}[kind]
    assert {s for s in states if wf.allowed(kind, action, s)} == allowed_from
    assert wf.target(kind, action) == target


def test_an_invoiced_order_cannot_be_cancelled() -> None:
    """An invoice was issued for it: only a credit note undoes it (art. 242 nonies A, no deletion)."""
    assert not wf.allowed("commande", "annuler", wf.O_INVOICED)
    assert not wf.allowed("commande", "annuler", wf.O_CANCELLED)


@pytest.mark.parametrize("state", [wf.I_ISSUED, wf.I_PARTIAL, wf.I_PAID, wf.I_CREDITED])
def test_an_issued_invoice_cannot_be_issued_again(state: str) -> None:
    """Issuing gives the invoice its number in the one continuous series: once, never twice."""
    assert not wf.allowed("facture", "emettre", state)


def test_every_action_has_its_french_past_participle() -> None:
    assert {a for _, a in wf.TRANSITIONS} == set(wf.VERBS)
    assert wf.VERBS["emettre"] == "émise" and wf.VERBS["acompte"] == "l'objet d'un acompte"


# --------------------------------------------------------------------------- quotes
def test_a_quote_expires_the_day_after_its_validity() -> None:
    valid = day(2026, 6, 30)
    assert wf.quote_state(wf.Q_SENT, valid, valid) == wf.Q_SENT  # still valid on its last day
    assert wf.quote_state(wf.Q_SENT, valid, day(2026, 7, 1)) == wf.Q_EXPIRED
    assert wf.quote_state(wf.Q_DRAFT, valid, day(2026, 7, 1)) == wf.Q_EXPIRED
    assert wf.quote_state(wf.Q_ACCEPTED, valid, day(2027, 1, 1)) == wf.Q_ACCEPTED  # an accepted quote stays
    assert wf.quote_state(wf.Q_REFUSED, valid, day(2027, 1, 1)) == wf.Q_REFUSED
    assert wf.quote_state(wf.Q_SENT, None, day(2027, 1, 1)) == wf.Q_SENT  # no validity date, no expiry


# --------------------------------------------------------------------------- invoice state
@pytest.mark.parametrize(("total", "paid", "credited", "state"), [
    ("1200.00", "0.00", "0.00", "Émise"),
    ("1200.00", "0.50", "0.00", "Partiellement réglée"),  # fifty cents paid is a part payment
    ("1200.00", "1.00", "0.00", "Partiellement réglée"),
    ("1200.00", "0.00", "0.50", "Partiellement réglée"),  # a partial credit note too
    ("1200.00", "1199.99", "0.00", "Partiellement réglée"),
    ("1200.00", "1200.00", "0.00", "Réglée"),
    ("1200.00", "1300.00", "0.00", "Réglée"),  # overpaid: settled (the excess is the client's credit)
    ("1200.00", "700.00", "500.00", "Réglée"),  # paid and credited together cover it
    ("1200.00", "0.00", "1200.00", "Soldée par avoir"),
    ("1200.00", "200.00", "1200.00", "Soldée par avoir"),
    ("0.50", "0.00", "0.50", "Soldée par avoir"),  # a fifty-cent invoice credited in full
    # a final invoice after 100 % of deposits comes to zero: nothing to pay, it is settled — it was
    # not cancelled by a credit note
    ("0.00", "0.00", "0.00", "Réglée"),
])
def test_invoice_state_from_what_was_paid_and_credited(total: str, paid: str, credited: str, state: str) -> None:
    assert wf.invoice_state(D(total), D(paid), D(credited)) == state


# --------------------------------------------------------------------------- late invoices
@pytest.mark.parametrize("state", [wf.I_ISSUED, wf.I_PARTIAL, wf.I_PAID, wf.I_CREDITED])
def test_every_issued_state_with_a_balance_past_the_due_date_is_late(state: str) -> None:
    """A part-paid invoice past its due date is « en retard » (penalties run on what is left)."""
    assert wf.is_late(wf.T_INVOICE, state, DUE, D("100.00"), day(2026, 6, 16))
    assert wf.is_late(wf.T_DEPOSIT, state, DUE, D("100.00"), day(2026, 6, 16))


def test_late_starts_the_day_after_the_due_date() -> None:
    assert not wf.is_late(wf.T_INVOICE, wf.I_PARTIAL, DUE, D("100.00"), DUE)
    assert wf.is_late(wf.T_INVOICE, wf.I_PARTIAL, DUE, D("100.00"), day(2026, 6, 16))


@pytest.mark.parametrize(("balance", "late"), [("0.00", False), ("-5.00", False), ("0.01", True), ("1.00", True)])
def test_any_cent_still_owed_makes_it_late(balance: str, late: bool) -> None:
    assert wf.is_late(wf.T_INVOICE, wf.I_PARTIAL, DUE, D(balance), day(2026, 7, 1)) is late


def test_what_is_never_late() -> None:
    after = day(2026, 7, 1)
    assert not wf.is_late(wf.T_CREDIT, wf.I_ISSUED, DUE, D("100.00"), after)  # a credit note is owed by SYC
    assert not wf.is_late(wf.T_INVOICE, wf.I_DRAFT, DUE, D("100.00"), after)  # a draft is not an invoice yet
    assert not wf.is_late(wf.T_INVOICE, wf.I_ISSUED, None, D("100.00"), after)  # no due date
