"""`syc rapport` on a small book made through the real commands, every figure computed by hand.

The book (demo clients and catalogue, `syc init --demo`), all in 2026, report day R = 30/06/2026
(a Tuesday; its week starts Monday 29/06):
  * C00001 DUPONT (Lyon et Rhône), C00003 MARTIN (Ain) and C00004 « =cmd|' /C calc'!A0 »
    (42000 → Loire) pay « comptant » (due on the issue day); C00002 « Dupont & Fils <SARL>
    "l'Étang" » (Isère) pays at 30 days end of month. MO-H = 55,00 € HT/h at 10 % VAT (dépannage,
    dwelling over two years) → 60,50 € TTC per hour. RAD-ACI = 245,50 € HT, purchase price 132,40 €.
  * H 12/01 MARTIN, dépannage MO-H:10 = 550,00 HT; credit note on 10/02 for MO-H:2 = 110,00 HT
    (121,00 TTC); the rest (605,00 − 121,00 = 484,00) paid on 10/02.
  * I (Dupont & Fils, installation RAD-ACI:4 = 982,00 HT): deposit 30 % on 05/02 = 294,60 HT, paid;
    final invoice 10/03 = 982,00 − 294,60 = 687,40 HT, paid on 11/03.
  * K 02/02 MARTIN MO-H:4 = 220,00 HT, sent, follow-up with 10 % off on 09/02 → K2 = 198,00 HT,
    accepted 12/02. L 03/02 DUPONT MO-H:1 = 55,00 HT refused « Trop cher ». M 25/06 DEP:1 = 35,00 HT
    sent (valid 30 days: pending).
  * Unpaid, comptant, issued on the days that put them exactly 91, 90, 61, 60, 31, 30 and 0 days
    late at R: A 31/03 MO-H:1, B 01/04 MO-H:2, C 30/04 MO-H:3 (C00004); D 01/05 MO-H:4, E 30/05
    MO-H:5, F 31/05 MO-H:6, G 30/06 MO-H:7 (C00001).
  * J 30/06 Dupont & Fils MO-H:8 = 440,00 HT, 484,00 TTC, due 30/06 + 30 days = 30/07 → end of
    July = 31/07.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_sales_chain import DEMO_DAY, Book

from pyxl.cli import main
from pyxl.reports import build_report, data, figures

D = Decimal
R = "2026-06-30"
HOSTILE = "=cmd|' /C calc'!A0"
DUPONT_FILS = 'Dupont & Fils <SARL> "l\'Étang"'


@pytest.fixture(scope="module")
def book_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("rapport") / "SYC_Gestion.xlsm"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(path), "--au", DEMO_DAY]) == 0
    b = Book(path)
    b.ok("client", "modifier", "C00001", "--conditions", "comptant", au="2026-01-05")
    b.ok("client", "modifier", "C00003", "--conditions", "comptant", au="2026-01-05")
    new = b.ok("client", "ajouter", "--nom", HOSTILE, "--type", "particulier", "--adresse", "1 rue de la Paix",
               "--cp", "42000", "--ville", "Saint-Étienne", "--conditions", "comptant", au="2026-01-05")
    assert new["code"] == "C00004"
    _q, _o, h = b.invoice("2026-01-12", "MO-H:10", client="C00003")
    k = b.quote("2026-02-02", "MO-H:4", client="C00003")
    b.ok("devis", "envoyer", k, au="2026-02-02")
    lq = b.quote("2026-02-03", "MO-H:1")
    b.ok("devis", "envoyer", lq, au="2026-02-03")
    b.ok("devis", "refuser", lq, "--motif", "Trop cher", au="2026-02-04")
    _qi, oi = b.order("2026-02-05", "RAD-ACI:4", client="C00002", nature="installation")
    dep = b.ok("facture", "acompte", "--commande", oi, "--pourcentage", "30", "--emettre", au="2026-02-05")
    assert D(dep["total_ht"]) == D("294.60")
    b.pay(dep["numero"], dep["total_ttc"].replace(".", ","), "2026-02-06")
    k2 = b.ok("devis", "relancer", k, "--resultat", "trop cher", "--remise", "10", au="2026-02-09")["devis_revise"]
    b.ok("devis", "envoyer", k2, au="2026-02-09")
    b.ok("avoir", "creer", "--facture", h, "--motif", "2 h comptées en trop", "--cause", "erreur", "--ligne", "MO-H:2", "--emettre",
         au="2026-02-10")
    b.pay(h, "484,00", "2026-02-10")
    b.ok("devis", "accepter", k2, au="2026-02-12")
    b.ok("commande", "realiser", oi, "--date", "2026-03-10", au="2026-03-10")
    final = b.ok("facture", "creer", "--commande", oi, "--emettre", au="2026-03-10")
    assert D(final["total_ht"]) == D("687.40")
    b.pay(final["numero"], final["total_ttc"].replace(".", ","), "2026-03-11")
    for day, hours, client in (("2026-03-31", 1, "C00004"), ("2026-04-01", 2, "C00004"), ("2026-04-30", 3, "C00004"),
                               ("2026-05-01", 4, "C00001"), ("2026-05-30", 5, "C00001"), ("2026-05-31", 6, "C00001")):
        b.invoice(day, f"MO-H:{hours}", client=client)
    m = b.quote("2026-06-25", "DEP:1")
    b.ok("devis", "envoyer", m, au="2026-06-25")
    b.invoice(R, "MO-H:7")
    b.invoice(R, "MO-H:8", client="C00002")
    return path.read_bytes()


@pytest.fixture
def wb(book_bytes: bytes, stores: Any) -> Book:
    """In a workbook file, and (a second run) in a PostgreSQL base."""
    backend = stores(book_bytes)
    return Book(backend.open().path, backend)


def report_json(wb: Book, *extra: str, au: str = R) -> dict[str, Any]:
    return wb.ok("rapport", *extra, au=au)


def table(rep: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(t["lignes"] for t in rep["tableaux"] if t["cle"] == key)


# --------------------------------------------------------------------------- turnover
def test_turnover_by_month_net_of_credit_notes_deposits_counted_once(wb: Book) -> None:
    rep = report_json(wb)
    months = {r["Mois"]: r["CA HT"] for r in table(rep, "ca_mensuel")}
    assert len(months) == 13  # juil. 2025 … juin 2026, then Total
    assert months["juil. 2025"] == "0.00"
    assert months["janv. 2026"] == "550.00"  # H
    assert months["févr. 2026"] == "184.60"  # deposit 294,60 − credit note 110,00 (at its own date)
    assert months["mars 2026"] == "742.40"  # final 982,00 − 294,60 = 687,40 + A 55,00
    assert months["avr. 2026"] == "275.00"  # B 110 + C 165
    assert months["mai 2026"] == "825.00"  # D 220 + E 275 + F 330
    assert months["juin 2026"] == "825.00"  # G 385 + J 440
    # 550 + 982 (deposit + final: once) + 55 × 28 (A…G) + 440 − 110 = 3 402,00
    assert months["Total"] == "3402.00"
    assert rep["chiffres"]["ca_ht"] == "3402.00"
    assert rep["chiffres"]["ca_ht_un_an_avant"] == "0.00"
    assert rep["chiffres"]["evolution_ca_pct"] is None  # nothing a year before: no ratio


def test_turnover_by_nature_and_sector(wb: Book) -> None:
    rep = report_json(wb)
    nature = {r["Nature des travaux"]: (r["CA HT"], r["Part"]) for r in table(rep, "ca_nature")}
    # dépannage: 550 − 110 + 1 540 + 440 = 2 420,00 (2 420/3 402 = 71,134… %) ; installation 982,00 (28,865… %)
    assert nature == {"Installation": ("982.00", "28.87"), "Dépannage": ("2420.00", "71.13"),
                      "Total": ("3402.00", "100.00")}
    sector = [(r["Secteur"], r["CA HT"]) for r in table(rep, "ca_secteur")]
    # Isère (C00002): 982 + 440 ; Lyon (C00001): D…G 220+275+330+385 ; Ain (C00003): 550 − 110 ;
    # Loire (C00004): A+B+C 55+110+165 — largest first
    assert sector == [("Isère", "1422.00"), ("Lyon et Rhône", "1210.00"), ("Ain", "440.00"), ("Loire", "330.00"),
                      ("Total", "3402.00")]
    assert rep["chiffres"]["ca_par_technicien"] is None
    assert "pas encore de données" in rep["remarques"]["ca_technicien"]


def test_period_option_and_comparison_across_years(wb: Book) -> None:
    rep = report_json(wb, "--periode", "2026-02..2026-03")
    assert [r["Mois"] for r in table(rep, "ca_mensuel")] == ["févr. 2026", "mars 2026", "Total"]
    assert rep["chiffres"]["ca_ht"] == "927.00"  # 184,60 + 742,40
    assert rep["periode"] == {"du": "2026-02-01", "au": "2026-03-31"}
    # seen from 2027 (--au), 2026 is « a year before »
    later = report_json(wb, "--periode", "2027-01..2027-06", au="2027-06-30")
    assert later["chiffres"]["ca_ht"] == "0.00"
    assert later["chiffres"]["ca_ht_un_an_avant"] == "3402.00"


# --------------------------------------------------------------------------- quotes
def test_quotes_revised_counted_once(wb: Book) -> None:
    rep = report_json(wb)
    c = rep["chiffres"]
    # chains: H, I, K→K2, L, A…G (7), J, M = 13 ; accepted: all but L (refused) and M (pending) = 11
    assert (c["devis_faits"], c["devis_acceptes"], c["devis_revises"]) == (13, 11, 1)
    assert c["taux_conversion_pct"] == "84.62"  # 11 / 13
    # value of the last versions: 550 + 982 + 198 + 55 + 1 540 + 440 + 35 = 3 800 ; accepted 3 710
    assert c["devis_valeur_ht"] == "3800.00"
    assert c["taux_conversion_valeur_pct"] == "97.63"  # 3 710 / 3 800
    # K: 02/02 → accepted 12/02 = 10 days; the ten others accepted on their day: 10 / 11 = 0,909…
    assert c["delai_moyen_acceptation_jours"] == "0.91"
    states = {r["Devis"]: r["Nombre"] for r in table(rep, "devis")}
    assert states == {"Acceptés": 11, "Refusés": 1, "Expirés": 0, "En cours": 1, "Total": 13}
    assert table(rep, "motifs_refus") == [{"Motif du refus": "Trop cher", "Nombre": 1, "Valeur HT": "55.00"}]
    follow = {r["Devis"]: r for r in table(rep, "remises_relance")}
    revised = follow["Révisés avec une remise de relance"]
    # K 220,00 → K2 198,00: 22,00 granted, accepted
    assert (revised["Nombre"], revised["Acceptés"], revised["Valeur acceptée HT"], revised["Remise accordée HT"]) == (
        1, 1, "198.00", "22.00")
    assert follow["Sans remise de relance"]["Taux de conversion"] == "83.33"  # 10 / 12


# --------------------------------------------------------------------------- receivables
def test_aged_balance_on_boundary_days(wb: Book) -> None:
    rep = report_json(wb)
    aged = {r["Ancienneté"]: (r["Pièces"], r["Montant TTC"]) for r in table(rep, "balance_agee")}
    assert aged == {
        "Non échu": (2, "907.50"),  # G due today (0 day late) 423,50 + J due 31/07 484,00
        "1 à 30 jours de retard": (1, "363.00"),  # F 30 days
        "31 à 60 jours de retard": (2, "544.50"),  # D 60 days 242,00 + E 31 days 302,50
        "61 à 90 jours de retard": (2, "302.50"),  # B 90 days 121,00 + C 61 days 181,50
        "Plus de 90 jours de retard": (1, "60.50"),  # A 91 days
        "Total": (8, "2178.00"),
    }
    # a day later, G is 1 day late and A…F move on; J still not due
    later = {r["Ancienneté"]: r["Montant TTC"] for r in table(report_json(wb, au="2026-07-01"), "balance_agee")}
    assert later["Non échu"] == "484.00"
    assert later["1 à 30 jours de retard"] == "423.50"  # G
    assert later["31 à 60 jours de retard"] == "665.50"  # F 31 + E 32 days
    assert later["61 à 90 jours de retard"] == "423.50"  # D 61 + C 62 days
    assert later["Plus de 90 jours de retard"] == "181.50"  # B 91 + A 92 days


def test_receivables_before_payments_count_what_was_owed_then(wb: Book) -> None:
    # on 05/02 the deposit (paid 06/02) was still owed, due the same day: not late
    rep = report_json(wb, au="2026-02-05")
    aged = {r["Ancienneté"]: r["Montant TTC"] for r in table(rep, "balance_agee")}
    h = D("605.00")  # H, unpaid and uncredited then, 24 days late
    deposit = D(rep["chiffres"]["encours_ttc"]) - h
    assert aged["1 à 30 jours de retard"] == "605.00"
    assert aged["Non échu"] == str(deposit)
    assert deposit > 0


def test_dso_and_late_payers(wb: Book) -> None:
    rep = report_json(wb)
    c = rep["chiffres"]
    assert c["encours_ttc"] == "2178.00"
    assert c["encours_echu_ttc"] == "1270.50"  # A…F
    # TTC issued 02/04 … 30/06: C 181,50 + D 242 + E 302,50 + F 363 + G 423,50 + J 484 = 1 996,50
    assert c["ca_ttc_90_jours"] == "1996.50"
    assert c["dso_jours"] == "98.18"  # 2 178 × 90 / 1 996,50 = 98,181…
    assert "÷" in rep["remarques"]["dso"] and "× 90" in rep["remarques"]["dso"]
    payers = table(rep, "retards")
    assert [(p["Client"], p["Montant échu TTC"], p["Pièces"], p["Plus ancien retard (jours)"]) for p in payers] == [
        ("C00001", "907.50", 3, 60),  # D 242 + E 302,50 + F 363
        ("C00004", "363.00", 3, 91),  # A 60,50 + B 121 + C 181,50
    ]
    assert payers[1]["Nom"] == HOSTILE
    assert c["recouvre_par_niveau_de_relance"] is None
    assert "pas encore de données" in rep["remarques"]["relances"]


def test_cash_in_by_week(wb: Book) -> None:
    rep = report_json(wb)
    weeks = [(r["Échéance"], r["Du"], r["Au"], r["Montant TTC"]) for r in table(rep, "encaissements")]
    assert weeks[0] == ("Déjà échu (en retard)", "", "29/06/2026", "1270.50")
    assert weeks[1] == ("Semaine 1", "30/06/2026", "05/07/2026", "423.50")  # G, due today
    assert weeks[5] == ("Semaine 5", "27/07/2026", "02/08/2026", "484.00")  # J, due 31/07
    assert [w[3] for w in weeks[2:5]] + [w[3] for w in weeks[6:]] == ["0.00"] * 7
    assert rep["chiffres"]["encaissements_8_semaines_ttc"] == "907.50"


# --------------------------------------------------------------------------- basket and margin
def test_basket_and_gross_margin(wb: Book) -> None:
    rep = report_json(wb)
    c = rep["chiffres"]
    # finals: H, I, A…G, J = 10 ; sales 550 + 982 (before its deposit is deducted) + 1 540 + 440 = 3 512
    assert c["factures_finales"] == 10
    assert c["panier_moyen_ht"] == "351.20"  # 3 512 / 10
    # cost: 4 × 132,40 = 529,60 (labour has no purchase price) ; margin 3 512 − 110 − 529,60 = 2 872,40
    assert c["marge_brute_ht"] == "2872.40"
    assert c["taux_marge_pct"] == "84.43"  # 2 872,40 / 3 402
    rows = {r["Nature des travaux"]: r for r in table(rep, "marge")}
    assert (rows["Installation"]["Coût d'achat HT"], rows["Installation"]["Marge brute HT"]) == ("529.60", "452.40")
    assert rows["Dépannage"]["Avoirs HT"] == "110.00"


# --------------------------------------------------------------------------- read-only, files, options
def test_report_leaves_the_workbook_byte_identical_and_writes_its_files(wb: Book, tmp_path: Path) -> None:
    before = wb.snapshot()
    out = tmp_path / "sortie"
    rep = report_json(wb, "--sortie", str(out))
    assert wb.snapshot() == before
    names = sorted(p.name for p in out.iterdir())
    assert names == ["balance-agee.png", "ca-mensuel.png", "ca-nature.png", "ca-secteur.png", "devis.png",
                     "encaissements.png", "rapport-2026-06-30.pdf", "rapport-2026-06-30.xlsx"]
    assert set(rep["fichiers"]) >= {"xlsx", "pdf"}
    pdf = (out / "rapport-2026-06-30.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") == 1
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hostile_names_are_plain_text_in_the_xlsx(wb: Book, tmp_path: Path) -> None:
    report_json(wb, "--sortie", str(tmp_path))
    xlsx = tmp_path / "rapport-2026-06-30.xlsx"
    with zipfile.ZipFile(xlsx) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<f>" not in sheets  # no formula anywhere
    assert "=cmd|' /C calc'!A0" in strings.replace("&apos;", "'")
    import openpyxl

    ws = openpyxl.load_workbook(xlsx)["Tableaux"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert HOSTILE in values
    ws_types = [c.data_type for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert ws_types == ["s"]


def test_hostile_name_of_a_late_payer_printed_as_text(wb: Book, tmp_path: Path) -> None:
    # on 31/08 J (Dupont & Fils) is a month late: its name goes through the table and the xlsx as typed
    rep = report_json(wb, "--sortie", str(tmp_path), au="2026-08-31")
    assert DUPONT_FILS in [r["Nom"] for r in table(rep, "retards")]
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "rapport-2026-08-31.xlsx")["Tableaux"]
    assert DUPONT_FILS in [c.value for row in ws.iter_rows() for c in row]


@pytest.mark.fichier_seul  # the active workbook file given as an archive: file only
def test_archives_span_years(wb: Book, tmp_path: Path, book_bytes: bytes) -> None:
    # the same book given as the archive of 2026 and read from a fresh 2027 book: nothing counted twice
    fresh = tmp_path / "2027" / "SYC_Gestion.xlsm"
    fresh.parent.mkdir()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--demo", "--book", str(fresh), "--au", "2027-01-04"]) == 0
    archive_before = wb.path.read_bytes()
    rep = Book(fresh).ok("rapport", "--archives", str(wb.path), "--periode", "2027-01..2027-06", au="2027-06-30")
    assert rep["chiffres"]["ca_ht_un_an_avant"] == "3402.00"
    assert wb.path.read_bytes() == archive_before
    assert rep["classeurs"] == ["SYC_Gestion.xlsm", "SYC_Gestion.xlsm"]
    # the active book given again as its own archive: documents are kept once
    twice = report_json(wb, "--archives", str(wb.path))
    assert twice["chiffres"]["ca_ht"] == "3402.00"
    assert twice["chiffres"]["devis_faits"] == 13


@pytest.mark.parametrize(("args", "status", "words"), [
    (["--periode", "2026-13"], 2, "n'est pas une période"),
    (["--periode", "juin"], 2, "n'est pas une période"),
    (["--periode", "2026-06..2026-01"], 2, "finit avant de commencer"),
    (["--periode", "2027"], 2, "commence après le 30/06/2026"),
    (["--periode", "2020..2026"], 2, "36 mois au plus"),
    (["--archives", "absent.xlsm"], 1, "Archive « absent.xlsm » introuvable"),
])
def test_bad_options_are_refused_in_french(wb: Book, args: list[str], status: int, words: str) -> None:
    before = wb.snapshot()
    code, payload = wb.run("rapport", *args, au=R)
    assert code == status, payload
    assert words in payload["erreurs"][0]["message"]
    assert wb.snapshot() == before


def test_output_folder_that_is_a_file_is_refused(wb: Book, tmp_path: Path) -> None:
    target = tmp_path / "fichier.txt"
    target.write_text("x")
    code, payload = wb.run("rapport", "--sortie", str(target), au=R)
    assert code == 1
    assert "est un fichier, pas un dossier" in payload["erreurs"][0]["message"]


def test_text_output_is_french(wb: Book) -> None:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["rapport", *wb.backend.option, "--au", R]) == 0
    text = buf.getvalue()
    assert "3\u202f402,00\xa0€" in text
    assert "DSO" in text and "98,2\u202fj" in text
    assert "pas encore de données" in text


# --------------------------------------------------------------------------- pure functions
@pytest.mark.fichier_seul  # reads the workbook file's sheets into frames: file only
def test_build_report_from_frames_matches_the_command(wb: Book) -> None:
    tables = data.read_books(wb.path)
    rep = build_report(tables, dt.date(2026, 6, 30))
    assert rep.figures["ca_ht"] == D("3402.00")
    assert [t.key for t in rep.tables] == ["ca_mensuel", "ca_nature", "ca_secteur", "devis", "motifs_refus",
                                           "remises_relance", "balance_agee", "retards", "recouvre_relances", "encaissements",
                                           "marge"]
    assert all(isinstance(v, Decimal) for v in rep.table("ca_mensuel").frame["CA HT"])


def test_period_parsing() -> None:
    as_of = dt.date(2026, 6, 30)
    assert figures.parse_period("2026", as_of) == figures.Period(dt.date(2026, 1, 1), as_of)
    assert figures.parse_period("2025", as_of) == figures.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert figures.parse_period("2026-02", as_of) == figures.Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert figures.parse_period("2024-11..2025-02", as_of) == figures.Period(dt.date(2024, 11, 1),
                                                                            dt.date(2025, 2, 28))
    assert figures.default_period(as_of) == figures.Period(dt.date(2025, 7, 1), as_of)
    assert figures.default_period(dt.date(2026, 1, 15)) == figures.Period(dt.date(2025, 2, 1), dt.date(2026, 1, 15))


def test_normalize_reads_text_amounts_and_names_a_bad_cell() -> None:
    raw = pd.DataFrame({"id": ["R1", "R2"], "date": [dt.date(2026, 1, 2), 46024.0], "invoice": ["F1", "F1"],
                        "client": ["C1", 12.0], "amount": ["12,50", 0.1 + 0.2]})
    df = data.normalize("tReglements", raw)
    assert list(df["amount"]) == [1250, 30]  # cents, exact
    assert list(df["client"]) == ["C1", "12"]
    assert df["date"][1].date() == dt.date(2026, 1, 2)  # Excel serial 46024
    bad = raw.assign(amount=["douze", 1.0])
    from pyxl.core.issues import Refused

    with pytest.raises(Refused) as exc:
        data.normalize("tReglements", bad, rows=[7, 8])
    assert "Feuille « Règlements », ligne 7, colonne « Montant »" in exc.value.issues[0].message


def test_json_figures_are_strings_with_two_decimals(wb: Book) -> None:
    proc = subprocess.run([sys.executable, "-m", "pyxl.cli", "rapport", *wb.backend.option, "--au", R, "--json"],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    payload = json.loads(proc.stdout)
    assert payload["chiffres"]["ca_ht"] == "3402.00"
    assert payload["chiffres"]["marge_brute_ht"] == "2872.40"


def test_recovered_after_each_reminder_level_by_hand() -> None:
    """F1: level 1 on 10/03, level 2 on 25/03; paid 100,00 € on 20/03 (after level 1) and 250,00 € on
    01/04 (after level 2). F2: level 1 on 15/03, paid 80,00 € on 15/03 (the same day: not after the
    reminder, not counted) and 20,00 € on 16/03 (after level 1). F3: paid before any reminder.
    By hand: level 1 → 100,00 + 20,00 = 120,00 € (F1, F2); level 2 → 250,00 € (F1); total 370,00 €."""
    ts = pd.Timestamp
    reminders = pd.DataFrame({"id": ["R1", "R2", "R3"], "date": [ts(2026, 3, 10), ts(2026, 3, 25), ts(2026, 3, 15)],
                              "invoice": ["F1", "F1", "F2"], "level": [1, 2, 1], "step": ["appel", "lrar", "appel"],
                              "outcome": ["Fait", "Lettre postée", "Fait"]})
    payments = pd.DataFrame({"id": ["P1", "P2", "P3", "P4", "P5"],
                             "date": [ts(2026, 3, 20), ts(2026, 4, 1), ts(2026, 3, 15), ts(2026, 3, 16), ts(2026, 3, 1)],
                             "invoice": ["F1", "F1", "F2", "F2", "F3"], "client": ["C1"] * 5,
                             "amount": [10000, 25000, 8000, 2000, 5000]})
    out = figures.Figures()
    figures.recovered_by_level(reminders, payments, figures.Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
                               dt.date(2026, 6, 30), out)
    t = out.tables[-1].frame
    assert list(t["Montant recouvré TTC"]) == [D("120.00"), D("250.00"), D("370.00")]
    assert list(t["Factures"]) == [2, 1, 2]
    assert out.values["recouvre_par_niveau_de_relance"] == D("370.00")
    empty = figures.Figures()
    figures.recovered_by_level(reminders.iloc[0:0], payments, figures.Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
                               dt.date(2026, 6, 30), empty)
    assert empty.values["recouvre_par_niveau_de_relance"] is None and "pas encore de données" in empty.notes["relances"]


@pytest.mark.fichier_seul
def test_a_store_without_cells_gives_the_same_tables(wb: Book) -> None:
    """The report reads any store through the services (pyxl.services.report_source): the memory
    copy of the book (typed rows, no cells) gives the very tables the file's cells give."""
    from pyxl.workbook.filestore import FileStore
    from pyxl.workbook.memstore import MemoryStore

    store = FileStore(wb.path)
    try:
        by_cells = data.read_store(store)
        by_rows = data.read_store(MemoryStore.copy_of(store))
    finally:
        store.close()
    assert len(by_cells["tFactures"]) > 0 and len(by_cells["tReglements"]) > 0
    for name in data.COLUMNS:
        pd.testing.assert_frame_equal(by_cells[name], by_rows[name])


def test_the_director_reads_the_report_of_a_base_with_her_read_only_login(base: Any, book_bytes: bytes) -> None:
    """`syc rapport --base` reads the base's typed rows (it used to look for a workbook file)."""
    from pgfixtures import READER

    db = base(book_bytes)
    before = db.state()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["rapport", "--base", db.url(READER), "--au", R, "--json"]) == 0
    payload = json.loads(buf.getvalue())
    assert payload["chiffres"]["ca_ht"] == "3402.00" and payload["classeurs"] == ["SYC_Gestion.base"]
    assert db.state() == before
