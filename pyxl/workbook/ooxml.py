"""Zip-level reading and patching of a SpreadsheetML package (.xlsm/.xlsx).

Only the parts that must change are rewritten: the worksheet XML of the edited sheet (spliced as
bytes, only the edited rows are parsed), its table XML and, for migrations, the workbook parts.
Every other zip entry is copied raw (its compressed bytes untouched), so the VBA project, buttons,
ribbon, styles, x14 validations and whatever Excel wrote survive byte for byte.

This module knows OOXML, not the schema: it speaks of sheets, tables, rows and cells.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape as _html_escape
from typing import BinaryIO

from lxml import etree

from pyxl.workbook import zchunks

try:  # ISA-L's deflate: optional, a faster zlib for the big sheets
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - installed with SYC Gestion
    _isal = None  # type: ignore[assignment]

BIG_PART = 2_000_000  # bytes: compressed fast (level 1), in parallel threads

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TABLE = NS_R + "/table"
REL_WORKSHEET = NS_R + "/worksheet"
REL_CALCCHAIN = NS_R + "/calcChain"
CT_CALCCHAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"

MAX_ROW = 1_048_576
MAX_TEXT = 32_767  # characters in one cell (Excel's limit; longer text makes Excel repair the file)
EXCEL_EPOCH = dt.date(1899, 12, 30)
DAYS_1904 = 1462  # serial 0 is 1904-01-01 in workbooks using the 1904 date system (old Mac Excel)

_CELL_RE = re.compile(r"([A-Z]{1,3})(\d+)$")
# characters XML cannot hold (and CR, which XML parsers turn into LF, and lone surrogates, which
# UTF-8 cannot encode): written as Excel's _xHHHH_ escapes, as Excel does
_CONTROLS = "\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
# an underscore that would start an _xHHHH_ escape once written: followed by xHHHH and then by an
# underscore or by a control character (whose own escape starts with one). A lookahead, so that in
# "_x0041_x0042_" the second escape, which starts on the first one's closing underscore, is
# protected too.
_XESC_RE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}(?:_|[{_CONTROLS}]))")


class PackageError(Exception):
    """The file is not a workbook we can patch safely (message in French, for the user)."""


def q(tag: str) -> str:
    return f"{{{NS_MAIN}}}{tag}"


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_cell(ref: str) -> tuple[int, int]:
    m = _CELL_RE.match(ref.replace("$", ""))
    if not m:
        raise PackageError(f"référence de cellule invalide : {ref}")
    return col_number(m.group(1)), int(m.group(2))


def split_range(ref: str) -> tuple[int, int, int, int]:
    a, _, b = ref.partition(":")
    c1, r1 = split_cell(a)
    c2, r2 = split_cell(b or a)
    return c1, r1, c2, r2


def range_ref(c1: int, r1: int, c2: int, r2: int) -> str:
    return f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"


def excel_serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def date_from_serial(x: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(x))


# --------------------------------------------------------------------------- cells to write
@dataclass(frozen=True)
class Cell:
    """A value to write: kind 's' (text), 'n' (number) or '' (blank)."""

    kind: str
    value: str = ""

    @staticmethod
    def of(value: object) -> Cell:
        if value is None or value == "":
            return BLANK
        if isinstance(value, bool):
            raise TypeError("booleans are written as text (Oui/Non) by the store")
        if isinstance(value, dt.datetime):
            raise TypeError("timestamps are written as ISO text by the store")
        if isinstance(value, dt.date):
            return Cell("n", str(excel_serial(value)))
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError("non-finite number")
            return Cell("n", "0" if value == 0 else format(value.normalize(), "f"))
        if isinstance(value, int):
            return Cell("n", str(value))
        if isinstance(value, float):
            raise TypeError("floats are not written: convert to Decimal first")
        return Cell("s", str(value))


BLANK = Cell("")


def encode_text(text: str) -> str:
    """Escape for a <t> element: XML specials, and Excel's _xHHHH_ convention.

    A literal '_x0041_' typed by a user is stored as '_x005F_x0041_' so Excel (and calamine) read it
    back unchanged; control characters, which XML cannot hold, become _xHHHH_ as Excel does.
    """
    return _html_escape(_escape_x(text), quote=False)  # & < > only, like xml.sax.saxutils.escape


def _escape_x(text: str) -> str:
    text = _XESC_RE.sub("_x005F_", text)
    return _CONTROL_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def check_text_length(ref: str, text: str) -> None:
    """Refuse text longer than an Excel cell holds (counted as Excel does, in UTF-16 units, and as
    stored, after _xHHHH_ escaping), before anything is written."""
    n = max(len(text.encode("utf-16-le", "surrogatepass")) // 2, len(_escape_x(text)))
    if n > MAX_TEXT:
        raise PackageError(
            f"cellule {ref} : texte de {n} caractères, une cellule Excel en contient au plus 32 767."
        )


def cell_xml(ref: str, cell: Cell, style: str | None, prefix: str = "") -> str:
    s = f' s="{style}"' if style and style != "0" else ""
    p = prefix
    if cell.kind == "n":
        return f'<{p}c r="{ref}"{s}><{p}v>{cell.value}</{p}v></{p}c>'
    if cell.kind == "s":
        check_text_length(ref, cell.value)
        space = ' xml:space="preserve"' if cell.value != cell.value.strip() or "\n" in cell.value else ""
        return (
            f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t{space}>{encode_text(cell.value)}'
            f"</{p}t></{p}is></{p}c>"
        )
    return f'<{p}c r="{ref}"{s}/>' if s else ""


# --------------------------------------------------------------------------- package model
@dataclass
class TableLoc:
    name: str
    sheet: str
    sheet_part: str
    table_part: str
    ref: tuple[int, int, int, int]
    headers: tuple[str, ...]
    totals: bool = False
    header_row: bool = True


def rels_path(part: str) -> str:
    """The relationships part of a part: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def resolve_target(base_part: str, target: str) -> str:
    """A relationship target made absolute (without the leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise PackageError("le classeur est endommagé (une partie XML est illisible)") from None


class Package:
    """A read view of the zip: which sheets and tables it holds, where."""

    def __init__(self, path: str, data: bytes | None = None):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path if data is None else io.BytesIO(data))
        except IsADirectoryError:
            raise PackageError(f"« {path} » est un dossier, pas un classeur Excel.") from None
        except (zipfile.BadZipFile, OSError, ValueError):
            raise PackageError(f"« {path} » n'est pas un classeur Excel lisible "
                               "(fichier vide, tronqué ou d'un autre format).") from None
        self.names = set(self.zip.namelist())
        if "xl/workbook.xml" not in self.names:
            raise PackageError(f"« {path} » n'est pas un classeur Excel (xl/workbook.xml absent).")
        self.workbook_part = "xl/workbook.xml"
        self._sheets: dict[str, str] | None = None
        self._tables: dict[str, TableLoc] | None = None
        self._parts: dict[str, bytes] = {}

    def close(self) -> None:
        self._parts.clear()
        self.zip.close()

    def cached(self, part: str) -> bytes | None:
        """A part's decompressed bytes if they were read already (None: not inflated for this)."""
        return self._parts.get(part)

    def forget(self, part: str) -> None:
        """Drop a part's decompressed bytes (memory): a later `read` inflates it again."""
        self._parts.pop(part, None)

    def chunks(self, part: str) -> list[tuple[int, int, zchunks.Chunk]] | None:
        """(offset in the part, offset in its compressed bytes, chunk) of each chunk of a part
        deflated in chunks (`zchunks`) whose index agrees with the entry; None otherwise."""
        try:
            info = self.zip.getinfo(part)
        except KeyError:
            return None
        if info.compress_type != zipfile.ZIP_DEFLATED or not zchunks.available():
            return None
        found = zchunks.read_index(info.extra, info.file_size, info.compress_size, info.CRC)
        if not found:
            return None
        out, uoff, coff = [], 0, 0
        for ch in found:
            out.append((uoff, coff, ch))
            uoff += ch.ulen
            coff += ch.clen
        return out

    def read_chunks(self, part: str, first: int, last: int) -> bytes:
        """The decompressed bytes of chunks first..last of a part (`chunks`), each inflated on its
        own (a chunk ends with a full flush: it needs nothing before it) and checked by its CRC-32."""
        table = self.chunks(part)
        if table is None or not 0 <= first <= last < len(table):
            raise PackageError(f"partie {part} : blocs illisibles")
        info = self.zip.getinfo(part)
        start, stop = table[first][1], table[last][1] + table[last][2].clen
        fp: BinaryIO = self.zip.fp  # type: ignore[assignment]
        with self.zip._lock:  # type: ignore[attr-defined]
            fp.seek(info.header_offset)
            header = fp.read(30)
            if header[:4] != b"PK\x03\x04":
                raise PackageError("archive zip endommagée")
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            fp.seek(info.header_offset + 30 + name_len + extra_len + start)
            raw = fp.read(stop - start)
        out = []
        pos = 0
        for _uoff, _coff, ch in table[first:last + 1]:
            try:
                piece = zlib.decompressobj(-15).decompress(raw[pos:pos + ch.clen])
            except zlib.error:
                raise PackageError(f"partie {part} : bloc illisible") from None
            if len(piece) != ch.ulen or zchunks.crc32(piece) != ch.crc:
                raise PackageError(f"partie {part} : bloc altéré")
            out.append(piece)
            pos += ch.clen
        return b"".join(out)

    def read(self, part: str) -> bytes:
        """A part's bytes, decompressed once per package (several readers look at the same sheets)."""
        cached = self._parts.get(part)
        if cached is not None:
            return cached
        try:
            info = self.zip.getinfo(part)
            if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > BIG_PART and _isal is not None:
                data = _inflate(self.zip, info)
            else:
                data = self.zip.read(part)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
            raise PackageError(f"« {self.path} » est endommagé (partie {part} illisible).") from None
        self._parts[part] = data
        return data

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """rId → (type, resolved target) for a part."""
        p = rels_path(part)
        if p not in self.names:
            return {}
        out = {}
        for r in _xml(self.read(p)).iter(f"{{{NS_PR}}}Relationship"):
            if r.get("TargetMode") == "External":
                continue
            out[r.get("Id")] = (r.get("Type"), resolve_target(part, r.get("Target")))
        return out

    @property
    def sheets(self) -> dict[str, str]:
        """Sheet name → worksheet part, in workbook order."""
        if self._sheets is None:
            wb = _xml(self.read(self.workbook_part))
            rels = self.rels(self.workbook_part)
            self._sheets = {}
            for s in wb.iter(q("sheet")):
                rid = s.get(f"{{{NS_R}}}id")
                if rid in rels:
                    self._sheets[s.get("name")] = rels[rid][1]
        return self._sheets

    @property
    def tables(self) -> dict[str, TableLoc]:
        """Table displayName (lower-cased) → location."""
        if self._tables is None:
            self._tables = {}
            for sheet, part in self.sheets.items():
                for typ, target in self.rels(part).values():
                    if typ != REL_TABLE or target not in self.names:
                        continue
                    t = _xml(self.read(target))
                    cols = t.find(q("tableColumns"))
                    headers = tuple(
                        _XESC_DECODE(c.get("name", "")) for c in (cols if cols is not None else [])
                    )
                    loc = TableLoc(
                        name=t.get("displayName") or t.get("name"),
                        sheet=sheet,
                        sheet_part=part,
                        table_part=target,
                        ref=split_range(t.get("ref")),
                        headers=headers,
                        totals=int(t.get("totalsRowCount", "0") or 0) > 0,
                        header_row=t.get("headerRowCount", "1") != "0",
                    )
                    self._tables[loc.name.lower()] = loc
        return self._tables

    def table(self, name: str) -> TableLoc:
        try:
            return self.tables[name.lower()]
        except KeyError:
            raise PackageError(f"la table « {name} » est absente du classeur") from None

    @property
    def date1904(self) -> bool:
        """True when the workbook counts dates from 1904 (workbookPr date1904)."""
        pr = _xml(self.read(self.workbook_part)).find(q("workbookPr"))
        return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")

    def defined_names(self) -> dict[str, str]:
        wb = _xml(self.read(self.workbook_part))
        return {d.get("name"): (d.text or "") for d in wb.iter(q("definedName"))}


