"""The `syc` command contract (pyxl/cli/__init__.py): subcommands, --book/--au/--json on every
one, exit status 0 done / 1 refused / 2 usage error, JSON shape, French help and messages, client
codes, text kept as data. In-process through `pyxl.cli.main` (fast), plus real runs of the
console script for the exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pyxl.cli import contract, main

DAY = "2026-11-27"
SIRET = "73282932000074"
OTHER_SIRET = "55210055400005"
HERE = Path(__file__).parent

# English that argparse (or a Python exception) would print if something was left untranslated.
ENGLISH = re.compile(r"usage:|error:|\boptions:|positional arguments|optional arguments|the following arguments|"
                     r"show this help|required|invalid choice|unrecognized|expected one|Traceback|Errno|"
                     r"\bis not\b|\bfile\b", re.I)


# --------------------------------------------------------------------------- helpers
@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.out)


def syc(capsys: pytest.CaptureFixture[str], *args: str, book: Path | None = None) -> Run:
    argv = list(args) + (["--book", str(book)] if book is not None else [])
    code = main(argv)
    out, err = capsys.readouterr()
    return Run(code, out, err)


def ok_json(capsys: pytest.CaptureFixture[str], *args: str, book: Path | None = None) -> dict[str, Any]:
    r = syc(capsys, *args, "--json", book=book)
    assert r.code == 0, r.out + r.err
    data = r.json
    assert data["ok"] is True and isinstance(data["avertissements"], list)
    return data


def backups_of(book: Path) -> list[str]:
    d = book.parent / "sauvegardes"
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


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


@pytest.fixture(scope="module")
def blank_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("blank") / "SYC_Gestion.xlsm"
    assert main(["init", "--book", str(book), "--au", DAY]) == 0
    return book


@pytest.fixture
def book(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def blank(blank_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(blank_template, target)
    return target


CLIENT_FIELDS = {"nom": "Durand", "prenom": "Paul", "type": "particulier", "adresse": "3 place Bellecour",
                 "cp": "69002", "ville": "Lyon"}


def client(**over: str | None) -> list[str]:
    """`client ajouter` with valid values, some replaced (None leaves the option out)."""
    argv = ["client", "ajouter"]
    for key, value in {**CLIENT_FIELDS, **over}.items():
        if value is not None:
            argv += [f"--{key.replace('_', '-')}", value]
    return argv


CLIENT = client()


# --------------------------------------------------------------------------- help and usage
COMMAND_PATHS = [
    [], ["init"], ["parametres"], ["parametres", "voir"], ["parametres", "modifier"], ["secteur"],
    ["secteur", "ajouter"], ["secteur", "liste"], ["client"], ["client", "ajouter"], ["client", "liste"],
    ["client", "voir"], ["client", "modifier"], ["article"], ["article", "ajouter"], ["article", "liste"],
    ["article", "voir"], ["article", "modifier"], ["verifier"], ["sauvegardes"], ["sauvegardes", "liste"],
    ["sauvegardes", "restaurer"], ["migrer"],
]


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "syc")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_french_and_lists_common_options(capsys, path, flag):
    r = syc(capsys, *path, flag)
    assert r.code == 0
    assert r.out.startswith("usage : syc")
    assert not ENGLISH.search(r.out), r.out
    assert "options :" in r.out and "afficher cette aide et quitter" in r.out
    for option in ("--book FICHIER", "--au AAAA-MM-JJ", "--json"):
        assert option in r.out


def test_no_argument_prints_help_and_is_a_usage_error(capsys):
    r = syc(capsys)
    assert r.code == 2
    assert r.out.startswith("usage : syc") and "commandes :" in r.out


@pytest.mark.parametrize("argv, words", [
    (["bidule"], "choix inconnu : « bidule »"),
    (["client", "bidule"], "choix inconnu : « bidule »"),
    (["client"], "précisez une action"),
    (["sauvegardes"], "précisez une action"),
    (["client", "ajouter", "--nom", "X"], "arguments obligatoires manquants : --type, --adresse, --cp, --ville"),
    (["client", "voir"], "arguments obligatoires manquants : CODE"),
    (["parametres", "modifier", "iban"], "arguments obligatoires manquants : VALEUR"),
    (["client", "liste", "--inconnue"], "arguments non reconnus : --inconnue"),
    (["client", "liste", "en-trop"], "arguments non reconnus : en-trop"),
    (["client", "ajouter", "--nom"], "argument --nom : une valeur est attendue"),
    (["client", "liste", "--au", "2026-02-30"], "« 2026-02-30 » n'existe pas dans le calendrier"),
    (["--au", "30/02/2026", "client", "liste"], "« 30/02/2026 » n'existe pas dans le calendrier"),
    (["client", "liste", "--au", "demain"], "« demain » n'est pas une date"),
])
def test_usage_errors_exit_2_in_french(capsys, book, argv, words):
    r = syc(capsys, *argv, book=book)
    assert r.code == 2
    assert r.out == ""
    assert r.err.startswith("Erreur : syc") and words in r.err
    assert not ENGLISH.search(r.err), r.err
    j = syc(capsys, *argv, "--json", book=book)
    assert j.code == 2
    data = j.json
    assert data["ok"] is False
    assert data["erreurs"][0]["code"] == "usage" and words in data["erreurs"][0]["message"]


# --------------------------------------------------------------------------- --book, --au, --json
def test_book_defaults_to_the_current_folder(capsys, book, monkeypatch):
    monkeypatch.delenv("SYC_BOOK", raising=False)
    monkeypatch.chdir(book.parent)
    assert syc(capsys, "client", "voir", "C00001").code == 0
    monkeypatch.chdir(book.parent.parent)
    r = syc(capsys, "client", "liste")
    assert r.code == 1 and "« SYC_Gestion.xlsm » est introuvable" in r.err


def test_book_from_environment_then_option(capsys, book, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)
    monkeypatch.setenv("SYC_BOOK", str(book))
    assert "C00002" in syc(capsys, "client", "liste").out
    other = tmp_path / "autre" / "Autre.xlsm"
    assert syc(capsys, "init", "--book", str(other)).code == 0
    r = syc(capsys, "client", "liste", book=other)  # --book wins over $SYC_BOOK
    assert r.code == 0 and "Aucun client" in r.out
    # the option is accepted before or after the subcommand
    assert main(["--book", str(other), "--json", "client", "liste"]) == 0
    assert json.loads(capsys.readouterr().out)["clients"] == []


def test_au_is_the_day_of_the_action(capsys, book):
    data = ok_json(capsys, *CLIENT, "--au", "2026-03-15", book=book)
    assert data["client"]["cree_le"] == "2026-03-15"
    data = ok_json(capsys, *client(nom="Martin"), "--au", "16/03/2026", book=book)
    assert data["client"]["cree_le"] == "2026-03-16"


def test_every_subcommand_accepts_the_common_options(capsys, book):
    for argv in (["parametres", "voir"], ["secteur", "liste"], ["client", "liste"], ["client", "voir", "C00001"],
                 ["article", "liste"], ["article", "voir", "DEP"], ["verifier"], ["sauvegardes", "liste"]):
        r = syc(capsys, *argv, "--au", DAY, "--json", book=book)
        assert r.code == 0, (argv, r.err)
        assert r.json["ok"] is True


# --------------------------------------------------------------------------- init
def test_init_blank_then_refused_then_forced(capsys, tmp_path):
    book = tmp_path / "dossier" / "SYC_Gestion.xlsm"
    data = ok_json(capsys, "init", book=book)
    assert data == {"version": contract.VERSION, "action": "init", "ok": True, "classeur": str(book), "demo": False,
                    "message": data["message"], "avertissements": [], "fichiers_dans": str(book.parent)}
    assert "Classeur vierge créé" in data["message"]
    ooxml_valid(book)
    assert "Aucun client" in syc(capsys, "client", "liste", book=book).out
    before = book.read_bytes()
    r = syc(capsys, "init", "--demo", book=book)
    assert r.code == 1 and "existe déjà" in r.err and "--force" in r.err
    assert book.read_bytes() == before and backups_of(book) == []
    r = syc(capsys, "init", "--demo", "--force", book=book)
    assert r.code == 0 and "données d'exemple" in r.out
    assert len(backups_of(book)) == 1
    assert (book.parent / "sauvegardes" / backups_of(book)[0]).read_bytes() == before
    assert "C00003" in syc(capsys, "client", "liste", book=book).out


def test_init_refuses_another_extension(capsys, tmp_path):
    r = syc(capsys, "init", "--json", book=tmp_path / "classeur.xlsx")
    assert r.code == 1
    err = r.json["erreurs"][0]
    assert err["code"] == "init.suffix" and ".xlsm" in err["message"]
    assert list(tmp_path.iterdir()) == []


def test_demo_workbook_is_valid_and_verified(capsys, book):
    ooxml_valid(book)
    data = ok_json(capsys, "verifier", book=book)
    assert data["journal"] == 0 and "Aucune anomalie" in data["message"]
    r = syc(capsys, "verifier", book=book)
    assert r.code == 0 and r.out.startswith("Aucune anomalie")


# --------------------------------------------------------------------------- parametres
def test_parametres_voir_and_modifier(capsys, book):
    items = {i["code"]: i for i in ok_json(capsys, "parametres", "voir", book=book)["parametres"]}
    assert items["raison_sociale"]["valeur"] == "SYC Chauffage"
    assert items["siret"]["parametre"] == "SIRET"
    data = ok_json(capsys, "parametres", "modifier", "iban", "fr76 3000 6000 0112 3456 7890 189", book=book)
    assert data["valeur"] == "FR76 3000 6000 0112 3456 7890 189"
    data = ok_json(capsys, "parametres", "modifier", "capital", "20 000,50", book=book)
    assert data["valeur"] == "20000,50"
    data = ok_json(capsys, "parametres", "modifier", "nom_commercial", "", book=book)
    assert data["valeur"] is None
    r = syc(capsys, "parametres", "modifier", "NOM_COMMERCIAL", "Chauffage & Fils", book=book)
    assert r.code == 0 and r.out.startswith("Paramètre « Nom commercial » : Chauffage & Fils")
    r = syc(capsys, "parametres", "voir", book=book)
    assert r.code == 0 and re.search(r"^nom_commercial\s+Nom commercial\s+Chauffage & Fils$", r.out, re.M)
    ooxml_valid(book)


# --------------------------------------------------------------------------- secteurs
def test_secteur_ajouter_liste_and_client_sector(capsys, book):
    assert ok_json(capsys, "secteur", "ajouter", "--prefixe", "6900", "--nom", "Lyon centre", book=book) == {
        "version": contract.VERSION, "action": "secteur ajouter", "ok": True, "prefixe": "6900", "secteur": "Lyon centre",
        "message": "Secteur « Lyon centre » ajouté pour les codes postaux commençant par 6900. "
                   "1 client rattaché à ce secteur.",
        "clients_rattaches": 1, "avertissements": []}
    # the demo's C00001 (69002 Lyon) moved from « Lyon et Rhône » to the longer prefix
    assert ok_json(capsys, "client", "voir", "C00001", book=book)["client"]["secteur"] == "Lyon centre"
    sectors = ok_json(capsys, "secteur", "liste", book=book)["secteurs"]
    assert [s["prefixe"] for s in sectors] == ["01", "38", "42", "69", "6900"]
    # the longest prefix wins
    assert ok_json(capsys, *CLIENT, book=book)["client"]["secteur"] == "Lyon centre"
    data = ok_json(capsys, *client(nom="Ailleurs", cp="13001"), book=book)
    assert data["client"]["secteur"] is None
    assert [w["code"] for w in data["avertissements"]] == ["client.sector"]
    r = syc(capsys, "secteur", "liste", book=book)
    assert r.out.splitlines()[0].split() == ["Début", "CP", "Secteur", "Remarques"]
    ooxml_valid(book)


def test_secteur_liste_empty(capsys, blank):
    r = syc(capsys, "secteur", "liste", book=blank)
    assert r.code == 0 and r.out.startswith("Aucun secteur.")


# --------------------------------------------------------------------------- clients
def test_client_codes_follow_each_other(capsys, blank):
    codes = [ok_json(capsys, *client(nom=f"Client {i}"), book=blank)["code"] for i in range(3)]
    assert codes == ["C00001", "C00002", "C00003"]
    r = syc(capsys, *client(nom="Client 4"), book=blank)
    assert r.code == 0 and r.out.startswith("Client C00004 créé : Client 4 Paul.")
    listing = ok_json(capsys, "client", "liste", book=blank)["clients"]
    assert [c["code"] for c in listing] == ["C00001", "C00002", "C00003", "C00004"]
    ooxml_valid(blank)


def test_client_codes_continue_after_the_demo(capsys, book):
    assert ok_json(capsys, *CLIENT, book=book)["code"] == "C00004"


def test_business_client_needs_a_valid_siren_or_siret(capsys, book):
    pro = ["client", "ajouter", "--nom", "Chauffage Martin SAS", "--type", "professionnel",
           "--adresse", "1 rue du Port", "--cp", "01000", "--ville", "Bourg-en-Bresse"]
    r = syc(capsys, *pro, "--json", book=book)
    assert r.code == 1 and r.json["erreurs"][0]["code"] == "client.siret"
    assert "obligatoire pour un client professionnel" in r.json["erreurs"][0]["message"]
    data = ok_json(capsys, *pro, "--siret", "552 100 554", book=book)
    # an SAS is commercial by its form (L210-1 C. com.): its category follows
    assert data["client"]["siret"] == "552100554" and data["client"]["categorie"] == "Commerçant-artisan"
    data = ok_json(capsys, *pro[:3], "Autre SAS", *pro[4:], "--siret", OTHER_SIRET, "--tva-intra", "FR96552100554",
                   "--conditions", "60 jours nets", book=book)
    assert data["client"]["siret"] == OTHER_SIRET and data["client"]["tva_intracommunautaire"] == "FR96552100554"
    assert data["client"]["conditions_paiement"] == "60 jours nets"
    # the SIREN of the first one: the same company, a warning
    assert [w["code"] for w in data["avertissements"]] == ["client.duplicate"]
    assert "même entreprise (SIREN 552100554)" in data["avertissements"][0]["message"]
    # the same SIRET twice: a warning, not a refusal
    data = ok_json(capsys, *pro[:3], "Autre SAS, agence 2", *pro[4:], "--siret", OTHER_SIRET, book=book)
    messages = " | ".join(w["message"] for w in data["avertissements"] if w["code"] == "client.duplicate")
    assert len(data["avertissements"]) == 2 and data["code"] == "C00006"
    assert "le client C00004 (Clients, ligne 5) est la même entreprise" in messages
    assert f"le SIRET {OTHER_SIRET} est déjà celui du client C00005" in messages


@pytest.mark.parametrize("terms, accepted", [
    ("60 jours nets", True), ("61 jours nets", False), ("45 jours fin de mois", True),
    ("46 jours fin de mois", False), ("comptant", True),
])
def test_business_terms_legal_caps(capsys, book, terms, accepted):
    r = syc(capsys, "client", "ajouter", "--nom", "Pro", "--type", "pro", "--siret", SIRET, "--adresse", "a",
            "--cp", "69001", "--ville", "Lyon", "--conditions", terms, "--json", book=book)
    assert (r.code == 0) is accepted
    if not accepted:
        err = r.json["erreurs"][0]
        assert err["code"] == "client.terms_cap" and "plafond légal" in err["message"]


def test_private_client_terms_are_not_capped(capsys, book):
    assert ok_json(capsys, *CLIENT, "--conditions", "90 jours nets", book=book)["client"]["conditions_paiement"] == "90 jours nets"


def test_duplicates_are_warned_not_refused(capsys, book):
    dup = ["client", "ajouter", "--nom", "Dupont", "--prenom", "jean", "--type", "particulier",
           "--adresse", "ailleurs", "--cp", "69002", "--ville", "Lyon"]
    data = ok_json(capsys, *dup, book=book)
    assert data["code"] == "C00004"
    (w,) = data["avertissements"]
    assert w["code"] == "client.duplicate" and "C00001" in w["message"] and w["ou"]
    r = syc(capsys, *dup, book=book)
    assert r.code == 0 and "Attention : " in r.out and "doublon" in r.out
    data = ok_json(capsys, *CLIENT, "--email", "JEAN.DUPONT@example.fr", book=book)
    assert [w["code"] for w in data["avertissements"]] == ["client.duplicate"]


def test_client_liste_voir_modifier(capsys, book):
    r = syc(capsys, "client", "liste", book=book)
    assert r.code == 0 and r.out.splitlines()[0].split()[:3] == ["Code", "Nom", "Type"]
    assert r.out.rstrip().endswith("3 clients.")
    found = ok_json(capsys, "client", "liste", "--recherche", "etang", book=book)["clients"]
    assert [c["code"] for c in found] == ["C00002"]
    r = syc(capsys, "client", "liste", "--recherche", "zzz", book=book)
    assert r.out.startswith("Aucun client ne correspond à « zzz ».")
    r = syc(capsys, "client", "voir", "c00001", book=book)
    assert r.code == 0 and re.search(r"^Nom / raison sociale\s+DUPONT$", r.out, re.M)
    assert re.search(r"^Créé le\s+27/11/2026$", r.out, re.M)
    data = ok_json(capsys, "client", "modifier", "C00001", "--tel", "+33 4 78 00 00 02", "--cp", "38200",
                   book=book)
    assert data["modifie"] == ["Code postal", "Téléphone", "Secteur"]
    client = ok_json(capsys, "client", "voir", "C00001", book=book)
    assert client["ou"] == "Clients, ligne 2"
    assert client["client"]["telephone"] == "04 78 00 00 02" and client["client"]["secteur"] == "Isère"
    r = syc(capsys, "client", "modifier", "C00001", "--tel", "04 78 00 00 02", book=book)
    assert r.code == 0 and "aucune valeur n'a changé" in r.out
    ooxml_valid(book)


# --------------------------------------------------------------------------- articles
def test_article_ajouter_with_decimal_comma_and_json_amounts(capsys, book):
    data = ok_json(capsys, "article", "ajouter", "--code", "CHG-30", "--designation", "Chaudière 30 kW",
                   "--unite", "u", "--pu-ht", "3 221,29", "--tva", "5,5", "--prix-achat", "2150,5",
                   "--famille", "materiel", book=book)
    assert data["article"]["prix_unitaire_ht"] == "3221.29"
    assert data["article"]["prix_achat_ht"] == "2150.50"
    assert data["article"]["taux_tva"] == "5.5"
    article = ok_json(capsys, "article", "voir", "chg-30", book=book)["article"]
    assert article == {"code": "CHG-30", "designation": "Chaudière 30 kW", "unite": "u",
                       "prix_unitaire_ht": "3221.29", "taux_tva": "5.5", "prix_achat_ht": "2150.50",
                       "famille": "Matériel", "categorie": None, "actif": "Oui"}
    for a in ok_json(capsys, "article", "liste", book=book)["articles"]:
        assert re.fullmatch(r"\d+\.\d\d", a["prix_unitaire_ht"]), a
        assert a["prix_achat_ht"] is None or re.fullmatch(r"\d+\.\d\d", a["prix_achat_ht"]), a
    r = syc(capsys, "article", "voir", "CHG-30", book=book)
    assert re.search(r"^PU HT\s+3\u202f221,29\xa0€$", r.out, re.M), r.out
    assert re.search(r"^TVA\s+5,5 %$", r.out, re.M)
    ooxml_valid(book)


@pytest.mark.parametrize("code", ["CHG-25", "ENT-CHG", "PAC-8"])  # 20 %, 10 %, 5,5 %
def test_article_modifier_keeps_the_rate(capsys, book, code):
    """Regression: a rate read back as Decimal('2E+1') was refused as « 2E+1 » on any change."""
    before = ok_json(capsys, "article", "voir", code, book=book)["article"]
    data = ok_json(capsys, "article", "modifier", code, "--pu-ht", "1234,5", book=book)
    assert data["modifie"] == ["PU HT"]
    after = ok_json(capsys, "article", "voir", code, book=book)["article"]
    assert after == {**before, "prix_unitaire_ht": "1234.50"}
    data = ok_json(capsys, "article", "modifier", code, "--tva", "2,1", "--actif", "non", book=book)
    assert data["modifie"] == ["TVA %", "Actif"]
    ooxml_valid(book)


def test_article_liste(capsys, book):
    r = syc(capsys, "article", "liste", "--recherche", "chaudière", book=book)
    assert r.code == 0 and "CHG-25" in r.out and "ENT-CHG" in r.out and "PAC-8" not in r.out
    assert r.out.rstrip().endswith("2 articles.")


# --------------------------------------------------------------------------- text is data
SPECIAL = {
    "--nom": 'Dupont & Fils <SARL> "l\'Étang"',
    "--prenom": "=cmd|' /C calc'!A0",
    "--adresse": "+1+1",
    "--complement": "@SUM(A1)",
    "--ville": "-2+3",
    "--remarques": "L’œuvre « à façon » — ligne 1\nligne 2 ; 100 % _x0041_ ]]> &amp;",
}
KEYS = {"--nom": "name", "--prenom": "first_name", "--adresse": "address", "--complement": "address2",
        "--ville": "city", "--remarques": "notes"}


def test_text_round_trips_exactly_and_stays_inert(capsys, book):
    argv = ["client", "ajouter", "--type", "particulier", "--cp", "69003"]
    for option, value in SPECIAL.items():
        argv.append(f"{option}={value}")  # "=" form: argparse would take "-2+3" for an option
    code = ok_json(capsys, *argv, book=book)["code"]
    shown = ok_json(capsys, "client", "voir", code, book=book)
    for option, value in SPECIAL.items():
        assert shown["client"][contract.key(KEYS[option])] == value
    ooxml_valid(book)

    # read back by another reader of the file
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Clients").to_python()
    header, row = rows[0], next(r for r in rows if r[0] == code)
    from pyxl.workbook.schema import T_CLIENTS

    for option, value in SPECIAL.items():
        assert row[header.index(T_CLIENTS.column(KEYS[option]).header)] == value

    # no formula in the sheet, every text an inline string
    from lxml import etree

    from pyxl.workbook.ooxml import Package

    pkg = Package(str(book))
    part = pkg.table("tClients").sheet_part
    xml = pkg.read(part)
    pkg.close()
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    root = etree.fromstring(xml)
    assert root.findall(".//m:f", ns) == []
    rownum = int(shown["ou"].removeprefix("Clients, ligne "))
    cells = root.findall(f".//m:row[@r='{rownum}']/m:c", ns)
    texts = {}
    for c in cells:
        if c.get("t") == "inlineStr":
            texts[c.get("r")] = "".join(c.itertext())
        else:
            assert c.get("t") in (None, "n"), etree.tostring(c)
    for value in list(SPECIAL.values())[:5]:
        assert value in texts.values()


def test_accents_and_apostrophes_in_human_output(capsys, book):
    r = syc(capsys, "client", "voir", "C00002", book=book)
    assert re.search(r"^Nom / raison sociale\s+Dupont & Fils <SARL> \"l'Étang\"$", r.out, re.M)
    assert re.search(r"^Catégorie\s+Commerçant-artisan$", r.out, re.M)


# --------------------------------------------------------------------------- sauvegardes
def test_sauvegardes_liste_and_restaurer(capsys, book):
    r = syc(capsys, "sauvegardes", "liste", book=book)
    assert r.code == 0 and r.out.startswith("Aucune sauvegarde dans")
    original = book.read_bytes()
    ok_json(capsys, *CLIENT, book=book)
    listing = ok_json(capsys, "sauvegardes", "liste", book=book)["sauvegardes"]
    assert [b["n"] for b in listing] == [1]
    assert Path(listing[0]["fichier"]).read_bytes() == original
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", listing[0]["date"])
    after_add = book.read_bytes()
    # the backup predates client C00004: its number may have been given out, so --force is needed
    r = syc(capsys, "sauvegardes", "restaurer", "1", "--json", book=book)
    assert r.code == 1 and r.json["erreurs"][0]["code"] == "backup.older"
    assert "--force" in r.json["erreurs"][0]["message"]
    assert book.read_bytes() == after_add and len(backups_of(book)) == 1
    data = ok_json(capsys, "sauvegardes", "restaurer", "1", "--force", book=book)
    assert [w["code"] for w in data["avertissements"]] == ["backup.forced"]
    assert book.read_bytes() == original
    assert len(backups_of(book)) == 2  # the state before the restore is kept
    r = syc(capsys, "sauvegardes", "restaurer", "9", book=book)
    assert r.code == 1 and "Sauvegarde n° 9 introuvable" in r.err


def test_restaurer_without_step_back_needs_no_force(capsys, book):
    ok_json(capsys, "parametres", "modifier", "site_web", "https://syc.example", book=book)
    data = ok_json(capsys, "sauvegardes", "restaurer", "1", book=book)
    assert data["avertissements"] == [] and "restauré" in data["message"]
    items = {i["code"]: i["valeur"] for i in ok_json(capsys, "parametres", "voir", book=book)["parametres"]}
    assert items["site_web"] is None


# --------------------------------------------------------------------------- migrer
def test_migrer(capsys, book):
    pytest.importorskip("pyxl.workbook.migrate")
    data = ok_json(capsys, "migrer", "--simuler", book=book)
    assert data["simulation"] is True and data["etapes"] == []
    before = book.read_bytes()
    data = ok_json(capsys, "migrer", book=book)
    assert data["etapes"] == [] and "à jour" in data["message"]
    assert book.read_bytes() == before


def test_migrer_missing_book(capsys, tmp_path):
    pytest.importorskip("pyxl.workbook.migrate")
    r = syc(capsys, "migrer", book=tmp_path / "absent.xlsm")
    assert r.code == 1 and "introuvable" in r.err


# --------------------------------------------------------------------------- the console script
def _console_script() -> Path:
    script = Path(sys.executable).with_name("syc")
    if not script.exists():
        found = shutil.which("syc")
        if not found:
            pytest.skip("console script syc not installed")
        script = Path(found)
    return script


def _run(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "SYC_BOOK"}
    full_env.update(PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([str(_console_script()), *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def test_console_script_exit_codes(tmp_path):
    p = _run(["init", "--demo", "--au", DAY], tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "SYC_Gestion.xlsm").exists()
    p = _run(["client", "voir", "C00002", "--json"], tmp_path)
    assert p.returncode == 0 and json.loads(p.stdout)["client"]["nom"] == 'Dupont & Fils <SARL> "l\'Étang"'
    p = _run(["client", "voir", "C99999"], tmp_path)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.startswith("Erreur : Client « C99999 » introuvable")
    p = _run(["article", "ajouter", "--code", "X"], tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("Erreur : syc article ajouter : arguments obligatoires")
    p = _run(["--help"], tmp_path)
    assert p.returncode == 0 and p.stdout.startswith("usage : syc") and not ENGLISH.search(p.stdout)
    p = _run([], tmp_path)
    assert p.returncode == 2


def test_console_script_uses_syc_book(tmp_path):
    book = tmp_path / "ailleurs" / "Mon classeur.xlsm"
    p = _run(["init", "--book", str(book)], tmp_path)
    assert p.returncode == 0, p.stderr
    p = _run(["client", "ajouter", "--nom", "Zoé", "--type", "part", "--adresse", "a", "--cp", "69001",
              "--ville", "Lyon", "--json"], tmp_path, {"SYC_BOOK": str(book)})
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["code"] == "C00001"


# --------------------------------------------------------------------------- output encoding
def test_json_output_is_utf8_not_escaped(capsys, book):
    r = syc(capsys, "client", "voir", "C00002", "--json", book=book)
    assert "l'Étang" in r.out and "\\u00c9" not in r.out


def test_zip_members_untouched_by_a_write(capsys, book):
    """A write replaces only the parts it needs: the VBA project is copied byte for byte."""
    with zipfile.ZipFile(book) as z:
        vba = z.read("xl/vbaProject.bin")
    ok_json(capsys, *CLIENT, book=book)
    with zipfile.ZipFile(io.BytesIO(book.read_bytes())) as z:
        assert z.read("xl/vbaProject.bin") == vba
        assert z.testzip() is None
