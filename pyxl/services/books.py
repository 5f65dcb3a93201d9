"""The books read from the workbook: the entries (`pyxl.core.books`) of the issued documents and the
payment rows, the FEC of a fiscal year, the trial balance, a client's ledger and lettrage, the VAT
figures of a period. Nothing here writes to the workbook: the entries are computed on demand, the
same every time from the same documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import books
from pyxl.core.fec.writer import Entry, write_fec
from pyxl.core.frformat import percent
from pyxl.core.issues import Issue, Refused
from pyxl.core.money import to_cents
from pyxl.services import salesdocs as sd
from pyxl.workbook import ledger
from pyxl.workbook.store import Store, pick, transient

ZERO = Decimal("0.00")
TABLES = ("tFactures", "tLignesFactures", "tNotesPenalites", "tReglements", "tBordereaux", "tClients",
          "tPlanComptable", "tArticles", "tCreances")


# --------------------------------------------------------------------------- reading
def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


def _text(v: Any) -> str:
    return v.strip() if type(v) is str else str(v or "").strip()


# the columns the entries read of each invoice and payment row, read in one go (`_picked`)
_INVOICE = ("number", "status", "ref", "client", "doc_type", "date", "origin", "total_ttc", "client_name", "nature",
            "operation", "credit_cause", "discount_pct")
_INVOICE_SUMS = ("number", "status", "ref", "client", "doc_type", "date", "total_ttc", "paid", "credited")
_INVOICE_ALL = (*_INVOICE, "paid", "credited")
_PAYMENT = ("id", "date", "invoice", "client", "amount", "mode", "kind", "cancels", "group", "charges", "slip",
            "bounced")
_PAYMENT_SUMS = ("invoice", "date", "amount", "client", "mode")
_LINE = ("doc", "pos", "qty", "unit_price", "rate", "discount_pct", "fixed_vat", "unit", "article")  # in this order


def _picked(values: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """These columns of a row as a dict, read once and not kept in the row (`syc verifier` books ten
    years of invoices and payments: one call per row instead of one per cell)."""
    return dict(zip(keys, pick(values, keys), strict=True))


@dataclass(frozen=True)
class Picked:
    """The columns `check` and `read` take of every invoice and payment row, read once for both
    (`syc verifier`): (columns, the row's values) of each invoice row, the columns of each payment row."""

    invoices: list[tuple[dict[str, Any], Any]]
    payments: list[dict[str, Any]]


def picked(store: Store) -> Picked:
    return Picked([(_picked(r.values, _INVOICE_ALL), r.values) for r in store.rows("tFactures")],
                  [_picked(r.values, _PAYMENT) for r in store.rows("tReglements")])


def chart(store: Store) -> dict[str, tuple[str, str]]:
    """The chart of « Plan comptable » over the PCG defaults; a wrong account number is refused."""
    out = dict(books.DEFAULT_CHART)
    for r in store.rows("tPlanComptable"):
        role = _text(r["role"])
        if role not in out:
            continue
        account = _text(r["account"])
        if not account:  # an optional account (travel): not used; any other: the PCG default
            if role == "deplacements":
                out[role] = ("", out[role][1])
            continue
        if not (len(account) >= 3 and account[:3].isdigit() and account.isascii() and account.isalnum()):
            raise Refused(Issue("compta.compte", f"Plan comptable ({r.where}) : compte « {account} » du rôle « {role} » "
                                                 "invalide ; un numéro de compte commence par trois chiffres du plan "
                                                 "comptable (ex. 411, 44571) et n'a ni espace ni signe.", r.where))
        out[role] = (account, _text(r["label"]) or out[role][1])
    return out


@dataclass(frozen=True)
class Source:
    docs: list[books.Doc]
    notes: list[books.Note]
    payments: list[books.Payment]
    slips: list[books.Slip]
    names: dict[str, str]
    options: books.Options
    losses: list[books.Loss]


def read(store: Store, since: dt.date | None = None, rows: Picked | None = None) -> Source:
    """The documents, notes, payments and slips as the core takes them. With `since`, a document
    dated before it, settled before it (paid what it owes net of its credit notes) and untouched
    from it (no payment row, no credit note) comes without its lines, its « Total TTC » standing for
    them: the entries from `since` are the same, ten years of lines are not read. `rows`: the
    invoices' and payments' columns already read (`picked`), emptied once taken (memory)."""
    store.prefetch(TABLES)
    params = store.parameters()
    names = {_text(c["code"]): " ".join(x for x in (_text(c["name"]), _text(c["first_name"])) if x)
             for c in store.rows("tClients")}
    if rows is None:
        rows = Picked([(_picked(r.values, _INVOICE), r.values) for r in store.rows("tFactures")],
                      [_picked(r.values, _PAYMENT) for r in store.rows("tReglements")])
    issued = [v for v, _ in rows.invoices if _text(v["number"]) and _text(v["status"]) != "Brouillon"]
    refs = {_text(v["ref"]) for v in issued}
    summary: set[str] = set()  # refs whose lines are not needed
    if since is not None:
        summary = _settled_before(rows.payments, issued, since)
        refs -= summary
    travel = {_text(a["code"]) for a in store.rows("tArticles") if _text(a["family"]) == "Déplacement"}
    found: list[tuple[str, Any, books.DocLine]] = []
    # ten years of lines: what is read of them here is not kept in the rows
    for cell, pos, qty, price, rate, discount, fixed, unit, article in (pick(ln.values, _LINE)
                                                                         for ln in store.rows("tLignesFactures")):
        doc = _text(cell)
        if doc in refs:
            found.append((doc, pos or 0, books.DocLine(sd.line_of(qty, price, rate, discount, fixed), _text(unit),
                                                       _text(article) in travel)))
    found.sort(key=lambda x: (x[0], x[1]))
    lines: dict[str, list[books.DocLine]] = defaultdict(list)
    for doc, _pos, line in found:
        lines[doc].append(line)
    docs = []
    for v in issued:
        client = _text(v["client"])
        ref = _text(v["ref"])
        if ref in summary:
            docs.append(books.Doc(number=_text(v["number"]), doc_type=_text(v["doc_type"]), date=v["date"],
                                  client=client, client_name="", lines=(), origin=_text(v["origin"]),
                                  total=_dec(v["total_ttc"])))
            continue
        docs.append(books.Doc(number=_text(v["number"]), doc_type=_text(v["doc_type"]), date=v["date"], client=client,
                              client_name=_text(v["client_name"]) or names.get(client, ""),
                              lines=tuple(lines[_text(v["ref"])]), nature=_text(v["nature"]),
                              operation=_text(v["operation"]), origin=_text(v["origin"]),
                              credit_cause=_text(v["credit_cause"]), discount_pct=_dec(v["discount_pct"])))
    notes = [books.Note(number=_text(r["number"]), date=r["date"], client=_text(r["client"]),
                        client_name=_text(r["client_name"]) or names.get(_text(r["client"]), ""),
                        interest=_dec(r["interest"]), indemnity=_dec(r["indemnity"]))
             for r in store.rows("tNotesPenalites") if _text(r["number"])]
    payments = []
    for v in rows.payments:
        pid, date = _text(v["id"]), v["date"]
        if not pid or not date:
            continue
        charges = v["charges"]
        payments.append(books.Payment(id=pid, date=date, invoice=_text(v["invoice"]), client=_text(v["client"]),
                                      amount=_dec(v["amount"]), mode=_text(v["mode"]), kind=_text(v["kind"]),
                                      cancels=_text(v["cancels"]), group=_text(v["group"]),
                                      charges=_dec(charges) if charges else None, slip=_text(v["slip"]),
                                      bounced=_text(v["bounced"]) == "Oui"))
    slips = [books.Slip(number=_text(r["number"]), date=r["date"], mode=_text(r["mode"]), total=_dec(r["total"]),
                        status=_text(r["status"]), credited_on=r["credited_on"],
                        fee=_dec(r["fee"]) if r["fee"] else None)
             for r in store.rows("tBordereaux") if _text(r["number"])]
    slips = _booked(store, slips, payments)
    rows.invoices.clear()
    rows.payments.clear()
    options = books.Options(vat_on_debits=_text(params.get("tva_sur_debits")) == "Oui", chart=chart(store))
    return Source(docs, notes, payments, slips, names, options, _losses(store.rows("tCreances")))


def _booked(store: Store, slips: list[books.Slip], payments: Sequence[books.Payment]) -> list[books.Slip]:
    """The slips with the day their crediting was booked, for those with a cheque reversed: the
    « Validée le » of their crediting's entry on the « Écritures » sheet, the one record of when the
    workbook learnt it (a statement reconciled late). A slip whose crediting is
    not on the sheet (booked before the sheet existed, or in an archived year) counts from the
    bank's day, as it was then booked. A reversal booked the day of the crediting came before it
    when its entry comes first in the sheet's bank series (`Slip.booked_after`)."""
    if ledger.TABLE not in {t.name for t in store.schema.tables}:
        return slips
    by_id = {p.id: p for p in payments}
    credited = {s.number: s for s in slips if s.mode == "Chèque" and s.credited_on is not None
                and s.status == ledger.CREDITED}
    # (reversal, its slip) of the cheques of credited slips reversed
    reversed_on = [(p, by_id[p.cancels].slip) for p in payments
                   if p.cancels and p.cancels in by_id and by_id[p.cancels].slip in credited]
    wanted = {slip for _, slip in reversed_on}
    if not wanted:
        return slips
    # the whole sheet read once (a one-year table, kept by the store for the FEC), not searched per slip
    sheet = [r for r in store.rows(ledger.TABLE) if _text(r["journal"]) == "BQ"]
    booked: dict[str, tuple[dt.date, str]] = {}  # slip → (validated on, its crediting's number)
    for r in sheet:
        number, day = _text(r["ref"]), r["validated_on"]
        if number in wanted and isinstance(day, dt.date):
            num = _text(r["num"])
            booked[number] = min(booked.get(number, (day, num)), (day, num))
    # a reversal booked the day of the crediting, before it: its entry comes first on the sheet
    ties = {p.group or p.id: slip for p, slip in reversed_on  # reversal (payment id) → slip
            if slip in booked and p.date == booked[slip][0]}
    after: dict[str, set[str]] = defaultdict(set)
    for r in sheet if ties else ():
        slip = ties.get(_text(r["ref"]), "")
        if slip and _order(_text(r["num"])) < _order(booked[slip][1]):
            after[slip].add(_text(r["ref"]))
    return [replace(s, booked_on=booked[s.number][0], booked_after=frozenset(after[s.number]))
            if s.number in booked else s for s in slips]


def _order(num: str) -> tuple[str, int]:
    """« BQ2026-000012 » → ("BQ2026-", 12): entries of one series compare by their number."""
    prefix, _, n = num.rpartition("-")
    return prefix, int(n) if n.isdigit() else -1


def _losses(rows: Sequence[Any]) -> list[books.Loss]:
    return [books.Loss(id=_text(r["id"]), date=r["date"], invoice=_text(r["invoice"]), client=_text(r["client"]),
                       kind=_text(r["kind"]), reason=_text(r["reason"]), cancels=_text(r["cancels"]))
            for r in rows if _text(r["id"]) and r["date"] is not None]


def _settled_before(payments: list[dict[str, Any]], issued: list[Any], since: dt.date) -> set[str]:
    """The refs of the documents dated before `since`, settled before it and untouched from it."""
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    touched: set[str] = set()
    for v in payments:
        target = _text(v["invoice"])
        if not target:
            continue
        if v["date"] >= since:
            touched.add(target)
        else:
            paid[target] += _dec(v["amount"])
    owed: dict[str, Decimal] = {}
    for v in issued:
        number = _text(v["number"])
        if _text(v["doc_type"]) == "Avoir":
            origin = _text(v["origin"])
            if v["date"] >= since:
                touched.add(origin)
            else:
                owed[origin] = owed.get(origin, ZERO) - _dec(v["total_ttc"])
        else:
            owed[number] = owed.get(number, ZERO) + _dec(v["total_ttc"])
    settled = {n for n, o in owed.items() if n not in touched and paid[n] == o}
    out = set()
    for v in issued:
        number = _text(v["number"])
        if v["date"] >= since:
            continue
        key = _text(v["origin"]) if _text(v["doc_type"]) == "Avoir" else number
        if key in settled:
            out.add(_text(v["ref"]))
    return out


def compute(store: Store, until: dt.date | None, since: dt.date | None = None,
            archived: Sequence[Source] = ()) -> books.Books:
    """Every entry dated up to `until` (lettered as of that day); from `since` only, if given (the
    earlier ones are computed all the same: VAT waiting for its payment, lettrage). `archived`: what
    the fiscal-year archives hold, read with `read_archives`, joined to the active workbook's."""
    s = merge(read(store, since), *archived)
    return books.build(s.docs, s.notes, s.payments, s.slips, s.names, s.options, until=until, since=since,
                       losses=s.losses)


def merge(active: Source, *archived: Source) -> Source:
    """The active workbook's source with the rows of archives joined (a row is in one file only: the
    archiving checks it); its clients' names and its chart and options win."""
    if not archived:
        return active
    names: dict[str, str] = {}
    for s in (*archived, active):
        names.update(s.names)
    return Source([d for s in (*archived, active) for d in s.docs], [n for s in (*archived, active) for n in s.notes],
                  [p for s in (*archived, active) for p in s.payments], [x for s in (*archived, active) for x in s.slips],
                  names, active.options, [x for s in (*archived, active) for x in s.losses])


def read_archives(paths: Sequence[Path], since: dt.date | None = None) -> list[Source]:
    """What fiscal-year archives (`syc exercice archiver`) hold, as the core takes it; an archive
    written before a schema change is read at the current one (`archives.opened`), one that is
    missing or from a newer version is refused, naming it."""
    from pyxl.services import archives

    out = []
    for path in paths:
        if not Path(path).is_file():
            raise Refused(Issue("compta.archive", f"Archive « {path} » introuvable : indiquez le chemin d'un classeur "
                                                  "d'exercice archivé (dossier Archives, --archives).", str(path)))
        with archives.opened(Path(path)) as store:  # an older schema's archive: read migrated, never rewritten
            out.append(read(store, since))
    return out


# --------------------------------------------------------------------------- fiscal years
# (in the workbook layer, where the « Écritures » sheet numbers its entries by fiscal year)
closing_day, fiscal_year, fiscal_year_of = ledger.closing_day, ledger.fiscal_year, ledger.fiscal_year_of


# --------------------------------------------------------------------------- what the commands show
def entries(store: Store, as_of: dt.date, journal: str = "", start: dt.date | None = None,
            end: dt.date | None = None) -> list[Entry]:
    if journal and journal not in books.JOURNALS:
        raise Refused(Issue("compta.journal", f"Journal « {journal} » inconnu : "
                            + ", ".join(f"{k} ({v})" for k, v in books.JOURNALS.items()) + "."))
    until = min(end, as_of) if end else as_of
    return books.in_period(compute(store, until, start).entries, start, end, journal)


def export_fec(store: Store, year: int, folder: str | Path, as_of: dt.date,
               archives: Sequence[Path] = ()) -> tuple[Path, Path, list[Entry]]:
    """`SirenFECAAAAMMJJ.txt` of the fiscal year closing in `year` and its description; `archives`:
    the fiscal-year archives to read too (an archived year's FEC needs its archive)."""
    params = store.parameters()
    start, end = fiscal_year(params, year)
    if start > as_of:
        raise Refused(Issue("compta.exercice", f"L'exercice {year} (du {start:%d/%m/%Y} au {end:%d/%m/%Y}) n'a pas "
                                               "commencé : pas de FEC."))
    archived = read_archives(archives, start)
    computed = books.in_period(compute(store, min(end, as_of), start, archived).entries, start, end)
    chosen = from_sheet(store, start, min(end, as_of), computed)
    if chosen is None:  # a year not on the sheet (closed before it, or archived): computed, numbered 1, 2, 3…
        chosen = computed
    company = _text(params.get("raison_sociale"))
    siren = re.sub(r"\D", "", _text(params.get("siret")))[:9]  # « 732 829 320 00074 » → 732829320
    path, notice = write_fec(folder, siren, start, end, chosen, company)
    return path, notice, chosen


def from_sheet(store: Store, start: dt.date, until: dt.date, computed: Sequence[Entry]) -> list[Entry] | None:
    """The entries of the « Écritures » sheet dated from `start` to `until`, in the sheet's order
    (their validation order) with their numbers, validation dates and wording, lettered as
    `computed` (the same entries recomputed, lettered as of `until`) says; None when the sheet holds
    no entry of the period (a fiscal year closed before the sheet existed, or archived). Refused,
    naming the first entry, when the sheet no longer says what the documents say (`syc verifier`)."""
    if ledger.TABLE not in {t.name for t in store.schema.tables}:
        return None
    sheet = [(num, e) for num, e, _rows in ledger.sheet_entries(store.rows(ledger.TABLE))
             if e.date and start <= e.date <= until]
    if not sheet:
        return None
    expected: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in computed:
        expected[(e.journal, e.ref)].append(e)
    out = []
    for num, e in sheet:
        wanted = expected.get((e.journal, e.ref))
        twin = wanted.pop(0) if wanted else None
        if twin is None or _signature(twin) != _signature(e):
            said = f"les pièces donnent « {_show(twin)} »" if twin else "aucune pièce ni aucun règlement ne la donne"
            raise Refused(Issue("compta.ecritures", f"Écritures : l'écriture n° {num} dit « {_show(e)} », {said} : "
                                                    "la feuille ne correspond plus aux pièces, pas de FEC. Vérifiez "
                                                    "le classeur et restaurez une sauvegarde.", num))
        out.append(replace(e, lines=tuple(replace(x, matching=y.matching, matched_on=y.matched_on)
                                          for x, y in zip(e.lines, twin.lines, strict=True))))
    left = next((x for xs in expected.values() for x in xs), None)
    if left is not None:
        raise Refused(Issue("compta.ecritures", f"Écritures : l'écriture « {_show(left)} » manque à la feuille, pas "
                                                "de FEC. Vérifiez le classeur et restaurez une sauvegarde.",
                                   "Écritures"))
    return out


def trial_balance(store: Store, year: int, as_of: dt.date) -> tuple[dt.date, dt.date, list[books.BalanceRow]]:
    start, end = fiscal_year(store.parameters(), year)
    return start, end, books.trial_balance(books.in_period(compute(store, min(end, as_of), start).entries, start, end))


def client_ledger(store: Store, client: str, as_of: dt.date) -> list[books.LedgerLine]:
    from pyxl.services.clients import get_client

    code = _text(get_client(store, client)["code"])
    s = chart(store)
    return books.client_ledger(compute(store, as_of).entries, code, s["clients"][0])


@dataclass(frozen=True)
class AccountLettrage:
    client: str
    name: str
    lettered: int  # 411 lines lettered
    open_lines: int
    balance: Decimal
    codes: list[tuple[str, dt.date, Decimal]]  # code, date, total debit of the group


def lettrage(store: Store, as_of: dt.date, client: str = "") -> list[AccountLettrage]:
    """The lettrage of each client account (or one): codes, dates, what remains open."""
    code = ""
    if client:
        from pyxl.services.clients import get_client

        code = _text(get_client(store, client)["code"])
    s = read(store)
    clients_account = s.options.chart.get("clients", books.DEFAULT_CHART["clients"])[0]
    result = books.build(s.docs, s.notes, s.payments, s.slips, s.names, s.options, until=as_of, losses=s.losses)
    per: dict[str, dict[str, Any]] = {}
    for e in result.entries:
        for x in e.lines:
            if x.account != clients_account or (code and x.aux_account != code):
                continue
            a = per.setdefault(x.aux_account, {"lettered": 0, "open": 0, "balance": ZERO, "codes": {}})
            a["balance"] += x.debit - x.credit
            if x.matching:
                a["lettered"] += 1
                date, total = a["codes"].get(x.matching, (x.matched_on, ZERO))
                a["codes"][x.matching] = (date, total + x.debit)
            else:
                a["open"] += 1
    return [AccountLettrage(c, s.names.get(c, c), a["lettered"], a["open"], a["balance"],
                            sorted(((k, d, t) for k, (d, t) in a["codes"].items()), key=lambda x: (x[1], x[0])))
            for c, a in sorted(per.items())]


# --------------------------------------------------------------------------- VAT
REGIMES = ("CA3 mensuelle", "CA3 trimestrielle", "CA12 annuelle")

# Lines of the CA3 (formulaire n° 3310-CA3-SD, cadre B « Décompte de la TVA à payer ») for the
# operations taxed at each rate, as dated data: (rate, line, label, valid from, source)
CA3_LINES: tuple[tuple[Decimal, str, str, dt.date, str], ...] = (
    (Decimal(20), "08", "Taux normal 20 %", dt.date(2014, 1, 1), "3310-CA3-SD, cadre B"),
    (Decimal(10), "9B", "Taux réduit 10 %", dt.date(2014, 1, 1), "3310-CA3-SD, cadre B"),
    (Decimal("5.5"), "09", "Taux réduit 5,5 %", dt.date(2014, 1, 1), "3310-CA3-SD, cadre B"),
)
CA3_TOTAL_LINE = ("16", "Total de la TVA brute due")

# Lines of the CA12 (formulaire n° 3517-S-SD, cadre « TVA brute », opérations réalisées en France
# métropolitaine) for the operations taxed at each rate, as dated data: (rate, line, label, valid
# from, source). UNCERTAIN: read from the notice 3517-S-NOT-SD as a third-party implementation
# relays it (lines 5A, 6C, 06, 09), not from the form itself; the form changes almost every year:
# to check against the notice of the year before relying on them. « valid from »: the form of
# the 2024 returns, the oldest one these numbers were seen on. Searched again in December 2026
# (docs/comptabilite.md, « La TVA »): no official copy of the form or notice reachable, the
# third-party relays disagree (5A/6C/06/09 here, 5A/5B/5C/5D elsewhere): still unconfirmed.
CA12_SOURCE = "3517-S-SD, cadre TVA brute (notice 3517-S-NOT-SD ; numéros à vérifier sur la notice de l'année)"
CA12_LINES: tuple[tuple[Decimal, str, str, dt.date, str], ...] = (
    (Decimal(20), "5A", "Taux normal 20 %", dt.date(2024, 1, 1), CA12_SOURCE),
    (Decimal(10), "6C", "Taux réduit 10 %", dt.date(2024, 1, 1), CA12_SOURCE),
    (Decimal("5.5"), "06", "Taux réduit 5,5 %", dt.date(2024, 1, 1), CA12_SOURCE),
    (Decimal("2.1"), "09", "Taux particulier 2,1 %", dt.date(2024, 1, 1), CA12_SOURCE),
)
# the instalments paid during the year, deducted on the annual return: line 30 of the « décompte de
# la TVA à payer » (UNCERTAIN, same source); their base, the previous year's tax before the deduction
# of the VAT on fixed assets, is line 57 of the previous return (named so by the instalment notice
# 3514-SD: « ligne 57 de la déclaration CA12/CA12E »)
CA12_INSTALMENTS_LINE = ("30", "Acomptes payés", dt.date(2024, 1, 1), CA12_SOURCE)
CA12_BASE_LINE = ("57", "TVA due de l'année précédente avant déduction de la TVA sur immobilisations",
                  dt.date(2024, 1, 1), "3514-SD (avis d'acompte), renvoi à la ligne 57 de la CA12")


def form_line(regime: str, rate: Decimal, end: dt.date) -> tuple[str, str] | None:
    """The line (number, label) of the return of `regime` for the operations at `rate`, as the form in
    force at `end` numbers it; None when there is none here."""
    table = CA3_LINES if regime.startswith("CA3") else CA12_LINES if regime.startswith("CA12") else ()
    found = [x for x in table if x[0] == rate and x[3] <= end]
    return (found[-1][1], found[-1][2]) if found else None

# The CA12 (régime simplifié d'imposition, CGI art. 287-3 ; BOI-TVA-DECLA-20-20-20): two instalments,
# in July 55 % and in December 40 % of the tax due for the previous year (before the deduction of
# the VAT on fixed assets), none when that tax is under 1 000 €; the annual return settles the
# balance. As dated data: (month, share, label, valid from, source).
CA12_INSTALMENTS: tuple[tuple[int, Decimal, str, dt.date, str], ...] = (
    (7, Decimal("0.55"), "Acompte de juillet (55 %)", dt.date(2015, 1, 1), "CGI art. 287-3 ; BOI-TVA-DECLA-20-20-20"),
    (12, Decimal("0.40"), "Acompte de décembre (40 %)", dt.date(2015, 1, 1), "CGI art. 287-3 ; BOI-TVA-DECLA-20-20-20"),
)
CA12_NO_INSTALMENT_UNDER = Decimal("1000.00")


def parse_period(text: str) -> tuple[dt.date, dt.date, str]:
    """AAAA-MM (a month), AAAA-Tn (a quarter), AAAA (a year): (first day, last day, kind)."""
    t = text.strip().upper()
    if m := re.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])", t):
        y, mo = int(m[1]), int(m[2])
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return dt.date(y, mo, 1), nxt - dt.timedelta(days=1), "mois"
    if m := re.fullmatch(r"(20\d\d)-T([1-4])", t):
        y, q = int(m[1]), int(m[2])
        first = dt.date(y, 3 * q - 2, 1)
        nxt = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1), "trimestre"
    if m := re.fullmatch(r"20\d\d", t):
        y = int(t)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "année"
    raise Refused(Issue("compta.periode", f"Période « {text} » illisible : AAAA-MM (un mois, ex. 2026-03), AAAA-Tn "
                                          "(un trimestre, ex. 2026-T1) ou AAAA (une année, déclaration CA12)."))


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    base: Decimal
    vat: Decimal
    line: str  # the CA3 or CA12 line, '' when there is none (a rate without one here)
    label: str


