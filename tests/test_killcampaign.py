"""kill -9 campaign: a writer appending row after row is killed at random moments.

After each kill the workbook opens, passes the OOXML validator, and holds either the rows of the
writes that completed or those plus the one in flight: never a damaged or half-written file. The
temporary files a killed writer leaves behind do not stop the next write. Some kills land in the
window FileStore opens with SYC_TEST_PAUSE_BEFORE_RENAME, right before its os.replace.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from ooxml_check import assert_valid, assert_zip_sound

from pyxl.workbook import backups
from pyxl.workbook.filestore import ChangeSet, FileStore

pytestmark = pytest.mark.slow

ROUNDS = 45  # about 0.6 s each: ~27 s in all
SEED = int(os.environ.get("SYC_KILL_SEED", "20260315"))

WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from pyxl.workbook.filestore import ChangeSet, FileStore
    path, tag = sys.argv[1], sys.argv[2]
    print("ready", flush=True)
    for i in range(1000):
        cs = ChangeSet()
        cs.append("tSecteurs", {"prefix": f"{tag}-{i}", "sector": "Écrit & tué <9>", "notes": "x" * (i % 50)})
        print("start", i, flush=True)
        FileStore(path).apply(cs, as_of=dt.date(2026, 3, 15))
        print("done", i, flush=True)
""")


def prefixes(path: Path) -> list[str]:
    return [r["prefix"] for r in FileStore(path).rows("tSecteurs")]


def check_intact(path: Path) -> list[str]:
    assert_zip_sound(path)
    assert_valid(path)
    return prefixes(path)


def backup_names(book: Path) -> set[str]:
    """Names of the complete backups, read without stat(): a writer may be pruning them."""
    d = backups.folder(book)
    return {n for n in os.listdir(d) if not n.startswith(".")} if d.is_dir() else set()


def temp_files(book: Path) -> list[Path]:
    return sorted(book.parent.glob(f".{book.name}.*.tmp"))


def test_kill_9_never_damages_the_workbook(book):
    rng = random.Random(SEED)
    expected: list[str] = []
    assert check_intact(book) == []
    killed_in_pause = 0
    for rnd in range(ROUNDS):
        in_pause = rnd % 3 == 2
        env = {**os.environ}
        env.pop("SYC_TEST_PAUSE_BEFORE_RENAME", None)
        if in_pause:
            env["SYC_TEST_PAUSE_BEFORE_RENAME"] = "0.8"
        tag = f"r{rnd}"
        backups_before = backup_names(book)
        temps_before = set(temp_files(book))
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(book), tag], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        seen = []
        try:
            assert proc.stdout is not None
            seen.append(proc.stdout.readline())
            assert seen[0].strip() == "ready"
            if in_pause:
                # the backup is the last step before the pause: once it is there, the writer sleeps
                # with its complete temp file, just before os.replace
                deadline = time.monotonic() + 20
                while not backup_names(book) - backups_before:
                    assert time.monotonic() < deadline, "the writer never reached its rename"
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.4))
            else:
                time.sleep(rng.uniform(0.0, 0.4))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        # read through the same buffered stream as readline() above (communicate() would skip its buffer)
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, err
        words = ("".join(seen) + out).split()
        done = [int(n) for w, n in itertools.pairwise(words) if w == "done"]
        started = [int(n) for w, n in itertools.pairwise(words) if w == "start"]
        assert done == list(range(len(done))) and started[: len(done)] == done
        got = check_intact(book)
        new = [f"{tag}-{i}" for i in range(len(done))]
        in_flight = [f"{tag}-{len(done)}"] if len(started) > len(done) else []
        assert got in (expected + new, expected + new + in_flight), (rnd, len(done), len(started), got[-3:])
        if in_pause:
            killed_in_pause += 1
            assert done == [] and got == expected, "killed before its rename: the old workbook stays"
            # what it left is the complete new workbook, never renamed
            (tmp,) = set(temp_files(book)) - temps_before
            assert check_intact(tmp) == [*expected, f"{tag}-0"]
        expected = got
    assert killed_in_pause == ROUNDS // 3
    # every backup with its final name is a complete workbook
    for b in backups.listing(book):
        with zipfile.ZipFile(b.path) as z:
            assert z.testzip() is None
    # leftovers of killed writers do not stop the next write, which removes them
    cs = ChangeSet()
    cs.append("tSecteurs", {"prefix": "final"})
    FileStore(book).apply(cs, as_of=dt.date(2026, 3, 15))
    assert check_intact(book) == [*expected, "final"]
    assert temp_files(book) == []
