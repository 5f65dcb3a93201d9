"""The worklist sheets and their counts on « Accueil » (issue 17), in the open workbook.

After each writing action, the runner calls `after_action`: only the lists reading a table the
action wrote are recomputed and rewritten, with their counts (`pyxl.services.worklists.touched`).
« Actualiser les listes » (and the opening of the workbook, `Auto_Open`) recounts them all, which
also catches what only the date changed.

Calls to Excel: per list rewritten, one clear and one block write of its sheet, and one write of its
count; the full recount adds the day of the count; the letters updated after a payment add one read
of their sheet. None grows with the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
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
    the worklists has no sheet for them until the full recount adds it: left out). Each list
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


def add_missing(book: Any, lists: dict[str, list[wk.Item]]) -> list[str]:
    """A workbook migrated from before the worklists: their sheets added at the end (title, note
    and headers; freezing and colours come only with a new workbook), and the « À faire » labels
    written on Accueil. Returns the sheets added."""
    lay = WORKLIST
    added = []
    for key in lists:
        wl = wk.worklist(key)
        if _sheet(book, wl.sheet) is not None:
            continue
        ws = book.sheets.add(name=wl.sheet, after=book.sheets[len(book.sheets) - 1])
        ws.range((1, 1), (2, 1)).value = [["'" + wl.label], ["'" + f"Liste tenue à jour par les boutons (ne pas la "
                                                                   f"modifier). « Échéance » : {wl.due_label.lower()}."]]
        ws.range((lay.header, 1), (lay.header, lay.width)).value = [["'" + h for h in lay.headers]]
        added.append(wl.sheet)
    home = _sheet(book, HOME)
    if added and home is not None:
        h = HOME_COUNTS
        home.range((h.stamp_row - 1, h.label)).value = "'À faire"
        home.range((h.first, h.label), (h.first + len(wk.WORKLISTS) - 1, h.label)).value = [
            ["'" + w.label] for w in wk.WORKLISTS]
    return added


def shown(book: Any, key: str) -> list[wk.Item] | None:
    """A list as its sheet shows it (one read of the sheet), or None when the sheet is missing or
    the list filled it (longer than the sheet shows: then the list is recomputed whole)."""
    ws = _sheet(book, wk.worklist(key).sheet)
    if ws is None:
        return None
    lay = WORKLIST
    rows = [r for r in ws.range((lay.first, 1), (lay.last, lay.width)).options(ndim=2).value if r and r[0]]
    if len(rows) >= lay.rows:
        return None

    def text(v: Any) -> str:
        return "" if v is None else str(v)

    def money(v: Any) -> Decimal | None:
        return None if v is None or v == "" else Decimal(str(v))

    def day(v: Any) -> dt.date | None:
        return v.date() if isinstance(v, dt.datetime) else v if isinstance(v, dt.date) else None

    try:
        return [wk.Item(text(r[0]), text(r[1]), text(r[2]), money(r[3]), money(r[4]), day(r[5]),
                        None if r[6] in (None, "") else int(r[6]), text(r[7]), text(r[8])) for r in rows]
    except (ValueError, TypeError, ArithmeticError):  # a cell typed over: the list is recomputed whole
        return None


def after_action(book: Any, store: Any, changes: Any, as_of: dt.date) -> list[str]:
    """The lists an action changed, recomputed and rewritten (the others are left as they are).
    After a payment, the letters of the week are recomputed for the clients whose rows it wrote
    only (the paying client's), the other clients' rows kept from the sheet
    (`pyxl.services.worklists.update`)."""
    lists = wk.touched(changes, wk.available(store))
    if not lists:
        return []
    previous: dict[str, list[wk.Item]] = {}
    letters = next((w for w in lists if w.key == "lettres"), None)
    # after a payment (the everyday action that changes them): one read of the sheet saves the other
    # clients' dunning; any other action recomputes the letters whole (no call added to it)
    if (letters is not None and "tReglements" in changes.appends
            and wk.clients_written(store, changes, letters.tables) is not None):
        items = shown(book, "lettres")
        if items is not None:
            previous["lettres"] = items
    return write(book, wk.update(store, as_of, changes, previous, lists))


def recount(ctx: Ctx) -> dict[str, Any]:
    """« Actualiser les listes »: every list recomputed and rewritten, every count on Accueil."""
    def service(store: Any) -> Any:
        from pyxl.services.common import Result

        lists = wk.compute(store, ctx.as_of)
        added = add_missing(ctx.book, lists)
        done = write(ctx.book, lists)
        home = _sheet(ctx.book, HOME)
        if home is not None:
            home.range((HOME_COUNTS.stamp_row, HOME_COUNTS.label)).value = (
                "'" + f"Recomptées le {date_fr(ctx.as_of)} (et par chaque action)")
        said = "\n".join(f"• {wk.worklist(k).label} : {len(lists[k])}" for k in done)
        note = (f"\n\nFeuilles ajoutées à ce classeur (créé avant les listes de travail) : {', '.join(added)}. "
                "Un classeur neuf, créé par l’installation, les a avec leurs couleurs et leurs colonnes figées." if added else "")
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
            lists = wk.compute(store, as_of)
            add_missing(book, lists)
            write(book, lists)
        home = _sheet(book, HOME)
        if home is not None:
            home.range((HOME_COUNTS.stamp_row, HOME_COUNTS.label)).value = (
                "'" + f"Recomptées le {date_fr(as_of)} (et par chaque action)")
    except Exception as exc:
        log_error(_book_path(book), exc)


__all__ = ["add_missing", "after_action", "cells", "recount", "recount_quietly", "shown", "write"]
