"""CSV statements: one column profile per bank, or a mapping the user confirms, proposed from the
file's header line (`propose_mapping`).

Only the Crédit Agricole and Crédit Mutuel / CIC layouts were checked against files of those banks
(tests/data/bank/README.md); the other profiles come from the header lines open-source importers
use, and their French name says « (non vérifié sur un vrai relevé) » until a user's file confirms
them. Columns are found by their header name, compared without accents, case or punctuation, so
a bank that reorders or adds columns still reads."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pyxl.core.bank.model import Format, Statement, StatementLine, refuse
from pyxl.core.bank.text import decode, parse_amount, parse_date

UNVERIFIED = " (non vérifié sur un vrai relevé)"
Column = str | int  # a header name, or a 0-based position for files without a header line


def norm(text: str) -> str:
    """'Date de l'opération' → 'date de l operation': no accents, lower case, words only."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Mapping:
    """Which columns hold what. Either `amount` (signed) or `debit` and `credit` (a debit is paid
    out whatever its written sign). `label` columns are joined, empty or missing ones skipped.
    `has_header`: the columns are named and the header line is searched for; else positions."""

    date: Column
    label: tuple[Column, ...]
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    value_date: Column | None = None
    currency: Column | None = None
    has_header: bool = True
    decimal: str = ","
    encoding: str = "cp1252"  # used when the bytes are not UTF-8

    def required(self) -> tuple[Column, ...]:
        cols = [self.date, *((self.amount,) if self.amount is not None else (self.debit, self.credit))]
        return tuple(c for c in cols if c is not None)


@dataclass(frozen=True)
class Profile:
    key: str  # the word of `syc banque importer --profil`
    name: str  # French, shown to the user
    mapping: Mapping
    verified: bool = False


def _profile(key: str, bank: str, mapping: Mapping, verified: bool = False) -> Profile:
    return Profile(key, bank if verified else bank + UNVERIFIED, mapping, verified)


PROFILES: tuple[Profile, ...] = (
    _profile("credit-agricole", "Crédit Agricole",
             Mapping(date="date", label=("libelle",), debit="debit euros", credit="credit euros"), verified=True),
    _profile("credit-mutuel", "Crédit Mutuel / CIC",
             Mapping(date="date", value_date="date de valeur", label=("libelle",), debit="debit", credit="credit",
                     encoding="iso-8859-15"), verified=True),
    _profile("bnp", "BNP Paribas",
             Mapping(date="date operation", label=("libelle court", "libelle operation"),
                     amount="montant operation en euro")),
    _profile("societe-generale", "Société Générale",
             Mapping(date="date de l operation", label=("libelle", "detail de l ecriture"),
                     amount="montant de l operation", currency="devise")),
    _profile("bpce", "Banque Populaire / Caisse d'Épargne",
             Mapping(date="date de comptabilisation", value_date="date de valeur",
                     label=("libelle simplifie", "libelle operation", "informations complementaires"),
                     debit="debit", credit="credit")),
    _profile("banque-postale", "La Banque Postale",
             Mapping(date="date", label=("libelle",), amount="montant euros")),
    _profile("lcl", "LCL",
             Mapping(date=0, amount=1, label=(2, 4), has_header=False)),
)


def profile(key: str) -> Profile:
    for p in PROFILES:
        if p.key == key:
            return p
    raise refuse("releve.csv.profil_inconnu", "", None, key=key, keys=", ".join(p.key for p in PROFILES))


def _delimiter(text: str) -> str:
    lines = [ln for ln in text.split("\n") if ln.strip()][:60]
    for d in (";", "\t"):
        if sum(d in ln for ln in lines) * 2 >= len(lines) > 0:
            return d
    return ","


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(first line, cells) of every record; quoted cells may hold line breaks."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    out = []
    start = 1
    for row in reader:
        out.append((start, row))
        start = reader.line_num + 1
    return out


def _index(header: Sequence[str], column: Column | None) -> int | None:
    if column is None or isinstance(column, int):
        return column
    names = [norm(h) for h in header]
    return names.index(column) if column in names else None


def _fits(mapping: Mapping, cells: Sequence[str]) -> bool:
    names = {norm(c) for c in cells}
    return all(isinstance(c, str) and c in names for c in mapping.required())


_ACCOUNT = re.compile(r"\b(FR\d{2}(?: ?[0-9A-Z]{4}){5} ?[0-9A-Z]{3})\b|(?:\bn[o°]|num[ée]ro (?:de )?compte)[\s;]*"
                      r"([0-9][0-9A-Z]{5,})", re.IGNORECASE)


def _account_in(preamble: str) -> str:
    m = _ACCOUNT.search(preamble)
    if not m:
        return ""
    return (m.group(1) or m.group(2)).replace(" ", "")


