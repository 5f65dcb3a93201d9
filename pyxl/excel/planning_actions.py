"""The planning and maintenance-contract actions of the workbook (registry groups « planning » and
« contrats »): the same services as `syc planning`, `syc intervention`, `syc contrat`, fed from the
row the user clicked and the answers to the sub's questions, answered in French without any
command-line hint (`runner.excel_message`)."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from pyxl.core import fields
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.excel.runner import Ctx, files_path, run
from pyxl.services.common import Result

ORDERS_SHEET, JOBS_SHEET, TECHS_SHEET = "Commandes", "Interventions", "Techniciens"
WEEKDAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
PROPOSALS = 5


def _documents_wanted() -> bool:
    return os.environ.get("SYC_SANS_DOCUMENT", "") in ("", "0")


def _target(ctx: Ctx) -> tuple[str, str]:
    """(intervention id, order number) of the row clicked on « Commandes » or « Interventions »."""
    if ctx.sheet == ORDERS_SHEET:
        return "", str(ctx.selected("tCommandes", "de commande")["number"])
    if ctx.sheet == JOBS_SHEET:
        return str(ctx.selected("tInterventions", "d'intervention")["id"]), ""
    raise Refused(Issue("excel.sheet", f"« {ctx.action.label} » agit sur la ligne d'une commande (feuille « "
                                       f"{ORDERS_SHEET} ») ou d'une intervention (feuille « {JOBS_SHEET} ») : cliquez "
                                       "dans la ligne voulue, puis de nouveau sur le bouton.", ctx.sheet))


def _day(text: str, label: str, default: dt.date) -> dt.date:
    t = text.strip()
    return fields.date(t, label=label) if t else default


def _with_invitations(ctx: Ctx, result: Any) -> None:
    """The technicians' iTIP e-mails (.eml drafts) of a booking, move or cancellation, once written."""
    invitations = result.data.get("invitations") or []
    book = files_path(ctx)
    if not invitations or book is None or not _documents_wanted():
        return
    from pyxl.documents.planning_docs import write_invitations

    paths = write_invitations(book, ctx.store, invitations, dt.datetime.now().astimezone())
    result.message += "\n" + "\n".join(f"Invitation d'agenda : {p}" for p in paths)


# --------------------------------------------------------------------------- planning
def propose_slots(ctx: Ctx) -> dict[str, Any]:
    from pyxl.services.planning import propose

    def service(store: Any) -> Any:
        job_id, order = _target(ctx)
        res = propose(store, job_id=job_id, order_number=order, count=PROPOSALS, as_of=ctx.as_of)
        if res.data["propositions"]:
            res.message += ("\nPour réserver : « Planifier » sur la même ligne, avec le numéro du créneau "
                            "(1 pour le premier).")
        return res

    return run(ctx, service, read_only=True)


def book_slot(ctx: Ctx, choice: str, duration: str) -> dict[str, Any]:
    """Book proposal n° `choice` (default the first), or « T01 2026-12-14 08:30 » as typed."""
    from pyxl.services.planning import book, propose

    def service(store: Any) -> Any:
        job_id, order = _target(ctx)
        text = choice.strip() or "1"
        if text.isdigit():
            n = int(text)
            if not 1 <= n <= 20:
                raise Refused(Issue("excel.creneau", f"Créneau n° {text} : choisissez entre 1 et 20.", ctx.sheet))
            found = propose(store, job_id=job_id, order_number=order, count=n, as_of=ctx.as_of).data["propositions"]
            if len(found) < n:
                raise Refused(Issue("excel.creneau", f"Il n'y a que {len(found)} créneau(x) proposé(s) : "
                                                     f"choisissez entre 1 et {len(found)}." if found else
                                    "Aucun créneau libre dans les 90 jours : indiquez un technicien et un début, "
                                    "ex. « T01 2026-12-14 08:30 ».", ctx.sheet))
            tech, start = str(found[n - 1]["technicien"]), str(found[n - 1]["debut"])
        else:
            m = re.fullmatch(r"\s*(\S+)\s+(\d{4}-\d{2}-\d{2}[ T]\d{1,2}[:h]\d{2})\s*", text)
            if not m:
                raise Refused(Issue("excel.creneau", f"Créneau « {fields.shown(text)} » illisible : le numéro d'un "
                                                     "créneau proposé (1, 2…) ou un technicien et un début, ex. "
                                                     "« T01 2026-12-14 08:30 ».", ctx.sheet))
            tech, start = m.group(1), m.group(2)
        return book(store, job_id=job_id, order_number=order, tech_code=tech, start_text=start,
                    duration_text=duration.strip(), as_of=ctx.as_of)

    return run(ctx, service, after=lambda res: _with_invitations(ctx, res))


