"""Bank statements in the workbook (issue 14, item 5): `syc banque importer` keeps only the new
lines (L2026-000001…), a bad file is refused whole; `syc banque rapprocher` matches the lines to
the open invoices, penalty notes, deposit slips and card batches, and confirms on demand.

Demo book of `test_sales_chain` (C00001 DUPONT Jean, particulier; C00002 Dupont & Fils,
professionnel). 10 h × 55,00 at 10 % = 605,00 TTC; 2 h × 55,00 at 10 % = 121,00 TTC.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_sales_chain import Book

from pyxl.core.bank import all_lines, parse

D = Decimal
DATA = Path(__file__).parent / "data" / "bank"


def camt(tmp: Path, entries: list[tuple[str, str, str]], name: str = "releve.xml") -> Path:
    """A camt.053.001.08 statement: (booking date, signed amount, label) per entry."""
    body = []
    for k, (day, amount, label) in enumerate(entries):
        value = D(amount)
        body.append(
            f"<Ntry><NtryRef>{k}</NtryRef><Amt Ccy=\"EUR\">{abs(value)}</Amt>"
            f"<CdtDbtInd>{'CRDT' if value > 0 else 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{name}-{k}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><RmtInf><Ustrd>{label}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n")
    path = tmp / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>T</MsgId><CreDtTm>2026-12-31T20:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id>"
        "<Acct><Id><IBAN>FR7630004000031234567890143</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + "".join(body) + "</Stmt></BkToCstmrStmt></Document>\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- import
@pytest.mark.parametrize(("name", "options"), [
    ("camt053_v02.xml", ()), ("camt053_v04.xml", ()), ("camt053_v08.xml", ("--format", "camt")),
    ("ofx1_lbp_1252.ofx", ()), ("ofx1_cep_utf8.ofx", ()), ("ofx1_ca_sansentete.ofx", ("--format", "ofx")),
    ("ofx1_cic_deuxcomptes.ofx", ()), ("ofx2_bnp.ofx", ()), ("cfonb120.txt", ()),
    ("cfonb120_sans_fin_de_ligne.txt", ("--format", "cfonb")), ("ca_1252.csv", ()), ("cm_vrischmann.csv", ()),
    ("bnp.csv", ()), ("sg_1252.csv", ()), ("bpce.csv", ()), ("lbp_1252.csv", ()),
    ("lcl_1252.csv", ("--profil", "lcl", "--compte", "FR7630002005500000157845Z02")),
])
def test_each_format_is_imported_once_and_a_second_import_adds_nothing(wb: Book, name: str,
                                                                       options: tuple[str, ...]) -> None:
    path = DATA / name
    profile = options[1] if options[:1] == ("--profil",) else None
    account = options[3] if len(options) > 3 else None
    expected = all_lines(parse(path.read_bytes(), name, profile=profile, account=account))
    d = wb.ok("banque", "importer", str(path), *options, au="2026-12-01")
    assert d["lignes_importees"] == d["lignes_lues"] == len(expected) > 0
    assert d["ids"][0] == "L2026-000001" and d["ids"][-1] == f"L2026-{len(expected):06d}"
    rows = wb.rows("tReleves")
    assert [(r["date"], r["amount"]) for r in rows] == [(ln.booking_date, ln.amount) for ln in expected]
    assert {r["status"] for r in rows} == {"À rapprocher"} and {r["source"] for r in rows} == {name}
    assert len({r["identity"] for r in rows}) == len(rows)
    assert {r["account"] or "" for r in rows} == {ln.account for ln in expected}
    again = wb.ok("banque", "importer", str(path), *options, au="2026-12-02")
    assert (again["lignes_importees"], again["deja_importees"], again["ids"]) == (0, len(expected), [])
    assert len(wb.rows("tReleves")) == len(expected)
    listed = wb.ok("banque", "liste", "--non-rapproche", au="2026-12-02")["lignes"]
    assert [x["id"] for x in listed] == [r["id"] for r in rows]


def test_two_identical_cheques_of_a_day_stay_two_and_an_overlapping_file_adds_only_the_new_day(
        wb: Book, tmp_path: Path) -> None:
    same = ("2026-11-03", "120.00", "REMISE CHEQUE 0001234")
    first = camt(tmp_path, [same, same, ("2026-11-04", "-35.10", "PRLV SEPA ÉLECTRICITÉ")], "a.xml")
    d = wb.ok("banque", "importer", str(first), "--format", "camt", au="2026-12-01")
    assert d["lignes_importees"] == 3
    # the bank's ids differ in the second file: content identity is the CSV's case, tested with the fixture
    csv = DATA / "ca_1252.csv"
    n = wb.ok("banque", "importer", str(csv), "--profil", "credit-agricole", au="2026-12-01")["lignes_importees"]
    cheques = [r for r in wb.rows("tReleves") if r["source"] == "ca_1252.csv" and r["label"].startswith("CHEQUE")]
    assert n > 0 and len(cheques) >= 2 and len({(r["date"], r["amount"], r["label"]) for r in cheques}) < len(cheques)
    assert wb.ok("banque", "importer", str(csv), au="2026-12-02")["lignes_importees"] == 0


@pytest.mark.parametrize(("content", "words"), [
    (b"%PDF-1.4 not a statement", ["ni un relevé CAMT.053"]),
    ((DATA / "camt053_v08.xml").read_bytes()[:-200], ["tronqué", "mal formé"]),
    ((DATA / "ca_budgetcategorizer.csv").read_bytes(), ["ligne 17"]),
    ((DATA / "camt053_v08.xml").read_bytes().replace(b"2026-01-15", b"2026-02-30"), ["2026-02-30"]),
])
def test_a_bad_file_is_refused_whole_and_the_workbook_is_byte_for_byte_unchanged(
        wb: Book, tmp_path: Path, content: bytes, words: list[str]) -> None:
    wb.ok("banque", "importer", str(DATA / "cfonb120.txt"), au="2026-12-01")
    bad = tmp_path / "mauvais.dat"
    bad.write_bytes(content)
    message = wb.refused("banque", "importer", str(bad), au="2026-12-02", code=_code_of(content),
                         words=["mauvais.dat", "Rien n'a été importé"])
    assert any(w in message for w in words), message


def _code_of(content: bytes) -> str:
    if content.startswith(b"%PDF"):
        return "releve.format"
    if b"2026-02-30" in content:
        return "releve.date"
    if b"camt.053" in content:
        return "releve.xml"
    return "releve.montant"


def test_an_empty_statement_writes_nothing(wb: Book) -> None:
    before = wb.snapshot()
    d = wb.ok("banque", "importer", str(DATA / "ofx1_vide.ofx"), au="2026-12-01")
    assert (d["lignes_lues"], d["lignes_importees"]) == (0, 0) and "aucune opération" in d["message"]
    assert wb.snapshot()[0] == before[0]


def test_an_unreadable_file_name_is_refused(wb: Book, tmp_path: Path) -> None:
    wb.refused("banque", "importer", str(tmp_path / "absent.xml"), au="2026-12-01", code="releve.fichier")
    wb.refused("banque", "importer", str(DATA / "ca_1252.csv"), "--profil", "inconnue", au="2026-12-01",
               code="releve.csv.profil_inconnu")


# --------------------------------------------------------------------------- reconciliation
def slip_of_two_cheques(wb: Book) -> tuple[str, str]:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    for inv, amount, number in ((f1, "605", "1234567"), (f2, "121", "9876543")):
        wb.ok("reglement", "saisir", "--facture", inv, "--montant", amount, "--mode", "cheque", "--reference", number,
              au="2026-03-05")
    assert wb.ok("bordereau", "creer", "--banque", "LCL", au="2026-03-06")["numero"] == "BR2026-0001"
    return f1, f2


def test_a_slip_paid_as_one_line_is_credited_with_its_cheques(wb: Book, tmp_path: Path) -> None:
    slip_of_two_cheques(wb)
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-09", "726.00", "REMISE CHEQUES N 0000012"),
                                                     ("2026-03-09", "-12.00", "FRAIS TENUE DE COMPTE"),
                                                     ("2026-03-09", "700.00", "REMISE CHEQUES N 0000013")])),
          au="2026-03-10")
    d = wb.ok("banque", "rapprocher", au="2026-03-10")
    assert [(m["id"], m["candidats"][0]["pieces"]) for m in d["exactes"]] == [("L2026-000001", ["BR2026-0001"])]
    assert [x["id"] for x in d["lignes_non_rapprochees"]] == ["L2026-000002", "L2026-000003"]
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000003=BR2026-0001", au="2026-03-10",
               code="banque.montant", words=["726,00", "700,00"])
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000002=BR2026-0001", au="2026-03-10", code="banque.debit")
    assert wb.row("tBordereaux", "number", "BR2026-0001")["status"] == "Remis"  # nothing written without confirming
    c = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-10")
    assert c["confirmees"] == [{"ligne": "L2026-000001", "pieces": ["BR2026-0001"], "type": "bordereau",
                                "reglement": None}]
    slip = wb.row("tBordereaux", "number", "BR2026-0001")
    assert (slip["status"], str(slip["credited_on"]), slip["bank_line"]) == ("Crédité", "2026-03-09", "L2026-000001")
    assert {r["bank_line"] for r in wb.rows("tReglements")} == {"L2026-000001"}
    line = wb.row("tReleves", "id", "L2026-000001")
    assert (line["status"], line["matched"]) == ("Rapprochée", "BR2026-0001")
    again = wb.ok("banque", "rapprocher", au="2026-03-11")
    assert again["a_rapprocher"] == 2 and again["exactes"] == []
    assert wb.ok("verifier", au="2026-03-11")["ok"]
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-11", code="banque.deja")


def test_a_card_batch_credited_net_of_the_commission_within_the_tolerance(wb: Book, tmp_path: Path) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("reglement", "saisir", "--facture", f1, "--montant", "605", "--mode", "cb", au="2026-03-05")
    wb.ok("bordereau", "creer", "--mode", "cb", au="2026-03-05")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-07", "596.53", "REMISE CB 0012345 TPE")])),
          au="2026-03-09")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-07", "580.00", "REMISE CB 0012346 TPE"),
                                                     ("2026-03-07", "600.00", "REMISE CHQ 77")], "b.xml")),
          au="2026-03-09")
    # 25,00 of commission is above 3 % of 605,00 (18,15); a slip is never credited with another amount
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000002=BR2026-0001", au="2026-03-09",
               code="banque.commission", words=["BR2026-0001", "3\xa0%"])
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000001", "L2026-000002=BR2026-0001", au="2026-03-09",
               code="banque.double")
    d = wb.ok("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-09")
    assert d["confirmees"][0]["pieces"] == ["BR2026-0001"]
    slip = wb.row("tBordereaux", "number", "BR2026-0001")
    assert (slip["status"], slip["fee"]) == ("Crédité", D("8.47"))


def test_unmatched_lines_and_expected_items_are_listed_on_both_sides_and_an_ambiguous_line_is_not_confirmed(
        wb: Book, tmp_path: Path) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    _, _, f3 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", "121.00", "VIR SEPA DUPONT JEAN"),
                                                     ("2026-03-21", "55.00", "VIR RECU DIVERS")])), au="2026-03-23")
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-23")
    assert d["confirmees"] == [] and d["exactes"] == []
    (amb,) = d["ambigues"]
    assert amb["id"] == "L2026-000001" and {tuple(c["pieces"]) for c in amb["candidats"]} == {(f1,), (f2,)}
    assert [x["id"] for x in d["lignes_non_rapprochees"]] == ["L2026-000002"]
    assert [x["numero"] for x in d["attendus_non_rapproches"]] == [f3]
    assert wb.row("tReleves", "id", "L2026-000001")["status"] == "À rapprocher"
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-23", code="banque.ambigu",
               words=[f"L2026-000001={f1}"])
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000002", au="2026-03-23", code="banque.sans_candidat")
    wb.refused("banque", "rapprocher", "--confirmer", "L2026-000009", au="2026-03-23", code="banque.ligne")


def test_an_exact_transfer_is_recorded_as_a_payment_by_transfer_and_the_line_reconciled(wb: Book, tmp_path: Path) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", "121.00", f"VIR SEPA DUPONT JEAN FACTURE {f1}"),
                                                     ("2026-03-20", "600.00", "VIR DUPONT ET FILS")])),
          au="2026-03-23")
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-23")
    (done,) = d["confirmees"]
    assert (done["ligne"], done["pieces"]) == ("L2026-000001", [f1]) and done["reglement"]
    (pay,) = [r for r in wb.rows("tReglements") if r["invoice"] == f1]
    assert (pay["amount"], pay["mode"], pay["bank_line"], pay["client"]) == (D("121.00"), "Virement", "L2026-000001",
                                                                             "C00001")
    assert wb.doc(f1)["status"] == "Réglée" and wb.doc(f2)["paid"] == D("0.00")
    line = wb.row("tReleves", "id", "L2026-000001")
    assert (line["status"], line["matched"]) == ("Rapprochée", done["reglement"])
    # the 600,00 matches nothing (neither the amount nor the whole name): the user names the invoice
    left = wb.ok("banque", "rapprocher", au="2026-03-23")
    assert [x["id"] for x in left["lignes_non_rapprochees"]] == ["L2026-000002"]
    assert [x["numero"] for x in left["attendus_non_rapproches"]] == [f2]
    d = wb.ok("banque", "rapprocher", "--confirmer", f"L2026-000002={f2}", au="2026-03-23")
    assert d["confirmees"][0]["pieces"] == [f2]
    assert (wb.doc(f2)["paid"], wb.doc(f2)["status"]) == (D("600.00"), "Partiellement réglée")
    assert wb.ok("verifier", au="2026-03-23")["ok"]


def test_a_confirmed_transfer_is_handed_to_payments_receive_with_the_line(wb: Book, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring: `payments.receive` gets the line's amount, the day, the client, the documents,
    the label and the line's id, in the change set that reconciles the line."""
    from pyxl.services import payments

    calls = []
    real = payments.receive

    def receive(store, amount_text, mode_text, as_of, **kw):
        calls.append((amount_text, mode_text, as_of, kw["client"], tuple(kw["documents"]), kw["reference"],
                      kw["bank_line"]))
        return real(store, amount_text, mode_text, as_of, **kw)

    monkeypatch.setattr(payments, "receive", receive)
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", "121.00", f"VIR SEPA DUPONT JEAN FACTURE {f1}"),
                                                     ("2026-03-21", "121.00", f"VIR SEPA DUPONT JEAN {f2}")])),
          au="2026-03-23")
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-23")
    assert [c["ligne"] for c in d["confirmees"]] == ["L2026-000001", "L2026-000002"]
    import datetime as dt

    # the lines' days are closed by the action itself (closures up to the day before): dated the 23rd
    assert calls == [("121.00", "virement", dt.date(2026, 3, 23), "C00001", (f1,), f"VIR SEPA DUPONT JEAN FACTURE {f1}",
                      "L2026-000001"),
                     ("121.00", "virement", dt.date(2026, 3, 23), "C00001", (f2,), f"VIR SEPA DUPONT JEAN {f2}",
                      "L2026-000002")]
    pays = {r["invoice"]: r for r in wb.rows("tReglements")}
    assert (pays[f1]["bank_line"], pays[f2]["bank_line"]) == ("L2026-000001", "L2026-000002")
    assert [c["reglement"] for c in d["confirmees"]] == [pays[f1]["id"], pays[f2]["id"]]
    assert {r["status"] for r in wb.rows("tReleves")} == {"Rapprochée"}
    assert wb.doc(f1)["status"] == wb.doc(f2)["status"] == "Réglée"
    assert wb.ok("verifier", au="2026-03-23")["ok"]


