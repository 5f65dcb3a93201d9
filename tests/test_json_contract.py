"""The `syc --json` contract (pyxl/cli/contract.py, docs/contrat-json.md): every command has its
schema, the shipped and published schema files are the declared ones, the published examples
follow them, and the README's command table names every command of the parser.

Every --json answer of the whole suite is validated against its schema by tests/conftest.py."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from pyxl.cli import build_parser, contract, schemas
from pyxl.core.issues import Issue
from pyxl.core.records import Client

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def leaves(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaves(sub, (*prefix, name))
            return
    yield prefix


COMMANDS = [" ".join(c) for c in leaves(build_parser())]


def test_every_command_has_a_schema():
    assert sorted(set(COMMANDS) - schemas.COMMANDS.keys()) == [], "a new command needs its schema (schemas.py)"
    assert sorted(schemas.COMMANDS.keys() - set(COMMANDS)) == [], "a schema for a command that no longer exists"


@pytest.mark.parametrize("folder", [schemas.PACKAGE_FOLDER, DOCS / "json" / "schemas"], ids=["paquet", "docs"])
def test_schema_files_are_the_declared_schemas(folder: Path):
    """python -m pyxl.cli.schemas pyxl/data/schemas-json docs/json/schemas writes them again."""
    written = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.schema.json")}
    assert written == {name: schemas.text(s) for name, s in schemas.all_schemas().items()}


def test_schemas_are_valid_json_schemas():
    for schema in schemas.all_schemas().values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_command_has_a_published_example_that_follows_its_schema():
    """docs/json/*.json are answers recorded by the test suite (SYC_EXEMPLES_JSON=1 pytest)."""
    missing = []
    for command in COMMANDS:
        path = DOCS / "json" / (command.replace(" ", "-") + ".json")
        if not path.exists():
            missing.append(command)
            continue
        example = json.loads(path.read_text(encoding="utf-8"))
        assert example["action"] == command and example["version"] == contract.VERSION, path
        jsonschema.validate(example, schemas.command_schema(command))
    assert missing == []


def test_contract_vocabulary_and_formats():
    data = contract.answer("client voir", {
        "client": Client(code="C00001", kind="Particulier", name="DUPONT", first_name="", created=dt.date(2026, 3, 2)),
        "montant": Decimal("1234.5"), "taux": Decimal("5.50"), "documents": ["Documents/a.pdf"]})
    client = data["client"]
    assert (client["code"], client["type"], client["nom"], client["prenom"], client["cree_le"]) == (
        "C00001", "Particulier", "DUPONT", None, "2026-03-02")
    assert (data["montant"], data["taux"]) == ("1234.50", "5.5")
    assert Path(data["documents"][0]).is_absolute()
    assert (data["version"], data["action"], data["ok"]) == (contract.VERSION, "client voir", True)
    refused = contract.refusal("client voir", [Issue("client.unknown", "Client « X » introuvable.")])
    assert refused["erreurs"] == [{"code": "client.unknown", "message": "Client « X » introuvable.", "ou": None}]
    jsonschema.validate(refused, schemas.command_schema("client voir"))


def test_every_english_field_has_a_french_key():
    from pyxl.services.records import RECORDS

    for cls in RECORDS:
        for name in cls.columns():
            french = contract.key(name)
            assert re.fullmatch(r"[a-z0-9_]+", french), (cls.__name__, name)
            assert name in contract.FIELDS, f"{cls.__name__}.{name}: add it to contract.KEYS (or SAME)"


def test_a_changed_schema_is_a_new_contract_version():
    assert schemas.FINGERPRINTS.get(contract.VERSION) == schemas.fingerprint(), (
        "Les schémas ont changé : nouvelle version du contrat (contract.VERSION : mineure pour un ajout, "
        "majeure pour ce qui peut casser un script), une ligne au journal de docs/contrat-json.md, puis "
        "l'empreinte de cette version dans schemas.FINGERPRINTS et les fichiers réécrits "
        "(python -m pyxl.cli.schemas pyxl/data/schemas-json docs/json/schemas).")


def test_changelog_names_the_current_version():
    text = (DOCS / "contrat-json.md").read_text(encoding="utf-8")
    assert f"## Version {contract.VERSION}" in text


# --------------------------------------------------------------------------- the README's table
def test_readme_command_table_names_every_command():
    """Each command of the parser, with each of its actions, appears in the README's table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `syc ")]
    named: set[str] = set()
    for line in table:
        cell = re.split(r"(?<!\\)\|", line)[1].replace("\\|", "|")
        for code in re.findall(r"`syc ([^`]*)`", cell) + [f"{cell.split('`syc ')[1].split()[0]} {c}"
                                                          for c in re.findall(r"/ `([a-z-]+)", cell)]:
            words = code.split()
            if not words:
                continue
            for action in words[1].split("|") if len(words) > 1 else [""]:
                named.add(f"{words[0]} {action.strip('[]')}".strip())
            named.add(words[0])
    missing = [c for c in COMMANDS if c not in named]
    assert missing == [], f"README.md : commandes absentes du tableau : {missing}"


# --------------------------------------------------------------------------- commands the other tests drive without --json
@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pyxl.cli.demo_cmd import make

    folder = tmp_path_factory.mktemp("contrat")
    make(folder)
    return folder / "SYC_Gestion.xlsm"


@pytest.mark.parametrize("argv", [
    ["client", "voir", "C00001"], ["article", "voir", "MO-H"], ["devis", "voir", "D2026-0001"],
    ["commande", "voir", "BC2026-0001"], ["facture", "voir", "F2026-00011"], ["relances", "liste"],
    ["facture", "liste"], ["avoir", "liste"], ["avoir", "voir", "F2026-00013"], ["reglement", "liste"],
    ["reglement", "liste", "--facture", "F2026-00002"],
    ["excel", "configurer", "--systeme", "windows", "--interpreteur", "C:\\SYC\\syc-python.exe"],
    ["document", "devis", "D2026-0001"], ["document", "commande", "BC2026-0001"], ["document", "facture", "F2026-00004"],
    ["document", "avoir", "F2026-00013"], ["document", "acquittee", "F2026-00002"],
], ids=" ".join)
def test_answers_of_the_demo_book_follow_their_schemas(capsys, demo_book: Path, argv: list[str]):
    """Run through pyxl.cli.main, the answer is validated by conftest.py; here: it is a success."""
    from pyxl.cli import main

    code = main([*argv, "--json", "--au", "2026-04-30", "--book", str(demo_book)])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and answer["ok"] is True, answer
    if argv[0] == "document":
        assert all(Path(p).is_absolute() for p in answer["documents"] + answer["documents_conserves"])
        assert Path(answer["fichiers_dans"]).is_dir()
    if argv == ["facture", "liste"]:
        assert answer["avoirs_de_la_serie"] == ["F2026-00013"]
        assert sum(answer["par_type"].values()) == len(answer["factures"])


def test_human_output_of_a_writing_command_ends_with_where_the_files_are(capsys, demo_book: Path):
    from pyxl.cli import main

    assert main(["document", "commande", "BC2026-0002", "--book", str(demo_book)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"Fichiers écrits dans : {demo_book.parent / 'Documents' / '2026' / 'Commandes'}"


def test_demo_force_starts_from_an_empty_documents_folder(tmp_path: Path):
    from pyxl.cli.demo_cmd import make

    make(tmp_path)
    old = tmp_path / "Documents" / "2026" / "Factures" / "F2026-00001 - DUPONT Jean.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF-1.7 ancien")
    summary = make(tmp_path, force=True)
    assert not (tmp_path / "Documents").exists()
    aside = Path(summary["documents_precedents"])
    assert aside.parent == tmp_path and aside.name.startswith("Documents (avant le ")
    assert (aside / "2026" / "Factures" / old.name).read_bytes() == b"%PDF-1.7 ancien"
    assert str(aside.resolve()) in summary["remarque"]
