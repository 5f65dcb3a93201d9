"""The one place that turns user or workbook values into `Decimal` money and rounds it.

Nobody else calls `round` or `quantize` on amounts (style guide, rule 5).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_AMOUNT_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


class AmountError(ValueError):
    """A text that is not an amount; the message is French and meant for the user."""


def parse_decimal(text: str | int | float | Decimal, *, max_places: int | None = 2) -> Decimal:
    """Parse a typed amount: '3221,29', '3221.29', '3 221,29', '1234'.

    Floats are accepted only at the Excel edge and go through `repr`, never through binary maths.
    Refuses more than `max_places` decimals instead of silently rounding them away.
    """
    if isinstance(text, bool):
        raise AmountError("une valeur oui/non n'est pas un montant")
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise AmountError("valeur numérique invalide")
        value = Decimal(repr(text))
    else:
        cleaned = str(text).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        cleaned = cleaned.removesuffix("€")
        if not _AMOUNT_RE.match(cleaned):
            raise AmountError(f"« {text} » n'est pas un nombre (exemple : 1234,50)")
        try:
            value = Decimal(cleaned.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex already filters
            raise AmountError(f"« {text} » n'est pas un nombre") from exc
    if not value.is_finite():
        raise AmountError("valeur numérique invalide")
    if max_places is None:
        return value
    exponent = value.normalize().as_tuple().exponent
    if max_places is not None and isinstance(exponent, int) and -exponent > max_places:
        raise AmountError(f"« {text} » a plus de {max_places} décimales")
    return value


def to_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: the single rounding rule of the project."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def from_cell(value: object) -> Decimal | None:
    """A money cell as read from the workbook (float, int, text or empty) → Decimal to the cent."""
    if value is None or value == "":
        return None
    return to_cents(parse_decimal(value, max_places=None))  # type: ignore[arg-type]


def json_amount(value: Decimal) -> str:
    """Amounts in --json output: a string with two decimals, e.g. '1234.50'."""
    return str(to_cents(value))


def euros(value: Decimal | None) -> str:
    """« 3 221,29 € » as French users read it: exactly babel's fr_FR currency format (a test checks
    it against babel on many values), written out here because loading babel's locale data costs
    60 ms in every command, a tenth of the time budget of `syc facture emettre`."""
    if value is None:
        return ""
    cents = to_cents(Decimal(value))
    sign = "-" if cents < 0 else ""
    whole, frac = f"{abs(cents):.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{NNBSP.join(groups)},{frac}\xa0€"


NNBSP = "\u202f"  # narrow no-break space: the French thousands separator (CLDR)
