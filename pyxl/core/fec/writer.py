"""The writer of our FEC: a list of entries → the file `SirenFECAAAAMMJJ.txt` and its description.

Art. A47 A-1 LPF: the 18 zones in order (VII-1°), tab separator (VI-1°-c), dates AAAAMMJJ (XII-4°),
amounts with a decimal comma and no thousands separator (XII-2°), UTF-8 (XII-1°), records ended by
CR LF (VI-1°-a), entries in the order of their validation with continuous numbers (VII-1°), and a
description of the file beside it (II, XI).

Whoever builds the entries (the books) hands them over as `Entry` values, in validation order; the
writer refuses, all problems at once and before writing anything, an entry that does not balance,
a line with both a debit and a credit, an account that does not start with three digits, dates out
of the fiscal year or out of validation order. It is the sales-and-receipts part of the firm's FEC,
for the accountant to import, not the firm's complete legal FEC (docs/fec.md).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyxl.core.fec.checker import COLUMNS
from pyxl.core.issues import Issue, Refused

ZERO = Decimal("0.00")
SEPARATOR = "\t"
EOL = "\r\n"
ENCODING = "utf-8"


@dataclass(frozen=True)
class EntryLine:
    """One line of an entry: an account debited or credited (zones 5 to 8 and 11 to 18)."""

    account: str  # CompteNum, e.g. "411000", "706000", "44571"
    account_label: str  # CompteLib
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    aux_account: str = ""  # CompAuxNum: the client's code on a 411 line
    aux_label: str = ""  # CompAuxLib: the client's name
    label: str = ""  # EcritureLib; empty: the entry's label
    matching: str = ""  # EcritureLet (lettrage code)
    matched_on: dt.date | None = None  # DateLet
    currency_amount: Decimal | None = None  # Montantdevise
    currency: str = ""  # Idevise (ISO 4217)


@dataclass(frozen=True)
class Entry:
    """One journal entry (zones 1 to 4, 9, 10, 16): balanced lines about one document."""

    journal: str  # JournalCode, e.g. "VE", "BQ", "CA"
    journal_label: str  # JournalLib, e.g. "Ventes"
    date: dt.date  # EcritureDate: the accounting date
    ref: str  # PieceRef: the document's number (invoice, payment, slip…)
    ref_date: dt.date  # PieceDate
    label: str  # EcritureLib of its lines unless a line says otherwise
    validated_on: dt.date  # ValidDate
    lines: tuple[EntryLine, ...] = field(default_factory=tuple)
    number: str = ""  # EcritureNum; empty for all entries: numbered 1, 2, 3… by the writer


# --------------------------------------------------------------------------- formats
def _text(value: str) -> str:
    """A text zone: no separator, tab or end of line inside a value (I-4°)."""
    return " ".join(value.replace("|", "/").split())


def _day(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def fec_name(siren: str, closing: dt.date) -> str:
    """`SirenFECAAAAMMJJ.txt` (IX): the firm's SIREN and the fiscal year's closing date."""
    from stdnum.fr import siren as stdnum_siren

    compact = stdnum_siren.compact(siren or "")
    if not stdnum_siren.is_valid(compact):
        raise Refused(Issue("fec.siren", f"SIREN « {siren} » invalide : le nom du FEC commence par les 9 chiffres du "
                                         "SIREN de l'entreprise. Corrigez-le dans les paramètres (siret).", "siret"))
    return f"{compact}FEC{_day(closing)}.txt"


# --------------------------------------------------------------------------- checks before writing
def _problems(entries: Sequence[Entry], start: dt.date, end: dt.date) -> list[Issue]:
    issues: list[Issue] = []
    numbered = [e for e in entries if e.number]
    if numbered and len(numbered) != len(entries):
        issues.append(Issue("fec.numero", "Numéros d'écriture donnés pour une partie des écritures seulement : "
                                          "numérotez-les toutes, ou aucune (le FEC les numérote alors 1, 2, 3…)."))
    seen: set[tuple[str, str]] = set()
    last_valid: dt.date | None = None
    for i, e in enumerate(entries, start=1):
        name = f"Écriture {e.journal} {e.number or i} ({e.ref})"
        if (e.journal, e.number) in seen and e.number:
            issues.append(Issue("fec.numero", f"{name} : numéro déjà employé dans ce journal.", name))
        seen.add((e.journal, e.number))
        for what, value in (("code journal", e.journal), ("libellé du journal", e.journal_label),
                            ("référence de pièce", e.ref), ("libellé", e.label)):
            if not _text(value):
                issues.append(Issue("fec.vide", f"{name} : {what} vide ; il est obligatoire dans le FEC.", name))
        if not start <= e.date <= end:
            issues.append(Issue("fec.exercice", f"{name} : date {e.date:%d/%m/%Y} hors de l'exercice du "
                                                f"{start:%d/%m/%Y} au {end:%d/%m/%Y}.", name))
        if e.validated_on < e.date:
            issues.append(Issue("fec.validation", f"{name} : validée le {e.validated_on:%d/%m/%Y}, avant sa date "
                                                  f"{e.date:%d/%m/%Y}.", name))
        if last_valid is not None and e.validated_on < last_valid:
            issues.append(Issue("fec.ordre", f"{name} : validée le {e.validated_on:%d/%m/%Y} après une écriture "
                                             f"validée le {last_valid:%d/%m/%Y} ; donnez les écritures dans l'ordre "
                                             "de leur validation.", name))
        last_valid = e.validated_on if last_valid is None else max(last_valid, e.validated_on)
        if len(e.lines) < 2:
            issues.append(Issue("fec.lignes", f"{name} : une écriture a au moins deux lignes.", name))
        debit = credit = ZERO
        for n, line in enumerate(e.lines, start=1):
            where = f"{name}, ligne {n}"
            try:
                amounts_ok = all(a.is_finite() and _places(a) <= 2 for a in (line.debit, line.credit))
            except (AttributeError, InvalidOperation):
                amounts_ok = False
            if not amounts_ok:
                issues.append(Issue("fec.montant", f"{where} : montants en euros à deux décimales au plus.", where))
                continue
            if line.debit < 0 or line.credit < 0 or (line.debit != 0) == (line.credit != 0):
                issues.append(Issue("fec.montant", f"{where} : un débit ou un crédit positif, pas les deux "
                                                   f"(débit {_amount(line.debit)}, crédit {_amount(line.credit)}).",
                                    where))
            account = line.account.strip()
            if not (account[:3].isdigit() and account[:3].isascii() and len(account) >= 3):
                issues.append(Issue("fec.compte", f"{where} : compte « {line.account} » ; un numéro de compte commence "
                                                  "par trois chiffres du plan comptable.", where))
            if not _text(line.account_label):
                issues.append(Issue("fec.vide", f"{where} : libellé du compte {account} vide.", where))
            if bool(_text(line.aux_account)) != bool(_text(line.aux_label)):
                issues.append(Issue("fec.auxiliaire", f"{where} : compte auxiliaire et son libellé vont ensemble.",
                                    where))
            if bool(line.matching) != bool(line.matched_on):
                issues.append(Issue("fec.lettrage", f"{where} : code et date de lettrage vont ensemble.", where))
            if (line.currency_amount is None) != (not line.currency):
                issues.append(Issue("fec.devise", f"{where} : montant en devise et code de devise vont ensemble.",
                                    where))
            debit += line.debit
            credit += line.credit
        if debit != credit:
            issues.append(Issue("fec.desequilibre", f"{name} déséquilibrée : débits {_amount(debit)}, crédits "
                                                    f"{_amount(credit)}.", name))
    return issues


# --------------------------------------------------------------------------- writing
def fec_records(entries: Sequence[Entry]) -> Iterable[list[str]]:
    """The 18 zones of every line, entries numbered 1, 2, 3… when they carry no number."""
    for i, e in enumerate(entries, start=1):
        number = e.number or str(i)
        head = [_text(e.journal), _text(e.journal_label), _text(number), _day(e.date)]
        for line in e.lines:
            yield [*head, line.account.strip(), _text(line.account_label), _text(line.aux_account),
                   _text(line.aux_label), _text(e.ref), _day(e.ref_date), _text(line.label or e.label),
                   _amount(line.debit), _amount(line.credit), _text(line.matching), _day(line.matched_on),
                   _day(e.validated_on),
                   "" if line.currency_amount is None else _amount(line.currency_amount), _text(line.currency)]


def fec_text(entries: Sequence[Entry], fiscal_start: dt.date, fiscal_end: dt.date) -> str:
    """The whole file as text (refused, with every problem, if an entry cannot go into a FEC)."""
    issues = _problems(entries, fiscal_start, fiscal_end)
    if issues:
        raise Refused(issues)
    rows = [SEPARATOR.join(COLUMNS), *(SEPARATOR.join(r) for r in fec_records(entries))]
    return EOL.join(rows) + EOL


def description(name: str, entries: Sequence[Entry], fiscal_start: dt.date, fiscal_end: dt.date,
                company: str = "") -> str:
    """The description that goes with the file (art. A47 A-1, II and XI), in French."""
    journals: dict[str, str] = {}
    lines = 0
    debit = ZERO
    for e in entries:
        journals.setdefault(e.journal, e.journal_label)
        lines += len(e.lines)
        debit += sum((x.debit for x in e.lines), ZERO)
    zones = [
        ("JournalCode", "texte", "code du journal (voir la liste ci-dessous)"),
        ("JournalLib", "texte", "libellé du journal"),
        ("EcritureNum", "texte", "numéro de l'écriture, séquence continue dans l'ordre de validation"),
        ("EcritureDate", "date", "date comptable de l'écriture"),
        ("CompteNum", "texte", "numéro de compte (plan comptable général)"),
        ("CompteLib", "texte", "libellé du compte"),
        ("CompAuxNum", "texte", "code client (compte auxiliaire), vide si non utilisé"),
        ("CompAuxLib", "texte", "nom du client, vide si non utilisé"),
        ("PieceRef", "texte", "numéro de la pièce justificative (facture, avoir, règlement, bordereau)"),
        ("PieceDate", "date", "date de la pièce justificative"),
        ("EcritureLib", "texte", "libellé de l'écriture"),
        ("Debit", "nombre", "montant au débit, en euros"),
        ("Credit", "nombre", "montant au crédit, en euros"),
        ("EcritureLet", "texte", "code de lettrage, vide si non lettré"),
        ("DateLet", "date", "date du lettrage, vide si non lettré"),
        ("ValidDate", "date", "date de validation de l'écriture"),
        ("Montantdevise", "nombre", "montant en devise, vide si l'opération est en euros"),
        ("Idevise", "texte", "code ISO 4217 de la devise, vide si l'opération est en euros"),
    ]
    out = [f"Description du fichier {name}",
           "",
           "Fichier des écritures comptables (art. L47 A et A47 A-1 du livre des procédures fiscales)"
           + (f" de {company}" if company else "") + f", exercice du {fiscal_start:%d/%m/%Y} au {fiscal_end:%d/%m/%Y}.",
           "Contenu : les écritures de ventes et d'encaissements produites par SYC Gestion (factures, avoirs, "
           "règlements, remboursements), à importer par l'expert-comptable dans la comptabilité de l'entreprise. "
           "Ce n'est pas le FEC complet de l'entreprise : achats, paie, immobilisations et écritures d'inventaire "
           "n'y figurent pas.",
           "",
           "Structure : fichier à plat, organisation séquentielle, enregistrements de longueur variable.",
           "Jeu de caractères : UTF-8, sans marque d'ordre des octets.",
           "Séparateur de zones : tabulation (code 9). Fin d'enregistrement : CR LF (codes 13 et 10).",
           "Première ligne : noms des zones. Dates au format AAAAMMJJ. Nombres : virgule décimale, deux "
           "décimales, sans séparateur de milliers ni signe.",
           f"Enregistrements : {lines} lignes d'écritures, {len(entries)} écritures, total des débits = total "
           f"des crédits = {_amount(debit)} €.",
           "",
           "Zones (dans l'ordre) :"]
    out += [f"  {i:2d}. {zone} ({kind}) : {text}" for i, (zone, kind, text) in enumerate(zones, start=1)]
    out += ["", "Codes journaux :"]
    out += [f"  {code} : {label}" for code, label in sorted(journals.items())] or ["  (aucune écriture)"]
    return "\n".join(out) + "\n"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_fec(folder: str | Path, siren: str, fiscal_start: dt.date, fiscal_end: dt.date,
              entries: Sequence[Entry], company: str = "") -> tuple[Path, Path]:
    """Write `SirenFECAAAAMMJJ.txt` and `SirenFECAAAAMMJJ-description.txt` in `folder`; returns both paths.
    Nothing is written if an entry is refused."""
    name = fec_name(siren, fiscal_end)
    text = fec_text(entries, fiscal_start, fiscal_end)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    notice = folder / (Path(name).stem + "-description.txt")
    _atomic_write(path, text.encode(ENCODING))
    _atomic_write(notice, description(name, entries, fiscal_start, fiscal_end, company)
                  .replace("\n", EOL).encode(ENCODING))
    return path, notice


# --------------------------------------------------------------------------- reading back
def _date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.datetime.strptime(text, "%Y%m%d").date() if text else None


def read_fec(path: str | Path) -> tuple[Entry, ...]:
    """The entries of a FEC (18 zones, Debit/Credit, tab or |, UTF-8 or ISO-8859-15), for a round trip or
    an import; check it first with `check_fec`, this reader trusts the file."""
    raw = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-15")
    rows = text.splitlines()
    sep = "\t" if "\t" in rows[0] else "|"
    entries: list[Entry] = []
    current: list[list[str]] = []

    def close() -> None:
        if not current:
            return
        z = current[0]
        lines = tuple(EntryLine(
            account=r[4], account_label=r[5], aux_account=r[6], aux_label=r[7], label=r[10] if r[10] != z[10] else "",
            debit=Decimal(r[11].replace(",", ".")), credit=Decimal(r[12].replace(",", ".")), matching=r[13],
            matched_on=_date(r[14]), currency_amount=Decimal(r[16].replace(",", ".")) if r[16] else None,
            currency=r[17]) for r in current)
        entries.append(Entry(journal=z[0], journal_label=z[1], number=z[2], date=_date(z[3]) or dt.date.min,
                             ref=z[8], ref_date=_date(z[9]) or dt.date.min, label=z[10],
                             validated_on=_date(z[15]) or dt.date.min, lines=lines))
        current.clear()

    for row in rows[1:]:
        if not row.strip():
            continue
        zones = [z.strip() for z in row.split(sep)][:18]
        zones += [""] * (18 - len(zones))
        if current and (zones[0], zones[2]) != (current[0][0], current[0][2]):
            close()
        current.append(zones)
    close()
    return tuple(entries)
