"""Findings that point at the cell to fix: a mistyped inner cell of table 三 is named first."""

from __future__ import annotations

import json

from govreport_kit.inputs.template import write_workbook


def test_check_names_the_crossing_cell_first_when_a_row_and_a_column_total_are_off_by_the_same_amount(
    SHEETS, edit_workbook, run_cli, value_cell, varied_model, tmp_path
):
    model = varied_model()
    old = model.get("table3", "partial", "commercial")
    good = write_workbook(tmp_path / "good.xlsx", model)
    ref = value_cell("table3", "partial", "commercial")
    bad = edit_workbook(good, tmp_path / "bad.xlsx", SHEETS.t3, **{ref: old + 3})
    res = run_cli("check", str(bad))
    assert res.returncode == 1, res.stdout + res.stderr
    table = [line for line in res.stdout.splitlines() if line.startswith(("错误", "警告", "提示"))]
    assert table[1].split()[1] == "R-T3-CELL"  # first after the table-wide blank summary of 表三
    assert f"表三!{ref} 可能填错" in res.stdout and "行合计与列合计都相差 3" in res.stdout
    findings = json.loads(run_cli("check", "--json", str(bad)).stdout)
    cell = [f for f in findings if f["rule"] == "R-T3-CELL"]
    assert len(cell) == 1 and (cell[0]["row"], cell[0]["column"]) == ("partial", "commercial")
    assert (cell[0]["expected"], cell[0]["found"]) == (old, old + 3)
    assert cell[0]["source"]["cell"] == ref
    rules = [f["rule"] for f in findings]
    assert rules.index("R-T3-CELL") < rules.index("R-T3-ROW") and rules.index("R-T3-CELL") < rules.index("R-T3-COL")


def test_two_mistyped_cells_name_no_single_cell(SHEETS, edit_workbook, run_cli, value_cell, varied_model, tmp_path):
    model = varied_model()
    good = write_workbook(tmp_path / "good.xlsx", model)
    a, b = value_cell("table3", "partial", "commercial"), value_cell("table3", "granted", "research")
    bad = edit_workbook(good, tmp_path / "bad.xlsx", SHEETS.t3, **{a: 7, b: 9})
    findings = json.loads(run_cli("check", "--json", str(bad)).stdout)
    assert "R-T3-CELL" not in {f["rule"] for f in findings}
    assert {"R-T3-ROW", "R-T3-COL"} <= {f["rule"] for f in findings}