def test_several_transfers_of_one_confirmation_are_numbered_in_sequence_and_written_once(wb: Book,
                                                                                          tmp_path: Path) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", "121.00", f"VIR SEPA DUPONT JEAN {f1}"),
                                                     ("2026-03-21", "150.00", "VIR SEPA M DUPONT")])), au="2026-03-23")
    backups_before = len(wb.snapshot()[1])
    d = wb.ok("banque", "rapprocher", "--tout-exact", "--confirmer", f"L2026-000002={f2}", au="2026-03-23")
    assert sorted((c["ligne"], c["pieces"][0]) for c in d["confirmees"]) == [("L2026-000001", f1),
                                                                            ("L2026-000002", f2)]
    pays = wb.rows("tReglements")
    # 121,00 on f1; 150,00 = 121,00 on f2 + 29,00 left as the client's credit, one payment in two rows
    assert [(r["id"], r["invoice"] or "", r["amount"], r["group"] or "", r["bank_line"]) for r in pays] == [
        ("R2026-00001", f1, D("121.00"), "", "L2026-000001"),
        ("R2026-00002", f2, D("121.00"), "R2026-00002", "L2026-000002"),
        ("R2026-00003", "", D("29.00"), "R2026-00002", "L2026-000002")]
    assert wb.doc(f1)["status"] == wb.doc(f2)["status"] == "Réglée"
    assert {r["status"] for r in wb.rows("tReleves")} == {"Rapprochée"}
    # one write: one backup more (taken before it), not one per payment
    assert len(wb.snapshot()[1]) - backups_before <= 2
    assert wb.ok("verifier", au="2026-03-23")["ok"]
    assert [(c["client"], c["credit"]) for c in wb.ok("credit", "liste", au="2026-03-23")["credits"]] == [("C00001", "29.00")]


