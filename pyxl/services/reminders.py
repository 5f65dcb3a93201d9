"""What the reminder procedure writes in « Relances » and « Échéanciers »: the steps done outside
the tool (posted, registered-letter number, acknowledgement of receipt), the call outcomes
(promise with a date, dispute, payment plan, wrong number, no answer…), and the letters and files
produced by `syc relances executer`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pyxl.core import fields, money
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.money import euros
from pyxl.services import dunning
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.workbook.schema import DUNNING_STEPS
from pyxl.workbook.store import ChangeSet, Row, Store

CALL_RESULTS = {
    "sans-reponse": "Appel sans réponse", "message": "Message laissé", "promesse": "Promesse de paiement",
    "litige": "Litige", "echeancier": "Échéancier accordé", "mauvais-numero": "Mauvais numéro", "fait": "Fait",
    "autre": "Autre",
}
# Instalments are separated by « ; », or by a « , » followed by a date: the comma is also the decimal
# comma of the amounts (« 2026-12-15:500,2027-01-15:480,50 »).
PLAN_SEPARATOR = re.compile(r"[;,]\s*(?=\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})|;")
STEP_ALIASES = {"recommande": "lrar", "lettre-recommandee": "lrar", "med": "mise-en-demeure",
                "mise_en_demeure": "mise-en-demeure", "ip": "injonction", "injonction-de-payer": "injonction"}


class Ids:
    """Consecutive « RL2026-00001 » numbers for several rows of one change set."""

    def __init__(self, store: Store, changes: ChangeSet, year: int):
        self.store, self.changes, self.year = store, changes, year
        self.n: int | None = None

    def next(self) -> str:
        prefix = f"RL{self.year}-"
        if self.n is None:
            ref = sd.next_ref(self.store, self.changes, "Relance", self.year, prefix, 5, "tRelances", "id")
            self.n = int(ref[len(prefix):])
            return ref
        self.n += 1
        for _, values in reversed(self.changes.updates.get("tCompteurs", [])):
            values["last"] = self.n
            break
        else:
            for values in reversed(self.changes.appends.get("tCompteurs", [])):
                if values.get("series") == "Relance":
                    values["last"] = self.n
                    break
        return f"{prefix}{self.n:05d}"


def _targets(store: Store, target: str, as_of: dt.date) -> tuple[str, list[dunning.Case], dunning.Session]:
    """The overdue invoices a note is about: one invoice, or every overdue invoice of a client."""
    from pyxl.services.clients import get_client
    from pyxl.services.invoices import get_doc

    text = (target or "").strip()
    if not text:
        raise Refused(Issue("relance.cible", "Précisez la facture (ex. F2026-00012) ou le client (ex. C00002)."))
    numbers = store.rows_where("tFactures", "number", {text, text.upper()})
    if numbers:
        doc = get_doc(store, text)
        ses = dunning.session(store, as_of, clients={str(doc["client"])})
        cases = [c for c in ses.cases if c.number == doc["number"]]
        if not cases:
            raise sd.refuse("relance.pas-en-retard", f"Facture {doc['number']} ({doc.where})",
                            f"elle n'est pas en retard de paiement au {sd.day(as_of)} (échéance "
                            f"{sd.day(doc['due_date'])}, statut « {doc['status']} ») : rien à noter.")
        return f"Facture {doc['number']}", cases, ses
    client = get_client(store, text)
    ses = dunning.session(store, as_of, clients={str(client["code"])})
    if not ses.cases:
        raise sd.refuse("relance.pas-en-retard", f"Client {client['code']} ({client.where})",
                        f"aucune facture en retard au {sd.day(as_of)} : rien à noter.")
    return f"Client {client['code']}", ses.cases, ses


def _base_row(c: dunning.Case, as_of: dt.date) -> dict[str, Any]:
    return {"date": as_of, "invoice": c.number, "client": c.client_code, "client_name": sd.client_name(c.client),
            "owed": c.owed, "interest": c.interest.interest}


def _plan_spec(text: str, where: str, owed: Decimal, as_of: dt.date) -> list[tuple[dt.date, Decimal]]:
    out = []
    for part in [p for p in PLAN_SEPARATOR.split(text or "") if p.strip()]:
        day_text, _, amount_text = part.strip().partition(":")
        try:
            day = fields.date(day_text, label="La date de l'échéance")
            amount = money.parse_decimal(amount_text, max_places=2)
        except (fields.FieldError, money.AmountError) as exc:
            raise sd.refuse("relance.echeancier", where, f"échéance « {part.strip()} » illisible ({exc}) : écrivez "
                                                         "DATE:MONTANT, séparées par des virgules (ou des "
                                                         "points-virgules, entre guillemets), ex. "
                                                         "2026-12-15:500,2027-01-15:480,50.") from None
        if amount <= 0 or day < as_of:
            raise sd.refuse("relance.echeancier", where, f"échéance « {part.strip()} » : montant positif et date à "
                                                         f"partir du {sd.day(as_of)}.")
        out.append((day, amount))
    if not out:
        raise sd.refuse("relance.echeancier", where, "échéancier vide : --echeancier 2026-12-15:500,2027-01-15:500.")
    total = sum((a for _, a in out), Decimal(0))
    if total != owed:
        raise sd.refuse("relance.echeancier", where, f"le total des échéances ({euros(total)}) doit être égal au reste "
                                                     f"dû ({euros(owed)}).")
    return sorted(out)


def note(store: Store, target: str, as_of: dt.date, *, call: str = "", step: str = "",
         posted: dt.date | None = None, lr_number: str = "", ack: dt.date | None = None,
         unclaimed: dt.date | None = None, promise: dt.date | None = None, dispute: str | None = None,
         dispute_settled: bool = False, plan: str = "", notes: str = "", proof: str = "") -> Result:
    """`syc relances noter`: record one outside step or one call outcome."""
    where, cases, _ = _targets(store, target, as_of)
    notes = fields.text(notes, label="La remarque", max_len=2000)
    proof = fields.text(proof, label="La preuve écrite", max_len=300)
    if dispute is not None and not dispute.strip():  # --litige "" : the reason is what makes it a dispute
        raise sd.refuse("relance.litige", where, "précisez le motif du litige : --litige « radiateur toujours "
                                                 "froid » (texte non vide).")
    dispute = fields.text(dispute or "", label="Le motif du litige", max_len=2000)
    lr_number = fields.text(lr_number, label="Le n° de recommandé", max_len=40)
    res = Result()
    ids = Ids(store, res.changes, as_of.year)
    outside = posted or lr_number or ack or unclaimed
    given = [bool(call), bool(outside), bool(promise and not call), bool(dispute and not call), dispute_settled,
             bool(plan and not call)]
    if sum(given) != 1:
        raise sd.refuse("relance.noter", where, "notez une seule chose à la fois : --appel RESULTAT, ou --poste / "
                                                "--recommande / --ar / --non-reclame, ou --promesse DATE, ou --litige "
                                                "MOTIF, ou --litige-regle, ou --echeancier …")
    for label, d in (("La date de dépôt", posted), ("La date de l'accusé de réception", ack),
                     ("La date du retour du pli", unclaimed)):
        if d is not None and d > as_of:
            raise sd.refuse("relance.date", where, f"{label.lower()} ({sd.day(d)}) est postérieure au {sd.day(as_of)} : "
                                                   "on note ce qui est arrivé.")
    if promise is not None and promise < as_of:
        raise sd.refuse("relance.promesse", where, f"la date promise ({sd.day(promise)}) est déjà passée au "
                                                   f"{sd.day(as_of)}.")
    if outside:
        return _note_outside(store, res, where, cases, as_of, step, posted, lr_number, ack, unclaimed, notes)
    outcome = ""
    if call:
        key = fields.choice(call, tuple(CALL_RESULTS), label="Le résultat de l'appel",
                            aliases={"sans reponse": "sans-reponse", "pas-de-reponse": "sans-reponse",
                                     "repondeur": "message", "faux-numero": "mauvais-numero"})
        outcome = CALL_RESULTS[key]
        if outcome == "Promesse de paiement" and promise is None:
            raise sd.refuse("relance.promesse", where, "une promesse se note avec sa date : --promesse AAAA-MM-JJ.")
        if outcome == "Échéancier accordé" and not plan:
            raise sd.refuse("relance.echeancier", where, "précisez les échéances : --echeancier 2026-12-15:500,2027-01-15:480,50.")
        if outcome == "Litige" and not (dispute or notes):
            raise sd.refuse("relance.litige", where, "précisez le motif du litige : --litige « … ».")
    elif promise is not None:
        outcome = "Promesse de paiement"
    elif dispute:
        outcome = "Litige"
    elif dispute_settled:
        outcome = "Litige réglé"
    elif plan:
        outcome = "Échéancier accordé"
    if outcome == "Échéancier accordé":
        if len(cases) != 1:
            raise sd.refuse("relance.echeancier", where, "un échéancier se note facture par facture : donnez le numéro "
                                                         "de la facture.")
        current = dunning.latest_plans(store).get(cases[0].number)
        if current and cases[0].stop.startswith("échéancier"):
            raise sd.refuse("relance.echeancier", where, f"la facture a déjà l'échéancier {current[0]['plan']}, en "
                                                         "cours et respecté : il reste la règle. Un nouvel échéancier "
                                                         "ne se note que s'il n'est plus respecté (échéance manquée).")
        instalments = _plan_spec(plan, where, cases[0].owed, as_of)
        taken = {str(r["plan"] or "") for r in store.rows("tEcheanciers")}
        plan_id = base_id = f"ECH-{cases[0].number}-{as_of:%Y%m%d}"
        n = 1
        while plan_id in taken:
            n += 1
            plan_id = f"{base_id}-{n}"
        for day, amount in instalments:
            res.changes.append("tEcheanciers", {"plan": plan_id, "invoice": cases[0].number,
                                                "client": cases[0].client_code, "due": day, "amount": amount})
        notes = (notes + " " if notes else "") + f"échéancier {plan_id} : " + ", ".join(
            f"{sd.day(d)} {euros(a)}" for d, a in instalments)
    if outcome == "Litige réglé" and not any(c.stop.startswith("litige") for c in cases):
        raise sd.refuse("relance.litige", where, "aucun litige en cours : rien à lever.")
    text = " ".join(t for t in (dispute, notes) if t)
    for c in cases:
        row = {**_base_row(c, as_of), "outcome": outcome, "notes": text or None,
               "promise_on": promise if outcome == "Promesse de paiement" else None}
        if call:
            row.update({"step": "appel", "channel": "Téléphone", "level": _level_of(store, "appel")})
        if proof and outcome in dunning.ACKNOWLEDGING_OUTCOMES:
            row["proof"] = proof
        row["id"] = ids.next()
        res.changes.append("tRelances", row)
    what = {"Promesse de paiement": f"promesse de paiement pour le {sd.day(promise)}",
            "Litige": "litige : relances suspendues", "Litige réglé": "litige levé : les relances reprennent",
            "Échéancier accordé": "échéancier accordé : relances suspendues tant qu'il est respecté"}.get(
        outcome, f"appel : {outcome.lower()}")
    numbers = ", ".join(c.number for c in cases)
    res.message = f"{where} : {what} (noté pour {numbers})."
    if outcome in dunning.ACKNOWLEDGING_OUTCOMES and not proof:
        res.warnings.append(Issue("relance.preuve", "Sans preuve écrite (lettre, formulaire signé, e-mail du débiteur), "
                                                    "cette reconnaissance de dette n'interrompt pas la prescription "
                                                    "(art. 2240 du Code civil) : si vous l'obtenez, notez-la avec "
                                                    "--preuve « e-mail du 12/03/2027 » ou dans la colonne « Preuve "
                                                    "écrite » de la feuille Relances.", where, Severity.WARNING))
    res.data = {"factures": [c.number for c in cases], "resultat": outcome}
    return res


def _level_of(store: Store, step: str) -> int | None:
    for lv in dunning.levels(store):
        if lv.step == step:
            return lv.level
    return None


def _note_outside(store: Store, res: Result, where: str, cases: Sequence[dunning.Case], as_of: dt.date,
                  step: str, posted: dt.date | None, lr_number: str, ack: dt.date | None, unclaimed: dt.date | None,
                  notes: str) -> Result:
    """Complete the rows of a letter already made: posted, registered-letter number, receipt."""
    if step:
        step = fields.choice(step, DUNNING_STEPS, label="L'étape", aliases=STEP_ALIASES)
    rows: list[Row] = []
    for c in cases:
        letter_steps = [s for s in ("injonction", "mise-en-demeure", "lrar", "lettre") if s in c.done]
        chosen = step or (letter_steps[0] if letter_steps else "")
        if chosen not in c.done:
            raise sd.refuse("relance.etape", where, f"{c.number} n'a pas d'étape « {chosen or 'lettre'} » dans "
                                                    "« Relances » : rien à compléter (syc relances pour voir où elle en est).")
        rows.append(c.done[chosen].rows[-1])
    for r in rows:
        updates: dict[str, Any] = {}
        if posted is not None:
            if isinstance(r["date"], dt.date) and posted < r["date"]:
                raise sd.refuse("relance.date", f"{where} ({r.where})", f"la lettre est datée du {sd.day(r['date'])} : "
                                                                        "elle n'a pas pu être postée avant.")
            updates["posted_on"] = posted
            updates["outcome"] = "Lettre postée"
        if lr_number:
            updates["lr_number"] = lr_number
        receipt = ack or unclaimed
        if receipt is not None:
            sent = posted or r["posted_on"] or r["date"]
            if isinstance(sent, dt.date) and receipt < sent:
                raise sd.refuse("relance.date", f"{where} ({r.where})", f"l'accusé de réception ({sd.day(receipt)}) "
                                                                        f"précède l'envoi ({sd.day(sent)}).")
            updates["ack_on"] = receipt
            updates["outcome"] = "Accusé de réception" if ack else "Pli non réclamé"
        if notes:
            updates["notes"] = f"{r['notes']} ; {notes}" if r["notes"] else notes
        res.changes.update("tRelances", r, updates)
    done = []
    if posted:
        done.append(f"postée le {sd.day(posted)}")
    if lr_number:
        done.append(f"recommandé n° {lr_number}")
    if ack:
        done.append(f"accusé de réception du {sd.day(ack)}")
    if unclaimed:
        done.append(f"pli non réclamé revenu le {sd.day(unclaimed)}")
    res.message = (f"{where} : {', '.join(done)} (noté sur {', '.join(str(r['id']) for r in rows)}). "
                   "Les délais courent à partir de ces dates.")
    res.data = {"relances": [str(r["id"]) for r in rows]}
    return res


def record_produced(store: Store, as_of: dt.date, produced: Sequence[tuple[dunning.Case, str, str, str]]) -> Result:
    """One « Relances » row per invoice of each letter or file produced: (case, step, outcome, file)."""
    res = Result()
    ids = Ids(store, res.changes, as_of.year)
    lv = {x.step: x for x in dunning.levels(store)}
    for case, step, outcome, file in produced:
        level = lv.get(step)
        res.changes.append("tRelances", {
            **_base_row(case, as_of), "id": ids.next(), "level": level.level if level else None, "step": step,
            "channel": level.channel if level else None, "outcome": outcome, "document": file[:300] or None})
    return res


__all__ = ["CALL_RESULTS", "note", "record_produced"]