def _XESC_DECODE(s: str) -> str:  # mirrors Excel's name
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)


# --------------------------------------------------------------------------- sheet splicing
_ROW_START = re.compile(rb'<(?:(\w+):)?row\b[^>]*?\sr=["\'](\d+)["\'][^>]*?(/?)>')


@dataclass
class RowEdit:
    """Cells to set in one sheet row: column number (1-based) → Cell."""

    row: int
    cells: dict[int, Cell]
    styles: dict[int, str] = field(default_factory=dict)  # column → style index to use if new


class SheetText:
    """The bytes of one worksheet part, with the row index computed once."""

    def __init__(self, data: bytes):
        self.data = data
        m = re.search(rb"<(?:(\w+):)?sheetData\b[^>]*?(/?)>", data)
        if not m:
            raise PackageError("feuille sans <sheetData>")
        self.prefix = (m.group(1).decode() + ":") if m.group(1) else ""
        self.self_closing: tuple[int, int] | None
        if m.group(2) == b"/":
            self.content_start = self.content_end = m.start()
            self.self_closing = (m.start(), m.end())
        else:
            self.self_closing = None
            self.content_start = m.end()
            # searched from the end: it is near the end of a sheet of ten years of rows
            close = data.rfind(f"</{self.prefix}sheetData>".encode(), self.content_start)
            if close < 0:
                raise PackageError("feuille mal formée (</sheetData> absent)")
            self.content_end = close
        self._rows: list[tuple[int, int, int]] | None = None

    @property
    def rows(self) -> list[tuple[int, int, int]]:
        """(row number, start, end) of every <row>, in document order (built once, on demand).

        Rows are contiguous inside <sheetData>, so a row ends where the next one starts."""
        if self._rows is None:
            region = self.data
            starts = [(int(m.group(2)), m.start())
                      for m in _ROW_START.finditer(region, self.content_start, self.content_end)]
            tag = f"<{self.prefix}row".encode()
            n_any = region.count(tag, self.content_start, self.content_end)
            if n_any != len(starts):
                raise PackageError("feuille dont des lignes n'ont pas de numéro (attribut r)")
            ends = [s for _, s in starts[1:]] + [self.content_end] if starts else []
            self._rows = [(r, s, e) for (r, s), e in zip(starts, ends, strict=True)]
        return self._rows

    def locate(self, nums: set[int]) -> dict[int, tuple[int, int]]:
        """(start, end) of the rows with these numbers, found by a direct search of ' r="N"' right
        after the row tag (how Excel, LibreOffice and this code write them); the whole index is
        built only when a row is written otherwise, absent or repeated."""
        if self._rows is None:
            tag = f"<{self.prefix}row".encode()
            found: dict[int, tuple[int, int]] = {}
            data, lo, hi = self.data, self.content_start, self.content_end
            for num in nums:
                needle = tag + f' r="{num}"'.encode()
                s = data.find(needle, lo, hi)
                if s < 0 or data.find(needle, s + 1, hi) >= 0:
                    break
                e = s + len(needle)
                while True:
                    e = data.find(tag, e, hi)
                    if e < 0:
                        e = hi
                        break
                    if data[e + len(tag): e + len(tag) + 1] in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
                        break
                    e += 1
                found[num] = (s, e)
            else:
                return found
        return {num: (s, e) for num, s, e in self.rows if num in nums}

    def row_bytes(self, r: int) -> bytes | None:
        for num, s, e in self.rows:
            if num == r:
                return self.data[s:e]
        return None

    def last_rows(self) -> Iterable[tuple[int, bytes]]:
        """Rows from the bottom up, found backwards without indexing the whole sheet (appends
        to a big table only look at its last rows)."""
        if self._rows is not None:
            for num, s, e in reversed(self._rows):
                yield num, self.data[s:e]
            return
        tag = f"<{self.prefix}row".encode()
        end = self.content_end
        while True:
            s = self.data.rfind(tag, self.content_start, end)
            if s < 0:
                return
            if self.data[s + len(tag): s + len(tag) + 1] not in (b" ", b">", b"\t", b"\n", b"\r"):
                end = s
                continue
            head_end = self.data.find(b">", s)
            m = _R_ATTR.search(self.data, s, head_end)
            if m is None:
                raise PackageError("feuille dont des lignes n'ont pas de numéro (attribut r)")
            yield int(m.group(1)), self.data[s:end]
            end = s

    def last_row_number(self) -> int:
        return next((num for num, _ in self.last_rows()), 0)


