"""How the money of a statement line came: a transfer, one cheque, a card payment, a deposit of
several cheques (a slip's credit), a card batch, a direct debit or cash — from the bank's own code
of the operation when the file gives one, else from the words of the label.

The codes (kept on the line as « FORMAT:CODE », `StatementLine.bank_code`):
- CAMT.053 BkTxCd Domn/Fmly/SubFmly (ISO 20022 external code sets): family RCDT / ICDT (received /
  issued credit transfers: ESCT, DMCT, XBCT…), RCHQ / ICHQ (received / issued cheques: CCHQ, BCHQ…),
  CCRD / MCRD (customer / merchant card transactions: POSD, SMRT…), RDDT / IDDT (direct debits),
  CNTR (counter transactions: cash);
- OFX TRNTYPE: XFER, DIRECTDEP (a transfer received), CHECK, DEP (a deposit at the bank: a slip of
  cheques unless its label says cash or cards), POS (a card payment; a batch when its label says so),
  DIRECTDEBIT, CASH, ATM;
- CFONB 120 interbank operation codes (record 04, positions 33-34), those of the French statements
  we have: 01 cheque, 05 transfer received, 06 direct debit, 15 cheques remitted;
- anything else, and CSV (no code): the label's words, « REMISE CHEQUES » before « CHQ »,
  « REMISE CB » before « CB ».

A slip's credit and a card batch are several payments at once: never a client's deposit."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from pyxl.core.bank.model import StatementLine


class HowPaid(Enum):
    TRANSFER = "virement"
    CHEQUE = "chèque"
    CARD = "carte bancaire"
    CASH = "espèces"
    DIRECT_DEBIT = "prélèvement"
    CHEQUE_SLIP = "remise de chèques"
    CARD_BATCH = "remise de cartes bancaires"
    UNKNOWN = "non précisé"


# several payments in one line: not one client's payment
BATCHES = frozenset({HowPaid.CHEQUE_SLIP, HowPaid.CARD_BATCH})

_CAMT_FAMILY = {"RCDT": HowPaid.TRANSFER, "ICDT": HowPaid.TRANSFER, "RCHQ": HowPaid.CHEQUE, "ICHQ": HowPaid.CHEQUE,
                "CCRD": HowPaid.CARD, "MCRD": HowPaid.CARD_BATCH, "RDDT": HowPaid.DIRECT_DEBIT,
                "IDDT": HowPaid.DIRECT_DEBIT, "CNTR": HowPaid.CASH}
_OFX = {"XFER": HowPaid.TRANSFER, "DIRECTDEP": HowPaid.TRANSFER, "CHECK": HowPaid.CHEQUE, "DEP": HowPaid.CHEQUE_SLIP,
        "POS": HowPaid.CARD, "DIRECTDEBIT": HowPaid.DIRECT_DEBIT, "CASH": HowPaid.CASH, "ATM": HowPaid.CASH}
_CFONB = {"01": HowPaid.CHEQUE, "05": HowPaid.TRANSFER, "06": HowPaid.DIRECT_DEBIT, "15": HowPaid.CHEQUE_SLIP}

# label phrases, the most specific first (accents and case ignored)
_PHRASES: tuple[tuple[str, HowPaid], ...] = (
    (r"\bREM(?:ISE)?S? (?:DE )?(?:CHQS?|CHEQUES?)\b", HowPaid.CHEQUE_SLIP),
    (r"\bBORDEREAU\b|\bBR\d{4}-\d+", HowPaid.CHEQUE_SLIP),
    (r"\bREM(?:ISE)?S? (?:DE )?(?:CB|CARTES?|TPE)\b|\bTPE\b|\bREMISE COMMERCANT\b", HowPaid.CARD_BATCH),
    (r"\bVERSEMENT (?:D )?ESPECES\b|\bVRST ESP|\bESPECES\b", HowPaid.CASH),
    (r"\bPRLV\b|\bPRELEVEMENTS?\b", HowPaid.DIRECT_DEBIT),
    (r"\bVIR(?:EMENT|T)?S?\b|\bSEPA\b", HowPaid.TRANSFER),
    (r"\bCHQS?\b|\bCHEQUES?\b", HowPaid.CHEQUE),
    (r"\bCB\b|\bCARTE\b", HowPaid.CARD),
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.upper())
    return re.sub(r"[^A-Z0-9-]+", " ", "".join(ch for ch in text if not unicodedata.combining(ch)))


def from_label(label: str) -> HowPaid:
    plain = f" {_plain(label)} "
    for pattern, how in _PHRASES:
        if re.search(pattern, plain):
            return how
    return HowPaid.UNKNOWN


def from_code(code: str | None, label: str = "") -> HowPaid:
    """What the bank's code says, the label deciding between a payment and a batch where the code
    cannot (an OFX DEP, a card credit)."""
    fmt, _, value = (code or "").partition(":")
    value = value.upper()
    how = HowPaid.UNKNOWN
    if fmt == "CAMT":
        parts = value.split("/")
        how = _CAMT_FAMILY.get(parts[1], HowPaid.UNKNOWN) if len(parts) > 1 else HowPaid.UNKNOWN
    elif fmt == "OFX":
        how = _OFX.get(value, HowPaid.UNKNOWN)
    elif fmt == "CFONB":
        how = _CFONB.get(value, HowPaid.UNKNOWN)
    said = from_label(label)
    if how is HowPaid.UNKNOWN:
        return said
    if how in (HowPaid.CHEQUE, HowPaid.CARD) and said in BATCHES:
        return said  # « REMISE CHEQUES » coded as a cheque, « REMISE CB » as a card payment
    if how is HowPaid.CHEQUE_SLIP and said in (HowPaid.CASH, HowPaid.CARD_BATCH):
        return said  # an OFX DEP of cash or of cards
    return how


def how_paid(line: StatementLine) -> HowPaid:
    return from_code(line.bank_code, f"{line.label} {line.reference or ''}")
