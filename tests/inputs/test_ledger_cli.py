"""The ledger through the real command line: bad rows, a disagreeing hand table, bad files, template, tables, new."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from govreport_kit.core import format as fmt


@pytest.fixture
def GOOD(LEDGER_HEADER) -> str:
    """A ledger CSV (without the last newline) of two good applications."""
    return "\n".join(
        [
            ",".join(LEDGER_HEADER),
            "Y-1,2024-01-05,自然人,网络,,,2024-01-20,（一）予以公开,,",
            "Y-2,2024-03-01,商业企业,邮寄,,是,2024-04-20,（三）1.属于国家秘密,,",
        ]
    )


@pytest.fixture
def check_json(run_cli, write_project, GOOD):
    """``check_json(tmp_path, bad_line)``: `check --json` on GOOD plus the line; (result, R-LEDGER-ROW findings)."""

    def check(tmp_path, bad_line: str):
        path = write_project(
            tmp_path, 2024, None, ledger_bytes=(GOOD + "\n" + bad_line + "\n").encode("utf-8"), previous=False
        )
        res = run_cli("check", "--json", str(path))
        assert "Traceback" not in res.stderr
        return res, [f for f in json.loads(res.stdout) if f["rule"] == "R-LEDGER-ROW"]

    return check


BAD_ROWS = [
    # (bad line, the cell named, words of the message)
    ("Y-2,2024-05-01,自然人,网络,,,2024-05-09,（一）予以公开,,", "A4", ["编号“Y-2”重复", "删除重复登记的一行"]),
    ("Y-3,2024-05-10,自然人,网络,,,2024-05-02,（一）予以公开,,", "G4", ["办结日期 2024-05-02 早于收到日期 2024-05-10"]),
    ("Y-3,2024-05-10,自然人,网络,,,,（一）予以公开,,", "G4", ["已填办理结果", "办结日期为空"]),
    ("Y-3,2024-05-10,自然人,网络,,,2024-05-20,,,", "H4", ["已填办结日期 2024-05-20，但办理结果为空"]),
    (
        "Y-3,2024-05-10,自然仁,网络,,,2024-05-20,（一）予以公开,,",
        "C4",
        ["申请人类型“自然仁”不是有效选项", "是不是“自然人”"],
    ),
    (
        "Y-3,2024-05-10,自然人,网络,,,2024-05-20,予以公开了,,",
        "H4",
        ["办理结果“予以公开了”不是有效选项", "是不是“（一）予以公开”"],
    ),
    ("Y-3,1999-05-10,自然人,网络,,,,,,", "B4", ["收到日期 1999-05-10 不合理", "2008-05-01"]),
    ("Y-3,2924-05-10,自然人,网络,,,,,,", "B4", ["收到日期 2924-05-10 不合理"]),
    ("Y-3,2024-05-10,自然人,网络,,,2024年13月2日,（一）予以公开,,", "G4", ["办结日期“2024年13月2日”不是日期"]),
]


@pytest.mark.parametrize(
    "line,cell,words",
    BAD_ROWS,
    ids=[
        "duplicate",
        "closed_before_received",
        "outcome_no_date",
        "date_no_outcome",
        "unknown_applicant",
        "unknown_outcome",
        "too_early",
        "too_late",
        "not_a_date",
    ],
)
def test_each_bad_row_is_a_finding_naming_row_id_and_fix(check_json, tmp_path, line, cell, words):
    res, found = check_json(tmp_path, line)
    assert res.returncode == 1, res.stderr
    at = [f for f in found if f["source"]["cell"] == cell]
    assert at, found
    message = at[0]["message"]
    assert f"台账!{cell}" in message and "编号 Y-" in message and at[0]["severity"] == "error"
    for w in words:
        assert w in message, message
    assert at[0]["source"]["sheet"] == "台账" and at[0]["source"]["file"].endswith("2024-ledger.csv")


def test_a_good_ledger_passes(GOOD, run_cli, write_project, tmp_path):
    path = write_project(tmp_path, 2024, None, ledger_bytes=(GOOD + "\n").encode(), previous=False)
    res = run_cli("check", str(path))
    assert res.returncode == 0, res.stdout + res.stderr


def test_hand_table_differing_from_the_ledger_gives_exactly_those_cells(
    run_cli, independent_count, synth_ledger, write_project, tmp_path
):
    rows = synth_ledger(n=200, years=(2023, 2024), seed=5)
    hand = {(r, c): independent_count(rows, 2024).get((r, c), 0) for r, c in fmt.cells("table3")}
    changed = {
        ("new", "natural_person"): hand[("new", "natural_person")] + 1,
        ("denied_process_info", "total"): hand[("denied_process_info", "total")] + 2,
    }
    path = write_project(tmp_path, 2024, rows, table3={**hand, **changed}, previous=False)
    res = run_cli("check", "--json", str(path))
    found = [f for f in json.loads(res.stdout) if f["rule"] == "R-LEDGER"]
    assert {(f["row"], f["column"]): (f["expected"], f["found"]) for f in found} == {
        k: (hand[k], v) for k, v in changed.items()
    }
    assert all(f["source"]["file"].endswith("2024.csv") for f in found)
    new = next(f["message"] for f in found if f["row"] == "new")
    assert "依台账" in new and f"统计为 {hand[('new', 'natural_person')]}" in new
    # the table the report shows is the ledger's
    res = run_cli("tables", "--json", str(path))
    tables = json.loads(res.stdout)
    assert tables["table3"]["new"]["natural_person"] == hand[("new", "natural_person")]
    assert set(tables) == {"table2", "table3", "table4"}


@pytest.mark.parametrize(
    "content,words",
    [
        ("编号,收到日期,申请人类型\nA,2024-01-01,自然人\n", ["缺少必需的列", "办结日期", "办理结果"]),
        ("编号,收到时间,申请人类型,办结日期,办理结果\n", ["缺少必需的列：收到日期", "是不是“收到日期”"]),
        ("", ["文件为空"]),
    ],
    ids=["missing_columns", "misspelt_header", "empty"],
)
def test_a_wholly_bad_ledger_exits_2(run_cli, write_project, tmp_path, content, words):
    path = write_project(tmp_path, 2024, None, ledger_bytes=content.encode("utf-8"), previous=False)
    res = run_cli("check", str(path))
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    for w in words:
        assert w in res.stderr, res.stderr


def test_a_broken_xlsx_ledger_exits_2(run_cli, write_project, tmp_path):
    path = write_project(
        tmp_path, 2024, None, ledger_bytes=b"PK\x03\x04 not really a zip", ledger_name="l.xlsx", previous=False
    )
    res = run_cli("check", str(path))
    assert res.returncode == 2 and "不是有效的 Excel" in res.stderr, res.stderr


def test_template_ledger_has_dropdowns_dates_and_frozen_header(run_cli, snapshot, tmp_path):
    before = snapshot(tmp_path)
    res = run_cli("template", "--ledger", "--agency", "abc-office", "--year", "2024", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "abc-office-2024-ledger.xlsx"
    assert set(snapshot(tmp_path)) - set(before) == {out.name}
    wb = load_workbook(out)
    ws = wb[fmt.LEDGER_SHEET]
    assert [c.value for c in ws[1]] == [c.label for c in fmt.LEDGER_COLUMNS]
    assert ws.freeze_panes == "A2"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert set(lists) == {"C2", "D2", "F2", "H2"}  # 申请人类型, 申请方式, 延长答复期限, 办理结果
    choices = wb["选项"]
    outcomes = [choices.cell(r, 3).value for r in range(2, 23)]
    assert outcomes[0] == "（一）予以公开" and outcomes[2] == "（三）1.属于国家秘密" and len(set(outcomes)) == 21
    dates = [dv for dv in ws.data_validations.dataValidation if dv.type == "date"]
    assert dates and {str(r).split(":")[0] for r in dates[0].sqref.ranges} == {"B2", "E2", "G2"}
    res = run_cli("template", "--ledger", "--agency", "abc-office", "--year", "2024", "--out", "b.xlsx", cwd=tmp_path)
    assert (tmp_path / "b.xlsx").read_bytes() == out.read_bytes()  # deterministic


def test_new_year_carries_open_applications_into_its_ledger(run_cli, synth_ledger, write_project, tmp_path):
    rows = synth_ledger(n=120, years=(2023, 2024), seed=9)
    rows[0]["note"] = "=cmd|' /C calc'!A0"
    rows[0]["closed"], rows[0]["outcome"], rows[0]["received"] = None, "", rows[0]["received"].replace(year=2024)
    params = write_project(tmp_path, 2024, rows, previous=False)
    res = run_cli(
        "new", "ledger-test", "--year", "2025", "--name", "台账测试局", "--params-dir", str(tmp_path / "params")
    )
    assert res.returncode == 0, res.stderr
    new_ledger = params.parent / "2025-ledger.xlsx"
    assert "2025-ledger.xlsx" in (params.parent / "2025.yaml").read_text(encoding="utf-8")
    ws = load_workbook(new_ledger)[fmt.LEDGER_SHEET]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    open_ids = [r["id"] for r in rows if r["closed"] is None]
    assert ids == open_ids and open_ids
    note = ws.cell(2, 10)
    assert note.value == "=cmd|' /C calc'!A0" and note.data_type == "s"  # text, never a formula
    res = run_cli("tables", "--json", str(params.parent / "2025.yaml"))
    assert res.returncode == 0, res.stderr
    t3 = json.loads(res.stdout)["table3"]
    assert t3["carried"]["total"] == len(open_ids) == t3["carried_forward"]["total"]
    res = run_cli("check", "--json", str(params.parent / "2025.yaml"))
    assert not [f for f in json.loads(res.stdout) if f["rule"] in ("R-X-CARRY", "R-LEDGER-ROW")]
