"""check(): every rule, where each finding points, and the Chinese message an analyst reads."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from govreport_kit.checks import rules as checks
from govreport_kit.checks.findings import SEVERITY_ORDER
from govreport_kit.core import format as fmt
from govreport_kit.core import model as m
from govreport_kit.core.errors import InputError, Location


def hits(findings):
    return {(f.rule, f.table, f.row, f.column) for f in findings}


def only(findings, rule):
    found = [f for f in findings if f.rule == rule]
    assert found, f"no {rule} in {hits(findings)}"
    return found


def test_the_sample_passes_every_check_with_its_previous_year(previous_of, seed_model):
    model = seed_model()
    assert checks.check(model) == []
    assert checks.check(model, previous_of(model)) == []


def test_every_rule_has_a_template_and_a_severity_from_the_format():
    for rule in (
        "R-T3-BAL",
        "R-T3-COL",
        "R-T3-ROW",
        "R-T4-SUM",
        "R-INT",
        "R-X-CARRY",
        "R-X-STOCK",
        "R-META",
        "R-SEC5",
        "R-FMT",
        "R-SHAPE",
        "R-BLANK",
        "R-BLANK-TOTAL",
    ):
        assert rule in fmt.RULE_BY_ID and rule in checks.TEMPLATES
    assert checks.NOT_APPLICABLE == m.NOT_APPLICABLE


def test_r_t3_col_points_at_the_total_row_of_the_broken_column(seed_model):
    model = seed_model()
    model.set("table3", "total", "natural_person", 1)
    model.set("table3", "total", "total", 1)
    model.set("table3", "carried_forward", "natural_person", 1)
    model.set("table3", "carried_forward", "total", 1)
    f = only(checks.check(model), "R-T3-COL")
    assert hits(f) == {("R-T3-COL", "table3", "total", "natural_person"), ("R-T3-COL", "table3", "total", "total")}
    first = [x for x in f if x.column == "natural_person"][0]
    assert (first.severity, first.expected, first.found) == ("error", 2, 1)
    assert first.message == (
        "表三“（七）总计”行“自然人”列应为 2（第（一）至（六）项各行之和），现为 1：请核对该列各办理结果或总计。"
    )
    d = first.to_dict()
    assert d["row_label"] == "（七）总计" and d["column_label"] == "自然人"


def test_r_t3_row_points_at_the_total_column_of_the_broken_row(seed_model):
    model = seed_model()
    model.set("table3", "unable_not_held", "other_org", 1)
    found = checks.check(model)
    row = only(found, "R-T3-ROW")
    assert hits(row) == {("R-T3-ROW", "table3", "unable_not_held", "total")}
    assert (row[0].expected, row[0].found) == (1, 0)
    assert "（四）无法提供 1.本机关不掌握相关政府信息" in row[0].message
    assert "其他（法人或其他组织）" in only(found, "R-T3-COL")[0].message


def test_r_t3_bal_points_at_carried_forward_and_shows_the_equation(seed_model):
    model = seed_model()
    model.set("table3", "new", "natural_person", 5)
    model.set("table3", "new", "total", 5)
    f = only(checks.check(model), "R-T3-BAL")
    assert hits(f) == {("R-T3-BAL", "table3", "carried_forward", c) for c in ("natural_person", "total")}
    x = [x for x in f if x.column == "total"][0]
    assert (x.expected, x.found) == (3, 0)
    assert x.message.startswith(
        "表三“四、结转下年度继续办理”行“总计”列应为 3（本年新收 5 ＋ 上年结转 0 − 办理结果总计 2），现为 0"
    )


def test_r_t4_sum(seed_model):
    model = seed_model()
    model.set("table4", "litigation_direct", "corrected", 1)
    f = only(checks.check(model), "R-T4-SUM")
    assert hits(f) == {("R-T4-SUM", "table4", "litigation_direct", "total")}
    assert f[0].message.startswith("表四“行政诉讼／未经复议直接起诉”的“总计”应为 1")


def test_r_int_negative_and_fractional_values(seed_model):
    model = seed_model()
    model.set("table2", "licensing", "value", -2)
    model.set("table2", "fees_wan_yuan", "value", Decimal("-1.25"))
    f = only(checks.check(model), "R-INT")
    assert hits(f) == {("R-INT", "table2", "licensing", "value"), ("R-INT", "table2", "fees_wan_yuan", "value")}
    lic = [x for x in f if x.row == "licensing"][0]
    assert lic.message == "表二“行政许可”的“本年处理决定数量”应为不小于 0 的整数，现为 -2：请改为不小于 0 的整数。"
    assert "不小于 0 的金额" in [x for x in f if x.row == "fees_wan_yuan"][0].message

    model = seed_model()
    model.table4 = model.table4.astype("float64")
    model.table4.loc["review", ["upheld", "total"]] = 0.5
    found = checks.check(model)
    assert ("R-INT", "table4", "review", "upheld") in hits(found)
    assert ("R-INT", "table4", None, "upheld") in hits(found)  # the dtype, once per column
    assert not any(f.rule == "R-T4-SUM" for f in found)  # 0.5 = 0.5: the sum itself holds


def test_r_meta_wrong_title_year_and_period(seed_model):
    model = seed_model(
        title="昆明市西山区教育体育局2022年政府信息公开工作年度报告", period=("2023-01-01", "2023-11-30")
    )
    f = only(checks.check(model), "R-META")
    assert {(x.expected, x.found) for x in f} == {("2023", "2022"), ("2023-12-31", "2023-11-30")}
    assert all(x.severity == "error" and x.table is None for x in f)
    assert any("报告标题中的年份应为“2023”，现为“2022”" in x.message for x in f)
    assert only(checks.check(seed_model(title="政府信息公开工作年度报告")), "R-META")[0].found == "（标题中没有年份）"


@pytest.mark.parametrize(
    "text,state",
    [
        ("", "为空"),
        ("无", "仅写“无”"),
        ("  无。\n", "仅写“无”"),
        ("## （一）主要问题\n\n无。\n\n## （二）改进情况\n\n无", "仅写“无”"),
    ],
)
def test_r_sec5(seed_model, text, state):
    f = only(checks.check(seed_model(narrative={"problems": text})), "R-SEC5")
    assert f[0].severity == "info" and state in f[0].message


def test_r_sec5_is_quiet_on_real_text(seed_model):
    assert checks.check(seed_model(narrative={"problems": "无障碍栏目更新不够及时。"})) == []


def test_r_fmt_2019_format_for_a_2021_report():
    model = m.from_cells(m.Agency(name="某局", code="a"), 2022, [], form="2019", narrative={"problems": "问题"})
    f = only(checks.check(model), "R-FMT")
    assert f[0].severity == "warning" and (f[0].expected, f[0].found) == ("2021", "2019")
    model2020 = m.from_cells(m.Agency(name="某局", code="a"), 2020, [], form="2019", narrative={"problems": "问题"})
    assert not any(x.rule == "R-FMT" for x in checks.check(model2020))


def test_r_x_carry_with_a_previous_year(previous_of, seed_model):
    model = seed_model()
    prev = previous_of(model)
    prev.set("table3", "carried_forward", "commercial", 2)
    prev.set("table3", "carried_forward", "total", 2)
    f = only(checks.check(model, prev), "R-X-CARRY")
    assert hits(f) == {("R-X-CARRY", "table3", "carried", c) for c in ("commercial", "total")}
    assert all(x.severity == "warning" and x.expected == 2 and x.found == 0 for x in f)
    assert "2022年报告中“四、结转下年度继续办理”的同列数" in f[0].message
    assert not any(x.rule == "R-X-CARRY" for x in checks.check(model))  # only with a previous year


def test_r_x_stock_with_a_previous_year(previous_of, seed_model):
    model = seed_model()
    model.set("table2", "normative_documents", "issued", 3)
    prev = previous_of(seed_model())  # in_force 0 last year; 3 issued, 0 repealed, 0 in force now
    f = only(checks.check(model, prev), "R-X-STOCK")
    assert hits(f) == {("R-X-STOCK", "table2", "normative_documents", "in_force")}
    assert (f[0].expected, f[0].found, f[0].severity) == (3, 0, "warning")
    assert "2022年现行有效 0 ＋ 本年制发 3 − 本年废止 0" in f[0].message


def test_previous_year_of_another_agency_is_refused(seed_model):
    model = seed_model()
    other = m.from_cells(m.Agency(name="别的局", code="other"), 2022, [])
    with pytest.raises(InputError, match="上一年度"):
        checks.check(model, other)


def test_blank_cells_are_reported_on_their_own(seed_model):
    model = seed_model()
    model.set("table4", "review", "pending", None)
    model.set("table2", "regulations", "issued", None, state=m.NOT_APPLICABLE)
    f = checks.check(model)
    assert hits(f) == {("R-BLANK", "table4", "review", "pending"), ("R-BLANK", "table2", "regulations", "issued")}
    assert all(x.severity == "info" for x in f)
    assert any("填为“不适用”" in x.message for x in f)


def test_a_blank_total_beside_non_zero_parts_is_a_warning_and_breaks_the_arithmetic(seed_model):
    model = seed_model()
    model.set("table3", "partial", "total", None)
    f = checks.check(model)
    assert hits(f) == {
        ("R-BLANK-TOTAL", "table3", "partial", "total"),
        ("R-T3-ROW", "table3", "partial", "total"),
        ("R-T3-COL", "table3", "total", "total"),
    }
    blank = only(f, "R-BLANK-TOTAL")[0]
    assert (blank.severity, blank.expected, blank.found) == ("warning", 2, None)
    assert "同行各分项之和为 2" in blank.message
    assert "现为 空白（按 0 计）" in only(f, "R-T3-ROW")[0].message


def test_findings_carry_the_source_of_the_cell_and_are_sorted_errors_first(seed_model):
    model = seed_model()
    where = Location(file="2023.xlsx", sheet="表三", cell="J30")
    model.set("table3", "carried_forward", "total", 1, source=where)
    model.set("table4", "review", "pending", None)
    model.narrative["problems"] = "无"
    f = checks.check(model)
    assert [x.severity for x in f] == sorted((x.severity for x in f), key=SEVERITY_ORDER.get)
    assert f[0].severity == "error" and f[-1].severity == "info"
    bal = only(f, "R-T3-ROW")[0]
    assert bal.source == where and bal.to_dict()["source"] == {"file": "2023.xlsx", "sheet": "表三", "cell": "J30"}
    json.dumps([x.to_dict() for x in f], ensure_ascii=False)  # JSON-ready


def test_a_missing_row_is_a_shape_error_not_a_crash(seed_model):
    model = seed_model()
    model.table3 = model.table3.drop(index="partial")
    f = checks.check(model)
    assert hits(f) == {("R-SHAPE", "table3", "partial", None)}
    assert f[0].message == (
        "表三缺少“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行，与官方格式不符：请按官方格式补上该行。"
    )


def test_2019_model_checks_with_its_own_rows():
    cells = [("table3", r, c, 0) for r, c in fmt.cells("table3", "2019")]
    cells += [("table3", "other", "natural_person", 1)]
    model = m.from_cells(m.Agency(name="某局", code="a"), 2020, cells, form="2019", narrative={"problems": "问题"})
    f = [x for x in checks.check(model) if x.severity == "error"]
    assert hits(f) == {("R-T3-ROW", "table3", "other", "total"), ("R-T3-COL", "table3", "total", "natural_person")}
    assert "表三“（六）其他处理”行“总计”列" in only(f, "R-T3-ROW")[0].message


def test_importing_checks_does_not_import_pandera_or_pandas():
    code = "import sys, govreport_kit.checks.rules; print('pandera' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_unknown_placeholder_is_an_error_finding_naming_file_line_and_nearest_names(tmp_path):
    import shutil

    from govreport_kit.checks.rules import check
    from govreport_kit.core.paths import sample_params
    from govreport_kit.inputs.load import load_agency_year

    folder = tmp_path / "xishan-edu"
    shutil.copytree(sample_params().parent, folder)
    md = folder / "2023.md"
    lines = md.read_text(encoding="utf-8").split("\n")
    no = next(i for i, line in enumerate(lines) if "{{ table3.new.total }}" in line)
    lines[no] = lines[no].replace("{{ table3.new.total }}", "{{ table3.nwe.total }}", 1)
    md.write_text("\n".join(lines), encoding="utf-8")
    findings = [f for f in check(load_agency_year(folder / "2023.yaml")) if f.rule == "R-PLACEHOLDER"]
    assert len(findings) == 1
    f = findings[0]
    assert f.severity == "error"
    assert f.source.line == no + 1 and f.source.file.endswith("2023.md")
    assert "table3.nwe.total" in f.message and "table3.new.total" in f.message
