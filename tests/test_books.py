"""The books: the expected entries of the worked examples (issue 15, domain.md §5.1), written before
the code, then the same scenarios driven through `syc` on a demo book.

Part 1 feeds hand-made documents and payment rows to the pure core (`pyxl.core.books.build`) and
compares every line of every entry with a table written by hand (journal, account, client, debit,
credit). Part 2 builds the same stories with the commands on main (quote → order → invoice →
payment) and checks the entries read from the workbook, the lettrage, the VAT figures and the FEC
(which our checker must accept). Slips, refunds and the « Avoir en crédit » pair have no command
on main yet: those rows are written directly through a `ChangeSet`, as the payments model says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from test_sales_chain import Book

from pyxl.core import books
from pyxl.core.books import Doc, DocLine, Note, Payment, Slip
from pyxl.core.fec import Entry, check_fec
from pyxl.core.pricing import Line
from pyxl.workbook.filestore import ChangeSet, FileStore

D = Decimal
C1, C1_NAME = "C00001", "DUPONT Jean"
C2, C2_NAME = "C00002", "Dupont & Fils"
NAMES = {C1: C1_NAME, C2: C2_NAME}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ln(ht: str, rate: str, unit: str = "u", fixed_vat: str | None = None) -> DocLine:
    amount = D(ht)
    qty = D(-1) if fixed_vat is not None and amount < 0 else D(1)
    return DocLine(Line(qty=qty, unit_price=abs(amount) if qty < 0 else amount, rate=D(rate),
                        fixed_vat=None if fixed_vat is None else D(fixed_vat)), unit)


def doc(number: str, date: str, kind: str, *lines: DocLine, client: str = C1, nature: str = "Installation",
        operation: str = "Prestation de services", origin: str = "", cause: str = "") -> Doc:
    return Doc(number=number, doc_type=kind, date=day(date), client=client, client_name=NAMES[client],
               nature=nature, operation=operation, origin=origin, credit_cause=cause, lines=tuple(lines))


def pay(pid: str, date: str, invoice: str, amount: str, mode: str, *, client: str = C1, kind: str = "",
        cancels: str = "", group: str = "", charges: str = "", slip: str = "", bounced: bool = False) -> Payment:
    return Payment(id=pid, date=day(date), invoice=invoice, client=client, amount=D(amount), mode=mode, kind=kind,
                   cancels=cancels, group=group, charges=D(charges) if charges else None, slip=slip,
                   bounced=bounced)


Row = tuple[str, str, str, str, str]  # journal, account, client (CompAuxNum), debit, credit


def table(result: books.Books, ref: str) -> list[Row]:
    """Every line of the entries whose PieceRef is `ref`, in order, amounts as text ('' for zero)."""
    def txt(x: Decimal) -> str:
        return "" if x == 0 else f"{x:.2f}"
    return [(e.journal, x.account, x.aux_account, txt(x.debit), txt(x.credit))
            for e in result.entries if e.ref == ref for x in e.lines]


def balanced(entries: tuple[Entry, ...]) -> None:
    for e in entries:
        assert sum(x.debit for x in e.lines) == sum(x.credit for x in e.lines), e
        assert e.ref and e.label


def account_balance(result: books.Books, account: str) -> Decimal:
    return sum((x.debit - x.credit for e in result.entries for x in e.lines if x.account == account), D(0))


# =========================================================================== part 1: the table
# A consumer's boiler installation (works: 704, VAT on receipts): 5 000,00 HT at 10 %, a 30 %
# deposit invoice paid by transfer, the final invoice deducting it, the balance paid by cheque put
# on a slip, the slip credited by the bank three days later.
DEPOSIT = doc("F2026-00001", "2026-03-02", "Facture d'acompte", ln("1500.00", "10"))
FINAL = doc("F2026-00002", "2026-04-10", "Facture", ln("5000.00", "10"), ln("-1500.00", "10", "forfait", "-150.00"))
BOILER_PAYMENTS = (pay("R2026-00001", "2026-03-05", "F2026-00001", "1650.00", "Virement"),
                   pay("R2026-00002", "2026-04-20", "F2026-00002", "3850.00", "Chèque", slip="BR2026-0001"))
BOILER_SLIP = Slip(number="BR2026-0001", date=day("2026-04-21"), mode="Chèque", total=D("3850.00"),
                   status="Crédité", credited_on=day("2026-04-23"))

BOILER_EXPECTED: dict[str, list[Row]] = {
    # deposit invoice: D 411 / C 4191 HT / C 44574 VAT
    "F2026-00001": [("VE", "411", C1, "1650.00", ""), ("VE", "4191", "", "", "1500.00"),
                    ("VE", "44574", "", "", "150.00")],
    # its receipt: D 512 / C 411, and D 44574 / C 44571 for its VAT
    "R2026-00001": [("BQ", "512", "", "1650.00", ""), ("BQ", "411", C1, "", "1650.00"),
                    ("BQ", "44574", "", "150.00", ""), ("BQ", "44571", "", "", "150.00")],
    # final invoice: D 411 full TTC / C 704 full HT / C 44574 full VAT, then D 4191 deposit HT +
    # D 44574 deposit VAT / C 411 deposit TTC
    "F2026-00002": [("VE", "411", C1, "5500.00", ""), ("VE", "704", "", "", "5000.00"),
                    ("VE", "44574", "", "", "500.00"), ("VE", "4191", "", "1500.00", ""),
                    ("VE", "44574", "", "150.00", ""), ("VE", "411", C1, "", "1650.00")],
    # the balance by cheque: 5112 until the slip is credited; its VAT is due on receipt of the cheque
    "R2026-00002": [("BQ", "5112", "", "3850.00", ""), ("BQ", "411", C1, "", "3850.00"),
                    ("BQ", "44574", "", "350.00", ""), ("BQ", "44571", "", "", "350.00")],
    # the slip credited: 512 / 5112 on the day the bank credits it
    "BR2026-0001": [("BQ", "512", "", "3850.00", ""), ("BQ", "5112", "", "", "3850.00")],
}


def test_boiler_installation_with_deposit_and_cheque_on_a_slip() -> None:
    result = books.build([DEPOSIT, FINAL], [], BOILER_PAYMENTS, [BOILER_SLIP], NAMES)
    for ref, rows in BOILER_EXPECTED.items():
        assert table(result, ref) == rows, ref
    assert [e.ref for e in result.entries] == list(BOILER_EXPECTED)  # chronological
    assert [e.date for e in result.entries] == [day(x) for x in ("2026-03-02", "2026-03-05", "2026-04-10",
                                                                 "2026-04-20", "2026-04-23")]
    balanced(result.entries)
    for account in ("411", "4191", "44574", "5112"):
        assert account_balance(result, account) == 0, account
    assert account_balance(result, "44571") == D("-500.00")
    assert account_balance(result, "512") == D("5500.00")
    # lettrage: the deposit with its receipt (AA, on the receipt's day), the final invoice with the
    # deposit deducted and the cheque (AB)
    lettered = {(e.ref, x.credit or x.debit): (x.matching, x.matched_on) for e in result.entries
                for x in e.lines if x.account == "411"}
    assert lettered[("F2026-00001", D("1650.00"))] == ("AA", day("2026-03-05"))
    assert lettered[("R2026-00001", D("1650.00"))] == ("AA", day("2026-03-05"))
    assert {v for (ref, _), v in lettered.items() if ref in ("F2026-00002", "R2026-00002")} == {
        ("AB", day("2026-04-20"))}


def test_before_the_slip_is_credited_the_cheque_stays_in_5112() -> None:
    remis = Slip(number="BR2026-0001", date=day("2026-04-21"), mode="Chèque", total=D("3850.00"), status="Remis")
    result = books.build([DEPOSIT, FINAL], [], BOILER_PAYMENTS, [remis], NAMES)
    assert table(result, "BR2026-0001") == []
    assert account_balance(result, "5112") == D("3850.00")
    # the VAT was due on the cheque's receipt all the same
    assert account_balance(result, "44571") == D("-500.00")


def test_a_receipt_on_a_multi_rate_invoice_moves_vat_pro_rata_to_ttc_per_rate() -> None:
    inv = doc("F2026-00010", "2026-05-04", "Facture", ln("1000.00", "20"), ln("1000.00", "10"))
    half = pay("R2026-00010", "2026-05-10", "F2026-00010", "1150.00", "Virement")
    rest = pay("R2026-00011", "2026-05-20", "F2026-00010", "1150.00", "Virement")
    result = books.build([inv], [], [half, rest], [], NAMES)
    assert table(result, "F2026-00010") == [("VE", "411", C1, "2300.00", ""), ("VE", "704", "", "", "2000.00"),
                                           ("VE", "44574", "", "", "300.00")]
    assert table(result, "R2026-00010") == [("BQ", "512", "", "1150.00", ""), ("BQ", "411", C1, "", "1150.00"),
                                           ("BQ", "44574", "", "150.00", ""), ("BQ", "44571", "", "", "150.00")]
    may = books.vat_figures(result, day("2026-05-01"), day("2026-05-31"))
    assert {(r.rate, r.base, r.vat) for r in may} == {(D(20), D("1000.00"), D("200.00")),
                                                     (D(10), D("1000.00"), D("100.00"))}
    first = books.vat_figures(result, day("2026-05-01"), day("2026-05-15"))
    assert {(r.rate, r.base, r.vat) for r in first} == {(D(20), D("500.00"), D("100.00")),
                                                       (D(10), D("500.00"), D("50.00"))}


def test_small_repair_paid_partly_in_cash() -> None:
    # a repair (706, services) of 300,00 HT at 10 %: 110,00 in cash (cash journal, 530), the rest by card
    inv = doc("F2026-00020", "2026-06-01", "Facture", ln("300.00", "10", "h"), nature="Dépannage")
    cash = pay("R2026-00020", "2026-06-01", "F2026-00020", "110.00", "Espèces")
    card = pay("R2026-00021", "2026-06-03", "F2026-00020", "220.00", "CB")
    result = books.build([inv], [], [cash, card], [], NAMES)
    assert table(result, "F2026-00020") == [("VE", "411", C1, "330.00", ""), ("VE", "706", "", "", "300.00"),
                                           ("VE", "44574", "", "", "30.00")]
    assert table(result, "R2026-00020") == [("CA", "530", "", "110.00", ""), ("CA", "411", C1, "", "110.00"),
                                           ("CA", "44574", "", "10.00", ""), ("CA", "44571", "", "", "10.00")]
    assert table(result, "R2026-00021") == [("BQ", "512", "", "220.00", ""), ("BQ", "411", C1, "", "220.00"),
                                           ("BQ", "44574", "", "20.00", ""), ("BQ", "44571", "", "", "20.00")]


def test_partial_credit_note_and_its_refund() -> None:
    # a paid service invoice 1 000,00 HT at 10 %; a credit note of 200,00 HT (error); the excess put
    # on the client's credit (a Compensation pair, no money) and refunded by transfer
    inv = doc("F2026-00030", "2026-06-10", "Facture", ln("1000.00", "10"), nature="Entretien")
    credit = doc("F2026-00031", "2026-06-20", "Avoir", ln("200.00", "10"), nature="Entretien",
                 origin="F2026-00030", cause="Erreur")
    rows = (pay("R2026-00030", "2026-06-12", "F2026-00030", "1100.00", "Virement"),
            pay("R2026-00031", "2026-06-20", "F2026-00030", "-220.00", "Compensation", kind="Avoir en crédit",
                group="R2026-00031"),
            pay("R2026-00032", "2026-06-20", "", "220.00", "Compensation", kind="Avoir en crédit",
                group="R2026-00031"),
            pay("R2026-00033", "2026-06-25", "", "-220.00", "Virement", kind="Remboursement"))
    result = books.build([inv, credit], [], rows, [], NAMES)
    # the credit note reverses income and VAT; the VAT already collected on the credited part goes
    # back from 44571 (the invoice was paid): it is no longer owed
    assert table(result, "F2026-00031") == [("VE", "706", "", "200.00", ""), ("VE", "44571", "", "20.00", ""),
                                           ("VE", "411", C1, "", "220.00")]
    assert table(result, "R2026-00031") == []  # compensation: lettrage only
    assert table(result, "R2026-00033") == [("BQ", "411", C1, "220.00", ""), ("BQ", "512", "", "", "220.00")]
    balanced(result.entries)
    assert account_balance(result, "44574") == 0
    assert account_balance(result, "44571") == D("-80.00")
    assert account_balance(result, "411") == 0
    codes = {x.matching for e in result.entries for x in e.lines if x.account == "411"}
    assert codes == {"AA"}  # invoice, credit note, payment and refund lettered together


def test_bounced_cheque_reversed_with_bank_charges() -> None:
    inv = doc("F2026-00040", "2026-07-01", "Facture", ln("300.00", "10"), nature="Dépannage")
    cheque = pay("R2026-00040", "2026-07-02", "F2026-00040", "330.00", "Chèque", slip="BR2026-0002")
    bounced = pay("R2026-00041", "2026-07-10", "F2026-00040", "-330.00", "Chèque", cancels="R2026-00040",
                  charges="15.00", bounced=True)
    slip = Slip(number="BR2026-0002", date=day("2026-07-03"), mode="Chèque", total=D("330.00"), status="Crédité",
                credited_on=day("2026-07-06"))
    result = books.build([inv], [], [cheque, bounced], [slip], NAMES)
    assert table(result, "R2026-00041") == [("BQ", "411", C1, "330.00", ""), ("BQ", "512", "", "", "330.00"),
                                           ("BQ", "627", "", "15.00", ""), ("BQ", "512", "", "", "15.00"),
                                           ("BQ", "44571", "", "30.00", ""), ("BQ", "44574", "", "", "30.00")]
    balanced(result.entries)
    assert account_balance(result, "411") == D("330.00")  # owed again
    assert account_balance(result, "44574") == D("-30.00")  # the VAT waits for the next payment
    assert not any(x.matching for e in result.entries for x in e.lines)


# A late statement: the cheque bounced (booked on 10 July) on a slip the bank had credited on 6 July,
# but the statement saying so was only reconciled on 15 July. The reversal was booked on 5112 (the
# slip was not credited in the workbook that day) and stays so; the crediting, booked on 15 July,
# is dated the bank's day, and a transfer 5112 → 512 of the bounced cheque, dated the day it is
# booked, leaves 5112 balanced and 512 at what the bank holds (credited, then taken back).
LATE_EXPECTED: dict[str, list[Row]] = {
    "R2026-00041": [("BQ", "411", C1, "330.00", ""), ("BQ", "5112", "", "", "330.00"),
                    ("BQ", "44571", "", "30.00", ""), ("BQ", "44574", "", "", "30.00")],
    "BR2026-0002": [("BQ", "512", "", "330.00", ""), ("BQ", "5112", "", "", "330.00"),  # dated 6 July
                    ("BQ", "5112", "", "330.00", ""), ("BQ", "512", "", "", "330.00")],  # dated 15 July
}


def late_inputs(booked_on: str | None, bounce: str = "2026-07-10") -> tuple[Any, ...]:
    """(documents, notes, payments, slips) of the late statement's story."""
    inv = doc("F2026-00040", "2026-07-01", "Facture", ln("300.00", "10"), nature="Dépannage")
    cheque = pay("R2026-00040", "2026-07-02", "F2026-00040", "330.00", "Chèque", slip="BR2026-0002")
    bounced = pay("R2026-00041", bounce, "F2026-00040", "-330.00", "Chèque", cancels="R2026-00040", bounced=True)
    slip = Slip(number="BR2026-0002", date=day("2026-07-03"), mode="Chèque", total=D("330.00"), status="Crédité",
                credited_on=day("2026-07-06"), booked_on=day(booked_on) if booked_on else None)
    return [inv], [], [cheque, bounced], [slip]


