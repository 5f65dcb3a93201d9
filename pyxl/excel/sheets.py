"""The sheets of the Excel front end, written by the builder with XlsxWriter: « Accueil » (buttons by
step of the procedure), the entry forms « Saisie devis » and « Saisie règlement », and the
`xlwings.conf` sheet. Their layout is declared here once (`QUOTE_FORM`, `PAYMENT_FORM`): the builder
draws it and `pyxl.macros` reads it, so no cell address is written twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyxl.excel.registry import ACTIONS, GROUPS, Action
from pyxl.workbook.ooxml import col_letter
from pyxl.workbook.schema import (
    CATEGORIES,
    CLIENT_CATEGORIES,
    CLIENT_KINDS,
    FAMILIES,
    NATURES,
    PAYMENT_MODES,
    SCHEMA,
    UNITS,
    Schema,
)

HOME = "Accueil"
QUOTE_SHEET = "Saisie devis"
CLIENT_SHEET = "Saisie client"
ARTICLE_SHEET = "Saisie article"
LISTS_SHEET = "Listes"  # hidden: the labels of the drop-downs, « NOM Prénom (C00012) », « Désignation (code) »
LIST_ROWS = 3000  # rows of labels (formulas) on « Listes »: clients and articles beyond are chosen by code
PAYMENT_SHEET = "Saisie règlement"
CONF_SHEET = "xlwings.conf"
DASHBOARD_SHEET = "Tableau de bord"
MERGE_SHEET = "Publipostage"
DASHBOARD_FIRST_ROW = 4  # the report starts here (1-based); rows above: title, button
# the tables of record: protected without password, filtering allowed (Excel never sorts locked cells on
# a protected sheet, so sorting is not offered); their rows change only through the actions and the
# forms (issue 17)
PROTECTED_TABLES = ("tClients", "tArticles", "tDevis", "tLignesDevis", "tCommandes", "tFactures", "tLignesFactures",
                    "tReglements", "tCreances", "tBordereaux", "tNotesPenalites", "tLignesNotes", "tClotures", "tJournalAudit",
                    "tInterventions", "tContrats", "tEcritures")
PROTECTION = {"autofilter": True, "format_columns": True, "select_locked_cells": True,
              "select_unlocked_cells": True}
# no drop-down on a status: statuses are set by the actions only
NO_LIST_COLUMNS = ("status",)




@dataclass(frozen=True)
class Field:
    key: str
    label: str
    row: int  # 1-based row of the form; the value is in column C
    choices: tuple[str, ...] = ()
    help: str = ""
    fmt: str = "input"  # key of the input cell's format (formats_for)


@dataclass(frozen=True)
class Form:
    """An entry form: one field per row, label in B, value in C, help in D."""

    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


@dataclass(frozen=True)
class QuoteForm(Form):
    first_line: int = 19  # first row of the lines block (1-based)
    lines: int = 30  # how many line rows
    # columns of the lines block (1-based): inputs and formulas
    article: int = 2
    designation: int = 3
    unit: int = 4
    qty: int = 5
    price: int = 6
    discount: int = 7
    rate: int = 8
    total: int = 9

    @property
    def last_line(self) -> int:
        return self.first_line + self.lines - 1


QUOTE_FORM = QuoteForm(
    fields=(
        Field("client", "Client", 4, help="choisissez dans la liste (NOM Prénom (code)) ; absent : « Nouveau client »"),
        Field("object", "Objet", 5, help="ex. Remplacement chaudière"),
        Field("site", "Lieu d'intervention", 6, help="si différent de l'adresse du client"),
        Field("nature", "Nature des travaux", 7, NATURES, help="décide du taux de TVA"),
        Field("housing_old", "Logement de plus de 2 ans", 8, ("Oui", "Non"),
              help="habitation achevée depuis plus de 2 ans : TVA réduite possible"),
        Field("away", "Signé hors établissement", 9, ("Oui", "Non"),
              help="chez le client (particulier) : délai de rétractation de 14 jours"),
        Field("discount", "Remise globale %", 10),
        Field("client_ref", "Réf. client", 11),
        Field("validity", "Validité (jours)", 12, help="vide : la durée des Paramètres"),
        Field("execution", "Exécution (date ou délai)", 13, help="ex. semaine 24, sous 3 semaines"),
        Field("reverse_charge", "Autoliquidation de la TVA", 14, ("Oui", "Non"),
              help="sous-traitance pour une entreprise du bâtiment : TVA due par le client (0 %, mention imprimée)"),
        Field("rates", "Taux forcés (ligne : taux : motif)", 15,
              help="ex. 2 : 10 : logement de plus de 2 ans attesté ; plusieurs séparés par « ; »"),
        Field("outside_main_activity", "Hors activité principale", 16, ("Oui", "Non"),
              help="client professionnel : contrat hors de son activité principale (art. L221-3)"),
    ),
    first_line=19,
    lines=30,
)


# Saisie client / Saisie article: a record's form (issue 17). « editing » holds the code of the record
# loaded by « Modifier… » (empty: a new record); « back » the form to return to after saving.
CLIENT_FORM = Form(fields=(
    Field("editing", "Client modifié", 4, help="rempli par « Modifier le client » (feuille Clients) ; vide : nouveau "
                                                "client"),
    Field("kind", "Type", 5, CLIENT_KINDS, help="Particulier ou Professionnel"),
    Field("name", "Nom / raison sociale", 6),
    Field("first_name", "Prénom", 7),
    Field("address", "Adresse", 8),
    Field("address2", "Complément d'adresse", 9),
    Field("postcode", "Code postal", 10, help="le secteur en est déduit"),
    Field("city", "Ville", 11),
    Field("phone", "Téléphone", 12),
    Field("email", "E-mail", 13),
    Field("siret", "SIRET / SIREN", 14, help="obligatoire pour un professionnel"),
    Field("vat_number", "N° TVA intracommunautaire", 15),
    Field("category", "Catégorie (professionnel)", 16, CLIENT_CATEGORIES),
    Field("terms", "Conditions de paiement", 17, help="vide : celles des Paramètres ; ex. 30 jours fin de mois"),
    Field("headcount", "Effectif (salariés)", 18, help="professionnel : 5 salariés au plus, protégé hors "
                                                        "établissement"),
    Field("marketing_mail", "Accepte la prospection", 19, ("Oui", "Non"), help="courriers commerciaux ; vide : Oui"),
    Field("notes", "Remarques", 20),
    Field("back", "Retour après l'enregistrement", 21, help="rempli par « Nouveau client » de la feuille Saisie devis"),
    Field("iban", "IBAN", 22, help="compte du client : reconnaît ses virements sur les relevés ; avec ou sans "
                                   "espaces"),
))
CLIENT_DEFAULTS = {"kind": "Particulier"}

ARTICLE_FORM = Form(fields=(
    Field("editing", "Article modifié", 4, help="rempli par « Modifier l'article » (feuille Articles) ; vide : "
                                                 "nouvel article"),
    Field("code", "Code", 5, help="ex. CHG-30 (lettres, chiffres, tiret)"),
    Field("designation", "Désignation", 6),
    Field("unit", "Unité", 7, UNITS),
    Field("unit_price", "PU HT", 8, fmt="input_eur"),
    Field("vat_rate", "TVA % par défaut", 9, help="le taux du devis suit la nature des travaux"),
    Field("purchase_price", "Prix d'achat HT", 10, fmt="input_eur"),
    Field("family", "Famille", 11, FAMILIES),
    Field("category", "Catégorie d'équipement", 12, CATEGORIES),
    Field("active", "Actif", 13, ("Oui", "Non"), help="vide : Oui"),
))
ARTICLE_DEFAULTS = {"unit": "u", "vat_rate": "20", "family": "Matériel"}


PAYMENT_FORM = Form(fields=(
    Field("invoice", "Pièce(s) réglée(s)", 4,
          help="F2026-00012, ou plusieurs séparées par « ; » dans l'ordre voulu par le client ; vide : les pièces "
               "cochées plus bas, sinon l'ordre légal"),
    Field("date", "Date du règlement", 5, help="vide : aujourd'hui", fmt="input_date"),
    Field("amount", "Montant reçu", 6, help="ex. 1 234,56 ; vide : « Pièces dues du client » le remplit",
          fmt="input_eur"),
    Field("mode", "Mode", 7, tuple(m for m in PAYMENT_MODES if m != "Compensation")),
    Field("reference", "Référence", 8, help="n° de chèque, libellé du virement…"),
    Field("client", "Client (code)", 9, help="vide : le client de la pièce"),
    Field("bank", "Banque du chèque", 10, help="pour le bordereau de remise"),
    Field("drawer", "Tireur du chèque", 11, help="s'il n'est pas le client"),
))


@dataclass(frozen=True)
class PaymentList:
    """The client's documents still owing, under the form: a tick column and what each owes."""

    header: int = 16  # 1-based row of the headers
    rows: int = 30
    tick: int = 2  # columns (1-based): B « Régler (x) », C document, D date, E due date, F owed, G after
    number: int = 3
    after: int = 7
    headers: tuple[str, ...] = ("Régler (x)", "Pièce", "Date", "Échéance", "Reste dû", "Après le règlement")

    @property
    def first(self) -> int:
        return self.header + 1

    @property
    def last(self) -> int:
        return self.first + self.rows - 1

    @property
    def credit_row(self) -> int:
        return self.last + 2


