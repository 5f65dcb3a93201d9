"""The audit chain, end to end on a test table: what `FileStore.verify()` names, what it lets pass,
and what `FileStore.apply()` refuses.

The sales chain (invoices) does not exist yet, so the chain is exercised on two test tables,
tPiecesTest (documents) and tLignesTest (their lines). "Excel edits" are simulated at zip level:
either through a FileStore whose schema has *no* audit spec (so the guard of issued rows is not in
the way: exactly what a user typing in Excel does), or by patching the worksheet XML directly.

"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core import audit
from pyxl.core.issues import Issue, Refused
from pyxl.excel import builder
from pyxl.workbook import backups, ooxml
from pyxl.workbook.filestore import ChangeSet, FileStore, anchor_path, from_cell, read_anchor
from pyxl.workbook.schema import SCHEMA, AuditSpec, Column, Kind, Table

# --------------------------------------------------------------------------- the test schema
STATUSES = ("Brouillon", "Émise", "Payée")

T_PIECES = Table(
    name="tPiecesTest",
    sheet="Pièces test",
    key="number",
    columns=(
        Column("number", "Numéro", required=True),
        Column("date", "Date", Kind.DATE),
        Column("client", "Client"),
        Column("total", "Total HT", Kind.MONEY),
        Column("status", "Statut", Kind.CHOICE, choices=STATUSES),
        Column("paid", "Montant réglé", Kind.MONEY),
    ),
    audit=AuditSpec(
        key="number",
        immutable=("number", "date", "client", "total"),
        issued_column="status",
        issued_values=("Émise", "Payée"),
        date_column="date",
        lines_table="tLignesTest",
        lines_key="number",
        lines_immutable=("designation", "qty", "unit_price"),
    ),
)
T_LIGNES = Table(
    name="tLignesTest",
    sheet="Lignes test",
    columns=(
        Column("number", "Numéro", required=True),
        Column("designation", "Désignation"),
        Column("qty", "Quantité", Kind.DECIMAL),
        Column("unit_price", "PU HT", Kind.MONEY),
    ),
)
schema = SCHEMA.with_tables(T_PIECES, T_LIGNES)
# what a user in Excel is bound by: nothing (no audit spec, so no guard)
schema_excel = SCHEMA.with_tables(dataclasses.replace(T_PIECES, audit=None), T_LIGNES)

AS_OF = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 9, 30, 0)
SHEET = T_PIECES.sheet

# Sheet rows of the fixture (header in row 1):
#   Pièces test: 2 F2026-0001 (Émise), 3 F2026-0002 (Émise), 4 F2026-0003 (Émise), 5 BR-0001 (Brouillon)
#   Lignes test: 2-3 F2026-0001, 4-5 F2026-0002, 6-7 F2026-0003, 8 BR-0001
#   Journal d'audit: 2 n° 1 F2026-0001, 3 n° 2 F2026-0002, 4 n° 3 F2026-0003
DOCS = {
    "F2026-0001": (dt.date(2026, 3, 2), "Dupont", Decimal("1234.5"), [
        ("Chaudière gaz condensation", Decimal("1"), Decimal("1000")),
        ("Pose", Decimal("1.5"), Decimal("156.33")),
    ]),
    "F2026-0002": (dt.date(2026, 3, 3), "SARL Martin", Decimal("0.3"), [
        ("Joint", Decimal("3"), Decimal("0.1")),
        ("Déplacement", Decimal("1"), Decimal("0")),
    ]),
    "F2026-0003": (dt.date(2026, 3, 4), "Durand", Decimal("80"), [
        ("Entretien annuel", Decimal("1"), Decimal("80")),
        ("Main-d'œuvre", Decimal("0.25"), Decimal("0")),
    ]),
}
ROW_OF = {"F2026-0001": 2, "F2026-0002": 3, "F2026-0003": 4, "BR-0001": 5}


def doc_rows(number: str, status: str = "Émise") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    date, client, total, lines = DOCS[number]
    head = {"number": number, "date": date, "client": client, "total": total, "status": status}
    return head, [{"number": number, "designation": d, "qty": q, "unit_price": p} for d, q, p in lines]


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: three issued documents and one draft, issued through the store."""
    path = tmp_path_factory.mktemp("audit") / "SYC_Gestion.xlsm"
    builder.build(path, schema=schema)
    store = FileStore(path, schema)
    cs = ChangeSet()
    for number in DOCS:
        head, lines = doc_rows(number)
        cs.append("tPiecesTest", head)
        for line in lines:
            cs.append("tLignesTest", line)
        cs.issue("tPiecesTest", number, "Émission facture")
    cs.append("tPiecesTest", {"number": "BR-0001", "date": dt.date(2026, 3, 5), "client": "Petit",
                              "total": Decimal("99"), "status": "Brouillon"})
    cs.append("tLignesTest", {"number": "BR-0001", "designation": "Radiateur", "qty": Decimal("1"),
                              "unit_price": Decimal("99")})
    store.apply(cs, as_of=AS_OF, now=NOW)
    return path


@pytest.fixture
def wb(_template: Path, tmp_path: Path) -> Path:
    """A writable copy of the template (named wb: conftest's `book` is a blank workbook)."""
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(_template, path)
    return path


# --------------------------------------------------------------------------- helpers
def verify(path: Path) -> list[Issue]:
    return FileStore(path, schema).verify()