def late_slip(booked_on: str | None, bounce: str = "2026-07-10", until: str | None = None) -> books.Books:
    return books.build(*late_inputs(booked_on, bounce), NAMES, until=day(until) if until else None)


def test_a_slip_credited_before_a_bounce_booked_earlier_moves_it_from_5112_to_512() -> None:
    result = late_slip("2026-07-15")
    for ref, rows in LATE_EXPECTED.items():
        assert table(result, ref) == rows, ref
    assert [(e.ref, e.date) for e in result.entries if e.ref == "BR2026-0002"] == [
        ("BR2026-0002", day("2026-07-06")), ("BR2026-0002", day("2026-07-15"))]
    transfer = result.entries[-1]
    assert "R2026-00040" in transfer.label and "R2026-00041" in transfer.label  # the cheque and its reversal
    balanced(result.entries)
    assert account_balance(result, "5112") == 0 and account_balance(result, "512") == 0
    assert account_balance(result, "411") == D("330.00")
    # the day before the crediting is booked: no transfer yet (the slip's crediting is dated the bank's day)
    assert len(table(late_slip("2026-07-15", until="2026-07-14"), "BR2026-0002")) == 2
    # the crediting booked before the bounce (or on its day): the reversal goes to 512, no transfer
    for booked in (None, "2026-07-08", "2026-07-10"):
        on_time = late_slip(booked)
        assert table(on_time, "R2026-00041")[1] == ("BQ", "512", "", "", "330.00"), booked
        assert table(on_time, "BR2026-0002") == LATE_EXPECTED["BR2026-0002"][:2], booked
        assert account_balance(on_time, "5112") == 0
    # booked the same day as the crediting: before it (the sheet's order says so), on 5112 and moved
    same = books.build(*late_inputs("2026-07-10"), NAMES)
    assert table(same, "R2026-00041")[1] == ("BQ", "512", "", "", "330.00")
    docs, notes, pays, (slip,) = late_inputs("2026-07-10")
    same = books.build(docs, notes, pays, [replace(slip, booked_after=frozenset({"R2026-00041"}))], NAMES)
    assert table(same, "R2026-00041")[1] == ("BQ", "5112", "", "", "330.00")
    assert table(same, "BR2026-0002")[2:] == LATE_EXPECTED["BR2026-0002"][2:]
    assert [e.date for e in same.entries if e.ref == "BR2026-0002"] == [day("2026-07-06"), day("2026-07-10")]
    # the bounce booked even before the bank's day (5112 whatever the booking), then credited: 5112 balanced
    before = late_slip("2026-07-15", bounce="2026-07-05")
    assert table(before, "R2026-00041")[1] == ("BQ", "5112", "", "", "330.00")
    assert table(before, "BR2026-0002") == LATE_EXPECTED["BR2026-0002"]
    assert account_balance(before, "5112") == 0 and account_balance(before, "512") == 0
    # the totals per day leave the transfer out with the crediting (the bank dates it, not the day's actions)
    got = books.daily_totals(*late_inputs("2026-07-15"), leave_out={"BR2026-0002"})
    assert set(got) == {day("2026-07-01"), day("2026-07-02"), day("2026-07-10")}


