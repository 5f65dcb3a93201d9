"""Sample data: a plausible heating business, SYC Chauffage in Lyon.

Two uses:
  * `syc init --demo`: the company, four sectors, three clients and six articles (`fill`);
  * `syc demo`: a larger client file and catalogue (`fill(..., full=True)`), then four months of
    sales — January to April 2026 — run through the same services as the commands (`run_scenario`):
    quotes, a follow-up with a revised quote, a refusal, a contract signed at a consumer's home,
    an urgent repair, orders, deposits, final invoices, payments, a bounced cheque, a credit note,
    an invoice left unpaid past its due date. Every date is pinned, so the workbook is the same
    whatever the day it is made.

Everything goes through the services (validation included); `Runner` writes each action the way
`syc` does (`pyxl.cli.common.apply`): closures of the past days first, in the same write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxl.services import articles, clients, parameters, sectors
from pyxl.services.common import Result
from pyxl.workbook.filestore import ChangeSet, FileStore

COMPANY = {
    "raison_sociale": "SYC Chauffage",
    "forme_juridique": "SARL",
    "capital": "20000",
    "siret": "73282932000074",
    "rcs_rm": "RCS Lyon 732 829 320",
    "tva_intra": "FR44732829320",
    "code_ape": "4322B",
    "adresse": "12 rue des Artisans",
    "code_postal": "69003",
    "ville": "Lyon",
    "telephone": "04 72 00 00 00",
    "email": "contact@syc-chauffage.fr",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "assureur_decennale": "MAAF Assurances, Chaban, 79180 Chauray",
    "contrat_decennale": "DEC-2026-001234",
    "mediateur_consommation": "Médiateur de l'exemple, 1 rue de la Médiation, 75001 Paris, www.mediateur-exemple.fr",
}
SECTORS = [("69", "Lyon et Rhône", ""), ("38", "Isère", ""), ("01", "Ain", ""), ("42", "Loire", "")]
CLIENTS = [
    dict(name="DUPONT", first_name="Jean", kind="particulier", address="5 rue Victor Hugo", postcode="69002",
         city="Lyon", phone="0612345678", email="jean.dupont@example.fr"),
    dict(name='Dupont & Fils <SARL> "l\'Étang"', kind="professionnel", address="ZA de l'Étang", postcode="38200",
         city="Vienne", siret="81234567600017", vat_number="FR19812345676", category="commercant-artisan",
         terms="30 jours fin de mois", phone="04 74 00 00 00", email="compta@dupont-fils.example"),
    dict(name="MARTIN", first_name="Sophie", kind="particulier", address="Le Bourg", postcode="01600",
         city="Trévoux", phone="0478000001"),
]
ARTICLES = [
    dict(code="CHG-25", designation="Chaudière gaz à condensation 25 kW", unit="u", unit_price="3221,29",
         vat_rate="20", purchase_price="2150", family="materiel", category="chaudiere-gaz"),
    dict(code="PAC-8", designation="Pompe à chaleur air/eau 8 kW", unit="u", unit_price="8900",
         vat_rate="5,5", purchase_price="6100", family="materiel", category="pac-air-eau"),
    dict(code="ENT-CHG", designation="Entretien annuel chaudière gaz", unit="forfait", unit_price="120",
         vat_rate="10", family="service", category="chaudiere-gaz"),
    dict(code="MO-H", designation="Main-d'œuvre (heure)", unit="h", unit_price="55", vat_rate="10",
         family="main-oeuvre"),
    dict(code="DEP", designation="Déplacement", unit="forfait", unit_price="35", vat_rate="10",
         family="deplacement"),
    dict(code="RAD-ACI", designation="Radiateur acier 1 000 W", unit="u", unit_price="245,50", vat_rate="10",
         purchase_price="132,40", family="materiel", category="radiateur"),
]

# --------------------------------------------------------------------------- the larger demo (syc demo)
MORE_SECTORS = [("73", "Savoie", ""), ("26", "Drôme", ""), ("71", "Saône-et-Loire", "")]
MORE_CLIENTS = [
    dict(name="BERNARD", first_name="Luc", kind="particulier", address="14 avenue Roger Salengro",
         postcode="69100", city="Villeurbanne", phone="0623456789", email="luc.bernard@example.fr"),
    dict(name="Boulangerie Petit", kind="professionnel", address="2 place du Marché", postcode="42000",
         city="Saint-Étienne", siret="41235678400014", vat_number="FR70412356784", category="commercant-artisan",
         terms="30 jours nets", phone="0477000012", email="contact@boulangerie-petit.example"),
    dict(name="SCI Les Tilleuls", kind="professionnel", address="8 chemin des Tilleuls", postcode="38000",
         city="Grenoble", siret="51234987900019", vat_number="FR65512349879", category="autre",
         terms="45 jours fin de mois", phone="0476000034", email="gestion@sci-tilleuls.example"),
    dict(name="ROUX", first_name="Claire", kind="particulier", address="27 rue de la République",
         postcode="38000", city="Grenoble", phone="0634567890", email="claire.roux@example.fr"),
    dict(name="LEFEBVRE", first_name="Marc", kind="particulier", address="3 impasse des Lilas", postcode="42100",
         city="Saint-Étienne", phone="0645678901"),
    dict(name="Garnier Bâtiment SAS", kind="professionnel", address="150 route de Lyon", postcode="01700",
         city="Miribel", siret="44556612800010", vat_number="FR81445566128", category="commercant-artisan",
         terms="30 jours fin de mois", phone="0478000056", email="compta@garnier-batiment.example",
         notes="Entreprise générale du bâtiment : nous intervenons en sous-traitance (autoliquidation)."),
    dict(name="FAURE", first_name="Hélène", kind="particulier", address="9 montée du Gourguillon",
         postcode="69005", city="Lyon", phone="0656789012", email="helene.faure@example.fr"),
    dict(name="GIRARD", first_name="Paul", kind="particulier", address="41 avenue de Bassens", postcode="73000",
         city="Chambéry", phone="0479000078", email="paul.girard@example.fr"),
]
FRISQUET = "Chaudière Frisquet à condensation 25 kW avec ballon 120 L"
MORE_ARTICLES = [
    dict(code="CHF-FRISQ25", designation=FRISQUET, unit="u", unit_price="3221,29", vat_rate="20",
         purchase_price="2254,90", family="materiel", category="chaudiere-thpe"),
    dict(code="CHF-FIOUL24", designation="Chaudière fioul à condensation 24 kW", unit="u", unit_price="4380",
         vat_rate="20", purchase_price="3050", family="materiel", category="chaudiere-fioul"),
    dict(code="CHB-GRAN20", designation="Chaudière à granulés de bois 20 kW", unit="u", unit_price="11900",
         vat_rate="5,5", purchase_price="8300", family="materiel", category="biomasse"),
    dict(code="PAC-11", designation="Pompe à chaleur air/eau 11 kW", unit="u", unit_price="10900", vat_rate="5,5",
         purchase_price="7480", family="materiel", category="pac-air-eau"),
    dict(code="BAL-THERMO", designation="Ballon thermodynamique 200 L", unit="u", unit_price="2390",
         vat_rate="10", purchase_price="1620", family="materiel", category="ballon-ecs"),
    dict(code="REG-THERM", designation="Thermostat d'ambiance connecté", unit="u", unit_price="249", vat_rate="5,5",
         purchase_price="118", family="materiel", category="regulation"),
    dict(code="REG-SONDE", designation="Sonde de température extérieure", unit="u", unit_price="68",
         vat_rate="5,5", purchase_price="29", family="materiel", category="regulation"),
    dict(code="RAD-ACI-15", designation="Radiateur acier 1 500 W", unit="u", unit_price="312", vat_rate="10",
         purchase_price="168", family="materiel", category="radiateur"),
    dict(code="VASE-8", designation="Vase d'expansion 8 L", unit="u", unit_price="38,50", vat_rate="10",
         purchase_price="16,90", family="materiel", category="piece"),
    dict(code="CIRC-HE", designation="Circulateur haute efficacité", unit="u", unit_price="289", vat_rate="10",
         purchase_price="148", family="materiel", category="piece"),
    dict(code="ROB-THERMO", designation="Robinet thermostatique", unit="u", unit_price="32,90", vat_rate="10",
         purchase_price="12,40", family="materiel", category="piece"),
    dict(code="ELEC-ALLUM", designation="Électrode d'allumage", unit="u", unit_price="46", vat_rate="10",
         purchase_price="19,80", family="materiel", category="piece"),
    dict(code="CARTE-CHG", designation="Carte électronique de chaudière", unit="u", unit_price="395",
         vat_rate="10", purchase_price="212", family="materiel", category="piece"),
    dict(code="JOINTS", designation="Kit joints et raccords", unit="u", unit_price="18,50", vat_rate="10",
         purchase_price="6,20", family="materiel", category="piece"),
    dict(code="KIT-RACC", designation="Kit de raccordement chaudière (ventouse, raccords)", unit="u",
         unit_price="265", vat_rate="10", purchase_price="128", family="materiel", category="piece"),
    dict(code="MO-URG", designation="Main-d'œuvre urgence (heure, soir et week-end)", unit="h",
         unit_price="82,50", vat_rate="10", family="main-oeuvre"),
    dict(code="MES", designation="Mise en service", unit="forfait", unit_price="150", vat_rate="10",
         family="service"),
    dict(code="DEPOSE", designation="Dépose et évacuation de l'ancien appareil", unit="forfait",
         unit_price="290", vat_rate="10", family="service", category="autre"),
    dict(code="DESEMB", designation="Désembouage du circuit de chauffage", unit="forfait", unit_price="480",
         vat_rate="10", family="service", category="autre"),
    dict(code="DEP-Z2", designation="Déplacement zone 2 (plus de 30 km)", unit="forfait", unit_price="55",
         vat_rate="10", family="deplacement"),
    dict(code="ENT-THPE", designation="Entretien annuel chaudière à condensation", unit="forfait",
         unit_price="145", vat_rate="5,5", family="service", category="chaudiere-thpe"),
    dict(code="ENT-PAC", designation="Entretien annuel pompe à chaleur", unit="forfait", unit_price="190",
         vat_rate="5,5", family="service", category="pac-air-eau"),
]

SETUP_DAY = dt.date(2026, 1, 2)  # the client file and the catalogue of `syc demo`
FIRST_DAY = dt.date(2026, 1, 5)  # the first quote
LAST_DAY = dt.date(2026, 4, 30)  # the day the summary is made at (what is overdue then)


def _merge(into: ChangeSet, res: Result) -> None:
    for t, rows in res.changes.appends.items():
        for r in rows:
            into.append(t, r)
    for t, ups in res.changes.updates.items():
        for n, values in ups:
            into.update(t, n, values)


def fill(book: Path, as_of: dt.date, *, full: bool = False) -> None:
    """Fill a fresh workbook: one write per client (each takes the next code), the others batched.

    `full`: also the extra sectors, clients and articles of `syc demo`."""
    changes = ChangeSet()
    store = FileStore(book)
    for code, value in COMPANY.items():
        _merge(changes, parameters.modify_parameter(store, code, value))
    store.apply(changes, as_of=as_of)
    for prefix, name, notes in SECTORS + (MORE_SECTORS if full else []):
        store = FileStore(book)
        store.apply(sectors.add_sector(store, prefix, name, notes).changes, as_of=as_of)
    for c in CLIENTS + (MORE_CLIENTS if full else []):
        store = FileStore(book)
        store.apply(clients.add_client(store, clients.ClientInput(**c), as_of).changes, as_of=as_of)
    changes = ChangeSet()
    store = FileStore(book)
    for a in ARTICLES + (MORE_ARTICLES if full else []):
        _merge(changes, articles.add_article(store, articles.ArticleInput(**a), as_of))
    store.apply(changes, as_of=as_of)


# --------------------------------------------------------------------------- the runner
@dataclass
class Runner:
    """Runs a service the way `syc` does (`common.apply`, `sales._then_issue`): under the write
    lock, the closures of the past days made first in the same change set, then the closure files.
    The clock is pinned: the journal's timestamps are the action's day from 08:00, a few minutes
    apart, so that the same scenario always makes the same workbook."""

    book: Path
    actions: int = 0
    closures: list[dict[str, Any]] = field(default_factory=list)
    _day: dt.date | None = None
    _tick: int = 0

    def now(self, day: dt.date) -> dt.datetime:
        if day != self._day:
            self._day, self._tick = day, 0
        self._tick += 1
        return dt.datetime.combine(day, dt.time(8, 0)) + dt.timedelta(minutes=7 * self._tick)

    def __call__(self, day: dt.date, service: Callable[[FileStore], Result], *, issue: bool = False) -> Result:
        from pyxl.services import closures, invoices

        store = FileStore(self.book)
        now = self.now(day)
        with store.session():
            store.check_version()
            res = service(store)
            if issue:  # the draft is written, then issued in the same session (syc … --emettre)
                store.apply(res.changes, as_of=day, now=now)
                res = invoices.issue(store, res.data["reference"], day)
            made = closures.pending(store, res.changes, day, now)
            store.apply(res.changes, as_of=day, now=now)
        if made:
            closures.write_files(self.book, made)
            self.closures += made
        self.actions += 1
        return res


# --------------------------------------------------------------------------- the scenario
def _d(day: int, month: int) -> dt.date:
    return dt.date(2026, month, day)


def run_scenario(book: Path) -> Runner:
    """Four months of a heating business, January to April 2026, through the services.

    The workbook must hold the company, clients and catalogue of `fill(..., full=True)`."""
    from pyxl.services import invoices as inv
    from pyxl.services import orders, payments, quotes
    from pyxl.services.quotes import QuoteInput

    run = Runner(book)

    def quote(day: dt.date, client: str, lines: list[str], nature: str, obj: str, *, housing: str = "oui",
              away: bool = False, discount: str | None = None, reverse: bool = False, send: bool = True) -> str:
        execution = {"depannage": "sous 48 heures", "entretien": "dans le mois"}.get(
            nature.casefold().replace("é", "e"), "sous 3 semaines")
        given = QuoteInput(client=client, lines=lines, nature=nature, housing_old=housing, away=away, object=obj,
                           discount=discount, reverse_charge=reverse, execution=execution)
        number = str(run(day, lambda s: quotes.create_quote(s, given, day)).data["numero"])
        if send:
            run(day, lambda s: quotes.send_quote(s, number, day))
        return number

    def accept(day: dt.date, number: str, *, urgent: bool = False) -> str:
        """The signed quote, and its order the same day."""
        run(day, lambda s: quotes.accept_quote(s, number, day, urgent))
        return str(run(day, lambda s: orders.create_order(s, number, day)).data["numero"])

    def deposit(day: dt.date, order: str, pct: str) -> str:
        return str(run(day, lambda s: inv.create_deposit(s, order, pct, day), issue=True).data["numero"])

    def done_and_invoice(day: dt.date, order: str) -> str:
        run(day, lambda s: orders.complete_order(s, order, day, day))
        return str(run(day, lambda s: inv.create_invoice(s, order, day), issue=True).data["numero"])

    def pay(day: dt.date, doc: str, amount: str, mode: str, ref: str = "") -> str:
        return str(run(day, lambda s: payments.record_payment(s, doc, amount, mode, day, ref)).data["id"])

    def balance(doc: str) -> str:
        row = inv.get_doc(FileStore(book), doc)
        return str(inv.balance(row))

    # January: a boiler replaced (multi-rate, line and global discounts, 30 % deposit), a heat pump
    # quoted then revised with 10 % off after the follow-up call, a fuel boiler quote refused
    q_dupont = quote(_d(5, 1), "C00001", ["CHF-FRISQ25:1:3221,29:5", "DEPOSE:1", "KIT-RACC:1", "REG-THERM:1",
                                          "RAD-ACI:2", "MO-H:10", "MES:1", "DEP:1"], "remplacement",
                     "Remplacement de la chaudière gaz par une chaudière Frisquet à condensation", discount="3")
    q_martin = quote(_d(6, 1), "C00003", ["PAC-11:1", "REG-SONDE:1", "MO-H:16", "MES:1", "DEP-Z2:1"],
                     "installation", "Installation d'une pompe à chaleur air/eau 11 kW")
    q_bernard = quote(_d(7, 1), "C00004", ["CHF-FIOUL24:1", "DEPOSE:1", "MO-H:9", "DEP:1"], "remplacement",
                      "Remplacement de la chaudière fioul")
    bc_dupont = accept(_d(9, 1), q_dupont)
    f_dupont_acompte = deposit(_d(12, 1), bc_dupont, "30")
    res = run(_d(13, 1), lambda s: quotes.follow_up(s, q_martin, "Trouve le devis un peu cher ; d'accord avec une "
                                                             "remise de 10 %", _d(13, 1), "10"))
    q_martin2 = str(res.data["devis_revise"])
    run(_d(13, 1), lambda s: quotes.send_quote(s, q_martin2, _d(13, 1)))
    pay(_d(14, 1), f_dupont_acompte, balance(f_dupont_acompte), "cheque", "Chèque n° 2034511 (Crédit Agricole)")
    bc_martin = accept(_d(15, 1), q_martin2)
    q_boul = quote(_d(16, 1), "C00005", ["CIRC-HE:1", "MO-H:2", "DEP:1"], "depannage",
                   "Remplacement du circulateur (fournil)", housing="non")
    bc_boul = accept(_d(16, 1), q_boul)
    f_martin_acompte = deposit(_d(19, 1), bc_martin, "40")
    run(_d(20, 1), lambda s: quotes.refuse_quote(s, q_bernard, "A choisi une pompe à chaleur chez un concurrent",
                                                 _d(20, 1)))
    f_boul = done_and_invoice(_d(20, 1), bc_boul)
    pay(_d(21, 1), f_martin_acompte, balance(f_martin_acompte), "virement", "VIR SEPA MARTIN SOPHIE ACOMPTE PAC")
    f_dupont = done_and_invoice(_d(23, 1), bc_dupont)
    q_sci = quote(_d(26, 1), "C00006", ["ENT-CHG:4", "JOINTS:4"], "entretien",
                  "Entretien annuel des quatre chaudières de la résidence", housing="non")
    bc_sci = accept(_d(28, 1), q_sci)
    pay(_d(30, 1), f_dupont, "2000", "virement", "VIR SEPA DUPONT JEAN")

    # February: a contract signed at the client's home (no payment before the 8th day), an urgent
    # repair paid in cash, a business client's boiler, a subcontracted job (reverse charge)
    q_roux = quote(_d(2, 2), "C00007", ["CHF-FRISQ25:1", "DEPOSE:1", "KIT-RACC:1", "MO-H:9", "MES:1", "DEP:1"],
                   "remplacement", "Remplacement de chaudière (contrat signé au domicile)", away=True)
    bc_roux = accept(_d(2, 2), q_roux)
    q_pro = quote(_d(2, 2), "C00002", ["CHG-25:1", "KIT-RACC:1", "MO-H:8", "DEP:1"], "remplacement",
                  "Remplacement de la chaudière de l'atelier", housing="non")
    q_lef = quote(_d(3, 2), "C00008", ["ELEC-ALLUM:1", "MO-URG:1,5", "DEP:1"], "depannage",
                  "Dépannage urgent : chaudière en panne, plus de chauffage", away=True)
    bc_lef = accept(_d(3, 2), q_lef, urgent=True)
    f_lef = done_and_invoice(_d(3, 2), bc_lef)
    pay(_d(3, 2), f_lef, balance(f_lef), "especes")
    f_sci = done_and_invoice(_d(4, 2), bc_sci)
    f_martin = done_and_invoice(_d(5, 2), bc_martin)
    bc_pro = accept(_d(5, 2), q_pro)
    pay(_d(6, 2), f_boul, balance(f_boul), "cheque", "Chèque n° 0874120 (Banque Populaire)")
    f_roux_acompte = deposit(_d(10, 2), bc_roux, "30")  # signed 02/02: the 10th is the first day allowed
    pay(_d(10, 2), f_roux_acompte, balance(f_roux_acompte), "cb", "CB terminal n° 4417")
    p_sci = pay(_d(12, 2), f_sci, balance(f_sci), "cheque", "Chèque n° 5512093 (Société Générale)")
    done_and_invoice(_d(13, 2), bc_pro)  # 30 days end of month: due 31/03, left unpaid
    q_garnier = quote(_d(16, 2), "C00009", ["RAD-ACI-15:6", "ROB-THERMO:6", "MO-H:14"], "installation",
                      "Sous-traitance : pose de radiateurs, chantier Les Terrasses", housing="non", reverse=True)
    bc_garnier = accept(_d(18, 2), q_garnier)
    f_roux = done_and_invoice(_d(19, 2), bc_roux)
    pay(_d(20, 2), f_martin, balance(f_martin), "virement", "VIR SEPA MARTIN SOPHIE SOLDE")
    run(_d(23, 2), lambda s: payments.cancel_payment(s, p_sci, "Chèque impayé : rejet de la banque "
                                                               "(provision insuffisante)", _d(23, 2)))
    pay(_d(25, 2), f_dupont, balance(f_dupont), "cb", "CB terminal n° 4417")

    # March: the bounced cheque replaced by a transfer, a maintenance with a partial credit note
    pay(_d(2, 3), f_sci, balance(f_sci), "virement", "VIR SCI LES TILLEULS REGUL CHEQUE")
    pay(_d(4, 3), f_roux, balance(f_roux), "cheque", "Chèque n° 1187654 (LCL)")
    f_garnier = done_and_invoice(_d(9, 3), bc_garnier)
    q_faure = quote(_d(9, 3), "C00010", ["ENT-THPE:1", "DESEMB:1", "VASE-8:1"], "entretien",
                    "Entretien de la chaudière et désembouage du circuit")
    bc_faure = accept(_d(11, 3), q_faure)
    f_faure = done_and_invoice(_d(16, 3), bc_faure)
    run(_d(18, 3), lambda s: inv.create_credit_note(s, f_faure, "Désembouage non réalisé : circuit en bon état",
                                                    ["DESEMB:1"], _d(18, 3), "erreur"), issue=True)
    pay(_d(20, 3), f_faure, balance(f_faure), "cheque", "Chèque n° 3321907 (Caisse d'Épargne)")

    # April: a small maintenance paid in cash, a partial payment, a quote waiting for an answer,
    # a draft not sent yet
    q_bernard2 = quote(_d(2, 4), "C00004", ["ENT-CHG:1"], "entretien", "Entretien annuel de la chaudière gaz")
    bc_bernard2 = accept(_d(2, 4), q_bernard2)
    f_bernard2 = done_and_invoice(_d(8, 4), bc_bernard2)
    pay(_d(8, 4), f_bernard2, balance(f_bernard2), "especes")
    pay(_d(20, 4), f_garnier, "1500", "virement", "VIR GARNIER BATIMENT ACOMPTE SUR FACTURE")
    quote(_d(20, 4), "C00011", ["PAC-8:1", "REG-THERM:1", "MO-H:14", "MES:1", "DEP-Z2:1"], "installation",
          "Installation d'une pompe à chaleur air/eau 8 kW")
    quote(_d(22, 4), "C00005", ["ENT-CHG:1", "VASE-8:1"], "entretien", "Entretien du générateur du fournil",
          housing="non", send=False)
    return run


def build_sample(book: Path) -> Runner:
    """The whole `syc demo` workbook, from a fresh (packaged) workbook at `book`."""
    fill(book, SETUP_DAY, full=True)
    return run_scenario(book)


# --------------------------------------------------------------------------- summary
def summarise(book: Path, as_of: dt.date, overdue_shown: int = 10,
              progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """What a workbook holds, by type of document, with its totals: what `syc demo` prints.
    `progress(label, step, total)`: the tables read, then the checks."""
    from pyxl.core import workflow as wf
    from pyxl.services import closures
    from pyxl.services.invoices import balance

    store = FileStore(book)
    zero = Decimal("0.00")

    def count(rows: list[Any], key: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in rows:
            k = str(r[key] or "")
            out[k] = out.get(k, 0) + 1
        return out

    report = progress or (lambda _label, _step, _total: None)
    report("relecture des devis", 1, 5)
    quotes_rows = store.rows("tDevis")
    report("relecture des factures et avoirs", 2, 5)
    quote_states = count([{"s": wf.quote_state(r["status"], r["valid_until"], as_of)} for r in quotes_rows], "s")
    docs = [r for r in store.rows("tFactures") if r["number"]]
    by_type = count(docs, "doc_type")
    ht = vat = ttc = zero
    for r in docs:
        sign = -1 if r["doc_type"] == wf.T_CREDIT else 1
        ht += sign * (r["total_ht"] or zero)
        vat += sign * (r["total_vat"] or zero)
        ttc += sign * (r["total_ttc"] or zero)
    report("relecture des règlements et des clôtures", 3, 5)
    pays = store.rows("tReglements")
    receipts = sum((p["amount"] or zero for p in pays), zero)
    owed = [r for r in docs if r["doc_type"] != wf.T_CREDIT and balance(r) > 0]
    late = sorted((r for r in owed if wf.is_late(str(r["doc_type"]), str(r["status"]), r["due_date"], balance(r),
                                                 as_of)), key=lambda r: (r["due_date"], str(r["number"])))
    clos = store.rows("tClotures")
    days = [r["end"] for r in clos if r["kind"] == closures.DAY]
    report("vérification du journal d'audit et des pièces émises", 4, 5)
    issues = store.verify()
    report("vérification des fichiers de clôture", 5, 5)
    issues += closures.verify_files(store)
    return {
        "classeur": book, "au": as_of,
        "lignes": {t.name: len(store.rows(t.name)) for t in store.schema.tables},
        "devis": {"total": len(quotes_rows), "par_statut": quote_states},
        "commandes": {"total": len(store.rows("tCommandes")), "par_statut": count(store.rows("tCommandes"), "status")},
        "factures": by_type.get(wf.T_INVOICE, 0), "factures_acompte": by_type.get(wf.T_DEPOSIT, 0),
        "avoirs": by_type.get(wf.T_CREDIT, 0),
        "brouillons": sum(1 for r in store.rows("tFactures") if r["status"] == wf.I_DRAFT),
        "ventes": {"ht": ht, "tva": vat, "ttc": ttc},
        "reglements": {"total": len(pays), "annulations": sum(1 for p in pays if p["cancels"]),
                       "encaisse": receipts,
                       "par_mode": count([p for p in pays if not p["cancels"]], "mode")},
        "reste_du": sum((balance(r) for r in owed), zero),
        "en_retard": {"nombre": len(late), "montant": sum((balance(r) for r in late), zero),
                      "pieces": [{"numero": r["number"], "client": r["client_name"], "echeance": r["due_date"],
                                  "reste": balance(r)} for r in late[:overdue_shown]]},
        "clotures": {"total": len(clos), "jours": len(days), "jusqu_au": max(days) if days else None},
        "journal": len(store.journal()),
        "anomalies": [i.message for i in issues],
    }
