"""What every service returns, and helpers shared by the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyxl.core.fields import FieldError, after_colon
from pyxl.core.issues import Issue, Refused, Severity
from pyxl.core.messages import msg
from pyxl.workbook.schema import Table
from pyxl.workbook.store import ChangeSet, Row, Store


@dataclass
class Result:
    """A service's answer: what to write, what to tell the user, what to print as JSON."""

    changes: ChangeSet = field(default_factory=ChangeSet)
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)


class Collector:
    """Runs field validations and gathers every error at once (style guide, rule 3)."""

    def __init__(self, where: str):
        self.where = where
        self.issues: list[Issue] = []

    def check(self, code: str, fn: Callable[[], Any], default: Any = None) -> Any:
        try:
            return fn()
        except FieldError as exc:
            self.issues.append(Issue(code, f"{self.where} : {after_colon(str(exc))}", self.where))
            return default

    def error(self, code: str, message: str) -> None:
        self.issues.append(Issue(code, f"{self.where} : {message}", self.where))

    def warn(self, code: str, message: str) -> None:
        self.issues.append(Issue(code, f"{self.where} : {message}", self.where, Severity.WARNING))

    def raise_if_errors(self) -> list[Issue]:
        errors = [i for i in self.issues if i.blocking]
        if errors:
            raise Refused(errors)
        return [i for i in self.issues if not i.blocking]


def record_update(res: Result, table: Table, row: Row, updates: dict[str, Any], what: str) -> None:
    """Put a record's changed columns in the change set and say which ones, in French."""
    headers = [table.column(k).header for k in updates]
    if updates:
        res.changes.update(table.name, row, updates)
        res.message = msg("record.updated", what=what, columns=", ".join(headers))
    else:
        res.message = msg("record.unchanged", what=what)
    res.data = {"code": row["code"], "modifie": headers}


def search_key(text: str) -> str:
    """Text folded for searching: no case, accents, ligatures, spaces or punctuation."""
    import re
    import unicodedata

    s = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in s if not unicodedata.combining(ch)))


def find(store: Store, table: str, key: str, value: str) -> Row | None:
    folded = value.strip().casefold()
    for r in store.rows(table):
        if str(r.get(key) or "").strip().casefold() == folded:
            return r
    return None


def next_number(store: Store, changes: ChangeSet, series: str, year: int | None,
                existing: list[int] | None = None) -> int:
    """Advance a counter of Compteurs (kept in the same change set as the numbered row)."""
    current = None
    for r in store.rows("tCompteurs"):
        if r["series"] == series and (r["year"] or None) == year:
            current = r
    last = int(current["last"] or 0) if current else 0
    if existing:
        last = max(last, max(existing))  # a row typed by hand in Excel never makes a duplicate
    n = last + 1
    if current:
        changes.update("tCompteurs", current, {"last": n})
    else:
        changes.append("tCompteurs", {"series": series, "year": year, "last": n})
    return n


def best_sector(sectors: list[tuple[str, str]], postcode: str) -> str:
    """The sector whose postal-code prefix is the longest match, or ''."""
    best, best_len = "", 0
    for prefix, name in sectors:
        p = prefix.strip()
        if p and postcode.startswith(p) and len(p) > best_len:
            best, best_len = name, len(p)
    return best


def sectors_of(store: Store) -> list[tuple[str, str]]:
    return [(str(r["prefix"] or ""), str(r["sector"] or "")) for r in store.rows("tSecteurs")]


def sector_for(store: Store, postcode: str) -> str:
    return best_sector(sectors_of(store), postcode)
