"""fastread: a few rows of a big table found by byte searches, read exactly as python-calamine reads them.

The oracle is python-calamine itself: for every table of many workbooks (saved by Excel, by
LibreOffice, built by XlsxWriter, written by the FileStore, and crafted by hand with every markup
variant a cell may hold), for every column taken as the key and many keys, `rows_with_key` must
equal a brute-force filter over calamine's `to_python()` grid, and `tail_rows` its last non-blank
rows. Dates are the one documented difference: calamine gives a date where fastread gives the
serial number.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from pyxl.excel.builder import build
from pyxl.workbook import fastread, ooxml
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import SCHEMA, Column, Kind, Table

NS = ooxml.NS_MAIN
NS_R = ooxml.NS_R
DATE_LIKE = (dt.date, dt.time, dt.timedelta)  # dt.datetime is a dt.date
AS_OF = dt.date(2026, 3, 15)


# --------------------------------------------------------------------------- the oracle
def serial(v: Any, date1904: bool) -> float:
    """A calamine date/time back to Excel's serial number."""
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    if isinstance(v, dt.datetime):
        base = dt.datetime(1899, 12, 30) + (dt.timedelta(days=ooxml.DAYS_1904) if date1904 else dt.timedelta())
        return (v - base).total_seconds() / 86400
    base_d = ooxml.EXCEL_EPOCH + (dt.timedelta(days=ooxml.DAYS_1904) if date1904 else dt.timedelta())
    return float((v - base_d).days)


def same_value(fast: Any, cal: Any, date1904: bool) -> bool:
    if isinstance(cal, DATE_LIKE) and isinstance(fast, float):  # the documented difference
        return abs(fast - serial(cal, date1904)) < 1e-6
    if isinstance(cal, float) and isinstance(fast, float) and cal != cal:
        return fast != fast  # nan
    return type(fast) is type(cal) and fast == cal


def assert_same(fast: list[tuple[int, list[Any]]], cal: list[tuple[int, list[Any]]], date1904: bool,
                what: str) -> None:
    assert [n for n, _ in fast] == [n for n, _ in cal], what
    for (n, a), (_, b) in zip(fast, cal, strict=True):
        assert len(a) == len(b), (what, n)
        bad = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if not same_value(x, y, date1904)]
        assert not bad, (what, n, bad)


def text_of(raw: Any) -> str:
    """A key cell as text, as the FileStore reads it (cells.text_of)."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    return str(raw)


def blank(raw: list[Any]) -> bool:
    return all(v is None or v == "" for v in raw)


class Oracle:
    """Calamine's rows of one table: [(row number, [cells c1..c2])], blank rows included."""

    def __init__(self, path: Path, pkg: ooxml.Package, loc: ooxml.TableLoc, grids: dict[str, list]):
        if loc.sheet not in grids:
            grids[loc.sheet] = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(loc.sheet).to_python(
                skip_empty_area=False)
        grid = grids[loc.sheet]
        c1, r1, c2, r2 = loc.ref
        last = r2 - 1 if loc.totals else r2
        self.rows = []
        for num in range(r1 + 1, last + 1):
            line = grid[num - 1] if num - 1 < len(grid) else []
            raw = list(line[c1 - 1: c2])
            self.rows.append((num, raw + [""] * (c2 - c1 + 1 - len(raw))))

    def with_key(self, offset: int, values: set[str]) -> list[tuple[int, list[Any]]]:
        return [(n, raw) for n, raw in self.rows if not blank(raw) and text_of(raw[offset]) in values]

    def tail(self, n: int) -> list[tuple[int, list[Any]]]:
        return [(k, raw) for k, raw in self.rows if not blank(raw)][-n:] if n > 0 else []


PROBES = ("F2026-0001", "F2026-00012", "F2026-000", "BROUILLON-12", "BROUILLON-1", "12", "-12", "1", "120",
          "ABSENT-1", "Column1", "Foo")


