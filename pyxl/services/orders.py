"""Orders (bons de commande): one per accepted quote, numbered BC2026-0001 at creation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyxl.core import fields
from pyxl.core import workflow as wf
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.services.quotes import get_quote
from pyxl.workbook.store import Row, Store


def get_order(store: Store, number: str) -> Row:
    return sd.get_row(store, "tCommandes", "number", number, "Commande", "Voyez la liste avec « syc commande liste ».")


def create_order(store: Store, quote_number: str, as_of: dt.date) -> Result:
    q = get_quote(store, quote_number)
    where = f"Devis {q['number']} ({q.where})"
    sd.check_state("devis", q, f"Devis {q['number']}")
    if q["status"] == wf.Q_REPLACED:
        raise sd.refuse("commande.devis", where, f"il est remplacé par le devis {q['replaced_by']} : c'est celui-là "
                                                 f"que le client accepte (syc devis accepter {q['replaced_by']}).")
    if q["status"] == wf.Q_REFUSED:
        raise sd.refuse("commande.devis", where, "le client l'a refusé : faites un nouveau devis.")
    if q["status"] != wf.Q_ACCEPTED:
        raise sd.refuse("commande.devis", where, f"il est « {wf.quote_state(q['status'], q['valid_until'], as_of)} » : "
                                                 f"faites-le d'abord accepter (syc devis accepter {q['number']}).")
    if q["order"]:
        raise sd.refuse("commande.existe", where, f"il a déjà la commande {q['order']}.")
    if q["accepted_on"] and as_of < q["accepted_on"]:
        raise sd.refuse("commande.date", where, f"il a été accepté le {sd.day(q['accepted_on'])} : la commande ne peut "
                                                "pas être datée d'avant.")
    res = Result()
    number = sd.next_ref(store, res.changes, "Commande", as_of.year, f"BC{as_of.year}-", 4, "tCommandes", "number")
    row = {"number": number, "date": as_of, "quote": q["number"], "client": q["client"],
           "client_name": q["client_name"], "object": q["object"], "status": wf.O_OPEN,
           "total_ht": q["total_ht"], "total_ttc": q["total_ttc"]}
    res.changes.append("tCommandes", row)
    res.changes.update("tDevis", q, {"order": number})
    res.message = (f"Commande {number} créée pour le devis {q['number']} ({q['client_name']}).\n"
                   f"Étapes suivantes : syc facture acompte --commande {number} --pourcentage 30 (si acompte), "
                   f"puis syc commande realiser {number} --date JJ/MM/AAAA")
    res.data = {"numero": number, "devis": q["number"]}
    return res


def transition(row: Row, action: str) -> str:
    """The order's new state by the one transition table, or a French refusal naming it."""
    sd.check_state("commande", row, f"Commande {row['number']}")
    state = wf.next_state("commande", action, row["status"])
    if state is None:
        raise sd.refuse("commande.etat", f"Commande {row['number']} ({row.where})",
                        f"elle est « {row['status']} », elle ne peut pas être {wf.VERBS[action]}.")
    return state


def complete_order(store: Store, number: str, done: dt.date, as_of: dt.date, by_job: str = "") -> Result:
    """The order is done. With interventions planned, only its last intervention realises it
    (`by_job`, from `syc intervention realiser`): its date is the order's « Réalisée le »."""
    row = get_order(store, number)
    state = transition(row, "realiser")
    where = f"Commande {row['number']} ({row.where})"
    if done > as_of:
        raise sd.refuse("commande.date", where, f"la date de réalisation {sd.day(done)} est dans le futur.")
    if done < row["date"]:
        raise sd.refuse("commande.date", where, f"la date de réalisation {sd.day(done)} précède la commande "
                                                f"({sd.day(row['date'])}).")
    pending = [j for j in store.rows_where("tInterventions", "order", {str(row["number"])})
               if j["id"] != by_job and j["status"] not in (wf.J_DONE, wf.J_CANCELLED)]
    if pending:
        first = pending[0]
        ids = ", ".join(f"{j['id']} ({str(j['status']).lower()})" for j in pending)
        raise sd.refuse("commande.interventions", where,
                        f"intervention non réalisée : {ids}. La commande est réalisée par sa dernière intervention "
                        f"(syc intervention realiser {first['id']} --date AAAA-MM-JJ) ; si elle n'aura pas lieu, "
                        f"annulez-la d'abord (syc planning annuler --intervention {first['id']} --motif … --definitif).")
    _early_start(store, row, done, where)
    res = Result()
    res.changes.update("tCommandes", row, {"status": state, "done_on": done})
    res.message = (f"Commande {row['number']} réalisée le {sd.day(done)}.\n"
                   f"Étape suivante : syc facture creer --commande {row['number']} --emettre")
    res.data = {"numero": row["number"], "statut": state}
    return res


