"""render.py: the official layout of tables 二/三/四, values, findings links, escaping, determinism."""

from decimal import Decimal

import pytest

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt
from govreport_kit.core.model import NOT_APPLICABLE
from govreport_kit.report import prose, render


@pytest.fixture(scope="module")
def model(sample_model):
    return sample_model()


def _table(parse, html, table):
    return parse(html).xpath(f"//table[@id='table-{table}']")[0]


def test_table3_header_spans_follow_the_form(parse, model):
    t = _table(parse, render.table3_html(model), "table3")
    heads = {th.text_content(): th for th in t.xpath("./thead//th")}
    assert (heads["自然人"].get("rowspan"), heads["自然人"].get("colspan")) == ("2", None)
    assert heads["法人或其他组织"].get("colspan") == "5"
    assert heads["总计"].get("rowspan") == "2"
    assert heads["申请人情况"].get("colspan") == "7"
    note = heads[fmt.T3_HEADER_NOTE]
    assert (note.get("rowspan"), note.get("colspan")) == ("3", "3")
    assert [th.text_content() for th in t.xpath("./thead/tr[3]/th")] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]


def test_table3_is_a_rectangle_of_three_label_and_seven_value_columns(parse, grid, model):
    g = grid(_table(parse, render.table3_html(model), "table3"))
    assert len(g) == 3 + 25
    assert all(len(r) == 10 and all(c is not None for c in r) for r in g)
    # header row 3 under 法人或其他组织; value columns of the data rows line up with T3_COLUMNS
    for i, r in enumerate(fmt.T3_ROWS):
        cells = g[3 + i][3:]
        assert [c.get("data-cell") for c in cells] == [f"table3.{r.code}.{c.code}" for c in fmt.T3_COLUMNS]


def test_table3_row_labels_and_vertical_groups(parse, grid, model):
    t = _table(parse, render.table3_html(model), "table3")
    labels = t.xpath("./tbody//th[contains(@class,'label')]")
    assert [th.text_content() for th in labels] == [r.label for r in fmt.T3_ROWS]
    span = {th.text_content(): int(th.get("colspan", 1)) for th in labels}
    for code in ("new", "carried", "carried_forward"):
        assert span[fmt.row_label("table3", code)] == 3
    for code in ("granted", "partial", "total"):
        assert span[fmt.row_label("table3", code)] == 2
    assert span[fmt.row_label("table3", "denied_state_secret")] == 1
    groups = {th.text_content(): int(th.get("rowspan")) for th in t.xpath("./tbody//th[contains(@class,'group')]")}
    assert groups == {
        "三、本年度办理结果": 22,
        "（三）不予公开": 8,
        "（四）无法提供": 3,
        "（五）不予处理": 5,
        "（六）其他处理": 3,
    }
    g = grid(t)
    assert g[3 + 2][0].text_content() == "三、本年度办理结果" and g[3 + 23][0].text_content() == "三、本年度办理结果"
    assert g[3 + 24][0].text_content() == fmt.row_label("table3", "carried_forward")


def test_table2_sections_and_spans(parse, grid, model):
    t = _table(parse, render.table2_html(model), "table2")
    g = grid(t)
    assert all(len(r) == fmt.T2_GRID_COLUMNS and None not in r for r in g)
    captions = [th for th in t.xpath(".//th[contains(@class,'section')]")]
    assert [c.text_content() for c in captions] == [s.caption for s in fmt.T2_SECTIONS]
    assert all(c.get("colspan") == "4" for c in captions)
    decisions = [th for th in t.xpath(".//th") if th.text_content() == fmt.T2_DECISIONS]
    assert len(decisions) == 2 and all(th.get("colspan") == "3" for th in decisions)
    assert t.xpath(".//td[@data-cell='table2.licensing.value']")[0].get("colspan") == "3"


def test_table4_three_header_rows(parse, grid, model):
    t = _table(parse, render.table4_html(model), "table4")
    g = grid(t)
    assert len(g) == 4 and all(len(r) == 15 for r in g)
    assert g[0][0].text_content() == "行政复议" and g[1][0] is g[0][0]
    assert g[0][5].text_content() == "行政诉讼" and g[0][14] is g[0][5]
    assert g[1][5].text_content() == "未经复议直接起诉" and g[1][10].text_content() == "复议后起诉"
    assert [c.text_content() for c in g[2][:5]] == [c.label for c in fmt.T4_RESULTS]
    assert [c.get("data-cell") for c in g[3]] == [
        f"table4.{g_.code}.{c.code}" for g_ in fmt.T4_GROUPS for c in fmt.T4_RESULTS
    ]


