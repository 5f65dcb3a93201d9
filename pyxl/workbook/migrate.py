"""`syc migrer`: bring a user's workbook up to the current schema, at zip level.

A migration compares the workbook with the target `Schema` and adds what is missing: a whole sheet
with its table, or columns at the right end of an existing table. It then sets the version defined
name (`VERSION_NAME`) and runs the optional data steps of `STEPS`. Only the parts concerned are
rewritten (workbook.xml, its rels, [Content_Types].xml, styles.xml, the edited sheets and tables,
docProps); every other zip entry, the VBA project first of all, is copied raw by `ooxml.rewrite`.
When the schema offers more choices in an existing column (a new article category), the column's
drop-down — a list validation written as a literal list — gets the new values too.
Neither openpyxl nor LibreOffice ever saves the user's file: they would lose parts of it.

The new package is built into a temporary file, re-opened and checked, then put in place by
`filestore.replace_file` (lock, backup in `sauvegardes/`, atomic rename).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from lxml import etree

from pyxl.core.issues import Issue, Refused
from pyxl.workbook import filestore, keyindex, ooxml
from pyxl.workbook.cells import canonical
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.ooxml import NS_CT, NS_MAIN, NS_PR, NS_R, q
from pyxl.workbook.schema import (
    SCHEMA,
    T_CLIENTS,
    T_PARAMS,
    T_VAT_RULES,
    VERSION_NAME,
    YES,
    Column,
    Schema,
    Table,
)
from pyxl.workbook.seeds import default_rows

# A data step receives a FileStore on the already restructured (and re-versioned) temporary copy
# and returns the changes to write, or None. STEPS[v] runs when a workbook older than v is
# migrated to a schema of version >= v, in increasing v, after every structural addition.
# A step may carry a French `label` attribute, shown by `plan` and `migrate`.
Step = Callable[[FileStore], ChangeSet | None]
STEPS: dict[int, Step] = {}

NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
REL_STYLES = NS_R + "/styles"
REL_CUSTOM = NS_R + "/custom-properties"
REL_APP = NS_R + "/extended-properties"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
TABLE_STYLE = "TableStyleMedium2"  # what the builder uses ("Table Style Medium 2")
HEADER_HEIGHT = "30"
MAX_COL = 16_384
MAX_LIST = 255  # Excel's limit on a list validation's source (the values and their commas)
LIST_ERROR = "Choisissez une valeur de la liste : "  # the builder's error message, before the values

# Excel's built-in number formats that may appear in the schema (ECMA-376 §18.8.30).
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}

# Worksheet children that come before <cols> / <dataValidations> (CT_Worksheet sequence).
_BEFORE_COLS = {"sheetPr", "dimension", "sheetViews", "sheetFormatPr"}
_BEFORE_VALIDATIONS = _BEFORE_COLS | {
    "cols", "sheetData", "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios",
    "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
    "conditionalFormatting",
}
# Workbook children that come before <definedNames> (CT_Workbook sequence).
_BEFORE_DEFINED_NAMES = {
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences",
}
# Stylesheet children that come before <dxfs> (CT_Stylesheet sequence).
_BEFORE_DXFS = {"numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles"}


# --------------------------------------------------------------------------- public API
def plan(path: str | Path, schema: Schema = SCHEMA) -> list[str]:
    """What `migrate` would do, in French, without writing anything (refuses like `migrate`)."""
    data = _read_book(Path(path))
    pkg = _open(Path(path), data)
    try:
        version = workbook_version(pkg)
        done = _Migration(pkg, schema).run()
    finally:
        pkg.close()
    return done + [_step_label(v, s) for v, s in _steps(version, schema)]


def migrate(path: str | Path, schema: Schema = SCHEMA) -> list[str]:
    """Upgrade the workbook in place (after a backup); returns what was done, [] if already current."""
    book = Path(path)
    with filestore.write_lock(book):
        return _migrate(book, schema)


def _migrate(book: Path, schema: Schema) -> list[str]:
    data = _read_book(book)
    pkg = _open(book, data)
    try:
        version = workbook_version(pkg)
        m = _Migration(pkg, schema)
        done = m.run()
        steps = _steps(version, schema)
        if not done and not steps:
            return []
        with tempfile.TemporaryDirectory(prefix="syc-migration-") as d:
            tmp = Path(d) / book.name
            with open(tmp, "wb") as f:
                ooxml.rewrite(pkg.zip, f, m.parts.replace, m.parts.add)
            pkg.close()
            for v, step in steps:
                _run_step(tmp, schema, step)
                done.append(_step_label(v, step))
            _check(tmp, schema)
            if hashlib.sha256(_read_book(book)).digest() != hashlib.sha256(data).digest():
                raise Refused(Issue(
                    "migrate.changed",
                    f"Le classeur {book.name} a été modifié pendant la migration : il n'a pas été migré. "
                    "Relancez « syc migrer ».",
                    book.name,
                ))
            filestore.replace_file(book, tmp)
        pkg.close()
        keyindex.refresh(book, schema)  # every sheet part was rewritten: the old index no longer matches any
        return done
    finally:
        pkg.close()


def migrated_copy(src: str | Path, dest: str | Path, schema: Schema = SCHEMA) -> int:
    """Write at `dest` a copy of the workbook `src` brought to `schema` (its tables, columns and data
    steps), `src` itself only read: a fiscal-year archive is never rewritten (its SHA-256 is
    recorded), it is read through such a copy. Returns the version `src` was at."""
    source, target = Path(src), Path(dest)
    data = _read_book(source)
    pkg = _open(source, data)
    try:
        version = workbook_version(pkg)
        m = _Migration(pkg, schema)
        m.run()
        with open(target, "wb") as f:
            ooxml.rewrite(pkg.zip, f, m.parts.replace, m.parts.add)
    finally:
        pkg.close()
    for _v, step in _steps(version, schema):
        _run_step(target, schema, step)
    _check(target, schema)
    return version


def workbook_version(pkg: ooxml.Package) -> int:
    """The schema version the workbook says it follows (0 when the defined name is missing)."""
    names = {k.lower(): v for k, v in pkg.defined_names().items()}
    raw = names.get(VERSION_NAME.lower(), "").lstrip("=").strip()
    return int(raw) if raw.isdigit() else 0


# --------------------------------------------------------------------------- helpers
def _read_book(book: Path) -> bytes:
    try:
        return book.read_bytes()
    except FileNotFoundError:
        raise Refused(Issue("store.missing", f"Le classeur « {book} » est introuvable.", str(book))) from None


def _open(book: Path, data: bytes) -> ooxml.Package:
    try:
        return ooxml.Package(str(book), data)
    except ooxml.PackageError as exc:
        raise Refused(Issue("store.notbook", str(exc), book.name)) from None


def _steps(version: int, schema: Schema) -> list[tuple[int, Step]]:
    return [(v, STEPS[v]) for v in sorted(STEPS) if version < v <= schema.version]


def _step_label(version: int, step: Step) -> str:
    label = getattr(step, "label", None) or getattr(step, "__name__", "")
    return f"étape de données de la version {version} : {label}"


def _run_step(tmp: Path, schema: Schema, step: Step) -> None:
    store = FileStore(tmp, schema=schema)
    try:
        changes = step(store)
        if changes is not None and not changes.empty:
            store.apply(changes, as_of=dt.date.today())
    finally:
        store.close()


def _check(tmp: Path, schema: Schema) -> None:
    """The new file must re-open and hold every table and column of the schema, at its version."""
    problems: list[str] = []
    try:
        pkg = ooxml.Package(str(tmp))
    except ooxml.PackageError as exc:
        problems.append(str(exc))
    else:
        try:
            if workbook_version(pkg) != schema.version:
                problems.append(f"version {workbook_version(pkg)} au lieu de {schema.version}")
            for table in schema.tables:
                try:
                    loc = pkg.table(table.name)
                except ooxml.PackageError as exc:
                    problems.append(str(exc))
                    continue
                have = {h.strip().casefold() for h in loc.headers}
                problems += [f"colonne « {c.header} » absente de {table.name}"
                             for c in table.columns if c.header.strip().casefold() not in have]
        finally:
            pkg.close()
    if problems:
        raise Refused(Issue(
            "migrate.check",
            "La migration a produit un classeur incohérent (" + " ; ".join(problems) + ") : "
            "le classeur n'a pas été modifié. Signalez ce problème.",
        ))


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def _dump(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _local(el: etree._Element) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _is_main(el: etree._Element, *names: str) -> bool:
    return isinstance(el.tag, str) and etree.QName(el.tag).namespace == NS_MAIN and _local(el) in names


def _insert_after(parent: etree._Element, new: etree._Element, before: set[str]) -> None:
    """Insert `new` after the last child named in `before`: keeps the schema's element order."""
    pos = 0
    for i, child in enumerate(parent):
        if isinstance(child.tag, str) and etree.QName(child.tag).namespace == NS_MAIN and _local(child) in before:
            pos = i + 1
    parent.insert(pos, new)