_R_ATTR = re.compile(rb'\sr=["\'](\d+)["\']')
_CELL_EL = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", re.S)
_CELL_R = re.compile(rb'\sr=["\']([A-Z]{1,3})(\d+)["\']')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|f|is)\b")


def _cells(row_xml: bytes) -> tuple[bytes, list[tuple[int, bytes]], bytes]:
    """Split a <row> element into (start tag, [(column, cell xml)], end tag) without parsing XML.

    Cell elements never nest and their text is escaped, so a regular expression splits them safely.
    """
    tag_end = row_xml.index(b">") + 1
    if row_xml[tag_end - 2:tag_end] == b"/>":
        return row_xml[: tag_end - 2] + b">", [], b"</" + _row_tag(row_xml) + b">"
    close = row_xml.rindex(b"</")
    cells = []
    for m in _CELL_EL.finditer(row_xml, tag_end, close):
        head = row_xml[m.start(): row_xml.index(b">", m.start()) + 1]
        r = _CELL_R.search(head)
        if r is None:
            raise PackageError("cellule sans référence (attribut r) dans la feuille")
        cells.append((col_number(r.group(1).decode()), m.group(0)))
    return row_xml[:tag_end], cells, row_xml[close:]


def _row_tag(row_xml: bytes) -> bytes:
    m = re.match(rb"<((?:\w+:)?row)\b", row_xml)
    return m.group(1) if m else b"row"