def _cell(row: Sequence[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def parse_csv(data: bytes, source: str, mapping: Mapping | Profile | str | None = None,
              account: str | None = None) -> tuple[Statement, ...]:
    """The lines of a CSV statement. `mapping`: a Mapping, a Profile or a profile key; None tries
    every profile on the header line. `account`: the account the file is of, when known (else an
    IBAN or account number of the preamble, else "")."""
    if isinstance(mapping, str):
        mapping = profile(mapping)
    probe = mapping.mapping if isinstance(mapping, Profile) else mapping
    text = decode(data, source, fallback=probe.encoding if probe else "cp1252")
    records = _records(text)
    header: list[str] = []
    body_from = 0
    chosen: Mapping | None = None
    if probe is not None and not probe.has_header:
        chosen = probe
    else:
        candidates = [probe] if probe is not None else [p.mapping for p in PROFILES if p.mapping.has_header]
        for n, (_, cells) in enumerate(records[:80]):
            chosen = next((m for m in candidates if _fits(m, cells)), None)
            if chosen is not None:
                header, body_from = cells, n + 1
                break
        if chosen is None:
            first = next(((ln, c) for ln, c in records if any(x.strip() for x in c)), (1, []))
            code = "releve.csv.entete" if probe is not None else "releve.csv.format"
            raise refuse(code, source, first[0])
    preamble = "\n".join(";".join(c) for _, c in records[:body_from])
    account = account if account is not None else _account_in(preamble)
    at = {role: _index(header, getattr(chosen, role))
          for role in ("date", "amount", "debit", "credit", "value_date", "currency")}
    labels = [i for c in chosen.label if (i := _index(header, c)) is not None]
    lines: list[StatementLine] = []
    body = records[body_from:]
    blank = next((k for k, (_, row) in enumerate(body) if not any(c.strip() for c in row)), len(body))
    if header and blank == len(body) and body and len(body[-1][1]) < len(header):
        raise refuse("releve.tronque", source, body[-1][0])  # the file ends inside its last record
    for line, row in body:
        if not any(c.strip() for c in row):
            if lines or chosen.has_header:
                break  # the end of the account's table (a card section may follow)
            continue
        when = _cell(row, at["date"])
        if not chosen.has_header and not when:
            continue  # a balance line without a date (headerless exports)
        if not when:
            raise refuse("releve.date", source, line, text="")
        if at["amount"] is not None:
            raw = _cell(row, at["amount"])
            if not raw:
                raise refuse("releve.csv.sans_montant", source, line)
            amount = parse_amount(raw, source, line, decimal=chosen.decimal)
        else:
            debit, credit = _cell(row, at["debit"]), _cell(row, at["credit"])
            if not debit and not credit:
                raise refuse("releve.csv.sans_montant", source, line)
            amount = Decimal(0)
            if debit:
                amount -= abs(parse_amount(debit, source, line, decimal=chosen.decimal))
            if credit:
                amount += abs(parse_amount(credit, source, line, decimal=chosen.decimal))
        parts: list[str] = []
        for i in labels:
            t = " ".join(_cell(row, i).split())
            if t and t not in parts:
                parts.append(t)
        value = _cell(row, at["value_date"])
        lines.append(StatementLine(
            account=account, booking_date=parse_date(when, source, line),
            value_date=parse_date(value, source, line) if value else None, amount=amount,
            currency=_cell(row, at["currency"]) or "EUR", label=" ".join(parts),
            source_format=Format.CSV, source_line=line))
    dates = [ln.booking_date for ln in lines]
    return (Statement(account=account, currency=lines[0].currency if lines else "EUR", lines=tuple(lines),
                      source_format=Format.CSV, period_start=min(dates, default=None),
                      period_end=max(dates, default=None), source=source,
                      profile=next((p.key for p in PROFILES if p.mapping is chosen), "")),)


_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("value_date", ("date de valeur", "valeur", "date valeur", "value date")),
    ("date", ("date operation", "date de l operation", "date de comptabilisation", "date comptable",
              "date", "date d operation", "booking date")),
    ("debit", ("debit", "debit euros", "debit eur", "montant debit")),
    ("credit", ("credit", "credit euros", "credit eur", "montant credit")),
    ("amount", ("montant", "montant euros", "montant eur", "montant de l operation",
                "montant operation en euro", "montant operation", "amount", "somme")),
    ("currency", ("devise", "monnaie", "currency")),
)
_LABEL_WORDS = ("libelle", "designation", "description", "detail", "operation", "nature", "motif", "label")


def propose_mapping(header: str | Sequence[str]) -> Mapping:
    """A mapping proposed from a header line (text of the line, or its cells), for the user to
    confirm: dates, amount or debit/credit, and every column whose name speaks of a label."""
    cells = list(header) if not isinstance(header, str) else next(csv.reader([header], delimiter=_delimiter(header)))
    names = [norm(c) for c in cells]
    found: dict[str, str] = {}
    for role, words in _ROLES:
        for w in words:
            if w in names and w not in found.values():
                found[role] = w
                break
        else:
            starts = [n for n in names if n.startswith(words[0]) and n not in found.values()]
            if starts:
                found[role] = starts[0]
    used = set(found.values())
    labels = tuple(n for n in names if n and n not in used and any(w in n for w in _LABEL_WORDS)
                   and not n.startswith("date") and "montant" not in n)
    has_amount = "amount" in found or ("debit" in found and "credit" in found)
    if "date" not in found or not has_amount or not labels:
        raise refuse("releve.csv.proposition", "", None, header=" ; ".join(c.strip() for c in cells if c.strip()))
    base = Mapping(date=found["date"], label=labels)
    if "debit" in found and "credit" in found:
        base = replace(base, debit=found["debit"], credit=found["credit"])
    else:
        base = replace(base, amount=found["amount"])
    return replace(base, value_date=found.get("value_date"), currency=found.get("currency"))
