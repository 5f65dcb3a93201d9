#!/usr/bin/env python3
"""What a user sees of the documents and the report, written to a folder, to compare two checkouts.

    python benchmarks/docs_identical.py prepare DOSSIER      # the demo book and a few more actions
    SYC_ROOT=/chemin/checkout python benchmarks/docs_identical.py capture LIVRE SORTIE
    python benchmarks/docs_identical.py compare SORTIE_A SORTIE_B
    SYC_ROOT=/chemin/checkout python benchmarks/docs_identical.py timing LIVRE

`capture` reads the prepared book (read only: it is never written) with the checkout named by
SYC_ROOT (default: this one) and writes, for every document kind — quote, order, invoice, deposit
invoice, credit note, paid copy, letter, penalty note, deposit slip, dunning letters (simple,
registered, formal notice), payment-order file, the reminders batch, the e-mail facts, the mail
merge's selection and letters — its context as JSON and the XML parts of the DOCX rendered from the
shipped template (docxtpl, no PDF); and the report's figures (`syc rapport --json`) for a period.
`compare` says which files differ, byte for byte (exit 1 if any). `timing`: the CPU time of
planning every quote, order and invoice of the book (contexts only), best of five. Used for issue 12 item 3
(documents and reports read through the services' typed records): the outputs must not change.
A script, not a test (it renders about fifty documents).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("SYC_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

DEMO_END = dt.date(2026, 4, 30)
LATER = dt.date(2026, 6, 30)


def _syc(*args: str) -> None:
    from pyxl.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = main(list(args))
    if rc != 0:
        raise SystemExit(f"syc {' '.join(args)} : code {rc}\n{out.getvalue()}")


def prepare(folder: Path) -> Path:
    """The demo book, then a penalty note, a deposit slip and a quote left sent (never re-run on
    a prepared book: the comparison reads the same file in both checkouts)."""
    folder.mkdir(parents=True, exist_ok=True)
    _syc("demo", "--sortie", str(folder), "--force")
    book = folder / "SYC_Gestion.xlsm"
    b = ["--book", str(book)]
    _syc("penalites", "creer", "--client", "C00002", "--au", "2026-05-15", *b)
    _syc("bordereau", "creer", "--banque", "Banque de test", "--au", "2026-05-15", *b)
    return book


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, dt.date, Path)):
        return f"{type(value).__name__}:{value}"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _code(client: Any) -> str:
    """A selected client's code: a row before issue 12 item 3, a record after."""
    return str(client.code if hasattr(client, "code") else client["code"])