def _early_start(store: Store, order: Row, done: dt.date, where: str) -> None:
    """Works done inside the withdrawal period of a protected off-premises contract need the client's
    express request recorded at acceptance, or the urgent-repair flag (L221-25 C. conso)."""
    from pyxl.services.clients import get_client
    from pyxl.services.quotes import withdrawal_end

    q = get_quote(store, order["quote"])
    end = withdrawal_end(q, get_client(store, q["client"]))
    if end is None or done > end or sd.yes(q["express_request"]) or sd.yes(q["urgent"]):
        return
    raise sd.refuse("commande.retractation", where,
                    f"le devis {q['number']}, signé hors établissement le {sd.day(q['accepted_on'])}, est encore dans "
                    f"le délai de rétractation de 14 jours (jusqu'au {sd.day(end)}) : des travaux réalisés le "
                    f"{sd.day(done)} exigent la demande expresse du client, notée à l'acceptation (syc devis accepter "
                    f"{q['number']} --demande-expresse), ou un dépannage urgent (--urgent) (art. L221-25 du Code de "
                    "la consommation). Sans elle, attendez la fin du délai.")


def cancel_order(store: Store, number: str, reason: str, as_of: dt.date) -> Result:
    row = get_order(store, number)
    state = transition(row, "annuler")
    where = f"Commande {row['number']} ({row.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    res = Result()
    dropped = []
    for inv in store.rows("tFactures"):
        if inv["order"] != row["number"] or inv["doc_type"] == wf.T_CREDIT:
            continue
        if inv["status"] == wf.I_DRAFT:
            dropped.append(inv)
            continue
        total, credited = inv["total_ttc"] or 0, inv["credited"] or 0
        if credited < total:
            raise sd.refuse("commande.facturee", where,
                            f"{inv['doc_type'].lower()} {inv['number']} est émise : établissez d'abord un avoir "
                            f"(syc avoir creer --facture {inv['number']} --motif …), puis annulez la commande.")
    drop_drafts(store, dropped, res)
    res.changes.update("tCommandes", row, {"status": state, "cancel_reason": reason})
    for job in store.rows_where("tInterventions", "order", {str(row["number"])}):  # its visits will not happen
        job_state = wf.next_state("intervention", "annuler", str(job["status"]))
        if job_state is not None:
            res.changes.update("tInterventions", job, {"status": job_state, "reason": f"commande annulée : {reason}"})
    res.message = f"Commande {row['number']} annulée (elle garde son numéro) : {reason}"
    if dropped:
        res.message += f"\nBrouillons supprimés : {', '.join(str(d['ref']) for d in dropped)}."
    res.data = {"numero": row["number"], "statut": state, "brouillons_supprimes": [d["ref"] for d in dropped]}
    return res


def drop_drafts(store: Store, drafts: list[Row], res: Result) -> None:
    """A draft has no number yet: it is blanked out (row and lines), which breaks no series."""
    if not drafts:
        return
    from pyxl.workbook.schema import T_INVOICE_LINES, T_INVOICES

    refs = {str(d["ref"]) for d in drafts}
    blank_doc = dict.fromkeys(T_INVOICES.keys)
    for d in drafts:
        res.changes.update("tFactures", d, blank_doc)
    blank_line = dict.fromkeys(T_INVOICE_LINES.keys)
    for ln in store.rows_where("tLignesFactures", "doc", refs):
        res.changes.update("tLignesFactures", ln, blank_line)


def list_orders(store: Store, status: str = "") -> list[Row]:
    rows = store.rows("tCommandes")
    if status:
        want = fields.choice(status, wf.ORDER_STATES, label="Le statut",
                             aliases={"ouverte": wf.O_OPEN, "planifiee": wf.O_PLANNED, "realisee": wf.O_DONE,
                                      "facturee": wf.O_INVOICED, "annulee": wf.O_CANCELLED})
        rows = [r for r in rows if r["status"] == want]
    return sorted(rows, key=lambda r: str(r["number"]))


def order_json(values: Any) -> dict[str, Any]:
    values = values.values if isinstance(values, Row) else values
    return {k: (v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in dict(values).items()}
