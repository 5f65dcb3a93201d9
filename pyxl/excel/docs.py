"""Documents from Excel: the PDF of the selected row's record, its e-mail draft, the paid copy of an
invoice, and the mail merge of the « Publipostage » sheet — the same code as `syc document` and
`syc publipostage` (`pyxl.documents`), reading the open workbook through the ExcelStore."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.excel.runner import Ctx, files_path, run
from pyxl.excel.sheets import MERGE_FORM, MERGE_SHEET

SHEET_KIND = {"Devis": ("tDevis", "devis"), "Commandes": ("tCommandes", "commande"), "Factures": ("tFactures", "")}


def open_file(path: Path) -> None:
    """Show a produced file to the user (Windows: its default program; macOS: `open`)."""
    if os.environ.get("SYC_SANS_OUVRIR"):  # tests, scheduled use
        return
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)])
    except OSError:
        pass


def _book(ctx: Ctx) -> Path:
    book = files_path(ctx)
    if book is None:
        raise Refused(Issue("excel.unsaved", "Enregistrez d'abord le classeur dans un dossier local.", "classeur"))
    return book


def selected_document(ctx: Ctx) -> tuple[str, str]:
    """(kind, number) of the record on the row where the user clicked."""
    if ctx.sheet not in SHEET_KIND:
        raise Refused(Issue(
            "excel.sheet", f"« {ctx.action.label} » agit sur la ligne d'un devis, d'une commande ou d'une facture : "
            "cliquez dans cette ligne (feuille Devis, Commandes ou Factures), puis sur le bouton de l'onglet "
            "SYC Gestion du ruban.", ctx.sheet))
    table, kind = SHEET_KIND[ctx.sheet]
    row = ctx.store.row_at(table, ctx.row)
    if row is None:
        raise Refused(Issue("excel.row", f"Feuille « {ctx.sheet} », ligne {ctx.row} : aucune pièce ici (ligne vide ou "
                                         "en-tête). Cliquez dans la ligne voulue.", f"{ctx.sheet}, ligne {ctx.row}"))
    if table == "tFactures":
        if not row["number"]:
            raise Refused(Issue("document.brouillon", f"{row.where} : {row['ref']} est un brouillon, sans document ; "
                                                      "émettez-le d'abord (bouton « Émettre »).", row.where))
        return ("avoir" if row["doc_type"] == "Avoir" else "facture"), str(row["number"])
    return kind, str(row["number"])


def _produce(ctx: Ctx, store: Any, kind: str, number: str) -> tuple[list[str], list[Path], list[Issue]]:
    from pyxl.documents import jobs

    book = _book(ctx)
    planned = jobs.plan(store, book, kind, number, ctx.as_of)
    done = jobs.produce(book, [planned], store=store)
    pdfs = [p for p in (*done.written, *done.kept) if p.suffix == ".pdf"]
    return done.lines(book.parent), pdfs, list(done.warnings)


def _result(lines: list[str], warnings: list[Issue]) -> Any:
    from pyxl.services.common import Result

    return Result(message="\n".join(lines) or "Aucun document produit.", warnings=warnings)


def document_pdf(ctx: Ctx, kind: str | None = None) -> dict[str, Any]:
    opened: list[Path] = []

    def service(store: Any) -> Any:
        k, number = selected_document(ctx)
        lines, pdfs, warnings = _produce(ctx, store, kind or k, number)
        opened.extend(pdfs[:1])
        return _result(lines, warnings)

    result = run(ctx, service, read_only=True, quiet=True)  # the PDF opens: the status bar says where
    for p in opened:
        open_file(p)
    return result


def copie_acquittee(ctx: Ctx) -> dict[str, Any]:
    ctx.require_sheet()
    return document_pdf(ctx, "acquittee")


def preparer_email(ctx: Ctx, quiet: bool = False) -> dict[str, Any]:
    """The PDF and the e-mail draft of the selected document; `quiet` (after « Envoyer » or « Émettre »
    answered « par e-mail : oui »): said in the status bar unless something needs reading."""
    from pyxl.documents import mail

    drafts: list[Path] = []

    def service(store: Any) -> Any:
        kind, number = selected_document(ctx)
        lines, pdfs, warnings = _produce(ctx, store, kind, number)
        if not pdfs:
            return _result(lines, warnings)
        doc = mail.outgoing_for(store, kind, number, pdfs)
        report = mail.send_documents(_book(ctx), [doc], as_of=ctx.as_of, now=dt.datetime.now(), store=store)
        for s in report.sendings:
            if s.draft is not None:
                lines.append(msg("envoi.brouillon", file=s.draft.name) + " (à côté du PDF)")
                drafts.append(s.draft)
        return _result(lines, [*warnings, *report.warnings])

    result = run(ctx, service, read_only=not quiet, quiet=quiet)
    for d in drafts:
        open_file(d)
    return result


# --------------------------------------------------------------------------- publipostage
def _split(v: Any) -> list[str]:
    return [x.strip() for x in str(v or "").replace("\n", ";").split(";") if x.strip()]


def _day(v: Any, label: str) -> dt.date | None:
    from pyxl.core import fields

    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return fields.date(str(v), label=label)


def _yes(v: Any) -> bool:
    return str(v or "").strip().casefold() in ("oui", "o", "yes", "true", "1")


def publipostage(ctx: Ctx, simulate: bool = False) -> dict[str, Any]:
    from pyxl.documents import merge
    from pyxl.documents.render import ConversionError
    from pyxl.excel.forms import _fields, _text

    sheet = ctx.book.sheets[MERGE_SHEET]
    form = _fields(sheet, MERGE_FORM.fields)
    combined: list[Path] = []

    def service(store: Any) -> Any:
        from pyxl.services.common import Result

        where = f"Feuille « {MERGE_SHEET} »"
        filters = merge.parse_filters(
            kind=_text(form["kind"]), towns=_split(form["towns"]), postcodes=_split(form["postcodes"]),
            sectors=_split(form["sectors"]), codes=_split(form["codes"]), balance_due=_yes(form["balance_due"]),
            no_job_since=_day(form["no_job_since"], "« Sans intervention depuis le »"),
            no_invoice_since=_day(form["no_invoice_since"], "« Sans facture depuis le »"),
            commercial=_yes(form["commercial"]), inactive_too=_yes(form["inactive_too"]))
        subject = _text(form["subject"])
        text = str(form["text"] or "")
        if not simulate and not (subject or text.strip()):
            raise Refused(Issue("publipostage.texte", f"{where} : écrivez au moins l'objet ou le texte du courrier "
                                                      f"(cellules C{MERGE_FORM.field('subject').row} et "
                                                      f"C{MERGE_FORM.field('text').row}).", where))
        book = _book(ctx)
        template = merge.template_file(_text(form["template"]) or "lettre", book.parent)
        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]
        try:
            res = merge.run(book, template, filters, subject=subject, paragraphs=paragraphs, as_of=ctx.as_of,
                            now=dt.datetime.now(), simulate=simulate, store=store)
        except ConversionError as exc:
            raise Refused(Issue("publipostage.pdf", msg("publipostage.pdf", error=exc), "PDF")) from None
        lines = []
        if simulate:
            lines.append(f"{len(res.chosen)} client(s) retenu(s) (simulation, rien n'a été produit) :")
            lines += [f"• {r.code} {r.name or ''} {r.first_name or ''} — {r.postcode or ''} "
                      f"{r.city or ''}" for r in res.chosen[:25]]
            if len(res.chosen) > 25:
                lines.append(f"… et {len(res.chosen) - 25} autres.")
        else:
            lines.append(f"{len(res.letters)} lettre(s) écrite(s), notées au Journal des envois.")
            if res.combined is not None:
                lines.append(f"À imprimer : {res.combined.name} (dossier {res.combined.parent.name})")
                combined.append(res.combined)
        if res.refused_marketing:
            lines.append("Exclus (opposés à la prospection) : " + ", ".join(str(r.code) for r in res.refused_marketing))
        return Result(message="\n".join(lines), warnings=[w for w in res.warnings if w.severity is Severity.WARNING])

    result = run(ctx, service, read_only=True)
    for p in combined:
        open_file(p)
    return result


# --------------------------------------------------------------------------- relances (issue 6)
def produce_reminders(ctx: Ctx) -> dict[str, Any]:
    """`syc relances executer` from Excel: every letter and payment-order file due, in one batch;
    the steps recorded in « Relances » through the open workbook."""
    from pyxl.documents import dunning_docs
    from pyxl.services import dunning

    to_open: list[Path] = []

    def service(store: Any) -> Any:
        book = _book(ctx)
        ses = dunning.session(store, ctx.as_of)
        batch = dunning_docs.plan(store, book, ses)
        if not batch.planned:
            from pyxl.services.common import Result

            return Result(message=msg("relances.rien", day=date_fr(ctx.as_of)))
        done = dunning_docs.produce_and_record(store, book, batch, ctx.as_of)
        res = done.result
        drafts, mail_warnings = dunning_docs.write_drafts(store, batch, done.outcome, book)
        lines = [dunning_docs.produced(len(done.pdfs), done.steps)]
        combined = dunning_docs.print_file(done.pdfs, ctx.as_of)
        if combined is not None:
            lines.append(msg("relances.a_imprimer", file=combined.name))
            to_open.append(combined)
        lines += [msg("envoi.brouillon", file=d.name) for d in drafts]
        if any(s in ("lrar", "mise-en-demeure") for s, _, _ in batch.groups):
            lines.append("Après le dépôt des recommandés : « Noter dépôt ou accusé » sur la ligne de la facture "
                         "(date de dépôt, n° de recommandé, puis date de l'accusé) : les délais courent de ces dates.")
        res.message = "\n".join(lines)
        res.warnings = [*res.warnings, *done.outcome.warnings, *mail_warnings]
        return res

    result = run(ctx, service)
    for p in to_open:
        open_file(p)
    return result
