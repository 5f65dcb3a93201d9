"""The books: journal entries as a deterministic function of the issued documents and the payment
rows, never typed (issue 15; domain.md §5.1).

Sales journal (VE): an invoice D 411 (the client's auxiliary account) / C 704, 706 or 707 by the
category of its operation / C VAT; a deposit invoice D 411 / C 4191 HT / C VAT; a final invoice
then takes its deposits back: D 4191 HT + D VAT of the deposit / C 411 deposit TTC; a credit note
is the opposite of what it credits; a penalty note D 411 / C 7631 (interest) and 7588 (the 40 €
indemnities), without VAT.
VAT: works and services are taxed on receipts: their VAT waits in 44574 and moves to 44571 as they
are paid, pro rata to the TTC of each rate (a cheque's VAT is due on its receipt, not when the
slip reaches the bank); deposits too, even on goods (CGI 269-2-a since 2023); goods delivered take
44571 at invoicing, and services too under the debits option.
Bank journal (BQ): transfers and cards 512, cheques 5112 until their slip is credited (then
512 / 5112 on that day); cash journal (CA): 530. Refunds and reversals are opposite entries (bank
charges of a bounced payment 627). A compensation pair (credit used, credit note's excess) moves
no money: no 411 line, lettrage only (and the VAT it makes due, in OD).

Each entry balances and carries its document's number. Lettrage: on each client's account, the
lines of one document (its credit notes, payments, reversals; the client's credit joined by the
compensations that used it) get a code when they net to zero, dated by their last line.
These are the firm's sales-and-receipts entries for its accountant, not its validated books.
Pure code: no store, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pyxl.core import pricing
from pyxl.core.fec.writer import Entry, EntryLine
from pyxl.core.money import to_cents

ZERO = Decimal("0.00")

# role → (account, label): the PCG defaults, which the accountant changes in « Plan comptable »
DEFAULT_CHART: dict[str, tuple[str, str]] = {
    "clients": ("411", "Clients"),
    "acomptes": ("4191", "Clients - avances et acomptes reçus sur commandes"),
    "douteux": ("416", "Clients douteux ou litigieux"),
    "tva_collectee": ("44571", "TVA collectée"),
    "tva_encaissements": ("44574", "TVA collectée sur encaissements (en attente)"),
    "banque": ("512", "Banque"),
    "cheques": ("5112", "Chèques à encaisser"),
    "caisse": ("530", "Caisse"),
    "travaux": ("704", "Travaux"),
    "services": ("706", "Prestations de services"),
    "marchandises": ("707", "Ventes de marchandises"),
    "rabais": ("709", "Rabais, remises et ristournes accordés par l'entreprise"),
    "penalites": ("7631", "Revenus des créances commerciales"),
    "indemnites": ("7588", "Produits divers de gestion courante"),
    "deplacements": ("", "Ports et frais accessoires facturés"),
    "frais_bancaires": ("627", "Services bancaires et assimilés"),
    "pertes": ("654", "Pertes sur créances irrécouvrables"),
    "recouvrements": ("7714", "Recouvrements sur créances amorties"),
}
ROLE_LABELS: dict[str, str] = {
    "clients": "Clients (un compte auxiliaire par client)",
    "acomptes": "Acomptes reçus sur commandes (factures d'acompte)",
    "douteux": "Clients douteux ou litigieux",
    "tva_collectee": "TVA collectée (exigible)",
    "tva_encaissements": "TVA sur encaissements, en attente du paiement",
    "banque": "Banque (virements, cartes, chèques crédités)",
    "cheques": "Chèques reçus, pas encore crédités par la banque",
    "caisse": "Caisse (espèces)",
    "travaux": "Ventes : travaux (installation, remplacement, ouvrage)",
    "services": "Ventes : prestations de services (entretien, dépannage)",
    "marchandises": "Ventes : marchandises vendues sans pose",
    "rabais": "Avoirs consentis à titre de geste commercial",
    "penalites": "Pénalités de retard facturées",
    "indemnites": "Indemnités forfaitaires de recouvrement (40 €)",
    "deplacements": ("Déplacements facturés (articles de la famille « Déplacement ») : vide, ils vont avec les "
                     "travaux ou la prestation ; 7085 pour les suivre à part"),
    "frais_bancaires": "Frais bancaires des impayés et commissions",
    "pertes": "Créances irrécouvrables",
    "recouvrements": "Règlements reçus sur une facture passée en perte",
}
JOURNALS = {"VE": "Ventes", "BQ": "Banque", "CA": "Caisse", "OD": "Opérations diverses"}

INVOICE, DEPOSIT, CREDIT = "Facture", "Facture d'acompte", "Avoir"
GOODS, MIXED = "Livraison de biens", "Mixte"
SERVICE_NATURES = ("Dépannage", "Entretien")
HOURS = ("h", "heure", "heures")


@dataclass(frozen=True)
class DocLine:
    line: pricing.Line
    unit: str = ""
    travel: bool = False  # an article of the family « Déplacement »


@dataclass(frozen=True)
class Doc:
    """An issued invoice, deposit invoice or credit note."""

    number: str
    doc_type: str
    date: dt.date
    client: str
    client_name: str
    lines: tuple[DocLine, ...]
    nature: str = ""
    operation: str = ""
    origin: str = ""
    credit_cause: str = ""
    discount_pct: Decimal = Decimal(0)
    # a document settled before the period asked for and untouched since: its stored « Total TTC »
    # stands for its lines (only its client's account and lettrage need it; see `build(since=…)`)
    total: Decimal | None = None


@dataclass(frozen=True)
class Note:
    """An issued penalty note."""

    number: str
    date: dt.date
    client: str
    client_name: str
    interest: Decimal
    indemnity: Decimal


@dataclass(frozen=True)
class Payment:
    """One « Règlements » row (an allocation)."""

    id: str
    date: dt.date
    invoice: str
    client: str
    amount: Decimal
    mode: str
    kind: str = ""
    cancels: str = ""
    group: str = ""
    charges: Decimal | None = None
    slip: str = ""
    bounced: bool = False
    reference: str = ""


DOUBTFUL, WRITTEN_OFF, CANCELLED = "Douteuse", "Irrécouvrable", "Annulation"


@dataclass(frozen=True)
class Loss:
    """A dated row on an invoice the client may never pay: declared doubtful (411 → 416), written
    off as irrecoverable (654, its VAT reversed), or the opposite of such a row (`cancels`)."""

    id: str
    date: dt.date
    invoice: str
    client: str
    kind: str
    reason: str = ""
    cancels: str = ""


@dataclass(frozen=True)
class Slip:
    number: str
    date: dt.date
    mode: str
    total: Decimal
    status: str = "Remis"
    credited_on: dt.date | None = None
    fee: Decimal | None = None
    # the day the workbook booked the crediting (the bank's statement may come in late): a cheque
    # reversed before that day was booked on 5112, and moves to 512 on that day; None: `credited_on`
    booked_on: dt.date | None = None
    # the reversals (their payment ids) of its cheques booked on that same day before the crediting
    booked_after: frozenset[str] = frozenset()

    @property
    def booked(self) -> dt.date | None:
        """The day the crediting counts from for the cheques reversed: when it was booked, never
        before the bank's date; None while the slip is not credited."""
        if self.status != "Crédité" or self.credited_on is None:
            return None
        return max(self.credited_on, self.booked_on or self.credited_on)

    def before(self, reversal: Payment) -> bool:
        """Whether the reversal of one of its cheques was booked before its crediting (on 5112)."""
        booked = self.booked
        # the same day: the sheet's order tells, once the crediting was booked after the bank's day
        # (a crediting booked on the bank's day counts first: the migration's sheets are in date order)
        return (booked is None or reversal.date < booked
                or (reversal.date == booked and booked != self.credited_on
                    and (reversal.group or reversal.id) in self.booked_after))


