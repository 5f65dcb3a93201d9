"""Versioned audit specs: a fingerprint is always recomputed with the columns it was made with.

A later version adds a fingerprinted column (as the legal issue does for the penalty clause on
invoices): documents issued before keep their fingerprint and their journal row's hash; documents
issued after are fingerprinted with the new column; `syc verifier` is clean on both, and an edit of
either is still caught. And the version-4 workbook with issued documents, migrated to version 5,
keeps every fingerprint and verifies clean before and after a new issue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pyxl.core import audit
from pyxl.core.issues import Refused
from pyxl.excel import builder
from pyxl.workbook import migrate as mig
from pyxl.workbook.filestore import ChangeSet, FileStore, anchor_path
from pyxl.workbook.schema import SCHEMA, AuditSpec, Column, Kind, Schema, SpecVersion, Table

DATA = Path(__file__).resolve().parent / "data"
V4_BOOK = DATA / "v4" / "syc_v4.xlsm"
V4_ANCHOR = DATA / "v4" / "syc_v4.syc-ancre"

DAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 9, 30)

V1_COLUMNS = (Column("number", "Numéro", required=True), Column("date", "Date", Kind.DATE),
              Column("client", "Client"), Column("total", "Total", Kind.MONEY))
T_V1 = Table("tPiecesSpec", "Pièces spec", V1_COLUMNS, audit=AuditSpec(
    key="number", immutable=("number", "date", "client", "total"), date_column="date"))
# version 2 of the spec: the penalty clause printed on the document becomes part of its fingerprint
T_V2 = dataclasses.replace(
    T_V1,
    columns=(*V1_COLUMNS, Column("clause", "Clause de pénalités")),
    audit=dataclasses.replace(
        T_V1.audit,  # type: ignore[arg-type]
        immutable=("number", "date", "client", "total", "clause"), version=2,
        history=(SpecVersion(1, ("number", "date", "client", "total")),)),
)
SCHEMA_V1 = SCHEMA.with_tables(T_V1)
SCHEMA_V2 = dataclasses.replace(SCHEMA.with_tables(T_V2), version=SCHEMA.version + 1)


# the columns each schema version added to tables that existed before (to open an older fixture)
ADDED_COLUMNS = {5: {"tJournalAudit": {"spec"}},
                 6: {"tFactures": {"penalty_clause", "credit_cause", "penalty_clause_rebuilt", "site", "operation"},
                     "tRelances": {"proof"}, "tReglesTVA": {"keeps_old"}},
                 7: {"tReglements": {"applies_to", "group", "kind", "bank", "drawer", "bounced", "charges", "slip",
                                     "bank_line"}},
                 10: {"tFactures": {"owed"}},
                 11: {"tReleves": {"reason"}},
                 12: {"tClotures": {"journals"}},
                 13: {"tFactures": {"written_off"}},
                 15: {"tClients": {"iban"}, "tReleves": {"bank_code"}}}


ADDED_TABLES = {7: {"tNotesPenalites", "tLignesNotes", "tBordereaux", "tReleves"}, 8: {"tPlanComptable"},
                9: {"tTechniciens", "tAbsences", "tTrajets", "tInterventions", "tContrats"}, 12: {"tCreances"},
                14: {"tEcritures"}}


def schema_at(version: int) -> Schema:
    """SCHEMA as it was at `version` (its tables without the columns and audited tables added later)."""
    gone = {n for v, names in ADDED_TABLES.items() if v > version for n in names}
    later: dict[str, set[str]] = {}
    for v, tables in ADDED_COLUMNS.items():
        if v > version:
            for name, keys in tables.items():
                later.setdefault(name, set()).update(keys)
    return dataclasses.replace(SCHEMA, version=version, tables=tuple(
        dataclasses.replace(t, columns=tuple(c for c in t.columns if c.key not in later.get(t.name, set())))
        for t in SCHEMA.tables if t.name not in gone))


def issue(store: FileStore, number: str, day: dt.date, **extra: object) -> None:
    changes = ChangeSet()
    changes.append("tPiecesSpec", {"number": number, "date": day, "client": "Dupont & Fils <SARL> \"l'Étang\"",
                                   "total": Decimal("1234.50"), **extra})
    changes.issue("tPiecesSpec", number, "Émission")
    store.apply(changes, as_of=day, now=NOW)


def test_issue_under_v1_migrate_to_v2_issue_again_and_verify_both(tmp_path: Path) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    builder.build(path, schema=SCHEMA_V1)
    issue(FileStore(path, SCHEMA_V1), "P-0001", DAY)
    (first,) = [e for e in FileStore(path, SCHEMA_V1).journal() if e.ref == "P-0001"]
    assert first.spec == 1
    assert FileStore(path, SCHEMA_V1).verify() == []

    # the new version adds the fingerprinted column: the migration never re-hashes
    assert mig.migrate(path, SCHEMA_V2) == [
        "ajout de la colonne « Clause de pénalités » à la table tPiecesSpec",
        f"mise à jour de la version du schéma : {SCHEMA.version} → {SCHEMA.version + 1}"]
    store = FileStore(path, SCHEMA_V2)
    (kept,) = [e for e in store.journal() if e.ref == "P-0001"]
    assert (kept.doc_hash, kept.hash, kept.spec) == (first.doc_hash, first.hash, 1)
    assert store.verify() == []

    clause = "BCE + 10 points, soit 12,15 % au 1er semestre 2026"
    issue(FileStore(path, SCHEMA_V2), "P-0002", DAY + dt.timedelta(days=1), clause=clause)
    store = FileStore(path, SCHEMA_V2)
    second = next(e for e in store.journal() if e.ref == "P-0002")
    assert second.spec == 2
    row = next(r for r in store.rows("tPiecesSpec") if r["number"] == "P-0002")
    assert second.doc_hash == audit.document_hash("tPiecesSpec", "P-0002", row.values, T_V2.audit.immutable)  # type: ignore[union-attr]
    assert second.doc_hash != audit.document_hash("tPiecesSpec", "P-0002", row.values, T_V1.audit.immutable)  # type: ignore[union-attr]
    assert store.verify() == []

    # the old document's new column is not fingerprinted (it can be filled in, « reconstitué »)…
    old_row = next(r for r in store.rows("tPiecesSpec") if r["number"] == "P-0001")
    fill = ChangeSet()
    fill.update("tPiecesSpec", old_row, {"clause": "BCE + 10 points (reconstitué)"})
    store.apply(fill, as_of=DAY + dt.timedelta(days=1), now=NOW)
    assert FileStore(path, SCHEMA_V2).verify() == []
    # …but the new document's is
    new_row = next(r for r in FileStore(path, SCHEMA_V2).rows("tPiecesSpec") if r["number"] == "P-0002")
    edit = ChangeSet()
    edit.update("tPiecesSpec", new_row, {"clause": "taux légal"})
    with pytest.raises(Refused) as exc:
        FileStore(path, SCHEMA_V2).apply(edit, as_of=DAY + dt.timedelta(days=1), now=NOW)
    assert exc.value.issues[0].code == "audit.immutable"
    assert "Clause de pénalités" in exc.value.issues[0].message


def test_a_journal_row_of_an_unknown_spec_version_is_named(tmp_path: Path) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    builder.build(path, schema=SCHEMA_V1)
    issue(FileStore(path, SCHEMA_V1), "P-0001", DAY)
    store = FileStore(path, SCHEMA_V1)
    entries = [dataclasses.replace(e, spec=3) for e in store.journal()]
    issues = store.guard.unknown_specs(entries)
    assert [i.code for i in issues] == ["audit.spec"]
    assert "version 3" in issues[0].message and "Mettez SYC Gestion à jour" in issues[0].message


def test_the_spec_version_is_in_the_chain_hash_from_version_2_on() -> None:
    """A row of version 1 hashes as before spec versions existed; from version 2 the version is in
    the hash, so turning a 2 into a 1 (to verify with the old columns) breaks the chain."""
    one = audit.next_entry(None, "2026-03-10T09:30:00", DAY, "Émission", "tFactures", "F2026-00001", "ab" * 32)
    legacy = audit.Entry(1, "2026-03-10T09:30:00", DAY, "Émission", "tFactures", "F2026-00001", "ab" * 32,
                         audit.GENESIS)
    assert one.hash == legacy.expected_hash()
    two = audit.next_entry(None, "2026-03-10T09:30:00", DAY, "Émission", "tFactures", "F2026-00001", "ab" * 32, 2)
    assert two.hash != one.hash
    assert dataclasses.replace(two, spec=1).expected_hash() != two.hash


def test_version_4_workbook_with_issued_documents(tmp_path: Path) -> None:
    """The version-4 book (a deposit, a final invoice and a payment issued by the code of that
    version) migrates to version 5 without any fingerprint recomputed, verifies clean, and takes a
    new issue that verifies clean too."""
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(V4_BOOK, path)
    shutil.copy(V4_ANCHOR, anchor_path(path))
    v4_schema = schema_at(4)
    before = FileStore(path, v4_schema).journal()
    assert len(before) >= 3
    assert FileStore(path, v4_schema).verify() == []

    done = mig.migrate(path)
    assert "ajout de la colonne « Version de l'empreinte » à la table tJournalAudit" in done
    store = FileStore(path)
    assert store.version() == SCHEMA.version
    after = store.journal()
    assert [(e.seq, e.doc_hash, e.hash, e.spec) for e in after] == [(e.seq, e.doc_hash, e.hash, 1) for e in before]
    assert store.verify() == []

    from pyxl.services import closures, payments

    invoice = next(r["number"] for r in store.rows("tFactures") if r["doc_type"] == "Facture" and r["number"])
    store = FileStore(path)
    day = dt.date(2026, 1, 8)
    with store.session():
        res = payments.record_payment(store, invoice, "10,00", "cheque", day)
        closures.pending(store, res.changes, day, NOW)
        store.apply(res.changes, as_of=day, now=NOW)
    store = FileStore(path)
    assert len(store.journal()) > len(after)
    assert store.verify() == []


def test_a_journal_rows_hash_is_the_sha256_of_its_json_array() -> None:
    """The chain hash is defined as SHA-256 over json.dumps of the row's fields: the fast writer
    gives the same bytes, whatever the text (accents, quotes, control characters, emoji)."""
    import hashlib
    import json
    import random

    rnd = random.Random(5)
    alphabet = "aéÉ\"\\/\n\t\x01\u2028€😀<>&' -_0123456789"
    for spec in (1, 2, 17):
        for _ in range(300):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
            e = audit.Entry(rnd.randint(1, 10**6), text, DAY if rnd.random() < 0.8 else None, "Émission " + text,
                            "tFactures", text[::-1], "ab" * 32, audit.GENESIS, spec=spec)
            fields: list[object] = [e.seq, e.timestamp, e.as_of.isoformat() if e.as_of else "", e.action, e.table,
                                    e.ref, e.doc_hash, e.prev_hash]
            if spec != 1:
                fields.append(spec)
            payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
            assert e.expected_hash() == hashlib.sha256(payload.encode("utf-8")).hexdigest()
