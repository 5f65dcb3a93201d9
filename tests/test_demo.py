"""`syc demo` (pyxl/cli/demo_cmd.py, pyxl/demo.py): four months of sales run through the services
with pinned dates — the same workbook whatever the day, `syc verifier` clean, the legal cases of
the scenario where they should be — and `syc demo --annees N` through the command line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pyxl.cli import commands, demo_cmd, main
from pyxl.core import workflow as wf
from pyxl.services import closures
from pyxl.workbook.filestore import FileStore, anchor_path


@pytest.fixture(autouse=True)
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """`syc demo` is registered by commands.register once wired in; until then, here."""
    register = commands.register

    def with_demo(sub: Any, common: Any) -> None:
        register(sub, common)
        if "demo" not in sub.choices:
            demo_cmd.register(sub, common)

    monkeypatch.setattr(commands, "register", with_demo)


def syc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    return folder, demo_cmd.make(folder)


def test_syc_demo_prints_a_french_summary(made: tuple[Path, dict[str, Any]],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder, s = made
    book = folder / "SYC_Gestion.xlsm"
    out = demo_cmd.render(s)
    assert out.startswith(f"Classeur de démonstration créé : {book}")
    for text in ("devis                   14  (1 brouillon, 1 envoyé, 10 acceptés, 1 refusé, 1 remplacé",
                 "factures d'acompte       3", "avoirs                   1", "(dont 1 annulation)",
                 "en retard au 30/04/2026 (1 pièce) :", "F2026-00009  Dupont & Fils",
                 "Vérification (syc verifier) : aucune anomalie", "Fait en "):
        assert text in out, out
    code, out, err = syc(capsys, "demo", "--sortie", str(folder))
    assert code == 1 and "existe déjà. Ajoutez --force" in err
    code, out, _ = syc(capsys, "verifier", "--book", str(book))
    assert code == 0 and out.startswith("Aucune anomalie")


def test_summary(made: tuple[Path, dict[str, Any]]) -> None:
    _, s = made
    assert s["anomalies"] == []
    assert (s["devis"]["total"], s["commandes"]["total"], s["factures"], s["factures_acompte"], s["avoirs"]) == \
        (14, 10, 10, 3, 1)
    assert s["reglements"]["annulations"] == 1 and s["reglements"]["par_mode"]["Espèces"] == 2
    assert [x["numero"] for x in s["en_retard"]["pieces"]] == ["F2026-00009"]
    assert s["en_retard"]["pieces"][0]["echeance"] == dt.date(2026, 3, 31)
    assert s["ventes"]["ttc"] == s["reglements"]["encaisse"] + s["reste_du"]
    assert s["clotures"]["jusqu_au"] == dt.date(2026, 4, 21) and s["lignes"]["tClients"] == 11


def test_the_scenario_is_where_the_law_wants_it(made: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = made
    store = FileStore(folder / "SYC_Gestion.xlsm")
    quotes = {q["number"]: q for q in store.rows("tDevis")}
    docs = {d["number"]: d for d in store.rows("tFactures")}
    lines: dict[str, list[Any]] = {}
    for x in store.rows("tLignesDevis"):
        lines.setdefault(x["quote"], []).append(x)
    # multi-rate quote, line and global discounts; the Frisquet (THPE) at 20 % since 2025-03-01
    q1 = lines["D2026-0001"]
    assert {x["rate"] for x in q1} == {Decimal(20), Decimal(10), Decimal("5.5")}
    frisquet = next(x for x in q1 if x["article"] == "CHF-FRISQ25")
    assert frisquet["unit_price"] == Decimal("3221.29") and frisquet["discount_pct"] == 5 and frisquet["rate"] == 20
    assert quotes["D2026-0001"]["discount_pct"] == 3
    # followed up 7 days after sending, revised with 10 % off
    old, new = quotes["D2026-0002"], quotes["D2026-0004"]
    assert (old["status"], old["replaced_by"], new["replaces"], new["discount_pct"]) == \
        (wf.Q_REPLACED, "D2026-0004", "D2026-0002", 10)
    assert (old["last_followup"] - old["sent_on"]).days == 7
    assert quotes["D2026-0003"]["status"] == wf.Q_REFUSED
    # signed at home by a consumer on 02/02: nothing paid nor invoiced as deposit before 10/02
    roux = [d for d in docs.values() if d["client"] == "C00007"]
    assert min(d["date"] for d in roux) == dt.date(2026, 2, 10)
    assert min(p["date"] for p in store.rows("tReglements") if p["client"] == "C00007") >= dt.date(2026, 2, 10)
    # urgent repair signed at home, paid cash the same day (under 1 000 €)
    lef = next(d for d in docs.values() if d["client"] == "C00008")
    assert quotes[lef["quote"]]["urgent"] == "Oui" and lef["status"] == wf.I_PAID
    # the bounced cheque, cancelled by an opposite row, then paid by transfer
    pays = [p for p in store.rows("tReglements") if p["client"] == "C00006"]
    assert [(p["mode"], p["amount"] > 0, bool(p["cancels"])) for p in pays] == [
        ("Chèque", True, False), ("Chèque", False, True), ("Virement", True, False)]
    # reverse charge at 0 % with its legal mention; deposits deducted from final invoices
    assert all(x["rate"] == 0 and "283-2 nonies" in x["rate_reason"] for x in lines["D2026-0010"])
    deducted = [d for d in docs.values() if d["deducted_ttc"]]
    assert len(deducted) == 3
    # the credit note never above its invoice
    credit = next(d for d in docs.values() if d["doc_type"] == wf.T_CREDIT)
    origin = docs[credit["origin"]]
    assert credit["total_ttc"] < origin["total_ttc"] and origin["credited"] == credit["total_ttc"]


def test_same_workbook_whatever_the_day_and_force(made: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    folder, _ = made
    copy = tmp_path / "demo"
    shutil.copytree(folder, copy)
    before = [(e.seq, e.timestamp, e.hash) for e in FileStore(copy / "SYC_Gestion.xlsm").journal()]
    s = demo_cmd.make(copy, force=True)
    assert s["anomalies"] == [] and "remarque" not in s  # identical closure files: nothing to keep aside
    book = copy / "SYC_Gestion.xlsm"
    assert [(e.seq, e.timestamp, e.hash) for e in FileStore(book).journal()] == before
    assert [p.name for p in closures.folder(book).parent.iterdir()] == ["SYC_Gestion"]
    assert anchor_path(book).read_text().split()[1] == before[-1][2]
    assert len(list((copy / "sauvegardes").glob("SYC_Gestion_*.xlsm"))) == 1  # the replaced one, backed up


def test_syc_demo_annees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = syc(capsys, "demo", "--annees", "1", "--echelle", "0,02", "--sortie", str(tmp_path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] and data["anomalies"] == [] and data["periode"] == {"du": "2025-07-01", "au": "2026-06-30"}
    assert data["generation"]["commandes_realisees_non_facturees"]
    assert data["clotures"]["jusqu_au"] == "2026-06-30"
    code, out, err = syc(capsys, "demo", "--annees", "11")
    assert code == 2 and "entre 1 et 10" in err


def test_init_demo_is_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "SYC_Gestion.xlsm"
    assert syc(capsys, "init", "--demo", "--book", str(book), "--au", "2026-03-02")[0] == 0
    store = FileStore(book)
    assert [c["code"] for c in store.rows("tClients")] == ["C00001", "C00002", "C00003"]
    assert len(store.rows("tArticles")) == 6 and len(store.rows("tSecteurs")) == 4
    assert store.parameters()["raison_sociale"] == "SYC Chauffage"
