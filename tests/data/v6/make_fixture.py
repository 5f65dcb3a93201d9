"""Rebuild syc_v6.xlsm with the code of schema version 6 (needs git): python tests/data/v6/make_fixture.py

`syc init --demo` of V6_COMMIT, then a sale taken to a paid invoice with the `syc` of that same
commit (quote, acceptance, order, 30 % deposit issued, works done, final invoice issued, a
payment by transfer reversed the next day, then a cheque), at pinned dates: issued documents and their journal rows fingerprinted by the code of version 6.
The journal's timestamps are those of the run, so a rebuild is equivalent, not byte-identical.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

V6_COMMIT = "d62831c15d5018e5c183b8149029ae9d591fb4fb"  # last commit at SCHEMA_VERSION = 6


def main() -> None:
    here = Path(__file__).resolve().parent
    repo = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, check=True,
                               capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as d:
        archive = subprocess.run(["git", "archive", V6_COMMIT, "pyxl"], cwd=repo, check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(d, filter="data")
        book = Path(d) / "out" / "SYC_Gestion.xlsm"
        book.parent.mkdir()
        env = {**os.environ, "PYTHONPATH": d}

        def syc(*args: str, au: str = "2026-01-05") -> dict:
            done = subprocess.run([sys.executable, "-m", "pyxl.cli", *args, "--book", str(book), "--au", au,
                                   "--json"], cwd=d, env=env, check=True, capture_output=True, text=True)
            return json.loads(done.stdout)

        syc("init", "--demo")
        q = syc("devis", "creer", "--client", "C00002", "--ligne", "MO-H:10", "--ligne", "DEP:1",
                "--nature", "depannage")["numero"]
        syc("devis", "accepter", q)
        o = syc("commande", "creer", "--devis", q)["numero"]
        dep = syc("facture", "acompte", "--commande", o, "--pourcentage", "30")["reference"]
        syc("facture", "emettre", dep, "--sans-document")
        syc("commande", "realiser", o, "--date", "06/01/2026", au="2026-01-06")
        final = syc("facture", "creer", "--commande", o, au="2026-01-06")["reference"]
        number = syc("facture", "emettre", final, "--sans-document", au="2026-01-06")["numero"]
        p = syc("reglement", "saisir", "--facture", number, "--montant", "100,00", "--mode", "virement",
                au="2026-01-07")["id"]
        syc("reglement", "annuler", p, "--motif", "virement rejeté", au="2026-01-08")
        syc("reglement", "saisir", "--facture", number, "--montant", "100,00", "--mode", "cheque",
            "--reference", "n° 1187654", au="2026-01-09")
        shutil.copyfile(book, here / "syc_v6.xlsm")
        anchor = book.parent / f".{book.name}.syc-ancre"
        shutil.copyfile(anchor, here / "syc_v6.syc-ancre")


if __name__ == "__main__":
    main()
