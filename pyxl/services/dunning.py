"""Getting paid: where each overdue invoice stands in the reminder procedure, on `as_of`.

The procedure is the « Niveaux de relance » table, level by level (1: call and simple letter,
2: registered letter, 3: formal notice, 4: payment-order file). A step is due when its delay has
passed AND, from level 2 on, the last step of the previous level (the letter, not the call) was
done AND the deadline it gave the client has run out, counted from the date recorded for it
(posted, acknowledgement of receipt), never from the day its PDF was made. The steps of one
level do not wait for each other: the letter goes out even when no call could be logged. An
unanswered call counts as done once logged.

An invoice leaves the process as soon as nothing is owed on it (paid, or credited). A stopped
invoice or client gets nothing: dispute, promise of payment until its date, payment plan kept,
blocked client, collective procedure for a claim born before the opening judgment (the claim is
declared instead, penalties stopped at the judgment; a claim born after it follows the normal
procedure, L622-17 C. com., with an alarm to inform the administrator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pyxl.core import interest as it
from pyxl.core import workflow as wf
from pyxl.core.frformat import date_fr, interest_rate
from pyxl.core.money import euros
from pyxl.services import dunning_rates
from pyxl.services import salesdocs as sd
from pyxl.workbook.schema import DUNNING_STEPS
from pyxl.workbook.store import Row, Store

ZERO = Decimal("0.00")
DAY = dt.timedelta(days=1)
PRESCRIPTION_YEARS = {True: 5, False: 2}  # business: L110-4 C. com. ; consumer: L218-2 C. conso (prescription_start)
PRESCRIPTION_WARNING_DAYS = 90
SMALL_CLAIMS_LIMIT = Decimal(5000)  # procédure simplifiée de recouvrement des petites créances (L125-1 CPCE)

CALL_OUTCOMES = ("Fait", "Appel sans réponse", "Message laissé", "Promesse de paiement", "Litige",
                 "Échéancier accordé", "Mauvais numéro", "Autre")
STOP_OUTCOMES = ("Promesse de paiement", "Litige", "Litige réglé", "Échéancier accordé")


@dataclass(frozen=True)
class Level:
    level: int
    step: str
    label: str
    days: int
    from_due: bool
    channel: str
    template: str
    deadline: int
    deadline_from: str
    where: str = ""

    @property
    def is_letter(self) -> bool:
        return self.step in ("lettre", "lrar", "mise-en-demeure")


def levels(store: Store) -> list[Level]:
    """The procedure of the workbook, in step order (a step not in the table is skipped)."""
    out = []
    for r in store.rows("tNiveauxRelance"):
        step = str(r["step"] or "").strip()
        if step not in DUNNING_STEPS:
            continue
        out.append(Level(int(r["level"] or 0), step, str(r["label"] or step), int(r["days"] or 0),
                         str(r["counted_from"] or "") != "Étape précédente", str(r["channel"] or ""),
                         str(r["template"] or ""), int(r["deadline"] or 0),
                         str(r["deadline_from"] or "Date de la relance"), r.where))
    return sorted(out, key=lambda lv: (lv.level, DUNNING_STEPS.index(lv.step)))


@dataclass
class StepDone:
    """What the history says about one step of one invoice (several rows merge)."""

    step: str
    first: dt.date
    posted_on: dt.date | None = None
    ack_on: dt.date | None = None
    lr_number: str = ""
    outcomes: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def reference_date(self, level: Level) -> tuple[dt.date | None, str]:
        """The date the client's deadline runs from, or None with what to record."""
        if level.deadline_from == "Accusé de réception":
            if self.ack_on:
                return self.ack_on, ""
            return None, "la date de l'accusé de réception (ou du retour du pli non réclamé)"
        if level.deadline_from == "Dépôt à la poste":
            if self.posted_on:
                return self.posted_on, ""
            return None, "la date de dépôt à la poste"
        return self.first, ""


