"""The renewal notice of a maintenance contract (art. L215-1 C. conso) as an e-mail draft (.eml):
the date until which the client may refuse the renewal stands in a visible box, in the text and the
HTML parts alike. The context is computed by `services.contracts.notices`; nothing is computed here
but the wording."""

from __future__ import annotations

import datetime as dt
import html
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from pyxl.core.frformat import long_date
from pyxl.documents import names


def notice_message(notice: dict[str, Any], client: Any, firm: dict[str, str], stamp: dt.datetime) -> EmailMessage:
    deadline = long_date(notice["refus_jusqu_au"])
    renewal = long_date(notice["reconduction"])
    firm_name = firm.get("raison_sociale") or firm.get("nom_commercial") or "SYC"
    box_text = f"Vous pouvez refuser la reconduction jusqu'au {deadline}"
    width = len(box_text) + 2
    box = "\n".join(["┌" + "─" * width + "┐", f"│ {box_text} │", "└" + "─" * width + "┘"])
    intro = (f"Madame, Monsieur,\n\nVotre contrat d'entretien n° {notice['contrat']} est conclu avec reconduction "
             f"tacite. Sauf refus de votre part, il sera reconduit le {renewal} pour un an.\n\n")
    outro = ("\n\nPour refuser la reconduction, il vous suffit de nous l'écrire (lettre ou e-mail) avant cette date. "
             "Nous vous adressons cet avis conformément à l'article L215-1 du Code de la consommation.\n\n"
             f"Veuillez agréer, Madame, Monsieur, nos salutations distinguées.\n\n{firm_name}\n")
    msg = EmailMessage()
    msg["From"] = firm.get("smtp_expediteur") or firm.get("email") or "contact@syc-gestion.invalid"
    msg["To"] = str(client["email"] or "")
    msg["Subject"] = f"Reconduction de votre contrat d'entretien {notice['contrat']} — refus possible jusqu'au {deadline}"
    msg["Date"] = format_datetime(stamp)
    msg["Message-ID"] = make_msgid(domain="syc-gestion")
    msg["X-Unsent"] = "1"
    msg.set_content(intro + box + outro)
    e = html.escape
    msg.add_alternative(
        "<html><body><p>" + e(intro).replace("\n\n", "</p><p>") + "</p>"
        '<div style="border:2px solid #C00000;padding:10px;font-size:14pt;font-weight:bold;display:inline-block">'
        + e(box_text) + "</div><p>" + e(outro).replace("\n\n", "</p><p>") + "</p></body></html>", subtype="html")
    return msg


def write_notices(book: Path, store: Any, notices: list[dict[str, Any]], stamp: dt.datetime) -> list[Path]:
    from pyxl.services.clients import get_client

    params = store.parameters()
    out = []
    for n in notices:
        client = get_client(store, str(n["client"]))
        folder = names.folder(book.parent, params.get("dossier_documents") or "Documents", stamp.year,
                              "Contrats d'entretien")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / names.safe_name(f"{n['contrat']} - avis de reconduction {n['reconduction']:%Y}.eml", 100)
        path.write_bytes(notice_message(n, client, params, stamp).as_bytes())
        out.append(path)
    return out