def move_job(ctx: Ctx, start: str, tech: str, reason: str) -> dict[str, Any]:
    from pyxl.services.planning import move

    def service(store: Any) -> Any:
        job = ctx.selected("tInterventions", "d'intervention")
        return move(store, str(job["id"]), tech_code=tech.strip(), start_text=start, reason=reason, as_of=ctx.as_of)

    return run(ctx, service, after=lambda res: _with_invitations(ctx, res))


def cancel_job(ctx: Ctx, reason: str, final: str) -> dict[str, Any]:
    from pyxl.services.planning import cancel

    definitive = final.strip().casefold() in ("oui", "o", "yes")

    def service(store: Any) -> Any:
        job = ctx.selected("tInterventions", "d'intervention")
        return cancel(store, str(job["id"]), reason, final=definitive, as_of=ctx.as_of)

    return run(ctx, service, after=lambda res: _with_invitations(ctx, res))


def realise_job(ctx: Ctx, day: str, report: str) -> dict[str, Any]:
    from pyxl.services.planning import realise

    def service(store: Any) -> Any:
        job = ctx.selected("tInterventions", "d'intervention")
        done = _day(day, "La date de l'intervention", ctx.as_of)
        return realise(store, str(job["id"]), done, report, ctx.as_of)

    return run(ctx, service)


def confirm_job(ctx: Ctx) -> dict[str, Any]:
    from pyxl.services.planning import confirm

    def after(result: Any) -> None:
        book = files_path(ctx)
        if book is None or not _documents_wanted():
            return
        from pyxl.documents.planning_docs import confirmation_documents

        paths = confirmation_documents(book, ctx.store, str(result.data["id"]), str(result.data["texte"]), ctx.as_of)
        result.message += "".join(f"\nDocument : {p}" for p in paths)

    return run(ctx, lambda store: confirm(store, str(ctx.selected("tInterventions", "d'intervention")["id"]),
                                          ctx.as_of), after=after)


def week_text(ctx: Ctx, week: str) -> dict[str, Any]:
    from pyxl.services.planning import week_view

    def service(store: Any) -> Any:
        year, n, _ = ctx.as_of.isocalendar()
        view = week_view(store, week.strip() or f"{year}-W{n:02d}")
        lines = [f"Semaine {view['semaine']} (du {date_fr(view['du'])} au {date_fr(view['au'])})"]
        for t in view["techniciens"]:
            lines.append(f"\n{t['technicien']} — {t['nom']}")
            for d in t["jours"]:
                head = f"  {WEEKDAYS[d['jour'].weekday()]} {date_fr(d['jour'])}"
                if d["indisponible"] and not d["interventions"]:
                    lines.append(f"{head} : {d['indisponible']}")
                    continue
                lines.append(head + (" : libre" if not d["interventions"] else ""))
                lines += [f"      {j['debut']}  {j['id']}  {j['nom_client']}  ({j['secteur'] or '?'})  {j['statut']}"
                          for j in d["interventions"]]
        left = view["commandes_a_planifier"]
        lines.append(f"\nCommandes à planifier : {', '.join(left) if left else 'aucune'}")
        _fill_planning_sheet(ctx, view)
        lines.append(f"\nLa semaine est aussi sur la feuille « {PLANNING_SHEET} ».")
        return Result(message="\n".join(lines), data=view)

    return run(ctx, service, read_only=True)


PLANNING_SHEET = "Planning"
PLANNING_ROWS, PLANNING_COLS = 120, 8
# fill of a day's cell by the state of its visits (the first one that applies), or unavailable
STATUS_COLOURS = (("Réalisée", (217, 217, 217)), ("Confirmée au client", (198, 239, 206)),
                  ("Planifiée", (189, 215, 238)))
UNAVAILABLE = (242, 242, 242)