@dataclass
class Case:
    """One overdue invoice on `as_of`."""

    invoice: Row
    client: Row
    business: bool
    owed: Decimal
    interest: it.Interest
    done: dict[str, StepDone]
    history: list[Row]
    next_level: Level | None = None
    due: bool = False
    waiting: str = ""  # why the next step is not due yet, in French
    stop: str = ""  # why the invoice is out of the process, in French
    alarms: list[str] = field(default_factory=list)
    broken_promise: bool = False  # a payment promised by phone was not made by its date
    last_call: str = ""
    due_steps: list[Level] = field(default_factory=list)  # every step due on as_of (the call and the letter…)
    prescription: dt.date | None = None  # the day the claim is time-barred
    penalties_paid: Decimal = ZERO  # paid on the penalty notes' lines of this invoice (art. 1343-1 C. civ.)

    @property
    def number(self) -> str:
        return str(self.invoice["number"])

    @property
    def client_code(self) -> str:
        return str(self.client["code"])

    @property
    def due_date(self) -> dt.date:
        return self.invoice["due_date"]


@dataclass
class Session:
    as_of: dt.date
    cases: list[Case]
    levels: list[Level]
    warnings: list[str]

    def due(self, step: str) -> list[Case]:
        return [c for c in self.cases if not c.stop and any(lv.step == step for lv in c.due_steps)]

    @property
    def calls(self) -> list[Case]:
        """Invoices to call about: the call step is due (until it is logged), or a promise was not kept."""
        return [c for c in self.cases if not c.stop and (any(lv.step == "appel" for lv in c.due_steps)
                                                          or c.broken_promise)]

    @property
    def letters(self) -> list[Case]:
        return [c for c in self.cases if not c.stop and any(lv.is_letter for lv in c.due_steps)]

    @property
    def files(self) -> list[Case]:
        return self.due("injonction")

    def documents(self) -> list[tuple[Case, Level]]:
        """Every letter and payment-order file due: (case, step), letters first."""
        out = [(c, lv) for c in self.cases if not c.stop for lv in c.due_steps if lv.is_letter]
        return out + [(c, lv) for c in self.files for lv in c.due_steps if lv.step == "injonction"]


# --------------------------------------------------------------------------- reading
def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v or 0))


def payments(store: Store, numbers: set[str], as_of: dt.date | None = None) -> list[Row]:
    """The payment rows of these invoices that count: a payment reversed by an opposite row
    (`cancels` = its id) is left out with its reversal, unless the reversal is dated after `as_of`
    (not known yet); a negative row that reverses nothing (a real refund) stays."""
    rows = [p for p in store.rows("tReglements") if str(p["invoice"] or "") in numbers and isinstance(p["date"], dt.date)]
    ids = {str(p["id"]) for p in rows}
    reversed_ids = {str(p["cancels"]) for p in rows if p["cancels"] and str(p["cancels"]) in ids
                    and (as_of is None or p["date"] <= as_of)}
    return [p for p in rows if str(p["id"]) not in reversed_ids and not (p["cancels"] and str(p["cancels"]) in ids)]


def movements(store: Store, numbers: set[str], as_of: dt.date | None = None) -> dict[str, list[it.Movement]]:
    """Payments and issued credit notes, per invoice number.

    A payment reversed by an opposite row (`cancels` = its id: bounced cheque, payment recorded by
    mistake) never paid the debt (art. 1342 C. civ.): the pair is dropped, so the penalties run as
    if it had never happened. A reversal dated after `as_of` is not known yet: the payment counts.
    A negative row that reverses nothing is a real refund and stays a dated movement.

    A credit note for an error or a justified dispute (« Cause de l'avoir ») says the sum was never
    owed: it lowers the base from the first day late (dated on the due date), so it never bore
    penalties; a commercial gesture waives a sum that was owed, from its own date. A credit note
    issued after `as_of` is not known yet. Credit notes issued before schema 6 have no cause: they
    count from their date, as they always did."""
    out: dict[str, list[it.Movement]] = {n: [] for n in numbers}
    for p in payments(store, numbers, as_of):
        out[str(p["invoice"])].append(it.Movement(p["date"], _dec(p["amount"])))
    due: dict[str, dt.date] = {}
    for c in store.rows("tFactures"):
        if str(c["number"] or "") in out and isinstance(c["due_date"], dt.date):
            due[str(c["number"])] = c["due_date"]
    for c in store.rows("tFactures"):
        n = str(c["origin"] or "")
        if n in out and c["doc_type"] == wf.T_CREDIT and c["status"] != wf.I_DRAFT and isinstance(c["date"], dt.date):
            if as_of is not None and c["date"] > as_of:
                continue
            day = c["date"]
            if c.get("credit_cause") in NEVER_OWED and n in due:
                day = min(day, due[n])
            out[n].append(it.Movement(day, _dec(c["total_ttc"])))
    return out