@dataclass(frozen=True)
class Instalment:
    month: int
    label: str
    amount: Decimal


@dataclass(frozen=True)
class VatReturn:
    start: dt.date
    end: dt.date
    regime: str
    lines: list[VatLine]
    total: Decimal
    warnings: list[Issue]
    # CA12, a year asked for: the previous year's tax the instalments are reckoned on, the
    # instalments of the year (none under 1 000 €) and what the annual return leaves to pay (or, if
    # negative, to claim back) on the collected VAT
    instalment_base: Decimal | None = None
    instalments: tuple[Instalment, ...] = ()
    balance: Decimal | None = None


def ca12_instalments(previous: Decimal, year: int) -> tuple[Instalment, ...]:
    """The July and December instalments of `year` on the previous year's tax `previous`."""
    if previous < CA12_NO_INSTALMENT_UNDER:
        return ()
    day = dt.date(year, 1, 1)
    return tuple(Instalment(month, label, to_cents(previous * share))
                 for month, share, label, since, _ in CA12_INSTALMENTS if since <= day)


def vat_return(store: Store, period: str, as_of: dt.date, previous_tax: Decimal | None = None) -> VatReturn:
    """The collected VAT of a period; under the CA12, for a year, its instalments too: on
    `previous_tax` (the previous year's tax due, net of deductions, which the accountant knows) or,
    without it, on the VAT collected the previous year by these entries, with a warning."""
    from pyxl.core.issues import Severity

    start, end, kind = parse_period(period)
    params = store.parameters()
    regime = _text(params.get("regime_tva")) or REGIMES[0]
    warnings: list[Issue] = []
    expected = {"CA3 mensuelle": "mois", "CA3 trimestrielle": "trimestre", "CA12 annuelle": "année"}.get(regime)
    if expected and expected != kind:
        warnings.append(Issue("compta.regime", f"Le régime des Paramètres est « {regime} » : la période demandée "
                                               f"est un(e) {kind}, pas un(e) {expected}.", "regime_tva",
                              Severity.WARNING))
    if end > as_of:
        warnings.append(Issue("compta.periode", f"La période finit le {end:%d/%m/%Y}, après le {as_of:%d/%m/%Y} : "
                                                "chiffres provisoires.", "", Severity.WARNING))
    result = compute(store, min(end, as_of), start)
    out = []
    for r in books.vat_figures(result, start, end):
        line, label = form_line(regime, r.rate, end) or ("", f"Taux {percent(r.rate, sep=' ')}")
        out.append(VatLine(r.rate, r.base, r.vat, line, label))
    total = sum((x.vat for x in out), ZERO)
    if not (regime.startswith("CA12") and kind == "année"):
        return VatReturn(start, end, regime, out, total, warnings)
    if previous_tax is None:
        before = compute(store, min(start - dt.timedelta(days=1), as_of), dt.date(start.year - 1, 1, 1))
        previous_tax = sum((r.vat for r in books.vat_figures(before, dt.date(start.year - 1, 1, 1),
                                                                start - dt.timedelta(days=1))), ZERO)
        warnings.append(Issue("compta.acomptes", f"Acomptes de la CA12 calculés sur la TVA collectée en "
                                                 f"{start.year - 1} selon ces écritures ({previous_tax:.2f} €) : la "
                                                 "base légale est la TVA due de l'année précédente, après déduction "
                                                 "de la TVA déductible (hors immobilisations) ; donnez-la avec "
                                                 "--tva-annee-precedente.", "--tva-annee-precedente",
                              Severity.WARNING))
    instalments = ca12_instalments(previous_tax, start.year)
    return VatReturn(start, end, regime, out, total, warnings, previous_tax, instalments,
                     total - sum((i.amount for i in instalments), ZERO))


