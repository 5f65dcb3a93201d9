"""What every `syc` subcommand module shares: building the parser (`leaf`, `group`, `date_arg`),
running a writing service under one lock (`apply`), printing (`text_table`, `show_record`) and the
French formats they use. Public on purpose: no CLI module imports another's private helpers."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from pyxl.cli import Context, out
from pyxl.core.frformat import SPACE, date_fr, percent, plural, quantity
from pyxl.core.money import euros

Common = Callable[[argparse.ArgumentParser], None]

__all__ = ["SPACE", "Common", "apply", "date_arg", "euros", "group", "leaf", "percent", "plural", "quantity",
           "show_record", "text_table"]


def date_arg(text: str) -> dt.date:
    """The type of a date option: a French or ISO date between 2000 and 2099."""
    from pyxl.core import fields

    try:
        day = fields.date(text, label="La date")
    except fields.FieldError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
        raise argparse.ArgumentTypeError(f"la date {date_fr(day)} est hors de la période admise (2000 à 2099)")
    return day


def leaf(sub: Any, name: str, help_: str, common: Common, handler: Callable[[Context], int],
         description: str = "") -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_, description=description or help_)
    common(p)
    p.set_defaults(handler=handler)
    return p


def group(sub: Any, name: str, help_: str, common: Common) -> Any:
    p = sub.add_parser(name, help=help_, description=help_)
    common(p)
    return p.add_subparsers(dest="action", metavar="ACTION", title="actions")


def apply(ctx: Context, service: Callable[[Any], Any],
          after: Callable[[Any], None] | None = None) -> int:
    """Read, compute and write under one lock: concurrent `syc` commands never interleave.

    Every writing action first closes the past days not yet closed (daily, monthly, yearly
    closures chained into the audit journal, copied as text files beside the backups). `after`
    runs once the workbook is written, before the report (the documents of an issuing command)."""
    from pyxl.services import closures

    store = ctx.store()
    with store.session():
        now = dt.datetime.now()  # under the lock: the journal's times follow its order, whoever waited
        store.check_version()
        result = service(store)
        made = closures.pending(store, result.changes, ctx.as_of, now)
        if made:  # closure files lost earlier, from what this action has read already
            closures.write_missing(store, made)
        store.apply(result.changes, as_of=ctx.as_of, now=now)
    if made:
        closures.write_files(store.path, made)
        closures.note(result, made)
    if after is not None:
        after(result)
    out(ctx, result.message, result.data, result.warnings)
    return 0


def text_table(rows: Sequence[Sequence[str]], headers: Sequence[str], cut: int = 40) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    # long texts are cut, except in the last column (file names, values, remarks)
    widths = [min(w, cut) if i < len(widths) - 1 else w for i, w in enumerate(widths)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w)
                         for c, w in zip(cells, widths, strict=False))

    return "\n".join(x.rstrip() for x in [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def show_record(ctx: Context, row: Any, table: Any, name: str, to_json: Callable[[Any], dict[str, Any]]) -> int:
    """One record, a line per column (French formats), or as JSON."""
    from pyxl.workbook.schema import Kind

    if ctx.json:
        out(ctx, data={name: to_json(row.values), "ou": row.where})
        return 0
    width = max(len(c.header) for c in table.columns) + 2
    for col in table.columns:
        v = row.get(col.key)
        if v is None:
            text = ""
        elif col.kind is Kind.MONEY:
            text = euros(v)
        elif col.kind is Kind.RATE or (col.kind is Kind.DECIMAL and col.header.endswith("%")):
            text = percent(v, sep=SPACE)
        elif col.kind is Kind.DECIMAL:
            text = quantity(v)
        elif col.kind is Kind.DATE:
            text = date_fr(v)
        elif col.key == "iban":  # stored compact, read by groups of four
            from pyxl.core.fields import iban_shown

            text = iban_shown(str(v))
        else:
            text = str(v)
        print(f"{col.header.removesuffix(' %'):<{width}}{text}".rstrip())
    return 0
