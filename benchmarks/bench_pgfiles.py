#!/usr/bin/env python3
"""What recording the legal files' SHA-256 costs an everyday action in base mode (issue 18).

    . .venv/bin/activate
    python benchmarks/bench_pgfiles.py                          # this code
    python benchmarks/bench_pgfiles.py --code /chemin/autre/arbre --runs 9   # another checkout (main)
    python benchmarks/bench_pgfiles.py --alterner /chemin/main  # both, alternately, on the same base

A throwaway cluster (pyxl.workbook.pgcluster) and a base made from the demo workbook. Each run is a
cold `syc client modifier … --base URL` process (start-up included: one action that extends the
audit journal, so the anchor's copy is written and, with this code, recorded), then one cold
`syc base verifier`. Prints the median wall time and the median CPU time (user + sys of the child)
per code tree, with the load average: on a shared machine the CPU time is the reliable figure.
Not a test. Measured on 2026-12-05 at load 12 on 2 shared cores, 7 runs alternating with main:
`client modifier` 0,374 s CPU (1,62 s wall) against 0,386 s (1,69 s) on main; `base verifier` 0,421 s
CPU against 0,418 s — recording the files costs nothing measurable beside the noise.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DAY = "2025-01-06"


def child(code: Path, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one cold `python -m pyxl.cli …` with `code` first on the path."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pyxl.cli", *args], env={**env, "PYTHONPATH": str(code)},
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"échec de {' '.join(args[:3])} ({code}) :\n{done.stdout}\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--code", type=Path, default=HERE.parent, help="the code tree to time (default: this one)")
    ap.add_argument("--alterner", type=Path, help="another code tree, timed alternately with --code")
    a = ap.parse_args()

    from pyxl import pgbase
    from pyxl.cli import main as syc
    from pyxl.workbook import pgcluster

    trees = [a.code.resolve(), *([a.alterner.resolve()] if a.alterner else [])]
    work = Path(tempfile.mkdtemp(prefix="syc-bench-pgfiles-"))
    cluster = pgcluster.start()  # its own temporary folder (reachable by the unprivileged user running it)
    try:
        pgcluster.make_logins(cluster)
        os.environ["PGPASSFILE"] = str(cluster.pgpass)
        env = {**os.environ, "SYC_SANS_DOCUMENT": "1"}
        book = work / "classeur" / "SYC_Gestion.xlsm"
        book.parent.mkdir()
        with contextlib.redirect_stdout(io.StringIO()):
            syc(["init", "--demo", "--book", str(book), "--au", DAY, "--json"])
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        owner = cluster.url(pgcluster.SUPERUSER, "bench")
        shared = work / "partage"
        shared.mkdir()
        pgbase.create(owner, shared)
        pgbase.import_book(owner, book)
        url = cluster.url("syc_assistante", "bench")
        figures: dict[Path, dict[str, list[tuple[float, float]]]] = {t: {"action": [], "verifier": []} for t in trees}
        for i in range(a.runs):
            for tree in trees:
                phone = f"04780{i:05d}"[:10]
                figures[tree]["action"].append(child(tree, ["client", "modifier", "C00001", "--tel", phone,
                                                            "--base", url, "--au", DAY, "--json"], env))
                figures[tree]["verifier"].append(child(tree, ["base", "verifier", "--base", url, "--au", DAY,
                                                              "--json"], env))
        load = os.getloadavg()
        print(f"Charge moyenne (1, 5, 15 min) : {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ; {a.runs} passages")
        print(f"{'code':<40} {'mesure':<28} {'mur (méd.)':>11} {'CPU (méd.)':>11}")
        for tree in trees:
            for what, label in (("action", "client modifier (à froid)"), ("verifier", "base verifier (à froid)")):
                walls = [w for w, _ in figures[tree][what]]
                cpus = [c for _, c in figures[tree][what]]
                print(f"{str(tree)[-40:]:<40} {label:<28} {statistics.median(walls):>9.3f} s "
                      f"{statistics.median(cpus):>9.3f} s")
    finally:
        pgcluster.stop(cluster.folder)
        shutil.rmtree(cluster.folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
