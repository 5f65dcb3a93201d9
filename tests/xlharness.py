"""A test harness, NOT Excel: an xlwings engine backed by openpyxl, so that the real `pyxl.macros`
functions run end to end on Linux with `xw.Book.caller()` mocked (`../shared/research/xlwings.md`
§3 and Appendix A, written from `xlwings/base_classes.py` only; nothing from xlwings.pro).

What it does not do, and must be tested otherwise:
  * it does not calculate formulas (a formula cell reads as its formula text);
  * it returns floats for numbers, as Excel does, but cannot reproduce Excel's locale parsing;
  * it ignores sheet protection when writing (it records SycProtect/SycUnprotect calls instead);
  * `Book.save()` saves with openpyxl, which drops the ribbon relationship and Excel 2010 markup:
    only ever on a throw-away copy.
What it imitates on purpose: a string written to a cell is parsed the way Excel parses it
(`=…` becomes a formula, `00123` a number) unless it starts with Excel's quote prefix `'`, so that
a missing prefix in the ExcelStore shows up in the tests.

Every call that would be a round trip to Excel is counted in `CALLS` (tests of the number of
calls per action).
"""

from __future__ import annotations

import datetime as dt
import numbers
import os
import re
from collections import Counter
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from xlwings import base_classes, utils

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
CALLS: Counter[str] = Counter()
ROWS_WRITTEN: Counter[str] = Counter()  # sheet name → rows written through ranges (refresh from a base)
ALERTS: list[tuple[str, str]] = []  # (title, prompt) of every app.alert
ANSWERS: list[str] = []  # the answers of the next yes/no alerts ("yes" when empty)
STATUS: list[Any] = []  # every text written to the status bar
SELECTED: dict[str, Any] = {}  # the last cell selected by a macro: {"sheet": …, "row": …, "column": …}
PERSIST_SAVES = {"on": True}  # off: Book.save() is counted but not written (big books, call counts)
# on: a write to a protected sheet raises, as in Excel (off by default: the harness ignores protection)
ENFORCE_PROTECTION = {"on": False}
SAVES: list[dict[str, Any]] = []  # the application's state at each save (calculation mode…)
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def count(what: str) -> None:
    CALLS[what] += 1


def excel_parse(v: Any) -> tuple[Any, bool]:
    """What Excel stores for a value written through COM: (value, is_text)."""
    if isinstance(v, str):
        if v.startswith("'"):
            return v[1:], True
        if v.startswith("="):
            return v, False  # a formula
        s = v.strip()
        if _NUMBER.fullmatch(s):
            return float(s.replace(",", ".")), False
        return v, True
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day), False
    return v, False


