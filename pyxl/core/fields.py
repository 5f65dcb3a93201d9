"""Validation and normalisation of typed fields (identifiers, contact data, amounts, dates).

Identifiers are checked with python-stdnum, never by hand. Every function returns the normalised
value or raises `FieldError` with a French message that says what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pyxl.core.money import AmountError, parse_decimal

VAT_RATES = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))
# Control characters (C0 but tab/newlines, DEL, C1), the two code points XML cannot hold, and lone
# surrogates (bytes that were not UTF-8, decoded by Python with surrogateescape).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TERMS = re.compile(r"^\s*(?:(comptant)|(\d{1,3})\s*jours?\s*(nets?|fin\s+de\s+mois))\s*$", re.I)


class FieldError(ValueError):
    """A value the user typed that cannot be accepted; str(e) is French (and printable)."""

    def __init__(self, message: str):
        super().__init__(shown(message))


def shown(value: object) -> str:
    """A typed value as it can be printed back to the user: bytes that were not UTF-8 (lone
    surrogates from the command line) become U+FFFD instead of breaking the output."""
    return _SURROGATE.sub("\ufffd", "" if value is None else str(value))


def after_colon(message: str) -> str:
    """« Le nom est obligatoire » placed after « Client X : » reads « le nom est obligatoire »
    (acronyms such as « IBAN » keep their capitals; « L'objet », « L'IBAN » read « l'objet », « l'IBAN »)."""
    if message[1:2] in ("'", "’"):
        return message[:1].lower() + message[1:]
    return message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message


def text(value: str | None, *, label: str, required: bool = False, max_len: int = 120,
         multiline: bool = False) -> str:
    """Free text is data: kept exactly (accents, & < > " ', '=…'), only control characters refused.

    A multi-line text (remarks) keeps its line breaks and tabs; Windows line ends are stored as
    '\\n' (XML would turn a stored '\\r\\n' into '\\n' anyway, so the value read back is the
    value accepted). A one-line text refuses line breaks and tabs (a paste accident).
    """
    v = "" if value is None else str(value)
    if multiline:
        v = v.replace("\r\n", "\n").replace("\r", "\n")
    if not v.strip():
        if required:
            raise FieldError(f"{label} est obligatoire.")
        return ""
    if _SURROGATE.search(v):
        raise FieldError(f"{label} contient des caractères illisibles (texte qui n'est pas en UTF-8) : "
                         "retapez-le.")
    if len(v) > max_len:
        raise FieldError(f"{label} dépasse la longueur permise : {len(v)} caractères, {max_len} au plus.")
    bad = _CONTROL.search(v) or (None if multiline else re.search("[\t\n\r]", v))
    if bad:
        what = {"\n": "un retour à la ligne : retirez-le", "\r": "un retour à la ligne : retirez-le",
                "\t": "une tabulation : retirez-la"}.get(
            bad.group(), f"un caractère de contrôle invisible (U+{ord(bad.group()):04X}) : retirez-le")
        raise FieldError(f"{label} contient {what}.")
    return v


def choice(value: str | None, options: tuple[str, ...], *, label: str, required: bool = False,
           aliases: dict[str, str] | None = None) -> str:
    v = (value or "").strip()
    if not v:
        if required:
            raise FieldError(f"{label} est obligatoire : {', '.join(options)}.")
        return ""
    folded = _fold(v)
    for o in options:
        if _fold(o) == folded:
            return o
    if aliases and aliases.get(folded) in options:
        return aliases[folded]
    raise FieldError(f"{label} : « {v} » ne fait pas partie de la liste ({', '.join(options)}).")


def _fold(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).replace("'", "").replace("’", "").replace(" ", "-")


# Companies commercial by their form whatever their business (art. L210-1 C. com.; SAS and SASU:
# L227-1; EURL: a one-member SARL): their disputes go to the tribunal de commerce (L721-3 2°).
# Civil forms (SCI, SCP, SCM…) and liberal-profession SEL are not listed.
COMMERCIAL_FORMS = ("SASU", "SARL", "EURL", "SAS", "SNC", "SCA", "SCS", "SA")
_FORM_RE = re.compile(r"(?<![^\W\d_])(" + "|".join(r"\.?".join(f) for f in COMMERCIAL_FORMS) + r")\.?(?![^\W\d_])")


def commercial_form(name: str | None) -> str | None:
    """The commercial legal form written in a company name (« Garnier Bâtiment SAS » → « SAS »,
    « S.A.R.L. Chauffe » → « SARL »), in capitals as the registers print it; None if there is none."""
    m = _FORM_RE.search(name or "")
    return m.group(1).replace(".", "") if m else None


def siren_or_siret(value: str | None, *, label: str = "Le SIRET", required: bool = False) -> str:
    from stdnum.fr import siren, siret

    v = re.sub(r"[\s.-]", "", value or "")
    if not v:
        if required:
            raise FieldError(f"{label} est obligatoire pour un client professionnel (9 chiffres SIREN ou 14 SIRET).")
        return ""
    if not v.isdigit() or not v.isascii():
        raise FieldError(f"{label} « {value} » ne doit contenir que des chiffres (9 pour un SIREN, 14 pour un SIRET).")
    try:
        if len(v) == 14:
            return str(siret.validate(v))
        if len(v) == 9:
            return str(siren.validate(v))
    except Exception:
        raise FieldError(f"{label} « {value} » est invalide (clé de contrôle fausse) : vérifiez-le sur l'avis de situation INSEE.") from None
    raise FieldError(f"{label} « {value} » doit compter 9 chiffres (SIREN) ou 14 chiffres (SIRET), pas {len(v)}.")


def siret_only(value: str | None, *, label: str = "Le SIRET") -> str:
    v = siren_or_siret(value, label=label)
    if v and len(v) != 14:
        raise FieldError(f"{label} « {value} » doit compter 14 chiffres.")
    return v


def vat_number(value: str | None, *, label: str = "Le n° de TVA intracommunautaire", siren: str = "") -> str:
    from stdnum.eu import vat
    from stdnum.fr import tva

    v = re.sub(r"[\s.-]", "", value or "").upper()
    if not v:
        return ""
    try:
        v = str(vat.compact(v))
        vat.validate(v)
    except Exception:
        raise FieldError(f"{label} « {value} » est invalide (format FR + 2 caractères + SIREN, ex. FR44732829320).") from None
    if v.startswith("FR") and siren and len(v) == 13:
        try:
            if str(tva.to_siren(v)) != siren[:9]:
                raise FieldError(f"{label} « {value} » ne correspond pas au SIREN {siren[:9]}.")
        except FieldError:
            raise
        except Exception:
            pass
    return v


def iban(value: str | None, *, compact: bool = False) -> str:
    """A valid IBAN, grouped by four (« FR76 3000 … ») or, with `compact`, as stored (no spaces)."""
    from stdnum import iban as std_iban

    v = re.sub(r"\s", "", value or "").upper()
    if not v:
        return ""
    if v.startswith("FR") and len(v) != 27:
        raise FieldError(f"L'IBAN « {value} » n'a pas la bonne longueur : un IBAN français compte 27 caractères "
                         f"(ici {len(v)}).")
    from stdnum.exceptions import InvalidChecksum

    not_iban = FieldError(f"« {value} » n'est pas un IBAN : deux lettres du pays, deux chiffres de clé, puis le "
                          "numéro de compte (ex. FR76 3000 6000 0112 3456 7890 189).")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", v):
        raise not_iban
    try:
        valid = str(std_iban.validate(v))
    except InvalidChecksum:
        raise FieldError(f"L'IBAN « {value} » est invalide (clé de contrôle fausse).") from None
    except Exception:
        raise not_iban from None
    return valid if compact else str(std_iban.format(valid))


def iban_shown(value: str | None) -> str:
    """A stored IBAN as people read it, by groups of four; '' stays ''."""
    v = re.sub(r"\s", "", value or "").upper()
    return " ".join(v[i:i + 4] for i in range(0, len(v), 4))


def bic(value: str | None) -> str:
    from stdnum import bic as std_bic

    v = re.sub(r"\s", "", value or "").upper()
    if not v:
        return ""
    try:
        return str(std_bic.validate(v))
    except Exception:
        raise FieldError(f"Le BIC « {value} » est invalide (8 ou 11 caractères, ex. BNPAFRPP).") from None


def email(value: str | None, *, label: str = "L'e-mail") -> str:
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) > 120 or not _EMAIL.match(v):
        raise FieldError(f"{label} « {value} » n'est pas une adresse valide (ex. nom@exemple.fr).")
    return v


def phone(value: str | None, *, label: str = "Le téléphone") -> str:
    """French numbers (10 digits from 0, or +33…) are formatted '04 72 00 00 00'; others kept."""
    v = (value or "").strip()
    if not v:
        return ""
    digits = re.sub(r"[\s.\-()]", "", v)
    if not re.fullmatch(r"\+?\d{6,15}", digits) or not digits.isascii():
        raise FieldError(f"{label} « {value} » n'est pas un numéro valide (ex. 04 72 00 00 00).")
    if digits.startswith("0033"):
        digits = "+33" + digits[4:]
    if digits.startswith("+330"):  # "+33 (0)4 72…", "+33 04 72…"
        digits = "+33" + digits[4:]
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    if digits.startswith("0"):
        if len(digits) != 10:
            raise FieldError(f"{label} « {value} » doit compter 10 chiffres.")
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return v


def postcode(value: str | None, *, country: str = "France", required: bool = True) -> str:
    v = (value or "").strip()
    if not v:
        if required:
            raise FieldError("Le code postal est obligatoire.")
        return ""
    if _fold(country or "France") in ("france", "fr"):
        if not re.fullmatch(r"\d{5}", v) or not ("01000" <= v <= "98999"):
            raise FieldError(f"Le code postal « {value} » est invalide (5 chiffres, ex. 69003).")
    elif len(v) > 10:
        raise FieldError(f"Le code postal « {value} » est trop long.")
    return v


def amount(value: str | Decimal | None, *, label: str, required: bool = False,
           allow_negative: bool = False) -> Decimal | None:
    if value is None or str(value).strip() == "":
        if required:
            raise FieldError(f"{label} est obligatoire.")
        return None
    try:
        d = parse_decimal(value, max_places=2)
    except AmountError as exc:
        raise FieldError(f"{label} : {exc}.") from None
    if d < 0 and not allow_negative:
        raise FieldError(f"{label} ne peut pas être négatif ({value}).")
    if d >= Decimal("1000000000"):
        raise FieldError(f"{label} est trop grand ({value}).")
    return d


def vat_rate(value: str | Decimal | None, *, label: str = "Le taux de TVA") -> Decimal:
    if value is None or str(value).strip() == "":
        raise FieldError(f"{label} est obligatoire (20, 10, 5,5, 2,1 ou 0).")
    d: Decimal | None
    if isinstance(value, Decimal):
        d = value if value.is_finite() else None
    else:
        try:
            d = parse_decimal(str(value).strip().removesuffix("%").strip(), max_places=2)
        except AmountError:
            d = None
    if d is None or d not in VAT_RATES:
        raise FieldError(f"{label} « {value} » n'est pas un taux français : 20, 10, 5,5, 2,1 ou 0.")
    return d.normalize() if d != 0 else Decimal("0")


def integer(value: str | int | None, *, label: str, minimum: int = 0, maximum: int = 10_000) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise FieldError(f"{label} « {value} » doit être un nombre entier.") from None
    if not minimum <= n <= maximum:
        raise FieldError(f"{label} « {n} » est hors limites (de {minimum} à {maximum}).")
    return n


def date(value: str | dt.date | None, *, label: str = "La date") -> dt.date:
    if isinstance(value, dt.date):
        return value
    v = (value or "").strip()
    m = _DATE_FR.match(v)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return dt.date.fromisoformat(v)
    except ValueError:
        raise FieldError(f"{label} « {value} » n'existe pas dans le calendrier.") from None
    raise FieldError(f"{label} « {value} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).")


def day_month(value: str | None, *, label: str = "La date de clôture") -> str:
    v = (value or "").strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", v)
    if not m:
        raise FieldError(f"{label} « {value} » doit s'écrire JJ/MM (ex. 31/12).")
    try:
        dt.date(2023, int(m.group(2)), int(m.group(1)))  # a non-leap year: no 29/02 closing
    except ValueError:
        raise FieldError(f"{label} « {value} » n'existe pas dans le calendrier.") from None
    return f"{int(m.group(1)):02d}/{int(m.group(2)):02d}"


def payment_terms(value: str | None, *, label: str = "Les conditions de paiement") -> str:
    """'comptant', 'N jours nets', 'N jours fin de mois' (N ≤ 120); normalised spelling."""
    v = (value or "").strip()
    if not v:
        return ""
    m = _TERMS.match(v)
    if not m:
        raise FieldError(
            f"{label} « {value} » ne sont pas reconnues : écrivez « comptant », « 30 jours nets » ou "
            "« 30 jours fin de mois »."
        )
    if m.group(1):
        return "comptant"
    n = int(m.group(2))
    if n == 0 or n > 120:
        raise FieldError(f"{label} : {n} jours n'est pas un délai admis (1 à 120 jours).")
    return f"{n} jours nets" if m.group(3).lower().startswith("net") else f"{n} jours fin de mois"


def business_terms_cap(terms: str) -> str | None:
    """French message when terms exceed the B2B legal caps (L441-10 C. com.), else None."""
    m = _TERMS.match(terms or "")
    if not m or m.group(1):
        return None
    n = int(m.group(2))
    if m.group(3).lower().startswith("net") and n > 60:
        return f"« {terms} » dépasse le plafond légal entre professionnels (60 jours nets, art. L441-10 C. com.)."
    if not m.group(3).lower().startswith("net") and n > 45:
        return f"« {terms} » dépasse le plafond légal entre professionnels (45 jours fin de mois, art. L441-10 C. com.)."
    return None
