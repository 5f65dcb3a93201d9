"""`syc compta`: the books. For now, the FEC checker, which reads any FEC file and no workbook:

    syc compta verifier-fec FICHIER [--exercice-du AAAA-MM-JJ --exercice-au AAAA-MM-JJ] [--tout] [--json]

Prints every breach with its line, rule, level and source (docs/fec.md). Exit status 0 when the file
has no error-level breach (warnings allowed), 1 when it has one or cannot be read; with --json the
whole report is the answer (`conforme` says the verdict).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pyxl.cli import Context, UsageError, out
from pyxl.cli.common import Common, date_arg, euros, group, leaf, plural
from pyxl.core.issues import Issue, Refused

SHOWN_PER_RULE = 20  # breaches printed per rule without --tout


def register(sub: Any, common: Common) -> None:
    g = group(sub, "compta", "comptabilité : écritures comptables et FEC", common)
    p = leaf(g, "verifier-fec", "vérifier un fichier des écritures comptables (FEC), de SYC Gestion ou d'un autre "
                                "logiciel", common, cmd_check_fec,
             "Vérifie un FEC (art. A47 A-1 du livre des procédures fiscales) sans rien modifier : jeu de caractères "
             "(ASCII, ISO 8859-15, UTF-8), séparateur (tabulation ou « | »), en-tête et ordre des zones (18 zones, ou "
             "Montant/Sens, ou les variantes BA à 21 et BNC à 22 zones), dates, montants, équilibre de chaque "
             "écriture et du fichier, numérotation, ordre de validation, comptes auxiliaires. Chaque constat donne "
             "sa ligne, sa règle, son niveau (erreur, avertissement, information) et sa source ; la liste des "
             "règles est dans docs/fec.md. Code de sortie 1 si le fichier a au moins une erreur.")
    p.add_argument("fichier", metavar="FICHIER", help="le FEC à vérifier (.txt ou .csv)")
    p.add_argument("--exercice-du", metavar="AAAA-MM-JJ", type=date_arg,
                   help="premier jour de l'exercice : les dates comptables (EcritureDate) doivent être dans l'exercice")
    p.add_argument("--exercice-au", metavar="AAAA-MM-JJ", type=date_arg,
                   help="date de clôture de l'exercice (une date de validation postérieure est normale)")
    p.add_argument("--tout", action="store_true",
                   help=f"afficher et garder tous les constats (défaut : {SHOWN_PER_RULE} par règle à l'écran, "
                        "1 000 par règle en JSON, tous comptés)")


def cmd_check_fec(ctx: Context) -> int:
    from pyxl.core.fec import RULES, Level, check_fec
    from pyxl.core.fec.checker import DEFAULT_KEEP

    a = ctx.args
    path = Path(a.fichier)
    if not path.is_file():
        raise Refused(Issue("fec.fichier", f"Fichier « {path} » introuvable : indiquez le chemin du FEC à vérifier.",
                            str(path)))
    if a.exercice_du and a.exercice_au and a.exercice_du > a.exercice_au:
        raise UsageError("syc compta verifier-fec : --exercice-du doit précéder --exercice-au")
    report = check_fec(path, fiscal_start=a.exercice_du, fiscal_end=a.exercice_au,
                       keep=None if a.tout else DEFAULT_KEEP)
    levels = {lv.value: report.count(lv) for lv in Level}
    kept = Counter(b.code for b in report.breaches)
    payload = {
        "fichier": str(path), "conforme": report.conforming, "encodage": report.encoding,
        "separateur": report.separator, "fins_de_ligne": report.line_ending, "variante": report.variant,
        "zones": report.columns, "lignes": report.lines, "ecritures": report.entries,
        "total_debit": report.total_debit, "total_credit": report.total_credit,
        "exercice": {"du": a.exercice_du, "au": a.exercice_au}, "nombres": levels,
        "par_regle": [{"code": code, "niveau": RULES[code].level.value, "fondement": RULES[code].source,
                       "regle": RULES[code].title, "nombre": n} for code, n in _by_rule(report.counts)],
        "constats": [{"ligne": b.line or None, "code": b.code, "niveau": b.level.value, "fondement": b.rule.source,
                      "zone": b.field or None, "message": b.message} for b in report.breaches],
        "constats_omis": sum(report.counts.values()) - sum(kept.values()),
    }
    if ctx.json:
        out(ctx, data=payload)
    else:
        print(render(report, a.tout))
    return 0 if report.conforming else 1


def _by_rule(counts: dict[str, int]) -> list[tuple[str, int]]:
    from pyxl.core.fec import RULES

    order = list(RULES)
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]))


def render(report: Any, everything: bool) -> str:
    from pyxl.core.fec import RULES, Level

    lines = [f"Fichier : {report.path}"]
    if report.readable:
        lines.append(f"Encodage : {report.encoding} ; séparateur : {report.separator} ; fins de ligne : "
                     f"{report.line_ending or '—'} ; variante : {report.variant} ({report.columns} zones)")
        lines.append(f"{plural(report.lines, 'ligne')}, {plural(report.entries, 'écriture')} ; total des débits "
                     f"{euros(report.total_debit)}, total des crédits {euros(report.total_credit)}")
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for b in report.breaches:
        if not everything and shown[b.code] >= SHOWN_PER_RULE:
            continue
        shown[b.code] += 1
        lines.append(f"{b.where} — {b.level.value} {b.code} : {b.message} [{b.rule.source}]")
    for code, n in _by_rule(report.counts):
        hidden[code] = n - shown[code]
    for code, n in _by_rule(dict(hidden)):
        if n > 0:
            lines.append(f"… et {plural(n, 'autre constat', 'autres constats')} « {RULES[code].title} » ({code}) : --tout pour les voir.")
    n_err, n_warn, n_info = (report.count(lv) for lv in (Level.ERROR, Level.WARNING, Level.INFO))
    verdict = "conforme" if report.conforming else "non conforme"
    lines.append(f"Résultat : {verdict} — {plural(n_err, 'erreur')}, {plural(n_warn, 'avertissement')}, "
                 f"{plural(n_info, 'information')}.")
    return "\n".join(lines)
