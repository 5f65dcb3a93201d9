"""The reminder procedure (syc relances): levels and their boundary days, recorded outside steps,
stops and alarms, the letters (a consumer's never mention the fixed indemnity), the payment-order
file, `syc taux ajouter`. Every date pinned."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pgfixtures import book_option, open_store, state_of

from pyxl.cli import main
from pyxl.demo import fill
from pyxl.documents import dunning_docs
from pyxl.services import dunning
from pyxl.workbook.filestore import ChangeSet, FileStore

D = Decimal
DUE = dt.date(2026, 6, 15)


def client(code: str, kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "kind": kind, "name": name, "address": "1 rue du Port", "postcode": "69001", "city": "Lyon",
            "phone": "04 78 00 00 00", "email": f"{code.lower()}@example.fr", "created": dt.date(2026, 1, 2),
            "active": "Oui", **extra}


def invoice(number: str, code: str, ttc: str, due: dt.date = DUE, **extra: Any) -> dict[str, Any]:
    return {"ref": number, "number": number, "doc_type": "Facture", "status": "Émise", "date": due - dt.timedelta(30),
            "client": code, "client_name": code, "terms": "30 jours nets", "due_date": due, "total_ht": D(ttc),
            "total_vat": D(0), "total_ttc": D(ttc), "paid": D(0), "credited": D(0), **extra}


@pytest.fixture
def dbook(book: Path, stored: Any) -> Path:
    """The dunning data in a workbook file, and (a second run) in a PostgreSQL base."""
    return stored(fill_dunning(book), as_typed=True)  # issued by hand: no journal rows


def fill_dunning(book: Path) -> Path:
    """SYC's identity, and overdue invoices: a business (trader), a consumer, a blocked client, a
    client in collective procedure, a paid invoice and a fully credited one."""
    fill(book, dt.date(2026, 1, 2))
    cs = ChangeSet()
    cs.append("tClients", client("PRO1", "Professionnel", "Boulangerie <Martin> & Fils", category="Commerçant-artisan",
                                 siret="73282932000074"))
    cs.append("tClients", client("PART1", "Particulier", "Dupont", first_name="Jeanne", notes="=cmd|' /C calc'!A0"))
    cs.append("tClients", client("BLOQ", "Professionnel", "Bloqué SA", dunning_blocked="Oui"))
    cs.append("tClients", client("COLL", "Professionnel", "En Redressement SARL", collective_since=dt.date(2026, 6, 1)))
    cs.append("tFactures", invoice("F2026-00101", "PRO1", "1000.00"))
    cs.append("tFactures", invoice("F2026-00102", "PART1", "1000.00"))
    cs.append("tFactures", invoice("F2026-00103", "BLOQ", "500.00"))
    cs.append("tFactures", invoice("F2026-00104", "COLL", "800.00"))
    cs.append("tFactures", invoice("F2026-00105", "PRO1", "300.00", status="Réglée", paid=D("300.00")))
    cs.append("tReglements", {"id": "R2026-00900", "date": dt.date(2026, 6, 20), "invoice": "F2026-00105",
                              "client": "PRO1", "amount": D("300.00"), "mode": "Virement"})
    cs.append("tFactures", invoice("F2026-00106", "PART1", "200.00", status="Soldée par avoir", credited=D("200.00")))
    cs.append("tFactures", {**invoice("F2026-00107", "PART1", "200.00"), "doc_type": "Avoir", "origin": "F2026-00106",
                            "date": dt.date(2026, 6, 18), "due_date": None, "status": "Émise"})
    FileStore(book).apply(cs, as_of=dt.date(2026, 6, 1))
    return book


def syc(book: Path, *args: str, au: str, ok: bool = True) -> dict[str, Any]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, *book_option(book), "--au", au, "--json"])
    data = json.loads(buf.getvalue())
    assert (code == 0) == ok, data
    return data


def case(book: Path, number: str, as_of: dt.date) -> dunning.Case | None:
    ses = dunning.session(open_store(book), as_of)
    return next((c for c in ses.cases if c.number == number), None)


# --------------------------------------------------------------------------- levels
def test_call_is_due_from_the_day_after_the_due_date(dbook: Path) -> None:
    assert case(dbook, "F2026-00101", DUE) is None  # not late on its due date
    c = case(dbook, "F2026-00101", DUE + dt.timedelta(1))
    assert c is not None and c.due and c.next_level is not None and c.next_level.step == "appel"


def test_letter_waits_for_the_call_and_its_7_days(dbook: Path) -> None:
    syc(dbook, "relances", "noter", "PRO1", "--appel", "sans-reponse", au="2026-06-19")
    c = case(dbook, "F2026-00101", dt.date(2026, 6, 21))
    assert c is not None and c.next_level is not None and c.next_level.step == "lettre" and not c.due
    assert "22/06/2026" in c.waiting  # due date + 7 days
    c = case(dbook, "F2026-00101", dt.date(2026, 6, 22))
    assert c is not None and c.due


def test_unanswered_call_counts_once_logged(dbook: Path) -> None:
    before = case(dbook, "F2026-00101", dt.date(2026, 6, 25))
    assert before is not None and before.next_level is not None and before.next_level.step == "appel"
    syc(dbook, "relances", "noter", "F2026-00101", "--appel", "sans-reponse", au="2026-06-25")
    after = case(dbook, "F2026-00101", dt.date(2026, 6, 26))
    assert after is not None and after.next_level is not None and after.next_level.step == "lettre" and after.due


def _through_letter(book: Path) -> None:
    syc(book, "relances", "noter", "PRO1", "--appel", "message", au="2026-06-19")
    done = syc(book, "relances", "executer", "--simuler", au="2026-06-22")
    # both clients' letters are due on their own delay; PART1's call was never logged (review 2)
    assert [(d["client"], d["type"]) for d in done["documents"]] == [("PART1", "relance_simple"),
                                                                      ("PRO1", "relance_simple")]
    # the letter is recorded as prepared (the PDF itself is made by LibreOffice in the execute test)
    cs = ChangeSet()
    cs.append("tRelances", {"id": "RL2026-00900", "date": dt.date(2026, 6, 22), "invoice": "F2026-00101",
                            "client": "PRO1", "level": 1, "step": "lettre", "outcome": "Lettre préparée"})
    open_store(book).apply(cs, as_of=dt.date(2026, 6, 22))


def test_registered_letter_runs_from_the_posting_date(dbook: Path) -> None:
    _through_letter(dbook)
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 30))
    assert c is not None and not c.due and "dépôt à la poste" in c.waiting  # posting not recorded yet
    syc(dbook, "relances", "noter", "F2026-00101", "--poste", "2026-06-24", au="2026-06-25")
    # level 2: 15 days after the simple letter was POSTED (24/06), its 8-day deadline long passed
    assert not case(dbook, "F2026-00101", dt.date(2026, 7, 8)).due  # type: ignore[union-attr]
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 9))
    assert c is not None and c.due and c.next_level is not None and c.next_level.step == "lrar"


def test_formal_notice_waits_48_hours_after_the_acknowledgement(dbook: Path) -> None:
    _through_letter(dbook)
    syc(dbook, "relances", "noter", "F2026-00101", "--poste", "2026-06-24", au="2026-06-25")
    cs = ChangeSet()
    cs.append("tRelances", {"id": "RL2026-00901", "date": dt.date(2026, 7, 9), "invoice": "F2026-00101",
                            "client": "PRO1", "level": 2, "step": "lrar", "outcome": "Lettre préparée"})
    open_store(dbook).apply(cs, as_of=dt.date(2026, 7, 9))
    syc(dbook, "relances", "noter", "F2026-00101", "--etape", "lrar", "--poste", "2026-07-09", "--recommande",
        "1A 123 456 7890 1", au="2026-07-09")
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 20))
    assert c is not None and not c.due and "accusé de réception" in c.waiting
    syc(dbook, "relances", "noter", "F2026-00101", "--ar", "2026-07-11", au="2026-07-12")
    assert not case(dbook, "F2026-00101", dt.date(2026, 7, 13)).due  # type: ignore[union-attr]  # 11/07 + 48 h
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 14))
    assert c is not None and c.due and c.next_level is not None and c.next_level.step == "mise-en-demeure"
    row = next(r for r in open_store(dbook).rows("tRelances") if r["step"] == "lrar")
    assert (row["lr_number"], row["posted_on"], row["ack_on"], row["outcome"]) == (
        "1A 123 456 7890 1", dt.date(2026, 7, 9), dt.date(2026, 7, 11), "Accusé de réception")


# --------------------------------------------------------------------------- leaving the process, stops
def test_paid_or_credited_invoices_leave_at_once(dbook: Path) -> None:
    ses = dunning.session(open_store(dbook), dt.date(2026, 7, 1))
    numbers = {c.number for c in ses.cases}
    assert "F2026-00105" not in numbers and "F2026-00106" not in numbers
    assert "F2026-00101" in numbers
    cs = ChangeSet()
    cs.append("tReglements", {"id": "R2026-00901", "date": dt.date(2026, 7, 2), "invoice": "F2026-00101",
                              "client": "PRO1", "amount": D("1000.00"), "mode": "Virement"})
    open_store(dbook).apply(cs, as_of=dt.date(2026, 7, 2))
    # the invoice row still says « Émise » (written by hand): the payment dated 02/07 takes it out
    assert case(dbook, "F2026-00101", dt.date(2026, 7, 3)) is None


def test_stopped_clients_get_nothing(dbook: Path) -> None:
    ses = dunning.session(open_store(dbook), dt.date(2026, 9, 1))
    stopped = {c.number: c.stop for c in ses.cases if c.stop}
    assert stopped["F2026-00103"] == "relances bloquées pour ce client"
    assert stopped["F2026-00104"].startswith("procédure collective")
    assert {c.client_code for c in [*ses.calls, *ses.letters, *ses.files]} <= {"PRO1", "PART1"}
    coll = next(c for c in ses.cases if c.number == "F2026-00104")
    assert coll.interest.indemnity == 0  # never the 40 € under a collective procedure
    assert any("déclarez la créance" in a for a in coll.alarms)


def test_dispute_then_settled(dbook: Path) -> None:
    syc(dbook, "relances", "noter", "F2026-00101", "--litige", "radiateur défectueux", au="2026-06-20")
    assert case(dbook, "F2026-00101", dt.date(2026, 6, 22)).stop.startswith("litige")  # type: ignore[union-attr]
    syc(dbook, "relances", "noter", "F2026-00101", "--litige-regle", au="2026-06-25")
    assert case(dbook, "F2026-00101", dt.date(2026, 6, 26)).stop == ""  # type: ignore[union-attr]


def test_promise_stops_until_its_date_then_alarms(dbook: Path) -> None:
    syc(dbook, "relances", "noter", "PRO1", "--appel", "promesse", "--promesse", "2026-06-30", au="2026-06-19")
    assert case(dbook, "F2026-00101", dt.date(2026, 6, 30)).stop  # type: ignore[union-attr]
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 1))
    assert c is not None and not c.stop and any("promesse" in a and "non tenue" in a for a in c.alarms)
    ses = dunning.session(open_store(dbook), dt.date(2026, 7, 1))
    assert "F2026-00101" in {x.number for x in ses.calls}
    assert "Promesse non tenue" in dunning.what_to_say([c], dt.date(2026, 7, 1))


def test_payment_plan_and_missed_instalment(dbook: Path) -> None:
    syc(dbook, "relances", "noter", "F2026-00101", "--appel", "echeancier", "--echeancier",
        "2026-07-01:500,2026-08-01:500", au="2026-06-19")
    assert case(dbook, "F2026-00101", dt.date(2026, 7, 1)).stop.startswith("échéancier")  # type: ignore[union-attr]
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 2))  # the 01/07 instalment is not paid
    assert c is not None and not c.stop and any("non réglée" in a for a in c.alarms)
    cs = ChangeSet()
    cs.append("tReglements", {"id": "R2026-00902", "date": dt.date(2026, 7, 1), "invoice": "F2026-00101",
                              "client": "PRO1", "amount": D("500.00"), "mode": "Virement"})
    open_store(dbook).apply(cs, as_of=dt.date(2026, 7, 1))
    assert case(dbook, "F2026-00101", dt.date(2026, 7, 2)).stop.startswith("échéancier")  # type: ignore[union-attr]


def test_plan_must_cover_what_is_owed_and_refusal_leaves_the_book_alone(dbook: Path) -> None:
    before = state_of(dbook)
    err = syc(dbook, "relances", "noter", "F2026-00101", "--appel", "echeancier", "--echeancier", "2026-07-01:400",
              au="2026-06-19", ok=False)
    assert "reste dû" in err["erreurs"][0]["message"]
    err = syc(dbook, "relances", "noter", "F2026-00101", "--ar", "2026-06-18", au="2026-06-19", ok=False)
    assert "rien à compléter" in err["erreurs"][0]["message"]
    err = syc(dbook, "relances", "noter", "F2026-00105", "--appel", "message", au="2026-06-25", ok=False)
    assert "pas en retard" in err["erreurs"][0]["message"]
    assert state_of(dbook) == before


def test_prescription_alarms(dbook: Path) -> None:
    """Consumer: 2 years from the end of the works (here the invoice date, 16/05/2026: no date of
    completion recorded), not from the due date (review 3)."""
    near = dunning.session(open_store(dbook), dt.date(2028, 4, 1))
    part = next(c for c in near.cases if c.number == "F2026-00102")
    assert any("prescription le 16/05/2028" in a for a in part.alarms)  # consumer: 2 years
    assert not next(c for c in dunning.session(open_store(dbook), dt.date(2028, 5, 15)).cases
                    if c.number == "F2026-00102").stop
    past = dunning.session(open_store(dbook), dt.date(2028, 5, 16))
    part = next(c for c in past.cases if c.number == "F2026-00102")
    assert part.stop == "créance prescrite"
    pro = next(c for c in past.cases if c.number == "F2026-00101")
    assert not any("prescri" in a for a in pro.alarms)  # business: 5 years


# --------------------------------------------------------------------------- interest in the session
def test_interest_in_the_session_follows_the_readme(dbook: Path) -> None:
    pro = case(dbook, "F2026-00101", dt.date(2026, 7, 15))
    assert pro is not None and (pro.interest.interest, pro.interest.indemnity) == (D("10.09"), D("40"))
    part = case(dbook, "F2026-00102", dt.date(2026, 7, 15))
    assert part is not None and part.interest.interest == 0 and part.interest.indemnity == 0


# --------------------------------------------------------------------------- letters and file
def _cases(book: Path, client: str, as_of: dt.date) -> list[dunning.Case]:
    return [c for c in dunning.session(open_store(book), as_of).cases if c.client_code == client]


@pytest.mark.parametrize("step", ["lettre", "lrar", "mise-en-demeure"])
def test_consumer_letters_never_mention_the_indemnity(dbook: Path, step: str) -> None:
    store = open_store(dbook)
    ctx = dunning_docs.letter_context(store, step, _cases(dbook, "PART1", dt.date(2026, 8, 1)), dt.date(2026, 8, 1), {})
    text = json.dumps(ctx, ensure_ascii=False)
    assert "indemnité forfaitaire" not in text.lower() and "40,00" not in text and "pénalités" not in text.lower()
    pro = dunning_docs.letter_context(store, step, _cases(dbook, "PRO1", dt.date(2026, 8, 1)), dt.date(2026, 8, 1), {})
    assert "indemnité forfaitaire" in json.dumps(pro, ensure_ascii=False)


def test_consumer_formal_notice_states_the_interest_runs(dbook: Path) -> None:
    ctx = dunning_docs.letter_context(open_store(dbook), "mise-en-demeure", _cases(dbook, "PART1", dt.date(2026, 8, 1)),
                                      dt.date(2026, 8, 1), {})
    assert any("1231-6" in p for p in ctx["paragraphes_fin"])
    assert ctx["mention_envoi"].startswith("Lettre recommandée")


def test_payment_order_file_court_and_form(dbook: Path) -> None:
    store = open_store(dbook)
    pro = dunning_docs.payment_order_context(store, _cases(dbook, "PRO1", dt.date(2026, 9, 1)), dt.date(2026, 9, 1))
    # a debtor in the Rhône in 2026: the pilot tribunal des activités économiques (loi 2023-1059 art. 26)
    assert pro["tribunal"] == "Tribunal des activités économiques de Lyon" and "12946" in pro["cerfa"]
    assert any("5 000 €" in n for n in pro["remarques"])  # 1 000 € + interest: small claims note
    assert "1406" in pro["note_competence"]
    part = dunning_docs.payment_order_context(store, _cases(dbook, "PART1", dt.date(2026, 9, 1)), dt.date(2026, 9, 1))
    assert part["tribunal"] == "Tribunal judiciaire" and "12948" in part["cerfa"]
    assert "Dupont" in " ".join(part["debiteur"])


# --------------------------------------------------------------------------- the session on the CLI
def test_session_json_lists_calls_and_what_to_say(dbook: Path) -> None:
    data = syc(dbook, "relances", au="2026-06-19")
    calls = {a["client"]: a for a in data["appels"]}
    assert set(calls) == {"PRO1", "PART1"}
    assert calls["PRO1"]["telephone"] == "04 78 00 00 00"
    assert calls["PRO1"]["factures"][0]["reste_du"] == "1000.00" and calls["PRO1"]["factures"][0]["jours_retard"] == 4
    assert "Appel courtois" in calls["PRO1"]["a_dire"]
    assert {a["facture"] for a in data["arrets"]} == {"F2026-00103", "F2026-00104"}


def test_session_text_is_french(dbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relances", *book_option(dbook), "--au", "2026-06-19"]) == 0
    text = capsys.readouterr().out
    assert "Appels (créneau du vendredi et du lundi, 8 h–10 h) : 2 clients" in text
    assert "Boulangerie <Martin> & Fils" in text


# --------------------------------------------------------------------------- taux
def test_rate_add_and_refusals(dbook: Path) -> None:
    before = state_of(dbook)
    err = syc(dbook, "taux", "ajouter", "2027-S3", "--particuliers", "6,9", "--autres-cas", "2,8", "--source", "x",
              au="2027-01-02", ok=False)
    assert "AAAA-S1" in err["erreurs"][0]["message"]
    err = syc(dbook, "taux", "ajouter", "2026-S2", "--particuliers", "6,84", "--autres-cas", "2,75", "--source", "x",
              au="2027-01-02", ok=False)
    assert "déjà" in err["erreurs"][0]["message"]
    assert state_of(dbook) == before
    # a session over the missing half-year works and warns
    late = case(dbook, "F2026-00101", dt.date(2027, 1, 10))
    assert late is not None and late.interest.held_back and any("2027-S1" in w for w in late.interest.warnings)
    data = syc(dbook, "taux", "ajouter", "2027-S1", "--particuliers", "6,90", "--autres-cas", "2,80", "--source",
               "arrêté du 20/12/2026 (JO)", "--bce", "2,40", "--source-bce", "BCE", au="2027-01-02")
    assert (data["taux_penalites"], data["plancher"]) == ("12.4", "8.4")
    done = case(dbook, "F2026-00101", dt.date(2027, 1, 10))
    assert done is not None and not done.interest.held_back
    row = next(r for r in open_store(dbook).rows("tTauxPenalites") if r["half"] == "2027-S1")
    assert "L441-10" in row["source"]


# --------------------------------------------------------------------------- new quote for a late payer
def test_new_quote_for_a_client_with_overdue_invoices_warns(dbook: Path) -> None:
    fill_articles = syc(dbook, "article", "liste", au="2026-06-20")["articles"]
    code = fill_articles[0]["code"]
    data = syc(dbook, "devis", "creer", "--client", "PRO1", "--ligne", f"{code}:1", "--nature", "depannage",
               au="2026-06-20")
    assert any("F2026-00101" in w["message"] and "en retard" in w["message"] for w in data["avertissements"])
    data = syc(dbook, "devis", "creer", "--client", "PRO1", "--ligne", f"{code}:1", "--nature", "depannage",
               au="2026-06-15")  # not late yet on the due date
    assert not any("en retard" in w["message"] for w in data["avertissements"])


# --------------------------------------------------------------------------- one batch, with LibreOffice
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice (soffice) et poppler-utils sont nécessaires")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@needs_soffice
def test_execute_one_batch_through_to_the_payment_order_file(dbook: Path) -> None:
    """Call, letter, registered letter, formal notice, payment-order file: each batch renders its
    documents in one go, records them, and the recorded posting and receipt dates drive the next."""
    syc(dbook, "relances", "noter", "PART1", "--appel", "sans-reponse", au="2026-06-19")
    syc(dbook, "relances", "noter", "PRO1", "--appel", "message", au="2026-06-19")
    first = syc(dbook, "relances", "executer", au="2026-06-22")
    assert first["relances"] == 2 and len(first["documents"]) == 2 and len(first["brouillons"]) == 2
    combined = Path(first["a_imprimer"])
    assert combined.is_file() and "Relances à imprimer" in combined.name
    part_letter = next(Path(p) for p in first["documents"] if "Dupont" in p)
    pro_letter = next(Path(p) for p in first["documents"] if "Boulangerie" in p)
    assert "indemnité forfaitaire" not in pdf_text(part_letter).lower()
    assert "indemnité forfaitaire" in pdf_text(pro_letter).lower()
    eml = part_letter.with_suffix(".eml").read_bytes()
    assert b"X-Unsent: 1" in eml and b"part1@example.fr" in eml
    rows = open_store(dbook).rows("tRelances")
    assert [(r["invoice"], r["step"], r["outcome"]) for r in rows if r["step"] == "lettre"] == [
        ("F2026-00102", "lettre", "Lettre préparée"), ("F2026-00101", "lettre", "Lettre préparée")]
    # nothing more is due until the posting date is recorded
    assert syc(dbook, "relances", "executer", au="2026-07-20")["relances"] == 0
    for inv in ("F2026-00101", "F2026-00102"):
        syc(dbook, "relances", "noter", inv, "--poste", "2026-06-23", au="2026-06-23")
    second = syc(dbook, "relances", "executer", au="2026-07-08")  # 23/06 + 15 days
    assert second["relances"] == 2
    for inv in ("F2026-00101", "F2026-00102"):
        syc(dbook, "relances", "noter", inv, "--poste", "2026-07-08", "--recommande", f"1A {inv}", au="2026-07-08")
        syc(dbook, "relances", "noter", inv, "--ar", "2026-07-10", au="2026-07-10")
    third = syc(dbook, "relances", "executer", au="2026-07-13")  # 10/07 + 48 h
    notice = next(Path(p) for p in third["documents"] if "Dupont" in p)
    text = pdf_text(notice)
    assert "MISE EN DEMEURE" in text.upper() and "1231-6" in text and "indemnité forfaitaire" not in text.lower()
    # the business client's formal notice comes with its penalty note (issue 13, item 4); the consumer's does not
    (note,) = open_store(dbook).rows("tNotesPenalites")
    assert (note["number"], note["client"], note["origin"]) == ("NP2026-0001", "PRO1", "Mise en demeure")
    assert note["indemnity"] == D("40.00") and note["interest"] > 0
    pro_notice = next(Path(p) for p in third["documents"] if "Boulangerie" in p and "NP2026" not in p)
    assert "NP2026-0001" in pdf_text(pro_notice) and "1343-1" in pdf_text(pro_notice)
    note_pdf = next(Path(p) for p in third["documents"] if "NP2026-0001" in Path(p).name)
    note_text = pdf_text(note_pdf)
    assert "NOTE DE PÉNALITÉS" in note_text.upper() and "F2026-00101" in note_text and "40,00" in note_text
    assert "1343-1" in note_text and "TVA" in note_text
    for inv in ("F2026-00101", "F2026-00102"):
        syc(dbook, "relances", "noter", inv, "--etape", "mise-en-demeure", "--poste", "2026-07-13", "--recommande",
            f"2B {inv}", au="2026-07-13")
        syc(dbook, "relances", "noter", inv, "--ar", "2026-07-15", au="2026-07-15")
    # the consumer's interest runs from the day after the formal notice was received
    part = case(dbook, "F2026-00102", dt.date(2026, 7, 25))
    assert part is not None and part.interest.spans[0].start == dt.date(2026, 7, 16)
    fourth = syc(dbook, "relances", "executer", au="2026-07-24")  # 15/07 + 8 days
    assert fourth["brouillons"] == []  # the court file is not e-mailed
    pro_file = next(Path(p) for p in fourth["documents"] if "Boulangerie" in p)
    text = pdf_text(pro_file)
    assert "Tribunal des activités économiques de Lyon" in text and "12946" in text and "2B F2026-00101" in text
    assert "1406" in text
    part_file = next(Path(p) for p in fourth["documents"] if "Dupont" in p)
    text = pdf_text(part_file)
    assert "Tribunal judiciaire" in text and "12948" in text and "5 000 €" in text
    assert "indemnité forfaitaire pour frais" not in text.lower()
    assert {r["outcome"] for r in open_store(dbook).rows("tRelances") if r["step"] == "injonction"} == {"Dossier préparé"}
    assert syc(dbook, "relances", au="2026-07-24")["dossiers"] == []


def test_rate_add_reads_the_ecb_rate_in_force_and_lists(dbook: Path) -> None:
    """Without --bce, the ECB rate in force on the first day comes from « Taux BCE »."""
    ecb = [r for r in open_store(dbook).rows("tTauxBCE") if r["since"] <= dt.date(2027, 1, 1)]
    latest = max(ecb, key=lambda r: r["since"])["rate"]
    data = syc(dbook, "taux", "ajouter", "2027-S1", "--particuliers", "6,90", "--autres-cas", "2,80", "--source",
               "arrêté", au="2027-01-02")
    assert Decimal(data["taux_penalites"]) == latest + 10
    assert any("Vérifiez" in w["message"] for w in data["avertissements"])
    listed = syc(dbook, "taux", "liste", au="2027-01-02")["semestres"]
    assert listed[0]["semestre"] == "2015-S1" and listed[-1] == {
        "semestre": "2027-S1", "autres_cas": "2.8", "particuliers": "6.9",
        "penalites": format((latest + 10).normalize(), "f"), "plancher": "8.4"}


# --------------------------------------------------------------------------- review of issue 6
def _pay(book: Path, pid: str, day: dt.date, number: str, amount: str, cancels: str | None = None) -> None:
    cs = ChangeSet()
    cs.append("tReglements", {"id": pid, "date": day, "invoice": number, "client": "PRO1", "amount": D(amount),
                              "mode": "Chèque", "cancels": cancels, "reason": "chèque impayé" if cancels else None})
    open_store(book).apply(cs, as_of=day)


def test_a_reversed_payment_never_paid_the_debt(dbook: Path) -> None:
    """Review 1 (art. 1342 C. civ.): a bounced cheque never paid anything. 1 000 € due 15/06/2026,
    cheque of 20/06 reversed on 10/07: on 15/07 the penalties run over the 30 days, as the README
    example (10,09 €), not over the 10 days after the reversal."""
    _pay(dbook, "R2026-00950", dt.date(2026, 6, 20), "F2026-00101", "1000.00")
    _pay(dbook, "R2026-00951", dt.date(2026, 7, 10), "F2026-00101", "-1000.00", cancels="R2026-00950")
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 15))
    assert c is not None and c.interest.interest == D("10.09") and c.interest.days_late == 30
    assert (c.interest.spans[0].start, c.interest.spans[0].base) == (dt.date(2026, 6, 16), D("1000.00"))
    # before the reversal was recorded, the payment was all the firm knew of
    moves = dunning.movements(open_store(dbook), {"F2026-00101"}, dt.date(2026, 7, 1))["F2026-00101"]
    assert [(m.day, m.amount) for m in moves] == [(dt.date(2026, 6, 20), D("1000.00"))]


def test_the_letter_does_not_wait_for_the_call(dbook: Path) -> None:
    """Review 2: the call and the simple letter are both level 1 — the letter runs on its own delay
    (due date + 7 days) whether or not a call was logged; the call stays on the call list."""
    ses = dunning.session(open_store(dbook), dt.date(2026, 6, 22))
    assert "F2026-00101" in {c.number for c in ses.letters}
    assert "F2026-00101" in {c.number for c in ses.calls}  # still to call until logged
    before = dunning.session(open_store(dbook), dt.date(2026, 6, 21))
    assert "F2026-00101" not in {c.number for c in before.letters}
    # logging the call the same day does not push the letter to the next day
    syc(dbook, "relances", "noter", "PRO1", "--appel", "sans-reponse", au="2026-06-22")
    ses = dunning.session(open_store(dbook), dt.date(2026, 6, 22))
    assert "F2026-00101" in {c.number for c in ses.letters}
    assert "F2026-00101" not in {c.number for c in ses.calls}


def test_level_2_waits_for_the_letter_not_for_the_call(dbook: Path) -> None:
    cs = ChangeSet()
    cs.append("tRelances", {"id": "RL2026-00900", "date": dt.date(2026, 6, 22), "invoice": "F2026-00101",
                            "client": "PRO1", "level": 1, "step": "lettre", "outcome": "Lettre préparée",
                            "posted_on": dt.date(2026, 6, 24)})
    open_store(dbook).apply(cs, as_of=dt.date(2026, 6, 22))
    assert "F2026-00101" not in {c.number for c in dunning.session(open_store(dbook), dt.date(2026, 7, 8)).due("lrar")}
    ses = dunning.session(open_store(dbook), dt.date(2026, 7, 9))  # posted 24/06 + 15 days, no call ever logged
    assert "F2026-00101" in {c.number for c in ses.due("lrar")}
    assert "F2026-00101" in {c.number for c in ses.calls}


def test_demo_letter_due_30_days_late_without_a_call(tmp_path: Path) -> None:
    """The reviewer's reproduction: on the demo, F2026-00009 is 30 days late on 30/04/2026 and no
    call was logged; its simple letter is due."""
    from pyxl.cli import demo_cmd

    demo_cmd.make(tmp_path / "demo")
    ses = dunning.session(open_store(tmp_path / "demo" / "SYC_Gestion.xlsm"), dt.date(2026, 4, 30))
    assert [(c.number, [lv.step for lv in c.due_steps]) for c in ses.letters] == [("F2026-00009", ["appel", "lettre"])]


def test_consumer_prescription_runs_from_the_end_of_the_works(dbook: Path) -> None:
    """Review 3: L218-2 C. conso runs from the end of the works (Cass. 1re civ. 19/05/2021
    n° 20-12.520; Cass. 3e civ. 01/03/2023 n° 21-23.176): the date of completion when recorded."""
    store = open_store(dbook)
    row = next(r for r in store.rows("tFactures") if r["number"] == "F2026-00102")
    cs = ChangeSet()
    cs.update("tFactures", row.row, {"service_date": dt.date(2026, 5, 2)})
    store.apply(cs, as_of=dt.date(2026, 6, 1))
    c = case(dbook, "F2026-00102", dt.date(2028, 5, 2))
    assert c is not None and c.stop == "créance prescrite" and any("02/05/2028" in a for a in c.alarms)
    assert not case(dbook, "F2026-00102", dt.date(2028, 5, 1)).stop  # type: ignore[union-attr]
    ctx = dunning_docs.payment_order_context(store, [c], dt.date(2028, 5, 2))
    text = " ".join(ctx["remarques"])
    assert "à compter de l'échéance" not in text and "fin des travaux" in text


@pytest.mark.parametrize("kind", ["paiement", "promesse", "echeancier"])
def test_an_acknowledgement_restarts_the_prescription(dbook: Path, kind: str) -> None:
    """Review 3 (art. 2240 C. civ.): a partial payment, a promise or a payment plan acknowledges the
    debt; the 2 years start again from it — the claim is live, not « créance prescrite ». A promise
    or a plan counts only with its written proof (issue 13: --preuve)."""
    day = dt.date(2026, 9, 1)
    if kind == "paiement":
        cs = ChangeSet()
        cs.append("tReglements", {"id": "R2026-00960", "date": day, "invoice": "F2026-00102", "client": "PART1",
                                  "amount": D("100.00"), "mode": "Chèque"})
        open_store(dbook).apply(cs, as_of=day)
    elif kind == "promesse":
        syc(dbook, "relances", "noter", "F2026-00102", "--appel", "promesse", "--promesse", "2026-09-30",
            "--preuve", "e-mail du débiteur du 01/09/2026", au="2026-09-01")
    else:
        syc(dbook, "relances", "noter", "F2026-00102", "--appel", "echeancier", "--echeancier",
            "2026-09-30:500;2026-10-30:500", "--preuve", "échéancier signé", au="2026-09-01")
    c = case(dbook, "F2026-00102", dt.date(2028, 6, 20))
    assert c is not None and c.stop != "créance prescrite"
    assert any("prescription le 01/09/2028" in a for a in c.alarms)


def _collective(book: Path, since: dt.date, service: dt.date | None = None) -> None:
    store = open_store(book)
    cs = ChangeSet()
    coll = next(r for r in store.rows("tClients") if r["code"] == "COLL")
    cs.update("tClients", coll.row, {"collective_since": since})
    if service is not None:
        inv = next(r for r in store.rows("tFactures") if r["number"] == "F2026-00104")
        cs.update("tFactures", inv.row, {"service_date": service})
    store.apply(cs, as_of=dt.date(2026, 6, 1))


def test_a_claim_born_after_the_judgment_follows_the_normal_procedure(dbook: Path) -> None:
    """Review 4 (L622-17 C. com.): works done after the opening judgment are paid at their due date:
    no stop, the 40 € is due, and an alarm says to inform the administrator."""
    _collective(dbook, dt.date(2026, 5, 2))  # invoice of 16/05/2026, after the judgment
    c = case(dbook, "F2026-00104", dt.date(2026, 7, 15))
    assert c is not None and not c.stop and c.interest.indemnity == D("40") and c.interest.interest > 0
    assert any("L622-17" in a and "administrateur" in a for a in c.alarms)
    assert not any("déclarez" in a for a in c.alarms)


def test_a_claim_from_before_the_judgment_is_declared_with_penalties_to_the_judgment(dbook: Path) -> None:
    """Works of 02/05, due 15/06, judgment 01/07: penalties stop on 30/06, the 40 € stays (the
    invoice was late before the judgment), and the claim to declare includes both."""
    _collective(dbook, dt.date(2026, 7, 1), service=dt.date(2026, 5, 2))
    c = case(dbook, "F2026-00104", dt.date(2026, 9, 1))
    assert c is not None and c.stop.startswith("procédure collective")
    assert c.interest.spans[-1].end == dt.date(2026, 6, 30) and c.interest.indemnity == D("40")
    # 800 × 12,15 (2026-S1)… whatever the rate, the declared claim is principal + penalties + 40 €
    total = c.owed + c.interest.interest + c.interest.indemnity
    alarm = next(a for a in c.alarms if "déclarez" in a)
    from pyxl.core.money import euros
    assert euros(total) in alarm and "L622-28" in alarm


# --------------------------------------------------------------------------- review 5: court by legal form
@pytest.mark.parametrize(("name", "form"), [("Garnier Bâtiment SAS", "SAS"), ('Dupont & Fils <SARL> "l\'Étang"', "SARL"),
                                            ("S.A.R.L. Chauffe", "SARL"), ("Martin EURL", "EURL"),
                                            ("Transports Roux SNC", "SNC"), ("Holding SASU", "SASU"),
                                            ("Banque Rhône SA", "SA")])
def test_commercial_form_is_read_in_the_name(name: str, form: str) -> None:
    from pyxl.core.fields import commercial_form

    assert commercial_form(name) == form


@pytest.mark.parametrize("name", ["SCI Les Tilleuls", "Sabine Dupont", "Cabinet Sasso", "Mairie de Saint-Sa", "Dupont"])
def test_no_commercial_form_in_other_names(name: str) -> None:
    from pyxl.core.fields import commercial_form

    assert commercial_form(name) is None


def test_a_company_with_category_autre_goes_to_the_commercial_court(dbook: Path) -> None:
    """Review 5: an SAS is commercial by its form (L210-1 C. com.) whatever its category says:
    tribunal de commerce (L721-3 2°), Cerfa 12946, and a warning that the category disagrees."""
    store = open_store(dbook)
    cs = ChangeSet()
    cs.append("tClients", client("SAS1", "Professionnel", "Garnier Bâtiment SAS", category="Autre",
                                 siret="44556612800010"))
    cs.append("tFactures", invoice("F2026-00120", "SAS1", "900.00"))
    store.apply(cs, as_of=dt.date(2026, 6, 1))
    cases = _cases(dbook, "SAS1", dt.date(2026, 9, 1))
    ctx = dunning_docs.payment_order_context(open_store(dbook), cases, dt.date(2026, 9, 1))
    assert ctx["tribunal"] == "Tribunal des activités économiques de Lyon" and "12946" in ctx["cerfa"]
    assert "L210-1" in ctx["motif_tribunal"]
    assert dunning_docs.court(dict(open_store(dbook).rows_where("tClients", "code", {"SAS1"})[0].values))[0] == \
        "Tribunal de commerce"  # without a date: the rule of L721-3 alone
    assert any("« Autre »" in n and "SAS" in n for n in ctx["remarques"])
    sci = {"kind": "Professionnel", "category": "Autre", "name": "SCI Les Tilleuls"}
    assert dunning_docs.court(sci)[0] == "Tribunal judiciaire"


def test_a_new_company_client_gets_its_category_from_its_form(dbook: Path) -> None:
    common = ["client", "ajouter", "--type", "professionnel", "--adresse", "1 rue du Port", "--cp", "69001",
              "--ville", "Lyon"]
    data = syc(dbook, *common, "--nom", "Chauffe Nord SARL", "--siret", "552 100 554", au="2026-06-02")
    assert data["client"]["categorie"] == "Commerçant-artisan"
    data = syc(dbook, *common, "--nom", "Chauffe Sud SAS", "--siret", "732 829 320", "--categorie", "autre",
               au="2026-06-02")
    assert data["client"]["categorie"] == "Autre"
    assert any("SAS" in w["message"] and "L210-1" in w["message"] for w in data["avertissements"])


def test_demo_company_clients_are_commercial() -> None:
    from pyxl import demo

    garnier = next(c for c in demo.MORE_CLIENTS if c["name"] == "Garnier Bâtiment SAS")
    assert garnier["category"] == "commercant-artisan"


# --------------------------------------------------------------------------- review 6, 7: payment plans
@pytest.mark.parametrize("spec", ["2026-07-01:519,50,2026-08-01:480,50", "2026-07-01:519,50;2026-08-01:480,50",
                                  "01/07/2026:519,50, 01/08/2026:480,50", "2026-07-01:519.50 ; 2026-08-01:480.50"])
def test_payment_plan_amounts_with_a_decimal_comma(dbook: Path, spec: str) -> None:
    """Review 6: the comma is both the decimal comma and a separator: a comma starts a new
    instalment only when a date follows it (the help's own example must work)."""
    syc(dbook, "relances", "noter", "F2026-00101", "--appel", "echeancier", "--echeancier", spec, au="2026-06-19")
    rows = [(r["due"], r["amount"]) for r in open_store(dbook).rows("tEcheanciers")]
    assert rows == [(dt.date(2026, 7, 1), D("519.50")), (dt.date(2026, 8, 1), D("480.50"))]


def test_a_second_payment_plan_is_refused_while_the_first_is_kept(dbook: Path) -> None:
    """Review 7: a duplicate plan used to be accepted and, doubling the scheduled total, hid a
    missed instalment."""
    plan = ["relances", "noter", "F2026-00101", "--appel", "echeancier", "--echeancier"]
    syc(dbook, *plan, "2026-07-01:500,2026-08-01:500", au="2026-06-19")
    before = state_of(dbook)
    err = syc(dbook, *plan, "2026-07-01:500,2026-08-01:500", au="2026-06-20", ok=False)
    assert "déjà" in err["erreurs"][0]["message"] and "ECH-F2026-00101-20260619" in err["erreurs"][0]["message"]
    assert state_of(dbook) == before


def test_only_the_latest_plan_is_evaluated(dbook: Path) -> None:
    cs = ChangeSet()
    for plan in ("ECH-F2026-00101-20260619", "ECH-F2026-00101-20260620"):
        for day in (dt.date(2026, 7, 1), dt.date(2026, 8, 1)):
            cs.append("tEcheanciers", {"plan": plan, "invoice": "F2026-00101", "client": "PRO1", "due": day,
                                       "amount": D("500.00")})
    open_store(dbook).apply(cs, as_of=dt.date(2026, 6, 20))
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 2))  # nothing paid on 01/07
    assert c is not None and not c.stop
    assert any("ECH-F2026-00101-20260620" in a and "non réglée" in a for a in c.alarms)