def check_book(path: Path, monkeypatch: pytest.MonkeyPatch, *, probes: tuple[str, ...] = PROBES,
               seed: int = 0, tables: set[str] | None = None) -> int:
    """Compare fastread with calamine on every table of the workbook; returns the number of checks."""
    scans: list[str] = []
    real_scan = fastread._scan

    def scan(*args: Any) -> Any:
        scans.append("scan")
        return real_scan(*args)

    monkeypatch.setattr(fastread, "_scan", scan)
    rnd = random.Random(seed)
    pkg = ooxml.Package(str(path))
    grids: dict[str, list] = {}
    date1904 = pkg.date1904
    checks = 0
    try:
        for loc in pkg.tables.values():
            if tables is not None and loc.name not in tables:
                continue
            oracle = Oracle(path, pkg, loc, grids)
            width = loc.ref[2] - loc.ref[0] + 1
            for offset in range(width):
                # a date in the key column reads as a date in calamine, as its serial here (documented):
                # those rows are left out on both sides
                dates = {n for n, raw in oracle.rows if isinstance(raw[offset], DATE_LIKE)}
                texts = sorted({text_of(raw[offset]) for n, raw in oracle.rows if n not in dates} | set(probes))
                if offset and len(texts) > 12:  # every key in the first column, a sample in the others
                    texts = rnd.sample(texts, 12)
                sets = [{t} for t in texts]
                sets += [set(rnd.sample(texts, min(3, len(texts)))) for _ in range(3)]
                for values in sets:
                    scans.clear()
                    fast = [r for r in fastread.rows_with_key(pkg, loc, offset, values) if r[0] not in dates]
                    expected = [r for r in oracle.with_key(offset, values) if r[0] not in dates]
                    assert_same(fast, expected, date1904,
                                f"{path.name} {loc.name} column {offset} keys {values!r}")
                    if all(fastread._needles(v) is not None for v in values):
                        assert not scans, f"{values!r} read the whole table"
                    checks += 1
            for n in (1, 2, 3, 7, len(oracle.rows) + 2):
                assert_same(fastread.tail_rows(pkg, loc, n), oracle.tail(n), date1904, f"{path.name} {loc.name} tail {n}")
                checks += 1
            assert_same(fastread.all_rows(pkg, loc), oracle.tail(len(oracle.rows) + 1), date1904,
                        f"{path.name} {loc.name} all rows")
            # rows by number: some present, the header, one past the end, one inside but blank or absent
            nums = {n for n, _ in oracle.rows}
            asked = set(rnd.sample(sorted(nums), min(4, len(nums)))) | {loc.ref[1], loc.ref[3] + 1, loc.ref[3]}
            expected_at = [(n, raw) for n, raw in oracle.tail(len(oracle.rows) + 1) if n in asked]
            assert_same(fastread.rows_at(pkg, loc, asked), expected_at, date1904, f"{path.name} {loc.name} at {asked}")
            checks += 1
    finally:
        pkg.close()
    return checks


# --------------------------------------------------------------------------- hand-crafted workbooks
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="@"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"""


def crafted_book(path: Path, rows_xml: str, sst: list[str] | None, *, ref: str, headers: tuple[str, ...],
                 totals: bool = False, prefix: str = "", date1904: bool = False, sheet_head: str = "",
                 more_tables: tuple[tuple[str, str, tuple[str, ...]], ...] = ()) -> Path:
    """A minimal workbook: one sheet "S" holding `rows_xml` (row markup written with the given tag
    prefix), a table tT at `ref`, and the shared strings `sst` (raw <si> elements)."""
    p = prefix
    xmlns = f'xmlns:{p[:-1]}="{NS}"' if p else f'xmlns="{NS}"'
    tables = [("tT", ref, headers), *more_tables]
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {xmlns} xmlns:r="{NS_R}">'
             f'{sheet_head}<{p}sheetData>{rows_xml}</{p}sheetData><{p}tableParts count="{len(tables)}">'
             + "".join(f'<{p}tablePart r:id="rId{i + 1}"/>' for i in range(len(tables)))
             + f"</{p}tableParts></{p}worksheet>")
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/tables/table{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>'
                      for i in range(len(tables)))
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
               if sst is not None else "") + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS}" xmlns:r="{NS_R}">'
            f'<workbookPr{" date1904=" + chr(34) + "1" + chr(34) if date1904 else ""}/>'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{NS_R}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{NS_R}/styles" Target="styles.xml"/>'
            + (f'<Relationship Id="rId3" Type="{NS_R}/sharedStrings" Target="sharedStrings.xml"/>' if sst is not None else "")
            + "</Relationships>"),
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/worksheets/_rels/sheet1.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="{NS_R}/table" Target="../tables/table{i + 1}.xml"/>'
                      for i in range(len(tables))) + "</Relationships>"),
    }
    for i, (name, tref, heads) in enumerate(tables):
        parts[f"xl/tables/table{i + 1}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns="{NS}" id="{i + 1}" name="{name}" '
            f'displayName="{name}" ref="{tref}"{" totalsRowCount=" + chr(34) + "1" + chr(34) if totals and i == 0 else ""}>'
            f'<tableColumns count="{len(heads)}">'
            + "".join(f'<tableColumn id="{k + 1}" name="{h}"/>' for k, h in enumerate(heads))
            + "</tableColumns></table>")
    if sst is not None:
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}sst {xmlns} count="{len(sst)}" '
            f'uniqueCount="{len(sst)}">' + "".join(sst) + f"</{p}sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return path


def esc(text: str) -> str:
    """Text as a writer stores it in a <t> or <v>: XML escapes and Excel's _xHHHH_ escapes."""
    return ooxml.encode_text(text)


def keep(text: str) -> str:
    return ' xml:space="preserve"' if text != text.strip(" \t\r\n") else ""


KEYS = ["F2026-00012", "F2026-0001", "F2026-00013", "BROUILLON-12", "BROUILLON-1", "A", "Éts Müller", "12",
        "_x0041_", "x_x0041_y", "a&b", "<tag>", "=SUM(A1)", " lead", "trail ", "tab\tin", "l1\nl2", "q\"'", "🔥",
        "0012", "-12", "True", "nan", "12.5", "mi_x"]
