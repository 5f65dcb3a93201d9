"""The entry forms « Saisie devis » and « Saisie règlement », and the read-only answers (quotes to
follow up, workbook check). A form is read in three calls and cleared in five, whatever its content;
the layout comes from `pyxl.excel.sheets` (the builder draws the same one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pyxl.core.issues import Issue, Refused
from pyxl.excel.runner import Ctx, run
from pyxl.excel.sheets import PAYMENT_FORM, PAYMENT_SHEET, QUOTE_FORM, QUOTE_SHEET, col_letter


def _text(v: Any) -> str:
    """A form cell as the text the services parse (Excel gives numbers as floats)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "Oui" if v else "Non"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return format(Decimal(repr(v)).normalize(), "f")
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


# --------------------------------------------------------------------------- devis
def read_quote(sheet: Any) -> Any:
    from pyxl.services.quotes import QuoteInput

    f = QUOTE_FORM
    head = _fields(sheet, f.fields)
    block = sheet.range((f.first_line, f.article), (f.last_line, f.total)).options(ndim=2).value
    prices = sheet.range((f.first_line, f.price), (f.last_line, f.price)).options(ndim=2).formula
    lines = []
    for k, row in enumerate(block):
        def cell(col: int, row: list[Any] = row) -> Any:
            return row[col - f.article]
        article = _text(cell(f.article))
        if not article:
            continue
        n = f.first_line + k
        qty = _text(cell(f.qty))
        if not qty:
            raise Refused(Issue("devis.qte", f"Feuille « {QUOTE_SHEET} », ligne {n} ({article}) : indiquez la quantité.",
                                f"{QUOTE_SHEET}, ligne {n}"))
        typed = prices[k][0] if isinstance(prices[k], (list, tuple)) else prices[k]
        price = "" if str(typed or "").startswith("=") else _text(cell(f.price))
        discount = _text(cell(f.discount))
        lines.append(":".join([article, qty, price, discount]).rstrip(":"))
    housing = _text(head["housing_old"]).casefold()
    return QuoteInput(
        client=_text(head["client"]),
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
    )


def clear_quote(sheet: Any) -> None:
    f = QUOTE_FORM
    _clear_fields(sheet, f.fields)
    blank = [[None] for _ in range(f.lines)]
    for col in (f.article, f.qty, f.discount):
        sheet.range((f.first_line, col), (f.last_line, col)).value = blank
    from pyxl.excel.sheets import SCHEMA, _lookup  # the builder's own formula

    a = col_letter(f.article)
    sheet.range((f.first_line, f.price), (f.last_line, f.price)).formula = [
        [f'=IF(${a}{r}="","",IFERROR({_lookup(SCHEMA, "tArticles", "code", "unit_price", f"${a}{r}")},""))']
        for r in range(f.first_line, f.last_line + 1)]


def save_quote(ctx: Ctx) -> dict[str, Any]:
    from pyxl.services.quotes import create_quote

    sheet = ctx.book.sheets[QUOTE_SHEET]

    def service(store: Any) -> Any:
        given = read_quote(sheet)
        if not given.client:
            raise Refused(Issue("devis.client", f"Feuille « {QUOTE_SHEET} » : choisissez le client (cellule C"
                                                f"{QUOTE_FORM.field('client').row}).", QUOTE_SHEET))
        return create_quote(store, given, ctx.as_of)

    return run(ctx, service, after=lambda _res: clear_quote(sheet))


# --------------------------------------------------------------------------- règlement
def save_payment(ctx: Ctx) -> dict[str, Any]:
    from pyxl.core import fields
    from pyxl.services.payments import record_payment

    sheet = ctx.book.sheets[PAYMENT_SHEET]
    form = _fields(sheet, PAYMENT_FORM.fields)
    where = f"Feuille « {PAYMENT_SHEET} »"
    raw_date = form["date"]
    try:
        if isinstance(raw_date, (dt.date, dt.datetime)):
            day = raw_date.date() if isinstance(raw_date, dt.datetime) else raw_date
        elif _text(raw_date):
            day = fields.date(_text(raw_date), label="La date du règlement")
        else:
            day = ctx.as_of
    except fields.FieldError as exc:
        message = str(exc)
        return run(ctx, lambda store: _refuse(where, message))
    if day > ctx.as_of:
        return run(ctx, lambda store: _refuse(where, f"la date du règlement ({day:%d/%m/%Y}) est dans le futur."))
    ctx.as_of = day

    def service(store: Any) -> Any:
        invoice = _text(form["invoice"])
        if not invoice:
            raise Refused(Issue("reglement.facture", f"{where} : indiquez le numéro de la facture réglée.", where))
        return record_payment(store, invoice, _text(form["amount"]), _text(form["mode"]), day,
                              _text(form["reference"]))

    return run(ctx, service, after=lambda _res: _clear_fields(sheet, PAYMENT_FORM.fields))


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
        lines.append(f"• {r['number']} — {r['client_name'] or r['client']} — envoyé le {r['sent_on']:%d/%m/%Y} — "
                     f"{euros(r['total_ttc'])} TTC{phone}")
    if len(due) > 20:
        lines.append(f"… et {len(due) - 20} autres (feuille Devis, statut Envoyé).")
    lines.append("Sélectionnez la ligne du devis (feuille Devis) puis « Relancer le devis ».")
    return "\n".join(lines)


def verify_text(store: Any) -> str:
    from pyxl.cli.commands import plural
    from pyxl.services.closures import verify_files
    from pyxl.services.invoices import series_issues

    issues: list[Issue] = []
    for table in store.schema.tables:
        try:
            issues += store.check_table(table.name)
        except Refused as exc:
            issues += exc.issues
    if not issues:
        issues = store.verify() + verify_files(store) + series_issues(store)
    if issues:
        raise Refused(issues)
    journal = len(store.journal())
    docs = sum(len(store.rows(t.name)) for t in store.schema.audited)
    return (f"Aucune anomalie : journal d'audit intact ({plural(journal, 'ligne')}), "
            f"{plural(docs, 'pièce')} vérifiée{'s' if docs > 1 else ''}.")