def test_a_reversal_puts_back_on_the_credit_what_a_credit_note_moved_there() -> None:
    # the payments model: a cheque of 1 100,00 paid the invoice; a credit note of 220,00 turned that
    # much into credit; the cheque bounces: 880,00 come back on the invoice, 220,00 on the credit
    inv = doc("F2026-00045", "2026-07-01", "Facture", ln("1000.00", "10"), nature="Entretien")
    credit = doc("F2026-00046", "2026-07-08", "Avoir", ln("200.00", "10"), nature="Entretien",
                 origin="F2026-00045", cause="Erreur")
    rows = (pay("R2026-00045", "2026-07-02", "F2026-00045", "1100.00", "Chèque", slip="BR2026-0003"),
            pay("R2026-00046", "2026-07-08", "F2026-00045", "-220.00", "Compensation", kind="Avoir en crédit",
                group="R2026-00046"),
            pay("R2026-00047", "2026-07-08", "", "220.00", "Compensation", kind="Avoir en crédit",
                group="R2026-00046"),
            pay("R2026-00048", "2026-07-10", "F2026-00045", "-880.00", "Chèque", cancels="R2026-00045",
                group="R2026-00048", bounced=True),
            pay("R2026-00049", "2026-07-10", "", "-220.00", "Chèque", cancels="R2026-00045",
                group="R2026-00048", bounced=True))
    slip = Slip(number="BR2026-0003", date=day("2026-07-03"), mode="Chèque", total=D("1100.00"), status="Crédité",
                credited_on=day("2026-07-06"))
    result = books.build([inv, credit], [], rows, [slip], NAMES)
    assert table(result, "R2026-00048") == [("BQ", "411", C1, "880.00", ""), ("BQ", "411", C1, "220.00", ""),
                                           ("BQ", "512", "", "", "1100.00"), ("BQ", "44571", "", "80.00", ""),
                                           ("BQ", "44574", "", "", "80.00")]
    balanced(result.entries)
    assert account_balance(result, "411") == D("880.00")  # the invoice less its credit note is owed again
    assert account_balance(result, "44574") == D("-80.00")
    assert account_balance(result, "44571") == 0