def test_cell_values_equal_the_data(parse, model):
    doc = parse(render.table2_html(model) + render.table3_html(model) + render.table4_html(model))
    cells = {td.get("data-cell"): td.text_content() for td in doc.xpath("//td[@data-cell]")}
    assert len(cells) == 10 + 175 + 15
    for t, r, c, v in model.iter_cells():
        assert cells[f"{t}.{r}.{c}"] == str(v)
        assert doc.xpath(f"//td[@data-cell='{t}.{r}.{c}']")[0].get("id") == render.cell_id(t, r, c)


def test_blank_not_applicable_zero_and_decimal_are_distinct(parse, sample_model):
    m = sample_model()
    m.set("table3", "new", "research", None)  # blank
    m.set("table3", "new", "commercial", None, state=NOT_APPLICABLE)
    m.set("table2", "fees_wan_yuan", "value", Decimal("103.3879"))
    doc = parse(render.table2_html(m) + render.table3_html(m))
    text = {td.get("data-cell"): td.text_content() for td in doc.xpath("//td[@data-cell]")}
    assert text["table3.new.research"] == ""
    assert text["table3.new.commercial"] == "/"
    assert text["table3.new.other_org"] == "0"
    assert text["table2.fees_wan_yuan.value"] == "103.3879"


def test_findings_in_form_order_linked_to_highlighted_cells(parse, model):
    fs = [
        Finding("R-SEC5", "info", "第五部分为空", expected=None, found=None),
        Finding("R-X-CARRY", "warning", "上年结转与上年结转下年度不一致", "table3", "carried", "total", 1, 0),
        Finding("R-T3-COL", "error", "总计不等于各项之和", "table3", "total", "natural_person", 3, 2),
    ]
    section = parse(render.findings_html(fs))
    items = section.xpath("//li[contains(@class,'finding')]")
    # form order: 表三 row 二 (上年结转), then its （七）总计 row, then part 五
    assert [li.get("class").split()[-1] for li in items] == ["sev-warning", "sev-error", "sev-info"]
    assert "错误 1 项" in section.text_content()
    href = items[1].xpath(".//a/@href")[0]
    assert href == "#cell-table3-total-natural_person"
    table = parse(render.table3_html(model, fs))
    target = table.xpath(f"//*[@id='{href[1:]}']")[0]
    assert "flag-error" in target.get("class") and "总计不等于各项之和" in target.get("title")
    assert "flag-warning" in table.xpath("//td[@data-cell='table3.carried.total']")[0].get("class")
    assert items[2].xpath(".//a/@href") == ["#part-problems"]
    assert "未发现问题" in render.findings_html([])


INJECTION = "<script>alert(1)</script> <img src=x onerror=alert(1)> [点我](javascript:alert(1))"


def test_untrusted_text_stays_text(parse, sample_model):
    m = sample_model(name="<script>alert(1)</script><img src=x onerror=alert(1)>局")
    title = prose.title_html(m)
    assert "<script" not in title and "<img" not in title and "&lt;script&gt;" in title
    fs = [Finding("R-META", "error", "<img src=x onerror=alert(1)>", "table3", "new", "total")]
    assert "<img" not in render.findings_html(fs) + render.table3_html(m, fs)
    part = prose.part_html("overview", INJECTION + "\n\n[官网](https://example.org) <a href='javascript:x'>a</a>")
    doc = parse(part)
    assert not doc.xpath("//script | //img | //*[@onerror]")
    assert [a.get("href") for a in doc.xpath("//a")] == ["https://example.org"]
    assert "<script>alert(1)</script>" in doc.text_content()
    assert "javascript:alert(1)" in doc.text_content()  # visible, not a link


