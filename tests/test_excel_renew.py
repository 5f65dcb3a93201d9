"""`syc excel renouveler`: an existing workbook gets this version's front end (forms, buttons,
ribbon, worklists, protections) with every row of every table and its xlwings.conf settings; a
broken chain or a workbook open in Excel is refused with nothing written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from test_sales_chain import Book

from pyxl.cli.excel_cmd import conf_values
from pyxl.excel.builder import COMMITTED_BOOK
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import SCHEMA

# renewing rewrites the workbook file's front end (its parts, VBA, buttons): file only
pytestmark = pytest.mark.fichier_seul


def _tables(path: Path) -> dict[str, list[dict]]:
    store = FileStore(path)
    return {t.name: [dict(r.values) for r in store.rows(t.name)] for t in SCHEMA.tables}


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def _old_front(path: Path) -> None:
    """Make the workbook's VBA project an older one (as a workbook built by a previous version)."""
    data = path.read_bytes()
    src = zipfile.ZipFile(path)
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/vbaProject.bin":
                body = body + b"\0old"
            z.writestr(item, body)
    src.close()
    out.replace(path)
    assert path.read_bytes() != data


def test_a_workbook_is_renewed_with_its_rows_and_settings(wb: Book) -> None:
    _, _, number = wb.invoice("2025-01-07", "MO-H:3")
    wb.pay(number, "165", "2025-01-08")
    wb.ok("excel", "configurer", "--systeme", "windows", "--interpreteur", r"C:\SYC\py\syc-python.exe",
          au="2025-01-08")
    _old_front(wb.path)
    before = _tables(wb.path)
    conf = conf_values(wb.path)

    r = wb.ok("excel", "renouveler", au="2025-01-08")

    assert _tables(wb.path) == before
    assert conf_values(wb.path)["Interpreter_Win"] == conf["Interpreter_Win"] == r"C:\SYC\py\syc-python.exe"
    # the front end is this version's: the same VBA project as the committed workbook
    assert _part(wb.path, "xl/vbaProject.bin") == _part(COMMITTED_BOOK, "xl/vbaProject.bin")
    old = Path(r["ancien"])
    assert old.parent.name == "sauvegardes" and "avant renouvellement" in old.name
    assert _part(old, "xl/vbaProject.bin").endswith(b"\0old")  # the old workbook kept as it was
    assert sum(r["lignes"].values()) == sum(len(v) for v in before.values())
    # no leftover of the work folder, and the chain still holds
    assert not [p for p in wb.path.parent.iterdir() if p.name.startswith(f".{wb.path.stem}.renouvellement")]
    assert wb.ok("verifier", au="2025-01-08")["ok"]


def test_a_broken_chain_or_an_older_schema_is_not_renewed(wb: Book) -> None:
    _, _, number = wb.invoice("2025-01-07", "MO-H:3")
    # a user typing over an issued invoice's total in Excel: no audit guard on the row
    row = next(r for r in FileStore(wb.path).rows("tFactures") if r["number"] == number)
    excel = dataclasses.replace(SCHEMA, tables=tuple(dataclasses.replace(t, audit=None) if t.name == "tFactures"
                                                     else t for t in SCHEMA.tables))
    cs = ChangeSet()
    cs.update("tFactures", row.row, {"total_ttc": row["total_ttc"] + 1})
    FileStore(wb.path, excel).apply(cs, as_of=dt.date(2025, 1, 7))
    tampered = wb.path.read_bytes()

    text = wb.refused("excel", "renouveler", au="2025-01-08", code="excel.renouveler", words=["rien n'a été modifié"])
    assert number in text or "Factures" in text
    assert wb.path.read_bytes() == tampered
    assert not (wb.path.parent / "sauvegardes").exists() or not [
        p for p in (wb.path.parent / "sauvegardes").iterdir() if "avant renouvellement" in p.name]