def row_has_values(row_xml: bytes, c1: int, c2: int) -> bool:
    """True when the row holds a value or formula in columns c1..c2."""
    _, cells, _ = _cells(row_xml)
    return any(c1 <= col <= c2 and _HAS_VALUE.search(xml) for col, xml in cells)


_F_TAG = re.compile(rb"<(?:\w+:)?f\b([^>]*)>")
_ARRAY_F = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3}\d+)"[^>]*>\s*<(?:\w+:)?f\b([^>]*\bt="array"[^>]*)>')


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    m = re.search(rb"(?:^|\s)" + name + rb'="([^"]*)"', attrs)
    return m.group(1) if m else None


def _check_formula_cell(ref: str, old: bytes) -> bool:
    """True when the cell about to be replaced holds a formula. Refuses to replace the master cell
    of a shared formula used by other cells: they would be left without their formula (Excel then
    repairs the file, dropping formulas)."""
    m = _F_TAG.search(old)
    if m is None:
        return False
    attrs = m.group(1)
    if _attr(attrs, b"t") == b"shared" and (shared := _attr(attrs, b"ref")):
        c1, r1, c2, r2 = split_range(shared.decode())
        if (c1, r1) != (c2, r2):
            raise PackageError(
                f"cellule {ref} : elle porte la formule partagée de {shared.decode()} ; "
                "remplacez ces formules par des valeurs (ou effacez-les) dans Excel avant de relancer."
            )
    return True


