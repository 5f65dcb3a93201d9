"""The bad-input sweep: every refusal exits 1 (2 for a usage error) with a French message that
names the field, in --json too (`ok` false, `erreurs[0]` with code, message and `ou` naming the
record), and leaves the workbook BYTE-IDENTICAL with no new backup. The accepted values at the
same boundaries are written, read back exactly, and the file still passes the Excel-invariant
validator."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pyxl.cli import contract, main

DAY = "2026-11-27"
SIRET = "73282932000074"  # the demo company
OTHER_SIRET = "55210055400005"
OTHER_VAT = "FR96552100554"

ENGLISH = re.compile(r"usage:|error:|\boptions:|positional arguments|the following arguments|required|"
                     r"invalid choice|unrecognized|expected one|Traceback|Errno|\bis not\b|\bfile\b|"
                     r"\bnumber\b|\bchecksum\b", re.I)


# --------------------------------------------------------------------------- helpers
@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.out)


def syc(capsys: pytest.CaptureFixture[str], *args: str, book: Path) -> Run:
    code = main([*args, "--book", str(book)])
    out, err = capsys.readouterr()
    return Run(code, out, err)


def snapshot(book: Path) -> tuple[bytes | None, list[str], list[str]]:
    """The workbook's bytes, the files beside it and the backups (the writers' OS lock file aside)."""
    folder = book.parent
    beside = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".syc-verrou"))
    saved = folder / "sauvegardes"
    return (book.read_bytes() if book.is_file() else None, beside,
            sorted(p.name for p in saved.iterdir()) if saved.is_dir() else [])


def ooxml_valid(book: Path) -> None:
    """The Excel-invariant validator (tests/ooxml_check.py), when it is there."""
    try:
        import ooxml_check
    except ImportError:  # pragma: no cover - the validator is added by another change
        return
    ooxml_check.assert_valid(book)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("demo") / "SYC_Gestion.xlsm"
    assert main(["init", "--demo", "--book", str(book), "--au", DAY]) == 0
    return book


@pytest.fixture
def book(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(demo_template, target)
    return target


CLIENT = {"nom": "Durand", "prenom": "Paul", "type": "particulier", "adresse": "3 place Bellecour",
          "cp": "69002", "ville": "Lyon"}
PRO = {"nom": "Chauffage Martin SAS", "type": "professionnel", "adresse": "1 rue du Port", "cp": "01000",
       "ville": "Bourg-en-Bresse", "siret": OTHER_SIRET}
ARTICLE = {"code": "CHG-30", "designation": "Chaudière gaz 30 kW", "unite": "u", "pu-ht": "3500", "tva": "20"}


def _options(base: dict[str, str], over: dict[str, str | None]) -> list[str]:
    argv = []
    for key, value in {**base, **over}.items():
        if value is not None:
            argv.append(f"--{key}={value}")  # the "=" form: values such as "-5" or "-2+3" stay values
    return argv


def client(**over: str | None) -> tuple[str, ...]:
    return ("client", "ajouter", *_options(CLIENT, over))


def pro(**over: str | None) -> tuple[str, ...]:
    return ("client", "ajouter", *_options(PRO, over))


def article(**over: str | None) -> tuple[str, ...]:
    return ("article", "ajouter", *_options(ARTICLE, {k.replace("_", "-"): v for k, v in over.items()}))


# --------------------------------------------------------------------------- refused cases
@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: str  # erreurs[0].code
    words: str  # in the French message: names the field, says what is wrong
    ou: str  # in erreurs[0].ou: names the record
    status: int = 1


C_OU, P_OU, A_OU = "Client « Durand »", "Client « Chauffage Martin SAS »", "Article « CHG-30 »"

REFUSED = [
    # ---- clients: empty required fields
    Case("client-nom-vide", client(nom=""), "client.name", "Le nom est obligatoire", "Client « ? »"),
    Case("client-nom-blanc", client(nom="   "), "client.name", "Le nom est obligatoire", "Client « ? »"),
    Case("client-adresse-vide", client(adresse=""), "client.address", "L'adresse est obligatoire", C_OU),
    Case("client-cp-vide", client(cp=""), "client.postcode", "Le code postal est obligatoire", C_OU),
    Case("client-ville-vide", client(ville=""), "client.city", "La ville est obligatoire", C_OU),
    Case("client-type-vide", client(type=""), "client.kind", "Le type est obligatoire", C_OU),
    Case("client-type-inconnu", client(type="société"), "client.kind", "Le type : « société »", C_OU),
    # ---- too long
    Case("client-nom-101", client(nom="N" * 101), "client.name", "Le nom dépasse", "Client « NNN"),
    Case("client-prenom-61", client(prenom="P" * 61), "client.first_name", "Le prénom dépasse", C_OU),
    Case("client-adresse-121", client(adresse="A" * 121), "client.address", "L'adresse dépasse", C_OU),
    Case("client-ville-61", client(ville="V" * 61), "client.city", "La ville dépasse", C_OU),
    Case("client-remarques-1001", client(remarques="R" * 1001), "client.notes", "La remarque dépasse", C_OU),
    # ---- control characters
    Case("client-nom-tabulation", client(nom="Du\trand"), "client.name", "Le nom contient une tabulation",
         "Client « Du"),
    Case("client-ville-retour", client(ville="Lyon\n3e"), "client.city", "La ville contient un retour", C_OU),
    Case("client-adresse-controle", client(adresse="3 place\x07"), "client.address", "L'adresse contient un "
         "caractère de contrôle", C_OU),
    Case("client-nom-non-utf8", client(nom="Andr\udce9"), "client.name", "Le nom contient des caractères illisibles",
         "Client « Andr\ufffd »"),
    Case("client-type-non-utf8", client(type="pro\udce9"), "client.kind", "Le type : « pro\ufffd »", C_OU),
    Case("client-voir-non-utf8", ("client", "voir", "C\udce9"), "client.unknown", "Client « C\ufffd » introuvable",
         "C\ufffd"),
    Case("article-code-non-utf8", article(code="CH\udce9"), "article.code", "le code « CH\ufffd »",
         "Article « CH\ufffd »"),
    # ---- identifiers
    Case("pro-sans-siret", pro(siret=None), "client.siret", "Le SIRET / SIREN est obligatoire", P_OU),
    Case("pro-siret-cle-fausse", pro(siret="55210055400006"), "client.siret", "Le SIRET / SIREN « 55210055400006 » "
         "est invalide (clé de contrôle fausse)", P_OU),
    Case("pro-siren-cle-fausse", pro(siret="552100555"), "client.siret", "clé de contrôle fausse", P_OU),
    Case("pro-siret-13-chiffres", pro(siret="5521005540000"), "client.siret", "9 chiffres (SIREN) ou 14", P_OU),
    Case("pro-siret-lettres", pro(siret="55210055A00005"), "client.siret", "que des chiffres", P_OU),
    Case("pro-tva-cle-fausse", pro(**{"tva-intra": "FR00552100554"}), "client.vat",
         "Le n° de TVA intracommunautaire « FR00552100554 » est invalide", P_OU),
    Case("pro-tva-autre-siren", pro(**{"tva-intra": "FR44732829320"}), "client.vat",
         "ne correspond pas au SIREN 552100554", P_OU),
    Case("client-email", client(email="jean.dupont@"), "client.email", "L'e-mail « jean.dupont@ »", C_OU),
    Case("client-email-espace", client(email="jean dupont@example.fr"), "client.email", "L'e-mail", C_OU),
    Case("client-cp-4-chiffres", client(cp="6900"), "client.postcode", "Le code postal « 6900 » est invalide", C_OU),
    Case("client-cp-00999", client(cp="00999"), "client.postcode", "Le code postal « 00999 »", C_OU),
    Case("client-cp-99000", client(cp="99000"), "client.postcode", "Le code postal « 99000 »", C_OU),
    Case("client-cp-lettres", client(cp="ABCDE"), "client.postcode", "Le code postal « ABCDE »", C_OU),
    Case("client-tel-court", client(tel="12"), "client.phone", "Le téléphone « 12 »", C_OU),
    Case("client-tel-9-chiffres", client(tel="06 12 34 56 7"), "client.phone", "doit compter 10 chiffres", C_OU),
    # ---- payment terms and lists
    Case("pro-90-jours-nets", pro(conditions="90 jours nets"), "client.terms_cap", "plafond légal", P_OU),
    Case("pro-61-jours-nets", pro(conditions="61 jours nets"), "client.terms_cap", "60 jours nets", P_OU),
    Case("pro-46-jours-fdm", pro(conditions="46 jours fin de mois"), "client.terms_cap", "45 jours fin de mois",
         P_OU),
    Case("client-conditions-inconnues", client(conditions="à réception"), "client.terms",
         "Les conditions de paiement « à réception » ne sont pas reconnues", C_OU),
    Case("client-0-jour", client(conditions="0 jours nets"), "client.terms", "pas un délai admis", C_OU),
    Case("particulier-categorie", client(categorie="autre"), "client.category", "ne concerne que les professionnels",
         C_OU),
    Case("client-modifier-type-categorie", ("client", "modifier", "C00002", "--type", "particulier"),
         "client.category", "videz-la (--categorie \"\")", "Clients, ligne 3"),
    Case("pro-categorie-inconnue", pro(categorie="grossiste"), "client.category", "La catégorie : « grossiste »",
         P_OU),
    Case("client-actif", client(actif="peut-être"), "client.active", "Actif : « peut-être »", C_OU),
    # ---- unknown codes, modify
    Case("client-voir-inconnu", ("client", "voir", "C99999"), "client.unknown", "Client « C99999 » introuvable",
         "C99999"),
    Case("client-modifier-inconnu", ("client", "modifier", "C99999", "--tel", "0478000000"), "client.unknown",
         "Client « C99999 » introuvable", "C99999"),
    Case("client-modifier-rien", ("client", "modifier", "C00001"), "client.nothing", "rien à modifier",
         "Clients, ligne 2"),
    Case("client-modifier-cp", ("client", "modifier", "C00001", "--cp", "6900"), "client.postcode",
         "Le code postal « 6900 »", "Clients, ligne 2"),
    Case("client-modifier-nom-vide", ("client", "modifier", "C00001", "--nom", ""), "client.name",
         "Le nom est obligatoire", "Clients, ligne 2"),
    Case("client-modifier-pro-sans-siret", ("client", "modifier", "C00002", "--siret", ""), "client.siret",
         "obligatoire pour un client professionnel", "Clients, ligne 3"),
    Case("client-modifier-conditions", ("client", "modifier", "C00002", "--conditions", "90 jours nets"),
         "client.terms_cap", "plafond légal", "Clients, ligne 3"),
    # ---- articles
    Case("article-code-vide", article(code=""), "article.code", "le code est obligatoire", "Article « ? »"),
    Case("article-code-espace", article(code="CHG 30"), "article.code", "le code « CHG 30 »", "Article « CHG 30 »"),
    Case("article-code-21", article(code="C" * 21), "article.code", "20 caractères au plus", "Article « CCC"),
    Case("article-designation-vide", article(designation=""), "article.designation",
         "La désignation est obligatoire", A_OU),
    Case("article-designation-201", article(designation="D" * 201), "article.designation", "La désignation dépasse",
         A_OU),
    Case("article-unite", article(unite="kg"), "article.unit", "L'unité : « kg »", A_OU),
    Case("article-prix-abc", article(pu_ht="abc"), "article.price", "Le prix unitaire HT : « abc » n'est pas un "
         "nombre", A_OU),
    Case("article-prix-vide", article(pu_ht=""), "article.price", "Le prix unitaire HT est obligatoire", A_OU),
    Case("article-prix-negatif", article(pu_ht="-5"), "article.price", "Le prix unitaire HT ne peut pas être négatif",
         A_OU),
    Case("article-prix-negatif-virgule", article(pu_ht="-5,50"), "article.price", "ne peut pas être négatif", A_OU),
    Case("article-prix-3-decimales", article(pu_ht="12,345"), "article.price", "plus de 2 décimales", A_OU),
    Case("article-prix-milliers-point", article(pu_ht="1.000,50"), "article.price", "n'est pas un nombre", A_OU),
    Case("article-prix-exposant", article(pu_ht="1e3"), "article.price", "n'est pas un nombre", A_OU),
    Case("article-prix-nan", article(pu_ht="NaN"), "article.price", "n'est pas un nombre", A_OU),
    Case("article-prix-enorme", article(pu_ht="1000000000"), "article.price", "trop grand", A_OU),
    Case("article-achat-negatif", article(prix_achat="-1"), "article.purchase", "Le prix d'achat HT ne peut pas",
         A_OU),
    Case("article-achat-3-decimales", article(prix_achat="0,001"), "article.purchase", "plus de 2 décimales", A_OU),
    Case("article-tva-19-6", article(tva="19,6"), "article.vat", "Le taux de TVA « 19,6 » n'est pas un taux "
         "français", A_OU),
    Case("article-tva-19.6", article(tva="19.6"), "article.vat", "Le taux de TVA « 19.6 »", A_OU),
    Case("article-tva-7", article(tva="7"), "article.vat", "Le taux de TVA « 7 »", A_OU),
    Case("article-tva-5", article(tva="5"), "article.vat", "Le taux de TVA « 5 »", A_OU),
    Case("article-tva-5,55", article(tva="5,55"), "article.vat", "Le taux de TVA « 5,55 »", A_OU),
    Case("article-tva-negatif", article(tva="-20"), "article.vat", "Le taux de TVA « -20 »", A_OU),
    Case("article-tva-vide", article(tva=""), "article.vat", "Le taux de TVA est obligatoire", A_OU),
    Case("article-famille", article(famille="outillage"), "article.family", "La famille : « outillage »", A_OU),
    Case("article-categorie", article(categorie="voiture"), "article.category", "La catégorie : « voiture »", A_OU),
    Case("article-doublon", article(code="CHG-25"), "article.duplicate", "le code CHG-25 existe déjà",
         "Article « CHG-25 »"),
    Case("article-doublon-casse", article(code="chg-25"), "article.duplicate", "existe déjà", "Article « chg-25 »"),
    Case("article-voir-inconnu", ("article", "voir", "XYZ"), "article.unknown", "Article « XYZ » introuvable", "XYZ"),
    Case("article-modifier-inconnu", ("article", "modifier", "XYZ", "--pu-ht", "10"), "article.unknown",
         "Article « XYZ » introuvable", "XYZ"),
    Case("article-modifier-rien", ("article", "modifier", "CHG-25"), "article.nothing", "rien à modifier",
         "Articles, ligne 2"),
    Case("article-modifier-prix", ("article", "modifier", "CHG-25", "--pu-ht", "abc"), "article.price",
         "Le prix unitaire HT : « abc »", "Articles, ligne 2"),
    Case("article-modifier-tva", ("article", "modifier", "CHG-25", "--tva", "19,6"), "article.vat",
         "Le taux de TVA « 19,6 »", "Articles, ligne 2"),
    # ---- secteurs
    Case("secteur-prefixe-vide", ("secteur", "ajouter", "--prefixe", "", "--nom", "Nord"), "sector.prefix",
         "le début de code postal doit compter 1 à 5 chiffres", "Secteur ?"),
    Case("secteur-prefixe-lettres", ("secteur", "ajouter", "--prefixe", "2A", "--nom", "Corse"), "sector.prefix",
         "1 à 5 chiffres", "Secteur 2A"),
    Case("secteur-prefixe-6", ("secteur", "ajouter", "--prefixe", "690011", "--nom", "Lyon"), "sector.prefix",
         "1 à 5 chiffres", "Secteur 690011"),
    Case("secteur-nom-vide", ("secteur", "ajouter", "--prefixe", "13", "--nom", ""), "sector.name",
         "Le nom du secteur est obligatoire", "Secteur 13"),
    Case("secteur-nom-61", ("secteur", "ajouter", "--prefixe", "13", "--nom", "S" * 61), "sector.name",
         "Le nom du secteur dépasse", "Secteur 13"),
    Case("secteur-doublon", ("secteur", "ajouter", "--prefixe", "69", "--nom", "Lyon bis"), "sector.duplicate",
         "le début de code postal 69 est déjà affecté", "Secteur 69"),
    # ---- paramètres
    Case("param-iban", ("parametres", "modifier", "iban", "FR76 3000 6000 0112 3456 7890 188"), "param.value",
         "L'IBAN « FR76 3000 6000 0112 3456 7890 188 » est invalide", "(iban)"),
    Case("param-bic", ("parametres", "modifier", "bic", "AGRI"), "param.value", "Le BIC « AGRI »", "(bic)"),
    Case("param-siret-cle", ("parametres", "modifier", "siret", "73282932000075"), "param.value",
         "clé de contrôle fausse", "(siret)"),
    Case("param-siret-siren", ("parametres", "modifier", "siret", "732829320"), "param.value",
         "doit compter 14 chiffres", "(siret)"),
    Case("param-tva", ("parametres", "modifier", "tva_intra", "FR00732829320"), "param.value",
         "Le n° de TVA intracommunautaire « FR00732829320 » est invalide", "(tva_intra)"),
    Case("param-tva-autre-siren", ("parametres", "modifier", "tva_intra", OTHER_VAT), "param.value",
         "ne correspond pas au SIREN 732829320", "(tva_intra)"),
    Case("param-email", ("parametres", "modifier", "email", "contact@"), "param.value", "L'e-mail « contact@ »",
         "(email)"),
    Case("param-cp", ("parametres", "modifier", "code_postal", "6900"), "param.value", "Le code postal « 6900 »",
         "(code_postal)"),
    Case("param-tel", ("parametres", "modifier", "telephone", "12"), "param.value", "Le téléphone « 12 »",
         "(telephone)"),
    Case("param-capital-abc", ("parametres", "modifier", "capital", "abc"), "param.value", "Le capital : « abc »",
         "(capital)"),
    Case("param-capital-negatif", ("parametres", "modifier", "capital", "-1"), "param.value",
         "Le capital ne peut pas être négatif", "(capital)"),
    Case("param-validite-texte", ("parametres", "modifier", "validite_devis_jours", "trente"), "param.value",
         "« trente » doit être un nombre entier", "(validite_devis_jours)"),
    Case("param-validite-hors-limites", ("parametres", "modifier", "validite_devis_jours", "4000"), "param.value",
         "hors limites", "(validite_devis_jours)"),
    Case("param-conditions", ("parametres", "modifier", "conditions_paiement", "à réception"), "param.value",
         "ne sont pas reconnues", "(conditions_paiement)"),
    Case("param-cloture-29-02", ("parametres", "modifier", "cloture_exercice", "29/02"), "param.value",
         "« 29/02 » n'existe pas dans le calendrier", "(cloture_exercice)"),
    Case("param-cloture-texte", ("parametres", "modifier", "cloture_exercice", "décembre"), "param.value",
         "doit s'écrire JJ/MM", "(cloture_exercice)"),
    Case("param-methode", ("parametres", "modifier", "methode_fin_de_mois", "C"), "param.value",
         "« C » ne fait pas partie de la liste (A, B)", "(methode_fin_de_mois)"),
    Case("param-franchise", ("parametres", "modifier", "franchise_tva", "peut-être"), "param.value",
         "ne fait pas partie de la liste (Oui, Non)", "(franchise_tva)"),
    Case("param-taux-penalites", ("parametres", "modifier", "taux_penalites_contractuel", "60"), "param.value",
         "entre 0 et 50 %", "(taux_penalites_contractuel)"),
    Case("param-texte-501", ("parametres", "modifier", "raison_sociale", "R" * 501), "param.value",
         "dépasse la longueur permise", "(raison_sociale)"),
    Case("param-texte-retour", ("parametres", "modifier", "raison_sociale", "SYC\nChauffage"), "param.value",
         "contient un retour à la ligne", "(raison_sociale)"),
    Case("param-inconnu", ("parametres", "modifier", "couleur", "bleu"), "param.unknown",
         "Paramètre « couleur » inconnu", "Paramètres"),
    # ---- impossible dates: a usage error (exit 2), even on a write
    Case("au-30-fevrier", (*client(), "--au", "2026-02-30"), "usage", "« 2026-02-30 » n'existe pas dans le "
         "calendrier", "", status=2),
    Case("au-30-02-fr", ("client", "liste", "--au", "30/02/2026"), "usage", "n'existe pas dans le calendrier", "",
         status=2),
    Case("au-29-02-2026", ("article", "modifier", "CHG-25", "--pu-ht", "1", "--au", "2026-02-29"), "usage",
         "n'existe pas", "", status=2),
    Case("au-mois-13", ("parametres", "modifier", "bic", "AGRIFRPP", "--au", "2026-13-01"), "usage",
         "n'existe pas", "", status=2),
    Case("au-texte", ("secteur", "ajouter", "--prefixe", "13", "--nom", "Sud", "--au", "demain"), "usage",
         "« demain » n'est pas une date", "", status=2),
    Case("options-manquantes", ("article", "ajouter", "--code", "X"), "usage", "arguments obligatoires manquants",
         "", status=2),
    # ---- workbook-level refusals
    Case("init-existe", ("init", "--demo"), "init.exists", "existe déjà", "SYC_Gestion.xlsm"),
    Case("restaurer-aucune", ("sauvegardes", "restaurer", "1"), "backup.unknown", "Sauvegarde n° 1 introuvable",
         "sauvegardes"),
]


def _check_refusal(run: Run, case: Case, mode: str) -> None:
    assert run.code == case.status, run.out + run.err
    if mode == "json":
        data = run.json
        assert data["ok"] is False and set(data) == {"version", "action", "ok", "erreurs"}
        err = data["erreurs"][0]
        assert set(err) == {"code", "message", "ou"}
        assert err["code"] == case.code, err
        assert _said(case.words, err["message"]), err["message"]
        assert case.ou in (err["ou"] or ""), err
        if case.status == 1:
            assert err["ou"], err
        message = "\n".join(e["message"] for e in data["erreurs"])
        assert run.err == ""
    else:
        assert run.out == ""
        assert run.err.startswith("Erreur : ")
        assert _said(case.words, run.err), run.err
        message = run.err
    assert not ENGLISH.search(message), message


def _said(words: str, message: str) -> bool:
    """The words appear in the message (a field message is lower-cased after « Client … : »)."""
    return words in message or (words[:1].lower() + words[1:]) in message


@pytest.mark.parametrize("mode", ["texte", "json"])
@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.id)
def test_refused_leaves_the_workbook_untouched(capsys, book, case, mode):
    before = snapshot(book)
    run = syc(capsys, *case.argv, *(["--json"] if mode == "json" else []), book=book)
    _check_refusal(run, case, mode)
    assert snapshot(book) == before


@pytest.mark.parametrize("argv, words", [
    ((*client(ville=None), "--ville", "-2+3"), None),
    ((*article(pu_ht=None), "--pu-ht", "-5,50"), "ne peut pas être négatif"),
], ids=["ville-formule", "prix-negatif-virgule"])
def test_values_starting_with_a_dash_without_equal_sign(capsys, book, argv, words):
    run = syc(capsys, *argv, book=book)
    assert run.code == (0 if words is None else 1), run.err
    assert words is None or _said(words, run.err)


def test_all_errors_are_reported_at_once(capsys, book):
    before = snapshot(book)
    run = syc(capsys, *client(nom="", cp="6900", email="x@", tel="12"), "--json", book=book)
    assert run.code == 1
    codes = [e["code"] for e in run.json["erreurs"]]
    assert codes == ["client.name", "client.postcode", "client.phone", "client.email"]
    assert snapshot(book) == before


# --------------------------------------------------------------------------- the file itself
def _text_file(book: Path) -> None:
    book.write_text("Ceci n'est pas un classeur.\n", encoding="utf-8")


def _empty_file(book: Path) -> None:
    book.write_bytes(b"")


def _plain_zip(book: Path) -> None:
    book.unlink()
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("LISEZMOI.txt", "une archive, pas un classeur")


def _truncated(book: Path) -> None:
    book.write_bytes(book.read_bytes()[:5000])


def _excel_lock(book: Path) -> None:
    (book.parent / f"~${book.name}").write_bytes(b"\x0bJean Dupont" + b" " * 40)


def _libreoffice_lock(book: Path) -> None:
    (book.parent / f".~lock.{book.name}#").write_text("Jean Dupont,jean,poste,27.11.2026 10:00,file://;",
                                                      encoding="utf-8")


def _locked_with_backup(book: Path) -> None:
    assert main(["parametres", "modifier", "site_web", "https://syc.example", "--book", str(book)]) == 0
    _excel_lock(book)


def _missing(book: Path) -> None:
    book.unlink()


NOT_A_BOOK = {"texte": _text_file, "vide": _empty_file, "zip": _plain_zip, "tronque": _truncated}
LOCKS = {"excel": _excel_lock, "libreoffice": _libreoffice_lock}
READS = {"liste": ("client", "liste"), "verifier": ("verifier",), "parametres": ("parametres", "voir"),
         "migrer": ("migrer",), "migrer-simuler": ("migrer", "--simuler")}
WRITES = {
    "client": ("client", "ajouter", *_options(CLIENT, {})),
    "client-modifier": ("client", "modifier", "C00001", "--tel", "0478000000"),
    "article": ("article", "ajouter", *_options(ARTICLE, {})),
    "article-modifier": ("article", "modifier", "CHG-25", "--pu-ht", "3300"),
    "secteur": ("secteur", "ajouter", "--prefixe", "13", "--nom", "Bouches-du-Rhône"),
    "parametre": ("parametres", "modifier", "site_web", "https://syc.example"),
}

FILE_CASES: list[tuple[str, Callable[[Path], None], tuple[str, ...], str, str]] = []
for _name, _setup in NOT_A_BOOK.items():
    for _cmd, _argv in {**READS, **WRITES}.items():
        FILE_CASES.append((f"{_name}-{_cmd}", _setup, _argv, "store.notbook", "n'est pas un classeur Excel"))
for _name, _setup in LOCKS.items():
    for _cmd, _argv in WRITES.items():
        FILE_CASES.append((f"verrou-{_name}-{_cmd}", _setup, _argv, "store.open", "est ouvert dans Excel ou "
                                                                                  "LibreOffice"))
FILE_CASES += [
    ("verrou-restaurer", _locked_with_backup, ("sauvegardes", "restaurer", "1"), "store.open", "est ouvert"),
    ("verrou-init-force", _excel_lock, ("init", "--force"), "store.open", "est ouvert"),
]
for _cmd, _argv in {**READS, **WRITES}.items():
    FILE_CASES.append((f"absent-{_cmd}", _missing, _argv, "store.missing", "« {book} » est introuvable"))


@pytest.mark.parametrize("mode", ["texte", "json"])
@pytest.mark.parametrize("name, setup, argv, code, words", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_refused_file(capsys, book, name, setup, argv, code, words, mode):
    setup(book)
    capsys.readouterr()
    before = snapshot(book)
    run = syc(capsys, *argv, *(["--json"] if mode == "json" else []), book=book)
    words = words.format(book=book)
    assert run.code == 1, run.out + run.err
    if mode == "json":
        err = run.json["erreurs"][0]
        assert run.json["ok"] is False and err["code"] == code and _said(words, err["message"]), err
        assert err["ou"] in (str(book), book.name), err
        message = err["message"]
    else:
        assert run.out == "" and run.err.startswith("Erreur : ") and _said(words, run.err), run.err
        message = run.err
    if code != "store.notbook":  # see test_not_a_workbook_message_is_all_french
        assert not ENGLISH.search(message), message
    assert snapshot(book) == before
    if code == "store.missing":
        assert not book.exists() and not (book.parent / "sauvegardes").exists()


@pytest.mark.parametrize("setup", [_text_file, _empty_file], ids=["texte", "vide"])
def test_not_a_workbook_message_is_all_french(capsys, book, setup):
    setup(book)
    run = syc(capsys, "client", "liste", book=book)
    assert run.code == 1 and not ENGLISH.search(run.err), run.err


def test_zip_with_broken_workbook_xml_is_refused(capsys, book):
    book.unlink()
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "pas du XML")
    before = snapshot(book)
    run = syc(capsys, "client", "liste", "--json", book=book)
    assert run.code == 1 and run.json["erreurs"][0]["code"] == "store.notbook"
    assert snapshot(book) == before


def test_a_folder_is_not_a_workbook(capsys, tmp_path):
    folder = tmp_path / "dossier.xlsm"
    folder.mkdir()
    run = syc(capsys, "client", "liste", "--json", book=folder)
    assert run.code == 1 and run.json["erreurs"][0]["code"] == "store.notbook"


def test_init_with_another_extension_creates_nothing(capsys, tmp_path):
    run = syc(capsys, "init", "--json", book=tmp_path / "SYC_Gestion.xlsx")
    assert run.code == 1 and run.json["erreurs"][0]["code"] == "init.suffix"
    assert list(tmp_path.iterdir()) == []


def test_restore_from_a_file_that_is_not_a_workbook(capsys, book, tmp_path):
    bad = tmp_path / "faux.xlsm"
    _text_file(bad)
    before = snapshot(book)
    run = syc(capsys, "sauvegardes", "restaurer", str(bad), "--json", book=book)
    assert run.code == 1 and run.json["erreurs"][0]["code"] in ("backup.bad", "store.notbook")
    assert snapshot(book) == before


def test_reading_is_allowed_while_the_workbook_is_open(capsys, book):
    _excel_lock(book)
    run = syc(capsys, "client", "liste", book=book)
    assert run.code == 0 and "C00002" in run.out


# --------------------------------------------------------------------------- accepted boundaries
@dataclass(frozen=True)
class Ok:
    id: str
    argv: tuple[str, ...]
    kind: str  # client | article | secteur | parametre: what to read back
    key: str
    expected: str
    ref: str = ""  # code of the record to read back (default: the one created)


ACCEPTED = [
    Ok("client-nom-100", client(nom="N" * 100), "client", "name", "N" * 100),
    Ok("client-prenom-60", client(prenom="P" * 60), "client", "first_name", "P" * 60),
    Ok("client-ville-60", client(ville="V" * 60), "client", "city", "V" * 60),
    Ok("client-remarques-1000", client(remarques="R" * 1000), "client", "notes", "R" * 1000),
    Ok("client-remarques-lignes", client(remarques="ligne 1\r\nligne 2\tfin"), "client", "notes",
       "ligne 1\nligne 2\tfin"),
    Ok("client-cp-01000", client(cp="01000"), "client", "postcode", "01000"),
    Ok("client-cp-20000", client(cp="20000"), "client", "postcode", "20000"),
    Ok("client-cp-97400", client(cp="97400"), "client", "postcode", "97400"),
    Ok("client-tel-+33", client(tel="+33 6 12 34 56 78"), "client", "phone", "06 12 34 56 78"),
    Ok("client-tel-+33(0)", client(tel="+33 (0)4 72 00 00 00"), "client", "phone", "04 72 00 00 00"),
    Ok("client-tel-points", client(tel="04.72.00.00.01"), "client", "phone", "04 72 00 00 01"),
    Ok("client-etranger", client(pays="Belgique", cp="1000", ville="Bruxelles", tel="+32 2 123 45 67"), "client",
       "postcode", "1000"),
    Ok("client-email", client(email="prenom.nom+devis@example.fr"), "client", "email",
       "prenom.nom+devis@example.fr"),
    Ok("client-type-majuscules", client(type="PARTICULIER"), "client", "kind", "Particulier"),
    Ok("client-formule-egal", client(nom="=cmd|' /C calc'!A0"), "client", "name", "=cmd|' /C calc'!A0"),
    Ok("client-formule-plus", client(nom="+1+1"), "client", "name", "+1+1"),
    Ok("client-formule-arobase", client(nom="@SUM(A1)"), "client", "name", "@SUM(A1)"),
    Ok("client-formule-moins", client(nom="-2+3"), "client", "name", "-2+3"),
    Ok("client-balises", client(nom='Dupont & Fils <SARL> "l\'Étang"'), "client", "name",
       'Dupont & Fils <SARL> "l\'Étang"'),
    Ok("client-apostrophe-typo", client(nom="L’Œuvre d’Éloïse"), "client", "name", "L’Œuvre d’Éloïse"),
    Ok("client-particulier-90-jours", client(conditions="90 jours nets"), "client", "terms", "90 jours nets"),
    Ok("pro-siren-9", pro(siret="552 100 554"), "client", "siret", "552100554"),
    Ok("pro-siret-14", pro(siret="552 100 554 00005"), "client", "siret", OTHER_SIRET),
    Ok("pro-tva", pro(**{"tva-intra": "fr 96 552 100 554"}), "client", "vat_number", OTHER_VAT),
    Ok("pro-60-jours-nets", pro(conditions="60 jours nets"), "client", "terms", "60 jours nets"),
    Ok("pro-45-jours-fdm", pro(conditions="45 JOURS FIN DE MOIS"), "client", "terms", "45 jours fin de mois"),
    Ok("pro-categorie", pro(categorie="commercant-artisan"), "client", "category", "Commerçant-artisan"),
    Ok("article-prix-0", article(pu_ht="0"), "article", "unit_price", "0.00"),
    Ok("article-prix-0,00", article(pu_ht="0,00"), "article", "unit_price", "0.00"),
    Ok("article-prix-virgule", article(pu_ht="3221,29"), "article", "unit_price", "3221.29"),
    Ok("article-prix-point", article(pu_ht="3221.29"), "article", "unit_price", "3221.29"),
    Ok("article-prix-espaces", article(pu_ht="3 221,29 €"), "article", "unit_price", "3221.29"),
    Ok("article-prix-1-decimale", article(pu_ht="12,5"), "article", "unit_price", "12.50"),
    Ok("article-prix-max", article(pu_ht="999999999,99"), "article", "unit_price", "999999999.99"),
    Ok("article-achat-0", article(prix_achat="0"), "article", "purchase_price", "0.00"),
    Ok("article-tva-5,5", article(tva="5,5"), "article", "vat_rate", "5.5"),
    Ok("article-tva-5.5", article(tva="5.5"), "article", "vat_rate", "5.5"),
    Ok("article-tva-5,5%", article(tva="5,5 %"), "article", "vat_rate", "5.5"),
    Ok("article-tva-5.5%", article(tva="5.5%"), "article", "vat_rate", "5.5"),
    Ok("article-tva-2,1", article(tva="2,1"), "article", "vat_rate", "2.1"),
    Ok("article-tva-10", article(tva="10"), "article", "vat_rate", "10"),
    Ok("article-tva-0", article(tva="0"), "article", "vat_rate", "0"),
    Ok("article-code-20", article(code="A" * 20), "article", "code", "A" * 20),
    Ok("article-designation-200", article(designation="D" * 200), "article", "designation", "D" * 200),
    Ok("article-designation-formule", article(designation="=1+1"), "article", "designation", "=1+1"),
    Ok("article-famille-mo", article(famille="main-d'oeuvre", unite="h"), "article", "family", "Main-d'œuvre"),
    Ok("article-modifier-tva-20", ("article", "modifier", "ENT-CHG", "--tva", "20"), "article", "vat_rate", "20",
       ref="ENT-CHG"),
    Ok("article-modifier-prix-0", ("article", "modifier", "CHG-25", "--pu-ht", "0"), "article", "unit_price",
       "0.00", ref="CHG-25"),
    Ok("secteur-nom-60", ("secteur", "ajouter", "--prefixe", "13", "--nom", "S" * 60), "secteur", "13", "S" * 60),
    Ok("secteur-prefixe-5", ("secteur", "ajouter", "--prefixe", "13001", "--nom", "Marseille 1er"), "secteur",
       "13001", "Marseille 1er"),
    Ok("param-iban", ("parametres", "modifier", "iban", "fr14 2004 1010 0505 0001 3m02 606"), "parametre", "iban",
       "FR14 2004 1010 0505 0001 3M02 606"),
    Ok("param-siret-espaces", ("parametres", "modifier", "siret", "552 100 554 00005"), "parametre", "siret",
       OTHER_SIRET),
    Ok("param-capital-virgule", ("parametres", "modifier", "capital", "7 500,50"), "parametre", "capital",
       "7500,50"),
    Ok("param-texte-500", ("parametres", "modifier", "raison_sociale", "R" * 500), "parametre", "raison_sociale",
       "R" * 500),
    Ok("param-texte-formule", ("parametres", "modifier", "nom_commercial", "=HYPERLINK(\"x\")"), "parametre",
       "nom_commercial", "=HYPERLINK(\"x\")"),
    Ok("param-cloture", ("parametres", "modifier", "cloture_exercice", "30/6"), "parametre", "cloture_exercice",
       "30/06"),
    Ok("param-taux", ("parametres", "modifier", "taux_penalites_contractuel", "12,5 %"), "parametre",
       "taux_penalites_contractuel", "12,5"),
    Ok("param-vide", ("parametres", "modifier", "nom_commercial", ""), "parametre", "nom_commercial", ""),
]


def _read_back(capsys, book: Path, case: Ok, created: dict[str, Any]) -> str:
    if case.kind == "client":
        code = case.ref or created["code"]
        assert main(["client", "voir", code, "--json", "--book", str(book)]) == 0
        return json.loads(capsys.readouterr().out)["client"][contract.key(case.key)] or ""
    if case.kind == "article":
        code = case.ref or created["code"]
        assert main(["article", "voir", code, "--json", "--book", str(book)]) == 0
        return json.loads(capsys.readouterr().out)["article"][contract.key(case.key)] or ""
    if case.kind == "secteur":
        assert main(["secteur", "liste", "--json", "--book", str(book)]) == 0
        sectors = json.loads(capsys.readouterr().out)["secteurs"]
        return next(s["secteur"] for s in sectors if s["prefixe"] == case.key)
    assert main(["parametres", "voir", "--json", "--book", str(book)]) == 0
    return next(p["valeur"] or "" for p in json.loads(capsys.readouterr().out)["parametres"] if p["code"] == case.key)


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.id)
def test_accepted_boundary_is_written_and_read_back(capsys, book, case):
    before = book.read_bytes()
    run = syc(capsys, *case.argv, "--json", book=book)
    assert run.code == 0, run.out + run.err
    data = run.json
    assert data["ok"] is True
    assert _read_back(capsys, book, case, data) == case.expected
    if case.kind == "parametre" and case.key == "nom_commercial" and case.expected == "":
        assert book.read_bytes() == before  # already empty: nothing to write
    else:
        assert book.read_bytes() != before
        assert len(snapshot(book)[2]) == 1  # one backup per write
    ooxml_valid(book)


def test_several_writes_in_a_row_stay_valid(capsys, book):
    for case in ACCEPTED[:12]:
        assert syc(capsys, *case.argv, book=book).code == 0
    run = syc(capsys, "verifier", book=book)
    assert run.code == 0, run.err
    ooxml_valid(book)
    assert main(["client", "liste", "--json", "--book", str(book)]) == 0
    codes = [c["code"] for c in json.loads(capsys.readouterr().out)["clients"]]
    assert codes == [f"C{n:05d}" for n in range(1, 16)]
