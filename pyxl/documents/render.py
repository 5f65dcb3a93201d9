"""DOCX from a template and a context (docxtpl), PDF from DOCX (LibreOffice headless, or Word).

Rendering always uses `autoescape=True`: without it, docxtpl silently corrupts a client called
`Dupont & Fils <SARL>` (workbook-build.md §7). Conversion is batched: ONE LibreOffice process
converts every document of a job (start-up dominates: about 0.8 s per call against 0.13 s per
document in a batch), with a private profile so a LibreOffice the user has open is never reused
and two jobs never share a profile.

PDF flavour: every PDF is exported as PDF/A-3b (`SelectPdfVersion=3`), the base of Factur-X
e-invoices: fonts embedded, an output intent, XMP identification. One filter for all documents
keeps the job to one call.

Windows: LibreOffice when installed (same result as on Linux), else the installed Word through
COM (pywin32), which exports PDF/A-1b at best (`UseISO19005_1`), not PDF/A-3. That path is
written behind the `Converter` seam but untested here (no Windows machine).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PDFA_FILTER = {"SelectPdfVersion": {"type": "long", "value": "3"},
               "UseTaggedPDF": {"type": "boolean", "value": "true"}}
LOGO_NAMES = ("logo.png", "logo.jpg", "logo.jpeg")


class ConversionError(Exception):
    """The PDF converter could not run or produced nothing; the message is French."""


def template_path(name: str, book_dir: Path | None = None) -> Path:
    """A template: `modeles/NAME` beside the workbook when the business keeps its own copy, else
    the one shipped in templates/."""
    if book_dir is not None:
        own = book_dir / "modeles" / name
        if own.is_file():
            return own
    return TEMPLATES / name


def logo_path(book_dir: Path | None) -> Path | None:
    if book_dir is None:
        return None
    return next((book_dir / n for n in LOGO_NAMES if (book_dir / n).is_file()), None)


def render_docx(template: Path, context: Mapping[str, Any], out: Path, logo: Path | None = None) -> Path:
    """Fill `template` with `context` (already formatted) and save the DOCX at `out`."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(template))
    ctx = dict(context)
    ctx["logo"] = InlineImage(tpl, str(logo), height=Mm(16)) if logo is not None else ""
    tpl.render(ctx, autoescape=True)
    # the PDF's title and author (LibreOffice and Word take them from the document's properties)
    firm: Mapping[str, Any] = ctx["entreprise"] if isinstance(ctx.get("entreprise"), Mapping) else {}
    doc: Mapping[str, Any] = ctx["doc"] if isinstance(ctx.get("doc"), Mapping) else {}
    title = " ".join(str(x) for x in (ctx.get("titre") or "", doc.get("numero") or "") if x).strip()
    props = tpl.docx.core_properties
    props.title = (f"{title} — {firm.get('raison_sociale', '')}" if title and firm.get("raison_sociale") else title)[:250]
    props.author = str(firm.get("raison_sociale") or "")[:250]
    tpl.save(str(out))
    return out


# --------------------------------------------------------------------------- conversion
class Converter(Protocol):
    name: str

    def convert(self, docx: Sequence[Path], outdir: Path) -> list[Path]:
        """PDFs of `docx` in `outdir` (same stems), in one go; missing ones are simply absent."""


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if sys.platform == "win32":
        for base in (os.environ.get("PROGRAMFILES", r"C:\Program Files"),
                     os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")):
            exe = Path(base) / "LibreOffice" / "program" / "soffice.exe"
            if exe.is_file():
                return str(exe)
    return None


@dataclass
class LibreOffice:
    """`soffice --headless --convert-to pdf:writer_pdf_Export:{…} --outdir OUT a.docx b.docx …`."""

    exe: str
    timeout: float = 600.0
    name: str = "LibreOffice"

    def convert(self, docx: Sequence[Path], outdir: Path) -> list[Path]:
        if not docx:
            return []
        with tempfile.TemporaryDirectory(prefix="syc-lo-") as profile:
            cmd = [self.exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export:" + json.dumps(PDFA_FILTER),
                   "--outdir", str(outdir), *map(str, docx)]
            try:
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=self.timeout,
                               check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ConversionError(f"LibreOffice n'a pas pu convertir les documents ({exc})") from None
        return [p for p in (outdir / (d.stem + ".pdf") for d in docx) if p.is_file() and p.stat().st_size > 0]


@dataclass
class Word:  # pragma: no cover - Windows only, untested here
    """The installed Word through COM (pywin32): one Word instance for the whole job.
    Gives PDF/A-1b (`UseISO19005_1`), not PDF/A-3b."""

    name: str = "Word"

    def convert(self, docx: Sequence[Path], outdir: Path) -> list[Path]:
        try:
            import win32com.client
        except ImportError as exc:
            raise ConversionError("ni LibreOffice ni Word (pywin32) ne sont disponibles pour faire les PDF") from exc
        word = win32com.client.DispatchEx("Word.Application")
        word.Visible = False
        word.DisplayAlerts = 0
        done = []
        try:
            for d in docx:
                doc = word.Documents.Open(str(d.resolve()), ReadOnly=True)
                try:
                    pdf = outdir / (d.stem + ".pdf")
                    doc.ExportAsFixedFormat(str(pdf.resolve()), 17, UseISO19005_1=True)  # 17 = wdExportFormatPDF
                    done.append(pdf)
                finally:
                    doc.Close(False)
        finally:
            word.Quit()
        return done


def converter() -> Converter:
    """LibreOffice when present (Linux, or Windows with LibreOffice), else Word on Windows."""
    exe = find_soffice()
    if exe:
        return LibreOffice(exe)
    if sys.platform == "win32":  # pragma: no cover
        return Word()
    raise ConversionError("LibreOffice est introuvable : installez-le (paquet libreoffice-writer-nogui) "
                          "pour produire les PDF, ou demandez seulement le DOCX (--docx)")
