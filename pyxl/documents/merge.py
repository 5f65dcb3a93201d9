"""Mail merge (publipostage): one letter template, a filtered list of clients, one PDF per client
and one combined PDF to print.

Selection: by client type, town, postal-code prefix, sector, balance due, date of the last
intervention or of the last invoice, or explicit codes; inactive clients are left out. A
marketing letter (`commercial=True`) also leaves out the clients who objected to prospecting
(« Accepte la prospection » = Non). French law: prospecting by post is lawful unless the person
objected (opt-out; RGPD art. 21, CNIL); by e-mail a consumer must have agreed beforehand (opt-in,
art. L34-5 CPCE) — this module sends letters only, never marketing e-mail.

Each letter's context has the same fields as the generic letter of `context.letter_context`, the
address laid out for the window of a DL envelope (AFNOR XP Z 10-011: at most six lines, the last
one « CODE POSTAL VILLE » in capitals), plus the client's balance due and the dates of his last
intervention and last invoice, for templates that quote them.

Order of effects: nothing is written to the workbook until the letters exist; then each letter is
recorded in « Journal des envois » (channel « Publipostage »). A refused selection writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import fields
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.money import euros
from pyxl.core.records import Client
from pyxl.documents import context as cx
from pyxl.documents import mail, names, render
from pyxl.services import docsource as ds
from pyxl.services.common import search_key
from pyxl.services.docsource import Store
from pyxl.workbook.schema import CLIENT_KINDS, NO

ZERO = Decimal("0.00")
KIND_ALIASES = {"pro": "Professionnel", "part": "Particulier", "entreprise": "Professionnel"}
MAX_LINES, MAX_CHARS = 6, 38  # a French postal address (AFNOR XP Z 10-011)
SUBFOLDER = "Publipostage"


# --------------------------------------------------------------------------- selection
# RGPD art. 21(2)-(4): the right to object to prospecting, brought to the person's attention at the
# latest at the first communication
OBJECTION_NOTICE = ("Vous pouvez à tout moment vous opposer, sans frais, à recevoir nos offres commerciales : "
                    "il suffit de nous le dire par téléphone, courrier ou e-mail (coordonnées ci-dessus).")


@dataclass(frozen=True)
class Filters:
    """Which clients receive the letter. Empty fields select everybody."""

    kind: str = ""  # « Particulier » or « Professionnel »
    towns: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()  # prefixes: « 69 », « 6900 »
    sectors: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    balance_due: bool = False
    no_job_since: dt.date | None = None  # no intervention on or after this day (or never)
    no_invoice_since: dt.date | None = None  # no invoice on or after this day (or never)
    commercial: bool = False  # a marketing letter: skip the clients who objected
    inactive_too: bool = False


def parse_filters(*, kind: str = "", towns: Sequence[str] = (), postcodes: Sequence[str] = (),
                  sectors: Sequence[str] = (), codes: Sequence[str] = (), balance_due: bool = False,
                  no_job_since: dt.date | None = None, no_invoice_since: dt.date | None = None,
                  commercial: bool = False, inactive_too: bool = False) -> Filters:
    """Filters from what the user typed; every bad value is refused at once, in French."""
    problems: list[Issue] = []
    clean_kind = ""
    try:
        clean_kind = fields.choice(kind, CLIENT_KINDS, label="Le type de client", aliases=KIND_ALIASES)
    except fields.FieldError as exc:
        problems.append(Issue("publipostage.filtre", f"{str(exc).rstrip('.')} : indiquez --type particulier ou "
                                                     "--type professionnel.", "--type"))
    prefixes = []
    for p in postcodes:
        v = p.strip().replace(" ", "")
        if not re.fullmatch(r"\d[\dAB]{0,4}", v):
            problems.append(Issue("publipostage.filtre", f"Le début de code postal « {fields.shown(p)} » n'est pas "
                                                         "valide : 1 à 5 chiffres (ex. --cp 69 ou --cp 69003).", "--cp"))
        prefixes.append(v)
    text_values = {"--ville": towns, "--secteur": sectors, "--client": codes}
    for option, values in text_values.items():
        for v in values:
            if not v.strip():
                problems.append(Issue("publipostage.filtre", f"{option} attend une valeur non vide.", option))
    if problems:
        raise Refused(problems)
    return Filters(kind=clean_kind, towns=tuple(v.strip() for v in towns), postcodes=tuple(prefixes),
                   sectors=tuple(v.strip() for v in sectors), codes=tuple(v.strip().upper() for v in codes),
                   balance_due=balance_due, no_job_since=no_job_since, no_invoice_since=no_invoice_since,
                   commercial=commercial, inactive_too=inactive_too)


@dataclass(frozen=True)
class ClientFacts:
    """What the filters and the letter need to know of a client's history."""

    balance: Decimal = ZERO
    last_job: dt.date | None = None
    last_invoice: dt.date | None = None


