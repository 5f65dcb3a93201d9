"""Big parts go through ISA-L (isal) when installed: the same bytes as zlib, a damaged part still refused."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from pyxl.workbook import ooxml


def big_book(path: Path) -> bytes:
    data = os.urandom(16).hex().encode() * 200_000  # 6,4 MB of XML-like text: above BIG_PART
    assert len(data) > ooxml.BIG_PART
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", data)
    return data


def test_a_big_part_reads_back_the_same_and_deflates_to_what_zlib_inflates(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    data = big_book(path)
    assert ooxml.Package(str(path)).read("xl/worksheets/sheet1.xml") == data
    raw, crc = ooxml._deflate(data)
    import zlib

    assert zlib.decompress(raw, -15) == data and crc == zlib.crc32(data)


def test_a_damaged_big_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    big_book(path)
    raw = bytearray(path.read_bytes())
    i = raw.find(b"sheet1.xml") + 500
    raw[i: i + 64] = b"\0" * 64
    path.write_bytes(bytes(raw))
    with pytest.raises(ooxml.PackageError, match="endommagé"):
        ooxml.Package(str(path)).read("xl/worksheets/sheet1.xml")


def test_big_parts_read_side_by_side_in_threads_are_each_intact(tmp_path: Path) -> None:
    """`FileStore.prefetch` reads several big parts of one package in threads: each read must see
    its own bytes (the zip's file position is shared; found by a corrupted journal read)."""
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "b.xlsx"
    parts = {f"xl/worksheets/sheet{i}.xml": os.urandom(8).hex().encode() * (300_000 + i) for i in range(1, 5)}
    parts |= {f"xl/tables/table{i}.xml": os.urandom(8).hex().encode() * (2_000 + i) for i in range(1, 40)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in parts.items():
            z.writestr(name, data)
    for _ in range(8):
        pkg = ooxml.Package(str(path))
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = dict(zip(parts, pool.map(pkg.read, parts), strict=True))
        assert got == parts
        pkg.close()
