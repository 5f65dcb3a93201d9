"""Every stored state change goes through the one transition table (`workflow.TRANSITIONS`) or the
state derived from amounts (`workflow.invoice_state`): no service writes a state of its own, except
the first state of a new record."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pyxl.core import workflow as wf

SERVICES = Path(__file__).resolve().parents[1] / "pyxl" / "services"
FIRST_STATES = {"Q_DRAFT", "O_OPEN", "I_DRAFT", "J_TO_PLAN"}  # a new quote, order, draft document or job


def test_no_service_writes_a_state_by_hand() -> None:
    written = re.compile(r"""(?:"status"\s*:\s*|status\s*=\s*)wf\.([A-Z_]+)\b""")
    bad = []
    for path in sorted(SERVICES.glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in written.finditer(line):
                if m.group(1) not in FIRST_STATES:
                    bad.append(f"{path.name}:{n}: {line.strip()}")
    assert bad == []


def test_the_table_knows_every_move_the_services_make() -> None:
    assert wf.next_state("devis", "refuser", wf.Q_EXPIRED) == wf.Q_REFUSED  # an expired quote can be refused
    assert wf.next_state("devis", "accepter", wf.Q_EXPIRED) is None  # but not accepted: a revised quote is needed
    assert wf.next_state("commande", "reouvrir", wf.O_INVOICED) == wf.O_DONE
    assert wf.next_state("commande", "reouvrir", wf.O_DONE) is None
    assert wf.next_state("facture", "emettre", wf.I_ISSUED) is None
    assert wf.next_state("commande", "facturer", wf.O_CANCELLED) is None
    assert wf.invoice_state(Decimal(0), Decimal(0), Decimal(0)) == wf.I_PAID  # a final invoice after 100 % of deposits


def test_states_are_enums_whose_values_the_sheets_show() -> None:
    from pyxl.workbook import schema

    assert schema.QUOTE_STATES == ("Brouillon", "Envoyé", "Accepté", "Refusé", "Remplacé")
    assert tuple(wf.InvoiceState) == schema.INVOICE_STATES
    assert wf.InvoiceState.PARTIAL == "Partiellement réglée"
    assert all(type(v) is str for v in (*schema.NATURES, *schema.PAYMENT_MODES, *schema.CATEGORIES))
