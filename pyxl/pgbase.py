"""Moving in and out of PostgreSQL: create a base, import a workbook into it, export it as a workbook.

- `create(url, folder)`: the tables, triggers, roles and rights (pyxl.workbook.pgschema) in an empty
  database, the schema version and the shared folder of the legal files recorded; no data yet.
- `import_book(url, book)`: a workbook, its audit chain verified first, into a base just created;
  every table copied as it reads (the fingerprints do not move), the anchor carried over, the
  closure files copied to the shared folder; the workbook is then marked « déplacé vers la base »
  (a parameter row the FileStore refuses to write past).
- `export_book(url, out)`: a complete single-file workbook of the base (the builder, every row),
  with its anchor file: `syc verifier --book` accepts it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyxl.core.frformat import plural
from pyxl.core.issues import Issue, Refused
from pyxl.workbook import commit, pgschema
from pyxl.workbook.filestore import MOVED_TO_BASE as MOVED
from pyxl.workbook.pgstore import PostgresStore, shown_url, unreachable
from pyxl.workbook.schema import SCHEMA, Schema


def connect(url: str) -> Any:
    import psycopg

    from pyxl.workbook import pgsecret

    try:
        return pgsecret.connect(url, autocommit=True, connect_timeout=5, application_name="syc")
    except psycopg.OperationalError as exc:
        raise unreachable(url, exc) from None


def create(url: str, folder: Path, schema: Schema = SCHEMA) -> None:
    """Schema, roles and rights in an empty database. Run with the migration role (it owns the tables)."""
    import psycopg

    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise Refused(Issue("base.dossier", f"Le dossier partagé « {folder} » n'existe pas : créez-le (il recevra "
                                             "les pièces, les clôtures et les sauvegardes), puis relancez.", str(folder)))
    with connect(url) as conn:
        if conn.execute("SELECT to_regclass(%s)", (pgschema.META,)).fetchone()[0] is not None:
            raise Refused(Issue("base.existe", f"La base « {shown_url(url)} » contient déjà SYC Gestion : rien n'a "
                                               "été modifié.", shown_url(url)))
        try:
            pgschema.create_roles(conn)
            with conn.transaction():
                for stmt in pgschema.statements(schema):
                    conn.execute(stmt)
                conn.execute(f"INSERT INTO {pgschema.META} VALUES ('schema_version', %s), ('dossier', %s), "
                             "('donnees', 'non'), ('base_version', %s)",
                             (str(schema.version), str(folder), str(pgschema.BASE_VERSION)))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise Refused(Issue("base.droits", "Créer la base demande le rôle de migration (propriétaire de la base, "
                                               f"qui peut créer des rôles) : {str(exc).strip().splitlines()[0]}.",
                                shown_url(url))) from None


def import_book(url: str, book: Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Copy a verified workbook into a base just created. Returns the rows copied per table."""
    from pyxl.workbook.filestore import FileStore

    src = FileStore(book)
    commit.refuse_if_open(src.path)  # it must be marked moved once imported: not while Excel holds it
    src.check_version()
    issues = src.verify()
    if issues:
        raise Refused([*issues, Issue("base.import", f"{book.name} : le classeur ne se vérifie pas ; rien n'a été "
                                                      "importé. Corrigez-le d'abord (syc verifier).", book.name)])
    if src.parameters().get(MOVED):
        raise Refused(Issue("base.import", f"{book.name} a déjà été déplacé vers une base ; rien n'a été importé.",
                            book.name))
    store = PostgresStore(url, src.schema)
    meta = store.meta()
    if meta.get("donnees") != "non":
        raise Refused(Issue("base.pleine", f"La base « {shown_url(url)} » contient déjà des données : on n'importe "
                                           "que dans une base neuve (syc base creer).", shown_url(url)))
    counts: dict[str, int] = {}
    conn = store.conn
    with conn.transaction():
        for table in src.schema.tables:
            rows = src.rows(table.name)
            values = [{c.key: r.get(c.key) for c in table.columns} for r in rows]
            _copy_rows(conn, table, [r.row for r in rows], values)
            counts[table.name] = len(rows)
            src.release(table.name)
            if progress:
                progress(table.sheet)
        anchor = src.read_anchor()
        if anchor is not None:
            conn.execute(f"INSERT INTO {pgschema.ANCHOR} (id, seq, hash) VALUES (1, %s, %s)", anchor)
        conn.execute(f"UPDATE {pgschema.META} SET valeur = 'oui' WHERE cle = 'donnees'")
    store.close()
    folder = Path(meta["dossier"])
    _copy_legal_files(src.path, folder)
    if anchor is not None:
        commit.write_anchor(folder / "SYC_Gestion.base", _entry(anchor))
    store = PostgresStore(url)  # the files are copied once the rows are committed: recorded right after
    try:
        store.record_files(files_in(folder, anchor is not None))
    finally:
        store.close()
    mark_moved(src.path, url)
    return counts


