"""Document contexts: everything a template prints, computed and formatted (French) here.

Templates never compute (style guide, rule 9): amounts come from the same services the CLI uses
(`salesdocs.totals_of`, `invoices.doc_detail`, `quotes.quote_detail`), formatted by `money.euros`,
dates by babel. The legal mentions are chosen here by document type and client type
(`domain.md` §1, §2.3) and handed to the template as ready sentences. A mandatory mention whose
data is missing from Paramètres is printed as an explicit « [à compléter dans Paramètres : …] »
marker, never left out silently.

Field names are French: the business edits the templates in Word (guide: docs/modeles-documents.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pyxl.core import interest as it
from pyxl.core import vat
from pyxl.core.frformat import interest_rate, long_date, percent, quantity
from pyxl.core.kinds import PaymentKind
from pyxl.core.money import euros
from pyxl.core.records import Client, Invoice, InvoiceLine, Quote, QuoteLine
from pyxl.services import docsource as ds
from pyxl.services import salesdocs as sd
from pyxl.services.docsource import Store

ZERO = Decimal("0.00")

# Kinds of documents: key → (title, template file, folder under Documents/YEAR)
KINDS: dict[str, tuple[str, str, str]] = {
    "devis": ("Devis", "devis.docx", "Devis"),
    "commande": ("Bon de commande", "bon_de_commande.docx", "Commandes"),
    "facture": ("Facture", "facture.docx", "Factures"),
    "acompte": ("Facture d'acompte", "facture_acompte.docx", "Acomptes"),
    "avoir": ("Avoir", "avoir.docx", "Avoirs"),
    "acquittee": ("Facture acquittée", "facture_acquittee.docx", "Factures"),
    "lettre": ("Lettre", "lettre.docx", "Courriers"),
    "relance_simple": ("Lettre de relance", "relance_simple.docx", "Relances"),
    "relance_lrar": ("Lettre recommandée de relance", "relance_recommandee.docx", "Relances"),
    "mise_en_demeure": ("Mise en demeure", "mise_en_demeure.docx", "Relances"),
    "injonction": ("Dossier d'injonction de payer", "dossier_injonction.docx", "Relances"),
    "penalites": ("Note de pénalités", "note_penalites.docx", "Notes de pénalités"),
    "bordereau": ("Bordereau de remise", "bordereau_remise.docx", "Bordereaux de remise"),
    "attestation": ("Attestation d'entretien", "attestation_entretien.docx", "Contrats d'entretien"),
    "avis_reconduction": ("Avis de reconduction", "avis_reconduction.docx", "Contrats d'entretien"),
    "feuille": ("Feuille de journée", "feuille_de_journee.docx", "Planning"),
}
# Invoice-type documents: legally archived, never overwritten, PDF/A-3b (Factur-X base)
LEGAL = ("facture", "acompte", "avoir", "acquittee")
# Numbered documents that are never overwritten once produced (their own series, not invoices)
NUMBERED = (*LEGAL, "penalites", "bordereau")

PAYMENT_MODES_TEXT = {"Espèces": "en espèces", "Chèque": "par chèque", "Virement": "par virement",
                      "CB": "par carte bancaire"}

WITHDRAWAL_START = {
    # art. L221-18 : services → from the conclusion of the contract; sale or supply and installation
    # of goods → from their receipt (a wrong start extends the period by up to 12 months, L221-20)
    "services": "à compter de la signature du présent devis (conclusion du contrat)",
    "goods": ("à compter de la réception du matériel fourni (contrat de fourniture et pose ; vous pouvez "
              "vous rétracter dès la signature du présent devis)"),
}
WITHDRAWAL_NOTICE = (
    "Contrat conclu hors établissement : vous disposez d'un délai de quatorze jours {start} pour exercer "
    "votre droit de rétractation, sans avoir à motiver votre "
    "décision ni à supporter d'autres coûts (art. L221-18 et suivants du Code de la consommation), "
    "au moyen du formulaire ci-joint ou de toute autre déclaration dénuée d'ambiguïté. Aucun paiement "
    "ni acompte ne peut être exigé avant l'expiration d'un délai de sept jours à compter de la signature "
    "(art. L221-10), sauf travaux d'entretien ou de réparation urgents demandés par vous. Si vous "
    "demandez que les travaux commencent avant la fin du délai de rétractation, vous le ferez par une "
    "demande expresse et vous devrez payer les travaux déjà réalisés si vous vous rétractez.")
WITHDRAWAL_FORM = (
    "(Veuillez compléter et renvoyer le présent formulaire uniquement si vous souhaitez vous rétracter "
    "du contrat.)",
    "Je/Nous (*) vous notifie/notifions (*) par la présente ma/notre (*) rétractation du contrat portant "
    "sur la vente du bien (*)/pour la prestation de services (*) ci-dessous :",
    "Commandé le (*)/reçu le (*) : ……………………………………",
    "Nom du (des) consommateur(s) : ……………………………………",
    "Adresse du (des) consommateur(s) : ……………………………………",
    "Signature du (des) consommateur(s) (uniquement en cas de notification du présent formulaire sur "
    "papier) :",
    "Date : ……………………",
    "(*) Rayez la mention inutile.",
)
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
DEFAULT_LATE = ("En cas de retard de paiement, pénalités exigibles de plein droit au taux de refinancement de "
                "la BCE majoré de 10 points, et indemnité forfaitaire pour frais de recouvrement de 40 € "
                "(art. L441-10 et D441-5 du Code de commerce).")
INDEMNITY = "Indemnité forfaitaire pour frais de recouvrement : 40 € (art. D441-5 du Code de commerce)."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


# --------------------------------------------------------------------------- formatting
def missing(what: str) -> str:
    """The explicit marker of a mandatory mention whose data is not in Paramètres."""
    return f"[à compléter dans Paramètres : {what}]"


def clean(value: Any) -> Any:
    """Every string of a context, recursively, without the characters XML 1.0 cannot hold
    (control characters typed or pasted in a cell); line breaks become spaces."""
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    if isinstance(value, Mapping):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --------------------------------------------------------------------------- company, client
def company(params: Mapping[str, str]) -> dict[str, Any]:
    p = {k: _s(v) for k, v in params.items()}
    name = p.get("raison_sociale") or missing("raison sociale")
    form = p.get("forme_juridique", "")
    siret = p.get("siret", "").replace(" ", "")
    town = " ".join(x for x in (p.get("code_postal", ""), p.get("ville", "")) if x)
    address = [x for x in (p.get("adresse", ""), p.get("adresse2", ""), town) if x] or [missing("adresse")]
    legal = [name + (f" ({form})" if form and form.upper() in ("EI", "ENTREPRENEUR INDIVIDUEL") else "")]
    if form and form.upper() not in ("EI", "ENTREPRENEUR INDIVIDUEL"):
        legal.append(f"{form} au capital de {_capital(p['capital'])}" if p.get("capital") else form)
    legal.append(f"SIRET {_group_siret(siret)}" if siret else missing("SIRET"))
    legal.append(p.get("rcs_rm") or missing("RCS ou RM"))
    if p.get("code_ape"):
        legal.append(f"APE {p['code_ape']}")
    if p.get("tva_intra"):
        legal.append(f"TVA intracommunautaire {p['tva_intra']}")
    insurer = p.get("assureur_decennale") or missing("assureur décennale")
    policy = p.get("contrat_decennale")
    cover = p.get("couverture_decennale") or missing("couverture géographique décennale")
    insurance = (f"Assurance décennale : {insurer}" + (f", contrat n° {policy}" if policy else "")
                 + f" ; couverture géographique : {cover}.")
    iban = p.get("iban", "")
    payment = p.get("modes_reglement") or (
        (f"Règlement par virement (IBAN {iban}" + (f", BIC {p['bic']}" if p.get("bic") else "") + ")"
         if iban else "Règlement par virement " + missing("IBAN"))
        + f" ou par chèque à l'ordre de {name}.")
    return {
        "raison_sociale": name, "nom_commercial": p.get("nom_commercial", ""), "forme_juridique": form,
        "capital": p.get("capital", ""), "siret": siret, "siren": siret[:9], "rcs_rm": p.get("rcs_rm", ""),
        "tva_intra": p.get("tva_intra", ""), "ape": p.get("code_ape", ""), "adresse_lignes": address,
        "adresse": ", ".join(address), "telephone": p.get("telephone", ""), "email": p.get("email", ""),
        "site_web": p.get("site_web", ""), "iban": iban, "bic": p.get("bic", ""),
        "identite": " — ".join(legal), "assurance": insurance, "reglement": payment,
        "ville": p.get("ville", ""),
    }


def _capital(text: str) -> str:
    from pyxl.core.money import AmountError, parse_decimal

    try:
        return euros(parse_decimal(text)).replace(",00\xa0€", "\xa0€")
    except AmountError:
        return f"{text} €"


def _group_siret(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}".strip() if siret.isdigit() else siret


def client_block(client: Client | Mapping[str, Any] | None, fallback_name: str = "") -> dict[str, Any]:
    c = client.values() if isinstance(client, Client) else dict(client or {})
    business = c.get("kind") == "Professionnel"
    name = sd.client_name(c) or fallback_name
    town = " ".join(x for x in (_s(c.get("postcode")), _s(c.get("city"))) if x)
    country = _s(c.get("country"))
    lines = [name, *(x for x in (_s(c.get("address")), _s(c.get("address2")), town) if x)]
    if country and country.casefold() != "france":
        lines.append(country.upper())
    siret = _s(c.get("siret")).replace(" ", "")
    return {"code": _s(c.get("code")), "nom": name, "est_professionnel": business,
            "type": "professionnel" if business else "particulier", "adresse_lignes": lines,
            "email": _s(c.get("email")), "telephone": _s(c.get("phone")),
            "siren": siret[:9] if business else "", "tva_intra": _s(c.get("vat_number")) if business else ""}


# --------------------------------------------------------------------------- lines and totals
Line = QuoteLine | InvoiceLine


def _fixed_vat(ln: Line) -> Decimal | None:
    """The VAT imposed on a deduction line (a deposit already invoiced); quotes have none."""
    return ln.fixed_vat if isinstance(ln, InvoiceLine) else None


def line_items(lines: Sequence[Line]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(ordinary lines, deduction lines such as deposits already invoiced)."""
    items: list[dict[str, str]] = []
    deductions: list[dict[str, str]] = []
    for ln in lines:
        item = {"designation": _s(ln.designation), "quantite": quantity(ln.qty), "unite": _s(ln.unit),
                "pu_ht": euros(ln.unit_price), "remise": percent(ln.discount_pct) if ln.discount_pct else "",
                "tva": percent(ln.rate), "total_ht": euros(ln.net), "motif_taux": _s(ln.rate_reason)}
        (deductions if _fixed_vat(ln) is not None else items).append(item)
    return items, deductions