# --------------------------------------------------------------------------- syc verifier
def check(store: Store, as_of: dt.date, rows: Picked | None = None) -> list[Issue]:
    """The entries against the documents. Each client's account (411) is what his documents still
    owe (« Total TTC » − « Réglé » − « Avoirs » of his invoices and deposit invoices, « Total » −
    « Réglé » of his penalty notes) less his credit (payment rows without a document): a difference
    is a cache that no longer matches its payment rows, or a row erased or typed by hand. And the
    entry of each document of the open fiscal year balances and puts its « Total TTC » on the
    client's account (its lines give the amounts). Reads only the columns it needs (`syc verifier`
    on ten years of documents), or `rows` (`picked`)."""
    start = fiscal_year_of(store.parameters(), as_of)[0]
    issues: list[Issue] = []
    books_side: dict[str, Decimal] = defaultdict(lambda: ZERO)
    docs_side: dict[str, Decimal] = defaultdict(lambda: ZERO)
    stored: dict[str, Decimal] = {}
    recent: dict[str, Any] = {}  # ref → values of the documents of the open fiscal year
    by_number: dict[str, Any] = {}
    v: Any
    invoices = rows.invoices if rows is not None else [(_picked(r.values, _INVOICE_SUMS), r.values)
                                                       for r in store.rows("tFactures")]
    for v, values in invoices:
        number = _text(v["number"])
        if not number or _text(v["status"]) == "Brouillon":
            continue
        by_number[number] = values  # the other columns read for the few documents booked below
        client, ttc, credit_note = _text(v["client"]), _dec(v["total_ttc"]), _text(v["doc_type"]) == "Avoir"
        stored[number] = -ttc if credit_note else ttc
        books_side[client] += stored[number]
        if not credit_note:
            docs_side[client] += ttc - _dec(v["paid"]) - _dec(v["credited"])
        if v["date"] >= start:
            recent[_text(v["ref"])] = values
    for r in store.rows("tNotesPenalites"):
        v = r.values
        if _text(v["number"]):
            books_side[_text(v["client"])] += _dec(v["total"])
            docs_side[_text(v["client"])] += _dec(v["total"]) - _dec(v["paid"])
    payments = rows.payments if rows is not None else [_picked(r.values, _PAYMENT_SUMS)
                                                       for r in store.rows("tReglements")]
    for v in payments:
        client, amount = _text(v["client"]), _dec(v["amount"])
        if _text(v["mode"]) != "Compensation":
            books_side[client] -= amount
        if not _text(v["invoice"]):  # the client's credit
            docs_side[client] -= amount
    for client in sorted(set(books_side) | set(docs_side)):
        if books_side[client] != docs_side[client]:
            issues.append(Issue("compta.client", f"Compte du client {client} (411) : les écritures donnent un solde de "
                                                 f"{books_side[client]:.2f} €, ses pièces ouvertes et son crédit "
                                                 f"{docs_side[client]:.2f} € : une colonne « Réglé » ou « Avoirs » ne "
                                                 "correspond plus aux lignes de « Règlements », ou une ligne a été "
                                                 "effacée ou saisie à la main. Voyez syc compta grand-livre --client "
                                                 f"{client}.", client))
    found: dict[str, list[tuple[Any, books.DocLine]]] = defaultdict(list)
    for ln in store.rows("tLignesFactures"):
        v = transient(ln.values)
        doc = _text(v["doc"])
        if doc in recent:
            found[doc].append((v["pos"] or 0, books.DocLine(sd.to_line(v), _text(v["unit"]))))

    def doc_of(values: Any, with_lines: bool) -> books.Doc:
        v = _picked(values, _INVOICE)
        lines = tuple(x for _, x in sorted(found[_text(v["ref"])], key=lambda x: x[0])) if with_lines else ()
        return books.Doc(number=_text(v["number"]), doc_type=_text(v["doc_type"]), date=v["date"],
                         client=_text(v["client"]), client_name="", lines=lines, nature=_text(v["nature"]),
                         operation=_text(v["operation"]), origin=_text(v["origin"]),
                         credit_cause=_text(v["credit_cause"]), discount_pct=_dec(v["discount_pct"]))

    docs = [doc_of(v, True) for v in recent.values()]
    origins = [doc_of(by_number[d.origin], False) for d in docs if d.origin in by_number]
    options = books.Options(vat_on_debits=_text(store.parameters().get("tva_sur_debits")) == "Oui", chart=chart(store))
    for number, (owed, balanced) in books.document_entries(docs, origins, {}, options).items():
        if not balanced or owed != stored[number]:
            issues.append(Issue("compta.piece", f"Pièce {number} : son écriture met {owed:.2f} € au compte du client "
                                                f"pour un total TTC de {stored[number]:.2f} € "
                                                + ("" if balanced else "et ne s'équilibre pas ")
                                                + ": ses lignes (feuille « Lignes factures ») ne donnent plus son "
                                                  "total.", number))
    return issues