# credit-note causes that mean the credited sum was never owed (no penalties on it, ever)
NEVER_OWED = ("Erreur", "Litige")


# the parameter « Taux contractuel des pénalités » is read in core (the migrations read it too)
THREE_TIMES_RE = it.THREE_TIMES_RE
read_contractual_rate = it.read_contractual_rate


def contractual_rate(params: dict[str, str]) -> Decimal | None:
    return read_contractual_rate(params.get("taux_penalites_contractuel"))[0]


def floor_refusal(rate: Decimal | None, tables: it.RateTables, as_of: dt.date) -> str:
    """Why a contractual rate is illegal on `as_of` (L441-10 II C. com.: never below three times the
    legal interest rate), or "". « 3x » and the default (ECB + 10 points) are never below."""
    if rate is None or rate == it.THREE_TIMES_LEGAL:
        return ""
    half = it.half_year(as_of)
    floor = it.floor_of(tables, half)
    if floor is None or rate >= floor:
        return ""
    return (f"le taux contractuel des pénalités ({interest_rate(rate)}) est inférieur au plancher légal de trois fois "
            f"le taux d'intérêt légal, {interest_rate(floor)} au {half_label(half)} (art. L441-10 II du Code de "
            f"commerce). Fixez un taux d'au moins {interest_rate(floor)}, « 3x » (trois fois le taux légal de chaque "
            "semestre) ou laissez-le vide (taux BCE + 10 points) : paramètre « Taux contractuel des pénalités » "
            "(taux_penalites_contractuel).")


def floor_warnings(rate: Decimal | None, tables: it.RateTables, as_of: dt.date) -> list[str]:
    """A later half-year whose floor rises above the contractual rate (the rate then becomes illegal)."""
    if rate is None or rate == it.THREE_TIMES_LEGAL:
        return []
    return [f"Au {half_label(half)}, le plancher de trois fois le taux d'intérêt légal ({interest_rate(floor)}) "
            f"dépasse le taux contractuel des pénalités ({interest_rate(rate)}) : relevez-le avant le "
            f"{date_fr(it.half_bounds(half)[0])} (art. L441-10 II du Code de commerce)."
            for half, floor in it.later_floors_above(rate, tables, as_of)]


def half_label(half: str) -> str:
    """« 2e semestre 2026 »."""
    return f"{'1er' if half.endswith('1') else '2e'} semestre {half[:4]}"


def invoice_clause(invoice: Row, params: dict[str, str]) -> Decimal | None:
    """The penalty clause of an invoice: stored at issue (« Clause de pénalités »), else the one
    reconstituted by the migration for invoices issued before, else today's parameter."""
    for key in ("penalty_clause", "penalty_clause_rebuilt"):
        text = str(invoice.get(key) or "").strip()
        if text:
            rate, readable = it.clause_rate(text)
            if readable:
                return rate
    return contractual_rate(params)


def latest_plans(store: Store) -> dict[str, list[Row]]:
    """The instalments of the LATEST payment plan of each invoice (the one whose rows come last):
    an earlier plan, broken and replaced, must not add its instalments to the total expected."""
    by_plan: dict[tuple[str, str], list[Row]] = {}
    latest: dict[str, tuple[int, str]] = {}
    for p in store.rows("tEcheanciers"):
        invoice, plan = str(p["invoice"] or ""), str(p["plan"] or "")
        by_plan.setdefault((invoice, plan), []).append(p)
        if p.row >= latest.get(invoice, (-1, ""))[0]:
            latest[invoice] = (p.row, plan)
    return {invoice: by_plan[(invoice, plan)] for invoice, (_, plan) in latest.items()}


def _history(store: Store) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in store.rows("tRelances"):
        out.setdefault(str(r["invoice"] or ""), []).append(r)
    for rows in out.values():
        rows.sort(key=lambda r: (r["date"] or dt.date.min, r.row))
    return out


def _steps_done(rows: Iterable[Row]) -> dict[str, StepDone]:
    done: dict[str, StepDone] = {}
    for r in rows:
        step = str(r["step"] or "")
        if step not in DUNNING_STEPS or not isinstance(r["date"], dt.date):
            continue
        s = done.setdefault(step, StepDone(step, r["date"]))
        s.rows.append(r)
        s.outcomes.append(str(r["outcome"] or ""))
        if isinstance(r["posted_on"], dt.date):
            s.posted_on = r["posted_on"]
        if isinstance(r["ack_on"], dt.date):
            s.ack_on = r["ack_on"]
        if r["lr_number"]:
            s.lr_number = str(r["lr_number"])
    return done


