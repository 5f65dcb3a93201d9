"""Restoring a backup, with the one rule that protects numbering: no silent step back."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyxl.core.audit import Entry
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.services.common import Result
from pyxl.workbook import backups
from pyxl.workbook.filestore import FileStore, refuse_if_open, replace_file, write_anchor, write_lock


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
    with _collector_paused():
        return _check_everything(store, as_of, progress)


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


def _check_everything(store: FileStore, as_of: dt.date, progress: Callable[[str, int, int], None] | None,
                      ) -> tuple[list[Issue], int, int]:
    from pyxl.services.books import check as books_check
    from pyxl.services.books import check_sheet, recompute
    from pyxl.services.closures import journals_span, verify_files, verify_journals
    from pyxl.services.invoices import series_issues

    report = progress or (lambda _label, _step, _total: None)
    tables = store.schema.tables
    total = len(tables) + 3
    # what the checks after the tables read: the audited tables, their lines, the journal
    needed = {"tJournalAudit", *(t.name for t in store.schema.audited),
              *(t.audit.lines_table for t in store.schema.audited if t.audit and t.audit.lines_table)}
    audited = set(needed)
    needed |= {"tDevis", "tCommandes"}  # the states' check reads them whole (their parsed sheets kept till then)
    issues: list[Issue] = []
    for step, table in enumerate(tables, 1):
        report(f"lecture de « {table.sheet} »", step, total)
        try:
            issues += store.check_table(table.name)
        except Refused as exc:
            issues += exc.issues
        if table.name not in needed:
            store.release(table.name)  # only the tables still to be checked stay in memory
    if issues:
        return issues, 0, 0
    # the series and the closure files first: the audit check then frees each table once checked
    report("numérotation des factures", total - 2, total)
    from pyxl.services import archives

    found = archives.verify(store.path, store.journal())  # each fiscal-year archive, then the series across them
    actives = [str(r["number"]) for r in store.rows("tFactures") if r["number"]]
    series = found.issues + series_issues(store, also=found.invoices)
    series += archives.duplicate_issues(actives, found.invoices)
    if "tReglements" in {t.name for t in store.schema.tables}:
        from pyxl.services.payments import consistency_issues

        series += consistency_issues(store)
    from pyxl.services.salesdocs import state_issues

    compact = getattr(store, "compact", None)  # the workbook's stores: the tables kept till the end, compacted
    if compact is not None:
        for name in sorted(audited - {"tJournalAudit"}):
            compact(name)
    states = state_issues(store)  # while the invoices are in memory (the audit check frees them)
    for name in ("tDevis", "tCommandes"):
        if name not in audited:
            store.release(name)
    report("fichiers de clôture", total - 1, total)
    files = verify_files(store, archived=found.closures)
    documents = sum(len(store.rows(t.name)) for t in store.schema.audited)
    entries = books_check(store, as_of)  # before the audit check, which frees each table once checked
    # the entries recomputed once for the « Écritures » sheet of the open year and the closures' totals
    span = journals_span(store)
    shared = recompute(store, as_of, span)
    entries += check_sheet(store, as_of, shared.entries)
    entries += verify_journals(store, shared.totals)
    del shared
    report("journal d'audit et pièces émises", total, total)
    issues = store.verify() + files + series + entries + states
    return issues, len(store.journal()), documents
