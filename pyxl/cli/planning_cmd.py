"""`syc technicien`, `syc intervention` and `syc planning`: technicians, their absences, the
interventions of orders and maintenance visits, proposals, booking, calendars."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from pyxl.cli import Context, out
from pyxl.cli.common import Common, apply, date_arg, group, leaf, plural, show_record, text_table
from pyxl.core.frformat import date_fr


def register(sub: Any, common: Common) -> None:
    g = group(sub, "technicien", "techniciens : compétences, certificats, horaires, absences", common)
    p = leaf(g, "ajouter", "ajouter un technicien (code T01, T02…)", common, cmd_tech_add)
    _tech_options(p, required=True)
    leaf(g, "liste", "lister les techniciens", common, cmd_tech_list)
    p = leaf(g, "voir", "afficher un technicien", common, cmd_tech_show)
    p.add_argument("code", metavar="CODE")
    p = leaf(g, "modifier", "modifier un technicien", common, cmd_tech_modify)
    p.add_argument("code", metavar="CODE")
    _tech_options(p, required=False)
    p = leaf(g, "absence", "noter une absence (congés, formation, maladie)", common, cmd_tech_absence)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--debut", required=True, type=date_arg, metavar="AAAA-MM-JJ", help="premier jour d'absence")
    p.add_argument("--fin", required=True, type=date_arg, metavar="AAAA-MM-JJ", help="dernier jour d'absence")
    p.add_argument("--motif", required=True, help="conges | formation | maladie | autre")
    p.add_argument("--remarques", default="", help="remarque libre")

    g = group(sub, "intervention", "interventions des commandes et visites d'entretien", common)
    p = leaf(g, "creer", "créer une intervention pour une commande (plusieurs pour un long chantier)", common,
             cmd_job_create)
    p.add_argument("--commande", required=True, metavar="NUM")
    p.add_argument("--travaux", default="", help="travail à faire (défaut : l'objet de la commande)")
    p.add_argument("--competence", default="", help="gaz | fioul | pac | biomasse | solaire | ramonage | climatisation "
                                                    "(défaut : d'après les articles du devis)")
    p.add_argument("--duree", default="", help="durée estimée, ex. 2h30 (défaut : la main-d'œuvre du devis)")
    p.add_argument("--souhaits", default="",
                   help="souhaits du client : « matin ; jours lun,mar ; éviter 2026-12-24 ; au plus tôt »")
    p = leaf(g, "realiser", "noter une intervention réalisée (la dernière réalise la commande)", common, cmd_job_done)
    p.add_argument("id", metavar="ID")
    p.add_argument("--date", required=True, type=date_arg, metavar="AAAA-MM-JJ")
    p.add_argument("--rapport", default="", help="compte rendu (contrôles, pièces, remarques)")

    g = group(sub, "planning", "propositions de créneaux, réservations, semaine, agendas", common)
    p = leaf(g, "proposer", "proposer les premiers créneaux qui conviennent", common, cmd_propose)
    _target(p)
    p.add_argument("--a-partir", type=date_arg, metavar="AAAA-MM-JJ", help="premier jour cherché (défaut : --au)")
    p.add_argument("--nombre", type=int, default=3, metavar="N", help="nombre de créneaux (défaut : 3)")
    p = leaf(g, "planifier", "réserver un créneau pour un technicien", common, cmd_book)
    _target(p)
    p.add_argument("--technicien", required=True, metavar="CODE")
    p.add_argument("--debut", required=True, metavar='"AAAA-MM-JJ HH:MM"')
    p.add_argument("--duree", default="", help="ex. 2h30 (défaut : la durée estimée de l'intervention)")
    p = leaf(g, "deplacer", "déplacer une intervention planifiée", common, cmd_move)
    p.add_argument("--intervention", required=True, metavar="ID")
    p.add_argument("--technicien", default="", metavar="CODE", help="défaut : le même technicien")
    p.add_argument("--debut", required=True, metavar='"AAAA-MM-JJ HH:MM"')
    p.add_argument("--duree", default="")
    p.add_argument("--motif", default="")
    p = leaf(g, "annuler", "annuler une réservation (l'intervention est à replanifier)", common, cmd_cancel)
    p.add_argument("--intervention", required=True, metavar="ID")
    p.add_argument("--motif", required=True)
    p.add_argument("--definitif", action="store_true", help="l'intervention n'aura pas lieu (statut « Annulée »)")
    p = leaf(g, "confirmer", "confirmer au client le jour et la demi-journée (lettre PDF et brouillon d'e-mail)",
             common, cmd_confirm)
    p.add_argument("--intervention", required=True, metavar="ID")
    p = leaf(g, "voir", "semaine des techniciens et commandes à planifier", common, cmd_week)
    p.add_argument("--technicien", default="", metavar="CODE")
    p.add_argument("--semaine", default="", metavar="AAAA-Wnn", help="ex. 2026-W51 (défaut : la semaine de --au)")
    p = leaf(g, "ics", "écrire le fichier d'agenda (.ics) d'un technicien", common, cmd_ics)
    p.add_argument("--technicien", required=True, metavar="CODE")
    p.add_argument("--sortie", required=True, metavar="DOSSIER")
    p = leaf(g, "feuille", "feuille de journée d'un technicien (PDF), visites dans l'ordre de la tournée", common,
             cmd_day_sheet)
    p.add_argument("--technicien", required=True, metavar="CODE")
    p.add_argument("--jour", required=True, type=date_arg, metavar="AAAA-MM-JJ")


def _target(p: argparse.ArgumentParser) -> None:
    x = p.add_mutually_exclusive_group(required=True)
    x.add_argument("--commande", metavar="NUM")
    x.add_argument("--intervention", "--visite", dest="intervention", metavar="ID",
                   help="intervention (ou visite d'entretien) à planifier")


def _tech_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--nom", required=required)
    p.add_argument("--competences", required=required, help="ex. gaz,pac,fioul")
    p.add_argument("--secteur", required=required, help="secteur de départ (voir syc secteur liste)")
    p.add_argument("--telephone")
    p.add_argument("--email", help="adresse des invitations d'agenda")
    p.add_argument("--horaires", help='ex. "lun-ven 08:00-12:00 13:30-17:30 ; sam 08:00-12:00"')
    p.add_argument("--capacite", help="interventions par jour au plus (défaut : 6)")
    p.add_argument("--certificats", help='ex. "fluides 2027-06-30 ; qualigaz 2026-12-31"')
    p.add_argument("--actif", help="oui | non")
    p.add_argument("--remarques")


def _tech_input(args: argparse.Namespace) -> Any:
    from pyxl.services.planning import TechnicianInput

    return TechnicianInput(name=args.nom, skills=args.competences, sector=args.secteur, phone=args.telephone,
                           email=args.email, hours=args.horaires, capacity=args.capacite,
                           certificates=args.certificats, active=args.actif, notes=args.remarques)


def cmd_tech_add(ctx: Context) -> int:
    from pyxl.services.planning import add_technician

    return apply(ctx, lambda store: add_technician(store, _tech_input(ctx.args), ctx.as_of))


def cmd_tech_modify(ctx: Context) -> int:
    from pyxl.services.planning import get_technician, modify_technician, tech_json

    def record(result: Any) -> None:
        result.data["technicien"] = tech_json(get_technician(ctx.store(), str(result.data["code"])))

    return apply(ctx, lambda store: modify_technician(store, ctx.args.code, _tech_input(ctx.args)), record)


def cmd_tech_list(ctx: Context) -> int:
    from pyxl.services.planning import list_technicians, tech_json

    rows = list_technicians(ctx.store())
    if ctx.json:
        out(ctx, data={"techniciens": [tech_json(r) for r in rows]})
    elif not rows:
        print('Aucun technicien. Ajoutez-en un : syc technicien ajouter --nom … --competences gaz --secteur …')
    else:
        print(text_table([[str(r["code"]) + (" (inactif)" if r["active"] == "Non" else ""), str(r["name"] or ""),
                           str(r["skills"] or ""), str(r["sector"] or ""), str(r["phone"] or ""),
                           str(r["certificates"] or "")] for r in rows],
                         ["Code", "Nom", "Compétences", "Secteur", "Téléphone", "Certificats"]))
        print(plural(len(rows), "technicien") + ".")
    return 0


def cmd_tech_show(ctx: Context) -> int:
    from pyxl.services.planning import get_technician, tech_json
    from pyxl.workbook.schema import T_TECHNICIANS

    return show_record(ctx, get_technician(ctx.store(), ctx.args.code), T_TECHNICIANS, "technicien", tech_json)


def cmd_tech_absence(ctx: Context) -> int:
    from pyxl.services.planning import add_absence

    a = ctx.args
    return apply(ctx, lambda store: add_absence(store, a.code, a.debut, a.fin, a.motif, a.remarques))


# --------------------------------------------------------------------------- interventions
def cmd_job_create(ctx: Context) -> int:
    from pyxl.services.planning import create_job

    a = ctx.args
    return apply(ctx, lambda store: create_job(store, a.commande, a.travaux, a.competence, a.duree, a.souhaits,
                                               ctx.as_of))


def cmd_job_done(ctx: Context) -> int:
    from pyxl.services.planning import realise

    a = ctx.args
    return apply(ctx, lambda store: realise(store, a.id, a.date, a.rapport, ctx.as_of))


# --------------------------------------------------------------------------- planning
def cmd_propose(ctx: Context) -> int:
    from pyxl.services.planning import propose

    a = ctx.args
    if a.nombre < 1 or a.nombre > 50:
        from pyxl.cli import UsageError

        raise UsageError("syc planning proposer : --nombre entre 1 et 50")
    result = propose(ctx.store(), job_id=a.intervention or "", order_number=a.commande or "", from_day=a.a_partir,
                     count=a.nombre, as_of=ctx.as_of)
    out(ctx, result.message, result.data, result.warnings)
    return 0


def _with_invitations(ctx: Context, service: Any) -> int:
    """Apply, then write the technicians' iTIP e-mails (.eml drafts) of the change."""
    from pyxl.documents.planning_docs import write_invitations

    def after(result: Any) -> None:
        invitations = result.data.get("invitations") or []
        if invitations:
            paths = write_invitations(ctx.book, ctx.store(), invitations, dt.datetime.now().astimezone())
            result.data["documents"] = [str(p) for p in paths]
            result.message += "\n" + "\n".join(f"Invitation d'agenda : {p}" for p in paths)

    return apply(ctx, service, after)


