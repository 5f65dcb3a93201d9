"""Payments received (règlements) as money really arrives: one payment on several documents, the
client's credit, refunds, corrections by opposite rows.

Each « Règlements » row is one allocation: part of a payment put on one document (an invoice, a
deposit invoice, a penalty note), or left as the client's credit (« Facture » empty). The rows of
one payment share `group` (the id of the first). Allocation follows the debtor's indication (the
documents named, or their numbers found in the transfer's label), else art. 1342-10 C. civ.: debts
due before debts not yet due, among them those bearing penalties first, then the oldest; and on
each invoice art. 1343-1 C. civ.: the penalty note claiming its penalties before the principal.
What is left becomes credit, used later on a document of the same client (`use_credit`, a pair of
« Compensation » rows: no money moves) or refunded (`refund`, a negative row on the credit).

Nothing is ever erased: a bounced cheque or a mistyped payment is reversed by opposite rows, one
per row of the payment, dated the day of the correction; the documents go back to their exact
previous balances and states, and the dunning resumes where it stood. The cached « Réglé » of
invoices and notes always equals the sum of their rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyxl.core import fields, money
from pyxl.core import workflow as wf
from pyxl.core.issues import Issue, Refused
from pyxl.core.kinds import ClientKind, PaymentKind, PaymentMode
from pyxl.core.messages import msg
from pyxl.core.money import euros
from pyxl.services import penalties
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.services.invoices import _cooling_off, balance, get_doc, label
from pyxl.services.orders import get_order
from pyxl.workbook.store import Row, Store, pick

ZERO = Decimal("0.00")
CASH_LIMIT = Decimal(1000)  # D112-3 CMF: debtor domiciled in France or acting professionally
ACTION = "Règlement"
MODE_ALIASES = {"especes": "Espèces", "espece": "Espèces", "cheque": "Chèque", "virement": "Virement",
                "cb": "CB", "carte": "CB"}
MONEY_MODES = (PaymentMode.CASH.value, PaymentMode.CHEQUE.value, PaymentMode.TRANSFER.value, PaymentMode.CARD.value)
REFUND_MODES = (PaymentMode.TRANSFER.value, PaymentMode.CHEQUE.value)
OFFSET = PaymentMode.OFFSET.value
RECEIPT, CREDIT_USE, CREDIT_NOTE, REFUND = (k.value for k in PaymentKind)
# the numbers a payer writes in a transfer's label: invoices F2026-00012, penalty notes NP2026-0001
NUMBER_RE = re.compile(r"\b(NP\d{4}-\d{4}|F\d{4}-\d{5})\b", re.IGNORECASE)


def _new_ids(store: Store, res: Result, as_of: dt.date, count: int) -> list[str]:
    return sd.next_refs(store, res.changes, "Règlement", as_of.year, f"R{as_of.year}-", 5, "tReglements", "id", count)


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


# --------------------------------------------------------------------------- what is owed
@dataclass
class OpenItem:
    """A document of a client with what it still owes."""

    row: Row
    table: str  # tFactures or tNotesPenalites
    number: str
    client: str
    date: dt.date
    due_date: dt.date
    owed: Decimal
    bears_penalties: bool

    @property
    def is_note(self) -> bool:
        return self.table == "tNotesPenalites"

    @property
    def label(self) -> str:
        return f"note de pénalités {self.number}" if self.is_note else label(self.row).replace("Facture", "facture", 1)


def _invoice_item(d: Row, business: bool) -> OpenItem:
    return OpenItem(d, "tFactures", str(d["number"]), str(d["client"]), d["date"], d["due_date"] or d["date"],
                    balance(d), business)


def _note_item(n: Row) -> OpenItem:
    return OpenItem(n, "tNotesPenalites", str(n["number"]), str(n["client"]), n["date"], n["date"],
                    _dec(n["total"]) - _dec(n["paid"]), False)


def open_items(store: Store, client: str | None = None) -> list[OpenItem]:
    """The issued invoices, deposit invoices and penalty notes still owing something (of one client).
    A written-off invoice (« Passé en perte ») is not among them: nothing is owed on it any more, and
    money put on it is a recovery (7714), which only the payer's naming of it decides."""
    clients = {str(c["code"]): c for c in (store.rows_where("tClients", "code", {client}) if client
                                           else store.rows("tClients"))}
    docs = store.rows_where("tFactures", "client", {client}) if client else store.rows("tFactures")
    items = []
    for d in docs:
        if d["number"] and d["doc_type"] != wf.T_CREDIT and d["status"] != wf.I_DRAFT and d.get("written_off") is None:
            c = clients.get(str(d["client"]))
            items.append(_invoice_item(d, c is not None and c["kind"] == ClientKind.BUSINESS))
    notes = store.rows_where("tNotesPenalites", "client", {client}) if client else store.rows("tNotesPenalites")
    items += [_note_item(n) for n in notes]
    return [i for i in items if i.owed > 0]


