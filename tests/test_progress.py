"""Progress of the long commands (pyxl.cli.progress): plain French lines on stderr when it is not a
terminal, a bar on a terminal, nothing with --json (stdout stays pure JSON); the long functions
call their callback with increasing counts and import neither the CLI nor tqdm."""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from test_merge import FakeConverter, clients, clients_book  # noqa: F401  (fixtures)

from pyxl.cli import main
from pyxl.cli.progress import Bar

PKG = Path(__file__).resolve().parents[1] / "pyxl"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, label: str, step: int, total: int) -> None:
        self.calls.append((label, step, total))


def _increasing(calls: list[tuple[str, int, int]]) -> None:
    assert calls, "no progress reported"
    steps = [s for _, s, _ in calls]
    totals = {t for _, _, t in calls}
    assert len(totals) == 1
    assert steps == sorted(steps) and steps[0] == 1 and steps[-1] == totals.pop()
    assert all(label and label[0].islower() for label, _, _ in calls)  # « Vérification : 3/24 — lecture de … »


# --------------------------------------------------------------------------- the bar itself
def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    with Bar("Vérification", stream=stream, terminal=False) as bar:
        bar("lecture de « Devis »", 1, 3)
        bar("lecture de « Devis »", 1, 3)  # same phase within a second: not repeated
        bar("pièces émises", 2, 3)
        bar("numérotation des factures", 3, 3)
    assert stream.getvalue().splitlines() == [
        "Vérification : 1/3 — lecture de « Devis »",
        "Vérification : 2/3 — pièces émises",
        "Vérification : 3/3 — numérotation des factures",
    ]


def test_quiet_prints_nothing_and_never_loads_tqdm():
    stream = io.StringIO()
    with Bar("Vérification", quiet=True, stream=stream, terminal=True) as bar:
        bar("lecture", 1, 2)
    assert stream.getvalue() == ""
    assert bar._bar is None


def test_a_bar_on_a_terminal_is_erased_at_the_end():
    stream = io.StringIO()
    with Bar("Relances", stream=stream, terminal=True) as bar:
        bar("remplissage des documents", 1, 4)
        bar("remplissage des documents", 3, 4)
        bar("conversion en PDF (LibreOffice)", 4, 4)
    text = stream.getvalue()
    assert "Relances — remplissage des documents" in text and "2/4" in text
    assert text.endswith("\r") and text.rsplit("\r", 2)[-2].strip() == ""  # the line is blanked


def test_within_places_the_steps_of_a_function_in_a_larger_count():
    stream = io.StringIO()
    bar = Bar("Rapport", stream=stream, terminal=False)
    inner = bar.within(1, 4)
    inner("lecture de a.xlsm", 1, 2)
    inner("lecture de b.xlsm", 2, 2)
    bar("calcul des chiffres et des tableaux", 3, 4)
    assert stream.getvalue().splitlines() == ["Rapport : 1/4 — lecture de a.xlsm", "Rapport : 2/4 — lecture de b.xlsm",
                                              "Rapport : 3/4 — calcul des chiffres et des tableaux"]


# --------------------------------------------------------------------------- the long functions
def test_check_everything_reports_each_table_then_the_checks(book: Path):
    from pyxl.services.maintenance import check_everything
    from pyxl.workbook.filestore import FileStore

    rec = Recorder()
    issues, _journal, _docs = check_everything(FileStore(book), dt.date(2026, 6, 30), progress=rec)
    assert issues == []
    _increasing(rec.calls)
    assert rec.calls[0][0] == "lecture de « Paramètres »"
    labels = [label for label, _, _ in rec.calls]
    # every table once; the three checks in their order, the quotes' and orders' sheets (read by the
    # states' check only) read between them, while the books are checked
    from pyxl.workbook.schema import SCHEMA

    assert sorted(x for x in labels if x.startswith("lecture")) == sorted(f"lecture de « {t.sheet} »"
                                                                          for t in SCHEMA.tables)
    checks = [x for x in labels if not x.startswith("lecture")]
    assert checks == ["numérotation des factures", "fichiers de clôture", "journal d'audit et pièces émises"]
    assert labels[-1] == "journal d'audit et pièces émises" and rec.calls[-1][1] == rec.calls[-1][2]
    assert labels.index("lecture de « Lignes devis »") > labels.index("numérotation des factures")


def test_the_builder_reports_every_sheet():
    from pyxl.excel import builder

    rec = Recorder()
    builder.build(io.BytesIO(), progress=rec)
    _increasing(rec.calls)
    assert rec.calls[-1][0] == "compression du classeur"


@pytest.mark.fichier_seul  # the progress of a merge run on a workbook path (the base's merge: test_merge.py)
def test_publipostage_reports_each_letter_then_the_pdf(clients: Path):  # noqa: F811
    from pyxl.documents import merge

    rec = Recorder()
    merge.run(clients, merge.template_file("lettre", clients.parent), merge.parse_filters(commercial=True),
              subject="Entretien", paragraphs=["Un."], as_of=dt.date(2026, 3, 2), now=dt.datetime(2026, 3, 2, 9, 0),
              converter=FakeConverter(), progress=rec)
    _increasing(rec.calls)
    assert [label for label, _, _ in rec.calls] == ["remplissage des lettres"] * 4 + [
        "conversion en PDF (LibreOffice)", "assemblage du PDF à imprimer"]


def test_the_long_functions_import_neither_the_cli_nor_tqdm():
    bad = []
    for folder in ("core", "services", "workbook", "documents", "reports"):
        for f in (PKG / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                bad += [f"{f.relative_to(PKG)}: {n}" for n in names if n.startswith(("pyxl.cli", "tqdm"))]
    assert bad == []


# --------------------------------------------------------------------------- the command
def test_syc_verifier_writes_plain_progress_lines_on_stderr(book: Path, capsys: pytest.CaptureFixture[str]):
    from pyxl.workbook.schema import SCHEMA

    n = len(SCHEMA.tables) + 3
    assert main(["verifier", "--book", str(book)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Aucune anomalie")
    lines = captured.err.splitlines()
    assert lines[0] == f"Vérification : 1/{n} — lecture de « Paramètres »"
    assert lines[-1] == f"Vérification : {n}/{n} — journal d'audit et pièces émises"
    assert [int(x.split(" : ")[1].split("/")[0]) for x in lines] == list(range(1, n + 1))


def test_syc_verifier_json_keeps_stdout_pure_and_stderr_empty(book: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["verifier", "--book", str(book), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is True
    assert captured.err == ""
