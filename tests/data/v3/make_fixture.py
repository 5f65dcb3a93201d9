"""Rebuild syc_v3.xlsm with the code of schema version 3 (needs git): python tests/data/v3/make_fixture.py

The workbook committed at V3_COMMIT (`workbook/SYC_Gestion.xlsm`, schema version 3) gets two
clients, an article, a sector and a draft quote with one line, written by the FileStore of that
same commit, not by today's.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

V3_COMMIT = "f6363aea1fb8b630fbdc1c9d320c4f38222cb76b"  # last commit at SCHEMA_VERSION = 3

WRITE = r'''
import datetime as dt, sys
from decimal import Decimal
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import SCHEMA
assert SCHEMA.version == 3, SCHEMA.version
changes = ChangeSet()
changes.append("tClients", {
    "code": "C00001", "kind": "Particulier", "name": "Dupont & Fils <SARL> \"l'Étang\"", "first_name": "Jean",
    "address": "1 rue de l'Église", "postcode": "69001", "city": "Lyon", "phone": "04 78 00 00 01",
    "email": "jean.dupont@example.fr", "sector": "Rhône", "created": dt.date(2026, 1, 15), "active": "Oui",
    "notes": "=cmd|' /C calc'!A0", "marketing_mail": "Oui"})
changes.append("tClients", {
    "code": "C00002", "kind": "Professionnel", "name": "Boulangerie Martin", "address": "2 av. Foch",
    "postcode": "38000", "city": "Grenoble", "siret": "73282932000074", "category": "Commerçant-artisan",
    "created": dt.date(2026, 1, 20), "active": "Oui"})
changes.append("tArticles", {
    "code": "MO-H", "designation": "Main-d'œuvre", "unit": "h", "unit_price": Decimal("55"),
    "vat_rate": Decimal("10"), "family": "Main-d'œuvre", "active": "Oui"})
changes.append("tSecteurs", {"prefix": "69", "sector": "Rhône", "notes": "Lyon et alentours"})
changes.append("tCompteurs", {"series": "Client", "year": None, "last": 2})
changes.append("tDevis", {
    "number": "D2026-0001", "date": dt.date(2026, 2, 2), "client": "C00001",
    "client_name": "Dupont & Fils <SARL> \"l'Étang\" Jean", "object": "Entretien chaudière",
    "nature": "Entretien", "status": "Brouillon", "validity_days": 30, "total_ht": Decimal("110"),
    "total_vat": Decimal("11"), "total_ttc": Decimal("121")})
changes.append("tLignesDevis", {
    "quote": "D2026-0001", "pos": 1, "article": "MO-H", "designation": "Main-d'œuvre", "unit": "h",
    "qty": Decimal(2), "unit_price": Decimal("55"), "rate": Decimal(10), "net": Decimal("110")})
FileStore(sys.argv[1]).apply(changes, as_of=dt.date(2026, 2, 2), now=dt.datetime(2026, 2, 2, 9, 0))
'''


def main() -> None:
    here = Path(__file__).resolve().parent
    repo = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, check=True,
                               capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as d:
        archive = subprocess.run(["git", "archive", V3_COMMIT, "pyxl", "workbook/SYC_Gestion.xlsm"],
                                 cwd=repo, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(d, filter="data")
        book = Path(d) / "out" / "SYC_Gestion.xlsm"
        book.parent.mkdir()
        shutil.copyfile(Path(d) / "workbook" / "SYC_Gestion.xlsm", book)
        subprocess.run([sys.executable, "-c", WRITE, str(book)], cwd=d, check=True,
                       env={**os.environ, "PYTHONPATH": d})
        shutil.copyfile(book, here / "syc_v3.xlsm")


if __name__ == "__main__":
    main()
