#!/usr/bin/env python3
"""Benchmark of a user's workbook in base mode (issue 18 item 3): the refresh from the ten-year base
after one new invoice, rows written and seconds.

    . .venv/bin/activate
    python benchmarks/bench_pgxl.py            # 5 rounds
    python benchmarks/bench_pgxl.py --runs 3

The ten-year workbook of bench_sales.py (its cache) is imported into a throwaway local cluster
(pyxl.workbook.pgcluster). The user's workbook is played by a recording stand-in of xlwings: the
tables placed as `syc base vue` places them (each row at its base row number), every range write
recorded with its number of rows — no Excel, so the seconds are those of Python and PostgreSQL,
not of Excel's own cell writes (those are proportional to the rows written, printed here).
Each round: another user issues one deposit invoice (a cold `syc` process, not timed), then
`pyxl.excel.baseview.refresh` of every table (what « Actualiser » and the opening do) and of the
sheets an action touches. Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_pg  # noqa: E402
import bench_sales  # noqa: E402
import bench_store  # noqa: E402
from bench_store import syc_exe, table  # noqa: E402

DAY = bench_pg.DAY
TOUCHED = ["tFactures", "tLignesFactures", "tJournalAudit"]  # what issuing an invoice writes


class Rec:
    """What the stand-in wrote: sheet → rows, and the number of range writes."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.writes = 0


class FakeRange:
    def __init__(self, sheet: FakeSheet, a: tuple[int, int], b: tuple[int, int] | None = None):
        self.sheet, self.a, self.b = sheet, a, b or a
        self.row, self.column = a

    @property
    def shape(self) -> tuple[int, int]:
        return self.b[0] - self.a[0] + 1, self.b[1] - self.a[1] + 1

    def options(self, **_kw: Any) -> FakeRange:
        return self

    @property
    def value(self) -> Any:
        return self.sheet.read(self)

    @value.setter
    def value(self, data: Any) -> None:
        self.sheet.write(self, data)


class FakeTable:
    def __init__(self, sheet: FakeSheet, ref: tuple[int, int, int, int]):
        self.sheet, self.ref = sheet, ref

    @property
    def range(self) -> FakeRange:
        c1, r1, c2, r2 = self.ref
        return FakeRange(self.sheet, (r1, c1), (r2, c2))

    def resize(self, rng: FakeRange) -> None:
        self.ref = (rng.a[1], rng.a[0], rng.b[1], rng.b[0])


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self.book, self.name = book, name
        self.tables: dict[str, FakeTable] = {}
        self.headers: dict[int, list[str]] = {}  # header row → headers
        self.cells: dict[tuple[int, int], Any] = {}

    def range(self, a: tuple[int, int], b: tuple[int, int] | None = None) -> FakeRange:
        return FakeRange(self, a, b)

    def read(self, rng: FakeRange) -> Any:
        if rng.a[0] in self.headers and rng.shape[0] == 1:
            return [self.headers[rng.a[0]]]
        grid = [[self.cells.get((r, c)) for c in range(rng.a[1], rng.b[1] + 1)] for r in range(rng.a[0], rng.b[0] + 1)]
        return grid[0][0] if rng.shape == (1, 1) else grid

    def write(self, rng: FakeRange, data: Any) -> None:
        self.book.rec.writes += 1
        grid = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        self.book.rec.rows[self.name] += len(grid)
        if self.name == "xlwings.conf":
            for i, row in enumerate(grid):
                for j, v in enumerate(row):
                    self.cells[(rng.a[0] + i, rng.a[1] + j)] = v.lstrip("'") if isinstance(v, str) else v


class FakeApp:
    @contextmanager
    def properties(self, **_kw: Any) -> Any:
        yield


class FakeBook:
    def __init__(self, fullname: Path):
        self.fullname = str(fullname)
        self.rec = Rec()
        self.sheets: dict[str, FakeSheet] = {}
        self.app = FakeApp()

    def sheet(self, name: str) -> FakeSheet:
        return self.sheets.setdefault(name, FakeSheet(self, name))

    def macro(self, _name: str) -> Any:
        return lambda *_a: False  # SycUnprotect: nothing protected in the stand-in