def _fill_planning_sheet(ctx: Ctx, view: dict[str, Any]) -> None:
    """The « Planning » sheet (made the first time): one row per technician, one column per day,
    each day's visits in order, coloured by status; the orders still to plan below."""
    book = ctx.book
    names = [s.name for s in book.sheets]
    sheet = book.sheets[PLANNING_SHEET] if PLANNING_SHEET in names else book.sheets.add(
        name=PLANNING_SHEET, after=book.sheets[names[0]])
    area = sheet.range((1, 1), (PLANNING_ROWS, PLANNING_COLS))
    area.clear_contents()
    area.color = None
    days = [d["jour"] for d in view["techniciens"][0]["jours"]] if view["techniciens"] else []
    rows: list[list[Any]] = [
        ["'" + f"Planning de la semaine {view['semaine']} (du {date_fr(view['du'])} au {date_fr(view['au'])})"]
        + [None] * (PLANNING_COLS - 1),
        ["'Technicien", *["'" + f"{WEEKDAYS[d.weekday()]} {d:%d/%m}" for d in days][:PLANNING_COLS - 1]]]
    colours: list[tuple[int, int, tuple[int, int, int]]] = []
    for i, t in enumerate(view["techniciens"][:PLANNING_ROWS - 6]):
        row: list[Any] = ["'" + f"{t['technicien']} — {t['nom']}"]
        for k, d in enumerate(t["jours"][:PLANNING_COLS - 1]):
            visits = d["interventions"]
            text = "\n".join(f"{j['debut']} {j['id']} {j['nom_client']} ({j['statut']})" for j in visits)
            row.append("'" + text if text else ("'" + str(d["indisponible"]) if d["indisponible"] else None))
            states = {str(j["statut"]) for j in visits}
            colour = next((c for s, c in STATUS_COLOURS if s in states), None) if visits else (
                UNAVAILABLE if d["indisponible"] else None)
            if colour is not None:
                colours.append((3 + i, 2 + k, colour))
        rows.append(row + [None] * (PLANNING_COLS - len(row)))
    left = view["commandes_a_planifier"]
    rows.append([None] * PLANNING_COLS)
    rows.append(["'" + f"Commandes à planifier : {', '.join(left) if left else 'aucune'}"] + [None] * (PLANNING_COLS - 1))
    sheet.range((1, 1), (len(rows), PLANNING_COLS)).value = rows
    for r, c, colour in colours:
        sheet.range((r, c)).color = colour


def day_sheet(ctx: Ctx, day: str) -> dict[str, Any]:
    from pyxl.documents.planning_docs import day_sheet_context, day_sheet_document

    def service(store: Any) -> Any:
        tech = ctx.selected("tTechniciens", "de technicien")
        when = _day(day, "Le jour", ctx.as_of + dt.timedelta(days=1))
        visits = day_sheet_context(store, str(tech["code"]), when)["visites"]
        book = files_path(ctx)
        paths = day_sheet_document(book, store, str(tech["code"]), when) if book and _documents_wanted() else []
        text = (f"Feuille de journée de {tech['code']} ({tech['name']}) du {date_fr(when)} : "
                f"{len(visits)} intervention(s).")
        text += "".join(f"\n  {v['heure']}  {v['client']}  {v['adresse']}" for v in visits)
        text += "".join(f"\nDocument : {p}" for p in paths)
        return Result(message=text, data={"technicien": tech["code"], "jour": when,
                                          "documents": [str(p) for p in paths]})

    return run(ctx, service, read_only=True)


# --------------------------------------------------------------------------- contrats
def _month(text: str, as_of: dt.date) -> str:
    return text.strip() or f"{as_of:%Y-%m}"


def visits_of_month(ctx: Ctx, month: str) -> dict[str, Any]:
    from pyxl.services.contracts import visits_due

    return run(ctx, lambda store: visits_due(store, _month(month, ctx.as_of), ctx.as_of))


def attestation(ctx: Ctx, day: str) -> dict[str, Any]:
    from pyxl.services.contracts import record_attestation

    def service(store: Any) -> Any:
        job = ctx.selected("tInterventions", "d'intervention")
        return record_attestation(store, str(job["id"]), _day(day, "La date de remise", ctx.as_of), ctx.as_of)

    def after(result: Any) -> None:
        book = files_path(ctx)
        if book is None or not _documents_wanted():
            return
        from pyxl.documents.contract_docs import attestation_document

        paths = attestation_document(book, ctx.store, str(result.data["id"]))
        result.message += "".join(f"\nAttestation : {p}" for p in paths)

    return run(ctx, service, after=after)


def renewal_notices(ctx: Ctx, send: str) -> dict[str, Any]:
    from pyxl.services.contracts import notices

    sending = send.strip().casefold() in ("oui", "o", "yes")

    def after(result: Any) -> None:
        book = files_path(ctx)
        if not sending or not result.data["avis"] or book is None or not _documents_wanted():
            return
        from pyxl.documents.contract_docs import notice_documents, write_notices

        paths = notice_documents(book, ctx.store, result.data["avis"], ctx.as_of)
        paths += write_notices(book, ctx.store, result.data["avis"], dt.datetime.now().astimezone())
        result.message += "".join(f"\nDocument : {p}" for p in paths)

    if not sending:
        return run(ctx, lambda store: notices(store, ctx.as_of), read_only=True)
    return run(ctx, lambda store: notices(store, ctx.as_of, send=True), after=after)


def invoice_month(ctx: Ctx, month: str) -> dict[str, Any]:
    from pyxl.services.contract_billing import invoice_contracts

    return run(ctx, lambda store: invoice_contracts(store, _month(month, ctx.as_of), ctx.as_of),
               documents=lambda res: [("facture", str(f["facture"])) for f in res.data.get("factures", [])])
