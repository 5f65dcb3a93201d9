"""The JSON Schemas of `syc --json` answers (contract.VERSION), one per command.

Declared here, written to pyxl/data/schemas-json/ (shipped with the package) and docs/json/schemas/
by `python -m pyxl.cli.schemas`; a test keeps the written files equal to these declarations, and the
test suite validates every --json answer it produces against its command's schema. The record
objects (client, article, devis, commande, pièce, lignes, règlement) are derived from the typed
records of core/records.py through the contract's vocabulary, so a renamed field changes them.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from pyxl.cli import contract
from pyxl.core import records as rec

Schema = dict[str, Any]

TEXT: Schema = {"type": "string"}
NTEXT: Schema = {"type": ["string", "null"]}
INT: Schema = {"type": "integer"}
NINT: Schema = {"type": ["integer", "null"]}
BOOL: Schema = {"type": "boolean"}
MONEY: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "montant, deux décimales"}
NMONEY: Schema = {"type": ["string", "null"], "pattern": r"^-?\d+\.\d{2}$"}
DECIMAL: Schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "nombre décimal (taux, quantité)"}
NDECIMAL: Schema = {"type": ["string", "null"], "pattern": r"^-?\d+(\.\d+)?$"}
DATE: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "date ISO 8601"}
NDATE: Schema = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
DATETIME: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"}
# an absolute path: /… (Linux, macOS) or C:\… and \\serveur\… (Windows)
PATH: Schema = {"type": "string", "pattern": r"^(/|[A-Za-z]:[\\/]|\\\\)", "description": "chemin absolu"}
NPATH: Schema = {"type": ["string", "null"], "pattern": r"^(/|[A-Za-z]:[\\/]|\\\\)"}
FRENCH_KEY = r"^[a-z0-9_]+$"


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(props: dict[str, Schema], optional: dict[str, Schema] | None = None, *, closed: bool = True) -> Schema:
    """An object with these keys (all required), and `optional` ones."""
    schema: Schema = {"type": "object", "properties": {**(optional or {}), **props}, "required": sorted(props)}
    if closed:
        schema["additionalProperties"] = False
    else:
        schema["propertyNames"] = {"pattern": FRENCH_KEY}
    return schema


def loose(**props: Schema) -> Schema:
    """An object whose listed keys are required, other French keys allowed (summaries, reports)."""
    return obj(dict(props), closed=False)


MAP: Schema = {"type": "object", "description": "dictionnaire dont les clés sont des données (statuts, modes, tables)"}


def record_schema(cls: type[rec.Record], **extra: Schema) -> Schema:
    """The JSON object of a typed record: every field under its French name, null when empty."""
    props: dict[str, Schema] = {}
    for f in dataclasses.fields(cls):
        if f.name == "where":
            continue
        name = contract.key(f.name)
        kind = str(f.type)
        if "Decimal" in kind:
            props[name] = NDECIMAL if name in contract.PLAIN_DECIMALS else NMONEY
        elif "date" in kind:
            props[name] = NDATE
        elif "int" in kind:
            props[name] = NINT
        else:
            props[name] = NTEXT
    return obj({**props, **extra})


ISSUE = obj({"code": TEXT, "message": TEXT, "ou": NTEXT})
CLIENT = record_schema(rec.Client)
ARTICLE = record_schema(rec.Article)
QUOTE = record_schema(rec.Quote, statut_du_jour=TEXT)
QUOTE_LINE = record_schema(rec.QuoteLine)
ORDER = record_schema(rec.Order)
DOC = record_schema(rec.Invoice, statut_du_jour=TEXT, reste_a_payer=MONEY)
DOC_LINE = record_schema(rec.InvoiceLine)
PAYMENT = record_schema(rec.Payment)
PAYMENT_LISTED = record_schema(rec.Payment, annule_par=NTEXT)
TOTALS = {"total_ht": MONEY, "total_tva": MONEY, "total_ttc": MONEY, "remise_globale": MONEY,
          "acomptes_deduits_ht": MONEY, "acomptes_deduits_tva": MONEY,
          "par_taux": array(obj({"taux": DECIMAL, "base_ht": MONEY, "tva": MONEY, "ttc": MONEY}))}
# added to the answer of any writing command: closures made, documents written or kept
LOSS = {"id": TEXT, "facture": TEXT, "client": TEXT, "decision": TEXT, "reste_du": MONEY, "motif": TEXT}
WRITING = {"clotures": array(TEXT), "documents": array(PATH), "documents_conserves": array(PATH),
           "fichiers_dans": PATH}
SENDING = obj({"piece": TEXT, "type": NTEXT, "client": NTEXT, "destinataire": NTEXT, "canal": TEXT,
               "resultat": NTEXT, "brouillon": NPATH, "erreur": NTEXT, "fichiers": array(PATH)})
CASE = obj({"facture": TEXT, "client": TEXT, "nom": NTEXT, "telephone": NTEXT, "echeance": DATE, "jours_retard": INT,
            "reste_du": MONEY, "interets": MONEY, "indemnite": MONEY, "etape": NTEXT, "etape_due": BOOL,
            "etapes_dues": array(TEXT), "attente": NTEXT, "arret": NTEXT, "alarmes": array(TEXT),
            "dernier_appel": NTEXT, "avertissements_taux": array(TEXT)})
IMPUTATION = obj({"id": TEXT, "piece": NTEXT, "montant": MONEY, "au_titre_de": NTEXT})  # piece null: the credit
_NOTE_LINE = {"facture": TEXT, "echeance": DATE, "du": NDATE, "au": NDATE, "jours": INT, "reste_du": MONEY,
              "taux_applique": TEXT, "interets": MONEY, "indemnite": MONEY}
NOTE_LINE = obj(_NOTE_LINE)
NOTE_LINE_PAID = obj({**_NOTE_LINE, "regle": MONEY})
NOTE = obj({"numero": TEXT, "date": DATE, "client": TEXT, "nom": TEXT, "origine": TEXT, "interets": MONEY,
            "indemnite": MONEY, "total": MONEY, "regle": MONEY, "reste_du": MONEY, "statut": TEXT})
SLIP = {"numero": TEXT, "date": DATE, "mode": TEXT, "banque": NTEXT, "nombre": INT, "total": MONEY, "statut": TEXT,
        "credite_le": NDATE, "commission": NMONEY, "ligne_releve": NTEXT}
SLIP_CHEQUE = obj({"paiement": TEXT, "date": DATE, "client": TEXT, "nom": NTEXT, "montant": MONEY,
                   "numero_cheque": TEXT, "banque": NTEXT, "tireur": NTEXT, "reglements": array(TEXT)})
STATEMENT_LINE = {"id": TEXT, "compte": TEXT, "date": DATE, "date_valeur": NDATE, "montant": MONEY, "libelle": TEXT,
                  "contrepartie": NTEXT, "statut": TEXT, "rapprochee_avec": NTEXT,
                  "motif": NTEXT,  # contract 1.2: why a line was set aside (« Ignorée »)
                  # contract 1.4: the counterparty's IBAN and the bank's code of the operation (« CFONB:05 »)
                  "iban_contrepartie": NTEXT, "code_operation": NTEXT}
# contract 1.4: an IBAN read on a reconciled line that the client's record lacks (proposed, never written)
IBAN_PROPOSAL = obj({"client": TEXT, "nom": TEXT, "iban": TEXT, "ligne": TEXT})
CANDIDATE = obj({"pieces": array(TEXT), "types": array(TEXT), "score": INT, "raisons": array(TEXT), "ecart": MONEY,
                 "client": NTEXT, "nom": NTEXT})
LINE_MATCH = obj({**STATEMENT_LINE, "candidats": array(CANDIDATE)})
EXPECTED = obj({"type": TEXT, "numero": TEXT, "montant": MONEY, "client": NTEXT, "nom": NTEXT, "echeance": NDATE})
UPDATED = {"code": TEXT, "modifie": array(TEXT)}
FEC_LEVEL: Schema = {"enum": ["erreur", "avertissement", "information"]}
# contract 1.1: technicians, interventions, maintenance contracts (their sheets' columns)
TECHNICIAN = obj({"code": TEXT, "nom": NTEXT, "telephone": NTEXT, "email": NTEXT, "competences": NTEXT,
                  "secteur": NTEXT, "horaires": NTEXT, "capacite_jour": NINT, "certificats": NTEXT, "actif": NTEXT,
                  "remarques": NTEXT})
JOB = obj({"id": TEXT, "commande": NTEXT, "contrat": NTEXT, "client": NTEXT, "nom_client": NTEXT,
           "lieu_intervention": NTEXT, "secteur": NTEXT, "travaux": NTEXT, "competence": NTEXT, "duree_min": NINT,
           "technicien": NTEXT, "date": NDATE, "debut": NTEXT, "statut": NTEXT, "motif": NTEXT, "souhaits": NTEXT,
           "visite_due_le": NDATE, "sequence": NINT, "realisee_le": NDATE, "rapport": NTEXT,
           "attestation_remise_le": NDATE})
INVITATION = obj({"methode": {"enum": ["REQUEST", "CANCEL"]}, "technicien": TEXT, "intervention": TEXT})
PROPOSAL = obj({"technicien": TEXT, "debut": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"},
                "duree": TEXT, "duree_min": INT, "trajet_ajoute_min": INT, "raison": TEXT})
CONTRACT = obj({"numero": TEXT, "client": NTEXT, "nom_client": NTEXT, "categorie": NTEXT, "marque": NTEXT,
                "modele": NTEXT, "puissance_kw": NDECIMAL, "mise_en_service": NDATE, "formule": NTEXT, "prix_ht": NMONEY,
                "facturation": NTEXT, "debut": NDATE, "premiere_reconduction": NDATE, "reconduction_tacite": NTEXT,
                "preavis_jours": NINT, "client_protege": NTEXT, "statut": NTEXT, "resilie_le": NDATE,
                "motif_resiliation": NTEXT, "avis_envoye_le": NDATE, "logement_plus_2_ans": NTEXT,
                "facture_jusqu_au": NDATE, "derniere_facture": NTEXT, "remarques": NTEXT})
NOTICE = obj({"contrat": TEXT, "client": TEXT, "nom_client": NTEXT, "reconduction": DATE, "refus_jusqu_au": DATE,
              "envoi_du": DATE, "envoi_au": DATE})
BOOKED = ({"id": TEXT, "intervention": JOB, "invitations": array(INVITATION)}, WRITING)
ISSUED = {"numero": TEXT, "reference": TEXT, "type": TEXT, "date": DATE, "echeance": NDATE, **TOTALS}

# an entry of the books (syc compta ecritures): its lines with their account, client and lettrage
ENTRY_LINE: Schema = obj({"compte": TEXT, "libelle_compte": TEXT, "compte_auxiliaire": NTEXT, "libelle": TEXT,
                          "debit": MONEY, "credit": MONEY, "lettrage": NTEXT, "date_lettrage": NDATE})
ENTRY: Schema = obj({"numero": INT, "journal": TEXT, "date": DATE, "piece": TEXT, "date_piece": DATE, "libelle": TEXT,
                     "lignes": array(ENTRY_LINE)})

# Each command's own keys (beside version, action, ok, message, avertissements); optional keys second.
COMMANDS: dict[str, tuple[dict[str, Schema], dict[str, Schema]]] = {
    "init": ({"classeur": PATH, "demo": BOOL}, {}),
    "parametres voir": ({"parametres": array(obj({"code": TEXT, "parametre": TEXT, "valeur": NTEXT}))}, {}),
    "parametres modifier": ({"code": TEXT, "valeur": NTEXT}, WRITING),
    "secteur ajouter": ({"prefixe": TEXT, "secteur": TEXT, "clients_rattaches": INT}, WRITING),
    "secteur liste": ({"secteurs": array(obj({"prefixe": TEXT, "secteur": TEXT, "remarques": NTEXT}))}, {}),
    "client ajouter": ({"code": TEXT, "client": CLIENT}, WRITING),
    "client liste": ({"clients": array(CLIENT)}, {}),
    "client voir": ({"client": CLIENT, "ou": TEXT}, {}),
    "client modifier": ({**UPDATED, "client": CLIENT}, WRITING),
    "article ajouter": ({"code": TEXT, "article": ARTICLE}, WRITING),
    "article liste": ({"articles": array(ARTICLE)}, {}),
    "article voir": ({"article": ARTICLE, "ou": TEXT}, {}),
    "article modifier": ({**UPDATED, "article": ARTICLE}, WRITING),
    "verifier": ({"journal": INT, "pieces": INT}, {}),
    "sauvegardes liste": ({"sauvegardes": array(obj({"n": INT, "fichier": PATH, "date": DATETIME, "octets": INT}))},
                          {}),
    "sauvegardes restaurer": ({"restaure_depuis": PATH}, {}),
    "sauvegardes faire": ({"fichier": PATH, "mode": {"enum": ["classeur", "base"]}}, {}),  # contract 1.2
    "exercice archiver": ({"archive": PATH, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "fin": DATE,
                           "avant_archivage": PATH, "factures": INT, "reglements": INT, "lignes": INT}, {}),
    "devis creer": ({"numero": TEXT, "devis": QUOTE, **TOTALS}, WRITING),
    "devis envoyer": ({"numero": TEXT, "statut": TEXT}, WRITING),
    "devis a-relancer": ({"devis": array(QUOTE)}, {}),
    "devis relancer": ({"numero": TEXT, "relances": INT}, {**WRITING, "devis_revise": TEXT}),
    "devis accepter": ({"numero": TEXT, "statut": TEXT, "paiement_possible_le": NDATE}, WRITING),
    "devis refuser": ({"numero": TEXT, "statut": TEXT}, WRITING),
    "devis voir": ({"devis": QUOTE, "lignes": array(QUOTE_LINE), **TOTALS, "ou": TEXT}, {}),
    "devis liste": ({"devis": array(QUOTE)}, {}),
    "commande creer": ({"numero": TEXT, "devis": TEXT}, WRITING),
    "commande realiser": ({"numero": TEXT, "statut": TEXT}, WRITING),
    "commande annuler": ({"numero": TEXT, "statut": TEXT, "brouillons_supprimes": array(TEXT)}, WRITING),
    "commande voir": ({"commande": ORDER, "ou": TEXT}, {}),
    "commande liste": ({"commandes": array(ORDER)}, {}),
    "facture acompte": ({"reference": TEXT, **TOTALS}, {**WRITING, **ISSUED}),
    "facture creer": ({"reference": TEXT, **TOTALS}, {**WRITING, **ISSUED}),
    "facture emettre": (ISSUED, WRITING),
    "facture supprimer": ({"reference": TEXT}, WRITING),
    "facture voir": ({"piece": DOC, "lignes": array(DOC_LINE), **TOTALS, "reglements": array(PAYMENT), "ou": TEXT}, {}),
    "facture liste": ({"factures": array(DOC), "avoirs_de_la_serie": array(TEXT),
                       "par_type": {"type": "object", "additionalProperties": INT}}, {}),
    "avoir creer": ({"reference": TEXT, **TOTALS}, {**WRITING, **ISSUED, "facture": TEXT}),
    "avoir voir": ({"piece": DOC, "lignes": array(DOC_LINE), **TOTALS, "reglements": array(PAYMENT), "ou": TEXT}, {}),
    "avoir liste": ({"avoirs": array(DOC)}, {}),
    "reglement saisir": ({"id": TEXT, "facture": TEXT, "montant": MONEY, "reste_a_payer": MONEY, "statut": TEXT,
                          "client": TEXT, "credit": MONEY, "imputations": array(IMPUTATION)}, WRITING),
    "credit liste": ({"credits": array(obj({"client": TEXT, "nom": TEXT, "credit": MONEY}))}, {}),
    "credit imputer": ({"id": TEXT, "client": TEXT, "montant": MONEY, "credit_restant": MONEY,
                        "imputations": array(IMPUTATION)}, WRITING),
    "remboursement creer": ({"id": TEXT, "client": TEXT, "montant": MONEY, "credit_restant": MONEY}, WRITING),
    # contract 1.2: doubtful debts and write-offs (rows of « Créances douteuses »)
    "facture douteuse": (LOSS, WRITING),
    "facture perte": (LOSS, WRITING),
    "facture annuler-creance": ({**LOSS, "annule": TEXT}, WRITING),
    "reglement annuler": ({"id": TEXT, "annule": TEXT, "facture": NTEXT, "statut": NTEXT,  # contract 1.3: null
                           "lignes": array(obj({"id": TEXT, "annule": TEXT, "piece": NTEXT, "montant": MONEY}))},
                          WRITING),
    "penalites creer": ({"numero": TEXT, "client": TEXT, "date": DATE, "interets": MONEY, "indemnite": MONEY,
                         "total": MONEY, "lignes": array(NOTE_LINE), "ignorees": array(TEXT)}, WRITING),
    "penalites liste": ({"notes_penalites": array(NOTE)}, {}),
    "penalites voir": ({"note": {**NOTE, "properties": {**NOTE["properties"], "lignes": array(NOTE_LINE_PAID)},
                                 "required": sorted([*NOTE["required"], "lignes"])}, "ou": TEXT}, {}),
    "reglement liste": ({"reglements": array(PAYMENT_LISTED)}, {}),
    "bordereau creer": ({**SLIP, "cheques": array(SLIP_CHEQUE)}, WRITING),
    "bordereau voir": ({"bordereau": obj({**SLIP, "cheques": array(SLIP_CHEQUE)}), "ou": TEXT}, {}),
    "bordereau liste": ({"bordereaux": array(obj(SLIP))}, {}),
    "bordereau imprimer": ({"documents": array(PATH), "documents_conserves": array(PATH)}, {"fichiers_dans": PATH}),
    "banque importer": ({"fichier": PATH, "format": TEXT, "profil": NTEXT, "comptes": array(TEXT), "lignes_lues": INT,
                         "lignes_importees": INT, "deja_importees": INT, "ids": array(TEXT), "credits": MONEY,
                         "debits": MONEY}, WRITING),
    "banque liste": ({"lignes": array(obj(STATEMENT_LINE))}, {}),
    "banque ignorer": (STATEMENT_LINE, WRITING),  # contract 1.2
    # contract 1.3: a deposit read on the statement, its invoice issued and paid by the line
    "banque acompte": ({"ligne": TEXT, "commande": TEXT, "devis": NTEXT, "facture_acompte": TEXT,
                        "reglement": NTEXT, "montant": MONEY,
                        "mode": TEXT, "iban_a_enregistrer": array(IBAN_PROPOSAL)}, WRITING),  # contract 1.4
    "banque reprendre": (STATEMENT_LINE, WRITING),
    "banque rapprocher": ({"a_rapprocher": INT, "exactes": array(LINE_MATCH), "proposees": array(LINE_MATCH),
                           "ambigues": array(LINE_MATCH), "lignes_non_rapprochees": array(obj(STATEMENT_LINE)),
                           "attendus_non_rapproches": array(EXPECTED),
                           "confirmees": array(obj({"ligne": TEXT, "pieces": array(TEXT), "type": TEXT,
                                                    "reglement": NTEXT})),
                           "iban_a_enregistrer": array(IBAN_PROPOSAL)}, WRITING),  # contract 1.4
    **{f"document {kind}": ({"documents": array(PATH), "documents_conserves": array(PATH)},
                            {"envois": array(SENDING), "fichiers_dans": PATH})
       for kind in ("devis", "commande", "facture", "avoir", "acquittee", "penalites")},
    "relances liste": ({"au": DATE, "appels": array(obj({"client": TEXT, "nom": NTEXT, "telephone": NTEXT,
                                                          "factures": array(CASE), "a_dire": TEXT})),
                        "lettres": array(CASE), "dossiers": array(CASE), "arrets": array(CASE),
                        "en_attente": array(CASE), "alarmes": array(TEXT)}, {}),
    "relances noter": ({}, {**WRITING, "factures": array(TEXT), "resultat": NTEXT, "relances": array(TEXT)}),
    "relances executer": ({"documents": {"type": "array", "items": {"anyOf": [PATH, obj(
                               {"client": TEXT, "type": TEXT, "fichier": PATH})]}}, "relances": INT},
                          {**WRITING, "simulation": BOOL, "a_imprimer": NPATH, "brouillons": array(PATH)}),
    "taux ajouter": ({"semestre": TEXT, "taux_autres_cas": DECIMAL, "taux_particuliers": DECIMAL,
                      "taux_bce": NDECIMAL, "taux_penalites": DECIMAL, "plancher": DECIMAL}, WRITING),
    "taux liste": ({"semestres": array(obj({"semestre": TEXT, "autres_cas": NDECIMAL, "particuliers": NDECIMAL,
                                            "penalites": NDECIMAL, "plancher": NDECIMAL}))}, {}),
    "demo": ({"classeur": PATH, "au": DATE, "periode": obj({"du": DATE, "au": DATE}), "lignes": MAP,
              "devis": loose(total=INT, par_statut=MAP), "commandes": loose(total=INT, par_statut=MAP),
              "factures": INT, "factures_acompte": INT, "avoirs": INT, "brouillons": INT,
              "ventes": obj({"ht": MONEY, "tva": MONEY, "ttc": MONEY}), "reglements": loose(total=INT),
              "reste_du": MONEY, "en_retard": loose(nombre=INT, montant=MONEY), "clotures": loose(total=INT),
              "journal": INT, "anomalies": array(TEXT), "duree_s": {"type": "number"},
              "duree_verification_s": {"type": "number"}},
             {"actions": {}, "generation": {"type": "object"}, "remarque": TEXT, "documents_precedents": PATH,
              "fichiers_dans": PATH}),
    "excel configurer": ({"xlwings_conf": MAP}, {}),
    "excel renouveler": ({"classeur": PATH, "ancien": PATH, "lignes": MAP}, {"fichiers_dans": PATH}),
    "rapport": ({"au": DATE, "periode": obj({"du": DATE, "au": DATE}), "classeurs": array(TEXT), "chiffres": MAP,
                 "remarques": {}, "tableaux": array(loose(cle=TEXT, titre=TEXT, lignes=array({"type": "object"}))),
                 "fichiers": {"type": "object", "additionalProperties": PATH}}, {"fichiers_dans": PATH}),
    "publipostage": ({"combine": NPATH, "fichiers": array(PATH), "clients": array(TEXT),
                      "exclus_prospection": array(TEXT)}, {**WRITING, "simulation": BOOL, "envois": {}}),
    "envois liste": ({"envois": array(obj({"date_heure": NTEXT, "date": NDATE, "piece": NTEXT, "type": NTEXT,
                                           "client": NTEXT, "nom_client": NTEXT, "canal": NTEXT,
                                           "destinataire": NTEXT, "objet": NTEXT, "noms_fichiers": NTEXT,
                                           "resultat": NTEXT, "erreur": NTEXT, "ou": TEXT}))}, {}),
    "migrer": ({"etapes": array(TEXT)}, {"simulation": BOOL}),
    # contract 1.2: the PostgreSQL base (issue 18)
    "base creer": ({"base": TEXT, "dossier": PATH}, {}),
    "base importer": ({"base": TEXT, "classeur": PATH, "lignes": MAP}, {"fichiers_dans": PATH}),
    "base exporter": ({"base": TEXT, "classeur": PATH, "lignes": MAP}, {"fichiers_dans": PATH}),
    "base verifier": ({"journal": INT, "pieces": INT}, {}),
    "base vue": ({"base": TEXT, "classeur": PATH, "lignes": MAP}, {"fichiers_dans": PATH}),
    "base rafraichir": ({"base": TEXT, "classeur": PATH, "lignes": MAP}, {"fichiers_dans": PATH}),
    "base motdepasse": ({"base": TEXT, "service": TEXT, "compte": TEXT, "enregistre": BOOL}, {}),  # contract 1.3
    "compta ecritures": ({"ecritures": array(ENTRY), "total_debit": MONEY, "total_credit": MONEY,
                          "avertissement": TEXT}, {}),
    "compta fec": ({"fichier": PATH, "description": PATH, "exercice": obj({"du": DATE, "au": DATE}),
                    "ecritures": INT, "lignes": INT, "total_debit": MONEY, "conforme": BOOL, "sortie": PATH}, {}),
    "compta balance": ({"exercice": obj({"du": DATE, "au": DATE}),
                        "comptes": array(obj({"compte": TEXT, "libelle_compte": TEXT, "debit": MONEY,
                                              "credit": MONEY, "solde": MONEY})),
                        "total_debit": MONEY, "total_credit": MONEY, "avertissement": TEXT}, {}),
    "compta grand-livre": ({"client": TEXT, "solde": MONEY,
                            "lignes": array(obj({"date": DATE, "journal": TEXT, "piece": TEXT, "libelle": TEXT,
                                                 "debit": MONEY, "credit": MONEY, "solde": MONEY,
                                                 "lettrage": NTEXT, "date_lettrage": NDATE}))}, {}),
    "compta lettrer": ({"comptes": array(obj({"client": TEXT, "nom_client": NTEXT, "lignes_lettrees": INT,
                                              "lignes_ouvertes": INT, "solde": MONEY,
                                              "lettres": array(obj({"lettrage": TEXT, "date_lettrage": DATE,
                                                                    "montant": MONEY}))}))}, {}),
    "compta tva": ({"periode": obj({"du": DATE, "au": DATE}), "regime": TEXT,
                    "taux": array(obj({"taux": DECIMAL, "base_ht": MONEY, "tva": MONEY, "ligne": NTEXT,
                                       "libelle": TEXT})),
                    "total_tva": MONEY, "ligne_total": NTEXT,
                    # contract 1.2: the CA12's instalments (a year under that regime; null / [] otherwise)
                    "base_acomptes": NMONEY, "acomptes": array(obj({"mois": INT, "libelle": TEXT, "montant": MONEY})),
                    "solde": NMONEY}, {}),
    "compta verifier-fec": ({"fichier": PATH, "conforme": BOOL, "encodage": TEXT, "separateur": TEXT,
                             "fins_de_ligne": TEXT, "variante": TEXT, "zones": INT, "lignes": INT, "ecritures": INT,
                             "total_debit": MONEY, "total_credit": MONEY, "exercice": obj({"du": NDATE, "au": NDATE}),
                             "nombres": obj({"erreur": INT, "avertissement": INT, "information": INT}),
                             "par_regle": array(obj({"code": TEXT, "niveau": FEC_LEVEL, "fondement": TEXT,
                                                     "regle": TEXT, "nombre": INT})),
                             "constats": array(obj({"ligne": NINT, "code": TEXT, "niveau": FEC_LEVEL,
                                                    "fondement": TEXT, "zone": NTEXT, "message": TEXT})),
                             "constats_omis": INT}, {}),
    "technicien ajouter": ({"code": TEXT, "technicien": TECHNICIAN}, WRITING),
    "technicien liste": ({"techniciens": array(TECHNICIAN)}, {}),
    "technicien voir": ({"technicien": TECHNICIAN, "ou": TEXT}, {}),
    "technicien modifier": ({**UPDATED, "technicien": TECHNICIAN}, WRITING),
    "technicien absence": ({"technicien": TEXT, "du": DATE, "au": DATE, "motif": TEXT,
                            "interventions_a_deplacer": array(TEXT)}, WRITING),
    "intervention creer": ({"id": TEXT, "intervention": JOB}, WRITING),
    "intervention realiser": ({"id": TEXT, "statut": TEXT, "commande": NTEXT, "commande_realisee": BOOL}, WRITING),
    "planning proposer": ({"intervention": NTEXT, "propositions": array(PROPOSAL)}, {}),
    "planning planifier": BOOKED,
    "planning deplacer": BOOKED,
    "planning annuler": ({"id": TEXT, "statut": TEXT, "invitations": array(INVITATION)}, WRITING),
    "planning confirmer": ({"id": TEXT, "statut": TEXT, "client": TEXT, "texte": TEXT}, WRITING),
    "planning voir": ({"semaine": TEXT, "du": DATE, "au": DATE, "commandes_a_planifier": array(TEXT),
                       "techniciens": array(obj({"technicien": TEXT, "nom": NTEXT, "jours": array(obj(
                           {"jour": DATE, "indisponible": NTEXT, "interventions": array(obj(
                               {"id": TEXT, "debut": NTEXT, "duree_min": NINT, "client": NTEXT, "nom_client": NTEXT,
                                "secteur": NTEXT, "statut": NTEXT, "travaux": NTEXT}))}))}))}, {}),
    "planning ics": ({"fichier": PATH, "technicien": TEXT}, {}),
    "planning feuille": ({"documents": array(PATH), "technicien": TEXT, "jour": DATE}, {}),
    "contrat creer": ({"numero": TEXT, "contrat": CONTRACT, "periodicite_mois": INT}, WRITING),
    "contrat liste": ({"contrats": array(CONTRACT)}, {}),
    "contrat voir": ({"contrat": CONTRACT, "ou": TEXT}, {}),
    "contrat modifier": ({"numero": TEXT, "modifie": array(TEXT), "contrat": CONTRACT}, WRITING),
    "contrat resilier": ({"numero": TEXT, "statut": TEXT, "visites_annulees": array(TEXT),
                         "remboursement_ht": NMONEY}, WRITING),
    "contrat visites": ({"mois": TEXT, "creees": INT, "visites": array(obj(
        {"visite": TEXT, "contrat": TEXT, "client": TEXT, "nom_client": NTEXT, "due_le": DATE, "en_retard": BOOL,
         "motif": TEXT, "statut": TEXT, "propositions": array(obj(
             {"technicien": TEXT, "debut": TEXT, "duree_min": INT, "raison": TEXT}))}))}, WRITING),
    "contrat facturer": ({"mois": TEXT, "factures": array(obj(
        {"contrat": TEXT, "client": TEXT, "nom_client": NTEXT, "facture": TEXT, "devis": TEXT, "commande": TEXT,
         "du": DATE, "au": DATE, "periodes": INT, "taux_tva": TEXT, "motif_taux": NTEXT, "total_ht": MONEY,
         "total_ttc": MONEY, "echeance": DATE})), "deja_facturees": array(TEXT), "total_ht": MONEY,
        "total_ttc": MONEY}, WRITING),
    "contrat avis": ({"avis": array(NOTICE), "alarmes": array(TEXT), "envoyes": BOOL}, WRITING),
    "contrat attestation": ({"id": TEXT, "remise_le": DATE, "limite": DATE, "hors_delai": BOOL}, WRITING),
}


def envelope(command: str | None) -> dict[str, Schema]:
    return {"version": {"const": contract.VERSION}, "action": {"const": command} if command else NTEXT}


def refusal_schema(command: str | None) -> Schema:
    return obj({**envelope(command), "ok": {"const": False}, "erreurs": {**array(ISSUE), "minItems": 1}})


def command_schema(command: str) -> Schema:
    """The schema of a command's answer: its success, or a refusal."""
    own, optional = COMMANDS[command]
    success = obj({**envelope(command), "ok": {"const": True}, **own, "avertissements": array(ISSUE)},
                  {**optional, "message": TEXT, "fichiers_dans": PATH})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://syc-gestion.fr/schemas/{contract.VERSION}/{file_name(command)}",
            "title": f"Réponse de « syc {command} --json » (contrat {contract.VERSION})",
            "oneOf": [success, refusal_schema(command)]}


