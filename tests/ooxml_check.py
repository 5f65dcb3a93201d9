#!/usr/bin/env python3
# ruff: noqa: B007, B904, SIM102, SIM105, SIM115 -- a copy of shared tools/validate_xlsx.py, kept as is
"""validate_xlsx.py - will Excel open this .xlsx/.xlsm without "We found a problem with some content"?

An independent, Excel-free check of a SpreadsheetML package (zip). It combines
  1. XML Schema validation (lxml/libxml2) of the SpreadsheetML parts against the ECMA-376
     Transitional schemas (sml.xsd and the schemas it imports; OPC schemas for
     [Content_Types].xml and *.rels), and
  2. semantic invariants that Excel enforces on load although the XML is schema-valid
     (tables, rows/cells order, shared strings, styles, names, content types, relationships).

Usage:  validate_xlsx.py [--schemas DIR] [--no-schema] [-v] [--max-per-kind N] FILE.xlsx|.xlsm
Output: one line per problem, "part: problem", then "ooxml: N problems in M parts"
        (N = problems found, M = package parts examined).  Exit 0 if N == 0, 1 if N > 0,
        2 if the check itself could not run (lxml or the schemas missing, bad arguments).
Library: validate(path, schema_dir=None) -> Result(problems=[(part, message)], count=N, parts=M, notes).

Schemas are looked up in --schemas, $OOXML_SCHEMAS, <here>/../shared/data/ooxml-schemas,
<here>/../data/ooxml-schemas, <here>/schemas, <here>/ooxml-schemas (first one holding sml.xsd).

Markup Compatibility (ECMA-376 Part 3) handling, applied before schema validation (to a copy of
the part, or to a worksheet's tree once its semantic checks are done), emulating a consumer that
understands only the namespaces of the loaded schemas
(SpreadsheetML main, relationships, shared types, DrawingML) plus XML and MC itself:
  * attributes whose namespace is declared ignorable by an mc:Ignorable attribute on the element
    or an ancestor (x14ac:dyDescent, xr:uid, xr2:/xr3:uid, ...) are removed;
  * child elements in such namespaces are removed (their content is kept instead when they are
    listed in mc:ProcessContent);
  * mc:AlternateContent is replaced by the content of its first mc:Choice whose Requires
    namespaces are all understood, else by its mc:Fallback content, else removed (so Excel's
    <x15ac:absPath> and x14 form-control blocks drop out, their Fallback stays);
  * the mc:* attributes themselves (Ignorable, ProcessContent, MustUnderstand,
    PreserveElements, PreserveAttributes) are removed;
  * no element inside <extLst><ext> is removed or replaced: CT_Extension holds <xsd:any
    processContents="lax">, so x14/x15 extension payloads are skipped by the validator, never
    failed (ignorable attributes are stripped there too);
  * xml:space attributes are removed (Excel, XlsxWriter, openpyxl and LibreOffice write
    <t xml:space="preserve">, but sml.xsd types <t> as a plain string and never imports the XML
    namespace, so libxml2 would reject every such attribute);
  * workbookPr@dateCompatibility is removed: a later ISO/IEC 29500 addition that Excel writes
    (Strict files) and LibreOffice writes in every .xlsx, absent from the Transitional XSD.
Semantic checks always run on the original (unstripped) parse.  -v lists what was stripped.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import posixpath
import re
import sys
import zipfile
from collections import Counter, defaultdict, namedtuple
from urllib.parse import unquote

try:
    from lxml import etree
except ImportError:  # pragma: no cover
    sys.stderr.write("validate_xlsx.py needs lxml (pip install lxml)\n")
    raise SystemExit(2)

# --------------------------------------------------------------------------- constants
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_XML = "http://www.w3.org/XML/1998/namespace"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_MS = "http://schemas.microsoft.com/office/2006/relationships/"
RT_PKG = "http://schemas.openxmlformats.org/package/2006/relationships/"
SS = "application/vnd.openxmlformats-officedocument.spreadsheetml."

REL_OFFICE_DOC = RT + "officeDocument"
REL_WORKSHEET = RT + "worksheet"
REL_TABLE = RT + "table"
REL_STYLES = RT + "styles"
REL_SST = RT + "sharedStrings"
REL_VBA = RT_MS + "vbaProject"
SHEET_REL_TYPES = {REL_WORKSHEET, RT + "chartsheet", RT + "dialogsheet", RT_MS + "xlMacrosheet",
                   RT_MS + "xlIntlMacrosheet"}

EXPECTED_CT = {
    REL_WORKSHEET: SS + "worksheet+xml",
    RT + "chartsheet": SS + "chartsheet+xml",
    RT + "dialogsheet": SS + "dialogsheet+xml",
    REL_TABLE: SS + "table+xml",
    REL_STYLES: SS + "styles+xml",
    REL_SST: SS + "sharedStrings+xml",
    RT + "calcChain": SS + "calcChain+xml",
    RT + "comments": SS + "comments+xml",
    RT + "externalLink": SS + "externalLink+xml",
    RT + "pivotTable": SS + "pivotTable+xml",
    RT + "pivotCacheDefinition": SS + "pivotCacheDefinition+xml",
    RT + "pivotCacheRecords": SS + "pivotCacheRecords+xml",
    RT + "queryTable": SS + "queryTable+xml",
    RT + "connections": SS + "connections+xml",
    RT + "sheetMetadata": SS + "sheetMetadata+xml",
    RT + "volatileDependencies": SS + "volatileDependencies+xml",
    RT + "printerSettings": SS + "printerSettings",
    RT + "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    RT + "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    RT + "vmlDrawing": "application/vnd.openxmlformats-officedocument.vmlDrawing",
    RT + "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    RT + "extended-properties": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    RT + "custom-properties": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    RT + "ctrlProp": "application/vnd.ms-excel.controlproperties+xml",
    RT_PKG + "metadata/core-properties": "application/vnd.openxmlformats-package.core-properties+xml",
    REL_VBA: "application/vnd.ms-office.vbaProject",
}
WORKBOOK_CT = {
    ".xlsx": SS + "sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": SS + "template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
MACRO_EXTS = {".xlsm", ".xltm", ".xlam"}

MAX_ROW, MAX_COL, MAX_STR = 1048576, 16384, 32767
BUILTIN_TABLE_STYLES = ({f"TableStyleLight{i}" for i in range(1, 22)}
                        | {f"TableStyleMedium{i}" for i in range(1, 29)}
                        | {f"TableStyleDark{i}" for i in range(1, 12)}
                        | {f"PivotStyleLight{i}" for i in range(1, 29)}
                        | {f"PivotStyleMedium{i}" for i in range(1, 29)}
                        | {f"PivotStyleDark{i}" for i in range(1, 29)})
ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                "#PYTHON!"}

CELL_RE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})\Z")
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
TABLE_NAME_RE = re.compile(r"(?:[^\W\d]|\\)[\w.]*\Z")
DEFINED_NAME_RE = re.compile(r"(?:[^\W\d]|\\)[\w.\\?]*\Z")
A1_LIKE_RE = re.compile(r"([A-Za-z]{1,3})([0-9]+)\Z")
R1C1_LIKE_RE = re.compile(r"[Rr][0-9]*[Cc]?[0-9]*\Z|[Cc][0-9]*\Z")
SHEET_NAME_BAD = set('[]:*?/\\')
CONTROL_ESCAPES = {i: f"\\x{i:02x}" for i in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t"}


def q(tag):
    return f"{{{NS_MAIN}}}{tag}"


T_ROW, T_C, T_V, T_F, T_IS, T_T, T_R, T_RPH = (q(x) for x in ("row", "c", "v", "f", "is", "t", "r", "rPh"))
MC_ATTRS = {f"{{{NS_MC}}}{a}" for a in ("Ignorable", "ProcessContent", "MustUnderstand",
                                        "PreserveElements", "PreserveAttributes")}
EXT_TAGS = {q("ext"), f"{{{NS_A}}}ext"}

_COLCACHE: dict = {}


def col2num(letters):
    n = _COLCACHE.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + (ord(ch) - 64)
        _COLCACHE[letters] = n
    return n


def num2col(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def parse_cell(ref):
    """'B7' -> (col, row) or None (upper-case A1 form only, within Excel's grid)."""
    m = CELL_RE.match(ref or "")
    if not m:
        return None
    c, r = col2num(m.group(1)), int(m.group(2))
    if not (1 <= c <= MAX_COL and 1 <= r <= MAX_ROW):
        return None
    return c, r


def parse_range(ref):
    """'A1:C5' or 'A1' -> (c1, r1, c2, r2) normalised, or None."""
    if not ref:
        return None
    parts = ref.split(":")
    if len(parts) == 1:
        p = parse_cell(parts[0])
        return (p[0], p[1], p[0], p[1]) if p else None
    if len(parts) != 2:
        return None
    a, b = parse_cell(parts[0]), parse_cell(parts[1])
    if not a or not b:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


def fmt_range(rg):
    c1, r1, c2, r2 = rg
    return f"{num2col(c1)}{r1}:{num2col(c2)}{r2}"


def intersects(a, b):
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def contains(outer, inner):
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def unescape_x(s):
    """Decode Excel's _xHHHH_ escapes (as used in table column names and strings)."""
    return ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), s) if s and "_x" in s else (s or "")


