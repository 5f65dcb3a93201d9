"""Bank statements: readers for CAMT.053, OFX, CFONB 120 and CSV, line identity for
de-duplication, and the matching of lines to expected receipts. Pure: bytes in, values out (no
store, no clock). The readers load on first use (lxml only for CAMT)."""

from __future__ import annotations

from pyxl.core.bank.csvbank import PROFILES, Mapping, Profile, propose_mapping
from pyxl.core.bank.detect import detect, parse
from pyxl.core.bank.identity import all_lines, identities, new_lines
from pyxl.core.bank.matching import (
    Candidate,
    ExpectedItem,
    ItemKind,
    LineMatch,
    MatchOptions,
    MatchResult,
    Status,
    match,
)
from pyxl.core.bank.model import Format, Statement, StatementLine
from pyxl.core.bank.modes import BATCHES, HowPaid, how_paid

__all__ = [
    "BATCHES", "PROFILES", "Candidate", "ExpectedItem", "Format", "HowPaid", "ItemKind", "LineMatch", "Mapping",
    "MatchOptions", "MatchResult", "Profile", "Statement", "StatementLine", "Status", "all_lines", "detect",
    "how_paid", "identities", "match", "new_lines", "parse", "propose_mapping",
]
