"""Restoring a backup, with the one rule that protects numbering: no silent step back."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyxl.core.audit import Entry
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.services.common import Result
from pyxl.workbook import backups
from pyxl.workbook.filestore import FileStore, refuse_if_open, replace_file, write_anchor, write_lock
from pyxl.workbook.store import Row


def _high_marks(path: Path) -> tuple[int, dict[tuple[str, int | None], int], Entry | None]:
    """Last audit-journal number, last number of each counter series, and the journal's tail."""
    store = FileStore(path)
    try:
        journal = store.journal()
        counters = {(str(r["series"]), r["year"]): int(r["last"] or 0) for r in store.rows("tCompteurs")}
    finally:
        store.close()
    return (journal[-1].seq if journal else 0), counters, (journal[-1] if journal else None)


def _label(book: Path, source: Path) -> str:
    """« n° 3 du 27/11/2026 à 19:56 » for a listed backup, else its file name."""
    for i, b in enumerate(backups.listing(book), 1):
        if b.path == source:
            return f"n° {i} du {date_fr(b.taken)} à {b.taken:%H:%M}"
    return f"« {source.name} »"


def resolve(book: Path, which: str) -> Path:
    items = backups.listing(book)
    if which.isdigit() and len(which) < 6:
        n = int(which)
        if not 1 <= n <= len(items):
            raise Refused(Issue("backup.unknown", f"Sauvegarde n° {which} introuvable : il y en a {len(items)} "
                                                  "(syc sauvegardes liste).", "sauvegardes"))
        return items[n - 1].path
    p = Path(which)
    if not p.exists():
        p = backups.folder(book) / which
    if not p.exists():
        raise Refused(Issue("backup.unknown", f"Sauvegarde « {which} » introuvable (syc sauvegardes liste).",
                            "sauvegardes"))
    return p


def restore_backup(book: Path, which: str, *, force: bool = False) -> Result:
    """Put a backup in place of the workbook. Everything happens under the write lock, so no
    number can be given by another command between the check and the replacement."""
    with write_lock(book):
        refuse_if_open(book)
        return _restore(book, which, force)


def _restore(book: Path, which: str, force: bool) -> Result:
    source = resolve(book, which)
    try:
        src_seq, src_counters, src_tail = _high_marks(source)
    except Refused as exc:
        raise Refused([Issue("backup.bad", f"La sauvegarde {source.name} est illisible : {exc}", source.name)]) from None
    warnings: list[Issue] = []
    if book.exists():
        try:
            cur_seq, cur_counters, _ = _high_marks(book)
        except Exception:  # damaged workbook: the numbers it gave cannot be compared
            if not force:
                raise Refused(Issue(
                    "backup.unreadable",
                    f"Le classeur actuel {book.name} est illisible : impossible de vérifier qu'aucun numéro déjà "
                    "attribué ne serait repris. Si vous restaurez à cause de ce dommage, ajoutez --force "
                    "(l'état actuel est gardé dans sauvegardes/).", book.name)) from None
            cur_seq, cur_counters = 0, {}
            warnings.append(Issue("backup.current", "Le classeur actuel était illisible : il a été remplacé "
                                                    "(une copie est gardée dans sauvegardes/).", book.name,
                                  Severity.WARNING))
        lost = []
        for (series, year), n in cur_counters.items():
            first = src_counters.get((series, year), 0) + 1
            if n >= first:
                what = f"{series} {year}" if year else series
                lost.append(f"{what} n° {first}" + (f" à {n}" if n > first else ""))
        if cur_seq > src_seq:
            k = cur_seq - src_seq
            lost.insert(0, f"{k} ligne{'s' if k > 1 else ''} du journal d'audit (pièces émises ou règlements)")
        if lost and not force:
            raise Refused(Issue(
                "backup.older",
                f"La sauvegarde {_label(book, source)} ne contient pas ce qui a été numéroté depuis : "
                f"{'; '.join(lost)}. Ces numéros ont pu être envoyés aux clients : les réattribuer casserait "
                "la numérotation. Ajoutez --force si vous en êtes certain (par exemple pour annuler une "
                "erreur de saisie toute récente).", book.name))
        if lost:
            warnings.append(Issue("backup.forced", "Restauration forcée : ces numéros seront réattribués : "
                                                   + "; ".join(lost) + ".", book.name, Severity.WARNING))
    replace_file(book, source)
    write_anchor(book, src_tail)  # the journal's tail is now the backup's
    return Result(message=f"Classeur restauré depuis {source.name} (l'état précédent est sauvegardé).",
                  data={"restaure_depuis": str(source)}, warnings=warnings)