def totals_block(t: Any) -> dict[str, Any]:
    return {
        "taux": [{"taux": percent(r.rate), "base_ht": euros(r.base), "tva": euros(r.vat), "ttc": euros(r.ttc)}
                 for r in t.per_rate],
        "remise": euros(t.discount) if t.discount else "", "ht": euros(t.ht), "tva": euros(t.vat),
        "ttc": euros(t.ttc), "lignes_ht": euros(t.lines_ht),
    }


def vat_mentions(lines: Sequence[Line], client_name: str, params: Mapping[str, str]) -> dict[str, Any]:
    """Certification for 10 % / 5,5 % lines (official wording, §2.3) and the reason of 0 % lines."""
    rates = {ln.rate for ln in lines if ln.rate is not None and _fixed_vat(ln) is None}
    who = client_name or "……………………"
    certs = []
    if Decimal(10) in rates:
        certs.append(vat.CERTIFICATION_10.format(client=who))
    if Decimal("5.5") in rates:
        certs.append(vat.CERTIFICATION_55.format(client=who))
    if len(certs) == 2:  # each certification covers the lines of its own rate
        certs = [f"Pour les travaux au taux de 10 % : {certs[0]}", f"Pour les travaux au taux de 5,5 % : {certs[1]}"]
    cert = " ".join(certs)
    reasons = []
    for ln in lines:
        if ln.rate == 0:
            reason = _s(ln.rate_reason) or missing("motif légal du taux de 0 %")
            if reason not in reasons:
                reasons.append(reason)
    if _s(params.get("franchise_tva")) == "Oui" and vat.ZERO_REASONS["293b"] not in reasons:
        reasons.append(vat.ZERO_REASONS["293b"])
    return {"certification": cert, "motifs_tva": reasons}


