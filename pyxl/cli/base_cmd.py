"""`syc base …`: the PostgreSQL base of the multi-user mode (pyxl.workbook.pgstore).

creer (tables, triggers, roles and rights in an empty database, the shared folder recorded),
importer (a verified workbook into the new base, chain carried over, the workbook marked moved),
exporter (a complete single-file workbook of the base), verifier (chain, documents, protections)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pyxl.cli import Context, out
from pyxl.core.frformat import decimal_fr, plural
from pyxl.core.issues import Issue, Refused


def register(sub: Any, common: Any) -> None:
    from pyxl.cli.common import group, leaf

    g = group(sub, "base", "base PostgreSQL partagée (plusieurs utilisateurs) : créer, importer, exporter, vérifier",
              common)
    p = leaf(g, "creer", "créer les tables, les protections et les rôles dans une base PostgreSQL vide", common,
             cmd_create,
             "Crée dans une base vide les tables de SYC Gestion, les protections (pas de suppression, pièces émises "
             "et journal d'audit non modifiables) et les rôles syc_ecriture (assistantes) et syc_lecture (lecture "
             "seule). À lancer avec le rôle de migration, propriétaire de la base. Puis : syc base importer.")
    p.add_argument("url", nargs="?", metavar="URL", help="base à créer (défaut : --base ou $SYC_BASE)")
    p.add_argument("--dossier", metavar="DOSSIER", required=True,
                   help="dossier partagé des pièces, clôtures et sauvegardes (accessible depuis chaque poste)")
    p = leaf(g, "importer", "importer un classeur (vérifié d'abord) dans une base neuve", common, cmd_import,
             "Vérifie le classeur (--book), copie toutes ses tables dans la base (--base) avec son journal "
             "d'audit et son ancre, puis marque le classeur « déplacé vers la base » : il n'est plus modifié.")
    p = leaf(g, "exporter", "écrire un classeur complet avec toutes les données de la base", common, cmd_export,
             "Pour le comptable ou pour revenir au classeur seul : un classeur complet, que « syc verifier » accepte.")
    p.add_argument("--sortie", metavar="FICHIER", required=True, help="classeur à écrire (.xlsm)")
    leaf(g, "verifier", "vérifier la base : journal d'audit, pièces émises et protections", common, cmd_verify)
    p = leaf(g, "vue", "écrire un classeur qui montre la base (en lecture seule, à rafraîchir)", common, cmd_view,
             "Un classeur de toutes les tables de la base, chaque ligne à sa place ; « syc base rafraichir » y "
             "écrit ensuite seulement ce qui a changé dans la base.")
    p.add_argument("--sortie", metavar="FICHIER", required=True, help="classeur à écrire (.xlsm)")
    leaf(g, "rafraichir", "mettre à jour une vue (--book) avec ce qui a changé dans la base depuis", common,
         cmd_refresh, "N'écrit que les lignes modifiées ou ajoutées dans la base depuis le dernier rafraîchissement, "
                      "dans les seules feuilles concernées.")
    p = leaf(g, "motdepasse", "mot de passe de votre identifiant de base dans le trousseau du système", common,
             cmd_password,
             "Sans option : dit si le trousseau du système (Gestionnaire d'identification de Windows, Trousseau "
             "de macOS, Secret Service) contient le mot de passe de l'identifiant de l'URL, sans jamais "
             "l'afficher. SYC Gestion l'y cherche quand le fichier de mots de passe de PostgreSQL (.pgpass) n'en "
             "a pas. Demande la bibliothèque keyring.")
    p.add_argument("url", nargs="?", metavar="URL", help="base et identifiant (défaut : --base ou $SYC_BASE)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--enregistrer", action="store_true",
                      help="demander le mot de passe (sans l'afficher), vérifier qu'il ouvre la base, l'enregistrer")
    what.add_argument("--oublier", action="store_true", help="retirer le mot de passe du trousseau")


def _url(ctx: Context) -> str:
    url = getattr(ctx.args, "url", None) or ctx.base
    if not url:
        raise Refused(Issue("base.url", "Indiquez la base : --base postgresql://utilisateur@serveur/base "
                                        "(ou la variable SYC_BASE).", "--base"))
    return str(url)


def cmd_create(ctx: Context) -> int:
    from pyxl import pgbase
    from pyxl.workbook.pgstore import shown_url

    url = _url(ctx)
    folder = Path(ctx.args.dossier).resolve()
    pgbase.create(url, folder)
    out(ctx, f"Base « {shown_url(url)} » créée (schéma, protections, rôles syc_ecriture et syc_lecture) ; pièces "
             f"et clôtures dans {folder}. Importez maintenant un classeur : syc base importer --book FICHIER "
             "--base URL.", {"base": shown_url(url), "dossier": str(folder)})
    return 0


def cmd_import(ctx: Context) -> int:
    from pyxl import pgbase
    from pyxl.workbook.pgstore import shown_url

    url = _url(ctx)
    t0 = time.perf_counter()
    counts = pgbase.import_book(url, ctx.book)
    rows = sum(counts.values())
    out(ctx, f"{ctx.book.name} importé dans la base « {shown_url(url)} » : {plural(rows, 'ligne')} en "
             f"{decimal_fr(round(time.perf_counter() - t0, 1), 1)} s. Le classeur est marqué « déplacé vers la base » et n'est plus modifié.",
        {"base": shown_url(url), "classeur": str(ctx.book.resolve()), "lignes": counts})
    return 0


def cmd_export(ctx: Context) -> int:
    from pyxl import pgbase
    from pyxl.workbook.pgstore import shown_url

    url = _url(ctx)
    target = Path(ctx.args.sortie).resolve()
    counts = pgbase.export_book(url, target)
    out(ctx, f"Base « {shown_url(url)} » exportée dans {target} ({plural(sum(counts.values()), 'ligne')}). "
             f"Vérifiez-le avec : syc verifier --book {target.name}.",
        {"base": shown_url(url), "classeur": str(target), "lignes": counts})
    return 0


def cmd_verify(ctx: Context) -> int:
    from pyxl.cli.commands import cmd_verify as verify

    ctx.base = _url(ctx)
    return verify(ctx)


__all__ = ["register"]


def cmd_view(ctx: Context) -> int:
    from pyxl import pgview
    from pyxl.workbook.pgstore import shown_url

    url = _url(ctx)
    target = Path(ctx.args.sortie).resolve()
    counts = pgview.make_view(url, target)
    out(ctx, f"Vue de la base « {shown_url(url)} » écrite dans {target} ({plural(sum(counts.values()), 'ligne')}), "
             f"en lecture seule. Mettez-la à jour avec : syc base rafraichir --book {target.name} --base URL.",
        {"base": shown_url(url), "classeur": str(target), "lignes": counts})
    return 0


def cmd_refresh(ctx: Context) -> int:
    from pyxl import pgview
    from pyxl.workbook.pgstore import shown_url

    mark = pgview.read_sidecar(ctx.book)
    url = ctx.base or (str(mark["base"]) if mark else "")
    if not url:
        raise Refused(Issue("base.url", "Indiquez la base : --base URL.", "--base"))
    counts = pgview.refresh(ctx.book, url)
    text = (f"{ctx.book.name} est à jour." if not counts else
            f"{ctx.book.name} mis à jour : " + ", ".join(f"{k} {plural(v, 'ligne')}" for k, v in counts.items()) + ".")
    out(ctx, text, {"base": shown_url(url), "classeur": str(ctx.book.resolve()), "lignes": counts})
    return 0


def cmd_password(ctx: Context) -> int:
    """The keyring's password of the URL's login: stored after a prompt that never echoes it (and
    only once the server accepted it), removed, or said present or absent — never shown."""
    import getpass

    import psycopg

    from pyxl.workbook import pgsecret
    from pyxl.workbook.pgstore import shown_url, unreachable

    url = _url(ctx)
    if shown_url(url) != url:
        raise Refused(Issue("base.url", "L'URL contient un mot de passe : retirez-le de l'URL (il ne doit figurer ni "
                                        "dans une URL ni dans un classeur), puis relancez.", shown_url(url)))
    who = pgsecret.account(url)
    data = {"base": shown_url(url), "service": pgsecret.SERVICE, "compte": who}
    if ctx.args.oublier:
        gone = pgsecret.forget_password(url)
        out(ctx, f"Mot de passe de {who} retiré du trousseau." if gone else
                 f"Le trousseau n'avait pas de mot de passe pour {who} : rien à retirer.", {**data, "enregistre": False})
        return 0
    if not ctx.args.enregistrer:
        present = pgsecret.from_keyring(url) is not None
        out(ctx, f"Le trousseau {'contient' if present else 'ne contient pas'} de mot de passe pour {who} "
                 f"(service « {pgsecret.SERVICE} »).", {**data, "enregistre": present})
        return 0
    pgsecret.from_keyring(url)  # the keyring usable, before asking anything
    password = getpass.getpass(f"Mot de passe de {who} (rien ne s'affiche) : ")
    if not password:
        raise Refused(Issue("base.motdepasse", "Mot de passe vide : rien n'a été enregistré.", who))
    if getpass.getpass("Retapez-le pour confirmer : ") != password:
        raise Refused(Issue("base.motdepasse", "Les deux saisies diffèrent : rien n'a été enregistré. Relancez.", who))
    try:  # the server must accept it before it is kept
        psycopg.connect(url, password=password, connect_timeout=5, application_name="syc").close()
    except psycopg.OperationalError as exc:
        refused = unreachable(url, exc)
        raise Refused(Issue(refused.issues[0].code, refused.issues[0].message.replace(
            "Rien n'a été enregistré.", "Le mot de passe n'a pas été enregistré dans le trousseau."), who)) from None
    pgsecret.store_password(url, password)
    out(ctx, f"Mot de passe de {who} enregistré dans le trousseau du système (service « {pgsecret.SERVICE} ») ; "
             "SYC Gestion l'utilise quand le fichier .pgpass n'en a pas.", {**data, "enregistre": True})
    return 0
