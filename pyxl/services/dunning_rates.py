"""Rate tables of the workbook (Taux légal, Taux BCE, Taux pénalités) as core values, and
`syc taux ajouter`: one half-year added with its sources, the derived columns computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pyxl.core import fields, money
from pyxl.core import interest as it
from pyxl.core.frformat import date_fr, interest_rate
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.services.common import Result
from pyxl.workbook import seeds
from pyxl.workbook.store import Store

TEN = Decimal(10)


def _dec(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    return money.parse_decimal(v, max_places=None)


def tables_from_rows(legal: Iterable[Mapping[str, Any]], penalty: Iterable[Mapping[str, Any]]) -> it.RateTables:
    """Rows with a missing or unreadable rate are left out: their half-year is then « missing »
    and its days are held back with a warning (never a guess)."""
    lr, pr = [], []
    for r in legal:
        half, private, other = str(r.get("half") or "").strip(), _dec(r.get("private")), _dec(r.get("other"))
        if half and private is not None and other is not None:
            lr.append(it.LegalRate(half, private, other, str(r.get("source") or "")))
    for r in penalty:
        half = str(r.get("half") or "").strip()
        ecb, default, floor = _dec(r.get("ecb")), _dec(r.get("default")), _dec(r.get("floor"))
        if half and default is not None and floor is not None:
            pr.append(it.PenaltyRate(half, ecb if ecb is not None else default - TEN, default, floor,
                                     str(r.get("source") or "")))
    return it.RateTables(tuple(lr), tuple(pr))


def shipped_tables() -> it.RateTables:
    """The tables as shipped (tests, and workbooks older than version 4 are migrated to these)."""
    return tables_from_rows(seeds.legal_rate_rows(), seeds.penalty_rate_rows())


def tables(store: Store) -> it.RateTables:
    return tables_from_rows((r.values for r in store.rows("tTauxLegal")),
                            (r.values for r in store.rows("tTauxPenalites")))


def ecb_rate_on(store: Store, day: dt.date) -> Decimal | None:
    best: tuple[dt.date, Decimal] | None = None
    for r in store.rows("tTauxBCE"):
        since, rate = r["since"], _dec(r["rate"])
        if isinstance(since, dt.date) and rate is not None and since <= day and (best is None or since > best[0]):
            best = (since, rate)
    return best[1] if best else None


def _rate(text: str, label: str) -> Decimal:
    try:
        value = money.parse_decimal(text, max_places=3)
    except money.AmountError as exc:
        raise fields.FieldError(f"{label} : {exc}.") from None
    if not Decimal(0) <= value < Decimal(100):
        raise fields.FieldError(f"{label} : {text} n'est pas un taux annuel en pourcentage (exemple : 2,75).")
    return value


def fmt(rate: Decimal) -> str:
    return interest_rate(rate)


def add_half(store: Store, half: str, private_text: str, other_text: str, source: str,
             ecb_text: str = "", ecb_source: str = "") -> Result:
    """Add one half-year: legal rates (arrêté) and the B2B reference derived from the ECB rate in
    force on its first day (given, or read in « Taux BCE »)."""
    half = (half or "").strip().upper().replace("-S", "-S")
    try:
        start, end = it.half_bounds(half)
    except (ValueError, IndexError):
        raise Refused(Issue("taux.semestre", f"Semestre « {half} » invalide : écrivez AAAA-S1 (1er janvier–30 juin) "
                                             "ou AAAA-S2 (1er juillet–31 décembre), ex. 2027-S1.", half)) from None
    private = _rate(private_text, f"{half} : le taux pour un créancier particulier")
    other = _rate(other_text, f"{half} : le taux « autres cas »")
    source = fields.text(source, label=f"{half} : la source", required=True, max_len=1000)
    res = Result()
    have_legal = {str(r["half"] or "").strip().upper() for r in store.rows("tTauxLegal")}
    have_pen = {str(r["half"] or "").strip().upper() for r in store.rows("tTauxPenalites")}
    if half in have_legal and half in have_pen:
        raise Refused(Issue("taux.existe", f"Le semestre {half} est déjà dans les feuilles « Taux légal » et "
                                           "« Taux pénalités » : corrigez la ligne dans le classeur si elle est fausse.",
                            half))
    if ecb_text:
        ecb = _rate(ecb_text, f"{half} : le taux BCE au {date_fr(start)}")
        ecb_src = fields.text(ecb_source or source, label="La source du taux BCE", max_len=1000)
        known = ecb_rate_on(store, start)
        if known != ecb:
            res.changes.append("tTauxBCE", {"since": start, "rate": ecb, "source": ecb_src})
        ecb_note = msg("taux.bce.note", day=date_fr(start), rate=ecb, source=f"saisi : {ecb_src}")
    else:
        found = ecb_rate_on(store, start)
        if found is None:
            raise Refused(Issue("taux.bce", f"{half} : aucun taux BCE connu au {date_fr(start)} dans la feuille "
                                            "« Taux BCE » : donnez-le avec --bce TAUX --source-bce TEXTE.", half))
        ecb = found
        ecb_note = msg("taux.bce.note", day=date_fr(start), rate=ecb, source="feuille « Taux BCE »")
        res.warnings.append(Issue("taux.bce.verifier", f"{half} : taux BCE repris de la feuille « Taux BCE » "
                                                       f"({fmt(ecb)} au {date_fr(start)}). Vérifiez qu'aucune décision "
                                                       "de la BCE ne l'a changé depuis (sinon ajoutez-la avec --bce).",
                                  half, Severity.WARNING))
    if half not in have_legal:
        res.changes.append("tTauxLegal", {"half": half, "start": start, "end": end, "private": private,
                                          "other": other, "source": source})
    default, floor = ecb + TEN, other * 3
    if half not in have_pen:
        res.changes.append("tTauxPenalites", {
            "half": half, "ecb": ecb, "default": default, "floor": floor,
            "source": f"dérivé : {ecb_note} + 10 points ; plancher = 3 × {other} (taux légal autres cas {half}) ; "
                      "règle : art. L441-10 II C. com."})
    pct = interest_rate
    res.message = (f"Semestre {half} ajouté : taux légal {pct(other)} (autres cas), {pct(private)} (créancier "
                   f"particulier) ; pénalités entre professionnels {pct(default)} (BCE {pct(ecb)} + 10 points), "
                   f"plancher 3 × taux légal {pct(floor)}.")
    res.data = {"semestre": half, "taux_autres_cas": other, "taux_particuliers": private, "taux_bce": ecb,
                "taux_penalites": default, "plancher": floor}
    return res
