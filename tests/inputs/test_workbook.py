"""workbook: the template's layout and protection, round trips, and every bad workbook."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError
from govreport_kit.core.model import BLANK, NOT_APPLICABLE, Agency, from_cells
from govreport_kit.inputs.template import write_template, write_workbook
from govreport_kit.inputs.workbook import read_workbook


@pytest.fixture(scope="module")
def filled(varied_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "filled.xlsx"
    write_workbook(path, varied_model())
    return path


def refused(path, **kw) -> InputError:
    with pytest.raises(InputError) as e:
        read_workbook(path, **kw)
    return e.value


# ------------------------------------------------------------------------------------ template
def test_template_layout_follows_the_form(AGENCY, SHEETS, tmp_path):
    path = write_template(tmp_path / "t.xlsx", AGENCY, 2023)
    wb = load_workbook(path)
    assert wb.sheetnames == [fmt.AGENCY_SHEET, SHEETS.t2, SHEETS.t3, SHEETS.t4]
    t3 = wb[SHEETS.t3]
    merged = {str(r) for r in t3.merged_cells.ranges}
    # the three-row header of table 三 exactly as in the form
    assert {"A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4"} <= merged
    assert t3["A2"].value == fmt.T3_HEADER_NOTE and t3["D2"].value == "申请人情况"
    assert [t3.cell(4, c).value for c in range(5, 10)] == [fmt.T3_COLUMNS[i].label for i in range(1, 6)]
    # vertical row-group labels merged over their rows
    assert "A7:A28" in merged and t3["A7"].value == fmt.T3_RESULTS_LABEL
    assert "B9:B16" in merged and t3["B9"].value == "（三）不予公开"
    assert t3["A7"].alignment.textRotation == 255
    assert [
        t3.cell(5 + i, 3 if i not in (0, 1, 2, 3, 23, 24) else (2 if i in (2, 3, 23) else 1)).value for i in range(25)
    ] == [r.label for r in fmt.T3_ROWS]
    t4 = wb[SHEETS.t4]
    assert {"A2:E3", "F2:O2", "F3:J3", "K3:O3"} <= {str(r) for r in t4.merged_cells.ranges}
    assert [t4.cell(4, c).value for c in range(1, 16)] == [r.label for _ in range(3) for r in fmt.T4_RESULTS]
    t2 = wb[SHEETS.t2]
    assert [t2.cell(3, c).value for c in range(1, 5)] == list(fmt.T2_SECTIONS[0].header)
    assert t2["B7"].value == fmt.T2_DECISIONS and "B7:D7" in {str(r) for r in t2.merged_cells.ranges}
    info = wb[fmt.AGENCY_SHEET]
    assert info["A1"].value == "机构名称" and info["B1"].value == AGENCY.name and info["B9"].value == 2023


def test_template_locks_labels_and_validates_value_cells(AGENCY, SHEETS, tmp_path):
    wb = load_workbook(write_template(tmp_path / "t.xlsx", AGENCY, 2023))
    t3 = wb[SHEETS.t3]
    assert t3.protection.sheet is True
    assert t3["C9"].protection.locked is True  # a label
    assert t3["D5"].protection.locked is False  # a value
    assert t3["D5"].font.name == "宋体"
    kinds = {dv.type: str(dv.sqref) for dv in t3.data_validations.dataValidation}
    assert "D5" in kinds["whole"].split() and "J29" in kinds["whole"].split()
    t2 = wb[SHEETS.t2]
    dvs = {dv.type: (dv.formula1, str(dv.sqref).split()) for dv in t2.data_validations.dataValidation}
    assert dvs["decimal"] == ("0", ["B15"]) and dvs["whole"][0] == "0" and "B8" in dvs["whole"][1]
    assert t3.column_dimensions["C"].width > t3.column_dimensions["D"].width


def test_template_is_deterministic(AGENCY, tmp_path):
    a = write_template(tmp_path / "a.xlsx", AGENCY, 2023).read_bytes()
    b = write_template(tmp_path / "b.xlsx", AGENCY, 2023).read_bytes()
    assert a == b
    assert write_template(tmp_path / "c.xlsx", AGENCY, 2024).read_bytes() != a


def test_empty_template_reads_as_all_blank(AGENCY, tmp_path):
    m = read_workbook(write_template(tmp_path / "t.xlsx", AGENCY, 2023))
    assert m.agency.code == AGENCY.code and m.year == 2023 and m.format == "2021"
    assert len(m.states) == 200 and set(m.states.values()) == {BLANK}


# ------------------------------------------------------------------------------------ round trip
def test_round_trip_keeps_values_blanks_na_and_sources(SHEETS, varied_model, filled):
    original = varied_model()
    m = read_workbook(filled)
    assert m.tables_to_dict() == original.tables_to_dict()
    assert m.get("table2", "fees_wan_yuan", "value") == Decimal("103.3879")
    assert isinstance(m.get("table2", "fees_wan_yuan", "value"), Decimal)
    assert m.state("table3", "granted", "commercial") == NOT_APPLICABLE
    assert m.state("table4", "review", "pending") == BLANK
    assert m.state("table3", "new", "natural_person") is None and m.get("table3", "new", "natural_person") == 2
    src = m.sources[("table3", "new", "natural_person")]
    assert (src.sheet, src.cell) == (SHEETS.t3, "D5") and src.file.endswith("filled.xlsx")
    assert len(m.sources) == 200
    assert m.table3.dtypes.unique().tolist() == [pd.Int64Dtype()]


def test_cells_are_found_by_their_labels_not_fixed_coordinates(SHEETS, varied_model, tmp_path, filled):
    wb = load_workbook(filled)
    ws = wb[SHEETS.t3]
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(r))
    ws.move_range("A1:J29", rows=3, cols=2)
    wb.save(tmp_path / "moved.xlsx")
    m = read_workbook(tmp_path / "moved.xlsx")
    assert m.tables_to_dict() == varied_model().tables_to_dict()
    assert m.sources[("table3", "new", "natural_person")].cell == "F8"


def test_float_noise_in_amounts_is_rounded(SHEETS, edit_workbook, tmp_path, filled):
    path = edit_workbook(filled, tmp_path / "f.xlsx", SHEETS.t2, B15=0.1 + 0.2)
    assert read_workbook(path).get("table2", "fees_wan_yuan", "value") == Decimal("0.3")


def test_text_numbers_and_na_marks_are_read(SHEETS, edit_workbook, tmp_path, filled):
    path = edit_workbook(filled, tmp_path / "t.xlsx", SHEETS.t3, D6="3", E6="—", F6="-", G6=" ")
    m = read_workbook(path)
    assert m.get("table3", "carried", "natural_person") == 3
    assert m.state("table3", "carried", "commercial") == NOT_APPLICABLE
    assert m.state("table3", "carried", "research") == NOT_APPLICABLE
    assert m.state("table3", "carried", "social_welfare") == BLANK


def test_params_agency_and_year_win_but_must_agree(AGENCY, filled):
    other = Agency(name="别的名称", code=AGENCY.code)
    m = read_workbook(filled, agency=other, year=2023)
    assert m.agency.name == "别的名称"
    e = refused(filled, agency=Agency(name="x", code="another"), year=2023)
    assert "another" in e.message and e.where.sheet == fmt.AGENCY_SHEET and e.where.cell == "B2"
    e = refused(filled, agency=other, year=2024)
    assert "2024" in e.message and e.where.cell == "B9"


# ------------------------------------------------------------------------------------ bad cells
@pytest.mark.parametrize(
    "value, needle",
    [
        ("两件", "“两件”不是数字"),
        (-1, "不能为负数"),
        (1.5, "必须是整数"),
        (True, "不是数字"),
    ],
)
def test_bad_count_names_sheet_cell_row_and_column(SHEETS, edit_workbook, tmp_path, filled, value, needle):
    e = refused(edit_workbook(filled, tmp_path / "bad.xlsx", SHEETS.t3, D5=value))
    assert (e.where.sheet, e.where.cell) == (SHEETS.t3, "D5")
    assert needle in e.message and "一、本年新收政府信息公开申请数量" in e.message and "自然人" in e.message
    assert "工作表 表三" in e.message and "单元格 D5" in e.message


def test_negative_amount_is_refused(SHEETS, edit_workbook, tmp_path, filled):
    e = refused(edit_workbook(filled, tmp_path / "bad.xlsx", SHEETS.t2, B15=-2.5))
    assert e.where.cell == "B15" and "金额不能为负数" in e.message


def test_formula_without_cached_value_is_refused(SHEETS, edit_workbook, tmp_path, filled):
    e = refused(edit_workbook(filled, tmp_path / "bad.xlsx", SHEETS.t3, J5="=SUM(D5:I5)"))
    assert e.where.cell == "J5" and "公式" in e.message


# ------------------------------------------------------------------------------------ bad layout
def test_label_typo_names_the_nearest_official_label(SHEETS, edit_workbook, tmp_path, filled):
    e = refused(edit_workbook(filled, tmp_path / "typo.xlsx", SHEETS.t2, D3="现行有效件"))
    assert (e.where.sheet, e.where.cell) == (SHEETS.t2, "D3")
    assert "现行有效件" in e.message and "“现行有效件数”" in e.message
    e = refused(edit_workbook(filled, tmp_path / "typo4.xlsx", SHEETS.t4, A2="行政法复议"))
    assert (e.where.sheet, e.where.cell) == (SHEETS.t4, "A2") and "“行政复议”" in e.message


def test_row_label_typo(SHEETS, edit_workbook, label_cell, tmp_path, filled):
    ref = label_cell("table3", "2.重复申请")
    e = refused(edit_workbook(filled, tmp_path / "typo.xlsx", SHEETS.t3, **{ref: "2.重复的申请"}))
    assert e.where.cell == ref and "“2.重复申请”" in e.message


def test_missing_row(SHEETS, edit_workbook, label_cell, tmp_path, filled):
    ref = label_cell("table3", "2.重复申请")
    e = refused(edit_workbook(filled, tmp_path / "norow.xlsx", SHEETS.t3, **{ref: None}))
    assert "缺少行“2.重复申请”" in e.message and e.where.sheet == SHEETS.t3


def test_missing_column(SHEETS, edit_workbook, tmp_path, filled):
    e = refused(edit_workbook(filled, tmp_path / "nocol.xlsx", SHEETS.t3, F4=None))
    assert "缺少列标题“科研机构”" in e.message


def test_extra_row(SHEETS, edit_workbook, tmp_path, filled):
    e = refused(edit_workbook(filled, tmp_path / "xrow.xlsx", SHEETS.t3, A31="补充：电话咨询", D31=3))
    assert "多出一行“补充：电话咨询”" in e.message and e.where.cell == "A31"


def test_extra_column(SHEETS, edit_workbook, tmp_path, filled):
    e = refused(edit_workbook(filled, tmp_path / "xcol.xlsx", SHEETS.t3, K4="合计", K5=2))
    assert "多出一列“合计”" in e.message and e.where.cell == "K4"
    e = refused(edit_workbook(filled, tmp_path / "xval.xlsx", SHEETS.t4, P5=1))
    assert "多出一列" in e.message and e.where.cell == "P5"
    e = refused(edit_workbook(filled, tmp_path / "xval2.xlsx", SHEETS.t4, A6=1))
    assert "多出一行" in e.message and e.where.cell == "A6"


def test_missing_sheet(SHEETS, tmp_path, filled):
    wb = load_workbook(filled)
    wb[SHEETS.t4].title = "表 四"
    wb.save(tmp_path / "nosheet.xlsx")
    e = refused(tmp_path / "nosheet.xlsx")
    assert "缺少工作表“表四”" in e.message and "表 四" in e.message


def test_2019_workbook_where_2021_is_expected(AGENCY, SHEETS, tmp_path):
    path = write_template(tmp_path / "old.xlsx", AGENCY, 2020)
    e = refused(path)
    assert "这是 2019 年版格式的工作簿" in e.message and "需要 2021 年版格式" in e.message
    assert "表二有" in e.message and e.where.sheet == SHEETS.t2
    assert read_workbook(path, form=None).format == "2019"


def test_single_other_row_means_2019(SHEETS, label_cell, tmp_path, filled):
    wb = load_workbook(filled)
    ws = wb[SHEETS.t3]
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(r))
    for label in (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ):
        ws[label_cell("table3", label)] = None
    wb.save(tmp_path / "t3old.xlsx")
    e = refused(tmp_path / "t3old.xlsx")
    assert "2019 年版" in e.message and "（六）其他处理”只有一行" in e.message


def test_2019_round_trip(AGENCY, tmp_path):
    cells = [
        ("table2", "licensing", "change_this_year", -3),
        ("table2", "government_procurement", "total_amount_yuan", Decimal("12.5")),
        ("table3", "other", "total", 4),
    ]
    m = from_cells(AGENCY, 2020, cells, form="2019")
    write_workbook(tmp_path / "m19.xlsx", m)
    back = read_workbook(tmp_path / "m19.xlsx", form="2019")
    assert back.format == "2019" and back.tables_to_dict() == m.tables_to_dict()


def test_not_a_workbook_and_empty_file(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert "文件为空" in refused(tmp_path / "empty.xlsx").message
    (tmp_path / "csv.xlsx").write_text("table,row,column,value\n", encoding="utf-8")
    assert "不是有效的 Excel" in refused(tmp_path / "csv.xlsx").message
    import zipfile

    with zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<not xml")
    assert "不是有效的 Excel" in refused(tmp_path / "broken.xlsx").message


# ------------------------------------------------------------------------------------ via the CLI
def _typo(tmp, filled, fx):
    return fx("edit_workbook")(filled, tmp / "typo.xlsx", fx("SHEETS").t2, D3="现行有效件"), (
        "表二",
        "D3",
        "现行有效件数",
    )


def _text(tmp, filled, fx):
    return fx("edit_workbook")(filled, tmp / "text.xlsx", fx("SHEETS").t3, D5="两件"), ("表三", "D5", "两件", "自然人")


def _negative(tmp, filled, fx):
    return fx("edit_workbook")(filled, tmp / "neg.xlsx", fx("SHEETS").t4, E5=-1), ("表四", "E5", "负数")


def _fraction(tmp, filled, fx):
    return fx("edit_workbook")(filled, tmp / "frac.xlsx", fx("SHEETS").t3, J29=0.5), ("表三", "J29", "整数")


def _missing_row(tmp, filled, fx):
    ref = fx("label_cell")("table3", "2.重复申请")
    return fx("edit_workbook")(filled, tmp / "norow.xlsx", fx("SHEETS").t3, **{ref: None}), (
        "表三",
        "缺少行",
        "2.重复申请",
    )


def _extra_column(tmp, filled, fx):
    return fx("edit_workbook")(filled, tmp / "xcol.xlsx", fx("SHEETS").t3, K4="合计", K5=2), ("表三", "K4", "多出一列")


def _old_format(tmp, filled, fx):
    return write_template(tmp / "old.xlsx", fx("AGENCY"), 2023, form="2019"), ("表二", "2019 年版")


def _empty(tmp, filled, fx):
    (tmp / "empty.xlsx").write_bytes(b"")
    return tmp / "empty.xlsx", ("empty.xlsx", "文件为空")


@pytest.mark.parametrize(
    "build", [_typo, _text, _negative, _fraction, _missing_row, _extra_column, _old_format, _empty]
)
def test_cli_refuses_bad_workbooks(assert_cli_refuses, request, tmp_path, filled, build):
    folder = tmp_path / "case"
    folder.mkdir()
    path, needles = build(folder, filled, request.getfixturevalue)
    assert_cli_refuses(path, *needles, folder=folder)


def test_sample_workbook_is_unchanged_by_reading(SAMPLE_XLSX, tmp_path):
    before = SAMPLE_XLSX.read_bytes()
    read_workbook(SAMPLE_XLSX)
    assert SAMPLE_XLSX.read_bytes() == before
    shutil.copy(SAMPLE_XLSX, tmp_path / "copy.xlsx")
    assert read_workbook(tmp_path / "copy.xlsx").tables_to_dict() == read_workbook(SAMPLE_XLSX).tables_to_dict()