def test_many_transfers_at_once_read_through_the_indexed_view(wb: Book, tmp_path: Path) -> None:
    """More than three transfers: the tables are read whole once and indexed (bank.Pending)."""
    numbers = [wb.invoice("2026-03-02", f"MO-H:{q}", client="C00001" if q % 2 else "C00002")[2] for q in range(1, 6)]
    totals = [wb.doc(n)["total_ttc"] for n in numbers]
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", str(t), f"VIREMENT FACTURE {n}")
                                                     for n, t in zip(numbers, totals, strict=True)])), au="2026-03-23")
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-23")
    assert len(d["confirmees"]) == 5
    pays = wb.rows("tReglements")
    assert [r["id"] for r in pays] == [f"R2026-{k:05d}" for k in range(1, 6)]
    assert [(r["invoice"], r["amount"], r["bank_line"]) for r in pays] == [
        (n, t, f"L2026-{k:06d}") for k, (n, t) in enumerate(zip(numbers, totals, strict=True), 1)]
    assert {wb.doc(n)["status"] for n in numbers} == {"Réglée"}
    assert wb.ok("verifier", au="2026-03-23")["ok"]


# --------------------------------------------------------------------------- lines set aside (« Ignorée »)
def test_a_line_set_aside_with_its_reason_leaves_the_lines_to_reconcile_and_can_be_taken_back(
        wb: Book, tmp_path: Path) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", "-12.40", "FRAIS TENUE DE COMPTE"),
                                                     ("2026-03-21", "55.00", "VIR RECU DIVERS")])), au="2026-03-23")
    d = wb.ok("banque", "ignorer", "L2026-000001", "--motif", "Frais bancaires du mois", au="2026-03-23")
    assert (d["id"], d["statut"], d["motif"]) == ("L2026-000001", "Ignorée", "Frais bancaires du mois")
    line = wb.row("tReleves", "id", "L2026-000001")
    assert (line["status"], line["reason"], line["matched"]) == ("Ignorée", "Frais bancaires du mois", None)
    d = wb.ok("banque", "rapprocher", au="2026-03-23")
    assert [x["id"] for x in d["lignes_non_rapprochees"]] == ["L2026-000002"]
    assert d["a_rapprocher"] == 1 and [x["numero"] for x in d["attendus_non_rapproches"]] == [f1]
    listed = wb.ok("banque", "liste", "--non-rapproche", au="2026-03-23")["lignes"]
    assert [x["id"] for x in listed] == ["L2026-000002"]
    every = {x["id"]: x for x in wb.ok("banque", "liste", au="2026-03-23")["lignes"]}
    assert every["L2026-000001"]["motif"] == "Frais bancaires du mois" and every["L2026-000002"]["motif"] is None
    # set aside twice, without a reason, or a line that does not exist: refused, nothing written
    wb.refused("banque", "ignorer", "L2026-000001", "--motif", "encore", au="2026-03-23", code="banque.deja",
               words=["Ignorée"])
    wb.refused("banque", "ignorer", "L2026-000002", "--motif", "  ", au="2026-03-23", code="banque.motif")
    wb.refused("banque", "ignorer", "L2026-000009", "--motif", "x", au="2026-03-23", code="banque.ligne")
    wb.refused("banque", "reprendre", "L2026-000002", au="2026-03-23", code="banque.pas_ignoree",
               words=["À rapprocher"])
    d = wb.ok("banque", "reprendre", "L2026-000001", au="2026-03-24")
    assert (d["statut"], d["motif"]) == ("À rapprocher", None) and "Frais bancaires du mois" in d["message"]
    line = wb.row("tReleves", "id", "L2026-000001")
    assert (line["status"], line["reason"]) == ("À rapprocher", None)
    assert wb.ok("banque", "rapprocher", au="2026-03-24")["a_rapprocher"] == 2


