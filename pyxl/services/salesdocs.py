"""What quotes, orders, invoices and credit notes share: line specs, VAT rules, totals, lookups."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyxl.core import fields, pricing, vat
from pyxl.core import workflow as wf
from pyxl.core.frformat import SPACE, date_fr
from pyxl.core.frformat import percent as percent_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.money import AmountError, parse_decimal
from pyxl.workbook.schema import NO, YES
from pyxl.workbook.store import Row, Store

ZERO = Decimal("0.00")
VAT_RATES = tuple(Decimal(r) for r in ("20", "10", "5.5", "2.1", "0"))


def yes(value: Any) -> bool:
    return str(value or "").strip().casefold() in ("oui", "o", "yes", "true", "1")


def yes_no(flag: bool) -> str:
    return YES if flag else NO


def refuse(code: str, where: str, message: str) -> Refused:
    return Refused(Issue(code, f"{where} : {message}", where))


STATE_FIX = ("remettez dans la cellule le statut que l'action a écrit (Ctrl+Z, ou « Vérifier le classeur » pour "
             "voir la ligne), puis refaites l'action par son bouton : un statut ne se change que par les actions.")


def check_state(kind: str, row: Row, what: str) -> None:
    """Refuse to act on a row whose status was typed by hand (issue 17): the status must agree with
    the dates and references its actions wrote."""
    bad = wf.contradiction(kind, row)
    if bad:
        raise refuse(f"{kind}.statut", f"{what} ({row.where})", f"{bad} : {STATE_FIX}")


def state_issues(store: Store, only: Collection[str] | None = None) -> list[Issue]:
    """Every quote, order and invoice whose status contradicts what its actions wrote (`syc verifier`);
    `only`: those of these tables (tDevis, tCommandes, tFactures)."""
    out = []
    for table in STATES:
        if table not in {t.name for t in store.schema.tables} or (only is not None and table not in only):
            continue
        out += [i for r in store.rows(table) if (i := state_issue(table, r)) is not None]
    return out


# the tables whose rows have a state: (kind, label, key column)
STATES = {"tDevis": ("devis", "Devis", "number"), "tCommandes": ("commande", "Commande", "number"),
          "tFactures": ("facture", "Pièce", "ref")}


def state_issue(table: str, r: Row) -> Issue | None:
    """`state_issues` of one row of a table of `STATES`."""
    kind, label, key = STATES[table]
    bad = wf.contradiction(kind, r)
    if not bad:
        return None
    name = r["number"] or r[key] if kind == "facture" else r[key]
    return Issue(f"{kind}.statut", f"{label} {name} ({r.where}) : {bad} : {STATE_FIX}", r.where)


# --------------------------------------------------------------------------- line specs
@dataclass(frozen=True)
class LineSpec:
    article: str
    qty: Decimal
    unit_price: Decimal | None
    discount_pct: Decimal


def parse_line_spec(text: str, n: int, *, with_discount: bool = True) -> LineSpec:
    """« ARTICLE:QTE[:PU_HT[:REMISE_%]] » (decimal comma or point), checked; French message if not."""
    where = f"Ligne {n} « {fields.shown(text)} »"
    parts = str(text).split(":")
    if not 2 <= len(parts) <= (4 if with_discount else 3) or not parts[0].strip():
        form = "ARTICLE:QTE[:PU_HT[:REMISE_%]]" if with_discount else "ARTICLE:QTE[:PU_HT]"
        raise refuse("ligne.format", where, f"écrivez {form}, par exemple CHG-25:1 ou MO-H:3,5:55.")
    try:
        qty = parse_decimal(parts[1], max_places=3)
    except AmountError as exc:
        raise refuse("ligne.qte", where, f"quantité : {exc}.") from None
    if qty <= 0:
        raise refuse("ligne.qte", where, "la quantité doit être positive (un avoir se fait avec « syc avoir creer »).")
    if qty > 100_000:
        raise refuse("ligne.qte", where, "quantité trop grande (100 000 au plus).")
    price = None
    if len(parts) > 2 and parts[2].strip():
        try:
            price = parse_decimal(parts[2], max_places=2)
        except AmountError as exc:
            raise refuse("ligne.pu", where, f"prix unitaire HT : {exc}.") from None
        if price < 0:
            raise refuse("ligne.pu", where, "le prix unitaire ne peut pas être négatif (utilisez une remise).")
        if price >= 10_000_000:
            raise refuse("ligne.pu", where, "prix unitaire trop grand.")
    discount = Decimal(0)
    if len(parts) > 3 and parts[3].strip():
        discount = percent(parts[3], where, "la remise de ligne")
    return LineSpec(parts[0].strip(), qty, price, discount)


def percent(text: str | Decimal, where: str, label: str, *, low: Decimal = Decimal(0),
            high: Decimal = Decimal(100), low_open: bool = False) -> Decimal:
    raw = str(text).strip().removesuffix("%").strip()
    try:
        value = parse_decimal(raw, max_places=2)
    except AmountError as exc:
        raise refuse("pourcentage", where, f"{label} : {exc}.") from None
    if value < low or value > high or (low_open and value == low):
        bound = f"entre {percent_fr(low, sep=SPACE)} (exclu) et {percent_fr(high, sep=SPACE)}" if low_open else \
            f"entre {percent_fr(low, sep=SPACE)} et {percent_fr(high, sep=SPACE)}"
        raise refuse("pourcentage", where, f"{label} doit être {bound}, pas {percent_fr(value, sep=SPACE)}.")
    return value


# --------------------------------------------------------------------------- VAT
def rules(store: Store) -> list[vat.Rule]:
    out = []
    for r in store.rows("tReglesTVA"):
        if r["rate"] is None:
            continue
        out.append(vat.Rule(str(r["nature"] or "*"), str(r["category"] or "*"), str(r["housing"] or "*"),
                            r["rate"], str(r["basis"] or ""), r["valid_from"], r["valid_to"], r.where,
                            keeps_old=yes(r.get("keeps_old"))))
    return out


@dataclass(frozen=True)
class RateOverride:
    pos: int
    rate: Decimal
    reason: str


def parse_rate_override(text: str) -> RateOverride:
    """« N:TAUX:MOTIF » — a line's rate forced, with its reason (a 0 % rate needs a legal one)."""
    where = f"Taux « {fields.shown(text)} »"
    parts = str(text).split(":", 2)
    if len(parts) != 3 or not parts[0].strip().isdigit():
        raise refuse("taux.format", where, "écrivez N:TAUX:MOTIF, par exemple 2:10:\"pièces hors équipement\".")
    try:
        rate = fields.vat_rate(parts[1])
    except fields.FieldError as exc:
        raise refuse("taux.taux", where, fields.after_colon(str(exc))) from None
    reason = parts[2].strip()
    if rate == 0:
        key = reason.casefold().replace(" ", "").replace(".", "")
        key = {"293b": "293b", "art293b": "293b", "autoliquidation": "autoliquidation"}.get(key, "")
        if not key:
            raise refuse("taux.zero", where, "un taux de 0 % doit porter sa mention légale : motif « autoliquidation » "
                                             "(sous-traitance du bâtiment) ou « 293B » (franchise en base).")
        reason = vat.ZERO_REASONS[key]
    if not reason:
        raise refuse("taux.motif", where, "indiquez le motif du changement de taux (après le 2e « : »).")
    reason = fields.text(reason, label="Le motif", max_len=200)
    return RateOverride(int(parts[0]), rate, reason)


