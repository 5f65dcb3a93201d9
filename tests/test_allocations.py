"""Money as it really arrives (issue 14): one payment for several documents, client credit, refunds,
reversals that undo every part.

Demo book of `test_sales_chain`: C00001 DUPONT Jean (particulier, comptant), C00002 Dupont & Fils
(professionnel, 30 jours fin de mois). 10 h × 55,00 at 10 % = 605,00 TTC; 2 h = 121,00 TTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from test_sales_chain import Book

from pyxl.services import dunning, payments

D = Decimal


def business_invoices(wb: Book) -> tuple[str, str, str]:
    """Three invoices of C00002: 605,00 due 30/04, 121,00 due 31/05, 605,00 due 30/06/2026."""
    a = wb.invoice("2026-03-02", "MO-H:10", client="C00002")[2]
    b = wb.invoice("2026-04-01", "MO-H:2", client="C00002")[2]
    c = wb.invoice("2026-05-04", "MO-H:10", client="C00002")[2]
    assert [wb.doc(n)["due_date"] for n in (a, b, c)] == [dt.date(2026, 4, 30), dt.date(2026, 5, 31),
                                                           dt.date(2026, 6, 30)]
    return a, b, c


def parts(data: dict) -> list[tuple[str | None, Decimal]]:
    return [(x["piece"], D(x["montant"])) for x in data["imputations"]]


def paid(wb: Book, number: str) -> tuple[Decimal, str]:
    doc = wb.doc(number)
    return doc["paid"], doc["status"]


# --------------------------------------------------------------------------- allocation
def test_the_documents_the_debtor_names_are_paid_in_its_order(wb: Book) -> None:
    a, b, c = business_invoices(wb)
    d = wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "726", "--mode", "virement",
              "--facture", c, "--facture", b, au="2026-06-02")
    assert parts(d) == [(c, D("605.00")), (b, D("121.00"))]
    assert paid(wb, a) == (D("0.00"), "Émise") and paid(wb, c) == (D("605.00"), "Réglée")


def test_the_numbers_written_in_the_transfers_label_are_the_debtors_indication(wb: Book) -> None:
    _, b, c = business_invoices(wb)
    d = wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "726", "--mode", "virement",
              "--reference", f"VIR DUPONT ET FILS {c.lower()} {b}", au="2026-06-02")
    assert parts(d) == [(b, D("121.00")), (c, D("605.00"))]
    assert "comme l'indique le libellé" in d["message"]


def test_without_indication_due_debts_first_then_the_oldest_partial_on_the_last(wb: Book) -> None:
    """Art. 1342-10 C. civ.: on 15 June, A and B are due, C is not; A then B then C."""
    a, b, c = business_invoices(wb)
    d = wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "800", "--mode", "virement",
              au="2026-06-15")
    assert parts(d) == [(a, D("605.00")), (b, D("121.00")), (c, D("74.00"))]
    assert paid(wb, c) == (D("74.00"), "Partiellement réglée")
    assert "art. 1342-10" in wb.run("reglement", "saisir", "--client", "C00002", "--montant", "1", "--mode",
                                    "virement", au="2026-06-15")[1]["message"]


def test_the_rest_becomes_credit_used_later_on_another_invoice(wb: Book) -> None:
    a = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    d = wb.pay(a, "150", "2026-03-10")
    assert parts(d) == [(a, D("121.00")), (None, D("29.00"))] and D(d["credit"]) == D("29.00")
    assert payments.credit_of(wb.store(), "C00002") == D("29.00")
    b = wb.invoice("2026-04-01", "MO-H:2", client="C00002")[2]
    wb.refused("credit", "imputer", "--client", "C00002", "--montant", "30", au="2026-04-02", code="credit.trop",
               words=["29,00"])
    used = wb.ok("credit", "imputer", "--client", "C00002", au="2026-04-02")
    assert (parts(used), D(used["credit_restant"])) == ([(b, D("29.00"))], D("0.00"))
    assert paid(wb, b) == (D("29.00"), "Partiellement réglée")
    rows = [r for r in wb.rows("tReglements") if r["date"] == dt.date(2026, 4, 2)]
    assert {r["mode"] for r in rows} == {"Compensation"} and sum(r["amount"] for r in rows) == 0
    assert sorted((r["invoice"] or "", r["amount"]) for r in rows) == [("", D("-29.00")), (b, D("29.00"))]
    wb.refused("credit", "imputer", "--client", "C00002", au="2026-04-03", code="credit.vide")
    assert wb.ok("credit", "liste", au="2026-04-03")["credits"] == []
    assert wb.ok("verifier", au="2026-04-03")["ok"]


def test_a_credit_note_on_a_paid_invoice_is_credit_refunded_within_its_amount(wb: Book) -> None:
    a = wb.invoice("2026-03-02", "MO-H:10", client="C00002")[2]
    wb.pay(a, "605", "2026-03-10")
    wb.ok("avoir", "creer", "--facture", a, "--motif", "2 h comptées en trop", "--cause", "erreur", "--ligne", "MO-H:2",
          "--emettre", au="2026-03-12")
    assert (wb.doc(a)["paid"], wb.doc(a)["credited"], wb.doc(a)["status"]) == (D("484.00"), D("121.00"), "Réglée")
    assert payments.credit_of(wb.store(), "C00002") == D("121.00")
    wb.refused("remboursement", "creer", "--client", "C00002", "--montant", "121,01", "--mode", "virement",
               "--motif", "avoir", au="2026-03-13", code="remboursement.trop", words=["121,00"])
    wb.refused("remboursement", "creer", "--client", "C00002", "--montant", "121", "--mode", "especes",
               "--motif", "avoir", au="2026-03-13", code="reglement.mode", words=["Remboursement à Dupont", "Virement, Chèque"])
    r = wb.ok("remboursement", "creer", "--client", "C00002", "--montant", "121", "--mode", "virement",
              "--motif", "avoir F sur 2 h", au="2026-03-13")
    assert D(r["credit_restant"]) == 0
    (row,) = [x for x in wb.rows("tReglements") if x["id"] == r["id"]]
    assert (row["amount"], row["kind"], row["invoice"]) == (D("-121.00"), "Remboursement", None)
    assert wb.ok("verifier", au="2026-03-13")["ok"]


# --------------------------------------------------------------------------- corrections
def test_a_bounced_cheque_undoes_every_part_and_the_dunning_resumes_where_it_stood(wb: Book) -> None:
    a, b, _ = business_invoices(wb)
    as_of = dt.date(2026, 6, 20)
    before = {c.number: (c.owed, c.interest.interest, c.next_level.step if c.next_level else None)
              for c in dunning.session(wb.store(), as_of).cases}
    docs_before = {n: paid(wb, n) for n in (a, b)}
    d = wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "726", "--mode", "cheque",
              "--facture", a, "--facture", b, "--banque", "LCL", "--tireur", "Dupont & Fils", au="2026-06-02")
    assert {a, b}.isdisjoint(x.number for x in dunning.session(wb.store(), as_of).cases)
    c = wb.ok("reglement", "annuler", d["imputations"][1]["id"], "--motif", "chèque revenu impayé", "--impaye",
              "--frais", "15", au="2026-06-05")
    assert len(c["lignes"]) == 2
    assert {n: paid(wb, n) for n in (a, b)} == docs_before
    after = {x.number: (x.owed, x.interest.interest, x.next_level.step if x.next_level else None)
             for x in dunning.session(wb.store(), as_of).cases}
    assert after == before
    reversal = [r for r in wb.rows("tReglements") if r["cancels"]]
    assert [r["bounced"] for r in reversal] == ["Oui", "Oui"] and reversal[0]["charges"] == D("15.00")
    wb.refused("reglement", "annuler", d["id"], "--motif", "encore", au="2026-06-05", code="reglement.annule")
    wb.refused("reglement", "annuler", reversal[0]["id"], "--motif", "x", au="2026-06-05",
               code="reglement.annulation")
    assert wb.ok("verifier", au="2026-06-05")["ok"]


def test_a_payment_whose_credit_was_used_is_not_reversed_before_that_use(wb: Book) -> None:
    a = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    d = wb.pay(a, "200", "2026-03-10")
    wb.ok("remboursement", "creer", "--client", "C00002", "--montant", "79", "--mode", "cheque", "--motif", "trop-perçu",
          au="2026-03-11")
    wb.refused("reglement", "annuler", d["id"], "--motif", "erreur", au="2026-03-12", code="reglement.credit_utilise",
               words=["79,00"])


def test_bank_charges_only_on_a_bounced_payment(wb: Book) -> None:
    a = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    d = wb.pay(a, "121", "2026-03-10")
    wb.refused("reglement", "annuler", d["id"], "--motif", "erreur", "--erreur", "--frais", "10", au="2026-03-11",
               code="reglement.frais")


# --------------------------------------------------------------------------- rules across allocations
def test_the_cash_limit_applies_to_each_debt_whatever_the_split(wb: Book) -> None:
    """Art. D112-3 CMF: a contract over 1 000 € is never paid in cash, even with a small invoice."""
    small = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    big = wb.invoice("2026-03-02", "MO-H:20", client="C00002")[2]  # 1 210,00 TTC
    wb.refused("reglement", "saisir", "--client", "C00002", "--montant", "300", "--mode", "especes",
               "--facture", small, "--facture", big, au="2026-03-10", code="reglement.especes", words=["1 000 €"])
    wb.ok("reglement", "saisir", "--client", "C00002", "--montant", "121", "--mode", "especes", "--facture", small,
          au="2026-03-10")


def test_money_on_an_open_order_before_its_invoice_is_a_deposit_not_a_credit(wb: Book) -> None:
    """CGI 289 I-1-c: a deposit calls for a deposit invoice; the tool proposes it."""
    _, order = wb.order("2026-03-02", "MO-H:10", client="C00002")
    message = wb.refused("reglement", "saisir", "--client", "C00002", "--montant", "300", "--mode", "virement",
                         au="2026-03-03", code="reglement.acompte", words=[order, "289"])
    assert "facture d'acompte" in message
    assert payments.credit_of(wb.store(), "C00002") == 0


def test_a_document_of_another_client_or_already_paid_is_refused(wb: Book) -> None:
    mine = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    other = wb.invoice("2026-03-02", "MO-H:2")[2]
    wb.refused("reglement", "saisir", "--client", "C00002", "--montant", "10", "--mode", "virement",
               "--facture", other, au="2026-03-10", code="reglement.client", words=["C00001"])
    wb.pay(mine, "121", "2026-03-10")
    wb.refused("reglement", "saisir", "--facture", mine, "--montant", "1", "--mode", "virement", au="2026-03-10",
               code="reglement.solde")


def test_non_deposited_cheques_are_listed(wb: Book) -> None:
    a = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    wb.ok("reglement", "saisir", "--facture", a, "--montant", "100", "--mode", "cheque", "--reference", "n° 1187654",
          au="2026-03-10")
    wb.pay(a, "21", "2026-03-10", mode="virement")
    listed = wb.ok("reglement", "liste", "--non-remis", au="2026-03-10")["reglements"]
    assert [(r["mode"], r["montant"]) for r in listed] == [("Chèque", "100.00")]


def test_verifier_finds_a_paid_amount_that_does_not_follow_from_the_payments(wb: Book) -> None:
    """« Réglé » is a cache of the allocations: typed over in Excel, `syc verifier` says so."""
    import dataclasses

    from pyxl.workbook.filestore import ChangeSet
    from pyxl.workbook.schema import SCHEMA

    a = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    wb.pay(a, "100", "2026-03-10")
    assert wb.ok("verifier", au="2026-03-10")["ok"]
    excel = dataclasses.replace(SCHEMA, tables=tuple(dataclasses.replace(t, audit=None) if t.name == "tFactures"
                                                     else t for t in SCHEMA.tables))
    store = wb.store_with(excel)
    row = next(r for r in store.rows("tFactures") if r["number"] == a)
    cs = ChangeSet()
    cs.update("tFactures", row.row, {"paid": D("121.00"), "status": "Réglée"})
    store.apply(cs, as_of=dt.date(2026, 3, 10))
    rc, data = wb.run("verifier", au="2026-03-10")
    assert rc == 1 and "reglement.somme" in [e["code"] for e in data["erreurs"]], data


def test_an_imputation_of_credit_above_what_the_documents_owe_is_refused(wb: Book) -> None:
    a = wb.invoice("2026-03-02", "MO-H:2", client="C00002")[2]
    wb.pay(a, "400", "2026-03-10")  # 279,00 of credit
    b = wb.invoice("2026-04-01", "MO-H:2", client="C00002")[2]
    wb.refused("credit", "imputer", "--client", "C00002", "--facture", b, "--montant", "121,01", au="2026-04-02",
               code="credit.plus_que_du", words=["121,00"])
    wb.ok("credit", "imputer", "--client", "C00002", "--facture", b, "--montant", "121", au="2026-04-02")
    assert paid(wb, b) == (D("121.00"), "Réglée")
    assert payments.credit_of(wb.store(), "C00002") == D("158.00")