def overdue_invoices(store: Store, as_of: dt.date) -> list[Row]:
    """Issued invoices and deposit invoices past their due date on `as_of` that may still have been
    owed that day: open today, or settled by a payment or credit note dated after `as_of` (a session
    in the past must see them; the session then rebuilds the balance at `as_of` from the dated
    movements and drops those settled by then)."""
    settled_after: set[str] = set()
    for p in store.rows("tReglements"):
        if isinstance(p["date"], dt.date) and p["date"] > as_of:
            settled_after.add(str(p["invoice"] or ""))
    for c in store.rows("tFactures"):
        if c["doc_type"] == wf.T_CREDIT and isinstance(c["date"], dt.date) and c["date"] > as_of:
            settled_after.add(str(c["origin"] or ""))
    out = []
    for r in store.rows("tFactures"):
        if r["doc_type"] == wf.T_CREDIT or r["status"] not in (wf.I_ISSUED, wf.I_PARTIAL, wf.I_PAID, wf.I_CREDITED):
            continue
        due = r["due_date"]
        if not isinstance(due, dt.date) or due >= as_of:
            continue
        if isinstance(r["date"], dt.date) and r["date"] > as_of:
            continue  # not issued yet on as_of
        open_today = _dec(r["total_ttc"]) - _dec(r["paid"]) - _dec(r["credited"]) > 0
        if open_today or str(r["number"]) in settled_after:
            out.append(r)
    from pyxl.services import losses

    # a debt declared doubtful or written off is no longer dunned (its rows in « Créances douteuses »)
    stopped = losses.stopped(store, {str(r["number"]) for r in out})
    return [r for r in out if str(r["number"]) not in stopped]


def session(store: Store, as_of: dt.date, *, clients: set[str] | None = None) -> Session:
    """Where every overdue invoice stands on `as_of` (nothing is written)."""
    store.prefetch(("tFactures", "tReglements", "tClients", "tRelances", "tEcheanciers", "tNiveauxRelance",
                    "tTauxLegal", "tTauxPenalites"))
    lv = levels(store)
    tables = dunning_rates.tables(store)
    params = store.parameters()
    _, rate_warning = read_contractual_rate(params.get("taux_penalites_contractuel"))
    invoices = [r for r in overdue_invoices(store, as_of) if clients is None or str(r["client"]) in clients]
    by_code = {str(c["code"]): c for c in store.rows("tClients")}
    numbers = {str(r["number"]) for r in invoices}
    moves = movements(store, numbers, as_of)
    paid_on: dict[str, list[dt.date]] = {}
    for p in payments(store, numbers, as_of):
        if _dec(p["amount"]) > 0 and p["date"] <= as_of:
            paid_on.setdefault(str(p["invoice"]), []).append(p["date"])
    hist = _history(store)
    plans = latest_plans(store)
    warnings: list[str] = [rate_warning] if rate_warning else []
    if not lv:
        warnings.append("La feuille « Niveaux de relance » est vide : aucune relance n'est proposée. "
                        "Rétablissez la procédure (voir le guide, « Relances et impayés »).")
    cases = []
    for inv in sorted(invoices, key=lambda r: (str(r["client"]), r["due_date"], str(r["number"]))):
        client = by_code.get(str(inv["client"]))
        if client is None:
            warnings.append(f"{inv['number']} ({inv.where}) : client {inv['client']} introuvable dans « Clients » : "
                            "facture laissée hors des relances. Corrigez le code client.")
            continue
        business = client["kind"] == "Professionnel"
        rows = hist.get(str(inv["number"]), [])
        done = _steps_done(rows)
        med = done.get("mise-en-demeure")
        claim = it.Claim(due=inv["due_date"], amount=_dec(inv["total_ttc"]), business=business,
                         movements=tuple(moves.get(str(inv["number"]), ())),
                         contractual_rate=invoice_clause(inv, params) if business else None,
                         notice_received=med.ack_on if med else None,
                         collective_since=judgment if (judgment := opening_judgment(inv, client)) else None)
        res = it.compute(claim, tables, as_of)
        if not business and med is None and res.awaiting_notice:  # the formal notice is not due yet
            res = replace(res, warnings=())
        case = Case(inv, client, business, res.owed, res, done, rows)
        if case.owed <= 0:
            continue  # settled by a payment or a credit note dated on or before as_of
        _place(case, lv, as_of)
        _stops(case, plans.get(case.number, []), as_of)
        _prescription(case, as_of, paid_on.get(case.number, []))
        calls = [r for r in rows if r["step"] == "appel"]
        if calls:
            last = calls[-1]
            case.last_call = f"{sd.day(last['date'])} : {last['outcome']}" + (f" — {last['notes']}" if last["notes"] else "")
        cases.append(case)
    if cases and "tLignesNotes" in {t.name for t in store.schema.tables}:
        from pyxl.services.penalties import penalties_paid

        recovered = penalties_paid(store, {c.number for c in cases})
        for c in cases:
            c.penalties_paid = recovered.get(c.number, ZERO)
    return Session(as_of, cases, lv, warnings)