def legal_order(items: Sequence[OpenItem], as_of: dt.date) -> list[OpenItem]:
    """Art. 1342-10 C. civ., without the debtor's indication: debts due before those not yet due;
    among them, the one the debtor has most interest in paying (one bearing penalties); then the
    oldest. A penalty note comes with its invoice (art. 1343-1: its lines are paid first)."""
    return sorted(items, key=lambda i: (i.due_date > as_of, not i.bears_penalties, i.due_date, i.date, i.number))


def credit_rows(store: Store, client: str) -> list[Row]:
    return [r for r in store.rows_where("tReglements", "client", {client}) if not str(r["invoice"] or "").strip()]


def credit_of(store: Store, client: str) -> Decimal:
    """The client's credit: what it paid and that is on no document, less what was refunded."""
    return sum((_dec(r["amount"]) for r in credit_rows(store, client)), ZERO)


def credits(store: Store) -> dict[str, Decimal]:
    """Every client with a credit (« Crédits clients »)."""
    out: dict[str, Decimal] = {}
    for r in store.rows("tReglements"):
        if not str(r["invoice"] or "").strip():
            out[str(r["client"])] = out.get(str(r["client"]), ZERO) + _dec(r["amount"])
    return {k: v for k, v in out.items() if v != 0}


# --------------------------------------------------------------------------- reading the input
def _parse_amount(amount_text: str, where: str) -> Decimal:
    try:
        amount = money.parse_decimal(amount_text, max_places=2)
    except money.AmountError as exc:
        raise sd.refuse("reglement.montant", where, f"montant : {exc}.") from None
    if amount <= 0:
        raise sd.refuse("reglement.montant", where, msg("reglement.montant.negatif"))
    return amount


def _mode(text: str, where: str, allowed: tuple[str, ...] = MONEY_MODES) -> str:
    try:
        return fields.choice(text, allowed, label="le mode de règlement", required=True, aliases=MODE_ALIASES)
    except fields.FieldError as exc:
        raise sd.refuse("reglement.mode", where, str(exc)) from None


def _item_of(store: Store, number: str, client: Row, where: str) -> OpenItem:
    """A document named by the payer, checked: issued, of this client, still owing (read by its
    number: no need to read all the client's documents)."""
    if penalties.is_note_number(number):
        row = penalties.get_note(store, number)
        name = f"La note de pénalités {row['number']}"
    else:
        row = get_doc(store, number)
        name = label(row)
        if row["doc_type"] == wf.T_CREDIT:
            raise sd.refuse("reglement.avoir", f"{name} ({row.where})", msg("reglement.avoir"))
        if row["status"] == wf.I_DRAFT:
            raise sd.refuse("reglement.brouillon", f"{name} ({row.where})",
                            f"elle n'est pas émise : syc facture emettre {row['ref']}.")
    code = str(client["code"])
    if str(row["client"]) != code:
        raise sd.refuse("reglement.client", where, msg("reglement.client.autre", name=name, other=row["client"],
                                                       client=code))
    item = _note_item(row) if penalties.is_note_number(number) else _invoice_item(
        row, client["kind"] == ClientKind.BUSINESS)
    if item.owed <= 0:
        raise sd.refuse("reglement.solde", f"{name} ({row.where})", msg("reglement.solde"))
    return item


def _cash_check(mode: str, targets: Sequence[OpenItem], store: Store, where: str) -> None:
    """Cash over 1 000 € is refused on the debt (the contract), whatever the split (D112-3 CMF)."""
    if mode != PaymentMode.CASH:
        return
    for t in targets:
        if t.is_note:
            debt = _dec(t.row["total"])
        else:
            order = get_order(store, t.row["order"]) if t.row["order"] else None
            debt = (order["total_ttc"] if order else None) or t.row["total_ttc"] or ZERO
        if debt > CASH_LIMIT:
            raise sd.refuse("reglement.especes", where, msg("reglement.especes", what=t.label, debt=euros(debt)))