# --------------------------------------------------------------------------- totals
def to_line(r: Mapping[str, Any]) -> pricing.Line:
    return line_of(r.get("qty"), r.get("unit_price"), r.get("rate"), r.get("discount_pct"), r.get("fixed_vat"))


def line_of(qty: Decimal | None, unit_price: Decimal | None, rate: Decimal | None, discount_pct: Decimal | None,
            fixed_vat: Decimal | None) -> pricing.Line:
    """`to_line` of these cells of a line row (an empty cell None)."""
    return pricing.Line(qty=qty or Decimal(0), unit_price=unit_price or ZERO, rate=rate or Decimal(0),
                        discount_pct=discount_pct or Decimal(0), fixed_vat=fixed_vat)


def totals_of(lines: Iterable[Mapping[str, Any]], discount_pct: Decimal | None) -> pricing.Totals:
    return pricing.compute([to_line(r) for r in lines], discount_pct or Decimal(0))


def totals_json(t: pricing.Totals) -> dict[str, Any]:
    return {
        "total_ht": t.ht, "total_tva": t.vat, "total_ttc": t.ttc, "remise_globale": t.discount,
        "acomptes_deduits_ht": -t.deducted_ht, "acomptes_deduits_tva": -t.deducted_vat,
        "par_taux": [{"taux": format(r.rate.normalize(), "f"), "base_ht": r.base, "tva": r.vat, "ttc": r.ttc}
                     for r in t.per_rate],
    }