# --------------------------------------------------------------------------- the « Écritures » sheet
def _signature(e: Entry) -> tuple[Any, ...]:
    """What an entry of the sheet must say: its journal, date, piece and each line's account, client
    account and amounts (labels follow the client's name and the chart's wording: not compared)."""
    return (e.journal, e.date, e.ref, tuple((x.account, x.aux_account, x.debit, x.credit) for x in e.lines))


def _show(e: Entry) -> str:
    def cents(x: Decimal) -> str:
        return f"{x:.2f}".replace(".", ",")

    lines = " ; ".join(f"{x.account}{' ' + x.aux_account if x.aux_account else ''} "
                       + (f"D {cents(x.debit)}" if x.debit else f"C {cents(x.credit)}") for x in e.lines)
    return f"{e.journal} {e.date:%d/%m/%Y} {e.ref} ({lines})"


def check_sheet(store: Store, as_of: dt.date, recomputed: Sequence[Entry] | None = None) -> list[Issue]:
    """The « Écritures » sheet against the entries recomputed from every document and payment row
    of the open fiscal year: the first entry that differs, is missing or is extra; a break in the
    numbering of a journal. A hand edit of an amount, an account or a date is found. `recomputed`:
    those entries when `recompute` already gave them (`syc verifier`), else they are computed here."""
    if ledger.TABLE not in {t.name for t in store.schema.tables}:
        return []
    start, end = fiscal_year_of(store.parameters(), as_of)
    until = min(end, as_of)  # an entry dated after the day asked for is not checked (nor recomputed)
    every = ledger.sheet_entries(store.rows(ledger.TABLE))
    sheet = [x for x in every if x[1].date and start <= x[1].date <= until]
    issues: list[Issue] = []
    last: dict[str, int] = {}
    for num, _e, rows in every:
        prefix, _, n = num.rpartition("-")
        if not n.isdigit() or int(n) != last.get(prefix, 0) + 1:
            issues.append(Issue("compta.ecritures", f"{rows[0].where} : l'écriture n° {num} ne suit pas "
                                                    f"la précédente du journal ({prefix}{last.get(prefix, 0):06d}) : "
                                                    "une écriture a été effacée ou saisie à la main. Restaurez une "
                                                    "sauvegarde (syc sauvegardes restaurer).", rows[0].where))
            break
        last[prefix] = int(n)
    expected: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    if recomputed is None:
        recomputed = books.in_period(compute(store, until, start).entries, start, until)
    for e in recomputed:
        expected[(e.journal, e.ref)].append(e)
    for num, e, rows in sheet:
        wanted = expected.get((e.journal, e.ref))
        if not wanted:
            issues.append(Issue("compta.ecritures", f"{rows[0].where} : l'écriture n° {num} « {_show(e)} » "
                                                    "ne correspond à aucune pièce ni à aucun règlement : elle a été "
                                                    "saisie ou modifiée à la main. Restaurez une sauvegarde.",
                                rows[0].where))
            return issues
        first = wanted.pop(0)
        if _signature(first) != _signature(e):
            issues.append(Issue("compta.ecritures", f"{rows[0].where} : l'écriture n° {num} dit "
                                                    f"« {_show(e)} », les pièces donnent « {_show(first)} » : la "
                                                    "feuille a été modifiée à la main, ou une pièce ou un règlement "
                                                    "depuis son écriture. Restaurez une sauvegarde.", rows[0].where))
            return issues
    for (_journal, _ref), left in expected.items():
        if left:
            issues.append(Issue("compta.ecritures", f"Écritures : l'écriture « {_show(left[0])} » manque à la feuille "
                                                    "(effacée à la main, ou ajoutée par une action qui ne l'a pas "
                                                    "écrite). Restaurez une sauvegarde.", "Écritures"))
            return issues
    return issues


