"""`syc migrer --base` (issue 18): a base of the previous schema version — made by hand in SQL from
a current one, dropping what the last version added — brought back to the current schema by the
migration role: same tables, columns, triggers and rights as a fresh base, the data steps applied,
`syc base verifier` clean, an action working; an application login is refused, nothing changed."""

from __future__ import annotations

from typing import Any

import psycopg
from test_audit_specs import schema_at
from test_pgbase import DAY, ok, run, sales

from pyxl.workbook.pgcluster import SUPERUSER
from pyxl.workbook.schema import SCHEMA

PREVIOUS = SCHEMA.version - 1


def structure(url: str) -> Any:
    """Tables with their columns and types, triggers, functions and table rights of a base."""
    with psycopg.connect(url) as conn:
        columns = sorted(conn.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                                      "WHERE table_schema = 'public'").fetchall())
        triggers = sorted(conn.execute("SELECT c.relname, t.tgname, t.tgenabled, p.proname FROM pg_trigger t "
                                       "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                                       "WHERE NOT t.tgisinternal").fetchall())
        functions = sorted(conn.execute("SELECT proname, prosrc FROM pg_proc p JOIN pg_namespace n ON "
                                        "n.oid = p.pronamespace WHERE n.nspname = 'public'").fetchall())
        rights = sorted(conn.execute("SELECT grantee, table_name, privilege_type FROM "
                                     "information_schema.role_table_grants WHERE table_schema = 'public' "
                                     "AND grantee LIKE 'syc_%'").fetchall())
        meta = dict(conn.execute("SELECT cle, valeur FROM syc_meta WHERE cle LIKE '%version'").fetchall())
    return columns, triggers, functions, rights, meta


def downgrade(db: Any) -> None:
    """The base as the previous version made it: without what the last version added (tables,
    columns, the data its step fills), without the legal files' table, at the previous version."""
    old = schema_at(PREVIOUS)
    kept = {t.name: set(t.keys) for t in old.tables}
    with psycopg.connect(db.owner_url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # the owner bypasses the triggers
        for t in SCHEMA.tables:
            if t.name not in kept:
                conn.execute(f'DROP TABLE "{t.name}"')
                continue
            for key in set(t.keys) - kept[t.name]:
                conn.execute(f'ALTER TABLE "{t.name}" DROP COLUMN "{key}"')
        conn.execute("DROP TABLE syc_fichiers")
        conn.execute("DROP FUNCTION syc_files_insert_only()")
        conn.execute("DELETE FROM syc_meta WHERE cle = 'base_version'")
        conn.execute("UPDATE syc_meta SET valeur = %s WHERE cle = 'schema_version'", (str(PREVIOUS),))


def test_a_base_of_the_previous_version_is_migrated_to_the_same_structure_as_a_fresh_one(
        base: Any, demo_bytes: bytes) -> None:
    fresh = base(demo_bytes, "neuve")
    db = base(demo_bytes)
    number = sales(["--base", db.url()])
    downgrade(db)
    assert structure(db.owner_url) != structure(fresh.owner_url)
    code, refused = run("client", "liste", "--base", db.url(), "--au", DAY)  # an old base is refused, not misread
    assert code == 1 and refused["erreurs"][0]["code"] == "store.old", refused
    simulated = ok("migrer", "--simuler", "--base", db.owner_url, "--au", DAY)
    assert simulated["simulation"] and simulated["etapes"]
    steps = ok("migrer", "--base", db.owner_url, "--au", DAY)["etapes"]
    assert steps == simulated["etapes"]  # the simulation wrote nothing, and said what is then done
    assert any("syc_fichiers" in s for s in steps)
    assert any(f"{PREVIOUS} → {SCHEMA.version}" in s for s in steps)
    assert any(s.startswith(f"étape de données de la version {SCHEMA.version}") for s in steps)
    assert structure(db.owner_url) == structure(fresh.owner_url)
    assert ok("migrer", "--base", db.owner_url, "--au", DAY)["etapes"] == []
    with psycopg.connect(db.owner_url) as conn:  # version 15: the clients' IBAN and the lines' bank code, empty
        assert conn.execute('SELECT count(*) FROM "tClients" WHERE iban IS NOT NULL').fetchone()[0] == 0
        assert conn.execute('SELECT count(*) FROM "tClients"').fetchone()[0] >= 1
        assert conn.execute('SELECT count(*) FROM "tReleves" WHERE bank_code IS NOT NULL').fetchone()[0] == 0
    code, refused = run("client", "modifier", "C00001", "--iban", "FR76 3000 6000 0112 3456 7890 188",
                        "--base", db.url(), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "client.iban", refused
    ok("client", "modifier", "C00001", "--iban", "fr76 3000 6000 0112 3456 7890 189", "--base", db.url(), "--au", DAY)
    assert ok("client", "voir", "C00001", "--base", db.url(), "--au", DAY)["client"]["iban"] == "FR7630006000011234567890189"
    assert ok("base", "verifier", "--base", db.url(), "--au", DAY)["pieces"] >= 1
    again = sales(["--base", db.url()])  # an action works, numbering carrying on
    assert again > number
    assert ok("base", "verifier", "--base", db.url(), "--au", DAY)["pieces"] >= 2


def test_an_application_login_cannot_migrate_and_nothing_changes(base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    downgrade(db)
    before = structure(db.owner_url)
    for user in ("syc_assistante", "syc_directrice"):
        code, refused = run("migrer", "--base", db.url(user), "--au", DAY)
        assert code == 1 and refused["erreurs"][0]["code"] == "base.migration", refused
        assert user in refused["erreurs"][0]["message"] and SUPERUSER in refused["erreurs"][0]["message"]
    assert structure(db.owner_url) == before
