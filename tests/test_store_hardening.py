"""Cases found by the code review of the store: damaged parts, restores, symlinks, totals rows,
out-of-range numbers and dates, I/O errors, backups named with a wrong clock."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from pyxl.cli import main
from pyxl.core.issues import Refused
from pyxl.workbook import backups, ooxml
from pyxl.workbook.filestore import ChangeSet, FileStore, to_cell
from pyxl.workbook.schema import T_CLIENTS, Column, Kind


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def add_client(book: Path, name: str, **more) -> None:
    cs = ChangeSet()
    cs.append("tClients", {"code": f"C{abs(hash(name)) % 99999:05d}", "kind": "Particulier", "name": name,
                           "address": "1 rue", "postcode": "69001", "city": "Lyon", **more})
    FileStore(book).apply(cs, as_of=dt.date(2026, 3, 1))


def rezip(book: Path, part: str, data: bytes) -> None:
    with zipfile.ZipFile(book) as z:
        tmp = book.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            ooxml.rewrite(z, f, {part: data})
    tmp.replace(book)


def sheet_of(book: Path, table: str) -> str:
    return ooxml.Package(str(book)).table(table).sheet_part


# --------------------------------------------------------------------------- damaged parts
def test_a_damaged_sheet_is_a_french_refusal_not_a_traceback(capsys, book: Path):
    part = sheet_of(book, "tJournalAudit")
    data = zipfile.ZipFile(book).read(part)
    rezip(book, part, data[: len(data) // 2])
    before = book.read_bytes()
    code, out = run(capsys, "verifier", "--book", str(book))
    assert code == 1 and out["erreurs"][0]["code"] == "store.notbook"
    assert "endommagé" in out["erreurs"][0]["message"]
    assert book.read_bytes() == before


def test_restoring_over_a_damaged_workbook_needs_force(capsys, book: Path):
    add_client(book, "Avant")
    good = backups.listing(book)[0].path  # the blank state, taken before the write
    part = sheet_of(book, "tCompteurs")
    data = zipfile.ZipFile(book).read(part)
    rezip(book, part, data[: len(data) // 2])
    before = book.read_bytes()
    code, out = run(capsys, "sauvegardes", "restaurer", str(good), "--book", str(book))
    assert code == 1 and out["erreurs"][0]["code"] == "backup.unreadable"
    assert book.read_bytes() == before
    code, out = run(capsys, "sauvegardes", "restaurer", str(good), "--book", str(book), "--force")
    assert code == 0 and out["avertissements"][0]["code"] == "backup.current"
    assert FileStore(book).rows("tClients") == []


def test_a_restore_waits_for_the_write_lock(capsys, book: Path, monkeypatch):
    from filelock import FileLock

    from pyxl.workbook import filestore

    add_client(book, "Un")
    monkeypatch.setattr(filestore, "LOCK_TIMEOUT_S", 0.3)
    before = book.read_bytes()
    lock = FileLock(str(filestore.lock_path(book)))
    with lock:  # another process writing (a different lock object: it really waits)
        code, out = run(capsys, "sauvegardes", "restaurer", "1", "--book", str(book), "--force")
    assert code == 1 and out["erreurs"][0]["code"] == "store.busy"
    assert book.read_bytes() == before


# --------------------------------------------------------------------------- symlinks, other extensions
def test_a_symlinked_workbook_keeps_its_link_and_finds_its_backups(capsys, book: Path, tmp_path: Path):
    link_dir = tmp_path / "bureau"
    link_dir.mkdir()
    link = link_dir / "SYC_Gestion.xlsm"
    link.symlink_to(book)
    assert main(["client", "ajouter", "--book", str(link), "--type", "particulier", "--nom", "A",
                 "--adresse", "1 rue", "--cp", "69001", "--ville", "Lyon"]) == 0
    capsys.readouterr()
    code, out = run(capsys, "sauvegardes", "liste", "--book", str(link))
    assert code == 0 and len(out["sauvegardes"]) == 1
    code, _ = run(capsys, "sauvegardes", "restaurer", "1", "--book", str(link), "--force")
    assert code == 0
    assert link.is_symlink() and FileStore(book).rows("tClients") == []


def test_backups_of_a_same_named_xlsx_are_not_this_workbooks(book: Path):
    other = book.with_suffix(".xlsx")
    other.write_bytes(book.read_bytes())
    backups.backup(other)
    assert backups.listing(book) == []
    backups.backup(book)
    assert [b.path.suffix for b in backups.listing(book)] == [".xlsm"]


def test_the_backup_just_taken_survives_a_wrong_clock(book: Path):
    old = dt.datetime(2000, 1, 1)
    for k in range(40):  # plenty of recent backups with a correct clock
        backups.backup(book, now=dt.datetime(2026, 3, 1) + dt.timedelta(minutes=k))
    taken = backups.backup(book, now=old)  # the machine's clock went back to 2000
    assert taken.exists()


# --------------------------------------------------------------------------- totals row
def test_an_excel_totals_row_is_neither_a_record_nor_writable(book: Path):
    add_client(book, "Réel")
    loc = ooxml.Package(str(book)).table("tClients")
    with zipfile.ZipFile(book) as z:
        table = z.read(loc.table_part)
        sheet = z.read(loc.sheet_part)
    *_, c2, r2 = loc.ref
    total_row = r2 + 1
    table = re.sub(rb'ref="[A-Z]+\d+:[A-Z]+\d+"', f'ref="A1:{ooxml.col_letter(c2)}{total_row}"'.encode(), table, count=1)
    table = re.sub(rb'(<autoFilter ref=")[^"]*"', f'\\g<1>A1:{ooxml.col_letter(c2)}{r2}"'.encode(), table, count=1)
    table = table.replace(b"<table ", b'<table totalsRowCount="1" ', 1)
    row = f'<row r="{total_row}"><c r="C{total_row}" t="inlineStr"><is><t>Total</t></is></c></row>'.encode()
    sheet = sheet.replace(b"</sheetData>", row + b"</sheetData>")
    with zipfile.ZipFile(book) as z:
        tmp = book.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            ooxml.rewrite(z, f, {loc.table_part: table, loc.sheet_part: sheet})
    tmp.replace(book)
    rows = FileStore(book).rows("tClients")
    assert [r["name"] for r in rows] == ["Réel"]
    cs = ChangeSet()
    cs.update("tClients", total_row, {"city": "Paris"})
    before = book.read_bytes()
    with pytest.raises(Refused) as exc:
        FileStore(book).apply(cs, as_of=dt.date(2026, 3, 1))
    assert exc.value.issues[0].code == "store.row"
    assert book.read_bytes() == before


# --------------------------------------------------------------------------- numbers and dates
def test_a_huge_number_in_a_money_cell_is_named(capsys, book: Path):
    cs = ChangeSet()
    cs.append("tArticles", {"code": "A", "designation": "x", "unit": "u", "unit_price": Decimal("1"),
                            "vat_rate": Decimal("20")})
    FileStore(book).apply(cs, as_of=dt.date(2026, 3, 1))
    part = sheet_of(book, "tArticles")
    data = zipfile.ZipFile(book).read(part)
    rezip(book, part, re.sub(rb'(<c r="D2"[^>]*><v>)1(</v>)', rb"\g<1>1E+30\g<2>", data))
    code, out = run(capsys, "article", "liste", "--book", str(book))
    assert code == 1 and out["erreurs"][0]["code"] == "store.value"
    assert "trop grand" in out["erreurs"][0]["message"] and "PU HT" in out["erreurs"][0]["message"]


def test_negative_zero_reads_as_zero(book: Path):
    from pyxl.workbook.filestore import from_cell

    assert str(from_cell(Column("m", "M", Kind.MONEY), -0.0)) == "0.00"


def test_dates_excel_cannot_show_are_refused():
    created = T_CLIENTS.column("created")
    with pytest.raises(ValueError, match="hors de la période"):
        to_cell(created, dt.date(1900, 2, 28))
    with pytest.raises(ValueError, match="hors de la période"):
        to_cell(created, dt.date(1902, 5, 1), date1904=True)
    assert to_cell(created, dt.date(1904, 1, 2), date1904=True).value == "1"


def test_au_outside_the_admitted_years_is_a_usage_error(capsys, book: Path):
    before = book.read_bytes()
    code = main(["client", "liste", "--book", str(book), "--au", "1899-06-01"])
    assert code == 2 and "hors de la période" in capsys.readouterr().err
    assert book.read_bytes() == before


# --------------------------------------------------------------------------- I/O errors
def test_a_full_disk_is_a_french_refusal(capsys, book: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ooxml, "rewrite", full)
    before = book.read_bytes()
    code = main(["client", "ajouter", "--book", str(book), "--json", "--type", "particulier", "--nom", "A",
                 "--adresse", "1 rue", "--cp", "69001", "--ville", "Lyon"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["erreurs"][0]["code"] == "store.io"
    assert book.read_bytes() == before
    assert [p.name for p in book.parent.iterdir() if p.name.endswith(".tmp")] == []


# --------------------------------------------------------------------------- markup variants
def test_single_quoted_row_and_cell_references_are_understood(book: Path):
    add_client(book, "Premier")
    part = sheet_of(book, "tClients")
    data = zipfile.ZipFile(book).read(part)
    data = re.sub(rb'<row r="(\d+)"', rb"<row r='\1'", data)
    data = re.sub(rb'<c r="([A-Z]+\d+)"', rb"<c r='\1'", data)
    rezip(book, part, data)
    add_client(book, "Second")
    assert [r["name"] for r in FileStore(book).rows("tClients")] == ["Premier", "Second"]
