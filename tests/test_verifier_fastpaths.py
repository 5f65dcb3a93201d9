"""The shortcuts `syc verifier` takes on ten years of rows give exactly what the general path gives:
the normalised texts of the fingerprints, the payload of `document_hash`, and the cells `check_table`
does not convert because their conversion cannot fail."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from pyxl.core import audit
from pyxl.core.issues import Refused
from pyxl.workbook.cells import LazyValues, converter, normaliser
from pyxl.workbook.filestore import FileStore
from pyxl.workbook.schema import Column, Kind
from pyxl.workbook.sheetstore import _sound

# cells as calamine gives them, usual and unusual
CELLS = [None, "", "  Chaudière   gaz  ", "x", "12", "-0,004", "1 234,50", "3.14159", "oui", True, False, 0.0, -0.0,
         0.004, -0.004, 0.005, -0.005, 1.0, 12.5, 2.1, 5.5, 1234.567, 1e-7, 123456789012.34, 1e15, -1e15, 1e16,
         float("nan"), float("inf"), 7, dt.date(2026, 12, 5), dt.datetime(2026, 12, 5, 14, 30, 5), 46000.0,
         "05/12/2026", "2026-12-05", "pas une date"]
KINDS = [Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP, Kind.MONEY, Kind.DECIMAL, Kind.RATE, Kind.DATE, Kind.INT]


def general(col: Column, v: object) -> str | type[Exception]:
    """normalise(converter(v)), or the exception's type when the cell cannot be read."""
    try:
        return audit.normalise(converter(col)(v))
    except Exception as exc:  # a date serial too big raises OverflowError: the same is expected
        return type(exc)


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_normaliser_gives_the_texts_of_the_general_path(kind):
    col = Column("k", "K", kind)
    norm = normaliser(col)
    for v in CELLS:
        expected = general(col, v)
        if isinstance(expected, str):
            assert norm(v) == expected, (kind, v)
        else:
            with pytest.raises(expected):
                norm(v)


def test_normaliser_never_writes_minus_zero():
    assert normaliser(Column("k", "K", Kind.MONEY))(-0.004) == "0.00"
    assert normaliser(Column("k", "K", Kind.RATE))(-0.0) == "0.00"


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_sound_cells_always_convert_and_the_others_are_still_converted(kind):
    col = Column("k", "K", kind)
    sound, convert = _sound(col, False), converter(col)
    for v in CELLS:
        if sound(v):
            convert(v)  # never raises
    if kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        assert sound(12.5) and not sound(1e16) and not sound(float("nan")) and not sound("12,50")
        with pytest.raises(ValueError):
            convert(1e16)
    if kind is Kind.DATE:
        assert sound(dt.date(2026, 1, 2)) and not sound("pas une date") and not sound(46000.0)
    if kind is Kind.INT:
        assert sound(3.0) and not sound(3.5) and not sound("trois")


def test_lazy_rows_fingerprint_like_plain_mappings():
    cols = [Column("ref", "Réf", Kind.TEXT), Column("amount", "Montant", Kind.MONEY),
            Column("qty", "Qté", Kind.DECIMAL), Column("day", "Date", Kind.DATE)]
    columns = {c.key: (i, c, converter(c), normaliser(c)) for i, c in enumerate(cols)}
    plans: dict = {}
    raws = [[" F1 ", 12.5, 2.0, dt.date(2026, 1, 2)], ["F2", -0.0, 0.333, 46000.0], ["F3", "1 234,5"]]
    lazy = [LazyValues(r, columns, ["absent"], ("Factures", n), plans) for n, r in enumerate(raws, 2)]
    plain = [{c.key: converter(c)(r[i] if i < len(r) else None) for i, c in enumerate(cols)} for r in raws]
    keys = ("ref", "amount", "absent", "unknown", "qty", "day")
    for lz, pl in zip(lazy, plain, strict=True):
        assert lz.normalised(keys) == [audit.normalise(pl.get(k)) for k in keys]
        assert audit.document_hash("tFactures", "F", lz, keys, lazy, ("qty", "amount")) == \
            audit.document_hash("tFactures", "F", pl, keys, plain, ("qty", "amount"))
    bad = LazyValues(["F4", "douze"], columns, [], ("Factures", 9), plans)
    with pytest.raises(Refused) as info:
        bad.normalised(keys)
    assert info.value.issues[0].where == "Factures, ligne 9"


