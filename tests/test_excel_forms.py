"""Issue 17 part A through the harness of `tests/xlharness.py` (not Excel): the « Saisie client » and
« Saisie article » forms, statuses set by actions only (a hand-typed status refused by the next
action and reported by « Vérifier »), confirmations naming the client and the TTC amount, signs of
life in the status bar, and no `syc` command in any Excel message."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import pyxl.macros as macros
from pyxl.excel import registry
from pyxl.excel.forms import client_label, code_of
from pyxl.excel.sheets import ARTICLE_FORM, ARTICLE_SHEET, CLIENT_FORM, CLIENT_SHEET, QUOTE_FORM, QUOTE_SHEET

sys.path.insert(0, str(Path(__file__).parent))
import xlharness as H
from test_excel_macros import DAY, click, fill_quote, find_row, snapshot, syc

from pyxl.excel import runner

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def book(tmp_path, monkeypatch):
    path = tmp_path / "SYC_Gestion.xlsm"
    r = syc(path, "init", "--demo", "--au", DAY.isoformat())
    assert r.returncode == 0, r.stderr
    monkeypatch.setattr(runner, "today", lambda: DAY)
    H.CALLS.clear()
    H.ALERTS.clear()
    H.ANSWERS.clear()
    return H.open_caller(str(path))


def fill(book, sheet: str, form, **values) -> None:
    sh = book.sheets[sheet]
    for key, v in values.items():
        sh.range((form.field(key).row, 3)).value = "'" + v if isinstance(v, str) else v


def cell(book, sheet: str, row: int, header: str):
    ws = book.api[sheet]
    return ws.cell(row, [c.value for c in ws[1]].index(header) + 1).value


def set_cell(book, sheet: str, row: int, header: str, value) -> None:
    ws = book.api[sheet]
    ws.cell(row, [c.value for c in ws[1]].index(header) + 1).value = value


CLIENT = dict(name="Martin", first_name="Lucie", address="12 rue des Lilas", postcode="69003", city="Lyon",
              phone="06 12 34 56 78", email="lucie.martin@example.org")


# --------------------------------------------------------------------------- Saisie client
def test_a_client_from_the_form_gets_its_code_and_sector_and_the_form_is_emptied(book):
    fill(book, CLIENT_SHEET, CLIENT_FORM, **CLIENT)
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert r["ok"], r["message"]
    code = r["data"]["code"]
    row = find_row(book, "Clients", "Code", code)
    assert cell(book, "Clients", row, "Type") == "Particulier"  # the form's default
    assert cell(book, "Clients", row, "Secteur")  # derived from the postcode, as `syc client ajouter` does
    assert cell(book, "Clients", row, "Code postal") == "69003"
    sh = book.api[CLIENT_SHEET]
    assert sh.cell(CLIENT_FORM.field("name").row, 3).value is None
    assert sh.cell(CLIENT_FORM.field("kind").row, 3).value == "Particulier"
    # the same person again: saved, with the duplicate named in a message box
    H.ALERTS.clear()
    fill(book, CLIENT_SHEET, CLIENT_FORM, **CLIENT)
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert r["ok"] and r["alerted"]
    assert code in H.ALERTS[-1][1]


def test_the_form_refuses_what_syc_client_ajouter_refuses_and_writes_nothing(book):
    before = snapshot(book)
    fill(book, CLIENT_SHEET, CLIENT_FORM, **{**CLIENT, "kind": "Professionnel", "siret": "123", "email": "pas-un-mail"})
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert not r["ok"]
    assert "SIRET" in r["message"] and "e-mail" in r["message"].lower() and "Rien n'a été modifié" in r["message"]
    after = snapshot(book)
    assert {k: v for k, v in before.items() if k != CLIENT_SHEET} == {k: v for k, v in after.items()
                                                                      if k != CLIENT_SHEET}


def test_new_client_from_the_quote_form_comes_back_with_the_client_chosen(book):
    r = click("nouveau_client", QUOTE_SHEET, 4)
    assert r["ok"]
    assert book.api.active.title == CLIENT_SHEET
    fill(book, CLIENT_SHEET, CLIENT_FORM, **CLIENT)
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert r["ok"], r["message"]
    code = r["data"]["code"]
    assert book.api.active.title == QUOTE_SHEET
    chosen = book.api[QUOTE_SHEET].cell(QUOTE_FORM.field("client").row, 3).value
    assert chosen == f"MARTIN Lucie ({code})" and code_of(chosen) == code
    assert H.SELECTED["row"] == QUOTE_FORM.field("object").row
    # the quote is saved with that client (the label is read back as its code)
    fill_quote(book, client=chosen)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r["message"]
    assert cell(book, "Devis", find_row(book, "Devis", "Numéro", r["data"]["numero"]), "Client") == code
    # and the new quote is selected on « Devis »: the next action works on it
    assert H.SELECTED["sheet"] == "Devis"
    assert H.SELECTED["row"] == find_row(book, "Devis", "Numéro", r["data"]["numero"])


def test_a_client_is_modified_through_the_form_never_in_the_table(book):
    row = find_row(book, "Clients", "Code", "C00001")
    r = click("modifier_client", "Clients", row)
    assert r["ok"], r["message"]
    sh = book.api[CLIENT_SHEET]
    assert sh.cell(CLIENT_FORM.field("editing").row, 3).value == "C00001"
    assert sh.cell(CLIENT_FORM.field("name").row, 3).value == cell(book, "Clients", row, "Nom / raison sociale")
    fill(book, CLIENT_SHEET, CLIENT_FORM, phone="04 78 00 00 01", postcode="69003")
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert r["ok"], r["message"]
    assert cell(book, "Clients", row, "Téléphone") == "04 78 00 00 01"
    assert cell(book, "Clients", row, "Code") == "C00001"
    assert len([1 for r_ in book.api["Clients"].iter_rows(min_row=2) if r_[0].value]) == \
        len([1 for r_ in book.api["Clients"].iter_rows(min_row=2) if r_[0].value])  # no new row
    assert sh.cell(CLIENT_FORM.field("editing").row, 3).value is None


def test_the_clients_iban_from_the_form_is_checked_stored_compact_and_shown_by_groups_of_four(book):
    """Issue 14: the « IBAN » field of « Saisie client » (harness), checked like `--iban`."""
    row = find_row(book, "Clients", "Code", "C00001")
    assert click("modifier_client", "Clients", row)["ok"]
    before = snapshot(book)
    fill(book, CLIENT_SHEET, CLIENT_FORM, iban="FR76 3000 6000 0112 3456 7890 188")
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert not r["ok"] and "Client C00001" in r["message"] and "IBAN" in r["message"], r
    assert snapshot(book)["Clients"] == before["Clients"]
    fill(book, CLIENT_SHEET, CLIENT_FORM, iban="fr76 3000 6000 0112 3456 7890 189")
    r = click("enregistrer_client", CLIENT_SHEET, 6)
    assert r["ok"], r["message"]
    assert cell(book, "Clients", row, "IBAN") == "FR7630006000011234567890189"
    assert click("modifier_client", "Clients", row)["ok"]
    assert book.api[CLIENT_SHEET].cell(CLIENT_FORM.field("iban").row, 3).value == "FR76 3000 6000 0112 3456 7890 189"


def test_articles_are_created_and_modified_through_their_form(book):
    fill(book, ARTICLE_SHEET, ARTICLE_FORM, code="CHG-30", designation="Chaudière gaz à condensation 30 kW",
         unit_price=3650.0, purchase_price=2400.0, category="Chaudière gaz")
    r = click("enregistrer_article", ARTICLE_SHEET, 5)
    assert r["ok"], r["message"]
    row = find_row(book, "Articles", "Code", "CHG-30")
    assert cell(book, "Articles", row, "Unité") == "u" and cell(book, "Articles", row, "PU HT") == 3650
    r = click("enregistrer_article", ARTICLE_SHEET, 5)  # the form was emptied: refused, named
    assert not r["ok"] and "code" in r["message"].lower()
    assert click("modifier_article", "Articles", row)["ok"]
    fill(book, ARTICLE_SHEET, ARTICLE_FORM, unit_price=3590.0)
    r = click("enregistrer_article", ARTICLE_SHEET, 5)
    assert r["ok"], r["message"]
    assert cell(book, "Articles", row, "PU HT") == 3590
    fill(book, ARTICLE_SHEET, ARTICLE_FORM, editing="CHG-30", code="CHG-31", designation="x", unit="u",
         unit_price=1.0)
    r = click("enregistrer_article", ARTICLE_SHEET, 5)
    assert not r["ok"] and "ne se change pas" in r["message"]


def test_labels_of_the_drop_downs():
    assert client_label({"code": "C00012", "name": "Dupont", "first_name": "Jean"}) == "DUPONT Jean (C00012)"
    assert client_label({"code": "C00002", "name": "SARL Chauffe", "first_name": None}) == "SARL CHAUFFE (C00002)"
    assert code_of("Main-d'œuvre (heure) (MO-H)") == "MO-H"
    assert code_of("C00012") == "C00012"


# --------------------------------------------------------------------------- statuses
def _sent_quote(book) -> int:
    fill_quote(book)
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    return find_row(book, "Devis", "Numéro", r["data"]["numero"])


def test_a_hand_typed_status_is_refused_by_the_next_action_and_reported_by_verifier(book):
    row = _sent_quote(book)
    number = cell(book, "Devis", row, "Numéro")
    # « Accepté » typed over the draft (protection bypassed), no acceptance date
    set_cell(book, "Devis", row, "Statut", "Accepté")
    r = click("passer_commande", "Devis", row)
    assert not r["ok"]
    assert f"Devis {number}" in r["message"] and "sans date d'acceptation" in r["message"]
    assert "Rien n'a été modifié" in r["message"]
    r = click("verifier", "Accueil", 2)
    assert not r["ok"] and "sans date d'acceptation" in r["message"]
    # `syc verifier` on the saved file says the same
    book.save()
    done = syc(Path(book.fullname), "verifier")
    assert done.returncode == 1 and "sans date d'acceptation" in done.stdout + done.stderr
    # « Envoyé » without a sending date: the follow-up refuses it too
    set_cell(book, "Devis", row, "Statut", "Envoyé")
    r = click("relancer_devis", "Devis", row, "rappeler", "")
    assert not r["ok"] and "sans date d'envoi" in r["message"]
    # put back as the action wrote it: the chain goes on
    set_cell(book, "Devis", row, "Statut", "Brouillon")
    assert click("envoyer_devis", "Devis", row, "non")["ok"]
    assert click("accepter_devis", "Devis", row)["ok"]
    r = click("passer_commande", "Devis", row)
    assert r["ok"], r["message"]
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    set_cell(book, "Commandes", orow, "Statut", "Réalisée")  # typed: no date of the works
    r = click("facturer", "Commandes", orow)
    assert not r["ok"] and "sans date de réalisation" in r["message"]


def test_no_status_column_has_a_drop_down_and_the_tables_of_record_are_protected():
    import openpyxl

    from pyxl.excel.builder import COMMITTED_BOOK
    from pyxl.excel.sheets import PROTECTED_TABLES
    from pyxl.workbook.schema import SCHEMA

    wb = openpyxl.load_workbook(COMMITTED_BOOK, keep_vba=True)
    for table in SCHEMA.tables:
        ws = wb[table.sheet]
        if "status" in table.keys:
            headers = [c.value for c in ws[1]]  # the sheet's own order (Factures puts its working columns first)
            col = openpyxl.utils.get_column_letter(headers.index(table.column("status").header) + 1)
            starts = {re.match(r"[A-Z]+", str(ref)).group(0) for dv in ws.data_validations.dataValidation
                      for ref in str(dv.sqref).split()}
            assert col not in starts, table.name
        if table.name in PROTECTED_TABLES:
            assert ws.protection.sheet and ws.protection.autoFilter is False, table.name  # False: filtering allowed
            assert ws.protection.sort is not False, table.name  # sorting locked cells is never offered
            assert not ws.protection.password, table.name
    assert {"tClients", "tArticles", "tDevis", "tCommandes", "tFactures", "tReglements"} <= set(PROTECTED_TABLES)


# --------------------------------------------------------------------------- confirmations
def _draft_invoice(book) -> int:
    row = _sent_quote(book)
    click("envoyer_devis", "Devis", row, "non")
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    click("commande_realisee", "Commandes", orow, "")
    r = click("facturer", "Commandes", orow)
    return find_row(book, "Factures", "Réf. interne", r["data"]["reference"])


def test_each_irreversible_action_confirms_naming_client_document_and_ttc_amount(book, monkeypatch):
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    frow = _draft_invoice(book)
    ref = cell(book, "Factures", frow, "Réf. interne")
    name = cell(book, "Factures", frow, "Nom du client")
    ttc = cell(book, "Factures", frow, "Total TTC")
    shown = f"{ttc:,.2f}".replace(",", "\u202f").replace(".", ",")
    before = snapshot(book)
    H.ANSWERS.append("no")
    H.ALERTS.clear()
    r = click("emettre", "Factures", frow, "non")
    assert not r["ok"] and r["codes"] == ["abandon"]
    question = H.ALERTS[-1][1]
    assert ref in question and name in question and "TTC" in question and "définitif" in question
    assert re.sub(r"\s", "", shown) in re.sub(r"\s", "", question)
    assert snapshot(book) == before  # « Non »: nothing written
    assert "abandonné" in H.STATUS[-1]
    r = click("emettre", "Factures", frow, "non")  # « Oui »
    assert r["ok"], r["message"]
    number = r["data"]["numero"]
    for function, args in (("faire_avoir", ("", "erreur de prix", "erreur", "")),):
        H.ANSWERS.append("no")
        H.ALERTS.clear()
        assert click(function, "Factures", frow, *args)["codes"] == ["abandon"]
        assert number in H.ALERTS[-1][1] and name in H.ALERTS[-1][1] and "TTC" in H.ALERTS[-1][1]
    # every action marked irreversible confirms in Python (the sub does not ask its own question)
    confirmed = {a.function for a in registry.ACTIONS if a.confirm}
    assert {"emettre", "faire_avoir", "annuler_commande", "annuler_reglement", "supprimer_brouillon"} <= confirmed
    source = Path(macros.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in confirmed:
            body = ast.get_source_segment(source, node) or ""
            assert "confirm" in body, node.name
    for a in registry.ACTIONS:
        sub = registry.sub_source(a)
        if a.sheet and not a.form:
            assert f"{'False' if a.confirm else 'True'}) Then Exit Sub" in sub, a.name


def test_an_order_cancelled_from_excel_names_the_client_and_amount(book):
    row = _sent_quote(book)
    click("accepter_devis", "Devis", row)
    r = click("passer_commande", "Devis", row)
    orow = find_row(book, "Commandes", "Numéro", r["data"]["numero"])
    H.ALERTS.clear()
    assert click("annuler_commande", "Commandes", orow, "client parti")["ok"]
    question = next(p for _t, p in H.ALERTS if "Annuler la commande" in p)
    assert r["data"]["numero"] in question and cell(book, "Commandes", orow, "Nom du client") in question
    assert "TTC" in question


# --------------------------------------------------------------------------- signs of life
def test_the_status_bar_says_what_runs_then_what_was_done_and_every_sub_waits(book):
    H.STATUS.clear()
    row = _sent_quote(book)
    assert H.STATUS[0] == "SYC Gestion : « Enregistrer le devis » en cours…"
    assert "Devis" in H.STATUS[-1] and "créé" in H.STATUS[-1]
    H.ALERTS.clear()
    assert click("envoyer_devis", "Devis", row, "non")["ok"]
    assert H.ALERTS == []  # a plain « done »: the status bar, no OK to click
    for a in registry.ACTIONS:
        sub = registry.sub_source(a)
        run_at = sub.index("RunPython")
        assert f"SycBusy {registry._vba_string(a.label)}, True" in sub[:run_at], a.name
        assert f"SycBusy {registry._vba_string(a.label)}, False" in sub[run_at:], a.name


# --------------------------------------------------------------------------- no syc command in Excel
SYC = re.compile(r"\bsyc [a-z]")


def _excel_strings() -> list[tuple[str, str]]:
    """Every string literal of the modules a macro runs in Excel, and the VBA module's."""
    found = []
    for path in [ROOT / "pyxl" / "macros.py", *sorted((ROOT / "pyxl" / "excel").glob("*.py"))]:
        if path.name in ("builder.py", "vba.py", "click.py"):  # build time, not shown in Excel
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        # patterns that remove the services' terminal hints (str.replace, re.compile), not messages
        patterns = {id(n.args[0]) for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args
                    and isinstance(n.func, ast.Attribute) and n.func.attr in ("replace", "compile")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | patterns:
                found.append((path.name, node.value))
    found += [("Macros.bas", line) for line in registry.vba_module(xlwings_version="0").splitlines()
              if not line.lstrip().startswith("'")]
    return found


def test_no_excel_message_names_a_syc_command():
    offending = [(where, text) for where, text in _excel_strings()
                 if SYC.search(text) and "pyxl.macros" not in text and "import " not in text]
    # the terminal hints of the services' answers are removed on the way (runner.excel_message)
    assert offending == []


@pytest.mark.parametrize("text", [
    "Étape suivante : syc commande creer --devis D2026-0001",
    "Devis D2026-0001 accepté.\nÉtape suivante : syc commande creer --devis D2026-0001",
    "Commande BC2026-0001 créée.\nÉtapes suivantes : syc facture acompte --commande BC2026-0001 --pourcentage 30 "
    "(si acompte), puis syc commande realiser BC2026-0001 --date JJ/MM/AAAA",
    "3 lettres dues — syc relances executer les produit.",
])
def test_service_answers_lose_their_terminal_hints_in_excel(text):
    from pyxl.excel.runner import excel_message

    assert not SYC.search(excel_message(text)), excel_message(text)


# --------------------------------------------------------------------------- Diagnostic
@pytest.mark.parametrize(("path", "env", "found"), [
    (r"C:\Users\anne\OneDrive\SYC\SYC_Gestion.xlsm", {"OneDrive": r"C:\Users\anne\OneDrive"}, "OneDrive"),
    (r"C:\Users\anne\OneDrive - SYC Chauffage\SYC_Gestion.xlsm", {}, "OneDrive"),
    ("https://d.docs.live.net/abc123/SYC/SYC_Gestion.xlsm", {}, "OneDrive (classeur ouvert depuis internet)"),
    (r"C:\SYC\SYC_Gestion.xlsm", {"OneDrive": r"C:\Users\anne\OneDrive"}, ""),
    (r"C:\Users\anne\OneDriveBackup\SYC_Gestion.xlsm", {"OneDrive": r"C:\Users\anne\OneDrive"}, ""),
])
def test_the_diagnostic_detects_a_onedrive_synced_folder(path, env, found):
    from pyxl.excel.diagnostics import synced_folder

    assert synced_folder(path, env) == found


def test_the_diagnostic_says_what_to_do_in_a_synced_folder(tmp_path, monkeypatch):
    from pyxl.excel.diagnostics import report

    folder = tmp_path / "OneDrive" / "SYC"
    folder.mkdir(parents=True)
    monkeypatch.setenv("OneDrive", str(tmp_path / "OneDrive"))
    text, ok = report("", "", "", str(folder / "SYC_Gestion.xlsm"))
    assert not ok and "dossier synchronisé (OneDrive)" in text and "dossier local" in text
    text, ok = report("", "", "", str(tmp_path / "SYC_Gestion.xlsm"))
    assert "synchronisé" not in text


# --------------------------------------------------------------------------- the quote form's defaults and options
def test_nature_and_housing_default_from_the_clients_last_quote(book):
    fill_quote(book, nature="Dépannage", housing_old="Non")
    first = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert first["ok"], first["message"]
    fill_quote(book, nature="", housing_old="")
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r["message"]
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    assert cell(book, "Devis", row, "Nature des travaux") == "Dépannage"
    assert cell(book, "Devis", row, "Logement + 2 ans") == "Non"
    assert f"Repris du devis {first['data']['numero']}" in r["message"]


def test_reverse_charge_and_a_forced_rate_with_its_reason_from_the_quote_form(book):
    fill_quote(book, client="C00002", reverse_charge="Oui")
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r["message"]
    row = find_row(book, "Devis", "Numéro", r["data"]["numero"])
    assert cell(book, "Devis", row, "Autoliquidation") == "Oui" and cell(book, "Devis", row, "TVA") == 0
    fill_quote(book, client="C00001", reverse_charge="Oui")  # a private client: refused, named
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert not r["ok"] and "autoliquidation" in r["message"].lower()
    fill_quote(book, reverse_charge="Non", rates="2 : 20 : logement de moins de 2 ans constaté sur place")
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert r["ok"], r["message"]
    row = find_row(book, "Lignes devis", "Devis", r["data"]["numero"])
    rates = [c.value for c in book.api["Lignes devis"][row + 1]]
    assert 20 in rates or 0.2 in rates, rates
    fill_quote(book, rates="deux : vingt")
    r = click("enregistrer_devis", QUOTE_SHEET, 4)
    assert not r["ok"] and "numéro de la ligne" in r["message"]


def test_by_email_for_a_client_without_address_the_action_is_done_and_says_so(book, monkeypatch):
    monkeypatch.setenv("SYC_SANS_DOCUMENT", "1")
    crow = find_row(book, "Clients", "Code", "C00001")
    set_cell(book, "Clients", crow, "E-mail", None)
    row = _sent_quote(book)
    H.ALERTS.clear()
    r = click("envoyer_devis", "Devis", row, "oui")
    assert r["ok"] and not r["email"]["ok"]
    assert cell(book, "Devis", row, "Statut") == "Envoyé"
    assert H.ALERTS == [] and "pas d'e-mail" in H.STATUS[-1]


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is needed for the PDF")
def test_the_order_by_email_in_the_same_click(book, monkeypatch):
    monkeypatch.delenv("SYC_SANS_DOCUMENT", raising=False)
    monkeypatch.setenv("SYC_SANS_OUVRIR", "1")
    row = _sent_quote(book)
    assert click("accepter_devis", "Devis", row)["ok"]
    r = click("passer_commande", "Devis", row, "oui")
    assert r["ok"] and r["email"]["ok"], r
    order = r["data"]["numero"]
    folder = Path(book.fullname).parent / "Documents"
    assert [p for p in folder.rglob("*.eml") if order in p.name]
    assert H.SELECTED["sheet"] == "Commandes"


def test_no_service_message_reaches_excel_with_a_syc_command():
    """Every text a service can answer (its string literals and f-strings, docstrings aside) passes
    through `runner.excel_message` on its way to Excel: no `syc …` is left."""
    from pyxl.excel.runner import excel_message

    files = [*sorted((ROOT / "pyxl" / "services").glob("*.py")), *sorted((ROOT / "pyxl" / "documents").glob("*.py")),
             ROOT / "pyxl" / "core" / "messages.py", ROOT / "pyxl" / "core" / "fields.py"]
    left, seen = [], 0
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                text = node.value
            else:
                continue
            if SYC.search(text):
                seen += 1
                if SYC.search(excel_message(text)):
                    left.append((path.name, text))
    assert seen > 30  # the services do name commands for the terminal
    assert left == []
