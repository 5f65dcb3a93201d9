"""Calls to Excel per action do not grow with the tables: the same scenario of macros runs on a
workbook with a few rows per table and on one with 10 000 rows in every table the sales chain
reads, through the harness of `tests/xlharness.py` (which counts every round trip to Excel: sheet
and table lookups, reads, writes, table resizes, macros, alerts, saves). The journal and the
closures are not filled (a filler journal would not be a valid chain): they grow by the actions.

`benchmarks/bench_excel_calls.py` prints the counts per action (quoted in the issue's note)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from pyxl.excel import builder, runner
from pyxl.excel.runner import encode
from pyxl.excel.sheets import PAYMENT_SHEET, QUOTE_FORM, QUOTE_SHEET
from pyxl.workbook.schema import SCHEMA
from pyxl.workbook.seeds import default_rows

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H

DAY = dt.date(2026, 5, 4)
BIG = 10_000
SMALL = 100


def filler(n: int) -> dict[str, list[dict[str, Any]]]:
    """n rows per sales table, plausible and inert (an old year, refused quotes, cancelled orders,
    drafts of another series), plus the articles and the client the scenario uses."""
    d = dt.date(2000, 1, 3)
    rows: dict[str, list[dict[str, Any]]] = {
        "tClients": [{"code": "C00001", "kind": "Particulier", "name": "DUPONT", "first_name": "Jean",
                      "address": "1 rue de la Paix", "postcode": "69001", "city": "Lyon", "phone": "04 72 00 00 00",
                      "active": "Oui"}],
        "tArticles": [{"code": "CHG-25", "designation": "Chaudière gaz condensation 25 kW", "unit": "u",
                       "unit_price": 3221.29, "vat_rate": 20, "purchase_price": 2100, "family": "Matériel",
                       "category": "Chaudière gaz", "active": "Oui"},
                      {"code": "MO-H", "designation": "Main-d'œuvre", "unit": "h", "unit_price": 55, "vat_rate": 20,
                       "family": "Main-d'œuvre", "active": "Oui"}],
    }
    # the consumer mediator (a consumer quote is not sent without it, art. L616-1 C. conso)
    rows["tParametres"] = [{**r, "value": "Médiateur de l'exemple, 75001 Paris"} if r["code"] == "mediateur_consommation"
                           else r for r in default_rows()["tParametres"]]
    for i in range(1, n):
        rows["tClients"].append({"code": f"X{i:05d}", "kind": "Particulier", "name": f"CLIENT {i}",
                                 "address": f"{i} rue Longue", "postcode": "69003", "city": "Lyon", "active": "Oui"})
    for i in range(len(rows["tArticles"]), n):
        rows["tArticles"].append({"code": f"ART-{i:05d}", "designation": f"Pièce {i}", "unit": "u",
                                  "unit_price": 10 + i % 90, "vat_rate": 20, "active": "Oui"})
    rows["tDevis"] = [{"number": f"D2000-{i:05d}", "date": d, "client": f"X{i:05d}", "nature": "Dépannage",
                       "status": "Refusé", "total_ht": 100, "total_vat": 20, "total_ttc": 120,
                       "refusal_reason": "prix"} for i in range(1, n + 1)]
    rows["tLignesDevis"] = [{"quote": f"D2000-{i:05d}", "pos": 1, "article": "MO-H", "designation": "Main-d'œuvre",
                             "unit": "h", "qty": 2, "unit_price": 50, "rate": 20, "net": 100}
                            for i in range(1, n + 1)]
    rows["tCommandes"] = [{"number": f"BC2000-{i:05d}", "date": d, "quote": f"D2000-{i:05d}", "client": f"X{i:05d}",
                           "status": "Annulée", "total_ht": 100, "total_ttc": 120, "cancel_reason": "test"}
                          for i in range(1, n + 1)]
    rows["tFactures"] = [{"ref": f"ANCIEN-{i:05d}", "doc_type": "Facture", "status": "Brouillon",
                          "client": f"X{i:05d}", "order": f"BC2000-{i:05d}", "total_ht": 100, "total_vat": 20,
                          "total_ttc": 120, "created": d} for i in range(1, n + 1)]
    rows["tLignesFactures"] = [{"doc": f"ANCIEN-{i:05d}", "pos": 1, "article": "MO-H", "designation": "Main-d'œuvre",
                                "unit": "h", "qty": 2, "unit_price": 50, "rate": 20, "net": 100}
                               for i in range(1, n + 1)]
    rows["tReglements"] = [{"id": f"R2000-{i:05d}", "date": d, "invoice": f"F2000-{i:05d}", "client": f"X{i:05d}",
                            "amount": 120, "mode": "Chèque"} for i in range(1, n + 1)]
    return rows


def make_book(path: Path, n: int) -> Path:
    builder.build(path, SCHEMA, filler(n))
    return path


def scenario(book: Any) -> dict[str, int]:
    """Each action of the sales chain once; the calls each made."""
    counts: dict[str, int] = {}

    def click(label: str, function: str, sheet: str, row: int, *answers: str) -> dict:
        import pyxl.macros as m

        H.CALLS.clear()
        r = getattr(m, function)(encode(sheet), row, *(encode(a) for a in answers))
        assert r["ok"], (label, r["message"])
        counts[label] = sum(H.CALLS.values())
        return r

    def row_of(sheet: str, header: str, value: str) -> int:
        ws = book.sheets[sheet].api
        col = [c.value for c in ws[1]].index(header) + 1
        return next(r for r in range(ws.max_row, 1, -1) if ws.cell(r, col).value == value)

    f = QUOTE_FORM
    sh = book.sheets[QUOTE_SHEET]
    for key, v in {"client": "C00001", "nature": "Remplacement", "housing_old": "Oui"}.items():
        sh.range((f.field(key).row, 3)).value = "'" + v
    sh.range((f.first_line, f.article)).value = "'CHG-25"
    sh.range((f.first_line, f.qty)).value = 1
    sh.range((f.first_line + 1, f.article)).value = "'MO-H"
    sh.range((f.first_line + 1, f.qty)).value = 6
    # the first action of the day closes the past days: not part of the comparison
    q = click("(première action du jour)", "enregistrer_devis", QUOTE_SHEET, 4)
    sh.range((f.field("client").row, 3)).value = "'C00001"
    sh.range((f.field("nature").row, 3)).value = "'Remplacement"
    sh.range((f.field("execution").row, 3)).value = "'sous 3 semaines"  # a consumer quote is sent with it
    sh.range((f.first_line, f.article)).value = "'CHG-25"
    sh.range((f.first_line, f.qty)).value = 1
    q = click("Enregistrer le devis", "enregistrer_devis", QUOTE_SHEET, 4)
    drow = row_of("Devis", "Numéro", q["data"]["numero"])
    click("Envoyer le devis", "envoyer_devis", "Devis", drow)
    click("Relancer le devis", "relancer_devis", "Devis", drow, "rappeler", "")
    click("Devis à relancer", "devis_a_relancer", "Accueil", 1)
    click("Accepter le devis", "accepter_devis", "Devis", drow)
    o = click("Passer en commande", "passer_commande", "Devis", drow)
    orow = row_of("Commandes", "Numéro", o["data"]["numero"])
    a = click("Facture d'acompte", "facture_acompte", "Commandes", orow, "30")
    click("Émettre (acompte)", "emettre", "Factures", row_of("Factures", "Réf. interne", a["data"]["reference"]))
    click("Travaux réalisés", "commande_realisee", "Commandes", orow, "")
    inv = click("Facturer la commande", "facturer", "Commandes", orow)
    frow = row_of("Factures", "Réf. interne", inv["data"]["reference"])
    issued = click("Émettre (facture)", "emettre", "Factures", frow)
    ps = book.sheets[PAYMENT_SHEET]
    ps.range("C4").value = "'" + issued["data"]["numero"]
    ps.range("C6").value = 100
    ps.range("C7").value = "'Virement"
    click("Enregistrer le règlement", "enregistrer_reglement", PAYMENT_SHEET, 4)
    click("Annuler le règlement", "annuler_reglement", "Règlements",
          row_of("Règlements", "Facture", issued["data"]["numero"]), "erreur")
    c = click("Faire un avoir", "faire_avoir", "Factures", frow, issued["data"]["numero"], "geste", "geste", "")
    click("Supprimer le brouillon", "supprimer_brouillon", "Factures",
          row_of("Factures", "Réf. interne", c["data"]["reference"]))
    # a brand-new draft to refuse, then a cancelled order
    return counts


def run_scenario(tmp: Path, n: int, monkeypatch: Any) -> dict[str, int]:
    monkeypatch.setattr(runner, "today", lambda: DAY)
    H.PERSIST_SAVES["on"] = False  # saves are counted, not written (openpyxl would take minutes)
    try:
        book = H.open_caller(str(make_book(tmp / f"b{n}.xlsm", n)))
        return scenario(book)
    finally:
        H.PERSIST_SAVES["on"] = True


@pytest.mark.slow
def test_calls_per_action_do_not_grow_with_the_tables(tmp_path, monkeypatch):
    small = run_scenario(tmp_path, SMALL, monkeypatch)
    big = run_scenario(tmp_path, BIG, monkeypatch)
    small.pop("(première action du jour)")
    big.pop("(première action du jour)")
    assert small == big
    # a handful of calls per table touched, whatever its size; since issue 17 an action also rewrites
    # the worklists it changed: their tables read (4 calls each, the letters of the week read the
    # dunning's 8), one block write per list and one per count; since issue 18 each click also reads
    # the configuration sheet once (is the workbook a view of a base?); since issue 15 an action that
    # books (an issue, a payment, its reversal) appends its entries to « Écritures » (its last rows
    # read for the numbers, the rows written in one block)
    assert max(small.values()) < 150
