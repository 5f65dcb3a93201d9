"""`syc migrer`: an old workbook gains what the schema adds, and nothing else changes.

Every produced workbook goes through the Excel-invariant check of `ooxml_check.assert_valid`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, LIBREOFFICE_BOOK
from lxml import etree
from ooxml_check import assert_valid, raw_entries

from pyxl.core import vat
from pyxl.core.issues import Refused
from pyxl.excel.builder import build
from pyxl.workbook import migrate as mig
from pyxl.workbook import ooxml, seeds
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import (
    CATEGORIES,
    SCHEMA,
    T_ARTICLES,
    T_CLIENTS,
    T_VAT_RULES,
    VERSION_NAME,
    Column,
    Kind,
    Schema,
    Table,
)

TODAY = dt.date(2026, 3, 2)
NS = {"m": ooxml.NS_MAIN, "r": ooxml.NS_R,
      "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
      "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
      "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"}

# Schema version 4: without the journal's « Version de l'empreinte » of version 5.
V5_JOURNAL_COLUMNS = ("spec",)
T_JOURNAL = SCHEMA.table("tJournalAudit")
V4_JOURNAL = dataclasses.replace(T_JOURNAL, columns=tuple(c for c in T_JOURNAL.columns if c.key not in V5_JOURNAL_COLUMNS))
# Schema version 5: without the invoices' penalty clause and credit-note cause, nor the reminders'
# written proof, of version 6.
# Schema version 6: without the penalty notes and the payments' imputation columns of version 7.
V7_PAYMENT_KEYS = ("applies_to", "group", "kind", "bank", "drawer", "bounced", "charges", "slip", "bank_line")
V7_COLUMNS = {"tReglements": V7_PAYMENT_KEYS}
# Schema version 10 (issue 17): « Reste dû » of the invoices, derived by the store, outside the fingerprint
V10_COLUMNS = {"tFactures": ("owed",)}
# Schema version 12 (10 and 11 in other branches): the closures' totals per journal
V12_COLUMNS = {"tClotures": ("journals",)}
V12_COLUMN_ADDED = "ajout de la colonne « Totaux par journal » à la table tClotures"
V12_STEP = ("étape de données de la version 12 : clôtures avec leurs totaux par journal (colonne « Totaux par "
            "journal ») ; les clôtures déjà faites gardent leur empreinte (version 1, colonne vide), aucune n'est "
            "recalculée ; feuille « Créances douteuses » (créances douteuses et irrécouvrables), vide")
V12_TABLES = ("tCreances",)
# Schema version 13 (issue 15 leftovers): « Passé en perte » of the invoices, a state column outside the fingerprint
V13_COLUMNS = {"tFactures": ("written_off",)}
V13_INVOICE_COLUMN = "ajout de la colonne « Passé en perte » à la table tFactures"
V13_STEP = ("étape de données de la version 13 : colonne « Passé en perte » des factures remplie d'après les pertes "
            "en vigueur de « Créances douteuses » (hors empreinte, aucune pièce émise modifiée) ; rôle « recouvrements "
            "» (7714) ajouté au plan comptable")
# Schema version 14 (issue 15): the « Écritures » sheet, filled for the open fiscal year
V14_TABLES = ("tEcritures",)
# Schema version 15 (issue 14 leftovers): the client's IBAN, the bank's code of a statement line
V15_COLUMNS = {"tClients": ("iban",), "tReleves": ("bank_code",)}
IBAN_ADDED = "ajout de la colonne « IBAN » à la table tClients"
V15_STEP = ("étape de données de la version 15 : colonne « IBAN » des clients, vide (à saisir sur la fiche du client, "
            "ou proposée par le rapprochement quand un virement rapproché vient d'un compte que la fiche n'a pas) ; "
            "colonne « Code opération » des relevés, vide pour les lignes déjà importées (leur mode se lit alors sur "
            "leur libellé) ; aucune pièce ni aucun règlement modifié")
V14_STEP = ("étape de données de la version 14 : feuille « Écritures » (protégée) remplie des écritures de l'exercice "
            "ouvert, calculées des pièces et des règlements ; chaque action y ajoute désormais les siennes")
V7_TABLES = ("tNotesPenalites", "tLignesNotes", "tBordereaux", "tReleves")
# Schema version 9 (8: the books, in another branch): the planning and maintenance-contract sheets
V9_TABLES = ("tTechniciens", "tAbsences", "tTrajets", "tInterventions", "tContrats")
NEW_IN_V9 = [t for t in SCHEMA.tables if t.name in V9_TABLES]
V7_PARAMETERS = ("banque_remise", "tolerance_commission_cb")
V8_TABLES = ("tPlanComptable",)
V8_PARAMETERS = ("regime_tva",)
V8_STEP = ("étape de données de la version 8 : plan comptable des écritures (feuille « Plan comptable », comptes du "
           "PCG par défaut) et paramètre « Régime de TVA » (CA3 mensuelle par défaut) ; aucune pièce ni aucun "
           "règlement modifié")
NEW_IN_V8 = [t for t in SCHEMA.tables if t.name in V8_TABLES]
V6_SCHEMA = dataclasses.replace(SCHEMA, version=6, tables=tuple(
    dataclasses.replace(t, columns=tuple(c for c in t.columns if c.key not in (
        *V7_COLUMNS.get(t.name, ()), *V10_COLUMNS.get(t.name, ()), *V12_COLUMNS.get(t.name, ()),
        *V13_COLUMNS.get(t.name, ()), *V15_COLUMNS.get(t.name, ()))))
    for t in SCHEMA.tables if t.name not in (*V7_TABLES, *V8_TABLES, *V9_TABLES, *V12_TABLES, *V14_TABLES)),
    parameters=tuple(p for p in SCHEMA.parameters if p.code not in (*V7_PARAMETERS, *V8_PARAMETERS)))
NEW_IN_V7 = [t for t in SCHEMA.tables if t.name in V7_TABLES]
V7_SHEETS_ADDED = [f"ajout de la feuille {t.sheet} (table {t.name})" for t in NEW_IN_V7]
V7_PAYMENT_COLUMNS = [f"ajout de la colonne « {SCHEMA.table('tReglements').column(k).header} » à la table tReglements"
                      for k in V7_PAYMENT_KEYS]
V7_NATURES = {t: f"ajout de « Vente sans pose », « Construction (ouvrage) » à la liste de choix de la colonne « Nature "
                 f"des travaux » (table {t})" for t in ("tReglesTVA", "tDevis", "tFactures")}
V7_MODE_ADDED = "ajout de « Compensation » à la liste de choix de la colonne « Mode » (table tReglements)"
V7_STEP = ("étape de données de la version 7 : notes de pénalités (feuilles « Notes de pénalités » et « Lignes notes "
           "pénalités », série NP) ; colonnes « Au titre de » et « Paiement » des règlements (imputation de l'art. "
           "1343-1 du Code civil) ; natures « Vente sans pose » et « Construction (ouvrage) » avec leurs règles de "
           "TVA et leurs garanties légales ; bordereaux de remise, relevés bancaires et leurs paramètres ; chaque "
           "règlement existant reste une imputation sur sa facture, son empreinte inchangée (version 1)")
V6_COLUMNS = {"tFactures": ("penalty_clause", "credit_cause", "penalty_clause_rebuilt", "site", "operation"),
              "tRelances": ("proof",), "tClients": ("headcount",),
              "tDevis": ("express_request", "outside_main_activity"),
              "tReglesTVA": ("keeps_old",)}
V6_TABLES = ("tGaranties",)
V6_PARAMETERS = ("mediateur_consommation",)
V5_SCHEMA = dataclasses.replace(V6_SCHEMA, version=5, tables=tuple(
    dataclasses.replace(t, columns=tuple(c for c in t.columns if c.key not in V6_COLUMNS.get(t.name, ())))
    for t in V6_SCHEMA.tables if t.name not in V6_TABLES),
    parameters=tuple(p for p in V6_SCHEMA.parameters if p.code not in V6_PARAMETERS))
NEW_IN_V6 = [t for t in SCHEMA.tables if t.name in V6_TABLES]
V6_SHEETS_ADDED = [f"ajout de la feuille {t.sheet} (table {t.name})" for t in NEW_IN_V6]
V4_SCHEMA = dataclasses.replace(
    V5_SCHEMA,
    version=4,
    tables=tuple(V4_JOURNAL if t.name == "tJournalAudit" else t for t in V5_SCHEMA.tables),
)
# Schema version 3: without the rate tables, reminder levels, reminder history and payment plans of
# version 4, nor the clients' stop columns.
V4_TABLES = ("tRelances", "tEcheanciers", "tNiveauxRelance", "tTauxLegal", "tTauxBCE", "tTauxPenalites")
V4_CLIENT_COLUMNS = ("dunning_blocked", "collective_since")
LATER_CLIENT_COLUMNS = (*V4_CLIENT_COLUMNS, "headcount", "iban")  # the clients' columns of versions 4, 6 and 15
V3_CLIENTS = dataclasses.replace(V5_SCHEMA.table("tClients"), columns=tuple(
    c for c in V5_SCHEMA.table("tClients").columns if c.key not in V4_CLIENT_COLUMNS))
V3_SCHEMA = dataclasses.replace(
    V4_SCHEMA,
    version=3,
    tables=tuple(V3_CLIENTS if t.name == "tClients" else t for t in V4_SCHEMA.tables if t.name not in V4_TABLES),
)
NEW_IN_V4 = [t for t in SCHEMA.tables if t.name in V4_TABLES]
# Schema version 2: without the « Journal des envois », the clients' « Accepte la prospection » and the
# SMTP parameters of version 3.
V3_TABLES = ("tEnvois",)
V3_CLIENT_COLUMNS = ("marketing_mail",)
V2_CLIENTS = dataclasses.replace(V3_CLIENTS, columns=tuple(
    c for c in V3_CLIENTS.columns if c.key not in V3_CLIENT_COLUMNS))
V3_PARAMETERS = {"devis_tarif"}  # the other parameters of version 3 are the smtp_* ones
V2_SCHEMA = dataclasses.replace(
    V3_SCHEMA,
    version=2,
    tables=tuple(V2_CLIENTS if t.name == "tClients" else t for t in V3_SCHEMA.tables if t.name not in V3_TABLES),
    parameters=tuple(p for p in V5_SCHEMA.parameters if not p.code.startswith("smtp_") and p.code not in V3_PARAMETERS),
)
NEW_IN_V3 = [t for t in SCHEMA.tables if t.name in V3_TABLES]
# Schema version 1: without the sales-chain tables of version 2, nor its « Chaudière THPE » category.
V2_TABLES = ("tReglesTVA", "tDevis", "tLignesDevis", "tCommandes", "tFactures", "tLignesFactures", "tReglements",
             "tClotures")
V1_ARTICLES = dataclasses.replace(T_ARTICLES, columns=tuple(
    dataclasses.replace(c, choices=tuple(v for v in CATEGORIES if v != "Chaudière THPE")) if c.key == "category"
    else c for c in T_ARTICLES.columns))
V1_SCHEMA = dataclasses.replace(
    V2_SCHEMA,
    version=1,
    tables=tuple(V1_ARTICLES if t.name == "tArticles" else t for t in V2_SCHEMA.tables if t.name not in V2_TABLES),
)
# Schema version 0: version 1 without tSecteurs nor the « Catégorie » of tClients.
OLD_CLIENTS = dataclasses.replace(V2_CLIENTS, columns=tuple(c for c in V2_CLIENTS.columns if c.key != "category"))
OLD_SCHEMA = dataclasses.replace(
    V1_SCHEMA,
    version=0,
    tables=tuple(OLD_CLIENTS if t.name == "tClients" else t for t in V1_SCHEMA.tables if t.name != "tSecteurs"),
)
NEW_IN_V2 = [t for t in SCHEMA.tables if t.name in V2_TABLES]
V1_BOOK = DATA / "v1" / "syc_v1.xlsm"  # the committed version-1 workbook, with data (see its README)
V2_BOOK = DATA / "v2" / "syc_v2.xlsm"  # the committed version-2 workbook, with data (see its README)
V3_BOOK = DATA / "v3" / "syc_v3.xlsm"  # the committed version-3 workbook, with data (see its README)



def sheets_added(*groups: tuple[str, ...]) -> list[str]:
    """The sheets a migration adds, in the schema's order (whatever version brought them)."""
    names = {n for g in groups for n in g}
    return [f"ajout de la feuille {t.sheet} (table {t.name})" for t in SCHEMA.tables if t.name in names]


