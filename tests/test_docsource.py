"""What the documents read (pyxl.services.docsource): typed records that say where they come from,
found by key, and refusals in French — never rows of the store."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pyxl.core.issues import Refused
from pyxl.core.records import Article, Client
from pyxl.services import docsource as ds


def test_a_client_is_a_record_found_by_its_code(wb: Any) -> None:
    store = wb.store()
    try:
        c = ds.client(store, "c00001")  # typed in lower case: found as every command finds it
        assert isinstance(c, Client) and c.code == "C00001" and c.where.startswith("Clients, ligne ")
        assert ds.find_client(store, "C00001") == c and ds.find_client(store, "C09999") is None
        assert sorted(ds.clients(store, {"C00001", "C00002", "C09999"})) == ["C00001", "C00002"]
        assert ds.clients(store, set()) == {}
        with pytest.raises(Refused) as exc:
            ds.client(store, "C09999")
        assert "C09999" in exc.value.issues[0].message
    finally:
        store.close()


def test_articles_families_and_parameters_are_read_through_the_service(wb: Any) -> None:
    store = wb.store()
    try:
        articles = [Article.of(r.values, r.where) for r in store.rows("tArticles")]
        assert articles and all(isinstance(a.unit_price, Decimal) for a in articles if a.unit_price is not None)
        some = {str(a.code) for a in articles[:2]}
        assert ds.article_families(store, some) == {str(a.code): a.family for a in articles[:2]}
        assert ds.all_article_families(store) == {str(a.code): str(a.family or "") for a in articles}
        assert ds.parameters(store) == store.parameters() and ds.parameters(store)["raison_sociale"]
    finally:
        store.close()
