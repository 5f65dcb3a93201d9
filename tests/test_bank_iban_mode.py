"""Payments' leftovers (issue 14): the client's IBAN (schema 15) — validated with python-stdnum,
stored compact, used by the statement matching, proposed (never written) when a reconciled
transfer comes from an account the client's record lacks — and the mode of a deposit cashed from
a statement line, read from the bank's code of the operation (CAMT BkTxCd, OFX TRNTYPE, CFONB
interbank code) or the label (CSV), a slip's credit and a card batch refused.

Demo book of `test_sales_chain` (C00001 DUPONT Jean, particulier; C00002 Dupont & Fils,
professionnel), on a workbook file and on a PostgreSQL base (`wb`). 10 h × 55,00 at 10 % =
605,00 TTC; 2 h × 55,00 at 10 % = 121,00 TTC. The fixtures `*_acomptes*` of tests/data/bank hold
the same four credits of March 2026: a transfer of 181,50 (from FR10 3000 6000 0198 7654 3210 100
in the CAMT file), a cheque of 100,00, a cheque deposit of 302,50, a card batch of 250,00."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from test_bank_statements import camt
from test_sales_chain import Book

from pyxl.core import fields
from pyxl.core.bank import ExpectedItem, HowPaid, ItemKind, StatementLine, how_paid, match
from pyxl.core.bank.modes import from_code, from_label

D = Decimal
DATA = Path(__file__).parent / "data" / "bank"
IBAN = "FR1030006000019876543210100"  # Dupont & Fils' account in camt053_acomptes.xml
OTHER = "FR7630006000011234567890189"
BAD = "FR7630006000011234567890188"  # one digit off: the check digits fail
NAME = "Dupont & Fils <SARL> \"l'Étang\""  # C00002 of the demo book (a hostile name)


# --------------------------------------------------------------------------- the client's IBAN
def test_an_iban_is_validated_stored_compact_and_shown_by_groups_of_four(wb: Book) -> None:
    d = wb.ok("client", "modifier", "C00002", "--iban", "fr10 3000 6000 0198 7654 3210 100", au="2026-03-02")
    assert d["modifie"] == ["IBAN"]
    assert wb.row("tClients", "code", "C00002")["iban"] == IBAN
    assert wb.ok("client", "voir", "C00002", au="2026-03-02")["client"]["iban"] == IBAN
    assert wb.ok("client", "voir", "C00001", au="2026-03-02")["client"]["iban"] is None
    assert fields.iban_shown(IBAN) == "FR10 3000 6000 0198 7654 3210 100"
    # the same account on another client: a warning, not a refusal (a couple, a company and its manager)
    d = wb.ok("client", "modifier", "C00001", "--iban", IBAN, au="2026-03-02")
    assert any(w["code"] == "client.duplicate" and "C00002" in w["message"] for w in d["avertissements"])
    # an empty value clears it
    wb.ok("client", "modifier", "C00001", "--iban", "", au="2026-03-02")
    assert not wb.row("tClients", "code", "C00001")["iban"]


@pytest.mark.parametrize(("value", "words"), [(BAD, ["clé de contrôle"]), ("FR76 3000 6000 0112", ["27 caractères"]),
                                              ("pas un IBAN", ["« pas un IBAN » n'est pas un IBAN", "FR76 3000"]),
                                              ("=cmd|' /C calc'!A0", ["« =cmd|' /C calc'!A0 » n'est pas un IBAN"]),
                                              ('Dupont & Fils <SARL> "l\'Étang"',
                                               ['« Dupont & Fils <SARL> "l\'Étang" » n\'est pas un IBAN'])])
def test_an_invalid_iban_is_refused_naming_the_client_and_nothing_is_written(wb: Book, value: str,
                                                                            words: list[str]) -> None:
    before = wb.snapshot()[0]
    message = wb.refused("client", "modifier", "C00002", "--iban", value, au="2026-03-02", code="client.iban",
                         words=["Client C00002", *words])
    assert "IBAN" in message
    assert wb.snapshot()[0] == before
    wb.refused("client", "ajouter", "--nom", "Martin", "--type", "particulier", "--adresse", "1 rue Neuve", "--cp",
               "69003", "--ville", "Lyon", "--iban", value, au="2026-03-02", code="client.iban",
               words=["Client « Martin »"])
    assert wb.snapshot()[0] == before


# --------------------------------------------------------------------------- matching by the IBAN
def _line(amount: str, label: str, iban: str | None = None) -> StatementLine:
    return StatementLine("A", dt.date(2026, 3, 20), D(amount), label, counterparty_iban=iban)


def test_the_debtors_iban_scores_the_clients_items_like_a_number_and_not_with_its_name() -> None:
    item = ExpectedItem(ItemKind.INVOICE, "F2026-00012", D("605.00"), "C00002", "Dupont & Fils", IBAN,
                        dt.date(2026, 3, 31))
    by_iban = match([_line("605.00", "VIR SEPA RECU", IBAN)], [item])
    by_name = match([_line("605.00", "VIR DUPONT FILS")], [item])
    both = match([_line("605.00", "VIR DUPONT FILS", IBAN)], [item])
    nothing = match([_line("605.00", "VIR SEPA RECU", OTHER)], [item])
    score = {name: (r.exact or r.proposed)[0].candidates[0].score for name, r in
             (("iban", by_iban), ("name", by_name), ("both", both), ("none", nothing))}
    # the account is the client's own: as sure as a number, an exact match; a name is only proposed
    assert score["iban"] == score["both"] == score["none"] + 35 == 90 and score["name"] == 75
    assert by_iban.exact and both.exact and not by_name.exact and not nothing.exact
    assert "IBAN du client" in " ".join(by_iban.exact[0].candidates[0].reasons)
    # with the number, the IBAN makes no difference to an exact match; a refund's is worth a number
    exact = match([_line("605.00", "VIR F2026-00012", IBAN)], [item])
    assert exact.exact and exact.exact[0].candidates[0].score == 100
    refund = ExpectedItem(ItemKind.REFUND, "R2026-00004", D("-29.00"), "C00002", "Dupont & Fils", IBAN,
                          dt.date(2026, 3, 18))
    r = match([_line("-29.00", "VIR SEPA EMIS REMBT", IBAN), _line("-29.00", "VIR SEPA EMIS REMBT", OTHER)], [refund])
    assert [m.line.counterparty_iban for m in r.exact] == [IBAN]


def test_a_transfer_from_the_clients_iban_is_an_exact_match_for_its_invoice_and_a_refund_to_it_matches(
        wb: Book, tmp_path: Path) -> None:
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("client", "modifier", "C00002", "--iban", IBAN, au="2026-03-02")
    path = tmp_path / "releve.xml"
    path.write_text((DATA / "camt053_acomptes.xml").read_text(encoding="utf-8").replace("181.50", "605.00"),
                    encoding="utf-8")
    wb.ok("banque", "importer", str(path), au="2026-03-09")
    line = wb.ok("banque", "liste", au="2026-03-09")["lignes"][0]
    assert (line["iban_contrepartie"], line["code_operation"]) == (IBAN, "CAMT:PMNT/RCDT/ESCT")
    d = wb.ok("banque", "rapprocher", au="2026-03-09")
    (m,) = [m for m in d["exactes"] if m["id"] == "L2026-000001"]
    assert m["candidats"][0]["pieces"] == [f2] and "IBAN du client" in m["candidats"][0]["raisons"]
    d = wb.ok("banque", "rapprocher", "--confirmer", "L2026-000001", au="2026-03-09")
    assert d["iban_a_enregistrer"] == []  # the client's record already has it
    assert wb.doc(f2)["status"] == "Réglée"
    # a refund by transfer to that account, the label naming nobody: matched by the IBAN
    _, _, f3 = wb.invoice("2026-03-10", "MO-H:2", client="C00002")  # 121,00 paid 161,00: 40,00 of credit
    wb.ok("reglement", "saisir", "--facture", f3, "--montant", "161", "--mode", "cheque", au="2026-03-10")
    refund = wb.ok("remboursement", "creer", "--client", "C00002", "--montant", "40", "--mode", "virement",
                   "--motif", "trop-perçu", au="2026-03-10")["id"]
    other = tmp_path / "debit.xml"
    other.write_text(camt(tmp_path, [("2026-03-12", "-40.00", "VIR SEPA EMIS REMBT")], "d.xml").read_text(
        encoding="utf-8").replace("</RmtInf>", f"</RmtInf><RltdPties><CdtrAcct><Id><IBAN>{IBAN}</IBAN></Id>"
                                               "</CdtrAcct></RltdPties>"), encoding="utf-8")
    wb.ok("banque", "importer", str(other), au="2026-03-13")
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-13")
    assert [(c["pieces"], c["type"]) for c in d["confirmees"]] == [([refund], "remboursement")]
    assert wb.row("tReglements", "id", refund)["bank_line"] == d["confirmees"][0]["ligne"]


def test_an_iban_the_client_lacks_is_proposed_after_the_reconciliation_never_written(wb: Book, tmp_path: Path) -> None:
    _, _, f2 = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    path = tmp_path / "releve.xml"
    path.write_text((DATA / "camt053_acomptes.xml").read_text(encoding="utf-8").replace(
        "181.50", "605.00").replace("Acompte chaudière", f"Facture {f2}"), encoding="utf-8")
    wb.ok("banque", "importer", str(path), au="2026-03-09")
    d = wb.ok("banque", "rapprocher", au="2026-03-09")
    assert d["iban_a_enregistrer"] == []  # nothing confirmed, nothing proposed
    said = terminal(wb, "banque", "rapprocher", "--tout-exact", au="2026-03-09")
    assert f"syc client modifier C00002 --iban {IBAN}" in said
    assert "FR10 3000 6000 0198 7654 3210 100" in said and "Dupont & Fils" in said
    assert wb.doc(f2)["status"] == "Réglée"
    assert not wb.row("tClients", "code", "C00002")["iban"]  # proposed only
    # the same, as JSON: the next transfer of another invoice, from the same account
    _, _, f3 = wb.invoice("2026-03-10", "MO-H:2", client="C00002")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-12", "121.00", f"VIR {f3}")], "b.xml")),
          au="2026-03-13")
    row = wb.row("tReleves", "id", "L2026-000005")
    assert row["counterparty_iban"] is None or row["counterparty_iban"] == ""  # this file gives no IBAN
    d = wb.ok("banque", "rapprocher", "--tout-exact", au="2026-03-13")
    assert [c["pieces"] for c in d["confirmees"]] == [[f3]] and d["iban_a_enregistrer"] == []


def terminal(wb: Book, *args: str, au: str) -> str:
    """What `syc` prints without --json."""
    import contextlib
    import io

    from pyxl.cli import main

    buf = io.StringIO()
    option = wb.backend.option if wb.backend is not None else ["--book", str(wb.path)]
    with contextlib.redirect_stdout(buf):
        assert main([*args, *option, "--au", au]) == 0
    return buf.getvalue()


# --------------------------------------------------------------------------- how the money came
@pytest.mark.parametrize(("code", "label", "how"), [
    ("CAMT:PMNT/RCDT/ESCT", "", HowPaid.TRANSFER), ("CAMT:PMNT/RCHQ/CCHQ", "CHQ 12", HowPaid.CHEQUE),
    ("CAMT:PMNT/RCHQ/CCHQ", "REMISE CHQ 12", HowPaid.CHEQUE_SLIP), ("CAMT:PMNT/CCRD/POSD", "", HowPaid.CARD),
    ("CAMT:PMNT/CCRD/POSD", "REMISE CB 12", HowPaid.CARD_BATCH), ("CAMT:PMNT/MCRD/POSD", "", HowPaid.CARD_BATCH),
    ("CAMT:PMNT", "VIR SEPA", HowPaid.TRANSFER), ("OFX:XFER", "", HowPaid.TRANSFER),
    ("OFX:DIRECTDEP", "", HowPaid.TRANSFER), ("OFX:CHECK", "", HowPaid.CHEQUE), ("OFX:DEP", "", HowPaid.CHEQUE_SLIP),
    ("OFX:DEP", "VERSEMENT ESPÈCES", HowPaid.CASH), ("OFX:POS", "CB LEROY", HowPaid.CARD),
    ("OFX:CREDIT", "VIREMENT DE M. MARTIN", HowPaid.TRANSFER), ("CFONB:05", "", HowPaid.TRANSFER),
    ("CFONB:15", "", HowPaid.CHEQUE_SLIP), ("CFONB:01", "", HowPaid.CHEQUE), ("CFONB:99", "", HowPaid.UNKNOWN),
    (None, "PRLV SEPA EDF", HowPaid.DIRECT_DEBIT), (None, "REMISE CHÈQUES N° 12", HowPaid.CHEQUE_SLIP),
    (None, "REM CHQ 0004512", HowPaid.CHEQUE_SLIP), (None, "REMISE CARTE 0042", HowPaid.CARD_BATCH),
    (None, "CHQ 1234567", HowPaid.CHEQUE), (None, "PAIEMENT CB 12/03", HowPaid.CARD),
    (None, "VIREMENT EN VOTRE FAVEUR", HowPaid.TRANSFER), (None, "DUPONT JEAN", HowPaid.UNKNOWN),
])
def test_how_the_money_came_from_the_banks_code_else_the_label(code: str | None, label: str, how: HowPaid) -> None:
    assert from_code(code, label) is how
    if code is None:
        assert from_label(label) is how


FORMATS = ["camt053_acomptes.xml", "ofx1_acomptes_1252.ofx", "cfonb120_acomptes.txt", "bnp_acomptes.csv"]


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_gives_each_line_its_way_of_payment(name: str) -> None:
    from pyxl.core.bank import all_lines, parse

    lines = all_lines(parse((DATA / name).read_bytes(), name, None, None, None))
    assert [(ln.amount, how_paid(ln)) for ln in lines] == [
        (D("181.50"), HowPaid.TRANSFER), (D("100.00"), HowPaid.CHEQUE), (D("302.50"), HowPaid.CHEQUE_SLIP),
        (D("250.00"), HowPaid.CARD_BATCH)]


@pytest.mark.parametrize("name", FORMATS)
def test_a_deposit_cashed_from_a_line_takes_the_lines_mode_and_a_slip_or_a_batch_is_refused(wb: Book, name: str) -> None:
    _, order = wb.order("2026-03-02", "MO-H:10", client="C00002")  # 605,00 TTC
    wb.ok("banque", "importer", str(DATA / name), au="2026-03-09")
    d = wb.ok("banque", "acompte", f"L2026-000001={order}", au="2026-03-09")
    assert d["mode"] == "Virement" and wb.row("tReglements", "id", d["reglement"])["mode"] == "Virement"
    assert "virement (lu sur la ligne du relevé" in d["message"]
    d = wb.ok("banque", "acompte", f"L2026-000002={order}", au="2026-03-09")
    pay = wb.row("tReglements", "id", d["reglement"])
    assert (d["mode"], pay["mode"], pay["amount"], pay["bank_line"]) == ("Chèque", "Chèque", D("100.00"),
                                                                         "L2026-000002")
    before = wb.snapshot()[0]
    wb.refused("banque", "acompte", f"L2026-000003={order}", au="2026-03-09", code="banque.acompte.lot",
               words=["remise de chèques", "bordereau", "--mode"])
    wb.refused("banque", "acompte", f"L2026-000004={order}", au="2026-03-09", code="banque.acompte.lot",
               words=["remise de cartes bancaires"])
    assert wb.snapshot()[0] == before
    # the user knows better: the slip held only this client's cheque
    d = wb.ok("banque", "acompte", f"L2026-000003={order}", "--mode", "cheque", au="2026-03-09")
    assert d["mode"] == "Chèque" and "lu sur la ligne" not in d["message"]
    assert wb.ok("verifier", au="2026-03-09")["ok"]


def test_a_deposit_from_a_line_that_says_nothing_is_a_transfer_and_its_iban_proposed(wb: Book, tmp_path: Path) -> None:
    _, order = wb.order("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("banque", "importer", str(camt(tmp_path, [("2026-03-05", "100.00", f"DUPONT ET FILS {order}")])),
          au="2026-03-09")
    d = wb.ok("banque", "acompte", "L2026-000001", au="2026-03-09")
    assert d["mode"] == "Virement" and "virement retenu" in d["message"] and d["iban_a_enregistrer"] == []
    wb.ok("banque", "importer", str(DATA / "camt053_acomptes.xml"), au="2026-03-09")
    d = wb.ok("banque", "acompte", f"L2026-000002={order}", au="2026-03-09")
    assert d["iban_a_enregistrer"] == [{"client": "C00002", "nom": NAME, "iban": IBAN, "ligne": "L2026-000002"}]
    wb.ok("client", "modifier", "C00002", "--iban", IBAN, au="2026-03-09")
    assert wb.ok("banque", "acompte", f"L2026-000003={order}", au="2026-03-09")["iban_a_enregistrer"] == []


# --------------------------------------------------------------------------- syc migrer
def test_the_version_6_workbook_migrated_gets_the_empty_columns_and_keeps_every_fingerprint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/data/v6 (issued documents and payments) brought to version 14, then to the current
    version: the « IBAN » of the clients and the « Code opération » of the statement lines added
    empty by the data step of version 15, no fingerprint nor chain hash changed, `verifier` clean,
    and an IBAN then recorded."""
    import shutil

    from test_audit_specs import schema_at

    from pyxl.cli import main
    from pyxl.workbook import migrate as mig
    from pyxl.workbook.filestore import FileStore, anchor_path
    from pyxl.workbook.schema import SCHEMA

    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    data = Path(__file__).resolve().parent / "data" / "v6"
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(data / "syc_v6.xlsm", path)
    shutil.copy(data / "syc_v6.syc-ancre", anchor_path(path))
    mig.migrate(path, schema_at(14))
    before = FileStore(path, schema_at(14)).journal()
    assert "iban" not in FileStore(path, schema_at(14)).rows("tClients")[0].values
    done = mig.migrate(path)
    assert "ajout de la colonne « IBAN » à la table tClients" in done
    assert any(x.startswith("étape de données de la version 15") for x in done)
    store = FileStore(path)
    assert store.version() == SCHEMA.version == 15
    clients = store.rows("tClients")
    assert clients and all(r["iban"] is None for r in clients)
    assert [(e.seq, e.doc_hash, e.hash, e.spec) for e in store.journal()] == [
        (e.seq, e.doc_hash, e.hash, e.spec) for e in before]
    assert store.verify() == []
    assert mig.migrate(path) == []  # once only
    code = str(clients[0]["code"])
    assert main(["client", "modifier", code, "--iban", IBAN, "--book", str(path), "--au", "2026-05-04"]) == 0
    assert FileStore(path).rows_where("tClients", "code", {code})[0]["iban"] == IBAN
    assert FileStore(path).verify() == []