OTHER = ["Matériel", "Chaudière « Éco » & fils", "", "  ", "_x005F_", "ligne\r\nCR", "ctl\x01x", "Column1"]


class Writer:
    """Random cells in every markup that decodes to a given value, and the shared strings they use."""

    KINDS = ("plain", "runs", "charref", "comment", "allx", "trimmed", "cdata", "ws")

    def __init__(self, rnd: random.Random, p: str, sst: list[str] | None):
        self.rnd, self.p, self.sst = rnd, p, sst
        self.kinds = iter(self.KINDS * 3)  # every way first, then at random
        self.spellings = iter(range(12))

    def si(self, body: str) -> int:
        assert self.sst is not None
        self.sst.append(f"<{self.p}si>{body}</{self.p}si>")
        return len(self.sst) - 1

    def runs(self, text: str) -> str:
        """The text as 1 to 3 rich-text runs plus a phonetic run (left out when read)."""
        p = self.p
        cuts = sorted(self.rnd.sample(range(1, len(text)), min(2, len(text) - 1))) if len(text) > 1 else []
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        return ("".join(f"<{p}r>{'<' + p + 'rPr><' + p + 'b/></' + p + 'rPr>' if k else ''}"
                        f"<{p}t{keep(x) or ' xml:space=' + chr(34) + 'preserve' + chr(34)}>{esc(x)}</{p}t></{p}r>"
                        for k, x in enumerate(pieces))
                + f'<{p}rPh sb="0" eb="1"><{p}t>PHON{esc(text[:3])}</{p}t></{p}rPh>')

    def t_body(self, text: str) -> str:
        """One way of writing a string's <t> content (for an <si> or an <is>)."""
        p = self.p
        kind = next(self.kinds, None) or self.rnd.choice(self.KINDS)
        e = esc(text)
        if kind == "runs" and text:
            return self.runs(text)
        if kind == "charref" and text and text[0] not in "&<>_":
            return f"<{p}t{keep(text)}>&#{ord(text[0])};{esc(text[1:]) if text[1:2] != '_' else esc(text)[1:]}</{p}t>"
        if kind == "comment" and len(e) > 2 and "&" not in e[:3]:
            return f"<{p}t{keep(text)}>{e[:1]}<!-- c -->{e[1:]}</{p}t>"
        if kind == "allx" and text and all(0x20 <= ord(c) < 0xD800 for c in text):
            return f"<{p}t{keep(text)}>{''.join(f'_x{ord(c):04x}_' for c in text)}</{p}t>"
        if kind == "trimmed" and text == text.strip(" \t\r\n"):
            return f"<{p}t>\n  {e} \t</{p}t>"
        if kind == "cdata" and "]]>" not in text and "\r" not in text and text == text.strip(" \t\r\n") \
                and all(ord(c) >= 0x20 or c in "\t\n" for c in text):
            return f"<{p}t><![CDATA[{ooxml._escape_x(text)}]]></{p}t>"
        if kind == "ws" and text == text.strip(" \t\r\n"):
            return f'<{p}t xml:space="default">\r\n{e}\r\n</{p}t>'
        return f"<{p}t{keep(text)}>{e}</{p}t>"

    def text_cell(self, ref: str, text: str) -> str:
        p = self.p
        r = f' r="{ref}"' if ref else ""
        way = self.rnd.choice(["sst", "sst", "inline", "str"] if self.sst is not None else ["inline", "str"])
        if way == "sst":
            return f'<{p}c{r} t="s"><{p}v>{self.si(self.t_body(text))}</{p}v></{p}c>'
        if way == "inline":
            return f'<{p}c{r} t="inlineStr"><{p}is>{self.t_body(text)}</{p}is></{p}c>'
        return f'<{p}c{r} t="str"><{p}f>"x"</{p}f><{p}v>{esc(text)}</{p}v></{p}c>'

    def number_cell(self, ref: str, x: float | int) -> str:
        p = self.p
        r = f' r="{ref}"' if ref else ""
        spellings = [repr(float(x)), str(x)]
        if isinstance(x, int):
            spellings += [f"0{x}" if x >= 0 else f"-0{-x}", f"+{x}" if x >= 0 else str(x), f"{x}.000", f"{x}."]
        t = self.rnd.choice(["", ' t="n"'])
        k = next(self.spellings, None)
        spelling = spellings[k % len(spellings)] if k is not None else self.rnd.choice(spellings)
        return f"<{p}c{r}{t}><{p}v>{spelling}</{p}v></{p}c>"

    def cell(self, ref: str, key_col: bool) -> str:
        """A random cell (or nothing)."""
        p, rnd = self.p, self.rnd
        r = f' r="{ref}"' if ref else ""
        kind = rnd.choice(["key", "key", "key", "text", "number", "date", "bool", "error", "empty", "none",
                           "formula", "odd"] if key_col else
                          ["key", "text", "text", "number", "number", "date", "bool", "error", "empty", "none",
                           "formula", "odd"])
        if kind == "key":
            key = rnd.choice(KEYS)
            return self.number_cell(ref, int(key)) if key.lstrip("-").isdigit() and rnd.random() < 0.5 \
                else self.text_cell(ref, key)
        if kind == "text":
            return self.text_cell(ref, rnd.choice(OTHER))
        if kind == "number":
            return self.number_cell(ref, rnd.choice([12, -12, 0, 3, 12.5, -0.25, 1e20, 120, 1]))
        if kind == "date":
            style = rnd.choice(["1", "2", "3"])
            value = rnd.choice(["46000", "46000.5", "45000.25", "0.75"] if style == "3" else ["46000", "45292", "61"])
            return f'<{p}c{r} s="{style}"><{p}v>{value}</{p}v></{p}c>'
        if kind == "bool":
            return f'<{p}c{r} t="b"><{p}v>{rnd.choice(["1", "0", "true", "FALSE"])}</{p}v></{p}c>'
        if kind == "error":
            return f'<{p}c{r} t="e"><{p}f>1/0</{p}f><{p}v>{rnd.choice(["#DIV/0!", "#N/A", "#REF!"])}</{p}v></{p}c>'
        if kind == "empty":
            return rnd.choice([f'<{p}c{r} s="4"/>', f"<{p}c{r}><{p}v></{p}v></{p}c>", f"<{p}c{r}><{p}f>A1</{p}f></{p}c>"])
        if kind == "formula":
            return f'<{p}c{r} s="4"><{p}f>1+1</{p}f><{p}v>2</{p}v></{p}c>'
        if kind == "odd":  # markup no program writes, read as calamine reads it
            return rnd.choice([
                f'<{p}c{r} t="d"><{p}v>2026-01-02</{p}v></{p}c>',  # an ISO date
                f"<{p}c{r}><{p}v><!-- c -->12</{p}v></{p}c>",  # calamine: nothing (markup first)
                f'<{p}c{r} t="n"><{p}is><{p}t>F2026-00012</{p}t></{p}is></{p}c>',  # <is> whatever the type
                f"<{p}c{r}><{p}v>12</{p}v><{p}f>1</{p}f></{p}c>",  # the last child decides: nothing
                f'<{p}c{r} t="str"><{p}v>F2026-<![CDATA[X]]>00012</{p}v></{p}c>',  # CDATA left out of a str
                f"<{p}c{r}><{p}v>F2026-00012</{p}v></{p}c>",  # not a number: its text
                f"<{p}c{r}><{p}v>_x0041_</{p}v></{p}c>",  # not decoded there
                f'<{p}c{r} t="b"><{p}v> 1</{p}v></{p}c>',
                f"<{p}c{r}><{p}v>1e400</{p}v></{p}c>",
                f"<{p}c{r}><{p}v>NaN</{p}v></{p}c>",
                f"<{p}c{r.lower()}><{p}v>7</{p}v></{p}c>",  # a lower-case reference
                f'<{p}c{r} t="str"><{p}v>F2026&#45;00012</{p}v></{p}c>',
            ])
        return ""