def check_everything(store: FileStore, as_of: dt.date, progress: Callable[[str, int, int], None] | None = None,
                     ) -> tuple[list[Issue], int, int]:
    """What `syc verifier` (and the Excel button « Vérifier le classeur ») checks: every table reads
    cleanly; then the audit chain, every issued document, the closure files and the invoice series.
    Returns (problems, journal rows, documents checked). `progress(label, step, total)` is told
    when each step begins (one per table, then three).

    Python's cyclic garbage collector is paused meanwhile: the checks hold millions of cells in
    lists and create no reference cycles worth collecting, and each of its full passes walked all
    of them (about a quarter of the CPU time of `syc verifier` on ten years)."""
    try:
        with _collector_paused():
            return _check_everything(store, as_of, progress)
    finally:
        stop = getattr(store, "stop_ahead", None)  # the workbook file: its parsing threads end with the checks
        if stop is not None:
            stop()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """`gc.disable()` for the block, the collector's previous state back after it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# the tables read only by the states' check (not audited, read by nothing else here): checked
# between the other steps, their sheets parsed by a second thread meanwhile
_LATE = ("tDevis", "tLignesDevis", "tCommandes")


def _check_everything(store: FileStore, as_of: dt.date, progress: Callable[[str, int, int], None] | None,
                      ) -> tuple[list[Issue], int, int]:
    report = progress or (lambda _label, _step, _total: None)
    tables = store.schema.tables
    total = len(tables) + 3
    names = [t.name for t in tables]
    # what the checks after the tables read: the audited tables, their lines, the journal; and the
    # clients and the « Écritures » sheet, which the books read again
    needed = {"tJournalAudit", *(t.name for t in store.schema.audited),
              *(t.audit.lines_table for t in store.schema.audited if t.audit and t.audit.lines_table),
              *({"tClients", "tEcritures"} & set(names))}
    late = [n for n in _LATE if n in names and n not in needed]
    first = [n for n in names if n not in late]
    ahead = getattr(store, "parse_ahead", None)  # the workbook file: its big sheets parsed on the other core
    if ahead is not None:
        first = ahead(first, limit=2, threads=2, kept=sorted(needed), by_size=True)  # (the order they are parsed in)
    # the checks' modules, loaded while the first sheets are parsed
    from pyxl.services import archives, books, closures, invoices, payments  # noqa: F401
    from pyxl.services.salesdocs import STATES, state_issue, state_issues

    step = 0
    found: dict[str, list[Issue]] = {}

    def say(label: str) -> None:
        """The next step begins (counted in the order the checks run)."""
        nonlocal step
        step += 1
        report(label, step, total)

    once = getattr(store, "check_table_once", None)  # the workbook file: a big sheet read once, row by row

    states: list[Issue] = []  # the quotes' and orders' states, found while their sheets are read

    def check_tables(which: Sequence[str]) -> bool:
        """Check these tables, releasing those read by nothing after; whether all read cleanly."""
        for name in which:
            if name in found:
                continue
            say(f"lecture de « {store.schema.table(name).sheet} »")
            # the states' check reads the quotes and orders: as they are read when they can be
            with_states = name in STATES and name not in needed  # the quotes and orders
            read_after = name in needed or (with_states and once is None)

            def each(r: Row, table: str = name) -> None:
                if (issue := state_issue(table, r)) is not None:
                    states.append(issue)
            try:
                found[name] = (store.check_table(name) if read_after or once is None else
                               once(name, each if with_states else None))
            except Refused as exc:
                found[name] = list(exc.issues)
            if not read_after:
                store.release(name)  # only the tables still to be checked stay in memory
        return not any(found.values())

    def late_table(name: str, also: Sequence[str] = ()) -> list[Issue]:
        """Check one of the late tables; if it reads cleanly, the states of its rows (and of `also`),
        then it leaves memory. Refused with every table's problems if it does not read cleanly."""
        if name not in late:
            return state_issues(store, also)
        if not check_tables([name]):
            check_tables(late)
            raise _Unreadable
        out = state_issues(store, (*([] if once is not None else [name]), *also))
        store.release(name)
        return out

    if not check_tables(first):
        check_tables(late)
        return table_issues(names, found), 0, 0
    if ahead is not None:
        ahead(late, limit=1, threads=1)  # (read in the order below)
    try:
        say("numérotation des factures")
        series = _check_series(store)
        states += late_table("tDevis")
        say("fichiers de clôture")
        from pyxl.services.closures import verify_files

        files = verify_files(store, archived=series.closures)
        states += late_table("tLignesDevis")
        booked = _Books(store, as_of)
        states += late_table("tCommandes", also=("tFactures",))  # while the invoices are in memory
    except _Unreadable:
        return table_issues(names, found), 0, 0
    except Refused:  # a table read by one of these checks before its turn: its own cells say what is wrong
        if not check_tables(late):
            return table_issues(names, found), 0, 0
        raise
    documents = sum(len(store.rows(t.name)) for t in store.schema.audited)
    say("journal d'audit et pièces émises")
    issues = store.verify()  # frees each table once checked
    issues += files + series.issues + booked.finish() + states
    return issues, len(store.journal()), documents


