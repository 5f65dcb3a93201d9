"""The sales chain through `syc` on a demo book: states, numbering, boundary days, legal limits,
closures — every refusal checked for its French message (naming the record) and for leaving the
workbook, its backups and the closure files byte for byte as they were.

Each test gets a copy of one demo book (`syc init --demo`, built once per module) and drives it with
`pyxl.cli.main([... , "--json"])` at pinned `--au` dates, as a user or a script would.
Demo data: C00001 DUPONT Jean (particulier, no terms of his own), C00002 Dupont & Fils (professionnel,
30 jours fin de mois), C00003 MARTIN Sophie (particulier); articles CHG-25 (gas boiler 3 221,29),
PAC-8, ENT-CHG, MO-H (labour 55,00/h), DEP (travel 35,00), RAD-ACI (radiator 245,50).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pyxl.cli import main
from pyxl.services import closures
from pyxl.workbook import backups
from pyxl.workbook.filestore import ChangeSet, FileStore
from pyxl.workbook.schema import SCHEMA

DEMO_DAY = "2025-01-06"
D = Decimal


# --------------------------------------------------------------------------- harness
@dataclass
class Book:
    """The demo data in a workbook file, or in a PostgreSQL base (`backend`): the same tests run on both."""

    path: Path
    backend: Any = None

    @property
    def in_base(self) -> bool:
        return self.backend is not None and self.backend.kind == "base"

    def store(self) -> Any:
        return self.backend.open() if self.backend is not None else FileStore(self.path)

    def store_with(self, schema: Any) -> Any:
        """The store read and written with another schema (a user typing in a sheet: no audit guard)."""
        if self.in_base:
            from pyxl.workbook.pgstore import PostgresStore

            return PostgresStore(self.backend.db.url(), schema)
        return FileStore(self.path, schema)

    def run(self, *args: str, au: str) -> tuple[int, dict[str, Any]]:
        buf = io.StringIO()
        option = self.backend.option if self.backend is not None else ["--book", str(self.path)]
        with contextlib.redirect_stdout(buf):
            code = main([*args, *option, "--au", au, "--json"])
        return code, json.loads(buf.getvalue())

    def ok(self, *args: str, au: str) -> dict[str, Any]:
        code, data = self.run(*args, au=au)
        assert code == 0, data
        assert data["ok"] is True
        return data

    def refused(self, *args: str, au: str, code: str, words: Sequence[str] = ()) -> str:
        """The command must be refused with `code`, every one of `words` in the messages, and leave
        the workbook, its backups and the closure files exactly as they were."""
        before = self.snapshot()
        rc, data = self.run(*args, au=au)
        assert rc == 1, data
        assert data["ok"] is False
        assert self.snapshot() == before, "a refused action changed the workbook or its folders"
        codes = [e["code"] for e in data["erreurs"]]
        message = "\n".join(e["message"] for e in data["erreurs"])
        assert code in codes, message
        for w in words:
            assert w in message, message
        return message

    def snapshot(self) -> Any:
        if self.in_base:
            return self.backend.state()  # every row with its version and writer, and the shared folder's files
        folder = backups.folder(self.path)
        files = sorted(folder.rglob("*")) if folder.exists() else []
        return self.path.read_bytes(), [(str(f), f.read_bytes()) for f in files if f.is_file()]

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [dict(r.values) for r in self.store().rows(table)]

    def row(self, table: str, key: str, value: str) -> dict[str, Any]:
        found = [r for r in self.rows(table) if r.get(key) == value]
        assert len(found) == 1, (table, key, value)
        return found[0]

    def doc(self, ref: str) -> dict[str, Any]:
        """An invoice-type document by number or draft reference."""
        found = [r for r in self.rows("tFactures") if ref in (r["number"], r["ref"])]
        assert len(found) == 1, ref
        return found[0]

    # ---- the usual steps
    def quote(self, au: str, *lines: str, client: str = "C00001", nature: str = "depannage",
              housing: str | None = "oui", away: bool = False, extra: Sequence[str] = ()) -> str:
        args = ["devis", "creer", "--client", client, "--nature", nature]
        if housing is not None:
            args += ["--logement-plus-2-ans", housing]
        for x in lines:
            args += ["--ligne", x]
        if away:
            args.append("--hors-etablissement")
        if "--execution" not in extra:  # a consumer quote is not sent without it (L111-1 3° C. conso)
            args += ["--execution", "sous 3 semaines"]
        return str(self.ok(*args, *extra, au=au)["numero"])

    def order(self, au: str, *lines: str, urgent: bool = False, express: bool = False, **kw: Any) -> tuple[str, str]:
        q = self.quote(au, *lines, **kw)
        self.ok("devis", "accepter", q, *(["--urgent"] if urgent else []),
                *(["--demande-expresse"] if express else []), au=au)
        return q, str(self.ok("commande", "creer", "--devis", q, au=au)["numero"])

    def invoice(self, au: str, *lines: str, **kw: Any) -> tuple[str, str, str]:
        """Quote accepted, order done and its invoice issued, all on `au`: (quote, order, invoice)."""
        q, o = self.order(au, *lines, **kw)
        self.ok("commande", "realiser", o, "--date", au, au=au)
        return q, o, str(self.ok("facture", "creer", "--commande", o, "--emettre", au=au)["numero"])

    def pay(self, invoice: str, amount: str, au: str, mode: str = "virement") -> dict[str, Any]:
        return self.ok("reglement", "saisir", "--facture", invoice, "--montant", amount, "--mode", mode, au=au)


@pytest.fixture
def wb(demo_bytes: bytes, stores: Any) -> Book:
    """The demo book, as a workbook file and (a second run) as a PostgreSQL base."""
    backend = stores(demo_bytes)
    return Book(backend.open().path, backend)


def money(value: Any) -> Decimal:
    return D(str(value))


# --------------------------------------------------------------------------- quote states
def test_quote_transitions_allowed_and_refused(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    assert q == "D2026-0001"
    where = "Devis D2026-0001 (Devis, ligne 2)"
    wb.refused("devis", "relancer", q, "--resultat", "pas de réponse", au="2026-03-02", code="devis.etat",
               words=[where, "il est « Brouillon » : seul un devis envoyé se relance."])
    assert wb.ok("devis", "envoyer", q, au="2026-03-02")["statut"] == "Envoyé"
    wb.refused("devis", "envoyer", q, au="2026-03-03", code="devis.etat",
               words=[f"{where} : il est déjà envoyé."])
    assert wb.ok("devis", "accepter", q, au="2026-03-04")["statut"] == "Accepté"
    wb.refused("devis", "accepter", q, au="2026-03-05", code="devis.etat", words=[f"{where} : il est déjà accepté."])
    wb.refused("devis", "envoyer", q, au="2026-03-05", code="devis.etat",
               words=[f"{where} : il est « Accepté », il ne peut pas être envoyé."])
    wb.refused("devis", "refuser", q, "--motif", "trop cher", au="2026-03-05", code="devis.etat",
               words=[f"{where} : il est « Accepté », il ne peut pas être refusé."])
    wb.refused("devis", "relancer", q, "--resultat", "x", au="2026-03-05", code="devis.etat",
               words=[where, "seul un devis envoyé se relance"])


def test_refused_quote_is_final(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    assert wb.ok("devis", "refuser", q, "--motif", "trop cher", au="2026-03-03")["statut"] == "Refusé"
    wb.refused("devis", "accepter", q, au="2026-03-04", code="devis.etat",
               words=["Devis D2026-0001 (Devis, ligne 2) : il est « Refusé », il ne peut pas être accepté."])
    wb.refused("commande", "creer", "--devis", q, au="2026-03-04", code="commande.devis",
               words=["Devis D2026-0001 (Devis, ligne 2) : le client l'a refusé : faites un nouveau devis."])
    assert wb.row("tDevis", "number", q)["refusal_reason"] == "trop cher"


def test_quote_cannot_be_sent_or_accepted_before_its_date(wb: Book) -> None:
    q = wb.quote("2026-03-10", "MO-H:2", away=True)
    wb.refused("devis", "envoyer", q, au="2026-03-05", code="devis.date")
    wb.refused("devis", "accepter", q, au="2026-03-01", code="devis.date")


def test_draft_quote_may_be_accepted_directly(wb: Book) -> None:
    # a quote signed on the spot is never « sent »
    q = wb.quote("2026-03-02", "MO-H:2")
    assert wb.ok("devis", "accepter", q, au="2026-03-02")["statut"] == "Accepté"


def test_revised_quote_gets_a_new_number_linked_and_the_old_one_is_replaced(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    data = wb.ok("devis", "relancer", q, "--resultat", "trop cher", "--remise", "10", au="2026-03-09")
    assert data["devis_revise"] == "D2026-0002"
    old, new = wb.row("tDevis", "number", q), wb.row("tDevis", "number", "D2026-0002")
    assert (old["status"], old["replaced_by"], old["followups"]) == ("Remplacé", "D2026-0002", 1)
    assert (new["status"], new["replaces"], new["date"]) == ("Brouillon", q, dt.date(2026, 3, 9))
    assert new["valid_until"] == dt.date(2026, 4, 8)  # a fresh validity of 30 days
    # 2 h × 55,00 = 110,00 − 10 % = 99,00 HT ; VAT 10 % 9,90 ; TTC 108,90
    assert (new["discount_pct"], new["total_ht"], new["total_vat"], new["total_ttc"]) == (
        D(10), D("99.00"), D("9.90"), D("108.90"))
    wb.refused("devis", "accepter", q, au="2026-03-09", code="devis.etat",
               words=["Devis D2026-0001 (Devis, ligne 2) : il est « Remplacé », il ne peut pas être accepté."])
    wb.ok("devis", "accepter", "D2026-0002", au="2026-03-10")


@pytest.mark.parametrize(("pct", "ok"), [("9", False), ("10", True), ("20", True), ("20,01", False), ("25", False)])
def test_follow_up_discount_is_10_to_20_percent(wb: Book, pct: str, ok: bool) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    args = ("devis", "relancer", q, "--resultat", "trop cher", "--remise", pct)
    if ok:
        assert wb.ok(*args, au="2026-03-09")["devis_revise"] == "D2026-0002"
    else:
        wb.refused(*args, au="2026-03-09", code="pourcentage",
                   words=["Devis D2026-0001 (Devis, ligne 2) : la remise de relance doit être entre "
                          "10 % et 20 %"])


def test_follow_up_discount_must_beat_the_quote_discount(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2", extra=["--remise", "15"])
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    wb.refused("devis", "relancer", q, "--resultat", "x", "--remise", "15", au="2026-03-09", code="devis.remise",
               words=["il a déjà une remise globale de 15 %"])
    assert wb.ok("devis", "relancer", q, "--resultat", "x", "--remise", "18", au="2026-03-09")["devis_revise"]


# --------------------------------------------------------------------------- quote validity
def test_quote_can_be_accepted_on_its_last_valid_day(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    assert wb.row("tDevis", "number", q)["valid_until"] == dt.date(2026, 4, 1)  # 2 Mar + 30 days
    wb.ok("devis", "accepter", q, au="2026-04-01")


def test_quote_expires_the_day_after_its_validity(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2", extra=["--validite", "10"])
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    wb.refused("devis", "accepter", q, au="2026-03-13", code="devis.etat",
               words=["Devis D2026-0001 (Devis, ligne 2) : il est « Expiré », il ne peut pas être accepté.",
                      "Sa validité a pris fin le 12/03/2026"])
    listed = wb.ok("devis", "liste", "--statut", "expire", au="2026-03-13")["devis"]
    assert [d["numero"] for d in listed] == [q]
    assert listed[0]["statut"] == "Envoyé"  # « Expiré » is computed, never stored
    # an expired quote may still be followed up and revised
    assert wb.ok("devis", "relancer", q, "--resultat", "d'accord avec remise", "--remise", "10",
                 au="2026-03-13")["devis_revise"] == "D2026-0002"


# --------------------------------------------------------------------------- follow-up delay
def _due(wb: Book, au: str, *extra: str) -> list[str]:
    return [d["numero"] for d in wb.ok("devis", "a-relancer", *extra, au=au)["devis"]]


def test_follow_up_list_boundary_days(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    assert _due(wb, "2026-03-08") == []  # 6 days
    assert _due(wb, "2026-03-09") == [q]  # exactly 7 days
    assert _due(wb, "2026-03-05", "--delai", "3") == [q]
    assert _due(wb, "2026-03-05", "--delai", "4") == []
    wb.ok("devis", "relancer", q, "--resultat", "rappeler la semaine prochaine", au="2026-03-09")
    assert _due(wb, "2026-03-15") == []  # 6 days after the call
    assert _due(wb, "2026-03-16") == [q]  # 7 days after the call
    r = wb.row("tDevis", "number", q)
    assert (r["followups"], r["last_followup"], r["status"]) == (1, dt.date(2026, 3, 9), "Envoyé")
    assert r["followup_notes"] == "09/03/2026 : rappeler la semaine prochaine"


def test_follow_up_delay_from_the_parameters(wb: Book) -> None:
    wb.ok("parametres", "modifier", "relance_devis_jours", "10", au="2026-03-01")
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.ok("devis", "envoyer", q, au="2026-03-02")
    assert _due(wb, "2026-03-11") == []
    assert _due(wb, "2026-03-12") == [q]


def test_answered_quotes_are_not_listed(wb: Book) -> None:
    q1, q2, q3 = (wb.quote("2026-03-02", "MO-H:2") for _ in range(3))
    for q in (q1, q2, q3):
        wb.ok("devis", "envoyer", q, au="2026-03-02")
    wb.ok("devis", "accepter", q1, au="2026-03-03")
    wb.ok("devis", "refuser", q2, "--motif", "autre entreprise", au="2026-03-03")
    assert _due(wb, "2026-03-09") == [q3]


# --------------------------------------------------------------------------- VAT from the job
def test_vat_follows_the_job_not_the_article(wb: Book) -> None:
    # Installation in old housing: the gas boiler (20 % since 01/03/2025) decides the labour's rate,
    # the radiators (equipment of their own) take the improvement-works rate of 10 %.
    q = wb.quote("2026-03-02", "CHG-25:1", "MO-H:6", "RAD-ACI:2", nature="installation")
    lines = sorted(wb.rows("tLignesDevis"), key=lambda r: r["pos"])
    assert [(r["article"], r["rate"]) for r in lines if r["quote"] == q] == [
        ("CHG-25", D(20)), ("MO-H", D(20)), ("RAD-ACI", D(10))]
    detail = wb.ok("devis", "voir", q, au="2026-03-02")
    # 20 %: 3 221,29 + 6 × 55 = 3 551,29 → VAT 710,258 → 710,26 ; 10 %: 491,00 → 49,10
    assert [(p["base_ht"], p["tva"]) for p in detail["par_taux"]] == [("3551.29", "710.26"), ("491.00", "49.10")]
    assert (detail["total_ht"], detail["total_tva"], detail["total_ttc"]) == ("4042.29", "759.36", "4801.65")


def test_heat_pump_job_is_at_5_5_percent(wb: Book) -> None:
    q = wb.quote("2026-03-02", "PAC-8:1", "MO-H:8", "DEP:1", nature="installation")
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == q} == {D("5.5")}


def test_premises_not_declared_means_20_percent_with_a_warning(wb: Book) -> None:
    data = wb.ok("devis", "creer", "--client", "C00001", "--ligne", "ENT-CHG:1", "--nature", "entretien",
                 au="2026-03-02")
    assert data["devis"]["logement_plus_2_ans"] == "Non"
    assert [(p["base_ht"], p["tva"]) for p in data["par_taux"]] == [("120.00", "24.00")]
    warnings = {w["code"]: w["message"] for w in data["avertissements"]}
    assert "devis.tva_normale" in warnings
    assert "--logement-plus-2-ans oui" in warnings["devis.tva_normale"] and "10 %" in warnings["devis.tva_normale"]


def test_nature_not_given_is_chosen_with_a_warning(wb: Book) -> None:
    data = wb.ok("devis", "creer", "--client", "C00001", "--ligne", "CHG-25:1", "--logement-plus-2-ans", "oui",
                 au="2026-03-02")
    assert data["devis"]["nature"] == "Installation"
    assert "devis.nature" in [w["code"] for w in data["avertissements"]]


def test_article_rate_is_only_a_default_when_no_rule_matches(wb: Book) -> None:
    store = wb.store()
    cs = ChangeSet()
    for r in store.rows("tReglesTVA"):  # the user emptied the « Règles TVA » sheet
        cs.update("tReglesTVA", r.row, dict.fromkeys(("nature", "category", "housing", "rate", "basis",
                                                      "valid_from", "valid_to")))
    store.apply(cs, as_of=dt.date(2026, 3, 1))
    q = wb.quote("2026-03-02", "CHG-25:1", "MO-H:1", nature="installation")
    lines = [r for r in wb.rows("tLignesDevis") if r["quote"] == q]
    assert [(r["article"], r["rate"], r["rate_reason"]) for r in lines] == [
        ("CHG-25", D(20), "taux par défaut de l'article"), ("MO-H", D(10), "taux par défaut de l'article")]


def test_rate_override_with_reason_and_zero_rate_needs_a_legal_mention(wb: Book) -> None:
    q = wb.quote("2026-03-02", "CHG-25:1", "MO-H:2", nature="remplacement",
                 extra=["--taux", "2:10:main-d'œuvre d'entretien"])
    lines = sorted((r for r in wb.rows("tLignesDevis") if r["quote"] == q), key=lambda r: r["pos"])
    assert [(r["rate"], r["rate_reason"]) for r in lines] == [(D(20), None), (D(10), "main-d'œuvre d'entretien")]
    wb.refused("devis", "creer", "--client", "C00001", "--ligne", "MO-H:2", "--taux", "1:0:geste commercial",
               au="2026-03-02", code="taux.zero", words=["mention légale", "autoliquidation", "293B"])
    wb.refused("devis", "creer", "--client", "C00001", "--ligne", "MO-H:2", "--taux", "3:10:x",
               au="2026-03-02", code="taux.ligne", words=["il n'y a pas de ligne 3 (le devis en a 1)"])


def test_reverse_charge_only_for_a_business_client(wb: Book) -> None:
    wb.refused("devis", "creer", "--client", "C00001", "--ligne", "MO-H:2", "--autoliquidation",
               au="2026-03-02", code="devis.autoliquidation", words=["Devis pour C00001"])
    q = wb.quote("2026-03-02", "CHG-25:1", "MO-H:2", client="C00002", housing="non", nature="installation",
                 extra=["--autoliquidation"])
    lines = [r for r in wb.rows("tLignesDevis") if r["quote"] == q]
    assert {(r["rate"], r["rate_reason"]) for r in lines} == {
        (D(0), "Autoliquidation : TVA due par le preneur (art. 283-2 nonies du CGI)")}
    assert wb.row("tDevis", "number", q)["total_vat"] == D("0.00")


def test_revised_quote_is_repriced_at_the_rate_of_its_own_date(wb: Book) -> None:
    wb.ok("article", "ajouter", "--code", "THPE-24", "--designation", "Chaudière gaz THPE 24 kW", "--unite", "u",
          "--pu-ht", "4000", "--tva", "5,5", "--categorie", "Chaudière THPE", au="2025-02-10")
    q = wb.quote("2025-02-20", "THPE-24:1", "MO-H:4", nature="remplacement")
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == q} == {D(10)}  # transitional 10 %
    wb.ok("devis", "envoyer", q, au="2025-02-20")
    new = wb.ok("devis", "relancer", q, "--resultat", "trop cher", "--remise", "10", au="2025-03-03")["devis_revise"]
    fresh = wb.quote("2025-03-03", "THPE-24:1", "MO-H:4", nature="remplacement")
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == fresh} == {D(20)}
    assert {r["rate"] for r in wb.rows("tLignesDevis") if r["quote"] == new} == {D(20)}


def test_json_rates_are_plain_numbers(wb: Book) -> None:
    data = wb.ok("devis", "creer", "--client", "C00001", "--ligne", "CHG-25:1", "--ligne", "RAD-ACI:1",
                 "--nature", "installation", "--logement-plus-2-ans", "oui", au="2026-03-02")
    assert [p["taux"] for p in data["par_taux"]] == ["20", "10"]  # not '2E+1' (fixed in 3f3782f)


# --------------------------------------------------------------------------- order states
def test_order_transitions(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2")
    wb.refused("commande", "creer", "--devis", q, au="2026-03-02", code="commande.devis",
               words=["Devis D2026-0001 (Devis, ligne 2) : il est « Brouillon » : faites-le d'abord accepter "
                      "(syc devis accepter D2026-0001)."])
    wb.ok("devis", "accepter", q, au="2026-03-03")
    wb.refused("commande", "creer", "--devis", q, au="2026-03-02", code="commande.date",
               words=["il a été accepté le 03/03/2026 : la commande ne peut pas être datée d'avant."])
    assert wb.ok("commande", "creer", "--devis", q, au="2026-03-03")["numero"] == "BC2026-0001"
    wb.refused("commande", "creer", "--devis", q, au="2026-03-03", code="commande.existe",
               words=["Devis D2026-0001 (Devis, ligne 2) : il a déjà la commande BC2026-0001."])
    where = "Commande BC2026-0001 (Commandes, ligne 2)"
    wb.refused("facture", "creer", "--commande", "BC2026-0001", au="2026-03-03", code="facture.realisee",
               words=[f"{where} : les travaux ne sont pas notés réalisés"])
    wb.refused("commande", "realiser", "BC2026-0001", "--date", "2026-03-04", au="2026-03-03",
               code="commande.date", words=[f"{where} : la date de réalisation 04/03/2026 est dans le futur."])
    wb.refused("commande", "realiser", "BC2026-0001", "--date", "2026-03-02", au="2026-03-03",
               code="commande.date", words=[f"{where} : la date de réalisation 02/03/2026 précède la commande"])
    wb.ok("commande", "realiser", "BC2026-0001", "--date", "2026-03-03", au="2026-03-04")
    wb.refused("commande", "realiser", "BC2026-0001", "--date", "2026-03-04", au="2026-03-04",
               code="commande.etat", words=[f"{where} : elle est « Réalisée », elle ne peut pas être réalisée."])
    wb.ok("commande", "annuler", "BC2026-0001", "--motif", "client parti", au="2026-03-05")
    for args, verb in ((("annuler", "BC2026-0001", "--motif", "x"), "annulée"),
                       (("realiser", "BC2026-0001", "--date", "2026-03-05"), "réalisée")):
        wb.refused("commande", *args, au="2026-03-05", code="commande.etat",
                   words=[f"{where} : elle est « Annulée », elle ne peut pas être {verb}."])
    wb.refused("facture", "acompte", "--commande", "BC2026-0001", "--pourcentage", "30", au="2026-03-05",
               code="acompte.etat", words=[f"{where} : elle est « Annulée » : plus d'acompte possible."])
    wb.refused("facture", "creer", "--commande", "BC2026-0001", au="2026-03-05", code="facture.etat",
               words=[f"{where} : elle est « Annulée » : pas de facture."])


def test_order_show_in_json(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2")
    assert wb.ok("commande", "voir", o, au="2026-03-02")["commande"]["statut"] == "Ouverte"


def test_cancelling_an_order_drops_its_drafts_but_not_its_issued_documents(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", au="2026-03-02")  # BROUILLON-1
    data = wb.ok("commande", "annuler", o, "--motif", "chantier reporté", au="2026-03-03")
    assert data["brouillons_supprimes"] == ["BROUILLON-1"]
    assert wb.rows("tFactures") == [] and wb.rows("tLignesFactures") == []
    _, o2 = wb.order("2026-03-03", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o2, "--pourcentage", "30", "--emettre", au="2026-03-03")
    wb.refused("commande", "annuler", o2, "--motif", "x", au="2026-03-03", code="commande.facturee",
               words=["facture d'acompte F2026-00001 est émise : établissez d'abord un avoir"])


# --------------------------------------------------------------------------- numbering
def test_quotes_and_orders_are_numbered_at_creation(wb: Book) -> None:
    assert [wb.quote("2026-03-02", "MO-H:1") for _ in range(3)] == ["D2026-0001", "D2026-0002", "D2026-0003"]
    wb.ok("devis", "accepter", "D2026-0003", au="2026-03-02")
    wb.ok("devis", "accepter", "D2026-0001", au="2026-03-02")
    assert wb.ok("commande", "creer", "--devis", "D2026-0003", au="2026-03-02")["numero"] == "BC2026-0001"
    assert wb.ok("commande", "creer", "--devis", "D2026-0001", au="2026-03-02")["numero"] == "BC2026-0002"


def test_invoice_series_is_numbered_at_issue_and_drafts_do_not_consume_numbers(wb: Book) -> None:
    _, o1 = wb.order("2026-03-02", "MO-H:10")
    _, o2 = wb.order("2026-03-02", "MO-H:20")
    d1 = wb.ok("facture", "acompte", "--commande", o1, "--pourcentage", "30", au="2026-03-02")["reference"]
    d2 = wb.ok("facture", "acompte", "--commande", o2, "--pourcentage", "30", au="2026-03-02")["reference"]
    assert (d1, d2) == ("BROUILLON-1", "BROUILLON-2")
    assert all(r["number"] is None and r["status"] == "Brouillon" for r in wb.rows("tFactures"))
    assert not [r for r in wb.rows("tCompteurs") if r["series"] == "Facture"]
    # the second draft issued first takes the first number: numbers follow issue, not creation
    assert wb.ok("facture", "emettre", d2, au="2026-03-02")["numero"] == "F2026-00001"
    wb.refused("facture", "emettre", d2, au="2026-03-02", code="facture.emise",
               words=["Facture d'acompte F2026-00001 (Factures, ligne 3) : elle est déjà émise"])
    assert wb.ok("facture", "emettre", "BROUILLON-1", au="2026-03-03")["numero"] == "F2026-00002"
    # credit notes share the series
    assert wb.ok("avoir", "creer", "--facture", "F2026-00001", "--motif", "erreur", "--cause", "erreur", "--emettre",
                 au="2026-03-03")["numero"] == "F2026-00003"
    assert [r["number"] for r in wb.rows("tFactures")] == ["F2026-00002", "F2026-00001", "F2026-00003"]
    counter = [r for r in wb.rows("tCompteurs") if r["series"] == "Facture"]
    assert [(r["year"], r["last"]) for r in counter] == [(2026, 3)]
    assert wb.ok("verifier", au="2026-03-04")["ok"]


def test_issue_dated_before_the_last_issued_is_refused(wb: Book) -> None:
    _, o1 = wb.order("2026-03-02", "MO-H:10")
    _, o2 = wb.order("2026-03-02", "MO-H:20")
    wb.ok("facture", "acompte", "--commande", o1, "--pourcentage", "30", au="2026-03-02")
    wb.ok("facture", "acompte", "--commande", o2, "--pourcentage", "30", au="2026-03-02")
    wb.ok("facture", "emettre", "BROUILLON-1", au="2026-03-05")
    wb.refused("facture", "emettre", "BROUILLON-2", au="2026-03-04", code="audit.order",
               words=["F2026-00002 serait daté du 04/03/2026, avant F2026-00001 (05/03/2026)"])
    assert wb.ok("facture", "emettre", "BROUILLON-2", au="2026-03-05")["numero"] == "F2026-00002"


def test_a_new_year_restarts_every_series(wb: Book) -> None:
    _, o = wb.order("2026-12-30", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-12-30")
    q = wb.quote("2027-01-04", "MO-H:5")
    assert q == "D2027-0001"
    wb.ok("devis", "accepter", q, au="2027-01-04")
    o2 = wb.ok("commande", "creer", "--devis", q, au="2027-01-04")["numero"]
    assert o2 == "BC2027-0001"
    assert wb.ok("facture", "acompte", "--commande", o2, "--pourcentage", "50", "--emettre",
                 au="2027-01-04")["numero"] == "F2027-00001"
    assert wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "20", "--emettre",
                 au="2027-01-04")["numero"] == "F2027-00002"


# --------------------------------------------------------------------------- payment terms
def _issued(wb: Book, au: str, client: str = "C00001") -> dict[str, Any]:
    _, o = wb.order(au, "MO-H:2", client=client)
    wb.ok("commande", "realiser", o, "--date", au, au=au)
    return wb.ok("facture", "creer", "--commande", o, "--emettre", au=au)


def test_due_date_from_the_parameters_method_a(wb: Book) -> None:
    data = _issued(wb, "2026-06-01")  # C00001 has no terms: Paramètres « 30 jours fin de mois », method A
    assert data["echeance"] == "2026-07-31"
    assert wb.doc(data["numero"])["terms"] == "30 jours fin de mois"


def test_due_date_method_b(wb: Book) -> None:
    wb.ok("parametres", "modifier", "methode_fin_de_mois", "B", au="2026-06-01")
    assert _issued(wb, "2026-06-01")["echeance"] == "2026-07-30"  # 30 Jun + 30 days


def test_client_terms_win_over_the_parameters(wb: Book) -> None:
    wb.ok("client", "modifier", "C00003", "--conditions", "45 jours nets", au="2026-06-01")
    assert _issued(wb, "2026-06-01", client="C00003")["echeance"] == "2026-07-16"  # 1 Jun + 45
    wb.ok("client", "modifier", "C00001", "--conditions", "comptant", au="2026-06-01")
    assert _issued(wb, "2026-06-01", client="C00001")["echeance"] == "2026-06-01"


def test_deposit_invoice_is_due_at_once(wb: Book) -> None:
    _, o = wb.order("2026-06-01", "MO-H:2", client="C00002", housing="non")
    data = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-06-01")
    assert data["echeance"] == "2026-06-01"
    assert wb.doc(data["numero"])["terms"] == "comptant"


def _business_client(wb: Book, au: str) -> str:
    return str(wb.ok("client", "ajouter", "--nom", "Chauffage Rhône SAS", "--type", "professionnel", "--adresse",
                     "1 quai Perrache", "--cp", "69002", "--ville", "Lyon", "--siret", "55210055400005",
                     au=au)["code"])


@pytest.mark.parametrize(("terms", "cap"), [("60 jours fin de mois", "45 jours fin de mois"),
                                            ("61 jours nets", "60 jours nets")])
def test_business_terms_over_the_cap_are_refused_at_issue(wb: Book, terms: str, cap: str) -> None:
    code = _business_client(wb, "2026-06-01")
    data = wb.ok("parametres", "modifier", "conditions_paiement", terms, au="2026-06-01")
    assert "param.terms_cap" in [w["code"] for w in data["avertissements"]]
    _, o = wb.order("2026-06-01", "MO-H:2", client=code, housing="non")
    wb.ok("commande", "realiser", o, "--date", "2026-06-01", au="2026-06-01")
    ref = wb.ok("facture", "creer", "--commande", o, au="2026-06-01")["reference"]
    wb.refused("facture", "emettre", ref, au="2026-06-01", code="facture.plafond",
               words=[f"Facture {ref} (Factures, ligne 2) : « {terms} » dépasse le plafond légal entre "
                      f"professionnels ({cap}, art. L441-10 C. com.)."])
    # the same default terms are fine for a consumer (no legal cap)
    assert _issued(wb, "2026-06-01", client="C00001")["numero"] == "F2026-00001"


@pytest.mark.parametrize(("terms", "due"), [("45 jours fin de mois", "2026-07-31"), ("60 jours nets", "2026-07-31")])
def test_business_terms_at_the_cap_are_accepted(wb: Book, terms: str, due: str) -> None:
    code = _business_client(wb, "2026-06-01")
    wb.ok("parametres", "modifier", "conditions_paiement", terms, au="2026-06-01")
    assert _issued(wb, "2026-06-01", client=code)["echeance"] == due


# --------------------------------------------------------------------------- 7 days without payment
AWAY = {"away": True}


def test_consumer_away_no_deposit_before_signature_plus_8(wb: Book) -> None:
    # Signed at the client's home on 2 March (S): S+1 … S+7 are the seven days, S+8 the first allowed day.
    q, o = wb.order("2026-03-02", "CHG-25:1", "MO-H:6", nature="remplacement", **AWAY)
    assert wb.row("tDevis", "number", q)["accepted_on"] == dt.date(2026, 3, 2)
    who = f"Commande {o} (devis {q} signé hors établissement le 02/03/2026)"
    for args in ((), ("--emettre",)):
        wb.refused("facture", "acompte", "--commande", o, "--pourcentage", "30", *args, au="2026-03-09",
                   code="facture.7jours", words=[who, "un acompte est interdit avant le 10/03/2026", "L221-10"])
    ref = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", au="2026-03-10")["reference"]
    # the issue is checked on its own date too (a draft of S+8 issued with --au S+7)
    wb.refused("facture", "emettre", ref, au="2026-03-09", code="facture.7jours",
               words=[who, "émettre une facture d'acompte est interdit avant le 10/03/2026"])
    assert wb.ok("facture", "emettre", ref, au="2026-03-10")["numero"] == "F2026-00001"


def test_accepting_an_away_quote_says_when_payment_is_allowed(wb: Book) -> None:
    q = wb.quote("2026-03-02", "MO-H:2", **AWAY)
    data = wb.ok("devis", "accepter", q, au="2026-03-02")
    assert data["paiement_possible_le"] == "2026-03-10"
    assert "aucun paiement ni acompte avant le 10/03/2026" in data["message"]


def test_consumer_away_no_payment_before_signature_plus_8(wb: Book) -> None:
    # work done (at the client's express request, L221-25) and invoiced the next day (the invoice itself
    # is allowed), paid on S+7: refused; S+8: allowed
    _, o = wb.order("2026-03-02", "MO-H:2", express=True, **AWAY)
    wb.ok("commande", "realiser", o, "--date", "2026-03-03", au="2026-03-03")
    inv = wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-03")["numero"]
    wb.refused("reglement", "saisir", "--facture", inv, "--montant", "10", "--mode", "cheque", au="2026-03-09",
               code="facture.7jours", words=["un paiement est interdit avant le 10/03/2026"])
    assert wb.pay(inv, "10", "2026-03-10", "cheque")["reste_a_payer"] == "111.00"  # 2 h × 55 = 110 + 10 % = 121,00


def test_urgent_repair_is_exempt(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2", urgent=True, **AWAY)
    inv = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "50", "--emettre", au="2026-03-02")
    wb.pay(inv["numero"], inv["total_ttc"], "2026-03-02", "cheque")


def test_business_client_is_exempt(wb: Book) -> None:
    data = wb.ok("devis", "creer", "--client", "C00002", "--ligne", "MO-H:2", "--nature", "depannage",
                 "--hors-etablissement", au="2026-03-02")
    assert "devis.hors_etab" in [w["code"] for w in data["avertissements"]]
    wb.ok("devis", "accepter", data["numero"], au="2026-03-02")
    o = wb.ok("commande", "creer", "--devis", data["numero"], au="2026-03-02")["numero"]
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")


def test_contract_signed_on_the_premises_is_not_restricted(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2")
    inv = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    wb.pay(inv["numero"], inv["total_ttc"], "2026-03-02", "cheque")


# --------------------------------------------------------------------------- cash limit
# MO-H at 909,09 HT, 10 %: VAT 90,909 → 90,91, TTC 1 000,00 ; at 909,10: VAT 90,91, TTC 1 000,01
def test_cash_allowed_up_to_1000_euros_even_in_several_payments(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", "MO-H:1:909,09")
    assert wb.doc(inv)["total_ttc"] == D("1000.00")
    wb.pay(inv, "600", "2026-03-02", "especes")
    assert wb.pay(inv, "400", "2026-03-02", "especes")["statut"] == "Réglée"


def test_cash_refused_above_1000_euros_and_splitting_does_not_help(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:1:909,10")
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    # 909,10 × 30 % = 272,73 ; VAT 27,273 → 27,27 ; TTC 300,00: small, but the contract is 1 000,01
    assert dep["total_ttc"] == "300.00"
    wb.refused("reglement", "saisir", "--facture", dep["numero"], "--montant", "300", "--mode", "especes",
               au="2026-03-02", code="reglement.especes",
               words=[f"Facture d'acompte {dep['numero']} (Factures, ligne 2) : paiement en espèces interdit",
                      "1\u202f000,01\xa0€", "D112-3"])
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    inv = wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-02")["numero"]
    wb.refused("reglement", "saisir", "--facture", inv, "--montant", "1", "--mode", "especes", au="2026-03-02",
               code="reglement.especes", words=["même réglée en plusieurs fois"])
    wb.pay(inv, "1", "2026-03-02", "cb")


# --------------------------------------------------------------------------- payments
def test_partial_payments_and_an_over_payment_left_as_credit(wb: Book) -> None:
    """A cheque a few cents too much: the invoice is paid, the rest is the client's credit (issue 14)."""
    _, _, inv = wb.invoice("2026-03-02", "MO-H:2")  # 110,00 + 11,00 = 121,00
    where = f"Facture {inv} (Factures, ligne 2)"
    for amount in ("0", "-5"):
        wb.refused("reglement", "saisir", "--facture", inv, "--montant", amount, "--mode", "cheque", au="2026-03-02",
                   code="reglement.montant", words=[f"{where} : le montant doit être positif"])
    assert wb.pay(inv, "21", "2026-03-02")["statut"] == "Partiellement réglée"
    data = wb.pay(inv, "100,01", "2026-03-03")
    assert (data["reste_a_payer"], data["statut"], data["credit"]) == ("0.00", "Réglée", "0.01")
    assert [(x["piece"], x["montant"]) for x in data["imputations"]] == [(inv, "100.00"), (None, "0.01")]
    assert wb.ok("credit", "liste", au="2026-03-03")["credits"] == [
        {"client": "C00001", "nom": "DUPONT Jean", "credit": "0.01"}]
    wb.refused("reglement", "saisir", "--facture", inv, "--montant", "0,01", "--mode", "cheque", au="2026-03-03",
               code="reglement.solde", words=[f"{where} : elle ne doit plus rien"])


