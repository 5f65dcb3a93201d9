"""One writer of the PostgreSQL concurrency test and benchmark, as its own process:

    python tests/pg_worker.py URL ROLE SECONDS DAY ORDER [ORDER…]

ROLE « mixte »: invoices (a 1 % deposit of one of the ORDERs, created and issued in one action),
payments (1,00 € on an open invoice) and quotes in turn; « factures »: invoices only. Runs the
services as `syc` does (closures of past days, one transaction per action) for SECONDS, then prints
one JSON line: what it committed, what was refused, the time it waited for and held the writers' lock.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any

from pyxl.core.issues import Refused
from pyxl.services import closures, invoices, payments, quotes
from pyxl.workbook.pgstore import PostgresStore


def act(store: PostgresStore, service: Any, day: dt.date) -> Any:
    with store.session():
        now = dt.datetime.now()  # under the lock, as `syc` does: the journal's times follow its order
        result = service(store)
        made = closures.pending(store, result.changes, day, now)
        store.apply(result.changes, as_of=day, now=now)
    if made:
        closures.write_files(store.path, made)
    return result


def main(argv: list[str]) -> int:
    url, role, seconds, day_text, *orders = argv
    day = dt.date.fromisoformat(day_text)
    store = PostgresStore(url)
    done: dict[str, list[str]] = {"factures": [], "reglements": [], "devis": []}
    refused: dict[str, int] = {}
    t0 = time.perf_counter()
    i = 0
    exhausted: set[str] = set()
    while time.perf_counter() - t0 < float(seconds):
        kind = "factures" if role == "factures" else ("factures", "reglements", "devis")[i % 3]
        i += 1
        try:
            if kind == "factures":
                open_orders = [o for o in orders if o not in exhausted]
                if not open_orders:
                    break
                order = open_orders[i % len(open_orders)]

                def deposit_issued(s: Any, order: str = order) -> Any:
                    draft = invoices.create_deposit(s, order, "1", day)
                    s.apply(draft.changes, as_of=day)
                    return invoices.issue(s, draft.data["reference"], day)

                try:
                    done[kind].append(str(act(store, deposit_issued, day).data["numero"]))
                except Refused as exc:
                    if any(e.code.startswith("acompte") or "100" in e.message for e in exc.issues):
                        exhausted.add(order)
                    raise
            elif kind == "reglements":
                def pay(s: Any) -> Any:
                    found = s.conn.execute(
                        'SELECT number FROM "tFactures" WHERE number IS NOT NULL AND paid IS DISTINCT FROM total_ttc '
                        "ORDER BY random() LIMIT 1").fetchone()
                    if found is None:
                        raise Refused([])
                    return payments.record_payment(s, found[0], "1,00", "virement", day)

                done[kind].append(str(act(store, pay, day).data.get("id") or "?"))
            else:
                given = quotes.QuoteInput(client="C00002", lines=["MO-H:1"], nature="depannage")
                done[kind].append(str(act(store, lambda s, g=given: quotes.create_quote(s, g, day), day).data["numero"]))
        except Refused as exc:
            code = exc.issues[0].code if exc.issues else "rien"
            refused[code] = refused.get(code, 0) + 1
    elapsed = time.perf_counter() - t0
    print(json.dumps({"role": role, "done": done, "refused": refused, "elapsed": elapsed,
                      "lock_wait": store.lock_wait, "lock_held": store.lock_held}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
