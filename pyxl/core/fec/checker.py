"""A checker of any FEC file (art. A47 A-1 LPF), ours or another software's.

One streaming pass: the file is read in blocks of bytes, decoded (UTF-8, with or without BOM, else
ISO-8859-15), cut into lines and checked line by line; an entry is checked when its last line has
been read, the file-wide rules (balance, numbering) at the end. Memory holds one block, the set of
entry numbers seen (to find an entry whose lines are scattered) and a few values per journal.

Amounts are whole cents (`int`), parsed without `Decimal`; dates are `int` AAAAMMJJ from a cache of
the date strings already met. Every breach carries its line number (0: the whole file), a rule code
(`rules.RULES`) and a French message. A defect is reported once, by the rule it breaks: a line that
cannot be read (wrong number of fields) is left out of its entry's balance instead of making the
entry look unbalanced, a date that is not a date is not also out of order, and so on.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core.fec.rules import RULES, Level, Rule

# the 18 zones of VII-1°, then the cash-basis ones of VIII (BA: 21 zones, BNC: 22)
COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise")
CASH_BASIS = ("DateRglt", "ModeRglt", "NatOp", "IdClient")
MONTANT_SENS = ("Montant", "Sens")

BLOCK = 1 << 20  # bytes read at a time
DEFAULT_KEEP = 1000  # breaches kept per rule (all are counted)

_NAME_RE = re.compile(r"^(\d{9})FEC(\d{8})(\.[A-Za-z0-9]+)?$", re.IGNORECASE)
_AMOUNT_RE = re.compile(r"^([+-]?)(\d+)(?:,(\d+))?([+-]?)$")
_TRAILING_INT_RE = re.compile(r"(\d+)\s*$")
# journals of opening entries (à-nouveaux), by code or by label
_OPENING_CODES = frozenset({"AN", "RAN", "ANO", "ANX", "OUV", "OUVERTURE", "NOUV"})
_OPENING_LABEL_RE = re.compile(r"nouveau|ouverture|initial|report", re.IGNORECASE)
KEEP_GAPS = 10_000
_C1_RE = re.compile("[\x80-\x9f]")


@dataclass(frozen=True)
class Breach:
    """One breach of one rule: where (line 1 is the header, 0 the whole file) and what."""

    line: int
    code: str
    message: str
    field: str = ""

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def level(self) -> Level:
        return RULES[self.code].level

    @property
    def where(self) -> str:
        return f"ligne {self.line}" if self.line else "fichier"


@dataclass(frozen=True)
class Report:
    """What the checker found in one file."""

    path: str
    encoding: str = ""
    separator: str = ""
    line_ending: str = ""
    variant: str = ""  # "Debit/Credit" or "Montant/Sens", and "BA" / "BNC" for 21 or 22 zones
    columns: int = 0
    lines: int = 0  # data lines (the header not counted)
    entries: int = 0
    total_debit: Decimal = Decimal("0.00")
    total_credit: Decimal = Decimal("0.00")
    breaches: tuple[Breach, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # rule code → breaches found (all of them)
    readable: bool = True  # False: the file could not be read at all (UTF-16, no separator…)

    def count(self, level: Level) -> int:
        return sum(n for code, n in self.counts.items() if RULES[code].level is level)

    @property
    def errors(self) -> int:
        return self.count(Level.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Level.WARNING)

    @property
    def conforming(self) -> bool:
        return self.readable and self.errors == 0

    def codes(self, *levels: Level) -> set[str]:
        """The rules broken, at these levels (all levels when none is given)."""
        return {c for c in self.counts if not levels or RULES[c].level in levels}


class _Sink:
    """Collects breaches: all counted, the first `keep` of each rule kept."""

    def __init__(self, keep: int | None):
        self.keep = keep
        self.kept: list[Breach] = []
        self.counts: dict[str, int] = {}

    def __call__(self, line: int, code: str, message: str, field_: str = "") -> None:
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        if self.keep is None or n <= self.keep:
            self.kept.append(Breach(line, code, message, field_))


# --------------------------------------------------------------------------- values
def _date(text: str) -> int:
    """AAAAMMJJ → the int AAAAMMJJ; 0 empty; -1 not a date."""
    s = text.strip()
    if not s:
        return 0
    if len(s) != 8 or not (s.isdigit() and s.isascii()):
        return -1
    try:
        dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return -1
    return int(s)


def _amount(text: str) -> tuple[int | None, str]:
    """An amount in cents and what is wrong with it: '' fine, 'vide', 'format', 'decimales'."""
    s = text.strip()
    if not s:
        return 0, "vide"
    m = _AMOUNT_RE.match(s)
    if m is None or (m.group(1) and m.group(4)) or not s.isascii():
        return None, "format"
    sign = -1 if "-" in (m.group(1), m.group(4)) else 1
    units, decimals = int(m.group(2)), m.group(3) or ""
    if len(decimals) <= 2:
        return sign * (units * 100 + int((decimals + "00")[:2])), ""
    scaled = int(decimals[:3].ljust(3, "0"))  # half-up to the cent, for the balance
    cents = units * 100 + (scaled + 5) // 10
    return sign * cents, "decimales"


def _shown(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100},{cents % 100:02d}"


def _day(value: int) -> str:
    s = str(value)
    return f"{s[6:]}/{s[4:6]}/{s[:4]}"


def _decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


# --------------------------------------------------------------------------- reading
class _Reader:
    """Blocks of text from the file's bytes, in its character set; notes what it finds."""

    def __init__(self, path: Path, add: _Sink):
        self.path = path
        self.add = add
        self.encoding = ""
        self.readable = True

    def blocks(self) -> Iterator[str]:
        with open(self.path, "rb") as f:
            head = f.read(4)
            if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
                kind = "UTF-32" if len(head) == 4 and b"\x00\x00" in (head[2:], head[:2]) else "UTF-16"
                self._unreadable(f"le fichier est en {kind} (marque d'ordre des octets en tête)")
                return
            bom = head[:3] == b"\xef\xbb\xbf"
            rest = head[3:] if bom else head
            codec = "utf-8"
            self.encoding = "UTF-8 avec BOM" if bom else "UTF-8"
            if bom:
                self.add(1, "fec.bom", "Le fichier commence par une marque d'ordre des octets UTF-8 (BOM) : "
                                       "tolérée, mais un FEC s'écrit de préférence sans.")
            ascii_so_far = True
            c1_told = False
            pending = rest
            line_base = 1  # line number of the first line of the next block
            while True:
                chunk = f.read(BLOCK)
                data = pending + chunk
                if not chunk:
                    last = data
                    pending = b""
                else:
                    cut = data.rfind(b"\n")
                    if cut < 0:
                        cut = data.rfind(b"\r")
                    if cut < 0:
                        pending = data
                        continue
                    last, pending = data[: cut + 1], data[cut + 1:]
                if not last:
                    return
                if line_base == 1 and b"\x00" in last[:4096]:
                    self._unreadable("le fichier contient des octets nuls : sans doute de l'UTF-16 sans marque "
                                     "d'ordre des octets")
                    return
                if codec == "utf-8":
                    try:
                        text = last.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        before = last[: exc.start]
                        line = line_base + before.count(b"\n")
                        if ascii_so_far and before.isascii():
                            codec = "iso-8859-15"
                            self.encoding = "ISO-8859-15"
                            text = last.decode(codec)
                        else:
                            self.add(line, "fec.encodage", f"Octets invalides en UTF-8 ({last[exc.start:exc.end]!r}) "
                                                           "alors que le fichier est en UTF-8 jusque-là : un seul jeu "
                                                           "de caractères par fichier.")
                            text = last.decode("utf-8", "replace")
                    if ascii_so_far and not last.isascii():
                        ascii_so_far = False
                else:
                    text = last.decode(codec)
                if codec != "utf-8" and not c1_told and (c1 := _C1_RE.search(text)):
                    c1_told = True  # bytes 0x80–0x9F: Windows-1252 (’ € …), not ISO 8859-15
                    self.add(line_base + text.count("\n", 0, c1.start()), "fec.encodage",
                             f"Octet 0x{ord(c1.group(0)):02X}, caractère de contrôle en ISO 8859-15 : le fichier est "
                             "sans doute en Windows-1252 (apostrophe courbe, symbole euro…), jeu de caractères non "
                             "admis ; réenregistrez-le en UTF-8 ou en ISO 8859-15.")
                line_base += last.count(b"\n") or last.count(b"\r")
                yield text
                if not chunk:
                    return

    def _unreadable(self, why: str) -> None:
        self.readable = False
        self.encoding = why
        self.add(1, "fec.encodage", f"Jeu de caractères refusé : {why}. Un FEC s'écrit en ASCII, ISO 8859-15 ou "
                                    "UTF-8 (art. A47 A-1, XII-1°) : réenregistrez-le dans l'un de ces jeux.")


