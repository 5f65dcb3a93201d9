"""Junk fed to the statement readers: a damaged file is read or refused with a French message,
never a crash (style guide, rule 11: the robustness sweep)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyxl.core.bank import parse
from pyxl.core.issues import Refused

DATA = Path(__file__).parent / "data" / "bank"
FILES = sorted(p.name for p in DATA.iterdir() if p.suffix in (".xml", ".ofx", ".txt", ".csv"))


def read_or_refuse(data: bytes, name: str) -> None:
    try:
        parse(data, name)
    except Refused as exc:
        assert exc.issues and exc.issues[0].message.startswith("Relevé refusé") and exc.issues[0].code


@pytest.mark.parametrize("name", FILES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1), edits=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=4)), max_size=3))
def test_damaged_files_are_read_or_refused(name, cut, edits):
    data = bytearray((DATA / name).read_bytes())
    for where, junk in edits:
        i = int(where * (len(data) - 1))
        data[i:i + len(junk)] = junk
    read_or_refuse(bytes(data[: max(1, int(cut * len(data)))] if cut < 1 else data), name)


@pytest.mark.parametrize("name", [n for n in FILES if not n.endswith(".csv")])
def test_every_structured_file_cut_short_is_refused(name):
    """CAMT, OFX and CFONB say where they end: any cut before the last element is refused."""
    data = (DATA / name).read_bytes()
    end = data.rstrip()
    for k in range(1, 30):
        cut = end[: len(end) * k // 30]
        with pytest.raises(Refused):
            parse(cut, name)
