"""The entry forms « Saisie devis » and « Saisie règlement », and the read-only answers (quotes to
follow up, workbook check). A form is read in three calls and cleared in five, whatever its content;
the layout comes from `pyxl.excel.sheets` (the builder draws the same one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pyxl.core.frformat import date_fr, plural
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg
from pyxl.excel.runner import Ctx, run
from pyxl.excel.sheets import (
    ARTICLE_DEFAULTS,
    ARTICLE_FORM,
    ARTICLE_SHEET,
    CLIENT_DEFAULTS,
    CLIENT_FORM,
    CLIENT_SHEET,
    PAYMENT_FORM,
    PAYMENT_LIST,
    PAYMENT_SHEET,
    QUOTE_FORM,
    QUOTE_SHEET,
    Form,
    col_letter,
)


def _text(v: Any) -> str:
    """A form cell as the text the services parse (Excel gives numbers as floats)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "Oui" if v else "Non"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        # Excel shows 15 significant digits: =1,1*3 is 3,3 there, not 3.3000000000000003
        return format(Decimal(format(v, ".15g")).normalize(), "f")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _fields(sheet: Any, fields: Any) -> dict[str, Any]:
    first = min(f.row for f in fields)
    last = max(f.row for f in fields)
    values = sheet.range((first, 3), (last, 3)).options(ndim=2).value
    return {f.key: values[f.row - first][0] for f in fields}


def _clear_fields(sheet: Any, fields: Any) -> None:
    first = min(f.row for f in fields)
    last = max(f.row for f in fields)
    sheet.range((first, 3), (last, 3)).value = [[None] for _ in range(first, last + 1)]


def _cell_text(v: Any) -> Any:
    """What to write in a form cell: text quote-prefixed (Excel keeps « 01234 » and « =… » as typed)."""
    if v is None or v == "":
        return None
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, str):
        return "'" + v
    return v


def _set_fields(sheet: Any, form: Form, values: dict[str, Any]) -> None:
    """Write every field of a form in one call (absent keys: emptied)."""
    first = min(f.row for f in form.fields)
    last = max(f.row for f in form.fields)
    by_row = {f.row: _cell_text(values.get(f.key)) for f in form.fields}
    sheet.range((first, 3), (last, 3)).value = [[by_row.get(r)] for r in range(first, last + 1)]


def code_of(text: str) -> str:
    """« MARTIN Lucie (C00031) » → « C00031 »; a bare code stays as it is (the drop-downs show labels)."""
    import re

    m = re.search(r"\(([^()]+)\)\s*$", text)
    return m.group(1).strip() if m else text.strip()


def client_label(rec: Any) -> str:
    """The drop-down's label of a client: « NOM Prénom (C00012) »."""
    name = str(rec.get("name") or "").upper()
    first = str(rec.get("first_name") or "")
    return f"{name} {first}".strip() + f" ({rec.get('code')})"


# --------------------------------------------------------------------------- clients, articles
def _client_input(form: dict[str, Any]) -> Any:
    from pyxl.services.clients import ClientInput

    keys = [k for k in ClientInput.__dataclass_fields__ if k in form]
    return ClientInput(**{k: _text(form[k]) for k in keys})


def new_client(ctx: Ctx) -> dict[str, Any]:
    """« Nouveau client »: the form, emptied, remembering the form to come back to."""
    from pyxl.excel.runner import status

    sheet = ctx.book.sheets[CLIENT_SHEET]
    _set_fields(sheet, CLIENT_FORM, {**CLIENT_DEFAULTS, "back": ctx.sheet if ctx.sheet == QUOTE_SHEET else ""})
    sheet.activate()
    status(ctx, "Saisissez le client, puis « Enregistrer le client ».")
    return {"ok": True, "message": "", "data": {}}


def save_client(ctx: Ctx) -> dict[str, Any]:
    from pyxl.services.clients import add_client, modify_client

    sheet = ctx.book.sheets[CLIENT_SHEET]
    form = _fields(sheet, CLIENT_FORM.fields)
    editing = _text(form["editing"])
    back = _text(form["back"])

    def service(store: Any) -> Any:
        given = _client_input(form)
        if editing:
            return modify_client(store, editing, given)
        if not given.kind:
            given.kind = CLIENT_DEFAULTS["kind"]
        return add_client(store, given, ctx.as_of)

    def after(res: Any) -> None:
        _set_fields(sheet, CLIENT_FORM, dict(CLIENT_DEFAULTS))
        code = res.data.get("code") if isinstance(res.data, dict) else None
        if back == QUOTE_SHEET and code:
            quote = ctx.book.sheets[QUOTE_SHEET]
            quote.range((QUOTE_FORM.field("client").row, 3)).value = "'" + client_label(res.data["client"])
            quote.activate()
            quote.range((QUOTE_FORM.field("object").row, 3)).select()

    return run(ctx, service, after=after)


