"""A workbook that checks itself: 说明 sheet, 应为/核对 formulas per identity, recalculated by the real
LibreOffice and compared with `govreport check`; every bad cell at once; “12件” read as 12."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govreport_kit.checks import schemas
from govreport_kit.core import format as fmt
from govreport_kit.inputs.selfcheck import check_layout, ref
from govreport_kit.inputs.template import write_workbook


def test_template_has_instructions_and_a_locked_check_pair_per_identity_and_stays_byte_identical(
    run_cli, value_cell, tmp_path
):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (a, b):
        assert run_cli("template", "--agency", "self-a", "--year", "2023", "--out", str(out)).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a)
    assert wb.sheetnames[0] == fmt.INSTRUCTIONS_SHEET and wb.active.title == fmt.INSTRUCTIONS_SHEET
    help_text = "\n".join(str(c.value) for c in wb[fmt.INSTRUCTIONS_SHEET]["A"] if c.value)
    for needle in ("填写说明", fmt.CHECK_EXPECTED_LABEL, fmt.CHECK_STATUS_LABEL, "未填写", "以参数文件为准"):
        assert needle in help_text
    for table in ("table3", "table4"):
        ws = wb[fmt.TABLE_SHORT_NAMES[table]]
        checks, _ = check_layout(table)
        assert {(c.rule, c.target) for c in checks} == {(i.rule, i.target) for i in schemas.identities(table)}
        for c in checks:
            expected, status = ws[ref(c.expected_at)], ws[ref(c.status_at)]
            assert expected.value.startswith("=SUM(") and status.value.startswith("=IF(")
            assert expected.protection.locked and status.protection.locked
        assert ws.protection.sheet
        assert not ws[value_cell(table, *checks[0].target)].protection.locked  # value cells stay unlocked
        rules = [r for cf in ws.conditional_formatting for r in cf.rules]
        assert rules and rules[0].operator == "notEqual" and rules[0].formula == [f'"{fmt.CHECK_OK_TEXT}"']
        assert rules[0].dxf.fill.fgColor.rgb.endswith("FFC7CE")  # red
    # the reader ignores the check cells: a fresh template reads as blank tables
    findings = json.loads(run_cli("check", "--json", str(a)).stdout)
    assert sorted(f["table"] for f in findings if f["rule"] == "R-EMPTY") == sorted(fmt.TABLE_CODES)


def _recalculate(soffice_convert, src: Path, tmp_path: Path) -> Path:
    """The workbook as LibreOffice saves it after recalculating (fresh profile, headless)."""
    res = soffice_convert(src, tmp_path / "lo-out", "xlsx", flags=("--calc",), timeout=300)
    assert res.returncode == 0, res.stderr
    return tmp_path / "lo-out" / src.name


@pytest.mark.slow
def test_libreoffice_recalculated_check_cells_agree_with_govreport_check(
    SHEETS, edit_workbook, run_cli, value_cell, varied_model, tmp_path, soffice_convert
):
    model = varied_model()
    good = write_workbook(tmp_path / "good.xlsx", model)
    edits = {
        value_cell("table3", "granted", "natural_person"): 40,  # one inner cell: row and column
        value_cell("table3", "carried_forward", "research"): 5,  # 结转下年度: R-T3-BAL and its row
        value_cell("table3", "not_processed_duplicate", "total"): 9,
    }  # a row total
    bad = edit_workbook(good, tmp_path / "a.xlsx", SHEETS.t3, **edits)
    bad = edit_workbook(
        bad, tmp_path / "broken.xlsx", SHEETS.t4, **{value_cell("table4", "litigation_direct", "total"): 4}
    )
    done = _recalculate(soffice_convert, bad, tmp_path)
    wb = load_workbook(done, data_only=True)
    failing, expected = set(), {}
    for table in ("table3", "table4"):
        ws = wb[fmt.TABLE_SHORT_NAMES[table]]
        for c in check_layout(table)[0]:
            status = ws[ref(c.status_at)].value
            assert status is not None, (table, c)  # LibreOffice computed every check cell
            if status != fmt.CHECK_OK_TEXT:
                failing.add((c.rule, table, *c.target))
                expected[(c.rule, table, *c.target)] = ws[ref(c.expected_at)].value
    for path in (bad, done):  # the reader ignores the check cells, computed or not
        res = run_cli("check", "--json", str(path))
        assert res.returncode == 1, res.stderr
        findings = [f for f in json.loads(res.stdout) if f["rule"] in schemas.IDENTITY_RULES]
        assert {(f["rule"], f["table"], f["row"], f["column"]) for f in findings} == failing
        assert {(f["rule"], f["table"], f["row"], f["column"]): f["expected"] for f in findings} == expected
    assert len(failing) >= 6


def test_every_unreadable_cell_is_reported_at_once(SHEETS, edit_workbook, run_cli, value_cell, varied_model, tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", varied_model())
    cells = {
        value_cell("table3", "new", "natural_person"): "两件",
        value_cell("table3", "granted", "research"): -1,
        value_cell("table3", "total", "total"): "很多",
    }
    bad = edit_workbook(good, tmp_path / "bad.xlsx", SHEETS.t3, **cells)
    bad = edit_workbook(
        bad, bad, fmt.TABLE_SHORT_NAMES["table2"], **{value_cell("table2", "fees_wan_yuan", "value"): "大约"}
    )
    res = run_cli("check", str(bad))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "工作簿中有 4 个单元格无法读取" in res.stderr
    for cell, value in cells.items():
        assert f"表三!{cell}：" in res.stderr and str(value) in res.stderr
    assert "表二!" in res.stderr and "“大约”" in res.stderr
    assert "件数只填阿拉伯数字" in res.stderr and "金额以万元为单位" in res.stderr  # how to fix each kind
    assert "（一）予以公开 / 科研机构" in res.stderr  # the label of each cell


def test_a_count_typed_with_its_unit_is_read_with_a_warning_naming_the_cell(
    SHEETS, edit_workbook, run_cli, value_cell, varied_model, tmp_path
):
    model = varied_model()
    good = write_workbook(tmp_path / "good.xlsx", model)
    cell = value_cell("table3", "new", "natural_person")
    value = model.get("table3", "new", "natural_person")
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in str(value)) + "件"
    bad = edit_workbook(good, tmp_path / "units.xlsx", SHEETS.t3, **{cell: full_width})
    res = run_cli("check", "--json", str(bad))
    assert res.returncode == 0, res.stdout + res.stderr  # a warning, and the arithmetic still holds
    findings = json.loads(res.stdout)
    units = [f for f in findings if f["rule"] == "R-CELL-UNIT"]
    assert len(units) == 1 and units[0]["severity"] == "warning"
    assert (units[0]["row"], units[0]["column"], units[0]["expected"], units[0]["found"]) == (
        "new",
        "natural_person",
        value,
        full_width,
    )
    assert units[0]["message"].startswith(f"表三!{cell}") and units[0]["source"]["cell"] == cell
    assert not [f for f in findings if f["severity"] == "error"]
