#!/usr/bin/env python3
"""Bank statements on the ten-year workbook (issue 14, item 5): `syc banque importer` of a
2 000-line CAMT.053 and of a 2 000-line CSV (Crédit Agricole layout, Windows-1252), writing
included, then `syc banque rapprocher` matching them against the workbook's open items.

    . .venv/bin/activate
    python benchmarks/bench_bank_import.py            # 3 runs of each measure
    python benchmarks/bench_bank_import.py --runs 1

The workbook is `syc demo --annees 10` of this commit, generated once into the cache folder of
bench_sales.py and copied afresh (with its anchor and closure files) before each run; the day of
the actions is 2026-07-01, the day after the demo's last closure, as in bench_house.py (a). The
statements are made from the workbook's own open items: half the credit lines pay one of them (the
number in the label for half of those), a quarter are other credits, a quarter debits, with two
identical cheques now and then (the line generator of bench_bank.py). Each measure is a new (cold)
process; wall time and the process's own peak memory, median, min and max over the runs, and the
CPU time (user + system) of the import and matching children, median (on a loaded machine the
wall time grows with the load, the CPU time hardly).

  (i) syc banque importer FILE   — read, de-duplicate against « Relevés », write 2 000 lines
  (m) syc banque rapprocher      — read the 2 000 lines and the open items, match, report
  (i+m) their sum: the « import and match » of the target
  (c) syc banque rapprocher --tout-exact — for information: every exact line confirmed, each a
      payment by transfer (`payments.receive`), all written in one change set

Target (issue 14): import and matching ≤ 5 s per file, writing included.
Not a test: prints a table of figures.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_bank  # noqa: E402
import bench_sales  # noqa: E402
import bench_store  # noqa: E402
from bench_store import mib, run_child, syc_exe  # noqa: E402

DAY = "2026-07-01"
TARGET = 5.0


def open_items(book: Path) -> list:
    """The expected items, less the invoices no payment may reach yet on DAY (an order signed at a
    consumer's home in the last 7 days: L221-10 C. conso) — a statement cannot pay them, and the
    confirmation of all exact lines would be refused whole."""
    import datetime as dt

    from pyxl.services import bank
    from pyxl.services.quotes import cooling_off_end
    from pyxl.workbook.filestore import FileStore

    store = FileStore(book)
    day = dt.date.fromisoformat(DAY)
    clients = {str(c["code"]): c for c in store.rows("tClients")}
    quotes = {str(q["number"]): q for q in store.rows("tDevis")}
    waiting = set()
    for o in store.rows("tCommandes"):
        q = quotes.get(str(o["quote"]))
        first = cooling_off_end(q, clients.get(str(q["client"]), "")) if q is not None else None
        if first and day < first:
            waiting.add(str(o["number"]))
    blocked = {str(d["number"]) for d in store.rows("tFactures") if str(d["order"] or "") in waiting}
    return [i for i in bank.expected_items(store) if i.number and i.number not in blocked | waiting]


def specs_for(items: list, n: int) -> list:
    """bench_bank's lines, booked in the first half of 2026 (before the day of the import)."""
    import datetime as dt

    rng = random.Random(14)
    specs = bench_bank.line_specs(n, items, rng)
    start = dt.date(2026, 1, 2)
    return [(start + dt.timedelta(days=k * 178 // len(specs)), amount, label)
            for k, (_, amount, label) in enumerate(specs)]


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lines", type=int, default=2000)
    bench_sales.book_options(ap)
    args = ap.parse_args(argv)

    cache = bench_sales.cache_folder(args.cache, args.years, args.scale)
    bench_sales.ensure_book(cache, args.years, args.scale)
    book0 = cache / bench_sales.BOOK
    items = open_items(book0)
    specs = specs_for(items, args.lines)
    work = Path(tempfile.mkdtemp(prefix="syc-bench-banque-"))
    files = {"CAMT.053 .001.08": work / "releve.xml", "CSV Crédit Agricole": work / "releve.csv"}
    files["CAMT.053 .001.08"].write_bytes(bench_bank.camt(specs))
    files["CSV Crédit Agricole"].write_bytes(bench_bank.csv(specs))
    py, syc = sys.executable, syc_exe()
    bench_store.CHILD_ENV = bench_store.child_env(work, True)
    run_child([py, "-c", "import pyxl.cli.commands, pyxl.cli.bank_cmd, pyxl.services.bank, pyxl.core.bank.camt, "
                         "pyxl.core.bank.csvbank, pyxl.core.bank.matching"], work)
    kinds: dict[str, int] = {}
    for i in items:
        kinds[i.kind.value] = kinds.get(i.kind.value, 0) + 1
    print(f"Classeur : {book0} ({mib(book0.stat().st_size)}) ; pièces attendues : "
          + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())))
    print(f"{len(specs)} lignes par relevé ; python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs ; "
          f"charge avant : {load()}", flush=True)
    rows = []
    for name, path in files.items():
        imp, mat, tot, rss, conf, cpu = [], [], [], [], [], []
        out = ""
        for _ in range(args.runs):
            book = bench_sales.fresh_copy(cache, work / "run")
            base = ["--book", str(book), "--au", DAY]
            t1, r1, _ = run_child([syc, "banque", "importer", str(path), *base], work)
            c1 = bench_store.LAST_CPU
            t2, r2, out = run_child([syc, "banque", "rapprocher", *base, "--json"], work)
            cpu.append(c1 + bench_store.LAST_CPU)  # user + sys of both children: the load hides in wall time
            t3, r3, _ = run_child([syc, "banque", "rapprocher", "--tout-exact", *base], work)
            conf.append(t3)
            imp.append(t1)
            mat.append(t2)
            tot.append(t1 + t2)
            rss.append(max(r1, r2, r3))
        import json

        data = json.loads(out)
        counts = (len(data["exactes"]), len(data["proposees"]), len(data["ambigues"]),
                  len(data["lignes_non_rapprochees"]))
        med = statistics.median
        rows.append((name, med(imp), med(mat), med(tot), min(tot), max(tot), max(rss) / 1024, counts, med(conf),
                     med(cpu)))
    print(f"\n{'relevé':22} {'(i) importer':>13} {'(m) rapprocher':>15} {'(i+m) médiane':>14} {'min':>6} {'max':>6} "
          f"{'CPU (i+m)':>10} {'mémoire':>9}  cible ≤ {TARGET:g} s   exactes/proposées/ambiguës/sans   (c) --tout-exact")
    for name, i, m, t, lo, hi, mem, counts, c, u in rows:
        ok = "oui" if t <= TARGET else "NON"
        print(f"{name:22} {i:12.2f}s {m:14.2f}s {t:13.2f}s {lo:5.2f}s {hi:5.2f}s {u:9.2f}s {mem:7.0f} Mo  {ok:>9}        "
              + f"{'/'.join(str(x) for x in counts):>32}   {c:.2f}s")
    print(f"charge après : {load()}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
