"""Rebuild SYC_Gestion_LibreOffice.xlsx (needs `soffice`): python tests/data/libreoffice/make_fixture.py"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pyxl.excel.builder import build

ROWS = {
    "tClients": [
        {"code": "C001", "kind": "Particulier", "name": "Dupont & Fils", "first_name": "Jean",
         "address": "1 rue de l'Église", "postcode": "69001", "city": "Lyon", "created": "2026-01-15",
         "active": "Oui", "notes": 'accès <portail> "B"'},
        {"code": "C002", "kind": "Professionnel", "name": "Éts Müller", "address": "2 av. Foch",
         "postcode": "75008", "city": "Paris", "created": "2026-02-01", "active": "Non"},
    ],
    "tArticles": [
        {"code": "CH-GAZ", "designation": "Chaudière gaz condensation", "unit": "u",
         "unit_price": "2450.50", "vat_rate": "5.5", "active": "Oui"},
    ],
}


def main() -> None:
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "SYC_LO.xlsm"
        build(src, rows=ROWS)
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{d}/lo-prof",
             "--convert-to", "xlsx", "--outdir", d, str(src)],
            check=True,
        )
        shutil.copyfile(Path(d) / "SYC_LO.xlsx", here / "SYC_Gestion_LibreOffice.xlsx")


if __name__ == "__main__":
    main()
