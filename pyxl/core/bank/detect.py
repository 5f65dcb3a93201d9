"""Which format a statement file is in, from its first bytes (the name only breaks a tie), and the
one entry point that reads any of them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pyxl.core.bank.model import Format, Statement, refuse

if TYPE_CHECKING:
    from pyxl.core.bank.csvbank import Mapping, Profile

_CFONB_RECORD = re.compile(rb"^0[1457][0-9 ]{5}")


def detect(data: bytes, name: str = "") -> Format:
    """The format of a statement file; refused when it is none of them (a PDF, a spreadsheet…)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    low = head.lower()
    if low.startswith(b"<?xml") or low.startswith(b"<document"):
        if b"camt.0" in low or b"<bktocstmrstmt" in low:
            return Format.CAMT
        if b"<ofx>" in low or b"<?ofx" in low:
            return Format.OFX
        raise refuse("releve.format", name, 1)
    if b"ofxheader" in low or b"<ofx>" in low:
        return Format.OFX
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if _CFONB_RECORD.match(first) and (len(first) == 120 or (b"\n" not in head and len(data) % 120 == 0)):
        return Format.CFONB
    if head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in head:
        raise refuse("releve.format", name, 1)
    if b";" in head or b"," in head or b"\t" in head:
        return Format.CSV
    raise refuse("releve.format", name, 1)


def parse(data: bytes, name: str, fmt: Format | str | None = None, profile: str | Mapping | Profile | None = None,
          account: str | None = None) -> tuple[Statement, ...]:
    """Every statement of a file, whole or refused (`Refused`, French message naming the line).

    `fmt`: forced format (`--format`), else detected; a file that is not in the forced format is
    refused by that format's reader. `profile` (CSV only): a profile key or None to recognise the
    header line, or a user's `Mapping` (see `propose_mapping`). `account` (CSV only): the account the file is of, when the file does not say."""
    from pyxl.core.bank.camt import parse_camt
    from pyxl.core.bank.cfonb import parse_cfonb
    from pyxl.core.bank.csvbank import parse_csv
    from pyxl.core.bank.ofx import parse_ofx

    if isinstance(fmt, str):
        try:
            fmt = Format(fmt)
        except ValueError as exc:
            raise refuse("releve.format.inconnu", "", None, fmt=fmt,
                         formats=", ".join(f.value for f in Format)) from exc
    if not data.strip():
        raise refuse("releve.vide", name, None)
    fmt = fmt or detect(data, name)
    if fmt is Format.CAMT:
        return parse_camt(data, name)
    if fmt is Format.OFX:
        return parse_ofx(data, name)
    if fmt is Format.CFONB:
        return parse_cfonb(data, name)
    return parse_csv(data, name, profile, account)