@dataclass(frozen=True)
class SlipTransfer:
    """A cheque of a slip reversed (bounced) on a day the slip's crediting was not booked yet: the
    reversal went to 5112; once the crediting is booked, on that day, 5112 → 512 for its amount
    (an entry booked is never rewritten)."""

    slip: Slip
    date: dt.date  # the day the slip's crediting was booked
    reversal: str  # the reversal's payment id (its group)
    cheque: str  # the id of the cheque reversed (its group's first row)
    amount: Decimal


@dataclass(frozen=True)
class Options:
    vat_on_debits: bool = False
    chart: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT_CHART))


@dataclass(frozen=True)
class VatMove:
    """A change of the VAT due (44571): at invoicing, or on a payment of a document taxed on receipts."""

    date: dt.date
    ref: str
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class VatRate:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Books:
    entries: tuple[Entry, ...]
    vat: tuple[VatMove, ...]
    unbalanced: tuple[str, ...] = ()  # every entry balances: a ref here is a bug or a broken row
    owed: Mapping[str, Decimal] = field(default_factory=dict)  # client → balance of his 411 account


# --------------------------------------------------------------------------- documents, per rate
@dataclass
class _Rate:
    rate: Decimal
    income: dict[str, Decimal]  # role → HT
    vat: Decimal
    dep_ht: Decimal  # deposits deducted (positive on a final invoice)
    dep_vat: Decimal
    net_ht: Decimal
    net_vat: Decimal


def _income_role(d: Doc, unit: str, travel: bool = False) -> str:
    if d.doc_type == DEPOSIT:
        return "acomptes"
    operation = d.operation or (GOODS if d.nature == "Vente sans pose" else "")
    if operation == GOODS:
        return "marchandises"
    if operation == MIXED:
        return "services" if unit.strip().lower() in HOURS else "marchandises"
    if travel:
        return "deplacements"
    return "services" if d.nature in SERVICE_NATURES else "travaux"


def _rates(d: Doc, role_doc: Doc, travel: bool = False) -> list[_Rate]:
    """Per rate: income by role, VAT, deposits deducted, net amounts; `travel`: travel lines apart."""
    totals = pricing.compute([x.line for x in d.lines], d.discount_pct or Decimal(0))
    out = []
    for r in totals.per_rate:
        here = [x for x in d.lines if x.line.rate == r.rate]
        weights: dict[str, Decimal] = {}
        income: dict[str, Decimal] = {}
        pos_vat = dep_ht = dep_vat = ZERO
        for x in here:
            role = _income_role(role_doc, x.unit, travel and x.travel)
            if x.line.fixed_vat is None:
                weights[role] = weights.get(role, ZERO) + x.line.net
            elif x.line.net >= 0:
                income[role] = income.get(role, ZERO) + x.line.net
                pos_vat += x.line.fixed_vat
            else:
                dep_ht -= x.line.net
                dep_vat -= x.line.fixed_vat
        if len(weights) == 1:
            (role,) = weights
            income[role] = income.get(role, ZERO) + r.gross - r.discount
        elif weights:
            roles = sorted(weights)
            shares = pricing.spread(r.gross - r.discount, {Decimal(i): weights[k] for i, k in enumerate(roles)})
            for i, role in enumerate(roles):
                income[role] = income.get(role, ZERO) + shares[Decimal(i)]
        out.append(_Rate(r.rate, income, r.vat - r.deducted_vat + pos_vat, dep_ht, dep_vat,
                         r.base, r.vat))
    return out