def codes(issues: Sequence[Issue]) -> list[str]:
    return sorted(i.code for i in issues)


def messages(issues: Sequence[Issue]) -> str:
    return "\n".join(i.message for i in issues)


def read(path: Path, table: str) -> list[dict[str, Any]]:
    return [dict(r.values) for r in FileStore(path, schema_excel).rows(table)]


def excel_edit(path: Path, table: str, row: int, **values: Any) -> None:
    """A user changing cells of one row in Excel (no guard: the store's schema has no audit spec)."""
    cs = ChangeSet()
    cs.update(table, row, values)
    FileStore(path, schema_excel).apply(cs, as_of=AS_OF, now=NOW)


def excel_append(path: Path, table: str, *rows: Mapping[str, Any]) -> None:
    cs = ChangeSet()
    for r in rows:
        cs.append(table, r)
    FileStore(path, schema_excel).apply(cs, as_of=AS_OF, now=NOW)


def excel_rewrite(path: Path, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """A user deleting, inserting, moving or sorting rows: the table's data rows become `rows`
    (rows left over at the end are blanked, as when Excel deletes a row of a table)."""
    t = schema_excel.table(table)
    current = FileStore(path, schema_excel).rows(table)
    first = 2
    cs = ChangeSet()
    n_old = (current[-1].row - first + 1) if current else 0
    for i, r in enumerate(rows):
        if i < n_old:
            cs.update(table, first + i, {k: r.get(k) for k in t.keys})
        else:
            cs.append(table, r)
    for i in range(len(rows), n_old):
        cs.update(table, first + i, dict.fromkeys(t.keys))
    FileStore(path, schema_excel).apply(cs, as_of=AS_OF, now=NOW)


def patch_sheet_xml(path: Path, table: str, fn: Callable[[bytes], bytes]) -> None:
    """Rewrite the worksheet XML holding `table` (bytes in, bytes out), everything else raw-copied."""
    pkg = ooxml.Package(str(path))
    part = pkg.table(table).sheet_part
    new = fn(pkg.read(part))
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        ooxml.rewrite(pkg.zip, f, {part: new})
    pkg.close()
    os.replace(tmp, path)


def snapshot(path: Path) -> tuple[bytes, list[str]]:
    return path.read_bytes(), sorted(p.name for p in backups.folder(path).glob("*"))


def apply(path: Path, cs: ChangeSet) -> None:
    FileStore(path, schema).apply(cs, as_of=AS_OF, now=NOW)


def refused(path: Path, cs: ChangeSet) -> list[Issue]:
    """Apply must refuse, leaving the file byte for byte as it was and taking no backup."""
    before = snapshot(path)
    with pytest.raises(Refused) as exc:
        apply(path, cs)
    assert snapshot(path) == before
    return exc.value.issues


# --------------------------------------------------------------------------- the fixture is clean
def test_fixture_is_clean_and_chained(wb: Path) -> None:
    assert verify(wb) == []
    journal = FileStore(wb, schema).journal()
    assert [(e.seq, e.ref, e.as_of) for e in journal] == [
        (1, "F2026-0001", dt.date(2026, 3, 2)),
        (2, "F2026-0002", dt.date(2026, 3, 3)),
        (3, "F2026-0003", dt.date(2026, 3, 4)),
    ]
    assert journal[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(journal))
    assert [r["number"] for r in read(wb, "tPiecesTest")] == list(ROW_OF)


def test_journal_fingerprints_what_is_read_back(wb: Path) -> None:
    """The doc_hash written at issue time is the hash of the values as the verifier reads them."""
    store = FileStore(wb, schema)
    lines = store.guard.lines_by_ref(T_PIECES)
    latest = audit.latest_by_doc(store.journal())
    for r in store.rows("tPiecesTest"):
        doc = store.guard.doc(T_PIECES, r.values, r.where, lines)
        if doc.issued:
            assert doc.doc_hash == latest[("tPiecesTest", doc.ref)].doc_hash


# --------------------------------------------------------------------------- what verify names
def test_edited_issued_row_is_named(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", 3, total=Decimal("0.40"))
    issues = verify(wb)
    assert codes(issues) == ["audit.edited"]
    msg = issues[0].message
    assert "Pièces test, ligne 3" in msg and "F2026-0002" in msg and "modifié après émission" in msg
    assert issues[0].where == "Pièces test, ligne 3"


@pytest.mark.parametrize("column, value", [("client", "SARL Martin & Fils"), ("number", "F2026-0002-bis")])
def test_other_immutable_columns_are_watched(wb: Path, column: str, value: str) -> None:
    excel_edit(wb, "tPiecesTest", 3, **{column: value})
    issues = verify(wb)
    assert issues, f"changing {column} of an issued row went unnoticed"
    assert "Pièces test, ligne 3" in messages(issues)


def test_edited_line_of_issued_document_is_named(wb: Path) -> None:
    excel_edit(wb, "tLignesTest", 5, qty=Decimal("2"))  # second line of F2026-0002
    issues = verify(wb)
    assert codes(issues) == ["audit.edited"]
    assert "Pièces test, ligne 3" in issues[0].message and "F2026-0002" in issues[0].message


def test_added_and_removed_lines_of_issued_document_are_named(wb: Path) -> None:
    excel_append(wb, "tLignesTest", {"number": "F2026-0001", "designation": "Remise", "qty": Decimal("1"),
                                       "unit_price": Decimal("5")})
    issues = verify(wb)
    assert codes(issues) == ["audit.edited"] and "F2026-0001" in issues[0].message

    rows = read(wb, "tLignesTest")
    excel_rewrite(wb, "tLignesTest", [r for r in rows if r["designation"] not in ("Remise", "Joint")])
    issues = verify(wb)
    assert codes(issues) == ["audit.edited"] and "F2026-0002" in issues[0].message


def test_back_dated_issued_row_is_named(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", 4, date=dt.date(2026, 2, 27))
    issues = verify(wb)
    assert codes(issues) == ["audit.edited"]
    msg = issues[0].message
    assert "Pièces test, ligne 4" in msg and "F2026-0003" in msg
    assert "antidaté ou postdaté" in msg and "27/02/2026" in msg and "04/03/2026" in msg


def test_deleted_issued_row_is_named(wb: Path) -> None:
    rows = read(wb, "tPiecesTest")
    excel_rewrite(wb, "tPiecesTest", [r for r in rows if r["number"] != "F2026-0002"])
    issues = verify(wb)
    assert codes(issues) == ["audit.deleted"]
    msg = issues[0].message
    assert msg.startswith("Pièces test : F2026-0002") and "supprimé" in msg and "journal n° 2" in msg


def test_deleted_issued_row_with_its_lines_is_named(wb: Path) -> None:
    excel_rewrite(wb, "tPiecesTest", [r for r in read(wb, "tPiecesTest") if r["number"] != "F2026-0001"])
    excel_rewrite(wb, "tLignesTest", [r for r in read(wb, "tLignesTest") if r["number"] != "F2026-0001"])
    assert codes(verify(wb)) == ["audit.deleted"]


def test_inserted_issued_row_is_named(wb: Path) -> None:
    excel_append(wb, "tPiecesTest", {"number": "F2026-0004", "date": dt.date(2026, 3, 6), "client": "Faux",
                                       "total": Decimal("500"), "status": "Émise"})
    issues = verify(wb)
    assert codes(issues) == ["audit.inserted"]
    msg = issues[0].message
    assert "Pièces test, ligne 6" in msg and "F2026-0004" in msg and "jamais été émis" in msg


def test_draft_turned_issued_by_hand_is_named(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", ROW_OF["BR-0001"], status="Émise")
    issues = verify(wb)
    assert codes(issues) == ["audit.inserted"] and "BR-0001" in issues[0].message


def test_issued_row_set_back_to_draft_then_edited_is_named(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", 2, status="Brouillon", total=Decimal("1"))
    issues = verify(wb)
    assert codes(issues) == ["audit.edited"] and "F2026-0001" in issues[0].message


def test_deleted_journal_row_is_named(wb: Path) -> None:
    rows = read(wb, "tJournalAudit")
    excel_rewrite(wb, "tJournalAudit", [rows[0], rows[2]])
    issues = verify(wb)
    got = codes(issues)
    assert "audit.sequence" in got and "audit.chain" in got
    seq = next(i for i in issues if i.code == "audit.sequence")
    assert "n° 2 est attendue, n° 3 trouvée" in seq.message and "supprimée" in seq.message
    assert seq.where == "Journal d'audit, ligne 3"


def test_deleted_last_journal_row_is_named_through_its_document(wb: Path) -> None:
    excel_rewrite(wb, "tJournalAudit", read(wb, "tJournalAudit")[:2])
    issues = verify(wb)
    assert codes(issues) == ["audit.inserted"] and "F2026-0003" in issues[0].message


def test_inserted_journal_row_is_named(wb: Path) -> None:
    rows = read(wb, "tJournalAudit")
    forged = dict(rows[0], seq=2, ref="F2026-0099")
    excel_rewrite(wb, "tJournalAudit", [rows[0], forged, rows[1], rows[2]])
    issues = verify(wb)
    assert {"audit.sequence", "audit.chain", "audit.entry"} <= set(codes(issues))
    seq = [i for i in issues if i.code == "audit.sequence"]
    assert any("insérée ou déplacée" in i.message for i in seq)


def test_inserted_well_forged_journal_row_in_the_middle_is_named(wb: Path) -> None:
    """Even a forger who recomputes the hashes of the row he inserts breaks the next row's link."""
    rows = read(wb, "tJournalAudit")
    first = FileStore(wb, schema).journal()[0]
    e = audit.next_entry(first, "2026-03-02T12:00:00", dt.date(2026, 3, 2), "Émission facture",
                         "tPiecesTest", "F2026-0099", "f" * 64)
    forged = {"seq": e.seq, "timestamp": e.timestamp, "as_of": e.as_of, "action": e.action, "table": e.table,
              "ref": e.ref, "doc_hash": e.doc_hash, "prev_hash": e.prev_hash, "hash": e.hash}
    excel_rewrite(wb, "tJournalAudit", [rows[0], forged, rows[1], rows[2]])
    issues = verify(wb)
    assert {"audit.sequence", "audit.chain", "audit.deleted"} <= set(codes(issues))
    assert any(i.where == "Journal d'audit, ligne 4" for i in issues if i.code == "audit.chain")


@pytest.mark.parametrize("column, value", [
    ("ref", "F2026-0009"),
    ("doc_hash", "0" * 64),
    ("timestamp", "2026-03-01T00:00:00"),
    ("as_of", dt.date(2026, 3, 1)),
    ("action", "Annulation"),
])
def test_edited_journal_row_is_named(wb: Path, column: str, value: Any) -> None:
    excel_edit(wb, "tJournalAudit", 3, **{column: value})
    issues = verify(wb)
    entry = [i for i in issues if i.code == "audit.entry"]
    assert len(entry) == 1, codes(issues)
    assert "Journal d'audit n° 2" in entry[0].message and "modifiée" in entry[0].message
    assert entry[0].where == "Journal d'audit, ligne 3"


def test_edited_journal_row_with_recomputed_hash_breaks_the_next_link(wb: Path) -> None:
    j = FileStore(wb, schema).journal()
    e = dataclasses.replace(j[1], doc_hash="a" * 64)
    excel_edit(wb, "tJournalAudit", 3, doc_hash=e.doc_hash, hash=e.expected_hash())
    issues = verify(wb)
    assert "audit.chain" in codes(issues)
    assert any(i.code == "audit.chain" and "n° 3" in i.message for i in issues)


def test_journal_row_with_cleared_date_is_named_not_a_crash(wb: Path) -> None:
    excel_edit(wb, "tJournalAudit", 3, as_of=None)
    issues = verify(wb)
    assert issues and all(i.where == "Journal d'audit, ligne 3" for i in issues if i.code.startswith("audit.entry"))
    assert any("Journal d'audit n° 2 (F2026-0002) : la date d'effet a été effacée" in i.message for i in issues)
    assert any("la ligne du journal a été modifiée" in i.message for i in issues)


def test_journal_row_with_cleared_date_and_deleted_document(wb: Path) -> None:
    excel_edit(wb, "tJournalAudit", 3, as_of=None)
    excel_rewrite(wb, "tPiecesTest", [r for r in read(wb, "tPiecesTest") if r["number"] != "F2026-0002"])
    issues = verify(wb)
    assert any(i.code == "audit.deleted" and "F2026-0002 (émis le ?" in i.message for i in issues)


def test_duplicated_issued_row_is_named(wb: Path) -> None:
    head = read(wb, "tPiecesTest")[0]
    excel_append(wb, "tPiecesTest", head)
    issues = verify(wb)
    assert codes(issues) == ["audit.duplicate"]
    msg = issues[0].message
    assert msg.startswith("Pièces test, ligne 6 : F2026-0001 figure deux fois (déjà en Pièces test, ligne 2)")
    assert issues[0].where == "Pièces test, ligne 6"


def test_duplicated_draft_row_is_named_too(wb: Path) -> None:
    excel_append(wb, "tPiecesTest", read(wb, "tPiecesTest")[3])
    assert codes(verify(wb)) == ["audit.duplicate"]


def test_issuing_out_of_order_is_refused(wb: Path) -> None:
    head, _ = doc_rows("F2026-0001")
    head.update(number="F2026-0004", date=dt.date(2026, 3, 1))
    cs = ChangeSet()
    cs.append("tPiecesTest", head)
    cs.issue("tPiecesTest", "F2026-0004", "Émission facture")
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.order"]
    assert "F2026-0004" in issues[0].message and "F2026-0003" in issues[0].message


def test_a_journal_out_of_order_is_named(wb: Path) -> None:
    """Written by another tool (the store refuses it): verify still names it."""
    store = FileStore(wb, schema)
    entries = store.journal()
    late = dataclasses.replace(entries[-1], seq=entries[-1].seq + 1, ref="F2026-0004", as_of=dt.date(2026, 1, 1),
                               where="Journal d'audit, ligne 99")
    issues = store.guard.chronology([*entries, late])
    assert codes(issues) == ["audit.order"]
    assert "F2026-0004" in issues[0].message and "F2026-0003" in issues[0].message


# --------------------------------------------------------------------------- what verify lets pass
def test_status_and_amount_paid_change_freely(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", 2, status="Payée", paid=Decimal("1234.5"))
    excel_edit(wb, "tPiecesTest", 3, paid=Decimal("0.1"))
    assert verify(wb) == []


def test_status_and_amount_paid_change_through_the_store(wb: Path) -> None:
    cs = ChangeSet()
    cs.update("tPiecesTest", 2, {"status": "Payée", "paid": Decimal("1234.50")})
    apply(wb, cs)
    assert verify(wb) == []
    assert read(wb, "tPiecesTest")[0]["status"] == "Payée"


def test_draft_is_edited_freely(wb: Path) -> None:
    row = ROW_OF["BR-0001"]
    excel_edit(wb, "tPiecesTest", row, total=Decimal("120"), client="Petit & Fils", date=dt.date(2026, 1, 1))
    excel_edit(wb, "tLignesTest", 8, qty=Decimal("2"), designation="Radiateurs")
    excel_append(wb, "tLignesTest", {"number": "BR-0001", "designation": "Vanne", "qty": Decimal("1"),
                                       "unit_price": Decimal("21")})
    assert verify(wb) == []
    rows = read(wb, "tPiecesTest")
    excel_rewrite(wb, "tPiecesTest", [r for r in rows if r["number"] != "BR-0001"])
    assert verify(wb) == []


def test_draft_issued_later_through_the_store(wb: Path) -> None:
    cs = ChangeSet()
    cs.update("tPiecesTest", ROW_OF["BR-0001"], {"status": "Émise", "date": dt.date(2026, 3, 5)})
    cs.issue("tPiecesTest", "BR-0001", "Émission facture")
    apply(wb, cs)
    assert verify(wb) == []
    assert FileStore(wb, schema).journal()[-1].ref == "BR-0001"


@pytest.mark.parametrize("key", ["number", "designation", "qty", "unit_price"])
def test_lines_sorted_in_excel(wb: Path, key: str) -> None:
    rows = read(wb, "tLignesTest")
    excel_rewrite(wb, "tLignesTest", sorted(rows, key=lambda r: (str(r[key]), r["designation"]), reverse=True))
    assert [r["designation"] for r in read(wb, "tLignesTest")] != [r["designation"] for r in rows]
    assert verify(wb) == []


def test_documents_sorted_in_excel(wb: Path) -> None:
    rows = read(wb, "tPiecesTest")
    excel_rewrite(wb, "tPiecesTest", list(reversed(rows)))
    assert verify(wb) == []


@pytest.mark.parametrize("old, new", [
    (b"<v>1234.5</v>", b"<v>1234.50</v>"),
    (b"<v>1234.5</v>", b"<v>1234.5000000000002</v>"),
    (b"<v>1234.5</v>", b"<v>1.2345E3</v>"),
    (b"<v>0.3</v>", b"<v>0.30000000000000004</v>"),  # what Excel stores for =0.1+0.2
    (b"<v>80</v>", b"<v>80.0</v>"),
    (b"<v>46084</v>", b"<v>46084.0</v>"),  # a date serial written as a float
])
def test_float_representation_is_not_an_edit(wb: Path, old: bytes, new: bytes) -> None:
    def fn(data: bytes) -> bytes:
        assert old in data
        return data.replace(old, new)

    patch_sheet_xml(wb, "tPiecesTest", fn)
    assert verify(wb) == []


def test_number_formats_are_not_an_edit(wb: Path) -> None:
    """The user re-formats the whole sheet: the cells lose or change their style index."""
    import re

    patch_sheet_xml(wb, "tPiecesTest", lambda d: re.sub(rb'(<c r="[A-Z]+[2-9]") s="\d+"', rb"\1", d))
    patch_sheet_xml(wb, "tLignesTest", lambda d: re.sub(rb'(<c r="[A-Z]+[2-9]") s="\d+"', rb'\1 s="0"', d))
    assert verify(wb) == []


def test_money_and_quantities_typed_as_text_are_not_an_edit(wb: Path) -> None:
    """Numbers entered as text (an apostrophe in Excel) read back as the same value."""
    excel_edit(wb, "tLignesTest", 3, qty="1,50", unit_price="156,330")
    excel_edit(wb, "tPiecesTest", 2, total="1 234,50")
    assert verify(wb) == []


def test_text_whitespace_is_not_an_edit(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", 3, client="  SARL  Martin ")
    excel_edit(wb, "tLignesTest", 2, designation="Chaudière gaz condensation   ")
    assert verify(wb) == []


def test_unrelated_writes_keep_the_chain_valid(wb: Path) -> None:
    cs = ChangeSet()
    cs.append("tSecteurs", {"prefix": "69", "sector": "Rhône"})
    cs.append("tLignesTest", {"number": "BR-0001", "designation": "Té", "qty": Decimal("2"),
                              "unit_price": Decimal("3.1")})
    apply(wb, cs)
    assert verify(wb) == []


# --------------------------------------------------------------------------- what apply refuses
def test_update_of_an_edited_issued_row_is_refused_file_untouched(wb: Path) -> None:
    excel_edit(wb, "tPiecesTest", 3, total=Decimal("0.40"))
    cs = ChangeSet()
    cs.update("tPiecesTest", 3, {"status": "Payée", "paid": Decimal("0.40")})
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.edited"]
    assert "Pièces test, ligne 3" in issues[0].message and "F2026-0002" in issues[0].message


def test_update_of_an_issued_row_whose_line_was_edited_is_refused(wb: Path) -> None:
    excel_edit(wb, "tLignesTest", 6, unit_price=Decimal("60"))
    cs = ChangeSet()
    cs.update("tPiecesTest", 4, {"status": "Payée"})
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.edited"] and "F2026-0003" in issues[0].message


@pytest.mark.parametrize("column, value, header", [
    ("total", Decimal("1300"), "Total HT"),
    ("date", dt.date(2026, 2, 1), "Date"),
    ("client", "Autre", "Client"),
    ("number", "F2026-0100", "Numéro"),
])
def test_update_of_an_immutable_column_is_refused(wb: Path, column: str, value: Any, header: str) -> None:
    cs = ChangeSet()
    cs.update("tPiecesTest", 2, {column: value, "status": "Payée"})
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.immutable"]
    assert "Pièces test, ligne 2" in issues[0].message and "F2026-0001" in issues[0].message
    assert header in issues[0].message


def test_update_of_a_draft_is_allowed(wb: Path) -> None:
    cs = ChangeSet()
    cs.update("tPiecesTest", ROW_OF["BR-0001"], {"total": Decimal("150")})
    apply(wb, cs)
    assert verify(wb) == []


@pytest.mark.parametrize("values", [
    {"qty": Decimal("5")},
    {"designation": "Autre chose"},
    {"number": "BR-0001"},  # moved to the draft
    {"number": None, "designation": None, "qty": None, "unit_price": None},  # deleted
], ids=["qty", "designation", "moved-out", "blanked"])
def test_update_of_a_line_of_an_issued_document_is_refused(wb: Path, values: dict[str, Any]) -> None:
    cs = ChangeSet()
    cs.update("tLignesTest", 2, values)
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.immutable"]
    assert "Lignes test, ligne 2" in issues[0].message and "F2026-0001" in issues[0].message


def test_moving_a_draft_line_into_an_issued_document_is_refused(wb: Path) -> None:
    cs = ChangeSet()
    cs.update("tLignesTest", 8, {"number": "F2026-0003"})
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.immutable"] and "F2026-0003" in issues[0].message


def test_append_of_a_line_to_an_issued_document_is_refused(wb: Path) -> None:
    cs = ChangeSet()
    cs.append("tLignesTest", {"number": "F2026-0001", "designation": "Ajout", "qty": Decimal("1"),
                              "unit_price": Decimal("1")})
    issues = refused(wb, cs)
    assert codes(issues) == ["audit.immutable"]
    assert "Lignes test" in issues[0].message and "F2026-0001" in issues[0].message


def test_lines_of_a_draft_change_through_the_store(wb: Path) -> None:
    cs = ChangeSet()
    cs.update("tLignesTest", 8, {"qty": Decimal("3"), "designation": "Radiateurs"})
    cs.append("tLignesTest", {"number": "BR-0001", "designation": "Vanne", "qty": Decimal("1"),
                              "unit_price": Decimal("21")})
    apply(wb, cs)
    assert verify(wb) == []


def test_a_value_that_cannot_be_written_is_refused_naming_the_column(wb: Path) -> None:
    cs = ChangeSet()
    cs.update("tPiecesTest", ROW_OF["BR-0001"], {"total": "douze euros"})
    issues = refused(wb, cs)
    assert codes(issues) == ["store.value"]
    assert "Pièces test" in issues[0].message and "Total HT" in issues[0].message


@pytest.mark.parametrize("tamper", ["edit", "delete", "insert"])
def test_issuing_with_a_broken_journal_is_refused(wb: Path, tamper: str) -> None:
    rows = read(wb, "tJournalAudit")
    if tamper == "edit":
        excel_edit(wb, "tJournalAudit", 3, ref="F2026-0009")
    elif tamper == "delete":
        excel_rewrite(wb, "tJournalAudit", [rows[0], rows[2]])
    else:
        excel_rewrite(wb, "tJournalAudit", [rows[0], dict(rows[0], seq=2), rows[1], rows[2]])
    head, _ = doc_rows("F2026-0003")
    head.update(number="F2026-0004", date=dt.date(2026, 3, 9))
    cs = ChangeSet()
    cs.append("tPiecesTest", head)
    cs.issue("tPiecesTest", "F2026-0004", "Émission facture")
    issues = refused(wb, cs)
    assert "audit.refused" in codes(issues)
    assert any("aucune pièce ne peut être émise" in i.message for i in issues)


# --------------------------------------------------------------------------- issuing: what is hashed
def issue_one(path: Path, **head: Any) -> list[Issue]:
    row = {"number": "F2026-0004", "date": dt.date(2026, 3, 9), "client": "Dupont", "total": Decimal("10"),
           "status": "Émise", **head}
    cs = ChangeSet()
    cs.append("tPiecesTest", row)
    cs.append("tLignesTest", {"number": "F2026-0004", "designation": "Pièce", "qty": Decimal("1"),
                              "unit_price": Decimal("10")})
    cs.issue("tPiecesTest", "F2026-0004", "Émission facture")
    apply(path, cs)
    return verify(path)


@pytest.mark.parametrize("head", [
    {"total": 10.0},
    {"total": Decimal("10.000")},
    {"total": 10},
    {"client": "  Dupont  "},
    {"total": "1234.5"},
    {"total": "1 234,50"},
    {"total": Decimal("10.005")},  # read back as 10.01: what is fingerprinted is what is read back
    {"client": 42},
    {"date": "09/03/2026"},
    {"date": "2026-03-09"},
], ids=["float", "decimal-3-zeros", "int", "spaces", "money-text", "money-french-text", "money-3-places",
        "int-in-text-column", "date-french-text", "date-iso-text"])
def test_issuing_loosely_typed_values_verifies_clean(wb: Path, head: dict[str, Any]) -> None:
    assert issue_one(wb, **head) == []


def test_issuing_a_date_given_as_text_journals_the_date(wb: Path) -> None:
    issue_one(wb, date="09/03/2026")
    assert FileStore(wb, schema).journal()[-1].as_of == dt.date(2026, 3, 9)


def test_negative_zero_is_written_as_zero(wb: Path) -> None:
    assert issue_one(wb, total=Decimal("-0.00")) == []
    with zipfile.ZipFile(wb) as z:
        assert b"<v>-0</v>" not in z.read(ooxml.Package(str(wb)).table("tPiecesTest").sheet_part)


def test_negative_zero_written_by_another_tool_is_not_an_edit(wb: Path) -> None:
    """A -0 cell (another writer) fingerprints as 0, so Excel saving it back as 0 is no edit."""
    issue_one(wb, total=Decimal("0"))

    def other_tool(data: bytes) -> bytes:
        assert data.count(b"<v>0</v>") == 1
        return data.replace(b"<v>0</v>", b"<v>-0</v>")

    patch_sheet_xml(wb, "tPiecesTest", other_tool)
    assert verify(wb) == []


# --------------------------------------------------------------------------- round trips
def test_hashes_are_stable_across_re_reading(wb: Path) -> None:
    def hashes() -> dict[str, str]:
        store = FileStore(wb, schema)
        lines = store.guard.lines_by_ref(T_PIECES)
        out = {r["number"]: store.guard.doc(T_PIECES, r.values, r.where, lines).doc_hash
               for r in store.rows("tPiecesTest")}
        store.close()
        return out

    first = hashes()
    assert hashes() == first
    excel_edit(wb, "tPiecesTest", 2, status="Payée")  # a rewrite of the sheet by the store
    assert hashes() == first


def _all_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    store = FileStore(path, schema)
    return {t.name: [dict(r.values) for r in store.rows(t.name)] for t in schema.tables}


def test_chain_survives_a_rewrite_by_another_writer(wb: Path, tmp_path: Path) -> None:
    """Every cell written again by XlsxWriter (shared strings, floats): the chain still verifies."""
    rows = _all_rows(wb)
    other = tmp_path / "reecrit.xlsm"
    builder.build(other, schema=schema, rows=rows)
    assert verify(other) == []
    assert _all_rows(other) == rows


def test_chain_survives_an_openpyxl_round_trip(wb: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    loaded = openpyxl.load_workbook(wb, keep_vba=True)
    other = tmp_path / "openpyxl.xlsm"
    loaded.save(other)
    with zipfile.ZipFile(other) as z:
        assert any(n.startswith("xl/tables/") for n in z.namelist())
    assert verify(other) == []


# --------------------------------------------------------------------------- the syc command
def journal_rows(n: int = 3) -> list[dict[str, Any]]:
    """n chained Journal d'audit rows, as syc writes them (for a real, default-schema workbook)."""
    out: list[dict[str, Any]] = []
    prev = None
    for i in range(1, n + 1):
        ref = f"F2026-{i:04d}"
        prev = audit.next_entry(prev, f"2026-03-{i:02d}T10:00:00", dt.date(2026, 3, i), "Émission facture",
                                "tEssai", ref, audit.document_hash("tEssai", ref, {}, ()))
        out.append({k: getattr(prev, k) for k in ("seq", "timestamp", "as_of", "action", "table", "ref",
                                                  "doc_hash", "prev_hash", "hash")})
    return out


def run_syc(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    from pyxl.cli import main

    status = main(list(argv))
    return status, json.loads(capsys.readouterr().out)


def test_cli_verifier_names_an_edited_journal_row(make_book: Callable[..., Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    real = make_book(rows={"tJournalAudit": journal_rows()})
    status, out = run_syc(capsys, "verifier", "--book", str(real), "--json")
    assert status == 0 and out["ok"] is True and out["journal"] == 3

    cs = ChangeSet()
    cs.update("tJournalAudit", 3, {"ref": "F2026-0009"})
    FileStore(real).apply(cs, as_of=AS_OF, now=NOW)  # tJournalAudit has no guard: as in Excel
    status, out = run_syc(capsys, "verifier", "--book", str(real), "--json")
    assert status == 1 and out["ok"] is False
    errs = out["erreurs"]
    assert [e["code"] for e in errs] == ["audit.entry"]
    assert "Journal d'audit n° 2 (F2026-0009)" in errs[0]["message"]
    assert errs[0]["ou"] == "Journal d'audit, ligne 3"

    from pyxl.cli import main

    assert main(["verifier", "--book", str(real)]) == 1
    assert "Erreur : Journal d'audit n° 2 (F2026-0009) : la ligne du journal a été modifiée" in capsys.readouterr().err


def test_cli_verifier_names_a_deleted_journal_row(make_book: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rows = journal_rows()
    real = make_book(rows={"tJournalAudit": [rows[0], rows[2]]})
    status, out = run_syc(capsys, "verifier", "--book", str(real), "--json")
    assert status == 1
    assert {e["code"] for e in out["erreurs"]} == {"audit.sequence", "audit.chain"}
    assert all(e["ou"] == "Journal d'audit, ligne 3" for e in out["erreurs"])


# --------------------------------------------------------------------------- properties of the hash
money = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                    allow_nan=False, allow_infinity=False)
quantity = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.999"), places=3,
                       allow_nan=False, allow_infinity=False)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
line_st = st.fixed_dictionaries({"designation": text, "qty": quantity, "unit_price": money})
LINE_COLS = ("designation", "qty", "unit_price")


@settings(max_examples=200, deadline=None)
@given(st.lists(line_st, max_size=8), st.randoms(use_true_random=False))
def test_document_hash_ignores_line_order(lines: list[dict[str, Any]], rnd: Any) -> None:
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    row = {"number": "F1", "total": Decimal("1")}
    assert audit.document_hash("t", "F1", row, ("number", "total"), lines, LINE_COLS) == \
        audit.document_hash("t", "F1", row, ("number", "total"), shuffled, LINE_COLS)


@settings(max_examples=300, deadline=None)
@given(money, st.integers(min_value=0, max_value=4))
def test_normalise_ignores_trailing_zeros(d: Decimal, extra: int) -> None:
    padded = d.quantize(Decimal(1).scaleb(-(2 + extra)))
    assert padded == d
    assert audit.normalise(padded) == audit.normalise(d) == audit.normalise(d.normalize())


@settings(max_examples=300, deadline=None)
@given(st.one_of(money, quantity))
def test_normalise_float_equals_decimal(d: Decimal) -> None:
    assert audit.normalise(float(d)) == audit.normalise(d)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**12, max_value=10**12))
def test_normalise_int_equals_decimal(n: int) -> None:
    assert audit.normalise(n) == audit.normalise(Decimal(n)) == audit.normalise(float(n))


@settings(max_examples=300, deadline=None)
@given(money, money)
def test_normalise_tells_cents_apart(a: Decimal, b: Decimal) -> None:
    assert (audit.normalise(a) == audit.normalise(b)) == (a == b)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab é\t\n"), max_size=6), min_size=1, max_size=4))
def test_normalise_ignores_whitespace_runs(words: list[str]) -> None:
    spaced = "  ".join(words) + " \n"
    assert audit.normalise(spaced) == audit.normalise(" ".join(" ".join(words).split()))


@settings(max_examples=300, deadline=None)
@given(money)
def test_money_cell_round_trip_keeps_the_hash(d: Decimal) -> None:
    """Written as Decimal, read back from the float calamine gives: the same normalised text."""
    col = T_PIECES.column("total")
    assert audit.normalise(from_cell(col, float(d))) == audit.normalise(d)


@settings(max_examples=300, deadline=None)
@given(quantity)
def test_quantity_cell_round_trip_keeps_the_hash(d: Decimal) -> None:
    col = T_LIGNES.column("qty")
    assert audit.normalise(from_cell(col, float(d))) == audit.normalise(d)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(text, money), min_size=4, max_size=4), st.integers(0, 3), st.one_of(text, money))
def test_document_hash_sees_every_immutable_value(values: list[Any], i: int, new: Any) -> None:
    keys = ("a", "b", "c", "d")
    row = dict(zip(keys, values, strict=True))
    changed = {**row, keys[i]: new}
    same = audit.normalise(new) == audit.normalise(values[i])
    assert (audit.document_hash("t", "F", row, keys) == audit.document_hash("t", "F", changed, keys)) == same


def test_normalise_negative_zero() -> None:
    assert audit.normalise(Decimal("-0.00")) == audit.normalise(Decimal("0")) == audit.normalise(-0.0)


def test_document_hash_separates_table_ref_and_fields() -> None:
    h = audit.document_hash
    assert h("t", "F1", {"a": "x y"}, ("a",)) != h("t", "F1", {"a": "x", "b": "y"}, ("a", "b"))
    assert h("t", "F1", {}, ()) != h("t", "F2", {}, ())
    assert h("t", "F1", {}, ()) != h("u", "F1", {}, ())
    assert h("t", "F1", {}, (), [{"d": "a"}, {"d": "b"}], ("d",)) != h("t", "F1", {}, (), [{"d": "a b"}], ("d",))


def test_normalise_dates() -> None:
    assert audit.normalise(dt.date(2026, 1, 1)) == "2026-01-01"
    assert audit.normalise(dt.datetime(2026, 1, 1, 8, 5, 3, 999)) == "2026-01-01T08:05:03"


# --------------------------------------------------------------------------- the anchor beside the workbook
def test_deleting_the_last_document_with_its_journal_row_is_named_by_the_anchor(
        wb: Path, _template: Path) -> None:
    """Inside the workbook nothing shows it; the anchor written at issue time does."""
    shutil.copyfile(anchor_path(_template), anchor_path(wb))
    assert verify(wb) == []
    pieces, journal = read(wb, "tPiecesTest"), read(wb, "tJournalAudit")
    excel_rewrite(wb, "tPiecesTest", [p for p in pieces if p["number"] != "F2026-0003"])
    excel_rewrite(wb, "tLignesTest", [x for x in read(wb, "tLignesTest") if x["number"] != "F2026-0003"])
    excel_rewrite(wb, "tJournalAudit", journal[:-1])
    issues = verify(wb)
    assert codes(issues) == ["audit.truncated"]
    assert "n° 2" in issues[0].message and "n° 3" in issues[0].message


def test_a_rewritten_journal_tail_is_named_by_the_anchor(wb: Path, _template: Path) -> None:
    shutil.copyfile(anchor_path(_template), anchor_path(wb))
    j = FileStore(wb, schema).journal()
    forged = dataclasses.replace(j[-1], timestamp="2026-03-09T08:00:00")
    forged = dataclasses.replace(forged, hash=forged.expected_hash())
    excel_edit(wb, "tJournalAudit", 4, timestamp=forged.timestamp, hash=forged.hash)
    assert "audit.anchor" in codes(verify(wb))


def test_issuing_moves_the_anchor(wb: Path) -> None:
    assert read_anchor(wb) is None  # the copy has no anchor: nothing to compare, nothing flagged
    assert issue_one(wb) == []
    seq, hash_ = read_anchor(wb)
    last = FileStore(wb, schema).journal()[-1]
    assert (seq, hash_) == (last.seq, last.hash)
