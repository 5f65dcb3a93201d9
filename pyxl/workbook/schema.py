"""The one declaration of every sheet and Excel table of SYC_Gestion.xlsm.

The builder, the FileStore, the validators, the migrations and the documentation all read this
module; no other module knows a sheet name, a column position or a cell address.

Each later issue adds its tables here, bumps `SCHEMA_VERSION` and adds a migration step
(see `pyxl.workbook.migrate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from pyxl.core.kinds import EQUIPMENT, Category, ClientKind, Nature, PaymentKind, PaymentMode
from pyxl.core.workflow import STORED_QUOTE_STATES, DocType, InvoiceState, JobState, OrderState

SCHEMA_VERSION = 15

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
    lines_parent: str | None = None  # the document column the lines point to (default: `key`)
    # Versioned specs: a fingerprint is always recomputed with the columns it was made with.
    # Adding or renaming a fingerprinted column makes a new version: the current columns above get
    # `version` + 1 and the previous ones go to `history`, kept forever (never re-hash what was issued).
    version: int = 1
    history: tuple[SpecVersion, ...] = ()

    @property
    def parent(self) -> str:
        return self.lines_parent or self.key

    def columns_of(self, version: int | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(immutable, lines_immutable) of a version of this spec (None: the current one)."""
        if version is None or version == self.version:
            return self.immutable, self.lines_immutable
        for old in self.history:
            if old.version == version:
                return old.immutable, old.lines_immutable
        raise KeyError(version)


@dataclass(frozen=True)
class SpecVersion:
    """An earlier version of an audit spec: the columns its fingerprints were made with."""

    version: int
    immutable: tuple[str, ...]
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
CLIENT_KINDS = tuple(k.value for k in ClientKind)
CLIENT_CATEGORIES = ("Commerçant-artisan", "Autre")
UNITS = ("u", "h", "forfait", "m", "ml")
FAMILIES = ("Matériel", "Main-d'œuvre", "Déplacement", "Service")
CATEGORIES = tuple(c.value for c in Category)
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
        # version 3, last so that a migrated table and a new one have the same columns
        Column("marketing_mail", "Accepte la prospection", Kind.BOOL, width=12,
               help=("courrier postal de prospection (publipostage --commercial) : permis sauf opposition "
                     "du client (Non = il s'y oppose) ; vide = Oui. Ne vaut pas accord pour la "
                     "prospection par e-mail.")),
        # version 4: stops of the reminder procedure
        Column("dunning_blocked", "Relances bloquées", Kind.BOOL, width=11,
               help="Oui = aucune relance ni lettre pour ce client (décision de la direction) ; vide = Non"),
        Column("collective_since", "Procédure collective depuis", Kind.DATE, width=13,
               help=("date du jugement d'ouverture (sauvegarde, redressement, liquidation) : plus de relance "
                     "ni d'indemnité de 40 € ; la créance se déclare au mandataire judiciaire")),
        # schema 6
        Column("headcount", "Effectif (salariés)", Kind.INT, width=10,
               help=("professionnel de 5 salariés au plus, contrat hors établissement hors de son activité "
                     "principale : protégé comme un consommateur (art. L221-3 C. conso)")),
        # schema 15: the account the client pays from (and is refunded to), compact (FR7630006000011234567890189)
        Column("iban", "IBAN", width=34, max_len=34,
               help=("compte du client (virements reçus, remboursements) ; reconnu sur les relevés. Vérifié "
                     "(clé de contrôle), écrit sans espaces")),
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
        # the audit spec version the fingerprint was made with (empty: version 1, before schema 5)
        Column("spec", "Version de l'empreinte", Kind.INT, width=10),
    ),
)

# --------------------------------------------------------------------------------------------
# Sales chain (schema version 2): VAT rules, quotes, orders, invoices, payments, closures
NATURES = tuple(n.value for n in Nature)
QUOTE_STATES = tuple(s.value for s in STORED_QUOTE_STATES)  # « Expiré » is computed
ORDER_STATES = tuple(s.value for s in OrderState)
INVOICE_STATES = tuple(s.value for s in InvoiceState)
DOC_TYPES = tuple(t.value for t in DocType)
PAYMENT_MODES = tuple(m.value for m in PaymentMode)
CLOSURE_KINDS = ("Jour", "Mois", "Année")
ANY_NATURE = ("*", *NATURES)
ANY_CATEGORY = ("*", *CATEGORIES)

T_VAT_RULES = Table(
    name="tReglesTVA",
    sheet="Règles TVA",
    title=("Taux de TVA selon la nature des travaux, la catégorie d'équipement et les locaux "
           "(* = tous). La règle la plus précise l'emporte ; le taux de l'article ne sert qu'à défaut."),
    tab_color="#7F6000",
    columns=(
        Column("nature", "Nature des travaux", Kind.CHOICE, required=True, width=18, choices=ANY_NATURE),
        Column("category", "Catégorie d'équipement", Kind.CHOICE, required=True, width=20, choices=ANY_CATEGORY),
        Column("housing", "Logement de plus de 2 ans", Kind.CHOICE, required=True, width=14,
               choices=("*", YES, NO)),
        Column("rate", "TVA %", Kind.RATE, required=True, width=8),
        Column("valid_from", "Du", Kind.DATE, width=12),
        Column("valid_to", "Au", Kind.DATE, width=14),
        Column("basis", "Fondement", width=80, max_len=300),
        # schema 6: the transitional condition of a rate change (LF 2025 art. 32)
        Column("keeps_old", "Ancien taux maintenu", Kind.BOOL, width=12,
               help=("Oui : le taux d'avant « Du » reste dû pour un devis accepté et un acompte encaissé "
                     "avant cette date")),
    ),
)

# schema 6: the legal guarantees printed on consumer quotes and orders, by nature of the works
# (L111-1 C. conso), adjustable by the firm's counsel
T_GUARANTEES = Table(
    name="tGaranties",
    sheet="Garanties légales",
    title=("Garanties légales imprimées sur les devis et bons de commande des particuliers, selon la nature des "
           "travaux (art. L111-1 du Code de la consommation) : à faire valider par le conseil de l'entreprise."),
    tab_color="#7F6000",
    columns=(
        Column("nature", "Nature des travaux", Kind.CHOICE, required=True, width=16, choices=NATURES),
        Column("guarantee", "Garantie", required=True, width=30, max_len=120),
        Column("text", "Texte imprimé", required=True, width=90, max_len=1000),
    ),
)

