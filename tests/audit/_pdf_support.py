"""Test PDFs made here: our rendered report printed by WeasyPrint, page furniture, a split table 三,
look-alike radicals, and a PDF without a text layer."""

from __future__ import annotations

import io

from govreport_kit.core import format as fmt
from govreport_kit.report import render

CSS = """
@page { size: A4; margin: 22mm 16mm;
  @top-center { content: "HEADER"; font-size: 9pt }
  @bottom-center { content: FOOTER; font-size: 9pt } }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10.5pt; line-height: 1.6 }
h1 { font-size: 16pt; text-align: center } h2 { font-size: 12pt }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt }
th, td { border: 0.6pt solid #000; padding: 2pt 3pt; font-weight: normal; text-align: center; vertical-align: middle }
th.label, th[scope=row] { text-align: left }
thead { display: table-header-group }
tr { break-inside: avoid }
"""
FOOTERS = {"page_of": '"第 " counter(page) " 页 共 " counter(pages) " 页"', "dashes": '"- " counter(page) " -"',
           "slash": 'counter(page) "/" counter(pages)'}


def report_html(model, *, header: str = "政府信息公开专栏", footer: str = "page_of", before_table3: str = "",
                narrative: dict | None = None) -> str:
    """A whole report page from the renderer: title, preamble, parts 一 … 六 with tables 二 … 四."""
    narrative = narrative or {}
    parts = [str(render.title_html(model)),
             str(render.part_html("preamble", narrative.get("preamble") or render.default_preamble(model)))]
    for p in fmt.PARTS[1:]:
        if p.code in fmt.TABLE_CODES:
            if p.code == "table3" and before_table3:
                parts.append(before_table3)
            parts.append(str(render.table_section_html(model, p.code)))
        else:
            parts.append(str(render.part_html(p.code, narrative.get(p.code, "本部分内容从略。"))))
    css = CSS.replace("HEADER", header).replace("FOOTER", FOOTERS[footer])
    return f'<html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head><body>{"".join(parts)}</body></html>'


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def image_only_pdf(text: str = "扫描件") -> bytes:
    """A one-page PDF that is only a picture (what a scanner makes): no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    for y in range(200, 1600, 60):
        draw.rectangle((150, y, 1090, y + 30), outline="black")
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=150)
    return buf.getvalue()
