"""`syc contrat`: maintenance contracts, the visits due, the renewal notices and their alarms."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from pyxl.cli import Context, out
from pyxl.cli.common import Common, apply, date_arg, euros, group, leaf, plural, show_record, text_table
from pyxl.core.frformat import date_fr


def register(sub: Any, common: Common) -> None:
    g = group(sub, "contrat", "contrats d'entretien : visites dues, attestations, avis de reconduction", common)
    p = leaf(g, "creer", "créer un contrat d'entretien", common, cmd_create)
    p.add_argument("--client", required=True, metavar="CODE")
    _options(p, required=True)
    p.add_argument("--debut", required=True, metavar="AAAA-MM-JJ")
    p.add_argument("--reconduction", metavar="AAAA-MM-JJ", help="première reconduction (défaut : un an après le début)")
    p = leaf(g, "liste", "lister les contrats", common, cmd_list)
    p.add_argument("--statut", default="", help="actif | resilie")
    p = leaf(g, "voir", "afficher un contrat", common, cmd_show)
    p.add_argument("numero", metavar="NUMERO")
    p = leaf(g, "modifier", "modifier un contrat", common, cmd_modify)
    p.add_argument("numero", metavar="NUMERO")
    _options(p, required=False)
    p = leaf(g, "resilier", "résilier un contrat (ses visites à venir sont annulées)", common, cmd_terminate)
    p.add_argument("numero", metavar="NUMERO")
    p.add_argument("--date", type=date_arg, metavar="AAAA-MM-JJ", help="date de fin (défaut : --au)")
    p.add_argument("--motif", required=True)
    p = leaf(g, "visites", "visites dues dans le mois, avec des créneaux proposés", common, cmd_visits)
    p.add_argument("--mois", required=True, metavar="AAAA-MM")
    p.add_argument("--nombre", type=int, default=1, metavar="N", help="créneaux proposés par visite (défaut : 1)")
    p = leaf(g, "facturer", "factures des contrats dont la période commence dans le mois (devis accepté, commande "
                            "et facture émise)", common, cmd_invoice)
    p.add_argument("--mois", required=True, metavar="AAAA-MM")
    p.add_argument("--contrat", default="", metavar="NUMERO", help="ce contrat seulement")
    p.add_argument("--sans-document", action="store_true", help="ne pas produire les PDF des factures")
    p = leaf(g, "avis", "avis de reconduction à envoyer (art. L215-1 C. conso) et alarmes", common, cmd_notices)
    p.add_argument("--mois", default="", metavar="AAAA-MM", help="avis dont la période d'envoi touche ce mois")
    p.add_argument("--envoyer", action="store_true", help="préparer les avis (.eml) et noter leur envoi aujourd'hui")
    p = leaf(g, "attestation", "attestation d'entretien d'une visite (PDF) et sa date de remise", common,
             cmd_attestation)
    p.add_argument("id", metavar="ID", help="intervention de la visite")
    p.add_argument("--remise", type=date_arg, metavar="AAAA-MM-JJ", help="date de remise (défaut : --au)")


def _options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--equipement", required=required, metavar="CATEGORIE",
                   help="chaudiere-gaz | chaudiere-fioul | chaudiere-thpe | pac-air-eau | pac-eau-eau | pac-geothermique "
                        "| chauffe-eau-thermodynamique | pac-air-air | biomasse | …")
    p.add_argument("--marque")
    p.add_argument("--modele")
    p.add_argument("--puissance", metavar="KW", help="puissance en kW (obligatoire pour une pompe à chaleur)")
    p.add_argument("--mise-en-service", metavar="AAAA-MM-JJ")
    p.add_argument("--formule", required=required, help="ex. Essentiel, Confort (dépannage compris)")
    p.add_argument("--prix-ht", required=required, metavar="M", help="prix annuel HT")
    p.add_argument("--facturation", help="annuelle | mensuelle")
    p.add_argument("--tacite", metavar="OUI_NON", help="reconduction tacite (défaut : oui)")
    p.add_argument("--preavis", metavar="JOURS", help="préavis de non-reconduction du client (défaut : 30 jours)")
    p.add_argument("--protege", metavar="OUI_NON",
                   help="avis de reconduction obligatoire (défaut : oui pour un particulier ; oui aussi pour un "
                        "syndicat de copropriété ou une association, art. L215-3)")
    p.add_argument("--logement-plus-2-ans", metavar="OUI_NON",
                   help="locaux d'habitation achevés depuis plus de deux ans : TVA réduite des factures du contrat")
    p.add_argument("--remarques")


def _input(args: argparse.Namespace) -> Any:
    from pyxl.services.contracts import ContractInput

    return ContractInput(client=getattr(args, "client", None), category=args.equipement, brand=args.marque,
                         model=args.modele, power_kw=args.puissance, installed_on=args.mise_en_service,
                         formula=args.formule, price_ht=args.prix_ht, billing=args.facturation,
                         start=getattr(args, "debut", None), anniversary=getattr(args, "reconduction", None),
                         tacit=args.tacite, notice_days=args.preavis, protected=args.protege, notes=args.remarques,
                         housing=args.logement_plus_2_ans)


def cmd_create(ctx: Context) -> int:
    from pyxl.services.contracts import create_contract

    return apply(ctx, lambda store: create_contract(store, _input(ctx.args), ctx.as_of))


def cmd_modify(ctx: Context) -> int:
    from pyxl.services.contracts import contract_json, get_contract, modify_contract

    def record(result: Any) -> None:
        result.data["contrat"] = contract_json(get_contract(ctx.store(), str(result.data["numero"])))

    return apply(ctx, lambda store: modify_contract(store, ctx.args.numero, _input(ctx.args)), record)


def cmd_list(ctx: Context) -> int:
    from pyxl.services.contracts import contract_json, list_contracts

    rows = list_contracts(ctx.store(), ctx.args.statut)
    if ctx.json:
        out(ctx, data={"contrats": [contract_json(r) for r in rows]})
    elif not rows:
        print("Aucun contrat d'entretien. Créez-en un : syc contrat creer --help")
    else:
        print(text_table([[str(r["number"]), str(r["status"]), str(r["client"]), str(r["client_name"] or ""),
                           str(r["category"]), str(r["formula"] or ""), euros(r["price_ht"]), date_fr(r["start"]),
                           date_fr(r["anniversary"])] for r in rows],
                         ["Contrat", "Statut", "Client", "Nom", "Équipement", "Formule", "Prix HT", "Début",
                          "Reconduction"]))
        print(plural(len(rows), "contrat") + ".")
    return 0


def cmd_show(ctx: Context) -> int:
    from pyxl.services.contracts import contract_json, get_contract
    from pyxl.workbook.schema import T_CONTRACTS

    return show_record(ctx, get_contract(ctx.store(), ctx.args.numero), T_CONTRACTS, "contrat", contract_json)


def cmd_terminate(ctx: Context) -> int:
    from pyxl.services.contracts import terminate_contract

    a = ctx.args
    return apply(ctx, lambda store: terminate_contract(store, a.numero, a.date or ctx.as_of, a.motif, ctx.as_of))


def cmd_visits(ctx: Context) -> int:
    from pyxl.services.contracts import visits_due

    if not 1 <= ctx.args.nombre <= 10:
        from pyxl.cli import UsageError

        raise UsageError("syc contrat visites : --nombre entre 1 et 10")
    return apply(ctx, lambda store: visits_due(store, ctx.args.mois, ctx.as_of, ctx.args.nombre))


def cmd_invoice(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services.contract_billing import invoice_contracts

    def documents(result: Any) -> list[tuple[str, str]]:
        return [("facture", str(f["facture"])) for f in result.data.get("factures", [])]

    return apply_with_documents(ctx, lambda store: invoice_contracts(store, ctx.args.mois, ctx.as_of, ctx.args.contrat),
                                documents)


def cmd_notices(ctx: Context) -> int:
    from pyxl.services.contracts import notices

    if not ctx.args.envoyer:
        store = ctx.store()
        store.check_version()
        result = notices(store, ctx.as_of, ctx.args.mois)
        out(ctx, result.message, result.data, result.warnings)
        return 0

    def after(result: Any) -> None:
        from pyxl.documents.contract_docs import notice_documents, write_notices

        store = ctx.store()
        paths = notice_documents(ctx.book, store, result.data["avis"], ctx.as_of)
        paths += write_notices(ctx.book, store, result.data["avis"], dt.datetime.now().astimezone())
        result.data["documents"] = [str(p) for p in paths]

    return apply(ctx, lambda store: notices(store, ctx.as_of, ctx.args.mois, send=True), after)


def cmd_attestation(ctx: Context) -> int:
    from pyxl.services.contracts import record_attestation

    def after(result: Any) -> None:
        from pyxl.documents.contract_docs import attestation_document

        paths = attestation_document(ctx.book, ctx.store(), str(result.data["id"]))
        result.data["documents"] = [str(p) for p in paths]
        result.message += "\n" + "\n".join(f"Attestation : {p}" for p in paths)

    return apply(ctx, lambda store: record_attestation(store, ctx.args.id, ctx.args.remise or ctx.as_of, ctx.as_of),
                 after)
