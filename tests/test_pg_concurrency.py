"""Several writers on one PostgreSQL base at once (issue 18), each its own process:

- three processes issuing invoices, recording payments and creating quotes in turn for a while
  (SYC_PG_SECONDES, 6 s in the suite; the benchmark benchmarks/bench_pg.py runs the minute):
  invoice numbers gapless and in issue order, nothing lost (every action a writer was told done is
  in the base), each invoice's « réglé » equal to the sum of its payments, the base verified clean;
- a writer killed (kill -9) in the middle of its transaction, its change set written but not
  committed: nothing of it is in the base, the others go on at once, the base verifies clean.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from test_pgbase import ok

from pyxl.workbook.pgstore import PAUSE_BEFORE_COMMIT

WORKER = Path(__file__).with_name("pg_worker.py")
DAY = "2026-01-06"
SECONDS = os.environ.get("SYC_PG_SECONDES", "6")


def orders(url: str, n: int) -> list[str]:
    """n orders of a business client (no cooling-off), big enough for a hundred 1 % deposits each."""
    out = []
    for _ in range(n):
        q = ok("devis", "creer", "--client", "C00002", "--nature", "installation", "--ligne", "CHG-25:10",
               "--base", url, "--au", DAY)["numero"]
        ok("devis", "accepter", q, "--base", url, "--au", DAY)
        out.append(str(ok("commande", "creer", "--devis", q, "--base", url, "--au", DAY)["numero"]))
    return out


def start(url: str, role: str, seconds: str, numbers: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(WORKER), url, role, seconds, DAY, *numbers],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})


def finish(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return dict(json.loads(out.strip().splitlines()[-1]))


def check_base(db: Any) -> list[str]:
    """The invariants; returns the invoice numbers in issue order."""
    store = db.store("syc_directrice")
    journal = [e for e in store.journal() if e.table == "tFactures"]
    issued = [e.ref for e in journal]
    numbers = sorted(str(r["number"]) for r in store.rows("tFactures") if r["number"])
    # gapless, in the order they were issued (the journal's), none twice
    assert numbers == [f"F2026-{n:05d}" for n in range(1, len(numbers) + 1)]
    assert issued == numbers
    assert [e.timestamp for e in journal] == sorted(e.timestamp for e in journal)
    # each invoice's paid amount is the sum of its payments
    paid: Counter[str] = Counter()
    for r in store.rows("tReglements"):
        paid[str(r["invoice"])] += r["amount"]
    for r in store.rows("tFactures"):
        if r["number"]:
            assert (r["paid"] or Decimal(0)) == paid.get(str(r["number"]), Decimal(0)), r["number"]
    assert store.verify() == []
    return issued


def test_three_writers_at_once_lose_nothing_and_keep_the_numbering(base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    url = db.url()
    numbers = orders(url, 3)
    logins = ["syc_assistante", "syc_gestion", "syc_assistante"]
    procs = [start(db.url(login), "mixte", SECONDS, numbers) for login in logins]
    results = [finish(p) for p in procs]
    issued = check_base(db)
    told = {k: sorted(x for r in results for x in r["done"][k]) for k in ("factures", "reglements", "devis")}
    assert sorted(issued) == told["factures"] and len(issued) >= 3  # every issue told done is there
    store = db.store()
    assert len(store.rows("tReglements")) == len(told["reglements"])
    quotes = {str(r["number"]) for r in store.rows("tDevis")}
    assert set(told["devis"]) <= quotes and len(quotes) == len(told["devis"]) + 3
    # who wrote what: each login stamped on the rows it wrote
    writers = {str(r.writer).split(",")[0] for r in store.rows("tDevis")}
    assert {"syc_assistante", "syc_gestion"} <= writers
    assert all(r["refused"].get("store.locked", 0) == 0 for r in results)
    assert ok("base", "verifier", "--base", url, "--au", DAY)["pieces"] >= len(issued)


def test_a_writer_killed_in_its_transaction_leaves_nothing_half_done(base: Any, demo_bytes: bytes) -> None:
    db = base(demo_bytes)
    numbers = orders(db.url(), 1)
    ok("facture", "acompte", "--commande", numbers[0], "--pourcentage", "1", "--emettre", "--base", db.url(),
       "--au", DAY)
    before = db.state()[0]
    victim = start(db.url("syc_gestion"), "factures", "30", numbers, **{PAUSE_BEFORE_COMMIT: "30"})
    # wait until it holds the writers' lock inside its transaction, its change set written
    deadline = time.monotonic() + 60
    with psycopg.connect(db.owner_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            held = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = "
                "'advisory' AND l.granted AND a.usename = 'syc_gestion' AND a.state = 'idle in transaction' "
                "AND a.datname = current_database()").fetchone()[0]
            if held:
                break
            time.sleep(0.05)
        assert held, "the writer never reached its pause"
        time.sleep(0.3)
        written = conn.execute('SELECT count(*) FROM "tFactures"').fetchone()[0]
        assert written == len(before["tFactures"])  # not visible before the commit
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    # the others go on at once: the lock went with the dead connection
    t0 = time.monotonic()
    second = ok("facture", "acompte", "--commande", numbers[0], "--pourcentage", "1", "--emettre",
                "--base", db.url(), "--au", DAY)
    assert time.monotonic() - t0 < 20
    assert second["numero"] == "F2026-00002"  # the killed writer's number was never given
    after = db.state()[0]
    assert len(after["tFactures"]) == len(before["tFactures"]) + 1
    assert len(after["tJournalAudit"]) == len(before["tJournalAudit"]) + 1
    check_base(db)
