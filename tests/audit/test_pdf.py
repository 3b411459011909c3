"""audit/pdf.py: PDFs made here (our report printed by WeasyPrint), read cell by cell."""

from __future__ import annotations

import pdfplumber
import pytest

from govreport_kit import cli
from govreport_kit.audit import audit_paths
from govreport_kit.audit import pdf as pdf_reader
from govreport_kit.audit.pdf import read_pdf
from govreport_kit.authoring.synth import synth_agency_years
from govreport_kit.core import format as fmt

#: Look-alike radicals as Chromium's print-to-PDF embeds them (format-2021.md §6).
RADICALS = {
    "一": "\u2f00",
    "人": "\u2f08",
    "山": "\u2f2d",
    "民": "\u2ea0",
    "行": "\u2f8f",
    "日": "\u2f47",
    "月": "\u2f49",
}
LONG_OVERVIEW = "\n\n".join(
    ["本年度，我局坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。" * 6] * 5
)


@pytest.fixture
def make_pdf(html_to_pdf, report_html):
    """``make_pdf(folder, model, name="report.pdf", **report_html_options)``: our report printed to a PDF file."""

    def make(folder, model, name="report.pdf", **kw):
        path = folder / name
        path.write_bytes(html_to_pdf(report_html(model, **kw)))
        return path

    return make


def _raw_pages(path):
    with pdfplumber.open(str(path)) as doc:
        return [p.extract_text() or "" for p in doc.pages]


def test_our_own_pdf_reads_back_cell_by_cell(make_pdf, same_cells, sample_model, tmp_path):
    m = sample_model()
    path = make_pdf(tmp_path, m)
    res = audit_paths([path])[0]
    assert (res.kind, res.agency, res.year, res.format) == ("pdf", m.agency.name, 2023, "2021")
    assert res.title == m.report_title
    assert same_cells(res.model, m) == []
    assert not res.unreadable and not res.findings
    # wrapped lines of the preamble joined again (the e-mail address was pushed to the next line)
    assert "电子邮箱:kmxsjyjbgs@126.com)。" in res.model.narrative["preamble"]


@pytest.mark.parametrize("footer", ["page_of", "dashes", "slash"])
def test_page_headers_footers_and_numbers_dropped(make_pdf, sample_model, tmp_path, footer):
    path = make_pdf(tmp_path, sample_model(), header="西山区人民政府门户网站", footer=footer)
    raw = _raw_pages(path)
    assert len(raw) >= 2 and all("西山区人民政府门户网站" in p for p in raw)  # the fixture has them
    text = read_pdf(path).text
    assert "门户网站" not in text
    assert not any(s in text for s in ("第 1 页", "共 3 页", "- 1 -", "- 2 -", "1/3", "2/3"))


@pytest.mark.parametrize("index", range(2))
def test_table3_split_over_two_pages_is_joined(make_pdf, nonzero_model, same_cells, tmp_path, index):
    agency = synth_agency_years(2, seed=11)[index].agency
    m = nonzero_model(agency, 2024, seed=20 + index)
    path = make_pdf(tmp_path, m, narrative={"overview": LONG_OVERVIEW})
    raw = _raw_pages(path)
    pages_with_t3 = [i for i, p in enumerate(raw) if "申请人情况" in p]
    assert len(pages_with_t3) == 2 and pages_with_t3[1] == pages_with_t3[0] + 1  # split, header repeated
    doc = read_pdf(path)
    assert doc.text.count("申请人情况") == 1  # the repeated header rows are dropped
    t3 = next(t for t in doc.tables if any("申请人情况" in c for c in t[0]))
    data_rows = [row for row in t3 if len(row) >= 8 and all(c.isdigit() for c in row[-7:])]
    assert len(data_rows) == len(fmt.T3_ROWS)  # both parts in one table, every row once
    res = audit_paths([path])[0]
    assert same_cells(res.model, m) == []
    assert not res.unreadable


def test_look_alike_radicals_mapped_back(html_to_pdf, report_html, same_cells, sample_model, tmp_path):
    m = sample_model()
    html = report_html(m)
    head, body = html.split("<body>", 1)
    path = tmp_path / "radicals.pdf"
    path.write_bytes(html_to_pdf(head + "<body>" + body.translate(str.maketrans(RADICALS))))
    raw = "".join(_raw_pages(path))
    assert all(r in raw for r in RADICALS.values())  # the text layer carries the look-alikes
    doc = read_pdf(path)
    assert not any(r in doc.text for r in RADICALS.values())
    assert "中华人民共和国" in doc.text
    res = audit_paths([path])[0]
    assert res.agency == "昆明市西山区教育体育局"
    assert same_cells(res.model, m) == []
    assert not res.unreadable


def test_table_without_lines_read_by_position(html_to_pdf, report_html, same_cells, sample_model, tmp_path):
    """No ruling lines: cells are told apart by the gaps between words on each line."""
    m = sample_model()
    html = report_html(m).replace("</style>", "th, td { border: none !important }</style>")
    path = tmp_path / "no_lines.pdf"
    path.write_bytes(html_to_pdf(html))
    with pdfplumber.open(str(path)) as doc:
        assert not any(p.find_tables() for p in doc.pages)
    res = audit_paths([path])[0]
    t2_t4 = [d for d in same_cells(res.model, m) if not d.startswith("table3")]
    assert t2_t4 == []
    wrong = [d for d in same_cells(res.model, m) if "got <NA>" not in d]
    assert wrong == []  # a row that cannot be told apart is left unread and said, never guessed
    unread_rows = {r for t, r, _ in res.unread_cells}
    assert len(unread_rows) <= 2
    assert all(u.kind in ("ambiguous_row", "unknown_label") for u in res.unreadable)


def test_scan_without_text_layer_is_unreadable(image_only_pdf, tmp_path, capsys):
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    res = audit_paths([path])[0]
    assert not res.readable
    assert [u.kind for u in res.unreadable] == ["unreadable_file"]
    assert "没有文字层" in res.unreadable[0].message and "OCR" in res.unreadable[0].message
    assert cli.main(["audit", str(path)]) == 2
    assert "OCR" in capsys.readouterr().out


def test_broken_encrypted_and_oversized_pdfs(make_pdf, sample_model, tmp_path, monkeypatch):
    good = make_pdf(tmp_path, sample_model())
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[:300])
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    for path in (cut, junk):
        res = audit_paths([path])[0]
        assert [u.kind for u in res.unreadable] == ["unreadable_file"], path
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 1)
    res = audit_paths([good])[0]
    assert "页数过多" in res.unreadable[0].message
    monkeypatch.setattr(pdf_reader, "MAX_PDF_BYTES", 1000)
    res = audit_paths([good])[0]
    assert "过大" in res.unreadable[0].message


def test_folder_with_pdf_and_import(make_pdf, sample_model, tmp_path):
    m = sample_model()
    folder = tmp_path / "reports"
    folder.mkdir()
    make_pdf(folder, m, "2023.pdf")
    (folder / "README.txt").write_text("说明文件", encoding="utf-8")
    results = audit_paths([folder])
    assert [r.kind for r in results] == ["pdf"]
    from govreport_kit.authoring.importer import import_report

    made = import_report(folder / "2023.pdf", "xishan-edu", tmp_path / "params")
    assert made.workbook.exists() and made.audit.unread_cells == set()
    assert "本部分内容从略" in made.narrative.read_text(encoding="utf-8")