# --------------------------------------------------------------------------- allocating
@dataclass
class Part:
    target: str  # a document number, "" for the client's credit
    amount: Decimal
    applies_to: str = ""
    item: OpenItem | None = None
    part: penalties.Part | None = None  # a note's line


def allocate(store: Store, targets: Sequence[OpenItem], amount: Decimal) -> list[Part]:
    """`amount` on the targets in order, each invoice's penalty notes first (art. 1343-1); the
    rest (if any) on the client's credit."""
    parts: list[Part] = []
    left = amount
    taken: dict[int, Decimal] = {}  # note line (row number) → taken by this allocation

    def on_lines(lines: Sequence[tuple[Row, Row, Decimal]]) -> None:
        nonlocal left
        for note, line, owed in lines:
            take = min(owed - taken.get(line.row, ZERO), left)
            if take <= 0:
                continue
            taken[line.row] = taken.get(line.row, ZERO) + take
            number, invoice = str(note["number"]), str(line["invoice"])
            parts.append(Part(number, take, invoice, part=penalties.Part(number, take, invoice, note, line)))
            left -= take

    for t in targets:
        if left <= 0:
            break
        if t.is_note:
            lines = sorted(penalties.lines_of(store, {t.number}), key=lambda r: (r["due_date"], str(r["invoice"])))
            on_lines([(t.row, ln, _dec(ln["interest"]) + _dec(ln["indemnity"]) - _dec(ln["paid"])) for ln in lines])
        else:
            on_lines(penalties.open_lines(store, t.number))
            if left > 0:
                take = min(t.owed, left)
                parts.append(Part(t.number, take, item=t))
                left -= take
    if left > 0:
        parts.append(Part("", left))
    return parts


def _write(store: Store, res: Result, parts: Sequence[Part], client: str, mode: str, kind: str, as_of: dt.date,
           **common: Any) -> list[str]:
    """One row per part, sharing `group`; the cached « Réglé » and states of invoices and notes."""
    ids = _new_ids(store, res, as_of, len(parts))
    group = ids[0] if len(parts) > 1 else ""
    for pid, p in zip(ids, parts, strict=True):
        res.changes.append("tReglements", {"id": pid, "date": as_of, "invoice": p.target, "client": client,
                                           "amount": p.amount, "mode": mode, "applies_to": p.applies_to,
                                           "group": group, "kind": kind, **common})
        res.changes.issue("tReglements", pid, ACTION)
    penalties.apply_parts(res.changes, [p.part for p in parts if p.part is not None])
    on_invoices = [p for p in parts if p.item is not None and not p.item.is_note]
    deltas: dict[str, Decimal] = {}
    for p in on_invoices:
        deltas[p.target] = deltas.get(p.target, ZERO) + p.amount
    _update_invoices(store, res, deltas, {p.target: p.item.row for p in on_invoices if p.item is not None})
    return ids


def _update_invoices(store: Store, res: Result, deltas: dict[str, Decimal], rows: dict[str, Row] | None = None) -> None:
    for number, delta in deltas.items():
        if not delta:
            continue
        doc = (rows or {}).get(number) or get_doc(store, number)
        paid = (doc["paid"] or ZERO) + delta
        state = wf.invoice_state(doc["total_ttc"] or ZERO, paid, doc["credited"] or ZERO)
        res.changes.update("tFactures", doc, {"paid": paid, "status": state})


def _said(parts: Sequence[Part]) -> str:
    out = []
    for p in parts:
        if not p.target:
            out.append(msg("reglement.part.credit", amount=euros(p.amount)))
        elif p.part is not None:
            out.append(msg("reglement.part.note", amount=euros(p.amount), note=p.target, invoice=p.applies_to))
        else:
            assert p.item is not None
            rest = p.item.owed - p.amount
            if p.item.row.get("written_off") is not None:
                out.append(msg("reglement.part.perte", amount=euros(p.amount), what=p.item.label))
                continue
            out.append(msg("reglement.part.soldee", amount=euros(p.amount), what=p.item.label) if rest == 0 else
                       msg("reglement.part.reste", amount=euros(p.amount), what=p.item.label, rest=euros(rest)))
    return " ; ".join(out)


