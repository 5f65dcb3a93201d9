"""Invoices, deposit invoices and credit notes: one gapless series per year, numbered at issue.

A draft carries a provisional reference (BROUILLON-12) that stays its internal reference — its
lines point to it, so issuing never rewrites the lines. At issue the document gets the next number
of the year (F2026-00001), its date (never before the last issued one), its due date, and its
fingerprint in the audit chain; from then on it never changes (credit note, opposite payment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pyxl.core import fields, pricing, terms, vat
from pyxl.core import interest as it
from pyxl.core import workflow as wf
from pyxl.core.frformat import SPACE, percent, quantity
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.core.money import euros, to_cents
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.services.orders import get_order
from pyxl.services.quotes import cooling_off_end, get_quote
from pyxl.workbook.schema import CREDIT_CAUSES
from pyxl.workbook.store import ChangeSet, Row, Store

ZERO = Decimal("0.00")
ISSUE_ACTION = "Émission"  # one action for the three types: one chronological series


def get_doc(store: Store, ref: str) -> Row:
    """By number (F2026-00012) or by draft reference (BROUILLON-12)."""
    typed = (ref or "").strip()
    keys = ("ref", "number") if typed.upper().startswith("BROUILLON") else ("number", "ref")
    for key in keys:  # key lookups first: no need to read the whole sheet
        found = store.rows_where("tFactures", key, {typed, typed.upper()}) if typed else []
        if found:
            return found[0]
    folded = typed.casefold()
    for r in store.rows("tFactures"):
        if folded and folded in (str(r["number"] or "").casefold(), str(r["ref"] or "").casefold()):
            return r
    shown = fields.shown(ref)
    raise Refused(Issue("facture.inconnue", f"Pièce « {shown} » introuvable. Voyez « syc facture liste » "
                                            "ou « syc avoir liste ».", f"Factures {shown}"))


def label(row: Row | dict[str, Any]) -> str:
    return f"{row.get('doc_type') or 'Pièce'} {row.get('number') or row.get('ref')}"


def archived(store: Store, number: str, unknown: Refused) -> Any:
    """The invoice `number` found in a fiscal-year archive (`archives.find_invoice`), else the
    active workbook's refusal `unknown` raised again (as is any refusal but « facture inconnue »)."""
    if unknown.issues[0].code != "facture.inconnue":
        raise unknown
    from pyxl.services import archives

    found = archives.find_invoice(store, number)
    if found is None:
        raise unknown
    return found


def doc_or_archived(store: Store, number: str) -> tuple[Row, Any]:
    """`get_doc`, else the issued invoice `number` in a fiscal-year archive (`archived`): its row,
    and what the archives' search found (None when the invoice is in this workbook)."""
    try:
        return get_doc(store, number), None
    except Refused as exc:
        found = archived(store, number, exc)
    return found.row, found


@dataclass(frozen=True)
class _Origin:
    """The invoice a credit note is on, its lines, and the credit notes already on it with theirs —
    in the active workbook, or for an invoice of an archived year, in its archive and the active
    workbook both (`archive` set: its row there is never written)."""

    row: Row
    lines: list[Row]
    earlier: list[tuple[Row, list[Row]]]
    archive: Path | None = None


def _origin(store: Store, number: str, *, drafts: bool) -> _Origin:
    row, found = doc_or_archived(store, number)
    if found is not None:
        typed = str(found.row["number"])
        active = [r for r in store.rows_where("tFactures", "origin", {typed})
                  if r["doc_type"] == wf.T_CREDIT and (drafts or r["status"] != wf.I_DRAFT)]
        lines = sd.lines_of(store, "tLignesFactures", "doc", {str(r["ref"]) for r in active}) if active else {}
        return _Origin(found.row, found.lines,
                       [*found.credit_notes, *((r, lines.get(r["ref"], [])) for r in active)], found.path)
    own = sd.lines_of(store, "tLignesFactures", "doc", {row["ref"]}).get(row["ref"], [])
    credits = _credits(store, row, drafts=drafts)
    lines = sd.lines_of(store, "tLignesFactures", "doc", {str(r["ref"]) for r in credits}) if credits else {}
    return _Origin(row, own, [(r, lines.get(r["ref"], [])) for r in credits])


def _left_to_credit(o: _Origin) -> list[pricing.Part]:
    """What is left to credit on the origin, per rate, after the credit notes already on it."""
    taken: list[pricing.Part] = []
    for cr, lines in o.earlier:
        taken += pricing.parts_of(sd.totals_of([r.values for r in lines], cr["discount_pct"]))
    return pricing.subtract(pricing.parts_of(sd.totals_of([r.values for r in o.lines], o.row["discount_pct"])), taken)


def _new_draft(store: Store, changes: ChangeSet, as_of: dt.date, row: dict[str, Any],
               lines: list[dict[str, Any]]) -> tuple[str, pricing.Totals]:
    ref = sd.next_ref(store, changes, "Brouillon", None, "BROUILLON-", 0, "tFactures", "ref")
    totals = sd.totals_of(lines, row.get("discount_pct"))
    changes.append("tFactures", {**row, "ref": ref, "status": wf.I_DRAFT, "total_ht": totals.ht,
                                 "total_vat": totals.vat, "total_ttc": totals.ttc, "paid": ZERO, "credited": ZERO,
                                 "created": as_of})
    for i, ln in enumerate(lines, 1):
        changes.append("tLignesFactures", {**ln, "doc": ref, "pos": i})
    return ref, totals


