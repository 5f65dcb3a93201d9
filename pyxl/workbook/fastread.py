"""Fast reads of a few rows of a big table, without parsing the whole sheet.

python-calamine parses a whole worksheet (0.35–0.55 s for 40 000 rows × 16 columns). Two reads
need only a few rows:

* `rows_with_key`: the rows whose key column holds one of a few values (the lines of one document
  among ten years of lines);
* `tail_rows`: the last non-blank rows of a table (the tail of the audit journal).

The worksheet part is decompressed once (the last one read is kept per package, so a tail and then
a few rows of the same sheet cost one decompression). `tail_rows` walks the rows from the end.
`rows_with_key` runs byte searches over the sheet: for the key's text (in inline strings and
formula strings), for the index of the key in the shared strings table (`<v>IDX</v>`), for the key
as a number, and for the rare markup that could hide a key from a byte search (character
references, `_xHHHH_` escapes, CDATA, comments, rich-text runs); a hit is kept when the cell it
falls in is in the key column (by its `r`), and only the rows of those hits are parsed.

Each value is decoded the way python-calamine's `to_python(skip_empty_area=False)` decodes it
(tests compare both on many workbooks):

* `str` for shared strings and inline strings (`<t>` of the runs concatenated, phonetic `<rPh>`
  runs left out, each `<t>` trimmed of XML whitespace unless `xml:space="preserve"`, then its
  `_xHHHH_` escapes decoded) and formula strings (`t="str"`: entities and `_xHHHH_` decoded, never
  trimmed); a `<v>` without type that is not a number is kept as its raw text;
* `float` for numbers (calamine never gives an `int` for an .xlsx cell), `inf` and `nan` included;
* `bool` for `t="b"`;
* `""` for blank cells, cells without value (a formula never calculated) and error cells (`#N/A`,
  `#DIV/0!`…: calamine renders them as empty text);
* `t="d"` (ISO 8601, which Excel does not write) as `date`, `time` or `datetime` when it parses,
  else the text.

**One deliberate difference**: a number in a date-formatted cell is returned as its serial number
(a `float`, 46000.0), where calamine returns a `date`/`datetime`/`time`/`timedelta`: styles are not
read at all. The caller converts both forms (`filestore.from_cell` does); in a workbook using the
1904 date system the serial counts from 1904 (the caller adds `DAYS_1904`). For the same reason a
key cell holding a date is compared by the text of its serial ("46000").

Where calamine refuses a cell (unknown `t`, unknown error code, bad number with `t="n"`, shared
string index out of range, unknown entity, a part not in UTF-8), the read raises
`ooxml.PackageError`; the caller may fall back to calamine. Rows not read are not checked
(calamine refuses the whole sheet). Rows are found by their `r` attribute (a sheet whose rows lack
it is refused, as `ooxml.SheetText` does); a cell without `r` follows the previous cell of its row,
as in calamine. The shared strings are the part named by the workbook's relationships, else
`xl/sharedStrings.xml` (the only part calamine reads).

Keys no byte search can find are served by a full scan that decodes the key cell of every row
(about as long as calamine's whole read): the empty key (rows whose key cell is blank),
"True" and "False", the texts of decimals ("12.5": 12.50, 1.25E1, 12.4999999999999999… are all
12.5), of nan and inf and of integers of more than 15 digits, and keys whose XML spellings pass 32
(`& < > " '` and line breaks each have one to three). Other keys, including those holding
`& < > " '`, accents, tabs or line breaks, are searched.

Known limits, each for markup no spreadsheet program writes:

* an integer key is found in a number spelled 12, 012, +12, 12.0, 12.00000000000000001, never in
  one spelled with an exponent (1.2E1) nor one rounding up to it (11.99999999999999999);
* a shared string index spelled `01` or ` 1` (calamine reads them as 1 and 0) is not searched;
* several `<t>` directly in one `<si>`/`<is>` without `<r>` runs (schema-invalid), a key split by
  an element nested inside a `<t>`, and rows or cells written with another namespace prefix than
  the sheet's first row and first cell, are not found;
* a cell whose `r` names another row than its `<row>` is read in its `<row>` (calamine: in that
  other row);
* rows out of order or a row number repeated (calamine sorts rows and merges a repeated one, the
  later cell winning): `rows_with_key` returns each occurrence on its own; `tail_rows` reads every
  row, as calamine does, as soon as it meets the disorder among the rows it reads.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import re
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from pyxl.workbook import ooxml

__all__ = ["rows_with_key", "tail_rows"]

REL_SST = ooxml.NS_R + "/sharedStrings"
_WS = b" \t\r\n"
_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
_MAX_INT_KEY = 15  # digits: above, floats no longer hold every integer and spellings multiply

# --------------------------------------------------------------------------- text decoding
_NAME = r"[A-Za-z_][\w.\-]*"
_MARKUP = re.compile(r"<!\[CDATA\[(.*?)\]\]>|<!--.*?-->|<\?.*?\?>|<[^>]*>", re.S)
_ENTITY = re.compile(r"&([^;&<]*);|&")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_HEX = re.compile(r"[0-9A-Fa-f]+")
_DEC = re.compile(r"[0-9]+")
# Excel's escape of a character: _xHHHH_ (any case of hex digits, never a surrogate: calamine
# leaves "_xD83D_" as it is and goes on from the next character)
_XESC = re.compile(r"_x(?![dD][89a-fA-F])([0-9A-Fa-f]{4})_")
_FLOAT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
                    re.I | re.A)
_ATTR = re.compile(r"""([\w.:\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROW_OPEN = re.compile(rf"<(?:{_NAME}:)?row(?=[\s/>])([^>]*?)(/?)>")
_ROW_CLOSE = re.compile(rf"</(?:{_NAME}:)?row\s*>")
_CELL_OPEN = re.compile(rf"<(?:{_NAME}:)?c(?=[\s/>])([^>]*?)(/?)>")
_CELL_CLOSE = re.compile(rf"</(?:{_NAME}:)?c\s*>")
_CELL_ATTR = re.compile(r"""(?<![\w.:\-])([rt])\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CHILD_OPEN = re.compile(rf"<((?:{_NAME}:)?)({_NAME})([^>]*?)(/?)>")
_RPH = re.compile(rf"<(?:{_NAME}:)?rPh(?=[\s/>])[^>]*?(?:/>|>.*?</(?:{_NAME}:)?rPh\s*>)", re.S)
_T = re.compile(rf"<(?:{_NAME}:)?t(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:{_NAME}:)?t\s*>)", re.S)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?")
_ISO_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?")


def _bad(what: str) -> ooxml.PackageError:
    return ooxml.PackageError(f"cellule illisible ({what})")


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name is None:
        raise _bad("« & » isolé")
    if name in _NAMED:
        return _NAMED[name]
    code = -1
    if name[:2] == "#x" and _HEX.fullmatch(name, 2):
        code = int(name[2:].lstrip("0")[:9] or "0", 16)
    elif name[:1] == "#" and _DEC.fullmatch(name, 1):
        code = int(name[1:].lstrip("0")[:9] or "0")
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    raise _bad(f"entité &{name};")


def _decode_text(raw: str) -> str:
    """Character data: line ends normalised (XML 1.0), then entities and character references."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _mixed_text(content: str, cdata: bool) -> str:
    """The text of an element's content: markup dropped (CDATA kept only if `cdata`)."""
    if "<" not in content:
        return _decode_text(content)
    out = []
    pos = 0
    for m in _MARKUP.finditer(content):
        out.append(_decode_text(content[pos: m.start()]))
        if cdata and m.group(1) is not None:
            c = m.group(1)
            out.append(c.replace("\r\n", "\n").replace("\r", "\n"))
        pos = m.end()
    out.append(_decode_text(content[pos:]))
    return "".join(out)


def _decode_x(text: str) -> str:
    return _XESC.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _attrs(head: str) -> dict[str, str]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(head)}


def _rich_text(content: str) -> str:
    """An <si> or <is>: its <t> texts (runs included, phonetic runs not), as calamine reads them."""
    if "rPh" in content:
        content = _RPH.sub("", content)
    out = []
    for m in _T.finditer(content):
        text = _mixed_text(m.group(2) or "", cdata=True)
        if "space" not in m.group(1) or _attrs(m.group(1)).get("xml:space") != "preserve":
            text = text.strip(" \t\r\n")
        out.append(_decode_x(text))
    return "".join(out)


def _iso(text: str) -> Any:
    """A t="d" value as python-calamine gives it: date, time or datetime, else the text."""
    s = text.strip(" \t\r\n")

    def micro(frac: str | None) -> int:
        return int((frac or "0").ljust(6, "0")[:6])

    try:
        if m := _ISO_DATE.fullmatch(s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _ISO_TIME.fullmatch(s):
            return dt.time(int(m[1]), int(m[2]), int(m[3] or 0), micro(m[4]))
        if m := _ISO_DATETIME.fullmatch(s):
            return dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]), micro(m[7]))
    except ValueError:
        pass
    return text


