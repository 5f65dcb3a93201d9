"""`syc relances` (the weekly session, noter, executer, injonction) and `syc taux` (rate tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyxl.cli import Context, out
from pyxl.cli.common import Common, apply, date_arg, euros, group, leaf, plural, text_table
from pyxl.core.frformat import date_fr
from pyxl.core.messages import msg


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("relances", help="relances des impayés : séance de la semaine, noter, exécuter",
                       description=("Sans action : la séance de relance au --au (appels du créneau du vendredi et du "
                                    "lundi, 8 h–10 h, lettres et dossiers dus, arrêts et alarmes)."))
    common(p)
    p.set_defaults(handler=cmd_session)
    g = p.add_subparsers(dest="action", metavar="ACTION", title="actions")
    q = leaf(g, "liste", "la séance de la semaine (comme « syc relances »)", common, cmd_session)
    q = leaf(g, "noter", "noter un appel ou une étape faite hors de l'outil (dépôt, recommandé, accusé de réception)",
             common, cmd_note,
             "Exemples : syc relances noter C00002 --appel sans-reponse ; syc relances noter F2026-00012 "
             "--appel promesse --promesse 2026-12-04 ; syc relances noter F2026-00012 --etape lrar --poste 2026-11-30 "
             "--recommande \"1A 123 456 7890 1\" ; syc relances noter F2026-00012 --ar 2026-12-02")
    q.add_argument("cible", metavar="FACTURE|CLIENT", help="numéro de facture, ou code client (toutes ses factures en retard)")
    q.add_argument("--appel", metavar="RESULTAT",
                   help="sans-reponse | message | promesse | litige | echeancier | mauvais-numero | fait | autre")
    q.add_argument("--etape", metavar="ETAPE", help="lettre | lrar | mise-en-demeure | injonction (défaut : la dernière)")
    q.add_argument("--poste", metavar="DATE", type=date_arg, help="date de dépôt à la poste")
    q.add_argument("--recommande", metavar="NUMERO", default="", help="n° du recommandé")
    q.add_argument("--ar", metavar="DATE", type=date_arg, help="date de l'accusé de réception (signé par le client)")
    q.add_argument("--non-reclame", metavar="DATE", type=date_arg, help="date du retour d'un pli non réclamé")
    q.add_argument("--promesse", metavar="DATE", type=date_arg, help="date de paiement promise par le client")
    q.add_argument("--litige", metavar="MOTIF", default=None, help="le client conteste : relances suspendues")
    q.add_argument("--litige-regle", action="store_true", help="le litige est réglé : les relances reprennent")
    q.add_argument("--echeancier", metavar="DATE:MONTANT,…", default="",
                   help="échéancier accordé, ex. 2026-12-15:500,2027-01-15:480,50 : une virgule suivie d'une date "
                        "sépare deux échéances, les autres sont des virgules décimales ; ou \"…;…\" entre "
                        "guillemets (total = reste dû)")
    q.add_argument("--note", metavar="TEXTE", default="", help="ce qui a été dit")
    q.add_argument("--preuve", metavar="TEXTE", default="",
                   help="preuve écrite d'une promesse ou d'un échéancier (lettre, formulaire signé, e-mail du "
                        "débiteur) : seule elle interrompt la prescription (art. 2240 du Code civil)")
    q = leaf(g, "executer", "produire toutes les lettres et dossiers dus (PDF à imprimer, .eml) et les noter",
             common, cmd_execute)
    q.add_argument("--simuler", action="store_true", help="montrer ce qui serait produit, sans rien écrire")

    g = group(sub, "penalites", "notes de pénalités : pénalités de retard et indemnités réclamées (série NP)", common)
    q = leaf(g, "creer", "émettre une note de pénalités pour un client (factures en retard, depuis la note précédente)",
             common, cmd_penalty_create,
             "Exemples : syc penalites creer --client C00012 ; syc penalites creer --client C00012 --facture "
             "F2026-00042. Un paiement partiel s'impute ensuite d'abord sur la note (art. 1343-1 du Code civil).")
    q.add_argument("--client", metavar="CODE", required=True, help="code du client")
    q.add_argument("--facture", metavar="NUM", action="append", default=[],
                   help="seulement ces factures (répétable) ; défaut : toutes ses factures en retard")
    q.add_argument("--sans-document", action="store_true", help="ne pas produire le PDF")
    q = leaf(g, "liste", "les notes de pénalités, avec ce qui reste dû", common, cmd_penalty_list)
    q.add_argument("--client", metavar="CODE", default="", help="seulement ce client")
    q = leaf(g, "voir", "une note de pénalités et ses lignes", common, cmd_penalty_show)
    q.add_argument("numero", metavar="NUM")

    g = group(sub, "taux", "taux d'intérêt légal et taux BCE (pénalités de retard)", common)
    q = leaf(g, "ajouter", "ajouter un semestre (taux légal publié au JO, taux BCE au 1er jour)", common, cmd_rate_add,
             "Exemple : syc taux ajouter 2027-S1 --particuliers 6,90 --autres-cas 2,80 --source \"arrêté du …\" "
             "--bce 2,40 --source-bce \"BCE, décision du …\"")
    q.add_argument("semestre", metavar="AAAA-S1|AAAA-S2")
    q.add_argument("--particuliers", required=True, metavar="TAUX", help="taux pour un créancier particulier (%%)")
    q.add_argument("--autres-cas", required=True, metavar="TAUX", help="taux pour tous les autres cas (%%)")
    q.add_argument("--source", required=True, metavar="TEXTE", help="arrêté et page où le taux a été lu")
    q.add_argument("--bce", metavar="TAUX", default="", help="taux BCE au 1er jour du semestre (défaut : feuille « Taux BCE »)")
    q.add_argument("--source-bce", metavar="TEXTE", default="", help="source du taux BCE")
    leaf(g, "liste", "lister les semestres connus", common, cmd_rate_list)


# --------------------------------------------------------------------------- session
def _session(ctx: Context) -> Any:
    from pyxl.services import dunning

    store = ctx.store()
    store.check_version()
    return store, dunning.session(store, ctx.as_of)


def cmd_session(ctx: Context) -> int:
    from pyxl.core.issues import Issue, Severity
    from pyxl.services import dunning
    from pyxl.services import salesdocs as sd

    _, ses = _session(ctx)
    calls = dunning.by_client(ses.calls)
    letters = ses.letters
    files = ses.files
    stopped = [c for c in ses.cases if c.stop]
    alarms = [a for c in ses.cases for a in c.alarms]
    rate_warnings = sorted({w for c in ses.cases for w in c.interest.warnings})
    warnings = [Issue("relances", w, "", Severity.WARNING) for w in [*ses.warnings, *rate_warnings]]
    if ctx.json:
        out(ctx, data={
            "au": ctx.as_of,
            "appels": [{"client": code, "nom": sd.client_name(cs[0].client), "telephone": str(cs[0].client["phone"] or ""),
                        "factures": [dunning.case_json(c, ctx.as_of) for c in cs],
                        "a_dire": dunning.what_to_say(cs, ctx.as_of)} for code, cs in calls.items()],
            "lettres": [dunning.case_json(c, ctx.as_of) for c in letters],
            "dossiers": [dunning.case_json(c, ctx.as_of) for c in files],
            "arrets": [dunning.case_json(c, ctx.as_of) for c in stopped],
            "en_attente": [dunning.case_json(c, ctx.as_of) for c in ses.cases if not c.stop and not c.due],
            "alarmes": alarms}, warnings=warnings)
        return 0
    print(msg("relances.seance", day=date_fr(ctx.as_of), invoices=plural(len(ses.cases), "facture")))
    print()
    print(f"Appels (créneau du vendredi et du lundi, 8 h–10 h) : {plural(len(calls), 'client')}")
    for code, cs in calls.items():
        c0 = cs[0]
        owed = sum((c.owed for c in cs), dunning.ZERO)
        print(f"\n  {code} — {sd.client_name(c0.client)} — Tél. {c0.client['phone'] or 'non renseigné'}")
        rows = [[c.number, sd.day(c.due_date), euros(c.owed), f"{(ctx.as_of - c.due_date).days} j"] for c in cs]
        for line in text_table(rows, ["Facture", "Échéance", "Reste dû", "Retard"]).splitlines():
            print("    " + line)
        print(f"    Total dû : {euros(owed)}")
        last = next((c.last_call for c in reversed(cs) if c.last_call), "")
        print(f"    Dernier appel : {last or 'aucun'}")
        print(f"    À dire : {dunning.what_to_say(cs, ctx.as_of)}")
    print()
    docs = ses.documents()
    print(msg("relances.dus", count=plural(len(docs), "facture")))
    if docs:
        rows = [[c.number, c.client_code, sd.client_name(c.client), level.label, euros(c.owed),
                 euros(c.interest.interest), euros(c.interest.indemnity) if c.business else "—"] for c, level in docs]
        print(text_table(rows, ["Facture", "Client", "Nom", "Étape due", "Reste dû", "Pénalités/intérêts",
                            "Indemnité 40 €"]))
        print("→ syc relances executer : les produit en un lot (PDF à imprimer, brouillons d'e-mail) et les note.")
    waiting = [c for c in ses.cases if not c.stop and not c.due]
    if waiting:
        print()
        print(f"En attente : {plural(len(waiting), 'facture')}")
        print(text_table([[c.number, c.client_code, c.waiting] for c in waiting], ["Facture", "Client", "Prochaine étape"],
                         cut=20))
    if stopped:
        print()
        print(f"Arrêtées : {plural(len(stopped), 'facture')}")
        print(text_table([[c.number, c.client_code, c.stop] for c in stopped], ["Facture", "Client", "Motif"]))
    if alarms:
        print()
        print("Alarmes :")
        for a in alarms:
            print(f"  ! {a}")
    out(ctx, warnings=warnings)
    return 0


# --------------------------------------------------------------------------- noter
def cmd_note(ctx: Context) -> int:
    from pyxl.services import reminders

    a = ctx.args
    return apply(ctx, lambda store: reminders.note(
        store, a.cible, ctx.as_of, call=a.appel or "", step=a.etape or "", posted=a.poste, lr_number=a.recommande,
        ack=a.ar, unclaimed=a.non_reclame, promise=a.promesse, dispute=a.litige, dispute_settled=a.litige_regle,
        plan=a.echeancier, notes=a.note, proof=a.preuve))


# --------------------------------------------------------------------------- executer
def cmd_execute(ctx: Context) -> int:
    from pyxl.cli.progress import Bar
    from pyxl.documents import dunning_docs
    from pyxl.services import closures, dunning

    store = ctx.store()
    with store.session():
        now = dt.datetime.now()  # under the lock: the journal's times follow its order
        store.check_version()
        ses = dunning.session(store, ctx.as_of)
        batch = dunning_docs.plan(store, ctx.book, ses)
        if ctx.args.simuler or not batch.planned:
            data = {"documents": [{"client": p.number, "type": p.kind, "fichier": str(p.folder / f"{p.stem}.pdf")}
                                  for p in batch.planned], "relances": 0, "simulation": bool(ctx.args.simuler)}
            text = (msg("relances.rien", day=date_fr(ctx.as_of)) if not batch.planned else
                   "Simulation : " + plural(len(batch.planned), "document") + " seraient produits :\n"
                   + "\n".join(f"  {p.folder.name}/{p.stem}.pdf" for p in batch.planned))
            out(ctx, text, data)
            return 0
        with Bar("Relances", quiet=ctx.json) as bar:
            done = dunning_docs.produce_and_record(store, ctx.book, batch, ctx.as_of, progress=bar)
        outcome, pdfs, res = done.outcome, done.pdfs, done.result
        made = closures.pending(store, res.changes, ctx.as_of, now)
        if made:  # closure files lost earlier, from what this action has read already
            closures.write_missing(store, made)
        if not res.changes.empty:
            store.apply(res.changes, as_of=ctx.as_of, now=now)
        drafts, mail_warnings = dunning_docs.write_drafts(store, batch, outcome, ctx.book)
    if made:
        closures.write_files(ctx.book, made)
        closures.note(res, made)
    combined = dunning_docs.print_file(pdfs, ctx.as_of)
    lines = [dunning_docs.produced(len(pdfs), done.steps)]
    if combined is not None:
        lines.append(msg("relances.a_imprimer", file=combined.relative_to(ctx.book.parent)))
    lines += [f"Document : {p.relative_to(ctx.book.parent)}" for p in pdfs]
    lines += [msg("envoi.brouillon", file=d.relative_to(ctx.book.parent)) for d in drafts]
    if any(s in ("lrar", "mise-en-demeure") for s, _, _ in batch.groups):
        lines.append("Après le dépôt des recommandés : syc relances noter FACTURE --poste DATE --recommande NUMERO ; "
                     "au retour de l'avis : --ar DATE. Les délais courent de ces dates.")
    out(ctx, "\n".join(lines), {"documents": [str(p) for p in pdfs], "a_imprimer": str(combined or ""),
                                "brouillons": [str(d) for d in drafts], "relances": done.steps},
        [*outcome.warnings, *mail_warnings, *res.warnings])
    return 0 if not outcome.warnings or pdfs else 1


# --------------------------------------------------------------------------- penalites
def cmd_penalty_create(ctx: Context) -> int:
    from pyxl.cli.document_cmd import apply_with_documents
    from pyxl.services import penalties

    a = ctx.args
    return apply_with_documents(ctx, lambda store: penalties.create(store, a.client, ctx.as_of, a.facture),
                                lambda res: [("penalites", res.data["numero"])])


def cmd_penalty_list(ctx: Context) -> int:
    from pyxl.services import penalties

    store = ctx.store()
    rows = store.rows("tNotesPenalites")
    if ctx.args.client:
        rows = [r for r in rows if str(r["client"]).upper() == ctx.args.client.strip().upper()]
    data = [penalties.note_json(r) for r in rows]
    if ctx.json:
        out(ctx, data={"notes_penalites": data})
        return 0
    if not rows:
        out(ctx, "Aucune note de pénalités.")
        return 0
    table = [[str(d["numero"]), date_fr(d["date"]), str(d["client"]), str(d["nom"]), euros(d["total"]),
              euros(d["reste_du"]), str(d["statut"])] for d in data]
    out(ctx, text_table(table, ["Numéro", "Date", "Client", "Nom", "Total", "Reste dû", "Statut"]))
    return 0


def cmd_penalty_show(ctx: Context) -> int:
    from pyxl.services import penalties

    store = ctx.store()
    note = penalties.get_note(store, ctx.args.numero)
    lines = penalties.lines_of(store, {str(note["number"])})
    data = penalties.note_json(note, lines)
    if ctx.json:
        out(ctx, data={"note": data, "ou": note.where})
        return 0
    head = (f"Note de pénalités {data['numero']} du {date_fr(data['date'])} — {data['nom']} ({data['client']}), "
            f"{data['origine']}\nTotal {euros(data['total'])} (pénalités {euros(data['interets'])}, indemnités "
            f"{euros(data['indemnite'])}), réglé {euros(data['regle'])}, reste dû {euros(data['reste_du'])} : "
            f"{data['statut']}.")
    table = [[str(x["facture"]), date_fr(x["echeance"]), date_fr(x["du"]), date_fr(x["au"]), str(x["jours"]),
              str(x["taux_applique"]), euros(x["interets"]), euros(x["indemnite"]), euros(x["regle"])] for x in data["lignes"]]
    out(ctx, head + "\n" + text_table(table, ["Facture", "Échéance", "Du", "Au", "Jours", "Taux", "Pénalités",
                                              "Indemnité", "Réglé"]))
    return 0


# --------------------------------------------------------------------------- taux
def cmd_rate_add(ctx: Context) -> int:
    from pyxl.services import dunning_rates

    a = ctx.args
    return apply(ctx, lambda store: dunning_rates.add_half(store, a.semestre, a.particuliers, a.autres_cas, a.source,
                                                            a.bce, a.source_bce))


def cmd_rate_list(ctx: Context) -> int:
    from pyxl.core.frformat import interest_rate
    from pyxl.services import dunning_rates

    store = ctx.store()
    store.check_version()
    t = dunning_rates.tables(store)
    halves = sorted({r.half for r in t.legal_rates} | {r.half for r in t.penalty_rates})
    rows = []
    for h in halves:
        lg, pn = t.legal(h), t.penalty(h)
        rows.append([h, interest_rate(lg.other) if lg else "manquant", interest_rate(lg.private) if lg else "manquant",
                     interest_rate(pn.default) if pn else "manquant", interest_rate(pn.floor) if pn else "manquant"])
    if ctx.json:  # the rates themselves (null when missing), not their French text
        semesters = []
        for h in halves:
            lg, pn = t.legal(h), t.penalty(h)
            semesters.append({"semestre": h, "autres_cas": lg.other if lg else None,
                              "particuliers": lg.private if lg else None,
                              "penalites": pn.default if pn else None, "plancher": pn.floor if pn else None})
        out(ctx, data={"semestres": semesters})
        return 0
    print(text_table(rows, ["Semestre", "Taux légal (autres cas)", "Taux légal (créancier particulier)",
                        "Pénalités (BCE + 10)", "Plancher (3 × légal)"]).replace("\xa0", " "))
    return 0


__all__ = ["register"]
