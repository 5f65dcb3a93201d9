"""Rebuild the schema-12 archive fixture with the code of schema version 12 (needs git):
python tests/data/archive-v12/make_fixture.py

`syc demo --annees 3 --echelle 0.02` of V12_COMMIT (sales from 2024 to June 2026), then, with the
`syc` of that same commit, the FEC of 2024 (`FEC-2024-avant-archivage.txt`) and `syc exercice archiver --fin 2024-12-31 --au 2026-07-01`: the archive
is written, verified and recorded (SHA-256 in the genesis row) by the code of version 12. The
journal's timestamps are those of the run, so a rebuild is equivalent, not byte-identical.
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

V12_COMMIT = "b83c66b1155845b077340d205ffe54e3a5c0dbb0"  # last commit at SCHEMA_VERSION = 12


def main() -> None:
    here = Path(__file__).resolve().parent
    repo = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, check=True,
                               capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as d:
        code = subprocess.run(["git", "archive", V12_COMMIT, "pyxl", "templates"], cwd=repo, check=True,
                              capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(code)) as tar:
            tar.extractall(d, filter="data")
        out = Path(d) / "out"
        env = {**os.environ, "PYTHONPATH": d}
        subprocess.run([sys.executable, "-m", "pyxl.cli", "demo", "--annees", "3", "--echelle", "0.02", "--sortie",
                        str(out)], cwd=d, env=env, check=True, capture_output=True)
        book = out / "SYC_Gestion.xlsm"
        subprocess.run([sys.executable, "-m", "pyxl.cli", "compta", "fec", "--exercice", "2024", "--sortie",
                        str(out / "fec"), "--book", str(book), "--au", "2026-07-01"], cwd=d, env=env, check=True,
                       capture_output=True)
        subprocess.run([sys.executable, "-m", "pyxl.cli", "exercice", "archiver", "--fin", "2024-12-31", "--book",
                        str(book), "--au", "2026-07-01"], cwd=d, env=env, check=True, capture_output=True)
        (fec,) = (out / "fec").glob("*FEC20241231.txt")
        shutil.copyfile(fec, here / "FEC-2024-avant-archivage.txt")
        shutil.copyfile(book, here / "SYC_Gestion.xlsm")
        shutil.copyfile(out / f".{book.name}.syc-ancre", here / "SYC_Gestion.syc-ancre")
        shutil.copyfile(out / "Archives" / "SYC_Gestion-exercice-2024.xlsm", here / "SYC_Gestion-exercice-2024.xlsm")


if __name__ == "__main__":
    main()
