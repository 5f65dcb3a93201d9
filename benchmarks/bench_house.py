#!/usr/bin/env python3
"""The house budget: everyday actions on the ten-year workbook, as users run them (issue 12).

    . .venv/bin/activate
    python benchmarks/bench_house.py                 # 7 runs of each measure, 1 of openpyxl
    python benchmarks/bench_house.py --runs 3 --runs-openpyxl 0   # quicker

The workbook is `syc demo --annees 10` of this commit (generated once into a cache folder, see
bench_sales.py) and copied afresh, with its anchor and closure files, before each run. Each measure
is a new (cold) process with the file in the page cache; wall time and the process's own peak
memory (ru_maxrss), median, min and max over the runs, with the load average before and after.

  (a) syc facture emettre BROUILLON-n --sans-document, the day of the draft (closures made)
  (b) the same, first action of the next day (one daily closure)
  (c) the same after a month without activity (33 daily closures, one monthly)
  (p) syc reglement saisir on an issued invoice (a partial payment)
  (q) syc devis creer, four lines
  (r) syc client ajouter
  (d) syc verifier
  (e) openpyxl load_workbook(keep_vba=True) + save of the same file, for information
  (s) python -c "import pyxl.cli": the start-up every command pays

Then one instrumented run of (a), (c) and (p) splits their time: start-up (imports), reads of the
store (their inflate included), inflate, deflate, backup and fsync, each the wall time of its
outermost calls summed over the threads (parts read or compressed side by side add up to more
than the time they took).

Targets (issue 12): (a) ≤ 0,5 s, (b) ≤ 1 s, (c) ≤ 1,5 s, (p)(q)(r) ≤ 0,5 s, (d) ≤ 5 s and ≤ 300 MB.
Not a test: prints a table of figures (and --json FILE writes them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_sales  # noqa: E402
import bench_store  # noqa: E402
from bench_store import Measure, mib, run_child, syc_exe, table  # noqa: E402

DRAFT_DAY = "2026-07-01"
TARGETS = {"a": 0.5, "b": 1.0, "c": 1.5, "p": 0.5, "q": 0.5, "r": 0.5, "d": 5.0}
PROFILE = r"""
import json, os, sys, threading, time
t0 = time.perf_counter()
import pyxl.cli
from pyxl.workbook import backups, ooxml, sheetstore
startup = time.perf_counter() - t0
acc = dict.fromkeys(("lectures", "inflate", "deflate", "sauvegarde", "fsync"), 0.0)
lock, depth = threading.Lock(), threading.local()
def timed(key, fn):
    def wrapper(*args, **kwargs):  # the outermost call of each kind only, in any thread
        level = getattr(depth, key, 0)
        setattr(depth, key, level + 1)
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            setattr(depth, key, level)
            if level == 0:
                with lock:
                    acc[key] += time.perf_counter() - t
    return wrapper
ooxml.Package.read = timed("inflate", ooxml.Package.read)
ooxml._deflate = timed("deflate", ooxml._deflate)
try:  # big parts compressed in chunks, only the changed ones again (zchunks)
    from pyxl.workbook import zchunks
    zchunks.deflate_part = timed("deflate", zchunks.deflate_part)
except ImportError:
    pass
backups.backup = timed("sauvegarde", backups.backup)
os.fsync = timed("fsync", os.fsync)
for cls in (sheetstore.SheetStore, *sheetstore.SheetStore.__subclasses__()):
    for name in ("rows", "rows_where", "rows_at", "tail", "journal", "prefetch"):
        if name in vars(cls):
            setattr(cls, name, timed("lectures", vars(cls)[name]))
t = time.perf_counter()
try:
    pyxl.cli.main(sys.argv[2:])
except SystemExit:
    pass
