"""`syc demo`: a demonstration workbook with sample sales, in a folder of its own.

    syc demo [--sortie DOSSIER] [--force]      four months of sales run through the services
    syc demo --annees 10 [--sortie DOSSIER]    ten years of sales written directly (volume tests)

The workbook is made in a hidden folder beside the target, then put in place with its closure
files (sauvegardes/clotures/) and its audit anchor; an existing workbook is replaced only with
--force (it is backed up first, and the closure files of the replaced workbook are kept aside).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyxl.cli import Context, fail, out
from pyxl.cli.common import Common, euros, leaf, plural
from pyxl.core.frformat import date_fr, decimal_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg

BOOK_NAME = "SYC_Gestion.xlsm"
DEFAULT_FOLDER = "demo"
MAX_YEARS = 10


def register(sub: Any, common: Common) -> None:
    p = leaf(sub, "demo", "créer un classeur de démonstration avec des ventes d'exemple", common, cmd_demo,
             "Crée DOSSIER/SYC_Gestion.xlsm (défaut : demo/) avec l'entreprise SYC Chauffage, ses clients, son "
             "catalogue et quatre mois de ventes (janvier à avril 2026) passés par les mêmes règles que les "
             "commandes syc : devis, relance, commandes, acomptes, factures, règlements, avoir, clôtures. "
             "Avec --annees N : N années de ventes (jusqu'au 30/06/2026) écrites directement, pour les essais "
             "de volume. Les dates sont fixes : --au et --book ne servent pas ici.")
    p.add_argument("--sortie", metavar="DOSSIER", default=DEFAULT_FOLDER,
                   help=f"dossier du classeur (défaut : {DEFAULT_FOLDER})")
    p.add_argument("--force", action="store_true",
                   help="remplacer un classeur existant (il est sauvegardé avant)")
    p.add_argument("--annees", metavar="N", type=_years,
                   help=f"générer N années de ventes (1 à {MAX_YEARS}) directement dans le classeur")
    p.add_argument("--echelle", metavar="X", type=_scale, default=1.0,
                   help="avec --annees : volume relatif (1 = environ 2 000 devis et 1 500 pièces par an)")


def _years(text: str) -> int:
    import argparse

    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_YEARS:
        raise argparse.ArgumentTypeError(f"« {text} » : nombre d'années entre 1 et {MAX_YEARS} attendu")
    return int(text)


def _scale(text: str) -> float:
    import argparse

    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not 0.001 <= value <= 5:
        raise argparse.ArgumentTypeError(f"« {text} » : échelle entre 0,001 et 5 attendue")
    return value


# --------------------------------------------------------------------------- making the workbook
def _install(staged: Path, book: Path) -> str:
    """Put the staged workbook, its closure files and its anchor in place. Returns a note, in
    French, when the closure files of a replaced workbook had to be moved aside."""
    from pyxl.services import closures
    from pyxl.workbook.filestore import anchor_path, replace_file, write_anchor

    note = ""
    old_files = closures.folder(book)
    if book.exists():
        replace_file(book, staged)  # under the lock, refused while Excel holds it, after a backup
    else:
        os.replace(staged, book)
    new_files = closures.folder(staged)
    if old_files.exists():
        if _same_files(old_files, new_files):  # the same demo made again: nothing would be lost
            shutil.rmtree(old_files)
        elif aside := closures.set_aside(book):  # the replaced workbook's closures are records
            note = msg("init.clotures", folder=aside)
    if new_files.exists():
        old_files.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(new_files), str(old_files))
    if anchor_path(staged).exists():
        os.replace(anchor_path(staged), anchor_path(book))
    else:
        write_anchor(book, None)
    from pyxl.workbook.keyindex import index_path

    if index_path(staged).exists():  # the key index made with the workbook (a cache, checked against its parts)
        os.replace(index_path(staged), index_path(book))
    return note


def _same_files(old: Path, new: Path) -> bool:
    """Every closure file under `old` is also under `new`, with the same text."""
    for path in old.rglob("*"):
        if path.is_file():
            twin = new / path.relative_to(old)
            if not twin.is_file() or twin.read_bytes() != path.read_bytes():
                return False
    return True


def make(folder: Path, *, force: bool = False, years: int | None = None, scale: float = 1.0,
         progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Make folder/SYC_Gestion.xlsm and return its summary (`demo.summarise`), plus the time taken.
    `progress`: the generation (`demo_bulk.generate`), then the checks (`demo.summarise`)."""
    from importlib import resources

    from pyxl import demo

    book = folder / BOOK_NAME
    if book.exists() and not force:
        raise Refused(Issue("demo.existe", f"Le classeur « {book} » existe déjà. Ajoutez --force pour le remplacer "
                                           "(il sera d'abord sauvegardé dans sauvegardes/), ou choisissez un autre "
                                           "dossier avec --sortie.", str(book)))
    t0 = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    previous = _documents_aside(folder) if book.exists() else None
    with tempfile.TemporaryDirectory(dir=folder, prefix=".syc-demo-") as tmp:
        staged = Path(tmp) / BOOK_NAME
        if years:
            from pyxl import demo_bulk

            stats = demo_bulk.generate(staged, years=years, scale=scale, progress=progress)
            first, as_of = demo_bulk.period(years)
            extra: dict[str, Any] = {"generation": stats.as_json()}
        else:
            source = resources.files("pyxl") / "data" / BOOK_NAME
            with source.open("rb") as src, open(staged, "wb") as dst:
                shutil.copyfileobj(src, dst)
            runner = demo.build_sample(staged)
            from pyxl.workbook import keyindex
            from pyxl.workbook.filestore import FileStore

            keyindex.build(FileStore(staged))
            first, as_of = demo.FIRST_DAY, demo.LAST_DAY
            extra = {"actions": runner.actions}
        note = _install(staged, book)
    made_s = time.perf_counter() - t0
    summary = demo.summarise(book, as_of, progress=progress)
    summary.update(extra, periode={"du": first, "au": as_of}, duree_s=round(made_s, 1),
                   duree_verification_s=round(time.perf_counter() - t0 - made_s, 1))
    if previous is not None:  # the new book starts with an empty documents folder
        note = "\n".join(x for x in (note, msg("demo.documents", folder=previous.resolve())) if x)
        summary["documents_precedents"] = previous
    if note:
        summary["remarque"] = note
    return summary


