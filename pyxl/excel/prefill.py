"""« Régler la facture » (issue 17, item 4): the « Saisie règlement » form pre-filled from the invoice
the user stands on — a row of « Factures » or of a worklist (« En retard », « Lettres ») — with the
document, its client and what it still owes, the client's other documents listed with their
balances, and the balance after the payment shown before anything is recorded. Nothing is
written: the user chooses the mode (and the cheque's number), then « Enregistrer le règlement ».
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pyxl.core.issues import Issue, Refused
from pyxl.excel.runner import Ctx, show
from pyxl.excel.sheets import PAYMENT_FORM, PAYMENT_LIST, PAYMENT_SHEET

PLACEHOLDER_MODE = "Virement"  # the plan needs a mode; the cash limit is checked when recording


def _number_here(ctx: Ctx, store: Any) -> str:
    """The document of the row the user stands on (Factures: the table's row; a worklist: column A)."""
    from pyxl.services.worklists import WORKLISTS

    invoices = store.schema.table("tFactures").sheet
    where = f"Feuille « {ctx.sheet} », ligne {ctx.row}"
    if ctx.sheet == invoices:
        row = store.row_at("tFactures", ctx.row)
        if row is not None:
            return str(row["number"] or row["ref"] or "")
    elif ctx.sheet in {w.sheet for w in WORKLISTS}:
        value = ctx.book.sheets[ctx.sheet].range((ctx.row, 1)).value
        if value:
            return str(value).strip()
    else:
        raise Refused(Issue("excel.sheet", f"« {ctx.action.label} » agit sur la ligne d'une facture : allez sur la "
                                           f"feuille « {invoices} » ou sur une liste de travail (« En retard », "
                                           "« Lettres »), cliquez dans la ligne voulue, puis de nouveau sur le "
                                           "bouton.", ctx.sheet))
    raise Refused(Issue("excel.row", f"{where} : aucune facture ici (ligne vide ou en-tête). Cliquez dans la ligne "
                                     f"voulue, puis de nouveau sur « {ctx.action.label} ».", where))


def settle_selected(ctx: Ctx) -> dict[str, Any]:
    from pyxl.core import workflow as wf
    from pyxl.core.money import euros
    from pyxl.services import payments
    from pyxl.services.invoices import balance, get_doc, label

    def text(store: Any) -> str:
        doc = get_doc(store, _number_here(ctx, store))
        where = f"{label(doc)} ({doc.where})"
        if not doc["number"] or doc["status"] == wf.I_DRAFT:
            raise Refused(Issue("reglement.brouillon", f"{where} : c'est un brouillon, il ne se règle pas. Émettez-le "
                                                       "d'abord.", where))
        if doc["doc_type"] == wf.T_CREDIT:
            raise Refused(Issue("reglement.avoir", f"{where} : un avoir ne se règle pas (son montant devient un "
                                                   "crédit du client ou se rembourse).", where))
        owed = balance(doc)
        if owed <= 0:
            raise Refused(Issue("reglement.solde", f"{where} : plus rien à régler (reste dû {euros(owed)}).", where))
        number, client = str(doc["number"]), str(doc["client"])
        pl = payments.plan(store, str(owed), PLACEHOLDER_MODE, ctx.as_of, client=client, documents=[number])
        taken: dict[str, Decimal] = {}
        for p in pl.parts:
            taken[p.target] = taken.get(p.target, Decimal(0)) + p.amount
        items = payments.legal_order(payments.open_items(store, client), ctx.as_of)
        lst = PAYMENT_LIST
        shown = items[: lst.rows]
        rows: list[list[Any]] = [
            ["x" if i.number in taken else None, i.number, i.date, i.due_date, float(i.owed),
             float(i.owed - taken.get(i.number, Decimal(0)))] for i in shown]
        rows += [[None] * 6 for _ in range(lst.rows - len(rows))]
        sheet = ctx.book.sheets[PAYMENT_SHEET]
        fields = PAYMENT_FORM.fields
        first, last = min(f.row for f in fields), max(f.row for f in fields)
        values: dict[str, Any] = {"invoice": "'" + number, "amount": float(owed), "client": "'" + client}
        by_row = {f.row: f.key for f in fields}
        sheet.range((first, 3), (last, 3)).value = [[values.get(by_row.get(r, ""))] for r in range(first, last + 1)]
        sheet.range((lst.first, lst.tick), (lst.last, lst.after)).value = rows
        credit = payments.credit_of(store, client) + taken.get("", Decimal(0))
        sheet.range((lst.credit_row, lst.after)).value = float(credit)
        sheet.activate()
        after = owed - taken.get(number, Decimal(0))
        others = len(items) - 1
        more = (f" Le client doit encore {others} autre{'s' if others > 1 else ''} pièce{'s' if others > 1 else ''} "
                "(liste sous le formulaire)." if others > 0 else "")
        return (f"{label(doc)} — {doc['client_name'] or client} : reste dû {euros(owed)}. Après un règlement de "
                f"{euros(owed)}, il restera {euros(after)}.{more}\nChoisissez le mode (et le n° du chèque), changez "
                "le montant s'il diffère, puis « Enregistrer le règlement ».")

    return show(ctx, text, quiet=True)  # the form shows it all: no box to close
