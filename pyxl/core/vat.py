"""VAT follows the job, not the article (domain.md §2).

A quote declares the nature of the work and whether the premises are housing completed more than
two years ago. Each line's rate comes from the rate-rule table (sheet « Règles TVA », seeded below):
the most specific rule matching (nature, equipment category, premises) on the quote's date wins.
Lines without an equipment category of their own (labour, travel, small parts) follow the job's main
equipment — the works « indissociablement liés » follow its rate. The article's own rate is only a
default, used when no rule matches. Pure code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pyxl.core import kinds
from pyxl.core.kinds import Nature

NATURES = tuple(n.value for n in Nature)
ANY = "*"
# Categories of articles that are equipment, which decide the rate of the whole job (declared in kinds).
EQUIPMENT = tuple(c.value for c in kinds.EQUIPMENT)

# Legal reasons a 0 % line must carry (domain.md §1.2)
ZERO_REASONS = {
    "autoliquidation": "Autoliquidation : TVA due par le preneur (art. 283-2 nonies du CGI)",
    "293b": "TVA non applicable, art. 293 B du CGI",
}

# The client's certification that replaced the Cerfa 1300-SD/1301-SD attestations (domain.md §2.3).
CERTIFICATION_10 = (
    "Je soussigné(e) {client} certifie, en qualité de preneur de la prestation, que les travaux réalisés "
    "concernent des locaux à usage d'habitation achevés depuis plus de deux ans et qu'ils n'ont pas eu pour "
    "effet, sur une période de deux ans au plus, de concourir à la production d'un immeuble neuf au sens du "
    "2° du 2 du I de l'article 257 du CGI, ni d'entraîner une augmentation de la surface de plancher des "
    "locaux existants supérieure à 10 %.")
CERTIFICATION_55 = CERTIFICATION_10[:-1] + " et qu'ils ont la nature de travaux de rénovation énergétique."


@dataclass(frozen=True)
class Rule:
    nature: str  # one of NATURES or '*'
    category: str  # an article category or '*'
    housing: str  # 'Oui' (housing > 2 years), 'Non' or '*'
    rate: Decimal
    basis: str  # legal basis, printed in `syc devis voir` and kept for the documents
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    where: str = ""
    # transitional condition of a rate change (LF 2025 art. 32): the rate in force before
    # `valid_from` is kept for a quote accepted AND a deposit actually received before that day
    keeps_old: bool = False

    def matches(self, nature: str, category: str, housing: str, day: dt.date) -> bool:
        return (self.nature in (ANY, nature) and self.category in (ANY, category)
                and self.housing in (ANY, housing)
                and (self.valid_from is None or day >= self.valid_from)
                and (self.valid_to is None or day <= self.valid_to))

    @property
    def specificity(self) -> int:
        return (self.housing != ANY) * 4 + (self.nature != ANY) * 2 + (self.category != ANY)


def pick(rules: Iterable[Rule], nature: str, category: str, housing: str, day: dt.date) -> Rule | None:
    """The most specific matching rule; among equals, the first in the table."""
    best: Rule | None = None
    for r in rules:
        if r.matches(nature, category, housing, day) and (best is None or r.specificity > best.specificity):
            best = r
    return best


def rate_at_completion(rules: Sequence[Rule], nature: str, category: str, housing: str, quote_day: dt.date,
                       done_day: dt.date, accepted_on: dt.date | None,
                       deposit_received_on: dt.date | None) -> Rule | None:
    """The rule of the completion date of the works (CGI 269-1-a: the chargeable event of works is
    their completion), walking each change of rule between the quote and the completion: a change
    whose rule keeps the old rate (`keeps_old`) is skipped when the quote was accepted and a deposit
    received before it. Example (LF 2025 art. 32, THPE boilers): quote 10/12/2024 at 5,5 %,
    accepted, no deposit, completed 10/04/2025 → 10 % on 1/1/2025, then 20 % on 1/3/2025."""
    rule = pick(rules, nature, category, housing, quote_day)
    if done_day <= quote_day:
        return rule
    steps: set[dt.date] = set()
    for r in rules:
        if r.valid_from is not None and quote_day < r.valid_from <= done_day:
            steps.add(r.valid_from)
        if r.valid_to is not None and quote_day <= r.valid_to < done_day:
            steps.add(r.valid_to + dt.timedelta(days=1))
    for step in sorted(steps):
        new = pick(rules, nature, category, housing, step)
        if new is None or (rule is not None and new.rate == rule.rate):
            rule = new or rule
            continue
        kept = (new.keeps_old and accepted_on is not None and accepted_on < step
                and deposit_received_on is not None and deposit_received_on < step)
        if not kept:
            rule = new
    return rule


def job_category(lines: Sequence[tuple[str, Decimal]]) -> str:
    """The job's main equipment: the category of the equipment line worth the most (or '')."""
    best, amount = "", Decimal(-1)
    for category, net in lines:
        if category in EQUIPMENT and net > amount:
            best, amount = category, net
    return best