def test_a_reconciled_line_cannot_be_set_aside(wb: Book, tmp_path: Path) -> None:
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-20", "121.00", f"VIR SEPA DUPONT JEAN {f1}")])),
          au="2026-03-23")
    wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-23")
    wb.refused("banque", "ignorer", "L2026-000001", "--motif", "erreur", au="2026-03-24", code="banque.deja",
               words=["Rapprochée", "annulez d'abord"])


# --------------------------------------------------------------------------- deposits expected (CGI 289 I-1-c)
def test_money_on_an_open_order_is_matched_as_a_deposit_and_its_deposit_invoice_proposed(
        wb: Book, tmp_path: Path) -> None:
    _, order = wb.order("2026-03-02", "MO-H:10", client="C00002")  # 605,00 TTC
    quote = wb.quote("2026-03-02", "MO-H:2", client="C00002")  # accepted, not ordered yet: 121,00 TTC
    wb.ok("devis", "accepter", quote, au="2026-03-02")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-05", "181.50", f"VIR DUPONT ET FILS ACOMPTE {order}"),
                                                     ("2026-03-06", "121.00", f"VIR DUPONT ET FILS DEVIS {quote}")])),
          au="2026-03-09")
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-09")
    assert d["confirmees"] == []
    expected = {x["numero"] for x in d["attendus_non_rapproches"]}
    found = {m["id"]: m["candidats"][0] for m in (*d["exactes"], *d["proposees"])}
    assert (found["L2026-000001"]["pieces"], found["L2026-000001"]["types"]) == ([order], ["devis"])
    assert found["L2026-000002"]["pieces"] == [quote] and quote not in expected and order not in expected
    # the exact full payment of the quote is not confirmed by --tout-exact: a warning says what to do
    assert [m["id"] for m in d["exactes"]] == ["L2026-000002"]
    assert any(w["code"] == "banque.acompte" and quote in w["message"] for w in d["avertissements"])
    # confirming a deposit: refused, the deposit invoice proposed with its share, no credit recorded
    message = wb.refused("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-09",
                         code="banque.acompte", words=[order, "289", "--pourcentage 30", "facture d'acompte"])
    assert "crédit" in message
    message = wb.refused("banque", "rapprocher", "--confirmer", "L2026-000002", au="2026-03-09",
                         code="banque.acompte", words=[quote, f"syc commande creer --devis {quote}"])
    assert wb.ok("credit", "liste", au="2026-03-09")["credits"] == []
    # once the deposit invoice is issued, the line pays it
    deposit = wb.ok("facture", "acompte", "--commande", order, "--pourcentage", "30", "--emettre",
                    au="2026-03-09")["numero"]
    d = wb.ok("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-09")
    assert d["confirmees"][0]["pieces"] == [deposit]
    assert wb.doc(deposit)["status"] == "Réglée"
    # what the order still awaits is what its deposit invoice does not ask
    d = wb.ok("banque", "rapprocher", au="2026-03-09")
    left = {x["numero"]: D(x["montant"]) for x in d["attendus_non_rapproches"]}
    assert left[order] == D("423.50")


