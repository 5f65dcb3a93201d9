"""The director's figures, computed from the tables as DataFrames (see `pyxl.reports.data`).

Pure functions: every date rule takes `as_of` and a `Period`; nothing here reads a file or the
clock. Amounts are summed as integer cents (exact) and handed out as `Decimal` euros.

Definitions (also in the user guide, « Rapport pour la direction »):
  * turnover (CA) HT = invoices + deposit invoices − credit notes, each at its own issue date;
    a final invoice's total is net of the deposits it deducts, so a deposit is counted once, in
    the month it was invoiced;
  * a quote revised after a follow-up (« Remplacé » → its replacement) is one proposal: counted
    once, at the date of its first version, with the value and outcome of its last version;
  * receivables at `as_of` = TTC of each invoice or deposit invoice issued by then, minus the
    payments dated by then and the credit notes issued by then on it; days late = `as_of` − due
    date (0 = due today, not late);
  * DSO = receivables TTC ÷ turnover TTC of the last 90 days × 90;
  * gross margin = sales HT of the final invoices (their work before deposits are deducted) minus
    the credit notes on them, minus quantity × purchase price of their lines (the purchase price
    stored on each line when it was quoted).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from pyxl.core import frformat
from pyxl.core import workflow as wf
from pyxl.core.frformat import date_fr, decimal_fr, long_date
from pyxl.core.money import to_cents
from pyxl.reports.data import cents
from pyxl.workbook.schema import NATURES

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
DSO_DAYS = 90
WEEKS = 8
MAX_MONTHS = 36
AGE_BUCKETS = (("Non échu", None, 0), ("1 à 30 jours de retard", 1, 30), ("31 à 60 jours de retard", 31, 60),
               ("61 à 90 jours de retard", 61, 90), ("Plus de 90 jours de retard", 91, None))
NO_REMINDERS = ("Montants recouvrés après chaque niveau de relance — pas encore de données : aucune relance "
                "d'impayé n'est notée dans le classeur (feuille « Relances », syc relances) au jour du rapport.")
RECOVERED = ("Recouvré après chaque niveau de relance : règlements de la période reçus après une relance de la "
             "facture, rangés au plus haut niveau de relance atteint avant eux (un règlement reçu avant toute "
             "relance n'y figure pas).")
LEVEL_LABELS = {1: "Niveau 1 : appel et lettre simple", 2: "Niveau 2 : lettre recommandée (48 h)",
                3: "Niveau 3 : mise en demeure", 4: "Niveau 4 : injonction de payer"}
NO_TECHNICIANS = ("Chiffre d'affaires par technicien — pas encore de données : le planning des interventions "
                  "(techniciens) n'existe pas encore dans le classeur ; ce chiffre s'affichera dès qu'il existera.")


# --------------------------------------------------------------------------- period
@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive

    def months(self) -> list[tuple[int, int]]:
        out, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def cut(self, as_of: dt.date) -> Period:
        return Period(self.start, min(self.end, as_of))

    def label(self) -> str:
        return f"du {long_date(self.start)} au {long_date(self.end)}"


def month_end(y: int, m: int) -> dt.date:
    return (dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)) - dt.timedelta(days=1)


def shift_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def default_period(as_of: dt.date) -> Period:
    """The twelve months ending with the month of `as_of` (rolling year), cut at `as_of`."""
    y, m = shift_months(as_of.year, as_of.month, -11)
    return Period(dt.date(y, m, 1), as_of)


_MONTH_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


class PeriodError(ValueError):
    """A French message for the user."""


def parse_period(text: str, as_of: dt.date) -> Period:
    """« 2026 » (a year), « 2026-03 » (a month), « 2026-01..2026-06 » (months, inclusive); cut at `as_of`."""
    raw = (text or "").strip()
    parts = raw.split("..")
    if len(parts) > 2 or not raw:
        raise PeriodError(_period_help(raw))
    bounds = []
    for part in parts:
        m = _MONTH_RE.match(part.strip())
        if not m:
            raise PeriodError(_period_help(raw))
        year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
        if not 2000 <= year <= 2099 or (month is not None and not 1 <= month <= 12):
            raise PeriodError(_period_help(raw))
        bounds.append((year, month))
    (y1, m1), (y2, m2) = bounds[0], bounds[-1]
    start = dt.date(y1, m1 or 1, 1)
    end = month_end(y2, m2 or 12)
    if end < start:
        raise PeriodError(f"« {raw} » : la période finit avant de commencer.")
    if len(Period(start, end).months()) > MAX_MONTHS:
        raise PeriodError(f"« {raw} » : {MAX_MONTHS} mois au plus.")
    if start > as_of:
        raise PeriodError(f"« {raw} » : la période commence après le {date_fr(as_of)} (date du rapport, --au).")
    return Period(start, min(end, as_of))


def _period_help(raw: str) -> str:
    return (f"« {raw} » n'est pas une période : écrivez une année (2026), un mois (2026-03) ou des mois "
            "(2026-01..2026-06).")


# --------------------------------------------------------------------------- small helpers
def month_label(y: int, m: int) -> str:
    return f"{SHORT_MONTHS[m - 1]} {y}"


def pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole in percent, two decimals (None when whole is zero)."""
    if not whole:
        return None
    return to_cents(Decimal(part) * 100 / Decimal(whole))