def _parts_json(ids: Sequence[str], parts: Sequence[Part]) -> list[dict[str, Any]]:
    return [{"id": i, "piece": p.target, "montant": p.amount, "au_titre_de": p.applies_to}
            for i, p in zip(ids, parts, strict=True)]


# --------------------------------------------------------------------------- receiving money
@dataclass
class Plan:
    """Where a payment would go (nothing written): `receive` writes it, the Excel form previews it."""

    client: Row
    where: str
    mode: str
    amount: Decimal
    parts: list[Part]
    named: list[OpenItem]
    indicated: str  # "le payeur", "le libellé" or "" (art. 1342-10)


def plan(store: Store, amount_text: str, mode_text: str, as_of: dt.date, *, client: str = "",
         documents: Sequence[str] = (), reference: str = "") -> Plan:
    """The checks of a payment and its allocation, as `receive` would write them."""
    from pyxl.services import closures
    from pyxl.services.clients import get_client

    # what this action reads, side by side (the invoices' lines and the journal: the guard checks
    # what it updates; the quotes are read only for an order of the last days, see _cooling_off_all)
    store.prefetch(("tFactures", "tLignesFactures", "tCommandes", "tClients", "tJournalAudit"))
    documents = [d.strip() for d in documents if d and d.strip()]
    if not client and not documents:
        raise sd.refuse("reglement.client", "Règlement", msg("reglement.client.qui"))
    if not client:
        first = documents[0]
        client = str((penalties.get_note(store, first) if penalties.is_note_number(first)
                      else get_doc(store, first))["client"])
    crow = get_client(store, client)
    client = str(crow["code"])
    where = f"Règlement de {sd.client_name(crow)} ({client})"
    mode = _mode(mode_text, where)
    reference = fields.text(reference, label="La référence", max_len=60)
    named = [_item_of(store, n, crow, where) for n in documents]
    if len(named) == 1:  # one document named: the messages name it, as they always did
        one = named[0]
        where = (f"Note de pénalités {one.number}" if one.is_note else label(one.row)) + f" ({one.row.where})"
    amount = _parse_amount(amount_text, where)
    closures.check_open(store, as_of, where)
    if not named:  # the numbers the payer wrote in the label: those of this client still owing
        named = []
        for n in sorted({m.upper() for m in NUMBER_RE.findall(reference)}):
            try:
                item = _item_of(store, n, crow, where)
            except Refused:
                continue  # another client's, paid, or unknown: not an indication
            if item.row.get("written_off") is None:  # a written-off invoice is recovered only when named
                named.append(item)
        indicated = "le libellé" if named else ""
    else:
        indicated = "le payeur"
    for t in named:
        if t.date and as_of < t.date:
            raise sd.refuse("reglement.date", where, msg("reglement.date", what=t.label, day=sd.day(t.date)))
    targets = named or legal_order([i for i in open_items(store, client) if i.date <= as_of], as_of)
    if not targets:
        _deposit_instead(store, client, where)
    _cash_check(mode, targets, store, where)
    parts = allocate(store, targets, amount)
    _cooling_off_all(store, [p.item.row for p in parts if p.item is not None and p.item.row.get("order")], crow, as_of)
    return Plan(crow, where, mode, amount, parts, named, indicated)


def _cooling_off_all(store: Store, docs: Sequence[Row], client: Row, as_of: dt.date) -> None:
    """No payment within 7 days of an off-premises signature (L221-10 C. conso): the orders of all
    the documents read in one lookup, and the quotes of the recent ones in another. An order is
    never dated before its quote's acceptance (`orders.create_order` refuses it), so an order
    dated COOLING_OFF_DAYS or more before `as_of` cannot be in its 7 days: its quote is not read."""
    from pyxl.services.quotes import COOLING_OFF_DAYS, cooling_off_end

    numbers = {str(d["order"]) for d in docs}
    if not numbers:
        return
    orders = [o for o in store.rows_where("tCommandes", "number", numbers)
              if not o["date"] or as_of < o["date"] + dt.timedelta(days=COOLING_OFF_DAYS)]
    if not orders:
        return
    quotes = {str(q["number"]): q for q in store.rows_where("tDevis", "number", {str(o["quote"]) for o in orders})}
    for o in orders:
        q = quotes.get(str(o["quote"]))
        if q is not None and (first := cooling_off_end(q, client)) and as_of < first:
            _cooling_off(store, o, as_of, "un paiement")  # says why, with the dates