# --------------------------------------------------------------------------- closures
def _doc(v: Any, lines: list[books.DocLine]) -> books.Doc:
    return books.Doc(number=_text(v["number"]), doc_type=_text(v["doc_type"]), date=v["date"],
                     client=_text(v["client"]), client_name="", lines=tuple(lines), nature=_text(v["nature"]),
                     operation=_text(v["operation"]), origin=_text(v["origin"]),
                     credit_cause=_text(v["credit_cause"]), discount_pct=_dec(v["discount_pct"]))


def _payment(v: Any) -> books.Payment:
    charges = v["charges"]
    return books.Payment(id=_text(v["id"]), date=v["date"], invoice=_text(v["invoice"]), client=_text(v["client"]),
                         amount=_dec(v["amount"]), mode=_text(v["mode"]), kind=_text(v["kind"]),
                         cancels=_text(v["cancels"]), group=_text(v["group"]),
                         charges=_dec(charges) if charges else None, slip=_text(v["slip"]),
                         bounced=_text(v["bounced"]) == "Oui")


def closure_totals(store: Store, documents: set[str], notes: set[str], payments: set[str], start: dt.date,
                   end: dt.date, losses: Collection[str] = ()) -> dict[dt.date, books.Totals]:
    """Per day from `start` to `end`, the debit and credit totals per journal of the entries of the
    given documents (numbers), penalty notes (numbers) and payment rows (ids) — those the audit
    journal says were issued or recorded on those days. Only the rows these entries depend on are
    read: the documents, their lines, their credit notes, every payment row on them (the VAT still
    waiting for its payment), the other rows of the same payment groups and the payments they
    reverse. A slip's crediting by the bank (512 / 5112, its commission) is left out: the bank
    gives its date, which may fall in a day already closed. The totals per journal do not depend on
    the accounts (nor on the chart): an entry's amounts are the same whatever it names."""
    period = [r.values for r in store.rows_where("tReglements", "id", payments)] if payments else []
    groups = {_text(v["group"]) for v in period} - {""}
    rows = {_text(v["id"]): v for v in period}
    if groups:
        rows.update((_text(r["id"]), r.values) for r in store.rows_where("tReglements", "group", groups))
    cancelled = {_text(v["cancels"]) for v in rows.values()} - {""} - set(rows)
    if cancelled:
        rows.update((_text(r["id"]), r.values) for r in store.rows_where("tReglements", "id", cancelled))
    issued = [r.values for r in store.rows_where("tFactures", "number", documents)] if documents else []
    with_losses = "tCreances" in {t.name for t in store.schema.tables}
    loss_rows = {_text(r["id"]): r for r in store.rows_where("tCreances", "id", set(losses))} if losses else {}
    keys = {_text(r["invoice"]) for r in loss_rows.values()} | {_text(v["invoice"]) for v in rows.values()} | {
        _text(v["origin"]) if _text(v["doc_type"]) == books.CREDIT else _text(v["number"]) for v in issued}
    keys -= {""}
    found: dict[str, Any] = {_text(v["number"]): v for v in issued}
    if keys:
        found.update((_text(r["number"]), r.values) for r in store.rows_where("tFactures", "number", keys))
        found.update((_text(r["number"]), r.values) for r in store.rows_where("tFactures", "origin", keys))
        rows.update((_text(r["id"]), r.values) for r in store.rows_where("tReglements", "invoice", keys))
        if with_losses:
            loss_rows.update((_text(r["id"]), r) for r in store.rows_where("tCreances", "invoice", keys))
    docs = {n: v for n, v in found.items() if n and _text(v["status"]) != "Brouillon" and v["date"] is not None}
    refs = {_text(v["ref"]): n for n, v in docs.items()}
    lines: dict[str, list[tuple[Any, books.DocLine]]] = defaultdict(list)
    if refs:
        for ln in store.rows_where("tLignesFactures", "doc", set(refs)):
            v = ln.values
            lines[refs[_text(v["doc"])]].append((v["pos"] or 0, books.DocLine(sd.to_line(v), _text(v["unit"]))))
    doc_list = [_doc(v, [x for _, x in sorted(lines[n], key=lambda t: t[0])]) for n, v in docs.items()]
    note_list = [books.Note(number=_text(r["number"]), date=r["date"], client=_text(r["client"]), client_name="",
                            interest=_dec(r["interest"]), indemnity=_dec(r["indemnity"]))
                 for r in (store.rows_where("tNotesPenalites", "number", notes) if notes else [])
                 if _text(r["number"]) and r["date"] is not None]
    pay_list = [_payment(v) for v in rows.values() if _text(v["id"]) and v["date"] is not None]
    slips = _slips(store) if any(p.cancels for p in pay_list) else []
    options = books.Options(vat_on_debits=_text(store.parameters().get("tva_sur_debits")) == "Oui")
    return books.daily_totals(doc_list, note_list, pay_list, slips, options, until=end, since=start,
                              losses=_losses(list(loss_rows.values())), leave_out={s.number for s in slips})