def _order_docs(store: Store, order: str) -> list[Row]:
    return store.rows_where("tFactures", "order", {order})


def _client_kind(store: Store, code: str) -> str:
    from pyxl.services.clients import get_client

    return str(get_client(store, code)["kind"])


def _cooling_off(store: Store, order: Row, day: dt.date, what: str) -> None:
    q = get_quote(store, order["quote"])
    from pyxl.services.clients import get_client

    first = cooling_off_end(q, get_client(store, q["client"]))
    if first and day < first:
        raise sd.refuse("facture.7jours", f"Commande {order['number']} (devis {q['number']} signé hors établissement "
                                          f"le {sd.day(q['accepted_on'])})",
                        f"{what} est interdit avant le {sd.day(first)} : aucun paiement ni acompte dans les 7 jours "
                        "qui suivent la signature (art. L221-10 C. conso), sauf dépannage urgent déclaré à "
                        "l'acceptation (syc devis accepter … --urgent).")


# --------------------------------------------------------------------------- deposit invoice
def create_deposit(store: Store, order_number: str, pct_text: str, as_of: dt.date,
                   amount: Decimal | None = None) -> Result:
    """A deposit invoice of `pct_text` % of the order; or, given `amount` (money received before the
    invoice, CGI 289 I-1-c), of exactly that amount TTC, its percentage noted to the hundredth."""
    order = get_order(store, order_number)
    sd.check_state("commande", order, f"Commande {order['number']}")
    where = f"Commande {order['number']} ({order.where})"
    if not wf.allowed("commande", "acompte", order["status"]):
        raise sd.refuse("acompte.etat", where, f"elle est « {order['status']} » : plus d'acompte possible.")
    docs = _order_docs(store, order["number"])
    taken = sum((d["deposit_pct"] or Decimal(0) for d in docs
                 if d["doc_type"] == wf.T_DEPOSIT and d["status"] != wf.I_CREDITED), Decimal(0))
    if amount is not None:
        total_ttc = order["total_ttc"] or Decimal(0)
        if amount <= 0 or not total_ttc:
            raise sd.refuse("acompte.zero", where, "le montant de l'acompte serait nul.")
        pct = min(to_cents(amount * 100 / total_ttc), 100 - taken)
    else:
        pct = sd.percent(pct_text, where, "le pourcentage d'acompte", low=Decimal(0), high=Decimal(100),
                         low_open=True)
    if any(d["doc_type"] == wf.T_INVOICE and d["status"] != wf.I_CREDITED for d in docs):
        raise sd.refuse("acompte.facturee", where, "sa facture est déjà établie : plus d'acompte possible.")
    if taken + pct > 100:
        raise sd.refuse("acompte.plafond", where, f"les acomptes atteindraient {percent(taken + pct, sep=SPACE)} de la commande "
                                                  f"(déjà {percent(taken, sep=SPACE)}) : 100 % au plus.")
    _cooling_off(store, order, as_of, "un acompte")
    q = get_quote(store, order["quote"])
    qlines = sd.lines_of(store, "tLignesDevis", "quote", {q["number"]}).get(q["number"], [])
    order_totals = sd.totals_of([r.values for r in qlines], q["discount_pct"])
    previous: list[pricing.Part] = []
    for d in docs:
        if d["doc_type"] == wf.T_DEPOSIT and d["status"] != wf.I_CREDITED:
            previous += _remaining(store, d) if d["number"] else _parts(store, d)
    parts = pricing.deposit_parts(order_totals, pct, taken, previous)
    if amount is not None and parts:
        parts = pricing.to_amount(parts, amount)
    if not parts:
        raise sd.refuse("acompte.zero", where, "le montant de l'acompte serait nul.")
    lines = []
    for p in parts:
        suffix = f" (part à {percent(p.rate, sep=SPACE)})" if len(parts) > 1 else ""
        exact = p.vat == to_cents(p.ht * p.rate / 100)
        what = f"Acompte de {percent(pct, sep=SPACE)}" if amount is None else f"Acompte de {euros(amount)} TTC reçu"
        lines.append({"designation": f"{what} sur la commande {order['number']} (devis {q['number']}){suffix}",
                      "unit": "forfait", "qty": Decimal(1), "unit_price": p.ht, "rate": p.rate, "net": p.ht,
                      "fixed_vat": None if exact else p.vat, "rate_reason": _zero_reason(qlines, p.rate)})
    res = Result()
    row = _header(q, order, wf.T_DEPOSIT) | {"deposit_pct": pct, "terms": "comptant"}
    ref, totals = _new_draft(store, res.changes, as_of, row, lines)
    res.message = (f"Facture d'acompte {ref} ({percent(pct, sep=SPACE)}) préparée : "
                   f"{euros(totals.ttc)} TTC.\n" + msg("facture.suivante", ref=ref))
    res.data = {"reference": ref, **sd.totals_json(totals)}
    return res


def _zero_reason(lines: list[Row], rate: Decimal) -> str:
    if rate != 0:
        return ""
    return next((str(r["rate_reason"]) for r in lines if r["rate"] == 0 and r["rate_reason"]), "")


