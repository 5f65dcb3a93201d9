"""Zip-level patching (pyxl.workbook.ooxml) on what Excel, LibreOffice and XlsxWriter write.

Every patched package must pass the OOXML validator, be read back by openpyxl and python-calamine,
keep every part it did not need to change byte for byte (compressed bytes included), and keep
its zip CRCs sound.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import EXCEL_FIXTURES
from ooxml_check import (
    assert_only_changed,
    assert_valid,
    assert_zip_sound,
    raw_entries,
    zip_parts,
)
from python_calamine import CalamineWorkbook

from pyxl.workbook import ooxml
from pyxl.workbook.ooxml import BLANK, Cell, PackageError, RowEdit
from pyxl.workbook.schema import SCHEMA

NS = ooxml.NS_MAIN


class CellsBelow(Exception):
    pass


# --------------------------------------------------------------------------- helpers
def append_rows(src: Path, dst: Path, table: str, rows: Sequence[Sequence[Any]]) -> dict[str, bytes | None]:
    """Append rows to a table with the ooxml layer, as FileStore._prepare does (any table, any sheet).

    Blank trailing rows of the table are filled first; values in the table's columns below it are
    refused; the table ref, its autoFilter and the sheet dimension grow. Returns the replacements.
    """
    pkg = ooxml.Package(str(src))
    try:
        loc = pkg.table(table)
        data = pkg.read(loc.sheet_part)
        c1, r1, c2, r2 = loc.ref
        first = r1 + 1 if loc.header_row else r1
        last, last_xml = first - 1, None
        for num, xml in ooxml.SheetText(data).last_rows():
            has = ooxml.row_has_values(xml, c1, c2)
            if num > r2:
                if has:
                    raise CellsBelow(num)
                continue
            if num < first:
                break
            if has:
                last, last_xml = num, xml
                break
        styles = ooxml.column_styles(data)
        styles.update(ooxml.row_styles(last_xml))
        edits = []
        for k, values in enumerate(rows):
            cells = {c1 + i: (Cell.of(values[i]) if i < len(values) else BLANK) for i in range(c2 - c1 + 1)}
            edits.append(RowEdit(last + 1 + k, cells, {c: styles[c] for c in cells if c in styles}))
        new_r2 = max(r2, last + len(rows))
        replacements: dict[str, bytes | None] = {}
        if new_r2 != r2:
            replacements[loc.table_part] = ooxml.set_table_ref(
                pkg.read(loc.table_part), ooxml.range_ref(c1, r1, c2, new_r2))
        new, formula = ooxml.patch_sheet(data, edits, (c2, new_r2))
        replacements[loc.sheet_part] = new
        if formula:
            replacements.update(ooxml.drop_calc_chain(pkg))
        with open(dst, "wb") as out:
            ooxml.rewrite(pkg.zip, out, replacements)
        return replacements
    finally:
        pkg.close()


def edit_cells(src: Path, dst: Path, sheet: str, edits: list[RowEdit]) -> dict[str, bytes | None]:
    """Set cells of a sheet with the ooxml layer (the FileStore update path)."""
    pkg = ooxml.Package(str(src))
    try:
        part = pkg.sheets[sheet]
        new, formula = ooxml.patch_sheet(pkg.read(part), edits, None)
        replacements: dict[str, bytes | None] = {part: new}
        if formula:
            replacements.update(ooxml.drop_calc_chain(pkg))
        with open(dst, "wb") as out:
            ooxml.rewrite(pkg.zip, out, replacements)
        return replacements
    finally:
        pkg.close()


def calamine_grid(path: Path, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def calamine_cell(path: Path, sheet: str, ref: str) -> Any:
    col, row = ooxml.split_cell(ref)
    grid = calamine_grid(path, sheet)
    if row - 1 >= len(grid) or col - 1 >= len(grid[row - 1]):
        return ""
    return grid[row - 1][col - 1]


def openpyxl_table(path: Path, sheet: str, table: str) -> tuple[str, Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    return ws.tables[table].ref, ws


def check_package(before: Path, after: Path, allowed: set[str]) -> None:
    assert_valid(after)
    assert_zip_sound(after)
    assert_only_changed(before, after, allowed)


def sheet_of(path: Path, table: str) -> tuple[str, ooxml.TableLoc]:
    pkg = ooxml.Package(str(path))
    try:
        loc = pkg.table(table)
        return loc.sheet, loc
    finally:
        pkg.close()


def excel_tables() -> list[tuple[str, str]]:
    out = []
    for f in sorted(EXCEL_FIXTURES.glob("*.xls[xm]")):
        pkg = ooxml.Package(str(f))
        out += [(f.name, loc.name) for loc in pkg.tables.values()]
        pkg.close()
    return out


EXCEL_TABLES = excel_tables()


def test_the_excel_fixtures_are_valid_and_hold_tables():
    for f in sorted(EXCEL_FIXTURES.glob("*.xls[xm]")):
        assert_valid(f)
    assert len(EXCEL_TABLES) >= 12


# --------------------------------------------------------------------------- Excel-saved tables
@pytest.mark.parametrize(("fixture", "table"), EXCEL_TABLES, ids=[f"{f}:{t}" for f, t in EXCEL_TABLES])
def test_append_to_every_excel_table(tmp_path, fixture, table):
    src = EXCEL_FIXTURES / fixture
    dst = tmp_path / fixture
    sheet, loc = sheet_of(src, table)
    rows = [["Éts Müller & Fils <SARL>", Decimal("1234.5"), "=SUM(A1:A2)", 7][: len(loc.headers)],
            ["deuxième", Decimal("-0.25"), None, "x"][: len(loc.headers)]]
    try:
        repl = append_rows(src, dst, table, rows)
    except CellsBelow as exc:
        # another table's header lies below these two, in their columns (as FileStore, the helper
        # refuses whenever values lie below the table, even when the new rows would fit inside it)
        assert (fixture, table) in {("table06.xlsx", "Table1"), ("table02.xlsx", "Table1")}, exc
        assert not dst.exists()
        return
    check_package(src, dst, set(repl))
    assert "xl/sharedStrings.xml" not in repl
    # where the rows went: the first blank rows of the table, then below it
    c1, r1, c2, r2 = loc.ref
    new_loc = sheet_of(dst, table)[1]
    n1, m1, n2, m2 = new_loc.ref
    assert (n1, m1, n2) == (c1, r1, c2) and m2 >= r2
    ref, ws = openpyxl_table(dst, sheet, table)
    assert ref == ooxml.range_ref(*new_loc.ref)
    first_new = m2 - len(rows) + 1 if m2 > r2 else None
    grid = calamine_grid(dst, sheet)
    found = [(i + 1, row[c1 - 1]) for i, row in enumerate(grid) if len(row) >= c1 and row[c1 - 1] == rows[0][0]]
    assert len(found) == 1, found
    at = found[0][0]
    if first_new is not None:
        assert at == first_new
    assert m1 <= at <= m2
    assert ws.cell(at, c1).value == rows[0][0]
    if len(rows[0]) > 1:
        assert grid[at - 1][c1] == 1234.5 and ws.cell(at, c1 + 1).value == 1234.5
        assert grid[at][c1] == -0.25
    if len(rows[0]) > 2:
        # formula-like text stays text: an inline string, never a formula
        assert grid[at - 1][c1 + 1] == "=SUM(A1:A2)"
        assert ws.cell(at, c1 + 2).value == "=SUM(A1:A2)"
        assert ws.cell(at, c1 + 2).data_type == "s"


def test_trailing_blank_rows_of_a_table_are_filled_first(tmp_path):
    # table12: Table1 C2:F6, data in rows 3-5, row 6 blank (no <row> element)
    src, dst = EXCEL_FIXTURES / "table12.xlsx", tmp_path / "t.xlsx"
    repl = append_rows(src, dst, "Table1", [["un", 1], ["deux", 2]])
    check_package(src, dst, {"xl/worksheets/sheet1.xml", "xl/tables/table1.xml"})
    assert b'ref="C2:F7"' in repl["xl/tables/table1.xml"]
    ref, ws = openpyxl_table(dst, "Sheet1", "Table1")
    assert ref == "C2:F7"
    assert [ws.cell(r, 3).value for r in range(3, 8)] == ["Foo", "Bar", "Baz", "un", "deux"]
    # the former last data row keeps its shared strings; sharedStrings.xml is byte-identical
    assert zip_parts(src)["xl/sharedStrings.xml"] == zip_parts(dst)["xl/sharedStrings.xml"]


def test_new_rows_copy_the_styles_of_the_last_data_row(tmp_path):
    # table14: D..F have s=1,2,3 in every data row
    src, dst = EXCEL_FIXTURES / "table14.xlsx", tmp_path / "t.xlsx"
    repl = append_rows(src, dst, "Table1", [["x", 1, 2, 3]])
    assert_valid(dst)
    row = ooxml.SheetText(repl["xl/worksheets/sheet1.xml"]).row_bytes(7)
    assert row is not None
    assert ooxml.row_styles(row) == {4: "1", 5: "2", 6: "3"}
    assert b'<dimension ref="C2:F7"/>' in repl["xl/worksheets/sheet1.xml"]


def test_empty_excel_table_is_filled_from_its_first_data_row(tmp_path):
    # table02: Table4 I4:L11 has a header and 7 blank rows (no <row> element at all)
    src, dst = EXCEL_FIXTURES / "table02.xlsx", tmp_path / "t.xlsx"
    repl = append_rows(src, dst, "Table4", [["a"], ["b"]])
    assert set(repl) == {"xl/worksheets/sheet2.xml"}  # ref unchanged: the table part is untouched
    check_package(src, dst, set(repl))
    _, ws = openpyxl_table(dst, "Sheet2", "Table4")
    assert [ws.cell(r, 9).value for r in (4, 5, 6, 7)] == ["Column1", "a", "b", None]


def test_headerless_table(tmp_path):
    # table26: Table2 F3:G3 has no header row; its one data row is blank
    src, dst = EXCEL_FIXTURES / "table26.xlsx", tmp_path / "t.xlsx"
    append_rows(src, dst, "Table2", [["a", 1], ["b", 2]])
    assert_valid(dst)
    ref, ws = openpyxl_table(dst, "Sheet1", "Table2")
    assert ref == "F3:G4"
    assert (ws["F3"].value, ws["G4"].value) == ("a", 2)


def test_values_below_a_table_are_refused(tmp_path):
    src = EXCEL_FIXTURES / "table06.xlsx"
    with pytest.raises(CellsBelow):
        append_rows(src, tmp_path / "t.xlsx", "Table1", [["x"]])
    assert not (tmp_path / "t.xlsx").exists()


# --------------------------------------------------------------------------- calcChain
def test_replacing_a_formula_cell_drops_calc_chain(tmp_path):
    src, dst = EXCEL_FIXTURES / "array_formula01.xlsx", tmp_path / "a.xlsx"
    assert "xl/calcChain.xml" in zip_parts(src)
    repl = edit_cells(src, dst, "Sheet1", [RowEdit(1, {1: Cell.of(42)})])
    assert repl["xl/calcChain.xml"] is None
    check_package(src, dst, {"xl/worksheets/sheet1.xml", "xl/calcChain.xml",
                             "xl/_rels/workbook.xml.rels", "[Content_Types].xml"})
    parts = zip_parts(dst)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in parts["[Content_Types].xml"]
    assert b"<f" not in parts["xl/worksheets/sheet1.xml"]
    assert calamine_cell(dst, "Sheet1", "A1") == 42
    assert openpyxl.load_workbook(dst)["Sheet1"]["A1"].value == 42


def test_writing_a_plain_cell_keeps_calc_chain(tmp_path):
    src, dst = EXCEL_FIXTURES / "array_formula01.xlsx", tmp_path / "a.xlsx"
    repl = edit_cells(src, dst, "Sheet1", [RowEdit(1, {2: Cell.of(3)}), RowEdit(5, {1: Cell.of("neuf")})])
    assert set(repl) == {"xl/worksheets/sheet1.xml"}
    check_package(src, dst, set(repl))
    assert calamine_cell(dst, "Sheet1", "B1") == 3
    assert calamine_cell(dst, "Sheet1", "A5") == "neuf"
    assert b'<dimension ref="A1:C5"/>' in repl["xl/worksheets/sheet1.xml"]


def test_a_cell_inside_an_array_formula_is_refused(tmp_path):
    src, dst = EXCEL_FIXTURES / "array_formula01.xlsx", tmp_path / "a.xlsx"
    with pytest.raises(PackageError, match="matricielle"):
        edit_cells(src, dst, "Sheet1", [RowEdit(2, {1: Cell.of(1)})])


def test_the_master_of_a_shared_formula_is_refused():
    sheet = (
        f'<worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1*2</f><v>0</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" si="0"/><v>0</v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/><v>0</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    with pytest.raises(PackageError, match="formule partagée"):
        ooxml.patch_sheet(sheet, [RowEdit(1, {1: Cell.of(1)})], None)
    # a dependent cell may be replaced (the shared formula keeps its master)
    new, formula = ooxml.patch_sheet(sheet, [RowEdit(2, {1: Cell.of(1)})], None)
    assert formula and b'<c r="A2"><v>1</v></c>' in new


# --------------------------------------------------------------------------- Excel markup kept
X14_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Secteurs!$B$2:$B$200</xm:f></x14:formula1><xm:sqref>P2:P1048576</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _rezip(src: Path, dst: Path, changes: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, changes.get(info.filename, zin.read(info)))


def _excelish(book: Path, dst: Path) -> tuple[str, str]:
    """The built workbook with Excel-only markup on the Clients sheet and table: an x14 list validation
    in extLst, x14ac:dyDescent on rows, xr:uid on the table, its autoFilter and columns."""
    pkg = ooxml.Package(str(book))
    loc = pkg.table("tClients")
    sheet, table = pkg.read(loc.sheet_part), pkg.read(loc.table_part)
    pkg.close()
    sheet = sheet.replace(
        b"<worksheet ",
        f'<worksheet xmlns:mc="{MC}" mc:Ignorable="x14ac" xmlns:x14ac="{X14AC}" '.encode(), 1)
    sheet = re.sub(rb"(<row [^>]*?)(/?>)", rb'\1 x14ac:dyDescent="0.25"\2', sheet)
    sheet = sheet.replace(b"</worksheet>", X14_EXT.encode() + b"</worksheet>")
    table = table.replace(
        b"<table ", f'<table xmlns:mc="{MC}" mc:Ignorable="xr xr3" xmlns:xr="{XR}" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{00000000-000C-0000-FFFF-FFFF00000000}" '.encode(), 1)
    table = table.replace(b"<autoFilter ", b'<autoFilter xr:uid="{00000000-0009-0000-0100-000001000000}" ', 1)
    table = re.sub(rb'<tableColumn id="(\d+)"',
                   rb'<tableColumn id="\1" xr3:uid="{00000000-0010-0000-0000-00000000000\1}"', table)
    _rezip(book, dst, {loc.sheet_part: sheet, loc.table_part: table})
    assert_valid(dst)
    return loc.sheet_part, loc.table_part


def test_x14_validations_and_revision_uids_are_kept(book, tmp_path):
    src, dst = tmp_path / "excelish.xlsm", tmp_path / "out.xlsm"
    sheet_part, table_part = _excelish(book, src)
    append_rows(src, dst, "tClients", [["C001", "Particulier", "Dupont"], ["C002", "Professionnel", "Durand"]])
    check_package(src, dst, {sheet_part, table_part})
    parts = zip_parts(dst)
    assert X14_EXT.encode() in parts[sheet_part]
    assert parts[sheet_part].count(b"x14ac:dyDescent") == 1  # the header row's; new rows have none
    t = ooxml._xml(parts[table_part])
    assert t.get(f"{{{XR}}}uid") == "{00000000-000C-0000-FFFF-FFFF00000000}"
    assert t.find(ooxml.q("autoFilter")).get(f"{{{XR}}}uid") == "{00000000-0009-0000-0100-000001000000}"
    last = ooxml.col_letter(len(SCHEMA.table("tClients").columns))
    assert t.get("ref") == t.find(ooxml.q("autoFilter")).get("ref") == f"A1:{last}3"
    assert len(t.findall(f".//{ooxml.q('tableColumn')}")) == len(SCHEMA.table("tClients").columns)
    assert calamine_cell(dst, "Clients", "C3") == "Durand"


def test_prefixed_markup(tmp_path):
    """A producer writing <x:worksheet xmlns:x=...><x:sheetData><x:row>… (some .NET libraries do)."""
    src, pre, dst = EXCEL_FIXTURES / "table12.xlsx", tmp_path / "pre.xlsx", tmp_path / "out.xlsx"
    parts = zip_parts(src)

    def prefix(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)(?!\?)([A-Za-z]\w*)([\s/>])", rb"<\1x:\2\3", xml)
        return xml.replace(f'xmlns="{NS}"'.encode(), f'xmlns:x="{NS}"'.encode(), 1)

    _rezip(src, pre, {"xl/worksheets/sheet1.xml": prefix(parts["xl/worksheets/sheet1.xml"]),
                      "xl/tables/table1.xml": prefix(parts["xl/tables/table1.xml"])})
    assert b"<x:row " in zip_parts(pre)["xl/worksheets/sheet1.xml"]
    assert_valid(pre)
    repl = append_rows(pre, dst, "Table1", [["un", 1], ["deux", 2]])
    check_package(pre, dst, {"xl/worksheets/sheet1.xml", "xl/tables/table1.xml"})
    sheet = repl["xl/worksheets/sheet1.xml"]
    assert b'<x:row r="7" spans="3:6"><x:c r="C7" t="inlineStr"><x:is><x:t>deux</x:t></x:is></x:c>' in sheet
    assert b"<row" not in sheet and b"<c " not in sheet
    ref, ws = openpyxl_table(dst, "Sheet1", "Table1")
    assert ref == "C2:F7"
    assert [ws.cell(r, 3).value for r in (6, 7)] == ["un", "deux"]
    assert calamine_cell(dst, "Sheet1", "D7") == 2


def test_self_closing_sheet_data(tmp_path):
    # data_validation07: <sheetData/> and a list validation on C2
    src, dst = EXCEL_FIXTURES / "data_validation07.xlsx", tmp_path / "v.xlsx"
    assert b"<sheetData/>" in zip_parts(src)["xl/worksheets/sheet1.xml"]
    repl = edit_cells(src, dst, "Sheet1", [RowEdit(2, {3: Cell.of("café")}), RowEdit(1, {1: Cell.of(1)})])
    check_package(src, dst, set(repl))
    sheet = repl["xl/worksheets/sheet1.xml"]
    assert b'<sheetData><row r="1" spans="1:1">' in sheet
    assert b'<dimension ref="A1:C2"/>' in sheet
    assert b'<dataValidation type="list"' in sheet
    assert calamine_cell(dst, "Sheet1", "C2") == "café"
    assert openpyxl.load_workbook(dst)["Sheet1"]["C2"].value == "café"


# --------------------------------------------------------------------------- our own and LibreOffice's workbook
def test_blank_placeholder_row_of_an_empty_table_is_filled_first(book, tmp_path):
    # XlsxWriter gives an empty table one blank data row (ref A1:C2) and writes no <row r="2">
    dst, dst2 = tmp_path / "1.xlsm", tmp_path / "2.xlsm"
    repl = append_rows(book, dst, "tCompteurs", [["FA", 2026, 1]])
    sheet_part = ooxml.Package(str(book)).table("tCompteurs").sheet_part
    assert set(repl) == {sheet_part}
    check_package(book, dst, {sheet_part})
    append_rows(dst, dst2, "tCompteurs", [["DE", 2026, 4]])
    check_package(dst, dst2, {sheet_part, "xl/tables/table2.xml"})
    ref, ws = openpyxl_table(dst2, "Compteurs", "tCompteurs")
    assert ref == "A1:C3"
    assert [[c.value for c in r] for r in ws["A2:C3"]] == [["FA", 2026, 1], ["DE", 2026, 4]]


def test_placeholder_row_with_styled_blank_cells(tmp_path):
    """A placeholder row written as styled blank cells (as Excel does after clearing a table)."""
    src, pre, dst = EXCEL_FIXTURES / "table12.xlsx", tmp_path / "pre.xlsx", tmp_path / "out.xlsx"
    sheet = zip_parts(src)["xl/worksheets/sheet1.xml"]
    sheet = re.sub(rb"<row r=\"[345]\".*?</row>", b"", sheet)
    sheet = sheet.replace(b"</sheetData>", b'<row r="3" spans="3:6"><c r="C3" s="0"/><c r="D3"/></row></sheetData>')
    table = zip_parts(src)["xl/tables/table1.xml"].replace(b'ref="C2:F6"', b'ref="C2:F3"')
    _rezip(src, pre, {"xl/worksheets/sheet1.xml": sheet, "xl/tables/table1.xml": table})
    assert_valid(pre)
    append_rows(pre, dst, "Table1", [["a", 1], ["b", 2]])
    assert_valid(dst)
    ref, ws = openpyxl_table(dst, "Sheet1", "Table1")
    assert ref == "C2:F4"
    assert [[ws.cell(r, c).value for c in (3, 4)] for r in (3, 4)] == [["a", 1], ["b", 2]]


def test_libreoffice_saved_workbook(libreoffice_book, tmp_path):
    src, dst, dst2 = libreoffice_book, tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert_valid(src)
    pkg = ooxml.Package(str(src))
    clients, counters = pkg.table("tClients"), pkg.table("tCompteurs")
    pkg.close()
    append_rows(src, dst, "tClients", [["C003", "Particulier", "L'Hôpital & Cie"]])
    check_package(src, dst, {clients.sheet_part, clients.table_part})
    # an empty table whose blank data row LibreOffice did not write
    repl = append_rows(dst, dst2, "tCompteurs", [["FA", 2026, 12]])
    assert set(repl) == {counters.sheet_part}
    check_package(dst, dst2, {counters.sheet_part})
    assert zip_parts(src)["xl/sharedStrings.xml"] == zip_parts(dst2)["xl/sharedStrings.xml"]
    assert calamine_cell(dst2, "Clients", "C4") == "L'Hôpital & Cie"
    assert calamine_cell(dst2, "Clients", "C2") == "Dupont & Fils"
    assert calamine_cell(dst2, "Compteurs", "C2") == 12
    wb = openpyxl.load_workbook(dst2)
    assert wb["Clients"].tables["tClients"].ref == "A1:S4"
    assert wb["Compteurs"]["A2"].value == "FA"


# --------------------------------------------------------------------------- hostile text
HOSTILE = [
    "Éts Müller & Fils <SARL> \"l'atelier\" ça coûte 5 € — ok",
    "  deux espaces devant",
    "derrière   ",
    " ",
    "ligne 1\nligne 2",
    "CR LF\r\nfin",
    "CR seul\rfin",
    "tab\tulation",
    "_x0041_",
    "_x0041_x0042_",
    "__x0041__",
    "_x005F_",
    "_x004a_ minuscules",
    "contrôle \x01\x02\x1f et NUL \x00",
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+33 6 12 34 56 78",
    "-2",
    "@SUM(A1)",
    "0612",
    "1e5",
    "]]> <![CDATA[ x ]]>",
    "&amp; &#x41; &lt;",
    "emoji 🔥 et 𝔘nicode astral",
    "\u200b zero width \ufeff",
    "<script>alert(1)</script>",
]


def test_hostile_text_round_trips(book, tmp_path):
    dst = tmp_path / "out.xlsm"
    rows = [[f"S{i}", text] for i, text in enumerate(HOSTILE)]
    repl = append_rows(book, dst, "tSecteurs", rows)
    check_package(book, dst, set(repl))
    grid = calamine_grid(dst, "Secteurs")
    assert [grid[i + 1][1] for i in range(len(HOSTILE))] == HOSTILE
    ws = openpyxl.load_workbook(dst)["Secteurs"]
    for i, text in enumerate(HOSTILE):
        cell = ws.cell(i + 2, 2)
        assert cell.data_type == "s"
        if not re.search(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b-\x1f\r]", text):
            # openpyxl does not decode _xHHHH_ in inline strings: compared where none is needed
            assert cell.value == text, i
    sheet = repl[next(p for p in repl if "worksheets" in p)]
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert b"calc'!A0</t>" in sheet


def test_control_characters_are_escaped_as_excel_does():
    assert ooxml.encode_text("a\x01b") == "a_x0001_b"
    assert ooxml.encode_text("a\r\nb") == "a_x000D_\nb"
    assert ooxml.encode_text("_x0041_x0042_") == "_x005F_x0041_x005F_x0042_"
    assert ooxml.encode_text("_x0000\x1f") == "_x005F_x0000_x001F_"
    assert ooxml.encode_text("<&>") == "&lt;&amp;&gt;"
    xml = ooxml.cell_xml("A1", Cell("s", " a "), None)
    assert '<t xml:space="preserve"> a </t>' in xml


def test_text_of_32767_characters_is_written_and_longer_refused(book, tmp_path):
    dst = tmp_path / "out.xlsm"
    longest = "é" * 32_766 + "z"
    append_rows(book, dst, "tSecteurs", [["L", longest]])
    assert_valid(dst)
    assert calamine_cell(dst, "Secteurs", "B2") == longest
    for too_long in ("x" * 32_768, "🔥" * 16_384, "_x0041_" + "x" * 32_760):
        with pytest.raises(PackageError, match="32 767"):
            append_rows(book, tmp_path / "no.xlsm", "tSecteurs", [["L", too_long]])
    assert not (tmp_path / "no.xlsm").exists()


def test_numbers_and_dates():
    assert Cell.of(Decimal("100")) == Cell("n", "100")
    assert Cell.of(Decimal("1E+3")) == Cell("n", "1000")
    assert Cell.of(Decimal("0.000001")) == Cell("n", "0.000001")
    assert Cell.of(dt.date(2026, 1, 1)) == Cell("n", "46023")
    assert Cell.of(None) is BLANK and Cell.of("") is BLANK
    with pytest.raises(ValueError):
        Cell.of(Decimal("NaN"))
    with pytest.raises(TypeError):
        Cell.of(1.5)
    with pytest.raises(TypeError):
        Cell.of(True)


# --------------------------------------------------------------------------- splicing details
def _sheet(rows: str) -> bytes:
    return (f'<worksheet xmlns="{NS}"><dimension ref="A1:B2"/><sheetData>{rows}</sheetData>'
            "</worksheet>").encode()


def _row_numbers(data: bytes) -> list[int]:
    return [n for n, _, _ in ooxml.SheetText(data).rows]


def test_two_edits_of_one_row_write_it_once():
    data = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    new, _ = ooxml.patch_sheet(data, [
        RowEdit(1, {2: Cell.of(2)}), RowEdit(1, {2: Cell.of(3), 3: Cell.of(4)}),
        RowEdit(5, {1: Cell.of("a")}), RowEdit(5, {2: Cell.of("b")}),
    ], None)
    assert _row_numbers(new) == [1, 5]
    assert b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>3</v></c><c r="C1"><v>4</v></c></row>' in new
    assert b"<c r=\"A5\"" in new and b"<c r=\"B5\"" in new
    assert b'<dimension ref="A1:C5"/>' in new


def test_new_rows_are_inserted_in_order():
    data = _sheet('<row r="2"><c r="A2"><v>2</v></c></row><row r="5" spans="1:1"/><row r="9"><c r="A9"/></row>')
    new, _ = ooxml.patch_sheet(data, [RowEdit(r, {1: Cell.of(r * 10)}) for r in (7, 1, 5, 3, 12)], None)
    assert _row_numbers(new) == [1, 2, 3, 5, 7, 9, 12]
    assert b'<row r="5" spans="1:1"><c r="A5"><v>50</v></c></row>' in new
    assert b'<dimension ref="A1:B12"/>' in new


def test_blank_cells_keep_their_style_or_vanish():
    data = _sheet('<row r="2" spans="1:2"><c r="A2" s="3"><v>2</v></c><c r="B2" t="inlineStr"><is><t>x</t></is></c></row>')
    new, _ = ooxml.patch_sheet(data, [RowEdit(2, {1: BLANK, 2: BLANK})], None)
    assert b'<row r="2" spans="1:1"><c r="A2" s="3"/></row>' in new


def test_merged_cells_in_the_way_are_refused():
    data = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        b"</worksheet>", b'<mergeCells count="1"><mergeCell ref="A3:B3"/></mergeCells></worksheet>')
    with pytest.raises(PackageError, match="fusionnées"):
        ooxml.patch_sheet(data, [RowEdit(3, {2: Cell.of(1)})], None)
    ooxml.patch_sheet(data, [RowEdit(3, {3: Cell.of(1)})], None)


def test_rows_without_number_are_refused():
    with pytest.raises(PackageError):
        ooxml.patch_sheet(_sheet('<row><c r="A1"><v>1</v></c></row>'), [RowEdit(1, {1: Cell.of(1)})], None)


def test_dimension_untouched_when_it_already_covers():
    data = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    new, _ = ooxml.patch_sheet(data, [RowEdit(2, {2: Cell.of(1)})], None)
    assert b'<dimension ref="A1:B2"/>' in new


def test_set_table_ref_leaves_the_totals_row_out_of_the_autofilter():
    t = (f'<table xmlns="{NS}" id="1" name="T" displayName="T" ref="A1:B4" totalsRowCount="1">'
         '<autoFilter ref="A1:B3"/><tableColumns count="2"><tableColumn id="1" name="a"/>'
         '<tableColumn id="2" name="b"/></tableColumns></table>').encode()
    out = ooxml._xml(ooxml.set_table_ref(t, "A1:B6"))
    assert out.get("ref") == "A1:B6"
    assert out.find(ooxml.q("autoFilter")).get("ref") == "A1:B5"


# --------------------------------------------------------------------------- zip rewriting
def test_rewrite_raw_copies_and_never_writes_a_part_twice(tmp_path):
    src = EXCEL_FIXTURES / "macro01.xlsm"
    dst = tmp_path / "m.xlsm"
    with zipfile.ZipFile(src) as z, open(dst, "wb") as out:
        ooxml.rewrite(z, out, {"docProps/app.xml": b"<x/>", "xl/extra.xml": b"<y/>"},
                      add={"docProps/core.xml": z.read("docProps/core.xml"), "customXml/item1.xml": b"<z/>"})
    assert_zip_sound(dst)
    names = zipfile.ZipFile(dst).namelist()
    assert names[: len(zipfile.ZipFile(src).namelist())] == zipfile.ZipFile(src).namelist()
    assert names[-2:] == ["xl/extra.xml", "customXml/item1.xml"]
    ra, rb = raw_entries(src), raw_entries(dst)
    assert ra["xl/vbaProject.bin"] == rb["xl/vbaProject.bin"]
    assert zip_parts(dst)["docProps/app.xml"] == b"<x/>"


def test_rewrite_of_entries_with_data_descriptors(libreoffice_book, tmp_path):
    # LibreOffice streams its entries: sizes follow the data (flag bit 3)
    with zipfile.ZipFile(libreoffice_book) as z:
        assert all(i.flag_bits & 0x08 for i in z.infolist())
        dst = tmp_path / "lo.xlsx"
        with open(dst, "wb") as out:
            ooxml.rewrite(z, out, {})
    assert_zip_sound(dst)
    assert_valid(dst)
    assert zip_parts(dst) == zip_parts(libreoffice_book)
    assert {n: v[1] for n, v in raw_entries(dst).items()} == {n: v[1] for n, v in raw_entries(libreoffice_book).items()}


def test_not_a_workbook(tmp_path):
    junk = tmp_path / "junk.xlsm"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PackageError, match="pas un classeur"):
        ooxml.Package(str(junk))
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(PackageError, match=r"workbook\.xml"):
        ooxml.Package(str(other))
    shutil.copy(EXCEL_FIXTURES / "table12.xlsx", tmp_path / "t.xlsx")
    with pytest.raises(PackageError, match="absente"):
        ooxml.Package(str(tmp_path / "t.xlsx")).table("tNope")


# --------------------------------------------------------------------------- every Excel fixture, any text
@pytest.mark.parametrize("fixture", sorted(p.name for p in EXCEL_FIXTURES.glob("*.xls[xm]")))
def test_cell_edits_on_every_excel_fixture(tmp_path, fixture):
    """VBA projects, buttons (VML), comments, images, validations: all raw-copied around the edit."""
    src, dst = EXCEL_FIXTURES / fixture, tmp_path / fixture
    pkg = ooxml.Package(str(src))
    sheet, part = next(iter(pkg.sheets.items()))
    rows_used = [n for n, _, _ in ooxml.SheetText(pkg.read(part)).rows]
    pkg.close()
    row = max(rows_used, default=0) + 2
    repl = edit_cells(src, dst, sheet, [RowEdit(row, {1: Cell.of("ajouté & <ok>"), 2: Cell.of(Decimal("2.5"))})])
    assert set(repl) == {part}
    check_package(src, dst, {part})
    assert calamine_cell(dst, sheet, f"A{row}") == "ajouté & <ok>"
    assert calamine_cell(dst, sheet, f"B{row}") == 2.5
    if fixture.endswith(".xlsm"):
        assert raw_entries(src)["xl/vbaProject.bin"] == raw_entries(dst)["xl/vbaProject.bin"]


def test_any_text_round_trips_through_calamine(tmp_path):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    src = EXCEL_FIXTURES / "table12.xlsx"
    counter = iter(range(10**6))

    # derandomized: the same examples on every run (CI stays deterministic)
    @hypothesis.settings(max_examples=150, deadline=None, database=None, derandomize=True)
    @hypothesis.example("_x0000\x1f")  # found by hypothesis: the control's escape closed a literal
    @hypothesis.example("_x0041_x0042_")
    @hypothesis.given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
                      | st.sampled_from(["_x", "x0041_", "_x0041", "_x00", "_x005F_x005F_"]).flatmap(
                          lambda s: st.lists(st.sampled_from([s, "_", "x0041_", "x0041", "\r", "\x01", "a"]),
                                             max_size=8).map("".join)))
    def check(text):
        dst = tmp_path / f"h{next(counter)}.xlsx"
        edit_cells(src, dst, "Sheet1", [RowEdit(9, {1: Cell.of(text)})])
        got = calamine_cell(dst, "Sheet1", "A9")
        assert got == text or (text == "" and got == "")
        dst.unlink()

    check()


def _rows_xml(n: int) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, n + 1))
    return (b'<worksheet><dimension ref="A1:A%d"/><sheetData>' % n) + rows + b"</sheetData></worksheet>"


def test_an_update_and_an_append_in_one_sheet_need_no_index_of_its_rows():
    """A payment updates an invoice and appends a row: the sheet of ten years is not indexed whole
    (the appended row goes at the end, the updated one is found by its number), same bytes."""
    data = _rows_xml(50)
    edits = [RowEdit(7, {2: Cell("s", "réglée")}), RowEdit(51, {1: Cell("n", "51")})]
    sheet = ooxml.SheetText(data)
    new, _ = ooxml.patch_sheet(sheet, edits, (2, 51))
    assert sheet._rows is None  # no index of every row was built
    indexed = ooxml.SheetText(data)
    indexed.rows  # noqa: B018 - the same patch with the index built: the old way
    assert ooxml.patch_sheet(indexed, edits, (2, 51))[0] == new
    assert b'<dimension ref="A1:B51"/>' in new
    assert new.index(b'<row r="7"') < new.index(b"r\xc3\xa9gl\xc3\xa9e") < new.index(b'<row r="8"')
    assert new.endswith(b'<row r="51" spans="1:1"><c r="A51"><v>51</v></c></row></sheetData></worksheet>')


def test_a_row_inserted_between_rows_still_lands_in_order():
    data = _rows_xml(10).replace(b'<row r="5"><c r="A5"><v>5</v></c></row>', b"")
    new, _ = ooxml.patch_sheet(data, [RowEdit(5, {1: Cell("n", "5")}), RowEdit(11, {1: Cell("n", "11")})], None)
    nums = [int(m) for m in re.findall(rb'<row r="(\d+)"', new)]
    assert nums == list(range(1, 12))