# --------------------------------------------------------------------------- quote
def _travel_and_labour(store: Store, lines: Sequence[QuoteLine]) -> tuple[str, str]:
    codes = {str(ln.article) for ln in lines if ln.article}
    family = ds.article_families(store, codes)
    travel = [ln for ln in lines if family.get(str(ln.article)) == "Déplacement"]
    labour = [ln for ln in lines if ln.unit == "h" or family.get(str(ln.article)) == "Main-d'œuvre"]
    travel_text = ("Frais de déplacement : " + " ; ".join(f"{_s(ln.designation)}, {euros(ln.net)} HT"
                                                          for ln in travel) + "."
                   if travel else "Frais de déplacement : aucun frais de déplacement n'est facturé.")
    if labour:
        parts = [f"{quantity(ln.qty)} {_s(ln.unit) or 'h'} à {euros(ln.unit_price)} HT" for ln in labour]
        labour_text = "Main-d'œuvre : " + " ; ".join(parts) + "."
    else:
        labour_text = "Main-d'œuvre : aucune heure de main-d'œuvre facturée séparément."
    return travel_text, labour_text


def quote_context(store: Store, number: str, as_of: dt.date) -> dict[str, Any]:
    from pyxl.services.quotes import off_premises_protected

    d = ds.quote_source(store, number, as_of)
    q = d.quote
    params = ds.parameters(store)
    client = client_block(ds.client(store, q.client or ""), _s(q.client_name))
    items, _ = line_items(d.lines)
    travel, labour = _travel_and_labour(store, d.lines)
    fee = _s(params.get("devis_tarif"))
    mentions = [
        f"Devis valable jusqu'au {long_date(q.valid_until)}"
        + (f" ({q.validity_days} jours)." if q.validity_days else "."),
        fee if fee else missing("devis gratuit ou payant (paramètre devis_tarif)"),
        travel, labour,
        "Date ou délai d'exécution : " + (_s(q.execution) or "[à compléter sur le devis : date ou délai "
                                                                    "d'exécution (syc devis creer --execution)]"),
    ]
    if not client["est_professionnel"]:
        mentions += consumer_mentions(store, params, q)

    # a consumer, or a professional of five employees or fewer outside its main activity (L221-3)
    away = off_premises_protected(q.values(), ds.client(store, q.client or "").values())
    ctx = {
        "titre": "Devis", "type": "devis", "entreprise": company(params), "client": client,
        "doc": {"numero": _s(q.number), "date": long_date(q.date), "objet": _s(q.object),
                "lieu": _s(q.site), "ref_client": _s(q.client_ref), "nature": _s(q.nature),
                "validite": long_date(q.valid_until), "execution": _s(q.execution),
                "devis": _s(q.number), "commande": "", "facture_origine": "", "motif": "",
                "echeance": "", "conditions": "", "date_realisation": ""},
        "lignes": items, "acomptes": [], "totaux": totals_block(d.totals),
        "mentions": mentions, "mentions_paiement": [],
        "retractation": withdrawal_notice(d.lines, "du présent devis") if away else "",
        "formulaire_retractation": list(WITHDRAWAL_FORM) if away else [],
        "bon_pour_accord": True,
        **vat_mentions(d.lines, client["nom"], params),
    }
    ctx["annee"] = q.date.year if q.date else as_of.year
    return ctx


