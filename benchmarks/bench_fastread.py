#!/usr/bin/env python3
"""Benchmark of `pyxl.workbook.fastread` against a full python-calamine read of a big sheet.

    . .venv/bin/activate
    python benchmarks/bench_fastread.py              # 40 000 rows × 16 columns, 7 runs of each measure
    python benchmarks/bench_fastread.py --rows 100000 --runs 3 --keep

Builds, with `pyxl.excel.builder.build`, a workbook holding one 16-column table of invoice-like
lines (XlsxWriter: every text a shared string), then a copy whose text cells are inline strings
(as the FileStore writes them). For each, measures in this process (the zip in the OS cache):

  calamine    CalamineWorkbook.from_path + get_sheet_by_name + to_python(skip_empty_area=False)
  read        the decompression of the sheet part alone: the floor of any reader
  key 1       fastread.rows_with_key of one document (a few lines in the middle of the table)
  key 3       fastread.rows_with_key of three documents (one of them absent)
  tail 5      fastread.tail_rows(5)

each with a fresh `ooxml.Package` (its opening, a few ms, included). Before timing, it checks
that fastread gives calamine's rows (dates compared as serial numbers). Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from lxml import etree  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from pyxl.excel.builder import build  # noqa: E402
from pyxl.workbook import fastread, ooxml  # noqa: E402
from pyxl.workbook.schema import SCHEMA, Column, Kind, Table  # noqa: E402

T_BIG = Table(
    name="tLignesBench",
    sheet="Lignes (bench)",
    columns=(
        Column("piece", "Pièce"), Column("n", "N° ligne", Kind.INT), Column("date", "Date", Kind.DATE),
        Column("client", "Client"), Column("article", "Article"), Column("designation", "Désignation"),
        Column("unit", "Unité"), Column("qty", "Quantité", Kind.DECIMAL), Column("unit_price", "PU HT", Kind.MONEY),
        Column("discount", "Remise %", Kind.RATE), Column("vat_rate", "TVA %", Kind.RATE),
        Column("total", "Total HT", Kind.MONEY), Column("family", "Famille"), Column("account", "Compte"),
        Column("status", "Statut"), Column("notes", "Remarques"),
    ),
)
WORDS = ("chaudière", "condensation", "radiateur", "vanne", "thermostatique", "circulateur", "ballon", "pompe",
         "à chaleur", "entretien", "annuel", "remplacement", "joint", "brûleur", "gaz", "raccord", "cuivre")


def lines(n: int, seed: int = 2026) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    piece = k = 0
    while len(out) < n:
        if k == 0 or rnd.random() < 0.15:
            piece, k = piece + 1, 0
        k += 1
        qty = Decimal(rnd.randint(1, 8))
        pu = Decimal(rnd.randint(100, 500_000)) / 100
        out.append({
            "piece": f"F{2016 + piece * 10 // (n // 7 + 1)}-{piece:05d}", "n": k,
            "date": dt.date(2016, 1, 4) + dt.timedelta(days=piece * 3650 // (n // 7 + 1)),
            "client": f"C{rnd.randint(1, 5000):05d}", "article": f"A{rnd.randint(1, 2000):05d}",
            "designation": " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6))).capitalize(),
            "unit": rnd.choice(("u", "h", "forfait", "m")), "qty": qty, "unit_price": pu, "discount": Decimal(0),
            "vat_rate": Decimal(rnd.choice(("20", "10", "5.5"))), "total": (qty * pu).quantize(Decimal("0.01")),
            "family": rnd.choice(("Matériel", "Main-d'œuvre", "Déplacement")), "account": "706000",
            "status": rnd.choice(("Émise", "Payée")), "notes": "à revoir" if rnd.random() < 0.05 else "",
        })
    return out


def inline_copy(src: Path, dst: Path, part: str) -> None:
    """The workbook with the sheet's shared strings written inline, as the FileStore writes text."""
    with zipfile.ZipFile(src) as z:
        sst = etree.fromstring(z.read("xl/sharedStrings.xml"))
        texts = ["".join(si.itertext()) for si in sst]
        sheet = z.read(part)

        def inline(m: re.Match[bytes]) -> bytes:
            text = ooxml.encode_text(texts[int(m.group(3))])
            return m.group(1) + b't="inlineStr"' + m.group(2) + b"><is><t>" + text.encode() + b"</t></is></c>"

        new = re.sub(rb'(<c [^>]*?)t="s"([^>]*)><v>(\d+)</v></c>', inline, sheet)
        with open(dst, "wb") as f:
            ooxml.rewrite(z, f, {part: new})