PAYMENT_LIST = PaymentList()


def _draw_fields(ws: Any, form: Form, formats: dict[str, Any]) -> None:
    """Label, input cell (unlocked, its format), help text and drop-down of each field of a form."""
    for fld in form.fields:
        r = fld.row - 1
        ws.write(r, 1, fld.label, formats["label"])
        ws.write_blank(r, 2, None, formats[fld.fmt])
        if fld.help:
            ws.write(r, 3, fld.help, formats["note"])
        if fld.choices:
            ws.data_validation(r, 2, r, 2, {"validate": "list", "source": list(fld.choices)})


def _column_of(schema: Schema, table: str, key: str) -> str:
    t = schema.table(table)
    return col_letter(t.keys.index(key) + 1)


def _lookup(schema: Schema, table: str, key_col: str, value_col: str, cell: str) -> str:
    """INDEX/MATCH on whole columns of a table's sheet (independent of the table's size)."""
    sheet = schema.table(table).sheet.replace("'", "''")
    k = _column_of(schema, table, key_col)
    v = _column_of(schema, table, value_col)
    return f"INDEX('{sheet}'!${v}:${v},MATCH({cell},'{sheet}'!${k}:${k},0))"


LIST_COLUMNS = {"tClients": "A", "tArticles": "B"}  # column of « Listes » holding each table's labels


