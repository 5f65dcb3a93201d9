"""Typed fields (pyxl.core.fields): the exact French messages, default labels and boundaries that a
mutation run showed unpinned (tests/test_fields.py checks the accepted and refused values)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pyxl.core import fields
from pyxl.core.fields import FieldError

D = Decimal
SIRET = "73282932000074"
VAT = "FR44732829320"


def refused(fn, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldError) as exc:
        fn(*args, **kwargs)
    return str(exc.value)


# --------------------------------------------------------------------------- printing back
def test_shown_replaces_undecodable_bytes_and_prints_nothing_for_none() -> None:
    assert fields.shown("caf\udce9") == "caf\ufffd"
    assert fields.shown(None) == ""
    assert fields.shown(12) == "12"


def test_after_colon_lowers_an_article_elided_with_a_typographic_apostrophe() -> None:
    assert fields.after_colon("L’IBAN « X » est invalide") == "l’IBAN « X » est invalide"


def test_fold_ignores_case_accents_ligatures_apostrophes_and_spaces() -> None:
    assert fields._fold("Cœur Æther l’été d'or") == "coeur-aether-lete-dor"


# --------------------------------------------------------------------------- texts and choices
def test_text_default_length_is_120() -> None:
    assert fields.text("x" * 120, label="Le nom") == "x" * 120
    assert refused(fields.text, "x" * 121, label="Le nom") == (
        "Le nom dépasse la longueur permise : 121 caractères, 120 au plus.")


@pytest.mark.parametrize(("value", "message"), [
    ("a\nb", "L'objet contient un retour à la ligne : retirez-le."),
    ("a\rb", "L'objet contient un retour à la ligne : retirez-le."),
    ("a\tb", "L'objet contient une tabulation : retirez-la."),
    ("a\x07b", "L'objet contient un caractère de contrôle invisible (U+0007) : retirez-le."),
    ("caf\udce9", "L'objet contient des caractères illisibles (texte qui n'est pas en UTF-8) : retapez-le."),
])
def test_text_refusals_say_what_to_do(value: str, message: str) -> None:
    assert refused(fields.text, value, label="L'objet") == message


def test_choice_optional_by_default_and_its_required_message() -> None:
    assert fields.choice("", ("Oui", "Non"), label="Le logement") == ""
    assert fields.choice(None, ("Oui", "Non"), label="Le logement") == ""
    assert refused(fields.choice, " ", ("Oui", "Non"), label="Le logement", required=True) == (
        "Le logement est obligatoire : Oui, Non.")


# --------------------------------------------------------------------------- legal forms
@pytest.mark.parametrize(("name", "form"), [
    ("Garnier Bâtiment SAS", "SAS"), ("S.A.R.L. Chauffe", "SARL"), ("SASU Martin", "SASU"),
    ("Dupont SA", "SA"), ("Sasha Dupont", None), ("Dupont", None), ("", None), (None, None),
])
def test_commercial_form_in_a_company_name(name: str | None, form: str | None) -> None:
    assert fields.commercial_form(name) == form


# --------------------------------------------------------------------------- identifiers
def test_identifier_default_labels_and_optional_by_default() -> None:
    assert fields.siren_or_siret("") == "" and fields.siren_or_siret(None) == ""
    assert refused(fields.siren_or_siret, "12A") == (
        "Le SIRET « 12A » ne doit contenir que des chiffres (9 pour un SIREN, 14 pour un SIRET).")
    assert refused(fields.siret_only, "732829320") == "Le SIRET « 732829320 » doit compter 14 chiffres."
    assert refused(fields.siret_only, "123", label="Le SIRET du client") == (
        "Le SIRET du client « 123 » doit compter 9 chiffres (SIREN) ou 14 chiffres (SIRET), pas 3.")
    assert refused(fields.vat_number, "XX123") == (
        "Le n° de TVA intracommunautaire « XX123 » est invalide (format FR + 2 caractères + SIREN, "
        "ex. FR44732829320).")


def test_vat_number_blank_and_siren_from_a_siret() -> None:
    assert fields.vat_number("  ") == "" and fields.vat_number(None) == ""
    assert refused(fields.vat_number, VAT, siren="55210055400005") == (
        "Le n° de TVA intracommunautaire « FR44732829320 » ne correspond pas au SIREN 552100554.")


def test_iban_french_length_message_and_blank() -> None:
    assert fields.iban("") == "" and fields.iban(None) == "" and fields.iban("  ") == ""
    assert refused(fields.iban, "fr76 3000 6000 0112 3456 7890 18") == (
        "L'IBAN « fr76 3000 6000 0112 3456 7890 18 » n'a pas la bonne longueur : un IBAN français compte "
        "27 caractères (ici 26).")
    assert fields.iban("FR76\xa03000 6000 0112 3456 7890 189") == "FR76 3000 6000 0112 3456 7890 189"


def test_bic_pasted_with_spaces_and_blank() -> None:
    assert fields.bic("AGRI FR PP") == "AGRIFRPP"
    assert fields.bic("AGRI\xa0FRPP") == "AGRIFRPP"
    assert fields.bic("AGRI\tFRPP") == "AGRIFRPP"  # a tab pasted from a spreadsheet cell
    assert fields.bic("") == "" and fields.bic(None) == "" and fields.bic("  ") == ""


# --------------------------------------------------------------------------- contact data
def test_blank_contact_fields_are_empty() -> None:
    for fn in (fields.email, fields.phone):
        assert fn("") == "" and fn(None) == "" and fn("  ") == ""


def test_email_of_120_characters_is_accepted_121_refused() -> None:
    local = "a" * (120 - len("@example.fr"))
    assert fields.email(local + "@example.fr") == local + "@example.fr"
    assert refused(fields.email, "a" + local + "@example.fr").startswith("L'e-mail « a")


def test_postcode_country_defaults_and_bounds() -> None:
    assert refused(fields.postcode, "1234", country="") == "Le code postal « 1234 » est invalide (5 chiffres, ex. 69003)."
    assert refused(fields.postcode, "1234", country="FR").startswith("Le code postal « 1234 » est invalide")
    assert refused(fields.postcode, "1234", country="fr").startswith("Le code postal « 1234 » est invalide")
    assert fields.postcode("98999") == "98999" and fields.postcode("01000") == "01000"
    assert refused(fields.postcode, "99000").startswith("Le code postal « 99000 » est invalide")
    assert fields.postcode("1234567890", country="Belgique") == "1234567890"
    assert refused(fields.postcode, "12345678901", country="Belgique") == "Le code postal « 12345678901 » est trop long."


# --------------------------------------------------------------------------- numbers and dates
def test_vat_rate_zero_is_stored_as_0_however_typed() -> None:
    for typed in ("0", "0,0", "-0", "0 %", D("0.00"), D("-0")):
        assert str(fields.vat_rate(typed)) == "0", typed


def test_vat_rate_refuses_non_finite_decimals() -> None:
    for value in (D("NaN"), D("sNaN"), D("Infinity")):
        assert refused(fields.vat_rate, value) == (
            f"Le taux de TVA « {value} » n'est pas un taux français : 20, 10, 5,5, 2,1 ou 0.")


def test_integer_bounds_are_inclusive_and_start_at_zero() -> None:
    assert fields.integer("0", label="Le délai") == 0
    assert fields.integer("10000", label="Le délai") == 10_000
    assert fields.integer("5", label="Le délai", minimum=5, maximum=5) == 5
    assert refused(fields.integer, "-1", label="Le délai") == "Le délai « -1 » est hors limites (de 0 à 10000)."


def test_date_default_labels_and_blank() -> None:
    assert refused(fields.date, "") == "La date «  » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)."
    assert refused(fields.date, "31/02/2026") == "La date « 31/02/2026 » n'existe pas dans le calendrier."
    assert refused(fields.day_month, "") == "La date de clôture «  » doit s'écrire JJ/MM (ex. 31/12)."
    assert refused(fields.day_month, "29/02") == "La date de clôture « 29/02 » n'existe pas dans le calendrier."


def test_payment_terms_messages_and_the_120_day_limit() -> None:
    assert fields.payment_terms("120 jours nets") == "120 jours nets"
    assert refused(fields.payment_terms, "bientôt") == (
        "Les conditions de paiement « bientôt » ne sont pas reconnues : écrivez « comptant », « 30 jours nets » "
        "ou « 30 jours fin de mois ».")
    assert fields.business_terms_cap("") is None
