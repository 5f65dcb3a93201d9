"""Subcommands of `syc` for the store issue: init, parametres, secteur, client, article,
verifier, sauvegardes, migrer. Each handler is thin: parse, call a service, apply, report."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pyxl.cli import Context, UsageError, out
from pyxl.cli.common import (
    SPACE,
    Common,
    apply,
    date_arg,
    euros,
    group,
    leaf,
    percent,
    plural,
    show_record,
    text_table,
)
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg


def register(sub: Any, common: Common) -> None:
    # init
    p = leaf(sub, "init", "créer un classeur neuf", common, cmd_init,
             "Crée SYC_Gestion.xlsm (vierge, ou avec des données d'exemple avec --demo).")
    p.add_argument("--demo", action="store_true", help="remplir avec des clients, articles et secteurs d'exemple")
    p.add_argument("--force", action="store_true", help="remplacer un classeur existant (il est sauvegardé avant)")

    # parametres
    g = group(sub, "parametres", "voir ou modifier les paramètres de l'entreprise", common)
    leaf(g, "voir", "afficher les paramètres", common, cmd_params_view)
    p = leaf(g, "modifier", "modifier un paramètre", common, cmd_params_modify,
             "Modifie un paramètre : syc parametres modifier siret \"732 829 320 00074\"")
    p.add_argument("cle", metavar="CLE", help="code du paramètre (voir syc parametres voir)")
    p.add_argument("valeur", metavar="VALEUR", help="nouvelle valeur (vide : \"\")")

    # secteur
    g = group(sub, "secteur", "secteurs géographiques (début de code postal → secteur)", common)
    p = leaf(g, "ajouter", "ajouter un secteur", common, cmd_sector_add)
    p.add_argument("--prefixe", required=True, help="début de code postal, ex. 69 ou 6900")
    p.add_argument("--nom", required=True, help="nom du secteur")
    p.add_argument("--remarques", default="", help="remarque libre")
    leaf(g, "liste", "lister les secteurs", common, cmd_sector_list)

    # client
    g = group(sub, "client", "fichier clients", common)
    p = leaf(g, "ajouter", "créer un client", common, cmd_client_add)
    _client_options(p, required=True)
    p = leaf(g, "liste", "lister les clients", common, cmd_client_list)
    p.add_argument("--recherche", default="", help="filtrer sur le code, le nom, la ville, l'e-mail…")
    p = leaf(g, "voir", "afficher un client", common, cmd_client_show)
    p.add_argument("code", metavar="CODE")
    p = leaf(g, "modifier", "modifier un client", common, cmd_client_modify)
    p.add_argument("code", metavar="CODE")
    _client_options(p, required=False)

    # article
    g = group(sub, "article", "catalogue des articles", common)
    p = leaf(g, "ajouter", "créer un article", common, cmd_article_add)
    _article_options(p, required=True)
    p = leaf(g, "liste", "lister les articles", common, cmd_article_list)
    p.add_argument("--recherche", default="", help="filtrer sur le code ou la désignation")
    p = leaf(g, "voir", "afficher un article", common, cmd_article_show)
    p.add_argument("code", metavar="CODE")
    p = leaf(g, "modifier", "modifier un article", common, cmd_article_modify)
    p.add_argument("code", metavar="CODE")
    _article_options(p, required=False)

    # verifier
    leaf(sub, "verifier", "vérifier l'intégrité du classeur (journal d'audit, pièces émises)", common, cmd_verify)

    # exercice
    g = group(sub, "exercice", "exercices comptables : archivage d'un exercice clos", common)
    p = leaf(g, "archiver", "archiver un exercice clos : ses pièces soldées quittent le classeur pour "
             "Archives/, vérifiées avant", common, cmd_fiscal_archive)
    p.add_argument("--fin", metavar="AAAA-MM-JJ", type=date_arg, required=True,
                   help="dernier jour de l'exercice (un exercice n'est pas forcément une année civile)")

    # sauvegardes
    g = group(sub, "sauvegardes", "lister ou restaurer les sauvegardes automatiques", common)
    leaf(g, "liste", "lister les sauvegardes (la plus récente en premier)", common, cmd_backups_list)
    leaf(g, "faire", "faire une sauvegarde maintenant (classeur : une copie ; base : pg_dump)", common, cmd_backups_make,
         "Classeur : une copie datée dans sauvegardes/ (chaque écriture en fait déjà une). Base PostgreSQL "
         "(--base) : pg_dump de toute la base dans sauvegardes/ du dossier partagé, à restaurer avec pg_restore "
         "dans une base neuve (docs/postgresql.md).")
    p = leaf(g, "restaurer", "remplacer le classeur par une sauvegarde", common, cmd_backups_restore)
    p.add_argument("sauvegarde", metavar="N_OU_FICHIER", help="numéro dans la liste (1 = la plus récente) ou fichier")
    p.add_argument("--force", action="store_true",
                   help="restaurer même si des pièces ont été émises depuis (leurs numéros ont pu être envoyés)")

    from pyxl.cli import (
        bank_cmd,
        base_cmd,
        compta_cmd,
        contract_cmd,
        demo_cmd,
        dunning_cmd,
        excel_cmd,
        mail_cmd,
        planning_cmd,
        report_cmd,
        sales,
    )

    sales.register(sub, common)
    dunning_cmd.register(sub, common)
    demo_cmd.register(sub, common)
    excel_cmd.register(sub, common)
    report_cmd.register(sub, common)
    mail_cmd.register(sub, common)
    compta_cmd.register(sub, common)
    bank_cmd.register(sub, common)
    planning_cmd.register(sub, common)
    contract_cmd.register(sub, common)
    base_cmd.register(sub, common)

    # migrer
    p = leaf(sub, "migrer", "mettre le classeur à la version actuelle du schéma", common, cmd_migrate)
    p.add_argument("--simuler", action="store_true", help="dire ce qui serait fait, sans rien écrire")


def _client_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--nom", required=required, help="nom (particulier) ou raison sociale")
    p.add_argument("--type", required=required, help="particulier | professionnel")
    p.add_argument("--prenom", help="prénom (particulier)")
    p.add_argument("--adresse", required=required, help="numéro et rue")
    p.add_argument("--complement", metavar="TEXTE", help="complément d'adresse (bâtiment, lieu-dit…)")
    p.add_argument("--cp", required=required, help="code postal")
    p.add_argument("--ville", required=required, help="commune")
    p.add_argument("--pays", help="défaut : France")
    p.add_argument("--email", help="adresse e-mail (envoi des devis et factures)")
    p.add_argument("--tel", help="téléphone, ex. 04 72 00 00 00")
    p.add_argument("--siret", help="SIRET (14 chiffres) ou SIREN (9), obligatoire pour un professionnel")
    p.add_argument("--tva-intra", metavar="NUMERO", help="n° de TVA intracommunautaire, ex. FR44732829320")
    p.add_argument("--conditions", help="comptant | N jours nets | N jours fin de mois")
    p.add_argument("--categorie", help="commercant-artisan | autre (professionnels)")
    p.add_argument("--actif", help="oui | non")
    p.add_argument("--remarques", help="remarque libre (accès, digicode…)")
    p.add_argument("--effectif", metavar="N",
                   help="professionnel : nombre de salariés (cinq au plus : protégé hors établissement hors de son "
                        "activité principale, art. L221-3 C. conso)")
    p.add_argument("--prospection", metavar="OUI_NON",
                   help="accepte les courriers commerciaux (publipostage --commercial) : oui (défaut) | non")
    p.add_argument("--iban", metavar="IBAN",
                   help="compte du client (virements reçus, remboursements), avec ou sans espaces ; "
                        "« » (vide) l'efface")


def _article_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    if required:
        p.add_argument("--code", required=True, help="code article, ex. CHG-25")
    p.add_argument("--designation", required=required, help="libellé imprimé sur les devis et factures")
    p.add_argument("--unite", required=required, help="u | h | forfait | m | ml")
    p.add_argument("--pu-ht", required=required, help="prix unitaire HT, ex. 3221,29")
    p.add_argument("--tva", required=required, help="taux par défaut : 20 | 10 | 5,5 | 2,1 | 0")
    p.add_argument("--prix-achat", help="prix d'achat HT (pour les marges)")
    p.add_argument("--famille", help="materiel | main-oeuvre | deplacement | service")
    p.add_argument("--categorie", help="chaudiere-gaz | chaudiere-fioul | chaudiere-thpe | pac-air-eau | pac-eau-eau | "
                                       "pac-geothermique | chauffe-eau-thermodynamique | pac-air-air | biomasse | "
                                       "radiateur | piece | regulation | ballon-ecs | autre")
    p.add_argument("--actif", help="oui | non")


# --------------------------------------------------------------------------- init
def cmd_init(ctx: Context) -> int:
    from importlib import resources

    from pyxl.workbook.filestore import replace_file, write_anchor

    book = ctx.book
    if book.suffix.lower() != ".xlsm":
        raise Refused(Issue("init.suffix", f"« {book} » : le classeur doit avoir l'extension .xlsm.", str(book)))
    if book.exists() and not ctx.args.force:
        raise Refused(Issue("init.exists", f"Le classeur « {book} » existe déjà. Ajoutez --force pour le remplacer "
                                           "(il sera d'abord sauvegardé dans sauvegardes/).", str(book)))
    book.parent.mkdir(parents=True, exist_ok=True)
    source = resources.files("pyxl") / "data" / "SYC_Gestion.xlsm"
    with tempfile.TemporaryDirectory(dir=book.parent) as tmp:
        staged = Path(tmp) / book.name
        with source.open("rb") as src, open(staged, "wb") as dst:
            shutil.copyfileobj(src, dst)
        if ctx.args.demo:
            from pyxl import demo

            demo.fill(staged, ctx.as_of)
        replace_file(book, staged) if book.exists() else shutil.move(str(staged), book)
    write_anchor(book, None)  # a new workbook starts a new audit journal
    from pyxl.workbook import keyindex
    from pyxl.workbook.filestore import FileStore

    keyindex.build(FileStore(book))  # followed by every write from now on: rows found by key without a search
    from pyxl.services.closures import set_aside

    aside = set_aside(book)  # the replaced workbook's closures are records: kept, out of the way
    if ctx.args.demo:
        text = (f"Classeur avec des données d'exemple créé : {book}\n"
               "Étape suivante : syc client liste, syc article liste, syc parametres voir.")
    else:
        text = (f"Classeur vierge créé : {book}\nÉtape suivante : renseignez l'entreprise avec "
               "« syc parametres modifier raison_sociale \"…\" » (syc parametres voir pour la liste).")
    if aside:
        text += "\n" + msg("init.clotures", folder=aside)
    out(ctx, text, {"classeur": str(book), "demo": bool(ctx.args.demo)})
    return 0


# --------------------------------------------------------------------------- parametres
def cmd_params_view(ctx: Context) -> int:
    from pyxl.services.parameters import view_parameters

    items = view_parameters(ctx.store())
    if ctx.json:
        out(ctx, data={"parametres": items})
    else:
        print(text_table([[i["code"], i["parametre"], i["valeur"]] for i in items], ["Code", "Paramètre", "Valeur"],
                         cut=60))
    return 0


def cmd_params_modify(ctx: Context) -> int:
    from pyxl.services.parameters import modify_parameter

    return apply(ctx, lambda store: modify_parameter(store, ctx.args.cle, ctx.args.valeur, ctx.as_of))


# --------------------------------------------------------------------------- secteur
def cmd_sector_add(ctx: Context) -> int:
    from pyxl.services.sectors import add_sector

    return apply(ctx, lambda store: add_sector(store, ctx.args.prefixe, ctx.args.nom, ctx.args.remarques))


def cmd_sector_list(ctx: Context) -> int:
    from pyxl.services.sectors import list_sectors

    items = list_sectors(ctx.store())
    if ctx.json:
        out(ctx, data={"secteurs": items})
    elif not items:
        print("Aucun secteur. Ajoutez-en un : syc secteur ajouter --prefixe 69 --nom \"Lyon\"")
    else:
        print(text_table([[i["prefixe"], i["secteur"], i["remarques"]] for i in items],
                         ["Début CP", "Secteur", "Remarques"]))
    return 0


# --------------------------------------------------------------------------- client
def _client_input(args: argparse.Namespace) -> Any:
    from pyxl.services.clients import ClientInput

    return ClientInput(name=args.nom, kind=args.type, first_name=args.prenom, address=args.adresse,
                       address2=args.complement, postcode=args.cp, city=args.ville, country=args.pays,
                       phone=args.tel, email=args.email, siret=args.siret, vat_number=args.tva_intra,
                       category=args.categorie, terms=args.conditions, active=args.actif, notes=args.remarques,
                       marketing_mail=args.prospection, headcount=args.effectif, iban=args.iban)


def cmd_client_add(ctx: Context) -> int:
    from pyxl.services.clients import add_client

    return apply(ctx, lambda store: add_client(store, _client_input(ctx.args), ctx.as_of))


def cmd_client_modify(ctx: Context) -> int:
    from pyxl.services.clients import get_client, modify_client, to_json

    def record(result: Any) -> None:  # the client as it now is: the same object as client ajouter/voir
        result.data["client"] = to_json(get_client(ctx.store(), str(result.data["code"])).values)

    return apply(ctx, lambda store: modify_client(store, ctx.args.code, _client_input(ctx.args)),
                 record if ctx.json else None)


def cmd_client_list(ctx: Context) -> int:
    from pyxl.services.clients import display_name, list_clients, to_json

    rows = list_clients(ctx.store(), ctx.args.recherche)
    if ctx.json:
        out(ctx, data={"clients": [to_json(r.values) for r in rows]})
    elif not rows:
        print(f"Aucun client ne correspond à « {ctx.args.recherche} »." if ctx.args.recherche else
              "Aucun client. Créez-en un : syc client ajouter --help")
    else:
        print(text_table([[r["code"] + ("" if r["active"] != "Non" else " (inactif)"), display_name(r), r["kind"] or "",
                       r["postcode"] or "", r["city"] or "", r["phone"] or "", r["sector"] or ""] for r in rows],
                         ["Code", "Nom", "Type", "CP", "Ville", "Téléphone", "Secteur"]))
        print(plural(len(rows), "client") + ".")
    return 0


def cmd_client_show(ctx: Context) -> int:
    from pyxl.services.clients import get_client, to_json
    from pyxl.workbook.schema import T_CLIENTS

    return show_record(ctx, get_client(ctx.store(), ctx.args.code), T_CLIENTS, "client", to_json)


# --------------------------------------------------------------------------- article
def _article_input(args: argparse.Namespace) -> Any:
    from pyxl.services.articles import ArticleInput

    return ArticleInput(code=getattr(args, "code", None), designation=args.designation, unit=args.unite,
                        unit_price=args.pu_ht, vat_rate=args.tva, purchase_price=args.prix_achat,
                        family=args.famille, category=args.categorie, active=args.actif)


def cmd_article_add(ctx: Context) -> int:
    from pyxl.services.articles import add_article

    return apply(ctx, lambda store: add_article(store, _article_input(ctx.args), ctx.as_of))


def cmd_article_modify(ctx: Context) -> int:
    from pyxl.services.articles import get_article, modify_article, to_json

    given = _article_input(ctx.args)
    given.code = None

    def record(result: Any) -> None:  # the article as it now is: the same object as article ajouter/voir
        result.data["article"] = to_json(get_article(ctx.store(), str(result.data["code"])).values)

    return apply(ctx, lambda store: modify_article(store, ctx.args.code, given), record if ctx.json else None)


def cmd_article_list(ctx: Context) -> int:
    from pyxl.services.articles import list_articles, to_json

    rows = list_articles(ctx.store(), ctx.args.recherche)
    if ctx.json:
        out(ctx, data={"articles": [to_json(r.values) for r in rows]})
    elif not rows:
        print(f"Aucun article ne correspond à « {ctx.args.recherche} »." if ctx.args.recherche else
              "Aucun article. Créez-en un : syc article ajouter --help")
    else:
        print(text_table([[r["code"] + ("" if r["active"] != "Non" else " (inactif)"), r["designation"] or "",
                       r["unit"] or "", euros(r["unit_price"]),
                       percent(r["vat_rate"], sep=SPACE), euros(r["purchase_price"]), r["family"] or ""] for r in rows],
                         ["Code", "Désignation", "Unité", "PU HT", "TVA", "Achat HT", "Famille"]))
        print(plural(len(rows), "article") + ".")
    return 0


def cmd_article_show(ctx: Context) -> int:
    from pyxl.services.articles import get_article, to_json
    from pyxl.workbook.schema import T_ARTICLES

    return show_record(ctx, get_article(ctx.store(), ctx.args.code), T_ARTICLES, "article", to_json)


# --------------------------------------------------------------------------- verifier
def cmd_verify(ctx: Context) -> int:
    """Every table must read cleanly; then the audit chain and every issued document."""
    from pyxl.cli import fail
    from pyxl.cli.progress import Bar
    from pyxl.services.maintenance import check_everything

    store = ctx.store()
    store.check_version()
    with Bar("Vérification", quiet=ctx.json) as bar:
        issues, journal, docs = check_everything(store, progress=bar, as_of=ctx.as_of)
    if issues:
        return fail(issues, ctx.json)
    out(ctx, msg("verifier.ok", lines=plural(journal, "ligne"),
                 documents=plural(docs, "pièce vérifiée", "pièces vérifiées")),
        {"journal": journal, "pieces": docs})
    return 0


# --------------------------------------------------------------------------- sauvegardes
def cmd_backups_list(ctx: Context) -> int:
    from pyxl.workbook import backups

    items = backups.listing(ctx.book)
    if ctx.json:
        out(ctx, data={"sauvegardes": [{"n": i + 1, "fichier": str(b.path), "date": b.taken.isoformat(
            timespec="seconds"), "octets": b.size} for i, b in enumerate(items)]})
    elif not items:
        print(f"Aucune sauvegarde dans {backups.folder(ctx.book)}.")
    else:
        print(text_table([[str(i + 1), f"{date_fr(b.taken)} {b.taken:%H:%M:%S}", f"{b.size / 1024:.0f} Ko", b.path.name]
                      for i, b in enumerate(items)], ["N°", "Prise le", "Taille", "Fichier"]))
    return 0


def cmd_backups_make(ctx: Context) -> int:
    from pyxl.workbook import backups

    if ctx.base:
        from pyxl import pgbase

        path = pgbase.dump(ctx.base, ctx.book)
        what = "Sauvegarde de la base (pg_dump, format personnalisé, à restaurer avec pg_restore)"
    else:
        ctx.store().check_version()
        path = backups.backup(ctx.book)
        what = "Copie du classeur"
    out(ctx, f"{what} : {path}", {"fichier": str(path), "mode": "base" if ctx.base else "classeur"})
    return 0


def cmd_backups_restore(ctx: Context) -> int:
    from pyxl.services.closures import set_aside
    from pyxl.services.maintenance import restore_backup

    if ctx.base:
        raise Refused(Issue(
            "base.restaurer", "Une base PostgreSQL ne se restaure pas par-dessus elle-même : le rôle de migration "
            "restaure la sauvegarde dans une base neuve (createdb puis pg_restore --dbname, voir docs/postgresql.md), "
            "vérifie avec « syc base verifier », puis chaque poste change son URL.", "--base"))

    result = restore_backup(ctx.book, ctx.args.sauvegarde, force=ctx.args.force)
    message = result.message + " Pour revenir à l'état d'avant : « syc sauvegardes restaurer 1 »."
    try:  # closures made after the backup was taken: kept aside, they will be made again
        kept = {str(r["ref"]) for r in ctx.store().rows("tClotures")}
    except Refused:
        kept = None
    aside = set_aside(ctx.book, kept) if kept is not None else None
    if aside:
        message += f"\nLes clôtures faites après cette sauvegarde sont conservées dans {aside}."
    out(ctx, message, result.data, result.warnings)
    return 0


# --------------------------------------------------------------------------- exercice
def cmd_fiscal_archive(ctx: Context) -> int:
    from pyxl.services.archives import archive

    if ctx.base:  # it looked for a workbook file beside the base and said « classeur introuvable »
        raise Refused(Issue(
            "base.archiver", "Une base PostgreSQL garde tous ses exercices : l'archivage d'un exercice, qui retire ses "
            "pièces soldées d'un classeur pour l'alléger, ne s'applique qu'à un classeur ; rien n'a été modifié. Pour "
            "une copie complète de la base, faites « syc base exporter --sortie FICHIER ».", "--base"))
    result = archive(ctx.book, ctx.args.fin, ctx.as_of)
    out(ctx, result.message, result.data, result.warnings)
    return 0


# --------------------------------------------------------------------------- migrer
def cmd_migrate(ctx: Context) -> int:
    from pyxl.workbook import migrate

    if ctx.base:  # by the migration role, in one transaction (pyxl.pgbase.migrate)
        from pyxl import pgbase

        steps = pgbase.migrate(ctx.base, simulate=ctx.args.simuler)
        if ctx.args.simuler:
            text = msg("migrer.rien_base") if not steps else "Serait fait :\n- " + "\n- ".join(steps)
            out(ctx, text, {"etapes": steps, "simulation": True})
            return 0
        text = msg("migrer.rien_base") if not steps else (
            "Base mise à jour (en une seule transaction ; pièces émises et journal d'audit inchangés) :\n- "
            + "\n- ".join(steps))
        out(ctx, text, {"etapes": steps})
        return 0
    if not ctx.book.exists():
        raise Refused(Issue("store.missing", f"Le classeur « {ctx.book} » est introuvable.", str(ctx.book)))
    if ctx.args.simuler:
        steps = migrate.plan(ctx.book)
        text = msg("migrer.rien") if not steps else "Serait fait :\n- " + "\n- ".join(steps)
        out(ctx, text, {"etapes": steps, "simulation": True})
        return 0
    steps = migrate.migrate(ctx.book)
    text = msg("migrer.rien") if not steps else (
        "Classeur mis à jour (sauvegarde faite avant) :\n- " + "\n- ".join(steps))
    out(ctx, text, {"etapes": steps})
    return 0


__all__ = ["UsageError", "register"]
