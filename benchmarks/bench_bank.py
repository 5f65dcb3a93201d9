"""Bank statements: parse and match a 2 000-line CAMT.053 and a 2 000-line CSV (Crédit Agricole
layout, Windows-1252) against 3 000 open items, the core only (no store: the import's writing is
measured by the command's own benchmark). Each figure is the median of N runs in one process;
« froid » is the first run (lxml and the readers loaded then).
Target (issue 14): the whole import ≤ 5 s per file, writing included; the core well under 1 s.
usage: python benchmarks/bench_bank.py [--runs 5] [--lines 2000] [--items 3000]"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import TypeVar

from pyxl.core.bank import ExpectedItem, ItemKind, all_lines, identities, match, new_lines, parse

T = TypeVar("T")
NAMES = ["Dupont Jean", "Lefèvre Chauffage SARL", "Hélène Garçon", "Bœuf Frédéric", "Martin Paul", "Éric Noël",
         "Durand Sophie", "Petit Gérard", "Moreau Cécile", "Laurent Rémi"]


def make_items(n: int, rng: random.Random) -> list[ExpectedItem]:
    out = []
    for k in range(1, n + 1):
        client = k % 800
        kind = ItemKind.INVOICE if k % 10 else ItemKind.PENALTY_NOTE
        prefix = "FA" if kind is ItemKind.INVOICE else "NP"
        out.append(ExpectedItem(
            kind, f"{prefix}2026-{k:04d}", Decimal(rng.randint(5000, 500000)) / 100, f"C{client:05d}",
            f"{NAMES[client % len(NAMES)]} {client}", due_date=date(2026, 1, 1) + timedelta(days=k % 330)))
    out += [ExpectedItem(ItemKind.DEPOSIT_SLIP, f"BR2026-{k:04d}", Decimal(rng.randint(10000, 900000)) / 100)
            for k in range(1, 40)]
    return out


def line_specs(n: int, items: list[ExpectedItem], rng: random.Random) -> list[tuple[date, Decimal, str]]:
    """Half paying an open item (number in the label for half of those), a quarter other credits,
    a quarter debits; two identical cheques now and then."""
    out = []
    for k in range(n):
        day = date(2026, 1, 2) + timedelta(days=k * 360 // n)
        r = k % 4
        if r < 2:
            it = items[rng.randrange(len(items))]
            label = f"VIR SEPA {it.client_name.upper()} " + (f"FACTURE {it.number}" if k % 4 == 0 else "RÈGLEMENT")
            out.append((day, it.amount, label))
        elif r == 2:
            out.append((day, Decimal(rng.randint(100, 99999)) / 100, f"VIR RECU DIVERS {k}"))
        else:
            amount = Decimal(-rng.randint(100, 99999)) / 100
            out.append((day, amount, "CHEQUE 1187654" if k % 40 == 3 else f"PRLV SEPA ÉLECTRICITÉ {k}"))
            if k % 40 == 3:
                out.append((day, amount, "CHEQUE 1187654"))
    return out[:n]


def camt(specs: list[tuple[date, Decimal, str]]) -> bytes:
    entries = []
    for k, (day, amount, label) in enumerate(specs):
        ind = "CRDT" if amount > 0 else "DBIT"
        entries.append(
            f"<Ntry><NtryRef>{k}</NtryRef><Amt Ccy=\"EUR\">{abs(amount)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>"
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>R{k:08d}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>{label}</Ustrd></RmtInf>"
            f"</TxDtls></NtryDtls><AddtlNtryInf>VIREMENT</AddtlNtryInf></Ntry>\n")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>B</MsgId><CreDtTm>2026-12-31T20:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id>"
        "<Acct><Id><IBAN>FR7630004000031234567890143</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + "".join(entries) + "</Stmt></BkToCstmrStmt></Document>\n").encode("utf-8")


def csv(specs: list[tuple[date, Decimal, str]]) -> bytes:
    rows = ["Téléchargement du 31/12/2026;", "", "Compte courant n° 62734091867;", "",
            "Date;Libellé;Débit Euros;Crédit Euros;"]
    for day, amount, label in specs:
        value = f"{abs(amount):.2f}".replace(".", ",")
        debit, credit = (value, "") if amount < 0 else ("", value)
        rows.append(f'{day:%d/%m/%Y};"{label} \n{label[:12]}\n";{debit};{credit};')
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def timed(fn: Callable[[], T], runs: int) -> tuple[float, float, T]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times[0], statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--items", type=int, default=3000)
    args = ap.parse_args()
    rng = random.Random(14)
    items = make_items(args.items, rng)
    specs = line_specs(args.lines, items, rng)
    print(f"{len(specs)} lignes de relevé, {len(items)} pièces attendues, {args.runs} passes (médiane)")
    for name, data in (("CAMT.053 .001.08", camt(specs)), ("CSV Crédit Agricole", csv(specs))):
        cold, hot, stmts = timed(partial(parse, data, name), args.runs)
        lines = all_lines(stmts)
        _, ident, ids = timed(partial(identities, lines), args.runs)
        _, dedup, _ = timed(partial(new_lines, lines, set(ids)), args.runs)
        mcold, mhot, r = timed(partial(match, lines, items), args.runs)
        print(f"{name:22} {len(data) / 1e6:5.2f} Mo  lecture {cold:6.3f} s (froid) {hot:6.3f} s"
              f" | identités {ident:6.3f} s | dédoublonnage {dedup:6.3f} s"
              f" | rapprochement {mcold:6.3f} s (froid) {mhot:6.3f} s"
              f" | total {hot + ident + mhot:6.3f} s")
        print(f"{'':22} {len(lines)} lignes : {len(r.exact)} exactes, {len(r.proposed)} proposées, "
              f"{len(r.ambiguous)} ambiguës, {len(r.unmatched_lines)} sans pièce ; "
              f"{len(r.unmatched_items)} pièces sans ligne")


if __name__ == "__main__":
    main()