@dataclass
class _Pending:
    """A document taxed on receipts: what its VAT is, what was paid, what was moved to 44571."""

    net_ht: dict[Decimal, Decimal]
    net_vat: dict[Decimal, Decimal]
    paid: Decimal = ZERO
    moved_ht: dict[Decimal, Decimal] = field(default_factory=dict)
    moved_vat: dict[Decimal, Decimal] = field(default_factory=dict)

    def retarget(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """(rate, base, VAT) to move so that what was moved is the paid share of each rate's VAT."""
        ttc = sum(self.net_ht.values(), ZERO) + sum(self.net_vat.values(), ZERO)
        ratio = Decimal(1) if ttc <= 0 or self.paid >= ttc else max(self.paid, ZERO) / ttc
        moves = []
        for rate in sorted(set(self.net_ht) | set(self.net_vat) | set(self.moved_vat), reverse=True):
            t_ht = to_cents(self.net_ht.get(rate, ZERO) * ratio)
            t_vat = to_cents(self.net_vat.get(rate, ZERO) * ratio)
            d_ht = t_ht - self.moved_ht.get(rate, ZERO)
            d_vat = t_vat - self.moved_vat.get(rate, ZERO)
            if d_ht or d_vat:
                self.moved_ht[rate] = t_ht
                self.moved_vat[rate] = t_vat
                moves.append((rate, d_ht, d_vat))
        return moves


# --------------------------------------------------------------------------- the builder
@dataclass(slots=True)
class _Line:
    role: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    client: str = ""
    key: str | None = None  # lettrage key on a 411 line
    label: str = ""
    owes: str | None = None  # on 411 or 416: the document whose open balance it moves (default: key)


class _Builder:
    def __init__(self, options: Options, names: Mapping[str, str], payments: Sequence[Payment],
                 slips: Sequence[Slip]) -> None:
        self.chart = {**DEFAULT_CHART, **options.chart}
        self.travel = bool(self.chart["deplacements"][0])  # travel apart only when the chart gives its account
        self.debits = options.vat_on_debits
        self.names = names
        self.docs: dict[str, Doc] = {}
        self.pending: dict[str, _Pending] = {}
        self.by_id = {p.id: p for p in payments}
        self.slips = {s.number: s for s in slips}
        self.entries: list[Entry] = []
        # (entry, line, client, key, date, debit − credit) of every 411 line; entry −1 before `since`
        self.keys: list[tuple[int, int, str, str, dt.date, Decimal]] = []
        self.since: dt.date | None = None
        self.unbalanced: list[str] = []  # refs of entries that do not balance (a bug, or a broken row)
        self.owed: dict[str, Decimal] = {}  # client → balance of his 411 account
        self.links: list[tuple[str, set[str]]] = []  # (client, keys) joined by a compensation
        self.vat: list[VatMove] = []
        self.open: dict[str, Decimal] = {}  # document → what the client still owes on it (411 or 416)
        self.doubtful: set[str] = set()  # documents moved to 416
        self.basis: dict[str, tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]] = {}  # net HT, VAT per rate
        # loss id → (its lines, what it took from the VAT waiting for payment, its VAT moves)
        self.losses: dict[str, tuple[list[_Line], _Pending | None, list[VatMove]]] = {}
        # invoice written off → its net HT and VAT per rate: what is paid on it later is a recovery (7714)
        self.lost: dict[str, tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]] = {}
        # totals per day and journal instead of the entries (`daily_totals`), those of `leave_out` apart
        self.totals: dict[dt.date, dict[str, list[Decimal]]] | None = None
        self.leave_out: set[str] = set()
        # with `daily_totals`: the only documents kept once processed (the origins of credit notes)
        self.keep: set[str] | None = None
        # with `totals_and_entries`: the entries from this day are kept too (the totals go on)
        self.entries_from = dt.date.max

    # ---- output
    def emit(self, journal: str, date: dt.date, ref: str, ref_date: dt.date, label: str, lines: list[_Line]) -> None:
        lines = [x for x in lines if x.debit or x.credit]
        if not lines:
            return
        if sum((x.debit - x.credit for x in lines), ZERO) != 0:
            self.unbalanced.append(ref)
        for x in lines:
            if x.role in ("clients", "douteux"):
                self.owed[x.client] = self.owed.get(x.client, ZERO) + x.debit - x.credit
                owes = x.owes if x.owes is not None else x.key
                if owes:
                    self.open[owes] = self.open.get(owes, ZERO) + x.debit - x.credit
        if self.totals is not None:
            if (self.since is None or date >= self.since) and ref not in self.leave_out:
                t = self.totals.setdefault(date, {}).setdefault(journal, [ZERO, ZERO])
                for x in lines:
                    net = x.debit - x.credit
                    if net > 0:  # a zero is not added: the sums start at 0.00 and keep their cents
                        t[0] += net
                    elif net < 0:
                        t[1] -= net
            if date < self.entries_from:
                return
        if self.since is not None and date < self.since:  # before the period: only what lettrage needs
            for x in lines:
                if x.key is not None:
                    self.keys.append((-1, -1, x.client, x.key, date, x.debit - x.credit))
            return
        out: list[EntryLine] = []
        for x in lines:
            net = x.debit - x.credit  # a negative amount goes to the other side (no copy of the line made)
            debit, credit = max(net, ZERO), max(-net, ZERO)
            account, account_label = self.chart[x.role]
            aux = x.client if x.role in ("clients", "douteux") else ""
            if x.key is not None:
                self.keys.append((len(self.entries), len(out), x.client, x.key, date, debit - credit))
            out.append(EntryLine(account=account, account_label=account_label, debit=debit, credit=credit,
                                 aux_account=aux, aux_label=self.names.get(aux, aux) if aux else "", label=x.label))
        self.entries.append(Entry(journal=journal, journal_label=JOURNALS[journal], date=date, ref=ref,
                                  ref_date=ref_date, label=label, validated_on=date, lines=tuple(out)))

    def _vat_role(self, d: Doc) -> str:
        return "tva_encaissements" if self._on_receipts(d) else "tva_collectee"

    def _on_receipts(self, d: Doc) -> bool:
        goods = d.operation in (GOODS, MIXED) or (not d.operation and d.nature == "Vente sans pose")
        if d.doc_type == DEPOSIT:
            return goods or not self.debits  # deposits on goods: on receipt (CGI 269-2-a)
        return not goods and not self.debits

    def _moves(self, number: str, date: dt.date, ref: str) -> Decimal:
        """Move the VAT of a document taxed on receipts to its paid share; the VAT moved (signed)."""
        st = self.pending.get(number)
        if st is None:
            return ZERO
        total = ZERO
        for rate, base, vat in st.retarget():
            self.vat.append(VatMove(date, ref, rate, base, vat))
            total += vat
        return total

    # ---- documents
    def doc(self, d: Doc) -> None:
        if self.keep is None or d.number in self.keep:
            self.docs[d.number] = d
        if d.total is not None and not d.lines:
            if self.since is None or d.date >= self.since:
                raise ValueError(f"{d.number}: a document without its lines only before the period asked for")
            key, amount = (d.origin, -d.total) if d.doc_type == CREDIT else (d.number, d.total)
            self.keys.append((-1, -1, d.client, key, d.date, amount))
            self.owed[d.client] = self.owed.get(d.client, ZERO) + amount
            return
        name = d.client_name or self.names.get(d.client, d.client)
        if d.doc_type == CREDIT:
            self.credit_note(d, name)
            return
        rates = _rates(d, d, self.travel)
        vat_role = self._vat_role(d)
        full_ttc = sum((sum(r.income.values(), ZERO) + r.vat for r in rates), ZERO)
        dep_ttc = sum((r.dep_ht + r.dep_vat for r in rates), ZERO)
        lines = [_Line("clients", debit=full_ttc, client=d.client, key=d.number)]
        lines += self._income_lines(rates, credit=True)
        lines.append(_Line(vat_role, credit=sum((r.vat for r in rates), ZERO)))
        if dep_ttc:
            lines.append(_Line("acomptes", debit=sum((r.dep_ht for r in rates), ZERO)))
            lines.append(_Line(vat_role, debit=sum((r.dep_vat for r in rates), ZERO)))
            lines.append(_Line("clients", credit=dep_ttc, client=d.client, key=d.number, label="Acomptes déduits"))
        what = "Facture d'acompte" if d.doc_type == DEPOSIT else "Facture"
        self.emit("VE", d.date, d.number, d.date, f"{what} {d.number} {name}", lines)
        self.basis[d.number] = ({r.rate: r.net_ht for r in rates}, {r.rate: r.net_vat for r in rates})
        if vat_role == "tva_encaissements":
            self.pending[d.number] = _Pending({r.rate: r.net_ht for r in rates}, {r.rate: r.net_vat for r in rates})
        else:
            self.vat += [VatMove(d.date, d.number, r.rate, r.net_ht, r.net_vat) for r in rates]

    def _income_lines(self, rates: list[_Rate], credit: bool, rebate: bool = False) -> list[_Line]:
        income: dict[str, Decimal] = {}
        for r in rates:
            for role, amount in r.income.items():
                role = "rabais" if rebate and role != "acomptes" else role
                income[role] = income.get(role, ZERO) + amount
        order = ("acomptes", "travaux", "services", "marchandises", "deplacements", "rabais")
        return [_Line(role, credit=a) if credit else _Line(role, debit=a)
                for role, a in sorted(income.items(), key=lambda kv: order.index(kv[0]))]

    def credit_note(self, d: Doc, name: str) -> None:
        known = self.docs.get(d.origin)
        origin = known or replace(d, doc_type=INVOICE)
        rates = _rates(d, origin, self.travel)
        # an origin among no documents read is an invoice of an archived year, read without its
        # archive: closed (paid in full, the only one a credit note may still be on), its VAT collected
        vat_role = self._vat_role(origin) if known is not None or not d.origin else "tva_collectee"
        lines = self._income_lines(rates, credit=False, rebate=d.credit_cause == "Geste commercial")
        vat = {vat_role: sum((r.vat for r in rates), ZERO) - sum((r.dep_vat for r in rates), ZERO)}
        basis = self.basis.get(origin.number)
        if basis is not None:
            for r in rates:
                basis[0][r.rate] = basis[0].get(r.rate, ZERO) - r.net_ht
                basis[1][r.rate] = basis[1].get(r.rate, ZERO) - r.net_vat
        st = self.pending.get(origin.number)
        if st is not None:
            for r in rates:
                st.net_ht[r.rate] = st.net_ht.get(r.rate, ZERO) - r.net_ht
                st.net_vat[r.rate] = st.net_vat.get(r.rate, ZERO) - r.net_vat
            moved = self._moves(origin.number, d.date, d.number)
            vat["tva_encaissements"] = vat.get("tva_encaissements", ZERO) + moved
            vat["tva_collectee"] = vat.get("tva_collectee", ZERO) - moved
        else:
            self.vat += [VatMove(d.date, d.number, r.rate, -r.net_ht, -r.net_vat) for r in rates]
        for role in ("tva_encaissements", "tva_collectee"):
            if vat.get(role):
                lines.append(_Line(role, debit=vat[role]))
        full_ttc = sum((sum(r.income.values(), ZERO) + r.vat for r in rates), ZERO)
        dep_ht = sum((r.dep_ht for r in rates), ZERO)
        lines.append(_Line("clients", credit=full_ttc, client=d.client, key=origin.number))
        if dep_ht:
            lines.append(_Line("acomptes", credit=dep_ht))
            lines.append(_Line("clients", debit=dep_ht + sum((r.dep_vat for r in rates), ZERO), client=d.client,
                               key=origin.number, label="Acomptes repris"))
        self.emit("VE", d.date, d.number, d.date, f"Avoir {d.number} sur {d.origin} {name}", lines)

    def note(self, n: Note) -> None:
        name = n.client_name or self.names.get(n.client, n.client)
        self.emit("VE", n.date, n.number, n.date, f"Note de pénalités {n.number} {name}",
                  [_Line("clients", debit=n.interest + n.indemnity, client=n.client, key=n.number),
                   _Line("penalites", credit=n.interest), _Line("indemnites", credit=n.indemnity)])

    # ---- payments
    def _treasury(self, p: Payment) -> str:
        if p.cancels and p.cancels in self.by_id:
            original = self.by_id[p.cancels]
            if original.mode == "Chèque":
                # the bank had credited the slip by the day of the reversal: 512, else still 5112 (a
                # rule of dates, not of the slip's status today: the entry is the same whenever it is
                # computed, before or after the crediting — the « Écritures » sheet keeps it)
                # — as booked: a crediting booked after the reversal (a late statement) moves it
                # to 512 on that day with its own entry (`SlipTransfer`)
                slip = self.slips.get(original.slip)
                return "cheques" if slip is None or slip.before(p) else "banque"
            return self._treasury(original)
        if p.mode == "Espèces":
            return "caisse"
        if p.mode == "Chèque" and p.amount > 0:
            return "cheques"
        return "banque"

    def payment(self, gid: str, rows: list[Payment]) -> None:
        first = rows[0]
        name = self.names.get(first.client, first.client)
        money = [r for r in rows if r.mode != "Compensation"]
        lines: list[_Line] = []
        treasury: dict[str, Decimal] = {}
        for r in money:
            role = self._treasury(r)
            treasury[role] = treasury.get(role, ZERO) + r.amount
        total = sum((r.amount for r in money), ZERO)
        clients = [y for r in money for y in self._client_lines(r, gid)]
        cash = [_Line(role, debit=amount) for role, amount in treasury.items()]
        lines = cash + clients if total >= 0 else clients + cash
        for r in money:
            if r.charges:
                lines += [_Line("frais_bancaires", debit=r.charges, label="Frais bancaires de l'impayé"),
                          _Line("banque", credit=r.charges, label="Frais bancaires de l'impayé")]
        touched: list[str] = []
        for r in rows:
            key = self._key(r)
            if key in self.pending:
                self.pending[key].paid += r.amount
                if key not in touched:
                    touched.append(key)
        moved = sum((self._moves(k, first.date, gid) for k in touched), ZERO)
        if moved > 0:
            lines += [_Line("tva_encaissements", debit=moved), _Line("tva_collectee", credit=moved)]
        elif moved < 0:
            lines += [_Line("tva_collectee", debit=-moved), _Line("tva_encaissements", credit=-moved)]
        if not money:
            compensated = {self._key(r) for r in rows}
            self.links.append((first.client, compensated))
        journal = "CA" if "caisse" in treasury else ("BQ" if money else "OD")
        self.emit(journal, first.date, gid, first.date, f"{self._what(first)} {name}", lines)

    def _client_lines(self, r: Payment, gid: str) -> list[_Line]:
        """The payment on the client's account: 411, or 416 once its document was declared doubtful;
        on an invoice written off, a recovery: 7714 for its HT share and its VAT collected again
        (44571, due that day), pro rata to the invoice's TTC per rate, since the write-off took it back."""
        key = self._key(r)
        label = f"{self._what(r)} {key}".strip()
        if key in self.lost:
            ht, vats = self.lost[key]
            ttc = sum(ht.values(), ZERO) + sum(vats.values(), ZERO)
            moves = [VatMove(r.date, gid, rate, to_cents(r.amount * ht.get(rate, ZERO) / ttc),
                             to_cents(r.amount * vats.get(rate, ZERO) / ttc))
                     for rate in sorted(set(ht) | set(vats), reverse=True) if ttc]
            moves = [m for m in moves if m.base or m.vat]
            self.vat += moves
            vat = sum((m.vat for m in moves), ZERO)
            return [_Line("recouvrements", credit=r.amount - vat, label=label),
                    _Line("tva_collectee", credit=vat, label=label)]
        if key in self.doubtful:
            return [_Line("douteux", credit=r.amount, client=r.client, owes=key, label=label)]
        return [_Line("clients", credit=r.amount, client=r.client, key=key, label=label)]

    # ---- doubtful debts and write-offs
    def loss(self, x: Loss) -> None:
        name = self.names.get(x.client, x.client)
        if x.kind == CANCELLED:
            self._undo(x, name)
            return
        amount = self.open.get(x.invoice, ZERO)
        account = "douteux" if x.invoice in self.doubtful else "clients"
        owed = _Line(account, credit=amount, client=x.client, key=x.invoice if account == "clients" else None,
                     owes=x.invoice)
        taken: _Pending | None = None
        moves: list[VatMove] = []
        if x.kind == DOUBTFUL:
            lines = [_Line("douteux", debit=amount, client=x.client, owes=x.invoice), owed]
            self.doubtful.add(x.invoice)
            what = "Créance douteuse"
        else:
            st = self.pending.pop(x.invoice, None)
            if st is not None:  # VAT on receipts: what still waits for the payment never becomes due
                taken = st
                vat = sum(st.net_vat.values(), ZERO) - sum(st.moved_vat.values(), ZERO)
                vat_lines = [_Line("tva_encaissements", debit=vat)]
            else:  # VAT due at invoicing: recovered (CGI art. 272-1), in the VAT figures of the day
                ht, vats = self.basis.get(x.invoice, ({}, {}))
                ttc = sum(ht.values(), ZERO) + sum(vats.values(), ZERO)
                for rate in sorted(set(ht) | set(vats), reverse=True):
                    if ttc:
                        moves.append(VatMove(x.date, x.id, rate, -to_cents(amount * ht.get(rate, ZERO) / ttc),
                                             -to_cents(amount * vats.get(rate, ZERO) / ttc)))
                vat = -sum((m.vat for m in moves), ZERO)
                vat_lines = [_Line("tva_collectee", debit=vat)]
                self.vat += moves
            lines = [_Line("pertes", debit=amount - vat), *vat_lines, owed]
            self.doubtful.discard(x.invoice)
            basis = self.basis.get(x.invoice, ({}, {}))
            self.lost[x.invoice] = (dict(basis[0]), dict(basis[1]))
            what = "Créance irrécouvrable"
        self.losses[x.id] = (lines, taken, moves)
        self.emit("OD", x.date, x.id, x.date, f"{what} {x.invoice} {name}" + (f" : {x.reason}" if x.reason else ""),
                  lines)

    def _undo(self, x: Loss, name: str) -> None:
        """The opposite entry of the row `x` cancels (a transfer to 416 gives back what 416 still holds)."""
        found = self.losses.pop(x.cancels, None)
        if found is None:
            return
        lines, taken, moves = found
        if any(y.role == "pertes" for y in lines):
            self.lost.pop(x.invoice, None)
            if taken is not None:
                self.pending[x.invoice] = taken
            else:
                self.vat += [VatMove(x.date, x.id, m.rate, -m.base, -m.vat) for m in moves]
            if any(y.role == "douteux" for y in lines):
                self.doubtful.add(x.invoice)
            back = [replace(y, debit=y.credit, credit=y.debit) for y in reversed(lines)]
        else:
            amount = self.open.get(x.invoice, ZERO) if x.invoice in self.doubtful else ZERO
            self.doubtful.discard(x.invoice)
            back = [_Line("clients", debit=amount, client=x.client, key=x.invoice),
                    _Line("douteux", credit=amount, client=x.client, owes=x.invoice)]
        self.emit("OD", x.date, x.id, x.date, f"Annulation de {x.cancels} sur {x.invoice} {name}"
                  + (f" : {x.reason}" if x.reason else ""), back)

    @staticmethod
    def _key(r: Payment) -> str:
        """The document a row is on ('' the client's credit): a reversal row carries its own (the part
        of a reversed payment that a credit note had turned into credit goes back on the credit)."""
        return r.invoice

    @staticmethod
    def _what(r: Payment) -> str:
        if r.cancels:
            return f"Annulation de {r.cancels}" + (" (impayé)" if r.bounced else "")
        if r.kind == "Remboursement":
            return "Remboursement"
        if r.mode == "Compensation":
            return r.kind or "Compensation"
        return f"Règlement ({r.mode.lower()})"

    def slip(self, s: Slip) -> None:
        assert s.credited_on is not None
        lines: list[_Line] = []
        if s.mode == "Chèque":
            lines += [_Line("banque", debit=s.total), _Line("cheques", credit=s.total)]
        if s.fee:
            lines += [_Line("frais_bancaires", debit=s.fee, label="Commission"),
                      _Line("banque", credit=s.fee, label="Commission")]
        what = "Remise de chèques" if s.mode == "Chèque" else "Lot de cartes"
        self.emit("BQ", s.credited_on, s.number, s.date, f"{what} {s.number} créditée", lines)

    def transfer(self, t: SlipTransfer) -> None:
        assert t.slip.credited_on is not None
        self.emit("BQ", t.date, t.slip.number, t.slip.date,
                  f"Chèque impayé {t.cheque} (annulé par {t.reversal}) de la remise {t.slip.number} créditée le "
                  f"{t.slip.credited_on:%d/%m/%Y}", [_Line("cheques", debit=t.amount), _Line("banque", credit=t.amount)])

    # ---- lettrage
    def letter(self) -> tuple[Entry, ...]:
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(k: tuple[str, str]) -> tuple[str, str]:
            parent.setdefault(k, k)
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for client, keys in self.links:
            ks = sorted(keys)
            for k in ks[1:]:
                parent[find((client, k))] = find((client, ks[0]))
        groups: dict[tuple[str, str], list[tuple[int, int, dt.date, Decimal]]] = {}
        for ei, li, client, key, date, amount in self.keys:
            groups.setdefault(find((client, key)), []).append((ei, li, date, amount))
        closed: dict[str, list[tuple[dt.date, str, list[tuple[int, int, dt.date, Decimal]]]]] = {}
        for (client, key), where in groups.items():
            if len(where) < 2 or sum((w[3] for w in where), ZERO) != 0:
                continue
            closed.setdefault(client, []).append((max(w[2] for w in where), key, where))
        changed: dict[int, dict[int, tuple[str, dt.date]]] = {}
        for groups_of_client in closed.values():
            for n, (last, _key, where) in enumerate(sorted(groups_of_client, key=lambda g: (g[0], g[1]))):
                code = letter_code(n)
                for ei, li, _d, _a in where:
                    if ei >= 0:
                        changed.setdefault(ei, {})[li] = (code, last)
        out = list(self.entries)
        for ei, marks in changed.items():
            e = out[ei]
            out[ei] = replace(e, lines=tuple(replace(x, matching=marks[li][0], matched_on=marks[li][1])
                                             if li in marks else x for li, x in enumerate(e.lines)))
        return tuple(out)