def files_in(folder: Path, anchor: bool) -> list[Any]:
    """The closure files and the anchor's copy in the shared folder, as they are, to record."""
    from pyxl.services import closures
    from pyxl.workbook.store import LegalFile

    book = folder / "SYC_Gestion.base"
    files = [LegalFile.of(folder, p, "cloture", p.stem, p.read_bytes())
             for p in sorted(closures.folder(book).glob("*/*.txt"))]
    copy = commit.anchor_path(book)
    if anchor and copy.is_file():
        data = copy.read_bytes()
        files.append(LegalFile.of(folder, copy, "ancre", data.split(b" ", 1)[0].decode("ascii", "replace"), data))
    return files


def _entry(anchor: tuple[int, str]) -> Any:
    from pyxl.core import audit

    return audit.Entry(anchor[0], "", None, "", "", "", "", "", anchor[1], "")


def _copy_rows(conn: Any, table: Any, nums: list[int], values: list[dict[str, Any]]) -> None:
    keys = [c.key for c in table.columns]
    cols = ", ".join(pgschema.q(k) for k in keys)
    with conn.cursor().copy(f"COPY {pgschema.q(table.name)} (_row, {cols}) FROM STDIN") as cp:
        for num, v in zip(nums, values, strict=True):
            cp.write_row([num, *(v.get(k) for k in keys)])


def _copy_legal_files(book: Path, folder: Path) -> None:
    """The closure files of the workbook into the shared folder (the base's stem is the workbook's)."""
    from pyxl.services import closures

    src = closures.folder(book)
    dst = closures.folder(folder / "SYC_Gestion.base")
    if src.exists() and src.resolve() != dst.resolve():
        shutil.copytree(src, dst, dirs_exist_ok=True)


def mark_moved(book: Path, url: str) -> None:
    """The workbook says it moved to the base: the FileStore refuses to write it from now on."""
    from pyxl.workbook.filestore import FileStore
    from pyxl.workbook.store import ChangeSet

    store = FileStore(book)
    changes = ChangeSet()
    changes.append("tParametres", {"code": MOVED, "label": "Classeur déplacé vers la base",
                                   "value": shown_url(url)})
    store.apply(changes, as_of=dt.date.today())


def export_book(url: str, out: Path, schema: Schema = SCHEMA) -> dict[str, int]:
    """A complete workbook of the base, every table as the base holds it, and its anchor file."""
    from pyxl.excel.builder import build

    store = PostgresStore(url, schema)
    store.check_version()
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in schema.tables:
        rows[table.name] = [dict(r.values) for r in store.rows(table.name)]
        store.release(table.name)
    rows["tParametres"] = [r for r in rows["tParametres"] if r.get("code") != MOVED]
    anchor = store.read_anchor()
    shared = store.path
    store.close()
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    build(tmp, rows=rows)
    tmp.replace(out)
    if anchor is not None:
        commit.write_anchor(out, _entry(anchor))
    from pyxl.services import closures

    src, dst = closures.folder(shared), closures.folder(out)  # the closure files go with it
    if src.exists() and src.resolve() != dst.resolve():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    return {k: len(v) for k, v in rows.items()}


def dump(url: str, book: Path, now: dt.datetime | None = None) -> Path:
    """A backup of the whole base with pg_dump (custom format, for pg_restore), in the shared
    folder's sauvegardes/, named as the workbook backups so `syc sauvegardes liste` lists it."""
    import os
    import subprocess

    from pyxl.workbook import backups, pgcluster, pgsecret

    exe = shutil.which("pg_dump") or str((pgcluster.bin_dir() or Path("/usr/bin")) / "pg_dump")
    if not Path(exe).exists() and not shutil.which(exe):
        raise Refused(Issue("base.pg_dump", "pg_dump est introuvable sur ce poste : installez les outils clients de "
                                            "PostgreSQL (paquet postgresql-client, ou l'installeur Windows).", "pg_dump"))
    now = now or dt.datetime.now()
    folder = backups.folder(book)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{book.stem}_{now:%Y-%m-%d_%H%M%S_%f}{book.suffix}"
    tmp = target.with_name(target.name + ".tmp")
    env = dict(os.environ)
    command = [exe, "--format=custom", "--no-password", "--file", str(tmp), "--dbname", url]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 and pgsecret.NO_PASSWORD in done.stderr:  # none in .pgpass: the keyring's, as syc does
        try:
            password = pgsecret.from_keyring(url)
        except Refused:
            password = None
        if password:
            env["PGPASSWORD"] = password  # for the child process only, never on its command line
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        detail = (done.stderr.strip().splitlines() or ["erreur inconnue"])[-1]
        raise Refused(Issue("base.pg_dump", f"pg_dump a échoué ({detail}) : aucune sauvegarde n'a été écrite.",
                            shown_url(url)))
    tmp.replace(target)
    return target