class _Unreadable(Exception):
    """A late table does not read cleanly: `syc verifier` says only what the tables' cells hold."""


def table_issues(names: Sequence[str], found: dict[str, list[Issue]]) -> list[Issue]:
    """Every table's unreadable cells, in the order of the tables (as when read in that order)."""
    return [i for n in names if n in found for i in found[n]]


@dataclass(frozen=True)
class _Series:
    issues: list[Issue]
    closures: Collection[str]  # the closures a fiscal-year archive holds


def _check_series(store: FileStore) -> _Series:
    """The invoice series (across the fiscal-year archives) and the payments' sums."""
    from pyxl.services import archives
    from pyxl.services.invoices import series_issues

    found = archives.verify(store.path, store.journal())  # each fiscal-year archive, then the series across them
    actives = [str(r["number"]) for r in store.rows("tFactures") if r["number"]]
    series = found.issues + series_issues(store, also=found.invoices)
    series += archives.duplicate_issues(actives, found.invoices)
    if "tReglements" in {t.name for t in store.schema.tables}:
        from pyxl.services.payments import consistency_issues

        series += consistency_issues(store)
    return _Series(series, found.closures)


class _Books:
    """The books: the entries recomputed once from the documents and payment rows, against the
    « Écritures » sheet of the open year and the totals of every closure. What they need of the
    tables is read first (`__init__`), the booking itself (`finish`) runs once the audit check has
    freed the tables: ten years of rows and the entries are never in memory together."""

    def __init__(self, store: FileStore, as_of: dt.date):
        from pyxl.services.books import check as books_check
        from pyxl.services.books import picked, recompute_read
        from pyxl.services.closures import journal_rows, journals_span

        self.store, self.as_of = store, as_of
        rows = picked(store)  # the invoices' and payments' columns, read once for both (emptied by the reading)
        self.issues = books_check(store, as_of, rows)
        self.closures = journal_rows(store)  # (the audit check frees « Clôtures »)
        self.pending = recompute_read(store, as_of, journals_span(store, self.closures), rows)

    def finish(self) -> list[Issue]:
        from pyxl.services.books import check_sheet
        from pyxl.services.closures import verify_journals

        shared = self.pending.compute()
        issues = self.issues + check_sheet(self.store, self.as_of, shared.entries)
        return issues + verify_journals(self.store, shared.totals, self.closures)
