"""Schema 11 (issue 14): the « Motif » column of « Relevés » (why a statement line was set aside),
added by `syc migrer` to a version-9 book without touching its lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from test_audit_specs import schema_at

from pyxl.excel import builder
from pyxl.services import bank
from pyxl.workbook import migrate as mig
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.schema import SCHEMA
from pyxl.workbook.store import ChangeSet

DAY = dt.date(2026, 3, 23)
LINE = {"id": "L2026-000001", "account": "FR7630004000031234567890143", "date": dt.date(2026, 3, 20),
        "amount": Decimal("-12.40"), "label": "FRAIS TENUE DE COMPTE", "identity": "abc", "status": "À rapprocher",
        "source": "releve.xml", "imported": DAY}


def test_a_version_9_book_gains_the_reason_column_and_keeps_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "SYC_Gestion.xlsm"
    old = schema_at(9)
    assert "reason" not in {c.key for c in old.table("tReleves").columns}
    builder.build(path, schema=old)
    store = FileStore(path, old)
    store.apply(ChangeSet({"tReleves": [LINE]}), as_of=DAY)
    assert FileStore(path, old).version() == 9

    done = mig.migrate(path)
    assert "ajout de la colonne « Motif » à la table tReleves" in done
    assert f"mise à jour de la version du schéma : 9 → {SCHEMA.version}" in done
    store = FileStore(path)
    assert store.version() == SCHEMA.version >= 11
    (row,) = store.rows("tReleves")
    assert {k: row[k] for k in LINE} == LINE and row["reason"] is None
    assert store.verify() == []

    res = bank.set_aside(store, "L2026-000001", "Frais bancaires", DAY)
    store.apply(res.changes, as_of=DAY)
    (row,) = FileStore(path).rows("tReleves")
    assert (row["status"], row["reason"]) == ("Ignorée", "Frais bancaires")
