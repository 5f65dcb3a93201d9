"""Legal corrections (issue 13), each test written as the rule it protects.

Demo book of `test_sales_chain` (C00001 DUPONT Jean and C00003 MARTIN Sophie, particuliers;
C00002 Dupont & Fils, professionnel, 30 jours fin de mois). Rate tables as shipped: 2026-S1 ECB
2,15 % → 12,15 %, floor 3 × 2,62 = 7,86 %; 2026-S2 ECB 2,40 % → 12,40 %, floor 3 × 2,75 = 8,25 %.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_audit_specs import NOW, schema_at
from test_sales_chain import Book

from pyxl.cli import main
from pyxl.core import interest as it
from pyxl.core.frformat import interest_rate
from pyxl.core.issues import Refused
from pyxl.services import dunning
from pyxl.workbook import migrate as mig
from pyxl.workbook.filestore import ChangeSet, FileStore, anchor_path
from pyxl.workbook.schema import SCHEMA

D = Decimal
P = interest_rate  # « 8,25 % » with its non-breaking space
DATA = Path(__file__).resolve().parent / "data"
V5_BOOK = DATA / "v5" / "syc_v5.xlsm"
V5_ANCHOR = DATA / "v5" / "syc_v5.syc-ancre"


# `wb`: conftest's demo book, in a workbook file and in a PostgreSQL base


def set_parameter_in_sheet(wb: Book, code: str, value: str) -> None:
    """What a user does in Excel: type the value straight into « Paramètres » (no check on the way)."""
    store = wb.store()
    row = next(r for r in store.rows("tParametres") if r["code"] == code)
    changes = ChangeSet()
    changes.update("tParametres", row, {"value": value})
    store.apply(changes, as_of=dt.date(2026, 1, 2))


def case_of(wb: Book, number: str, as_of: dt.date) -> dunning.Case:
    store = wb.store()
    return next(c for c in dunning.session(store, as_of).cases if c.number == number)


# --------------------------------------------------------------------------- 1. the floor of L441-10 II
def test_a_contractual_penalty_rate_below_three_times_the_legal_rate_is_refused(wb: Book) -> None:
    """L441-10 II C. com.: the agreed rate may not be below three times the legal interest rate."""
    wb.refused("parametres", "modifier", "taux_penalites_contractuel", "5", au="2026-09-01", code="param.plancher",
               words=["inférieur au plancher légal", f"{P(D('8.25'))} au 2e semestre 2026",
                      "art. L441-10 II du Code de commerce", "taux_penalites_contractuel"])
    wb.ok("parametres", "modifier", "taux_penalites_contractuel", "8,25", au="2026-09-01")
    wb.ok("parametres", "modifier", "taux_penalites_contractuel", "3x", au="2026-09-01")


def test_the_floor_is_also_enforced_when_the_rate_was_typed_in_the_sheet(wb: Book) -> None:
    """Excel: the parameter typed in the sheet is not checked on the way; issuing a business invoice
    that would print it is refused, naming the floor, and nothing is written."""
    set_parameter_in_sheet(wb, "taux_penalites_contractuel", "5")
    _, o = wb.order("2026-03-02", "MO-H:2", client="C00002")
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    ref = str(wb.ok("facture", "creer", "--commande", o, au="2026-03-02")["reference"])
    wb.refused("facture", "emettre", ref, au="2026-03-02", code="facture.plancher",
               words=[f"{P(D('7.86'))} au 1er semestre 2026", "art. L441-10 II"])


def test_a_later_half_year_whose_floor_rises_above_the_rate_is_warned(wb: Book) -> None:
    wb.ok("taux", "ajouter", "2027-S1", "--particuliers", "7,10", "--autres-cas", "3,20", "--source", "arrêté (test)",
          "--bce", "2,40", "--source-bce", "BCE (test)", au="2026-12-01")
    data = wb.ok("parametres", "modifier", "taux_penalites_contractuel", "9", au="2026-12-01")
    text = "\n".join(w["message"] for w in data["avertissements"])
    assert "Au 1er semestre 2027" in text and P(D("9.60")) in text and "relevez-le avant le 01/01/2027" in text


# --------------------------------------------------------------------------- 2. the clause belongs to the invoice
def test_the_penalty_clause_is_stored_at_issue_and_a_later_parameter_change_does_not_touch_it(wb: Book) -> None:
    _, _, number = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    assert wb.doc(number)["penalty_clause"] == "BCE + 10 points"
    as_of = dt.date(2026, 6, 30)
    before = case_of(wb, number, as_of).interest
    assert {s.rate_kind for s in before.spans} == {"BCE + 10 points"}
    wb.ok("parametres", "modifier", "taux_penalites_contractuel", "20", au="2026-06-01")
    after = case_of(wb, number, as_of).interest
    assert after.interest == before.interest and {s.rate for s in after.spans} == {D("12.15")}
    # an invoice issued after the change carries the new clause
    _, _, later = wb.invoice("2026-06-02", "MO-H:1", client="C00002")
    assert wb.doc(later)["penalty_clause"] == P(D(20))
    assert it.clause_rate(P(D(20))) == it.clause_rate("20,00 %") == (D("20.00"), True)


def test_a_consumer_invoice_carries_no_business_clause(wb: Book) -> None:
    _, _, number = wb.invoice("2026-03-02", "MO-H:1")
    assert wb.doc(number)["penalty_clause"] is None


# --------------------------------------------------------------------------- 11. credited sums
def test_a_credit_for_an_error_never_bore_penalties_a_gesture_lowers_the_base_from_its_date(wb: Book) -> None:
    """An error or a justified dispute: the credited sum was never owed (from the due date). A
    commercial gesture waives a sum that was owed: from its own date."""
    _, _, err = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    _, _, gest = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    assert wb.doc(err)["due_date"] == dt.date(2026, 4, 30)
    for number, cause in ((err, "erreur"), (gest, "geste")):
        wb.ok("avoir", "creer", "--facture", number, "--motif", "2 h en trop", "--cause", cause, "--ligne", "MO-H:2",
              "--emettre", au="2026-05-31")
    credits = {str(r["origin"]): r for r in wb.rows("tFactures") if r["doc_type"] == "Avoir"}
    assert (credits[err]["credit_cause"], credits[gest]["credit_cause"]) == ("Erreur", "Geste commercial")
    as_of = dt.date(2026, 6, 30)
    store = wb.store()
    moves = dunning.movements(store, {err, gest}, as_of)
    assert [m.day for m in moves[err]] == [dt.date(2026, 4, 30)]
    assert [m.day for m in moves[gest]] == [dt.date(2026, 5, 31)]
    # 10 h × 55,00 at 10 % = 605,00 TTC; 2 h credited = 121,00 TTC.
    # Error: 484,00 × 12,15 % × 61 days / 365 = 9,83 (the 121,00 never bore anything).
    # Gesture: (605,00 × 31 days + 484,00 × 30 days) × 12,15 % / 365 = 11,08.
    assert case_of(wb, err, as_of).interest.interest == D("9.83")
    assert case_of(wb, gest, as_of).interest.interest == D("11.08")


def test_a_credit_note_without_a_known_cause_is_refused(wb: Book) -> None:
    from pyxl.services.invoices import create_credit_note

    _, _, number = wb.invoice("2026-03-02", "MO-H:1")
    with pytest.raises(Refused) as exc:
        create_credit_note(wb.store(), number, "x", [], dt.date(2026, 3, 3), "oubli")
    assert "cause de l'avoir « oubli »" in str(exc.value) and "erreur" in str(exc.value) and "geste" in str(exc.value)


# --------------------------------------------------------------------------- 12. prescription
def test_a_promise_noted_after_a_call_does_not_restart_the_prescription_a_written_one_does(wb: Book) -> None:
    """C. civ. 2240: only an acknowledgement the firm can prove; the period then restarts in full (2231)."""
    _, _, a = wb.invoice("2026-01-05", "MO-H:2")
    _, _, b = wb.invoice("2026-01-05", "MO-H:3")
    wb.ok("relances", "noter", a, "--appel", "promesse", "--promesse", "2026-03-20", au="2026-03-02")
    wb.ok("relances", "noter", b, "--appel", "promesse", "--promesse", "2026-03-20",
          "--preuve", "e-mail du débiteur du 02/03/2026", au="2026-03-02")
    as_of = dt.date(2026, 3, 10)
    assert case_of(wb, a, as_of).prescription == dt.date(2028, 1, 5)  # from the end of the works, untouched
    assert case_of(wb, b, as_of).prescription == dt.date(2028, 3, 2)  # two full years from the written promise
    assert wb.row("tRelances", "invoice", b)["proof"] == "e-mail du débiteur du 02/03/2026"


def test_a_promise_without_written_proof_is_said_not_to_interrupt(wb: Book) -> None:
    _, _, a = wb.invoice("2026-01-05", "MO-H:2")
    data = wb.ok("relances", "noter", a, "--appel", "promesse", "--promesse", "2026-03-20", au="2026-03-02")
    assert any("n'interrompt pas la prescription" in w["message"] for w in data["avertissements"])


# --------------------------------------------------------------------------- 10. heat pumps
def test_a_heat_pump_still_to_classify_is_refused_on_a_new_quote(wb: Book) -> None:
    wb.ok("article", "modifier", "PAC-8", "--categorie", "pac-a-classer", au="2026-03-02")
    wb.refused("devis", "creer", "--client", "C00001", "--nature", "installation", "--ligne", "PAC-8:1",
               "--logement-plus-2-ans", "oui", au="2026-03-02", code="ligne.pac",
               words=["PAC-8", "à classer", "arrêté du 4 décembre 2024", "PAC air/air"])


def test_an_air_to_air_heat_pump_is_not_at_5_5(wb: Book) -> None:
    wb.ok("article", "modifier", "PAC-8", "--categorie", "pac-air-air", au="2026-03-02")
    q = wb.quote("2026-03-02", "PAC-8:1", "MO-H:4", nature="installation")
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == q} == {D(10)}
    wb.ok("article", "modifier", "PAC-8", "--categorie", "pac-air-eau", au="2026-03-02")
    q = wb.quote("2026-03-02", "PAC-8:1", "MO-H:4", nature="installation")
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == q} == {D("5.5")}


# --------------------------------------------------------------------------- 8. execution date
def test_a_consumer_quote_is_not_sent_without_its_execution_date_or_period(wb: Book) -> None:
    """L111-1 3° C. conso."""
    q = wb.quote("2026-03-02", "MO-H:2", extra=["--execution", ""])
    wb.refused("devis", "envoyer", q, au="2026-03-02", code="devis.execution",
               words=["art. L111-1 3° du Code de la consommation", "--execution", "exécution immédiate"])
    q = wb.quote("2026-03-02", "MO-H:2", extra=["--execution", "exécution immédiate"])
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    q = wb.quote("2026-03-02", "MO-H:2", client="C00002", extra=["--execution", ""])
    wb.ok("devis", "envoyer", q, au="2026-03-02")  # a business client: not this rule


# --------------------------------------------------------------------------- migration of a version-5 book
def test_version_5_workbook_with_issued_documents(tmp_path: Path) -> None:
    """The version-5 book (a deposit, a final invoice to a business client and a payment issued by
    the code of that version) migrates to version 6: no fingerprint or chain hash recomputed, the
    clause in force reconstituted outside the fingerprint, `verifier` clean before and after a new
    issue fingerprinted by version 2 of the invoices' spec."""
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copy(V5_BOOK, path)
    shutil.copy(V5_ANCHOR, anchor_path(path))
    before = FileStore(path, schema_at(5)).journal()
    assert FileStore(path, schema_at(5)).verify() == []

    done = mig.migrate(path)
    assert "ajout de la colonne « Clause de pénalités » à la table tFactures" in done
    store = FileStore(path)
    assert store.version() == SCHEMA.version
    after = store.journal()
    assert [(e.seq, e.doc_hash, e.hash, e.spec) for e in after] == [(e.seq, e.doc_hash, e.hash, e.spec) for e in before]
    assert store.verify() == []
    issued = [r for r in store.rows("tFactures") if r["number"]]
    assert issued and {r["penalty_clause_rebuilt"] for r in issued} == {"BCE + 10 points (reconstitué)"}
    assert {r["penalty_clause"] for r in issued} == {None}

    from pyxl.services import closures, invoices

    invoice = next(r["number"] for r in issued if r["doc_type"] == "Facture")
    day = dt.date(2026, 1, 8)
    store = FileStore(path)
    with store.session():
        res = invoices.create_credit_note(store, invoice, "1 h en trop", ["MO-H:1"], day, "erreur")
        store.apply(res.changes, as_of=day, now=NOW)
    store = FileStore(path)
    ref = next(r["ref"] for r in store.rows("tFactures") if r["doc_type"] == "Avoir")
    with store.session():
        res = invoices.issue(store, ref, day)
        closures.pending(store, res.changes, day, NOW)
        store.apply(res.changes, as_of=day, now=NOW)
    store = FileStore(path)
    new = [e for e in store.journal() if e.table == "tFactures"][-1]
    assert new.spec == 2
    assert store.verify() == []
    # an edit of the new fingerprinted column is caught
    credit = next(r for r in store.rows("tFactures") if r["doc_type"] == "Avoir")
    assert credit["credit_cause"] == "Erreur"
    assert dataclasses.replace(new, spec=1).expected_hash() != new.hash