def crafted_rows(rnd: random.Random, p: str, sst: list[str] | None, *, c1: int, r1: int, c2: int, last: int,
                 totals: bool, no_r: bool) -> str:
    """Rows r1..last (+ totals, + rows above and below the table) with columns c1-1..c2+1."""
    w = Writer(rnd, p, sst)
    rows = []
    for num in range(1, last + 4):
        cells = []
        for col in range(max(1, c1 - 1), c2 + 2):
            ref = f"{ooxml.col_letter(col)}{num}"
            if num == r1 and c1 <= col <= c2:
                cells.append(w.text_cell(ref, f"H{col}"))
            elif num == last + 1 and totals and c1 <= col <= c2:
                cells.append(w.text_cell(ref, "F2026-00012") if col == c1 else w.number_cell(ref, 12))
            elif num > last + 1 or num < r1 or not c1 <= col <= c2:  # outside the table: keys too
                cells.append(w.cell(ref, key_col=True) if rnd.random() < 0.5 else "")
            else:
                cells.append(w.cell(ref, key_col=(col == c1)))
        if no_r and rnd.random() < 0.5:  # cells without r: each follows the previous one
            filled = [c or w.cell("", key_col=False) or f"<{p}c/>" for c in cells]
            first = max(1, c1 - 1)
            cells = [filled[0].replace(f' r="{ooxml.col_letter(first)}{num}"', "", 1)
                     if rnd.random() < 0.5 else filled[0], *[strip_r(c) for c in filled[1:]]]
        if rnd.random() < 0.08 and r1 < num <= last:
            rows.append(f'<{p}row r="{num}" spans="1:9" ht="20" customHeight="1"/>')  # a blank row, written
            continue
        if rnd.random() < 0.05 and r1 < num <= last:
            continue  # a blank row, not written at all
        rows.append(f'<{p}row r="{num}" spans="{max(1, c1 - 1)}:{c2 + 1}">{"".join(cells)}</{p}row>')
    return "".join(rows)


