"""`govreport check` and `govreport template` through the real command line."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from govreport_kit.inputs.template import write_workbook


def test_check_sample_by_default_exits_0(run_cli):
    res = run_cli("check")
    assert res.returncode == 0, res.stderr
    assert "params/xishan-edu/2023.yaml" in res.stdout and "昆明市西山区教育体育局" in res.stdout
    assert "检查通过" in res.stdout and "Traceback" not in res.stderr


def test_check_sample_json_lists_no_error(run_cli):
    res = run_cli("check", "--json")
    assert res.returncode == 0, res.stderr
    findings = json.loads(res.stdout)
    assert isinstance(findings, list)
    assert not [f for f in findings if f["severity"] == "error"]


def test_check_reports_findings_and_exits_1(SHEETS, edit_workbook, run_cli, snapshot, varied_model, tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", varied_model())
    bad = edit_workbook(good, tmp_path / "bad.xlsx", SHEETS.t3, J5=3)  # 新收 总计 3 ≠ 2
    before = snapshot(tmp_path)
    res = run_cli("check", str(bad))
    assert res.returncode == 1, res.stderr
    assert "R-T3-ROW" in res.stdout and "表三!J5" in res.stdout and "错误" in res.stdout
    assert "有错误，需要改正" in res.stdout.splitlines()[-1]
    res = run_cli("check", "--json", str(bad))
    assert res.returncode == 1
    findings = json.loads(res.stdout)
    row = [f for f in findings if f["rule"] == "R-T3-ROW"]
    assert row and row[0]["row"] == "new" and row[0]["column"] == "total"
    assert row[0]["source"]["cell"] == "J5" and row[0]["found"] == 3 and row[0]["expected"] == 2
    assert {
        "rule",
        "severity",
        "table",
        "row",
        "row_label",
        "column",
        "column_label",
        "expected",
        "found",
        "source",
        "message",
    } <= set(row[0])
    assert snapshot(tmp_path) == before


def test_check_bare_csv_notes_placeholders_on_stderr(run_cli, tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("table,row,column,value\ntable3,new,total,2\n", encoding="utf-8")
    res = run_cli("check", str(p))
    assert res.returncode in (0, 1) and "注意：" in res.stderr and "占位" in res.stderr


def test_check_valid_gbk_csv(INPUTS, run_cli):
    res = run_cli("check", str(INPUTS / "gbk_encoded.csv"))
    assert res.returncode == 0, res.stderr
    assert "昆明市西山区教育体育局" in res.stdout


def test_template_writes_and_refuses_to_overwrite(run_cli, snapshot, tmp_path):
    res = run_cli("template", "--agency", "new-agency", "--year", "2024", "--name", "新机构", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "new-agency-2024.xlsx"
    wb = load_workbook(out)
    assert wb["机构信息"]["B1"].value == "新机构" and wb["机构信息"]["B2"].value == "new-agency"
    before = snapshot(tmp_path)
    res = run_cli("template", "--agency", "new-agency", "--year", "2024", cwd=tmp_path)
    assert res.returncode == 2 and "已存在" in res.stderr and "Traceback" not in res.stderr
    assert snapshot(tmp_path) == before
    res = run_cli("template", "--agency", "x", "--year", "2024", "--out", str(tmp_path / "custom.xlsx"))
    assert res.returncode == 0 and (tmp_path / "custom.xlsx").is_file()


def test_template_validates_the_code_first(run_cli, tmp_path):
    for code in ("../x", "CON", "a/b", "c" * 200):
        res = run_cli("template", "--agency", code, "--year", "2024", cwd=tmp_path)
        assert res.returncode == 2 and "机构代码" in res.stderr and "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


def _tables_only_csv(INPUTS, tmp_path, name="tables.csv"):
    """The sample's tables as long-form CSV without any meta row (no agency, no year)."""
    lines = (INPUTS / "sample_tables.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / name
    path.write_text("\n".join(ln for ln in lines if not ln.startswith("meta,")) + "\n", encoding="utf-8")
    return path


def test_a_csv_without_a_year_is_checked_without_the_year_rules(INPUTS, run_cli, tmp_path):
    res = run_cli("check", str(_tables_only_csv(INPUTS, tmp_path)), "--json")
    assert res.returncode == 0, (res.stdout, res.stderr)
    rules = {f["rule"] for f in json.loads(res.stdout)}
    assert "R-META" not in rules and "R-FMT" not in rules
    notes = [ln for ln in res.stderr.splitlines() if "年度未知" in ln]
    assert len(notes) == 1 and "R-META" in notes[0] and "--year" in notes[0]


def test_check_takes_the_year_of_a_data_file_that_has_none(INPUTS, run_cli, tmp_path):
    res = run_cli("check", str(_tables_only_csv(INPUTS, tmp_path)), "--year", "2023")
    assert res.returncode == 0 and "年度未知" not in res.stderr
    assert " 2023 年（2021 年版格式）" in res.stdout  # checked as a 2023 report, year rules included
    bad = run_cli("check", str(_tables_only_csv(INPUTS, tmp_path)), "--year", "1999")
    assert bad.returncode == 2 and "2008–2100" in bad.stderr
