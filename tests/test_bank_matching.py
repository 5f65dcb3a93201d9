"""Line identity (de-duplication) and the matching of statement lines to expected receipts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from pyxl.core.bank import (
    ExpectedItem,
    ItemKind,
    MatchOptions,
    StatementLine,
    Status,
    all_lines,
    identities,
    match,
    new_lines,
    parse,
)

DATA = Path(__file__).parent / "data" / "bank"


def lines_of(name: str) -> list[StatementLine]:
    return all_lines(parse((DATA / name).read_bytes(), name))


# ------------------------------------------------------------------ identity

def test_reimporting_a_file_adds_nothing():
    for name in ("camt053_v08.xml", "ofx1_lbp_1252.ofx", "cfonb120.txt", "ca_1252.csv", "cm_vrischmann.csv"):
        lines = lines_of(name)
        known = set(identities(lines))
        assert len(known) == len(lines), name  # every line its own identity, identical cheques included
        assert new_lines(lines, known) == []


def test_identical_cheques_the_same_day_stay_two():
    lines = lines_of("cfonb120.txt")
    cheques = [ln for ln in lines if ln.label == "CHEQUE 1187654"]
    assert len(cheques) == 2 and cheques[0] == replace(cheques[1], source_line=cheques[0].source_line)
    ids = identities(lines)
    assert len(set(ids)) == 5 and all(i.startswith("C-") for i in ids)
    # imported twice: still two, and nothing new the second time
    assert [ln for _, ln in new_lines(lines, set())] == lines
    assert new_lines(lines, set(ids)) == []


def test_an_overlapping_period_adds_only_what_is_new():
    lines = lines_of("ca_1252.csv")
    first = lines[:2]  # an export taken on the 17th, one of the two cheques booked yet
    known = set(identities(first))
    fresh = new_lines(lines, known)
    assert [ln.source_line for _, ln in fresh] == [17, 20, 23]  # the second cheque is new, the first is not
    known |= {i for i, _ in fresh}
    assert new_lines(lines, known) == []


def test_bank_ids_win_over_content():
    lines = lines_of("ofx1_lbp_1252.ofx")
    ids = identities(lines)
    assert all(i.startswith("B-") for i in ids) and len(set(ids)) == 5
    relabelled = [replace(ln, label=ln.label.lower()) for ln in lines]  # the bank rewrote its labels
    assert identities(relabelled) == ids
    other_account = [replace(ln, account="autre") for ln in lines]
    assert not set(identities(other_account)) & set(ids)


def test_a_bank_id_reused_within_a_file_is_not_trusted():
    a = lines_of("ofx1_lbp_1252.ofx")
    reused = [a[0], replace(a[1], bank_id=a[0].bank_id)]
    ids = identities(reused)
    assert len(set(ids)) == 2 and all(i.startswith("C-") for i in ids)


# ------------------------------------------------------------------ matching

def items() -> list[ExpectedItem]:
    inv = ItemKind.INVOICE
    return [
        ExpectedItem(inv, "FA2026-0042", D("1250.00"), "C00001", "Dupont Jean", due_date=date(2026, 1, 31)),
        ExpectedItem(inv, "FA2026-0043", D("2000.00"), "C00002", "SARL Lefèvre Chauffage",
                     iban="FR76 1010 7001 0112 3456 7890 129"),
        ExpectedItem(inv, "FA2026-0044", D("1480.30"), "C00002", "SARL Lefèvre Chauffage",
                     iban="FR7610107001011234567890129"),
        ExpectedItem(inv, "FA2026-0050", D("480.00"), "C00003", "Hélène Garçon"),
        ExpectedItem(ItemKind.QUOTE, "D2026-0051", D("480.00"), "C00003", "Hélène Garçon"),
        ExpectedItem(ItemKind.DEPOSIT_SLIP, "BR2026-0001", D("1020.00")),
        ExpectedItem(ItemKind.PENALTY_NOTE, "NP2026-0003", D("40.00"), "C00009", "Paul Martin"),
    ]


@pytest.mark.parametrize("name", ["camt053_v02.xml", "camt053_v08.xml"])
def test_matching_a_camt_statement(name):
    result = match(lines_of(name), items())
    exact = {m.line.amount: m.candidates[0] for m in result.exact}
    assert [c.items[0].number for c in exact.values()] == ["FA2026-0042", "BR2026-0001"]
    assert exact[D("1250.00")].score == 100
    assert exact[D("1250.00")].reasons == ("montant exact", "n° FA2026-0042 dans le libellé",
                                           "nom du client dans le libellé", "date proche de l'échéance")
    assert exact[D("1020.00")].reasons == ("montant exact", "libellé de remise de chèques")
    # one transfer for two invoices: proposed as a whole, never confirmed alone
    (split,) = result.proposed
    top = split.candidates[0]
    assert [i.number for i in top.items] == ["FA2026-0043", "FA2026-0044"]
    assert top.score < 85 and top.difference == 0 and "montant égal au total de 2 pièces" in top.reasons
    # 480 € from Mme Garçon: an invoice and a quote of hers are both 480 € -> ambiguous
    (amb,) = result.ambiguous
    assert amb.status is Status.AMBIGUOUS and amb.line.amount == D("480.00")
    assert {c.items[0].number for c in amb.candidates} == {"FA2026-0050", "D2026-0051"}
    assert [ln.amount for ln in result.unmatched_lines] == [D("-42.90")]
    assert [i.number for i in result.unmatched_items] == ["NP2026-0003"]


def line(label: str, amount: str, day: int = 20, **kw) -> StatementLine:
    return StatementLine(account="A", booking_date=date(2026, 1, day), amount=D(amount), label=label, **kw)


def test_number_written_differently_and_without_prefix():
    its = items()
    r = match([line("VIR DUPONT FA 2026 42", "1250.00")], its)
    assert r.exact[0].candidates[0].items[0].number == "FA2026-0042"
    r = match([line("VIR REF 2026-0042", "1250.00")], its)  # the number without its prefix: proposed
    (p,) = r.proposed
    assert p.candidates[0].items[0].number == "FA2026-0042" and p.candidates[0].score == 80
    r = match([line("VIR fa2026-0042", "1250.00")], its)  # with it: exact
    assert r.exact[0].candidates[0].score == 90
    r = match([line("VIR FA2026-0042 ACOMPTE", "300.00")], its)  # without the amount: at most 60
    assert r.proposed[0].candidates[0].score == 40  # number 35 + date 5


def test_iban_and_amount_is_exact_name_and_amount_is_proposed():
    its = items()
    r = match([line("VIREMENT RECU", "1480.30", counterparty_iban="FR7610107001011234567890129")], its)
    assert r.exact[0].candidates[0].items[0].number == "FA2026-0044"
    assert "IBAN du client" in r.exact[0].candidates[0].reasons
    r = match([line("VIR M. JEAN DUPONT", "1250.00")], its)
    assert r.exact == () and r.proposed[0].candidates[0].items[0].number == "FA2026-0042"
    assert r.proposed[0].candidates[0].score == 75


def test_names_are_matched_without_accents_or_case():
    r = match([line("vir mme helene garcon", "480.00")], items())
    assert {c.items[0].number for c in r.ambiguous[0].candidates} == {"FA2026-0050", "D2026-0051"}
    assert all("nom du client dans le libellé" in c.reasons for c in r.ambiguous[0].candidates)
    r = match([line("VIR MME HELENE", "480.00")], items())  # half a name is no name
    assert all(c.reasons == ("montant exact",) for c in r.ambiguous[0].candidates)


def test_the_same_invoice_claimed_by_two_lines_is_not_confirmed_twice():
    a = line("VIR FA2026-0042", "1250.00", day=15)
    b = line("VIR FA2026-0042", "1250.00", day=16)
    r = match([a, b], items())
    assert r.exact == () and len(r.proposed) == 2


def test_card_batch_credited_net_of_commission():
    batch = ExpectedItem(ItemKind.CARD_BATCH, "LCB2026-0007", D("1000.00"))
    r = match([line("REMISE CB 0042 TPE", "985.00")], [batch], MatchOptions(card_fee_rate=D("0.02")))
    (p,) = r.proposed
    assert p.candidates[0].difference == D("-15.00")
    assert "commission de 15,00\xa0€ retenue par la banque" in p.candidates[0].reasons
    r = match([line("REMISE CB 0042 TPE", "975.00")], [batch], MatchOptions(card_fee_rate=D("0.02")))
    assert r.unmatched_items == (batch,)  # 2,5 % kept: beyond the tolerance
    r = match([line("REMISE CB 0042 TPE", "1000.00")], [batch])
    assert r.exact[0].candidates[0].items == (batch,)


def test_a_slip_is_known_by_its_total_only():
    slip = ExpectedItem(ItemKind.DEPOSIT_SLIP, "BR2026-0001", D("1020.00"))
    assert match([line("REMISE CHEQUES", "1019.00")], [slip]).unmatched_items == (slip,)
    assert match([line("VIREMENT", "1020.00")], [slip]).proposed[0].candidates[0].score == 50


def test_debits_are_left_unmatched_and_order_is_kept():
    ls = [line("PRLV", "-10.00"), line("VIR FA2026-0042", "1250.00"), line("FRAIS", "-2.00")]
    r = match(ls, items())
    assert r.unmatched_lines == (ls[0], ls[2])


def test_floor_and_candidate_count():
    many = [ExpectedItem(ItemKind.INVOICE, f"FA2026-{n:04d}", D("100.00"), f"C{n}", f"Client{n}")
            for n in range(1, 30)]
    r = match([line("VIR", "100.00")], many)
    assert len(r.ambiguous[0].candidates) == 5 and len(r.unmatched_items) == 24  # not proposed: not seen
    r = match([line("VIR", "100.00")], many, MatchOptions(floor=60))
    assert r.ambiguous == () and len(r.unmatched_items) == 29


def test_the_project_numbering_and_digits_that_are_not_numbers():
    inv = ExpectedItem(ItemKind.INVOICE, "F2026-00042", D("310.00"), "C1", "Bœuf Frédéric")
    quote = ExpectedItem(ItemKind.QUOTE, "D2026-0042", D("900.00"), "C1", "Bœuf Frédéric")
    r = match([line("VIR FREDERIC BOEUF FACT F2026-42", "310.00")], [inv, quote])
    assert r.exact[0].candidates[0].items == (inv,)
    assert "nom du client dans le libellé" in r.exact[0].candidates[0].reasons  # « Bœuf » written BOEUF
    r = match([line("PAIEMENT CB GIR1202600042 PAYWEB", "5.00")], [inv, quote])  # digits inside a reference
    assert r.unmatched_items == (inv, quote)
    r = match([line("VIR FREDERIC BOEUF 2026-0042", "5.00")], [inv, quote])  # bare: both prefixes
    assert {c.items[0].number for c in r.ambiguous[0].candidates} == {"F2026-00042", "D2026-0042"}