def test_preamble_from_agency_details_escapes_markdown(parse, sample_model):
    m = sample_model(name="某局*[x](javascript:y)*")
    html = prose.part_html("preamble", prose.default_preamble(m))
    doc = parse(html)
    assert "2023年1月1日至2023年12月31日" in doc.text_content()
    assert "某局*[x](javascript:y)*" in doc.text_content() and not doc.xpath("//a | //em")


def test_markdown_headings_are_shifted_below_part_headings():
    html = prose.markdown_html("# 主要问题\n\n正文\n\n## 细节")
    assert "<h3>主要问题</h3>" in html and "<h4>细节</h4>" in html


def test_rendering_is_deterministic(sample_model, model):
    fs = [Finding("R-T3-COL", "error", "x", "table3", "total", "natural_person", 3, 2)]
    once = [render.table_section_html(model, t, fs) for t in fmt.TABLE_CODES] + [render.findings_html(fs)]
    again = [render.table_section_html(sample_model(), t, fs) for t in fmt.TABLE_CODES] + [render.findings_html(fs)]
    assert once == again


def test_2019_table3_has_one_other_row(parse, grid):
    from govreport_kit.core import model as M

    m = M.from_cells(M.Agency(name="某局", code="x"), 2019, [], form="2019")
    t = _table(parse, render.table3_html(m), "table3")
    assert len(grid(t)) == 3 + 23
    groups = [th.text_content() for th in t.xpath("./tbody//th[contains(@class,'group')]")]
    assert "（六）其他处理" not in groups


def test_template_emits_only_html_outputs_and_embedded_images():
    """The nbconvert template: no code, prompts, markdown, streams, errors or text/plain; images inline."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from govreport_kit.running.runner import _fast_jupyter_imports

    with _fast_jupyter_imports():
        from govreport_kit.running import execute
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    nb = new_notebook(
        cells=[
            new_markdown_cell("# SECRET-MARKDOWN"),
            new_code_cell(
                "print('SECRET-CODE')",
                execution_count=1,
                outputs=[
                    new_output("stream", name="stdout", text="SECRET-STDOUT"),
                    new_output("stream", name="stderr", text="SECRET-STDERR"),
                    new_output(
                        "display_data", data={"text/html": "<p id='shown'>可见</p>", "text/plain": "<obj at 0x7f00>"}
                    ),
                    new_output("execute_result", data={"text/plain": "<object at 0x7f01>"}, execution_count=1),
                    new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
                    new_output("error", ename="ValueError", evalue="SECRET-ERROR", traceback=["SECRET-TB"]),
                ],
            ),
            new_code_cell(
                "report.finish()",
                execution_count=2,
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "text/plain": "done",
                            "application/vnd.govreport.report+json": {
                                "status": "complete",
                                "title": "<b>某局</b>",
                                "meta_html": '<meta name="x" content="y">',
                                "footer_html": '<footer id="prov">脚注</footer>',
                            },
                        },
                    )
                ],
            ),
        ]
    )
    html = execute.export_html(nbformat.from_dict(nb))
    for secret in ("SECRET", "0x7f", "In&nbsp;[", "<script", "http", "print("):
        assert secret not in html, secret
    assert "<p id='shown'>可见</p>" in html and f"data:image/png;base64,{png}" in html
    assert "<title>&lt;b&gt;某局&lt;/b&gt;</title>" in html
    assert '<meta name="x" content="y">' in html and '<footer id="prov">脚注</footer>' in html
    assert html.index("可见") < html.index("脚注") < html.index("</html>")


def test_findings_about_unknown_rows_link_to_their_table():
    fs = [
        Finding("R-SHAPE", "error", "多出一行", "table3", "bogus_row", None),
        Finding("R-SHAPE", "error", "多出一列", "table3", "new", "bogus_col"),
        Finding("R-INT", "error", "x", "table3", None, "natural_person"),
    ]
    assert [render.finding_target(f) for f in fs] == ["part-table3", "row-table3-new", "part-table3"]


def test_unfilled_marks_become_highlights_and_cannot_be_forged():
    html = prose.markdown_html(f"a {prose.unfilled_token('{{ x }}')} <b>b</b>")
    assert '<mark class="unfilled" title="未能填入的占位符">{{ x }}</mark>' in html and "&lt;b&gt;" in html
    assert prose.strip_unfilled_marks(f"{prose.UNFILLED_START}x{prose.UNFILLED_END}") == "x"
