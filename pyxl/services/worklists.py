"""Worklists (« listes de travail »): what the office has to do today, one list per kind of task —
quotes to follow up, orders to plan, works done to invoice, drafts to issue, invoices overdue,
cheques to deposit, letters due this week, bank lines to reconcile, interventions to plan,
maintenance contracts to invoice.

Each list is computed from the store with the services' own queries (`quotes.to_follow_up`,
`slips.pending`, `dunning.session`…), so a list says exactly what the action it leads to will find.
Each declares the tables it reads: after an action, only the lists reading a table the action
wrote are recomputed (`touched`); the full recount (a button, the opening of the workbook) also
catches what only the date changed (a quote whose follow-up day came, an invoice that fell due).
Nothing here writes: the Excel front end shows the lists (`pyxl.excel.worklists`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyxl.core import workflow as wf
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.workbook.store import ChangeSet, Row, Store

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Item:
    """One line of a worklist: the working columns first (the same in every list)."""

    number: str
    client_name: str
    status: str
    total_ttc: Decimal | None
    owed: Decimal | None
    due: dt.date | None
    late: int | None  # days past `due` (None: not late)
    todo: str  # what to do, in French
    client: str = ""


@dataclass(frozen=True)
class Worklist:
    key: str
    sheet: str  # French sheet name
    label: str  # French, as shown on Accueil beside its count
    tables: frozenset[str]  # what it reads: an action writing one of them recounts it
    build: Callable[[Store, dt.date], list[Item]]
    due_label: str = "Échéance"  # what « Échéance » means in this list (the sheet's note)


def _late(due: dt.date | None, as_of: dt.date) -> int | None:
    return (as_of - due).days if isinstance(due, dt.date) and as_of > due else None


def _dec(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _names(store: Store, codes: Iterable[str]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    return {str(c["code"]): sd.client_name(c) for c in store.rows_where("tClients", "code", wanted)} if wanted else {}


def _has(store: Store, *tables: str) -> bool:
    names = {t.name for t in store.schema.tables}
    return all(t in names for t in tables)


# --------------------------------------------------------------------------- the lists
def quotes_to_follow_up(store: Store, as_of: dt.date) -> list[Item]:
    from pyxl.services.quotes import _delay, to_follow_up

    delay = _delay(store)
    out = []
    for r in to_follow_up(store, as_of):
        due = (r["last_followup"] or r["sent_on"]) + dt.timedelta(days=delay)
        out.append(Item(str(r["number"]), str(r["client_name"] or ""), str(r["status"]), _dec(r["total_ttc"]), None,
                        due, _late(due, as_of), f"appeler le client (envoyé le {sd.day(r['sent_on'])}, "
                                                f"{r['followups'] or 0} relance(s))", str(r["client"])))
    return out


def orders_to_plan(store: Store, as_of: dt.date) -> list[Item]:
    """The orders `syc planning semaine` lists as « commandes à planifier »: open orders, and those
    with an intervention to plan or postponed."""
    waiting: dict[str, str] = {}
    if _has(store, "tInterventions"):
        for j in store.rows("tInterventions"):
            if j["order"] and j["status"] in (wf.J_TO_PLAN, wf.J_POSTPONED):
                waiting[str(j["order"])] = f"intervention {j['id']} {str(j['status']).lower()}"
    out = []
    for o in store.rows("tCommandes"):
        number = str(o["number"])
        if o["status"] == wf.O_OPEN or number in waiting:
            out.append(Item(number, str(o["client_name"] or ""), str(o["status"]), _dec(o["total_ttc"]), None,
                            o["date"], None, waiting.get(number, "réserver un créneau (Planning)"), str(o["client"])))
    return sorted(out, key=lambda i: (i.due or dt.date.min, i.number))


def works_to_invoice(store: Store, as_of: dt.date) -> list[Item]:
    out = []
    for o in store.rows("tCommandes"):
        if o["status"] == wf.O_DONE:
            done = o.get("done_on")
            out.append(Item(str(o["number"]), str(o["client_name"] or ""), str(o["status"]), _dec(o["total_ttc"]),
                            None, done if isinstance(done, dt.date) else o["date"], None,
                            "facturer la commande (acomptes déduits)", str(o["client"])))
    return sorted(out, key=lambda i: (i.due or dt.date.min, i.number))


def drafts_to_issue(store: Store, as_of: dt.date) -> list[Item]:
    out = []
    for d in store.rows("tFactures"):
        if d["status"] == wf.I_DRAFT:
            out.append(Item(str(d["ref"]), str(d["client_name"] or ""), f"{d['doc_type']} — {d['status']}",
                            _dec(d["total_ttc"]), None, d["created"] or d["date"], None,
                            "vérifier puis émettre (numéro définitif)", str(d["client"])))
    return sorted(out, key=lambda i: (i.due or dt.date.min, i.number))


def invoices_overdue(store: Store, as_of: dt.date) -> list[Item]:
    from pyxl.services.invoices import owed as remaining

    out = []
    for d in store.rows("tFactures"):
        owed = remaining(d)
        if wf.is_late(str(d["doc_type"]), str(d["status"]), d["due_date"], owed, as_of):
            out.append(Item(str(d["number"]), str(d["client_name"] or ""), str(d["status"]), _dec(d["total_ttc"]),
                            owed, d["due_date"], _late(d["due_date"], as_of), "relancer (séance du vendredi)",
                            str(d["client"])))
    return sorted(out, key=lambda i: (-(i.late or 0), i.number))


def cheques_to_deposit(store: Store, as_of: dt.date) -> list[Item]:
    from pyxl.core.kinds import PaymentMode
    from pyxl.services import slips

    cheques = slips.pending(store, PaymentMode.CHEQUE.value, as_of)
    names = _names(store, (c.client for c in cheques))
    out = []
    for c in cheques:
        what = ", ".join(x for x in (f"chèque n° {c.reference}" if c.reference else "", c.bank) if x)
        out.append(Item(c.key, names.get(c.client, c.client), "Reçu", c.amount, None, c.date, None,
                        "bordereau de remise" + (f" ({what})" if what else ""), c.client))
    return out


def _week_end(as_of: dt.date) -> dt.date:
    return as_of + dt.timedelta(days=6 - as_of.weekday())


def letters_this_week(store: Store, as_of: dt.date, clients: set[str] | None = None) -> list[Item]:
    """The dunning letters (simple letter, registered letter, formal notice) due by Sunday: the
    Friday session of `dunning.session` run on the last day of the week (for the given clients only,
    when given: the update after an action on their rows, `update`)."""
    from pyxl.services import dunning

    end = _week_end(as_of)
    out = []
    for case in dunning.session(store, end, clients=clients).cases:
        letters = [lv for lv in case.due_steps if lv.is_letter]
        if not letters or case.stop:
            continue
        inv = case.invoice
        out.append(Item(case.number, sd.client_name(case.client), str(inv["status"]), _dec(inv["total_ttc"]),
                        case.owed, case.due_date, _late(case.due_date, as_of),
                        " ; ".join(lv.label for lv in letters), case.client_code))
    return sorted(out, key=lambda i: (-(i.late or 0), i.number))


def bank_lines_to_reconcile(store: Store, as_of: dt.date) -> list[Item]:
    from pyxl.services.bank import TO_MATCH

    out = []
    for r in store.rows("tReleves"):
        if r["status"] == TO_MATCH:
            label = " — ".join(str(x) for x in (r["counterparty"], r["label"]) if x)
            out.append(Item(str(r["id"]), label[:120], str(r["status"]), _dec(r["amount"]), None, r["date"], None,
                            "rapprocher (Rapprocher le relevé)"))
    return sorted(out, key=lambda i: (i.due or dt.date.min, i.number))


def jobs_to_plan(store: Store, as_of: dt.date) -> list[Item]:
    out = []
    for j in store.rows("tInterventions"):
        if j["status"] in (wf.J_TO_PLAN, wf.J_POSTPONED):
            due = j["visit_due"] if isinstance(j["visit_due"], dt.date) else None
            what = j["work"] or (f"commande {j['order']}" if j["order"] else f"contrat {j['contract']}")
            out.append(Item(str(j["id"]), str(j["client_name"] or ""), str(j["status"]), None, None, due,
                            _late(due, as_of), f"planifier : {what}", str(j["client"])))
    return sorted(out, key=lambda i: (i.due or dt.date.max, i.number))


def contracts_to_invoice(store: Store, as_of: dt.date) -> list[Item]:
    """Active contracts with a period starting by the end of the month not yet billed (what
    « Facturer les contrats du mois » would bill now)."""
    from pyxl.services.contract_billing import unbilled
    from pyxl.services.contracts import ACTIVE, _month

    _first, last = _month(f"{as_of:%Y-%m}")
    out = []
    for c in store.rows("tContrats"):
        if c["status"] != ACTIVE and not c["ended_on"]:
            continue
        if not isinstance(c["start"], dt.date) or c["start"] > last:
            continue
        left = unbilled(c, last)
        if left:
            ht = sum((p.amount for p in left), ZERO)
            out.append(Item(str(c["number"]), str(c["client_name"] or ""), str(c["status"]), None, None,
                            left[0].start, _late(left[0].start, as_of),
                            f"{len(left)} période(s) à facturer, {euros(ht)} HT", str(c["client"])))
    return sorted(out, key=lambda i: (i.due or dt.date.min, i.number))


WORKLISTS: tuple[Worklist, ...] = (
    Worklist("devis", "À relancer", "Devis à relancer aujourd'hui", frozenset({"tDevis", "tParametres"}),
             quotes_to_follow_up, "Relance due le"),
    Worklist("commandes", "À planifier", "Commandes à planifier",
             frozenset({"tCommandes", "tInterventions"}), orders_to_plan, "Commande du"),
    Worklist("travaux", "À facturer", "Travaux réalisés à facturer", frozenset({"tCommandes"}), works_to_invoice,
             "Réalisée le"),
    Worklist("brouillons", "À émettre", "Brouillons à émettre", frozenset({"tFactures"}), drafts_to_issue,
             "Créé le"),
    Worklist("retards", "En retard", "Factures en retard", frozenset({"tFactures"}), invoices_overdue),
    Worklist("cheques", "Chèques à remettre", "Chèques à remettre en banque", frozenset({"tReglements", "tClients"}),
             cheques_to_deposit, "Reçu le"),
    Worklist("lettres", "Lettres", "Lettres de relance de la semaine",
             frozenset({"tFactures", "tReglements", "tRelances", "tEcheanciers", "tNiveauxRelance", "tClients",
                        "tNotesPenalites", "tLignesNotes"}), letters_this_week),
    Worklist("releve", "À rapprocher", "Lignes de relevé à rapprocher", frozenset({"tReleves"}),
             bank_lines_to_reconcile, "Date"),
    Worklist("interventions", "Interventions à planifier", "Interventions à planifier",
             frozenset({"tInterventions"}), jobs_to_plan, "Visite due le"),
    Worklist("contrats", "Contrats à facturer", "Contrats d'entretien à facturer ce mois",
             frozenset({"tContrats"}), contracts_to_invoice, "Période du"),
)

NEEDS = {"cheques": ("tReglements",), "releve": ("tReleves",), "interventions": ("tInterventions",),
         "contrats": ("tContrats",), "lettres": ("tRelances", "tNiveauxRelance")}


def worklist(key: str) -> Worklist:
    return next(w for w in WORKLISTS if w.key == key)


def available(store: Store) -> list[Worklist]:
    """The lists this workbook's schema can hold (an older schema lacks some tables)."""
    return [w for w in WORKLISTS if _has(store, *NEEDS.get(w.key, ()))]


