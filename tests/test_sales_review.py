"""Findings of the code review of the sales chain, each pinned by a test: a deposit deducted and
credited at once, a counter pushed ahead (gap in the series), --emettre after a closure, help texts."""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import pytest
from test_sales_chain import Book

from pyxl.cli import main
from pyxl.services.invoices import series_issues
from pyxl.workbook.filestore import ChangeSet

DAY = dt.date(2026, 3, 2)


# `wb`: conftest's demo book, in a workbook file and in a PostgreSQL base


def _deposit_then_draft_final(wb: Book) -> tuple[str, str, str]:
    _, o = wb.order("2026-03-02", "MO-H:2", "RAD-ACI:1", nature="remplacement")
    dep = str(wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "30", "--emettre", au="2026-03-02")["numero"])
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    draft = str(wb.ok("facture", "creer", "--commande", o, au="2026-03-02")["reference"])
    return o, dep, draft


def test_a_deposit_deducted_by_a_draft_invoice_cannot_be_credited(wb: Book) -> None:
    _, dep, draft = _deposit_then_draft_final(wb)
    wb.refused("avoir", "creer", "--facture", dep, "--motif", "remboursement", "--cause", "erreur", au="2026-03-02",
               code="avoir.acompte_deduit", words=[f"le brouillon de facture {draft} déduit cet acompte",
                                                   f"syc facture supprimer {draft}"])


def test_a_draft_deducting_a_deposit_credited_since_cannot_be_issued(wb: Book) -> None:
    o, dep, draft = _deposit_then_draft_final(wb)
    wb.ok("facture", "supprimer", draft, au="2026-03-02")
    assert not [r for r in wb.rows("tFactures") if r["ref"] == draft]
    credit = str(wb.ok("avoir", "creer", "--facture", dep, "--motif", "remboursement", "--cause", "erreur", au="2026-03-02")["reference"])
    # a final invoice prepared while the credit note is still a draft deducts the deposit in full…
    final = str(wb.ok("facture", "creer", "--commande", o, au="2026-03-02")["reference"])
    # …so the credit note can no longer be issued, and the other way round
    wb.refused("facture", "emettre", credit, au="2026-03-02", code="avoir.acompte_deduit")
    wb.ok("facture", "supprimer", final, au="2026-03-02")
    wb.ok("facture", "emettre", credit, au="2026-03-02")
    again = wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-02")
    # nothing left of the deposit to deduct: the invoice is the whole job
    assert again["acomptes_deduits_ht"] == "0.00"
    assert wb.ok("verifier", au="2026-03-03")["ok"]


def test_a_stale_deduction_is_refused_at_issue(wb: Book) -> None:
    _, dep, draft = _deposit_then_draft_final(wb)
    # a credit note on the deposit issued behind the draft's back (e.g. a draft made by hand in Excel)
    cs = ChangeSet()
    store = wb.store()
    row = next(r for r in store.rows("tLignesFactures") if r["source"] == dep)
    cs.update("tLignesFactures", row.row, {"source": None, "fixed_vat": None, "net": row["net"]})
    store.apply(cs, as_of=DAY)
    wb.ok("avoir", "creer", "--facture", dep, "--motif", "remboursement", "--cause", "erreur", "--emettre", au="2026-03-02")
    cs = ChangeSet()
    cs.update("tLignesFactures", row.row, {"source": dep, "fixed_vat": row["fixed_vat"]})
    wb.store().apply(cs, as_of=DAY)
    wb.refused("facture", "emettre", draft, au="2026-03-02", code="facture.acompte_modifie",
               words=[f"l'acompte {dep} a changé"])


def test_a_counter_pushed_ahead_is_refused_rather_than_leaving_a_gap(wb: Book) -> None:
    wb.invoice("2026-03-02", "MO-H:1")
    store = wb.store()
    counter = next(r for r in store.rows("tCompteurs") if r["series"] == "Facture" and r["year"] == 2026)
    cs = ChangeSet()
    cs.update("tCompteurs", counter.row, {"last": 40})  # as if typed in Excel
    store.apply(cs, as_of=DAY)
    _, o = wb.order("2026-03-02", "MO-H:1")
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    draft = str(wb.ok("facture", "creer", "--commande", o, au="2026-03-02")["reference"])
    wb.refused("facture", "emettre", draft, au="2026-03-02", code="serie.compteur",
               words=["F2026-00040 n'existe pas", "Compteurs"])


def test_verifier_names_a_gap_in_the_series(wb: Book) -> None:
    wb.invoice("2026-03-02", "MO-H:1")
    wb.invoice("2026-03-02", "MO-H:2")
    store = wb.store()
    assert series_issues(store) == []

    class Deleted:  # the same rows, F2026-00001 deleted by hand in Excel (the store refuses to)
        def rows(self, name: str) -> list:
            return [r for r in store.rows(name) if r["number"] != "F2026-00001"]

    issues = series_issues(Deleted())  # type: ignore[arg-type]
    assert [i.code for i in issues] == ["serie.trou"]
    assert "F2026-00001" in issues[0].message


def test_emettre_makes_the_closures_before_writing_the_draft(wb: Book) -> None:
    _, o = wb.order("2026-03-02", "MO-H:1")
    wb.ok("commande", "realiser", o, "--date", "2026-03-02", au="2026-03-02")
    wb.ok("facture", "acompte", "--commande", o, "--pourcentage", "10", "--emettre", au="2026-03-02")
    out = wb.ok("facture", "creer", "--commande", o, "--emettre", au="2026-03-04")
    assert out["clotures"] == ["J2026-03-02", "J2026-03-03"]
    assert "Clôtures faites du 02/03/2026 au 03/03/2026." in out["message"]
    assert wb.ok("verifier", au="2026-03-04")["ok"]


@pytest.mark.parametrize("command", [
    ["devis", "creer"], ["devis", "relancer"], ["devis", "a-relancer"], ["commande", "realiser"],
    ["facture", "acompte"], ["facture", "supprimer"], ["avoir", "creer"], ["reglement", "saisir"], ["demo"],
])
def test_every_help_text_prints(command: list[str]) -> None:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main([*command, "--help"]) == 0
    assert "usage" in buf.getvalue().lower() or "utilisation" in buf.getvalue().lower()


def test_a_lost_closure_file_is_written_again_with_the_next_closures(wb: Book) -> None:
    from pyxl.services import closures

    wb.invoice("2026-03-02", "MO-H:1")
    wb.ok("devis", "creer", "--client", "C00001", "--ligne", "MO-H:1", "--nature", "depannage", au="2026-03-03")
    lost = closures.folder(wb.path) / "2026" / "J2026-03-02.txt"
    text = lost.read_text(encoding="utf-8")
    lost.unlink()  # as after a crash between the workbook's write and the file's
    wb.ok("devis", "creer", "--client", "C00001", "--ligne", "MO-H:1", "--nature", "depannage", au="2026-03-05")
    assert lost.read_text(encoding="utf-8") == text
    assert wb.ok("verifier", au="2026-03-05")["ok"]
