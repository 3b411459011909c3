"""report.pdf: searchable text, A4 with page numbers, table 三's header on every page, byte-identical.

Real parts: a real kernel run (``run_report(pdf=True)``), WeasyPrint, pypdf text extraction and
poppler's pdftoppm (the pages are kept as PNG under tests/output/<test>/ for a look).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from govreport_kit.core import format as fmt
from govreport_kit.core import paths
from govreport_kit.report.pdf import html_to_pdf, source_date
from govreport_kit.running.runner import run_report

pypdf = pytest.importorskip("pypdf")
pytestmark = [pytest.mark.kernel]

OUTPUT = Path(__file__).resolve().parents[1] / "output"
ROW_LABELS = [r.label for r in fmt.table_rows("table3", "2021")]
GROUP_LABELS = [g.label for g in fmt.T3_ROW_GROUPS]
HEADER_WORDS = ("申请人情况", "自然人", "法人或其他组织")
RADICALS = re.compile("[\u2e80-\u2fdf]")
FILLER = (
    "本段是为检查分页而加长的正文：本机关持续完善政府信息公开工作机制，规范依申请公开办理流程，加强培训与考核。" * 2
)


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def to_png(pdf_path: Path, name: str) -> list[Path]:
    """Every page as PNG under tests/output/<name>/ (kept for review)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    out = OUTPUT / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf_path), str(out / "page")], check=True)
    pngs = sorted(out.glob("page-*.png"))
    assert pngs and all(p.stat().st_size > 5000 for p in pngs)
    return pngs


@pytest.fixture(scope="module")
def sample_pdf(sample_run):
    res = sample_run("pdf", pdf=True)
    assert res.status == "ok", res.message
    return res


def test_sample_pdf_text_is_the_reports_text(sample_pdf, request):
    pdf = Path(sample_pdf.pdf_path).read_bytes()
    assert Path(sample_pdf.pdf_path).name == "report.pdf"
    assert Path(sample_pdf.pdf_path).parent == Path(sample_pdf.html_path).parent
    assert len(pdf) < 1_000_000
    pages = pages_text(pdf)
    text = "\n".join(pages)
    assert not RADICALS.findall(text), sorted(set(RADICALS.findall(text)))
    missing = [label for label in ROW_LABELS if label not in text]
    assert not missing, missing
    # the vertical group labels are stacked one character per line: the characters, in order
    flat = re.sub(r"\s+", "", text)
    assert all(g in flat for g in GROUP_LABELS)
    assert "昆明市西山区教育体育局2023年政府信息公开工作年度报告" in flat
    for n, page in enumerate(pages, 1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
    to_png(Path(sample_pdf.pdf_path), request.node.name)


def test_sample_pdf_is_a4_with_embedded_subset_fonts(sample_pdf):
    reader = pypdf.PdfReader(sample_pdf.pdf_path)
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = desc.get_object() if desc else None
    assert any("NotoSansCJKSC" in re.sub(r"[- ]", "", name) for name in fonts), fonts
    for name, desc in fonts.items():
        assert desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        assert re.match(r"^/[A-Z]{6}\+", name), f"{name} is not a subset"


def test_same_html_gives_byte_identical_pdf(sample_pdf):
    html = Path(sample_pdf.html_path).read_text(encoding="utf-8")
    created = source_date({"SOURCE_DATE_EPOCH": "1704067200"})
    a, b = html_to_pdf(html, created=created), html_to_pdf(html, created=created)
    assert a == b
    meta = pypdf.PdfReader(io.BytesIO(a)).metadata
    assert meta["/CreationDate"].startswith("D:20240101")
    assert html_to_pdf(html) == Path(sample_pdf.pdf_path).read_bytes()  # no SOURCE_DATE_EPOCH: no date at all
    assert source_date({}) is None and source_date({"SOURCE_DATE_EPOCH": "soon"}) is None


def test_untrusted_urls_are_not_fetched():
    html = (
        '<html><head><title>t</title></head><body><p>正文</p><img src="http://127.0.0.1:9/x.png">'
        '<img src="file:///etc/passwd"></body></html>'
    )
    text = "".join(pages_text(html_to_pdf(html)))
    assert "正文" in text and "root:" not in text


def test_long_table_repeats_its_header_on_each_page(write_agency, tmp_path, request):
    """A synthetic agency whose part 一 is long, so that table 三 starts low on a page and continues."""
    narrative = paths.sample_params().with_suffix(".md").read_text(encoding="utf-8")
    head, sep, tail = narrative.partition("# 五、")
    narrative = head + "".join(f"{FILLER}\n\n" for _ in range(12)) + sep + tail
    params = write_agency(tmp_path, "long-edu", name="测试市长表格局", narrative=narrative)
    res = run_report(params, outputs_root=tmp_path / "outputs", pdf=True)
    assert res.status == "ok", res.message
    pdf = Path(res.pdf_path).read_bytes()
    pages = pages_text(pdf)
    on = sorted({i for i, t in enumerate(pages) for label in ROW_LABELS if label in t})
    assert len(on) >= 2, f"table 三 should span pages here, rows on pages {on}"
    for i in on:
        flat = re.sub(r"\s+", "", pages[i])  # a narrow header cell may wrap (自然\n人)
        assert all(w in flat for w in HEADER_WORDS), f"page {i + 1} lacks table 三's header"
    # no row split: every row label is found whole on exactly one page
    for label in ROW_LABELS:
        assert sum(label in t for t in pages) == 1, label
    assert len(pages) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 4
    assert f"共 {len(pages)} 页" in pages[-1]
    to_png(Path(res.pdf_path), request.node.name)