def order_context(store: Store, number: str, as_of: dt.date) -> dict[str, Any]:
    o = ds.order(store, number)
    ctx = quote_context(store, str(o.quote), as_of)
    # the order form carries the withdrawal information and form too (L221-5, L221-9 C. conso)
    away = bool(ctx["retractation"])
    ctx.update(titre="Bon de commande", type="commande",
               retractation=withdrawal_notice(quote_lines(store, str(o.quote)), f"du devis {o.quote}")
               if away else "")
    ctx["doc"].update(numero=_s(o.number), date=long_date(o.date), commande=_s(o.number))
    ctx["mentions"] = [
        f"Commande passée sur la base du devis {o.quote} accepté"
        + (f" le {long_date(_accepted(store, str(o.quote)))}" if _accepted(store, str(o.quote)) else "") + ".",
        *[m for m in ctx["mentions"] if m.startswith(("Date ou délai", "Frais de déplacement", "Main-d'œuvre",
                                                       "Conditions de paiement", "Garantie", "Médiation"))],
    ]
    ctx["annee"] = o.date.year if o.date else as_of.year
    return ctx


def withdrawal_notice(lines: Sequence[QuoteLine], signed: str) -> str:
    """The withdrawal notice of an off-premises contract; its period starts from the conclusion for
    services only (maintenance, repair), from the receipt of the equipment for supply and
    installation (L221-18 2°); withdrawal is possible from the conclusion."""
    goods = any(_s(ln.category) and _s(ln.category) != "Autre" for ln in lines)
    start = WITHDRAWAL_START["goods" if goods else "services"].replace("du présent devis", signed)
    return WITHDRAWAL_NOTICE.format(start=start)