def list_label(table: str, values: Mapping[str, Any]) -> str:
    """The label of a row on « Listes », as its formula there computes it (add_lists_sheet):
    « NOM Prénom (C00012) » for a client, « Désignation (code) » for an article; '' without a code."""
    code = str(values.get("code") or "")
    if not code:
        return ""
    if table == "tClients":
        first = str(values.get("first_name") or "")
        return f"{str(values.get('name') or '').upper()}{' ' + first if first else ''} ({code})"
    return f"{values.get('designation') or ''} ({code})"


def _pick(schema: Schema, table: str, value_col: str, cell: str) -> str:
    """A column of the client or article chosen in `cell`, whether it holds the code (typed) or the
    label of the drop-down (« NOM Prénom (C00012) »: the same row on « Listes » as on the table)."""
    sheet = schema.table(table).sheet.replace("'", "''")
    v = _column_of(schema, table, value_col)
    lst = LIST_COLUMNS[table]
    return (f"IFERROR({_lookup(schema, table, 'code', value_col, cell)},"
            f"INDEX('{sheet}'!${v}:${v},MATCH({cell},'{LISTS_SHEET}'!${lst}:${lst},0)))")


def list_source(schema: Schema, table: str) -> str:
    """The drop-down of a client or an article: the labels on « Listes », as many as the table has rows."""
    sheet = schema.table(table).sheet.replace("'", "''")
    code = _column_of(schema, table, "code")
    lst = LIST_COLUMNS[table]
    return f"=OFFSET('{LISTS_SHEET}'!${lst}$2,0,0,MAX(1,COUNTA('{sheet}'!${code}:${code})-1),1)"


def add_lists_sheet(wb: Any, schema: Schema = SCHEMA) -> Any:
    """« Listes » (hidden): the labels of the drop-downs, computed by Excel from the tables (the file
    store writes none of these cells)."""
    ws = wb.add_worksheet(LISTS_SHEET)
    c = {k: _column_of(schema, "tClients", k) for k in ("code", "name", "first_name")}
    a = {k: _column_of(schema, "tArticles", k) for k in ("code", "designation")}
    cs = schema.table("tClients").sheet.replace("'", "''")
    as_ = schema.table("tArticles").sheet.replace("'", "''")
    ws.write_string(0, 0, "Clients (libellé des listes)")
    ws.write_string(0, 1, "Articles (libellé des listes)")
    for r in range(2, LIST_ROWS + 2):
        ws.write_formula(r - 1, 0, f"=IF('{cs}'!${c['code']}{r}=\"\",\"\",UPPER('{cs}'!${c['name']}{r})&IF('{cs}'!"
                                   f"${c['first_name']}{r}=\"\",\"\",\" \"&'{cs}'!${c['first_name']}{r})&\" (\"&"
                                   f"'{cs}'!${c['code']}{r}&\")\")", None, "")
        ws.write_formula(r - 1, 1, f"=IF('{as_}'!${a['code']}{r}=\"\",\"\",'{as_}'!${a['designation']}{r}&\" (\"&"
                                   f"'{as_}'!${a['code']}{r}&\")\")", None, "")
    ws.set_column(0, 1, 40)
    ws.hide()
    return ws