def edit_record(ctx: Ctx, table: str, what: str, sheet_name: str, form: Form) -> dict[str, Any]:
    """« Modifier… »: the selected record into its form, to be changed there and saved."""
    from pyxl.excel.runner import status

    def text(store: Any) -> str:
        row = ctx.selected(table, what)
        values = {f.key: _shown(row.get(f.key)) for f in form.fields if f.key not in ("editing", "back")}
        if "iban" in values:  # stored compact, read by groups of four
            from pyxl.core.fields import iban_shown

            values["iban"] = iban_shown(str(row.get("iban") or ""))
        values["editing"] = row["code"]
        sheet = ctx.book.sheets[sheet_name]
        _set_fields(sheet, form, values)
        sheet.activate()
        return f"{row['code']} repris dans « {sheet_name} » : modifiez-le puis enregistrez."

    try:
        message = text(ctx.store)
    except Refused as exc:
        from pyxl.excel.runner import alert

        message = "\n".join(i.message for i in exc.issues)
        alert(ctx.book, message, error=True)
        return {"ok": False, "message": message, "codes": [i.code for i in exc.issues]}
    status(ctx, message)
    return {"ok": True, "message": message, "data": {}}


def _shown(v: Any) -> Any:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    if isinstance(v, (dt.date, dt.datetime)):
        return v
    return v


def save_article(ctx: Ctx) -> dict[str, Any]:
    from pyxl.services.articles import ArticleInput, add_article, modify_article

    sheet = ctx.book.sheets[ARTICLE_SHEET]
    form = _fields(sheet, ARTICLE_FORM.fields)
    editing = _text(form["editing"])

    def service(store: Any) -> Any:
        given = ArticleInput(**{k: _text(form[k]) for k in ArticleInput.__dataclass_fields__})
        if editing:
            if given.code and given.code != editing:
                raise Refused(Issue("article.code", f"Article {editing} : son code ne se change pas (les devis et "
                                                    "factures le citent) ; créez un nouvel article et rendez "
                                                    "celui-ci inactif.", ARTICLE_SHEET))
            given.code = None
            return modify_article(store, editing, given)
        for key, value in ARTICLE_DEFAULTS.items():
            if not getattr(given, key):
                setattr(given, key, value)
        return add_article(store, given, ctx.as_of)

    return run(ctx, service, after=lambda _res: _set_fields(sheet, ARTICLE_FORM, dict(ARTICLE_DEFAULTS)))


# --------------------------------------------------------------------------- devis
def read_quote(sheet: Any) -> tuple[Any, list[int]]:
    """The form as the service's input, and the sheet row of each line (for the messages)."""
    from pyxl.services import salesdocs as sd
    from pyxl.services.quotes import QuoteInput

    f = QUOTE_FORM
    head = _fields(sheet, f.fields)
    block = sheet.range((f.first_line, f.article), (f.last_line, f.total)).options(ndim=2).value
    prices = sheet.range((f.first_line, f.price), (f.last_line, f.price)).options(ndim=2).formula
    lines: list[str] = []
    rows: list[int] = []
    for k, row in enumerate(block):
        def cell(col: int, row: list[Any] = row) -> Any:
            return row[col - f.article]
        article = code_of(_text(cell(f.article)))
        if not article:
            continue
        n = f.first_line + k
        where = f"Feuille « {QUOTE_SHEET} », ligne {n} ({article})"
        if ":" in article:
            raise Refused(Issue("devis.article", f"{where} : un code article ne contient pas « : » ; choisissez-le "
                                                 "dans la liste.", where))
        qty = _text(cell(f.qty))
        if not qty:
            raise Refused(Issue("devis.qte", f"{where} : indiquez la quantité.", where))
        typed = prices[k][0] if isinstance(prices[k], (list, tuple)) else prices[k]
        price = "" if str(typed or "").startswith("=") else _text(cell(f.price))
        discount = _text(cell(f.discount))
        spec = ":".join([article, qty, price, discount]).rstrip(":")
        try:
            sd.parse_line_spec(spec, len(lines) + 1)
        except Refused as exc:  # the same checks as the service, named by the sheet row
            raise Refused([Issue(i.code, f"{where} : {_after_spec(i.message)}", where) for i in exc.issues]) from None
        lines.append(spec)
        rows.append(n)
    housing = _text(head["housing_old"]).casefold()
    rates = []
    for spec in (x.strip() for x in _text(head["rates"]).split(";")):
        if not spec:
            continue
        parts = [p.strip() for p in spec.split(":", 2)]
        if len(parts) < 3 or not parts[0].isdigit() or not parts[2]:
            where = f"Feuille « {QUOTE_SHEET} », cellule C{QUOTE_FORM.field('rates').row}"
            raise Refused(Issue("devis.taux", f"{where} : « {spec} » : écrivez le numéro de la ligne (1 = la première "
                                              "du devis), le taux et son motif, ex. « 2 : 10 : logement de plus de 2 "
                                              "ans attesté ».", where))
        rates.append(":".join(parts))
    return QuoteInput(
        client=code_of(_text(head["client"])),
        lines=lines,
        nature=_text(head["nature"]) or None,
        housing_old={"oui": "oui", "non": "non"}.get(housing),
        away=_text(head["away"]).casefold() == "oui",
        object=_text(head["object"]),
        site=_text(head["site"]),
        discount=_text(head["discount"]) or None,
        client_ref=_text(head["client_ref"]),
        validity=_text(head["validity"]) or None,
        execution=_text(head["execution"]),
        rates=rates,
        reverse_charge=_text(head["reverse_charge"]).casefold() == "oui",
        outside_main_activity=_text(head["outside_main_activity"]).casefold() == "oui",
    ), rows


