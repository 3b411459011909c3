"""Type and prose of the Word report: fonts with their fallback chains, runs, narrative Markdown.

Used by :mod:`govreport_kit.report.docx`. Word has no font fallback list, so every run names its
East Asian font (``w:rFonts w:eastAsia``); :data:`FONTS` holds the alternatives, which the
document declares in its font table and states in its comments (:data:`FONT_NOTE`).
"""

from __future__ import annotations

import re

from govreport_kit.report.prose import UNFILLED_END, UNFILLED_START

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
FONT_NOTE = "字体（缺少时依次替代）：" + "；".join(
    f"{role} {'、'.join((name, *alts))}"
    for role, (name, alts) in (
        ("标题", FONTS["title"]),
        ("一级标题", FONTS["heading"]),
        ("二级标题", FONTS["subhead"]),
        ("正文", FONTS["body"]),
        ("表格", FONTS["table"]),
    )
)
SIZES = {"title": 22, "heading": 16, "subhead": 16, "body": 16, "table2": 10.5, "table3": 9, "table4": 9}
BODY_LINE_PT = 28  # fixed line pitch of the body (GB/T 9704: 22 lines on a page)
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text Word can hold (control characters dropped; lxml refuses them)."""
    return _XML_UNSAFE.sub("", text or "")


# ------------------------------------------------------------------------------------ runs and fonts
def set_font(run_or_style, role: str, size: float | None = None, bold: bool | None = None) -> None:
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


def add_run(par, text: str, role: str, size: float, bold: bool | None = None, highlight: bool = False):
    run = par.add_run(xml_safe(text))
    set_font(run, role, size, bold)
    if highlight:
        from docx.enum.text import WD_COLOR_INDEX

        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def add_text(par, text: str, role: str, size: float, bold: bool | None = None) -> None:
    """Runs for ``text``; a placeholder that could not be filled is highlighted (review reports)."""
    for k, piece in enumerate(re.split(f"[{UNFILLED_START}{UNFILLED_END}]", text)):
        if piece:
            add_run(par, piece, role, size, bold, highlight=k % 2 == 1)


# ------------------------------------------------------------------------------------ prose
def body_paragraph(doc, role: str = "body", indent: bool = True, align=None):
    from docx.shared import Pt

    par = doc.add_paragraph()
    pf = par.paragraph_format
    pf.line_spacing = Pt(BODY_LINE_PT)
    if indent:
        pf.first_line_indent = Pt(SIZES["body"] * 2)
    if align is not None:
        par.alignment = align
    return par


def part_heading(doc, text: str) -> None:
    par = body_paragraph(doc, indent=True)
    par.paragraph_format.keep_with_next = True
    add_text(par, text, "heading", SIZES["heading"])


def markdown_to_docx(doc, text: str) -> None:
    """Narrative Markdown as paragraphs: headings as 楷体 sub-heads, lists and quotes as plain
    paragraphs, **bold** kept; raw HTML stays text (the same parser as the HTML report)."""
    from govreport_kit.report.prose import _MD

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
            par = body_paragraph(doc)
            if role == "subhead":
                par.paragraph_format.keep_with_next = True
            prefix = ""
            if item and tokens[i - 1].type == "paragraph_open" and tokens[i - 2].type == "list_item_open":
                item[-1][1] += 1
                prefix = f"{item[-1][1]}. " if item[-1][0] else "• "
            if prefix:
                add_text(par, prefix, role, SIZES[role])
            if tok.type != "inline":
                add_text(par, tok.content.rstrip("\n"), role, SIZES[role])
                continue
            for child in tok.children or ():
                if child.type == "strong_open":
                    bold = True
                elif child.type == "strong_close":
                    bold = False
                elif child.type in ("softbreak", "hardbreak"):
                    par.add_run().add_break()
                elif child.type in ("text", "code_inline", "html_inline"):
                    add_text(par, child.content, role, SIZES[role], bold or None)
