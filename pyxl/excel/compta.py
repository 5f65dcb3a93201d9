"""The texts of the books' buttons (issue 15): the FEC export, the VAT figures, the trial balance.
Each computes with the same services as `syc compta …` and answers in French, in words a user of
the workbook knows (never a command line)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core.fields import FieldError
from pyxl.core.frformat import date_fr, plural
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg
from pyxl.core.money import AmountError, euros, parse_decimal

FEC_FOLDER = "FEC"  # beside the workbook


def _year(text: str, what: str) -> int:
    t = text.strip()
    if not (t.isdigit() and len(t) == 4 and 2000 <= int(t) <= 2099):
        raise Refused(Issue("compta.exercice", f"{what} : « {t} » n'est pas une année ; écrivez par exemple 2026.",
                            what))
    return int(t)


def fec_text(store: Any, book: Path, year_text: str, as_of: dt.date) -> str:
    """Write the FEC of the fiscal year closing in the year asked, in « FEC » beside the workbook."""
    from pyxl.core.fec import Level, check_fec
    from pyxl.services import books

    year = _year(year_text, "Année de clôture de l'exercice")
    folder = book.parent / FEC_FOLDER
    folder.mkdir(exist_ok=True)
    path, notice, chosen = books.export_fec(store, year, folder, as_of)
    start, end = books.fiscal_year(store.parameters(), year)
    report = check_fec(path, fiscal_start=start, fiscal_end=end)
    debit = sum((x.debit for e in chosen for x in e.lines), Decimal(0))
    check = ("Contrôle du fichier : conforme." if report.conforming else
             f"Contrôle du fichier : {plural(report.count(Level.ERROR), 'erreur')} ; signalez-le au support.")
    return (f"Fichier des écritures (FEC) de l'exercice du {date_fr(start)} au {date_fr(end)} écrit :\n{path}\n"
            f"avec sa description : {notice.name}.\n"
            f"{plural(len(chosen), 'écriture')}, total des débits {euros(debit)}. {check}\n"
            "C'est la partie ventes et encaissements du FEC de l'entreprise, à remettre à l'expert-comptable "
            "pour qu'il l'importe, pas son FEC complet.")


def vat_text(store: Any, period: str, previous: str, as_of: dt.date) -> str:
    """The collected VAT of a period (CA3 lines; CA12 instalments for a year)."""
    from pyxl.services import books

    base = None
    if previous.strip():
        try:
            base = parse_decimal(previous, max_places=2)
        except (AmountError, FieldError) as exc:
            raise Refused(Issue("compta.acomptes", f"TVA due de l'année précédente : {exc}.", "")) from None
    r = books.vat_return(store, period, as_of, base)
    out = [msg("tva.titre", start=date_fr(r.start), end=date_fr(r.end), regime=r.regime), ""]
    for x in r.lines:
        out.append(f"{('ligne ' + x.line + ' — ') if x.line else ''}{x.label} : base {euros(x.base)}, "
                   f"TVA {euros(x.vat)}")
    if not r.lines:
        out.append("Aucune opération imposable sur la période.")
    total = f" (ligne {books.CA3_TOTAL_LINE[0]})" if r.regime.startswith("CA3") else ""
    out.append(f"{msg('tva.total', line=total)} : {euros(r.total)}")
    if r.instalment_base is not None:
        if r.instalments:
            out.append(msg("tva.acomptes", base=euros(r.instalment_base),
                           instalments=" ; ".join(f"{i.label} {euros(i.amount)}" for i in r.instalments)))
        else:
            out.append(msg("tva.acomptes.aucun", base=euros(r.instalment_base)))
        assert r.balance is not None
        out.append(msg("tva.reste" if r.balance >= 0 else "tva.excedent", amount=euros(abs(r.balance))))
        if base is None:
            out.append("Acomptes calculés sur la TVA collectée de l'année précédente selon les écritures : la base "
                       "légale est la TVA due après déductions (hors immobilisations), que l'expert-comptable "
                       "connaît ; donnez-la à la seconde question pour des acomptes exacts.")
    out.append(msg("tva.deductible"))
    out += [f"Attention : {w.message}" for w in r.warnings if w.code != "compta.acomptes"]
    return "\n".join(out)


def balance_text(store: Any, year_text: str, as_of: dt.date) -> str:
    """The trial balance of a fiscal year, account by account."""
    from pyxl.services import books

    year = _year(year_text, "Année de clôture de l'exercice") if year_text.strip() else \
        books.fiscal_year_of(store.parameters(), as_of)[1].year
    start, end, rows = books.trial_balance(store, year, as_of)
    out = [msg("balance.titre", start=date_fr(start), end=date_fr(end), day=date_fr(min(end, as_of))), ""]
    for r in rows:
        side = "débiteur" if r.balance >= 0 else "créditeur"
        out.append(f"{r.account} {r.label} : débit {euros(r.debit)}, crédit {euros(r.credit)}, "
                   f"solde {side} {euros(abs(r.balance))}")
    debit = sum((r.debit for r in rows), Decimal(0))
    credit = sum((r.credit for r in rows), Decimal(0))
    out.append(f"Total : débit {euros(debit)}, crédit {euros(credit)}"
               + (" (équilibrée)." if debit == credit else " — NON ÉQUILIBRÉE : signalez-le au support."))
    return "\n".join(out)
