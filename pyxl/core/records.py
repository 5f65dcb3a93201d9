"""Typed records at the service boundary: one frozen dataclass per table of record, its fields the
table's columns (`schema.py`; a test keeps them in step), each value typed as the store reads it
(`Decimal` money, `date`, text), and `where` (« Factures, ligne 12 ») for messages.

Services hand these to the documents, the reports and the JSON answers instead of raw rows;
`pyxl.services.records` builds them from a store. States, natures and modes are the French labels
of `kinds` and `workflow`'s enums (a record's `status == InvoiceState.ISSUED` holds).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="Record")


@dataclass(frozen=True)
class Record:
    TABLE: ClassVar[str] = ""

    where: str = ""  # « Factures, ligne 12 »: the sheet row it was read from

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """The column keys, in the table's order."""
        return tuple(f.name for f in dataclasses.fields(cls) if f.name != "where")

    @classmethod
    def of(cls: type[R], values: Mapping[str, Any], where: str = "") -> R:
        """The record of a row's values (columns the row lacks are None)."""
        return cls(where=where, **{k: values.get(k) for k in cls.columns()})

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.columns()}


@dataclass(frozen=True)
class Client(Record):
    """A client (« Clients »)."""

    TABLE: ClassVar[str] = "tClients"

    code: str | None = None  # Code
    kind: str | None = None  # Type
    name: str | None = None  # Nom / raison sociale
    first_name: str | None = None  # Prénom
    address: str | None = None  # Adresse
    address2: str | None = None  # Complément d'adresse
    postcode: str | None = None  # Code postal
    city: str | None = None  # Ville
    country: str | None = None  # Pays
    phone: str | None = None  # Téléphone
    email: str | None = None  # E-mail
    siret: str | None = None  # SIRET / SIREN
    vat_number: str | None = None  # N° TVA intracommunautaire
    category: str | None = None  # Catégorie
    terms: str | None = None  # Conditions de paiement
    sector: str | None = None  # Secteur
    created: dt.date | None = None  # Créé le
    active: str | None = None  # Actif
    notes: str | None = None  # Remarques
    marketing_mail: str | None = None  # Accepte la prospection
    dunning_blocked: str | None = None  # Relances bloquées
    collective_since: dt.date | None = None  # Procédure collective depuis
    headcount: int | None = None  # Effectif (salariés)
    iban: str | None = None  # IBAN (schema 15, compact)


@dataclass(frozen=True)
class Article(Record):
    """An article of the catalogue (« Articles »)."""

    TABLE: ClassVar[str] = "tArticles"

    code: str | None = None  # Code
    designation: str | None = None  # Désignation
    unit: str | None = None  # Unité
    unit_price: Decimal | None = None  # PU HT
    vat_rate: Decimal | None = None  # TVA %
    purchase_price: Decimal | None = None  # Prix d'achat HT
    family: str | None = None  # Famille
    category: str | None = None  # Catégorie
    active: str | None = None  # Actif


@dataclass(frozen=True)
class Quote(Record):
    """A quote (« Devis »)."""

    TABLE: ClassVar[str] = "tDevis"

    number: str | None = None  # Numéro
    date: dt.date | None = None  # Date
    client: str | None = None  # Client
    client_name: str | None = None  # Nom du client
    object: str | None = None  # Objet
    site: str | None = None  # Lieu d'intervention
    client_ref: str | None = None  # Réf. client
    nature: str | None = None  # Nature des travaux
    housing_old: str | None = None  # Logement + 2 ans
    away: str | None = None  # Hors établissement
    reverse_charge: str | None = None  # Autoliquidation
    discount_pct: Decimal | None = None  # Remise globale %
    validity_days: int | None = None  # Validité (jours)
    valid_until: dt.date | None = None  # Valable jusqu'au
    execution: str | None = None  # Exécution
    status: str | None = None  # Statut
    total_ht: Decimal | None = None  # Total HT
    total_vat: Decimal | None = None  # TVA
    total_ttc: Decimal | None = None  # Total TTC
    sent_on: dt.date | None = None  # Envoyé le
    followups: int | None = None  # Relances
    last_followup: dt.date | None = None  # Dernière relance
    followup_notes: str | None = None  # Suivi
    replaces: str | None = None  # Remplace
    replaced_by: str | None = None  # Remplacé par
    accepted_on: dt.date | None = None  # Accepté le
    urgent: str | None = None  # Dépannage urgent
    refusal_reason: str | None = None  # Motif du refus
    order: str | None = None  # Commande
    express_request: str | None = None  # Demande expresse
    outside_main_activity: str | None = None  # Hors activité principale


@dataclass(frozen=True)
class QuoteLine(Record):
    """A line of a quote (« Lignes devis »)."""

    TABLE: ClassVar[str] = "tLignesDevis"

    quote: str | None = None  # Devis
    pos: int | None = None  # N° ligne
    article: str | None = None  # Article
    designation: str | None = None  # Désignation
    unit: str | None = None  # Unité
    qty: Decimal | None = None  # Quantité
    unit_price: Decimal | None = None  # PU HT
    discount_pct: Decimal | None = None  # Remise %
    rate: Decimal | None = None  # TVA %
    rate_reason: str | None = None  # Motif du taux
    net: Decimal | None = None  # Montant HT
    purchase_price: Decimal | None = None  # Prix d'achat HT
    category: str | None = None  # Catégorie


