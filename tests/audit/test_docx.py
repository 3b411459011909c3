"""audit/docx.py: Word documents made here with python-docx (merged cells as Word writes them, an
extra empty column, a table drawn with tabs), read cell by cell; old and hostile files refused."""

from __future__ import annotations

import zipfile

import docx
import pytest

from govreport_kit import cli
from govreport_kit.audit import audit_paths
from govreport_kit.audit import docx as docx_reader
from govreport_kit.audit.docx import read_docx
from govreport_kit.core import format as fmt
from govreport_kit.core.model import NOT_APPLICABLE
from govreport_kit.report import layout
from govreport_kit.report.prose import default_preamble
from govreport_kit.report.render import format_value


def _value(model, cell) -> str:
    return format_value(model.get(*cell), model.state(*cell))


def _word_table(document, model, table: str, extra_column: str | None = None):
    """The table as an analyst builds it in Word: a grid, then cells merged (python-docx writes
    w:gridSpan and w:vMerge restart/continue exactly as Word does)."""
    lay = layout.layout(table, model.format)
    shift = 1 if extra_column == "left" else 0
    t = document.add_table(rows=len(lay.rows), cols=lay.width + (1 if extra_column else 0))
    t.style = "Table Grid"
    for slot in lay.slots():
        cell = t.cell(slot.row, slot.col + shift)
        if slot.rowspan > 1 or slot.colspan > 1:
            cell = cell.merge(t.cell(slot.row + slot.rowspan - 1, slot.col + shift + slot.colspan - 1))
        cell.text = _value(model, slot.cell) if slot.role == layout.VALUE else slot.text


def _tab_table2(document, model) -> None:
    """Table 二 typed with tab stops, not as a table (alignment tabs doubled where a value is wide)."""
    sections = fmt.T2_SECTIONS
    for s in sections:
        document.add_paragraph(s.caption)
        document.add_paragraph("\t".join(s.header))
        for r in s.rows:
            values = [_value(model, ("table2", r.code, c.code)) for c in s.columns]
            lead = "\t\t" if len(values) == 1 else "\t"  # a lone value pushed right with two tabs
            document.add_paragraph(r.label + lead + "\t".join(values))


def word_report(path, model, *, extra_column: str | None = None, tabs_for_table2: bool = False) -> None:
    d = docx.Document()
    d.add_paragraph(model.report_title)
    d.add_paragraph(default_preamble(model).replace("\\", ""))
    for part in fmt.PARTS[1:]:
        d.add_paragraph(part.title)
        if part.code == "table2" and tabs_for_table2:
            _tab_table2(d, model)
        elif part.kind == "table":
            _word_table(d, model, part.code, extra_column)
        else:
            d.add_paragraph("（一）主要做法")
            d.add_paragraph(f"本部分为{part.title}的正文。")
    d.save(str(path))


def _audit(path):
    res = audit_paths([path])[0]
    assert res.kind == "docx"
    return res


def test_merged_cells_as_word_writes_them(same_cells, sample_model, tmp_path):
    m = sample_model()
    path = tmp_path / "merged.docx"
    word_report(path, m)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml and "w:gridSpan" in xml
    res = _audit(path)
    assert (res.agency, res.year, res.title) == (m.agency.name, 2023, m.report_title)
    assert same_cells(res.model, m) == []
    assert not res.unreadable and not res.findings


def test_merged_cell_read_once_at_its_place(grid, sample_model, tmp_path):
    m = sample_model()
    path = tmp_path / "merged.docx"
    word_report(path, m)
    doc = read_docx(path)
    t3 = next(t for t in doc.tables if "申请人情况" in t.text())
    lines = t3.pipe_lines()
    assert sum("申请人情况" in ln for ln in lines) == 1  # a merged cell once, not once per covered row
    granted = next(ln for ln in lines if "予以公开" in ln)
    assert granted.startswith("| 三、本年度办理结果 | （一）予以公开 |")  # the vertical label where it starts
    partial = next(ln for ln in lines if "部分公开" in ln)
    assert partial.startswith("| （二）部分公开")  # … and not repeated on the rows it covers
    grid = t3.grid()  # 3 header rows, 新收, 结转, then 予以公开 … （七）总计 under the vertical label
    assert grid[5][0] == grid[26][0] == fmt.T3_RESULTS_LABEL != grid[27][0]


