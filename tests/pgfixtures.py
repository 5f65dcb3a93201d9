"""PostgreSQL in the tests: one throwaway cluster per session, one database per test.

`pg_cluster`: the cluster scripts/test.sh started (SYC_PG_DIR), else one started here in a
temporary folder (pyxl.workbook.pgcluster). Without PostgreSQL the tests that need it are skipped,
unless SYC_PG_REQUIRED=1 (CI): then they fail.
`base`: make(book_bytes) → a database made by `syc base creer` and filled by `syc base importer`
from that workbook (cloned from a template database made once per distinct workbook).
`stores`: the same test on the FileStore and on the PostgresStore (params « fichier », « base »).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pyxl import pgbase
from pyxl.workbook import pgcluster
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.pgstore import BOOK_NAME, PostgresStore

WRITER = "syc_assistante"
READER = "syc_directrice"


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pgcluster.Cluster]:
    given = os.environ.get("SYC_PG_DIR")
    started = False
    if given:
        folder = Path(given)
        password = (folder / "pgpass").read_text().splitlines()[0].rsplit(":", 1)[1]
        cluster = pgcluster.Cluster(folder, password)
    else:
        try:
            cluster = pgcluster.start()
            pgcluster.make_logins(cluster)
            started = True
        except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
            if os.environ.get("SYC_PG_REQUIRED"):
                pytest.fail(f"PostgreSQL est requis (SYC_PG_REQUIRED) mais ne démarre pas : {exc}")
            pytest.skip(f"PostgreSQL absent : {exc}")
    os.environ["PGPASSFILE"] = str(cluster.pgpass)
    yield cluster
    if started:
        pgcluster.stop(cluster.folder)
        shutil.rmtree(cluster.folder, ignore_errors=True)


@dataclass
class Base:
    """One test's database: URLs of the owner (migration role), a writer and the reader."""

    cluster: pgcluster.Cluster
    name: str
    folder: Path

    def url(self, user: str = WRITER) -> str:
        return self.cluster.url(user, self.name)

    @property
    def owner_url(self) -> str:
        return self.cluster.url(pgcluster.SUPERUSER, self.name)

    def store(self, user: str = WRITER) -> PostgresStore:
        return PostgresStore(self.url(user))

    def state(self) -> Any:
        """Every row of every table with its bookkeeping, and the anchor: equal before and after
        a refused action."""
        import psycopg

        from pyxl.workbook.schema import SCHEMA

        with psycopg.connect(self.owner_url) as conn:
            tables = {t.name: conn.execute(f'SELECT * FROM "{t.name}" ORDER BY _row').fetchall()
                      for t in SCHEMA.tables}
            anchor = conn.execute("SELECT seq, hash FROM syc_ancre").fetchall()
        files = sorted((str(p), p.read_bytes()) for p in self.folder.rglob("*") if p.is_file())
        return tables, anchor, files


_templates: dict[str, tuple[str, Path]] = {}
_counter = itertools.count(1)


def _admin(cluster: pgcluster.Cluster, sql: str) -> None:
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(sql)


def new_base(cluster: pgcluster.Cluster, book_bytes: bytes, folder: Path, scratch: Path, *,
             as_typed: bool = False) -> Base:
    """A database holding that workbook's data, cloned from a template made once per workbook.
    `as_typed`: rows a test typed into the sheets (issued documents without their journal rows) are
    copied as they are, as `syc base importer` would copy them if they verified."""
    import psycopg

    key = hashlib.sha1(book_bytes).hexdigest()[:12]
    if key not in _templates:
        tmpl = f"tmpl{os.getpid()}_{key}"  # a cluster reused by another session keeps its own
        tfolder = scratch / f"tmpl_{key}"
        tfolder.mkdir(parents=True, exist_ok=True)
        _admin(cluster, f"CREATE DATABASE {tmpl}")
        try:
            url = cluster.url(dbname=tmpl)
            pgbase.create(url, tfolder)
            src = tfolder / "source" / "SYC_Gestion.xlsm"
            src.parent.mkdir(exist_ok=True)
            src.write_bytes(book_bytes)
            if as_typed:
                _copy_as_typed(url, src)
            else:
                pgbase.import_book(url, src)
            shutil.rmtree(src.parent)
        except BaseException:
            _admin(cluster, f"DROP DATABASE {tmpl}")
            raise
        _templates[key] = (tmpl, tfolder)
    tmpl, tfolder = _templates[key]
    name = f"t{os.getpid()}_{next(_counter)}"
    _admin(cluster, f"CREATE DATABASE {name} TEMPLATE {tmpl}{_strategy(cluster)}")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tfolder, folder, dirs_exist_ok=True)
    with psycopg.connect(cluster.url(dbname=name), autocommit=True) as conn:
        conn.execute("UPDATE syc_meta SET valeur = %s WHERE cle = 'dossier'", (str(folder.resolve()),))
    return Base(cluster, name, folder.resolve())