def test_payment_dated_before_its_invoice_is_refused(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2")
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    inv = wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-10")["numero"]
    wb.refused("reglement", "saisir", "--facture", inv, "--montant", "10", "--mode", "cheque", au="2026-03-05",
               code="reglement.date")


def test_payment_refused_on_drafts_and_credit_notes(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2")
    ref = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", au="2026-03-02")["reference"]
    wb.refused("reglement", "saisir", "--facture", ref, "--montant", "1", "--mode", "cheque", au="2026-03-02",
               code="reglement.brouillon", words=[f"Facture d'acompte {ref} (Factures, ligne 2) : elle n'est pas émise"])
    num = wb.ok("facture", "emettre", ref, au="2026-03-02")["numero"]
    avoir = wb.ok("avoir", "creer", "--facture", num, "--motif", "erreur", "--cause", "erreur", "--emettre", au="2026-03-02")["numero"]
    wb.refused("reglement", "saisir", "--facture", avoir, "--montant", "1", "--mode", "cheque", au="2026-03-02",
               code="reglement.avoir", words=[f"Avoir {avoir}", "un avoir ne se règle pas"])


def test_cancelling_a_payment(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", "MO-H:2")
    pid = wb.pay(inv, "121", "2026-03-03", "cheque")["id"]
    assert pid == "R2026-00001"
    wb.refused("reglement", "annuler", pid, "--motif", "chèque impayé", au="2026-03-02", code="reglement.date",
               words=["Règlement R2026-00001 (Règlements, ligne 2) : il date du 03/03/2026"])
    data = wb.ok("reglement", "annuler", pid, "--motif", "chèque impayé", au="2026-03-05")
    assert (data["id"], data["annule"], data["statut"]) == ("R2026-00002", pid, "Émise")
    opposite = wb.row("tReglements", "id", "R2026-00002")
    assert (opposite["amount"], opposite["cancels"], opposite["reason"]) == (D("-121.00"), pid, "chèque impayé")
    assert (wb.doc(inv)["paid"], wb.doc(inv)["status"]) == (D("0.00"), "Émise")
    wb.refused("reglement", "annuler", pid, "--motif", "encore", au="2026-03-05", code="reglement.annule",
               words=["Règlement R2026-00001 (Règlements, ligne 2) : il est déjà annulé par R2026-00002 "
                      "(Règlements, ligne 3)."])
    wb.refused("reglement", "annuler", "R2026-00002", "--motif", "x", au="2026-03-05", code="reglement.annulation",
               words=["Règlement R2026-00002 (Règlements, ligne 3) : c'est déjà une annulation"])
    assert wb.pay(inv, "121", "2026-03-06")["statut"] == "Réglée"
    assert wb.ok("verifier", au="2026-03-07")["ok"]


# --------------------------------------------------------------------------- credit notes
# Installation, old housing: CHG-25 3 221,29 + MO-H 6 × 55 = 330,00 at 20 % (the boiler decides),
# RAD-ACI 2 × 245,50 = 491,00 at 10 % ; 20 %: 3 551,29 → VAT 710,26 ; 10 %: 491,00 → 49,10 ;
# TTC 3 551,29 + 710,26 + 491,00 + 49,10 = 4 801,65
JOB = ("CHG-25:1", "MO-H:6", "RAD-ACI:2")


def test_full_credit_note_then_nothing_left(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", *JOB, nature="installation")
    assert wb.doc(inv)["total_ttc"] == D("4801.65")
    av = wb.ok("avoir", "creer", "--facture", inv, "--motif", "annulation", "--cause", "erreur", "--emettre", au="2026-03-03")
    assert (av["total_ht"], av["total_tva"], av["total_ttc"]) == ("4042.29", "759.36", "4801.65")
    assert wb.doc(av["numero"])["origin"] == inv
    assert (wb.doc(inv)["credited"], wb.doc(inv)["status"]) == (D("4801.65"), "Soldée par avoir")
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "encore", "--cause", "erreur", au="2026-03-03", code="avoir.solde",
               words=[f"Facture {inv} (Factures, ligne 2) : elle est déjà entièrement créditée"])
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "encore", "--cause", "erreur", "--ligne", "MO-H:1", au="2026-03-03",
               code="avoir.solde")
    wb.refused("avoir", "creer", "--facture", av["numero"], "--motif", "x", "--cause", "erreur", au="2026-03-03", code="avoir.origine",
               words=["un avoir ne se crédite pas"])


def test_partial_credit_notes_are_capped_per_rate(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", *JOB, nature="installation")
    where = f"Facture {inv} (Factures, ligne 2)"
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "x", "--cause", "erreur", "--ligne", "RAD-ACI:3", au="2026-03-03",
               code="avoir.qte", words=[f"{where}, ligne 1", "quantité 3 supérieure à ce qui reste à créditer pour RAD-ACI (2 sur 2 facturés)"])
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "x", "--cause", "erreur", "--ligne", "PAC-8:1", au="2026-03-03",
               code="avoir.article", words=["l'article « PAC-8 » ne figure pas sur la facture."])
    # the quantity is fine but the price typed is above what was invoiced at 10 %
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "x", "--cause", "erreur", "--ligne", "RAD-ACI:1:999", au="2026-03-03",
               code="avoir.plafond", words=[f"{where} : l'avoir dépasserait ce qui reste à créditer à 10 %"])
    # the 10 % part credited in full: 491,00 + 49,10 = 540,10
    av = wb.ok("avoir", "creer", "--facture", inv, "--motif", "radiateurs repris", "--cause", "erreur", "--ligne", "RAD-ACI:2",
               "--emettre", au="2026-03-03")
    assert av["total_ttc"] == "540.10"
    assert (wb.doc(inv)["credited"], wb.doc(inv)["status"]) == (D("540.10"), "Partiellement réglée")
    # nothing is left at 10 %, although 4 261,55 € TTC are left on the invoice
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "x", "--cause", "erreur", "--ligne", "RAD-ACI:1", au="2026-03-04",
               code="avoir.qte", words=[f"{where}, ligne 1", "(0 sur 2 facturés)"])
    # the rest, without --ligne: exactly what is left, per rate, to the cent
    rest = wb.ok("avoir", "creer", "--facture", inv, "--motif", "solde", "--cause", "erreur", "--emettre", au="2026-03-04")
    assert (rest["total_ht"], rest["total_tva"], rest["total_ttc"]) == ("3551.29", "710.26", "4261.55")
    assert (wb.doc(inv)["credited"], wb.doc(inv)["status"]) == (D("4801.65"), "Soldée par avoir")
    assert wb.ok("verifier", au="2026-03-05")["ok"]


