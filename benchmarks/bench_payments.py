#!/usr/bin/env python3
"""Payments as money arrives (issue 14) on the ten-year workbook, as users run them.

    . .venv/bin/activate
    python benchmarks/bench_payments.py            # 7 runs of each measure
    python benchmarks/bench_payments.py --runs 3

The workbook is `syc demo --annees 10` of this commit (generated once into the cache folder of
bench_sales.py) and copied afresh before each run; each measure is a new (cold) process, as in
bench_house.py (wall time and peak memory, median, min and max).

  (m) syc reglement saisir --client C --facture A --facture B --facture C : one transfer on three
      open invoices of one client (target ≤ 0,5 s)
  (l) syc reglement saisir --client C, no document named: art. 1342-10 over all its open documents
  (k) syc credit liste
  (x) syc reglement annuler ID --impaye: the three-part payment of (m) reversed

Not a test: prints a table of figures (and --json FILE writes them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_sales  # noqa: E402
import bench_store  # noqa: E402
from bench_store import Measure, mib, run_child, syc_exe, table  # noqa: E402

DAY = "2026-07-01"
TARGETS = {"m": 0.5, "l": 0.5, "k": 1.0, "x": 0.5}


def three_open_invoices(book: Path) -> tuple[str, list[str], Decimal]:
    """A client with at least three issued invoices still owing, on DAY: (client, numbers, total owed)."""
    import datetime as dt

    from pyxl.workbook.filestore import FileStore

    day = dt.date.fromisoformat(DAY)
    by_client: dict[str, list[tuple[str, Decimal]]] = {}
    for r in FileStore(book).rows("tFactures"):
        if (r["doc_type"] == "Facture" and r["number"] and r["date"] and r["date"] <= day
                and r["status"] in ("Émise", "Partiellement réglée")):
            owed = r["total_ttc"] - r["paid"] - r["credited"]
            if owed > 0:
                by_client.setdefault(str(r["client"]), []).append((str(r["number"]), owed))
    for client, docs in sorted(by_client.items(), key=lambda kv: -len(kv[1])):
        if len(docs) >= 3:
            chosen = docs[-3:]
            return client, [n for n, _ in chosen], sum((o for _, o in chosen), Decimal(0))
    sys.exit("aucun client avec trois factures à régler dans le classeur")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    bench_sales.book_options(ap)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    cache = bench_sales.cache_folder(args.cache, args.years, args.scale)
    bench_sales.ensure_book(cache, args.years, args.scale)
    book0 = cache / bench_sales.BOOK
    client, invoices, owed = three_open_invoices(book0)
    amount = str(owed).replace(".", ",")
    work = Path(tempfile.mkdtemp(prefix="syc-bench-reglements-"))
    syc = syc_exe()
    bench_store.CHILD_ENV = bench_store.child_env(work, True)
    run_child([sys.executable, "-c", "import pyxl.cli.commands, pyxl.cli.sales, pyxl.services.payments"], work)
    print(f"Classeur : {book0} ({mib(book0.stat().st_size)}), client {client}, factures {', '.join(invoices)} "
          f"({amount} €)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs ; charge avant : "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    m = {"m": Measure("(m)", "reglement saisir, 3 factures nommées"),
         "l": Measure("(l)", "reglement saisir, ordre légal (1342-10)"),
         "k": Measure("(k)", "credit liste"),
         "x": Measure("(x)", "reglement annuler --impaye (3 parts)")}
    named = [a for n in invoices for a in ("--facture", n)]
    try:
        for i in range(args.runs):
            book = bench_sales.fresh_copy(cache, work / "run")
            w, r, out = run_child([syc, "reglement", "saisir", "--client", client, "--montant", amount, "--mode",
                                   "virement", *named, "--au", DAY, "--book", str(book), "--json"], work)
            m["m"].walls.append(w)
            m["m"].rss_kb.append(r)
            m["m"].cpus.append(bench_store.LAST_CPU)
            pid = json.loads(out)["id"]
            w, r, _ = run_child([syc, "reglement", "annuler", pid, "--motif", "rejet", "--impaye", "--au", DAY,
                                 "--book", str(book), "--json"], work)
            m["x"].walls.append(w)
            m["x"].rss_kb.append(r)
            m["x"].cpus.append(bench_store.LAST_CPU)
            book = bench_sales.fresh_copy(cache, work / "run")
            w, r, _ = run_child([syc, "reglement", "saisir", "--client", client, "--montant", "100", "--mode",
                                 "virement", "--au", DAY, "--book", str(book), "--json"], work)
            m["l"].walls.append(w)
            m["l"].rss_kb.append(r)
            m["l"].cpus.append(bench_store.LAST_CPU)
            w, r, _ = run_child([syc, "credit", "liste", "--au", DAY, "--book", str(book), "--json"], work)
            m["k"].walls.append(w)
            m["k"].rss_kb.append(r)
            m["k"].cpus.append(bench_store.LAST_CPU)
            print(f"  run {i + 1} : " + ", ".join(f"{k} {m[k].walls[-1]:.2f}" for k in "mlkx"), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for key, limit in TARGETS.items():
        m[key].target = f"cible ≤ {limit:g} s : {'tenue' if m[key].median <= limit else 'MANQUÉE'}"
    print(table([[*x.row()[:5], bench_store.cpu_median(x), *x.row()[5:]] for x in m.values()],
                ["", "mesure", "médiane s", "min s", "max s", "CPU s", "pic Mo", "remarque"]))
    print("charge après : " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.json:
        args.json.write_text(json.dumps({k: {"label": v.label, "walls_s": v.walls, "median_s": v.median,
                                             "peak_rss_mib": max(v.rss_kb) / 1024} for k, v in m.items()},
                                        indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
