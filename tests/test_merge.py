"""Mail merge (syc publipostage): each filter, consent for marketing letters, hostile text, the
window-envelope address, the combined PDF, the journal, and refusals that leave the workbook as it was.

Most tests convert with a stand-in converter (a one-page PDF per DOCX, made by pypdf, carrying the
DOCX's text) so they need no LibreOffice; one end-to-end test runs the real one when present."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from pgfixtures import book_option, in_base, open_store, state_of
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from pyxl.cli import main
from pyxl.documents import context as cx
from pyxl.documents import merge
from pyxl.services import docsource as ds

HOSTILE = 'Dupont & Fils <SARL> "l\'Étang"'
FORMULA = "=cmd|' /C calc'!A0"
AS_OF = "2026-03-02"


def run(book: Path, *args: str, au: str = AS_OF) -> tuple[int, dict[str, Any]]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, *book_option(book), "--au", au, "--json"])
    return code, json.loads(buf.getvalue())


def ok(book: Path, *args: str, au: str = AS_OF) -> dict[str, Any]:
    code, data = run(book, *args, au=au)
    assert code == 0, data
    return data


def client(book: Path, name: str, kind: str, cp: str, town: str, *extra: str) -> str:
    return str(ok(book, "client", "ajouter", "--nom", name, "--type", kind, "--adresse", "1 rue de la Paix",
                  "--cp", cp, "--ville", town, *extra)["code"])


@pytest.fixture(scope="module")
def clients_book(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Six clients:
    C00001 hostile name, particulier, Lyon 69001 (sector Rhône), invoiced 2026-01-10 and still owing;
    C00002 professionnel, Vienne 38200 (sector Isère), refuses prospecting;
    C00003 particulier, Villeurbanne 69100 (Rhône), intervention 2024-05-01, invoice paid;
    C00004 particulier, Lyon 69003, inactive;
    C00005 particulier, Grenoble 38000 with a formula-like name, never served;
    C00006 professionnel, Saint-Étienne 42000, invoice of 2025-06-01 paid."""
    from conftest import built_bytes

    book = tmp_path_factory.mktemp("publipostage") / "SYC_Gestion.xlsm"
    book.write_bytes(built_bytes())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYC_SANS_DOCUMENT", "1")
        make_clients(book)
    return book.read_bytes()


@pytest.fixture
def clients(clients_book: bytes, tmp_path: Path, stored: Any) -> Path:
    """A fresh copy of the module's workbook with its six clients (see clients_book), and (a
    second run) a PostgreSQL base holding them."""
    book = tmp_path / "SYC_Gestion.xlsm"
    book.write_bytes(clients_book)
    return stored(book)


def given(book: Path) -> Any:
    """The store merge.run is given: a base's (the command passes it), none for a workbook (it opens the file)."""
    return open_store(book) if in_base(book) else None


def make_clients(book: Path) -> None:
    for key, value in (("raison_sociale", "SYC Chauffage"), ("ville", "Lyon"), ("email", "contact@syc.fr")):
        ok(book, "parametres", "modifier", key, value)
    ok(book, "secteur", "ajouter", "--prefixe", "69", "--nom", "Rhône")
    ok(book, "secteur", "ajouter", "--prefixe", "38", "--nom", "Isère")
    client(book, HOSTILE, "particulier", "69001", "Lyon", "--prenom", "Jean")
    client(book, "Boulangerie Martin", "professionnel", "38200", "Vienne", "--siret", "73282932000074",
           "--prospection", "non")
    client(book, "Durand", "particulier", "69100", "Villeurbanne")
    client(book, "Petit", "particulier", "69003", "Lyon", "--actif", "non")
    client(book, FORMULA, "particulier", "38000", "Grenoble")
    client(book, "Garage Roux", "professionnel", "42000", "Saint-Étienne", "--siret", "55208131766522")
    ok(book, "article", "ajouter", "--code", "MO-H", "--designation", "Main-d'œuvre", "--unite", "h",
       "--pu-ht", "55", "--tva", "20")

    def invoice(code: str, day: str) -> str:
        q = str(ok(book, "devis", "creer", "--client", code, "--ligne", "MO-H:2", "--nature", "depannage",
                   "--logement-plus-2-ans", "oui", au=day)["numero"])
        ok(book, "devis", "accepter", q, au=day)
        o = str(ok(book, "commande", "creer", "--devis", q, "--sans-document", au=day)["numero"])
        ok(book, "commande", "realiser", o, "--date", day, au=day)
        return str(ok(book, "facture", "creer", "--commande", o, "--emettre", "--sans-document", au=day)["numero"])

    paid = invoice("C00003", "2024-05-01")
    ok(book, "reglement", "saisir", "--facture", paid, "--montant", "121", "--mode", "cheque", au="2024-05-02")
    paid = invoice("C00006", "2025-06-01")
    ok(book, "reglement", "saisir", "--facture", paid, "--montant", "121", "--mode", "virement", au="2025-06-02")
    invoice("C00001", "2026-01-10")