def receive(store: Store, amount_text: str, mode_text: str, as_of: dt.date, *, client: str = "",
            documents: Sequence[str] = (), reference: str = "", bank: str = "", drawer: str = "",
            bank_line: str = "") -> Result:
    """One payment from one client, allocated as the debtor indicates, else by art. 1342-10."""
    bank = fields.text(bank, label="La banque", max_len=60)
    drawer = fields.text(drawer, label="Le tireur", max_len=100)
    reference = fields.text(reference, label="La référence", max_len=60)
    pl = plan(store, amount_text, mode_text, as_of, client=client, documents=documents, reference=reference)
    crow, mode, amount, parts, named, indicated = pl.client, pl.mode, pl.amount, pl.parts, pl.named, pl.indicated
    client = str(crow["code"])
    res = Result()
    ids = _write(store, res, parts, client, mode, RECEIPT, as_of, reference=reference, bank=bank, drawer=drawer,
                 bank_line=bank_line)
    how = msg("reglement.comme_indique", indicated=indicated) if indicated else msg("reglement.selon_la_loi")
    shown = mode if mode == "CB" else mode.lower()
    res.message = msg("reglement.fait", id=ids[0], amount=euros(amount), mode=shown, name=sd.client_name(crow),
                      how=how, parts=_said(parts))
    number, rest, state = _reported(named, parts)
    res.data = {"id": ids[0], "facture": number, "montant": amount, "reste": rest, "statut": state, "client": client,
                "credit": sum((p.amount for p in parts if not p.target), ZERO),
                "imputations": _parts_json(ids, parts)}
    return res


def _reported(named: Sequence[OpenItem], parts: Sequence[Part]) -> tuple[str, Decimal, str]:
    """The document the answer reports on — the invoice named if there is one, else the first
    invoice paid, else the note paid — with what it still owes and its state after the payment;
    ("", 0, « Crédit ») when all went to the client's credit."""
    item = named[0] if len(named) == 1 and not named[0].is_note else next(
        (p.item for p in parts if p.item is not None), None)
    if item is not None:
        got = sum((p.amount for p in parts if p.item is item), ZERO)
        row = item.row
        left = ZERO if row.get("written_off") is not None else item.owed - got  # a recovery: nothing owed
        return item.number, left, wf.invoice_state(row["total_ttc"] or ZERO, (row["paid"] or ZERO) + got,
                                                               row["credited"] or ZERO)
    first = parts[0]
    if first.part is not None and first.part.note is not None:
        note = first.part.note
        got = sum((p.amount for p in parts if p.target == first.target), ZERO)
        rest = _dec(note["total"]) - _dec(note["paid"]) - got
        return first.target, rest, penalties.NOTE_PAID if rest <= 0 else penalties.NOTE_PARTLY_PAID
    return "", ZERO, "Crédit"


def _deposit_instead(store: Store, client: str, where: str) -> None:
    """Money before the invoice on an accepted quote or an open order is a deposit (CGI 289 I-1-c:
    a deposit invoice is due on its receipt): propose it rather than recording a credit."""
    orders = [o for o in store.rows_where("tCommandes", "client", {client})
              if wf.allowed("commande", "acompte", str(o["status"]))]
    ordered = {str(o["quote"]) for o in store.rows_where("tCommandes", "client", {client})}
    quotes = [q for q in store.rows_where("tDevis", "client", {client})
              if q["status"] == wf.Q_ACCEPTED and str(q["number"]) not in ordered]
    if orders:
        o = orders[-1]
        deposit = msg("acompte.pourquoi") + " " + msg("acompte.commande", order=o["number"], pct="P")
        raise sd.refuse("reglement.acompte", where, msg("acompte.reglement.commande", order=o["number"],
                                                        deposit=deposit))
    if quotes:
        q = quotes[-1]
        deposit = msg("acompte.pourquoi") + " " + msg("acompte.devis", quote=q["number"])
        raise sd.refuse("reglement.acompte", where, msg("acompte.reglement.devis", quote=q["number"], deposit=deposit))


def record_payment(store: Store, invoice: str, amount_text: str, mode_text: str, as_of: dt.date,
                   reference: str = "") -> Result:
    """One document named (the command of earlier versions): `receive` with that document."""
    return receive(store, amount_text, mode_text, as_of, documents=[invoice], reference=reference)


