"""Derived columns: values that follow from other columns of the same row, written by the store
with every change set that touches the row, whatever the action (issue, payment, reversal, credit
note, allocation, a later issue's action).

The file store computes no formula (calamine reads back what was last saved), so a derived value
is stored as a value. Computing it here, in the one place every store's write goes through (the
audit guard's plan), means no action can forget it. A derived column is never fingerprinted: it
is in no `AuditSpec`, and it changes while the document is issued and immutable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyxl.core import workflow as wf
from pyxl.workbook.cells import canonical
from pyxl.workbook.schema import Schema
from pyxl.workbook.store import ChangeSet, Store

ZERO = Decimal("0.00")


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


def invoice_owed(row: Mapping[str, Any]) -> Decimal | None:
    """« Reste dû » of an invoice or a deposit invoice once issued: its total (deposits already
    deducted) less what was paid and what credit notes took back. Empty for a draft and for a
    credit note (nothing is owed on it). An invoice passed as a loss (« Passé en perte ») is no longer
    owed: nil, whatever is paid on it afterwards (a recovery)."""
    if row.get("doc_type") == wf.T_CREDIT or row.get("status") in (None, "", wf.I_DRAFT) or not row.get("number"):
        return None
    if row.get("written_off") is not None:
        return ZERO
    return _dec(row.get("total_ttc")) - _dec(row.get("paid")) - _dec(row.get("credited"))


@dataclass(frozen=True)
class Derived:
    table: str
    column: str
    rule: Callable[[Mapping[str, Any]], Any]


DERIVED: tuple[Derived, ...] = (Derived("tFactures", "owed", invoice_owed),)


def active(schema: Schema) -> list[Derived]:
    """The derived columns this schema has (older schemas, kept by the migration tests, lack them)."""
    names = {t.name: t for t in schema.tables}
    return [d for d in DERIVED if d.table in names and d.column in names[d.table].keys]


def complete(store: Store, changes: ChangeSet) -> ChangeSet:
    """The change set with each derived column of every row it appends or updates set from the
    row as it will be (canonical values in, canonical values out). Updated rows are read once."""
    for d in active(store.schema):
        col = store.schema.table(d.table).column(d.column)
        for values in changes.appends.get(d.table, []):
            values[d.column] = canonical(col, d.rule(values))
        ups = changes.updates.get(d.table)
        if not ups:
            continue
        current = store.rows_at(d.table, {n for n, _ in ups})
        last: dict[int, dict[str, Any]] = {}
        merged: dict[int, dict[str, Any]] = {}
        for num, values in ups:
            if num not in current:
                continue
            merged.setdefault(num, dict(current[num].values)).update(values)
            last[num] = values
        for num, values in last.items():
            value = canonical(col, d.rule(merged[num]))
            if value != current[num].get(d.column) or d.column in values:
                values[d.column] = value
    return changes
