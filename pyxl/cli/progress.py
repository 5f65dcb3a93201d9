"""Progress of the long commands (syc demo --annees, verifier, relances executer, publipostage,
rapport --archives), always on stderr, so that stdout holds only the answer:
  * stderr is a terminal: a bar (tqdm), erased when the command ends;
  * stderr is not a terminal (log, pipe, scheduled job): plain French lines,
    « Vérification : 3/24 — lecture de « Devis » », one per phase, at most one a second within a phase;
  * --json: nothing at all (stdout stays pure JSON, stderr holds only real errors).

The long functions (services, documents, workbook builder) take an optional callback
`progress(label, step, total)`: step `step` (from 1) of `total` begins, `label` says what it is, in
French. They import nothing from here: `Bar` is such a callback, `Bar.within` maps the steps of
one function into a larger count.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

Progress = Callable[[str, int, int], None]
PLAIN_INTERVAL = 1.0  # seconds between two plain lines of the same phase
DESC_WIDTH = 52  # characters of « title — label » before the bar


class Bar:
    def __init__(self, title: str, *, quiet: bool = False, stream: TextIO | None = None,
                 terminal: bool | None = None):
        self.title = title
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        if terminal is None:
            isatty = getattr(self.stream, "isatty", None)
            terminal = bool(isatty and isatty())
        self.terminal = terminal
        self._bar: Any = None
        self._label = ""
        self._shown = 0.0
        self._step = 0
        self._total = 0

    def __call__(self, label: str, step: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        restart = step < self._step or total != self._total  # a new count (the next function)
        self._step, self._total = step, total
        if self.terminal:
            self._draw(label, step, total, restart)
        else:
            now = time.monotonic()
            if label != self._label or step >= total or now - self._shown >= PLAIN_INTERVAL:
                print(f"{self.title} : {step}/{total} — {label}", file=self.stream, flush=True)
                self._shown = now
        self._label = label

    def _draw(self, label: str, step: int, total: int, restart: bool) -> None:
        desc = f"{self.title} — {label}"[:DESC_WIDTH].ljust(DESC_WIDTH)  # the bar stays in place
        if self._bar is None:
            import shutil

            from tqdm import tqdm

            # the size read once, with shutil's fallback: tqdm draws nothing on a terminal that
            # reports 0 columns or 0 lines (some pseudo-terminals do)
            size = shutil.get_terminal_size()
            self._bar = tqdm(total=total, desc=desc, file=self.stream, leave=False, ncols=min(size.columns, 120),
                             nrows=max(size.lines, 2),
                             bar_format="{desc} {percentage:3.0f} % |{bar}| {n_fmt}/{total_fmt} [{elapsed}]")
        elif restart:
            self._bar.reset(total=total)
        bar = self._bar
        bar.set_description_str(desc, refresh=False)
        bar.update(max(0, step - 1 - bar.n))
        bar.refresh()

    def within(self, first: int, total: int) -> Progress:
        """A callback for a function counting its own steps 1…n: they become steps first…first+n-1
        of the `total` shown here."""
        def report(label: str, step: int, _n: int) -> None:
            self(label, first + step - 1, total)

        return report

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