def serial(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float((v - ooxml.EXCEL_EPOCH).days)
    return v


def check(path: Path, keys: set[str]) -> None:
    """fastread's rows are calamine's rows (dates as serials)."""
    pkg = ooxml.Package(str(path))
    loc = pkg.table(T_BIG.name)
    c1, r1, c2, r2 = loc.ref
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(loc.sheet).to_python(skip_empty_area=False)
    rows = [(n, [serial(v) for v in grid[n - 1][c1 - 1: c2]]) for n in range(r1 + 1, min(r2, len(grid)) + 1)]
    want = [r for r in rows if r[1][0] in keys]
    got = fastread.rows_with_key(pkg, loc, 0, keys)
    assert got == want, (got[:2], want[:2])
    assert fastread.tail_rows(pkg, loc, 5) == rows[-5:]
    pkg.close()


def measure(fn: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=40_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the workbooks (their folder is printed)")
    ap.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    args = ap.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-fastread-"))
    work.mkdir(parents=True, exist_ok=True)
    shared = work / "shared.xlsm"
    t = time.perf_counter()
    data = lines(args.rows)
    build(shared, SCHEMA.with_tables(T_BIG), {T_BIG.name: data})
    pkg = ooxml.Package(str(shared))
    loc = pkg.table(T_BIG.name)
    part = loc.sheet_part
    pkg.close()
    inline = work / "inline.xlsm"
    inline_copy(shared, inline, part)
    print(f"built in {time.perf_counter() - t:.1f} s: {args.rows} rows × {len(T_BIG.columns)} columns, in {work}")

    middle = data[len(data) // 2]["piece"]
    three = {middle, data[len(data) // 3]["piece"], "F2099-99999"}
    print(f"keys: {middle!r} ({sum(r['piece'] == middle for r in data)} lines); "
          f"{sorted(three)!r} ({sum(r['piece'] in three for r in data)} lines)\n")
    print(f"{'workbook':<10}{'sheet XML':>11}  {'measure':<10}{'median':>9}{'min':>9}{'max':>9}")
    for name, path in (("shared", shared), ("inline", inline)):
        check(path, {middle})
        check(path, three)
        with io.BytesIO(path.read_bytes()) as buf, zipfile.ZipFile(buf) as z:
            size = z.getinfo(part).file_size

        def with_pkg(fn: Callable[[ooxml.Package, ooxml.TableLoc], Any], path: Path = path) -> Callable[[], Any]:
            def run() -> Any:
                p = ooxml.Package(str(path))
                try:
                    return fn(p, p.table(T_BIG.name))
                finally:
                    p.close()
            return run

        def calamine(path: Path = path) -> Any:
            return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(T_BIG.sheet).to_python(
                skip_empty_area=False)

        measures: list[tuple[str, Callable[[], Any]]] = [
            ("calamine", calamine),
            ("read", with_pkg(lambda p, loc: p.read(loc.sheet_part))),
            ("key 1", with_pkg(lambda p, loc: fastread.rows_with_key(p, loc, 0, {middle}))),
            ("key 3", with_pkg(lambda p, loc: fastread.rows_with_key(p, loc, 0, three))),
            ("tail 5", with_pkg(lambda p, loc: fastread.tail_rows(p, loc, 5))),
        ]
        for label, fn in measures:
            fn()  # warm up (imports, OS cache)
            times = measure(fn, args.runs)
            print(f"{name:<10}{size / 1e6:>8.1f} MB  {label:<10}{statistics.median(times) * 1000:>7.0f} ms"
                  f"{min(times) * 1000:>7.0f} ms{max(times) * 1000:>7.0f} ms")
    if not args.keep and args.dir is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