# --------------------------------------------------------------------------- credit
def use_credit(store: Store, client: str, documents: Sequence[str], as_of: dt.date, amount_text: str = "") -> Result:
    """The client's credit on its documents (named, else art. 1342-10): a pair of « Compensation »
    rows, the credit down and the documents paid, dated today; no money moves."""
    from pyxl.services import closures
    from pyxl.services.clients import get_client

    crow = get_client(store, client)
    client = str(crow["code"])
    where = f"Crédit de {sd.client_name(crow)} ({client})"
    available = credit_of(store, client)
    if available <= 0:
        raise sd.refuse("credit.vide", where, msg("credit.vide"))
    closures.check_open(store, as_of, where)
    targets = [_item_of(store, n, crow, where) for n in documents if n.strip()] or legal_order(
        [i for i in open_items(store, client) if i.date <= as_of], as_of)
    owed = sum((t.owed for t in targets), ZERO) + sum(
        (ln_owed for t in targets if not t.is_note for _, _, ln_owed in penalties.open_lines(store, t.number)), ZERO)
    if owed <= 0:
        raise sd.refuse("credit.rien", where, msg("credit.rien"))
    amount = min(available, owed) if not amount_text else _parse_amount(amount_text, where)
    if amount > available:
        raise sd.refuse("credit.trop", where, msg("credit.trop", amount=euros(amount), available=euros(available)))
    if amount > owed:
        raise sd.refuse("credit.plus_que_du", where, msg("credit.plus_que_du", amount=euros(amount), owed=euros(owed)))
    parts = [p for p in allocate(store, targets, amount) if p.target]
    used = sum((p.amount for p in parts), ZERO)
    res = Result()
    ids = _write(store, res, [Part("", -used), *parts], client, OFFSET, CREDIT_USE, as_of)
    res.message = (msg("credit.impute", name=sd.client_name(crow), id=ids[0], parts=_said(parts)) + " "
                   + msg("credit.restant", left=euros(available - used)))
    res.data = {"id": ids[0], "client": client, "montant": used, "credit_restant": available - used,
                "imputations": _parts_json(ids[1:], parts)}
    return res


def credit_note_excess(store: Store, res: Result, invoice: Row, credited_now: Decimal, as_of: dt.date) -> Decimal:
    """A credit note on a (partly) paid invoice: what was paid beyond what is still owed becomes the
    client's credit (a pair of « Compensation » rows). Returns that excess (0 if none)."""
    paid = invoice["paid"] or ZERO
    owed_after = (invoice["total_ttc"] or ZERO) - (invoice["credited"] or ZERO) - credited_now
    excess = min(paid, paid - owed_after) if paid > owed_after else ZERO
    if excess <= 0:
        return ZERO
    ids = _new_ids(store, res, as_of, 2)
    for pid, target, amount in ((ids[0], str(invoice["number"]), -excess), (ids[1], "", excess)):
        res.changes.append("tReglements", {"id": pid, "date": as_of, "invoice": target, "client": invoice["client"],
                                           "amount": amount, "mode": OFFSET, "kind": CREDIT_NOTE, "group": ids[0],
                                           "reason": f"avoir sur {invoice['number']} : trop-payé en crédit"})
        res.changes.issue("tReglements", pid, ACTION)
    return excess


def refund(store: Store, client: str, amount_text: str, mode_text: str, reason: str, as_of: dt.date) -> Result:
    """Pay back the client's credit (a credit note on a paid invoice, an overpayment): a negative
    row on the credit, never more than the credit."""
    from pyxl.services import closures
    from pyxl.services.clients import get_client

    crow = get_client(store, client)
    client = str(crow["code"])
    where = f"Remboursement à {sd.client_name(crow)} ({client})"
    mode = _mode(mode_text, where, REFUND_MODES)
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    amount = _parse_amount(amount_text, where)
    available = credit_of(store, client)
    if amount > available:
        raise sd.refuse("remboursement.trop", where, msg("remboursement.trop", amount=euros(amount),
                                                         available=euros(available)))
    closures.check_open(store, as_of, where)
    res = Result()
    (rid,) = _write(store, res, [Part("", -amount)], client, mode, REFUND, as_of, reason=reason)
    res.message = (msg("remboursement.fait", id=rid, amount=euros(amount), mode=mode.lower(),
                       name=sd.client_name(crow), reason=reason) + " "
                   + msg("credit.restant", left=euros(available - amount)))
    res.data = {"id": rid, "client": client, "montant": amount, "credit_restant": available - amount}
    return res