def _documents_aside(folder: Path) -> Path | None:
    """The replaced book's documents folder, renamed « Documents (avant le 2026-05-04 14h20) »: the
    PDFs of another book would otherwise stand beside the new book's, as if issued by it."""
    documents = folder / "Documents"
    if not documents.is_dir() or not any(documents.iterdir()):
        return None
    stamp = dt.datetime.now().strftime("%Y-%m-%d %Hh%M")
    aside, n = folder / f"Documents (avant le {stamp})", 2
    while aside.exists():
        aside, n = folder / f"Documents (avant le {stamp}, {n})", n + 1
    documents.rename(aside)
    return aside


# --------------------------------------------------------------------------- the command
def cmd_demo(ctx: Context) -> int:
    a = ctx.args
    from pyxl.cli.progress import Bar

    with Bar("Démonstration", quiet=ctx.json) as bar:
        s = make(Path(a.sortie), force=a.force, years=a.annees, scale=a.echelle, progress=bar)
    if s["anomalies"]:
        return fail([Issue("demo.verifier", f"Classeur de démonstration {s['classeur']} : {m}", str(s["classeur"]))
                     for m in s["anomalies"]], ctx.json)
    out(ctx, render(s), {"classeur": s["classeur"], **{k: v for k, v in s.items() if k != "classeur"}})
    return 0


QUOTE_STATES = ("Brouillon", "Envoyé", "Accepté", "Refusé", "Expiré", "Remplacé")
ORDER_STATES = ("Ouverte", "Planifiée", "Réalisée", "Facturée", "Annulée")
MODES = ("Chèque", "Virement", "CB", "Espèces")


def _day(d: dt.date | None) -> str:
    return date_fr(d)


def _mb(n: int) -> str:
    return f"{decimal_fr(n / 1024 / 1024, 1)} Mo"


def _secs(x: float) -> str:
    return f"{decimal_fr(x, 1)} s"