# --------------------------------------------------------------------------- Accueil
def add_home(wb: Any, formats: dict[str, Any], actions: tuple[Action, ...] = ACTIONS) -> Any:
    ws = wb.add_worksheet(HOME)
    ws.set_tab_color("#1F4E78")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 43)
    ws.set_column(2, 2, 2)
    ws.set_column(3, 3, 80)
    ws.write(0, 1, "SYC Gestion", formats["title"])
    ws.set_row(1, 46)
    ws.merge_range(1, 1, 1, 3, "Du devis au règlement : un bouton par étape. Un bouton de ligne (envoyer, "
                               "accepter, émettre…) montre la feuille indiquée et demande confirmation pour sa ligne "
                               "sélectionnée ; dans l'onglet SYC Gestion du ruban, il agit sur la ligne où vous êtes.",
                   formats["note_wrap"])
    row = 3
    for key, label in GROUPS:
        members = [a for a in actions if a.group == key and a.on_home]
        if not members:
            continue
        ws.write(row, 1, label, formats["section"])
        row += 1
        for a in members:
            ws.set_row(row, 30)
            ws.insert_button(row, 1, {"macro": a.name, "caption": a.label, "width": 290, "height": 34,
                                      "x_offset": 2, "y_offset": 3})
            where = f"Feuille « {a.sheet} » : " if a.sheet and a.sheet not in (QUOTE_SHEET, PAYMENT_SHEET) else ""
            ws.write(row, 3, where + a.help, formats["wrap"])
            row += 1
        ribbon_only = [a for a in actions if a.group == key and not a.on_home and not a.form]
        if ribbon_only:
            ws.write(row, 3, "Dans l'onglet SYC Gestion du ruban, sur la ligne où vous êtes : "
                             + ", ".join(f"« {a.label} »" for a in ribbon_only) + ".", formats["note"])
            row += 1
        row += 1
    ws.write(row, 1, "L'onglet « SYC Gestion » du ruban offre les mêmes boutons, sur toutes les feuilles.",
             formats["note"])
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()
    return ws


def _form_buttons(ws: Any, sheet: str, row: int, col: int, actions: tuple[Action, ...]) -> None:
    for i, a in enumerate(a for a in actions if a.sheet == sheet):
        ws.insert_button(row, col + 2 * i, {"macro": a.name, "caption": a.label, "width": 240, "height": 38})


