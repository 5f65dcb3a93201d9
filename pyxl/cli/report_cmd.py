"""`syc rapport`: the director's figures, read-only.

    syc rapport [--au J] [--periode 2026 | 2026-03 | 2026-01..2026-06] [--sortie DOSSIER]
                [--archives FICHIER…] [--json]

Prints the key figures; with --sortie, also writes DOSSIER/rapport-AAAA-MM-JJ.xlsx (tables, key
figures and charts), one PNG per chart and DOSSIER/rapport-AAAA-MM-JJ.pdf (one A4 page). The
workbook (and the archives) are only read: they stay byte for byte as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyxl.cli import Context, UsageError, out
from pyxl.cli.common import Common, leaf
from pyxl.core.issues import Issue, Refused


def register(sub: Any, common: Common) -> None:
    p = leaf(sub, "rapport", "rapport pour la direction : chiffre d'affaires, devis, créances, marges", common,
             cmd_report,
             "Calcule les chiffres de la direction au jour --au : chiffre d'affaires HT par mois (comparé à l'année "
             "précédente), par nature de travaux et par secteur ; devis faits, taux de conversion, délai "
             "d'acceptation, motifs de refus, effet des remises de relance ; balance âgée, DSO, plus gros retards, "
             "encaissements attendus sur 8 semaines ; panier moyen et marge brute. Le classeur n'est que lu. "
             "Avec --sortie, écrit aussi un classeur .xlsx, les graphiques (PNG) et une page PDF.")
    p.add_argument("--periode", metavar="PERIODE",
                   help="année (2026), mois (2026-03) ou mois de début..fin (2026-01..2026-06) ; "
                        "défaut : les douze mois qui finissent au mois de --au")
    p.add_argument("--sortie", metavar="DOSSIER", help="dossier où écrire le .xlsx, les PNG et le PDF")
    p.add_argument("--archives", metavar="FICHIER", nargs="+", default=[],
                   help="classeurs des années passées (archives d'exercice, même d'un schéma antérieur), lus en plus du classeur actif")


def cmd_report(ctx: Context) -> int:
    from pyxl.cli.progress import Bar
    from pyxl.reports import build_report, data, figures

    a = ctx.args
    try:
        period = figures.parse_period(a.periode, ctx.as_of) if a.periode else None
    except figures.PeriodError as exc:
        raise UsageError(f"syc rapport --periode : {exc}") from None
    archives = [Path(x) for x in a.archives]
    for path in archives:
        if not path.is_file():
            raise Refused(Issue("rapport.archive", f"Archive « {path} » introuvable : indiquez le chemin d'un classeur "
                                                   "SYC Gestion d'une année passée (--archives).", str(path)))
    folder = Path(a.sortie) if a.sortie else None
    if folder is not None and folder.exists() and not folder.is_dir():
        raise Refused(Issue("rapport.sortie", f"« {folder} » est un fichier, pas un dossier : choisissez un dossier "
                                              "avec --sortie.", str(folder)))
    steps = len(archives) + 2 + (folder is not None)
    files: dict[str, Path] = {}
    with Bar("Rapport", quiet=ctx.json) as bar:
        tables = data.read_books(ctx.book, archives, progress=bar.within(1, steps),
                                 active_store=ctx.store() if ctx.base else None)
        bar("calcul des chiffres et des tableaux", len(archives) + 2, steps)
        report = build_report(tables, ctx.as_of, period, sources=[ctx.book.name, *(p.name for p in archives)])
        if folder is not None:
            from pyxl.reports import output

            bar("écriture du classeur, des graphiques et du PDF", steps, steps)
            files = output.write_all(report, folder)
    payload = {"au": report.as_of, "periode": {"du": report.period.start, "au": report.period.end},
               "classeurs": report.sources, "chiffres": report.figures, "notes": report.notes,
               "tableaux": [{"cle": t.key, "titre": t.title, "lignes": t.frame.to_dict("records"),
                             **({"note": t.note} if t.note else {})} for t in report.tables],
               "fichiers": {k: str(p) for k, p in files.items()}}
    out(ctx, render(report, files), payload)
    return 0


def render(report: Any, files: dict[str, Path]) -> str:
    from pyxl.reports.figures import subtitle
    from pyxl.reports.output import KEY_FIGURES, shown

    lines = ["Rapport pour la direction — " + subtitle(report.as_of, report.period).lower()]
    if len(report.sources) > 1:
        lines.append("Classeurs lus : " + ", ".join(report.sources))
    width = max(len(label) for _k, label, _kind in KEY_FIGURES)
    for key, label, kind in KEY_FIGURES:
        lines.append(f"  {label.ljust(width)}  {shown(report.figures.get(key), kind)}")
    lines.append("À savoir :")
    lines += [f"  • {note}" for note in report.notes.values()]
    if files:
        pngs = [p for k, p in files.items() if k.startswith("png:")]
        # the folder is said by the last line, as after every command that writes files
        lines.append(f"Rapport : {files['xlsx'].name}, {files['pdf'].name} et "
                     f"{len(pngs)} graphiques PNG ({', '.join(p.name for p in pngs)}).")
    else:
        lines.append("Tableaux, graphiques et page PDF : ajoutez --sortie DOSSIER.")
    return "\n".join(lines)
