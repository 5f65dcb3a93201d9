"""Catalogue of articles, labour and travel, with purchase prices for margins."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyxl.core import fields
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg
from pyxl.services.common import Collector, Result, find, record_update, search_key
from pyxl.workbook.schema import CATEGORIES, FAMILIES, NO, T_ARTICLES, UNITS, YES
from pyxl.workbook.store import Row, Store

FAMILY_ALIASES = {"materiel": "Matériel", "main-doeuvre": "Main-d'œuvre", "main-d-oeuvre": "Main-d'œuvre",
                  "mo": "Main-d'œuvre", "main-oeuvre": "Main-d'œuvre", "deplacement": "Déplacement", "service": "Service"}
CATEGORY_ALIASES = {"chaudiere-gaz": "Chaudière gaz", "chaudiere-fioul": "Chaudière fioul", "pac-air-eau": "PAC air/eau",
                    "pac-eau-eau": "PAC eau/eau", "pac-geothermique": "PAC géothermique",
                    "chauffe-eau-thermodynamique": "Chauffe-eau thermodynamique", "pac-air-air": "PAC air/air",
                    "pac-a-classer": "PAC à classer",
                    "biomasse": "Biomasse", "radiateur": "Radiateur", "piece": "Pièce",
                    "regulation": "Régulation", "ballon-ecs": "Ballon ECS", "autre": "Autre"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,19}$")


@dataclass
class ArticleInput:
    code: str | None = None
    designation: str | None = None
    unit: str | None = None
    unit_price: str | None = None
    vat_rate: str | None = None
    purchase_price: str | None = None
    family: str | None = None
    category: str | None = None
    active: str | None = None


def _validate(c: Collector, v: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    code = (v.get("code") or "").strip()
    if not code:
        c.error("article.code", msg("article.code.required"))
    elif not _CODE.match(code):
        c.error("article.code", msg("article.code", code=fields.shown(code)))
    out["code"] = code
    out["designation"] = c.check("article.designation", lambda: fields.text(
        v.get("designation"), label="La désignation", required=True, max_len=T_ARTICLES.column("designation").max_len))
    out["unit"] = c.check("article.unit", lambda: fields.choice(v.get("unit"), UNITS, label="L'unité", required=True))
    out["unit_price"] = c.check("article.price", lambda: fields.amount(v.get("unit_price"), label="Le prix unitaire HT",
                                                                       required=True))
    out["vat_rate"] = c.check("article.vat", lambda: fields.vat_rate(v.get("vat_rate")))
    out["purchase_price"] = c.check("article.purchase", lambda: fields.amount(
        v.get("purchase_price"), label="Le prix d'achat HT"))
    out["family"] = c.check("article.family", lambda: fields.choice(v.get("family"), FAMILIES, label="La famille",
                                                                    aliases=FAMILY_ALIASES))
    out["category"] = c.check("article.category", lambda: fields.choice(
        v.get("category"), CATEGORIES, label="La catégorie", aliases=CATEGORY_ALIASES))
    active = v.get("active")
    out["active"] = c.check("article.active", lambda: fields.choice(
        active if active not in (None, "") else YES, (YES, NO), label="Actif"))
    if out["family"] == "Main-d'œuvre" and out["unit"] not in ("h", "forfait"):
        c.warn("article.unit", msg("article.unit"))
    up, pp = out.get("unit_price"), out.get("purchase_price")
    if isinstance(up, Decimal) and isinstance(pp, Decimal) and pp > up:
        c.warn("article.margin", msg("article.margin", purchase=pp, price=up))
    return out


def add_article(store: Store, given: ArticleInput, as_of: dt.date) -> Result:
    c = Collector(msg("article.label.new", code=fields.shown((given.code or "").strip()) or "?"))
    rec = _validate(c, dict(given.__dict__))
    if rec["code"] and find(store, "tArticles", "code", rec["code"]):
        c.error("article.duplicate", msg("article.duplicate", code=rec["code"]))
    warnings = c.raise_if_errors()
    res = Result(warnings=warnings)
    res.changes.append("tArticles", rec)
    res.message = msg("article.created", code=rec["code"], designation=rec["designation"])
    res.data = {"code": rec["code"], "article": to_json(rec)}
    return res


def modify_article(store: Store, code: str, given: ArticleInput) -> Result:
    row = get_article(store, code)
    c = Collector(msg("article.label.row", code=row["code"], where=row.where))
    changed = {k: v for k, v in given.__dict__.items() if v is not None and k != "code"}
    if not changed:
        raise Refused(Issue("article.nothing", msg("article.nothing", code=row["code"]), row.where))
    # format(…, 'f'), not str(): a rate read back as Decimal('2E+1') must stay '20'
    merged = {k: (format(v, 'f') if isinstance(v, Decimal) else v) for k, v in row.values.items()}
    merged.update(changed)
    rec = _validate(c, merged)
    warnings = c.raise_if_errors()
    updates = {k: v for k, v in rec.items() if k != "code" and (v if v != "" else None) != row.get(k)}
    res = Result(warnings=warnings)
    record_update(res, T_ARTICLES, row, updates, msg("article.label", code=row["code"]))
    return res


def get_article(store: Store, code: str) -> Row:
    row = find(store, "tArticles", "code", code or "")
    if row is None:
        code = fields.shown(code)
        raise Refused(Issue("article.unknown", msg("article.unknown", code=code), msg("article.where", code=code)))
    return row


def list_articles(store: Store, search: str = "") -> list[Row]:
    rows = store.rows("tArticles")
    if search:
        s = search_key(search)
        rows = [r for r in rows if s in search_key(str(r["code"])) or s in search_key(str(r["designation"] or ""))]
    return sorted(rows, key=lambda r: str(r["code"]))


def to_json(rec: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in T_ARTICLES.columns:
        v = rec.get(col.key)
        if isinstance(v, Decimal):
            out[col.key] = f"{v:.2f}" if col.key in ("unit_price", "purchase_price") else format(v.normalize(), "f")
        else:
            out[col.key] = "" if v is None else v
    return out