def _place(case: Case, lv: Sequence[Level], as_of: dt.date) -> None:
    """The steps of the case due on `as_of`, and the next one.

    Only a change of level gates: the steps of one level (the call and the simple letter) each run
    on their own delay, from the due date or from the end of the previous level, whether or not
    the others are done. Level L+1 waits for the LAST step of level L (the letter, not the call):
    done, its reference date recorded, and the deadline it gave the client run out. A step not
    done stays due until it is (the call stays on the call list until it is logged)."""
    by_level: dict[int, list[Level]] = {}
    for level in lv:
        by_level.setdefault(level.level, []).append(level)
    numbers = sorted(by_level)
    pending: list[tuple[Level, dt.date | None, str]] = []  # (step, first day due or None, what to record)
    for i, number in enumerate(numbers):
        gate = by_level[numbers[i - 1]][-1] if i else None
        for level in by_level[number]:
            if level.step in case.done:
                continue
            if gate is None:
                pending.append((level, case.due_date + dt.timedelta(days=level.days), ""))
                continue
            done = case.done.get(gate.step)
            if done is None:
                continue  # the previous level is not over: this one is not reached yet
            ref, missing = done.reference_date(gate)
            if ref is None:
                pending.append((level, None, f"{gate.label} faite le {sd.day(done.first)} : notez {missing} "
                                             f"(syc relances noter {case.number} --etape {gate.step} …)"))
                continue
            start = case.due_date + dt.timedelta(days=level.days) if level.from_due else ref + dt.timedelta(days=level.days)
            pending.append((level, max(start, ref + dt.timedelta(days=gate.deadline) + DAY), ""))
    case.due_steps = [lv_ for lv_, day, _ in pending if day is not None and as_of >= day]
    later = [(lv_, day, what) for lv_, day, what in pending if day is None or as_of < day]
    if later:
        first, day, what = later[0]
        case.waiting = what or f"{first.label} à partir du {sd.day(day)}"
    if case.due_steps:
        case.next_level, case.due = case.due_steps[0], True
    elif later:
        case.next_level = later[0][0]
    else:
        case.next_level = None
        case.waiting = "toutes les étapes sont faites"


def claim_born(invoice: Row) -> dt.date | None:
    """The day the claim was born: the works were done (date of completion), else the invoice date."""
    for d in (invoice["service_date"], invoice["date"]):
        if isinstance(d, dt.date):
            return d
    return None


def opening_judgment(invoice: Row, client: Row) -> dt.date | None:
    """The opening judgment of the client's collective procedure when the claim was born BEFORE it
    (to be declared, penalties stopped at the judgment: L622-24, L622-28 C. com.); None when there
    is none or the claim was born on or after it (paid at its due date: L622-17 C. com.)."""
    since = client["collective_since"]
    born = claim_born(invoice)
    if isinstance(since, dt.date) and (born is None or born < since):
        return since
    return None