def _header(q: Row, order: Row, doc_type: str) -> dict[str, Any]:
    return {"doc_type": doc_type, "client": q["client"], "client_name": q["client_name"], "order": order["number"],
            "quote": q["number"], "object": q["object"], "client_ref": q["client_ref"], "nature": q["nature"],
            "housing_old": q["housing_old"], "reverse_charge": q["reverse_charge"], "site": q["site"]}


# the nature of the works decides the category of the operation, not the lines: works, supply and
# installation included, are services (CGI 256 IV 1°); parts sold without fitting (« Vente sans
# pose ») are a supply of goods (CGI 256 I), « Mixte » when that invoice also bills hours of work
OPERATION_OF_NATURE = {"Installation": "Prestation de services", "Remplacement": "Prestation de services",
                       "Dépannage": "Prestation de services", "Entretien": "Prestation de services",
                       "Construction (ouvrage)": "Prestation de services", "Vente sans pose": "Livraison de biens"}


def operation_of(nature: str, lines: Sequence[Row]) -> str:
    """The category of the operation printed on the invoice (CGI ann. II art. 242 nonies A)."""
    operation = OPERATION_OF_NATURE.get(nature, "Prestation de services")
    if operation == "Livraison de biens" and any(str(ln["unit"] or "").strip().lower() in ("h", "heure", "heures")
                                                 for ln in lines):
        return "Mixte"
    return operation



# --------------------------------------------------------------------------- final invoice
def create_invoice(store: Store, order_number: str, as_of: dt.date) -> Result:
    from pyxl.services.clients import get_client

    order = get_order(store, order_number)
    sd.check_state("commande", order, f"Commande {order['number']}")
    where = f"Commande {order['number']} ({order.where})"
    if order["status"] in (wf.O_OPEN, wf.O_PLANNED):
        raise sd.refuse("facture.realisee", where, "les travaux ne sont pas notés réalisés : "
                                                   f"syc commande realiser {order['number']} --date JJ/MM/AAAA.")
    if order["status"] != wf.O_DONE:
        raise sd.refuse("facture.etat", where, f"elle est « {order['status']} » : pas de facture.")
    docs = _order_docs(store, order["number"])
    for d in docs:
        if d["doc_type"] == wf.T_INVOICE and d["status"] != wf.I_CREDITED:
            raise sd.refuse("facture.existe", where, f"elle a déjà sa facture {d['number'] or d['ref']} "
                                                     f"({d['status'].lower()}).")
        if d["doc_type"] == wf.T_DEPOSIT and d["status"] == wf.I_DRAFT:
            raise sd.refuse("facture.acompte", where, f"la facture d'acompte {d['ref']} est encore en brouillon : "
                                                      f"émettez-la (syc facture emettre {d['ref']}) d'abord.")
    q = get_quote(store, order["quote"])
    client = get_client(store, q["client"])
    qlines = sd.lines_of(store, "tLignesDevis", "quote", {q["number"]}).get(q["number"], [])
    keep = ("article", "designation", "unit", "qty", "unit_price", "discount_pct", "rate", "rate_reason", "net",
            "purchase_price", "category")
    lines = [{k: ln[k] for k in keep} for ln in qlines]
    deposits = [d for d in docs if d["doc_type"] == wf.T_DEPOSIT and d["number"]]
    res = Result()
    _rates_at_completion(store, q, order, lines, deposits, res)
    deducted = ZERO
    for d in sorted(deposits, key=lambda d: str(d["number"])):
        left = _remaining(store, d)
        for p in left:
            if p.ht == 0 and p.vat == 0:
                continue
            lines.append({"designation": f"Acompte déduit : facture d'acompte {d['number']} du {sd.day(d['date'])}"
                                         + (f" (part à {percent(p.rate, sep=SPACE)})" if len(left) > 1 else ""),
                          "unit": "forfait", "qty": Decimal(-1), "unit_price": p.ht, "rate": p.rate, "net": -p.ht,
                          "fixed_vat": -p.vat, "source": d["number"], "rate_reason": _zero_reason(qlines, p.rate)})
            deducted += p.ht + p.vat
    params = store.parameters()
    term = str(client["terms"] or params.get("conditions_paiement") or "30 jours fin de mois")
    row = _header(q, order, wf.T_INVOICE) | {"discount_pct": q["discount_pct"], "service_date": order["done_on"],
                                            "terms": term, "deducted_ttc": deducted or None}
    ref, totals = _new_draft(store, res.changes, as_of, row, lines)
    res.message = (f"Facture {ref} préparée pour la commande {order['number']} : {euros(totals.ht)} HT, "
                   f"{euros(totals.ttc)} TTC" + (f" après {euros(deducted)} d'acomptes déduits" if deducted else "")
                   + ".\n" + msg("facture.suivante", ref=ref))
    res.data = {"reference": ref, **sd.totals_json(totals)}
    return res


