"""The report's files: a standalone .xlsx (XlsxWriter: tables, key figures, charts as pictures),
one PNG per chart and a one-page A4 PDF for the director (composed with matplotlib).

Nothing here touches the user's workbook. Every text cell is written with `write_string`, and the
workbook is opened with the string conversions off, so a client named « =cmd|' /C calc'!A0 » stays
text, never a formula.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyxl.core.frformat import decimal_fr, long_date
from pyxl.core.money import NNBSP, euros
from pyxl.reports.figures import percent
from pyxl.workbook.schema import FMT_MONEY

if TYPE_CHECKING:
    from pyxl.reports import Report

# key figure → (French label, kind: money | pct | int | days | later = its data does not exist yet)
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("ca_ht", "Chiffre d'affaires HT de la période", "money"),
    ("ca_ht_un_an_avant", "Mêmes mois un an avant", "money"),
    ("evolution_ca_pct", "Évolution", "pct"),
    ("devis_faits", "Devis faits (un devis révisé compte une fois)", "int"),
    ("devis_valeur_ht", "Valeur des devis HT", "money"),
    ("taux_conversion_pct", "Taux de conversion (en nombre)", "pct"),
    ("taux_conversion_valeur_pct", "Taux de conversion (en valeur)", "pct"),
    ("delai_moyen_acceptation_jours", "Délai moyen d'acceptation (jours)", "days"),
    ("encours_ttc", "Créances clients TTC", "money"),
    ("encours_echu_ttc", "dont échues (en retard)", "money"),
    ("dso_jours", "DSO (jours)", "days"),
    ("encaissements_8_semaines_ttc", "Encaissements attendus sur 8 semaines TTC", "money"),
    ("panier_moyen_ht", "Panier moyen HT (factures finales)", "money"),
    ("marge_brute_ht", "Marge brute HT", "money"),
    ("taux_marge_pct", "Taux de marge brute", "pct"),
    ("recouvre_par_niveau_de_relance", "Recouvré après les relances (tous niveaux)", "money"),
    ("ca_par_technicien", "Chiffre d'affaires par technicien", "later"),
)
NO_DATA = "pas encore de données"


def shown(value: Any, kind: str) -> str:
    """A key figure as French text."""
    if value is None:
        return NO_DATA if kind == "later" else "—"  # « — » : nothing to divide by (no invoice, no quote…)
    if kind == "money":
        return euros(value)
    if kind == "pct":
        return percent(value)
    if kind == "days":
        return decimal_fr(value, 1) + NNBSP + "j"
    return f"{value:,}".replace(",", NNBSP)


def write_all(report: Report, folder: Path) -> dict[str, Path]:
    """PNG charts, the .xlsx and the PDF in `folder`; returns {name: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    pngs = report.render_charts(folder)
    stem = f"rapport-{report.as_of:%Y-%m-%d}"
    xlsx = write_xlsx(report, folder / f"{stem}.xlsx", pngs)
    pdf = write_pdf(report, folder / f"{stem}.pdf")
    return {"xlsx": xlsx, "pdf": pdf, **{f"png:{k}": p for k, p in pngs.items()}}


# --------------------------------------------------------------------------- xlsx
def write_xlsx(report: Report, path: Path, pngs: dict[str, Path]) -> Path:
    import xlsxwriter


    tmp = path.with_name(f".{path.name}.tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "default_date_format": "dd/mm/yyyy"})
    try:
        f = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "h": wb.add_format({"bold": True, "font_size": 11}),
            "head": wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True,
                                   "valign": "top"}),
            "text": wb.add_format({"border": 1}),
            "money": wb.add_format({"border": 1, "num_format": FMT_MONEY}),
            "pct": wb.add_format({"border": 1, "num_format": "0.0 %"}),
            "int": wb.add_format({"border": 1, "num_format": "0"}),
            "days": wb.add_format({"border": 1, "num_format": "0.0"}),
            "note": wb.add_format({"italic": True, "font_color": "#404040", "text_wrap": True, "valign": "top"}),
        }
        _summary_sheet(wb, f, report, pngs)
        ws = wb.add_worksheet("Tableaux")
        ws.set_column(0, 0, 34)
        ws.set_column(1, 8, 17)
        row = 0
        for t in report.tables:
            ws.write_string(row, 0, t.title, f["h"])
            row += 1
            cols = list(t.frame.columns)
            for c, name in enumerate(cols):
                ws.write_string(row, c, str(name), f["head"])
            row += 1
            for rec in t.frame.itertuples(index=False):
                for c, value in enumerate(rec):
                    _cell(ws, row, c, value, t.formats.get(cols[c], "text"), f)
                row += 1
            if t.note:
                ws.merge_range(row, 0, row, max(len(cols) - 1, 3), "", f["note"])
                ws.write_string(row, 0, t.note, f["note"])
                ws.set_row(row, 15 * (1 + len(t.note) // 110))
                row += 1
            row += 1
    finally:
        wb.close()
    tmp.replace(path)
    return path


def _cell(ws: Any, row: int, col: int, value: Any, kind: str, f: dict[str, Any]) -> None:
    if value is None or (isinstance(value, float) and value != value):
        ws.write_blank(row, col, None, f["text"])
    elif kind == "money":
        ws.write_number(row, col, float(value), f["money"])
    elif kind == "pct":
        ws.write_number(row, col, float(Decimal(value) / 100), f["pct"])
    elif kind in ("int", "days"):
        ws.write_number(row, col, float(value), f[kind])
    else:
        ws.write_string(row, col, str(value), f["text"])


def _summary_sheet(wb: Any, f: dict[str, Any], report: Report, pngs: dict[str, Path]) -> None:
    from pyxl.reports import charts

    ws = wb.add_worksheet("Synthèse")
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 18)
    ws.write_string(0, 0, "Tableau de bord de la direction", f["title"])
    ws.write_string(1, 0, charts.subtitle(report))
    row = 2
    if report.sources:
        ws.write_string(row, 0, "Classeurs lus : " + ", ".join(report.sources))
        row += 1
    row += 1
    ws.write_string(row, 0, "Chiffre", f["head"])
    ws.write_string(row, 1, "Valeur", f["head"])
    row += 1
    for key, label, kind in KEY_FIGURES:
        ws.write_string(row, 0, label, f["text"])
        value = report.figures.get(key)
        if value is None:
            ws.write_string(row, 1, shown(None, kind), f["text"])
        else:
            _cell(ws, row, 1, value, kind, f)
        row += 1
    row += 1
    for note in report.notes.values():
        ws.merge_range(row, 0, row, 9, "", f["note"])
        ws.write_string(row, 0, note, f["note"])
        ws.set_row(row, 30)
        row += 1
    row += 1
    col = 0
    for key, path in pngs.items():  # two charts per row, each 640 × 360 px shown at 60 %
        ws.insert_image(row, 0 if col == 0 else 4, str(path), {"x_scale": 0.6, "y_scale": 0.6,
                                                               "description": charts.CHARTS[key][0],
                                                               "object_position": 3})
        col = 1 - col
        if col == 0:
            row += 17
    ws.activate()


# --------------------------------------------------------------------------- pdf
PDF_TILES = (("ca_ht", "CA HT de la période", "money"), ("evolution_ca_pct", "sur un an", "pct"),
             ("taux_conversion_pct", "devis acceptés", "pct"), ("panier_moyen_ht", "panier moyen HT", "money"),
             ("encours_ttc", "créances clients TTC", "money"), ("encours_echu_ttc", "dont en retard", "money"),
             ("dso_jours", "DSO", "days"), ("taux_marge_pct", "marge brute", "pct"))


def write_pdf(report: Report, path: Path) -> Path:
    """One A4 portrait page: header, key figures, six charts, notes."""
    import matplotlib
    from matplotlib.figure import Figure

    from pyxl.reports import charts

    with matplotlib.rc_context(charts.STYLE):
        fig = Figure(figsize=(8.27, 11.69))
        gs = fig.add_gridspec(5, 2, height_ratios=[0.75, 2.3, 2.3, 2.3, 1.1], left=0.14, right=0.96, top=0.93,
                              bottom=0.02, hspace=0.6, wspace=0.5)
        fig.text(0.05, 0.975, "Tableau de bord de la direction", fontsize=15, weight="bold", va="top")
        fig.text(0.05, 0.953, charts.subtitle(report), fontsize=9, va="top")
        tiles = fig.add_subplot(gs[0, :])
        tiles.axis("off")
        for i, (key, label, kind) in enumerate(PDF_TILES):
            x, y = (i % 4) / 4 + 0.005, 0.95 if i < 4 else 0.4
            value = report.figures.get(key)
            text = shown(value, kind)
            if key == "evolution_ca_pct" and value is not None:
                text = ("+" if value > 0 else "") + text
            tiles.text(x, y, text, fontsize=12, weight="bold", va="top", transform=tiles.transAxes)
            tiles.text(x, y - 0.28, label, fontsize=7.5, va="top", transform=tiles.transAxes)
        for (key, (_title, draw)), cell in zip(charts.CHARTS.items(), [gs[1, 0], gs[1, 1], gs[2, 0], gs[2, 1],
                                                                        gs[3, 0], gs[3, 1]], strict=True):
            del key
            draw(report, fig.add_subplot(cell))
        notes = fig.add_subplot(gs[4, :])
        notes.axis("off")
        lines: list[str] = []
        for note in report.notes.values():
            lines += textwrap.wrap(note, 150, initial_indent="• ", subsequent_indent="  ")
        notes.text(0, 1, "\n".join(lines[:12]), fontsize=6.5, va="top", transform=notes.transAxes,
                   linespacing=1.4)
        fig.text(0.96, 0.008, f"SYC Gestion — rapport du {long_date(report.as_of)}", fontsize=6, ha="right")
        tmp = path.with_name(f".{path.name}.tmp")
        fig.savefig(tmp, format="pdf", metadata={"Creator": "SYC Gestion", "Producer": None,
                                                 "CreationDate": None})
    tmp.replace(path)
    return path