# --------------------------------------------------------------------------- corrections
def get_payment(store: Store, pid: str) -> Row:
    return sd.get_row(store, "tReglements", "id", pid, "Règlement", "Voyez les règlements avec « syc reglement liste ».")


def cancel_payment(store: Store, pid: str, reason: str, as_of: dt.date, *, bounced: bool | None = None,
                   charges_text: str = "") -> Result:
    """The opposite rows of a payment — of every part of it — dated `as_of`. A cheque already on a
    deposit slip is only reversed when the user says whether it bounced. Refused when the credit the
    payment left has been used or refunded since (undo that first)."""
    from pyxl.services import closures

    p = get_payment(store, pid)
    where = f"Règlement {p['id']} ({p.where})"
    reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    if p["cancels"]:
        raise sd.refuse("reglement.annulation", where, msg("reglement.annulation"))
    if p.get("kind") == CREDIT_NOTE:
        raise sd.refuse("reglement.avoir", where, msg("reglement.avoir.credit"))
    group = str(p.get("group") or "")
    rows = sorted(store.rows_where("tReglements", "group", {group}), key=lambda r: str(r["id"])) if group else [p]
    rows = [r for r in rows if not r["cancels"]]
    done = store.rows_where("tReglements", "cancels", {str(r["id"]) for r in rows})
    if done:
        raise sd.refuse("reglement.annule", where, msg("reglement.annule", id=done[0]["id"], where=done[0].where))
    if as_of < p["date"]:
        raise sd.refuse("reglement.date", where, msg("reglement.date.annulation", day=sd.day(p["date"])))
    if any(r.get("slip") for r in rows) and bounced is None:
        raise sd.refuse("reglement.bordereau", where,
                        msg("reglement.bordereau", slip=next(r["slip"] for r in rows if r.get("slip"))))
    charges = ZERO
    if charges_text:
        if not bounced:
            raise sd.refuse("reglement.frais", where, msg("reglement.frais"))
        charges = _parse_amount(charges_text, where)
    # what each row put on an invoice is taken back from it — unless a credit note has since turned
    # that payment into the client's credit (« Avoir en crédit »): then it is taken from the credit
    reversals: list[tuple[Row, str, Decimal]] = []  # (row reversed, target, amount taken back)
    on_doc: dict[str, Decimal] = {}
    docs: dict[str, Row] = {}
    for r in rows:
        target, amount = str(r["invoice"] or ""), _dec(r["amount"])
        if target and not penalties.is_note_number(target) and amount > 0:
            doc = docs.setdefault(target, get_doc(store, target))
            left = on_doc.setdefault(target, doc["paid"] or ZERO)
            take = min(amount, max(left, ZERO))
            on_doc[target] = left - take
            if take:
                reversals.append((r, target, take))
            if amount - take:
                reversals.append((r, "", amount - take))
        else:
            reversals.append((r, target, amount))
    credit_back = sum((a for _, t, a in reversals if not t), ZERO)
    if credit_back > 0 and credit_back > credit_of(store, str(p["client"])):
        raise sd.refuse("reglement.credit_utilise", where, msg("reglement.credit_utilise", amount=euros(credit_back)))
    closures.check_open(store, as_of, where)
    res = Result()
    nids = _new_ids(store, res, as_of, len(reversals))
    new_group = nids[0] if len(reversals) > 1 else ""
    note_parts: list[penalties.Part] = []
    deltas: dict[str, Decimal] = {}
    said: list[str] = []
    for i, (nid, (r, target, amount)) in enumerate(zip(nids, reversals, strict=True)):
        res.changes.append("tReglements", {
            "id": nid, "date": as_of, "invoice": target, "client": r["client"], "amount": -amount,
            "mode": r["mode"], "reference": r["reference"], "cancels": r["id"], "reason": reason,
            "applies_to": r.get("applies_to") or "", "group": new_group, "kind": r.get("kind") or RECEIPT,
            "bank": r.get("bank") or "", "drawer": r.get("drawer") or "",
            "bounced": ("Oui" if bounced else "Non") if bounced is not None else None,
            "charges": charges if i == 0 and charges else None})
        res.changes.issue("tReglements", nid, ACTION)
        if not target:
            said.append(msg("reglement.annule.credit", amount=euros(-amount)))
        elif penalties.is_note_number(target):
            note = penalties.get_note(store, target)
            line = next((ln for ln in penalties.lines_of(store, {str(note["number"])})
                         if str(ln["invoice"]) == str(r.get("applies_to") or "")), None)
            if line is None:
                raise sd.refuse("reglement.note", where, f"la ligne de la note {note['number']} pour la facture "
                                                         f"{r.get('applies_to')} est introuvable ; vérifiez le classeur "
                                                         "(syc verifier).")
            note_parts.append(penalties.Part(str(note["number"]), amount, str(line["invoice"]), note, line))
            said.append(msg("reglement.annule.note", note=note["number"], amount=euros(-amount)))
        else:
            deltas[target] = deltas.get(target, ZERO) - amount
    penalties.apply_parts(res.changes, note_parts, sign=-1)
    for number in deltas:
        docs.setdefault(number, get_doc(store, number))
    _update_invoices(store, res, deltas, docs)
    state = ""
    for number, delta in deltas.items():
        doc = docs[number]
        state = wf.invoice_state(doc["total_ttc"] or ZERO, (doc["paid"] or ZERO) + delta, doc["credited"] or ZERO)
        said.append(msg("reglement.annule.perte", what=label(doc)) if doc.get("written_off") is not None
                    else msg("reglement.annule.reste", what=label(doc), rest=euros(balance(doc) - delta)))
    total = sum((_dec(r["amount"]) for r in rows), ZERO)
    res.message = msg("reglement.impaye.fait" if bounced else "reglement.annule.fait", id=p["id"], ids=", ".join(nids),
                      amount=euros(-total), reason=reason, parts=" ; ".join(said))
    if charges:
        res.message += " " + msg("reglement.frais.notes", amount=euros(charges))
    res.data = {"id": nids[0], "annule": p["id"], "facture": p["invoice"] or "", "statut": state,
                "lignes": [{"id": n, "annule": str(r["id"]), "piece": t, "montant": -a}
                           for n, (r, t, a) in zip(nids, reversals, strict=True)]}
    return res


