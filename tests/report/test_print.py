"""The publish copy: no technical footer on the page; printed with page numbers, table 二's sections whole.

Printed by the real Chromium (Playwright ``page.pdf``), read back with poppler's ``pdftotext``.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from govreport_kit.core import format as fmt
from govreport_kit.core import paths
from govreport_kit.running.runner import run_report

pytestmark = [pytest.mark.browser, pytest.mark.kernel, pytest.mark.slow]

OUTPUT = Path(__file__).resolve().parents[1] / "output"


@pytest.fixture(scope="module")
def publish_run(tmp_path_factory):
    res = run_report(paths.sample_params(), audience="publish", outputs_root=tmp_path_factory.mktemp("out"))
    assert res.status == "ok", res.message
    return res


@pytest.fixture(scope="module")
def page(launch_chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(locale="zh-CN")
        pg = context.new_page()
        pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
        yield pg
        browser.close()


def pdf_pages(page, path: Path) -> list[str]:
    """Print the open page (CSS page size) and return the text of each PDF page, NFKC-normalised
    (Chromium's PDFs map some glyphs to Kangxi-radical look-alikes, see docs)."""
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [unicodedata.normalize("NFKC", p) for p in text.split("\f") if p.strip()]


def test_publish_copy_has_no_technical_footer_but_keeps_provenance(publish_run):
    html = Path(publish_run.html_path).read_text(encoding="utf-8")
    assert "<footer" not in html and "SHA-256" not in html and "软件版本" not in html
    assert 'name="govreport:input:xishan-edu/2023.xlsx"' in html and 'name="govreport:version:pandas"' in html
    doc = json.loads(Path(publish_run.findings_path).read_text(encoding="utf-8"))
    prov = doc["provenance"]
    assert prov["parameters"]["audience"] == "publish"
    assert len(prov["inputs"]["xishan-edu/2023.xlsx"]) == 64 and "pandas" in prov["versions"]


def test_printed_report_has_page_numbers(publish_run, page, request):
    page.goto(Path(publish_run.html_path).as_uri())
    out = OUTPUT / request.node.name
    out.mkdir(parents=True, exist_ok=True)
    pages = pdf_pages(page, out / "report.pdf")
    assert len(pages) >= 2
    for n, text in enumerate(pages, 1):
        assert re.search(rf"—\s*{n}\s*—", text), (n, text[-300:])


def test_table2_sections_stay_with_their_caption_across_page_breaks(publish_run, page, request):
    """Push table 二 down in steps so page breaks fall at every place in it; no section is ever split."""
    out = OUTPUT / request.node.name
    out.mkdir(parents=True, exist_ok=True)
    page.goto(Path(publish_run.html_path).as_uri())
    nfkc = lambda t: unicodedata.normalize("NFKC", t)  # noqa: E731
    sections = [(nfkc(s.caption), nfkc(s.rows[-1].label)) for s in fmt.T2_SECTIONS]
    moved = 0
    for step in range(0, 16):
        page.evaluate(
            """(h) => {
            let s = document.getElementById('spacer');
            if (!s) { s = document.createElement('div'); s.id = 'spacer';
                      document.getElementById('part-table2').before(s); }
            s.style.height = h + 'mm';
        }""",
            150 + step * 8,
        )
        pages = pdf_pages(page, out / f"step{step:02d}.pdf")
        for caption, last_row in sections:
            caption_pages = [i for i, p in enumerate(pages) if caption in p]
            row_pages = [i for i, p in enumerate(pages) if last_row in p]
            assert caption_pages and row_pages, (caption, last_row)
            assert caption_pages[0] == row_pages[-1], f"step {step}: {caption} split from {last_row}"
        first = next(i for i, p in enumerate(pages) if sections[0][0] in p)
        last = next(i for i, p in enumerate(pages) if sections[-1][0] in p)
        moved += first != last
    assert moved, "no step put a page break inside table 二: the test proves nothing"
