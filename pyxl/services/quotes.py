"""Quotes (devis): create, send, follow up, revise, accept, refuse, list, show.

Numbered D2026-0001 at creation (a refused or replaced quote keeps its number). VAT follows the job:
nature of the work × equipment × premises, through the rules of the « Règles TVA » sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyxl.core import fields, kinds, pricing, vat
from pyxl.core import workflow as wf
from pyxl.core.frformat import SPACE, date_fr, percent
from pyxl.core.kinds import ClientKind
from pyxl.core.money import euros, to_cents
from pyxl.services import salesdocs as sd
from pyxl.services.common import Collector, Result
from pyxl.workbook.store import ChangeSet, Row, Store

DEFAULT_REASON = "taux par défaut de l'article"
NATURE_ALIASES = {"depannage": "Dépannage", "reparation": "Dépannage", "installation": "Installation",
                  "remplacement": "Remplacement", "entretien": "Entretien", "vente": "Vente sans pose",
                  "vente-sans-pose": "Vente sans pose", "construction": "Construction (ouvrage)",
                  "ouvrage": "Construction (ouvrage)"}


@dataclass
class QuoteInput:
    client: str
    lines: list[str]
    nature: str | None = None
    housing_old: str | None = None  # 'oui' / 'non' / None (not declared)
    away: bool = False
    object: str = ""
    site: str = ""
    discount: str | None = None
    client_ref: str = ""
    validity: str | None = None
    execution: str = ""
    rates: list[str] = field(default_factory=list)
    reverse_charge: bool = False
    outside_main_activity: bool = False  # a professional client: outside its main activity (L221-3)


SMALL_BUSINESS_HEADCOUNT = 5


def off_premises_protected(quote: Row | Mapping[str, Any], client: Row | Mapping[str, Any] | str) -> bool:
    """A contract signed away from the firm's premises with a consumer, or with a professional of five
    employees or fewer when it is outside its main activity (L221-3 C. conso): sections 2, 3 and 6 of
    the chapter apply (pre-contract information, off-premises formalities with the 7-day payment ban,
    withdrawal) — and nothing else (the 40 €, the L441-10 rate, the 5-year prescription stay)."""
    if not sd.yes(quote.get("away")):
        return False
    kind = client if isinstance(client, str) else str(client.get("kind") or "")
    if kind == ClientKind.PRIVATE:
        return True
    if isinstance(client, str) or not sd.yes(quote.get("outside_main_activity")):
        return False
    headcount = client.get("headcount")
    return isinstance(headcount, int) and headcount <= SMALL_BUSINESS_HEADCOUNT


COOLING_OFF_DAYS = 8  # the first day a payment may be received, counted from the signature (L221-10)


def cooling_off_end(quote: Row | Mapping[str, Any], client: Row | Mapping[str, Any] | str) -> dt.date | None:
    """First day a payment may be received for a contract signed away from the firm's premises with
    a protected client (L221-10 C. conso: none before seven days from the signature have passed; the
    day of signature does not count), or None when the rule does not apply (urgent repair, other cases)."""
    signed = quote.get("accepted_on")
    if not signed or sd.yes(quote.get("urgent")) or not off_premises_protected(quote, client):
        return None
    return signed + dt.timedelta(days=COOLING_OFF_DAYS)


WITHDRAWAL_DAYS = 14


def withdrawal_end(quote: Row | Mapping[str, Any], client: Row | Mapping[str, Any] | str) -> dt.date | None:
    """Last day of the 14-day withdrawal period counted from the conclusion (L221-18), for a protected
    off-premises contract; None otherwise."""
    signed = quote.get("accepted_on")
    if not signed or not off_premises_protected(quote, client):
        return None
    return signed + dt.timedelta(days=WITHDRAWAL_DAYS)


def _execution(text: str) -> str:
    t = fields.text(text, label="L'exécution", max_len=60)
    try:
        return date_fr(fields.date(t, label="x")) if t else ""
    except fields.FieldError:
        return t


def price_lines(store: Store, specs: list[sd.LineSpec], nature: str, housing: str, day: dt.date,
                overrides: list[sd.RateOverride], zero_reason: str, where: str, c: Collector) -> list[dict[str, Any]]:
    """Quote lines with their rate from the job (rules), the article's data at the time."""
    from pyxl.services.common import find

    rules = sd.rules(store)
    arts: list[Row] = []
    for i, s in enumerate(specs, 1):
        a = find(store, "tArticles", "code", s.article)
        if a is None:
            raise sd.refuse("ligne.article", f"{where}, ligne {i}",
                            f"l'article « {fields.shown(s.article)} » n'existe pas (syc article liste).")
        if a["active"] == "Non":
            raise sd.refuse("ligne.inactif", f"{where}, ligne {i}",
                            f"l'article {a['code']} est désactivé ({a.where}) : réactivez-le ou choisissez-en un autre.")
        if a["category"] == kinds.Category.HEAT_PUMP_UNCLASSIFIED:
            raise sd.refuse("ligne.pac", f"{where}, ligne {i}",
                            f"l'article {a['code']} est une pompe à chaleur « à classer » ({a.where}) : le taux de TVA "
                            "dépend de son type (5,5 % pour une PAC air/eau, eau/eau, géothermique ou un chauffe-eau "
                            "thermodynamique répondant aux critères de l'arrêté du 4 décembre 2024, art. 278-0 bis A "
                            "du CGI ; une PAC air/air n'y a pas droit). Classez-le : syc article modifier "
                            f"{a['code']} --categorie pac-air-eau|pac-eau-eau|pac-geothermique|"
                            "chauffe-eau-thermodynamique|pac-air-air.")
        arts.append(a)
    nets = [pricing.line_net(s.qty, s.unit_price if s.unit_price is not None else a["unit_price"], s.discount_pct)
            for s, a in zip(specs, arts, strict=True)]
    main = vat.job_category([(str(a["category"] or ""), n) for a, n in zip(arts, nets, strict=True)])
    by_pos = {o.pos: o for o in overrides}
    for pos in by_pos:
        if not 1 <= pos <= len(specs):
            raise sd.refuse("taux.ligne", where, f"--taux {pos}:… : il n'y a pas de ligne {pos} "
                                                 f"(le devis en a {len(specs)}).")
    out = []
    reduced_possible: set[Decimal] = set()
    for i, (s, a, net) in enumerate(zip(specs, arts, nets, strict=True), 1):
        category = str(a["category"] or "")
        job_cat = category if category in vat.EQUIPMENT else main
        rule = vat.pick(rules, nature, job_cat, housing, day)
        rate, reason = (rule.rate, "") if rule else (a["vat_rate"], DEFAULT_REASON)
        if housing != "Oui":
            other = vat.pick(rules, nature, job_cat, "Oui", day)
            if other and other.rate < rate:
                reduced_possible.add(other.rate)
        if zero_reason:
            rate, reason = Decimal(0), zero_reason
        if i in by_pos:
            rate, reason = by_pos[i].rate, by_pos[i].reason
        out.append({
            "pos": i, "article": a["code"], "designation": a["designation"], "unit": a["unit"], "qty": s.qty,
            "unit_price": s.unit_price if s.unit_price is not None else a["unit_price"],
            "discount_pct": s.discount_pct or None, "rate": rate, "rate_reason": reason, "net": net,
            "purchase_price": a["purchase_price"], "category": category,
        })
    if reduced_possible and not zero_reason:
        best = percent(min(reduced_possible), sep=SPACE)
        c.warn("devis.tva_normale", f"TVA à 20 % : les locaux n'ont pas été déclarés « logement achevé depuis plus de "
                                    f"deux ans » (--logement-plus-2-ans oui). S'ils le sont, un taux réduit ({best}) "
                                    "s'applique, avec l'attestation du client sur le devis.")
    return out


