"""Build SYC_Gestion.xlsm from the schema with XlsxWriter.

The VBA project is the one of the pinned xlwings release (`quickstart_standalone.xlsm`) with its
`Module1` rewritten from the registry of actions (`pyxl.excel.registry`, `pyxl.excel.vba`; see
`../shared/research/workbook-build.md` §4.2). The front-end sheets (Accueil, entry forms,
xlwings.conf) come from `pyxl.excel.sheets`; the « SYC Gestion » ribbon tab is added to the zip
after XlsxWriter (which has no customUI support).

Run `python -m pyxl.excel.builder` to rebuild the committed workbook and its packaged copy.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.workbook import derived, ooxml, zchunks
from pyxl.workbook.schema import SCHEMA, VERSION_NAME, Column, Kind, Schema, Table
from pyxl.workbook.seeds import default_rows

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED_BOOK = REPO_ROOT / "workbook" / "SYC_Gestion.xlsm"
PACKAGED_BOOK = Path(__file__).resolve().parents[1] / "data" / "SYC_Gestion.xlsm"

# Fixed document dates so that two builds of the same schema are identical byte for byte.
BUILD_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)
LAST_ROW = 1_048_575  # zero-based index of Excel's last row: validations cover whole columns


def xlwings_vba_project() -> bytes:
    """The vbaProject.bin of the installed (pinned) xlwings' standalone quickstart workbook."""
    from pyxl.excel.vba import template_project

    return template_project()


def vba_project() -> bytes:
    """The workbook's VBA project: the template with Module1 = the registry's module."""
    from pyxl.excel.vba import project_with_macros

    return project_with_macros()


def _cell_value(col: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if col.kind is Kind.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if col.kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE, Kind.INT) and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if col.kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE, Kind.INT) and not isinstance(value, (int, float)):
        return float(value) if "." in str(value) else int(value)
    return value


