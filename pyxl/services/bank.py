"""Bank statements in the workbook: import (« Relevés »), and reconciliation with what the business
expects to receive — open invoices and penalty notes, deposit slips, card batches.

Import: the file is read whole by `pyxl.core.bank.parse` (refused whole, nothing written, when a
line is wrong); only the lines whose identity is not already in « Relevés » are written
(`new_lines`), numbered L2026-000001…, status « À rapprocher ». Importing the same file or an
overlapping period again adds nothing; two identical cheques of one day stay two.

Reconciliation: `pyxl.core.bank.match` pairs each line to be reconciled with the expected items.
Without confirmation nothing is written: the exact matches, the proposals with their score, the
ambiguous lines and what is left on both sides are shown. A confirmed line pays what it matched:
a slip or a card batch becomes « Crédité » (the batch's commission noted when within the tolerance
of Paramètres) and its payments carry the line; an invoice or a penalty note gets a transfer
received (`payments.receive`, allocated as the label says, the rest left as credit). A debit line
is matched to a refund made by transfer or cheque (its « Règlements » row, negative), which then
carries the line, as a receipt does. The payment is
dated the day of the line when that day is still open, else the day of the reconciliation (the
closures forbid dating anything in a closed day; the line keeps the bank's date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from pyxl.core import bank as bk
from pyxl.core.frformat import plural
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services import slips
from pyxl.services.common import Result
from pyxl.workbook.schema import STATEMENT_STATES
from pyxl.workbook.store import ChangeSet, Row, Store

ZERO = Decimal("0.00")
TO_MATCH, MATCHED, IGNORED = STATEMENT_STATES
SERIES = "Ligne de relevé"
WIDTH = 6


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


# --------------------------------------------------------------------------- import
def import_statement(store: Store, data: bytes, name: str, as_of: dt.date, fmt: str | None = None,
                     profile: str | None = None, account: str | None = None) -> Result:
    """`syc banque importer`: the new lines of a statement file, or a refusal of the whole file."""
    statements = bk.parse(data, name, fmt or None, profile or None, account or None)
    lines = bk.all_lines(statements)
    known = {str(r["identity"]) for r in store.rows("tReleves")}
    new = bk.new_lines(lines, known)
    res = Result()
    ids = sd.next_refs(store, res.changes, SERIES, as_of.year, f"L{as_of.year}-", WIDTH, "tReleves", "id",
                       len(new)) if new else []
    for lid, (ident, line) in zip(ids, new, strict=True):
        res.changes.append("tReleves", {
            "id": lid, "account": line.account[:40], "date": line.booking_date, "value_date": line.value_date,
            "amount": line.amount, "label": line.label[:500], "counterparty": (line.counterparty_name or "")[:140],
            "counterparty_iban": (line.counterparty_iban or "")[:40],
            "bank_ref": (line.bank_id or line.reference or "")[:80], "identity": ident, "source": name[:200],
            "imported": as_of, "status": TO_MATCH, "matched": "", "bank_code": (line.bank_code or "")[:40]})
    fmt_word = statements[0].source_format.value if statements else (fmt or "")
    credits = sum((ln.amount for _, ln in new if ln.amount > 0), ZERO)
    debits = sum((ln.amount for _, ln in new if ln.amount < 0), ZERO)
    already = len(lines) - len(new)
    if new:
        res.message = msg("releve.importe", name=name, fmt=fmt_word.upper(),
                          lines=plural(len(new), "ligne importée", "lignes importées"), first=ids[0], last=ids[-1],
                          credits=euros(credits), debits=euros(-debits))
        if already:
            res.message += " " + msg("releve.importe.deja", lines=plural(already, "ligne déjà importée, ignorée",
                                                                         "lignes déjà importées, ignorées"))
        res.message += "\n" + msg("releve.importe.suite")
    elif not lines:
        res.message = msg("releve.aucune_operation", name=name)
    else:
        res.message = msg("releve.rien_de_neuf", name=name,
                          lines=plural(len(lines), "ligne déjà importée", "lignes déjà importées"))
    res.data = {"fichier": name, "format": fmt_word, "profil": statements[0].profile if statements else "",
                "comptes": sorted({s.account for s in statements}), "lignes_lues": len(lines),
                "lignes_importees": len(new), "deja_importees": already, "ids": ids,
                "credits": credits, "debits": -debits}
    return res


# --------------------------------------------------------------------------- reading
def line_of(r: Row) -> bk.StatementLine:
    return bk.StatementLine(str(r["account"] or ""), r["date"], _dec(r["amount"]), str(r["label"] or ""),
                            value_date=r["value_date"] or None, bank_id=str(r["bank_ref"] or "") or None,
                            counterparty_name=str(r["counterparty"] or "") or None,
                            counterparty_iban=str(r["counterparty_iban"] or "") or None,
                            bank_code=str(r.get("bank_code") or "") or None)


def line_json(r: Row) -> dict[str, Any]:
    return {"id": str(r["id"]), "compte": str(r["account"] or ""), "date": r["date"],
            "date_valeur": r["value_date"] or None, "montant": _dec(r["amount"]), "libelle": str(r["label"] or ""),
            "contrepartie": str(r["counterparty"] or "") or None, "statut": str(r["status"] or ""),
            "rapprochee_avec": str(r["matched"] or "") or None, "motif": str(r.get("reason") or "") or None,
            # contract 1.4 (schema 15): the debtor's (creditor's) IBAN and the bank's code of the operation
            "iban_contrepartie": str(r.get("counterparty_iban") or "") or None,
            "code_operation": str(r.get("bank_code") or "") or None}


def item_json(item: bk.ExpectedItem) -> dict[str, Any]:
    return {"type": item.kind.value, "numero": item.number, "montant": item.amount,
            "client": item.client_code or None, "nom": item.client_name or None, "echeance": item.due_date}


def expected_items(store: Store) -> list[bk.ExpectedItem]:
    """What the business still expects on its account: each issued invoice, deposit invoice and
    penalty note with what it still owes (`payments.open_items`), each slip deposited and each card
    batch not yet credited (their totals)."""
    from pyxl.services.payments import open_items

    owed = open_items(store)
    codes = {i.client for i in owed}
    clients = store.rows_where("tClients", "code", codes) if codes else []
    names = {str(c["code"]): sd.client_name(c) for c in clients}
    ibans = {str(c["code"]): str(c.get("iban") or "") or None for c in clients}  # schema 15
    out = [bk.ExpectedItem(bk.ItemKind.PENALTY_NOTE if i.is_note else bk.ItemKind.INVOICE, i.number, i.owed, i.client,
                           names.get(i.client, str(i.row.get("client_name") or "")), ibans.get(i.client), i.due_date)
           for i in owed]
    for s in store.rows("tBordereaux"):
        if s["status"] == slips.DEPOSITED:
            kind = bk.ItemKind.CARD_BATCH if s["mode"] == "CB" else bk.ItemKind.DEPOSIT_SLIP
            out.append(bk.ExpectedItem(kind, str(s["number"]), _dec(s["total"]), due_date=s["date"]))
    return out + expected_deposits(store) + expected_refunds(store)


def expected_refunds(store: Store) -> list[bk.ExpectedItem]:
    """The refunds by transfer or cheque not yet seen on a statement (and not reversed): the money
    expected to leave the account, negative, each known by its client's name and by its IBAN: the
    client record's (schema 15), else the one that client's transfers came from (the lines already
    reconciled with its payments). Only those the
    imported statements can show: from the first debit imported, less the refunds' window (a book
    whose older statements were never imported, or hold only its slips' credits, does not wait for
    its older refunds)."""
    from pyxl.services import payments

    debits = [r["date"] for r in store.rows("tReleves") if r["date"] and _dec(r["amount"]) < 0]
    if not debits:
        return []
    since = min(debits) - dt.timedelta(days=bk.MatchOptions().refund_days_after)
    rows = store.rows("tReglements")
    cancelled = {str(r["cancels"]) for r in rows if r["cancels"]}
    refunds = [r for r in rows if r["kind"] == payments.REFUND and not r["cancels"] and not r["bank_line"]
               and str(r["id"]) not in cancelled and r["mode"] in payments.REFUND_MODES and _dec(r["amount"]) < 0
               and r["date"] >= since]
    if not refunds:
        return []
    codes = {str(r["client"]) for r in refunds}
    clients = store.rows_where("tClients", "code", codes)
    names = {str(c["code"]): sd.client_name(c) for c in clients}
    client_of = {str(r["id"]): str(r["client"]) for r in rows if str(r["client"]) in codes}
    ibans: dict[str, str] = {}
    for line in store.rows("tReleves"):  # in date order: the latest IBAN wins
        iban = str(line["counterparty_iban"] or "")
        client = client_of.get(str(line["matched"] or "")) if iban and line["status"] == MATCHED else None
        if client:
            ibans[client] = iban
    ibans.update({str(c["code"]): str(c["iban"]) for c in clients if c.get("iban")})  # the client's own, first
    return [bk.ExpectedItem(bk.ItemKind.REFUND, str(r["id"]), _dec(r["amount"]), str(r["client"]),
                            names.get(str(r["client"]), ""), ibans.get(str(r["client"])), r["date"])
            for r in refunds]


def expected_deposits(store: Store) -> list[bk.ExpectedItem]:
    """Money the business may receive before any invoice: on each open order, what its deposit
    invoices do not already ask; on each accepted quote not yet ordered, its total. A line matched
    to one of them is a deposit (CGI 289 I-1-c), never the client's credit: its confirmation says
    which deposit invoice to issue (`_deposit_refusal`). Kind QUOTE, numbered by the order (or the
    quote), due from the order's date (or the acceptance)."""
    from pyxl.core import workflow as wf

    asked: dict[str, Decimal] = {}
    for d in store.rows("tFactures"):
        if d["doc_type"] == wf.T_DEPOSIT and d["status"] != wf.I_CREDITED and d["order"]:
            asked[str(d["order"])] = asked.get(str(d["order"]), ZERO) + _dec(d["total_ttc"])
    out = []
    ordered: set[str] = set()
    for o in store.rows("tCommandes"):
        ordered.add(str(o["quote"]))
        if not wf.allowed("commande", "acompte", str(o["status"])) or o["invoice"]:
            continue
        rest = _dec(o["total_ttc"]) - asked.get(str(o["number"]), ZERO)
        if rest > 0:
            out.append(bk.ExpectedItem(bk.ItemKind.QUOTE, str(o["number"]), rest, str(o["client"]),
                                       str(o["client_name"] or ""), None, o["date"]))
    for q in store.rows("tDevis"):
        if q["status"] == wf.Q_ACCEPTED and not q["order"] and str(q["number"]) not in ordered \
                and _dec(q["total_ttc"]) > 0:
            out.append(bk.ExpectedItem(bk.ItemKind.QUOTE, str(q["number"]), _dec(q["total_ttc"]), str(q["client"]),
                                       str(q["client_name"] or ""), None, q["accepted_on"] or q["date"]))
    return out