# --------------------------------------------------------------------------- refunds on the statement
def credit_then_refund(wb: Book, mode: str = "virement", day: str = "2026-03-10") -> str:
    """C00001 (DUPONT Jean) pays 150,00 on a 121,00 invoice: 29,00 of credit, refunded by `mode`."""
    _, _, f1 = wb.invoice("2026-03-02", "MO-H:2", client="C00001")
    wb.ok("reglement", "saisir", "--facture", f1, "--montant", "150", "--mode", "cheque", au="2026-03-04")
    return str(wb.ok("remboursement", "creer", "--client", "C00001", "--montant", "29", "--mode", mode,
                     "--motif", "trop-perçu", au=day)["id"])


def _refund_confirmed(wb: Book, refund: str, line: str) -> None:
    row = wb.row("tReglements", "id", refund)
    assert (row["amount"], row["bank_line"]) == (D("-29.00"), line)
    assert (wb.row("tReleves", "id", line)["status"], wb.row("tReleves", "id", line)["matched"]) == ("Rapprochée",
                                                                                                     refund)
    again = wb.ok("banque", "rapprocher", au="2026-03-16")
    assert refund not in {x["numero"] for x in again["attendus_non_rapproches"]}
    assert refund not in {c["pieces"][0] for m in (*again["exactes"], *again["proposees"]) for c in m["candidats"]}
    assert wb.ok("verifier", au="2026-03-16")["ok"]