def _array_ranges(sheet: SheetText) -> list[tuple[str, tuple[int, int, int, int]]]:
    """(master cell, range) of every multi-cell array formula of the sheet."""
    out: list[tuple[str, tuple[int, int, int, int]]] = []
    data, start, end = sheet.data, sheet.content_start, sheet.content_end
    if data.find(b"array", start, end) < 0:  # searched in place: a big sheet is never copied
        return out
    for m in _ARRAY_F.finditer(data, start, end):
        ref = _attr(m.group(2), b"ref")
        if ref:
            rng = split_range(ref.decode())
            if rng[:2] != rng[2:]:
                out.append((m.group(1).decode(), rng))
    return out


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\sref="([^"]+)"')


def _merged_ranges(sheet: SheetText) -> list[tuple[int, int, int, int]]:
    """Merged ranges of the sheet (the <mergeCells> after <sheetData>)."""
    data, end = sheet.data, sheet.content_end
    if data.find(b"mergeCell", end) < 0:
        return []
    out = []
    for m in _MERGE.finditer(data, end):
        try:
            out.append(split_range(m.group(1).decode()))
        except PackageError:
            continue
    return out


def _merge_edits(edits: Iterable[RowEdit]) -> list[RowEdit]:
    """One edit per row, in row order: later edits of the same row win, cell by cell."""
    by_row: dict[int, RowEdit] = {}
    for e in edits:
        if not 1 <= e.row <= MAX_ROW:
            raise PackageError(f"ligne {e.row} hors de la feuille")
        cur = by_row.get(e.row)
        if cur is None:
            by_row[e.row] = RowEdit(e.row, dict(e.cells), dict(e.styles))
        else:
            cur.cells.update(e.cells)
            for c, st in e.styles.items():
                cur.styles.setdefault(c, st)
    return [by_row[r] for r in sorted(by_row)]


def _row_xml(edit: RowEdit, existing: bytes | None, prefix: str) -> tuple[bytes, bool]:
    """The new XML of a row; True when a replaced cell held a formula (calcChain then goes)."""
    p = prefix
    if existing is None:
        cells_txt = "".join(
            cell_xml(f"{col_letter(c)}{edit.row}", edit.cells[c], edit.styles.get(c), p)
            for c in sorted(edit.cells)
        )
        lo, hi = min(edit.cells), max(edit.cells)
        return f'<{p}row r="{edit.row}" spans="{lo}:{hi}">{cells_txt}</{p}row>'.encode(), False
    start, cells, end = _cells(existing)
    by_col = dict(cells)
    had_formula = False
    for col, cell in edit.cells.items():
        ref = f"{col_letter(col)}{edit.row}"
        old = by_col.get(col)
        style = None
        if old is not None:
            head = old[: old.index(b">") + 1]
            sm = re.search(rb'\ss="(\d+)"', head)
            style = sm.group(1).decode() if sm else None
            had_formula |= _check_formula_cell(ref, old)
        else:
            style = edit.styles.get(col)
        new = cell_xml(ref, cell, style, p).encode()
        if new:
            by_col[col] = new
        else:
            by_col.pop(col, None)
    if by_col:
        start = re.sub(rb'\sspans="[^"]*"', f' spans="{min(by_col)}:{max(by_col)}"'.encode(), start, count=1)
    return start + b"".join(by_col[c] for c in sorted(by_col)) + end, had_formula


