"""Company identity and settings (Paramètres): view and modify, each value checked by its kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pyxl.core import fields
from pyxl.core.frformat import decimal_fr
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.money import AmountError, parse_decimal
from pyxl.services.common import Result
from pyxl.workbook.schema import SCHEMA, Parameter
from pyxl.workbook.store import Store


def _rate(value: str) -> str:
    """A percentage (« 12,5 »), or « 3x » = three times the legal interest rate of each half-year
    (README-taux step 2)."""
    from pyxl.services.dunning import THREE_TIMES_RE

    v = value.strip().removesuffix("%").strip()
    if not v:
        return ""
    if THREE_TIMES_RE.match(v.replace("’", "'")):
        return "3x"
    try:
        d = parse_decimal(v, max_places=2)
    except AmountError as exc:
        raise fields.FieldError(f"le taux {exc}") from None
    if d < 0 or d > 50:
        raise fields.FieldError(f"le taux « {value} » doit être compris entre 0 et 50 %.")
    return decimal_fr(d.normalize())


def _ape(value: str) -> str:
    """NAF code of INSEE: 2 digits, 2 digits, a letter (4322B, also typed 43.22B)."""
    import re

    v = value.strip().upper().replace(".", "")
    if not v:
        return ""
    if not re.fullmatch(r"\d{4}[A-Z]", v):
        raise fields.FieldError(f"le code APE « {value} » doit s'écrire 4 chiffres et une lettre (ex. 4322B).")
    return v


def _capital(value: str) -> str:
    d = fields.amount(value, label="Le capital")
    return "" if d is None else decimal_fr(d)


VALIDATORS: dict[str, Callable[[str], str]] = {
    "texte": lambda v: fields.text(v, label="La valeur", max_len=500),
    "siret": lambda v: fields.siret_only(v),
    "tva": lambda v: fields.vat_number(v),
    "iban": fields.iban,
    "bic": fields.bic,
    "email": lambda v: fields.email(v),
    "tel": lambda v: fields.phone(v),
    "cp": lambda v: fields.postcode(v, required=False),
    "entier": lambda v: str(fields.integer(v, label="La valeur", minimum=1, maximum=3650)) if v.strip() else "",
    "ape": lambda v: _ape(v),
    "montant": _capital,
    "conditions": lambda v: fields.payment_terms(v),
    "jour-mois": lambda v: fields.day_month(v),
    "taux-libre": _rate,
    "port": lambda v: str(fields.integer(v, label="Le port", minimum=1, maximum=65535)) if v.strip() else "",
}


def parameter(code: str) -> Parameter:
    for p in SCHEMA.parameters:
        if p.code == code.strip().lower():
            return p
    codes = ", ".join(p.code for p in SCHEMA.parameters)
    raise Refused(Issue("param.unknown", f"Paramètre « {fields.shown(code)} » inconnu. Codes possibles : {codes}.", "Paramètres"))


def check_value(p: Parameter, value: str) -> str:
    if p.kind == "choix":
        return fields.choice(value, p.choices, label=p.label, required=True)
    return VALIDATORS.get(p.kind, VALIDATORS["texte"])(value)


def modify_parameter(store: Store, code: str, value: str, as_of: dt.date | None = None) -> Result:
    p = parameter(code)
    row = next((r for r in store.rows("tParametres") if str(r["code"]) == p.code), None)
    where = f"{row.where} ({p.code})" if row is not None else f"Paramètres ({p.code})"
    try:
        clean = check_value(p, value)
    except fields.FieldError as exc:
        raise Refused(Issue("param.value", f"Paramètre « {p.label} » ({p.code}) : {fields.after_colon(str(exc))}", where)) from None
    if p.code == "tva_intra" and clean:
        siret = store.parameters().get("siret", "")
        try:
            fields.vat_number(clean, siren=siret)
        except fields.FieldError as exc:
            raise Refused(Issue("param.value", f"Paramètre « {p.label} » ({p.code}) : {fields.after_colon(str(exc))}",
                                where)) from None
    res = Result()
    if p.code == "taux_penalites_contractuel" and clean and as_of is not None:
        from pyxl.services import dunning, dunning_rates

        rate = dunning.read_contractual_rate(clean)[0]
        tables = dunning_rates.tables(store)
        if refusal := dunning.floor_refusal(rate, tables, as_of):
            raise Refused(Issue("param.plancher", f"Paramètre « {p.label} » ({p.code}) : {refusal}", where))
        res.warnings.extend(Issue("param.plancher.futur", w, where, Severity.WARNING)
                            for w in dunning.floor_warnings(rate, tables, as_of))
    if p.code == "conditions_paiement" and clean and (cap := fields.business_terms_cap(clean)):
        res.warnings.append(Issue("param.terms_cap", f"{cap} Ces conditions par défaut seront refusées pour "
                                                     "les clients professionnels : fixez-leur des conditions "
                                                     "propres (syc client modifier … --conditions).", where,
                                  Severity.WARNING))
    if p.code == "siret" and clean:
        tva = store.parameters().get("tva_intra", "")
        try:
            fields.vat_number(tva, siren=clean)
        except fields.FieldError:
            res.warnings.append(Issue("param.siren", f"Le n° de TVA intracommunautaire {tva} ne correspond pas à "
                                                     f"ce SIRET : corrigez-le (syc parametres modifier tva_intra …).",
                                      where, Severity.WARNING))
    if row is None:
        res.changes.append("tParametres", {"code": p.code, "label": p.label, "value": clean, "help": p.help})
    elif str(row["value"] or "") != clean:
        res.changes.update("tParametres", row, {"value": clean})
    res.message = f"Paramètre « {p.label} » : {clean or '(vide)'}."
    res.data = {"code": p.code, "valeur": clean}
    return res


def view_parameters(store: Store) -> list[dict[str, str]]:
    values = store.parameters()
    return [{"code": p.code, "parametre": p.label, "valeur": values.get(p.code, "")} for p in SCHEMA.parameters]