def test_document_hash_payload_is_json_dumps():
    row = {"a": 'guillemet " barre \\ saut\n tab\t é € \u2028 \x01', "b": Decimal("-0.00"), "c": Decimal("1.5")}
    lines = [{"a": "z", "b": Decimal("2")}, {"a": "a", "b": None}]
    head = [audit.normalise(row.get(k)) for k in "abc"]
    body = sorted([audit.normalise(x.get(k)) for k in "ab"] for x in lines)
    for ref, ls, b in (('R"é', lines, body), ("R", (), [])):
        payload = json.dumps(["tFactures", ref, head, b], ensure_ascii=False, separators=(",", ":"))
        assert audit.document_hash("tFactures", ref, row, "abc", ls, "ab") == \
            hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _rezip(path: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _cell_ref(store: FileStore, table: str, key: str, rownum: int) -> str:
    loc = store.package.table(table)
    index = next(i for i, c in enumerate(store._columns(store.schema.table(table))[1]) if c is not None and c.key == key)
    n, col = loc.ref[0] + index, ""
    while n:
        n, r = divmod(n - 1, 26)
        col = chr(65 + r) + col
    return f"{col}{rownum}"


def _set_cell(xml: bytes, ref: str, inner: bytes) -> bytes:
    """The cell `ref` made of `inner` (its attributes but its type kept)."""
    found = re.search(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', xml)
    assert found, ref
    attrs = re.sub(rb'\s*t="[^"]*"', b"", found.group(1))
    return xml[:found.start()] + b'<c r="' + ref.encode() + b'"' + attrs + inner + b"</c>" + xml[found.end():]


def test_check_table_still_names_a_number_too_big_and_a_text_in_a_date(demo_bytes, tmp_path):
    book = tmp_path / "SYC_Gestion.xlsm"
    book.write_bytes(demo_bytes)
    store = FileStore(book)
    article, rule = store.rows("tArticles")[0], store.rows("tReglesTVA")[0]
    assert store.check_table("tArticles") == [] and store.check_table("tReglesTVA") == []
    edits = {}
    for table, key, row, inner in (("tArticles", "unit_price", article, b"><v>1E+16</v>"),
                                   ("tReglesTVA", "valid_from", rule, b' t="inlineStr"><is><t>hier</t></is>')):
        part = store.package.table(table).sheet_part
        with zipfile.ZipFile(book) as z:
            xml = edits.get(part) or z.read(part)
        edits[part] = _set_cell(xml, _cell_ref(store, table, key, row.row), inner)
    store.close()
    _rezip(book, edits)
    store = FileStore(book)
    found = store.check_table("tArticles")
    assert [i.where for i in found] == [article.where] and "trop grand" in found[0].message
    found = store.check_table("tReglesTVA")
    assert [i.where for i in found] == [rule.where] and "« Du »" in found[0].message


def _lazy_rows() -> list:
    from pyxl.workbook.store import Row

    cols = [Column("ref", "Réf", Kind.TEXT), Column("amount", "Montant", Kind.MONEY), Column("qty", "Qté", Kind.DECIMAL)]
    columns = {c.key: (i, c, converter(c), normaliser(c)) for i, c in enumerate(cols)}
    raws = [["".join(["Dupont ", "x" * (n % 2 + 1)]), 12.5 if n % 3 else -0.0, float(n % 2)] for n in range(6)] + [["F", "douze"]]
    return [Row(LazyValues([*r], columns, [], ("Factures", n)), n, "Factures") for n, r in enumerate(raws, 2)]


def test_shared_cells_read_the_same_values_with_one_object_per_text():
    from pyxl.workbook.cells import share_cells

    before, rows = _lazy_rows(), _lazy_rows()
    share_cells([r.values._raw for r in rows])  # the parsed sheet's rows, which the typed rows read
    for a, b in zip(before[:-1], rows[:-1], strict=True):
        assert dict(a.values) == dict(b.values)
        assert a.values.normalised(("ref", "amount", "qty")) == b.values.normalised(("ref", "amount", "qty"))
    assert rows[0]["ref"] is rows[2]["ref"] and before[0]["ref"] is not before[2]["ref"]
    with pytest.raises(Refused):
        rows[-1]["amount"]


def test_transient_values_are_the_same_and_not_kept():
    from pyxl.workbook.store import transient

    rows = _lazy_rows()
    view = transient(rows[1].values)
    assert dict(view) == dict(_lazy_rows()[1].values) and view.get("nope", 7) == 7 and view.get("qty") == Decimal(1)
    assert rows[1].values._cache == {}  # nothing converted was kept in the row
    rows[1]["ref"]
    assert transient(rows[1].values)["ref"] == "Dupont xx"
    for read in (lambda v: v["amount"], lambda v: v.get("amount")):
        with pytest.raises(Refused) as info:
            read(transient(rows[-1].values))
        assert info.value.issues[0].where == "Factures, ligne 8"
    plain = {"a": 1}
    assert transient(plain) is plain


@pytest.mark.parametrize("raw", [1.2e11, float("nan"), float("inf"), -1e9])
def test_a_number_that_is_no_calendar_day_is_a_french_refusal_not_a_crash(raw):
    from pyxl.workbook.cells import from_cell

    with pytest.raises(ValueError, match="n'est pas une date"):
        from_cell(Column("date", "Date", Kind.DATE), raw)


def test_the_verifier_pauses_the_cyclic_collector_and_gives_it_back(monkeypatch):
    """The checks run without Python's cyclic collector (its full passes walked ten years of cells);
    it is on again afterwards, and stays off for a caller that had turned it off."""
    import gc

    from pyxl.services import maintenance

    seen = []
    monkeypatch.setattr(maintenance, "_check_everything", lambda *a: seen.append(gc.isenabled()) or ([], 0, 0))
    assert gc.isenabled()
    assert maintenance.check_everything(None, dt.date(2026, 6, 30)) == ([], 0, 0)  # type: ignore[arg-type]
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        maintenance.check_everything(None, dt.date(2026, 6, 30))  # type: ignore[arg-type]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_sheet_parsed_by_calamine_gives_its_freed_cells_back_once(book: Path, monkeypatch):
    """The C heap is trimmed after each sheet calamine parses (ten years of cells: tens of MB kept
    otherwise), not on each later read of the same parsed sheet."""
    from pyxl.workbook import filestore

    calls = []
    monkeypatch.setattr(filestore, "trim_heap", lambda: calls.append(1))
    store = FileStore(book)
    loc = store.package.table("tClients")
    grid = store._grid(loc)
    assert grid and calls == [1]
    assert store._grid(loc) is grid and calls == [1]
    monkeypatch.undo()
    filestore.trim_heap()  # harmless anywhere (a no-op where the C library has no malloc_trim)


def test_plans_found_by_the_identity_of_the_keys_give_the_same_values():
    """`pick` and `normalised` find their plan by the identity of a tuple of keys (asked of every
    row); a list, a copy of the tuple, and one tuple asked of both give the same values."""
    rows = _lazy_rows()[:-1]
    keys = ("qty", "ref", "amount")
    for r in rows:
        expected_pick = [r.values.get(k) for k in keys]
        expected_texts = [audit.normalise(r.values.get(k)) for k in keys]
        for asked in (keys, list(keys), tuple(list(keys)), (*keys, "nope")[:3]):
            assert r.values.pick(asked) == expected_pick
            assert r.values.normalised(asked) == expected_texts
        assert r.values.pick((*keys, "nope")) == [*expected_pick, None]
        assert r.values.normalised((*keys, "nope")) == [*expected_texts, ""]