def _ts(d: dt.date) -> pd.Timestamp:
    return pd.Timestamp(d)


def _in(series: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    return (series >= _ts(start)) & (series <= _ts(end))


def percent(value: Decimal | None) -> str:
    """« 68,2 % » (one decimal, narrow no-break space), « — » without a value."""
    return frformat.percent(value, places=1, sep=frformat.NNBSP, empty="—")


def subtitle(as_of: dt.date, period: Period) -> str:
    return f"Au {long_date(as_of)} — période {period.label()}"


@dataclass(frozen=True)
class Table:
    """One table of the report: a French title, a DataFrame, the format of each column."""

    key: str
    title: str
    frame: pd.DataFrame
    formats: dict[str, str]  # column → money | pct | int | days | text
    note: str = ""


@dataclass
class Figures:
    tables: list[Table] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # key figures, for --json and the PDF
    notes: dict[str, str] = field(default_factory=dict)  # figure → French note (formula, no data yet)


# --------------------------------------------------------------------------- documents
def issued(inv: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Issued invoices, deposit invoices and credit notes dated by `as_of`, with their signed HT/TTC."""
    df = inv[(inv["number"] != "") & (inv["status"] != wf.I_DRAFT) & inv["date"].notna()
             & (inv["date"] <= _ts(as_of))].copy()
    sign = (df["doc_type"] == wf.T_CREDIT).map({True: -1, False: 1}).astype("int64")
    df["signed_ht"] = df["total_ht"] * sign
    df["signed_ttc"] = df["total_ttc"] * sign
    return df


def turnover_by_month(docs: pd.DataFrame, period: Period, as_of: dt.date, out: Figures) -> None:
    months = period.months()
    key = docs["date"].dt.year * 100 + docs["date"].dt.month
    by_month = docs.groupby(key)["signed_ht"].sum()
    rows = []
    total_now = total_before = 0
    for y, m in months:
        now = int(by_month.get(y * 100 + m, 0))
        before = int(by_month.get((y - 1) * 100 + m, 0))
        total_now, total_before = total_now + now, total_before + before
        rows.append({"Mois": month_label(y, m), "CA HT": cents(now), "Même mois un an avant": cents(before),
                     "Évolution": _change(now, before)})
    rows.append({"Mois": "Total", "CA HT": cents(total_now), "Même mois un an avant": cents(total_before),
                 "Évolution": _change(total_now, total_before)})
    y, m = months[-1]
    note = ("CA HT = factures + factures d'acompte − avoirs, chacun à sa date d'émission ; une facture finale "
            "déduit ses acomptes, si bien qu'un acompte compte une seule fois, le mois où il est facturé.")
    if as_of < month_end(y, m):
        note += f" Le mois de {MONTHS[m - 1]} {y} est compté jusqu'au {date_fr(as_of)} ; un an avant, en entier."
    out.tables.append(Table("ca_mensuel", "Chiffre d'affaires HT par mois, comparé au même mois un an avant",
                            pd.DataFrame(rows), {"Mois": "text", "CA HT": "money", "Même mois un an avant": "money",
                                                 "Évolution": "pct"}, note))
    out.values.update(ca_ht=cents(total_now), ca_ht_un_an_avant=cents(total_before),
                      evolution_ca_pct=_change(total_now, total_before))


def _change(now: int, before: int) -> Decimal | None:
    return None if not before else to_cents(Decimal(now - before) * 100 / Decimal(before))


def turnover_by(docs: pd.DataFrame, period: Period, values: pd.Series, title: str, header: str,
                key: str, order: tuple[str, ...], blank: str, out: Figures) -> None:
    sel = docs[_in(docs["date"], period.start, period.end)]
    labels = values.reindex(sel.index).fillna("").replace("", blank)
    sums = sel["signed_ht"].groupby(labels).sum()
    known = [k for k in order if k in sums.index]
    rest = sorted((k for k in sums.index if k not in order), key=lambda k: (-int(sums[k]), k))
    total = int(sums.sum())
    rows = [{header: k, "CA HT": cents(int(sums[k])), "Part": pct(int(sums[k]), total)} for k in known + rest]
    rows.append({header: "Total", "CA HT": cents(total), "Part": pct(total, total)})
    out.tables.append(Table(key, title, pd.DataFrame(rows), {header: "text", "CA HT": "money", "Part": "pct"}))


def turnover_by_nature(docs: pd.DataFrame, period: Period, out: Figures) -> None:
    turnover_by(docs, period, docs["nature"], "Chiffre d'affaires HT par nature de travaux",
                "Nature des travaux", "ca_nature", NATURES, "Non précisée", out)


def turnover_by_sector(docs: pd.DataFrame, clients: pd.DataFrame, period: Period, out: Figures) -> None:
    sector = docs["client"].map(dict(zip(clients["code"], clients["sector"], strict=True)))
    turnover_by(docs, period, sector, "Chiffre d'affaires HT par secteur", "Secteur", "ca_secteur", (),
                "Sans secteur", out)
    out.notes["ca_technicien"] = NO_TECHNICIANS
    out.values["ca_par_technicien"] = None


# --------------------------------------------------------------------------- quotes
def quote_chains(quotes: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per proposal: its first version (date, number, HT) and its last (number, HT, state)."""
    q = quotes[(quotes["number"] != "") & quotes["date"].notna() & (quotes["date"] <= _ts(as_of))]
    known = set(q["number"])
    # a quote never sent (still a draft) is not a proposal made to a client
    q = q[q["status"] != "Brouillon"]
    root = ~q["replaces"].isin(known)  # a revision is counted with the quote it replaces
    roots = q[root]
    last = roots["number"].to_numpy(dtype=object).copy()
    revised = roots["replaced_by"].isin(known).to_numpy(dtype=bool)
    if revised.any():  # the few revised quotes: follow Remplacé par → … to the last version
        nxt = dict(zip(q["number"], q["replaced_by"], strict=True))
        for i in revised.nonzero()[0]:
            seen = {last[i]}
            while nxt.get(last[i], "") in known and nxt[last[i]] not in seen:
                last[i] = nxt[last[i]]
                seen.add(last[i])
    final = q.set_index("number").loc[last]
    out = pd.DataFrame({
        "number": roots["number"].to_numpy(), "last": last, "date": roots["date"].to_numpy(),
        "client": roots["client"].to_numpy(), "first_ht": roots["total_ht"].to_numpy(),
        "ht": final["total_ht"].to_numpy(), "revised": revised, "accepted_on": final["accepted_on"].to_numpy(),
        "reason": final["refusal_reason"].to_numpy()})
    accepted = ((final["status"] == wf.Q_ACCEPTED) & final["accepted_on"].notna()
                & (final["accepted_on"] <= _ts(as_of))).to_numpy(dtype=bool)
    refused = (final["status"] == wf.Q_REFUSED).to_numpy(dtype=bool)
    expired = (final["valid_until"].notna() & (final["valid_until"] < _ts(as_of))).to_numpy(dtype=bool)
    state = np.where(accepted, ACCEPTED, np.where(refused, REFUSED, np.where(expired, EXPIRED, PENDING)))
    out["state"] = state
    return out


ACCEPTED, REFUSED, EXPIRED, PENDING = "Accepté", "Refusé", "Expiré", "En cours"


def quotes_figures(quotes: pd.DataFrame, period: Period, as_of: dt.date, out: Figures) -> None:
    chains = quote_chains(quotes, as_of)
    c = chains[_in(chains["date"], period.start, period.end)] if len(chains) else chains
    made, value = len(c), int(c["ht"].sum())
    rows = []
    for state in (ACCEPTED, REFUSED, EXPIRED, PENDING):
        s = c[c["state"] == state]
        rows.append({"Devis": {ACCEPTED: "Acceptés", REFUSED: "Refusés", EXPIRED: "Expirés",
                               PENDING: "En cours"}[state],
                     "Nombre": len(s), "Valeur HT": cents(int(s["ht"].sum())), "Part": pct(len(s), made)})
    rows.append({"Devis": "Total", "Nombre": made, "Valeur HT": cents(value), "Part": pct(made, made)})
    acc = c[c["state"] == ACCEPTED]
    delays = [(a - d).days for a, d in zip(acc["accepted_on"], acc["date"], strict=True)]
    avg_delay = to_cents(Decimal(sum(delays)) / len(delays)) if delays else None
    revised = int(c["revised"].sum()) if made else 0
    out.tables.append(Table(
        "devis", "Devis faits sur la période et leur issue", pd.DataFrame(rows),
        {"Devis": "text", "Nombre": "int", "Valeur HT": "money", "Part": "pct"},
        "Un devis révisé après relance (remise) compte une fois : à la date de sa première version, avec la "
        "valeur et l'issue de la dernière. Expiré : plus valable au jour du rapport, ni accepté ni refusé."))
    out.values.update(devis_faits=made, devis_valeur_ht=cents(value), devis_acceptes=len(acc),
                      devis_revises=revised, taux_conversion_pct=pct(len(acc), made),
                      taux_conversion_valeur_pct=pct(int(acc["ht"].sum()), value),
                      delai_moyen_acceptation_jours=avg_delay)
    if avg_delay is not None:
        out.notes["delai_acceptation"] = ("Délai moyen d'acceptation : jours entre la date de la première version "
                                          "du devis et son acceptation.")
    # refusal reasons
    ref = c[c["state"] == REFUSED]
    reasons = ref["reason"].replace("", "Motif non précisé")
    grouped = ref.groupby(reasons)["ht"].agg(["count", "sum"]) if len(ref) else pd.DataFrame(columns=["count", "sum"])
    grouped = grouped.reset_index(names="Motif").sort_values(["count", "sum", "Motif"], ascending=[False, False, True])
    rrows = [{"Motif du refus": str(r["Motif"]), "Nombre": int(r["count"]), "Valeur HT": cents(int(r["sum"]))}
             for r in grouped.to_dict("records")]
    out.tables.append(Table("motifs_refus", "Motifs de refus des devis", pd.DataFrame(
        rrows, columns=["Motif du refus", "Nombre", "Valeur HT"]),
        {"Motif du refus": "text", "Nombre": "int", "Valeur HT": "money"},
        "" if rrows else "Aucun devis refusé sur la période."))
    # follow-up discounts
    frows = []
    revised_mask = c["revised"].astype(bool)
    groups = (("Révisés avec une remise de relance", c[revised_mask]), ("Sans remise de relance", c[~revised_mask]))
    for label, sel in groups if made else ():
        a = sel[sel["state"] == ACCEPTED]
        frows.append({"Devis": label, "Nombre": len(sel), "Acceptés": len(a), "Taux de conversion": pct(len(a), len(sel)),
                      "Valeur acceptée HT": cents(int(a["ht"].sum())),
                      "Remise accordée HT": cents(int((a["first_ht"] - a["ht"]).sum()))})
    if made:
        out.tables.append(Table(
            "remises_relance", "Effet des remises de relance", pd.DataFrame(frows),
            {"Devis": "text", "Nombre": "int", "Acceptés": "int", "Taux de conversion": "pct",
             "Valeur acceptée HT": "money", "Remise accordée HT": "money"},
            "Remise accordée : HT de la première version moins HT de la version acceptée."))


# --------------------------------------------------------------------------- receivables
def open_items(docs: pd.DataFrame, payments: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """What is still owed at `as_of` on each invoice and deposit invoice, with its days late."""
    inv = docs[docs["doc_type"] != wf.T_CREDIT]
    pay = payments[payments["date"].notna() & (payments["date"] <= _ts(as_of))]
    paid = pay.groupby("invoice")["amount"].sum()
    credits = docs[docs["doc_type"] == wf.T_CREDIT].groupby("origin")["total_ttc"].sum()
    balance = inv["total_ttc"] - inv["number"].map(paid).fillna(0).astype("int64") \
        - inv["number"].map(credits).fillna(0).astype("int64")
    items = inv.assign(balance=balance)
    items = items[items["balance"] > 0].copy()
    due = items["due_date"].fillna(items["date"])
    items["due"] = due
    items["late"] = (_ts(as_of) - due).dt.days
    return items


def receivables(items: pd.DataFrame, docs: pd.DataFrame, as_of: dt.date, out: Figures) -> None:
    total = int(items["balance"].sum())
    rows = []
    for label, low, high in AGE_BUCKETS:
        sel = items
        if low is not None:
            sel = sel[sel["late"] >= low]
        if high is not None:
            sel = sel[sel["late"] <= high]
        amount = int(sel["balance"].sum())
        rows.append({"Ancienneté": label, "Pièces": len(sel), "Montant TTC": cents(amount), "Part": pct(amount, total)})
    rows.append({"Ancienneté": "Total", "Pièces": len(items), "Montant TTC": cents(total), "Part": pct(total, total)})
    out.tables.append(Table(
        "balance_agee", f"Balance âgée des créances clients au {date_fr(as_of)}", pd.DataFrame(rows),
        {"Ancienneté": "text", "Pièces": "int", "Montant TTC": "money", "Part": "pct"},
        "Reste dû TTC de chaque facture et facture d'acompte (règlements et avoirs datés jusqu'au jour du rapport "
        "déduits), classé par jours de retard depuis l'échéance ; une pièce échue le jour même n'est pas en retard."))
    late = int(items.loc[items["late"] > 0, "balance"].sum())
    start = as_of - dt.timedelta(days=DSO_DAYS - 1)
    sales = int(docs.loc[_in(docs["date"], start, as_of), "signed_ttc"].sum())
    dso = to_cents(Decimal(total) * DSO_DAYS / Decimal(sales)) if sales > 0 else None
    out.values.update(encours_ttc=cents(total), encours_echu_ttc=cents(late), dso_jours=dso,
                      ca_ttc_90_jours=cents(sales))
    formula = (f"DSO (délai moyen de paiement des clients) = créances clients TTC ÷ chiffre d'affaires TTC des "
               f"{DSO_DAYS} derniers jours × {DSO_DAYS}")
    from pyxl.core.money import euros

    if dso is None:
        out.notes["dso"] = formula + f" : pas de chiffre d'affaires du {date_fr(start)} au {date_fr(as_of)}."
    else:
        out.notes["dso"] = (formula + f" = {euros(cents(total))} ÷ {euros(cents(sales))} × {DSO_DAYS} = "
                            f"{_days(dso)} (du {date_fr(start)} au {date_fr(as_of)}).")


def _days(d: Decimal) -> str:
    return decimal_fr(d, 1) + " jours"


def late_payers(items: pd.DataFrame, out: Figures, top: int = 10) -> None:
    late = items[items["late"] > 0]
    rows = []
    if len(late):
        g = late.groupby("client").agg(amount=("balance", "sum"), docs=("balance", "size"), oldest=("late", "max"),
                                       name=("client_name", "first"))
        g = g.reset_index().sort_values(["amount", "client"], ascending=[False, True]).head(top)
        rows = [{"Client": str(r["client"]), "Nom": str(r["name"]), "Montant échu TTC": cents(int(r["amount"])),
                 "Pièces": int(r["docs"]), "Plus ancien retard (jours)": int(r["oldest"])}
                for r in g.to_dict("records")]
    out.tables.append(Table("retards", f"Plus gros retards de paiement ({top} premiers clients)",
                            pd.DataFrame(rows, columns=["Client", "Nom", "Montant échu TTC", "Pièces",
                                                        "Plus ancien retard (jours)"]),
                            {"Client": "text", "Nom": "text", "Montant échu TTC": "money", "Pièces": "int",
                             "Plus ancien retard (jours)": "int"},
                            "" if rows else "Aucune pièce en retard au jour du rapport."))


def recovered_by_level(reminders: pd.DataFrame, payments: pd.DataFrame, period: Period, as_of: dt.date,
                       out: Figures) -> None:
    """Payments of the period received after a reminder of their invoice, by the highest level reached
    before each payment (the reminders of issue 6, sheet « Relances »)."""
    r = reminders[reminders["date"].notna() & (reminders["date"] <= _ts(as_of)) & (reminders["level"] > 0)]
    columns = ["Niveau", "Montant recouvré TTC", "Factures"]
    formats = {"Niveau": "text", "Montant recouvré TTC": "money", "Factures": "int"}
    if r.empty:
        out.notes["relances"] = NO_REMINDERS
        out.values["recouvre_par_niveau_de_relance"] = None
        out.tables.append(Table("recouvre_relances", "Recouvré après chaque niveau de relance",
                                pd.DataFrame([], columns=columns), formats, NO_REMINDERS))
        return
    reached: dict[str, list[tuple[pd.Timestamp, int]]] = {}
    for (invoice, level), day in r.groupby(["invoice", "level"])["date"].min().items():
        reached.setdefault(str(invoice), []).append((day, int(level)))
    pays = payments[_in(payments["date"], period.start, period.end) & (payments["date"] <= _ts(as_of))
                    & payments["invoice"].isin(list(reached))]
    cents_by_level: dict[int, int] = {}
    invoices_by_level: dict[int, set[str]] = {}
    for rec in pays.itertuples(index=False):
        before = [lvl for day, lvl in reached[str(rec.invoice)] if day < rec.date]
        if not before:
            continue  # paid before any reminder of this invoice
        lvl = max(before)
        cents_by_level[lvl] = cents_by_level.get(lvl, 0) + int(rec.amount)
        invoices_by_level.setdefault(lvl, set()).add(str(rec.invoice))
    rows = [{"Niveau": LEVEL_LABELS.get(lvl, f"Niveau {lvl}"), "Montant recouvré TTC": cents(cents_by_level.get(lvl, 0)),
             "Factures": len(invoices_by_level.get(lvl, set()))}
            for lvl in sorted({lvl for v in reached.values() for _d, lvl in v})]
    total = sum(cents_by_level.values())
    rows.append({"Niveau": "Total", "Montant recouvré TTC": cents(total),
                 "Factures": len(set().union(*invoices_by_level.values())) if invoices_by_level else 0})
    out.tables.append(Table("recouvre_relances", "Recouvré après chaque niveau de relance",
                            pd.DataFrame(rows, columns=columns), formats, RECOVERED))
    out.notes["relances"] = RECOVERED
    out.values["recouvre_par_niveau_de_relance"] = cents(total)


def cash_in(items: pd.DataFrame, as_of: dt.date, out: Figures) -> None:
    monday = as_of - dt.timedelta(days=as_of.weekday())
    rows = []
    overdue = items[items["due"] < _ts(as_of)]
    rows.append({"Échéance": "Déjà échu (en retard)", "Du": "", "Au": date_fr(as_of - dt.timedelta(days=1)),
                 "Pièces": len(overdue), "Montant TTC": cents(int(overdue["balance"].sum()))})
    expected = 0
    for k in range(WEEKS):
        first = monday + dt.timedelta(days=7 * k)
        last = first + dt.timedelta(days=6)
        sel = items[_in(items["due"], max(first, as_of), last)]
        amount = int(sel["balance"].sum())
        expected += amount
        rows.append({"Échéance": f"Semaine {k + 1}", "Du": date_fr(max(first, as_of)), "Au": date_fr(last),
                     "Pièces": len(sel), "Montant TTC": cents(amount)})
    after = items[items["due"] > _ts(monday + dt.timedelta(days=7 * WEEKS - 1))]
    rows.append({"Échéance": "Plus tard", "Du": date_fr(monday + dt.timedelta(days=7 * WEEKS)), "Au": "",
                 "Pièces": len(after), "Montant TTC": cents(int(after["balance"].sum()))})
    out.tables.append(Table(
        "encaissements", f"Encaissements attendus sur {WEEKS} semaines, d'après les échéances", pd.DataFrame(rows),
        {"Échéance": "text", "Du": "text", "Au": "text", "Pièces": "int", "Montant TTC": "money"},
        "Reste dû TTC des pièces non réglées, par semaine d'échéance (du lundi au dimanche ; la première semaine "
        "part du jour du rapport). Le déjà-échu n'est pas compté dans les semaines."))
    out.values["encaissements_8_semaines_ttc"] = cents(expected)


# --------------------------------------------------------------------------- basket and margin
def basket_and_margin(docs: pd.DataFrame, lines: pd.DataFrame, period: Period, out: Figures) -> None:
    finals = docs[(docs["doc_type"] == wf.T_INVOICE) & _in(docs["date"], period.start, period.end)]
    credits = docs[(docs["doc_type"] == wf.T_CREDIT) & _in(docs["date"], period.start, period.end)
                   & docs["origin"].isin(set(docs.loc[docs["doc_type"] == wf.T_INVOICE, "number"]))]
    ln = lines[lines["doc"].isin(set(finals["ref"]) | set(credits["ref"]))]
    deduction = ln["source"] != ""
    ded = ln[deduction].groupby("doc")["net"].sum()  # deposits deducted (negative HT)
    goods = ln[~deduction]
    priced = goods["purchase_price"].notna()
    cost_milli = (goods.loc[priced, "qty"].astype("int64") * goods.loc[priced, "purchase_price"].astype("int64"))
    cost = cost_milli.groupby(goods.loc[priced, "doc"]).sum()
    unpriced = goods.loc[~priced].groupby("doc")["net"].sum()
    fin = finals.assign(sales=finals["total_ht"] - finals["ref"].map(ded).fillna(0).astype("int64"),
                        cost=finals["ref"].map(cost).fillna(0).astype("int64"),
                        unpriced=finals["ref"].map(unpriced).fillna(0).astype("int64"))
    nature_of = dict(zip(docs["number"], docs["nature"], strict=False))
    cr = credits.assign(cost=credits["ref"].map(cost).fillna(0).astype("int64"),
                        nature=credits["origin"].map(nature_of).fillna(credits["nature"]))
    rows = []
    natures = [n for n in NATURES if n in set(fin["nature"]) | set(cr["nature"])]
    natures += sorted((set(fin["nature"]) | set(cr["nature"])) - set(natures))
    for label in [*natures, "Total"]:
        f = fin if label == "Total" else fin[fin["nature"] == label]
        c = cr if label == "Total" else cr[cr["nature"] == label]
        sales, credit = int(f["sales"].sum()), int(c["total_ht"].sum())
        cost_cents = _cost_cents(int(f["cost"].sum()) - int(c["cost"].sum()))
        base = sales - credit
        margin = base - cost_cents
        rows.append({"Nature des travaux": label or "Non précisée", "Factures": len(f), "Ventes HT": cents(sales),
                     "Avoirs HT": cents(credit), "Coût d'achat HT": cents(cost_cents),
                     "Marge brute HT": cents(margin), "Taux de marge": pct(margin, base),
                     "Panier moyen HT": to_cents(cents(sales) / len(f)) if len(f) else None})
    total = rows[-1]
    unpriced_total = int(fin["unpriced"].sum())
    out.tables.append(Table(
        "marge", "Panier moyen et marge brute (factures finales de la période)", pd.DataFrame(rows),
        {"Nature des travaux": "text", "Factures": "int", "Ventes HT": "money", "Avoirs HT": "money",
         "Coût d'achat HT": "money", "Marge brute HT": "money", "Taux de marge": "pct", "Panier moyen HT": "money"},
        "Ventes HT : travaux des factures finales avant déduction des acomptes. Coût d'achat : quantité × prix "
        "d'achat enregistré sur chaque ligne. Panier moyen : ventes HT ÷ nombre de factures."
        + (f" Lignes sans prix d'achat (main-d'œuvre, déplacement…) : {_euros(cents(unpriced_total))} HT, "
           "comptées sans coût." if unpriced_total else "")))
    out.values.update(panier_moyen_ht=total["Panier moyen HT"], marge_brute_ht=total["Marge brute HT"],
                      taux_marge_pct=total["Taux de marge"], factures_finales=total["Factures"])


def _cost_cents(milli_cents: int) -> int:
    """Σ quantity (thousandths) × purchase price (cents) → cents, rounded half-up once."""
    return int(to_cents(Decimal(milli_cents).scaleb(-5)).scaleb(2))


def _euros(value: Decimal) -> str:
    from pyxl.core.money import euros

    return euros(value)


# --------------------------------------------------------------------------- all
def compute(tables: dict[str, pd.DataFrame], as_of: dt.date, period: Period) -> Figures:
    out = Figures()
    period = period.cut(as_of)
    docs = issued(tables["tFactures"], as_of)
    turnover_by_month(docs, period, as_of, out)
    turnover_by_nature(docs, period, out)
    turnover_by_sector(docs, tables["tClients"], period, out)
    quotes_figures(tables["tDevis"], period, as_of, out)
    items = open_items(docs, tables["tReglements"], as_of)
    receivables(items, docs, as_of, out)
    late_payers(items, out)
    recovered_by_level(tables["tRelances"], tables["tReglements"], period, as_of, out)
    cash_in(items, as_of, out)
    basket_and_margin(docs, tables["tLignesFactures"], period, out)
    return out
