"""A documents job: contexts → DOCX (docxtpl) → PDF (one converter call) → files beside the workbook.

Order of effects (issue 5): the workbook is written first by the action; the documents come
after, from what was written. A failed rendering never undoes the action: it comes back as a
warning naming the command that retries it (`syc document facture F2026-00012`).

An issued invoice's file (invoice, deposit invoice, credit note, paid copy) is never overwritten:
the first PDF is the one the client received; asking again keeps it and says so.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxl.core.issues import Issue, Refused, Severity
from pyxl.documents import context as cx
from pyxl.documents import names, render
from pyxl.services import docsource as ds
from pyxl.services.docsource import Store

# what the user types after « syc document » → what the document is
COMMAND_KINDS = ("devis", "commande", "facture", "avoir", "acquittee", "penalites")


@dataclass
class Planned:
    """One document to produce: its kind (key of context.KINDS), number, context and place."""

    kind: str
    number: str
    context: dict[str, Any]
    folder: Path
    stem: str

    @property
    def legal(self) -> bool:
        return self.kind in cx.NUMBERED


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    legal: list[tuple[Path, Planned]] = field(default_factory=list)  # the numbered documents written

    def lines(self, book_dir: Path) -> list[str]:
        out = [f"Document écrit : {_rel(p, book_dir)}" for p in self.written]
        out += [f"Document déjà émis, conservé tel quel (il n'est jamais remplacé) : {_rel(p, book_dir)}"
                for p in self.kept]
        return out

    def json(self) -> dict[str, Any]:
        return {"documents": [str(p) for p in self.written], "documents_conserves": [str(p) for p in self.kept]}


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def retry_command(kind: str, number: str) -> str:
    if kind == "bordereau":
        return f"syc bordereau imprimer {number}"
    word = {"acompte": "facture", "lettre": "facture"}.get(kind, kind)
    return f"syc document {word} {number}"


# --------------------------------------------------------------------------- planning
def plan(store: Store, book: Path, kind: str, number: str, as_of: dt.date) -> Planned:
    """The document `kind` (devis, commande, facture, avoir, acquittee) of record `number`.
    Refused (French message) when the record cannot have that document."""
    from pyxl.core import workflow as wf
    from pyxl.services import salesdocs as sd
    from pyxl.services.invoices import label

    if kind == "devis":
        ctx = cx.quote_context(store, number, as_of)
    elif kind == "commande":
        ctx = cx.order_context(store, number, as_of)
    elif kind == "penalites":
        ctx = cx.penalty_note_context(store, number, as_of)
    elif kind == "bordereau":
        ctx = cx.slip_context(store, number, as_of)
    else:
        doc = ds.find(store, number)  # an invoice of an archived year: read in its archive
        where = f"{label(doc.values())} ({doc.where})"
        if not doc.number:
            raise sd.refuse("document.brouillon", where, f"c'est un brouillon : émettez-le d'abord "
                                                         f"(syc facture emettre {doc.ref}).")
        actual = {wf.T_DEPOSIT.value: "acompte", wf.T_CREDIT.value: "avoir"}.get(str(doc.doc_type), "facture")
        if kind == "avoir" and actual != "avoir":
            raise sd.refuse("document.type", where, f"ce n'est pas un avoir : syc document facture {doc.number}.")
        if kind == "facture" and actual == "avoir":
            raise sd.refuse("document.type", where, f"c'est un avoir : syc document avoir {doc.number}.")
        if kind == "acquittee":
            if actual == "avoir" or doc.status != wf.I_PAID:
                raise sd.refuse("document.acquittee", where,
                                f"elle n'est pas entièrement réglée (« {doc.status} ») : pas de copie acquittée.")
            ctx = _invoice_context(store, str(doc.number), as_of, paid_copy=True)
        else:
            kind = actual
            ctx = _invoice_context(store, str(doc.number), as_of)
    ctx = cx.clean(ctx)
    sub = cx.KINDS[kind][2]
    params = ds.parameters(store)
    number_shown = ctx["doc"]["numero"]
    stem = names.document_name(number_shown, ctx["client"]["nom"], "acquittée" if kind == "acquittee" else "",
                               ext="").removesuffix(".")
    place = names.folder(book.parent, params.get("dossier_documents") or "Documents", int(ctx["annee"]), sub)
    return Planned(kind, number_shown, ctx, place, stem)


def _invoice_context(store: Store, number: str, as_of: dt.date, *, paid_copy: bool = False) -> dict:
    """The invoice's context, read in the active workbook, or for an invoice of an archived year, in
    its archive, as it was issued there, with the payments and credit notes recorded on it in the
    active workbook since the archiving."""
    with ds.home_of(store, number) as home:
        return cx.invoice_context(home, number, as_of, paid_copy=paid_copy, active=store)


def plan_letter(store: Store, book: Path, client: str, subject: str, paragraphs: Sequence[str],
                as_of: dt.date, file_stem: str = "") -> Planned:
    ctx = cx.clean(cx.letter_context(store, client, subject, paragraphs, as_of))
    params = ds.parameters(store)
    stem = names.document_name(file_stem or f"{as_of:%Y-%m-%d} {subject}"[:60], ctx["client"]["nom"], ext="")
    where = names.folder(book.parent, params.get("dossier_documents") or "Documents", as_of.year, "Courriers")
    return Planned("lettre", ctx["client"]["code"], ctx, where, stem)


# --------------------------------------------------------------------------- producing
def produce(book: Path, planned: Sequence[Planned], *, pdf: bool = True, docx: bool = False,
            converter: render.Converter | None = None,
            progress: Callable[[str, int, int], None] | None = None, store: Any = None) -> Outcome:
    """Render every planned document, convert them all in one call, move the files in place.
    `progress(label, step, total)`: each document filled, then the conversion. `store`: in base
    mode, the numbered documents written are recorded there with their SHA-256 (`record`)."""
    res = _produce(book, planned, pdf=pdf, docx=docx, converter=converter, progress=progress)
    if store is not None:
        record(store, book, res)
    return res


def record(store: Any, book: Path, res: Outcome) -> None:
    """The numbered documents just written, recorded by a store that keeps the legal files'
    SHA-256 (the PostgresStore). A failure is a warning: the file is written, the action done."""
    keep = getattr(store, "record_written", None)
    if keep is None or not res.legal:
        return
    try:
        keep([(path, p.kind, p.number) for path, p in res.legal])
    except (Refused, OSError) as exc:
        why = exc.issues[0].message if isinstance(exc, Refused) else str(exc)
        res.warnings.append(Issue("document.empreinte", "Documents écrits mais leur empreinte n'a pas été "
                                                        f"enregistrée dans la base ({why}). « syc base verifier » ne "
                                                        "les contrôlera pas.", str(book.parent), Severity.WARNING))


def _produce(book: Path, planned: Sequence[Planned], *, pdf: bool, docx: bool,
             converter: render.Converter | None,
             progress: Callable[[str, int, int], None] | None) -> Outcome:
    res = Outcome()
    book_dir = book.parent
    logo = render.logo_path(book_dir)
    todo: list[tuple[Planned, Path | None, Path | None]] = []  # (doc, final pdf, final docx)
    for p in planned:
        final_pdf = p.folder / f"{p.stem}.pdf" if pdf else None
        final_docx = p.folder / f"{p.stem}.docx" if docx else None
        if p.legal:  # an issued document's file is never replaced, nor made again under another name
            if final_pdf is not None:
                existing = _issued_file(p, ".pdf")
                if existing is not None:
                    res.kept.append(existing)
                    final_pdf = None
            if final_docx is not None:
                existing = _issued_file(p, ".docx")
                if existing is not None:
                    res.kept.append(existing)
                    final_docx = None
        if final_pdf is not None or final_docx is not None:
            todo.append((p, final_pdf, final_docx))
    if not todo:
        return res
    with tempfile.TemporaryDirectory(prefix="syc-docs-") as tmp:
        work = Path(tmp)
        rendered: list[tuple[Planned, Path, Path | None, Path | None]] = []
        report = progress or (lambda _label, _step, _total: None)
        for i, (p, fpdf, fdocx) in enumerate(todo):
            report("remplissage des documents", i + 1, len(todo) + 1)
            out = work / f"d{i:05d}.docx"
            try:
                tpl = render.template_path(cx.KINDS[p.kind][1], book_dir)
                render.render_docx(tpl, p.context, out, logo)
            except Exception as exc:  # any failure of one document is reported; the others go on
                res.warnings.append(_failed(p, f"le modèle n'a pas pu être rempli ({type(exc).__name__} : {exc})"))
                continue
            rendered.append((p, out, fpdf, fdocx))
        pdfs: dict[Path, Path] = {}
        wanted = [out for _, out, fpdf, _ in rendered if fpdf is not None]
        if wanted:
            report("conversion en PDF (LibreOffice)", len(todo) + 1, len(todo) + 1)
            try:
                conv = converter or render.converter()
                made = conv.convert(wanted, work)
                pdfs = {work / (m.stem + ".docx"): m for m in made}
            except render.ConversionError as exc:
                for p, _, fpdf, _ in rendered:
                    if fpdf is not None:
                        res.warnings.append(_failed(p, str(exc)))
                rendered = [(p, o, None, fd) for p, o, _, fd in rendered]
        for p, out, fpdf, fdocx in rendered:
            if fpdf is not None:
                made_pdf = pdfs.get(out)
                if made_pdf is None:
                    res.warnings.append(_failed(p, "la conversion en PDF n'a rien produit"))
                elif _place(made_pdf, fpdf, p.legal, res) and p.legal:
                    res.legal.append((fpdf, p))
            if fdocx is not None and _place(out, fdocx, p.legal, res) and p.legal:
                res.legal.append((fdocx, p))
    return res


def after_action(store: Store, book: Path, wanted: Sequence[tuple[str, str]], as_of: dt.date) -> Outcome:
    """The documents of what an action has just written (`syc` after an issuing command, the Excel
    buttons after theirs). Never raises: the action is written, so any failure is a warning with
    the command that makes the document again."""
    done = Outcome()
    if not wanted:
        return done
    try:
        done = produce(book, [plan(store, book, kind, number, as_of) for kind, number in wanted], store=store)
    except Exception as exc:
        for kind, number in wanted:
            done.warnings.append(Issue("document.echec", f"Document {kind} {number} non produit ({type(exc).__name__} : "
                                                         f"{exc}). L'opération elle-même est faite ; relancez : "
                                                         f"{retry_command(kind, number)}.", number, Severity.WARNING))
    return done


def report_into(result: Any, done: Outcome, book_dir: Path) -> None:
    """An action's result told what its documents became: files in the message and data, failures as warnings."""
    lines = done.lines(book_dir)
    if lines:
        result.message += ("\n" if result.message else "") + "\n".join(lines)
    result.data.update(done.json())
    result.warnings = [*result.warnings, *done.warnings]


