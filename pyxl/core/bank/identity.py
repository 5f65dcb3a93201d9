"""A statement line's identity, so that importing a file again, or a period that overlaps one
already imported, adds nothing twice, while two identical cheques booked the same day stay two.

The identity is the bank's id of the booking when the format carries one (CAMT AcctSvcrRef or
NtryRef, OFX FITID), per account; else the line's content (account, booking date, amount, label
with its spaces collapsed) with its rank among the identical lines of that day in the file. The
rank is what keeps two equal cheques apart, and what makes an overlapping file, which holds the
same day's lines in the same number, find them already there. A bank id repeated within one file
on lines that differ (some banks reuse FITIDs) is not trusted: those lines fall back to content."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from pyxl.core.bank.model import Statement, StatementLine


def _content(line: StatementLine) -> str:
    return "|".join((line.account, line.booking_date.isoformat(), str(line.amount), " ".join(line.label.split())))


def _digest(kind: str, text: str) -> str:
    return f"{kind}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}"


def identities(lines: Sequence[StatementLine]) -> list[str]:
    """The identity of each line, in order (a short stable text: « B-… » from the bank's id,
    « C-… » from the content and rank), to store beside the line."""
    by_id: dict[tuple[str, str], set[str]] = {}
    for line in lines:
        if line.bank_id:
            by_id.setdefault((line.account, line.bank_id), set()).add(_content(line))
    rank: Counter[str] = Counter()
    out = []
    for line in lines:
        content = _content(line)
        if line.bank_id and len(by_id[(line.account, line.bank_id)]) == 1:
            out.append(_digest("B", f"{line.account}|{line.bank_id}"))
            continue
        out.append(_digest("C", f"{content}|{rank[content]}"))
        rank[content] += 1
    return out


def new_lines(lines: Sequence[StatementLine], known: Collection[str]) -> list[tuple[str, StatementLine]]:
    """The lines whose identity is not among `known` (the identities already imported), each with
    its identity, in the file's order."""
    return [(ident, line) for ident, line in zip(identities(lines), lines, strict=True) if ident not in known]


def all_lines(statements: Iterable[Statement]) -> list[StatementLine]:
    """The lines of several statements, in order (a file may hold several accounts)."""
    return [line for s in statements for line in s.lines]