def test_a_refund_debited_on_a_camt_statement_is_an_exact_match_confirmed_in_one_action(
        wb: Book, tmp_path: Path) -> None:
    refund = credit_then_refund(wb)
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-11", "-29.00", "PRLV SEPA GAZ DE BORDEAUX"),
                                                     ("2026-03-12", "-29.00", "VIR SEPA EMIS DUPONT JEAN REMBT"),
                                                     ("2026-03-12", "-30.00", "VIR SEPA EMIS M DUPONT JEAN")])),
          au="2026-03-13")
    d = wb.ok("banque", "rapprocher", au="2026-03-13")
    (exact,) = d["exactes"]
    assert (exact["id"], exact["candidats"][0]["pieces"], exact["candidats"][0]["types"]) == (
        "L2026-000002", [refund], ["remboursement"])
    assert {"montant exact", "nom du client dans le libellé"} <= set(exact["candidats"][0]["raisons"])
    # the supplier's debit of the same amount and the debit of another amount are not the refund's
    assert [x["id"] for x in d["lignes_non_rapprochees"]] == ["L2026-000001", "L2026-000003"]
    assert d["proposees"] == []
    wb.refused("banque", "rapprocher", "--confirmer", f"L2026-000003={refund}", au="2026-03-13",
               code="banque.remboursement", words=[refund, "29,00", "30,00"])
    c = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-13")
    assert c["confirmees"] == [{"ligne": "L2026-000002", "pieces": [refund], "type": "remboursement",
                                "reglement": refund}]
    _refund_confirmed(wb, refund, "L2026-000002")
    assert wb.ok("credit", "liste", au="2026-03-16")["credits"] == []  # nothing recorded twice


