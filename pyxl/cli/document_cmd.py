"""`syc document devis|commande|facture|avoir|acquittee NUM`: a record's document, again or for the
first time, and the documents step of the issuing commands (`syc devis envoyer`, `syc facture
emettre`, `--emettre`…). Reading only: the workbook is never written here."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import Any

from pyxl.cli import Context, fail, out
from pyxl.cli.common import Common, group, leaf
from pyxl.core.issues import Issue
from pyxl.core.messages import msg

HELP = {
    "devis": "le devis (PDF et/ou DOCX), avec ses mentions légales",
    "commande": "le bon de commande (confirmation de commande)",
    "facture": "la facture ou la facture d'acompte émise (jamais remplacée une fois produite)",
    "avoir": "l'avoir émis (jamais remplacé une fois produit)",
    "acquittee": "la copie acquittée d'une facture réglée (« Acquittée », date et mode de règlement)",
    "penalites": "la note de pénalités émise (jamais remplacée une fois produite)",
}


def register(sub: Any, common: Common) -> None:
    g = group(sub, "document", "produire les documents du client (PDF, DOCX) à côté du classeur", common)
    for kind, help_ in HELP.items():
        p = leaf(g, kind, help_, common, cmd_document,
                 f"Produit {help_} dans le dossier Documents à côté du classeur : "
                 f"syc document {kind} NUM [--pdf] [--docx]")
        p.add_argument("numero", metavar="NUM")
        p.add_argument("--pdf", action="store_true", help="le PDF (par défaut)")
        p.add_argument("--docx", action="store_true", help="le DOCX, modifiable dans Word")
        p.add_argument("--email", action="store_true",
                       help="préparer l'e-mail au client (brouillon .eml, PDF joint), noté au Journal des envois")
        p.add_argument("--smtp", action="store_true",
                       help="avec --email : l'envoyer par le serveur SMTP des Paramètres")
        p.set_defaults(doc_kind=kind)


def cmd_document(ctx: Context) -> int:
    from pyxl.documents import jobs

    a = ctx.args
    store = ctx.store()
    planned = jobs.plan(store, ctx.book, a.doc_kind, a.numero, ctx.as_of)
    want_docx = bool(a.docx)
    want_pdf = bool(a.pdf) or a.email or not want_docx
    if a.email or a.smtp:  # an e-mail refused (no mediator named…) is refused before any document is written
        from pyxl.documents import mail

        mail.outgoing_for(store, a.doc_kind, planned.number, [])
    done = jobs.produce(ctx.book, [planned], pdf=want_pdf, docx=want_docx, store=store)
    if done.warnings and not done.written and not done.kept:
        return fail([Issue(w.code, w.message.replace(" L'opération elle-même est faite ; relancez", " Relancez"),
                           w.where) for w in done.warnings], ctx.json)
    message = "\n".join(done.lines(ctx.book.parent))
    data = done.json()
    warnings = list(done.warnings)
    if a.email or a.smtp:
        message, data, warnings = _email(ctx, a.doc_kind, planned.number, done, message, data, warnings)
    out(ctx, message, data, warnings)
    return 0


def _email(ctx: Context, kind: str, number: str, done: Any, message: str, data: dict[str, Any],
           warnings: list[Issue]) -> tuple[str, dict[str, Any], list[Issue]]:
    """The document's e-mail (pyxl.documents.mail, issue 5 part B): an .eml draft beside the PDF,
    sent by SMTP with --smtp, journaled either way. A failed sending is a warning."""
    from pyxl.documents import mail

    pdfs = [p for p in (*done.written, *done.kept) if p.suffix == ".pdf"]
    doc = mail.outgoing_for(ctx.store(), kind, number, pdfs)
    report = mail.send_documents(ctx.book, [doc], as_of=ctx.as_of, now=dt.datetime.now(), smtp=bool(ctx.args.smtp),
                                 store=ctx.store() if ctx.base else None)  # a base: journaled in it
    for s in report.sendings:
        if s.draft is not None:
            message += "\n" + msg("envoi.brouillon", file=s.draft.relative_to(ctx.book.parent))
        if s.result == mail.SENT:
            message += f"\nE-mail envoyé à {s.doc.to}."
    data["envois"] = [s.to_json() for s in report.sendings]
    return message, data, [*warnings, *report.warnings]


# --------------------------------------------------------------------------- after an issuing action
def documents_after(ctx: Context, wanted: Sequence[tuple[str, str]], result: Any) -> None:
    """The documents of what an action has just written (the workbook is already saved): added to
    the result's message and data; any failure becomes a warning, the action stays done."""
    from pyxl.documents import jobs

    if wanted:
        jobs.report_into(result, jobs.after_action(ctx.store(), ctx.book, wanted, ctx.as_of), ctx.book.parent)


def apply_with_documents(ctx: Context, service: Callable[[Any], Any],
                         documents: Callable[[Any], Sequence[tuple[str, str]]]) -> int:
    """`common.apply` (read, compute, write under one lock, closures), then the documents of the
    result unless --sans-document (or SYC_SANS_DOCUMENT=1 in the environment: scheduled jobs, the
    test suite), then the report. The workbook is written before any document."""
    from pyxl.cli.common import apply

    def after(result: Any) -> None:
        if not (getattr(ctx.args, "sans_document", False)
                or os.environ.get("SYC_SANS_DOCUMENT", "") not in ("", "0")):
            documents_after(ctx, documents(result), result)

    return apply(ctx, service, after)
