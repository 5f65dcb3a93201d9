"""`syc excel configurer`: tell the workbook's buttons which Python to run.

Writes Interpreter_Win (or Interpreter_Mac) and PYTHONPATH into the workbook's `xlwings.conf` sheet,
at zip level (only that sheet's XML changes; VBA, buttons, ribbon and data stay byte for byte), with
the same lock, backup and atomic replace as every other write."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from pyxl.cli import Context, out
from pyxl.core.frformat import plural
from pyxl.core.issues import Issue, Refused

MAX_PATH = 1000  # characters: a longer « path » is a pasting accident (and would not fit a command line)
ORDER = ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Show Console", "Use UDF Server")


def register(sub: Any, common: Any) -> None:
    from pyxl.cli.common import group, leaf

    g = group(sub, "excel", "relier le classeur Excel à Python (boutons et ruban)", common)
    p = leaf(g, "configurer", "écrire l'interpréteur Python et le PYTHONPATH dans la feuille xlwings.conf", common,
             cmd_configure,
             "Écrit dans la feuille xlwings.conf du classeur le programme Python à lancer par les boutons "
             "(par défaut syc-python, installé avec SYC Gestion dans le Python qui exécute cette commande : "
             "un clic y démarre plus vite) et, si SYC Gestion n'est pas installé dans ce Python, "
             "le dossier qui contient pyxl. Avec --base URL (une vue faite par « syc base vue ») : l'adresse de la "
             "base, sans mot de passe, pour que les boutons écrivent dans la base (docs/postgresql.md).")
    p.add_argument("--interpreteur", metavar="CHEMIN",
                  help="syc-python.exe ou python.exe (Windows), syc-python ou python3 (macOS) à utiliser")
    p.add_argument("--systeme", choices=("windows", "mac"), help="pour quel système (défaut : celui-ci)")
    p.add_argument("--pythonpath", metavar="DOSSIER", help="dossier à ajouter au chemin de Python (défaut : aucun, "
                                                            "ou le dossier du projet si pyxl n'est pas installé)")


    r = leaf(g, "renouveler", "refaire les feuilles de saisie, boutons et ruban du classeur, données conservées",
             common, cmd_renew,
             "Après une mise à jour de SYC Gestion (et « syc migrer ») : refait le classeur avec les feuilles de "
             "saisie, les boutons, le ruban, les listes de travail et les protections de cette version, en y "
             "recopiant toutes les lignes de toutes les tables et les réglages de la feuille xlwings.conf. Le "
             "journal d'audit est vérifié avant ; le nouveau classeur est relu et comparé table par table avant "
             "de prendre la place de l'ancien, qui est gardé dans sauvegardes/ (« avant renouvellement »).")
    del r


def click_interpreter() -> str:
    """`syc-python` (see `pyxl.excel.click`) installed with this Python, else this Python itself."""
    import sysconfig

    name = "syc-python.exe" if os.name == "nt" else "syc-python"
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        if (folder / name).is_file():
            return str(folder / name)
    return sys.executable


def _default_pythonpath() -> str:
    import pyxl

    root = Path(pyxl.__file__).resolve().parents[1]
    site = [p for p in sys.path if p.endswith("site-packages")]
    return "" if any(str(root).startswith(s) for s in site) else str(root)


def conf_values(book: Path) -> dict[str, str]:
    """The key/value pairs xlwings would read (A1 downwards until the first empty cell)."""
    import python_calamine

    from pyxl.excel.sheets import CONF_SHEET

    wb = python_calamine.CalamineWorkbook.from_path(str(book))
    if CONF_SHEET not in wb.sheet_names:
        return {}
    grid = wb.get_sheet_by_name(CONF_SHEET).to_python(skip_empty_area=False)
    rows = [(n, list(r)) for n, r in enumerate(grid, 1)]
    out_: dict[str, str] = {}
    expected = 1
    for num, (key, value) in ((n, [*r, None, None][:2]) for n, r in rows):
        if num != expected or key in (None, ""):
            break
        out_[str(key)] = "" if value is None else str(value)
        expected += 1
    return out_


def configure(book: Path, values: dict[str, str]) -> dict[str, str]:
    """Write `values` (others kept) as the contiguous key/value list of the xlwings.conf sheet."""
    from pyxl.excel.sheets import CONF_SHEET
    from pyxl.workbook import ooxml
    from pyxl.workbook.filestore import FileStore

    store = FileStore(book)
    with store.session():
        store.check_version()
        pkg = store.package
        part = pkg.sheets.get(CONF_SHEET)
        if part is None:
            raise Refused(Issue(
                "excel.conf", f"Le classeur {book.name} n'a pas de feuille « {CONF_SHEET} » (il date d'avant les "
                "boutons Excel) : partez d'un classeur neuf (syc init) ou suivez docs/installation-windows.md.",
                book.name))
        current = conf_values(book)
        marks = values.pop(MARKS, None)
        merged = {**current, **values}
        merged = {k: v for k, v in merged.items() if v != ""}  # an empty key would hide the user's own config
        keys = sorted(merged, key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k))
        n = max(len(keys), len(current))
        edits = []
        for i in range(n):
            if i < len(keys):
                cells = {1: ooxml.Cell("s", keys[i]), 2: ooxml.Cell("s", merged[keys[i]])}
            else:
                cells = {1: ooxml.BLANK, 2: ooxml.BLANK}
            if i == 0 and marks is not None:  # base mode: the view's marks beside the list (pyxl.excel.baseview)
                from pyxl.excel.baseview import MARKS_LABEL

                cells.update({4: ooxml.Cell("s", MARKS_LABEL), 5: ooxml.Cell("s", marks)})
            edits.append(ooxml.RowEdit(i + 1, cells))
        new, _ = ooxml.patch_sheet(pkg.read(part), edits, (5 if marks is not None else 2, n))
        store._commit({part: new})
    return {k: merged[k] for k in keys}


def base_values(book: Path, url: str) -> dict[str, str]:
    """`--base URL`: the URL checked (no password: the .pgpass file holds it; the workbook a view of
    that base, made by `syc base vue`), and the marks of the view for the refreshes in Excel."""
    import psycopg

    from pyxl import pgview
    from pyxl.excel import baseview
    from pyxl.workbook.pgstore import shown_url

    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise Refused(Issue("base.url", f"« {shown_url(url)} » n'est pas une adresse de base PostgreSQL "
                                        "(ex. postgresql://marie@serveur/syc).", "--base")) from None
    if params.get("password"):
        raise Refused(Issue(
            "base.motdepasse", "L'adresse de la base contient un mot de passe : il ne doit jamais être écrit dans le "
            "classeur. Retirez-le de l'adresse (postgresql://identifiant@serveur/base) et mettez-le dans le fichier "
            ".pgpass de ce poste (%APPDATA%\\postgresql\\pgpass.conf sous Windows), voir docs/postgresql.md.", "--base"))
    mark = pgview.read_sidecar(book)
    if mark is None:
        raise Refused(Issue(
            "base.vue", f"{book.name} n'est pas une vue de la base : créez le classeur de ce poste avec « syc base vue "
            "--base URL --sortie FICHIER », puis configurez ce fichier-là.", book.name))
    if str(mark.get("base")) != shown_url(url):
        raise Refused(Issue(
            "base.autre", f"{book.name} est une vue de la base « {mark.get('base')} », pas de « {shown_url(url)} » : "
            "créez une vue de cette base avec « syc base vue --base URL --sortie FICHIER ».", book.name))
    from pyxl.workbook.schema import SCHEMA

    stamp = int(mark.get("marque") or 0)
    return {baseview.BASE_KEY: url, MARKS: baseview.marks_text({t.name: stamp for t in SCHEMA.tables})}


MARKS = "\x00marks"  # not a key of the list: the view's marks, written beside it (baseview.MARKS_CELL)


def cmd_configure(ctx: Context) -> int:
    a: argparse.Namespace = ctx.args
    base = getattr(a, "base", None)  # given on this command line ($SYC_BASE is for syc's own commands)
    if base and a.interpreteur is None and a.systeme is None and a.pythonpath is None:
        values = base_values(ctx.book, base)
        written = configure(ctx.book, values)
        lines = [f"Feuille xlwings.conf de {ctx.book.name} :"] + [f"  {k} = {v}" for k, v in written.items()]
        lines.append("Les boutons de ce classeur écrivent maintenant dans la base et l'actualisent à chaque action "
                     "et à l'ouverture (bouton « Actualiser » sur Accueil). Le mot de passe reste dans le fichier "
                     ".pgpass de ce poste.")
        out(ctx, "\n".join(lines), {"xlwings_conf": written})
        return 0
    values_base = base_values(ctx.book, base) if base else {}
    system = a.systeme or ("windows" if os.name == "nt" else "mac" if sys.platform == "darwin" else "")
    if not system:
        raise Refused(Issue("excel.systeme", "Sur Linux, précisez pour quel poste : --systeme windows ou --systeme mac "
                                             "(avec --interpreteur, le chemin de Python sur ce poste).", "--systeme"))
    interpreter = a.interpreteur or click_interpreter()
    if a.systeme and not a.interpreteur and system != ("windows" if os.name == "nt" else "mac"):
        raise Refused(Issue("excel.interpreteur", "Indiquez --interpreteur : le chemin de Python sur le poste "
                                                  f"{system}, pas celui de cette machine.", "--interpreteur"))
    key = "Interpreter_Win" if system == "windows" else "Interpreter_Mac"
    local = system == ("windows" if os.name == "nt" else "mac" if sys.platform == "darwin" else "")
    values = {key: interpreter}
    if a.pythonpath is not None:
        values["PYTHONPATH"] = a.pythonpath  # "" removes it
    elif local and _default_pythonpath():
        values["PYTHONPATH"] = _default_pythonpath()
    for name, value in values.items():
        if len(value) > MAX_PATH:
            raise Refused(Issue("excel.chemin", f"{name} : chemin de {len(value)} caractères, {MAX_PATH} au plus : "
                                                "vérifiez ce qui a été collé.", name))
        if '"' in value or any(ord(ch) < 32 for ch in value):
            raise Refused(Issue("excel.chemin", f"{name} : un chemin ne peut contenir ni guillemet ni caractère de "
                                                "contrôle (xlwings le met entre guillemets sur la ligne de commande).",
                                name))
    values.update(values_base)
    written = configure(ctx.book, values)
    lines = [f"Feuille xlwings.conf de {ctx.book.name} :"] + [f"  {k} = {v}" for k, v in written.items()]
    lines.append("Ouvrez le classeur dans Excel et cliquez « Diagnostic » (feuille Accueil) pour vérifier.")
    out(ctx, "\n".join(lines), {"xlwings_conf": written})
    return 0


KEPT_COPY = "avant renouvellement"  # the pre-renewal copy's name: outside the backups' rotation


def renew(book: Path, now: dt.datetime | None = None) -> tuple[dict[str, int], Path]:
    """The workbook rebuilt with this version's front end (forms, buttons, ribbon, worklists,
    protections) and every row of every table, its xlwings.conf settings carried over. Refused,
    with nothing written, if the audit chain is broken, the schema is older (migrate first) or the
    new workbook does not read back equal, table by table. Returns the rows per table and the
    kept copy of the old workbook."""
    import os
    import shutil

    from pyxl.excel.builder import build
    from pyxl.workbook import backups
    from pyxl.workbook.filestore import FileStore

    now = now or dt.datetime.now()
    book = book.resolve()
    store = FileStore(book)
    # built in a folder of its own beside the workbook (same disk: the final rename is atomic), so
    # that writing its settings leaves no backup of it beside the real ones
    work = book.parent / f".{book.stem}.renouvellement"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    tmp = work / book.name
    with store.session():
        store.check_version()
        broken = store.verify()
        if broken:
            raise Refused([*broken, Issue("excel.renouveler", f"{book.name} : le journal d'audit signale les anomalies "
                                                              "ci-dessus ; le classeur n'est pas refait (rien n'a été "
                                                              "modifié).", book.name)])
        rows = {t.name: [dict(r.values) for r in store.rows(t.name)] for t in store.schema.tables}
        conf = conf_values(book)
        try:
            build(tmp, store.schema, rows=rows)
            if conf:
                configure(tmp, dict(conf))
            again = FileStore(tmp)
            for table in store.schema.tables:
                if [dict(r.values) for r in again.rows(table.name)] != rows[table.name]:
                    raise Refused(Issue("excel.renouveler", f"{book.name} : la table {table.name} (feuille "
                                                            f"« {table.sheet} ») ne se relit pas à l'identique dans le "
                                                            "classeur refait ; l'ancien est gardé tel quel (rien n'a "
                                                            "été modifié).", table.sheet))
            if again.verify():
                raise Refused(Issue("excel.renouveler", f"{book.name} : le classeur refait ne passe pas la vérification "
                                                        "du journal d'audit ; l'ancien est gardé tel quel (rien n'a "
                                                        "été modifié).", book.name))
            folder = backups.folder(book)
            folder.mkdir(exist_ok=True)
            kept = folder / f"{book.stem} {KEPT_COPY} {now:%Y-%m-%d %H%M%S}{book.suffix}"
            shutil.copy2(book, kept)
            with open(kept, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, book)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {k: len(v) for k, v in rows.items()}, kept


def cmd_renew(ctx: Context) -> int:
    counts, kept = renew(ctx.book)
    out(ctx, f"{ctx.book.name} refait avec les feuilles de saisie, les boutons et le ruban de cette version : "
             f"{plural(sum(counts.values()), 'ligne')} recopiées et relues à l'identique, réglages de xlwings.conf "
             f"gardés. L'ancien classeur est gardé dans {kept}. Ouvrez le classeur et cliquez « Diagnostic ».",
        {"classeur": str(ctx.book.resolve()), "ancien": str(kept), "lignes": counts})
    return 0
