#!/usr/bin/env python3
"""Reading fiscal-year archives: an archive of an older schema (read through a migrated copy) against
one of the current schema, and the cost of finding an archived invoice (issue 15, item 6).

    .venv/bin/python benchmarks/bench_archive_read.py [--runs 5]

Data: `tests/data/archive-v12` (a small demo book, 2024 archived by the code of schema 12), migrated
with `syc migrer`, then 2025 archived at the current schema. Measured in this process, median of the
runs, wall and CPU (user+sys) time, with the load average: opening each archive and reading its
invoices (`archives.opened`), finding an archived invoice from the active workbook
(`archives.find_invoice`: the genesis rows followed, each archive's SHA-256 checked) and `syc verifier`
(`check_everything`). Not a test: prints its figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DATA = HERE.parent / "tests" / "data" / "archive-v12"
AS_OF = dt.date(2026, 7, 1)


def measure(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), os.times()
        fn()
        c1 = os.times()
        walls.append(time.perf_counter() - t0)
        cpus.append((c1.user - c0.user) + (c1.system - c0.system))
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    from pyxl.services import archives
    from pyxl.services.maintenance import check_everything
    from pyxl.workbook import migrate
    from pyxl.workbook.filestore import FileStore

    with tempfile.TemporaryDirectory() as d:
        book = Path(d) / "SYC_Gestion.xlsm"
        (Path(d) / "Archives").mkdir()
        shutil.copyfile(DATA / "SYC_Gestion.xlsm", book)
        shutil.copyfile(DATA / "SYC_Gestion.syc-ancre", Path(d) / ".SYC_Gestion.xlsm.syc-ancre")
        old = Path(d) / "Archives" / "SYC_Gestion-exercice-2024.xlsm"
        shutil.copyfile(DATA / old.name, old)
        migrate.migrate(book)
        new = Path(archives.archive(book, dt.date(2025, 12, 31), AS_OF).data["archive"])

        def read(path: Path) -> Callable[[], object]:
            def go() -> object:
                with archives.opened(path) as s:
                    return len(s.rows("tFactures"))
            return go

        def find() -> object:
            s = FileStore(book)
            try:
                return archives.find_invoice(s, "F2024-00007")
            finally:
                s.close()

        def verify() -> object:
            s = FileStore(book)
            try:
                return check_everything(s, AS_OF)
            finally:
                s.close()

        print(f"load average before: {os.getloadavg()[0]:.2f}; {runs} runs, medians")
        for label, fn in ((f"archive 2024, schema 12, read through a migrated copy ({old.stat().st_size // 1024} Kio)", read(old)),
                          (f"archive 2025, current schema, read directly ({new.stat().st_size // 1024} Kio)", read(new)),
                          ("find F2024-00007 (two archives back, SHA-256 of each)", find),
                          ("syc verifier's checks (both archives followed)", verify)):
            wall, cpu = measure(fn, runs)
            print(f"{label:<75} wall {wall:6.3f} s   cpu {cpu:6.3f} s")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
