"""French formatting of what a user reads, in one place: dates (`date_fr`, `long_date`), percentages
(`percent`), quantities and other decimal numbers (`quantity`, `decimal_fr`), amounts (`euros`, the
one of `pyxl.core.money`) and counts with their noun (`plural`).

Pure: no clock, no file. Spaces follow what each output has always used, so no document, sheet or
message changes: a no-break space before « % » in documents and rate tables (`NBSP`, as babel
writes it), a narrow one in reports (`NNBSP`), a plain one in the terminal and in the sales
services' messages (`SPACE`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pyxl.core.money import NNBSP, euros

__all__ = ["NBSP", "NNBSP", "SPACE", "date_fr", "decimal_fr", "euros", "interest_rate", "long_date", "percent", "plural",
           "quantity"]

NBSP = "\xa0"  # no-break space: before « % » and « € » (CLDR fr)
SPACE = " "


def date_fr(day: dt.date | None, empty: str = "") -> str:
    """« 05/12/2026 » (a datetime gives its day); `empty` when there is no date."""
    return day.strftime("%d/%m/%Y") if day else empty


def long_date(day: dt.date | None) -> str:
    """« 5 décembre 2026 », « 1er juin 2026 » (babel, fr_FR; the first of the month is « 1er »)."""
    if day is None:
        return ""
    from babel.dates import format_date

    text = format_date(day, "d MMMM y", locale="fr_FR")
    return "1er" + text[1:] if day.day == 1 else text


def decimal_fr(value: Decimal | float | int, places: int | None = None) -> str:
    """The number with a decimal comma, without grouping: as given (« 1000,50 »), or with `places`
    decimals (« 12,3 »)."""
    text = format(value, "f") if places is None else f"{value:.{places}f}"
    return text.replace(".", ",")


def quantity(value: Decimal | float | int | None) -> str:
    """« 2,5 », « 3 », « 0,25 »: a quantity without its trailing zeros; "" without a value."""
    if value is None:
        return ""
    return decimal_fr(Decimal(value).normalize())


def percent(value: Decimal | float | int | None, *, places: int | None = None, min_places: int = 0,
            sep: str = NBSP, empty: str = "") -> str:
    """« 5,5 % », « 20 % »: without trailing zeros, with at least `min_places` decimals (« 14,50 % »
    for the rates as the arrêtés print them), or with exactly `places` (« 68,2 % » in reports).
    `sep` is the space before « % »; `empty` is written when there is no value."""
    if value is None:
        return empty
    if places is None:
        d = Decimal(value).normalize()
        exponent = d.as_tuple().exponent
        shown = -exponent if isinstance(exponent, int) else 0
        places = max(shown, min_places) if min_places else None
        text = decimal_fr(d, places) if places is not None else decimal_fr(d)
    else:
        text = decimal_fr(value, places)
    return f"{text}{sep}%"


def interest_rate(value: Decimal | None) -> str:
    """« 14,50 % », « 2,75 % », « 10,00 % »: two decimals at least, as the arrêtés print them."""
    return percent(value, min_places=2)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 client », « 3 clients », « 0 client », « 14 devis » (French: singular below 2; without an
    explicit plural, words ending in s, x or z do not change and the others take an s)."""
    if n < 2:
        return f"{n} {singular}"
    if plural_form is None:
        plural_form = singular if singular[-1:] in "sxz" else singular + "s"
    return f"{n} {plural_form}"
