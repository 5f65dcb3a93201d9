"""The « Écritures » sheet (issue 15): each action appends the entries it books, numbered per
journal and fiscal year; they are the entries the books compute from every document (the FEC's),
`syc verifier` recomputes them and names a hand edit; the migration fills the open fiscal year."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_books import bounced_cheque, day
from test_sales_chain import Book

from pyxl.services import books as books_service
from pyxl.workbook import ledger
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.migrate import migrate

D = Decimal


def sheet(wb: Book) -> list[dict[str, Any]]:
    return [dict(r.values) for r in wb.store().rows(ledger.TABLE)]


def signatures(entries: Any) -> list[tuple[Any, ...]]:
    return sorted((e.journal, e.date, e.ref, tuple((x.account, x.aux_account, x.debit, x.credit) for x in e.lines))
                  for e in entries)


def computed(wb: Book, au: str) -> list[tuple[Any, ...]]:
    store = wb.store()
    start, end = books_service.fiscal_year_of(store.parameters(), day(au))
    return signatures(books_service.entries(store, day(au), start=start, end=end))


def on_sheet(wb: Book) -> list[tuple[Any, ...]]:
    return signatures(e for _n, e, _rows in ledger.sheet_entries(wb.store().rows(ledger.TABLE)))


def story(wb: Book) -> tuple[str, str, str]:
    """An invoice paid by a cheque on a slip, credited, then bounced; a second invoice paid in cash."""
    inv, _i, pid, _undo = bounced_cheque(wb)
    _q, _o, inv2 = wb.invoice("2026-05-13", "MO-H:1", nature="depannage")
    wb.pay(inv2, "20", "2026-05-13", mode="especes")
    return inv, pid, inv2


def test_each_action_appends_its_entries_and_the_sheet_is_the_books(wb: Book) -> None:
    assert sheet(wb) == []  # the demo book has no issued document yet
    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:3")
    rows = sheet(wb)
    assert {r["ref"] for r in rows} == {inv} and {r["num"] for r in rows} == {"VE2026-000001"}
    assert sum(r["debit"] or 0 for r in rows) == sum(r["credit"] or 0 for r in rows) > 0
    first = rows
    _inv, _pid, inv2 = story(wb)
    rows = sheet(wb)
    # appended, never rewritten: what the first invoice wrote is still the sheet's first rows
    assert rows[:len(first)] == first and len(rows) > len(first)
    assert on_sheet(wb) == computed(wb, "2026-05-31")
    # numbered continuously per journal in the order of the actions, validated on the action's day
    numbers: dict[str, list[int]] = {}
    for r in rows:
        prefix, _, n = r["num"].rpartition("-")
        if not numbers.get(prefix) or numbers[prefix][-1] != int(n):
            numbers.setdefault(prefix, []).append(int(n))
    assert all(v == list(range(1, len(v) + 1)) for v in numbers.values()), numbers
    assert set(numbers) == {"VE2026", "BQ2026", "CA2026"}
    slip = [(r["journal"], r["account"], r["debit"], r["credit"]) for r in rows if r["ref"] == "BR2026-0001"]
    assert [x[:2] for x in slip] == [("BQ", "512"), ("BQ", "5112")] and slip[0][2] == slip[1][3] > 0
    assert {r["validated_on"] for r in rows if r["ref"] == inv2} == {day("2026-05-13")}
    assert wb.ok("verifier", au="2026-05-31")["ok"]


def _edit(path: Path, ref: str, values: dict[str, Any]) -> None:
    """A hand edit of the sheet (as someone unprotecting it would type), through the file store."""
    store = FileStore(path)
    with store.session():
        changes = ChangeSet()
        row = next(r for r in store.rows(ledger.TABLE) if r["ref"] == ref and r["debit"])
        changes.update(ledger.TABLE, row, values)
        store.apply(changes, as_of=dt.date(2026, 5, 31))


@pytest.mark.fichier_seul  # types over the sheet and restores the file
def test_verifier_finds_a_hand_edit_of_the_sheet(wb: Book, tmp_path: Path) -> None:
    inv, _pid, _inv2 = story(wb)
    good = tmp_path / "bon.xlsm"
    shutil.copy(wb.path, good)
    _edit(wb.path, inv, {"debit": D("1.00")})
    out = wb.run("verifier", au="2026-05-31")[1]
    assert "compta.ecritures" in str(out), out
    assert f"{inv}" in str(out) and "D 1,00" in str(out)
    # an entry erased: the numbering breaks
    shutil.copy(good, wb.path)
    store = wb.store()
    rows = store.rows(ledger.TABLE)
    first = rows[0]["num"]
    with store.session():
        changes = ChangeSet()
        for r in rows:
            if r["num"] == first:
                changes.update(ledger.TABLE, r, {"num": "VE2026-000099"})
        store.apply(changes, as_of=dt.date(2026, 5, 31))
    assert "ne suit pas" in str(wb.run("verifier", au="2026-05-31")[1])


def test_the_migration_fills_the_open_fiscal_year(tmp_path: Path) -> None:
    path = tmp_path / "syc_v6.xlsm"
    shutil.copy(Path(__file__).parent / "data" / "v6" / "syc_v6.xlsm", path)
    done = migrate(path)
    assert any("Écritures" in step for step in done), done
    store = FileStore(path)
    rows = store.rows(ledger.TABLE)
    last = max(e.as_of for e in store.journal() if e.as_of)  # the fixture's last action: 2026
    start, end = books_service.fiscal_year_of(store.parameters(), last)
    assert (start, end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    expected = signatures(books_service.entries(store, end, start=start, end=end))
    assert len(rows) > 10 and {r["journal"] for r in rows} >= {"VE", "BQ"}
    assert signatures(e for _n, e, _r in ledger.sheet_entries(rows)) == expected
    assert all(start <= r["date"] <= end for r in rows)
    assert rows[0]["num"] == "VE2026-000001"
    # the migrated workbook verifies, its sheet included
    from pyxl.services.books import check_sheet
    assert check_sheet(store, end) == []


def test_a_new_fiscal_year_starts_its_numbers_and_the_check_reads_it_alone(wb: Book) -> None:
    from pyxl.excel.sheets import PROTECTED_TABLES

    assert ledger.TABLE in PROTECTED_TABLES  # protected like the other tables of record
    _q, _o, inv = wb.invoice("2026-12-28", "MO-H:2")
    _q, _o, inv2 = wb.invoice("2027-01-04", "MO-H:1")
    nums = {r["ref"]: r["num"] for r in sheet(wb)}
    assert (nums[inv], nums[inv2]) == ("VE2026-000001", "VE2027-000001")
    assert wb.ok("verifier", au="2027-01-05")["ok"]
    assert on_sheet(wb)[-1][2] == inv2 and computed(wb, "2027-01-05") == [on_sheet(wb)[-1]]


def test_in_a_base_the_database_itself_refuses_a_rewritten_or_erased_entry(base: Any, demo_bytes: bytes,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The base counterpart of the hand edit above: there is no sheet to type over, and the edit
    is refused by the database, through the store as in plain SQL, whoever connects."""
    import psycopg
    from pgfixtures import Backend

    from pyxl.core.issues import Refused

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    backend = Backend("base", db=base(demo_bytes))
    wb = Book(backend.open().path, backend)
    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:3")
    db = backend.db
    assert db is not None
    before = db.state()
    # the services' way, as the file test types it: refused, nothing written
    store = wb.store()
    with pytest.raises(Refused) as refused, store.session():
        changes = ChangeSet()
        row = next(r for r in store.rows(ledger.TABLE) if r["ref"] == inv and r["debit"])
        changes.update(ledger.TABLE, row, {"debit": D("1.00")})
        store.apply(changes, as_of=dt.date(2026, 5, 31))
    assert refused.value.issues[0].code == "base.droits", refused.value.issues
    assert db.state() == before
    # plain SQL: the application's logins have no UPDATE nor DELETE on it…
    for user in ("syc_assistante", "syc_directrice"):
        with psycopg.connect(db.url(user), autocommit=True) as conn:
            for statement in ('UPDATE "tEcritures" SET debit = 1 WHERE debit > 0', 'DELETE FROM "tEcritures"'):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    # …and the trigger refuses it even to the tables' owner
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match=r"Écriture VE2026-000001 : une écriture enregistrée"):
            conn.execute('UPDATE "tEcritures" SET debit = 1 WHERE debit > 0')
        with pytest.raises(psycopg.errors.RaiseException, match="on ne supprime aucune ligne"):
            conn.execute('DELETE FROM "tEcritures"')
    assert db.state() == before
    # the application still appends: a payment books its entry
    wb.pay(inv, "20", "2026-05-13", mode="especes")
    assert len(sheet(wb)) > len(before[0]["tEcritures"])
    assert wb.ok("verifier", au="2026-05-31")["ok"]