def letter_code(n: int) -> str:
    """AA, AB, … ZZ, AAA, …: the n-th lettrage code of an account."""
    width, start = 2, 0
    while n - start >= 26 ** width:
        start += 26 ** width
        width += 1
    n -= start
    out = ""
    for _ in range(width):
        out = chr(ord("A") + n % 26) + out
        n //= 26
    return out


def build(docs: Iterable[Doc], notes: Iterable[Note], payments: Iterable[Payment], slips: Iterable[Slip],
          names: Mapping[str, str], options: Options | None = None, until: dt.date | None = None,
          since: dt.date | None = None, losses: Iterable[Loss] = ()) -> Books:
    """All entries, in chronological order, of the documents and payments dated up to `until`; with
    `since`, the earlier ones are computed (VAT waiting, lettrage) but not returned."""
    payments = list(payments)
    slips = list(slips)
    b = _Builder(options or Options(), names, payments, slips)
    b.since = since
    _run(b, docs, notes, payments, slips, until, losses)
    return Books(b.letter(), tuple(b.vat), tuple(b.unbalanced), dict(b.owed))


def daily_totals(docs: Iterable[Doc], notes: Iterable[Note], payments: Iterable[Payment], slips: Iterable[Slip],
                 options: Options | None = None, until: dt.date | None = None, since: dt.date | None = None,
                 losses: Iterable[Loss] = (), leave_out: Collection[str] = ()) -> dict[dt.date, Totals]:
    """What `totals_by_day(build(…).entries)` gives, the entries whose ref is in `leave_out` left
    out, without keeping the entries: the memory of ten years of them is not needed for their sums
    (`syc verifier`, the closures' totals)."""
    return totals_and_entries(docs, notes, payments, slips, {}, options, until=until, since=since, losses=losses,
                              leave_out=leave_out)[0]