def test_business_client_with_a_penalty_note() -> None:
    inv = doc("F2026-00050", "2026-01-15", "Facture", ln("1000.00", "20"), client=C2, nature="Dépannage")
    note = Note(number="NP2026-0001", date=day("2026-04-01"), client=C2, client_name=C2_NAME,
                interest=D("34.56"), indemnity=D("40.00"))
    rows = (pay("R2026-00050", "2026-04-15", "NP2026-0001", "74.56", "Virement", client=C2, group="R2026-00050"),
            pay("R2026-00051", "2026-04-15", "F2026-00050", "1200.00", "Virement", client=C2, group="R2026-00050"))
    result = books.build([inv], [note], rows, [], NAMES)
    assert table(result, "NP2026-0001") == [("VE", "411", C2, "74.56", ""), ("VE", "7631", "", "", "34.56"),
                                           ("VE", "7588", "", "", "40.00")]
    assert table(result, "R2026-00050") == [("BQ", "512", "", "1274.56", ""), ("BQ", "411", C2, "", "74.56"),
                                           ("BQ", "411", C2, "", "1200.00"), ("BQ", "44574", "", "200.00", ""),
                                           ("BQ", "44571", "", "", "200.00")]
    codes = {(e.ref, x.debit or x.credit): x.matching for e in result.entries for x in e.lines if x.account == "411"}
    assert codes[("NP2026-0001", D("74.56"))] == codes[("R2026-00050", D("74.56"))] == "AB"
    assert codes[("F2026-00050", D("1200.00"))] == codes[("R2026-00050", D("1200.00"))] == "AA"


def test_goods_take_vat_at_invoicing_and_deposits_on_goods_on_receipt() -> None:
    dep = doc("F2026-00060", "2026-02-02", "Facture d'acompte", ln("100.00", "20"), nature="Vente sans pose",
              operation="Livraison de biens")
    inv = doc("F2026-00061", "2026-02-20", "Facture", ln("400.00", "20"), ln("-100.00", "20", "forfait", "-20.00"),
              nature="Vente sans pose", operation="Livraison de biens")
    rows = (pay("R2026-00060", "2026-02-03", "F2026-00060", "120.00", "Virement"),
            pay("R2026-00061", "2026-02-25", "F2026-00061", "360.00", "Virement"))
    result = books.build([dep, inv], [], rows, [], NAMES)
    assert table(result, "F2026-00060") == [("VE", "411", C1, "120.00", ""), ("VE", "4191", "", "", "100.00"),
                                           ("VE", "44574", "", "", "20.00")]
    assert table(result, "F2026-00061") == [("VE", "411", C1, "480.00", ""), ("VE", "707", "", "", "400.00"),
                                           ("VE", "44571", "", "", "80.00"), ("VE", "4191", "", "100.00", ""),
                                           ("VE", "44571", "", "20.00", ""), ("VE", "411", C1, "", "120.00")]
    assert table(result, "R2026-00061") == [("BQ", "512", "", "360.00", ""), ("BQ", "411", C1, "", "360.00")]
    assert account_balance(result, "44571") == D("-80.00")
    assert account_balance(result, "44574") == 0


def test_debits_option_puts_services_vat_in_44571_at_invoicing() -> None:
    inv = doc("F2026-00070", "2026-03-01", "Facture", ln("100.00", "10"), nature="Entretien")
    result = books.build([inv], [], [pay("R2026-00070", "2026-03-09", "F2026-00070", "110.00", "Virement")], [],
                         NAMES, books.Options(vat_on_debits=True))
    assert table(result, "F2026-00070") == [("VE", "411", C1, "110.00", ""), ("VE", "706", "", "", "100.00"),
                                           ("VE", "44571", "", "", "10.00")]
    assert table(result, "R2026-00070") == [("BQ", "512", "", "110.00", ""), ("BQ", "411", C1, "", "110.00")]


