"""What every macro does around its service: find the calling workbook, read the row or the form the
user pointed at, run the service under the write lock, write, save after issuing, and answer with
a French `app.alert`. `pyxl.macros` holds one thin function per action on top of this.

No module-level state: each click may run in a fresh interpreter (RunPython) or in a long-lived one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyxl.core.fields import FieldError, after_colon
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.excel import registry

TITLE = "SYC Gestion"
ERROR_LOG = "syc-erreurs.log"


def decode(text: str) -> str:
    """The inverse of VBA `SycHex`: UTF-16 code units in hexadecimal."""
    if not text:
        return ""
    return bytes.fromhex(text).decode("utf-16-be", errors="replace")


def encode(text: str) -> str:
    """`SycHex` in Python (tests, and the harness that plays the VBA's part)."""
    return text.encode("utf-16-be", errors="surrogatepass").hex().upper()


def caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def alert(book: Any, message: str, *, error: bool = False) -> None:
    book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if error else "info")


def ask_yes_no(book: Any, message: str) -> bool:
    """A confirmation in Excel (Oui / Non)."""
    return str(book.app.alert(message, title=TITLE, buttons="yes_no", mode="info")).lower() == "yes"


def status(ctx: Any, text: str | bool) -> None:
    """Excel's status bar: what is running, then what was done (False gives it back to Excel)."""
    from contextlib import suppress

    with suppress(Exception):  # a status bar is no reason to fail an action
        ctx.book.app.status_bar = text if text is False else f"{TITLE} : " + " — ".join(
            line for line in str(text).split("\n") if line.strip())[:250]


def goto_row(ctx: Any, table: str, key: str, value: Any) -> None:
    """Show the record an action just made, selected on its sheet (the next action works on it)."""
    try:
        from pyxl.workbook.excelstore import ExcelStore

        row = next((r for r in ExcelStore(ctx.book).rows(table) if r.get(key) == value), None)
        if row is None:
            return
        sheet = ctx.book.sheets[row.sheet]
        sheet.activate()
        sheet.range((row.row, 1)).select()
    except Exception as exc:  # the action is done; only the selection did not move
        log_error(_book_path(ctx.book), exc)


def _issues_text(issues: list[Issue]) -> str:
    errors = [i for i in issues if i.blocking]
    shown = errors or issues
    lines = [excel_message(i.message) for i in shown[:12]]
    if len(shown) > 12:
        lines.append(f"… et {len(shown) - 12} autres.")
    return "\n".join(lines)


def _audit_hint(issues: list[Issue]) -> str:
    if any(i.code.startswith("audit.") for i in issues):
        return ("\n\nLe journal d'audit ne correspond plus aux pièces : une cellule a été modifiée à la main. "
                "Fermez le classeur sans l'enregistrer et appelez la personne qui assure le support : la "
                "sauvegarde d'avant la modification se restaure (guide, « Contrôle, sauvegardes, mise à jour »).")
    return ""


def _stale_hint(ctx: Any, issues: list[Issue]) -> str:
    if ctx.base and any(i.code == "store.stale" for i in issues):
        return ("\n\nUne autre personne a modifié ces lignes dans la base depuis le dernier affichage de ce classeur. "
                "Cliquez « Actualiser » (feuille Accueil) pour voir les lignes à jour, vérifiez-les, puis relancez "
                "l'action.")
    return ""


def log_error(book_path: Path | None, exc: BaseException) -> Path | None:
    """The traceback, for whoever maintains the tool, beside the workbook."""
    if book_path is None:
        return None
    path = book_path.parent / ERROR_LOG
    try:
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {book_path.name}\n")
            f.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def today() -> dt.date:
    """The day of the click (the clock is read here; tests replace this function)."""
    return dt.date.today()


