"""Subcommands of the sales chain: devis, commande, facture, avoir, reglement, demo."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pyxl.cli import Context, out
from pyxl.cli.common import SPACE, Common, apply, euros, group, leaf, percent, plural, quantity, text_table
from pyxl.core.frformat import date_fr


def register(sub: Any, common: Common) -> None:
    # devis
    g = group(sub, "devis", "devis : créer, envoyer, relancer, accepter, refuser", common)
    p = leaf(g, "creer", "créer un devis (brouillon numéroté)", common, cmd_quote_create,
             "Crée un devis : syc devis creer --client C00001 --ligne CHG-25:1 --ligne MO-H:6 "
             "--nature remplacement --logement-plus-2-ans oui")
    p.add_argument("--client", required=True, metavar="CODE", help="code du client (syc client liste)")
    p.add_argument("--ligne", action="append", default=[], metavar="ARTICLE:QTE[:PU_HT[:REMISE_%]]",
                   help="une ligne par option, ex. MO-H:3,5 ou RAD-ACI:2:230:5")
    p.add_argument("--nature", help="installation | remplacement | depannage | entretien | vente (matériel sans pose) "
                                    "| construction (ouvrage neuf, agrandissement) : décide de la TVA et des garanties")
    p.add_argument("--logement-plus-2-ans", metavar="oui|non",
                   help="locaux d'habitation achevés depuis plus de deux ans (taux réduits) ; défaut : non")
    p.add_argument("--hors-etablissement", action="store_true",
                   help="contrat signé hors des locaux de l'entreprise (chez le client)")
    p.add_argument("--hors-activite-principale", action="store_true",
                   help="client professionnel : contrat hors du champ de son activité principale (art. L221-3 "
                        "C. conso ; protégé s'il a cinq salariés au plus)")
    p.add_argument("--autoliquidation", action="store_true",
                   help="sous-traitance pour une entreprise du bâtiment : TVA autoliquidée (0 %%)")
    p.add_argument("--taux", action="append", default=[], metavar="N:TAUX:MOTIF",
                   help="forcer le taux de la ligne N avec son motif (0 %% : motif autoliquidation ou 293B)")
    p.add_argument("--objet", default="", help="objet du devis")
    p.add_argument("--lieu", default="", help="lieu d'intervention s'il diffère de l'adresse du client")
    p.add_argument("--remise", metavar="POURCENT", help="remise globale en %%")
    p.add_argument("--ref-client", default="", metavar="TEXTE", help="référence ou n° de commande du client")
    p.add_argument("--validite", metavar="JOURS", help="durée de validité (défaut : Paramètres)")
    p.add_argument("--execution", default="", metavar="DATE|TEXTE", help="date ou délai d'exécution")
    p = leaf(g, "envoyer", "noter un devis comme envoyé au client (et produire son PDF)", common, cmd_quote_send)
    p.add_argument("numero", metavar="NUM")
    _no_document(p)
    p = leaf(g, "a-relancer", "devis envoyés sans réponse à relancer", common, cmd_quote_due)
    p.add_argument("--delai", metavar="JOURS", type=_days, help="jours depuis l'envoi (défaut : Paramètres, 7)")
    p = leaf(g, "relancer", "noter l'appel de relance (et faire un devis révisé avec remise)", common,
             cmd_quote_follow_up)
    p.add_argument("numero", metavar="NUM")
    p.add_argument("--resultat", required=True, metavar="TEXTE", help="résultat de l'appel")
    p.add_argument("--remise", metavar="POURCENT", help="remise de 10 à 20 %% : crée un devis révisé")
    p = leaf(g, "accepter", "noter l'accord signé du client", common, cmd_quote_accept)
    p.add_argument("numero", metavar="NUM")
    p.add_argument("--urgent", action="store_true",
                   help="dépannage urgent demandé par le client (lève le délai de 7 jours sans paiement)")
    p.add_argument("--demande-expresse", action="store_true",
                   help="contrat hors établissement : le client demande par écrit que les travaux commencent avant "
                        "la fin du délai de rétractation de 14 jours (art. L221-25 C. conso)")
    p = leaf(g, "refuser", "noter le refus du client", common, cmd_quote_refuse)
    p.add_argument("numero", metavar="NUM")
    p.add_argument("--motif", required=True, metavar="TEXTE")
    p = leaf(g, "voir", "afficher un devis et ses lignes", common, cmd_quote_show)
    p.add_argument("numero", metavar="NUM")
    p = leaf(g, "liste", "lister les devis", common, cmd_quote_list)
    p.add_argument("--statut", help="brouillon | envoye | accepte | refuse | expire | remplace")

    # commande
    g = group(sub, "commande", "bons de commande", common)
    p = leaf(g, "creer", "créer le bon de commande d'un devis accepté", common, cmd_order_create)
    p.add_argument("--devis", required=True, metavar="NUM")
    _no_document(p)
    p = leaf(g, "realiser", "noter les travaux réalisés", common, cmd_order_done)
    p.add_argument("numero", metavar="NUM")
    p.add_argument("--date", required=True, metavar="JJ/MM/AAAA", help="date de fin des travaux")
    p = leaf(g, "annuler", "annuler une commande (elle garde son numéro)", common, cmd_order_cancel)
    p.add_argument("numero", metavar="NUM")
    p.add_argument("--motif", required=True, metavar="TEXTE")
    p = leaf(g, "voir", "afficher une commande", common, cmd_order_show)
    p.add_argument("numero", metavar="NUM")
    p = leaf(g, "liste", "lister les commandes", common, cmd_order_list)
    p.add_argument("--statut", help="ouverte | planifiee | realisee | facturee | annulee")

    # facture
    g = group(sub, "facture", "factures et factures d'acompte", common)
    p = leaf(g, "acompte", "préparer une facture d'acompte (pourcentage de la commande)", common, cmd_deposit)
    p.add_argument("--commande", required=True, metavar="NUM")
    p.add_argument("--pourcentage", required=True, metavar="P", help="ex. 30")
    p.add_argument("--emettre", action="store_true", help="l'émettre aussitôt (numéro définitif)")
    _no_document(p)
    p = leaf(g, "creer", "préparer la facture d'une commande réalisée (acomptes déduits)", common, cmd_invoice_create)
    p.add_argument("--commande", required=True, metavar="NUM")
    p.add_argument("--emettre", action="store_true", help="l'émettre aussitôt (numéro définitif)")
    _no_document(p)
    p = leaf(g, "emettre", "émettre un brouillon (facture, acompte ou avoir) : numéro définitif", common, cmd_issue)
    p.add_argument("reference", metavar="REF", help="référence du brouillon, ex. BROUILLON-12")
    _no_document(p)
    p = leaf(g, "supprimer", "supprimer un brouillon (facture, acompte ou avoir non émis)", common, cmd_delete_draft)
    p.add_argument("reference", metavar="REF", help="référence du brouillon, ex. BROUILLON-12")
    p = leaf(g, "voir", "afficher une facture, ses lignes et ses règlements", common, cmd_doc_show)
    p.add_argument("reference", metavar="NUM")
    p = leaf(g, "liste", "lister les factures et factures d'acompte", common, cmd_invoice_list)
    p.add_argument("--statut", help="brouillon | emise | partielle | reglee | en-retard | soldee")
    # issue 15: doubtful debts (416) and write-offs (654), dated rows of « Créances douteuses »
    p = leaf(g, "douteuse", "déclarer douteuse une facture que le client risque de ne pas payer (compte 416)",
             common, cmd_doubtful, "Ce qui reste dû passe au compte 416 du client ; la facture n'est plus relancée. "
                                   "Se défait par « syc facture annuler-creance ID --motif … ».")
    p.add_argument("reference", metavar="NUM")
    p.add_argument("--motif", required=True, help="ex. « redressement judiciaire du 12/03/2026 »")
    p = leaf(g, "perte", "passer en perte une facture irrécouvrable (compte 654, TVA reprise)", common, cmd_write_off,
             "Ce qui reste dû devient une perte : la TVA en attente du paiement est annulée, celle déclarée à la "
             "facture récupérée (CGI art. 272-1) ; la facture n'est plus due ni relancée.")
    p.add_argument("reference", metavar="NUM")
    p.add_argument("--motif", required=True, help="ex. « liquidation judiciaire clôturée pour insuffisance d'actif »")
    p = leaf(g, "annuler-creance", "annuler une déclaration de créance douteuse ou de perte (ligne opposée)", common,
             cmd_cancel_loss)
    p.add_argument("id", metavar="ID", help="n° de la ligne de « Créances douteuses », ex. CD2026-00001")
    p.add_argument("--motif", required=True)

    # avoir
    g = group(sub, "avoir", "avoirs (corriger ou annuler une facture émise)", common)
    p = leaf(g, "creer", "préparer un avoir, total ou partiel, sur une facture émise", common, cmd_credit_create)
    p.add_argument("--facture", required=True, metavar="NUM", help="facture (ou facture d'acompte) émise à créditer")
    p.add_argument("--motif", required=True, metavar="TEXTE", help="raison de l'avoir, imprimée sur l'avoir")
    p.add_argument("--cause", required=True, choices=("erreur", "litige", "geste"),
                   help="erreur ou litige justifié : la somme n'a jamais porté de pénalités ; geste commercial : "
                        "elle baisse la base à sa date")
    p.add_argument("--ligne", action="append", default=[], metavar="ARTICLE:QTE[:PU_HT]",
                   help="avoir partiel : articles de la facture à créditer (sans --ligne : tout le reste)")
    p.add_argument("--emettre", action="store_true", help="l'émettre aussitôt (numéro définitif)")
    _no_document(p)
    p = leaf(g, "voir", "afficher un avoir", common, cmd_doc_show)
    p.add_argument("reference", metavar="NUM")
    p = leaf(g, "liste", "lister les avoirs", common, cmd_credit_list)

    # reglement
    g = group(sub, "reglement", "règlements reçus", common)
    p = leaf(g, "saisir", "enregistrer un règlement : une ou plusieurs pièces, le reste en crédit du client", common,
             cmd_payment,
             "Sans --facture, le paiement va aux pièces dont le libellé (--reference) donne le numéro, sinon dans "
             "l'ordre de l'art. 1342-10 du Code civil (échues d'abord, celles qui portent des pénalités, puis les plus "
             "anciennes) ; une note de pénalités passe avant le principal de sa facture (art. 1343-1). Exemple : syc "
             "reglement saisir --client C00002 --montant 1500 --mode virement --reference \"VIR F2026-00012 "
             "F2026-00015\"")
    p.add_argument("--client", default="", metavar="CODE", help="le client qui paie (sinon celui de --facture)")
    p.add_argument("--facture", action="append", default=[], metavar="NUM",
                   help="pièce réglée (facture, facture d'acompte, note de pénalités NP…), répétable, dans l'ordre "
                        "voulu par le client")
    p.add_argument("--montant", required=True, metavar="M", help="ex. 1500 ou 1 234,56")
    p.add_argument("--mode", required=True, help="especes | cheque | virement | cb")
    p.add_argument("--reference", default="", metavar="TEXTE", help="n° de chèque, libellé du virement…")
    p.add_argument("--banque", default="", metavar="TEXTE", help="chèque : sa banque (pour le bordereau de remise)")
    p.add_argument("--tireur", default="", metavar="NOM", help="chèque : son tireur, s'il n'est pas le client")
    p = leaf(g, "liste", "lister les règlements (d'une facture, d'un client, ou tous)", common, cmd_payment_list)
    p.add_argument("--facture", metavar="NUM", help="seulement les règlements de cette pièce")
    p.add_argument("--client", metavar="CODE", help="seulement les règlements de ce client")
    p.add_argument("--non-remis", action="store_true", help="seulement les chèques et cartes pas encore remis en banque")
    p = leaf(g, "annuler", "annuler un règlement par des écritures opposées (chèque impayé, erreur)", common,
             cmd_payment_cancel)
    p.add_argument("id", metavar="ID")
    p.add_argument("--motif", required=True, metavar="TEXTE")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--impaye", action="store_true", help="le chèque (ou le virement) est revenu impayé")
    how.add_argument("--erreur", action="store_true", help="c'était une erreur de saisie")
    p.add_argument("--frais", default="", metavar="M", help="avec --impaye : frais prélevés par la banque")

    g = group(sub, "credit", "crédits des clients (trop-perçus, avoirs sur factures réglées)", common)
    p = leaf(g, "liste", "les clients qui ont un crédit", common, cmd_credit_balance_list)
    p = leaf(g, "imputer", "imputer le crédit d'un client sur ses pièces (nommées, sinon l'ordre légal)", common,
             cmd_credit_use)
    p.add_argument("--client", required=True, metavar="CODE")
    p.add_argument("--facture", action="append", default=[], metavar="NUM", help="pièce à régler (répétable)")
    p.add_argument("--montant", default="", metavar="M", help="défaut : autant que possible")

    g = group(sub, "remboursement", "rembourser le crédit d'un client", common)
    p = leaf(g, "creer", "rembourser tout ou partie du crédit d'un client (virement ou chèque)", common,
             cmd_refund)
    p.add_argument("--client", required=True, metavar="CODE")
    p.add_argument("--montant", required=True, metavar="M")
    p.add_argument("--mode", required=True, help="virement | cheque")
    p.add_argument("--motif", required=True, metavar="TEXTE")

    from pyxl.cli import document_cmd

    document_cmd.register(sub, common)


def _no_document(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sans-document", action="store_true",
                   help="ne pas produire le PDF (à faire plus tard : syc document …)")


def _issued_documents(result: Any) -> list[tuple[str, str]]:
    """The document of an invoice, deposit invoice or credit note just issued (none for a draft)."""
    number = result.data.get("numero")
    if not number:
        return []
    return [("avoir" if result.data.get("type") == "Avoir" else "facture", str(number))]


def _days(text: str) -> int:
    if not text.strip().isdigit() or not 0 <= int(text) <= 365:
        raise argparse.ArgumentTypeError(f"« {text} » : nombre de jours entre 0 et 365 attendu")
    return int(text)


# --------------------------------------------------------------------------- devis
def cmd_quote_create(ctx: Context) -> int:
    from pyxl.services.quotes import QuoteInput, create_quote

    a = ctx.args
    given = QuoteInput(client=a.client, lines=a.ligne, nature=a.nature, housing_old=a.logement_plus_2_ans,
                       away=a.hors_etablissement, object=a.objet, site=a.lieu, discount=a.remise,
                       outside_main_activity=a.hors_activite_principale,
                       client_ref=a.ref_client, validity=a.validite, execution=a.execution, rates=a.taux,
                       reverse_charge=a.autoliquidation)

    def record(result: Any) -> None:  # the quote as written: the same object as devis voir and liste
        from pyxl.services.quotes import get_quote

        result.data["devis"] = _quote_json(get_quote(ctx.store(), str(result.data["numero"])), ctx.as_of)

    return apply(ctx, lambda store: create_quote(store, given, ctx.as_of), record if ctx.json else None)


def cmd_quote_send(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services.quotes import send_quote

    return apply_with_documents(ctx, lambda store: send_quote(store, ctx.args.numero, ctx.as_of),
                                lambda res: [("devis", str(res.data["numero"]))])


def cmd_quote_due(ctx: Context) -> int:
    from pyxl.services.quotes import to_follow_up

    store = ctx.store()
    rows = to_follow_up(store, ctx.as_of, ctx.args.delai)
    if ctx.json:
        out(ctx, data={"devis": [_quote_json(r, ctx.as_of) for r in rows]})
        return 0
    if not rows:
        print("Aucun devis à relancer.")
        return 0
    from pyxl.services.clients import get_client

    table = []
    for r in rows:
        c = get_client(store, r["client"])
        table.append([r["number"], _d(r["sent_on"]), str((ctx.as_of - r["sent_on"]).days), str(r["followups"] or 0),
                      r["client_name"] or "", c["phone"] or "", euros(r["total_ttc"]),
                      "expiré" if r["valid_until"] and ctx.as_of > r["valid_until"] else ""])
    print(text_table(table, ["Devis", "Envoyé le", "Jours", "Relances", "Client", "Téléphone", "Total TTC", ""]))
    print(f"{plural(len(rows), 'devis')} à relancer. Notez l'appel : syc devis relancer NUM --resultat \"…\" "
          "[--remise 10]")
    return 0


def cmd_quote_follow_up(ctx: Context) -> int:
    from pyxl.services.quotes import follow_up

    return apply(ctx, lambda store: follow_up(store, ctx.args.numero, ctx.args.resultat, ctx.as_of, ctx.args.remise))


def cmd_quote_accept(ctx: Context) -> int:
    from pyxl.services.quotes import accept_quote

    return apply(ctx, lambda store: accept_quote(store, ctx.args.numero, ctx.as_of, ctx.args.urgent,
                                                 ctx.args.demande_expresse))


def cmd_quote_refuse(ctx: Context) -> int:
    from pyxl.services.quotes import refuse_quote

    return apply(ctx, lambda store: refuse_quote(store, ctx.args.numero, ctx.args.motif, ctx.as_of))


def _d(day: dt.date | None) -> str:
    return date_fr(day)


def _jsonable(values: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in dict(values).items()}


def _quote_json(r: Any, as_of: dt.date) -> dict[str, Any]:
    from pyxl.core.workflow import quote_state

    return {**_jsonable(r.values), "statut_du_jour": quote_state(r["status"], r["valid_until"], as_of)}


def _print_lines(lines: Sequence[Any]) -> None:
    rows = []
    for ln in lines:
        rows.append([str(ln["pos"] or ""), ln["article"] or "", ln["designation"] or "",
                     quantity(ln["qty"]) + (f" {ln['unit']}" if ln["unit"] else ""), euros(ln["unit_price"]),
                     _pct(ln["discount_pct"]), percent(ln["rate"], sep=SPACE), euros(ln["net"])])
    print(text_table(rows, ["N°", "Article", "Désignation", "Qté", "PU HT", "Remise", "TVA", "Montant HT"], cut=46))


def _pct(p: Decimal | None) -> str:
    return "" if not p else percent(p, sep=SPACE)


def _print_totals(t: Any) -> None:
    if t.discount:
        print(f"Remise globale : −{euros(t.discount)} (répartie sur les taux au prorata)")
    for r in t.per_rate:
        extra = f" (acomptes déduits : {euros(r.deducted_ht)} HT, {euros(r.deducted_vat)} TVA)" if r.deducted_ht else ""
        print(f"TVA {percent(r.rate, sep=SPACE):>6} : base {euros(r.base):>14}  TVA {euros(r.vat):>12}{extra}")
    print(f"Total HT {euros(t.ht)}   TVA {euros(t.vat)}   Total TTC {euros(t.ttc)}")


def cmd_quote_show(ctx: Context) -> int:
    from pyxl.services.quotes import quote_detail
    from pyxl.services.salesdocs import totals_json

    d = quote_detail(ctx.store(), ctx.args.numero, ctx.as_of)
    r = d["row"]
    if ctx.json:
        out(ctx, data={"devis": {**_jsonable(r.values), "statut_du_jour": d["state"]},
                       "lignes": [_jsonable(x.values) for x in d["lines"]], **totals_json(d["totals"]),
                       "ou": r.where}, warnings=[])
        return 0
    print(f"Devis {r['number']} du {_d(r['date'])} — {d['state']} ({r.where})")
    print(f"Client : {r['client']} {r['client_name'] or ''}")
    for label, key in (("Objet", "object"), ("Lieu", "site"), ("Réf. client", "client_ref"),
                       ("Exécution", "execution")):
        if r[key]:
            print(f"{label} : {r[key]}")
    print(f"Nature des travaux : {r['nature']} ; logement de plus de 2 ans : {r['housing_old'] or 'Non'}"
          + (" ; hors établissement" if r["away"] == "Oui" else ""))
    print(f"Valable jusqu'au {_d(r['valid_until'])}" + (f" ; envoyé le {_d(r['sent_on'])}" if r["sent_on"] else "")
          + (f" ; accepté le {_d(r['accepted_on'])}" if r["accepted_on"] else ""))
    for label, key in (("Remplace", "replaces"), ("Remplacé par", "replaced_by"), ("Commande", "order"),
                       ("Motif du refus", "refusal_reason")):
        if r[key]:
            print(f"{label} : {r[key]}")
    if r["followup_notes"]:
        print("Suivi :\n  " + str(r["followup_notes"]).replace("\n", "\n  "))
    _print_lines(d["lines"])
    _print_totals(d["totals"])
    if d["warning"]:
        print(f"Attention : {d['warning']}")
    return 0


def cmd_quote_list(ctx: Context) -> int:
    from pyxl.services.quotes import list_quotes

    items = list_quotes(ctx.store(), ctx.as_of, ctx.args.statut or "")
    if ctx.json:
        out(ctx, data={"devis": [{**_jsonable(r.values), "statut_du_jour": s} for r, s in items]})
        return 0
    if not items:
        print("Aucun devis." if not ctx.args.statut else f"Aucun devis « {ctx.args.statut} ».")
        return 0
    print(text_table([[r["number"], _d(r["date"]), s, r["client"], r["client_name"] or "", r["object"] or "",
                   euros(r["total_ttc"])] for r, s in items],
                     ["Devis", "Date", "Statut", "Client", "Nom", "Objet", "Total TTC"]))
    print(f"{plural(len(items), 'devis')}.")
    return 0


# --------------------------------------------------------------------------- commande
def cmd_order_create(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services.orders import create_order

    return apply_with_documents(ctx, lambda store: create_order(store, ctx.args.devis, ctx.as_of),
                                lambda res: [("commande", str(res.data["numero"]))])


def cmd_order_done(ctx: Context) -> int:
    from pyxl.core import fields
    from pyxl.core.issues import Issue, Refused
    from pyxl.services.orders import complete_order

    try:
        done = fields.date(ctx.args.date, label="La date de réalisation")
    except fields.FieldError as exc:
        raise Refused(Issue("commande.date", str(exc), "--date")) from None
    return apply(ctx, lambda store: complete_order(store, ctx.args.numero, done, ctx.as_of))


def cmd_order_cancel(ctx: Context) -> int:
    from pyxl.services.orders import cancel_order

    return apply(ctx, lambda store: cancel_order(store, ctx.args.numero, ctx.args.motif, ctx.as_of))


def cmd_order_show(ctx: Context) -> int:
    from pyxl.cli.common import show_record
    from pyxl.services.orders import get_order, order_json
    from pyxl.workbook.schema import T_ORDERS

    return show_record(ctx, get_order(ctx.store(), ctx.args.numero), T_ORDERS, "commande", order_json)


def cmd_order_list(ctx: Context) -> int:
    from pyxl.services.orders import list_orders

    rows = list_orders(ctx.store(), ctx.args.statut or "")
    if ctx.json:
        out(ctx, data={"commandes": [_jsonable(r.values) for r in rows]})
        return 0
    if not rows:
        print("Aucune commande.")
        return 0
    print(text_table([[r["number"], _d(r["date"]), r["status"], r["quote"], r["client_name"] or "", euros(r["total_ttc"]),
                   _pct(r["deposit_pct"]), _d(r["done_on"]), r["invoice"] or ""] for r in rows],
                     ["Commande", "Date", "Statut", "Devis", "Client", "Total TTC", "Acomptes", "Réalisée", "Facture"]))
    print(f"{plural(len(rows), 'commande')}.")
    return 0


# --------------------------------------------------------------------------- facture / avoir
def _then_issue(ctx: Context, make: Any) -> int:
    """Create a draft and, with --emettre, issue it in the same write (one lock, one number)."""
    from pyxl.core.issues import Issue, Refused
    from pyxl.services import closures, invoices

    def both(store: Any) -> Any:
        res = make(store)
        if not getattr(ctx.args, "emettre", False):
            return res
        # the draft is written first (closures of the past days with it), then issued
        ref = res.data["reference"]
        made = closures.pending(store, res.changes, ctx.as_of, dt.datetime.now())
        store.apply(res.changes, as_of=ctx.as_of)
        if made:
            closures.write_files(store.path, made)
        try:
            issued = invoices.issue(store, ref, ctx.as_of)
        except Refused as exc:
            raise Refused([*exc.issues, Issue("facture.brouillon", f"Le brouillon {ref} a été enregistré mais pas émis : "
                                                                   f"corrigez puis « syc facture emettre {ref} ».", ref)]
                          ) from None
        issued.warnings = res.warnings + issued.warnings
        issued.message = res.message.split("\n")[0] + "\n" + issued.message
        if made:
            closures.note(issued, made)
        return issued

    from pyxl.cli.document_cmd import apply_with_documents

    return apply_with_documents(ctx, both, _issued_documents)


def cmd_deposit(ctx: Context) -> int:
    from pyxl.services.invoices import create_deposit

    return _then_issue(ctx, lambda store: create_deposit(store, ctx.args.commande, ctx.args.pourcentage, ctx.as_of))


def cmd_invoice_create(ctx: Context) -> int:
    from pyxl.services.invoices import create_invoice

    return _then_issue(ctx, lambda store: create_invoice(store, ctx.args.commande, ctx.as_of))


def cmd_credit_create(ctx: Context) -> int:
    from pyxl.services.invoices import create_credit_note

    return _then_issue(ctx, lambda store: create_credit_note(store, ctx.args.facture, ctx.args.motif, ctx.args.ligne,
                                                             ctx.as_of, ctx.args.cause))


def cmd_issue(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services.invoices import issue

    return apply_with_documents(ctx, lambda store: issue(store, ctx.args.reference, ctx.as_of), _issued_documents)


def cmd_doubtful(ctx: Context) -> int:
    from pyxl.core.books import DOUBTFUL
    from pyxl.services.losses import declare

    return apply(ctx, lambda store: declare(store, ctx.args.reference, DOUBTFUL, ctx.args.motif, ctx.as_of))


def cmd_write_off(ctx: Context) -> int:
    from pyxl.core.books import WRITTEN_OFF
    from pyxl.services.losses import declare

    return apply(ctx, lambda store: declare(store, ctx.args.reference, WRITTEN_OFF, ctx.args.motif, ctx.as_of))


def cmd_cancel_loss(ctx: Context) -> int:
    from pyxl.services.losses import cancel

    return apply(ctx, lambda store: cancel(store, ctx.args.id, ctx.args.motif, ctx.as_of))


def cmd_delete_draft(ctx: Context) -> int:
    from pyxl.services.invoices import delete_draft

    return apply(ctx, lambda store: delete_draft(store, ctx.args.reference))


def cmd_doc_show(ctx: Context) -> int:
    from pyxl.services.invoices import doc_detail, effective_status, owed
    from pyxl.services.salesdocs import totals_json

    d = doc_detail(ctx.store(), ctx.args.reference)
    r = d["row"]
    state = effective_status(r, ctx.as_of)
    if ctx.json:
        out(ctx, data={"piece": {**_jsonable(r.values), "statut_du_jour": state, "reste_a_payer": owed(r)},
                       "lignes": [_jsonable(x.values) for x in d["lines"]], **totals_json(d["totals"]),
                       "reglements": [_jsonable(p.values) for p in d["payments"]], "ou": r.where})
        return 0
    title = r["doc_type"] or "Pièce"
    print(f"{title} {r['number'] or r['ref'] + ' (brouillon, sans numéro)'}"
          + (f" du {_d(r['date'])}" if r["date"] else "") + f" — {state} ({r.where})")
    print(f"Client : {r['client']} {r['client_name'] or ''}")
    for label, key in (("Commande", "order"), ("Devis", "quote"), ("Facture d'origine", "origin"), ("Motif", "reason"),
                       ("Réf. client", "client_ref"), ("Conditions", "terms")):
        if r[key]:
            print(f"{label} : {r[key]}")
    if r["service_date"]:
        print(f"Travaux réalisés le {_d(r['service_date'])}")
    if r["due_date"] and r["doc_type"] != "Avoir":
        print(f"Échéance : {_d(r['due_date'])}")
    _print_lines(d["lines"])
    _print_totals(d["totals"])
    if r["doc_type"] != "Avoir" and r["number"]:
        lost = f"   Passé en perte {euros(r['written_off'])}" if r.get("written_off") is not None else ""
        print(f"Réglé {euros(r['paid'])}   Avoirs {euros(r['credited'])}{lost}   Reste à payer {euros(owed(r))}")
        if lost:
            print("  Facture passée en perte (feuille « Créances douteuses ») : elle n'est plus relancée ; un "
                  "règlement reçu reste accepté (recouvrement, compte 7714).")
        cancelled = {str(p["cancels"]): str(p["id"]) for p in d["payments"] if p["cancels"]}
        for p in d["payments"]:
            note = (f"  annule {p['cancels']} : {p['reason']}" if p["cancels"] else
                    f"  annulé par {cancelled[str(p['id'])]}" if str(p["id"]) in cancelled else
                    f"  {p['reference']}" if p["reference"] else "")
            print(f"  {p['id']}  {_d(p['date'])}  {p['mode']:<9} {euros(p['amount']):>14}{note}")
    return 0


def _doc_list(ctx: Context, credit_notes: bool) -> int:
    from pyxl.services.invoices import effective_status, list_docs, owed

    store = ctx.store()
    rows = list_docs(store, ctx.as_of, getattr(ctx.args, "statut", "") or "", credit_notes)
    name = "avoirs" if credit_notes else "factures"
    # invoices, deposit invoices and credit notes share one series: the list of invoices names the
    # numbers it leaves out, so that F2026-00013 missing between 12 and 14 explains itself
    credits = [] if credit_notes else [str(r["number"]) for r in list_docs(store, ctx.as_of, "", True) if r["number"]]
    by_type: dict[str, int] = {}
    for r in rows:
        by_type[str(r["doc_type"])] = by_type.get(str(r["doc_type"]), 0) + 1
    if ctx.json:
        data: dict[str, Any] = {name: [{**_jsonable(r.values), "statut_du_jour": effective_status(r, ctx.as_of),
                                        "reste_a_payer": owed(r)} for r in rows]}
        if not credit_notes:
            data.update(avoirs_de_la_serie=credits, par_type=by_type)
        out(ctx, data=data)
        return 0
    if not rows:
        print("Aucun avoir." if credit_notes else "Aucune facture.")
        return 0
    if credit_notes:
        print(text_table([[r["number"] or r["ref"], _d(r["date"]), r["status"], r["origin"] or "", r["client_name"] or "",
                       euros(r["total_ttc"]), r["reason"] or ""] for r in rows],
                         ["Avoir", "Date", "Statut", "Facture", "Client", "Total TTC", "Motif"]))
        print(plural(len(rows), "avoir") + ".")
        return 0
    print(text_table([[r["number"] or r["ref"], "Acompte" if r["doc_type"] == "Facture d'acompte" else "Facture",
                   _d(r["date"]), effective_status(r, ctx.as_of), r["client_name"] or "", euros(r["total_ttc"]),
                   _d(r["due_date"]), euros(owed(r)) if r["number"] else ""] for r in rows],
                     ["Numéro", "Type", "Date", "Statut", "Client", "Total TTC", "Échéance", "Reste dû"]))
    drafts = sum(1 for r in rows if not r["number"])
    kinds = [plural(by_type.get("Facture", 0), "facture"),
             plural(by_type.get("Facture d'acompte", 0), "facture d'acompte", "factures d'acompte")]
    kinds = [k for k, n in zip(kinds, (by_type.get("Facture", 0), by_type.get("Facture d'acompte", 0)), strict=True) if n]
    line = f"{plural(len(rows), 'pièce')} : {', '.join(kinds)}"
    if drafts:
        line += f" (dont {plural(drafts, 'brouillon')})"
    print(line + ".")
    if credits:
        shown = ", ".join(credits[:8]) + (" …" if len(credits) > 8 else "")
        print(f"{plural(len(credits), 'numéro')} de la même série "
              f"{'est un avoir' if len(credits) == 1 else 'sont des avoirs'} : {shown} (voir syc avoir liste).")
    return 0


def cmd_invoice_list(ctx: Context) -> int:
    return _doc_list(ctx, False)


def cmd_credit_list(ctx: Context) -> int:
    return _doc_list(ctx, True)


# --------------------------------------------------------------------------- reglement
def cmd_payment(ctx: Context) -> int:
    from pyxl.services.payments import receive

    a = ctx.args
    return apply(ctx, lambda store: receive(store, a.montant, a.mode, ctx.as_of, client=a.client, documents=a.facture,
                                            reference=a.reference, bank=a.banque, drawer=a.tireur))


def cmd_payment_cancel(ctx: Context) -> int:
    from pyxl.services.payments import cancel_payment

    a = ctx.args
    bounced = True if a.impaye else (False if a.erreur else None)
    return apply(ctx, lambda store: cancel_payment(store, a.id, a.motif, ctx.as_of, bounced=bounced,
                                                   charges_text=a.frais))


def cmd_credit_balance_list(ctx: Context) -> int:
    from pyxl.services import payments
    from pyxl.services.salesdocs import client_name

    store = ctx.store()
    names = {str(c["code"]): client_name(c) for c in store.rows("tClients")}
    found = sorted(payments.credits(store).items())
    data: list[dict[str, Any]] = [{"client": code, "nom": names.get(code, ""), "credit": amount}
                                  for code, amount in found]
    if ctx.json:
        out(ctx, data={"credits": data})
        return 0
    if not data:
        out(ctx, "Aucun client n'a de crédit.")
        return 0
    out(ctx, text_table([[d["client"], d["nom"], euros(d["credit"])] for d in data], ["Client", "Nom", "Crédit"])
        + f"\n{plural(len(data), 'client')} ; total {euros(sum((d['credit'] for d in data), Decimal(0)))}.")
    return 0


def cmd_credit_use(ctx: Context) -> int:
    from pyxl.services.payments import use_credit

    a = ctx.args
    return apply(ctx, lambda store: use_credit(store, a.client, a.facture, ctx.as_of, a.montant))


def cmd_refund(ctx: Context) -> int:
    from pyxl.services.payments import refund

    a = ctx.args
    return apply(ctx, lambda store: refund(store, a.client, a.montant, a.mode, a.motif, ctx.as_of))


def cmd_payment_list(ctx: Context) -> int:
    from pyxl.services import penalties
    from pyxl.services.invoices import get_doc

    store = ctx.store()
    if ctx.args.facture and penalties.is_note_number(ctx.args.facture):
        note = penalties.get_note(store, ctx.args.facture)
        rows = store.rows_where("tReglements", "invoice", {str(note["number"])})
    elif ctx.args.facture:
        doc = get_doc(store, ctx.args.facture)
        rows = store.rows_where("tReglements", "invoice", {str(doc["number"])}) if doc["number"] else []
    else:
        rows = store.rows("tReglements")
    if ctx.args.client:
        rows = [r for r in rows if str(r["client"]).upper() == ctx.args.client.strip().upper()]
    if ctx.args.non_remis:
        reversed_ids = {str(r["cancels"]) for r in store.rows("tReglements") if r["cancels"]}
        rows = [r for r in rows if r["mode"] in ("Chèque", "CB") and not r["cancels"] and (r["amount"] or 0) > 0
                and not r.get("slip") and str(r["id"]) not in reversed_ids
                and (r.get("kind") or "Encaissement") == "Encaissement"]
    cancelled = {str(r["cancels"]): str(r["id"]) for r in rows if r["cancels"]}
    if ctx.json:
        out(ctx, data={"reglements": [{**_jsonable(r.values), "annule_par": cancelled.get(str(r["id"]), "")}
                                      for r in rows]})
        return 0
    if not rows:
        print("Aucun règlement.")
        return 0
    print(text_table([[r["id"], _d(r["date"]), r["invoice"] or "", r["client"] or "", r["mode"] or "", euros(r["amount"]),
                   (f"annule {r['cancels']} : {r['reason']}" if r["cancels"] else
                    f"annulé par {cancelled[str(r['id'])]}" if str(r["id"]) in cancelled else r["reference"] or "")]
                  for r in rows],
                     ["N°", "Date", "Facture", "Client", "Mode", "Montant", "Référence / annulation"]))
    print(plural(len(rows), "règlement") + ".")
    return 0