def _deposit_refusal(store: Store, item: bk.ExpectedItem, amount: Decimal, where: str, line: str) -> Refused:
    """A line confirmed against an open order or an accepted quote: the deposit invoice to issue
    (with the share of the order the line pays), not a credit."""
    from pyxl.core.frformat import percent

    if item.number.upper().startswith("BC"):
        from pyxl.services.orders import get_order

        total = _dec(get_order(store, item.number)["total_ttc"])
        share = (amount * 100 / total).quantize(Decimal("0.01")) if total else Decimal(0)
        deposit = msg("acompte.pourquoi") + " " + msg("acompte.commande", order=item.number,
                      pct=percent(share, sep="").removesuffix("%"))
        what = "la commande"
    else:
        deposit = msg("acompte.pourquoi") + " " + msg("acompte.devis", quote=item.number)
        what = "le devis"
    return _refuse("banque.acompte", where, msg("acompte.releve", what=what, number=item.number,
                                                amount=euros(amount), total=euros(item.amount), deposit=deposit)
                   + " " + msg("acompte.releve.action", line=line, number=item.number))


# the payment mode of a deposit read on a line, by how the money came (`bk.how_paid`); a direct
# debit the business collected, or a line that does not say, is a transfer
_MODE_OF = {bk.HowPaid.TRANSFER: "Virement", bk.HowPaid.CHEQUE: "Chèque", bk.HowPaid.CARD: "CB",
            bk.HowPaid.CASH: "Espèces", bk.HowPaid.DIRECT_DEBIT: "Virement", bk.HowPaid.UNKNOWN: "Virement"}


