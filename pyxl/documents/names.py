"""File names and folders of the documents, safe on Windows.

`Documents/2026/Factures/F2026-00012 - DUPONT Jean.pdf` beside the workbook. Windows forbids
<>:"/\\|?* and control characters, names ending with a dot or a space, and the device names
(CON, PRN, AUX, NUL, COM1…9, LPT1…9, with any extension); a path longer than 260 characters
fails in many programs, so the client's part of the name is cut.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10)),
             "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
MAX_NAME = 120  # characters of a file name, extension included


def safe_name(text: str, max_len: int = MAX_NAME) -> str:
    """A file name (no folder) Windows and Linux both accept, as close to `text` as possible."""
    name = unicodedata.normalize("NFC", str(text))
    name = _FORBIDDEN.sub(" ", name).replace("\ufffd", " ")
    name = re.sub(r"\s+", " ", name).strip().rstrip(". ")
    if len(name) > max_len:
        name = name[:max_len].rstrip(". ")
    stem = name.split(".")[0].strip().upper()
    if stem in _RESERVED:
        name = "_" + name
    return name or "_"


def document_name(number: str, client: str, suffix: str = "", ext: str = ".pdf") -> str:
    """« F2026-00012 - DUPONT Jean.pdf », « F2026-00012 - DUPONT Jean - acquittée.pdf »."""
    base = safe_name(number, 40)
    tail = f" - {suffix}" if suffix else ""
    room = MAX_NAME - len(base) - len(tail) - len(ext) - 3
    who = safe_name(client, max(room, 1)) if client.strip() else ""
    parts = base + (f" - {who}" if who and who != "_" else "") + tail
    return safe_name(parts + ext)


def folder(book_dir: Path, root: str, year: int, sub: str) -> Path:
    """`<book_dir>/<root>/<year>/<sub>`; `root` (Paramètres « Dossier des documents ») is relative
    to the workbook's folder and may not climb out of it."""
    parts = [safe_name(p, 60) for p in re.split(r"[\\/]+", root or "Documents") if p not in ("", ".", "..")]
    base = book_dir.joinpath(*(parts or ["Documents"]))
    return base / str(year) / safe_name(sub, 40)
