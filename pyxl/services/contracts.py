"""Maintenance contracts (`syc contrat`): creation, changes, termination, the visits due in a month
with proposed slots, the renewal notices (art. L215-1 C. conso) and the alarms: a notice not sent
in its window, an attestation not handed within 15 days of the visit. The date rules are in
`pyxl.core.maintenance`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyxl.core import fields
from pyxl.core import maintenance as mt
from pyxl.core import planning as pl
from pyxl.core import workflow as wf
from pyxl.core.issues import Issue, Refused
from pyxl.core.kinds import ClientKind
from pyxl.core.messages import msg
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services.common import Collector, Result
from pyxl.services.planning import (
    absences_by_tech,
    active_technicians,
    bookings_of,
    get_job,
    holidays_for,
    new_job,
    travel_of,
)
from pyxl.workbook.schema import CONTRACT_BILLING, EQUIPMENT_CATEGORIES, NO, T_CONTRACTS, YES
from pyxl.workbook.store import Row, Store

ACTIVE, TERMINATED = "Actif", "Résilié"
VISIT_MINUTES = 60
DEFAULT_NOTICE_DAYS = 30


def _categories() -> dict[str, str]:
    from pyxl.services.articles import CATEGORY_ALIASES

    return CATEGORY_ALIASES


@dataclass
class ContractInput:
    client: str | None = None
    category: str | None = None
    brand: str | None = None
    model: str | None = None
    power_kw: str | None = None
    installed_on: str | None = None
    formula: str | None = None
    price_ht: str | None = None
    billing: str | None = None
    start: str | None = None
    anniversary: str | None = None
    tacit: str | None = None
    notice_days: str | None = None
    protected: str | None = None
    notes: str | None = None
    housing: str | None = None  # premises: housing finished more than two years ago (Oui/Non)


def _date(c: Collector, code: str, text: str | None, label: str) -> dt.date | None:
    if text is None or not str(text).strip():
        return None
    day: dt.date | None = c.check(code, lambda: fields.date(text, label=label))
    return day


def _values(c: Collector, given: ContractInput, *, new: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if new or given.category is not None:
        out["category"] = c.check("contrat.equipement", lambda: fields.choice(
            given.category, EQUIPMENT_CATEGORIES, label="L'équipement (sa catégorie)", required=True,
            aliases=_categories()))
    for key, label, n in (("brand", "La marque", 60), ("model", "Le modèle", 60), ("notes", "La remarque", 500)):
        text = getattr(given, key)
        if text is not None:
            try:
                out[key] = fields.text(text, label=label, max_len=n)
            except fields.FieldError as exc:
                c.error(f"contrat.{key}", fields.after_colon(str(exc)))
    if given.power_kw is not None:
        power = c.check("contrat.puissance", lambda: fields.amount(given.power_kw, label="La puissance (kW)"))
        if power is not None and not Decimal("0.5") <= power <= Decimal(2000):
            c.error("contrat.puissance", f"la puissance {given.power_kw} kW est impossible (de 0,5 à 2 000 kW).")
        out["power_kw"] = power
    if given.installed_on is not None:
        out["installed_on"] = _date(c, "contrat.mise_en_service", given.installed_on, "La date de mise en service")
    if new or given.formula is not None:
        out["formula"] = c.check("contrat.formule", lambda: fields.text(given.formula, label="La formule",
                                                                        required=True, max_len=120))
    if new or given.price_ht is not None:
        out["price_ht"] = c.check("contrat.prix", lambda: fields.amount(given.price_ht, label="Le prix annuel HT",
                                                                       required=True))
    if new or given.billing is not None:
        out["billing"] = c.check("contrat.facturation", lambda: fields.choice(
            given.billing or "Annuelle", CONTRACT_BILLING, label="La facturation"))
    if new or given.tacit is not None:
        out["tacit"] = c.check("contrat.reconduction", lambda: fields.choice(given.tacit or YES, (YES, NO),
                                                                             label="La reconduction tacite"))
    if new or given.notice_days is not None:
        out["notice_days"] = c.check("contrat.preavis", lambda: fields.integer(
            given.notice_days or str(DEFAULT_NOTICE_DAYS), label="Le préavis (jours)", minimum=0, maximum=180))
    if new or given.housing is not None:
        out["housing_old"] = c.check("contrat.logement", lambda: fields.choice(
            given.housing or NO, (YES, NO), label="Logement de plus de 2 ans"))
    if given.protected is not None:
        out["protected"] = c.check("contrat.protege", lambda: fields.choice(given.protected, (YES, NO),
                                                                            label="Client protégé"))
    return out


def _check_equipment(c: Collector, values: dict[str, Any]) -> None:
    if values.get("category") in mt.HEAT_PUMPS and values.get("power_kw") is None:
        c.error("contrat.puissance", "donnez la puissance de la pompe à chaleur (--puissance KW) : elle décide de "
                                     "la périodicité des visites (tous les deux ans de 4 à 70 kW, décret 2020-912).")


def create_contract(store: Store, given: ContractInput, as_of: dt.date) -> Result:
    from pyxl.services.clients import get_client

    client = get_client(store, given.client or "")
    c = Collector(f"Contrat d'entretien de {sd.client_name(client)}")
    values = _values(c, given, new=True)
    start = c.check("contrat.debut", lambda: fields.date(given.start, label="La date de début"))
    anniversary = _date(c, "contrat.reconduction", given.anniversary, "La date de première reconduction")
    if start is not None:
        anniversary = anniversary or mt.add_months(start, 12)
        if anniversary <= start:
            c.error("contrat.reconduction", f"il commencerait le {sd.day(start)}, après sa reconduction du "
                                            f"{sd.day(anniversary)} : la reconduction suit le début.")
        elif anniversary > mt.add_months(start, 60):
            c.error("contrat.reconduction", f"la première reconduction du {sd.day(anniversary)} est à plus de cinq "
                                            "ans du début.")
        installed = values.get("installed_on")
        if installed and installed > start:
            c.warn("contrat.mise_en_service", f"l'équipement est mis en service le {sd.day(installed)}, après le "
                                              "début du contrat.")
    _check_equipment(c, values)
    warnings = c.raise_if_errors()
    protected = values.pop("protected", None) or (YES if client["kind"] == ClientKind.PRIVATE else NO)
    res = Result(warnings=warnings)
    number = sd.next_ref(store, res.changes, "Contrat", start.year, f"CE{start.year}-", 4, "tContrats", "number")
    row = {"number": number, "client": client["code"], "client_name": sd.client_name(client), **values,
           "start": start, "anniversary": anniversary, "protected": protected, "status": ACTIVE}
    res.changes.append("tContrats", row)
    months, why = mt.cadence(str(values["category"]), values.get("power_kw"))
    res.message = (f"Contrat d'entretien {number} créé pour {row['client_name']} : {values['category']}, "
                   f"{values['formula']}, {euros(values['price_ht'])} HT par an, du {sd.day(start)} "
                   f"(reconduction le {sd.day(anniversary)}).\nVisites : {why}.\n"
                   f"Étape suivante : syc contrat visites --mois {start:%Y-%m}")
    res.data = {"numero": number, "contrat": contract_json(row), "periodicite_mois": months}
    return res


def get_contract(store: Store, number: str) -> Row:
    return sd.get_row(store, "tContrats", "number", number, "Contrat", "Voyez la liste avec « syc contrat liste ».")


def modify_contract(store: Store, number: str, given: ContractInput) -> Result:
    row = get_contract(store, number)
    where = f"Contrat {row['number']} ({row.where})"
    if row["status"] == TERMINATED:
        raise sd.refuse("contrat.etat", where, f"il est résilié depuis le {sd.day(row['ended_on'])}.")
    c = Collector(where)
    values = _values(c, given, new=False)
    _check_equipment(c, {"category": row["category"], "power_kw": row["power_kw"], **values})
    warnings = c.raise_if_errors()
    changed = {k: v for k, v in values.items() if v != row[k] and not (v == "" and row[k] is None)}
    res = Result(warnings=warnings)
    headers = [T_CONTRACTS.column(k).header for k in changed]
    if changed:
        res.changes.update("tContrats", row, changed)
        res.message = msg("record.updated", what=f"Contrat {row['number']}", columns=", ".join(headers))
    else:
        res.message = msg("record.unchanged", what=f"Contrat {row['number']}")
    res.data = {"numero": row["number"], "modifie": headers}
    return res


def terminate_contract(store: Store, number: str, on: dt.date, reason: str, as_of: dt.date) -> Result:
    row = get_contract(store, number)
    where = f"Contrat {row['number']} ({row.where})"
    if row["status"] == TERMINATED:
        raise sd.refuse("contrat.etat", where, f"il est déjà résilié depuis le {sd.day(row['ended_on'])}.")
    if on < row["start"]:
        raise sd.refuse("contrat.resiliation", where, f"la résiliation du {sd.day(on)} précède le début du contrat "
                                                      f"({sd.day(row['start'])}).")
    why = fields.text(reason, label="Le motif", required=True, max_len=300)
    res = Result()
    res.changes.update("tContrats", row, {"status": TERMINATED, "ended_on": on, "end_reason": why})
    dropped = []
    for job in store.rows_where("tInterventions", "contract", {str(row["number"])}):
        state = wf.next_state("intervention", "annuler", str(job["status"]))
        if state is not None and (job["date"] is None or job["date"] > on):
            res.changes.update("tInterventions", job, {"status": state, "reason": f"contrat résilié : {why}"})
            dropped.append(str(job["id"]))
    res.message = f"Contrat {row['number']} résilié le {sd.day(on)} : {why}."
    if dropped:
        res.message += f" Visites annulées : {', '.join(dropped)}."
    refund = _refund_if_unnotified(row, on)
    if refund is not None:
        res.message += (f"\nL'avis de reconduction n'a pas été envoyé à temps : résiliation sans frais ; les avances "
                        f"pour la période après le {sd.day(on)} sont à rembourser dans les 30 jours "
                        f"({euros(refund)} HT au prorata, art. L215-1 C. conso).")
    res.data = {"numero": row["number"], "statut": TERMINATED, "visites_annulees": dropped,
                "remboursement_ht": refund}
    return res


def list_contracts(store: Store, status: str = "") -> list[Row]:
    rows = store.rows("tContrats")
    if status:
        want = fields.choice(status, (ACTIVE, TERMINATED), label="Le statut", aliases={"actif": ACTIVE,
                                                                                      "resilie": TERMINATED})
        rows = [r for r in rows if r["status"] == want]
    return sorted(rows, key=lambda r: str(r["number"]))


def contract_json(values: Any) -> dict[str, Any]:
    v = values.values if isinstance(values, Row) else values
    return {k: ("" if v.get(k) is None else v.get(k)) for k in T_CONTRACTS.keys}


# --------------------------------------------------------------------------- visits
def _month(text: str) -> tuple[dt.date, dt.date]:
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise Refused(Issue("contrat.mois", f"Mois « {fields.shown(text)} » illisible : écrivez AAAA-MM, ex. 2026-11.",
                            "mois"))
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    return first, mt.add_months(first, 1) - dt.timedelta(days=1)


def _last_visits(store: Store) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for j in store.rows("tInterventions"):
        if j["contract"] and j["status"] == wf.J_DONE and j["done_on"]:
            key = str(j["contract"])
            out[key] = max(out.get(key, j["done_on"]), j["done_on"])
    return out


def visits_due(store: Store, month: str, as_of: dt.date, count: int = 1) -> Result:
    """The visits due by the end of the month: those not yet created become interventions « À
    planifier »; each gets proposed slots, the earlier ones' first slot held for the later ones."""
    first, last = _month(month)
    last_visits = _last_visits(store)
    jobs = store.rows("tInterventions")
    open_visit = {str(j["contract"]): j for j in jobs if j["contract"] and j["status"] not in (wf.J_DONE, wf.J_CANCELLED)}
    res = Result()
    todo: list[tuple[dict[str, Any], dt.date, str]] = []
    for c in list_contracts(store):
        if c["status"] != ACTIVE or c["start"] > last:
            continue
        months, why = mt.cadence(str(c["category"]), c["power_kw"])
        due = mt.visit_due(c["start"], last_visits.get(str(c["number"])), c["installed_on"], months)
        if due > last:
            continue
        existing = open_visit.get(str(c["number"]))
        if existing is None:
            what = " ".join(str(x) for x in (c["category"], c["brand"], c["model"]) if x)
            job = new_job(store, res.changes, client=str(c["client"]), contract=str(c["number"]),
                          work=f"Entretien {what} ({c['formula']})", skill=mt.skill(str(c["category"])),
                          duration=VISIT_MINUTES, due=due)
        else:
            job = dict(existing.values)
        todo.append((job, due, why))
    techs = active_technicians(store)
    held = bookings_of(jobs)
    hol = holidays_for(store, range(first.year, first.year + 2))
    absences, travel = absences_by_tech(store), travel_of(store)
    items = []
    lines = []
    for job, due, why in sorted(todo, key=lambda t: (t[1], str(t[0]["id"]))):
        proposals: list[pl.Proposal] = []
        if job["status"] in wf.BOOKED_JOB_STATES:
            slot = f"planifiée le {sd.day(job['date'])} à {job['start']} ({job['technician']})"
        else:
            pjob = pl.Job(str(job["id"]), str(job["skill"]), int(job["duration"] or VISIT_MINUTES),
                          str(job["sector"] or ""))
            proposals = pl.propose(pjob, techs, held, hol, absences, travel,
                                    max(as_of + dt.timedelta(days=1), first), count)
            if proposals:
                p = proposals[0]
                held.append(pl.Booking(pjob.id, p.technician, p.day, p.start, p.end, pjob.sector))
            slot = (f"proposée : {proposals[0].technician} le {sd.day(proposals[0].day)} à "
                    f"{pl.hhmm(proposals[0].start)} — {proposals[0].reason}") if proposals else "aucun créneau libre"
        late = " (en retard)" if due < first else ""
        lines.append(f"{job['id']}  {job['contract']}  {job['client_name']}  due le {sd.day(due)}{late} : {slot}")
        items.append({"visite": job["id"], "contrat": job["contract"], "client": job["client"],
                      "nom_client": job["client_name"], "due_le": due, "en_retard": due < first, "motif": why,
                      "statut": job["status"],
                      "propositions": [{"technicien": p.technician, "debut": f"{p.day.isoformat()} {pl.hhmm(p.start)}",
                                        "duree_min": p.duration, "raison": p.reason} for p in proposals]})
    created = len(res.changes.appends.get("tInterventions", []))
    res.message = (f"Visites d'entretien dues au plus tard fin {first:%m/%Y} : {len(items)}"
                   + (f" (dont {created} créée(s) à planifier)" if created else "") + ".\n" + "\n".join(lines))
    if items:
        res.message += "\nÉtape suivante : syc planning planifier --visite ID --technicien CODE --debut \"AAAA-MM-JJ HH:MM\""
    res.data = {"mois": f"{first:%Y-%m}", "visites": items, "creees": created}
    return res