# --------------------------------------------------------------------------- Saisie devis
def add_quote_form(wb: Any, formats: dict[str, Any], schema: Schema = SCHEMA,
                   actions: tuple[Action, ...] = ACTIONS) -> Any:
    f = QUOTE_FORM
    ws = wb.add_worksheet(QUOTE_SHEET)
    ws.set_tab_color("#548235")
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3, 8)
    ws.set_column(4, 5, 11)
    ws.set_column(6, 7, 10)
    ws.set_column(8, 8, 14)
    ws.set_column(9, 9, 4)
    ws.set_column(10, 10, 48)
    ws.write(0, 1, "Saisie d'un devis", formats["title"])
    ws.set_row(1, 32)
    ws.merge_range(1, 1, 1, 6, "Remplissez les cases blanches, puis « Enregistrer le devis ». Le devis est créé en "
                               "brouillon (feuille Devis) et ce formulaire est vidé.", formats["note_wrap"])
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    _form_buttons(ws, QUOTE_SHEET, 3, 10, actions)
    for act in actions:  # a client not yet in the file: its form, then back here with the client chosen
        if act.function == "nouveau_client":
            ws.insert_button(5, 10, {"macro": act.name, "caption": act.label, "width": 240, "height": 30})
    _draw_fields(ws, f, formats)
    for fld in f.fields:
        r = fld.row - 1
        if fld.key == "client":
            ws.data_validation(r, 2, r, 2, {
                "validate": "list", "source": list_source(schema, "tClients"),
                "error_type": "warning", "error_title": "Client",
                "error_message": "Ce client n'est pas dans la feuille Clients."})
            name = _pick(schema, "tClients", "name", f"$C${fld.row}")
            city = _pick(schema, "tClients", "city", f"$C${fld.row}")
            ws.write_formula(r, 3, f'=IF($C${fld.row}="","",IFERROR({name}&" — "&{city},"code inconnu"))',
                             formats["note"], "")
    h = f.first_line - 2  # header row (0-based)
    ws.write(h - 1, 1, "Lignes du devis", formats["section"])
    headers = {f.article: "Article", f.designation: "Désignation", f.unit: "Unité", f.qty: "Quantité",
               f.price: "PU HT", f.discount: "Remise %", f.rate: "TVA % (article)", f.total: "Total HT"}
    for c, text in headers.items():
        ws.write(h, c - 1, text, formats["header"])
    for r in range(f.first_line, f.last_line + 1):
        i = r - 1
        a = f"$B{r}"
        ws.write_blank(i, f.article - 1, None, formats["input"])
        ws.write_formula(i, f.designation - 1, f'=IF({a}="","",IFERROR({_pick(schema, "tArticles", "designation", a)},"article inconnu"))', formats["cell"], "")
        ws.write_formula(i, f.unit - 1, f'=IF({a}="","",IFERROR({_pick(schema, "tArticles", "unit", a)},""))', formats["cell"], "")
        ws.write_blank(i, f.qty - 1, None, formats["input_num"])
        ws.write_formula(i, f.price - 1, f'=IF({a}="","",IFERROR({_pick(schema, "tArticles", "unit_price", a)},""))', formats["input_eur"], "")
        ws.write_blank(i, f.discount - 1, None, formats["input_num"])
        ws.write_formula(i, f.rate - 1, f'=IF({a}="","",IFERROR({_pick(schema, "tArticles", "vat_rate", a)},""))', formats["cell_num"], "")
        ws.write_formula(i, f.total - 1, f'=IF(OR({a}="",$E{r}="",$F{r}=""),"",ROUND($E{r}*$F{r}*(1-N($G{r})/100),2))', formats["eur"], "")
    ws.data_validation(f.first_line - 1, f.article - 1, f.last_line - 1, f.article - 1, {
        "validate": "list", "source": list_source(schema, "tArticles"),
        "error_type": "warning", "error_title": "Article", "error_message": "Cet article n'est pas dans la feuille Articles."})
    # live totals per VAT rate (the article's rate; the saved quote applies the job's rate)
    t = f.last_line + 1  # 0-based row after the lines
    rng = lambda c: f"${col_letter(c)}${f.first_line}:${col_letter(c)}${f.last_line}"  # noqa: E731
    ws.write(t, 1, "Totaux (estimation)", formats["section"])
    ws.write(t + 1, 1, "Taux de TVA", formats["header"])
    ws.write(t + 1, 2, "Base HT", formats["header"])
    ws.write(t + 1, 3, "TVA", formats["header"])
    disc = f"(1-N($C${f.field('discount').row})/100)"
    for k, rate in enumerate(("20", "10", "5.5", "2.1", "0")):
        r = t + 2 + k
        ws.write_number(r, 1, float(rate), formats["rate"])
        ws.write_formula(r, 2, f"=ROUND(SUMIF({rng(f.rate)},$B{r + 1},{rng(f.total)})*{disc},2)", formats["eur"], 0)
        ws.write_formula(r, 3, f"=ROUND($C{r + 1}*$B{r + 1}/100,2)", formats["eur"], 0)
    last = t + 6
    ws.write(last + 1, 1, "Total HT", formats["label"])
    ws.write_formula(last + 1, 2, f"=SUM($C{t + 3}:$C{t + 7})", formats["eur_bold"], 0)
    ws.write(last + 2, 1, "TVA", formats["label"])
    ws.write_formula(last + 2, 2, f"=SUM($D{t + 3}:$D{t + 7})", formats["eur_bold"], 0)
    ws.write(last + 3, 1, "Total TTC", formats["label"])
    ws.write_formula(last + 3, 2, f"=C{last + 2}+C{last + 3}", formats["eur_bold"], 0)
    ws.write(last + 4, 1, "Le taux définitif de chaque ligne suit la nature des travaux et l'équipement "
                          "(feuille Règles TVA) : il est calculé à l'enregistrement et affiché dans la feuille Devis.",
             formats["note"])
    ws.freeze_panes(3, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    return ws


# --------------------------------------------------------------------------- Saisie client, Saisie article
def add_record_form(wb: Any, formats: dict[str, Any], sheet: str, title: str, intro: str, form: Form,
                    defaults: dict[str, str], actions: tuple[Action, ...] = ACTIONS) -> Any:
    ws = wb.add_worksheet(sheet)
    ws.set_tab_color("#548235")
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 40)
    ws.set_column(3, 3, 62)
    ws.write(0, 1, title, formats["title"])
    ws.set_row(1, 32)
    ws.merge_range(1, 1, 1, 3, intro, formats["note_wrap"])
    _draw_fields(ws, form, formats)
    for key, value in defaults.items():
        ws.write_string(form.field(key).row - 1, 2, value, formats["input"])
    last = max(f.row for f in form.fields)
    _form_buttons(ws, sheet, last + 1, 1, actions)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    return ws


def add_client_form(wb: Any, formats: dict[str, Any], actions: tuple[Action, ...] = ACTIONS) -> Any:
    return add_record_form(
        wb, formats, CLIENT_SHEET, "Saisie d'un client",
        "Remplissez les cases blanches, puis « Enregistrer le client » : mêmes contrôles que partout (SIRET, code "
        "postal, e-mail, doublons signalés), code client (C00001…) attribué et secteur déduit du code postal. Pour modifier un "
        "client : feuille Clients, cliquez dans sa ligne puis « Modifier le client ».", CLIENT_FORM, CLIENT_DEFAULTS,
        actions)


def add_article_form(wb: Any, formats: dict[str, Any], actions: tuple[Action, ...] = ACTIONS) -> Any:
    return add_record_form(
        wb, formats, ARTICLE_SHEET, "Saisie d'un article",
        "Remplissez les cases blanches, puis « Enregistrer l'article ». Pour modifier un article : feuille Articles, "
        "cliquez dans sa ligne puis « Modifier l'article ».", ARTICLE_FORM, ARTICLE_DEFAULTS, actions)


