#!/usr/bin/env python3
"""Fiscal-year archives on the ten-year workbook (issue 15, item 6).

    . .venv/bin/activate
    python benchmarks/bench_archive.py               # 5 runs of each everyday action
    python benchmarks/bench_archive.py --runs 3

The ten-year workbook (`syc demo --annees 10`, cached as bench_sales.py does) is archived year by
year with `syc exercice archiver --fin AAAA-12-31` (each a new process): the time of each archiving
and the active workbook's size after it. Then `syc verifier` on the archived workbook (every
archive's SHA-256 and journal, the invoice series across them), and the everyday actions — (a)
`syc facture emettre` the day of the draft, (p) `syc reglement saisir` — on the archived workbook
and on a one-year workbook (`syc demo --annees 1`) measured in the same run: cold processes, median
of the runs. Target (issue 15): after archiving all closed years, no slower than on the one-year
workbook. Not a test: prints its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_sales  # noqa: E402
import bench_store  # noqa: E402
from bench_house import DRAFT_DAY, load, open_invoice  # noqa: E402
from bench_store import Measure, mib, run_child, syc_exe, table  # noqa: E402


def years_of(book: Path) -> list[int]:
    from pyxl.workbook.filestore import FileStore

    store = FileStore(book)
    try:
        return sorted({r["date"].year for r in store.rows("tFactures") if r["date"]})
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    bench_sales.book_options(ap)
    args = ap.parse_args(argv)

    cache10 = bench_sales.cache_folder(args.cache, args.years, args.scale)
    gen10 = bench_sales.ensure_book(cache10, args.years, args.scale)
    cache1 = bench_sales.cache_folder(args.cache, 1, args.scale)
    gen1 = bench_sales.ensure_book(cache1, 1, args.scale)
    work = Path(tempfile.mkdtemp(prefix="syc-bench-archives-"))
    py, syc = sys.executable, syc_exe()
    bench_store.CHILD_ENV = bench_store.child_env(work, True)
    run_child([py, "-c", "import pyxl.cli.commands, pyxl.services.archives, pyxl.services.invoices"], work)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU ; charge avant : {load()}", flush=True)
    try:
        # 1. year by year
        archived = work / "archive"
        book = bench_sales.fresh_copy(cache10, archived)
        size0 = book.stat().st_size
        rows = [["avant", "", "", mib(size0), ""]]
        for year in years_of(book)[:-1]:
            wall, rss, out = run_child([syc, "exercice", "archiver", "--fin", f"{year}-12-31", "--au", DRAFT_DAY,
                                        "--book", str(book), "--json"], work)
            data = json.loads(out)
            rows.append([str(year), f"{wall:.2f}", f"{rss / 1024:.0f}", mib(book.stat().st_size),
                         f"{data['factures']} factures, {data['lignes']} lignes, archive "
                         f"{mib(Path(data['archive']).stat().st_size)}"])
            print(f"  {year} : {wall:.2f} s, classeur {mib(book.stat().st_size)}", flush=True)
        print()
        print(table(rows, ["exercice", "archiver s", "pic Mo", "classeur après", "archivé"]))
        wall, rss, out = run_child([syc, "verifier", "--book", str(book), "--json"], work)
        print(f"\nsyc verifier après archivage (toutes les archives relues) : {wall:.2f} s, pic {rss / 1024:.0f} Mo")

        # 2. everyday actions: archived ten-year workbook vs one-year workbook
        books = {"archivé": (archived, gen10), "1 an": (None, gen1)}
        m: dict[str, Measure] = {}
        for name, (folder, gen) in books.items():
            order = gen["commandes_realisees_non_facturees"][0]
            source = folder / bench_sales.BOOK if folder else cache1 / bench_sales.BOOK
            invoice = open_invoice(source)
            ma = m[f"a {name}"] = Measure("(a)", f"facture emettre, classeur {name}")
            mp = m[f"p {name}"] = Measure("(p)", f"reglement saisir, classeur {name}")
            for _ in range(args.runs):
                run = work / "run"
                if folder:
                    shutil.rmtree(run, ignore_errors=True)
                    shutil.copytree(folder, run)
                    b = run / bench_sales.BOOK
                else:
                    b = bench_sales.fresh_copy(cache1, run)
                _, _, out = run_child([syc, "facture", "creer", "--commande", order, "--au", DRAFT_DAY, "--book",
                                       str(b), "--json"], work)
                ref = str(json.loads(out)["reference"])
                w, r, _ = run_child([syc, "facture", "emettre", ref, "--sans-document", "--au", DRAFT_DAY, "--book",
                                     str(b), "--json"], work)
                ma.walls.append(w)
                ma.rss_kb.append(r)
                w, r, _ = run_child([syc, "reglement", "saisir", "--facture", invoice, "--montant", "10,00", "--mode",
                                     "virement", "--au", DRAFT_DAY, "--book", str(b), "--json"], work)
                mp.walls.append(w)
                mp.rss_kb.append(r)
            print(f"  classeur {name} : (a) {ma.median:.2f} s, (p) {mp.median:.2f} s", flush=True)
        for key in ("a", "p"):
            after, one = m[f"{key} archivé"], m[f"{key} 1 an"]
            after.target = f"{after.median / one.median:.2f} × le classeur d'un an"
        print()
        print(table([v.row() for v in m.values()], ["", "mesure", "médiane s", "min s", "max s", "pic Mo",
                                                   "remarque"]))
        print(f"\nClasseur d'un an : {mib((cache1 / bench_sales.BOOK).stat().st_size)} ; charge après : {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