def chosen(book: Path, **kw: Any) -> list[str]:
    store = open_store(book)
    try:
        return [str(r.code) for r in merge.select(store, merge.parse_filters(**kw)).chosen]
    finally:
        store.close()


# --------------------------------------------------------------------------- selection
@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["C00001", "C00002", "C00003", "C00005", "C00006"]),  # inactive C00004 left out
    ({"inactive_too": True}, ["C00001", "C00002", "C00003", "C00004", "C00005", "C00006"]),
    ({"kind": "particulier"}, ["C00001", "C00003", "C00005"]),
    ({"kind": "PRO"}, ["C00002", "C00006"]),
    ({"towns": ["lyon"]}, ["C00001"]),
    ({"towns": ["saint etienne", "VILLEURBANNE"]}, ["C00003", "C00006"]),
    ({"postcodes": ["69"]}, ["C00001", "C00003"]),
    ({"postcodes": ["690"]}, ["C00001"]),
    ({"postcodes": ["38", "42"]}, ["C00002", "C00005", "C00006"]),
    ({"sectors": ["isere"]}, ["C00002", "C00005"]),
    ({"balance_due": True}, ["C00001"]),
    ({"no_job_since": dt.date(2025, 1, 1)}, ["C00002", "C00003", "C00005"]),  # last job 2024, or never
    ({"no_job_since": dt.date(2024, 5, 1)}, ["C00002", "C00005"]),  # the boundary day counts as served
    ({"no_job_since": dt.date(2024, 5, 2)}, ["C00002", "C00003", "C00005"]),
    ({"no_invoice_since": dt.date(2026, 1, 1)}, ["C00002", "C00003", "C00005", "C00006"]),
    ({"codes": ["c00004", "C00005"]}, ["C00004", "C00005"]),  # an explicit code, even inactive
    ({"commercial": True}, ["C00001", "C00003", "C00005", "C00006"]),  # C00002 objected
    ({"commercial": True, "kind": "professionnel"}, ["C00006"]),
    ({"postcodes": ["69"], "kind": "particulier", "no_invoice_since": dt.date(2026, 1, 1)}, ["C00003"]),
])
def test_each_filter(clients: Path, filters: dict[str, Any], expected: list[str]) -> None:
    assert chosen(clients, **filters) == expected


def test_consent_skips_are_reported(clients: Path) -> None:
    store = open_store(clients)
    sel = merge.select(store, merge.parse_filters(commercial=True))
    assert [r.code for r in sel.refused_marketing] == ["C00002"]
    sel = merge.select(store, merge.parse_filters())  # not a marketing letter: a consent refusal does not matter
    assert sel.refused_marketing == [] and "C00002" in [r.code for r in sel.chosen]


def test_facts_for_letters(clients: Path) -> None:
    facts = merge.client_facts(open_store(clients))
    assert facts["C00001"].balance == merge.Decimal("121.00")
    assert facts["C00001"].last_job == dt.date(2026, 1, 10) == facts["C00001"].last_invoice
    assert facts["C00003"].balance == 0 and facts["C00003"].last_job == dt.date(2024, 5, 1)
    assert "C00005" not in facts


@pytest.mark.parametrize(("kw", "words"), [
    ({"kind": "artisan"}, ["« artisan »", "--type particulier"]),
    ({"postcodes": ["6 9"]}, []),  # spaces are dropped: accepted
    ({"postcodes": ["lyon"]}, ["« lyon »", "--cp 69"]),
    ({"towns": [" "]}, ["--ville attend une valeur"]),
])
def test_bad_filters_are_refused_in_french(kw: dict[str, Any], words: list[str]) -> None:
    if not words:
        assert merge.parse_filters(**kw).postcodes == ("69",)
        return
    with pytest.raises(merge.Refused) as exc:
        merge.parse_filters(**kw)
    text = " ".join(i.message for i in exc.value.issues)
    for w in words:
        assert w in text


