"""Fixes after the review of the documents (issue 5) and the report (issue 7): an issued invoice is
printed the same whenever it is printed and never made twice under another client name; the
withdrawal period starts from the receipt of the goods when equipment is supplied; both VAT
certifications when both reduced rates are present; marketing letters skip objectors by default and
carry the right to object; a draft quote is not a quote made."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from pyxl.documents import context as cx
from pyxl.documents import jobs
from pyxl.workbook.filestore import FileStore

sys.path.insert(0, str(Path(__file__).parent))
from test_documents import HOSTILE, chain, ok  # noqa: F401  (the module's book of documents)
from test_merge import FakeConverter

DAY = dt.date(2026, 6, 25)


@pytest.fixture
def book(chain: dict[str, Any], tmp_path: Path) -> Path:  # noqa: F811
    path = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(chain["book"], path)
    return path


def test_an_invoice_printed_later_shows_what_it_carried_at_issue(chain: dict[str, Any], book: Path) -> None:  # noqa: F811
    # inv2 was credited (partly) on 23/06, after its issue on 22/06: the invoice itself never shows it
    store = FileStore(book)
    ctx = cx.invoice_context(store, chain["inv2"], DAY)
    assert ctx["avoirs"] == "" and ctx["deja_regle"] == ""
    assert ctx["reste_du"] == ctx["totaux"]["ttc"]  # nothing received by its date: the whole TTC is due
    row = store.rows_where("tFactures", "number", {chain["inv2"]})[0]
    assert row["credited"] and row["credited"] > 0  # …although a credit note came later
    # the paid copy, for its part, shows every payment
    paid = cx.invoice_context(store, chain["inv1"], DAY, paid_copy=True)
    assert paid["acquittee"]["reglements"]


def test_an_issued_pdf_is_not_made_again_after_the_client_is_renamed(chain: dict[str, Any], book: Path) -> None:  # noqa: F811
    conv = FakeConverter()
    store = FileStore(book)
    first = jobs.produce(book, [jobs.plan(store, book, "facture", chain["inv2"], DAY)], converter=conv)
    assert len(first.written) == 1
    store.close()
    ok(book, "client", "modifier", "C00002", "--nom", "NOUVEAU NOM", au="2026-06-25")
    store = FileStore(book)
    again = jobs.produce(book, [jobs.plan(store, book, "facture", chain["inv2"], DAY)], converter=conv)
    assert again.written == [] and again.kept == first.written
    assert len(list(first.written[0].parent.glob(f"{chain['inv2']}*.pdf"))) == 1


def test_withdrawal_runs_from_the_receipt_of_the_equipment_supplied(chain: dict[str, Any], book: Path) -> None:  # noqa: F811
    store = FileStore(book)
    ctx = cx.quote_context(store, chain["q1"], DAY)  # heat pump supplied and fitted, signed at home
    assert "réception du matériel fourni" in ctx["retractation"]
    q = ok(book, "devis", "creer", "--client", "C00001", "--nature", "depannage", "--logement-plus-2-ans", "oui",
           "--ligne", "MO-H:2", "--hors-etablissement", au="2026-06-25")["numero"]
    store = FileStore(book)
    ctx = cx.quote_context(store, q, DAY)  # labour only
    assert "signature du présent devis (conclusion du contrat)" in ctx["retractation"]


def test_both_certifications_when_both_reduced_rates_are_present(chain: dict[str, Any], book: Path) -> None:  # noqa: F811
    store = FileStore(book)
    ctx = cx.quote_context(store, chain["q1"], DAY)  # PAC at 5,5 %, radiators at 10 %
    assert "Pour les travaux au taux de 10 %" in ctx["certification"]
    assert "Pour les travaux au taux de 5,5 %" in ctx["certification"]
    assert ctx["certification"].count("Je soussigné(e)") == 2


def test_marketing_letters_skip_objectors_by_default(chain: dict[str, Any], book: Path, tmp_path: Path) -> None:  # noqa: F811
    ok(book, "client", "modifier", "C00001", "--prospection", "non", au="2026-06-25")
    text = tmp_path / "t.txt"
    text.write_text("Offre d'entretien.", encoding="utf-8")
    by_default = ok(book, "publipostage", "--modele", "lettre", "--objet", "Offre", "--texte", str(text),
                    "--simuler", au="2026-06-25")
    info = ok(book, "publipostage", "--modele", "lettre", "--objet", "Rappel", "--texte", str(text),
              "--information", "--simuler", au="2026-06-25")
    assert "C00001" not in by_default["clients"] and "C00001" in by_default["exclus_prospection"]
    assert "C00001" in info["clients"] and info["exclus_prospection"] == []


def test_a_draft_quote_is_not_a_quote_made() -> None:
    import pandas as pd

    from pyxl.reports import figures

    quotes = pd.DataFrame({"number": ["D1", "D2"], "date": [pd.Timestamp(2026, 6, 1)] * 2,
                           "status": ["Envoyé", "Brouillon"], "replaces": ["", ""], "replaced_by": ["", ""]})
    for col in ("client", "client_name", "nature", "refusal_reason"):
        quotes[col] = ""
    quotes["total_ht"] = [10000, 20000]
    quotes["valid_until"] = pd.Timestamp(2026, 7, 1)
    quotes["accepted_on"] = pd.NaT
    quotes["followups"] = 0
    quotes["discount_pct"] = None
    chains = figures.quote_chains(quotes, dt.date(2026, 6, 25))
    assert len(chains) == 1


def test_a_marketing_letter_carries_the_right_to_object(chain: dict[str, Any], book: Path) -> None:  # noqa: F811
    from pypdf import PdfReader
    from test_merge import docx_text

    from pyxl.documents import merge
    from pyxl.documents.render import template_path

    def letters(commercial: bool) -> list[str]:
        filters = merge.parse_filters(codes=["C00003"], commercial=commercial)
        res = merge.run(book, template_path("lettre.docx", book.parent), filters, subject="Offre", paragraphs=["Bonjour."],
                        as_of=DAY, now=dt.datetime(2026, 6, 25, 9, 0), converter=FakeConverter())
        return [docx_text(str(PdfReader(p).metadata["/Subject"])) for p in res.letters]

    assert all("vous opposer, sans frais" in t for t in letters(True))
    assert not any("vous opposer, sans frais" in t for t in letters(False))


def test_the_pdf_is_titled_with_the_document_and_the_firm(chain: dict[str, Any], book: Path, tmp_path: Path) -> None:  # noqa: F811
    import zipfile

    from pyxl.documents import render

    store = FileStore(book)
    planned = jobs.plan(store, book, "facture", chain["inv2"], DAY)
    out = render.render_docx(render.template_path("facture.docx", book.parent), planned.context, tmp_path / "f.docx")
    core = zipfile.ZipFile(out).read("docProps/core.xml").decode("utf-8")
    assert f"<dc:title>Facture {chain['inv2']} — " in core and "<dc:creator>" in core


def test_a_paid_copy_names_the_mode_of_a_settlement_once() -> None:
    from pyxl.documents.context import settlement_reference

    assert settlement_reference("Chèque", "Chèque n° 1187654 (LCL)") == "n° 1187654 (LCL)"
    assert settlement_reference("Virement", "VIR SEPA DUPONT") == "VIR SEPA DUPONT"
    assert settlement_reference("CB", "") == ""
    assert settlement_reference("", "Chèque n° 12") == "Chèque n° 12"
