"""The Python side of an Excel click on Linux: the command xlwings' RunPython runs, cold, N times.

RunPython (standalone module, Windows) runs
    <Interpreter_Win> -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(\\"…\\"); import pyxl.macros as m; m.f(…)" --wb=… --from_xl=1 …
The action itself needs Excel; this measures everything before it: interpreter start, xlwings,
pyxl.macros and the modules of the « Vérifier » action (`pyxl.excel.forms`, the ExcelStore).
  * before: Interpreter_Win = python (xlwings imports pandas, matplotlib… when installed);
  * after: Interpreter_Win = syc-python (`pyxl.excel.click`: the same, with the import mask);
  * tableau de bord: syc-python running the dashboard's command (no mask: it draws charts).
Target: median ≤ 0,5 s for the clicks other than the dashboard.
usage: python benchmarks/bench_click.py [--runs 7]"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BOOK = "/tmp/SYC_Gestion.xlsm"
PREFIX = f'import xlwings.utils;xlwings.utils.prepare_sys_path("true;{BOOK};{BOOK};;;;"); '
CLICK = PREFIX + "import pyxl.macros as m; import pyxl.excel.forms, pyxl.workbook.excelstore"
DASHBOARD = PREFIX + "import pyxl.macros as m; 0 and m.actualiser_tableau_de_bord('', 0); import pyxl.excel.dashboard"
XL_ARGS = ["--wb=SYC_Gestion.xlsm", "--from_xl=1"]


def syc_python() -> list[str]:
    script = Path(sys.executable).with_name("syc-python")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pyxl.excel.click"]


def timed(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    return out


def top_imports(args: list[str], n: int = 8) -> list[tuple[str, float]]:
    """`python -X importtime <args>`: per top-level package, its costliest import (cumulative, in
    seconds; nested: xlwings includes the pandas it imports)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=True)
    costs: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.split(":", 1)[1].split("|") if line.startswith("import time:") else []
        if len(parts) == 3 and parts[1].strip().isdigit():
            root = parts[2].strip().split(".")[0]
            costs[root] = max(costs.get(root, 0.0), int(parts[1]) / 1e6)
    return sorted(costs.items(), key=lambda kv: -kv[1])[:n]


def fmt(seconds: float) -> str:
    return f"{seconds:.3f}".replace(".", ",")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    cases = [
        ("avant (python)", [sys.executable, "-B", "-c", CLICK, *XL_ARGS]),
        ("après (syc-python)", [*syc_python(), "-B", "-c", CLICK, *XL_ARGS]),
        ("tableau de bord (syc-python)", [*syc_python(), "-B", "-c", DASHBOARD, *XL_ARGS]),
    ]
    load = os.getloadavg()
    print(f"# benchmarks/bench_click.py, {time.strftime('%Y-%m-%d')}, {a.runs} lancements à froid, "
          f"{os.cpu_count()} cœurs, charge {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'clic':30}  médiane      min      max  (s)")
    for label, cmd in cases:
        t = timed(cmd, a.runs)
        print(f"{label:30}  {fmt(statistics.median(t)):>7}  {fmt(min(t)):>7}  {fmt(max(t)):>7}")
    load = os.getloadavg()
    print(f"charge après : {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    cached = any((Path(__file__).resolve().parents[1] / "pyxl" / "__pycache__").glob("*.pyc"))
    print("bytecode de pyxl : " + ("en cache" if cached else "absent (sources compilées à chaque lancement, "
                                   "comme avec PYTHONDONTWRITEBYTECODE)"))
    for label, args in (("avant", ["-B", "-c", CLICK]), ("après", ["-m", "pyxl.excel.click", "-B", "-c", CLICK])):
        print(f"\nimports les plus coûteux, {label} (-X importtime, cumulé par paquet) :")
        for name, cost in top_imports([*args, *XL_ARGS]):
            print(f"  {name:40} {fmt(cost)} s")


if __name__ == "__main__":
    main()