# --------------------------------------------------------------------------- the letters
def test_postal_lines_for_a_window_envelope() -> None:
    lines = merge.postal_lines({"address": "  12  rue de l'Église ", "address2": "Bât. B", "postcode": "01600",
                                "city": "Trévoux", "country": "France"}, "MARTIN Sophie")
    assert lines == ["MARTIN Sophie", "12 rue de l'Église", "Bât. B", "01600 TREVOUX"]
    abroad = merge.postal_lines({"address": "Rue du Lac 1", "postcode": "1201", "city": "Genève",
                                 "country": "Suisse"}, "Roux")
    assert abroad == ["Roux", "Rue du Lac 1", "1201 GENEVE", "SUISSE"]


def test_letter_context_has_the_generic_letter_fields(clients: Path) -> None:
    """The same field names as the generic letter of pyxl.documents.context, so one template serves both."""
    store = open_store(clients)
    row = ds.client(store, "C00001")
    generic = cx.letter_context(store, "C00001", "Objet", ["Un."], dt.date(2026, 3, 2))
    firm = cx.company(store.parameters())
    mine = merge.letter_context(firm, row, merge.client_facts(store)["C00001"], "Objet", ["Un."], dt.date(2026, 3, 2))
    assert set(generic) <= set(mine)
    assert set(generic["client"]) <= set(mine["client"])
    assert mine["lieu_date"] == generic["lieu_date"] == "Lyon, le 2 mars 2026"
    assert mine["client"]["nom"] == HOSTILE + " Jean"
    assert mine["client"]["adresse_lignes"] == [HOSTILE + " Jean", "1 rue de la Paix", "69001 LYON"]
    assert mine["client"]["solde_du"] == "121,00\u00a0€"
    assert mine["client"]["derniere_intervention"] == "10 janvier 2026"


def test_paragraphs_of_text() -> None:
    text = "Premier paragraphe\nsur deux lignes.\r\n\r\n  \nDeuxième & <dernier>.\n"
    assert merge.paragraphs_of(text) == ["Premier paragraphe sur deux lignes.", "Deuxième & <dernier>."]


class FakeConverter:
    """Stands in for LibreOffice: one PDF page per DOCX whose document text is stored in the PDF's
    metadata (pypdf), so tests can tell which letter went where. Counts its calls."""

    name = "test"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def convert(self, docx: Sequence[Path], outdir: Path) -> list[Path]:
        self.calls.append(len(docx))
        out = []
        for d in docx:
            xml = zipfile.ZipFile(d).read("word/document.xml").decode("utf-8")
            writer = PdfWriter()
            writer.add_blank_page(595, 842)
            writer.add_metadata({NameObject("/Subject"): TextStringObject(xml)})
            pdf = outdir / f"{d.stem}.pdf"
            with open(pdf, "wb") as f:
                writer.write(f)
            out.append(pdf)
        return out


def docx_text(pdf_subject: str) -> str:
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", pdf_subject))


def test_merge_run_files_combined_pdf_and_journal(clients: Path, tmp_path: Path) -> None:
    conv = FakeConverter()
    template = merge.template_file("lettre", clients.parent)
    res = merge.run(clients, template, merge.parse_filters(commercial=True), subject="Entretien <annuel> & offre",
                    paragraphs=["Votre chaudière & vous.", FORMULA], as_of=dt.date(2026, 3, 2),
                    now=dt.datetime(2026, 3, 2, 9, 0), converter=conv, store=given(clients))
    assert conv.calls == [4]  # one batched conversion for the whole job
    folder = clients.parent / "Documents" / "2026" / "Publipostage" / "2026-03-02 Entretien annuel & offre"
    assert res.combined == folder.parent / f"{folder.name}.pdf"
    assert [p.name for p in res.letters] == [
        "C00001 - Dupont & Fils SARL l'Étang Jean.pdf", "C00003 - Durand.pdf", "C00005 - =cmd ' C calc'!A0.pdf",
        "C00006 - Garage Roux.pdf"]
    assert all(p.parent == folder and p.is_file() for p in res.letters)
    assert len(PdfReader(res.combined).pages) == 4
    first = docx_text(str(PdfReader(res.letters[0]).metadata["/Subject"]))
    assert HOSTILE + " Jean" in first and "69001 LYON" in first and "Entretien <annuel> & offre" in first
    assert "Votre chaudière & vous." in first and "Lyon, le 2 mars 2026" in first
    assert FORMULA in docx_text(str(PdfReader(res.letters[2]).metadata["/Subject"]))
    assert res.json()["exclus_prospection"] == ["C00002"]
    rows = [dict(r.values) for r in open_store(clients).rows("tEnvois")]
    assert [(r["client"], r["channel"], r["doc_type"], r["result"]) for r in rows] == [
        (c, "Publipostage", "Lettre", "Préparé") for c in ("C00001", "C00003", "C00005", "C00006")]
    assert rows[0]["recipient"] == "1 rue de la Paix, 69001 LYON"
    assert rows[0]["files"] == res.letters[0].name and rows[0]["subject"] == "Entretien <annuel> & offre"
    assert rows[2]["client_name"] == FORMULA

    # the same letter again the same day: a new folder, the first one is kept
    again = merge.run(clients, template, merge.parse_filters(codes=["C00003"]), subject="Entretien <annuel> & offre",
                      paragraphs=[], as_of=dt.date(2026, 3, 2), now=dt.datetime(2026, 3, 2, 9, 5), converter=conv, store=given(clients))
    assert again.letters[0].parent.name == "2026-03-02 Entretien annuel & offre (2)"
    assert all(p.is_file() for p in res.letters)