# --------------------------------------------------------------------------- Saisie règlement
def add_payment_form(wb: Any, formats: dict[str, Any], schema: Schema = SCHEMA,
                     actions: tuple[Action, ...] = ACTIONS) -> Any:
    ws = wb.add_worksheet(PAYMENT_SHEET)
    ws.set_tab_color("#548235")
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 30)
    ws.set_column(3, 3, 60)
    ws.write(0, 1, "Saisie d'un règlement", formats["title"])
    ws.set_row(1, 32)
    ws.merge_range(1, 1, 1, 2, "Remplissez les cases blanches, puis « Enregistrer le règlement ». Le classeur est "
                               "enregistré aussitôt.", formats["note_wrap"])
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    _form_buttons(ws, PAYMENT_SHEET, 12, 1, actions)
    _draw_fields(ws, PAYMENT_FORM, formats)
    r = PAYMENT_FORM.field("client").row - 1
    ws.data_validation(r, 2, r, 2, {
        "validate": "list", "source": list_source(schema, "tClients"),
        "error_type": "warning", "error_title": "Client", "error_message": "Ce client n'est pas dans la feuille Clients."})
    lst = PAYMENT_LIST
    ws.write(lst.header - 2, 1, "Pièces dues du client (remplies par le bouton ; cochez d'un x celles qu'il règle)",
             formats["section"])
    for k, head in enumerate(lst.headers):
        ws.write(lst.header - 1, lst.tick - 1 + k, head, formats["label"])
    for r in range(lst.first - 1, lst.last):
        ws.write_blank(r, lst.tick - 1, None, formats["input"])
    ws.set_column(4, 6, 16)
    ws.write(lst.credit_row - 1, 1, "Crédit du client après le règlement", formats["label"])
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    return ws


MERGE_FORM = Form(fields=(
    Field("template", "Modèle", 4, help="« lettre » (le modèle fourni) ou le chemin d'un .docx"),
    Field("subject", "Objet", 5, help="ex. Entretien annuel de votre chaudière"),
    Field("text", "Texte du courrier", 6, help="un paragraphe par ligne (Alt+Entrée pour aller à la ligne)",
          fmt="input_wrap"),
    Field("kind", "Type de client", 8, ("Particulier", "Professionnel"), help="vide : tous"),
    Field("towns", "Villes", 9, help="séparées par des points-virgules"),
    Field("postcodes", "Débuts de code postal", 10, help="ex. 69 ; 38200"),
    Field("sectors", "Secteurs", 11, help="séparés par des points-virgules"),
    Field("codes", "Clients (codes)", 12, help="ex. C00012 ; C00040"),
    Field("balance_due", "Solde dû seulement", 13, ("Oui", "Non")),
    Field("no_job_since", "Sans intervention depuis le", 14, help="date : clients à relancer pour l'entretien",
          fmt="input_date"),
    Field("no_invoice_since", "Sans facture depuis le", 15, help="date", fmt="input_date"),
    Field("commercial", "Courrier commercial", 16, ("Oui", "Non"),
          help="Oui : les clients opposés à la prospection sont exclus ; Non : courrier d'information"),
    Field("inactive_too", "Inclure les clients inactifs", 17, ("Oui", "Non")),
))


def add_merge_form(wb: Any, formats: dict[str, Any], actions: tuple[Action, ...] = ACTIONS) -> Any:
    ws = wb.add_worksheet(MERGE_SHEET)
    ws.set_tab_color("#548235")
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 60)
    ws.set_column(3, 3, 50)
    ws.write(0, 1, "Publipostage", formats["title"])
    ws.set_row(1, 32)
    ws.merge_range(1, 1, 1, 2, "Une lettre à chaque client choisi : un PDF par client et un PDF à imprimer, "
                               "adresses placées pour une enveloppe à fenêtre. « Simuler » liste les clients "
                               "retenus sans rien produire.", formats["note_wrap"])
    ws.set_row(MERGE_FORM.field("text").row - 1, 120)
    _draw_fields(ws, MERGE_FORM, formats)
    ws.write(6, 1, "Filtres (vides : tous les clients actifs)", formats["section"])
    ws.write_string(MERGE_FORM.field("template").row - 1, 2, "lettre", formats["input"])
    ws.write_string(MERGE_FORM.field("commercial").row - 1, 2, "Oui", formats["input"])  # prospecting unless said
    for i, a in enumerate(a for a in actions if a.sheet == MERGE_SHEET):
        ws.insert_button(18, 1 + i, {"macro": a.name, "caption": a.label, "width": 200, "height": 34})
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    return ws


# --------------------------------------------------------------------------- Tableau de bord
def add_dashboard(wb: Any, formats: dict[str, Any], actions: tuple[Action, ...] = ACTIONS) -> Any:
    ws = wb.add_worksheet(DASHBOARD_SHEET)
    ws.set_tab_color("#7F6000")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 8, 16)
    ws.write(0, 1, "Tableau de bord", formats["title"])
    ws.write(1, 1, "Cliquez « Actualiser le tableau de bord » : les graphiques puis les tableaux des 12 derniers "
                   "mois s'affichent ici (le détail et le rapport PDF : guide, « Rapport pour la direction »).", formats["note"])
    for a in actions:
        if a.function == "actualiser_tableau_de_bord":
            ws.insert_button(0, 5, {"macro": a.name, "caption": a.label, "width": 220, "height": 34})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    return ws


