"""`syc verifier` parses the big sheets on the other core (pyxl/workbook/ahead.py) and checks the
quotes' sheets between the other steps: what it finds is exactly what it found reading one sheet
after the other, a sheet asked for before its turn never waits, and an unreadable cell is still
all that is said when a table does not read cleanly (issue 12)."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest
from test_verifier_fastpaths import _cell_ref, _rezip, _set_cell

from pyxl import demo_bulk
from pyxl.services.maintenance import check_everything
from pyxl.workbook import filestore
from pyxl.workbook.ahead import Parser
from pyxl.workbook.filestore import FileStore

AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-year bulk book (quotes, orders, invoices, payments, closures), never modified."""
    book = tmp_path_factory.mktemp("bulk") / "SYC_Gestion.xlsm"
    demo_bulk.generate(book, years=1, scale=0.1)
    return book


@pytest.fixture
def book(bulk: Path, tmp_path: Path) -> Path:
    """A copy of the bulk book with its closure files and key index."""
    folder = tmp_path / "copie"
    shutil.copytree(bulk.parent, folder)
    return folder / bulk.name


@pytest.fixture
def every_sheet_by_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table read as a big one (calamine, parsed ahead), whatever its size."""
    monkeypatch.setattr(filestore, "SMALL_TABLE", 0)


class OneByOne(FileStore):
    """The store without the verifier's helpers: each sheet parsed when first read, kept whole."""

    parse_ahead = None
    check_table_once = None


def _direct(book: Path, sheet: str) -> list[list[object]]:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("syc-lecture")]


def test_sheets_parsed_ahead_are_the_sheets_parsed_directly(bulk: Path) -> None:
    sheets = ["Factures", "Lignes factures", "Règlements", "Devis", "Lignes devis", "Journal d'audit"]
    parser = Parser(bulk)
    parser.ahead(sheets, limit=1, threads=2)
    try:
        # the last first (not begun: parsed by the caller, no wait), then the others in any order
        for sheet in [sheets[-1], sheets[1], sheets[0], *sheets[2:-1]]:
            assert parser.grid(sheet) == _direct(bulk, sheet), sheet
        assert parser.grid("Factures") == _direct(bulk, "Factures")  # asked again: parsed again
        grid = _direct(bulk, "Accueil")  # a sheet whose first column is empty: rows() pads it
        rows = dict(parser.rows("Accueil"))
        assert rows and all(grid[i] == row for i, row in rows.items())
        assert all(not any(x not in (None, "") for x in grid[i]) for i in range(len(grid)) if i not in rows)
    finally:
        parser.close()
    assert _threads() == []


def test_a_sheet_forgotten_or_missing_and_closing_midway(bulk: Path) -> None:
    import python_calamine

    parser = Parser(bulk)
    parser.ahead(["Devis", "Pas une feuille", "Lignes devis", "Factures"], limit=1, threads=1)
    parser.forget("Devis")
    with pytest.raises(python_calamine.CalamineError):
        parser.grid("Pas une feuille")  # the thread's error, handed over
    parser.close()  # while a sheet is parsed or waits: the threads end, nothing is left
    assert _threads() == []
    assert parser.grid("Lignes devis") == _direct(bulk, "Lignes devis")  # still readable after


@pytest.mark.usefixtures("every_sheet_by_calamine")
def test_the_verifier_finds_the_same_with_the_second_core(book: Path) -> None:
    ahead = check_everything(FileStore(book), AS_OF)
    alone = check_everything(OneByOne(book), AS_OF)
    assert ahead == alone and ahead[0] == [] and ahead[1] > 100
    assert _threads() == [] or all(not t.is_alive() for t in threading.enumerate() if t.name.startswith("syc"))


@pytest.mark.usefixtures("every_sheet_by_calamine")
def test_a_table_read_once_finds_what_check_table_finds(book: Path) -> None:
    store = FileStore(book)
    for name in ("tLignesDevis", "tClients", "tFactures"):
        assert store.check_table_once(name) == FileStore(book).check_table(name) == []
    _damage(book, [("tLignesDevis", "qty", 3, b' t="inlineStr"><is><t>trois</t></is>'),
                   ("tLignesDevis", "unit_price", 5, b"><v>1E+16</v>")])
    once, whole = FileStore(book).check_table_once("tLignesDevis"), FileStore(book).check_table("tLignesDevis")
    assert once == whole and len(once) == 2 and "« trois »" in once[0].message


def _damage(book: Path, edits: list[tuple[str, str, int, bytes]]) -> list[str]:
    """Cells typed over (table, column, n-th data row, new cell): where each one is."""
    store = FileStore(book)
    parts: dict[str, bytes] = {}
    where = []
    for table, key, n, inner in edits:
        row = store.rows(table)[n]
        part = store.package.table(table).sheet_part
        import zipfile

        with zipfile.ZipFile(book) as z:
            xml = parts.get(part) or z.read(part)
        parts[part] = _set_cell(xml, _cell_ref(store, table, key, row.row), inner)
        where.append(row.where)
    store.close()
    _rezip(book, parts)
    return where


@pytest.mark.parametrize("calamine_only", [False, True])
def test_an_unreadable_cell_of_a_late_table_is_all_that_is_said(book: Path, calamine_only: bool,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if calamine_only:
        monkeypatch.setattr(filestore, "SMALL_TABLE", 0)
    where = _damage(book, [("tFactures", "total_ttc", 2, b' t="inlineStr"><is><t>beaucoup</t></is>'),
                           ("tLignesDevis", "qty", 4, b' t="inlineStr"><is><t>trois</t></is>'),
                           ("tDevis", "date", 1, b' t="inlineStr"><is><t>hier</t></is>')])
    issues, journal, docs = check_everything(FileStore(book), AS_OF)
    assert (journal, docs) == (0, 0)
    # every one of them, in the order of the tables (Devis, Lignes devis, Factures), and nothing else
    assert [i.where for i in issues] == [where[2], where[1], where[0]]
    assert all(i.code == "store.value" for i in issues)
    assert (issues, journal, docs) == check_everything(OneByOne(book), AS_OF)


def test_only_a_late_table_unreadable(book: Path) -> None:
    where = _damage(book, [("tCommandes", "date", 1, b' t="inlineStr"><is><t>jadis</t></is>')])
    issues, _, _ = check_everything(FileStore(book), AS_OF)
    assert [i.where for i in issues] == where and "jadis" in issues[0].message


@pytest.mark.parametrize("calamine_only", [False, True])
def test_states_of_quotes_and_orders_found_while_their_sheets_are_read(book: Path, calamine_only: bool,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A status typed over (a quote « Accepté » without its date, an order done « Ouverte » again):
    the same problems, in the same order, whether the rows are read one at a time as their
    sheet is checked or typed whole."""
    if calamine_only:
        monkeypatch.setattr(filestore, "SMALL_TABLE", 0)
    store = FileStore(book)
    quote = next(r for r in store.rows("tDevis") if r["status"] == "Accepté")
    order = next(r for r in store.rows("tCommandes") if r["done_on"] is not None)
    store.close()
    where = _damage(book, [("tDevis", "accepted_on", store.rows("tDevis").index(quote), b' t="inlineStr"><is><t></t></is>'),
                           ("tCommandes", "status", store.rows("tCommandes").index(order),
                            b' t="inlineStr"><is><t>Ouverte</t></is>')])
    issues, _, _ = check_everything(FileStore(book), AS_OF)
    assert [(i.code, i.where) for i in issues] == [("devis.statut", where[0]), ("commande.statut", where[1])]
    assert issues == check_everything(OneByOne(book), AS_OF)[0]