def create_quote(store: Store, given: QuoteInput, as_of: dt.date) -> Result:
    from pyxl.services.clients import get_client

    client = get_client(store, given.client)
    where = f"Devis pour {client['code']}"
    c = Collector(where)
    if client["active"] == "Non":
        c.error("devis.client", f"le client {client['code']} est désactivé ({client.where}) : réactivez-le d'abord.")
    if not given.lines:
        raise sd.refuse("devis.lignes", where, "un devis a au moins une ligne : --ligne ARTICLE:QTE[:PU_HT[:REMISE_%]].")
    specs = [sd.parse_line_spec(t, i) for i, t in enumerate(given.lines, 1)]
    overrides = [sd.parse_rate_override(t) for t in given.rates]
    housing = ""
    if given.housing_old is not None:
        housing = c.check("devis.logement", lambda: fields.choice(given.housing_old, ("Oui", "Non"),
                                                                  label="--logement-plus-2-ans"))
    nature = ""
    if given.nature:
        nature = c.check("devis.nature", lambda: fields.choice(given.nature, vat.NATURES, label="La nature des travaux",
                                                               aliases=NATURE_ALIASES))
    discount = sd.percent(given.discount, where, "la remise globale") if given.discount not in (None, "") else Decimal(0)
    params = store.parameters()
    validity = c.check("devis.validite", lambda: fields.integer(
        given.validity if given.validity not in (None, "") else (params.get("validite_devis_jours") or "30"),
        label="La validité (jours)", minimum=1, maximum=365), 30)
    obj = c.check("devis.objet", lambda: fields.text(given.object, label="L'objet", max_len=200))
    site = c.check("devis.lieu", lambda: fields.text(given.site, label="Le lieu", max_len=200))
    ref = c.check("devis.ref", lambda: fields.text(given.client_ref, label="La référence client", max_len=60))
    execution = c.check("devis.execution", lambda: _execution(given.execution))
    zero_reason = ""
    if given.reverse_charge:
        if client["kind"] != "Professionnel":
            c.error("devis.autoliquidation", "l'autoliquidation ne vaut que pour un client professionnel "
                                             "(entreprise du bâtiment donneuse d'ordre).")
        zero_reason = vat.ZERO_REASONS["autoliquidation"]
    elif params.get("franchise_tva") == "Oui":
        zero_reason = vat.ZERO_REASONS["293b"]
    if given.outside_main_activity and client["kind"] == "Particulier":
        c.error("devis.hors_activite", "« hors activité principale » ne vaut que pour un client professionnel "
                                       "(art. L221-3 du Code de la consommation).")
    protected = off_premises_protected({"away": sd.yes_no(given.away),
                                        "outside_main_activity": sd.yes_no(given.outside_main_activity)}, client)
    if given.away and client["kind"] != "Particulier" and not protected:
        c.warn("devis.hors_etab", "contrat hors établissement noté ; le délai de 7 jours sans paiement et la "
                                  "rétractation ne s'appliquent qu'aux particuliers et aux professionnels de cinq "
                                  "salariés au plus qui contractent hors de leur activité principale (art. L221-3 "
                                  "C. conso : --hors-activite-principale, colonne « Effectif » du client).")
    c.raise_if_errors()
    if not nature:
        nature = "Installation" if any(_category(store, s.article) in vat.EQUIPMENT for s in specs) else "Dépannage"
        c.warn("devis.nature", f"nature des travaux non précisée : « {nature} » retenue (--nature pour la choisir), "
                               "elle décide du taux de TVA.")
    if not housing:
        housing = "Non"
    _overdue_warning(store, client, as_of, c)
    lines = price_lines(store, specs, nature, housing, as_of, overrides, zero_reason, where, c)
    warnings = c.raise_if_errors()
    res = Result(warnings=warnings)
    number = sd.next_ref(store, res.changes, "Devis", as_of.year, f"D{as_of.year}-", 4, "tDevis", "number")
    totals = sd.totals_of(lines, discount)
    row = {
        "number": number, "date": as_of, "client": client["code"], "client_name": sd.client_name(client),
        "object": obj, "site": site, "client_ref": ref, "nature": nature, "housing_old": housing,
        "away": sd.yes_no(given.away), "reverse_charge": sd.yes_no(given.reverse_charge),
        "outside_main_activity": sd.yes_no(given.outside_main_activity),
        "discount_pct": discount or None, "validity_days": validity,
        "valid_until": as_of + dt.timedelta(days=validity), "execution": execution, "status": wf.Q_DRAFT,
        "total_ht": totals.ht, "total_vat": totals.vat, "total_ttc": totals.ttc, "followups": 0,
    }
    res.changes.append("tDevis", row)
    for ln in lines:
        res.changes.append("tLignesDevis", {"quote": number, **ln})
    res.message = (f"Devis {number} créé (brouillon) pour {row['client_name']} : {euros(totals.ht)} HT, "
                   f"{euros(totals.ttc)} TTC, valable jusqu'au {sd.day(row['valid_until'])}.\n"
                   f"Étape suivante : syc devis envoyer {number}")
    res.data = {"numero": number, "devis": _json(row), **sd.totals_json(totals)}
    return res


