"""French messages for argparse (help, usage and errors), which only speaks English."""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix inconnu : « %(value)s » (choisissez parmi %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide : « %(value)s »",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "un des arguments %s est obligatoire",
    "ignored explicit argument %r": "valeur inattendue : %r",
    "unexpected option string: %s": "option inattendue : %s",
    "%(prog)s: error: ": "%(prog)s : erreur : ",
}


def _(text: str) -> str:
    return MESSAGES.get(text, text)


def _n(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "%s valeur attendue" if n == 1 else "%s valeurs attendues"
    return _(singular if n == 1 else plural)


_start_section = argparse.HelpFormatter.start_section


def _french_start_section(self: argparse.HelpFormatter, heading: str | None) -> None:
    """Section titles of the help get French punctuation: 'options :' (argparse appends the ':')."""
    if heading and not heading.endswith(" "):
        heading += " "
    _start_section(self, heading)


def install() -> None:
    """argparse looks its `_` and `ngettext` up at call time: replace them with French ones."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = _n  # type: ignore[attr-defined]
    argparse.HelpFormatter.start_section = _french_start_section  # type: ignore[method-assign]
