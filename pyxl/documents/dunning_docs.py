"""Reminder letters and injonction-de-payer files: contexts (texts computed here, templates only
print), and `syc relances executer`: every letter and file due rendered in ONE batch, one
combined PDF to print, one file per client and step, `.eml` drafts, each step recorded.

Legal wording (see docs/conception-relances.md): a consumer's letter never mentions the fixed
recovery indemnity nor late-payment penalties (L111-8 CPCE; D441-5 C. com. applies only to a
professional debtor); its interest is the legal rate from the day after the formal notice was
received (art. 1231-6 C. civ.). A business letter states the L441-10 penalties and the 40 € per
invoice (a claim born before a collective procedure gets no letter: it is declared; one born
after the opening judgment follows the normal procedure, L622-17 C. com.).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.core import fields
from pyxl.core import interest as it
from pyxl.core.courts import SOURCE, pilot_court_for
from pyxl.core.frformat import interest_rate
from pyxl.core.issues import Issue, Severity
from pyxl.core.money import euros
from pyxl.core.records import Payment
from pyxl.documents import context as cx
from pyxl.documents import jobs, names
from pyxl.services import docsource as ds
from pyxl.services import dunning, dunning_rates
from pyxl.services import salesdocs as sd
from pyxl.services.docsource import ChangeSet, Store

ZERO = Decimal("0.00")
KIND_OF_STEP = {"lettre": "relance_simple", "lrar": "relance_lrar", "mise-en-demeure": "mise_en_demeure",
                "injonction": "injonction"}
REGISTERED = "Lettre recommandée avec demande d'avis de réception"
STEP_NAMES = {"appel": "Appel", "lettre": "Lettre de relance", "lrar": "Lettre recommandée (48 h)",
              "mise-en-demeure": "Mise en demeure", "injonction": "Dossier d'injonction de payer"}


def _n(value: int, word: str) -> str:
    return f"{value} {word}{'s' if value > 1 else ''}"


def _invoice_lines(cases: Sequence[dunning.Case], as_of: dt.date) -> list[dict[str, str]]:
    invoices = [ds.invoice_of(c.invoice) for c in cases]
    return [{"numero": c.number, "date": sd.day(inv.date), "echeance": sd.day(c.due_date),
             "ttc": euros(inv.total_ttc), "reste": euros(c.owed),
             "retard": _n((as_of - c.due_date).days, "jour")} for c, inv in zip(cases, invoices, strict=True)]


@dataclass
class Amounts:
    owed: Decimal
    interest: Decimal
    indemnity: Decimal
    details: list[str] = field(default_factory=list)
    rate_warnings: list[str] = field(default_factory=list)
    recovered: Decimal = ZERO  # already paid on penalty notes (imputed first, art. 1343-1 C. civ.)

    @property
    def total(self) -> Decimal:
        return self.owed + self.interest + self.indemnity - self.recovered


def amounts(cases: Sequence[dunning.Case]) -> Amounts:
    a = Amounts(sum((c.owed for c in cases), ZERO), sum((c.interest.interest for c in cases), ZERO),
                sum((c.interest.indemnity for c in cases), Decimal(0)),
                recovered=sum((c.penalties_paid for c in cases), ZERO))
    for c in cases:
        lines = it.describe(c.interest)
        if lines:
            a.details.append(f"Facture {c.number} :")
            a.details += [f"  {x}" for x in lines]
        a.rate_warnings += [f"{c.number} : {w}" for w in c.interest.warnings]
    return a


def _decompte(a: Amounts, business: bool, as_of: dt.date) -> list[dict[str, str]]:
    out = [{"libelle": "Principal restant dû (TTC)", "montant": euros(a.owed)}]
    if a.interest:
        what = "Pénalités de retard (art. L441-10 du Code de commerce)" if business else \
            "Intérêts au taux légal depuis la réception de la mise en demeure"
        out.append({"libelle": f"{what}, au {sd.day(as_of)}", "montant": euros(a.interest)})
    if business and a.indemnity:
        out.append({"libelle": "Indemnité forfaitaire pour frais de recouvrement (40 € par facture, art. D441-5 "
                               "du Code de commerce)", "montant": euros(a.indemnity)})
    if a.recovered:
        out.append({"libelle": "Déjà réglé sur les notes de pénalités", "montant": euros(-a.recovered)})
    return out


def imputations(store: Store, cases: Sequence[dunning.Case], as_of: dt.date) -> list[str]:
    """How each payment received on these invoices was imputed (art. 1343-1 C. civ.: the penalties
    claimed by a note first, then the principal), one French sentence per payment; reversed
    payments are left out, as they never paid anything."""
    from pyxl.services import penalties

    numbers = {c.number for c in cases}
    paid = ds.payments_of(dunning.payments(store, numbers | {str(n["note"]) for n in _note_lines(store, numbers)},
                                           as_of))
    rows = [r for r in paid if (r.amount or ZERO) > 0 and r.date is not None and r.date <= as_of
            and (str(r.invoice) in numbers or str(r.applies_to or "") in numbers)]
    groups: dict[str, list[Payment]] = {}
    for r in rows:
        groups.setdefault(str(r.group or r.id), []).append(r)
    out = []
    for parts in groups.values():
        first = parts[0]
        total = sum((r.amount or ZERO for r in parts), ZERO)
        targets = [f"la note de pénalités {r.invoice} (pénalités de la facture {r.applies_to})"
                   if penalties.is_note_number(str(r.invoice)) else f"la facture {r.invoice}" for r in parts]
        if len(parts) == 1:
            how = f"imputé sur {targets[0]}"
        else:
            how = ("imputé " + ", puis ".join(f"{euros(r.amount)} sur {t}" for r, t in zip(parts, targets, strict=True))
                   + " (art. 1343-1 du Code civil : les pénalités d'abord)")
        out.append(f"règlement du {sd.day(first.date)} de {euros(total)}, {how}.")
    return out


def _note_lines(store: Store, numbers: set[str]) -> list[dict[str, Any]]:
    return ds.note_lines_on(store, numbers)


def letter_context(store: Store, step: str, cases: Sequence[dunning.Case], as_of: dt.date,
                   previous: dict[str, dt.date | None], note: str = "") -> dict[str, Any]:
    """The context of one reminder letter to one client about `cases` (all at step `step`); `note`:
    the penalty note issued with a formal notice."""
    params = ds.parameters(store)
    firm = cx.company(params)
    client = cx.client_block(ds.client_of(cases[0].client))
    business = cases[0].business
    a = amounts(cases)
    total = a.total if business else a.owed + a.interest - a.recovered
    n = len(cases)
    refs = ", ".join(c.number for c in cases)
    fact = "la facture" if n == 1 else "les factures"
    iban = params.get("iban") or ""
    pay = (f" par virement (IBAN {iban})" if iban else "") + " ou par chèque à l'ordre de " + firm["raison_sociale"]
    paras: list[str] = []
    end: list[str] = []
    if step == "lettre":
        subject = f"Relance — {'facture' if n == 1 else 'factures'} {refs} impayée{'s' if n > 1 else ''}"
        head = ""
        paras.append(f"Sauf erreur ou omission de notre part, {fact} ci-dessous, arrivée{'s' if n > 1 else ''} à "
                     f"échéance, {'reste' if n == 1 else 'restent'} impayée{'s' if n > 1 else ''} à ce jour. Il s'agit "
                     "sans doute d'un oubli.")
        made_of = ""
        if business and total != a.owed:
            made_of = (f" (principal {euros(a.owed)}, pénalités de retard {euros(a.interest)} et indemnité "
                       f"forfaitaire {euros(a.indemnity)} au {sd.day(as_of)}"
                       + (f", moins {euros(a.recovered)} déjà réglés sur les notes de pénalités" if a.recovered else "")
                       + ")")
        end.append(f"Nous vous remercions de bien vouloir nous adresser votre règlement de {euros(total)}{made_of}"
                   f"{pay}, dans les huit jours suivant la réception de ce courrier.")
        if business:
            end.append("Nous vous rappelons que tout retard de paiement rend exigibles de plein droit, sans qu'un "
                       "rappel soit nécessaire, des pénalités de retard et une indemnité forfaitaire pour frais de "
                       "recouvrement de 40 € par facture (art. L441-10 et D441-5 du Code de commerce) : elles sont "
                       "comprises dans cette somme.")
        end.append("Si votre règlement a croisé ce courrier, nous vous prions de ne pas en tenir compte.")
    elif step == "lrar":
        subject = f"Relance avant mise en demeure — {refs}"
        head = "Dernière relance avant mise en demeure"
        before = previous.get("lettre")
        paras.append((f"Malgré notre relance du {sd.day(before)}, " if before else "Malgré nos relances, ")
                     + f"{fact} ci-dessous {'reste' if n == 1 else 'restent'} impayée{'s' if n > 1 else ''}.")
        end.append(f"Nous vous demandons de régler la somme de {euros(total)} sous 48 heures à compter de la réception "
                   f"de la présente{pay}.")
        end.append("À défaut, nous vous adresserons une mise en demeure, puis nous engagerons une procédure de "
                   "recouvrement judiciaire.")
        if business:
            end.append("Cette somme comprend les pénalités de retard et l'indemnité forfaitaire pour frais de "
                       "recouvrement dues de plein droit (art. L441-10 et D441-5 du Code de commerce).")
    else:  # mise-en-demeure
        subject = f"Mise en demeure de payer — {refs}"
        head = "Mise en demeure"
        dates = [d for d in (previous.get("lettre"), previous.get("lrar")) if d]
        paras.append("Malgré nos relances" + (f" des {' et '.join(sd.day(d) for d in dates)}" if len(dates) > 1 else
                                              (f" du {sd.day(dates[0])}" if dates else ""))
                     + f", {fact} ci-dessous {'reste' if n == 1 else 'restent'} impayée{'s' if n > 1 else ''}.")
        end.append(f"Par la présente, nous vous mettons en demeure de nous régler la somme de {euros(total)} dans un "
                   f"délai de huit jours à compter de la réception de ce courrier{pay}.")
        if business:
            end.append(f"Cette somme comprend les pénalités de retard arrêtées au {sd.day(as_of)} et l'indemnité "
                       "forfaitaire pour frais de recouvrement de 40 € par facture (art. D441-5 du Code de commerce). "
                       f"Les pénalités de retard continuent de courir après le {sd.day(as_of)} jusqu'au paiement "
                       f"complet, {penalty_rate_text(store, as_of, cases)} (art. L441-10 du Code de commerce).")
        else:
            end.append("La présente mise en demeure fait courir, à compter de sa réception, les intérêts au taux "
                       "légal sur la somme due (art. 1231-6 et 1344-1 du Code civil).")
        end.append("À défaut de règlement dans ce délai, nous saisirons sans autre avis la juridiction compétente "
                   "d'une requête en injonction de payer.")
    received = imputations(store, cases, as_of)
    if received:
        paras.append("Nous avons bien reçu : " + " ; ".join(x.removesuffix(".") for x in received) + ".")
    if note:
        end.insert(1, f"Le décompte des pénalités et de l'indemnité figure sur la note de pénalités n° {note} jointe. "
                      "Tout paiement partiel s'imputera d'abord sur elle, puis sur le principal (art. 1343-1 du Code "
                      "civil).")
    ctx: dict[str, Any] = {
        "titre": STEP_NAMES[step], "type": KIND_OF_STEP[step], "entreprise": firm, "client": client,
        "doc": {"numero": "", "date": cx.long_date(as_of), "objet": subject},
        "lieu_date": (f"{firm['ville']}, le " if firm["ville"] else "Le ") + cx.long_date(as_of),
        "mention_envoi": REGISTERED if step in ("lrar", "mise-en-demeure") else "",
        "en_tete": head, "formule_appel": "Madame, Monsieur,", "paragraphes": paras,
        "factures": _invoice_lines(cases, as_of), "decompte": _decompte(a, business, as_of),
        "total_reclame": euros(total) if (a.interest or (business and a.indemnity)) else "",
        "paragraphes_fin": end, "detail_interets": a.details,
        "formule_politesse": ("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations "
                              "distinguées."),
        "signataire": firm["raison_sociale"], "annee": as_of.year,
    }
    return ctx


def penalty_rate_text(store: Store, as_of: dt.date, cases: Sequence[dunning.Case] = ()) -> str:
    """« au taux de 12,40 % l'an (taux BCE de 2,40 % + 10 points, …) »: the rate that applies from
    as_of on, as the formal notice must name it — the clause of the invoices claimed (stored at their
    issue), never today's parameter; several different clauses: each invoice's own."""
    params = ds.parameters(store)
    clauses = {dunning.invoice_clause(c.invoice, params) for c in cases}
    if len(clauses) > 1:
        return "au taux prévu par la clause de pénalités de chaque facture, figurant sur celle-ci"
    contractual = clauses.pop() if clauses else dunning.contractual_rate(params)
    if contractual == it.THREE_TIMES_LEGAL:
        return ("au taux contractuel de trois fois le taux d'intérêt légal de chaque semestre, prévu par nos "
                "conditions générales")
    if contractual is not None:
        return f"au taux contractuel de {interest_rate(contractual)} l'an prévu par nos conditions générales"
    half = it.half_year(as_of)
    row = dunning_rates.tables(store).penalty(half)
    if row is None:
        return "au taux BCE + 10 points du semestre de chaque jour de retard"
    return (f"au taux de {interest_rate(row.default)} l'an pour le semestre {half} (taux de la BCE de "
            f"{interest_rate(row.ecb)} + 10 points), puis au taux BCE + 10 points de chaque semestre suivant")


# --------------------------------------------------------------------------- injonction de payer
def court(client: Any, day: dt.date | None = None) -> tuple[str, str, str]:
    """The court by debtor, then the pilot « tribunal des activités économiques » of its département
    when the experiment runs on `day` (loi 2023-1059 art. 26): it replaces the tribunal de commerce,
    and also hears non-trading professionals; consumers stay before the tribunal judiciaire."""
    name, form, why = _court(client)
    pilot = pilot_court_for(str(client.get("postcode") or ""), day) if day is not None else None
    if pilot is None or client["kind"] != "Professionnel":
        return name, form, why
    commercial = name == "Tribunal de commerce"
    return (pilot.name, "Cerfa n° 12946 (requête en injonction de payer devant le tribunal de commerce, "
                        "déposée au tribunal des activités économiques)",
            (why if commercial else "Débiteur professionnel non commerçant ni artisan.")
            + f" Le {pilot.name} remplace le tribunal de commerce à titre expérimental et connaît aussi des "
              f"litiges des professionnels non commerçants ({SOURCE}) : vérifiez que l'adresse du débiteur est "
              "dans son ressort.")


def _court(client: Any) -> tuple[str, str, str]:
    """(court, form, why) by debtor (domain.md §8.4): a trader or craftsman → tribunal de commerce,
    Cerfa 12946 (L721-3 C. com.: disputes between craftsmen, or craftsman and trader, since 2022),
    and so is a company commercial by its form (SARL, SAS, SASU, SA, SNC, EURL: L210-1 C. com.;
    L721-3 2°) whatever its category says; consumers and other debtors → tribunal judiciaire,
    Cerfa 12948."""
    commercial = "Tribunal de commerce", "Cerfa n° 12946 (requête en injonction de payer devant le tribunal de commerce)"
    if client["kind"] == "Professionnel":
        form = fields.commercial_form(str(client["name"] or ""))
        if form:
            return (*commercial, f"Débiteur société commerciale par sa forme ({form}, art. L210-1 du Code de commerce) :"
                                 " contestation relative à une société commerciale, de la compétence du tribunal de "
                                 "commerce (art. L721-3 2° du Code de commerce).")
        if client["category"] == "Commerçant-artisan":
            return (*commercial, "Débiteur commerçant ou artisan : litige entre artisans ou entre artisan et commerçant, "
                                 "de la compétence du tribunal de commerce (art. L721-3 1° du Code de commerce).")
    who = "particulier" if client["kind"] == "Particulier" else "professionnel non commerçant ni artisan"
    return ("Tribunal judiciaire", "Cerfa n° 12948 (requête en injonction de payer devant le tribunal judiciaire)",
            f"Débiteur {who} : créance civile, de la compétence du tribunal judiciaire. Si le client est en fait "
            "commerçant ou artisan, corrigez sa catégorie dans « Clients » (tribunal de commerce, Cerfa 12946).")


def category_warning(client: Any) -> str:
    """A business client whose category says « Autre » but whose name carries a commercial form."""
    form = fields.commercial_form(str(client["name"] or "")) if client["kind"] == "Professionnel" else None
    if form and client["category"] != "Commerçant-artisan":
        return (f"Le client {client['code']} est classé « {client['category'] or 'sans catégorie'} » mais son nom porte "
                f"la forme {form}, commerciale par sa forme (art. L210-1 du Code de commerce) : le tribunal de commerce "
                "est retenu. Corrigez sa catégorie dans « Clients » (Commerçant-artisan) si la forme est exacte.")
    return ""


def payment_order_context(store: Store, cases: Sequence[dunning.Case], as_of: dt.date) -> dict[str, Any]:
    params = ds.parameters(store)
    firm = cx.company(params)
    c0 = cases[0]
    client = ds.client_of(c0.client)
    block = cx.client_block(client)
    business = c0.business
    a = amounts(cases)
    total = a.total if business else a.owed + a.interest - a.recovered
    tribunal, cerfa, why = court(client.values(), as_of)
    creditor = [firm["raison_sociale"] + (f" ({params.get('forme_juridique')})" if params.get("forme_juridique") else ""),
                *firm["adresse_lignes"]]
    if params.get("siret"):
        creditor.append(f"SIRET : {params['siret']}")
    if params.get("rcs_rm"):
        creditor.append(str(params["rcs_rm"]))
    if params.get("telephone") or params.get("email"):
        creditor.append(" — ".join(x for x in (params.get("telephone"), params.get("email")) if x))
    debtor = [*block["adresse_lignes"]]
    debtor.append(f"Client n° {client.code} — {str(client.kind).lower()}"
                  + (f", {str(client.category).lower()}" if client.category else ""))
    if client.siret:
        debtor.append(f"SIRET / SIREN : {client.siret}")
    if client.phone or client.email:
        debtor.append(" — ".join(str(x) for x in (client.phone, client.email) if x))
    steps = []
    for c in cases:
        for r in map(ds.values_of, c.history):
            steps.append({"date": sd.day(r["date"]), "facture": c.number,
                          "etape": STEP_NAMES.get(str(r["step"] or ""), "Note"), "poste": sd.day(r["posted_on"]),
                          "recommande": str(r["lr_number"] or ""),
                          "ar": (f"pli non réclamé, revenu le {sd.day(r['ack_on'])}"
                                 if r["outcome"] == "Pli non réclamé" and r["ack_on"] else sd.day(r["ack_on"])),
                          "resultat": str(r["outcome"] or "")})
    notes = [
        "Compétence territoriale : la requête se porte devant la juridiction du lieu où demeure le débiteur "
        "(art. 1406 du Code de procédure civile). Vérifiez la juridiction de l'adresse ci-dessus et complétez-la "
        "vous-même : SYC Gestion ne la choisit pas.",
        "Après l'ordonnance : la faire signifier par un commissaire de justice dans les six mois ; le débiteur a un "
        "mois pour former opposition ; demandez ensuite la formule exécutoire dans le mois (art. 1411 à 1423 CPC).",
    ]
    if a.owed + a.interest <= dunning.SMALL_CLAIMS_LIMIT:  # principal and interest, not the 40 € (R125-1 CPCE)
        notes.append(f"Créance de {euros(a.owed + a.interest)} en principal et intérêts, au plus 5 000 € : la "
                     "procédure simplifiée de recouvrement des petites "
                     "créances par un commissaire de justice est possible (art. L125-1 et R125-1 du Code des "
                     "procédures civiles d'exécution) ; le débiteur a un mois pour l'accepter, les frais restent "
                     "à la charge du créancier.")
    if business:
        notes.append("Pénalités de retard : taux BCE + 10 points (ou taux contractuel) du semestre de chaque jour de "
                     "retard, sur le TTC restant dû, année de 365 jours ; indemnité forfaitaire de 40 € par facture.")
    else:
        med = [c.done.get("mise-en-demeure") for c in cases]
        received = [m.ack_on for m in med if m is not None and m.ack_on]
        notes.append("Client particulier : intérêts au taux légal (taux « autres cas », créancier professionnel) à "
                     "compter de la réception de la mise en demeure"
                     + (f" (reçue le {sd.day(min(received))})" if received else " — date de réception non notée : "
                        "aucun intérêt n'est chiffré") + " ; aucun frais de recouvrement à sa charge (art. L111-8 CPCE). "
                     "Prescription de deux ans à compter de la fin des travaux (art. L218-2 du Code de la "
                     "consommation ; Cass. 1re civ. 19/05/2021 n° 20-12.520), repartie à chaque règlement partiel, "
                     "promesse ou échéancier, qui reconnaît la dette (art. 2240 du Code civil)"
                     + (f" : prescription le {sd.day(min(ps))}." if (ps := [c.prescription for c in cases
                                                                            if c.prescription]) else "."))
    if warning := category_warning(client.values()):
        notes.append(warning)
    notes += a.rate_warnings
    notes += [x for c in cases for x in c.alarms]
    pieces = ["Les factures " + ", ".join(c.number for c in cases) + " (copies)",
              "Le devis signé ou le bon de commande (accord du client)",
              "Les lettres de relance et la mise en demeure, avec les preuves de dépôt et les avis de réception",
              "Un extrait K-bis du créancier de moins de trois mois (société)"]
    return {
        "titre": "Dossier d'injonction de payer", "type": "injonction", "entreprise": firm, "client": block,
        "doc": {"numero": "", "date": cx.long_date(as_of), "objet": f"Injonction de payer — {client.code}"},
        "tribunal": tribunal, "cerfa": cerfa, "motif_tribunal": why, "note_competence": notes[0],
        "creancier": creditor, "debiteur": debtor, "factures": _invoice_lines(cases, as_of),
        "decompte": [*_decompte(a, business, as_of), {"libelle": "Total de la créance", "montant": euros(total)}],
        "detail_interets": a.details, "relances": steps, "remarques": notes[1:], "pieces": pieces,
        "annee": as_of.year, "total": total,
    }


# --------------------------------------------------------------------------- one batch
@dataclass
class Batch:
    planned: list[jobs.Planned] = field(default_factory=list)
    groups: list[tuple[str, list[dunning.Case], jobs.Planned]] = field(default_factory=list)  # (step, cases, doc)
    warnings: list[Issue] = field(default_factory=list)
    # the penalty notes issued with the formal notices to business clients: written with the
    # « Relances » rows, only if the letters were produced
    note_changes: ChangeSet = field(default_factory=ChangeSet)
    notes: dict[str, jobs.Planned] = field(default_factory=dict)  # client code → the note's document


def plan(store: Store, book: Path, ses: dunning.Session) -> Batch:
    """One document per client and step due (letters, then payment-order files)."""
    batch = Batch()
    params = ds.parameters(store)
    folder = names.folder(book.parent, params.get("dossier_documents") or "Documents", ses.as_of.year, "Relances")
    groups: dict[tuple[str, str], list[dunning.Case]] = {}
    for c, level in ses.documents():
        groups.setdefault((c.client_code, level.step), []).append(c)
    order = {s: i for i, s in enumerate(("lettre", "lrar", "mise-en-demeure", "injonction"))}
    note_of = _notes_with_notices(store, book, ses, groups, batch)
    for (code, step), cases in sorted(groups.items(), key=lambda kv: (order[kv[0][1]], kv[0][0])):
        previous = {s: min((c.done[s].posted_on or c.done[s].first for c in cases if s in c.done), default=None)
                    for s in ("lettre", "lrar")}
        if step == "injonction":
            ctx = payment_order_context(store, cases, ses.as_of)
        else:
            ctx = letter_context(store, step, cases, ses.as_of, previous,
                                 note_of.get(code, "") if step == "mise-en-demeure" else "")
        ctx = cx.clean(ctx)
        kind = KIND_OF_STEP[step]
        stem = names.document_name(f"{ses.as_of:%Y-%m-%d} {STEP_NAMES[step]}", ctx["client"]["nom"], ext="")
        p = jobs.Planned(kind, code, ctx, folder, stem)
        batch.planned.append(p)
        batch.groups.append((step, cases, p))
        if step == "mise-en-demeure" and code in batch.notes:
            batch.planned.append(batch.notes[code])
    return batch


def _notes_with_notices(store: Store, book: Path, ses: dunning.Session,
                        groups: dict[tuple[str, str], list[dunning.Case]], batch: Batch) -> dict[str, str]:
    """A penalty note for each business client getting a formal notice, when it has something to
    claim (issue 13: penalties become a receivable through the note). Consumers get none: their
    legal interest only runs from the notice's receipt."""
    from pyxl.services import penalties

    drafts = []
    for (code, step), cases in sorted(groups.items()):
        if step == "mise-en-demeure" and cases[0].business:
            d = penalties.draft(store, code, ses.as_of, cases=cases)
            if d.lines:
                drafts.append((code, d))
    if not drafts:
        return {}
    params = ds.parameters(store)
    folder = names.folder(book.parent, params.get("dossier_documents") or "Documents", ses.as_of.year,
                          cx.KINDS["penalites"][2])
    out = {}
    for (code, d), number in zip(drafts, penalties.numbers(store, batch.note_changes, ses.as_of, len(drafts)),
                                 strict=True):
        penalties.issue(store, d, batch.note_changes, penalties.WITH_NOTICE, number)
        note, lines = penalties.rows_of(d, number, penalties.WITH_NOTICE)
        ctx = cx.clean(cx.penalty_note_of(store, note, lines, ds.client(store, code)))
        stem = names.document_name(number, ctx["client"]["nom"], ext="").removesuffix(".")
        batch.notes[code] = jobs.Planned("penalites", number, ctx, folder, stem)
        out[code] = number
    return out


