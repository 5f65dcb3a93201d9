"""Fiscal-year archives (`syc exercice archiver`): what leaves the workbook, the archive verified
before anything is removed, the genesis row, `syc verifier` across archives, and a crash at each
step leaving the old workbook or the new one, never a mix."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pyxl.core import audit
from pyxl.core.issues import Refused
from pyxl.services import archives, closures
from pyxl.services.invoices import series_issues
from pyxl.services.maintenance import check_everything
from pyxl.workbook import backups, commit
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.store import ChangeSet

END = dt.date(2024, 12, 31)
AS_OF = dt.date(2026, 7, 1)  # the day the checks are made (the demo runs to 30 June 2026)
AS_OF = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years and a half of sales (2024 to June 2026), small: generated once for the module."""
    d = tmp_path_factory.mktemp("demo")
    subprocess.run([sys.executable, "-m", "pyxl.cli", "demo", "--annees", "3", "--echelle", "0.04", "--sortie",
                    str(d / "src")], check=True, capture_output=True)
    return d / "src"


@pytest.fixture
def book(generated: Path, tmp_path: Path) -> Path:
    shutil.copytree(generated, tmp_path / "w")
    return tmp_path / "w" / "SYC_Gestion.xlsm"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify(book: Path) -> list[str]:
    store = FileStore(book)
    try:
        return [i.code for i in check_everything(store, AS_OF)[0]]
    finally:
        store.close()


def invoices_of(path: Path) -> dict[str, dict]:
    store = FileStore(path)
    try:
        return {str(r["number"]): dict(r.values) for r in store.rows("tFactures") if r["number"]}
    finally:
        store.close()


