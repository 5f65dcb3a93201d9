"""Deposit slips (bordereaux de remise): the cheques received and not yet taken to the bank,
gathered into one numbered slip (BR2026-0001, a gapless series of its own, fingerprinted in the
audit chain like the penalty notes), and the card settlements batched the same way.

A cheque is one payment: the rows of a payment allocated in several parts (`group`) are one
cheque of their total. Only money received counts (nature « Encaissement », or empty on rows older
than schema 7), never a reversal, a refund nor a compensation; a payment already reversed is not
deposited. Gathering writes the slip's number in « Bordereau » of every row of its cheques, so a
cheque is never on two slips. The bank's statement line later credits the slip as a whole
(`pyxl.services.bank`): status « Crédité », date and line; for a card batch, the bank's
commission is noted in « Commission » when it stays within the tolerance of Paramètres.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyxl.core.kinds import PaymentKind
from pyxl.core.messages import msg
from pyxl.core.money import euros
from pyxl.services import salesdocs as sd
from pyxl.services.common import Result
from pyxl.workbook.schema import SLIP_STATES
from pyxl.workbook.store import Row, Store

ZERO = Decimal("0.00")
SERIES = "Bordereau"
PREFIX = "BR"
ACTION = "Bordereau"
DEPOSITED, CREDITED = SLIP_STATES
MODES = {"cheque": "Chèque", "chèque": "Chèque", "cheques": "Chèque", "chèques": "Chèque", "cb": "CB",
         "carte": "CB", "cartes": "CB"}
WHAT = {"Chèque": ("chèque", "chèques"), "CB": ("paiement par carte", "paiements par carte")}
BANK_MISSING = "[à compléter dans Paramètres : Banque de remise des chèques]"


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


@dataclass
class Cheque:
    """One payment to deposit: a cheque (or a card payment), the rows of its parts."""

    key: str  # the payment's id: its group, or its single row's id
    date: dt.date
    client: str
    amount: Decimal
    reference: str
    bank: str
    drawer: str
    rows: list[Row] = field(default_factory=list)


def parse_mode(text: str) -> str:
    key = (text or "cheque").strip().casefold()
    if key not in MODES:
        raise sd.refuse("bordereau.mode", "Bordereau", msg("bordereau.mode", mode=text))
    return MODES[key]


def _is_receipt(r: Row) -> bool:
    return str(r.get("kind") or "") in ("", PaymentKind.RECEIPT.value) and not r["cancels"] and _dec(r["amount"]) > 0


def pending(store: Store, mode: str, as_of: dt.date | None = None) -> list[Cheque]:
    """The payments of `mode` received (up to `as_of`) and on no slip yet, reversed ones left out,
    oldest first."""
    rows = [r for r in store.rows("tReglements") if str(r["mode"] or "") == mode and _is_receipt(r)]
    reversed_ids = {str(r["cancels"]) for r in store.rows("tReglements") if r["cancels"]}
    by_key: dict[str, list[Row]] = {}
    for r in rows:
        by_key.setdefault(str(r.get("group") or "") or str(r["id"]), []).append(r)
    out = []
    for key, parts in by_key.items():
        if any(str(r["id"]) in reversed_ids for r in parts) or any(r.get("slip") for r in parts):
            continue
        first = min(parts, key=lambda r: str(r["id"]))
        if as_of is not None and isinstance(first["date"], dt.date) and first["date"] > as_of:
            continue
        out.append(Cheque(key, first["date"], str(first["client"] or ""), sum((_dec(r["amount"]) for r in parts), ZERO),
                          str(first["reference"] or ""), str(first.get("bank") or ""), str(first.get("drawer") or ""),
                          parts))
    out.sort(key=lambda c: (c.date, c.key))
    return out


def _names(store: Store, codes: set[str]) -> dict[str, str]:
    return {str(c["code"]): sd.client_name(c) for c in store.rows_where("tClients", "code", codes)} if codes else {}


def create(store: Store, as_of: dt.date, mode_text: str = "cheque", bank: str = "") -> Result:
    """`syc bordereau creer`: every payment of the mode not yet deposited, on one numbered slip."""
    from pyxl.core import fields
    from pyxl.services import closures

    mode = parse_mode(mode_text)
    bank = fields.text(bank, label="La banque de remise", max_len=60)
    store.prefetch(("tReglements", "tBordereaux", "tClients", "tCompteurs"))
    cheques = pending(store, mode, as_of)
    if not cheques:
        one, many = WHAT[mode]
        raise sd.refuse("bordereau.rien", "Bordereau", msg("bordereau.rien", one=one, many=many, day=sd.day(as_of)))
    closures.check_open(store, as_of, "Bordereau")
    params = store.parameters()
    bank = bank.strip() or str(params.get("banque_remise") or "").strip()
    res = Result()
    number = sd.next_ref(store, res.changes, SERIES, as_of.year, f"{PREFIX}{as_of.year}-", 4, "tBordereaux", "number",
                         gapless=True)
    total = sum((c.amount for c in cheques), ZERO)
    res.changes.append("tBordereaux", {"number": number, "date": as_of, "mode": mode, "bank": bank,
                                       "count": len(cheques), "total": total, "status": DEPOSITED})
    res.changes.issue("tBordereaux", number, ACTION)
    for c in cheques:
        for r in c.rows:
            res.changes.update("tReglements", r, {"slip": number})
    one, many = WHAT[mode]
    res.message = msg("bordereau.fait" if bank else "bordereau.fait.sans_banque", number=number, day=sd.day(as_of),
                      count=len(cheques), what=one if len(cheques) == 1 else many, total=euros(total), bank=bank)
    if not bank:
        from pyxl.core.issues import Issue, Severity

        res.warnings.append(Issue("bordereau.banque", msg("bordereau.banque", number=number), number,
                                  Severity.WARNING))
    names = _names(store, {c.client for c in cheques})
    res.data = {**slip_json({"number": number, "date": as_of, "mode": mode, "bank": bank, "count": len(cheques),
                             "total": total, "status": DEPOSITED, "credited_on": None, "fee": None, "bank_line": ""}),
                "cheques": [cheque_json(c, names) for c in cheques]}
    return res


# --------------------------------------------------------------------------- reading
def get_slip(store: Store, number: str) -> Row:
    return sd.get_row(store, "tBordereaux", "number", (number or "").strip().upper(), "Bordereau",
                      msg("bordereau.inconnu"))


def cheques_of(store: Store, number: str) -> list[Cheque]:
    """The payments on a slip, in the order they were gathered."""
    rows = [r for r in store.rows_where("tReglements", "slip", {number}) if _is_receipt(r)]
    by_key: dict[str, list[Row]] = {}
    for r in rows:
        by_key.setdefault(str(r.get("group") or "") or str(r["id"]), []).append(r)
    out = []
    for key, parts in by_key.items():
        first = min(parts, key=lambda r: str(r["id"]))
        out.append(Cheque(key, first["date"], str(first["client"] or ""), sum((_dec(r["amount"]) for r in parts), ZERO),
                          str(first["reference"] or ""), str(first.get("bank") or ""), str(first.get("drawer") or ""),
                          parts))
    out.sort(key=lambda c: (c.date, c.key))
    return out


def slip_json(r: Any) -> dict[str, Any]:
    return {"numero": r["number"], "date": r["date"], "mode": r["mode"], "banque": r["bank"] or "",
            "nombre": int(r["count"] or 0), "total": _dec(r["total"]), "statut": r["status"],
            "credite_le": r["credited_on"] or None, "commission": r["fee"] if r["fee"] not in ("", None) else None,
            "ligne_releve": r["bank_line"] or ""}


def cheque_json(c: Cheque, names: dict[str, str]) -> dict[str, Any]:
    return {"paiement": c.key, "date": c.date, "client": c.client, "nom": names.get(c.client, ""),
            "montant": c.amount, "numero_cheque": c.reference, "banque": c.bank, "tireur": c.drawer,
            "reglements": [str(r["id"]) for r in c.rows]}


def detail(store: Store, number: str) -> dict[str, Any]:
    """`syc bordereau voir`: the slip and its cheques."""
    slip = get_slip(store, number)
    cheques = cheques_of(store, str(slip["number"]))
    return {"bordereau": {**slip_json(slip), "cheques": cheque_json_list(store, cheques)}, "ou": slip.where}


def cheque_json_list(store: Store, cheques: list[Cheque]) -> list[dict[str, Any]]:
    names = _names(store, {c.client for c in cheques})
    return [cheque_json(c, names) for c in cheques]