# --------------------------------------------------------------------------- attestation
def record_attestation(store: Store, job_id: str, on: dt.date, as_of: dt.date) -> Result:
    job = get_job(store, job_id)
    where = f"Intervention {job['id']} ({job.where})"
    if not job["contract"]:
        raise sd.refuse("attestation.visite", where, "ce n'est pas une visite d'entretien sous contrat.")
    if job["status"] != wf.J_DONE or not job["done_on"]:
        raise sd.refuse("attestation.visite", where, f"la visite est « {job['status']} » : réalisez-la d'abord "
                                                     f"(syc intervention realiser {job['id']} --date …).")
    if on < job["done_on"] or on > as_of:
        raise sd.refuse("attestation.date", where, f"l'attestation est remise entre la visite du "
                                                   f"{sd.day(job['done_on'])} et aujourd'hui.")
    res = Result()
    res.changes.update("tInterventions", job, {"attestation_on": on})
    deadline = mt.attestation_deadline(job["done_on"])
    late = on > deadline
    res.message = (f"Attestation d'entretien de la visite {job['id']} remise le {sd.day(on)}"
                   + (f", après le délai de 15 jours ({sd.day(deadline)})." if late else "."))
    res.data = {"id": job["id"], "remise_le": on, "limite": deadline, "hors_delai": late}
    return res