_CONSISTENCY = ("invoice", "amount", "client", "mode", "group", "id")  # what `consistency_issues` reads of a payment


def consistency_issues(store: Store) -> list[Issue]:
    """What `syc verifier` checks of the payments: each document's « Réglé » is the sum of its rows
    (nothing stored that does not follow from the allocations), no client's credit below zero,
    every compensation nets to zero."""
    issues: list[Issue] = []
    sums: dict[str, Decimal] = {}
    credit: dict[str, Decimal] = {}
    offsets: dict[str, Decimal] = {}
    for invoice, amount, client, mode, group, pid in (pick(r.values, _CONSISTENCY) for r in store.rows("tReglements")):
        target = str(invoice or "").strip()
        if target:
            sums[target] = sums.get(target, ZERO) + _dec(amount)
        else:
            credit[str(client)] = credit.get(str(client), ZERO) + _dec(amount)
        if mode == OFFSET:
            key = str(group or pid)
            offsets[key] = offsets.get(key, ZERO) + _dec(amount)
    docs = [(d, number, paid) for d in store.rows("tFactures")
            for number, doc_type, paid in [pick(d.values, ("number", "doc_type", "paid"))]
            if number and doc_type != wf.T_CREDIT]
    if "tNotesPenalites" in {t.name for t in store.schema.tables}:
        docs += [(n, n["number"], n["paid"]) for n in store.rows("tNotesPenalites")]
    for d, number, paid in docs:
        number = str(number)
        if _dec(paid) != sums.get(number, ZERO):
            issues.append(Issue("reglement.somme", f"{number} ({d.where}) : « Réglé » vaut {euros(_dec(paid))} "
                                                   f"mais ses règlements font {euros(sums.get(number, ZERO))}. La "
                                                   "cellule a été modifiée à la main : restaurez une sauvegarde (syc "
                                                   "sauvegardes restaurer).", d.where))
    for client, amount in sorted(credit.items()):
        if amount < 0:
            issues.append(Issue("reglement.credit", f"Client {client} : son crédit est négatif ({euros(amount)}) : "
                                                    "un remboursement ou une imputation dépasse ce qu'il avait.",
                                f"Règlements, client {client}"))
    for group, amount in sorted(offsets.items()):
        if amount != 0:
            issues.append(Issue("reglement.compensation", f"Règlement {group} : la compensation ne s'équilibre pas "
                                                          f"({euros(amount)}).", f"Règlements, {group}"))
    return issues


def payment_json(r: Row) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in r.values.items()}
