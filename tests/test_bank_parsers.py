"""Statement readers (pyxl.core.bank): each format on its fixtures (tests/data/bank, French labels
with accents, quirky OFX exports, the two sample CSVs), and each way a file is refused whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pyxl.core.bank import Format, Mapping, detect, parse, propose_mapping
from pyxl.core.bank.csvbank import PROFILES, UNVERIFIED, parse_csv
from pyxl.core.issues import Refused

DATA = Path(__file__).parent / "data" / "bank"
IBAN = "FR7630004000031234567890143"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def refusal(data: bytes, name: str = "releve.txt", **kw) -> str:
    with pytest.raises(Refused) as exc:
        parse(data, name, **kw)
    issue = exc.value.issues[0]
    assert issue.message.startswith("Relevé refusé, fichier « ") and issue.message.endswith("Rien n'a été importé.")
    return issue.message


# ------------------------------------------------------------------ CAMT.053

@pytest.mark.parametrize("version", ["02", "04", "08"])
def test_camt_versions_read_the_same_statement(version):
    (stmt,) = parse(read(f"camt053_v{version}.xml"), "janvier.xml")
    assert stmt.source_format is Format.CAMT
    assert (stmt.account, stmt.currency) == (IBAN, "EUR")
    assert (stmt.period_start, stmt.period_end) == (date(2026, 1, 15), date(2026, 1, 31))
    assert (stmt.opening_balance, stmt.closing_balance) == (Decimal("10000.00"), Decimal("16187.40"))
    assert stmt.opening_balance + sum(ln.amount for ln in stmt.lines) == stmt.closing_balance
    first = stmt.lines[0]
    assert first.amount == Decimal("1250.00") and first.bank_id == "2026011500001"
    assert first.label == "VIR SEPA RECU Règlement facture FA2026-0042 M. Jean Dupont E2E-DUPONT-0042"
    assert (first.counterparty_name, first.counterparty_iban) == ("M. Jean Dupont", "FR1420041010050500013M02606")
    assert first.reference == "E2E-DUPONT-0042" and first.source_line == 14
    assert stmt.lines[1].reference is None  # NOTPROVIDED is no reference
    assert stmt.lines[1].counterparty_name == "SARL Lefèvre Chauffage"
    # a cheque deposit with three cheques in its details stays one line: the slip's total
    assert [ln.amount for ln in stmt.lines] == [Decimal(x) for x in ("1250.00", "3480.30", "1020.00", "480.00", "-42.90")]
    assert stmt.lines[4].counterparty_name == "EDF" and stmt.lines[4].label.startswith("PRLV SEPA ÉLECTRICITÉ")
    assert stmt.lines[2].value_date == date(2026, 1, 20)


def test_camt_pending_entries_are_not_on_the_account():
    data = read("camt053_v08.xml").replace(b"<Sts><Cd>BOOK</Cd></Sts>", b"<Sts><Cd>PDNG</Cd></Sts>", 1)
    (stmt,) = parse(data, "x.xml")
    assert len(stmt.lines) == 4 and stmt.lines[0].amount == Decimal("3480.30")


def test_camt_refusals_name_the_line():
    good = read("camt053_v02.xml")
    assert "ligne 16" in refusal(good.replace(b">1250.00</Amt>", b">1250,00</Amt>", 1), "a.xml")
    assert "« 1250,00 »" in refusal(good.replace(b">1250.00</Amt>", b">1250,00</Amt>", 1), "a.xml")
    msg = refusal(good.replace(b"2026-01-15</Dt></BookgDt>", b"2026-02-30</Dt></BookgDt>"), "a.xml")
    assert "« 2026-02-30 » n'existe pas" in msg and "ligne 19" in msg
    assert "mal formé ou incomplet" in refusal(good[: len(good) // 2], "a.xml")
    assert "camt.053.001.09" in refusal(good.replace(b"camt.053.001.02", b"camt.053.001.09"), "a.xml")
    assert "camt.052.001.02" in refusal(good.replace(b"camt.053.001.02", b"camt.052.001.02"), "a.xml")
    assert "CdtDbtInd" in refusal(good.replace(b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>X</CdtDbtInd>"), "a.xml")


def test_camt_ignores_entities_and_dtd():
    evil = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>&x;</IBAN></Id></Acct></Stmt></BkToCstmrStmt></Document>"""
    with pytest.raises(Refused):
        parse(evil, "evil.xml")


# ------------------------------------------------------------------ OFX

LBP = ["ofx1_lbp_1252.ofx", "ofx1_cep_utf8.ofx", "ofx1_ca_sansentete.ofx"]