def file_name(command: str) -> str:
    return command.replace(" ", "-") + ".schema.json"


def all_schemas() -> dict[str, Schema]:
    """Every file of the schemas folder: one per command, and the refusal of an unreadable command line."""
    files = {file_name(c): command_schema(c) for c in COMMANDS}
    files["refus.schema.json"] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                  "title": "Refus d'une ligne de commande illisible (contrat "
                                           f"{contract.VERSION})", **refusal_schema(None)}
    return files


def text(schema: Schema) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


# The fingerprint of every schema of each contract version: a schema changed without a new version
# (contract.VERSION) and a changelog line (docs/contrat-json.md) fails tests/test_json_contract.py.
FINGERPRINTS = {
    "1.0": "de2d77b6ecfb04411341810dd0881d9cb07878ac3b185cb23f9abbb58e70afa1",  # 1.0 is first published with this wave, schema-6 fields included
    "1.1": "a5d2d8b34a1c236b7b984fdf31f4bf979c421afdb740f71bfffa1aaed22fc561",  # penalty notes, payments as money arrives, FEC checker and the books, planning and maintenance contracts, slips, statements
    "1.2": "49d22b9f7bcf4d27ffca4897fa820599384fe59b8704800883cc2b5b1b870e8b",  # statement lines set aside (motif); « reste_du » stored on each invoice; CA12 instalments, doubtful debts and write-offs (« passe_en_perte » on each invoice); the PostgreSQL base (base creer|importer|exporter|verifier|vue|rafraichir, sauvegardes faire); excel renouveler
    "1.3": "cf293bce2402f88b7dceac715fe9de6e3af8872927a87df68dfd9a9aba95bda2",  # base motdepasse (the keyring); banque acompte; refunds matched on the statement; reglement annuler statut nullable
    "1.4": "a4d501594a0bb54bdd297d24b8ab88cc2a53ac35bd00c28e3314bce972ac1dd1",  # contract 1.4: the client's IBAN; a statement line's IBAN and bank code; the deposit's mode; IBANs to record
}


def fingerprint() -> str:
    import hashlib

    blob = "".join(name + text(s) for name, s in sorted(all_schemas().items()))
    return hashlib.sha256(blob.encode()).hexdigest()


def schema_for(payload: dict[str, Any]) -> Schema:
    """The schema an answer must follow (by its `action`)."""
    command = payload.get("action")
    if command in COMMANDS:
        return command_schema(command)
    return refusal_schema(None)


PACKAGE_FOLDER = Path(__file__).resolve().parent.parent / "data" / "schemas-json"


def write(folders: list[Path]) -> None:
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.schema.json"):
            old.unlink()
        for name, schema in all_schemas().items():
            (folder / name).write_text(text(schema), encoding="utf-8")


if __name__ == "__main__":  # python -m pyxl.cli.schemas [DOSSIER…]
    write([Path(a) for a in sys.argv[1:]] or [PACKAGE_FOLDER])