def _overdue_warning(store: Store, client: Row, as_of: dt.date, c: Collector) -> None:
    """A new quote for a client who owes overdue invoices: said, not refused (issue 6)."""
    late = [r for r in store.rows_where("tFactures", "client", {str(client["code"])})
            if wf.is_late(str(r["doc_type"]), str(r["status"]), r["due_date"],
                          (r["total_ttc"] or Decimal(0)) - (r["paid"] or Decimal(0)) - (r["credited"] or Decimal(0)),
                          as_of)]
    if late:
        owed = sum(((r["total_ttc"] or Decimal(0)) - (r["paid"] or Decimal(0)) - (r["credited"] or Decimal(0))
                    for r in late), Decimal(0))
        oldest = min(r["due_date"] for r in late)
        c.warn("devis.impayes", f"le client {client['code']} a {len(late)} facture{'s' if len(late) > 1 else ''} en retard "
                                f"({', '.join(str(r['number']) for r in late[:5])}{' …' if len(late) > 5 else ''}) : "
                                f"{euros(owed)} dus, la plus ancienne échue le {sd.day(oldest)}. Voyez « syc relances » "
                                "avant de vous engager (acompte à la commande ?).")


def _category(store: Store, code: str) -> str:
    from pyxl.services.common import find

    a = find(store, "tArticles", "code", code)
    return str(a["category"] or "") if a else ""



