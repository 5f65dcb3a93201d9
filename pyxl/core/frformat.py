"""French formatting of what a user reads: counts with their noun (`plural`)."""

from __future__ import annotations


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 client », « 3 clients », « 0 client », « 14 devis » (French: singular below 2; without an
    explicit plural, words ending in s, x or z do not change and the others take an s)."""
    if n < 2:
        return f"{n} {singular}"
    if plural_form is None:
        plural_form = singular if singular[-1:] in "sxz" else singular + "s"
    return f"{n} {plural_form}"