def write_drafts(store: Store, batch: Batch, outcome: jobs.Outcome, book: Path) -> tuple[list[Path], list[Issue]]:
    """An .eml draft beside each letter whose client has an e-mail address (never for the court file)."""
    from pyxl.documents import mail

    params = ds.parameters(store)
    firm = cx.company(params)
    sender = params.get("smtp_expediteur") or params.get("email") or ""
    written = set(outcome.written)
    drafts: list[Path] = []
    warnings: list[Issue] = []
    for step, cases, p in batch.groups:
        pdf = p.folder / f"{p.stem}.pdf"
        client = ds.client_of(cases[0].client)
        to = str(client.email or "")
        if step == "injonction" or pdf not in written or not to:
            continue
        doc = mail.Outgoing(kind="lettre", number="", client_code=cases[0].client_code,
                            client_name=sd.client_name(client.values()), to=to, attachments=(pdf,))
        try:
            msg = mail.build_message(doc, firm, sender, draft=True)
        except mail.SendError as exc:
            warnings.append(Issue("relance.eml", f"{cases[0].client_code} : brouillon d'e-mail non écrit ({exc}).",
                                  cases[0].client_code, Severity.WARNING))
            continue
        del msg["Subject"]
        msg["Subject"] = mail.one_line(f"{p.context['doc']['objet']} — {firm['raison_sociale']}")
        drafts.append(mail.write_draft(msg, p.folder / f"{p.stem}.eml"))
    return drafts, warnings