def quote_lines(store: Store, quote: str) -> list[QuoteLine]:
    return ds.quote_lines(store, quote)


def consumer_mentions(store: Store, params: Mapping[str, str], q: Quote) -> list[str]:
    """What a consumer quote or order adds (L111-1, R111-1, L616-1 C. conso; arrêté du 24 janvier
    2017): the payment terms, the legal guarantees of the nature of the works (sheet « Garanties
    légales ») and the consumer mediator. Never on a business document."""
    client = ds.client(store, q.client or "")
    terms = _s(client.terms) or _s(params.get("conditions_paiement")) or "30 jours fin de mois"
    out = [f"Conditions de paiement : {terms} à compter de la facture ; pas d'escompte pour paiement anticipé."]
    out += ds.guarantees(store, _s(q.nature))
    mediator = _s(params.get("mediateur_consommation"))
    out.append("Médiation de la consommation : en cas de litige non résolu avec nous, vous pouvez recourir "
               f"gratuitement au médiateur de la consommation {mediator} (art. L616-1 et R616-1 du Code de la "
               "consommation)." if mediator else missing("médiateur de la consommation (paramètre "
                                                           "mediateur_consommation)"))
    return out


def _accepted(store: Store, quote: str) -> dt.date | None:
    return ds.quote(store, quote).accepted_on


def settlement_reference(mode: str, reference: str) -> str:
    """A payment's reference as printed after its mode: « Chèque, n° 1187654 (LCL) », never
    « Chèque, Chèque n° 1187654 (LCL) » when the reference already starts with the mode."""
    if mode and reference.casefold().startswith(mode.casefold()):
        return reference[len(mode):].lstrip(" ,:-")
    return reference


# --------------------------------------------------------------------------- invoices
def _settlement_mode(p: Any) -> str:
    """A payment row's mode as the paid copy prints it; a credit note's overpayment turned into the
    client's credit says so (its row alone, « Compensation », reads like money paid back)."""
    if p.kind == PaymentKind.CREDIT_NOTE and (p.amount or ZERO) < 0:
        return "Compensation : trop-payé après avoir, porté au crédit du client"
    return _s(p.mode)


def _site(r: Invoice, client: Mapping[str, Any]) -> str:
    """The work site (the quote's « lieu »), printed when it differs from the client's address."""
    site = _s(r.site)
    if not site:
        return ""
    address = " ".join(client.get("adresse_lignes", [])[1:]).casefold()
    return "" if " ".join(site.split()).casefold() in " ".join(address.split()) else site


def _half_label(half: str) -> str:
    """« 2e semestre 2026 »."""
    return f"{'1er' if half.endswith('1') else '2e'} semestre {half[:4]}"


def _late_payment(params: Mapping[str, str], doc: Invoice | None = None, tables: it.RateTables | None = None) -> list[str]:
    """Business clients only (domain.md §1.5): penalty rate and the 40 € indemnity. An issued
    invoice prints ITS clause (« Clause de pénalités », stored at issue, or reconstituted for the
    invoices issued before schema 6), never today's parameter; the default clause is also given
    as a figure for the half-year of the invoice, from the rate tables."""
    stored = ""
    if doc is not None:
        stored = _s(doc.penalty_clause) or _s(doc.penalty_clause_rebuilt)
    if stored:
        value, readable = it.clause_rate(stored)
        if readable:
            if value is None:
                out = [DEFAULT_LATE]
                day = doc.date if doc is not None and isinstance(doc.date, dt.date) else None
                row = tables.penalty(it.half_year(day)) if tables is not None and day is not None else None
                if row is not None and day is not None:
                    out.append(f"Soit {interest_rate(row.default)} l'an au {_half_label(it.half_year(day))} (taux de la "
                               f"BCE de {interest_rate(row.ecb)} + 10 points), révisé chaque semestre.")
                return out
            what = ("de trois fois le taux d'intérêt légal en vigueur" if value == it.THREE_TIMES_LEGAL
                    else f"de {interest_rate(value)} l'an")
            return [f"En cas de retard de paiement, pénalités exigibles de plein droit au taux {what} "
                    "(art. L441-10 du Code de commerce).", INDEMNITY]
    rate = _s(params.get("taux_penalites_contractuel"))
    clause = _s(params.get("clause_retard"))
    if rate:
        what = ("de trois fois le taux d'intérêt légal en vigueur" if rate.lower() == "3x" else f"de {rate} % l'an")
        text = (f"En cas de retard de paiement, pénalités exigibles de plein droit au taux {what} "
                "(art. L441-10 du Code de commerce).")
        return [text, INDEMNITY]
    if not clause or "BCE" not in clause:
        clause = DEFAULT_LATE
    clause = clause.replace(NO_DISCOUNT, "").strip()  # printed for every client, once
    out = [clause]
    if "indemnité forfaitaire" not in clause.casefold():
        out.append(INDEMNITY)
    return out