def build(
    out: Path | str | io.BytesIO,
    schema: Schema = SCHEMA,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    vba_project: bytes | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Write the workbook. `rows` maps table names to rows (dicts by column key) to pre-fill.
    `progress(label, step, total)`: the front sheets, each table, then the compression."""
    import xlsxwriter

    from pyxl.excel import sheets as front

    rows = dict(rows or {})
    for name, default in default_rows(schema).items():
        rows.setdefault(name, default)
    for d in derived.active(schema):  # « Reste dû »…: as every store write sets them
        if rows.get(d.table):
            rows[d.table] = [{**r, d.column: d.rule(r)} for r in rows[d.table]]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            # user text is data: never turn '=…' into a formula or 'http…' into a link
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties(
        {"title": "SYC Gestion", "author": "SYC Gestion", "company": "SYC", "created": BUILD_DATE}
    )
    wb.set_custom_property("SYC_VersionSchema", str(schema.version))
    with_vba = vba_project or (_cached_vba_project() if {"tClients", "tArticles", "tFactures"} <= {
        t.name for t in schema.tables} else xlwings_vba_project())
    wb.add_vba_project(io.BytesIO(with_vba), is_stream=True)
    wb.define_name(VERSION_NAME, f"={schema.version}")
    header_fmt = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats: dict[str | None, Any] = {}

    def fmt(num_format: str | None) -> Any:
        if num_format not in formats:
            formats[num_format] = wb.add_format({"num_format": num_format}) if num_format else None
        return formats[num_format]

    # the front end needs the sales tables (older schemas, kept by the migration tests, have none)
    with_front = {"tClients", "tArticles", "tFactures"} <= {t.name for t in schema.tables}
    front_formats = front.formats_for(wb)
    report = progress or (lambda _label, _step, _total: None)
    steps = len(schema.tables) + 2
    report("accueil et formulaires", 1, steps)
    if with_front:
        home = front.add_home(wb, front_formats)
        front.add_client_form(wb, front_formats)
        front.add_article_form(wb, front_formats)
        front.add_quote_form(wb, front_formats, schema)
        front.add_payment_form(wb, front_formats, schema)
        front.add_merge_form(wb, front_formats)
        front.add_dashboard(wb, front_formats)
        _add_worklists(wb, front_formats, home, schema)
    for step, table in enumerate(schema.tables, 2):
        report(f"écriture de « {table.sheet} »", step, steps)
        ws = _add_table_sheet(wb, table, rows.get(table.name, ()), fmt, header_fmt,
                              front.RECORD_LAYOUTS.get(table.name) if with_front else None, front_formats)
        if with_front and table.name in front.PROTECTED_TABLES:
            ws.protect("", front.PROTECTION)
    if with_front:
        front.add_lists_sheet(wb, schema)
        front.add_conf_sheet(wb, front_formats)
    report("compression du classeur", steps, steps)
    wb.close()
    data = add_ribbon(buf.getvalue()) if with_front else buf.getvalue()
    if isinstance(out, io.BytesIO):
        out.write(data)
    else:
        Path(out).write_bytes(data)


_VBA_CACHE: dict[str, bytes] = {}


def _cached_vba_project() -> bytes:
    """Patched once per process (the bulk demo builds many workbooks)."""
    if "p" not in _VBA_CACHE:
        _VBA_CACHE["p"] = vba_project()
    return _VBA_CACHE["p"]


def add_ribbon(data: bytes) -> bytes:
    """The workbook with the « SYC Gestion » ribbon tab (customUI14 part + its package relationship).
    Entries keep XlsxWriter's fixed timestamps, so two builds stay identical byte for byte."""
    from pyxl.excel.registry import CUSTOMUI_PART, CUSTOMUI_REL_TYPE, ribbon_xml

    rel = (f'<Relationship Id="rIdSycRibbon" Type="{CUSTOMUI_REL_TYPE}" Target="{CUSTOMUI_PART}"/>').encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        stamp = None
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "_rels/.rels":
                body = body.replace(b"</Relationships>", rel + b"</Relationships>")
            stamp = info.date_time
            if len(body) > ooxml.BIG_PART and zchunks.available():  # ten years of rows: see zchunks
                ooxml.write_chunked(z, info, body)
            else:
                z.writestr(info, body)
        ui = zipfile.ZipInfo(CUSTOMUI_PART, date_time=stamp or (1980, 1, 1, 0, 0, 0))
        ui.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(ui, ribbon_xml().encode("utf-8"))
    return out.getvalue()


def _add_worklists(wb: Any, formats: dict[str, Any], home: Any, schema: Schema) -> None:
    """The worklist sheets (issue 17) the schema can hold, and their counts on Accueil."""
    from pyxl.excel import sheets as front
    from pyxl.services.worklists import NEEDS, WORKLISTS

    names = {t.name for t in schema.tables}
    front.add_home_counts(home, formats)
    for wl in WORKLISTS:
        if all(t in names for t in NEEDS.get(wl.key, ())):
            front.add_worklist(wb, formats, wl.key)


def _add_table_sheet(wb: Any, table: Table, data: Sequence[Mapping[str, Any]], fmt: Any, header_fmt: Any,
                     layout: Any = None, front_formats: dict[str, Any] | None = None) -> Any:
    from pyxl.excel import sheets as front

    ws = wb.add_worksheet(table.sheet)
    if table.tab_color:
        ws.set_tab_color(table.tab_color)
    if layout is not None:  # a table of record: its working columns first (pyxl.excel.sheets.RECORD_LAYOUTS)
        order = [k for k in layout.first if k in table.keys]
        table = replace(table, columns=tuple(table.column(k) for k in order)
                        + tuple(c for c in table.columns if c.key not in order))
    columns = []
    for col in table.columns:
        spec: dict[str, Any] = {"header": col.header, "header_format": header_fmt}
        if col.num_format:
            spec["format"] = fmt(col.num_format)
        columns.append(spec)
    body = [[_cell_value(c, row.get(c.key)) for c in table.columns] for row in data]
    last = max(len(body), 1)  # an Excel table needs at least one (possibly blank) data row
    options: dict[str, Any] = {
        "name": table.name,
        "columns": columns,
        "style": "Table Style Medium 2",
        "autofilter": True,
    }
    if body:
        options["data"] = body
    ws.add_table(0, 0, last, len(table.columns) - 1, options)
    for i, col in enumerate(table.columns):
        if layout is not None and col.key in layout.technical:  # grouped out of sight (outline level 1)
            ws.set_column(i, i, col.width, fmt(col.num_format), {"level": 1, "hidden": True})
        else:
            ws.set_column(i, i, col.width, fmt(col.num_format))
        if col.list_values and col.key not in front.NO_LIST_COLUMNS:
            ws.data_validation(
                1, i, LAST_ROW, i,
                {
                    "validate": "list",
                    "source": list(col.list_values),
                    "error_title": col.header,
                    "error_message": "Choisissez une valeur de la liste : " + ", ".join(col.list_values),
                },
            )
    ws.set_row(0, 30)
    ws.freeze_panes(1, layout.frozen if layout is not None else 0)
    if layout is not None and front_formats is not None and {"due_date", "owed"} <= set(table.keys):
        from pyxl.workbook.ooxml import col_letter

        due = col_letter(table.keys.index("due_date") + 1)
        owed = col_letter(table.keys.index("owed") + 1)
        ws.conditional_format(1, 0, LAST_ROW, len(table.columns) - 1, {
            "type": "formula", "criteria": f'=AND(ISNUMBER(${due}2),${due}2<TODAY(),N(${owed}2)>0)',
            "format": front_formats["late_row"]})
    # printed as a list: landscape A4, header row on every page; one page wide unless the
    # table is so wide that the text would become unreadable
    ws.set_landscape()
    ws.set_paper(9)
    if sum(c.width for c in table.columns) <= 200:
        ws.fit_to_pages(1, 0)
    else:  # several pages wide: the code and the name are repeated on each
        ws.repeat_columns(0, min(2, len(table.columns) - 1))
    ws.repeat_rows(0)
    ws.set_footer("&L&A&R&P / &N")
    return ws


def build_reference() -> None:
    """Rebuild the committed workbook and its copy inside the package."""
    PACKAGED_BOOK.parent.mkdir(parents=True, exist_ok=True)
    COMMITTED_BOOK.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    build(buf)
    data = buf.getvalue()
    COMMITTED_BOOK.write_bytes(data)
    PACKAGED_BOOK.write_bytes(data)
    from pyxl.excel.vba import MACROS_BAS, write_macros_bas

    write_macros_bas(MACROS_BAS)
    print(f"écrit : {COMMITTED_BOOK} et {PACKAGED_BOOK} ({len(data)} octets)")


if __name__ == "__main__":
    build_reference()
