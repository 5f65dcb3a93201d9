"""« Actualiser le tableau de bord »: the director's report (`pyxl.reports`) written to the
« Tableau de bord » sheet — charts first, as pictures, then the tables — from the open workbook.

Calls to Excel: the five tables read (4 calls each), the old content cleared (1), the old charts
deleted (one per chart), one picture per chart, one write per table: none grows with the rows."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core.frformat import date_fr
from pyxl.excel.runner import Ctx, run
from pyxl.excel.sheets import DASHBOARD_FIRST_ROW, DASHBOARD_SHEET

PICTURE_PREFIX = "syc_"
CHART_ROWS = 19  # rows a chart takes (6.4 × 3.6 in at 120 dpi, shown at 480 × 270 pt)
CHART_WIDTH, CHART_HEIGHT = 480, 270


def cell_value(value: Any, kind: str) -> Any:
    """A report value as written to Excel (numbers stay numbers; text keeps the quote prefix)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if kind == "money":
        return float(value)
    if kind == "pct":
        return float(Decimal(str(value)) / 100)
    if kind in ("int", "days"):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    return "'" + str(value)


NUMBER_FORMATS = {"money": '#,##0.00\\ "€"', "pct": "0.0%", "int": "#,##0", "days": "0.0"}


def blocks(report: Any) -> list[tuple[str, list[list[Any]], dict[int, str]]]:
    """Each table as (title, rows with the header first, column index → number format)."""
    out = []
    for t in report.tables:
        frame = t.frame
        header = ["'" + str(c) for c in frame.columns]
        rows = [header]
        kinds = [t.formats.get(str(c), "text") for c in frame.columns]
        for rec in frame.itertuples(index=False):
            rows.append([cell_value(v, k) for v, k in zip(rec, kinds, strict=True)])
        formats = {i: NUMBER_FORMATS[k] for i, k in enumerate(kinds) if k in NUMBER_FORMATS}
        out.append((t.title + (f" — {t.note}" if t.note else ""), rows, formats))
    return out


def refresh(ctx: Ctx) -> dict[str, Any]:
    from pyxl.reports import build_report
    from pyxl.reports.data import combine, read_store

    def service(store: Any) -> Any:
        from pyxl.services.common import Result

        report = build_report(combine([read_store(store)]), ctx.as_of, sources=[store.path.name])
        sheet = ctx.book.sheets[DASHBOARD_SHEET]
        with tempfile.TemporaryDirectory(prefix="syc-tdb-") as tmp:
            pngs = report.render_charts(Path(tmp))
            _write(sheet, report, pngs)
        return Result(message=f"Tableau de bord à jour au {date_fr(ctx.as_of)} ({len(pngs)} graphiques, "
                              f"{len(report.tables)} tableaux).")

    result = run(ctx, service, read_only=True)
    if result["ok"]:
        ctx.book.sheets[DASHBOARD_SHEET].activate()
    return result


def _write(sheet: Any, report: Any, pngs: dict[str, Path]) -> None:
    first = DASHBOARD_FIRST_ROW
    sheet.range((first, 1), (first + 2000, 12)).clear_contents()
    for pic in list(sheet.pictures):
        if str(pic.name).startswith(PICTURE_PREFIX):
            pic.delete()
    row = first
    for k, (key, path) in enumerate(pngs.items()):
        r = row + (k // 2) * CHART_ROWS
        col = 2 if k % 2 == 0 else 6
        sheet.pictures.add(str(path), name=PICTURE_PREFIX + key, anchor=sheet.range((r, col)),
                           width=CHART_WIDTH, height=CHART_HEIGHT)
    row += ((len(pngs) + 1) // 2) * CHART_ROWS + 1
    sheet.range((row, 2)).value = "'" + f"Chiffres au {date_fr(report.as_of)}"
    row += 2
    for title, rows, formats in blocks(report):
        sheet.range((row, 2)).value = "'" + title
        width = max(len(r) for r in rows)
        sheet.range((row + 1, 2), (row + len(rows), 1 + width)).value = [r + [None] * (width - len(r)) for r in rows]
        for i, fmt in formats.items():
            if len(rows) > 1:
                sheet.range((row + 2, 2 + i), (row + len(rows), 2 + i)).number_format = fmt
        row += len(rows) + 2