@pytest.mark.parametrize("edge", ["right", "left"])
def test_extra_empty_column_dropped(nonzero_model, same_cells, sample_model, tmp_path, edge):
    m = nonzero_model(sample_model().agency, 2023, seed=3)
    path = tmp_path / f"extra_{edge}.docx"
    word_report(path, m, extra_column=edge)
    res = _audit(path)
    assert same_cells(res.model, m) == []
    assert not res.unreadable


def test_table_drawn_with_tabs(nonzero_model, same_cells, sample_model, tmp_path):
    m = nonzero_model(sample_model().agency, 2023, seed=4)
    path = tmp_path / "tabs.docx"
    word_report(path, m, tabs_for_table2=True)
    doc = read_docx(path)
    assert "| 行政许可||" in doc.text  # two alignment tabs: padding, not a blank cell
    res = _audit(path)
    assert same_cells(res.model, m) == []
    assert not res.unreadable


def test_blank_zero_and_not_applicable_kept_apart(same_cells, sample_model, tmp_path):
    m = sample_model()
    m.set("table3", "granted", "research", None)
    m.set("table4", "litigation_direct", "pending", None, state=NOT_APPLICABLE)
    path = tmp_path / "blanks.docx"
    word_report(path, m)
    res = _audit(path)
    assert same_cells(res.model, m) == []
    assert res.model.get("table3", "granted", "commercial") == 0


def test_prose_under_its_headings(sample_model, tmp_path):
    path = tmp_path / "prose.docx"
    word_report(path, sample_model())
    res = _audit(path)
    assert res.model.narrative["overview"].startswith("(一)主要做法")
    assert "五、存在的主要问题及改进情况的正文" in res.model.narrative["problems"]
    assert "六、其他需要报告的事项的正文" in res.model.narrative["other"]


def test_old_binary_word_refused_with_the_fix(tmp_path, capsys):
    doc = tmp_path / "old.doc"
    doc.write_bytes(docx_reader.OLE2_MAGIC + b"\x00" * 4000)
    rtf = tmp_path / "saved_as_rtf.doc"
    rtf.write_bytes(b"{\\rtf1\\ansi 2023\\par}")
    for path in (doc, rtf):
        res = audit_paths([path])[0]
        assert [u.kind for u in res.unreadable] == ["unreadable_file"]
        assert "另存为" in res.unreadable[0].message and ".docx" in res.unreadable[0].message
    assert cli.main(["audit", str(doc)]) == 2
    assert "另存为" in capsys.readouterr().out
    folder = tmp_path  # a folder's .doc files are reported, not skipped
    assert {r.source.rsplit("/", 1)[-1] for r in audit_paths([folder])} >= {"old.doc", "saved_as_rtf.doc"}


def test_hostile_and_broken_packages(sample_model, tmp_path, monkeypatch):
    good = tmp_path / "good.docx"
    word_report(good, sample_model())
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[:2000])
    not_word = tmp_path / "not_word.docx"
    with zipfile.ZipFile(not_word, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    for path, words in ((cut, "损坏"), (not_word, "document.xml")):
        res = audit_paths([path])[0]
        assert res.unreadable[0].kind == "unreadable_file" and words in res.unreadable[0].message, path
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zipfile.ZipFile(good).infolist():
            z.writestr(info, zipfile.ZipFile(good).read(info))
        z.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    monkeypatch.setattr(docx_reader, "MAX_MEMBER_BYTES", 1024 * 1024)
    res = audit_paths([bomb])[0]
    assert "解压后过大" in res.unreadable[0].message
    monkeypatch.setattr(docx_reader, "MAX_DOCX_BYTES", 1000)
    res = audit_paths([good])[0]
    assert "过大" in res.unreadable[0].message
