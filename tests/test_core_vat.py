"""VAT rules (pyxl.core.vat): the legal constants and the job's main equipment, pinned.

The rule table is rebuilt inside each test (never at import time), so a changed rule is seen by
any test run, forked or fresh.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pyxl.core import vat

D = Decimal
day = dt.date


def test_equipment_categories() -> None:
    """Equipment decides the rate of the whole job (domain.md §2): the list is part of the rule."""
    assert vat.EQUIPMENT == ("Chaudière gaz", "Chaudière fioul", "Chaudière THPE", "PAC air/eau", "PAC eau/eau",
                             "PAC géothermique", "Chauffe-eau thermodynamique", "PAC air/air", "PAC à classer",
                             "Biomasse", "Radiateur", "Régulation", "Ballon ECS")
    assert vat.NATURES == ("Installation", "Remplacement", "Dépannage", "Entretien", "Vente sans pose",
                           "Construction (ouvrage)")


@pytest.mark.parametrize("category", vat.EQUIPMENT)
def test_each_equipment_category_is_the_jobs_main_equipment(category: str) -> None:
    assert vat.job_category([("Main d'œuvre", D("900.00")), (category, D("100.00")), ("Pièce", D("50.00"))]) == category


def test_job_category_is_the_equipment_worth_the_most_the_first_on_a_tie() -> None:
    assert vat.job_category([("Radiateur", D("500.00")), ("PAC air/eau", D("8000.00"))]) == "PAC air/eau"
    assert vat.job_category([("PAC air/eau", D("500.00")), ("Chaudière gaz", D("500.00"))]) == "PAC air/eau"
    assert vat.job_category([("Pièce", D("50.00")), ("Main d'œuvre", D("900.00"))]) == ""


def test_equipment_supplied_free_still_decides_the_rate() -> None:
    """A heat pump supplied at 0,00 € (e.g. under warranty) with paid labour is still a heat-pump job."""
    assert vat.job_category([("Main d'œuvre", D("400.00")), ("PAC air/eau", D("0.00"))]) == "PAC air/eau"
    assert vat.job_category([("PAC air/eau", D("0.50"))]) == "PAC air/eau"


def test_zero_rate_reasons_cite_the_cgi() -> None:
    assert vat.ZERO_REASONS == {
        "autoliquidation": "Autoliquidation : TVA due par le preneur (art. 283-2 nonies du CGI)",
        "293b": "TVA non applicable, art. 293 B du CGI",
    }


@pytest.mark.parametrize(("nature", "category", "housing", "on", "rate", "valid_from", "valid_to"), [
    # THPE boilers: 5,5 % until 31/12/2024, 10 % from 01/01 to 28/02/2025, 20 % from 01/03/2025
    ("Remplacement", "Chaudière THPE", "Oui", day(2024, 12, 31), "5.5", None, day(2024, 12, 31)),
    ("Installation", "Chaudière THPE", "Oui", day(2025, 1, 1), "10", day(2025, 1, 1), day(2025, 2, 28)),
    ("Installation", "Chaudière THPE", "Oui", day(2025, 2, 28), "10", day(2025, 1, 1), day(2025, 2, 28)),
    ("Remplacement", "Chaudière THPE", "Oui", day(2025, 3, 1), "20", day(2025, 3, 1), None),
    ("Installation", "Chaudière fioul", "Oui", day(2025, 3, 1), "20", day(2025, 3, 1), None),
    ("Installation", "PAC air/eau", "Oui", day(2026, 6, 1), "5.5", None, None),
    ("Installation", "PAC air/air", "Oui", day(2026, 6, 1), "10", None, None),  # not eligible to 5,5 %
    ("Dépannage", "Radiateur", "Oui", day(2026, 6, 1), "10", None, None),
    ("Dépannage", "Radiateur", "Non", day(2026, 6, 1), "20", None, None),
])
def test_default_rules_built_at_call_time(nature: str, category: str, housing: str, on: dt.date, rate: str,
                                          valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    rules = vat.default_rules()
    assert len(rules) == len(vat.DEFAULT_RULES)
    rule = vat.pick(rules, nature, category, housing, on)
    assert rule is not None
    assert (rule.rate, rule.valid_from, rule.valid_to) == (D(rate), valid_from, valid_to)
    assert rule.nature in ("*", nature) and rule.category in ("*", category) and rule.housing in ("*", housing)
    assert isinstance(rule.rate, Decimal) and ("CGI" in rule.basis or "loi de finances" in rule.basis)


def test_default_rules_carry_every_column() -> None:
    rules = vat.default_rules()
    for rule, row in zip(rules, vat.DEFAULT_RULES, strict=True):
        assert (rule.nature, rule.category, rule.housing, rule.rate, rule.basis, rule.valid_from, rule.valid_to) == (
            row[0], row[1], row[2], D(row[3]), row[4], row[5], row[6])