def _rates_at_completion(store: Store, q: Row, order: Row, lines: list[dict[str, Any]], deposits: list[Row],
                         res: Result) -> None:
    """The VAT of the final invoice is the rate in force on the completion date of the works (the
    order's « Date de réalisation », CGI 269-1-a), unless the change's transitional rule keeps the
    old one (quote accepted and a deposit actually received — a payment, not a deposit invoice —
    before the change: LF 2025 art. 32). Only lines whose rate came from the rules move; forced and
    0 % lines keep theirs. The quote is untouched; the warning gives both rates and both totals."""
    from pyxl.services import dunning

    done, quoted = order["done_on"], q["date"]
    if not isinstance(done, dt.date) or not isinstance(quoted, dt.date) or done <= quoted:
        return
    numbers = {str(d["number"]) for d in deposits}
    received = [p["date"] for p in dunning.payments(store, numbers, done) if (p["amount"] or ZERO) > 0
                and isinstance(p["date"], dt.date)]
    deposit_on = min(received) if received else None
    rules = sd.rules(store)
    main = vat.job_category([(str(ln["category"] or ""), ln["net"] or ZERO) for ln in lines])
    nature, housing = str(q["nature"] or ""), str(q["housing_old"] or "Non")
    changed: list[tuple[Decimal, Decimal]] = []
    before = sd.totals_of(lines, q["discount_pct"])
    for ln in lines:
        if ln["rate_reason"]:  # forced, 0 % with its mention, or the article's default: as quoted
            continue
        category = str(ln["category"] or "")
        job_cat = category if category in vat.EQUIPMENT else main
        rule = vat.rate_at_completion(rules, nature, job_cat, housing, quoted, done, q["accepted_on"], deposit_on)
        if rule is not None and rule.rate != ln["rate"]:
            changed.append((ln["rate"], rule.rate))
            ln["rate"] = rule.rate
    if changed:
        after = sd.totals_of(lines, q["discount_pct"])
        olds = ", ".join(sorted({percent(a, sep=SPACE) for a, _ in changed}))
        news = ", ".join(sorted({percent(b, sep=SPACE) for _, b in changed}))
        res.warnings.append(Issue(
            "facture.tva_realisation",
            f"Le devis {q['number']} a été signé à {olds} de TVA ; le taux en vigueur à la date de réalisation des "
            f"travaux ({sd.day(done)}) est {news} (art. 269-1-a du CGI"
            + ("" if deposit_on else " ; aucun acompte encaissé avant le changement de taux")
            + f") : TTC du devis {euros(before.ttc)}, TTC facturé {euros(after.ttc)}. Prévenez le client, "
            "qui a signé le premier montant.", f"Devis {q['number']} ({q.where})", Severity.WARNING))


def _parts(store: Store, doc: Row) -> list[pricing.Part]:
    lines = sd.lines_of(store, "tLignesFactures", "doc", {doc["ref"]}).get(doc["ref"], [])
    return pricing.parts_of(sd.totals_of([r.values for r in lines], doc["discount_pct"]))


def _credits(store: Store, doc: Row, *, drafts: bool) -> list[Row]:
    if not doc["number"]:
        return []
    return [r for r in store.rows_where("tFactures", "origin", {doc["number"]}) if r["doc_type"] == wf.T_CREDIT
            and (drafts or r["status"] != wf.I_DRAFT)]


def _remaining(store: Store, doc: Row, *, drafts: bool = False) -> list[pricing.Part]:
    """What is left to credit on `doc`, per rate (issued credit notes, and drafts if asked)."""
    taken: list[pricing.Part] = []
    for cr in _credits(store, doc, drafts=drafts):
        taken += _parts(store, cr)
    return pricing.subtract(_parts(store, doc), taken)


# --------------------------------------------------------------------------- credit note
CAUSE_ALIASES = {"erreur": "Erreur", "litige": "Litige", "geste": "Geste commercial",
                 "geste-commercial": "Geste commercial"}


def credit_cause(text: str, where: str) -> str:
    """The cause of a credit note, which decides its effect on the penalties (see dunning.movements)."""
    try:
        return fields.choice(text, CREDIT_CAUSES, label="La cause de l'avoir", required=True, aliases=CAUSE_ALIASES)
    except fields.FieldError:
        raise sd.refuse("avoir.cause", where, f"cause de l'avoir « {fields.shown(text)} » : indiquez erreur (facture "
                                              "erronée), litige (contestation justifiée) ou geste (geste commercial) ; "
                                              "elle décide si la somme créditée a porté des pénalités.") from None