def capture(book_src: Path, out: Path) -> None:
    from pyxl.documents import context as cx
    from pyxl.documents import dunning_docs, jobs, mail, merge, render
    from pyxl.services import dunning
    from pyxl.workbook.filestore import FileStore

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="docs-identical-"))
    book = work / book_src.name
    shutil.copyfile(book_src, book)
    store = FileStore(book)

    def save(name: str, ctx: Any, kind: str | None = None) -> None:
        (out / f"{name}.json").write_text(json.dumps(_plain(ctx), ensure_ascii=False, indent=1, sort_keys=True),
                                          encoding="utf-8")
        if kind is None:
            return
        docx = work / f"{name}.docx"
        render.render_docx(render.template_path(cx.KINDS[kind][1]), ctx, docx)
        with zipfile.ZipFile(docx) as z:
            for part in sorted(z.namelist()):
                if part.startswith("word/") and part.endswith(".xml"):
                    (out / f"{name}--{part.replace('/', '_')}").write_bytes(z.read(part))

    def attempt(name: str, fn: Any) -> Any:
        try:
            return fn()
        except Exception as exc:  # a refusal is an output too
            (out / f"{name}.error").write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            return None

    quotes = [r["number"] for r in store.rows("tDevis")]
    orders = [r["number"] for r in store.rows("tCommandes")]
    docs = [(r["ref"], r["number"], r["status"]) for r in store.rows("tFactures")]
    for n in quotes:
        p = attempt(f"devis-{n}", lambda n=n: jobs.plan(store, book, "devis", n, DEMO_END))
        if p:
            save(f"devis-{n}", p.context, p.kind)
            (out / f"devis-{n}.place").write_text(f"{p.folder.relative_to(work)}/{p.stem}", encoding="utf-8")
    for n in orders:
        p = attempt(f"commande-{n}", lambda n=n: jobs.plan(store, book, "commande", n, DEMO_END))
        if p:
            save(f"commande-{n}", p.context, p.kind)
    for ref, number, _status in docs:
        key = number or ref
        p = attempt(f"facture-{key}", lambda key=key: jobs.plan(store, book, "facture", key, DEMO_END))
        if p:
            save(f"facture-{key}", p.context, p.kind)
            (out / f"facture-{key}.place").write_text(f"{p.folder.relative_to(work)}/{p.stem}", encoding="utf-8")
        save(f"contexte-{ref}", cx.invoice_context(store, ref, DEMO_END))
        p = attempt(f"acquittee-{key}", lambda key=key: jobs.plan(store, book, "acquittee", key, DEMO_END))
        if p:
            save(f"acquittee-{key}", p.context, p.kind)
        p = attempt(f"avoir-{key}", lambda key=key: jobs.plan(store, book, "avoir", key, DEMO_END))
        for kind in ("devis", "commande", "facture", "acquittee", "avoir"):
            o = attempt(f"mail-{kind}-{key}", lambda kind=kind, key=key: mail.outgoing_for(store, kind, key, ()))
            if o:
                save(f"mail-{kind}-{key}", o)
    for n in quotes[:3] + orders[:3]:
        kind = "devis" if n in quotes else "commande"
        o = attempt(f"mail-{kind}-{n}", lambda kind=kind, n=n: mail.outgoing_for(store, kind, n, ()))
        if o:
            save(f"mail-{kind}-{n}", o)
    for n in [r["number"] for r in store.rows("tNotesPenalites")]:
        p = jobs.plan(store, book, "penalites", n, LATER)
        save(f"penalites-{n}", p.context, p.kind)
    for n in [r["number"] for r in store.rows("tBordereaux")]:
        p = jobs.plan(store, book, "bordereau", n, LATER)
        save(f"bordereau-{n}", p.context, p.kind)
    p = jobs.plan_letter(store, book, "C00002", "Objet & <test>", ["Premier paragraphe.", "Second « é »."], LATER)
    save("lettre-C00002", p.context, p.kind)

    # dunning: the session's batch, then every step's letter for each overdue client
    for day in (LATER, dt.date(2026, 12, 31)):
        ses = dunning.session(store, day)
        batch = dunning_docs.plan(store, book, ses)
        for i, q in enumerate(batch.planned):
            save(f"relances-{day}-{i:02d}-{q.kind}", q.context, q.kind)
        (out / f"relances-{day}-notes.json").write_text(json.dumps(_plain(
            {"appends": batch.note_changes.appends, "updates": batch.note_changes.updates}), ensure_ascii=False,
            indent=1, sort_keys=True), encoding="utf-8")
        for code, cases in sorted(dunning.by_client(ses.cases).items()):
            for step in ("lettre", "lrar", "mise-en-demeure"):
                ctx = cx.clean(dunning_docs.letter_context(store, step, cases, day, {"lettre": dt.date(2026, 5, 2)}))
                save(f"lettre-{day}-{code}-{step}", ctx, dunning_docs.KIND_OF_STEP[step])
            ctx = cx.clean(dunning_docs.payment_order_context(store, cases, day))
            save(f"injonction-{day}-{code}", ctx, "injonction")
            save(f"imputations-{day}-{code}", dunning_docs.imputations(store, cases, day))
            save(f"taux-{day}-{code}", dunning_docs.penalty_rate_text(store, day, cases))

    # mail merge: the selection and each letter
    for name, f in (("tous", merge.Filters()), ("solde", merge.Filters(balance_due=True)),
                    ("pro", merge.Filters(kind="Professionnel", commercial=True))):
        sel = merge.select(store, f)
        save(f"publipostage-{name}", {"chosen": [_code(r) for r in sel.chosen],
                                      "refused": [_code(r) for r in sel.refused_marketing], "facts": sel.facts})
        firm = cx.company(store.parameters())
        for r in sel.chosen[:4]:
            ctx = merge.letter_context(firm, r, sel.facts.get(_code(r), merge.ClientFacts()), "Objet",
                                       ["Texte."], LATER)
            save(f"publipostage-{name}-{_code(r)}", ctx, "lettre")
    store.close()

    # the report's figures
    from pyxl.reports import data

    frames = data.read_books(book)
    for t, df in frames.items():
        (out / f"rapport-table-{t}.csv").write_text(df.to_csv(), encoding="utf-8")
    for period in ("2026", "2026-T1"):
        from pyxl.cli import main

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            main(["rapport", "--book", str(book), "--au", str(DEMO_END), "--periode", period, "--json"])
        (out / f"rapport-{period}.json").write_text(buf.getvalue(), encoding="utf-8")
    shutil.rmtree(work)
    print(f"{len(list(out.iterdir()))} fichiers écrits dans {out}")


def timing(book_src: Path, rounds: int = 5) -> None:
    """CPU and wall time of planning every quote, order and invoice-type document of the book
    (contexts only: what the typed records change), `rounds` times, in this process."""
    import time

    from pyxl.documents import jobs
    from pyxl.workbook.filestore import FileStore

    work = Path(tempfile.mkdtemp(prefix="docs-timing-"))
    book = work / book_src.name
    shutil.copyfile(book_src, book)
    store = FileStore(book)
    todo = ([("devis", r["number"]) for r in store.rows("tDevis")]
            + [("commande", r["number"]) for r in store.rows("tCommandes")]
            + [("avoir" if r["doc_type"] == "Avoir" else "facture", r["number"])
               for r in store.rows("tFactures") if r["number"]])
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for kind, number in todo:
            jobs.plan(store, book, kind, number, DEMO_END)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    store.close()
    shutil.rmtree(work)
    print(f"{len(todo)} documents planifiés ; meilleur de {rounds} : CPU {best_cpu:.3f} s, mur {best_wall:.3f} s "
          f"({1000 * best_cpu / len(todo):.1f} ms CPU par document)")


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    bad = [n for n in names if not (a / n).exists() or not (b / n).exists()
           or (a / n).read_bytes() != (b / n).read_bytes()]
    for n in bad:
        print(f"différent : {n}")
    print(f"{len(names)} fichiers comparés, {len(bad)} différent(s).")
    return 1 if bad else 0


def main() -> int:
    cmd, *args = sys.argv[1:]
    if cmd == "prepare":
        print(prepare(Path(args[0])))
        return 0
    if cmd == "capture":
        capture(Path(args[0]), Path(args[1]))
        return 0
    if cmd == "timing":
        timing(Path(args[0]))
        return 0
    return compare(Path(args[0]), Path(args[1]))


if __name__ == "__main__":
    sys.exit(main())
