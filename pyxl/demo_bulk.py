"""Ten years of sales written directly into a workbook: `syc demo --annees 10` (volume tests).

Going through the services would take tens of thousands of writes of a growing file; instead the
rows are computed here, in one pass over the calendar, and the workbook is written once with
`pyxl.excel.builder.build`. The rules are the services' own, taken from the same code where it is pure:
  * amounts by `pricing` (line nets, global discount spread, VAT per rate, deposit parts,
    deductions), VAT rates by `vat.pick` on the default rules at the quote's date (the 2025
    changes apply), due dates by `terms.due_date`, invoice states by `workflow.invoice_state`;
  * one gapless series per year for quotes (D), orders (BC), invoices/deposits/credit notes (F) and
    payments (R), numbered in chronological order; counters in Compteurs to match;
  * at the first action of each day, the closures of the past days as `closures.pending` makes
    them (same rows, same cumulative totals, the journal's hash of that moment); `pending` itself
    re-checks the whole journal at each closure, which over ten years of closures would take hours,
    so the generator computes the rows itself (their totals per journal through
    `books.closure_totals`, over an index of the rows generated) — `check_closures=True` runs
    `pending` instead, and the tests compare the two;
  * the audit journal: every issued document, payment and closure fingerprinted with
    `audit.document_hash` over its values as `FileStore` reads them back (`filestore.canonical`),
    chained in chronological order, exactly as `AuditGuard.extend_journal` does;
  * the legal rules the services enforce: no payment nor deposit within seven days of a contract
    signed at a consumer's home (unless urgent repair), no cash above 1 000 €, credit notes never
    above what is left to credit, no payment above what is left to pay.
The dates are pinned (the period ends on 2026-06-30; the closures up to that day are made at
the first action of 2026-07-01) and the randomness is seeded: the same call makes the same rows.

`replay_with_services` runs the same plan through the real services on a `MemoryStore` (one
action at a time, as `syc` does); a test checks, on one year, that both give the same rows in every
table and the same journal. It is the reference; this fast path exists for volume only (see
benchmarks/bench_house.py for the figures of both).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, cast

from pyxl.core import audit, books, fields, pricing, terms, vat
from pyxl.core import interest as it
from pyxl.core import workflow as wf
from pyxl.core.frformat import date_fr
from pyxl.core.money import parse_decimal, to_cents
from pyxl.workbook import derived
from pyxl.workbook.filestore import FileStore, canonical
from pyxl.workbook.schema import SCHEMA, Kind
from pyxl.workbook.store import ChangeSet

TEXT_KINDS = (Kind.TEXT, Kind.CHOICE, Kind.BOOL, Kind.TIMESTAMP)

PERIOD_END = dt.date(2026, 6, 30)
CLOSING_DAY = PERIOD_END + dt.timedelta(days=1)  # the day whose first action closes the period
QUOTES_PER_YEAR = 2000  # at scale 1: about 1 500 invoice-type documents a year follow
CLIENTS_PER_YEAR = 100
MIN_UNINVOICED = 5  # realised orders left without invoice at the end (for `syc facture creer`)
ZERO = Decimal("0.00")
ONE = Decimal(1)
CASH_LIMIT = Decimal(1000)
DEFAULT_TERMS = "30 jours fin de mois"  # the Paramètres default, used for clients without terms
ISSUE_ACTION = "Émission"  # invoices.ISSUE_ACTION
PAYMENT_ACTION = "Règlement"  # payments.ACTION


def period(years: int) -> tuple[dt.date, dt.date]:
    """First and last day of `years` years of sales ending on PERIOD_END."""
    return dt.date(PERIOD_END.year - years, 7, 1), PERIOD_END


@dataclass
class Stats:
    """What was generated, and how long it took."""

    years: int
    scale: float
    rows: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    documents: dict[str, int] = field(default_factory=dict)
    uninvoiced_orders: list[str] = field(default_factory=list)
    seconds_rows: float = 0.0
    seconds_build: float = 0.0
    seconds_files: float = 0.0
    size: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"annees": self.years, "echelle": self.scale, "lignes_par_table": self.rows,
                "lignes_de_pieces": self.lines, "pieces": self.documents,
                "commandes_realisees_non_facturees": self.uninvoiced_orders,
                "secondes_calcul": round(self.seconds_rows, 1), "secondes_ecriture": round(self.seconds_build, 1),
                "secondes_fichiers_clotures": round(self.seconds_files, 1), "octets": self.size}


def generate(book: Path, years: int = 10, scale: float = 1.0, seed: int = 2026,
             progress: Callable[[str, int, int], None] | None = None) -> Stats:
    """Write the workbook at `book` (replaced if it exists), its closure files and its anchor.
    `progress(label, step, total)`: the sales, the workbook's sheets (`builder.build`), the files."""
    from pyxl.excel import builder
    from pyxl.services import closures
    from pyxl.workbook import keyindex
    from pyxl.workbook.filestore import write_anchor
    from pyxl.workbook.seeds import default_rows

    report = progress or (lambda _label, _step, _total: None)
    total = 1 + (len(SCHEMA.tables) + 2) + 1
    stats = Stats(years, scale)
    t0 = time.perf_counter()
    report(f"calcul de {years} an{'s' if years > 1 else ''} de ventes", 1, total)
    gen = _Generator(years, scale, seed)
    rows = gen.run()
    for name, seeded in default_rows().items():  # rate tables and reminder levels (issue 6)
        if not rows.get(name):
            rows[name] = seeded
    dunning_history(rows, random.Random(seed + 6))
    planning_history(rows, random.Random(seed + 16), PERIOD_END)
    rows["tEcritures"] = entries_sheet(gen, rows)
    stats.seconds_rows = time.perf_counter() - t0
    stats.rows = {t.name: len(rows.get(t.name, ())) for t in SCHEMA.tables}
    stats.lines = stats.rows["tLignesDevis"] + stats.rows["tLignesFactures"]
    stats.documents = {t: sum(1 for r in rows["tFactures"] if r["doc_type"] == t) for t in wf.DOC_TYPES}
    stats.uninvoiced_orders = [str(o["number"]) for o in rows["tCommandes"] if o["status"] == wf.O_DONE]
    t0 = time.perf_counter()
    builder.build(book, SCHEMA, rows, progress=lambda label, step, _n: report(label, 1 + step, total))
    stats.seconds_build = time.perf_counter() - t0
    stats.size = book.stat().st_size
    t0 = time.perf_counter()
    report("fichiers de clôture et ancre du journal", total, total)
    write_anchor(book, gen.tail)
    closures.write_files(book, gen.closures)
    keyindex.build(FileStore(book))  # what writes look up by key, found without searching the sheets
    stats.seconds_files = time.perf_counter() - t0
    return stats


def entries_sheet(gen: _Generator, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The « Écritures » sheet of the open fiscal year (that of PERIOD_END), as the migration fills it
    (`ledger.year_rows`): the books of the rows generated, numbered in their order — where the
    services append each action's entries as it happens (the replay compares the two entry by entry)."""
    from pyxl.workbook import ledger
    from pyxl.workbook.memstore import MemoryStore

    mem = MemoryStore()
    for name in ("tParametres", "tClients", "tArticles", "tPlanComptable", "tFactures", "tLignesFactures",
                 "tReglements", "tBordereaux", "tNotesPenalites", "tCreances"):
        if rows.get(name):
            mem.load(name, [gen.canon(name, r) for r in rows[name]])
    return ledger.year_rows(mem, PERIOD_END)


# --------------------------------------------------------------------------- reference data
FIRST_NAMES = ("Marie", "Jean", "Pierre", "Michel", "Nathalie", "Isabelle", "Philippe", "Catherine", "Alain",
               "Sylvie", "Patrick", "Christine", "Nicolas", "Sandrine", "Laurent", "Valérie", "Stéphane", "Céline",
               "Éric", "Sophie", "Julien", "Aurélie", "François", "Hélène", "Thomas", "Camille", "Olivier", "Anne",
               "Christophe", "Élodie", "Bernard", "Josiane", "Gérard", "Monique", "Yves", "Chloé", "Luc", "Léa")
SURNAMES = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
            "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
            "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFÈVRE", "FAURE",
            "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER", "FRANÇOIS", "LEGRAND",
            "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLÉMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
            "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOËL", "MEYER",
            "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET", "GAILLARD")
STREETS = ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "chemin des Vignes",
           "rue du Général de Gaulle", "place de l'Église", "rue Pasteur", "allée des Tilleuls",
           "boulevard des Belges", "route de Lyon", "impasse des Lilas", "montée de la Grande Côte",
           "rue des Écoles", "avenue de la Gare", "rue du Stade", "chemin de la Croix", "rue Paul Bert",
           "quai Saint-Vincent", "rue Garibaldi", "cours Gambetta", "rue des Acacias", "rue de la Poste")
CITIES = (("69001", "Lyon"), ("69003", "Lyon"), ("69006", "Lyon"), ("69007", "Lyon"), ("69100", "Villeurbanne"),
          ("69200", "Vénissieux"), ("69300", "Caluire-et-Cuire"), ("69500", "Bron"), ("69600", "Oullins"),
          ("69140", "Rillieux-la-Pape"), ("69400", "Villefranche-sur-Saône"), ("69700", "Givors"),
          ("38000", "Grenoble"), ("38200", "Vienne"), ("38300", "Bourgoin-Jallieu"), ("38090", "Villefontaine"),
          ("01000", "Bourg-en-Bresse"), ("01600", "Trévoux"), ("01700", "Miribel"), ("01120", "Montluel"),
          ("42000", "Saint-Étienne"), ("42100", "Saint-Étienne"), ("42400", "Saint-Chamond"), ("42300", "Roanne"),
          ("73000", "Chambéry"), ("26000", "Valence"), ("71000", "Mâcon"))
BUSINESSES = (("Boulangerie", "Commerçant-artisan"), ("Boucherie", "Commerçant-artisan"),
              ("Restaurant", "Commerçant-artisan"), ("Garage", "Commerçant-artisan"),
              ("Salon de coiffure", "Commerçant-artisan"), ("Pharmacie", "Autre"), ("Cabinet médical", "Autre"),
              ("SCI", "Autre"), ("Hôtel", "Commerçant-artisan"), ("Fleuriste", "Commerçant-artisan"),
              ("Cabinet d'avocats", "Autre"), ("Menuiserie", "Commerçant-artisan"), ("Syndic", "Autre"))
BUSINESS_TERMS = ("30 jours fin de mois", "45 jours fin de mois", "30 jours nets", "60 jours nets", "comptant", "")
CONTRACTOR = "Bâtiment"  # building firms that subcontract to SYC: reverse charge
HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
SEASON = {1: 1.35, 2: 1.25, 3: 1.05, 4: 0.9, 5: 0.75, 6: 0.7, 7: 0.55, 8: 0.4, 9: 0.95, 10: 1.3, 11: 1.4, 12: 1.2}
NATURES = (("Entretien", 30), ("Dépannage", 33), ("Remplacement", 24), ("Installation", 13))
ACCEPT = {"Entretien": 0.85, "Dépannage": 0.82, "Remplacement": 0.46, "Installation": 0.42}
REFUSALS = ("Trop cher", "A choisi un concurrent", "Projet reporté à l'an prochain", "Travaux finalement non "
            "nécessaires", "Attend une aide de l'État, reporte", "Vend le logement", "Préfère réparer l'ancien appareil")
CALLS = ("Client absent, message laissé", "Réfléchit encore, rappeler la semaine prochaine",
         "Attend l'accord de son banquier", "Compare avec un autre devis")
DISCOUNT_CALL = "Trouve le devis un peu cher ; accepte le principe avec une remise"
SYMPTOMS = ("plus d'eau chaude", "chaudière en sécurité", "fuite au circulateur", "radiateurs froids",
            "bruit anormal", "pression qui chute", "brûleur qui ne s'allume plus")
PARTIAL_CREDITS = ("Heures de main-d'œuvre facturées en trop", "Pièce non utilisée, reprise",
                   "Geste commercial : retard de chantier")
FULL_CREDIT = "Erreur de facturation : facture annulée, remplacée par une facture rectifiée"
DEPOSIT_CREDIT = "Commande annulée par le client avant travaux : acompte annulé"
CANCELLATIONS = ("Client injoignable, chantier abandonné", "Le client a vendu le logement",
                 "Annulation à la demande du client")


def _execution(nature: str) -> str:
    """The execution period printed on a quote (L111-1 3° C. conso: a consumer quote is not sent without it)."""
    return {"Dépannage": "sous 48 heures", "Entretien": "dans le mois"}.get(nature, "sous 3 semaines")


def _cause(reason: str) -> str:
    """The cause of a credit note of the plan (« Cause de l'avoir »)."""
    return "Geste commercial" if reason.startswith("Geste") else "Erreur"


SLIPS = 1 << 30  # the « job » of the weekly deposit slips: after every job's action of the day
SLIP_MODES = (("Chèque", "cheque"), ("CB", "cb"))  # slips.create's modes: cheques, then card payments
SLIP_WEEKDAY = 4  # Friday: the week's cheques and card payments taken to the bank
BANK_IBAN = "FR7630004000031234567890143"  # the business's account, on its statements
CARD_FEE = Decimal("0.012")  # what the bank keeps of a card batch (within Paramètres' tolerance, 3 %)
SLIP_CREDIT_DAYS = 3  # a slip deposited on Friday is on the statement of Monday
BOUNCED = "Chèque impayé : rejet de la banque (provision insuffisante)"
MISTYPED = "Erreur de saisie : montant mal enregistré"
REFUNDED = "Trop-perçu du chèque remboursé au client"