def create_credit_note(store: Store, invoice: str, reason: str, line_specs: list[str], as_of: dt.date,
                       cause: str) -> Result:
    found = _origin(store, invoice, drafts=True)
    origin = found.row
    where = f"{label(origin)} ({origin.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    cause = credit_cause(cause, where)
    if origin["doc_type"] == wf.T_CREDIT:
        raise sd.refuse("avoir.origine", where, "un avoir ne se crédite pas ; indiquez la facture d'origine.")
    if origin["status"] == wf.I_DRAFT:
        raise sd.refuse("avoir.brouillon", where, "c'est un brouillon : il n'a pas de numéro et se corrige librement ; "
                                                  "un avoir ne porte que sur une facture émise.")
    if found.archive is not None:
        _refuse_archived(found, where)
    elif origin["doc_type"] == wf.T_DEPOSIT:
        _refuse_if_deducted(store, origin, where)
    remaining = _left_to_credit(found)
    left_ttc = sum((p.ht + p.vat for p in remaining), ZERO)
    if left_ttc <= 0:
        raise sd.refuse("avoir.solde", where, "elle est déjà entièrement créditée (avoirs émis ou en brouillon).")
    olines = found.lines
    lines: list[dict[str, Any]] = []
    discount = origin["discount_pct"]
    if not line_specs:
        if not found.earlier:
            keep = ("article", "designation", "unit", "qty", "unit_price", "discount_pct", "rate", "rate_reason",
                    "net", "fixed_vat", "source", "purchase_price", "category")
            lines = [{k: ln[k] for k in keep} for ln in olines]
        else:
            discount = None
            for p in remaining:
                if p.ht or p.vat:
                    lines.append({"designation": f"Solde de la {label(origin).lower()} (part à {percent(p.rate, sep=SPACE)})",
                                  "unit": "forfait", "qty": Decimal(1), "unit_price": p.ht, "rate": p.rate,
                                  "net": p.ht, "fixed_vat": p.vat, "source": origin["number"],
                                  "rate_reason": _zero_reason(olines, p.rate)})
    else:
        for i, text in enumerate(line_specs, 1):
            spec = sd.parse_line_spec(text, i, with_discount=False)
            match = next((ln for ln in olines if str(ln["article"] or "").casefold() == spec.article.casefold()
                          and ln["fixed_vat"] is None), None)
            if match is None:
                raise sd.refuse("avoir.article", f"{where}, ligne {i}",
                                f"l'article « {fields.shown(spec.article)} » ne figure pas sur la facture.")
            invoiced = sum((ln["qty"] or 0 for ln in olines if ln["article"] == match["article"]
                            and ln["fixed_vat"] is None), Decimal(0))
            credited = sum((ln["qty"] or 0 for _cr, cr_lines in found.earlier for ln in cr_lines
                            if ln["article"] == match["article"] and ln["fixed_vat"] is None), Decimal(0))
            credited += sum((x["qty"] for x in lines if x["article"] == match["article"]), Decimal(0))
            if spec.qty > invoiced - credited:
                raise sd.refuse("avoir.qte", f"{where}, ligne {i}",
                                f"quantité {_num(spec.qty)} supérieure à ce qui reste à créditer pour "
                                f"{match['article']} ({_num(invoiced - credited)} sur {_num(invoiced)} facturés).")
            price = spec.unit_price if spec.unit_price is not None else match["unit_price"]
            dpct = match["discount_pct"] or Decimal(0)
            lines.append({"article": match["article"], "designation": match["designation"], "unit": match["unit"],
                          "qty": spec.qty, "unit_price": price, "discount_pct": dpct or None, "rate": match["rate"],
                          "rate_reason": match["rate_reason"], "net": pricing.line_net(spec.qty, price, dpct),
                          "purchase_price": match["purchase_price"], "category": match["category"]})
    totals = sd.totals_of(lines, discount)
    _check_credit(where, totals, remaining)
    res = Result()
    row = {"doc_type": wf.T_CREDIT, "client": origin["client"], "client_name": origin["client_name"],
           "order": origin["order"], "quote": origin["quote"], "origin": origin["number"], "object": origin["object"],
           "client_ref": origin["client_ref"], "nature": origin["nature"], "housing_old": origin["housing_old"],
           "reverse_charge": origin["reverse_charge"], "discount_pct": discount, "reason": reason,
           "site": origin.get("site"),
           "credit_cause": cause}
    ref, totals = _new_draft(store, res.changes, as_of, row, lines)
    on = label(origin) if found.archive is None else msg("avoir.sur.archivee", what=label(origin))
    res.message = (f"Avoir {ref} sur {on} préparé : {euros(totals.ttc)} TTC.\n"
                   + msg("facture.suivante", ref=ref))
    res.data = {"reference": ref, "facture": origin["number"], **sd.totals_json(totals)}
    return res


def _refuse_archived(found: _Origin, where: str) -> None:
    """A credit note on an invoice of an archived year: only on an invoice paid in full (it becomes the
    client's credit); a deposit invoice is credited through its final invoice, and a written-off
    invoice's loss is undone in its own year, not by a credit note."""
    origin = found.row
    assert found.archive is not None
    if origin["doc_type"] == wf.T_DEPOSIT:
        raise sd.refuse("avoir.archive", where, "cette facture d'acompte est archivée avec la facture qui la déduit : "
                                                "faites l'avoir sur cette facture.")
    if origin.get("written_off") is not None or origin["status"] not in (wf.I_PAID, wf.I_CREDITED):
        raise sd.refuse("avoir.archive", where, f"elle est archivée sans être réglée (« {origin['status']} »"
                                                + (", passée en perte" if origin.get("written_off") is not None else "")
                                                + ") : un avoir n'y porte plus. Voyez votre expert-comptable.")


def _deducting(store: Store, deposit: Row) -> list[Row]:
    """The final invoices (drafts included, fully credited ones excepted) that deduct this deposit."""
    if not deposit["number"]:
        return []
    refs = {str(ln["doc"]) for ln in store.rows_where("tLignesFactures", "source", {deposit["number"]})}
    return [f for f in (store.rows_where("tFactures", "ref", refs) if refs else [])
            if f["doc_type"] == wf.T_INVOICE and f["status"] != wf.I_CREDITED]


