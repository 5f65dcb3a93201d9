"""The closures' totals per journal (issue 15, item 5): version 2 of the closures' audit spec.

Each daily closure made since schema 12 carries the debit and credit totals per journal (VE, BQ,
CA, OD) of the entries of its day's documents, penalty notes and payment rows; a monthly or yearly
closure sums its days. `syc verifier` recomputes them from the documents and payments and names a
closure whose totals no longer match; closures made before (fixture v6) keep their hash and verify.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_sales_chain import Book

from pyxl.core import books
from pyxl.core.issues import Refused
from pyxl.services import closures
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import SCHEMA

D = Decimal


def _closures(wb: Book) -> dict[str, dict]:
    return {r["ref"]: r for r in wb.rows("tClotures")}


def _as_excel(wb: Book, table: str, key: str, value: str, changes: dict) -> bool:
    """A user typing over a cell in Excel: no audit guard on the row. Returns False on a base: its
    trigger refuses the change to an issued row whatever program writes (nothing to verify then)."""
    row = next(r for r in wb.store().rows(table) if r[key] == value)
    excel = dataclasses.replace(SCHEMA, tables=tuple(dataclasses.replace(t, audit=None) if t.name == table else t
                                                     for t in SCHEMA.tables))
    cs = ChangeSet()
    cs.update(table, row.row, changes)
    if wb.in_base:
        before = wb.snapshot()
        with pytest.raises(Refused, match="ne se modifient plus"):
            wb.store_with(excel).apply(cs, as_of=dt.date(2026, 3, 5))
        assert wb.snapshot() == before
        return False
    wb.store_with(excel).apply(cs, as_of=dt.date(2026, 3, 5))
    return True


def test_totals_text_is_canonical_and_reads_back() -> None:
    totals = {"BQ": (D("109.09"), D("109.09")), "VE": (D("1181.5"), D("1181.50")), "OD": (D(0), D(0))}
    text = books.format_totals(totals)
    assert text == "VE D 1181,50 C 1181,50 ; BQ D 109,09 C 109,09"  # journal order, empty ones left out
    assert books.parse_totals(text) == {"VE": (D("1181.50"), D("1181.50")), "BQ": (D("109.09"), D("109.09"))}
    assert books.format_totals({}) == "" and books.parse_totals(None) == {} and books.parse_totals("") == {}
    assert books.add_totals(totals, {"BQ": (D(1), D(2)), "CA": (D(3), D(3))})["BQ"] == (D("110.09"), D("111.09"))
    with pytest.raises(ValueError):
        books.parse_totals("VE 12,00 12,00")


def test_daily_and_monthly_closures_carry_the_totals_of_each_journal(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")  # 550,00 HT + 55,00 VAT (10 %) = 605,00
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    wb.pay(dep["numero"], "100", "2026-03-03")  # transfer
    wb.pay(dep["numero"], "50", "2026-03-03", mode="especes")
    assert wb.pay(dep["numero"], "10", "2026-03-05")["clotures"] == ["J2026-03-03", "J2026-03-04"]
    c = _closures(wb)
    # the deposit invoice: D 411 181,50 / C 4191 165,00 / C 44574 16,50
    assert c["J2026-03-02"]["journals"] == "VE D 181,50 C 181,50"
    # 100,00 by transfer: D 512 / C 411, and its VAT made due: 16,50 × 100 / 181,50 = 9,09 (D 44574 / C 44571);
    # 50,00 in cash: D 530 / C 411, and 16,50 × 150 / 181,50 − 9,09 = 4,55
    assert c["J2026-03-03"]["journals"] == "BQ D 109,09 C 109,09 ; CA D 54,55 C 54,55"
    assert c["J2026-03-04"]["journals"] is None  # a day without an entry
    text = (closures.folder(wb.path) / "2026" / "J2026-03-03.txt").read_text(encoding="utf-8")
    assert "Totaux par journal : BQ D 109,09 C 109,09 ; CA D 54,55 C 54,55\n" in text
    # the closures' journal rows are of version 2 of their spec
    specs = {e.ref: e.spec for e in wb.store().journal() if e.table == "tClotures"}
    assert specs["J2026-03-03"] == closures.JOURNALS_SPEC == 2
    assert wb.ok("verifier", au="2026-03-05")["ok"]
    # the month sums its days: the 10,00 transfer of 5 March (and its VAT 16,50 × 160 / 181,50 − 13,64 = 0,91)
    wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-04-01")
    assert _closures(wb)["M2026-03"]["journals"] == "VE D 181,50 C 181,50 ; BQ D 120,00 C 120,00 ; CA D 54,55 C 54,55"
    assert wb.ok("verifier", au="2026-04-01")["ok"]


def test_verifier_names_the_closure_whose_payment_was_changed_afterwards(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    pid = wb.pay(dep["numero"], "100", "2026-03-03")["id"]
    wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-03-05")
    assert wb.ok("verifier", au="2026-03-05")["ok"]
    if not _as_excel(wb, "tReglements", "id", pid, {"amount": D("10.00")}):  # 100,00 typed over as 10,00
        return
    rc, data = wb.run("verifier", au="2026-03-05")
    assert rc == 1
    found = [e for e in data["erreurs"] if e["code"] == "cloture.journaux"]
    assert [e["ou"] for e in found] == ["Clôtures, ligne 3"], data  # J2026-03-03 only
    assert "Clôture J2026-03-03" in found[0]["message"]
    assert "« BQ D 109,09 C 109,09 »" in found[0]["message"]  # what was closed
    assert "« BQ D 10,91 C 10,91 »" in found[0]["message"]  # what the rows now give (16,50 × 10 / 181,50 = 0,91)
    assert "audit.edited" in {e["code"] for e in data["erreurs"]}  # the fingerprint says so too


def test_verifier_names_a_closure_whose_totals_were_typed_over(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-03-04")
    if not _as_excel(wb, "tClotures", "ref", "J2026-03-02", {"journals": "VE D 1,00 C 1,00"}):
        return
    rc, data = wb.run("verifier", au="2026-03-04")
    assert rc == 1
    codes = {e["code"] for e in data["erreurs"]}
    assert {"cloture.journaux", "cloture.modifiee", "audit.edited"} <= codes, data


def test_closures_of_a_version_6_workbook_keep_their_hash_and_new_ones_carry_totals(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_audit_specs import schema_at

    from pyxl.workbook import migrate as mig
    from pyxl.workbook.filestore import anchor_path

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    data = Path(__file__).resolve().parent / "data" / "v6"
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(data / "syc_v6.xlsm", path)
    shutil.copy(data / "syc_v6.syc-ancre", anchor_path(path))
    before = [r for r in FileStore(path, schema_at(6)).journal() if r.table == "tClotures"]
    assert before
    mig.migrate(path)
    store = FileStore(path)
    old = {r["ref"]: r for r in store.rows("tClotures")}
    assert all(r["journals"] is None for r in old.values())
    after = [e for e in store.journal() if e.table == "tClotures"]
    assert [(e.doc_hash, e.hash, e.spec) for e in after] == [(e.doc_hash, e.hash, 1) for e in before]
    wb = Book(path)
    assert wb.ok("verifier", au="2026-04-30")["ok"]
    note = wb.ok("penalites", "creer", "--client", "C00002", au="2026-04-30")  # closes up to 29 April
    made = wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-05-02")["clotures"]
    assert made == ["J2026-04-30", "M2026-04", "J2026-05-01"]
    c = _closures(wb)
    total = wb.row("tNotesPenalites", "number", note["numero"])["total"]
    assert c["J2026-04-30"]["journals"] == books.format_totals({"VE": (total, total)})
    # April's first 29 days were closed with their totals too (none had an entry): the month sums them
    assert c["M2026-04"]["journals"] == c["J2026-04-30"]["journals"]
    assert wb.ok("verifier", au="2026-05-02")["ok"]


def _cheque_cash_and_bounce() -> tuple[Any, list[Any], Any]:
    """An invoice of 2 March paid by a cheque on a slip credited on 4 March, by cash on 4 March, and
    the cheque bounced on 5 March with bank charges: (invoice, payment rows, slip), as books reads them."""
    from test_books import doc, ln, pay

    inv = doc("F2026-00200", "2026-03-02", "Facture", ln("1000.00", "10", "h"), nature="Dépannage")
    rows = [pay("R2026-00200", "2026-03-02", "F2026-00200", "300.00", "Chèque", slip="BR2026-0001"),
            pay("R2026-00201", "2026-03-04", "F2026-00200", "100.00", "Espèces"),
            pay("R2026-00202", "2026-03-05", "F2026-00200", "-300.00", "Chèque", cancels="R2026-00200",
                bounced=True, charges="12.50")]
    slip = books.Slip("BR2026-0001", dt.date(2026, 3, 3), "Chèque", D("300.00"), "Crédité", dt.date(2026, 3, 4))
    return inv, rows, slip


def test_daily_totals_are_the_sums_of_the_entries_without_keeping_them() -> None:
    from test_books import NAMES

    inv, rows, slip = _cheque_cash_and_bounce()
    full = books.build([inv], [], rows, [slip], NAMES)
    expected = books.totals_by_day(e for e in full.entries if e.ref != "BR2026-0001")
    got = books.daily_totals([inv], [], rows, [slip], leave_out={"BR2026-0001"})
    assert got == expected and set(got) == {dt.date(2026, 3, 2), dt.date(2026, 3, 4), dt.date(2026, 3, 5)}
    assert got[dt.date(2026, 3, 4)]["CA"][0] > 0 and "BQ" not in got[dt.date(2026, 3, 4)]  # the slip left out
    since = books.daily_totals([inv], [], rows, [slip], since=dt.date(2026, 3, 4), until=dt.date(2026, 3, 4),
                               leave_out={"BR2026-0001"})
    assert since == {dt.date(2026, 3, 4): expected[dt.date(2026, 3, 4)]}


def test_totals_and_entries_give_the_daily_totals_and_the_entries_in_one_pass() -> None:
    from test_books import NAMES

    inv, rows, slip = _cheque_cash_and_bounce()

    def signature(entries: list) -> list:
        return [(e.journal, e.date, e.ref, tuple((x.account, x.aux_account, x.debit, x.credit) for x in e.lines))
                for e in entries]

    full = books.build([inv], [], rows, [slip], NAMES)
    totals, entries = books.totals_and_entries([inv], [], rows, [slip], NAMES, leave_out={"BR2026-0001"},
                                               entries_from=dt.date(2026, 3, 4))
    assert totals == books.daily_totals([inv], [], rows, [slip], leave_out={"BR2026-0001"})
    # the entries from 4 March, the slip's crediting by the bank among them (left out of the totals only)
    assert signature(entries) == signature(books.in_period(full.entries, dt.date(2026, 3, 4), None))
    assert {e.ref for e in entries} == {"BR2026-0001", "R2026-00201", "R2026-00202"}
    # without entries_from: the totals only; never entries from before `since` (documents may lack lines)
    assert books.totals_and_entries([inv], [], rows, [slip], NAMES)[1] == []
    with pytest.raises(ValueError):
        books.totals_and_entries([inv], [], rows, [slip], NAMES, since=dt.date(2026, 3, 4),
                                 entries_from=dt.date(2026, 3, 3))