def test_the_verifier_recomputes_the_sheet_and_the_closures_totals_in_one_pass(wb: Book) -> None:
    from pyxl.services import closures

    inv, _pid, _inv2 = story(wb)
    wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-06-02")  # closes May with its days
    store = wb.store()
    span = closures.journals_span(store)
    assert span is not None and span[1] >= dt.date(2026, 5, 31)
    shared = books_service.recompute(store, dt.date(2026, 6, 2), span)
    assert shared.totals == books_service.closed_totals(store, *span)
    assert shared.totals[dt.date(2026, 5, 12)]  # the bounced cheque's day has its totals
    assert signatures(shared.entries) == computed(wb, "2026-06-02") and inv in {e.ref for e in shared.entries}
    assert books_service.check_sheet(store, dt.date(2026, 6, 2), shared.entries) == []
    assert closures.verify_journals(store, shared.totals) == []
    # the entries handed over are those compared: one changed amount is named
    first = shared.entries[0]
    line = first.lines[0]
    changed = dataclasses.replace(first, lines=(dataclasses.replace(line, debit=line.debit + 1, credit=line.credit),
                                                *first.lines[1:]))
    found = books_service.check_sheet(store, dt.date(2026, 6, 2), [changed, *shared.entries[1:]])
    assert [i.code for i in found] == ["compta.ecritures"] and first.ref in found[0].message
    # and so are the totals: one day's totals off names its closure
    off = dict(shared.totals)
    off[dt.date(2026, 5, 12)] = {j: (d + 1, c + 1) for j, (d, c) in off[dt.date(2026, 5, 12)].items()}
    assert "cloture.journaux" in {i.code for i in closures.verify_journals(store, off)}
    # without the closures' span: the entries alone
    assert books_service.recompute(store, dt.date(2026, 6, 2), None).totals == {}