def lines_of(store: Store, table: str, key: str, refs: set[str]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in store.rows_where(table, key, refs):
        out.setdefault(str(r[key]), []).append(r)
    for v in out.values():
        v.sort(key=lambda r: r["pos"] or 0)
    return out


def check_lines(lines: Sequence[Row], what: str) -> None:
    """Lines typed or edited in Excel: refuse what cannot be priced, naming the cell's row."""
    problems = []
    for r in lines:
        if r["qty"] is None or r["unit_price"] is None or r["rate"] is None:
            problems.append(Issue("ligne.vide", f"{r.where} ({what}) : quantité, PU HT et TVA % sont obligatoires.",
                                  r.where))
        elif r["rate"] not in VAT_RATES:
            problems.append(Issue("ligne.taux", f"{r.where} ({what}) : le taux {percent_fr(r['rate'], sep=SPACE)} n'existe pas "
                                                "(20, 10, 5,5, 2,1 ou 0).", r.where))
        elif r["rate"] == 0 and not r.get("rate_reason"):
            problems.append(Issue("ligne.zero", f"{r.where} ({what}) : une ligne à 0 % doit porter sa mention légale "
                                                "dans « Motif du taux ».", r.where))
    if problems:
        raise Refused(problems)


# --------------------------------------------------------------------------- lookups
def get_row(store: Store, table: str, key: str, value: str, label: str, hint: str) -> Row:
    typed = (value or "").strip()
    if typed:  # as typed or in capitals (d2026-0001): found without reading the whole sheet
        found = store.rows_where(table, key, {typed, typed.upper()})
        if found:
            return found[0]
    folded = typed.casefold()
    for r in store.rows(table):
        if str(r.get(key) or "").casefold() == folded:
            return r
    shown = fields.shown(value)
    raise Refused(Issue(f"{table}.inconnu", f"{label} « {shown} » introuvable. {hint}", f"{label} {shown}"))


def client_name(row: Any) -> str:
    return f"{row.get('name') or ''} {row.get('first_name') or ''}".strip()


def next_refs(store: Store, changes: Any, series: str, year: int | None, prefix: str, width: int,
              table: str, key: str, count: int) -> list[str]:
    """`count` consecutive numbers of a series in one action (the counter is written once)."""
    first = next_ref(store, changes, series, year, prefix, width, table, key, reserve=count)
    n = int(first.removeprefix(prefix))
    return [f"{prefix}{i:0{width}d}" for i in range(n, n + count)]


def next_ref(store: Store, changes: Any, series: str, year: int | None, prefix: str, width: int,
             table: str, key: str, gapless: bool = False, reserve: int = 1) -> str:
    """D2026-0001, BC2026-0001, F2026-00001, R2026-00001…: the counter of Compteurs + 1, checked by
    a key lookup (without reading the whole table); if the table already holds that number (a
    row copied by hand in Excel, a counter reset), the number after the highest one it holds."""
    current = None
    for r in store.rows("tCompteurs"):
        if r["series"] == series and (r["year"] or None) == year:
            current = r
    n = int(current["last"] or 0) + 1 if current else 1
    prev, this = f"{prefix}{n - 1:0{width}d}", f"{prefix}{n:0{width}d}"
    # the numbers after this one must be free too: asked in the same search
    after = {f"{prefix}{i:0{width}d}" for i in range(n + 1, n + reserve)}
    asked = ({prev, this} if gapless and n > 1 else {this}) | after
    found = {str(r.get(key)) for r in store.rows_where(table, key, asked)}
    if gapless and n > 1 and prev not in found:
        where = current.where if current else "Compteurs"
        raise refuse("serie.compteur", where,
                     f"le dernier numéro de la série {series} {year or ''} est {n - 1}, mais {prefix}{n - 1:0{width}d} "
                     f"n'existe pas : le numéro suivant ferait un trou dans une série continue. Remettez dans "
                     f"« Compteurs » le numéro de la dernière pièce émise.")
    if this in found or found & after:  # after the highest number held: those after it are free
        pat = re.compile(re.escape(prefix) + r"(\d+)$")
        n = max([n, *(int(m.group(1)) for r in store.rows(table) if (m := pat.match(str(r.get(key) or ""))))]) + 1
    last = n + reserve - 1
    if current:
        changes.update("tCompteurs", current, {"last": last})
    else:
        changes.append("tCompteurs", {"series": series, "year": year, "last": last})
    return f"{prefix}{n:0{width}d}"


def day(d: dt.date | None) -> str:
    return date_fr(d)