def get_quote(store: Store, number: str) -> Row:
    return sd.get_row(store, "tDevis", "number", number, "Devis", "Voyez la liste avec « syc devis liste ».")


def _transition(row: Row, action: str, as_of: dt.date) -> str:
    """The quote's new state by the one transition table, or a French refusal naming it."""
    sd.check_state("devis", row, f"Devis {row['number']}")
    if row["date"] and as_of < row["date"]:
        raise sd.refuse("devis.date", f"Devis {row['number']} ({row.where})",
                        f"il est daté du {sd.day(row['date'])} : il ne peut pas être {wf.VERBS[action]} "
                        f"le {sd.day(as_of)}.")
    state = wf.quote_state(row["status"], row["valid_until"], as_of)
    if not wf.allowed("devis", action, state):
        hint = ""
        if state == wf.Q_EXPIRED:
            hint = (f" Sa validité a pris fin le {sd.day(row['valid_until'])} : faites un devis révisé "
                    f"(syc devis relancer {row['number']} --resultat … --remise …) ou un nouveau devis.")
        if state == wf.target("devis", action):
            raise sd.refuse("devis.etat", f"Devis {row['number']} ({row.where})", f"il est déjà {state.lower()}.")
        raise sd.refuse("devis.etat", f"Devis {row['number']} ({row.where})",
                        f"il est « {state} », il ne peut pas être {wf.VERBS[action]}.{hint}")
    return wf.target("devis", action)


def send_quote(store: Store, number: str, as_of: dt.date) -> Result:
    row = get_quote(store, number)
    state = _transition(row, "envoyer", as_of)
    if not str(row["execution"] or "").strip() and _needs_pre_contract_info(store, row):
        # L111-1 3° C. conso: the date or period of execution is part of the pre-contract information
        raise sd.refuse("devis.execution", f"Devis {row['number']} ({row.where})",
                        "un devis à un particulier doit indiquer la date ou le délai d'exécution des travaux "
                        "(art. L111-1 3° du Code de la consommation). Renseignez la colonne « Exécution » du devis "
                        "(option --execution de syc devis creer : une date, un délai comme « sous 3 semaines », "
                        "ou « exécution immédiate ») puis envoyez-le.")
    check_mediator(store, row, f"Devis {row['number']} ({row.where})", "un devis")
    res = Result()
    res.changes.update("tDevis", row, {"status": state, "sent_on": as_of})
    res.message = (f"Devis {row['number']} envoyé le {sd.day(as_of)} ; à relancer à partir du "
                   f"{sd.day(as_of + dt.timedelta(days=_delay(store)))} sans réponse.")
    res.data = {"numero": row["number"], "statut": state}
    return res


def check_mediator(store: Store, row: Row, where: str, what: str) -> None:
    """A consumer's quote or order is never sent without the mediator the firm belongs to (art.
    L616-1 C. conso): by `devis envoyer`, and by e-mail from any command."""
    if not str(store.parameters().get("mediateur_consommation") or "").strip() and _is_consumer(store, row):
        raise sd.refuse("devis.mediateur", where,
                        f"{what} à un particulier doit nommer le médiateur de la consommation auquel l'entreprise "
                        "adhère (art. L616-1 du Code de la consommation). Renseignez le paramètre « Médiateur de la "
                        "consommation » (nom, adresse et site : syc parametres modifier mediateur_consommation "
                        "« … », ou la feuille Paramètres) puis envoyez-le.")


def _is_consumer(store: Store, quote: Row) -> bool:
    from pyxl.services.common import find

    client = find(store, "tClients", "code", str(quote["client"] or ""))
    return client is not None and client["kind"] == ClientKind.PRIVATE


