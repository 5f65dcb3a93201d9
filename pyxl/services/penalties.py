"""Penalty notes (notes de pénalités): late-payment penalties become a receivable.

Penalties and the 40 € indemnity run by law (L441-10, D441-5 C. com. for businesses; legal
interest from the formal notice for consumers, art. 1231-6 and 1344-1 C. civ.), but the firm
claims them only through a dated, numbered note in its own series (NP2026-0001, no VAT: damages,
not a supply). A note lists, per invoice, the period, the rate clause of that invoice and the
amount; a later note on the same invoice claims only what accrued since (and the 40 € once).
Notes are produced with the formal notice or on demand, and are issued at once: fingerprinted in
the audit chain, never changed (only their paid amount and status follow the payments).

Imputation (art. 1343-1 C. civ.): « le paiement partiel s'impute d'abord sur les intérêts ». A
payment on an invoice whose penalties are claimed by a note goes first to that note's line for the
invoice, then to the principal: one payment row per part, sharing the id of the first (`group`),
the note's rows saying which invoice they pay the penalties of (`applies_to`). Penalties not yet
claimed by a note are not a receivable: the payment goes to the principal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pyxl.core import fields
from pyxl.core import interest as it
from pyxl.core.issues import Issue, Severity
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.workbook.schema import NOTE_STATES
from pyxl.workbook.store import ChangeSet, Row, Store

if TYPE_CHECKING:  # imported where a note is drafted: a payment needs not load the dunning
    from pyxl.services import dunning

ZERO = Decimal("0.00")
SERIES = "Note de pénalités"
PREFIX = "NP"
ACTION = "Note de pénalités"
ON_DEMAND = "À la demande"
WITH_NOTICE = "Mise en demeure"
NOTE_ISSUED, NOTE_PARTLY_PAID, NOTE_PAID = NOTE_STATES
CONSUMER_CLAUSE = "taux de l'intérêt légal (art. 1231-6 du Code civil)"
TABLES = ("tNotesPenalites", "tLignesNotes")


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


@dataclass
class NoteLine:
    invoice: str
    due_date: dt.date
    start: dt.date | None
    end: dt.date
    days: int
    base: Decimal
    clause: str
    interest: Decimal
    indemnity: Decimal
    detail: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


@dataclass
class Draft:
    """What a note on `as_of` would claim from one client (nothing written)."""

    client: Row
    as_of: dt.date
    lines: list[NoteLine]
    skipped: list[str] = field(default_factory=list)  # why an invoice has nothing to claim, in French

    @property
    def interest(self) -> Decimal:
        return sum((ln.interest for ln in self.lines), ZERO)

    @property
    def indemnity(self) -> Decimal:
        return sum((ln.indemnity for ln in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


# --------------------------------------------------------------------------- reading
def get_note(store: Store, number: str) -> Row:
    return sd.get_row(store, "tNotesPenalites", "number", (number or "").strip().upper(), "Note de pénalités",
                      "Voyez les notes avec « syc penalites liste ».")


def is_note_number(text: str) -> bool:
    t = (text or "").strip().upper()
    return t.startswith(PREFIX) and t[len(PREFIX):len(PREFIX) + 4].isdigit()


def lines_of(store: Store, numbers: set[str]) -> list[Row]:
    return store.rows_where("tLignesNotes", "note", numbers) if numbers else []


def noted(store: Store, invoices: set[str]) -> dict[str, list[Row]]:
    """The note lines already claiming each invoice, oldest first."""
    out: dict[str, list[Row]] = {}
    if not invoices:
        return out
    for r in store.rows_where("tLignesNotes", "invoice", invoices):
        out.setdefault(str(r["invoice"]), []).append(r)
    notes = {str(n["number"]): n for n in store.rows_where("tNotesPenalites", "number",
                                                            {str(r["note"]) for rs in out.values() for r in rs})}
    for rs in out.values():
        rs.sort(key=lambda r: (notes[str(r["note"])]["date"] if str(r["note"]) in notes else dt.date.min,
                               str(r["note"])))
    return out


def open_lines(store: Store, invoice: str) -> list[tuple[Row, Row, Decimal]]:
    """(note, line, still owed) of the note lines claiming penalties on `invoice`, oldest first."""
    out = []
    rows = noted(store, {invoice}).get(invoice, [])
    notes = {str(n["number"]): n for n in store.rows_where("tNotesPenalites", "number", {str(r["note"]) for r in rows})}
    for ln in rows:
        left = _dec(ln["interest"]) + _dec(ln["indemnity"]) - _dec(ln["paid"])
        note = notes.get(str(ln["note"]))
        if left > 0 and note is not None:
            out.append((note, ln, left))
    return out


def penalties_paid(store: Store, invoices: set[str]) -> dict[str, Decimal]:
    """What was paid on the note lines of each invoice (penalties already recovered)."""
    return {n: sum((_dec(r["paid"]) for r in rs), ZERO) for n, rs in noted(store, invoices).items()}


# --------------------------------------------------------------------------- drafting
def _clause(case: dunning.Case) -> str:
    if not case.business:
        return CONSUMER_CLAUSE
    kinds = []
    for s in case.interest.spans:
        if s.rate_kind not in kinds:
            kinds.append(s.rate_kind)
    return ", ".join(kinds) or "taux de la clause de la facture"


def draft(store: Store, client_code: str, as_of: dt.date, invoices: Sequence[str] = (),
          cases: Sequence[dunning.Case] | None = None) -> Draft:
    """The note a client would get on `as_of`: per overdue invoice, the penalties accrued since the
    last note on it (all of them the first time) and the 40 € if no note claimed it yet."""
    from pyxl.services.clients import get_client

    client = get_client(store, client_code)
    code = str(client["code"])
    if cases is None:
        from pyxl.services import dunning

        cases = dunning.session(store, as_of, clients={code}).cases
    wanted = {fields.text(n, label="Le numéro de facture", max_len=20).upper() for n in invoices if n.strip()}
    chosen = [c for c in cases if c.client_code == code and (not wanted or c.number in wanted)]
    unknown = wanted - {c.number for c in chosen}
    d = Draft(client, as_of, [])
    for n in sorted(unknown):
        d.skipped.append(f"{n} : pas en retard de paiement au {sd.day(as_of)} (ou soldée, ou d'un autre client).")
    before = noted(store, {c.number for c in chosen})
    for c in chosen:
        prior = [r for r in before.get(c.number, []) if isinstance(r["end"], dt.date) and r["end"] <= as_of]
        got_interest = sum((_dec(r["interest"]) for r in prior), ZERO)
        got_indemnity = sum((_dec(r["indemnity"]) for r in prior), ZERO)
        last_end = max((r["end"] for r in prior), default=None)
        interest = max(c.interest.interest - got_interest, ZERO)
        indemnity = max(c.interest.indemnity - got_indemnity, ZERO)
        if c.interest.awaiting_notice:
            d.skipped.append(f"{c.number} : client particulier — les intérêts ne courent qu'à compter de la réception "
                             "de la mise en demeure (art. 1231-6 et 1344-1 du Code civil) ; notez d'abord l'accusé de "
                             "réception.")
            continue
        if interest <= 0 and indemnity <= 0:
            d.skipped.append(f"{c.number} : rien de plus à réclamer depuis la dernière note"
                             + (f" (arrêtée au {sd.day(last_end)})." if last_end else "."))
            continue
        spans = [s for s in c.interest.spans if last_end is None or s.end > last_end]
        start = max(spans[0].start, last_end + dt.timedelta(days=1)) if spans and last_end else (
            spans[0].start if spans else None)
        detail = it.describe(it.Interest(tuple(spans), (), interest, indemnity, 0, c.owed, ()))
        if last_end is not None and got_interest:
            detail.append(f"déjà réclamé sur les notes précédentes : {euros(got_interest)} (arrêté au "
                          f"{sd.day(last_end)}) ; reste à réclamer : {euros(interest)}")
        days = (as_of - start).days + 1 if start else 0
        d.lines.append(NoteLine(c.number, c.due_date, start, as_of, days, c.owed, _clause(c), interest, indemnity,
                                detail))
    return d


def _number(store: Store, changes: ChangeSet, as_of: dt.date) -> str:
    return sd.next_ref(store, changes, SERIES, as_of.year, f"{PREFIX}{as_of.year}-", 4, "tNotesPenalites", "number",
                       gapless=True)


def numbers(store: Store, changes: ChangeSet, as_of: dt.date, count: int) -> list[str]:
    """`count` consecutive note numbers for one action (several clients' formal notices)."""
    return sd.next_refs(store, changes, SERIES, as_of.year, f"{PREFIX}{as_of.year}-", 4, "tNotesPenalites", "number",
                        count)


def rows_of(d: Draft, number: str, origin: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The note's row and its lines, as they will be written."""
    note = {"number": number, "date": d.as_of, "client": str(d.client["code"]), "client_name": sd.client_name(d.client),
            "origin": origin, "interest": d.interest, "indemnity": d.indemnity, "total": d.total, "paid": ZERO,
            "status": NOTE_ISSUED}
    lines = [{"note": number, "invoice": ln.invoice, "due_date": ln.due_date, "start": ln.start, "end": ln.end,
              "days": ln.days, "base": ln.base, "clause": ln.clause, "interest": ln.interest, "indemnity": ln.indemnity,
              "paid": ZERO, "detail": "\n".join(ln.detail)[:2000]} for ln in d.lines]
    return note, lines


def issue(store: Store, d: Draft, changes: ChangeSet, origin: str = ON_DEMAND, number: str = "") -> str:
    """Put the note in `changes` (numbered, fingerprinted at apply); returns its number."""
    number = number or _number(store, changes, d.as_of)
    note, lines = rows_of(d, number, origin)
    changes.append("tNotesPenalites", note)
    for ln in lines:
        changes.append("tLignesNotes", ln)
    changes.issue("tNotesPenalites", number, ACTION)
    return number


def create(store: Store, client_code: str, as_of: dt.date, invoices: Sequence[str] = (),
           origin: str = ON_DEMAND) -> Result:
    """`syc penalites creer`: one note for one client, on `as_of`."""
    from pyxl.services import closures

    store.prefetch(("tFactures", "tReglements", "tClients", "tRelances", "tNotesPenalites", "tLignesNotes"))
    d = draft(store, client_code, as_of, invoices)
    where = f"Client {d.client['code']} ({d.client.where})"
    if not d.lines:
        why = " ".join(d.skipped) or f"aucune facture en retard au {sd.day(as_of)}."
        raise sd.refuse("penalites.rien", where, f"aucune pénalité à réclamer : {why}")
    closures.check_open(store, as_of, where)
    res = Result()
    number = issue(store, d, res.changes, origin)
    res.message = (f"Note de pénalités {number} émise pour {sd.client_name(d.client)} : {euros(d.total)} "
                   f"(pénalités {euros(d.interest)}, indemnités {euros(d.indemnity)}), sans TVA.")
    res.data = {"numero": number, "client": str(d.client["code"]), "date": as_of, "interets": d.interest,
                "indemnite": d.indemnity, "total": d.total,
                "lignes": [line_json(ln) for ln in d.lines], "ignorees": d.skipped}
    for s in d.skipped:
        res.warnings.append(Issue("penalites.ignoree", f"{where} : {s}", where, Severity.WARNING))
    return res


def line_json(ln: NoteLine) -> dict[str, Any]:
    return {"facture": ln.invoice, "echeance": ln.due_date, "du": ln.start, "au": ln.end, "jours": ln.days,
            "reste_du": ln.base, "taux_applique": ln.clause, "interets": ln.interest, "indemnite": ln.indemnity}


# --------------------------------------------------------------------------- payments
@dataclass
class Part:
    """One part of a payment: on a note's line (penalties of `invoice`) or on the invoice itself."""

    target: str  # a note number or the invoice number
    amount: Decimal
    applies_to: str = ""  # the invoice whose penalties a note part pays
    note: Row | None = None
    line: Row | None = None


def apply_parts(changes: ChangeSet, parts: Sequence[Part], sign: int = 1) -> None:
    """The paid amounts and states of the notes and lines the parts touch (sign -1: a reversal)."""
    notes: dict[str, tuple[Row, Decimal]] = {}
    lines: dict[int, tuple[Row, Decimal]] = {}
    for p in parts:
        if p.note is None or p.line is None:
            continue
        n, got = notes.get(p.target, (p.note, ZERO))
        notes[p.target] = (n, got + sign * p.amount)
        key = p.line.row
        ln, lgot = lines.get(key, (p.line, ZERO))
        lines[key] = (ln, lgot + sign * p.amount)
    for ln, delta in lines.values():
        changes.update("tLignesNotes", ln, {"paid": _dec(ln["paid"]) + delta})
    for n, delta in notes.values():
        paid = _dec(n["paid"]) + delta
        total = _dec(n["total"])
        state = NOTE_PAID if paid >= total else (NOTE_PARTLY_PAID if paid > 0 else NOTE_ISSUED)
        changes.update("tNotesPenalites", n, {"paid": paid, "status": state})


def note_json(r: Row, lines: Sequence[Row] = ()) -> dict[str, Any]:
    out = {"numero": r["number"], "date": r["date"], "client": r["client"], "nom": r["client_name"] or "",
           "origine": r["origin"] or "", "interets": r["interest"], "indemnite": r["indemnity"], "total": r["total"],
           "regle": r["paid"] or ZERO, "reste_du": _dec(r["total"]) - _dec(r["paid"]), "statut": r["status"]}
    if lines:
        out["lignes"] = [{"facture": ln["invoice"], "echeance": ln["due_date"], "du": ln["start"], "au": ln["end"],
                          "jours": ln["days"] or 0, "reste_du": ln["base"] or ZERO, "taux_applique": ln["clause"] or "",
                          "interets": ln["interest"], "indemnite": ln["indemnity"], "regle": ln["paid"] or ZERO}
                         for ln in lines]
    return out