def cmd_book(ctx: Context) -> int:
    from pyxl.services.planning import book

    a = ctx.args
    return _with_invitations(ctx, lambda store: book(store, job_id=a.intervention or "", order_number=a.commande or "",
                                                     tech_code=a.technicien, start_text=a.debut, duration_text=a.duree,
                                                     as_of=ctx.as_of))


def cmd_move(ctx: Context) -> int:
    from pyxl.services.planning import move

    a = ctx.args
    return _with_invitations(ctx, lambda store: move(store, a.intervention, tech_code=a.technicien, start_text=a.debut,
                                                     duration_text=a.duree, reason=a.motif, as_of=ctx.as_of))


def cmd_cancel(ctx: Context) -> int:
    from pyxl.services.planning import cancel

    a = ctx.args
    return _with_invitations(ctx, lambda store: cancel(store, a.intervention, a.motif, final=a.definitif,
                                                       as_of=ctx.as_of))


def cmd_week(ctx: Context) -> int:
    from pyxl.services.planning import week_view

    year, week, _ = ctx.as_of.isocalendar()
    view = week_view(ctx.store(), ctx.args.semaine or f"{year}-W{week:02d}", ctx.args.technicien)
    if ctx.json:
        out(ctx, data=view)
        return 0
    print(f"Semaine {view['semaine']} (du {date_fr(view['du'])} au {date_fr(view['au'])})")
    for t in view["techniciens"]:
        print(f"\n{t['technicien']} — {t['nom']}")
        for d in t["jours"]:
            head = f"  {date_fr(d['jour'])} {('lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim')[d['jour'].weekday()]}"
            if d["indisponible"] and not d["interventions"]:
                print(f"{head} : {d['indisponible']}")
                continue
            print(head + (" : libre" if not d["interventions"] else ""))
            for j in d["interventions"]:
                print(f"      {j['debut']}  {j['id']}  {j['nom_client']}  ({j['secteur'] or '?'})  {j['statut']}")
    left = view["commandes_a_planifier"]
    print(f"\nCommandes à planifier : {', '.join(left) if left else 'aucune'}")
    return 0