def _stops(case: Case, plan: list[Row], as_of: dt.date) -> None:
    client = case.client
    since = client["collective_since"]
    if isinstance(since, dt.date) and opening_judgment(case.invoice, client):
        case.stop = f"procédure collective depuis le {sd.day(since)}"
        res = case.interest
        declared = case.owed + res.interest + res.indemnity
        parts = [f"principal {euros(case.owed)}"]
        if res.interest:
            parts.append(f"pénalités arrêtées au jugement {euros(res.interest)} (art. L622-28 du Code de commerce)")
        else:
            parts.append("aucune pénalité : le jugement en arrête le cours (art. L622-28 du Code de commerce)")
        parts.append(f"indemnité forfaitaire {euros(res.indemnity)}" if res.indemnity else
                     "sans indemnité de 40 € (échéance postérieure au jugement)")
        case.alarms.append(f"{case.number} : client en procédure collective depuis le {sd.day(since)}, créance née "
                           f"avant le jugement — ne relancez pas ; déclarez la créance de {euros(declared)} ("
                           + ", ".join(parts) + ") au mandataire judiciaire dans les deux mois de la publication "
                           "du jugement au BODACC (art. L622-24 et R622-24 du Code de commerce).")
        return
    if isinstance(since, dt.date):  # born on or after the judgment: paid at its due date, normal procedure
        case.alarms.append(f"{case.number} : client en procédure collective depuis le {sd.day(since)} ; créance née "
                           "après le jugement, payable à son échéance (art. L622-17 du Code de commerce) : la "
                           "procédure de relance suit son cours. Informez de l'impayé l'administrateur judiciaire "
                           "(à défaut le mandataire judiciaire), au plus tard un an après la fin de la période "
                           "d'observation, pour garder son privilège (art. L622-17 IV).")
    if sd.yes(client["dunning_blocked"]):
        case.stop = "relances bloquées pour ce client"
        return
    # the latest stop-related outcome decides (a dispute settled, a new promise…)
    last = None
    for r in case.history:
        if r["outcome"] in STOP_OUTCOMES:
            last = r
    if last is not None and last["outcome"] == "Litige":
        case.stop = f"litige noté le {sd.day(last['date'])}" + (f" ({last['notes']})" if last["notes"] else "")
        return
    if last is not None and last["outcome"] == "Promesse de paiement":
        promised = last["promise_on"]
        if isinstance(promised, dt.date) and promised >= as_of:
            case.stop = f"paiement promis pour le {sd.day(promised)}"
            return
        later_steps = [r for r in case.history if r.row != last.row and isinstance(r["date"], dt.date)
                       and r["date"] > last["date"] and r["step"]]
        if isinstance(promised, dt.date) and not later_steps:
            case.broken_promise = True
            case.alarms.append(f"{case.number} : promesse de paiement pour le {sd.day(promised)} non tenue "
                               f"(reste {euros(case.owed)}).")
    if plan:
        scheduled = sorted((p for p in plan if isinstance(p["due"], dt.date)), key=lambda p: p["due"])
        total = sum((_dec(p["amount"]) for p in scheduled), ZERO)
        paid_under_plan = max(total - case.owed, ZERO)
        expected = ZERO
        missed = None
        for p in scheduled:
            if p["due"] < as_of:
                expected += _dec(p["amount"])
                if paid_under_plan < expected and missed is None:
                    missed = p
        if missed is None:
            nxt = next((p for p in scheduled if p["due"] >= as_of), None)
            case.stop = f"échéancier {scheduled[0]['plan']} respecté" + (
                f" (prochaine échéance le {sd.day(nxt['due'])} : {euros(_dec(nxt['amount']))})" if nxt else "")
            return
        case.alarms.append(f"{case.number} : échéance du {sd.day(missed['due'])} ({euros(_dec(missed['amount']))}) de "
                           f"l'échéancier {missed['plan']} non réglée — la procédure de relance reprend.")


ACKNOWLEDGING_OUTCOMES = ("Promesse de paiement", "Échéancier accordé")


