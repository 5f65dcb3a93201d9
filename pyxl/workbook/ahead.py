"""The workbook's sheets parsed by python-calamine, some of them ahead, in background threads.

Calamine parses a sheet without holding Python's lock (the GIL): only the hand-over of its cells
to Python objects (`to_python`) holds it. A reader that knows which big sheets it will read, in
which order (`syc verifier`), has them parsed by other threads while it checks the previous
ones, on the other cores. At most `limit` sheets wait parsed and not yet taken (each holds tens
of MB on ten years), and a sheet asked for before a thread has begun it is parsed at once by the
caller: the reader never waits for a sheet no thread has begun. Nothing is parsed twice.

Each thread has its own calamine workbook (one object is used by one thread at a time, and each
holds the shared strings, about 17 MB on ten years): the first one is kept for the reader's own
parses, the others are dropped when their thread has nothing left to parse."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

_QUEUED, _PARSING, _DONE = "queued", "parsing", "done"


class Parser:
    def __init__(self, path: Path):
        self.path = path
        self._books: dict[int, Any] = {}  # thread slot → its calamine workbook (slot 0: also the reader's)
        self._locks: dict[int, threading.Lock] = {0: threading.Lock()}  # one call into a workbook at a time
        self._cond = threading.Condition()
        self._state: dict[str, str] = {}  # sheet → queued | parsing | done
        self._done: dict[str, tuple[Any, BaseException | None]] = {}  # sheet → (parsed sheet, error)
        self._queue: deque[str] = deque()
        self._limit = 1
        self._threads: dict[int, threading.Thread] = {}
        self._closed = False

    def ahead(self, sheets: Sequence[str], limit: int = 1, threads: int = 1) -> None:
        """Parse these sheets in this order in the background, by up to `threads` threads, at most
        `limit` of them waiting to be taken (after those queued before)."""
        with self._cond:
            self._closed = False
            self._limit = max(1, limit)
            for s in sheets:
                if s not in self._state:
                    self._state[s] = _QUEUED
                    self._queue.append(s)
            if self._queue:
                self._start(threads)
            self._cond.notify_all()

    def _start(self, threads: int) -> None:
        """Threads up to `threads` (the condition held)."""
        for slot in range(max(1, threads)):
            if slot not in self._threads:
                self._locks.setdefault(slot, threading.Lock())
                t = self._threads[slot] = threading.Thread(target=self._run, args=(slot,),
                                                           name=f"syc-lecture-{slot}", daemon=True)
                t.start()

    def grid(self, sheet: str) -> list[list[Any]]:
        """The sheet's cells, row by row from A1 (empty cells None or "", as calamine gives them)."""
        return self._take(sheet).to_python(skip_empty_area=False)

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        """(row index from 0, cells from column A) of the sheet's rows that hold something, as
        `grid` gives them, without building the whole grid: for a sheet read once (memory)."""
        parsed = self._take(sheet)
        start = parsed.start
        if start is None:  # an empty sheet
            return
        first, pad = start[0], [""] * start[1]
        for i, row in enumerate(parsed.iter_rows(), first):
            yield i, (pad + row if pad else row)

    def _take(self, sheet: str) -> Any:
        """The parsed sheet (calamine's), parsed ahead or now."""
        parsed, error = None, None
        with self._cond:
            while self._state.get(sheet) == _PARSING:
                self._cond.wait()
            state = self._state.pop(sheet, None)
            if state == _DONE:
                parsed, error = self._done.pop(sheet)
                self._cond.notify_all()  # a place for the next one
        if error is not None:
            raise error
        if parsed is None:  # not parsed ahead, or not yet begun (no thread takes it now)
            with self._locks[0]:
                parsed = self._workbook(0).get_sheet_by_name(sheet)
        return parsed

    def forget(self, sheet: str) -> None:
        """The sheet will not be read: drop it if parsed ahead, skip it if not begun."""
        with self._cond:
            if self._state.get(sheet) in (_QUEUED, _DONE):
                del self._state[sheet]
                self._done.pop(sheet, None)
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._queue.clear()
            self._cond.notify_all()
            threads = list(self._threads.values())
        for t in threads:
            t.join()  # at most the sheet each is parsing
        with self._cond:
            self._threads.clear()
            self._state.clear()
            self._done.clear()
        self._books.clear()

    def _workbook(self, slot: int) -> Any:
        """The calamine workbook of this slot (its lock held), opened at its first parse."""
        book = self._books.get(slot)
        if book is None:
            import python_calamine

            book = self._books[slot] = python_calamine.CalamineWorkbook.from_path(str(self.path))
        return book

    def _run(self, slot: int) -> None:
        try:
            while True:
                with self._cond:
                    while not self._closed and self._queue and len(self._done) >= self._limit:
                        self._cond.wait()
                    if self._closed or not self._queue:
                        return
                    sheet = self._queue.popleft()
                    if self._state.get(sheet) != _QUEUED:
                        continue  # taken by the reader meanwhile, or forgotten
                    self._state[sheet] = _PARSING
                parsed, error = None, None
                try:
                    with self._locks[slot]:
                        parsed = self._workbook(slot).get_sheet_by_name(sheet)
                except BaseException as exc:  # handed to the reader, which says what is wrong
                    error = exc
                with self._cond:
                    if self._state.get(sheet) == _PARSING:
                        self._state[sheet] = _DONE
                        self._done[sheet] = (parsed, error)
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._threads.pop(slot, None)
                if slot:
                    with self._locks[slot]:
                        self._books.pop(slot, None)  # its shared strings: memory the reader needs
                self._cond.notify_all()
