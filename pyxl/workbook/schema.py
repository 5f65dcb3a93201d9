"""The one declaration of every sheet and Excel table of SYC_Gestion.xlsm.

The builder, the FileStore, the validators, the migrations and the documentation all read this
module; no other module knows a sheet name, a column position or a cell address.

Each later issue adds its tables here, bumps `SCHEMA_VERSION` and adds a migration step
(see `pyxl.workbook.migrate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

SCHEMA_VERSION = 1

# Hidden defined name that carries the schema version inside the workbook.
VERSION_NAME = "_SYC_VersionSchema"


class Kind(Enum):
    TEXT = "texte"
    INT = "entier"
    MONEY = "montant"  # Decimal, two places, never negative unless the column says so
    DECIMAL = "nombre"  # quantities (Decimal, up to 3 places)
    RATE = "taux"  # VAT rate in percent: 20, 10, 5.5, 2.1, 0
    DATE = "date"
    TIMESTAMP = "horodatage"  # ISO text 'AAAA-MM-JJTHH:MM:SS', kept as text so it hashes exactly
    CHOICE = "liste"
    BOOL = "oui/non"


# Number formats as French Excel writes them.
FMT_MONEY = '#,##0.00\\ "€";\\-#,##0.00\\ "€"'
FMT_DATE = "dd/mm/yyyy"
FMT_DECIMAL = "#,##0.###"
FMT_RATE = 'General" %"'  # 20 %, 5,5 %, 2,1 % (a fixed decimal would print « 20,0 % »)
FMT_TEXT = "@"

FORMAT_OF_KIND = {
    Kind.MONEY: FMT_MONEY,
    Kind.DATE: FMT_DATE,
    Kind.DECIMAL: FMT_DECIMAL,
    Kind.RATE: FMT_RATE,
    Kind.INT: "0",
}

YES, NO = "Oui", "Non"


@dataclass(frozen=True)
class Column:
    """One column of an Excel table: French header, English key, type and presentation."""

    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    width: float = 14
    choices: tuple[str, ...] = ()
    max_len: int = 120
    help: str = ""

    @property
    def num_format(self) -> str | None:
        if self.kind in (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP):
            return FMT_TEXT
        return FORMAT_OF_KIND.get(self.kind)

    @property
    def list_values(self) -> tuple[str, ...]:
        if self.kind is Kind.BOOL:
            return (YES, NO)
        return self.choices


@dataclass(frozen=True)
class AuditSpec:
    """How issued rows of a table are fingerprinted by the audit chain.

    `immutable` are the columns that never change once the row is issued (never status or amount
    paid). `issued_when` names a column and the values meaning 'issued'; rows in other states are
    drafts and are not chained. `lines_table`/`lines_key` add the document's lines to its hash.
    `date_column` is checked for chronology (no back-dating).
    """

    key: str
    immutable: tuple[str, ...]
    issued_column: str | None = None
    issued_values: tuple[str, ...] = ()
    date_column: str | None = None
    lines_table: str | None = None
    lines_key: str | None = None
    lines_immutable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """An Excel table (ListObject), alone on its sheet, header in row 1 from column A."""

    name: str  # Excel table name, e.g. 'tClients'
    sheet: str  # French sheet name, e.g. 'Clients'
    columns: tuple[Column, ...]
    key: str | None = None  # unique key column
    audit: AuditSpec | None = None
    title: str = ""  # what the sheet is for, in French (documentation)
    tab_color: str | None = None

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.name} has no column {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True)
class Parameter:
    """One row of the Paramètres table: a stable code, a French label and a typed value."""

    code: str
    label: str
    kind: str = "texte"  # texte, siren, siret, tva, iban, bic, email, tel, cp, date, entier, montant, choix, conditions, taux
    default: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    version: int
    tables: tuple[Table, ...]
    parameters: tuple[Parameter, ...] = field(default=())

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def by_sheet(self, sheet: str) -> Table:
        for t in self.tables:
            if t.sheet == sheet:
                return t
        raise KeyError(sheet)

    def with_tables(self, *tables: Table, version: int | None = None) -> Schema:
        """A schema extended by more tables (later issues, tests)."""
        return replace(self, tables=self.tables + tables, version=version or self.version)

    @property
    def audited(self) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if t.audit is not None)


# --------------------------------------------------------------------------------------------
# Lists shared by validation and the CLI
CLIENT_KINDS = ("Particulier", "Professionnel")
CLIENT_CATEGORIES = ("Commerçant-artisan", "Autre")
UNITS = ("u", "h", "forfait", "m", "ml")
FAMILIES = ("Matériel", "Main-d'œuvre", "Déplacement", "Service")
CATEGORIES = (
    "Chaudière gaz",
    "Chaudière fioul",
    "PAC",
    "Biomasse",
    "Radiateur",
    "Pièce",
    "Régulation",
    "Ballon ECS",
    "Autre",
)
VAT_RATES = ("20", "10", "5.5", "2.1", "0")

T_PARAMS = Table(
    name="tParametres",
    sheet="Paramètres",
    title="Identité de l'entreprise et réglages (une ligne par paramètre).",
    key="code",
    columns=(
        Column("code", "Code", required=True, width=24, max_len=40),
        Column("label", "Paramètre", required=True, width=42),
        Column("value", "Valeur", width=60, max_len=500),
        Column("help", "Explication", width=70, max_len=500),
    ),
)

T_COUNTERS = Table(
    name="tCompteurs",
    sheet="Compteurs",
    title="Derniers numéros attribués, par série et par année. Ne pas modifier à la main.",
    columns=(
        Column("series", "Série", required=True, width=16, max_len=20),
        Column("year", "Année", Kind.INT, width=10),
        Column("last", "Dernier numéro", Kind.INT, required=True, width=16),
    ),
)

T_SECTORS = Table(
    name="tSecteurs",
    sheet="Secteurs",
    title="Secteurs géographiques : début de code postal → secteur.",
    key="prefix",
    columns=(
        Column("prefix", "Début du code postal", required=True, width=22, max_len=5),
        Column("sector", "Secteur", required=True, width=28, max_len=60),
        Column("notes", "Remarques", width=40, max_len=300),
    ),
)

T_CLIENTS = Table(
    name="tClients",
    sheet="Clients",
    title="Fichier clients.",
    key="code",
    tab_color="#1F4E79",
    columns=(
        Column("code", "Code", required=True, width=10, max_len=10),
        Column("kind", "Type", Kind.CHOICE, required=True, width=14, choices=CLIENT_KINDS),
        Column("name", "Nom / raison sociale", required=True, width=32, max_len=100),
        Column("first_name", "Prénom", width=16, max_len=60),
        Column("address", "Adresse", required=True, width=34, max_len=120),
        Column("address2", "Complément d'adresse", width=24, max_len=120),
        Column("postcode", "Code postal", required=True, width=11, max_len=10),
        Column("city", "Ville", required=True, width=22, max_len=60),
        Column("country", "Pays", width=10, max_len=40),
        Column("phone", "Téléphone", width=16, max_len=30),
        Column("email", "E-mail", width=28, max_len=120),
        Column("siret", "SIRET / SIREN", width=17, max_len=20),
        Column("vat_number", "N° TVA intracommunautaire", width=18, max_len=20),
        Column("category", "Catégorie", Kind.CHOICE, width=18, choices=CLIENT_CATEGORIES),
        Column("terms", "Conditions de paiement", width=22, max_len=40,
               help="vide = conditions par défaut des Paramètres"),
        Column("sector", "Secteur", width=18, max_len=60, help="déduit du code postal"),
        Column("created", "Créé le", Kind.DATE, width=12),
        Column("active", "Actif", Kind.BOOL, width=8),
        Column("notes", "Remarques", width=40, max_len=1000),
    ),
)

T_ARTICLES = Table(
    name="tArticles",
    sheet="Articles",
    title="Catalogue des articles, de la main-d'œuvre et des déplacements.",
    key="code",
    tab_color="#375623",
    columns=(
        Column("code", "Code", required=True, width=14, max_len=20),
        Column("designation", "Désignation", required=True, width=44, max_len=200),
        Column("unit", "Unité", Kind.CHOICE, required=True, width=9, choices=UNITS),
        Column("unit_price", "PU HT", Kind.MONEY, required=True, width=13),
        Column("vat_rate", "TVA %", Kind.RATE, required=True, width=8,
               help="taux par défaut seulement : la TVA suit la nature des travaux"),
        Column("purchase_price", "Prix d'achat HT", Kind.MONEY, width=15),
        Column("family", "Famille", Kind.CHOICE, width=14, choices=FAMILIES),
        Column("category", "Catégorie", Kind.CHOICE, width=16, choices=CATEGORIES),
        Column("active", "Actif", Kind.BOOL, width=8),
    ),
)

T_AUDIT = Table(
    name="tJournalAudit",
    sheet="Journal d'audit",
    title="Chaîne d'empreintes des pièces émises et des règlements. Ne jamais modifier.",
    columns=(
        Column("seq", "N°", Kind.INT, required=True, width=8),
        Column("timestamp", "Horodatage", Kind.TIMESTAMP, required=True, width=20),
        Column("as_of", "Date d'effet", Kind.DATE, required=True, width=12),
        Column("action", "Action", required=True, width=22, max_len=60),
        Column("table", "Table", required=True, width=16, max_len=40),
        Column("ref", "Référence", required=True, width=16, max_len=40),
        Column("doc_hash", "Empreinte de la pièce", required=True, width=30, max_len=64),
        Column("prev_hash", "Empreinte précédente", required=True, width=30, max_len=64),
        Column("hash", "Empreinte", required=True, width=30, max_len=64),
    ),
)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("raison_sociale", "Raison sociale", help="Nom de l'entreprise tel qu'il figure au registre"),
    Parameter("nom_commercial", "Nom commercial"),
    Parameter("forme_juridique", "Forme juridique", help="SARL, SAS, EURL, EI…"),
    Parameter("capital", "Capital social (€)", "montant", help="obligatoire sur les factures des sociétés"),
    Parameter("siret", "SIRET", "siret"),
    Parameter("rcs_rm", "RCS ou RM", help="ex. « RCS Lyon 123 456 789 » ou « RM 69 »"),
    Parameter("tva_intra", "N° TVA intracommunautaire", "tva"),
    Parameter("code_ape", "Code APE/NAF", "ape", help="ex. 4322B"),
    Parameter("adresse", "Adresse"),
    Parameter("adresse2", "Complément d'adresse"),
    Parameter("code_postal", "Code postal", "cp"),
    Parameter("ville", "Ville"),
    Parameter("telephone", "Téléphone", "tel"),
    Parameter("email", "E-mail", "email"),
    Parameter("site_web", "Site web"),
    Parameter("iban", "IBAN", "iban"),
    Parameter("bic", "BIC", "bic"),
    Parameter("assureur_decennale", "Assureur décennale", help="nom et adresse de l'assureur"),
    Parameter("contrat_decennale", "N° de contrat décennale"),
    Parameter("couverture_decennale", "Couverture géographique décennale", default="France métropolitaine"),
    Parameter("cloture_exercice", "Date de clôture de l'exercice", "jour-mois", default="31/12",
              help="jour/mois, ex. 31/12"),
    Parameter("conditions_paiement", "Conditions de paiement par défaut", "conditions",
              default="30 jours fin de mois",
              help="comptant, « N jours nets » ou « N jours fin de mois »"),
    Parameter("methode_fin_de_mois", "Calcul fin de mois", "choix", default="A",
              choices=("A", "B"),
              help="A : date de facture + N jours, puis fin de ce mois ; B : fin du mois de facture, puis + N jours"),
    Parameter("validite_devis_jours", "Validité des devis (jours)", "entier", default="30"),
    Parameter("relance_devis_jours", "Relance des devis sans réponse après (jours)", "entier", default="7"),
    Parameter("clause_retard", "Clause de retard imprimée sur les factures (professionnels)",
              default=("En cas de retard de paiement, pénalités au taux de refinancement de la BCE "
                       "majoré de 10 points, et indemnité forfaitaire pour frais de recouvrement de 40 €. "
                       "Pas d'escompte pour paiement anticipé."),
              help="ne s'imprime que pour les clients professionnels"),
    Parameter("taux_penalites_contractuel", "Taux contractuel des pénalités (%)", "taux-libre",
              help="vide = taux BCE + 10 points"),
    Parameter("franchise_tva", "Franchise en base de TVA (art. 293 B)", "choix", default="Non",
              choices=("Oui", "Non")),
    Parameter("tva_sur_debits", "Option pour le paiement de la TVA d'après les débits", "choix",
              default="Non", choices=("Oui", "Non")),
    Parameter("dossier_documents", "Dossier des documents", default="Documents",
              help="relatif au dossier du classeur"),
)

SCHEMA = Schema(
    version=SCHEMA_VERSION,
    tables=(T_PARAMS, T_COUNTERS, T_CLIENTS, T_ARTICLES, T_SECTORS, T_AUDIT),
    parameters=PARAMETERS,
)
