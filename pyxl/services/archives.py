"""Fiscal-year archives (`syc exercice archiver --fin AAAA-MM-JJ`).

What a closed fiscal year no longer needs day to day leaves the active workbook for an archive: a
complete workbook (`Archives/<classeur>-exercice-2025.xlsm`) built at zip level from the active one,
holding the removed rows and the whole audit journal up to that point. The order of the steps is
what makes a crash harmless:

1. under the write lock, the active workbook is verified whole (`syc verifier`'s checks);
2. the rows to archive are chosen: invoices closed (paid or credited) dated up to the end of the
   fiscal year, with every row linked to them (lines, their order and quote, deposits and final
   invoices of one order, credit notes, payments and their reversals, slips, penalty notes,
   reminders), and quotes and orders ended otherwise (refused, replaced, expired, cancelled) — a
   group holding anything still open (an unpaid invoice, an order not invoiced, an intervention, a
   client's credit) stays whole in the active workbook;
   closures up to the last 31 December of the fiscal year, the last daily closure always staying;
3. the archive is written to a temporary file, fsynced, renamed (never over an existing file),
   re-opened and verified row by row: each removed row is found there with the same values, each
   removed document with the fingerprint its journal row holds, the journal chain intact;
4. the workbook as it was is copied beside the archive, outside the backup rotation;
5. the new active workbook (rows removed, then the journal's **genesis row** holding the archive's
   SHA-256 and carrying the chain on, and one carry-over row per document that stays, with the
   fingerprint its last journal row held) is built in a temporary file, checked, and put in place
   by an atomic rename; the audit anchor follows.

A crash before 5's rename leaves the old workbook (and at most an archive no journal names: it is
set aside by the next run, never overwritten); after it, the new one. `verify` (called by `syc
verifier`) follows the genesis rows from archive to archive: each file present, its SHA-256 the
recorded one, its journal ending where the next one begins.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxl.core import audit
from pyxl.core import workflow as wf
from pyxl.core.frformat import date_fr, plural
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.services.common import Result
from pyxl.workbook import commit, keyindex, ooxml
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.store import ChangeSet, Row

FOLDER = "Archives"
GENESIS_TABLE = "Archives"
# tables whose rows may leave the active workbook, in the order they are read
ARCHIVED = ("tDevis", "tLignesDevis", "tCommandes", "tFactures", "tLignesFactures", "tReglements", "tBordereaux", "tNotesPenalites", "tLignesNotes",
            "tRelances", "tCreances", "tClotures", "tJournalAudit", "tEcritures")
# what an archive keeps whole besides its own rows: the reference tables its documents need to be
# read (clients, articles, rates…); the other tables (quotes, orders, statements, planning…) are
# emptied there: they stay in the active workbook
REFERENCE = ("tParametres", "tCompteurs", "tClients", "tArticles", "tSecteurs", "tReglesTVA", "tGaranties",
             "tNiveauxRelance", "tTauxLegal", "tTauxBCE", "tTauxPenalites", "tTechniciens")
CLOSED_QUOTE = {wf.QuoteState.ACCEPTED.value, wf.QuoteState.REFUSED.value, wf.QuoteState.REPLACED.value}
CLOSED_ORDER = {wf.OrderState.INVOICED.value, wf.OrderState.CANCELLED.value}
CLOSED_INVOICE = {wf.InvoiceState.PAID.value, wf.InvoiceState.CREDITED.value}
_CELL_REF = re.compile(rb'(<(?:\w+:)?c\b[^>]*?\sr=")([A-Z]{1,3})\d+(")')
_ROW_REF = re.compile(rb'^(<(?:\w+:)?row\b[^>]*?\sr=")\d+(")')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# test hook: name of a step; the archiving raises SystemExit right after it (a crash there)
CRASH_AFTER = "SYC_TEST_ARCHIVE_CRASH"
KILL = "SYC_TEST_ARCHIVE_KILL"  # with CRASH_AFTER: the process kills itself (SIGKILL) instead
WORK_PREFIX = ".syc-archivage-"  # the folder beside the workbook where the new one is built


def folder(book: Path) -> Path:
    return book.parent / FOLDER


def label_of(end: dt.date) -> str:
    """« exercice-2025 » for a calendar fiscal year, « exercice-2025-06-30 » otherwise."""
    return f"exercice-{end.year}" if (end.month, end.day) == (12, 31) else f"exercice-{end.isoformat()}"


def archive_path(book: Path, end: dt.date) -> Path:
    return folder(book) / f"{book.stem}-{label_of(end)}{book.suffix}"


def before_path(book: Path, end: dt.date) -> Path:
    return folder(book) / f"{book.stem}-avant-archivage-{label_of(end)}{book.suffix}"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_AFTER) == step:
        if os.environ.get(KILL):  # a real crash: no cleanup, no finally
            os.kill(os.getpid(), signal.SIGKILL)
        raise SystemExit(f"arrêt simulé après l'étape {step}")


def remove_leftovers(book: Path) -> None:
    """Temporary files of a run killed midway (call with the write lock held)."""
    for p in folder(book).glob(".*.tmp") if folder(book).is_dir() else ():
        p.unlink(missing_ok=True)
    for d in book.parent.glob(f"{WORK_PREFIX}*"):
        shutil.rmtree(d, ignore_errors=True)


def genesis_rows(entries: Sequence[audit.Entry]) -> list[audit.Entry]:
    return [e for e in entries if e.action == audit.ARCHIVE_ACTION]


# --------------------------------------------------------------------------- selection
@dataclass
class Selection:
    """Row numbers to archive, by table; the journal rows up to `last_seq`."""

    rows: dict[str, set[int]] = field(default_factory=dict)
    last_seq: int = 0
    invoices: set[str] = field(default_factory=set)
    closures: set[str] = field(default_factory=set)

    def count(self) -> int:
        return sum(len(v) for k, v in self.rows.items() if k != "tJournalAudit")

    @property
    def documents(self) -> int:
        """Rows of the sales chain leaving (quotes, orders, invoices, payments…), journal and closures aside."""
        return sum(len(v) for k, v in self.rows.items() if k not in ("tJournalAudit", "tClotures"))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        p = self.parent.setdefault(x, x)
        while p != self.parent.setdefault(p, p):
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        return p

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def _date(v: Any) -> dt.date | None:
    return v if isinstance(v, dt.date) else None


def select(store: FileStore, end: dt.date) -> Selection:
    """What leaves the active workbook: whole groups of linked rows, every one of them closed and
    dated up to `end` (see the module's docstring)."""
    u = _Union()
    closed: dict[str, bool] = {}

    def node(key: str, ok: bool) -> str:
        u.find(key)
        closed[key] = closed.get(key, True) and ok
        return key

    def upto(v: Any) -> bool:
        d = _date(v)
        return d is not None and d <= end

    quotes = store.rows("tDevis")
    for r in quotes:
        key = node(f"D:{r['number']}", upto(r["date"]) and (
            r["status"] in CLOSED_QUOTE or (r["status"] == wf.QuoteState.SENT and upto(r["valid_until"]))))
        for col in ("replaces", "replaced_by"):
            if r[col]:
                u.join(key, node(f"D:{r[col]}", True))
        if r["order"]:
            u.join(key, node(f"O:{r['order']}", True))
    orders = store.rows("tCommandes")
    for r in orders:
        key = node(f"O:{r['number']}", upto(r["date"]) and r["status"] in CLOSED_ORDER)
        if r["quote"]:
            u.join(key, node(f"D:{r['quote']}", True))
    for r in store.rows("tInterventions"):  # planning stays whole: so does an order it names
        if r["order"]:
            u.join(node(f"J:{r['id']}", False), node(f"O:{r['order']}", True))
    invoices = store.rows("tFactures")
    for r in invoices:
        num = str(r["number"] or "")
        # written off (« Passé en perte », its row of « Créances douteuses » joined below): closed too
        key = node(f"I:{r['ref']}", bool(num) and upto(r["date"]) and (
            r["status"] in CLOSED_INVOICE or r["doc_type"] == wf.T_CREDIT or r.get("written_off") is not None))
        if num:
            u.join(key, node(f"N:{num}", True))
        for col, kind in (("origin", "N"), ("order", "O"), ("quote", "D")):
            if r[col]:
                u.join(key, node(f"{kind}:{r[col]}", True))
    payments = store.rows("tReglements")
    for r in payments:
        key = node(f"P:{r['id']}", upto(r["date"]) and bool(str(r["invoice"] or "").strip()))
        for col in ("invoice", "applies_to"):
            if r[col]:
                u.join(key, node(f"N:{r[col]}", True))
        for col in ("group", "cancels"):
            if r[col]:
                u.join(key, node(f"P:{r[col]}", True))
        if r["slip"]:
            u.join(key, node(f"S:{r['slip']}", True))
    slips = store.rows("tBordereaux")
    for r in slips:
        node(f"S:{r['number']}", upto(r["date"]) and r["status"] == "Crédité")
    notes = store.rows("tNotesPenalites")
    for r in notes:
        u.join(node(f"N:{r['number']}", True), node(f"Q:{r['number']}", upto(r["date"]) and r["status"] == "Réglée"))
    note_lines = store.rows("tLignesNotes")
    for r in note_lines:
        if r["invoice"]:
            u.join(f"N:{r['note']}", node(f"N:{r['invoice']}", True))
    reminders = store.rows("tRelances")
    for r in reminders:
        key = node(f"R:{r['id']}", upto(r["date"]))
        if r["invoice"]:
            u.join(key, node(f"N:{r['invoice']}", True))
    losses = store.rows("tCreances") if "tCreances" in {t.name for t in store.schema.tables} else []
    for r in losses:  # a decision leaves with its invoice, once dated in the year (so does its cancellation)
        u.join(node(f"C:{r['id']}", upto(r["date"])), node(f"N:{r['invoice']}", True))
    ok_root: dict[str, bool] = {}
    for key, ok in closed.items():
        root = u.find(key)
        ok_root[root] = ok_root.get(root, True) and ok
    # a number no row holds (a document already archived, a typo) keeps nothing back

    def leaves(key: str) -> bool:
        return ok_root.get(u.find(key), False)

    sel = Selection()
    sel.rows["tDevis"] = {r.row for r in quotes if leaves(f"D:{r['number']}")}
    gone_quotes = {str(r["number"]) for r in quotes if r.row in sel.rows["tDevis"]}
    sel.rows["tLignesDevis"] = {r.row for r in store.rows("tLignesDevis") if str(r["quote"] or "") in gone_quotes}
    sel.rows["tCommandes"] = {r.row for r in orders if leaves(f"O:{r['number']}")}
    sel.rows["tFactures"] = {r.row for r in invoices if leaves(f"I:{r['ref']}")}
    refs = {str(r["ref"]) for r in invoices if r.row in sel.rows["tFactures"]}
    sel.invoices = {str(r["number"]) for r in invoices if r.row in sel.rows["tFactures"]}
    sel.rows["tLignesFactures"] = {r.row for r in store.rows("tLignesFactures") if str(r["doc"] or "") in refs}
    sel.rows["tReglements"] = {r.row for r in payments if leaves(f"P:{r['id']}")}
    sel.rows["tBordereaux"] = {r.row for r in slips if leaves(f"S:{r['number']}")}
    sel.rows["tNotesPenalites"] = {r.row for r in notes if leaves(f"Q:{r['number']}")}
    gone_notes = {str(r["number"]) for r in notes if r.row in sel.rows["tNotesPenalites"]}
    sel.rows["tLignesNotes"] = {r.row for r in note_lines if str(r["note"] or "") in gone_notes}
    sel.rows["tRelances"] = {r.row for r in reminders if leaves(f"R:{r['id']}")}
    if losses:
        sel.rows["tCreances"] = {r.row for r in losses if leaves(f"C:{r['id']}")}
    # the « Écritures » sheet holds the open fiscal year's entries: those of the archived years leave
    if "tEcritures" in {t.name for t in store.schema.tables}:
        sel.rows["tEcritures"] = {r.row for r in store.rows("tEcritures") if _date(r["date"]) and r["date"] <= end}
    # closures: whole calendar years only (a later yearly closure sums its daily ones), the last
    # daily closure always staying (it says which days are closed and carries the running totals)
    cutoff = dt.date(end.year if (end.month, end.day) == (12, 31) else end.year - 1, 12, 31)
    closures = store.rows("tClotures")
    days = [r for r in closures if r["kind"] == "Jour" and _date(r["end"])]
    last_day = max(days, key=lambda r: r["end"]).row if days else None
    sel.rows["tClotures"] = {r.row for r in closures if upto(r["end"]) and r["end"] <= cutoff and r.row != last_day}
    sel.closures = {str(r["ref"]) for r in closures if r.row in sel.rows["tClotures"]}
    journal = store.rows("tJournalAudit")
    sel.rows["tJournalAudit"] = {r.row for r in journal}
    sel.last_seq = max((int(r["seq"] or 0) for r in journal), default=0)
    return sel


# --------------------------------------------------------------------------- zip level
def _renumber(row_xml: bytes, num: int) -> bytes:
    n = str(num).encode()
    row_xml = _ROW_REF.sub(lambda m: m.group(1) + n + m.group(2), row_xml, count=1)
    return _CELL_REF.sub(lambda m: m.group(1) + m.group(2) + n + m.group(3), row_xml)


def filter_package(pkg: ooxml.Package, keep: Mapping[str, set[int] | None]) -> dict[str, bytes]:
    """Replacement parts keeping, in each table of `keep`, only the data rows of those numbers
    (None: all), moved up under the header; every other part is left to be copied raw."""
    out: dict[str, bytes] = {}
    for name, rows in keep.items():
        if rows is None:
            continue
        loc = pkg.table(name)
        c1, r1, c2, r2 = loc.ref
        if loc.totals:
            raise Refused(Issue("archive.totals", f"Feuille « {loc.sheet} » : la table {name} a une ligne de total. "
                                "Retirez-la (Création de tableau → Ligne des totaux) puis relancez.", loc.sheet))
        sheet = ooxml.SheetText(out.get(loc.sheet_part) or pkg.read(loc.sheet_part))
        parts: list[bytes] = []
        n = r1
        for num, s, e in sheet.rows:
            xml = sheet.data[s:e]
            if num <= r1 or num > r2:
                if num > r2 and ooxml.row_has_values(xml, c1, c2):
                    raise Refused(Issue("archive.below", f"Feuille « {loc.sheet} » : des cellules sont remplies sous "
                                        f"la table {name} (ligne {num}). Déplacez-les puis relancez.", loc.sheet))
                parts.append(xml)
                continue
            if num not in rows:
                continue
            if _FORMULA.search(xml):
                raise Refused(Issue("archive.formula", f"Feuille « {loc.sheet} », ligne {num} : une formule a été "
                                    "saisie dans la table ; l'archivage ne déplace que des valeurs. Remplacez-la par "
                                    "sa valeur puis relancez.", f"{loc.sheet}, ligne {num}"))
            n += 1
            parts.append(_renumber(xml, n) if n != num else xml)
        data = sheet.data[:sheet.content_start] + b"".join(parts) + sheet.data[sheet.content_end:]
        out[loc.sheet_part] = data
        out[loc.table_part] = ooxml.set_table_ref(pkg.read(loc.table_part), ooxml.range_ref(c1, r1, c2, max(n, r1 + 1)))
    return out


_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?/>|<(?:\w+:)?si\b.*?</(?:\w+:)?si>", re.S)
_S_CELL = re.compile(rb'(<(?:\w+:)?c\b[^>]*?\st="s"[^>]*>\s*<(?:\w+:)?v>)(\d+)(</(?:\w+:)?v>)')
_SST_COUNTS = re.compile(rb'\s(?:count|uniqueCount)="\d+"')


def compact_strings(pkg: ooxml.Package, replacements: dict[str, bytes]) -> dict[str, bytes]:
    """The shared strings no cell uses any more (those of the rows archived) dropped, every sheet's
    string indexes renumbered: without it the strings of archived rows would stay in the workbook
    forever. `replacements`: the parts already rewritten (their new bytes are used)."""

    part = next((target for typ, target in pkg.rels(pkg.workbook_part).values()
                 if typ == ooxml.NS_R + "/sharedStrings" and target in pkg.names), None)
    if part is None:
        return replacements
    sheets = {p: replacements.get(p) or pkg.read(p) for p in pkg.sheets.values() if p in pkg.names}
    used: set[int] = set()
    for data in sheets.values():
        used.update(int(m.group(2)) for m in _S_CELL.finditer(data))
    sst = pkg.read(part)
    items = list(_SI.finditer(sst))
    if used and max(used) >= len(items):
        return replacements  # an index beyond the strings: leave the package as it is (the check will tell)
    keep = sorted(used)
    if len(keep) == len(items):
        return replacements
    new_index = {old: new for new, old in enumerate(keep)}
    out = dict(replacements)
    for p, data in sheets.items():
        if b't="s"' in data:
            out[p] = _S_CELL.sub(lambda m: m.group(1) + str(new_index[int(m.group(2))]).encode() + m.group(3), data)
    start, end = items[0].start(), items[-1].end()
    head = _SST_COUNTS.sub(b"", sst[:start], count=2)
    head = re.sub(rb"(<(?:\w+:)?sst\b)", rb'\1 count="%d" uniqueCount="%d"' % (len(keep), len(keep)), head, count=1)
    out[part] = head + b"".join(items[i].group(0) for i in keep) + sst[end:]
    return out


def _same_rows(old: FileStore, new: FileStore, kept: Mapping[str, set[int]]) -> list[str]:
    """Every table of the new workbook holds the rows kept, with the same typed values."""
    problems = []
    for table in old.schema.tables:
        nums = kept.get(table.name)
        have = [r.version for r in old.rows(table.name) if nums is None or r.row in nums]
        got = [r.version for r in new.rows(table.name)]
        if table.name == "tJournalAudit":
            got = got[:len(have)]
        if have != got:
            problems.append(f"table {table.name}")
        old.release(table.name)
        new.release(table.name)
    return problems


def _write_new(path: Path, src: Path, replacements: Mapping[str, bytes], step: str) -> None:
    """`src` rewritten with `replacements` into `path` (which must not exist) through a temporary
    file in the same folder: fsync, rename, folder fsync."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        pkg = ooxml.Package(str(src))
        try:
            with os.fdopen(fd, "wb") as f:
                ooxml.rewrite(pkg.zip, f, replacements)
                f.flush()
                os.fsync(f.fileno())
        finally:
            pkg.close()
        shutil.copymode(src, tmp)  # mkstemp made it 0600: the workbook's permissions
        _crash_point(step + "-temporaire")
        if path.exists():  # checked under the lock: an archive is never overwritten
            raise Refused(Issue("archive.existe", f"{path} existe déjà : une archive n'est jamais remplacée.",
                                str(path)))
        os.replace(tmp, path)
        commit.fsync_dir(path.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _copy_new(src: Path, path: Path) -> None:
    """A byte copy of `src` at `path` (temporary file, fsync, rename), never over an existing file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            shutil.copyfileobj(f, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(src, tmp)
        if not path.exists():
            os.replace(tmp, path)
            commit.fsync_dir(path.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --------------------------------------------------------------------------- verification
def _check_archive(path: Path, active: FileStore, sel: Selection) -> None:
    """The written archive, re-opened: every row to remove is there with the same values, every
    document with the fingerprint its journal row holds, the journal chain whole."""
    arch = FileStore(path, schema=active.schema)
    problems: list[str] = []
    try:
        for name, nums in sel.rows.items():
            have = [r.version for r in active.rows(name) if r.row in nums]
            got = [r.version for r in arch.rows(name)]
            if sorted(have) != sorted(got):
                problems.append(f"table {name} : {len(got)} ligne(s) lue(s) pour {len(have)} attendue(s), ou valeurs "
                                "différentes")
        entries = arch.journal()
        problems += [i.message for i in audit.verify_chain(entries)]
        if not entries or entries[-1].seq != sel.last_seq:
            problems.append("journal d'audit incomplet")
        problems += _fingerprints(arch, entries)
    finally:
        arch.close()
    if problems:
        raise Refused(Issue("archive.verification", f"L'archive {path.name} écrite ne correspond pas au classeur ("
                            + " ; ".join(problems[:5]) + ") : rien n'a été retiré du classeur. Signalez ce problème.",
                            str(path)))


def _fingerprints(arch: FileStore, entries: Sequence[audit.Entry]) -> list[str]:
    """Each document of an archive against the fingerprint (and spec version) of its last journal row."""
    problems = []
    latest = audit.latest_by_doc(entries)
    for table in arch.schema.audited:
        spec = table.audit
        assert spec is not None
        lines = arch.guard.lines_by_ref(table)
        for r in arch.rows(table.name):
            e = latest.get((table.name, str(r.get(spec.key) or "")))
            if e is None:
                continue
            if arch.guard.doc(table, r.values, r.where, lines, e.spec).doc_hash != e.doc_hash:
                problems.append(f"{r.where} : {e.ref} n'a pas l'empreinte enregistrée")
    return problems


# --------------------------------------------------------------------------- archiving
def _previous_end(entries: Sequence[audit.Entry]) -> dt.date | None:
    ends = [e.as_of for e in genesis_rows(entries) if e.as_of]
    return max(ends) if ends else None


def _set_aside_orphan(path: Path, entries: Sequence[audit.Entry]) -> Path | None:
    """An archive file no genesis row of the active journal names (a run interrupted before the
    workbook was replaced): renamed aside, never deleted nor overwritten."""
    if not path.exists():
        return None
    if any(e.doc_hash == sha256_of(path) for e in genesis_rows(entries)):
        return None
    aside = path.with_name(f"{path.stem}.interrompu-{dt.datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
    os.replace(path, aside)
    return aside


def archive(book: Path, end: dt.date, as_of: dt.date, now: dt.datetime | None = None) -> Result:
    """`syc exercice archiver --fin end`."""
    from pyxl.services.closures import last_closed_day
    from pyxl.services.maintenance import check_everything
    from pyxl.workbook import migrate

    now = now or dt.datetime.now()
    book = Path(os.path.realpath(book))
    with commit.write_lock(book):
        commit.refuse_if_open(book)
        remove_leftovers(book)
        store = FileStore(book)
        try:
            store.check_version()
            if end >= as_of:
                raise Refused(Issue("archive.fin", f"L'exercice se terminant le {date_fr(end)} n'est pas clos au "
                                    f"{date_fr(as_of)} : archivez-le après sa fin.", "--fin"))
            closed = last_closed_day(store)
            if closed is None or closed < end:
                raise Refused(Issue("archive.cloture", f"Les journées jusqu'au {date_fr(end)} ne sont pas toutes "
                                    f"clôturées (dernière clôture : {date_fr(closed, 'aucune')}). Enregistrez une "
                                    "action datée d'un jour postérieur (les clôtures se font alors), puis relancez.",
                                    "--fin"))
            entries = store.journal()
            prev_end = _previous_end(entries)
            if prev_end is not None and end <= prev_end:
                raise Refused(Issue("archive.deja", f"L'exercice clos le {date_fr(prev_end)} est déjà archivé : "
                                    f"indiquez une fin d'exercice postérieure à cette date.", "--fin"))
            target = archive_path(book, end)
            if target.exists() and any(e.doc_hash == sha256_of(target) for e in genesis_rows(entries)):
                raise Refused(Issue("archive.existe", f"{target} existe déjà : une archive n'est jamais remplacée.",
                                    str(target)))
            issues = [i for i in check_everything(store, as_of)[0] if i.severity is Severity.ERROR]
            if issues:
                raise Refused([*issues, Issue("archive.verifier", "Le classeur a des anomalies : il n'est pas archivé. "
                                              "Lancez « syc verifier » et corrigez-les d'abord.", book.name)])
            sel = select(store, end)
            if not sel.documents:
                raise Refused(Issue("archive.vide", f"Rien à archiver jusqu'au {date_fr(end)} : aucune facture "
                                    "réglée ni soldée de cet exercice.", "--fin"))
            folder(book).mkdir(exist_ok=True)
            aside = _set_aside_orphan(target, entries)
            pkg = store.package
            # 3. the archive: the active workbook with only the removed rows (and the whole journal)
            emptied: dict[str, set[int] | None] = {t.name: set() for t in store.schema.tables
                                                   if t.name not in REFERENCE and t.name not in sel.rows}
            _write_new(target, book, filter_package(pkg, {**emptied, **sel.rows}), "archive")
            _crash_point("archive")
            _check_archive(target, store, sel)
            digest = sha256_of(target)
            _crash_point("verification")
            # 4. the workbook as it was, outside the backup rotation
            _copy_new(book, before_path(book, end))
            _crash_point("copie")
            # 5. the new active workbook
            kept = {name: {r.row for r in store.rows(name)} - nums for name, nums in sel.rows.items()}
            changes = _carry_over(store, sel, kept, entries, end, digest, label_of(end), now)
            counts = {name: len(nums) for name, nums in sel.rows.items()}
            with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=book.parent) as d:
                tmp = Path(d) / book.name
                with open(tmp, "wb") as f:
                    ooxml.rewrite(pkg.zip, f, compact_strings(pkg, filter_package(pkg, kept)))
                fresh = FileStore(tmp)
                try:
                    problems = _same_rows(store, fresh, kept)
                    if problems:
                        raise Refused(Issue("archive.verification", "Le nouveau classeur ne garde pas les lignes "
                                            f"attendues ({', '.join(problems)}) : rien n'a été retiré du classeur. "
                                            "Signalez ce problème.", book.name))
                    fresh.close()
                    fresh.apply(changes, as_of=as_of, now=now)
                    tail = fresh.journal_tail(1)
                finally:
                    fresh.close()
                store.close()
                migrate._check(tmp, store.schema)
                _crash_point("nouveau-classeur")
                commit.replace_file(book, tmp)
            _crash_point("remplacement")
            commit.write_anchor(book, tail[-1] if tail else None)
        finally:
            store.close()
    keyindex.refresh(book)  # the sheets were rewritten without the archived rows: their rows moved
    result = Result(message=(
        f"Exercice clos le {date_fr(end)} archivé dans {target} : {plural(counts['tFactures'], 'facture')}, "
        f"{plural(counts['tReglements'], 'règlement')}, {plural(sel.count(), 'ligne')} en tout. "
        f"Empreinte SHA-256 : {digest}. "
        f"Le classeur d'avant l'archivage est conservé dans {before_path(book, end)}."
        + (f" Une archive interrompue a été mise de côté : {aside.name}." if aside else "")))
    result.data.update({"archive": str(target), "sha256": digest, "fin": end.isoformat(),
                        "avant_archivage": str(before_path(book, end)), "factures": counts["tFactures"],
                        "reglements": counts["tReglements"], "lignes": sel.count()})
    return result


def _carry_over(store: FileStore, sel: Selection, kept: Mapping[str, set[int]], entries: Sequence[audit.Entry],
                end: dt.date, digest: str, label: str, now: dt.datetime) -> ChangeSet:
    """The journal rows of the new active workbook: the genesis row, then one carry-over row per
    document that stays, with the fingerprint (and spec version) of its last journal row."""
    stamp = now.replace(microsecond=0).isoformat()
    last = entries[-1] if entries else None
    genesis = audit.next_entry(last, stamp, end, audit.ARCHIVE_ACTION, GENESIS_TABLE, label, digest)
    out = [genesis]
    latest = audit.latest_by_doc(entries)
    staying: list[audit.Entry] = []
    for table in store.schema.audited:
        spec = table.audit
        assert spec is not None
        for r in store.rows(table.name):
            if r.row in kept.get(table.name, set()):
                e = latest.get((table.name, str(r.get(spec.key) or "")))
                if e is not None:
                    staying.append(e)
    prev = genesis
    for e in sorted(staying, key=lambda x: x.seq):
        prev = audit.next_entry(prev, stamp, e.as_of or end, audit.CARRY_ACTION, e.table, e.ref, e.doc_hash, e.spec)
        out.append(prev)
    changes = ChangeSet()
    for x in out:
        changes.append("tJournalAudit", {"seq": x.seq, "timestamp": x.timestamp, "as_of": x.as_of,
                                         "action": x.action, "table": x.table, "ref": x.ref, "doc_hash": x.doc_hash,
                                         "prev_hash": x.prev_hash, "hash": x.hash, "spec": x.spec})
    return changes


# --------------------------------------------------------------------------- reading an archive
@contextlib.contextmanager
def opened(path: Path) -> Iterator[FileStore]:
    """An archive as a read-only store at the current schema. An archive written before a schema
    change is never migrated in place (its SHA-256 is recorded): it is read through a migrated copy
    in a temporary folder, removed afterwards. A missing file, a workbook that is not SYC Gestion's
    or one from a newer version is refused, naming it."""
    from pyxl.workbook import migrate

    path = Path(path)
    if not path.is_file():
        raise Refused(Issue("archive.introuvable", f"Archive « {path} » introuvable : indiquez le chemin d'un "
                                                   "classeur d'exercice archivé (dossier Archives, --archives).",
                            str(path)))
    store = FileStore(path)
    if not store.is_syc_book() or store.version() >= store.schema.version:
        try:
            store.check_version()
            yield store
        finally:
            store.close()
        return
    store.close()
    with tempfile.TemporaryDirectory(prefix=".syc-lecture-archive-") as d:
        copy = Path(d) / path.name
        migrate.migrated_copy(path, copy)
        store = FileStore(copy)
        try:
            yield store
        finally:
            store.close()


def _walk(store: Any) -> Generator[tuple[Path, FileStore], None, None]:
    """Each archive the active workbook's journal names, newest first, opened once (`opened`): the
    genesis rows followed back from archive to archive, each one's SHA-256 checked (an altered or
    missing archive is refused, as `syc verifier` would report it). Nothing for a store that is not
    a workbook (a file, or the one open in Excel) or has never been archived."""
    from pyxl.workbook.sheetstore import SheetStore

    path = getattr(store, "path", None)
    if not isinstance(store, SheetStore) or path is None:
        return
    book = Path(path)
    entries = store.journal()
    first = entries[0] if entries else None
    while first is not None and first.action == audit.ARCHIVE_ACTION and first.seq != 1:
        found = _find(book, first.ref, first.doc_hash)
        if found is None or sha256_of(found) != first.doc_hash:
            raise Refused(Issue("archive.absente" if found is None else "archive.modifiee",
                                f"Archive de l'{first.ref.replace('-', ' ', 1)} "
                                + ("introuvable" if found is None else "modifiée depuis son archivage")
                                + f" dans {folder(book)} : remettez en place la copie d'origine (syc verifier).",
                                str(found or folder(book))))
        with opened(found) as arch:
            yield found, arch
            older = arch.journal()
        first = older[0] if older else None


def located(store: Any) -> list[Path]:
    """The archives the active workbook's journal names, newest first (see `_walk`)."""
    return [path for path, _arch in _walk(store)]


@dataclass(frozen=True)
class Archived:
    """An issued invoice found in an archive: its row and lines, and the credit notes on it archived
    with it (each with its lines); their `where` names the archive."""

    path: Path
    row: Row
    lines: list[Row]
    credit_notes: list[tuple[Row, list[Row]]]


def _tagged(r: Row, path: Path) -> Row:
    return dataclasses.replace(r, sheet=f"archive {path.name}, {r.sheet}")


def find_invoice(store: Any, number: str) -> Archived | None:
    """The issued invoice (or deposit invoice) `number` in the archives of the active workbook,
    newest archive first; None when no archive holds it."""
    typed = (number or "").strip().upper()
    if not typed or typed.startswith("BROUILLON"):
        return None
    with contextlib.closing(_walk(store)) as walk:  # the archive open when found is closed at once
        for path, arch in walk:  # newest first: older archives are not opened once it is found
            found = arch.rows_where("tFactures", "number", {typed})
            if not found:
                continue
            row = found[0]
            credits = [r for r in arch.rows_where("tFactures", "origin", {typed})
                       if r["doc_type"] == wf.T_CREDIT and r["number"]]
            refs = {str(row["ref"])} | {str(c["ref"]) for c in credits}
            lines: dict[str, list[Row]] = {}
            for ln in arch.rows_where("tLignesFactures", "doc", refs):
                lines.setdefault(str(ln["doc"]), []).append(_tagged(ln, path))
            for v in lines.values():
                v.sort(key=lambda x: x.get("pos") or 0)
            return Archived(path, _tagged(row, path), lines.get(str(row["ref"]), []),
                            [(_tagged(c, path), lines.get(str(c["ref"]), [])) for c in credits])
    return None


# --------------------------------------------------------------------------- syc verifier
@dataclass
class Found:
    """What `verify` read in the archives: issues, invoice numbers and closures they hold."""

    issues: list[Issue] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)
    closures: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)


def _find(book: Path, label: str, digest: str) -> Path | None:
    for stem in (book.stem,):
        p = folder(book) / f"{stem}-{label}{book.suffix}"
        if p.exists():
            return p
    d = folder(book)
    if d.is_dir():  # the workbook was renamed since: any file of that fiscal year with that fingerprint
        for p in sorted(d.glob(f"*-{label}.*")):
            if sha256_of(p) == digest:
                return p
    return None


def verify(book: Path, entries: Sequence[audit.Entry]) -> Found:
    """Follow the genesis rows back from the active journal: each archive present, unaltered, its
    journal whole and ending where the next one begins."""
    found = Found()
    first = entries[0] if entries else None
    while first is not None and first.action == audit.ARCHIVE_ACTION and first.seq != 1:
        path = _find(book, first.ref, first.doc_hash)
        if path is None:
            found.issues.append(Issue("archive.absente", f"Archive de l'{first.ref.replace('-', ' ', 1)} (journal "
                                      f"n° {first.seq}) introuvable dans {folder(book)}. Les archives se gardent dix "
                                      "ans (C. com. L123-22) : remettez-la en place depuis une copie.", first.where))
            return found
        if sha256_of(path) != first.doc_hash:
            found.issues.append(Issue("archive.modifiee", f"{path.name} a été modifiée depuis son archivage (son "
                                      f"empreinte SHA-256 n'est plus celle du journal n° {first.seq}). Remettez en "
                                      "place la copie d'origine.", str(path)))
            return found
        with opened(path) as arch:  # an archive of an older schema: read through a migrated copy
            older = arch.journal()
            found.issues += [Issue(i.code, f"{path.name} : {i.message}", str(path)) for i in audit.verify_chain(older)]
            if not older or older[-1].seq != first.seq - 1 or older[-1].hash != first.prev_hash:
                found.issues.append(Issue("archive.chaine", f"{path.name} : son journal ne s'arrête pas où reprend "
                                          f"le journal suivant (n° {first.seq}).", str(path)))
            found.invoices += [str(r["number"]) for r in arch.rows("tFactures") if r["number"]]
            found.closures |= {str(r["ref"]) for r in arch.rows("tClotures")}
            found.files.append(path)
        first = older[0] if older else None
    return found


def series_numbers(numbers: Iterable[str]) -> dict[str, list[int]]:
    by_year: dict[str, list[int]] = {}
    for n in numbers:
        if len(n) == 11 and n[0] == "F" and n[1:5].isdigit() and n[5] == "-" and n[6:].isdigit():
            by_year.setdefault(n[1:5], []).append(int(n[6:]))
    return by_year


def duplicate_issues(active: Iterable[str], archived: Iterable[str]) -> list[Issue]:
    """An invoice number found twice across the archives and the active workbook."""
    seen: set[str] = set()
    out = []
    for n in [*archived, *active]:
        if n in seen:
            out.append(Issue("serie.double", f"Facture {n} : le numéro figure deux fois (archives et classeur). "
                             "Restaurez une sauvegarde (syc sauvegardes restaurer).", "Factures"))
        seen.add(n)
    return out

