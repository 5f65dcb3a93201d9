"""Big zip entries deflated in independent chunks, so that a write recompresses only what changed.

A big part (a sheet of ten years of invoices: 20-30 MB of XML) is compressed as a sequence of
chunks of about CHUNK_BYTES, each one by its own compressor and ended by a full flush (Z_FULL_FLUSH:
byte-aligned, no back-reference into what precedes), then an empty final block. That is one
ordinary deflate stream, which Excel, LibreOffice and every zip reader inflate as usual; but a
chunk's compressed bytes stay valid whatever precedes them. The chunk list (uncompressed length,
compressed length, CRC-32 of each) is kept in the entry's extra field under a private header id,
which zip readers skip (APPNOTE 4.5.2) and Excel drops when it saves the file.

On the next write of that part, `splice` finds each old chunk again, byte for byte, in the new
bytes of the part (they follow the same order) and copies its compressed bytes verbatim; only the
bytes between two reused chunks (the edited rows, the appended rows, the <dimension>) are
compressed again. The entry's CRC-32 is combined from the chunks' (ISA-L's crc32_combine).

The index is trusted only when it agrees with the entry (sizes, and the chunks' CRCs combined
give the entry's CRC): a file saved by another program has none or a stale one, and its parts are
compressed whole, in chunks again, on the first write.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

try:  # ISA-L: about three times zlib's level 1 for the same size; exposes crc32_combine
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - installed with SYC Gestion
    _isal = None  # type: ignore[assignment]

CHUNK_BYTES = 128 * 1024  # uncompressed bytes per chunk (deflate's window is 32 KB: no ratio lost)
EXTRA_ID = 0x5953  # the extra field's header id ("SY"), not among those APPNOTE registers
_VERSION = 1
_HEAD = struct.Struct("<HHBI")  # header id, data size, version, number of chunks
_REC = struct.Struct("<III")  # per chunk: uncompressed length, compressed length, CRC-32
FINAL = b"\x03\x00"  # an empty final block (fixed Huffman, BFINAL set): ends the stream
_PROBE = 64  # bytes of an old chunk searched for in the new bytes
# how far from where it was expected an old chunk is looked for (plus the part's growth): edits
# of a few rows move the rest by a few KB; a chunk moved further is compressed again (slower, as sound)
_WINDOW = 1 << 20
# what a write compresses again is small (the edited chunks: a few hundred KB): zlib's level 6,
# 25 % smaller than ISA-L's level 1 on these sheets for 2 ms a chunk; a whole part (the first write
# after another program saved the file, a migration) goes through ISA-L's level 1, ten times faster
FAST_ABOVE = 1 << 20


@dataclass(frozen=True)
class Chunk:
    ulen: int
    clen: int
    crc: int


# --------------------------------------------------------------------------- the extra field
def encode_index(chunks: list[Chunk]) -> bytes:
    """The extra field record naming the chunks; b"" when they do not fit in one (64 KB)."""
    size = 5 + _REC.size * len(chunks)
    if size + 4 > 0xFFFF:
        return b""
    return _HEAD.pack(EXTRA_ID, size, _VERSION, len(chunks)) + b"".join(
        _REC.pack(c.ulen, c.clen, c.crc) for c in chunks)


def only_index(extra: bytes) -> bytes:
    """Our record of an extra field, without the others (b"" when it has none)."""
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack_from("<HH", extra, i)
        if hid == EXTRA_ID:
            return extra[i:i + 4 + size]
        i += 4 + size
    return b""


def read_index(extra: bytes, file_size: int, compress_size: int, crc: int) -> list[Chunk] | None:
    """The chunks of an entry, or None when it has no index or one that disagrees with the entry."""
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack_from("<HH", extra, i)
        if hid == EXTRA_ID:
            body = extra[i + 4:i + 4 + size]
            if len(body) < 5 or body[0] != _VERSION:
                return None
            (n,) = struct.unpack_from("<I", body, 1)
            if len(body) != 5 + n * _REC.size:
                return None
            chunks = [Chunk(*rec) for rec in _REC.iter_unpack(body[5:])]
            if (sum(c.ulen for c in chunks) != file_size
                    or sum(c.clen for c in chunks) + len(FINAL) != compress_size
                    or combine_crcs(chunks) != crc):
                return None
            return chunks
        i += 4 + size
    return None


# --------------------------------------------------------------------------- CRC-32
def crc32(data: bytes | memoryview) -> int:
    return _isal.crc32(data) if _isal is not None else zlib.crc32(data)


def combine_crcs(chunks: list[Chunk]) -> int:
    """The CRC-32 of the chunks' concatenation, from theirs (zlib's crc32_combine, through ISA-L)."""
    assert _isal is not None
    crc = 0
    for c in chunks:
        crc = _isal.crc32_combine(crc, c.crc, c.ulen)
    return crc


def available() -> bool:
    """Chunked writing needs ISA-L's crc32_combine (python-isal ≥ 1.6)."""
    return _isal is not None and hasattr(_isal, "crc32_combine")