def totals_and_entries(docs: Iterable[Doc], notes: Iterable[Note], payments: Iterable[Payment],
                       slips: Iterable[Slip], names: Mapping[str, str], options: Options | None = None,
                       until: dt.date | None = None, since: dt.date | None = None, losses: Iterable[Loss] = (),
                       leave_out: Collection[str] = (), entries_from: dt.date | None = None,
                       ) -> tuple[dict[dt.date, Totals], list[Entry]]:
    """In one pass over the documents and payments, what `daily_totals` gives (the entries whose ref
    is in `leave_out` left out of the totals only) and the entries dated from `entries_from` (none
    without it; `since` ≤ `entries_from`), not lettered: `syc verifier` checks the closures' totals
    and the « Écritures » sheet of the open fiscal year with the same computation."""
    if entries_from is not None and since is not None and entries_from < since:
        raise ValueError("entries_from before since: the earlier documents may come without their lines")
    payments = list(payments)
    slips = list(slips)
    b = _Builder(options or Options(), names, payments, slips)
    b.since = since
    b.totals = {}
    b.leave_out = set(leave_out)
    b.entries_from = dt.date.max if entries_from is None else entries_from
    events = _events(docs, notes, payments, slips, losses)
    b.keep = {str(ev.origin) for _d, _o, _k, ev in events if isinstance(ev, Doc) and ev.doc_type == CREDIT}
    events.reverse()
    while events:  # each event let go once processed: its document (and lines) can be freed
        date, _order, key, ev = events.pop()
        if until is not None and date > until:
            break
        _step(b, key, ev)
    return {d: {j: (t[0], t[1]) for j, t in day.items()} for d, day in b.totals.items()}, b.entries


