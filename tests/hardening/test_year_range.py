"""One year range everywhere (core.format.YEAR_RANGE): CSV, workbook, params, template agree."""

from __future__ import annotations

import re

import pytest

from govreport_kit.core.format import YEAR_RANGE

CSV = "table,row,column,value\nmeta,name,,某局\nmeta,code,,a-b\nmeta,year,,{}\ntable3,new,natural_person,1\n"


@pytest.mark.parametrize("year", ["0000", "0", "-2023", "1900", "2101"])
def test_bare_csv_year_outside_the_range_is_refused(tmp_path, year, cli, assert_refused):
    f = tmp_path / "data.csv"
    f.write_text(CSV.format(year), encoding="utf-8")
    assert_refused(cli("check", str(f), cwd=tmp_path), "第 4 行")


def test_year_2100_passes_params_and_gets_no_false_title_finding(tmp_path, make_project, cli):
    project = make_project(tmp_path / "proj")
    folder = project / "params" / "xishan-edu"
    params = folder / "2100.yaml"
    text = (folder / "2023.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^year: .*$", "year: 2100", text)
    text = re.sub(r"(?m)^(data|narrative): 2023", r"\1: 2100", text)
    text = re.sub(r"(?m)^previous:.*$", "previous: null", text)
    params.write_text(text, encoding="utf-8")
    for ext in ("xlsx", "md"):
        (folder / f"2100.{ext}").write_bytes((folder / f"2023.{ext}").read_bytes())
    from openpyxl import load_workbook

    wb = load_workbook(folder / "2100.xlsx")
    ws = wb["机构信息"]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == "报告年度":
            row[1].value = 2100
    wb.save(folder / "2100.xlsx")
    proc = cli("check", "--json", str(params), cwd=project)
    assert proc.returncode in (0, 1), proc.stderr
    import json

    assert not [f for f in json.loads(proc.stdout) if f["rule"] == "R-META"]


def test_template_refuses_years_outside_the_range(tmp_path, cli, assert_refused):
    lo, hi = YEAR_RANGE
    assert_refused(cli("template", "--agency", "a-b", "--year", str(hi + 1), cwd=tmp_path), str(hi))
    assert_refused(cli("new", "a-b", "--year", str(lo - 1), "--name", "某局", cwd=tmp_path), str(lo))
