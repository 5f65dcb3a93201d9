"""Typed records: one per table of record, their fields the table's columns, read from any store."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pyxl.core import workflow as wf
from pyxl.core.records import Invoice
from pyxl.services import records as rec
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.memstore import MemoryStore
from pyxl.workbook.schema import SCHEMA


@pytest.mark.parametrize("cls", rec.RECORDS, ids=lambda c: c.__name__)
def test_a_record_has_exactly_the_columns_of_its_table(cls: type) -> None:
    assert cls.columns() == tuple(c.key for c in SCHEMA.table(cls.TABLE).columns)


def test_records_are_frozen_and_typed(tmp_path: Path) -> None:
    book = tmp_path / "SYC_Gestion.xlsm"
    subprocess.run([sys.executable, "-m", "pyxl.cli", "init", "--demo", "--book", str(book)], check=True,
                   capture_output=True)
    for store in (FileStore(book), MemoryStore.copy_of(FileStore(book))):
        clients = rec.all_of(store, rec.Client)
        assert clients[0].code == "C00001" and clients[0].where == "Clients, ligne 2"
        with pytest.raises(dataclasses.FrozenInstanceError):
            clients[0].name = "x"  # type: ignore[misc]
        (article,) = rec.where(store, rec.Article, "code", {"MO-H"})
        assert isinstance(article.unit_price, Decimal)
        assert article.values()["code"] == "MO-H"


def test_states_compare_with_the_enums() -> None:
    doc = Invoice.of({"status": "Émise", "doc_type": "Facture d'acompte"}, "Factures, ligne 3")
    assert doc.status == wf.InvoiceState.ISSUED and doc.doc_type == wf.DocType.DEPOSIT
    assert doc.where == "Factures, ligne 3" and doc.total_ttc is None


def test_the_fast_number_readers_read_as_from_cell_does() -> None:
    """The column readers' shortcut for floats (money, quantities, rates) gives exactly what
    `from_cell` gives, to the digit: the fingerprints depend on it."""
    import random

    from pyxl.workbook.cells import converter, from_cell
    from pyxl.workbook.schema import Column, Kind

    rnd = random.Random(2026)
    values = [0.0, -0.0, 1.0, 12.5, 1234.56, -3.1, 1e-5, 0.1 + 0.2, 2.675, 1.005, 99999999999999.9, 1e15, -1e15,
              *(rnd.uniform(-1e6, 1e6) for _ in range(3000)), *(round(rnd.uniform(-1e4, 1e4), 2) for _ in range(3000))]
    for kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        col = Column("x", "X", kind)
        read = converter(col)
        for v in values:
            try:
                expected = from_cell(col, v)
            except ValueError as exc:
                with pytest.raises(ValueError, match=str(exc)[:10]):
                    read(v)
                continue
            got = read(v)
            assert (got, str(got)) == (expected, str(expected)), (kind, v)