def prescription_start(case: Case, paid_on: Sequence[dt.date]) -> tuple[dt.date, str]:
    """The day the prescription runs from, and why (in French).

    Consumer (L218-2 C. conso): from the end of the works or service, not the due date (Cass. 1re
    civ. 19/05/2021 n° 20-12.520; Cass. 3e civ. 01/03/2023 n° 21-23.176): the date of completion
    when recorded, else the invoice date, never later than the due date. Business (L110-4 C. com.):
    from the due date. Either way a partial payment acknowledges the debt and starts the period again
    in full (art. 2240, 2231 C. civ.), and so do a promise or a payment plan the firm can prove in
    writing (« Preuve écrite »: a letter, a signed form, the debtor's e-mail); a promise noted after
    a phone call proves nothing and restarts nothing (the alarm stays conservative). The latest wins."""
    inv = case.invoice
    if case.business:
        start, why = case.due_date, "l'échéance"
    else:
        candidates = [d for d in (inv["service_date"], inv["date"], case.due_date) if isinstance(d, dt.date)]
        start = min(candidates)
        why = ("la fin des travaux" if start == inv["service_date"] else
               "la facture (fin des travaux non notée)" if start == inv["date"] else "l'échéance")
    acks = [(d, "le règlement partiel du") for d in paid_on]
    acks += [(r["date"], "la promesse du" if r["outcome"] == "Promesse de paiement" else "l'échéancier accordé le")
             for r in case.history if r["outcome"] in ACKNOWLEDGING_OUTCOMES and isinstance(r["date"], dt.date)
             and str(r.get("proof") or "").strip()]
    for day, what in sorted(acks):
        if day > start:
            start, why = day, f"{what} {sd.day(day)}, qui reconnaît la dette (art. 2240 et 2231 du Code civil)"
    return start, why


def _prescription(case: Case, as_of: dt.date, paid_on: Sequence[dt.date]) -> None:
    years = PRESCRIPTION_YEARS[case.business]
    start, why = prescription_start(case, paid_on)
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + years, day=28)
    case.prescription = limit
    who = ("professionnel : 5 ans, art. L110-4 du Code de commerce" if case.business else
           "particulier : 2 ans, art. L218-2 du Code de la consommation") + f", à compter de {why}"
    if as_of >= limit:
        case.alarms.append(f"{case.number} : créance prescrite depuis le {sd.day(limit)} ({who}) ; elle ne peut plus "
                           "être réclamée en justice.")
        case.stop = case.stop or "créance prescrite"
    elif (limit - as_of).days <= PRESCRIPTION_WARNING_DAYS:
        case.alarms.append(f"{case.number} : prescription le {sd.day(limit)} ({who}) — agissez avant "
                           "(injonction de payer ou procédure simplifiée).")


# --------------------------------------------------------------------------- what to say
def what_to_say(cases: Sequence[Case], as_of: dt.date) -> str:
    """The line the assistant reads before dialling, from where the client's invoices stand."""
    late = max((as_of - c.due_date).days for c in cases)
    owed = sum((c.owed for c in cases), ZERO)
    if any(c.broken_promise for c in cases):
        return (f"Promesse non tenue : demander le règlement de {euros(owed)} sous 48 heures ; annoncer la lettre "
                "recommandée.")
    notice = [c.done["mise-en-demeure"].first for c in cases if "mise-en-demeure" in c.done]
    if notice:  # past the formal notice, the tone is no longer the courteous first call
        return (f"Après la mise en demeure du {sd.day(min(notice))} : rappeler que {euros(owed)} restent dus depuis "
                f"{late} jour{'s' if late > 1 else ''} et que, sans règlement, une procédure (injonction de payer) "
                "sera engagée ; demander un règlement immédiat ou une proposition écrite.")
    calls = [r for c in cases for r in c.history if r["step"] == "appel"]
    if calls and calls[-1]["outcome"] in ("Appel sans réponse", "Message laissé", "Mauvais numéro"):
        return (f"Nouvel essai : rappeler que {euros(owed)} sont en retard de {late} jours ; demander une date de "
                "règlement précise.")
    return (f"Appel courtois : vérifier que la facture a été reçue et qu'elle ne pose pas de problème ; "
            f"{euros(owed)} échus depuis {late} jour{'s' if late > 1 else ''} ; demander la date de règlement.")


def case_json(c: Case, as_of: dt.date) -> dict[str, Any]:
    return {"facture": c.number, "client": c.client_code, "nom": sd.client_name(c.client),
            "telephone": str(c.client["phone"] or ""), "echeance": c.due_date, "jours_retard": (as_of - c.due_date).days,
            "reste_du": c.owed, "interets": c.interest.interest, "indemnite": c.interest.indemnity,
            "etape": c.next_level.step if c.next_level else "", "due": c.due and not c.stop,
            "etapes_dues": [] if c.stop else [lv.step for lv in c.due_steps],
            "attente": c.waiting, "arret": c.stop, "alarmes": list(c.alarms), "dernier_appel": c.last_call,
            "avertissements_taux": list(c.interest.warnings)}


def by_client(cases: Iterable[Case]) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = {}
    for c in cases:
        out.setdefault(c.client_code, []).append(c)
    return out