def late_statement(wb: Book, tmp_path: Path, bounce: str = "2026-05-12",
                   first: str = "bounce") -> tuple[str, str, Decimal, Decimal]:
    """An invoice paid by a cheque on slip BR2026-0001 (6 May), the cheque bounced and booked on
    `bounce`, the statement saying the bank credited the slip on 8 May reconciled on 20 May (on the
    bounce's day, `first` says which is booked first): (invoice, the reversal's id, TTC, VAT)."""
    from test_bank_statements import camt

    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:3")
    ttc = D(str(wb.doc(inv)["total_ttc"]))
    vat = D(str(wb.doc(inv)["total_vat"]))
    pid = wb.pay(inv, str(ttc), "2026-05-05", mode="cheque")["id"]
    assert wb.ok("bordereau", "creer", "--banque", "LCL", au="2026-05-06")["numero"] == "BR2026-0001"

    def bounced() -> str:
        return str(wb.ok("reglement", "annuler", pid, "--motif", "chèque impayé", "--impaye", au=bounce)["id"])

    reversal = bounced() if first == "bounce" else ""
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-05-08", str(ttc), "REMISE CHEQUES BR2026-0001"),
                                                     ("2026-05-13", str(-ttc), "CHEQUE IMPAYE")])), au="2026-05-20")
    wb.ok("banque", "rapprocher", "--confirmer", "L2026-000001=BR2026-0001", au="2026-05-20")
    return inv, reversal or bounced(), ttc, vat


@pytest.mark.parametrize(("bounce", "first", "account", "transfer"), [
    ("2026-05-20", "bounce", "5112", True), ("2026-05-20", "credit", "512", False),
    ("2026-05-07", "bounce", "5112", True)])
def test_a_bounce_and_the_slips_crediting_booked_the_same_day_in_either_order(
        wb: Book, tmp_path: Path, bounce: str, first: str, account: str, transfer: bool) -> None:
    """Booked the same day: the bounce first is on 5112 and the crediting moves it (the sheet's order
    tells the recomputation which came first); the crediting first, the bounce is on 512 at once. A
    bounce booked before the bank's day (7 May) is on 5112 too, and moved when the crediting is."""
    _inv, reversal, _ttc, _vat = late_statement(wb, tmp_path, bounce=bounce, first=first)
    rows = sheet(wb)
    assert [r["account"] for r in rows if r["ref"] == reversal][1] == account
    assert len([r for r in rows if r["ref"] == "BR2026-0001"]) == (4 if transfer else 2)
    assert sum((D(str(r["debit"] or 0)) - D(str(r["credit"] or 0)) for r in rows if r["account"] == "5112"),
               D(0)) == 0
    assert on_sheet(wb) == computed(wb, "2026-05-31")
    assert wb.ok("verifier", au="2026-05-31")["ok"]


