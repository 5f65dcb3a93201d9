"""`syc bordereau` (cheque deposit slips, card batches) and `syc banque` (statements: import,
list, reconcile). Thin: parse, call `pyxl.services.slips` / `pyxl.services.bank`, apply, report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from pyxl.cli import Context, out
from pyxl.cli.common import Common, euros, group, leaf, plural, text_table
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg


def register(sub: Any, common: Common) -> None:
    g = group(sub, "bordereau", "bordereaux de remise : chèques reçus à déposer en banque, lots de cartes bancaires",
              common)
    p = leaf(g, "creer", "rassembler les chèques (ou les paiements par carte) pas encore remis sur un bordereau "
                         "numéroté, et l'imprimer", common, cmd_slip_create,
             "Exemples : syc bordereau creer ; syc bordereau creer --banque \"LCL Lyon Brotteaux\" ; "
             "syc bordereau creer --mode cb. Un chèque n'est jamais sur deux bordereaux.")
    p.add_argument("--mode", metavar="cheque|cb", default="cheque", help="chèques (défaut) ou paiements par carte")
    p.add_argument("--banque", metavar="TEXTE", default="",
                   help="banque de remise imprimée (défaut : « banque_remise » des Paramètres)")
    p.add_argument("--sans-document", action="store_true", help="ne pas produire le PDF")
    p = leaf(g, "voir", "un bordereau et ses chèques", common, cmd_slip_show)
    p.add_argument("numero", metavar="NUM")
    leaf(g, "liste", "les bordereaux, remis ou crédités", common, cmd_slip_list)
    p = leaf(g, "imprimer", "produire (ou retrouver) le PDF d'un bordereau, jamais remplacé une fois produit", common,
             cmd_slip_print)
    p.add_argument("numero", metavar="NUM")

    g = group(sub, "banque", "relevés bancaires : importer, lister, rapprocher des pièces", common)
    p = leaf(g, "importer", "importer un relevé (CAMT.053, OFX, CFONB 120, CSV) : seules les lignes nouvelles "
                            "sont ajoutées", common, cmd_bank_import,
             "Exemples : syc banque importer releve.xml ; syc banque importer export.csv --profil credit-agricole "
             "--compte FR7630006000011234567890189. Un fichier illisible est refusé en entier.")
    p.add_argument("fichier", metavar="FICHIER")
    p.add_argument("--format", metavar="camt|ofx|cfonb|csv", default="", help="forcer le format (défaut : reconnu)")
    p.add_argument("--profil", metavar="NOM", default="",
                   help="CSV : profil de la banque (credit-agricole, credit-mutuel, bnp, societe-generale, bpce, "
                        "lcl, banque-postale) ; défaut : reconnu à l'en-tête")
    p.add_argument("--compte", metavar="IBAN", default="", help="CSV : le compte du relevé, quand le fichier ne le dit pas")
    p = leaf(g, "liste", "les lignes de relevé importées", common, cmd_bank_list)
    p.add_argument("--non-rapproche", action="store_true", help="seulement les lignes à rapprocher")
    p = leaf(g, "ignorer", "mettre de côté une ligne qui n'est pas le paiement d'un client (frais bancaires, "
                           "prélèvement d'un fournisseur…), avec son motif", common, cmd_bank_set_aside,
             "Exemple : syc banque ignorer L2026-000007 --motif \"Frais de tenue de compte\". La ligne quitte les "
             "lignes à rapprocher ; « syc banque reprendre ID » l'y remet.")
    p.add_argument("id", metavar="ID")
    p.add_argument("--motif", metavar="TEXTE", required=True, help="pourquoi la ligne est mise de côté")
    p = leaf(g, "reprendre", "remettre parmi les lignes à rapprocher une ligne ignorée", common, cmd_bank_take_back)
    p.add_argument("id", metavar="ID")
    p = leaf(g, "rapprocher", "rapprocher les lignes des factures, notes de pénalités, bordereaux et lots de carte",
             common, cmd_bank_reconcile,
             "Sans option : les correspondances exactes, proposées (avec leur score) et ambiguës, et ce qui reste "
             "sans correspondance des deux côtés ; rien n'est écrit. --tout-exact confirme les exactes ; "
             "--confirmer L2026-000004 confirme la meilleure proposition d'une ligne, --confirmer "
             "L2026-000004=F2026-00012,F2026-00013 la rapproche de ces pièces.")
    p.add_argument("--confirmer", metavar="ID", nargs="+", default=[], help="lignes à confirmer (ID ou ID=PIÈCE,…)")
    p.add_argument("--tout-exact", action="store_true", help="confirmer toutes les correspondances exactes")
    p = leaf(g, "acompte", "encaisser un acompte lu sur le relevé : la facture d'acompte du montant de la ligne, "
                           "établie et émise, réglée par la ligne (art. 289 I-1-c du CGI)", common, cmd_bank_deposit,
             "Exemples : syc banque acompte L2026-000004=BC2026-0012 ; syc banque acompte L2026-000004 (la commande "
             "ou le devis que le rapprochement propose). Un devis accepté passe d'abord en commande ; le délai de 7 "
             "jours d'un contrat signé hors établissement s'applique. Le mode du règlement est celui que dit la ligne "
             "(code d'opération de la banque, sinon son libellé : virement, chèque, carte) ; les remises de chèques "
             "ou de cartes ne sont pas des acomptes, sauf --mode.")
    p.add_argument("ligne", metavar="ID[=PIÈCE]", help="la ligne de relevé, et la commande ou le devis accepté payé")
    p.add_argument("--mode", metavar="MODE", help="virement | cheque | cb | especes : remplace le mode lu sur la ligne")
    p.add_argument("--sans-document", action="store_true", help="ne pas produire le PDF de la facture d'acompte")


# --------------------------------------------------------------------------- bordereau
def cmd_slip_create(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services import slips

    a = ctx.args
    return apply_with_documents(ctx, lambda store: slips.create(store, ctx.as_of, a.mode, a.banque),
                                lambda res: [("bordereau", res.data["numero"])])


def cmd_slip_show(ctx: Context) -> int:
    from pyxl.services import slips

    data = slips.detail(ctx.store(), ctx.args.numero)
    if ctx.json:
        out(ctx, data=data)
        return 0
    s = data["bordereau"]
    head = (f"Bordereau {s['numero']} du {date_fr(s['date'])} ({s['mode']}) — {s['banque'] or 'banque non indiquée'} : "
            f"{plural(s['nombre'], 'paiement')}, total {euros(s['total'])} ; {s['statut']}"
            + (f" le {date_fr(s['credite_le'])} (ligne {s['ligne_releve']})" if s["credite_le"] else "")
            + (f", commission {euros(s['commission'])}" if s["commission"] is not None else "") + ".")
    rows = [[c["date"] and date_fr(c["date"]), c["banque"] or "", c["tireur"] or c["nom"] or "", c["numero_cheque"],
             f"{c['nom']} ({c['client']})", euros(c["montant"])] for c in s["cheques"]]
    out(ctx, head + "\n" + text_table(rows, ["Date", "Banque", "Tireur", "N° de chèque", "Client", "Montant"]))
    return 0


def cmd_slip_list(ctx: Context) -> int:
    from pyxl.services import slips

    data = [slips.slip_json(r) for r in ctx.store().rows("tBordereaux")]
    if ctx.json:
        out(ctx, data={"bordereaux": data})
        return 0
    if not data:
        out(ctx, "Aucun bordereau.")
        return 0
    rows = [[d["numero"], date_fr(d["date"]), d["mode"], d["banque"], str(d["nombre"]), euros(d["total"]), d["statut"],
             date_fr(d["credite_le"]) if d["credite_le"] else ""] for d in data]
    out(ctx, text_table(rows, ["Numéro", "Date", "Mode", "Banque", "Nombre", "Total", "Statut", "Crédité le"]))
    return 0


def cmd_slip_print(ctx: Context) -> int:
    from pyxl.cli import fail
    from pyxl.documents import jobs

    store = ctx.store()
    planned = jobs.plan(store, ctx.book, "bordereau", ctx.args.numero, ctx.as_of)
    done = jobs.produce(ctx.book, [planned], store=store)
    if done.warnings and not done.written and not done.kept:
        return fail(done.warnings, ctx.json)
    out(ctx, "\n".join(done.lines(ctx.book.parent)), done.json(), done.warnings)
    return 0


# --------------------------------------------------------------------------- banque
def cmd_bank_import(ctx: Context) -> int:
    from pyxl.cli.common import apply
    from pyxl.services import bank

    a = ctx.args
    path = Path(a.fichier)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Refused(Issue("releve.fichier", msg("releve.illisible", name=path, error=exc.strerror or exc),
                            str(path))) from None
    def service(store: Any) -> Any:
        res = bank.import_statement(store, data, path.name, ctx.as_of, a.format, a.profil, a.compte)
        res.data["fichier"] = str(path.resolve())
        return res

    return apply(ctx, service)


def cmd_bank_list(ctx: Context) -> int:
    from pyxl.services import bank

    data = bank.list_lines(ctx.store(), ctx.args.non_rapproche)
    if ctx.json:
        out(ctx, data={"lignes": data})
        return 0
    if not data:
        out(ctx, "Aucune ligne de relevé" + (" à rapprocher." if ctx.args.non_rapproche else "."))
        return 0
    rows = [[d["id"], date_fr(d["date"]), euros(d["montant"]), d["statut"], d["rapprochee_avec"] or d["motif"] or "",
             d["libelle"]] for d in data]
    out(ctx, text_table(rows, ["N°", "Date", "Montant", "Statut", "Rapprochée avec / motif", "Libellé"]) + "\n"
        + plural(len(data), "ligne") + ".")
    return 0


def cmd_bank_set_aside(ctx: Context) -> int:
    from pyxl.cli.common import apply
    from pyxl.services import bank

    return apply(ctx, lambda store: bank.set_aside(store, ctx.args.id, ctx.args.motif, ctx.as_of))


def cmd_bank_take_back(ctx: Context) -> int:
    from pyxl.cli.common import apply
    from pyxl.services import bank

    return apply(ctx, lambda store: bank.take_back(store, ctx.args.id, ctx.as_of))


def cmd_bank_reconcile(ctx: Context) -> int:
    """Read, match; with a confirmation, one change set under one lock: the slips and batches
    credited, each transfer recorded as a payment, the lines reconciled, the closures due."""
    from pyxl.services import bank, closures

    a = ctx.args
    store = ctx.store()
    made: list[dict[str, Any]] = []
    recorded: list[str] = []
    with store.session():
        now = dt.datetime.now()  # under the lock: the journal's times follow its order
        store.check_version()
        rec = bank.reconcile(store, ctx.as_of, a.confirmer, a.tout_exact)
        res = rec.result
        recorded = bank.record_transfers(store, rec, ctx.as_of)
        if not res.changes.empty:
            made = closures.pending(store, res.changes, ctx.as_of, now)
            if made:
                closures.write_missing(store, made)
            store.apply(res.changes, as_of=ctx.as_of, now=now)
    if made:
        closures.write_files(ctx.book, made)
        closures.note(res, made)
    text = res.message
    if not ctx.json:
        text += "\n" + _report(res.data)
        if recorded:
            text += "\n" + "\n".join(recorded)
    out(ctx, text, res.data, res.warnings)
    return 0


def cmd_bank_deposit(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services import bank

    line, _, number = str(ctx.args.ligne).partition("=")
    try:
        return apply_with_documents(ctx, lambda store: bank.deposit_from_line(store, line, number, ctx.as_of,
                                                                                   ctx.args.mode),
                                    lambda res: [("facture", str(res.data["facture_acompte"]))])
    except Refused as exc:  # a slip's or a batch's line: the command line says how to give the mode
        raise Refused([dataclasses.replace(i, message=i.message + msg("banque.acompte.lot.cli", id=line))
                       if i.code == "banque.acompte.lot" else i for i in exc.issues]) from None


def _report(data: dict[str, Any]) -> str:
    parts = []
    for key, title in (("exactes", "Correspondances exactes"), ("proposees", "Propositions"),
                       ("ambigues", "Ambiguës (plusieurs pièces à égalité)")):
        if data[key]:
            rows = []
            for m in data[key]:
                for n, c in enumerate(m["candidats"]):
                    rows.append([m["id"] if n == 0 else "", date_fr(m["date"]) if n == 0 else "",
                                 euros(m["montant"]) if n == 0 else "", ", ".join(c["pieces"]), str(c["score"]),
                                 " ; ".join(c["raisons"])])
            parts.append(f"{title} :\n" + text_table(rows, ["Ligne", "Date", "Montant", "Pièces", "Score", "Raisons"]))
    if data["lignes_non_rapprochees"]:
        rows = [[d["id"], date_fr(d["date"]), euros(d["montant"]), d["libelle"]] for d in data["lignes_non_rapprochees"]]
        parts.append("Lignes sans correspondance :\n" + text_table(rows, ["Ligne", "Date", "Montant", "Libellé"]))
    if data["attendus_non_rapproches"]:
        rows = [[d["type"], d["numero"], d["client"] or "", euros(d["montant"])] for d in data["attendus_non_rapproches"]]
        parts.append("Attendus sans ligne :\n" + text_table(rows, ["Type", "Numéro", "Client", "Montant"]))
    if data.get("confirmees"):
        parts.append("Confirmées : " + " ; ".join(f"{c['ligne']} → {', '.join(c['pieces'])}"
                                                  + (f" (règlement {c['reglement']})" if c["reglement"] else "")
                                                  for c in data["confirmees"]))
    return "\n\n".join(parts)


__all__ = ["register"]