_LINE_COLUMNS = (
    Column("pos", "N° ligne", Kind.INT, required=True, width=8),
    Column("article", "Article", width=12, max_len=20),
    Column("designation", "Désignation", required=True, width=44, max_len=300),
    Column("unit", "Unité", width=9, max_len=10),
    Column("qty", "Quantité", Kind.DECIMAL, required=True, width=10),
    Column("unit_price", "PU HT", Kind.MONEY, required=True, width=13),
    Column("discount_pct", "Remise %", Kind.DECIMAL, width=9),
    Column("rate", "TVA %", Kind.RATE, required=True, width=8),
    Column("rate_reason", "Motif du taux", width=30, max_len=200),
    Column("net", "Montant HT", Kind.MONEY, required=True, width=14),
    Column("purchase_price", "Prix d'achat HT", Kind.MONEY, width=14),
    Column("category", "Catégorie", width=16, max_len=40),
)

T_QUOTES = Table(
    name="tDevis",
    sheet="Devis",
    title="Devis : numérotés à la création ; un devis révisé prend un nouveau numéro.",
    key="number",
    tab_color="#2E75B6",
    columns=(
        Column("number", "Numéro", required=True, width=13, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=28, max_len=170),
        Column("object", "Objet", width=32, max_len=200),
        Column("site", "Lieu d'intervention", width=30, max_len=200),
        Column("client_ref", "Réf. client", width=14, max_len=60),
        Column("nature", "Nature des travaux", Kind.CHOICE, required=True, width=14, choices=NATURES),
        Column("housing_old", "Logement + 2 ans", Kind.BOOL, width=10),
        Column("away", "Hors établissement", Kind.BOOL, width=11),
        Column("reverse_charge", "Autoliquidation", Kind.BOOL, width=11),
        Column("discount_pct", "Remise globale %", Kind.DECIMAL, width=10),
        Column("validity_days", "Validité (jours)", Kind.INT, width=9),
        Column("valid_until", "Valable jusqu'au", Kind.DATE, width=11),
        Column("execution", "Exécution", width=18, max_len=60),
        Column("status", "Statut", Kind.CHOICE, required=True, width=11, choices=QUOTE_STATES),
        Column("total_ht", "Total HT", Kind.MONEY, width=13),
        Column("total_vat", "TVA", Kind.MONEY, width=12),
        Column("total_ttc", "Total TTC", Kind.MONEY, width=13),
        Column("sent_on", "Envoyé le", Kind.DATE, width=11),
        Column("followups", "Relances", Kind.INT, width=8),
        Column("last_followup", "Dernière relance", Kind.DATE, width=11),
        Column("followup_notes", "Suivi", width=40, max_len=2000),
        Column("replaces", "Remplace", width=13, max_len=20),
        Column("replaced_by", "Remplacé par", width=13, max_len=20),
        Column("accepted_on", "Accepté le", Kind.DATE, width=11),
        Column("urgent", "Dépannage urgent", Kind.BOOL, width=10),
        Column("refusal_reason", "Motif du refus", width=30, max_len=300),
        Column("order", "Commande", width=13, max_len=20),
        # schema 6: off-premises contracts (L221-25 and L221-3 C. conso)
        Column("express_request", "Demande expresse", Kind.BOOL, width=10,
               help="le client a demandé que les travaux commencent avant la fin du délai de rétractation"),
        Column("outside_main_activity", "Hors activité principale", Kind.BOOL, width=11,
               help="client professionnel : contrat hors du champ de son activité principale (art. L221-3)"),
    ),
)

T_QUOTE_LINES = Table(
    name="tLignesDevis",
    sheet="Lignes devis",
    title="Lignes des devis (la commande reprend les lignes de son devis accepté).",
    tab_color="#2E75B6",
    columns=(Column("quote", "Devis", required=True, width=13, max_len=20), *_LINE_COLUMNS),
)

T_ORDERS = Table(
    name="tCommandes",
    sheet="Commandes",
    title="Bons de commande : un par devis accepté.",
    key="number",
    tab_color="#548235",
    columns=(
        Column("number", "Numéro", required=True, width=13, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("quote", "Devis", required=True, width=13, max_len=20),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=28, max_len=170),
        Column("object", "Objet", width=32, max_len=200),
        Column("status", "Statut", Kind.CHOICE, required=True, width=11, choices=ORDER_STATES),
        Column("total_ht", "Total HT", Kind.MONEY, width=13),
        Column("total_ttc", "Total TTC", Kind.MONEY, width=13),
        Column("deposit_pct", "Acomptes %", Kind.DECIMAL, width=10),
        Column("done_on", "Réalisée le", Kind.DATE, width=11),
        Column("invoice", "Facture", width=13, max_len=20),
        Column("cancel_reason", "Motif d'annulation", width=30, max_len=300),
    ),
)

_INVOICE_IMMUTABLE = (
    "ref", "number", "doc_type", "date", "client", "client_name", "order", "quote", "origin", "object",
    "client_ref", "nature", "housing_old", "reverse_charge", "deposit_pct", "discount_pct", "service_date",
    "terms", "due_date", "total_ht", "total_vat", "total_ttc", "deducted_ttc", "reason",
)
# version 2 (schema 6): the penalty clause printed on a business invoice and the cause of a credit
# note are part of the document (legal issue, items 2 and 11)
# and the two mentions of the e-invoicing reform still missing (CGI ann. II art. 242 nonies A, décret
# 2022-1299 and décret 2024-266): the work site, the category of the operation (items 9)
_INVOICE_IMMUTABLE_V2 = (*_INVOICE_IMMUTABLE, "penalty_clause", "credit_cause", "site", "operation")
CREDIT_CAUSES = ("Erreur", "Litige", "Geste commercial")
OPERATIONS = ("Prestation de services", "Livraison de biens", "Mixte")