def invoice_context(store: Store, ref: str, as_of: dt.date, *, paid_copy: bool = False,
                    active: Store | None = None) -> dict[str, Any]:
    """The document of an invoice, deposit invoice or credit note held by `store`. `active`: the
    active workbook when `store` is the fiscal-year archive the invoice left for — the payments and
    credit notes recorded there since the archiving are printed too (`docsource.invoice_source`)."""
    d = ds.invoice_source(store, ref, active=active, settled=paid_copy)
    r = d.invoice
    params = ds.parameters(store)
    client = client_block(ds.client(store, r.client or ""), _s(r.client_name))
    kind = {"Facture d'acompte": "acompte", "Avoir": "avoir"}.get(str(r.doc_type), "facture")
    items, deductions = line_items(d.lines)
    t = d.totals
    doc = {"numero": _s(r.number) or f"{_s(r.ref)} (brouillon, sans valeur de facture)",
           "date": long_date(r.date), "objet": _s(r.object), "lieu": _site(r, client),
           "ref_client": _s(r.client_ref),
           "nature": _s(r.nature), "validite": "", "execution": "", "devis": _s(r.quote),
           "commande": _s(r.order), "facture_origine": _s(r.origin), "motif": _s(r.reason),
           "echeance": long_date(r.due_date) if kind != "avoir" else "", "conditions": _s(r.terms),
           "date_realisation": long_date(r.service_date), "acompte_pct": percent(r.deposit_pct)}
    mentions: list[str] = []
    if kind == "avoir" and r.origin:
        origin = ds.find(store, str(r.origin))  # an invoice of an archived year: read in its archive
        mentions.append(f"Avoir sur la {str(origin.doc_type).lower()} {origin.number} du "
                        f"{long_date(origin.date)}" + (f" ; motif : {_s(r.reason)}" if r.reason else "") + ".")
    if kind == "acompte":
        mentions.append(f"Facture d'acompte de {percent(r.deposit_pct)} sur la commande {_s(r.order)} "
                        f"(devis {_s(r.quote)}).")
    if r.client_ref:
        mentions.append(f"Votre référence de commande : {_s(r.client_ref)}.")
    if client["est_professionnel"] and not client["siren"]:  # when known it is printed once, under the references
        mentions.append("SIREN du client : [à compléter dans la fiche client : SIRET ou SIREN].")
    if r.operation:
        mentions.append(f"Catégorie de l'opération : {_s(r.operation)}.")
    if _s(params.get("tva_sur_debits")) == "Oui":
        mentions.append("Option pour le paiement de la taxe d'après les débits.")
    payment: list[str] = []
    if kind != "avoir":
        if r.due_date:
            payment.append(f"Date d'échéance : {long_date(r.due_date)}"
                           + (f" ({_s(r.terms)})." if r.terms and r.terms != "comptant" else "."))
        else:
            payment.append("Date d'échéance : fixée à l'émission de la facture.")
        payment.append(NO_DISCOUNT)
        if client["est_professionnel"]:
            from pyxl.services import dunning_rates

            payment += _late_payment(params, r, dunning_rates.tables(store))
    paid = r.paid or ZERO
    credited = r.credited or ZERO
    if not paid_copy and kind != "avoir" and r.date:
        # an issued invoice is the same whenever it is printed: only what was received by its date
        live = [p for p in d.payments if isinstance(p.date, dt.date) and p.date <= r.date]
        paid = sum((p.amount or ZERO for p in live), ZERO)
        credited = ZERO
    acquitted: dict[str, Any] = {}
    if paid_copy:
        pays = [p for p in d.payments if not p.cancels]
        cancelled = {str(p.cancels) for p in d.payments if p.cancels}
        pays = [p for p in pays if str(p.id) not in cancelled]
        # acquitted by the last sum received: not by the row that turns what a later credit note
        # made overpaid into the client's credit (negative, « Avoir en crédit »)
        received = [p for p in pays if (p.amount or ZERO) > 0] or pays
        last = max(received, key=lambda p: (p.date, str(p.id))) if received else None
        credits = d.credit_notes  # issued ones, in the archive and the active workbook both
        acquitted = {"avoirs": [{"numero": _s(c.number), "date": long_date(c.date),
                                 "montant": euros(c.total_ttc)} for c in credits],
                     "date": long_date(last.date) if last else "",
                     "mode": PAYMENT_MODES_TEXT.get(_s(last.mode), _s(last.mode).lower()) if last else "",
                     "reglements": [{"date": long_date(p.date), "mode": _settlement_mode(p),
                                     "montant": euros(p.amount),
                                     "reference": settlement_reference(_s(p.mode), _s(p.reference))}
                                    for p in pays]}
    title = {"facture": "Facture", "acompte": "Facture d'acompte", "avoir": "Avoir"}[kind]
    ctx = {
        "titre": title, "type": "acquittee" if paid_copy else kind, "entreprise": company(params), "client": client,
        "doc": doc, "lignes": items,
        "acomptes": [{"libelle": x["designation"], "total_ht": x["total_ht"], "tva": x["tva"]} for x in deductions],
        "acomptes_ttc": euros(r.deducted_ttc) if r.deducted_ttc else "",
        "total_travaux_ttc": euros(t.ttc + (r.deducted_ttc or ZERO)) if r.deducted_ttc else "",
        "totaux": totals_block(t),
        "deja_regle": euros(paid) if paid else "", "avoirs": euros(credited) if credited else "",
        "reste_du": euros((r.total_ttc or ZERO) - paid - credited) if r.number and kind != "avoir"
        else euros(t.ttc),
        "mentions": mentions, "mentions_paiement": payment, "retractation": "", "formulaire_retractation": [],
        "bon_pour_accord": False, "acquittee": acquitted,
        **vat_mentions(d.lines, client["nom"], params),
    }
    if sd.yes(r.reverse_charge) and vat.ZERO_REASONS["autoliquidation"] not in ctx["motifs_tva"]:
        ctx["motifs_tva"].append(vat.ZERO_REASONS["autoliquidation"])
    ctx["annee"] = r.date.year if r.date else as_of.year
    return ctx


