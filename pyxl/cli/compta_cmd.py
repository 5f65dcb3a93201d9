"""`syc compta`: the books — the entries computed from the issued documents and the payments, the
FEC of a fiscal year, the trial balance, a client's ledger and lettrage, the VAT figures — and the
FEC checker, which reads any FEC file and no workbook:

    syc compta ecritures [--journal VE|BQ|CA|OD] [--du D] [--jusqu-au D]
    syc compta fec --exercice AAAA --sortie DOSSIER
    syc compta balance [--exercice AAAA]
    syc compta grand-livre --client CODE
    syc compta lettrer [--client CODE]
    syc compta tva --periode AAAA-MM|AAAA-Tn|AAAA
    syc compta verifier-fec FICHIER [--exercice-du AAAA-MM-JJ --exercice-au AAAA-MM-JJ] [--tout] [--json]

The books commands only read the workbook: the entries are a function of the documents.

Prints every breach with its line, rule, level and source (docs/fec.md). Exit status 0 when the file
has no error-level breach (warnings allowed), 1 when it has one or cannot be read; with --json the
whole report is the answer (`conforme` says the verdict).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.cli import Context, UsageError, out
from pyxl.cli.common import Common, date_arg, euros, group, leaf, plural, text_table
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg
from pyxl.core.money import AmountError, parse_decimal

SHOWN_PER_RULE = 20  # breaches printed per rule without --tout


def register(sub: Any, common: Common) -> None:
    g = group(sub, "compta", "comptabilité : écritures comptables et FEC", common)
    _register_books(g, common)
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


# --------------------------------------------------------------------------- the books
BOOKS_NOTE = ("Écritures de ventes et d'encaissements de l'entreprise, calculées à partir des pièces émises et des "
              "règlements, pour son expert-comptable : ce n'est pas sa comptabilité validée.")


def _register_books(g: Any, common: Common) -> None:
    p = leaf(g, "ecritures", "écritures de ventes et d'encaissements (calculées des pièces et des règlements)", common,
             cmd_entries, "Liste les écritures calculées à partir des pièces émises et des règlements (jamais "
                          "saisies) : journal des ventes VE, banque BQ, caisse CA, opérations diverses OD. "
                          + BOOKS_NOTE)
    p.add_argument("--journal", choices=("VE", "BQ", "CA", "OD"), help="un seul journal")
    p.add_argument("--du", metavar="AAAA-MM-JJ", type=date_arg, help="à partir de cette date")
    p.add_argument("--jusqu-au", metavar="AAAA-MM-JJ", type=date_arg, help="jusqu'à cette date (défaut : --au)")
    p = leaf(g, "fec", "exporter le FEC (partie ventes et encaissements) d'un exercice", common, cmd_fec,
             "Écrit SirenFECAAAAMMJJ.txt (SIREN et date de clôture de l'exercice des Paramètres) et sa description "
             "dans le dossier de sortie, puis le vérifie avec le vérificateur de FEC. C'est la partie ventes et "
             "encaissements du FEC de l'entreprise, à importer par l'expert-comptable, pas son FEC légal complet.")
    p.add_argument("--exercice", required=True, type=int, metavar="AAAA", help="année de clôture de l'exercice")
    p.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier où écrire le fichier")
    p.add_argument("--archives", metavar="FICHIER", nargs="+", default=[],
                   help="archives d'exercices (dossier Archives) lues en plus du classeur actif : le FEC d'un "
                        "exercice archivé")
    p = leaf(g, "balance", "balance des comptes d'un exercice", common, cmd_balance)
    p.add_argument("--exercice", type=int, metavar="AAAA", help="année de clôture de l'exercice (défaut : celui de --au)")
    p = leaf(g, "grand-livre", "grand livre d'un client (compte 411 et son compte auxiliaire)", common, cmd_ledger)
    p.add_argument("--client", required=True, metavar="CODE")
    p = leaf(g, "lettrer", "lettrage des comptes clients : codes et dates, lignes restant ouvertes", common,
             cmd_lettrage, "Le lettrage est calculé : les lignes d'une pièce (facture, ses avoirs, ses règlements, "
                           "leurs annulations ; le crédit du client joint par les compensations) reçoivent un code "
                           "dès qu'elles se soldent, daté de leur dernière ligne. Rien n'est écrit dans le classeur.")
    p.add_argument("--client", metavar="CODE", help="un seul client")
    p = leaf(g, "tva", "chiffres de TVA collectée d'une période (CA3 ou CA12)", common, cmd_vat,
             "TVA collectée de la période, par taux : base HT et TVA, avec la ligne de la CA3 ; la TVA des travaux "
             "et des prestations est due à l'encaissement (un encaissement sur une facture à plusieurs taux est "
             "réparti au prorata du TTC de chaque taux), celle des livraisons de biens à la facture. TVA déductible "
             "non comprise : elle est chez l'expert-comptable.")
    p.add_argument("--periode", required=True, metavar="AAAA-MM|AAAA-Tn|AAAA",
                   help="un mois (2026-03), un trimestre (2026-T1) ou une année (2026)")
    p.add_argument("--tva-annee-precedente", metavar="MONTANT",
                   help="CA12 : TVA due de l'année précédente (après déductions, hors immobilisations), base des "
                        "acomptes de juillet (55 %%) et de décembre (40 %%) ; défaut : la TVA collectée de "
                        "l'année précédente selon les écritures")


def _entry_json(number: int, e: Any) -> dict[str, Any]:
    return {"numero": number, "journal": e.journal, "date": e.date, "piece": e.ref, "date_piece": e.ref_date,
            "libelle": e.label,
            "lignes": [{"compte": x.account, "libelle_compte": x.account_label, "compte_auxiliaire": x.aux_account or None,
                        "libelle": x.label or e.label, "debit": x.debit, "credit": x.credit,
                        "lettrage": x.matching or None, "date_lettrage": x.matched_on} for x in e.lines]}


def cmd_entries(ctx: Context) -> int:
    from pyxl.services import books

    a = ctx.args
    if a.du and a.jusqu_au and a.du > a.jusqu_au:
        raise UsageError("syc compta ecritures : --du doit précéder --jusqu-au")
    chosen = books.entries(ctx.store(), ctx.as_of, a.journal or "", a.du, a.jusqu_au)
    debit = sum((x.debit for e in chosen for x in e.lines), Decimal(0))
    if ctx.json:
        out(ctx, data={"ecritures": [_entry_json(i, e) for i, e in enumerate(chosen, 1)], "total_debit": debit,
                       "total_credit": sum((x.credit for e in chosen for x in e.lines), Decimal(0)),
                       "avertissement": BOOKS_NOTE})
        return 0
    rows = [[str(i), e.journal, date_fr(e.date), e.ref, x.account, x.aux_account, x.label or e.label,
             euros(x.debit) if x.debit else "", euros(x.credit) if x.credit else "", x.matching]
            for i, e in enumerate(chosen, 1) for x in e.lines]
    print(text_table(rows, ["N°", "Journal", "Date", "Pièce", "Compte", "Client", "Libellé", "Débit", "Crédit", "Let."]))
    print(f"{plural(len(chosen), 'écriture')} ; total des débits = total des crédits = {euros(debit)}.")
    print(BOOKS_NOTE)
    return 0


def cmd_fec(ctx: Context) -> int:
    from pyxl.core.fec import Level, check_fec
    from pyxl.services import books

    a = ctx.args
    path, notice, chosen = books.export_fec(ctx.store(), a.exercice, a.sortie, ctx.as_of,
                                            [Path(x) for x in a.archives])
    start, end = books.fiscal_year(ctx.store().parameters(), a.exercice)
    report = check_fec(path, fiscal_start=start, fiscal_end=end)
    lines = sum(len(e.lines) for e in chosen)
    debit = sum((x.debit for e in chosen for x in e.lines), Decimal(0))
    message = (f"FEC de l'exercice du {date_fr(start)} au {date_fr(end)} : {path.name}, "
               f"{plural(len(chosen), 'écriture')}, {plural(lines, 'ligne')}, total des débits {euros(debit)} ; "
               f"description : {notice.name}. Vérification : "
               + ("conforme." if report.conforming else f"non conforme ({plural(report.count(Level.ERROR), 'erreur')}).")
               + " Partie ventes et encaissements du FEC de l'entreprise, à importer par l'expert-comptable, pas son "
                 "FEC légal complet.")
    out(ctx, message, {"fichier": str(path.resolve()), "description": str(notice.resolve()), "exercice": {"du": start, "au": end},
                       "ecritures": len(chosen), "lignes": lines, "total_debit": debit, "conforme": report.conforming,
                       "sortie": str(Path(a.sortie).resolve())})
    return 0 if report.conforming else 1


def cmd_balance(ctx: Context) -> int:
    from pyxl.services import books

    store = ctx.store()
    year = ctx.args.exercice or books.fiscal_year_of(store.parameters(), ctx.as_of)[1].year
    start, end, rows = books.trial_balance(store, year, ctx.as_of)
    debit = sum((r.debit for r in rows), Decimal(0))
    credit = sum((r.credit for r in rows), Decimal(0))
    if ctx.json:
        out(ctx, data={"exercice": {"du": start, "au": end},
                       "comptes": [{"compte": r.account, "libelle_compte": r.label, "debit": r.debit,
                                    "credit": r.credit, "solde": r.balance} for r in rows],
                       "total_debit": debit, "total_credit": credit, "avertissement": BOOKS_NOTE})
        return 0
    print(msg("balance.titre", start=date_fr(start), end=date_fr(end), day=date_fr(min(end, ctx.as_of))))
    table = [[r.account, r.label, euros(r.debit), euros(r.credit),
              euros(abs(r.balance)) + (" D" if r.balance > 0 else " C" if r.balance < 0 else "")] for r in rows]
    table.append(["Total", "", euros(debit), euros(credit), ""])
    print(text_table(table, ["Compte", "Libellé", "Débit", "Crédit", "Solde"], cut=50))
    return 0


def cmd_ledger(ctx: Context) -> int:
    from pyxl.services import books

    lines = books.client_ledger(ctx.store(), ctx.args.client, ctx.as_of)
    balance = lines[-1].balance if lines else Decimal(0)
    if ctx.json:
        out(ctx, data={"client": ctx.args.client, "solde": balance,
                       "lignes": [{"date": x.date, "journal": x.journal, "piece": x.ref, "libelle": x.label,
                                   "debit": x.debit, "credit": x.credit, "solde": x.balance,
                                   "lettrage": x.matching or None, "date_lettrage": x.matched_on} for x in lines]})
        return 0
    rows = [[date_fr(x.date), x.journal, x.ref, x.label, euros(x.debit) if x.debit else "",
             euros(x.credit) if x.credit else "", euros(x.balance), x.matching] for x in lines]
    print(text_table(rows, ["Date", "Journal", "Pièce", "Libellé", "Débit", "Crédit", "Solde", "Let."]))
    print(f"Solde du compte client {ctx.args.client} : {euros(balance)}"
          + (" (le client doit)" if balance > 0 else " (dû au client)" if balance < 0 else "") + ".")
    return 0


def cmd_lettrage(ctx: Context) -> int:
    from pyxl.services import books

    accounts = books.lettrage(ctx.store(), ctx.as_of, ctx.args.client or "")
    if ctx.json:
        out(ctx, data={"comptes": [{"client": a.client, "nom_client": a.name, "lignes_lettrees": a.lettered,
                                    "lignes_ouvertes": a.open_lines, "solde": a.balance,
                                    "lettres": [{"lettrage": c, "date_lettrage": d, "montant": t}
                                                for c, d, t in a.codes]} for a in accounts]})
        return 0
    rows = [[a.client, a.name, str(len(a.codes)), str(a.open_lines), euros(a.balance),
             (date_fr(a.codes[-1][1]) + " " + a.codes[-1][0]) if a.codes else ""] for a in accounts]
    print(text_table(rows, ["Client", "Nom", "Lettres", "Lignes ouvertes", "Solde", "Dernier lettrage"]))
    return 0


def cmd_vat(ctx: Context) -> int:
    from pyxl.services import books

    previous = None
    if ctx.args.tva_annee_precedente is not None:
        try:
            previous = parse_decimal(ctx.args.tva_annee_precedente, max_places=2)
        except AmountError as exc:
            raise Refused(Issue("compta.acomptes", f"--tva-annee-precedente : {exc}.", "--tva-annee-precedente")) from None
    r = books.vat_return(ctx.store(), ctx.args.periode, ctx.as_of, previous)
    if ctx.json:
        out(ctx, data={"periode": {"du": r.start, "au": r.end}, "regime": r.regime,
                       "taux": [{"taux": x.rate, "base_ht": x.base, "tva": x.vat, "ligne": x.line or None,
                                 "libelle": x.label} for x in r.lines],
                       "total_tva": r.total, "ligne_total": books.CA3_TOTAL_LINE[0] if r.regime.startswith("CA3") else None,
                       "base_acomptes": r.instalment_base,
                       "acomptes": [{"mois": i.month, "libelle": i.label, "montant": i.amount} for i in r.instalments],
                       "solde": r.balance},
            warnings=r.warnings)
        return 0
    print(msg("tva.titre", start=date_fr(r.start), end=date_fr(r.end), regime=r.regime))
    rows = [[x.line, x.label, euros(x.base), euros(x.vat)] for x in r.lines]
    total_line = books.CA3_TOTAL_LINE[0] if r.regime.startswith("CA3") else ""
    rows.append([total_line, msg("tva.total", line=""), "", euros(r.total)])
    print(text_table(rows, ["Ligne", "Opérations", "Base HT", "TVA"]))
    if r.instalment_base is not None:
        base_line, paid_line = books.CA12_BASE_LINE[0], books.CA12_INSTALMENTS_LINE[0]
        if r.instalments:
            print(msg("tva.acomptes", base=euros(r.instalment_base), base_line=base_line, paid_line=paid_line,
                      instalments=" ; ".join(f"{i.label} {euros(i.amount)}" for i in r.instalments),
                      total=euros(sum((i.amount for i in r.instalments), Decimal(0)))))
        else:
            print(msg("tva.acomptes.aucun", base=euros(r.instalment_base)))
        assert r.balance is not None
        print(msg("tva.reste" if r.balance >= 0 else "tva.excedent", amount=euros(abs(r.balance))))
    if r.regime.startswith("CA12"):
        print(msg("tva.lignes", source=books.CA12_SOURCE))
    print(msg("tva.deductible"))
    for w in r.warnings:
        print(f"Attention : {w.message}")
    return 0
