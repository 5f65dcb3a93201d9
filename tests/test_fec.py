"""The FEC checker on real files (one valid, 21 each breaking one rule, four from other software),
and our FEC writer: its file passes the checker and reads back as the entries it was given."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyxl.core.fec import RULES, Entry, EntryLine, Level, check_fec, fec_name, fec_text, read_fec, write_fec
from pyxl.core.issues import Refused

DATA = Path(__file__).parent / "data" / "fec"
BLOCKING = (Level.ERROR, Level.WARNING)
FY2024 = {"fiscal_start": dt.date(2024, 1, 1), "fiscal_end": dt.date(2024, 12, 31)}

# each file of fec-check/ → the rules it breaks (errors and warnings; information aside)
EXPECTED = {
    "A01-encodage-utf16.txt": {"fec.encodage"},
    "A02-separateur-mixte.txt": {"fec.separateur-mixte"},
    "A03-entete-colonnes-manquantes.txt": {"fec.entete-colonnes"},
    "A04-entete-ordre-faux.txt": {"fec.entete-ordre"},
    "A05-ligne-tronquee.txt": {"fec.nombre-champs"},
    "A06-eol-mixte.txt": {"fec.fins-de-ligne"},
    "A07-champ-obligatoire-vide.txt": {"fec.champ-obligatoire"},
    "B01-ecriture-desequilibree.txt": {"fec.ecriture-desequilibree"},
    # a file out of balance has an entry out of balance: both are said, nothing else
    "B02-total-global-desequilibre.txt": {"fec.total-desequilibre", "fec.ecriture-desequilibree"},
    "B03-format-numerique-invalide.txt": {"fec.montant-decimales"},
    "B04-debit-et-credit-non-nuls.txt": {"fec.debit-credit"},
    "B05-compaux-num-sans-lib.txt": {"fec.compaux-sans-lib"},
    "B06-compaux-sur-compte-non-tiers.txt": {"fec.compaux-non-tiers"},
    "C01-ecriture-date-invalide.txt": {"fec.date"},
    "C02-piece-date-invalide.txt": {"fec.date"},
    "C03-valid-date-invalide.txt": {"fec.date"},
    "C04-date-let-invalide.txt": {"fec.date"},
    "C05-hors-periode-exercice.txt": {"fec.hors-exercice"},
    "C06-validation-anterieure-ecriture.txt": {"fec.validation-avant-ecriture"},
    # its second entry is dated and validated before the first: it also breaks the validation order
    "C07-chronologie-cassee.txt": {"fec.chronologie-journal", "fec.ordre-validation"},
    "C08-ecritures-non-validees.txt": {"fec.non-validee"},
}
# the line (and zone) of each breach, where the file has only one kind
WHERE = {
    "A02-separateur-mixte.txt": [(3, "")],
    "A05-ligne-tronquee.txt": [(3, "")],
    "A06-eol-mixte.txt": [(2, "")],
    "A07-champ-obligatoire-vide.txt": [(3, "JournalCode")],
    "B01-ecriture-desequilibree.txt": [(2, "EcritureNum"), (5, "EcritureNum")],
    "B03-format-numerique-invalide.txt": [(2, "Debit")],
    "B04-debit-et-credit-non-nuls.txt": [(10, "Debit")],
    "B05-compaux-num-sans-lib.txt": [(4, "CompAuxLib")],
    "B06-compaux-sur-compte-non-tiers.txt": [(6, "CompAuxNum")],
    "C01-ecriture-date-invalide.txt": [(2, "EcritureDate"), (3, "EcritureDate")],
    "C02-piece-date-invalide.txt": [(2, "PieceDate"), (3, "PieceDate")],
    "C03-valid-date-invalide.txt": [(2, "ValidDate"), (3, "ValidDate")],
    "C04-date-let-invalide.txt": [(2, "DateLet"), (3, "DateLet")],
    "C05-hors-periode-exercice.txt": [(2, "EcritureDate"), (3, "EcritureDate")],
    "C06-validation-anterieure-ecriture.txt": [(2, "ValidDate"), (3, "ValidDate")],
    "C08-ecritures-non-validees.txt": [(2, "ValidDate"), (3, "ValidDate"), (4, "ValidDate"), (5, "ValidDate")],
}


def test_the_valid_file_is_accepted():
    report = check_fec(DATA / "fec-minimal-conforme.txt", **FY2026)
    assert report.conforming and report.codes(*BLOCKING) == set()
    assert (report.lines, report.entries, report.total_debit, report.total_credit) == (
        8, 3, Decimal("4800.00"), Decimal("4800.00"))
    assert (report.encoding, report.separator, report.line_ending, report.variant) == (
        "UTF-8", "tabulation", "LF", "Debit/Credit")
    assert report.codes() == {"fec.nom-fichier"}  # its name is not SirenFECAAAAMMJJ: said, not held against it


FY2026 = {"fiscal_start": dt.date(2026, 1, 1), "fiscal_end": dt.date(2026, 12, 31)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_file_breaks_exactly_its_rule(name: str):
    kwargs = FY2024 if name.startswith("C05") else {}
    report = check_fec(DATA / name, **kwargs)
    assert report.codes(*BLOCKING) == EXPECTED[name], [(b.line, b.code, b.message) for b in report.breaches]
    if name in WHERE:
        assert [(b.line, b.field) for b in report.breaches if b.level in BLOCKING] == WHERE[name]
    for b in report.breaches:
        assert b.message and b.rule.source and b.level is RULES[b.code].level


def test_a_date_outside_the_fiscal_year_needs_the_fiscal_year():
    assert check_fec(DATA / "C05-hors-periode-exercice.txt").conforming
    # the fiscal year bounds EcritureDate only: a ValidDate after the closing is normal
    late = check_fec(DATA / "C05-hors-periode-exercice.txt", fiscal_start=dt.date(2023, 1, 1),
                     fiscal_end=dt.date(2023, 12, 31))
    assert late.conforming and late.codes(*BLOCKING) == set()


def test_levels_follow_the_sources():
    for rule in RULES.values():
        if rule.level is Level.ERROR:
            assert "A47 A-1" in rule.source or "partie double" in rule.source, rule.code
        elif rule.level is Level.WARNING:
            assert any(s in rule.source for s in ("pratique", "Test Compta Demat", "A47 A-1")), rule.code
    assert RULES["fec.chronologie-journal"].level is Level.WARNING
    assert RULES["fec.compaux-sans-lib"].level is Level.ERROR
    assert RULES["fec.compaux-non-tiers"].level is Level.WARNING


def test_the_docs_list_every_rule():
    text = (Path(__file__).parents[1] / "docs" / "fec.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        row = re.search(rf"^\| `{re.escape(rule.code)}` \|.*$", text, re.MULTILINE)
        assert row is not None, f"docs/fec.md : règle {rule.code} absente du tableau"
        assert f"| {rule.level.value} |" in row.group(0), rule.code


# --------------------------------------------------------------------------- other software's files
def test_third_party_samples():
    # Tryton: a template, two DateLet hold the placeholder {current_date}
    tryton = check_fec(DATA / "tryton-account_fr_FEC.csv")
    assert tryton.codes(*BLOCKING) == {"fec.date"}
    assert [(b.line, b.field) for b in tryton.breaches if b.code == "fec.date"] == [(7, "DateLet"), (9, "DateLet")]
    assert (tryton.line_ending, tryton.entries, tryton.total_debit) == ("CRLF", 4, Decimal("99.00"))

    # a real export: ISO-8859-15, fixed-width zones, trailing |, opening entries in the middle
    real = check_fec(DATA / "111111111FEC20221231.TXT")
    assert (real.encoding, real.separator, real.lines, real.entries) == ("ISO-8859-15", "barre verticale", 934, 248)
    assert real.total_debit == real.total_credit == Decimal("225682.23")
    assert real.codes(*BLOCKING) == {"fec.a-nouveaux", "fec.ecriture-incoherente"}
    assert real.codes(Level.INFO) == {"fec.nom-fichier", "fec.separateur-final", "fec.entete-casse"}
    opening = next(b for b in real.breaches if b.code == "fec.a-nouveaux")
    assert opening.line == 730 and "AN" in opening.message
    # its name says a year closed on 31/12/2022, its entries are dated 2023
    dated = check_fec(DATA / "111111111FEC20221231.TXT", fiscal_start=dt.date(2022, 1, 1),
                      fiscal_end=dt.date(2022, 12, 31))
    assert dated.counts["fec.hors-exercice"] == 934

    pipe = check_fec(DATA / "lsn_sample_pipe_montant_sens.txt")
    assert pipe.variant == "Montant/Sens" and pipe.codes(*BLOCKING) == set()
    assert pipe.total_debit == pipe.total_credit == Decimal("3300.00")
    tab = check_fec(DATA / "lsn_sample_tab.txt")
    assert tab.conforming and tab.codes(*BLOCKING) == set() and tab.entries == 3


# --------------------------------------------------------------------------- more cases
HEADER = "\t".join(("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
                    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
                    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"))


def _line(j: str, num: str, day: str, account: str, debit: str, credit: str, valid: str = "",
          aux: tuple[str, str] = ("", "")) -> str:
    return "\t".join((j, "Journal " + j, num, day, account, "Compte " + account, aux[0], aux[1], "P" + num, day,
                      "Libellé", debit, credit, "", "", valid or day, "", ""))


def _check(tmp_path: Path, lines: list[str], data: bytes | None = None, **kwargs: dt.date):
    path = tmp_path / "732829320FEC20261231.txt"
    path.write_bytes(data if data is not None else ("\n".join([HEADER, *lines]) + "\n").encode())
    return check_fec(path, **kwargs)


def test_numbering_gaps_per_journal_or_across_the_file(tmp_path: Path):
    across = [_line("VE", "1", "20260105", "411000", "10,00", "0,00"), _line("VE", "1", "20260105", "706000", "0,00", "10,00"),
              _line("BQ", "2", "20260106", "512000", "10,00", "0,00"), _line("BQ", "2", "20260106", "411000", "0,00", "10,00"),
              _line("VE", "3", "20260107", "411000", "5,00", "0,00"), _line("VE", "3", "20260107", "706000", "0,00", "5,00")]
    assert _check(tmp_path, across).codes(*BLOCKING) == set()
    gap = across[:4] + [x.replace("\t3\t", "\t5\t") for x in across[4:]]
    report = _check(tmp_path, gap)
    assert report.codes(*BLOCKING) == {"fec.numerotation"}
    assert [b.line for b in report.breaches if b.code == "fec.numerotation"] == [6]


def test_an_entry_split_in_two_places_and_a_number_in_two_journals(tmp_path: Path):
    lines = [_line("VE", "1", "20260105", "411000", "10,00", "0,00"), _line("VE", "2", "20260105", "411000", "4,00", "0,00"),
             _line("VE", "2", "20260105", "706000", "0,00", "4,00"), _line("VE", "1", "20260105", "706000", "0,00", "10,00")]
    report = _check(tmp_path, lines)
    assert report.codes(*BLOCKING) == {"fec.ecriture-dispersee"}  # the entry still balances once whole
    reused = [_line("VE", "1", "20260105", "411000", "10,00", "0,00"), _line("VE", "1", "20260105", "706000", "0,00", "10,00"),
              _line("BQ", "1", "20260106", "512000", "10,00", "0,00"), _line("BQ", "1", "20260106", "411000", "0,00", "10,00")]
    assert _check(tmp_path, reused).codes(*BLOCKING) == {"fec.numero-reutilise"}


def test_bad_amounts_and_accounts(tmp_path: Path):
    lines = [_line("VE", "1", "20260105", "411000", "1.234,00", "0,00"),
             _line("VE", "1", "20260105", "AB6000", "0,00", "1234,00")]
    report = _check(tmp_path, lines)
    # an amount that cannot be read leaves its entry's balance unjudged
    assert report.codes(*BLOCKING) == {"fec.montant-format", "fec.compte-num"}
    signed = [_line("VE", "1", "20260105", "411000", "-10,00", "0,00"), _line("VE", "1", "20260105", "706000", "0,00", "10,00-")]
    assert _check(tmp_path, signed).codes(*BLOCKING) == {"fec.montant-negatif"}


def test_encodings_and_line_ends(tmp_path: Path):
    lines = [_line("VE", "1", "20260105", "411000", "10,00", "0,00").replace("Libellé", "Réparation"),
             _line("VE", "1", "20260105", "706000", "0,00", "10,00")]
    text = "\n".join([HEADER, *lines]) + "\n"
    latin = _check(tmp_path, [], text.encode("iso-8859-15"))
    assert latin.encoding == "ISO-8859-15" and latin.codes(*BLOCKING) == set()
    bom = _check(tmp_path, [], b"\xef\xbb\xbf" + text.encode())
    assert bom.encoding == "UTF-8 avec BOM" and bom.codes(*BLOCKING) == set() and "fec.bom" in bom.codes()
    mixed = _check(tmp_path, [], text.encode() + lines[0].replace("Réparation", "Dépannage").encode("iso-8859-15"))
    assert "fec.encodage" in mixed.codes()
    windows = _check(tmp_path, [], text.replace("Réparation", "Réparation l’été 100 €").encode("cp1252"))
    assert windows.codes(*BLOCKING) == {"fec.encodage"} and windows.breaches[-1].line == 2
    utf16 = _check(tmp_path, [], text.encode("utf-16"))
    assert not utf16.readable and utf16.codes() >= {"fec.encodage"}
    crlf = _check(tmp_path, [], text.replace("\n", "\r\n").encode())
    assert crlf.line_ending == "CRLF" and crlf.codes(*BLOCKING) == set()
    mac = _check(tmp_path, [], text.replace("\n", "\r").encode())
    assert mac.line_ending == "CR" and mac.lines == 2 and mac.codes(*BLOCKING) == set()
    semicolons = _check(tmp_path, [], text.replace("\t", ";").encode())
    assert "fec.separateur" in semicolons.codes()
    assert _check(tmp_path, [], b"").codes() == {"fec.fichier-vide"}


def test_cash_basis_variants(tmp_path: Path):
    header = HEADER + "\tDateRglt\tModeRglt\tNatOp\tIdClient"
    lines = ["\t".join(("", "", "1", "20260105", "", "", "", "", "R1", "20260105", "Honoraires", "100,00", "0,00",
                        "", "", "20260105", "", "", "20260105", "virement", "honoraires", "C1")),
             "\t".join(("", "", "1", "20260105", "", "", "", "", "R1", "20260105", "Honoraires", "0,00", "100,00",
                        "", "", "20260105", "", "", "2026-01-05", "virement", "honoraires", "C1"))]
    path = tmp_path / "f.txt"
    path.write_text("\n".join([header, *lines]), encoding="utf-8")
    report = check_fec(path)
    assert report.variant == "Debit/Credit, BNC" and report.columns == 22
    assert report.codes(*BLOCKING) == {"fec.date", "fec.champ-obligatoire"}  # CompteLib is still mandatory
    assert {b.field for b in report.breaches if b.code == "fec.date"} == {"DateRglt"}


def test_breaches_beyond_the_limit_are_counted(tmp_path: Path):
    lines = [_line("VE", str(n), "20260105", "707000", "1,00", "0,00", aux=("C1", "Client")) for n in range(1, 30)]
    report = check_fec(_write(tmp_path, lines), keep=5)
    assert report.counts["fec.compaux-non-tiers"] == 29
    assert len([b for b in report.breaches if b.code == "fec.compaux-non-tiers"]) == 5


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "x.txt"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the writer
def _entries() -> list[Entry]:
    day = dt.date(2026, 3, 2)
    invoice = Entry(journal="VE", journal_label="Ventes", date=day, ref="F2026-00014", ref_date=day,
                    label="Facture F2026-00014 DUPONT", validated_on=day, lines=(
                        EntryLine("411000", "Clients", debit=Decimal("1100.00"), aux_account="C00001",
                                  aux_label="DUPONT Jean", matching="A", matched_on=dt.date(2026, 3, 20)),
                        EntryLine("704000", "Travaux", credit=Decimal("1000.00")),
                        EntryLine("44574", "TVA collectée | en attente\td'encaissement", credit=Decimal("100.00"))))
    paid = dt.date(2026, 3, 20)
    payment = Entry(journal="BQ", journal_label="Banque", date=paid, ref="R2026-0003", ref_date=paid,
                    label="Règlement F2026-00014 virement", validated_on=paid, lines=(
                        EntryLine("512000", "Banque", debit=Decimal("1100.00")),
                        EntryLine("411000", "Clients", credit=Decimal("1100.00"), aux_account="C00001",
                                  aux_label="DUPONT Jean", matching="A", matched_on=paid),
                        EntryLine("44574", "TVA collectée en attente", debit=Decimal("100.00"),
                                  label="TVA exigible à l'encaissement"),
                        EntryLine("44571", "TVA collectée", credit=Decimal("100.00"),
                                  label="TVA exigible à l'encaissement")))
    return [invoice, payment]


def test_our_fec_passes_our_checker_and_reads_back(tmp_path: Path):
    entries = _entries()
    path, notice = write_fec(tmp_path, "732 829 320", dt.date(2026, 1, 1), dt.date(2026, 12, 31), entries,
                             company="SYC Chauffage")
    assert path.name == "732829320FEC20261231.txt" and notice.name == "732829320FEC20261231-description.txt"
    report = check_fec(path, **FY2026)
    assert report.conforming and report.codes() == set(), report.breaches
    assert (report.line_ending, report.entries, report.lines, report.total_debit) == ("CRLF", 2, 7, Decimal("2300.00"))
    raw = path.read_bytes()
    assert raw.startswith(b"JournalCode\tJournalLib\tEcritureNum") and raw.count(b"\r\n") == 8
    assert b"\t1100,00\t0,00\tA\t20260320\t20260302\t\t\r\n" in raw
    back = read_fec(path)
    # numbered 1, 2 by the writer; a tab or | inside a label is replaced
    assert [e.number for e in back] == ["1", "2"]
    assert back[0].lines[2].account_label == "TVA collectée / en attente d'encaissement"
    fixed = [e.__class__(**{**e.__dict__, "number": str(i), "lines": tuple(
        ln.__class__(**{**ln.__dict__, "account_label": ln.account_label.replace("|", "/").replace("\t", " ")})
        for ln in e.lines)}) for i, e in enumerate(entries, start=1)]
    assert list(back) == fixed
    text = notice.read_text(encoding="utf-8")
    assert "pas le FEC complet" in text and "BQ : Banque" in text and "2300,00 €" in text


def test_the_writer_refuses_what_a_fec_cannot_hold(tmp_path: Path):
    invoice, payment = _entries()
    bad = Entry(**{**invoice.__dict__, "lines": invoice.lines[:2]})  # 1100 against 1000
    with pytest.raises(Refused) as exc:
        write_fec(tmp_path, "732829320", dt.date(2026, 1, 1), dt.date(2026, 12, 31), [payment, bad])
    codes = {i.code for i in exc.value.issues}
    assert codes == {"fec.desequilibre", "fec.ordre"}  # every problem at once
    assert list(tmp_path.iterdir()) == []  # nothing written
    with pytest.raises(Refused) as exc:
        fec_text(_entries(), dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert {i.code for i in exc.value.issues} == {"fec.exercice"}
    with pytest.raises(Refused):
        fec_name("732829321", dt.date(2026, 12, 31))
    three = Entry(**{**invoice.__dict__, "lines": (*invoice.lines[:2], EntryLine("44574", "TVA", Decimal("0.001"),
                                                                                   credit=Decimal("0")))})
    with pytest.raises(Refused) as exc:
        fec_text([three], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert "fec.montant" in {i.code for i in exc.value.issues}


def test_a_generated_year_round_trips(tmp_path: Path):
    entries = []
    for n in range(1, 200):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=n)
        ht = Decimal(n * 37 % 5000 + 10) + Decimal("0.55")
        vat = Decimal(int(ht * 10)) / 100
        entries.append(Entry("VE", "Ventes", day, f"F2026-{n:05d}", day, f"Facture F2026-{n:05d}", day, (
            EntryLine("411000", "Clients", debit=ht + vat, aux_account=f"C{n:05d}", aux_label=f"Client {n}"),
            EntryLine("706000", "Prestations", credit=ht), EntryLine("44571", "TVA", credit=vat))))
    path, _ = write_fec(tmp_path, "732829320", dt.date(2026, 1, 1), dt.date(2026, 12, 31), entries)
    assert check_fec(path, **FY2026).codes() == set()
    back = read_fec(path)
    assert [(e.ref, sum(x.debit for x in e.lines)) for e in back] == [
        (e.ref, sum(x.debit for x in e.lines)) for e in entries]


# --------------------------------------------------------------------------- the command
def _syc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from pyxl.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_command_on_a_valid_and_a_broken_file(capsys, tmp_path: Path):
    code, out, _ = _syc(capsys, "compta", "verifier-fec", str(DATA / "fec-minimal-conforme.txt"))
    assert code == 0 and "Résultat : conforme — 0 erreur, 0 avertissement, 1 information." in out
    code, out, _ = _syc(capsys, "compta", "verifier-fec", str(DATA / "B01-ecriture-desequilibree.txt"))
    assert code == 1 and "ligne 5 — erreur fec.ecriture-desequilibree : Écriture VE VE0001" in out
    assert "Résultat : non conforme — 2 erreurs" in out
    import json
    import shutil

    named = tmp_path / "732829320FEC20241231.txt"  # a proper name: no information about it
    shutil.copy(DATA / "C05-hors-periode-exercice.txt", named)
    code, out, _ = _syc(capsys, "compta", "verifier-fec", str(named), "--exercice-du", "2024-01-01",
                        "--exercice-au", "2024-12-31", "--json")
    answer = json.loads(out)
    assert code == 1 and answer["ok"] is True and answer["conforme"] is False
    assert [(c["ligne"], c["code"], c["niveau"], c["zone"]) for c in answer["constats"]] == [
        (2, "fec.hors-exercice", "erreur", "EcritureDate"), (3, "fec.hors-exercice", "erreur", "EcritureDate")]
    assert answer["nombres"] == {"erreur": 2, "avertissement": 0, "information": 0}
    code, out, _ = _syc(capsys, "compta", "verifier-fec", str(named), "--exercice-du", "2023-01-01",
                        "--exercice-au", "2023-12-31", "--json")
    assert code == 0 and [c["code"] for c in json.loads(out)["constats"]] == ["fec.nom-cloture"]
    assert answer["exercice"] == {"du": "2024-01-01", "au": "2024-12-31"} and answer["total_debit"] == "100.00"


def test_command_shows_twenty_breaches_per_rule_unless_told(capsys, tmp_path: Path):
    lines = [_line("VE", str(n), "20260105", "707000", "1,00", "0,00", aux=("C1", "Client")) for n in range(1, 26)]
    path = _write(tmp_path, lines)
    code, out, _ = _syc(capsys, "compta", "verifier-fec", str(path))
    assert code == 1 and out.count("fec.compaux-non-tiers :") == 20 and "… et 5 autres constats" in out
    _, out, _ = _syc(capsys, "compta", "verifier-fec", str(path), "--tout")
    assert out.count("fec.compaux-non-tiers :") == 25 and "autres constats" not in out


def test_command_refuses_a_missing_file(capsys, tmp_path: Path):
    code, _, err = _syc(capsys, "compta", "verifier-fec", str(tmp_path / "absent.txt"))
    assert code == 1 and "introuvable" in err


def test_a_file_that_is_not_a_fec_is_said_so_once(tmp_path: Path):
    path = tmp_path / "clients.csv"
    path.write_text("code;nom;ville\nC1;DUPONT;Lyon\nC2;MARTIN;Paris\n", encoding="utf-8")
    report = check_fec(path)
    assert not report.conforming and not report.readable
    assert report.counts == {"fec.nom-fichier": 1, "fec.separateur": 1, "fec.entete-colonnes": 1}


# --------------------------------------------------------------------------- robustness
_ZONES = st.one_of(st.sampled_from(["", "VE", "20260105", "2026-01-05", "411000", "1234,50", "0,00", "-1,00", "1.5",
                                    "  ", "A", "D", "C", "é", "|", "\r", "x" * 40]), st.text(max_size=12))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_ZONES, min_size=0, max_size=24), max_size=12),
       sep=st.sampled_from(["\t", "|"]), eol=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "iso-8859-15", "utf-8-sig"]), header=st.booleans())
def test_junk_never_breaks_the_checker(tmp_path: Path, rows: list[list[str]], sep: str, eol: str, encoding: str,
                                       header: bool):
    lines = ([HEADER.replace("\t", sep)] if header else []) + [sep.join(r) for r in rows]
    path = tmp_path / "junk.txt"
    path.write_bytes(eol.join(lines).encode(encoding, "replace"))
    report = check_fec(path)
    assert all(b.code in RULES and b.line >= 0 for b in report.breaches)
    assert sum(report.counts.values()) == len(report.breaches)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400), header=st.booleans())
def test_random_bytes_never_break_the_checker(tmp_path: Path, raw: bytes, header: bool):
    path = tmp_path / "bytes.txt"
    path.write_bytes((HEADER.encode() + b"\n" if header else b"") + raw)
    report = check_fec(path)
    assert all(b.code in RULES for b in report.breaches)


def test_a_trailing_separator_on_the_lines_or_the_header_only(tmp_path: Path):
    lines = [_line("VE", "1", "20260105", "411000", "10,00", "0,00"), _line("VE", "1", "20260105", "706000", "0,00", "10,00")]
    on_lines = _check(tmp_path, [x + "\t" for x in lines])
    assert on_lines.codes(*BLOCKING) == set() and on_lines.counts["fec.separateur-final"] == 1
    path = tmp_path / "h.txt"
    path.write_text("\n".join([HEADER + "\t", *lines]), encoding="utf-8")
    assert check_fec(path).codes(*BLOCKING) == set()
