"""The PostgreSQL base (issue 18): `syc base creer|importer|exporter|verifier`, `--base URL`, the
protections the database enforces itself (plain SQL through the application's roles), a clear
French refusal when the server is unreachable, the workbook marked moved after its import."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pyxl.cli import main
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.pgcluster import SUPERUSER

DAY = "2025-01-06"


def run(*args: str) -> tuple[int, dict[str, Any]]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--json"])
    return code, json.loads(buf.getvalue())


def ok(*args: str) -> dict[str, Any]:
    code, data = run(*args)
    assert code == 0, data
    return data


def sales(option: list[str], au: str = DAY) -> str:
    """A quote to an issued invoice and a payment through `syc`; the invoice number."""
    q = ok("devis", "creer", "--client", "C00001", "--nature", "depannage", "--logement-plus-2-ans", "oui",
           "--ligne", "MO-H:2", "--ligne", "DEP:1", "--execution", "sous 3 semaines", *option, "--au", au)["numero"]
    ok("devis", "accepter", q, *option, "--au", au)
    c = ok("commande", "creer", "--devis", q, *option, "--au", au)["numero"]
    ok("commande", "realiser", c, "--date", au, *option, "--au", au)
    inv = ok("facture", "creer", "--commande", c, "--emettre", *option, "--au", au)["numero"]
    ok("reglement", "saisir", "--facture", inv, "--montant", "50,00", "--mode", "virement", *option, "--au", au)
    return str(inv)


@pytest.fixture
def empty_db(pg_cluster: Any, tmp_path: Path) -> Callable[[], str]:
    """make() → the owner's URL of a new empty database."""
    counter = [0]

    def make() -> str:
        counter[0] += 1
        name = f"vide{os.getpid()}_{tmp_path.name.replace('-', '_')[-30:]}_{counter[0]}".lower()
        with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return str(pg_cluster.url(SUPERUSER, name))

    return make