def test_the_chart_of_accounts_is_the_accountants() -> None:
    chart = dict(books.DEFAULT_CHART) | {"caisse": ("531", "Caisse siège"), "services": ("7061", "Dépannages")}
    inv = doc("F2026-00020", "2026-06-01", "Facture", ln("300.00", "10", "h"), nature="Dépannage")
    cash = pay("R2026-00020", "2026-06-01", "F2026-00020", "330.00", "Espèces")
    result = books.build([inv], [], [cash], [], NAMES, books.Options(chart=chart))
    assert [r[1] for r in table(result, "F2026-00020")] == ["411", "7061", "44574"]
    assert table(result, "R2026-00020")[0] == ("CA", "531", "", "330.00", "")
    assert {x.account_label for e in result.entries for x in e.lines if x.account == "531"} == {"Caisse siège"}


def test_travel_apart_only_when_the_chart_gives_its_account() -> None:
    inv = doc("F2026-00080", "2026-06-01", "Facture", ln("300.00", "10", "h"),
              DocLine(Line(qty=D(1), unit_price=D("35.00"), rate=D(10)), "forfait", travel=True), nature="Dépannage")
    assert table(books.build([inv], [], [], [], NAMES), "F2026-00080")[1] == ("VE", "706", "", "", "335.00")
    chart = dict(books.DEFAULT_CHART) | {"deplacements": ("7085", "Ports et frais accessoires facturés")}
    result = books.build([inv], [], [], [], NAMES, books.Options(chart=chart))
    assert table(result, "F2026-00080")[1:3] == [("VE", "706", "", "", "300.00"), ("VE", "7085", "", "", "35.00")]


def test_entries_are_a_function_of_the_documents() -> None:
    a = books.build([DEPOSIT, FINAL], [], BOILER_PAYMENTS, [BOILER_SLIP], NAMES)
    b = books.build([FINAL, DEPOSIT], [], tuple(reversed(BOILER_PAYMENTS)), [BOILER_SLIP], NAMES)
    assert a.entries == b.entries


# =========================================================================== part 2: through `syc`
# `wb`: the demo book (C00001 DUPONT Jean, consumer; C00002 Dupont & Fils, business), tests/conftest.py


def money(x: Any) -> Decimal:
    return D(str(x)) if x is not None else D(0)


def entries_of(wb: Book, au: str, *extra: str) -> list[dict[str, Any]]:
    return list(wb.ok("compta", "ecritures", *extra, au=au)["ecritures"])


def lines_of(entries: list[dict[str, Any]], ref: str) -> list[Row]:
    def txt(x: str) -> str:
        return "" if D(x) == 0 else f"{D(x):.2f}"
    return [(e["journal"], x["compte"], x["compte_auxiliaire"] or "", txt(x["debit"]), txt(x["credit"]))
            for e in entries if e["piece"] == ref for x in e["lignes"]]


def amount(d: Decimal) -> str:
    return f"{d:.2f}"


def write_rows(wb: Book, au: str, rows: dict[str, list[dict[str, Any]]], updates: tuple[tuple[str, str, str, dict[str, Any]], ...] = (),
               issue: tuple[tuple[str, str], ...] = ()) -> None:
    """Rows that no command on main writes yet (slips, refunds, the « Avoir en crédit » pair), through a
    ChangeSet as the payments model describes them."""
    store = wb.store()
    with store.session():
        changes = ChangeSet()
        for table, new in rows.items():
            for r in new:
                changes.append(table, r)
        for table, key, value, values in updates:
            (row,) = [r for r in store.rows(table) if r[key] == value]
            changes.update(table, row, values)
        for table, ref in issue:
            changes.issue(table, ref, "Saisie")
        store.apply(changes, as_of=day(au))