def cmd_ics(ctx: Context) -> int:
    from pyxl.documents.planning_docs import write_calendars

    store = ctx.store()
    store.check_version()
    path = write_calendars(ctx.book, store, Path(ctx.args.sortie), ctx.args.technicien, dt.datetime.now().astimezone())
    out(ctx, f"Agenda écrit : {path}", {"fichier": str(path), "technicien": ctx.args.technicien.upper()})
    return 0


def cmd_day_sheet(ctx: Context) -> int:
    from pyxl.documents.planning_docs import day_sheet_document
    from pyxl.services.planning import get_technician

    store = ctx.store()
    store.check_version()
    code = str(get_technician(store, ctx.args.technicien)["code"])
    paths = day_sheet_document(ctx.book, store, code, ctx.args.jour)
    out(ctx, "\n".join(f"Feuille de journée : {p}" for p in paths),
        {"documents": [str(p) for p in paths], "technicien": code, "jour": ctx.args.jour})
    return 0


def cmd_confirm(ctx: Context) -> int:
    from pyxl.services.planning import confirm

    def after(result: Any) -> None:
        from pyxl.documents.planning_docs import confirmation_documents

        paths = confirmation_documents(ctx.book, ctx.store(), str(result.data["id"]), str(result.data["texte"]),
                                       ctx.as_of)
        result.data["documents"] = [str(p) for p in paths]
        result.message += "\n" + "\n".join(f"Confirmation : {p}" for p in paths)

    return apply(ctx, lambda store: confirm(store, ctx.args.intervention, ctx.as_of), after)