@pytest.mark.parametrize("name", LBP)
def test_ofx1_quirks_read_the_same_lines(name):
    (stmt,) = parse(read(name), name)
    assert stmt.account == "30002 00550 12345678901" and stmt.closing_balance == Decimal("5230.45")
    assert stmt.lines[0].label == "VIR M JEAN DUPONT FACTURE FA2026-0042 CHAUDIÈRE"
    assert stmt.lines[1].label == "PRLV ÉLECTRICITÉ EDF ÉCHÉANCE JANVIER"
    assert [ln.amount for ln in stmt.lines] == [Decimal(x) for x in ("1250", "-42.90", "-150", "-150", "1020")]
    assert [ln.bank_id for ln in stmt.lines][:2] == ["LBP2026011501", "LBP2026011602"]
    assert stmt.lines[2].reference == "1187654" and stmt.lines[0].booking_date == date(2026, 1, 15)


def test_ofx1_lines_are_numbered_from_the_file():
    (stmt,) = parse(read("ofx1_lbp_1252.ofx"), "lbp.ofx")
    text = read("ofx1_lbp_1252.ofx").decode("cp1252").splitlines()
    assert text[stmt.lines[0].source_line - 1] == "<STMTTRN>"


def test_ofx_two_accounts_and_a_card():
    stmts = parse(read("ofx1_cic_deuxcomptes.ofx"), "cic.ofx")
    assert [s.account for s in stmts] == ["10278 06039 00020123401", "10278 06039 00020123402", "4970XXXXXXXX1234"]
    assert [len(s.lines) for s in stmts] == [2, 1, 1]
    assert stmts[2].lines[0].label == "CB BRICO DÉPÔT 19/01" and stmts[2].closing_balance == Decimal("-63.20")
    assert all(ln.account == s.account for s in stmts for ln in s.lines)


def test_ofx_empty_statement():
    (stmt,) = parse(read("ofx1_vide.ofx"), "vide.ofx")
    assert (stmt.account, stmt.lines, stmt.closing_balance, stmt.period_start) == ("", (), None, None)


def test_ofx2_xml():
    (stmt,) = parse(read("ofx2_bnp.ofx"), "bnp.ofx")
    assert stmt.account == "30004 00031 23456789014"
    assert stmt.lines[0].label == "VIR SARL LEFÈVRE & FILS FACTURES FA2026-0043 FA2026-0044"
    assert stmt.lines[0].booking_date == date(2026, 1, 16) and stmt.lines[0].amount == Decimal("3480.30")
    assert stmt.lines[1].label == "PRLV ÉLECTRICITÉ DE FRANCE" and stmt.closing_balance == Decimal("8437.40")


def test_ofx_refusals():
    good = read("ofx1_lbp_1252.ofx")
    assert "tronqué" in refusal(good[: good.rindex(b"<STMTTRN>") + 40], "lbp.ofx")
    bad = good.replace(b"<TRNAMT>1250,00", b"<TRNAMT>12x50")
    msg = refusal(bad, "lbp.ofx")
    line = bad[: bad.index(b"12x50")].count(b"\n") + 1
    assert "« 12x50 »" in msg and f"ligne {line} :" in msg
    assert "« 20260230 »" in refusal(good.replace(b"<DTPOSTED>20260115", b"<DTPOSTED>20260230"), "lbp.ofx")
    assert "DTPOSTED" in refusal(good.replace(b"<DTPOSTED>20260115\r\n", b""), "lbp.ofx")
    assert "encodage inconnu" in refusal(good.replace("È".encode("cp1252"), b"\x81"), "lbp.ofx")
    assert "ce n'est pas un relevé OFX" in refusal(b"OFXHEADER:100\nDATA:OFXSGML\n\n<HTML>", "x.ofx")


# ------------------------------------------------------------------ CFONB 120

def test_cfonb_records_complements_and_signs():
    (stmt,) = parse(read("cfonb120.txt"), "releve.txt")
    assert stmt.source_format is Format.CFONB and stmt.account == "30004 00031 00012345678"
    assert (stmt.opening_balance, stmt.closing_balance) == (Decimal("10000.00"), Decimal("11927.10"))
    assert (stmt.period_start, stmt.period_end) == (date(2026, 1, 14), date(2026, 1, 31))
    assert [ln.amount for ln in stmt.lines] == [Decimal(x) for x in ("1250", "-150", "-150", "1020", "-42.90")]
    assert stmt.lines[0].label == "VIR SEPA M JEAN DUPONT Règlement facture FA2026-0042 chaudière"
    assert stmt.lines[3].label == "REMISE CHEQUES 0004512 3 chèques - bordereau BR2026-0001"
    assert stmt.lines[3].value_date == date(2026, 1, 20) and stmt.lines[0].reference == "E2E-DUPONT-0042"
    assert [ln.source_line for ln in stmt.lines] == [2, 4, 5, 6, 8]


