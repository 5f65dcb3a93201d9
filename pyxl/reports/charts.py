"""The report's charts with matplotlib (headless): French labels, amounts in euros written the
French way, readable when printed in black and white (greys and hatches, never colour alone).

Each `draw_*` function draws one chart on a given Axes from the report's tables, so the PNG files
and the one-page PDF share the same drawings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib

matplotlib.use("Agg")  # headless: no display, no GUI toolkit

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from pyxl.core.frformat import date_fr, decimal_fr
from pyxl.core.money import NNBSP, euros, to_cents
from pyxl.reports.figures import SHORT_MONTHS, percent
from pyxl.reports.figures import subtitle as figures_subtitle

if TYPE_CHECKING:
    from pyxl.reports import Report

DARK, MID, LIGHT, WHITE = "#303030", "#7a7a7a", "#c4c4c4", "#ffffff"
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
FILLS = (DARK, LIGHT, WHITE, MID, WHITE, LIGHT, WHITE, MID)
STYLE: dict[Any, Any] = {"font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9, "axes.titleweight": "bold",
         "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6, "axes.axisbelow": True}


def whole_euros(x: float, _pos: Any = None) -> str:
    """A bar label: « 907,50 € » below 10 000 €, whole euros above (« 150 000 € », half-up),
    « 12,3 M€ » beyond ten million."""
    if abs(x) >= 10_000_000:
        return decimal_fr(x / 1_000_000, 1) + "\xa0M€"
    value = Decimal(repr(float(x)))
    if abs(x) < 10_000:
        return euros(value)
    whole = to_cents(value / 100) * 100  # the one rounding rule (half-up), to the euro
    return euros(whole).replace(",00\xa0€", "\xa0€")


def axis_euros(x: float, _pos: Any = None) -> str:
    """An axis tick, short: « 800 € », « 2 500 € », « 400 k€ », « 1,2 M€ »."""
    if abs(x) >= 1_000_000:
        return decimal_fr(x / 1_000_000, 1).replace(",0", "") + "\xa0M€"
    if abs(x) >= 10_000:
        return f"{x / 1_000:.0f}" + "\xa0k€"
    return whole_euros(x).replace(",00\xa0€", "\xa0€")


def _euro_axis(ax: Axes, axis: Literal["x", "y"] = "y") -> None:
    fmt = FuncFormatter(axis_euros)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(MaxNLocator(5))
    ax.grid(axis=axis, color=LIGHT, linewidth=0.5)


def _num(v: Any) -> float:
    return float(v) if v is not None else 0.0


def _no_data(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=8, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_monthly(report: Report, ax: Axes) -> None:
    df = report.table("ca_mensuel").frame
    df = df[df["Mois"] != "Total"]
    months = report.period.months()
    now = [_num(v) for v in df["CA HT"]]
    before = [_num(v) for v in df["Même mois un an avant"]]
    xs = range(len(now))
    w = 0.4
    ax.bar([x - w / 2 for x in xs], now, w, color=DARK, edgecolor=DARK, linewidth=0.6, label="Période")
    ax.bar([x + w / 2 for x in xs], before, w, color=WHITE, edgecolor=DARK, hatch="////", linewidth=0.6,
           label="Un an avant")
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{SHORT_MONTHS[m - 1]} {y % 100:02d}" for y, m in months], fontsize=6.5, rotation=50,
                       ha="right", rotation_mode="anchor")
    _euro_axis(ax)
    ax.set_title("Chiffre d'affaires HT par mois")
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncols=2)
    top = max([*now, *before, 1.0])
    ax.set_ylim(0, top * 1.18)


def _hbars(ax: Axes, labels: list[str], values: list[float], title: str) -> None:
    if not labels:
        _no_data(ax, "Aucun chiffre d'affaires sur la période")
        ax.set_title(title)
        return
    ys = list(range(len(labels)))[::-1]
    for i, (y, v) in enumerate(zip(ys, values, strict=True)):
        ax.barh(y, v, 0.6, color=FILLS[i % len(FILLS)], edgecolor=DARK, hatch=HATCHES[i % len(HATCHES)],
                linewidth=0.6)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels)
    top = max([*values, 1.0])
    ax.set_xlim(min(0.0, min(values)), top * 1.35)
    for y, v in zip(ys, values, strict=True):
        ax.text(max(v, 0) + top * 0.02, y, whole_euros(v), va="center", fontsize=7)
    _euro_axis(ax, "x")
    ax.set_title(title)


def draw_nature(report: Report, ax: Axes) -> None:
    df = report.table("ca_nature").frame
    df = df[df["Nature des travaux"] != "Total"]
    _hbars(ax, list(df["Nature des travaux"]), [_num(v) for v in df["CA HT"]], "CA HT par nature de travaux")


def draw_sector(report: Report, ax: Axes, top: int = 7) -> None:
    df = report.table("ca_secteur").frame
    df = df[df["Secteur"] != "Total"]
    labels, values = list(df["Secteur"]), [_num(v) for v in df["CA HT"]]
    if len(labels) > top:
        labels, values = [*labels[: top - 1], "Autres secteurs"], [*values[: top - 1], sum(values[top - 1:])]
    _hbars(ax, [_wrapped(x) for x in labels], values, "CA HT par secteur")


def _wrapped(text: str, width: int = 15, lines: int = 2) -> str:
    """A long sector name on two lines at most, cut with « … » beyond."""
    import textwrap

    parts = textwrap.wrap(text, width, break_on_hyphens=True) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], textwrap.shorten(" ".join(parts[lines - 1:]), width, placeholder="…")]
    return "\n".join(parts)


def draw_quotes(report: Report, ax: Axes) -> None:
    df = report.table("devis").frame
    df = df[df["Devis"] != "Total"]
    counts = [int(v) for v in df["Nombre"]]
    labels = list(df["Devis"])
    if not sum(counts):
        _no_data(ax, "Aucun devis sur la période")
        ax.set_title("Devis de la période")
        return
    for i, (label, n) in enumerate(zip(labels, counts, strict=True)):
        ax.bar(i, n, 0.6, color=FILLS[i], edgecolor=DARK, hatch=HATCHES[i], linewidth=0.6)
        ax.text(i, n, f"{n}", ha="center", va="bottom", fontsize=7)
        del label
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels)
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.grid(axis="y", color=LIGHT, linewidth=0.5)
    ax.set_ylim(0, max(counts) * 1.18)
    rate = report.figures.get("taux_conversion_pct")
    ax.set_title("Devis de la période" + (f" : {percent(rate)} acceptés" if rate is not None else ""))


def draw_aged(report: Report, ax: Axes) -> None:
    df = report.table("balance_agee").frame
    df = df[df["Ancienneté"] != "Total"]
    labels = ["Non échu", f"1–30{NNBSP}j", f"31–60{NNBSP}j", f"61–90{NNBSP}j", f"> 90{NNBSP}j"]
    values = [_num(v) for v in df["Montant TTC"]]
    fills = (WHITE, LIGHT, MID, "#555555", DARK)
    hatches = ("", "...", "///", "xxx", "")
    for i, v in enumerate(values):
        ax.bar(i, v, 0.6, color=fills[i], edgecolor=DARK, hatch=hatches[i], linewidth=0.6)
        ax.text(i, v, whole_euros(v), ha="center", va="bottom", fontsize=6.5)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels)
    _euro_axis(ax)
    ax.set_ylim(0, max([*values, 1.0]) * 1.18)
    ax.set_title(f"Créances clients TTC par retard au {date_fr(report.as_of)}")


def draw_cash_in(report: Report, ax: Axes) -> None:
    df = report.table("encaissements").frame
    weeks = df[df["Échéance"].str.startswith("Semaine")]
    values = [_num(v) for v in weeks["Montant TTC"]]
    labels = [f"S{i + 1}\n{str(d)[:5]}" for i, d in enumerate(weeks["Du"])]
    ax.bar(range(len(values)), values, 0.6, color=LIGHT, edgecolor=DARK, hatch="...", linewidth=0.6)
    for i, v in enumerate(values):
        if v:
            ax.text(i, v, whole_euros(v), ha="center", va="bottom", fontsize=6, rotation=0)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels(labels, fontsize=7)
    _euro_axis(ax)
    ax.set_ylim(0, max([*values, 1.0]) * 1.2)
    late = df[df["Échéance"].str.startswith("Déjà")]["Montant TTC"].iloc[0]
    ax.set_title("Encaissements attendus par semaine (TTC)")
    ax.text(0.99, 0.97, f"déjà échu, non compté : {whole_euros(_num(late))}", transform=ax.transAxes,
            ha="right", va="top", fontsize=7)


CHARTS: dict[str, tuple[str, Callable[[Any, Axes], None]]] = {
    "ca-mensuel": ("Chiffre d'affaires par mois", draw_monthly),
    "ca-nature": ("CA par nature de travaux", draw_nature),
    "ca-secteur": ("CA par secteur", draw_sector),
    "devis": ("Devis", draw_quotes),
    "balance-agee": ("Balance âgée", draw_aged),
    "encaissements": ("Encaissements attendus", draw_cash_in),
}


def render_all(report: Report, folder: Path, dpi: int = 120) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    with matplotlib.rc_context(STYLE):
        for key, (_title, draw) in CHARTS.items():
            fig = Figure(figsize=(6.4, 3.6), layout="constrained")
            draw(report, fig.add_subplot())
            path = folder / f"{key}.png"
            fig.savefig(path, dpi=dpi, metadata={"Software": None})
            out[key] = path
    return out


def subtitle(report: Report) -> str:
    return figures_subtitle(report.as_of, report.period)
