"""The workbook's VBA, buttons and ribbon, checked without Excel: olevba reads the module back, the
`dir` stream differs from the xlwings template only where intended, every RunPython command names
a function of `pyxl.macros`, every button and ribbon control names an existing sub, and headless
LibreOffice runs each sub (with a stub RunPython) and gets its exact Python command."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import pyxl.macros as macros
from pyxl.excel import builder, registry, vba
from pyxl.excel.runner import encode

ROOT = Path(__file__).resolve().parents[1]
BOOK = builder.COMMITTED_BOOK


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _modules(data: bytes) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("SYC_Gestion.xlsm", data=data)
    return {stream.split("/")[-1]: code for _, stream, _name, code in parser.extract_macros()}


def test_macros_bas_is_the_generation_and_the_workbook_holds_it():
    committed = vba.MACROS_BAS.read_bytes().decode("utf-8").replace("\r\n", "\n")
    assert committed == registry.vba_module(), "regenerate: python -m pyxl.excel.builder"
    modules = _modules(BOOK.read_bytes())
    assert modules["Module1"].replace("\r\n", "\n").rstrip("\n") == registry.vba_module().rstrip("\n")
    template = _modules(vba.template_project_xlsm_bytes())
    for name in ("xlwings", "Dictionary", "ThisWorkbook", "Sheet1", "Sheet2"):
        assert modules[name] == template[name], name


def test_dir_stream_differs_from_the_template_only_by_module1_offset():
    import olefile
    from oletools.olevba import decompress_stream

    def records(project: bytes) -> list[tuple[int, bytes]]:
        ole = olefile.OleFileIO(io.BytesIO(project))
        return vba.dir_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))

    ours = records(_parts(BOOK.read_bytes())["xl/vbaProject.bin"])
    theirs = records(vba.template_project())
    assert len(ours) == len(theirs)
    diffs = [(i, a, b) for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
    assert len(diffs) == 1
    i, (rid, data), _ = diffs[0]
    assert rid == 0x31 and data == b"\x00\x00\x00\x00"  # MODULEOFFSET of Module1 := 0 (source only)
    names = [d.decode("cp1252") for r, d in ours if r == 0x1A]
    assert names[i and names.index("Module1")] == "Module1"


def test_xlwings_version_of_the_vba_matches_the_pinned_package():
    import xlwings

    modules = _modules(BOOK.read_bytes())
    m = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', modules["xlwings"])
    assert m and m.group(1) == xlwings.__version__
    with open(ROOT / "pyproject.toml", encoding="utf-8") as f:
        assert f'"xlwings=={xlwings.__version__}"' in f.read()


def test_every_runpython_names_a_macro_function_and_every_control_an_existing_sub():
    text = registry.vba_module()
    subs = set(re.findall(r"^(?:Sub|Function) (\w+)", text, re.M))
    for fn in re.findall(r"import pyxl\.macros as m; m\.(\w+)\(", text):
        assert callable(getattr(macros, fn, None)), fn
    parts = _parts(BOOK.read_bytes())
    vml = b"".join(v for k, v in parts.items() if k.endswith(".vml")).decode()
    bound = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert bound and set(bound) <= subs
    assert {a.name for a in registry.ACTIONS if a.on_home} <= set(bound)
    ribbon = parts[registry.CUSTOMUI_PART].decode()
    actions = re.findall(r'onAction="(\w+)"', ribbon)
    assert len(actions) == len(registry.ACTIONS) and set(actions) <= subs
    assert registry.CUSTOMUI_REL_TYPE.encode() in parts["_rels/.rels"]


def test_a_syc_write_leaves_vba_buttons_and_ribbon_byte_for_byte(tmp_path):
    import sys

    book = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(BOOK, book)
    before = _parts(book.read_bytes())
    r = subprocess.run([sys.executable, "-m", "pyxl.cli", "client", "ajouter", "--book", str(book), "--nom", "Dupont",
                        "--type", "particulier", "--adresse", "1 rue", "--cp", "69001", "--ville", "Lyon"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    after = _parts(book.read_bytes())
    kept = [n for n in before if n == "xl/vbaProject.bin" or n.endswith(".vml") or n.startswith("customUI/")
            or n == "_rels/.rels"]
    assert len(kept) >= 4
    for n in kept:
        assert after[n] == before[n], n


def _stub_book(tmp_path: Path) -> Path:
    """The built workbook with xlwings' module replaced by a stub RunPython writing its command to
    Accueil!Z1 (LibreOffice cannot compile the real one), Dictionary emptied, and SycAsk answering
    a fixed hostile text instead of opening an InputBox."""
    parts = _parts(BOOK.read_bytes())
    project = parts["xl/vbaProject.bin"]
    stub = ('Attribute VB_Name = "xlwings"\nPublic Const XLWINGS_VERSION As String = "test"\n'
            'Public Function RunPython(PythonCommand As String)\n'
            '    ThisWorkbook.Worksheets("Accueil").Range("Z1").Value = "#" & PythonCommand\nEnd Function\n')
    project = vba.patch_module(project, "xlwings", stub)
    dic = _modules(BOOK.read_bytes())["Dictionary"]
    head = [x for x in dic.replace("\r\n", "\n").split("\n") if x.startswith(("VERSION", "BEGIN", "  MultiUse", "END"))]
    attrs = 'Attribute VB_Name = "Dictionary"\nAttribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n' \
            'Attribute VB_PredeclaredId = False\nAttribute VB_Exposed = False\n'
    project = vba.patch_module(project, "Dictionary", "\n".join(head[:4]) + "\n" + attrs, check=False)
    module = registry.vba_module().replace(
        '    v = Application.InputBox(prompt, "SYC Gestion", default, Type:=2)', f'    v = "{ANSWER}"')
    assert f'v = "{ANSWER}"' in module
    # no dialog in a headless run: the row and form guards let the sub go on (their branches that
    # open a sheet and ask for confirmation are for Excel, see docs/verification-excel.md)
    module = module.replace("Function SycOnForm(ByVal sheetName As String) As Boolean\n",
                            "Function SycOnForm(ByVal sheetName As String) As Boolean\n    SycOnForm = True\n"
                            "    Exit Function\n")
    module = module.replace("Function SycOnRow(ByVal sheetName As String, ByVal label As String, ByVal ask As Boolean) "
                            "As Boolean\n",
                            "Function SycOnRow(ByVal sheetName As String, ByVal label As String, ByVal ask As Boolean) "
                            "As Boolean\n"
                            "    SycOnRow = True\n    Exit Function\n")
    assert module.count("Exit Function") >= 2
    # headless LibreOffice has no status bar (setting it ends the process); the cursor stays
    busy = '        Application.StatusBar = "SYC Gestion : « " & label & " » en cours…"\n'
    assert busy in module
    module = module.replace(busy, "")
    project = vba.patch_module(project, "Module1", module)
    out = tmp_path / "stub.xlsm"
    with zipfile.ZipFile(BOOK) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, project if info.filename == "xl/vbaProject.bin" else src.read(info.filename))
    return out


ANSWER = "Dupont & Fils <SARL> l'Étang"


def test_libreoffice_binds_every_button_and_runs_every_sub(tmp_path):
    soffice = shutil.which("soffice")
    python3 = "/usr/bin/python3"
    if soffice is None or subprocess.run([python3, "-c", "import uno"], capture_output=True).returncode:
        pytest.skip("LibreOffice with python3-uno is needed (scripts/setup.sh --tests installs them)")
    book = _stub_book(tmp_path)
    subs = [a.name for a in registry.ACTIONS]
    r = subprocess.run([python3, str(ROOT / "tests" / "tools" / "lo_macros.py"), str(book), str(tmp_path / "lo"),
                        "Accueil!Z1", *subs], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert "VBAProject.Module1" in got["modules"]
    bound = {label: codes for sheet, label, codes in got["buttons"] if sheet == "Accueil"}
    for a in registry.ACTIONS:
        if a.on_home:
            assert any(f"VBAProject.Module1.{a.name}?" in c for c in bound[a.label]), a.label
    # every button of every sheet (forms, dashboard) is bound to a sub of the module
    names = {a.name for a in registry.ACTIONS}
    assert {sheet for sheet, _l, _c in got["buttons"]} >= {"Accueil", "Saisie devis", "Saisie règlement",
                                                           "Publipostage", "Tableau de bord"}
    for sheet, label, codes in got["buttons"]:
        subs = [c.split("VBAProject.Module1.")[1].split("?")[0] for c in codes if "VBAProject.Module1." in c]
        assert subs and set(subs) <= names, (sheet, label, codes)
    # a hidden document has no active cell in LibreOffice: SycHere falls back to row 0 (in Excel, the
    # clicked row; the macros refuse row 0 naming the sheet)
    here = f"'{encode('Accueil')}', 0"
    for a in registry.ACTIONS:
        args = [here] + [f"'{encode(ANSWER)}'"] * len(a.asks) + [f"'{encode('test')}'" if p == "XLWINGS_VERSION" else None
                                                                  for p in a.passes]
        command = got["runs"][a.name]
        assert command.startswith(f"import pyxl.macros as m; m.{a.function}({here}"), (a.name, command)
        if not a.passes:
            assert command == f"import pyxl.macros as m; m.{a.function}({', '.join(args)})", a.name


def test_syc_excel_configurer_writes_only_the_conf_sheet(tmp_path):
    import sys

    from pyxl.cli.excel_cmd import conf_values
    from pyxl.workbook.ooxml import Package

    book = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(BOOK, book)
    part = Package(str(book)).sheets["xlwings.conf"]
    before = _parts(book.read_bytes())

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pyxl.cli", "excel", "configurer", "--book", str(book), *args],
                              capture_output=True, text=True, check=False)

    r = run("--systeme", "windows", "--interpreteur", r"C:\Users\Léa\AppData\Local\Programs\Python\python.exe",
            "--pythonpath", r"C:\SYC & Fils")
    assert r.returncode == 0, r.stderr
    after = _parts(book.read_bytes())
    assert sorted(after) == sorted(before)
    assert [n for n in after if after[n] != before[n]] == [part]
    assert conf_values(book) == {"Interpreter_Win": r"C:\Users\Léa\AppData\Local\Programs\Python\python.exe",
                                 "PYTHONPATH": r"C:\SYC & Fils", "Show Console": "False", "Use UDF Server": "False"}
    r = run("--systeme", "mac", "--interpreteur", "/opt/homebrew/bin/python3")
    assert r.returncode == 0
    assert conf_values(book)["Interpreter_Mac"] == "/opt/homebrew/bin/python3"
    assert conf_values(book)["PYTHONPATH"] == r"C:\SYC & Fils"  # kept when not given
    same = book.read_bytes()
    r = run("--systeme", "mac", "--interpreteur", '/a"b')
    assert r.returncode == 1 and "guillemet" in r.stderr + r.stdout
    r = run("--systeme", "mac", "--interpreteur", "/" + "a" * 1200)
    assert r.returncode == 1 and "1201 caractères, 1000 au plus" in r.stderr + r.stdout
    assert book.read_bytes() == same
