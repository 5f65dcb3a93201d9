#!/usr/bin/env python3
"""Benchmark of the sales chain on a ten-year workbook: `syc facture emettre` as users run it.

    . .venv/bin/activate
    python benchmarks/bench_sales.py                     # 7 runs of each measure, 3 of openpyxl
    python benchmarks/bench_sales.py --runs 3 --runs-openpyxl 1   # quicker

The workbook comes from `pyxl.demo_bulk` (what `syc demo --annees 10` writes): ten years of sales
to 2026-06-30, about 1 000 clients, 20 000 quotes, 15 000 invoices, deposits and credit notes,
100 000 document lines, payments, daily/monthly/yearly closures and the audit journal. It is
generated once into a cache folder (--cache; the folder's name carries a fingerprint of the
generator, so a changed generator makes a new one) and copied afresh for each run.

Measures, each in a fresh (cold) child process, wall time and the child's own peak memory
(ru_maxrss from wait4, through the launcher of bench_store.py, so the benchmark's own memory is
not counted):

  (a) `syc facture emettre BROUILLON-n --au 2026-07-01`: a draft invoice issued, no documents printed.
      Before each run, not timed: a fresh copy of the workbook and `syc facture creer --commande <a
      realised order without invoice> --au 2026-07-01`. The closures of the period are already made,
      so this is the ordinary action of the day.
  (b) the same, but the first action of the next day (--au 2026-07-02): it also makes the closure
      of 2026-07-01 (one row, one journal row, one text file).
  (c) the same after a month without activity (--au 2026-08-03): 33 daily closures and the monthly
      closure of July are made first.
  (d) `syc verifier` on the workbook (journal chain, every issued document, closure files).
  (e) openpyxl load_workbook(keep_vba=True) + save of the same file (what a naive tool would do).

Not a test: prints a table of figures (and --json FILE writes them). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing
sys.path.insert(0, str(HERE))

import bench_store  # noqa: E402  (the launcher, the child environment, the table printer)
from bench_store import Measure, mib, run_child, sheet_part_sizes, syc_exe, table  # noqa: E402

BOOK = "SYC_Gestion.xlsm"
DRAFT_DAY = "2026-07-01"
CASES = (("a", "2026-07-01", "syc facture emettre (le jour même, clôtures déjà faites)"),
         ("b", "2026-07-02", "syc facture emettre, 1re action du lendemain (1 clôture)"),
         ("c", "2026-08-03", "syc facture emettre après un mois sans activité (clôtures de juillet)"))


def cache_folder(base: Path, years: int, scale: float) -> Path:
    """The cache of one generator version: its sources' fingerprint is in the folder's name."""
    h = hashlib.sha256()
    for name in ("demo_bulk.py", "demo.py", "workbook/schema.py", "core/vat.py", "core/pricing.py",
                 "services/closures.py", "excel/builder.py", "workbook/seeds.py",
                 "core/books.py", "workbook/ledger.py"):  # the « Écritures » sheet it writes (ledger.year_rows)
        h.update((HERE.parent / "pyxl" / name).read_bytes())
    return base / f"ventes-{years}ans-x{scale:g}-{h.hexdigest()[:10]}"


def ensure_book(folder: Path, years: int, scale: float) -> dict[str, Any]:
    """Generate the workbook into `folder` unless it is already there; return its generation stats."""
    stats_file = folder / "generation.json"
    if (folder / BOOK).exists() and stats_file.exists():
        print(f"Classeur en cache / cached workbook : {folder / BOOK}", flush=True)
        return dict(json.loads(stats_file.read_text(encoding="utf-8")))
    print(f"Génération du classeur / generating the workbook ({years} ans, échelle {scale:g}) dans {folder} …",
          flush=True)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.perf_counter()
    # in a child process: the generator holds every row in memory (about 1 GB), the benchmark need not
    code = ("import json, sys; from pathlib import Path; from pyxl import demo_bulk; "
            "s = demo_bulk.generate(Path(sys.argv[1]), years=int(sys.argv[2]), scale=float(sys.argv[3])).as_json(); "
            "Path(sys.argv[4]).write_text(json.dumps(s, indent=2, ensure_ascii=False), encoding='utf-8')")
    subprocess.run([sys.executable, "-c", code, str(tmp / BOOK), str(years), str(scale), str(tmp / "generation.json")],
                   check=True, cwd=HERE.parent)
    stats = dict(json.loads((tmp / "generation.json").read_text(encoding="utf-8")))
    stats["secondes_total"] = round(time.perf_counter() - t0, 1)
    (tmp / "generation.json").write_text(json.dumps(stats, indent=2, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return stats


def fresh_copy(cache: Path, run_dir: Path) -> Path:
    """The workbook, its anchor and its closure files, as `syc demo` leaves them."""
    from pyxl.services import closures
    from pyxl.workbook.filestore import anchor_path

    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    book = run_dir / BOOK
    shutil.copyfile(cache / BOOK, book)
    shutil.copyfile(anchor_path(cache / BOOK), anchor_path(book))
    from pyxl.workbook.keyindex import index_path

    if index_path(cache / BOOK).exists():  # the key index `syc demo` makes (issue 14)
        shutil.copyfile(index_path(cache / BOOK), index_path(book))
    shutil.copytree(closures.folder(cache / BOOK), closures.folder(book))
    return book


def sheet_names(book: Path) -> dict[str, str]:
    """Sheet part → « sheet name (table) »."""
    from pyxl.workbook.filestore import FileStore
    from pyxl.workbook.schema import SCHEMA

    pkg = FileStore(book).package
    return {pkg.table(t.name).sheet_part: f"{t.sheet}, {t.name}" for t in SCHEMA.tables}


def book_options(ap: argparse.ArgumentParser) -> None:
    """--years, --scale, --cache: which generated workbook the benchmarks on ten years use."""
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--scale", type=float, default=1.0)
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "syc-gestion"
    ap.add_argument("--cache", type=Path, default=default_cache, help=f"cache folder (default {default_cache})")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="runs of (a), (b), (c) (default 7)")
    ap.add_argument("--runs-openpyxl", type=int, default=3, help="runs of (e), slow (default 3)")
    ap.add_argument("--runs-verify", type=int, default=3, help="runs of (d) (default 3)")
    book_options(ap)
    ap.add_argument("--dir", type=Path, default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="keep the environment as is (with PYTHONDONTWRITEBYTECODE=1, every child recompiles)")
    args = ap.parse_args(argv)

    cache = cache_folder(args.cache, args.years, args.scale)
    gen = ensure_book(cache, args.years, args.scale)
    orders = gen["commandes_realisees_non_facturees"]
    if not orders:
        sys.exit("le classeur n'a pas de commande réalisée non facturée")
    order = orders[0]
    work = args.dir or Path(tempfile.mkdtemp(prefix="syc-bench-ventes-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        book0 = cache / BOOK
        size0 = book0.stat().st_size
        rows = gen["lignes_par_table"]
        print(f"  {sum(rows.values())} lignes de tables / table rows, dont {gen['lignes_de_pieces']} lignes de "
              f"devis et de factures ; pièces {gen['pieces']} ; taille {mib(size0)}")
        if "secondes_total" in gen:
            print(f"  généré en {gen['secondes_total']:.0f} s (calcul {gen['secondes_calcul']:.0f} s, "
                  f"XlsxWriter {gen['secondes_ecriture']:.0f} s)")
        print("  " + ", ".join(f"{k} {v}" for k, v in rows.items()))
        print(f"  commande facturée à chaque run / order invoiced in each run : {order}")
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs "
              f"({args.runs_verify} pour verifier, {args.runs_openpyxl} pour openpyxl)", flush=True)

        bench_store.CHILD_ENV = bench_store.child_env(work, not args.no_bytecode_cache)
        py, syc = sys.executable, syc_exe()
        if bench_store.CHILD_ENV is not None:  # warm-up, not measured: compile the bytecode once
            run_child([py, "-c", "import pyxl.cli.commands, pyxl.cli.sales, pyxl.services.invoices, "
                                 "pyxl.services.closures, pyxl.workbook.filestore, python_calamine, openpyxl, "
                                 "filelock, babel.numbers"], work)
        print(f"  processus enfants / children : "
              f"{'cache de bytecode' if bench_store.CHILD_ENV is not None else 'environnement tel quel'}\n",
              flush=True)

        m = {key: Measure(f"({key})", label) for key, _, label in CASES}
        m["d"] = Measure("(d)", "syc verifier (journal, pièces, fichiers de clôture)")
        m["e"] = Measure("(e)", "openpyxl load(keep_vba) + save")
        prepare: list[float] = []
        closures_made: dict[str, int] = {}
        for i in range(args.runs):
            for key, day, _ in CASES:
                book = fresh_copy(cache, work / "run")
                w, _, out = run_child([syc, "facture", "creer", "--commande", order, "--au", DRAFT_DAY,
                                       "--book", str(book), "--json"], work)
                prepare.append(w)
                ref = json.loads(out)["reference"]
                w, r, out = run_child([syc, "facture", "emettre", ref, "--au", day, "--book", str(book),
                                       "--json"], work)
                data = json.loads(out)
                closures_made[key] = len(data.get("clotures", []))
                m[key].walls.append(w)
                m[key].rss_kb.append(r)
            print(f"  run {i + 1} : " + ", ".join(f"{k} {m[k].walls[-1]:.2f} s" for k, _, _ in CASES), flush=True)
        book = fresh_copy(cache, work / "run")
        for i in range(args.runs_verify):
            w, r, _ = run_child([syc, "verifier", "--book", str(book), "--json"], work)
            m["d"].walls.append(w)
            m["d"].rss_kb.append(r)
            print(f"  verifier {i + 1} : {w:.2f} s", flush=True)
        copy = work / "openpyxl_copie.xlsm"
        for i in range(args.runs_openpyxl):
            w, r, _ = run_child([py, "-c", bench_store.CHILD_OPENPYXL, str(book0), str(copy)], work)
            m["e"].walls.append(w)
            m["e"].rss_kb.append(r)
            print(f"  openpyxl {i + 1} : {w:.1f} s", flush=True)

        for key, _, _ in CASES:
            m[key].target = f"{closures_made[key]} clôture(s) faite(s)"
        ratio = m["e"].median / m["a"].median if m["e"].walls else 0.0
        if m["e"].walls:
            m["e"].target = f"{ratio:.1f} × (a)"
        print()
        print(table([v.row() for v in m.values() if v.walls],
                    ["", "mesure / measure", "médiane s", "min s", "max s", "pic Mo", "remarque"]))
        print()
        print(f"Préparation du brouillon (non mesurée) / draft (not measured) : syc facture creer médiane "
              f"{statistics.median(prepare):.2f} s")
        if m["e"].walls:
            print(f"openpyxl / syc facture emettre : {ratio:.1f} × plus lent / slower")
        print(f"Taille du classeur / workbook size : {mib(size0)}"
              + (f" ; copie openpyxl {mib(copy.stat().st_size)}" if copy.exists() else ""))
        sheets = sheet_names(book0)
        for part, (raw, packed) in sorted(sheet_part_sizes(book0).items(), key=lambda kv: -kv[1][0])[:6]:
            print(f"  {part} ({sheets.get(part, '?')}) : {mib(raw)} XML, {mib(packed)} compressé")
        if args.json:
            args.json.write_text(json.dumps({
                "generation": gen, "size_bytes": size0, "order": order, "openpyxl_ratio": ratio,
                "prepare_median_s": statistics.median(prepare),
                "measures": {k: {"label": v.label, "walls_s": v.walls, "median_s": v.median,
                                 "peak_rss_mib": max(v.rss_kb) / 1024} for k, v in m.items() if v.walls},
            }, indent=2, ensure_ascii=False))
        return 0
    finally:
        if args.keep:
            print(f"\nDossier conservé / kept : {work}")
        elif args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