# --------------------------------------------------------------------------- compressing
def _compress_one(piece: bytes | memoryview, fast: bool) -> tuple[bytes, Chunk]:
    if fast and _isal is not None:
        c = _isal.compressobj(1, _isal.DEFLATED, -15)
        raw = c.compress(piece) + c.flush(_isal.Z_FULL_FLUSH)
    else:
        z = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = z.compress(piece) + z.flush(zlib.Z_FULL_FLUSH)
    return raw, Chunk(len(piece), len(raw), crc32(piece))


def _bounds(data: bytes, start: int, end: int) -> list[int]:
    """Cut points of data[start:end] into pieces of about CHUNK_BYTES, each cut before a "<row"
    (else before a "<", else anywhere) so that a chunk begins with a row where it can."""
    cuts = [start]
    pos = start
    while end - pos > CHUNK_BYTES + CHUNK_BYTES // 2:
        target = pos + CHUNK_BYTES
        limit = min(end, target + CHUNK_BYTES // 2)
        cut = data.find(b"<row", target, limit)
        if cut < 0:
            cut = data.find(b"<", target, limit)
        if cut < 0:
            cut = target
        cuts.append(cut)
        pos = cut
    cuts.append(end)
    return cuts


def _compress_region(data: bytes, start: int, end: int, out: list[tuple[bytes, Chunk]],
                     fast: bool | None = None) -> None:
    """Compress data[start:end] in chunks; `fast` (ISA-L level 1) by default for a big region."""
    view = memoryview(data)
    cuts = _bounds(data, start, end)
    if fast is None:
        fast = end - start > FAST_ABOVE
    for a, b in pairwise(cuts):
        if b > a:
            out.append(_compress_one(view[a:b], fast))


def _assemble(pieces: list[tuple[bytes, Chunk]]) -> tuple[bytes, int, bytes]:
    chunks = [c for _, c in pieces]
    raw = b"".join([*(r for r, _ in pieces), FINAL])
    crc = combine_crcs(chunks) if chunks else 0
    return raw, crc, encode_index(chunks)


def compress(data: bytes, fast: bool = True) -> tuple[bytes, int, bytes]:
    """(raw deflate, CRC-32, extra field record) of a part compressed whole, in chunks: fast
    (ISA-L's level 1) or small (zlib's level 6, what XlsxWriter uses: the workbook builder)."""
    pieces: list[tuple[bytes, Chunk]] = []
    _compress_region(data, 0, len(data), pieces, fast)
    return _assemble(pieces)


def splice(old_data: bytes, old_raw: bytes, old_chunks: list[Chunk],
           new_data: bytes) -> tuple[bytes, int, bytes]:
    """(raw deflate, CRC-32, extra field record) of `new_data`, reusing the compressed bytes of
    every old chunk found unchanged, in order, in the new bytes; the rest is compressed again.

    `old_data`, `old_raw` and `old_chunks` are the part as it is in the file (its index checked by
    `read_index`). Whatever is reused, the result inflates to exactly `new_data`: a chunk is reused
    only where the new bytes hold it byte for byte."""
    pieces: list[tuple[bytes, Chunk]] = []
    old_view = memoryview(old_data)  # compared in place (bytes.startswith: memcmp, no copy)
    window = _WINDOW + abs(len(new_data) - len(old_data))
    pending = 0  # start of the new bytes not yet covered
    old_cursor = 0  # end (old coordinates) of the last chunk reused
    uoff = coff = 0
    for ch in old_chunks:
        piece = old_view[uoff:uoff + ch.ulen]
        found = -1
        # looked for where it would be if what was dropped before it had been replaced by as many
        # bytes, then within the window around that place
        guess = pending + (uoff - old_cursor)
        if guess + ch.ulen <= len(new_data) and new_data.startswith(piece, guess):
            found = guess
        else:
            probe = old_data[uoff:uoff + _PROBE]
            limit = min(len(new_data), guess + ch.ulen + window)
            at = new_data.find(probe, max(pending, guess - window), limit)
            for _ in range(4):  # the probe is nearly always unique (it holds a row number)
                if at < 0:
                    break
                if at + ch.ulen <= len(new_data) and new_data.startswith(piece, at):
                    found = at
                    break
                at = new_data.find(probe, at + 1, limit)
        if found >= 0:
            if found > pending:
                _compress_region(new_data, pending, found, pieces)
            pieces.append((old_raw[coff:coff + ch.clen], ch))
            pending = found + ch.ulen
            old_cursor = uoff + ch.ulen
        uoff += ch.ulen
        coff += ch.clen
    if pending < len(new_data):
        _compress_region(new_data, pending, len(new_data), pieces)
    return _assemble(pieces)


def deflate_part(new_data: bytes, old: Callable[[], tuple[bytes, bytes, list[Chunk]] | None] | None
                 ) -> tuple[bytes, int, bytes]:
    """The part's new compressed bytes: spliced from its old chunks when `old` gives them (old
    bytes, old raw deflate, old index), else compressed whole in chunks."""
    prev = old() if old is not None else None
    if prev is not None:
        return splice(prev[0], prev[1], prev[2], new_data)
    return compress(new_data)
