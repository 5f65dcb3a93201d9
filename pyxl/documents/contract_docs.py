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
from pyxl.services import docsource as ds


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

    params = ds.parameters(store)
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


# --------------------------------------------------------------------------- PDF documents
# The checks of the arrêté du 15 septembre 2009 (boilers, art. 3 and annex) and of the arrêté du
# 24 juillet 2020 (heat pumps of 4 to 70 kW); the result of each is the technician's, « Fait » by default.
BOILER_CHECKS = (
    "Vérification de la chaudière et de ses organes de sécurité",
    "Nettoyage du corps de chauffe et du brûleur, réglage de la combustion",
    "Vérification du conduit de raccordement et de l'évacuation des fumées",
    "Mesure du monoxyde de carbone (CO) dans le local",
    "Évaluation du rendement et des émissions de polluants atmosphériques (NOx)",
    "Conseils sur le bon usage, les améliorations possibles de l'installation et l'intérêt de son remplacement",
)
HEAT_PUMP_CHECKS = (
    "Vérification de l'étanchéité du circuit frigorifique (absence de fuite de fluide)",
    "Nettoyage des échangeurs et des filtres",
    "Vérification des organes de régulation et de sécurité, réglages",
    "Évaluation de la performance de la pompe à chaleur",
    "Conseils sur le bon usage, les améliorations possibles de l'installation et l'intérêt de son remplacement",
)


def attestation_context(store: Any, job_id: str) -> dict[str, Any]:
    from pyxl.core import maintenance as mt
    from pyxl.core.frformat import date_fr
    from pyxl.documents import context as cx
    from pyxl.services.contracts import get_contract
    from pyxl.services.planning import get_job, get_technician

    job = get_job(store, job_id)
    contract = get_contract(store, str(job["contract"]))
    tech = get_technician(store, str(job["technician"])) if job["technician"] else None
    pump = contract["category"] in mt.HEAT_PUMPS
    power = f"{contract['power_kw']} kW".replace(".", ",") if contract["power_kw"] is not None else "—"
    report = [x.strip() for x in str(job["report"] or "").splitlines() if x.strip()]
    return cx.clean({
        "titre": "Attestation d'entretien", "type": "attestation",
        "entreprise": cx.company(ds.parameters(store)), "client": cx.client_block(ds.client(store, str(job["client"]))),
        "doc": {"numero": job["id"], "date": long_date(job["done_on"])},
        "reference": ("Entretien d'une pompe à chaleur de 4 à 70 kW : décret n° 2020-912 du 28 juillet 2020 et arrêté "
                      "du 24 juillet 2020." if pump else
                      "Entretien annuel d'une chaudière : décret n° 2009-649 du 9 juin 2009 (art. R224-41-4 et suivants "
                      "du Code de l'environnement) et arrêté du 15 septembre 2009."),
        "equipement": [{"libelle": a, "valeur": b} for a, b in (
            ("Catégorie", contract["category"]), ("Marque", contract["brand"] or "—"),
            ("Modèle", contract["model"] or "—"), ("Puissance", power),
            ("Mise en service", date_fr(contract["installed_on"]) or "—"), ("Adresse", job["site"] or "—"),
            ("Contrat d'entretien", f"{contract['number']} ({contract['formula']})"))],
        "controles": [{"libelle": c, "resultat": "Fait"} for c in (HEAT_PUMP_CHECKS if pump else BOILER_CHECKS)],
        "observations": report or ["Aucune observation."],
        "visite_le": long_date(job["done_on"]), "technicien": str(tech["name"]) if tech else "—",
        "mention_delai": (f"Attestation à remettre au plus tard le {long_date(mt.attestation_deadline(job['done_on']))}, "
                          "dans les 15 jours suivant la visite."),
        "mention_conservation": "Document à conserver au moins deux ans et à présenter sur demande.",
        "annee": job["done_on"].year,
    })


def notice_context(store: Any, notice: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    from pyxl.documents import context as cx

    ctx = cx.letter_context(store, str(notice["client"]), f"Reconduction de votre contrat d'entretien {notice['contrat']}",
                            [f"Votre contrat d'entretien n° {notice['contrat']} est conclu avec reconduction tacite. "
                             f"Sauf refus de votre part, il sera reconduit le {long_date(notice['reconduction'])} "
                             "pour une nouvelle année, aux mêmes conditions."], as_of)
    ctx["titre"] = "Avis de reconduction"
    ctx["encadre"] = f"Vous pouvez refuser la reconduction jusqu'au {long_date(notice['refus_jusqu_au'])}"
    ctx["paragraphes_fin"] = [
        "Pour refuser la reconduction, il vous suffit de nous l'écrire (lettre ou e-mail) avant cette date.",
        "Nous vous adressons cet avis conformément à l'article L215-1 du Code de la consommation."]
    return dict(cx.clean(ctx))


def produce(book: Path, store: Any, planned: list[Any]) -> list[Path]:
    from pyxl.documents import jobs

    done = jobs.produce(book, planned)
    if done.warnings:
        from pyxl.core.issues import Refused

        raise Refused(done.warnings)
    return done.written


def attestation_document(book: Path, store: Any, job_id: str) -> list[Path]:
    from pyxl.documents import context as cx
    from pyxl.documents import jobs

    ctx = attestation_context(store, job_id)
    params = ds.parameters(store)
    folder = names.folder(book.parent, params.get("dossier_documents") or "Documents", int(ctx["annee"]),
                          cx.KINDS["attestation"][2])
    stem = names.document_name(f"Attestation {job_id}", ctx["client"]["nom"], ext="")
    return produce(book, store, [jobs.Planned("attestation", job_id, ctx, folder, stem)])


def notice_documents(book: Path, store: Any, notices: list[dict[str, Any]], as_of: dt.date) -> list[Path]:
    from pyxl.documents import context as cx
    from pyxl.documents import jobs

    params = ds.parameters(store)
    planned = []
    for n in notices:
        ctx = notice_context(store, n, as_of)
        folder = names.folder(book.parent, params.get("dossier_documents") or "Documents", as_of.year,
                              cx.KINDS["avis_reconduction"][2])
        stem = names.document_name(f"{n['contrat']} avis de reconduction {n['reconduction']:%Y}", ctx["client"]["nom"],
                                   ext="")
        planned.append(jobs.Planned("avis_reconduction", str(n["contrat"]), ctx, folder, stem))
    return produce(book, store, planned) if planned else []