def client_facts(store: Store) -> dict[str, ClientFacts]:
    """Balance due (issued invoices and deposit invoices not fully paid), last intervention
    (order carried out, or invoice's date of service), last invoice, per client code."""
    return {code: ClientFacts(*h) for code, h in ds.client_histories(store).items()}


@dataclass
class Selection:
    chosen: list[Client] = field(default_factory=list)
    refused_marketing: list[Client] = field(default_factory=list)  # objected to prospecting
    facts: dict[str, ClientFacts] = field(default_factory=dict)


def select(store: Store, f: Filters) -> Selection:
    facts = client_facts(store)  # also printed in the letters (balance due, last intervention)
    towns = {search_key(t) for t in f.towns}
    sectors = {search_key(s) for s in f.sectors}
    out = Selection(facts=facts)
    for r in sorted(ds.all_clients(store), key=lambda r: str(r.code or "")):
        code = str(r.code or "").strip().upper()
        if not code:
            continue
        if f.codes and code not in f.codes:
            continue
        if not f.inactive_too and not f.codes and r.active == NO:
            continue
        if f.kind and r.kind != f.kind:
            continue
        if towns and search_key(str(r.city or "")) not in towns:
            continue
        postcode = str(r.postcode or "").replace(" ", "")
        if f.postcodes and not any(postcode.startswith(p) for p in f.postcodes):
            continue
        if sectors and search_key(str(r.sector or "")) not in sectors:
            continue
        mine = facts.get(code, ClientFacts())
        if f.balance_due and mine.balance <= 0:
            continue
        if f.no_job_since and mine.last_job is not None and mine.last_job >= f.no_job_since:
            continue
        if f.no_invoice_since and mine.last_invoice is not None and mine.last_invoice >= f.no_invoice_since:
            continue
        if f.commercial and r.marketing_mail == NO:
            out.refused_marketing.append(r)
            continue
        out.chosen.append(r)
    return out


# --------------------------------------------------------------------------- letters
def postal_lines(client: Mapping[str, Any], name: str) -> list[str]:
    """The address for a DL window envelope: name, street, complement, « CP VILLE » in capitals
    without accents (and the country, for abroad): five lines at most."""
    s = {k: re.sub(r"\s+", " ", str(client.get(k) or "")).strip() for k in
         ("address", "address2", "postcode", "city", "country")}
    town = " ".join(x for x in (s["postcode"], _plain_caps(s["city"])) if x)
    lines = [x for x in (name, s["address"], s["address2"], town) if x]
    if s["country"] and s["country"].casefold() != "france":
        lines.append(_plain_caps(s["country"]))
    return lines[:MAX_LINES]