def touched(changes: ChangeSet, lists: Iterable[Worklist] = WORKLISTS) -> list[Worklist]:
    """The lists an action's change set may have changed: those reading a table it writes."""
    written = set(changes.appends) | set(changes.updates)
    return [w for w in lists if w.tables & written]


# the tables of the letters whose every row names its client (column `client`, or `code` for tClients)
CLIENT_TABLES = frozenset({"tFactures", "tReglements", "tRelances", "tEcheanciers", "tNotesPenalites", "tClients"})


def clients_written(store: Store, changes: ChangeSet, tables: frozenset[str]) -> set[str] | None:
    """The clients whose rows an action wrote among `tables`, or None when it wrote a row that is
    no one client's (a dunning level, a penalty note's line, a row without its client): then every
    client's items may have changed."""
    out: set[str] = set()
    for table, rows in changes.appends.items():
        if table not in tables:
            continue
        if table not in CLIENT_TABLES:
            return None
        for v in rows:
            code = v.get("code" if table == "tClients" else "client")
            if not code:
                return None
            out.add(str(code))
    for table, ups in changes.updates.items():
        if table not in tables:
            continue
        if table not in CLIENT_TABLES:
            return None
        key = "code" if table == "tClients" else "client"
        found = store.rows_at(table, {n for n, _ in ups})
        for n, values in ups:
            r = found.get(n)
            if r is None or not r[key]:
                return None
            out.add(str(r[key]))
            if values.get(key):  # a row moved to another client: both are recomputed
                out.add(str(values[key]))
    return out