_SYC_HINTS = (
    re.compile(r"\s*\((?:voir |voyez |puis )?«?\s*syc [^()]*?»?\)"),  # « (syc article liste) »
    re.compile(r"\s*Voyez « syc [^»]*»(?: ou « syc [^»]*»)?\.?"),
    re.compile(r"\s*[;:,]?\s*(?:puis |avec |par |relancez : |faites )?« ?syc [^»]*»"),
    re.compile(r"\s*\(--[a-z][a-z-]*(?: [A-Z]+)?\)"),  # « (--impaye) », « (--montant M) »: the command's options
    re.compile(r"\s*—\s*syc [^.]*"),  # « — syc relances executer les produit »
    re.compile(r" avec --[a-z][a-z-]* « [^»]*» ou"),  # « notez-la avec --preuve « … » ou dans la colonne »
    # what is left of a command anywhere (issue 17: no Excel message names a `syc` command)
    re.compile(r"\s*\([^()]*\bsyc [a-z][^()]*(?:\([^()]*\)[^()]*)*\)"),  # « (… syc … ) »
    re.compile(r",?\s*puis\s+«?\s*syc [a-z][^.;)»]*»?"),  # « , puis syc facture emettre »
    re.compile(r"\s*:\s*«?\s*syc [a-z][^.;)»]*»?"),  # « elle n'est pas émise : syc facture emettre X »
    re.compile(r"\s*«?\s*\bsyc [a-z][^.;)»]*»?"),  # any other
)


_RETRY = re.compile(r" ?; relancez : syc document [^ ]+ [^ ]+\.")


def excel_message(text: str) -> str:
    """A service's answer for Excel: its terminal hints (« Étape suivante : syc … », « (syc …) »)
    are for the command line."""
    lines = [line for line in text.split("\n") if not line.startswith(("Étape suivante : syc",
                                                                         "Étapes suivantes : syc"))]
    out = []
    for line in lines:
        line = _RETRY.sub(" ; refaites-le avec « PDF du document » (onglet SYC Gestion du ruban).", line)
        for pattern in _SYC_HINTS:
            line = pattern.sub("", line)
        out.append(line.replace(" .", ".").replace(" :.", ".").rstrip(" :;,"))
    return "\n".join(out)


class Declined(Exception):
    """The user answered « Non » to a confirmation: nothing is done, nothing to report."""


def money_fr(v: Any) -> str:
    from decimal import Decimal

    from pyxl.core.money import euros

    try:
        return euros(Decimal(str(v or 0)))
    except Exception:
        return str(v)


class Ctx:
    """One click: the workbook, the day (read here, once), where the user stood."""

    def __init__(self, function: str, sheet_hex: str, row: int, book: Any | None = None,
                 day: dt.date | None = None):
        self.action = registry.by_function(function)
        self.book = book if book is not None else caller()
        self.sheet = decode(sheet_hex)
        self.row = int(row)
        self.as_of = day or today()
        self._store: Any = None
        self.base = ""  # the base's URL in base mode (the workbook a view of it), else ''
        self.written = False  # the action is in the workbook: a later failure must not say otherwise

    @property
    def store(self) -> Any:
        if self._store is None:
            from pyxl.excel import baseview

            self.base = baseview.base_url(self.book)
            if self.base:
                self._store = baseview.ViewStore(self.base, baseview.read_marks(self.book))
            else:
                from pyxl.workbook.excelstore import ExcelStore

                self._store = ExcelStore(self.book)
        return self._store

    def require_sheet(self) -> None:
        want = self.action.sheet
        if want and self.sheet != want:
            raise Refused(Issue(
                "excel.sheet",
                f"« {self.action.label} » agit sur une ligne de la feuille « {want} » : allez sur cette feuille, "
                "cliquez dans la ligne voulue, puis cliquez de nouveau sur le bouton.", self.sheet))

    def selected(self, table: str, what: str) -> Any:
        """The record on the row the user clicked (the table is read in one call)."""
        self.require_sheet()
        row = self.store.row_at(table, self.row)
        if row is None:
            raise Refused(Issue(
                "excel.row",
                f"Feuille « {self.sheet} », ligne {self.row} : aucune ligne {what} ici (ligne vide ou en-tête). "
                f"Cliquez dans la ligne voulue du tableau, puis de nouveau sur « {self.action.label} ».",
                f"{self.sheet}, ligne {self.row}"))
        return row

    def confirm(self, question: str) -> None:
        """Ask before an irreversible action (a final number, a credit note, a cancellation); « Non »
        stops it with nothing written."""
        if not ask_yes_no(self.book, question):
            raise Declined()

    def confirm_document(self, row: Any, what: str, consequence: str) -> None:
        """« Émettre la facture BROUILLON-12 — MARTIN Lucie (C00031) — 1 234,56 € TTC ? » : the client's
        name, the document and its TTC amount, whichever button (Accueil, ribbon, sheet) was used."""
        number = row.get("number") or row.get("ref") or ""
        client = f"{row.get('client_name') or ''} ({row.get('client') or ''})".strip()
        total = row.get("total_ttc")
        amount = f" — {money_fr(total)} TTC" if total not in (None, "") else ""
        self.confirm(f"{self.action.label} : {what} {number} — {client}{amount} ?\n\n{consequence}")


