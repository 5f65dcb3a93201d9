"""PostgresStore: the store interface over a PostgreSQL database (the multi-user mode, `--base URL`).

Each action is one transaction: `session()` opens it and takes the writers' lock (a transaction
advisory lock, so numbering stays gapless and chronological whatever the number of writers: the
service reads the last number and writes the next one under it); `apply()` checks the change set
with the audit guard every store shares (same refusals, same fingerprints) and writes it; leaving
the session commits, or rolls everything back on any error. Rows carry the version and the login
the database itself stamps (pyxl.workbook.pgschema): a change set based on a row someone changed
meanwhile is refused with who and when.

The password is never in the URL: libpq reads it from its password file (.pgpass, PGPASSFILE), else
it comes from the system's keyring (pyxl.workbook.pgsecret).
The legal files (closure copies, the anchor copy, documents) go to the shared folder recorded in
the database; an action is refused when it is unreachable.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pyxl.core import audit
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.money import to_cents
from pyxl.workbook import commit
from pyxl.workbook.guard import JOURNAL_CHECKED, AuditGuard
from pyxl.workbook.pgschema import (
    ANCHOR,
    APPEND_ONLY,
    BASE_VERSION,
    ENTRIES,
    FILES,
    JOURNAL,
    META,
    READER_ROLE,
    WRITER_ROLE,
    q,
)
from pyxl.workbook.schema import SCHEMA, Kind, Schema, Table
from pyxl.workbook.store import ChangeSet, LegalFile, Row, entries_of, parameters_of

WRITERS_LOCK = 0x5359_4347  # « SYCG »: the advisory lock every writing action holds until it commits
LOCK_TIMEOUT = "30s"  # a writer waits at most this long for another one to finish
CONNECT_TIMEOUT_S = 5
BOOK_NAME = "SYC_Gestion.base"
# test hook (the kill -9 test): seconds to wait inside the transaction, the change set written, before committing
PAUSE_BEFORE_COMMIT = "SYC_PAUSE_AVANT_VALIDATION"  # the store's `path` inside the shared folder (its files are beside it)


def unreachable(url: str, exc: Exception) -> Refused:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if detail.startswith("aucun mot de passe") or "password authentication failed" in detail:
        return Refused(Issue(
            "base.motdepasse", f"Connexion à la base « {shown_url(url)} » refusée ({detail}). Rien n'a été "
            "enregistré. Vérifiez l'identifiant et son mot de passe (fichier .pgpass, ou « syc base motdepasse "
            "--enregistrer »), puis relancez.", shown_url(url)))
    return Refused(Issue(
        "base.injoignable",
        f"La base PostgreSQL « {shown_url(url)} » est injoignable ({detail}). Rien n'a été enregistré. "
        "Vérifiez que le serveur est allumé et accessible depuis ce poste, puis relancez.", shown_url(url)))


def anchor_bytes(seq: int, hash_: str) -> bytes:
    """The anchor's copy beside the legal files, as `commit.write_anchor` writes it."""
    return f"{seq} {hash_}\n".encode("ascii")


def shown_url(url: str) -> str:
    """The URL without any password (one should never be in it; never print it if it is)."""
    import re

    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _normaliser(kind: Kind) -> Any:
    """A value as the workbook stores read it back (a quantity normalised, money to the cent)."""
    if kind is Kind.MONEY:
        zero = Decimal("0.00")
        return lambda v: v if v is None else (to_cents(v) if v else zero)
    if kind in (Kind.DECIMAL, Kind.RATE):
        return lambda v: v if v is None else (v.normalize() if v else Decimal(0))
    return None


