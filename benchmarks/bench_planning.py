#!/usr/bin/env python3
"""Planning on the ten-year workbook (issue 16): proposals for one order, and a month's maintenance
visits with their proposals, each in a new (cold) process as a user runs them.

    . .venv/bin/activate
    python benchmarks/bench_planning.py [--runs 5]

The workbook is `syc demo --annees 10` of this commit (generated once into the cache folder of
bench_sales.py; the generator writes six technicians, a year of interventions — the last year's
orders, done or planned — and 300 maintenance contracts with their visits of the last year).

  (p) syc planning proposer --intervention ID --nombre 5 (an order's job still to plan), on 30/06/2026
  (v) syc contrat visites --mois 2026-07 (visits due created, one proposal each, chained), on a fresh copy
  (f) syc contrat facturer --mois 2026-07 (the contracts whose year starts in July: one quote, order and
      invoice issued each, in one write), on a fresh copy, without the PDFs (SYC_SANS_DOCUMENT=1)
  (s) python -c "import pyxl.cli": the start-up every command pays

Targets: (p) ≤ 1 s, (v) ≤ 5 s. Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import json
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

AS_OF = "2026-06-30"


def syc(*args: str) -> list[str]:
    return [sys.executable, "-m", "pyxl.cli", *args]


def timed(cmd: list[str], runs: int, before: object = None) -> tuple[list[float], str]:
    out, last = [], ""
    for _ in range(runs):
        if callable(before):
            before()
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent,
                              env={**os.environ, "SYC_SANS_DOCUMENT": "1"})
        out.append(time.perf_counter() - t)
        if done.returncode != 0:
            raise SystemExit(f"échec : {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
        last = done.stdout
    return out, last


def fmt(seconds: float) -> str:
    return f"{seconds:.3f}".replace(".", ",")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    bench_sales.book_options(ap)
    args = ap.parse_args()
    cache = bench_sales.cache_folder(args.cache, args.years, args.scale)
    gen = bench_sales.ensure_book(cache, args.years, args.scale)
    from pyxl.workbook.filestore import FileStore

    store = FileStore(cache / bench_sales.BOOK)
    jobs = store.rows("tInterventions")
    todo = next(j for j in jobs if j["order"] and j["status"] == "À planifier")
    counts = {"interventions": len(jobs), "planifiees_ou_faites": sum(1 for j in jobs if j["technician"]),
              "contrats": len(store.rows("tContrats")), "techniciens": len(store.rows("tTechniciens"))}
    store.close()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "run"

        def fresh() -> None:
            bench_sales.fresh_copy(cache, work)

        fresh()
        book = str(work / bench_sales.BOOK)
        propose, answer = timed(syc("planning", "proposer", "--intervention", str(todo["id"]), "--nombre", "5",
                                    "--book", book, "--au", AS_OF, "--json"), args.runs)
        first = json.loads(answer)["propositions"][0]
        visits, answer = timed(syc("contrat", "visites", "--mois", "2026-07", "--book", book, "--au", AS_OF,
                                   "--json"), args.runs, before=fresh)
        month = json.loads(answer)
        billing, answer = timed(syc("contrat", "facturer", "--mois", "2026-07", "--book", book, "--au", "2026-07-01",
                                    "--json"), args.runs, before=fresh)
        billed = json.loads(answer)
        start, _ = timed([sys.executable, "-c", "import pyxl.cli"], args.runs)
    print(f"Classeur : {args.years} ans, {gen.get('octets', 0) / 1e6:.1f} Mo ; {json.dumps(counts, ensure_ascii=False)}")
    print(f"(p) première proposition : {first['technicien']} {first['debut']} — {first['raison']}")
    print(f"(v) {len(month['visites'])} visites dues en 07/2026, {month['creees']} créées")
    print(f"(f) {len(billed['factures'])} factures de contrats émises pour 07/2026, {billed['total_ht']} € HT")
    print(f"{'mesure':<48} {'médiane':>8} {'min':>8} {'max':>8}  cible")
    for label, values, target in (("(p) syc planning proposer (à froid)", propose, "≤ 1 s"),
                                  ("(v) syc contrat visites --mois (à froid)", visits, "≤ 5 s"),
                                  ("(f) syc contrat facturer --mois (à froid)", billing, ""),
                                  ("(s) import pyxl.cli", start, "")):
        print(f"{label:<48} {fmt(statistics.median(values)):>8} {fmt(min(values)):>8} {fmt(max(values)):>8}  {target}")


if __name__ == "__main__":
    main()
