"""The audit chain: tamper evidence for issued documents and recorded payments.

Each issuing action appends a journal row holding
  * the document's fingerprint: SHA-256 over the *normalised values* of its immutable columns and
    of its lines (Decimal to the cent, ISO dates, stripped text) — never raw XML, which Excel
    rewrites on every save, and never columns that legitimately change (status, amount paid);
  * the previous row's chain hash, and its own chain hash over all of the above.

`verify` recomputes everything and names each issued row that was edited, back-dated, deleted or
inserted, and each journal row that was edited, deleted or inserted. Pure code: no I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue
from pyxl.core.money import to_cents

GENESIS = "0" * 64
_json_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str
FIRST_SPEC = 1  # every audit spec's first version; a journal row without a version was made with it
# Fiscal-year archives (pyxl.services.archives): the journal of the active workbook then begins with
# a genesis row (its fingerprint is the archive file's SHA-256, its previous hash the archived
# journal's last one), followed by a carry-over row for each document that stayed, repeating the
# fingerprint (and spec version) of that document's last journal row: nothing is re-hashed.
ARCHIVE_ACTION = "Archivage de l'exercice"
CARRY_ACTION = "Report après archivage"


def normalise(value: object) -> str:
    """One canonical text per value, independent of how Excel stored it."""
    t = type(value)  # the usual types first (ten years of documents are fingerprinted by `syc verifier`)
    if t is str:
        return " ".join(value.split())  # type: ignore[attr-defined]
    if t is Decimal:
        if value == 0:
            return "0.00"  # -0.00 is 0 (Excel saves it back as 0)
        cents = to_cents(value)  # type: ignore[arg-type]
        return str(cents) if value == cents else format(value.normalize(), "f")  # type: ignore[attr-defined]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        if value == 0:
            return "0.00"  # -0.00 is 0 (Excel saves it back as 0)
        return str(to_cents(value)) if value == to_cents(value) else format(value.normalize(), "f")
    if isinstance(value, int):
        return str(to_cents(Decimal(value)))
    if isinstance(value, float):
        return normalise(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def document_hash(
    table: str,
    ref: str,
    row: Mapping[str, object],
    immutable: Sequence[str],
    lines: Sequence[Mapping[str, object]] = (),
    line_columns: Sequence[str] = (),
) -> str:
    """Fingerprint of one issued document. Lines are sorted, since users may sort a sheet. A row
    that gives its values' normalised texts itself (`normalised(keys)`, the workbook's lazy rows:
    `syc verifier` on ten years) is read through it, to the same texts."""
    head = _texts(row, immutable)
    body = sorted(_texts(line, line_columns) for line in lines)
    # json.dumps([table, ref, head, body], ensure_ascii=False, separators=(",", ":")), written out
    # with json's own string encoder (the same bytes, without the encoder's generic walk)
    enc = _json_string
    payload = (f"[{enc(table)},{enc(ref)},[{','.join(map(enc, head))}],["
               + ",".join(f"[{','.join(map(enc, texts))}]" for texts in body) + "]]")
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _texts(row: Mapping[str, object], keys: Sequence[str]) -> list[str]:
    """`normalise(row.get(k))` for each key."""
    normalised = getattr(row, "normalised", None)
    if normalised is not None:
        return list(normalised(keys))
    return [normalise(row.get(k)) for k in keys]


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of Journal d'audit."""

    seq: int
    timestamp: str
    as_of: dt.date | None  # None only when someone cleared the cell
    action: str
    table: str
    ref: str
    doc_hash: str
    prev_hash: str
    hash: str = ""
    where: str = ""
    spec: int = FIRST_SPEC  # the version of the table's audit spec the fingerprint was made with

    def expected_hash(self) -> str:
        """SHA-256 of the row's fields as the JSON array `json.dumps([seq, timestamp, as_of, action,
        table, ref, doc_hash, prev_hash(, spec)], ensure_ascii=False, separators=(",", ":"))` —
        written out with json's own string encoder (the same bytes, twice as fast over a journal)."""
        texts = (self.timestamp, self.as_of.isoformat() if self.as_of else "", self.action, self.table, self.ref,
                 self.doc_hash, self.prev_hash)
        payload = f"[{int(self.seq)},{','.join(map(_json_string, texts))}"
        if self.spec != FIRST_SPEC:  # rows made before spec versions existed keep their hash
            payload += f",{int(self.spec)}"
        return hashlib.sha256((payload + "]").encode("utf-8")).hexdigest()


def _day(d: dt.date | None) -> str:
    return date_fr(d, "?")