# --------------------------------------------------------------------------- 16. polish
def test_after_a_formal_notice_the_call_script_is_no_longer_courteous() -> None:
    from pyxl.workbook.store import Row

    invoice = Row({"number": "F2026-00001", "due_date": dt.date(2026, 3, 31)}, 2, "Factures")
    client = Row({"code": "C00001"}, 2, "Clients")
    nothing = it.Interest((), (), D("0.00"), D(0), 40, D("100.00"), ())
    case = dunning.Case(invoice, client, False, D("100.00"), nothing, {}, [])
    as_of = dt.date(2026, 5, 10)
    assert dunning.what_to_say([case], as_of).startswith("Appel courtois")
    case.done["mise-en-demeure"] = dunning.StepDone("mise-en-demeure", dt.date(2026, 5, 2))
    said = dunning.what_to_say([case], as_of)
    assert "courtois" not in said and "mise en demeure du 02/05/2026" in said and "injonction de payer" in said


# --------------------------------------------------------------------------- 3. VAT at the chargeable event
@pytest.fixture
def wb2024(tmp_path: Path, stores: Any) -> Book:
    """A demo book opened in November 2024, with a THPE boiler in the catalogue (file, then base)."""
    path = tmp_path / "demo2024" / "SYC_Gestion.xlsm"
    path.parent.mkdir()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(path), "--au", "2024-11-04"]) == 0
    b = Book(path)
    b.ok("article", "ajouter", "--code", "THPE-25", "--designation", "Chaudière gaz à condensation THPE 25 kW",
         "--unite", "u", "--pu-ht", "3000", "--tva", "5,5", "--famille", "materiel", "--categorie", "chaudiere-thpe",
         au="2024-11-04")
    backend = stores(path.read_bytes())
    return Book(backend.open().path, backend)


