"""The message catalogue (pyxl.core.messages): every sentence written once, every key used."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from pyxl.core.messages import MESSAGES, msg

PKG = Path(__file__).resolve().parents[1] / "pyxl"
CATALOGUE = PKG / "core" / "messages.py"
MIN_FRAGMENT = 15  # shorter fixed parts (« : », « en retard. ») are common French, not a sentence
GENERIC = {"dans « Relances ».",  # the end of relances.produits, also the end of a button's help
           "Ligne de relevé"}  # the name of a record (a column header of Bordereaux and Règlements too)


def _literals() -> dict[str, list[str]]:
    """Every string literal of pyxl outside the catalogue (f-strings by their fixed parts), by file;
    docstrings, which may quote a message, are not literals a user reads."""
    out: dict[str, list[str]] = {}
    for f in sorted(PKG.rglob("*.py")):
        if f == CATALOGUE:
            continue
        tree = ast.parse(f.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        texts = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                texts.append(node.value)
        out[str(f.relative_to(PKG))] = texts
    return out


def _fragments(template: str) -> list[str]:
    parts = [lit for lit, _, _, _ in string.Formatter().parse(template)]
    return [p.strip() for p in parts if len(p.strip()) >= MIN_FRAGMENT and p.strip() not in GENERIC]


def test_every_key_is_used():
    used = {t for texts in _literals().values() for t in texts}
    assert sorted(k for k in MESSAGES if k not in used) == []


def test_no_sentence_of_the_catalogue_is_written_elsewhere():
    literals = _literals()
    again = [f"{key} « {frag} » in pyxl/{path}" for key, template in MESSAGES.items()
             for frag in _fragments(template) for path, texts in literals.items() if any(frag in t for t in texts)]
    assert again == []


def test_the_catalogue_does_not_say_one_sentence_twice():
    seen: dict[str, str] = {}
    twice = []
    for key, template in MESSAGES.items():
        for sentence in re.split(r"(?<=[.!?])\s+", template):
            if len(sentence) >= MIN_FRAGMENT and not sentence.startswith("{"):
                if sentence in seen:
                    twice.append(f"{seen[sentence]} and {key}: {sentence}")
                seen[sentence] = key
    assert twice == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_are_plain_names(key):
    names = [f for _, f, spec, conv in string.Formatter().parse(MESSAGES[key]) if f is not None]
    assert all(re.fullmatch(r"[a-z_]+", n) for n in names), names


def test_a_message_is_filled_by_name():
    assert msg("client.unknown", code="C00042") == ("Client « C00042 » introuvable. Voyez la liste avec "
                                                     "« syc client liste ».")
    assert msg("migrer.rien") == "Rien à faire : le classeur est à jour."
    with pytest.raises(KeyError):
        msg("client.unknown")


# --------------------------------------------------------------------------- the two front ends
FRONT_ENDS = {"cli": ("cli",), "excel": ("excel", "macros.py")}
WORDS = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")
MIN_WORDS = 4  # « Note de pénalités », « Facture d'acompte » are names of records, not sentences
SHARED_NAMES = {  # names of things, written alike on a CLI option and a workbook column, not sentences
    "logement de plus de 2 ans :",
    "sous-traitance pour une entreprise du bâtiment :",
    "n° de chèque, libellé du virement…",
}


def _sentences(text: str) -> list[str]:
    """The sentences of a literal (an f-string's fixed parts are literals of their own), cut at
    their end and at line breaks."""
    out = []
    for part in re.split(r"(?<=[.!?])\s+|\n", text):
        part = part.strip()
        if len([w for w in WORDS.findall(part) if len(w) >= 2]) >= MIN_WORDS and part not in SHARED_NAMES:
            out.append(part)
    return out


def _front_end_sentences(which: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path, texts in _literals().items():
        if path.startswith(FRONT_ENDS[which]):
            for t in texts:
                for s in _sentences(t):
                    found.setdefault(s, set()).add(path)
    return found


def test_the_cli_and_excel_never_write_the_same_sentence():
    """A sentence both front ends say (a success message, a report's line) lives once, in the
    catalogue or in the service that both call: written in each, the two wordings drift."""
    cli, excel = _front_end_sentences("cli"), _front_end_sentences("excel")
    twice = sorted(f"« {s} » in {sorted(cli[s])} and {sorted(excel[s])}" for s in set(cli) & set(excel))
    assert twice == []


def test_the_front_end_check_sees_a_sentence_written_twice():
    cli = "Relevé importé : toutes les lignes sont nouvelles."
    assert _sentences(f"Bonjour. {cli}\nFin") == [cli]
    assert _sentences("Note de pénalités") == []
    assert _sentences("n° de chèque, libellé du virement…") == []