def strip_r(cell: str) -> str:
    return re.sub(r' r="[A-Z]+\d+"', "", cell, count=1)


@pytest.mark.parametrize(("prefix", "no_r", "with_sst", "totals", "date1904", "seed"), [
    ("", False, True, False, False, 1),
    ("", False, True, True, False, 2),
    ("x:", False, True, True, False, 3),
    ("", True, True, False, True, 4),
    ("x:", True, False, False, False, 5),
    ("", False, False, True, False, 6),
    ("", False, True, False, False, 7),
    ("x:", False, True, False, True, 8),
    ("", True, True, True, False, 9),
])
def test_crafted_markup_matches_calamine(tmp_path, monkeypatch, prefix, no_r, with_sst, totals, date1904, seed):
    rnd = random.Random(seed)
    sst: list[str] | None = [] if with_sst else None
    if sst is not None:  # strings no cell uses, some equal to keys: their index must not match
        sst += [f"<{prefix}si><{prefix}t>{esc(k)}</{prefix}t></{prefix}si>" for k in ("F2026-00099", "ABSENT-1")]
    c1, r1, c2, last = 2, 3, 6, 40
    rows = crafted_rows(rnd, prefix, sst, c1=c1, r1=r1, c2=c2, last=last, totals=totals, no_r=no_r)
    ref = f"B{r1}:F{last + (1 if totals else 0)}"
    book = crafted_book(tmp_path / f"crafted{seed}.xlsx", rows, sst, ref=ref, headers=("K", "A", "B", "C", "D"),
                        totals=totals, prefix=prefix, date1904=date1904)
    markup = b"".join(zipfile.ZipFile(book).read(n) for n in zipfile.ZipFile(book).namelist())
    for variant in (rb"<!\[CDATA\[", b"<!--", b"&#", b"_x00", b"r><", b"rPh", b"xml:space", b't="str"', b't="b"',
                    b't="e"', rb"v>\+\d", rb"v>0\d", rb"v>\d+\.0+<"):
        assert re.search(variant, markup), variant  # every way of writing a value is there
    assert check_book(book, monkeypatch, probes=(*PROBES, *KEYS)) > 100


# --------------------------------------------------------------------------- workbooks from real writers
@pytest.mark.parametrize("name", ["table02.xlsx", "table06.xlsx", "table12.xlsx", "table14.xlsx", "table26.xlsx"])
def test_excel_saved_workbooks(excel_fixture, monkeypatch, name):
    assert check_book(excel_fixture(name), monkeypatch) > 0


def test_libreoffice_saved_workbook(libreoffice_book, monkeypatch):
    assert check_book(libreoffice_book, monkeypatch, probes=(*PROBES, "C00001", "raison_sociale")) > 50


T_LINES = Table(
    name="tLignesTest",
    sheet="Lignes test",
    columns=(
        Column("piece", "Pièce"),
        Column("n", "N°", Kind.INT),
        Column("date", "Date", Kind.DATE),
        Column("designation", "Désignation"),
        Column("qty", "Quantité", Kind.DECIMAL),
        Column("total", "Total", Kind.MONEY),
        Column("notes", "Notes"),
    ),
)
LINES_SCHEMA = SCHEMA.with_tables(T_LINES)
HOSTILE = ["Éts Müller & Fils <SARL> \"l'atelier\" — 5 €", "  espaces  ", "ligne 1\nligne 2\r\nligne 3",
           "_x0041_ et _x0041_x0042_ et _x005F_", "contrôle \x01\x07 fin", "=cmd|' /C calc'!A0", "+33 6",
           "0612", "-2", "tab\tulation", "]]> &amp; &#65; <![CDATA[x]]>", "emoji 🔥 𝔘", "F2026-00012"]


def line_rows(rnd: random.Random, n: int) -> list[dict[str, Any]]:
    pieces = ["F2026-0001", "F2026-00012", "F2026-00013", "BROUILLON-12", "BROUILLON-1", "F2026-000120",
              *HOSTILE[:4]]
    return [{"piece": rnd.choice(pieces), "n": rnd.randint(1, 20), "date": dt.date(2026, 1, 1) + dt.timedelta(days=i),
             "designation": rnd.choice([*HOSTILE, "F2026-00012", "Joint"]), "qty": Decimal(rnd.randint(1, 40)) / 4,
             "total": Decimal(rnd.randint(1, 99999)) / 100, "notes": rnd.choice(["", "", "F2026-0001", *HOSTILE])}
            for i in range(n)]


def test_workbook_built_by_xlsxwriter(tmp_path, monkeypatch):
    """XlsxWriter writes every text as a shared string; numbers in a text column stay numbers."""
    rows = line_rows(random.Random(7), 60)
    rows[5]["piece"] = 12  # a number in the key column
    rows[9]["piece"] = 120
    book = tmp_path / "built.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": rows, "tClients": [{"code": "C1", "name": "F2026-00012"}]})
    assert re.search(rb'<c r="A7"[^>]*><v>12</v></c>', zipfile.ZipFile(book).read(
        ooxml.Package(str(book)).table("tLignesTest").sheet_part))
    assert check_book(book, monkeypatch, probes=(*PROBES, *HOSTILE), tables={"tLignesTest", "tClients"}) > 200