@dataclass
class Produced:
    """What a batch of reminder letters and files became: the files, the steps to record."""

    outcome: jobs.Outcome
    pdfs: list[Path]  # one per client and step, in the batch's order
    steps: int  # invoices whose step is recorded
    result: Any  # the « Relances » rows to write (pyxl.services.common.Result)


def produce_and_record(store: Store, book: Path, batch: Batch, as_of: dt.date,
                       progress: Callable[[str, int, int], None] | None = None) -> Produced:
    """Render the batch (one LibreOffice call), then the « Relances » rows of what was actually
    produced — documents first, so a failed conversion records nothing. Nothing is written here.
    `progress`: see `jobs.produce`."""
    from pyxl.services import reminders

    outcome = jobs.produce(book, batch.planned, progress=progress, store=store)
    written = set(outcome.written)
    produced = []
    pdfs = []
    for step, cases, p in batch.groups:
        pdf = p.folder / f"{p.stem}.pdf"
        if pdf in written:
            what = "Dossier préparé" if step == "injonction" else "Lettre préparée"
            produced += [(c, step, what, str(pdf.relative_to(book.parent))) for c in cases]
            pdfs.append(pdf)
            note = batch.notes.get(cases[0].client_code) if step == "mise-en-demeure" else None
            if note is not None and (note.folder / f"{note.stem}.pdf") in written:
                pdfs.append(note.folder / f"{note.stem}.pdf")  # printed and sent with its letter
    res = reminders.record_produced(store, as_of, produced)
    if produced and not batch.note_changes.empty:  # the notes are issued with the letters, or not at all
        res.changes.extend(batch.note_changes)
    return Produced(outcome, pdfs, len(produced), res)


def produced(pdfs: int, steps: int) -> str:
    """What a dunning run produced, said alike by `syc relances faire` and the button."""
    from pyxl.core.frformat import plural
    from pyxl.core.messages import msg

    return msg("relances.produits", documents=plural(pdfs, "document produit", "documents produits"),
               steps=plural(steps, "étape de relance notée", "étapes de relance notées"))


def print_file(pdfs: Sequence[Path], as_of: dt.date) -> Path | None:
    """All the letters and files of the batch in one PDF, to print in one go."""
    from pyxl.documents import merge

    if not pdfs:
        return None
    return merge.combine(pdfs, pdfs[0].parent / f"{as_of:%Y-%m-%d} Relances à imprimer.pdf")