# --------------------------------------------------------------------------- shared strings
class _SharedStrings:
    """The shared strings part, indexed (offset of every <si>) but decoded only on demand."""

    def __init__(self, data: bytes, checkpoints: tuple[int, Sequence[int]] | None = None):
        """`checkpoints`: (number of strings, offset of every CHECKPOINT-th one) of these very bytes,
        as `checkpoints` gives them (kept by the key index): a few strings are then found without
        indexing them all (250 000 strings in ten years: 40-70 ms)."""
        _check_encoding(data)
        self.data = data
        m = re.search(rb"<((?:[\w.\-]+:)?)si[\s/>]", data)  # the first string tells the prefix
        self.tag = b"<" + (m.group(1) if m else b"") + b"si"
        self._starts: Sequence[int] | None = None
        self._texts: dict[int, str] = {}
        self._markers: list[int] | None = None
        self._count = checkpoints[0] if checkpoints is not None else 0
        self._every: Sequence[int] | None = checkpoints[1] if checkpoints is not None else None

    def checkpoints(self) -> tuple[int, Sequence[int]] | None:
        """(number of strings, offset of every CHECKPOINT-th), when the strings are found by their
        tag alone (the usual case: no CDATA, comment or look-alike element); else None."""
        data, tag = self.data, self.tag
        if b"<!" in data or re.search(re.escape(tag) + rb"[^\s/>]", data):
            return None
        starts = self.starts
        return len(starts), array("q", starts[::CHECKPOINT])

    def _start(self, i: int) -> int:
        """Offset of string i from the checkpoint before it (a few searches of its tag)."""
        assert self._every is not None
        pos = self._every[i // CHECKPOINT]
        for _ in range(i % CHECKPOINT):
            pos = self.data.find(self.tag, pos + 1)
            if pos < 0:
                raise _bad(f"chaîne partagée n° {i} absente")
        return pos

    @property
    def starts(self) -> Sequence[int]:
        if self._starts is None:
            data, tag = self.data, self.tag
            if b"<!" in data or re.search(re.escape(tag) + rb"[^\s/>]", data):
                # CDATA or comments could hold "<si", another element could start so: tokenise
                pat = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|" + re.escape(tag) + rb"(?=[\s/>])", re.S)
                self._starts = array("q", [m.start() for m in pat.finditer(data) if m.group().startswith(tag)])
            else:  # the usual case, at C speed: every "<si" starts a string
                parts = data.split(tag)
                n = len(tag)
                lengths = accumulate(map(len, parts[:-1]))
                # offsets as machine integers: a ten-year workbook has hundreds of thousands of strings
                self._starts = array("q", map(operator.add, lengths, range(0, n * (len(parts) - 1), n)))
        return self._starts

    def text(self, i: int) -> str:
        if i in self._texts:
            return self._texts[i]
        if self._starts is None and self._every is not None:
            if not 0 <= i < self._count:
                raise _bad(f"chaîne partagée n° {i} absente")
            begin = self._start(i)
            end = self.data.find(self.tag, begin + 1) if i + 1 < self._count else len(self.data)
        else:
            starts = self.starts
            if not 0 <= i < len(starts):
                raise _bad(f"chaîne partagée n° {i} absente")
            begin, end = starts[i], starts[i + 1] if i + 1 < len(starts) else len(self.data)
        try:
            chunk = self.data[begin: end].decode("utf-8")
        except UnicodeDecodeError:
            raise _bad("texte qui n'est pas de l'UTF-8") from None
        text = self._texts[i] = _rich_text(chunk)
        return text

    def index_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def find(self, spellings: Iterable[bytes], wanted: set[str]) -> set[int]:
        """Indexes of the strings equal to one of `wanted` (spelled in XML as in `spellings`)."""
        data = self.data
        candidates: set[int] = set()
        for b in spellings:
            candidates.update(self.index_of(o) for o in _text_hits(data, 0, len(data), b, False))
        if self._markers is None:
            self._markers = list(_markers(data, 0, len(data)))
        candidates.update(self.index_of(o) for o in self._markers)
        return {i for i in candidates if i >= 0 and self.text(i) in wanted}


CHECKPOINT = 256  # strings between two offsets kept by the key index
# the shared strings last read, with what identifies their part ((book, part, CRC-32, size)): a
# command that reads back what it wrote (a new package on the new file) does not inflate them again
_LAST_SST: list[Any] = []
_SST_CACHE: weakref.WeakKeyDictionary[ooxml.Package, _SharedStrings | None] = weakref.WeakKeyDictionary()
# per package: what gives the checkpoints of its shared strings part ((part, CRC-32, size) → them or None)
SST_HINTS: weakref.WeakKeyDictionary[ooxml.Package, Callable[[str, int, int], tuple[int, Sequence[int]] | None]] = \
    weakref.WeakKeyDictionary()


def shared_strings_part(pkg: ooxml.Package) -> str | None:
    """The shared strings part: the one the workbook's relationship names, else xl/sharedStrings.xml,
    the only one calamine reads (a workbook whose relationship names another is unreadable there)."""
    part = next((target for typ, target in pkg.rels(pkg.workbook_part).values()
                 if typ == REL_SST and target in pkg.names), None)
    if part is None and "xl/sharedStrings.xml" in pkg.names:
        part = "xl/sharedStrings.xml"
    return part


def _shared_strings(pkg: ooxml.Package) -> _SharedStrings | None:
    """The shared strings of the package (cached per package).

    The part named by the workbook's relationship, else xl/sharedStrings.xml, which is the only
    one calamine reads (a workbook whose relationship names another part is unreadable there)."""
    if pkg in _SST_CACHE:
        return _SST_CACHE[pkg]
    part = shared_strings_part(pkg)
    hint = SST_HINTS.get(pkg)
    sst = None
    if part:
        info = pkg.zip.getinfo(part)
        same = (pkg.path, part, info.CRC, info.file_size)
        if _LAST_SST and _LAST_SST[0] == same:  # the same strings after a write (which never changes them)
            sst = _LAST_SST[1]
        else:
            sst = _SharedStrings(pkg.read(part), hint(part, info.CRC, info.file_size) if hint is not None else None)
            _LAST_SST[:] = [same, sst]
    _SST_CACHE[pkg] = sst
    return sst


_SHEET_CACHE: weakref.WeakKeyDictionary[ooxml.Package, dict[str, _Sheet]] = weakref.WeakKeyDictionary()


def _sheet(pkg: ooxml.Package, part: str) -> _Sheet:
    """The worksheet part, decompressed and indexed once per package (several reads of the same
    sheets in one action cost one decompression and one search for markers)."""
    sheets = _SHEET_CACHE.setdefault(pkg, {})
    if part not in sheets:
        sheets[part] = _Sheet(pkg.read(part), part)
    return sheets[part]


class _NoStrings:
    """Stands for a missing shared strings part: any t="s" cell is an error, as in calamine."""

    def text(self, i: int) -> str:
        raise _bad(f"chaîne partagée n° {i} absente")


# --------------------------------------------------------------------------- cells and rows
def _v_value(t: str | None, content: str, strings: Any) -> Any:
    """The value of a <v> element in a cell of type `t`."""
    if t in ("inlineStr", "is"):
        return ""
    if t in (None, "n", "s", "b", "e"):
        # calamine reads only the first text event: nothing when the value starts with markup
        end = len(content)
        for ch in "<&":
            k = content.find(ch)
            if 0 <= k < end:
                end = k
        first = content[:end]
        if not first:
            return ""
        if t == "s":
            # calamine parses a usize and takes string 0 when that fails
            idx = int(first) if first.isascii() and first.isdigit() and len(first) <= 20 else 0
            if idx >= 2 ** 64:
                idx = 0
            return strings.text(idx)
        if t == "b":
            b = first.strip(" \t\r\n").lower()
            if b in ("1", "true"):
                return True
            if b in ("0", "false"):
                return False
            raise _bad(f"booléen « {first} »")
        if t == "e":
            if first in _ERRORS:
                return ""
            raise _bad(f"erreur « {first} »")
        if _FLOAT.fullmatch(first):
            return float(first)
        if t is None:
            return first
        raise _bad(f"nombre « {first} »")
    text = _mixed_text(content, cdata=False)
    if t == "str":
        return _decode_x(text)
    if t == "d":
        return _iso(text)
    raise _bad(f"type de cellule « {t} »")


def _cell_value(t: str | None, inner: str, strings: Any) -> Any:
    """A cell's value from its content: the last of its <f>, <v>, <is> children decides."""
    value: Any = ""
    pos = 0
    while True:
        m = _CHILD_OPEN.search(inner, pos)
        if m is None:
            return value
        prefix, name, _, closed = m.groups()
        if closed:
            content = ""
            pos = m.end()
        else:
            close = inner.find(f"</{prefix}{name}", m.end())
            if close < 0:
                raise _bad(f"<{name}> non fermé")
            content = inner[m.end(): close]
            pos = inner.find(">", close) + 1 or len(inner)
        if name == "v":
            value = _v_value(t, content, strings)
        elif name == "f":
            value = ""
        elif name == "is":
            value = _rich_text(content)
        else:
            raise _bad(f"élément <{name}> dans une cellule")


def _column(ref: str) -> int:
    """The column of a cell reference ("B12"; calamine takes "b12" too, and refuses "$B$12")."""
    digits = len(ref) - len(ref.rstrip("0123456789"))
    letters = ref[: len(ref) - digits]
    if not digits or not 1 <= len(letters) <= 3 or not (letters.isascii() and letters.isalpha()):
        raise _bad(f"référence « {ref} »")
    return _letters(letters)


@functools.cache
def _letters(letters: str) -> int:
    return ooxml.col_number(letters.upper())


def _parse_row(xml: bytes, c1: int, c2: int, strings: Any) -> dict[int, Any]:
    """Values of the cells of one <row> element (bytes from its start tag) in columns c1..c2."""
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("texte qui n'est pas de l'UTF-8") from None
    m = _ROW_OPEN.match(text)
    if m is None:
        raise _bad("ligne mal formée")
    if m.group(2):
        return {}
    close = _ROW_CLOSE.search(text, m.end())
    if close is None:
        raise _bad("ligne non fermée")
    body = text[m.end(): close.start()]
    out: dict[int, Any] = {}
    col = 1  # where a cell without r goes: after the previous cell
    pos = 0
    while True:
        c = _CELL_OPEN.search(body, pos)
        if c is None:
            return out
        t = None
        for a in _CELL_ATTR.finditer(c.group(1)):
            value = a.group(2) if a.group(2) is not None else a.group(3)
            if a.group(1) == "r":
                col = _column(value)
            else:
                t = value
        if c.group(2):
            inner = None
            pos = c.end()
        else:
            ce = _CELL_CLOSE.search(body, c.end())
            if ce is None:
                raise _bad("cellule non fermée")
            inner = body[c.end(): ce.start()]
            pos = ce.end()
        if c1 <= col <= c2:
            out[col] = "" if inner is None else _cell_value(t, inner, strings)
        col += 1


def text_of(raw: Any) -> str:
    """A key cell as text, the way the FileStore compares keys."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    return str(raw)


def _blank(raw: list[Any]) -> bool:
    return all(v is None or v == "" for v in raw)


# --------------------------------------------------------------------------- byte searches
_DECLARATION = re.compile(rb"""(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_SHEETDATA = re.compile(rb"<(?:([\w.\-]+):)?sheetData\b[^>]*?(/?)>")
_FIRST_ROW = re.compile(rb"<((?:[\w.\-]+:)?)row[\s/>]")
_FIRST_CELL = re.compile(rb"<((?:[\w.\-]+:)?)c[\s/>]")
_ROW_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_CELL_T = re.compile(rb"""(?<![\w.:\-])t\s*=\s*["']([^"']*)["']""")
_LOWER_REF = re.compile(rb"""\sr\s*=\s*["'][A-Z]*[a-z]""")
_UNKNOWN = object()
_CELL_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})[0-9]""")


def _check_encoding(data: bytes) -> None:
    """Byte searches and decoding assume UTF-8, the encoding every spreadsheet program writes."""
    m = _DECLARATION.match(data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            m and m.group(1).lower().replace(b"-", b"").replace(b"_", b"") != b"utf8"):
        raise ooxml.PackageError("partie XML dans un autre encodage que l'UTF-8")


class _Sheet:
    """Bounds of <sheetData> and the tags used for rows and cells (prefix included)."""

    def __init__(self, data: bytes, part: str = ""):
        _check_encoding(data)
        self.data = data
        self.part = part
        m = _SHEETDATA.search(data)
        if not m:
            raise ooxml.PackageError("feuille sans <sheetData>")
        self.start = self.end = m.end()
        if not m.group(2):
            prefix = (m.group(1) + b":") if m.group(1) else b""
            close = data.rfind(b"</" + prefix + b"sheetData>")
            if close < m.end():
                raise ooxml.PackageError("feuille mal formée (</sheetData> absent)")
            self.end = close
        first_row = _FIRST_ROW.search(data, self.start, self.end)
        self.row_tag = b"<" + (first_row.group(1) if first_row else b"") + b"row"
        first_cell = _FIRST_CELL.search(data, self.start, self.end)
        self.cell_tag = b"<" + (first_cell.group(1) if first_cell else b"") + b"c"
        self._markers: list[int] | None = None

    @property
    def markers(self) -> list[int]:
        """`_markers` of the whole <sheetData>, searched once."""
        if self._markers is None:
            self._markers = list(_markers(self.data, self.start, self.end))
        return self._markers

    def _is_tag(self, pos: int, tag: bytes) -> bool:
        return self.data[pos + len(tag): pos + len(tag) + 1] in (b" ", b">", b"/", b"\t", b"\r", b"\n")

    def row_number(self, start: int) -> int:
        head_end = self.data.find(b">", start)
        m = _ROW_R.search(self.data, start, head_end)
        if m is None:
            raise ooxml.PackageError("feuille dont des lignes n'ont pas de numéro (attribut r)")
        return int(m.group(1))

    def _tag_before(self, tag: bytes, offset: int) -> int:
        """Start of the last `tag` element (not a longer name sharing its prefix) before `offset`, or -1."""
        hi = offset
        while True:
            s = self.data.rfind(tag, self.start, hi)
            if s < 0 or self._is_tag(s, tag):
                return s
            hi = s

    def row_at(self, offset: int) -> tuple[int, int] | None:
        """(start, end) of the <row> holding `offset`; a row ends where the next one starts."""
        data, tag = self.data, self.row_tag
        s = self._tag_before(tag, offset)
        if s < 0:
            return None
        lo = offset
        while True:
            e = data.find(tag, lo, self.end)
            if e < 0:
                return s, self.end
            if self._is_tag(e, tag):
                return s, e
            lo = e + 1

    def cell_column(self, offset: int) -> int | None:
        """The column of the cell holding `offset` if its r says so (None: unknown)."""
        data = self.data
        s = self._tag_before(self.cell_tag, offset)
        if s < 0:
            return None
        head_end = data.find(b">", s, offset)
        m = _CELL_R.search(data, s, head_end if head_end > 0 else offset)
        return ooxml.col_number(m.group(1).decode().upper()) if m else None

    def key_cell(self, start: int, end: int, col: int, num: int, strings: Any) -> Any:
        """The value of the cell at (num, col) in the row data[start:end], found by its reference;
        _UNKNOWN when that cannot be trusted (a cell without r, an r spelled otherwise than
        ' r="B12"', a lower-case one, a tag that only looks like a cell's)."""
        data, tag = self.data, self.cell_tag
        if data.count(tag, start, end) != data.count(b' r="', start, end) - 1:
            return _UNKNOWN
        at = data.rfind(f' r="{ooxml.col_letter(col)}{num}"'.encode(), start, end)  # the later one wins
        if at < 0:
            return _UNKNOWN if _LOWER_REF.search(data, start, end) else ""
        s = data.rfind(tag, start, at)
        head_end = data.find(b">", at, end)
        if s < 0 or head_end < 0 or not self._is_tag(s, tag) or data.find(b">", s, at) >= 0:
            return _UNKNOWN  # not the head of a cell (a text holding ' r="B12"'?)
        if data[head_end - 1] == 0x2F:  # '/': <c r="B12" s="3"/>
            return ""
        close = data.find(b"</" + tag[1:] + b">", head_end, end)
        if close < 0:
            return _UNKNOWN
        m = _CELL_T.search(data, s, head_end)
        try:
            t = m.group(1).decode() if m else None
            inner = data[head_end + 1: close].decode("utf-8")
        except UnicodeDecodeError:
            raise _bad("texte qui n'est pas de l'UTF-8") from None
        return _cell_value(t, inner, strings)

    def rows_backwards(self) -> Iterator[tuple[int, int, int]]:
        """(number, start, end) of the rows from the last one up, without indexing the sheet."""
        data, tag = self.data, self.row_tag
        end = hi = self.end
        while True:
            s = data.rfind(tag, self.start, hi)
            if s < 0:
                return
            hi = s
            if not self._is_tag(s, tag):
                continue
            yield self.row_number(s), s, end
            end = s

    def rows_forwards(self) -> Iterator[tuple[int, int, int]]:
        starts = [m.start() for m in re.compile(re.escape(self.row_tag) + rb"[\s/>]").finditer(
            self.data, self.start, self.end)]
        for s, e in zip(starts, [*starts[1:], self.end], strict=True):
            yield self.row_number(s), s, e


def _text_hits(data: bytes, start: int, end: int, needle: bytes, number: bool) -> Iterator[int]:
    """Offsets where `needle` is the whole text of an element, give or take XML whitespace around
    it (a <t> is trimmed); with `number`, also its spellings as a number: signs and leading zeros
    before, a decimal part after (12 → 012, +12, 12.0). Found with bytes.find (memchr speed)."""
    skip = (b" \t\r\n+-0." if needle == b"0" else b" \t\r\n+-0") if number else _WS  # 0: also ".0"
    n = len(needle)
    i = data.find(needle, start, end)
    while i >= 0:
        k = i + n
        if number and k < end and data[k] == 0x2E:  # '.', then digits
            k += 1
            while k < end and 0x30 <= data[k] <= 0x39:
                k += 1
        while k < end and data[k] in b" \t\r\n":
            k += 1
        if k < end and data[k] == 0x3C:  # '<'
            j = i - 1
            while j >= start and data[j] in skip:
                j -= 1
            if j >= start and data[j] == 0x3E:  # '>'
                yield i
        i = data.find(needle, i + 1, end)


def _exact_hits(data: bytes, start: int, end: int, needle: bytes) -> Iterator[int]:
    """Offsets of '>needle<' (a shared string index in a <v>)."""
    pattern = b">" + needle + b"<"
    i = data.find(pattern, start, end)
    while i >= 0:
        yield i + 1
        i = data.find(pattern, i + 1, end)


def _markers(data: bytes, start: int, end: int) -> Iterator[int]:
    """Offsets of markup that could hide a text from `_text_hits`: character references, _xHHHH_
    escapes, CDATA sections, comments, processing instructions and rich-text runs.

    Single-byte searches (memchr) first: in most sheets none of these bytes is there at all."""
    for byte, check in ((b"&", lambda i: data[i + 1: i + 2] == b"#"),
                        (b"_", lambda i: _XESC_B.match(data, i) is not None),
                        (b"!", lambda i: data[i - 1: i] == b"<"),
                        (b"?", lambda i: data[i - 1: i] == b"<")):
        i = data.find(byte, start, end)
        while i >= 0:
            if check(i):
                yield i
            i = data.find(byte, i + 1, end)
    for m in _RUN_B.finditer(data, start, end):  # the end of a run: </r> or </x:r>
        i = m.start()
        if data[i - 1: i] in (b"/", b":", b"<"):
            yield i


_XESC_B = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_RUN_B = re.compile(rb"r>")


# --------------------------------------------------------------------------- the API
_SPELLINGS = {"&": ("&amp;",), "<": ("&lt;",), ">": (">", "&gt;"), '"': ('"', "&quot;"),
              "'": ("'", "&apos;"), "\n": ("\n", "\r\n", "\r"), "\t": ("\t",)}
_MAX_SPELLINGS = 32
_INT_KEY = re.compile(rf"-?(?:[1-9][0-9]{{0,{_MAX_INT_KEY - 1}}}|0)")


@dataclass(frozen=True)
class _Needles:
    """How a byte search finds a key: the UTF-8 spellings of its text (none when the key cannot be
    written as plain text, e.g. a CR, which only _xHHHH_ or &#13; can hold: the markers find those),
    and whether it is also looked for as a number (its digits, "-12" → "12")."""

    spellings: tuple[bytes, ...]
    number: bytes | None


def _needles(key: str) -> _Needles | None:
    """The needles for `key`, or None when only a full scan finds it (the empty key, the texts of
    booleans, of nan and inf, of decimals and of integers of more than 15 digits)."""
    if not key or key in ("True", "False"):
        return None
    if _FLOAT.fullmatch(key) and not _INT_KEY.fullmatch(key):
        try:
            # the text of a number: "12.5" (written 12.5, 12.50, 1.25E1, 12.4999999999999999…), "inf",
            # "1e-05", an integer of more than 15 digits
            if text_of(float(key)) == key:
                return None
        except ValueError:  # pragma: no cover - _FLOAT lets only floats through
            return None
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no cell holds it
        return None
    spellings = [""]
    for ch in key:
        if ch in _SPELLINGS:
            spellings = [x + y for x in spellings for y in _SPELLINGS[ch]]
        elif ord(ch) < 0x20 or ch == "\r":
            spellings = []  # only an escape can hold it
        else:
            spellings = [x + ch for x in spellings]
        if len(spellings) > _MAX_SPELLINGS:
            return None
    number = key.lstrip("-").encode() if _INT_KEY.fullmatch(key) and key != "-0" else None
    return _Needles(tuple(x.encode("utf-8") for x in spellings), number)


def data_ref(loc: ooxml.TableLoc) -> tuple[int, int, int, int]:
    """The table's (first column, header row, last column, last data row): Excel's totals row is
    not a record."""
    c1, r1, c2, r2 = loc.ref
    return c1, r1, c2, r2 - 1 if loc.totals else r2


def rows_with_key(pkg: ooxml.Package, loc: ooxml.TableLoc, key_offset: int,
                  values: set[str]) -> list[tuple[int, list[Any]]]:
    """The data rows of the table whose cell in column c1 + key_offset, read as text (a whole
    number as "12"), is one of `values`: [(sheet row number, [values of columns c1..c2])], in
    row order. Values are python-calamine's, except date-formatted numbers (serials, see above)."""
    c1, r1, c2, last = data_ref(loc)
    if not 0 <= key_offset <= c2 - c1:
        raise ValueError(f"colonne {key_offset} hors de la table {loc.name}")
    if not values or last <= r1:
        return []
    sheet = _sheet(pkg, loc.sheet_part)
    key_col = c1 + key_offset
    needles = [_needles(k) for k in values]
    if any(n is None for n in needles):
        return _scan(pkg, sheet, loc, (key_col, values))
    data, lo, hi = sheet.data, sheet.start, sheet.end
    found: list[int] = []
    texts: set[bytes] = set()
    for n in needles:
        assert n is not None
        texts.update(n.spellings)
        if n.number is not None:  # its digits, as a number or as the text (12, 012, +12, -12, 12.0)
            found += _text_hits(data, lo, hi, n.number, number=True)
        else:
            for b in n.spellings:
                found += _text_hits(data, lo, hi, b, number=False)
    sst = _shared_strings(pkg)
    if sst is not None:
        for idx in sorted(sst.find(texts, values)):
            found += _exact_hits(data, lo, hi, str(idx).encode())
    found += sheet.markers
    spans: dict[int, int] = {}
    for off in found:
        col = sheet.cell_column(off)
        if col is not None and col != key_col:
            continue
        span = sheet.row_at(off)
        if span is not None:
            spans[span[0]] = span[1]
    strings = sst if sst is not None else _NoStrings()
    out: list[tuple[int, list[Any]]] = []
    for s in sorted(spans):
        num = sheet.row_number(s)
        if not r1 < num <= last:
            continue
        cells = _parse_row(data[s: spans[s]], c1, c2, strings)
        raw = [cells.get(c, "") for c in range(c1, c2 + 1)]
        if text_of(raw[key_offset]) in values and not _blank(raw):
            out.append((num, raw))
    out.sort(key=lambda t: t[0])
    return out


def _strings(pkg: ooxml.Package) -> Any:
    """The package's shared strings (read once, then cached), or none: ask for them only when a row
    is parsed, so that reading no row reads no strings."""
    sst = _shared_strings(pkg)
    return sst if sst is not None else _NoStrings()


def _raw_row(pkg: ooxml.Package, xml: bytes, c1: int, c2: int) -> list[Any] | None:
    """One <row>'s cells c1..c2 as `rows_with_key` gives them; None when they are all blank."""
    cells = _parse_row(xml, c1, c2, _strings(pkg))
    raw = [cells.get(c, "") for c in range(c1, c2 + 1)]
    return None if _blank(raw) else raw


def _last_rows(pkg: ooxml.Package, loc: ooxml.TableLoc, backwards: Iterable[tuple[int, bytes]],
               n: int) -> tuple[list[tuple[int, list[Any]]], bool] | None:
    """The last `n` non-blank data rows among (number, row bytes) given from the end of the sheet
    up, in row order, and whether they are all there is to take (`n` found, or the header row
    reached); None when the rows are out of order (or repeated): the caller reads the sheet whole."""
    c1, r1, c2, last = data_ref(loc)
    out: list[tuple[int, list[Any]]] = []
    prev: int | None = None
    for num, xml in backwards:
        if prev is not None and num >= prev:
            return None
        prev = num
        if num <= r1:
            return out[::-1], True
        if num <= last and (raw := _raw_row(pkg, xml, c1, c2)) is not None:
            out.append((num, raw))
            if len(out) == n:
                return out[::-1], True
    return out[::-1], False


def rows_at(pkg: ooxml.Package, loc: ooxml.TableLoc, nums: set[int]) -> list[tuple[int, list[Any]]]:
    """The data rows of the table at these sheet row numbers (blank or absent rows left out), as
    `rows_with_key` gives them: one search of the sheet per row asked for."""
    c1, r1, c2, last = data_ref(loc)
    sheet = _sheet(pkg, loc.sheet_part)
    out: list[tuple[int, list[Any]]] = []
    for num in sorted(nums):
        if not r1 < num <= last:
            continue
        needle = sheet.row_tag + f' r="{num}"'.encode()  # how Excel, LibreOffice and this code write it
        first = sheet.data.find(needle, sheet.start, sheet.end)
        if first >= 0 and sheet.data.find(needle, first + 1, sheet.end) < 0:
            hits = [first]
        else:
            pattern = re.compile(re.escape(sheet.row_tag) + rb"""\b[^>]*?\sr\s*=\s*["']""" + str(num).encode()
                                 + rb"""["']""")
            hits = [m.start() for m in pattern.finditer(sheet.data, sheet.start, sheet.end)]
        if len(hits) != 1:  # absent, or repeated (merged as calamine does): the sure path
            out += [x for x in _scan(pkg, sheet, loc, None) if x[0] == num] if hits else []
            continue
        span = sheet.row_at(hits[0] + len(sheet.row_tag))
        if span is None or sheet.row_number(span[0]) != num:
            raise _bad(f"ligne {num} introuvable")
        if (raw := _raw_row(pkg, sheet.data[span[0]: span[1]], c1, c2)) is not None:
            out.append((num, raw))
    return out


_ROW_HEAD = b'<row r="'


def _row_number_at(data: bytes, s: int) -> int:
    end = data.find(b'"', s + len(_ROW_HEAD), s + len(_ROW_HEAD) + 12)
    digits = data[s + len(_ROW_HEAD): end] if end > 0 else b""
    if not digits.isdigit():
        raise _bad("numéro de ligne illisible")
    return int(digits)


def find_row(data: bytes, lo: int, hi: int, num: int) -> tuple[int, int] | None:
    """(start, end) of the <row r="num"> of a sheet whose rows are written in ascending order as
    '<row r="N"' (SYC Gestion's, Excel's and XlsxWriter's spelling) between offsets lo and hi: a
    bisection of the bytes, a few short searches instead of one through the whole sheet. None when
    the sheet has no such row where the order puts it (the caller vouches for the order: a part the
    key index was made for); PackageError on a row number that cannot be read, or on neighbours
    out of order around the place searched."""
    a, b = lo, hi  # the row, if there, starts in [a, b)
    while b - a > 4096:
        mid = (a + b) // 2
        s = data.find(_ROW_HEAD, mid, b)
        if s < 0:
            b = mid
            continue
        n = _row_number_at(data, s)
        if n == num:
            a = s
            break
        if n < num:
            a = s + 1
        else:
            b = s
    s = data.find(_ROW_HEAD + str(num).encode() + b'"', a, b + len(_ROW_HEAD) + 12)
    if s < 0:
        # absent, unless the order is not what this assumes: the row before and after it say
        before = data.rfind(_ROW_HEAD, lo, a + 1) if a > lo else -1
        after = data.find(_ROW_HEAD, b, hi)
        if (before >= 0 and _row_number_at(data, before) > num) or (after >= 0 and _row_number_at(data, after) < num):
            raise _bad("lignes dans le désordre")
        return None
    e = data.find(_ROW_HEAD, s + 1, hi)
    return s, e if e >= 0 else hi


def rows_in_order_at(pkg: ooxml.Package, loc: ooxml.TableLoc, nums: set[int]) -> list[tuple[int, list[Any]]]:
    """`rows_at` for a sheet whose rows are known to be in ascending order, each once (a sheet part
    the key index vouches for: written by SYC Gestion since it was indexed): found by bisection."""
    c1, r1, c2, last = data_ref(loc)
    sheet = _sheet(pkg, loc.sheet_part)
    if sheet.row_tag != b"<row":
        raise _bad("balises de ligne préfixées")
    out: list[tuple[int, list[Any]]] = []
    for num in sorted(nums):
        if not r1 < num <= last:
            continue
        span = find_row(sheet.data, sheet.start, sheet.end, num)
        if span is not None and (raw := _raw_row(pkg, sheet.data[span[0]: span[1]], c1, c2)) is not None:
            out.append((num, raw))
    return out


def _chunk_first_rows(pkg: ooxml.Package, part: str) -> Callable[[int], int | None]:
    firsts: dict[int, int | None] = {}

    def first(k: int) -> int | None:
        """The number of the first row whose tag starts in chunk k (None: none does)."""
        if k not in firsts:
            data = pkg.read_chunks(part, k, k)
            at = data.find(_ROW_HEAD)
            firsts[k] = _row_number_at(data, at) if at >= 0 else None
        return firsts[k]
    return first


def _row_span(text: bytes, num: int) -> tuple[int, int] | None:
    s = text.find(_ROW_HEAD + str(num).encode() + b'"')
    if s < 0:
        return None
    e = text.find(_ROW_HEAD, s + 1)
    if e < 0:
        e = text.find(b"</sheetData>", s)
    return (s, e) if e >= 0 else (s, -1)


def rows_in_order_by_chunks(pkg: ooxml.Package, loc: ooxml.TableLoc,
                            nums: set[int]) -> list[tuple[int, list[Any]]] | None:
    """`rows_in_order_at` without inflating the whole part: the chunks of a part deflated in chunks
    (`zchunks`) are inflated on their own, a few to find by bisection the one a row starts in, then
    that one. None when the part is not in chunks or a chunk holds no row tag (the caller reads it whole)."""
    part = loc.sheet_part
    table = pkg.chunks(part)
    if not table:
        return None
    c1, r1, c2, last = data_ref(loc)
    first = _chunk_first_rows(pkg, part)
    out: list[tuple[int, list[Any]]] = []
    for num in sorted(nums):
        if not r1 < num <= last:
            continue
        lo, hi, k = 0, len(table) - 1, -1
        while lo <= hi:  # the last chunk whose first row is num or before it
            mid = (lo + hi) // 2
            f = first(mid)
            if f is None:
                return None
            if f <= num:
                k, lo = mid, mid + 1
            else:
                hi = mid - 1
        if k < 0:
            continue  # before the first row
        end = min(k + 1, len(table) - 1)  # a row tag may straddle two chunks
        while True:
            text = pkg.read_chunks(part, k, end)
            span = _row_span(text, num)
            if span is None or span[1] >= 0:
                break
            if end == len(table) - 1:
                raise _bad(f"ligne {num} non fermée")
            end += 1
        if span is not None and (raw := _raw_row(pkg, text[span[0]: span[1]], c1, c2)) is not None:
            out.append((num, raw))
    return out


def _rows_backwards_in(text: bytes, end: int) -> Iterator[tuple[int, bytes]]:
    """(number, bytes) of the rows whose tag starts in `text` before `end`, from the last one up."""
    hi = end
    while (s := text.rfind(_ROW_HEAD, 0, hi)) >= 0:
        yield _row_number_at(text, s), text[s:hi]
        hi = s


def tail_by_chunks(pkg: ooxml.Package, loc: ooxml.TableLoc, n: int) -> list[tuple[int, list[Any]]] | None:
    """`tail_rows` of a sheet in ascending order from its last chunks alone (None: not in chunks,
    or rows out of order: the caller reads it whole)."""
    part = loc.sheet_part
    table = pkg.chunks(part)
    if not table:
        return None
    _c1, r1, _c2, last = data_ref(loc)
    if n <= 0 or last <= r1:
        return []
    begin = len(table) - 1
    while True:
        text = pkg.read_chunks(part, begin, len(table) - 1)
        end = text.rfind(b"</sheetData>")
        if end < 0:
            return None
        got = _last_rows(pkg, loc, _rows_backwards_in(text, end), n)
        if got is None:
            return None
        out, complete = got
        if complete or begin == 0:
            return out
        begin = max(0, begin - 2)


def all_rows(pkg: ooxml.Package, loc: ooxml.TableLoc) -> list[tuple[int, list[Any]]]:
    """Every non-blank data row of the table, as `rows_with_key` gives them (for small tables: no
    need to open the workbook with calamine, which parses all the shared strings first)."""
    _c1, r1, _c2, last = data_ref(loc)
    if last <= r1:
        return []
    return _scan(pkg, _sheet(pkg, loc.sheet_part), loc, None)


def tail_rows(pkg: ooxml.Package, loc: ooxml.TableLoc, n: int) -> list[tuple[int, list[Any]]]:
    """The last `n` non-blank data rows of the table (fewer if it has fewer), in row order, as
    `rows_with_key` gives them. Reads the sheet from its end: a few rows are parsed."""
    _c1, r1, _c2, last = data_ref(loc)
    if n <= 0 or last <= r1:
        return []
    sheet = _sheet(pkg, loc.sheet_part)
    got = _last_rows(pkg, loc, ((num, sheet.data[s:e]) for num, s, e in sheet.rows_backwards()), n)
    if got is None:  # rows out of order (or repeated): read them all
        return _scan(pkg, sheet, loc, None)[-n:]
    return got[0]


def _scan(pkg: ooxml.Package, sheet: _Sheet, loc: ooxml.TableLoc,
          key: tuple[int, set[str]] | None) -> list[tuple[int, list[Any]]]:
    """Every non-blank data row of the table (whose key cell's text is in the set, if `key` is
    (column, set)): the slow, sure path. Only the key cell of a row is decoded until it matches,
    found by its reference when every cell of the row has one. A row repeated in the sheet is
    merged cell by cell, the later winning, as calamine does."""
    c1, r1, c2, last = data_ref(loc)
    sst = _shared_strings(pkg)
    strings = sst if sst is not None else _NoStrings()
    data = sheet.data
    spans: dict[int, list[tuple[int, int]]] = {}
    for num, s, e in sheet.rows_forwards():
        if r1 < num <= last:
            spans.setdefault(num, []).append((s, e))
    out = []
    for num in sorted(spans):
        parts = spans[num]
        if key is not None and len(parts) == 1:
            col, values = key
            s, e = parts[0]
            value = sheet.key_cell(s, e, col, num, strings)
            if value is _UNKNOWN:
                value = _parse_row(data[s:e], col, col, strings).get(col, "")
            if text_of(value) not in values:
                continue
        cells: dict[int, Any] = {}
        for s, e in parts:
            cells.update(_parse_row(data[s:e], c1, c2, strings))
        raw = [cells.get(c, "") for c in range(c1, c2 + 1)]
        if not _blank(raw) and (key is None or text_of(raw[key[0] - c1]) in key[1]):
            out.append((num, raw))
    return out