def test_draft_credit_notes_count_in_what_is_left(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", *JOB, nature="installation")
    wb.ok("avoir", "creer", "--facture", inv, "--motif", "tout", "--cause", "erreur", au="2026-03-03")  # draft, full
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "encore", "--cause", "erreur", au="2026-03-03", code="avoir.solde",
               words=["(avoirs émis ou en brouillon)"])


def test_credit_note_on_a_draft_is_refused(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2")
    ref = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", au="2026-03-02")["reference"]
    wb.refused("avoir", "creer", "--facture", ref, "--motif", "x", "--cause", "erreur", au="2026-03-02", code="avoir.brouillon",
               words=["c'est un brouillon : il n'a pas de numéro"])


def test_partial_credit_notes_never_credit_more_hours_than_invoiced(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", *JOB, nature="installation")
    wb.ok("avoir", "creer", "--facture", inv, "--motif", "heures en trop", "--cause", "erreur", "--ligne", "MO-H:4", "--emettre",
          au="2026-03-03")
    wb.refused("avoir", "creer", "--facture", inv, "--motif", "heures en trop", "--cause", "erreur", "--ligne", "MO-H:4",
               au="2026-03-03", code="avoir.qte")


# --------------------------------------------------------------------------- deposits
def test_deposit_and_final_invoice_to_the_cent(wb: Book) -> None:
    _, o = wb.order("2026-03-02", *JOB, nature="installation")
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    # 20 %: 3 551,29 × 0,3 = 1 065,387 → 1 065,39, VAT 213,078 → 213,08
    # 10 %:   491,00 × 0,3 = 147,30, VAT 14,73
    assert [(p["base_ht"], p["tva"]) for p in dep["par_taux"]] == [("1065.39", "213.08"), ("147.30", "14.73")]
    assert dep["total_ttc"] == "1440.50"
    assert wb.row("tCommandes", "number", o)["deposit_pct"] == D(30)
    wb.ok("commande", "realiser", o, "--date", "2026-03-20", au="2026-03-20")
    fin = wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-20")
    # 20 %: 3 551,29 − 1 065,39 = 2 485,90 ; VAT 710,26 − 213,08 = 497,18
    # 10 %:   491,00 −   147,30 =   343,70 ; VAT  49,10 −  14,73 =  34,37
    assert [(p["base_ht"], p["tva"]) for p in fin["par_taux"]] == [("2485.90", "497.18"), ("343.70", "34.37")]
    assert (fin["acomptes_deduits_ht"], fin["acomptes_deduits_tva"]) == ("1212.69", "227.81")
    assert fin["total_ttc"] == "3361.15"  # 4 801,65 − 1 440,50
    doc = wb.doc(fin["numero"])
    assert (doc["deducted_ttc"], doc["service_date"]) == (D("1440.50"), dt.date(2026, 3, 20))
    assert wb.row("tCommandes", "number", o)["status"] == "Facturée"
    wb.refused("facture", "acompte", "--commande", o, "--pourcentage", "10", au="2026-03-20", code="acompte.etat")


def test_deposits_are_capped_at_100_percent(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "60", "--emettre", au="2026-03-02")
    wb.refused("facture", "acompte", "--commande", o, "--pourcentage", "40,01", au="2026-03-02",
               code="acompte.plafond", words=["les acomptes atteindraient 100,01 % de la commande (déjà 60 %)"])
    for pct in ("0", "-5", "100,5"):
        wb.refused("facture", "acompte", "--commande", o, "--pourcentage", pct, au="2026-03-02", code="pourcentage")


def test_final_invoice_waits_for_deposit_drafts(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    ref = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", au="2026-03-02")["reference"]
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    wb.refused("facture", "creer", "--commande", o, au="2026-03-02", code="facture.acompte",
               words=[f"la facture d'acompte {ref} est encore en brouillon"])


def test_deposits_of_100_percent_leave_a_final_invoice_at_zero(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:1:100,01", housing="non")  # 100,01 + 20 % = 120,01
    d1 = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "50", "--emettre", au="2026-03-02")
    d2 = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "50", "--emettre", au="2026-03-02")
    assert money(d1["total_ttc"]) + money(d2["total_ttc"]) == D("120.01")  # 60,01 + 60,01 = 120,02 today
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    assert wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-02")["total_ttc"] == "0.00"


def test_deposit_already_deducted_cannot_be_credited_again(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:2", "RAD-ACI:1", nature="remplacement")
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-02")
    wb.refused("avoir", "creer", "--facture", dep["numero"], "--motif", "remboursement", "--cause", "erreur", au="2026-03-03",
               code="avoir.acompte_deduit")


def test_an_order_can_be_invoiced_again_after_a_full_credit_note(wb: Book) -> None:
    _, o, inv = wb.invoice("2026-03-02", "MO-H:2")
    wb.ok("avoir", "creer", "--facture", inv, "--motif", "erreur de client", "--cause", "erreur", "--emettre", au="2026-03-03")
    assert wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-03")["numero"] == "F2026-00003"


# --------------------------------------------------------------------------- closures
def _closures(wb: Book) -> dict[str, dict[str, Any]]:
    return {r["ref"]: r for r in wb.rows("tClotures")}


def _closure_file(wb: Book, ref: str, year: int) -> Path:
    return closures.folder(wb.path) / str(year) / f"{ref}.txt"


def test_closures_are_made_at_the_next_writing_action_for_every_past_day(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")  # 550,00 + 55,00 = 605,00
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    assert "clotures" not in dep and wb.rows("tClotures") == []  # nothing before the first activity
    assert wb.ok("devis", "liste", au="2026-03-06")["ok"] and wb.rows("tClotures") == []  # reading closes nothing
    data = wb.pay(dep["numero"], "100", "2026-03-05")
    assert data["clotures"] == ["J2026-03-02", "J2026-03-03", "J2026-03-04"]  # the empty days too
    days = _closures(wb)
    assert (days["J2026-03-02"]["sales_ttc"], days["J2026-03-02"]["documents"]) == (D("181.50"), 1)
    assert (days["J2026-03-03"]["sales_ttc"], days["J2026-03-03"]["documents"]) == (D("0.00"), 0)
    assert days["J2026-03-04"]["cumul_sales_ttc"] == D("181.50")
    assert days["J2026-03-02"]["first_doc"] == days["J2026-03-02"]["last_doc"] == dep["numero"]
    for ref in data["clotures"]:
        text = _closure_file(wb, ref, 2026).read_text(encoding="utf-8")
        assert f"Clôture : {ref}\n" in text and "Cumul perpétuel des ventes TTC : 181.50\n" in text
    # the same day again: nothing more to close
    assert "clotures" not in wb.pay(dep["numero"], "10", "2026-03-05")
    assert wb.ok("verifier", au="2026-03-05")["ok"]
    # any writing action closes, not only sales ones
    assert wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-03-07")["clotures"] == [
        "J2026-03-05", "J2026-03-06"]
    assert _closures(wb)["J2026-03-05"]["receipts"] == D("110.00")


def test_month_and_year_closures_on_their_boundaries_with_cumulative_totals(wb: Book) -> None:
    _, o = wb.order("2026-11-27", "MO-H:10")  # TTC 605,00
    d1 = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "10", "--emettre", au="2026-11-27")  # 60,50
    assert wb.pay(d1["numero"], "60,50", "2026-11-30")["clotures"] == ["J2026-11-27", "J2026-11-28", "J2026-11-29"]
    d2 = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "20", "--emettre", au="2026-12-01")  # 121,00
    assert d2["clotures"] == ["J2026-11-30", "M2026-11"]  # the month once its last day is closed
    av = wb.ok("avoir", "creer", "--facture", d1["numero"], "--motif", "erreur", "--cause", "erreur", "--emettre", au="2026-12-31")
    assert av["clotures"] == [f"J2026-12-{n:02d}" for n in range(1, 31)]
    assert wb.pay(d2["numero"], "21", "2027-01-02")["clotures"] == ["J2026-12-31", "M2026-12", "A2026", "J2027-01-01"]
    made = [*(f"J2026-11-{n}" for n in range(27, 31)), "M2026-11", *(f"J2026-12-{n:02d}" for n in range(1, 32)),
            "M2026-12", "A2026", "J2027-01-01"]
    c = _closures(wb)
    days = [r for r in c.values() if r["kind"] == "Jour"]
    # cumulative totals = sum of the days, day after day
    running_sales = running_receipts = D("0.00")
    for r in sorted(days, key=lambda r: r["end"]):
        running_sales += r["sales_ttc"]
        running_receipts += r["receipts"]
        assert (r["cumul_sales_ttc"], r["cumul_receipts"]) == (running_sales, running_receipts), r["ref"]
    # Nov: 60,50 sold, 60,50 received ; Dec: 121,00 − 60,50 (credit note) = 60,50 sold, nothing received
    nov, dec, year = c["M2026-11"], c["M2026-12"], c["A2026"]
    assert (nov["start"], nov["end"], nov["sales_ttc"], nov["receipts"]) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 30), D("60.50"), D("60.50"))
    assert (dec["sales_ttc"], dec["receipts"], dec["documents"]) == (D("60.50"), D("0.00"), 2)
    assert (year["start"], year["end"], year["sales_ttc"], year["receipts"]) == (
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), D("121.00"), D("60.50"))
    assert (year["cumul_sales_ttc"], year["cumul_receipts"]) == (D("121.00"), D("60.50"))
    assert year["documents"] == 3 and (year["first_doc"], year["last_doc"]) == (d1["numero"], av["numero"])
    for ref, r in c.items():
        assert _closure_file(wb, ref, r["start"].year).exists(), ref
    journal = [r for r in wb.rows("tJournalAudit") if r["table"] == "tClotures"]
    assert [j["ref"] for j in journal] == made  # chained in the journal, in order
    assert {j["action"] for j in journal} == {"Clôture du jour", "Clôture du mois", "Clôture de l'année"}
    assert wb.ok("verifier", au="2027-01-02")["ok"]