_CAPEB = "https://capeb.fr/actualites/loi-de-finance-2025"
_RENO = "art. 278-0 bis A du CGI, arrêté du 4 décembre 2024"
_D = dt.date

# schema 7: the two natures whose work is never at a reduced rate, whatever the premises
SALE_BASIS = ("Vente de matériel sans pose : taux normal (art. 278 du CGI) ; les taux réduits des art. 279-0 bis "
              "et 278-0 bis A ne valent que pour le matériel fourni et posé par l'entreprise")
CONSTRUCTION_BASIS = ("Travaux concourant à la production d'un immeuble neuf ou agrandissant la surface de plancher "
                      "de plus de 10 % : taux normal (art. 278 du CGI ; exclus des art. 279-0 bis et 278-0 bis A)")
NEW_NATURE_RULES: tuple[tuple[str, str, str, str, str, dt.date | None, dt.date | None], ...] = tuple(
    (nature, "*", housing, "20", basis, None, None)
    for nature, basis in ((Nature.SALE.value, SALE_BASIS), (Nature.CONSTRUCTION.value, CONSTRUCTION_BASIS))
    for housing in ("Oui", "Non"))

# (nature or '*', category or '*', housing, rate, basis, from, to)
DEFAULT_RULES: tuple[tuple[str, str, str, str, str, dt.date | None, dt.date | None], ...] = (
    ("*", "*", "Non", "20", "Taux normal (art. 278 du CGI) : locaux neufs, de moins de deux ans ou "
                            "non affectés à l'habitation", None, None),
    ("*", "*", "Oui", "10", "Travaux d'amélioration, de transformation et d'entretien de logements de plus "
                            "de deux ans (art. 279-0 bis du CGI)", None, None),
    *[(n, c, "Oui", "20", "Fourniture et pose de chaudières gaz ou fioul : taux normal depuis le 01/03/2025 "
                          f"(loi de finances 2025, art. 32 ; {_CAPEB})", _D(2025, 3, 1), None)
      for n in ("Installation", "Remplacement") for c in ("Chaudière gaz", "Chaudière fioul", "Chaudière THPE")],
    *[(n, "Chaudière THPE", "Oui", "10", "Chaudière THPE : 10 % du 01/01/2025 au 28/02/2025 (loi de finances "
                                          "2025, période transitoire)", _D(2025, 1, 1), _D(2025, 2, 28))
      for n in ("Installation", "Remplacement")],
    *[(n, "Chaudière THPE", "Oui", "5.5", f"Rénovation énergétique : chaudière à très haute performance "
                                           f"énergétique ({_RENO.split(',')[0]}, régime antérieur à 2025)",
       None, _D(2024, 12, 31)) for n in ("Installation", "Remplacement")],
    *[(n, c, "Oui", "5.5", f"Rénovation énergétique ({_RENO})", None, None)
      for n in ("Installation", "Remplacement")
      for c in (*(p.value for p in kinds.ELIGIBLE_HEAT_PUMPS), "Biomasse", "Régulation")],
    *[(n, c, "Oui", "5.5", f"Entretien et réparation de chaudières THPE ou biomasse ({_CAPEB})", None, None)
      for n in ("Entretien", "Dépannage") for c in ("Chaudière THPE", "Biomasse")],
    *NEW_NATURE_RULES,
)


# the two steps of LF 2025 art. 32 (1/1/2025: THPE 5,5 → 10 %; 1/3/2025: gas and oil boilers → 20 %)
# keep the old rate for a quote accepted and a deposit received before the step (capeb.fr, domain.md §2.2)
TRANSITIONAL_STEPS = (_D(2025, 1, 1), _D(2025, 3, 1))
BOILERS = ("Chaudière gaz", "Chaudière fioul", "Chaudière THPE")


def keeps_old_rate(category: str, valid_from: dt.date | None) -> bool:
    return category in BOILERS and valid_from in TRANSITIONAL_STEPS


def default_rules() -> list[Rule]:
    return [Rule(n, c, h, Decimal(r), b, f, t, keeps_old=keeps_old_rate(c, f)) for n, c, h, r, b, f, t in DEFAULT_RULES]