def strings(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("xl/sharedStrings.xml").count(b"<si")


def test_a_fiscal_year_leaves_for_a_verified_archive(book: Path) -> None:
    strings_before = strings(book)
    before = invoices_of(book)
    open_2024 = {n for n, r in before.items() if r["date"] <= END and r["status"] not in archives.CLOSED_INVOICE
                 and r["doc_type"] != "Avoir"}
    assert open_2024, "the generated workbook must hold an unpaid invoice of the archived year"
    result = archives.archive(book, END, AS_OF)
    target = Path(result.data["archive"])
    assert target == book.parent / "Archives" / "SYC_Gestion-exercice-2024.xlsm"
    assert Path(result.data["avant_archivage"]).exists()
    # the pre-archive copy is out of the backup rotation: prune never lists it
    assert all("avant-archivage" not in str(b.path) for b in backups.listing(book))
    after, archived = invoices_of(book), invoices_of(target)
    assert archived and set(archived) | set(after) == set(before) and not set(archived) & set(after)
    assert all(r["date"] <= END and (r["status"] in archives.CLOSED_INVOICE or r["doc_type"] == "Avoir")
               for r in archived.values())
    assert open_2024 <= set(after)  # an unpaid invoice stays, with what is linked to it
    assert strings(book) < strings_before  # the strings only archived rows used are gone
    store = FileStore(book)
    try:
        pays = store.rows("tReglements")
        assert all(str(p["invoice"] or "") not in archived for p in pays)
        # a kept invoice keeps its quote and order; a kept order its quote
        quotes = {str(r["number"]) for r in store.rows("tDevis")}
        orders = {str(r["number"]): r for r in store.rows("tCommandes")}
        assert all(r["quote"] in quotes for r in after.values() if r["quote"])
        assert all(r["order"] in orders for r in after.values() if r["order"])
        assert all(r["quote"] in quotes for r in orders.values() if r["quote"])
        genesis = store.journal()[0]
        assert genesis.action == audit.ARCHIVE_ACTION and genesis.doc_hash == sha(target) == result.data["sha256"]
    finally:
        store.close()
    arch = FileStore(target)
    try:
        assert arch.rows("tDevis") and arch.rows("tCommandes") and not arch.rows("tInterventions")
        old = arch.journal()
        assert not audit.verify_chain(old) and old[-1].hash == genesis.prev_hash and old[-1].seq == genesis.seq - 1
    finally:
        arch.close()
    assert verify(book) == []
    # the series runs on across the archive: the active workbook alone has gaps
    store = FileStore(book)
    try:
        assert any(i.code == "serie.trou" for i in series_issues(store))
    finally:
        store.close()


def test_the_workbook_lives_on_after_archiving(book: Path) -> None:
    archives.archive(book, END, AS_OF)
    still_open = next(n for n, r in invoices_of(book).items() if r["status"] == "Émise" and r["doc_type"] == "Facture")
    res = subprocess.run([sys.executable, "-m", "pyxl.cli", "reglement", "saisir", "--book", str(book), "--facture",
                          still_open, "--montant", "1,00", "--mode", "virement", "--au", "2026-08-03", "--json"],
                         capture_output=True, text=True)
    assert json.loads(res.stdout)["ok"], res.stdout
    # the July closures were made (monthly: the whole journal re-checked from the genesis row)
    store = FileStore(book)
    try:
        refs = {str(r["ref"]) for r in store.rows("tClotures")}
        assert {"J2026-08-02", "M2026-07"} <= refs
        assert store.rows_where("tFactures", "number", {still_open})[0]["paid"] >= Decimal("1.00")
    finally:
        store.close()
    assert verify(book) == []
    # the next fiscal year follows; the verifier walks both archives back
    archives.archive(book, dt.date(2025, 12, 31), dt.date(2026, 8, 3))
    assert verify(book) == []
    store = FileStore(book)
    try:
        assert len(archives.verify(book, store.journal()).files) == 2
    finally:
        store.close()


def test_the_key_index_is_made_again_after_archiving(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Archiving rewrites the sheets without the archived rows (rows move up): the index is made
    again for the new sheets, and a read by key finds the rows a full read finds, without a search."""
    from pyxl.workbook import fastread, keyindex

    archives.archive(book, END, AS_OF)
    store = FileStore(book)
    try:
        loc, _ = store._columns(store.schema.table("tFactures"))
        info = store.package.zip.getinfo(loc.sheet_part)
        assert keyindex.KeyIndex(book).valid(loc.sheet_part, info.CRC, info.file_size)
        wanted = {str(r["number"]) for r in store.rows("tFactures")[-3:]}
        expected = sorted((r.row, str(r["number"])) for r in store.rows("tFactures") if str(r["number"]) in wanted)
    finally:
        store.close()

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("recherche dans toute la feuille")

    monkeypatch.setattr(fastread, "rows_with_key", refuse)
    store = FileStore(book)
    try:
        assert sorted((r.row, str(r["number"])) for r in store.rows_where("tFactures", "number", wanted)) == expected
    finally:
        store.close()


def test_an_archive_is_never_overwritten_nor_archived_twice(book: Path) -> None:
    archives.archive(book, END, AS_OF)
    target = archives.archive_path(book, END)
    digest = sha(target)
    with pytest.raises(Refused) as exc:
        archives.archive(book, END, AS_OF)
    assert exc.value.issues[0].code in {"archive.existe", "archive.deja"}
    with pytest.raises(Refused) as exc:
        archives.archive(book, dt.date(2024, 6, 30), AS_OF)
    assert exc.value.issues[0].code == "archive.deja"
    assert sha(target) == digest


def test_refusals_leave_the_workbook_as_it_was(book: Path) -> None:
    digest = sha(book)
    with pytest.raises(Refused) as exc:
        archives.archive(book, dt.date(2026, 7, 1), AS_OF)  # not over yet
    assert exc.value.issues[0].code == "archive.fin"
    with pytest.raises(Refused) as exc:
        archives.archive(book, dt.date(2026, 9, 30), dt.date(2026, 12, 1))  # days not closed
    assert exc.value.issues[0].code == "archive.cloture"
    assert sha(book) == digest and not (book.parent / "Archives").exists()


def test_the_verifier_fails_when_an_archive_is_altered_or_missing(book: Path) -> None:
    archives.archive(book, END, AS_OF)
    target = archives.archive_path(book, END)
    data = target.read_bytes()
    target.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert "archive.modifiee" in verify(book)
    target.unlink()
    assert "archive.absente" in verify(book)
    target.write_bytes(data)
    assert verify(book) == []


STEPS = ["archive-temporaire", "archive", "verification", "copie", "nouveau-classeur", "remplacement"]


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_each_step_leaves_the_old_or_the_new_workbook(book: Path, step: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    old = book.read_bytes()
    monkeypatch.setenv(archives.CRASH_AFTER, step)
    with pytest.raises(SystemExit):
        archives.archive(book, END, AS_OF)
    monkeypatch.delenv(archives.CRASH_AFTER)
    if step == "remplacement":  # killed after the rename: the new workbook, whole (the anchor lags behind)
        assert book.read_bytes() != old and verify(book) == []
        assert FileStore(book).journal()[0].action == audit.ARCHIVE_ACTION
        return
    assert book.read_bytes() == old  # the old workbook, byte for byte
    assert not list(book.parent.glob(".*.tmp")) and not list((book.parent / "Archives").glob(".*.tmp"))
    assert verify(book) == []
    # and a new run goes through: an archive no journal names is set aside, never overwritten
    result = archives.archive(book, END, AS_OF)
    assert verify(book) == []
    if step not in {"archive-temporaire"}:
        assert "mise de côté" in result.message
        assert list((book.parent / "Archives").glob("*.interrompu-*"))


@pytest.mark.parametrize("step", ["archive-temporaire", "nouveau-classeur"])
def test_a_killed_process_leaves_the_old_workbook_and_the_next_run_cleans_up(book: Path, step: str) -> None:
    old = book.read_bytes()
    env = {**os.environ, archives.CRASH_AFTER: step, archives.KILL: "1"}
    res = subprocess.run([sys.executable, "-m", "pyxl.cli", "exercice", "archiver", "--fin", "2024-12-31", "--book",
                          str(book), "--au", "2026-07-01"], env=env, capture_output=True)
    assert res.returncode == -9
    assert book.read_bytes() == old
    leftovers = [*(book.parent / "Archives").glob(".*.tmp"), *book.parent.glob(archives.WORK_PREFIX + "*")]
    assert leftovers  # what the killed process left behind
    archives.archive(book, END, AS_OF)
    assert not [p for p in leftovers if p.exists()]
    assert verify(book) == []


def test_a_failed_rename_of_the_workbook_leaves_it_whole(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = book.read_bytes()
    real = os.replace

    def failing(src: object, dst: object) -> None:
        if Path(str(dst)) == book:
            raise OSError("disque plein")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(commit.os, "replace", failing)
    with pytest.raises(OSError):
        archives.archive(book, END, AS_OF)
    monkeypatch.undo()
    assert book.read_bytes() == old and verify(book) == []


def test_a_failed_fsync_of_the_archive_removes_nothing(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = book.read_bytes()

    def failing(fd: int) -> None:
        raise OSError("erreur d'entrée-sortie")

    monkeypatch.setattr(archives.os, "fsync", failing)
    with pytest.raises(OSError):
        archives.archive(book, END, AS_OF)
    monkeypatch.undo()
    assert book.read_bytes() == old
    assert not archives.archive_path(book, END).exists()


def test_closures_go_on_after_archiving_a_non_calendar_fiscal_year(book: Path) -> None:
    end = dt.date(2025, 6, 30)
    archives.archive(book, end, AS_OF)
    assert archives.archive_path(book, end).name == "SYC_Gestion-exercice-2025-06-30.xlsm"
    store = FileStore(book)
    try:
        left = {str(r["ref"]) for r in store.rows("tClotures")}
        assert "A2024" not in left and "J2025-01-01" in left  # only whole calendar years of closures leave
        changes = ChangeSet()
        day = dt.date(2026, 7, 3)
        with store.session():
            made = closures.pending(store, changes, day, dt.datetime.combine(day, dt.time(8)))
            store.apply(changes, as_of=day)
        closures.write_files(book, made)
        assert [r["ref"] for r in made] == ["J2026-07-01", "J2026-07-02"]
    finally:
        store.close()
    assert verify(book) == []


def test_the_cli_answers_in_json(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pyxl.cli import main

    assert main(["exercice", "archiver", "--fin", "2024-12-31", "--book", str(book), "--au", "2026-07-01",
                 "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] and payload["action"] == "exercice archiver" and len(payload["sha256"]) == 64


def test_a_written_off_invoice_is_closed_and_leaves_with_its_year(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unpaid invoice of the year, written off in that year, leaves for the archive with its row of
    « Créances douteuses »; the other unpaid ones stay. (The write-off is dated back into the closed
    year here, past the closures' check, only to build the case.)"""
    from pyxl.core.books import WRITTEN_OFF
    from pyxl.services import losses

    before = invoices_of(book)
    open_2024 = sorted(n for n, r in before.items() if r["date"] <= END and r["doc_type"] == "Facture"
                       and r["status"] not in archives.CLOSED_INVOICE)
    assert len(open_2024) >= 2
    lost = open_2024[0]
    monkeypatch.setattr(closures, "check_open", lambda *a, **k: None)
    store = FileStore(book)
    try:
        with store.session():
            res = losses.declare(store, lost, WRITTEN_OFF, "liquidation judiciaire", dt.date(2024, 12, 20))
            store.apply(res.changes, as_of=dt.date(2024, 12, 20))
        sel = archives.select(store, END)
        assert lost in sel.invoices and not set(open_2024[1:]) & sel.invoices
        assert len(sel.rows["tCreances"]) == 1
    finally:
        store.close()
    # the closures of December 2024 were made without this back-dated entry: the verifier says so
    # (cloture.journaux), which the archiving would refuse; set aside for this case only
    from pyxl.services import maintenance

    check = maintenance.check_everything
    monkeypatch.setattr(maintenance, "check_everything", lambda st, day: (
        [i for i in check(st, day)[0] if i.code != "cloture.journaux"], *check(st, day)[1:]))
    target = Path(archives.archive(book, END, AS_OF).data["archive"])
    assert lost in invoices_of(target) and lost not in invoices_of(book)
    assert set(open_2024[1:]) <= set(invoices_of(book))
    for path, count in ((target, 1), (book, 0)):
        s = FileStore(path)
        try:
            assert [str(r["invoice"]) for r in s.rows("tCreances")] == [lost] * count
        finally:
            s.close()


def test_the_fec_of_an_archived_year_reads_its_archive(book: Path, tmp_path: Path) -> None:
    """`syc compta fec --archives`: the FEC of 2024 after archiving 2024, read with its archive, is
    the file written before archiving, byte for byte; without it, the archived entries are missing."""
    from pyxl.services import books

    def fec(folder: str, archived: list[Path]) -> bytes:
        store = FileStore(book)
        try:
            path, _notice, _chosen = books.export_fec(store, 2024, tmp_path / folder, AS_OF, archived)
        finally:
            store.close()
        return path.read_bytes()

    before = fec("avant", [])
    target = Path(archives.archive(book, END, AS_OF).data["archive"])
    assert fec("apres", [target]) == before
    alone = fec("seul", [])
    assert len(alone) < len(before)
    from pyxl.core.issues import Refused as Refusal

    with pytest.raises(Refusal) as err:
        fec("manque", [tmp_path / "absente.xlsm"])
    assert err.value.issues[0].code == "compta.archive"


def test_archiving_changes_no_dunning_case(book: Path) -> None:
    """Dunning needs no archive: an invoice still owing stays in the active workbook with its reminders,
    penalty notes and payments (its whole group stays), and the procedure is per invoice — every case
    of the session (its level, its steps done, its history, what it owes) is the same after archiving."""
    from pyxl.services import dunning

    def cases() -> list[dict]:
        store = FileStore(book)
        try:
            return [{**dunning.case_json(c, AS_OF), "faites": sorted(c.done), "historique": len(c.history),
                     "penalites_reglees": c.penalties_paid} for c in dunning.session(store, AS_OF).cases]
        finally:
            store.close()

    before = cases()
    assert len(before) >= 2 and any(c["historique"] for c in before)
    archives.archive(book, END, AS_OF)
    assert cases() == before


def test_a_base_is_not_archived_and_says_why(base: Any, demo_bytes: bytes,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Archiving removes paid documents from a workbook; a base keeps every year (and refuses DELETE):
    refused in French, nothing written (it used to look for a workbook file beside the base)."""
    from pyxl.cli import main

    db = base(demo_bytes)
    before = db.state()
    assert main(["exercice", "archiver", "--fin", "2024-12-31", "--base", db.url(), "--au", "2026-07-01",
                 "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert [e["code"] for e in payload["erreurs"]] == ["base.archiver"]
    assert "syc base exporter" in payload["erreurs"][0]["message"]
    assert db.state() == before