def _refuse_if_deducted(store: Store, deposit: Row, where: str) -> None:
    for f in _deducting(store, deposit):
        if f["number"]:
            raise sd.refuse("avoir.acompte_deduit", where, f"cet acompte est déjà déduit sur la facture {f['number']} : "
                                                           "faites l'avoir sur cette facture.")
        raise sd.refuse("avoir.acompte_deduit", where,
                        f"le brouillon de facture {f['ref']} déduit cet acompte : supprimez-le d'abord "
                        f"(syc facture supprimer {f['ref']}), faites l'avoir, puis préparez à nouveau la facture.")


def _check_deductions(store: Store, lines: list[Row], where: str) -> None:
    """Each deposit deducted by a draft final invoice is still what it was when the draft was made."""
    by_source: dict[str, dict[Decimal, pricing.Part]] = {}
    for ln in lines:
        if ln["fixed_vat"] is not None and ln["source"]:
            parts = by_source.setdefault(str(ln["source"]), {})
            p = parts.get(ln["rate"], pricing.Part(ln["rate"], ZERO, ZERO))
            parts[ln["rate"]] = pricing.Part(ln["rate"], p.ht - (ln["net"] or ZERO), p.vat - (ln["fixed_vat"] or ZERO))
    for source, parts in by_source.items():
        credits = [r for r in store.rows_where("tFactures", "origin", {source})
                   if r["doc_type"] == wf.T_CREDIT and r["status"] != wf.I_DRAFT]
        if not credits:
            continue  # an issued deposit never changes: only a credit note on it can make the draft stale
        deposit = get_doc(store, source)
        now = {p.rate: p for p in _remaining(store, deposit) if p.ht or p.vat}
        if now != parts:
            raise sd.refuse("facture.acompte_modifie", where,
                            f"l'acompte {source} a changé (avoir) depuis la préparation de ce brouillon : "
                            f"supprimez le brouillon (syc facture supprimer …) et préparez à nouveau la facture.")


def delete_draft(store: Store, ref: str) -> Result:
    """A draft has no number: deleting it leaves no gap. Its row and its lines are emptied."""
    from pyxl.services.orders import drop_drafts

    doc = get_doc(store, ref)
    if doc["status"] != wf.I_DRAFT or doc["number"]:
        raise sd.refuse("facture.emise", f"{label(doc)} ({doc.where})",
                        "elle est émise : elle ne se supprime pas (établissez un avoir).")
    res = Result()
    drop_drafts(store, [doc], res)
    res.message = f"Brouillon {doc['ref']} ({str(doc['doc_type']).lower()}) supprimé."
    res.data = {"reference": doc["ref"]}
    return res


def _num(q: Any) -> str:
    return quantity(q)


def _check_credit(where: str, totals: pricing.Totals, remaining: list[pricing.Part]) -> None:
    left = {p.rate: p for p in remaining}
    for r in totals.per_rate:
        p = left.get(r.rate)
        if p is None or r.base > p.ht:
            avail = euros(p.ht) if p else euros(ZERO)
            raise sd.refuse("avoir.plafond", where, f"l'avoir dépasserait ce qui reste à créditer à "
                                                    f"{percent(r.rate, sep=SPACE)} ({euros(r.base)} HT pour {avail} HT).")
    left_ttc = sum((p.ht + p.vat for p in remaining), ZERO)
    if totals.ttc > left_ttc:
        raise sd.refuse("avoir.plafond", where, f"l'avoir ({euros(totals.ttc)} TTC) dépasserait ce qui reste à créditer "
                                                f"({euros(left_ttc)} TTC).")
    if totals.ttc <= 0:
        raise sd.refuse("avoir.zero", where, "l'avoir serait nul.")


# --------------------------------------------------------------------------- issue
def _penalty_clause(store: Store, params: dict[str, str], as_of: dt.date, where: str, res: Result) -> str:
    """The clause the invoice carries forever (L441-10 II C. com.): refused below the floor of the
    half-year of issue, with a warning when a later half-year's floor rises above it."""
    from pyxl.services import dunning, dunning_rates

    rate, unreadable = dunning.read_contractual_rate(params.get("taux_penalites_contractuel"))
    if unreadable:
        raise sd.refuse("facture.clause", where, unreadable)
    tables = dunning_rates.tables(store)
    if refusal := dunning.floor_refusal(rate, tables, as_of):
        raise sd.refuse("facture.plancher", where, refusal)
    res.warnings.extend(Issue("facture.plancher.futur", w, where, Severity.WARNING)
                        for w in dunning.floor_warnings(rate, tables, as_of))
    return it.clause_text(rate)


