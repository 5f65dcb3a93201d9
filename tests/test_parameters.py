"""Company parameters: each value checked by its kind, with warnings where the law bites later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyxl.cli import main


def run(capsys, book: Path, *argv: str) -> tuple[int, dict]:
    code = main(["parametres", "modifier", *argv, "--book", str(book), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("value, stored", [("4322B", "4322B"), ("43.22b", "4322B")])
def test_ape_code_is_normalised(capsys, book: Path, value: str, stored: str):
    code, out = run(capsys, book, "code_ape", value)
    assert code == 0 and out["valeur"] == stored


def test_bad_ape_code_is_refused_untouched(capsys, book: Path):
    before = book.read_bytes()
    code, out = run(capsys, book, "code_ape", "ZZZZ")
    assert code == 1 and "4 chiffres et une lettre" in out["erreurs"][0]["message"]
    assert out["erreurs"][0]["message"].startswith("Paramètre « Code APE/NAF » (code_ape) : le code APE")
    assert book.read_bytes() == before


def test_short_iban_says_the_length(capsys, book: Path):
    code, out = run(capsys, book, "iban", "FR76 3000")
    assert code == 1 and "27 caractères" in out["erreurs"][0]["message"]


def test_quote_validity_of_zero_days_is_refused(capsys, book: Path):
    code, _ = run(capsys, book, "validite_devis_jours", "0")
    assert code == 1


def test_default_terms_beyond_the_business_cap_warn(capsys, book: Path):
    code, out = run(capsys, book, "conditions_paiement", "60 jours fin de mois")
    assert code == 0 and out["avertissements"][0]["code"] == "param.terms_cap"
    assert "45 jours fin de mois" in out["avertissements"][0]["message"]


def test_a_siret_that_does_not_match_the_vat_number_warns(capsys, book: Path):
    assert run(capsys, book, "siret", "73282932000074")[0] == 0
    assert run(capsys, book, "tva_intra", "FR44732829320")[0] == 0
    code, out = run(capsys, book, "siret", "54206547900017")
    assert code == 0 and out["avertissements"][0]["code"] == "param.siren"