def test_workbook_written_by_the_filestore(tmp_path, monkeypatch):
    """The FileStore writes inline strings; a row blanked by an update stays inside the table."""
    book = tmp_path / "store.xlsm"
    build(book, LINES_SCHEMA)
    rnd = random.Random(8)
    store = FileStore(book, LINES_SCHEMA)
    cs = ChangeSet()
    for r in line_rows(rnd, 40):
        cs.append("tLignesTest", r)
    store.apply(cs, as_of=AS_OF)
    cs = ChangeSet()
    cs.update("tLignesTest", 5, dict.fromkeys(("piece", "n", "date", "designation", "qty", "total", "notes")))
    cs.update("tLignesTest", 9, {"piece": "BROUILLON-12", "notes": "_x0041_"})
    cs.append("tLignesTest", {"piece": "F2026-00012", "n": 99, "notes": "dernière"})
    FileStore(book, LINES_SCHEMA).apply(cs, as_of=AS_OF)
    sheet = zipfile.ZipFile(book).read(ooxml.Package(str(book)).table("tLignesTest").sheet_part)
    assert b't="inlineStr"' in sheet
    assert check_book(book, monkeypatch, probes=(*PROBES, *HOSTILE, "99"), tables={"tLignesTest"}) > 100
    # and what the FileStore itself reads agrees
    pkg = ooxml.Package(str(book))
    loc = pkg.table("tLignesTest")
    fast = fastread.rows_with_key(pkg, loc, 0, {"F2026-00012"})
    typed = FileStore(book, LINES_SCHEMA).rows_where("tLignesTest", "piece", {"F2026-00012"})
    assert [n for n, _ in fast] == [r.row for r in typed] and typed
    assert fastread.tail_rows(pkg, loc, 1)[0][1][1] == 99.0


# --------------------------------------------------------------------------- one thing at a time
def small_book(tmp_path: Path, rows_xml: str, sst: list[str] | None = None, *, ref: str = "A1:C8",
               totals: bool = False, prefix: str = "") -> Path:
    return crafted_book(tmp_path / "small.xlsx", rows_xml, sst, ref=ref, headers=("K", "V", "W"), totals=totals,
                        prefix=prefix)


def read(book: Path, key: str | set[str], offset: int = 0) -> list[tuple[int, list[Any]]]:
    pkg = ooxml.Package(str(book))
    try:
        return fastread.rows_with_key(pkg, pkg.table("tT"), offset, {key} if isinstance(key, str) else key)
    finally:
        pkg.close()


def tail(book: Path, n: int) -> list[tuple[int, list[Any]]]:
    pkg = ooxml.Package(str(book))
    try:
        return fastread.tail_rows(pkg, pkg.table("tT"), n)
    finally:
        pkg.close()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t{keep(text)}>{esc(text)}</t></is></c>'


def test_a_key_that_is_a_prefix_of_another(tmp_path):
    book = small_book(tmp_path, '<row r="1">' + inline("A1", "K") + "</row>"
                      + "".join(f'<row r="{i}">{inline(f"A{i}", k)}{inline(f"B{i}", str(i))}</row>'
                                for i, k in enumerate(["F2026-0001", "F2026-00012", "F2026-00010", "F2026-0001"], 2)))
    assert [n for n, _ in read(book, "F2026-0001")] == [2, 5]
    assert [n for n, _ in read(book, "F2026-00012")] == [3]
    assert read(book, "F2026-000") == []


def test_a_key_present_in_another_column_only(tmp_path):
    sst = ["<si><t>K</t></si>", "<si><t>F2026-00012</t></si>", "<si><t>autre</t></si>"]
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>1</v></c><c r="D2" t="s"><v>1</v></c></row>'
            '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>12</v></c></row>'
            '<row r="9"><c r="A9" t="s"><v>1</v></c></row>')  # below the table
    book = small_book(tmp_path, rows, sst)
    assert read(book, "F2026-00012") == [(3, ["F2026-00012", 12.0, ""])]
    assert read(book, "F2026-00012", offset=1) == [(2, ["autre", "F2026-00012", ""])]
    assert read(book, "12", offset=1) == [(3, ["F2026-00012", 12.0, ""])]


