"""Concurrent `syc` processes on the sales chain: numbers stay consecutive, balances are never exceeded.

The overlap is forced, not hoped for: the test holds the workbook's write lock while it starts
both processes, checks that both are still waiting, then lets them go; each writer also pauses
before its atomic rename (the FileStore's test hook), so the second one waits while the first has
its new file written but not yet in place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pyxl.cli import main
from pyxl.services import invoices
from pyxl.workbook.filestore import PAUSE_BEFORE_RENAME, FileStore, write_lock

SETUP_DAY = "2026-01-05"
DAY = "2026-01-06"
PAUSE_S = "0.5"


def syc(capsys: pytest.CaptureFixture[str], book: Path, *args: str, day: str = SETUP_DAY) -> dict[str, Any]:
    """Run `syc … --json` in this process (set-up steps); the answer must be a success."""
    code = main([*args, "--book", str(book), "--au", day, "--json"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0, answer
    return answer


def done_order(capsys: pytest.CaptureFixture[str], book: Path, *lines: str) -> str:
    """A quote for a business client, accepted; its order made and done: the order's number."""
    ligne = [x for line in lines for x in ("--ligne", line)]
    quote = syc(capsys, book, "devis", "creer", "--client", "C00002", *ligne, "--nature", "depannage")["numero"]
    syc(capsys, book, "devis", "accepter", quote)
    order = syc(capsys, book, "commande", "creer", "--devis", quote)["numero"]
    syc(capsys, book, "commande", "realiser", order, "--date", "05/01/2026")
    return order


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "SYC_Gestion.xlsm"
    syc(capsys, path, "init", "--demo")
    return path


def together(book: Path, *commands: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """Start `python -m pyxl.cli COMMAND --book … --au … --json` for each command while this
    process holds the write lock, make sure they all wait for it, then release it."""
    env = {**os.environ, PAUSE_BEFORE_RENAME: PAUSE_S}
    with write_lock(book):
        procs = [subprocess.Popen([sys.executable, "-m", "pyxl.cli", *cmd, "--book", str(book), "--au", DAY, "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for cmd in commands]
        time.sleep(1.5)  # time to start Python and reach the lock
        assert all(p.poll() is None for p in procs), "a process did not wait for the lock"
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert not stderr.strip(), stderr.decode()  # a refusal is JSON on stdout, never a traceback
        out.append((p.returncode, json.loads(stdout)))
    return out


def verified(book: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return syc(capsys, book, "verifier", day=DAY)


def test_two_concurrent_issues_get_consecutive_numbers(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drafts = []
    for lines in (("MO-H:2",), ("DEP:1", "MO-H:1")):
        order = done_order(capsys, book, *lines)
        drafts.append(syc(capsys, book, "facture", "creer", "--commande", order)["reference"])
    assert drafts == ["BROUILLON-1", "BROUILLON-2"]

    results = together(book, ["facture", "emettre", drafts[0]], ["facture", "emettre", drafts[1]])

    assert [code for code, _ in results] == [0, 0], results
    numbers = sorted(answer["numero"] for _, answer in results)
    assert numbers == ["F2026-00001", "F2026-00002"]
    store = FileStore(book)
    issued = {r["ref"]: r for r in store.rows("tFactures")}
    assert sorted(r["number"] for r in issued.values()) == numbers
    assert {answer["reference"]: answer["numero"] for _, answer in results} == {
        ref: issued[ref]["number"] for ref in drafts}
    journal = [e for e in store.journal() if e.table == "tFactures"]
    assert sorted(e.ref for e in journal) == numbers
    assert [r["last"] for r in store.rows("tCompteurs") if r["series"] == "Facture"] == [2]
    assert verified(book, capsys)["journal"] == len(store.journal())


def test_the_same_draft_issued_twice_at_once_gets_one_number(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order = done_order(capsys, book, "MO-H:2")
    draft = syc(capsys, book, "facture", "creer", "--commande", order)["reference"]

    results = together(book, ["facture", "emettre", draft], ["facture", "emettre", draft])

    assert sorted(code for code, _ in results) == [0, 1], results
    refused = next(answer for code, answer in results if code == 1)
    assert [e["code"] for e in refused["erreurs"]] == ["facture.emise"]
    assert [r["number"] for r in FileStore(book).rows("tFactures")] == ["F2026-00001"]
    verified(book, capsys)


def test_two_concurrent_payments_above_the_balance_the_second_leaves_a_credit(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each payment sees the other's (no lost update): the invoice is paid once, the excess of
    whichever came second is the client's credit (issue 14), never a negative balance."""
    order = done_order(capsys, book, "MO-H:10")  # 550,00 HT, 660,00 TTC
    draft = syc(capsys, book, "facture", "creer", "--commande", order)["reference"]
    number = syc(capsys, book, "facture", "emettre", draft)["numero"]
    pay = ["reglement", "saisir", "--facture", number, "--mode", "virement", "--montant"]

    results = together(book, [*pay, "400"], [*pay, "300"])  # 700,00 > 660,00

    assert [code for code, _ in results] == [0, 0], results
    store = FileStore(book)
    doc = invoices.get_doc(store, number)
    assert (doc["paid"], doc["status"]) == (Decimal("660.00"), "Réglée")
    rows = store.rows("tReglements")
    assert sum(r["amount"] for r in rows) == Decimal("700.00")
    assert [(r["invoice"], r["amount"]) for r in rows if not r["invoice"]] == [(None, Decimal("40.00"))]
    verified(book, capsys)


def test_two_concurrent_payments_within_the_balance_both_pass(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order = done_order(capsys, book, "MO-H:10")
    draft = syc(capsys, book, "facture", "creer", "--commande", order)["reference"]
    number = syc(capsys, book, "facture", "emettre", draft)["numero"]
    pay = ["reglement", "saisir", "--facture", number, "--mode", "virement", "--montant"]

    results = together(book, [*pay, "400"], [*pay, "260"])  # 660,00: the invoice is settled

    assert [code for code, _ in results] == [0, 0], results
    assert sorted(answer["id"] for _, answer in results) == ["R2026-00001", "R2026-00002"]
    doc = invoices.get_doc(FileStore(book), number)
    assert (doc["paid"], doc["status"]) == (Decimal("660.00"), "Réglée")
    verified(book, capsys)
