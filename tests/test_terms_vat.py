"""Payment terms to a calendar due date (pyxl/core/terms.py) and VAT rules (pyxl/core/vat.py).

Due dates: the worked examples of domain.md §3 (methods A and B of « fin de mois »), month ends
(February, leap year 2028), N = 0, year boundaries. VAT: `vat.pick` on the default rule table for
the cases of domain.md §2.2 (boilers before/after the 2025 finance law, heat pumps, maintenance,
premises), the specificity order of the rules, and the rate override (`--taux N:TAUX:MOTIF`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core import terms, vat
from pyxl.core.issues import Refused
from pyxl.core.terms import Terms, due_date, end_of_month, parse
from pyxl.services.salesdocs import parse_rate_override

D = Decimal
day = dt.date


# --------------------------------------------------------------------------- domain.md §3 table
# | Invoice date | Term | Method A (date + N, then end of month) | Method B (end of month, then + N) |
DOMAIN_TABLE = [
    (day(2026, 6, 1), "30 jours nets", day(2026, 7, 1), day(2026, 7, 1)),
    (day(2026, 6, 1), "60 jours nets", day(2026, 7, 31), day(2026, 7, 31)),
    (day(2026, 6, 1), "30 jours fin de mois", day(2026, 7, 31), day(2026, 7, 30)),  # 1 Jul → 31 Jul / 30 Jun + 30
    (day(2026, 6, 1), "45 jours fin de mois", day(2026, 7, 31), day(2026, 8, 14)),  # 16 Jul → 31 Jul / 30 Jun + 45
    (day(2026, 1, 15), "30 jours fin de mois", day(2026, 2, 28), day(2026, 3, 2)),  # 14 Feb → 28 Feb / 31 Jan + 30
    (day(2026, 1, 15), "45 jours fin de mois", day(2026, 3, 31), day(2026, 3, 17)),  # 1 Mar → 31 Mar / 31 Jan + 45
    (day(2026, 1, 15), "60 jours nets", day(2026, 3, 16), day(2026, 3, 16)),
]


@pytest.mark.parametrize(("issued", "text", "method_a", "method_b"), DOMAIN_TABLE,
                         ids=[f"{r[0]}-{r[1].replace(' ', '_')}" for r in DOMAIN_TABLE])
def test_domain_worked_examples(issued: dt.date, text: str, method_a: dt.date, method_b: dt.date) -> None:
    t = parse(text)
    assert due_date(issued, t, "A") == method_a
    assert due_date(issued, t, "B") == method_b
    assert due_date(issued, t) == method_a  # A is the default


@pytest.mark.parametrize(("issued", "text", "method_a", "method_b"), [
    # Leap year 2028: 15 Jan + 30 = 14 Feb → 29 Feb ; B: 31 Jan + 30 = 1 Mar (29 days in Feb)
    (day(2028, 1, 15), "30 jours fin de mois", day(2028, 2, 29), day(2028, 3, 1)),
    # same in 2026 (non-leap): A 28 Feb ; B 31 Jan + 30 = 2 Mar
    (day(2026, 1, 15), "30 jours fin de mois", day(2026, 2, 28), day(2026, 3, 2)),
    # invoice on 31 Jan 2028: A 31 Jan + 30 = 1 Mar → 31 Mar ; B 31 Jan + 30 = 1 Mar
    (day(2028, 1, 31), "30 jours fin de mois", day(2028, 3, 31), day(2028, 3, 1)),
    # invoice on 29 Feb 2028: A 29 Feb + 30 = 30 Mar → 31 Mar ; B 29 Feb + 30 = 30 Mar
    (day(2028, 2, 29), "30 jours fin de mois", day(2028, 3, 31), day(2028, 3, 30)),
    (day(2028, 2, 29), "30 jours nets", day(2028, 3, 30), day(2028, 3, 30)),
    # invoice on 1 Feb 2028, 45 FDM: A 1 Feb + 45 = 17 Mar → 31 Mar ; B 29 Feb + 45 = 14 Apr
    (day(2028, 2, 1), "45 jours fin de mois", day(2028, 3, 31), day(2028, 4, 14)),
    # 2100 is not a leap year (century rule): 15 Jan 2100 + 30 FDM → 28 Feb 2100
    (day(2100, 1, 15), "30 jours fin de mois", day(2100, 2, 28), day(2100, 3, 2)),
    # year boundary: 15 Dec 2026 + 45 = 29 Jan 2027 → 31 Jan 2027 ; B 31 Dec + 45 = 14 Feb 2027
    (day(2026, 12, 15), "45 jours fin de mois", day(2027, 1, 31), day(2027, 2, 14)),
    # 30 Nov + 30: A 30 Dec → 31 Dec ; B 30 Nov + 30 = 30 Dec
    (day(2026, 11, 30), "30 jours fin de mois", day(2026, 12, 31), day(2026, 12, 30)),
    # N = 0
    (day(2026, 2, 10), "comptant", day(2026, 2, 10), day(2026, 2, 10)),
    (day(2026, 2, 10), "0 jours nets", day(2026, 2, 10), day(2026, 2, 10)),
    (day(2026, 2, 10), "0 jours fin de mois", day(2026, 2, 28), day(2026, 2, 28)),
    (day(2028, 2, 10), "0 jours fin de mois", day(2028, 2, 29), day(2028, 2, 29)),
    (day(2026, 2, 28), "0 jours fin de mois", day(2026, 2, 28), day(2026, 2, 28)),  # already a month end
])
def test_month_ends_leap_years_and_zero_days(issued: dt.date, text: str, method_a: dt.date,
                                             method_b: dt.date) -> None:
    t = parse(text)
    assert (due_date(issued, t, "A"), due_date(issued, t, "B")) == (method_a, method_b)


def test_end_of_month() -> None:
    assert end_of_month(day(2026, 2, 1)) == day(2026, 2, 28)
    assert end_of_month(day(2028, 2, 1)) == day(2028, 2, 29)
    assert end_of_month(day(2026, 4, 30)) == day(2026, 4, 30)
    assert end_of_month(day(2026, 12, 5)) == day(2026, 12, 31)


@pytest.mark.parametrize(("text", "expected"), [
    ("comptant", Terms(0, False)), ("30 jours nets", Terms(30, False)), ("45 jours fin de mois", Terms(45, True)),
    ("  60 jours nets ", Terms(60, False)),
])
def test_parse_and_text_round_trip(text: str, expected: Terms) -> None:
    assert parse(text) == expected
    assert parse(expected.text) == expected


@pytest.mark.parametrize("text", ["", "30 jours", "30 j fin de mois", "fin de mois", "1000 jours nets", "trente jours nets"])
def test_parse_refuses_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="conditions de paiement non reconnues"):
        parse(text)


def test_describe_in_french() -> None:
    assert terms.describe(Terms(0, False)) == "paiement comptant, à réception"
    assert terms.describe(Terms(30, False)) == "30 jours nets"
    assert terms.describe(Terms(45, True), "A") == "45 jours fin de mois (date de facture + 45 jours, puis fin de mois)"
    assert terms.describe(Terms(45, True), "B") == "45 jours fin de mois (fin du mois de facture, puis + 45 jours)"


# --------------------------------------------------------------------------- properties
issue_days = st.dates(min_value=day(2000, 1, 1), max_value=day(2099, 12, 31))
terms_st = st.builds(Terms, st.integers(min_value=0, max_value=120), st.booleans())


@settings(max_examples=300, deadline=None)
@given(issue_days, terms_st, st.sampled_from(["A", "B"]))
def test_prop_due_date_never_before_the_issue_date(issued: dt.date, t: Terms, method: str) -> None:
    due = due_date(issued, t, method)
    assert due >= issued
    # and never before issue + N, never more than a month's end after it
    assert issued + dt.timedelta(days=t.days) <= due <= issued + dt.timedelta(days=t.days + 30)


@settings(max_examples=300, deadline=None)
@given(issue_days, terms_st)
def test_prop_shape_of_each_method(issued: dt.date, t: Terms) -> None:
    a, b = due_date(issued, t, "A"), due_date(issued, t, "B")
    if not t.end_of_month:
        assert a == b == issued + dt.timedelta(days=t.days)
    else:
        assert a == end_of_month(a)  # A always lands on a month end
        assert a == end_of_month(issued + dt.timedelta(days=t.days))
        assert b - end_of_month(issued) == dt.timedelta(days=t.days)


def test_method_b_is_not_always_after_method_a() -> None:
    # « B never before A » is false: domain.md's own row, 1 Jun 2026 at 30 days EOM: A 31 Jul, B 30 Jul.
    t = parse("30 jours fin de mois")
    assert due_date(day(2026, 6, 1), t, "B") < due_date(day(2026, 6, 1), t, "A")
    # …but B is later in other months (15 Jan 2026: A 28 Feb, B 2 Mar): neither method dominates.
    assert due_date(day(2026, 1, 15), t, "B") > due_date(day(2026, 1, 15), t, "A")


# --------------------------------------------------------------------------- VAT rules
RULES = vat.default_rules()


def picked(rules: list[vat.Rule], nature: str, category: str, housing: str, on: dt.date) -> vat.Rule:
    rule = vat.pick(rules, nature, category, housing, on)
    assert rule is not None, (nature, category, housing, on)
    return rule


def rate(nature: str, category: str, housing: str, on: dt.date) -> Decimal:
    return picked(RULES, nature, category, housing, on).rate


@pytest.mark.parametrize(("nature", "category", "on", "expected"), [
    # gas and fuel boilers, supply + fitting: 20 % since 1 Mar 2025 (LF 2025 art. 32)
    ("Installation", "Chaudière gaz", day(2025, 3, 1), D("20")),
    ("Remplacement", "Chaudière gaz", day(2026, 6, 1), D("20")),
    ("Remplacement", "Chaudière fioul", day(2025, 3, 1), D("20")),
    ("Installation", "Chaudière THPE", day(2025, 3, 1), D("20")),
    ("Remplacement", "Chaudière THPE", day(2026, 1, 1), D("20")),
    # the day before: an ordinary gas boiler was at 10 % (improvement works), a THPE one at 10 % in the
    # transitional period 1 Jan – 28 Feb 2025, at 5,5 % before (energy renovation)
    ("Installation", "Chaudière gaz", day(2025, 2, 28), D("10")),
    ("Installation", "Chaudière gaz", day(2024, 6, 1), D("10")),
    ("Installation", "Chaudière THPE", day(2025, 2, 28), D("10")),
    ("Remplacement", "Chaudière THPE", day(2025, 1, 1), D("10")),
    ("Installation", "Chaudière THPE", day(2024, 12, 31), D("5.5")),
    ("Remplacement", "Chaudière THPE", day(2020, 5, 4), D("5.5")),
    # heat pumps, biomass, regulation: 5,5 % (energy renovation), any date
    ("Installation", "PAC air/eau", day(2024, 6, 1), D("5.5")),
    ("Remplacement", "PAC air/eau", day(2026, 6, 1), D("5.5")),
    ("Installation", "PAC eau/eau", day(2026, 6, 1), D("5.5")),
    ("Installation", "PAC géothermique", day(2026, 6, 1), D("5.5")),
    ("Installation", "Chauffe-eau thermodynamique", day(2026, 6, 1), D("5.5")),
    # air/air heat pumps are not in art. 278-0 bis A CGI / arrêté du 4 décembre 2024: 10 % in housing
    ("Installation", "PAC air/air", day(2026, 6, 1), D("10")),
    ("Remplacement", "PAC air/air", day(2025, 6, 1), D("10")),
    ("Installation", "Biomasse", day(2026, 6, 1), D("5.5")),
    ("Remplacement", "Régulation", day(2026, 6, 1), D("5.5")),
    # maintenance and repair of THPE (or biomass) boilers: 5,5 %; of other boilers: 10 %
    ("Entretien", "Chaudière THPE", day(2026, 6, 1), D("5.5")),
    ("Dépannage", "Chaudière THPE", day(2025, 3, 1), D("5.5")),
    ("Entretien", "Biomasse", day(2026, 6, 1), D("5.5")),
    ("Entretien", "Chaudière gaz", day(2026, 6, 1), D("10")),
    ("Dépannage", "Chaudière fioul", day(2026, 6, 1), D("10")),
    # other works in old housing: 10 %
    ("Installation", "Radiateur", day(2026, 6, 1), D("10")),
    ("Dépannage", "", day(2026, 6, 1), D("10")),
])
def test_default_rules_in_housing_older_than_two_years(nature: str, category: str, on: dt.date,
                                                       expected: Decimal) -> None:
    assert rate(nature, category, "Oui", on) == expected


@pytest.mark.parametrize(("nature", "category"), [
    ("Installation", "PAC air/eau"), ("Installation", "PAC air/air"), ("Entretien", "Chaudière THPE"), ("Installation", "Chaudière THPE"),
    ("Dépannage", ""), ("Installation", "Radiateur"),
])
@pytest.mark.parametrize("on", [day(2024, 6, 1), day(2025, 1, 15), day(2026, 6, 1)])
def test_premises_not_old_housing_are_at_20(nature: str, category: str, on: dt.date) -> None:
    rule = picked(RULES, nature, category, "Non", on)
    assert rule.rate == D("20")
    assert "art. 278 du CGI" in rule.basis


def test_rules_carry_their_legal_basis() -> None:
    on = day(2026, 1, 1)
    assert "279-0 bis" in picked(RULES, "Dépannage", "", "Oui", on).basis
    assert "loi de finances 2025" in picked(RULES, "Remplacement", "Chaudière gaz", "Oui", on).basis
    assert "278-0 bis A" in picked(RULES, "Installation", "PAC air/eau", "Oui", on).basis


def _r(nature: str, category: str, housing: str, rate_: str, basis: str, **kw: dt.date) -> vat.Rule:
    return vat.Rule(nature, category, housing, D(rate_), basis, **kw)


def test_specificity_housing_then_nature_then_category() -> None:
    rules = [
        _r("*", "PAC", "*", "1", "category only"),  # 1
        _r("Installation", "*", "*", "2", "nature only"),  # 2
        _r("Installation", "PAC", "*", "3", "nature + category"),  # 3
        _r("*", "*", "Oui", "4", "housing only"),  # 4
        _r("*", "PAC", "Oui", "5", "housing + category"),  # 5
    ]
    on = day(2026, 1, 1)
    # housing (4) outweighs nature + category (3)
    assert picked(rules, "Installation", "PAC", "Oui", on).basis == "housing + category"
    assert picked(rules[:4], "Installation", "PAC", "Oui", on).basis == "housing only"
    # nature (2) outweighs category (1)
    assert picked(rules[:2], "Installation", "PAC", "Non", on).basis == "nature only"
    assert picked(rules[:3], "Installation", "PAC", "Non", on).basis == "nature + category"
    assert vat.pick(rules, "Entretien", "Radiateur", "Non", on) is None


def test_among_equally_specific_rules_the_first_wins_and_dates_filter() -> None:
    on = day(2026, 1, 1)
    first, second = _r("*", "*", "Oui", "10", "first"), _r("*", "*", "Oui", "20", "second")
    assert vat.pick([first, second], "Entretien", "", "Oui", on) is first
    assert vat.pick([second, first], "Entretien", "", "Oui", on) is second
    dated = _r("*", "*", "Oui", "5.5", "until 2025", valid_to=day(2025, 12, 31))
    assert vat.pick([dated, second], "Entretien", "", "Oui", on) is second
    assert vat.pick([dated, second], "Entretien", "", "Oui", day(2025, 12, 31)) is dated
    later = _r("*", "*", "Oui", "5.5", "from 2026", valid_from=day(2026, 1, 2))
    assert vat.pick([later], "Entretien", "", "Oui", on) is None
    assert vat.pick([later], "Entretien", "", "Oui", day(2026, 1, 2)) is later


def test_job_category_is_the_equipment_worth_the_most() -> None:
    # labour and travel have no category: they follow the job's main equipment
    assert vat.job_category([("", D("500")), ("Radiateur", D("491")), ("PAC air/eau", D("8900"))]) == "PAC air/eau"
    assert vat.job_category([("Chaudière gaz", D("3221.29")), ("Radiateur", D("245.50"))]) == "Chaudière gaz"
    assert vat.job_category([("Pièce", D("80")), ("", D("55"))]) == ""  # a spare part is not equipment


# --------------------------------------------------------------------------- rate override
def test_rate_override_with_a_reason() -> None:
    o = parse_rate_override("2:10:pièces hors équipement")
    assert (o.pos, o.rate, o.reason) == (2, D("10"), "pièces hors équipement")
    assert parse_rate_override("1:5,5:rénovation énergétique").rate == D("5.5")


@pytest.mark.parametrize(("text", "legal"), [
    ("1:0:autoliquidation", vat.ZERO_REASONS["autoliquidation"]),
    ("1:0:Auto Liquidation", vat.ZERO_REASONS["autoliquidation"]),
    ("3:0:293B", vat.ZERO_REASONS["293b"]),
    ("3:0:art. 293 B", vat.ZERO_REASONS["293b"]),
])
def test_zero_rate_carries_its_legal_mention(text: str, legal: str) -> None:
    assert parse_rate_override(text).reason == legal
    assert parse_rate_override(text).rate == 0


@pytest.mark.parametrize(("text", "code", "words"), [
    ("1:0:client sympa", "taux.zero", "mention légale"),
    ("1:10:", "taux.motif", "motif"),
    ("1:7:essai", "taux.taux", "n'est pas un taux français"),
    ("x:10:motif", "taux.format", "N:TAUX:MOTIF"),
    ("10", "taux.format", "N:TAUX:MOTIF"),
])
def test_rate_override_refused(text: str, code: str, words: str) -> None:
    with pytest.raises(Refused) as exc:
        parse_rate_override(text)
    issue = exc.value.issues[0]
    assert issue.code == code
    assert words in issue.message and f"Taux « {text} »" in issue.message
