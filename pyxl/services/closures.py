"""Daily, monthly and yearly closures with cumulative totals (domain.md §6, the « grand total »).

At the first writing action of a day, every past day not yet closed (from the first day with an
issued document or a payment) gets its closure row: the day's sales (invoices and deposit invoices
minus credit notes) and receipts, the perpetual cumulative totals, the journal's hash at that moment.
A month is closed once its last day is, a year likewise. Each closure is chained into the audit
journal like a document, and also written as a small text file in
`sauvegardes/clotures/<classeur>/<année>/`, outside the workbook: a workbook rewritten afterwards
cannot hide from the totals it published (`syc verifier` compares them).

Once a day is closed, nothing can be issued or paid with that date any more.

The chain is re-checked where closures are made: a daily closure checks the journal from the
previous closure's row on, a monthly closure (and the first closure ever) the whole journal; `syc
verifier` checks everything at any time.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import audit, books
from pyxl.core import workflow as wf
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.services import books as books_service
from pyxl.workbook import backups
from pyxl.workbook.store import ChangeSet, LegalFile, Store, pick

ZERO = Decimal("0.00")
DAY, MONTH, YEAR = "Jour", "Mois", "Année"
RECENT_CLOSURES = 400  # rows of « Clôtures »: a year of daily closures and its monthly and yearly ones
ACTIONS = {DAY: "Clôture du jour", MONTH: "Clôture du mois", YEAR: "Clôture de l'année"}
MONEY_KEYS = ("sales_ht", "sales_vat", "sales_ttc", "receipts", "cumul_sales_ttc", "cumul_receipts")
# Version 2 of the closures' audit spec (schema 12) adds « Totaux par journal »: the debit and credit
# totals per journal (VE, BQ, CA, OD) of the entries of the period's documents, penalty notes and
# payment rows. Closures made before keep version 1 and their hash; `syc verifier` recomputes the
# totals of the others from the documents and payments.
JOURNALS_SPEC = 2


def ref_of(kind: str, start: dt.date) -> str:
    if kind == DAY:
        return f"J{start.isoformat()}"
    if kind == MONTH:
        return f"M{start:%Y-%m}"
    return f"A{start.year}"


def last_closed_day(store: Store) -> dt.date | None:
    """The last day closed: found in the journal's recent rows (closures are chained daily), else
    in the whole « Clôtures » sheet."""
    recent = [e for e in store.recent_journal() if e.table == "tClotures" and e.action == ACTIONS[DAY]]
    if recent and recent[-1].as_of:
        return recent[-1].as_of
    days = [r["end"] for r in store.tail("tClotures", RECENT_CLOSURES) if r["kind"] == DAY and r["end"]]
    return max(days) if days else None


def check_open(store: Store, day: dt.date, where: str) -> None:
    last = last_closed_day(store)
    if last is not None and day <= last:
        raise Refused(Issue("cloture.close", f"{where} : la journée du {date_fr(day)} est clôturée (clôtures "
                                             f"faites jusqu'au {date_fr(last)}) ; rien ne peut plus y être daté. "
                                             "Datez l'opération d'aujourd'hui.", where))


@dataclass
class _Period:
    sales_ht: Decimal = ZERO
    sales_vat: Decimal = ZERO
    sales_ttc: Decimal = ZERO
    receipts: Decimal = ZERO
    documents: int = 0
    payments: int = 0
    docs: list[str] = field(default_factory=list)
    journals: books.Totals = field(default_factory=dict)

    def add(self, other: _Period) -> None:
        self.journals = books.add_totals(self.journals, other.journals)
        self.sales_ht += other.sales_ht
        self.sales_vat += other.sales_vat
        self.sales_ttc += other.sales_ttc
        self.receipts += other.receipts
        self.documents += other.documents
        self.payments += other.payments
        self.docs += other.docs


def _check_summed(store: Store, journal: Sequence[audit.Entry], name: str, rows: Sequence[Any]) -> None:
    """Every document a closure sums must still be what was fingerprinted at its issue: a total typed
    over in the sheet would otherwise be sealed into the closure."""
    if rows:
        store.check_issued(name, rows, journal, "la clôture des jours passés est impossible et rien n'est enregistré")


def _since_last_closure(store: Store) -> list[audit.Entry]:
    """The journal from the last closure's row on (read backwards in growing steps): what a daily
    closure checks and sums. The chain from that row on must hold, and that row is the one the
    previous closure was chained with; the whole journal is checked at each monthly closure and by
    `syc verifier`."""
    entries = store.recent_journal()
    n = max(len(entries), 1)
    while entries:
        at = next((i for i in range(len(entries) - 1, -1, -1) if entries[i].table == "tClotures"), None)
        if at is not None:
            return list(entries[at:])
        if len(entries) < n:  # the whole journal was read: no closure yet
            return list(entries)
        n *= 8
        entries = store.journal_tail(n)
    return []


def _refs(journal: Sequence[audit.Entry], start: dt.date | None, end: dt.date) -> dict[str, set[str]]:
    """The documents, penalty notes and payment rows the journal says were issued from `start` to `end`."""
    refs: dict[str, set[str]] = {"tFactures": set(), "tReglements": set(), "tNotesPenalites": set(), "tCreances": set()}
    for e in journal:
        if e.table in refs and e.as_of is not None and e.as_of <= end and (start is None or e.as_of >= start):
            refs[e.table].add(e.ref)
    return refs


def _journal_totals(store: Store, journal: Sequence[audit.Entry], start: dt.date,
                    end: dt.date) -> dict[dt.date, books.Totals]:
    refs = _refs(journal, start, end)
    if not any(refs.values()):
        return {}
    return books_service.closure_totals(store, refs["tFactures"], refs["tNotesPenalites"], refs["tReglements"],
                                        start, end, refs["tCreances"])


def _activity(store: Store, journal: Sequence[audit.Entry], start: dt.date | None,
              end: dt.date) -> dict[dt.date, _Period]:
    """Sales and receipts per day from `start` to `end`: the journal says which documents were
    issued and which payments recorded on those days; only those rows are read."""
    refs = _refs(journal, start, end)
    out: dict[dt.date, _Period] = {}
    invoices = store.rows_where("tFactures", "number", refs["tFactures"]) if refs["tFactures"] else []
    payments = store.rows_where("tReglements", "id", refs["tReglements"]) if refs["tReglements"] else []
    _check_summed(store, journal, "tFactures", invoices)
    _check_summed(store, journal, "tReglements", payments)
    for r in invoices:
        d = r["date"]
        if r["status"] not in wf.ISSUED_STATES or d is None or d > end or (start and d < start):
            continue
        p = out.setdefault(d, _Period())
        sign = -1 if r["doc_type"] == wf.T_CREDIT else 1
        p.sales_ht += sign * (r["total_ht"] or ZERO)
        p.sales_vat += sign * (r["total_vat"] or ZERO)
        p.sales_ttc += sign * (r["total_ttc"] or ZERO)
        p.documents += 1
        p.docs.append(str(r["number"]))
    for r in payments:
        d = r["date"]
        if d is None or d > end or (start and d < start):
            continue
        p = out.setdefault(d, _Period())
        p.receipts += r["amount"] or ZERO
        p.payments += 1
    return out


def pending(store: Store, changes: ChangeSet, as_of: dt.date, now: dt.datetime,
            with_journals: bool = True) -> list[dict[str, Any]]:
    """Add to `changes` the closures of every past day (and month, year) not yet closed; return them.
    `with_journals=False`: without their totals per journal, as before schema 12 (the ten-year
    demo's history, `pyxl.demo_bulk`)."""
    end = as_of - dt.timedelta(days=1)
    known = last_closed_day(store)
    if known is not None and known >= end:
        return []
    # the closures of the last year are all a new one needs (the last day, the running totals, the
    # daily closures a monthly or yearly one sums): the whole sheet is never read
    rows = store.tail("tClotures", RECENT_CLOSURES)
    days = [r for r in rows if r["kind"] == DAY and r["end"]]
    last = max((r["end"] for r in days), default=None)
    if last is not None and last >= end:
        return []
    month_end = last is None or any((last + dt.timedelta(days=k + 2)).day == 1 for k in range((end - last).days))
    journal = store.journal() if month_end else _since_last_closure(store)
    broken = audit.verify_chain(journal, segment=not month_end)
    if broken:  # the closures are where the chain is re-checked: since the last one every day, whole each month
        raise Refused([*broken, Issue(
            "cloture.journal", "Le journal d'audit est altéré : la clôture des jours passés est impossible, et "
            "aucune action n'est enregistrée. Lancez « syc verifier » et restaurez une sauvegarde "
            "(syc sauvegardes restaurer).", "Journal d'audit")])
    activity = _activity(store, journal, last + dt.timedelta(days=1) if last else None, end)
    if last is None:
        if not activity:
            return []
        start = min(activity)
    else:
        start = last + dt.timedelta(days=1)
    totals = _journal_totals(store, journal, start, end) if with_journals else {}
    for day, t in totals.items():
        activity.setdefault(day, _Period()).journals = t
    prev = max(days, key=lambda r: r["end"]) if days else None
    cumul_sales = prev["cumul_sales_ttc"] if prev else ZERO
    cumul_receipts = prev["cumul_receipts"] if prev else ZERO
    journal_hash = journal[-1].hash if journal else ""
    stamp = now.replace(microsecond=0).isoformat()
    closed = {str(r["ref"]) for r in rows}
    by_day = {r["end"]: r for r in days}
    new: list[dict[str, Any]] = []

    def row(kind: str, a: dt.date, b: dt.date, p: _Period) -> dict[str, Any]:
        docs = sorted(p.docs)
        return {"ref": ref_of(kind, a), "kind": kind, "start": a, "end": b, "sales_ht": p.sales_ht,
                "sales_vat": p.sales_vat, "sales_ttc": p.sales_ttc, "receipts": p.receipts, "documents": p.documents,
                "payments": p.payments, "cumul_sales_ttc": cumul_sales, "cumul_receipts": cumul_receipts,
                "first_doc": docs[0] if docs else None, "last_doc": docs[-1] if docs else None,
                "journal_hash": journal_hash, "made_at": stamp,
                **({"journals": books.format_totals(p.journals)} if with_journals else {})}

    def period_of(a: dt.date, b: dt.date) -> _Period:
        """Sum of the daily closures from a to b (already written or made now)."""
        total = _Period()
        made = {r["end"]: r for r in new if r["kind"] == DAY}
        d = a
        while d <= b:
            r = made.get(d) or by_day.get(d)
            if r is not None:
                total.add(_Period(r["sales_ht"] or ZERO, r["sales_vat"] or ZERO, r["sales_ttc"] or ZERO,
                                  r["receipts"] or ZERO, int(r["documents"] or 0), int(r["payments"] or 0),
                                  [x for x in (r["first_doc"], r["last_doc"]) if x],
                                  books.parse_totals(r.get("journals"))))
            d += dt.timedelta(days=1)
        return total

    d = start
    while d <= end:
        p = activity.get(d, _Period())
        cumul_sales += p.sales_ttc
        cumul_receipts += p.receipts
        new.append(row(DAY, d, d, p))
        tomorrow = d + dt.timedelta(days=1)
        if tomorrow.month != d.month:
            m0 = d.replace(day=1)
            if ref_of(MONTH, m0) not in closed:
                new.append(row(MONTH, m0, d, period_of(m0, d)))
        if tomorrow.year != d.year:
            y0 = d.replace(month=1, day=1)
            if ref_of(YEAR, y0) not in closed:
                new.append(row(YEAR, y0, d, period_of(y0, d)))
        d = tomorrow
    for r in new:
        changes.append("tClotures", r)
    changes.issued[:0] = [("tClotures", r["ref"], ACTIONS[r["kind"]]) for r in new]
    # their text files, written once the action is committed: a base records their SHA-256 with it
    changes.files.extend(LegalFile.of(store.path.parent, file_path(store.path, r), "cloture", str(r["ref"]),
                                      file_bytes(store.path, r)) for r in new)
    return new


def note(result: Any, made: Sequence[dict[str, Any]]) -> None:
    """« Clôtures faites du … au … » after the action's own message (the CLI and Excel both say it)."""
    days = [r for r in made if r["kind"] == "Jour"]
    if not days:
        return
    first, last = days[0]["start"], days[-1]["end"]
    result.message += ("\n" if result.message else "") + (
        msg("cloture.jour", day=date_fr(first)) if first == last else
        msg("cloture.jours", first=date_fr(first), last=date_fr(last)))
    result.data.setdefault("clotures", [r["ref"] for r in made])


# --------------------------------------------------------------------------- text files
def folder(book: Path) -> Path:
    return backups.folder(book) / "clotures" / book.stem


def _fmt(v: Any) -> str:
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else str(v)


LABELS = {"ref": "Clôture", "kind": "Période", "start": "Du", "end": "Au", "sales_ht": "Ventes HT",
          "sales_vat": "TVA", "sales_ttc": "Ventes TTC", "receipts": "Encaissements", "documents": "Pièces",
          "payments": "Règlements", "cumul_sales_ttc": "Cumul perpétuel des ventes TTC",
          "cumul_receipts": "Cumul perpétuel des encaissements", "first_doc": "Première pièce",
          "last_doc": "Dernière pièce", "journal_hash": "Empreinte du journal avant clôture",
          "made_at": "Faite le", "journals": "Totaux par journal"}


def file_path(book: Path, r: dict[str, Any]) -> Path:
    return folder(book) / str(r["start"].year) / f"{r['ref']}.txt"


def file_bytes(book: Path, r: dict[str, Any]) -> bytes:
    """The closure's text file, byte for byte (the same line ends on every system: its SHA-256 is kept)."""
    text = f"SYC Gestion — {book.name}\n" + "".join(f"{LABELS[k]} : {_fmt(r.get(k))}\n" for k in LABELS)
    return text.encode("utf-8")


def write_files(book: Path, rows: Sequence[dict[str, Any]]) -> None:
    """One small text file per closure, never overwritten (a second write would be a rewrite)."""
    for r in rows:
        path = file_path(book, r)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            continue
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(file_bytes(book, r))
        tmp.replace(path)


def write_missing(store: Store, made: Sequence[dict[str, Any]] = ()) -> None:
    """Closures whose text file was lost (a crash between the workbook's write and the file's):
    written again from the workbook. Run after each day's closures, on the last year of closures
    (what a crash can lose), and on all of them when a monthly closure was just made; `syc
    verifier` names any closure still without its file."""
    everything = any(r.get("kind") != DAY for r in made)
    rows = store.rows("tClotures") if everything else store.tail("tClotures", RECENT_CLOSURES)
    base = folder(store.path)
    present: dict[int, set[str]] = {}

    def has_file(year: int, ref: str) -> bool:
        if year not in present:
            d = base / str(year)
            present[year] = set(os.listdir(d)) if d.is_dir() else set()
        return f"{ref}.txt" in present[year]

    lost = [dict(r.values) for r in rows if r["ref"] and isinstance(r["start"], dt.date)
            and not has_file(r["start"].year, str(r["ref"]))]
    if lost:
        write_files(store.path, lost)


_COMPARED = (*MONEY_KEYS, "journal_hash", "documents", "payments", "journals")  # what a closure file repeats


def verify_files(store: Store, archived: Collection[str] = ()) -> list[Issue]:
    """Each closure file against the workbook: a closure deleted or rewritten in the workbook shows.
    `archived`: the closures a fiscal-year archive holds (checked there, with its SHA-256)."""
    base = folder(store.path)
    if not base.exists():
        return []
    rows = {str(r["ref"]): r for r in store.rows("tClotures")}
    issues = []
    seen: set[str] = set()
    for path in sorted(base.glob("*/*.txt")):
        values = {}
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            k, _, v = line.partition(" : ")
            values[k] = v
        ref = values.get(LABELS["ref"], path.stem)
        r = rows.get(ref)
        where = f"sauvegardes/clotures/{path.parent.parent.name}/{path.parent.name}/{path.name}"
        if r is None and ref in archived:
            continue
        if r is None:
            issues.append(Issue("cloture.absente", f"Clôture {ref} : enregistrée dans {where} mais absente du "
                                                   "classeur (feuille « Clôtures »). Restaurez une sauvegarde.", where))
            continue
        seen.add(ref)
        diff = [LABELS[k] for k, v in zip(_COMPARED, pick(r.values, _COMPARED), strict=True)
                if values.get(LABELS[k], "") != _fmt(v)]
        if diff:
            issues.append(Issue("cloture.modifiee", f"Clôture {ref} ({r.where}) : valeurs différentes de celles du "
                                                    f"fichier {where} ({', '.join(diff)}). Restaurez une sauvegarde.",
                                r.where))
    for ref, r in rows.items():
        if ref and ref not in seen and isinstance(r["start"], dt.date):
            issues.append(Issue("cloture.fichier", f"Clôture {ref} ({r.where}) : son fichier texte manque dans "
                                                   f"sauvegardes/clotures/{base.name}/{r['start'].year}/. Il sera "
                                                   "réécrit depuis le classeur à la prochaine clôture mensuelle.",
                                r.where, Severity.WARNING))
    return issues


def set_aside(book: Path, keep: set[str] | None = None) -> Path | None:
    """Move the closure files of `book` that the workbook no longer holds (all of them when
    `keep` is None: a new workbook replaced it) into a dated folder beside them, out of the way of
    `syc verifier`. They are records: never deleted. Returns the folder they went to, if any."""
    base = folder(book)
    files = [p for p in base.glob("*/*.txt") if keep is None or p.stem not in keep] if base.exists() else []
    if not files:
        return None
    aside = base.with_name(f"{base.name}_remplace_{dt.datetime.now():%Y-%m-%d_%H%M%S}")
    for p in files:
        target = aside / p.parent.name / p.name
        target.parent.mkdir(parents=True, exist_ok=True)
        p.replace(target)
    for d in sorted((x for x in base.rglob("*") if x.is_dir()), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()
    if not any(base.iterdir()):
        base.rmdir()
    return aside


def journal_rows(store: Store) -> list[Any]:
    """The closures made with their totals per journal whose period the workbook still holds."""
    journal = store.journal()
    latest = audit.latest_by_doc([e for e in journal if e.table == "tClotures"])
    # the documents of an archived fiscal year left the workbook (its archive is checked by its SHA-256):
    # only the periods that begin after the last one are recomputed
    archived = max((e.as_of for e in journal if e.action == audit.ARCHIVE_ACTION and e.as_of), default=None)
    return [r for r in store.rows("tClotures") if r["ref"] and isinstance(r["start"], dt.date)
            and isinstance(r["end"], dt.date) and (e := latest.get(("tClotures", str(r["ref"])))) is not None
            and e.spec >= JOURNALS_SPEC and (archived is None or r["start"] > archived)]


def journals_span(store: Store, rows: Sequence[Any] | None = None) -> tuple[dt.date, dt.date] | None:
    """The days `verify_journals` recomputes (first and last), None when it has nothing to check;
    `rows`: `journal_rows(store)` when already read."""
    rows = journal_rows(store) if rows is None else rows
    return (min(r["start"] for r in rows), max(r["end"] for r in rows)) if rows else None


def verify_journals(store: Store, recomputed: Mapping[dt.date, books.Totals] | None = None,
                    rows: Sequence[Any] | None = None) -> list[Issue]:
    """`syc verifier`: the totals per journal of each closure made with them (version 2 of the
    closures' audit spec), against the entries recomputed now from the documents, penalty notes and
    payment rows. A monthly or yearly closure sums the days closed with their totals (after the
    migration to schema 12, its first month sums the days closed since). A difference means that a
    document or a payment of a closed period was changed, added or removed since its closure. The
    periods that begin before the end of an archived fiscal year are not recomputed: their
    documents are in the archive, whose SHA-256 `syc verifier` checks. `recomputed`: the totals
    per day over `journals_span` when `books.recompute` already gave them, else computed here;
    `rows`: `journal_rows(store)` when already read."""
    rows = journal_rows(store) if rows is None else rows
    if not rows:
        return []
    if recomputed is None:
        recomputed = books_service.closed_totals(store, min(r["start"] for r in rows), max(r["end"] for r in rows))
    days = {r["end"] for r in rows if r["kind"] == DAY}
    issues: list[Issue] = []
    for r in rows:
        try:
            written = books.parse_totals(r["journals"])
        except ValueError:
            written = {}
        d, expected = r["start"], books.add_totals()
        while d <= r["end"]:
            if d in days:
                expected = books.add_totals(expected, recomputed.get(d, {}))
            d += dt.timedelta(days=1)
        if books.format_totals(written) != books.format_totals(expected) or (r["journals"] or "") != books.format_totals(written):
            issues.append(Issue(
                "cloture.journaux",
                f"Clôture {r['ref']} ({r.where}) : totaux par journal « {r['journals'] or 'aucun'} », mais les "
                f"écritures recalculées des pièces et règlements de la période donnent « "
                f"{books.format_totals(expected) or 'aucun'} ». Une pièce ou un règlement d'une période clôturée "
                "a été modifié, ajouté ou supprimé : restaurez une sauvegarde.", r.where))
    return issues
