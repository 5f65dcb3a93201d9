"""A Windows console or a pipe in cp1252 never makes `syc` crash on « → » or « 3 221,29 € »."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pyxl.cli import main


def test_output_in_cp1252_does_not_crash(tmp_path: Path):
    book = tmp_path / "SYC_Gestion.xlsm"
    assert main(["init", "--demo", "--book", str(book)]) == 0
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    for argv in (["article", "liste"], ["--help"], ["secteur", "--help"]):
        done = subprocess.run([sys.executable, "-m", "pyxl.cli", *argv, "--book", str(book)] if argv[0] != "--help"
                              else [sys.executable, "-m", "pyxl.cli", *argv],
                              env=env, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
        assert "€".encode("cp1252") in done.stdout or argv[-1] == "--help"
