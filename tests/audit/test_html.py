"""Saved web pages: span resolution, site chrome, HTML inside JavaScript strings, blank cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport_kit.audit import audit_text
from govreport_kit.audit.html import HtmlCell, HtmlTable, parse_html, read_table
from govreport_kit.core import format as fmt

from ._synth import make_cells, render_html_page
from .test_text import read_back

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def test_grid_resolves_rowspan_and_colspan():
    t = HtmlTable(
        [
            [HtmlCell("note", colspan=2, rowspan=2), HtmlCell("申请人情况", colspan=2)],
            [HtmlCell("自然人"), HtmlCell("总计")],
            [HtmlCell("三、本年度办理结果", rowspan=2), HtmlCell("(一)予以公开"), HtmlCell("1"), HtmlCell("1")],
            [HtmlCell("(二)部分公开"), HtmlCell(""), HtmlCell("0")],
        ]
    )
    assert t.grid() == [
        ["note", "note", "申请人情况", "申请人情况"],
        ["note", "note", "自然人", "总计"],
        ["三、本年度办理结果", "(一)予以公开", "1", "1"],
        ["三、本年度办理结果", "(二)部分公开", "", "0"],
    ]
    # the text rendering keeps cells as written, with the empty one explicit
    assert t.pipe_lines()[3] == "| (二)部分公开 |   | 0 |"


def test_word_export_tables_from_the_corpus():
    page = parse_html((CORPUS / "pingtan-2021.html").read_text(encoding="utf-8"))
    assert page.title == "平潭综合实验区2021年度政府信息公开工作年度报告"
    assert len(page.tables) == 3
    t3 = page.tables[1].grid()
    assert len(t3[0]) == 11  # a Word export: 申请人情况 spans 8 grid columns here
    row = next(r for r in t3 if r[0].startswith("一、本年新收"))
    assert [x for x in row[3:] if x] == ["64", "0", "0", "0", "2", "0", "4", "70"]  # 商业企业 spans 2
    # site chrome is not part of the text
    assert "当前位置" not in page.text and "版权所有" not in page.text
    assert page.text.index("一、总体情况") < page.text.index("六、其他需要报告的事项")


@pytest.mark.parametrize("form", fmt.FORMATS)
@pytest.mark.parametrize("seed", [0, 1])
def test_page_with_site_chrome_round_trips(seed, form):
    cells = make_cells(seed, form, blanks=True, big=seed == 1)
    html = render_html_page(cells, form)
    res = audit_text(html, "page.html", kind="html")
    assert res.title == "测试县市场监督管理局2023年政府信息公开工作年度报告"
    got, unread = read_back(res, form)
    assert not unread
    assert got == cells
    assert "首页" not in res.model.narrative.get("preamble", "")


def test_report_inside_a_javascript_string():
    cells = make_cells(2, "2021", blanks=True)
    html = render_html_page(cells, "2021", in_script=True)
    assert "本年新收" not in html.split("<script>")[0]  # only the site's layout table outside the script
    page = parse_html(html)
    assert page.from_script and len(page.tables) == 3
    res = audit_text(html, "js.html", kind="html")
    got, unread = read_back(res, "2021")
    assert not unread and got == cells


def test_blank_cells_of_the_shanghai_page_stay_null():
    html = (CORPUS / "shanghai-office-2019.html").read_text(encoding="utf-8")
    res = audit_text(html, "shanghai-office-2019.html", kind="html")
    assert res.format == "2019"
    assert res.model.state("table3", "granted", "total") == "blank"
    assert res.model.get("table2", "government_procurement", "total_amount_yuan") == 251000
    tables = res.to_dict()["tables"]
    assert tables["table3"]["new"] == {
        "natural_person": 821,
        "commercial": 35,
        "research": None,
        "social_welfare": None,
        "legal_service": 2,
        "other_org": 1,
        "total": 859,
    }


def test_read_table_ignores_nested_layout_rows():
    from lxml import html as lh

    doc = lh.fromstring("<table><tr><td><table><tr><td>x</td></tr></table></td><td>5</td></tr></table>")
    t = read_table(doc)
    assert [[c.text for c in row] for row in t.rows] == [["x", "5"]]


def test_page_cut_inside_a_number_does_not_read_the_cut_number():
    html = (CORPUS / "hangzhou-style-2025.html").read_text(encoding="utf-8")
    cut = html[: html.index("<td>13810") + len("<td>138")]  # （七）总计 / 总计 is 13810
    res = audit_text(cut, "cut.html", kind="html")
    assert ("table3", "total", "total") in res.unread_cells
    assert res.model.get("table3", "total", "natural_person") == 13364  # the rest of the row is there
    assert any(u.kind == "truncated" and u.row == "total" for u in res.unreadable)
    assert not res.has_errors
