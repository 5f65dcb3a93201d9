"""FileStore: round trips, refusals that leave the workbook byte for byte, locks, concurrency, backups.

After every write the workbook must pass the OOXML validator and only the sheet and table parts
concerned may change; after every refusal the file is byte-identical and nothing is left behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BOOK_NAME
from filelock import FileLock
from ooxml_check import assert_only_changed, assert_valid, assert_zip_sound, zip_parts
from python_calamine import CalamineWorkbook

from pyxl.core.issues import Refused
from pyxl.excel.builder import build
from pyxl.workbook import backups, migrate, ooxml
from pyxl.workbook.filestore import ChangeSet, FileStore, lock_path, office_lock
from pyxl.workbook.schema import SCHEMA, Column, Kind, Table

AS_OF = dt.date(2026, 3, 15)
NOW = dt.datetime(2026, 3, 15, 10, 30, 0)

T_KINDS = Table(
    name="tTypes",
    sheet="Types",
    columns=(
        Column("text", "Texte"),
        Column("int", "Entier", Kind.INT),
        Column("money", "Montant", Kind.MONEY),
        Column("dec", "Quantité", Kind.DECIMAL),
        Column("rate", "TVA %", Kind.RATE),
        Column("date", "Date", Kind.DATE),
        Column("stamp", "Horodatage", Kind.TIMESTAMP),
        Column("choice", "Choix", Kind.CHOICE, choices=("Un", "Deux")),
        Column("flag", "Actif", Kind.BOOL),
    ),
)
KINDS_SCHEMA = SCHEMA.with_tables(T_KINDS)
# The tables of schema version 1, the version of the LibreOffice-saved fixture (tests/data/libreoffice).
# (its clients lack the « Accepte la prospection » of version 3)
V1_SCHEMA = dataclasses.replace(SCHEMA, version=1, tables=tuple(
    dataclasses.replace(t, columns=tuple(c for c in t.columns
                                         if c.key not in ("marketing_mail", "dunning_blocked", "collective_since",
                                                          "headcount", "iban")))
    for t in SCHEMA.tables
    if t.name in ("tParametres", "tCompteurs", "tClients", "tArticles", "tSecteurs", "tJournalAudit")))


def apply(path: Path, changes: ChangeSet, schema=SCHEMA) -> None:
    FileStore(path, schema).apply(changes, as_of=AS_OF, now=NOW)


def appended(table: str, *rows: dict) -> ChangeSet:
    cs = ChangeSet()
    for r in rows:
        cs.append(table, r)
    return cs


def rows(path: Path, table: str, schema=SCHEMA) -> list[dict]:
    return [dict(r.values) for r in FileStore(path, schema).rows(table)]


def part_of(path: Path, table: str) -> tuple[str, str]:
    pkg = ooxml.Package(str(path))
    try:
        loc = pkg.table(table)
        return loc.sheet_part, loc.table_part
    finally:
        pkg.close()


def listing(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


def assert_refused_untouched(path: Path, changes: ChangeSet, code: str, schema=SCHEMA) -> Refused:
    """The change set is refused with `code`; the workbook is byte-identical, nothing is left."""
    before = path.read_bytes()
    files = listing(path.parent)
    with pytest.raises(Refused) as info:
        apply(path, changes, schema)
    assert path.read_bytes() == before
    assert listing(path.parent) - files <= {lock_path(path).name}, "files left behind"
    assert [i.code for i in info.value.issues] == [code], info.value.issues
    return info.value


# --------------------------------------------------------------------------- round trips
def test_every_column_kind_round_trips(tmp_path):
    path = tmp_path / BOOK_NAME
    build(path, schema=KINDS_SCHEMA)
    values = {
        "text": "Chaudière « Éco » & fils",
        "int": 2026,
        "money": Decimal("1234.56"),
        "dec": Decimal("2.125"),
        "rate": Decimal("5.5"),
        "date": dt.date(2026, 2, 28),
        "stamp": "2026-03-15T10:30:00",
        "choice": "Deux",
        "flag": True,
    }
    apply(path, appended("tTypes", values, {"text": "vide", "flag": False, "money": "-0,5", "rate": "20"}),
          KINDS_SCHEMA)
    assert_valid(path)
    got = rows(path, "tTypes", KINDS_SCHEMA)
    assert got[0] == {**values, "flag": "Oui"}
    assert isinstance(got[0]["money"], Decimal) and str(got[0]["money"]) == "1234.56"
    assert got[1] == {"text": "vide", "int": None, "money": Decimal("-0.50"), "dec": None, "rate": Decimal("20"),
                      "date": None, "stamp": None, "choice": None, "flag": "Non"}
    # a second store reads what the first wrote, and updates it
    cs = ChangeSet()
    cs.update("tTypes", 2, {"money": Decimal("0.1"), "date": dt.date(2027, 1, 1), "int": 0})
    apply(path, cs, KINDS_SCHEMA)
    assert_valid(path)
    got = rows(path, "tTypes", KINDS_SCHEMA)
    assert (got[0]["money"], got[0]["date"], got[0]["int"], got[0]["text"]) == (
        Decimal("0.10"), dt.date(2027, 1, 1), 0, values["text"])


def test_rows_of_a_fresh_workbook_are_empty_and_parameters_prefilled(book):
    store = FileStore(book)
    assert store.rows("tClients") == [] and store.rows("tCompteurs") == []
    params = store.parameters()
    assert params["conditions_paiement"] == "30 jours fin de mois"
    assert store.version() == SCHEMA.version


def test_appends_change_only_the_sheet_and_table_parts(book, tmp_path):
    before = tmp_path / "before.xlsm"
    before.write_bytes(book.read_bytes())
    apply(book, appended("tClients", {"code": "C001", "kind": "Particulier", "name": "Dupont"},
                         {"code": "C002", "kind": "Professionnel", "name": "Durand"}))
    sheet, table = part_of(book, "tClients")
    assert assert_only_changed(before, book, {sheet, table}) == {sheet, table}
    assert_valid(book)
    assert_zip_sound(book)
    assert [r["code"] for r in rows(book, "tClients")] == ["C001", "C002"]
    # the first row went into the placeholder row: the table grew by one row only
    assert ooxml.Package(str(book)).table("tClients").ref == (1, 1, len(SCHEMA.table("tClients").columns), 3)


HOSTILE = [
    "Éts Müller & Fils <SARL> \"l'atelier\" — 5 €",
    "  espaces devant et derrière  ",
    "ligne 1\nligne 2\r\nligne 3\rfin",
    "_x0041_ et _x0041_x0042_ et _x005F_",
    "contrôle \x01\x07\x1b\x00 fin",
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://exemple.invalid\";\"clic\")",
    "+33 6 12 34 56 78",
    "0612",
    "-2",
    "tab\tulation",
    "]]> &amp; &#65; <![CDATA[x]]>",
    "emoji 🔥 𝔘",
    "x" * 32_767,
]


def test_hostile_text_is_kept_exactly(book):
    apply(book, appended("tClients", *({"code": f"C{i:03}", "name": t, "notes": t} for i, t in enumerate(HOSTILE))))
    assert_valid(book)
    got = rows(book, "tClients")
    assert [r["name"] for r in got] == HOSTILE
    assert [r["notes"] for r in got] == HOSTILE
    sheet, _ = part_of(book, "tClients")
    xml = zip_parts(book)[sheet]
    assert b"<f>" not in xml and b"<f " not in xml  # formula-like text is never a formula


def test_updates_of_existing_rows(book, tmp_path):
    apply(book, appended("tClients", *({"code": f"C{i}", "name": f"N{i}", "city": "Lyon"} for i in range(1, 5))))
    before = tmp_path / "before.xlsm"
    before.write_bytes(book.read_bytes())
    cs = ChangeSet()
    cs.update("tClients", 3, {"name": "Nouveau nom & <co>", "city": ""})
    cs.update("tClients", 5, {"notes": "dernière"})
    cs.update("tClients", 3, {"phone": "04 00 00 00 00"})  # the same row twice: written once
    apply(book, cs)
    sheet, _ = part_of(book, "tClients")
    assert_only_changed(before, book, {sheet})
    assert_valid(book)
    got = rows(book, "tClients")
    assert [(r["code"], r["name"], r["city"], r["phone"], r["notes"]) for r in got] == [
        ("C1", "N1", "Lyon", None, None),
        ("C2", "Nouveau nom & <co>", None, "04 00 00 00 00", None),
        ("C3", "N3", "Lyon", None, None),
        ("C4", "N4", "Lyon", None, "dernière"),
    ]


def test_update_and_append_landing_on_the_same_blank_row(book):
    """An update of the blank placeholder row and an append (which fills that row) in one change set."""
    cs = appended("tSecteurs", {"prefix": "69", "sector": "Lyon"})
    cs.update("tSecteurs", 2, {"notes": "note"})
    apply(book, cs)
    assert_valid(book)
    got = rows(book, "tSecteurs")
    assert len(got) == 1 and got[0]["prefix"] == "69"


def test_update_outside_the_table_is_refused(book):
    cs = ChangeSet()
    cs.update("tClients", 7, {"name": "x"})
    assert_refused_untouched(book, cs, "store.row")


def test_empty_change_set_touches_nothing(book):
    before = book.read_bytes()
    apply(book, ChangeSet())
    assert book.read_bytes() == before
    assert not (book.parent / backups.DIRNAME).exists()


@pytest.mark.parametrize("migrated", [False, True], ids=["as-saved-v1", "migrated"])
def test_libreoffice_saved_workbook_is_written_in_place(libreoffice_book, tmp_path, migrated):
    """The fixture is a version-1 workbook: written as it is with the schema of version 1, and once
    migrated to the current schema (its LibreOffice sheets are kept as they are by the migration)."""
    schema = V1_SCHEMA
    if migrated:
        assert migrate.migrate(libreoffice_book)
        schema = SCHEMA
    assert FileStore(libreoffice_book, schema).version() == schema.version
    before = tmp_path / "before.xlsx"
    before.write_bytes(libreoffice_book.read_bytes())
    cs = appended("tClients", {"code": "C003", "kind": "Particulier", "name": "L'Hôpital", "created": AS_OF,
                               "active": True})
    cs.append("tCompteurs", {"series": "FA", "year": 2026, "last": 1})
    cs.update("tClients", 2, {"notes": "vu"})
    apply(libreoffice_book, cs, schema)
    assert_valid(libreoffice_book)
    c_sheet, c_table = part_of(libreoffice_book, "tClients")
    k_sheet, _ = part_of(libreoffice_book, "tCompteurs")
    assert_only_changed(before, libreoffice_book, {c_sheet, c_table, k_sheet})
    got = rows(libreoffice_book, "tClients", schema)
    assert [(r["code"], r["notes"], r["created"], r["active"]) for r in got] == [
        ("C001", "vu", dt.date(2026, 1, 15), "Oui"),
        ("C002", None, dt.date(2026, 2, 1), "Non"),
        ("C003", None, AS_OF, "Oui"),
    ]
    assert rows(libreoffice_book, "tCompteurs", schema) == [{"series": "FA", "year": 2026, "last": 1}]


def test_columns_moved_by_the_user_are_followed(book):
    """The user dragged 'Remarques' before 'Secteur': values go under their headers, not their positions."""
    sheet, table = part_of(book, "tSecteurs")
    parts = zip_parts(book)
    t = parts[table]
    m = re.search(rb'(<tableColumn id="2" name="Secteur"[^>]*/>)(<tableColumn id="3" name="Remarques"[^>]*/>)', t)
    assert m
    t = t[: m.start()] + m.group(2) + m.group(1) + t[m.end():]
    s = parts[sheet]
    b1 = re.search(rb'<c r="B1"[^>]*><v>(\d+)</v></c>', s)
    c1 = re.search(rb'<c r="C1"[^>]*><v>(\d+)</v></c>', s)
    assert b1 and c1
    s = (s[: b1.start(1)] + c1.group(1) + s[b1.end(1): c1.start(1)] + b1.group(1) + s[c1.end(1):])
    _rezip(book, {table: t, sheet: s})
    assert_valid(book)
    apply(book, appended("tSecteurs", {"prefix": "69", "sector": "Lyon", "notes": "rive gauche"}))
    assert_valid(book)
    assert rows(book, "tSecteurs") == [{"prefix": "69", "sector": "Lyon", "notes": "rive gauche"}]
    # the cells themselves: column B holds the notes now
    sheet_rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Secteurs").to_python()
    assert sheet_rows[1][:3] == ["69", "rive gauche", "Lyon"]


def test_symlinked_workbook_is_written_through_the_link(book, tmp_path):
    link = tmp_path / "lien.xlsm"
    link.symlink_to(book)
    apply(link, appended("tSecteurs", {"prefix": "69"}))
    assert link.is_symlink()
    assert [r["prefix"] for r in rows(book, "tSecteurs")] == ["69"]


# --------------------------------------------------------------------------- refusals leave the file as it was
ONE_CLIENT = {"code": "C001", "kind": "Particulier", "name": "Dupont"}


@pytest.mark.parametrize("lock_name", ["~$SYC_Gestion.xlsm", ".~lock.SYC_Gestion.xlsm#", "~$C_Gestion.xlsm"])
def test_refused_while_open_in_excel_or_libreoffice(book, lock_name):
    (book.parent / lock_name).write_bytes(b"owner")
    assert office_lock(book) == lock_name
    refused = assert_refused_untouched(book, appended("tClients", ONE_CLIENT), "store.open")
    assert "ouvert dans Excel ou LibreOffice" in str(refused)


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / BOOK_NAME
    path.write_bytes(b"ceci n'est pas un classeur\n" * 100)
    refused = assert_refused_untouched(path, appended("tClients", ONE_CLIENT), "store.notbook")
    assert "n'est pas un classeur Excel" in str(refused)
    with pytest.raises(Refused):
        FileStore(path).rows("tClients")


def test_zip_without_workbook_part_is_refused(book):
    with zipfile.ZipFile(book) as z:
        parts = {i.filename: z.read(i) for i in z.infolist() if i.filename != "xl/workbook.xml"}
    with zipfile.ZipFile(book, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    assert_refused_untouched(book, appended("tClients", ONE_CLIENT), "store.notbook")


def test_missing_workbook_is_refused(tmp_path):
    with pytest.raises(Refused) as info:
        FileStore(tmp_path / "absent.xlsm")
    assert info.value.issues[0].code == "store.missing"
    assert not list(tmp_path.iterdir())


def _rezip(path: Path, changes: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, changes.get(info.filename, data))


@pytest.mark.parametrize(("version", "code"), [
    (str(SCHEMA.version + 1), "store.new"),
    (str(SCHEMA.version - 1), "store.old"),
    ("0", "store.old"),
])
def test_wrong_schema_version_is_refused(book, version, code):
    wb = zip_parts(book)["xl/workbook.xml"]
    new = re.sub(rb'(name="_SYC_VersionSchema"[^>]*>)=?\d+<', rb"\g<1>=" + version.encode() + b"<", wb)
    assert new != wb
    _rezip(book, {"xl/workbook.xml": new})
    assert_refused_untouched(book, appended("tClients", ONE_CLIENT), code)


def test_renamed_header_is_refused(book):
    sheet, table = part_of(book, "tClients")
    parts = zip_parts(book)
    t = parts[table].replace(b'name="Nom / raison sociale"', b'name="Raison sociale"')
    # the header cell C1 holds the same text (Excel keeps both in step)
    s = re.sub(rb'<c r="C1"([^>]*?) t="s"><v>\d+</v></c>',
               rb'<c r="C1"\1 t="inlineStr"><is><t>Raison sociale</t></is></c>', parts[sheet])
    assert t != parts[table] and s != parts[sheet]
    _rezip(book, {table: t, sheet: s})
    assert_valid(book)
    refused = assert_refused_untouched(book, appended("tClients", ONE_CLIENT), "store.columns")
    assert "Nom / raison sociale" in str(refused)
    with pytest.raises(Refused):
        FileStore(book).rows("tClients")


def test_missing_table_is_refused(book):
    _, table = part_of(book, "tSecteurs")
    t = zip_parts(book)[table].replace(b'displayName="tSecteurs"', b'displayName="tAutre"')
    _rezip(book, {table: t})
    assert_refused_untouched(book, appended("tSecteurs", {"prefix": "1"}), "store.table")


def test_cells_below_a_table_are_refused(book):
    sheet, _ = part_of(book, "tSecteurs")
    s = zip_parts(book)[sheet].replace(
        b"</sheetData>", b'<row r="5"><c r="B5" t="inlineStr"><is><t>note</t></is></c></row></sheetData>')
    s = s.replace(b'<dimension ref="A1:C1"/>', b'<dimension ref="A1:C5"/>')
    _rezip(book, {sheet: s})
    assert_valid(book)
    # rows 2..4 would fit, but the grown table would touch row 5 (Excel wants row 5 free too)
    three = appended("tSecteurs", *({"prefix": str(i), "sector": "S"} for i in range(3)))
    refused = assert_refused_untouched(book, three, "store.below")
    assert "ligne 5" in str(refused)
    # one row fits well above the note: accepted, the note stays
    apply(book, appended("tSecteurs", {"prefix": "69", "sector": "Lyon"}))
    assert_valid(book)
    assert b"<t>note</t>" in zip_parts(book)[sheet]


def test_cells_below_but_beside_the_table_are_fine(book):
    sheet, _ = part_of(book, "tSecteurs")
    s = zip_parts(book)[sheet].replace(
        b"</sheetData>", b'<row r="3"><c r="E3" t="inlineStr"><is><t>note</t></is></c></row></sheetData>')
    s = s.replace(b'<dimension ref="A1:C1"/>', b'<dimension ref="A1:E3"/>')
    _rezip(book, {sheet: s})
    apply(book, appended("tSecteurs", *({"prefix": str(i)} for i in range(4))))
    assert_valid(book)
    assert [r["prefix"] for r in rows(book, "tSecteurs")] == ["0", "1", "2", "3"]
    assert b'<c r="E3" t="inlineStr"><is><t>note</t></is></c>' in zip_parts(book)[sheet]


def test_table_with_a_totals_row_is_refused(book):
    _, table = part_of(book, "tSecteurs")
    t = zip_parts(book)[table].replace(b'totalsRowShown="0"', b'totalsRowCount="1"')
    _rezip(book, {table: t})
    assert_refused_untouched(book, appended("tSecteurs", {"prefix": "1"}), "store.totals")


def test_bad_values_are_refused_naming_the_cells(book):
    apply(book, appended("tCompteurs", {"series": "FA", "year": 2026, "last": 3}))
    sheet, _ = part_of(book, "tCompteurs")
    s = re.sub(rb'<c r="C2"([^>]*)><v>3</v></c>', rb'<c r="C2"\1 t="inlineStr"><is><t>trois</t></is></c>',
               zip_parts(book)[sheet])
    _rezip(book, {sheet: s})
    store = FileStore(book)
    rows = store.rows("tCompteurs")  # cells are typed when read: the row itself is there
    assert rows[0]["series"] == "FA"
    with pytest.raises(Refused) as info:
        rows[0]["last"]
    assert info.value.issues[0].where == "Compteurs, ligne 2"
    assert "Dernier numéro" in info.value.issues[0].message
    assert [i.where for i in store.check_table("tCompteurs")] == ["Compteurs, ligne 2"]


def test_text_too_long_for_a_cell_is_refused_before_writing(book):
    before = book.read_bytes()
    with pytest.raises((Refused, ooxml.PackageError)):
        apply(book, appended("tClients", {**ONE_CLIENT, "notes": "x" * 32_768}))
    assert book.read_bytes() == before
    assert not (book.parent / backups.DIRNAME).exists()
    assert not list(book.parent.glob("*.tmp"))


def test_patch_errors_are_refusals(book):
    assert_refused_untouched(book, appended("tClients", {**ONE_CLIENT, "notes": "x" * 32_768}), "store.patch")


def test_file_mode_is_kept(book):
    """A workbook shared with a group (0664) must not become private (0600) after a write."""
    os.chmod(book, 0o664)
    apply(book, appended("tClients", ONE_CLIENT))
    assert oct(book.stat().st_mode & 0o777) == oct(0o664)


@pytest.mark.parametrize("where", ["rewrite", "fsync", "backup", "replace"])
def test_an_error_while_writing_leaves_the_old_workbook(book, monkeypatch, where):
    """Disk full, I/O error…: whatever step fails, the workbook is the old one and no temp file stays."""
    from pyxl.workbook import commit, filestore

    before = book.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if where == "rewrite":
        real = ooxml._write_entry

        def half(zout, info, name, data, deflated=None):  # one part written, then the disk is full
            real(zout, info, name, data[: len(data) // 2])
            boom()

        monkeypatch.setattr(ooxml, "_write_entry", half)
    elif where == "fsync":
        monkeypatch.setattr(filestore.os, "fsync", boom)
    elif where == "backup":
        monkeypatch.setattr(commit.backups, "backup", boom)
    else:
        monkeypatch.setattr(filestore.os, "replace", boom)
    with pytest.raises(OSError):
        apply(book, appended("tClients", ONE_CLIENT))
    monkeypatch.undo()
    assert book.read_bytes() == before
    assert not list(book.parent.glob(".*.tmp"))
    assert_valid(book)
    apply(book, appended("tClients", ONE_CLIENT))  # and the next write goes through
    assert [r["code"] for r in rows(book, "tClients")] == ["C001"]


# --------------------------------------------------------------------------- locks and concurrency
WRITER = textwrap.dedent("""
    import datetime as dt, os, sys, time
    from pyxl.core.issues import Refused
    from pyxl.workbook.filestore import ChangeSet, FileStore
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    go = os.environ.get("GO")
    while go and not os.path.exists(go):  # start line: all writers begin together
        time.sleep(0.001)
    for i in range(n):
        cs = ChangeSet()
        cs.append("tSecteurs", {"prefix": f"{tag}{i}", "sector": tag})
        try:
            FileStore(path).apply(cs, as_of=dt.date(2026, 3, 15))
        except Refused as exc:
            print("REFUSED", exc, flush=True)
            sys.exit(3)
        print("done", i, flush=True)
