"""xlwings entry points of the workbook's buttons and ribbon (RunPython), one thin function per
action of `pyxl.excel.registry`.

Each is called by its VBA sub as `m.<function>('<sheet>', <row>, '<answer>'…)`: the sheet and the
row where the user clicked, then the answers to the sub's questions, all text as `SycHex`
(hexadecimal UTF-16). Each function gathers its input (the selected row or the entry form), calls
the same service as `syc`, and answers with an `app.alert` (see `pyxl.excel.runner`). Nothing is
kept at module level: `xw.Book.caller()` is called inside each function.
"""

from __future__ import annotations

from typing import Any

from pyxl.excel.runner import Ctx, decode, goto_row, run, show


def _yes(answer: str) -> bool:
    return decode(answer).strip().casefold() in ("oui", "o", "yes")


def _new_row(ctx: Ctx, result: dict[str, Any], table: str, key: str, data_key: str) -> dict[str, Any]:
    """After an action that made a record: that record, selected on its sheet."""
    if result.get("ok") and result.get("data") and result["data"].get(data_key):
        goto_row(ctx, table, key, result["data"][data_key])
    return result


def _and_email(ctx: Ctx, result: dict[str, Any], wanted: bool, made: tuple[str, str] = ("", "")) -> dict[str, Any]:
    """« par e-mail ? » answered oui: the e-mail draft of the document just sent or issued, in the
    same click (the PDF is already made). `made`: (table, number) of a document made from the
    selected row (the order of a quote), else the selected row's own."""
    if not (wanted and result.get("ok")):
        return result
    from pyxl.excel import docs
    from pyxl.excel.runner import encode, status
    from pyxl.workbook.excelstore import ExcelStore

    store = ExcelStore(ctx.book)
    sheet, at = ctx.sheet, ctx.row
    if made[0]:
        found = store.rows_where(made[0], "number", {made[1]})
        sheet, at = (found[0].sheet, found[0].row) if found else ("", 0)
    table = {"Devis": "tDevis", "Commandes": "tCommandes", "Factures": "tFactures"}.get(sheet, "")
    row = store.row_at(table, at) if table else None
    client = store.rows_where("tClients", "code", {str(row["client"])}) if row is not None else []
    if not (client and str(client[0]["email"] or "").strip()):
        status(ctx, f"{result['message']} — pas d'e-mail : le client n'a pas d'adresse (« Modifier le client »).")
        result["email"] = {"ok": False, "message": "pas d'adresse e-mail", "codes": ["email"]}
        return result

    mailed = docs.preparer_email(Ctx("preparer_email", encode(sheet), at, book=ctx.book, day=ctx.as_of), quiet=True)
    result["email"] = mailed
    return result