# --------------------------------------------------------------------------- renewal notices and alarms
def _refund_if_unnotified(row: Row, on: dt.date) -> Decimal | None:
    if row["tacit"] == NO or row["protected"] != YES or not row["anniversary"]:
        return None
    r = mt.last_renewal(row["anniversary"], int(row["notice_days"] or 0), on)
    if r is None or mt.notice_sent_for(r, row["notice_sent_on"]):
        return None
    return mt.refund(row["price_ht"] or Decimal(0), r, on)


def notices(store: Store, as_of: dt.date, month: str = "", send: bool = False) -> Result:
    """The renewal notices to send (today inside their window, or windows meeting `month`), the
    alarms (a window passed without a notice; an attestation late), and with `send` the notices
    marked as sent today."""
    first, last = _month(month) if month else (as_of, as_of)
    res = Result()
    items, alarms = [], []
    for c in list_contracts(store):
        if c["status"] != ACTIVE or c["tacit"] == NO or c["protected"] != YES or not c["anniversary"]:
            continue
        notice = int(c["notice_days"] or 0)
        r = mt.next_renewal(c["anniversary"], notice, first)
        sent = mt.notice_sent_for(r, c["notice_sent_on"])
        if r.window_start <= last and first <= r.window_end and not sent:
            items.append({"contrat": c["number"], "client": c["client"], "nom_client": c["client_name"],
                          "reconduction": r.renewal, "refus_jusqu_au": r.refusal_deadline,
                          "envoi_du": r.window_start, "envoi_au": r.window_end})
            if send:
                if not r.window_start <= as_of <= r.window_end:
                    raise sd.refuse("contrat.avis", f"Contrat {c['number']} ({c.where})",
                                    f"l'avis s'envoie du {sd.day(r.window_start)} au {sd.day(r.window_end)} "
                                    f"(art. L215-1 C. conso), pas le {sd.day(as_of)}.")
                res.changes.update("tContrats", c, {"notice_sent_on": as_of})
        coming = mt.renewal_after(c["anniversary"], notice, as_of)
        if as_of > coming.window_end and not mt.notice_sent_for(coming, c["notice_sent_on"]):
            alarms.append(f"Contrat {c['number']} ({c['client_name']}) : avis de reconduction non envoyé entre le "
                          f"{sd.day(coming.window_start)} et le {sd.day(coming.window_end)} ; après la reconduction du "
                          f"{sd.day(coming.renewal)}, le client pourra résilier à tout moment, sans frais.")
        past = mt.last_renewal(c["anniversary"], notice, as_of)
        if past is not None and not mt.notice_sent_for(past, c["notice_sent_on"]):
            refund = mt.refund(c["price_ht"] or Decimal(0), past, as_of)
            alarms.append(f"Contrat {c['number']} ({c['client_name']}) : reconduit le {sd.day(past.renewal)} sans "
                          f"avis envoyé à temps : le client peut résilier à tout moment ; s'il résilie aujourd'hui, "
                          f"{euros(refund)} HT d'avances à rembourser dans les 30 jours (art. L215-1 C. conso).")
    for j in store.rows("tInterventions"):
        if j["contract"] and j["status"] == wf.J_DONE and j["done_on"] and not j["attestation_on"]:
            deadline = mt.attestation_deadline(j["done_on"])
            if as_of > deadline:
                alarms.append(f"Visite {j['id']} ({j['client_name']}, {sd.day(j['done_on'])}) : attestation "
                              f"d'entretien non remise, le délai de 15 jours a expiré le {sd.day(deadline)}.")
            else:
                alarms.append(f"Visite {j['id']} ({j['client_name']}) : attestation d'entretien à remettre au "
                              f"plus tard le {sd.day(deadline)} (syc contrat attestation {j['id']}).")
    lines = [f"{i['contrat']}  {i['nom_client']}  : refus possible jusqu'au {sd.day(i['refus_jusqu_au'])}, avis à "
             f"envoyer du {sd.day(i['envoi_du'])} au {sd.day(i['envoi_au'])}" for i in items]
    head = (f"Avis de reconduction {'envoyés' if send else 'à envoyer'} : {len(items)}." if items else
            "Aucun avis de reconduction à envoyer.")
    res.message = "\n".join([head, *lines, *(f"Alarme : {a}" for a in alarms)])
    if items and not send:
        res.message += "\nÉtape suivante : syc contrat avis --envoyer (les lettres sont préparées et l'envoi noté)."
    res.data = {"avis": items, "alarmes": alarms, "envoyes": send and bool(items)}
    return res
