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
            out.append(msg("tva.acomptes", base=euros(r.instalment_base), base_line=books.CA12_BASE_LINE[0],
                           paid_line=books.CA12_INSTALMENTS_LINE[0],
                           instalments=" ; ".join(f"{i.label} {euros(i.amount)}" for i in r.instalments),
                           total=euros(sum((i.amount for i in r.instalments), Decimal(0)))))
        else:
            out.append(msg("tva.acomptes.aucun", base=euros(r.instalment_base)))
        assert r.balance is not None
        out.append(msg("tva.reste" if r.balance >= 0 else "tva.excedent", amount=euros(abs(r.balance))))
        if base is None:
            out.append("Acomptes calculés sur la TVA collectée de l'année précédente selon les écritures : la base "
                       "légale est la TVA due après déductions (hors immobilisations), que l'expert-comptable "
                       "connaît ; donnez-la à la seconde question pour des acomptes exacts.")
    if r.regime.startswith("CA12"):
        out.append(msg("tva.lignes", source=books.CA12_SOURCE))
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


# the sheets where a row names a client: (table, column of the client's code)
CLIENT_ROWS = {"Clients": ("tClients", "code"), "Devis": ("tDevis", "client"), "Commandes": ("tCommandes", "client"),
               "Factures": ("tFactures", "client"), "Règlements": ("tReglements", "client"),
               "Notes de pénalités": ("tNotesPenalites", "client"), "Contrats d'entretien": ("tContrats", "client")}


def selected_client(store: Any, sheet: str, row: int, label: str) -> str:
    """The client's code on the row the user clicked (Clients, or a document's row)."""
    where = CLIENT_ROWS.get(sheet)
    if where is None:
        raise Refused(Issue("excel.sheet", f"« {label} » agit sur la ligne d'un client : cliquez dans sa ligne sur la "
                                           "feuille Clients (ou dans celle d'une de ses pièces : Devis, Commandes, "
                                           "Factures, Règlements), puis de nouveau sur le bouton.", sheet))
    table, column = where
    found = store.row_at(table, row)
    code = str(found.get(column) or "").strip() if found is not None else ""
    if not code:
        raise Refused(Issue("excel.row", f"Feuille « {sheet} », ligne {row} : aucun client ici (ligne vide ou "
                                         f"en-tête). Cliquez dans la ligne voulue, puis de nouveau sur « {label} ».",
                            f"{sheet}, ligne {row}"))
    return code


def ledger_text(store: Any, code: str, as_of: dt.date) -> str:
    """The client's ledger (compte 411 et son compte auxiliaire): each line with its running balance
    and its lettrage, computed by the same service as the client ledger of the books."""
    from pyxl.services import books
    from pyxl.services.clients import get_client

    client = get_client(store, code)
    name = " ".join(str(client.get(k) or "").strip() for k in ("name", "first_name")).strip()
    lines = books.client_ledger(store, code, as_of)
    out = [f"Grand livre du client {name} ({code}), compte 411, au {date_fr(as_of)}", ""]
    if not lines:
        out.append("Aucune écriture sur ce compte.")
    for x in lines:
        amount = f"débit {euros(x.debit)}" if x.debit else f"crédit {euros(x.credit)}"
        lettered = f", lettrage {x.matching} du {date_fr(x.matched_on)}" if x.matching and x.matched_on else ""
        out.append(f"{date_fr(x.date)} {x.journal} {x.ref} — {x.label} : {amount}, solde {euros(x.balance)}"
                   f"{lettered}")
    balance = lines[-1].balance if lines else Decimal(0)
    out.append("")
    out.append(f"Solde : {euros(abs(balance))}"
               + (" (le client doit)" if balance > 0 else " (dû au client)" if balance < 0 else "") + ".")
    return "\n".join(out)