def _thpe_order(b: Book) -> tuple[str, str]:
    q = b.quote("2024-12-10", "THPE-25:1", "MO-H:10", nature="remplacement")
    assert {r["rate"] for r in b.rows("tLignesDevis") if r["quote"] == q} == {D("5.5")}
    b.ok("devis", "accepter", q, au="2024-12-10")
    return q, str(b.ok("commande", "creer", "--devis", q, au="2024-12-10")["numero"])


def test_vat_is_the_rate_of_the_completion_date_without_a_deposit_received(wb2024: Book) -> None:
    """CGI 269-1-a and LF 2025 art. 32: quote 10/12/2024 at 5,5 %, accepted, no deposit received,
    works completed 10/04/2025 → 20 % (5,5 → 10 % on 1/1/2025, then 10 → 20 % on 1/3/2025)."""
    b = wb2024
    q, o = _thpe_order(b)
    b.ok("commande", "realiser", o, "--date", "10/04/2025", au="2025-04-10")
    data = b.ok("facture", "creer", "--commande", o, au="2025-04-10")
    lines = [r for r in b.rows("tLignesFactures") if r["doc"] == data["reference"]]
    assert {r["rate"] for r in lines} == {D(20)}
    warning = "\n".join(w["message"] for w in data["avertissements"])
    # 3 000,00 + 550,00 HT: 3 745,25 TTC at 5,5 % as signed, 4 260,00 TTC at 20 %
    assert f"Le devis {q} a été signé à 5,5" in warning and "20" in warning
    assert "3 745,25" in warning.replace("\u202f", " ").replace("\xa0", " ")
    assert "4 260,00" in warning.replace("\u202f", " ").replace("\xa0", " ")
    assert {r["rate"] for r in b.rows("tLignesDevis") if r["quote"] == q} == {D("5.5")}  # the quote is untouched


