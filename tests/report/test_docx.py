"""report/docx.py: the Word report, laid out as the form, read back exactly, deterministic, seen by LibreOffice."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from govreport_kit import cli
from govreport_kit.audit import audit_paths
from govreport_kit.authoring.synth import narrative_markdown, synth_agency_years
from govreport_kit.core import format as fmt
from govreport_kit.core.model import NOT_APPLICABLE, Agency, from_cells
from govreport_kit.report import layout
from govreport_kit.report.docx import FONT_NOTE, FONTS, VERTICAL_TEXT, document_for, report_docx
from govreport_kit.report.prose import default_preamble

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OUTPUT = Path(__file__).resolve().parents[1] / "output"


def _write(tmp_path: Path, model, name: str = "report.docx", audience: str = "review") -> Path:
    path = tmp_path / name
    path.write_bytes(document_for(model, audience))
    return path


def _read_back(path: Path):
    res = audit_paths([path])[0]
    assert res.kind == "docx"
    return res


def _document_xml(data: bytes):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def test_same_inputs_same_bytes(sample_model):
    m = sample_model()
    a, b = document_for(m), document_for(sample_model())
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in z.namelist()
    core = z.read("docProps/core.xml").decode()
    assert "2024-01-01T00:00:00Z" in core and FONT_NOTE in core


def _the_sample():
    """The built-in sample agency-year (params, workbook, narrative), as ``govreport run`` loads it."""
    from govreport_kit.core import paths
    from govreport_kit.inputs.load import load_agency_year

    return load_agency_year(paths.sample_params())


def test_round_trip_sample(same_cells, tmp_path):
    m = _the_sample()
    res = _read_back(_write(tmp_path, m))
    assert res.agency == m.agency.name and res.year == m.year and res.format == "2021"
    assert res.title == m.report_title
    assert not res.unread_cells and not res.unreadable
    assert same_cells(res.model, m) == []
    assert [f.rule for f in res.findings if f.severity == "error"] == []
    assert "(一)主动公开" in res.model.narrative["overview"]


@pytest.mark.parametrize("index", range(3))
def test_round_trip_synthetic_every_cell_non_zero(nonzero_model, same_cells, tmp_path, index):
    agency = synth_agency_years(3, seed=7)[index].agency
    m = nonzero_model(agency, 2024, seed=index)
    assert all(v not in (0, None) for *_, v in m.iter_cells())
    m.narrative = {"preamble": "", **_parts(narrative_markdown(m))}
    res = _read_back(_write(tmp_path, m))
    assert res.agency == agency.name and res.year == 2024
    assert same_cells(res.model, m) == []
    assert not res.unreadable
    assert [f.rule for f in res.findings if f.severity == "error"] == []
    # the prose came back under its headings, numbers filled from the tables
    assert str(m.get("table3", "new", "total")) in res.model.narrative["overview"]


def _parts(markdown: str) -> dict[str, str]:
    from govreport_kit.inputs.narrative import split_parts

    return split_parts(markdown)


def test_round_trip_blank_and_not_applicable_cells(same_cells, sample_model, tmp_path):
    m = sample_model()
    m.set("table3", "granted", "research", None)  # blank
    m.set("table4", "review", "pending", None, state=NOT_APPLICABLE)
    res = _read_back(_write(tmp_path, m))
    assert same_cells(res.model, m) == []


def test_round_trip_2019_format(same_cells, tmp_path):
    from audit._synth import make_cells  # the audit tests' consistent 2019 tables

    cells = make_cells(seed=5, form="2019", big=True)
    m = from_cells(
        Agency("测试县人民政府办公室", "test-gov"), 2020, [(t, r, c, v) for (t, r, c), v in cells.items()], "2019"
    )
    res = _read_back(_write(tmp_path, m))
    assert res.format == "2019"
    assert same_cells(res.model, m) == []


def test_layout_of_the_form_in_the_xml(sample_model):
    m = sample_model()
    data = report_docx(m, {"preamble": default_preamble(m)})
    root = _document_xml(data)
    tables = root.findall(f".//{W}tbl")
    assert len(tables) == 3
    t3 = tables[1]
    # the vertical group labels: one restart cell each, written as vertical text
    vertical = [
        tc
        for tc in t3.iter(f"{W}tc")
        if tc.find(f"{W}tcPr/{W}textDirection") is not None
        and tc.find(f"{W}tcPr/{W}vMerge").get(f"{W}val") == "restart"
    ]
    labels = ["".join(t.text for t in tc.iter(f"{W}t")) for tc in vertical]
    assert labels == [g.label for g in fmt.T3_ROW_GROUPS]
    assert {tc.find(f"{W}tcPr/{W}textDirection").get(f"{W}val") for tc in vertical} == {VERTICAL_TEXT}
    # header rows repeat on a new page; every row has the grid's width
    rows = t3.findall(f"{W}tr")
    assert sum(r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows) == len(fmt.T3_HEADER)
    lay = layout.table3_layout()
    for tr in rows:
        spans = [tc.find(f"{W}tcPr/{W}gridSpan") for tc in tr.findall(f"{W}tc")]
        assert sum(1 if g is None else int(g.get(f"{W}val")) for g in spans) == lay.width
    # A4, East Asian fonts named on the runs, the fallback chain in the font table
    sz = root.find(f".//{W}sectPr/{W}pgSz")
    assert (int(sz.get(f"{W}w")), int(sz.get(f"{W}h"))) == (11906, 16838)
    east = {f.get(f"{W}eastAsia") for f in root.iter(f"{W}rFonts")}
    assert {FONTS["title"][0], FONTS["heading"][0], FONTS["table"][0]} <= east
    fonts = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml"))
    alt = {
        f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")
        for f in fonts.findall(f"{W}font")
        if f.find(f"{W}altName") is not None
    }
    assert alt[FONTS["body"][0]] == FONTS["body"][1][0]


def test_untrusted_text_stays_text(same_cells, sample_model, tmp_path):
    m = sample_model(name="<w:p>测试局\x07&amp;")
    m.narrative = {"overview": "正文 <script>alert(1)</script> **加粗** {{ table3.new.total }}件\x0b"}
    path = _write(tmp_path, m)
    res = _read_back(path)
    assert "<script>alert(1)</script>" in res.model.narrative["overview"]
    assert "加粗 2件" in res.model.narrative["overview"]
    assert same_cells(res.model, m) == []


def test_govreport_check_on_the_docx(sample_model, tmp_path, capsys):
    good = _write(tmp_path, sample_model(), "good.docx")
    assert cli.main(["check", str(good)]) == 0
    bad_model = sample_model()
    bad_model.set("table3", "granted", "natural_person", 5)  # breaks R-T3-COL and R-T3-ROW
    bad = _write(tmp_path, bad_model, "bad.docx")
    assert cli.main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "R-T3-COL" in out or "（七）总计" in out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None, reason="LibreOffice/poppler")
def test_libreoffice_opens_it_as_the_form(libreoffice_pdf, pdf_pages_png, same_cells, tmp_path):
    """LibreOffice lays the document out (screenshots under tests/output/), and its PDF reads back."""
    out = OUTPUT / "test_docx_libreoffice"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    m = _the_sample()
    docx = out / "sample.docx"
    docx.write_bytes(document_for(m))
    pdf = libreoffice_pdf(docx, out)
    pngs = pdf_pages_png(pdf, out / "page")
    assert 2 <= len(pngs) <= 6
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        assert doc.pages[0].width == pytest.approx(595.3, abs=1) and doc.pages[0].height == pytest.approx(841.9, abs=1)
        text = "".join(p.extract_text() or "" for p in doc.pages)
    assert "（三）不予公开" not in text  # vertical: its characters are laid out one per line, not as a run
    res = audit_paths([pdf])[0]
    assert res.kind == "pdf"
    assert same_cells(res.model, m) == []
    assert not res.unreadable


@pytest.mark.kernel
def test_govreport_run_docx_writes_it_beside_the_html(same_cells, tmp_path, capsys):
    """``govreport run --docx``: report.docx with the other outputs; it reads back as the model."""
    assert cli.main(["run", "--docx", "--outputs", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    docx_path = Path(printed[-1])
    assert docx_path.name == "report.docx" and docx_path.parent == Path(printed[0]).parent
    assert oct(docx_path.stat().st_mode & 0o777) == "0o644"
    assert not list(docx_path.parent.glob(".*.tmp"))
    assert docx_path.read_bytes() == document_for(_the_sample())  # the same model and narrative as the HTML
    res = _read_back(docx_path)
    assert same_cells(res.model, _the_sample()) == []


def test_batch_docx_reaches_the_runner_and_the_fingerprint(tmp_path):
    from govreport_kit.authoring.synth import write_agencies
    from govreport_kit.batch.run import discover, plan

    write_agencies(tmp_path / "params", 1, seed=2)
    jobs = discover(tmp_path / "params").jobs
    kw = dict(changed_only=False, audience="review", timeout=None, notebook=None)
    (with_docx,), _ = plan(jobs, str(tmp_path / "out"), docx=True, **kw)
    (without,), _ = plan(jobs, str(tmp_path / "out"), **kw)
    assert with_docx.docx and not without.docx
    assert with_docx.fingerprint != without.fingerprint  # --changed-only reruns a report that lacks its .docx
