"""The worklist sheets and their counts on « Accueil » (issue 17), in the open workbook.

After each writing action, the runner calls `after_action`: only the lists reading a table the
action wrote are recomputed and rewritten, with their counts (`pyxl.services.worklists.touched`).
« Actualiser les listes » (and the opening of the workbook, `Auto_Open`) recounts them all, which
also catches what only the date changed.

Calls to Excel: per list rewritten, one clear and one block write of its sheet, and one write of its
count; the full recount adds the day of the count. None grows with the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pyxl.core.frformat import date_fr
from pyxl.excel.runner import Ctx, run
from pyxl.excel.sheets import HOME, HOME_COUNTS, WORKLIST
from pyxl.services import worklists as wk


def cells(items: Sequence[wk.Item]) -> list[list[Any]]:
    """A list's rows as written to its sheet (text keeps Excel's quote prefix; money as numbers)."""
    def text(v: str) -> str | None:
        return "'" + v if v else None

    def num(v: Any) -> float | None:
        return None if v is None else float(v)

    return [[text(i.number), text(i.client_name), text(i.status), num(i.total_ttc), num(i.owed), i.due,
             None if i.late is None else float(i.late), text(i.todo), text(i.client)] for i in items[:WORKLIST.rows]]


def _sheet(book: Any, name: str) -> Any | None:
    """The sheet, or None in a workbook built before it existed (one call, whatever the workbook)."""
    try:
        return book.sheets[name]
    except Exception:  # xlwings raises KeyError or the COM error of the platform
        return None


def write(book: Any, lists: dict[str, list[wk.Item]]) -> list[str]:
    """Rewrite the given lists and their counts; returns the keys written (a workbook built before
    the worklists has no sheet for them: those are left out, the full recount says so). Each list
    is one block write over its whole area (the old rows blanked in the same call)."""
    home = _sheet(book, HOME)
    lay = WORKLIST
    done = []
    index = {w.key: i for i, w in enumerate(wk.WORKLISTS)}
    for key, items in lists.items():
        ws = _sheet(book, wk.worklist(key).sheet)
        if ws is None:
            continue
        rows = cells(items)
        rows += [[None] * lay.width for _ in range(lay.rows - len(rows))]
        ws.range((lay.first, 1), (lay.last, lay.width)).value = rows
        if home is not None:
            home.range((HOME_COUNTS.row_of(index[key]), HOME_COUNTS.count)).value = len(items)
        done.append(key)
    return done


def after_action(book: Any, store: Any, changes: Any, as_of: dt.date) -> list[str]:
    """The lists an action changed, recomputed and rewritten (the others are left as they are)."""
    lists = wk.touched(changes, wk.available(store))
    if not lists:
        return []
    return write(book, wk.compute(store, as_of, lists))


def recount(ctx: Ctx) -> dict[str, Any]:
    """« Actualiser les listes »: every list recomputed and rewritten, every count on Accueil."""
    def service(store: Any) -> Any:
        from pyxl.services.common import Result

        lists = wk.compute(store, ctx.as_of)
        done = write(ctx.book, lists)
        home = _sheet(ctx.book, HOME)
        if home is not None:
            home.range((HOME_COUNTS.stamp_row, HOME_COUNTS.label)).value = (
                "'" + f"Recomptées le {date_fr(ctx.as_of)} (et par chaque action)")
        missing = [wk.worklist(k).sheet for k in lists if k not in done]
        said = "\n".join(f"• {wk.worklist(k).label} : {len(lists[k])}" for k in done)
        note = (f"\n\nFeuilles absentes de ce classeur (créé avant les listes de travail) : {', '.join(missing)}. "
                "Créez un classeur neuf (syc init) pour les avoir." if missing else "")
        return Result(message=f"Listes de travail au {date_fr(ctx.as_of)} :\n{said}{note}",
                      data={"listes": {k: len(v) for k, v in lists.items()}})

    return run(ctx, service, read_only=True)


def recount_quietly(book: Any, as_of: dt.date) -> None:
    """At the opening of the workbook (`Auto_Open`): the full recount, without a message; a failure
    is logged beside the workbook and leaves the old counts."""
    from pyxl.excel.runner import _book_path, log_error
    from pyxl.workbook.excelstore import ExcelStore

    try:
        store = ExcelStore(book)
        with store.session():
            write(book, wk.compute(store, as_of))
        home = _sheet(book, HOME)
        if home is not None:
            home.range((HOME_COUNTS.stamp_row, HOME_COUNTS.label)).value = (
                "'" + f"Recomptées le {date_fr(as_of)} (et par chaque action)")
    except Exception as exc:
        log_error(_book_path(book), exc)


__all__ = ["after_action", "cells", "recount", "recount_quietly", "write"]