def deposit_mode(row: Row, mode: str | None = None) -> tuple[str, bk.HowPaid]:
    """The payment mode of the deposit a line pays: `mode` when the user gives one (it overrides
    what the line says), else the one the bank's code or the label says. A slip's credit or a card
    batch is several payments, never one client's deposit: refused, saying what the line is."""
    from pyxl.services import payments

    how = bk.how_paid(line_of(row))
    where = msg("banque.ligne.ou", id=row["id"], where=row.where)
    if mode:
        return payments._mode(mode, where), how
    if how in bk.BATCHES:
        what = msg("banque.acompte.lot.cheques") if how is bk.HowPaid.CHEQUE_SLIP else msg("banque.acompte.lot.cartes")
        raise _refuse("banque.acompte.lot", where, msg("banque.acompte.lot", what=what, id=row["id"]))
    return _MODE_OF[how], how


def iban_proposals(store: Store, found: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """(line, client, IBAN) of the lines just reconciled → the IBANs to propose for the clients
    whose record has none (a valid IBAN only, each once). Never written here: the user decides
    (`syc client modifier --iban`, or Oui in Excel)."""
    from pyxl.core import fields

    wanted: dict[tuple[str, str], str] = {}
    for line, client, text in found:
        try:
            iban = fields.iban(text, compact=True)
        except fields.FieldError:
            continue
        if iban and client:
            wanted.setdefault((client, iban), line)
    if not wanted:
        return []
    rows = {str(c["code"]): c for c in store.rows_where("tClients", "code", {c for c, _ in wanted})}
    return [{"client": client, "nom": sd.client_name(rows[client]), "iban": iban, "ligne": line}
            for (client, iban), line in wanted.items() if client in rows and not rows[client].get("iban")]


def iban_said(proposals: Sequence[dict[str, Any]]) -> list[str]:
    from pyxl.core.fields import iban_shown

    return [msg("banque.iban.proposer", line=p["ligne"], iban=iban_shown(p["iban"]), client=p["client"],
                name=p["nom"], compact=p["iban"]) for p in proposals]


def deposit_from_line(store: Store, line_id: str, number: str, as_of: dt.date, mode: str | None = None) -> Result:
    """« Rapprocher » with the deposit: a statement line that pays an accepted quote or an open
    order before its invoice is a deposit (CGI 289 I-1-c: its invoice is issued at receipt). In one
    change set: the order made from the quote (when not ordered yet), the deposit invoice of exactly
    the line's amount, issued, the transfer received on it and the line reconciled. The 7-day rule
    of a contract signed away from the premises still applies (`invoices.create_deposit`). The
payment's mode is what the line says (`deposit_mode`), or `mode`."""
    from pyxl.services import invoices, orders, payments

    row, item = deposit_target(store, line_id, number, mode)
    paid_by, how = deposit_mode(row, mode)
    lid, amount = str(row["id"]), _dec(row["amount"])
    res = Result()
    view = Pending(store, res.changes)
    quote = ""
    order = item.number
    said = []
    if not order.startswith("BC"):
        quote = order
        made = orders.create_order(cast(Store, view), quote, as_of)
        view.add(made.changes)
        order = str(made.data["numero"])
    draft = invoices.create_deposit(cast(Store, view), order, "", as_of, amount=amount)
    view.add(draft.changes)
    issued = invoices.issue(cast(Store, view), str(draft.data["reference"]), as_of)
    view.add(issued.changes)
    deposit = str(issued.data["numero"])
    paid = payments.receive(cast(Store, view), str(amount), paid_by, as_of, client=item.client_code,
                            documents=[deposit], reference=str(row["label"] or "")[:60], bank_line=lid)
    pid = str(paid.data.get("id") or "")
    paid.changes.update("tReleves", row, {"status": MATCHED, "matched": pid or deposit})
    view.add(paid.changes)
    res.warnings = [*draft.warnings, *issued.warnings, *paid.warnings]
    said.append(msg("banque.acompte.fait", line=lid, amount=euros(amount), deposit=deposit, order=order,
                    quote=f" (devis {quote})" if quote else ""))
    said.append(paid.message)
    if not mode:
        said.append(msg("banque.acompte.mode", mode=paid_by if paid_by == "CB" else paid_by.lower(),
                        how=msg("banque.acompte.mode.inconnu") if how is bk.HowPaid.UNKNOWN
                        else msg("banque.acompte.mode.lu", what=how.value)))
    proposals = iban_proposals(store, [(lid, item.client_code, str(row["counterparty_iban"] or ""))])
    said += iban_said(proposals)
    res.message = "\n".join(said)
    res.data = {"ligne": lid, "commande": order, "devis": quote or None, "facture_acompte": deposit,
                "reglement": pid or None, "montant": amount, "mode": paid_by,
                "iban_a_enregistrer": proposals}  # contract 1.4
    return res


def deposit_target(store: Store, line_id: str, number: str, mode: str | None = None) -> tuple[Row, bk.ExpectedItem]:
    """The line to cash as a deposit and the open order or accepted quote it pays (`number`, else
    the one the matching proposes), checked: a credit line still to reconcile, not above what the
    order or quote still awaits, and one payment (not a slip's credit nor a card batch, unless
    `mode` says how it was paid)."""
    row = get_line(store, line_id)
    lid = str(row["id"])
    where = msg("banque.ligne.ou", id=lid, where=row.where)
    if row["status"] != TO_MATCH:
        raise _refuse("banque.deja", where, msg("banque.deja.avec", status=row["status"], matched=row["matched"])
                      if row["matched"] else msg("banque.deja", status=row["status"]))
    amount = _dec(row["amount"])
    if amount <= 0:
        raise _refuse("banque.debit", where, msg("banque.debit"))
    deposit_mode(row, mode)
    wanted = str(number or "").strip().upper()
    found = [i for i in expected_deposits(store) if i.number == wanted]
    if not wanted:
        offered = [c.items[0].number for m in _matches_of(store, row) for c in m.candidates
                   if len(c.items) == 1 and c.items[0].kind is bk.ItemKind.QUOTE]
        found = [i for i in expected_deposits(store) if offered and i.number == offered[0]]
    if not found:
        raise _refuse("banque.acompte.piece", where, msg("banque.acompte.piece", number=wanted or "?"))
    item = found[0]
    if amount > item.amount:
        raise _refuse("banque.acompte.trop", where, msg("banque.acompte.trop", number=item.number,
                                                        amount=euros(amount), rest=euros(item.amount)))
    return row, item


def _matches_of(store: Store, row: Row) -> tuple[bk.LineMatch, ...]:
    result = bk.match([line_of(row)], expected_deposits(store), bk.MatchOptions())
    return (*result.exact, *result.proposed, *result.ambiguous)


def fee_rate(store: Store) -> Decimal:
    text = str(store.parameters().get("tolerance_commission_cb") or "3").replace(",", ".").removesuffix("%").strip()
    try:
        return Decimal(text or "3") / 100
    except ArithmeticError:
        return Decimal("0.03")


# --------------------------------------------------------------------------- reconciliation
@dataclass(frozen=True)
class Transfer:
    """A line confirmed against invoices or penalty notes: a transfer received, recorded after the
    slips' part (each transfer is one payment of `payments.receive`)."""

    line_id: str
    line_date: dt.date
    amount: Decimal
    label: str
    client: str
    documents: tuple[str, ...]


@dataclass
class Reconciliation:
    result: Result  # the report, and the slips' and batches' part of the confirmation (one change set)
    transfers: list[Transfer] = field(default_factory=list)
    ibans: list[tuple[str, str, str]] = field(default_factory=list)  # (line, client, its IBAN) reconciled


def _candidate_json(c: bk.Candidate) -> dict[str, Any]:
    return {"pieces": [i.number for i in c.items], "types": [i.kind.value for i in c.items], "score": c.score,
            "raisons": list(c.reasons), "ecart": c.difference,
            "client": c.items[0].client_code or None, "nom": c.items[0].client_name or None}


def _refuse(code: str, where: str, text: str) -> Refused:
    return Refused(Issue(code, f"{where} : {text}", where))


def _wanted(confirm: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """« L2026-000004 » or « L2026-000004=F2026-00012,NP2026-0001 » → {line: documents named}."""
    out: dict[str, tuple[str, ...]] = {}
    for text in confirm:
        for part in str(text).split():
            line, _, docs = part.partition("=")
            out[line.strip().upper()] = tuple(d.strip().upper() for d in docs.replace("+", ",").split(",") if d.strip())
    return out


def reconcile(store: Store, as_of: dt.date, confirm: Sequence[str] = (), all_exact: bool = False) -> Reconciliation:
    """`syc banque rapprocher`: the matches; with `confirm` (line ids, optionally « =PIÈCE,… ») or
    `all_exact`, what those confirmations write (checked whole before anything is written)."""
    store.prefetch(("tReleves", "tFactures", "tNotesPenalites", "tBordereaux", "tClients", "tReglements"))
    rows = [r for r in store.rows("tReleves") if r["status"] == TO_MATCH]
    lines = [line_of(r) for r in rows]
    row_of = {id(ln): r for ln, r in zip(lines, rows, strict=True)}
    items = expected_items(store)
    rate = fee_rate(store)
    result = bk.match(lines, items, bk.MatchOptions(card_fee_rate=rate))
    by_line: dict[str, bk.LineMatch] = {str(row_of[id(m.line)]["id"]): m
                                        for m in (*result.exact, *result.proposed, *result.ambiguous)}

    def listed(ms: Sequence[bk.LineMatch]) -> list[dict[str, Any]]:
        return [{**line_json(row_of[id(m.line)]), "candidats": [_candidate_json(c) for c in m.candidates]} for m in ms]

    rec = Reconciliation(Result())
    res = rec.result
    chosen: list[tuple[Row, tuple[bk.ExpectedItem, ...]]] = []
    wanted = _wanted(confirm)
    if all_exact:
        for em in (*result.exact, *result.proposed):
            lid = str(row_of[id(em.line)]["id"])
            if lid in wanted:
                continue
            if any(i.kind is bk.ItemKind.QUOTE for i in em.candidates[0].items):  # a deposit: its invoice first
                i = em.candidates[0].items[0]
                res.warnings.append(Issue("banque.acompte", msg(
                    "acompte.releve.a_faire", line=lid, number=i.number,
                    what="le devis" if i.number.upper().startswith("D") else "la commande") + " "
                    + msg("acompte.releve.action", line=lid, number=i.number), lid, Severity.WARNING))
            elif em.status is bk.Status.EXACT:
                chosen.append((row_of[id(em.line)], em.candidates[0].items))
    by_number = {i.number: i for i in items}
    for lid, docs in wanted.items():
        row = get_line(store, lid)
        where = msg("banque.ligne.ou", id=lid, where=row.where)
        if row["status"] != TO_MATCH:
            raise _refuse("banque.deja", where, msg("banque.deja.avec", status=row["status"], matched=row["matched"])
                          if row["matched"] else msg("banque.deja", status=row["status"]))
        m = by_line.get(lid)
        if docs:
            pick = next((c.items for c in (m.candidates if m else ()) if {i.number for i in c.items} == set(docs)), None)
            if pick is None:
                unknown = [d for d in docs if d not in by_number]
                if unknown:
                    raise _refuse("banque.piece", where, msg("banque.piece", numbers=", ".join(unknown)))
                pick = tuple(by_number[d] for d in docs)
        elif m is None:
            raise _refuse("banque.sans_candidat", where, msg("banque.sans_candidat", id=lid))
        elif m.status is bk.Status.AMBIGUOUS:
            options = " ou ".join(f"{lid}={','.join(i.number for i in c.items)}" for c in m.candidates[:3])
            raise _refuse("banque.ambigu", where, msg("banque.ambigu", options=options))
        else:
            pick = m.candidates[0].items
        chosen.append((row, pick))
    _confirm(store, rec, chosen, rate, as_of)

    data = res.data
    data["exactes"] = listed(result.exact)
    data["proposees"] = listed(result.proposed)
    data["ambigues"] = listed(result.ambiguous)
    data["lignes_non_rapprochees"] = [line_json(row_of[id(ln)]) for ln in result.unmatched_lines]
    data["attendus_non_rapproches"] = [item_json(i) for i in result.unmatched_items]
    data["a_rapprocher"] = len(rows)
    data["iban_a_enregistrer"] = []  # filled by `record_transfers` (contract 1.4)
    res.message = _summary(result, len(rows), data.get("confirmees", []))
    return rec


def _confirm(store: Store, rec: Reconciliation, chosen: list[tuple[Row, tuple[bk.ExpectedItem, ...]]],
             rate: Decimal, as_of: dt.date) -> None:
    changes: ChangeSet = rec.result.changes
    used: dict[str, str] = {}
    confirmed: list[dict[str, Any]] = []
    for row, picked in chosen:
        lid = str(row["id"])
        where = msg("banque.ligne.ou", id=lid, where=row.where)
        amount = _dec(row["amount"])
        refunds = [i for i in picked if i.kind is bk.ItemKind.REFUND]
        if refunds or amount < 0:
            _match_refund(store, changes, row, picked, where)
            rec.ibans.append((lid, picked[0].client_code, str(row["counterparty_iban"] or "")))
            confirmed.append({"ligne": lid, "pieces": [picked[0].number], "type": picked[0].kind.value,
                              "reglement": picked[0].number})
            continue
        if amount <= 0:
            raise _refuse("banque.debit", where, msg("banque.debit"))
        for i in picked:
            if i.number in used:
                raise _refuse("banque.double", where, msg("banque.double", number=i.number, line=used[i.number]))
            used[i.number] = lid
        kinds = {i.kind for i in picked}
        if bk.ItemKind.QUOTE in kinds:
            raise _deposit_refusal(store, next(i for i in picked if i.kind is bk.ItemKind.QUOTE), amount, where, lid)
        if kinds & {bk.ItemKind.DEPOSIT_SLIP, bk.ItemKind.CARD_BATCH}:
            if len(picked) != 1:
                raise _refuse("banque.bordereau", where, msg("banque.bordereau"))
            _credit_slip(store, changes, row, picked[0], rate, where)
            confirmed.append({"ligne": lid, "pieces": [picked[0].number], "type": picked[0].kind.value,
                              "reglement": None})
            continue
        clients = {i.client_code for i in picked}
        if len(clients) != 1:
            raise _refuse("banque.clients", where, msg("banque.clients"))
        client = clients.pop()
        rec.transfers.append(Transfer(lid, row["date"], amount, str(row["label"] or ""), client,
                                      tuple(i.number for i in picked)))
        rec.ibans.append((lid, client, str(row["counterparty_iban"] or "")))
        confirmed.append({"ligne": lid, "pieces": [i.number for i in picked], "type": picked[0].kind.value,
                          "reglement": None})
    if chosen:
        from pyxl.services import closures

        if rec.result.changes.appends or rec.result.changes.updates:
            closures.check_open(store, as_of, "Rapprochement")
    rec.result.data["confirmees"] = confirmed


def _match_refund(store: Store, changes: ChangeSet, row: Row, picked: tuple[bk.ExpectedItem, ...], where: str) -> None:
    """A debit line is one refund, of exactly its amount: the refund carries the line."""
    amount = _dec(row["amount"])
    if amount >= 0:
        raise _refuse("banque.remboursement", where, msg("banque.remboursement.credit"))
    if len(picked) != 1 or picked[0].kind is not bk.ItemKind.REFUND:
        raise _refuse("banque.debit", where, msg("banque.debit"))
    found = store.rows_where("tReglements", "id", {picked[0].number})
    if not found or _dec(found[0]["amount"]) != amount:
        raise _refuse("banque.remboursement", where, msg("banque.remboursement.montant", id=picked[0].number,
                                                         refund=euros(-picked[0].amount), amount=euros(-amount)))
    changes.update("tReglements", found[0], {"bank_line": str(row["id"])})
    changes.update("tReleves", row, {"status": MATCHED, "matched": picked[0].number})


def _credit_slip(store: Store, changes: ChangeSet, row: Row, item: bk.ExpectedItem, rate: Decimal, where: str) -> None:
    slip = slips.get_slip(store, item.number)
    total, amount = _dec(slip["total"]), _dec(row["amount"])
    updates: dict[str, Any] = {"status": slips.CREDITED, "credited_on": row["date"], "bank_line": str(row["id"])}
    if slip["mode"] == "CB":
        fee = total - amount
        if fee < 0 or fee > total * rate:
            from pyxl.core.frformat import percent

            why = (msg("banque.commission.trop", fee=euros(fee), rate=percent(rate * 100)) if fee >= 0
                   else msg("banque.commission.plus"))
            raise _refuse("banque.commission", where, msg("banque.commission", number=slip["number"],
                                                          total=euros(total), amount=euros(amount), why=why))
        updates["fee"] = fee
    elif amount != total:
        raise _refuse("banque.montant", where, msg("banque.montant", number=slip["number"], total=euros(total),
                                                   amount=euros(amount)))
    changes.update("tBordereaux", slip, updates)
    for p in store.rows_where("tReglements", "slip", {str(slip["number"])}):
        changes.update("tReglements", p, {"bank_line": str(row["id"])})
    changes.update("tReleves", row, {"status": MATCHED, "matched": str(slip["number"])})


def record_transfers(store: Store, rec: Reconciliation, as_of: dt.date) -> list[str]:
    """Each confirmed transfer as a payment received (`payments.receive`: allocated to the documents
    matched, the rest left as the client's credit) with its line reconciled, all into the
    reconciliation's change set (one write for the whole confirmation). Dated `as_of`: the action
    closes every past day before it writes, so no payment can be dated the line's own day, which
    the line keeps. A transfer `receive` refuses refuses the whole confirmation, naming the line.
    Returns the payments' messages."""
    from pyxl.services import payments

    tables: tuple[str, ...] = ()
    if len(rec.transfers) > 3:  # many payments: each table read whole once and indexed, not searched per payment
        tables = ("tFactures", "tCommandes", "tDevis", "tClients", "tReglements", "tNotesPenalites", "tLignesNotes",
                  "tReleves")
        store.prefetch(tables)
    view = Pending(store, rec.result.changes, tables)
    said: list[str] = []
    confirmed = {c["ligne"]: c for c in rec.result.data.get("confirmees", [])}
    for t in rec.transfers:
        try:
            res: Result = payments.receive(cast(Store, view), str(t.amount), "virement", as_of, client=t.client,
                                           documents=list(t.documents), reference=t.label[:60], bank_line=t.line_id)
        except Refused as exc:
            raise Refused([Issue(i.code, f"Ligne de relevé {t.line_id} : {i.message}", i.where, i.severity)
                           for i in exc.issues]) from None
        pid = str(res.data.get("id") or "")
        line = view.rows_where("tReleves", "id", {t.line_id})[0]
        res.changes.update("tReleves", line, {"status": MATCHED, "matched": (pid or ", ".join(t.documents))[:200]})
        view.add(res.changes)
        rec.result.warnings += res.warnings
        confirmed[t.line_id]["reglement"] = pid or None
        said.append(res.message)
    proposals = iban_proposals(store, rec.ibans)
    rec.result.data["iban_a_enregistrer"] = proposals  # contract 1.4
    return said + iban_said(proposals)


def _summary(result: bk.MatchResult, total: int, confirmed: Sequence[dict[str, Any]]) -> str:
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count <= 1 else many}"

    head = msg("rapprochement.bilan", lines=n(total, "ligne à rapprocher", "lignes à rapprocher"),
               exact=n(len(result.exact), "exacte", "exactes"), proposed=n(len(result.proposed), "proposée", "proposées"),
               ambiguous=n(len(result.ambiguous), "ambiguë", "ambiguës"),
               unmatched=n(len(result.unmatched_lines), "sans correspondance", "sans correspondance"),
               items=n(len(result.unmatched_items), "pièce attendue", "pièces attendues"))
    if confirmed:
        head += " " + msg("rapprochement.confirmees", lines=n(len(confirmed), "ligne confirmée", "lignes confirmées"))
    elif result.exact:
        head += "\n" + msg("rapprochement.a_confirmer")
    return head


# --------------------------------------------------------------------------- lines set aside
def get_line(store: Store, line_id: str) -> Row:
    lid = str(line_id or "").strip().upper()
    found = store.rows_where("tReleves", "id", {lid}) if lid else []
    if not found:
        raise _refuse("banque.ligne", msg("banque.ligne.qui", id=lid or "?"), msg("banque.ligne.inconnue"))
    return found[0]


def set_aside(store: Store, line_id: str, reason: str, as_of: dt.date) -> Result:
    """`syc banque ignorer`: a statement line that is no client's payment (bank fees, a supplier's
    debit, a transfer between accounts) leaves the lines to reconcile, with its reason; nothing
    else is written (no payment, no document)."""
    from pyxl.core import fields

    row = get_line(store, line_id)
    where = msg("banque.ligne.ou", id=row["id"], where=row.where)
    try:
        reason = fields.text(reason, label="Le motif", required=True, max_len=300)
    except fields.FieldError as exc:
        raise _refuse("banque.motif", where, str(exc)) from None
    if row["status"] != TO_MATCH:
        raise _refuse("banque.deja", where, msg("banque.ignorer.etat", status=row["status"]))
    res = Result()
    res.changes.update("tReleves", row, {"status": IGNORED, "reason": reason})
    res.message = msg("banque.ignoree", id=row["id"], amount=euros(_dec(row["amount"])), reason=reason)
    res.data = {**line_json(row), "statut": IGNORED, "motif": reason}
    return res


def take_back(store: Store, line_id: str, as_of: dt.date) -> Result:
    """`syc banque reprendre`: an ignored line goes back among the lines to reconcile (its reason
    is cleared: the line says again only what the bank said)."""
    row = get_line(store, line_id)
    where = msg("banque.ligne.ou", id=row["id"], where=row.where)
    if row["status"] != IGNORED:
        raise _refuse("banque.pas_ignoree", where, msg("banque.reprendre.etat", status=row["status"]))
    res = Result()
    res.changes.update("tReleves", row, {"status": TO_MATCH, "reason": ""})
    res.message = msg("banque.reprise", id=row["id"], reason=str(row["reason"] or "—"))
    res.data = {**line_json(row), "statut": TO_MATCH, "motif": None}
    return res


def list_lines(store: Store, unmatched_only: bool = False) -> list[dict[str, Any]]:
    return [line_json(r) for r in store.rows("tReleves") if not unmatched_only or r["status"] == TO_MATCH]


# --------------------------------------------------------------------------- several payments, one change set
FAKE_ROW = 10_000_000  # row numbers of the rows appended by an earlier payment of the same action


class Pending:
    """The store as it will be once `changes` is written: what each transfer of a confirmation
    reads (counters, invoices' paid amounts, the payments just added) includes the transfers
    before it, so that all of them go into one change set, written together or not at all.
    Only reading is overlaid; everything else is the store's."""

    def __init__(self, store: Store, changes: ChangeSet, indexed: Sequence[str] = ()):
        self._store = store
        self.changes = changes
        self._indexed = set(indexed)  # tables read whole: searched through an index of their rows
        self._index: dict[tuple[str, str], dict[str, list[Row]]] = {}

    def _base_where(self, name: str, key: str, values: set[str]) -> list[Row]:
        if name not in self._indexed:
            return self._store.rows_where(name, key, values)
        index = self._index.get((name, key))
        if index is None:
            index = self._index[(name, key)] = {}
            for r in self._store.rows(name):
                index.setdefault(str(r.get(key) or ""), []).append(r)
        return sorted((r for v in values for r in index.get(v, ())), key=lambda r: r.row)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _touched(self, name: str) -> bool:
        return bool(self.changes.appends.get(name) or self.changes.updates.get(name))

    def _patch(self, name: str, rows: Sequence[Row]) -> list[Row]:
        ups: dict[int, dict[str, Any]] = {}
        for num, values in self.changes.updates.get(name, []):
            ups.setdefault(num, {}).update(values)
        out = [Row({**r.values, **ups[r.row]}, r.row, r.sheet, r.version, r.writer) if r.row in ups else r
               for r in rows]
        return out

    def _added(self, name: str) -> list[Row]:
        table = self._store.schema.table(name)
        keys = [c.key for c in table.columns]
        return [Row({**dict.fromkeys(keys), **values}, FAKE_ROW + i, table.sheet)
                for i, values in enumerate(self.changes.appends.get(name, []))]

    def rows(self, name: str) -> list[Row]:
        rows = self._store.rows(name)
        return [*self._patch(name, rows), *self._added(name)] if self._touched(name) else rows

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Row]:
        if not self._touched(name):
            return self._base_where(name, key, values)
        found = {r.row: r for r in self._base_where(name, key, values)}
        moved = {n for n, v in self.changes.updates.get(name, []) if key in v and n < FAKE_ROW}
        found.update(self._store.rows_at(name, moved - set(found)) if moved - set(found) else {})
        rows = sorted(found.values(), key=lambda r: r.row)
        return [r for r in (*self._patch(name, rows), *self._added(name)) if str(r.get(key) or "") in values]

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]:
        if not self._touched(name):
            return self._store.rows_at(name, nums)
        return {r.row: r for r in self.rows(name) if r.row in nums}

    def tail(self, name: str, n: int = 1) -> list[Row]:
        return self.rows(name)[-n:] if self._touched(name) else self._store.tail(name, n)

    def add(self, other: ChangeSet) -> None:
        """`other` (computed on this view) into the action's change set: rows appended by earlier
        payments are updated in place, two updates of one row become one."""
        for table, rows in other.appends.items():
            self.changes.appends.setdefault(table, []).extend(rows)
        for table, ups in other.updates.items():
            mine = self.changes.updates.setdefault(table, [])
            for num, values in ups:
                if num >= FAKE_ROW:
                    self.changes.appends[table][num - FAKE_ROW].update(values)
                    continue
                same = next((v for n, v in mine if n == num), None)
                if same is None:
                    mine.append((num, dict(values)))
                else:
                    same.update(values)
        self.changes.issued.extend(other.issued)
        for k, v in other.read_versions.items():
            if k[1] < FAKE_ROW:
                self.changes.read_versions.setdefault(k, v)