def _needs_pre_contract_info(store: Store, quote: Row) -> bool:
    """A consumer, or a small professional protected by L221-3 for an off-premises contract."""
    from pyxl.services.common import find

    client = find(store, "tClients", "code", str(quote["client"] or ""))
    if client is None:
        return False
    return client["kind"] == ClientKind.PRIVATE or off_premises_protected(quote, client)


def _delay(store: Store) -> int:
    try:
        return int(store.parameters().get("relance_devis_jours") or 7)
    except ValueError:
        return 7


def to_follow_up(store: Store, as_of: dt.date, delay: int | None = None) -> list[Row]:
    """Quotes sent at least `delay` days ago (default: Paramètres), unanswered, not called back
    within the same delay; oldest first."""
    n = _delay(store) if delay is None else delay
    out = []
    for r in store.rows("tDevis"):
        if r["status"] != wf.Q_SENT or r["sent_on"] is None:
            continue
        last = r["last_followup"] or r["sent_on"]
        if last + dt.timedelta(days=n) <= as_of:
            out.append(r)
    return sorted(out, key=lambda r: (r["sent_on"], str(r["number"])))


def follow_up(store: Store, number: str, outcome: str, as_of: dt.date, discount: str | None = None) -> Result:
    row = get_quote(store, number)
    where = f"Devis {row['number']} ({row.where})"
    outcome = fields.text(outcome, label="Le résultat de l'appel", required=True, max_len=300)
    sd.check_state("devis", row, f"Devis {row['number']}")
    if not wf.allowed("devis", "relancer", row["status"]):
        raise sd.refuse("devis.etat", where, f"il est « {row['status']} » : seul un devis envoyé se relance.")
    if row["sent_on"] and as_of < row["sent_on"]:
        raise sd.refuse("devis.date", where, f"il a été envoyé le {sd.day(row['sent_on'])} : la relance ne peut pas "
                                             "être datée d'avant.")
    notes = str(row["followup_notes"] or "")
    entry = f"{sd.day(as_of)} : {outcome}"
    res = Result()
    updates: dict[str, Any] = {"followups": int(row["followups"] or 0) + 1, "last_followup": as_of,
                               "followup_notes": (notes + "\n" + entry).strip()[-2000:]}
    res.message = f"Relance du devis {row['number']} notée ({entry})."
    res.data = {"numero": row["number"], "relances": updates["followups"]}
    if discount not in (None, ""):
        pct = sd.percent(discount, where, "la remise de relance", low=Decimal(10), high=Decimal(20))
        if row["discount_pct"] and row["discount_pct"] >= pct:
            raise sd.refuse("devis.remise", where, f"il a déjà une remise globale de {percent(row['discount_pct'], sep=SPACE)} : "
                                                   "la remise de relance doit être plus forte.")
        c = Collector(where)
        new = _revise(store, row, pct, as_of, res.changes, c)
        res.warnings += c.raise_if_errors()
        updates.update(status=wf.target("devis", "reviser"), replaced_by=new)
        res.message += (f"\nDevis révisé {new} créé avec une remise de {percent(pct, sep=SPACE)} ; {row['number']} est remplacé."
                        f"\nÉtape suivante : syc devis envoyer {new}")
        res.data["devis_revise"] = new
    res.changes.update("tDevis", row, updates)
    return res


def _revise(store: Store, old: Row, pct: Decimal, as_of: dt.date, changes: ChangeSet, c: Collector) -> str:
    """The revised quote: same lines, repriced with the VAT rules of its own date (a rate forced
    with a reason stays forced), the follow-up discount as global discount."""
    number = sd.next_ref(store, changes, "Devis", as_of.year, f"D{as_of.year}-", 4, "tDevis", "number")
    old_lines = sd.lines_of(store, "tLignesDevis", "quote", {old["number"]}).get(old["number"], [])
    specs = [sd.LineSpec(str(ln["article"]), ln["qty"], ln["unit_price"], ln["discount_pct"] or Decimal(0))
             for ln in old_lines]
    zero_reason = ""
    if sd.yes(old["reverse_charge"]):
        zero_reason = vat.ZERO_REASONS["autoliquidation"]
    elif store.parameters().get("franchise_tva") == "Oui":
        zero_reason = vat.ZERO_REASONS["293b"]
    overrides = [sd.RateOverride(i, ln["rate"], str(ln["rate_reason"]))
                 for i, ln in enumerate(old_lines, 1)
                 if ln["rate_reason"] and ln["rate_reason"] not in (DEFAULT_REASON, zero_reason)]
    lines = price_lines(store, specs, str(old["nature"]), str(old["housing_old"] or "Non"), as_of, overrides,
                        zero_reason, f"Devis révisé {number}", c)
    totals = sd.totals_of(lines, pct)
    validity = int(old["validity_days"] or 30)
    copy = {k: old.get(k) for k in ("client", "client_name", "object", "site", "client_ref", "nature", "housing_old",
                                     "away", "reverse_charge", "validity_days", "execution", "outside_main_activity")}
    changes.append("tDevis", {
        **copy, "number": number, "date": as_of, "discount_pct": pct, "valid_until": as_of + dt.timedelta(days=validity),
        "status": wf.Q_DRAFT, "total_ht": totals.ht, "total_vat": totals.vat, "total_ttc": totals.ttc,
        "followups": 0, "replaces": old["number"],
    })
    for ln in lines:
        changes.append("tLignesDevis", {"quote": number, **ln})
    return number


