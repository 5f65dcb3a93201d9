"""Client file: add, modify, list, show. Codes C00001, C00002… from Compteurs."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from pyxl.core import fields
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.services.common import Collector, Result, find, next_number, record_update, search_key, sector_for
from pyxl.workbook.schema import CLIENT_CATEGORIES, CLIENT_KINDS, NO, T_CLIENTS, YES
from pyxl.workbook.store import Row, Store

SERIES = "Client"
KIND_ALIASES = {"pro": "Professionnel", "part": "Particulier", "entreprise": "Professionnel"}
CATEGORY_ALIASES = {"commercant-artisan": "Commerçant-artisan", "commercant": "Commerçant-artisan",
                    "artisan": "Commerçant-artisan", "autre": "Autre"}


@dataclass
class ClientInput:
    """What the user typed; None means 'not given' (modify keeps the current value)."""

    name: str | None = None
    kind: str | None = None
    first_name: str | None = None
    address: str | None = None
    address2: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    phone: str | None = None
    email: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    category: str | None = None
    terms: str | None = None
    active: str | None = None
    notes: str | None = None
    marketing_mail: str | None = None
    headcount: str | None = None  # employees of a professional (L221-3 C. conso)
    iban: str | None = None  # schema 15: the account the client pays from; "" clears it


def _validate(c: Collector, values: dict[str, Any]) -> dict[str, Any]:
    """Validate a complete client record (after merging with the current one for modify)."""
    col = T_CLIENTS.column
    out: dict[str, Any] = {}
    out["kind"] = c.check("client.kind", lambda: fields.choice(values.get("kind"), CLIENT_KINDS,
                                                               label="Le type", required=True, aliases={
                                                                   k.lower(): v for k, v in KIND_ALIASES.items()}))
    for key, label, required in (("name", "Le nom", True), ("first_name", "Le prénom", False),
                                 ("address", "L'adresse", True), ("address2", "Le complément d'adresse", False),
                                 ("city", "La ville", True), ("country", "Le pays", False)):
        out[key] = c.check(f"client.{key}", functools.partial(
            fields.text, values.get(key), label=label, required=required, max_len=col(key).max_len))
    out["notes"] = c.check("client.notes", lambda: fields.text(values.get("notes"), label="La remarque",
                                                               max_len=col("notes").max_len, multiline=True))
    country = out.get("country") or "France"
    out["country"] = country
    out["postcode"] = c.check("client.postcode", lambda: fields.postcode(values.get("postcode"), country=country))
    out["phone"] = c.check("client.phone", lambda: fields.phone(values.get("phone")))
    out["iban"] = c.check("client.iban", lambda: fields.iban(values.get("iban"), compact=True))
    out["email"] = c.check("client.email", lambda: fields.email(values.get("email")))
    is_business = out["kind"] == "Professionnel"
    out["siret"] = c.check("client.siret", lambda: fields.siren_or_siret(
        values.get("siret"), label="Le SIRET / SIREN", required=is_business))
    out["vat_number"] = c.check("client.vat", lambda: fields.vat_number(values.get("vat_number"),
                                                                       siren=out.get("siret") or ""))
    out["category"] = c.check("client.category", lambda: fields.choice(
        values.get("category"), CLIENT_CATEGORIES, label="La catégorie", aliases=CATEGORY_ALIASES))
    form = fields.commercial_form(out.get("name")) if is_business else None
    if is_business and not out["category"]:
        out["category"] = "Commerçant-artisan" if form else "Autre"
    elif form and out["category"] == "Autre":
        c.warn("client.category.form", msg("client.category.form", form=form))
    if not is_business and out.get("category"):
        c.error("client.category", msg("client.category"))
    out["terms"] = c.check("client.terms", lambda: fields.payment_terms(values.get("terms")))
    if is_business and out.get("terms"):
        cap = fields.business_terms_cap(out["terms"])
        if cap:
            c.error("client.terms_cap", cap)
    active = values.get("active")
    out["active"] = c.check("client.active", lambda: fields.choice(
        active if active not in (None, "") else YES, (YES, NO), label="Actif"))
    headcount = values.get("headcount")
    out["headcount"] = None
    if headcount not in (None, ""):
        out["headcount"] = c.check("client.headcount", lambda: fields.integer(
            str(headcount), label="L'effectif", minimum=0, maximum=1_000_000))
        if not is_business:
            c.error("client.headcount", "l'effectif ne se note que pour un client professionnel (art. L221-3 du Code "
                                        "de la consommation : professionnel de cinq salariés au plus).")
    # postal prospecting is lawful unless the client objected (opt-out): blank means yes
    consent = values.get("marketing_mail")
    out["marketing_mail"] = c.check("client.marketing", lambda: fields.choice(
        consent if consent not in (None, "") else YES, (YES, NO), label="La prospection (courriers commerciaux)"))
    return out


def _duplicates(c: Collector, store: Store, rec: dict[str, Any], own_code: str = "") -> None:
    check = msg("client.duplicate.check")
    for r in store.rows("tClients"):
        if r["code"] == own_code:
            continue
        same_name = search_key(str(r["name"] or "") + str(r["first_name"] or "")) == search_key(
            str(rec.get("name") or "") + str(rec.get("first_name") or ""))
        if same_name and str(r["postcode"] or "") == rec.get("postcode"):
            c.warn("client.duplicate", msg("client.duplicate.name", code=r["code"], where=r.where, check=check))
        elif rec.get("email") and str(r["email"] or "").casefold() == rec["email"].casefold():
            c.warn("client.duplicate", msg("client.duplicate.value", what="l'e-mail", value=rec["email"],
                                           code=r["code"], where=r.where))
        if rec.get("iban") and str(r.get("iban") or "") == rec["iban"]:
            c.warn("client.duplicate", msg("client.duplicate.value", what="l'IBAN", value=fields.iban_shown(rec["iban"]),
                                           code=r["code"], where=r.where))
        theirs = str(r["siret"] or "")
        if rec.get("siret") and theirs == rec["siret"]:
            c.warn("client.duplicate", msg("client.duplicate.value", what="le SIRET", value=rec["siret"],
                                           code=r["code"], where=r.where))
        elif rec.get("siret") and theirs[:9] == rec["siret"][:9]:
            # a SIREN and a SIRET of the same company, or two of its establishments
            c.warn("client.duplicate", msg("client.duplicate.siren", code=r["code"], where=r.where,
                                           siren=rec["siret"][:9], check=check))


def add_client(store: Store, given: ClientInput, as_of: dt.date) -> Result:
    c = Collector(msg("client.label.new", name=fields.shown((given.name or "").strip()) or "?"))
    rec = _validate(c, dict(given.__dict__))
    if not c.issues:
        _duplicates(c, store, rec)
    warnings = c.raise_if_errors()
    res = Result(warnings=warnings)
    existing = [int(m.group(1)) for r in store.rows("tClients")
                if (m := re.fullmatch(r"C(\d+)", str(r["code"] or "")))]
    n = next_number(store, res.changes, SERIES, None, existing)
    code = f"C{n:05d}"
    rec.update(code=code, created=as_of, sector=sector_for(store, rec["postcode"]))
    res.changes.append("tClients", rec)
    res.message = msg("client.created", code=code, name=display_name(rec))
    if not rec["sector"]:
        res.warnings.append(Issue("client.sector", msg("client.sector", code=code, postcode=rec["postcode"]), code,
                                  severity=Severity.WARNING))
    res.data = {"code": code, "client": to_json(rec)}
    return res


def modify_client(store: Store, code: str, given: ClientInput) -> Result:
    row = get_client(store, code)
    c = Collector(msg("client.label.row", code=row["code"], where=row.where))
    merged = dict(row.values)
    changed = {k: v for k, v in given.__dict__.items() if v is not None}
    if not changed:
        raise Refused(Issue("client.nothing", msg("client.nothing", code=row["code"]), row.where))
    merged.update(changed)
    rec = _validate(c, merged)
    # warn of a possible duplicate only when what identifies the client changes
    if not c.issues and any(rec.get(k) != row.get(k) for k in ("name", "first_name", "postcode", "email", "siret",
                                                                  "iban")):
        _duplicates(c, store, rec, own_code=row["code"])
    warnings = c.raise_if_errors()
    if rec["postcode"] != row["postcode"]:
        rec["sector"] = sector_for(store, rec["postcode"])
    updates = {k: v for k, v in rec.items() if (v or None) != (row.get(k) or None)}
    res = Result(warnings=warnings)
    record_update(res, T_CLIENTS, row, updates, msg("client.label", code=row["code"]))
    return res


def get_client(store: Store, code: str) -> Row:
    typed = (code or "").strip()
    found = store.rows_where("tClients", "code", {typed, typed.upper()}) if typed else []
    row = found[0] if found else find(store, "tClients", "code", code or "")
    if row is None:
        code = fields.shown(code)
        raise Refused(Issue("client.unknown", msg("client.unknown", code=code), msg("client.where", code=code)))
    return row


def display_name(rec: Any) -> str:
    first = rec.get("first_name") or ""
    return f"{rec.get('name')} {first}".strip()


def list_clients(store: Store, search: str = "") -> list[Row]:
    rows = store.rows("tClients")
    if search:
        s = search_key(search)
        rows = [r for r in rows if any(s in search_key(str(r.get(k) or "")) for k in
                                       ("code", "name", "first_name", "city", "postcode", "email", "phone"))]
    return sorted(rows, key=lambda r: str(r["code"]))


def to_json(rec: Any) -> dict[str, Any]:
    out = {}
    for col in T_CLIENTS.columns:
        v = rec.get(col.key)
        out[col.key] = v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)
    return out
