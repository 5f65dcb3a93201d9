"""Statement lines matched to what the business expects to receive: invoices, penalty notes and
quotes (deposits) still owed, cheque deposit slips (one bank line = the slip's total) and card
batches (credited net of the bank's commission).

Each pair gets a score from its signals: the exact amount (50), the document's number in the
label or reference (35; 25 when only « 2026-0042 » is written, without the prefix), the debtor's
IBAN when it is the client's (35: an account is not shared, a name may be), else the client's name
in the label, accents and case ignored (20), a booking date within the window around the due date (5); a slip or a batch counts its kind's words in the label
(« REMISE CHQ », « CB ») as its number, and a batch credited less than its total within the
commission rate as 40 instead of 50. Without the amount a pair scores at most 60.

Debit lines are matched only to the refunds the business made (kind REFUND, a negative amount: the
money that leaves the account), credit lines only to the rest. A refund is known by its exact
amount and by its beneficiary — the client's name in the label, or the IBAN its transfers came
from — which count as much as a number (35): the business wrote the transfer itself, so an amount
and a name are enough for an EXACT match; and only within its own window (a few days before the
refund is recorded, three months after: the time a cheque takes to be cashed). A line is an EXACT match when one candidate alone reaches
85 (an exact amount and a number, IBAN or slip word), and no other line claims the same item at
that score; candidates that tie at the top are AMBIGUOUS (two invoices of the same amount for one
client); everything else above the floor is PROPOSED with its score, a line naming several
documents whose total it equals included (a payment for several invoices, for the allocation to
split). Candidates come from indexes (amount, number, IBAN, name words): no line is compared to
every item, so 2 000 lines against 3 000 items take a fraction of a second."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from pyxl.core.bank.model import StatementLine
from pyxl.core.messages import msg
from pyxl.core.money import euros


class ItemKind(Enum):
    INVOICE = "facture"
    PENALTY_NOTE = "note de pénalités"
    QUOTE = "devis"
    DEPOSIT_SLIP = "bordereau"
    CARD_BATCH = "lot CB"
    REFUND = "remboursement"


@dataclass(frozen=True)
class ExpectedItem:
    """Money expected on the account. `amount`: what is still owed (an invoice's balance), the
    slip's total, the card batch's gross total, the deposit asked on a quote; negative for a
    refund (money expected to leave it), whose `due_date` is the day it was recorded."""

    kind: ItemKind
    number: str
    amount: Decimal
    client_code: str = ""
    client_name: str = ""
    iban: str | None = None
    due_date: date | None = None


class Status(Enum):
    EXACT = "exact"
    PROPOSED = "proposé"
    AMBIGUOUS = "ambigu"


@dataclass(frozen=True)
class Candidate:
    items: tuple[ExpectedItem, ...]
    score: int
    reasons: tuple[str, ...]  # French, for the user: « montant exact », « n° FA2026-0042 dans le libellé »…
    difference: Decimal  # the line's amount less the items' total (a card batch's commission: < 0)


@dataclass(frozen=True)
class LineMatch:
    line: StatementLine
    status: Status
    candidates: tuple[Candidate, ...]  # best first; one for an EXACT match


@dataclass(frozen=True)
class MatchOptions:
    days_before_due: int = 60
    days_after_due: int = 180
    card_fee_rate: Decimal = Decimal("0.03")  # the most a bank keeps of a card batch
    floor: int = 40  # below: not proposed
    refund_days_before: int = 7  # a refund's debit, booked before the refund was recorded (value dates)
    refund_days_after: int = 90  # … or after: a refund cheque is cashed when the client deposits it
    max_candidates: int = 5


@dataclass(frozen=True)
class MatchResult:
    exact: tuple[LineMatch, ...]
    proposed: tuple[LineMatch, ...]
    ambiguous: tuple[LineMatch, ...]
    unmatched_lines: tuple[StatementLine, ...]
    unmatched_items: tuple[ExpectedItem, ...] = field(default=())


EXACT = 85
_WITHOUT_AMOUNT = 60
_AMOUNT, _FEE, _NUMBER, _BARE, _IBAN, _NAME, _DATE = 50, 40, 35, 25, 35, 20, 5
_NUM = re.compile(r"(?<![A-Z0-9])([A-Z]{1,4})?[ _/-]?(?<!\d)(20\d{2})[ _/-]?(\d{1,6})(?!\d)")
_STOP = frozenset(["M", "MR", "MME", "MLE", "MLLE", "MELLE", "MONSIEUR", "MADAME", "ET", "DE", "DU", "DES", "LA", "LE", "LES", "SARL", "SAS", "SASU", "EURL", "SA", "SCI", "STE", "SOCIETE", "ETS", "ENTREPRISE", "CIE"])
_SLIP_WORDS = frozenset(["REMISE", "REM", "CHQ", "CHQS", "CHEQUE", "CHEQUES"])
_CARD_WORDS = frozenset(["CB", "CARTE", "CARTES", "TPE", "REMISE"])


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.upper().replace("Œ", "OE").replace("Æ", "AE"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Z0-9]+", _plain(text)))


def _number_keys(text: str) -> tuple[set[str], set[str]]:
    """(prefixed keys « FA2026-42 », bare keys « 2026-42 ») of the document numbers in a text."""
    full, bare = set(), set()
    for prefix, year, seq in _NUM.findall(_plain(text)):
        bare.add(f"{year}-{int(seq)}")
        if prefix:
            full.add(f"{prefix}{year}-{int(seq)}")
    return full, bare


def _iban(text: str | None) -> str:
    return re.sub(r"\s", "", text or "").upper()


class _Index:
    def __init__(self, items: Sequence[ExpectedItem], options: MatchOptions):
        self.items = items
        self.by_amount: dict[Decimal, list[int]] = defaultdict(list)
        self.by_full: dict[str, list[int]] = defaultdict(list)
        self.by_bare: dict[str, list[int]] = defaultdict(list)
        self.by_iban: dict[str, list[int]] = defaultdict(list)
        self.by_word: dict[str, set[str]] = defaultdict(set)  # a name's word → client codes
        self.client_words: dict[str, set[str]] = {}
        self.by_client: dict[str, list[int]] = defaultdict(list)
        self.irregular: list[tuple[str, int]] = []  # numbers outside the usual pattern, compacted
        batches = []
        for i, item in enumerate(items):
            self.by_amount[item.amount].append(i)
            full, bare = _number_keys(item.number)
            for k in full:
                self.by_full[k].append(i)
            for k in bare:
                self.by_bare[k].append(i)
            if not full:
                compact = re.sub(r"[^A-Z0-9]", "", _plain(item.number))
                if len(compact) >= 4:
                    self.irregular.append((compact, i))
            if item.iban:
                self.by_iban[_iban(item.iban)].append(i)
            if item.client_code:
                self.by_client[item.client_code].append(i)
                if item.client_code not in self.client_words and item.client_name:
                    words = {w for w in _words(item.client_name) if len(w) >= 2 and w not in _STOP}
                    if words:
                        self.client_words[item.client_code] = words
                        for w in words:
                            self.by_word[w].add(item.client_code)
            if item.kind is ItemKind.CARD_BATCH:
                batches.append((item.amount, i))
        batches.sort()
        self.batch_amounts = [a for a, _ in batches]
        self.batch_ids = [i for _, i in batches]
        self.options = options


def _candidates(line: StatementLine, ix: _Index) -> list[Candidate]:
    opts = ix.options
    text = f"{line.label} {line.reference or ''}"
    words = _words(text)
    plain = _plain(text)
    signals: dict[int, dict[str, object]] = defaultdict(dict)
    debit = line.amount < 0
    full, bare = _number_keys(text)
    named_full: set[int] = set()
    for k in full:
        for i in ix.by_full.get(k, ()):
            signals[i]["number"] = _NUMBER
            named_full.add(i)
    for k in bare:
        for i in ix.by_bare.get(k, ()):
            signals[i].setdefault("number", _BARE)
    if len(ix.irregular) <= 200:
        compact = re.sub(r"[^A-Z0-9]", "", plain)
        for number, i in ix.irregular:
            if number in compact:
                signals[i]["number"] = _NUMBER
                named_full.add(i)
    for i in ix.by_amount.get(line.amount, ()):
        signals[i]["amount"] = _AMOUNT
    if line.counterparty_iban:
        for i in ix.by_iban.get(_iban(line.counterparty_iban), ()):
            signals[i]["iban"] = _IBAN
    clients = {c for w in words for c in ix.by_word.get(w, ())}
    for c in clients:
        if ix.client_words[c] <= words:
            for i in ix.by_client[c]:
                signals[i]["name"] = _NAME
    if ix.batch_amounts and words & _CARD_WORDS and not debit:
        low = bisect_left(ix.batch_amounts, line.amount)
        high = bisect_right(ix.batch_amounts, line.amount / (1 - opts.card_fee_rate))
        for j in range(low, high):
            signals[ix.batch_ids[j]].setdefault("amount", _FEE)
    out = []
    kept: dict[int, dict[str, object]] = {}
    for i, sig in signals.items():
        item = ix.items[i]
        if (item.amount < 0) != debit:
            continue  # a debit pays a refund only, a credit anything but a refund
        if item.kind is ItemKind.REFUND:
            if not (item.due_date and item.due_date - timedelta(days=opts.refund_days_before) <= line.booking_date
                    <= item.due_date + timedelta(days=opts.refund_days_after)):
                continue
            if "name" in sig:
                sig["name"] = _IBAN  # its beneficiary, named by the business itself
            sig["date"] = _DATE
            kept[i] = sig
            out.append(_candidate(line, (item,), sig))
            continue
        if "iban" in sig:  # the client's own account: as sure as a number (a name may be another's), counted once
            sig.pop("name", None)
        if item.kind is ItemKind.DEPOSIT_SLIP and words & _SLIP_WORDS:
            sig.setdefault("number", _NUMBER)
        if item.kind is ItemKind.CARD_BATCH and words & _CARD_WORDS:
            sig.setdefault("number", _NUMBER)
        if item.kind in (ItemKind.DEPOSIT_SLIP, ItemKind.CARD_BATCH) and "amount" not in sig:
            continue  # a slip or a batch is known by its total only
        if item.due_date and (item.due_date - timedelta(days=opts.days_before_due) <= line.booking_date
                              <= item.due_date + timedelta(days=opts.days_after_due)):
            sig["date"] = _DATE
        kept[i] = sig
        out.append(_candidate(line, (item,), sig))
    group = sorted((i for i in named_full if i in kept and ix.items[i].kind is not ItemKind.REFUND),
                   key=lambda i: ix.items[i].number)
    if 2 <= len(group) <= 12 and sum(ix.items[i].amount for i in group) == line.amount:
        shared: dict[str, object] = {"amount": _AMOUNT, "number": _NUMBER}
        shared.update({k: v for k, v in kept[group[0]].items()
                       if k in ("iban", "name", "date") and all(k in kept.get(i, {}) for i in group)})
        out.append(_candidate(line, tuple(ix.items[i] for i in group), shared))
    out = [c for c in out if c.score >= opts.floor]
    out.sort(key=lambda c: (-c.score, len(c.items), c.items[0].number))
    return out[: opts.max_candidates]


def _candidate(line: StatementLine, items: tuple[ExpectedItem, ...], sig: dict[str, object]) -> Candidate:
    total = sum((i.amount for i in items), Decimal(0))
    reasons = []
    if sig.get("amount") == _AMOUNT:
        reasons.append(msg("rapprochement.montant") if len(items) == 1
                       else msg("rapprochement.somme", count=len(items)))
    elif "amount" in sig:
        reasons.append(msg("rapprochement.commission", fee=euros(total - line.amount)))
    if "number" in sig:
        if items[0].kind is ItemKind.DEPOSIT_SLIP:
            reasons.append(msg("rapprochement.remise"))
        elif items[0].kind is ItemKind.CARD_BATCH:
            reasons.append(msg("rapprochement.carte"))
        else:
            reasons.append(msg("rapprochement.numero", number=", ".join(i.number for i in items)))
    if "iban" in sig:
        reasons.append(msg("rapprochement.iban"))
    if "name" in sig:
        reasons.append(msg("rapprochement.nom"))
    if "date" in sig:
        reasons.append(msg("rapprochement.date.remboursement") if items[0].kind is ItemKind.REFUND
                       else msg("rapprochement.date"))
    score = min(100, sum(int(v) for v in sig.values()))  # type: ignore[call-overload]
    if "amount" not in sig:
        score = min(score, _WITHOUT_AMOUNT)  # a part payment, or another document of the client
    if len(items) > 1:
        score = min(score, EXACT - 1)  # a split is proposed: the allocation confirms it
    return Candidate(items, score, tuple(reasons), line.amount - total)


def match(lines: Iterable[StatementLine], items: Sequence[ExpectedItem],
          options: MatchOptions | None = None) -> MatchResult:
    """Every credit line against the expected items, every debit line against the refunds."""
    options = options or MatchOptions()
    ix = _Index(items, options)
    found: list[tuple[int, StatementLine, list[Candidate]]] = []
    unmatched: list[tuple[int, StatementLine]] = []
    for n, line in enumerate(lines):
        cands = _candidates(line, ix) if line.amount else []
        if cands:
            found.append((n, line, cands))
        else:
            unmatched.append((n, line))
    claims: dict[int, int] = defaultdict(int)
    for _, _, cands in found:
        if _exact(cands):
            claims[id(cands[0].items[0])] += 1
    exact_items = {k for k, n in claims.items() if n == 1}
    exact, proposed, ambiguous = [], [], []
    for n, line, cands in found:
        if _exact(cands) and id(cands[0].items[0]) in exact_items:
            exact.append(LineMatch(line, Status.EXACT, (cands[0],)))
            continue
        rest = [c for c in cands if not any(id(i) in exact_items for i in c.items)]
        if not rest:
            unmatched.append((n, line))
        elif len(rest) > 1 and rest[1].score == rest[0].score:
            ambiguous.append(LineMatch(line, Status.AMBIGUOUS, tuple(rest)))
        else:
            proposed.append(LineMatch(line, Status.PROPOSED, tuple(rest)))
    seen = {id(i) for m in (*exact, *proposed, *ambiguous) for c in m.candidates for i in c.items}
    unmatched.sort(key=lambda pair: pair[0])
    return MatchResult(tuple(exact), tuple(proposed), tuple(ambiguous), tuple(ln for _, ln in unmatched),
                       tuple(i for i in items if id(i) not in seen))


def _exact(cands: list[Candidate]) -> bool:
    top = cands[0]
    return (top.score >= EXACT and len(top.items) == 1
            and (len(cands) == 1 or cands[1].score < EXACT))
