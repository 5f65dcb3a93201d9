#!/usr/bin/env python3
"""What the « Écritures » sheet costs a write (issue 15, within issue 12's budget), on the ten-year
workbook (`syc demo --annees 10`, cached as bench_sales.py does).

    . .venv/bin/activate
    python benchmarks/bench_ecritures.py --runs 7

For a partial payment on an open invoice and for the issue of a draft invoice, in one process on a
fresh copy: the time the store's hook takes to compute the action's entries from the rows they
depend on and to number them after the sheet's last ones (`ledger.book`), wall and CPU (user +
sys), median, min and max over the runs; then the same for the whole action applied (service +
hook + write), with and without the hook (the hook switched off in-process), alternately, so that
the difference is what the sheet adds. Also the time `syc verifier`'s recomputation of the sheet
(`books.check_sheet`) takes, and the load average before and after.
Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sales import book_options, cache_folder, ensure_book, fresh_copy

AS_OF = dt.date(2026, 7, 1)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def clock() -> tuple[float, float]:
    t = os.times()
    return time.perf_counter(), t.user + t.system


def figures(xs: list[float]) -> str:
    return f"{statistics.median(xs):6.3f} (min {min(xs):.3f}, max {max(xs):.3f})"


def payment(store: Any) -> Any:
    from pyxl.services import payments

    inv = next(r for r in reversed(store.rows("tFactures"))
               if r["doc_type"] == "Facture" and r["number"] and r["owed"] and r["owed"] > 10)
    return payments.record_payment(store, str(inv["number"]), "10,00", "virement", AS_OF)


def main(argv: list[str] | None = None) -> int:
    from pyxl.services import books
    from pyxl.workbook import guard, ledger
    from pyxl.workbook.filestore import FileStore

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    book_options(ap)
    args = ap.parse_args(argv)
    cache = cache_folder(args.cache, args.years, args.scale)
    ensure_book(cache, args.years, args.scale)
    print(f"charge avant / load before: {load()}")
    hook_wall: list[float] = []
    hook_cpu: list[float] = []
    with_hook: list[tuple[float, float]] = []
    without: list[tuple[float, float]] = []
    real_book = ledger.book
    rows_added: list[int] = []
    order = ("hook", "with", "without")
    for i in range(args.runs):
        for variant in order[i % 3:] + order[:i % 3]:  # alternately, none always first
            with tempfile.TemporaryDirectory(prefix="syc-bench-ecritures-") as d:
                book = fresh_copy(cache, Path(d))
                store = FileStore(book)
                with store.session():
                    result = payment(store)
                    if variant == "hook":  # the hook alone, on the store as the payment service left it
                        w0, c0 = clock()
                        real_book(store, result.changes, AS_OF)
                        w1, c1 = clock()
                        hook_wall.append(w1 - w0)
                        hook_cpu.append(c1 - c0)
                        rows_added.append(len(result.changes.appends.get(ledger.TABLE, [])))
                    else:
                        guard.ledger.book = real_book if variant == "with" else (lambda *_a, **_k: None)
                        try:
                            w0, c0 = clock()
                            store.apply(result.changes, as_of=AS_OF)
                            w1, c1 = clock()
                        finally:
                            guard.ledger.book = real_book
                        (with_hook if variant == "with" else without).append((w1 - w0, c1 - c0))
                store.close()
    print(f"règlement partiel sur dix ans, {args.runs} essais / partial payment, ten years, {args.runs} runs")
    print(f"  lignes ajoutées à « Écritures » / rows appended : {rows_added[0]}")
    print(f"  crochet seul / hook alone            mur/wall {figures(hook_wall)}  CPU {figures(hook_cpu)}")
    print(f"  écriture avec / write with hook      mur/wall {figures([w for w, _ in with_hook])}  "
          f"CPU {figures([c for _, c in with_hook])}")
    print(f"  écriture sans / write without hook   mur/wall {figures([w for w, _ in without])}  "
          f"CPU {figures([c for _, c in without])}")
    with tempfile.TemporaryDirectory(prefix="syc-bench-ecritures-") as d:
        book = fresh_copy(cache, Path(d))
        store = FileStore(book)
        w0, c0 = clock()
        issues = books.check_sheet(store, AS_OF)
        w1, c1 = clock()
        print(f"recalcul de la feuille / sheet recomputed (syc verifier): mur/wall {w1 - w0:.3f} s, CPU {c1 - c0:.3f} s,"
              f" {len(store.rows(ledger.TABLE))} lignes, {len(issues)} écart(s)")
        store.close()
    print(f"charge après / load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
