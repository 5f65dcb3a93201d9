"""CFONB 120: the French banks' fixed-width statement (« relevé de compte 120 caractères »).

Records of 120 characters: 01 old balance, 04 movement, 05 complement of the movement before it
(its text is appended to that movement's label), 07 new balance. Amounts are 14 digits whose last
is « overpunched » with the sign ({ A…I positive 0…9, } J…R negative 0…9), scaled by the
decimals count of position 20. Positions below are 1-based, as the CFONB brochure writes them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from pyxl.core.bank.model import Format, Statement, StatementLine, refuse
from pyxl.core.bank.text import decode, make_date
from pyxl.core.money import to_cents

RECORD = 120
_POSITIVE = {ch: (i, 1) for i, ch in enumerate("{ABCDEFGHI")}
_NEGATIVE = {ch: (i, -1) for i, ch in enumerate("}JKLMNOPQR")}
_OVERPUNCH = {**_POSITIVE, **_NEGATIVE}


def _field(rec: str, first: int, last: int) -> str:
    return rec[first - 1:last]


def _amount(rec: str, source: str, line: int) -> Decimal:
    raw = _field(rec, 91, 104)
    decimals = _field(rec, 20, 20)
    digits, last = raw[:-1], raw[-1:]
    if not decimals.isdigit() or not digits.isdigit() or last not in _OVERPUNCH:
        raise refuse("releve.montant", source, line, text=raw.strip())
    digit, sign = _OVERPUNCH[last]
    value = sign * Decimal(int(digits + str(digit))).scaleb(-int(decimals))
    if to_cents(value) != value:
        raise refuse("releve.montant", source, line, text=raw.strip())
    return to_cents(value)


def _date(rec: str, first: int, source: str, line: int, required: bool = True) -> date | None:
    raw = _field(rec, first, first + 5)
    if not raw.strip() and not required:
        return None
    if not raw.isdigit():
        raise refuse("releve.date", source, line, text=raw)
    yy = int(raw[4:6])
    return make_date((2000 if yy < 80 else 1900) + yy, int(raw[2:4]), int(raw[0:2]), source, line, raw)


def _account(rec: str) -> str:
    return " ".join((_field(rec, 3, 7), _field(rec, 12, 16), _field(rec, 22, 32).strip()))


def _records(text: str, source: str) -> list[tuple[int, str]]:
    lines = text.split("\n")
    if len(lines) == 1 or (len(lines) == 2 and not lines[1]):
        one = lines[0]  # no line breaks: records one after the other
        if len(one) % RECORD:
            raise refuse("releve.tronque", source, 1)
        return [(i // RECORD + 1, one[i:i + RECORD]) for i in range(0, len(one), RECORD)]
    out = []
    for n, rec in enumerate(lines, start=1):
        if not rec.strip():
            continue
        if len(rec) > RECORD:
            raise refuse("releve.cfonb.longueur", source, n, length=len(rec))
        if len(rec.rstrip()) < 104 and rec[:2] != "05":
            raise refuse("releve.tronque", source, n)
        out.append((n, rec.ljust(RECORD)))
    return out


def parse_cfonb(data: bytes, source: str) -> tuple[Statement, ...]:
    text = decode(data, source)
    statements: list[Statement] = []
    current: list[StatementLine] = []
    opening = Decimal(0)
    start: date | None = None
    account = ""
    currency = "EUR"
    open_ = False
    for n, rec in _records(text, source):
        code = rec[:2]
        if code not in ("01", "04", "05", "07"):
            raise refuse("releve.cfonb.code", source, n, code=code)
        if code == "01":
            if open_:
                raise refuse("releve.cfonb.ordre", source, n)
            open_, account, current = True, _account(rec), []
            currency = _field(rec, 17, 19).strip() or "EUR"
            opening, start = _amount(rec, source, n), _date(rec, 35, source, n)
            continue
        if not open_ or _account(rec) != account:
            raise refuse("releve.cfonb.ordre", source, n)
        if code == "04":
            booked = _date(rec, 35, source, n) or start or date.min
            ref = _field(rec, 105, 120).strip() or None
            current.append(StatementLine(
                account=account, booking_date=booked, value_date=_date(rec, 43, source, n, required=False),
                amount=_amount(rec, source, n), currency=currency, label=" ".join(_field(rec, 49, 79).split()),
                reference=ref, source_format=Format.CFONB, source_line=n,
                bank_code=f"CFONB:{op}" if (op := _field(rec, 33, 34).strip()) else None))
        elif code == "05":
            if not current:
                raise refuse("releve.cfonb.ordre", source, n)
            extra = " ".join(_field(rec, 49, 118).split())
            if extra:
                last = current[-1]
                current[-1] = replace(last, label=f"{last.label} {extra}".strip())
        else:  # 07
            closing = _amount(rec, source, n)
            if opening + sum((ln.amount for ln in current), Decimal(0)) != closing:
                raise refuse("releve.cfonb.solde", source, n)
            statements.append(Statement(
                account=account, currency=currency, lines=tuple(current), source_format=Format.CFONB,
                period_start=start, period_end=_date(rec, 35, source, n), opening_balance=opening,
                closing_balance=closing, source=source))
            open_ = False
    if open_ or not statements:
        raise refuse("releve.tronque", source, n if (n := len(text.split("\n"))) else 1)
    return tuple(statements)
