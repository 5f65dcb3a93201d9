"""Contract invoices (`syc contrat facturer --mois AAAA-MM`): each active contract whose billing
period starts by the end of the month and is not yet invoiced gets, in one change set, the sales
chain of one billing: an accepted quote (D…), its order realised (BC…) and the invoice issued
(F…, the gapless series, fingerprinted in the audit chain like `syc facture emettre`).

Periods: a yearly contract is billed per contract year (from the start to the first renewal, then
from renewal to renewal), a monthly one per month from its start day; a period is billed in
advance, in the month it starts. The amount is the annual price for a whole year, one twelfth for a
month (the twelfth month of each contract year takes the rounding rest, so twelve months make the
annual price), and a first contract year shorter or longer than twelve months pro rata of its days.
Periods of earlier months left unbilled are billed too, one line each (« rattrapage »).

VAT: the « Règles TVA » for the nature « Entretien », the contract's equipment category and the
site's housing (« Logement + 2 ans » of the contract), on the invoice date.

Never twice: the contract's « Facturé jusqu'au » records the end of the last period billed; a
contract whose period of the month is already billed is left out (named), and asked for alone
(`--contrat`), refused naming it."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pyxl.core import fields, terms, vat
from pyxl.core import maintenance as mt
from pyxl.core import workflow as wf
from pyxl.core.frformat import SPACE, percent
from pyxl.core.issues import Issue, Severity
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.services.contracts import ACTIVE, TERMINATED, _month, get_contract, list_contracts
from pyxl.services.invoices import ISSUE_ACTION, operation_of
from pyxl.workbook.schema import YES
from pyxl.workbook.store import Row, Store

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
NATURE = "Entretien"
MONTHLY = "Mensuelle"
NO_RULE_REASON = "taux normal : aucune règle TVA pour l'entretien de cet équipement"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    amount: Decimal
    index: int  # 0 for the first period of the contract


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def periods(contract: Row | dict[str, Any], until: dt.date) -> list[Period]:
    """The contract's billing periods starting on or before `until` (and before its termination)."""
    start, price = contract["start"], contract["price_ht"] or ZERO
    ended = contract["ended_on"] if contract["status"] == TERMINATED else None
    out: list[Period] = []
    if contract["billing"] == MONTHLY:
        twelfth = _cents(price / 12)
        k = 0
        while (p_start := mt.add_months(start, k)) <= until and (ended is None or p_start <= ended):
            amount = price - 11 * twelfth if k % 12 == 11 else twelfth
            out.append(Period(p_start, mt.add_months(start, k + 1) - dt.timedelta(days=1), amount, k))
            k += 1
        return out
    anniversary = contract["anniversary"] or mt.add_months(start, 12)
    bounds = [start, anniversary]
    while bounds[-1] <= until:
        bounds.append(mt.add_months(anniversary, 12 * (len(bounds) - 1)))
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        if a > until or (ended is not None and a > ended):
            break
        if b == mt.add_months(a, 12):
            amount = price
        else:  # a first contract year of another length: pro rata of its days
            amount = _cents(price * (b - a).days / (mt.add_months(a, 12) - a).days)
        out.append(Period(a, b - dt.timedelta(days=1), amount, k))
    return out


def unbilled(contract: Row | dict[str, Any], until: dt.date) -> list[Period]:
    billed_to = contract["billed_to"]
    return [p for p in periods(contract, until) if billed_to is None or p.end > billed_to]


def _designation(c: Row, p: Period, first: dt.date) -> str:
    what = " ".join(str(x) for x in (c["category"], c["brand"], c["model"]) if x)
    kind = "mensualité" if c["billing"] == MONTHLY else "annuité"
    late = " (rattrapage)" if p.start < first else ""
    return (f"Contrat d'entretien {c['number']}, formule {c['formula']} ({what}) : {kind} du {sd.day(p.start)} au "
            f"{sd.day(p.end)}{late}")


def _rate(rules: list[vat.Rule], c: Row, franchise: bool, day: dt.date) -> tuple[Decimal, str, str]:
    """(rate, reason written on the line, the rule's basis) for the contract's equipment."""
    if franchise:
        return Decimal(0), vat.ZERO_REASONS["293b"], ""
    housing = YES if c["housing_old"] == YES else "Non"
    rule = vat.pick(rules, NATURE, str(c["category"]), housing, day)
    if rule is None:
        return Decimal(20), NO_RULE_REASON, ""
    return rule.rate, "", rule.basis


def _through(kind: str, state: str, *actions: str) -> str:
    """The state a new record reaches by the moves of the one transition table."""
    for action in actions:
        nxt = wf.next_state(kind, action, state)
        assert nxt is not None, (kind, action, state)
        state = nxt
    return state


# each billing's chain: a quote accepted, its order realised then invoiced, the invoice issued
QUOTE_STATE = _through("devis", wf.Q_DRAFT, "accepter")
ORDER_STATE = _through("commande", wf.O_OPEN, "realiser", "facturer")
INVOICE_STATE = _through("facture", wf.I_DRAFT, "emettre")