def test_syc_boiler_installation_deposit_by_transfer_balance_by_cheque_through_a_slip(wb: Book, tmp_path: Path) -> None:
    _q, o = wb.order("2026-03-02", "CHG-25:1", "MO-H:8", nature="installation")
    dep = str(wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", "--sans-document",
                    au="2026-03-02")["numero"])
    d = wb.doc(dep)
    pay1 = wb.pay(dep, str(d["total_ttc"]), "2026-03-04")["id"]
    wb.ok("commande", "realiser", o, "--date", "2026-04-08", au="2026-04-08")
    final = str(wb.ok("facture", "creer", "--commande", o, "--emettre", "--sans-document", au="2026-04-10")["numero"])
    f = wb.doc(final)
    pay2 = wb.pay(final, str(f["total_ttc"]), "2026-04-20", mode="cheque")["id"]
    write_rows(wb, "2026-04-23", {"tBordereaux": [{
        "number": "BR2026-0001", "date": day("2026-04-21"), "mode": "Chèque", "bank": "LCL", "count": 1,
        "total": f["total_ttc"], "status": "Crédité", "credited_on": day("2026-04-23")}]},
        updates=(("tReglements", "id", pay2, {"slip": "BR2026-0001"}),), issue=(("tBordereaux", "BR2026-0001"),))
    entries = entries_of(wb, "2026-04-30")
    dep_ht, dep_vat, dep_ttc = money(d["total_ht"]), money(d["total_vat"]), money(d["total_ttc"])
    net_vat, net_ttc = money(f["total_vat"]), money(f["total_ttc"])
    assert money(f["deducted_ttc"]) == dep_ttc
    assert lines_of(entries, dep) == [("VE", "411", "C00001", amount(dep_ttc), ""),
                                      ("VE", "4191", "", "", amount(dep_ht)), ("VE", "44574", "", "", amount(dep_vat))]
    assert lines_of(entries, pay1) == [("BQ", "512", "", amount(dep_ttc), ""), ("BQ", "411", "C00001", "", amount(dep_ttc)),
                                       ("BQ", "44574", "", amount(dep_vat), ""), ("BQ", "44571", "", "", amount(dep_vat))]
    full_ht = money(f["total_ht"]) + dep_ht
    assert lines_of(entries, final) == [
        ("VE", "411", "C00001", amount(net_ttc + dep_ttc), ""), ("VE", "704", "", "", amount(full_ht)),
        ("VE", "44574", "", "", amount(net_vat + dep_vat)), ("VE", "4191", "", amount(dep_ht), ""),
        ("VE", "44574", "", amount(dep_vat), ""), ("VE", "411", "C00001", "", amount(dep_ttc))]
    assert lines_of(entries, pay2) == [("BQ", "5112", "", amount(net_ttc), ""),
                                       ("BQ", "411", "C00001", "", amount(net_ttc)),
                                       ("BQ", "44574", "", amount(net_vat), ""), ("BQ", "44571", "", "", amount(net_vat))]
    assert lines_of(entries, "BR2026-0001") == [("BQ", "512", "", amount(net_ttc), ""),
                                                ("BQ", "5112", "", "", amount(net_ttc))]
    # the lettrage: the deposit with its transfer, the final invoice with the deposit deducted and the cheque
    ledger = wb.ok("compta", "grand-livre", "--client", "C00001", au="2026-04-30")
    mine = [x for x in ledger["lignes"] if x["piece"] in (dep, pay1, final, pay2)]
    assert {x["lettrage"] for x in mine if x["piece"] in (dep, pay1)} == {"AA"}
    assert {(x["lettrage"], x["date_lettrage"]) for x in mine if x["piece"] in (final, pay2)} == {("AB", "2026-04-20")}
    assert ledger["solde"] == "0.00"
    # the VAT of March is the deposit's, due on its receipt; April's the balance's
    march = wb.ok("compta", "tva", "--periode", "2026-03", au="2026-04-30")
    assert money(march["total_tva"]) == dep_vat
    april = wb.ok("compta", "tva", "--periode", "2026-04", au="2026-04-30")
    assert money(april["total_tva"]) == net_vat
    assert {x["ligne"] for x in april["taux"]} <= {"08", "9B", "09"}
    # the trial balance of the year balances; 4191, 44574 and 5112 are settled
    bal = wb.ok("compta", "balance", "--exercice", "2026", au="2026-04-30")
    assert bal["total_debit"] == bal["total_credit"]
    solde = {c["compte"]: money(c["solde"]) for c in bal["comptes"]}
    assert solde["4191"] == solde["44574"] == solde["5112"] == 0
    # our FEC passes our checker
    fec = wb.ok("compta", "fec", "--exercice", "2026", "--sortie", str(tmp_path / "fec"), au="2026-04-30")
    assert Path(fec["fichier"]).name == "732829320FEC20261231.txt"
    assert fec["conforme"] is True
    report = check_fec(Path(fec["fichier"]), fiscal_start=day("2026-01-01"), fiscal_end=day("2026-12-31"))
    assert report.conforming, [b.message for b in report.breaches]
    assert report.entries == fec["ecritures"] and report.total_debit == report.total_credit
    # syc verifier checks the entries against the documents
    assert wb.ok("verifier", au="2026-04-30")["ok"]


def test_syc_small_repair_paid_partly_in_cash(wb: Book) -> None:
    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:2", "DEP:1")
    i = wb.doc(inv)
    assert money(i["total_ttc"]) < 1000
    cash = wb.pay(inv, "50", "2026-05-04", mode="especes")["id"]
    card = wb.pay(inv, str(money(i["total_ttc"]) - 50), "2026-05-06", mode="cb")["id"]
    entries = entries_of(wb, "2026-05-31")
    assert lines_of(entries, inv)[:2] == [("VE", "411", "C00001", amount(money(i["total_ttc"])), ""),
                                          ("VE", "706", "", "", amount(money(i["total_ht"])))]
    cash_lines = lines_of(entries, cash)
    assert cash_lines[:2] == [("CA", "530", "", "50.00", ""), ("CA", "411", "C00001", "", "50.00")]
    card_lines = lines_of(entries, card)
    assert card_lines[0][:2] == ("BQ", "512")
    moved = sum((D(x[3] or 0) for x in cash_lines + card_lines if x[1] == "44574"), D(0))
    assert moved == money(i["total_vat"])  # all the invoice's VAT is due once it is paid
    cash_journal = entries_of(wb, "2026-05-31", "--journal", "CA")
    assert [e["piece"] for e in cash_journal] == [cash]


def test_syc_partial_credit_note_and_its_refund(wb: Book) -> None:
    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:4", nature="entretien")
    i = wb.doc(inv)
    paid = wb.pay(inv, str(i["total_ttc"]), "2026-05-05")["id"]
    credit = str(wb.ok("avoir", "creer", "--facture", inv, "--motif", "Heure comptée deux fois", "--cause", "erreur",
                       "--ligne", "MO-H:1", "--emettre", "--sans-document", au="2026-05-12")["numero"])
    c = wb.doc(credit)
    excess = money(c["total_ttc"])
    # the credit note's excess over what was owed on the paid invoice became the client's credit (a
    # Compensation pair written with the credit note), then is refunded by transfer
    pair = [r for r in wb.rows("tReglements") if r["kind"] == "Avoir en crédit"]
    assert [(r["invoice"], r["amount"]) for r in pair] == [(inv, -excess), (None, excess)]
    refund = str(wb.ok("remboursement", "creer", "--client", "C00001", "--montant", str(excess).replace(".", ","),
                       "--mode", "virement", "--motif", "Remboursement de l'avoir", au="2026-05-15")["id"])
    entries = entries_of(wb, "2026-05-31")
    assert lines_of(entries, credit) == [("VE", "706", "", amount(money(c["total_ht"])), ""),
                                         ("VE", "44571", "", amount(money(c["total_vat"])), ""),
                                         ("VE", "411", "C00001", "", amount(excess))]
    assert lines_of(entries, str(pair[0]["id"])) == []
    assert lines_of(entries, refund) == [("BQ", "411", "C00001", amount(excess), ""),
                                         ("BQ", "512", "", "", amount(excess))]
    ledger = wb.ok("compta", "grand-livre", "--client", "C00001", au="2026-05-31")
    mine = [x for x in ledger["lignes"] if x["piece"] in (inv, paid, credit, refund)]
    assert len(mine) == 4 and len({x["lettrage"] for x in mine}) == 1 and mine[0]["lettrage"]
    assert {x["date_lettrage"] for x in mine} == {"2026-05-15"}