def issue(store: Store, ref: str, as_of: dt.date) -> Result:
    from pyxl.services import closures
    from pyxl.services.clients import get_client

    store.prefetch(("tFactures", "tLignesFactures", "tCommandes", "tJournalAudit"))
    doc = get_doc(store, ref)
    where = f"{label(doc)} ({doc.where})"
    issued = wf.next_state("facture", "emettre", doc["status"])
    if issued is None or doc["number"]:
        raise sd.refuse("facture.emise", where, f"elle est déjà émise ({doc['status'].lower()}) ; "
                                                "elle ne se modifie plus (avoir).")
    closures.check_open(store, as_of, where)
    lines = sd.lines_of(store, "tLignesFactures", "doc", {doc["ref"]}).get(doc["ref"], [])
    if not lines:
        raise sd.refuse("facture.lignes", where, "elle n'a aucune ligne (feuille « Lignes factures »).")
    sd.check_lines(lines, str(doc["ref"]))
    totals = sd.totals_of([r.values for r in lines], doc["discount_pct"])
    client = get_client(store, doc["client"])
    res = Result()
    updates: dict[str, Any] = {"date": as_of, "status": issued, "total_ht": totals.ht, "total_vat": totals.vat,
                               "total_ttc": totals.ttc, "paid": ZERO, "credited": ZERO}
    if totals.ttc < 0:
        raise sd.refuse("facture.negative", where, "son total serait négatif : établissez un avoir.")
    params = store.parameters()
    method = "B" if params.get("methode_fin_de_mois") == "B" else "A"
    if doc["doc_type"] != wf.T_CREDIT and client["kind"] == "Professionnel":
        updates["penalty_clause"] = _penalty_clause(store, params, as_of, where, res)
    updates["operation"] = operation_of(str(doc["nature"] or ""), lines)
    if doc["doc_type"] == wf.T_INVOICE:
        _check_deductions(store, lines, where)
        order = get_order(store, doc["order"])
        invoiced = wf.next_state("commande", "facturer", order["status"])
        if invoiced is None:
            raise sd.refuse("facture.commande", where, f"la commande {order['number']} est « {order['status']} ».")
        term_text = fields.payment_terms(str(doc["terms"] or "30 jours fin de mois"))
        if client["kind"] == "Professionnel" and (cap := fields.business_terms_cap(term_text)):
            raise sd.refuse("facture.plafond", where, cap + " Corrigez les conditions du client ou des Paramètres.")
        updates["terms"] = term_text
        updates["due_date"] = terms.due_date(as_of, terms.parse(term_text), method)
    elif doc["doc_type"] == wf.T_DEPOSIT:
        order = get_order(store, doc["order"])
        if not wf.allowed("commande", "acompte", order["status"]):
            raise sd.refuse("acompte.etat", where, f"la commande {order['number']} est « {order['status']} ».")
        _cooling_off(store, order, as_of, "émettre une facture d'acompte")
        updates["terms"] = "comptant"
        updates["due_date"] = as_of
        res.changes.update("tCommandes", order, {
            "deposit_pct": (order["deposit_pct"] or Decimal(0)) + (doc["deposit_pct"] or Decimal(0))})
    else:
        found = _origin(store, doc["origin"], drafts=False)
        origin = found.row
        if found.archive is not None:
            _refuse_archived(found, where)
        elif origin["doc_type"] == wf.T_DEPOSIT:
            _refuse_if_deducted(store, origin, where)
        _check_credit(where, totals, _left_to_credit(found))
        from pyxl.services.payments import credit_note_excess

        if found.archive is not None:
            # paid in full and archived: its row stays as archived (never written); what it was paid
            # beyond what is still owed (all of this credit note) becomes the client's credit
            earlier = sum((cr["total_ttc"] or ZERO for cr, _lines in found.earlier), ZERO)
            total = origin["total_ttc"] or ZERO
            seen = Row(MappingProxyType({**origin.values, "credited": earlier, "paid": total - earlier}), origin.row,
                       origin.sheet)
            excess = credit_note_excess(store, res, seen, totals.ttc, as_of)
            res.warnings.append(Issue("avoir.remboursement", f"{label(origin)} (archivée, réglée) : avec cet avoir, "
                                                             f"{euros(excess)} deviennent le crédit du client, à lui "
                                                             "rembourser (syc remboursement creer) ou à imputer sur une "
                                                             "autre de ses pièces (syc credit imputer).",
                                      origin.where, Severity.WARNING))
        else:
            credited = (origin["credited"] or ZERO) + totals.ttc
            # what was paid beyond what is still owed becomes the client's credit (issue 14)
            excess = credit_note_excess(store, res, origin, totals.ttc, as_of)
            paid = (origin["paid"] or ZERO) - excess
            state = wf.invoice_state(origin["total_ttc"] or ZERO, paid, credited)
            if excess > 0:
                res.warnings.append(Issue("avoir.remboursement", f"{label(origin)} : le client a déjà réglé "
                                                                 f"{euros(origin['paid'] or ZERO)} ; avec cet avoir, "
                                                                 f"{euros(excess)} deviennent son crédit, à lui rembourser "
                                                                 "(syc remboursement creer) ou à imputer sur une autre de "
                                                                 "ses pièces (syc credit imputer).",
                                          origin.where, Severity.WARNING))
            res.changes.update("tFactures", origin, {"credited": credited, "status": state, "paid": paid})
            if origin["doc_type"] == wf.T_INVOICE and state == wf.I_CREDITED and origin["order"]:
                # the job is still done: the order can be invoiced again (corrected invoice) or cancelled
                order = get_order(store, origin["order"])
                reopened = wf.next_state("commande", "reouvrir", order["status"])
                if reopened is not None:
                    res.changes.update("tCommandes", order, {"status": reopened, "invoice": None})
    if totals.ttc == 0 and doc["doc_type"] == wf.T_INVOICE:
        updates["status"] = wf.invoice_state(ZERO, ZERO, ZERO)  # nothing left to pay once the deposits are deducted
    number = sd.next_ref(store, res.changes, "Facture", as_of.year, f"F{as_of.year}-", 5, "tFactures", "number",
                         gapless=True)
    updates["number"] = number
    if doc["doc_type"] == wf.T_INVOICE:
        res.changes.update("tCommandes", order, {"status": invoiced, "invoice": number})
    res.changes.update("tFactures", doc, updates)
    res.changes.issue("tFactures", number, ISSUE_ACTION)
    what = {wf.T_INVOICE: "Facture", wf.T_DEPOSIT: "Facture d'acompte", wf.T_CREDIT: "Avoir"}[doc["doc_type"]]
    done = "émis" if doc["doc_type"] == wf.T_CREDIT else "émise"
    text = f"{what} {number} {done} le {sd.day(as_of)} : {euros(totals.ht)} HT, {euros(totals.ttc)} TTC"
    if updates.get("due_date") and doc["doc_type"] != wf.T_CREDIT:
        text += f", à régler au plus tard le {sd.day(updates['due_date'])}"
    res.message = text + "."
    res.data = {"numero": number, "reference": doc["ref"], "type": doc["doc_type"], "date": as_of,
                "echeance": updates.get("due_date"), **sd.totals_json(totals)}
    return res


