"""Documents: every template filled with hostile text, the legal mentions read back from the PDF
(pdftotext), amounts equal to the core's totals, files that are never overwritten, and the order
of effects (a failed rendering never undoes an issued number).

One demo book per module drives a sales chain through `syc` (documents off while building it);
then ONE LibreOffice call converts every document of the module (module-scoped fixture)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pgfixtures import book_option, in_base, open_store, state_of

from pyxl.cli import main
from pyxl.core.money import euros
from pyxl.documents import context as cx
from pyxl.documents import jobs, names, render
from pyxl.services import invoices
from pyxl.services.quotes import quote_detail
from pyxl.workbook.filestore import FileStore

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice (soffice) et poppler-utils sont nécessaires")

HOSTILE = "Dupont & Fils <SARL> \"l'Étang\" =cmd|' /C calc'!A0 çœ€"
CONTROL = "\x01\x0b\x1f"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(book: Path, *args: str, au: str) -> tuple[int, dict[str, Any]]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, *book_option(book), "--au", au, "--json"])
    return code, json.loads(buf.getvalue())


def ok(book: Path, *args: str, au: str) -> dict[str, Any]:
    code, data = run(book, *args, au=au)
    assert code == 0, data
    return data


def pdf_text(path: Path) -> str:
    """pdftotext's text with every kind of space (incl. U+00A0, U+202F) made one plain space."""
    raw = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    text = raw.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))



@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A demo book with a hostile business client, a consumer quote signed away (PAC at 5,5 %),
    its order, deposit invoice, final invoice, paid copy, a business invoice and a credit note."""
    folder = tmp_path_factory.mktemp("docs")
    book = folder / "SYC_Gestion.xlsm"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(book), "--au", "2026-06-01"]) == 0
    ok(book, "client", "modifier", "C00002", "--nom", HOSTILE, "--adresse", "3 <rue> & \"Cie\"", au="2026-06-01")
    q1 = ok(book, "devis", "creer", "--client", "C00001", "--nature", "installation", "--logement-plus-2-ans", "oui",
            "--ligne", "PAC-8:1", "--ligne", "MO-H:8", "--ligne", "DEP:1", "--ligne", "RAD-ACI:2",
            "--hors-etablissement", "--objet", HOSTILE, "--execution", "sous 3 semaines", au="2026-06-02")["numero"]
    ok(book, "devis", "accepter", q1, "--urgent", au="2026-06-02")
    o1 = ok(book, "commande", "creer", "--devis", q1, au="2026-06-02")["numero"]
    dep = ok(book, "facture", "acompte", "--commande", o1, "--pourcentage", "30", "--emettre", au="2026-06-03")["numero"]
    ok(book, "commande", "realiser", o1, "--date", "20/06/2026", au="2026-06-20")
    inv1 = ok(book, "facture", "creer", "--commande", o1, "--emettre", au="2026-06-21")["numero"]
    ok(book, "reglement", "saisir", "--facture", inv1, "--montant", "7301,51", "--mode", "cheque", au="2026-06-22")
    q2 = ok(book, "devis", "creer", "--client", "C00002", "--nature", "depannage", "--logement-plus-2-ans", "non",
            "--ligne", "MO-H:3", "--ligne", "DEP:1", "--ref-client", HOSTILE, au="2026-06-02")["numero"]
    ok(book, "devis", "accepter", q2, au="2026-06-02")
    o2 = ok(book, "commande", "creer", "--devis", q2, au="2026-06-02")["numero"]
    ok(book, "commande", "realiser", o2, "--date", "03/06/2026", au="2026-06-03")
    inv2 = ok(book, "facture", "creer", "--commande", o2, "--emettre", au="2026-06-22")["numero"]
    cr = ok(book, "avoir", "creer", "--facture", inv2, "--motif", HOSTILE, "--cause", "erreur", "--ligne", "MO-H:1", "--emettre",
            au="2026-06-23")["numero"]
    many = [x for i in range(70) for x in ("--ligne", f"RAD-ACI:{i + 1}")]
    q3 = ok(book, "devis", "creer", "--client", "C00003", "--nature", "installation", "--logement-plus-2-ans", "oui",
            *many, au="2026-06-02")["numero"]
    return {"book": book, "q1": q1, "o1": o1, "dep": dep, "inv1": inv1, "q2": q2, "inv2": inv2, "cr": cr, "q3": q3}


@pytest.fixture(scope="module")
def docs(chain: dict[str, Any]) -> dict[str, Path]:
    """Every document type of the chain, rendered and converted in ONE LibreOffice call."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) est nécessaire")
    book = chain["book"]
    store = FileStore(book)
    day = dt.date(2026, 6, 25)
    wanted = {"devis_conso": ("devis", chain["q1"]), "devis_pro": ("devis", chain["q2"]),
              "commande": ("commande", chain["o1"]), "acompte": ("facture", chain["dep"]),
              "facture_conso": ("facture", chain["inv1"]), "facture_pro": ("facture", chain["inv2"]),
              "avoir": ("avoir", chain["cr"]), "acquittee": ("acquittee", chain["inv1"]),
              "devis_long": ("devis", chain["q3"])}
    planned = {k: jobs.plan(store, book, kind, num, day) for k, (kind, num) in wanted.items()}
    calls: list[int] = []
    real = render.converter()

    class Counting:
        name = "comptage"

        def convert(self, docx: Any, outdir: Path) -> list[Path]:
            calls.append(len(docx))
            return real.convert(docx, outdir)

    before = book.read_bytes()
    done = jobs.produce(book, list(planned.values()), pdf=True, docx=True, converter=Counting())
    assert calls == [len(wanted)], "one converter call for the whole job"
    assert done.warnings == []
    assert book.read_bytes() == before
    return {k: p.folder / f"{p.stem}.pdf" for k, p in planned.items()}