# --------------------------------------------------------------------------- letter
def letter_context(store: Store, client_code: str, subject: str, paragraphs: Sequence[str], as_of: dt.date,
                   *, greeting: str = "", closing: str = "") -> dict[str, Any]:
    """A generic letter to a client: the company's header, the window-envelope address, the
    date (« Lyon, le 27 novembre 2026 »), the subject and the body's paragraphs."""
    params = ds.parameters(store)
    client = client_block(ds.client(store, client_code))
    firm = company(params)
    return {
        "titre": "Lettre", "type": "lettre", "entreprise": firm, "client": client,
        "doc": {"numero": "", "date": long_date(as_of), "objet": subject},
        "lieu_date": (f"{firm['ville']}, le " if firm["ville"] else "Le ") + long_date(as_of),
        "formule_appel": greeting or "Madame, Monsieur,",
        "paragraphes": list(paragraphs),
        "formule_politesse": closing or ("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos "
                                         "salutations distinguées."),
        "signataire": firm["raison_sociale"], "annee": as_of.year,
    }


def penalty_note_context(store: Store, number: str, as_of: dt.date) -> dict[str, Any]:
    """The note de pénalités: its lines as stored (the note never changes once issued)."""
    note, lines = ds.penalty_note(store, number)
    return penalty_note_of(store, note, lines, ds.client(store, str(note["client"])))


