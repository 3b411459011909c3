"""Numbers no report holds (10**20, 1e300, 5,000 digits) end in a message naming the cell, not a traceback."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from govreport_kit.core import limits

CSV_HEAD = "table,row,column,value\nmeta,name,,某局\nmeta,code,,a-b\nmeta,year,,2023\n"


@pytest.fixture
def project(tmp_path, make_project):
    return make_project(tmp_path / "proj")


@pytest.mark.parametrize("value", [10**20, 1e300, "9" * 5000, -(10**20)])
def test_workbook_cell_too_large_names_the_cell(project, value, cli, snapshot, assert_refused):
    xlsx = project / "params" / "xishan-edu" / "2023.xlsx"
    wb = load_workbook(xlsx)
    wb["表三"]["D5"] = value
    wb.save(xlsx)
    before = snapshot(project)
    proc = cli("check", "params/xishan-edu/2023.yaml", cwd=project)
    assert_refused(proc, "表三", "D5")
    assert limits.NUMBER_DIGITS.name in proc.stderr or "不是数字" in proc.stderr or "负数" in proc.stderr
    assert snapshot(project) == before


def test_run_with_a_huge_count_names_the_cell_and_writes_nothing(project, cli):
    xlsx = project / "params" / "xishan-edu" / "2023.xlsx"
    wb = load_workbook(xlsx)
    wb["表三"]["D5"] = 10**20
    wb.save(xlsx)
    proc = cli("run", "params/xishan-edu/2023.yaml", cwd=project, timeout=180)
    assert proc.returncode == 2, proc.stderr
    assert "D5" in proc.stderr and limits.NUMBER_DIGITS.name in proc.stderr
    assert not (project / "outputs" / "xishan-edu" / "2023" / "report.html").exists()


@pytest.mark.parametrize("value", [str(10**20), "1e300", "9" * 5000, "1" + "0" * 4400])
def test_csv_value_too_large_names_the_line(tmp_path, value, cli, assert_refused):
    f = tmp_path / "2023.csv"
    f.write_text(CSV_HEAD + f"table3,new,natural_person,{value}\n", encoding="utf-8")
    proc = cli("check", str(f), cwd=tmp_path)
    assert_refused(proc, "第 5 行")
    assert len(proc.stderr) < 1000  # the value is quoted short, not 5,000 digits


def test_yaml_data_value_with_5000_digits_names_the_key(tmp_path, cli, assert_refused):
    f = tmp_path / "data.yaml"
    f.write_text("table3:\n  new:\n    natural_person: " + "9" * 5000 + "\n", encoding="utf-8")
    proc = cli("check", str(f), cwd=tmp_path)
    assert_refused(proc, "table3.new.natural_person", limits.NUMBER_DIGITS.name)
