#!/usr/bin/env python3
"""Benchmark of the PostgreSQL base (issue 18) with the ten-year data, on a local throwaway cluster.

    . .venv/bin/activate
    python benchmarks/bench_pg.py                         # import, 5 runs of each action, writers for 60 s
    python benchmarks/bench_pg.py --runs 3 --secondes 20  # quicker

The workbook is the ten-year one of bench_sales.py (its cache). A cluster is started in a temporary
folder (pyxl.workbook.pgcluster: unix socket only, .pgpass), stopped at the end. Measures:

  (i) `syc base creer` + `syc base importer --book` of the ten-year workbook, one cold process each
      (the import verifies the workbook's chain first). Target ≤ 60 s.
  (a) everyday actions without documents, each a cold `syc … --base URL` process (start-up included):
      `devis creer`, `reglement saisir`, `client ajouter`, `facture emettre` (a draft made before,
      not timed). Target ≤ 0,3 s each.
  (w) three writer processes (tests/pg_worker.py « factures »: a 1 % deposit created and issued in
      one transaction) for --secondes: invoices issued per second in total (target ≥ 20), and the
      time spent waiting for and holding the writers' lock (the numbering lock).
  (m) the same three processes in « mixte » (invoices, payments, quotes in turn) for --secondes:
      actions per second; then the invariants of tests/test_pg_concurrency.py (numbers gapless in
      issue order) and `syc base verifier`, timed.

Not a test: prints a table of figures (and --json FILE writes them).
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_sales  # noqa: E402
import bench_store  # noqa: E402
from bench_store import run_child, syc_exe, table  # noqa: E402

DAY = "2026-07-01"
WORKER = HERE.parent / "tests" / "pg_worker.py"


def syc_json(args: list[str], cwd: Path) -> dict[str, Any]:
    p = subprocess.run([syc_exe(), *args, "--json"], cwd=cwd, capture_output=True, text=True, check=False,
                       env=bench_store.CHILD_ENV)
    if p.returncode != 0:
        sys.exit(f"échec de syc {' '.join(args[:3])} : {p.stdout}\n{p.stderr}")
    return dict(json.loads(p.stdout))


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    wall, _rss, out = run_child(cmd, cwd)
    return wall, out


def timed_cpu(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds user + system) of one cold child: on a loaded machine the wall
    time waits for the cores, the CPU time is what the action costs."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _rss, _out = run_child(cmd, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def writers(urls: list[str], role: str, seconds: int, orders: list[list[str]]) -> list[dict[str, Any]]:
    procs = [subprocess.Popen([sys.executable, str(WORKER), url, role, str(seconds), DAY, *mine],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=bench_store.CHILD_ENV)
             for url, mine in zip(urls, orders, strict=True)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate()
        if p.returncode != 0:
            sys.exit(f"échec d'un rédacteur : {stderr}")
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--secondes", type=int, default=60, help="duration of each writers' run (default 60)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from pyxl.workbook import pgcluster

    cache = bench_sales.cache_folder(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "syc-gestion",
                                     10, 1.0)
    gen = bench_sales.ensure_book(cache, 10, 1.0)
    work = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    cluster = pgcluster.start()
    figures: dict[str, Any] = {"charge_avant": load(), "generation": {k: gen.get(k) for k in ("factures", "lignes")}}
    try:
        pgcluster.make_logins(cluster)
        os.environ["PGPASSFILE"] = str(cluster.pgpass)
        bench_store.CHILD_ENV = bench_store.child_env(work, True)
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE syc")
        owner, writer = cluster.url(dbname="syc"), cluster.url("syc_assistante", "syc")
        shared = work / "partage"
        book = bench_sales.fresh_copy(cache, shared)
        exe = syc_exe()
        wall_c, _ = timed([exe, "base", "creer", owner, "--dossier", str(shared)], work)
        wall_i, out = timed([exe, "base", "importer", "--book", str(book), "--base", owner], work)
        figures["import"] = {"creer_s": round(wall_c, 2), "importer_s": round(wall_i, 2), "message": out.strip()}
        print(f"(i) creer {wall_c:.2f} s, importer {wall_i:.2f} s — {out.strip()}", flush=True)

        # the everyday actions, cold
        orders = []
        for _ in range(3 * 10):  # ten orders per writer, for the writers' runs below
            q = syc_json(["devis", "creer", "--client", "C00002", "--nature", "installation", "--ligne", "CHG-25:10",
                          "--base", writer, "--au", DAY], work)["numero"]
            syc_json(["devis", "accepter", q, "--base", writer, "--au", DAY], work)
            orders.append(syc_json(["commande", "creer", "--devis", q, "--base", writer, "--au", DAY], work)["numero"])
        rows = []
        actions: dict[str, list[float]] = {}
        cpus: dict[str, list[float]] = {}
        for i in range(args.runs):
            cases = {
                "devis creer (4 lignes)": ["devis", "creer", "--client", "C00002", "--nature", "depannage",
                                           "--ligne", "MO-H:2", "--ligne", "DEP:1", "--ligne", "RAD-ACI:1",
                                           "--ligne", "ENT-CHG:1"],
                "client ajouter": ["client", "ajouter", "--nom", f"Banc {i}", "--type", "particulier",
                                   "--adresse", "1 rue du Test", "--cp", "69001", "--ville", "Lyon"],
            }
            draft = syc_json(["facture", "acompte", "--commande", orders[-1 - i], "--pourcentage", "1",
                              "--base", writer, "--au", DAY], work)["reference"]
            cases["facture emettre (sans document)"] = ["facture", "emettre", draft]
            issued = syc_json(["facture", "acompte", "--commande", orders[-1 - i], "--pourcentage", "1", "--emettre",
                               "--base", writer, "--au", DAY], work)["numero"]
            cases["reglement saisir"] = ["reglement", "saisir", "--facture", issued, "--montant", "10,00", "--mode",
                                         "virement"]
            for label, cmd in cases.items():
                wall, cpu = timed_cpu([exe, *cmd, "--base", writer, "--au", DAY, "--sans-document"]
                                      if label.startswith("facture") else [exe, *cmd, "--base", writer, "--au", DAY],
                                      work)
                actions.setdefault(label, []).append(wall)
                cpus.setdefault(label, []).append(cpu)
        for label, walls in actions.items():
            rows.append([f"(a) {label}", f"{statistics.median(walls):.3f}", f"{min(walls):.3f}", f"{max(walls):.3f}",
                         f"{statistics.median(cpus[label]):.3f}"])
        figures["actions_s"] = {k: {"mediane": round(statistics.median(v), 3), "min": round(min(v), 3),
                                    "max": round(max(v), 3), "cpu_mediane": round(statistics.median(cpus[k]), 3)}
                                for k, v in actions.items()}
        print(table(rows, ["mesure", "médiane s", "min s", "max s", "CPU client s"]), flush=True)

        # three writers issuing invoices
        urls = [cluster.url(login, "syc") for login in ("syc_assistante", "syc_gestion", "syc_assistante")]
        mine = [orders[k::3][: 9] for k in range(3)]
        res = writers(urls, "factures", args.secondes, mine)
        issued_n = sum(len(r["done"]["factures"]) for r in res)
        elapsed = max(r["elapsed"] for r in res)
        held = sum(r["lock_held"] for r in res)
        waited = sum(r["lock_wait"] for r in res)
        figures["redacteurs_factures"] = {
            "factures": issued_n, "secondes": round(elapsed, 1), "factures_par_s": round(issued_n / elapsed, 1),
            "verrou_tenu_s": round(held, 1), "verrou_tenu_par_facture_ms": round(1000 * held / max(issued_n, 1), 1),
            "verrou_attendu_s": round(waited, 1), "refus": [r["refused"] for r in res]}
        print(f"(w) 3 rédacteurs, {elapsed:.0f} s : {issued_n} factures émises, {issued_n / elapsed:.1f} /s ; "
              f"verrou de numérotation tenu {held:.1f} s en tout ({1000 * held / max(issued_n, 1):.1f} ms par "
              f"facture, {100 * held / elapsed:.0f} % du temps), attendu {waited:.1f} s ; refus {[r['refused'] for r in res]}",
              flush=True)

        # three writers, mixed
        res = writers(urls, "mixte", args.secondes, mine)
        counts = {k: sum(len(r["done"][k]) for r in res) for k in ("factures", "reglements", "devis")}
        elapsed = max(r["elapsed"] for r in res)
        figures["redacteurs_mixtes"] = {**counts, "secondes": round(elapsed, 1),
                                        "actions_par_s": round(sum(counts.values()) / elapsed, 1),
                                        "refus": [r["refused"] for r in res]}
        print(f"(m) 3 rédacteurs mixtes, {elapsed:.0f} s : {counts}, {sum(counts.values()) / elapsed:.1f} actions/s",
              flush=True)
        from pyxl.workbook.pgstore import PostgresStore

        store = PostgresStore(writer)
        numbers = [str(r["number"]) for r in store.rows("tFactures") if str(r["number"] or "").startswith("F2026-")]
        ok = sorted(numbers) == [f"F2026-{n:05d}" for n in range(1, len(numbers) + 1)]
        t0 = time.perf_counter()
        verified = syc_json(["base", "verifier", "--base", writer, "--au", DAY], work)
        figures["verification"] = {"numerotation_sans_trou": ok, "pieces": verified["pieces"],
                                   "secondes": round(time.perf_counter() - t0, 1)}
        print(f"    numérotation 2026 sans trou : {ok} ; syc base verifier : {verified['pieces']} pièces en "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        pgcluster.stop(cluster.folder)
        shutil.rmtree(cluster.folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    figures["charge_apres"] = load()
    print(f"charge : avant {figures['charge_avant']}, après {figures['charge_apres']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
