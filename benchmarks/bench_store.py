#!/usr/bin/env python3
"""Benchmark of the zip-level FileStore on a synthetic "ten-year" workbook (~100 000 table rows).

    . .venv/bin/activate
    python benchmarks/bench_store.py                 # 7 runs of each measure
    python benchmarks/bench_store.py --runs 3 --keep # faster; keep the workbook (path printed)

Builds SYC_Gestion.xlsm with the real schema plus one big "lines"-like test table (10 columns),
90 000 lines + 5 000 clients + 2 000 articles + 3 000 journal rows by default, then measures, each
in a fresh (cold) child process, wall time and peak memory (ru_maxrss from wait4):

  (a) `syc client ajouter …`: one row written end to end by the command users run   target ≤ 1 s
  (b) one row appended to the big table (FileStore.apply, python -c): the worst case
  (c) openpyxl load_workbook(keep_vba=True) + save of the same file               target ≥ 10 × (a)
  (d) python-calamine reading every sheet (to_python)
  (e) FileStore.rows() of every table, typed (what a full check reads)
  (f) `syc verifier` (journal chain and every table of the real schema)
  (g) one document issued through the audit chain (FileStore.apply + issue, python -c): its lines
      table is the big one, so fingerprinting reads and types all of it
  (h) FileStore.verify() with the bench schema (journal, documents and the 90 000 lines)
peak memory of every child                                                     target ≤ 1 GB

Not a test: prints a table of figures (and --json FILE writes them). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from pyxl.workbook.schema import SCHEMA, AuditSpec, Column, Kind, Table  # noqa: E402

# --------------------------------------------------------------------------- the synthetic schema
T_BIG = Table(
    name="tLignesBench",
    sheet="Lignes (bench)",
    title="Lignes de pièces synthétiques pour le banc d'essai.",
    columns=(
        Column("piece", "Pièce", required=True, width=14),
        Column("n", "N° ligne", Kind.INT, width=8),
        Column("date", "Date", Kind.DATE, width=12),
        Column("article", "Article", width=12),
        Column("designation", "Désignation", width=44, max_len=200),
        Column("qty", "Quantité", Kind.DECIMAL, width=10),
        Column("unit_price", "PU HT", Kind.MONEY, width=13),
        Column("vat_rate", "TVA %", Kind.RATE, width=8),
        Column("total", "Total HT", Kind.MONEY, width=13),
        Column("notes", "Remarques", width=30, max_len=500),
    ),
)
# An audited documents table whose lines are the big table, left empty: issuing one document in it
# shows what the audit chain costs on a ten-year lines table (the sales chain will be built so).
T_DOCS = Table(
    name="tPiecesBench",
    sheet="Pièces (bench)",
    title="Pièces synthétiques pour le banc d'essai (lignes : tLignesBench).",
    key="piece",
    columns=(
        Column("piece", "Pièce", required=True, width=14),
        Column("date", "Date", Kind.DATE, width=12),
        Column("client", "Client", width=12),
        Column("total", "Total HT", Kind.MONEY, width=13),
        Column("status", "Statut", Kind.CHOICE, width=12, choices=("Brouillon", "Émise", "Payée")),
        Column("paid", "Montant réglé", Kind.MONEY, width=13),
    ),
    audit=AuditSpec(key="piece", immutable=("piece", "date", "client", "total"), issued_column="status",
                    issued_values=("Émise", "Payée"), date_column="date", lines_table="tLignesBench",
                    lines_key="piece", lines_immutable=("article", "designation", "qty", "unit_price", "vat_rate",
                                                        "total")),
)
BENCH_SCHEMA = SCHEMA.with_tables(T_BIG, T_DOCS)

FAMILIES = ("Matériel", "Main-d'œuvre", "Déplacement", "Service")
CATEGORIES = ("Chaudière gaz", "PAC", "Radiateur", "Pièce", "Régulation", "Ballon ECS", "Autre")
WORDS = ("chaudière", "condensation", "radiateur", "vanne", "thermostatique", "circulateur", "ballon",
         "pompe", "à chaleur", "entretien", "annuel", "remplacement", "joint", "brûleur", "gaz", "fioul",
         "raccord", "cuivre", "purgeur", "vase", "d'expansion", "régulation", "sonde", "extérieure")
CITIES = (("69001", "Lyon"), ("69100", "Villeurbanne"), ("38000", "Grenoble"), ("42000", "Saint-Étienne"),
          ("01000", "Bourg-en-Bresse"), ("73000", "Chambéry"), ("26000", "Valence"), ("71000", "Mâcon"))


def synthetic_rows(n_lines: int, n_clients: int, n_articles: int, n_journal: int,
                   seed: int = 2026) -> dict[str, list[dict[str, Any]]]:
    from pyxl.core import audit

    rnd = random.Random(seed)

    def words(k: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(k)).capitalize()

    clients = []
    for i in range(1, n_clients + 1):
        cp, city = rnd.choice(CITIES)
        pro = rnd.random() < 0.2
        clients.append({
            "code": f"C{i:05d}", "kind": "Professionnel" if pro else "Particulier",
            "name": f"{'SARL ' if pro else ''}{words(1)} {i}", "first_name": "" if pro else rnd.choice(
                ("Marie", "Jean", "Luc", "Anne", "Paul")),
            "address": f"{rnd.randint(1, 200)} rue {words(2)}", "postcode": cp, "city": city,
            "country": "France", "phone": f"04 7{rnd.randint(0, 9)} {rnd.randint(10, 99)} {rnd.randint(10, 99)} "
                                          f"{rnd.randint(10, 99)}",
            "email": f"client{i}@example.fr", "category": "Autre" if pro else "",
            "created": dt.date(2016, 1, 1) + dt.timedelta(days=rnd.randint(0, 3650)), "active": "Oui",
            "notes": words(4) if rnd.random() < 0.1 else "",
        })
    articles = []
    for i in range(1, n_articles + 1):
        articles.append({
            "code": f"A{i:05d}", "designation": words(4), "unit": rnd.choice(("u", "h", "forfait", "m")),
            "unit_price": Decimal(rnd.randint(100, 500_000)) / 100, "vat_rate": Decimal(rnd.choice(("20", "10",
                                                                                                  "5.5"))),
            "purchase_price": Decimal(rnd.randint(50, 300_000)) / 100, "family": rnd.choice(FAMILIES),
            "category": rnd.choice(CATEGORIES), "active": "Oui",
        })
    lines = []
    start = dt.date(2016, 1, 4)
    piece = 0
    n = 0
    while len(lines) < n_lines:
        if n == 0 or rnd.random() < 0.15:
            piece += 1
            n = 0
            day = start + dt.timedelta(days=piece * 3650 // max(n_lines // 7, 1))
        n += 1
        qty = Decimal(rnd.choice((1, 1, 1, 2, 3, 4))) if rnd.random() < 0.8 else Decimal(rnd.randint(1, 40)) / 4
        pu = Decimal(rnd.randint(100, 500_000)) / 100
        lines.append({
            "piece": f"F{day.year}-{piece:05d}", "n": n, "date": day, "article": f"A{rnd.randint(1, n_articles):05d}",
            "designation": words(rnd.randint(2, 6)), "qty": qty, "unit_price": pu,
            "vat_rate": Decimal(rnd.choice(("20", "10", "5.5"))), "total": (qty * pu).quantize(Decimal("0.01")),
            "notes": words(3) if rnd.random() < 0.05 else "",
        })
    journal = []
    prev = None
    for i in range(1, n_journal + 1):
        day = start + dt.timedelta(days=i * 3650 // n_journal)
        ref = f"F{day.year}-{i:05d}"
        prev = audit.next_entry(prev, f"{day.isoformat()}T10:00:00", day, "Émission facture", "tFactures", ref,
                                audit.document_hash("tFactures", ref, {"ref": ref}, ("ref",)))
        journal.append({k: getattr(prev, k) for k in ("seq", "timestamp", "as_of", "action", "table", "ref",
                                                      "doc_hash", "prev_hash", "hash")})
    return {
        "tClients": clients,
        "tArticles": articles,
        "tSecteurs": [{"prefix": cp[:2], "sector": city} for cp, city in CITIES],
        "tCompteurs": [{"series": "Client", "year": None, "last": n_clients}],
        "tJournalAudit": journal,
        "tLignesBench": lines,
    }


# --------------------------------------------------------------------------- child-side actions
def append_one(path: str) -> None:
    """Run in the child of measure (b): append one row to the big table."""
    from pyxl.workbook.filestore import ChangeSet, FileStore

    cs = ChangeSet()
    cs.append("tLignesBench", {"piece": "F2026-99999", "n": 1, "date": dt.date(2026, 3, 1), "article": "A00001",
                               "designation": "Ligne ajoutée par le banc d'essai", "qty": Decimal("1"),
                               "unit_price": Decimal("12.5"), "vat_rate": Decimal("20"),
                               "total": Decimal("12.50"), "notes": ""})
    FileStore(path, BENCH_SCHEMA).apply(cs, as_of=dt.date(2026, 3, 1))


def issue_one(path: str) -> None:
    """Run in the child of measure (g): issue one document (1 row + 2 lines) through the audit chain."""
    from pyxl.workbook.filestore import ChangeSet, FileStore

    store = FileStore(path, BENCH_SCHEMA)
    ref = f"F2026-B{len(store.rows('tPiecesBench')) + 1:04d}"
    cs = ChangeSet()
    cs.append("tPiecesBench", {"piece": ref, "date": dt.date(2026, 3, 1), "client": "C00001",
                               "total": Decimal("112.50"), "status": "Émise"})
    for n, (designation, pu) in enumerate((("Entretien chaudière", "100"), ("Joint", "12.5")), 1):
        cs.append("tLignesBench", {"piece": ref, "n": n, "date": dt.date(2026, 3, 1), "article": "A00001",
                                   "designation": designation, "qty": Decimal("1"), "unit_price": Decimal(pu),
                                   "vat_rate": Decimal("10"), "total": Decimal(pu)})
    cs.issue("tPiecesBench", ref, "Émission facture")
    store.apply(cs, as_of=dt.date(2026, 3, 1))


def verify_all(path: str) -> None:
    """Run in the child of measure (h): FileStore.verify() with the bench schema; must find nothing."""
    from pyxl.workbook.filestore import FileStore

    issues = FileStore(path, BENCH_SCHEMA).verify()
    if issues:
        sys.exit("\n".join(i.message for i in issues[:5]))


def read_typed(path: str) -> None:
    """Run in the child of measure (e): every table read and typed by the FileStore."""
    from pyxl.workbook.filestore import FileStore

    store = FileStore(path, BENCH_SCHEMA)
    n = sum(len(store.rows(t.name)) for t in BENCH_SCHEMA.tables)
    print(n)


CHILD_CALAMINE = """
import sys, python_calamine
wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
n = 0
for name in wb.sheet_names:
    n += len(wb.get_sheet_by_name(name).to_python())