def bounced_cheque(wb: Book) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    """An invoice paid in full by a cheque on slip BR2026-0001, credited on 7 May, then bounced on
    12 May: (invoice number, invoice row, payment id, the reversal's answer)."""
    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:3")
    i = wb.doc(inv)
    pid = wb.pay(inv, str(i["total_ttc"]), "2026-05-05", mode="cheque")["id"]
    write_rows(wb, "2026-05-07", {"tBordereaux": [{
        "number": "BR2026-0001", "date": day("2026-05-06"), "mode": "Chèque", "bank": "LCL", "count": 1,
        "total": i["total_ttc"], "status": "Crédité", "credited_on": day("2026-05-07")}]},
        updates=(("tReglements", "id", pid, {"slip": "BR2026-0001"}),), issue=(("tBordereaux", "BR2026-0001"),))
    undo = wb.ok("reglement", "annuler", pid, "--motif", "chèque impayé", "--impaye", au="2026-05-12")
    return inv, i, pid, undo


def test_syc_bounced_cheque(wb: Book) -> None:
    inv, i, pid, undo = bounced_cheque(wb)
    reversal = str(undo["id"])
    entries = entries_of(wb, "2026-05-31")
    ttc, vat = amount(money(i["total_ttc"])), amount(money(i["total_vat"]))
    # the bank credited the slip, then took the unpaid cheque back: 512, and the VAT waits again
    assert lines_of(entries, reversal) == [("BQ", "411", "C00001", ttc, ""), ("BQ", "512", "", "", ttc),
                                           ("BQ", "44571", "", vat, ""), ("BQ", "44574", "", "", vat)]
    ledger = wb.ok("compta", "grand-livre", "--client", "C00001", au="2026-05-31")
    assert ledger["solde"] == ttc
    assert not any(x["lettrage"] for x in ledger["lignes"] if x["piece"] in (inv, pid, reversal))


def test_syc_business_client_with_a_penalty_note(wb: Book) -> None:
    _q, _o, inv = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    note = wb.ok("penalites", "creer", "--client", "C00002", au="2026-06-30")
    n = wb.row("tNotesPenalites", "number", note["numero"])
    total = money(wb.doc(inv)["total_ttc"]) + money(n["total"])
    paid = wb.pay(inv, str(total), "2026-07-06")
    entries = entries_of(wb, "2026-07-31")
    assert lines_of(entries, note["numero"]) == [("VE", "411", "C00002", amount(money(n["total"])), ""),
                                                 ("VE", "7631", "", "", amount(money(n["interest"]))),
                                                 ("VE", "7588", "", "", "40.00")]
    group = paid["id"]
    rows = lines_of(entries, group)
    assert rows[0] == ("BQ", "512", "", amount(total), "")
    assert sorted(r[4] for r in rows if r[1] == "411") == sorted([amount(money(n["total"])),
                                                                  amount(money(wb.doc(inv)["total_ttc"]))])
    accounts = wb.ok("compta", "lettrer", "--client", "C00002", au="2026-07-31")["comptes"]
    assert accounts[0]["lignes_ouvertes"] == 0 and len(accounts[0]["lettres"]) == 2
    assert all(x["date_lettrage"] == "2026-07-06" for x in accounts[0]["lettres"])


def test_a_period_reads_only_the_lines_it_needs_and_finds_the_same_entries(wb: Book) -> None:
    """From a later day, the documents settled before it and untouched since come without their lines
    (their « Total TTC » stands for them): the entries and VAT figures of the period are the same."""
    from pyxl.services import books as service

    _q, _o, a = wb.invoice("2026-02-02", "MO-H:3")  # paid in February: settled
    _q, _o, b = wb.invoice("2026-02-03", "MO-H:2", "DEP:1")  # half paid before, half after
    _q, _o, c = wb.invoice("2026-02-04", "MO-H:4", nature="entretien")  # paid before, credited after
    _q, _o, d = wb.invoice("2026-02-05", "MO-H:1")  # paid before, the payment reversed after
    wb.pay(a, str(wb.doc(a)["total_ttc"]), "2026-02-10")
    wb.pay(b, "50", "2026-02-11")
    pc = wb.pay(c, str(wb.doc(c)["total_ttc"]), "2026-02-12")["id"]
    pd = wb.pay(d, str(wb.doc(d)["total_ttc"]), "2026-02-13", mode="cheque")["id"]
    wb.pay(b, str(money(wb.doc(b)["total_ttc"]) - 50), "2026-04-02")
    wb.ok("avoir", "creer", "--facture", c, "--motif", "Erreur d'heures", "--cause", "erreur", "--ligne", "MO-H:1",
          "--emettre", "--sans-document", au="2026-04-03")
    wb.ok("reglement", "annuler", pd, "--motif", "chèque impayé", au="2026-04-04")
    store = wb.store()
    s = service.read(store)
    until = day("2026-06-30")
    full = books.build(s.docs, s.notes, s.payments, s.slips, s.names, s.options, until=until)
    for since in ("2026-03-01", "2026-04-03", "2026-05-01"):
        start = day(since)
        light = service.compute(wb.store(), until, start)
        assert light.entries == tuple(books.in_period(full.entries, start, until)), since
        assert books.vat_figures(light, start, until) == books.vat_figures(full, start, until), since
    summary = {d.number for d in service.read(wb.store(), day("2026-03-01")).docs if d.total is not None}
    assert summary == {a}  # b not settled, c credited after, d's payment reversed after
    assert pc and wb.ok("verifier", au="2026-06-30")["ok"]


def test_verifier_finds_a_cache_that_no_longer_matches_the_payments(wb: Book) -> None:
    _q, _o, inv = wb.invoice("2026-05-04", "MO-H:3")
    wb.pay(inv, "100", "2026-05-05")
    assert wb.ok("verifier", au="2026-05-06")["ok"]
    # « Réglé » is a cache (outside the fingerprint): typed over by hand, the books see it
    write_rows(wb, "2026-05-06", {}, updates=(("tFactures", "number", inv, {"paid": D("150.00")}),))
    wb.refused("verifier", au="2026-05-06", code="compta.client", words=["C00001", "Réglé"])


def test_syc_refusals(wb: Book) -> None:
    wb.refused("compta", "tva", "--periode", "2026-13", au="2026-05-31", code="compta.periode", words=["AAAA-MM"])
    wb.refused("compta", "grand-livre", "--client", "C09999", au="2026-05-31", code="client.unknown")


