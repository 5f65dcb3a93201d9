"""Unit tests of pyxl.core.fields: what each typed field accepts, how it is normalised, and the
French message of each refusal (it must name the field and say what is expected)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pyxl.core import fields
from pyxl.core.fields import FieldError

SIREN = "732829320"
SIRET = "73282932000074"
VAT = "FR44732829320"
OTHER_SIRET = "55210055400005"  # valid, another company
OTHER_VAT = "FR96552100554"


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises(FieldError) as exc:
        fn(*args, **kwargs)
    return str(exc.value)


# --------------------------------------------------------------------------- free text
@pytest.mark.parametrize("value", [
    'Dupont & Fils <SARL> "l\'Étang"',
    "L’Œuvre — Chauffage façon Zoé",
    "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3", "'=1", "_x0041_",
    " espaces autour ", "Zoé 😀", "A\u00a0B",
])
def test_text_is_kept_exactly(value):
    assert fields.text(value, label="Le nom") == value


def test_text_required_and_blank():
    assert refused(fields.text, "", label="Le nom", required=True) == "Le nom est obligatoire."
    assert refused(fields.text, "   ", label="Le nom", required=True) == "Le nom est obligatoire."
    assert refused(fields.text, None, label="Le nom", required=True) == "Le nom est obligatoire."
    assert fields.text("   ", label="Le prénom") == ""
    assert fields.text(None, label="Le prénom") == ""


def test_text_max_length_boundary():
    assert fields.text("x" * 100, label="Le nom", max_len=100) == "x" * 100
    msg = refused(fields.text, "x" * 101, label="Le nom", max_len=100)
    assert msg.startswith("Le nom ") and "101 caractères" in msg and "100 au plus" in msg
    # the wording does not depend on the gender of the label
    assert "trop long" not in refused(fields.text, "x" * 61, label="La ville", max_len=60)


@pytest.mark.parametrize("value, what", [
    ("a\tb", "tabulation"), ("a\nb", "retour à la ligne"), ("a\rb", "retour à la ligne"),
    ("a\x00b", "U+0000"), ("a\x07b", "U+0007"), ("a\x1bb", "U+001B"), ("a\x7fb", "U+007F"),
    ("a\x85b", "U+0085"), ("a\ufffeb", "U+FFFE"), ("a\uffffb", "U+FFFF"),
])
def test_text_refuses_control_characters(value, what):
    msg = refused(fields.text, value, label="Le nom")
    assert msg.startswith("Le nom contient ") and what in msg


def test_text_refuses_undecodable_bytes():
    # bytes that were not UTF-8 arrive from the command line as lone surrogates
    msg = refused(fields.text, "Andr\udce9", label="Le nom")
    assert "illisibles" in msg and "Le nom" in msg


def test_multiline_text_keeps_lines_and_normalises_windows_line_ends():
    assert fields.text("ligne 1\nligne 2\tsuite", label="La remarque", multiline=True) == "ligne 1\nligne 2\tsuite"
    assert fields.text("a\r\nb\rc", label="La remarque", multiline=True) == "a\nb\nc"
    assert "U+0007" in refused(fields.text, "a\x07", label="La remarque", multiline=True)


# --------------------------------------------------------------------------- lists
def test_choice_folds_case_accents_and_aliases():
    assert fields.choice("PROFESSIONNEL", ("Particulier", "Professionnel"), label="Le type") == "Professionnel"
    assert fields.choice("main-d'oeuvre", ("Matériel", "Main-d'œuvre"), label="La famille") == "Main-d'œuvre"
    assert fields.choice("pro", ("Particulier", "Professionnel"), label="Le type",
                         aliases={"pro": "Professionnel"}) == "Professionnel"
    msg = refused(fields.choice, "société", ("Particulier", "Professionnel"), label="Le type")
    assert msg.startswith("Le type") and "Particulier, Professionnel" in msg
    assert "obligatoire" in refused(fields.choice, "", ("Oui", "Non"), label="Actif", required=True)


# --------------------------------------------------------------------------- identifiers
@pytest.mark.parametrize("value, expected", [
    (SIREN, SIREN), (SIRET, SIRET), ("732 829 320 00074", SIRET), ("732.829.320", SIREN),
    ("732-829-320-00074", SIRET),
])
def test_siren_or_siret_accepted(value, expected):
    assert fields.siren_or_siret(value) == expected


@pytest.mark.parametrize("value, words", [
    ("73282932000075", "clé de contrôle"),  # SIRET, wrong check digit
    ("732829321", "clé de contrôle"),  # SIREN, wrong check digit
    ("7328293200007", "pas 13"),  # 13 digits
    ("7328293200007A", "que des chiffres"),
    ("ABCDEFGHI", "que des chiffres"),
])
def test_siren_or_siret_refused(value, words):
    msg = refused(fields.siren_or_siret, value, label="Le SIRET / SIREN")
    assert msg.startswith("Le SIRET / SIREN") and words in msg


def test_siret_required_for_business_and_siret_only():
    assert "obligatoire pour un client professionnel" in refused(fields.siren_or_siret, "", required=True)
    assert fields.siret_only(SIRET) == SIRET
    assert "14 chiffres" in refused(fields.siret_only, SIREN)


def test_vat_number():
    assert fields.vat_number(VAT) == VAT
    assert fields.vat_number(" fr 44 732 829 320 ") == VAT
    assert fields.vat_number(VAT, siren=SIRET) == VAT
    assert fields.vat_number("") == ""
    assert "invalide" in refused(fields.vat_number, "FR00732829320")
    assert "invalide" in refused(fields.vat_number, "XX123")
    assert "ne correspond pas au SIREN 552100554" in refused(fields.vat_number, VAT, siren=OTHER_SIRET)
    assert fields.vat_number(OTHER_VAT, siren=OTHER_SIRET) == OTHER_VAT


def test_iban_and_bic():
    assert fields.iban("fr7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    assert "IBAN" in refused(fields.iban, "FR76 3000 6000 0112 3456 7890 188")
    assert "IBAN" in refused(fields.iban, "n'importe quoi")
    assert fields.bic("agrifrpp") == "AGRIFRPP"
    assert "BIC" in refused(fields.bic, "AGRI")


@pytest.mark.parametrize("value", ["jean.dupont@example.fr", "prenom.nom+devis@sous.domaine.example",
                                   "O'Neil@example.com"])
def test_email_accepted(value):
    assert fields.email(value) == value


@pytest.mark.parametrize("value", ["jean.dupont@", "@example.fr", "jean dupont@example.fr", "jean@example",
                                   "jean@@example.fr", "jean@exa_mple.fr", "a" * 115 + "@ex.fr"])
def test_email_refused(value):
    assert refused(fields.email, value).startswith("L'e-mail")


@pytest.mark.parametrize("value, expected", [
    ("0612345678", "06 12 34 56 78"), ("06.12.34.56.78", "06 12 34 56 78"),
    ("+33 6 12 34 56 78", "06 12 34 56 78"), ("+33 (0)4 72 00 00 00", "04 72 00 00 00"),
    ("0033 4 72 00 00 00", "04 72 00 00 00"), ("+41 22 123 45 67", "+41 22 123 45 67"),
])
def test_phone_accepted(value, expected):
    assert fields.phone(value) == expected


@pytest.mark.parametrize("value", ["12", "06 12 34 56 7", "06 12 34 56 78 9", "téléphone", "+33 6 12 34 56 7",
                                   "٠٦١٢٣٤٥٦٧٨"])
def test_phone_refused(value):
    assert refused(fields.phone, value).startswith("Le téléphone")


@pytest.mark.parametrize("value", ["01000", "20000", "20090", "69003", "97400", "98000"])
def test_postcode_accepted(value):
    assert fields.postcode(value) == value


@pytest.mark.parametrize("value", ["6900", "690030", "00999", "00100", "99000", "ABCDE", "69 003", "٦٩٠٠٣"])
def test_postcode_refused(value):
    assert refused(fields.postcode, value).startswith("Le code postal")


def test_postcode_required_and_abroad():
    assert refused(fields.postcode, "") == "Le code postal est obligatoire."
    assert fields.postcode("", required=False) == ""
    assert fields.postcode("1000", country="Belgique") == "1000"
    assert fields.postcode("SW1A 1AA", country="Royaume-Uni") == "SW1A 1AA"
    assert "trop long" in refused(fields.postcode, "12345678901", country="Belgique")


# --------------------------------------------------------------------------- amounts and rates
@pytest.mark.parametrize("value, expected", [
    ("3221,29", "3221.29"), ("3221.29", "3221.29"), ("3 221,29", "3221.29"), ("3\u202f221,29", "3221.29"),
    ("3\xa0221,29", "3221.29"), ("1234", "1234"), ("0", "0"), ("0,00", "0.00"), ("12,5", "12.5"),
    ("12,340", "12.340"), ("245,50 €", "245.50"), ("999999999,99", "999999999.99"),
])
def test_amount_accepted(value, expected):
    assert fields.amount(value, label="Le prix") == Decimal(expected)


@pytest.mark.parametrize("value, words", [
    ("abc", "n'est pas un nombre"), ("12,345", "plus de 2 décimales"), ("0,001", "plus de 2 décimales"),
    ("-5", "négatif"), ("-0,01", "négatif"), ("1.000,50", "n'est pas un nombre"), ("1e3", "n'est pas un nombre"),
    ("NaN", "n'est pas un nombre"), ("Infinity", "n'est pas un nombre"), ("12,", "n'est pas un nombre"),
    (",5", "n'est pas un nombre"), ("1000000000", "trop grand"),
])
def test_amount_refused(value, words):
    msg = refused(fields.amount, value, label="Le prix unitaire HT")
    assert msg.startswith("Le prix unitaire HT") and words in msg


def test_amount_required_and_negative_allowed():
    assert fields.amount("", label="Le prix") is None
    assert refused(fields.amount, " ", label="Le prix", required=True) == "Le prix est obligatoire."
    assert fields.amount("-5", label="Le solde", allow_negative=True) == Decimal("-5")


# Decision (documented): a VAT rate may be typed with a decimal comma or point and with or without
# a trailing "%" ("5,5", "5.5", "5,5 %", "5.5%"); only the five French rates are accepted. Former
# or foreign rates (19,6, 7, 5) are refused, never rounded to the nearest French rate.
@pytest.mark.parametrize("value, expected", [
    ("20", "20"), ("10", "10"), ("5,5", "5.5"), ("5.5", "5.5"), ("5,5 %", "5.5"), ("5.5%", "5.5"),
    ("2,1", "2.1"), ("0", "0"), ("0,0", "0"), ("20,00", "20"), ("5,50", "5.5"), (" 10 % ", "10"),
    (Decimal("2E+1"), "20"), (Decimal("10"), "10"), (Decimal("5.5"), "5.5"),
])
def test_vat_rate_accepted(value, expected):
    assert fields.vat_rate(value) == Decimal(expected)


@pytest.mark.parametrize("value", ["19,6", "19.6", "7", "5", "21", "-20", "5,55", "abc", "%", "2E+1",
                                   Decimal("19.6"), Decimal("NaN")])
def test_vat_rate_refused(value):
    msg = refused(fields.vat_rate, value)
    assert msg.startswith("Le taux de TVA") and "20, 10, 5,5, 2,1 ou 0" in msg


def test_vat_rate_required():
    assert "obligatoire" in refused(fields.vat_rate, "")


# --------------------------------------------------------------------------- numbers and dates
def test_integer():
    assert fields.integer("30", label="La validité") == 30
    assert "nombre entier" in refused(fields.integer, "trente", label="La validité")
    assert "hors limites" in refused(fields.integer, "-1", label="La validité")
    assert "hors limites" in refused(fields.integer, "10001", label="La validité")


@pytest.mark.parametrize("value, expected", [("2026-02-28", (2026, 2, 28)), ("28/02/2026", (2026, 2, 28)),
                                             ("1/3/2026", (2026, 3, 1)), ("2028-02-29", (2028, 2, 29))])
def test_date_accepted(value, expected):
    assert fields.date(value).timetuple()[:3] == expected


@pytest.mark.parametrize("value, words", [
    ("2026-02-30", "n'existe pas"), ("30/02/2026", "n'existe pas"), ("2026-02-29", "n'existe pas"),
    ("2026-13-01", "n'existe pas"), ("demain", "n'est pas une date"), ("2026-2-3", "n'est pas une date"),
    ("", "n'est pas une date"), ("27/11/26", "n'est pas une date"),
])
def test_date_refused(value, words):
    msg = refused(fields.date, value, label="La date")
    assert msg.startswith("La date") and words in msg


def test_day_month():
    assert fields.day_month("31/12") == "31/12"
    assert fields.day_month("1/4") == "01/04"
    assert "n'existe pas" in refused(fields.day_month, "29/02")
    assert "n'existe pas" in refused(fields.day_month, "31/04")
    assert "JJ/MM" in refused(fields.day_month, "décembre")


# --------------------------------------------------------------------------- payment terms
@pytest.mark.parametrize("value, expected", [
    ("comptant", "comptant"), ("Comptant", "comptant"), ("30 jours nets", "30 jours nets"),
    ("30 jours net", "30 jours nets"), ("1 jour net", "1 jours nets"),
    ("45 JOURS FIN DE MOIS", "45 jours fin de mois"), ("", ""),
])
def test_payment_terms_accepted(value, expected):
    assert fields.payment_terms(value) == expected


@pytest.mark.parametrize("value, words", [
    ("bientôt", "ne sont pas reconnues"), ("30 jours", "ne sont pas reconnues"),
    ("0 jours nets", "pas un délai admis"), ("121 jours nets", "pas un délai admis"),
])
def test_payment_terms_refused(value, words):
    msg = refused(fields.payment_terms, value)
    assert msg.startswith("Les conditions de paiement") and words in msg


@pytest.mark.parametrize("terms, over", [
    ("60 jours nets", False), ("61 jours nets", True), ("45 jours fin de mois", False),
    ("46 jours fin de mois", True), ("comptant", False), ("120 jours nets", True),
])
def test_business_terms_caps(terms, over):
    msg = fields.business_terms_cap(terms)
    assert (msg is not None) is over
    if over:
        assert "plafond légal" in msg and "L441-10" in msg


def test_after_colon_lowers_an_elided_article() -> None:
    from pyxl.core.fields import after_colon

    assert after_colon("L'objet dépasse la longueur permise") == "l'objet dépasse la longueur permise"
    assert after_colon("L'IBAN « X » est invalide") == "l'IBAN « X » est invalide"
    assert after_colon("IBAN invalide") == "IBAN invalide"
    assert after_colon("Le nom est obligatoire") == "le nom est obligatoire"