def test_a_broken_plan_can_be_replaced_by_a_new_one(dbook: Path) -> None:
    plan = ["relances", "noter", "F2026-00101", "--appel", "echeancier", "--echeancier"]
    syc(dbook, *plan, "2026-07-01:500,2026-08-01:500", au="2026-06-19")
    syc(dbook, *plan, "2026-07-15:1000", au="2026-07-05")  # the 01/07 instalment was missed
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 10))
    assert c is not None and c.stop.startswith("échéancier ECH-F2026-00101-20260705")
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 16))
    assert c is not None and not c.stop and any("20260705" in a and "non réglée" in a for a in c.alarms)


# --------------------------------------------------------------------------- review 8, 9: letter wording
def test_business_simple_letter_asks_for_the_total_it_states(dbook: Path) -> None:
    """Review 8: the letter showed « Total réclamé » (principal + penalties + 40 €) but asked for
    the principal alone. It asks for the total it states, and says what it is made of."""
    ctx = dunning_docs.letter_context(open_store(dbook), "lettre", _cases(dbook, "PRO1", dt.date(2026, 7, 15)),
                                      dt.date(2026, 7, 15), {})
    total = ctx["total_reclame"]
    assert total == "1\u202f050,09\xa0€"
    ask = next(p for p in ctx["paragraphes_fin"] if "règlement de" in p)
    assert total in ask and "1\u202f000,00" not in ask.split("règlement de")[1].split("(")[0]
    assert "10,09" in ask and "40,00" in ask


