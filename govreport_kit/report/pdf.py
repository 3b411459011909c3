"""The report as a PDF: the same HTML, laid out for print by WeasyPrint (pure: HTML text -> PDF bytes).

Why WeasyPrint and not Chromium's print-to-PDF: Chromium's PDF of our report maps many CJK
characters to Kangxi-radical code points in its ToUnicode tables ("⼭" for 山), so text searched
or copied from it is wrong (pitfalls.md, "PDF"). WeasyPrint embeds subset fonts whose text
extracts as written. It ignores ``writing-mode``, so table 三's vertical group labels get print
CSS of their own here: a one-character-wide column whose label breaks after every character.

What the print stylesheet (:data:`PRINT_CSS`, applied after the report's own CSS) gives:

* A4 with a wider inner (binding) margin on the left, page numbers “第 n 页 共 N 页” at the foot;
* table headers repeated on every page a table continues onto (``thead`` as header group), no
  table row split across pages, headings kept with what follows;
* table 三's row labels on one line each (so each extracts as one string), its group labels
  stacked one character per line;
* the Noto CJK SC face asked for by name (fontconfig would otherwise pick the JP shapes).

Determinism: WeasyPrint writes no date unless the HTML has one, and the file identifier is a
hash of the content. :func:`html_to_pdf` adds the creation date given (``SOURCE_DATE_EPOCH``
when set, see :func:`source_date`), so the same HTML gives byte-identical PDFs.
Untrusted content stays inert: no URL is fetched (only ``data:`` images embedded in the report).
"""

from __future__ import annotations

import datetime as _dt
import os
import re

PDF_FILE = "report.pdf"
FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'

PRINT_CSS = f"""
@page {{
  size: A4;
  margin: 20mm 15mm 22mm 25mm;  /* top right bottom left: the left one is the binding margin */
  @bottom-center {{
    content: "第 " counter(page) " 页 共 " counter(pages) " 页";
    font-family: {FONT_STACK}; font-size: 9pt; color: #333;
  }}
}}
html {{ font-family: {FONT_STACK}; }}
body {{ font-family: {FONT_STACK}; font-size: 10.5pt; line-height: 1.6; margin: 0; }}
main {{ max-width: none; margin: 0; padding: 0; }}
h1 {{ font-size: 16pt; margin: 0 0 10pt; }}
h2 {{ font-size: 12pt; margin: 12pt 0 5pt; break-after: avoid; }}
h3, h4, h5, h6 {{ break-after: avoid; }}
p {{ orphans: 2; widows: 2; }}
a {{ color: inherit; text-decoration: none; }}
thead {{ display: table-header-group; }}
tr, th, td {{ break-inside: avoid; }}
table.form {{ font-size: 8pt; line-height: 1.3; width: 100%; margin: 4pt 0 8pt; }}
table.form th, table.form td {{ padding: 1.5pt 2pt; }}
table.form th.group {{
  writing-mode: horizontal-tb; white-space: normal; word-break: break-all; line-break: anywhere;
  width: 1em; min-width: 1em; max-width: 1em; letter-spacing: 0; text-align: center; line-height: 1.15;
  padding: 1pt 1.5pt;
}}
table.t3 th.label {{ white-space: nowrap; font-size: 7.5pt; }}
table.form thead tr th, table.form thead tr + tr th {{ white-space: normal; }}
table.form.t3 td.v {{ width: auto; min-width: 2.6em; }}
td.flag-error, td.flag-warning {{ outline: none; }}
td.flag-error {{ border: 1.5pt solid #c62828; }}
td.flag-warning {{ border: 1.5pt solid #b26a00; }}
.figure img {{ max-width: 100%; }}
.findings {{ break-inside: avoid-page; }}
footer.provenance {{ font-size: 7pt; }}
"""

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def source_date(env: dict | None = None) -> _dt.datetime | None:
    """The build date from ``SOURCE_DATE_EPOCH`` (reproducible-builds convention), else None."""
    value = (env if env is not None else os.environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return _dt.datetime.fromtimestamp(int(value), tz=_dt.UTC)


def html_to_pdf(html: str, *, created: _dt.datetime | None = None, extra_css: str = "") -> bytes:
    """The PDF of a report's HTML (as :mod:`govreport_kit.running.runner` writes it).

    ``created``: the creation/modification date written in the PDF's metadata (None: no date,
    so the bytes depend on the HTML alone). ``extra_css``: more print CSS (tests use it).
    """
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    head = f"<style>{PRINT_CSS}{extra_css}</style>"  # after the report's own <style>: it wins the cascade
    if created is not None:
        stamp = created.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        head += f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
    html, found = _HEAD_END.subn(lambda m: head + m.group(0), html, count=1)
    if not found:
        html = head + html
    doc = HTML(string=html, base_url=None, url_fetcher=_inert_fetcher())
    return doc.write_pdf(uncompressed_pdf=False, full_fonts=False, pdf_identifier=None)


def _inert_fetcher():
    """Embedded ``data:`` images only; any other URL in the report is refused, never fetched."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False, timeout=1)
