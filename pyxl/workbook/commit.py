"""Locking and atomic commit of the workbook file: the OS lock every writer takes, the refusal
while Excel or LibreOffice holds the file, temporary file + fsync + backup + atomic rename +
directory fsync, and the audit anchor kept beside the workbook."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from pyxl.core import audit
from pyxl.core.issues import Issue, Refused
from pyxl.workbook import backups

LOCK_TIMEOUT_S = float(os.environ.get("SYC_LOCK_TIMEOUT", "30"))
# test hook: pause (seconds) right before the atomic rename, to kill a writer mid-write
PAUSE_BEFORE_RENAME = "SYC_TEST_PAUSE_BEFORE_RENAME"


# --------------------------------------------------------------------------- locks
def office_lock(book: Path) -> str | None:
    """Name of the lock file Excel or LibreOffice keeps beside an open workbook, if any."""
    name = book.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")
    for c in candidates:
        if (book.parent / c).exists():
            return c
    return None


def lock_path(book: Path) -> Path:
    return book.parent / f".{book.name}.syc-verrou"


@contextmanager
def write_lock(book: Path, timeout: float | None = None) -> Iterator[None]:
    """The OS lock every writer (syc, the Excel macros) takes before touching the file."""
    from filelock import FileLock, Timeout

    # one lock object per file in this process, re-entrant: a migration or a restore may call
    # replace_file while already holding the lock
    lock = FileLock(str(lock_path(book)), is_singleton=True)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_S if timeout is None else timeout)
    except Timeout:
        raise Refused(Issue(
            "store.busy",
            f"Le classeur {book.name} est en cours de modification par une autre commande SYC "
            f"depuis plus de {int(LOCK_TIMEOUT_S if timeout is None else timeout)} s. "
            "Réessayez dans un instant.",
            book.name,
        )) from None
    try:
        yield
    finally:
        lock.release()



def refuse_if_open(book: Path) -> None:
    lock = office_lock(book)
    if lock:
        raise Refused(Issue(
            "store.open",
            f"Le classeur « {book.name} » est ouvert dans Excel ou LibreOffice. Fermez-le, puis relancez la "
            f"commande. S'il n'est ouvert nulle part (après un plantage), supprimez le fichier « {lock} ».",
            book.name))


def anchor_path(book: Path) -> Path:
    return book.parent / f".{book.name}.syc-ancre"


def write_anchor(book: Path, tail: audit.Entry | None) -> None:
    """Remember the journal's last row beside the workbook (atomically); None removes it."""
    path = anchor_path(book)
    if tail is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(f"{tail.seq} {tail.hash}\n".encode("ascii"))  # the same bytes on every system
    os.replace(tmp, path)


def read_anchor(book: Path) -> tuple[int, str] | None:
    try:
        seq, hash_ = anchor_path(book).read_text(encoding="ascii").split()
        return int(seq), hash_
    except (OSError, ValueError):
        return None


def remove_stale_temporaries(book: Path) -> None:
    """Temporary copies left by a writer killed before its rename (call with the lock held:
    no other writer can be using them)."""
    for p in book.parent.glob(f".{glob.escape(book.name)}.*.tmp"):
        with suppress(OSError):
            p.unlink()


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(book: Path, new_bytes_path: Path) -> None:
    """Atomically put a whole file in place of the workbook (restores, migrations), after a backup."""
    with write_lock(book):
        refuse_if_open(book)
        remove_stale_temporaries(book)
        fd, tmp = tempfile.mkstemp(prefix=f".{book.name}.", suffix=".tmp", dir=book.parent)
        try:
            with os.fdopen(fd, "wb") as f, open(new_bytes_path, "rb") as src:
                while chunk := src.read(1 << 20):
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if book.exists():
                backups.backup(book)
                shutil.copymode(book, tmp)
            os.replace(tmp, book)
            fsync_dir(book.parent)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def atomic_write(book: Path, write: Callable[[BinaryIO], None], before_rename: Callable[[], None] | None = None) -> None:
    """Write a new version of the workbook: temporary file beside it, fsync, backup of the old one,
    atomic rename, directory fsync. `before_rename` runs last before the rename (closing readers
    of the old file). Call with the write lock held."""
    directory = book.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{book.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        backups.backup(book, replaced=True)  # the old file stays as it is: a link to it is its backup
        pause = os.environ.get(PAUSE_BEFORE_RENAME)
        if pause:
            import time

            time.sleep(float(pause))
        if before_rename is not None:
            before_rename()
        shutil.copymode(book, tmp)  # mkstemp made it 0600: keep the workbook's permissions
        os.replace(tmp, book)
        fsync_dir(directory)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
