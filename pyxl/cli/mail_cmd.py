"""`syc publipostage` (one letter to a filtered list of clients) and `syc envois liste` (the
« Journal des envois »). Thin handlers: parse, call pyxl.documents.merge / read the journal, report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pyxl.cli import Context, out
from pyxl.cli.common import Common, date_arg, group, leaf, plural, text_table
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg

EPILOG = ("Exemples :\n"
          "  syc publipostage --modele lettre --objet \"Entretien annuel\" --texte entretien.txt "
          "--cp 69 --sans-intervention-depuis 2025-01-01\n"
          "  syc publipostage --modele modeles/relance.docx --solde-du --type professionnel\n"
          "Les filtres se cumulent ; une même option répétée (--cp 69 --cp 38) vaut « l'un ou l'autre ».")


def register(sub: Any, common: Common) -> None:
    import argparse

    p = sub.add_parser("publipostage", help="une lettre à une sélection de clients (un PDF par client et un PDF "
                                            "à imprimer)",
                       description="Remplit un modèle de lettre (.docx) pour chaque client sélectionné : un PDF "
                                   "par client et un PDF unique de toutes les lettres, à imprimer (adresse "
                                   "placée pour une enveloppe DL à fenêtre). Chaque lettre est notée au Journal "
                                   "des envois.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(p)
    p.set_defaults(handler=cmd_merge)
    p.add_argument("--modele", required=True, metavar="FICHIER",
                   help="modèle de lettre .docx, ou « lettre » (la lettre type livrée)")
    p.add_argument("--objet", default="", metavar="TEXTE", help="objet de la lettre (nomme aussi les fichiers)")
    p.add_argument("--texte", metavar="FICHIER",
                   help="fichier texte (UTF-8) du corps de la lettre : paragraphes séparés par une ligne vide")
    f = p.add_argument_group("filtres")
    f.add_argument("--type", default="", help="particulier | professionnel")
    f.add_argument("--ville", action="append", default=[], help="commune (répétable)")
    f.add_argument("--cp", action="append", default=[], metavar="DEBUT",
                   help="début du code postal, ex. 69 ou 69003 (répétable)")
    f.add_argument("--secteur", action="append", default=[], help="secteur géographique (répétable)")
    f.add_argument("--client", action="append", default=[], metavar="CODE", help="un client précis (répétable)")
    f.add_argument("--solde-du", action="store_true", help="seulement les clients qui doivent encore de l'argent")
    f.add_argument("--sans-intervention-depuis", metavar="AAAA-MM-JJ", type=date_arg,
                   help="sans intervention réalisée depuis cette date (ou jamais)")
    f.add_argument("--sans-facture-depuis", metavar="AAAA-MM-JJ", type=date_arg,
                   help="sans facture depuis cette date (ou jamais)")
    f.add_argument("--commercial", action="store_true",
                   help="lettre commerciale (par défaut) : exclut les clients opposés à la prospection et rappelle "
                        "le droit de s'y opposer")
    f.add_argument("--information", action="store_true",
                   help="courrier d'information, pas de la prospection (ex. obligation d'entretien, changement "
                        "d'adresse) : envoyé aussi aux clients opposés à la prospection")
    f.add_argument("--inactifs-aussi", action="store_true", help="inclure les clients marqués inactifs")
    p.add_argument("--simuler", action="store_true", help="lister les clients retenus, sans rien produire")

    g = group(sub, "envois", "journal des envois (e-mails, courriers, publipostages)", common)
    p = leaf(g, "liste", "lister les envois (les plus récents en dernier)", common, cmd_sendings_list)
    p.add_argument("--client", default="", metavar="CODE", help="d'un client")
    p.add_argument("--piece", default="", metavar="NUM", help="d'une pièce (devis, facture…)")
    p.add_argument("--echecs", action="store_true", help="seulement les envois en échec")


def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise Refused(Issue("publipostage.texte", f"Fichier de texte « {path} » introuvable.", "--texte")) from None
    except UnicodeDecodeError:
        raise Refused(Issue("publipostage.texte", f"Le fichier « {path} » n'est pas un texte UTF-8 : enregistrez-le "
                                                  "en UTF-8 (Bloc-notes : Enregistrer sous → Encodage UTF-8).",
                            "--texte")) from None


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def cmd_merge(ctx: Context) -> int:
    from pyxl.cli.progress import Bar
    from pyxl.documents import merge
    from pyxl.documents.render import ConversionError

    a = ctx.args
    filters = merge.parse_filters(
        kind=a.type, towns=a.ville, postcodes=a.cp, sectors=a.secteur, codes=a.client, balance_due=a.solde_du,
        no_job_since=a.sans_intervention_depuis, no_invoice_since=a.sans_facture_depuis, commercial=not a.information,
        inactive_too=a.inactifs_aussi)
    paragraphs = merge.paragraphs_of(_read_text(a.texte)) if a.texte else []
    template = merge.template_file(a.modele, ctx.book.parent)
    try:
        with Bar("Publipostage", quiet=ctx.json) as bar:
            res = merge.run(ctx.book, template, filters, subject=a.objet.strip(), paragraphs=paragraphs,
                            as_of=ctx.as_of, now=dt.datetime.now(), simulate=a.simuler, progress=bar,
                            store=ctx.store() if ctx.base else None)  # a base: read and journaled in it
    except ConversionError as exc:
        raise Refused(Issue("publipostage.pdf", msg("publipostage.pdf", error=exc), "PDF")) from None
    base = ctx.book.parent
    lines = []
    if a.simuler:
        n = len(res.chosen)
        lines.append(f"{plural(n, 'client')} {'retenus' if n > 1 else 'retenu'} (simulation, rien n'a été produit) :")
        lines += [f"  {r.code}  {r.name or ''} {r.first_name or ''}".rstrip() + f" — {r.postcode or ''} "
                  f"{r.city or ''}" for r in res.chosen]
    else:
        n = len(res.letters)
        lines.append(f"{plural(n, 'lettre')} {'écrites' if n > 1 else 'écrite'}.")
        if res.combined is not None:
            lines.append(f"À imprimer : {_rel(res.combined, base)}")
        if res.letters:
            lines.append(f"Une lettre par client dans : {_rel(res.letters[0].parent, base)}")
    if res.refused_marketing:
        codes = ", ".join(str(r.code) for r in res.refused_marketing)
        n = len(res.refused_marketing)
        lines.append(f"{plural(n, 'client')} {'exclus, opposés' if n > 1 else 'exclu, opposé'} à la prospection : "
                     f"{codes}")
    data = res.json()
    data["simulation"] = bool(a.simuler)
    out(ctx, "\n".join(lines), data, res.warnings)
    return 0


def cmd_sendings_list(ctx: Context) -> int:
    from pyxl.workbook.schema import T_SENDINGS

    a = ctx.args
    store = ctx.store()
    store.check_version()
    rows = store.rows(T_SENDINGS.name)
    if a.client:
        rows = [r for r in rows if str(r["client"] or "").casefold() == a.client.strip().casefold()]
    if a.piece:
        rows = [r for r in rows if str(r["doc"] or "").casefold() == a.piece.strip().casefold()]
    if a.echecs:
        rows = [r for r in rows if r["result"] == "Échec"]
    if ctx.json:
        out(ctx, data={"envois": [{c.key: r.get(c.key) for c in T_SENDINGS.columns} | {"ou": r.where}
                                  for r in rows]})
        return 0
    if not rows:
        print("Aucun envoi.")
        return 0
    print(text_table([[str(r["at"] or "").replace("T", " "), str(r["doc"] or ""), str(r["client"] or ""),
                   str(r["channel"] or ""), str(r["result"] or ""), str(r["recipient"] or ""),
                   str(r["error"] or r["files"] or "")] for r in rows],
                     ["Date et heure", "Pièce", "Client", "Canal", "Résultat", "Destinataire", "Fichiers / erreur"]))
    return 0
