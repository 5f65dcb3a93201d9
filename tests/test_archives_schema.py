"""Archives across schema changes: an archive written by the code of schema version 12 (fixture
`tests/data/archive-v12`, see its README) is read at the current schema through a migrated copy,
never rewritten (its SHA-256 is recorded), by `syc verifier`, `syc compta fec --archives` and
`syc rapport --archives`, once the active workbook has been migrated with `syc migrer`."""

from __future__ import annotations

import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from test_audit_specs import schema_at

from pyxl.cli import main
from pyxl.services import archives
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.schema import SCHEMA

DATA = Path(__file__).parent / "data" / "archive-v12"
ARCHIVE = "SYC_Gestion-exercice-2024.xlsm"
AS_OF = "2026-07-01"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "Archives").mkdir()
    shutil.copyfile(DATA / "SYC_Gestion.xlsm", tmp_path / "SYC_Gestion.xlsm")
    shutil.copyfile(DATA / "SYC_Gestion.syc-ancre", tmp_path / ".SYC_Gestion.xlsm.syc-ancre")
    shutil.copyfile(DATA / ARCHIVE, tmp_path / "Archives" / ARCHIVE)
    return tmp_path / "SYC_Gestion.xlsm"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def syc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--au", AS_OF, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_the_fixture_is_an_archive_of_an_older_schema() -> None:
    store = FileStore(DATA / ARCHIVE)
    try:
        assert store.version() == 12 < SCHEMA.version
    finally:
        store.close()


def test_an_older_archive_reads_after_syc_migrer_and_is_never_rewritten(book: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    archive = book.parent / "Archives" / ARCHIVE
    digest = sha(archive)
    code, _ = syc(capsys, "migrer", "--book", str(book))
    assert code == 0
    # syc verifier follows the genesis row into the archive: its SHA-256, journal and documents
    code, out = syc(capsys, "verifier", "--book", str(book))
    assert code == 0 and out["ok"], out
    # the FEC of the archived year, read with its archive, is the one written by the code of
    # version 12 before archiving, byte for byte
    code, out = syc(capsys, "compta", "fec", "--exercice", "2024", "--sortie", str(book.parent / "fec"),
                    "--archives", str(archive), "--book", str(book))
    assert code == 0, out
    (fec,) = (book.parent / "fec").glob("*FEC20241231.txt")
    assert fec.read_bytes() == (DATA / "FEC-2024-avant-archivage.txt").read_bytes()
    # the report counts the archive's invoices
    code, alone = syc(capsys, "rapport", "--book", str(book), "--periode", "2024")
    assert code == 0
    code, both = syc(capsys, "rapport", "--book", str(book), "--periode", "2024",
                     "--archives", str(archive))
    assert code == 0 and both["classeurs"][1] == ARCHIVE
    assert both["chiffres"]["ca_ht"] != alone["chiffres"]["ca_ht"]
    # the archive was only read: no byte changed, nothing left beside it
    assert sha(archive) == digest
    assert sorted(p.name for p in archive.parent.iterdir()) == [ARCHIVE]


def test_the_migrated_copy_is_the_archive_at_the_current_schema(book: Path) -> None:
    archive = book.parent / "Archives" / ARCHIVE
    raw = FileStore(archive, schema_at(12))
    try:
        numbers = sorted(str(r["number"]) for r in raw.rows_where("tFactures", "doc_type", {"Facture"}))
    finally:
        raw.close()
    with archives.opened(archive) as store:
        assert store.version() == SCHEMA.version
        store.check_version()
        assert sorted(str(r["number"]) for r in store.rows("tFactures") if r["doc_type"] == "Facture") == numbers
        assert numbers and all(r["written_off"] is None for r in store.rows("tFactures"))  # the column added in 13
        # every archived document still has the fingerprint its journal row holds (spec versions kept)
        assert archives._fingerprints(store, store.journal()) == []
        copy = store.path
    assert not copy.exists()


def test_an_altered_older_archive_is_still_found_by_the_verifier(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = book.parent / "Archives" / ARCHIVE
    assert syc(capsys, "migrer", "--book", str(book))[0] == 0
    with open(archive, "ab") as f:
        f.write(b"\0")
    code, out = syc(capsys, "verifier", "--book", str(book))
    assert code == 1 and "archive.modifiee" in json.dumps(out)


def test_a_later_year_archived_at_the_current_schema_chains_on_the_older_archive(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After `syc migrer`, 2025 is archived at the current schema: the verifier follows the genesis
    rows through both archives (schema 13 then 12), and an invoice of 2024 is found two archives back."""
    import datetime as dt

    assert syc(capsys, "migrer", "--book", str(book))[0] == 0
    older = book.parent / "Archives" / ARCHIVE
    digest = sha(older)
    newer = Path(archives.archive(book, dt.date(2025, 12, 31), dt.date(2026, 7, 1)).data["archive"])
    store = FileStore(book)
    try:
        assert archives.located(store) == [newer, older]
        found = archives.find_invoice(store, "F2024-00007")
    finally:
        store.close()
    assert found is not None and found.path == older and found.row["total_ttc"] == Decimal("434.88")
    code, out = syc(capsys, "verifier", "--book", str(book))
    assert code == 0 and out["ok"], out
    assert sha(older) == digest