def with_closure_column(*groups: tuple[str, ...]) -> list[str]:
    """`sheets_added`, with the closures' column of version 12 at its place in the schema's order."""
    names = {n for g in groups for n in g}
    out = []
    for t in SCHEMA.tables:
        if t.name in names:
            out.append(f"ajout de la feuille {t.sheet} (table {t.name})")
        if t.name == "tClotures":
            out.append(V12_COLUMN_ADDED)
    return out


THPE_ADDED = "ajout de « Chaudière THPE » à la liste de choix de la colonne « Catégorie » (table tArticles)"
V2_SHEETS_ADDED = [f"ajout de la feuille {t.sheet} (table {t.name})" for t in NEW_IN_V2]
V3_SHEETS_ADDED = [f"ajout de la feuille {t.sheet} (table {t.name})" for t in NEW_IN_V3]
CONSENT_ADDED = "ajout de la colonne « Accepte la prospection » à la table tClients"
V4_SHEETS_ADDED = [f"ajout de la feuille {t.sheet} (table {t.name})" for t in NEW_IN_V4]
STOPS_ADDED = ["ajout de la colonne « Relances bloquées » à la table tClients",
               "ajout de la colonne « Procédure collective depuis » à la table tClients"]
SPEC_ADDED = "ajout de la colonne « Version de l'empreinte » à la table tJournalAudit"
V5_STEP = ("étape de données de la version 5 : versions des règles d'empreinte : les lignes déjà au journal "
           "d'audit gardent la version 1 (colonne vide), aucune empreinte n'est recalculée")
V6_STEP = ("étape de données de la version 6 : clause de pénalités reconstituée (hors empreinte) sur les factures "
           "déjà émises aux clients professionnels ; catégorie « PAC » des articles devenue « PAC à classer » ; "
           "règles de TVA à 5,5 % des pompes à chaleur par type (PAC air/eau, eau/eau, géothermique, chauffe-eau "
           "thermodynamique) ; « Ancien taux maintenu » sur les règles des chaudières de la loi de finances 2025 ; "
           "garanties légales par nature de travaux ; paramètre « Médiateur de la consommation » (à remplir) ; "
           "aucune pièce émise n'est modifiée")
V9_STEP = ("étape de données de la version 9 : planning et contrats d'entretien : feuilles Techniciens, Absences, "
           "Interventions, Contrats d'entretien ; temps de trajet par défaut (20 min dans un secteur, 45 min d'un "
           "secteur à l'autre)")
V10_STEP = ("étape de données de la version 10 : colonne « Reste dû » des factures remplie d'après le total TTC, le "
            "réglé et les avoirs (hors empreinte, aucune pièce émise modifiée)")
V10_INVOICE_COLUMN = "ajout de la colonne « Reste dû » à la table tFactures"
_PAC = ("« PAC air/eau », « PAC eau/eau », « PAC géothermique », « Chauffe-eau thermodynamique », « PAC air/air », "
        "« PAC à classer »")
PAC_ADDED = [f"ajout de {_PAC} à la liste de choix de la colonne « Catégorie » (table tArticles)",
             f"ajout de {_PAC} à la liste de choix de la colonne « Catégorie d'équipement » (table tReglesTVA)"]
VAT_COLUMN_ADDED = "ajout de la colonne « Ancien taux maintenu » à la table tReglesTVA"
THPE_PAC_ADDED = f"ajout de « Chaudière THPE », {_PAC} à la liste de choix de la colonne « Catégorie » (table tArticles)"
HEADCOUNT_ADDED = "ajout de la colonne « Effectif (salariés) » à la table tClients"
V6_QUOTE_COLUMNS = ["ajout de la colonne « Demande expresse » à la table tDevis",
                    "ajout de la colonne « Hors activité principale » à la table tDevis"]
V6_INVOICE_COLUMNS = ["ajout de la colonne « Clause de pénalités » à la table tFactures",
                      "ajout de la colonne « Cause de l'avoir » à la table tFactures",
                      "ajout de la colonne « Clause de pénalités (reconstituée) » à la table tFactures",
                      "ajout de la colonne « Lieu d'exécution » à la table tFactures",
                      "ajout de la colonne « Catégorie de l'opération » à la table tFactures",
                      V10_INVOICE_COLUMN, V13_INVOICE_COLUMN]
V4_BOOK = DATA / "v4" / "syc_v4.xlsm"  # the version-4 workbook with issued documents (see its README)
V4_STEP = ("étape de données de la version 4 : tables des taux (taux légal, taux BCE, pénalités, avec leurs sources) "
           "et niveaux de relance par défaut, dans les feuilles encore vides")
VAT_STEP = ("étape de données de la version 2 : règles de TVA par défaut dans la feuille « Règles TVA », "
            "si elle est vide")
V3_STEP = ("étape de données de la version 3 : paramètres d'envoi des e-mails (SMTP) ajoutés à la feuille "
           "« Paramètres » ; « Accepte la prospection » à Oui pour les clients existants (prospection postale : "
           "permise sauf opposition)")
# what migrating the version-0 book of `old_book` does
OLD_BOOK_DONE = [
    "ajout de la colonne « Catégorie » à la table tClients",
    CONSENT_ADDED,
    *STOPS_ADDED,
    HEADCOUNT_ADDED, IBAN_ADDED,
    THPE_ADDED,
    "ajout de la feuille Secteurs (table tSecteurs)",
    *sheets_added(V2_TABLES, V3_TABLES, V4_TABLES, V6_TABLES, V7_TABLES, V8_TABLES, V9_TABLES, V12_TABLES, V14_TABLES),
    SPEC_ADDED,
    f"mise à jour de la version du schéma : 0 → {SCHEMA.version}",
    VAT_STEP,
    V3_STEP,
    V4_STEP,
    V5_STEP,
    V6_STEP,
    V7_STEP,
    V8_STEP,
    V9_STEP,
    V10_STEP,
    V12_STEP,
    V13_STEP,
    V14_STEP,
    V15_STEP,
]
CLIENTS = [
    {"code": "C001", "kind": "Particulier", "name": "Dupont", "address": "1 rue des Lilas", "postcode": "69001",
     "city": "Lyon", "created": dt.date(2026, 1, 5), "active": "Oui"},
    {"code": "C002", "kind": "Professionnel", "name": "Martin <SARL> & fils", "address": "2 av. Foch",
     "postcode": "38000", "city": "Grenoble", "siret": "73282932000074", "active": "Non",
     "notes": "  espaces gardés  "},
]


