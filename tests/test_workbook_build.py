"""The committed workbook is exactly what the builder makes from the schema, and holds what the
schema declares: tables, headers, formats, validations, the schema version and xlwings' VBA."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pyxl.excel import builder
from pyxl.excel.sheets import record_order
from pyxl.workbook.ooxml import Package
from pyxl.workbook.schema import SCHEMA, VERSION_NAME

ROOT = Path(__file__).resolve().parents[1]


def _fresh() -> bytes:
    buf = io.BytesIO()
    builder.build(buf)
    return buf.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_committed_workbook_equals_a_fresh_build_part_by_part():
    committed = _parts(builder.COMMITTED_BOOK.read_bytes())
    fresh = _parts(_fresh())
    assert sorted(committed) == sorted(fresh)
    differing = [n for n in fresh if committed[n] != fresh[n]]
    assert differing == [], "rebuild with: python -m pyxl.excel.builder"


def test_packaged_copy_is_the_committed_workbook():
    assert builder.PACKAGED_BOOK.read_bytes() == builder.COMMITTED_BOOK.read_bytes()


def test_vba_modules_readable_by_olevba():
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser("SYC_Gestion.xlsm", data=builder.COMMITTED_BOOK.read_bytes())
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    assert any("Function RunPython" in code for code in modules.values())


def test_every_schema_table_is_in_the_workbook_with_its_headers():
    pkg = Package(str(builder.COMMITTED_BOOK))
    for table in SCHEMA.tables:
        loc = pkg.table(table.name)
        assert loc.sheet == table.sheet
        # in schema order, but the tables of record show their working columns first (issue 17)
        assert loc.headers == tuple(table.column(k).header for k in record_order(SCHEMA, table.name))
        assert sorted(loc.headers) == sorted(table.headers)
        assert loc.ref[:2] == (1, 1), "one table per sheet, from A1"
    assert pkg.defined_names()[VERSION_NAME] == str(SCHEMA.version)
    # one appendable table per sheet
    sheets = [loc.sheet_part for loc in pkg.tables.values()]
    assert len(sheets) == len(set(sheets))


def test_parameters_are_prefilled_and_lists_validated():
    wb = CalamineWorkbook.from_path(str(builder.COMMITTED_BOOK))
    grid = wb.get_sheet_by_name("Paramètres").to_python()
    codes = [r[0] for r in grid[1:]]
    assert codes == [p.code for p in SCHEMA.parameters]
    clients = _parts(builder.COMMITTED_BOOK.read_bytes())
    sheet = clients[Package(str(builder.COMMITTED_BOOK)).sheets["Clients"]]
    assert b'sqref="B2:B1048576"' in sheet


def test_money_and_date_formats_are_french():
    styles = _parts(builder.COMMITTED_BOOK.read_bytes())["xl/styles.xml"].decode()
    assert "€" in styles and "dd/mm/yyyy" in styles


def test_libreoffice_opens_the_workbook(tmp_path):
    """LibreOffice headless reads every sheet (it must never *save* a user's workbook: this
    converts a copy, in a private profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is installed by scripts/setup.sh --tests in CI")
        pytest.skip("LibreOffice absent")
    book = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(builder.COMMITTED_BOOK, book)
    before = book.read_bytes()
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "out"), str(book)],
        check=True, capture_output=True, timeout=180,
    )
    assert book.read_bytes() == before
    converted = CalamineWorkbook.from_path(str(tmp_path / "out" / "SYC_Gestion.xlsx"))
    from pyxl.excel.sheets import (
        ARTICLE_SHEET,
        CLIENT_SHEET,
        CONF_SHEET,
        DASHBOARD_SHEET,
        HOME,
        LISTS_SHEET,
        MERGE_SHEET,
        PAYMENT_SHEET,
        QUOTE_SHEET,
    )
    from pyxl.services.worklists import WORKLISTS

    assert converted.sheet_names == [HOME, CLIENT_SHEET, ARTICLE_SHEET, QUOTE_SHEET, PAYMENT_SHEET, MERGE_SHEET,
                                     DASHBOARD_SHEET,
                                     *(w.sheet for w in WORKLISTS), *(t.sheet for t in SCHEMA.tables), LISTS_SHEET, CONF_SHEET]
    header = converted.get_sheet_by_name("Clients").to_python()[0]
    assert tuple(header) == SCHEMA.table("tClients").headers