def test_business_formal_notice_names_the_rate_and_how_penalties_run(dbook: Path) -> None:
    """Review 9: the penalties keep running after the date of the notice until full payment, at
    the named rate (BCE + 10 points)."""
    ctx = dunning_docs.letter_context(open_store(dbook), "mise-en-demeure",
                                      _cases(dbook, "PRO1", dt.date(2026, 7, 15)), dt.date(2026, 7, 15), {})
    text = " ".join(ctx["paragraphes_fin"])
    assert "continuent de courir après le 15/07/2026 jusqu'au paiement complet" in text
    assert "12,40\xa0%" in text and "BCE" in text and "10 points" in text


# --------------------------------------------------------------------------- review 10: --au in the past
def test_a_session_in_the_past_sees_invoices_settled_later(dbook: Path) -> None:
    """Review 10: the session on 10/07 must list F2026-00101 even though it was paid on 20/07 (the
    invoice row says « Réglée » today); the balance is rebuilt at as_of from the dated movements."""
    store = open_store(dbook)
    inv = next(r for r in store.rows("tFactures") if r["number"] == "F2026-00101")
    cs = ChangeSet()
    cs.append("tReglements", {"id": "R2026-00970", "date": dt.date(2026, 7, 20), "invoice": "F2026-00101",
                              "client": "PRO1", "amount": D("1000.00"), "mode": "Virement"})
    cs.update("tFactures", inv.row, {"status": "Réglée", "paid": D("1000.00")})
    store.apply(cs, as_of=dt.date(2026, 7, 20))
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 10))
    assert c is not None and c.owed == D("1000.00")
    assert case(dbook, "F2026-00101", dt.date(2026, 7, 21)) is None
    # the fully credited F2026-00106 (credit note of 18/06, due 15/06) was owed on 17/06
    assert case(dbook, "F2026-00106", dt.date(2026, 6, 17)) is not None
    assert case(dbook, "F2026-00106", dt.date(2026, 6, 19)) is None