def _plain_caps(text: str) -> str:
    """« Trévoux » → « TREVOUX »: the postal norm's last lines are in capitals without accents."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def letter_context(firm: Mapping[str, Any], client: Client, facts: ClientFacts, subject: str,
                   paragraphs: Sequence[str], as_of: dt.date, greeting: str = "", closing: str = "") -> dict[str, Any]:
    """The fields of `context.letter_context` (same names, so the same templates serve), for one
    client of the merge, computed without reading the workbook again."""
    block = cx.client_block(client)
    block["adresse_lignes"] = postal_lines(client.values(), block["nom"])
    block["adresse_longue"] = any(len(x) > MAX_CHARS for x in block["adresse_lignes"])
    block["solde_du"] = euros(facts.balance) if facts.balance > 0 else ""
    block["derniere_intervention"] = cx.long_date(facts.last_job)
    block["derniere_facture"] = cx.long_date(facts.last_invoice)
    ctx = {
        "titre": "Lettre", "type": "lettre", "entreprise": dict(firm), "client": block,
        "doc": {"numero": "", "date": cx.long_date(as_of), "objet": subject},
        "lieu_date": (f"{firm['ville']}, le " if firm.get("ville") else "Le ") + cx.long_date(as_of),
        "formule_appel": greeting or "Madame, Monsieur,",
        "paragraphes": list(paragraphs),
        "formule_politesse": closing or ("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos "
                                         "salutations distinguées."),
        "signataire": firm.get("raison_sociale", ""), "annee": as_of.year,
    }
    return cx.clean(ctx)


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs of a plain text: separated by blank lines; lines inside one are joined."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [" ".join(x.strip() for x in b.splitlines() if x.strip()) for b in blocks if b.strip()]


def template_file(given: str, book_dir: Path) -> Path:
    """`--modele`: a .docx file (relative to the current folder or the workbook's), or the name
    of a shipped template (« lettre »)."""
    raw = given.strip()
    candidates = [Path(raw), book_dir / raw]
    if not raw.lower().endswith(".docx"):
        candidates.append(render.template_path(raw + ".docx", book_dir))
    for c in candidates:
        if c.is_file():
            if c.suffix.lower() != ".docx":
                break
            return c
    raise Refused(Issue("publipostage.modele", f"Modèle « {fields.shown(given)} » introuvable ou qui n'est pas un "
                                               "document Word .docx : indiquez le chemin d'un fichier .docx "
                                               "(ex. --modele modeles/offre_entretien.docx) ou « lettre ».",
                        "--modele"))


@dataclass
class MergeResult:
    letters: list[Path] = field(default_factory=list)
    combined: Path | None = None
    chosen: list[Client] = field(default_factory=list)
    refused_marketing: list[Client] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {"combine": str(self.combined) if self.combined else "", "fichiers": [str(p) for p in self.letters],
                "clients": [str(r.code) for r in self.chosen],
                "exclus_prospection": [str(r.code) for r in self.refused_marketing]}


def _job_folder(book: Path, params: Mapping[str, str], as_of: dt.date, subject: str, template: Path) -> Path:
    base = names.folder(book.parent, params.get("dossier_documents") or "Documents", as_of.year, SUBFOLDER)
    stem = names.safe_name(f"{as_of:%Y-%m-%d} {subject or template.stem}", 80)
    folder, n = base / stem, 2
    while folder.exists() or (folder.parent / f"{folder.name}.pdf").exists():
        folder, n = base / f"{stem} ({n})", n + 1  # a second run the same day never replaces the first
    return folder


def run(book: Path, template: Path, filters: Filters, *, subject: str, paragraphs: Sequence[str], as_of: dt.date,
        now: dt.datetime, converter: render.Converter | None = None, simulate: bool = False,
        store: Any = None, progress: Callable[[str, int, int], None] | None = None) -> MergeResult:
    """Select, render every letter, convert them in one call, combine them, journal them.
    `store`: the open workbook's ExcelStore (Excel front end), else the workbook file is read.
    `progress(label, step, total)`: each letter filled, the conversion, the PDF to print."""
    given = store
    with ds.reading(book, given) as reader:
        params = ds.parameters(reader)
        sel = select(reader, filters)
    res = MergeResult(chosen=sel.chosen, refused_marketing=sel.refused_marketing)
    if not sel.chosen:
        n = len(sel.refused_marketing)
        skipped = (f" (seul{'s' if n > 1 else ''} {n} client{'s' if n > 1 else ''}, opposé{'s' if n > 1 else ''} "
                   "à la prospection)" if n else "")
        raise Refused(Issue("publipostage.vide", f"Aucun client ne correspond aux filtres{skipped} : rien n'a été "
                                                 "produit. Élargissez la sélection (voir syc publipostage --help).",
                            "Clients"))
    if simulate:
        return res
    conv = converter or render.converter()  # refused up front when there is no converter at all
    firm = cx.company(params)
    logo = render.logo_path(book.parent)
    folder = _job_folder(book, params, as_of, subject, template)
    with tempfile.TemporaryDirectory(prefix="syc-publipostage-") as tmp:
        work = Path(tmp)
        rendered: list[tuple[Client, Path]] = []
        report = progress or (lambda _label, _step, _total: None)
        total = len(sel.chosen) + 2
        for i, client in enumerate(sel.chosen):
            report("remplissage des lettres", i + 1, total)
            code = str(client.code).strip().upper()
            ctx = letter_context(firm, client, sel.facts.get(code, ClientFacts()), subject,
                                 [*paragraphs, OBJECTION_NOTICE] if filters.commercial else paragraphs, as_of)
            out = work / f"l{i:05d}.docx"
            try:
                render.render_docx(template, ctx, out, logo)
            except Exception as exc:  # a broken template field: said once per client, the others go on
                res.warnings.append(Issue("publipostage.modele", f"Client {code} : la lettre n'a pas pu être "
                                                                 f"remplie ({type(exc).__name__} : {exc}).", code,
                                          Severity.WARNING))
                continue
            rendered.append((client, out))
        report("conversion en PDF (LibreOffice)", total - 1, total)
        made = {p.stem: p for p in conv.convert([o for _, o in rendered], work)} if rendered else {}
        folder.mkdir(parents=True, exist_ok=True)
        placed: list[tuple[Client, Path]] = []
        for client, out in rendered:
            code = str(client.code).strip().upper()
            pdf = made.get(out.stem)
            if pdf is None:
                res.warnings.append(Issue("publipostage.pdf", f"Client {code} : la conversion en PDF n'a rien "
                                                              "produit.", code, Severity.WARNING))
                continue
            block = cx.client_block(client)
            dst = folder / names.document_name(code, block["nom"])
            tmp_dst = dst.with_name(f".{dst.name}.tmp")
            tmp_dst.write_bytes(pdf.read_bytes())
            os.replace(tmp_dst, dst)
            placed.append((client, dst))
        res.letters = [p for _, p in placed]
    if not placed:
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
        raise Refused(res.warnings or [Issue("publipostage.pdf", "Aucune lettre n'a pu être produite.", "")])
    report("assemblage du PDF à imprimer", total, total)
    res.combined = combine([p for _, p in placed], folder.parent / f"{folder.name}.pdf")
    rows = [mail.journal_row(now=now, as_of=as_of, doc_type=mail.DOC_TYPE["lettre"], channel=mail.MERGE,
                             result=mail.PREPARED, client=str(c.code), client_name=cx.client_block(c)["nom"],
                             recipient=", ".join(postal_lines(c.values(), "")), subject=subject or template.stem,
                             files=[p]) for c, p in placed]
    problem = mail.record(book, rows, as_of=as_of, now=now, store=given)
    if problem is not None:
        res.warnings.append(problem)
    return res


def combine(pdfs: Sequence[Path], out: Path) -> Path:
    """One PDF of every letter, in order, to print in one go (pypdf)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for p in pdfs:
        writer.append(str(p))
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "wb") as f:
        writer.write(f)
    writer.close()
    os.replace(tmp, out)
    return out


__all__ = ["ClientFacts", "Filters", "MergeResult", "Selection", "client_facts", "combine", "letter_context",
           "paragraphs_of", "parse_filters", "postal_lines", "run", "select", "template_file"]