def test_cfonb_without_line_breaks():
    (a,) = parse(read("cfonb120.txt"), "a.txt")
    (b,) = parse(read("cfonb120_sans_fin_de_ligne.txt"), "b.txt")
    assert [(x.amount, x.label) for x in a.lines] == [(x.amount, x.label) for x in b.lines]


def test_cfonb_decimals_field():
    lines = read("cfonb120.txt").decode("cp1252").split("\r\n")
    three = [ln[:19] + "3" + ln[20:] if ln[:2] in ("01", "04", "07") else ln for ln in lines]  # amounts in thousandths
    (stmt,) = parse("\r\n".join(three).encode("cp1252"), "x.txt")
    assert stmt.lines[0].amount == Decimal("125.00") and stmt.closing_balance == Decimal("1192.71")
    assert str(stmt.lines[0].amount) == "125.00"  # to the cent, as every other reader gives it


def test_cfonb_refusals():
    lines = read("cfonb120.txt").decode("cp1252").split("\r\n")

    def joined(ls):
        return "\r\n".join(ls).encode("cp1252")

    assert "tronqué" in refusal(joined(lines[:-2]), "c.txt")  # no 07
    assert "ligne 4" in refusal(joined([*lines[:3], lines[3][:80], *lines[4:]]), "c.txt")
    bad_sign = [*lines[:3], lines[3][:103] + "X" + lines[3][104:], *lines[4:]]
    assert "ligne 4" in refusal(joined(bad_sign), "c.txt")
    bad_date = [*lines[:3], lines[3][:34] + "300226" + lines[3][40:], *lines[4:]]
    assert "« 300226 » n'existe pas" in refusal(joined(bad_date), "c.txt")
    missing = [*lines[:3], *lines[4:]]
    assert "des mouvements manquent" in refusal(joined(missing), "c.txt")
    assert "« 09 » inconnu" in refusal(joined([*lines[:3], "09" + lines[3][2:], *lines[4:]]), "c.txt")


# ------------------------------------------------------------------ CSV

def test_crédit_agricole_sample_is_refused_on_its_bad_amount():
    msg = refusal(read("ca_budgetcategorizer.csv"), "ca.csv")
    assert "ligne 17" in msg and "« not-a-number »" in msg


def test_crédit_agricole_windows_1252_multiline_labels_and_card_section():
    (stmt,) = parse(read("ca_1252.csv"), "ca.csv")
    assert stmt.account == "62734091867"
    assert [ln.amount for ln in stmt.lines] == [Decimal(x) for x in ("1250", "-150", "-150", "1020", "-42.90")]
    assert stmt.lines[0].label == "VIREMENT EN VOTRE FAVEUR M. JEAN DUPONT FACTURE FA2026-0042 CHAUDIÈRE"
    assert [ln.source_line for ln in stmt.lines] == [10, 14, 17, 20, 23]
    assert (stmt.period_start, stmt.period_end) == (date(2026, 1, 15), date(2026, 1, 21))


def test_crédit_mutuel_sample_iso_8859_15_negative_debits():
    (stmt,) = parse(read("cm_vrischmann.csv"), "cm.csv", account="FR76 1027")
    assert len(stmt.lines) == 24 and stmt.account == "FR76 1027"
    assert stmt.lines[0].amount == Decimal("-26.99") and stmt.lines[5].amount == Decimal("2950.00")
    assert stmt.lines[13].label == "ECH PRET CAP 01000 000000 10 UTILISATION N°001"
    assert stmt.lines[6].value_date == date(2025, 11, 5) and stmt.lines[6].booking_date == date(2025, 11, 6)


@pytest.mark.parametrize(("name", "profile", "first"), [
    ("bnp.csv", None, "VIR SEPA RECU DE: SARL LEFÈVRE CHAUFFAGE MOTIF: FACTURES FA2026-0043 FA2026-0044"),
    ("sg_1252.csv", None, "VIR RECU 1234567 DE: M JEAN DUPONT REF: FA2026-0042"),
    ("lbp_1252.csv", None, "VIREMENT DE M JEAN DUPONT FA2026-0042"),
    ("bpce.csv", None, "VIR M JEAN DUPONT VIR SEPA M JEAN DUPONT FA2026-0042"),
    ("lcl_1252.csv", "lcl", "Virement VIR M JEAN DUPONT FA2026-0042"),
])
def test_other_banks_profiles(name, profile, first):
    (stmt,) = parse(read(name), name, profile=profile)
    assert stmt.profile == {"bnp.csv": "bnp", "sg_1252.csv": "societe-generale", "lbp_1252.csv": "banque-postale",
                            "bpce.csv": "bpce", "lcl_1252.csv": "lcl"}[name]
    assert stmt.lines[0].label == first and stmt.lines[0].booking_date.year == 2026
    assert all(ln.source_format is Format.CSV for ln in stmt.lines) and len(stmt.lines) >= 2


