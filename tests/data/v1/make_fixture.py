"""Rebuild syc_v1.xlsm with the code of schema version 1 (needs git): python tests/data/v1/make_fixture.py

The workbook committed at V1_COMMIT (`workbook/SYC_Gestion.xlsm`, schema version 1) gets one
client, two articles and one sector, written by the FileStore of that same commit, not by today's.
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

V1_COMMIT = "fd17753458db0908d42ab02f6b0843e00fa14831"  # last commit at SCHEMA_VERSION = 1

WRITE = r'''
import datetime as dt, sys
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import SCHEMA
assert SCHEMA.version == 1, SCHEMA.version
changes = ChangeSet()
changes.append("tClients", {
    "code": "C001", "kind": "Particulier", "name": "Dupont & Fils", "first_name": "Jean",
    "address": "1 rue de l'Église", "postcode": "69001", "city": "Lyon", "phone": "04 78 00 00 01",
    "sector": "Rhône", "created": dt.date(2026, 1, 15), "active": True, "notes": 'accès <portail> "B"'})
changes.append("tArticles", {
    "code": "CH-GAZ", "designation": "Chaudière gaz à condensation 24 kW", "unit": "u",
    "unit_price": "2450.50", "vat_rate": "5.5", "purchase_price": "1610", "family": "Matériel",
    "category": "Chaudière gaz", "active": True})
changes.append("tArticles", {
    "code": "MO-H", "designation": "Main-d'œuvre", "unit": "h", "unit_price": "55",
    "vat_rate": "10", "family": "Main-d'œuvre", "active": True})
changes.append("tSecteurs", {"prefix": "69", "sector": "Rhône", "notes": "Lyon et alentours"})
FileStore(sys.argv[1]).apply(changes, as_of=dt.date(2026, 2, 2), now=dt.datetime(2026, 2, 2, 9, 0))
'''


def main() -> None:
    here = Path(__file__).resolve().parent
    repo = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, check=True,
                               capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as d:
        archive = subprocess.run(["git", "archive", V1_COMMIT, "pyxl", "workbook/SYC_Gestion.xlsm"],
                                 cwd=repo, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(d, filter="data")
        book = Path(d) / "out" / "SYC_Gestion.xlsm"
        book.parent.mkdir()
        shutil.copyfile(Path(d) / "workbook" / "SYC_Gestion.xlsm", book)
        subprocess.run([sys.executable, "-c", WRITE, str(book)], cwd=d, check=True,
                       env={**os.environ, "PYTHONPATH": d})
        shutil.copyfile(book, here / "syc_v1.xlsm")


if __name__ == "__main__":
    main()
