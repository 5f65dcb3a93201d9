"""The FEC checker's speed: a generated FEC of 500 000 lines, checked cold (a fresh interpreter,
the file read from disk, every rule on). Target: ≥ 100 000 lines/s. Also prints the memory the
check costs (peak resident set of the checking process, minus the same process before the check).

Before each run the file's pages are dropped from the OS cache (posix_fadvise), so the disk is read.
The file is balanced, numbered per journal and in validation order, with auxiliary accounts on 411,
lettering on part of the lines and fiscal-year bounds given, so that no rule is skipped for want of
data; a handful of breaches are planted so that the report path runs too.

usage: python benchmarks/bench_fec.py [--lignes 500000] [--fichier /tmp/…FEC….txt] [--runs 3]"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
          "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise")


def generate(path: Path, lines: int, seed: int = 15) -> int:
    """Write a FEC of about `lines` data lines; returns the exact count."""
    rnd = random.Random(seed)
    journals = [("VE", "Ventes"), ("BQ", "Banque"), ("CA", "Caisse"), ("OD", "Opérations diverses")]
    numbers = dict.fromkeys((j for j, _ in journals), 0)
    out = [HEADER]
    n = 0
    day = 0
    import datetime as dt

    first = dt.date(2026, 1, 1)
    while n < lines:
        day = min(364, day + (1 if rnd.random() < 0.003 else 0))
        date = (first + dt.timedelta(days=day)).strftime("%Y%m%d")
        code, label = journals[rnd.randrange(4)]
        numbers[code] += 1
        num = f"{code}{numbers[code]:06d}"
        client = f"C{rnd.randrange(1, 5000):05d}"
        ref = f"F2026-{rnd.randrange(1, 99999):05d}"
        ht = rnd.randrange(1000, 500000)
        vat = ht * 20 // 100
        let, dlet = ("", "") if rnd.random() < 0.6 else (f"A{rnd.randrange(1, 999)}", date)
        common = f"{code}\t{label}\t{num}\t{date}\t"
        tail = f"\t{date}\t"
        valid = date
        out.append(f"{common}411000\tClients\t{client}\tClient {client} SARL\t{ref}{tail}Facture {ref} client\t"
                   f"{(ht + vat) // 100},{(ht + vat) % 100:02d}\t0,00\t{let}\t{dlet}\t{valid}\t\t")
        out.append(f"{common}706000\tPrestations de services\t\t\t{ref}{tail}Facture {ref} client\t0,00\t"
                   f"{ht // 100},{ht % 100:02d}\t\t\t{valid}\t\t")
        out.append(f"{common}445710\tTVA collectée\t\t\t{ref}{tail}Facture {ref} client\t0,00\t"
                   f"{vat // 100},{vat % 100:02d}\t\t\t{valid}\t\t")
        n += 3
    # a few planted breaches: an unbalanced entry, a bad date, an empty label
    out[10] = out[10].replace("\t0,00\t", "\t0,01\t", 1)
    out[20] = out[20].replace("2026", "2O26", 1)
    out[30] = out[30].replace("Prestations de services", "")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return n


CHILD = """
import sys, time, json, datetime as dt
def hwm():  # peak resident set of this process (VmHWM starts again at exec, unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
t0 = time.perf_counter()
from pyxl.core.fec import check_fec
base = hwm()
t1 = time.perf_counter()
r = check_fec(sys.argv[1], fiscal_start=dt.date(2026, 1, 1), fiscal_end=dt.date(2026, 12, 31))
t2 = time.perf_counter()
peak = hwm()
print(json.dumps({"import_s": t1 - t0, "check_s": t2 - t1, "lines": r.lines, "entries": r.entries,
                  "base_kib": base, "peak_kib": peak, "counts": r.counts}))
"""


def _evict(path: Path) -> None:
    """Drop the file's pages from the OS cache (this file only), so that the check reads the disk."""
    import os

    with open(path, "rb") as f:
        os.fsync(f.fileno())
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _n(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lignes", type=int, default=500_000)
    ap.add_argument("--fichier", default="/tmp/bench_fec/732829320FEC20261231.txt")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    path = Path(a.fichier)
    path.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    lines = generate(path, a.lignes)
    print(f"Fichier : {path} ({lines} lignes, {path.stat().st_size / 1e6:.1f} Mo), généré en "
          f"{time.perf_counter() - t:.1f} s")
    results = []
    for _ in range(a.runs):
        _evict(path)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        r = json.loads(proc.stdout)
        r["wall_s"] = wall
        results.append(r)
        print(f"  vérification {r['check_s']:.2f} s (import {r['import_s']:.2f} s, processus {wall:.2f} s) : "
              f"{_n(r['lines'] / r['check_s'])} lignes/s, {_n(r['lines'] / wall)} lignes/s processus compris ; "
              f"mémoire : {(r['peak_kib'] - r['base_kib']) / 1024:.0f} Mo de plus pendant la vérification "
              f"(pic du processus {r['peak_kib'] / 1024:.0f} Mo)")
    best = statistics.median(r["check_s"] for r in results)
    wall = statistics.median(r["wall_s"] for r in results)
    print(f"Médiane : {_n(lines / best)} lignes/s (vérification), {_n(lines / wall)} lignes/s (processus entier, "
          f"démarrage de Python compris) ; objectif ≥ 100 000.")
    print("Constats :", results[-1]["counts"])


if __name__ == "__main__":
    main()