T_INVOICES = Table(
    name="tFactures",
    sheet="Factures",
    title=("Factures, factures d'acompte et avoirs : une seule série F + année, numérotée à l'émission. "
           "Une pièce émise ne se modifie plus (avoir)."),
    key="ref",
    tab_color="#C00000",
    audit=AuditSpec(
        key="number",
        immutable=_INVOICE_IMMUTABLE_V2,
        issued_column="status",
        issued_values=INVOICE_STATES[1:],
        date_column="date",
        lines_table="tLignesFactures",
        lines_key="doc",
        lines_immutable=("doc", "pos", "article", "designation", "unit", "qty", "unit_price", "discount_pct",
                         "rate", "rate_reason", "net", "fixed_vat", "source"),
        lines_parent="ref",
        version=2,
        history=(SpecVersion(1, _INVOICE_IMMUTABLE, (
            "doc", "pos", "article", "designation", "unit", "qty", "unit_price", "discount_pct", "rate",
            "rate_reason", "net", "fixed_vat", "source")),),
    ),
    columns=(
        Column("ref", "Réf. interne", required=True, width=14, max_len=20),
        Column("number", "Numéro", width=13, max_len=20),
        Column("doc_type", "Type", Kind.CHOICE, required=True, width=15, choices=DOC_TYPES),
        Column("status", "Statut", Kind.CHOICE, required=True, width=20, choices=INVOICE_STATES),
        Column("date", "Date", Kind.DATE, width=11),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=28, max_len=170),
        Column("order", "Commande", width=13, max_len=20),
        Column("quote", "Devis", width=13, max_len=20),
        Column("origin", "Facture d'origine", width=13, max_len=20),
        Column("object", "Objet", width=32, max_len=200),
        Column("client_ref", "Réf. client", width=14, max_len=60),
        Column("nature", "Nature des travaux", Kind.CHOICE, width=14, choices=NATURES),
        Column("housing_old", "Logement + 2 ans", Kind.BOOL, width=10),
        Column("reverse_charge", "Autoliquidation", Kind.BOOL, width=11),
        Column("deposit_pct", "Acompte %", Kind.DECIMAL, width=9),
        Column("discount_pct", "Remise globale %", Kind.DECIMAL, width=10),
        Column("service_date", "Date de réalisation", Kind.DATE, width=11),
        Column("terms", "Conditions de paiement", width=20, max_len=40),
        Column("due_date", "Échéance", Kind.DATE, width=11),
        Column("total_ht", "Total HT", Kind.MONEY, width=13),
        Column("total_vat", "TVA", Kind.MONEY, width=12),
        Column("total_ttc", "Total TTC", Kind.MONEY, width=13),
        Column("deducted_ttc", "Acomptes déduits TTC", Kind.MONEY, width=13),
        Column("paid", "Réglé", Kind.MONEY, width=13),
        Column("credited", "Avoirs", Kind.MONEY, width=13),
        Column("reason", "Motif", width=30, max_len=300),
        Column("created", "Créée le", Kind.DATE, width=11),
        # schema 6
        Column("penalty_clause", "Clause de pénalités", width=18, max_len=40,
               help="taux des pénalités de retard convenu à l'émission (clients professionnels)"),
        Column("credit_cause", "Cause de l'avoir", Kind.CHOICE, width=16, choices=CREDIT_CAUSES),
        Column("penalty_clause_rebuilt", "Clause de pénalités (reconstituée)", width=22, max_len=60,
               help="pièces émises avant la version 6 : clause en vigueur lors de la migration, hors empreinte"),
        Column("site", "Lieu d'exécution", width=30, max_len=200,
               help="adresse du chantier, imprimée quand elle diffère de celle du client"),
        Column("operation", "Catégorie de l'opération", Kind.CHOICE, width=20, choices=OPERATIONS),
        # schema 10: derived by the store from the row (pyxl.workbook.derived), outside the fingerprint
        Column("owed", "Reste dû", Kind.MONEY, width=13,
               help="total TTC moins le réglé et les avoirs ; écrit par chaque action, jamais à saisir"),
        # schema 13: state column, outside the fingerprint, written by « Passer en perte » and its cancellation
        Column("written_off", "Passé en perte", Kind.MONEY, width=13,
               help="ce qui restait dû quand la facture a été passée en perte (compte 654) ; « Reste dû » est "
                    "alors nul, un règlement reçu ensuite reste accepté (compte 7714)"),
    ),
)

T_INVOICE_LINES = Table(
    name="tLignesFactures",
    sheet="Lignes factures",
    title="Lignes des factures, acomptes et avoirs (colonne Pièce = référence interne).",
    tab_color="#C00000",
    columns=(
        Column("doc", "Pièce", required=True, width=14, max_len=20),
        *_LINE_COLUMNS,
        Column("fixed_vat", "TVA imposée", Kind.MONEY, width=12,
               help="acompte déduit ou solde d'avoir : TVA reprise de la pièce d'origine"),
        Column("source", "Pièce d'origine", width=13, max_len=20),
    ),
)

_PAYMENT_IMMUTABLE = ("id", "date", "invoice", "client", "amount", "mode", "reference", "cancels", "reason")
PAYMENT_KINDS = tuple(k.value for k in PaymentKind)