def test_nothing_can_be_issued_or_paid_in_a_closed_day(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    dep = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    ref = wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "10", au="2026-03-02")["reference"]
    wb.pay(dep["numero"], "20", "2026-03-02", "cheque")  # R2026-00001
    wb.pay(dep["numero"], "50", "2026-03-05")  # closes 02, 03 and 04 March
    closed = "la journée du 04/03/2026 est clôturée (clôtures faites jusqu'au 04/03/2026)"
    wb.refused("reglement", "saisir", "--facture", dep["numero"], "--montant", "10", "--mode", "cheque",
               au="2026-03-04", code="cloture.close", words=[f"Facture d'acompte {dep['numero']}", closed])
    wb.refused("facture", "emettre", ref, au="2026-03-04", code="cloture.close",
               words=[f"Facture d'acompte {ref} (Factures, ligne 3) : {closed}"])
    wb.refused("reglement", "annuler", "R2026-00001", "--motif", "x", au="2026-03-03", code="cloture.close",
               words=["la journée du 03/03/2026 est clôturée"])
    wb.ok("facture", "emettre", ref, au="2026-03-05")


def test_a_refused_action_makes_no_closure(wb: Book) -> None:
    _, _, inv = wb.invoice("2026-03-02", "MO-H:2")
    # four days later: an accepted action would close 2 to 5 March; a refused one writes nothing at all
    wb.refused("reglement", "saisir", "--facture", inv, "--montant", "0", "--mode", "cheque", au="2026-03-06",
               code="reglement.montant")
    assert wb.rows("tClotures") == [] and not closures.folder(wb.path).exists()
    assert wb.pay(inv, "121", "2026-03-06")["clotures"] == [f"J2026-03-0{n}" for n in range(2, 6)]