def penalty_note_of(store: Store, note: Mapping[str, Any], lines: Sequence[Mapping[str, Any]],
                    client_rec: Client) -> dict[str, Any]:
    """The note's document from its row and lines (stored, or about to be with a formal notice)."""
    from pyxl.core.frformat import date_fr

    lines = sorted(lines, key=lambda r: (r["due_date"], str(r["invoice"])))
    client = client_block(client_rec, str(note["client_name"] or ""))
    business = client_rec.kind == "Professionnel"
    rows = []
    detail: list[str] = []
    for ln in lines:
        period = (f"du {date_fr(ln['start'])} au {date_fr(ln['end'])}" if ln["start"] else "")
        rows.append({"facture": ln["invoice"], "echeance": date_fr(ln["due_date"]), "principal": euros(ln["base"]),
                     "periode": period, "jours": str(ln["days"] or ""), "taux": ln["clause"] or "",
                     "interets": euros(ln["interest"]), "indemnite": euros(ln["indemnity"]) if ln["indemnity"] else "—"})
        if ln["detail"]:
            detail.append(f"Facture {ln['invoice']} :")
            detail += [f"  {x}" for x in str(ln["detail"]).splitlines()]
    totals = [{"libelle": "Pénalités de retard" if business else "Intérêts au taux légal",
               "montant": euros(note["interest"])}]
    if business:
        totals.append({"libelle": "Indemnités forfaitaires pour frais de recouvrement (40 € par facture)",
                       "montant": euros(note["indemnity"])})
    totals.append({"libelle": "Total à payer (sans TVA)", "montant": euros(note["total"])})
    if business:
        intro = ("Le retard de paiement des factures ci-dessous rend exigibles de plein droit des pénalités de retard, "
                 "au taux convenu sur chaque facture (art. L441-10 du Code de commerce), et une indemnité forfaitaire "
                 "pour frais de recouvrement de 40 € par facture (art. D441-5 du Code de commerce). Nous vous en "
                 "adressons le décompte, arrêté au " + date_fr(note["date"]) + ".")
    else:
        intro = ("Les sommes ci-dessous restant dues après notre mise en demeure, elles portent intérêts au taux "
                 "légal à compter de sa réception (art. 1231-6 et 1344-1 du Code civil). Nous vous en adressons le "
                 "décompte, arrêté au " + date_fr(note["date"]) + ".")
    mentions = [
        "Sommes hors du champ de la TVA : pénalités et indemnités réparent un retard, elles ne sont la contrepartie "
        "d'aucune livraison ni prestation (BOI-TVA-BASE-10-10-10).",
        "Payable à réception. Tout paiement partiel s'impute d'abord sur ces pénalités, puis sur le principal "
        "(art. 1343-1 du Code civil).",
    ]
    if business:
        mentions.append("Les pénalités continuent de courir jusqu'au paiement complet ; elles feront l'objet d'une "
                        "note complémentaire.")
    params = ds.parameters(store)
    return {
        "titre": "Note de pénalités", "type": "penalites", "entreprise": company(params), "client": client,
        "doc": {"numero": note["number"], "date": date_fr(note["date"]),
                "objet": "Pénalités de retard et indemnités" if business else "Intérêts de retard"},
        "introduction": intro, "lignes": rows, "totaux": totals, "mentions": mentions, "detail_interets": detail,
        "annee": note["date"].year,
    }


def slip_context(store: Store, number: str, as_of: dt.date) -> dict[str, Any]:
    """The deposit slip (bordereau de remise) as the bank receives it: per cheque its bank, drawer,
    number and amount, the client it pays; the count, the total, the date and the firm's bank."""
    from pyxl.core.frformat import date_fr
    from pyxl.services import slips

    slip = ds.slip(store, number)
    cheques = slips.cheques_of(store, str(slip["number"]))
    names = {code: sd.client_name(c.values())
             for code, c in ds.clients(store, {c.client for c in cheques}).items()} if cheques else {}
    params = ds.parameters(store)
    firm = company(params)
    card = slip["mode"] == "CB"
    rows = [{"n": str(i), "date": date_fr(c.date), "banque": c.bank or "—",
             "tireur": c.drawer or names.get(c.client, "") or c.client, "numero": c.reference or "—",
             "client": f"{names.get(c.client, '')} ({c.client})".strip(), "montant": euros(c.amount)}
            for i, c in enumerate(cheques, 1)]
    count = int(slip["count"] or 0)
    what = "paiement par carte" if card else "chèque"
    return {
        "titre": "Bordereau de remise de cartes bancaires" if card else "Bordereau de remise de chèques",
        "type": "bordereau", "entreprise": firm,
        "client": {"code": "", "nom": "", "adresse_lignes": []},
        "doc": {"numero": slip["number"], "date": long_date(slip["date"]), "objet": ""},
        "banque": str(slip["bank"] or "") or missing("Banque de remise des chèques"),
        "compte": firm["iban"] or missing("IBAN"), "titulaire": firm["raison_sociale"],
        "lignes": rows, "nombre": f"{count} {what}{'s' if count > 1 else ''}", "total": euros(slip["total"] or ZERO),
        "carte": card, "annee": slip["date"].year,
    }