# ---------------------------------------------------------------- clients et articles
def enregistrer_client(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    return forms.save_client(Ctx("enregistrer_client", sheet, row))


def nouveau_client(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    return forms.new_client(Ctx("nouveau_client", sheet, row))


def modifier_client(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms
    from pyxl.excel.sheets import CLIENT_FORM, CLIENT_SHEET

    return forms.edit_record(Ctx("modifier_client", sheet, row), "tClients", "de client", CLIENT_SHEET, CLIENT_FORM)


def enregistrer_article(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    return forms.save_article(Ctx("enregistrer_article", sheet, row))


def modifier_article(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms
    from pyxl.excel.sheets import ARTICLE_FORM, ARTICLE_SHEET

    return forms.edit_record(Ctx("modifier_article", sheet, row), "tArticles", "d'article", ARTICLE_SHEET,
                             ARTICLE_FORM)


# ---------------------------------------------------------------- devis
def enregistrer_devis(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("enregistrer_devis", sheet, row)
    return _new_row(ctx, forms.save_quote(ctx), "tDevis", "number", "numero")


def envoyer_devis(sheet: str, row: int, email: str = "") -> dict[str, Any]:
    from pyxl.services.quotes import send_quote

    ctx = Ctx("envoyer_devis", sheet, row)
    done = run(ctx, lambda store: send_quote(store, ctx.selected("tDevis", "de devis")["number"], ctx.as_of),
               documents=lambda res: [("devis", str(res.data["numero"]))])
    return _and_email(ctx, done, _yes(email))


def devis_a_relancer(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("devis_a_relancer", sheet, row)
    first: list[str] = []

    def text(store: Any) -> str:
        from pyxl.services.quotes import to_follow_up

        first.extend(str(r["number"]) for r in to_follow_up(store, ctx.as_of)[:1])
        return forms.follow_up_text(store, ctx.as_of)

    done = show(ctx, text)
    if first:  # the first quote to call, selected on « Devis »: « Relancer le devis » works on it
        goto_row(ctx, "tDevis", "number", first[0])
    return done


def relancer_devis(sheet: str, row: int, outcome: str, discount: str) -> dict[str, Any]:
    from pyxl.services.quotes import follow_up

    ctx = Ctx("relancer_devis", sheet, row)
    done = run(ctx, lambda store: follow_up(store, ctx.selected("tDevis", "de devis")["number"], decode(outcome),
                                            ctx.as_of, decode(discount).strip() or None))
    return _new_row(ctx, done, "tDevis", "number", "devis_revise")


def accepter_devis(sheet: str, row: int, express: str = "", urgent: str = "") -> dict[str, Any]:
    from pyxl.services.quotes import accept_quote

    ctx = Ctx("accepter_devis", sheet, row)
    return run(ctx, lambda store: accept_quote(store, ctx.selected("tDevis", "de devis")["number"], ctx.as_of,
                                               urgent=_yes(urgent), express_request=_yes(express)))


def refuser_devis(sheet: str, row: int, reason: str) -> dict[str, Any]:
    from pyxl.services.quotes import refuse_quote

    ctx = Ctx("refuser_devis", sheet, row)
    return run(ctx, lambda store: refuse_quote(store, ctx.selected("tDevis", "de devis")["number"], decode(reason),
                                               ctx.as_of))


# ---------------------------------------------------------------- commandes
def passer_commande(sheet: str, row: int, email: str = "") -> dict[str, Any]:
    from pyxl.services.orders import create_order

    ctx = Ctx("passer_commande", sheet, row)
    done = run(ctx, lambda store: create_order(store, ctx.selected("tDevis", "de devis")["number"], ctx.as_of),
               documents=lambda res: [("commande", str(res.data["numero"]))])
    if done.get("ok"):
        _and_email(ctx, done, _yes(email), ("tCommandes", str(done["data"]["numero"])))
    return _new_row(ctx, done, "tCommandes", "number", "numero")


def commande_realisee(sheet: str, row: int, done: str) -> dict[str, Any]:
    from pyxl.core import fields
    from pyxl.services.orders import complete_order

    ctx = Ctx("commande_realisee", sheet, row)

    def service(store: Any) -> Any:
        number = ctx.selected("tCommandes", "de commande")["number"]
        text = decode(done).strip()
        day = fields.date(text, label="La date de fin des travaux") if text else ctx.as_of
        return complete_order(store, number, day, ctx.as_of)

    return run(ctx, service)


def annuler_commande(sheet: str, row: int, reason: str) -> dict[str, Any]:
    from pyxl.services.orders import cancel_order

    ctx = Ctx("annuler_commande", sheet, row)

    def service(store: Any) -> Any:
        order = ctx.selected("tCommandes", "de commande")
        ctx.confirm_document(order, "la commande", "Ses brouillons de facture seront supprimés ; une commande "
                                                   "annulée ne se rouvre pas.")
        return cancel_order(store, order["number"], decode(reason), ctx.as_of)

    return run(ctx, service)


# ---------------------------------------------------------------- factures
def facture_acompte(sheet: str, row: int, pct: str) -> dict[str, Any]:
    from pyxl.services.invoices import create_deposit

    ctx = Ctx("facture_acompte", sheet, row)
    done = run(ctx, lambda store: create_deposit(store, ctx.selected("tCommandes", "de commande")["number"],
                                                 decode(pct), ctx.as_of))
    return _new_row(ctx, done, "tFactures", "ref", "reference")


def facturer(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services.invoices import create_invoice

    ctx = Ctx("facturer", sheet, row)
    done = run(ctx, lambda store: create_invoice(store, ctx.selected("tCommandes", "de commande")["number"],
                                                 ctx.as_of))
    return _new_row(ctx, done, "tFactures", "ref", "reference")


def _issued_document(result: Any) -> list[tuple[str, str]]:
    number = result.data.get("numero")
    return [("avoir" if result.data.get("type") == "Avoir" else "facture", str(number))] if number else []


def _doc_ref(ctx: Ctx) -> str:
    r = ctx.selected("tFactures", "de facture ou d'avoir")
    return str(r["number"] or r["ref"])


def _doc_word(doc: Any) -> str:
    return {"Facture d'acompte": "la facture d'acompte", "Avoir": "l'avoir"}.get(str(doc.get("doc_type")),
                                                                                 "la facture")


def emettre(sheet: str, row: int, email: str = "") -> dict[str, Any]:
    from pyxl.services.invoices import issue

    ctx = Ctx("emettre", sheet, row)

    def service(store: Any) -> Any:
        doc = ctx.selected("tFactures", "de facture ou d'avoir")
        if not doc["number"]:  # an issued one is refused by the service, with its reason
            ctx.confirm_document(doc, _doc_word(doc), "Son numéro sera définitif : une pièce émise ne se modifie "
                                                      "plus (seul un avoir la corrige).")
        return issue(store, str(doc["number"] or doc["ref"]), ctx.as_of)

    done = run(ctx, service, documents=_issued_document)
    return _and_email(ctx, done, _yes(email))


def faire_avoir(sheet: str, row: int, invoice: str, reason: str, cause: str, lines: str = "") -> dict[str, Any]:
    """The credit note of the invoice whose number is typed (the selected one's is proposed): one of
    the workbook, or of a fiscal-year archive (read there, never written), through the same service
    as `syc avoir creer`."""
    from pyxl.core.messages import msg
    from pyxl.services.invoices import create_credit_note

    ctx = Ctx("faire_avoir", sheet, row)
    specs = [x.strip() for x in decode(lines).split(";") if x.strip()]

    def service(store: Any) -> Any:
        doc, archive = _invoice_to_credit(ctx, store, decode(invoice).strip())
        what = "avoir sur " + _doc_word(doc) + (" archivée" if archive else "")
        ctx.confirm_document(doc, what, msg("avoir.excel.archivee", file=archive) if archive
                             else msg("avoir.excel.brouillon"))
        return create_credit_note(store, str(doc["number"] or doc["ref"]), decode(reason), specs, ctx.as_of,
                                  decode(cause))

    done = run(ctx, service)
    return _new_row(ctx, done, "tFactures", "ref", "reference")


def _invoice_to_credit(ctx: Ctx, store: Any, typed: str) -> tuple[Any, str]:
    """The invoice a credit note is asked on, and the name of the archive that holds it ("" when it
    is in the workbook): the number typed, else the row selected on « Factures »."""
    from pyxl.core.issues import Issue, Refused
    from pyxl.core.messages import msg
    from pyxl.services.invoices import doc_or_archived

    invoices = store.schema.table("tFactures").sheet
    if not typed:
        selected = store.row_at("tFactures", ctx.row) if ctx.sheet == invoices else None
        if selected is None:
            raise Refused(Issue("excel.row", msg("avoir.excel.aucune", sheet=invoices, label=ctx.action.label),
                                f"{ctx.sheet}, ligne {ctx.row}"))
        return selected, ""
    try:
        row, found = doc_or_archived(store, typed)
    except Refused as exc:
        if exc.issues[0].code != "facture.inconnue":
            raise
        raise Refused(Issue("facture.inconnue", msg("avoir.excel.inconnue", number=typed),
                            exc.issues[0].where)) from None
    return row, found.path.name if found is not None else ""


def supprimer_brouillon(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services.invoices import delete_draft

    ctx = Ctx("supprimer_brouillon", sheet, row)

    def service(store: Any) -> Any:
        doc = ctx.selected("tFactures", "de facture ou d'avoir")
        if not doc["number"]:
            ctx.confirm_document(doc, "le brouillon de " + _doc_word(doc), "Le brouillon et ses lignes seront "
                                                                           "supprimés.")
        return delete_draft(store, str(doc["number"] or doc["ref"]))

    return run(ctx, service)


# ---------------------------------------------------------------- règlements
def enregistrer_reglement(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("enregistrer_reglement", sheet, row)
    return forms.save_payment(ctx)


def pieces_dues(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    return forms.load_open_items(Ctx("pieces_dues", sheet, row))


def apercu_reglement(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    return forms.preview_payment(Ctx("apercu_reglement", sheet, row))


def regler_facture(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import prefill

    return prefill.settle_selected(Ctx("regler_facture", sheet, row))


def bordereau_cheques(sheet: str, row: int, bank: str = "") -> dict[str, Any]:
    from pyxl.services import slips

    ctx = Ctx("bordereau_cheques", sheet, row)
    return run(ctx, lambda store: slips.create(store, ctx.as_of, "cheque", decode(bank).strip()),
               documents=lambda res: [("bordereau", str(res.data["numero"]))])


def bordereau_cartes(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services import slips

    ctx = Ctx("bordereau_cartes", sheet, row)
    return run(ctx, lambda store: slips.create(store, ctx.as_of, "cb"),
               documents=lambda res: [("bordereau", str(res.data["numero"]))])


def importer_releve(sheet: str, row: int, path: str) -> dict[str, Any]:
    from pathlib import Path

    from pyxl.core.issues import Issue, Refused
    from pyxl.core.messages import msg
    from pyxl.services import bank

    ctx = Ctx("importer_releve", sheet, row)
    file = Path(decode(path).strip().strip('"'))

    def service(store: Any) -> Any:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise Refused(Issue("releve.fichier", msg("releve.illisible", name=file, error=exc.strerror or exc),
                                str(file))) from None
        return bank.import_statement(store, data, file.name, ctx.as_of)

    return run(ctx, service)


def rapprocher(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services import bank

    ctx = Ctx("rapprocher", sheet, row)

    def service(store: Any) -> Any:
        rec = bank.reconcile(store, ctx.as_of, (), True)
        said = bank.record_transfers(store, rec, ctx.as_of)
        if said:
            rec.result.message += "\n" + "\n".join(said)
        return rec.result

    return _ask_ibans(ctx, run(ctx, service))


def _ask_ibans(ctx: Any, done: dict[str, Any]) -> dict[str, Any]:
    """After a reconciliation: for each client whose transfer came from an account its record does
    not hold, ask Oui/Non before writing that IBAN on the record (never silently)."""
    from collections.abc import Callable

    from pyxl.core.fields import iban_shown
    from pyxl.core.messages import msg
    from pyxl.excel.runner import ask_yes_no, encode
    from pyxl.services import clients

    def record(code: str, iban: str) -> Callable[[Any], Any]:
        return lambda store: clients.modify_client(store, code, clients.ClientInput(iban=iban))

    for p in (done.get("data") or {}).get("iban_a_enregistrer") or []:
        if ask_yes_no(ctx.book, msg("banque.iban.question", line=p["ligne"], iban=iban_shown(p["iban"]),
                                    client=p["client"], name=p["nom"])):
            again = Ctx(ctx.action.function, encode(ctx.sheet), ctx.row, book=ctx.book, day=ctx.as_of)
            run(again, record(str(p["client"]), str(p["iban"])))
    return done


def encaisser_acompte(sheet: str, row: int, number: str = "") -> dict[str, Any]:
    """The selected statement line cashed as a deposit: asked Oui/Non with the line, the client, the
    order or quote and the amount, then the deposit invoice issued and paid (`bank.deposit_from_line`)."""
    from pyxl.core.frformat import date_fr
    from pyxl.core.messages import msg
    from pyxl.excel.runner import money_fr
    from pyxl.services import bank

    ctx = Ctx("encaisser_acompte", sheet, row)

    def service(store: Any) -> Any:
        lid = str(ctx.selected("tReleves", "de relevé")["id"])
        line, item = bank.deposit_target(store, lid, decode(number))
        what = "la commande" if item.number.startswith("BC") else "le devis accepté"
        ctx.confirm(msg("acompte.confirmer", action=ctx.action.label, line=lid, day=date_fr(line["date"]),
                        amount=money_fr(line["amount"]), name=item.client_name, client=item.client_code, what=what,
                        number=item.number))
        return bank.deposit_from_line(store, lid, item.number, ctx.as_of)

    return _ask_ibans(ctx, run(ctx, service, documents=lambda res: [("facture", str(res.data["facture_acompte"]))]))


def ignorer_ligne(sheet: str, row: int, reason: str) -> dict[str, Any]:
    from pyxl.services import bank

    ctx = Ctx("ignorer_ligne", sheet, row)
    return run(ctx, lambda store: bank.set_aside(store, str(ctx.selected("tReleves", "de relevé")["id"]),
                                                 decode(reason), ctx.as_of))


def reprendre_ligne(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services import bank

    ctx = Ctx("reprendre_ligne", sheet, row)
    return run(ctx, lambda store: bank.take_back(store, str(ctx.selected("tReleves", "de relevé")["id"]), ctx.as_of))


def imputer_credit(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services.payments import use_credit

    ctx = Ctx("imputer_credit", sheet, row)

    def service(store: Any) -> Any:
        doc = ctx.selected("tFactures", "de facture")
        return use_credit(store, str(doc["client"]), [str(doc["number"] or doc["ref"])], ctx.as_of)

    return run(ctx, service)


def rembourser(sheet: str, row: int, amount: str, mode: str, reason: str) -> dict[str, Any]:
    from pyxl.services.payments import refund

    ctx = Ctx("rembourser", sheet, row)
    return run(ctx, lambda store: refund(store, str(ctx.selected("tClients", "de client")["code"]), decode(amount),
                                         decode(mode), decode(reason), ctx.as_of))


def note_penalites(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.services import penalties

    ctx = Ctx("note_penalites", sheet, row)

    def service(store: Any) -> Any:
        doc = ctx.selected("tFactures", "de facture")
        return penalties.create(store, str(doc["client"]), ctx.as_of, [str(doc["number"] or doc["ref"])])

    return run(ctx, service, documents=lambda res: [("penalites", str(res.data["numero"]))])


def _loss(function: str, kind: str, sheet: str, row: int, reason: str) -> dict[str, Any]:
    from pyxl.services import losses

    ctx = Ctx(function, sheet, row)

    def service(store: Any) -> Any:
        doc = ctx.selected("tFactures", "de facture")
        return losses.declare(store, str(doc["number"] or doc["ref"]), kind, decode(reason), ctx.as_of)

    return run(ctx, service)


def creance_douteuse(sheet: str, row: int, reason: str) -> dict[str, Any]:
    return _loss("creance_douteuse", "Douteuse", sheet, row, reason)


def passer_en_perte(sheet: str, row: int, reason: str) -> dict[str, Any]:
    return _loss("passer_en_perte", "Irrécouvrable", sheet, row, reason)


def annuler_reglement(sheet: str, row: int, reason: str, bounced: str = "", charges: str = "") -> dict[str, Any]:
    from pyxl.services.payments import cancel_payment

    ctx = Ctx("annuler_reglement", sheet, row)
    said = decode(bounced).strip().lower()
    flag = True if said in ("oui", "o", "impaye", "impayé") else (False if said in ("non", "n", "erreur") else None)

    def service(store: Any) -> Any:
        pay = ctx.selected("tReglements", "de règlement")
        client = store.rows_where("tClients", "code", {str(pay["client"])})
        name = f"{client[0]['name']} {client[0]['first_name'] or ''}".strip() if client else ""
        from pyxl.excel.runner import money_fr

        ctx.confirm(f"{ctx.action.label} : règlement {pay['id']} de {money_fr(pay['amount'])} — {name} "
                    f"({pay['client']}) — {pay['mode']} ?\n\nToutes ses parts seront annulées par des écritures "
                    "opposées.")
        return cancel_payment(store, pay["id"], decode(reason), ctx.as_of, bounced=flag,
                              charges_text=decode(charges).strip())

    return run(ctx, service)


# ---------------------------------------------------------------- relances des impayés
def relances_semaine(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("relances_semaine", sheet, row)
    first: list[str] = []

    def text(store: Any) -> str:
        from pyxl.services import dunning

        calls = dunning.by_client(dunning.session(store, ctx.as_of).calls)
        first.extend(cs[0].number for cs in list(calls.values())[:1])
        return forms.dunning_text(store, ctx.as_of)

    done = show(ctx, text)
    if first:  # the first invoice to call about, selected on « Factures »: « Noter un appel » works on it
        goto_row(ctx, "tFactures", "number", first[0])
    return done


def produire_relances(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import docs

    return docs.produce_reminders(Ctx("produire_relances", sheet, row))


def noter_relance(sheet: str, row: int, outcome: str, detail: str, note: str) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("noter_relance", sheet, row)
    return run(ctx, lambda store: forms.note_call(store, ctx.selected("tFactures", "de facture")["number"],
                                                  decode(outcome), decode(detail), decode(note), ctx.as_of))


def noter_envoi_relance(sheet: str, row: int, posted: str, number: str, ack: str) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("noter_envoi_relance", sheet, row)
    return run(ctx, lambda store: forms.note_posting(store, ctx.selected("tFactures", "de facture")["number"],
                                                     decode(posted), decode(number), decode(ack), ctx.as_of))


# ---------------------------------------------------------------- documents et courriers
def document_pdf(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import docs

    return docs.document_pdf(Ctx("document_pdf", sheet, row))


def preparer_email(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import docs

    return docs.preparer_email(Ctx("preparer_email", sheet, row))


def copie_acquittee(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import docs

    return docs.copie_acquittee(Ctx("copie_acquittee", sheet, row))


def publipostage(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import docs

    return docs.publipostage(Ctx("publipostage", sheet, row))


def simuler_publipostage(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import docs

    return docs.publipostage(Ctx("simuler_publipostage", sheet, row), simulate=True)


# ---------------------------------------------------------------- direction
def actualiser_tableau_de_bord(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import dashboard

    return dashboard.refresh(Ctx("actualiser_tableau_de_bord", sheet, row))


# ---------------------------------------------------------------- comptabilité (issue 15)
def export_fec(sheet: str, row: int, year: str) -> dict[str, Any]:
    from pathlib import Path

    from pyxl.excel import compta

    ctx = Ctx("export_fec", sheet, row)
    return show(ctx, lambda store: compta.fec_text(store, Path(str(ctx.book.fullname)), decode(year), ctx.as_of))


def chiffres_tva(sheet: str, row: int, period: str, previous: str = "") -> dict[str, Any]:
    from pyxl.excel import compta

    ctx = Ctx("chiffres_tva", sheet, row)
    return show(ctx, lambda store: compta.vat_text(store, decode(period), decode(previous), ctx.as_of))


def balance_comptable(sheet: str, row: int, year: str = "") -> dict[str, Any]:
    from pyxl.excel import compta

    ctx = Ctx("balance_comptable", sheet, row)
    return show(ctx, lambda store: compta.balance_text(store, decode(year), ctx.as_of))


def grand_livre_client(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import compta

    ctx = Ctx("grand_livre_client", sheet, row)
    return show(ctx, lambda store: compta.ledger_text(
        store, compta.selected_client(store, ctx.sheet, ctx.row, ctx.action.label), ctx.as_of))


# ---------------------------------------------------------------- contrôle
def verifier(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import forms

    ctx = Ctx("verifier", sheet, row)
    return show(ctx, lambda store: forms.verify_text(store, ctx.as_of))


def actualiser_listes(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import worklists

    return worklists.recount(Ctx("actualiser_listes", sheet, row))


def actualiser(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import base_actions

    return base_actions.refresh_all(Ctx("actualiser", sheet, row))


def ouverture_listes(sheet: str, row: int) -> None:
    """`Auto_Open`: in base mode the sheets brought up to date from the base first, then the
    worklists recounted at the opening, without a message."""
    from pyxl.excel import base_actions, worklists
    from pyxl.excel.runner import caller, today

    book = caller()
    base_actions.refresh_quietly(book)
    worklists.recount_quietly(book, today())


def diagnostic(sheet: str, row: int, vba_xlwings: str = "", vba_module: str = "", excel: str = "",
               fullname: str = "") -> dict[str, Any]:
    from pyxl.excel import diagnostics

    return diagnostics.run(sheet, row, decode(vba_xlwings), decode(vba_module), decode(excel), decode(fullname))


# ---------------------------------------------------------------- planning
def proposer_creneaux(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.propose_slots(Ctx("proposer_creneaux", sheet, row))


def planifier(sheet: str, row: int, choice: str, duration: str = "") -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.book_slot(Ctx("planifier", sheet, row), decode(choice), decode(duration))


def deplacer_intervention(sheet: str, row: int, start: str, tech: str, reason: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.move_job(Ctx("deplacer_intervention", sheet, row), decode(start), decode(tech),
                                     decode(reason))


def annuler_intervention(sheet: str, row: int, reason: str, final: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.cancel_job(Ctx("annuler_intervention", sheet, row), decode(reason), decode(final))


def intervention_realisee(sheet: str, row: int, day: str, report: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.realise_job(Ctx("intervention_realisee", sheet, row), decode(day), decode(report))


def confirmer_intervention(sheet: str, row: int) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.confirm_job(Ctx("confirmer_intervention", sheet, row))


def planning_semaine(sheet: str, row: int, week: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.week_text(Ctx("planning_semaine", sheet, row), decode(week))


def feuille_journee(sheet: str, row: int, day: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.day_sheet(Ctx("feuille_journee", sheet, row), decode(day))


def ajouter_technicien(sheet: str, row: int, name: str, skills: str, sector: str, phone: str, hours: str,
                       certificates: str) -> dict[str, Any]:
    from pyxl.services.planning import TechnicianInput, add_technician

    ctx = Ctx("ajouter_technicien", sheet, row)
    given = TechnicianInput(name=decode(name), skills=decode(skills), sector=decode(sector) or None,
                            phone=decode(phone) or None, hours=decode(hours) or None,
                            certificates=decode(certificates) or None)
    return run(ctx, lambda store: add_technician(store, given, ctx.as_of))


def absence_technicien(sheet: str, row: int, start: str, end: str, reason: str) -> dict[str, Any]:
    from pyxl.core import fields
    from pyxl.services.planning import add_absence

    ctx = Ctx("absence_technicien", sheet, row)

    def service(store: Any) -> Any:
        code = str(ctx.selected("tTechniciens", "de technicien")["code"])
        first = fields.date(decode(start), label="Le premier jour d'absence")
        last = fields.date(decode(end), label="Le dernier jour d'absence")
        return add_absence(store, code, first, last, decode(reason))

    return run(ctx, service)


def agenda_technicien(sheet: str, row: int) -> dict[str, Any]:
    import datetime as dt
    from pathlib import Path

    from pyxl.documents.planning_docs import write_calendars

    ctx = Ctx("agenda_technicien", sheet, row)

    def text(store: Any) -> str:
        code = str(ctx.selected("tTechniciens", "de technicien")["code"])
        book = Path(str(ctx.book.fullname))
        path = write_calendars(book, store, book.parent / "Agendas", code, dt.datetime.now().astimezone())
        return f"Agenda du technicien {code} écrit : {path}"

    return show(ctx, text)


def nouveau_contrat(sheet: str, row: int, category: str, formula: str, price: str, start: str, housing: str,
                    equipment: str) -> dict[str, Any]:
    from pyxl.services.contracts import ContractInput, create_contract

    ctx = Ctx("nouveau_contrat", sheet, row)
    brand, model, power = ([*(x.strip() for x in decode(equipment).split(";")), "", "", ""])[:3]

    def service(store: Any) -> Any:
        client = str(ctx.selected("tClients", "de client")["code"])
        given = ContractInput(client=client, category=decode(category), formula=decode(formula),
                              price_ht=decode(price), start=decode(start) or ctx.as_of.isoformat(),
                              housing=decode(housing) or None, brand=brand or None, model=model or None,
                              power_kw=power or None)
        return create_contract(store, given, ctx.as_of)

    return run(ctx, service)


# ---------------------------------------------------------------- contrats d'entretien
def visites_du_mois(sheet: str, row: int, month: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.visits_of_month(Ctx("visites_du_mois", sheet, row), decode(month))


def attestation_entretien(sheet: str, row: int, day: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.attestation(Ctx("attestation_entretien", sheet, row), decode(day))


def avis_reconduction(sheet: str, row: int, send: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.renewal_notices(Ctx("avis_reconduction", sheet, row), decode(send))


def facturer_contrats(sheet: str, row: int, month: str) -> dict[str, Any]:
    from pyxl.excel import planning_actions

    return planning_actions.invoice_month(Ctx("facturer_contrats", sheet, row), decode(month))
