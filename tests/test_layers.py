"""Layers only import downwards, checked as beancount does (tools/dependency_constraints.py): one
allow-table says which `pyxl` packages each package may import; anything else fails, naming the
file and the line, function-local imports included.

    core  ←  workbook (the store)  ←  services  ←  documents, reports  ←  excel, cli, macros

Documents and reports read through the services' records, never the store (issue 12, item 3:
`pyxl.services.docsource` and `pyxl.services.report_source`). A file that had to read the store
again would be listed, one by one, in `DEBT`; it is empty, and a debt that is paid must leave it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "pyxl"

# package (a folder of pyxl/, or a top-level module) → the pyxl packages or modules it may import;
# a package may always import itself. "pyxl" alone is the root package (its `__version__`).
ALLOWED: dict[str, frozenset[str]] = {
    "__init__": frozenset(),
    "core": frozenset(),
    "workbook": frozenset({"pyxl.core"}),
    "services": frozenset({"pyxl.core", "pyxl.workbook"}),
    "documents": frozenset({"pyxl.core", "pyxl.services", "pyxl.workbook.schema"}),
    "reports": frozenset({"pyxl.core", "pyxl.services", "pyxl.workbook.schema"}),
    "excel": frozenset({"pyxl", "pyxl.core", "pyxl.workbook", "pyxl.services", "pyxl.documents", "pyxl.reports"}),
    "macros": frozenset({"pyxl", "pyxl.core", "pyxl.workbook", "pyxl.services", "pyxl.documents", "pyxl.reports",
                         "pyxl.excel"}),
    # the demo data is written through the services, then built by the Excel front end's builder
    "demo": frozenset({"pyxl.core", "pyxl.workbook", "pyxl.services"}),
    "demo_bulk": frozenset({"pyxl.core", "pyxl.workbook", "pyxl.services", "pyxl.demo", "pyxl.excel.builder"}),
    # moving a workbook into a PostgreSQL base and out of it, and the view workbook: they build workbooks
    "pgbase": frozenset({"pyxl.core", "pyxl.workbook", "pyxl.services.closures", "pyxl.excel.builder"}),
    "pgview": frozenset({"pyxl.core", "pyxl.workbook", "pyxl.excel.builder"}),
    "cli": frozenset({"pyxl", "pyxl.core", "pyxl.workbook", "pyxl.services", "pyxl.documents", "pyxl.reports",
                      "pyxl.demo", "pyxl.demo_bulk", "pyxl.pgbase", "pyxl.pgview"}),
}

# Debt: documents and reports modules that would still read the store (FileStore, its rows and cell
# conversions) instead of the services' typed records. Each entry names the file and what it may
# still import. Emptied by issue 12 item 3: keep it empty.
DEBT: dict[str, frozenset[str]] = {}


def _package(f: Path) -> str:
    rel = f.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _module_of(f: Path) -> str:
    rel = f.relative_to(PKG).with_suffix("")
    parts = ["pyxl", *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str) -> str:
    """`from pyxl import demo` names the module pyxl.demo; `from pyxl import __version__` the root."""
    parts = name.split(".")
    path = PKG.joinpath(*parts[1:])
    if len(parts) > 1 and not path.with_suffix(".py").exists() and not path.is_dir():
        return ".".join(parts[:-1])
    return name


def _imports(f: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every pyxl import of the file, wherever it is (function bodies included)."""
    here = _module_of(f).split(".")
    is_pkg = f.name == "__init__.py"
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's package, up level - 1
                anchor = here if is_pkg else here[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for a in node.names:
                yield node.lineno, _resolve(f"{base}.{a.name}")


def _within(name: str, allowed: frozenset[str]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


def _files() -> list[Path]:
    return sorted(PKG.rglob("*.py"))


def test_every_package_is_in_the_table():
    found = {_package(f) for f in _files()}
    assert sorted(found - ALLOWED.keys()) == [], "a new package needs its line in ALLOWED"
    assert sorted(ALLOWED.keys() - found) == [], "a package that no longer exists leaves ALLOWED"


def test_layers_import_only_what_the_table_allows():
    bad = []
    for f in _files():
        package = _package(f)
        own = "pyxl" if package == "__init__" else f"pyxl.{package}"
        rel = f.relative_to(PKG).as_posix()
        allowed = ALLOWED[package] | {own} | DEBT.get(rel, frozenset())
        for line, name in _imports(f):
            if (name == "pyxl" or name.startswith("pyxl.")) and not _within(name, allowed):
                bad.append(f"pyxl/{rel}:{line} ({package}) imports {name}")
    assert bad == []


def test_the_debt_list_holds_only_debt():
    """Each entry of DEBT is still used; when a file stops reading the store, it leaves DEBT."""
    paid = []
    for rel, names in DEBT.items():
        used = {name for _, name in _imports(PKG / rel)}
        paid += [f"pyxl/{rel}: {n}" for n in names if not any(u == n or u.startswith(n + ".") for u in used)]
    assert paid == []


def test_no_cli_module_imports_private_helpers_of_another():
    """The helpers the `syc` modules share are public, in pyxl/cli/common.py."""
    bad = []
    for f in sorted((PKG / "cli").rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("pyxl")):
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__"):
                        bad.append(f"{f.relative_to(PKG)}:{node.lineno} imports {node.module}.{a.name}")
    assert bad == []


def test_core_reads_no_clock():
    offenders = [
        str(f.relative_to(PKG)) for f in (PKG / "core").rglob("*.py")
        if "date.today(" in f.read_text(encoding="utf-8") or "datetime.now(" in f.read_text(encoding="utf-8")
    ]
    assert offenders == []


# What a store answers (pyxl.workbook.store.Store, and the file store's own readers): documents and
# reports never ask it themselves; they hand the store to the services. A file that had to would be
# listed in STORE_CALLS_DEBT (empty: keep it so).
STORE_METHODS = frozenset({"rows", "rows_where", "rows_at", "tail", "prefetch", "release", "parameters", "journal",
                           "journal_for", "recent_journal", "journal_tail", "check_issued", "verify", "session",
                           "apply", "raw_table", "check_version", "close"})
STORE_CALLS_DEBT: frozenset[str] = frozenset()


def _store_calls(f: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in STORE_METHODS
                and isinstance(node.func.value, ast.Name) and "store" in node.func.value.id.lower()):
            out.append(f"pyxl/{f.relative_to(PKG).as_posix()}:{node.lineno} {node.func.value.id}.{node.func.attr}()")
    return out


def test_documents_and_reports_ask_the_services_not_the_store():
    calls = [c for package in ("documents", "reports") for f in sorted((PKG / package).rglob("*.py"))
             if f.relative_to(PKG).as_posix() not in STORE_CALLS_DEBT for c in _store_calls(f)]
    assert calls == []
    assert all(_store_calls(PKG / rel) for rel in STORE_CALLS_DEBT), "a paid debt leaves STORE_CALLS_DEBT"
    # the check sees a call when there is one: the services' own modules do call the store
    assert _store_calls(PKG / "services" / "docsource.py")