print(n)
"""

CHILD_OPENPYXL = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], keep_vba=True)
wb.save(sys.argv[2])
"""


def _child_code(func: str) -> str:
    return f"import sys; sys.path.insert(0, {str(HERE)!r}); import bench_store; bench_store.{func}(sys.argv[1])"


# --------------------------------------------------------------------------- measuring
@dataclass
class Measure:
    key: str
    label: str
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    target: str = ""
    cpus: list[float] = field(default_factory=list)  # user + system CPU seconds, when recorded

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    def row(self) -> list[str]:
        return [self.key, self.label, f"{self.median:.3f}", f"{min(self.walls):.3f}", f"{max(self.walls):.3f}",
                f"{max(self.rss_kb) / 1024:.0f}", self.target]


def cpu_median(m: Measure) -> str:
    """Median CPU time (user + system) of a measure's runs, as a table cell."""
    return f"{statistics.median(m.cpus):.3f}" if m.cpus else ""


# A tiny launcher between us and each measured process. The kernel carries the peak RSS of the
# memory image a process had *before* exec into its ru_maxrss, and Python starts children with vfork,
# so a child started directly from this (big) process would report our own peak. The launcher is a
# bare interpreter (a few MiB): it forks, execs the command, and reports the child's own wall time
# and peak RSS (wait4) in a file.
LAUNCHER = """
import os, sys, time
out = sys.argv[1]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    f.write(f"{wall} {ru.ru_maxrss} {ru.ru_utime + ru.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


CHILD_ENV: dict[str, str] | None = None  # None: our own environment
LAST_CPU = 0.0  # CPU time (user + system, s) of the last child run by run_child


def child_env(work: Path, bytecode_cache: bool) -> dict[str, str] | None:
    """The environment of the measured processes. An installed SYC Gestion has its .pyc files; a
    checkout run with PYTHONDONTWRITEBYTECODE=1 recompiles every pyxl module in every process (some
    0.1-0.25 s), so by default the children get a bytecode cache of their own in the work folder."""
    if not bytecode_cache:
        return None
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def run_child(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run one cold child process; (wall seconds, its own peak RSS in KiB, stdout). Exits on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        p = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, rss.name, *cmd], cwd=cwd, stdout=out,
                           stderr=err, stdin=subprocess.DEVNULL, check=False, env=CHILD_ENV)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        if p.returncode != 0:
            sys.exit(f"échec de {' '.join(cmd[:4])}… (code {p.returncode}) :\n{stdout}\n{stderr}")
        wall, maxrss, cpu = rss.read().split()
    global LAST_CPU
    LAST_CPU = float(cpu)  # user + system CPU seconds of that child (the machine's load hides in wall time)
    return float(wall), int(maxrss), stdout


def syc_exe() -> str:
    here = Path(sys.executable).parent / "syc"
    return str(here) if here.exists() else (shutil.which("syc") or "syc")


def mib(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} Mo"


def sheet_part_sizes(path: Path) -> dict[str, tuple[int, int]]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: (i.file_size, i.compress_size) for i in z.infolist()
                if i.filename.startswith("xl/worksheets/sheet")}


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 or i == len(cells) - 1 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="runs of each measure (default 7)")
    ap.add_argument("--runs-openpyxl", type=int, default=None, help="runs of (c), slow (default: --runs)")
    ap.add_argument("--lines", type=int, default=90_000)
    ap.add_argument("--clients", type=int, default=5_000)
    ap.add_argument("--articles", type=int, default=2_000)
    ap.add_argument("--journal", type=int, default=3_000)
    ap.add_argument("--dir", type=Path, default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="keep the environment as is (with PYTHONDONTWRITEBYTECODE=1, every child recompiles)")
    args = ap.parse_args(argv)
    runs_openpyxl = args.runs_openpyxl or args.runs

    from pyxl.excel import builder

    work = args.dir or Path(tempfile.mkdtemp(prefix="syc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    book = work / "SYC_Gestion.xlsm"
    try:
        t0 = time.perf_counter()
        rows = synthetic_rows(args.lines, args.clients, args.articles, args.journal)
        t_gen = time.perf_counter() - t0
        n_rows = sum(len(v) for v in rows.values())
        t0 = time.perf_counter()
        builder.build(book, schema=BENCH_SCHEMA, rows=rows)
        t_build = time.perf_counter() - t0
        del rows
        size0 = book.stat().st_size
        print(f"Classeur synthétique / synthetic workbook : {book}")
        print(f"  {n_rows} lignes de tables / table rows ({args.lines} lignes bench, {args.clients} clients, "
              f"{args.articles} articles, {args.journal} journal) ; généré en {t_gen:.1f} s, "
              f"construit (XlsxWriter) en {t_build:.1f} s ; taille {mib(size0)}")
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} CPU, {args.runs} runs "
              f"({runs_openpyxl} pour openpyxl)", flush=True)

        global CHILD_ENV
        CHILD_ENV = child_env(work, not args.no_bytecode_cache)
        py = sys.executable
        syc = syc_exe()
        if CHILD_ENV is not None:  # warm-up, not measured: compile the bytecode once
            run_child([py, "-c", "import pyxl.cli.commands, pyxl.services.clients, pyxl.services.maintenance, "
                                 "pyxl.workbook.filestore, python_calamine, openpyxl, filelock"], work)
        bc = ("cache de bytecode / bytecode cached" if CHILD_ENV is not None
              else f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
        print(f"  processus enfants / children : {bc}\n", flush=True)
        m = {
            "a": Measure("(a)", "syc client ajouter (1 ligne, processus froid)", target="≤ 1 s"),
            "b": Measure("(b)", "ajout d'1 ligne à la grande table (pire cas)"),
            "c": Measure("(c)", "openpyxl load(keep_vba) + save"),
            "d": Measure("(d)", "python-calamine : lecture de tout"),
            "e": Measure("(e)", "FileStore.rows() de toutes les tables (typé)"),
            "f": Measure("(f)", "syc verifier (schéma réel)"),
            "g": Measure("(g)", f"émettre 1 pièce (chaîne d'audit, {args.lines} lignes)"),
            "h": Measure("(h)", f"FileStore.verify() (pièces + {args.lines} lignes)"),
        }
        copy = work / "openpyxl_copie.xlsm"
        for i in range(max(args.runs, runs_openpyxl)):
            if i < args.runs:
                w, r, _ = run_child([syc, "client", "ajouter", "--book", str(book), "--nom", f"Banc {i}",
                                     "--type", "particulier", "--adresse", f"{i} rue du Banc", "--cp", "69001",
                                     "--ville", "Lyon", "--au", "2026-03-01", "--json"], work)
                m["a"].walls.append(w)
                m["a"].rss_kb.append(r)
                w, r, _ = run_child([py, "-c", _child_code("append_one"), str(book)], work)
                m["b"].walls.append(w)
                m["b"].rss_kb.append(r)
                w, r, _ = run_child([py, "-c", CHILD_CALAMINE, str(book)], work)
                m["d"].walls.append(w)
                m["d"].rss_kb.append(r)
                w, r, _ = run_child([py, "-c", _child_code("read_typed"), str(book)], work)
                m["e"].walls.append(w)
                m["e"].rss_kb.append(r)
                w, r, _ = run_child([syc, "verifier", "--book", str(book), "--json"], work)
                m["f"].walls.append(w)
                m["f"].rss_kb.append(r)
                w, r, _ = run_child([py, "-c", _child_code("issue_one"), str(book)], work)
                m["g"].walls.append(w)
                m["g"].rss_kb.append(r)
                w, r, _ = run_child([py, "-c", _child_code("verify_all"), str(book)], work)
                m["h"].walls.append(w)
                m["h"].rss_kb.append(r)
            if i < runs_openpyxl:
                w, r, _ = run_child([py, "-c", CHILD_OPENPYXL, str(book), str(copy)], work)
                m["c"].walls.append(w)
                m["c"].rss_kb.append(r)
            print(f"  run {i + 1} : " + ", ".join(f"{k} {v.walls[-1]:.2f} s" for k, v in m.items()
                                                  if len(v.walls) > i), flush=True)

        ratio = m["c"].median / m["a"].median
        m["c"].target = f"≥ 10 × (a) : {ratio:.1f} ×"
        peak_mb = max(max(v.rss_kb) for v in m.values()) / 1024
        print()
        print(table([v.row() for v in m.values()],
                    ["", "mesure / measure", "médiane s", "min s", "max s", "pic Mo", "cible / target"]))
        print()
        ok_a = m["a"].median <= 1.0
        ok_c = ratio >= 10
        ok_mem = peak_mb <= 1024
        print(f"(a) ≤ 1 s : {'OK' if ok_a else 'NON / MISSED'} ({m['a'].median:.3f} s)")
        print(f"(c) ≥ 10 × (a) : {'OK' if ok_c else 'NON / MISSED'} ({ratio:.1f} ×)")
        print(f"mémoire ≤ 1 Go / memory ≤ 1 GB : {'OK' if ok_mem else 'NON / MISSED'} (pic {peak_mb:.0f} Mo)")
        print()
        size1 = book.stat().st_size
        print(f"Taille du classeur / workbook size : {mib(size0)} au départ, {mib(size1)} après les écritures ; "
              f"copie openpyxl {mib(copy.stat().st_size)}")
        for part, (raw, packed) in sorted(sheet_part_sizes(book).items(), key=lambda kv: -kv[1][0])[:4]:
            print(f"  {part} : {mib(raw)} XML, {mib(packed)} compressé")
        bdir = work / "sauvegardes"
        if bdir.exists():
            files = list(bdir.iterdir())
            print(f"  sauvegardes/ : {len(files)} fichiers, {mib(sum(f.stat().st_size for f in files))}")
        if args.json:
            args.json.write_text(json.dumps({
                "rows": n_rows, "build_s": t_build, "size_bytes": size0,
                "measures": {k: {"label": v.label, "walls_s": v.walls, "median_s": v.median,
                                 "peak_rss_mib": max(v.rss_kb) / 1024} for k, v in m.items()},
                "openpyxl_ratio": ratio,
            }, indent=2, ensure_ascii=False))
        return 0 if (ok_a and ok_c and ok_mem) else 1
    finally:
        if args.keep:
            print(f"\nDossier conservé / kept : {work}")
        elif args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