def test_migration_of_a_v6_book_seeds_the_chart(tmp_path: Path) -> None:
    import shutil

    from pyxl.workbook import migrate as mig
    from pyxl.workbook.filestore import anchor_path
    from pyxl.workbook.schema import SCHEMA

    data = Path(__file__).resolve().parent / "data" / "v6"
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(data / "syc_v6.xlsm", path)
    shutil.copy(data / "syc_v6.syc-ancre", anchor_path(path))
    done = mig.migrate(path)
    assert "ajout de la feuille Plan comptable (table tPlanComptable)" in done
    assert any(x.startswith("étape de données de la version 8") for x in done)
    store = FileStore(path)
    assert store.version() == SCHEMA.version
    chart = {r["role"]: r["account"] or "" for r in store.rows("tPlanComptable")}
    assert chart == {k: v[0] for k, v in books.DEFAULT_CHART.items()}
    assert store.parameters()["regime_tva"] == "CA3 mensuelle"
    assert store.verify() == []
    # the old documents and payments have their entries, and the books of the migrated file balance
    entries = entries_of(Book(path), "2026-12-31")
    assert entries and all(sum(D(x["debit"]) for x in e["lignes"]) == sum(D(x["credit"]) for x in e["lignes"])
                           for e in entries)


# =========================================================================== part 3: properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NATURES = (("Installation", "Prestation de services"), ("Dépannage", "Prestation de services"),
           ("Entretien", "Prestation de services"), ("Vente sans pose", "Livraison de biens"))
MODES = ("Virement", "Chèque", "Espèces", "CB")


@st.composite
def histories(draw: Any) -> tuple[list[Doc], list[Payment], dict[str, Decimal], Decimal]:
    """Invoices (1 to 3 rates), some partly credited, paid in parts, some payments reversed: the
    documents, the payment rows, what each client still owes, and the VAT of all documents."""
    docs: list[Doc] = []
    rows: list[Payment] = []
    owed: dict[str, Decimal] = {C1: D(0), C2: D(0)}
    vat_total = D(0)
    n_pay = 0
    day0 = dt.date(2026, 1, 5)
    for i in range(draw(st.integers(1, 5))):
        client = draw(st.sampled_from((C1, C2)))
        nature, operation = draw(st.sampled_from(NATURES))
        rates = draw(st.lists(st.sampled_from(("20", "10", "5.5")), min_size=1, max_size=3, unique=True))
        lines = [ln(f"{draw(st.integers(1, 500000)) / 100:.2f}", r, draw(st.sampled_from(("u", "h")))) for r in rates]
        number = f"F2026-{2 * i + 1:05d}"
        date = day0 + dt.timedelta(days=3 * i)
        inv = Doc(number=number, doc_type="Facture", date=date, client=client, client_name=NAMES[client],
                  nature=nature, operation=operation, lines=tuple(lines))
        docs.append(inv)
        t = books._rates(inv, inv)
        ttc = sum((r.net_ht + r.net_vat for r in t), D(0))
        vat_total += sum((r.net_vat for r in t), D(0))
        if draw(st.booleans()):  # a partial credit note on its first line
            first = lines[0].line
            part = (first.net * D(draw(st.integers(1, 100))) / 100).quantize(D("0.01"))
            if part > 0:
                credit = Doc(number=f"F2026-{2 * i + 2:05d}", doc_type="Avoir", date=date + dt.timedelta(days=1),
                             client=client, client_name=NAMES[client], nature=nature, operation=operation,
                             origin=number, lines=(ln(f"{part:.2f}", str(first.rate)),))
                docs.append(credit)
                c = books._rates(credit, inv)
                ttc -= sum((r.net_ht + r.net_vat for r in c), D(0))
                vat_total -= sum((r.net_vat for r in c), D(0))
        paid = D(0)
        for k in range(draw(st.integers(0, 3))):
            left = ttc - paid
            if left <= 0:
                break
            amount = left if draw(st.booleans()) else (left * D(draw(st.integers(1, 99))) / 100).quantize(D("0.01"))
            if amount <= 0:
                continue
            n_pay += 1
            pid = f"R2026-{n_pay:05d}"
            mode = draw(st.sampled_from(MODES))
            pday = date + dt.timedelta(days=2 + k)
            rows.append(Payment(id=pid, date=pday, invoice=number, client=client, amount=amount, mode=mode))
            paid += amount
            if draw(st.integers(0, 4)) == 0:  # reversed (bounced or mistyped)
                n_pay += 1
                rows.append(Payment(id=f"R2026-{n_pay:05d}", date=pday, invoice=number, client=client,
                                    amount=-amount, mode=mode, cancels=pid, bounced=True))
                paid -= amount
        owed[client] += ttc - paid
    return docs, rows, owed, vat_total


@settings(max_examples=150, deadline=None)
@given(histories(), st.booleans())
def test_every_history_balances_and_the_accounts_say_what_the_documents_say(
        history: tuple[list[Doc], list[Payment], dict[str, Decimal], Decimal], debits: bool) -> None:
    docs, rows, owed, vat_total = history
    result = books.build(docs, [], rows, [], NAMES, books.Options(vat_on_debits=debits))
    balanced(result.entries)
    for e in result.entries:
        for x in e.lines:
            assert (x.debit > 0) != (x.credit > 0) and min(x.debit, x.credit) == 0, e
    for client, amount in owed.items():
        assert sum((x.debit - x.credit for e in result.entries for x in e.lines
                    if x.account == "411" and x.aux_account == client), D(0)) == amount
    # the VAT only moves between 44574 and 44571: together they hold the VAT of every document
    assert account_balance(result, "44571") + account_balance(result, "44574") == -vat_total
    assert sum((m.vat for m in result.vat), D(0)) == -account_balance(result, "44571")
    if all(v == 0 for v in owed.values()):
        assert account_balance(result, "44574") == 0  # all paid: all due
    # a FEC of these entries is one our writer writes and our checker accepts
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path, _ = books_fec(tmp, result)
        assert check_fec(path, fiscal_start=dt.date(2026, 1, 1), fiscal_end=dt.date(2026, 12, 31)).conforming


def books_fec(folder: str, result: books.Books) -> tuple[Path, Path]:
    from pyxl.core.fec import write_fec

    return write_fec(folder, "732829320", dt.date(2026, 1, 1), dt.date(2026, 12, 31), result.entries)