@dataclass(frozen=True)
class Order(Record):
    """An order (« Commandes »)."""

    TABLE: ClassVar[str] = "tCommandes"

    number: str | None = None  # Numéro
    date: dt.date | None = None  # Date
    quote: str | None = None  # Devis
    client: str | None = None  # Client
    client_name: str | None = None  # Nom du client
    object: str | None = None  # Objet
    status: str | None = None  # Statut
    total_ht: Decimal | None = None  # Total HT
    total_ttc: Decimal | None = None  # Total TTC
    deposit_pct: Decimal | None = None  # Acomptes %
    done_on: dt.date | None = None  # Réalisée le
    invoice: str | None = None  # Facture
    cancel_reason: str | None = None  # Motif d'annulation


@dataclass(frozen=True)
class Invoice(Record):
    """An invoice-type document: invoice, deposit invoice or credit note (« Factures »)."""

    TABLE: ClassVar[str] = "tFactures"

    ref: str | None = None  # Réf. interne
    number: str | None = None  # Numéro
    doc_type: str | None = None  # Type
    status: str | None = None  # Statut
    date: dt.date | None = None  # Date
    client: str | None = None  # Client
    client_name: str | None = None  # Nom du client
    order: str | None = None  # Commande
    quote: str | None = None  # Devis
    origin: str | None = None  # Facture d'origine
    object: str | None = None  # Objet
    client_ref: str | None = None  # Réf. client
    nature: str | None = None  # Nature des travaux
    housing_old: str | None = None  # Logement + 2 ans
    reverse_charge: str | None = None  # Autoliquidation
    deposit_pct: Decimal | None = None  # Acompte %
    discount_pct: Decimal | None = None  # Remise globale %
    service_date: dt.date | None = None  # Date de réalisation
    terms: str | None = None  # Conditions de paiement
    due_date: dt.date | None = None  # Échéance
    total_ht: Decimal | None = None  # Total HT
    total_vat: Decimal | None = None  # TVA
    total_ttc: Decimal | None = None  # Total TTC
    deducted_ttc: Decimal | None = None  # Acomptes déduits TTC
    paid: Decimal | None = None  # Réglé
    credited: Decimal | None = None  # Avoirs
    reason: str | None = None  # Motif
    created: dt.date | None = None  # Créée le
    penalty_clause: str | None = None  # Clause de pénalités
    credit_cause: str | None = None  # Cause de l'avoir
    penalty_clause_rebuilt: str | None = None  # Clause de pénalités (reconstituée)
    site: str | None = None  # Lieu d'exécution
    operation: str | None = None  # Catégorie de l'opération
    owed: Decimal | None = None  # Reste dû (derived by the store, schema 10)
    written_off: Decimal | None = None  # Passé en perte (state column, schema 13)


@dataclass(frozen=True)
class InvoiceLine(Record):
    """A line of an invoice-type document (« Lignes factures »)."""

    TABLE: ClassVar[str] = "tLignesFactures"

    doc: str | None = None  # Pièce
    pos: int | None = None  # N° ligne
    article: str | None = None  # Article
    designation: str | None = None  # Désignation
    unit: str | None = None  # Unité
    qty: Decimal | None = None  # Quantité
    unit_price: Decimal | None = None  # PU HT
    discount_pct: Decimal | None = None  # Remise %
    rate: Decimal | None = None  # TVA %
    rate_reason: str | None = None  # Motif du taux
    net: Decimal | None = None  # Montant HT
    purchase_price: Decimal | None = None  # Prix d'achat HT
    category: str | None = None  # Catégorie
    fixed_vat: Decimal | None = None  # TVA imposée
    source: str | None = None  # Pièce d'origine


@dataclass(frozen=True)
class Payment(Record):
    """A payment, or the opposite row that cancels one (« Règlements »)."""

    TABLE: ClassVar[str] = "tReglements"

    id: str | None = None  # N°
    date: dt.date | None = None  # Date
    invoice: str | None = None  # Facture
    client: str | None = None  # Client
    amount: Decimal | None = None  # Montant
    mode: str | None = None  # Mode
    reference: str | None = None  # Référence
    cancels: str | None = None  # Annule
    reason: str | None = None  # Motif
    applies_to: str | None = None  # Au titre de (schema 7: a part paid on a penalty note)
    group: str | None = None  # Paiement (schema 7: the first row of a payment imputed in parts)
    kind: str | None = None  # Nature (schema 7: Encaissement, Imputation de crédit, Avoir en crédit, Remboursement)
    bank: str | None = None  # Banque
    drawer: str | None = None  # Tireur
    bounced: str | None = None  # Impayé
    charges: Decimal | None = None  # Frais bancaires
    slip: str | None = None  # Bordereau
    bank_line: str | None = None  # Ligne de relevé