T_PAYMENTS = Table(
    name="tReglements",
    sheet="Règlements",
    title=("Règlements : une ligne par imputation (une pièce, ou le crédit du client quand « Facture » est vide). "
           "Une erreur se corrige par une ligne opposée (syc reglement annuler), jamais en effaçant."),
    key="id",
    tab_color="#BF8F00",
    audit=AuditSpec(key="id", immutable=(*_PAYMENT_IMMUTABLE, "applies_to", "group", "kind", "bank", "drawer",
                                         "bounced", "charges"), date_column="date",
                    version=2, history=(SpecVersion(1, _PAYMENT_IMMUTABLE),)),
    columns=(
        Column("id", "N°", required=True, width=13, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("invoice", "Facture", width=13, max_len=20,
               help="la pièce (facture, acompte, note de pénalités) ; vide : crédit du client"),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("amount", "Montant", Kind.MONEY, required=True, width=13),
        Column("mode", "Mode", Kind.CHOICE, required=True, width=13, choices=PAYMENT_MODES),
        Column("reference", "Référence", width=20, max_len=60, help="n° de chèque, libellé du virement…"),
        Column("cancels", "Annule", width=13, max_len=20),
        Column("reason", "Motif", width=30, max_len=300),
        # schema 7: a payment on an invoice is imputed first to the penalty notes claiming its
        # interest (art. 1343-1 C. civ.): one row per part, all sharing the id of the first one
        Column("applies_to", "Au titre de", width=13, max_len=20,
               help="ligne imputée sur une note de pénalités : la facture dont elle paie les pénalités"),
        Column("group", "Paiement", width=13, max_len=20,
               help="un paiement imputé en plusieurs parts : le n° de sa première ligne"),
        Column("kind", "Nature", Kind.CHOICE, width=18, choices=PAYMENT_KINDS,
               help="vide sur les lignes d'avant la version 7 : encaissement"),
        Column("bank", "Banque", width=16, max_len=60, help="banque du chèque"),
        Column("drawer", "Tireur", width=20, max_len=100, help="titulaire du compte qui a émis le chèque"),
        Column("bounced", "Impayé", Kind.BOOL, width=8, help="annulation : chèque ou prélèvement revenu impayé"),
        Column("charges", "Frais bancaires", Kind.MONEY, width=12,
               help="annulation d'un impayé : frais prélevés par la banque (non refacturés d'office)"),
        # state columns, outside the fingerprint
        Column("slip", "Bordereau", width=13, max_len=20, help="bordereau de remise (chèques, lots de carte)"),
        Column("bank_line", "Ligne de relevé", width=14, max_len=20, help="ligne du relevé bancaire rapprochée"),
    ),
)

# Schema 12: doubtful debts (411 → 416) and write-offs (654), dated rows undone only by an opposite row
LOSS_KINDS = ("Douteuse", "Irrécouvrable", "Annulation")

T_LOSSES = Table(
    name="tCreances",
    sheet="Créances douteuses",
    title=("Créances douteuses et irrécouvrables : une ligne datée par décision, avec son motif ; une erreur se "
           "corrige par une ligne « Annulation », jamais en effaçant."),
    key="id",
    tab_color="#C00000",
    audit=AuditSpec(key="id", immutable=("id", "date", "invoice", "client", "kind", "amount", "reason", "cancels"),
                    date_column="date"),
    columns=(
        Column("id", "N°", required=True, width=13, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("invoice", "Facture", required=True, width=13, max_len=20),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("kind", "Décision", Kind.CHOICE, required=True, width=14, choices=LOSS_KINDS,
               help="Douteuse : compte 416 ; Irrécouvrable : perte (654) et TVA reprise ; Annulation : d'une ligne"),
        Column("amount", "Reste dû", Kind.MONEY, width=13, help="ce que le client devait encore sur la facture (TTC)"),
        Column("reason", "Motif", required=True, width=40, max_len=300,
               help="ex. « liquidation judiciaire du 12/03/2026 », « certificat d'irrécouvrabilité »"),
        Column("cancels", "Annule", width=13, max_len=20),
    ),
)

SLIP_STATES = ("Remis", "Crédité")

T_SLIPS = Table(
    name="tBordereaux",
    sheet="Bordereaux",
    title=("Bordereaux de remise : chèques remis en banque, lots de cartes bancaires ; « Crédité » quand la ligne "
           "du relevé est rapprochée."),
    key="number",
    tab_color="#BF8F00",
    audit=AuditSpec(key="number", immutable=("number", "date", "mode", "bank", "count", "total"), date_column="date"),
    columns=(
        Column("number", "Numéro", required=True, width=13, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("mode", "Mode", Kind.CHOICE, required=True, width=10, choices=("Chèque", "CB")),
        Column("bank", "Banque de remise", width=20, max_len=60),
        Column("count", "Nombre", Kind.INT, required=True, width=8),
        Column("total", "Total", Kind.MONEY, required=True, width=13),
        Column("status", "Statut", Kind.CHOICE, required=True, width=10, choices=SLIP_STATES),
        Column("credited_on", "Crédité le", Kind.DATE, width=11),
        Column("fee", "Commission", Kind.MONEY, width=12, help="lots de carte : ce que la banque a gardé sur le lot"),
        Column("bank_line", "Ligne de relevé", width=14, max_len=20),
    ),
)

STATEMENT_STATES = ("À rapprocher", "Rapprochée", "Ignorée")

T_STATEMENT_LINES = Table(
    name="tReleves",
    sheet="Relevés",
    title=("Lignes des relevés bancaires importés (CAMT.053, OFX, CFONB 120, CSV) ; une ligne n'est jamais importée "
           "deux fois (colonne Identité)."),
    key="id",
    tab_color="#BF8F00",
    columns=(
        Column("id", "N°", required=True, width=13, max_len=20),
        Column("account", "Compte", width=28, max_len=40),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("value_date", "Date de valeur", Kind.DATE, width=11),
        Column("amount", "Montant", Kind.MONEY, required=True, width=13),
        Column("label", "Libellé", width=40, max_len=500),
        Column("counterparty", "Contrepartie", width=24, max_len=140),
        Column("counterparty_iban", "IBAN de la contrepartie", width=20, max_len=40),
        Column("bank_ref", "Référence banque", width=18, max_len=80),
        Column("identity", "Identité", required=True, width=18, max_len=40),
        Column("source", "Fichier", width=24, max_len=200),
        Column("imported", "Importée le", Kind.DATE, width=11),
        Column("status", "Statut", Kind.CHOICE, required=True, width=13, choices=STATEMENT_STATES),
        Column("matched", "Rapprochée avec", width=20, max_len=200, help="règlement, bordereau ou lot de carte"),
        Column("reason", "Motif", width=30, max_len=300,
               help="ligne ignorée : pourquoi elle n'est pas le paiement d'un client (frais bancaires, prélèvement "
                    "d'un fournisseur…)"),
        # schema 15: the bank's own code of the operation, which says how the money came
        Column("bank_code", "Code opération", width=16, max_len=40,
               help=("code de l'opération donné par la banque (CAMT : domaine/famille/sous-famille, OFX : type, "
                     "CFONB : code interbancaire) ; vide si le relevé n'en donne pas")),
    ),
)

NOTE_STATES = ("Émise", "Partiellement réglée", "Réglée")

T_PENALTY_NOTES = Table(
    name="tNotesPenalites",
    sheet="Notes de pénalités",
    title=("Notes de pénalités : pénalités de retard et indemnités forfaitaires réclamées, série NP + année, "
           "sans TVA. Un paiement partiel s'impute d'abord sur elles (art. 1343-1 du Code civil)."),
    key="number",
    tab_color="#C55A11",
    audit=AuditSpec(key="number", immutable=("number", "date", "client", "origin", "interest", "indemnity",
                                             "total"),
                    date_column="date", lines_table="tLignesNotes", lines_key="note",
                    lines_immutable=("note", "invoice", "due_date", "start", "end", "days", "base", "clause",
                                     "interest", "indemnity", "detail")),
    columns=(
        Column("number", "Numéro", required=True, width=13, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=28, max_len=170),
        Column("origin", "Origine", width=18, max_len=40, help="mise en demeure ou à la demande"),
        Column("interest", "Pénalités / intérêts", Kind.MONEY, required=True, width=13),
        Column("indemnity", "Indemnités forfaitaires", Kind.MONEY, required=True, width=13),
        Column("total", "Total", Kind.MONEY, required=True, width=13),
        Column("paid", "Réglé", Kind.MONEY, width=13),
        Column("status", "Statut", Kind.CHOICE, required=True, width=18, choices=NOTE_STATES),
    ),
)

T_PENALTY_LINES = Table(
    name="tLignesNotes",
    sheet="Lignes notes pénalités",
    title="Une ligne par facture réclamée sur une note de pénalités.",
    tab_color="#C55A11",
    columns=(
        Column("note", "Note", required=True, width=13, max_len=20),
        Column("invoice", "Facture", required=True, width=13, max_len=20),
        Column("due_date", "Échéance", Kind.DATE, required=True, width=11),
        Column("start", "Du", Kind.DATE, width=11),
        Column("end", "Au", Kind.DATE, width=11),
        Column("days", "Jours", Kind.INT, width=7),
        Column("base", "Principal dû", Kind.MONEY, width=13),
        Column("clause", "Taux appliqué", width=30, max_len=120),
        Column("interest", "Pénalités / intérêts", Kind.MONEY, required=True, width=13),
        Column("indemnity", "Indemnité forfaitaire", Kind.MONEY, required=True, width=13),
        Column("paid", "Réglé", Kind.MONEY, width=13),
        Column("detail", "Détail du calcul", width=60, max_len=2000),
    ),
)

# schema 8: the chart of accounts of the books (issue 15): one row per role, the PCG default
# account that the accountant may change
T_CHART = Table(
    name="tPlanComptable",
    sheet="Plan comptable",
    title=("Plan comptable des écritures de ventes et d'encaissements : un compte par rôle, numéros du PCG par "
           "défaut ; l'expert-comptable peut changer le numéro et le libellé, jamais le rôle."),
    key="role",
    tab_color="#7030A0",
    columns=(
        Column("role", "Rôle", required=True, width=20, max_len=30),
        Column("account", "Compte", width=12, max_len=20,
               help=("numéro du compte : trois chiffres du plan comptable au moins (ex. 411, 44571, 5112) ; vide : "
                     "le compte du PCG par défaut (déplacements : pas de compte à part)")),
        Column("label", "Libellé du compte", required=True, width=44, max_len=120),
        Column("use", "Usage", width=60, max_len=300),
    ),
)

# schema 14: the entries of the books (issue 15), appended by each action, never rewritten
T_ENTRIES = Table(
    name="tEcritures",
    sheet="Écritures",
    title=("Écritures de ventes et d'encaissements de l'exercice ouvert, ajoutées par chaque action (jamais saisies "
           "ni modifiées) ; les exercices clos et le FEC se calculent à la demande (syc compta)."),
    key="num",
    tab_color="#7030A0",
    columns=(
        Column("num", "N° d'écriture", required=True, width=15, max_len=20,
               help="continu par journal et par exercice, dans l'ordre de validation (EcritureNum du FEC)"),
        Column("journal", "Journal", required=True, width=8, max_len=4,
               help="VE ventes, BQ banque, CA caisse, OD opérations diverses"),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("ref", "Pièce", required=True, width=14, max_len=30),
        Column("ref_date", "Date de la pièce", Kind.DATE, width=11),
        Column("account", "Compte", required=True, width=10, max_len=20),
        Column("account_label", "Libellé du compte", width=30, max_len=120),
        Column("aux_account", "Compte auxiliaire", width=10, max_len=20),
        Column("aux_label", "Client", width=24, max_len=170),
        Column("label", "Libellé", width=44, max_len=300),
        Column("debit", "Débit", Kind.MONEY, width=13),
        Column("credit", "Crédit", Kind.MONEY, width=13),
        Column("validated_on", "Validée le", Kind.DATE, width=11),
    ),
)

_CLOSURE_IMMUTABLE = ("ref", "kind", "start", "end", "sales_ht", "sales_vat", "sales_ttc", "receipts", "documents",
                      "payments", "cumul_sales_ttc", "cumul_receipts", "first_doc", "last_doc", "journal_hash")

T_CLOSURES = Table(
    name="tClotures",
    sheet="Clôtures",
    title=("Clôtures journalières, mensuelles et annuelles : totaux de la période et cumuls perpétuels "
           "(grand total), chaînées dans le journal d'audit et copiées dans sauvegardes/clotures/."),
    key="ref",
    tab_color="#404040",
    # version 2 (schema 12): the totals per journal of the period's entries
    audit=AuditSpec(key="ref", immutable=(*_CLOSURE_IMMUTABLE, "journals"), date_column="end", version=2,
                    history=(SpecVersion(1, _CLOSURE_IMMUTABLE),)),
    columns=(
        Column("ref", "Clôture", required=True, width=13, max_len=20),
        Column("kind", "Période", Kind.CHOICE, required=True, width=8, choices=CLOSURE_KINDS),
        Column("start", "Du", Kind.DATE, required=True, width=11),
        Column("end", "Au", Kind.DATE, required=True, width=11),
        Column("sales_ht", "Ventes HT", Kind.MONEY, width=14),
        Column("sales_vat", "TVA", Kind.MONEY, width=13),
        Column("sales_ttc", "Ventes TTC", Kind.MONEY, width=14),
        Column("receipts", "Encaissements", Kind.MONEY, width=14),
        Column("documents", "Pièces", Kind.INT, width=8),
        Column("payments", "Règlements", Kind.INT, width=10),
        Column("cumul_sales_ttc", "Cumul ventes TTC", Kind.MONEY, width=16),
        Column("cumul_receipts", "Cumul encaissements", Kind.MONEY, width=16),
        Column("first_doc", "Première pièce", width=13, max_len=20),
        Column("last_doc", "Dernière pièce", width=13, max_len=20),
        Column("journal_hash", "Empreinte du journal", width=30, max_len=64),
        Column("made_at", "Faite le", Kind.TIMESTAMP, width=20),
        Column("journals", "Totaux par journal", width=60, max_len=300,
               help="débits (D) et crédits (C) des écritures de la période par journal : VE ventes, BQ banque, "
                    "CA caisse, OD opérations diverses ; vide sur les clôtures d'avant la version 12"),
    ),
)

# --------------------------------------------------------------------------------------------
# Documents sent (schema version 3)
SEND_DOC_TYPES = ("Devis", "Bon de commande", "Facture", "Facture d'acompte", "Avoir", "Facture acquittée",
                  "Lettre")
SEND_CHANNELS = ("E-mail brouillon", "E-mail SMTP", "Courrier", "Publipostage")
SEND_RESULTS = ("Préparé", "Envoyé", "Échec")

T_SENDINGS = Table(
    name="tEnvois",
    sheet="Journal des envois",
    title=("Chaque envoi d'un document : brouillon d'e-mail (.eml), e-mail envoyé par le serveur SMTP, "
           "courrier et publipostage, réussi ou non."),
    tab_color="#7030A0",
    columns=(
        Column("at", "Date et heure", Kind.TIMESTAMP, required=True, width=20),
        Column("date", "Date d'effet", Kind.DATE, required=True, width=12),
        Column("doc", "Pièce", width=14, max_len=40),
        Column("doc_type", "Type de document", Kind.CHOICE, required=True, width=18, choices=SEND_DOC_TYPES),
        Column("client", "Client", width=10, max_len=10),
        Column("client_name", "Nom du client", width=28, max_len=170),
        Column("channel", "Canal", Kind.CHOICE, required=True, width=16, choices=SEND_CHANNELS),
        Column("recipient", "Destinataire", width=30, max_len=300),
        Column("subject", "Objet", width=40, max_len=300),
        Column("files", "Fichiers", width=50, max_len=2000),
        Column("result", "Résultat", Kind.CHOICE, required=True, width=10, choices=SEND_RESULTS),
        Column("error", "Erreur", width=50, max_len=1000),
    ),
)

# --------------------------------------------------------------------------------------------
# Getting paid (schema version 4): rate tables, reminder levels, reminder history, payment plans
DUNNING_STEPS = ("appel", "lettre", "lrar", "mise-en-demeure", "injonction")
DUNNING_FROM = ("Échéance", "Étape précédente")
DEADLINE_FROM = ("Date de la relance", "Dépôt à la poste", "Accusé de réception")
DUNNING_CHANNELS = ("Téléphone", "Courrier", "E-mail", "Recommandé AR", "Tribunal")
DUNNING_OUTCOMES = (
    "Fait", "Lettre préparée", "Lettre postée", "Accusé de réception", "Pli non réclamé", "Appel sans réponse",
    "Message laissé", "Promesse de paiement", "Litige", "Litige réglé", "Échéancier accordé", "Mauvais numéro",
    "Dossier préparé", "Autre",
)

T_LEGAL_RATES = Table(
    name="tTauxLegal",
    sheet="Taux légal",
    title=("Taux de l'intérêt légal par semestre (arrêté publié au Journal officiel fin juin et fin décembre). "
           "Ajouter chaque semestre : syc taux ajouter."),
    key="half",
    tab_color="#806000",
    columns=(
        Column("half", "Semestre", required=True, width=10, max_len=7, help="AAAA-S1 ou AAAA-S2"),
        Column("start", "Du", Kind.DATE, required=True, width=11),
        Column("end", "Au", Kind.DATE, required=True, width=11),
        Column("private", "Taux créancier particulier", Kind.RATE, required=True, width=13),
        Column("other", "Taux autres cas", Kind.RATE, required=True, width=11,
               help="celui de SYC (créancier professionnel), y compris envers un client particulier"),
        Column("source", "Source", width=90, max_len=1000),
    ),
)

T_ECB_RATES = Table(
    name="tTauxBCE",
    sheet="Taux BCE",
    title="Taux des opérations principales de refinancement de la BCE : une ligne par changement.",
    key="since",
    tab_color="#806000",
    columns=(
        Column("since", "En vigueur depuis", Kind.DATE, required=True, width=13),
        Column("rate", "Taux", Kind.RATE, required=True, width=9),
        Column("source", "Source", width=90, max_len=1000),
    ),
)

T_PENALTY_RATES = Table(
    name="tTauxPenalites",
    sheet="Taux pénalités",
    title=("Pénalités de retard entre professionnels par semestre (art. L441-10 C. com.) : taux BCE au 1er janvier "
           "ou au 1er juillet + 10 points ; plancher de 3 fois le taux légal pour un taux contractuel."),
    key="half",
    tab_color="#806000",
    columns=(
        Column("half", "Semestre", required=True, width=10, max_len=7),
        Column("ecb", "Taux BCE de référence", Kind.RATE, required=True, width=12),
        Column("default", "Taux des pénalités (BCE + 10)", Kind.RATE, required=True, width=14),
        Column("floor", "Plancher (3 × taux légal)", Kind.RATE, required=True, width=13),
        Column("source", "Source", width=90, max_len=1000),
    ),
)

T_DUNNING_LEVELS = Table(
    name="tNiveauxRelance",
    sheet="Niveaux de relance",
    title=("Procédure de relance des impayés, étape par étape : une étape est due quand son délai est passé ET que "
           "l'étape précédente est faite et que le délai laissé au client est écoulé."),
    key="step",
    tab_color="#C55A11",
    columns=(
        Column("level", "Niveau", Kind.INT, required=True, width=8),
        Column("step", "Étape", Kind.CHOICE, required=True, width=16, choices=DUNNING_STEPS),
        Column("label", "Action", required=True, width=34, max_len=120),
        Column("days", "Après (jours)", Kind.INT, required=True, width=10),
        Column("counted_from", "Compté depuis", Kind.CHOICE, required=True, width=16, choices=DUNNING_FROM),
        Column("channel", "Canal", Kind.CHOICE, required=True, width=14, choices=DUNNING_CHANNELS),
        Column("template", "Modèle de lettre", width=24, max_len=120),
        Column("deadline", "Délai laissé au client (jours)", Kind.INT, width=14),
        Column("deadline_from", "Délai compté depuis", Kind.CHOICE, width=18, choices=DEADLINE_FROM),
        Column("notes", "Remarques", width=50, max_len=500),
    ),
)

T_DUNNING = Table(
    name="tRelances",
    sheet="Relances",
    title=("Historique des relances d'impayés : appels, lettres, recommandés, mises en demeure, dossiers "
           "d'injonction de payer, avec les dates de dépôt et d'accusé de réception."),
    key="id",
    tab_color="#C55A11",
    columns=(
        Column("id", "N°", required=True, width=14, max_len=20),
        Column("date", "Date", Kind.DATE, required=True, width=11),
        Column("invoice", "Facture", required=True, width=13, max_len=20),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=26, max_len=170),
        Column("level", "Niveau", Kind.INT, width=7),
        Column("step", "Étape", Kind.CHOICE, width=15, choices=DUNNING_STEPS),
        Column("channel", "Canal", Kind.CHOICE, width=13, choices=DUNNING_CHANNELS),
        Column("outcome", "Résultat", Kind.CHOICE, required=True, width=18, choices=DUNNING_OUTCOMES),
        Column("posted_on", "Posté le", Kind.DATE, width=11),
        Column("lr_number", "N° de recommandé", width=16, max_len=40),
        Column("ack_on", "Accusé de réception le", Kind.DATE, width=12),
        Column("promise_on", "Paiement promis le", Kind.DATE, width=12),
        Column("owed", "Reste dû TTC", Kind.MONEY, width=13),
        Column("interest", "Intérêts à date", Kind.MONEY, width=12),
        Column("document", "Document", width=30, max_len=300),
        Column("notes", "Remarques", width=40, max_len=2000),
        # schema 6: a written acknowledgement or payment plan interrupts the prescription (C. civ. 2240)
        Column("proof", "Preuve écrite", width=30, max_len=300,
               help="lettre, formulaire signé, e-mail du débiteur : seule une preuve écrite interrompt la prescription"),
    ),
)

T_PLANS = Table(
    name="tEcheanciers",
    sheet="Échéanciers",
    title="Échéanciers de paiement accordés : une ligne par échéance (syc relances echeancier).",
    tab_color="#C55A11",
    columns=(
        Column("plan", "Échéancier", required=True, width=14, max_len=20),
        Column("invoice", "Facture", required=True, width=13, max_len=20),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("due", "Échéance", Kind.DATE, required=True, width=11),
        Column("amount", "Montant", Kind.MONEY, required=True, width=13),
        Column("notes", "Remarques", width=40, max_len=500),
    ),
)

# --------------------------------------------------------------------------------------------
# Planning and maintenance contracts (schema 9): technicians, absences, travel times, interventions,
# maintenance contracts
SKILLS = ("gaz", "fioul", "pac", "biomasse", "solaire", "ramonage", "climatisation")
ABSENCE_REASONS = ("Congés", "Formation", "Maladie", "Autre")
JOB_STATES = tuple(s.value for s in JobState)
EQUIPMENT_CATEGORIES = tuple(c.value for c in EQUIPMENT)
CONTRACT_STATES = ("Actif", "Résilié")
CONTRACT_BILLING = ("Annuelle", "Mensuelle")

T_TECHNICIANS = Table(
    name="tTechniciens",
    sheet="Techniciens",
    title="Techniciens : compétences, certificats et leur échéance, secteur de départ, horaires, capacité.",
    key="code",
    tab_color="#2F5597",
    columns=(
        Column("code", "Code", required=True, width=8, max_len=10),
        Column("name", "Nom", required=True, width=24, max_len=100),
        Column("phone", "Téléphone", width=16, max_len=30),
        Column("email", "E-mail", width=28, max_len=120),
        Column("skills", "Compétences", required=True, width=24, max_len=200,
               help="liste séparée par des virgules : " + ", ".join(SKILLS)),
        Column("sector", "Secteur de départ", width=18, max_len=60),
        Column("hours", "Horaires", width=36, max_len=300,
               help="ex. « lun-ven 08:00-12:00 13:30-17:30 ; sam 08:00-12:00 »"),
        Column("capacity", "Interventions par jour (max)", Kind.INT, width=10),
        Column("certificates", "Certificats", width=40, max_len=500,
               help=("« fluides 2027-06-30 ; qualigaz 2026-12-31 » : « fluides » est l'attestation de capacité "
                     "à manipuler les fluides frigorigènes (art. R543-99 C. env.), exigée pour une PAC")),
        Column("active", "Actif", Kind.BOOL, width=8),
        Column("notes", "Remarques", width=30, max_len=500),
    ),
)

T_ABSENCES = Table(
    name="tAbsences",
    sheet="Absences",
    title="Absences des techniciens (congés, formation, maladie), jours compris.",
    tab_color="#2F5597",
    columns=(
        Column("technician", "Technicien", required=True, width=10, max_len=10),
        Column("start", "Du", Kind.DATE, required=True, width=11),
        Column("end", "Au", Kind.DATE, required=True, width=11),
        Column("reason", "Motif", Kind.CHOICE, required=True, width=12, choices=ABSENCE_REASONS),
        Column("notes", "Remarques", width=30, max_len=300),
    ),
)

T_TRAVEL = Table(
    name="tTrajets",
    sheet="Temps de trajet",
    title=("Temps de trajet entre secteurs, en minutes (« = » : dans le même secteur ; « * » : tout autre "
           "trajet). Le couple le plus précis l'emporte, dans un sens ou dans l'autre."),
    tab_color="#2F5597",
    columns=(
        Column("from_sector", "De (secteur)", required=True, width=22, max_len=60),
        Column("to_sector", "Vers (secteur)", required=True, width=22, max_len=60),
        Column("minutes", "Minutes", Kind.INT, required=True, width=9),
        Column("notes", "Remarques", width=30, max_len=300),
    ),
)

T_JOBS = Table(
    name="tInterventions",
    sheet="Interventions",
    title=("Interventions : une par commande (ou plusieurs pour un long chantier) et une par visite "
           "d'entretien ; le technicien, le jour, l'heure et le statut."),
    key="id",
    tab_color="#2F5597",
    columns=(
        Column("id", "N°", required=True, width=9, max_len=12),
        Column("order", "Commande", width=13, max_len=20),
        Column("contract", "Contrat", width=13, max_len=20),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=24, max_len=170),
        Column("site", "Adresse d'intervention", width=34, max_len=250),
        Column("sector", "Secteur", width=16, max_len=60),
        Column("work", "Travaux", width=30, max_len=300),
        Column("skill", "Compétence", Kind.CHOICE, required=True, width=11, choices=SKILLS),
        Column("duration", "Durée (min)", Kind.INT, required=True, width=9),
        Column("technician", "Technicien", width=10, max_len=10),
        Column("date", "Date", Kind.DATE, width=11),
        Column("start", "Début", width=7, max_len=5, help="HH:MM"),
        Column("status", "Statut", Kind.CHOICE, required=True, width=14, choices=JOB_STATES),
        Column("reason", "Motif du changement", width=30, max_len=300),
        Column("wishes", "Souhaits du client", width=30, max_len=300,
               help="« matin », « après-midi », « jours lun,mar », « éviter 2026-12-24 », « au plus tôt »"),
        Column("visit_due", "Visite due le", Kind.DATE, width=11),
        Column("sequence", "Version (agenda)", Kind.INT, width=8,
               help="SEQUENCE de l'invitation envoyée au technicien, + 1 à chaque changement"),
        Column("done_on", "Réalisée le", Kind.DATE, width=11),
        Column("report", "Rapport", width=40, max_len=2000),
        Column("attestation_on", "Attestation remise le", Kind.DATE, width=11),
    ),
)

T_CONTRACTS = Table(
    name="tContrats",
    sheet="Contrats d'entretien",
    title=("Contrats d'entretien : équipement, formule, prix, reconduction tacite, avis de reconduction "
           "(art. L215-1 du Code de la consommation)."),
    key="number",
    tab_color="#2F5597",
    columns=(
        Column("number", "Numéro", required=True, width=13, max_len=20),
        Column("client", "Client", required=True, width=9, max_len=10),
        Column("client_name", "Nom du client", width=24, max_len=170),
        Column("category", "Équipement", Kind.CHOICE, required=True, width=18, choices=EQUIPMENT_CATEGORIES),
        Column("brand", "Marque", width=14, max_len=60),
        Column("model", "Modèle", width=16, max_len=60),
        Column("power_kw", "Puissance (kW)", Kind.DECIMAL, width=10),
        Column("installed_on", "Mise en service", Kind.DATE, width=11),
        Column("formula", "Formule", required=True, width=20, max_len=120),
        Column("price_ht", "Prix annuel HT", Kind.MONEY, required=True, width=12),
        Column("billing", "Facturation", Kind.CHOICE, width=11, choices=CONTRACT_BILLING),
        Column("start", "Début", Kind.DATE, required=True, width=11),
        Column("anniversary", "Première reconduction", Kind.DATE, required=True, width=12,
               help="date de la première reconduction (un an après le début, sauf accord) ; puis chaque année"),
        Column("tacit", "Reconduction tacite", Kind.BOOL, width=10),
        Column("notice_days", "Préavis de non-reconduction (jours)", Kind.INT, width=12),
        Column("protected", "Client protégé (L215-1)", Kind.BOOL, width=12,
               help="Oui : avis de reconduction obligatoire (art. L215-1 et L215-3 C. conso)"),
        Column("status", "Statut", Kind.CHOICE, required=True, width=9, choices=CONTRACT_STATES),
        Column("ended_on", "Résilié le", Kind.DATE, width=11),
        Column("end_reason", "Motif de résiliation", width=30, max_len=300),
        Column("notice_sent_on", "Avis de reconduction envoyé le", Kind.DATE, width=12),
        Column("housing_old", "Logement + 2 ans", Kind.BOOL, width=10,
               help="Oui : locaux d'habitation achevés depuis plus de deux ans (TVA réduite des factures du contrat, "
                    "attestation du client)"),
        Column("billed_to", "Facturé jusqu'au", Kind.DATE, width=11,
               help="fin de la dernière période facturée ; à remplir pour un contrat facturé hors de l'outil"),
        Column("last_invoice", "Dernière facture", width=13, max_len=20),
        Column("notes", "Remarques", width=30, max_len=500),
    ),
)

PASSWORD_ENV = "SYC_SMTP_MOT_DE_PASSE"  # the SMTP password lives only in this environment variable

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
    # schema 6: printed on consumer quotes and orders (art. L616-1 and R616-1 C. conso)
    Parameter("mediateur_consommation", "Médiateur de la consommation",
              help="nom, adresse et site du médiateur auquel l'entreprise adhère ; sans lui, aucun devis n'est "
                   "envoyé à un particulier"),
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
    # version 3: printed on every quote (arrêté du 24 janvier 2017, travaux de dépannage et d'entretien)
    Parameter("devis_tarif", "Devis gratuit ou payant (mention imprimée)", default="Devis gratuit.",
              help="ex. « Devis gratuit. » ou « Devis payant : 50 € TTC, déduits en cas de commande. »"),
    Parameter("clause_retard", "Clause de retard imprimée sur les factures (professionnels)",
              default=("En cas de retard de paiement, pénalités au taux de refinancement de la BCE "
                       "majoré de 10 points, et indemnité forfaitaire pour frais de recouvrement de 40 €. "
                       "Pas d'escompte pour paiement anticipé."),
              help="ne s'imprime que pour les clients professionnels"),
    Parameter("taux_penalites_contractuel", "Taux contractuel des pénalités (%)", "taux-libre",
              help="vide = taux BCE + 10 points ; jamais moins de 3 fois le taux d'intérêt légal"),
    Parameter("franchise_tva", "Franchise en base de TVA (art. 293 B)", "choix", default="Non",
              choices=("Oui", "Non")),
    Parameter("tva_sur_debits", "Option pour le paiement de la TVA d'après les débits", "choix",
              default="Non", choices=("Oui", "Non")),
    # schema 7: payments and bank statements
    Parameter("banque_remise", "Banque de remise des chèques", help="ex. « LCL Lyon Brotteaux » : imprimée sur les "
                                                                     "bordereaux de remise"),
    Parameter("tolerance_commission_cb", "Commission maximale des lots de carte (%)", "taux-libre", default="3",
              help="un lot de carte crédité net d'une commission jusqu'à ce pourcentage est rapproché, la "
                   "commission notée en frais bancaires"),
    # schema 8: the VAT return whose figures `syc compta tva` gives
    Parameter("regime_tva", "Régime de TVA (déclarations)", "choix", default="CA3 mensuelle",
              choices=("CA3 mensuelle", "CA3 trimestrielle", "CA12 annuelle"),
              help=("CA3 mensuelle ; CA3 trimestrielle si la TVA due de l'année est inférieure à 4 000 € ; CA12 "
                    "annuelle au régime simplifié (acomptes de juillet et décembre)")),
    Parameter("dossier_documents", "Dossier des documents", default="Documents",
              help="relatif au dossier du classeur"),
    # version 3: sending by e-mail. The password is never stored in the workbook.
    Parameter("smtp_serveur", "Serveur SMTP (envoi des e-mails)",
              help=("ex. smtp.orange.fr ; vide = pas d'envoi direct, seulement des brouillons .eml. "
                    f"Le mot de passe ne se met jamais dans le classeur : variable d'environnement {PASSWORD_ENV}")),
    Parameter("smtp_port", "Port SMTP", "port", default="587",
              help="587 avec STARTTLS (le plus courant), 465 pour une connexion chiffrée d'emblée"),
    Parameter("smtp_starttls", "SMTP : chiffrement STARTTLS", "choix", default="Oui", choices=("Oui", "Non"),
              help="Oui sauf indication contraire du fournisseur (sans effet sur le port 465, toujours chiffré)"),
    Parameter("smtp_utilisateur", "SMTP : identifiant",
              help=(f"souvent l'adresse e-mail ; vide = pas d'authentification. Mot de passe : variable "
                    f"d'environnement {PASSWORD_ENV}, jamais dans le classeur")),
    Parameter("smtp_expediteur", "Adresse d'expédition des e-mails", "email",
              help="vide = l'e-mail de l'entreprise ci-dessus"),
)

SCHEMA = Schema(
    version=SCHEMA_VERSION,
    tables=(T_PARAMS, T_COUNTERS, T_CLIENTS, T_ARTICLES, T_SECTORS, T_VAT_RULES, T_QUOTES, T_QUOTE_LINES,
            T_ORDERS, T_INVOICES, T_INVOICE_LINES, T_PAYMENTS, T_LOSSES, T_PENALTY_NOTES, T_PENALTY_LINES, T_SLIPS,
            T_STATEMENT_LINES, T_CHART, T_ENTRIES, T_CLOSURES, T_SENDINGS, T_DUNNING, T_PLANS, T_DUNNING_LEVELS, T_LEGAL_RATES,
            T_ECB_RATES, T_PENALTY_RATES, T_GUARANTEES, T_TECHNICIANS, T_ABSENCES, T_TRAVEL, T_JOBS, T_CONTRACTS,
            T_AUDIT),
    parameters=PARAMETERS,
)