def test_a_deposit_received_before_each_step_keeps_the_old_rate(wb2024: Book) -> None:
    b = wb2024
    _, o = _thpe_order(b)
    dep = b.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2024-12-20")["numero"]
    b.pay(str(dep), str(b.doc(str(dep))["total_ttc"]).replace(".", ","), au="2024-12-20")
    b.ok("commande", "realiser", o, "--date", "10/04/2025", au="2025-04-10")
    data = b.ok("facture", "creer", "--commande", o, au="2025-04-10")
    lines = [r for r in b.rows("tLignesFactures") if r["doc"] == data["reference"]]
    assert {r["rate"] for r in lines} == {D("5.5")}
    assert not any("signé à" in w["message"] for w in data["avertissements"])


def test_a_deposit_invoice_not_paid_does_not_keep_the_old_rate_and_is_deducted_at_its_own_vat(wb2024: Book) -> None:
    """A deposit invoice alone is not a deposit received; the issued deposit invoice never changes and
    the final invoice deducts its exact VAT."""
    b = wb2024
    _, o = _thpe_order(b)
    dep = str(b.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2024-12-20")["numero"])
    deposit = b.doc(dep)
    b.ok("commande", "realiser", o, "--date", "10/04/2025", au="2025-04-10")
    data = b.ok("facture", "creer", "--commande", o, au="2025-04-10")
    lines = [r for r in b.rows("tLignesFactures") if r["doc"] == data["reference"]]
    assert {r["rate"] for r in lines if r["fixed_vat"] is None} == {D(20)}
    (deducted,) = [r for r in lines if r["fixed_vat"] is not None]
    assert (deducted["rate"], deducted["fixed_vat"]) == (D("5.5"), -deposit["total_vat"])
    assert b.doc(dep) == deposit


# --------------------------------------------------------------------------- printed clause (items 2, 9)
def test_a_business_invoice_prints_its_own_clause_and_the_rate_as_a_figure(wb: Book) -> None:
    from pyxl.documents.context import invoice_context

    _, _, number = wb.invoice("2026-09-01", "MO-H:2", client="C00002")
    wb.ok("parametres", "modifier", "taux_penalites_contractuel", "15", au="2026-09-02")
    ref = str(wb.doc(number)["ref"])
    printed = invoice_context(wb.store(), ref, dt.date(2026, 9, 3))["mentions_paiement"]
    text = "\n".join(printed)
    assert "taux de refinancement de la BCE majoré de 10 points" in text  # the clause of its issue, not 15 %
    assert f"Soit {P(D('12.40'))} l'an au 2e semestre 2026 (taux de la BCE de {P(D('2.40'))} + 10 points), " \
           "révisé chaque semestre." in text
    assert "15" not in text
    _, _, consumer = wb.invoice("2026-09-03", "MO-H:2")
    text = "\n".join(invoice_context(wb.store(), str(wb.doc(consumer)["ref"]), dt.date(2026, 9, 3))
                     ["mentions_paiement"])
    assert "pénalités" not in text and "40 €" not in text  # no business wording on a consumer invoice


def test_an_invoice_prints_the_work_site_when_it_differs_and_the_category_of_the_operation(wb: Book) -> None:
    """CGI ann. II art. 242 nonies A (décret 2022-1299, décret 2024-266): the delivery or work address
    when it differs from the client's, and the category of the operation, from the nature of the works
    (works with supply and installation are services, CGI 256 IV 1°)."""
    from pyxl.documents.context import invoice_context

    site = "Chantier : 12 rue de l'Étang, 69100 Villeurbanne"
    _, _, number = wb.invoice("2026-03-02", "CHG-25:1", "MO-H:6", client="C00002", nature="remplacement",
                              extra=["--lieu", site])
    doc = wb.doc(number)
    assert (doc["site"], doc["operation"]) == (site, "Prestation de services")
    ctx = invoice_context(wb.store(), str(doc["ref"]), dt.date(2026, 3, 3))
    assert ctx["doc"]["lieu"] == site
    assert "Catégorie de l'opération : Prestation de services." in ctx["mentions"]
    # the client's SIREN is printed once (under the references), not again among the mentions
    assert not any(m.startswith("SIREN du client") for m in ctx["mentions"]) and ctx["client"]["siren"]
    client = ctx["client"]["adresse_lignes"]
    _, _, same = wb.invoice("2026-03-02", "MO-H:1", client="C00002", extra=["--lieu", " ".join(client[1:])])
    assert invoice_context(wb.store(), str(wb.doc(same)["ref"]), dt.date(2026, 3, 3))["doc"]["lieu"] == ""


# --------------------------------------------------------------------------- 6. off-premises contracts
WITHDRAWAL_SERVICES = ("Contrat conclu hors établissement : vous disposez d'un délai de quatorze jours à compter de "
                       "la signature du présent devis (conclusion du contrat) pour exercer votre droit de rétractation")
WITHDRAWAL_GOODS = ("Contrat conclu hors établissement : vous disposez d'un délai de quatorze jours à compter de la "
                    "réception du matériel fourni (contrat de fourniture et pose ; vous pouvez vous rétracter dès la "
                    "signature du présent devis) pour exercer votre droit de rétractation")


def test_the_start_of_the_withdrawal_period_is_pinned_for_services_and_for_supply_and_installation(wb: Book) -> None:
    """L221-18 C. conso: from the conclusion for services (maintenance, repair); from the receipt of
    the equipment for supply and installation (2°), withdrawal possible from the conclusion."""
    from pyxl.documents.context import order_context, quote_context

    services = wb.quote("2026-03-02", "MO-H:2", away=True)
    goods = wb.quote("2026-03-02", "RAD-ACI:1", "MO-H:2", away=True, nature="installation")
    store = wb.store()
    assert quote_context(store, services, dt.date(2026, 3, 2))["retractation"].startswith(WITHDRAWAL_SERVICES)
    assert quote_context(store, goods, dt.date(2026, 3, 2))["retractation"].startswith(WITHDRAWAL_GOODS)
    # the order form carries the withdrawal information and form too (L221-5, L221-9)
    wb.ok("devis", "accepter", goods, au="2026-03-02")
    order = str(wb.ok("commande", "creer", "--devis", goods, au="2026-03-02")["numero"])
    ctx = order_context(wb.store(), order, dt.date(2026, 3, 2))
    assert ctx["retractation"].startswith(WITHDRAWAL_GOODS.replace("du présent devis", f"du devis {goods}"))
    assert ctx["formulaire_retractation"]


def test_works_done_inside_the_withdrawal_period_need_the_express_request(wb: Book) -> None:
    """L221-25 C. conso: refused without the consumer's express request or an urgent repair."""
    _q, o = wb.order("2026-03-02", "MO-H:2", away=True)
    wb.refused("commande", "realiser", o, "--date", "2026-03-10", au="2026-03-10", code="commande.retractation",
               words=["délai de rétractation de 14 jours (jusqu'au 16/03/2026)", "--demande-expresse",
                      "art. L221-25 du Code de la consommation"])
    wb.ok("commande", "realiser", o, "--date", "2026-03-17", au="2026-03-17")  # after the period: fine
    q2 = wb.quote("2026-03-02", "MO-H:2", away=True)
    wb.ok("devis", "accepter", q2, "--demande-expresse", au="2026-03-02")
    assert wb.row("tDevis", "number", q2)["express_request"] == "Oui"
    o2 = str(wb.ok("commande", "creer", "--devis", q2, au="2026-03-02")["numero"])
    wb.ok("commande", "realiser", o2, "--date", "2026-03-05", au="2026-03-05")
    _, o3 = wb.order("2026-03-02", "MO-H:2", away=True, urgent=True)
    wb.ok("commande", "realiser", o3, "--date", "2026-03-03", au="2026-03-03")


# --------------------------------------------------------------------------- 7. small professionals
def test_a_small_professional_outside_its_main_activity_gets_the_off_premises_protection(wb: Book) -> None:
    """L221-3 C. conso: five employees or fewer, off premises, outside the main activity: withdrawal and
    the 7-day payment ban apply; the business rules stay (the penalty clause, no mediator)."""
    from pyxl.documents.context import quote_context

    wb.ok("client", "modifier", "C00002", "--effectif", "4", au="2026-03-02")
    q, o = wb.order("2026-03-02", "MO-H:2", client="C00002", away=True,
                    extra=["--hors-activite-principale"])
    assert quote_context(wb.store(), q, dt.date(2026, 3, 2))["retractation"].startswith(WITHDRAWAL_SERVICES)
    wb.refused("facture", "acompte", "--commande", o, "--pourcentage", "30", au="2026-03-05", code="facture.7jours")
    # the same client, in its main activity: no protection
    q2, o2 = wb.order("2026-03-02", "MO-H:2", client="C00002", away=True)
    assert quote_context(wb.store(), q2, dt.date(2026, 3, 2))["retractation"] == ""
    wb.ok("facture", "acompte", "--commande", o2, "--pourcentage", "30", au="2026-03-05")
    # more than five employees: no protection
    wb.ok("client", "modifier", "C00002", "--effectif", "6", au="2026-03-06")
    q3 = wb.quote("2026-03-06", "MO-H:2", client="C00002", away=True, extra=["--hors-activite-principale"])
    assert quote_context(wb.store(), q3, dt.date(2026, 3, 6))["retractation"] == ""
    wb.refused("client", "modifier", "C00001", "--effectif", "2", au="2026-03-06", code="client.headcount")


# --------------------------------------------------------------------------- 13. pilot commercial courts
def test_the_pilot_tribunal_des_activites_economiques_is_named_while_the_experiment_runs() -> None:
    """Loi 2023-1059 art. 26, décret 2024-674: twelve pilot courts, 1 January 2025 – 31 December 2028."""
    from pyxl.core.courts import PILOT_COURTS
    from pyxl.documents.dunning_docs import court

    artisan = {"kind": "Professionnel", "name": "Plomberie Martin", "category": "Commerçant-artisan",
               "postcode": "69003"}
    name, cerfa, why = court(artisan, dt.date(2026, 12, 1))
    assert name == "Tribunal des activités économiques de Lyon" and "12946" in cerfa
    assert "art. L721-3 1° du Code de commerce" in why and "loi n° 2023-1059" in why and "ressort" in why
    assert court(artisan, dt.date(2029, 1, 2))[0] == "Tribunal de commerce"  # the experiment is over
    assert court({**artisan, "postcode": "38200"}, dt.date(2026, 12, 1))[0] == "Tribunal de commerce"
    liberal = {**artisan, "category": "Autre", "name": "Cabinet Durand"}
    assert court(liberal, dt.date(2026, 12, 1))[0] == "Tribunal des activités économiques de Lyon"
    consumer = {**artisan, "kind": "Particulier", "category": None, "name": "DUPONT"}
    assert court(consumer, dt.date(2026, 12, 1))[0] == "Tribunal judiciaire"
    assert len(PILOT_COURTS) == 12 and {c.valid_to for c in PILOT_COURTS} == {dt.date(2028, 12, 31)}


# --------------------------------------------------------------------------- 5. consumer quotes and orders
def test_a_consumer_quote_names_the_mediator_the_payment_terms_and_the_guarantees_of_its_nature(wb: Book) -> None:
    """L111-1, R111-1, L616-1 C. conso, arrêté du 24 janvier 2017; the guarantees by nature of the works
    (sheet « Garanties légales »); none of it on a business quote."""
    from pyxl.documents.context import order_context, quote_context

    install = wb.quote("2026-03-02", "CHG-25:1", "MO-H:6", nature="remplacement")
    repair = wb.quote("2026-03-02", "MO-H:2", nature="depannage")
    business = wb.quote("2026-03-02", "CHG-25:1", "MO-H:6", client="C00002", nature="remplacement")
    store = wb.store()
    text = "\n".join(quote_context(store, install, dt.date(2026, 3, 2))["mentions"])
    assert "Conditions de paiement : " in text
    assert "art. L217-3 et suivants du Code de la consommation" in text and "art. 1641 et suivants du Code civil" in text
    assert "médiateur de la consommation Médiateur de l'exemple" in text and "art. L616-1" in text
    repair_text = "\n".join(quote_context(store, repair, dt.date(2026, 3, 2))["mentions"])
    assert "Médiation de la consommation" in repair_text and "L217-3" not in repair_text and "1641" not in repair_text
    pro = "\n".join(quote_context(store, business, dt.date(2026, 3, 2))["mentions"])
    assert "médiateur" not in pro.casefold() and "L217-3" not in pro and "Conditions de paiement" not in pro
    wb.ok("devis", "accepter", install, au="2026-03-02")
    order = str(wb.ok("commande", "creer", "--devis", install, au="2026-03-02")["numero"])
    order_text = "\n".join(order_context(wb.store(), order, dt.date(2026, 3, 2))["mentions"])
    assert "L217-3" in order_text and "Médiation de la consommation" in order_text


def test_a_consumer_quote_is_not_sent_without_the_mediator(wb: Book) -> None:
    set_parameter_in_sheet(wb, "mediateur_consommation", "")
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.refused("devis", "envoyer", q, au="2026-03-02", code="devis.mediateur",
               words=["art. L616-1 du Code de la consommation", "mediateur_consommation"])
    wb.ok("devis", "envoyer", wb.quote("2026-03-02", "MO-H:2", client="C00002"), au="2026-03-02")


def test_the_formal_notice_names_the_clause_of_the_invoice_not_todays_parameter(wb: Book) -> None:
    from pyxl.documents import dunning_docs

    _, _, number = wb.invoice("2026-03-02", "MO-H:10", client="C00002")
    wb.ok("parametres", "modifier", "taux_penalites_contractuel", "20", au="2026-06-01")
    as_of = dt.date(2026, 7, 15)
    text = dunning_docs.penalty_rate_text(wb.store(), as_of, [case_of(wb, number, as_of)])
    assert "20,00" not in text and "12,40" in text.replace("\u202f", " ").replace("\xa0", " ")


# --------------------------------------------------------------------------- 5 and 9: the natures the law distinguishes
def test_a_sale_without_fitting_is_a_supply_of_goods_at_the_normal_rate_and_mixed_with_hours(wb: Book) -> None:
    """Parts sold without fitting: no reduced rate even in housing over two years (the reduced rates
    are for equipment supplied and fitted), the category « Livraison de biens » (CGI 256 I), and
    « Mixte » when the same invoice bills hours of work; a sale's guarantees are those of a sale."""
    from pyxl.documents.context import quote_context

    _, _, sold = wb.invoice("2026-03-02", "RAD-ACI:1", client="C00002", nature="vente")
    doc = wb.doc(sold)
    assert doc["nature"] == "Vente sans pose" and doc["operation"] == "Livraison de biens"
    assert {r["rate"] for r in wb.rows("tLignesFactures") if r["doc"] == doc["ref"]} == {D(20)}
    _, _, mixed = wb.invoice("2026-03-02", "RAD-ACI:1", "MO-H:1", client="C00002", nature="vente")
    assert wb.doc(mixed)["operation"] == "Mixte"
    q = wb.quote("2026-03-02", "RAD-ACI:1", nature="vente")
    text = "\n".join(quote_context(wb.store(), q, dt.date(2026, 3, 2))["mentions"])
    assert "L217-3" in text and "1641" in text and "1792" not in text


def test_works_that_are_an_ouvrage_name_the_builders_guarantees_and_are_at_the_normal_rate(wb: Book) -> None:
    """C. civ. 1792-6, 1792-3, 1792 for an ouvrage (new building, construction works); equipment fitted
    on an existing building is not one (Cass. 3e civ. 21 mars 2024 n° 22-18.694) and gets none of them."""
    from pyxl.documents.context import quote_context

    built = wb.quote("2026-03-02", "CHG-25:1", "MO-H:6", nature="construction")
    fitted = wb.quote("2026-03-02", "CHG-25:1", "MO-H:6", nature="remplacement")
    store = wb.store()
    text = "\n".join(quote_context(store, built, dt.date(2026, 3, 2))["mentions"])
    for article in ("1792-6", "1792-3", "art. 1792 "):
        assert article in text, article
    assert "L217-3" not in text
    assert "1792" not in "\n".join(quote_context(store, fitted, dt.date(2026, 3, 2))["mentions"])
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == built} == {D(20)}


def test_a_consumer_quote_or_order_is_not_e_mailed_without_the_mediator(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    set_parameter_in_sheet(wb, "mediateur_consommation", "")
    wb.refused("document", "devis", q, "--email", au="2026-03-02", code="devis.mediateur",
               words=["art. L616-1 du Code de la consommation"])
    assert not (wb.path.parent / "Documents").exists()  # refused before its PDF was made (found on the base)