class Engine:
    def __init__(self) -> None:
        self.apps = Apps()

    name = "openpyxl"
    type = "file"

    @staticmethod
    def clean_value_data(data: Any, datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: Any) -> Any:
        def clean(v: Any) -> Any:
            if v is None or v == "":
                return empty_as
            if isinstance(v, int) and not isinstance(v, bool):
                v = float(v)  # Excel/COM hands every number over as a float
            if isinstance(v, dt.datetime) and datetime_builder is not dt.datetime:
                return datetime_builder(year=v.year, month=v.month, day=v.day, hour=v.hour, minute=v.minute,
                                        second=v.second, microsecond=v.microsecond)
            if number_builder is not None and isinstance(v, float):
                return number_builder(v)
            return v
        return [[clean(c) for c in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any) -> Any:
        return x


class Apps(base_classes.Apps):
    def __init__(self) -> None:
        self._apps: list[App] = []

    def _ensure(self) -> None:
        if not self._apps:
            self._apps.append(App(self))

    def __iter__(self) -> Any:
        self._ensure()
        return iter(list(self._apps))

    def __len__(self) -> int:
        self._ensure()
        return len(self._apps)

    def __getitem__(self, i: int) -> Any:
        self._ensure()
        return self._apps[i]

    def keys(self) -> list[int]:
        return [a.pid for a in self]

    def add(self, spec: Any = None, add_book: bool = True, xl: Any = None, visible: Any = None) -> Any:
        app = App(self)
        self._apps.insert(0, app)
        return app


class App(base_classes.App):
    _next_pid = -1
    display_alerts = screen_updating = calculation = status_bar = enable_events = None  # settable

    def __init__(self, apps: Apps):
        self.apps = apps
        self._pid = App._next_pid
        App._next_pid -= 1
        self._books = Books(self)
        self.display_alerts = True
        self.screen_updating = True
        self.calculation = "automatic"
        self.enable_events = True
        self.status_bar = False

    engine = property(lambda self: engine)
    books = property(lambda self: self._books)
    pid = property(lambda self: self._pid)
    visible = property(lambda self: False)

    def activate(self, steal_focus: bool = False) -> None:
        pass

    def alert(self, prompt: str, title: str, buttons: str, mode: str, callback: Any) -> str:
        count("alert")
        ALERTS.append((title or "", prompt))
        if buttons in ("yes_no", "yes_no_cancel"):
            return ANSWERS.pop(0) if ANSWERS else "yes"
        return "ok"

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "status_bar" and value is not False:
            STATUS.append(value)
        object.__setattr__(self, name, value)

    def run(self, macro: str, args: Any) -> Any:
        """The VBA subs that Python calls (Book.macro), played in Python."""
        count("macro")
        book = self._books.active
        name = macro.split("!")[-1]
        if name == "SycUnprotect":
            ws = book.wb[args[0]]
            was = bool(ws.protection.sheet)
            ws.protection.sheet = False
            return was
        if name == "SycProtect":
            book.wb[args[0]].protection.sheet = True
            return None
        raise KeyError(f"macro {macro} not played by the harness")

    def quit(self) -> None:
        if self in self.apps._apps:
            self.apps._apps.remove(self)


class Books(base_classes.Books):
    def __init__(self, app: App):
        self.app = app
        self._books: list[Book] = []

    @property
    def active(self) -> Any:
        return self._books[-1] if self._books else None

    def __call__(self, name_or_index: Any) -> Any:
        if isinstance(name_or_index, numbers.Number):
            return self._books[int(name_or_index) - 1]
        for b in self._books:
            if b.name.lower() == str(name_or_index).lower() or b.fullname == name_or_index:
                return b
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self._books)

    def __iter__(self) -> Any:
        return iter(list(self._books))

    def add(self) -> Any:
        b = Book(self, openpyxl.Workbook(), None)
        self._books.append(b)
        return b

    def open(self, fullname: str, *args: Any, **kwargs: Any) -> Any:
        keep_vba = str(fullname).lower().endswith((".xlsm", ".xlam"))
        wb = openpyxl.load_workbook(fullname, keep_vba=keep_vba)
        b = Book(self, wb, os.path.realpath(fullname))
        self._books.append(b)
        return b


class Book(base_classes.Book):
    def __init__(self, books: Books, wb: Any, path: str | None):
        self.books, self.wb, self.path = books, wb, path

    api = property(lambda self: self.wb)
    app = property(lambda self: self.books.app)
    sheets = property(lambda self: Sheets(self))

    @property
    def names(self) -> Any:
        return Names(self, self.wb.defined_names)

    @property
    def name(self) -> str:
        return os.path.basename(self.path) if self.path else "Classeur1"

    @property
    def fullname(self) -> str:
        return self.path or self.name

    def save(self, path: str | None = None, password: str | None = None) -> None:
        count("save")
        SAVES.append({"calculation": self.app.calculation, "screen_updating": self.app.screen_updating})
        if path:
            self.path = os.path.realpath(path)
        if PERSIST_SAVES["on"]:
            self.wb.save(self.path)

    def close(self) -> None:
        self.books._books.remove(self)

    def activate(self) -> None:
        pass


