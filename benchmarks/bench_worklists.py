#!/usr/bin/env python3
"""The worklists of issue 17 on the ten-year workbook: what an action costs to update the lists it
changed, and the full recount (opening, button).

    . .venv/bin/activate
    python benchmarks/bench_worklists.py            # 7 runs of each measure
    python benchmarks/bench_worklists.py --runs 3

The workbook is `syc demo --annees 10` of this commit (generated once into the cache folder of
bench_sales.py). In-process, on `DAY`:

  (w) each list computed alone, tables already in memory (a `MemoryStore` copy of the workbook):
      what the update after an action costs once the action's tables are read — target ≤ 0,1 s for
      the lists an everyday action touches;
  (p) the update after a payment (the lists reading tFactures or tReglements), in memory, every
      list recounted whole;
  (i) the same as the Excel front end runs it (`worklists.update`): the letters of the paying
      client only, the other clients' letters kept — target ≤ 0,1 s;
  (c) the same, cold: a fresh `FileStore` that reads the tables from the file first (an Excel
      action re-reads its tables in one call each; the file store's reading is slower);
  (f) the full recount (every list), in memory and cold.

Writing the lists into Excel is one clear and one block write per list and one write per count
(counted by the harness, `tests/test_worklists.py`), not timed here: only a real Excel can.

Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_sales  # noqa: E402

DAY = dt.date(2026, 7, 1)
TARGET = 0.1


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out), min(out), max(out)


def main(argv: list[str] | None = None) -> int:
    import os

    from pyxl.services import worklists as wk
    from pyxl.workbook.filestore import FileStore
    from pyxl.workbook.memstore import MemoryStore
    from pyxl.workbook.store import ChangeSet

    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    bench_sales.book_options(ap)
    args = ap.parse_args(argv)
    cache = bench_sales.cache_folder(args.cache, args.years, args.scale)
    bench_sales.ensure_book(cache, args.years, args.scale)
    book = cache / bench_sales.BOOK
    print(f"Charge / load : {os.getloadavg()[0]:.2f}  classeur / workbook : {book}")
    t0 = time.perf_counter()
    mem = MemoryStore.copy_of(FileStore(book))
    print(f"Copie en mémoire / memory copy : {time.perf_counter() - t0:.1f} s")
    sizes = {t: len(mem.rows(t)) for t in ("tFactures", "tReglements", "tDevis", "tCommandes", "tRelances")}
    print("Lignes / rows : " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    print()
    print(f"{'mesure':60} {'médiane':>8} {'min':>8} {'max':>8}  éléments")
    for w in wk.available(mem):
        med, lo, hi = timed(lambda w=w: w.build(mem, DAY), args.runs)
        n = len(w.build(mem, DAY))
        flag = "" if med <= TARGET else "  > 0,1 s"
        print(f"(w) {w.label:56} {med:8.3f} {lo:8.3f} {hi:8.3f}  {n}{flag}")
    payment = ChangeSet()
    payment.update("tFactures", 2, {})
    payment.append("tReglements", {})
    touched = wk.touched(payment, wk.available(mem))
    print("Listes d'un règlement / lists of a payment : " + ", ".join(w.label for w in touched))
    med, lo, hi = timed(lambda: wk.compute(mem, DAY, touched), args.runs)
    print(f"{'(p) après un règlement, en mémoire':60} {med:8.3f} {lo:8.3f} {hi:8.3f}")
    quick = [w for w in touched if w.key != "lettres"]
    med, lo, hi = timed(lambda: wk.compute(mem, DAY, quick), args.runs)
    print(f"{'(p) après un règlement, sans les lettres, en mémoire':60} {med:8.3f} {lo:8.3f} {hi:8.3f}")
    # the update as the Excel front end runs it: the letters of the paying client only (wk.update)
    previous = wk.compute(mem, DAY, touched)
    letter = previous["lettres"][0] if previous.get("lettres") else None
    if letter is not None:
        row = next(r for r in mem.rows("tFactures") if str(r["number"]) == letter.number)
        real = ChangeSet()
        real.update("tFactures", row.row, {})
        real.append("tReglements", {"client": letter.client, "invoice": letter.number})
        med, lo, hi = timed(lambda: wk.update(mem, DAY, real, previous, touched), args.runs)
        flag = "" if med <= TARGET else "  > 0,1 s"
        print(f"{'(i) après un règlement, lettres du seul client, en mémoire':60} {med:8.3f} {lo:8.3f} {hi:8.3f}"
              f"{flag}")
        lw = [w for w in touched if w.key == "lettres"]
        med, lo, hi = timed(lambda: wk.update(mem, DAY, real, previous, lw), args.runs)
        print(f"{'(i) … dont les lettres du client':60} {med:8.3f} {lo:8.3f} {hi:8.3f}")
    med, lo, hi = timed(lambda: wk.compute(FileStore(book), DAY, touched), max(1, args.runs // 2))
    print(f"{'(c) après un règlement, à froid (lecture du fichier)':60} {med:8.3f} {lo:8.3f} {hi:8.3f}")
    med, lo, hi = timed(lambda: wk.compute(mem, DAY), args.runs)
    print(f"{'(f) recomptage complet, en mémoire':60} {med:8.3f} {lo:8.3f} {hi:8.3f}")
    med, lo, hi = timed(lambda: wk.compute(FileStore(book), DAY), max(1, args.runs // 2))
    print(f"{'(f) recomptage complet, à froid':60} {med:8.3f} {lo:8.3f} {hi:8.3f}")
    print(f"Charge / load : {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
