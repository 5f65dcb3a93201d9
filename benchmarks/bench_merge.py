"""Mail merge (syc publipostage) end to end: N clients, one letter each, one combined PDF.

    python benchmarks/bench_merge.py                 # 200 clients
    python benchmarks/bench_merge.py --clients 50 --keep /tmp/bench-merge

Builds a workbook of N clients (written in one change set), then times `pyxl.documents.merge.run`
with the real letter template and LibreOffice: the selection (with the clients' history), the
docxtpl rendering, the ONE batched conversion, the combination into one PDF (pypdf) and the
journal (one write of N rows in « Journal des envois »). A script, not a test: it prints its figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyxl.documents import merge, render  # noqa: E402
from pyxl.excel.builder import build  # noqa: E402
from pyxl.workbook.filestore import ChangeSet, FileStore  # noqa: E402

DAY = dt.date(2026, 11, 27)
TOWNS = [("69002", "Lyon"), ("69100", "Villeurbanne"), ("38200", "Vienne"), ("01600", "Trévoux"), ("42000",
                                                                                                  "Saint-Étienne")]
BODY = [
    "L'entretien annuel d'une chaudière au gaz est obligatoire (décret n° 2009-649 du 9 juin 2009) : il garantit "
    "votre sécurité, le bon rendement de l'appareil et la validité de votre assurance habitation.",
    "Nos techniciens passeront dans votre secteur au cours des semaines 49 à 51 ; appelez-nous pour fixer le "
    "rendez-vous qui vous convient.",
    "Le tarif reste inchangé : 120,00 € HT, soit 132,00 € TTC, déplacement compris.",
]


class Timed:
    """Wraps the converter to time the conversion apart from the rest."""

    def __init__(self, inner: Any):
        self.inner, self.name, self.seconds, self.calls = inner, inner.name, 0.0, 0

    def convert(self, docx: Any, outdir: Path) -> list[Path]:
        t = time.perf_counter()
        try:
            return list(self.inner.convert(docx, outdir))
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="keep the workbook and letters in this folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    where = args.keep or tmp
    where.mkdir(parents=True, exist_ok=True)
    book = where / "SYC_Gestion.xlsm"
    build(book)
    changes = ChangeSet()
    for key, value in (("raison_sociale", "SYC Chauffage"), ("ville", "Lyon"), ("adresse", "12 rue des Artisans"),
                       ("code_postal", "69003")):
        changes.append("tParametres", {"code": key, "label": key, "value": value})
    for i in range(1, args.clients + 1):
        cp, town = TOWNS[i % len(TOWNS)]
        changes.append("tClients", {
            "code": f"C{i:05d}", "kind": "Particulier", "name": f"CLIENT{i} & Fils <test>", "first_name": "Jean",
            "address": f"{i} rue de l'Église", "postcode": cp, "city": town, "created": DAY, "active": "Oui",
            "marketing_mail": "Non" if i % 10 == 0 else "Oui"})
    FileStore(book).apply(changes, as_of=DAY)
    conv = Timed(render.converter())
    template = merge.template_file("lettre", book.parent)
    t0 = time.perf_counter()
    res = merge.run(book, template, merge.parse_filters(commercial=True), subject="Entretien annuel",
                    paragraphs=BODY, as_of=DAY, now=dt.datetime(2026, 11, 27, 9, 0), converter=conv)
    total = time.perf_counter() - t0
    n = len(res.letters)
    assert res.combined is not None
    size = res.combined.stat().st_size
    journal = len(FileStore(book).rows("tEnvois"))
    print(f"publipostage : {args.clients} clients, {len(res.refused_marketing)} exclus (opposés à la prospection), "
          f"{n} lettres")
    print(f"  total                     {total:7.2f} s   {n / total:6.1f} lettres/s")
    print(f"  conversion PDF            {conv.seconds:7.2f} s   ({conv.calls} appel LibreOffice)")
    print(f"  reste (sélection, DOCX, assemblage, journal) {total - conv.seconds:7.2f} s")
    print(f"  PDF à imprimer            {size / 1e6:7.2f} Mo, {n} pages ; {journal} lignes au Journal des envois")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
