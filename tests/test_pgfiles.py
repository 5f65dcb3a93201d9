"""The legal files of a base (issue 18, « where the legal files live »): each document, closure
file and the anchor's copy written to the shared folder is recorded with its SHA-256 in the
base-only table `syc_fichiers`, insert-only for the application's roles; `syc base verifier`
names every recorded file missing or altered, and every closure or anchor copy not recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_merge import FakeConverter  # a converter writing small PDFs, without LibreOffice
from test_pgbase import DAY, ok, run, sales

from pyxl.documents import jobs


def recorded(db: Any) -> dict[str, tuple[str, str, str, str]]:
    """path → (kind, number, SHA-256, login) of the latest record of each file."""
    with psycopg.connect(db.owner_url) as conn:
        return {r[0]: r[1:] for r in conn.execute(
            "SELECT DISTINCT ON (chemin) chemin, nature, numero, sha256, _writer FROM syc_fichiers "
            "ORDER BY chemin, _seq DESC").fetchall()}


def codes(db: Any) -> list[str]:
    code, data = run("base", "verifier", "--base", db.url(), "--au", DAY)
    return [] if code == 0 else [e["code"] + " " + e["message"] for e in data["erreurs"]]


@pytest.fixture
def with_pdf(base: Any, demo_bytes: bytes) -> tuple[Any, Path, str]:
    """A base with an issued invoice, its closures and its PDF written through the documents job."""
    db = base(demo_bytes)
    number = sales(["--base", db.url()])
    ok("client", "modifier", "C00001", "--tel", "0478000009", "--base", db.url(), "--au", "2025-01-08")
    store = db.store()
    planned = jobs.plan(store, store.path, "facture", number, dt.date(2025, 1, 6))
    done = jobs.produce(store.path, [planned], converter=FakeConverter(), store=store)
    assert not done.warnings and len(done.written) == 1
    store.close()
    return db, done.written[0], number


def test_documents_closures_and_the_anchor_copy_are_recorded_and_verify_clean(with_pdf: tuple[Any, Path, str]) -> None:
    db, pdf, number = with_pdf
    files = recorded(db)
    rel = pdf.relative_to(db.folder).as_posix()
    assert files[rel][:3] == ("facture", number, hashlib.sha256(pdf.read_bytes()).hexdigest())
    assert files[rel][3] == "syc_assistante"  # who wrote it
    kinds = {v[0] for v in files.values()}
    assert {"facture", "cloture", "ancre"} <= kinds, files
    closures = [p for p, v in files.items() if v[0] == "cloture"]
    assert closures and all((db.folder / p).is_file() for p in closures)
    anchor = next(p for p, v in files.items() if v[0] == "ancre")
    assert hashlib.sha256((db.folder / anchor).read_bytes()).hexdigest() == files[anchor][2]
    assert codes(db) == []


def test_an_altered_pdf_and_a_deleted_closure_file_are_named(with_pdf: tuple[Any, Path, str]) -> None:
    db, pdf, number = with_pdf
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1  # one byte
    pdf.write_bytes(bytes(data))
    closure = next(p for p, v in recorded(db).items() if v[0] == "cloture")
    (db.folder / closure).unlink()
    found = codes(db)
    assert any(c.startswith("fichier.modifie") and pdf.name in c and number in c for c in found), found
    assert any(c.startswith("fichier.absent") and Path(closure).name in c for c in found), found


def test_a_deleted_pdf_is_named_and_the_verifier_through_syc_verifier_too(with_pdf: tuple[Any, Path, str]) -> None:
    db, pdf, _ = with_pdf
    pdf.unlink()
    code, data = run("verifier", "--base", db.url(), "--au", DAY)
    assert code == 1
    assert [e["code"] for e in data["erreurs"]] == ["fichier.absent"], data
    assert pdf.name in data["erreurs"][0]["message"]


def test_an_anchor_copy_put_back_to_an_older_one_is_named(with_pdf: tuple[Any, Path, str]) -> None:
    from pyxl.workbook import commit

    db, _, _ = with_pdf
    store = db.store()
    seq, hash_ = store.read_anchor()  # type: ignore[misc]
    path = commit.anchor_path(store.path)
    store.close()
    path.write_text(f"{seq - 1} {hash_}\n")
    assert [c.split()[0] for c in codes(db)] == ["fichier.modifie"]


def test_a_closure_without_its_record_is_an_expected_file_absent(base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    sales(["--base", db.url()])
    ok("client", "modifier", "C00001", "--tel", "0478000009", "--base", db.url(), "--au", "2025-01-08")
    with psycopg.connect(db.owner_url, autocommit=True) as conn:  # a superuser bypassing the protection
        conn.execute("ALTER TABLE syc_fichiers DISABLE TRIGGER syc_insert_only")
        conn.execute("DELETE FROM syc_fichiers WHERE nature = 'cloture'")
        conn.execute("ALTER TABLE syc_fichiers ENABLE TRIGGER syc_insert_only")
    found = codes(db)
    assert found and all(c.startswith("fichier.attendu") and "Clôture" in c for c in found), found


def test_the_records_are_insert_only_for_the_application(with_pdf: tuple[Any, Path, str]) -> None:
    db, _, _ = with_pdf
    with psycopg.connect(db.url(), autocommit=True) as conn:
        for statement in ("UPDATE syc_fichiers SET sha256 = repeat('0', 64)", "DELETE FROM syc_fichiers",
                          "TRUNCATE syc_fichiers"):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)
        conn.execute("INSERT INTO syc_fichiers (chemin, nature, sha256, octets) VALUES ('x.pdf', 'facture', "
                     "repeat('a', 64), 1)")  # inserting is how files are recorded
    with psycopg.connect(db.url("syc_directrice"), autocommit=True) as conn, pytest.raises(psycopg.Error):
        conn.execute("INSERT INTO syc_fichiers (chemin, nature, sha256, octets) VALUES ('y.pdf', 'facture', "
                     "repeat('a', 64), 1)")
    with psycopg.connect(db.owner_url, autocommit=True) as conn, pytest.raises(psycopg.Error):
        conn.execute("UPDATE syc_fichiers SET octets = 2")  # even the owner goes through the trigger