def _after_spec(message: str) -> str:
    """« Ligne 2 « MO-H:-2 » : la quantité… » → « la quantité… » (the form names the row itself)."""
    import re

    text = re.sub(r"^Ligne \d+ « [^»]*» : ", "", message)
    return text.replace(" (un avoir se fait avec « syc avoir creer »)", " (un avoir se fait depuis la feuille Factures)")


def relabel(exc: Refused, rows: list[int]) -> Refused:
    """The service numbers the quote's lines 1, 2…; in Excel they are sheet rows."""
    import re

    def fix(text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            k = int(m.group(2))
            if 1 <= k <= len(rows):
                return f"Feuille « {QUOTE_SHEET} », ligne {rows[k - 1]}"
            return m.group(0)
        return re.sub(r"\b([Ll]igne) (\d+)\b", sub, text, count=1)

    return Refused([Issue(i.code, fix(i.message), i.where, i.severity) for i in exc.issues])


def clear_quote(sheet: Any) -> None:
    f = QUOTE_FORM
    _clear_fields(sheet, f.fields)
    blank = [[None] for _ in range(f.lines)]
    for col in (f.article, f.qty, f.discount):
        sheet.range((f.first_line, col), (f.last_line, col)).value = blank
    from pyxl.excel.sheets import SCHEMA, _pick  # the builder's own formula

    a = col_letter(f.article)
    sheet.range((f.first_line, f.price), (f.last_line, f.price)).formula = [
        [f'=IF(${a}{r}="","",IFERROR({_pick(SCHEMA, "tArticles", "unit_price", f"${a}{r}")},""))']
        for r in range(f.first_line, f.last_line + 1)]


def save_quote(ctx: Ctx) -> dict[str, Any]:
    from pyxl.services.quotes import create_quote

    sheet = ctx.book.sheets[QUOTE_SHEET]

    def service(store: Any) -> Any:
        given, rows = read_quote(sheet)
        if not given.client:
            raise Refused(Issue("devis.client", f"Feuille « {QUOTE_SHEET} » : choisissez le client (cellule C"
                                                f"{QUOTE_FORM.field('client').row}).", QUOTE_SHEET))
        if not given.lines:
            raise Refused(Issue("devis.lignes", f"Feuille « {QUOTE_SHEET} » : ajoutez au moins une ligne (un article "
                                                f"et sa quantité, à partir de la ligne {QUOTE_FORM.first_line}).",
                                QUOTE_SHEET))
        said = _defaults_from_last_quote(store, given)
        try:
            res = create_quote(store, given, ctx.as_of)
        except Refused as exc:
            raise relabel(exc, rows) from None
        if said:
            res.message += "\n" + said
        return res

    return run(ctx, service, after=lambda _res: clear_quote(sheet))


def _defaults_from_last_quote(store: Any, given: Any) -> str:
    """The nature of the works and « logement de plus de 2 ans » left empty: those of the client's last
    quote (the same site; the client still certifies them when signing the quote)."""
    if given.nature and given.housing_old:
        return ""
    mine = [r for r in store.rows_where("tDevis", "client", {given.client, given.client.upper()})
            if r["nature"] or r["housing_old"]]
    if not mine:
        return ""
    last = max(mine, key=lambda r: (r["date"] or dt.date.min, str(r["number"])))
    taken = []
    if not given.nature and last["nature"]:
        given.nature = str(last["nature"])
        taken.append(f"nature des travaux « {given.nature} »")
    if not given.housing_old and last["housing_old"] in ("Oui", "Non"):
        given.housing_old = str(last["housing_old"]).lower()
        taken.append(f"logement de plus de 2 ans : {last['housing_old']}")
    return f"Repris du devis {last['number']} : {', '.join(taken)}." if taken else ""


# --------------------------------------------------------------------------- règlement
def _payment_day(form: dict[str, Any], ctx: Ctx) -> dt.date:
    from pyxl.core import fields

    raw = form["date"]
    if isinstance(raw, (dt.date, dt.datetime)):
        day = raw.date() if isinstance(raw, dt.datetime) else raw
    elif _text(raw):
        day = fields.date(_text(raw), label="La date du règlement")
    else:
        day = ctx.as_of
    if day > ctx.as_of:
        raise fields.FieldError(f"la date du règlement ({date_fr(day)}) est dans le futur.")
    return day


def _ticked(sheet: Any) -> list[str]:
    """The documents ticked in the list, in its order."""
    lst = PAYMENT_LIST
    block = sheet.range((lst.first, lst.tick), (lst.last, lst.number)).options(ndim=2).value
    return [_text(row[lst.number - lst.tick]) for row in block if _text(row[0]) and _text(row[lst.number - lst.tick])]


def _typed_documents(form: dict[str, Any]) -> list[str]:
    """The documents typed in « Pièce(s) réglée(s) », separated by « ; » (or « , »)."""
    return [x.strip() for x in _text(form["invoice"]).replace(",", ";").split(";") if x.strip()]


def _documents(form: dict[str, Any], sheet: Any) -> list[str]:
    return _typed_documents(form) or _ticked(sheet)


def _client_of(store: Any, form: dict[str, Any], documents: list[str], where: str) -> str:
    from pyxl.services import penalties
    from pyxl.services.invoices import get_doc

    client = code_of(_text(form["client"]))
    if client or not documents:
        if not client:
            raise Refused(Issue("reglement.client", f"{where} : indiquez le client (cellule "
                                                    f"C{PAYMENT_FORM.field('client').row}) ou la pièce réglée (cellule "
                                                    f"C{PAYMENT_FORM.field('invoice').row}).", where))
        return client
    first = documents[0]
    return str((penalties.get_note(store, first) if penalties.is_note_number(first) else get_doc(store, first))["client"])


def load_open_items(ctx: Ctx) -> dict[str, Any]:
    """« Pièces dues du client »: the client's documents still owing, oldest due first (the legal
    order), in the list under the form; the amount pre-filled with what the named documents owe,
    else with everything the client owes."""
    from pyxl.core.money import euros
    from pyxl.services import payments

    sheet = ctx.book.sheets[PAYMENT_SHEET]
    form = _fields(sheet, PAYMENT_FORM.fields)
    where = f"Feuille « {PAYMENT_SHEET} »"
    lst = PAYMENT_LIST

    def text(store: Any) -> str:
        named = _typed_documents(form)
        client = _client_of(store, form, named, where)
        items = payments.legal_order(payments.open_items(store, client.strip().upper()), ctx.as_of)
        shown = items[: lst.rows]
        rows = [[None, i.number, i.date, i.due_date, float(i.owed), None] for i in shown]
        rows += [[None] * 6 for _ in range(lst.rows - len(rows))]
        sheet.range((lst.first, lst.tick), (lst.last, lst.after)).value = rows
        credit = payments.credit_of(store, client.strip().upper())
        sheet.range((lst.credit_row, lst.after)).value = float(credit)
        wanted = [i for i in items if i.number in {n.upper() for n in named}] or items
        total = sum((i.owed for i in wanted), Decimal(0))
        if not _text(form["amount"]) and total:
            sheet.range((PAYMENT_FORM.field("amount").row, 3)).value = float(total)
        if not items:
            return f"Le client {client} ne doit rien" + (f" (crédit : {euros(credit)})." if credit else ".")
        more = f" (les {lst.rows} premières affichées)" if len(items) > lst.rows else ""
        return (f"{plural(len(items), 'pièce due', 'pièces dues')}{more}, {euros(total)} au total"
                + (f" ; crédit du client : {euros(credit)}" if credit else "")
                + ". Cochez d'un x celles que le client règle (sinon : l'ordre légal), puis « Aperçu du règlement ».")

    from pyxl.excel.runner import show

    return show(ctx, text)


def preview_payment(ctx: Ctx) -> dict[str, Any]:
    """« Aperçu du règlement »: what each listed document would still owe after this payment, and
    the client's credit, before anything is recorded."""
    from pyxl.core.money import euros
    from pyxl.excel.runner import show
    from pyxl.services import payments

    sheet = ctx.book.sheets[PAYMENT_SHEET]
    form = _fields(sheet, PAYMENT_FORM.fields)
    where = f"Feuille « {PAYMENT_SHEET} »"
    lst = PAYMENT_LIST

    def text(store: Any) -> str:
        day = _payment_day(form, ctx)
        documents = _documents(form, sheet)
        client = _client_of(store, form, documents, where)
        pl = payments.plan(store, _text(form["amount"]), _text(form["mode"]) or "Virement", day, client=client,
                           documents=documents, reference=_text(form["reference"]))
        taken: dict[str, Decimal] = {}
        for p in pl.parts:
            taken[p.target] = taken.get(p.target, Decimal(0)) + p.amount
        numbers = sheet.range((lst.first, lst.number), (lst.last, lst.number + 3)).options(ndim=2).value
        after = [[float(Decimal(str(row[3])) - taken.get(_text(row[0]), Decimal(0))) if _text(row[0]) else None]
                 for row in numbers]
        sheet.range((lst.first, lst.after), (lst.last, lst.after)).value = after
        credit = payments.credit_of(store, str(pl.client["code"])) + taken.get("", Decimal(0))
        sheet.range((lst.credit_row, lst.after)).value = float(credit)
        said = "; ".join(f"{euros(p.amount)} sur {p.target or 'le crédit du client'}" for p in pl.parts)
        return f"Aperçu (rien n'est enregistré) : {euros(pl.amount)} — {said}."

    return show(ctx, text)


def save_payment(ctx: Ctx) -> dict[str, Any]:
    from pyxl.core import fields
    from pyxl.services.payments import receive

    sheet = ctx.book.sheets[PAYMENT_SHEET]
    form = _fields(sheet, PAYMENT_FORM.fields)
    where = f"Feuille « {PAYMENT_SHEET} »"
    try:
        day = _payment_day(form, ctx)
    except fields.FieldError as exc:
        message = str(exc)
        return run(ctx, lambda store: _refuse(where, message))
    ctx.as_of = day

    def service(store: Any) -> Any:
        documents = _documents(form, sheet)
        if not documents and not _text(form["client"]):
            raise Refused(Issue("reglement.facture", f"{where} : indiquez la pièce réglée (cellule "
                                                     f"C{PAYMENT_FORM.field('invoice').row}), cochez-la dans la liste "
                                                     f"ou indiquez le client (cellule "
                                                     f"C{PAYMENT_FORM.field('client').row}).", where))
        for key, label in (("amount", "le montant reçu"), ("mode", "le mode de règlement")):
            if not _text(form[key]):
                raise Refused(Issue("reglement.champ", f"{where} : indiquez {label} (cellule "
                                                       f"C{PAYMENT_FORM.field(key).row}).", where))
        return receive(store, _text(form["amount"]), _text(form["mode"]), day, client=code_of(_text(form["client"])),
                       documents=documents, reference=_text(form["reference"]), bank=_text(form["bank"]),
                       drawer=_text(form["drawer"]))

    def clear(_res: Any) -> None:
        _clear_fields(sheet, PAYMENT_FORM.fields)
        lst = PAYMENT_LIST
        sheet.range((lst.first, lst.tick), (lst.last, lst.after)).value = [[None] * 6 for _ in range(lst.rows)]
        sheet.range((lst.credit_row, lst.after)).value = None

    return run(ctx, service, after=clear)


def _refuse(where: str, message: str) -> Any:
    from pyxl.core.fields import after_colon

    raise Refused(Issue("reglement.date", f"{where} : {after_colon(message)}", where))


# --------------------------------------------------------------------------- read-only answers
def follow_up_text(store: Any, as_of: dt.date) -> str:
    from pyxl.core.money import euros
    from pyxl.services.quotes import to_follow_up

    due = to_follow_up(store, as_of)
    if not due:
        return "Aucun devis à relancer aujourd'hui."
    clients = {str(r["code"]): r for r in store.rows("tClients")}
    lines = [f"{len(due)} devis à relancer (appel, remise possible de 10 à 20 %) :"]
    for r in due[:20]:
        c = clients.get(str(r["client"]))
        phone = f" — tél. {c['phone']}" if c is not None and c["phone"] else ""
        lines.append(f"• {r['number']} — {r['client_name'] or r['client']} — envoyé le {date_fr(r['sent_on'])} — "
                     f"{euros(r['total_ttc'])} TTC{phone}")
    if len(due) > 20:
        lines.append(f"… et {len(due) - 20} autres (feuille Devis, statut Envoyé).")
    lines.append("Le premier est sélectionné sur la feuille Devis : après l'appel, « Relancer le devis ».")
    return "\n".join(lines)


def dunning_text(store: Any, as_of: dt.date) -> str:
    """The weekly reminder session, short enough for a message box (the full one: syc relances)."""
    from pyxl.core.money import euros
    from pyxl.services import dunning
    from pyxl.services.salesdocs import client_name

    ses = dunning.session(store, as_of)
    calls = dunning.by_client(ses.calls)
    lines = [msg("relances.seance", day=date_fr(as_of), invoices=plural(len(ses.cases), "facture"))]
    lines.append(f"Appels ({len(calls)}) :")
    for code, cs in list(calls.items())[:12]:
        owed = sum((c.owed for c in cs), dunning.ZERO)
        late = max((as_of - c.due_date).days for c in cs)
        lines.append(f"• {code} {client_name(cs[0].client)} — tél. {cs[0].client['phone'] or '?'} — "
                     f"{', '.join(c.number for c in cs)} — {euros(owed)}, {late} j de retard")
        lines.append(f"  {dunning.what_to_say(cs, as_of)}")
    if len(calls) > 12:
        lines.append(f"… et {len(calls) - 12} autres clients (feuille Factures, colonne Échéance).")
    due = ses.documents()
    lines.append(msg("relances.dus", count=len(due)) + (" — « Produire les lettres de relance » les produit."
                                                         if due else "."))
    for c, level in due[:10]:
        lines.append(f"• {c.number} {c.client_code} — {level.label}")
    alarms = [a for c in ses.cases for a in c.alarms]
    if alarms:
        lines.append(f"Alarmes ({len(alarms)}) :")
        lines += [f"! {a}" for a in alarms[:8]]
    if calls:
        lines.append("La facture du premier appel est sélectionnée sur la feuille Factures : après l'appel, « Noter "
                     "un appel ».")
    return "\n".join(lines)


def note_call(store: Any, invoice: str, outcome: str, detail: str, note: str, as_of: dt.date) -> Any:
    from pyxl.core import fields
    from pyxl.services import reminders

    key = outcome.strip().lower()
    promise = None
    plan = ""
    if key.startswith("promesse") and detail.strip():
        promise = fields.date(detail, label="La date promise")
    elif key.startswith("echeancier") or key.startswith("échéancier"):
        plan = detail
    dispute = note if key == "litige" else None
    return reminders.note(store, invoice, as_of, call=outcome, promise=promise, plan=plan, dispute=dispute,
                          notes="" if dispute else note)


def note_posting(store: Any, invoice: str, posted: str, number: str, ack: str, as_of: dt.date) -> Any:
    from pyxl.core import fields
    from pyxl.services import reminders

    if not (posted.strip() or number.strip() or ack.strip()):
        raise Refused(Issue("relance.rien", f"Facture {invoice} : rien à noter. Donnez la date de dépôt à la poste, "
                                            "le n° du recommandé ou la date de l'accusé de réception."))
    return reminders.note(store, invoice, as_of,
                          posted=fields.date(posted, label="La date de dépôt") if posted.strip() else None,
                          lr_number=number.strip(),
                          ack=fields.date(ack, label="La date de l'accusé de réception") if ack.strip() else None)


def verify_text(store: Any, as_of: dt.date) -> str:
    from pyxl.services.maintenance import check_everything

    issues, journal, docs = check_everything(store, as_of=as_of)
    if issues:
        raise Refused(issues)
    return msg("verifier.ok", lines=plural(journal, "ligne"), documents=plural(docs, "pièce vérifiée", "pièces vérifiées"))
