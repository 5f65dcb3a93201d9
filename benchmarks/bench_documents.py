"""Documents throughput: a one-page letter from the real template (templates/lettre.docx).

    python benchmarks/bench_documents.py              # 200 copies, sample of 20
    python benchmarks/bench_documents.py --copies 50 --sample 10 --keep /tmp/bench-docs

(a) 200 copies to DOCX and PDF in ONE job (`pyxl.documents.jobs.produce`: docxtpl rendering, one
    LibreOffice call, files moved into Documents/AAAA/Courriers): documents per second, and the
    split between rendering (DOCX) and conversion (PDF).
(b) On a sample of 20 of those DOCX, in the same run: one batched LibreOffice call against one
    LibreOffice call per document (each with its own private profile, as a job does). Aim ≥ 5×.

A script, not a test: it prints its figures and exits 0 (1 when (b) is below 5×).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyxl.cli import main as syc  # noqa: E402
from pyxl.documents import context as cx  # noqa: E402
from pyxl.documents import jobs, render  # noqa: E402
from pyxl.workbook.filestore import FileStore  # noqa: E402

DAY = dt.date(2026, 11, 27)
BODY = (
    "Votre chaudière a été entretenue par nos soins le 14 novembre 2025. L'entretien annuel d'une chaudière "
    "au gaz est obligatoire (décret n° 2009-649 du 9 juin 2009) : il garantit votre sécurité, le bon "
    "rendement de l'appareil et la validité de votre assurance habitation.",
    "Nous vous proposons de fixer dès maintenant le rendez-vous de cette année. Nos techniciens passeront "
    "dans votre secteur au cours des semaines 49 à 51 ; il vous suffit de nous appeler ou de répondre à ce "
    "courrier en indiquant les demi-journées qui vous conviennent.",
    "Le tarif de l'entretien reste inchangé : 120,00 € HT, soit 132,00 € TTC au taux de 10 % applicable "
    "aux logements de plus de deux ans, déplacement compris. L'attestation d'entretien vous sera remise "
    "à l'issue de la visite, dans les quinze jours au plus tard.",
    "Si vous avez souscrit un contrat d'entretien, ce courrier tient lieu de rappel et aucun règlement ne "
    "vous sera demandé sur place. Pour toute question, notre secrétariat est à votre disposition du lundi "
    "au vendredi, de 8 h à 12 h et de 14 h à 18 h.",
)


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(x.split()[-1]) for x in out.splitlines() if x.startswith("Pages:")), 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--keep", metavar="DOSSIER", help="garder les fichiers dans ce dossier")
    a = ap.parse_args()
    exe = render.find_soffice()
    if exe is None:
        print("LibreOffice (soffice) est introuvable.")
        return 1
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-docs-"))
    work.mkdir(parents=True, exist_ok=True)
    book = work / "SYC_Gestion.xlsm"
    with contextlib.redirect_stdout(io.StringIO()):
        syc(["init", "--demo", "--book", str(book), "--au", DAY.isoformat(), "--force"])
    store = FileStore(book)

    # (a) one job: 200 letters, DOCX + PDF
    t0 = time.perf_counter()
    planned = [jobs.plan_letter(store, book, "C00001", "Entretien annuel de votre chaudière", BODY, DAY,
                                file_stem=f"Entretien {i:04d}") for i in range(a.copies)]
    t_plan = time.perf_counter() - t0
    tmp = Path(tempfile.mkdtemp(prefix="render-", dir=work))
    t0 = time.perf_counter()
    docx = [render.render_docx(render.template_path(cx.KINDS["lettre"][1]), p.context, tmp / f"l{i:04d}.docx")
            for i, p in enumerate(planned)]
    t_render = time.perf_counter() - t0
    t0 = time.perf_counter()
    made = render.LibreOffice(exe).convert(docx, tmp)
    t_convert = time.perf_counter() - t0
    assert len(made) == len(docx), "conversion incomplète"
    t0 = time.perf_counter()
    done = jobs.produce(book, planned, pdf=True, docx=True)
    t_job = time.perf_counter() - t0
    pdfs = [p for p in done.written if p.suffix == ".pdf"]
    assert len(pdfs) == a.copies and not done.warnings, done.warnings
    n_pages = pages(pdfs[0])

    # (b) sample: one batched call against one call per document
    sample = docx[: a.sample]
    out_b = Path(tempfile.mkdtemp(prefix="batch-", dir=work))
    t0 = time.perf_counter()
    render.LibreOffice(exe).convert(sample, out_b)
    t_batch = time.perf_counter() - t0
    out_s = Path(tempfile.mkdtemp(prefix="single-", dir=work))
    t0 = time.perf_counter()
    for d in sample:
        render.LibreOffice(exe).convert([d], out_s)
    t_single = time.perf_counter() - t0
    ratio = t_single / t_batch

    print(f"Lettre d'une page ({n_pages} page(s) en PDF), modèle templates/lettre.docx, {a.copies} exemplaires")
    print(f"(a) préparation des contextes        : {t_plan:6.2f} s")
    print(f"    rendu DOCX (docxtpl)             : {t_render:6.2f} s  ({a.copies / t_render:6.1f} documents/s)")
    print(f"    conversion PDF, un seul appel    : {t_convert:6.2f} s  ({a.copies / t_convert:6.1f} documents/s)")
    print(f"    travail complet jobs.produce     : {t_job:6.2f} s  ({a.copies / t_job:6.1f} documents/s, "
          "DOCX + PDF/A-3b rangés dans Documents/)")
    print(f"(b) échantillon de {a.sample} : un appel groupé {t_batch:6.2f} s ; un appel par document "
          f"{t_single:6.2f} s ; rapport {ratio:4.1f} × (objectif ≥ 5 ×)")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ratio >= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