def _together(rnd: random.Random, job: Any, which: str, share: Decimal, mode: str) -> bool:
    """A business client paying this invoice and another one still owed with one transfer that
    names both (issue 14: one payment, several documents). Both paths draw the same numbers."""
    if which != "invoice" or share != ONE or mode != "Virement" or job.private:
        return False
    return rnd.random() < 0.25


def _partner(invoices: Iterable[Any], doc: Any, day: dt.date) -> Any | None:
    """The client's oldest other invoice still owing on `day` (the one a transfer would name too)."""
    others = [d for d in invoices if d["client"] == doc["client"] and d["number"] and d["number"] != doc["number"]
              and d["doc_type"] == "Facture" and d["date"] is not None and d["date"] <= day
              and d["total_ttc"] - d["paid"] - d["credited"] > 0]
    return min(others, key=lambda d: (d["due_date"], str(d["number"])), default=None)


def _overpaid(rnd: random.Random, which: str, share: Decimal, mode: str) -> tuple[Decimal, int]:
    """A private client's cheque a few euros too much (issue 14): (the excess, days until its refund).
    Both paths draw the same numbers in the same order."""
    x = rnd.random()
    if which == "invoice" and share == ONE and mode == "Chèque" and x < 0.05:
        return Decimal(rnd.randint(1, 30)), rnd.randint(7, 20)
    return ZERO, 0


def _luhn(digits: str) -> str:
    from stdnum import luhn

    return str(luhn.calc_check_digit(digits))


def _siret(n: int) -> tuple[str, str]:
    """A valid SIRET (and its French VAT number) made from a number."""
    base = f"{(40_000_000 + n * 7919) % 100_000_000:08d}"
    siren = base + _luhn(base)
    body = siren + "0001"[: 4 - len(str(n % 9 + 1))] + str(n % 9 + 1)
    siret = body + _luhn(body)
    return siret, f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


# --------------------------------------------------------------------------- the job model
@dataclass
class _Job:
    idx: int
    day: dt.date
    client: dict[str, Any]
    nature: str
    housing: str
    away: bool
    reverse: bool
    specs: list[tuple[str, Decimal, Decimal, Decimal]]  # article, qty, unit price, line discount %
    discount: Decimal
    obj: str
    client_ref: str = ""
    quote: dict[str, Any] | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    order: dict[str, Any] | None = None
    deposits: list[dict[str, Any]] = field(default_factory=list)
    invoice: dict[str, Any] | None = None
    urgent: bool = False
    payments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def private(self) -> bool:
        return bool(self.client["kind"] == "Particulier")


# An event: (day, job index, step, kind, arguments)
_Event = tuple[dt.date, int, int, str, tuple[Any, ...]]


class _Row(dict[str, Any]):
    """A generated row as `pyxl.services.books` reads a store's rows (`row.values`)."""

    @property
    def values(self) -> dict[str, Any]:  # type: ignore[override]
        return self


class _BooksIndex:
    """The rows the entries of a closed period depend on (`books.closure_totals`), indexed as they
    are generated: documents by number and origin, lines by document, payments by id, group and
    invoice."""

    KEYS: ClassVar[dict[str, tuple[str, ...]]] = {
        "tFactures": ("number", "origin"), "tLignesFactures": ("doc",), "tReglements": ("id", "group", "invoice"),
        "tCreances": ("id", "invoice")}  # the generator writes no doubtful debt

    schema = SCHEMA

    def __init__(self, params: dict[str, str]) -> None:
        self.params = params
        self.index: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {
            (t, k): {} for t, keys in self.KEYS.items() for k in keys}

    def add(self, table: str, row: dict[str, Any]) -> None:
        for k in self.KEYS[table]:
            self.index[(table, k)].setdefault(str(row.get(k) or ""), []).append(row)

    def rows_where(self, name: str, key: str, values: set[str]) -> list[_Row]:
        found = self.index[(name, key)]
        return [_Row(r) for v in values for r in found.get(v, ())]

    def rows(self, name: str) -> list[Any]:
        assert name in ("tBordereaux", "tNotesPenalites"), name  # the generator makes neither
        return []

    def parameters(self) -> dict[str, str]:
        return self.params


class _ClosureView:
    """What `closures.pending` reads of a store (check_closures=True): the closures of the current
    year, the documents and payments not yet closed, the whole journal; the rows the entries of the
    period depend on from the generator's index."""

    schema = SCHEMA
    path = Path("SYC_Gestion.xlsm")  # names the closures' text files, whose SHA-256 a base records

    def __init__(self, books_index: _BooksIndex) -> None:
        self.books = books_index
        self.closures: list[dict[str, Any]] = []
        self.docs: list[dict[str, Any]] = []
        self.pays: list[dict[str, Any]] = []
        self.entries: list[audit.Entry] = []

    def rows(self, name: str) -> list[dict[str, Any]]:
        if name in ("tBordereaux", "tNotesPenalites"):
            return self.books.rows(name)
        return {"tClotures": self.closures, "tFactures": self.docs, "tReglements": self.pays}[name]

    def rows_where(self, name: str, key: str, values: set[str]) -> list[Any]:
        if (name, key) in self.books.index:
            return self.books.rows_where(name, key, values)
        return [r for r in self.rows(name) if str(r.get(key) or "") in values]

    def parameters(self) -> dict[str, str]:
        return self.books.parameters()

    def journal(self) -> list[audit.Entry]:
        return self.entries

    def journal_tail(self, n: int = 1) -> list[audit.Entry]:
        return self.entries[-n:]

    def tail(self, name: str, n: int = 1) -> list[dict[str, Any]]:
        return self.rows(name)[-n:]

    def recent_journal(self) -> list[audit.Entry]:
        from pyxl.workbook.filestore import JOURNAL_CHECKED

        return self.entries[-JOURNAL_CHECKED:]

    def check_issued(self, name: str, rows: Any, journal: Any, consequence: str) -> None:
        """Nothing to check: the generator writes each document and its fingerprint together."""

    def closed_until(self, day: dt.date) -> None:
        self.docs = [r for r in self.docs if r["date"] > day]
        self.pays = [r for r in self.pays if r["date"] > day]
        self.closures = [r for r in self.closures if r["end"].year >= day.year]


@dataclass
class _Sums:
    """closures._Period: a day's (month's, year's) sales and receipts."""

    sales_ht: Decimal = ZERO
    sales_vat: Decimal = ZERO
    sales_ttc: Decimal = ZERO
    receipts: Decimal = ZERO
    documents: int = 0
    payments: int = 0
    first_doc: str | None = None
    last_doc: str | None = None
    journals: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # closures: totals per journal
    numbers: set[str] = field(default_factory=set)  # a day's documents and payment rows (its entries)
    payment_ids: set[str] = field(default_factory=set)

    def doc(self, number: str) -> None:
        self.first_doc = number if self.first_doc is None else min(self.first_doc, number)
        self.last_doc = number if self.last_doc is None else max(self.last_doc, number)

    def add(self, day: _Sums) -> None:
        self.sales_ht += day.sales_ht
        self.sales_vat += day.sales_vat
        self.sales_ttc += day.sales_ttc
        self.receipts += day.receipts
        self.documents += day.documents
        self.payments += day.payments
        self.journals = books.add_totals(self.journals, day.journals)
        for number in (day.first_doc, day.last_doc):
            if number:
                self.doc(number)


