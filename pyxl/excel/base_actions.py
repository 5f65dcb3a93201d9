"""« Actualiser » and the opening of a workbook in base mode: every sheet brought up to date
from the PostgreSQL base, with only the rows changed since the workbook's marks (pyxl.excel.baseview)."""

from __future__ import annotations

from typing import Any

from pyxl.core.issues import Refused
from pyxl.excel import baseview
from pyxl.excel.runner import Ctx, _book_path, _issues_text, alert, log_error, status


def _refresh(book: Any, url: str) -> dict[str, int]:
    from pyxl.workbook.pgstore import PostgresStore

    store = PostgresStore(url)
    try:
        store.check_version()
        with book.app.properties(screen_updating=False):
            return baseview.refresh(book, store)
    finally:
        store.close()


def refresh_all(ctx: Ctx) -> dict[str, Any]:
    """The « Actualiser » button: every table's changed rows, then the worklists recounted."""
    from pyxl.excel import worklists

    url = baseview.base_url(ctx.book)
    if not url:
        msg = ("Ce classeur n'est relié à aucune base PostgreSQL : ses feuilles sont ses données, il n'y a rien à "
               "actualiser. « Actualiser les listes » recompte les listes de travail.")
        alert(ctx.book, msg)
        return {"ok": False, "message": msg, "codes": ["base.aucune"]}
    status(ctx, "« Actualiser » en cours…")
    try:
        written = _refresh(ctx.book, url)
    except Refused as exc:
        msg = _issues_text(exc.issues) + "\n\nLe classeur n'a pas été modifié."
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": [i.code for i in exc.issues]}
    except Exception as exc:
        path = log_error(_book_path(ctx.book), exc)
        detail = f"\nDétails pour le support : {path}" if path else ""
        msg = f"Erreur inattendue ({type(exc).__name__}) pendant l'actualisation depuis la base.{detail}"
        alert(ctx.book, msg, error=True)
        return {"ok": False, "message": msg, "codes": ["interne"]}
    worklists.recount_quietly(ctx.book, ctx.as_of)
    total = sum(written.values())
    if total:
        sheets: dict[str, int] = {}
        for name, n in written.items():
            sheet = _sheet_of(name)
            sheets[sheet] = sheets.get(sheet, 0) + n
        detail = ", ".join(f"{s} : {n}" for s, n in sorted(sheets.items()))
        msg = f"Classeur à jour de la base : {total} ligne{'s' if total > 1 else ''} affichée{'s' if total > 1 else ''} ({detail})."
    else:
        msg = "Classeur à jour : rien de nouveau dans la base depuis le dernier affichage."
    status(ctx, msg)
    return {"ok": True, "message": msg, "data": {"lignes": written}}


def _sheet_of(name: str) -> str:
    from pyxl.workbook.schema import SCHEMA

    return SCHEMA.table(name).sheet


def refresh_quietly(book: Any) -> None:
    """At the opening (`Auto_Open`): in base mode, the sheets brought up to date without a message;
    a failure is logged beside the workbook (« Actualiser » then says why)."""
    try:
        url = baseview.base_url(book)
        if url:
            _refresh(book, url)
    except Exception as exc:
        log_error(_book_path(book), exc)