def _states(counts: dict[str, int], order: tuple[str, ...]) -> str:
    return ", ".join(plural(counts[k], k.lower()) for k in order if counts.get(k))


def render(s: dict[str, Any]) -> str:
    """The French summary printed by `syc demo`."""
    p = s["periode"]
    lines = [f"Classeur de démonstration créé : {s['classeur']}",
             f"SYC Chauffage : {plural(s['lignes']['tClients'], 'client')}, {plural(s['lignes']['tArticles'], 'article')} ; "
             f"ventes du {_day(p['du'])} au {_day(p['au'])} (dates fixes, le résultat ne dépend pas du jour).",
             "Pièces :"]
    q, o, r = s["devis"], s["commandes"], s["reglements"]
    rows = [
        ("devis", q["total"], _states(q["par_statut"], QUOTE_STATES) + (f" au {_day(s['au'])}" if q["total"] else "")),
        ("commandes", o["total"], _states(o["par_statut"], ORDER_STATES)),
        ("factures", s["factures"], ""),
        ("factures d'acompte", s["factures_acompte"], ""),
        ("avoirs", s["avoirs"], ""),
        ("règlements", r["total"], f"dont {plural(r['annulations'], 'annulation')}"
         if r["annulations"] else ""),
        ("clôtures", s["clotures"]["total"], f"{s['clotures']['jours']} journalières, jusqu'au "
                                              f"{_day(s['clotures']['jusqu_au'])}" if s["clotures"]["total"] else ""),
    ]
    for label, n, detail in rows:
        lines.append(f"  {label:<19}{n:>7}" + (f"  ({detail})" if detail else ""))
    v = s["ventes"]
    lines.append(f"Ventes (factures et acomptes, avoirs déduits) : {euros(v['ht'])} HT, {euros(v['tva'])} de TVA, "
                 f"{euros(v['ttc'])} TTC.")
    modes = ", ".join(f"{m.lower() if m != 'CB' else 'carte'} {r['par_mode'][m]}" for m in MODES if r["par_mode"].get(m))
    lines.append(f"Encaissements : {euros(r['encaisse'])} ({modes}).")
    late = s["en_retard"]
    lines.append(f"Reste à encaisser : {euros(s['reste_du'])}, dont {euros(late['montant'])} en retard au "
                 f"{_day(s['au'])} ({plural(late['nombre'], 'pièce')})" + (" :" if late["nombre"] else "."))
    for x in late["pieces"]:
        lines.append(f"  {x['numero']}  {x['client']:<32.32}  échéance {_day(x['echeance'])}  reste {euros(x['reste'])}")
    if late["nombre"] > len(late["pieces"]):
        lines.append(f"  … et {late['nombre'] - len(late['pieces'])} autres (syc facture liste --statut en-retard).")
    g = s.get("generation")
    if g:
        lines.append(f"Écrit directement, sans passer par les services : {sum(g['lignes_par_table'].values())} lignes "
                     f"de tables dont {g['lignes_de_pieces']} lignes de devis et de factures ; fichier de "
                     f"{_mb(g['octets'])} ; calcul {_secs(g['secondes_calcul'])}, écriture "
                     f"{_secs(g['secondes_ecriture'])}, fichiers de clôture {_secs(g['secondes_fichiers_clotures'])}.")
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in g["lignes_par_table"].items()))
        if g["commandes_realisees_non_facturees"]:
            lines.append(f"Commandes réalisées à facturer : {', '.join(g['commandes_realisees_non_facturees'][:5])}"
                         + (" …" if len(g["commandes_realisees_non_facturees"]) > 5 else "")
                         + " (syc facture creer --commande … --au 2026-07-01)")
    lines.append(f"Vérification (syc verifier) : aucune anomalie, journal d'audit de {plural(s['journal'], 'ligne')}.")
    if s.get("remarque"):
        lines.append(s["remarque"])
    lines.append(f"Fait en {_secs(s['duree_s'])} (vérification comprise : {_secs(s['duree_s'] + s['duree_verification_s'])}).")
    book = s["classeur"]
    lines.append(f"Étape suivante : syc facture liste --book {book} (ou export SYC_BOOK={book}).")
    return "\n".join(lines)
