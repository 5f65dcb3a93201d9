"""Concurrent `syc` writers wait for each other: numbers are never given twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

from pyxl.cli import main


def test_parallel_client_creations_get_distinct_codes(tmp_path: Path):
    book = tmp_path / "SYC_Gestion.xlsm"
    assert main(["init", "--book", str(book)]) == 0
    cmd = [sys.executable, "-m", "pyxl.cli", "client", "ajouter", "--book", str(book), "--type", "particulier",
           "--adresse", "1 rue", "--cp", "69001", "--ville", "Lyon", "--nom"]
    procs = [subprocess.Popen([*cmd, f"Client {i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(6)]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    grid = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Clients").to_python()
    codes = [r[0] for r in grid[1:] if r[0]]
    assert sorted(codes) == [f"C0000{i}" for i in range(1, 7)]
    names = sorted(r[2] for r in grid[1:] if r[0])
    assert names == [f"Client {i}" for i in range(6)]
