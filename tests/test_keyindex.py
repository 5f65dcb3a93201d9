"""The key index (pyxl.workbook.keyindex): rows found through it are exactly those a full read
gives, it follows the FileStore's own writes, and it is ignored as soon as a part is not the one it
was made for (a file saved by another program, a restored backup)."""

from __future__ import annotations

import random
import shutil
import zipfile
from typing import Any

import pytest
from test_fastread import AS_OF, HOSTILE, LINES_SCHEMA, line_rows

from pyxl.core.issues import Refused
from pyxl.excel.builder import build
from pyxl.workbook import fastread, keyindex, ooxml, zchunks
from pyxl.workbook.filestore import ChangeSet, FileStore

KEYS = ("piece", "notes", "n")


@pytest.fixture(autouse=True)
def _lines_indexed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(keyindex.KEYS, "tLignesTest", KEYS)


def full(book: Any, key: str, values: set[str]) -> list[tuple[int, dict[str, Any]]]:
    """The oracle: the whole table typed, filtered by the key's text."""
    rows = FileStore(book, LINES_SCHEMA).rows("tLignesTest")
    return [(r.row, dict(r.values)) for r in rows if fastread.text_of(_cell(r, key)) in values]


def _cell(r: Any, key: str) -> Any:
    v = r.get(key)
    return "" if v is None else float(v) if key == "n" else v


def by_key(book: Any, key: str, values: set[str], spy: list[str] | None = None) -> list[tuple[int, dict[str, Any]]]:
    store = FileStore(book, LINES_SCHEMA)
    return [(r.row, dict(r.values)) for r in store.rows_where("tLignesTest", key, values)]