def run(ctx: Ctx, service: Callable[[Any], Any], *, after: Callable[[Any], None] | None = None,
        read_only: bool = False, documents: Callable[[Any], list[tuple[str, str]]] | None = None,
        quiet: bool = False) -> dict[str, Any]:
    """Run a writing service like `syc` does (closures of past days first), write, save if it
    issued, then produce the documents of what was issued, and answer. Returns what was shown."""
    status(ctx, f"« {ctx.action.label} » en cours…")
    _wait_cursor(ctx, True)
    try:
        return _run(ctx, service, after, read_only or quiet, documents, shown=read_only and not quiet)
    except Declined:
        status(ctx, f"« {ctx.action.label} » abandonné : rien n'a été modifié.")
        return {"ok": False, "message": "", "codes": ["abandon"]}
    except Refused as exc:
        if ctx.written:
            return _done_but(ctx, _issues_text(exc.issues))
        msg = _issues_text(exc.issues) + _audit_hint(exc.issues) + _stale_hint(ctx, exc.issues) + "\n\nRien n'a été modifié."
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": [i.code for i in exc.issues]}
    except FieldError as exc:
        msg = excel_message(after_colon(str(exc))) + "\n\nRien n'a été modifié."
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": ["champ"]}
    except Exception as exc:  # the user gets a French message, the log the traceback
        path = log_error(_book_path(ctx.book), exc)
        detail = f"\nDétails pour le support : {path}" if path else ""
        if ctx.written:
            return _done_but(ctx, f"erreur inattendue ({type(exc).__name__}){detail}")
        msg = f"Erreur inattendue ({type(exc).__name__}). Le classeur n'a pas été modifié par cette action.{detail}"
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": ["interne"]}
    finally:
        _wait_cursor(ctx, False)
        if ctx.base and ctx._store is not None:  # one connection per click (a later read reconnects)
            from contextlib import suppress

            with suppress(Exception):
                ctx._store.close()


def _wait_cursor(ctx: Ctx, on: bool) -> None:
    """The hourglass while Python works (Windows: the calling sub waits; the VBA sets it too)."""
    from contextlib import suppress

    with suppress(Exception):
        if sys.platform == "win32":
            ctx.book.app.api.Cursor = 2 if on else -4143  # xlWait, xlDefault


def _done_but(ctx: Ctx, what: str) -> dict[str, Any]:
    """A failure after the action was written: say it is done, never « nothing changed » (a retry
    would do it twice)."""
    msg = (f"L'action « {ctx.action.label} » est faite (voir la feuille concernée), mais la suite a échoué : "
           f"{what}\nNe la relancez pas ; vérifiez la feuille puis enregistrez le classeur.")
    alert(ctx.book, msg, error=True)
    return {"ok": True, "message": msg, "codes": ["apres"], "data": {}, "saved": False}


def files_path(ctx: Ctx) -> Path | None:
    """Where an action's files go (documents, invitations): beside the workbook, or in base mode the
    base's shared folder (as with `syc --base`)."""
    store = ctx.store
    return Path(store.path) if ctx.base else _book_path(ctx.book)


def _book_path(book: Any) -> Path | None:
    try:
        p = Path(str(book.fullname))
        return p if p.is_file() else None
    except Exception:
        return None