def _run(b: _Builder, docs: Iterable[Doc], notes: Iterable[Note], payments: list[Payment], slips: list[Slip],
         until: dt.date | None, losses: Iterable[Loss]) -> None:
    for date, _order, key, ev in _events(docs, notes, payments, slips, losses):
        if until is not None and date > until:
            break
        _step(b, key, ev)


def _events(docs: Iterable[Doc], notes: Iterable[Note], payments: list[Payment], slips: list[Slip],
            losses: Iterable[Loss]) -> list[tuple[dt.date, int, str, Any]]:
    """What the books record, in the order they record it: (date, kind order, key, event)."""
    events: list[tuple[dt.date, int, str, Any]] = []
    for d in docs:
        events.append((d.date, 0, d.number, d))
    for n in notes:
        events.append((n.date, 0, n.number, n))
    groups: dict[str, list[Payment]] = {}
    for p in payments:
        groups.setdefault(p.group or p.id, []).append(p)
    for gid, rows in groups.items():
        rows.sort(key=lambda p: p.id)
        events.append((min(p.date for p in rows), 1, gid, rows))
    for s in slips:
        if s.status == "Crédité" and s.credited_on is not None:
            events.append((s.credited_on, 2, s.number, s))
    for x in losses:
        events.append((x.date, 3, x.id, x))
    for t in transfers(payments, slips):
        events.append((t.date, 4, t.slip.number, t))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