def no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sheet search fail: an answer must come from the index."""
    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("recherche dans toute la feuille")
    monkeypatch.setattr(fastread, "rows_with_key", refuse)


def probes(rnd: random.Random) -> list[set[str]]:
    pieces = ["F2026-0001", "F2026-00012", "F2026-00013", "BROUILLON-12", "BROUILLON-1", "ABSENT", *HOSTILE[:4]]
    return [{rnd.choice(pieces)} for _ in range(6)] + [set(rnd.sample(pieces, 3)), {"12"}, {"7", "3"}]


@pytest.mark.parametrize(("seed", "chunked"), [(1, False), (2, False), (3, True), (4, True), (5, True)])
def test_random_books_by_key_equals_full_read(tmp_path, monkeypatch, seed, chunked):
    """Random books (built, then written by the store: appends, updates of key cells, blanked
    rows): every key read through the index gives the rows of the full read, in order; and the
    last rows too. `chunked`: the sheet deflated in small chunks, read chunk by chunk."""
    if chunked:
        monkeypatch.setattr(ooxml, "BIG_PART", 4000)
        monkeypatch.setattr(zchunks, "CHUNK_BYTES", 1500)
    rnd = random.Random(seed)
    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(rnd, rnd.randint(30, 400))})
    assert keyindex.build(FileStore(book, LINES_SCHEMA)) == 14  # the schema's 13, and the test table
    for step in range(4):
        cs = ChangeSet()
        for r in line_rows(rnd, rnd.randint(1, 30)):
            cs.append("tLignesTest", r)
        last = FileStore(book, LINES_SCHEMA).tail("tLignesTest")[0].row
        for num in rnd.sample(range(2, last + 1), min(5, last - 1)):
            cs.update("tLignesTest", num, rnd.choice([{"piece": rnd.choice(["F2026-0001", "NOUVEAU-1", ""])},
                                                      {"notes": rnd.choice(HOSTILE)}, {"n": rnd.randint(1, 9)},
                                                      {"designation": "pas une clé"},
                                                      dict.fromkeys(KEYS)]))
        FileStore(book, LINES_SCHEMA).apply(cs, as_of=AS_OF)
        if step == 3:  # a write that changes no key still changes the part's sums
            only = ChangeSet()
            only.update("tLignesTest", 2, {"designation": "autre"})
            FileStore(book, LINES_SCHEMA).apply(only, as_of=AS_OF)
        info = zipfile.ZipFile(book).getinfo(ooxml.Package(str(book)).table("tLignesTest").sheet_part)
        assert keyindex.KeyIndex(book).valid(info.filename, info.CRC, info.file_size), step
        with monkeypatch.context() as m:
            no_search(m)
            for key in KEYS:
                for values in [*probes(rnd), {"NOUVEAU-1"}]:
                    got = by_key(book, key, values)
                    assert got == full(book, key, values), (step, key, values)
        store = FileStore(book, LINES_SCHEMA)
        part = store.package.table("tLignesTest").sheet_part
        assert (store.package.chunks(part) is not None) == chunked
        for n in (1, 3, 50, 10_000):
            got_tail = [(r.row, dict(r.values)) for r in store.tail("tLignesTest", n)]
            assert got_tail == [(r.row, dict(r.values)) for r in FileStore(book, LINES_SCHEMA).rows("tLignesTest")][-n:]
        store.rows_where("tLignesTest", "piece", {"F2026-0001"})
        assert (store.package.cached(part) is None) == chunked  # read by chunks: the part never inflated whole


def test_a_part_changed_elsewhere_is_searched_again(tmp_path, monkeypatch):
    """The sheet saved by another program (here: the index's sums no longer match): the index is
    ignored, the sheet searched, and the answer is still right."""
    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(random.Random(4), 50)})
    keyindex.build(FileStore(book, LINES_SCHEMA))
    saved = tmp_path / "index"
    shutil.copyfile(keyindex.index_path(book), saved)
    cs = ChangeSet()
    cs.append("tLignesTest", {"piece": "APRES-1", "n": 1})
    FileStore(book, LINES_SCHEMA).apply(cs, as_of=AS_OF)
    shutil.copyfile(saved, keyindex.index_path(book))  # an index older than the file
    with monkeypatch.context() as m:
        no_search(m)
        with pytest.raises(AssertionError, match="toute la feuille"):
            by_key(book, "piece", {"APRES-1"})
    assert [v["piece"] for _, v in by_key(book, "piece", {"APRES-1"})] == ["APRES-1"]
    # and the next write through it does not make it valid again
    FileStore(book, LINES_SCHEMA).apply(cs, as_of=AS_OF)
    assert len(by_key(book, "piece", {"APRES-1"})) == 2
    with monkeypatch.context() as m:
        no_search(m)
        with pytest.raises(AssertionError):
            by_key(book, "piece", {"APRES-1"})


def test_without_index_nothing_changes(tmp_path):
    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(random.Random(5), 40)})
    cs = ChangeSet()
    cs.append("tLignesTest", {"piece": "X-1", "n": 2})
    FileStore(book, LINES_SCHEMA).apply(cs, as_of=AS_OF)
    assert not keyindex.index_path(book).exists()
    assert by_key(book, "piece", {"X-1"}) == full(book, "piece", {"X-1"})


def test_find_row_bisects():
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2, 3000, 3))
    data = b"<sheetData>" + rows + b"</sheetData>"
    lo, hi = len(b"<sheetData>"), len(data) - len(b"</sheetData>")
    for num in (2, 5, 1499, 2999, 2996):
        s, e = fastread.find_row(data, lo, hi, num)  # type: ignore[misc]
        assert data[s:e] == b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (num, num, num)
    for num in (1, 3, 1500, 3000, 9999):
        assert fastread.find_row(data, lo, hi, num) is None
    with pytest.raises(ooxml.PackageError):  # a row number that cannot be read
        bad = b'<row r="x"></row>' * 1000
        fastread.find_row(bad, 0, len(bad), 5)


def test_shared_strings_from_checkpoints_read_the_same(tmp_path):
    """A workbook whose texts are shared strings (XlsxWriter): every string read from the index's
    checkpoints is the one the full index gives, and a part that changed gets none."""
    rows = line_rows(random.Random(6), 700)
    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": rows})
    keyindex.build(FileStore(book, LINES_SCHEMA))
    pkg = ooxml.Package(str(book))
    part = fastread.shared_strings_part(pkg)
    assert part is not None
    info = pkg.zip.getinfo(part)
    marks = keyindex.KeyIndex(book).strings(part, info.CRC, info.file_size)
    assert marks is not None and marks[0] > 2 * fastread.CHECKPOINT
    assert keyindex.KeyIndex(book).strings(part, info.CRC ^ 1, info.file_size) is None
    data = pkg.read(part)
    whole, quick = fastread._SharedStrings(data), fastread._SharedStrings(data, marks)
    for i in [*range(0, marks[0], 7), marks[0] - 1]:
        assert quick.text(i) == whole.text(i), i
    assert quick._starts is None  # found from the checkpoints, without indexing every string
    with pytest.raises(ooxml.PackageError):
        quick.text(marks[0])
    # and the store reads the same rows through them
    assert by_key(book, "piece", {"F2026-0001"}) == full(book, "piece", {"F2026-0001"})


def test_verifier_reads_make_a_stale_entry_again(tmp_path, monkeypatch):
    """A book without index (or saved by Excel): checking its tables (syc verifier) makes the
    entries again, and the next by-key read goes through them."""
    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(random.Random(9), 400)})
    assert not keyindex.index_path(book).exists()
    store = FileStore(book, LINES_SCHEMA)
    assert store.check_table("tLignesTest") == []
    store.close()
    with monkeypatch.context() as m:
        no_search(m)
        assert by_key(book, "piece", {"F2026-00012"}) == full(book, "piece", {"F2026-00012"})


def test_an_index_that_fails_is_left_for_the_sheet_search(tmp_path, monkeypatch):
    """An index SQLite cannot read (a network share refusing its locks, a damaged file): the store
    searches the sheet and answers the same."""
    import sqlite3

    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(random.Random(6), 60)})
    keyindex.build(FileStore(book, LINES_SCHEMA))

    def broken(*_a: Any, **_k: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(keyindex.KeyIndex, "rows_for", broken)
    assert by_key(book, "piece", {"F2026-00012"}) == full(book, "piece", {"F2026-00012"})


def test_a_plain_sheet_is_written_without_a_scan_for_array_formulas_and_stays_plain(tmp_path, monkeypatch):
    """The index knows the sheet holds no array formula: a write does not scan ten years of rows
    for one, and the sheet it writes (values only) is known plain in turn; the bytes are those the
    scanning path writes."""
    book, twin = tmp_path / "b.xlsm", tmp_path / "t" / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(random.Random(7), 80)})
    twin.parent.mkdir()
    shutil.copyfile(book, twin)  # no index: the scanning path
    keyindex.build(FileStore(book, LINES_SCHEMA))
    part = ooxml.Package(str(book)).table("tLignesTest").sheet_part

    def sums(path: Any) -> tuple[int, int]:
        info = zipfile.ZipFile(path).getinfo(part)
        return info.CRC, info.file_size

    assert keyindex.KeyIndex(book).plain(part, *sums(book))
    cs = ChangeSet()
    cs.append("tLignesTest", {"piece": "APRES-1", "n": 1})
    cs.update("tLignesTest", 3, {"notes": "array & <b>"})  # the word in a value: still no formula
    with monkeypatch.context() as m:
        def refuse(*_a: Any, **_k: Any) -> Any:
            raise AssertionError("toute la feuille parcourue")
        m.setattr(ooxml, "_array_ranges", refuse)
        FileStore(book, LINES_SCHEMA).apply(cs, as_of=AS_OF)
    FileStore(twin, LINES_SCHEMA).apply(cs, as_of=AS_OF)
    assert zipfile.ZipFile(book).read(part) == zipfile.ZipFile(twin).read(part)
    assert keyindex.KeyIndex(book).plain(part, *sums(book))


def test_a_sheet_with_an_array_formula_is_never_plain_and_its_cells_are_kept(tmp_path):
    """An array formula (typed in Excel) over rows of the table: the index does not call the sheet
    plain, and a write into the formula's range is refused as before."""
    book = tmp_path / "b.xlsm"
    build(book, LINES_SCHEMA, {"tLignesTest": line_rows(random.Random(8), 20)})
    part = ooxml.Package(str(book)).table("tLignesTest").sheet_part
    data = zipfile.ZipFile(book).read(part)
    at = data.index(b'<c r="A3"')
    at = data.index(b">", at) + 1
    patched = tmp_path / "p.xlsm"
    with open(patched, "wb") as f:
        ooxml.rewrite(zipfile.ZipFile(book), f, {part: data[:at] + b'<f t="array" ref="A3:A4">1</f>' + data[at:]})
    keyindex.build(FileStore(patched, LINES_SCHEMA))
    info = zipfile.ZipFile(patched).getinfo(part)
    assert keyindex.KeyIndex(patched).valid(part, info.CRC, info.file_size)
    assert not keyindex.KeyIndex(patched).plain(part, info.CRC, info.file_size)
    cs = ChangeSet()
    cs.update("tLignesTest", 4, {"piece": "DEDANS"})
    with pytest.raises(Refused, match="matricielle"):
        FileStore(patched, LINES_SCHEMA).apply(cs, as_of=AS_OF)