# --------------------------------------------------------------------------- review 11
@pytest.mark.parametrize("text", ["3x", "3 x", "3 fois le taux légal", "3×"])
def test_contractual_rate_three_times_the_legal_rate(dbook: Path, text: str) -> None:
    data = syc(dbook, "parametres", "modifier", "taux_penalites_contractuel", text, au="2026-06-02")
    assert "3" in json.dumps(data, ensure_ascii=False)
    c = case(dbook, "F2026-00101", dt.date(2026, 7, 15))
    assert c is not None and {s.rate_kind for s in c.interest.spans} == {"3 × taux légal (contractuel)"}
    from pyxl.services import dunning_rates

    tables = dunning_rates.tables(open_store(dbook))
    floors = {tables.penalty(h).floor for h in ("2026-S1", "2026-S2")}  # type: ignore[union-attr]
    assert {s.rate for s in c.interest.spans} == floors


def test_an_unreadable_contractual_rate_warns(dbook: Path) -> None:
    """Typed straight into the sheet, an unreadable rate used to fall back to BCE + 10 silently."""
    store = open_store(dbook)
    row = next(r for r in store.rows("tParametres") if r["code"] == "taux_penalites_contractuel")
    cs = ChangeSet()
    cs.update("tParametres", row.row, {"value": "douze"})
    store.apply(cs, as_of=dt.date(2026, 6, 2))
    ses = dunning.session(open_store(dbook), dt.date(2026, 7, 15))
    assert any("douze" in w and "BCE + 10 points" in w for w in ses.warnings)