def looks_like_reference(name):
    m = A1_LIKE_RE.match(name)
    if m:
        col, row = col2num(m.group(1).upper()), int(m.group(2))
        if col <= MAX_COL and 1 <= row <= MAX_ROW:
            return True
    return bool(R1C1_LIKE_RE.match(name))


def local(el):
    return etree.QName(el).localname


def rich_text(el):
    """Text of a CT_Rst element (<si>, <is>): direct <t> plus the <t> of each run <r>, no phonetics."""
    parts = []
    for ch in el:
        if ch.tag == T_T:
            parts.append(ch.text or "")
        elif ch.tag == T_R:
            t = ch.find(T_T)
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


# --------------------------------------------------------------------------- schemas
class Schemas:
    def __init__(self, directory):
        self.dir = directory
        self.sml = etree.XMLSchema(etree.parse(os.path.join(directory, "sml.xsd")))
        self.ct = self._opt("opc-contentTypes.xsd")
        self.rels = self._opt("opc-relationships.xsd")
        self.understood = {NS_MC, NS_XML}
        for f in os.listdir(directory):
            if f.endswith(".xsd"):
                m = re.search(rb'targetNamespace="([^"]+)"', open(os.path.join(directory, f), "rb").read(4000))
                if m:
                    self.understood.add(m.group(1).decode())

    def _opt(self, name):
        p = os.path.join(self.dir, name)
        return etree.XMLSchema(etree.parse(p)) if os.path.exists(p) else None


def find_schema_dir(explicit=None):
    """The schema directory: an explicit one (None if it lacks sml.xsd), else the first hit."""
    if explicit:
        return os.path.normpath(explicit) if os.path.isfile(os.path.join(explicit, "sml.xsd")) else None
    here = os.path.dirname(os.path.abspath(__file__))
    cands = [os.environ.get("OOXML_SCHEMAS"),
             os.path.join(here, "..", "shared", "data", "ooxml-schemas"),
             os.path.join(here, "..", "data", "ooxml-schemas"),
             os.path.join(here, "schemas"), os.path.join(here, "ooxml-schemas"),
             os.path.join(here, "data", "ooxml-schemas")]
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "sml.xsd")):
            return os.path.normpath(c)
    return None


# --------------------------------------------------------------------------- markup compatibility
class MceStats:
    def __init__(self):
        self.attrs = Counter()      # namespace -> removed attributes
        self.elements = Counter()   # namespace -> removed elements
        self.alternate = Counter()  # 'choice' / 'fallback' / 'dropped'
        self.xml_space = 0
        self.known_extra = 0

    def summary(self):
        out = []
        if self.attrs:
            out.append("stripped attributes in ignorable namespaces " +
                       ", ".join(f"{ns}" + (f" ({n}x)" if n else "") for ns, n in self.attrs.items()))
        if self.elements:
            out.append("removed elements " + ", ".join(f"{n}x {ns}" for ns, n in self.elements.items()))
        if self.alternate:
            out.append("mc:AlternateContent " + ", ".join(f"{n}x {k}" for k, n in self.alternate.items()))
        if self.xml_space:
            out.append("removed xml:space attributes")
        if self.known_extra:
            out.append(f"removed {self.known_extra} workbookPr@dateCompatibility")
        return "; ".join(out)


def apply_mce(root, understood, stats, raw=None):
    """Markup Compatibility preprocessing, in place (see module docstring).  raw: the part's
    bytes, if at hand (lets the fast path be chosen without scanning the tree)."""
    process_of = {}  # element -> {(namespace, localname)} from its mc:ProcessContent

    def prefixes_to_ns(el, value):
        return {el.nsmap.get(p) for p in (value or "").split() if el.nsmap.get(p)}

    def walk(el, ignorable):
        ign = el.get(f"{{{NS_MC}}}Ignorable")
        if ign is not None:
            ignorable = ignorable | prefixes_to_ns(el, ign)
        pc = el.get(f"{{{NS_MC}}}ProcessContent")
        if pc:
            process_of[el] = {(el.nsmap[p], loc) for p, _, loc in (i.partition(":") for i in pc.split())
                              if loc and el.nsmap.get(p)}
        for a in list(el.attrib):
            if a in MC_ATTRS:
                del el.attrib[a]
            elif a[0] == "{":
                ns = a[1:a.index("}")]
                if ns in ignorable and ns not in understood:
                    del el.attrib[a]
                    stats.attrs[ns] += 1
        if f"{{{NS_XML}}}space" in el.attrib:
            del el.attrib[f"{{{NS_XML}}}space"]
            stats.xml_space += 1
        if el.tag in EXT_TAGS:
            return
        for ch in list(el):  # a snapshot: lxml's el[i] is O(i), fatal on a 100 000-row sheetData
            child(el, ch, ignorable)

    def child(parent, ch, ignorable):
        if not isinstance(ch.tag, str):
            return
        qn = etree.QName(ch)
        if qn.namespace == NS_MC and qn.localname == "AlternateContent":
            chosen, kind = None, "dropped"
            for alt in ch:
                if not isinstance(alt.tag, str):
                    continue
                ln = etree.QName(alt).localname
                if ln == "Choice":
                    req = prefixes_to_ns(alt, alt.get("Requires"))
                    nreq = len((alt.get("Requires") or "").split())
                    if req and len(req) == nreq and req <= understood:
                        chosen, kind = alt, "choice"
                        break
                elif ln == "Fallback":
                    chosen, kind = alt, "fallback"
                    break
            stats.alternate[kind] += 1
            unwrap(parent, ch, list(chosen) if chosen is not None else [], ignorable)
            return
        if qn.namespace in ignorable and qn.namespace not in understood:
            stats.elements[qn.namespace] += 1
            process = process_of.get(parent, ())
            keep = (qn.namespace, qn.localname) in process or (qn.namespace, "*") in process
            unwrap(parent, ch, list(ch) if keep else [], ignorable)
            return
        walk(ch, ignorable)

    def unwrap(parent, ch, replacement, ignorable):
        for r in replacement:
            ch.addprevious(r)
        parent.remove(ch)
        for r in replacement:
            child(parent, r, ignorable)

    def attached(el):
        while el.getparent() is not None:
            el = el.getparent()
        return el is root

    # Fast path, done by lxml in C: usable when mc:Ignorable is declared on the root only (or
    # nowhere) and there is no mc:ProcessContent, which is what Excel, LibreOffice, openpyxl and
    # XlsxWriter write.  Anything else takes the general recursive walk above.
    if raw is not None:
        simple = raw.count(b"Ignorable=") <= 1 and b"ProcessContent=" not in raw
    else:
        simple = not root.xpath("//@mc:ProcessContent | //*[@mc:Ignorable][..]", namespaces={"mc": NS_MC})
    if not simple or (raw is not None and b"Ignorable=" in raw and root.get(f"{{{NS_MC}}}Ignorable") is None):
        walk(root, frozenset())
        return root
    ignorable = prefixes_to_ns(root, root.get(f"{{{NS_MC}}}Ignorable")) - understood

    def in_ext(el):
        while el is not None:
            if el.tag in EXT_TAGS:
                return True
            el = el.getparent()
        return False

    for ac in list(root.iter(f"{{{NS_MC}}}AlternateContent")):
        if ac.getparent() is None or not attached(ac) or in_ext(ac):
            continue  # inside an alternative already dropped, or extension payload
        chosen, kind = None, "dropped"
        for alt in ac:
            if not isinstance(alt.tag, str):
                continue
            ln = etree.QName(alt).localname
            if ln == "Choice":
                req = prefixes_to_ns(alt, alt.get("Requires"))
                if req and len(req) == len(alt.get("Requires").split()) and req <= understood:
                    chosen, kind = alt, "choice"
                    break
            elif ln == "Fallback":
                chosen, kind = alt, "fallback"
                break
        stats.alternate[kind] += 1
        for r in (list(chosen) if chosen is not None else []):
            ac.addprevious(r)
        ac.getparent().remove(ac)
    for n in ignorable:
        for el in list(root.iter(f"{{{n}}}*")):
            if el.getparent() is not None and attached(el) and not in_ext(el.getparent()):
                stats.elements[n] += 1
                el.getparent().remove(el)
        etree.strip_attributes(root, f"{{{n}}}*")  # everywhere, extension payloads included
        stats.attrs[n] += 0
    etree.strip_attributes(root, *MC_ATTRS)
    if raw is None or b"xml:space" in raw:
        stats.xml_space += 1 if len(root.xpath("//@xml:space")) else 0
        etree.strip_attributes(root, f"{{{NS_XML}}}space")
    return root