def test_a_refund_debited_on_a_csv_statement_is_matched_by_the_clients_name(wb: Book) -> None:
    refund = credit_then_refund(wb)
    wb.ok("banque", "importer", str(DATA / "ca_remboursement_1252.csv"), au="2026-03-14")
    lines = {r["label"]: r["id"] for r in wb.rows("tReleves")}
    mine = lines["VIREMENT EMIS M. JEAN DUPONT REMBOURSEMENT TROP-PERÇU"]
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-14")
    assert [(c["ligne"], c["pieces"]) for c in d["confirmees"]] == [(mine, [refund])]
    assert lines["PRELEVEMENT ÉLECTRICITÉ DE FRANCE"] in {x["id"] for x in d["lignes_non_rapprochees"]}
    _refund_confirmed(wb, refund, mine)


def test_a_refund_is_matched_only_by_a_debit_within_its_window_and_a_reversed_refund_not_at_all(
        wb: Book, tmp_path: Path) -> None:
    refund = credit_then_refund(wb, "cheque", "2026-03-10")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-02-20", "-29.00", "CHEQUE DUPONT JEAN"),
                                                     ("2026-03-12", "29.00", "VIR DUPONT JEAN"),
                                                     ("2026-05-20", "-29.00", "CHEQUE 0001 DUPONT JEAN")])),
          au="2026-05-21")
    d = wb.ok("banque", "rapprocher", au="2026-05-21")
    # a debit before the refund, or a credit, is not it; the cheque cashed ten weeks later is
    assert [m["id"] for m in d["exactes"]] == ["L2026-000003"]
    assert "L2026-000001" in {x["id"] for x in d["lignes_non_rapprochees"]}
    wb.refused("banque", "rapprocher", "--confirmer", f"L2026-000002={refund}", au="2026-05-21",
               code="banque.remboursement")
    wb.ok("reglement", "annuler", refund, "--motif", "chèque perdu, refait", au="2026-05-21")
    d = wb.ok("banque", "rapprocher", au="2026-05-21")
    assert d["exactes"] == [] and refund not in {x["numero"] for x in d["attendus_non_rapproches"]}


