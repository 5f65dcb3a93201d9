"""The kinds the sheets show as drop-down lists, declared once: each enum's values are the French
labels of the workbook (`schema.py` builds its lists from them), so a member compares equal to
the text read from a cell (`Nature.REPAIR == "Dépannage"`). States of documents are in
`workflow`; VAT rates are dated data (« Règles TVA »), not an enum.
"""

from __future__ import annotations

from enum import StrEnum


class ClientKind(StrEnum):
    PRIVATE = "Particulier"
    BUSINESS = "Professionnel"


class Nature(StrEnum):
    """The nature of the works of a quote, which with the equipment decides its VAT."""

    INSTALLATION = "Installation"
    REPLACEMENT = "Remplacement"
    REPAIR = "Dépannage"
    MAINTENANCE = "Entretien"


class Category(StrEnum):
    """An article's category; the equipment ones decide the rate of the whole job (`EQUIPMENT`)."""

    GAS_BOILER = "Chaudière gaz"
    OIL_BOILER = "Chaudière fioul"
    THPE_BOILER = "Chaudière THPE"
    HEAT_PUMP = "PAC"
    BIOMASS = "Biomasse"
    RADIATOR = "Radiateur"
    PART = "Pièce"
    CONTROLS = "Régulation"
    HOT_WATER_TANK = "Ballon ECS"
    OTHER = "Autre"


# the categories that are equipment: a job's main equipment gives its labour and travel their rate
EQUIPMENT: tuple[Category, ...] = (
    Category.GAS_BOILER, Category.OIL_BOILER, Category.THPE_BOILER, Category.HEAT_PUMP, Category.BIOMASS,
    Category.RADIATOR, Category.CONTROLS, Category.HOT_WATER_TANK)


class PaymentMode(StrEnum):
    CASH = "Espèces"
    CHEQUE = "Chèque"
    TRANSFER = "Virement"
    CARD = "CB"
