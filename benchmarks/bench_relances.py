#!/usr/bin/env python3
"""Benchmark of the weekly reminder session on the ten-year workbook (issue 6).

    . .venv/bin/activate
    python benchmarks/bench_relances.py              # 3 cold runs of each measure
    python benchmarks/bench_relances.py --runs 5

The workbook is the one of `bench_sales.py` (`pyxl.demo_bulk`, what `syc demo --annees 10` writes:
ten years of sales to 2026-06-30, with its overdue invoices and their « Relances » history),
generated once into the cache folder (its name carries the generator's fingerprint).

Measures, each in a fresh (cold) child process running this checkout's `python -m pyxl.cli`, wall
time and the child's own peak memory (the launcher of bench_store.py), on 2026-07-17 (a Friday):

  (a) `syc relances --json`: the whole session — every overdue invoice placed in the procedure,
      its interest day by day per half-year, stops, alarms, the call list (read only; the workbook
      is checked byte for byte unchanged);
  (b) `syc relances executer --simuler`: the same, plus every letter's and file's context;
  (c) `syc relances noter CLIENT --appel message` on a fresh copy: one call outcome written;
  (d) `syc relances executer` on a fresh copy: every letter and payment-order file due rendered in
      ONE LibreOffice call, the combined PDF, the .eml drafts and the « Relances » rows written.

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
from bench_sales import BOOK, book_options, cache_folder, ensure_book, fresh_copy, sha256  # noqa: E402
from bench_store import Measure, mib, run_child, table  # noqa: E402

AS_OF = "2026-07-17"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="cold runs of each measure (default 3)")
    book_options(ap)
    args = ap.parse_args(argv)

    cache = cache_folder(args.cache, args.years, args.scale)
    gen = ensure_book(cache, args.years, args.scale)
    book = cache / BOOK
    work = Path(tempfile.mkdtemp(prefix="syc-bench-relances-"))
    try:
        before = sha256(book)
        rows = gen["lignes_par_table"]
        print(f"  classeur / workbook : {book} ({mib(book.stat().st_size)}) ; "
              + ", ".join(f"{k} {v}" for k, v in rows.items() if k in ("tFactures", "tReglements", "tClients",
                                                                       "tRelances")))
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs", flush=True)
        bench_store.CHILD_ENV = bench_store.child_env(work, True)
        py = sys.executable
        run_child([py, "-c", "import pyxl.cli.dunning_cmd, pyxl.services.dunning, pyxl.documents.dunning_docs, "
                             "docxtpl, pypdf, python_calamine"], ROOT)  # warm-up: bytecode compiled once
        session = json.loads(run_child([py, "-m", "pyxl.cli", "relances", "--book", str(book), "--au", AS_OF,
                                        "--json"], ROOT)[2])
        client = session["appels"][0]["client"] if session["appels"] else ""
        counts = {k: len(v) for k, v in session.items() if isinstance(v, list)}
        m = {k: Measure(f"({k})", label) for k, label in (
            ("a", "syc relances --json (séance complète)"), ("b", "syc relances executer --simuler"),
            ("c", "syc relances noter CLIENT --appel message (1 écriture)"),
            ("d", "syc relances executer (lettres + dossiers, 1 lot LibreOffice)"))}
        produced: dict[str, object] = {}
        for i in range(args.runs):
            for key in m:
                if key in ("a", "b"):
                    action = ["executer", "--simuler"] if key == "b" else []
                    cmd = [py, "-m", "pyxl.cli", "relances", *action, "--book", str(book), "--au", AS_OF, "--json"]
                    cwd = ROOT
                else:
                    copy = fresh_copy(cache, work / f"run-{key}-{i}")
                    cmd = [py, "-m", "pyxl.cli", "relances",
                           *(["noter", client, "--appel", "message"] if key == "c" else ["executer"]),
                           "--book", str(copy), "--au", AS_OF, "--json"]
                    cwd = ROOT
                    if key == "c" and not client:
                        continue
                w, r, out = run_child(cmd, cwd)
                m[key].walls.append(w)
                m[key].rss_kb.append(r)
                if key == "d":
                    d = json.loads(out)
                    produced = {"documents": len(d["documents"]), "brouillons": len(d["brouillons"]),
                                "relances notées": d["relances"]}
            print(f"  run {i + 1} : " + ", ".join(f"{k} {m[k].walls[-1]:.2f} s" for k in m if m[k].walls),
                  flush=True)
        unchanged = sha256(book) == before
        print()
        print(table([v.row() for v in m.values() if v.walls],
                    ["", "mesure / measure", "médiane s", "min s", "max s", "pic Mo", "remarque"]))
        print()
        print(f"Séance du {AS_OF} (a) : {counts}")
        print(f"Lot (d) : {produced}")
        print(f"Classeur identique octet pour octet après (a) et (b) / workbook byte-identical : "
              f"{'oui' if unchanged else 'NON'}")
        return 0 if unchanged else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