def update(store: Store, as_of: dt.date, changes: ChangeSet, previous: dict[str, list[Item]],
           lists: Iterable[Worklist] | None = None) -> dict[str, list[Item]]:
    """The lists an action changed (`touched`), recomputed after it. The letters of the week,
    given their items before the action in `previous`, are recomputed for the clients whose rows
    it wrote only (a payment: the paying client's letters), the others' items kept: the same
    items as the full recount of that list on the same day (tests/test_budget.py)."""
    out: dict[str, list[Item]] = {}
    for w in touched(changes, available(store) if lists is None else lists):
        clients = clients_written(store, changes, w.tables) if w.key == "lettres" and w.key in previous else None
        if clients is None:
            out[w.key] = w.build(store, as_of)
            continue
        kept = [i for i in previous[w.key] if i.client not in clients]
        fresh = letters_this_week(store, as_of, clients) if clients else []
        out[w.key] = sorted(kept + fresh, key=lambda i: (-(i.late or 0), i.number))
    return out


def compute(store: Store, as_of: dt.date, lists: Iterable[Worklist] | None = None) -> dict[str, list[Item]]:
    """Each list's items (all of them, or those given), computed from the store as it is now."""
    here = available(store)
    chosen = here if lists is None else [w for w in lists if w in here]
    return {w.key: w.build(store, as_of) for w in chosen}


def counts(store: Store, as_of: dt.date) -> dict[str, int]:
    return {k: len(v) for k, v in compute(store, as_of).items()}


def item_json(i: Item) -> dict[str, Any]:
    return {"numero": i.number, "client": i.client, "nom_client": i.client_name, "statut": i.status,
            "total_ttc": i.total_ttc, "reste_du": i.owed, "echeance": i.due, "retard_jours": i.late,
            "a_faire": i.todo}


__all__ = ["WORKLISTS", "Item", "Row", "Worklist", "clients_written", "compute", "counts", "touched", "update"]