# --------------------------------------------------------------------------- the deposit, in one action
def test_a_deposit_read_on_the_statement_gets_its_deposit_invoice_issued_and_paid_in_one_action(
        wb: Book, tmp_path: Path) -> None:
    _, order = wb.order("2026-03-02", "MO-H:10", client="C00002")  # 605,00 TTC
    quote = wb.quote("2026-03-02", "MO-H:2", client="C00002")  # accepted, not ordered: 121,00 TTC
    wb.ok("devis", "accepter", quote, au="2026-03-02")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-05", "200.00", f"VIR DUPONT ET FILS ACOMPTE {order}"),
                                                     ("2026-03-06", "121.00", f"VIR DUPONT ET FILS DEVIS {quote}"),
                                                     ("2026-03-06", "999.00", f"VIR DUPONT ET FILS {order}")])),
          au="2026-03-09")
    message = wb.refused("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-09", code="banque.acompte")
    assert f"syc banque acompte L2026-000001={order}" in message
    wb.refused("banque", "acompte", "L2026-000003", au="2026-03-09", code="banque.acompte.trop",
               words=["999,00", "605,00"])
    wb.refused("banque", "acompte", "L2026-000001=BC2026-0099", au="2026-03-09", code="banque.acompte.piece")
    # the order named by the label, not said: 200,00 exactly (33,06 % of the order), issued and paid
    d = wb.ok("banque", "acompte", "L2026-000001", au="2026-03-09")
    deposit = d["facture_acompte"]
    assert (d["ligne"], d["commande"], d["devis"], d["montant"]) == ("L2026-000001", order, None, "200.00")
    doc = wb.doc(deposit)
    assert (doc["doc_type"], doc["status"], doc["total_ttc"], doc["paid"], doc["order"]) == (
        "Facture d'acompte", "Réglée", D("200.00"), D("200.00"), order)
    assert doc["total_ht"] + doc["total_vat"] == D("200.00")
    line = wb.row("tReleves", "id", "L2026-000001")
    assert (line["status"], line["matched"]) == ("Rapprochée", d["reglement"])
    assert wb.row("tReglements", "id", d["reglement"])["bank_line"] == "L2026-000001"
    assert wb.ok("credit", "liste", au="2026-03-09")["credits"] == []
    # the accepted quote: its order made first, then a deposit of its whole total
    d = wb.ok("banque", "acompte", f"L2026-000002={quote}", au="2026-03-09")
    assert d["devis"] == quote and wb.row("tDevis", "number", quote)["order"] == d["commande"]
    assert (wb.doc(d["facture_acompte"])["total_ttc"], wb.doc(d["facture_acompte"])["status"]) == (D("121.00"),
                                                                                                   "Réglée")
    wb.refused("banque", "acompte", "L2026-000002", au="2026-03-09", code="banque.deja")
    r = wb.ok("banque", "rapprocher", au="2026-03-09")
    (m,) = [m for m in r["proposees"] if m["id"] == "L2026-000003"]
    assert m["candidats"][0]["pieces"] == [order] and D(m["candidats"][0]["ecart"]) == D("999.00") - D("405.00")
    assert {quote, d["commande"]}.isdisjoint(x["numero"] for x in r["attendus_non_rapproches"])
    assert wb.ok("verifier", au="2026-03-09")["ok"]


def test_a_deposit_read_on_the_statement_keeps_the_seven_days_rule(wb: Book, tmp_path: Path) -> None:
    """Signed at the client's home on 2 March: no deposit before the 10th (art. L221-10 C. conso);
    refused, nothing written — not even the order that the quote would have become."""
    quote = wb.quote("2026-03-02", "MO-H:2", client="C00001", away=True)
    wb.ok("devis", "accepter", quote, au="2026-03-02")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-05", "60.00", f"VIR DUPONT JEAN {quote}")])),
          au="2026-03-06")
    before = wb.snapshot()[0]
    wb.refused("banque", "acompte", f"L2026-000001={quote}", au="2026-03-09", code="facture.7jours",
               words=["L221-10", "10/03/2026"])
    assert wb.snapshot()[0] == before and not wb.row("tDevis", "number", quote)["order"]
    d = wb.ok("banque", "acompte", f"L2026-000001={quote}", au="2026-03-10")
    assert wb.doc(d["facture_acompte"])["total_ttc"] == D("60.00")


def test_refunds_are_awaited_only_from_the_first_debit_imported(wb: Book, tmp_path: Path) -> None:
    """A statement of credits only (a slip's remittance) cannot show a refund: none is awaited then;
    from the first debit imported, the refunds of its window are."""
    refund = credit_then_refund(wb)
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-12", "99.00", "REMISE CHEQUES N 0000099")], "a.xml")),
          au="2026-03-13")
    assert refund not in {x["numero"] for x in wb.ok("banque", "rapprocher", au="2026-03-13")["attendus_non_rapproches"]}
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-05-20", "-12.00", "FRAIS TENUE DE COMPTE")], "b.xml")),
          au="2026-05-21")
    left = wb.ok("banque", "rapprocher", au="2026-05-21")["attendus_non_rapproches"]
    assert [(x["type"], x["montant"]) for x in left if x["numero"] == refund] == [("remboursement", "-29.00")]
