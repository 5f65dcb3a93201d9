#!/usr/bin/env python3
"""`syc verifier` on the ten-year workbook, this worktree against another one, alternately (issue 12).

    git worktree add --detach ../base main      # the tree to compare with (never the main checkout itself)
    .venv/bin/python benchmarks/bench_verifier.py --other ../base --runs 4

Each run is a new process on a fresh copy of the same cached book (bench_sales.py: `syc demo
--annees 10` of this commit), measured by /usr/bin/time: wall time, CPU time (user + sys) and peak
RSS, with the load average before each run. On a shared machine the CPU time is the steadier
figure; the runs of the two trees alternate so that both see the same load. Each tree runs with a
bytecode cache of its own, as an installed SYC Gestion (a shell with PYTHONDONTWRITEBYTECODE=1
would recompile every module in every run: about a second on ten years' command here), made by a
first run that is not counted. Target: ≤ 5 s, ≤ 300 MB. Not a test: prints its figures.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_sales  # noqa: E402


def run(tree: Path, book: Path, env: dict[str, str] | None = None) -> tuple[float, float, int, bool]:
    """(wall s, user+sys s, peak RSS MB, verified clean) of one `syc verifier`."""
    # this Python (its libraries), the tree's own code: `-m` puts the working directory first on the path
    p = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "pyxl.cli", "verifier", "--book", str(book),
                        "--json"], capture_output=True, text=True, cwd=tree, env=env)
    err = p.stderr

    def field(name: str) -> str:
        m = re.search(rf"{re.escape(name)}: (.*)", err)
        return m.group(1).strip() if m else "0"

    parts = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(x * 60 ** i for i, x in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return wall, cpu, int(field("Maximum resident set size (kbytes)")) // 1024, p.returncode == 0 and '"ok": true' in p.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--other", type=Path, default=None, help="another worktree to alternate with (run by this Python)")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "syc-gestion")
    args = ap.parse_args(argv)
    cache = bench_sales.cache_folder(args.cache, 10, 1.0)
    bench_sales.ensure_book(cache, 10, 1.0)
    trees = [("branche", HERE.parent)] + ([("autre", args.other.resolve())] if args.other else [])
    figures: dict[str, list[tuple[float, float, int, bool]]] = {name: [] for name, _ in trees}
    import bench_store

    with tempfile.TemporaryDirectory() as tmp:
        # each tree with its bytecode cache, as an installed SYC Gestion (bench_store.child_env), made
        # by a first run not counted
        envs = {name: bench_store.child_env(Path(tmp) / name, True) for name, _ in trees}
        for name, tree in trees:
            run(tree, bench_sales.fresh_copy(cache, Path(tmp) / "run"), envs[name])
        for i in range(args.runs):
            for name, tree in (trees if i % 2 == 0 else trees[::-1]):
                book = bench_sales.fresh_copy(cache, Path(tmp) / "run")
                load = os.getloadavg()[0]
                f = run(tree, book, envs[name])
                figures[name].append(f)
                print(f"run {i + 1} {name} ({tree}) : {f[0]:.2f} s, CPU {f[1]:.2f} s, {f[2]} Mo, ok={f[3]}, "
                      f"charge {load:.2f}", flush=True)
    for name, tree in trees:
        walls, cpus, peaks = ([f[k] for f in figures[name]] for k in range(3))
        print(f"{name} ({tree}) : médiane {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), "
              f"CPU médiane {statistics.median(cpus):.2f} s (min {min(cpus):.2f}), pic {max(peaks)} Mo")
    print(f"charge après : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
