"""Geographic sectors: postal-code prefixes → sector (used for planning by sector later)."""

from __future__ import annotations

import re

from pyxl.core import fields
from pyxl.services.common import Collector, Result, best_sector, find, sectors_of
from pyxl.workbook.store import Store


def add_sector(store: Store, prefix: str, name: str, notes: str = "") -> Result:
    p = (prefix or "").strip()
    c = Collector(f"Secteur {fields.shown(p) or '?'}")
    if not re.fullmatch(r"[0-9]{1,5}", p):
        c.error("sector.prefix", "le début de code postal doit compter 1 à 5 chiffres (ex. 69 ou 6900).")
    name = c.check("sector.name", lambda: fields.text(name, label="Le nom du secteur", required=True, max_len=60))
    notes = c.check("sector.notes", lambda: fields.text(notes, label="La remarque", max_len=300))
    if p and find(store, "tSecteurs", "prefix", p):
        c.error("sector.duplicate", f"le début de code postal {p} est déjà affecté à un secteur.")
    warnings = c.raise_if_errors()
    res = Result(warnings=warnings)
    res.changes.append("tSecteurs", {"prefix": p, "sector": name, "notes": notes})
    # clients whose postal code now falls in a better (longer) prefix move to it
    sectors = [*sectors_of(store), (p, name)]
    moved = 0
    for r in store.rows("tClients"):
        best = best_sector(sectors, str(r["postcode"] or ""))
        if best != (r["sector"] or ""):
            res.changes.update("tClients", r, {"sector": best})
            moved += 1
    res.message = f"Secteur « {name} » ajouté pour les codes postaux commençant par {p}."
    if moved:
        res.message += f" {moved} client{'s' if moved > 1 else ''} rattaché{'s' if moved > 1 else ''} à ce secteur."
    res.data = {"prefixe": p, "secteur": name, "clients_rattaches": moved}
    return res


def list_sectors(store: Store) -> list[dict[str, str]]:
    rows = sorted(store.rows("tSecteurs"), key=lambda r: str(r["prefix"]))
    return [{"prefixe": str(r["prefix"]), "secteur": str(r["sector"] or ""), "remarques": str(r["notes"] or "")}
            for r in rows]
