"""What a new (or migrated) workbook holds: the parameters with their defaults, the VAT rules of
2025+, and in its getting-paid tables the rate tables copied from the sourced CSV files shipped in
`pyxl/data/taux/` (see README-taux.md there), each row with its source, and the firm's default
reminder procedure. The workbook builder (`pyxl.excel.builder`) and the migrations both read
`default_rows`, so the store does not depend on the Excel front end.

The CSV files are a copy of the research data; the project never reads them anywhere else.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core.guarantees import DEFAULT_GUARANTEES
from pyxl.core.vat import default_rules
from pyxl.workbook.schema import SCHEMA, Schema

DATA = Path(__file__).resolve().parents[1] / "data" / "taux"


def _csv(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def legal_rate_rows() -> list[dict[str, Any]]:
    return [{"half": r["semestre"], "start": dt.date.fromisoformat(r["date_debut"]),
             "end": dt.date.fromisoformat(r["date_fin"]), "private": Decimal(r["taux_particuliers"]),
             "other": Decimal(r["taux_autres_cas"]), "source": r["source"]}
            for r in _csv("taux-interet-legal.csv")]


def ecb_rate_rows() -> list[dict[str, Any]]:
    return [{"since": dt.date.fromisoformat(r["date_effet"]), "rate": Decimal(r["taux"]), "source": r["source"]}
            for r in _csv("taux-bce-historique.csv")]


def penalty_rate_rows() -> list[dict[str, Any]]:
    return [{"half": r["semestre"], "ecb": Decimal(r["taux_bce_reference"]),
             "default": Decimal(r["taux_penalites_defaut"]), "floor": Decimal(r["plancher_3x_taux_legal"]),
             "source": r["source"]}
            for r in _csv("taux-bce-penalites.csv")]


# The firm's procedure (issue 6): a call from the due date and a simple letter about 7 days late;
# a registered letter giving 48 hours about 15 days later; a formal notice giving 8 days; then the
# payment-order file.
DEFAULT_LEVELS: tuple[dict[str, Any], ...] = (
    {"level": 1, "step": "appel", "label": "Appel téléphonique (créneau du vendredi et du lundi, 8 h–10 h)",
     "days": 1, "counted_from": "Échéance", "channel": "Téléphone", "template": None, "deadline": 0,
     "deadline_from": "Date de la relance",
     "notes": "un appel sans réponse compte comme fait dès qu'il est noté"},
    {"level": 1, "step": "lettre", "label": "Lettre de relance simple", "days": 7, "counted_from": "Échéance",
     "channel": "Courrier", "template": "relance_simple.docx", "deadline": 8,
     "deadline_from": "Dépôt à la poste", "notes": "courtoise : un oubli est possible"},
    {"level": 2, "step": "lrar", "label": "Lettre recommandée avec accusé de réception (48 heures)", "days": 15,
     "counted_from": "Étape précédente", "channel": "Recommandé AR", "template": "relance_recommandee.docx",
     "deadline": 2, "deadline_from": "Accusé de réception", "notes": "15 jours après la lettre simple"},
    {"level": 3, "step": "mise-en-demeure", "label": "Mise en demeure (8 jours)", "days": 0,
     "counted_from": "Étape précédente", "channel": "Recommandé AR", "template": "mise_en_demeure.docx",
     "deadline": 8, "deadline_from": "Accusé de réception",
     "notes": "fait courir les intérêts d'un client particulier à sa réception (art. 1231-6 C. civ.)"},
    {"level": 4, "step": "injonction", "label": "Dossier d'injonction de payer", "days": 0,
     "counted_from": "Étape précédente", "channel": "Tribunal", "template": None, "deadline": 0,
     "deadline_from": "Date de la relance", "notes": "Cerfa 12946 (tribunal de commerce) ou 12948 (tribunal judiciaire)"},
)


def default_level_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in DEFAULT_LEVELS]


# Travel times between sectors (planning, schema 9): editable defaults, never a network service.
SAME_SECTOR, ANY_SECTOR = "=", "*"
DEFAULT_TRAVEL: tuple[dict[str, Any], ...] = (
    {"from_sector": SAME_SECTOR, "to_sector": SAME_SECTOR, "minutes": 20,
     "notes": "dans le même secteur (valeur par défaut, à ajuster)"},
    {"from_sector": ANY_SECTOR, "to_sector": ANY_SECTOR, "minutes": 45,
     "notes": "d'un secteur à un autre (valeur par défaut ; ajoutez les couples de secteurs voisins)"},
)


def default_travel_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in DEFAULT_TRAVEL]


def chart_rows() -> list[dict[str, Any]]:
    """The chart of accounts of the books: the PCG defaults (domain.md §5.1), one row per role."""
    from pyxl.core.books import DEFAULT_CHART, ROLE_LABELS

    return [{"role": role, "account": account or None, "label": label, "use": ROLE_LABELS[role]}
            for role, (account, label) in DEFAULT_CHART.items()]


def default_rows(schema: Schema = SCHEMA) -> dict[str, list[dict[str, Any]]]:
    """What a new workbook holds: the parameters with their defaults and the VAT rules of 2025+."""
    names = {t.name for t in schema.tables}
    out: dict[str, list[dict[str, Any]]] = {}
    if "tParametres" in names:
        out["tParametres"] = [
            {"code": p.code, "label": p.label, "value": p.default, "help": p.help} for p in schema.parameters
        ]
    if "tReglesTVA" in names:
        transitional = "keeps_old" in schema.table("tReglesTVA").keys  # schema 6
        out["tReglesTVA"] = [
            {"nature": r.nature, "category": r.category, "housing": r.housing, "rate": r.rate,
             "valid_from": r.valid_from, "valid_to": r.valid_to, "basis": r.basis,
             **({"keeps_old": "Oui" if r.keeps_old else "Non"} if transitional else {})} for r in default_rules()
        ]
    if "tGaranties" in names:
        out["tGaranties"] = [{"nature": n, "guarantee": g, "text": t} for n, g, t in DEFAULT_GUARANTEES]
    if "tPlanComptable" in names:
        out["tPlanComptable"] = chart_rows()
    for table, rows in (("tTauxLegal", legal_rate_rows), ("tTauxBCE", ecb_rate_rows),
                        ("tTauxPenalites", penalty_rate_rows), ("tNiveauxRelance", default_level_rows),
                        ("tTrajets", default_travel_rows)):
        if table in names:
            out[table] = rows()
    return out