class PostgresStore:
    def __init__(self, url: str, schema: Schema = SCHEMA, *, folder: str | Path | None = None):
        self.url = url
        self.schema = schema
        self.guard = AuditGuard(self)
        self._conn: Any = None
        self._folder = Path(folder) if folder is not None else None
        self._session = 0
        self._cache: dict[str, list[Row]] = {}
        self._found: dict[tuple[str, str, frozenset[str]], list[Row]] = {}
        self._cols: dict[str, list[tuple[str, Any]]] = {}
        self._meta: dict[str, str] | None = None
        self._selects: dict[str, str] = {}
        self._version_checked = False
        self._writers: dict[tuple[str, Any], str] = {}
        # rows_at() and tail() answers, by table (dropped with the table's other reads when it is written)
        self._at: dict[tuple[str, frozenset[int]], dict[int, Row]] = {}
        self._tails: dict[tuple[str, int], list[Row]] = {}
        self.lock_wait = 0.0  # seconds waited for the writers' lock, and held, summed (benchmarks)
        self.lock_held = 0.0
        self.new_anchor: tuple[int, str] | None = None

    # ---- connection
    @property
    def conn(self) -> Any:
        if self._conn is None:
            import psycopg

            from pyxl.workbook import pgsecret

            try:
                self._conn = pgsecret.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                              application_name="syc")
            except psycopg.OperationalError as exc:
                raise unreachable(self.url, exc) from None
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._forget_all()

    def user(self) -> str:
        return str(self.conn.execute("SELECT session_user").fetchone()[0])

    def meta(self) -> dict[str, str]:
        """The base's settings (schema version, shared folder), read once per store."""
        if self._meta is None:
            self._meta = self._read_meta()
        return self._meta

    def _read_meta(self) -> dict[str, str]:
        try:
            return {k: v for k, v in self.conn.execute(f"SELECT cle, valeur FROM {META}").fetchall()}
        except Exception as exc:
            import psycopg

            if isinstance(exc, psycopg.errors.UndefinedTable):
                raise Refused(Issue(
                    "base.vide", f"La base « {shown_url(self.url)} » n'est pas une base SYC Gestion : "
                    "créez-la avec « syc base creer URL ».", shown_url(self.url))) from None
            raise

    @property
    def path(self) -> Path:
        """A name inside the shared folder: closures, backups, the anchor copy and documents are
        written beside it, as beside a workbook."""
        if self._folder is None:
            folder = self.meta().get("dossier", "")
            self._folder = Path(folder) if folder else Path.cwd()
        return self._folder / BOOK_NAME

    @path.setter
    def path(self, value: Path) -> None:
        self._folder = Path(value).parent

    # ---- reading
    def version(self) -> int:
        return int(self.meta().get("schema_version", "0") or 0)

    def is_syc_book(self) -> bool:
        return True

    def check_version(self) -> None:
        v = self.version()
        if v < self.schema.version:
            raise Refused(Issue(
                "store.old",
                f"Cette base est à la version {v} du schéma, SYC Gestion attend la version {self.schema.version}. "
                "Lancez « syc migrer --base URL » avec le rôle de migration.", shown_url(self.url)))
        if v > self.schema.version:
            raise Refused(Issue(
                "store.new",
                f"Cette base (schéma version {v}) vient d'une version plus récente de SYC Gestion. "
                "Mettez SYC Gestion à jour avant de l'utiliser.", shown_url(self.url)))
        base_version = self.base_version()
        if base_version < BASE_VERSION:
            missing = ("la table des empreintes des fichiers légaux (factures PDF, clôtures)" if base_version < 2
                       else "la protection de la table « Écritures » (ajout seul, comme le journal)")
            raise Refused(Issue(
                "store.old", f"Il manque à cette base {missing}. "
                "Lancez « syc migrer --base URL » avec le rôle de migration.", shown_url(self.url)))

    def base_version(self) -> int:
        """The version of the base's own tables (1: made before the legal files' table)."""
        return int(self.meta().get("base_version", "1") or 1)

    def _columns(self, name: str) -> list[tuple[str, Any]]:
        if name not in self._cols:
            table = self.schema.table(name)
            self._cols[name] = [(c.key, _normaliser(c.kind)) for c in table.columns]
        return self._cols[name]

    def _select(self, table: Table) -> str:
        sql = self._selects.get(table.name)
        if sql is None:
            cols = ", ".join(q(c.key) for c in table.columns)
            sql = self._selects[table.name] = f"SELECT _row, _version, _writer, _written_at, {cols} FROM {q(table.name)}"
        return sql

    def _writer(self, login: str, when: Any) -> str:
        """« marie, le 05/12/2026 à 10:42 »: who wrote a row and when (for a stale row's refusal)."""
        key = (login, when)
        text = self._writers.get(key)
        if text is None:
            text = self._writers[key] = (f"{login}, le {date_fr(when.date())} à {when:%H:%M}"
                                         if when is not None else login)
        return text

    def _rows_of(self, table: Table, records: Sequence[tuple[Any, ...]]) -> list[Row]:
        cols = self._columns(table.name)
        sheet = table.sheet
        out = []
        for rec in records:
            values = {}
            for (key, norm), v in zip(cols, rec[4:], strict=True):
                values[key] = norm(v) if norm is not None and v is not None else v
            if all(v is None for v in values.values()):
                continue  # a row emptied (a draft dropped), as a blank row of a sheet is no record
            out.append(Row(MappingProxyType(values), rec[0], sheet, stored_version=str(rec[1]),
                           writer=self._writer(rec[2], rec[3])))
        return out

    def _query(self, table: Table, where: str = "", params: Sequence[Any] = (), tail: str = "ORDER BY _row") -> list[Row]:
        import psycopg

        if not self._version_checked:  # a base of another schema version is refused, never misread
            self.check_version()
            self._version_checked = True
        sql = self._select(table) + (f" WHERE {where}" if where else "") + " " + tail
        try:
            records = self.conn.execute(sql, params).fetchall()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise self._no_right(exc) from None
        except psycopg.OperationalError as exc:
            raise unreachable(self.url, exc) from None
        return self._rows_of(table, records)

    def rows(self, name: str) -> list[Row]:
        if name not in self._cache:
            self._cache[name] = self._query(self.schema.table(name))
        return self._cache[name]

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Row]:
        if name in self._cache:
            return [r for r in self._cache[name] if str(r.get(key) or "") in values]
        memo = (name, key, frozenset(values))
        if memo not in self._found:
            table = self.schema.table(name)
            col = table.column(key)
            wanted = sorted(v for v in values if v)
            if col.kind in (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP):
                where = f"{q(key)} = ANY(%s)"
            else:
                where = f"{q(key)}::text = ANY(%s)"
            if "" in values:
                where = f"({where} OR {q(key)} IS NULL)"
            self._found[memo] = self._query(table, where, (wanted,))
        return self._found[memo]

    def rows_at(self, name: str, nums: set[int]) -> dict[int, Row]:
        if name in self._cache:
            return {r.row: r for r in self._cache[name] if r.row in nums}
        memo = (name, frozenset(nums))
        if memo not in self._at:
            rows = self._query(self.schema.table(name), "_row = ANY(%s)", (sorted(nums),))
            self._at[memo] = {r.row: r for r in rows}
        return self._at[memo]

    def tail(self, name: str, n: int = 1) -> list[Row]:
        if n <= 0:
            return []
        if name in self._cache:
            return self._cache[name][-n:]
        memo = (name, n)
        if memo not in self._tails:
            rows = self._query(self.schema.table(name), tail=f"ORDER BY _row DESC LIMIT {int(n)}")
            self._tails[memo] = rows[::-1]
        return self._tails[memo]

    def prefetch(self, names: Sequence[str]) -> None:
        return None

    def release(self, name: str) -> None:
        self._forget(name)

    def parameters(self) -> dict[str, str]:
        return parameters_of(self.rows("tParametres"))

    def check_table(self, name: str) -> list[Issue]:
        return []  # typed columns: nothing can be unreadable

    def journal(self) -> list[audit.Entry]:
        return entries_of(self.rows(JOURNAL))

    def journal_for(self, refs: set[str]) -> list[audit.Entry]:
        refs = {r for r in refs if r}
        return entries_of(self.rows_where(JOURNAL, "ref", refs)) if refs else []

    def journal_tail(self, n: int = 1) -> list[audit.Entry]:
        return entries_of(self.tail(JOURNAL, n))

    def recent_journal(self) -> list[audit.Entry]:
        return self.journal_tail(JOURNAL_CHECKED)

    def read_anchor(self) -> tuple[int, str] | None:
        found = self.conn.execute(f"SELECT seq, hash FROM {ANCHOR} WHERE id = 1").fetchone()
        return (int(found[0]), str(found[1])) if found else None

    def check_issued(self, name: str, rows: Sequence[Row], journal: Sequence[audit.Entry], consequence: str) -> None:
        self.guard.check_issued(name, rows, journal, consequence)

    def verify(self) -> list[Issue]:
        """What `syc verifier` checks on a workbook, plus the database's own protections in place."""
        issues = self.protection_issues()
        issues += self.file_issues()
        issues += self.guard.verify()
        self._forget_all()
        return issues

    def protection_issues(self) -> list[Issue]:
        """The protecting triggers present and enabled (a superuser could have dropped them)."""
        found = {(t, n) for t, n, enabled in self.conn.execute(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal").fetchall() if enabled != "D"}
        wanted = [(JOURNAL, "syc_insert_only"), (FILES, "syc_insert_only"), (FILES, "syc_no_truncate")]
        for t in self.schema.audited:
            assert t.audit is not None
            wanted.append((t.name, "syc_protect"))
            if t.audit.lines_table:
                wanted.append((t.audit.lines_table, "syc_protect"))
        wanted += [(t.name, "syc_no_delete") for t in self.schema.tables]
        names = {t.name for t in self.schema.tables}
        if ENTRIES in names:
            wanted.append((ENTRIES, "syc_insert_only"))
        issues = [Issue("base.protection",
                        f"Table {t} : la protection « {n} » de la base a été retirée ou désactivée. Recréez-la "
                        "(syc base creer sur une base neuve puis syc base importer) ou restaurez une sauvegarde.", t)
                  for t, n in wanted if (t, n) not in found]
        # the tables the application only appends to: no UPDATE nor DELETE right granted back
        for name in (n for n in APPEND_ONLY if n in names):
            for right in ("UPDATE", "DELETE", "TRUNCATE"):
                if any(self.conn.execute("SELECT has_table_privilege(%s, %s, %s)", (role, q(name), right)).fetchone()[0]
                       for role in (WRITER_ROLE, READER_ROLE)):
                    issues.append(Issue("base.protection", f"Table {name} : le droit {right} a été accordé aux rôles de "
                                        "l'application alors qu'on n'y fait qu'ajouter des lignes. Retirez-le avec le "
                                        f"rôle de migration : REVOKE {right} ON \"{name}\" FROM {WRITER_ROLE}, "
                                        f"{READER_ROLE};", name))
        return issues

    # ---- the legal files of the shared folder
    def recorded_files(self) -> list[tuple[str, str, str, str, int, str, Any]]:
        """The latest record of each legal file: (path, kind, number, SHA-256, size, login, time)."""
        return [tuple(r) for r in self.conn.execute(
            f"SELECT DISTINCT ON (chemin) chemin, nature, numero, sha256, octets, _writer, _written_at FROM {FILES} "
            "ORDER BY chemin, _seq DESC").fetchall()]

    def _insert_files(self, files: Sequence[LegalFile]) -> None:
        if files:
            self.conn.cursor().executemany(
                f"INSERT INTO {FILES} (chemin, nature, numero, sha256, octets) VALUES (%s, %s, %s, %s, %s)",
                [(f.path, f.kind, f.number, f.sha256, f.size) for f in files])

    def record_files(self, files: Sequence[LegalFile]) -> None:
        """Documents just written (after their action's commit: rendering takes seconds and must
        neither hold the writers' lock nor undo the action), recorded in their own transaction."""
        import psycopg

        if not files:
            return
        try:
            with self.conn.transaction():
                self._insert_files(files)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise self._no_right(exc) from None
        except psycopg.OperationalError as exc:
            self._conn = None
            raise unreachable(self.url, exc) from None

    def record_written(self, written: Sequence[tuple[Path, str, str]]) -> None:
        """Files just written to the shared folder, as (path, kind, number): recorded as they are now."""
        self.record_files([LegalFile.of(self.path.parent, path, kind, number, Path(path).read_bytes())
                           for path, kind, number in written])

    def file_issues(self) -> list[Issue]:
        """Every recorded legal file present and unchanged; every closure and the anchor's copy recorded."""
        import hashlib

        root = self.path.parent
        issues: list[Issue] = []
        recorded = self.recorded_files()
        for rel, kind, number, sha, size, login, when in recorded:
            path = root / rel
            what = f"{rel} ({kind}{' ' + number if number else ''}, enregistré par {self._writer(login, when)})"
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                issues.append(Issue("fichier.absent", f"Fichier légal {what} : absent du dossier partagé {root}. "
                                                      "Restaurez-le depuis une sauvegarde du dossier.", rel))
                continue
            except OSError as exc:
                issues.append(Issue("fichier.illisible", f"Fichier légal {what} : illisible ({exc}).", rel))
                continue
            if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
                issues.append(Issue("fichier.modifie", f"Fichier légal {what} : modifié depuis son enregistrement "
                                                       "(empreinte SHA-256 différente). Restaurez-le depuis une "
                                                       "sauvegarde du dossier.", rel))
        closures = {number for _, kind, number, *_ in recorded if kind == "cloture"}
        for r in self.rows("tClotures"):
            if r["ref"] and str(r["ref"]) not in closures:
                issues.append(Issue("fichier.attendu", f"Clôture {r['ref']} ({r.where}) : aucun fichier de clôture "
                                                       "enregistré dans la base.", r.where))
        anchor = self.read_anchor()
        if anchor is not None:
            rel = commit.anchor_path(self.path).name
            mine = [sha for path, _, _, sha, *_ in recorded if path == rel]
            want = hashlib.sha256(anchor_bytes(*anchor)).hexdigest()
            if mine != [want]:
                issues.append(Issue("fichier.attendu", f"Copie de l'ancre du journal ({rel}) : la dernière "
                                                       f"enregistrée n'est pas celle du journal (n° {anchor[0]}).", rel))
        return issues

    # ---- writing
    def _no_right(self, exc: Exception) -> Refused:
        return Refused(Issue(
            "base.droits",
            f"Votre identifiant de base n'a pas le droit de faire cela ({str(exc).strip().splitlines()[0]}) ; "
            "rien n'a été enregistré. Les comptes en lecture seule consultent sans modifier.", shown_url(self.url)))

    def _check_folder(self) -> None:
        folder = self.path.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise Refused(Issue(
                "base.dossier",
                f"Le dossier partagé des pièces « {folder} » est inaccessible depuis ce poste ; rien n'a été "
                "enregistré. Reconnectez le lecteur réseau, puis relancez.", str(folder)))

    @contextmanager
    def session(self) -> Iterator[PostgresStore]:
        """One transaction holding the writers' lock, committed at the end (rolled back on error)."""
        if self._session:
            yield self
            return
        import psycopg

        self._check_folder()
        conn = self.conn
        self._forget_all()  # what was read before the lock may be stale
        self.new_anchor = None
        t0 = time.perf_counter()
        try:
            with conn.transaction():
                conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                try:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK,))
                except psycopg.errors.LockNotAvailable:
                    raise Refused(Issue(
                        "store.locked", "Un autre utilisateur enregistre une action depuis plus de 30 secondes ; "
                        "rien n'a été enregistré. Relancez dans un instant.", shown_url(self.url))) from None
                t1 = time.perf_counter()
                self.lock_wait += t1 - t0
                self._session = 1
                try:
                    yield self
                    pause = float(os.environ.get(PAUSE_BEFORE_COMMIT) or 0)
                    if pause:
                        time.sleep(pause)
                finally:
                    self._session = 0
                    self._forget_all()
            self.lock_held += time.perf_counter() - t1
        except psycopg.errors.InsufficientPrivilege as exc:
            raise self._no_right(exc) from None
        except psycopg.errors.RaiseException as exc:
            raise Refused(Issue("base.protection", f"{exc.diag.message_primary} Rien n'a été enregistré.",
                                shown_url(self.url))) from None
        except psycopg.OperationalError as exc:
            self._conn = None
            raise unreachable(self.url, exc) from None
        anchor, self.new_anchor = self.new_anchor, None
        if anchor is not None:  # a copy beside the other legal files, outside the database
            self._write_anchor_copy(anchor)

    def _write_anchor_copy(self, anchor: tuple[int, str]) -> None:
        """After the commit, never over a later one: two writers commit in turn, then may write
        their copies in the other order; the copy keeps the highest number (the one recorded last)."""
        with commit.write_lock(self.path):
            current = commit.read_anchor(self.path)
            if current is None or current[0] < anchor[0]:
                commit.write_anchor(self.path, audit.Entry(anchor[0], "", None, "", "", "", "", "", anchor[1], ""))

    def apply(self, changes: ChangeSet, *, as_of: dt.date, now: dt.datetime | None = None) -> None:
        """Write a change set whole inside the session's transaction, or raise Refused writing nothing."""
        if changes.empty:
            return
        with self.session():
            self.check_version()
            planned = self.guard.plan(changes, as_of, now or dt.datetime.now())
            tail = self.guard.new_tail
            self.guard.new_tail = None
            with self.conn.transaction():  # a savepoint: a refusal leaves the session's transaction usable
                self._write(planned)
                files = list(changes.files)
                if tail is not None:
                    self.conn.execute(
                        f"INSERT INTO {ANCHOR} (id, seq, hash) VALUES (1, %s, %s) ON CONFLICT (id) DO UPDATE "
                        "SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, _writer = session_user, _written_at = now()",
                        (tail.seq, tail.hash))
                    self.new_anchor = (tail.seq, tail.hash)
                    files.append(LegalFile.of(self.path.parent, commit.anchor_path(self.path), "ancre",
                                              str(tail.seq), anchor_bytes(tail.seq, tail.hash)))
                self._insert_files(files)  # written once committed; their SHA-256 recorded with the action
            for name in {*planned.appends, *planned.updates}:  # what was not written is still current
                self._forget(name)

    def _write(self, planned: ChangeSet) -> None:
        import psycopg

        conn = self.conn
        try:
            for name, ups in planned.updates.items():
                table = self.schema.table(name)
                for num, values in ups:
                    if not values:
                        continue
                    sets = ", ".join(f"{q(k)} = %s" for k in values)
                    cur = conn.execute(f"UPDATE {q(name)} SET {sets} WHERE _row = %s", [*values.values(), num])
                    if cur.rowcount != 1:
                        raise Refused(Issue("store.row", f"{table.sheet}, ligne {num} : hors de la table.", table.sheet))
            # the journal last: the triggers see a document as issued once its journal row is in
            for name in sorted(planned.appends, key=lambda n: n == JOURNAL):
                self.insert(name, planned.appends[name])
        except psycopg.errors.InsufficientPrivilege as exc:
            raise self._no_right(exc) from None
        except psycopg.errors.RaiseException as exc:
            raise Refused(Issue("base.protection", f"{exc.diag.message_primary} Rien n'a été enregistré.",
                                shown_url(self.url))) from None

    def insert(self, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Append rows after the table's last one (row numbers follow, under the writers' lock)."""
        if not rows:
            return
        table = self.schema.table(name)
        keys = [c.key for c in table.columns]
        conn = self.conn
        last = conn.execute(f"SELECT coalesce(max(_row), 1) FROM {q(name)}").fetchone()[0]
        if len(rows) > 50:
            with conn.cursor().copy(f"COPY {q(name)} (_row, {', '.join(q(k) for k in keys)}) FROM STDIN") as cp:
                for i, r in enumerate(rows, start=1):
                    cp.write_row([last + i, *(r.get(k) for k in keys)])
            return
        marks = ", ".join(["%s"] * (len(keys) + 1))
        conn.cursor().executemany(
            f"INSERT INTO {q(name)} (_row, {', '.join(q(k) for k in keys)}) VALUES ({marks})",
            [[last + i, *(r.get(k) for k in keys)] for i, r in enumerate(rows, start=1)])

    def _forget(self, name: str) -> None:
        self._cache.pop(name, None)
        for k in [k for k in self._found if k[0] == name]:
            del self._found[k]
        for a in [k for k in self._at if k[0] == name]:
            del self._at[a]
        for t in [k for k in self._tails if k[0] == name]:
            del self._tails[t]

    def _forget_all(self) -> None:
        self._cache.clear()
        self._found.clear()
        self._at.clear()
        self._tails.clear()
