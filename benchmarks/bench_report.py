#!/usr/bin/env python3
"""Benchmark of `syc rapport` on the ten-year workbook: the whole report, as the director runs it.

    . .venv/bin/activate
    python benchmarks/bench_report.py              # 5 cold runs of each measure
    python benchmarks/bench_report.py --runs 3

The workbook is the one of `bench_sales.py` (`pyxl.demo_bulk`, what `syc demo --annees 10` writes:
ten years of sales to 2026-06-30), generated once into the same cache folder and read in place —
`syc rapport` only reads it, and this script checks that it is byte for byte unchanged afterwards.

Measures, each in a fresh (cold) child process running this checkout's `python -m pyxl.cli`, wall
time and the child's own peak memory (ru_maxrss from wait4, through the launcher of bench_store.py):

  (a) `syc rapport --au 2026-06-30 --json`: every figure and table, printed (no files);
  (b) `syc rapport --au 2026-06-30 --sortie DOSSIER`: the same, plus the .xlsx, six PNG charts and
      the one-page PDF;
  (c) (b) with `--archives` naming a copy of the same workbook (two ten-year books read and merged,
      each document kept once).

Not a test: prints a table of figures. See benchmarks/README.md.
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
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(HERE))

import bench_store  # noqa: E402
from bench_sales import BOOK, book_options, cache_folder, ensure_book, sha256  # noqa: E402
from bench_store import Measure, mib, run_child, table  # noqa: E402

AS_OF = "2026-06-30"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="cold runs of each measure (default 5)")
    book_options(ap)
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="keep the environment as is (with PYTHONDONTWRITEBYTECODE=1, every child recompiles)")
    args = ap.parse_args(argv)

    cache = cache_folder(args.cache, args.years, args.scale)
    gen = ensure_book(cache, args.years, args.scale)
    book = cache / BOOK
    work = Path(tempfile.mkdtemp(prefix="syc-bench-rapport-"))
    try:
        archive = work / "archive" / BOOK
        archive.parent.mkdir()
        shutil.copyfile(book, archive)
        before = sha256(book)
        rows = gen["lignes_par_table"]
        print(f"  classeur / workbook : {book} ({mib(book.stat().st_size)}) ; "
              + ", ".join(f"{k} {v}" for k, v in rows.items() if k in ("tFactures", "tLignesFactures", "tDevis",
                                                                       "tReglements", "tClients")))
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs", flush=True)
        bench_store.CHILD_ENV = bench_store.child_env(work, not args.no_bytecode_cache)
        py = sys.executable
        if bench_store.CHILD_ENV is not None:  # warm-up, not measured: compile the bytecode once
            run_child([py, "-c", "import pyxl.cli.report_cmd, pyxl.reports.output, pyxl.reports.data, pandas, "
                                 "matplotlib.pyplot, xlsxwriter, python_calamine"], ROOT)
        base = [py, "-m", "pyxl.cli", "rapport", "--book", str(book), "--au", AS_OF]
        cases = {
            "a": ("syc rapport --json (chiffres et tableaux)", [*base, "--json"]),
            "b": ("syc rapport --sortie (xlsx, 6 PNG, PDF)", [*base, "--sortie", str(work / "sortie")]),
            "c": ("(b) avec --archives (2 classeurs de 10 ans)",
                  [*base, "--sortie", str(work / "sortie2"), "--archives", str(archive)]),
        }
        m = {k: Measure(f"({k})", label) for k, (label, _) in cases.items()}
        figures: dict[str, str] = {}
        for i in range(args.runs):
            for key, (_, cmd) in cases.items():
                w, r, out = run_child(cmd, ROOT)
                m[key].walls.append(w)
                m[key].rss_kb.append(r)
                if key == "a":
                    c = json.loads(out)["chiffres"]
                    figures = {k: str(c[k]) for k in ("ca_ht", "encours_ttc", "dso_jours", "taux_conversion_pct")}
            print(f"  run {i + 1} : " + ", ".join(f"{k} {m[k].walls[-1]:.2f} s" for k in cases), flush=True)
        unchanged = sha256(book) == before
        m["a"].target = "< 10 s visés"
        m["b"].target = "< 10 s visés"
        print()
        print(table([v.row() for v in m.values()],
                    ["", "mesure / measure", "médiane s", "min s", "max s", "pic Mo", "remarque"]))
        print()
        print(f"Chiffres (a) : {figures}")
        print(f"Fichiers (b) : {', '.join(sorted(p.name for p in (work / 'sortie').iterdir()))}")
        print(f"Classeur identique octet pour octet après les runs / workbook byte-identical : "
              f"{'oui' if unchanged else 'NON'}")
        return 0 if unchanged else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
