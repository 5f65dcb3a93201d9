"""Bytes to text, and the amounts and dates of statement files, each refused with the line named.

Encodings: a BOM wins; else bytes that are valid UTF-8 are UTF-8 (whatever a header declares: a
Caisse d'Épargne OFX says `CHARSET 1252` over UTF-8 bytes, and real Windows-1252 text with accents
is almost never valid UTF-8); else the declared or the format's usual single-byte encoding.
A byte that encoding does not define, a NUL or a control character refuses the file."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from pyxl.core.bank.model import refuse
from pyxl.core.money import to_cents

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def line_of(data: bytes | str, offset: int) -> int:
    """The 1-based line of a position in a file."""
    if isinstance(data, bytes):
        return data.count(b"\n", 0, offset) + 1
    return data.count("\n", 0, offset) + 1


def decode(data: bytes, source: str, fallback: str = "cp1252") -> str:
    """The text of a statement file, line ends normalised to \\n, a trailing Ctrl-Z dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            raise refuse("releve.encodage", source, line_of(data, exc.start)) from exc
        try:
            text = data.decode(fallback)
        except (UnicodeDecodeError, LookupError) as exc2:
            bad = exc2.start if isinstance(exc2, UnicodeDecodeError) else 0
            raise refuse("releve.encodage", source, line_of(data, bad)) from exc2
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a")
    control = _CONTROL.search(text)
    if control:
        raise refuse("releve.binaire", source, line_of(text, control.start()))
    return text


_AMOUNT_DOT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_AMOUNT_COMMA = re.compile(r"^[+-]?\d+(,\d*)?$")


def parse_amount(text: str, source: str, line: int, *, decimal: str = ".") -> Decimal:
    """A statement amount: '1234.56', '-12,50', '1 234,56', '1.234,56' (decimal ","), '12,50-'.

    `decimal` is the file's decimal separator; with "," dots and spaces are thousands separators.
    More than two decimals that are not zeros are refused: a bank books cents."""
    raw = text
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").removesuffix("€")
    if cleaned.endswith("-") and cleaned[:1] not in "+-":
        cleaned = "-" + cleaned[:-1]
    if decimal == ",":
        cleaned = cleaned.replace(".", "")
        ok = bool(_AMOUNT_COMMA.match(cleaned))
        cleaned = cleaned.replace(",", ".")
    else:
        ok = bool(_AMOUNT_DOT.match(cleaned))
    if not ok:
        raise refuse("releve.montant", source, line, text=raw.strip())
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the patterns filter first
        raise refuse("releve.montant", source, line, text=raw.strip()) from exc
    if to_cents(value) != value:
        raise refuse("releve.montant", source, line, text=raw.strip())
    return to_cents(value)


_DATE_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$"), "dmy"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{0,6}(?:\.\d+)?(?:\[.*\])?)?$"), "ymd"),  # OFX
)


def make_date(year: int, month: int, day: int, source: str, line: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise refuse("releve.date", source, line, text=text) from exc


def parse_date(text: str, source: str, line: int) -> date:
    """A statement date in the forms French banks write: 31/01/2026, 31/01/26, 2026-01-31,
    20260131 (OFX, time and zone ignored), 31.01.2026. An impossible date is refused."""
    raw = text.strip()
    for pattern, order in _DATE_FORMATS:
        m = pattern.match(raw)
        if m:
            a, b, c = (int(g) for g in m.groups()[:3])
            if order == "dmy":
                year = c + 2000 if c < 100 else c
                return make_date(year, b, a, source, line, raw)
            return make_date(a, b, c, source, line, raw)
    raise refuse("releve.date", source, line, text=raw)
