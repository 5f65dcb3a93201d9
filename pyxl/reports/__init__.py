"""Reports for the director: figures (pandas), charts (matplotlib), xlsx / PNG / one-page PDF.

    tables = data.read_books(book, archives)            # read-only, fast (FileStore readers)
    report = build_report(tables, as_of, period)         # pure: figures, tables, notes
    report.render_charts(folder)                          # one PNG per chart
    output.write_all(report, folder)                      # xlsx + PNG + PDF

The Excel front end (« Actualiser le tableau de bord ») can feed `build_report` with the tables it
reads through xlwings (`data.normalize`), write `report.tables` to a sheet and insert the PNG files
of `render_charts` with `pictures.add`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pyxl.reports.figures import Period, Table, default_period


@dataclass
class Report:
    as_of: dt.date
    period: Period
    tables: list[Table]  # ordered, each with its French title
    figures: dict[str, Any]  # key figures (Decimal euros, percents, days; None = no data yet)
    notes: dict[str, str] = field(default_factory=dict)  # formulas and « pas encore de données »
    sources: list[str] = field(default_factory=list)  # workbooks read

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def render_charts(self, folder: Path) -> dict[str, Path]:
        """Each chart as a PNG file in `folder` (created if needed): {chart key: path}."""
        from pyxl.reports import charts

        return charts.render_all(self, folder)


def build_report(tables: dict[str, pd.DataFrame], as_of: dt.date, period: Period | None = None,
                 sources: list[str] | None = None) -> Report:
    from pyxl.reports import figures

    period = (period or default_period(as_of)).cut(as_of)
    f = figures.compute(tables, as_of, period)
    return Report(as_of=as_of, period=period, tables=f.tables, figures=f.values, notes=f.notes,
                  sources=list(sources or []))