# --------------------------------------------------------------------------- xlwings.conf
CONF_KEYS = ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH")


def add_conf_sheet(wb: Any, formats: dict[str, Any]) -> Any:
    """xlwings reads A1 downwards until the first empty cell: only keys that have a value may be
    listed (an empty Interpreter_Win would hide the user's xlwings.conf file). `syc excel configurer`
    adds the interpreter and PYTHONPATH."""
    ws = wb.add_worksheet(CONF_SHEET)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 60)
    ws.set_column(3, 3, 90)
    ws.write_string(0, 0, "Show Console")
    ws.write_string(0, 1, "False")
    ws.write_string(1, 0, "Use UDF Server")
    ws.write_string(1, 1, "False")
    notes = [
        "Réglages d'xlwings pour ce classeur (colonne A : clé, colonne B : valeur, sans ligne vide).",
        "La configuration du classeur (docs/installation-windows.md) y ajoute Interpreter_Win / Interpreter_Mac "
        "(python.exe à utiliser) et PYTHONPATH.",
        "Sans ces clés, xlwings prend le fichier %USERPROFILE%\\.xlwings\\xlwings.conf (xlwings config create), "
        "sinon « python ».",
        "Voir docs/installation-windows.md.",
    ]
    for i, n in enumerate(notes):
        ws.write_string(i, 3, n, formats["note"])
    ws.hide()
    return ws


def formats_for(wb: Any) -> dict[str, Any]:
    eur = '#,##0.00\\ "€";-#,##0.00\\ "€"'
    white = {"bg_color": "#FFFFFF", "border": 1, "border_color": "#8EA9DB", "locked": False}
    return {
        "title": wb.add_format({"bold": True, "font_size": 18, "font_color": "#1F4E78"}),
        "section": wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 1}),
        "note": wb.add_format({"italic": True, "font_color": "#595959"}),
        "note_wrap": wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "vcenter"}),
        "label": wb.add_format({"bold": True}),
        "header": wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}),
        "input": wb.add_format({**white, "num_format": "@"}),
        "input_num": wb.add_format({**white, "num_format": "#,##0.###"}),
        "input_wrap": wb.add_format({**white, "num_format": "@", "text_wrap": True, "valign": "top"}),
        "input_eur": wb.add_format({**white, "num_format": eur}),
        "input_date": wb.add_format({**white, "num_format": "dd/mm/yyyy"}),
        "cell": wb.add_format({"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF"}),
        "cell_num": wb.add_format({"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF",
                                   "num_format": "0.0#"}),
        "cell_eur": wb.add_format({"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF", "num_format": eur}),
        "cell_date": wb.add_format({"bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF",
                                    "num_format": "dd/mm/yyyy", "align": "left"}),
        "eur": wb.add_format({"num_format": eur}),
        "eur_bold": wb.add_format({"num_format": eur, "bold": True}),
        "date": wb.add_format({"num_format": "dd/mm/yyyy"}),
        "rate": wb.add_format({"num_format": '0.0#" %"'}),
        "link": wb.add_format({"font_color": "#0563C1", "underline": 1}),
        "count": wb.add_format({"bold": True, "align": "center", "num_format": "0"}),
        "count_due": wb.add_format({"bg_color": "#FCE4D6", "font_color": "#C00000"}),
        "late_row": wb.add_format({"bg_color": "#FCE4D6", "font_color": "#9C0006"}),
        "days": wb.add_format({"num_format": "0"}),
    }


# --------------------------------------------------------------------------- worklists (issue 17)
@dataclass(frozen=True)
class WorklistLayout:
    """A worklist sheet: title, note, header row, then one row per item (unlocked, rewritten by the
    actions); the working columns first, the number and client frozen, late rows coloured."""

    header: int = 3  # 1-based row of the headers
    rows: int = 500  # rows written at most (the count on Accueil says how many there are)
    headers: tuple[str, ...] = ("Numéro", "Client", "Statut", "Total TTC", "Reste dû", "Échéance", "Retard (jours)",
                                "À faire", "Code client")
    widths: tuple[float, ...] = (14, 30, 20, 13, 13, 12, 10, 60, 10)
    late: int = 7  # column (1-based) of « Retard (jours) »: the conditional format reads it

    @property
    def first(self) -> int:
        return self.header + 1

    @property
    def last(self) -> int:
        return self.first + self.rows - 1

    @property
    def width(self) -> int:
        return len(self.headers)


WORKLIST = WorklistLayout()