# --------------------------------------------------------------------------- the checker
Result = namedtuple("Result", "problems count parts notes")
SheetInfo = namedtuple("SheetInfo", "name part index state")


class Checker:
    def __init__(self, path, schemas=None, max_per_kind=20, verbose=False):
        self.path = path
        self.schemas = schemas
        self.max_per_kind = max_per_kind
        self.verbose = verbose
        self.problems = []        # (part, message) as reported
        self.count = 0            # all problems, including those folded away
        self.kind_counts = Counter()
        self.notes = []
        self.z = None
        self.names = []
        self.lower = {}
        self.trees = {}
        self.rels = {}            # source part -> {rId: (type, target, external)}
        self.ct_default = {}
        self.ct_override = {}
        self.sst = None
        self.styles = {}
        self.tables = []          # dicts for workbook-wide checks
        self.table_owner = defaultdict(list)
        self.defined_names = []
        self.sheets = []
        self.raw = {}
        self.names_set = set()
        self.validated = set()
        self.wb_part = None

    # ---- reporting
    def add(self, part, msg, kind=None):
        self.count += 1
        msg = msg.translate(CONTROL_ESCAPES)  # one line per problem, whatever the data holds
        key = (part, kind) if kind else None
        if key:
            self.kind_counts[key] += 1
            if self.kind_counts[key] > self.max_per_kind:
                return
        self.problems.append((part, msg))

    def finish_folded(self):
        for (part, kind), n in self.kind_counts.items():
            if n > self.max_per_kind:
                self.problems.append((part, f"... and {n - self.max_per_kind} more {kind} problems"))

    # ---- package access
    def exists(self, name):
        return name in self.names_set or name.lower() in self.lower

    def real_name(self, name):
        if name in self.names_set:
            return name
        return self.lower.get(name.lower())

    def parse(self, name, report=True):
        """Parse a part (cached). Returns the root element or None."""
        if name in self.trees:
            return self.trees[name]
        root = None
        try:
            data = self.raw[name] = self.z.read(name)
        except Exception as e:  # pragma: no cover
            if report:
                self.add(name, f"cannot read from zip: {e}")
            self.trees[name] = None
            return None
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
        try:
            tree = etree.parse(io.BytesIO(data), parser)
            root = tree.getroot()
            di = tree.docinfo
            if di.doctype or (di.internalDTD is not None):
                self.add(name, "XML part contains a DOCTYPE/DTD (forbidden by OPC; Excel rejects the part)")
            enc = (di.encoding or "UTF-8").upper()
            if enc not in ("UTF-8", "UTF-16", "UTF8", "UTF16"):
                self.add(name, f"XML encoding {di.encoding} (OPC allows only UTF-8 or UTF-16)")
        except etree.XMLSyntaxError as e:
            if report:
                self.add(name, f"not well-formed XML: {e}")
        self.trees[name] = root
        return root

    def schema_validate(self, name, root, schema, label="schema", inplace=False):
        """XSD-validate a part after markup-compatibility processing.  inplace=True mutates and
        then drops the cached tree (big worksheets: one parse, half the memory); otherwise a
        private copy is parsed again from the bytes, so that line numbers stay right."""
        if schema is None or root is None:
            return
        raw = self.raw.get(name, b"")
        if inplace:
            doc = root
            self.trees[name] = None
            self.raw.pop(name, None)
        else:
            doc = etree.parse(io.BytesIO(raw), etree.XMLParser(resolve_entities=False, no_network=True,
                                                               huge_tree=True, load_dtd=False)).getroot()
        st = MceStats()
        if b"markup-compatibility" in raw or b"xml:space" in raw:
            apply_mce(doc, self.schemas.understood, st, raw)
        for el in doc.iter(q("workbookPr")):
            if el.attrib.pop("dateCompatibility", None) is not None:
                st.known_extra += 1
        if self.verbose and st.summary():
            self.notes.append(f"{name}: MCE: {st.summary()}")
        if not schema.validate(doc):
            for e in schema.error_log:
                msg = e.message.replace(f"{{{NS_MAIN}}}", "").replace(f"{{{NS_R}}}", "r:")
                self.add(name, f"{label}: line {e.line}: {msg}", kind=label)

    def content_type(self, name):
        ov = self.ct_override.get("/" + name.lower())
        if ov:
            return ov[1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else ""
        return self.ct_default.get(ext)

    # ---- entry point
    def run(self):
        try:
            self.z = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            self.add("(package)", "file not found")
            return Result(self.problems, self.count, 0, self.notes)
        except (zipfile.BadZipFile, OSError) as e:
            self.add("(package)", f"not a zip package: {e}")
            return Result(self.problems, self.count, 0, self.notes)
        with self.z:
            self.check_zip()
            self.check_content_types()
            self.check_relationships()
            wb = self.check_workbook()
            if wb is not None:
                self.check_styles()
                self.check_shared_strings()
                for sh in self.sheets:
                    self.check_sheet(sh)
                self.check_orphans()
                self.check_tables_workbook()
            self.check_other_xml()
        self.finish_folded()
        return Result(self.problems, self.count, len(self.names), self.notes)

    # ---- zip container
    def check_zip(self):
        infos = self.z.infolist()
        self.names = [i.filename for i in infos if not i.filename.endswith("/")]
        self.names_set = set(self.names)
        dup = [n for n, k in Counter(self.names).items() if k > 1]
        for n in dup:
            self.add(n, "zip holds this part more than once (Excel refuses the package)")
        seen = {}
        for n in self.names:
            k = n.lower()
            if k in seen and seen[k] != n:
                self.add(n, f"part name differs only in case from {seen[k]} (OPC part names are case-insensitive)")
            seen.setdefault(k, n)
        self.lower = seen
        for i in infos:
            if i.filename.endswith("/"):
                continue
            if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.add(i.filename, f"zip compression method {i.compress_type} (Excel reads only stored/deflate)")
            if i.flag_bits & 0x1:
                self.add(i.filename, "zip entry is encrypted")
            n = i.filename
            if n.startswith("/") or "\\" in n or "//" in n or any(s in (".", "..") or s.endswith(".")
                                                                   for s in n.split("/")):
                self.add(n, "invalid OPC part name")
        if "[Content_Types].xml" not in self.names_set:
            self.add("(package)", "no [Content_Types].xml")

    # ---- [Content_Types].xml
    def check_content_types(self):
        name = "[Content_Types].xml"
        if name not in self.names_set:
            return
        root = self.parse(name)
        if root is None:
            return
        if self.schemas:
            self.schema_validate(name, root, self.schemas.ct)
        for d in root.iter(f"{{{NS_CT}}}Default"):
            ext = (d.get("Extension") or "").lower()
            if ext in self.ct_default:
                self.add(name, f"duplicate Default for extension '{ext}'")
            self.ct_default[ext] = d.get("ContentType")
        for o in root.iter(f"{{{NS_CT}}}Override"):
            pn = o.get("PartName") or ""
            key = pn.lower()
            if key in self.ct_override:
                self.add(name, f"duplicate Override for {pn}")
            self.ct_override[key] = (pn, o.get("ContentType"))
            if key == "/[content_types].xml":
                self.add(name, "Override for /[Content_Types].xml itself (Office refuses the package)")
            elif not pn.startswith("/"):
                self.add(name, f"Override PartName '{pn}' does not start with '/'")
            elif not self.exists(pn[1:]):
                self.add(name, f"Override for {pn}, which is not in the package")
        for n in self.names:
            if n == name:
                continue
            if self.content_type(n) is None:
                ext = n.rsplit(".", 1)[-1] if "." in posixpath.basename(n) else ""
                self.add(name, f"no content type for /{n} (no Override, no Default for '.{ext}')")

    # ---- relationships
    def check_relationships(self):
        for n in self.names:
            if not re.search(r"(^|/)_rels/[^/]*\.rels$", n):
                continue
            d = posixpath.dirname(posixpath.dirname(n))
            src = posixpath.join(d, posixpath.basename(n)[:-5]) if posixpath.basename(n) != ".rels" else ""
            if src and not self.exists(src):
                self.add(n, f"relationships of a part that does not exist ({src})")
            root = self.parse(n)
            if root is None:
                continue
            if self.schemas:
                self.schema_validate(n, root, self.schemas.rels)
            rels = {}
            base = posixpath.dirname(src) if src else ""
            for r in root.iter(f"{{{NS_PR}}}Relationship"):
                rid, typ, target = r.get("Id"), r.get("Type") or "", r.get("Target") or ""
                if rid in rels:
                    self.add(n, f"duplicate relationship Id {rid}")
                external = r.get("TargetMode") == "External"
                resolved = None
                if not external and not target.startswith("#"):  # "#Sheet1!A1": a link inside the book
                    t = unquote(target.split("#", 1)[0])
                    resolved = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(base, t))
                    real = self.real_name(resolved)
                    if real is None:
                        self.add(n, f"relationship {rid} ({typ.rsplit('/', 1)[-1]}) targets {resolved}, "
                                    f"which is not in the package")
                    else:
                        resolved = real
                        if real == "[Content_Types].xml" or real.endswith(".rels"):
                            self.add(n, f"relationship {rid} targets a package-internal part {real}")
                        exp = EXPECTED_CT.get(typ)
                        got = self.content_type(real)
                        if typ == RT + "image":
                            if got and not got.startswith("image/"):
                                self.add(n, f"relationship {rid}: image {real} has content type {got}")
                        elif exp and got and got != exp:
                            self.add("[Content_Types].xml", f"/{real} has content type {got}, "
                                                            f"expected {exp} for its relationship type")
                rels[rid] = (typ, resolved, external)
            self.rels[src] = rels

    def check_rids(self, part, root, skip=None):
        """Every r:* attribute (r:id, r:embed, ...) must name a relationship of this part."""
        rels = self.rels.get(part, {})
        for el in root.iter():
            if el is skip:
                continue
            if not isinstance(el.tag, str):
                continue
            for a, v in el.attrib.items():
                if a.startswith(f"{{{NS_R}}}") and v and v not in rels:
                    self.add(part, f"<{local(el)} r:{a.split('}')[1]}=\"{v}\"> names no relationship of this part")

    def _iter_skip(self, root, skip_tag):
        for ch in root:
            if ch.tag == skip_tag:
                continue
            yield from ch.iter()

    # ---- workbook
    def check_workbook(self):
        pkg = self.rels.get("", {})
        wb = [t for (typ, t, ext) in pkg.values() if typ == REL_OFFICE_DOC and not ext]
        if not wb:
            self.add("_rels/.rels", "no officeDocument relationship (no workbook part)")
            return None
        part = wb[0]
        if part is None or not self.exists(part):
            return None
        self.wb_part = part
        ext = os.path.splitext(self.path)[1].lower()
        ct = self.content_type(part)
        if ext in WORKBOOK_CT:
            if ct != WORKBOOK_CT[ext]:
                self.add("[Content_Types].xml", f"/{part} has content type {ct}; a {ext} file needs "
                                                f"{WORKBOOK_CT[ext]} (Excel refuses: format/extension mismatch)")
        elif ct not in WORKBOOK_CT.values():
            self.add("[Content_Types].xml", f"/{part} has content type {ct}, not a workbook content type")
        wrels = self.rels.get(part, {})
        has_vba = any(t == REL_VBA for (t, _, _) in wrels.values())
        if has_vba and ext in WORKBOOK_CT and ext not in MACRO_EXTS:
            self.add(part, f"a {ext} file carries a VBA project (Excel refuses to open it)")
        if ct and "macroEnabled" not in ct and has_vba:
            self.add(part, "VBA project related from a workbook whose content type is not macro-enabled")
        root = self.parse(part)
        if root is None:
            return None
        if etree.QName(root).namespace == NS_STRICT:
            self.add(part, "Strict conformance (purl.oclc.org) workbook: this validator checks Transitional only")
            return None
        if root.tag != q("workbook"):
            self.add(part, f"root element is {root.tag}, expected workbook")
            return None
        if self.schemas:
            self.schema_validate(part, root, self.schemas.sml)
        self.check_rids(part, root)
        # sheets
        names_seen, ids_seen, rids_seen = {}, set(), set()
        sheets_el = root.find(q("sheets"))
        sheet_list = list(sheets_el.iterfind(q("sheet"))) if sheets_el is not None else []
        if not sheet_list:
            self.add(part, "workbook has no sheets")
        visible = 0
        for i, s in enumerate(sheet_list):
            nm, sid, rid = s.get("name") or "", s.get("sheetId"), s.get(f"{{{NS_R}}}id")
            state = s.get("state") or "visible"
            if state == "visible":
                visible += 1
            if not (1 <= len(nm) <= 31):
                self.add(part, f"sheet name '{nm}' must be 1 to 31 characters")
            if set(nm) & SHEET_NAME_BAD or nm.startswith("'") or nm.endswith("'"):
                self.add(part, f"sheet name '{nm}' contains a forbidden character")
            if nm.casefold() == "history":
                self.add(part, "sheet name 'History' is reserved by Excel")
            if nm.casefold() in names_seen:
                self.add(part, f"duplicate sheet name '{nm}' (case-insensitive)")
            names_seen[nm.casefold()] = i
            if sid in ids_seen:
                self.add(part, f"duplicate sheetId {sid}")
            ids_seen.add(sid)
            if rid in rids_seen:
                self.add(part, f"sheet '{nm}': r:id {rid} used twice")
            rids_seen.add(rid)
            rel = wrels.get(rid)
            if rel is None:
                continue  # reported by check_rids
            if rel[0] not in SHEET_REL_TYPES:
                self.add(part, f"sheet '{nm}': relationship {rid} has type {rel[0]}, not a sheet type")
                continue
            if rel[0] == REL_WORKSHEET and rel[1]:
                self.sheets.append(SheetInfo(nm, rel[1], i, state))
        if sheet_list and visible == 0:
            self.add(part, "every sheet is hidden (Excel needs at least one visible sheet)")
        for bv in root.iter(q("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                v = bv.get(attr)
                if v is not None and v.isdigit() and sheet_list and int(v) >= len(sheet_list):
                    self.add(part, f"workbookView {attr}={v} but there are {len(sheet_list)} sheets")
        # defined names
        seen = set()
        for dn in root.iter(q("definedName")):
            nm = dn.get("name") or ""
            lsid = dn.get("localSheetId")
            key = (nm.casefold(), lsid)
            if key in seen:
                self.add(part, f"duplicate defined name '{nm}'" + (f" (localSheetId {lsid})" if lsid else ""))
            seen.add(key)
            if lsid is not None and lsid.isdigit() and int(lsid) >= len(sheet_list):
                self.add(part, f"defined name '{nm}': localSheetId {lsid} but there are {len(sheet_list)} sheets")
            if not nm.startswith("_xlnm.") and (not DEFINED_NAME_RE.match(nm) or looks_like_reference(nm)
                                                or len(nm) > 255):
                self.add(part, f"invalid defined name '{nm}'")
            if not (dn.text or "").strip():
                self.add(part, f"defined name '{nm}' has an empty formula")
            self.defined_names.append(nm)
        return root

    # ---- styles
    def rel_target(self, part, typ):
        for (t, target, ext) in self.rels.get(part, {}).values():
            if t == typ and not ext:
                return target
        return None

    def check_styles(self):
        part = self.rel_target(self.wb_part, REL_STYLES)
        st = self.styles
        st.update(cellXfs=None, dxfs=0, table_styles=set())
        if not part:
            return
        root = self.parse(part)
        if root is None:
            return
        if self.schemas:
            self.schema_validate(part, root, self.schemas.sml)

        def count(tag, child):
            el = root.find(q(tag))
            return len(el.findall(q(child))) if el is not None else 0
        nfonts, nfills, nborders = count("fonts", "font"), count("fills", "fill"), count("borders", "border")
        ncsxf = count("cellStyleXfs", "xf")
        numfmts = {nf.get("numFmtId") for nf in root.iter(q("numFmt"))}
        cx = root.find(q("cellXfs"))
        xfs = cx.findall(q("xf")) if cx is not None else []
        st["cellXfs"] = len(xfs)
        st["dxfs"] = count("dxfs", "dxf")
        st["table_styles"] = {ts.get("name") for ts in root.iter(q("tableStyle"))}
        csx = root.find(q("cellStyleXfs"))
        for group, lst, has_xfid in (("cellXfs", xfs, True),
                                     ("cellStyleXfs", list(csx) if csx is not None else [], False)):
            for i, xf in enumerate(lst):
                if xf.tag != q("xf"):
                    continue
                for attr, n in (("fontId", nfonts), ("fillId", nfills), ("borderId", nborders)):
                    v = xf.get(attr)
                    if v is not None and (not v.isdigit() or int(v) >= n):
                        self.add(part, f"{group} xf {i}: {attr}={v} but there are {n}", kind="style index")
                v = xf.get("numFmtId")
                if v is not None and v.isdigit() and int(v) >= 164 and v not in numfmts:
                    self.add(part, f"{group} xf {i}: numFmtId={v} is not defined in <numFmts>", kind="style index")
                v = xf.get("xfId")
                if has_xfid and v is not None and (not v.isdigit() or int(v) >= ncsxf):
                    self.add(part, f"cellXfs xf {i}: xfId={v} but there are {ncsxf} cellStyleXfs",
                             kind="style index")
        if not xfs:
            self.add(part, "no <cellXfs> entries (Excel needs at least the default cell format)")

    # ---- shared strings
    def check_shared_strings(self):
        part = self.rel_target(self.wb_part, REL_SST)
        if not part:
            return
        root = self.parse(part)
        if root is None:
            self.sst = []
            return
        if self.schemas:
            self.schema_validate(part, root, self.schemas.sml)
        self.sst = [rich_text(si) for si in root.iterfind(q("si"))]
        for i, s in enumerate(self.sst):
            if len(s) > MAX_STR:
                self.add(part, f"string {i} has {len(s)} characters (Excel's limit is {MAX_STR})", kind="long string")

    # ---- worksheets
    def check_sheet(self, sh):
        part = sh.part
        root = self.parse(part)
        if root is None:
            return
        if root.tag != q("worksheet"):
            self.add(part, f"root element is {root.tag}, expected worksheet")
            return
        sheet_data = root.find(q("sheetData"))
        if sheet_data is None:
            self.check_rids(part, root)
        else:
            self.check_rids_iter(part, self._iter_skip(root, q("sheetData")))
        srels = self.rels.get(part, {})

        # tables of this sheet (parsed first: header rows are captured during the cell scan)
        tables = []
        tparts = root.find(q("tableParts"))
        if tparts is not None:
            tp = tparts.findall(q("tablePart"))
            cnt = tparts.get("count")
            if cnt is not None and cnt.isdigit() and int(cnt) != len(tp):
                self.add(part, f"<tableParts count=\"{cnt}\"> but {len(tp)} <tablePart> children")
            for t in tp:
                rid = t.get(f"{{{NS_R}}}id")
                rel = srels.get(rid)
                if rel is None:
                    continue
                if rel[0] != REL_TABLE:
                    self.add(part, f"<tablePart r:id=\"{rid}\"> relationship type is {rel[0]}, not table")
                    continue
                if rel[1] is None or not self.exists(rel[1]):
                    continue
                self.table_owner[rel[1]].append(part)
                info = self.load_table(rel[1], sh)
                if info:
                    tables.append(info)
        watch = {}  # (row, col) -> <c>: header cells, and the row right below each table
        for t in tables:
            if t["rg"]:
                c1, r1, c2, r2 = t["rg"]
                for c in range(c1, c2 + 1):
                    if t["header"] > 0:
                        watch[(r1, c)] = None
                    if r2 < MAX_ROW:
                        watch[(r2 + 1, c)] = None
        watch_rows = {k[0] for k in watch}

        # cell scan
        ncellxfs = self.styles.get("cellXfs")
        nsst = len(self.sst) if self.sst is not None else None
        bounds = [None, None, None, None]  # minc, minr, maxc, maxr
        shared_masters, shared_used = set(), {}
        prev_row = 0
        if sheet_data is not None:
            for row in sheet_data:
                if row.tag != T_ROW:
                    continue
                rr = row.get("r")
                if rr is None:
                    self.add(part, f"<row> after row {prev_row} has no r attribute", kind="row")
                    rn = prev_row + 1
                elif not rr.isdigit() or not (1 <= int(rr) <= MAX_ROW):
                    self.add(part, f"<row r=\"{rr}\"> is not a row number 1..{MAX_ROW}", kind="row")
                    continue
                else:
                    rn = int(rr)
                    if rn <= prev_row:
                        self.add(part, f"row {rn} comes after row {prev_row} (rows must be in increasing order, "
                                       f"no duplicates)", kind="row")
                prev_row = max(prev_row, rn)
                rs = row.get("s")
                if rs is not None and ncellxfs is not None and (not rs.isdigit() or int(rs) >= ncellxfs):
                    self.add(part, f"row {rn}: s={rs} but styles.xml has {ncellxfs} cellXfs", kind="style index")
                prev_col = 0
                for c in row:
                    if c.tag != T_C:
                        continue
                    ref = c.get("r")
                    if ref is None:
                        self.add(part, f"cell after column {num2col(prev_col) or '-'} in row {rn} has no r attribute",
                                 kind="cell")
                        col = prev_col + 1
                    else:
                        m = CELL_RE.match(ref)
                        if not m:
                            self.add(part, f"cell r=\"{ref}\" in row {rn} is not an A1 reference", kind="cell")
                            continue
                        col, crow = col2num(m.group(1)), int(m.group(2))
                        if col > MAX_COL:
                            self.add(part, f"cell {ref} is beyond column XFD", kind="cell")
                        if crow != rn:
                            self.add(part, f"cell {ref} is inside <row r=\"{rn}\">", kind="cell")
                        if col <= prev_col:
                            self.add(part, f"cell {ref} comes after column {num2col(prev_col)} in row {rn} "
                                           f"(cells must be in increasing column order, no duplicates)", kind="cell")
                    prev_col = max(prev_col, col)
                    if bounds[0] is None:
                        bounds = [col, rn, col, rn]
                    else:
                        if col < bounds[0]:
                            bounds[0] = col
                        if col > bounds[2]:
                            bounds[2] = col
                        if rn > bounds[3]:
                            bounds[3] = rn
                    self.check_cell(part, c, ref or f"{num2col(col)}{rn}", ncellxfs, nsst, shared_masters,
                                    shared_used)
                    if rn in watch_rows and (rn, col) in watch:
                        watch[(rn, col)] = c
        for si, where in shared_used.items():
            if si not in shared_masters:
                self.add(part, f"cell {where}: shared formula si={si} has no master cell (<f t=\"shared\" ref=...>)",
                         kind="formula")

        # dimension
        dim = root.find(q("dimension"))
        if dim is not None:
            drg = parse_range(dim.get("ref"))
            if drg is None:
                self.add(part, f"<dimension ref=\"{dim.get('ref')}\"> is not a cell range")
            elif bounds[0] is not None and not contains(drg, tuple(bounds)):
                self.add(part, f"<dimension ref=\"{dim.get('ref')}\"> does not cover the cells "
                               f"({fmt_range(bounds)})")

        self.check_cols(part, root)
        merges = self.check_merges(part, root)
        self.check_validations(part, root)
        ndxf = self.styles.get("dxfs", 0)
        for cf in root.iter(q("cfRule")):
            d = cf.get("dxfId")
            if d is not None and (not d.isdigit() or int(d) >= ndxf):
                self.add(part, f"conditional format rule dxfId={d} but styles.xml has {ndxf} dxfs", kind="style index")
        for hl in root.iter(q("hyperlink")):
            if parse_range(hl.get("ref")) is None:
                self.add(part, f"hyperlink ref=\"{hl.get('ref')}\" is not a cell range")

        # tables on this sheet
        for t in tables:
            self.check_table(t, watch, merges)
            if t["rg"]:
                c1, _, c2, r2 = t["rg"]
                for col in range(c1, c2 + 1):
                    c = watch.get((r2 + 1, col))
                    if c is None or not any(ch.tag in (T_V, T_F, T_IS) for ch in c):
                        continue
                    if any(o["rg"] and o is not t and intersects(o["rg"], (col, r2 + 1, col, r2 + 1))
                           for o in tables):
                        continue
                    self.add(part, f"cell {num2col(col)}{r2 + 1} right below table '{t['name']}' ({t['ref']}) "
                                   f"holds a value outside the table: rows appended without extending ref?")
                    break
        for i, a in enumerate(tables):
            for b in tables[i + 1:]:
                if a["rg"] and b["rg"] and intersects(a["rg"], b["rg"]):
                    self.add(part, f"tables '{a['name']}' ({a['ref']}) and '{b['name']}' ({b['ref']}) overlap")
        af = root.find(q("autoFilter"))
        if af is not None:
            arg = parse_range(af.get("ref"))
            if arg is None:
                self.add(part, f"<autoFilter ref=\"{af.get('ref')}\"> is not a cell range")
            else:
                for t in tables:
                    if t["rg"] and intersects(arg, t["rg"]):
                        self.add(part, f"sheet autoFilter {af.get('ref')} overlaps table '{t['name']}' ({t['ref']})")
        del watch, sheet_data
        if self.schemas:
            self.schema_validate(part, root, self.schemas.sml, inplace=True)
        self.trees[part] = None  # worksheets can be large: free them once checked
        self.raw.pop(part, None)

    def check_rids_iter(self, part, elements):
        rels = self.rels.get(part, {})
        for el in elements:
            if not isinstance(el.tag, str):
                continue
            for a, v in el.attrib.items():
                if a.startswith(f"{{{NS_R}}}") and v and v not in rels:
                    self.add(part, f"<{local(el)} r:{a.split('}')[1]}=\"{v}\"> names no relationship of this part")

    def check_cell(self, part, c, ref, ncellxfs, nsst, shared_masters, shared_used):
        s = c.get("s")
        if s is not None and ncellxfs is not None and (not s.isdigit() or int(s) >= ncellxfs):
            self.add(part, f"cell {ref}: s={s} but styles.xml has {ncellxfs} cellXfs", kind="style index")
        t = c.get("t") or "n"
        v = c.find(T_V)
        vt = v.text if v is not None else None
        f = c.find(T_F)
        if f is not None and f.get("t") == "shared":
            si = f.get("si")
            if f.get("ref"):
                shared_masters.add(si)
            else:
                shared_used.setdefault(si, ref)
        if t == "inlineStr":
            isel = c.find(T_IS)  # <c t="inlineStr"/> without <is> is a blank cell (openpyxl, SAS write it)
            if isel is not None and len(rich_text(isel)) > MAX_STR:
                self.add(part, f"cell {ref}: inline string longer than {MAX_STR} characters", kind="cell value")
            return
        if vt is None:
            return
        if t == "s":
            if not vt.strip().isdigit():
                self.add(part, f"cell {ref}: shared string index '{vt}' is not a number", kind="cell value")
            elif nsst is None:
                self.add(part, f"cell {ref}: shared string cell but the workbook has no sharedStrings part",
                         kind="cell value")
            elif int(vt) >= nsst:
                self.add(part, f"cell {ref}: shared string index {vt} but sharedStrings has {nsst} entries",
                         kind="cell value")
        elif t == "n":
            if not NUMBER_RE.match(vt.strip()) or not math.isfinite(float(vt)):
                self.add(part, f"cell {ref}: numeric value '{vt[:40]}' is not a finite number", kind="cell value")
        elif t == "b":
            if vt.strip() not in ("0", "1"):
                self.add(part, f"cell {ref}: boolean value '{vt[:40]}' is not 0 or 1", kind="cell value")
        elif t == "e":
            if vt.strip() not in ERROR_VALUES:
                self.add(part, f"cell {ref}: '{vt[:40]}' is not an Excel error value", kind="cell value")
        elif t == "str":
            if len(vt) > MAX_STR:
                self.add(part, f"cell {ref}: string longer than {MAX_STR} characters", kind="cell value")
        elif t == "d":
            if not re.match(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?\Z", vt.strip()):
                self.add(part, f"cell {ref}: date value '{vt[:40]}' is not ISO 8601", kind="cell value")

    def check_cols(self, part, root):
        cols = root.find(q("cols"))
        if cols is None:
            return
        prev = 0
        for col in cols.iterfind(q("col")):
            try:
                mn, mx = int(col.get("min")), int(col.get("max"))
            except (TypeError, ValueError):
                self.add(part, f"<col min=\"{col.get('min')}\" max=\"{col.get('max')}\"> needs integer min and max")
                continue
            if not (1 <= mn <= mx <= MAX_COL):
                self.add(part, f"<col min=\"{mn}\" max=\"{mx}\">: need 1 <= min <= max <= {MAX_COL}")
            elif mn <= prev:
                self.add(part, f"<col min=\"{mn}\" max=\"{mx}\"> overlaps or precedes the previous <col> "
                               f"(ranges must be sorted and disjoint)")
            prev = max(prev, mx)

    def check_merges(self, part, root):
        merges = []
        mc = root.find(q("mergeCells"))
        if mc is None:
            return merges
        for m in mc.iterfind(q("mergeCell")):
            rg = parse_range(m.get("ref"))
            if rg is None:
                self.add(part, f"mergeCell ref=\"{m.get('ref')}\" is not a cell range", kind="merge")
                continue
            if rg[0] == rg[2] and rg[1] == rg[3]:
                self.add(part, f"mergeCell {m.get('ref')} covers a single cell", kind="merge")
            merges.append((rg, m.get("ref")))
        srt = sorted(merges, key=lambda x: x[0][1])
        active = []
        for rg, ref in srt:
            active = [(a, ar) for (a, ar) in active if a[3] >= rg[1]]
            for a, ar in active:
                if intersects(a, rg):
                    self.add(part, f"merged ranges {ar} and {ref} overlap", kind="merge")
            active.append((rg, ref))
        return merges

    def check_validations(self, part, root):
        for dv in root.iter(q("dataValidation")):
            sq = dv.get("sqref") or ""
            for r in sq.split():
                if parse_range(r) is None:
                    self.add(part, f"data validation sqref '{sq}': '{r}' is not a cell range", kind="validation")
            if dv.get("type") == "list":
                f1 = dv.findtext(q("formula1")) or ""
                if f1.startswith('"') and len(f1) - 2 > 255:
                    self.add(part, f"data validation {sq}: literal list is {len(f1) - 2} characters "
                                   f"(Excel's limit is 255; use a range or defined name)", kind="validation")

    # ---- tables
    def load_table(self, tpart, sh):
        root = self.parse(tpart)
        if root is None:
            return None
        if root.tag != q("table"):
            self.add(tpart, f"root element is {root.tag}, expected table")
            return None
        if self.schemas and tpart not in self.validated:
            self.schema_validate(tpart, root, self.schemas.sml)
            self.validated.add(tpart)
        ref = root.get("ref")
        hdr = root.get("headerRowCount", "1")
        tot = root.get("totalsRowCount", "0")
        info = dict(part=tpart, root=root, sheet=sh, ref=ref, rg=parse_range(ref), id=root.get("id"),
                    name=root.get("displayName") or root.get("name") or "?", rawname=root.get("name"),
                    display=root.get("displayName"),
                    header=int(hdr) if hdr.isdigit() else 1, totals=int(tot) if tot.isdigit() else 0)
        self.tables.append(info)
        return info

    def check_table(self, t, header_cells, merges):
        part, root, rg = t["part"], t["root"], t["rg"]
        if rg is None or ":" not in (t["ref"] or ""):
            self.add(part, f"table ref=\"{t['ref']}\" is not a cell range like A1:C5")
            if rg is None:
                return
        c1, r1, c2, r2 = rg
        ncols, nrows = c2 - c1 + 1, r2 - r1 + 1
        if t["header"] not in (0, 1):
            self.add(part, f"headerRowCount={t['header']} (Excel supports 0 or 1)")
        if t["totals"] not in (0, 1):
            self.add(part, f"totalsRowCount={t['totals']} (Excel supports 0 or 1)")
        data_rows = nrows - t["header"] - t["totals"]
        if data_rows < 1:
            self.add(part, f"table '{t['name']}' ref {t['ref']} has no data row (header/totals only): "
                           f"Excel repairs the table; extend ref by one empty row")
        # columns
        tcs = root.find(q("tableColumns"))
        cols = tcs.findall(q("tableColumn")) if tcs is not None else []
        cnt = tcs.get("count") if tcs is not None else None
        if cnt is not None and cnt.isdigit() and int(cnt) != len(cols):
            self.add(part, f"<tableColumns count=\"{cnt}\"> but {len(cols)} <tableColumn>")
        if len(cols) != ncols:
            self.add(part, f"table '{t['name']}' ref {t['ref']} is {ncols} columns wide but has {len(cols)} "
                           f"<tableColumn>")
        ids, names = set(), {}
        ndxf = self.styles.get("dxfs", 0)
        for i, tc in enumerate(cols):
            cid, nm = tc.get("id"), tc.get("name")
            if cid in ids:
                self.add(part, f"duplicate tableColumn id {cid}")
            ids.add(cid)
            if not nm:
                self.add(part, f"tableColumn {i + 1} has an empty name")
                continue
            key = unescape_x(nm).strip().casefold()
            if key in names:
                self.add(part, f"table '{t['name']}': column names '{names[key]}' and '{nm}' are the same "
                               f"ignoring case (Excel needs unique column names)")
            names.setdefault(key, nm)
            for a in ("dataDxfId", "headerRowDxfId", "totalsRowDxfId"):
                d = tc.get(a)
                if d is not None and (not d.isdigit() or int(d) >= ndxf):
                    self.add(part, f"tableColumn '{nm}': {a}={d} but styles.xml has {ndxf} dxfs")
            # header cell
            if t["header"] >= 1 and i < ncols:
                ref = f"{num2col(c1 + i)}{r1}"
                cell = header_cells.get((r1, c1 + i))
                expected = unescape_x(nm)
                if cell is None:
                    self.add(part, f"table '{t['name']}' header cell {ref} is empty; Excel expects "
                                   f"the text '{expected}'", kind="header")
                    continue
                text, problem = self.cell_text(cell)
                if problem:
                    self.add(part, f"table '{t['name']}' header cell {ref} {problem}; Excel expects the "
                                   f"text '{expected}'", kind="header")
                elif text != expected:
                    self.add(part, f"table '{t['name']}' header cell {ref} is '{text}' but the tableColumn "
                                   f"name is '{expected}'", kind="header")
        for a in ("headerRowDxfId", "dataDxfId", "totalsRowDxfId", "headerRowBorderDxfId",
                  "tableBorderDxfId", "totalsRowBorderDxfId"):
            d = root.get(a)
            if d is not None and (not d.isdigit() or int(d) >= ndxf):
                self.add(part, f"table {a}={d} but styles.xml has {ndxf} dxfs")
        # autoFilter
        af = root.find(q("autoFilter"))
        if af is not None:
            if t["header"] == 0:
                self.add(part, f"table '{t['name']}' has an autoFilter but no header row (Excel removes it)")
            expect = (c1, r1, c2, r2 - t["totals"])
            arg = parse_range(af.get("ref"))
            if arg != expect:
                self.add(part, f"table '{t['name']}' autoFilter ref {af.get('ref')} should be {fmt_range(expect)} "
                               f"(the table ref{' less the totals row' if t['totals'] else ''})")
            for fc in af.iterfind(q("filterColumn")):
                cid = fc.get("colId")
                if cid is not None and (not cid.isdigit() or int(cid) >= ncols):
                    self.add(part, f"autoFilter filterColumn colId={cid} but the table has {ncols} columns")
            ss = af.find(q("sortState"))
            if ss is not None:
                srg = parse_range(ss.get("ref"))
                if srg is None or not contains(rg, srg):
                    self.add(part, f"autoFilter sortState ref {ss.get('ref')} is outside the table")
        ss = root.find(q("sortState"))
        if ss is not None:
            srg = parse_range(ss.get("ref"))
            if srg is None or not contains(rg, srg):
                self.add(part, f"sortState ref {ss.get('ref')} is outside the table")
        tsi = root.find(q("tableStyleInfo"))
        if tsi is not None and tsi.get("name"):
            sname = tsi.get("name")
            if sname not in BUILTIN_TABLE_STYLES and sname not in self.styles.get("table_styles", set()):
                self.add(part, f"table style '{sname}' is neither built in nor defined in styles.xml")
        for mrg, mref in merges:
            if intersects(mrg, rg):
                self.add(t["sheet"].part, f"merged range {mref} overlaps table '{t['name']}' ({t['ref']}) "
                                          f"(Excel removes the table)")

    def cell_text(self, c):
        """Text of a header cell, or (None, problem) when it is not a constant string."""
        t = c.get("t") or "n"
        if c.find(T_F) is not None:
            return None, "holds a formula"
        if t == "s":
            v = c.findtext(T_V)
            if v is None or not v.strip().isdigit() or self.sst is None or int(v) >= len(self.sst):
                return None, "has a bad shared string index"
            return unescape_x(self.sst[int(v)]), None
        if t == "inlineStr":
            isel = c.find(T_IS)
            return (unescape_x(rich_text(isel)), None) if isel is not None else (None, "has no <is>")
        if t == "str":
            return unescape_x(c.findtext(T_V) or ""), None
        if c.find(T_V) is None:
            return None, "is empty"
        return None, f"is not a string (t=\"{t}\", value {c.findtext(T_V)})"

    def check_tables_workbook(self):
        ids, dnames, rnames = {}, {}, {}
        dn = {n.casefold() for n in self.defined_names}
        for t in self.tables:
            part, tid = t["part"], t["id"]
            if tid is None or not tid.isdigit() or int(tid) < 1:
                self.add(part, f"table id '{tid}' must be a positive integer")
            elif tid in ids:
                self.add(part, f"table id {tid} is also used by {ids[tid]} (ids must be unique in the workbook)")
            else:
                ids[tid] = part
            disp = t["display"]
            if not disp:
                self.add(part, "table has no displayName")
                continue
            if not TABLE_NAME_RE.match(disp) or looks_like_reference(disp) or len(disp) > 255:
                self.add(part, f"table name '{disp}' is not a valid Excel name (letter/_/\\ first, then letters, "
                               f"digits, '_' or '.'; not a cell reference)")
            k = disp.casefold()
            if k in dnames:
                self.add(part, f"table name '{disp}' is also used by {dnames[k]} (case-insensitive, workbook-wide)")
            else:
                dnames[k] = part
            raw = t["rawname"]
            if raw and raw.casefold() in rnames and rnames[raw.casefold()] != part:
                self.add(part, f"table name attribute '{raw}' is also used by {rnames[raw.casefold()]}")
            elif raw:
                rnames[raw.casefold()] = part
            if k in dn:
                self.add(part, f"table name '{disp}' is also a defined name")
        for tpart, owners in self.table_owner.items():
            if len(owners) > 1:
                self.add(tpart, f"table part is referenced by several sheets ({', '.join(sorted(set(owners)))})")

    # ---- parts nothing points at, and remaining XML
    def check_orphans(self):
        referenced = set()
        for src, rels in self.rels.items():
            for (typ, target, ext) in rels.values():
                if not ext and target:
                    referenced.add(target)
        for n in self.names:
            if re.match(r"xl/worksheets/[^/]+\.xml$", n) and n not in referenced:
                self.add(n, "worksheet part is not referenced by the workbook")
                root = self.parse(n)
                if root is not None and self.schemas:
                    self.schema_validate(n, root, self.schemas.sml)
            elif re.match(r"xl/tables/[^/]+\.xml$", n) and n not in self.table_owner:
                self.add(n, "table part is not referenced by any worksheet (<tablePart>)")
                root = self.parse(n)
                if root is not None and self.schemas:
                    self.schema_validate(n, root, self.schemas.sml)

    def check_other_xml(self):
        for n in self.names:
            if (n.endswith(".xml") or n.endswith(".rels")) and n not in self.trees:
                self.parse(n)


def validate(path, schema_dir=None, use_schema=True, max_per_kind=20, verbose=False):
    """Validate one package: Result(problems=[(part, message)] as printed (repeats folded),
    count=number of problems, parts=number of package parts examined, notes=verbose notes)."""
    schemas = None
    if use_schema:
        d = find_schema_dir(schema_dir)
        if d is None:
            raise FileNotFoundError("ECMA-376 schemas not found (need sml.xsd; use --schemas or $OOXML_SCHEMAS)")
        schemas = Schemas(d)
    return Checker(path, schemas, max_per_kind=max_per_kind, verbose=verbose).run()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--schemas", help="directory holding sml.xsd and the schemas it imports")
    ap.add_argument("--no-schema", action="store_true", help="skip XML Schema validation")
    ap.add_argument("--max-per-kind", type=int, default=20, help="fold repeated problems of one kind per part")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print what markup compatibility stripped")
    a = ap.parse_args(argv)
    try:
        sys.stdout.reconfigure(errors="backslashreplace")
    except AttributeError:  # pragma: no cover
        pass
    try:
        res = validate(a.file, a.schemas, not a.no_schema, a.max_per_kind, a.verbose)
    except FileNotFoundError as e:
        sys.stderr.write(f"validate_xlsx.py: {e}\n")
        return 2
    for n in res.notes:
        print("note: " + n)
    for part, msg in res.problems:
        print(f"{part}: {msg}")
    print(f"ooxml: {res.count} problems in {res.parts} parts")
    return 1 if res.count else 0


# --------------------------------------------------------------------------- pytest helper
# (SYC Gestion) This file is a copy of the project's shared tools/validate_xlsx.py, so that the
# tests do not depend on the shared folder; the schemas it needs are in tests/data/ooxml-schemas.
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "ooxml-schemas")


def problems(path):
    """The problems the validator finds in a package, as 'part: message' lines."""
    res = validate(os.fspath(path), SCHEMA_DIR)
    return [f"{part}: {msg}" for part, msg in res.problems]


def assert_valid(path):
    """Fail, listing every problem, unless Excel would open the package without repairing it."""
    res = validate(os.fspath(path), SCHEMA_DIR)
    if res.count:
        lines = "\n".join(f"  {part}: {msg}" for part, msg in res.problems)
        raise AssertionError(f"{os.fspath(path)}: {res.count} OOXML problem(s):\n{lines}")
    return res


if __name__ == "__main__":
    sys.exit(main())


# --------------------------------------------------------------------------- package comparisons (SYC Gestion)
def zip_parts(path):
    """Part name -> uncompressed bytes, in zip order."""
    import zipfile as _zf
    with _zf.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def raw_entries(path):
    """Part name -> (CRC, compressed bytes as stored): what a raw copy must keep identical."""
    import struct
    import zipfile as _zf
    out = {}
    with open(path, "rb") as f, _zf.ZipFile(f) as z:
        for i in z.infolist():
            f.seek(i.header_offset)
            head = f.read(30)
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            f.seek(i.header_offset + 30 + name_len + extra_len)
            out[i.filename] = (i.CRC, f.read(i.compress_size))
    return out


def assert_zip_sound(path):
    """Every entry's CRC checks out, and no part is stored twice."""
    import zipfile as _zf
    with _zf.ZipFile(path) as z:
        bad = z.testzip()
        assert bad is None, f"{path}: bad CRC in {bad}"
        names = z.namelist()
        assert len(names) == len(set(names)), f"{path}: a part is stored twice"


def changed_parts(before, after):
    """Names of the parts whose bytes differ, were added or were removed between two packages."""
    a, b = zip_parts(before), zip_parts(after)
    return {n for n in set(a) | set(b) if a.get(n) != b.get(n)}


def assert_only_changed(before, after, allowed):
    """Only the `allowed` parts changed; every other entry is the same, compressed bytes included."""
    changed = changed_parts(before, after)
    assert changed <= set(allowed), f"unexpected parts changed: {sorted(changed - set(allowed))}"
    ra, rb = raw_entries(before), raw_entries(after)
    for name in set(ra) - set(allowed):
        assert ra[name] == rb.get(name), f"{name}: not raw-copied"
    assert [n for n in zip_parts(before) if n in rb] == [n for n in zip_parts(after) if n in ra], \
        "zip order changed"
    return changed