def test_verifier_detects_a_closure_row_edited_in_the_workbook(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-03-04")
    assert wb.ok("verifier", au="2026-03-04")["ok"]
    if wb.in_base:
        return  # no typing in a sheet: the base's triggers refuse it (tests/test_pgbase.py)
    row = next(r for r in FileStore(wb.path).rows("tClotures") if r["ref"] == "J2026-03-02")
    # a user typing in Excel: no guard on issued rows
    excel = dataclasses.replace(SCHEMA, tables=tuple(dataclasses.replace(t, audit=None) if t.name == "tClotures"
                                                     else t for t in SCHEMA.tables))
    cs = ChangeSet()
    cs.update("tClotures", row.row, {"sales_ttc": D("0.00"), "cumul_sales_ttc": D("0.00")})
    FileStore(wb.path, excel).apply(cs, as_of=dt.date(2026, 3, 4))
    rc, data = wb.run("verifier", au="2026-03-04")
    assert rc == 1
    found = [e for e in data["erreurs"] if e["code"] == "cloture.modifiee"]
    assert found, data
    for words in ("Clôture J2026-03-02 (Clôtures, ligne 2)", "sauvegardes/clotures/SYC_Gestion/2026/J2026-03-02.txt",
                  "(Ventes TTC, Cumul perpétuel des ventes TTC)"):
        assert words in found[0]["message"]


def test_verifier_detects_a_closure_file_edited_or_a_closure_row_deleted(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:10")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")
    wb.ok("client", "modifier", "C00003", "--tel", "0478000002", au="2026-03-04")
    path = _closure_file(wb, "J2026-03-03", 2026)
    path.write_text(path.read_text(encoding="utf-8").replace("Encaissements : 0.00", "Encaissements : 500.00"),
                    encoding="utf-8")
    rc, data = wb.run("verifier", au="2026-03-04")
    assert rc == 1
    # a base also holds the file's SHA-256, recorded with the closure: it names the file changed too
    assert [e["code"] for e in data["erreurs"]] == [*(["fichier.modifie"] if wb.in_base else []), "cloture.modifiee"]
    message = data["erreurs"][-1]["message"]
    assert "Clôture J2026-03-03 (Clôtures, ligne 3)" in message and "(Encaissements)" in message
    # a closure file whose row is not in the workbook
    (path.parent / "J2026-02-27.txt").write_text("SYC Gestion — SYC_Gestion.xlsm\nClôture : J2026-02-27\n",
                                                  encoding="utf-8")
    rc, data = wb.run("verifier", au="2026-03-04")
    assert "cloture.absente" in [e["code"] for e in data["erreurs"]]