""")


def writer(path: Path, tag: str, n: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, str(n)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )


def test_two_processes_writing_at_once_both_succeed(book, tmp_path):
    go = tmp_path / "go"
    n = 10
    procs = [writer(book, tag, n, GO=str(go)) for tag in ("A", "B")]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.count("done") == n
    assert_valid(book)
    got = [r["prefix"] for r in rows(book, "tSecteurs")]
    assert sorted(got) == sorted([f"A{i}" for i in range(n)] + [f"B{i}" for i in range(n)])
    # each writer's rows are in its own order (the lock is not fair: they may or may not interleave)
    for tag in "AB":
        assert [g for g in got if g[0] == tag] == [f"{tag}{i}" for i in range(n)]
    assert len(backups.listing(book)) == 2 * n


def test_writer_waits_then_is_refused_while_the_lock_is_held(book):
    before = book.read_bytes()
    with FileLock(str(lock_path(book))):
        p = writer(book, "Z", 1, SYC_LOCK_TIMEOUT="0.5")
        out, err = p.communicate(timeout=60)
    assert p.returncode == 3, err
    assert "en cours de modification par une autre commande SYC" in out
    assert "Réessayez" in out
    assert book.read_bytes() == before
    assert not (book.parent / backups.DIRNAME).exists()
    # once the lock is free, the same writer goes through
    p = writer(book, "Z", 1, SYC_LOCK_TIMEOUT="0.5")
    assert p.wait(timeout=60) == 0
    assert [r["prefix"] for r in rows(book, "tSecteurs")] == ["Z0"]


def test_writer_waits_for_a_short_lock(book):
    import threading

    lock = FileLock(str(lock_path(book)), thread_local=False)  # released by the timer's thread
    lock.acquire()
    timer = threading.Timer(0.5, lock.release)
    timer.start()
    try:
        p = writer(book, "W", 1, SYC_LOCK_TIMEOUT="20")
        assert p.wait(timeout=60) == 0, p.stderr.read() if p.stderr else ""
    finally:
        timer.join()
    assert [r["prefix"] for r in rows(book, "tSecteurs")] == ["W0"]


# --------------------------------------------------------------------------- backups
def test_each_write_leaves_a_backup_of_the_previous_version(book):
    versions = [book.read_bytes()]
    for i in range(3):
        apply(book, appended("tSecteurs", {"prefix": str(i)}))
        versions.append(book.read_bytes())
    found = backups.listing(book)
    assert len(found) == 3
    assert [b.path.read_bytes() for b in reversed(found)] == versions[:3]
    for b in found:
        assert b.path.parent == book.parent / "sauvegardes"
        assert_valid(b.path)
    assert not list((book.parent / "sauvegardes").glob(".*"))


def test_a_backup_is_the_previous_file_itself_never_the_workbook(book):
    """The backup before a write is a hard link to the file about to be replaced (no copy), so it
    must never be the workbook's own file: writing again leaves it as it was."""
    before = book.read_bytes()
    apply(book, appended("tSecteurs", {"prefix": "69"}))
    (first,) = backups.listing(book)
    assert not first.path.samefile(book)
    assert first.path.read_bytes() == before
    apply(book, appended("tSecteurs", {"prefix": "38"}))
    assert first.path.read_bytes() == before
    assert all(not b.path.samefile(book) for b in backups.listing(book))