# --------------------------------------------------------------------------- the header
@dataclass
class _Layout:
    sep: str
    count: int  # fields per line, as the header says
    also: frozenset[int]  # other accepted counts (a damaged header)
    pick: Callable[[list[str]], Any]  # the 18 zones in the article's order (an itemgetter)
    pick_cash: Callable[[list[str]], Any] | None
    montant_sens: bool
    cash_basis: str  # "", "BA", "BNC"
    trailing: bool  # the header ends with a separator


def _header(line: str, add: _Sink) -> _Layout | None:
    if line.startswith("\ufeff"):
        line = line[1:]
    if not line.strip():
        add(1, "fec.fichier-vide", "La première ligne est vide : elle doit porter les noms des zones.")
        return None
    sep = next((s for s in ("\t", "|", ";", ",") if s in line), "")
    if not sep:
        add(1, "fec.separateur", "Aucun séparateur reconnu dans la ligne d'en-tête : séparez les zones par une "
                                 "tabulation ou une barre verticale « | ».")
        return None
    if sep in ";,":
        add(1, "fec.separateur", f"Séparateur « {sep} » : seuls la tabulation et la barre verticale « | » sont "
                                 "admis depuis 2013.")
    names = [n.strip() for n in line.split(sep)]
    count = len(names)
    if len(names) > 1 and names[-1] == "":
        names.pop()
        add(1, "fec.separateur-final", "Chaque ligne finit par un séparateur (une zone vide de plus) : toléré.")
    lower = [n.lower() for n in names]
    montant_sens = "montant" in lower and "sens" in lower and "debit" not in lower
    canon = list(COLUMNS)
    if montant_sens:
        canon[11:13] = MONTANT_SENS
    cash = "BNC" if "idclient" in lower else "BA" if "daterglt" in lower or "natop" in lower else ""
    if cash:
        canon += CASH_BASIS[: 4 if cash == "BNC" else 3]
    want = [c.lower() for c in canon]
    missing = [c for c, w in zip(canon, want, strict=True) if w not in lower]
    unknown = [n for n in names[: len(canon)] if n.lower() not in want]
    if len(missing) > len(canon) // 2:
        add(1, "fec.entete-colonnes", f"La première ligne ne nomme que {len(canon) - len(missing)} des {len(canon)} "
                                      "zones du FEC (JournalCode, JournalLib, EcritureNum…) : ce fichier n'est pas un "
                                      "FEC, ou son en-tête manque ; ses lignes ne sont pas vérifiées.")
        return None
    if missing:
        what = "Zones absentes de l'en-tête : " + ", ".join(missing)
        if unknown:
            what += " ; zones inconnues : " + ", ".join(unknown)
        add(1, "fec.entete-colonnes", what + f". L'en-tête doit nommer les {len(canon)} zones de l'article, dans "
                                             "l'ordre ; les lignes sont lues dans cet ordre.")
        positions = list(range(len(canon)))
        also = frozenset({len(canon), len(canon) + (count - len(names))})
    else:
        positions = [lower.index(w) for w in want]
        also = frozenset()
        if positions != list(range(len(canon))):
            wrong = [c for i, c in enumerate(canon) if positions[i] != i]
            add(1, "fec.entete-ordre", "Zones hors de leur place dans l'en-tête : " + ", ".join(wrong)
                + ". L'ordre est celui de l'article (JournalCode, JournalLib, EcritureNum… Idevise) ; les lignes "
                  "sont lues selon les noms de l'en-tête.")
        spelled = [n for n, w in zip(names, lower, strict=True) if w in want and n not in canon]
        if spelled:
            add(1, "fec.entete-casse", "Noms de zones écrits autrement que dans l'article : " + ", ".join(spelled)
                + " (lus sans tenir compte de la casse).")
    return _Layout(sep=sep, count=count, also=also, pick=operator.itemgetter(*positions[:18]),
                   pick_cash=operator.itemgetter(*positions[18:]) if cash else None,
                   montant_sens=montant_sens, cash_basis=cash, trailing=count > len(names))