def stand_in(store: Any, path: Path, url: str) -> FakeBook:
    """The user's workbook as `syc base vue` lays it out, complete to the base's current stamp."""
    from pyxl.excel import baseview
    from pyxl.workbook.pgschema import q

    book = FakeBook(path)
    for t in store.schema.tables:
        last = int(store.conn.execute(f"SELECT coalesce(max(_row), 2) FROM {q(t.name)}").fetchone()[0])
        sh = book.sheet(t.sheet)
        sh.tables[t.name] = FakeTable(sh, (1, 1, len(t.columns), last))
        sh.headers[1] = [c.header for c in t.columns]
    conf = book.sheet("xlwings.conf")
    conf.cells[(1, 1)], conf.cells[(1, 2)] = baseview.BASE_KEY, url
    _found, stamp = baseview.snapshot(store, {}, [])
    conf.cells[baseview.MARKS_CELL] = baseview.marks_text({t.name: stamp for t in store.schema.tables})
    book.rec = Rec()
    return book


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    from pyxl.excel import baseview
    from pyxl.workbook import pgcluster
    from pyxl.workbook.pgstore import PostgresStore

    cache = bench_sales.cache_folder(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "syc-gestion",
                                     10, 1.0)
    bench_sales.ensure_book(cache, 10, 1.0)
    work = Path(tempfile.mkdtemp(prefix="bench-pgxl-"))
    cluster = pgcluster.start()
    try:
        pgcluster.make_logins(cluster)
        os.environ["PGPASSFILE"] = str(cluster.pgpass)
        bench_store.CHILD_ENV = bench_store.child_env(work, True)
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE syc")
        owner, writer = cluster.url(dbname="syc"), cluster.url("syc_assistante", "syc")
        other = cluster.url("syc_gestion", "syc")
        shared = work / "partage"
        book_path = bench_sales.fresh_copy(cache, shared)
        exe = syc_exe()
        bench_pg.timed([exe, "base", "creer", owner, "--dossier", str(shared)], work)
        wall_i, _out = bench_pg.timed([exe, "base", "importer", "--book", str(book_path), "--base", owner], work)
        print(f"base importée en {wall_i:.1f} s", flush=True)
        orders = []
        for _ in range(args.runs):
            q_ = bench_pg.syc_json(["devis", "creer", "--client", "C00002", "--nature", "installation", "--ligne",
                                    "CHG-25:10", "--base", writer, "--au", DAY], work)["numero"]
            bench_pg.syc_json(["devis", "accepter", q_, "--base", writer, "--au", DAY], work)
            orders.append(bench_pg.syc_json(["commande", "creer", "--devis", q_, "--base", writer, "--au", DAY],
                                            work)["numero"])
        store = PostgresStore(writer)
        book = stand_in(store, book_path, writer)
        total = sum(int(store.conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
                    for t in store.schema.tables)
        rows = []
        empty: list[float] = []
        full: list[float] = []
        touched: list[float] = []
        written_full: list[int] = []
        written_touched: list[int] = []
        for i in range(args.runs):
            t0 = time.perf_counter()
            baseview.refresh(book, store)  # nothing new
            empty.append(time.perf_counter() - t0)
            for kind in ("toutes", "touchees"):  # another user issues one deposit invoice before each refresh
                bench_pg.syc_json(["facture", "acompte", "--commande", orders[i], "--pourcentage", "1", "--emettre",
                                   "--base", other, "--au", DAY, "--sans-document"], work)
                book.rec = Rec()
                t0 = time.perf_counter()
                if kind == "toutes":  # « Actualiser », the opening
                    written = baseview.refresh(book, store)
                    full.append(time.perf_counter() - t0)
                    written_full.append(sum(written.values()))
                else:  # after an action that wrote these tables
                    written = baseview.refresh(book, store, TOUCHED)
                    touched.append(time.perf_counter() - t0)
                    written_touched.append(sum(written.values()))
                if i == 0:
                    print(f"  rangées écrites : {dict(book.rec.rows)} en {book.rec.writes} écritures", flush=True)
        store.close()
        rows.append(["refresh, rien de nouveau (toutes les tables)", f"{statistics.median(empty):.3f}",
                     f"{max(empty):.3f}", "0"])
        rows.append(["« Actualiser » après 1 facture (toutes les tables)", f"{statistics.median(full):.3f}",
                     f"{max(full):.3f}", f"{statistics.median(written_full):.0f}"])
        rows.append(["feuilles touchées après 1 facture (3 tables)", f"{statistics.median(touched):.3f}",
                     f"{max(touched):.3f}", f"{statistics.median(written_touched):.0f}"])
        print(f"base de dix ans : {total} lignes ; {args.runs} passages ; charge {bench_pg.load()}")
        print(table(rows, ["mesure", "médiane s", "max s", "lignes écrites"]), flush=True)
    finally:
        pgcluster.stop(cluster.folder)
        shutil.rmtree(cluster.folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