def test_listing_survives_a_backup_pruned_while_it_lists(book):
    apply(book, appended("tSecteurs", {"prefix": "1"}))
    # a name listed by iterdir() whose file is gone by the time it is stat()ed
    os.symlink("disparu", backups.folder(book) / f"{book.stem}_2026-01-01_000000_000000{book.suffix}")
    assert len(backups.listing(book)) == 1


def _fake(book: Path, when: dt.datetime) -> Path:
    d = backups.folder(book)
    d.mkdir(exist_ok=True)
    p = d / f"{book.stem}_{when:%Y-%m-%d_%H%M%S_%f}{book.suffix}"
    p.write_bytes(b"x")
    return p


def test_backups_rotate(book):
    now = dt.datetime(2026, 3, 15, 12, 0, 0)
    made = []
    # 40 backups today (every 10 minutes), 3 a day for the 60 days before, 1 a week for 3 years before that
    made += [now - dt.timedelta(minutes=10 * i) for i in range(40)]
    made += [now - dt.timedelta(days=d, hours=h) for d in range(1, 61) for h in (1, 5, 9)]
    made += [now - dt.timedelta(days=61 + 7 * w) for w in range(160)]
    for when in made:
        _fake(book, when)
    other = _fake(book.with_name("Autre.xlsm"), now)  # another workbook's backup
    leftover = backups.folder(book) / ".abc123.tmp"
    leftover.write_bytes(b"half a copy")
    removed = backups.prune(book)
    kept = sorted((b.taken for b in backups.listing(book)), reverse=True)
    # expected: the 30 most recent, then the first of each of the 30 most recent days (the state
    # at the start of the day), then the first of each of the 24 most recent months
    ordered = sorted(made, reverse=True)
    expect = set(ordered[:30])
    days: dict[dt.date, dt.datetime] = {}
    months: dict[tuple[int, int], dt.datetime] = {}
    for w in sorted(made):
        days.setdefault(w.date(), w)
        months.setdefault((w.year, w.month), w)
    expect |= set(sorted(days.values(), reverse=True)[:30])
    expect |= set(sorted(months.values(), reverse=True)[:24])
    assert set(kept) == expect
    assert len(removed) == len(made) - len(expect)
    assert other.exists() and not leftover.exists()
    # the oldest kept backup is about two years old; nothing older survives
    assert min(kept) >= now - dt.timedelta(days=24 * 31 + 62)
    # a real write keeps pruning: the count stays bounded
    apply(book, appended("tSecteurs", {"prefix": "1"}))
    assert len(backups.listing(book)) <= len(expect) + 1