def test_profile_names_say_which_were_checked():
    checked = {p.key for p in PROFILES if p.verified}
    assert checked == {"credit-agricole", "credit-mutuel"}
    for p in PROFILES:
        assert p.name.endswith(UNVERIFIED) != p.verified
    assert next(p for p in PROFILES if p.key == "bnp").name == "BNP Paribas (non vérifié sur un vrai relevé)"


def test_proposed_mapping_reads_the_file():
    header = "Date opération;Date valeur;Libellé;Référence;Débit;Crédit"
    mapping = propose_mapping(header)
    assert mapping == Mapping(date="date operation", value_date="date valeur", label=("libelle",),
                              debit="debit", credit="credit")
    data = (header + "\n02/02/2026;03/02/2026;Virement Mme Bœuf;X1;;99,90\n").encode("cp1252")
    (stmt,) = parse_csv(data, "perso.csv", mapping)
    assert stmt.profile == ""
    assert stmt.lines[0].amount == Decimal("99.90") and stmt.lines[0].label == "Virement Mme Bœuf"
    assert propose_mapping(["Date", "Description", "Montant"]).amount == "montant"
    with pytest.raises(Refused, match="Indiquez les colonnes"):
        propose_mapping("Nom;Prénom;Ville")


def test_csv_refusals():
    ca = read("ca_1252.csv")
    assert "« 31/02/2026 » n'existe pas" in refusal(ca.replace(b"21/01/2026;", b"31/02/2026;"), "ca.csv")
    assert "aucun profil" in refusal(b"a;b;c\n1;2;3\n", "x.csv")
    assert "ni débit ni crédit" in refusal(ca.replace(b";42,90;;", b";;;"), "ca.csv")
    assert "ligne d'en-tête" in refusal(ca, "ca.csv", profile="bnp")
    assert "encodage inconnu" in refusal(ca.replace(b"CHAUDI\xc8RE", b"CHAUDI\x8fRE"), "ca.csv")
    with pytest.raises(Refused, match="CSV « hsbc » inconnu"):
        parse(ca, "ca.csv", profile="hsbc")


# ------------------------------------------------------------------ detection and any file

@pytest.mark.parametrize(("name", "fmt"), [
    ("camt053_v02.xml", Format.CAMT), ("camt053_v04.xml", Format.CAMT), ("ofx1_lbp_1252.ofx", Format.OFX),
    ("ofx1_ca_sansentete.ofx", Format.OFX), ("ofx2_bnp.ofx", Format.OFX), ("cfonb120.txt", Format.CFONB),
    ("cfonb120_sans_fin_de_ligne.txt", Format.CFONB), ("ca_1252.csv", Format.CSV), ("cm_vrischmann.csv", Format.CSV),
])
def test_detect(name, fmt):
    assert detect(read(name), name) is fmt


@pytest.mark.parametrize("junk", [b"%PDF-1.7\n...", b"PK\x03\x04\x00\x00", b"\x00\x01\x02", b"bonjour"])
def test_not_a_statement(junk):
    assert "ni OFX" in refusal(junk, "photo.pdf") or "caractères de contrôle" in refusal(junk, "photo.pdf")


def test_a_file_not_what_it_claims():
    assert "aucune balise <OFX>" in refusal(read("ca_1252.csv"), "x.ofx", fmt="ofx")
    assert "mal formé" in refusal(read("ofx1_lbp_1252.ofx"), "x.xml", fmt="camt")
    assert "120 caractères" in refusal(read("bnp.csv"), "x.txt", fmt="cfonb") or "tronqué" in refusal(
        read("bnp.csv"), "x.txt", fmt="cfonb")
    assert "le fichier est vide" in refusal(b"  \n", "vide.csv")
    with pytest.raises(Refused, match="« qif » inconnu"):
        parse(b"x", "a.qif", fmt="qif")
    assert "caractères de contrôle" in refusal(b"Date;Libelle;Montant\n01/01/2026;a\x01b;1\n", "x.csv")


def test_a_csv_cut_inside_its_last_record():
    data = read("bnp.csv")
    assert "tronqué" in refusal(data[: data.rindex(b";-42,90")], "bnp.csv")