def _name_rule(path: Path, fiscal_end: dt.date | None, add: _Sink) -> None:
    m = _NAME_RE.match(path.name)
    if m is None:
        add(0, "fec.nom-fichier", f"Le nom « {path.name} » n'a pas la forme SirenFECAAAAMMJJ (SIREN, « FEC », date "
                                  "de clôture), par exemple 732829320FEC20261231.txt.")
        return
    from stdnum.fr import siren

    if not siren.is_valid(m.group(1)):
        add(0, "fec.nom-fichier", f"Le SIREN {m.group(1)} du nom du fichier n'est pas un SIREN valide (clé de "
                                  "contrôle).")
    closing = _date(m.group(2))
    if closing < 0:
        add(0, "fec.nom-fichier", f"La date {m.group(2)} du nom du fichier n'est pas une date AAAAMMJJ.")
    elif fiscal_end is not None and closing != int(fiscal_end.strftime("%Y%m%d")):
        add(0, "fec.nom-cloture", f"Le nom du fichier porte la date {_day(closing)}, l'exercice se clôt le "
                                  f"{fiscal_end:%d/%m/%Y} (--exercice-au).")


# --------------------------------------------------------------------------- the check
def check_fec(path: str | Path, *, fiscal_start: dt.date | None = None, fiscal_end: dt.date | None = None,
              keep: int | None = DEFAULT_KEEP) -> Report:
    """Check a FEC file; `fiscal_start`/`fiscal_end` bound EcritureDate. `keep`: breaches kept per rule
    (None: all), every breach being counted in `Report.counts`."""
    path = Path(path)
    add = _Sink(keep)
    _name_rule(path, fiscal_end, add)
    reader = _Reader(path, add)
    state = _Check(add, fiscal_start, fiscal_end)
    state.run(reader.blocks())
    return state.report(path, reader)