def test_numbers_in_the_key_column(tmp_path):
    spellings = ["12", "12.0", "012", "+12", "12.000", "12.", "12.5", "-12", "1.2E1"]
    rows = '<row r="1">' + inline("A1", "K") + "</row>" + "".join(
        f'<row r="{i}"><c r="A{i}"><v>{s}</v></c>{inline(f"B{i}", s)}</row>' for i, s in enumerate(spellings, 2))
    book = small_book(tmp_path, rows, ref="A1:C12")
    assert [n for n, _ in read(book, "12")] == [2, 3, 4, 5, 6, 7]  # 1.2E1: a documented limit (row 10)
    assert [n for n, _ in read(book, "-12")] == [9]
    assert [n for n, _ in read(book, "12.5")] == [8]  # a decimal: read by a full scan
    assert [n for n, _ in read(book, "12", offset=1)] == [2]  # the text "12"
    assert read(book, "12")[0][1] == [12.0, "12", ""]


def test_totals_row_blank_rows_and_cells_beyond_the_table(tmp_path):
    rows = ('<row r="1">' + inline("A1", "K") + "</row>"
            '<row r="2">' + inline("A2", "F1") + '<c r="B2"><v>1</v></c>' + inline("E2", "F1") + "</row>"
            '<row r="3" ht="20" customHeight="1"/>'
            '<row r="4"><c r="A4" s="1"/><c r="B4"><v></v></c><c r="C4" t="inlineStr"><is><t></t></is></c>'
            + inline("D4", "hors table") + "</row>"
            '<row r="6">' + inline("A6", "F1") + inline("C6", "x") + "</row>"
            '<row r="7">' + inline("A7", "F1") + '<c r="B7"><f>SUBTOTAL(109,B2:B6)</f><v>1</v></c></row>'
            '<row r="8">' + inline("A8", "F1") + "</row>")
    book = small_book(tmp_path, rows, ref="A1:C7", totals=True)
    assert read(book, "F1") == [(2, ["F1", 1.0, ""]), (6, ["F1", "", "x"])]
    assert tail(book, 5) == [(2, ["F1", 1.0, ""]), (6, ["F1", "", "x"])]
    assert tail(book, 1) == [(6, ["F1", "", "x"])]
    assert tail(book, 0) == []


def test_hostile_texts_are_read_back_exactly(tmp_path):
    texts = [*HOSTILE, "_x0041_", "__x0041__", "=1+1", "'quoted'", "a\"b", "x" * 300]
    sst = ["<si><t>K</t></si>"] + [f"<si><t{keep(t)}>{esc(t)}</t></si>" for t in texts]
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + "".join(
        f'<row r="{i + 2}"><c r="A{i + 2}" t="s"><v>{i + 1}</v></c>{inline(f"B{i + 2}", t)}</row>'
        for i, t in enumerate(texts))
    book = small_book(tmp_path, rows, sst, ref=f"A1:C{len(texts) + 1}")
    for i, t in enumerate(texts):
        assert read(book, t) == [(i + 2, [t, t, ""])], t
        assert read(book, t, offset=1) == [(i + 2, [t, t, ""])], t
    assert [n for n, _ in read(book, set(texts[:3]))] == [2, 3, 4]


def test_rows_out_of_order_are_read_like_calamine(tmp_path):
    """Invalid (Excel never writes them), but calamine reads rows by number and merges a repeated row,
    the later cell winning: `tail_rows` does the same once it meets the disorder."""
    rows = ('<row r="1">' + inline("A1", "K") + "</row>"
            '<row r="2">' + inline("A2", "a") + "</row>"
            '<row r="4">' + inline("A4", "c") + inline("B4", "old") + "</row>"
            '<row r="3">' + inline("A3", "b") + "</row>"
            '<row r="4">' + inline("B4", "new") + "</row>")
    book = small_book(tmp_path, rows)
    pkg = ooxml.Package(str(book))
    oracle = Oracle(book, pkg, pkg.table("tT"), {})
    for n in (3, 4, 7):
        assert tail(book, n) == oracle.tail(n)
    assert oracle.tail(3)[-1] == (4, ["c", "new", ""])


def test_cells_without_reference_and_prefixed_markup(tmp_path, monkeypatch):
    p = "x:"
    rows = ('<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>K</x:t></x:is></x:c></x:row>'
            '<x:row r="2"><x:c t="inlineStr"><x:is><x:t>F1</x:t></x:is></x:c><x:c r="B2" s="4"/><x:c><x:v>3</x:v></x:c></x:row>'
            '<x:row r="3"><x:c r="B3"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:r><x:t>F</x:t></x:r><x:r><x:t>1</x:t></x:r></x:is></x:c></x:row>')
    book = small_book(tmp_path, rows, prefix=p)
    assert read(book, "F1") == [(2, ["F1", "", 3.0])]
    assert read(book, "F1", offset=2) == [(3, ["", 1.0, "F1"])]
    check_book(book, monkeypatch)


