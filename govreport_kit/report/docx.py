"""The report as a Word document (``report.docx``), laid out as the official template.

:func:`report_docx` is pure: a model and its filled narrative in, the bytes of a .docx out. It
walks the same table placement as the HTML (:mod:`govreport_kit.report.layout`, derived from
:mod:`govreport_kit.core.format`), so captions, merged headers and the vertical group labels of
table 三 are where the form has them; Word merges are written as Word writes them
(``w:gridSpan``, ``w:vMerge`` restart/continue), the group labels as vertical text
(``w:textDirection``), header rows repeated on a new page (``w:tblHeader``).

Page and type follow the customary government layout (GB/T 9704): A4, margins 37/35/28/26 mm,
the title in 小标宋, part headings in 黑体, sub-heads in 楷体, body text in 仿宋 三号 with a
two-character first-line indent, tables in 宋体. Word has no font fallback list, so every run
names its East Asian font (``w:rFonts w:eastAsia``), the font table lists the alternative names
(``w:altName``), and the document's comments property states the whole chain (:data:`FONT_NOTE`).

Deterministic: fixed core-property dates (1 January of the year after the report's), no
generated ids, the zip rewritten with fixed timestamps and member order; the same inputs give
the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime

from govreport_kit.core import format as fmt
from govreport_kit.report import layout as L
from govreport_kit.report.docx_text import (
    BODY_LINE_PT,
    FONT_NOTE,
    FONTS,
    SIZES,
    add_run,
    add_text,
    body_paragraph,
    markdown_to_docx,
    part_heading,
    set_font,
    xml_safe,
)
from govreport_kit.report.render import format_value

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: Column widths (mm) of each table's grid; the text block is 210 − 28 − 26 = 156 mm wide.
COLUMN_MM = {
    "table2": (56, 33.3, 33.3, 33.4),
    "table3": (9, 9, 61) + (11,) * 6 + (11,),
    "table4": (10.4,) * 15,
}
# No "keep with next" on table rows: LibreOffice 7.4 (headless) then dropped every paragraph after
# the document's last table (parts 五 and 六 vanished from its PDF). Rows only refuse to split.
#: The group labels of table 三 run top to bottom, characters upright (as the form prints them).
VERTICAL_TEXT = "tbRl"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# ------------------------------------------------------------------------------------ document setup
def _setup(doc, model) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    sec.footer_distance = Mm(20)
    normal = doc.styles["Normal"]
    set_font(normal, "body", SIZES["body"])
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "en-US")
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    _page_number_footer(sec)
    props = doc.core_properties
    fixed = datetime(int(model.year) + 1, 1, 1, tzinfo=UTC)
    props.created = props.modified = props.last_printed = fixed
    props.author = props.last_modified_by = "govreport_kit"
    props.title = xml_safe(model.report_title)
    props.subject = "政府信息公开工作年度报告"
    props.comments = FONT_NOTE
    props.keywords = props.category = ""
    props.revision = 1
    props.language = "zh-CN"
    _drop_thumbnail(doc)
    _declare_fonts(doc)


def _page_number_footer(sec) -> None:
    """“— 1 —” centred at the foot of each page (a PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    par = sec.footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(par, "— ", "body", 14)
    run = add_run(par, "", "body", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    add_run(par, " —", "body", 14)


def _drop_thumbnail(doc) -> None:
    """python-docx's template carries a thumbnail of some other document: not ours."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del rels[rid]


def _declare_fonts(doc) -> None:
    """List our fonts in word/fontTable.xml with their alternative names (``w:altName``)."""
    from lxml import etree

    part = next((r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
    for name, alts in FONTS.values():
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        etree.SubElement(font, f"{{{ns}}}altName", {f"{{{ns}}}val": alts[0]})
        etree.SubElement(font, f"{{{ns}}}charset", {f"{{{ns}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{ns}}}family", {f"{{{ns}}}val": "modern" if name != "黑体" else "swiss"})
    if not hasattr(part, "element"):
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------------------------------ tables
def _cell_par(cell, text: str, role: str, size: float, align) -> None:
    from docx.shared import Pt

    par = cell.paragraphs[0]
    pf = par.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing = 1.0
    par.alignment = align
    add_text(par, text, "table", size, bold=True if role == L.CAPTION else None)


def _cell_props(cell, vertical: bool) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if vertical:
        tcpr = cell._tc.get_or_add_tcPr()
        td = OxmlElement("w:textDirection")
        td.set(qn("w:val"), VERTICAL_TEXT)
        # w:textDirection goes before w:vAlign in CT_TcPr's sequence
        valign = tcpr.find(qn("w:vAlign"))
        (valign.addprevious(td) if valign is not None else tcpr.append(td))


def _row_props(row, header: bool) -> None:
    from docx.oxml import OxmlElement

    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _tc(table, width_mm: float, colspan: int, vmerge: str | None):
    """A new ``w:tc`` as Word writes a merged cell: width, ``w:gridSpan``, ``w:vMerge``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm
    from docx.table import _Cell

    tc = OxmlElement("w:tc")
    tcpr = OxmlElement("w:tcPr")
    tcw = OxmlElement("w:tcW")
    tcw.set(qn("w:w"), str(int(Mm(width_mm).twips)))
    tcw.set(qn("w:type"), "dxa")
    tcpr.append(tcw)
    if colspan > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(colspan))
        tcpr.append(span)
    if vmerge:
        vm = OxmlElement("w:vMerge")
        if vmerge == "restart":
            vm.set(qn("w:val"), "restart")
        tcpr.append(vm)
    tc.append(tcpr)
    tc.append(OxmlElement("w:p"))
    return _Cell(tc, table)


def _group_heights(lay: L.TableLayout, size: float) -> dict[int, float]:
    """Minimum row heights (pt) so that each vertical label fits upright in the rows it spans."""
    out: dict[int, float] = {}
    for s in lay.slots():
        if s.vertical and s.rowspan:
            need = (len(s.text) * size * 1.1 + 8) / s.rowspan
            for r in range(s.row, s.row + s.rowspan):
                out[r] = max(out.get(r, 0.0), need)
    return out


def table_docx(doc, model, table: str) -> None:
    """Table 二, 三 or 四 from its layout: merges, vertical labels, repeated header rows."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    lay = L.layout(table, model.format)
    size = SIZES[table]
    widths = COLUMN_MM[table]
    t = doc.add_table(rows=len(lay.rows), cols=lay.width)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for j, col in enumerate(t.columns):
        col.width = Mm(widths[j])
    cover = {(s.row + dr, s.col + dc): s for s in lay.slots() for dr in range(s.rowspan) for dc in range(s.colspan)}
    heights = _group_heights(lay, size)
    for i, row in enumerate(t.rows):
        tr = row._tr
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        _row_props(row, header=i < lay.header_rows)
        if i in heights:
            row.height, row.height_rule = Pt(heights[i]), WD_ROW_HEIGHT_RULE.AT_LEAST
        c = 0
        while c < lay.width:
            slot = cover[(i, c)]
            merge = None if slot.rowspan == 1 else "restart" if slot.row == i else "continue"
            cell = _tc(t, sum(widths[c : c + slot.colspan]), slot.colspan, merge)
            tr.append(cell._tc)
            c += slot.colspan
            if slot.row != i:
                _cell_props(cell, slot.vertical)
                continue
            if slot.role == L.VALUE:
                tb, r, col = slot.cell
                text, align = format_value(model.get(tb, r, col), model.state(tb, r, col)), WD_ALIGN_PARAGRAPH.CENTER
            else:
                text = slot.text
                align = WD_ALIGN_PARAGRAPH.LEFT if slot.role == L.LABEL else WD_ALIGN_PARAGRAPH.CENTER
            _cell_par(cell, text, slot.role, size, align)
            _cell_props(cell, slot.vertical)


# ------------------------------------------------------------------------------------ the document
def build_document(model, narrative: Mapping[str, str]):
    """The python-docx ``Document`` of the report (see :func:`report_docx`)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    _setup(doc, model)
    title = body_paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_after = Pt(BODY_LINE_PT)
    title.paragraph_format.line_spacing = Pt(SIZES["title"] * 1.5)
    add_text(title, model.report_title, "title", SIZES["title"])
    markdown_to_docx(doc, narrative.get("preamble", ""))
    for part in fmt.PARTS[1:]:
        part_heading(doc, part.title)
        if part.kind == "table":
            table_docx(doc, model, part.code)
        else:
            body = narrative.get(part.code, "")
            if body.strip():
                markdown_to_docx(doc, body)
            else:
                add_text(body_paragraph(doc), "（未填写）", "body", SIZES["body"])
    return doc


def stable_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps and attributes (byte-identical across runs)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def report_docx(model, narrative: Mapping[str, str]) -> bytes:
    """The report as .docx bytes. ``narrative``: the filled Markdown of each prose part
    (``preamble``, ``overview``, ``problems``, ``other``), as the HTML report shows it."""
    doc = build_document(model, narrative)
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def document_for(model, audience: str = "review") -> bytes:
    """:func:`report_docx` with the narrative filled as the HTML report fills it (placeholders from
    the tables; in review an unknown placeholder stays, highlighted; in publish it is an error)."""
    from govreport_kit.report.notebook import narrative_text

    narrative = {p: narrative_text(model, p, tolerant=audience == "review") for p in fmt.NARRATIVE_PARTS}
    return report_docx(model, narrative)
