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
import re
import zipfile
from datetime import datetime, timezone
from typing import Mapping

from govreport_kit.core import format as fmt
from govreport_kit.report import layout as L
from govreport_kit.report.render import UNFILLED_END, UNFILLED_START, format_value

#: East Asian fonts: (name in the document, alternatives in order). The first name is what a
#: Windows machine with Office has; the chain goes on to macOS (ST*) and Linux (Noto CJK).
FONTS = {
    "title": ("方正小标宋简体", ("华文中宋", "STZhongsong", "宋体", "Noto Serif CJK SC")),
    "heading": ("黑体", ("SimHei", "STHeiti", "Noto Sans CJK SC")),
    "subhead": ("楷体", ("楷体_GB2312", "KaiTi", "STKaiti", "Noto Serif CJK SC")),
    "body": ("仿宋", ("仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC")),
    "table": ("宋体", ("SimSun", "STSong", "Noto Serif CJK SC")),
}
LATIN_FONT = "Times New Roman"
#: The fallback chains, stated in the document's comments (docProps/core.xml, at most 255 characters).
FONT_NOTE = "字体（缺少时依次替代）：" + "；".join(f"{role} {'、'.join((name, *alts))}" for role, (name, alts) in (
    ("标题", FONTS["title"]), ("一级标题", FONTS["heading"]), ("二级标题", FONTS["subhead"]), ("正文", FONTS["body"]),
    ("表格", FONTS["table"])))
SIZES = {"title": 22, "heading": 16, "subhead": 16, "body": 16, "table2": 10.5, "table3": 9, "table4": 9}
BODY_LINE_PT = 28  # fixed line pitch of the body (GB/T 9704: 22 lines on a page)
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
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe(text: str) -> str:
    """Text Word can hold (control characters dropped; lxml refuses them)."""
    return _XML_UNSAFE.sub("", text or "")


# ------------------------------------------------------------------------------------ runs and fonts
def _font(run_or_style, role: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    f = run_or_style.font
    f.name = LATIN_FONT
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONTS[role][0])
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold


def _run(par, text: str, role: str, size: float, bold: bool | None = None, highlight: bool = False):
    run = par.add_run(_safe(text))
    _font(run, role, size, bold)
    if highlight:
        from docx.enum.text import WD_COLOR_INDEX

        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _add_text(par, text: str, role: str, size: float, bold: bool | None = None) -> None:
    """Runs for ``text``; a placeholder that could not be filled is highlighted (review reports)."""
    for k, piece in enumerate(re.split(f"[{UNFILLED_START}{UNFILLED_END}]", text)):
        if piece:
            _run(par, piece, role, size, bold, highlight=k % 2 == 1)


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
    _font(normal, "body", SIZES["body"])
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
    fixed = datetime(int(model.year) + 1, 1, 1, tzinfo=timezone.utc)
    props.created = props.modified = props.last_printed = fixed
    props.author = props.last_modified_by = "govreport_kit"
    props.title = _safe(model.report_title)
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
    _run(par, "— ", "body", 14)
    run = _run(par, "", "body", 14)
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
    _run(par, " —", "body", 14)


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


# ------------------------------------------------------------------------------------ prose
def _paragraph(doc, role: str = "body", indent: bool = True, align=None):
    from docx.shared import Pt

    par = doc.add_paragraph()
    pf = par.paragraph_format
    pf.line_spacing = Pt(BODY_LINE_PT)
    if indent:
        pf.first_line_indent = Pt(SIZES["body"] * 2)
    if align is not None:
        par.alignment = align
    return par


def _heading(doc, text: str) -> None:
    par = _paragraph(doc, indent=True)
    par.paragraph_format.keep_with_next = True
    _add_text(par, text, "heading", SIZES["heading"])


def markdown_to_docx(doc, text: str) -> None:
    """Narrative Markdown as paragraphs: headings as 楷体 sub-heads, lists and quotes as plain
    paragraphs, **bold** kept; raw HTML stays text (the same parser as the HTML report)."""
    from govreport_kit.report.render import _MD

    tokens = _MD.parse(text or "")
    role, bold, item = "body", False, []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            role = "subhead"
        elif tok.type == "heading_close":
            role = "body"
        elif tok.type in ("ordered_list_open", "bullet_list_open"):
            item.append([tok.type.startswith("ordered"), int(tok.attrs.get("start", 1) or 1) - 1])
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            item.pop()
        elif tok.type in ("inline", "code_block", "fence"):
            par = _paragraph(doc)
            if role == "subhead":
                par.paragraph_format.keep_with_next = True
            prefix = ""
            if item and tokens[i - 1].type == "paragraph_open" and tokens[i - 2].type == "list_item_open":
                item[-1][1] += 1
                prefix = f"{item[-1][1]}. " if item[-1][0] else "• "
            if prefix:
                _add_text(par, prefix, role, SIZES[role])
            if tok.type != "inline":
                _add_text(par, tok.content.rstrip("\n"), role, SIZES[role])
                continue
            for child in tok.children or ():
                if child.type == "strong_open":
                    bold = True
                elif child.type == "strong_close":
                    bold = False
                elif child.type in ("softbreak", "hardbreak"):
                    par.add_run().add_break()
                elif child.type in ("text", "code_inline", "html_inline"):
                    _add_text(par, child.content, role, SIZES[role], bold or None)


# ------------------------------------------------------------------------------------ tables
def _cell_par(cell, text: str, role: str, size: float, align) -> None:
    from docx.shared import Pt

    par = cell.paragraphs[0]
    pf = par.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing = 1.0
    par.alignment = align
    _add_text(par, text, "table", size, bold=True if role == L.CAPTION else None)


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
    from docx.oxml.ns import qn

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
            cell = _tc(t, sum(widths[c:c + slot.colspan]), slot.colspan, merge)
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
    title = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_after = Pt(BODY_LINE_PT)
    title.paragraph_format.line_spacing = Pt(SIZES["title"] * 1.5)
    _add_text(title, model.report_title, "title", SIZES["title"])
    markdown_to_docx(doc, narrative.get("preamble", ""))
    for part in fmt.PARTS[1:]:
        _heading(doc, part.title)
        if part.kind == "table":
            table_docx(doc, model, part.code)
        else:
            body = narrative.get(part.code, "")
            if body.strip():
                markdown_to_docx(doc, body)
            else:
                _add_text(_paragraph(doc), "（未填写）", "body", SIZES["body"])
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