def transfers(payments: Sequence[Payment], slips: Sequence[Slip]) -> list[SlipTransfer]:
    """The cheques of credited slips reversed before the day their slip's crediting was booked
    (their reversal on 5112): one 5112 → 512 transfer each, dated that day."""
    credited = {s.number: s for s in slips if s.mode == "Chèque" and s.booked is not None}
    if not credited:
        return []
    by_id = {p.id: p for p in payments}
    found: dict[tuple[str, str], list[Payment]] = {}
    for p in payments:
        original = by_id.get(p.cancels) if p.cancels else None
        if original is None or original.mode != "Chèque" or original.slip not in credited:
            continue
        if credited[original.slip].before(p):
            found.setdefault((original.slip, p.group or p.id), []).append(p)
    out = []
    for (number, gid), rows in sorted(found.items()):
        slip = credited[number]
        assert slip.booked is not None
        cheque = min(by_id[p.cancels].group or p.cancels for p in rows)
        out.append(SlipTransfer(slip, slip.booked, gid, cheque, -sum((p.amount for p in rows), ZERO)))
    return out


def _step(b: _Builder, key: str, ev: object) -> None:
    if isinstance(ev, Doc):
        b.doc(ev)
    elif isinstance(ev, Note):
        b.note(ev)
    elif isinstance(ev, Slip):
        b.slip(ev)
    elif isinstance(ev, Loss):
        b.loss(ev)
    elif isinstance(ev, SlipTransfer):
        b.transfer(ev)
    else:
        assert isinstance(ev, list)
        b.payment(key, ev)


