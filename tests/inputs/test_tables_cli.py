"""`govreport tables PATH [--json]` for every kind of input."""

from __future__ import annotations

import json

from govreport_kit.core import format as fmt
from govreport_kit.inputs.load import load_any
from govreport_kit.inputs.longform import write_longform_csv


def test_tables_json_is_the_audit_tables_shape_for_params_workbook_and_csv(
    SAMPLE_PARAMS, SAMPLE_XLSX, run_cli, tmp_path
):
    model, _ = load_any(SAMPLE_PARAMS)
    expected = model.tables_to_dict()
    csv = write_longform_csv(tmp_path / "sample.csv", model)
    for path in (SAMPLE_PARAMS, SAMPLE_XLSX, csv):
        res = run_cli("tables", "--json", str(path))
        assert res.returncode == 0, res.stderr
        assert json.loads(res.stdout) == expected
    assert set(expected) == {"table2", "table3", "table4"}
    assert list(expected["table3"]) == [r.code for r in fmt.T3_ROWS]


def test_tables_text_lists_the_three_tables_with_labels(run_cli):
    res = run_cli("tables")
    assert res.returncode == 0, res.stderr
    for t in fmt.TABLE_CODES:
        assert fmt.TABLE_TITLES[t] in res.stdout
    assert "（三）1.属于国家秘密" in res.stdout and "自然人" in res.stdout and "结果维持" in res.stdout


def test_tables_on_a_missing_file_exits_2(run_cli, tmp_path):
    res = run_cli("tables", str(tmp_path / "nope.xlsx"))
    assert res.returncode == 2 and "文件不存在" in res.stderr and "Traceback" not in res.stderr
