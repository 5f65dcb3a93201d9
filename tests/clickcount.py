"""The user's side of the click-count scenario (issue 17): an office assistant in front of the
workbook, played through the harness of `tests/xlharness.py` (not Excel), with every action she
makes counted.

Counting rules (the issue's):
  * a click (a cell of a row, a button on a sheet or in the ribbon) counts one;
  * a choice in a drop-down list counts one;
  * a change of sheet (clicking its tab) counts one;
  * a confirmation (Oui/Non, the OK of a message box) counts one;
  * a typed field (a cell, the answer of a question) counts one;
  * an accepted pre-filled value (a default answer, a value the workbook filled in) counts zero.
What is typed is kept, so that the scenario can assert that nothing is typed twice (no document
number, code or amount retyped from another sheet).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import xlharness as H

import pyxl.macros as macros
from pyxl.excel import registry
from pyxl.excel.runner import encode

KINDS = ("clic", "choix", "feuille", "confirmation", "saisie")


@dataclass
class Assistant:
    book: Any
    sheet: str = "Accueil"
    rows: dict[str, int] = field(default_factory=dict)  # the active cell's row, per sheet
    steps: list[tuple[str, str]] = field(default_factory=list)  # (kind, what)
    typed: list[str] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)

    # ------------------------------------------------------------------ counting
    def count(self, kind: str, what: str) -> None:
        assert kind in KINDS, kind
        self.steps.append((kind, what))

    @property
    def total(self) -> int:
        return len(self.steps)

    def by_kind(self) -> Counter[str]:
        return Counter(k for k, _ in self.steps)

    def typed_twice(self) -> list[str]:
        """Values typed more than once; small whole numbers (a quantity of 1 on two lines, a 10 %)
        are not information retyped."""
        seen = Counter(t.strip().casefold() for t in self.typed if not (t.strip().isdigit() and len(t.strip()) < 4))
        return sorted(t for t, n in seen.items() if n > 1)

    # ------------------------------------------------------------------ what she does
    def goto(self, sheet: str) -> None:
        if self.sheet != sheet:
            self.count("feuille", sheet)
            self.sheet = sheet
            self.book.sheets[sheet].activate()

    def select(self, row: int) -> None:
        """Click in a row of the current sheet."""
        if self.rows.get(self.sheet) != row:
            self.count("clic", f"{self.sheet} ligne {row}")
            self.rows[self.sheet] = row

    def type(self, cell: tuple[int, int], value: Any, what: str = "") -> None:
        """Type a value in a cell of the current sheet (text as Excel keeps it: quote-prefixed)."""
        self.count("saisie", what or f"{self.sheet} {cell}")
        self.typed.append(str(value))
        self.book.sheets[self.sheet].range(cell).value = "'" + value if isinstance(value, str) else value

    def choose(self, cell: tuple[int, int], value: Any, what: str = "") -> None:
        """Pick a value in the cell's drop-down list."""
        self.count("choix", what or f"{self.sheet} {cell}")
        self.book.sheets[self.sheet].range(cell).value = "'" + value if isinstance(value, str) else value

    def accept(self, what: str) -> None:
        """A value the workbook filled in, kept as it is: counts zero."""

    def confirm(self, what: str) -> None:
        self.count("confirmation", what)

    def button(self, function: str, *answers: str | None, from_home: bool = False,
               confirmations: int = 0) -> dict[str, Any]:
        """Click the action's button (on the current sheet or in the ribbon; `from_home`: on Accueil)
        and answer its questions: a string is typed, None keeps the question's default.
        `confirmations`: the Oui/Non questions of the sub before Python runs; every message box
        Python shows (an answer to read, a warning, a refusal, a Oui/Non) is one more confirmation.
        Afterwards she is where the macro left her: the sheet it showed, the row it selected."""
        a = registry.by_function(function)
        if from_home:
            self.goto("Accueil")
        self.count("clic", f"bouton « {a.label} »")
        if from_home and a.sheet and not a.form:
            self.sheet = a.sheet  # the sub shows the action's sheet, on its selected row
        if from_home and a.sheet and a.form:
            self.sheet = a.sheet
            return {"ok": True, "message": "", "data": {}}
        for _ in range(confirmations):
            self.confirm(f"« {a.label} » : oui")
        given: list[str] = []
        for ask, answer in zip(a.asks, answers + (None,) * (len(a.asks) - len(answers)), strict=True):
            if answer is None:
                given.append(ask.default)
                self.accept(ask.prompt)
            else:
                self.count("saisie", ask.prompt)
                self.typed.append(answer)
                given.append(answer)
        fn = getattr(macros, function)
        shown = len(H.ALERTS)
        selected = dict(H.SELECTED)
        result: dict[str, Any] = fn(encode(self.sheet), self.rows.get(self.sheet, 1), *(encode(x) for x in given))
        self.answers.append(result)
        for _title, text in H.ALERTS[shown:]:
            self.confirm(f"message de « {a.label} » : {text[:60]}")
        self.sheet = str(self.book.api.active.title)
        if selected != H.SELECTED:
            self.rows[str(H.SELECTED["sheet"])] = int(H.SELECTED["row"])
        return result