def patch_sheet(data: bytes | SheetText, edits: list[RowEdit],
                dimension_to: tuple[int, int] | None, *, no_arrays: bool = False) -> tuple[bytes, bool]:
    """Apply row edits to a worksheet's bytes. Returns (new bytes, a formula cell was replaced).

    Several edits of one row are merged (the later wins), so a row is never written twice. The
    <dimension> is extended to cover `dimension_to` (max column, max row) and every edited cell.
    `no_arrays`: the caller knows the sheet holds no array formula (the key index's `plain`), so
    the whole sheet is not scanned for one.
    """
    sheet = data if isinstance(data, SheetText) else SheetText(data)
    data = sheet.data
    edits = _merge_edits(edits)
    # pure appends below the last row need no index of the (possibly huge) sheet
    last_num = sheet.last_row_number()
    appending = bool(edits) and edits[0].row > last_num
    # rows below the last one are appended at the end: neither looked for nor placed by the index
    existing = sheet.locate({e.row for e in edits if e.row <= last_num}) if edits and not appending else {}
    arrays = _array_ranges(sheet) if edits and not no_arrays else []
    merged = _merged_ranges(sheet) if edits else []
    pieces: list[tuple[int, int, bytes]] = []  # (start, end, replacement)
    inserts: dict[int, list[bytes]] = {}  # insertion offset → new rows
    formula_replaced = False
    inserting = not appending and any(e.row not in existing and e.cells and e.row < last_num for e in edits)
    row_starts = [(num, s) for num, s, _ in sheet.rows] if inserting else []
    box: list[int] = []  # c1, r1, c2, r2 of the edited cells
    for edit in edits:
        for master, (a1, b1, a2, b2) in arrays:
            for col in edit.cells:
                ref = f"{col_letter(col)}{edit.row}"
                if a1 <= col <= a2 and b1 <= edit.row <= b2 and ref != master:
                    raise PackageError(
                        f"cellule {ref} : elle fait partie de la formule matricielle de "
                        f"{range_ref(a1, b1, a2, b2)} ; modifiez ou supprimez cette formule dans Excel."
                    )
        for a1, b1, a2, b2 in merged:
            if b1 <= edit.row <= b2 and any(a1 <= col <= a2 for col in edit.cells):
                raise PackageError(
                    f"ligne {edit.row} : les cellules fusionnées {range_ref(a1, b1, a2, b2)} sont sur le "
                    "chemin de l'écriture ; annulez la fusion (ou déplacez-les) dans Excel."
                )
        if edit.row in existing:
            s, e = existing[edit.row]
            new, f = _row_xml(edit, data[s:e], sheet.prefix)
            formula_replaced |= f
            pieces.append((s, e, new))
        elif edit.cells:
            new, _ = _row_xml(edit, None, sheet.prefix)
            # insertion point: before the first row with a larger number
            pos = sheet.content_end
            for num, s in row_starts if edit.row < last_num else ():
                if num > edit.row:
                    pos = s
                    break
            inserts.setdefault(pos, []).append(new)
        else:
            continue
        if edit.cells:
            lo, hi = min(edit.cells), max(edit.cells)
            box = [min(box[0], lo), min(box[1], edit.row), max(box[2], hi), max(box[3], edit.row)] if box \
                else [lo, edit.row, hi, edit.row]
    cursor = 0
    events = sorted([(s, e, rep) for s, e, rep in pieces] + [(pos, pos, b"".join(v)) for pos, v in inserts.items()],
                    key=lambda t: (t[0], t[1]))
    if dimension_to:
        c, r = dimension_to
        box = [min(box[0], c), min(box[1], r), max(box[2], c), max(box[3], r)] if box else [c, r, c, r]
    if sheet.self_closing and inserts:
        s, e = sheet.self_closing
        tag = data[s:e].rstrip(b"/>").rstrip(b"/").rstrip()
        body = b"".join(b"".join(v) for v in inserts.values())
        result = data[:s] + tag + b">" + body + f"</{sheet.prefix}sheetData>".encode() + data[e:]
        if box:
            result = _extend_dimension(result, *box)
    else:
        # the <dimension> (before <sheetData>) is one more replacement; the sheet (20-30 MB for ten
        # years of rows) is copied once, from views of its unchanged stretches
        dim = _dimension_edit(data, *box) if box else None
        late_dim = dim is not None and bool(events) and dim[1] > events[0][0]  # not where a sheet has it
        if dim is not None and not late_dim:
            events.insert(0, dim)
        view = memoryview(data)
        out: list[bytes | memoryview] = []
        for s, e, rep in events:
            out.append(view[cursor:s])
            out.append(rep)
            cursor = e
        out.append(view[cursor:])
        result = b"".join(out)
        if late_dim:
            result = _extend_dimension(result, *box)
    return result, formula_replaced


def _dimension_edit(data: bytes, c1: int, r1: int, c2: int, r2: int) -> tuple[int, int, bytes] | None:
    """(start, end, new ref) making <dimension ref> cover the box c1,r1:c2,r2 too; None when it
    already does (or the sheet has no readable <dimension>)."""
    m = re.search(rb'<(?:\w+:)?dimension\b[^>]*?\sref="([^"]*)"', data[:20000])
    if not m:
        return None
    try:
        d1, e1, d2, e2 = split_range(m.group(1).decode())
    except PackageError:
        return None
    if d1 <= c1 and e1 <= r1 and c2 <= d2 and r2 <= e2:
        return None
    new = range_ref(min(c1, d1), min(r1, e1), max(c2, d2), max(r2, e2))
    return m.start(1), m.end(1), new.encode()