def _run(ctx: Ctx, service: Callable[[Any], Any], after: Callable[[Any], None] | None, read_only: bool,
         documents: Callable[[Any], list[tuple[str, str]]] | None, shown: bool = True) -> dict[str, Any]:
    from pyxl.services import closures

    store = ctx.store
    app = ctx.book.app
    notes: list[str] = []
    with store.session():
        now = dt.datetime.now()  # under the lock: the journal's times follow its order, whoever waited
        # screen updating and calculation off while writing; back on before the save (Excel stores
        # the calculation mode in the file)
        with app.properties(screen_updating=False, calculation="manual"):
            store.check_version()
            result = service(store)
            made = [] if read_only else closures.pending(store, result.changes, ctx.as_of, now)
            store.apply(result.changes, as_of=ctx.as_of, now=now, save=ctx.action.issuing)
        store.finish()
        ctx.written = not result.changes.empty
        if not read_only and ctx.written:  # after the save: a failed save leaves the lists as they were
            with app.properties(screen_updating=False):
                _worklists(ctx, result.changes, notes)
        if after is not None:
            try:
                after(result)
            except Exception as exc:  # the action is done; the form stays as it was
                log_error(_book_path(ctx.book), exc)
                notes.append("le formulaire n'a pas pu être vidé : videz-le avant la prochaine saisie.")
    if ctx.base and ctx.written:  # committed: the sheets the action wrote, from the base
        _refresh(ctx, notes)
    if made:
        closures.write_files(store.path, made)
        closures.note(result, made)
    if documents is not None and os.environ.get("SYC_SANS_DOCUMENT", "") in ("", "0"):
        _documents(ctx, documents(result), result)
    msg = excel_message(result.message)
    warnings = [w for w in result.warnings if w.severity is Severity.WARNING]
    if warnings or notes:
        msg += "\n\nÀ noter :\n" + "\n".join([*(f"• {excel_message(w.message)}" for w in warnings),
                                                *(f"• {n}" for n in notes)])
    if store.saved:
        msg += "\n\nLe classeur a été enregistré."
    # an answer to read (a list), a warning or a note: a message box; a plain « fait » goes to the
    # status bar, the record made selected on its sheet (no OK to click after every action)
    alerted = bool(shown or warnings or notes)
    if alerted:
        alert(ctx.book, msg)
        status(ctx, False)
    else:
        status(ctx, msg)
    return {"ok": True, "message": msg, "data": result.data, "saved": store.saved, "alerted": alerted}


def _refresh(ctx: Ctx, notes: list[str]) -> None:
    """Base mode: the rows the action (and anyone else) changed in the tables it wrote, into the
    open workbook; a failure leaves the action done and says how to catch up."""
    from pyxl.excel import baseview

    try:
        with ctx.book.app.properties(screen_updating=False):
            baseview.refresh(ctx.book, ctx.store, sorted(ctx.store.written_tables))
    except Exception as exc:
        log_error(_book_path(ctx.book), exc)
        notes.append("les feuilles n'ont pas pu être mises à jour depuis la base : cliquez « Actualiser ».")


def _worklists(ctx: Ctx, changes: Any, notes: list[str]) -> None:
    """The worklists the action changed, and their counts on Accueil (issue 17); a failure leaves
    the action done and says how to recount."""
    from pyxl.excel import worklists

    try:
        worklists.after_action(ctx.book, ctx.store, changes, ctx.as_of)
    except Exception as exc:
        log_error(_book_path(ctx.book), exc)
        notes.append("les listes de travail n'ont pas pu être mises à jour : cliquez « Actualiser les listes ».")


def _documents(ctx: Ctx, wanted: list[tuple[str, str]], result: Any) -> None:
    """The documents of what was just written (read back from the open workbook), as `syc` makes
    them after an issuing command; a failure is a warning, the action stays done."""
    from pyxl.documents import jobs

    # base mode: the legal files go to the base's shared folder, as with `syc --base`
    book = files_path(ctx)
    if wanted and book is not None:
        jobs.report_into(result, jobs.after_action(ctx.store, book, wanted, ctx.as_of), book.parent)


def show(ctx: Ctx, text: Callable[[Any], str], *, quiet: bool = False) -> dict[str, Any]:
    """A read-only action: compute a French text from the store and show it (nothing is written,
    not even the closures of past days); `quiet`: in the status bar only, where what the action
    did is on screen already (a form it filled)."""
    def service(store: Any) -> Any:
        from pyxl.services.common import Result

        return Result(message=text(store))

    return run(ctx, service, read_only=True, quiet=quiet)
