"""Big parts deflated in chunks (`zchunks`): a write recompresses only the chunks it changed.

Properties: after any edits, the spliced entry inflates (as any zip reader does) to exactly the
bytes a full rewrite would hold; an index that disagrees with its entry is ignored; the store
keeps the index through writes of other parts and splices on the next write of the part.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ooxml_check import assert_valid, assert_zip_sound

from pyxl.workbook import ooxml, zchunks
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import UNITS

UNIT = UNITS[0]

pytestmark = pytest.mark.skipif(not zchunks.available(), reason="python-isal sans crc32_combine")


def sheet(n: int, tag: str = "v") -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s %d</t></is></c><c r="B%d"><v>%d</v></c></row>'
                    % (i, i, tag.encode(), i * 7919 % 1000, i, i * 31) for i in range(1, n + 1))
    return (b'<?xml version="1.0"?><worksheet><dimension ref="A1:B%d"/><sheetData>' % n + rows
            + b"</sheetData><tableParts count=\"1\"/></worksheet>")


def inflate(raw: bytes) -> bytes:
    d = zlib.decompressobj(-15)
    out = d.decompress(raw) + d.flush()
    assert d.eof and not d.unused_data  # one complete stream, nothing after its final block
    return out


def reused(old_raw: bytes, old_chunks: list[zchunks.Chunk], new_raw: bytes) -> int:
    """How many old chunks' compressed bytes are found verbatim in the new stream."""
    n, off = 0, 0
    for c in old_chunks:
        if old_raw[off:off + c.clen] in new_raw:
            n += 1
        off += c.clen
    return n


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zchunks, "CHUNK_BYTES", 2048)


@pytest.mark.parametrize("fast", [True, False])
def test_a_part_compressed_in_chunks_is_one_deflate_stream_with_a_valid_index(small_chunks: None, fast: bool) -> None:
    data = sheet(2000)
    raw, crc, extra = zchunks.compress(data, fast)
    assert inflate(raw) == data and crc == zlib.crc32(data)
    chunks = zchunks.read_index(extra, len(data), len(raw), crc)
    assert chunks is not None and len(chunks) > 20
    assert sum(c.ulen for c in chunks) == len(data)


def test_an_index_that_disagrees_with_its_entry_is_ignored(small_chunks: None) -> None:
    data = sheet(500)
    raw, crc, extra = zchunks.compress(data)
    assert zchunks.read_index(extra, len(data), len(raw), crc) is not None
    assert zchunks.read_index(extra, len(data) + 1, len(raw), crc) is None  # re-saved by another program
    assert zchunks.read_index(extra, len(data), len(raw) - 1, crc) is None
    assert zchunks.read_index(extra, len(data), len(raw), crc ^ 1) is None
    assert zchunks.read_index(b"", len(data), len(raw), crc) is None
    assert zchunks.read_index(extra[:-3], len(data), len(raw), crc) is None  # truncated record
    # other records of the extra field are skipped
    other = b"\x55\x54\x05\x00\x01\x00\x00\x00\x00"
    assert zchunks.read_index(other + extra, len(data), len(raw), crc) is not None
    assert zchunks.only_index(other + extra) == extra


def test_appending_and_updating_a_row_recompresses_only_the_chunks_touched(small_chunks: None) -> None:
    old = sheet(3000)
    old_raw, old_crc, extra = zchunks.compress(old)
    chunks = zchunks.read_index(extra, len(old), len(old_raw), old_crc)
    assert chunks is not None
    new = (old.replace(b'<dimension ref="A1:B3000"/>', b'<dimension ref="A1:B3001"/>')
           .replace(b"<t>v 1474</t>", b"<t>modifi\xc3\xa9 &amp; plus long</t>", 1)
           .replace(b"</sheetData>", b'<row r="3001"><c r="B3001"><v>1</v></c></row></sheetData>'))
    raw, crc, extra2 = zchunks.splice(old, old_raw, chunks, new)
    assert inflate(raw) == new and crc == zlib.crc32(new)
    assert zchunks.read_index(extra2, len(new), len(raw), crc) is not None
    # head (dimension), the updated row's chunk and the last one: the rest is copied as it was
    assert reused(old_raw, chunks, raw) >= len(chunks) - 3


edits = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.integers(0, 10**9),
                           st.integers(0, 5000), st.binary(max_size=3000)), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(0, 1500), ops=edits, twice=st.booleans())
@example(n=0, ops=[("replace", 0, 114, b"")], twice=True)  # everything deleted: an empty part, no chunk
def test_any_edits_splice_to_exactly_the_new_bytes(small_chunks: None, n: int, ops: list, twice: bool) -> None:
    old = sheet(n)
    raw, crc, extra = zchunks.compress(old)
    for _ in range(2 if twice else 1):
        chunks = zchunks.read_index(extra, len(old), len(raw), crc)
        assert chunks is not None
        new = bytearray(old)
        for op, at, length, text in ops:
            at = at % (len(new) + 1)
            if op == "replace":
                new[at:at + length] = text
            elif op == "insert":
                new[at:at] = text
            else:
                del new[at:at + length]
        new_b = bytes(new)
        raw, crc, extra = zchunks.splice(old, raw, chunks, new_b)
        assert inflate(raw) == new_b and crc == zlib.crc32(new_b)
        old = new_b