acc["action"] = time.perf_counter() - t
acc["demarrage"] = startup
open(sys.argv[1], "w").write(json.dumps(acc))
"""


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def open_invoice(book: Path) -> str:
    """An issued invoice with something left to pay (the newest)."""
    from pyxl.workbook.filestore import FileStore

    for r in reversed(FileStore(book).rows("tFactures")):
        if r["doc_type"] == "Facture" and r["number"] and r["status"] in ("Émise", "Partiellement réglée") \
                and r["total_ttc"] - r["paid"] - r["credited"] > 10:
            return str(r["number"])
    sys.exit("aucune facture à régler dans le classeur")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--runs-openpyxl", type=int, default=1)
    bench_sales.book_options(ap)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    cache = bench_sales.cache_folder(args.cache, args.years, args.scale)
    gen = bench_sales.ensure_book(cache, args.years, args.scale)
    order = gen["commandes_realisees_non_facturees"][0]
    book0 = cache / bench_sales.BOOK
    invoice = open_invoice(book0)
    work = Path(tempfile.mkdtemp(prefix="syc-bench-maison-"))
    py, syc = sys.executable, syc_exe()
    bench_store.CHILD_ENV = bench_store.child_env(work, True)
    run_child([py, "-c", "import pyxl.cli.commands, pyxl.cli.sales, pyxl.services.invoices, pyxl.services.payments, "
                         "pyxl.services.quotes, pyxl.services.clients, pyxl.services.closures, openpyxl"], work)
    print(f"Classeur : {book0} ({mib(book0.stat().st_size)}), commande {order}, facture à régler {invoice}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs ; charge avant : {load()}",
          flush=True)
    m: dict[str, Measure] = {
        "a": Measure("(a)", "facture emettre, jour même"),
        "b": Measure("(b)", "facture emettre, lendemain (1 clôture)"),
        "c": Measure("(c)", "facture emettre, un mois après (34 clôtures)"),
        "p": Measure("(p)", "reglement saisir"),
        "q": Measure("(q)", "devis creer (4 lignes)"),
        "r": Measure("(r)", "client ajouter"),
        "d": Measure("(d)", "verifier"),
        "e": Measure("(e)", "openpyxl load + save"),
        "s": Measure("(s)", "démarrage : import pyxl.cli"),
    }
    profiles: dict[str, dict[str, float]] = {}
    try:
        def draft(book: Path) -> str:
            _, _, out = run_child([syc, "facture", "creer", "--commande", order, "--au", DRAFT_DAY, "--book", str(book),
                                   "--json"], work)
            return str(json.loads(out)["reference"])

        commands = {
            "p": lambda book: ["reglement", "saisir", "--facture", invoice, "--montant", "10,00", "--mode", "virement",
                               "--au", "2026-07-01"],
            "q": lambda book: ["devis", "creer", "--client", "C00001", "--ligne", "CHG-25:1", "--ligne", "MO-H:3",
                               "--ligne", "DEP:1", "--ligne", "RAD-ACI:2", "--nature", "remplacement",
                               "--logement-plus-2-ans", "oui", "--au", "2026-07-01"],
            "r": lambda book: ["client", "ajouter", "--type", "particulier", "--nom", "Dupont & Fils <SARL> \"l'Étang\"",
                               "--adresse", "1 rue de l'Église", "--cp", "69001", "--ville", "Lyon",
                               "--au", "2026-07-01"],
        }
        for i in range(args.runs):
            for key, day in (("a", DRAFT_DAY), ("b", "2026-07-02"), ("c", "2026-08-03")):
                book = bench_sales.fresh_copy(cache, work / "run")
                ref = draft(book)
                w, r, _ = run_child([syc, "facture", "emettre", ref, "--sans-document", "--au", day, "--book",
                                     str(book), "--json"], work)
                m[key].walls.append(w)
                m[key].rss_kb.append(r)
                m[key].cpus.append(bench_store.LAST_CPU)
            for key, cmd in commands.items():
                book = bench_sales.fresh_copy(cache, work / "run")
                w, r, _ = run_child([syc, *cmd(book), "--book", str(book), "--json"], work)
                m[key].walls.append(w)
                m[key].rss_kb.append(r)
                m[key].cpus.append(bench_store.LAST_CPU)
            w, r, _ = run_child([py, "-c", "import pyxl.cli"], work)
            m["s"].walls.append(w)
            m["s"].rss_kb.append(r)
            m["s"].cpus.append(bench_store.LAST_CPU)
            print(f"  run {i + 1} : " + ", ".join(f"{k} {m[k].walls[-1]:.2f}" for k in "abcpqrs"), flush=True)
        book = bench_sales.fresh_copy(cache, work / "run")
        for _ in range(args.runs):
            w, r, _ = run_child([syc, "verifier", "--book", str(book), "--json"], work)
            m["d"].walls.append(w)
            m["d"].rss_kb.append(r)
            m["d"].cpus.append(bench_store.LAST_CPU)
        print(f"  verifier : {', '.join(f'{x:.2f}' for x in m['d'].walls)}", flush=True)
        for _ in range(args.runs_openpyxl):
            w, r, _ = run_child([py, "-c", bench_store.CHILD_OPENPYXL, str(book0), str(work / "o.xlsm")], work)
            m["e"].walls.append(w)
            m["e"].rss_kb.append(r)
            m["e"].cpus.append(bench_store.LAST_CPU)
        # one profiled run of (a), (c) and (p): where the time goes
        for key, day in (("a", DRAFT_DAY), ("c", "2026-08-03"), ("p", None)):
            book = bench_sales.fresh_copy(cache, work / "run")
            cmd = (["facture", "emettre", draft(book), "--sans-document", "--au", day] if day
                   else commands["p"](book))
            out = work / "profile.json"
            subprocess.run([py, "-c", PROFILE, str(out), *cmd, "--book", str(book), "--json"], cwd=work, check=True,
                           capture_output=True, env=bench_store.CHILD_ENV)
            profiles[key] = json.loads(out.read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for key, limit in TARGETS.items():
        if m[key].walls:
            m[key].target = f"cible ≤ {limit:g} s : {'tenue' if m[key].median <= limit else 'MANQUÉE'}"
    if m["d"].walls:
        m["d"].target += f", pic {'≤' if max(m['d'].rss_kb) / 1024 <= 300 else '>'} 300 Mo"
    if m["e"].walls:
        m["e"].target = f"{m['e'].median / m['a'].median:.0f} × (a)"
    print()
    print(table([[*v.row()[:5], bench_store.cpu_median(v), *v.row()[5:]] for v in m.values() if v.walls],
                ["", "mesure", "médiane s", "min s", "max s", "CPU s", "pic Mo", "remarque"]))
    print(f"\nCharge après : {load()}")
    print("\nRépartition (un run instrumenté, en s ; les threads s'additionnent) :")
    keys = ["demarrage", "action", "lectures", "inflate", "deflate", "sauvegarde", "fsync"]
    print(table([[k, *(f"{profiles[k].get(x, 0):.3f}" for x in keys)] for k in profiles], ["", *keys]))
    if args.json:
        args.json.write_text(json.dumps({
            "measures": {k: {"label": v.label, "walls_s": v.walls, "median_s": v.median,
                             "peak_rss_mib": max(v.rss_kb) / 1024} for k, v in m.items() if v.walls},
            "profiles": profiles}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