def test_a_slip_credited_late_before_a_bounce_already_booked_moves_it_from_5112_to_512(wb: Book,
                                                                                         tmp_path: Path) -> None:
    """The bank credited the slip on 8 May; the cheque bounced and was booked on 12 May; the statement
    is reconciled on 20 May. The reversal stays on 5112 as booked; the crediting is dated the bank's
    day and a 5112 → 512 transfer is booked on 20 May: the sheet and the recomputation agree, 5112 is
    balanced, and `syc verifier` is clean."""
    _inv, reversal, ttc, vat = late_statement(wb, tmp_path)
    # the expected entries (journal, date, validated on, account, debit, credit), written before the code
    c = f"{ttc:.2f}"
    expected = {
        reversal: [("BQ", "2026-05-12", "2026-05-12", "411", c, ""), ("BQ", "2026-05-12", "2026-05-12", "5112", "", c),
                   ("BQ", "2026-05-12", "2026-05-12", "44571", f"{vat:.2f}", ""),
                   ("BQ", "2026-05-12", "2026-05-12", "44574", "", f"{vat:.2f}")],
        "BR2026-0001": [("BQ", "2026-05-08", "2026-05-20", "512", c, ""), ("BQ", "2026-05-08", "2026-05-20", "5112", "", c),
                        ("BQ", "2026-05-20", "2026-05-20", "5112", c, ""), ("BQ", "2026-05-20", "2026-05-20", "512", "", c)],
    }

    def txt(x: Any) -> str:
        return f"{D(str(x)):.2f}" if x else ""

    rows = sheet(wb)
    for ref, lines in expected.items():
        got = [(r["journal"], str(r["date"]), str(r["validated_on"]), r["account"], txt(r["debit"]), txt(r["credit"]))
               for r in rows if r["ref"] == ref]
        assert got == lines, ref
    nums = [r["num"] for r in rows if r["ref"] == "BR2026-0001"]
    assert nums[0] != nums[-1]  # two entries: the crediting and the transfer, each numbered
    assert sum((D(str(r["debit"] or 0)) - D(str(r["credit"] or 0)) for r in rows if r["account"] == "5112"),
               D(0)) == 0
    assert on_sheet(wb) == computed(wb, "2026-05-31")
    assert wb.ok("verifier", au="2026-05-31")["ok"]
    balance = {r["compte"]: D(str(r["solde"])) for r in wb.ok("compta", "balance", au="2026-05-31")["comptes"]}
    assert balance.get("5112", D(0)) == 0 and balance["512"] == 0 and balance["411"] == ttc


def test_the_open_year_fec_is_the_sheet_with_its_numbers_and_validation_days(wb: Book, tmp_path: Path) -> None:
    """`syc compta fec` of the open fiscal year gives the sheet's entries, in its order, with its
    numbers and « Validée le » (not a recomputation numbered in date order); lettrage computed."""
    from pyxl.core.fec.writer import read_fec

    _inv, _reversal, _ttc, _vat = late_statement(wb, tmp_path)
    _q, _o, inv2 = wb.invoice("2026-05-21", "MO-H:1", nature="depannage")
    wb.pay(inv2, str(wb.doc(inv2)["total_ttc"]), "2026-05-21", mode="especes")
    d = wb.ok("compta", "fec", "--exercice", "2026", "--sortie", str(tmp_path / "fec"), au="2026-05-31")
    assert d["conforme"], d
    got = read_fec(d["fichier"])
    want = [(num, e.journal, e.date, e.validated_on, e.ref, len(e.lines))
            for num, e, _rows in ledger.sheet_entries(wb.store().rows(ledger.TABLE))]
    assert [(e.number, e.journal, e.date, e.validated_on, e.ref, len(e.lines)) for e in got] == want
    # the slip's crediting: dated the bank's day, validated the day the statement was reconciled,
    # numbered after the bounce (the order of validation), not before it as dates would have it
    crediting = next(e for e in got if e.ref == "BR2026-0001")
    assert (crediting.date, crediting.validated_on) == (day("2026-05-08"), day("2026-05-20"))
    bounce = next(e for e in got if e.ref == _reversal)
    assert int(bounce.number[-6:]) < int(crediting.number[-6:])
    assert signatures(got) == on_sheet(wb)
    # lettrage computed at export: the invoice paid in cash is lettered with its payment
    lettered = {(e.ref, x.matching) for e in got for x in e.lines if x.account == "411"}
    assert (inv2, "AA") in lettered and any(r == inv2 for r, m in lettered if m)
    assert d["ecritures"] == len(want)


@pytest.mark.fichier_seul  # types over the sheet
def test_no_fec_from_a_sheet_that_no_longer_says_what_the_documents_say(wb: Book, tmp_path: Path) -> None:
    inv, _pid, _inv2 = story(wb)
    _edit(wb.path, inv, {"debit": D("1.00")})
    wb.refused("compta", "fec", "--exercice", "2026", "--sortie", str(tmp_path / "fec"), au="2026-05-31",
               code="compta.ecritures", words=[inv, "Vérifiez le classeur"])
    assert not (tmp_path / "fec").exists()