def test_old_chunks_repeated_in_the_new_bytes_are_reused_only_where_they_match(small_chunks: None) -> None:
    block = b"<row r=\"1\">" + b"x" * 5000 + b"</row>"
    old = block * 6
    raw, crc, extra = zchunks.compress(old)
    chunks = zchunks.read_index(extra, len(old), len(raw), crc)
    assert chunks is not None
    new = block[:3000] + b"CHANGED" + old
    raw2, crc2, _ = zchunks.splice(old, raw, chunks, new)
    assert inflate(raw2) == new and crc2 == zlib.crc32(new)


# --------------------------------------------------------------------------- through the store
def many_clients(first: int, n: int) -> ChangeSet:
    cs = ChangeSet()
    for i in range(first, first + n):
        cs.append("tClients", {"code": f"C{i:05}", "kind": "Particulier", "name": f"Client n° {i} & fils",
                               "city": "Lyon", "notes": "x" * 200})
    return cs


def entry(path: Path, part: str) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as z:
        return z.getinfo(part)


def test_the_store_splices_a_big_sheet_and_keeps_its_index(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ooxml, "BIG_PART", 50_000)
    monkeypatch.setattr(zchunks, "CHUNK_BYTES", 8192)
    as_of, now = dt.date(2026, 3, 15), dt.datetime(2026, 3, 15, 10, 30)
    FileStore(book).apply(many_clients(1, 400), as_of=as_of, now=now)
    part = ooxml.Package(str(book)).table("tClients").sheet_part
    info = entry(book, part)
    assert info.file_size > ooxml.BIG_PART
    chunks = zchunks.read_index(info.extra, info.file_size, info.compress_size, info.CRC)
    assert chunks is not None and len(chunks) > 10
    # a write of another part copies the sheet raw, its index with it
    cs = ChangeSet()
    cs.append("tArticles", {"code": "ART-1", "designation": "Article", "unit": UNIT,
                            "unit_price": Decimal("10"), "vat_rate": Decimal("0.2")})
    FileStore(book).apply(cs, as_of=as_of, now=now)
    assert entry(book, part).extra == info.extra
    with zipfile.ZipFile(book) as z:
        old_raw = ooxml._raw_bytes(z, z.getinfo(part))
    # an update of the first client and one more client: most chunks copied verbatim
    store = FileStore(book)
    first = store.rows("tClients")[0]
    cs = many_clients(401, 1)
    cs.update("tClients", first, {"name": "Nom changé"})
    store.apply(cs, as_of=as_of, now=now)
    info2 = entry(book, part)
    with zipfile.ZipFile(book) as z:
        new_raw = ooxml._raw_bytes(z, z.getinfo(part))
    assert zchunks.read_index(info2.extra, info2.file_size, info2.compress_size, info2.CRC) is not None
    assert reused(old_raw, chunks, new_raw) >= len(chunks) - 3
    got = FileStore(book).rows("tClients")
    assert len(got) == 401 and got[0]["name"] == "Nom changé" and got[-1]["code"] == "C00401"
    assert_zip_sound(book)
    assert_valid(book)


def test_a_book_saved_by_another_program_is_written_whole_then_spliced(book: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-zipped without our extra field (as Excel saves): the part is compressed whole, in chunks."""
    monkeypatch.setattr(ooxml, "BIG_PART", 50_000)
    monkeypatch.setattr(zchunks, "CHUNK_BYTES", 8192)
    as_of, now = dt.date(2026, 3, 15), dt.datetime(2026, 3, 15, 10, 30)
    FileStore(book).apply(many_clients(1, 300), as_of=as_of, now=now)
    buf = io.BytesIO()
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    book.write_bytes(buf.getvalue())
    part = ooxml.Package(str(book)).table("tClients").sheet_part
    assert entry(book, part).extra == b""
    FileStore(book).apply(many_clients(301, 1), as_of=as_of, now=now)
    info = entry(book, part)
    assert zchunks.read_index(info.extra, info.file_size, info.compress_size, info.CRC) is not None
    assert [r["code"] for r in FileStore(book).rows("tClients")][-2:] == ["C00300", "C00301"]
    assert_zip_sound(book)


def test_chunks_moved_further_than_the_search_window_are_compressed_again(small_chunks: None,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zchunks, "_WINDOW", 1024)
    old = sheet(1500)
    raw, crc, extra = zchunks.compress(old)
    chunks = zchunks.read_index(extra, len(old), len(raw), crc)
    assert chunks is not None
    # 30 KB inserted at the top, 30 KB deleted further down: the size is the same, the chunks between moved
    cut = len(old) // 2
    new = old[:100] + b"<!--" + b"y" * 30_000 + b"-->" + old[100:cut] + old[cut + 30_007:]
    raw2, crc2, extra2 = zchunks.splice(old, raw, chunks, new)
    assert inflate(raw2) == new and crc2 == zlib.crc32(new)
    assert zchunks.read_index(extra2, len(new), len(raw2), crc2) is not None
    assert reused(raw, chunks, raw2) >= len(chunks) // 4  # those after the deleted stretch are in place again
