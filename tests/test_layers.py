"""Layers only import downwards: core ← services ← adapters (cli, macros)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "pyxl"
FORBIDDEN = {
    "core": ("pyxl.services", "pyxl.workbook", "pyxl.cli", "pyxl.macros", "pyxl.documents"),
    "services": ("pyxl.cli", "pyxl.macros"),
    "workbook": ("pyxl.services", "pyxl.cli", "pyxl.macros"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_layers_import_only_downwards():
    bad = []
    for layer, forbidden in FORBIDDEN.items():
        for f in (PKG / layer).rglob("*.py"):
            for name in _imports(f):
                if name.startswith(forbidden):
                    bad.append(f"{f.relative_to(PKG)} imports {name}")
    assert bad == []


def test_core_reads_no_clock():
    offenders = [
        str(f.relative_to(PKG)) for f in (PKG / "core").rglob("*.py")
        if "date.today(" in f.read_text(encoding="utf-8") or "datetime.now(" in f.read_text(encoding="utf-8")
    ]
    assert offenders == []