# --------------------------------------------------------------------------- helpers
def as_v6(old: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """What the data step of version 6 makes of older data: the clause in force reconstituted on
    the invoices already issued to business clients (outside their fingerprint), « PAC » articles
    to classify, the 5,5 % rules of « PAC » split by eligible kind of heat pump."""
    out = {k: [dict(r) for r in v] for k, v in old.items()}
    business = {r["code"] for r in old.get("tClients", []) if r["kind"] == "Professionnel"}
    for r in out.get("tFactures", []):
        r.update(penalty_clause=None, credit_cause=None, penalty_clause_rebuilt=None, site=None, operation=None)
        if r["number"] and r["doc_type"] != "Avoir" and r["client"] in business:
            r["penalty_clause_rebuilt"] = "BCE + 10 points (reconstitué)"
    for r in out.get("tRelances", []):
        r["proof"] = None
    for r in out.get("tDevis", []):
        r.update(express_request=None, outside_main_activity=None)
    params = out.get("tParametres")
    for code in ("mediateur_consommation", *V7_PARAMETERS, *V8_PARAMETERS):  # versions 6 and 7
        if params is not None and not any(r["code"] == code for r in params):
            p = next(p for p in SCHEMA.parameters if p.code == code)
            params.append({"code": p.code, "label": p.label, "value": p.default or None, "help": p.help})
    for r in out.get("tArticles", []):
        if r["category"] == "PAC":
            r["category"] = "PAC à classer"
    rules = out.get("tReglesTVA", [])
    for r in list(rules):
        r["keeps_old"] = "Oui" if vat.keeps_old_rate(r["category"], r["valid_from"]) else "Non"
        if r["category"] == "PAC":
            r["category"] = "PAC air/eau"
            rules += [{**r, "category": c} for c in ("PAC eau/eau", "PAC géothermique", "Chauffe-eau thermodynamique")]
    # version 7: the rules of the two new natures (and their guarantees, in a sheet these books lack)
    if "tReglesTVA" in out:
        from pyxl.workbook.seeds import default_rows

        columns = [c.key for c in SCHEMA.table("tReglesTVA").columns]
        rules += [{k: r.get(k) for k in columns} for r in default_rows(SCHEMA)["tReglesTVA"]
                  if r["nature"] in ("Vente sans pose", "Construction (ouvrage)")]
    for r in out.get("tReglements", []):
        r.update(applies_to=None, group=None)
    return out


def read_part(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(part)


def xml(path: Path, part: str) -> etree._Element:
    return etree.fromstring(read_part(path, part))


def patch_parts(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite some parts of a workbook in place (to simulate what a user or Excel did)."""
    pkg = ooxml.Package(str(path))
    buf = io.BytesIO()
    ooxml.rewrite(pkg.zip, buf, {part: f(pkg.read(part)) for part, f in edits.items()})
    pkg.close()
    path.write_bytes(buf.getvalue())


def sheet_part(path: Path, sheet: str) -> str:
    pkg = ooxml.Package(str(path))
    try:
        return pkg.sheets[sheet]
    finally:
        pkg.close()


def v6_parts(path: Path) -> set[str]:
    """The sheet and table parts versions 6 and 7 change in a workbook of version 2 to 5: the articles
    and VAT rules (the heat pumps by kind), the invoices (their new columns) and the payments (their
    imputation columns, version 7), and the closures (their totals per journal, version 12)."""
    pkg = ooxml.Package(str(path))
    try:
        return {pkg.table("tArticles").sheet_part} | {
            part for name in ("tReglesTVA", "tDevis", "tFactures", "tReglements", "tClotures")
            for part in (pkg.table(name).sheet_part, pkg.table(name).table_part)}
    finally:
        pkg.close()


def journal_parts(path: Path) -> set[str]:
    """The sheet and table parts of the audit journal (version 5 adds a column to it)."""
    pkg = ooxml.Package(str(path))
    try:
        loc = pkg.table("tJournalAudit")
        return {loc.sheet_part, loc.table_part}
    finally:
        pkg.close()


def backups(path: Path) -> list[Path]:
    d = path.parent / "sauvegardes"
    return sorted(d.glob(f"{path.stem}_*")) if d.is_dir() else []


def assert_styles_only_extended(before: bytes, after: bytes) -> None:
    """styles.xml keeps every format, style and dxf it had, at the same index: new ones are appended."""
    old, new = etree.fromstring(before), etree.fromstring(after)
    assert [c.tag for c in old] == [c.tag for c in new]
    for o, n in zip(old, new, strict=True):
        if etree.QName(o).localname in ("numFmts", "cellXfs", "dxfs"):
            assert [etree.tostring(c) for c in o] == [etree.tostring(c) for c in n][: len(o)]
            assert n.get("count") == str(len(n))
        else:
            assert etree.tostring(o) == etree.tostring(n)
    codes = [f.get("formatCode") for f in new.iterfind("m:numFmts/m:numFmt", NS)]
    assert len(set(codes)) == len(codes)


def category_validation(articles: etree._Element) -> etree._Element:
    """The list validation of the « Catégorie » column of the articles' sheet (there is one)."""
    (dv,) = [d for d in articles.iterfind("m:dataValidations/m:dataValidation", NS)
             if d.get("errorTitle") == "Catégorie"]
    return dv


def default_vat_rules(tmp_path: Path) -> list[dict]:
    """The VAT rules of a new workbook, as the store reads them."""
    path = tmp_path / "neuf" / "SYC_Gestion.xlsm"
    path.parent.mkdir()
    build(path)
    rules = [dict(r.values) for r in FileStore(path).rows("tReglesTVA")]
    assert len(rules) == len(seeds.default_rows()["tReglesTVA"]) > 0
    return rules


def assert_v4_seeded(store: FileStore) -> None:
    """Version 4's rate tables hold the shipped rows with their sources; the procedure its defaults."""
    seeded = seeds.default_rows()
    for name in ("tTauxLegal", "tTauxBCE", "tTauxPenalites", "tNiveauxRelance"):
        assert [dict(r.values) for r in store.rows(name)] == seeded[name], name
    assert all(r["source"] for r in store.rows("tTauxLegal"))
    assert store.rows("tRelances") == [] and store.rows("tEcheanciers") == []


@pytest.fixture
def old_book(tmp_path: Path) -> Path:
    """A version-0 workbook: no tSecteurs, no « Catégorie » in tClients, none of the tables of version 2,
    two clients in it."""
    path = tmp_path / "SYC_Gestion.xlsm"
    build(path, schema=OLD_SCHEMA)
    changes = ChangeSet()
    for c in CLIENTS:
        changes.append("tClients", c)
    FileStore(path, schema=OLD_SCHEMA).apply(changes, as_of=TODAY)
    return path


# --------------------------------------------------------------------------- the main path
def test_plan_describes_and_writes_nothing(old_book: Path) -> None:
    before, earlier_backups = old_book.read_bytes(), backups(old_book)
    assert mig.plan(old_book) == OLD_BOOK_DONE
    assert old_book.read_bytes() == before
    assert backups(old_book) == earlier_backups


def test_migrate_old_book(old_book: Path) -> None:
    before_bytes = old_book.read_bytes()
    before = raw_entries(old_book)
    earlier_backups = backups(old_book)  # the fixture's own write
    clients_part, articles_part = sheet_part(old_book, "Clients"), sheet_part(old_book, "Articles")
    journal = journal_parts(old_book)
    old_rows = [dict(r.values) for r in FileStore(old_book, schema=OLD_SCHEMA).rows("tClients")]
    old_styles = read_part(old_book, "xl/styles.xml")

    done = mig.migrate(old_book)

    assert done == OLD_BOOK_DONE
    assert_valid(old_book)

    store = FileStore(old_book)
    assert store.version() == SCHEMA.version
    store.check_version()
    assert store.rows("tSecteurs") == []
    assert all(store.rows(t.name) == [] for t in NEW_IN_V2 if t.name != "tReglesTVA")
    assert [dict(r.values) for r in store.rows("tReglesTVA")] == default_vat_rules(old_book.parent)
    rows = [dict(r.values) for r in store.rows("tClients")]
    assert [{k: v for k, v in r.items() if k not in ("category", "marketing_mail", *LATER_CLIENT_COLUMNS)} for r in rows] == old_rows
    assert [r["category"] for r in rows] == [None, None]
    assert [r["marketing_mail"] for r in rows] == ["Oui", "Oui"]  # postal prospecting: lawful unless refused
    # the parameters of version 3 were added, with their defaults
    params = {r["code"]: r["value"] for r in store.rows("tParametres")}
    assert params["smtp_port"] == "587" and params["smtp_starttls"] == "Oui" and params["smtp_serveur"] is None
    store.close()

    # only the parts concerned changed; every other entry is the very same compressed bytes
    after = raw_entries(old_book)
    changed = {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "docProps/app.xml",
               "docProps/custom.xml", clients_part, "xl/tables/table3.xml", articles_part, "xl/styles.xml",
               sheet_part(old_book, "Paramètres"), "xl/tables/table1.xml",  # the parameters of version 3
               *journal}  # the journal's « Version de l'empreinte » of version 5
    added = set(after) - set(before)
    # the new sheets and tables take the next free numbers: 6 for Secteurs, then the tables of versions 2 and 3
    new = range(6, 6 + 1 + len(NEW_IN_V2) + len(NEW_IN_V3) + len(NEW_IN_V4) + len(NEW_IN_V6) + len(NEW_IN_V7) + len(NEW_IN_V8) + len(NEW_IN_V9) + len(V12_TABLES) + len(V14_TABLES))
    assert added == {*(f"xl/worksheets/sheet{i}.xml" for i in new), *(f"xl/tables/table{i}.xml" for i in new),
                     *(f"xl/worksheets/_rels/sheet{i}.xml.rels" for i in new)}
    assert set(before) <= set(after)
    for name in set(before) - changed:
        assert after[name] == before[name], name
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    # the builder's formats are reused; only those of the new columns are added
    assert_styles_only_extended(old_styles, read_part(old_book, "xl/styles.xml"))

    # the backup is the file as it was
    (backup,) = set(backups(old_book)) - set(earlier_backups)
    assert backup.read_bytes() == before_bytes


def test_migrated_structure(old_book: Path) -> None:
    mig.migrate(old_book)
    wb = xml(old_book, "xl/workbook.xml")
    sheets = wb.findall("m:sheets/m:sheet", NS)
    names = [s.get("name") for s in sheets]
    # in schema order: Secteurs after Articles, the tables of version 2 after it, before the audit journal
    assert names == ["Paramètres", "Compteurs", "Clients", "Articles", "Secteurs",
                     *(t.sheet for t in SCHEMA.tables
                       if t.name in {*V2_TABLES, *V3_TABLES, *V4_TABLES, *V6_TABLES, *V7_TABLES, *V8_TABLES, *V9_TABLES, *V12_TABLES, *V14_TABLES}),
                     "Journal d'audit"]
    assert names == [t.sheet for t in SCHEMA.tables]
    assert len({s.get("sheetId") for s in sheets}) == len(sheets)
    assert wb.find(f"m:definedNames/m:definedName[@name='{VERSION_NAME}']", NS).text == str(SCHEMA.version)
    # app.xml lists the same sheets, in the same order
    # (then the named ranges: one Print_Titles per sheet of the old book)
    app = xml(old_book, "docProps/app.xml")
    titles = [t.text for t in app.findall("ep:TitlesOfParts/vt:vector/vt:lpstr", NS)]
    counts = [int(v.text) for v in app.findall("ep:HeadingPairs/vt:vector/vt:variant/vt:i4", NS)]
    assert counts[0] == len(names) and titles[: len(names)] == names
    assert sum(counts) == len(titles)
    assert app.find("ep:TitlesOfParts/vt:vector", NS).get("size") == str(len(titles))
    custom = xml(old_book, "docProps/custom.xml")
    assert custom.find("cp:property[@name='SYC_VersionSchema']/vt:lpwstr", NS).text == str(SCHEMA.version)

    new_sheet = read_part(old_book, "xl/worksheets/sheet6.xml")
    code_names = [re.search(rb'codeName="([^"]+)"', read_part(old_book, f"xl/worksheets/sheet{i}.xml")).group(1)
                  for i in range(1, len(names) + 1)]
    assert code_names == [f"Sheet{i}".encode() for i in range(1, len(names) + 1)]
    assert "Début du code postal".encode() in new_sheet and b't="inlineStr"' in new_sheet
    table = xml(old_book, "xl/tables/table6.xml")
    assert (table.get("name"), table.get("displayName"), table.get("ref")) == ("tSecteurs", "tSecteurs", "A1:C2")
    with zipfile.ZipFile(old_book) as z:
        ids = [etree.fromstring(z.read(n)).get("id") for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(set(ids)) == len(ids)

    clients = xml(old_book, "xl/tables/table3.xml")
    n = len(T_CLIENTS.columns)
    assert clients.get("ref") == f"A1:{ooxml.col_letter(n)}3"
    assert clients.find("m:autoFilter", NS).get("ref") == clients.get("ref")
    cols = clients.findall("m:tableColumns/m:tableColumn", NS)
    assert [c.get("name") for c in cols[-6:]] == ["Catégorie", "Accepte la prospection", "Relances bloquées",
                                                  "Procédure collective depuis", "Effectif (salariés)", "IBAN"]
    assert len({c.get("id") for c in cols}) == n
    assert clients.find("m:tableColumns", NS).get("count") == str(n)
    sheet = read_part(old_book, sheet_part(old_book, "Clients"))
    assert b'sqref="S2:S1048576"' in sheet and b"Commer\xc3\xa7ant-artisan,Autre" in sheet
    assert b'sqref="T2:T1048576"' in sheet and b'"Oui,Non"' in sheet
    assert b'sqref="U2:U1048576"' in sheet  # « Relances bloquées »: Oui/Non too

    # the drop-down of the articles' « Catégorie » offers the category added by version 2
    articles = xml(old_book, sheet_part(old_book, "Articles"))
    dv = category_validation(articles)
    assert dv.get("sqref") == "H2:H1048576"
    assert dv.findtext("m:formula1", namespaces=NS) == '"' + ",".join(CATEGORIES) + '"'
    assert dv.get("error") == "Choisissez une valeur de la liste : " + ", ".join(CATEGORIES)
    assert len(articles.findall("m:dataValidations/m:dataValidation", NS)) == int(
        articles.find("m:dataValidations", NS).get("count"))


def v1_data(store: FileStore) -> dict[str, list[dict]]:
    """The rows of the tables of version 1, without the columns and parameters version 3 adds."""
    params = {p.code for p in SCHEMA.parameters} - {p.code for p in V1_SCHEMA.parameters}
    return {t.name: [{k: v for k, v in r.values.items() if k not in (*V3_CLIENT_COLUMNS, *LATER_CLIENT_COLUMNS)}
                     for r in store.rows(t.name) if not (t.name == "tParametres" and r["code"] in params)]
            for t in V1_SCHEMA.tables}


def test_version_1_workbook(tmp_path: Path) -> None:
    """A real workbook of version 1 (the committed one of that version, with a client, two articles
    and a sector written by the code of that version) gains the tables of version 2 and its VAT rules;
    its data and every other part are kept as they were."""
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(V1_BOOK, path)
    before, before_bytes = raw_entries(path), path.read_bytes()
    pkg = ooxml.Package(str(path))
    assert mig.workbook_version(pkg) == 1
    assert {k.lower() for k in pkg.tables} == {t.name.lower() for t in V1_SCHEMA.tables}
    for t in V1_SCHEMA.tables:  # V1_SCHEMA is the schema of this file
        assert list(pkg.table(t.name).headers) == [c.header for c in t.columns]
    articles_part = pkg.table("tArticles").sheet_part
    clients_parts = {pkg.table("tClients").sheet_part, pkg.table("tClients").table_part}
    params_parts = {pkg.table("tParametres").sheet_part, pkg.table("tParametres").table_part}
    journal = {pkg.table("tJournalAudit").sheet_part, pkg.table("tJournalAudit").table_part}
    pkg.close()
    old_store = FileStore(path, schema=V1_SCHEMA)
    old = v1_data(old_store)
    old_store.close()
    assert [len(old[t]) for t in ("tClients", "tArticles", "tSecteurs")] == [1, 2, 1]
    assert old["tArticles"][0]["category"] == "Chaudière gaz"
    old_styles = read_part(path, "xl/styles.xml")

    expected = [CONSENT_ADDED, *STOPS_ADDED, HEADCOUNT_ADDED, IBAN_ADDED, THPE_PAC_ADDED, *sheets_added(V2_TABLES, V3_TABLES,
                V4_TABLES, V6_TABLES, V7_TABLES, V8_TABLES, V9_TABLES, V12_TABLES, V14_TABLES), SPEC_ADDED, f"mise à jour de la version du schéma : 1 → {SCHEMA.version}", VAT_STEP, V3_STEP, V4_STEP,
                V5_STEP, V6_STEP, V7_STEP, V8_STEP, V9_STEP, V10_STEP, V12_STEP, V13_STEP, V14_STEP, V15_STEP]
    assert mig.plan(path) == expected
    assert path.read_bytes() == before_bytes
    assert mig.migrate(path) == expected
    assert_valid(path)

    # the current version, every table of the schema with its headers, the new ones in schema order
    pkg = ooxml.Package(str(path))
    assert mig.workbook_version(pkg) == 15 == SCHEMA.version
    for t in SCHEMA.tables:
        assert list(pkg.table(t.name).headers) == [c.header for c in t.columns], t.name
    assert list(pkg.sheets) == [t.sheet for t in SCHEMA.tables]
    pkg.close()
    assert xml(path, "docProps/custom.xml").find(
        "cp:property[@name='SYC_VersionSchema']/vt:lpwstr", NS).text == str(SCHEMA.version)

    store = FileStore(path)
    store.check_version()
    # the VAT rules of a new workbook; the other new tables are empty
    rules = [dict(r.values) for r in store.rows("tReglesTVA")]
    assert rules == default_vat_rules(tmp_path)
    assert [(r["nature"], r["category"], r["housing"], r["rate"]) for r in rules] == [
        (r.nature, r.category, r.housing, r.rate) for r in vat.default_rules()]
    assert all(store.rows(t.name) == [] for t in [*NEW_IN_V2, *NEW_IN_V3] if t is not T_VAT_RULES)
    assert_v4_seeded(store)
    # the data of version 1, unchanged, but the rows version 3 adds to them
    assert v1_data(store) == old
    assert [r["marketing_mail"] for r in store.rows("tClients")] == ["Oui"]
    store.close()

    # the parts: the VBA project and all the others byte for byte, but those the migration edits
    after = raw_entries(path)
    changed = {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "docProps/app.xml",
               "docProps/custom.xml", "xl/styles.xml", articles_part, *clients_parts, *params_parts, *journal}
    assert {n for n in before if after.get(n) != before[n]} == changed
    new = range(7, 7 + len(NEW_IN_V2) + len(NEW_IN_V3) + len(NEW_IN_V4) + len(NEW_IN_V6) + len(NEW_IN_V7) + len(NEW_IN_V8) + len(NEW_IN_V9) + len(V12_TABLES) + len(V14_TABLES))  # the six sheets and tables of version 1 keep their numbers
    assert set(after) - set(before) == {
        *(f"xl/worksheets/sheet{i}.xml" for i in new), *(f"xl/worksheets/_rels/sheet{i}.xml.rels" for i in new),
        *(f"xl/tables/table{i}.xml" for i in new)}
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    assert_styles_only_extended(old_styles, read_part(path, "xl/styles.xml"))
    (backup,) = backups(path)
    assert backup.read_bytes() == before_bytes

    # the migrated workbook takes quotes and invoices
    changes = ChangeSet()
    changes.append("tDevis", {
        "number": "D2026-0001", "date": TODAY, "client": "C001", "client_name": "Dupont & Fils",
        "object": "Remplacement de chaudière", "nature": "Remplacement", "housing_old": True,
        "status": "Brouillon", "validity_days": 30, "total_ht": Decimal("2450.50"), "total_vat": Decimal("490.10"),
        "total_ttc": Decimal("2940.60")})
    changes.append("tLignesDevis", {
        "quote": "D2026-0001", "pos": 1, "article": "CH-GAZ", "designation": "Chaudière gaz à condensation 24 kW",
        "unit": "u", "qty": Decimal(1), "unit_price": Decimal("2450.50"), "rate": Decimal(20),
        "net": Decimal("2450.50"), "category": "Chaudière gaz"})
    changes.append("tFactures", {
        "ref": "BROUILLON-1", "doc_type": "Facture", "status": "Brouillon", "client": "C001",
        "client_name": "Dupont & Fils", "quote": "D2026-0001", "nature": "Remplacement",
        "total_ht": Decimal("2450.50"), "created": TODAY})
    FileStore(path).apply(changes, as_of=TODAY)
    assert_valid(path)
    store = FileStore(path)
    (quote,) = store.rows("tDevis")
    assert (quote["number"], quote["date"], quote["housing_old"], quote["validity_days"], quote["total_ttc"]) == (
        "D2026-0001", TODAY, "Oui", 30, Decimal("2940.60"))
    assert [(r["quote"], r["qty"], r["rate"], r["net"]) for r in store.rows("tLignesDevis")] == [
        ("D2026-0001", Decimal(1), Decimal(20), Decimal("2450.50"))]
    (invoice,) = store.rows("tFactures")
    assert (invoice["ref"], invoice["number"], invoice["status"], invoice["total_ht"], invoice["created"]) == (
        "BROUILLON-1", None, "Brouillon", Decimal("2450.50"), TODAY)
    assert v1_data(store) == old
    assert [dict(r.values) for r in store.rows("tReglesTVA")] == rules
    store.close()

    # migrated once: nothing more to do
    current = path.read_bytes()
    assert mig.plan(path) == [] and mig.migrate(path) == []
    assert path.read_bytes() == current


def test_version_2_workbook(tmp_path: Path) -> None:
    """The committed workbook of version 2, with clients (one with hostile text), an article, a
    sector and a draft quote written by the code of that version, gains the « Journal des envois »,
    the clients' consent column and the SMTP parameters; everything else is kept byte for byte."""
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(V2_BOOK, path)
    before, before_bytes = raw_entries(path), path.read_bytes()
    pkg = ooxml.Package(str(path))
    assert mig.workbook_version(pkg) == 2
    for t in V2_SCHEMA.tables:  # V2_SCHEMA is the schema of this file
        assert list(pkg.table(t.name).headers) == [c.header for c in t.columns], t.name
    clients_parts = {pkg.table("tClients").sheet_part, pkg.table("tClients").table_part}
    journal = {pkg.table("tJournalAudit").sheet_part, pkg.table("tJournalAudit").table_part}
    params_parts = {pkg.table("tParametres").sheet_part, pkg.table("tParametres").table_part}
    pkg.close()
    old_store = FileStore(path, schema=V2_SCHEMA)
    old = {t.name: [dict(r.values) for r in old_store.rows(t.name)] for t in V2_SCHEMA.tables}
    old_store.close()
    assert [len(old[t]) for t in ("tClients", "tArticles", "tSecteurs", "tDevis", "tLignesDevis")] == [2, 1, 1, 1, 1]
    assert old["tClients"][0]["name"] == 'Dupont & Fils <SARL> "l\'Étang"'
    assert not any(r["code"].startswith("smtp_") for r in old["tParametres"])

    expected = [CONSENT_ADDED, *STOPS_ADDED, HEADCOUNT_ADDED, IBAN_ADDED, PAC_ADDED[0], VAT_COLUMN_ADDED, V7_NATURES["tReglesTVA"],
                PAC_ADDED[1], *V6_QUOTE_COLUMNS, V7_NATURES["tDevis"], *V6_INVOICE_COLUMNS, V7_NATURES["tFactures"],
                *V7_PAYMENT_COLUMNS, V7_MODE_ADDED,
                *with_closure_column(V3_TABLES, V4_TABLES, V6_TABLES, V7_TABLES, V8_TABLES, V9_TABLES, V12_TABLES, V14_TABLES),
                SPEC_ADDED, f"mise à jour de la version du schéma : 2 → {SCHEMA.version}", V3_STEP, V4_STEP, V5_STEP,
                V6_STEP, V7_STEP, V8_STEP, V9_STEP, V10_STEP, V12_STEP, V13_STEP, V14_STEP, V15_STEP]
    assert mig.plan(path) == expected
    assert path.read_bytes() == before_bytes
    assert mig.migrate(path) == expected
    assert_valid(path)

    pkg = ooxml.Package(str(path))
    assert mig.workbook_version(pkg) == 15 == SCHEMA.version
    for t in SCHEMA.tables:
        assert list(pkg.table(t.name).headers) == [c.header for c in t.columns], t.name
    assert list(pkg.sheets) == [t.sheet for t in SCHEMA.tables]
    pkg.close()

    store = FileStore(path)
    store.check_version()
    new = {t.name: [dict(r.values) for r in store.rows(t.name)] for t in V2_SCHEMA.tables}
    # the data of version 2, unchanged but for what version 3 adds: the consent column, set to Oui
    # (postal prospecting is lawful unless the client objects), and the SMTP parameters
    assert [{k: v for k, v in r.items() if k not in ("marketing_mail", *LATER_CLIENT_COLUMNS)}
            for r in new["tClients"]] == old["tClients"]
    assert [r["marketing_mail"] for r in new["tClients"]] == ["Oui", "Oui"]
    assert new["tParametres"][: len(old["tParametres"])] == old["tParametres"]
    added = {r["code"]: r["value"] for r in new["tParametres"][len(old["tParametres"]):]}
    assert added == {"devis_tarif": "Devis gratuit.", "smtp_serveur": None, "smtp_port": "587", "smtp_starttls": "Oui",
                     "smtp_utilisateur": None, "smtp_expediteur": None, "mediateur_consommation": None,
                     "banque_remise": None, "tolerance_commission_cb": "3", "regime_tva": "CA3 mensuelle"}
    assert {k: v for k, v in new.items() if k not in ("tClients", "tParametres")} == {
        k: v for k, v in as_v6(old).items() if k not in ("tClients", "tParametres")}
    assert store.rows("tEnvois") == []
    store.close()

    after = raw_entries(path)
    changed = {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "docProps/app.xml",
               "docProps/custom.xml", *clients_parts, *params_parts, *journal, *v6_parts(path)}
    assert {n for n in before if after.get(n) != before[n]} == changed
    new_parts = range(len(V2_SCHEMA.tables) + 1, len(SCHEMA.tables) + 1)
    assert set(after) - set(before) == {
        *(f"xl/worksheets/sheet{n}.xml" for n in new_parts), *(f"xl/worksheets/_rels/sheet{n}.xml.rels" for n in new_parts),
        *(f"xl/tables/table{n}.xml" for n in new_parts)}
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    (backup,) = backups(path)
    assert backup.read_bytes() == before_bytes

    # the migrated workbook records sendings
    changes = ChangeSet()
    changes.append("tEnvois", {"at": "2026-03-02T10:00:00", "date": TODAY, "doc": "D2026-0001", "doc_type": "Devis",
                               "client": "C00001", "client_name": old["tClients"][0]["name"],
                               "channel": "E-mail brouillon", "recipient": "jean.dupont@example.fr",
                               "subject": "Devis D2026-0001", "files": "a.pdf ; a.eml", "result": "Préparé"})
    FileStore(path).apply(changes, as_of=TODAY)
    assert_valid(path)
    (sent,) = FileStore(path).rows("tEnvois")
    assert (sent["client_name"], sent["result"], sent["date"]) == (old["tClients"][0]["name"], "Préparé", TODAY)
    current = path.read_bytes()
    assert mig.plan(path) == [] and mig.migrate(path) == []
    assert path.read_bytes() == current


def test_version_3_workbook(tmp_path: Path) -> None:
    """The committed workbook of version 3 (same data, written by the code of that version) gains
    the getting-paid tables, seeded with the shipped rates and their sources, and the clients' stop
    columns; every other part is kept byte for byte."""
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(V3_BOOK, path)
    before, before_bytes = raw_entries(path), path.read_bytes()
    pkg = ooxml.Package(str(path))
    assert mig.workbook_version(pkg) == 3
    for t in V3_SCHEMA.tables:
        assert list(pkg.table(t.name).headers) == [c.header for c in t.columns], t.name
    clients_parts = {pkg.table("tClients").sheet_part, pkg.table("tClients").table_part}
    journal = {pkg.table("tJournalAudit").sheet_part, pkg.table("tJournalAudit").table_part}
    params_parts = {pkg.table("tParametres").sheet_part, pkg.table("tParametres").table_part}
    pkg.close()
    old_store = FileStore(path, schema=V3_SCHEMA)
    old = {t.name: [dict(r.values) for r in old_store.rows(t.name)] for t in V3_SCHEMA.tables}
    old_store.close()
    assert old["tClients"][0]["notes"] == "=cmd|' /C calc'!A0"

    expected = [*STOPS_ADDED, HEADCOUNT_ADDED, IBAN_ADDED, PAC_ADDED[0], VAT_COLUMN_ADDED, V7_NATURES["tReglesTVA"], PAC_ADDED[1],
                *V6_QUOTE_COLUMNS, V7_NATURES["tDevis"], *V6_INVOICE_COLUMNS, V7_NATURES["tFactures"],
                *V7_PAYMENT_COLUMNS, V7_MODE_ADDED,
                *with_closure_column(V4_TABLES, V6_TABLES, V7_TABLES, V8_TABLES, V9_TABLES, V12_TABLES, V14_TABLES), SPEC_ADDED,
                f"mise à jour de la version du schéma : 3 → {SCHEMA.version}", V4_STEP, V5_STEP, V6_STEP, V7_STEP, V8_STEP, V9_STEP, V10_STEP, V12_STEP, V13_STEP, V14_STEP, V15_STEP]
    assert mig.plan(path) == expected
    assert path.read_bytes() == before_bytes
    assert mig.migrate(path) == expected
    assert_valid(path)

    store = FileStore(path)
    store.check_version()
    assert store.version() == SCHEMA.version
    new = {t.name: [dict(r.values) for r in store.rows(t.name)] for t in V3_SCHEMA.tables}
    assert [{k: v for k, v in r.items() if k not in LATER_CLIENT_COLUMNS} for r in new["tClients"]] == old["tClients"]
    assert {k: v for k, v in new.items() if k != "tClients"} == {k: v for k, v in as_v6(old).items() if k != "tClients"}
    assert_v4_seeded(store)
    store.close()

    after = raw_entries(path)
    changed = {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "docProps/app.xml",
               "docProps/custom.xml", "xl/styles.xml", *clients_parts, *journal, *v6_parts(path),
               *params_parts}  # version 6 adds the consumer mediator parameter
    assert {n for n in before if after.get(n) != before[n]} <= changed
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    (backup,) = backups(path)
    assert backup.read_bytes() == before_bytes

    # the migrated workbook records reminders
    changes = ChangeSet()
    changes.append("tRelances", {"id": "RL2026-00001", "date": TODAY, "invoice": "F2026-00001", "client": "C00002",
                                 "level": 2, "step": "lrar", "channel": "Recommandé AR", "outcome": "Lettre postée",
                                 "posted_on": TODAY, "lr_number": "1A 234 567 8901 2", "notes": "=1+1 & <b>"})
    FileStore(path).apply(changes, as_of=TODAY)
    assert_valid(path)
    (row,) = FileStore(path).rows("tRelances")
    assert (row["lr_number"], row["notes"], row["posted_on"]) == ("1A 234 567 8901 2", "=1+1 & <b>", TODAY)


def test_new_table_and_column_take_writes(old_book: Path) -> None:
    mig.migrate(old_book)
    store = FileStore(old_book)
    changes = ChangeSet()
    changes.append("tSecteurs", {"prefix": "69", "sector": "Rhône"})
    changes.append("tSecteurs", {"prefix": "38", "sector": "Isère", "notes": "via A48"})
    changes.append("tClients", {"code": "C003", "kind": "Professionnel", "name": "Durand", "address": "3 rue",
                                "postcode": "69002", "city": "Lyon", "category": "Commerçant-artisan",
                                "created": dt.date(2026, 3, 1)})
    first = store.rows("tClients")[0]
    changes.update("tClients", first.row, {"category": "Autre"})
    store.apply(changes, as_of=TODAY)
    store = FileStore(old_book)
    assert [(r["prefix"], r["sector"], r["notes"]) for r in store.rows("tSecteurs")] == [
        ("69", "Rhône", None), ("38", "Isère", "via A48")]
    clients = store.rows("tClients")
    assert [(r["code"], r["category"]) for r in clients] == [
        ("C001", "Autre"), ("C002", None), ("C003", "Commerçant-artisan")]
    assert clients[2]["created"] == dt.date(2026, 3, 1)
    assert_valid(old_book)
    # the new column carries its number format (text), so appended cells get it too
    sheet = read_part(old_book, sheet_part(old_book, "Clients"))
    assert re.search(rb'<c r="S4" s="1" t="inlineStr">', sheet)


def test_the_key_index_is_made_for_the_migrated_sheets(old_book: Path) -> None:
    """A migration rewrites every sheet part: the index is made again for the new parts (a book
    migrated is not searched sheet by sheet until the next `syc verifier`)."""
    from pyxl.workbook import keyindex

    mig.migrate(old_book)
    store = FileStore(old_book)
    try:
        loc, _ = store._columns(store.schema.table("tClients"))
        info = store.package.zip.getinfo(loc.sheet_part)
        assert keyindex.KeyIndex(old_book).valid(loc.sheet_part, info.CRC, info.file_size)
        assert keyindex.KeyIndex(old_book).rows_for(loc.sheet_part, "code", ["C002"]) == {
            r.row for r in store.rows("tClients") if r["code"] == "C002"}
    finally:
        store.close()


# --------------------------------------------------------------------------- nothing to do / refused
def test_current_book_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    build(path)
    before = path.read_bytes()
    assert mig.plan(path) == []
    assert mig.migrate(path) == []
    assert path.read_bytes() == before
    assert not (tmp_path / "sauvegardes").exists()


def test_newer_book_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    build(path, schema=dataclasses.replace(SCHEMA, version=SCHEMA.version + 1))
    before = path.read_bytes()
    for action in (mig.plan, mig.migrate):
        with pytest.raises(Refused) as exc:
            action(path)
        assert exc.value.issues[0].code == "migrate.newer"
        assert "plus récente" in exc.value.issues[0].message
    assert path.read_bytes() == before
    assert not (tmp_path / "sauvegardes").exists()


def test_collision_right_of_the_table_is_refused(old_book: Path) -> None:
    part = sheet_part(old_book, "Clients")
    last = len(OLD_CLIENTS.columns)  # R: the new column would go in S
    cell = ooxml.RowEdit(3, {last + 1: ooxml.Cell("s", "note à droite")})
    patch_parts(old_book, {part: lambda b: ooxml.patch_sheet(b, [cell], (last + 1, 3))[0]})
    before, earlier_backups = old_book.read_bytes(), backups(old_book)
    with pytest.raises(Refused) as exc:
        mig.migrate(old_book)
    msg = exc.value.issues[0].message
    assert exc.value.issues[0].code == "migrate.collision"
    assert "« Catégorie »" in msg and "tClients" in msg and "S3" in msg and "Déplacez" in msg
    assert old_book.read_bytes() == before
    assert backups(old_book) == earlier_backups


def test_sheet_without_its_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    other = Table("tAutre", "Secteurs", (Column("a", "A"),))
    build(path, schema=dataclasses.replace(OLD_SCHEMA, tables=(*OLD_SCHEMA.tables, other)))
    before = path.read_bytes()
    with pytest.raises(Refused) as exc:
        mig.plan(path)
    assert exc.value.issues[0].code == "migrate.sheet"
    assert "« Secteurs »" in exc.value.issues[0].message
    assert path.read_bytes() == before


OLD_CATEGORY_LIST = ",".join(c for c in CATEGORIES if c != "Chaudière THPE").encode()


@pytest.mark.parametrize(("formula", "expected", "done"), [
    # the user added a category of his own: kept, the new one goes after « Chaudière fioul »
    (b'"' + OLD_CATEGORY_LIST + b',Po\xc3\xaale"', '"' + ",".join(CATEGORIES) + ',Poêle"', THPE_ADDED),
    # a list read from cells: not ours to change
    (b"Listes!$A$1:$A$20", "Listes!$A$1:$A$20", None),
    # a list that no longer offers any category of the schema: the user's own, left alone
    (b'"Gaz,Fioul"', '"Gaz,Fioul"', None),
    # no room left under Excel's 255 characters: left as it is, and said
    (b'"' + OLD_CATEGORY_LIST + b"," + b"x" * (254 - len(OLD_CATEGORY_LIST)) + b'"',
     '"' + OLD_CATEGORY_LIST.decode() + "," + "x" * (254 - len(OLD_CATEGORY_LIST)) + '"',
     "liste de choix de la colonne « Catégorie » (table tArticles) laissée telle quelle : avec « Chaudière THPE » "
     "elle dépasserait les 255 caractères admis par Excel (la valeur reste acceptée par SYC Gestion)"),
])
def test_a_choice_list_edited_by_the_user(old_book: Path, formula: bytes, expected: str, done: str | None) -> None:
    articles = sheet_part(old_book, "Articles")
    old = b'<formula1>"' + OLD_CATEGORY_LIST + b'"</formula1>'

    def edit(b: bytes) -> bytes:
        assert b.count(old) == 1
        return b.replace(old, b"<formula1>" + formula + b"</formula1>")

    patch_parts(old_book, {articles: edit})
    before = read_part(old_book, articles)
    assert [d for d in mig.migrate(old_book) if "liste de choix" in d] == ([done] if done else [])
    assert_valid(old_book)
    sheet = xml(old_book, articles)
    dv = category_validation(sheet)
    assert dv.findtext("m:formula1", namespaces=NS) == expected
    if done != THPE_ADDED:
        assert read_part(old_book, articles) == before


def test_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsm"
    path.write_bytes(b"not a zip")
    with pytest.raises(Refused):
        mig.migrate(path)
    with pytest.raises(Refused):
        mig.migrate(tmp_path / "absent.xlsm")


# --------------------------------------------------------------------------- data steps
def test_data_steps_run_in_order_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def step1(store: FileStore) -> ChangeSet:
        calls.append(1)
        assert store.version() == 2 and store.rows("tSecteurs") == []  # structure first, then data
        changes = ChangeSet()
        for c in store.rows("tClients"):
            changes.update("tClients", c.row, {"category": "Autre"})
        changes.append("tSecteurs", {"prefix": "69", "sector": "Rhône"})
        return changes

    def step2(store: FileStore) -> None:
        calls.append(2)
        assert [r["prefix"] for r in store.rows("tSecteurs")] == ["69"]

    step1.label = "catégorie « Autre » par défaut"  # type: ignore[attr-defined]
    monkeypatch.setitem(mig.STEPS, 1, step1)
    monkeypatch.setitem(mig.STEPS, 2, step2)
    monkeypatch.setitem(mig.STEPS, 3, lambda store: pytest.fail("beyond the target version"))
    target = dataclasses.replace(SCHEMA, version=2)

    path = tmp_path / "SYC_Gestion.xlsm"
    build(path, schema=OLD_SCHEMA)
    changes = ChangeSet()
    changes.append("tClients", CLIENTS[0])
    FileStore(path, schema=OLD_SCHEMA).apply(changes, as_of=TODAY)

    planned = mig.plan(path, target)
    assert planned[-2:] == ["étape de données de la version 1 : catégorie « Autre » par défaut",
                            "étape de données de la version 2 : step2"]
    assert calls == []
    assert mig.migrate(path, target) == planned
    assert calls == [1, 2]
    store = FileStore(path, schema=target)
    assert [r["category"] for r in store.rows("tClients")] == ["Autre"]
    assert [r["sector"] for r in store.rows("tSecteurs")] == ["Rhône"]
    store.close()
    assert len(backups(path)) == 2  # the apply before, the migration; none from the steps
    assert_valid(path)

    # already at version 2: nothing runs
    assert mig.migrate(path, target) == []
    assert calls == [1, 2]


def test_only_later_steps_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    v = SCHEMA.version
    for n in range(1, v + 2):
        monkeypatch.setitem(mig.STEPS, n, lambda store, n=n: calls.append(n))
    path = tmp_path / "SYC_Gestion.xlsm"
    build(path)  # the current version, v
    target = dataclasses.replace(SCHEMA, version=v + 1)
    assert mig.migrate(path, target) == [f"mise à jour de la version du schéma : {v} → {v + 1}",
                                         f"étape de données de la version {v + 1} : <lambda>"]
    assert calls == [v + 1]
    assert FileStore(path, schema=target).version() == v + 1


def test_failing_step_leaves_the_book_untouched(old_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bad(store: FileStore) -> ChangeSet:
        changes = ChangeSet()
        changes.append("tSecteurs", {"prefix": "69", "sector": "Rhône"})
        changes.update("tClients", 999, {"category": "Autre"})  # not a row of the table
        return changes

    monkeypatch.setitem(mig.STEPS, SCHEMA.version, bad)
    before, earlier_backups = old_book.read_bytes(), backups(old_book)
    with pytest.raises(Refused) as exc:
        mig.migrate(old_book)
    assert exc.value.issues[0].code == "store.row"
    assert old_book.read_bytes() == before
    assert backups(old_book) == earlier_backups


# --------------------------------------------------------------------------- markup of other producers
def test_user_edited_book(old_book: Path) -> None:
    """Sheet-local names, an active tab and a <col> range spreading right of the table."""
    clients = sheet_part(old_book, "Clients")

    def workbook(b: bytes) -> bytes:
        b = b.replace(b"<workbookView ", b'<workbookView activeTab="4" firstSheet="1" ')
        return b.replace(b"</definedNames>", b'<definedName name="_xlnm._FilterDatabase" localSheetId="4" '
                         b"hidden=\"1\">'Journal d''audit'!$A$1:$I$2</definedName></definedNames>")

    def cols(b: bytes) -> bytes:
        return re.sub(rb'<col min="18" max="18"([^>]*)/>', rb'<col min="18" max="40"\1/>', b)

    patch_parts(old_book, {"xl/workbook.xml": workbook, clients: cols})
    assert_valid(old_book)
    mig.migrate(old_book)
    assert_valid(old_book)
    wb = xml(old_book, "xl/workbook.xml")
    view = wb.find("m:bookViews/m:workbookView", NS)
    audit = str(len(SCHEMA.tables) - 1)  # the 5th sheet, the audit journal, is the last one now
    assert (view.get("activeTab"), view.get("firstSheet")) == (audit, "1")
    local = wb.find("m:definedNames/m:definedName[@name='_xlnm._FilterDatabase']", NS)
    assert local.get("localSheetId") == audit  # still the audit journal
    ranges = [(c.get("min"), c.get("max"), c.get("width"))
              for c in xml(old_book, clients).findall("m:cols/m:col", NS)]
    assert ranges[-8:] == [("18", "18", "40.7109375"), ("19", "19", "18.7109375"), ("20", "20", "12.7109375"),
                           ("21", "21", "11.7109375"), ("22", "22", "13.7109375"), ("23", "23", "10.7109375"),
                           ("24", "24", "34.7109375"), ("25", "40", "40.7109375")]


def test_prefixed_sheet_and_totals_row(old_book: Path) -> None:
    """A sheet written with an `x:` prefix (some .NET writers) and a table with a totals row."""
    clients = sheet_part(old_book, "Clients")

    def prefixed(b: bytes) -> bytes:
        b = re.sub(rb"<(/?)([A-Za-z]\w*)([\s/>])", rb"<\1x:\2\3", b)
        return b.replace(f'xmlns="{ooxml.NS_MAIN}"'.encode(), f'xmlns:x="{ooxml.NS_MAIN}"'.encode())

    def totals(b: bytes) -> bytes:  # row 4 becomes the totals row; the autoFilter stays A1:R3
        return b.replace(b'ref="A1:R3" totalsRowShown="0"', b'ref="A1:R4" totalsRowCount="1"')

    patch_parts(old_book, {clients: prefixed, "xl/tables/table3.xml": totals})
    assert_valid(old_book)
    mig.migrate(old_book)
    assert_valid(old_book)
    table = xml(old_book, "xl/tables/table3.xml")
    assert (table.get("ref"), table.find("m:autoFilter", NS).get("ref")) == ("A1:X4", "A1:X3")
    sheet = read_part(old_book, clients)
    assert b"<x:cols>" in sheet and b"<cols" not in sheet and b"xmlns=" not in sheet
    assert [r["category"] for r in FileStore(old_book).rows("tClients")] == [None, None]


def mark_as_syc_book(path: Path, version: int = 0) -> None:
    """Give an Excel-made workbook the schema-version name of a SYC workbook of an old version
    (migrate refuses a workbook that has none), editing only workbook.xml."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml")
        name = f'<definedName name="{VERSION_NAME}">{version}</definedName>'.encode()
        if b"<definedNames>" in wb:
            wb = wb.replace(b"<definedNames>", b"<definedNames>" + name, 1)
        else:
            wb = re.sub(rb"(</sheets>)", rb"\1<definedNames>" + name + rb"</definedNames>", wb, count=1)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            ooxml.rewrite(z, f, {"xl/workbook.xml": wb})
    tmp.replace(path)


def test_excel_saved_book(excel_fixture: Callable[[str], Path]) -> None:
    """Excel's own markup: shared strings, several tables per sheet, no numFmts, no defined names."""
    path = excel_fixture("table02.xlsx")
    mark_as_syc_book(path)
    before = raw_entries(path)
    existing = Table("Table1", "Sheet1", tuple(Column(f"c{i}", f"Column{i}") for i in range(1, 5)))
    grown = dataclasses.replace(existing, columns=(*existing.columns, Column("amount", "Montant", Kind.MONEY)))
    new = Table("tNouveau", "Nouveau", (
        Column("when", "Date", Kind.DATE, width=12),
        Column("what", "Choix", Kind.CHOICE, choices=("Oui", "Peut-être")),
        Column("qty", "Quantité", Kind.DECIMAL),
    ), tab_color="#375623")
    schema = Schema(version=3, tables=(grown, new))
    done = mig.migrate(path, schema)
    assert done == ["ajout de la colonne « Montant » à la table Table1",
                    "ajout de la feuille Nouveau (table tNouveau)",
                    "mise à jour de la version du schéma : 0 → 3",
                    VAT_STEP,  # it runs (0 < 2 <= 3) and does nothing: this schema has no tReglesTVA
                    V3_STEP]  # nor tParametres nor tClients
    assert_valid(path)
    after = raw_entries(path)
    for name in ("xl/sharedStrings.xml", "xl/worksheets/sheet2.xml", "xl/tables/table2.xml", "xl/theme/theme1.xml"):
        assert after[name] == before[name]
    wb = xml(path, "xl/workbook.xml")
    assert [s.get("name") for s in wb.findall("m:sheets/m:sheet", NS)] == ["Sheet1", "Nouveau", "Sheet2"]
    assert wb.find(f"m:definedNames/m:definedName[@name='{VERSION_NAME}']", NS).text == "3"
    styles = read_part(path, "xl/styles.xml")
    assert b'formatCode="dd/mm/yyyy"' in styles and b"numFmtId=\"164\"" in styles

    store = FileStore(path, schema=schema)
    assert store.version() == 3
    assert store.rows("tNouveau") == []
    assert [r["amount"] for r in store.rows("Table1")] == [None] * len(store.rows("Table1"))
    changes = ChangeSet()
    changes.append("tNouveau", {"when": dt.date(2026, 2, 1), "what": "Peut-être", "qty": Decimal("1.5")})
    store.apply(changes, as_of=TODAY)
    store = FileStore(path, schema=schema)
    assert [dict(r.values) for r in store.rows("tNouveau")] == [
        {"when": dt.date(2026, 2, 1), "what": "Peut-être", "qty": Decimal("1.5")}]
    assert_valid(path)


def test_excel_saved_book_collision_with_another_table(excel_fixture: Callable[[str], Path]) -> None:
    path = excel_fixture("table02.xlsx")
    mark_as_syc_book(path)
    before = path.read_bytes()
    existing = Table("Table1", "Sheet1", tuple(Column(f"c{i}", f"Column{i}") for i in range(1, 9)))
    with pytest.raises(Refused) as exc:
        mig.migrate(path, Schema(version=1, tables=(existing,)))
    assert exc.value.issues[0].code == "migrate.collision"
    assert path.read_bytes() == before


def test_excel_saved_macro_book(excel_fixture: Callable[[str], Path]) -> None:
    path = excel_fixture("macro01.xlsm")
    mark_as_syc_book(path)
    before = raw_entries(path)
    schema = Schema(version=1, tables=(Table("tA", "Nouvelle", (Column("a", "A"), Column("b", "B", Kind.INT))),))
    mig.migrate(path, schema)
    assert_valid(path)
    after = raw_entries(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]
    new = read_part(path, "xl/worksheets/sheet2.xml")
    assert b'codeName="Sheet2"' in new
    assert FileStore(path, schema=schema).rows("tA") == []


def test_libreoffice_saved_book(tmp_path: Path) -> None:
    """The committed LibreOffice-saved workbook (its markup: shared strings, verbose rows, no VBA), a
    version-1 book, migrated past the current version: the tables of version 2, then one more."""
    path = tmp_path / LIBREOFFICE_BOOK.name
    shutil.copy(LIBREOFFICE_BOOK, path)
    before = raw_entries(path)
    old = FileStore(path, schema=V1_SCHEMA)
    assert old.version() == 1
    rows_before = [dict(r.values) for r in old.rows("tClients")]
    articles_before = [dict(r.values) for r in old.rows("tArticles")]
    old.close()
    extra = Column("origin", "Origine du contact", Kind.CHOICE, choices=("Bouche-à-oreille", "Site web"))
    clients = dataclasses.replace(T_CLIENTS, columns=(*T_CLIENTS.columns, extra))
    visits = Table("tVisites", "Visites", (Column("date", "Date", Kind.DATE), Column("client", "Client"),
                                           Column("amount", "Montant", Kind.MONEY)))
    target = dataclasses.replace(
        SCHEMA, version=SCHEMA.version + 1,
        tables=(*(clients if t.name == "tClients" else t for t in SCHEMA.tables), visits))
    assert mig.migrate(path, target) == [
        CONSENT_ADDED,
        *STOPS_ADDED,
        HEADCOUNT_ADDED, IBAN_ADDED,
        "ajout de la colonne « Origine du contact » à la table tClients",
        THPE_PAC_ADDED,
        *sheets_added(V2_TABLES, V3_TABLES, V4_TABLES, V6_TABLES, V7_TABLES, V8_TABLES, V9_TABLES, V12_TABLES, V14_TABLES),
        SPEC_ADDED,
        "ajout de la feuille Visites (table tVisites)",
        f"mise à jour de la version du schéma : 1 → {SCHEMA.version + 1}",
        VAT_STEP,
        V3_STEP,
        V4_STEP,
        V5_STEP,
        V6_STEP,
        V7_STEP,
        V8_STEP,
        V9_STEP,
        V10_STEP,
        V12_STEP,
        V13_STEP,
        V14_STEP,
        V15_STEP,
    ]
    assert_valid(path)
    after = raw_entries(path)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    # LibreOffice's validation of the articles' « Catégorie » (H2:H1002) offers the new category
    articles = xml(path, sheet_part(path, "Articles"))
    dv = category_validation(articles)
    assert dv.get("sqref") == "H2:H1002"
    # the old « PAC » stays offered beside the new kinds (the migration only adds to a list)
    offered = (dv.findtext("m:formula1", namespaces=NS) or "").strip('"').split(",")
    assert set(offered) == {*CATEGORIES, "PAC"} and len(offered) == len(CATEGORIES) + 1
    store = FileStore(path, schema=target)
    assert [{k: v for k, v in r.values.items() if k not in ("origin", "marketing_mail", *LATER_CLIENT_COLUMNS)}
            for r in store.rows("tClients")] == rows_before
    assert {r["marketing_mail"] for r in store.rows("tClients")} == {"Oui"}
    assert [dict(r.values) for r in store.rows("tArticles")] == articles_before
    assert [dict(r.values) for r in store.rows("tReglesTVA")] == default_vat_rules(tmp_path)
    assert store.rows("tVisites") == []
    changes = ChangeSet()
    changes.append("tVisites", {"date": dt.date(2026, 2, 3), "client": "C001", "amount": Decimal("80.00")})
    changes.update("tClients", store.rows("tClients")[1].row, {"origin": "Site web"})
    store.apply(changes, as_of=TODAY)
    store = FileStore(path, schema=target)
    assert [r["amount"] for r in store.rows("tVisites")] == [Decimal("80.00")]
    assert [r["origin"] for r in store.rows("tClients")] == [None, "Site web"]
    assert_valid(path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_libreoffice_round_trip_of_an_old_macro_book(old_book: Path, tmp_path: Path) -> None:
    """The old .xlsm saved again by LibreOffice (VBA kept, sheet code names lost)."""
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(out), str(old_book)],
        check=True, capture_output=True, timeout=120,
    )
    path = out / old_book.name
    assert mig.plan(path) == OLD_BOOK_DONE
    before = raw_entries(path)
    assert mig.migrate(path) == OLD_BOOK_DONE
    assert_valid(path)
    assert raw_entries(path)["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    store = FileStore(path)
    assert store.rows("tSecteurs") == []
    assert [dict(r.values) for r in store.rows("tReglesTVA")] == default_vat_rules(tmp_path)
    assert [(r["code"], r["category"]) for r in store.rows("tClients")] == [("C001", None), ("C002", None)]
    changes = ChangeSet()
    changes.append("tSecteurs", {"prefix": "69", "sector": "Rhône"})
    store.apply(changes, as_of=TODAY)
    assert [r["sector"] for r in FileStore(path).rows("tSecteurs")] == ["Rhône"]
    assert_valid(path)


def test_a_workbook_that_is_not_syc_is_refused(excel_fixture: Callable[[str], Path]) -> None:
    path = excel_fixture("macro01.xlsm")
    before = path.read_bytes()
    with pytest.raises(Refused) as exc:
        mig.migrate(path)
    assert exc.value.issues[0].code == "migrate.notsyc"
    assert path.read_bytes() == before


def test_a_renamed_column_of_a_current_book_is_not_replaced_by_an_empty_one(tmp_path: Path) -> None:
    """At the current version a missing column was renamed by hand: adding an empty one would
    hide the data of the renamed column, so the user is told to restore the header."""
    path = tmp_path / "SYC_Gestion.xlsm"
    build(path)
    loc = ooxml.Package(str(path)).table("tClients")
    with zipfile.ZipFile(path) as z:
        table = z.read(loc.table_part).replace('name="Téléphone"'.encode(), 'name="Tél."'.encode())
        sheet = z.read(loc.sheet_part)
        sst = z.read("xl/sharedStrings.xml").replace("<t>Téléphone</t>".encode(), "<t>Tél.</t>".encode())
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            ooxml.rewrite(z, f, {loc.table_part: table, loc.sheet_part: sheet, "xl/sharedStrings.xml": sst})
    tmp.replace(path)
    before = path.read_bytes()
    with pytest.raises(Refused) as exc:
        mig.migrate(path)
    assert exc.value.issues[0].code == "migrate.renamed"
    assert "Téléphone" in exc.value.issues[0].message
    assert path.read_bytes() == before
