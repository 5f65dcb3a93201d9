"""Build the document templates (templates/*.docx) with python-docx.

    python templates/build_templates.py          # rewrites every template beside this script

The .docx files are committed: the business opens and edits them in Word (fields are described in
docs/modeles-documents.md). This script is how they were made, and how to remake them from
scratch; after hand edits in Word, keep the edited files (running this again would overwrite them).

Layout (A4): company block and document title in a fixed-height band, so that the client's
address falls in the window of a DL envelope (address zone about 100 mm from the left edge and
50 mm from the top, letter folded in three); the lines table repeats its header row on every page;
the footer carries the company's legal identity and « Page X sur Y ». Font: Calibri (Word), for
which LibreOffice uses the metric-compatible Carlito (fonts-crosextra-carlito), so lines break at
the same places on both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
FONT = "Calibri"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
GREY = "E7ECF2"
PAGE_W, LEFT, RIGHT = 210, 20, 15
BODY_W = PAGE_W - LEFT - RIGHT  # 175 mm

Doc = object  # python-docx Document (untyped)


# --------------------------------------------------------------------------- low-level helpers
def _new() -> object:
    d = Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(12), Mm(18)
    sec.left_margin, sec.right_margin = Mm(LEFT), Mm(RIGHT)
    sec.header_distance, sec.footer_distance = Mm(8), Mm(8)
    st = d.styles["Normal"]
    st.font.name = FONT
    st.font.size = Pt(9.5)
    st.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    st.paragraph_format.space_after = Pt(2)
    st.paragraph_format.space_before = Pt(0)
    st.paragraph_format.line_spacing = 1.0
    for name in ("Heading 1", "Heading 2"):
        h = d.styles[name]
        h.font.name = FONT
        h.font.color.rgb = ACCENT
    # python-docx's default template starts with an empty paragraph: remove it
    body = d.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return d


def para(container: object, text: str = "", *, bold: bool = False, size: float | None = None,
         align: object = None, indent_mm: float | None = None, after: float | None = None,
         before: float | None = None, italic: bool = False, color: RGBColor | None = None,
         keep_next: bool = False) -> Paragraph:
    p = container.add_paragraph()  # type: ignore[attr-defined]
    if text:
        run(p, text, bold=bold, size=size, italic=italic, color=color)
    pf = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent_mm is not None:
        pf.left_indent = Mm(indent_mm)
    if after is not None:
        pf.space_after = Pt(after)
    if before is not None:
        pf.space_before = Pt(before)
    if keep_next:
        pf.keep_with_next = True
    return p


def run(p: Paragraph, text: str, *, bold: bool = False, size: float | None = None, italic: bool = False,
        color: RGBColor | None = None) -> object:
    r = p.add_run(text)
    r.bold = bold or None
    r.italic = italic or None
    if size:
        r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = color
    return r


def tag(container: object, text: str) -> Paragraph:
    """A paragraph holding only a docxtpl block tag ({%p … %}): removed at rendering."""
    return para(container, text, after=0)


def field(p: Paragraph, code: str, shown: str, size: float = 7.5) -> None:
    """A Word field (PAGE, NUMPAGES): updated by Word and LibreOffice when the page is laid out."""
    def r_with(el: object) -> None:
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(size * 2)))
        rpr.append(sz)
        r.append(rpr)
        r.append(el)  # type: ignore[arg-type]
        p._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    r_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    r_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    r_with(sep)
    t = OxmlElement("w:t")
    t.text = shown
    r_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r_with(end)


def shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def borders(table: Table, *, inside: bool = True, outside: bool = True, color: str = "9AA9B8") -> None:
    tblpr = table._tbl.tblPr
    el = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{edge}")
        on = outside if edge in ("top", "left", "bottom", "right") else inside
        b.set(qn("w:val"), "single" if on else "nil")
        if on:
            b.set(qn("w:sz"), "4")
            b.set(qn("w:color"), color)
        el.append(b)
    tblpr.append(el)


def widths(table: Table, mm: Sequence[float]) -> None:
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.iterchildren(qn("w:gridCol")), mm, strict=True):
        col.set(qn("w:w"), str(int(w * 56.7)))
    for row in table.rows:
        for cell, w in zip(row.cells, mm, strict=True):
            cell.width = Mm(w)


def repeat_header(table: Table) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    h = OxmlElement("w:tblHeader")
    h.set(qn("w:val"), "true")
    trpr.append(h)


def cant_split(table: Table) -> None:
    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        trpr.append(el)


def exact_height(table: Table, row: int, mm: float) -> None:
    r = table.rows[row]
    r.height = Mm(mm)
    trpr = r._tr.get_or_add_trPr()
    for h in trpr.iterchildren(qn("w:trHeight")):
        h.set(qn("w:hRule"), "exact")


def cell_text(cell: _Cell, text: str, *, bold: bool = False, align: object = None, size: float | None = None,
              color: RGBColor | None = None) -> Paragraph:
    p = cell.paragraphs[0]
    if text:
        run(p, text, bold=bold, size=size, color=color)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    return p


def no_cell_margins(table: Table) -> None:
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), "0")
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    tblpr.append(mar)


# --------------------------------------------------------------------------- shared blocks
def footer(d: object) -> None:
    sec = d.sections[0]  # type: ignore[attr-defined]
    f = sec.footer
    p = f.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(p, "{{ entreprise.identite }}", size=7, color=RGBColor(0x55, 0x55, 0x55))
    p2 = f.add_paragraph()
    p2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(p2, "{{ entreprise.adresse }}{% if entreprise.telephone %} — Tél. {{ entreprise.telephone }}{% endif %}"
            "{% if entreprise.email %} — {{ entreprise.email }}{% endif %}", size=7, color=RGBColor(0x55, 0x55, 0x55))
    p3 = f.add_paragraph()
    p3.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(p3, "{{ titre }}{% if doc.numero %} {{ doc.numero }}{% endif %} — Page ", size=7.5)
    field(p3, "PAGE", "1")
    run(p3, " sur ", size=7.5)
    field(p3, "NUMPAGES", "1")


def letterhead(d: object, title: bool = True) -> None:
    """Company block (left) and document title (right) in a band of fixed height, then the
    client's address where a DL window envelope shows it."""
    t = d.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    no_cell_margins(t)
    widths(t, (95, 80))
    exact_height(t, 0, 36)
    left, right = t.rows[0].cells
    p = cell_text(left, "{{ logo }}")
    p.paragraph_format.space_after = Pt(2)
    cell_text_add(left, "{{ entreprise.raison_sociale }}", bold=True, size=13, color=ACCENT)
    cell_text_add(left, "{%p if entreprise.nom_commercial %}")
    cell_text_add(left, "{{ entreprise.nom_commercial }}", size=9)
    cell_text_add(left, "{%p endif %}")
    cell_text_add(left, "{%p for a in entreprise.adresse_lignes %}")
    cell_text_add(left, "{{ a }}", size=9)
    cell_text_add(left, "{%p endfor %}")
    cell_text_add(left, "{% if entreprise.telephone %}Tél. {{ entreprise.telephone }}{% endif %}"
                        "{% if entreprise.email %}   {{ entreprise.email }}{% endif %}", size=9)
    if title:
        cell_text(right, "{{ titre|upper }}", bold=True, size=18, align=WD_ALIGN_PARAGRAPH.RIGHT, color=ACCENT)
        cell_text_add(right, "N° {{ doc.numero }}", bold=True, size=11, align=WD_ALIGN_PARAGRAPH.RIGHT)
        cell_text_add(right, "Date : {{ doc.date }}", size=9.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
        cell_text_add(right, "Client n° {{ client.code }}", size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)
    # client's address: 100 mm from the page's left edge (window of a DL envelope)
    tag(d, "{%p for ligne in client.adresse_lignes %}")
    para(d, "{{ ligne }}", size=10.5, indent_mm=100 - LEFT, after=0, bold=False)
    tag(d, "{%p endfor %}")
    para(d, "", after=10)


def cell_text_add(cell: _Cell, text: str, *, bold: bool = False, size: float | None = None,
                  align: object = None, color: RGBColor | None = None) -> Paragraph:
    p = cell.add_paragraph()
    run(p, text, bold=bold, size=size, color=color)
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    return p


def references(d: object, extra: Sequence[tuple[str, str, str]] = ()) -> None:
    """Optional reference lines, each printed only when its field is filled."""
    rows = [("Objet", "doc.objet"), ("Lieu d'intervention", "doc.lieu"), *[(a, b) for a, b, _ in extra],
            ("Votre référence", "doc.ref_client")]
    for label, key in rows:
        tag(d, f"{{%p if {key} %}}")
        p = para(d, after=1)
        run(p, f"{label} : ", bold=True)
        run(p, f"{{{{ {key} }}}}")
        tag(d, "{%p endif %}")
    tag(d, "{%p if client.est_professionnel and client.siren %}")
    p = para(d, after=1)
    run(p, "SIREN du client : ", bold=True)
    run(p, "{{ client.siren }}{% if client.tva_intra %} — TVA {{ client.tva_intra }}{% endif %}")
    tag(d, "{%p endif %}")
    para(d, "", after=4)


def lines_table(d: object) -> None:
    heads = ("Désignation", "Qté", "Unité", "PU HT", "Remise", "TVA", "Total HT")
    w = (74, 13, 14, 22, 15, 13, 24)
    t = d.add_table(rows=3, cols=7)  # type: ignore[attr-defined]
    borders(t, inside=False)
    widths(t, w)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for i, h in enumerate(heads):
        c = t.rows[0].cells[i]
        shade(c, GREY)
        cell_text(c, h, bold=True, size=9, align=right if i else None)
    repeat_header(t)
    first = t.rows[1].cells
    cell_text(first[0], "{%tr for l in lignes %}")
    keys = ("designation", "quantite", "unite", "pu_ht", "remise", "tva", "total_ht")
    for i, k in enumerate(keys):
        cell_text(t.rows[2].cells[i], f"{{{{ l.{k} }}}}", size=9, align=right if i not in (0, 2) else None)
    row = t.add_row().cells
    cell_text(row[0], "{%tr endfor %}")
    cant_split(t)
    para(d, "", after=4)


def deposits_table(d: object) -> None:
    tag(d, "{%p if acomptes %}")
    para(d, "Acomptes déjà facturés, déduits", bold=True, after=2, keep_next=True)
    tag(d, "{%p endif %}")
    t = d.add_table(rows=3, cols=3)  # type: ignore[attr-defined]
    borders(t, inside=False)
    widths(t, (126, 25, 24))
    cell_text(t.rows[0].cells[0], "{%tr for a in acomptes %}")
    right = WD_ALIGN_PARAGRAPH.RIGHT
    cell_text(t.rows[1].cells[0], "{{ a.libelle }}", size=9)
    cell_text(t.rows[1].cells[1], "TVA {{ a.tva }}", size=9, align=right)
    cell_text(t.rows[1].cells[2], "{{ a.total_ht }}", size=9, align=right)
    cell_text(t.rows[2].cells[0], "{%tr endfor %}")
    para(d, "", after=2)


def totals(d: object, *, credit: bool = False) -> None:
    """VAT per rate (left) and totals (right), side by side; kept on one page."""
    outer = d.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    no_cell_margins(outer)
    widths(outer, (95, 80))
    cant_split(outer)
    left, right_cell = outer.rows[0].cells
    cell_text(left, "")
    vt = left.add_table(rows=3, cols=4)
    borders(vt, inside=False)
    widths(vt, (15, 24, 20, 25))
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for i, h in enumerate(("Taux", "Base HT", "TVA", "Total TTC")):
        shade(vt.rows[0].cells[i], GREY)
        cell_text(vt.rows[0].cells[i], h, bold=True, size=8.5, align=right if i else None)
    cell_text(vt.rows[1].cells[0], "{%tr for r in totaux.taux %}")
    for i, k in enumerate(("taux", "base_ht", "tva", "ttc")):
        # a credit note's VAT table has the sign of its totals (issue 13, item 16)
        minus = "−" if credit and i else ""
        cell_text(vt.rows[2].cells[i], f"{minus}{{{{ r.{k} }}}}", size=8.5, align=right if i else None)
    vt.add_row()
    cell_text(vt.rows[3].cells[0], "{%tr endfor %}")

    tt = right_cell.add_table(rows=0, cols=2)
    borders(tt, inside=False)
    widths(tt, (48, 30))
    sign = "−" if credit else ""

    def line(label: str, value: str, cond: str = "", bold: bool = False, fill: str = "") -> None:
        if cond:
            r0 = tt.add_row().cells
            cell_text(r0[0], f"{{%tr if {cond} %}}")
        r = tt.add_row().cells
        cell_text(r[0], label, bold=bold, size=9.5)
        cell_text(r[1], value, bold=bold, size=9.5, align=right)
        if fill:
            shade(r[0], fill)
            shade(r[1], fill)
        if cond:
            r1 = tt.add_row().cells
            cell_text(r1[0], "{%tr endif %}")

    line("Remise globale", "−{{ totaux.remise }}", "totaux.remise")
    if not credit:
        line("Total des travaux TTC", "{{ total_travaux_ttc }}", "total_travaux_ttc")
        line("Acomptes déjà facturés TTC", "−{{ acomptes_ttc }}", "acomptes_ttc")
    line("Total HT{% if acomptes_ttc %} après acomptes{% endif %}", sign + "{{ totaux.ht }}", bold=True)
    line("Total TVA", sign + "{{ totaux.tva }}")
    line("Total TTC", sign + "{{ totaux.ttc }}", bold=True, fill=GREY)
    if not credit:
        line("Déjà réglé", "−{{ deja_regle }}", "deja_regle")
        line("Avoirs", "−{{ avoirs }}", "avoirs")
    # widths of the nested tables need their grid set once rows exist
    widths(tt, (48, 30))
    para(d, "", after=4)


def mentions(d: object, *, payment: bool) -> None:
    tag(d, "{%p for m in mentions %}")
    para(d, "{{ m }}", size=8.5, after=1)
    tag(d, "{%p endfor %}")
    tag(d, "{%p for m in motifs_tva %}")
    para(d, "{{ m }}", size=8.5, after=1, bold=True)
    tag(d, "{%p endfor %}")
    para(d, "{{ entreprise.assurance }}", size=8.5, after=1)
    if payment:
        tag(d, "{%p for m in mentions_paiement %}")
        para(d, "{{ m }}", size=8.5, after=1)
        tag(d, "{%p endfor %}")
        para(d, "{{ entreprise.reglement }}", size=8.5, after=1)


def certification(d: object) -> None:
    tag(d, "{%p if certification %}")
    para(d, "Attestation du client pour le taux réduit de TVA", bold=True, size=9, before=6, after=1,
         keep_next=True)
    para(d, "{{ certification }}", size=8.5, after=1, keep_next=True, italic=True)
    para(d, "Date et signature du client : ………………………………………………", size=8.5, after=4)
    tag(d, "{%p endif %}")


def agreement(d: object) -> None:
    tag(d, "{%p if bon_pour_accord %}")
    t = d.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    borders(t)
    widths(t, (87, 88))
    exact_height(t, 0, 30)
    cant_split(t)
    a, b = t.rows[0].cells
    cell_text(a, "Pour l'entreprise", bold=True, size=9)
    cell_text_add(a, "{{ entreprise.raison_sociale }}", size=9)
    cell_text(b, "Bon pour accord — le client", bold=True, size=9)
    cell_text_add(b, "Date, signature et mention manuscrite « Devis reçu avant l'exécution des travaux, "
                     "bon pour accord » :", size=8)
    tag(d, "{%p endif %}")


def withdrawal(d: object) -> None:
    tag(d, "{%p if retractation %}")
    para(d, "Droit de rétractation", bold=True, size=9, before=6, after=1, keep_next=True)
    para(d, "{{ retractation }}", size=8.5, after=2)
    tag(d, "{%p endif %}")
    tag(d, "{%p if formulaire_retractation %}")
    p = para(d, after=0)
    p.add_run().add_break(WD_BREAK.PAGE)
    para(d, "Formulaire de rétractation", bold=True, size=13, color=ACCENT, after=4)
    para(d, "À l'attention de {{ entreprise.raison_sociale }}, {{ entreprise.adresse }}"
            "{% if entreprise.email %}, {{ entreprise.email }}{% endif %} — {% if doc.commande %}bon de commande "
            "n° {{ doc.commande }} (devis n° {{ doc.devis }}){% else %}devis n° {{ doc.numero }}{% endif %} "
            "du {{ doc.date }} :", after=4)
    tag(d, "{%p endif %}")
    tag(d, "{%p for ligne in formulaire_retractation %}")
    para(d, "{{ ligne }}", after=6)
    tag(d, "{%p endfor %}")


def sales_document(kind: str) -> object:
    d = _new()
    footer(d)
    letterhead(d)
    extra: list[tuple[str, str, str]] = []
    if kind in ("devis", "commande"):
        extra = [("Nature des travaux", "doc.nature", ""), ("Devis", "doc.devis", "")] if kind == "commande" else \
            [("Nature des travaux", "doc.nature", "")]
    elif kind == "avoir":
        extra = [("Facture d'origine", "doc.facture_origine", ""), ("Motif", "doc.motif", "")]
    else:
        extra = [("Commande", "doc.commande", ""), ("Devis", "doc.devis", ""),
                 ("Travaux réalisés le", "doc.date_realisation", "")]
    references(d, extra)
    if kind == "acquittee":
        stamp(d)
    lines_table(d)
    if kind in ("facture", "acquittee"):
        deposits_table(d)
    totals(d, credit=(kind == "avoir"))
    if kind == "acquittee":
        settlements(d)
        p = para(d, after=4)
        run(p, "Reste à payer : {{ reste_du }}", bold=True, size=11)
    if kind in ("facture", "acompte"):
        p = para(d, after=4)
        run(p, "Net à payer : ", bold=True, size=11)
        run(p, "{{ reste_du }}", bold=True, size=11)
        run(p, "{% if doc.echeance %} — au plus tard le {{ doc.echeance }}{% endif %}", bold=True, size=11)
    if kind == "avoir":
        para(d, "Montant de l'avoir, à déduire de vos prochains règlements ou remboursé : {{ totaux.ttc }}.",
             bold=True, after=4)
    mentions(d, payment=kind not in ("devis", "commande", "avoir"))
    certification(d)
    if kind in ("devis", "commande"):
        agreement(d)
    if kind in ("devis", "commande"):  # the order form carries it too (L221-5, L221-9 C. conso)
        withdrawal(d)
    return d


def stamp(d: object) -> None:
    t = d.add_table(rows=1, cols=1)  # type: ignore[attr-defined]
    borders(t, color="B00020")
    widths(t, (90,))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    c = t.rows[0].cells[0]
    # the paid copy reproduces the invoice unchanged, marked as a duplicate (issue 13, item 14)
    cell_text(c, "Duplicata — facture acquittée", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER,
              color=RGBColor(0xB0, 0, 0x20))
    cell_text_add(c, "Acquittée le {{ acquittee.date }}", bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(d, "", after=2)


def settlements(d: object) -> None:
    """Every settlement of the paid copy: payments by mode and date, credit notes."""
    para(d, "Règlements et avoirs", bold=True, size=9, before=4, after=1, keep_next=True)
    tag(d, "{%p for p in acquittee.reglements %}")
    para(d, "Règlement du {{ p.date }} ({{ p.mode }}{% if p.reference %}, {{ p.reference }}{% endif %}) : "
            "{{ p.montant }}", size=8.5, after=1)
    tag(d, "{%p endfor %}")
    tag(d, "{%p for a in acquittee.avoirs %}")
    para(d, "Avoir {{ a.numero }} du {{ a.date }} : {{ a.montant }}", size=8.5, after=1)
    tag(d, "{%p endfor %}")
    para(d, "", after=4)


def letter() -> object:
    d = _new()
    footer(d)
    letterhead(d, title=False)
    para(d, "{{ lieu_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)
    tag(d, "{%p if doc.objet %}")
    p = para(d, after=12)
    run(p, "Objet : ", bold=True)
    run(p, "{{ doc.objet }}")
    tag(d, "{%p endif %}")
    para(d, "{{ formule_appel }}", after=8, size=10.5)
    tag(d, "{%p for texte in paragraphes %}")
    para(d, "{{ texte }}", after=8, size=10.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    para(d, "{{ formule_politesse }}", after=24, size=10.5)
    para(d, "{{ signataire }}", indent_mm=100 - LEFT, bold=True, size=10.5)
    return d


def loop_table(d: object, heads: Sequence[str], mm: Sequence[float], items: str, keys: Sequence[str],
               right: Sequence[int] = (), size: float = 8.5) -> None:
    """A table with a header row and one row per item of `items` (docxtpl {%tr %} loop)."""
    n = len(heads)
    t = d.add_table(rows=3, cols=n)  # type: ignore[attr-defined]
    borders(t, inside=False)
    widths(t, mm)
    for i, h in enumerate(heads):
        c = t.rows[0].cells[i]
        shade(c, GREY)
        cell_text(c, h, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.RIGHT if i in right else None)
    repeat_header(t)
    cell_text(t.rows[1].cells[0], f"{{%tr for x in {items} %}}")
    for i, k in enumerate(keys):
        cell_text(t.rows[2].cells[i], f"{{{{ x.{k} }}}}", size=size,
                  align=WD_ALIGN_PARAGRAPH.RIGHT if i in right else None)
    cell_text(t.add_row().cells[0], "{%tr endfor %}")
    cant_split(t)
    para(d, "", after=4)


def dunning_letter() -> object:
    """Reminder letters (simple, registered 48 h, formal notice): the texts are computed in Python
    (pyxl/documents/dunning_docs.py) — business and consumer wording differ by law."""
    d = _new()
    footer(d)
    letterhead(d, title=False)
    tag(d, "{%p if mention_envoi %}")
    para(d, "{{ mention_envoi }}", bold=True, size=10, indent_mm=100 - LEFT, after=6)
    tag(d, "{%p endif %}")
    para(d, "{{ lieu_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=10)
    tag(d, "{%p if en_tete %}")
    para(d, "{{ en_tete }}", bold=True, size=14, color=ACCENT, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    tag(d, "{%p endif %}")
    p = para(d, after=4)
    run(p, "Objet : ", bold=True)
    run(p, "{{ doc.objet }}")
    p = para(d, after=10)
    run(p, "Client n° ", bold=True)
    run(p, "{{ client.code }}")
    para(d, "{{ formule_appel }}", after=8, size=10.5)
    tag(d, "{%p for texte in paragraphes %}")
    para(d, "{{ texte }}", after=6, size=10.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    loop_table(d, ("Facture", "Date", "Échéance", "Montant TTC", "Reste dû", "Retard"), (30, 24, 24, 34, 34, 29),
               "factures", ("numero", "date", "echeance", "ttc", "reste", "retard"), right=(3, 4, 5))
    tag(d, "{%p for l in decompte %}")
    p = para(d, after=1, size=10)
    run(p, "{{ l.libelle }} : ", size=10)
    run(p, "{{ l.montant }}", size=10, bold=True)
    tag(d, "{%p endfor %}")
    tag(d, "{%p if total_reclame %}")
    p = para(d, after=8, before=2)
    run(p, "Total réclamé au {{ doc.date }} : ", bold=True)
    run(p, "{{ total_reclame }}", bold=True)
    tag(d, "{%p else %}")
    para(d, "", after=6)  # the same space before the closing paragraphs when there is no total line
    tag(d, "{%p endif %}")
    tag(d, "{%p for texte in paragraphes_fin %}")
    para(d, "{{ texte }}", after=6, size=10.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    tag(d, "{%p if detail_interets %}")
    para(d, "Détail des intérêts de retard", bold=True, size=9, after=1, before=4, keep_next=True)
    tag(d, "{%p endif %}")
    tag(d, "{%p for l in detail_interets %}")
    para(d, "{{ l }}", size=8.5, after=0)
    tag(d, "{%p endfor %}")
    para(d, "", after=6)
    para(d, "{{ formule_politesse }}", after=24, size=10.5)
    para(d, "{{ signataire }}", indent_mm=100 - LEFT, bold=True, size=10.5)
    return d


def payment_order_file() -> object:
    """The injonction de payer file: everything the Cerfa form asks for, in one PDF per claim."""
    d = _new()
    footer(d)
    para(d, "{{ titre|upper }}", bold=True, size=16, color=ACCENT, align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
    para(d, "Préparé le {{ doc.date }} — à joindre à la requête en injonction de payer", size=9,
         align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
    para(d, "Juridiction et formulaire", bold=True, size=12, color=ACCENT, after=3)
    p = para(d, after=2)
    run(p, "Juridiction : ", bold=True)
    run(p, "{{ tribunal }}")
    p = para(d, after=2)
    run(p, "Formulaire : ", bold=True)
    run(p, "{{ cerfa }}")
    para(d, "{{ motif_tribunal }}", size=9, after=2, italic=True)
    para(d, "{{ note_competence }}", size=9, after=8, italic=True)
    para(d, "Créancier (demandeur)", bold=True, size=12, color=ACCENT, after=3)
    tag(d, "{%p for l in creancier %}")
    para(d, "{{ l }}", size=10, after=0)
    tag(d, "{%p endfor %}")
    para(d, "", after=6)
    para(d, "Débiteur", bold=True, size=12, color=ACCENT, after=3)
    tag(d, "{%p for l in debiteur %}")
    para(d, "{{ l }}", size=10, after=0)
    tag(d, "{%p endfor %}")
    para(d, "", after=6)
    para(d, "Créance", bold=True, size=12, color=ACCENT, after=3)
    loop_table(d, ("Facture", "Date", "Échéance", "Montant TTC", "Reste dû", "Retard"), (30, 24, 24, 34, 34, 29),
               "factures", ("numero", "date", "echeance", "ttc", "reste", "retard"), right=(3, 4, 5))
    tag(d, "{%p for l in decompte %}")
    p = para(d, after=1, size=10)
    run(p, "{{ l.libelle }} : ", size=10)
    run(p, "{{ l.montant }}", size=10, bold=True)
    tag(d, "{%p endfor %}")
    tag(d, "{%p for l in detail_interets %}")
    para(d, "{{ l }}", size=8.5, after=0)
    tag(d, "{%p endfor %}")
    para(d, "", after=6)
    para(d, "Démarches amiables (preuves à joindre)", bold=True, size=12, color=ACCENT, after=3)
    loop_table(d, ("Date", "Facture", "Étape", "Posté le", "N° de recommandé", "Avis de réception ou retour", "Résultat"),
               (20, 24, 34, 20, 30, 22, 25), "relances",
               ("date", "facture", "etape", "poste", "recommande", "ar", "resultat"), size=8)
    para(d, "Remarques", bold=True, size=12, color=ACCENT, after=3)
    tag(d, "{%p for l in remarques %}")
    para(d, "• {{ l }}", size=9.5, after=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    para(d, "Pièces à joindre", bold=True, size=12, color=ACCENT, after=3, before=6)
    tag(d, "{%p for l in pieces %}")
    para(d, "• {{ l }}", size=9.5, after=1)
    tag(d, "{%p endfor %}")
    return d


def penalty_note() -> object:
    """The note de pénalités: per invoice the period, the rate, the penalties and the 40 €; no VAT."""
    d = _new()
    footer(d)
    letterhead(d)
    references(d)
    para(d, "{{ introduction }}", size=10, after=6, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    loop_table(d, ("Facture", "Échéance", "Principal dû", "Période", "Jours", "Taux", "Pénalités", "Indemnité"),
               (22, 19, 22, 38, 11, 30, 20, 20), "lignes",
               ("facture", "echeance", "principal", "periode", "jours", "taux", "interets", "indemnite"),
               right=(2, 4, 6, 7), size=8)
    tag(d, "{%p for l in totaux %}")
    p = para(d, after=1, size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    run(p, "{{ l.libelle }} : ", size=10)
    run(p, "{{ l.montant }}", size=10, bold=True)
    tag(d, "{%p endfor %}")
    para(d, "", after=4)
    tag(d, "{%p for texte in mentions %}")
    para(d, "{{ texte }}", size=9, after=3, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    tag(d, "{%p if detail_interets %}")
    para(d, "Détail du calcul", bold=True, size=9, after=1, before=4, keep_next=True)
    tag(d, "{%p endif %}")
    tag(d, "{%p for l in detail_interets %}")
    para(d, "{{ l }}", size=8, after=0)
    tag(d, "{%p endfor %}")
    return d


def deposit_slip() -> object:
    """The bordereau de remise: the firm's account and bank, one row per cheque (bank, drawer, cheque
    number, amount, client), the count and the total; the same layout for a card batch."""
    d = _new()
    footer(d)
    letterhead(d, title=False)
    para(d, "{{ titre|upper }}", bold=True, size=16, color=ACCENT, after=2)
    p = para(d, after=6, size=10.5)
    run(p, "N° {{ doc.numero }}", bold=True, size=10.5)
    run(p, " — remis le {{ doc.date }}", size=10.5)
    for label, key in (("Banque de remise", "banque"), ("Compte crédité", "compte"), ("Titulaire", "titulaire")):
        p = para(d, after=1)
        run(p, f"{label} : ", bold=True)
        run(p, f"{{{{ {key} }}}}")
    para(d, "", after=4)
    loop_table(d, ("N°", "Date", "Banque", "Tireur", "N° de chèque", "Client", "Montant"),
               (9, 19, 28, 35, 24, 38, 22), "lignes",
               ("n", "date", "banque", "tireur", "numero", "client", "montant"), right=(0, 6), size=8.5)
    p = para(d, after=1, size=11, align=WD_ALIGN_PARAGRAPH.RIGHT)
    run(p, "{{ nombre }} — Total de la remise : ", size=11)
    run(p, "{{ total }}", size=11, bold=True)
    para(d, "", after=14)
    para(d, "Date et signature du remettant :", size=9.5, indent_mm=100 - LEFT, after=30)
    return d


# --------------------------------------------------------------------------- planning and contracts (issue 16)
def attestation() -> object:
    """The attestation d'entretien of a boiler (arrêté du 15 septembre 2009) or of a heat pump
    (arrêté du 24 juillet 2020): the checks made and their results, handed within 15 days."""
    d = _new()
    footer(d)
    letterhead(d)
    para(d, "{{ reference }}", size=9, italic=True, after=6)
    para(d, "Équipement entretenu", bold=True, size=12, color=ACCENT, after=3)
    loop_table(d, ("Élément", "Valeur"), (60, 115), "equipement", ("libelle", "valeur"), size=9.5)
    para(d, "Contrôles effectués", bold=True, size=12, color=ACCENT, after=3)
    loop_table(d, ("Contrôle", "Résultat"), (110, 65), "controles", ("libelle", "resultat"), size=9.5)
    para(d, "Observations et conseils", bold=True, size=12, color=ACCENT, after=3)
    tag(d, "{%p for l in observations %}")
    para(d, "{{ l }}", size=9.5, after=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    p = para(d, before=8, after=2)
    run(p, "Visite du {{ visite_le }} par {{ technicien }}", bold=True)
    for m in ("{{ mention_delai }}", "{{ mention_conservation }}"):
        para(d, m, size=8.5, after=1)
    para(d, "Signature du technicien : ………………………………………", size=9.5, before=10)
    return d


def renewal_notice() -> object:
    """The renewal notice of a tacitly renewed contract (art. L215-1 C. conso): a letter whose date
    until which the client may refuse stands in a framed box."""
    d = _new()
    footer(d)
    letterhead(d, title=False)
    para(d, "{{ lieu_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)
    p = para(d, after=12)
    run(p, "Objet : ", bold=True)
    run(p, "{{ doc.objet }}")
    para(d, "{{ formule_appel }}", after=8, size=10.5)
    tag(d, "{%p for texte in paragraphes %}")
    para(d, "{{ texte }}", after=8, size=10.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    t = d.add_table(rows=1, cols=1)  # type: ignore[attr-defined]
    borders(t, color="C00000")
    widths(t, (BODY_W,))
    c = t.rows[0].cells[0]
    shade(c, "FBE5E5")
    cell_text(c, "{{ encadre }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(d, "", after=8)
    tag(d, "{%p for texte in paragraphes_fin %}")
    para(d, "{{ texte }}", after=8, size=10.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tag(d, "{%p endfor %}")
    para(d, "{{ formule_politesse }}", after=24, size=10.5)
    para(d, "{{ signataire }}", indent_mm=100 - LEFT, bold=True, size=10.5)
    return d


def day_sheet() -> object:
    """A technician's day: the visits in route order with what he needs on site."""
    d = _new()
    footer(d)
    letterhead(d, title=False)
    para(d, "{{ titre|upper }}", bold=True, size=18, color=ACCENT, after=4)
    p = para(d, after=6)
    run(p, "{{ technicien }}", bold=True, size=12)
    run(p, " — {{ jour }}", size=12)
    loop_table(d, ("Heure", "Client et téléphone", "Adresse", "Travaux", "Pièces", "Accès, remarques"),
               (14, 33, 38, 36, 28, 26), "visites", ("heure", "client", "adresse", "travaux", "pieces", "acces"),
               size=8.5)
    para(d, "{{ resume }}", size=9, italic=True)
    return d


BUILDERS: dict[str, Callable[[], object]] = {
    "devis.docx": lambda: sales_document("devis"),
    "bon_de_commande.docx": lambda: sales_document("commande"),
    "facture.docx": lambda: sales_document("facture"),
    "facture_acompte.docx": lambda: sales_document("acompte"),
    "avoir.docx": lambda: sales_document("avoir"),
    "facture_acquittee.docx": lambda: sales_document("acquittee"),
    "lettre.docx": letter,
    "relance_simple.docx": dunning_letter,
    "relance_recommandee.docx": dunning_letter,
    "mise_en_demeure.docx": dunning_letter,
    "dossier_injonction.docx": payment_order_file,
    "note_penalites.docx": penalty_note,
    "bordereau_remise.docx": deposit_slip,
    "attestation_entretien.docx": attestation,
    "avis_reconduction.docx": renewal_notice,
    "feuille_de_journee.docx": day_sheet,
}


def main(argv: Sequence[str] = ()) -> int:
    """python templates/build_templates.py [DOSSIER [MODELE.docx…]]: every template, or those named."""
    out = Path(argv[0]) if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    only = set(argv[1:])
    for name, make in BUILDERS.items():
        if only and name not in only:
            continue
        doc = make()
        core = doc.core_properties  # type: ignore[attr-defined]
        core.author, core.title = "SYC Gestion", name.removesuffix(".docx")
        doc.save(str(out / name))  # type: ignore[attr-defined]
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