def test_three_times_legal_rate_is_printed_in_words() -> None:
    from pyxl.documents import context

    (clause, _) = context._late_payment({"taux_penalites_contractuel": "3x"})
    assert "trois fois le taux d'intérêt légal" in clause and "3x" not in clause


def test_small_claims_note_compares_principal_and_interest_without_the_40(dbook: Path) -> None:
    """Review 11: the simplified procedure's 5 000 € ceiling is principal and interest (R125-1
    CPCE, domain.md §8.3); the 40 € indemnity is not part of it."""
    cs = ChangeSet()
    cs.append("tFactures", invoice("F2026-00130", "PRO1", "4980.00"))
    open_store(dbook).apply(cs, as_of=dt.date(2026, 6, 1))
    day = dt.date(2026, 6, 25)
    cases = [c for c in _cases(dbook, "PRO1", day) if c.number == "F2026-00130"]
    a = dunning_docs.amounts(cases)
    assert a.owed + a.interest <= 5000 < a.total
    ctx = dunning_docs.payment_order_context(open_store(dbook), cases, day)
    assert any("5 000 €" in n and "petites créances" in n for n in ctx["remarques"])


def test_unclaimed_letter_is_not_shown_as_an_acknowledgement(dbook: Path) -> None:
    _through_letter(dbook)
    syc(dbook, "relances", "noter", "F2026-00101", "--poste", "2026-06-24", au="2026-06-25")
    syc(dbook, "relances", "noter", "F2026-00101", "--non-reclame", "2026-07-10", au="2026-07-10")
    ctx = dunning_docs.payment_order_context(open_store(dbook), _cases(dbook, "PRO1", dt.date(2026, 7, 20)),
                                             dt.date(2026, 7, 20))
    step = next(s for s in ctx["relances"] if s["etape"] == "Lettre de relance")
    assert step["ar"] == "pli non réclamé, revenu le 10/07/2026"  # not an acknowledgement date


def test_empty_dispute_reason_is_asked_for(dbook: Path) -> None:
    before = state_of(dbook)
    err = syc(dbook, "relances", "noter", "F2026-00101", "--litige", "", au="2026-06-20", ok=False)
    assert "motif du litige" in err["erreurs"][0]["message"]
    assert state_of(dbook) == before


def test_session_splits_penalties_and_indemnity(dbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relances", *book_option(dbook), "--au", "2026-07-15"]) == 0
    text = capsys.readouterr().out
    assert "Pénalités/intérêts" in text and "Indemnité" in text
    line = next(x for x in text.splitlines() if x.startswith("F2026-00101"))
    assert "10,09" in line and "40,00" in line