# --------------------------------------------------------------------------- lists
STATUS_FILTERS = ("brouillon", "emise", "partielle", "reglee", "en-retard", "soldee")


def balance(row: Row) -> Decimal:
    return (row["total_ttc"] or ZERO) - (row["paid"] or ZERO) - (row["credited"] or ZERO)


WRITTEN_OFF = "Passée en perte"


def owed(row: Row) -> Decimal:
    """What the firm still expects on an issued invoice (« Reste dû », what dunning and the worklists
    see): its balance, nil once it was passed as a loss (a payment received since stays accepted)."""
    return ZERO if row.get("written_off") is not None else balance(row)


def effective_status(row: Row, as_of: dt.date) -> str:
    state = str(row["status"] or "")
    if row["doc_type"] == wf.T_CREDIT and state == wf.I_ISSUED:
        return "Émis"  # un avoir
    if row.get("written_off") is not None and state != wf.I_PAID:
        return WRITTEN_OFF  # shown, not stored: « Statut » keeps what was paid and credited
    if wf.is_late(str(row["doc_type"]), state, row["due_date"], owed(row), as_of):
        return "En retard"
    return state


def list_docs(store: Store, as_of: dt.date, status: str = "", credit_notes: bool = False) -> list[Row]:
    want = ""
    if status:
        want = fields.choice(status, STATUS_FILTERS, label="Le statut",
                             aliases={"émise": "emise", "réglée": "reglee", "retard": "en-retard",
                                      "partiellement-reglee": "partielle"})
    out = []
    for r in store.rows("tFactures"):
        if (r["doc_type"] == wf.T_CREDIT) != credit_notes:
            continue
        s = r["status"]
        ok = {
            "": True, "brouillon": s == wf.I_DRAFT, "emise": s == wf.I_ISSUED, "partielle": s == wf.I_PARTIAL,
            "reglee": s == wf.I_PAID, "soldee": s == wf.I_CREDITED,
            "en-retard": wf.is_late(str(r["doc_type"]), s, r["due_date"], owed(r), as_of),
        }[want]
        if ok:
            out.append(r)
    return sorted(out, key=lambda r: (r["number"] is None, str(r["number"] or ""), str(r["ref"])))


def doc_detail(store: Store, ref: str) -> dict[str, Any]:
    doc = get_doc(store, ref)
    lines = sd.lines_of(store, "tLignesFactures", "doc", {doc["ref"]}).get(doc["ref"], [])
    totals = sd.totals_of([r.values for r in lines], doc["discount_pct"])
    payments = store.rows_where("tReglements", "invoice", {doc["number"]}) if doc["number"] else []
    return {"row": doc, "lines": lines, "totals": totals, "payments": payments}


def series_issues(store: Store, also: Iterable[str] = ()) -> list[Issue]:
    """Each year's invoice series must run 1, 2, 3… without a gap (documents deleted, counter
    pushed ahead in « Compteurs »); `also`: the numbers held by the fiscal-year archives."""
    by_year: dict[str, set[int]] = {}
    for n in [*(str(r["number"] or "") for r in store.rows("tFactures")), *also]:
        if len(n) == 11 and n[0] == "F" and n[1:5].isdigit() and n[5] == "-" and n[6:].isdigit():
            by_year.setdefault(n[1:5], set()).add(int(n[6:]))
    out = []
    for year, nums in sorted(by_year.items()):
        missing = sorted(set(range(1, max(nums) + 1)) - nums)
        if missing:
            shown = ", ".join(f"F{year}-{m:05d}" for m in missing[:5]) + (" …" if len(missing) > 5 else "")
            out.append(Issue("serie.trou", f"Factures {year} : la série a un trou ({len(missing)} numéro(s) absent(s) : "
                                           f"{shown}). Restaurez une sauvegarde (syc sauvegardes restaurer).",
                             "Factures"))
    return out