def _issued_file(p: Planned, ext: str) -> Path | None:
    """The file already made for this issued document, whatever client name it carries (the client
    may have been renamed since): « F2026-00012 - DUPONT Jean.pdf » for F2026-00012."""
    exact = p.folder / f"{p.stem}{ext}"
    if exact.exists():
        return exact
    if not p.folder.is_dir():
        return None
    number = names.safe_name(p.number, 40)
    paid = p.kind == "acquittee"
    for f in sorted(p.folder.glob(f"{glob.escape(number)} - *{ext}")):
        if f.name.endswith(f" - acquittée{ext}") == paid:
            return f
    return None


def _place(src: Path, dst: Path, keep_existing: bool, res: Outcome) -> bool:
    """Move a rendered file in place; False when an issued document's file was there already."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if keep_existing and dst.exists():  # written meanwhile by another job: the first one stays
        res.kept.append(dst)
        return False
    tmp = dst.with_name(f".{dst.name}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
    res.written.append(dst)
    return True


def _failed(p: Planned, why: str) -> Issue:
    title = cx.KINDS[p.kind][0]
    return Issue("document.echec", f"{title} {p.number} : document non produit — {why}. L'opération elle-même est "
                                   f"faite ; relancez : {retry_command(p.kind, p.number)}.", p.number, Severity.WARNING)


def refuse_kind(kind: str) -> Refused:
    return Refused(Issue("document.type", f"Type de document « {kind} » inconnu : "
                                          f"{', '.join(COMMAND_KINDS)}.", kind))