def document_entries(docs: Iterable[Doc], all_docs: Iterable[Doc], names: Mapping[str, str],
                     options: Options | None = None) -> dict[str, tuple[Decimal, bool]]:
    """For each of `docs`: (what its entry puts on the client's account, whether it balances) —
    `syc verifier` compares the first with the document's « Total TTC »."""
    b = _Builder(options or Options(), names, [], [])
    b.since = dt.date.max
    b.docs = {d.number: d for d in all_docs}  # the origins of the credit notes
    out = {}
    for d in docs:
        owed, broken = b.owed.get(d.client, ZERO), len(b.unbalanced)
        b.doc(d)
        out[d.number] = (b.owed.get(d.client, ZERO) - owed, len(b.unbalanced) == broken)
    return out


# --------------------------------------------------------------------------- reports
def in_period(entries: Iterable[Entry], start: dt.date | None, end: dt.date | None,
              journal: str = "") -> list[Entry]:
    return [e for e in entries if (start is None or e.date >= start) and (end is None or e.date <= end)
            and (not journal or e.journal == journal)]


@dataclass(frozen=True)
class BalanceRow:
    account: str
    label: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


def trial_balance(entries: Iterable[Entry]) -> list[BalanceRow]:
    totals: dict[str, list[Decimal]] = {}
    labels: dict[str, str] = {}
    for e in entries:
        for x in e.lines:
            t = totals.setdefault(x.account, [ZERO, ZERO])
            t[0] += x.debit
            t[1] += x.credit
            labels.setdefault(x.account, x.account_label)
    return [BalanceRow(a, labels[a], d, c) for a, (d, c) in sorted(totals.items())]


@dataclass(frozen=True)
class LedgerLine:
    date: dt.date
    journal: str
    ref: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    matching: str
    matched_on: dt.date | None


def client_ledger(entries: Iterable[Entry], client: str, clients_account: str = "411") -> list[LedgerLine]:
    out = []
    running = ZERO
    for e in entries:
        for x in e.lines:
            if x.account == clients_account and x.aux_account == client:
                running += x.debit - x.credit
                out.append(LedgerLine(e.date, e.journal, e.ref, x.label or e.label, x.debit, x.credit, running,
                                      x.matching, x.matched_on))
    return out


def vat_figures(books: Books, start: dt.date, end: dt.date) -> list[VatRate]:
    """The VAT due (collected only) of a period, per rate: base HT and VAT."""
    base: dict[Decimal, Decimal] = {}
    vat: dict[Decimal, Decimal] = {}
    for m in books.vat:
        if start <= m.date <= end:
            base[m.rate] = base.get(m.rate, ZERO) + m.base
            vat[m.rate] = vat.get(m.rate, ZERO) + m.vat
    return [VatRate(r, base[r], vat[r]) for r in sorted(base, reverse=True) if base[r] or vat[r]]


# --------------------------------------------------------------------------- totals per journal (closures)
Totals = dict[str, tuple[Decimal, Decimal]]  # journal code → (debits, credits)


def journal_totals(entries: Iterable[Entry]) -> Totals:
    """Debit and credit totals of each journal over `entries` (equal when every entry balances)."""
    out: dict[str, list[Decimal]] = {}
    for e in entries:
        t = out.setdefault(e.journal, [ZERO, ZERO])
        for x in e.lines:
            t[0] += x.debit
            t[1] += x.credit
    return {j: (d, c) for j, (d, c) in out.items()}


def totals_by_day(entries: Iterable[Entry]) -> dict[dt.date, Totals]:
    days: dict[dt.date, list[Entry]] = {}
    for e in entries:
        days.setdefault(e.date, []).append(e)
    return {d: journal_totals(es) for d, es in days.items()}


def add_totals(*many: Totals) -> Totals:
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for totals in many:
        for j, (d, c) in totals.items():
            d0, c0 = out.get(j, (ZERO, ZERO))
            out[j] = (d0 + d, c0 + c)
    return out


def _cents(amount: Decimal) -> str:
    return f"{to_cents(amount):.2f}".replace(".", ",")


def format_totals(totals: Totals) -> str:
    """« VE D 1234,50 C 1234,50 ; BQ D 800,00 C 800,00 »: the journals in the order of JOURNALS
    (then any other), those without a movement left out; '' when there is none. One canonical text,
    since a closure fingerprints it."""
    order = list(JOURNALS) + sorted(set(totals) - set(JOURNALS))
    return " ; ".join(f"{j} D {_cents(totals[j][0])} C {_cents(totals[j][1])}"
                      for j in order if j in totals and (totals[j][0] or totals[j][1]))


def parse_totals(text: str | None) -> Totals:
    """The inverse of `format_totals`; ValueError on a text it did not write."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        words = part.split()
        if len(words) != 5 or words[1] != "D" or words[3] != "C":
            raise ValueError(part)
        out[words[0]] = (Decimal(words[2].replace(",", ".")), Decimal(words[4].replace(",", ".")))
    return out