def _extend_dimension(data: bytes, c1: int, r1: int, c2: int, r2: int) -> bytes:
    """Make <dimension ref> cover the box c1,r1:c2,r2 too (unchanged bytes when it already does)."""
    edit = _dimension_edit(data, c1, r1, c2, r2)
    if edit is None:
        return data
    s, e, new = edit
    return data[:s] + new + data[e:]


def column_styles(data: bytes) -> dict[int, str]:
    """Column number → style index from the <cols> of a worksheet."""
    head_end = data.find(b"sheetData")
    head = data[: head_end if head_end > 0 else 50000]
    styles: dict[int, str] = {}
    for m in re.finditer(rb"<(?:\w+:)?col\b([^>]*)/?>", head):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m.group(1)))
        if b"style" in attrs and b"min" in attrs and b"max" in attrs:
            for c in range(int(attrs[b"min"]), min(int(attrs[b"max"]), 16384) + 1):
                styles[c] = attrs[b"style"].decode()
    return styles


def row_styles(row_xml: bytes | None) -> dict[int, str]:
    if not row_xml:
        return {}
    out = {}
    for m in re.finditer(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]+)\d+"[^>]*?>|<(?:\w+:)?c\b[^>]*?/>', row_xml):
        tag = m.group(0)
        r = re.search(rb'\sr="([A-Z]+)\d+"', tag)
        s = re.search(rb'\ss="(\d+)"', tag)
        if r and s:
            out[col_number(r.group(1).decode())] = s.group(1).decode()
    return out


