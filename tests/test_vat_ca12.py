"""The CA12's instalments in `syc compta tva` (issue 15): in July 55 % and in December 40 % of the
previous year's tax (CGI art. 287-3), none under 1 000 €, the annual return settling the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_sales_chain import Book

from pyxl.services.books import ca12_instalments

D = Decimal


def test_instalments_are_55_and_40_percent_from_1000_euros() -> None:
    assert ca12_instalments(D("999.99"), 2026) == ()
    july, december = ca12_instalments(D("1000.00"), 2026)
    assert (july.month, july.amount, december.month, december.amount) == (7, D("550.00"), 12, D("400.00"))
    assert [i.amount for i in ca12_instalments(D("1234.57"), 2026)] == [D("679.01"), D("493.83")]  # half-up


def test_compta_tva_of_a_year_under_the_ca12_gives_its_instalments_and_balance(wb: Book) -> None:
    wb.ok("parametres", "modifier", "regime_tva", "CA12 annuelle", au="2025-03-01")
    _, _, big = wb.invoice("2025-03-02", "MO-H:200")  # 11 000,00 HT + 1 100,00 VAT (10 %), paid in 2025
    wb.pay(big, "12100", "2025-03-03")
    _, _, small = wb.invoice("2026-03-02", "MO-H:10")  # 55,00 of VAT, paid in 2026
    wb.pay(small, "605", "2026-03-03")
    # without the previous year's tax: the VAT collected in 2025 by the entries, with a warning
    r = wb.ok("compta", "tva", "--periode", "2026", au="2026-12-31")
    assert (r["regime"], r["total_tva"], r["base_acomptes"]) == ("CA12 annuelle", "55.00", "1100.00")
    assert r["acomptes"] == [{"mois": 7, "libelle": "Acompte de juillet (55 %)", "montant": "605.00"},
                             {"mois": 12, "libelle": "Acompte de décembre (40 %)", "montant": "440.00"}]
    assert r["solde"] == "-990.00"  # the instalments exceed the year's collected VAT
    assert "compta.acomptes" in {w["code"] for w in r["avertissements"]}
    # the accountant's figure: under 1 000 €, no instalment, everything with the annual return
    r = wb.ok("compta", "tva", "--periode", "2026", "--tva-annee-precedente", "999,99", au="2026-12-31")
    assert (r["base_acomptes"], r["acomptes"], r["solde"]) == ("999.99", [], "55.00")
    assert "compta.acomptes" not in {w["code"] for w in r["avertissements"]}
    r = wb.ok("compta", "tva", "--periode", "2026", "--tva-annee-precedente", "1000", au="2026-12-31")
    assert [a["montant"] for a in r["acomptes"]] == ["550.00", "400.00"] and r["solde"] == "-895.00"
    wb.refused("compta", "tva", "--periode", "2026", "--tva-annee-precedente", "mille", au="2026-12-31",
               code="compta.acomptes", words=["--tva-annee-precedente"])
    # a month: no instalment (and a warning that the regime is annual)
    r = wb.ok("compta", "tva", "--periode", "2026-03", au="2026-12-31")
    assert (r["base_acomptes"], r["acomptes"], r["solde"], r["total_tva"]) == (None, [], None, "55.00")


def test_the_text_answer_names_the_instalments(wb: Book, capsys: pytest.CaptureFixture[str]) -> None:
    from pyxl.cli import main

    wb.ok("parametres", "modifier", "regime_tva", "CA12 annuelle", au="2025-03-01")
    assert main(["compta", "tva", "--periode", "2026", "--tva-annee-precedente", "2000", *wb.backend.option,
                 "--au", "2026-12-31"]) == 0
    text = capsys.readouterr().out
    assert "Acompte de juillet (55 %) 1 100,00 €" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Excédent des acomptes : " in text


def test_the_ca12_lines_are_dated_data_per_rate() -> None:
    from pyxl.services.books import CA12_LINES, form_line

    assert form_line("CA12 annuelle", D(20), dt.date(2026, 12, 31)) == ("5A", "Taux normal 20 %")
    assert form_line("CA12 annuelle", D(10), dt.date(2026, 12, 31)) == ("6C", "Taux réduit 10 %")
    assert form_line("CA12 annuelle", D("5.5"), dt.date(2026, 12, 31)) == ("06", "Taux réduit 5,5 %")
    assert form_line("CA3 mensuelle", D(10), dt.date(2026, 12, 31)) == ("9B", "Taux réduit 10 %")
    # before the form they were read on, no line is claimed
    assert form_line("CA12 annuelle", D(10), dt.date(2023, 12, 31)) is None
    assert all("3517-S-SD" in source and "vérifier" in source for *_x, source in CA12_LINES)


def test_compta_tva_under_the_ca12_prints_its_lines(wb: Book, capsys: pytest.CaptureFixture[str]) -> None:
    from pyxl.cli import main

    wb.ok("parametres", "modifier", "regime_tva", "CA12 annuelle", au="2025-03-01")
    _, _, inv = wb.invoice("2026-03-02", "MO-H:10")  # 10 %: 55,00 of VAT
    wb.pay(inv, "605", "2026-03-03")
    r = wb.ok("compta", "tva", "--periode", "2026", "--tva-annee-precedente", "2000", au="2026-12-31")
    assert [(x["ligne"], x["taux"], x["tva"]) for x in r["taux"]] == [("6C", "10", "55.00")]
    option = wb.backend.option if wb.backend is not None else ["--book", str(wb.path)]
    assert main(["compta", "tva", "--periode", "2026", "--tva-annee-precedente", "2000", *option,
                 "--au", "2026-12-31"]) == 0
    text = capsys.readouterr().out.replace("\u202f", " ").replace("\xa0", " ")
    assert "6C" in text and "ligne 57" in text and "ligne 30" in text and "1 900,00 €" in text
    assert "à vérifier" in text
