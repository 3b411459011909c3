"""The params key ``ledger:``, a data file with only tables 二 and 四, late replies as warnings."""

from __future__ import annotations

import pytest

from govreport_kit.checks.rules import check
from govreport_kit.checks.workdays import coverage
from govreport_kit.core.errors import ParamsError
from govreport_kit.core.model import Agency
from govreport_kit.inputs.load import load_agency_year
from govreport_kit.inputs.params import dump_params, load_params
from govreport_kit.inputs.template import build_workbook, workbook_bytes


@pytest.fixture
def ledger_of(LEDGER_HEADER):
    """``ledger_of(*lines)``: a ledger CSV (bytes): the header, then the lines."""

    def make(*lines: str) -> bytes:
        return ("\n".join([",".join(LEDGER_HEADER), *lines]) + "\n").encode("utf-8")

    return make


def test_ledger_path_is_relative_to_the_params_file(ledger_of, write_project, tmp_path):
    path = write_project(
        tmp_path,
        2024,
        None,
        ledger_bytes=ledger_of("A,2024-01-02,自然人,,,,2024-01-03,予以公开,,"),
        ledger_name="ledgers/l.csv",
        previous=False,
    )
    p = load_params(path)
    assert p.ledger == path.parent / "ledgers" / "l.csv"
    assert "ledger: ledgers/l.csv" in dump_params(p)
    model = load_agency_year(p)
    assert int(model.get("table3", "granted", "natural_person")) == 1
    assert any(k.endswith("l.csv") for k in model.inputs)


@pytest.mark.parametrize("name,words", [("l.txt", "台账文件“l.txt”的类型不支持"), ("missing.csv", "台账文件不存在")])
def test_bad_ledger_paths_are_params_errors(write_project, tmp_path, name, words):
    path = write_project(tmp_path, 2024, None, previous=False)
    path.write_text(path.read_text(encoding="utf-8") + f"ledger: {name}\n", encoding="utf-8")
    (path.parent / "l.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ParamsError) as e:
        load_params(path)
    assert words in e.value.message and e.value.where.key == "ledger"


def test_report_options_charts_and_compare_are_true_false_or_null(ledger_of, write_project, tmp_path):
    path = write_project(tmp_path, 2024, None, ledger_bytes=ledger_of(), previous=False, report="  charts: true")
    assert load_params(path).report["charts"] is True
    path = write_project(tmp_path, 2024, None, ledger_bytes=ledger_of(), previous=False, report='  compare: "yes"')
    with pytest.raises(ParamsError, match="true 或 false"):
        load_params(path)


def test_workbook_without_table3_sheet_is_enough_with_a_ledger(ledger_of, write_project, tmp_path):
    path = write_project(
        tmp_path, 2024, None, ledger_bytes=ledger_of("A,2024-01-02,商业企业,,,,2024-01-03,予以公开,,"), previous=False
    )
    wb = build_workbook(Agency(name="台账测试局", code="ledger-test"), 2024)
    del wb["表三"]
    (path.parent / "2024.xlsx").write_bytes(workbook_bytes(wb))
    path.write_text(path.read_text(encoding="utf-8").replace("data: 2024.csv", "data: 2024.xlsx"), encoding="utf-8")
    model = load_agency_year(path)
    assert int(model.get("table3", "granted", "commercial")) == 1
    # 表二 and 表四 of this template are left blank on purpose (R-EMPTY, 未填写); table 三 comes from the ledger
    assert not [f for f in check(model) if f.severity == "error" and f.rule not in ("R-BLANK", "R-EMPTY")]
    assert "table3" not in {f.table for f in check(model) if f.rule == "R-EMPTY"}


def test_late_reply_is_a_warning_naming_the_application(ledger_of, write_project, tmp_path):
    path = write_project(
        tmp_path,
        2024,
        None,
        previous=False,
        ledger_bytes=ledger_of(
            "OK-1,2024-09-27,自然人,,,,2024-10-30,予以公开,,",
            "LATE-1,2024-09-27,自然人,,,,2024-10-31,予以公开,,",
            "EXT-1,2024-09-27,自然人,,,是,2024-10-31,予以公开,,",
            "OPEN-1,2024-10-01,自然人,,,,,,,",
        ),
    )
    model = load_agency_year(path)
    late = [f for f in check(model) if f.rule == "R-LEDGER-LATE"]
    assert [f.found for f in late] == ["LATE-1", "OPEN-1"]
    assert all(f.severity == "warning" for f in late)
    assert "台账!A3（编号 LATE-1）" in late[0].message and "21 个工作日" in late[0].message
    assert "2024-10-30" in late[0].message and "仍未答复" in late[1].message
    s = model.ledger
    assert (s.on_time, s.median_days) == (2, 21.0)  # replies after 20, 21 and 21 working days


def test_reply_beyond_the_calendar_cannot_be_decided(ledger_of, write_project, tmp_path):
    last = coverage()[1].year
    path = write_project(
        tmp_path,
        last,
        None,
        previous=False,
        ledger_bytes=ledger_of(f"X-1,{last}-12-20,自然人,,,,{last + 1}-02-20,予以公开,,"),
    )
    model = load_agency_year(path)
    # closed after the report year: open on 31 December, judged on that day (decidable)
    assert not [f for f in check(model) if f.rule == "R-LEDGER-CAL"]
    path = write_project(
        tmp_path,
        last + 1,
        None,
        previous=False,
        ledger_bytes=ledger_of(f"X-1,{last}-12-20,自然人,,,,{last + 1}-02-20,予以公开,,"),
    )
    model = load_agency_year(path)
    cal = [f for f in check(model) if f.rule == "R-LEDGER-CAL"]
    assert [f.found for f in cal] == ["X-1"] and "无法判断是否超期" in cal[0].message
    assert not [f for f in check(model) if f.rule == "R-LEDGER-LATE"]