@dataclass(frozen=True)
class HomeCounts:
    """The « À faire » block of Accueil: one line per worklist, its label (a link to its sheet) and
    its count, written by the actions (only the counts an action changed) and by the full recount."""

    first: int = 5  # 1-based row of the first worklist
    label: int = 6  # columns (1-based): F label, G count
    count: int = 7
    stamp_row: int = 4  # « Compté le … » (the day of the last full recount)

    def row_of(self, index: int) -> int:
        return self.first + index


HOME_COUNTS = HomeCounts()


def add_home_counts(ws: Any, formats: dict[str, Any], actions: tuple[Action, ...] = ACTIONS) -> None:
    """The « À faire » block beside the buttons of Accueil."""
    from pyxl.services.worklists import WORKLISTS

    h = HOME_COUNTS
    ws.set_column(h.label - 2, h.label - 2, 2)
    ws.set_column(h.label - 1, h.label - 1, 40)
    ws.set_column(h.count - 1, h.count - 1, 9)
    ws.write(h.stamp_row - 2, h.label - 1, "À faire", formats["section"])
    ws.write(h.stamp_row - 2, h.count - 1, "", formats["section"])
    ws.write(h.stamp_row - 1, h.label - 1, "Recomptées à l'ouverture et par « Actualiser les listes ».",
             formats["note"])
    for i, wl in enumerate(WORKLISTS):
        r = h.row_of(i) - 1
        sheet = wl.sheet.replace("'", "''")
        ws.write_url(r, h.label - 1, f"internal:'{sheet}'!A1", formats["link"], string=wl.label,
                     tip=f"Ouvrir la feuille « {wl.sheet} »")
        ws.write_blank(r, h.count - 1, None, formats["count"])
    ws.conditional_format(h.first - 1, h.count - 1, h.first - 2 + len(WORKLISTS), h.count - 1,
                          {"type": "cell", "criteria": ">", "value": 0, "format": formats["count_due"]})
    for a in actions:
        if a.function == "actualiser_listes":
            ws.insert_button(h.first - 1 + len(WORKLISTS) + 1, h.label - 1,
                             {"macro": a.name, "caption": a.label, "width": 290, "height": 30})


def add_worklist(wb: Any, formats: dict[str, Any], key: str) -> Any:
    from pyxl.services.worklists import worklist

    wl = worklist(key)
    lay = WORKLIST
    ws = wb.add_worksheet(wl.sheet)
    ws.set_tab_color("#ED7D31")
    ws.write(0, 0, wl.label, formats["title"])
    ws.write(1, 0, f"Liste tenue à jour par les boutons (ne pas la modifier : elle est réécrite). « Échéance » : "
                   f"{wl.due_label.lower()}. Cliquez dans une ligne, puis sur l'action voulue du ruban.",
             formats["note"])
    ws.set_row(lay.header - 1, 30)
    typed = {3: formats["eur"], 4: formats["eur"], 5: formats["date"], 6: formats["days"]}
    for c, (head, width) in enumerate(zip(lay.headers, lay.widths, strict=True)):
        ws.write(lay.header - 1, c, head, formats["header"])
        ws.set_column(c, c, width, typed.get(c))
    for r in range(lay.first - 1, lay.last):  # the cells carry their format (a value written keeps it)
        for c, fmt in typed.items():
            ws.write_blank(r, c, None, fmt)
    ws.conditional_format(lay.first - 1, 0, lay.last - 1, lay.width - 1, {
        "type": "formula", "criteria": f"=${col_letter(lay.late)}{lay.first}>0", "format": formats["late_row"]})
    ws.freeze_panes(lay.header, 2)
    ws.autofilter(lay.header - 1, 0, lay.last - 1, lay.width - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(lay.header - 1)
    return ws


# --------------------------------------------------------------------------- tables of record (issue 17)
@dataclass(frozen=True)
class RecordLayout:
    """How a table of record is shown in a new workbook: its working columns first (the issued
    number, then the client), those two frozen, the technical columns grouped and hidden (outline
    level 1: the « + » above the columns shows them). Columns are still found by their header."""

    first: tuple[str, ...]
    technical: tuple[str, ...]
    frozen: int = 2


RECORD_LAYOUTS = {
    "tFactures": RecordLayout(
        first=("number", "client_name", "status", "doc_type", "date", "total_ttc", "owed", "due_date", "paid",
               "credited", "deducted_ttc", "object"),
        technical=("ref", "client", "order", "quote", "origin", "client_ref", "nature", "housing_old",
                   "reverse_charge", "deposit_pct", "discount_pct", "service_date", "terms", "total_ht", "total_vat",
                   "created", "penalty_clause", "credit_cause", "penalty_clause_rebuilt", "site", "operation")),
}


def record_order(schema: Schema, table: str) -> list[str]:
    """The column keys of a table in the order a new workbook shows them."""
    keys = list(schema.table(table).keys)
    lay = RECORD_LAYOUTS.get(table)
    if lay is None:
        return keys
    first = [k for k in lay.first if k in keys]
    return first + [k for k in keys if k not in first]