def test_refusals_leave_the_workbook_byte_identical(clients: Path, tmp_path: Path) -> None:
    before = state_of(clients)
    text = tmp_path / "texte.txt"
    text.write_bytes("caf\xe9".encode("latin-1"))
    for args, words in [
        (["--modele", "lettre", "--cp", "75"], "Aucun client ne correspond"),
        (["--modele", "lettre", "--client", "C00002", "--commercial"], "opposé à la prospection"),
        (["--modele", str(tmp_path / "absent.docx")], "introuvable"),
        (["--modele", str(text)], "introuvable ou qui n'est pas un document Word"),
        (["--modele", "lettre", "--texte", str(text)], "UTF-8"),
        (["--modele", "lettre", "--type", "x"], "--type particulier"),
    ]:
        code, data = run(clients, "publipostage", *args)
        assert code == 1, args
        assert words in data["erreurs"][0]["message"], (args, data)
        assert state_of(clients) == before
    assert not (clients.parent / "Documents").exists()
    code, data = run(clients, "publipostage", "--modele", "lettre", "--inconnue")
    assert code == 2
    assert state_of(clients) == before


def test_simulation_lists_and_writes_nothing(clients: Path) -> None:
    before = state_of(clients)
    data = ok(clients, "publipostage", "--modele", "lettre", "--commercial", "--cp", "38", "--simuler")
    assert data["clients"] == ["C00005"] and data["exclus_prospection"] == ["C00002"] and data["simulation"]
    assert data["fichiers"] == [] and data["combine"] is None
    assert state_of(clients) == before


def test_consent_option_of_the_client(clients: Path) -> None:
    assert ok(clients, "client", "voir", "C00002")["client"]["accepte_prospection"] == "Non"
    assert ok(clients, "client", "voir", "C00001")["client"]["accepte_prospection"] == "Oui"  # default: opt-out
    ok(clients, "client", "modifier", "C00002", "--prospection", "oui")
    assert chosen(clients, commercial=True, kind="professionnel") == ["C00002", "C00006"]
    before = state_of(clients)
    code, data = run(clients, "client", "modifier", "C00002", "--prospection", "peut-être")
    assert code == 1 and "la prospection (courriers commerciaux) : « peut-être »" in data["erreurs"][0]["message"]
    assert state_of(clients) == before


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or pdftotext absent")
def test_cli_end_to_end_with_libreoffice(clients: Path, tmp_path: Path) -> None:
    text = tmp_path / "texte.txt"
    text.write_text("Votre chaudière & <vous>.\n\nÀ bientôt !", encoding="utf-8")
    data = ok(clients, "publipostage", "--modele", "lettre", "--objet", "Offre d'entretien", "--texte", str(text),
              "--cp", "69", "--commercial")
    assert data["clients"] == ["C00001", "C00003"] and len(data["fichiers"]) == 2
    combined = Path(data["combine"])
    out = subprocess.run(["pdftotext", "-layout", str(combined), "-"], capture_output=True, text=True,
                         check=True).stdout
    flat = " ".join(out.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert flat.count("Offre d'entretien") == 2
    assert HOSTILE + " Jean" in flat and "69001 LYON" in flat and "69100 VILLEURBANNE" in flat
    assert "Votre chaudière & <vous>." in flat
    assert flat.index("Dupont & Fils") < flat.index("Durand")  # the letters in client order
    assert len(PdfReader(combined).pages) == 2
    listed = ok(clients, "envois", "liste", "--client", "C00003")["envois"]
    assert [(r["canal"], r["resultat"]) for r in listed] == [("Publipostage", "Préparé")]
