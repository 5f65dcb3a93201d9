"""Sample data for `syc init --demo` and the README demo: a plausible heating business.

It goes through the same services as the user's commands (validation included)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pyxl.services import articles, clients, parameters, sectors
from pyxl.workbook.filestore import ChangeSet, FileStore

COMPANY = {
    "raison_sociale": "SYC Chauffage",
    "forme_juridique": "SARL",
    "capital": "20000",
    "siret": "73282932000074",
    "rcs_rm": "RCS Lyon 732 829 320",
    "tva_intra": "FR44732829320",
    "code_ape": "4322B",
    "adresse": "12 rue des Artisans",
    "code_postal": "69003",
    "ville": "Lyon",
    "telephone": "04 72 00 00 00",
    "email": "contact@syc-chauffage.fr",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "assureur_decennale": "MAAF Assurances, Chaban, 79180 Chauray",
    "contrat_decennale": "DEC-2026-001234",
}
SECTORS = [("69", "Lyon et Rhône", ""), ("38", "Isère", ""), ("01", "Ain", ""), ("42", "Loire", "")]
CLIENTS = [
    dict(name="DUPONT", first_name="Jean", kind="particulier", address="5 rue Victor Hugo", postcode="69002",
         city="Lyon", phone="0612345678", email="jean.dupont@example.fr"),
    dict(name='Dupont & Fils <SARL> "l\'Étang"', kind="professionnel", address="ZA de l'Étang", postcode="38200",
         city="Vienne", siret="73282932000074", vat_number="FR44732829320", category="commercant-artisan",
         terms="30 jours fin de mois", phone="04 74 00 00 00", email="compta@dupont-fils.example"),
    dict(name="MARTIN", first_name="Sophie", kind="particulier", address="Le Bourg", postcode="01600",
         city="Trévoux", phone="0478000001"),
]
ARTICLES = [
    dict(code="CHG-25", designation="Chaudière gaz à condensation 25 kW", unit="u", unit_price="3221,29",
         vat_rate="20", purchase_price="2150", family="materiel", category="chaudiere-gaz"),
    dict(code="PAC-8", designation="Pompe à chaleur air/eau 8 kW", unit="u", unit_price="8900",
         vat_rate="5,5", purchase_price="6100", family="materiel", category="pac"),
    dict(code="ENT-CHG", designation="Entretien annuel chaudière gaz", unit="forfait", unit_price="120",
         vat_rate="10", family="service", category="chaudiere-gaz"),
    dict(code="MO-H", designation="Main-d'œuvre (heure)", unit="h", unit_price="55", vat_rate="10",
         family="main-oeuvre"),
    dict(code="DEP", designation="Déplacement", unit="forfait", unit_price="35", vat_rate="10",
         family="deplacement"),
    dict(code="RAD-ACI", designation="Radiateur acier 1 000 W", unit="u", unit_price="245,50", vat_rate="10",
         purchase_price="132,40", family="materiel", category="radiateur"),
]


def fill(book: Path, as_of: dt.date) -> None:
    """Fill a fresh workbook (one write per record, as a user would)."""
    for code, value in COMPANY.items():
        store = FileStore(book)
        store.apply(parameters.modify_parameter(store, code, value).changes, as_of=as_of)
    for prefix, name, notes in SECTORS:
        store = FileStore(book)
        store.apply(sectors.add_sector(store, prefix, name, notes).changes, as_of=as_of)
    for c in CLIENTS:
        store = FileStore(book)
        store.apply(clients.add_client(store, clients.ClientInput(**c), as_of).changes, as_of=as_of)
    changes = ChangeSet()
    store = FileStore(book)
    for a in ARTICLES:
        res = articles.add_article(store, articles.ArticleInput(**a), as_of)
        for t, rows in res.changes.appends.items():
            for r in rows:
                changes.append(t, r)
    store.apply(changes, as_of=as_of)