def test_create_import_work_export_and_verify_through_syc(empty_db: Callable[[], str], pg_cluster: Any,
                                                         tmp_path: Path) -> None:
    owner = empty_db()
    writer = owner.replace(f"{SUPERUSER}@", "syc_assistante@")
    shared = tmp_path / "partage"
    shared.mkdir()
    book = tmp_path / "SYC_Gestion.xlsm"
    ok("init", "--demo", "--book", str(book), "--au", DAY)
    done = ok("base", "creer", owner, "--dossier", str(shared), "--au", DAY)
    assert done["dossier"] == str(shared)
    imported = ok("base", "importer", "--book", str(book), "--base", owner, "--au", DAY)
    assert imported["lignes"]["tClients"] == 3
    # the workbook moved: it refuses writes from now on, naming the base
    code, refused = run("client", "modifier", "C00001", "--tel", "0478000009", "--book", str(book), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "store.deplace", refused
    number = sales(["--base", writer])
    assert number.startswith("F2025-")
    listed = ok("facture", "liste", "--base", writer, "--au", DAY)
    assert number in json.dumps(listed)
    assert ok("base", "verifier", "--base", writer, "--au", DAY)["pieces"] >= 1
    out = tmp_path / "export" / "SYC_Gestion.xlsm"
    out.parent.mkdir()
    exported = ok("base", "exporter", "--sortie", str(out), "--base", writer, "--au", DAY)
    assert exported["lignes"]["tFactures"] == 1
    assert ok("verifier", "--book", str(out), "--au", DAY)["pieces"] == ok(
        "base", "verifier", "--base", writer, "--au", DAY)["pieces"]
    # the exported workbook holds the base's rows, and is not marked moved
    assert FileStore(out).rows("tFactures")[0]["number"] == number
    assert "base_deplacee" not in FileStore(out).parameters()


@pytest.fixture(scope="module")
def years_of_sales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years of generated sales (small scale): what `syc demo --annees 2` writes."""
    from pyxl import demo_bulk

    book = tmp_path_factory.mktemp("bulk") / "SYC_Gestion.xlsm"
    demo_bulk.generate(book, years=2, scale=0.1)
    return book


def test_import_then_export_gives_back_the_same_tables_and_a_workbook_verifier_accepts(
        years_of_sales: Path, empty_db: Callable[[], str], tmp_path: Path) -> None:
    import shutil

    from pyxl import pgbase
    from pyxl.services import closures
    from pyxl.workbook import commit
    from pyxl.workbook.schema import SCHEMA

    src = tmp_path / "classeur" / "SYC_Gestion.xlsm"
    shutil.copytree(years_of_sales.parent, src.parent)
    original = {t.name: [dict(r.values) for r in FileStore(src).rows(t.name)] for t in SCHEMA.tables}
    assert len(original["tFactures"]) > 100 and len(original["tJournalAudit"]) > 100
    owner = empty_db()
    shared = tmp_path / "partage"
    shared.mkdir()
    pgbase.create(owner, shared)
    pgbase.import_book(owner, src)
    out = tmp_path / "export" / "SYC_Gestion.xlsm"
    out.parent.mkdir()
    pgbase.export_book(owner.replace(f"{SUPERUSER}@", "syc_directrice@"), out)  # the reader may export
    exported = FileStore(out)
    for t in SCHEMA.tables:
        assert [dict(r.values) for r in exported.rows(t.name)] == original[t.name], t.name
    assert commit.read_anchor(out) == commit.read_anchor(years_of_sales)
    assert sorted(p.name for p in closures.folder(out).rglob("*.txt")) == sorted(
        p.name for p in closures.folder(years_of_sales).rglob("*.txt"))
    assert ok("verifier", "--book", str(out), "--au", "2026-07-01")["pieces"] > 100


def test_a_second_import_and_a_second_creation_are_refused(empty_db: Callable[[], str], tmp_path: Path) -> None:
    owner = empty_db()
    book = tmp_path / "SYC_Gestion.xlsm"
    ok("init", "--demo", "--book", str(book), "--au", DAY)
    ok("base", "creer", owner, "--dossier", str(tmp_path), "--au", DAY)
    code, again = run("base", "creer", owner, "--dossier", str(tmp_path), "--au", DAY)
    assert code == 1 and again["erreurs"][0]["code"] == "base.existe"
    ok("base", "importer", "--book", str(book), "--base", owner, "--au", DAY)
    other = tmp_path / "autre.xlsm"
    ok("init", "--demo", "--book", str(other), "--au", DAY)
    code, refused = run("base", "importer", "--book", str(other), "--base", owner, "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.pleine"


def test_an_unreachable_server_is_refused_in_french_with_nothing_written(tmp_path: Path) -> None:
    url = f"postgresql://syc_assistante@/syc?host={tmp_path}/nulle-part&port=5432"
    code, refused = run("client", "liste", "--base", url, "--au", DAY)
    assert code == 1
    issue = refused["erreurs"][0]
    assert issue["code"] == "base.injoignable"
    assert "est injoignable" in issue["message"] and "Rien n'a été enregistré" in issue["message"]


def test_the_url_shown_never_carries_a_password() -> None:
    from pyxl.workbook.pgstore import shown_url

    assert shown_url("postgresql://marie:secret@serveur/syc") == "postgresql://marie:***@serveur/syc"
    assert shown_url("postgresql://marie@serveur/syc") == "postgresql://marie@serveur/syc"


def test_the_shared_folder_unreachable_refuses_an_action(base: Any, demo_bytes: bytes, tmp_path: Path) -> None:
    db = base(demo_bytes)
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        conn.execute("UPDATE syc_meta SET valeur = %s WHERE cle = 'dossier'", (str(tmp_path / "debranche"),))
    before = db.state()
    code, refused = run("client", "modifier", "C00001", "--tel", "0478000009", "--base", db.url(), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.dossier", refused
    assert db.state() == before


def test_backups_in_each_mode(base: Any, demo_bytes: bytes, tmp_path: Path) -> None:
    """`syc sauvegardes faire`: a copy of the workbook; in base mode pg_dump into the shared folder,
    listed by `syc sauvegardes liste`; a base is not restored over itself."""
    book = tmp_path / "classeur" / "SYC_Gestion.xlsm"
    book.parent.mkdir()
    book.write_bytes(demo_bytes)
    copy = ok("sauvegardes", "faire", "--book", str(book), "--au", DAY)
    assert copy["mode"] == "classeur" and Path(copy["fichier"]).read_bytes() == demo_bytes
    db = base(demo_bytes)
    dumped = ok("sauvegardes", "faire", "--base", db.url("syc_directrice"), "--au", DAY)
    assert dumped["mode"] == "base"
    path = Path(dumped["fichier"])
    assert path.parent == db.folder / "sauvegardes" and path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    listed = ok("sauvegardes", "liste", "--base", db.url(), "--au", DAY)["sauvegardes"]
    assert [b["fichier"] for b in listed] == [str(path)]
    code, refused = run("sauvegardes", "restaurer", "1", "--base", db.url(), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.restaurer"


# --------------------------------------------------------------------------- the database's own protections
def issued_base(base: Any, demo_bytes: bytes) -> Any:
    db = base(demo_bytes)
    sales(["--base", db.url()])
    return db


def sql(db: Any, user: str, statement: str, params: tuple[Any, ...] = ()) -> Any:
    with psycopg.connect(db.url(user), autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.rowcount


def test_plain_sql_cannot_change_an_issued_invoice_delete_a_row_or_rewrite_the_journal(
        base: Any, demo_bytes: bytes) -> None:
    db = issued_base(base, demo_bytes)
    writer = "syc_assistante"
    with pytest.raises(psycopg.errors.RaiseException, match="est émis ; ses colonnes Total TTC"):
        sql(db, writer, 'UPDATE "tFactures" SET total_ttc = total_ttc + 1 WHERE number IS NOT NULL')
    with pytest.raises(psycopg.errors.RaiseException, match="est émis"):
        sql(db, writer, 'UPDATE "tFactures" SET number = \'F2025-09999\' WHERE number IS NOT NULL')
    # a state column may change (the services do, when a payment arrives)
    assert sql(db, writer, 'UPDATE "tFactures" SET status = status WHERE number IS NOT NULL') == 1
    # its lines neither change nor grow
    with pytest.raises(psycopg.errors.RaiseException, match="qui est émis"):
        sql(db, writer, 'UPDATE "tLignesFactures" SET qty = qty + 1')
    with pytest.raises(psycopg.errors.RaiseException, match="on ne lui ajoute plus de ligne"):
        sql(db, writer, 'INSERT INTO "tLignesFactures" (_row, doc, designation) '
                        'SELECT 999, ref, \'ajout\' FROM "tFactures" WHERE number IS NOT NULL')
    # no DELETE for the application, and the journal is insert-only even for its owner
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(db, writer, 'DELETE FROM "tReglements"')
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(db, writer, 'TRUNCATE "tJournalAudit"')
    with pytest.raises(psycopg.errors.RaiseException, match="le journal ne se modifie pas"):
        sql(db, SUPERUSER, 'UPDATE "tJournalAudit" SET hash = \'0\'')
    with pytest.raises(psycopg.errors.RaiseException, match="on ne supprime aucune ligne"):
        sql(db, SUPERUSER, 'DELETE FROM "tJournalAudit"')
    # the reader reads, and writes nothing
    assert sql(db, "syc_directrice", 'SELECT * FROM "tFactures"') == 1
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(db, "syc_directrice", 'UPDATE "tClients" SET phone = \'0\'')
    # the writer's login and the version are stamped by the database, not by the client
    sql(db, writer, 'UPDATE "tClients" SET phone = \'0478000007\', _writer = \'quelquun\', _version = 1 '
                    "WHERE code = 'C00001'")
    with psycopg.connect(db.owner_url) as conn:
        who, version = conn.execute('SELECT _writer, _version FROM "tClients" WHERE code = \'C00001\'').fetchone()
    assert (who, version) == (writer, 2)
    assert db.store().verify() == []


def test_the_reader_is_refused_a_writing_command_in_french(base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    before = db.state()
    code, refused = run("client", "modifier", "C00001", "--tel", "0478000009",
                        "--base", db.url("syc_directrice"), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.droits", refused
    assert "n'a pas le droit" in refused["erreurs"][0]["message"]
    assert db.state() == before


def test_verify_names_a_protection_dropped_by_a_superuser(base: Any, demo_bytes: bytes) -> None:
    db = issued_base(base, demo_bytes)
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        conn.execute('ALTER TABLE "tFactures" DISABLE TRIGGER syc_protect')
    code, refused = run("base", "verifier", "--base", db.url(), "--au", DAY)
    assert code == 1
    assert [e["code"] for e in refused["erreurs"]] == ["base.protection"]
    assert refused["erreurs"][0]["message"].startswith("Table tFactures : la protection « syc_protect »")


# --------------------------------------------------------------------------- a workbook as a view of the base
def test_a_view_is_refreshed_with_only_the_rows_changed_in_the_touched_sheets(
        base: Any, demo_bytes: bytes, tmp_path: Path) -> None:
    import zipfile

    from pyxl.workbook.filestore import FileStore as FS
    from pyxl.workbook.schema import SCHEMA

    db = base(demo_bytes)
    view = tmp_path / "vue" / "SYC_Gestion.xlsm"
    view.parent.mkdir()
    ok("base", "vue", "--sortie", str(view), "--base", db.url("syc_directrice"), "--au", DAY)
    assert ok("base", "rafraichir", "--book", str(view), "--au", DAY)["lignes"] == {}  # the base's URL kept beside it

    def parts() -> dict[str, bytes]:
        with zipfile.ZipFile(view) as z:
            return {n: z.read(n) for n in z.namelist()}

    before = parts()
    number = sales(["--base", db.url()])  # another user works in the base
    written = ok("base", "rafraichir", "--book", str(view), "--au", DAY)["lignes"]
    assert {"tDevis", "tCommandes", "tFactures", "tLignesFactures", "tReglements", "tJournalAudit"} <= set(written)
    assert written["tFactures"] == 1 and "tClients" not in written and "tArticles" not in written
    after = parts()
    pkg = FS(view).package
    untouched = [pkg.table(t.name).sheet_part for t in SCHEMA.tables if t.name not in written]
    assert untouched and all(after[p] == before[p] for p in untouched)  # other sheets byte for byte
    # the view holds what the base holds, each row at its place
    store = db.store()
    for t in SCHEMA.tables:
        assert [(r.row, dict(r.values)) for r in FS(view).rows(t.name)] == [
            (r.row, dict(r.values)) for r in store.rows(t.name)], t.name
    assert FS(view).rows("tFactures")[0]["number"] == number
    # a view is read-only: actions go to the base
    code, refused = run("client", "modifier", "C00001", "--tel", "0478000009", "--book", str(view), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "store.vue"
    assert ok("base", "rafraichir", "--book", str(view), "--au", DAY)["lignes"] == {}


def test_migrer_on_a_base_at_the_current_schema_has_nothing_to_do(base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    assert ok("migrer", "--base", db.url(), "--au", DAY)["etapes"] == []
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        conn.execute("UPDATE syc_meta SET valeur = '8' WHERE cle = 'schema_version'")
    code, refused = run("migrer", "--base", db.url(), "--au", DAY)  # only the migration role migrates
    assert code == 1 and refused["erreurs"][0]["code"] == "base.migration"
    code, refused = run("client", "liste", "--base", db.url(), "--au", DAY)  # an old base is refused, not read
    assert code == 1 and refused["erreurs"][0]["code"] == "store.old", refused


def test_the_trigger_keeps_the_columns_of_every_version_of_an_audit_spec(
        empty_db: Callable[[], str], tmp_path: Path) -> None:
    """A document issued under an older version of its audit spec keeps that version's columns: the
    trigger protects the union of every version's. In today's schema each older version is a subset
    of the current one, so the test takes a schema where version 2 of the invoices' spec no longer
    lists « Objet » and only version 1 does, and tries plain SQL through the application's login."""
    import dataclasses

    from pyxl import pgbase
    from pyxl.workbook import pgschema
    from pyxl.workbook.schema import SCHEMA, SpecVersion

    table = SCHEMA.table("tFactures")
    assert table.audit is not None and "object" in table.audit.immutable
    spec = dataclasses.replace(table.audit, immutable=tuple(k for k in table.audit.immutable if k != "object"),
                               history=(SpecVersion(1, ("ref", "number", "object", "total_ttc"), ()),))
    schema = dataclasses.replace(SCHEMA, tables=tuple(dataclasses.replace(t, audit=spec) if t.name == "tFactures"
                                                      else t for t in SCHEMA.tables))
    assert "object" in pgschema.protected_columns(schema.table("tFactures"), schema)[0]
    owner = empty_db()
    folder = tmp_path / "partage"
    folder.mkdir()
    pgbase.create(owner, folder, schema)
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute('INSERT INTO "tFactures" (_row, ref, number, doc_type, status, client, object, total_ttc, paid) '
                     "VALUES (2, 'B1', 'F2026-00001', 'Facture', 'Émise', 'C00001', 'Chaudière', 100, 0), "
                     "(3, 'B2', NULL, 'Facture', 'Brouillon', 'C00001', 'Radiateur', 50, 0)")
        conn.execute('INSERT INTO "tJournalAudit" (_row, seq, action, "table", ref, doc_hash, prev_hash, hash, spec) '
                     "VALUES (2, 1, 'Émission', 'tFactures', 'F2026-00001', 'x', '', 'y', 1)")
    writer = owner.replace(f"{SUPERUSER}@", "syc_assistante@")
    with psycopg.connect(writer, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="F2026-00001 est émis ; ses colonnes Objet"):
            conn.execute('UPDATE "tFactures" SET object = \'Autre\' WHERE ref = \'B1\'')
        # a state column of the issued invoice, and the draft's object, still change
        assert conn.execute('UPDATE "tFactures" SET paid = 100 WHERE ref = \'B1\'').rowcount == 1
        assert conn.execute('UPDATE "tFactures" SET object = \'Autre\' WHERE ref = \'B2\'').rowcount == 1


def test_verify_names_the_entries_protection_disabled_or_an_update_right_granted_back(
        base: Any, demo_bytes: bytes) -> None:
    db = issued_base(base, demo_bytes)
    assert ok("base", "verifier", "--base", db.url(), "--au", DAY)["ok"]
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        conn.execute('ALTER TABLE "tEcritures" DISABLE TRIGGER syc_insert_only')
        conn.execute('GRANT UPDATE ON "tEcritures" TO syc_ecriture')
    # the rewrite the two would let through
    assert sql(db, "syc_assistante", 'UPDATE "tEcritures" SET label = \'retouche\' WHERE debit > 0') > 0
    code, refused = run("base", "verifier", "--base", db.url(), "--au", DAY)
    assert code == 1
    messages = [e["message"] for e in refused["erreurs"] if e["code"] == "base.protection"]
    assert any(m.startswith("Table tEcritures : la protection « syc_insert_only »") for m in messages), messages
    assert any(m.startswith("Table tEcritures : le droit UPDATE a été accordé") for m in messages), messages


def test_migrer_makes_the_entries_of_a_base_of_the_previous_structure_insert_only(base: Any,
                                                                                   demo_bytes: bytes) -> None:
    """A base made before the « Écritures » table was protected (base version 2): its UPDATE right
    and no trigger; `syc migrer --base` gives it the structure of a fresh base."""
    from test_pgmigrate import structure

    fresh = base(demo_bytes, "neuve")
    db = issued_base(base, demo_bytes)
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        conn.execute('DROP TRIGGER syc_insert_only ON "tEcritures"')
        conn.execute("DROP FUNCTION syc_entries_insert_only()")
        conn.execute('GRANT UPDATE ON "tEcritures" TO syc_ecriture')
        conn.execute("UPDATE syc_meta SET valeur = '2' WHERE cle = 'base_version'")
    assert structure(db.owner_url) != structure(fresh.owner_url)
    code, refused = run("client", "liste", "--base", db.url(), "--au", DAY)  # refused until migrated
    assert code == 1 and refused["erreurs"][0]["code"] == "store.old", refused
    assert "« Écritures »" in refused["erreurs"][0]["message"]
    code, refused = run("migrer", "--base", db.url(), "--au", DAY)  # only the migration role migrates
    assert code == 1 and refused["erreurs"][0]["code"] == "base.migration"
    steps = ok("migrer", "--base", db.owner_url, "--au", DAY)["etapes"]
    assert any("tEcritures en ajout seul" in s for s in steps), steps
    assert structure(db.owner_url) == structure(fresh.owner_url)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(db, "syc_assistante", 'UPDATE "tEcritures" SET label = \'retouche\'')
    assert ok("base", "verifier", "--base", db.url(), "--au", DAY)["ok"]
    assert ok("migrer", "--base", db.owner_url, "--au", DAY)["etapes"] == []
