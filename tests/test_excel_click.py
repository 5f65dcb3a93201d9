"""The Python side of a click (`syc-python`, `pyxl.excel.click`): the command xlwings' RunPython
builds runs without pandas, matplotlib or plotly, except for the actions drawing charts.
A test of imports (sys.modules of a fresh interpreter), not a timing: see benchmarks/bench_click.py."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import pyxl.macros
from pyxl.excel import click, registry

BOOK = r"C:\SYC\SYC_Gestion.xlsm"
# what xlwings' ExecuteWindows (standalone module, 0.37.8) puts ahead of our command
PREFIX = f'import xlwings.utils;xlwings.utils.prepare_sys_path("true;{BOOK};{BOOK};;;;"); '
XL_ARGS = ["--wb=SYC_Gestion.xlsm", "--from_xl=1", "--app=EXCEL.EXE", "--hwnd=1"]
REPORT = "import json, sys; print(json.dumps(sorted(k for k in ('pandas', 'matplotlib', 'plotly') if sys.modules.get(k))))"


def _click(code: str, *opts: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyxl.excel.click", *opts, "-c", code, *XL_ARGS],
                          capture_output=True, text=True, timeout=120)


def _macro_imports() -> dict[str, set[str]]:
    """Per function of pyxl.macros, the modules it imports when called."""
    tree = ast.parse(Path(pyxl.macros.__file__).read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names = set()
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.module:
                    names.add(sub.module)
                    # `from pyxl.excel import forms`: the module pyxl.excel.forms
                    if hasattr(importlib.import_module(sub.module), "__path__"):
                        names |= {f"{sub.module}.{a.name}" for a in sub.names
                                  if importlib.util.find_spec(f"{sub.module}.{a.name}")}
                elif isinstance(sub, ast.Import):
                    names |= {a.name for a in sub.names}
            out[node.name] = names
    return out


def test_the_command_of_a_click_imports_neither_pandas_nor_matplotlib():
    done = _click(PREFIX + "import pyxl.macros as m; " + REPORT, "-B")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_every_module_a_masked_action_imports_loads_under_the_mask():
    # what the actions import when clicked must not need pandas/matplotlib at import time
    modules = sorted({name for f, names in _macro_imports().items() if f not in click.UNMASKED for name in names})
    assert "pyxl.excel.forms" in modules and "pyxl.services.invoices" in modules
    code = PREFIX + "import pyxl.macros as m; " + "; ".join(f"import {m}" for m in modules) + "; " + REPORT
    done = _click(code, "-B")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_the_diagnostic_tells_whether_the_click_was_masked():
    code = "import pyxl.macros as m; from pyxl.excel.diagnostics import report; print(report('', '', '', '')[0])"
    fast = _click(code, "-B")
    assert fast.returncode == 0, fast.stderr
    assert "Démarrage des clics : rapide (syc-python, sans pandas ni matplotlib)" in fast.stdout
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "Démarrage des clics : Python complet" in plain.stdout


def test_the_dashboard_click_keeps_pandas_and_matplotlib():
    code = PREFIX + "import pyxl.macros as m; 0 and m.actualiser_tableau_de_bord('', 0); import pandas, matplotlib; " + REPORT
    done = _click(code, "-B")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["matplotlib", "pandas"]


def test_the_macos_command_line_and_the_arguments_seen_by_xlwings():
    # AppleScript of xlwings: python -B -u -W ignore -c "…" "--wb=…" "--from_xl=1" "--app=…"
    code = PREFIX + "import pyxl.macros as m; import sys, warnings; print(sys.argv[1:], sys.dont_write_bytecode)"
    done = _click(code, "-B", "-u", "-W", "ignore")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{XL_ARGS} True"


def test_an_error_in_the_command_exits_non_zero_with_its_traceback():
    # xlwings shows stderr to the user when the exit code is not 0
    done = _click("import pyxl.macros as m; raise ValueError('boum')")
    assert done.returncode == 1
    assert "ValueError: boum" in done.stderr


def test_other_command_lines_go_to_the_real_interpreter():
    done = subprocess.run([sys.executable, "-m", "pyxl.excel.click", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("Python 3.")


@pytest.mark.parametrize("a", registry.ACTIONS, ids=lambda a: a.function)
def test_the_mask_applies_to_every_generated_command_but_the_charts(a):
    sub = registry.sub_source(a)
    command = sub.split('RunPython "', 1)[1].split('"', 1)[0] + "'00', 1)"
    assert click.masks(PREFIX + command) is (a.function not in click.UNMASKED)


def test_unmasked_actions_are_exactly_those_importing_reports_or_the_dashboard():
    heavy = {f for f, names in _macro_imports().items()
             if any(n.startswith(("pyxl.reports", "pyxl.excel.dashboard")) for n in names)}
    assert heavy == set(click.UNMASKED)
    assert all(hasattr(pyxl.macros, f) for f in click.UNMASKED)


def test_configurer_writes_syc_python_when_installed():
    from pyxl.cli.excel_cmd import click_interpreter

    path = Path(click_interpreter())
    assert path.name in ("syc-python", "syc-python.exe", Path(sys.executable).name)