_EOL_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


class _Check:
    """The state of one pass."""

    def __init__(self, add: _Sink, start: dt.date | None, end: dt.date | None):
        self.add = add
        self.start = int(start.strftime("%Y%m%d")) if start else 0
        self.end = int(end.strftime("%Y%m%d")) if end else 99999999
        self.window = start is not None or end is not None
        self.layout: _Layout | None = None
        self.eol = ""
        self.lines = 0
        self.entries = 0
        self.debit = 0
        self.credit = 0

    # ------------------------------------------------------------------ lines
    def _split_lines(self, blocks: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
        """(number of the first line, lines) per block; end-of-line styles checked per block."""
        carry = ""
        number = 1
        mixed_told = False
        for text in blocks:
            if not self.eol:
                first = re.search(r"\r\n|\n|\r", text)
                self.eol = first.group(0) if first else "\n"
            if not mixed_told:
                crlf = text.count("\r\n")
                lf, cr = text.count("\n") - crlf, text.count("\r") - crlf
                if self.eol == "\r\n":
                    other = lf or cr
                elif self.eol == "\n":
                    other = crlf or cr
                else:
                    other = crlf or lf
                if other:
                    mixed_told = True
                    self._mixed_eol(carry + text, number)
            if self.eol == "\r":
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            elif "\r" in text:
                while "\r\n" in text:
                    text = text.replace("\r\n", "\n")
            text = carry + text
            parts = text.split("\n")
            carry = parts.pop()
            yield number, parts
            number += len(parts)
        if carry:
            yield number, [carry]

    def _mixed_eol(self, text: str, number: int) -> None:
        want = self.eol
        for m in re.finditer(r"\r\n|\n|\r", text):
            if m.group(0) != want:
                line = number + text.count("\n", 0, m.start()) + (
                    text.count("\r", 0, m.start()) - text.count("\r\n", 0, m.start()) if want == "\r" else 0)
                self.add(line, "fec.fins-de-ligne",
                         f"Fin de ligne {_EOL_NAMES.get(m.group(0), repr(m.group(0)))} alors que la première ligne "
                         f"finit par {_EOL_NAMES[want]} : une seule fin de ligne dans tout le fichier.")
                return

    # ------------------------------------------------------------------ the pass
    def run(self, blocks: Iterator[str]) -> None:  # one loop, kept flat for speed
        add = self.add
        dates: dict[str, int] = {}
        accounts: dict[str, tuple[bool, bool]] = {}
        opening: dict[str, bool] = {}
        first_journal: dict[str, str] = {}  # EcritureNum → journal of its first entry
        other_keys: set[tuple[str, str]] = set()
        pending: dict[tuple[str, str], tuple[int, int]] = {}  # unbalanced entries: key → (first line, diff)
        tainted: set[str] = set()  # EcritureNum of lines left out: their entries' balance is not judged
        last_num: dict[str, int] = {}
        last_date: dict[str, int] = {}
        gaps_file: list[tuple[int, str, int, int]] = []
        gaps_journal: list[tuple[int, str, int, int]] = []
        n_gaps_file = n_gaps_journal = 0
        file_last = -1
        last_valid = 0
        other_seen = False
        opening_told = False
        start, end, window = self.start, self.end, self.window
        debit_total = credit_total = 0
        unreadable_lines = 0

        # the entry being read
        cur_num: str | None = None
        cur_j = ""
        cur_key: tuple[str, str] = ("", "")
        cur_line = 0
        cur_diff = 0
        cur_ref = cur_pdate = ""
        cur_d = 0
        cur_told = False

        lines = 0
        entries = 0
        layout: _Layout | None = None
        pick: Callable[[list[str]], Any] = tuple
        pick_cash: Callable[[list[str]], Any] | None = None
        sep = alt = ""
        count = 0
        also: frozenset[int] = frozenset()
        montant_sens = False
        optional_jc = False
        pad = False
        empty_pending: list[int] = []
        trail_told = False

        for number, block in self._split_lines(blocks):
            for i, line in enumerate(block):
                no = number + i
                if layout is None:
                    layout = self.layout = _header(line, add)
                    if layout is None:
                        return
                    sep, count, also, montant_sens = layout.sep, layout.count, layout.also, layout.montant_sens
                    alt = "|" if sep == "\t" else "\t"
                    pick, pick_cash = layout.pick, layout.pick_cash
                    optional_jc = bool(layout.cash_basis)
                    continue
                if not line:
                    empty_pending.append(no)  # told unless only empty lines follow (the end of the file)
                    continue
                if empty_pending:
                    for e in empty_pending:
                        add(e, "fec.ligne-vide", "Ligne vide au milieu du fichier : supprimez-la.")
                    empty_pending = []
                lines += 1
                f = line.split(sep)
                if len(f) != count:
                    if len(f) == 1 and alt in line and len(line.split(alt)) in (count, *also):
                        add(no, "fec.separateur-mixte", f"Cette ligne sépare ses zones par « {alt.strip() or 'tabulation'} »"
                            f" alors que l'en-tête les sépare par « {sep.strip() or 'tabulation'} ».")
                        f = line.split(alt)
                    elif len(f) in also:
                        pass
                    elif len(f) == count + 1 and not f[-1].strip():  # a separator at the end of this line
                        if not trail_told:
                            trail_told = True
                            add(no, "fec.separateur-final", "Des lignes finissent par un séparateur (une zone vide "
                                                            "de plus que l'en-tête) : toléré.")
                    elif len(f) == count - 1 and layout.trailing:  # the header alone ends with a separator
                        f.append("")
                    else:
                        n_needed = 16 + (2 if layout.cash_basis else 0)  # through ValidDate
                        add(no, "fec.nombre-champs", f"{len(f)} zones au lieu de {count} "
                            + ("(ligne tronquée)." if len(f) < count else
                               "(séparateur dans une valeur, ou zones en trop)."))
                        if n_needed <= len(f) < count and not layout.cash_basis:
                            f += [""] * (count - len(f))  # only optional zones are missing: read the rest
                        else:
                            unreadable_lines += 1
                            if len(f) > 2:
                                tainted.add(f[2].strip())
                            continue
                    if len(f) < 18:
                        f += [""] * (18 - len(f))
                if pad:
                    jc, jl, en, ed, cn, cl, an, al, pr, pd, el, de, cr, let, dl, vd, md, idv = map(str.strip, pick(f))
                else:
                    jc, jl, en, ed, cn, cl, an, al, pr, pd, el, de, cr, let, dl, vd, md, idv = pick(f)
                    if lines == 1 and any(x != x.strip() for x in f):
                        pad = True  # fixed-width zones: values are trimmed
                        jc, jl, en, ed, cn, cl, an, al, pr, pd, el, de, cr, let, dl, vd, md, idv = map(
                            str.strip, pick(f))

                # mandatory zones
                if "" in (jc, jl, en, cn, cl, pr, el, ed, pd):
                    for name, value in (("JournalCode", jc), ("JournalLib", jl), ("EcritureNum", en),
                                        ("EcritureDate", ed), ("CompteNum", cn), ("CompteLib", cl),
                                        ("PieceRef", pr), ("PieceDate", pd), ("EcritureLib", el)):
                        if not value and not (optional_jc and name in ("JournalCode", "JournalLib", "CompteNum")):
                            add(no, "fec.champ-obligatoire", f"Zone {name} vide : elle est obligatoire.", name)

                # the account
                acc = accounts.get(cn)
                if acc is None:
                    c3 = cn[:3]
                    acc = accounts[cn] = (len(c3) == 3 and c3.isdigit() and c3.isascii(), cn[:1] == "4")
                if not acc[0] and cn:
                    add(no, "fec.compte-num", f"Compte « {cn} » : ses trois premiers caractères doivent être des "
                                              "chiffres (numéro du plan comptable général).", "CompteNum")

                # dates
                d = dates.get(ed)
                if d is None:
                    d = dates[ed] = _date(ed)
                if d < 0:
                    add(no, "fec.date", f"EcritureDate « {ed} » n'est pas une date AAAAMMJJ.", "EcritureDate")
                elif d and window and not start <= d <= end:
                    add(no, "fec.hors-exercice", f"EcritureDate {_day(d)} hors de l'exercice "
                                                 f"({_day(start) if start else '…'} – "
                                                 f"{_day(end) if end != 99999999 else '…'}).", "EcritureDate")
                x = dates.get(pd)
                if x is None:
                    x = dates[pd] = _date(pd)
                if x < 0:
                    add(no, "fec.date", f"PieceDate « {pd} » n'est pas une date AAAAMMJJ.", "PieceDate")
                v = dates.get(vd)
                if v is None:
                    v = dates[vd] = _date(vd)
                if v <= 0:
                    if v < 0:
                        add(no, "fec.date", f"ValidDate « {vd} » n'est pas une date AAAAMMJJ.", "ValidDate")
                    else:
                        add(no, "fec.non-validee", "ValidDate vide : l'écriture n'est pas validée ; seules les "
                                                   "écritures validées vont au FEC.", "ValidDate")
                elif 0 < v < d:
                    add(no, "fec.validation-avant-ecriture", f"Validée le {_day(v)}, avant sa date comptable "
                                                             f"{_day(d)}.", "ValidDate")
                if dl:
                    x = dates.get(dl)
                    if x is None:
                        x = dates[dl] = _date(dl)
                    if x < 0:
                        add(no, "fec.date", f"DateLet « {dl} » n'est pas une date AAAAMMJJ.", "DateLet")
                    if not let:
                        add(no, "fec.lettrage", "DateLet renseignée sans code de lettrage (EcritureLet).", "EcritureLet")
                elif let:
                    add(no, "fec.lettrage", f"Lettrage « {let} » sans date de lettrage (DateLet).", "DateLet")

                # amounts, in cents
                if montant_sens:
                    amount, what = _amount(de)
                    if what:
                        self._amount_breach(no, "Montant", de, what)
                    s = cr.strip()
                    if s in ("D", "+1"):
                        dc, cc = amount or 0, 0
                    elif s in ("C", "-1"):
                        dc, cc = 0, amount or 0
                    else:
                        add(no, "fec.sens", f"Sens « {cr} » : D, C, +1 ou -1 attendu.", "Sens")
                        dc = cc = 0
                        amount = None
                    if amount is None:
                        unreadable_lines += 1
                        tainted.add(en)
                    elif amount < 0:
                        add(no, "fec.montant-negatif", f"Montant négatif ({de.strip()}).", "Montant")
                    elif amount == 0:
                        add(no, "fec.debit-credit", "Montant nul.", "Montant")
                else:
                    readable = True
                    if len(de) > 3 and de[-3] == "," and (t := de[:-3] + de[-2:]).isdigit() and t.isascii():
                        dc = int(t)
                    else:
                        dc_, what = _amount(de)
                        if what:
                            self._amount_breach(no, "Debit", de, what)
                        if dc_ is None:
                            readable = False
                        dc = dc_ or 0
                    if len(cr) > 3 and cr[-3] == "," and (t := cr[:-3] + cr[-2:]).isdigit() and t.isascii():
                        cc = int(t)
                    else:
                        cc_, what = _amount(cr)
                        if what:
                            self._amount_breach(no, "Credit", cr, what)
                        if cc_ is None:
                            readable = False
                        cc = cc_ or 0
                    if not readable:  # said once, as a format breach; the entry's balance is not judged
                        unreadable_lines += 1
                        tainted.add(en)
                    elif dc < 0 or cc < 0:
                        add(no, "fec.montant-negatif", f"Montant négatif (débit {_shown(dc)}, crédit {_shown(cc)}) : "
                                                        "inversez le sens plutôt.", "Debit" if dc < 0 else "Credit")
                    elif (dc != 0) == (cc != 0):
                        add(no, "fec.debit-credit", f"Débit {_shown(dc)} et crédit {_shown(cc)} sur la même ligne : "
                                                    "l'un des deux seulement doit être non nul.", "Debit")
                debit_total += dc
                credit_total += cc

                # the auxiliary account
                if an or al:
                    if not an or not al:
                        add(no, "fec.compaux-sans-lib",
                            f"CompAuxNum « {an} » sans libellé (CompAuxLib)." if an else
                            f"CompAuxLib « {al} » sans numéro de compte auxiliaire (CompAuxNum).",
                            "CompAuxLib" if an else "CompAuxNum")
                    if an and not acc[1] and acc[0]:
                        add(no, "fec.compaux-non-tiers", f"Compte auxiliaire « {an} » sur le compte {cn}, qui n'est "
                                                         "pas un compte de tiers (classe 4).", "CompAuxNum")
                if md:
                    _m, what = _amount(md)
                    if what and what != "decimales":
                        add(no, "fec.montant-format", f"Montantdevise « {md} » n'est pas un nombre (virgule "
                                                      "décimale).", "Montantdevise")
                    if not idv:
                        add(no, "fec.devise", "Montantdevise sans code de devise (Idevise).", "Idevise")
                elif idv:
                    add(no, "fec.devise", f"Devise « {idv} » sans montant en devise (Montantdevise).", "Montantdevise")
                if pick_cash is not None:
                    for name, value in zip(CASH_BASIS, pick_cash(f), strict=False):
                        if name == "DateRglt" and value.strip() and _date(value) < 0:
                            add(no, "fec.date", f"DateRglt « {value} » n'est pas une date AAAAMMJJ.", "DateRglt")

                # the entry
                if en != cur_num or (jc and cur_j and jc != cur_j):
                    if cur_num is not None and cur_diff:
                        pending[cur_key] = (cur_line, cur_diff)
                    cur_num, cur_j, cur_line, cur_told = en, jc, no, False
                    cur_key = (jc, en)
                    cur_d, cur_ref, cur_pdate = d, pr, pd
                    j0 = first_journal.get(en)
                    fresh = True
                    if j0 is None:
                        first_journal[en] = jc
                    elif j0 == jc or cur_key in other_keys:
                        fresh = False
                        add(no, "fec.ecriture-dispersee", f"Écriture {jc} {en} : ses lignes ne se suivent pas (elle "
                                                          "a déjà paru plus haut).", "EcritureNum")
                    else:
                        other_keys.add(cur_key)
                        add(no, "fec.numero-reutilise", f"Le numéro d'écriture {en} sert aussi dans le journal "
                                                        f"{j0} : l'outil de la DGFiP les confondrait.", "EcritureNum")
                    cur_diff = pending.pop(cur_key, (0, 0))[1] if not fresh else 0
                    if fresh:
                        entries += 1
                        # numbering: continuous in the file, or per journal
                        if en.isdigit() and en.isascii():
                            num = int(en)
                        else:
                            mm = _TRAILING_INT_RE.search(en)
                            num = int(mm.group(1)) if mm else -1
                        if num >= 0:
                            if file_last >= 0 and num != file_last + 1:
                                n_gaps_file += 1
                                if len(gaps_file) < KEEP_GAPS:
                                    gaps_file.append((no, jc, file_last, num))
                            file_last = num
                            before = last_num.get(jc)
                            if before is not None and num != before + 1:
                                n_gaps_journal += 1
                                if len(gaps_journal) < KEEP_GAPS:
                                    gaps_journal.append((no, jc, before, num))
                            last_num[jc] = num
                        # chronology within the journal, order of validation in the file
                        if d > 0:
                            before = last_date.get(jc)
                            if before is not None and d < before:
                                add(no, "fec.chronologie-journal", f"Écriture {jc} {en} du {_day(d)} après une "
                                    f"écriture du {_day(before)} du même journal : la date recule quand le numéro "
                                    "avance.", "EcritureDate")
                            last_date[jc] = d
                        if v > 0:
                            if v < last_valid:
                                add(no, "fec.ordre-validation", f"Écriture {jc} {en} validée le {_day(v)} après une "
                                    f"écriture validée le {_day(last_valid)} : le fichier suit l'ordre de validation.",
                                    "ValidDate")
                            last_valid = v
                        # opening entries first
                        op = opening.get(jc)
                        if op is None:
                            op = opening[jc] = jc.upper() in _OPENING_CODES or bool(_OPENING_LABEL_RE.search(jl))
                        if not op:
                            other_seen = True
                        elif other_seen and not opening_told:
                            opening_told = True
                            add(no, "fec.a-nouveaux", f"Écritures d'à-nouveaux (journal {jc} « {jl} ») après "
                                "d'autres écritures : elles doivent porter les premiers numéros.", "EcritureNum")
                elif not cur_told and ((d != cur_d and d > 0 and cur_d > 0) or pr != cur_ref or pd != cur_pdate):
                    cur_told = True
                    other_date = d != cur_d and d > 0 and cur_d > 0
                    what = ("date comptable" if other_date else "pièce" if pr != cur_ref else "date de pièce")
                    add(no, "fec.ecriture-incoherente", f"Écriture {jc} {en} : {what} différente de celle de sa "
                                                        "première ligne.", "EcritureDate" if other_date else
                        "PieceRef" if pr != cur_ref else "PieceDate")
                cur_diff += dc - cc

        if layout is None:
            if not self.add.counts.get("fec.encodage"):
                add(1, "fec.fichier-vide", "Fichier vide : un FEC a au moins sa ligne d'en-tête.")
            return
        if cur_num is not None and cur_diff:
            pending[cur_key] = (cur_line, cur_diff)
        for (jc, en), (first, diff) in sorted(pending.items(), key=lambda kv: kv[1][0]):
            if en in tainted:
                continue
            add(first, "fec.ecriture-desequilibree", f"Écriture {jc} {en} déséquilibrée : débits − crédits = "
                                                    f"{_shown(diff)}.", "EcritureNum")
        if debit_total != credit_total and not unreadable_lines:
            add(0, "fec.total-desequilibre", f"Total des débits {_shown(debit_total)} ≠ total des crédits "
                                             f"{_shown(credit_total)} (écart {_shown(debit_total - credit_total)}).")
        # numbering: the better of the two readings (continuous in the file, or per journal)
        n_gaps, gaps, scope = ((n_gaps_file, gaps_file, "du fichier") if n_gaps_file <= n_gaps_journal
                               else (n_gaps_journal, gaps_journal, "du journal"))
        for at, jc, before, num in gaps:
            add(at, "fec.numerotation", f"Numéro d'écriture {num} après {before} dans la séquence {scope}"
                + (f" {jc}" if scope == "du journal" else "") + " : la séquence doit être continue (un trou doit "
                "pouvoir s'expliquer).", "EcritureNum")
        if n_gaps > len(gaps):
            add(0, "fec.numerotation", f"{n_gaps - len(gaps)} autres ruptures de numérotation non détaillées.")
        self.lines, self.entries = lines, entries
        self.debit, self.credit = debit_total, credit_total

    def _amount_breach(self, no: int, name: str, text: str, what: str) -> None:
        if what == "vide":
            self.add(no, "fec.champ-obligatoire", f"Zone {name} vide : écrivez 0,00.", name)
        elif what == "decimales":
            self.add(no, "fec.montant-decimales", f"{name} « {text.strip()} » : plus de deux décimales.", name)
        else:
            self.add(no, "fec.montant-format", f"{name} « {text.strip()} » n'est pas un montant (chiffres, virgule "
                                               "décimale, sans séparateur de milliers).", name)

    def report(self, path: Path, reader: _Reader) -> Report:
        layout = self.layout
        sep = {"\t": "tabulation", "|": "barre verticale"}.get(layout.sep, layout.sep) if layout else ""
        variant = ""
        if layout is not None:
            variant = "Montant/Sens" if layout.montant_sens else "Debit/Credit"
            if layout.cash_basis:
                variant += f", {layout.cash_basis}"
        kept = sorted(self.add.kept, key=lambda b: (b.line, b.code))
        return Report(path=str(path), encoding=reader.encoding, separator=sep,
                      line_ending=_EOL_NAMES.get(self.eol, ""), variant=variant,
                      columns=layout.count if layout else 0, lines=self.lines, entries=self.entries,
                      total_debit=_decimal(self.debit), total_credit=_decimal(self.credit), breaches=tuple(kept),
                      counts=dict(self.add.counts), readable=reader.readable and layout is not None)
