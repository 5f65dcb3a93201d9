"""The « Diagnostic » action: what a support call needs, in one message."""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any


def office_converters() -> dict[str, str]:
    """LibreOffice and Word found on this machine (documents to PDF), with their paths."""
    found: dict[str, str] = {}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    candidates = [Path(os.environ.get(v, "")) / "LibreOffice" / "program" / "soffice.exe"
                  for v in ("ProgramFiles", "ProgramFiles(x86)") if os.environ.get(v)]
    candidates.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    soffice = soffice or next((str(p) for p in candidates if p.is_file()), None)
    if soffice:
        found["LibreOffice"] = soffice
    words = [Path(os.environ.get(v, "")) / "Microsoft Office" / sub / "WINWORD.EXE"
             for v in ("ProgramFiles", "ProgramFiles(x86)") if os.environ.get(v)
             for sub in ("root/Office16", "Office16", "root/Office15")]
    words.append(Path("/Applications/Microsoft Word.app"))
    word = next((str(p) for p in words if p.exists()), None)
    if word:
        found["Word"] = word
    return found


def synced_folder(fullname: str, environ: dict[str, str] | None = None) -> str:
    """The cloud service whose folder holds the workbook ('' when none): OneDrive (personal or
    professional, `%OneDrive%`, `%OneDriveCommercial%`…), or a workbook opened from its web address.
    A synced folder rewrites the file behind Excel's back and keeps copies on conflicts: the backups,
    the lock and the documents beside the workbook are not safe there."""
    env = dict(os.environ if environ is None else environ)
    text = fullname.replace("\\", "/")
    low = text.casefold()
    if low.startswith(("http://", "https://")) or "d.docs.live.net" in low or "sharepoint.com" in low:
        return "OneDrive (classeur ouvert depuis internet)"
    for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        root = env.get(var, "").replace("\\", "/").rstrip("/").casefold()
        if root and (low == root or low.startswith(root + "/")):
            return "OneDrive"
    if "/onedrive/" in low or "/onedrive - " in low:
        return "OneDrive"
    return ""


def write_test(folder: Path) -> str:
    """Can this user write beside the workbook (backups, documents, lock)?"""
    try:
        fd, name = tempfile.mkstemp(prefix=".syc-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
        return "oui"
    except OSError as exc:
        return f"NON ({exc.strerror or exc}) : les sauvegardes et le verrou ne pourront pas être écrits"


def base_lines(url: str) -> tuple[list[str], bool]:
    """The mode of the workbook (issue 18): alone, or a view of a PostgreSQL base (reachable or not)."""
    if not url:
        return ["Mode : classeur seul (les données sont dans ce classeur)"], True
    from pyxl.core.issues import Refused
    from pyxl.workbook.pgstore import PostgresStore, shown_url

    lines = [f"Mode : base PostgreSQL « {shown_url(url)} » (les actions écrivent dans la base, le classeur "
             "l'affiche ; bouton « Actualiser »)"]
    store = PostgresStore(url)
    try:
        store.check_version()
        lines.append(f"Base joignable : oui (identifiant {store.user()}, schéma version {store.version()})")
        return lines, True
    except Refused as exc:
        lines.append("⚠ Base : " + " ".join(i.message for i in exc.issues))
        return lines, False
    except Exception as exc:
        lines.append(f"⚠ Base : NON ({type(exc).__name__})")
        return lines, False
    finally:
        store.close()


def report(vba_xlwings: str, vba_module: str, excel: str, fullname: str, base: str = "") -> tuple[str, bool]:
    """The French text of the diagnostic and whether everything is in order."""
    import xlwings

    import pyxl
    from pyxl.excel.click import masked
    from pyxl.excel.registry import module_version

    ok = True
    lines = [
        f"Python {platform.python_version()} ({sys.executable})",
        "Démarrage des clics : rapide (syc-python, sans pandas ni matplotlib)" if masked() else
        "Démarrage des clics : Python complet (syc-python est plus rapide : voir « Configurer le classeur » dans "
        "docs/installation-windows.md)",
        f"SYC Gestion {getattr(pyxl, '__version__', '?')} : {Path(pyxl.__file__).parent}",
        f"xlwings (Python) {xlwings.__version__}",
    ]
    if vba_xlwings and vba_xlwings != xlwings.__version__:
        ok = False
        lines.append(f"⚠ Le module VBA xlwings du classeur est la version {vba_xlwings} : installez "
                     f"« pip install xlwings=={vba_xlwings} » ou prenez un classeur de cette version.")
    else:
        lines.append(f"xlwings (VBA) {vba_xlwings or '?'} : identique")
    expected = module_version()
    if vba_module and vba_module != expected:
        ok = False
        lines.append("⚠ Les boutons de ce classeur viennent d'une autre version de SYC Gestion que celle installée "
                     "(module VBA " + vba_module + ", attendu " + expected + ") : faites refaire ses feuilles de saisie, "
                     "boutons et ruban, données conservées (« Mettre à jour » dans docs/installation-windows.md), "
                     "ou installez la version de SYC Gestion du classeur.")
    else:
        lines.append("Boutons et ruban : à jour")
    if excel:
        lines.append(f"Excel {excel}")
    book = Path(fullname) if fullname else None
    if book is not None:
        lines.append(f"Classeur : {book}")
        cloud = synced_folder(str(book))
        if cloud:
            ok = False
            lines.append(f"⚠ Le classeur est dans un dossier synchronisé ({cloud}) : la synchronisation peut "
                         "remplacer le fichier pendant qu'Excel l'utilise, et les sauvegardes, le verrou et les "
                         "documents écrits à côté ne sont pas sûrs. Fermez Excel, déplacez le dossier SYC dans un "
                         "dossier local (ex. C:\\SYC), rouvrez le classeur depuis là ; sauvegardez ensuite ce "
                         "dossier (copie vers OneDrive ou une clé, classeur fermé). Voir docs/installation-windows.md.")
        if book.parent.is_dir():
            w = write_test(book.parent)
            ok = ok and w == "oui"
            lines.append(f"Écriture dans le dossier du classeur : {w}")
    mode, fine = base_lines(base)
    ok = ok and fine
    lines += mode
    conv = office_converters()
    if conv:
        lines += [f"{k} : {v}" for k, v in conv.items()]
    else:
        lines.append("Ni LibreOffice ni Word trouvé : les documents PDF ne pourront pas être produits.")
    lines.append("Tout est en ordre." if ok else "À corriger : voir les lignes marquées ⚠ ou NON.")
    return "\n".join(lines), ok


def run(sheet: str, row: int, vba_xlwings: str, vba_module: str, excel: str, fullname: str) -> dict[str, Any]:
    from pyxl.excel.baseview import base_url
    from pyxl.excel.runner import alert, caller

    book = caller()
    text, ok = report(vba_xlwings, vba_module, excel, fullname or str(book.fullname), base_url(book))
    alert(book, text, error=not ok)
    return {"ok": ok, "message": text}