def accept_quote(store: Store, number: str, as_of: dt.date, urgent: bool = False,
                 express_request: bool = False) -> Result:
    from pyxl.services.clients import get_client

    row = get_quote(store, number)
    state = _transition(row, "accepter", as_of)
    res = Result()
    res.changes.update("tDevis", row, {"status": state, "accepted_on": as_of, "urgent": sd.yes_no(urgent),
                                       "express_request": sd.yes_no(express_request)})
    msg = f"Devis {row['number']} accepté le {sd.day(as_of)}."
    client = get_client(store, row["client"])
    after = cooling_off_end({**row.values, "accepted_on": as_of, "urgent": sd.yes_no(urgent)}, client)
    if after:
        msg += (f"\nContrat hors établissement avec un particulier : aucun paiement ni acompte avant le "
                f"{sd.day(after)} (art. L221-10 C. conso) ; droit de rétractation de 14 jours.")
    res.message = msg + f"\nÉtape suivante : syc commande creer --devis {row['number']}"
    res.data = {"numero": row["number"], "statut": state, "paiement_possible_le": after}
    return res


def refuse_quote(store: Store, number: str, reason: str, as_of: dt.date) -> Result:
    row = get_quote(store, number)
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    state = _transition(row, "refuser", as_of)
    res = Result()
    res.changes.update("tDevis", row, {"status": state, "refusal_reason": reason})
    res.message = f"Devis {row['number']} refusé : {reason}"
    res.data = {"numero": row["number"], "statut": state}
    return res


STATUS_FILTERS = {"brouillon": wf.Q_DRAFT, "envoye": wf.Q_SENT, "accepte": wf.Q_ACCEPTED, "refuse": wf.Q_REFUSED,
                  "expire": wf.Q_EXPIRED, "remplace": wf.Q_REPLACED}


def list_quotes(store: Store, as_of: dt.date, status: str = "") -> list[tuple[Row, str]]:
    want = ""
    if status:
        key = fields.choice(status, tuple(STATUS_FILTERS), label="Le statut",
                            aliases={"envoyé": "envoye", "accepté": "accepte", "refusé": "refuse",
                                     "expiré": "expire", "remplacé": "remplace"})
        want = STATUS_FILTERS[key]
    out = []
    for r in store.rows("tDevis"):
        state = wf.quote_state(r["status"], r["valid_until"], as_of)
        if not want or state == want:
            out.append((r, state))
    return sorted(out, key=lambda x: str(x[0]["number"]))


def quote_detail(store: Store, number: str, as_of: dt.date) -> dict[str, Any]:
    row = get_quote(store, number)
    lines = sd.lines_of(store, "tLignesDevis", "quote", {row["number"]}).get(row["number"], [])
    totals = sd.totals_of([r.values for r in lines], row["discount_pct"])
    warning = ""
    if to_cents(totals.ttc) != (row["total_ttc"] or 0):
        warning = (f"Devis {row['number']} ({row.where}) : le total TTC de la feuille ({row['total_ttc']}) ne "
                   f"correspond plus à ses lignes ({totals.ttc}) : les lignes ont été modifiées à la main.")
    return {"row": row, "lines": lines, "totals": totals, "warning": warning,
            "state": wf.quote_state(row["status"], row["valid_until"], as_of)}


def _json(rec: Any) -> dict[str, Any]:
    out = {}
    for k, v in dict(rec).items():
        out[k] = v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)
    return out
