"""The values every statement reader returns: one `StatementLine` per booking of the bank, grouped
in a `Statement` per account. Pure values (frozen dataclasses, `Decimal` money, `date` dates): the
store, the matching and the de-duplication read nothing else of the file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg


class Format(Enum):
    """The statement formats read; the value is the word of `syc banque importer --format`."""

    CAMT = "camt"
    OFX = "ofx"
    CFONB = "cfonb"
    CSV = "csv"


@dataclass(frozen=True)
class StatementLine:
    """One booking on the account, as the bank wrote it.

    `amount` is signed from the account holder's side: positive for money received (credit),
    negative for money paid out. `label` is the full text, accents kept, parts joined by one space.
    `bank_id` is the bank's own reference of the booking when the format carries one (CAMT
    AcctSvcrRef, else NtryRef; OFX FITID), else None. `source_line` is the line of the file where
    the booking starts (1-based), for messages.
    """

    account: str
    booking_date: date
    amount: Decimal
    label: str
    currency: str = "EUR"
    value_date: date | None = None
    bank_id: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    reference: str | None = None
    source_format: Format = Format.CSV
    source_line: int = 0
    # the bank's code of the operation, prefixed by its format: « CAMT:PMNT/RCDT/ESCT », « OFX:XFER »,
    # « CFONB:05 »; None when the file gives none (CSV). Says how the money came (`bank.modes`).
    bank_code: str | None = None


@dataclass(frozen=True)
class Statement:
    """The lines of one account over one period, with the balances when the file gives them."""

    account: str
    currency: str
    lines: tuple[StatementLine, ...]
    source_format: Format
    period_start: date | None = None
    period_end: date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    source: str = ""
    profile: str = ""  # CSV: the key of the bank profile used, "" for a user's mapping


def refuse(code: str, source: str, line: int | None, /, **values: object) -> Refused:
    """The refusal of a whole file: a French sentence from the catalogue, prefixed by the file and
    the line (« relevé.ofx, ligne 12 : … »), `where` naming the same place."""
    text = msg(code, **values)
    if not source:
        return Refused(Issue(code, text[:1].upper() + text[1:]))
    where = msg("releve.ou.ligne", name=source, line=line) if line else msg("releve.ou", name=source)
    return Refused(Issue(code, msg("releve.refus", where=where, text=text), where))
