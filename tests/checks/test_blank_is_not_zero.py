"""Blank is not zero: an unfilled table is 未填写 (an error), other blanks one summary per table,
findings in form order everywhere, and a batch that shows an unfilled agency-year as 未填写."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from govreport_kit.batch.jobs import EMPTY, STATUS_LABELS
from govreport_kit.checks.findings import Finding, form_order_key, sort_findings
from govreport_kit.core import format as fmt
from govreport_kit.inputs.template import write_workbook

PART_ORDER = {p.code: i for i, p in enumerate(fmt.PARTS)}


def test_check_of_a_fresh_template_exits_1_with_未填写_for_every_table(run_cli, tmp_path):
    out = tmp_path / "blank.xlsx"
    assert run_cli("template", "--agency", "blank-a", "--year", "2023", "--out", str(out)).returncode == 0
    res = run_cli("check", str(out))
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stdout.count("R-EMPTY") == 3 and "未填写" in res.stdout
    assert "表三!D5:J29" in res.stdout and "表四!A5:O5" in res.stdout  # the blank cells as ranges
    assert "有错误，需要改正" in res.stdout.splitlines()[-1]
    assert "R-BLANK " not in res.stdout  # not 200 hints one by one
    findings = json.loads(run_cli("check", "--json", str(out)).stdout)
    empty = {f["table"]: f for f in findings if f["rule"] == "R-EMPTY"}
    assert set(empty) == set(fmt.TABLE_CODES) and all(f["severity"] == "error" for f in empty.values())
    cells = empty["table3"]["cells"]
    assert len(cells) == 175 and cells[0] == {
        "row": "new",
        "column": "natural_person",
        "row_label": fmt.T3_ROWS[0].label,
        "column_label": "自然人",
        "cell": "表三!D5",
        "state": "blank",
    }


def test_blank_cells_are_one_summary_per_table_with_their_ranges_and_cells_in_json(
    SHEETS, edit_workbook, run_cli, varied_model, tmp_path
):
    good = write_workbook(tmp_path / "good.xlsx", varied_model())  # 表三 E7 is “/”, 表四 D5 blank
    wb = edit_workbook(
        good, tmp_path / "blanks.xlsx", SHEETS.t3, D10=None, E10=None, F10=None, D11=None, E11=None, F11=None
    )
    res = run_cli("check", "--json", str(wb))
    findings = json.loads(res.stdout)
    blank = [f for f in findings if f["rule"] == "R-BLANK"]
    assert [f["table"] for f in blank] == ["table3", "table4"]  # one per table, in form order
    t3 = blank[0]
    assert (t3["severity"], t3["row"], t3["column"]) == ("info", None, None)
    assert [c["cell"] for c in t3["cells"]] == [
        "表三!E7",
        "表三!D10",
        "表三!E10",
        "表三!F10",
        "表三!D11",
        "表三!E11",
        "表三!F11",
    ]
    assert "表三!E7、表三!D10:F11" in t3["message"] and "6 个单元格为空白、1 个填为“不适用”" in t3["message"]
    text = run_cli("check", str(wb)).stdout
    assert text.count("R-BLANK ") == 2


def test_findings_are_listed_in_form_order_in_the_terminal_and_in_json(
    SHEETS, edit_workbook, run_cli, varied_model, tmp_path
):
    good = write_workbook(tmp_path / "good.xlsx", varied_model())
    wb = edit_workbook(good, tmp_path / "a.xlsx", SHEETS.t4, E5=99)  # 表四 复议 总计
    wb = edit_workbook(wb, tmp_path / "b.xlsx", SHEETS.t3, J5=3)  # 表三 新收 总计
    findings = json.loads(run_cli("check", "--json", str(wb)).stdout)
    assert [(f["rule"], f["table"]) for f in findings] == [
        ("R-BLANK", "table3"),
        ("R-T3-CELL", "table3"),
        ("R-T3-ROW", "table3"),  # 三: table-wide, then J5 …
        ("R-T3-BAL", "table3"),  # … then row 四
        ("R-BLANK", "table4"),
        ("R-T4-SUM", "table4"),
        ("R-SEC5", None),
    ]  # 四, then part 五
    text = run_cli("check", str(wb)).stdout
    positions = [text.index(needle) for needle in ("R-T3-CELL", "R-T3-ROW", "R-T3-BAL", "R-T4-SUM")]
    assert positions == sorted(positions)


def test_the_report_and_the_audit_page_list_findings_in_the_same_form_order():
    from govreport_kit.audit import render_html
    from govreport_kit.report import render

    fs = [
        Finding("R-SEC5", "info", "五"),
        Finding("R-T4-SUM", "error", "四", "table4", "review", "total"),
        Finding("R-META", "error", "标题"),
        Finding("R-T3-ROW", "error", "三", "table3", "new", "total"),
        Finding("R-X-STOCK", "warning", "二", "table2", "regulations", "in_force"),
        Finding("R-N-T3", "warning", "正文", "table3", "new", "total"),
        Finding("R-EMPTY", "error", "空", "table3"),
    ]
    rules = ["R-META", "R-N-T3", "R-X-STOCK", "R-EMPTY", "R-T3-ROW", "R-T4-SUM", "R-SEC5"]  # report, 一, 二, 三, 四, 五
    assert [f.rule for f in sort_findings(fs)] == rules
    audited = SimpleNamespace(
        findings=fs,
        format="2021",
        format_reason=None,
        unread_cells=(),
        source="a.docx",
        title=None,
        agency=None,
        year=None,
        unreadable=[],
        model=None,
    )
    for html in (str(render.findings_html(fs)), render_html.render_page([audited])):
        at = [html.index(f"<code>{rule}</code>") for rule in rules]
        assert at == sorted(at)
    # the order survives the JSON round trip the notebook uses
    assert [form_order_key(Finding.from_dict(f.to_dict())) for f in fs] == [form_order_key(f) for f in fs]


@pytest.mark.kernel
@pytest.mark.slow
def test_batch_shows_an_unfilled_agency_year_as_未填写_not_正常(run_cli, tmp_path):
    params, outputs = tmp_path / "params", tmp_path / "outputs"
    params.mkdir()
    res = run_cli("new", "blank-b", "--year", "2024", "--name", "某区某局", "--params-dir", str(params))
    assert res.returncode == 0, res.stderr
    res = run_cli("batch", str(params), "--outputs", str(outputs), "--workers", "1", cwd=tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    assert f"{STATUS_LABELS[EMPTY]} 1" in res.stderr + res.stdout
    index = (outputs / "index.html").read_text(encoding="utf-8")
    assert f'<span class="st st-{EMPTY}">{STATUS_LABELS[EMPTY]}</span>' in index
    assert '<span class="st st-ok">' not in index
    manifest = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"][0]["status"] == EMPTY and manifest["totals"][EMPTY] == 1