def set_table_ref(table_xml: bytes, ref: str) -> bytes:
    """The table part with a new ref; its autoFilter covers the same range less the totals row."""
    t = _xml(table_xml)
    t.set("ref", ref)
    af = t.find(q("autoFilter"))
    if af is not None:
        c1, r1, c2, r2 = split_range(ref)
        totals = int(t.get("totalsRowCount", "0") or 0)
        af.set("ref", range_ref(c1, r1, c2, r2 - totals) if totals else ref)
    return etree.tostring(t, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- zip rewrite
def _raw_bytes(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's compressed bytes, as stored after its local header. Under the zip's own lock:
    several threads read parts of the same package side by side (`FileStore.prefetch`)."""
    fp: BinaryIO = zf.fp  # type: ignore[assignment]
    with zf._lock:  # type: ignore[attr-defined]
        fp.seek(info.header_offset)
        header = fp.read(30)
        if header[:4] != b"PK\x03\x04":
            raise PackageError("archive zip endommagée")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fp.seek(info.header_offset + 30 + name_len + extra_len)
        return fp.read(info.compress_size)


def _raw_copy(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one entry's compressed bytes unchanged (no decompress / recompress)."""
    raw = _raw_bytes(zin, info)
    zi = copy.copy(info)
    zi.flag_bits &= ~0x08  # sizes go in the local header: no data descriptor after the data
    # only the chunk index of a big part is kept (see `zchunks`), and only while it holds
    zi.extra = zchunks.only_index(info.extra)
    if zi.extra and zchunks.read_index(zi.extra, info.file_size, info.compress_size, info.CRC) is None:
        zi.extra = b""
    _append_raw(zout, zi, raw)


def _append_raw(zout: zipfile.ZipFile, zi: zipfile.ZipInfo, raw: bytes) -> None:
    """Write an entry whose compressed bytes are already known (local header, then the data)."""
    out: BinaryIO = zout.fp  # type: ignore[assignment]
    zi.header_offset = out.tell()
    out.write(zi.FileHeader(False))
    out.write(raw)
    zout.filelist.append(zi)
    zout.NameToInfo[zi.filename] = zi
    zout.start_dir = out.tell()
    zout._didModify = True  # type: ignore[attr-defined]


def _deflate(data: bytes) -> tuple[bytes, int]:
    """Raw deflate (as in a zip entry) and CRC-32; zlib releases the GIL, so big parts compress
    side by side on several cores. Big parts go through ISA-L (isal) when it is installed: about
    three times faster than zlib's level 1 for the same size."""
    if len(data) > BIG_PART and _isal is not None:
        fast = _isal.compressobj(1, _isal.DEFLATED, -15)
        return fast.compress(data) + fast.flush(), zlib.crc32(data)
    c = zlib.compressobj(1 if len(data) > BIG_PART else 6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data)


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A big deflated entry through ISA-L (about twice zlib's speed), its CRC-32 checked as zipfile does."""
    assert _isal is not None
    try:
        data = _isal.decompress(_raw_bytes(zf, info), -15)
    except (PackageError, _isal.error):  # type: ignore[misc]
        raise zipfile.BadZipFile(info.filename) from None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(info.filename)
    return data


def _write_entry(zout: zipfile.ZipFile, info: zipfile.ZipInfo | None, name: str, data: bytes,
                 deflated: tuple[bytes, int] | tuple[bytes, int, bytes] | None = None) -> None:
    zi = zipfile.ZipInfo(name, date_time=info.date_time if info else (1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    if info is not None:
        zi.external_attr = info.external_attr
        zi.create_system = info.create_system
    raw, crc, *index = deflated or _deflate(data)
    if index and index[0]:
        zi.extra = index[0]  # the chunk index of a big part (zchunks)
    zi.file_size, zi.compress_size, zi.CRC = len(data), len(raw), crc
    if zi.file_size > zipfile.ZIP64_LIMIT or zi.compress_size > zipfile.ZIP64_LIMIT:
        raise PackageError(f"partie {name} trop grande")
    _append_raw(zout, zi, raw)


def _chunked(src: zipfile.ZipFile, name: str, data: bytes,
             previous: Callable[[str], bytes | None] | None) -> tuple[bytes, int, bytes]:
    """A big part deflated in chunks (`zchunks`): its unchanged chunks spliced from the old entry
    when the old entry has a valid chunk index and its bytes are at hand (`previous`)."""
    def old() -> tuple[bytes, bytes, list[zchunks.Chunk]] | None:
        if previous is None or name not in src.NameToInfo:
            return None
        info = src.getinfo(name)
        chunks = zchunks.read_index(info.extra, info.file_size, info.compress_size, info.CRC)
        old_data = previous(name) if chunks is not None else None
        if chunks is None or old_data is None or len(old_data) != info.file_size:
            return None
        return old_data, _raw_bytes(src, info), chunks

    return zchunks.deflate_part(data, old)


def write_chunked(zout: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> None:
    """Add a big part compressed in chunks (zlib's level 6), with their index (`zchunks`), to a zip
    being written."""
    _write_entry(zout, info, info.filename, data, zchunks.compress(data, fast=False))


def rewrite(
    src: zipfile.ZipFile,
    dst: BinaryIO,
    replace: Mapping[str, bytes | None],
    add: Mapping[str, bytes] | None = None,
    previous: Callable[[str], bytes | None] | None = None,
) -> None:
    """Write a new package: entries in `replace` get new bytes (None deletes), the rest is raw-copied.

    A name of `replace` or `add` that the package lacks is added at the end; a name of `add` that
    it has is replaced in place: a part is never written twice (Excel refuses such a zip).
    Big parts are deflated in chunks (`zchunks`); `previous` gives the current bytes of a part
    when they are already in memory (None otherwise): its unchanged chunks are then copied as
    they are compressed in the file instead of being compressed again.
    """
    replace = {**replace, **(add or {})}
    big = [n for n, d in replace.items() if d is not None and len(d) > BIG_PART]
    deflated: dict[str, tuple[bytes, int] | tuple[bytes, int, bytes]] = {}
    if big and zchunks.available():
        for n in big:
            data = replace[n]
            assert data is not None
            deflated[n] = _chunked(src, n, data, previous)
    elif len(big) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(big), os.cpu_count() or 1)) as pool:
            deflated = dict(zip(big, pool.map(_deflate, [replace[n] for n in big]), strict=True))
    seen: set[str] = set()
    with zipfile.ZipFile(dst, "w") as zout:
        for info in src.infolist():
            if info.filename in seen:
                raise PackageError(f"l'archive contient deux fois la partie {info.filename}")
            seen.add(info.filename)
            if info.filename in replace:
                new = replace[info.filename]
                if new is not None:
                    _write_entry(zout, info, info.filename, new, deflated.get(info.filename))
            else:
                _raw_copy(src, zout, info)
        for name, data in replace.items():
            if name not in seen and data is not None:
                _write_entry(zout, None, name, data, deflated.get(name))


def drop_calc_chain(pkg: Package) -> dict[str, bytes | None]:
    """Replacements removing calcChain.xml (Excel rebuilds it) with its relationship and override."""
    out: dict[str, bytes | None] = {}
    rels_part = rels_path(pkg.workbook_part)
    target = None
    if rels_part in pkg.names:
        rels = _xml(pkg.read(rels_part))
        for r in list(rels):
            if r.get("Type") == REL_CALCCHAIN:
                target = resolve_target(pkg.workbook_part, r.get("Target"))
                rels.remove(r)
        if target:
            out[rels_part] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    if target and target in pkg.names:
        out[target] = None
        ct = _xml(pkg.read("[Content_Types].xml"))
        for o in list(ct):
            if o.get("PartName") == "/" + target:
                ct.remove(o)
        out["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out
