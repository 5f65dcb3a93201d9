"""The `syc --json` contract: every answer is written through here, so its vocabulary is decided once.

Services and CLI handlers hand over their data with the record fields' English keys (the store's
column keys) or French keys; `answer` renames the English ones to their French JSON names (`KEYS`),
writes amounts as strings with two decimals, dates in ISO 8601, empty record fields as null and
file paths as absolute paths, and adds the envelope: `version`, `action` (the command, « facture liste »), `ok`, `erreurs`,
`avertissements`. The schemas of the answers (`schemas.py`, shipped in pyxl/data/schemas-json/)
and docs/contrat-json.md describe the result; changing a key is a new `VERSION` and a changelog line.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import records as rec
from pyxl.core.fields import shown
from pyxl.core.issues import Issue

VERSION = "1.4"  # contract 1.4: the client's IBAN, the statement line's IBAN and bank code, the deposit's mode

# Record fields (core/records.py, the store's column keys) → their JSON names: the sheets' French
# headers, without accents. A key absent here is already French (or a record field with the same
# name in both languages, listed below so that its empty value becomes null).
KEYS: dict[str, str] = {
    # clients
    "kind": "type", "name": "nom", "first_name": "prenom", "address": "adresse", "address2": "complement_adresse",
    "postcode": "code_postal", "city": "ville", "country": "pays", "phone": "telephone",
    "vat_number": "tva_intracommunautaire", "category": "categorie", "terms": "conditions_paiement",
    "sector": "secteur", "created": "cree_le", "active": "actif", "notes": "remarques",
    "marketing_mail": "accepte_prospection", "dunning_blocked": "relances_bloquees",
    "collective_since": "procedure_collective_depuis",
    # articles
    "unit": "unite", "unit_price": "prix_unitaire_ht", "vat_rate": "taux_tva", "purchase_price": "prix_achat_ht",
    "family": "famille",
    # quotes, orders, invoice-type documents
    "number": "numero", "client_name": "nom_client", "object": "objet", "site": "lieu_intervention",
    "client_ref": "reference_client", "housing_old": "logement_plus_2_ans", "away": "hors_etablissement",
    "reverse_charge": "autoliquidation", "discount_pct": "remise_pct", "validity_days": "validite_jours",
    "valid_until": "valable_jusqu_au", "status": "statut", "total_vat": "total_tva", "sent_on": "envoye_le",
    "followups": "relances", "last_followup": "derniere_relance", "followup_notes": "suivi",
    "replaces": "remplace", "replaced_by": "remplace_par", "accepted_on": "accepte_le", "urgent": "depannage_urgent",
    "refusal_reason": "motif_refus", "order": "commande", "quote": "devis", "deposit_pct": "acompte_pct",
    "done_on": "realisee_le", "invoice": "facture", "cancel_reason": "motif_annulation", "ref": "reference",
    "doc_type": "type", "origin": "facture_origine", "service_date": "date_realisation", "due_date": "echeance",
    "deducted_ttc": "acomptes_deduits_ttc", "paid": "regle", "credited": "avoirs", "reason": "motif",
    # lines
    "doc": "piece", "pos": "ligne", "qty": "quantite", "rate": "taux_tva", "rate_reason": "motif_taux",
    "net": "montant_ht", "fixed_vat": "tva_imposee", "source": "piece_origine",
    # payments
    "amount": "montant", "cancels": "annule",
    # schema 7: a payment imputed in several parts (penalty notes first, art. 1343-1 C. civ.)
    "applies_to": "au_titre_de", "group": "paiement", "bank": "banque", "drawer": "tireur", "bounced": "impaye",
    "charges": "frais_bancaires", "slip": "bordereau", "bank_line": "ligne_releve",
    # sendings journal, sectors, parameters
    "at": "date_heure", "channel": "canal", "recipient": "destinataire", "subject": "objet", "files": "noms_fichiers",
    "result": "resultat", "error": "erreur", "prefix": "prefixe", "label": "parametre", "value": "valeur",
    "help": "explication",
    # schema 6 (the legal corrections): the client's headcount, the consumer formalities of a quote, the
    # penalty clause, the credit note's cause and the operation's category of an invoice, written proofs
    "headcount": "effectif", "express_request": "demande_expresse", "outside_main_activity": "hors_activite_principale",
    "penalty_clause": "clause_penalites", "penalty_clause_rebuilt": "clause_penalites_reconstituee",
    "credit_cause": "cause_avoir", "operation": "categorie_operation", "proof": "preuve_ecrite",
    "keeps_old": "ancien_taux_maintenu", "guarantee": "garantie", "text": "texte",
    # other answers: an invoice's balance has one name everywhere (facture voir, reglement saisir, demo)
    "due": "etape_due", "reste": "reste_a_payer",
    # contract 1.2 (schema 10): « Reste dû » stored on each invoice (empty on drafts and credit notes)
    "owed": "reste_du",
    # contract 1.2 (schema 13): what a write-off took off an invoice's « Reste dû »
    "written_off": "passe_en_perte",
    # contract 1.1 (schema 9): technicians, interventions, maintenance contracts
    "skills": "competences", "hours": "horaires", "capacity": "capacite_jour", "certificates": "certificats",
    "contract": "contrat", "work": "travaux", "skill": "competence", "duration": "duree_min",
    "technician": "technicien", "start": "debut", "wishes": "souhaits", "visit_due": "visite_due_le",
    "report": "rapport", "attestation_on": "attestation_remise_le", "brand": "marque", "model": "modele",
    "power_kw": "puissance_kw", "installed_on": "mise_en_service", "formula": "formule", "price_ht": "prix_ht",
    "billing": "facturation", "tacit": "reconduction_tacite", "notice_days": "preavis_jours",
    "protected": "client_protege", "ended_on": "resilie_le", "end_reason": "motif_resiliation",
    "notice_sent_on": "avis_envoye_le", "anniversary": "premiere_reconduction",
    "billed_to": "facture_jusqu_au", "last_invoice": "derniere_facture",
}
# record fields whose name is the same in both languages
SAME = {"code", "email", "siret", "designation", "article", "date", "client", "nature", "execution", "total_ht",
        "total_ttc", "id", "mode", "reference", "sequence",
        "iban"}  # contract 1.4 (schema 15): the client's IBAN, compact
FIELDS = set(KEYS) | SAME
# JSON keys whose empty text is written null: every record field's name, and a few answers' own
NULLABLE = set(KEYS.values()) | SAME | {"attente", "arret", "dernier_appel", "etape", "brouillon", "a_imprimer", "annule_par",
                                         "combine"}

# keys whose values are quantities or rates, written as decimal strings without forced rounding
PLAIN_DECIMALS = {"puissance_kw", "quantite", "taux", "taux_tva", "remise_pct", "acompte_pct", "pourcentage", "autres_cas",
                  "particuliers", "penalites", "plancher", "taux_autres_cas", "taux_particuliers", "taux_bce",
                  "taux_penalites"}
# keys whose values are file or folder paths (a string or a list of strings): made absolute
PATHS = {"classeur", "documents", "documents_conserves", "brouillon", "fichiers", "fichier", "a_imprimer",
         "dossier", "sortie", "ancien_dossier", "combine", "restaure_depuis", "documents_precedents", "archive", "avant_archivage"}


def key(name: str) -> str:
    """The JSON name of a key."""
    return KEYS.get(name, name)


def absolute(path: str | Path) -> str | None:
    """A path as a script can use it from any folder ('' is null)."""
    text = str(path)
    return os.path.abspath(text) if text else None


def french(value: Any, name: str = "") -> Any:
    """A value in the contract's vocabulary (recursively)."""
    if isinstance(value, Mapping):
        if name == "fichiers":  # {name: path} (rapport)
            return {str(k): french(v, name) for k, v in value.items()}
        return {key(str(k)): _field(str(k), v) for k, v in value.items()}
    if isinstance(value, rec.Record):
        return french(value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [french(v, name) for v in items]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        from pyxl.core.money import json_amount

        return format(value.normalize(), "f") if name in PLAIN_DECIMALS else json_amount(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path) or (name in PATHS and isinstance(value, str)):
        return absolute(value)
    return value


# keys of an answer that name files the command has just written (or the workbook it made)
WRITTEN = ("classeur", "documents", "brouillons", "fichiers", "a_imprimer", "combine")


def files_folder(data: Mapping[str, Any] | None) -> str | None:
    """The folder of the files a command wrote (their closest common folder, absolute), or None."""
    if not data or data.get("simulation"):
        return None
    paths: list[str] = []
    for name in WRITTEN:
        value = data.get(name)
        items = value.values() if isinstance(value, Mapping) else value if isinstance(value, (list, tuple)) else [value]
        paths += [os.path.abspath(str(p)) for p in items if isinstance(p, (str, Path)) and str(p)]
    if not paths:
        return None
    return os.path.commonpath([os.path.dirname(p) for p in paths])


def _field(name: str, value: Any) -> Any:
    new = key(name)
    if value == "" and (name in FIELDS or new in NULLABLE):
        return None  # an empty cell
    return french(value, new)


def record_json(record: rec.Record) -> dict[str, Any]:
    """A typed record as its JSON object (the same object in every command's answer)."""
    return dict(french(record.values()))


def client_json(client: rec.Client) -> dict[str, Any]:
    return record_json(client)


def article_json(article: rec.Article) -> dict[str, Any]:
    return record_json(article)


def issue_json(issue: Issue) -> dict[str, Any]:
    return {"code": issue.code, "message": shown(issue.message), "ou": shown(issue.where) or None}


def answer(command: str, data: Mapping[str, Any] | None = None, *, message: str = "",
           warnings: Sequence[Issue] = ()) -> dict[str, Any]:
    """The whole answer of a successful command."""
    body = french(dict(data or {}))
    payload: dict[str, Any] = {"version": VERSION, "action": command, "ok": True}
    payload.update({k: v for k, v in body.items() if k not in payload})
    if message:
        payload.setdefault("message", shown(message))
    payload["avertissements"] = [issue_json(w) for w in warnings]
    return payload


def refusal(command: str | None, issues: Sequence[Issue]) -> dict[str, Any]:
    """The answer of a refused command (or of a command line that could not be read: command null)."""
    return {"version": VERSION, "action": command, "ok": False, "erreurs": [issue_json(i) for i in issues]}
