"""What every macro does around its service: find the calling workbook, read the row or the form the
user pointed at, run the service under the write lock, write, save after issuing, and answer with
a French `app.alert`. `pyxl.macros` holds one thin function per action on top of this.

No module-level state: each click may run in a fresh interpreter (RunPython) or in a long-lived one.
"""

from __future__ import annotations

import datetime as dt
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


def _issues_text(issues: list[Issue]) -> str:
    errors = [i for i in issues if i.blocking]
    shown = errors or issues
    lines = [i.message for i in shown[:12]]
    if len(shown) > 12:
        lines.append(f"… et {len(shown) - 12} autres.")
    return "\n".join(lines)


def _audit_hint(issues: list[Issue]) -> str:
    if any(i.code.startswith("audit.") for i in issues):
        return ("\n\nLe journal d'audit ne correspond plus aux pièces : une cellule a été modifiée à la main. "
                "Fermez le classeur sans l'enregistrer, puis, dans un terminal : « syc verifier » et "
                "« syc sauvegardes restaurer ».")
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


def excel_message(text: str) -> str:
    """A service's answer for Excel: its « Étape suivante : syc … » hints are for the terminal."""
    return "\n".join(line for line in text.split("\n") if not line.startswith("Étape suivante : syc"))


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

    @property
    def store(self) -> Any:
        if self._store is None:
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


def run(ctx: Ctx, service: Callable[[Any], Any], *, after: Callable[[Any], None] | None = None,
        read_only: bool = False) -> dict[str, Any]:
    """Run a writing service like `syc` does (closures of past days first), write, answer.
    Returns what was shown (tests)."""
    try:
        return _run(ctx, service, after, read_only)
    except Refused as exc:
        msg = _issues_text(exc.issues) + _audit_hint(exc.issues) + "\n\nRien n'a été modifié."
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": [i.code for i in exc.issues]}
    except FieldError as exc:
        msg = after_colon(str(exc)) + "\n\nRien n'a été modifié."
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": ["champ"]}
    except Exception as exc:
        path = log_error(_book_path(ctx.book), exc)
        msg = (f"Erreur inattendue ({type(exc).__name__}). Le classeur n'a pas été modifié par cette action."
               + (f"\nDétails pour le support : {path}" if path else ""))
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": ["interne"]}


def _book_path(book: Any) -> Path | None:
    try:
        p = Path(str(book.fullname))
        return p if p.is_file() else None
    except Exception:
        return None


def _run(ctx: Ctx, service: Callable[[Any], Any], after: Callable[[Any], None] | None,
         read_only: bool) -> dict[str, Any]:
    from pyxl.cli.commands import note_closures
    from pyxl.services import closures

    store = ctx.store
    app = ctx.book.app
    now = dt.datetime.now()
    with app.properties(screen_updating=False, calculation="manual"), store.session():
        store.check_version()
        result = service(store)
        made = [] if read_only else closures.pending(store, result.changes, ctx.as_of, now)
        store.apply(result.changes, as_of=ctx.as_of, now=now, save=ctx.action.issuing)
        if after is not None:
            after(result)
    if made:
        closures.write_files(store.path, made)
        note_closures(result, made)
    msg = excel_message(result.message)
    warnings = [w for w in result.warnings if w.severity is Severity.WARNING]
    if warnings:
        msg += "\n\nÀ noter :\n" + "\n".join(f"• {w.message}" for w in warnings)
    if store.saved:
        msg += "\n\nLe classeur a été enregistré."
    alert(ctx.book, msg)
    return {"ok": True, "message": msg, "data": result.data, "saved": store.saved}


def show(ctx: Ctx, text: Callable[[Any], str]) -> dict[str, Any]:
    """A read-only action: compute a French text from the store and show it (nothing is written,
    not even the closures of past days)."""
    def service(store: Any) -> Any:
        from pyxl.services.common import Result

        return Result(message=text(store))

    return run(ctx, service, read_only=True)