def migrate(url: str, schema: Schema = SCHEMA, simulate: bool = False) -> list[str]:
    """`syc migrer --base`: a base of an older schema brought to `schema`, in one transaction of the
    migration role (the tables' owner), under the writers' lock: the tables and columns it lacks
    added, the base's own tables (the legal files' one) added, the protections (triggers) and rights
    made again from the schema, the recorded version bumped, then the data steps of
    `pyxl.workbook.migrate` applied through the Store protocol inside that same transaction.
    Nothing in the journal is touched: what was issued keeps its fingerprint. Returns what was
    done in French ([] when the base is current); `simulate`: what would be done, nothing written."""
    import psycopg

    from pyxl.workbook import migrate as book_migrate
    from pyxl.workbook.pgstore import WRITERS_LOCK

    with connect(url) as conn:
        store = PostgresStore(url, schema)
        store._conn = conn  # the data steps write in the migration's own transaction
        version, base_version = store.version(), store.base_version()
        if version > schema.version:
            raise Refused(Issue("store.new", f"Cette base (schéma version {version}) vient d'une version plus récente "
                                             "de SYC Gestion : mettez SYC Gestion à jour.", shown_url(url)))
        if version == schema.version and base_version >= pgschema.BASE_VERSION:
            return []
        owner, login, allowed = conn.execute(
            "SELECT tableowner, session_user, pg_has_role(session_user, tableowner, 'MEMBER') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename = %s", (pgschema.META,)).fetchone()
        if not allowed:
            raise Refused(Issue("base.migration", f"Seul le rôle de migration ({owner}, propriétaire des tables) met "
                                                  f"la base à jour ; l'identifiant « {login} » est un compte "
                                                  "d'application. Rien n'a été modifié. Relancez « syc migrer "
                                                  "--base URL » avec l'URL du rôle de migration.", shown_url(url)))
        steps = book_migrate._steps(version, schema)
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK,))
                done = _restructure(conn, schema, version, base_version)
                if base_version < 2:  # the legal files already there: recorded as they are now
                    files = files_in(store.path.parent, store.read_anchor() is not None)
                    store._insert_files(files)
                    done.append("empreinte SHA-256 enregistrée pour " + plural(
                        len(files), "fichier déjà présent", "fichiers déjà présents") + " (clôtures, copie de l'ancre)")
                if simulate:
                    raise psycopg.Rollback()
                for v, step in steps:
                    store._meta = None  # the new version, read back inside the transaction
                    changes = step(store)  # type: ignore[arg-type]
                    if changes is not None and not changes.empty:
                        store.apply(changes, as_of=dt.date.today())
                    done.append(book_migrate._step_label(v, step))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise Refused(Issue("base.migration", "Mettre la base à jour demande le rôle de migration "
                                                  f"({str(exc).strip().splitlines()[0]}) ; rien n'a été modifié.",
                                shown_url(url))) from None
        if simulate:
            done += [book_migrate._step_label(v, step) for v, step in steps]
        store._conn = None
        return done


def _restructure(conn: Any, schema: Schema, version: int, base_version: int) -> list[str]:
    """The DDL of a migration (inside its transaction); what was done, in French."""
    q = pgschema.q
    done: list[str] = []
    have: dict[str, set[str]] = {}
    for table, column in conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                                      "WHERE table_schema = 'public'").fetchall():
        have.setdefault(table, set()).add(column)
    if base_version < 2 and pgschema.FILES not in have:
        for stmt in pgschema.files_table():
            conn.execute(stmt)
        done.append(f"ajout de la table {pgschema.FILES} (empreintes SHA-256 des fichiers légaux du dossier partagé)")
    for table in schema.tables:
        if table.name not in have:
            for stmt in pgschema.create_table(table):
                conn.execute(stmt)
            done.append(f"ajout de la table {table.name} (feuille « {table.sheet} »)")
            continue
        for col in table.columns:
            if col.key not in have[table.name]:
                conn.execute(f"ALTER TABLE {q(table.name)} ADD COLUMN {q(col.key)} {pgschema.sql_type(col)}")
                done.append(f"ajout de la colonne « {col.header} » à la table {table.name}")
    for table in schema.audited:  # the protections follow the current audit specs
        assert table.audit is not None
        for name in (table.name, table.audit.lines_table):
            if name:
                conn.execute(f"DROP TRIGGER IF EXISTS syc_protect ON {q(name)}")
                conn.execute(f"DROP FUNCTION IF EXISTS {q('syc_protect_' + name)}()")
        for stmt in pgschema.protect_issued(table, schema):
            conn.execute(stmt)
    if base_version < 3 and pgschema.ENTRIES in {t.name for t in schema.tables}:
        done.append(f"table {pgschema.ENTRIES} en ajout seul, comme le journal (ni modification ni suppression)")
    for stmt in pgschema.entries_protection(schema):
        conn.execute(stmt)
    for stmt in pgschema.grants(schema):
        conn.execute(stmt)
    done.append("protections de la base (déclencheurs) et droits des rôles syc_ecriture et syc_lecture refaits")
    conn.execute(f"UPDATE {pgschema.META} SET valeur = %s WHERE cle = 'schema_version'", (str(schema.version),))
    conn.execute(f"INSERT INTO {pgschema.META} VALUES ('base_version', %s) ON CONFLICT (cle) DO UPDATE "
                 "SET valeur = EXCLUDED.valeur", (str(pgschema.BASE_VERSION),))
    if version != schema.version:
        done.append(f"mise à jour de la version du schéma : {version} → {schema.version}")
    return done
