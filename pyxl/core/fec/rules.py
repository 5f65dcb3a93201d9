"""The rules of the FEC checker: one code, one level, one source and one French title each.

The level follows the source: what art. A47 A-1 LPF (or its doctrine, BOI-CF-IOR-60-40-20) requires
is an error; what only the DGFiP's own test tool (« Test Compta Demat ») or accounting practice
expects is a warning; what is harmless but worth knowing (a trailing separator, a byte-order mark)
is an information. docs/fec.md lists the same table for the user; a test keeps both in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(Enum):
    ERROR = "erreur"
    WARNING = "avertissement"
    INFO = "information"


ARTICLE = "art. A47 A-1 LPF"
TESTER = "Test Compta Demat (DGFiP)"
PRACTICE = "pratique comptable"


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    source: str
    title: str  # French, what the rule asks for


_RULES = (
    # the file
    Rule("fec.encodage", Level.ERROR, f"{ARTICLE}, XII-1°",
         "jeu de caractères ASCII, ISO 8859-15 ou UTF-8 (UTF-16, UTF-32 refusés)"),
    Rule("fec.bom", Level.INFO, TESTER, "UTF-8 avec marque d'ordre des octets (BOM), tolérée"),
    Rule("fec.fichier-vide", Level.ERROR, f"{ARTICLE}, VII-4°", "le fichier contient au moins la ligne d'en-tête"),
    Rule("fec.separateur", Level.ERROR, f"{ARTICLE}, VI-1°-c",
         "séparateur de zones : tabulation ou barre verticale « | »"),
    Rule("fec.separateur-mixte", Level.ERROR, f"{ARTICLE}, VI-1°-c et I-4°",
         "un seul séparateur dans tout le fichier"),
    Rule("fec.separateur-final", Level.INFO, TESTER, "séparateur en fin de ligne, toléré"),
    Rule("fec.fins-de-ligne", Level.WARNING, f"{ARTICLE}, VI-1°-a ; {PRACTICE}",
         "une seule fin de ligne (CRLF, LF ou CR) dans tout le fichier"),
    Rule("fec.ligne-vide", Level.WARNING, PRACTICE, "pas de ligne vide entre les enregistrements"),
    Rule("fec.nom-fichier", Level.INFO, f"{ARTICLE}, IX", "nom du fichier SirenFECAAAAMMJJ"),
    Rule("fec.nom-cloture", Level.WARNING, f"{ARTICLE}, IX",
         "la date du nom du fichier est la date de clôture de l'exercice"),
    # the header
    Rule("fec.entete-colonnes", Level.ERROR, f"{ARTICLE}, VII-1°, VII-4° et VIII",
         "la première ligne porte les noms des 18 zones obligatoires (21 en BA, 22 en BNC)"),
    Rule("fec.entete-ordre", Level.ERROR, f"{ARTICLE}, VII-1°", "les zones obligatoires sont dans l'ordre de l'article"),
    Rule("fec.entete-casse", Level.INFO, TESTER, "noms de zones écrits autrement que dans l'article (casse, espaces)"),
    # each line
    Rule("fec.nombre-champs", Level.ERROR, f"{ARTICLE}, VI-1° ; {TESTER}",
         "chaque ligne a autant de zones que l'en-tête (ligne tronquée ou séparateur dans une valeur)"),
    Rule("fec.champ-obligatoire", Level.ERROR, f"{ARTICLE}, VII-1° (tableau des zones)",
         "zones obligatoires renseignées"),
    Rule("fec.compte-num", Level.ERROR, f"{ARTICLE}, VII-1° (zone 5)",
         "les trois premiers caractères de CompteNum sont des chiffres (PCG)"),
    Rule("fec.date", Level.ERROR, f"{ARTICLE}, XII-4°", "dates au format AAAAMMJJ, date existante"),
    Rule("fec.montant-format", Level.ERROR, f"{ARTICLE}, XII-2°",
         "montants en chiffres, virgule décimale, sans séparateur de milliers, signe en tête ou en fin"),
    Rule("fec.montant-decimales", Level.WARNING, PRACTICE, "montants en euros à deux décimales au plus"),
    Rule("fec.montant-negatif", Level.WARNING, PRACTICE, "débit et crédit positifs (une correction inverse le sens)"),
    Rule("fec.sens", Level.ERROR, f"{ARTICLE}, VII-2° ; {TESTER}", "Sens vaut D, C, +1 ou -1"),
    Rule("fec.debit-credit", Level.WARNING, TESTER,
         "sur une ligne, le débit ou le crédit est non nul, pas les deux"),
    Rule("fec.compaux-sans-lib", Level.ERROR, f"{ARTICLE}, VII-1° (zones 7 et 8)",
         "CompAuxNum et CompAuxLib sont renseignés ensemble (à blanc si non utilisés)"),
    Rule("fec.compaux-non-tiers", Level.WARNING, f"{PRACTICE} (PCG, classe 4)",
         "un compte auxiliaire ne s'emploie que sur un compte de tiers (classe 4)"),
    Rule("fec.lettrage", Level.WARNING, PRACTICE, "EcritureLet et DateLet sont renseignés ensemble"),
    Rule("fec.devise", Level.WARNING, PRACTICE, "Montantdevise et Idevise sont renseignés ensemble"),
    Rule("fec.non-validee", Level.WARNING, f"{ARTICLE}, VII-1° (zone 16) ; PCG art. 420-5",
         "seules les écritures validées figurent au FEC (ValidDate renseignée)"),
    Rule("fec.validation-avant-ecriture", Level.WARNING, PRACTICE,
         "une écriture est validée à sa date comptable ou après (ValidDate ≥ EcritureDate)"),
    Rule("fec.hors-exercice", Level.ERROR, f"{ARTICLE}, VII-1°",
         "EcritureDate dans l'exercice (--exercice-du, --exercice-au) ; une ValidDate après la clôture est normale"),
    # each entry
    Rule("fec.ecriture-desequilibree", Level.ERROR, f"partie double (PCG) ; {TESTER}",
         "chaque écriture (EcritureNum) est équilibrée : total des débits = total des crédits"),
    Rule("fec.ecriture-incoherente", Level.WARNING, TESTER,
         "les lignes d'une écriture ont la même date comptable, la même pièce et la même date de pièce"),
    Rule("fec.ecriture-dispersee", Level.WARNING, PRACTICE, "les lignes d'une écriture se suivent dans le fichier"),
    Rule("fec.numero-reutilise", Level.WARNING, TESTER,
         "un numéro d'écriture n'appartient qu'à un journal (l'outil de la DGFiP regroupe par EcritureNum)"),
    Rule("fec.numerotation", Level.WARNING, f"{ARTICLE}, VII-1° (zone 3)",
         "numéros d'écriture en séquence continue, dans le fichier ou par journal (un trou doit pouvoir "
         "s'expliquer)"),
    Rule("fec.chronologie-journal", Level.WARNING, PRACTICE,
         "dans un journal, les dates comptables ne reculent pas quand le numéro avance"),
    Rule("fec.ordre-validation", Level.ERROR, f"{ARTICLE}, VII-1°",
         "écritures classées dans l'ordre chronologique de validation (ValidDate)"),
    Rule("fec.a-nouveaux", Level.WARNING, f"{ARTICLE}, VII-3°",
         "les écritures d'à-nouveaux portent les premiers numéros (journal reconnu à son code ou libellé)"),
    # the whole file
    Rule("fec.total-desequilibre", Level.ERROR, f"partie double (PCG) ; {TESTER}",
         "total des débits du fichier = total des crédits"),
)

RULES: dict[str, Rule] = {r.code: r for r in _RULES}
