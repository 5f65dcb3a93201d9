"""Shared fixtures: a freshly built workbook in tmp_path, and the committed test data."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from pyxl.excel.builder import build

# Issuing commands also produce their PDF through LibreOffice (about a second each): the suite
# drives thousands of them, so documents are off unless a test turns them on (tests/test_documents*.py).
os.environ.setdefault("SYC_SANS_DOCUMENT", "1")

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
EXCEL_FIXTURES = DATA / "excel"
LIBREOFFICE_BOOK = DATA / "libreoffice" / "SYC_Gestion_LibreOffice.xlsx"
BOOK_NAME = "SYC_Gestion.xlsm"

_built: dict[Any, bytes] = {}


def built_bytes(rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> bytes:
    """The bytes of a workbook built from the schema (cached: a build is deterministic)."""
    key = repr(sorted((k, [sorted(r.items()) for r in v]) for k, v in (rows or {}).items()))
    if key not in _built:
        buf = io.BytesIO()
        build(buf, rows=rows)
        _built[key] = buf.getvalue()
    return _built[key]


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., Path]:
    """make_book(rows=None, name=BOOK_NAME) → path of a fresh built workbook in tmp_path."""

    def make(rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None, name: str = BOOK_NAME) -> Path:
        path = tmp_path / name
        path.write_bytes(built_bytes(rows))
        return path

    return make


@pytest.fixture
def book(make_book: Callable[..., Path]) -> Path:
    """A fresh workbook, built from the schema with no data rows, at tmp_path/SYC_Gestion.xlsm."""
    return make_book()


@pytest.fixture
def excel_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """excel_fixture('table12.xlsx') → a writable copy of an Excel-saved fixture in tmp_path."""

    def copy(name: str) -> Path:
        dst = tmp_path / name
        dst.write_bytes((EXCEL_FIXTURES / name).read_bytes())
        return dst

    return copy


@pytest.fixture
def libreoffice_book(tmp_path: Path) -> Path:
    """A writable copy of the LibreOffice-saved workbook (schema version 1, .xlsx)."""
    dst = tmp_path / "SYC_Gestion_LibreOffice.xlsx"
    dst.write_bytes(LIBREOFFICE_BOOK.read_bytes())
    return dst


# --------------------------------------------------------------------------- the --json contract
# Every --json answer printed through pyxl.cli.main in the suite is validated against its command's
# schema (pyxl/cli/schemas.py), refusals included. With SYC_EXEMPLES_JSON=1, the first successful
# answer of each command is written to docs/json/ as the published example (paths made neutral).
EXAMPLES = TESTS.parent / "docs" / "json"
_examples: dict[str, dict[str, Any]] = {}


def _validate(payload: dict[str, Any]) -> None:
    import jsonschema

    from pyxl.cli import schemas

    schema = schemas.schema_for(payload)
    success = schema["oneOf"][0 if payload.get("ok") else 1] if "oneOf" in schema else schema
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(success).iter_errors(payload))
    if error is not None:
        raise AssertionError(f"réponse --json hors contrat ({payload.get('action')}) : {error.message[:300]} "
                             f"à {list(error.absolute_path)}")
    action = payload.get("action")
    # the example: the demo book's answer where test_json_contract makes one, else the first
    if payload.get("ok") and isinstance(action, str) and (action not in _examples or _current[0] == "contract"):
        _examples[action] = payload


_current = [""]


def pytest_runtest_setup(item: pytest.Item) -> None:
    _current[0] = "contract" if item.path.name == "test_json_contract.py" else ""


def _neutral(text: str) -> str:
    """Temporary folders of the test run → a reader's folder; the throwaway cluster's URL → an
    office's server."""
    import re

    text = re.sub(r"postgresql://[^@\"\s]*@[^/\"\s]*/[^\"\s»]*\?host=/tmp/[^\"\s»]*",
                  "postgresql://marie@serveur-syc/syc", text)
    return re.sub(r"/tmp/pytest-of-[^/]+/pytest-\d+/[^/\"]+", "/home/syc/gestion", text)


def pytest_configure(config: pytest.Config) -> None:
    import pyxl.cli

    pyxl.cli.JSON_OBSERVERS.append(_validate)


def pytest_unconfigure(config: pytest.Config) -> None:
    import json

    if os.environ.get("SYC_EXEMPLES_JSON") and _examples:
        EXAMPLES.mkdir(parents=True, exist_ok=True)
        for action, payload in sorted(_examples.items()):
            name = EXAMPLES / (action.replace(" ", "-") + ".json")
            name.write_text(_neutral(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- the demo book
DEMO_DAY = "2025-01-06"  # the day `syc init --demo` is made, in the sales-chain tests


@pytest.fixture(scope="module")
def demo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """`syc init --demo` once per test module (its clients C00001–C00003 and the six articles)."""
    import contextlib

    from pyxl.cli import main

    path = tmp_path_factory.mktemp("demo") / "SYC_Gestion.xlsm"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(path), "--au", DEMO_DAY]) == 0
    return path.read_bytes()



@pytest.fixture
def wb(demo_bytes: bytes, stores: Any, monkeypatch: pytest.MonkeyPatch) -> Any:  # noqa: F811 (pgfixtures, below)
    """The demo book, documents off, as a `Book` (tests/test_sales_chain.py): in a workbook file, and
    (a second run) in a PostgreSQL base. A test module with a `wb` of its own uses its own."""
    from test_sales_chain import Book

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    backend = stores(demo_bytes)
    return Book(backend.open().path, backend)

# --------------------------------------------------------------------------- PostgreSQL
# scripts/test.sh starts a throwaway cluster and exports SYC_PG_DIR (its folder, with the .pgpass
# file) and SYC_PG_REQUIRED=1: without PostgreSQL the PostgreSQL tests then fail instead of skipping.
# Run by hand (no SYC_PG_DIR), the session starts its own cluster in a temporary folder.
from pgfixtures import base, pg_cluster, stored, stores  # noqa: E402, F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `fichier_seul` (it reads the workbook's cells or bytes: a front-end concern)
    runs on the workbook file only: its « base » variant is deselected."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_base = "base" in (params.get("stores"), params.get("stored"))
        (dropped if on_base and item.get_closest_marker("fichier_seul") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