class _Generator:
    def __init__(self, years: int, scale: float, seed: int, check_closures: bool = False):
        from pyxl import demo
        from pyxl.services import articles, parameters

        self.rnd = random.Random(seed)
        self.start, self.end = period(years)
        self.years, self.scale = years, scale
        self.rules = vat.default_rules()
        self.tables = {t.name: t for t in SCHEMA.tables}
        self.out: dict[str, list[dict[str, Any]]] = {t.name: [] for t in SCHEMA.tables}
        self.counters: dict[tuple[str, int | None], int] = {}
        self.check_closures = check_closures
        self.books = _BooksIndex({})
        self.view = _ClosureView(self.books)
        self.activity: dict[dt.date, _Sums] = {}  # days not closed yet
        self.last_closed: dt.date | None = None
        self.cumul_sales = self.cumul_receipts = ZERO
        self.month, self.year = _Sums(), _Sums()
        self.tail: audit.Entry | None = None
        self.closures: list[dict[str, Any]] = []
        self.clock = dt.datetime.combine(self.start, dt.time(8, 0))
        self.docs_by_number: dict[str, dict[str, Any]] = {}
        self.events: list[_Event] = []
        self.extra_steps = 0
        self.lines_by_ref: dict[str, list[dict[str, Any]]] = {}
        # payments not yet on a deposit slip, by mode, grouped as slips.pending groups them
        self.to_deposit: dict[str, dict[str, list[dict[str, Any]]]] = {m: {} for m, _ in SLIP_MODES}
        # the last year comes with its bank statements (issue 14): each transfer arrives as a line
        # imported and reconciled the day it is booked, each refund by transfer leaves as one, each
        # slip and card batch is credited. The slips of the years before have their credit line too
        # (see `credit_later`)
        self.bank_from = max(self.start, PERIOD_END.replace(year=PERIOD_END.year - 1) + dt.timedelta(days=1))
        self.bank_seq = 0
        self.slips: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}  # number → (slip, its payments)
        # the company and its catalogue, as the services would have written them
        params = {p.code: p for p in SCHEMA.parameters}
        self.out["tParametres"] = [{"code": p.code, "label": p.label, "value": p.default, "help": p.help}
                                   for p in SCHEMA.parameters]
        for row in self.out["tParametres"]:
            if row["code"] in demo.COMPANY:
                row["value"] = parameters.check_value(params[row["code"]], demo.COMPANY[row["code"]])
        from pyxl.workbook.seeds import default_rows

        self.out["tReglesTVA"] = default_rows()["tReglesTVA"]
        self.sectors = [(p, n) for p, n, _ in demo.SECTORS + demo.MORE_SECTORS]
        self.out["tSecteurs"] = [{"prefix": p, "sector": n, "notes": x or None}
                                 for p, n, x in demo.SECTORS + demo.MORE_SECTORS]
        self.articles: dict[str, dict[str, Any]] = {}
        for a in demo.ARTICLES + demo.MORE_ARTICLES:
            row = {
                "code": a["code"], "designation": a["designation"],
                "unit": fields.choice(a["unit"], ("u", "h", "forfait", "m", "ml"), label="unité"),
                "unit_price": to_cents(parse_decimal(a["unit_price"])),
                "vat_rate": fields.vat_rate(a["vat_rate"]),
                "purchase_price": to_cents(parse_decimal(a["purchase_price"])) if a.get("purchase_price") else None,
                "family": fields.choice(a.get("family"), ("Matériel", "Main-d'œuvre", "Déplacement", "Service"),
                                        label="famille", aliases=articles.FAMILY_ALIASES),
                "category": fields.choice(a.get("category"), (*vat.EQUIPMENT, "Pièce", "Autre"),
                                          label="catégorie", aliases=articles.CATEGORY_ALIASES) or None,
                "active": "Oui",
            }
            self.articles[row["code"]] = row
            self.out["tArticles"].append(row)

    # ---------------------------------------------------------------- helpers
    def next(self, series: str, year: int | None) -> int:
        n = self.counters.get((series, year), 0) + 1
        self.counters[(series, year)] = n
        return n

    def tick(self, day: dt.date) -> str:
        """The journal's timestamp of the next action of `day` (pinned clock, seconds apart)."""
        if self.clock.date() != day:
            self.clock = dt.datetime.combine(day, dt.time(8, 0))
        elif self.clock.hour < 19:
            self.clock += dt.timedelta(seconds=self.rnd.randint(20, 300))
        else:
            self.clock += dt.timedelta(seconds=1)
        return self.clock.isoformat()

    def canon(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """Every column, each value as FileStore will read it back (`filestore.canonical`; a text
        is read back as it is written, an empty cell as None)."""
        out: dict[str, Any] = {}
        for d in derived.DERIVED:  # « Reste dû »: as the store sets it on every write
            if d.table == table and d.column in self.tables[table].keys:
                values = {**values, d.column: d.rule(values)}
        for c in self.tables[table].columns:
            v = values.get(c.key)
            if v is None or v == "":
                out[c.key] = None
            elif type(v) is str and c.kind in TEXT_KINDS:
                out[c.key] = v
            else:
                out[c.key] = canonical(c, v)
        return out

    def chain(self, table: str, ref: str, action: str, row: dict[str, Any], stamp: str) -> None:
        """Fingerprint an issued row into the journal (AuditGuard.extend_journal)."""
        t = self.tables[table]
        spec = t.audit
        assert spec is not None
        lines: list[dict[str, Any]] = []
        if spec.lines_table:
            lines = self.lines_by_ref.get(str(row.get(spec.parent) or ""), [])
        h = audit.document_hash(table, ref, row, spec.immutable, lines, spec.lines_immutable)
        day = row.get(spec.date_column) if spec.date_column else None
        assert isinstance(day, dt.date)
        self.tail = audit.next_entry(self.tail, stamp, day, action, table, ref, h, spec.version)
        e = self.tail
        self.out["tJournalAudit"].append({"seq": e.seq, "timestamp": e.timestamp, "as_of": e.as_of,
                                          "action": e.action, "table": e.table, "ref": e.ref,
                                          "doc_hash": e.doc_hash, "prev_hash": e.prev_hash, "hash": e.hash,
                                          "spec": e.spec})
        if self.check_closures:
            self.view.entries.append(e)

    def close_before(self, day: dt.date, stamp: str) -> None:
        """The closures `syc` makes at the first action of `day`, chained into the journal."""
        from pyxl.services import closures
        from pyxl.workbook.filestore import ChangeSet

        if self.check_closures:
            made = closures.pending(cast(FileStore, self.view), ChangeSet(), day, dt.datetime.fromisoformat(stamp))
        else:
            made = self.pending(day, stamp)
        for r in made:
            row = self.canon("tClotures", r)
            self.out["tClotures"].append(row)
            self.closures.append(row)
            self.view.closures.append(row)
            self.chain("tClotures", row["ref"], closures.ACTIONS[row["kind"]], row, stamp)
        if made:
            self.view.closed_until(day - dt.timedelta(days=1))

    def pending(self, as_of: dt.date, stamp: str) -> list[dict[str, Any]]:
        """closures.pending over the generator's running totals (same rows, in the same order)."""
        from pyxl.services.closures import DAY, MONTH, YEAR, ref_of

        end = as_of - dt.timedelta(days=1)
        last = self.last_closed
        if last is not None and last >= end:
            return []
        if last is None:
            active = [d for d in self.activity if d <= end]
            if not active:
                return []
            start = min(active)
        else:
            start = last + dt.timedelta(days=1)
        journal_hash = self.tail.hash if self.tail else ""
        new: list[dict[str, Any]] = []

        def row(kind: str, a: dt.date, b: dt.date, p: _Sums) -> dict[str, Any]:
            return {"ref": ref_of(kind, a), "kind": kind, "start": a, "end": b, "sales_ht": p.sales_ht,
                    "sales_vat": p.sales_vat, "sales_ttc": p.sales_ttc, "receipts": p.receipts,
                    "documents": p.documents, "payments": p.payments, "cumul_sales_ttc": self.cumul_sales,
                    "cumul_receipts": self.cumul_receipts, "first_doc": p.first_doc, "last_doc": p.last_doc,
                    "journal_hash": journal_hash, "made_at": stamp, "journals": books.format_totals(p.journals)}

        from pyxl.services import books as books_service

        days = [p for d, p in self.activity.items() if start <= d <= end]
        numbers = {n for p in days for n in p.numbers}
        ids = {n for p in days for n in p.payment_ids}
        if numbers or ids:
            for d, totals in books_service.closure_totals(cast(FileStore, self.books), numbers, set(), ids, start,
                                                          end).items():
                self.activity[d].journals = totals
        d = start
        while d <= end:
            p = self.activity.pop(d, None) or _Sums()
            self.cumul_sales += p.sales_ttc
            self.cumul_receipts += p.receipts
            new.append(row(DAY, d, d, p))
            self.month.add(p)
            self.year.add(p)
            tomorrow = d + dt.timedelta(days=1)
            if tomorrow.month != d.month:
                new.append(row(MONTH, d.replace(day=1), d, self.month))
                self.month = _Sums()
            if tomorrow.year != d.year:
                new.append(row(YEAR, d.replace(month=1, day=1), d, self.year))
                self.year = _Sums()
            d = tomorrow
        self.last_closed = end
        return new

    def day_sums(self, day: dt.date) -> _Sums:
        return self.activity.setdefault(day, _Sums())

    # ---------------------------------------------------------------- clients
    def make_clients(self) -> list[dict[str, Any]]:
        from pyxl import demo
        from pyxl.services.common import best_sector

        rnd = self.rnd
        n = max(30, round(CLIENTS_PER_YEAR * self.scale * self.years))
        span = (self.end - self.start).days - 30
        out: list[dict[str, Any]] = []
        c: dict[str, Any]
        for i in range(1, n + 1):
            if i <= len(demo.CLIENTS) + len(demo.MORE_CLIENTS):
                spec = (demo.CLIENTS + demo.MORE_CLIENTS)[i - 1]
                kind = "Professionnel" if spec["kind"] == "professionnel" else "Particulier"
                c = {"name": spec["name"], "first_name": spec.get("first_name"), "address": spec["address"],
                     "postcode": spec["postcode"], "city": spec["city"], "phone": fields.phone(spec.get("phone")),
                     "email": spec.get("email"), "siret": spec.get("siret"), "vat_number": spec.get("vat_number"),
                     "category": fields.choice(spec.get("category"), ("Commerçant-artisan", "Autre"), label="c",
                                               aliases={"commercant-artisan": "Commerçant-artisan"}) or None,
                     "terms": spec.get("terms"), "notes": spec.get("notes")}
                if "Bâtiment" in spec["name"]:
                    c["contractor"] = True
            else:
                pro = rnd.random() < 0.2
                kind = "Professionnel" if pro else "Particulier"
                postcode, city = rnd.choice(CITIES)
                surname = rnd.choice(SURNAMES)
                first = rnd.choice(FIRST_NAMES)
                c = {"address": f"{rnd.randint(1, 180)} {rnd.choice(STREETS)}", "postcode": postcode, "city": city}
                if pro:
                    contractor = rnd.random() < 0.08
                    # an SAS is commercial by its form (L210-1 C. com.)
                    business, category = (CONTRACTOR, "Commerçant-artisan") if contractor else rnd.choice(BUSINESSES)
                    siret, tva = _siret(i)
                    c.update(name=f"{business} {surname.capitalize()}" + (" SAS" if contractor else ""),
                             siret=siret, vat_number=tva, category=category,
                             terms=rnd.choice(BUSINESS_TERMS) or None, contractor=contractor,
                             phone=f"04 {rnd.randint(70, 79)} {rnd.randint(10, 99)} {rnd.randint(10, 99)} "
                                   f"{rnd.randint(10, 99)}",
                             email=f"contact{i}@{_ascii(business.split()[0])}.example")
                else:
                    c.update(name=surname, first_name=first,
                             phone=f"0{rnd.choice('67')} {rnd.randint(10, 99)} {rnd.randint(10, 99)} "
                                   f"{rnd.randint(10, 99)} {rnd.randint(10, 99)}",
                             email=(f"{_ascii(first)}.{_ascii(surname)}{i}@example.fr"
                                    if rnd.random() < 0.7 else None),
                             terms="comptant" if rnd.random() < 0.1 else None)
            created = self.start if i <= n * 0.35 else self.start + dt.timedelta(days=round(span * (i / n) ** 1.1))
            c.update(code=f"C{i:05d}", kind=kind, country="France", created=created, active="Oui",
                     sector=best_sector(self.sectors, str(c["postcode"])) or None)
            out.append(c)
        self.counters[("Client", None)] = n
        self.out["tClients"] = [{k: v for k, v in c.items() if k != "contractor"} for c in out]
        return out

    # ---------------------------------------------------------------- planning the jobs
    def job_days(self, count: int) -> list[dt.date]:
        days, weights = [], []
        d, total = self.start, (self.end - self.start).days
        while d <= self.end:
            w = 0.0 if d.weekday() == 6 or (d.month, d.day) in HOLIDAYS else (0.12 if d.weekday() == 5 else 1.0)
            days.append(d)
            weights.append(w * SEASON[d.month] * (0.85 + 0.3 * (d - self.start).days / total))
            d += dt.timedelta(days=1)
        return sorted(self.rnd.choices(days, weights, k=count))

    def price(self, code: str, day: dt.date) -> tuple[Decimal, Decimal | None]:
        """The article's price at the time (catalogue of 2026, 2.5 % a year of inflation before)."""
        a = self.articles[code]
        f = Decimal(str(round(1.025 ** ((day - dt.date(2026, 1, 1)).days / 365.25), 4)))
        return to_cents(a["unit_price"] * f), (to_cents(a["purchase_price"] * f) if a["purchase_price"] else None)

    def plan_lines(self, nature: str, pro: bool, day: dt.date) -> tuple[list[tuple[str, Decimal, Decimal]], str]:
        rnd = self.rnd
        out: list[tuple[str, Decimal, Decimal]] = []

        def add(code: str, qty: float | int = 1, disc: float = 0) -> None:
            out.append((code, Decimal(str(qty)), Decimal(str(disc))))

        if nature == "Entretien":
            code = rnd.choices(("ENT-CHG", "ENT-THPE", "ENT-PAC"), (5, 3, 2))[0]
            add(code, rnd.choice((1, 1, 1, 2, 3, 4)) if pro else 1)
            if rnd.random() < 0.35:
                add(rnd.choice(("JOINTS", "VASE-8", "ROB-THERMO")))
            if rnd.random() < 0.1:
                add("DEP-Z2")
            what = {"ENT-CHG": "de la chaudière gaz", "ENT-THPE": "de la chaudière à condensation",
                    "ENT-PAC": "de la pompe à chaleur"}[code]
            return out, f"Entretien annuel {what}"
        if nature == "Dépannage":
            k = rnd.choices((0, 1, 2), (15, 70, 15))[0]
            for code in rnd.sample(("VASE-8", "CIRC-HE", "ROB-THERMO", "ELEC-ALLUM", "CARTE-CHG", "JOINTS"), k):
                add(code, 1 if code != "ROB-THERMO" else rnd.randint(1, 4))
            add("MO-URG" if rnd.random() < 0.15 else "MO-H", rnd.choice((1, 1, 1.5, 2, 2.5, 3)))
            if rnd.random() < 0.8:
                add(rnd.choices(("DEP", "DEP-Z2"), (4, 1))[0])
            return out, f"Dépannage : {rnd.choice(SYMPTOMS)}"
        big_disc = rnd.choice((3, 5, 8, 10)) if rnd.random() < 0.12 else 0
        if nature == "Remplacement":
            code = rnd.choices(("CHG-25", "CHF-FRISQ25", "CHF-FIOUL24", "CHB-GRAN20"), (50, 28, 14, 8))[0]
            add(code, 1, big_disc)
            if rnd.random() < 0.75:
                add("DEPOSE")
            add("MO-H", rnd.randint(6, 14))
            extras = [c for c, p in (("KIT-RACC", 0.55), ("MES", 0.45), ("REG-THERM", 0.2), ("DEP", 0.3))
                      if rnd.random() < p]
            for c in extras:
                add(c)
            if rnd.random() < 0.1:
                add(rnd.choice(("RAD-ACI", "RAD-ACI-15")), rnd.randint(1, 3))
            what = {"CHG-25": "par une chaudière gaz à condensation", "CHF-FRISQ25": "par une chaudière Frisquet",
                    "CHF-FIOUL24": "fioul", "CHB-GRAN20": "par une chaudière à granulés"}[code]
            return out, f"Remplacement de la chaudière {what}"
        code = rnd.choices(("PAC-8", "PAC-11", "BAL-THERMO", "CHF-FRISQ25", "CHB-GRAN20"), (35, 25, 20, 10, 10))[0]
        add(code, 1, big_disc)
        if rnd.random() < 0.45:
            add(rnd.choice(("REG-SONDE", "REG-THERM")))
        if rnd.random() < 0.35:
            add(rnd.choice(("RAD-ACI", "RAD-ACI-15")), rnd.randint(2, 8))
        add("MO-H", rnd.randint(8, 24))
        if rnd.random() < 0.5:
            add("MES")
        if rnd.random() < 0.2:
            add("DEP-Z2")
        return out, f"Installation : {self.articles[code]['designation'].lower()}"

    def plan(self, clients: list[dict[str, Any]]) -> tuple[list[_Job], list[_Event]]:
        rnd = self.rnd
        originals = round(QUOTES_PER_YEAR * self.scale * self.years / 1.055)
        created = [c["created"] for c in clients]
        contractors = [c for c in clients if c.get("contractor")]
        jobs: list[_Job] = []
        events: list[_Event] = []
        natures = [n for n, _ in NATURES]
        weights = [w for _, w in NATURES]
        for idx, day in enumerate(self.job_days(originals)):
            eligible = bisect.bisect_right(created, day)
            client = clients[rnd.randrange(eligible)]
            nature = rnd.choices(natures, weights)[0]
            pro = client["kind"] == "Professionnel"
            reverse = False
            if contractors and rnd.random() < 0.03:
                cands = [c for c in contractors if c["created"] <= day]
                if cands:
                    client, pro, reverse = rnd.choice(cands), True, True
                    nature = rnd.choice(("Installation", "Remplacement"))
            if client.get("contractor") and not reverse:
                reverse = True
                nature = rnd.choice(("Installation", "Remplacement"))
            specs, obj = self.plan_lines(nature, pro, day)
            priced = []
            for code, qty, disc in specs:
                unit_price, _ = self.price(code, day)
                priced.append((code, qty, unit_price, disc))
            housing = ("Oui" if rnd.random() < 0.1 else "Non") if pro else ("Oui" if rnd.random() < 0.85 else "Non")
            away = not pro and rnd.random() < {"Dépannage": 0.6, "Entretien": 0.4}.get(nature, 0.35)
            discount = Decimal(rnd.choice((2, 3, 5))) if nature in ("Remplacement", "Installation") and \
                rnd.random() < 0.15 else Decimal(0)
            job = _Job(idx, day, client, nature, housing, away, reverse, priced, discount, obj,
                       client_ref=(f"Commande {rnd.randint(1000, 99999)}" if pro and rnd.random() < 0.3 else ""))
            jobs.append(job)
            events += self.plan_job(job)
        self.force_uninvoiced(jobs, events)
        events += self.slip_days()
        return jobs, events

    def slip_days(self) -> list[_Event]:
        """Every Friday, the cheques then the card payments received and not yet deposited go to the
        bank on a numbered slip (`syc bordereau creer`, then `--mode cb`), after the day's other actions."""
        first = self.start + dt.timedelta(days=(SLIP_WEEKDAY - self.start.weekday()) % 7)
        days = [first + dt.timedelta(weeks=k) for k in range((self.end - first).days // 7 + 1)]
        return [(d, SLIPS, k, "slip", (mode,)) for d in days for k, (mode, _) in enumerate(SLIP_MODES)]

    def plan_job(self, job: _Job) -> list[_Event]:
        """The job's actions, with their days; those after the period are left out (not done yet)."""
        rnd = self.rnd
        big = job.nature in ("Remplacement", "Installation")
        steps: list[tuple[dt.date, str, tuple[Any, ...]]] = []
        day = job.day

        def at(d: dt.date, kind: str, *args: Any) -> dt.date:
            nonlocal day
            day = max(day, d)
            steps.append((day, kind, args))
            return day

        def later(days: int) -> dt.date:
            d = day + dt.timedelta(days=days)
            return d + dt.timedelta(days=1) if d.weekday() == 6 else d

        at(day, "quote")
        if rnd.random() < 0.015:
            return self._events(job, steps)  # a draft never sent
        at(later(rnd.randint(0, 2) if big else 0), "send")
        sent = day
        valid_until = job.day + dt.timedelta(days=30)
        p = ACCEPT[job.nature]
        answer = rnd.random()
        if big and rnd.random() < 0.35:  # no answer within a week: the follow-up call
            if rnd.random() < 0.4:  # with a discount: a revised quote, sent at once
                at(sent + dt.timedelta(days=7), "follow_up", Decimal(rnd.choice((10, 10, 12, 15))))
                at(day, "send")
                valid_until = day + dt.timedelta(days=30)
                p = 0.62
            else:
                at(sent + dt.timedelta(days=7), "follow_up", None)
        if answer >= p:
            if rnd.random() < 0.6:
                at(later(rnd.randint(1, 40)), "refuse", rnd.choice(REFUSALS))
            return self._events(job, steps)  # refused, or never answered (expires)
        urgent = job.nature == "Dépannage" and job.away and rnd.random() < 0.5
        reply = 0 if not big else rnd.randint(1, 20)
        accepted = at(min(later(reply), valid_until), "accept", urgent)
        at(later(rnd.choice((0, 0, 0, 1, 2))), "order")
        cooling = job.away and job.private and not urgent
        first_pay = accepted + dt.timedelta(days=8) if cooling else accepted
        deposit = big and rnd.random() < 0.65
        if rnd.random() < 0.015:  # the order is cancelled before the works
            if deposit:
                at(max(later(rnd.randint(0, 5)), first_pay), "deposit", Decimal(30))
                at(later(rnd.randint(2, 15)), "credit_deposit")
            at(later(rnd.randint(2, 20)), "cancel", rnd.choice(CANCELLATIONS))
            return self._events(job, steps)
        if deposit:
            pct = Decimal(rnd.choices((30, 40, 50), (70, 20, 10))[0])
            at(max(later(rnd.randint(0, 5)), first_pay), "deposit", pct)
            if rnd.random() < 0.97:
                self._pay_steps(at, later, rnd, first_pay, "deposit", on_spot=False)
        works = {"Dépannage": (0, 3), "Entretien": (3, 45), "Remplacement": (7, 40), "Installation": (14, 60)}
        lo, hi = works[job.nature]
        at(later(0 if urgent else rnd.randint(lo, hi)), "done")
        at(later(0 if rnd.random() < 0.7 else rnd.randint(1, 5)), "invoice")
        credit = rnd.random()
        if credit < 0.006:  # a wrong invoice: cancelled by a credit note, replaced by a corrected one
            at(later(rnd.randint(5, 40)), "credit_full")
            at(later(rnd.randint(0, 10)), "invoice")
        elif credit < 0.06:
            at(later(rnd.randint(1, 20)), "credit_partial", rnd.choice(PARTIAL_CREDITS))
        on_spot = not big and job.private and rnd.random() < 0.5
        self._pay_steps(at, later, rnd, first_pay, "invoice", on_spot=on_spot)
        return self._events(job, steps)

    @staticmethod
    def _pay_steps(at: Any, later: Any, rnd: random.Random, first_pay: dt.date, doc: str, *, on_spot: bool) -> None:
        """How a deposit or an invoice gets paid: at once, in two goes, late, partly, never."""
        r = rnd.random()
        if doc == "deposit":
            mode = rnd.choices(("Chèque", "Virement", "CB"), (45, 40, 15))[0]
            at(max(later(rnd.randint(0, 10)), first_pay), "pay", doc, ONE, mode)
            return
        if on_spot:
            mode = rnd.choices(("CB", "Chèque", "Espèces"), (45, 30, 25))[0]
            at(max(later(0), first_pay), "pay", doc, ONE, mode)
            return
        mode = rnd.choices(("Virement", "Chèque", "CB"), (55, 40, 5))[0]
        if r < 0.015:
            return  # never paid
        if r < 0.03:  # partly paid, then nothing
            at(max(later(rnd.randint(5, 40)), first_pay), "pay", doc, Decimal("0.4"), mode)
            return
        if r < 0.15:  # two payments
            at(max(later(rnd.randint(3, 30)), first_pay), "pay", doc, Decimal(rnd.choice(("0.3", "0.5", "0.6"))), mode)
            at(later(rnd.randint(10, 45)), "pay", doc, ONE, mode)
            return
        delay = rnd.randint(60, 150) if r < 0.22 else rnd.randint(1, 40)
        at(max(later(delay), first_pay), "pay", doc, ONE, mode)

    def _events(self, job: _Job, steps: list[tuple[dt.date, str, tuple[Any, ...]]]) -> list[_Event]:
        return [(d, job.idx, i, kind, args) for i, (d, kind, args) in enumerate(steps) if d <= self.end]

    def force_uninvoiced(self, jobs: list[_Job], events: list[_Event]) -> None:
        """Leave the last few realised orders without their invoice (nor its payments), so that a
        normal `syc facture creer` has something to invoice after the period."""
        done: dict[int, dt.date] = {}
        cut: dict[int, int] = {}
        for d, idx, step, kind, _ in events:
            if kind == "done":
                done[idx] = d
            elif kind == "invoice":
                cut[idx] = step
        last = sorted(done, key=lambda i: (done[i], i), reverse=True)
        chosen = {i for i in last if done[i] > self.end - dt.timedelta(days=5)}
        chosen |= set(last[:MIN_UNINVOICED])
        events[:] = [e for e in events if not (e[1] in chosen and e[2] >= cut.get(e[1], 1 << 30))]

    # ---------------------------------------------------------------- running the events
    def run(self) -> dict[str, list[dict[str, Any]]]:
        clients = self.make_clients()
        jobs, events = self.plan(clients)
        heapq.heapify(events)  # (day, job, step) is unique: the arguments are never compared
        self.events = events
        day: dt.date | None = None
        while events:
            d, idx, _step, kind, args = heapq.heappop(events)
            stamp = self.tick(d)
            if d != day:
                day = d
                self.close_before(d, stamp)
            getattr(self, f"do_{kind}")(jobs[idx] if idx < len(jobs) else None, d, stamp, *args)
        self.close_before(CLOSING_DAY, dt.datetime.combine(CLOSING_DAY, dt.time(7, 30)).isoformat())
        self.out["tCompteurs"] = [{"series": s, "year": y, "last": n} for (s, y), n in self.counters.items()]
        return self.out

    # quotes ------------------------------------------------------------------------------------
    def do_quote(self, job: _Job, day: dt.date, stamp: str) -> None:
        self.new_quote(job, day, self.priced(job, day), job.discount, {})

    def priced(self, job: _Job, day: dt.date) -> list[dict[str, Any]]:
        """quotes.price_lines: each line's rate from the job's rules on `day`."""
        nets = [pricing.line_net(q, p, d) for _, q, p, d in job.specs]
        main = vat.job_category([(str(self.articles[c]["category"] or ""), n)
                                 for (c, *_), n in zip(job.specs, nets, strict=True)])
        lines = []
        for i, ((code, qty, unit_price, disc), net) in enumerate(zip(job.specs, nets, strict=True), 1):
            a = self.articles[code]
            category = str(a["category"] or "")
            rule = vat.pick(self.rules, job.nature, category if category in vat.EQUIPMENT else main, job.housing, day)
            rate, reason = (rule.rate, "") if rule else (a["vat_rate"], "taux par défaut de l'article")
            if job.reverse:
                rate, reason = Decimal(0), vat.ZERO_REASONS["autoliquidation"]
            lines.append({"pos": i, "article": code, "designation": a["designation"], "unit": a["unit"], "qty": qty,
                          "unit_price": unit_price, "discount_pct": disc or None, "rate": rate,
                          "rate_reason": reason, "net": net, "purchase_price": self.price(code, day)[1],
                          "category": category})
        return lines

    def new_quote(self, job: _Job, day: dt.date, lines: list[dict[str, Any]], discount: Decimal,
                  extra: dict[str, Any]) -> None:
        from pyxl.services.salesdocs import client_name

        number = f"D{day.year}-{self.next('Devis', day.year):04d}"
        totals = pricing.compute([_line(x) for x in lines], discount)
        row = {"number": number, "date": day, "client": job.client["code"], "client_name": client_name(job.client),
               "object": job.obj, "site": None, "client_ref": job.client_ref or None, "nature": job.nature,
               "housing_old": job.housing, "away": "Oui" if job.away else "Non",
               "reverse_charge": "Oui" if job.reverse else "Non", "discount_pct": discount or None,
               "validity_days": 30, "valid_until": day + dt.timedelta(days=30), "execution": _execution(job.nature),
               "outside_main_activity": "Non",
               "status": wf.Q_DRAFT, "total_ht": totals.ht, "total_vat": totals.vat, "total_ttc": totals.ttc,
               "followups": 0, **extra}
        self.out["tDevis"].append(row)
        job.quote, job.lines = row, [{**x, "quote": number} for x in lines]
        self.out["tLignesDevis"] += job.lines

    def do_send(self, job: _Job, day: dt.date, stamp: str) -> None:
        assert job.quote is not None
        job.quote.update(status=wf.Q_SENT, sent_on=day)

    def do_follow_up(self, job: _Job, day: dt.date, stamp: str, pct: Decimal | None) -> None:
        """quotes.follow_up: the call noted; with a discount, a revised quote replaces this one."""
        old = job.quote
        assert old is not None
        entry = f"{date_fr(day)} : {DISCOUNT_CALL if pct else self.rnd.choice(CALLS)}"
        old.update(followups=old["followups"] + 1, last_followup=day,
                   followup_notes=((old.get("followup_notes") or "") + "\n" + entry).strip())
        if not pct:
            return
        if pct <= (old["discount_pct"] or ZERO):
            pct = (old["discount_pct"] or ZERO) + 5
        # quotes._revise: the same lines and prices, repriced with the VAT rules of its own date
        self.new_quote(job, day, self.priced(job, day), pct, {"replaces": old["number"]})
        old.update(status=wf.Q_REPLACED, replaced_by=job.quote["number"] if job.quote else None)

    def do_accept(self, job: _Job, day: dt.date, stamp: str, urgent: bool) -> None:
        assert job.quote is not None
        job.urgent = urgent
        # a client signing at home asks in writing for the works to start within the 14 days (L221-25)
        job.quote.update(status=wf.Q_ACCEPTED, accepted_on=day, urgent="Oui" if urgent else "Non",
                         express_request="Oui" if job.away else "Non")

    def do_refuse(self, job: _Job, day: dt.date, stamp: str, reason: str) -> None:
        assert job.quote is not None
        job.quote.update(status=wf.Q_REFUSED, refusal_reason=reason)

    # orders ------------------------------------------------------------------------------------
    def do_order(self, job: _Job, day: dt.date, stamp: str) -> None:
        q = job.quote
        assert q is not None
        number = f"BC{day.year}-{self.next('Commande', day.year):04d}"
        job.order = {"number": number, "date": day, "quote": q["number"], "client": q["client"],
                     "client_name": q["client_name"], "object": q["object"], "status": wf.O_OPEN,
                     "total_ht": q["total_ht"], "total_ttc": q["total_ttc"]}
        self.out["tCommandes"].append(job.order)
        q["order"] = number

    def do_done(self, job: _Job, day: dt.date, stamp: str) -> None:
        assert job.order is not None
        job.order.update(status=wf.O_DONE, done_on=day)

    def do_cancel(self, job: _Job, day: dt.date, stamp: str, reason: str) -> None:
        assert job.order is not None
        if any(d["credited"] < d["total_ttc"] for d in job.deposits):
            return
        job.order.update(status=wf.O_CANCELLED, cancel_reason=reason)

    # invoice-type documents --------------------------------------------------------------------
    def issue(self, job: _Job, day: dt.date, stamp: str, doc_type: str, row: dict[str, Any],
              lines: list[dict[str, Any]]) -> dict[str, Any]:
        """A draft made and issued the same day (syc … --emettre): numbered, dated, chained."""
        ref = f"BROUILLON-{self.next('Brouillon', None)}"
        number = f"F{day.year}-{self.next('Facture', day.year):05d}"
        totals = pricing.compute([_line(x) for x in lines], row.get("discount_pct") or Decimal(0))
        q = job.quote
        assert q is not None
        head = {"doc_type": doc_type, "client": q["client"], "client_name": q["client_name"],
                "order": job.order["number"] if job.order else None, "quote": q["number"], "object": q["object"],
                "client_ref": q["client_ref"], "nature": q["nature"], "housing_old": q["housing_old"],
                "reverse_charge": q["reverse_charge"]}
        if doc_type != wf.T_CREDIT and job.client.get("kind") == "Professionnel":
            head["penalty_clause"] = it.DEFAULT_CLAUSE  # the demo's parameter is empty: ECB + 10 points
        head["operation"] = "Prestation de services"  # every nature of the plan is works (CGI 256 IV 1°)
        doc = self.canon("tFactures", {**head, **row, "ref": ref, "number": number, "status": wf.I_ISSUED,
                                       "date": day, "total_ht": totals.ht, "total_vat": totals.vat,
                                       "total_ttc": totals.ttc, "paid": ZERO, "credited": ZERO, "created": day})
        self.lines_by_ref[ref] = [self.canon("tLignesFactures", {**x, "doc": ref, "pos": i})
                                  for i, x in enumerate(lines, 1)]
        self.out["tFactures"].append(doc)
        self.out["tLignesFactures"] += self.lines_by_ref[ref]
        self.books.add("tFactures", doc)
        for x in self.lines_by_ref[ref]:
            self.books.add("tLignesFactures", x)
        self.docs_by_number[number] = doc
        self.view.docs.append(doc)
        p = self.day_sums(day)
        p.numbers.add(number)
        sign = -1 if doc_type == wf.T_CREDIT else 1
        p.sales_ht += sign * doc["total_ht"]
        p.sales_vat += sign * doc["total_vat"]
        p.sales_ttc += sign * doc["total_ttc"]
        p.documents += 1
        p.doc(number)
        self.chain("tFactures", number, ISSUE_ACTION, doc, stamp)
        return doc

    def do_deposit(self, job: _Job, day: dt.date, stamp: str, pct: Decimal) -> None:
        from pyxl.core.frformat import SPACE, percent

        q, order = job.quote, job.order
        assert q is not None and order is not None
        parts = pricing.deposit_parts(pricing.compute([_line(x) for x in job.lines], q["discount_pct"] or ZERO), pct)
        lines = []
        for p in parts:
            suffix = f" (part à {percent(p.rate, sep=SPACE)})" if len(parts) > 1 else ""
            lines.append({"designation": f"Acompte de {percent(pct, sep=SPACE)} sur la commande {order['number']} "
                                         f"(devis {q['number']}){suffix}",
                          "unit": "forfait", "qty": ONE, "unit_price": p.ht, "rate": p.rate, "net": p.ht,
                          "rate_reason": _zero_reason(job.lines, p.rate)})
        doc = self.issue(job, day, stamp, wf.T_DEPOSIT, {"deposit_pct": pct, "terms": "comptant", "due_date": day},
                         lines)
        job.deposits.append(doc)
        order["deposit_pct"] = (order.get("deposit_pct") or 0) + pct

    def do_invoice(self, job: _Job, day: dt.date, stamp: str) -> None:
        from pyxl.core.frformat import SPACE, percent
        from pyxl.services.salesdocs import day as fmt_day

        q, order = job.quote, job.order
        assert q is not None and order is not None
        if order["status"] != wf.O_DONE:
            return
        keep = ("article", "designation", "unit", "qty", "unit_price", "discount_pct", "rate", "rate_reason", "net",
                "purchase_price", "category")
        lines = [{k: x[k] for k in keep} for x in job.lines]
        deducted = ZERO
        for d in sorted(job.deposits, key=lambda d: str(d["number"])):
            parts = self.remaining(d)
            for p in parts:
                if p.ht == 0 and p.vat == 0:
                    continue
                lines.append({"designation": f"Acompte déduit : facture d'acompte {d['number']} du "
                                             f"{fmt_day(d['date'])}" + (f" (part à {percent(p.rate, sep=SPACE)})"
                                                                         if len(parts) > 1 else ""),
                              "unit": "forfait", "qty": -ONE, "unit_price": p.ht, "rate": p.rate, "net": -p.ht,
                              "fixed_vat": -p.vat, "source": d["number"], "rate_reason": _zero_reason(job.lines, p.rate)})
                deducted += p.ht + p.vat
        term = fields.payment_terms(job.client.get("terms") or DEFAULT_TERMS)
        doc = self.issue(job, day, stamp, wf.T_INVOICE, {
            "discount_pct": q["discount_pct"], "service_date": order["done_on"], "terms": term,
            "due_date": terms.due_date(day, terms.parse(term), "A"), "deducted_ttc": deducted or None}, lines)
        if doc["total_ttc"] == 0:
            doc["status"] = wf.I_PAID
        job.invoice = doc
        order.update(status=wf.O_INVOICED, invoice=doc["number"])

    def remaining(self, doc: dict[str, Any]) -> list[pricing.Part]:
        """What is left to credit on `doc`, per rate (invoices._remaining)."""
        taken: list[pricing.Part] = []
        for cr in doc.get("_credits", []):
            taken += pricing.parts_of(self.totals(cr))
        return pricing.subtract(pricing.parts_of(self.totals(doc)), taken)

    def totals(self, doc: dict[str, Any]) -> pricing.Totals:
        return pricing.compute([_line(x) for x in self.lines_by_ref[doc["ref"]]], doc["discount_pct"] or ZERO)

    def credit(self, job: _Job, day: dt.date, stamp: str, origin: dict[str, Any], lines: list[dict[str, Any]],
               discount: Decimal | None, reason: str) -> bool:
        """A credit note on `origin`, if it stays within what is left to credit and to pay."""
        totals = pricing.compute([_line(x) for x in lines], discount or ZERO)
        left = {p.rate: p for p in self.remaining(origin)}
        if totals.ttc <= 0 or any(r.rate not in left or r.base > left[r.rate].ht for r in totals.per_rate):
            return False
        if totals.ttc > sum((p.ht + p.vat for p in left.values()), ZERO) or totals.ttc > _balance(origin):
            return False
        doc = self.issue(job, day, stamp, wf.T_CREDIT, {"origin": origin["number"], "discount_pct": discount,
                                                        "reason": reason, "credit_cause": _cause(reason)}, lines)
        origin.setdefault("_credits", []).append(doc)
        origin["credited"] += doc["total_ttc"]
        origin["status"] = wf.invoice_state(origin["total_ttc"], origin["paid"], origin["credited"])
        order = job.order
        if origin["doc_type"] == wf.T_INVOICE and origin["status"] == wf.I_CREDITED and order is not None \
                and order["status"] == wf.O_INVOICED:  # invoices.issue: the order can be invoiced again
            order.update(status=wf.O_DONE, invoice=None)
        return True

    def do_credit_deposit(self, job: _Job, day: dt.date, stamp: str) -> None:
        for d in job.deposits:
            if d["paid"] == 0 and not d.get("_credits"):
                self.credit(job, day, stamp, d, self.copy_lines(d), d["discount_pct"], DEPOSIT_CREDIT)

    def do_credit_full(self, job: _Job, day: dt.date, stamp: str) -> None:
        inv = job.invoice
        if inv is not None and inv["paid"] == 0 and not inv.get("_credits"):
            self.credit(job, day, stamp, inv, self.copy_lines(inv), inv["discount_pct"], FULL_CREDIT)

    def copy_lines(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        keep = ("article", "designation", "unit", "qty", "unit_price", "discount_pct", "rate", "rate_reason", "net",
                "fixed_vat", "source", "purchase_price", "category")
        return [{k: x[k] for k in keep} for x in self.lines_by_ref[doc["ref"]]]

    def do_credit_partial(self, job: _Job, day: dt.date, stamp: str, reason: str) -> None:
        inv = job.invoice
        if inv is None:
            return
        ordinary = [x for x in self.lines_by_ref[inv["ref"]] if x["fixed_vat"] is None and x["article"]]
        if reason == PARTIAL_CREDITS[0]:
            ordinary = [x for x in ordinary if x["unit"] == "h"]
        elif reason == PARTIAL_CREDITS[1]:  # a small part taken back
            ordinary = [x for x in ordinary if x["category"] == "Pièce"]
        if not ordinary:
            return
        m = self.rnd.choice(ordinary)
        if reason == PARTIAL_CREDITS[2]:  # a gesture: part of the line's price
            qty, price = ONE, to_cents(m["unit_price"] * Decimal(self.rnd.choice(("0.1", "0.15", "0.2"))))
        else:
            qty, price = min(m["qty"], ONE), m["unit_price"]
        dpct = m["discount_pct"] or Decimal(0)
        line = {"article": m["article"], "designation": m["designation"], "unit": m["unit"], "qty": qty,
                "unit_price": price, "discount_pct": dpct or None, "rate": m["rate"], "rate_reason": m["rate_reason"],
                "net": pricing.line_net(qty, price, dpct), "purchase_price": m["purchase_price"],
                "category": m["category"]}
        self.credit(job, day, stamp, inv, [line], inv["discount_pct"], reason)

    # payments ----------------------------------------------------------------------------------
    def do_pay(self, job: _Job, day: dt.date, stamp: str, which: str, share: Decimal, mode: str) -> None:
        docs = [d for d in job.deposits if not d.get("_credits")] if which == "deposit" else [job.invoice]
        doc = next((d for d in docs if d is not None and _balance(d) > 0), None)
        if doc is None:
            return
        left = _balance(doc)
        amount = left if share == ONE else max(to_cents(left * share), Decimal("0.01"))
        if mode == "Espèces" and ((job.order or {}).get("total_ttc") or doc["total_ttc"]) > CASH_LIMIT:
            mode = "Chèque"
        if _together(self.rnd, job, which, share, mode):
            other = _partner(self.out["tFactures"], doc, day)
            if other is not None:
                self.pay_together(job, day, stamp, [doc, other], mode)
                return
        extra, after = _overpaid(self.rnd, which, share, mode)
        p = self.payment(job, day, stamp, doc, amount, mode, self.reference(job, mode), credit=extra)
        r = self.rnd.random()
        if extra:  # the excess is the client's credit, refunded by transfer a few days later
            self.later(_next_workday(day + dt.timedelta(days=after)), job, "refund", extra)
        elif mode == "Chèque" and r < 0.015:  # the cheque bounces
            self.later(_next_workday(day + dt.timedelta(days=self.rnd.randint(4, 12))), job, "cancel_pay", p, BOUNCED)
        elif r < 0.004:
            self.later(day, job, "cancel_pay", p, MISTYPED)

    def later(self, day: dt.date, job: _Job, kind: str, *args: Any) -> None:
        """An action decided on the way (a bounced cheque), within the period."""
        if day <= self.end:
            self.extra_steps += 1
            heapq.heappush(self.events, (day, job.idx, 10_000 + self.extra_steps, kind, args))

    def do_cancel_pay(self, job: _Job, day: dt.date, stamp: str, p: dict[str, Any], reason: str) -> None:
        """payments.cancel_payment: the opposite row; then the payment made again."""
        doc = self.docs_by_number[p["invoice"]]
        bounced = (("Oui" if reason == BOUNCED else "Non") if p.get("slip") else None)  # cancel_payment's rule
        self.payment(job, day, stamp, doc, -p["amount"], p["mode"], p["reference"], cancels=p, reason=reason,
                     bounced=bounced)
        if reason == MISTYPED:
            self.later(day, job, "pay_again", doc, p["amount"], p["mode"])
        else:
            self.later(_next_workday(day + dt.timedelta(days=self.rnd.randint(2, 20))), job, "pay_again", doc,
                       None, "Virement")

    def do_pay_again(self, job: _Job, day: dt.date, stamp: str, doc: dict[str, Any], amount: Decimal | None,
                     mode: str) -> None:
        left = _balance(doc)
        if left > 0:
            self.payment(job, day, stamp, doc, min(amount or left, left), mode, self.reference(job, mode))

    def reference(self, job: _Job, mode: str) -> str | None:
        name = str(job.client["name"]).upper()[:24]
        if mode == "Chèque":
            return f"Chèque n° {self.rnd.randint(1_000_000, 9_999_999)}"
        if mode == "Virement":
            return f"VIR SEPA {name}"
        if mode == "CB":
            return "CB terminal"
        return None

    def payment(self, job: _Job, day: dt.date, stamp: str, doc: dict[str, Any], amount: Decimal, mode: str,
                reference: str | None, cancels: dict[str, Any] | None = None, reason: str | None = None,
                credit: Decimal = ZERO, bounced: str | None = None) -> dict[str, Any]:
        """payments.receive on one document (`credit`: what was paid beyond it, a second row on the
        client's credit, the two sharing « Paiement »), or the opposite row of a reversal."""
        line = self.statement_line(day, amount + credit, str(reference)) if not cancels and self.by_bank(day, mode) \
            else None
        pid = f"R{day.year}-{self.next('Règlement', day.year):05d}"
        row = self.canon("tReglements", {"id": pid, "date": day, "invoice": doc["number"], "client": doc["client"],
                                         "amount": amount, "mode": mode, "reference": reference,
                                         "bank_line": line["id"] if line else None,
                                         "cancels": cancels["id"] if cancels else None, "reason": reason,
                                         "kind": "Encaissement", "group": pid if credit else None,
                                         "bounced": bounced})
        self._pay_row(row, day, stamp)
        if credit:
            cid = f"R{day.year}-{self.next('Règlement', day.year):05d}"
            self._pay_row(self.canon("tReglements", {
                "id": cid, "date": day, "invoice": None, "client": doc["client"], "amount": credit, "mode": mode,
                "reference": reference, "kind": "Encaissement", "group": pid,
                "bank_line": line["id"] if line else None}), day, stamp)
        if line:
            line.update(status="Rapprochée", matched=pid)
        doc["paid"] += row["amount"]
        doc["status"] = wf.invoice_state(doc["total_ttc"], doc["paid"], doc["credited"])
        job.payments.append(row)
        return row

    def pay_together(self, job: _Job, day: dt.date, stamp: str, docs: list[dict[str, Any]], mode: str) -> None:
        """payments.receive with the documents named: one row each, sharing « Paiement »."""
        reference = f"{self.reference(job, mode)} {' '.join(str(d['number']) for d in docs)}"[:60]
        line = self.statement_line(day, sum((_balance(d) for d in docs), ZERO), reference) \
            if self.by_bank(day, mode) else None
        if line:  # reconciled, the line's candidate names its documents in their numbers' order
            docs = sorted(docs, key=lambda d: str(d["number"]))
        first = f"R{day.year}-{self.next('Règlement', day.year):05d}"
        for i, doc in enumerate(docs):
            pid = first if i == 0 else f"R{day.year}-{self.next('Règlement', day.year):05d}"
            amount = _balance(doc)
            row = self.canon("tReglements", {"id": pid, "date": day, "invoice": doc["number"], "client": doc["client"],
                                             "amount": amount, "mode": mode, "reference": reference,
                                             "kind": "Encaissement", "group": first,
                                             "bank_line": line["id"] if line else None})
            self._pay_row(row, day, stamp)
            doc["paid"] += amount
            doc["status"] = wf.invoice_state(doc["total_ttc"], doc["paid"], doc["credited"])
            job.payments.append(row)
        if line:
            line.update(status="Rapprochée", matched=first)

    def _pay_row(self, row: dict[str, Any], day: dt.date, stamp: str) -> None:
        self.out["tReglements"].append(row)
        waiting = self.to_deposit.get(str(row["mode"]))
        if waiting is not None:  # slips.pending: receipts not reversed, grouped by payment
            if row["cancels"]:
                for key, rows in list(waiting.items()):
                    if any(r["id"] == row["cancels"] for r in rows):
                        del waiting[key]
            elif row["kind"] == "Encaissement" and row["amount"] > 0:
                waiting.setdefault(str(row.get("group") or "") or str(row["id"]), []).append(row)
        self.books.add("tReglements", row)
        self.view.pays.append(row)
        p = self.day_sums(day)
        p.payment_ids.add(str(row["id"]))
        p.receipts += row["amount"]
        p.payments += 1
        self.chain("tReglements", str(row["id"]), PAYMENT_ACTION, row, stamp)

    def do_refund(self, job: _Job, day: dt.date, stamp: str, amount: Decimal) -> None:
        """payments.refund: the client's credit paid back by transfer (a negative row on the credit);
        in the statements' year, its debit on the statement the same day, reconciled with it
        (bank.reconcile --confirmer LINE=REFUND)."""
        rid = f"R{day.year}-{self.next('Règlement', day.year):05d}"
        line = self.statement_line(day, -amount, refund_label(job.client)) if self.by_bank(day, "Virement") else None
        self._pay_row(self.canon("tReglements", {
            "id": rid, "date": day, "invoice": None, "client": job.client["code"], "amount": -amount,
            "mode": "Virement", "reason": REFUNDED, "kind": "Remboursement",
            "bank_line": line["id"] if line else None}), day, stamp)
        if line:
            line.update(status="Rapprochée", matched=rid)

    # bank statements ---------------------------------------------------------------------------
    def statement_line(self, day: dt.date, amount: Decimal, label: str) -> dict[str, Any]:
        """bank.import_statement of the one-line statement `statement_file` makes: the line as
        « Relevés » keeps it, to be reconciled at once."""
        from pyxl.core.bank import StatementLine, identities

        self.bank_seq += 1
        name, ref = statement_name(day, self.bank_seq)
        lid = f"L{day.year}-{self.next('Ligne de relevé', day.year):06d}"
        ident = identities([StatementLine(BANK_IBAN, day, amount, label, bank_id=ref)])[0]
        row = self.canon("tReleves", {"id": lid, "account": BANK_IBAN, "date": day, "value_date": day,
                                      "amount": amount, "label": label, "bank_ref": ref, "identity": ident,
                                      "source": name, "imported": day, "status": "À rapprocher"})
        self.out["tReleves"].append(row)
        return row

    def by_bank(self, day: dt.date, mode: str) -> bool:
        return mode == "Virement" and day >= self.bank_from

    def do_credit_slip(self, _job: None, day: dt.date, stamp: str, number: str) -> None:
        """The slip (or the card batch, net of the bank's commission) on the statement, reconciled:
        bank.reconcile --confirmer LINE=SLIP (`_credit_slip`)."""
        slip, paid = self.slips[number]
        fee = to_cents(slip["total"] * CARD_FEE) if slip["mode"] == "CB" else ZERO
        line = self.statement_line(day, slip["total"] - fee, slip_label(slip))
        slip.update(self.canon("tBordereaux", {**slip, "status": "Crédité", "credited_on": day,
                                               "bank_line": line["id"], "fee": fee if slip["mode"] == "CB" else None}))
        for r in paid:
            r["bank_line"] = line["id"]
        line.update(status="Rapprochée", matched=number)

    # deposit slips -----------------------------------------------------------------------------
    def do_slip(self, _job: None, day: dt.date, stamp: str, mode: str) -> None:
        """slips.create: the payments of `mode` not yet deposited on one numbered slip (nothing when
        there is none: the service refuses an empty slip)."""
        from pyxl.services import slips

        waiting = self.to_deposit[mode]
        if not waiting:
            return
        number = f"{slips.PREFIX}{day.year}-{self.next(slips.SERIES, day.year):04d}"
        bank = next((str(r["value"] or "") for r in self.out["tParametres"] if r["code"] == "banque_remise"), "")
        total = sum((r["amount"] for rows in waiting.values() for r in rows), ZERO)
        row = self.canon("tBordereaux", {"number": number, "date": day, "mode": mode, "bank": bank.strip(),
                                         "count": len(waiting), "total": total, "status": slips.DEPOSITED})
        self.out["tBordereaux"].append(row)
        self.chain("tBordereaux", number, slips.ACTION, row, stamp)
        self.slips[number] = (row, [r for rows in waiting.values() for r in rows])
        for rows in waiting.values():
            for r in rows:
                r["slip"] = number
        waiting.clear()
        self.credit_later(day, mode, number)

    def credit_later(self, day: dt.date, mode: str, number: str) -> None:
        """The bank credits a slip on the Monday after (its own event): its line on the statement,
        reconciled. Before the statements' year too: a real book's slips are not « Remis » for
        ever, and the services credit a slip only through its statement line (« Crédité » with
        no line is nothing they could have written), so those years keep the slips' lines — the
        bank's statements of remittances — without the transfers of the day, which stay as typed."""
        credited = day + dt.timedelta(days=SLIP_CREDIT_DAYS)
        if credited <= self.end:
            step = 2 + [m for m, _ in SLIP_MODES].index(mode)
            heapq.heappush(self.events, (credited, SLIPS, step, "credit_slip", (number,)))


# --------------------------------------------------------------------------- reminders (issue 6)
PROMISES = ("Règlement promis par virement", "Le comptable paie en fin de mois", "Attend une rentrée d'argent")
DISPUTES = ("Conteste la durée de main-d'œuvre facturée", "Radiateur toujours froid : demande un retour",
            "Dit ne pas avoir reçu la facture")


def dunning_history(rows: dict[str, list[dict[str, Any]]], rnd: random.Random) -> None:
    """« Relances » rows as the default procedure (pyxl.workbook.seeds.DEFAULT_LEVELS) would have
    made them, for every invoice paid late or still owed at the end of the period: the call the day
    after the due date, the simple letter 7 days late (posted the next working day), the registered
    letter 15 days after posting (acknowledged 2 to 4 days later), the formal notice after 48 hours,
    the payment-order file 8 days after its receipt — each step only if the invoice was still owed
    that day, stopping at random (promise, dispute) as real sessions do. Numbered RL + year in date
    order, with their counter."""
    paid_on: dict[str, dt.date] = {}
    paid_total: dict[str, Decimal] = {}
    for p in rows["tReglements"]:
        n = str(p["invoice"])
        paid_total[n] = paid_total.get(n, ZERO) + Decimal(p["amount"])
        if paid_total[n] >= ZERO and isinstance(p["date"], dt.date):
            paid_on[n] = p["date"]
    clients = {str(c["code"]): c for c in rows["tClients"]}
    events: list[tuple[dt.date, dict[str, Any]]] = []
    for doc in rows["tFactures"]:
        due = doc.get("due_date")
        if doc["doc_type"] == wf.T_CREDIT or not isinstance(due, dt.date) or doc["status"] not in (
                wf.I_ISSUED, wf.I_PARTIAL, wf.I_PAID) or doc.get("terms") == "comptant":
            continue
        number = str(doc["number"])
        owed_now = _balance(doc) > 0
        settled = paid_on.get(number) if not owed_now else None
        if settled is not None and settled <= due + dt.timedelta(days=1):
            continue  # paid on time
        end = settled or PERIOD_END
        client = clients.get(str(doc["client"]), {})
        base = {"invoice": number, "client": doc["client"], "client_name": doc["client_name"],
                "owed": _balance(doc) if owed_now else Decimal(doc["total_ttc"]), "interest": None,
                "document": None}

        def add(day: dt.date, level: int, step: str, channel: str, outcome: str, *, end: dt.date = end,
                base: dict[str, Any] = base, **extra: Any) -> bool:
            if day >= end or day > PERIOD_END:
                return False
            events.append((day, {**base, "date": day, "level": level, "step": step, "channel": channel,
                                 "outcome": outcome, "posted_on": None, "lr_number": None, "ack_on": None,
                                 "promise_on": None, "notes": None, **extra}))
            return True

        call = _next_workday(due + dt.timedelta(days=1))
        r = rnd.random()
        outcome = "Promesse de paiement" if r < 0.2 else ("Litige" if r < 0.23 else rnd.choice(
            ("Appel sans réponse", "Message laissé", "Fait")))
        extra: dict[str, Any] = {}
        if outcome == "Promesse de paiement":
            extra = {"promise_on": call + dt.timedelta(days=rnd.randint(3, 12)), "notes": rnd.choice(PROMISES)}
        elif outcome == "Litige":
            extra = {"notes": rnd.choice(DISPUTES)}
        if not add(call, 1, "appel", "Téléphone", outcome, **extra) or outcome == "Litige":
            continue
        start = max(due + dt.timedelta(days=7), call + dt.timedelta(days=1),
                    extra.get("promise_on", call) + dt.timedelta(days=1))
        letter = _next_workday(start)
        posted = _next_workday(letter + dt.timedelta(days=1))
        if not add(letter, 1, "lettre", "Courrier", "Lettre postée", posted_on=posted):
            continue
        lrar = _next_workday(posted + dt.timedelta(days=15))
        ack = lrar + dt.timedelta(days=rnd.randint(2, 4))
        if not add(lrar, 2, "lrar", "Recommandé AR", "Accusé de réception", posted_on=lrar, ack_on=ack,
                   lr_number=f"1A {rnd.randint(10**9, 10**10 - 1)} {rnd.randint(0, 9)}"):
            continue
        notice = _next_workday(ack + dt.timedelta(days=3))
        ack2 = notice + dt.timedelta(days=rnd.randint(2, 5))
        if not add(notice, 3, "mise-en-demeure", "Recommandé AR", "Accusé de réception", posted_on=notice,
                   ack_on=ack2, lr_number=f"1A {rnd.randint(10**9, 10**10 - 1)} {rnd.randint(0, 9)}"):
            continue
        if client.get("kind") == "Professionnel" or rnd.random() < 0.7:
            add(_next_workday(ack2 + dt.timedelta(days=9)), 4, "injonction", "Tribunal", "Dossier préparé")
    events.sort(key=lambda e: (e[0], str(e[1]["invoice"]), e[1]["level"]))
    counters: dict[int, int] = {}
    out = []
    for day, row in events:
        counters[day.year] = counters.get(day.year, 0) + 1
        out.append({"id": f"RL{day.year}-{counters[day.year]:05d}", **row})
    rows["tRelances"] = out
    rows["tCompteurs"] = [*rows["tCompteurs"], *({"series": "Relance", "year": y, "last": n}
                                                 for y, n in sorted(counters.items()))]


# --------------------------------------------------------------------------- planning (schema 9)
DEMO_TECHNICIANS = (("Paul GIRARD", "gaz, fioul"), ("Léa MOREL", "gaz, pac"), ("Karim BENALI", "gaz, pac, climatisation"),
                    ("Julie FAURE", "gaz, biomasse"), ("Marc ROUX", "gaz, fioul, ramonage"), ("Sonia PERRIN", "pac, solaire"))
DEMO_STARTS = ((8, 30), (10, 45), (14, 0), (16, 0))  # four visits a day at most, in route order
CONTRACT_KINDS = (("Chaudière gaz", 60), ("PAC air/eau", 25), ("Chaudière fioul", 10), ("Biomasse", 5))


def planning_history(rows: dict[str, list[dict[str, Any]]], rnd: random.Random, end: dt.date,
                     contracts: int = 300) -> None:
    """Technicians, a year of interventions (the last year's orders, done where the order is done,
    planned in the weeks after `end` for the open ones) and `contracts` maintenance contracts with
    their visits of the last year, written without double booking."""
    from pyxl.services.contract_billing import periods as contract_periods

    sectors = sorted({str(r["sector"]) for r in rows.get("tSecteurs", [])}) or ["Lyon"]
    techs: list[dict[str, Any]] = []
    for i, (name, skills) in enumerate(DEMO_TECHNICIANS, 1):
        certs = f"fluides {end.year + 1 + i % 2}-06-30" if "pac" in skills or "climatisation" in skills else ""
        techs.append({"code": f"T{i:02d}", "name": name, "phone": f"06 {10 + i} 20 30 4{i}", "email": None,
                      "skills": skills, "sector": sectors[i % len(sectors)], "hours": "lun-ven 08:00-12:00 13:30-17:30",
                      "capacity": 4, "certificates": certs, "active": "Oui", "notes": None})
    rows["tTechniciens"] = techs
    rows["tAbsences"] = [{"technician": t["code"], "start": dt.date(end.year - 1, 8, 3 + 7 * (i % 3)),
                          "end": dt.date(end.year - 1, 8, 14 + 7 * (i % 3)), "reason": "Congés", "notes": None}
                         for i, t in enumerate(techs)]
    busy: set[tuple[str, dt.date, int]] = set()
    client_of = {str(c["code"]): c for c in rows["tClients"]}
    cats: dict[str, set[str]] = {}
    since = end - dt.timedelta(days=365)
    recent = [o for o in rows["tCommandes"] if o["date"] >= since]
    wanted = {str(o["quote"]) for o in recent}
    for ln in rows["tLignesDevis"]:
        if ln["quote"] in wanted:
            cats.setdefault(str(ln["quote"]), set()).add(str(ln.get("category") or ""))
    jobs: list[dict[str, Any]] = []

    def book(skill: str, near: dt.date, forward: bool = True) -> tuple[str, dt.date, str] | None:
        able = [t for t in techs if skill in t["skills"]]
        day = near
        for _ in range(60):
            if day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS:
                for t in rnd.sample(able, len(able)):
                    for k, (h, m) in enumerate(DEMO_STARTS):
                        if (t["code"], day, k) not in busy:
                            busy.add((t["code"], day, k))
                            return str(t["code"]), day, f"{h:02d}:{m:02d}"
            day += dt.timedelta(days=1 if forward else -1)
        return None

    def job(client: dict[str, Any], **values: Any) -> dict[str, Any]:
        site = ", ".join(str(x) for x in (client["address"], f"{client['postcode']} {client['city']}") if x)
        row = {"id": f"I{len(jobs) + 1:05d}", "order": None, "contract": None, "client": client["code"],
               "client_name": f"{client['name']} {client.get('first_name') or ''}".strip(), "site": site,
               "sector": client.get("sector"), "work": None, "skill": "gaz", "duration": 120, "technician": None,
               "date": None, "start": None, "status": wf.J_TO_PLAN, "reason": None, "wishes": None, "visit_due": None,
               "sequence": 0, "done_on": None, "report": None, "attestation_on": None, **values}
        jobs.append(row)
        return row

    for o in recent:
        c = cats.get(str(o["quote"]), set())
        skill = "pac" if any(x.startswith("PAC") for x in c) else "fioul" if "Chaudière fioul" in c else "gaz"
        client = client_of[str(o["client"])]
        if o["status"] in (wf.O_DONE, wf.O_INVOICED) and o.get("done_on"):
            slot = book(skill, o["done_on"], forward=False)
            if slot:
                job(client, order=o["number"], work=o.get("object"), skill=skill, technician=slot[0], date=slot[1],
                    start=slot[2], status=wf.J_DONE, done_on=slot[1])
        elif o["status"] in (wf.O_OPEN, wf.O_PLANNED):
            slot = book(skill, end + dt.timedelta(days=rnd.randint(1, 30)))
            if o["status"] == wf.O_PLANNED and slot:
                job(client, order=o["number"], work=o.get("object"), skill=skill, technician=slot[0], date=slot[1],
                    start=slot[2], status=wf.J_PLANNED)
            else:
                job(client, order=o["number"], work=o.get("object"), skill=skill)
    privates = [c for c in rows["tClients"] if c["kind"] == "Particulier"]
    chosen = rnd.sample(privates, min(contracts, len(privates)))
    kinds = [k for k, w in CONTRACT_KINDS for _ in range(w)]
    out: list[dict[str, Any]] = []
    counters: dict[int, int] = {}
    for client in chosen:
        start = end - dt.timedelta(days=rnd.randint(30, 3000))
        counters[start.year] = counters.get(start.year, 0) + 1
        number = f"CE{start.year}-{counters[start.year]:04d}"
        cat = rnd.choice(kinds)
        power = Decimal(rnd.choice((6, 8, 11, 14))) if cat.startswith("PAC") else Decimal(rnd.choice((18, 24, 28)))
        anniversary = dt.date(start.year + 1, start.month, min(start.day, 28))
        out.append({"number": number, "client": client["code"],
                    "client_name": f"{client['name']} {client.get('first_name') or ''}".strip(), "category": cat,
                    "brand": rnd.choice(("Saunier Duval", "Atlantic", "De Dietrich", "Viessmann", "Daikin")),
                    "model": None, "power_kw": power, "installed_on": start - dt.timedelta(days=rnd.randint(0, 900)),
                    "formula": rnd.choice(("Essentiel", "Confort", "Sérénité")), "price_ht": Decimal(
                        rnd.choice(("129.00", "159.00", "189.00", "249.00"))), "billing": "Annuelle", "start": start,
                    "anniversary": anniversary, "tacit": "Oui", "notice_days": 30, "protected": "Oui",
                    "status": "Actif", "ended_on": None, "end_reason": None,
                    "notice_sent_on": None, "housing_old": "Oui", "last_invoice": None, "notes": None})
        # billed before the tool up to the end of the contract year running at `end` (« Facturé jusqu'au »)
        out[-1]["billed_to"] = contract_periods(out[-1], end)[-1].end
        months = 24 if cat.startswith("PAC") else 12
        due = start + dt.timedelta(days=rnd.randint(20, 300))
        while due <= end:
            if due >= since:
                skill = ("pac" if cat.startswith("PAC") else "fioul" if cat == "Chaudière fioul" else
                         "biomasse" if cat == "Biomasse" else "gaz")
                slot = book(skill, due)
                if slot and slot[1] <= end:
                    job(client, contract=number, work=f"Entretien {cat}", skill=skill, duration=60, technician=slot[0], date=slot[1], start=slot[2], status=wf.J_DONE,
                        visit_due=due, done_on=slot[1], attestation_on=slot[1] + dt.timedelta(days=rnd.randint(0, 10)))
            due = due + dt.timedelta(days=months * 365 // 12)
    rows["tInterventions"] = jobs
    rows["tContrats"] = out
    rows["tCompteurs"] = [*rows["tCompteurs"], {"series": "Intervention", "year": None, "last": len(jobs)},
                          *({"series": "Contrat", "year": y, "last": n} for y, n in sorted(counters.items()))]


def statement_name(day: dt.date, seq: int) -> tuple[str, str]:
    """(file name, bank reference of its one line) of the generator's `seq`-th statement line."""
    return f"releve-{day:%Y%m%d}-{seq:05d}.xml", f"SYC{seq:07d}"


def refund_label(client: dict[str, Any]) -> str:
    """The label of a refund by transfer on the statement: the beneficiary's name, as the bank
    prints what the business ordered."""
    name = " ".join(str(client.get(k) or "") for k in ("name", "first_name")).strip().upper()
    return f"VIR SEPA EMIS {name[:40]} REMBOURSEMENT"


def statement_file(day: dt.date, seq: int, amount: Decimal, label: str) -> tuple[str, bytes]:
    """A camt.053.001.08 statement of one entry booked on `day`, a credit or (negative `amount`) a
    debit (the bank's AcctSvcrRef makes the line's identity), as a bank would deliver it: (file
    name, bytes)."""
    from xml.sax.saxutils import escape

    name, ref = statement_name(day, seq)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{ref}</MsgId><CreDtTm>{day.isoformat()}T20:00:00</CreDtTm></GrpHdr><Stmt><Id>{ref}</Id>"
        f"<Acct><Id><IBAN>{BANK_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f'<Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">{abs(amount):.2f}</Amt>'
        f"<CdtDbtInd>{'DBIT' if amount < 0 else 'CRDT'}</CdtDbtInd>"
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt><ValDt><Dt>{day.isoformat()}</Dt>"
        f"</ValDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>{escape(label)}</Ustrd>"
        "</RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>\n")
    return name, text.encode("utf-8")


def slip_label(slip: dict[str, Any]) -> str:
    if slip["mode"] == "CB":
        return f"REMISE CB {slip['number']} DU {slip['date']:%d%m%y}"
    return f"REMISE CHEQUES {slip['number']} {slip['count']} CHQ"


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in "-"))


def _next_workday(d: dt.date) -> dt.date:
    return d + dt.timedelta(days=1) if d.weekday() == 6 else d


def _balance(doc: dict[str, Any]) -> Decimal:
    return Decimal(doc["total_ttc"]) - doc["paid"] - doc["credited"]


def _line(x: dict[str, Any]) -> pricing.Line:
    """salesdocs.to_line"""
    return pricing.Line(qty=x.get("qty") or Decimal(0), unit_price=x.get("unit_price") or ZERO,
                        rate=x.get("rate") or Decimal(0), discount_pct=x.get("discount_pct") or Decimal(0),
                        fixed_vat=x.get("fixed_vat"))


def _zero_reason(lines: list[dict[str, Any]], rate: Decimal) -> str:
    if rate != 0:
        return ""
    return next((str(x["rate_reason"]) for x in lines if x["rate"] == 0 and x["rate_reason"]), "")


# --------------------------------------------------------------------------- the same plan, through the services
@dataclass
class ServicesRun:
    """What `replay_with_services` did: the store, and the actions the services refused (with why)."""

    store: Any
    actions: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    closures: list[dict[str, Any]] = field(default_factory=list)


def replay_with_services(years: int = 1, scale: float = 0.1, seed: int = 2026) -> ServicesRun:
    """The generator's plan (clients, jobs and their events, same seed) run through the real
    services on a `MemoryStore`, as `syc` runs each action: the closures of the past days first,
    then the change set, checked by the audit guard. Nothing is re-implemented here: amounts,
    VAT, deposits, deductions, credit notes, states and the journal are the services' own.

    It is slower than the fast path (each action reads the tables it needs through the store
    interface), so the volume workbook keeps the fast path; the tests run this one on a year and
    compare the two (see tests/test_demo_bulk.py)."""
    from pyxl.services import closures
    from pyxl.workbook.memstore import MemoryStore

    gen = _Generator(years, scale, seed)
    clients = gen.make_clients()
    jobs, events = gen.plan(clients)
    store = MemoryStore()
    for name, rows in gen.out.items():
        if rows:
            store.load(name, [gen.canon(name, r) for r in rows])
    from pyxl.workbook.seeds import default_rows

    for name, seeded in default_rows().items():
        if not store.rows(name):
            store.load(name, [gen.canon(name, r) for r in seeded])
    store.load("tCompteurs", [{"series": s, "year": y, "last": n} for (s, y), n in gen.counters.items()])
    run = ServicesRun(store)
    replay = _Replay(gen, store, run)
    heapq.heapify(events)
    gen.events = events
    while events:
        d, idx, _step, kind, args = heapq.heappop(events)
        replay.at(d, gen.tick(d))
        getattr(replay, f"do_{kind}")(jobs[idx] if idx < len(jobs) else None, d, *args)
    stamp = dt.datetime.combine(CLOSING_DAY, dt.time(7, 30))
    changes = ChangeSet()
    made = closures.pending(store, changes, CLOSING_DAY, stamp)
    store.apply(changes, as_of=CLOSING_DAY, now=stamp)
    run.closures += made
    return run


class _Replay:
    """Each kind of event of the plan as the service `syc` calls for it."""

    def __init__(self, gen: _Generator, store: Any, run: ServicesRun):
        self.gen, self.store, self.run = gen, store, run
        self.stamp = dt.datetime.combine(gen.start, dt.time(8, 0))
        self.quote: dict[int, str] = {}
        self.order: dict[int, str] = {}
        self.deposits: dict[int, list[str]] = {}
        self.invoice: dict[int, str] = {}
        self.payments: dict[str, tuple[str, Decimal, str]] = {}  # id → (document, amount, mode)
        self.day: dt.date | None = None

    def at(self, day: dt.date, stamp: str) -> None:
        """The clock of the next action; on a new day, the past days are closed first (what the
        first action of the day does in `syc`, whatever that action is)."""
        from pyxl.services import closures

        self.stamp = dt.datetime.fromisoformat(stamp)
        if day != self.day:
            self.day = day
            with self.store.session():
                changes = ChangeSet()
                self.run.closures += closures.pending(self.store, changes, day, self.stamp)
                self.store.apply(changes, as_of=day, now=self.stamp)

    def act(self, kind: str, day: dt.date, service: Any) -> dict[str, Any] | None:
        """Run one service as `syc` does (commands._apply); a refusal is counted, not raised."""
        from pyxl.core.issues import Refused
        from pyxl.services import closures

        self.run.actions += 1
        try:
            with self.store.session():
                result = service(self.store)
                made = closures.pending(self.store, result.changes, day, self.stamp)
                self.store.apply(result.changes, as_of=day, now=self.stamp)
        except Refused as exc:
            code = exc.issues[0].code if exc.issues else "?"
            self.run.refused[f"{kind}: {code}"] = self.run.refused.get(f"{kind}: {code}", 0) + 1
            return None
        self.run.closures += made
        return dict(result.data)

    # quotes
    def do_quote(self, job: _Job, day: dt.date) -> None:
        from pyxl.services import quotes

        lines = [f"{code}:{qty}:{price}" + (f":{disc}" if disc else "") for code, qty, price, disc in job.specs]
        given = quotes.QuoteInput(
            client=str(job.client["code"]), lines=lines, nature=job.nature, housing_old=job.housing.lower(),
            away=job.away, object=job.obj, discount=str(job.discount) if job.discount else None,
            client_ref=job.client_ref, reverse_charge=job.reverse, execution=_execution(job.nature))
        data = self.act("devis creer", day, lambda s: quotes.create_quote(s, given, day))
        if data:
            self.quote[job.idx] = str(data["numero"])

    def do_send(self, job: _Job, day: dt.date) -> None:
        from pyxl.services import quotes

        if job.idx in self.quote:
            self.act("devis envoyer", day, lambda s: quotes.send_quote(s, self.quote[job.idx], day))

    def do_follow_up(self, job: _Job, day: dt.date, pct: Decimal | None) -> None:
        from pyxl.services import quotes

        if job.idx not in self.quote:
            return
        outcome = DISCOUNT_CALL if pct else self.gen.rnd.choice(CALLS)
        data = self.act("devis relancer", day, lambda s: quotes.follow_up(
            s, self.quote[job.idx], outcome, day, str(pct) if pct else None))
        if data and data.get("devis_revise"):
            self.quote[job.idx] = str(data["devis_revise"])

    def do_accept(self, job: _Job, day: dt.date, urgent: bool) -> None:
        from pyxl.services import quotes

        if job.idx in self.quote:
            self.act("devis accepter", day, lambda s: quotes.accept_quote(s, self.quote[job.idx], day, urgent,
                                                                          express_request=job.away))

    def do_refuse(self, job: _Job, day: dt.date, reason: str) -> None:
        from pyxl.services import quotes

        if job.idx in self.quote:
            self.act("devis refuser", day, lambda s: quotes.refuse_quote(s, self.quote[job.idx], reason, day))

    # orders
    def do_order(self, job: _Job, day: dt.date) -> None:
        from pyxl.services import orders

        if job.idx not in self.quote:
            return
        data = self.act("commande creer", day, lambda s: orders.create_order(s, self.quote[job.idx], day))
        if data:
            self.order[job.idx] = str(data["numero"])

    def do_done(self, job: _Job, day: dt.date) -> None:
        from pyxl.services import orders

        if job.idx in self.order:
            self.act("commande realiser", day, lambda s: orders.complete_order(s, self.order[job.idx], day, day))

    def do_cancel(self, job: _Job, day: dt.date, reason: str) -> None:
        from pyxl.services import orders

        if job.idx in self.order:
            self.act("commande annuler", day, lambda s: orders.cancel_order(s, self.order[job.idx], reason, day))

    # invoice-type documents
    def issue(self, kind: str, day: dt.date, draft: dict[str, Any] | None) -> str | None:
        from pyxl.services import invoices

        if not draft:
            return None
        ref = str(draft["reference"])
        data = self.act(f"{kind} emettre", day, lambda s: invoices.issue(s, ref, day))
        return str(data["numero"]) if data else None

    def do_deposit(self, job: _Job, day: dt.date, pct: Decimal) -> None:
        from pyxl.services import invoices

        if job.idx not in self.order:
            return
        draft = self.act("facture acompte", day, lambda s: invoices.create_deposit(s, self.order[job.idx], str(pct), day))
        number = self.issue("acompte", day, draft)
        if number:
            self.deposits.setdefault(job.idx, []).append(number)

    def do_invoice(self, job: _Job, day: dt.date) -> None:
        from pyxl.services import invoices

        if job.idx not in self.order:
            return
        draft = self.act("facture creer", day, lambda s: invoices.create_invoice(s, self.order[job.idx], day))
        number = self.issue("facture", day, draft)
        if number:
            self.invoice[job.idx] = number

    def credit(self, day: dt.date, origin: str, reason: str, specs: list[str]) -> None:
        from pyxl.services import invoices

        draft = self.act("avoir creer", day, lambda s: invoices.create_credit_note(s, origin, reason, specs, day,
                                                                                       _cause(reason)))
        self.issue("avoir", day, draft)

    def do_credit_deposit(self, job: _Job, day: dt.date) -> None:
        for number in self.deposits.get(job.idx, []):
            if self.doc(number)["paid"] == 0:
                self.credit(day, number, DEPOSIT_CREDIT, [])

    def do_credit_full(self, job: _Job, day: dt.date) -> None:
        number = self.invoice.get(job.idx)
        if number and self.doc(number)["paid"] == 0:
            self.credit(day, number, FULL_CREDIT, [])

    def do_credit_partial(self, job: _Job, day: dt.date, reason: str) -> None:
        number = self.invoice.get(job.idx)
        if not number:
            return
        doc = self.doc(number)
        lines = [r for r in self.store.rows_where("tLignesFactures", "doc", {str(doc["ref"])})
                 if r["fixed_vat"] is None and r["article"]]
        if reason == PARTIAL_CREDITS[0]:
            lines = [r for r in lines if r["unit"] == "h"]
        elif reason == PARTIAL_CREDITS[1]:
            lines = [r for r in lines if r["category"] == "Pièce"]
        if not lines:
            return
        m = self.gen.rnd.choice(lines)
        if reason == PARTIAL_CREDITS[2]:  # a gesture: part of the line's price
            spec = f"{m['article']}:1:{to_cents(m['unit_price'] * Decimal(self.gen.rnd.choice(('0.1', '0.15', '0.2'))))}"
        else:
            spec = f"{m['article']}:{min(m['qty'], ONE)}"
        self.credit(day, number, reason, [spec])

    # payments
    def order_total(self, job: _Job) -> Decimal | None:
        if job.idx not in self.order:
            return None
        (row,) = self.store.rows_where("tCommandes", "number", {self.order[job.idx]})
        return row["total_ttc"]

    def doc(self, number: str) -> Any:
        (row,) = self.store.rows_where("tFactures", "number", {number})
        return row

    def through_bank(self, day: dt.date, amount: Decimal, label: str, confirm: str) -> dict[str, Any] | None:
        """The money as the bank's statement brings it: `syc banque importer` of the day's one-line
        CAMT.053, then `syc banque rapprocher --confirmer LINE=confirm` (a transfer becomes the
        payment of the documents named, a slip or a card batch is credited)."""
        from pyxl.services import bank

        self.gen.bank_seq += 1
        name, data = statement_file(day, self.gen.bank_seq, amount, label)
        got = self.act("banque importer", day, lambda s: bank.import_statement(s, data, name, day))
        if not got or not got["ids"]:
            return None
        line = str(got["ids"][0])

        def reconcile(s: Any) -> Any:
            rec = bank.reconcile(s, day, [f"{line}={confirm}"])
            bank.record_transfers(s, rec, day)
            return rec.result

        return self.act("banque rapprocher", day, reconcile)

    def pay(self, job: _Job, day: dt.date, number: str, amount: Decimal, mode: str) -> str | None:
        from pyxl.services import payments

        reference = self.gen.reference(job, mode) or ""
        if self.gen.by_bank(day, mode):
            done = self.through_bank(day, amount, reference, number)
            pid = str(done["confirmees"][0]["reglement"]) if done else ""
            if pid:
                self.payments[pid] = (number, amount, mode)
            return pid or None
        data = self.act("reglement saisir", day, lambda s: payments.record_payment(
            s, number, str(amount), mode, day, reference))
        if not data:
            return None
        self.payments[str(data["id"])] = (number, amount, mode)
        return str(data["id"])

    def do_pay(self, job: _Job, day: dt.date, which: str, share: Decimal, mode: str) -> None:
        numbers = self.deposits.get(job.idx, []) if which == "deposit" else [self.invoice.get(job.idx, "")]
        docs = [self.doc(n) for n in numbers if n]
        doc = next((d for d in docs if d["total_ttc"] - d["paid"] - d["credited"] > 0), None)
        if doc is None:
            return
        left = doc["total_ttc"] - doc["paid"] - doc["credited"]
        amount = left if share == ONE else max(to_cents(left * share), Decimal("0.01"))
        if mode == "Espèces" and (self.order_total(job) or doc["total_ttc"]) > CASH_LIMIT:
            mode = "Chèque"  # what the assistant takes instead: cash is refused above 1 000 € (D112-3)
        if _together(self.gen.rnd, job, which, share, mode):
            other = _partner(self.store.rows_where("tFactures", "client", {str(doc["client"])}), doc, day)
            if other is not None:
                from pyxl.services import payments

                numbers = [str(doc["number"]), str(other["number"])]
                total = (doc["total_ttc"] - doc["paid"] - doc["credited"]
                         + other["total_ttc"] - other["paid"] - other["credited"])
                reference = f"{self.gen.reference(job, mode)} {' '.join(numbers)}"[:60]
                if self.gen.by_bank(day, mode):
                    self.through_bank(day, total, reference, ",".join(numbers))
                    return
                self.act("reglement saisir", day, lambda s: payments.receive(
                    s, str(total), mode, day, documents=numbers, reference=reference))
                return
        extra, after = _overpaid(self.gen.rnd, which, share, mode)
        pid = self.pay(job, day, str(doc["number"]), amount + extra, mode)
        r = self.gen.rnd.random()
        if pid and extra:
            self.gen.later(_next_workday(day + dt.timedelta(days=after)), job, "refund", extra)
        elif pid and mode == "Chèque" and r < 0.015:  # the cheque bounces
            self.gen.later(_next_workday(day + dt.timedelta(days=self.gen.rnd.randint(4, 12))), job, "cancel_pay",
                           pid, BOUNCED)
        elif pid and r < 0.004:
            self.gen.later(day, job, "cancel_pay", pid, MISTYPED)

    def do_cancel_pay(self, job: _Job, day: dt.date, pid: str, reason: str) -> None:
        from pyxl.services import payments

        (row,) = self.store.rows_where("tReglements", "id", {pid})
        bounced = (reason == BOUNCED) if row.get("slip") else None  # a cheque on a slip: bounced or mistyped
        if not self.act("reglement annuler", day, lambda s: payments.cancel_payment(s, pid, reason, day,
                                                                                    bounced=bounced)):
            return
        number, amount, mode = self.payments[pid]
        if reason == MISTYPED:
            self.gen.later(day, job, "pay_again", number, amount, mode)
        else:
            self.gen.later(_next_workday(day + dt.timedelta(days=self.gen.rnd.randint(2, 20))), job, "pay_again",
                           number, None, "Virement")

    def do_refund(self, job: _Job, day: dt.date, amount: Decimal) -> None:
        from pyxl.services import payments

        done = self.act("remboursement creer", day, lambda s: payments.refund(s, str(job.client["code"]),
                                                                             str(amount), "virement", REFUNDED, day))
        if done and self.gen.by_bank(day, "Virement"):
            self.through_bank(day, -amount, refund_label(job.client), str(done["id"]))

    def do_slip(self, _job: None, day: dt.date, mode: str) -> None:
        from pyxl.services import slips

        if slips.pending(self.store, mode, day):  # an empty slip is refused: the assistant makes none
            done = self.act("bordereau creer", day, lambda s: slips.create(s, day, dict(SLIP_MODES)[mode]))
            if done:
                self.gen.credit_later(day, mode, str(done["numero"]))

    def do_credit_slip(self, _job: None, day: dt.date, number: str) -> None:
        (slip,) = self.store.rows_where("tBordereaux", "number", {number})
        fee = to_cents(slip["total"] * CARD_FEE) if slip["mode"] == "CB" else ZERO
        self.through_bank(day, slip["total"] - fee, slip_label(slip.values), number)

    def do_pay_again(self, job: _Job, day: dt.date, number: str, amount: Decimal | None, mode: str) -> None:
        doc = self.doc(number)
        left = doc["total_ttc"] - doc["paid"] - doc["credited"]
        if left > 0:
            self.pay(job, day, number, min(amount or left, left), mode)