class Sheets(base_classes.Sheets):
    def __init__(self, book: Book):
        self.book = book

    api = property(lambda self: self.book.wb.worksheets)

    @property
    def active(self) -> Any:
        return Sheet(self.book, self.book.wb.active)

    def __call__(self, name_or_index: Any) -> Any:
        count("sheet")
        wb = self.book.wb
        if isinstance(name_or_index, numbers.Number):
            return Sheet(self.book, wb.worksheets[int(name_or_index) - 1])
        return Sheet(self.book, wb[name_or_index])

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __iter__(self) -> Any:
        return (Sheet(self.book, ws) for ws in self.book.wb.worksheets)

    def add(self, before: Any = None, after: Any = None, name: str | None = None) -> Any:
        wb = self.book.wb
        return Sheet(self.book, wb.create_sheet(title=name))


class Sheet(base_classes.Sheet):
    def __init__(self, book: Book, ws: Any):
        self._book, self.ws = book, ws

    api = property(lambda self: self.ws)
    book = property(lambda self: self._book)
    index = property(lambda self: self._book.wb.worksheets.index(self.ws) + 1)
    tables = property(lambda self: Tables(self))
    pictures = property(lambda self: Pictures(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sheet) and other.ws is self.ws

    def __hash__(self) -> int:
        return id(self.ws)

    @property
    def name(self) -> str:
        return str(self.ws.title)

    def range(self, arg1: Any, arg2: Any = None) -> Any:
        return Range(self, arg1, arg2)

    @property
    def cells(self) -> Any:
        return Range(self, (1, 1), (MAX_ROWS, MAX_COLS))

    def activate(self) -> None:
        self._book.wb.active = self.ws


class Range(base_classes.Range):
    def __init__(self, sheet: Sheet, arg1: Any, arg2: Any = None):
        self.sheet = sheet
        self.options = None
        if isinstance(arg1, Range):
            r1, c1 = arg1.row, arg1.column
            other = arg2 if arg2 is not None else arg1
            r2, c2 = other.row + other.shape[0] - 1, other.column + other.shape[1] - 1
            arg1, arg2 = (min(r1, r2), min(c1, c2)), (max(r1, r2), max(c1, c2))
        elif isinstance(arg1, str):
            t1, t2 = utils.a1_to_tuples(arg1)
            arg1, arg2 = t1, t2
        if len(arg1) == 4:
            r, c, nr, nc = arg1
            arg1, arg2 = (r, c), (r + max(nr, 1) - 1, c + max(nc, 1) - 1)
        self.arg1 = tuple(arg1)
        self.arg2 = tuple(arg2) if arg2 else self.arg1

    row = property(lambda self: self.arg1[0])
    column = property(lambda self: self.arg1[1])
    shape = property(lambda self: (self.arg2[0] - self.arg1[0] + 1, self.arg2[1] - self.arg1[1] + 1))
    api = property(lambda self: self.sheet.ws)
    has_array = property(lambda self: False)

    def __len__(self) -> int:
        return int(self.shape[0] * self.shape[1])

    def __call__(self, arg1: int, arg2: int | None = None) -> Any:
        if arg2 is None:
            col = (arg1 - 1) % self.shape[1]
            row = (arg1 - 1 - col) // self.shape[1]
            return self(row + 1, col + 1)
        return Range(self.sheet, (self.row + arg1 - 1, self.column + arg2 - 1))

    def get_address(self, row_absolute: bool = True, col_absolute: bool = True, external: bool = False) -> str:
        def cell(r: int, c: int) -> str:
            return f"{'$' if col_absolute else ''}{get_column_letter(c)}{'$' if row_absolute else ''}{r}"
        a = cell(*self.arg1)
        if self.arg2 != self.arg1:
            a += ":" + cell(*self.arg2)
        return f"'{self.sheet.name}'!{a}" if external else a

    address = property(lambda self: self.get_address())

    def _cells(self) -> list[list[Any]]:
        ws = self.sheet.ws
        (r1, c1), (r2, c2) = self.arg1, self.arg2
        return [[ws.cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @property
    def raw_value(self) -> Any:
        count("read")
        return [[c.value for c in row] for row in self._cells()]

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        count("write")
        if ENFORCE_PROTECTION["on"] and self.sheet.ws.protection.sheet:
            raise OSError(f"La feuille « {self.sheet.name} » est protégée")
        rows = self._cells()
        if not isinstance(data, (list, tuple)):
            data = [[data] * self.shape[1]] * self.shape[0]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [data]
        ROWS_WRITTEN[self.sheet.name] += len(data)
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                cell = rows[i][j]
                value, is_text = excel_parse(v)
                cell.value = value
                if is_text and isinstance(value, str):
                    cell.data_type = "s"  # Excel keeps quote-prefixed '=…' as text

    @property
    def formula(self) -> Any:
        count("read")
        out = tuple(tuple(c.value for c in row) for row in self._cells())
        return out[0][0] if self.shape == (1, 1) else out

    @formula.setter
    def formula(self, data: Any) -> None:
        self.raw_value = data

    def select(self) -> None:
        count("select")
        self.sheet.activate()
        SELECTED.update(sheet=self.sheet.name, row=self.row, column=self.column)

    def clear_contents(self) -> None:
        count("write")
        for row in self._cells():
            for c in row:
                c.value = None

    @property
    def number_format(self) -> Any:
        count("read")
        return self._cells()[0][0].number_format

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        count("format")
        for row in self._cells():
            for c in row:
                c.number_format = fmt

    @property
    def color(self) -> Any:
        fill = self._cells()[0][0].fill
        rgb = fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None
        return tuple(int(rgb[i:i + 2], 16) for i in (2, 4, 6)) if isinstance(rgb, str) else None

    @color.setter
    def color(self, rgb: Any) -> None:
        from openpyxl.styles import PatternFill

        count("format")
        fill = PatternFill() if rgb is None else PatternFill("solid", fgColor="FF" + "".join(f"{v:02X}" for v in rgb))
        for row in self._cells():
            for c in row:
                c.fill = fill

    def end(self, direction: str) -> Any:
        ws = self.sheet.ws

        def filled(r: int, c: int) -> bool:
            return 1 <= r <= MAX_ROWS and 1 <= c <= MAX_COLS and ws.cell(r, c).value not in (None, "")
        dr, dc = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}[direction]
        r, c = self.row, self.column
        if filled(r, c) and filled(r + dr, c + dc):
            while filled(r + dr, c + dc):
                r, c = r + dr, c + dc
        else:
            r, c = r + dr, c + dc
            limit_r, limit_c = (ws.max_row if dr > 0 else 1), (ws.max_column if dc > 0 else 1)
            while not filled(r, c) and ((dr and r != limit_r) or (dc and c != limit_c)):
                r, c = r + dr, c + dc
        return Range(self.sheet, (max(r, 1), max(c, 1)))


class Names(base_classes.Names):
    def __init__(self, book: Book, store: Any):
        self.book, self.store = book, store

    def __call__(self, name_or_index: Any) -> Any:
        count("name")
        if name_or_index not in self.store:
            raise KeyError(name_or_index)
        return Name(self.book, self.store, name_or_index)

    def contains(self, name_or_index: Any) -> bool:
        return name_or_index in self.store

    def __len__(self) -> int:
        return len(self.store)


class Name(base_classes.Name):
    def __init__(self, book: Book, store: Any, key: str):
        self.book, self.store, self.key = book, store, key

    name = property(lambda self: self.key)
    refers_to = property(lambda self: "=" + self.store[self.key].attr_text)


class Tables(base_classes.Tables):
    def __init__(self, sheet: Sheet):
        self.sheet = sheet

    def __call__(self, key: Any) -> Any:
        count("table")
        return Table(self.sheet, self.sheet.ws.tables[key])

    def __len__(self) -> int:
        return len(self.sheet.ws.tables)

    def __iter__(self) -> Any:
        return (Table(self.sheet, t) for t in list(self.sheet.ws.tables.values()))

    def __contains__(self, key: Any) -> bool:
        return key in self.sheet.ws.tables


class Table(base_classes.Table):
    def __init__(self, sheet: Sheet, t: Any):
        self.sheet, self.t = sheet, t

    api = property(lambda self: self.t)
    parent = property(lambda self: self.sheet)
    name = property(lambda self: self.t.displayName)
    show_totals = property(lambda self: bool(self.t.totalsRowCount))

    @property
    def range(self) -> Any:
        count("table.range")
        c1, r1, c2, r2 = range_boundaries(self.t.ref)
        return Range(self.sheet, (r1, c1), (r2, c2))

    def resize(self, range: Any) -> None:
        count("table.resize")
        self.t.ref = range.impl.address.replace("$", "")
        if self.t.autoFilter is not None:
            self.t.autoFilter.ref = self.t.ref


PICTURES: dict[int, list[Any]] = {}  # sheet id → pictures (openpyxl keeps no names for images)


class Pictures(base_classes.Pictures):
    """Pictures are recorded (name, file, anchor cell), not embedded: the harness never shows them."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._list = PICTURES.setdefault(id(sheet.ws), [])

    parent = property(lambda self: self.sheet)
    count = property(lambda self: len(self._list))

    def __call__(self, key: Any) -> Any:
        for p in self._list:
            if p.name == key:
                return p
        raise KeyError(key)

    def __len__(self) -> int:
        return len(self._list)

    def __iter__(self) -> Any:
        return iter(list(self._list))

    def __contains__(self, key: Any) -> bool:
        return any(p.name == key for p in self._list)

    def add(self, filename: str, link_to_file: bool, save_with_document: bool, left: Any, top: Any, width: Any,
            height: Any, anchor: Any = None) -> Any:
        count("picture")
        if not os.path.isfile(filename):
            raise FileNotFoundError(filename)
        pic = Picture(self, filename, anchor.impl.address if anchor is not None else None, width, height)
        self._list.append(pic)
        if anchor is not None:  # embedded too, so that a saved copy can be looked at (LibreOffice → PNG)
            import io

            from openpyxl.drawing.image import Image

            with open(filename, "rb") as f:
                img = Image(io.BytesIO(f.read()))
            if width and height:
                img.width, img.height = width * 4 / 3, height * 4 / 3  # points → pixels
            self.sheet.ws.add_image(img, anchor.impl.address.replace("$", ""))
        return pic


class Picture(base_classes.Picture):
    def __init__(self, pictures: Pictures, filename: str, anchor: str | None, width: Any, height: Any):
        self.pictures, self.filename, self.anchor, self.size = pictures, filename, anchor, (width, height)
        self._name = f"Picture {len(pictures._list) + 1}"
        with open(filename, "rb") as f:
            self.png = f.read(8)  # the file is temporary: keep enough to check it was a PNG

    parent = property(lambda self: self.pictures.sheet)

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        count("picture.name")
        self._name = value

    def delete(self) -> None:
        count("picture.delete")
        self.pictures._list.remove(self)


engine = Engine()


def activate() -> None:
    import xlwings as xw

    if "openpyxl" not in [e.name for e in xw.engines]:
        xw.engines.add(xw.Engine(impl=engine))
    xw.engines["openpyxl"].activate()


def open_caller(path: str) -> Any:
    """Open a workbook in the harness and make it the `Book.caller()` of the macros."""
    import xlwings as xw

    activate()
    for app in engine.apps:  # one workbook at a time, like a user with one Excel window
        app.books._books.clear()
    book = xw.Book(str(path))
    book.set_mock_caller()
    return book
