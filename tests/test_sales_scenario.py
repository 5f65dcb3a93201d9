"""The seed's procedure, « du devis à la facturation », end to end through `syc … --json`.

/work/shared/seed/fiche-descriptive-devis-facturation.txt: the technician drops a paper quote; the
assistant creates the client if needed, types the quote (a Frisquet condensing boiler with a 120 L
tank at 3 221,29 € HT, plus the hours), sends it; after 7 days without answer she calls, and when the
amount is the problem grants a 10 to 20 % discount; the signed quote becomes an order, the work is
planned and done, the invoice is made (« 30 jours fin de mois »), payments are followed up.
Here with a deposit, a bounced cheque and a transfer, every amount checked to the cent and every date
pinned with --au. Hand computations are in the comments.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from pgfixtures import book_option, open_store

from pyxl.cli import main


def test_from_the_paper_quote_to_the_paid_invoice(tmp_path: Path, stored: Any) -> None:
    """On the workbook file, and (a second run) on a PostgreSQL base from the moment the office has its data."""
    book = tmp_path / "SYC_Gestion.xlsm"

    def syc(*args: str, au: str) -> dict[str, Any]:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main([*args, *book_option(book), "--au", au, "--json"])
        data = json.loads(buf.getvalue())
        assert code == 0, data
        assert data["ok"] is True
        return data

    def per_rate(data: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [(p["taux"], p["base_ht"], p["tva"]) for p in data["par_taux"]]

    # The office: SYC Chauffage's workbook with its usual clients and catalogue.
    syc("init", "--demo", au="2026-02-27")
    # The catalogue gets the boiler of the paper quote and a room thermostat (energy renovation, 5,5 %).
    syc("article", "ajouter", "--code", "CHF-FRISQ25", "--designation",
        "Chaudière Frisquet à condensation 25 kW avec ballon 120 L", "--unite", "u", "--pu-ht", "3221,29",
        "--tva", "20", "--prix-achat", "2254,90", "--famille", "materiel", "--categorie", "chaudiere-thpe",
        au="2026-02-27")
    syc("article", "ajouter", "--code", "REG-THERM", "--designation", "Thermostat d'ambiance connecté",
        "--unite", "u", "--pu-ht", "249", "--tva", "5,5", "--famille", "materiel", "--categorie", "regulation",
        au="2026-02-27")
    book = stored(book)  # the base's run: the office moves its workbook into the base here

    # Monday 2 March: the technician drops his paper quote. The client is not in the file: create him.
    found = syc("client", "liste", "--recherche", "Leroy", au="2026-03-02")
    assert found["clients"] == []
    client = syc("client", "ajouter", "--nom", "LEROY", "--prenom", "Anne", "--type", "particulier",
                 "--adresse", "18 rue de Marseille", "--cp", "69007", "--ville", "Lyon", "--tel", "06 11 22 33 44",
                 "--email", "anne.leroy@example.fr", au="2026-03-02")["code"]
    assert client == "C00004"

    # The quote, typed from the paper one: boiler, 8 hours, travel, thermostat; replacement in a home
    # older than two years. The boiler (THPE, the equipment worth the most) decides the rate of the
    # labour and travel: 20 % since 01/03/2025; the thermostat (regulation) stays at 5,5 %.
    #   20 %: 3 221,29 + 8 × 55,00 + 35,00 = 3 696,29 → VAT 739,258 → 739,26
    #  5,5 %: 249,00                                  → VAT  13,695 →  13,70
    #   HT 3 945,29 ; VAT 752,96 ; TTC 4 698,25
    quote = syc("devis", "creer", "--client", client, "--ligne", "CHF-FRISQ25:1", "--ligne", "MO-H:8",
                "--ligne", "DEP:1", "--ligne", "REG-THERM:1", "--nature", "remplacement",
                "--logement-plus-2-ans", "oui", "--objet", "Remplacement de la chaudière gaz",
                "--lieu", "18 rue de Marseille, 69007 Lyon", "--execution", "sous 3 semaines", au="2026-03-02")
    assert quote["numero"] == "D2026-0001"
    assert per_rate(quote) == [("20", "3696.29", "739.26"), ("5.5", "249.00", "13.70")]
    assert (quote["total_ht"], quote["total_tva"], quote["total_ttc"]) == ("3945.29", "752.96", "4698.25")
    assert quote["devis"]["valable_jusqu_au"] == "2026-04-01"
    assert quote["avertissements"] == []

    # Sent by e-mail and by post the same day.
    syc("devis", "envoyer", "D2026-0001", au="2026-03-02")

    # Follow-ups are done on Friday and Monday mornings: on Friday 6 March it is too early (4 days)…
    assert syc("devis", "a-relancer", au="2026-03-06")["devis"] == []
    # …on Monday 9 March the quote has waited 7 days without an answer.
    due = syc("devis", "a-relancer", au="2026-03-09")["devis"]
    assert [(d["numero"], d["nom_client"], d["total_ttc"]) for d in due] == [("D2026-0001", "LEROY Anne", "4698.25")]

    # The call: the amount is too high; a 10 % discount makes a revised quote, the old one is replaced.
    #   discount 3 945,29 × 10 % = 394,529 → 394,53, spread pro rata of the bases:
    #     5,5 %: 394,53 × 249,00 / 3 945,29 = 98 237,97 / 3 945,29 = 24,900… → 24,90
    #      20 %: 394,53 − 24,90 = 369,63 (the largest base takes the remainder)
    #   20 %: 3 696,29 − 369,63 = 3 326,66 → VAT 665,332 → 665,33
    #  5,5 %:   249,00 −  24,90 =   224,10 → VAT  12,3255 →  12,33
    #   HT 3 550,76 ; VAT 677,66 ; TTC 4 228,42
    call = syc("devis", "relancer", "D2026-0001", "--resultat", "Montant trop élevé : remise de 10 % accordée",
               "--remise", "10", au="2026-03-09")
    assert (call["relances"], call["devis_revise"]) == (1, "D2026-0002")
    revised = syc("devis", "voir", "D2026-0002", au="2026-03-09")
    assert revised["devis"]["remplace"] == "D2026-0001"
    assert revised["remise_globale"] == "394.53"
    assert per_rate(revised) == [("20", "3326.66", "665.33"), ("5.5", "224.10", "12.33")]
    assert (revised["total_ht"], revised["total_tva"], revised["total_ttc"]) == ("3550.76", "677.66", "4228.42")
    old = syc("devis", "voir", "D2026-0001", au="2026-03-09")["devis"]
    assert (old["statut_du_jour"], old["remplace_par"]) == ("Remplacé", "D2026-0002")
    assert old["suivi"] == "09/03/2026 : Montant trop élevé : remise de 10 % accordée"
    syc("devis", "envoyer", "D2026-0002", au="2026-03-09")

    # Wednesday 11 March: the quote comes back signed; it becomes the order.
    syc("devis", "accepter", "D2026-0002", au="2026-03-11")
    order = syc("commande", "creer", "--devis", "D2026-0002", au="2026-03-11")["numero"]
    assert order == "BC2026-0001"

    # A 30 % deposit, per rate, issued at once (first number of the invoice series):
    #   20 %: 3 326,66 × 30 % = 997,998 → 998,00 ; VAT 199,60
    #  5,5 %:   224,10 × 30 % =  67,23            ; VAT 3,697 65 → 3,70
    #   HT 1 065,23 ; VAT 203,30 ; TTC 1 268,53, payable at once
    deposit = syc("facture", "acompte", "--commande", order, "--pourcentage", "30", "--emettre", au="2026-03-11")
    assert (deposit["numero"], deposit["type"], deposit["echeance"]) == ("F2026-00001", "Facture d'acompte",
                                                                          "2026-03-11")
    assert per_rate(deposit) == [("20", "998.00", "199.60"), ("5.5", "67.23", "3.70")]
    assert (deposit["total_ht"], deposit["total_tva"], deposit["total_ttc"]) == ("1065.23", "203.30", "1268.53")
    paid = syc("reglement", "saisir", "--facture", "F2026-00001", "--montant", "1268,53", "--mode", "virement",
               "--reference", "VIR LEROY ACOMPTE", au="2026-03-13")
    assert (paid["id"], paid["reste_a_payer"], paid["statut"]) == ("R2026-00001", "0.00", "Réglée")

    # The work is done on Friday 20 March.
    syc("commande", "realiser", order, "--date", "20/03/2026", au="2026-03-20")

    # Monday 23 March: the invoice, the deposit deducted per rate (its HT and its VAT, to the cent):
    #   20 %: 3 326,66 − 998,00 = 2 328,66 ; VAT 665,33 − 199,60 = 465,73
    #  5,5 %:   224,10 −  67,23 =   156,87 ; VAT  12,33 −   3,70 =   8,63
    #   HT 2 485,53 ; VAT 474,36 ; TTC 2 959,89 ; deposit + invoice = 1 268,53 + 2 959,89 = 4 228,42
    # Terms: the client has none, the company's are « 30 jours fin de mois » (method A):
    #   23 March + 30 days = 22 April → end of April, 30/04/2026.
    invoice = syc("facture", "creer", "--commande", order, "--emettre", au="2026-03-23")
    assert (invoice["numero"], invoice["type"], invoice["echeance"]) == ("F2026-00002", "Facture", "2026-04-30")
    assert per_rate(invoice) == [("20", "2328.66", "465.73"), ("5.5", "156.87", "8.63")]
    assert (invoice["acomptes_deduits_ht"], invoice["acomptes_deduits_tva"]) == ("1065.23", "203.30")
    assert (invoice["total_ht"], invoice["total_tva"], invoice["total_ttc"]) == ("2485.53", "474.36", "2959.89")
    shown = syc("facture", "voir", "F2026-00002", au="2026-03-23")
    assert (shown["piece"]["conditions_paiement"], shown["piece"]["date_realisation"], shown["piece"]["acomptes_deduits_ttc"]) == (
        "30 jours fin de mois", "2026-03-20", "1268.53")
    assert [ln["designation"] for ln in shown["lignes"] if ln["piece_origine"]] == [
        "Acompte déduit : facture d'acompte F2026-00001 du 11/03/2026 (part à 20 %)",
        "Acompte déduit : facture d'acompte F2026-00001 du 11/03/2026 (part à 5,5 %)"]
    orders = syc("commande", "liste", au="2026-03-23")["commandes"]
    assert [(o["numero"], o["statut"], o["facture"], o["acompte_pct"]) for o in orders] == [
        (order, "Facturée", "F2026-00002", "30")]

    # 10 April: a first cheque of 1 500,00.
    cheque = syc("reglement", "saisir", "--facture", "F2026-00002", "--montant", "1500", "--mode", "cheque",
                 "--reference", "Chèque n° 4417", au="2026-04-10")
    assert (cheque["id"], cheque["reste_a_payer"], cheque["statut"]) == ("R2026-00002", "1459.89", "Partiellement réglée")

    # 15 April: the bank returns the cheque unpaid; the payment is cancelled by an opposite row.
    bounced = syc("reglement", "annuler", "R2026-00002", "--motif", "Chèque impayé (rejet de la banque)",
                  au="2026-04-15")
    assert (bounced["id"], bounced["annule"], bounced["statut"]) == ("R2026-00003", "R2026-00002", "Émise")
    detail = syc("facture", "voir", "F2026-00002", au="2026-04-15")
    assert detail["piece"]["reste_a_payer"] == "2959.89"
    assert [(p["id"], p["montant"], p["annule"]) for p in detail["reglements"]] == [
        ("R2026-00002", "1500.00", None), ("R2026-00003", "-1500.00", "R2026-00002")]
    # left as it is, the invoice would be late after its due date (30 April)
    assert [f["numero"] for f in syc("facture", "liste", "--statut", "en-retard", au="2026-04-30")["factures"]] == []
    late = syc("facture", "liste", "--statut", "en-retard", au="2026-05-01")["factures"]
    assert [(f["numero"], f["statut_du_jour"], f["reste_a_payer"]) for f in late] == [
        ("F2026-00002", "En retard", "2959.89")]

    # 20 April: the client pays the whole invoice by transfer.
    transfer = syc("reglement", "saisir", "--facture", "F2026-00002", "--montant", "2959,89", "--mode", "virement",
                   "--reference", "VIR LEROY F2026-00002", au="2026-04-20")
    assert (transfer["id"], transfer["reste_a_payer"], transfer["statut"]) == ("R2026-00004", "0.00", "Réglée")
    listed = {f["numero"]: f for f in syc("facture", "liste", au="2026-05-01")["factures"]}
    assert {n: (f["statut_du_jour"], f["reste_a_payer"]) for n, f in listed.items()} == {
        "F2026-00001": ("Réglée", "0.00"), "F2026-00002": ("Réglée", "0.00")}

    # The daily closures made along the way add up: on 19 April, the perpetual totals are the two
    # invoices (1 268,53 + 2 959,89 = 4 228,42) and the receipts (1 268,53 + 1 500,00 − 1 500,00).
    # (closures are made at the next writing action: a note on the client file the next day)
    assert syc("client", "modifier", client, "--remarques", "Chaudière Frisquet posée le 20/03/2026",
               au="2026-04-21")["clotures"] == ["J2026-04-20"]
    verified = syc("verifier", au="2026-04-21")
    assert verified["ok"] and verified["pieces"] > 0
    closures = {r["ref"]: r for r in open_store(book).rows("tClotures")}
    assert str(closures["J2026-04-19"]["cumul_sales_ttc"]) == "4228.42"
    assert str(closures["J2026-04-19"]["cumul_receipts"]) == "1268.53"
    assert str(closures["J2026-04-20"]["receipts"]) == "2959.89"
    assert str(closures["M2026-03"]["sales_ttc"]) == "4228.42"