def next_entry(
    previous: Entry | None, timestamp: str, as_of: dt.date, action: str, table: str, ref: str, doc_hash: str,
    spec: int = FIRST_SPEC,
) -> Entry:
    seq = previous.seq + 1 if previous else 1
    prev = previous.hash if previous else GENESIS
    e = Entry(seq, timestamp, as_of, action, table, ref, doc_hash, prev, spec=spec)
    return replace(e, hash=e.expected_hash())


def verify_chain(entries: Sequence[Entry], *, segment: bool = False) -> list[Issue]:
    """The journal itself: order, continuity and hashes.

    With `segment`, `entries` are the journal's last rows only: the first one is taken as the
    starting point (its own hash is still checked) and the rest must follow from it. A journal
    whose first row is an archive's genesis row starts there likewise (the rows before it are in
    the archive, which `syc verifier` checks)."""
    issues: list[Issue] = []
    prev_hash = GENESIS
    expected_seq = 1
    if entries and entries[0].seq != 1 and (segment or entries[0].action == ARCHIVE_ACTION):
        prev_hash, expected_seq = entries[0].prev_hash, entries[0].seq
    for e in entries:
        if e.seq != expected_seq:
            kind = "supprimée" if e.seq > expected_seq else "insérée ou déplacée"
            issues.append(Issue(
                "audit.sequence",
                f"Journal d'audit : la ligne n° {expected_seq} est attendue, n° {e.seq} trouvée "
                f"(ligne du journal {kind}).",
                e.where,
            ))
            expected_seq = e.seq
        if e.prev_hash != prev_hash:
            issues.append(Issue(
                "audit.chain",
                f"Journal d'audit n° {e.seq} : le chaînage est rompu (une ligne précédente a été "
                "supprimée, insérée ou modifiée).",
                e.where,
            ))
        if e.hash != e.expected_hash():
            issues.append(Issue(
                "audit.entry",
                f"Journal d'audit n° {e.seq} ({e.ref}) : la ligne du journal a été modifiée.",
                e.where,
            ))
        prev_hash = e.hash
        expected_seq += 1
    return issues


@dataclass(frozen=True)
class IssuedDoc:
    """A row currently in an audited table, as the verifier sees it."""

    table: str
    ref: str
    doc_hash: str
    date: dt.date | None
    where: str
    issued: bool = True


def latest_by_doc(entries: Sequence[Entry]) -> dict[tuple[str, str], Entry]:
    out: dict[tuple[str, str], Entry] = {}
    for e in entries:
        out[(e.table, e.ref)] = e
    return out


def verify_documents(entries: Sequence[Entry], docs: Sequence[IssuedDoc], sheet_of: Mapping[str, str]) -> list[Issue]:
    """Compare the documents in the tables with what the journal fingerprinted."""
    issues: list[Issue] = []
    latest = latest_by_doc(entries)
    seen: dict[tuple[str, str], str] = {}
    for d in docs:
        key = (d.table, d.ref)
        if key in seen and d.ref:
            issues.append(Issue(
                "audit.duplicate",
                f"{d.where} : {d.ref} figure deux fois (déjà en {seen[key]}). Une pièce n'a qu'un numéro : "
                "supprimez la copie ou restaurez une sauvegarde (syc sauvegardes restaurer).",
                d.where,
            ))
            continue
        seen[key] = d.where
        e = latest.get(key)
        if e is None:
            if d.issued:
                issues.append(Issue(
                    "audit.inserted",
                    f"{d.where} : {d.ref} n'a jamais été émis par SYC Gestion (ligne insérée à la main). "
                    "Supprimez-la ou restaurez une sauvegarde (syc sauvegardes restaurer).",
                    d.where,
                ))
            continue
        if d.doc_hash != e.doc_hash:
            if d.date is not None and e.as_of is not None and d.date != e.as_of:
                what = f"antidaté ou postdaté (date {date_fr(d.date)}, émis le {date_fr(e.as_of)})"
            else:
                what = "modifié après émission"
            issues.append(Issue(
                "audit.edited",
                f"{d.where} : {d.ref} a été {what}. Une pièce émise ne se modifie pas : "
                "restaurez une sauvegarde (syc sauvegardes restaurer) puis établissez un avoir.",
                d.where,
            ))
    for key, e in latest.items():
        if key not in seen and e.table in sheet_of:
            issues.append(Issue(
                "audit.deleted",
                f"{sheet_of[e.table]} : {e.ref} (émis le {_day(e.as_of)}, journal n° {e.seq}) a été "
                "supprimé. Restaurez une sauvegarde (syc sauvegardes restaurer).",
                sheet_of[e.table],
            ))
    return issues
