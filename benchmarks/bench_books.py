#!/usr/bin/env python3
"""The books' budget (issue 15): the FEC export of one fiscal year of the ten-year workbook.

    . .venv/bin/activate
    python benchmarks/bench_books.py [--exercice 2025] [--runs 5]

The workbook is `syc demo --annees 10` of this commit (generated once into the cache folder of
bench_sales.py). Each run is a new (cold) process: `syc compta fec --exercice AAAA --sortie DOSSIER`
reads the workbook, computes every entry up to the closing day, writes SirenFECAAAAMMJJ.txt and its
description, then checks the file with our FEC checker. Wall time median, min and max; then one
in-process run split into reading the store, computing the entries and writing the file.
Target (issue 15): ≤ 5 s. Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_sales  # noqa: E402

TARGET = 5.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--exercice", type=int, default=2025, help="fiscal year (closing year), default 2025")
    ap.add_argument("--au", default="2026-07-01", help="as-of date of the command (default 2026-07-01)")
    ap.add_argument("--runs", type=int, default=5)
    bench_sales.book_options(ap)
    args = ap.parse_args(argv)
    cache = bench_sales.cache_folder(args.cache, args.years, args.scale)
    bench_sales.ensure_book(cache, args.years, args.scale)
    syc = Path(sys.executable).with_name("syc")
    with tempfile.TemporaryDirectory(prefix="bench-books-") as tmp:
        work = Path(tmp)
        book = bench_sales.fresh_copy(cache, work / "run")
        size = book.stat().st_size
        times = []
        for i in range(args.runs):
            out = work / f"fec{i}"
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            done = subprocess.run([str(syc), "compta", "fec", "--exercice", str(args.exercice), "--sortie", str(out),
                                   "--book", str(book), "--au", args.au], capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if done.returncode != 0:
                print(done.stdout, done.stderr)
                return 1
            print(f"  run {i + 1}: {times[-1]:.2f} s (charge {load:.2f}) — {done.stdout.strip()[:160]}…", flush=True)
        fec = next((work / "fec0").glob("*FEC*[0-9].txt"))
        lines = sum(1 for _ in fec.open(encoding="utf-8")) - 1

        # one in-process run, split
        from pyxl.core import books as core
        from pyxl.core.fec.writer import fec_text
        from pyxl.services import books
        from pyxl.workbook.filestore import FileStore

        t0 = time.perf_counter()
        store = FileStore(book)
        src = books.read(store, books.fiscal_year(store.parameters(), args.exercice)[0])
        t1 = time.perf_counter()
        start, end = books.fiscal_year(store.parameters(), args.exercice)
        result = core.build(src.docs, src.notes, src.payments, src.slips, src.names, src.options,
                            until=min(end, dt.date.fromisoformat(args.au)), since=start)
        chosen = core.in_period(result.entries, start, end)
        t2 = time.perf_counter()
        fec_text(chosen, start, end)
        t3 = time.perf_counter()

    median = statistics.median(times)
    print()
    print(f"Classeur : {args.years} ans, {size / 1e6:.1f} Mo ; {len(src.docs)} pièces, {len(src.payments)} lignes de "
          f"règlement, {len(src.slips)} bordereaux, {len(src.notes)} notes de pénalités (toutes années)")
    print(f"FEC de l'exercice {args.exercice} : {len(chosen)} écritures, {lines} lignes "
          "(les écritures des années précédentes calculées pour la TVA en attente et le lettrage)")
    print(f"syc compta fec (processus neuf, vérification du fichier comprise), {args.runs} essais : médiane "
          f"{median:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s — cible ≤ {TARGET:.0f} s : "
          + ("tenue" if median <= TARGET else "MANQUÉE"))
    print(f"Dans le processus : lecture du classeur {t1 - t0:.2f} s, calcul des écritures {t2 - t1:.2f} s, "
          f"texte du FEC {t3 - t2:.2f} s")
    return 0 if median <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
