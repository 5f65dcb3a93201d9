"""A workbook as a view of the base: made once, then refreshed with only what changed.

`make_view(url, out)`: every table of the base into a workbook, each row at its own row number
(the base's `_row`: a row keeps its place in the sheet), with a sidecar file beside it
(`.NAME.syc-vue`: the base's URL without password, and the stamp of the last change seen).
`refresh(out)`: the rows written in the base since that stamp (`_change` above it: one index
lookup per table), written at their row numbers into the sheets concerned only, at zip level like
every FileStore write; the other sheets stay byte for byte. One new invoice rewrites a handful of
rows of three sheets, never the 100 000 lines of the others.

A view is read-only: the FileStore refuses to write it (« store.vue »); actions go to the base
(`syc --base URL`). Reads and stamps are taken under the writers' lock, so no change committed
later can carry a smaller stamp.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyxl.core.issues import Issue, Refused
from pyxl.workbook import ooxml
from pyxl.workbook.cells import to_cell
from pyxl.workbook.pgschema import q
from pyxl.workbook.pgstore import WRITERS_LOCK, PostgresStore, shown_url
from pyxl.workbook.schema import SCHEMA, Schema


def sidecar(book: Path) -> Path:
    return book.parent / f".{book.name}.syc-vue"


def read_sidecar(book: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(sidecar(book).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _write_sidecar(book: Path, url: str, stamp: int) -> None:
    path = sidecar(book)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"base": shown_url(url), "marque": stamp}), encoding="utf-8")
    os.replace(tmp, path)


def _snapshot(store: PostgresStore, where: str = "", params: Sequence[Any] = ()) -> tuple[dict[str, list[Any]], int]:
    """(table → [(row number, values)] of the rows matching `where`, the stamp they are complete to),
    read in one transaction under the writers' lock."""
    conn = store.conn
    out: dict[str, list[Any]] = {}
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK,))
        stamp = int(conn.execute("SELECT coalesce(max(m), 0) FROM (SELECT max(_change) AS m FROM "
                                 + " UNION ALL SELECT max(_change) FROM ".join(q(t.name) for t in store.schema.tables)
                                 + ") x").fetchone()[0])
        for table in store.schema.tables:
            cols = ", ".join(q(c.key) for c in table.columns)
            recs = conn.execute(f"SELECT _row, {cols} FROM {q(table.name)}"
                                + (f" WHERE {where}" if where else "") + " ORDER BY _row", params).fetchall()
            if recs:
                norm = store._columns(table.name)
                out[table.name] = [(rec[0], {k: (f(v) if f is not None and v is not None else v)
                                             for (k, f), v in zip(norm, rec[1:], strict=True)}) for rec in recs]
    return out, stamp


def make_view(url: str, out: Path, schema: Schema = SCHEMA) -> dict[str, int]:
    """A whole workbook of the base, each row at its row number, and its sidecar."""
    from pyxl.excel.builder import build

    store = PostgresStore(url, schema)
    store.check_version()
    found, stamp = _snapshot(store)
    store.close()
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in schema.tables:
        placed: list[dict[str, Any]] = []
        for num, values in found.get(table.name, []):
            placed.extend({} for _ in range(num - 2 - len(placed)))  # a gap keeps its (blank) row
            placed.append(values)
        rows[table.name] = placed
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    build(tmp, rows=rows)
    tmp.replace(out)
    _write_sidecar(out, url, stamp)
    return {k: len(v) for k, v in found.items()}


def refresh(book: Path, url: str, schema: Schema = SCHEMA) -> dict[str, int]:
    """Write into the view the rows changed in the base since its last refresh: {table: rows written}."""
    from pyxl.workbook import commit
    from pyxl.workbook.filestore import FileStore

    book = Path(book)
    mark = read_sidecar(book)
    if mark is None:
        raise Refused(Issue("base.vue", f"{book.name} n'est pas une vue de la base : créez-en une avec "
                                         "« syc base vue --sortie FICHIER ».", book.name))
    store = PostgresStore(url, schema)
    changed, stamp = _snapshot(store, "_change > %s", (int(mark["marque"]),))
    store.close()
    if not changed:
        _write_sidecar(book, url, stamp)
        return {}
    fs = FileStore(book, schema)
    with commit.write_lock(fs.path):
        pkg = fs.package
        replacements: dict[str, bytes | None] = {}
        for name, rows in changed.items():
            table = schema.table(name)
            loc, cols = fs._columns(table)
            c1, r1, c2, r2 = loc.ref
            sheet = ooxml.SheetText(pkg.read(loc.sheet_part))
            styles = ooxml.column_styles(sheet.data)
            edits = []
            for num, values in rows:
                cells = {c1 + i: to_cell(col, values.get(col.key), pkg.date1904) if col else ooxml.BLANK
                         for i, col in enumerate(cols)}
                edits.append(ooxml.RowEdit(num, cells, {c: styles[c] for c in cells if c in styles}))
            new_r2 = max(r2, max(num for num, _ in rows))
            if new_r2 != r2:
                replacements[loc.table_part] = ooxml.set_table_ref(pkg.read(loc.table_part),
                                                                   ooxml.range_ref(c1, r1, c2, new_r2))
            replacements[loc.sheet_part], _ = ooxml.patch_sheet(sheet, edits, (c2, new_r2))
        fs._commit(replacements)
        fs.close()
    _write_sidecar(book, url, stamp)
    return {k: len(v) for k, v in changed.items()}