# --------------------------------------------------------------------------- hostile text, no LibreOffice
def _hostile(value: Any) -> Any:
    if isinstance(value, str):
        return HOSTILE + CONTROL if value else value
    if isinstance(value, dict):
        return {k: _hostile(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile(v) for v in value]
    return value


def _docx_paragraphs(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|footer\d*|header\d*)\.xml$", n)]
        out = []
        for n in parts:
            root = etree.fromstring(z.read(n))
            for p in root.iter(f"{W}p"):
                out.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return out


@pytest.mark.parametrize("kind", ["devis", "commande", "facture", "acompte", "avoir", "acquittee", "lettre"])
def test_every_field_of_every_template_prints_hostile_text_exactly(chain: dict[str, Any], tmp_path: Path,
                                                                    kind: str) -> None:
    store = FileStore(chain["book"])
    day = dt.date(2026, 6, 25)
    base = {
        "devis": lambda: cx.quote_context(store, chain["q1"], day),
        "commande": lambda: cx.order_context(store, chain["o1"], day),
        "facture": lambda: cx.invoice_context(store, chain["inv1"], day),
        "acompte": lambda: cx.invoice_context(store, chain["dep"], day),
        "avoir": lambda: cx.invoice_context(store, chain["cr"], day),
        "acquittee": lambda: cx.invoice_context(store, chain["inv1"], day, paid_copy=True),
        "lettre": lambda: cx.letter_context(store, "C00002", "Objet", ["Un paragraphe."], day),
    }[kind]()
    ctx = cx.clean(_hostile(copy.deepcopy(base)))
    out = render.render_docx(render.template_path(cx.KINDS[kind][1]), ctx, tmp_path / "x.docx")
    paras = _docx_paragraphs(out)
    text = "\n".join(paras)
    assert "{{" not in text and "{%" not in text, "a template tag was left unrendered"
    assert HOSTILE in text
    assert CONTROL not in text and "\x01" not in text
    # every string field of the context reached the document: count the hostile copies
    n_fields = len(re.findall(re.escape(HOSTILE), json.dumps(ctx, ensure_ascii=False).replace('\\"', '"')))
    assert text.count(HOSTILE) >= min(n_fields, 12)
    # and nothing was parsed as markup: no <SARL> element appeared
    with zipfile.ZipFile(out) as z:
        assert b"<SARL>" not in z.read("word/document.xml")


def test_clean_drops_control_characters_and_line_breaks() -> None:
    assert cx.clean({"a": ["x\x00y\x1f\nz", 3]}) == {"a": ["xy z", 3]}


# --------------------------------------------------------------------------- file names
@pytest.mark.parametrize(("raw", "expected"), [
    ('F2026-00012 - Dupont & Fils <SARL> "l\'Étang"', "F2026-00012 - Dupont & Fils SARL l'Étang"),
    ("a/b\\c:d*e?f|g", "a b c d e f g"),
    ("CON", "_CON"), ("nul.pdf", "_nul.pdf"), ("com1", "_com1"),
    ("fin... ", "fin"), ("x\x01\x1fy", "x y"), ("", "_"),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert names.safe_name(raw) == expected


def test_document_name_is_cut_to_a_safe_length() -> None:
    name = names.document_name("F2026-00012", "DUPONT " + "x" * 400)
    assert name.startswith("F2026-00012 - DUPONT x") and name.endswith(".pdf")
    assert len(name) <= names.MAX_NAME


def test_documents_folder_never_climbs_out_of_the_workbook_folder(tmp_path: Path) -> None:
    assert names.folder(tmp_path, "../../etc", 2026, "Factures") == tmp_path / "etc" / "2026" / "Factures"
    assert names.folder(tmp_path, "", 2026, "Devis") == tmp_path / "Documents" / "2026" / "Devis"


# --------------------------------------------------------------------------- legal mentions (PDF text)
@needs_soffice
def test_quote_for_a_consumer_signed_away_carries_every_mandatory_mention(docs: dict[str, Path]) -> None:
    t = pdf_text(docs["devis_conso"])
    for words in ("Devis valable jusqu'au", "Devis gratuit.",
                  "Frais de déplacement : Déplacement, 35,00 € HT", "Main-d'œuvre : 8 h à 55,00 € HT",
                  "Date ou délai d'exécution : sous 3 semaines", "Assurance décennale : MAAF",
                  "couverture géographique : France métropolitaine",
                  "qu'ils ont la nature de travaux de rénovation énergétique",  # certification 5,5 %
                  "délai de quatorze jours", "Formulaire de rétractation", "Rayez la mention inutile",
                  "Bon pour accord", "Page 1 sur 3", HOSTILE,
                  # issue 13: payment terms, the guarantees of the nature of the works, the mediator
                  "Conditions de paiement :", "art. L217-3 et suivants du Code de la consommation",
                  "art. 1641 et suivants du Code civil", "médiateur de la consommation", "art. L616-1"):
        assert flat(words) in t, words


@needs_soffice
def test_business_quote_has_no_withdrawal_notice(docs: dict[str, Path]) -> None:
    t = pdf_text(docs["devis_pro"])
    assert "rétractation" not in t
    assert "Bon pour accord" in t and "Assurance décennale" in t
    assert "Page 1 sur 1" in t


@needs_soffice
def test_consumer_invoice_has_no_recovery_indemnity(docs: dict[str, Path]) -> None:
    t = pdf_text(docs["facture_conso"])
    assert "indemnité forfaitaire" not in t.lower()
    assert "BCE" not in t
    for words in ("FACTURE", "Pas d'escompte pour paiement anticipé", "Date d'échéance : 31 juillet 2026",
                  "Assurance décennale", "Acomptes déjà facturés", "IBAN FR76", "Je soussigné(e) DUPONT Jean"):
        assert words in t, words


@needs_soffice
def test_business_invoice_has_late_payment_terms_siren_and_order_reference(docs: dict[str, Path]) -> None:
    t = pdf_text(docs["facture_pro"])
    for words in ("taux de refinancement de la BCE majoré de 10 points", "indemnité forfaitaire pour frais de "
                  "recouvrement de 40 €", "Pas d'escompte pour paiement anticipé", "SIREN du client : 812345676",
                  f"Votre référence de commande : {HOSTILE}", "Date d'échéance : 31 juillet 2026", HOSTILE):
        assert flat(words) in t, words
    assert t.count("Pas d'escompte") == 1
    # issue 13: the clause's rate as a figure, the category of the operation, the SIREN printed once
    for words in ("l'an au 1er semestre 2026 (taux de la BCE de 2,15 % + 10 points), révisé chaque semestre",
                  "Catégorie de l'opération : Prestation de services."):
        assert flat(words) in t, words
    assert t.count("SIREN du client") == 1


@needs_soffice
def test_deposit_invoice_credit_note_order_and_paid_copy(docs: dict[str, Path]) -> None:
    dep = pdf_text(docs["acompte"])
    assert "FACTURE D'ACOMPTE" in dep and "Facture d'acompte de 30 % sur la commande" in dep
    cr = pdf_text(docs["avoir"])
    assert "AVOIR" in cr and "Avoir sur la facture" in cr and f"motif : {HOSTILE}" in cr
    assert "Pas d'escompte" not in cr
    # the VAT table of a credit note has the sign of its totals (issue 13, item 16)
    assert re.search(r"\d %\s+−[\d ,]+ €\s+−[\d ,]+ €\s+−[\d ,]+ €", flat(cr)), cr
    order = pdf_text(docs["commande"])
    assert "BON DE COMMANDE" in order and "Commande passée sur la base du devis" in order
    paid = pdf_text(docs["acquittee"])
    # the paid copy reproduces the invoice, marked as a duplicate, with every settlement (issue 13, item 14)
    assert "Duplicata — facture acquittée" in paid and "Acquittée le 22 juin 2026" in paid
    assert "Règlements et avoirs" in paid and "Règlement du 22 juin 2026 (Chèque" in paid
    assert "Reste à payer : 0,00 €" in paid


@needs_soffice
def test_pdf_amounts_equal_the_core_totals(chain: dict[str, Any], docs: dict[str, Path]) -> None:
    store = FileStore(chain["book"])
    for key, num in (("facture_conso", chain["inv1"]), ("facture_pro", chain["inv2"]), ("acompte", chain["dep"]),
                     ("avoir", chain["cr"])):
        t = pdf_text(docs[key])
        totals = invoices.doc_detail(store, num)["totals"]
        for label, amount in (("Total HT", totals.ht), ("Total TVA", totals.vat), ("Total TTC", totals.ttc)):
            shown = flat(euros(amount))
            assert re.search(re.escape(label) + r"[^0-9−-]*[−-]?" + re.escape(shown), t), (key, label, shown)
        for r in totals.per_rate:
            assert flat(euros(r.base)) in t and flat(euros(r.vat)) in t
    q = quote_detail(store, chain["q1"], dt.date(2026, 6, 25))["totals"]
    t = pdf_text(docs["devis_conso"])
    assert flat(f"Total TTC {euros(q.ttc)}") in t


@needs_soffice
def test_invoices_are_pdfa3b_with_embedded_fonts(docs: dict[str, Path]) -> None:
    for key in ("facture_pro", "avoir"):
        meta = subprocess.run(["pdfinfo", "-meta", str(docs[key])], capture_output=True, text=True).stdout
        assert "<pdfaid:part>3</pdfaid:part>" in meta and "<pdfaid:conformance>B</pdfaid:conformance>" in meta
        assert b"/OutputIntents" in docs[key].read_bytes()
        fonts = subprocess.run(["pdffonts", str(docs[key])], capture_output=True, text=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts


# --------------------------------------------------------------------------- files and order of effects
@pytest.fixture
def own_book(chain: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stored: Any) -> Iterator[Path]:
    """The chain's workbook, and (a second run) a PostgreSQL base holding it: documents on."""
    book = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(chain["book"], book)
    monkeypatch.delenv("SYC_SANS_DOCUMENT", raising=False)
    yield stored(book)


@needs_soffice
def test_document_command_never_touches_the_workbook_and_never_replaces_an_issued_pdf(
        chain: dict[str, Any], own_book: Path) -> None:
    before = state_of(own_book)[:2] if in_base(own_book) else state_of(own_book)  # a base: its rows and anchor
    first = ok(own_book, "document", "facture", chain["inv2"], au="2026-06-25")
    [pdf] = [Path(p) for p in first["documents"]]
    assert pdf.parent == own_book.parent / "Documents" / "2026" / "Factures"
    assert pdf.name == names.safe_name(f"{chain['inv2']} - {HOSTILE}.pdf")
    stamp = pdf.read_bytes()
    again = ok(own_book, "document", "facture", chain["inv2"], au="2026-06-26")
    assert again["documents"] == [] and again["documents_conserves"] == [str(pdf)]
    assert pdf.read_bytes() == stamp
    assert (state_of(own_book)[:2] if in_base(own_book) else state_of(own_book)) == before


def test_document_of_the_wrong_kind_or_a_draft_is_refused(chain: dict[str, Any], own_book: Path) -> None:
    code, data = run(own_book, "document", "avoir", chain["inv2"], au="2026-06-25")
    assert code == 1 and "ce n'est pas un avoir" in data["erreurs"][0]["message"]
    code, data = run(own_book, "document", "acquittee", chain["inv2"], au="2026-06-25")
    assert code == 1 and "pas de copie acquittée" in data["erreurs"][0]["message"]


def test_failed_rendering_keeps_the_issued_number_and_warns(chain: dict[str, Any], own_book: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "find_soffice", lambda: None)
    monkeypatch.setattr(render.sys, "platform", "linux")
    ok(own_book, "devis", "creer", "--client", "C00003", "--nature", "entretien", "--logement-plus-2-ans", "oui",
       "--ligne", "ENT-CHG:1", au="2026-06-25")
    q = open_store(own_book).rows("tDevis")[-1]["number"]
    ok(own_book, "devis", "accepter", q, au="2026-06-25")
    o = ok(own_book, "commande", "creer", "--devis", q, "--sans-document", au="2026-06-25")["numero"]
    ok(own_book, "commande", "realiser", o, "--date", "25/06/2026", au="2026-06-25")
    data = ok(own_book, "facture", "creer", "--commande", o, "--emettre", au="2026-06-25")
    number = data["numero"]
    assert data["documents"] == []
    [warning] = data["avertissements"]
    assert warning["code"] == "document.echec" and f"syc document facture {number}" in warning["message"]
    assert open_store(own_book).rows_where("tFactures", "number", {number})[0]["status"] == "Émise"


@needs_soffice
def test_issuing_produces_the_document_and_sans_document_skips_it(chain: dict[str, Any], own_book: Path) -> None:
    q = ok(own_book, "devis", "creer", "--client", "C00003", "--nature", "entretien", "--logement-plus-2-ans", "oui",
           "--ligne", "ENT-CHG:1", "--execution", "dans le mois", au="2026-06-25")["numero"]
    sent = ok(own_book, "devis", "envoyer", q, au="2026-06-25")
    [pdf] = sent["documents"]
    assert Path(pdf).is_file() and "/Devis/" in pdf
    ok(own_book, "devis", "accepter", q, au="2026-06-25")
    skipped = ok(own_book, "commande", "creer", "--devis", q, "--sans-document", au="2026-06-25")
    assert "documents" not in skipped


@needs_soffice
def test_document_email_writes_a_draft_with_the_pdf_attached(chain: dict[str, Any], own_book: Path) -> None:
    import email

    data = ok(own_book, "document", "facture", chain["inv2"], "--email", au="2026-06-25")
    [sending] = data["envois"]
    draft = Path(sending["brouillon"])
    msg = email.message_from_bytes(draft.read_bytes())
    assert msg["X-Unsent"] == "1"
    [pdf] = [p for p in msg.walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_payload(decode=True) == Path(data["documents"][0]).read_bytes()


def _png(path: Path) -> Path:
    """A 2×2 red PNG written with the standard library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def test_logo_beside_the_workbook_is_printed_and_own_templates_win(chain: dict[str, Any], tmp_path: Path) -> None:
    book = tmp_path / "SYC_Gestion.xlsm"
    shutil.copyfile(chain["book"], book)
    store = FileStore(book)
    p = jobs.plan(store, book, "facture", chain["inv2"], dt.date(2026, 6, 25))
    assert render.logo_path(tmp_path) is None
    _png(tmp_path / "logo.png")
    (tmp_path / "modeles").mkdir()
    shutil.copyfile(render.TEMPLATES / "avoir.docx", tmp_path / "modeles" / "facture.docx")
    done = jobs.produce(book, [p], pdf=False, docx=True)
    [docx] = done.written
    with zipfile.ZipFile(docx) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    assert any(t.startswith("AVOIR") or "Montant de l'avoir" in t for t in _docx_paragraphs(docx))


@needs_soffice
def test_long_quote_repeats_the_table_header_and_numbers_its_pages(docs: dict[str, Path]) -> None:
    pdf = docs["devis_long"]
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                          text=True).stdout).group(1))  # type: ignore[union-attr]
    assert n >= 2
    for page in range(1, n + 1):
        raw = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                             capture_output=True, check=True).stdout.decode()
        text = flat(raw)
        assert f"Page {page} sur {n}" in text
        if "Radiateur acier" in text:
            assert "Désignation" in text and "Total HT" in text, f"page {page} sans en-tête de tableau"