def invoice_contracts(store: Store, month: str, as_of: dt.date, only: str = "") -> Result:
    """Bill every contract due in `month` (or the one named by `only`) in one change set."""
    from pyxl.services import closures
    from pyxl.services.clients import get_client

    first, last = _month(month)
    store.prefetch(("tContrats", "tFactures", "tDevis", "tCommandes", "tCompteurs", "tJournalAudit"))
    if only:
        chosen = [get_contract(store, only)]
        c0 = chosen[0]
        where = f"Contrat {c0['number']} ({c0.where})"
        if c0["status"] != ACTIVE and not unbilled(c0, last):
            raise sd.refuse("contrat.etat", where, f"il est résilié depuis le {sd.day(c0['ended_on'])}.")
    else:
        chosen = [c for c in list_contracts(store) if c["status"] == ACTIVE or c["ended_on"]]
    closures.check_open(store, as_of, f"Facturation des contrats de {first:%m/%Y}")
    rules = sd.rules(store)
    params = store.parameters()
    franchise = params.get("franchise_tva") == "Oui"
    method = "B" if params.get("methode_fin_de_mois") == "B" else "A"
    todo: list[tuple[Row, list[Period]]] = []
    already: list[Row] = []
    for c in chosen:
        if c["start"] > last:
            if only:
                raise sd.refuse("contrat.facturer", f"Contrat {c['number']} ({c.where})",
                                f"il commence le {sd.day(c['start'])}, après {first:%m/%Y} : rien à facturer.")
            continue
        left = unbilled(c, last)
        if left:
            todo.append((c, left))
        elif any(p.start >= first for p in periods(c, last)):  # the period starting this month is billed
            already.append(c)
    if only and already:
        c = already[0]
        raise sd.refuse("contrat.deja_facture", f"Contrat {c['number']} ({c.where})",
                        f"il est déjà facturé jusqu'au {sd.day(c['billed_to'])}"
                        + (f" (facture {c['last_invoice']})" if c["last_invoice"] else "")
                        + f" : la période de {first:%m/%Y} ne se facture pas deux fois.")
    if not todo:
        if already:
            names = ", ".join(f"{c['number']} (jusqu'au {sd.day(c['billed_to'])}"
                              + (f", {c['last_invoice']})" if c["last_invoice"] else ")") for c in already[:10])
            raise sd.refuse("contrat.deja_facture", f"Facturation des contrats de {first:%m/%Y}",
                            f"tout est déjà facturé : {names}{' …' if len(already) > 10 else ''}. Une période ne se "
                            "facture pas deux fois.")
        res = Result()
        res.message = f"Aucun contrat d'entretien à facturer pour {first:%m/%Y}."
        res.data = {"mois": f"{first:%Y-%m}", "factures": [], "deja_facturees": [], "total_ht": ZERO,
                    "total_ttc": ZERO}
        return res

    res = Result()
    n = len(todo)
    year = as_of.year
    quotes = sd.next_refs(store, res.changes, "Devis", year, f"D{year}-", 4, "tDevis", "number", n)
    orders = sd.next_refs(store, res.changes, "Commande", year, f"BC{year}-", 4, "tCommandes", "number", n)
    drafts = sd.next_refs(store, res.changes, "Brouillon", None, "BROUILLON-", 0, "tFactures", "ref", n)
    head = sd.next_ref(store, res.changes, "Facture", year, f"F{year}-", 5, "tFactures", "number", gapless=True,
                       reserve=n)
    start_no = int(head.removeprefix(f"F{year}-"))
    numbers = [f"F{year}-{i:05d}" for i in range(start_no, start_no + n)]
    items: list[dict[str, Any]] = []
    lines_out: list[str] = []
    grand_ht = grand_ttc = ZERO
    for (c, left), qn, on, ref, number in zip(todo, quotes, orders, drafts, numbers, strict=True):
        client = get_client(store, str(c["client"]))
        where = f"Contrat {c['number']} ({c.where})"
        rate, reason, basis = _rate(rules, c, franchise, as_of)
        if reason == NO_RULE_REASON:
            res.warnings.append(Issue("contrat.tva", f"{where} : aucune règle TVA pour l'entretien de « "
                                                     f"{c['category']} » : taux normal de 20 %.", where,
                                      Severity.WARNING))
        elif c["housing_old"] != YES and not franchise:
            lower = vat.pick(rules, NATURE, str(c["category"]), YES, as_of)
            if lower is not None and lower.rate < rate:
                res.warnings.append(Issue(
                    "contrat.tva_normale", f"{where} : TVA à {percent(rate, sep=SPACE)} car les locaux ne sont pas "
                                           f"déclarés « logement de plus de deux ans » ; s'ils le sont (syc contrat "
                                           f"modifier {c['number']} --logement-plus-2-ans oui), "
                                           f"{percent(lower.rate, sep=SPACE)} s'applique.", where, Severity.WARNING))
        lines = [{"pos": i, "article": None, "designation": _designation(c, p, first), "unit": "forfait",
                  "qty": Decimal(1), "unit_price": p.amount, "discount_pct": None, "rate": rate,
                  "rate_reason": reason, "net": p.amount, "purchase_price": None, "category": c["category"]}
                 for i, p in enumerate(left, 1)]
        totals = sd.totals_of(lines, None)
        span = f"du {sd.day(left[0].start)} au {sd.day(left[-1].end)}"
        obj = f"Contrat d'entretien {c['number']} : {span}"
        common = {"client": c["client"], "client_name": sd.client_name(client) or c["client_name"], "object": obj}
        res.changes.append("tDevis", {
            **common, "number": qn, "date": as_of, "site": None, "client_ref": c["number"], "nature": NATURE,
            "housing_old": YES if c["housing_old"] == YES else "Non", "away": "Non", "reverse_charge": "Non",
            "outside_main_activity": "Non", "validity_days": 30, "valid_until": as_of + dt.timedelta(days=30),
            "status": QUOTE_STATE, "accepted_on": as_of, "urgent": "Non", "express_request": "Non", "order": on,
            "total_ht": totals.ht, "total_vat": totals.vat, "total_ttc": totals.ttc, "followups": 0})
        for ln in lines:
            res.changes.append("tLignesDevis", {"quote": qn, **ln})
        res.changes.append("tCommandes", {
            **common, "number": on, "date": as_of, "quote": qn, "status": ORDER_STATE, "done_on": as_of,
            "invoice": number, "total_ht": totals.ht, "total_ttc": totals.ttc})
        term_text = str(client["terms"] or params.get("conditions_paiement") or "30 jours fin de mois")
        try:
            term_text = fields.payment_terms(term_text)
        except fields.FieldError as exc:
            raise sd.refuse("facture.conditions", f"Client {client['code']} ({client.where})", str(exc)) from None
        invoice: dict[str, Any] = {
            **common, "ref": ref, "number": number, "doc_type": wf.T_INVOICE, "status": INVOICE_STATE, "date": as_of,
            "order": on, "quote": qn, "client_ref": c["number"], "nature": NATURE,
            "housing_old": YES if c["housing_old"] == YES else "Non", "reverse_charge": "Non",
            # billed in advance: no « date of completion » (the period is in the lines and the object),
            # so the claim is dated by the invoice (dunning.claim_born)
            "service_date": None, "terms": term_text,
            "due_date": terms.due_date(as_of, terms.parse(term_text), method),
            "total_ht": totals.ht, "total_vat": totals.vat, "total_ttc": totals.ttc, "paid": ZERO, "credited": ZERO,
            "created": as_of, "operation": operation_of(NATURE, [])}
        if client["kind"] == "Professionnel":
            from pyxl.services.invoices import _penalty_clause

            if cap := fields.business_terms_cap(term_text):
                raise sd.refuse("facture.plafond", where, cap + " Corrigez les conditions du client ou des Paramètres.")
            invoice["penalty_clause"] = _penalty_clause(store, params, as_of, where, res)
        res.changes.append("tFactures", invoice)
        for ln in lines:
            res.changes.append("tLignesFactures", {"doc": ref, **ln})
        res.changes.issue("tFactures", number, ISSUE_ACTION)
        res.changes.update("tContrats", c, {"billed_to": left[-1].end, "last_invoice": number})
        grand_ht += totals.ht
        grand_ttc += totals.ttc
        items.append({"contrat": c["number"], "client": c["client"], "nom_client": common["client_name"],
                      "facture": number, "devis": qn, "commande": on, "du": left[0].start, "au": left[-1].end,
                      "periodes": len(left), "taux_tva": format(rate.normalize(), "f"), "motif_taux": basis or reason,
                      "total_ht": totals.ht, "total_ttc": totals.ttc, "echeance": invoice["due_date"]})
        lines_out.append(f"{number}  {c['number']}  {common['client_name']}  {span} : {euros(totals.ht)} HT, "
                         f"TVA {percent(rate, sep=SPACE)}, {euros(totals.ttc)} TTC")
    res.message = (f"Contrats d'entretien facturés pour {first:%m/%Y} : {n} facture{'s' if n > 1 else ''} émise"
                   f"{'s' if n > 1 else ''} le {sd.day(as_of)} ({numbers[0]}"
                   + (f" à {numbers[-1]}" if n > 1 else "") + f"), {euros(grand_ht)} HT, {euros(grand_ttc)} TTC.\n"
                   + "\n".join(lines_out))
    if already:
        res.message += "\nDéjà facturés (laissés de côté) : " + ", ".join(str(c["number"]) for c in already) + "."
    res.data = {"mois": f"{first:%Y-%m}", "factures": items, "deja_facturees": [str(c["number"]) for c in already],
                "total_ht": grand_ht, "total_ttc": grand_ttc}
    return res
