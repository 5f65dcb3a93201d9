"""Workbooks saved with the 1904 date system (old Mac Excel) keep their dates right both ways."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from pyxl.excel import builder
from pyxl.workbook import ooxml
from pyxl.workbook.filestore import ChangeSet, FileStore


def _to_1904(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml")
        new = re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', wb, count=1)
        assert new != wb
        out = path.with_suffix(".tmp")
        with open(out, "wb") as f:
            ooxml.rewrite(z, f, {"xl/workbook.xml": new})
    out.replace(path)


def test_dates_in_a_1904_workbook(tmp_path: Path) -> None:
    book = tmp_path / "SYC_Gestion.xlsm"
    builder.build(book)
    _to_1904(book)
    assert FileStore(book).package.date1904
    day = dt.date(2026, 11, 27)
    cs = ChangeSet()
    cs.append("tClients", {"code": "C00001", "kind": "Particulier", "name": "A", "address": "x",
                           "postcode": "69001", "city": "Lyon", "created": day})
    FileStore(book).apply(cs, as_of=day)
    assert FileStore(book).rows("tClients")[0]["created"] == day
    # Excel's own reading: the serial counts from 1904-01-01, and calamine agrees
    sheet = zipfile.ZipFile(book).read(FileStore(book).package.table("tClients").sheet_part)
    assert f"<v>{(day - dt.date(1904, 1, 1)).days}</v>".encode() in sheet
    grid = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Clients").to_python()
    assert day in grid[1]