def _slips(store: Store) -> list[books.Slip]:
    return [books.Slip(number=_text(r["number"]), date=r["date"], mode=_text(r["mode"]), total=_dec(r["total"]),
                       status=_text(r["status"]), credited_on=r["credited_on"],
                       fee=_dec(r["fee"]) if r["fee"] else None)
            for r in store.rows("tBordereaux") if _text(r["number"])]


def closed_totals(store: Store, start: dt.date, end: dt.date) -> dict[dt.date, books.Totals]:
    """What `closure_totals` gives for each day from `start` to `end`, from every document and
    payment row of the workbook (`syc verifier`)."""
    s = read(store, start)
    # the documents handed over, not kept here: each (with its lines) is freed once summed
    return books.daily_totals(_drain(s.docs), s.notes, s.payments, s.slips, s.options, until=end, since=start,
                              losses=s.losses, leave_out={x.number for x in s.slips})


@dataclass(frozen=True)
class Recomputed:
    """What `syc verifier` recomputes once from every document and payment row: the totals per day
    and journal from the first day closed with its totals (`closed_totals`), and the entries of the
    open fiscal year up to the day asked for (those `check_sheet` compares with the sheet)."""
    totals: dict[dt.date, books.Totals]
    entries: list[Entry]


def recompute(store: Store, as_of: dt.date, closed: tuple[dt.date, dt.date] | None,
              rows: Picked | None = None) -> Recomputed:
    """`closed_totals(store, *closed)` and the entries `check_sheet` expects, in one reading of the
    tables and one pass over the documents instead of two (ten years of them). Without `closed` (no
    closure made with its totals) only the entries; without the « Écritures » sheet only the totals."""
    return recompute_read(store, as_of, closed, rows).compute()


