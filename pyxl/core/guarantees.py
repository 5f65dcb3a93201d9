"""The legal guarantees a consumer quote or order names, by nature of the works (L111-1 C. conso;
issue 13, item 5). Seeded into the sheet « Garanties légales », which the firm's counsel adjusts.

Supply, or supply and installation, of equipment: the legal guarantee of conformity (L217-3 and
following C. conso) and the guarantee against hidden defects (art. 1641 and following C. civ.).
Equipment fitted on an existing building is not an « ouvrage » (Cass. 3e civ. 21 mars 2024
n° 22-18.694; 10 juillet 2025 n° 23-22.242, a heat pump): no parfait achèvement, biennale nor
décennale for it. Works that are an ouvrage (nature « Construction (ouvrage) »: new building,
construction works) have them (C. civ. 1792-6, 1792-3, 1792), and a sale without fitting the two
guarantees of a sale. Repair and maintenance: none of these.
"""

from __future__ import annotations

CONFORMITY = ("Garantie légale de conformité",
              "Garantie légale de conformité : le matériel fourni doit être conforme au contrat ; vous disposez de "
              "deux ans à compter de sa délivrance pour agir (art. L217-3 et suivants du Code de la consommation).")
HIDDEN_DEFECTS = ("Garantie des vices cachés",
                  "Garantie des vices cachés : deux ans à compter de la découverte du vice (art. 1641 et suivants du "
                  "Code civil).")

COMPLETION = ("Garantie de parfait achèvement",
              "Garantie de parfait achèvement : un an à compter de la réception des travaux, pour tous les désordres "
              "signalés (art. 1792-6 du Code civil).")
TWO_YEARS = ("Garantie biennale de bon fonctionnement",
             "Garantie biennale de bon fonctionnement : deux ans à compter de la réception, pour les éléments "
             "d'équipement dissociables de l'ouvrage (art. 1792-3 du Code civil).")
TEN_YEARS = ("Garantie décennale",
             "Garantie décennale : dix ans à compter de la réception, pour les dommages qui compromettent la solidité "
             "de l'ouvrage ou le rendent impropre à sa destination (art. 1792 et 1792-4-1 du Code civil).")

# (nature of the works, guarantee, printed text)
DEFAULT_GUARANTEES: tuple[tuple[str, str, str], ...] = (
    *((nature, name, text) for nature in ("Installation", "Remplacement", "Vente sans pose")
      for name, text in (CONFORMITY, HIDDEN_DEFECTS)),
    *(("Construction (ouvrage)", name, text) for name, text in (COMPLETION, TWO_YEARS, TEN_YEARS)),
)