def test_values_as_calamine_gives_them(tmp_path):
    sst = ["<si><t>K</t></si>",
           '<si><r><t xml:space="preserve">Ri </t></r><r><rPr><b/></rPr><t>ch</t></r><rPh sb="0" eb="1"><t>PH</t></rPh></si>',
           "<si><t>  trimmed\n</t></si>"]
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>k2</t></is></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>k3</t></is></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#N/A</v></c></row>'
            '<row r="4"><c r="A4" t="inlineStr"><is><t>k4</t></is></c><c r="B4" s="1"><v>46000</v></c>'
            '<c r="C4" t="str"><f>A1</f><v>a_x000D_&amp;b</v></c></row>'
            '<row r="5"><c r="A5" t="inlineStr"><is><t>k5</t></is></c><c r="B5"><v>inf</v></c><c r="C5"><v>abc</v></c></row>'
            '<row r="6"><c r="A6" t="inlineStr"><is><t>k6</t></is></c><c r="B6" t="d"><v>2026-01-02</v></c>'
            '<c r="C6"><f>1/0</f></c></row>')
    book = small_book(tmp_path, rows, sst)
    assert read(book, "k2") == [(2, ["k2", "Ri ch", "trimmed"])]
    assert read(book, "k3") == [(3, ["k3", True, ""])]
    assert read(book, "k4") == [(4, ["k4", 46000.0, "a\r&b"])]  # a date-formatted number: its serial
    assert read(book, "k5") == [(5, ["k5", float("inf"), "abc"])]
    assert read(book, "k6") == [(6, ["k6", dt.date(2026, 1, 2), ""])]
    assert read(book, "46000", offset=1) == [(4, ["k4", 46000.0, "a\r&b"])]  # calamine: a date (documented)


def test_cells_calamine_refuses_are_refused(tmp_path):
    rows = ('<row r="1">' + inline("A1", "K") + "</row>"
            '<row r="2">' + inline("A2", "bad") + '<c r="B2" t="e"><v>#SPILL!</v></c></row>'
            '<row r="3">' + inline("A3", "bad2") + '<c r="B3" t="s"><v>7</v></c></row>')
    book = small_book(tmp_path, rows)
    with pytest.raises(ooxml.PackageError):
        read(book, "bad")
    with pytest.raises(ooxml.PackageError):
        read(book, "bad2")


def test_arguments(tmp_path):
    book = small_book(tmp_path, '<row r="1">' + inline("A1", "K") + "</row>")
    with pytest.raises(ValueError):
        read(book, "x", offset=3)
    assert read(book, set()) == [] and read(book, "x") == [] and tail(book, 3) == []


def test_empty_key_booleans_and_decimals_take_the_full_scan(tmp_path, monkeypatch):
    """Keys no byte search can find read every row (check_book checks the others never do)."""
    rows = ('<row r="1">' + inline("A1", "K") + "</row>"
            '<row r="2"><c r="B2"><v>1</v></c></row>'
            '<row r="3"><c r="A3" t="b"><v>1</v></c></row>'
            '<row r="4">' + inline("A4", "a&b") + "</row>"
            '<row r="5"><c r="A5"><v>12.50</v></c><c><v>2</v></c></row>'  # B5: no reference
            '<row r="6"><c r="A6"><v>0.29999999999999999</v></c></row>')
    book = small_book(tmp_path, rows)
    assert read(book, "") == [(2, ["", 1.0, ""])]
    assert read(book, "True") == [(3, [True, "", ""])]
    assert read(book, "a&b") == [(4, ["a&b", "", ""])]
    assert read(book, "12.5") == [(5, [12.5, 2.0, ""])]
    assert read(book, "0.3") == [(6, [0.3, "", ""])]
    assert read(book, "2", offset=1) == [(5, [12.5, 2.0, ""])]
    for key in ("", "True", "12.5", "0.3", "nan", "inf", "1234567890123456"):
        assert fastread._needles(key) is None, key
    check_book(book, monkeypatch, probes=("", "True", "a&b", "False", "12.5", "0.3", "2"))


def test_a_part_in_another_encoding_is_refused(tmp_path):
    book = small_book(tmp_path, '<row r="1">' + inline("A1", "K") + "</row>")
    latin = tmp_path / "latin.xlsx"
    with zipfile.ZipFile(book) as z, open(latin, "wb") as f:
        sheet = z.read("xl/worksheets/sheet1.xml").replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
        ooxml.rewrite(z, f, {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ooxml.PackageError):
        read(latin, "K")


def test_one_decompression_for_several_reads(tmp_path, monkeypatch):
    rows = '<row r="1">' + inline("A1", "K") + "</row>" + "".join(
        f'<row r="{i}">{inline(f"A{i}", f"F{i % 3}")}</row>' for i in range(2, 9))
    book = small_book(tmp_path, rows)
    pkg = ooxml.Package(str(book))
    loc = pkg.table("tT")
    parts: list[str] = []
    real = pkg.read

    def counted(part: str) -> bytes:
        parts.append(part)
        return real(part)

    monkeypatch.setattr(pkg, "read", counted)
    assert [n for n, _ in fastread.tail_rows(pkg, loc, 2)] == [7, 8]
    assert [n for n, _ in fastread.rows_with_key(pkg, loc, 0, {"F1"})] == [4, 7]
    assert [n for n, _ in fastread.rows_with_key(pkg, loc, 0, {"F2"})] == [2, 5, 8]
    assert parts.count(loc.sheet_part) == 1