@dataclass
class ToRecompute:
    """`recompute` between reading the tables and booking what was read: the reader can let the
    tables go first (`syc verifier` checks the fingerprints meanwhile, then frees them)."""

    source: Source | None  # None: nothing to recompute
    closed: bool
    sheet: bool
    since: dt.date
    last: dt.date
    start: dt.date
    until: dt.date

    def compute(self) -> Recomputed:
        s, self.source = self.source, None  # (its documents are let go as they are booked)
        if s is None:
            return Recomputed({}, [])
        totals, entries = books.totals_and_entries(_drain(s.docs), s.notes, s.payments, s.slips, s.names, s.options,
                                                   until=self.last, since=self.since, losses=s.losses,
                                                   leave_out={x.number for x in s.slips},
                                                   entries_from=self.start if self.sheet else None)
        return Recomputed(totals if self.closed else {},
                          books.in_period(entries, self.start, self.until) if self.sheet else [])


def recompute_read(store: Store, as_of: dt.date, closed: tuple[dt.date, dt.date] | None,
                   rows: Picked | None = None) -> ToRecompute:
    """The reading part of `recompute`: what `ToRecompute.compute` books."""
    sheet = ledger.TABLE in {t.name for t in store.schema.tables}
    start, end = fiscal_year_of(store.parameters(), as_of)
    until = min(end, as_of)
    if not sheet and closed is None:
        return ToRecompute(None, False, sheet, start, until, start, until)
    since = min(([start] if sheet else []) + ([closed[0]] if closed else []))
    last = max(([until] if sheet else []) + ([closed[1]] if closed else []))
    return ToRecompute(read(store, since, rows), closed is not None, sheet, since, last, start, until)


def _drain(items: list[books.Doc]) -> Iterator[books.Doc]:
    """The items of a list, emptying it as they are taken (ten years of documents are not held twice)."""
    items.reverse()
    while items:
        yield items.pop()
