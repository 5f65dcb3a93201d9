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
    # schema 7: equipment or parts sold without fitting (a supply of goods, CGI 256 I), and works that
    # are an « ouvrage » — a new building or construction works (C. civ. 1792 and following)
    SALE = "Vente sans pose"
    CONSTRUCTION = "Construction (ouvrage)"


class Category(StrEnum):
    """An article's category; the equipment ones decide the rate of the whole job (`EQUIPMENT`)."""

    GAS_BOILER = "Chaudière gaz"
    OIL_BOILER = "Chaudière fioul"
    THPE_BOILER = "Chaudière THPE"
    # heat pumps by kind (schema 6): only those of art. 278-0 bis A CGI and the arrêté du 4 décembre
    # 2024 take 5,5 % (air/water, water/water, ground-source, thermodynamic water heaters); air/air
    # heat pumps are not eligible. « PAC à classer » is what `syc migrer` makes of the old « PAC »:
    # a new quote refuses it until the article is classified.
    HEAT_PUMP_AIR_WATER = "PAC air/eau"
    HEAT_PUMP_WATER_WATER = "PAC eau/eau"
    HEAT_PUMP_GROUND = "PAC géothermique"
    THERMODYNAMIC_WATER_HEATER = "Chauffe-eau thermodynamique"
    HEAT_PUMP_AIR_AIR = "PAC air/air"
    HEAT_PUMP_UNCLASSIFIED = "PAC à classer"
    BIOMASS = "Biomasse"
    RADIATOR = "Radiateur"
    PART = "Pièce"
    CONTROLS = "Régulation"
    HOT_WATER_TANK = "Ballon ECS"
    OTHER = "Autre"


# the categories that are equipment: a job's main equipment gives its labour and travel their rate
EQUIPMENT: tuple[Category, ...] = (
    Category.GAS_BOILER, Category.OIL_BOILER, Category.THPE_BOILER, Category.HEAT_PUMP_AIR_WATER,
    Category.HEAT_PUMP_WATER_WATER, Category.HEAT_PUMP_GROUND, Category.THERMODYNAMIC_WATER_HEATER,
    Category.HEAT_PUMP_AIR_AIR, Category.HEAT_PUMP_UNCLASSIFIED, Category.BIOMASS,
    Category.RADIATOR, Category.CONTROLS, Category.HOT_WATER_TANK)
# the heat pumps eligible to 5,5 % (art. 278-0 bis A CGI, arrêté du 4 décembre 2024)
ELIGIBLE_HEAT_PUMPS: tuple[Category, ...] = (
    Category.HEAT_PUMP_AIR_WATER, Category.HEAT_PUMP_WATER_WATER, Category.HEAT_PUMP_GROUND,
    Category.THERMODYNAMIC_WATER_HEATER)
# the category of heat pumps before schema 6
OLD_HEAT_PUMP = "PAC"


class PaymentMode(StrEnum):
    CASH = "Espèces"
    CHEQUE = "Chèque"
    TRANSFER = "Virement"
    CARD = "CB"
    # schema 7: no money moves — a client's credit applied to a document, or a credit note's excess
    # over what was owed turned into credit (a pair of rows that nets to zero)
    OFFSET = "Compensation"


class PaymentKind(StrEnum):
    """What a « Règlements » row records (schema 7). Each row is one allocation: money received on a
    document (« Facture » filled) or left as the client's credit (« Facture » empty)."""

    RECEIPT = "Encaissement"
    CREDIT_USE = "Imputation de crédit"
    CREDIT_NOTE = "Avoir en crédit"
    REFUND = "Remboursement"