def _escape_name(text: str) -> str:
    """Excel's _xHHHH_ convention for a tableColumn name (the XML escaping is lxml's)."""
    text = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", text)
    return re.sub("[\x00-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def _xml_width(width: float) -> float:
    """A column width as XlsxWriter stores it (character width plus Calibri 11 padding)."""
    if width <= 0:
        return 0.0
    if width < 1:
        return int(int(width * 12 + 0.5) / 7 * 256) / 256
    return int((int(width * 7 + 0.5) + 5) / 7 * 256) / 256


def _fmt_number(x: float) -> str:
    return repr(x).removesuffix(".0")


def _ranges(sqref: str) -> list[tuple[int, int, int, int]]:
    out = []
    for ref in sqref.split():
        try:
            out.append(ooxml.split_range(ref))
        except ooxml.PackageError:
            continue
    return out


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _list_formula(values: Iterable[str]) -> str:
    return '"' + ",".join(v.replace('"', '""') for v in values) + '"'


def _literal_list(formula: str | None) -> list[str] | None:
    """The values of a literal list formula (`"a,b,c"`); None for any other formula (a range…)."""
    f = (formula or "").strip()
    if len(f) < 2 or f[0] != '"' or f[-1] != '"' or '"' in f[1:-1].replace('""', ""):
        return None
    return f[1:-1].replace('""', '"').split(",")


def _merged_list(have: list[str], want: tuple[str, ...]) -> list[str]:
    """`have` plus the values of `want` it lacks, each after the value that precedes it in `want`."""
    out = list(have)
    for i, v in enumerate(want):
        if v in out:
            continue
        prev = next((out.index(p) + 1 for p in reversed(want[:i]) if p in out), None)
        nxt = next((out.index(n) for n in want[i + 1:] if n in out), len(out))
        out.insert(nxt if prev is None else prev, v)
    return out


# --------------------------------------------------------------------------- package edits
class _Parts:
    """The package being edited: reads see earlier writes; writes go to rewrite()'s maps."""

    def __init__(self, pkg: ooxml.Package):
        self.pkg = pkg
        self.replace: dict[str, bytes | None] = {}
        self.add: dict[str, bytes] = {}

    def names(self) -> set[str]:
        return (self.pkg.names | set(self.add)) - {k for k, v in self.replace.items() if v is None}

    def exists(self, part: str) -> bool:
        low = part.lower()
        return any(n.lower() == low for n in self.names())

    def read(self, part: str) -> bytes:
        if part in self.add:
            return self.add[part]
        new = self.replace.get(part)
        return new if new is not None else self.pkg.read(part)

    def write(self, part: str, data: bytes) -> None:
        if part in self.pkg.names:
            self.replace[part] = data
        else:
            self.add[part] = data

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(Id, type, resolved target) of a part's internal relationships."""
        p = ooxml.rels_path(part)
        if p not in self.names():
            return []
        out = []
        for r in _parse(self.read(p)).iter(f"{{{NS_PR}}}Relationship"):
            if r.get("TargetMode") != "External":
                out.append((r.get("Id", ""), r.get("Type", ""), ooxml.resolve_target(part, r.get("Target", ""))))
        return out

    def target(self, part: str, rel_type: str) -> str | None:
        for _id, typ, target in self.rels(part):
            if typ == rel_type and target in self.names():
                return target
        return None

    def free_part(self, directory: str, stem: str) -> str:
        """A part name `directory/stemN.xml` used by no part nor rels part (case-insensitively)."""
        n = 1
        while True:
            part = f"{directory}/{stem}{n}.xml"
            if not self.exists(part) and not self.exists(ooxml.rels_path(part)):
                return part
            n += 1


class _Styles:
    """styles.xml, parsed once, extended with the number formats the new columns need."""

    def __init__(self, parts: _Parts):
        self.parts = parts
        self.part = parts.target(parts.pkg.workbook_part, REL_STYLES)
        self.root = _parse(parts.read(self.part)) if self.part else None
        self.changed = False

    def save(self) -> None:
        if self.changed and self.part and self.root is not None:
            self.parts.write(self.part, _dump(self.root))

    def _child(self, name: str, before: set[str]) -> etree._Element:
        assert self.root is not None
        el = self.root.find(q(name))
        if el is None:
            el = etree.Element(q(name), count="0")
            _insert_after(self.root, el, before)
        return el

    def num_fmt_id(self, code: str) -> int:
        assert self.root is not None
        fmts = self.root.find(q("numFmts"))
        ids = []
        for f in fmts if fmts is not None else []:
            if _is_main(f, "numFmt"):
                if f.get("formatCode") == code:
                    return int(f.get("numFmtId", "0"))
                ids.append(int(f.get("numFmtId", "0")))
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        new_id = max([163, *ids]) + 1
        fmts = self._child("numFmts", set())
        etree.SubElement(fmts, q("numFmt"), numFmtId=str(new_id), formatCode=code)
        fmts.set("count", str(len(fmts.findall(q("numFmt")))))
        self.changed = True
        return new_id

    def xf(self, code: str | None) -> str | None:
        """Index in cellXfs of a plain style with this number format."""
        if not code or self.root is None:
            return None
        fid = str(self.num_fmt_id(code))
        xfs = self._child("cellXfs", {"numFmts", "fonts", "fills", "borders", "cellStyleXfs"})
        items = xfs.findall(q("xf"))
        for i, x in enumerate(items):
            attrs = {k: v for k, v in x.attrib.items() if not k.startswith("apply")}
            if len(x) == 0 and attrs.get("numFmtId") == fid and all(
                attrs.get(k, "0") == "0" for k in ("fontId", "fillId", "borderId", "xfId")
            ) and set(attrs) <= {"numFmtId", "fontId", "fillId", "borderId", "xfId"}:
                return str(i)
        etree.SubElement(xfs, q("xf"), numFmtId=fid, fontId="0", fillId="0", borderId="0", xfId="0",
                         applyNumberFormat="1")
        xfs.set("count", str(len(items) + 1))
        self.changed = True
        return str(len(items))

    def dxf(self, code: str | None) -> str | None:
        """Index in dxfs of a differential format holding only this number format (table columns)."""
        if not code or self.root is None:
            return None
        fid = str(self.num_fmt_id(code))
        dxfs = self._child("dxfs", _BEFORE_DXFS)
        items = dxfs.findall(q("dxf"))
        for i, d in enumerate(items):
            kids = [k for k in d if isinstance(k.tag, str)]
            if len(kids) == 1 and _is_main(kids[0], "numFmt") and kids[0].get("formatCode") == code:
                return str(i)
        d = etree.SubElement(dxfs, q("dxf"))
        etree.SubElement(d, q("numFmt"), numFmtId=fid, formatCode=code)
        dxfs.set("count", str(len(items) + 1))
        self.changed = True
        return str(len(items))


def _edit_sheet_skeleton(data: bytes, edit: Callable[[etree._Element], None]) -> bytes:
    """Edit a worksheet's elements other than its rows with lxml; the rows are spliced back as bytes.

    The sheet data can be tens of megabytes: it is never parsed, only cut out and put back.
    """
    sheet = ooxml.SheetText(data)
    if sheet.self_closing:
        root = _parse(data)
        edit(root)
        return _dump(root)
    content = data[sheet.content_start:sheet.content_end]
    root = _parse(data[:sheet.content_start] + data[sheet.content_end:])
    edit(root)
    out = _dump(root)
    m = re.search(rb"<((?:[\w.-]+:)?sheetData)(\s[^>]*?)?\s*/>", out)
    if m is None:  # lxml kept an explicit end tag
        m2 = re.search(rb"<((?:[\w.-]+:)?sheetData)(\s[^>]*?)?>\s*</(?:[\w.-]+:)?sheetData>", out)
        if m2 is None:
            raise ooxml.PackageError("feuille sans <sheetData> après modification")
        m = m2
    name, attrs = m.group(1), m.group(2) or b""
    return out[:m.start()] + b"<" + name + attrs + b">" + content + b"</" + name + b">" + out[m.end():]


def _set_col(root: etree._Element, col: int, width: float, style: str | None) -> None:
    """Give column `col` its own <col> (splitting a range that covers it), in sorted position."""
    cols = root.find(q("cols"))
    if cols is None:
        cols = etree.Element(q("cols"))
        _insert_after(root, cols, _BEFORE_COLS)
    for c in list(cols):
        if not _is_main(c, "col"):
            continue
        lo, hi = int(c.get("min", "0")), int(c.get("max", "0"))
        if lo <= col <= hi:
            if hi > col:
                right = copy.deepcopy(c)
                right.set("min", str(col + 1))
                c.addnext(right)
            if lo < col:
                left = copy.deepcopy(c)
                left.set("max", str(col - 1))
                c.addprevious(left)
            cols.remove(c)
    new = etree.Element(q("col"), min=str(col), max=str(col), width=_fmt_number(_xml_width(width)))
    if style:
        new.set("style", style)
    new.set("customWidth", "1")
    pos = len(cols)
    for i, c in enumerate(cols):
        if _is_main(c, "col") and int(c.get("min", "0")) > col:
            pos = i
            break
    cols.insert(pos, new)


def _add_list_validation(root: etree._Element, col: int, first_row: int, column: Column) -> None:
    """A list validation on the whole column below the header, unless one already covers it."""
    area = (col, first_row, col, ooxml.MAX_ROW)
    for el in root.iter():
        if _local(el) != "dataValidation":
            continue
        sq = el.get("sqref") or " ".join(s.text or "" for s in el if _local(s) == "sqref")
        if any(_overlap(area, r) for r in _ranges(sq)):
            return
    dvs = root.find(q("dataValidations"))
    if dvs is None:
        dvs = etree.Element(q("dataValidations"), count="0")
        _insert_after(root, dvs, _BEFORE_VALIDATIONS)
    values = list(column.list_values)
    dv = etree.SubElement(
        dvs, q("dataValidation"), type="list", allowBlank="1", showInputMessage="1", showErrorMessage="1",
        errorTitle=column.header[:32], error=("Choisissez une valeur de la liste : " + ", ".join(values))[:255],
        sqref=ooxml.range_ref(col, first_row, col, ooxml.MAX_ROW),
    )
    etree.SubElement(dv, q("formula1")).text = _list_formula(values)
    dvs.set("count", str(len(dvs.findall(q("dataValidation")))))


def _table_ids(parts: _Parts) -> list[int]:
    """Ids of every table part: a new table's id must be unique in the whole workbook."""
    ids = []
    ct = _parse(parts.read("[Content_Types].xml"))
    for o in ct.iter(f"{{{NS_CT}}}Override"):
        part = (o.get("PartName") or "").lstrip("/")
        if o.get("ContentType") == CT_TABLE and part in parts.names():
            try:
                ids.append(int(_parse(parts.read(part)).get("id", "0")))
            except ValueError:
                continue
    return ids


# --------------------------------------------------------------------------- the migration
class _Migration:
    """Compute, in memory, the replacements and additions that bring the package to the schema."""

    def __init__(self, pkg: ooxml.Package, schema: Schema):
        self.pkg = pkg
        self.schema = schema
        self.parts = _Parts(pkg)
        self.styles = _Styles(self.parts)
        self.done: list[str] = []
        self.sheet_of: dict[str, str] = {}  # table name (lower) → sheet name, as the file will be

    def run(self) -> list[str]:
        try:
            return self._run()
        except ooxml.PackageError as exc:
            raise Refused(Issue("migrate.package", f"Migration impossible : {exc}", self.pkg.path)) from None

    def _run(self) -> list[str]:
        if VERSION_NAME.lower() not in {k.lower() for k in self.pkg.defined_names()}:
            raise Refused(Issue(
                "migrate.notsyc",
                f"« {Path(self.pkg.path).name} » n'est pas un classeur SYC Gestion (il n'a pas de version de "
                "schéma) : il n'est pas migré. Vérifiez --book, ou créez un classeur avec « syc init ».",
                self.pkg.path,
            ))
        version = workbook_version(self.pkg)
        if version > self.schema.version:
            raise Refused(Issue(
                "migrate.newer",
                f"Ce classeur est à la version {version} du schéma, plus récente que celle de cette "
                f"installation de SYC Gestion (version {self.schema.version}) : il ne peut pas être migré. "
                "Mettez SYC Gestion à jour.",
                self.pkg.path,
            ))
        tables = self.pkg.tables
        self.sheet_of = {k: loc.sheet for k, loc in tables.items()}
        header_style = self._header_style()
        for i, table in enumerate(self.schema.tables):
            loc = tables.get(table.name.lower())
            if loc is None:
                self._add_table(table, i, header_style)
                continue
            have = {h.strip().casefold() for h in loc.headers}
            missing = [c for c in table.columns if c.header.strip().casefold() not in have]
            if missing and version == self.schema.version:
                # the workbook is current: a missing column was renamed or deleted by hand, and an
                # empty new one would hide its data
                names = ", ".join(f"« {c.header} »" for c in missing)
                raise Refused(Issue(
                    "migrate.renamed",
                    f"Feuille « {loc.sheet} » : colonne(s) {names} absente(s) alors que le classeur est à jour : "
                    "elle(s) a (ont) été renommée(s) ou supprimée(s). Rétablissez l'en-tête tel quel ; "
                    "« syc migrer » n'ajoute pas de colonne vide à la place.",
                    loc.sheet,
                ))
            if missing:
                self._add_columns(loc, table, missing)
            if version < self.schema.version:
                self._extend_lists(loc, table)
        if version != self.schema.version:
            self._set_version(version)
        self.styles.save()
        return self.done

    # ---- version
    def _set_version(self, old: int) -> None:
        v = str(self.schema.version)
        wb = _parse(self.parts.read(self.pkg.workbook_part))
        names = wb.find(q("definedNames"))
        found = False
        for d in names if names is not None else []:
            if _is_main(d, "definedName") and (d.get("name") or "").lower() == VERSION_NAME.lower() \
                    and d.get("localSheetId") is None:
                d.text = v
                found = True
        if not found:
            if names is None:
                names = etree.Element(q("definedNames"))
                _insert_after(wb, names, _BEFORE_DEFINED_NAMES)
            etree.SubElement(names, q("definedName"), name=VERSION_NAME).text = v
        self.parts.write(self.pkg.workbook_part, _dump(wb))
        custom = self.parts.target("", REL_CUSTOM)
        if custom:
            root = _parse(self.parts.read(custom))
            for prop in root.iter(f"{{{NS_CUSTOM}}}property"):
                if prop.get("name") == "SYC_VersionSchema" and len(prop):
                    prop[0].text = v
                    self.parts.write(custom, _dump(root))
        self.done.append(f"mise à jour de la version du schéma : {old} → {v}")

    # ---- new sheet and table
    def _header_style(self) -> str | None:
        """The style of an existing schema table's header cells, for the headers we add."""
        for table in self.schema.tables:
            loc = self.pkg.tables.get(table.name.lower())
            if loc is None or not loc.header_row:
                continue
            row = ooxml.SheetText(self.pkg.read(loc.sheet_part)).row_bytes(loc.ref[1])
            style = ooxml.row_styles(row).get(loc.ref[0])
            if style:
                return style
        return None

    def _add_table(self, table: Table, index: int, header_style: str | None) -> None:
        parts, wb_part = self.parts, self.pkg.workbook_part
        wb = _parse(parts.read(wb_part))
        sheets = wb.find(q("sheets"))
        if sheets is None:
            raise Refused(Issue("migrate.nosheets", "Classeur sans liste de feuilles (<sheets>).", self.pkg.path))
        sheet_els = [s for s in sheets if _is_main(s, "sheet")]
        names = [s.get("name") or "" for s in sheet_els]
        if table.sheet.casefold() in {n.casefold() for n in names}:
            raise Refused(Issue(
                "migrate.sheet",
                f"La feuille « {table.sheet} » existe mais ne contient pas la table {table.name} "
                "(elle a peut-être été convertie en plage ou renommée). Renommez ou supprimez cette "
                "feuille, puis relancez « syc migrer » : la feuille sera recréée avec sa table.",
                table.sheet,
            ))
        clash = {n.lower() for n in self.pkg.defined_names()} | set(self.sheet_of)
        if table.name.lower() in clash:
            raise Refused(Issue(
                "migrate.name",
                f"Le nom {table.name} est déjà utilisé dans le classeur (nom défini ou autre table) : "
                "la table ne peut pas être créée. Renommez ce nom, puis relancez « syc migrer ».",
                table.sheet,
            ))
        # where: after the sheet of the previous schema table, else before the next one, else last
        pos = len(sheet_els)
        before = [self.sheet_of.get(t.name.lower()) for t in self.schema.tables[:index]]
        after = [self.sheet_of.get(t.name.lower()) for t in self.schema.tables[index + 1:]]
        prev = next((s for s in reversed(before) if s in names), None)
        nxt = next((s for s in after if s in names), None)
        if prev is not None:
            pos = names.index(prev) + 1
        elif nxt is not None:
            pos = names.index(nxt)

        ws_dir = posixpath.dirname(next(iter(self.pkg.sheets.values()), "xl/worksheets/x.xml"))
        tables_dir = posixpath.dirname(
            next((loc.table_part for loc in self.pkg.tables.values()), "xl/tables/x.xml"))
        sheet_part = parts.free_part(ws_dir, "sheet")
        parts.add[sheet_part] = b""  # reserve the name before choosing the table's
        table_part = parts.free_part(tables_dir, "table")
        table_id = max([0, *_table_ids(parts)]) + 1

        # workbook.xml.rels
        rels_part = ooxml.rels_path(wb_part)
        rels = _parse(parts.read(rels_part))
        used = {r.get("Id") for r in rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        etree.SubElement(rels, f"{{{NS_PR}}}Relationship", Id=rid, Type=ooxml.REL_WORKSHEET,
                         Target=posixpath.relpath(sheet_part, posixpath.dirname(wb_part)))
        parts.write(rels_part, _dump(rels))

        # workbook.xml: the <sheet>, and sheet indexes shifted by the insertion
        sheet_ids = [int(s.get("sheetId", "0")) for s in sheet_els]
        new = etree.Element(q("sheet"), name=table.sheet, sheetId=str(max([0, *sheet_ids]) + 1))
        new.set(f"{{{NS_R}}}id", rid)
        if pos < len(sheet_els):
            sheet_els[pos].addprevious(new)
        else:
            sheets.append(new)
        for d in wb.iter(q("definedName")):
            lid = d.get("localSheetId")
            if lid is not None and lid.isdigit() and int(lid) >= pos:
                d.set("localSheetId", str(int(lid) + 1))
        for view in wb.iter(q("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                val = view.get(attr)
                if val is not None and val.isdigit() and int(val) >= pos:
                    view.set(attr, str(int(val) + 1))
        parts.write(wb_part, _dump(wb))

        # the parts themselves
        code_name = self._code_name()
        styles = [self.styles.xf(c.num_format) for c in table.columns]
        parts.add[sheet_part] = self._sheet_xml(table, code_name, styles, header_style)
        parts.write(ooxml.rels_path(sheet_part), _dump(self._sheet_rels(sheet_part, table_part)))
        parts.write(table_part, _dump(self._table_xml(table, table_id)))
        ct = _parse(parts.read("[Content_Types].xml"))
        for part, ctype in ((sheet_part, CT_WORKSHEET), (table_part, CT_TABLE)):
            for o in list(ct):
                if (o.get("PartName") or "").lower() == "/" + part.lower():
                    ct.remove(o)
            etree.SubElement(ct, f"{{{NS_CT}}}Override", PartName="/" + part, ContentType=ctype)
        parts.write("[Content_Types].xml", _dump(ct))
        self._app_add_sheet(table.sheet, names[pos - 1] if pos > 0 else None, names)
        self.sheet_of[table.name.lower()] = table.sheet
        self.done.append(f"ajout de la feuille {table.sheet} (table {table.name})")

    def _code_name(self) -> str | None:
        """The next free `SheetN` code name, when the workbook has VBA (Excel then adds the module)."""
        used: set[str] = set()
        sheet_parts = self._sheet_parts()
        for part in sheet_parts:
            m = re.search(rb'<(?:[\w.-]+:)?sheetPr\b[^>]*?\scodeName="([^"]*)"', self.parts.read(part)[:4000])
            if m:
                used.add(m.group(1).decode("utf-8", "replace").lower())
        has_vba = self.parts.target(self.pkg.workbook_part, REL_VBA) is not None
        if not has_vba and not used:
            return None
        # past the count of the other sheets too (the new one is already in the rels): a book saved
        # by LibreOffice keeps its sheet modules in the VBA project but loses the code names
        numbers = [int(u[5:]) for u in used if re.fullmatch(r"sheet\d+", u)]
        n = max([len(sheet_parts) - 1, *numbers]) + 1
        while f"sheet{n}" in used:
            n += 1
        return f"Sheet{n}"

    def _sheet_parts(self) -> list[str]:
        wb_part = self.pkg.workbook_part
        names = self.parts.names()
        return [t for _i, typ, t in self.parts.rels(wb_part) if typ == ooxml.REL_WORKSHEET and t in names]

    def _sheet_xml(self, table: Table, code_name: str | None, styles: list[str | None],
                   header_style: str | None) -> bytes:
        ncols = len(table.columns)
        last = ooxml.col_letter(ncols)
        root = etree.Element(q("worksheet"), nsmap={None: NS_MAIN, "r": NS_R})
        if code_name or table.tab_color:
            pr = etree.SubElement(root, q("sheetPr"))
            if code_name:
                pr.set("codeName", code_name)
            if table.tab_color:
                etree.SubElement(pr, q("tabColor"), rgb="FF" + table.tab_color.lstrip("#").upper())
        etree.SubElement(root, q("dimension"), ref=f"A1:{last}1")
        view = etree.SubElement(etree.SubElement(root, q("sheetViews")), q("sheetView"), workbookViewId="0")
        etree.SubElement(view, q("pane"), ySplit="1", topLeftCell="A2", activePane="bottomLeft", state="frozen")
        etree.SubElement(view, q("selection"), pane="bottomLeft")
        etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight="15")
        for i, col in enumerate(table.columns, start=1):
            _set_col(root, i, col.width, styles[i - 1])
        etree.SubElement(root, q("sheetData"))
        for i, col in enumerate(table.columns, start=1):
            if col.list_values:
                _add_list_validation(root, i, 2, col)
        etree.SubElement(root, q("pageMargins"), left="0.7", right="0.7", top="0.75", bottom="0.75",
                         header="0.3", footer="0.3")
        tp = etree.SubElement(root, q("tableParts"), count="1")
        etree.SubElement(tp, q("tablePart")).set(f"{{{NS_R}}}id", "rId1")
        cells = "".join(ooxml.cell_xml(f"{ooxml.col_letter(i)}1", ooxml.Cell("s", c.header), header_style)
                        for i, c in enumerate(table.columns, start=1))
        row = f'<row r="1" spans="1:{ncols}" ht="{HEADER_HEIGHT}" customHeight="1">{cells}</row>'.encode()
        return _dump(root).replace(b"<sheetData/>", b"<sheetData>" + row + b"</sheetData>", 1)

    @staticmethod
    def _sheet_rels(sheet_part: str, table_part: str) -> etree._Element:
        rels = etree.Element(f"{{{NS_PR}}}Relationships", nsmap={None: NS_PR})
        etree.SubElement(rels, f"{{{NS_PR}}}Relationship", Id="rId1", Type=ooxml.REL_TABLE,
                         Target=posixpath.relpath(table_part, posixpath.dirname(sheet_part)))
        return rels

    def _table_xml(self, table: Table, table_id: int) -> etree._Element:
        # one blank data row: Excel refuses a table with a header row only
        ref = ooxml.range_ref(1, 1, len(table.columns), 2)
        t = etree.Element(q("table"), nsmap={None: NS_MAIN}, id=str(table_id), name=table.name,
                          displayName=table.name, ref=ref, totalsRowShown="0")
        etree.SubElement(t, q("autoFilter"), ref=ref)
        cols = etree.SubElement(t, q("tableColumns"), count=str(len(table.columns)))
        for i, c in enumerate(table.columns, start=1):
            self._table_column(cols, i, c)
        etree.SubElement(t, q("tableStyleInfo"), name=TABLE_STYLE, showFirstColumn="0", showLastColumn="0",
                         showRowStripes="1", showColumnStripes="0")
        return t

    def _table_column(self, cols: etree._Element, col_id: int, column: Column) -> None:
        tc = etree.SubElement(cols, q("tableColumn"), id=str(col_id), name=_escape_name(column.header))
        dxf = self.styles.dxf(column.num_format)
        if dxf is not None:
            tc.set("dataDxfId", dxf)

    def _app_add_sheet(self, name: str, after: str | None, sheet_names: list[str]) -> None:
        """docProps/app.xml lists the sheet names: Excel repairs the file when they disagree."""
        app = self.parts.target("", REL_APP)
        if not app:
            return
        root = _parse(self.parts.read(app))
        pairs = root.find(f"{{{NS_APP}}}HeadingPairs/{{{NS_VT}}}vector")
        titles = root.find(f"{{{NS_APP}}}TitlesOfParts/{{{NS_VT}}}vector")
        if pairs is None or titles is None:
            return
        variants = [v[0] for v in pairs if len(v)]
        lpstrs = [t for t in titles if _local(t) == "lpstr"]
        offset = 0
        known = set(sheet_names)
        for label, count_el in zip(variants[::2], variants[1::2], strict=False):
            if _local(label) != "lpstr" or _local(count_el) not in ("i4", "i2", "i8", "int"):
                return
            count = int(count_el.text or "0")
            group = lpstrs[offset:offset + count]
            if any(g.text in known for g in group):
                at = offset + count
                if after is not None:
                    for k, g in enumerate(group):
                        if g.text == after:
                            at = offset + k + 1
                elif group:
                    at = offset
                new = etree.Element(f"{{{NS_VT}}}lpstr")
                new.text = name
                if at < len(lpstrs):
                    lpstrs[at].addprevious(new)
                else:
                    titles.append(new)
                count_el.text = str(count + 1)
                titles.set("size", str(len(lpstrs) + 1))
                self.parts.write(app, _dump(root))
                return
            offset += count

    # ---- new columns in an existing table
    def _add_columns(self, loc: ooxml.TableLoc, table: Table, missing: list[Column]) -> None:
        parts = self.parts
        names = ", ".join(f"« {c.header} »" for c in missing)
        if not loc.header_row:
            raise Refused(Issue(
                "migrate.noheader",
                f"Feuille « {loc.sheet} » : la table {loc.name} n'a plus de ligne d'en-tête ; "
                f"impossible d'y ajouter {names}. Rétablissez l'en-tête (Création de tableau → Ligne "
                "d'en-tête), puis relancez « syc migrer ».",
                loc.sheet,
            ))
        t = _parse(parts.read(loc.table_part))
        c1, r1, c2, r2 = ooxml.split_range(t.get("ref", ""))
        n1, n2 = c2 + 1, c2 + len(missing)
        area = (n1, r1, n2, r2)
        data = parts.read(loc.sheet_part)
        sheet = ooxml.SheetText(data)
        blocker = None
        if n2 > MAX_COL:
            blocker = "la dernière colonne de la feuille est atteinte"
        for num, s, e in sheet.rows if blocker is None else []:
            if r1 <= num <= r2:
                row = data[s:e]
                for col in range(n1, n2 + 1):
                    if ooxml.row_has_values(row, col, col):
                        blocker = f"la cellule {ooxml.col_letter(col)}{num} n'est pas vide"
                        break
            if blocker:
                break
        if blocker is None:
            for other in self.pkg.tables.values():
                if other.sheet_part == loc.sheet_part and other.name != loc.name and _overlap(area, other.ref):
                    blocker = f"la table {other.name} est à droite de la table"
                    break
        if blocker is None:
            for m in re.finditer(rb'<(?:[\w.-]+:)?mergeCell\b[^>]*?\sref="([^"]+)"', data[sheet.content_end:]):
                if any(_overlap(area, r) for r in _ranges(m.group(1).decode())):
                    blocker = f"des cellules fusionnées ({m.group(1).decode()}) sont à droite de la table"
                    break
        if blocker:
            letters = ooxml.col_letter(n1) + (f" à {ooxml.col_letter(n2)}" if n2 > n1 else "")
            raise Refused(Issue(
                "migrate.collision",
                f"Feuille « {loc.sheet} » : impossible d'ajouter {names} à droite de la table "
                f"{loc.name} ({'colonne' if n2 == n1 else 'colonnes'} {letters}, lignes {r1} à {r2}) : "
                f"{blocker}. Déplacez ce qui se trouve à droite de la table, puis relancez « syc migrer ».",
                loc.sheet,
            ))

        # table XML: ref, autoFilter, new tableColumns
        totals = int(t.get("totalsRowCount", "0") or 0)
        t.set("ref", ooxml.range_ref(c1, r1, n2, r2))
        af = t.find(q("autoFilter"))
        if af is not None:
            af.set("ref", ooxml.range_ref(c1, r1, n2, r2 - totals))
        cols = t.find(q("tableColumns"))
        if cols is None:
            raise Refused(Issue("migrate.table", f"Table {loc.name} sans colonnes (<tableColumns>).", loc.sheet))
        next_id = max([0, *(int(c.get("id", "0")) for c in cols if _is_main(c, "tableColumn"))]) + 1
        for k, column in enumerate(missing):
            self._table_column(cols, next_id + k, column)
        cols.set("count", str(len(cols.findall(q("tableColumn")))))
        parts.write(loc.table_part, _dump(t))

        # sheet: header cells (inline strings, styled like the last header), widths, validations
        header_row = sheet.row_bytes(r1)
        style = ooxml.row_styles(header_row).get(c2)
        cells = {n1 + k: ooxml.Cell("s", c.header) for k, c in enumerate(missing)}
        data, _ = ooxml.patch_sheet(data, [ooxml.RowEdit(r1, cells, dict.fromkeys(cells, style or ""))],
                                    (n2, r1))
        col_styles = [self.styles.xf(c.num_format) for c in missing]

        def edit(root: etree._Element) -> None:
            for k, column in enumerate(missing):
                _set_col(root, n1 + k, column.width, col_styles[k])
                if column.list_values:
                    _add_list_validation(root, n1 + k, r1 + 1, column)

        parts.write(loc.sheet_part, _edit_sheet_skeleton(data, edit))
        for c in missing:
            self.done.append(f"ajout de la colonne « {c.header} » à la table {loc.name}")

    # ---- longer choice lists in existing columns
    def _extend_lists(self, loc: ooxml.TableLoc, table: Table) -> None:
        """Add the schema's new choices to the drop-down of the table's existing columns.

        Only a list validation written as a literal list ("a,b,c"), on cells of that one column and
        already offering one of the schema's values, is extended; the user's own values stay where
        they are. A validation fed by a range, or shared with other columns, is left alone.
        """
        if not loc.header_row:
            return
        position = {h.strip().casefold(): i for i, h in enumerate(loc.headers)}
        wanted: dict[int, Column] = {}
        for column in table.columns:
            i = position.get(column.header.strip().casefold())
            if column.list_values and i is not None:
                wanted[loc.ref[0] + i] = column
        data = self.parts.read(loc.sheet_part)
        if not wanted or not re.search(rb"<(?:[\w.-]+:)?dataValidation\b", data):
            return
        added: dict[int, list[str]] = {}
        too_long: dict[int, list[str]] = {}

        def edit(root: etree._Element) -> None:
            for dv in root.iter(q("dataValidation")):
                if dv.get("type") != "list":
                    continue
                ranges = _ranges(dv.get("sqref") or "")
                cols = {r[0] for r in ranges} | {r[2] for r in ranges}
                col = cols.pop() if len(cols) == 1 else None
                if col not in wanted or not any(r[3] > loc.ref[1] for r in ranges):
                    continue
                column = wanted[col]
                formula = dv.find(q("formula1"))
                have = _literal_list(formula.text if formula is not None else None)
                if formula is None or have is None or not set(have) & set(column.list_values):
                    continue
                new = _merged_list(have, column.list_values)
                extra = [v for v in new if v not in have]
                if not extra:
                    continue
                if len(",".join(new)) > MAX_LIST:
                    too_long.setdefault(col, []).extend(v for v in extra if v not in too_long.get(col, []))
                    continue
                formula.text = _list_formula(new)
                if dv.get("error") in (LIST_ERROR + ", ".join(have), (LIST_ERROR + ", ".join(have))[:255]):
                    dv.set("error", (LIST_ERROR + ", ".join(new))[:255])
                added.setdefault(col, []).extend(v for v in extra if v not in added.get(col, []))

        new_data = _edit_sheet_skeleton(data, edit)
        if added:
            self.parts.write(loc.sheet_part, new_data)
        for col, values in sorted(added.items()):
            self.done.append(f"ajout de {_quoted(values)} à la liste de choix de la colonne "
                             f"« {wanted[col].header} » (table {loc.name})")
        for col, values in sorted(too_long.items()):
            self.done.append(f"liste de choix de la colonne « {wanted[col].header} » (table {loc.name}) "
                             f"laissée telle quelle : avec {_quoted(values)} elle dépasserait les {MAX_LIST} "
                             "caractères admis par Excel (la valeur reste acceptée par SYC Gestion)")


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"« {v} »" for v in values)


# --------------------------------------------------------------------------- data steps
def _data_step(version: int, label: str) -> Callable[[Step], Step]:
    """Register `step` as STEPS[version], with its French label (shown by `plan` and `migrate`)."""

    def register(step: Step) -> Step:
        step.label = label  # type: ignore[attr-defined]
        STEPS[version] = step
        return step

    return register


@_data_step(2, f"règles de TVA par défaut dans la feuille « {T_VAT_RULES.sheet} », si elle est vide")
def _seed_vat_rules(store: FileStore) -> ChangeSet | None:
    """The VAT rules a new workbook starts with (`seeds.default_rows`), in a workbook that has none."""
    rules = default_rows(store.schema).get(T_VAT_RULES.name)
    if rules is None or store.rows(T_VAT_RULES.name):  # a schema without the table, or rules already there
        return None
    changes = ChangeSet()
    for rule in rules:
        changes.append(T_VAT_RULES.name, rule)
    return changes


@_data_step(3, "paramètres d'envoi des e-mails (SMTP) ajoutés à la feuille « Paramètres » ; « Accepte la "
               "prospection » à Oui pour les clients existants (prospection postale : permise "
               "sauf opposition)")
def _sending_settings(store: FileStore) -> ChangeSet | None:
    """The parameters a version-3 workbook starts with, that an older one lacks; existing clients
    accept marketing letters (postal prospecting is lawful unless the client objected)."""
    changes = ChangeSet()
    names = {t.name for t in store.schema.tables}
    if T_PARAMS.name in names:
        have = {str(r["code"] or "").strip().lower() for r in store.rows(T_PARAMS.name)}
        for row in default_rows(store.schema).get(T_PARAMS.name, []):
            if row["code"] not in have:
                changes.append(T_PARAMS.name, row)
    if T_CLIENTS.name in names and "marketing_mail" in {c.key for c in store.schema.table(T_CLIENTS.name).columns}:
        for r in store.rows(T_CLIENTS.name):
            if r.get("marketing_mail") in (None, ""):
                changes.update(T_CLIENTS.name, r, {"marketing_mail": YES})
    return changes


_SEEDED_V4 = ("tTauxLegal", "tTauxBCE", "tTauxPenalites", "tNiveauxRelance")


@_data_step(4, "tables des taux (taux légal, taux BCE, pénalités, avec leurs sources) et niveaux de relance "
               "par défaut, dans les feuilles encore vides")
def _dunning_tables(store: FileStore) -> ChangeSet | None:
    """The rate tables and the firm's reminder procedure, in a workbook that has none yet."""
    changes = ChangeSet()
    names = {t.name for t in store.schema.tables}
    seeds = default_rows(store.schema)
    for table in _SEEDED_V4:
        if table in names and not store.rows(table):
            for row in seeds.get(table, []):
                changes.append(table, row)
    return changes


@_data_step(5, "versions des règles d'empreinte : les lignes déjà au journal d'audit gardent la version 1 "
               "(colonne vide), aucune empreinte n'est recalculée")
def _audit_spec_versions(store: FileStore) -> ChangeSet | None:
    """Nothing to write: a journal row without a version was made with version 1 of its table's
    audit spec, and its fingerprint and chain hash stay as they are (never re-hash history)."""
    return None


@_data_step(6, "clause de pénalités reconstituée (hors empreinte) sur les factures déjà émises aux clients "
               "professionnels ; catégorie « PAC » des articles devenue « PAC à classer » ; règles de TVA à 5,5 % "
               "des pompes à chaleur par type (PAC air/eau, eau/eau, géothermique, chauffe-eau thermodynamique) ; "
               "« Ancien taux maintenu » sur les règles des chaudières de la loi de finances 2025 ; garanties "
               "légales par nature de travaux ; paramètre « Médiateur de la consommation » (à remplir) ; "
               "aucune pièce émise n'est modifiée")
def _legal_corrections(store: FileStore) -> ChangeSet | None:
    """Issue 13. An invoice issued before carries the clause in force at migration, in the column
    « Clause de pénalités (reconstituée) », outside its fingerprint (never re-hash what was issued).
    The old « PAC » category is split by kind: articles must be classified (a new quote refuses
    « PAC à classer »); the 5,5 % rules of « PAC » go to the eligible kinds (air/air falls to the
    general rules). Quote and invoice lines keep their category text as issued."""
    from pyxl.core import interest, kinds, vat

    changes = ChangeSet()
    names = {t.name for t in store.schema.tables}
    seeds = default_rows(store.schema)
    if T_PARAMS.name in names:  # the consumer mediator (empty: to fill in)
        have = {str(r["code"] or "").strip().lower() for r in store.rows(T_PARAMS.name)}
        for row in seeds.get(T_PARAMS.name, []):
            if row["code"] not in have:
                changes.append(T_PARAMS.name, row)
    if "tGaranties" in names and not store.rows("tGaranties"):
        for row in seeds.get("tGaranties", []):
            changes.append("tGaranties", row)
    if "tFactures" in names:
        rate = _contractual(store.parameters().get("taux_penalites_contractuel", ""))
        rebuilt = interest.clause_text(rate) + interest.REBUILT
        business = {str(c["code"]) for c in store.rows("tClients") if c["kind"] == kinds.ClientKind.BUSINESS}
        for r in store.rows("tFactures"):
            if (r["number"] and r["doc_type"] != "Avoir" and str(r["client"]) in business
                    and not r.get("penalty_clause") and not r.get("penalty_clause_rebuilt")):
                changes.update("tFactures", r.row, {"penalty_clause_rebuilt": rebuilt})
    old = kinds.OLD_HEAT_PUMP
    if "tArticles" in names:
        for r in store.rows("tArticles"):
            if r["category"] == old:
                changes.update("tArticles", r.row, {"category": kinds.Category.HEAT_PUMP_UNCLASSIFIED.value})
    if T_VAT_RULES.name in names:
        for r in store.rows(T_VAT_RULES.name):
            values: dict[str, object] = {}
            if r.get("keeps_old") in (None, ""):
                keeps = vat.keeps_old_rate(str(r["category"] or ""), r["valid_from"])
                values["keeps_old"] = YES if keeps else "Non"
            if r["category"] == old:
                first, *others = kinds.ELIGIBLE_HEAT_PUMPS
                values["category"] = first.value
                for kind in others:
                    changes.append(T_VAT_RULES.name, {**r.values, **values, "category": kind.value})
            if values:
                changes.update(T_VAT_RULES.name, r.row, values)
    return changes


@_data_step(7, "notes de pénalités (feuilles « Notes de pénalités » et « Lignes notes pénalités », série NP) ; "
               "colonnes « Au titre de » et « Paiement » des règlements (imputation de l'art. 1343-1 du Code "
               "civil) ; natures « Vente sans pose » et « Construction (ouvrage) » avec leurs règles de TVA et "
               "leurs garanties légales ; bordereaux de remise, relevés bancaires et leurs paramètres ; chaque "
               "règlement existant reste une imputation sur sa facture, son empreinte inchangée (version 1)")
def _penalty_notes(store: FileStore) -> ChangeSet | None:
    """No note existed before, and an older payment row was imputed to its invoice alone: its
    fingerprint stays the version-1 one (never re-hash what was issued). The two new natures get
    their VAT rules and guarantees, unless the firm already wrote rules for them."""
    changes = ChangeSet()
    names = {t.name for t in store.schema.tables}
    seeds = default_rows(store.schema)
    if T_PARAMS.name in names:  # the parameters of the payments and bank statements
        have = {str(r["code"] or "").strip().lower() for r in store.rows(T_PARAMS.name)}
        for row in seeds.get(T_PARAMS.name, []):
            if row["code"] not in have:
                changes.append(T_PARAMS.name, row)
    new = {"Vente sans pose", "Construction (ouvrage)"}
    for table in (T_VAT_RULES.name, "tGaranties"):
        if table in names and not any(r["nature"] in new for r in store.rows(table)):
            for row in seeds.get(table, []):
                if row["nature"] in new:
                    changes.append(table, row)
    return changes


@_data_step(9, "planning et contrats d'entretien : feuilles Techniciens, Absences, Interventions, Contrats "
               "d'entretien ; temps de trajet par défaut (20 min dans un secteur, 45 min d'un secteur à l'autre)")
def _planning_tables(store: FileStore) -> ChangeSet | None:
    """The editable travel-time defaults, in a workbook whose travel table is still empty."""
    if "tTrajets" not in {t.name for t in store.schema.tables} or store.rows("tTrajets"):
        return None
    changes = ChangeSet()
    for row in default_rows(store.schema).get("tTrajets", []):
        changes.append("tTrajets", row)
    return changes


@_data_step(8, "plan comptable des écritures (feuille « Plan comptable », comptes du PCG par défaut) et "
               "paramètre « Régime de TVA » (CA3 mensuelle par défaut) ; aucune pièce ni aucun règlement modifié")
def _books(store: FileStore) -> ChangeSet | None:
    """Issue 15: the chart of accounts with its PCG defaults, in a workbook that has none yet, and the
    VAT regime parameter. The entries themselves are computed from the documents: nothing to write."""
    changes = ChangeSet()
    names = {t.name for t in store.schema.tables}
    seeds = default_rows(store.schema)
    if T_PARAMS.name in names:
        have = {str(r["code"] or "").strip().lower() for r in store.rows(T_PARAMS.name)}
        for row in seeds.get(T_PARAMS.name, []):
            if row["code"] not in have:
                changes.append(T_PARAMS.name, row)
    if "tPlanComptable" in names and not store.rows("tPlanComptable"):
        for row in seeds.get("tPlanComptable", []):
            changes.append("tPlanComptable", row)
    return changes


@_data_step(10, "colonne « Reste dû » des factures remplie d'après le total TTC, le réglé et les avoirs (hors "
                "empreinte, aucune pièce émise modifiée)")
def _owed(store: FileStore) -> ChangeSet | None:
    """Issue 17: « Reste dû » of every issued invoice; from now on the store writes it with each
    change of the row (`pyxl.workbook.derived`). Not fingerprinted: nothing is re-hashed."""
    from pyxl.workbook.derived import invoice_owed

    if "owed" not in store.schema.table("tFactures").keys:
        return None
    changes = ChangeSet()
    for r in store.rows("tFactures"):
        value = invoice_owed(r.values)
        if value != r["owed"]:
            changes.update("tFactures", r, {"owed": value})
    return changes if not changes.empty else None
@_data_step(12, "clôtures avec leurs totaux par journal (colonne « Totaux par journal ») ; les clôtures déjà "
                "faites gardent leur empreinte (version 1, colonne vide), aucune n'est recalculée ; feuille "
                "« Créances douteuses » (créances douteuses et irrécouvrables), vide")
def _closure_journals(store: FileStore) -> ChangeSet | None:
    """Nothing to write: a closure made before keeps its row and its fingerprint (version 1 of the
    closures' audit spec); the closures made from now on carry their totals per journal."""
    return None


@_data_step(13, "colonne « Passé en perte » des factures remplie d'après les pertes en vigueur de « Créances "
                "douteuses » (hors empreinte, aucune pièce émise modifiée) ; rôle « recouvrements » (7714) ajouté "
                "au plan comptable")
def _written_off(store: FileStore) -> ChangeSet | None:
    """Issue 15: an invoice passed as a loss shows it (« Passé en perte ») and owes nothing more
    (« Reste dû » nil, derived by the store); a payment received later is a recovery (7714)."""
    from pyxl.core.books import CANCELLED, DEFAULT_CHART, ROLE_LABELS, WRITTEN_OFF

    changes = ChangeSet()
    invoices = store.schema.table("tFactures")
    if "written_off" in invoices.keys and "tCreances" in {t.name for t in store.schema.tables}:
        rows = store.rows("tCreances")  # a write-off in force: not cancelled by an « Annulation » row
        cancelled = {str(r["cancels"]) for r in rows if r["kind"] == CANCELLED}
        lost = {str(r["invoice"]): r["amount"] for r in rows
                if r["kind"] == WRITTEN_OFF and str(r["id"]) not in cancelled}
        for r in store.rows("tFactures"):
            value = lost.get(str(r["number"] or ""))
            if value != r["written_off"]:
                changes.update("tFactures", r, {"written_off": value})
    if "tPlanComptable" in {t.name for t in store.schema.tables}:
        roles = {str(r["role"]) for r in store.rows("tPlanComptable")}
        if "recouvrements" not in roles:
            account, label = DEFAULT_CHART["recouvrements"]
            changes.append("tPlanComptable", {"role": "recouvrements", "account": account, "label": label,
                                              "use": ROLE_LABELS["recouvrements"]})
    return changes if not changes.empty else None


@_data_step(14, "feuille « Écritures » (protégée) remplie des écritures de l'exercice ouvert, calculées des pièces et "
                "des règlements ; chaque action y ajoute désormais les siennes")
def _entries_sheet(store: FileStore) -> ChangeSet | None:
    """Issue 15: the entries of the open fiscal year — that of the workbook's last action (the
    last row of its audit journal), not yet archived — as the books compute them; the closed
    years' stay computed on demand, as their FEC."""
    from pyxl.workbook import ledger

    if ledger.TABLE not in {t.name for t in store.schema.tables} or store.rows(ledger.TABLE):
        return None
    tail = store.journal_tail(1)
    if not tail or tail[0].as_of is None:
        return None  # nothing issued yet: nothing to book
    changes = ChangeSet()
    table = store.schema.table(ledger.TABLE)
    for row in ledger.year_rows(store, tail[0].as_of):
        changes.append(ledger.TABLE, {k: canonical(table.column(k), v) for k, v in row.items()})
    return changes if not changes.empty else None


@_data_step(15, "colonne « IBAN » des clients, vide (à saisir sur la fiche du client, ou proposée par le rapprochement "
                "quand un virement rapproché vient d'un compte que la fiche n'a pas) ; colonne « Code opération » des "
                "relevés, vide pour les lignes déjà importées (leur mode se lit alors sur leur libellé) ; aucune pièce "
                "ni aucun règlement modifié")
def _client_ibans(store: FileStore) -> ChangeSet | None:
    """Issue 14: nothing to fill — a client's IBAN is never guessed from its past transfers (the
    reconciliation proposes it, the user decides), and the lines already imported keep what their
    file said."""
    return None


def _contractual(text: str) -> Decimal | None:
    """The parameter as the dunning service reads it (an unreadable value: the default clause)."""
    from pyxl.core.interest import read_contractual_rate

    return read_contractual_rate(text)[0]


__all__ = ["STEPS", "Step", "migrate", "plan", "workbook_version"]
