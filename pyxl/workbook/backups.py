"""Rotating backups in `sauvegardes/` beside the workbook, taken before every write.

Kept: the 30 most recent, then the first one of each day for 30 days (the state at the start of
that day), then the first one of each month for 24 months. A backup is copied under a temporary name and renamed, so a backup with its
final name is always complete.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

KEEP_RECENT = 30
KEEP_DAILY_DAYS = 30
KEEP_MONTHLY = 24
DIRNAME = "sauvegardes"
_STAMP = re.compile(r"_(\d{4}-\d{2}-\d{2})_(\d{6})_(\d{6})(\.[^.]+)$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: dt.datetime
    size: int


def folder(book: Path) -> Path:
    return book.parent / DIRNAME


def backup(book: Path, now: dt.datetime | None = None, *, replaced: bool = False) -> Path:
    """Copy the workbook into sauvegardes/ and prune old copies. Returns the backup's path.

    `replaced`: the caller is about to put a new file in the workbook's place (atomic rename), so
    the file as it is now will never change again: the backup is a hard link to it, not a copy
    (no 17 MB written and synced on every action of a big workbook); a copy where links fail."""
    now = now or dt.datetime.now()
    d = folder(book)
    d.mkdir(exist_ok=True)
    name = f"{book.stem}_{now:%Y-%m-%d_%H%M%S_%f}{book.suffix}"
    target = d / name
    n = 1
    while target.exists():  # two writes in the same microsecond (tests): keep both
        target = d / f"{book.stem}_{now:%Y-%m-%d_%H%M%S}_{(now.microsecond + n) % 1_000_000:06d}{book.suffix}"
        n += 1
    if replaced:
        try:
            os.link(book, target)
        except OSError:
            pass  # a file system without hard links: copy
        else:
            prune(book, keep=target)
            return target
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as out, open(book, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(book, tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    prune(book, keep=target)
    return target


def listing(book: Path) -> list[Backup]:
    """Backups of this workbook, most recent first."""
    d = folder(book)
    if not d.is_dir():
        return []
    out = []
    for p in d.iterdir():
        if not p.name.startswith(book.stem + "_"):
            continue
        m = _STAMP.search(p.name)
        # the same name with another extension (SYC.xlsx beside SYC.xlsm) is another workbook
        if not m or p.name[: m.start()] != book.stem or m.group(4).lower() != book.suffix.lower():
            continue
        taken = dt.datetime.strptime(m.group(1) + m.group(2) + m.group(3), "%Y-%m-%d%H%M%S%f")
        try:
            size = p.stat().st_size
        except FileNotFoundError:  # pruned by another writer while we list
            continue
        out.append(Backup(p, taken, size))
    return sorted(out, key=lambda b: b.taken, reverse=True)


def prune(book: Path, keep: Path | None = None) -> list[Path]:
    """Delete the backups the policy no longer keeps (never `keep`, the one just taken, even if
    the clock was wrong when it was named)."""
    items = listing(book)
    kept: set[Path] = {b.path for b in items[:KEEP_RECENT]}
    if keep is not None:
        kept.add(keep)
    first_of_day: dict[dt.date, Backup] = {}
    first_of_month: dict[tuple[int, int], Backup] = {}
    for b in items:  # newest first, so the last one seen is the day's (month's) first
        first_of_day[b.taken.date()] = b
        first_of_month[(b.taken.year, b.taken.month)] = b
    kept |= {first_of_day[d].path for d in sorted(first_of_day, reverse=True)[:KEEP_DAILY_DAYS]}
    kept |= {first_of_month[m].path for m in sorted(first_of_month, reverse=True)[:KEEP_MONTHLY]}
    removed = []
    for b in items:
        if b.path not in kept:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    # leftovers of a copy interrupted by a crash
    for p in folder(book).glob(".*.tmp"):
        p.unlink(missing_ok=True)
    return removed