_strategies: dict[Path, str] = {}


def _strategy(cluster: pgcluster.Cluster) -> str:
    """PostgreSQL 15+ copies a small template faster file by file than through the WAL (its default)."""
    if cluster.folder not in _strategies:
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            version = int(conn.execute("SHOW server_version_num").fetchone()[0])
        _strategies[cluster.folder] = " STRATEGY FILE_COPY" if version >= 150000 else ""
    return _strategies[cluster.folder]


def _copy_as_typed(url: str, book: Path) -> None:
    """Every table of a workbook into a base just created, without verifying its chain first."""
    store = PostgresStore(url)
    with store.conn.transaction():
        src = FileStore(book)
        for table in src.schema.tables:
            rows = src.rows(table.name)
            pgbase._copy_rows(store.conn, table, [r.row for r in rows], [dict(r.values) for r in rows])
        anchor = src.read_anchor()
        if anchor is not None:
            store.conn.execute("INSERT INTO syc_ancre (id, seq, hash) VALUES (1, %s, %s)", anchor)
        store.conn.execute("UPDATE syc_meta SET valeur = 'oui' WHERE cle = 'donnees'")
    store.close()


@pytest.fixture
def base(pg_cluster: pgcluster.Cluster, tmp_path: Path,
         tmp_path_factory: pytest.TempPathFactory) -> Callable[[bytes], Base]:
    """make(book_bytes) → a fresh database holding that workbook's tables."""
    scratch = tmp_path_factory.getbasetemp() / "pg-templates"

    def make(book_bytes: bytes, folder: str = "partage", as_typed: bool = False) -> Base:
        return new_base(pg_cluster, book_bytes, tmp_path / folder, scratch, as_typed=as_typed)

    return make


@dataclass
class Backend:
    """One test's store, on a workbook file or in a database, opened as many times as needed."""

    kind: str
    path: Path | None = None
    db: Base | None = None

    def open(self, user: str = WRITER) -> Any:
        if self.db is not None:
            return self.db.store(user)
        assert self.path is not None
        return FileStore(self.path)

    def state(self) -> Any:
        if self.db is not None:
            return self.db.state()
        assert self.path is not None
        return self.path.read_bytes()

    @property
    def option(self) -> list[str]:
        """The `syc` option naming this store."""
        if self.db is not None:
            return ["--base", self.db.url()]
        return ["--book", str(self.path)]


@pytest.fixture(params=["fichier", "base"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[bytes], Backend]:
    """make(book_bytes) → the same data in a workbook file (« fichier ») or in a database (« base »)."""

    def make(book_bytes: bytes) -> Backend:
        if request.param == "fichier":
            path = tmp_path / "SYC_Gestion.xlsm"
            path.write_bytes(book_bytes)
            return Backend("fichier", path=path)
        maker = request.getfixturevalue("base")
        return Backend("base", db=maker(book_bytes))

    return make


# A test written on a workbook path runs on both stores through `stored`: make(path) gives the path
# itself (« fichier »), or the name of a base holding that workbook's data (« base »: the base's
# `path`, in its shared folder, where its closure files and backups go). The test opens its store
# with `open_store(path)` and passes `*book_option(path)` to `syc` instead of `--book path`.
_BASES: dict[Path, Base] = {}


def open_store(book: Path, *args: Any, **kw: Any) -> Any:
    """The store of a path from `stored`: the PostgresStore of its base, else the workbook's FileStore."""
    db = _BASES.get(Path(book))
    if db is not None:
        return PostgresStore(db.url(), *args, **kw)
    return FileStore(book, *args, **kw)


def book_option(book: Path) -> list[str]:
    """The `syc` option naming the store of a path from `stored`."""
    db = _BASES.get(Path(book))
    return ["--base", db.url()] if db is not None else ["--book", str(book)]


def in_base(book: Path) -> bool:
    return Path(book) in _BASES


@pytest.fixture(params=["fichier", "base"])
def stored(request: pytest.FixtureRequest) -> Iterator[Callable[[Path], Path]]:
    """make(workbook path) → that path (« fichier »), or a base made from its data (« base »)."""
    made: list[Path] = []

    def make(book: Path, as_typed: bool = False) -> Path:
        if request.param == "fichier":
            return book
        folder = "partage" if not made else f"partage-{len(made) + 1}"  # a shared folder per base
        db = request.getfixturevalue("base")(Path(book).read_bytes(), folder, as_typed=as_typed)
        path = db.folder / BOOK_NAME
        _BASES[path] = db
        made.append(path)
        return path

    yield make
    for p in made:
        _BASES.pop(p, None)


def state_of(book: Path) -> Any:
    """What a refused action must leave as it was: the workbook's bytes, or the base's rows and files."""
    db = _BASES.get(Path(book))
    return db.state() if db is not None else Path(book).read_bytes()
