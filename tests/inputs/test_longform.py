"""longform: the long-form CSV and the nested YAML data file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govreport_kit.core.errors import InputError
from govreport_kit.core.model import BLANK, NOT_APPLICABLE, Agency
from govreport_kit.inputs.longform import (
    PLACEHOLDER_CODE,
    PLACEHOLDER_NAME,
    longform_rows,
    read_longform_csv,
    read_yaml_data,
    write_longform_csv,
)


def csv_file(tmp_path, body: str, name: str = "t.csv"):
    p = tmp_path / name
    p.write_text("table,row,column,value\n" + body, encoding="utf-8")
    return p


def refused_csv(path, **kw) -> InputError:
    with pytest.raises(InputError) as e:
        read_longform_csv(path, **kw)
    return e.value


# ------------------------------------------------------------------------------------- CSV
def test_csv_round_trip(varied_model, tmp_path):
    m = varied_model()
    path = write_longform_csv(tmp_path / "m.csv", m)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    back = read_longform_csv(path)
    assert back.tables_to_dict() == m.tables_to_dict()
    assert back.agency == m.agency and back.year == 2023
    assert back.state("table3", "granted", "commercial") == NOT_APPLICABLE
    assert back.state("table4", "review", "pending") == BLANK
    assert back.get("table2", "fees_wan_yuan", "value") == Decimal("103.3879")
    src = back.sources[("table3", "new", "natural_person")]
    assert src.line is not None and src.file.endswith("m.csv")
    assert longform_rows(back) == longform_rows(m)


def test_missing_cells_stay_blank_and_params_win(AGENCY, tmp_path):
    p = csv_file(tmp_path, "table3,new,total,2\n")
    m = read_longform_csv(p, agency=AGENCY, year=2023)
    assert m.get("table3", "new", "total") == 2
    assert m.state("table3", "new", "natural_person") == BLANK
    assert sum(1 for s in m.states.values() if s == BLANK) == 199
    assert m.agency == AGENCY and "notes" not in m.options


def test_bare_csv_gets_placeholders_and_says_so(tmp_path):
    m = read_longform_csv(csv_file(tmp_path, "table3,new,total,2\n", "report-2022.csv"))
    assert (m.agency.name, m.agency.code, m.year) == (PLACEHOLDER_NAME, PLACEHOLDER_CODE, 2022)
    notes = " ".join(m.options["notes"])
    assert "占位" in notes and "2022" in notes


@pytest.mark.parametrize(
    "fixture, line, needles",
    [
        ("unknown_code.csv", 2, ("natual_person", "是不是“natural_person”")),
        ("duplicate_cell.csv", 4, ("table3,new,total", "重复", "第 2 行")),
        ("text_in_count.csv", 2, ("“两件”不是数字", "自然人")),
        ("negative_count.csv", 2, ("不能为负数", "行政复议")),
        ("fractional_count.csv", 2, ("必须是整数", "1.5")),
        ("missing_header.csv", 1, ("表头",)),
    ],
)
def test_bad_csv_names_line_and_problem(INPUTS, fixture, line, needles):
    e = refused_csv(INPUTS / fixture)
    assert e.where.line == line and f"第 {line} 行" in e.message and fixture in e.message
    for n in needles:
        assert n in e.message, e.message


@pytest.mark.parametrize(
    "fixture, needles",
    [
        ("unknown_code.csv", ("第 2 行", "natural_person")),
        ("text_in_count.csv", ("第 2 行", "两件")),
        ("negative_count.csv", ("第 2 行", "负数")),
        ("fractional_count.csv", ("第 2 行", "整数")),
        ("duplicate_cell.csv", ("第 4 行", "重复")),
        ("format_2019_codes.csv", ("2019 年版",)),
    ],
)
def test_cli_refuses_bad_csv(INPUTS, assert_cli_refuses, fixture, needles):
    assert_cli_refuses(INPUTS / fixture, *needles)


def test_2019_codes_where_2021_expected(INPUTS):
    e = refused_csv(INPUTS / "format_2019_codes.csv")
    assert "2019 年版" in e.message
    assert read_longform_csv(INPUTS / "format_2019_codes.csv", form=None).format == "2019"


def test_unknown_table_and_row_codes(tmp_path):
    e = refused_csv(csv_file(tmp_path, "tabel3,new,total,1\n"))
    assert "tabel3" in e.message and "table3" in e.message
    e = refused_csv(csv_file(tmp_path, "table3,carried_forwrd,total,1\n"))
    assert "carried_forward" in e.message and e.where.line == 2


def test_meta_rows(AGENCY, tmp_path):
    e = refused_csv(csv_file(tmp_path, "meta,nmae,,x\n"))
    assert "name" in e.message
    e = refused_csv(csv_file(tmp_path, "meta,code,,../x\n"))
    assert "不允许的字符" in e.message
    p = csv_file(tmp_path, "meta,code,,other\nmeta,year,,2023\n")
    e = refused_csv(p, agency=AGENCY, year=2023)
    assert "other" in e.message and AGENCY.code in e.message
    e = refused_csv(csv_file(tmp_path, "meta,year,,2022\n"), agency=AGENCY, year=2023)
    assert "2022" in e.message and "2023" in e.message


def test_wrong_field_count_and_separator(tmp_path):
    e = refused_csv(csv_file(tmp_path, "table3,new,total\n"))
    assert "3 个字段" in e.message
    p = tmp_path / "semi.csv"
    p.write_text("table;row;column;value\n", encoding="utf-8")
    assert "逗号" in refused_csv(p).message


# ------------------------------------------------------------------------------------- YAML
YAML = """format: "2021"
table2:
  regulations: {issued: 1, repealed: 0, in_force: 5}
  licensing: 56
  punishment: {value: 4}
  fees_wan_yuan: 103.3879
table3:
  new: {natural_person: 2, total: 2}
  carried: {natural_person: "/"}
table4:
  review: {upheld: 0, total: 0}
"""


def yaml_file(tmp_path, text: str):
    p = tmp_path / "data.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_yaml_data_reads_nested_shape(AGENCY, tmp_path):
    m = read_yaml_data(yaml_file(tmp_path, YAML), agency=AGENCY, year=2023)
    assert m.get("table2", "regulations", "in_force") == 5
    assert m.get("table2", "licensing", "value") == 56 and m.get("table2", "punishment", "value") == 4
    assert m.get("table2", "fees_wan_yuan", "value") == Decimal("103.3879")
    assert m.state("table3", "carried", "natural_person") == NOT_APPLICABLE
    assert m.state("table3", "carried", "total") == BLANK
    src = m.sources[("table3", "new", "natural_person")]
    assert src.line == 8 and src.key.startswith("table3.new")


@pytest.mark.parametrize(
    "text, needles",
    [
        (YAML.replace("licensing: 56", "licensng: 56"), ("licensng", "licensing")),
        (
            YAML.replace("licensing: 56", "licensing: !!python/object/apply:os.system [ls]"),
            ("标签", "table2.licensing"),
        ),
        (YAML.replace("licensing: 56", "licensing: 0101"), ('"0101"',)),
        (YAML.replace("licensing: 56", "licensing: 两件"), ("“两件”不是数字",)),
        (YAML.replace("table4:", "tabel4:"), ("tabel4", "table4")),
    ],
)
def test_bad_yaml_data(AGENCY, tmp_path, text, needles):
    with pytest.raises(InputError) as e:
        read_yaml_data(yaml_file(tmp_path, text), agency=AGENCY, year=2023)
    assert e.value.where.line is not None
    for n in needles:
        assert n in e.value.message, e.value.message


def test_yaml_data_2019(tmp_path):
    text = "table2_2019:\n  licensing: {change_this_year: -2}\ntable3:\n  other: {total: 1}\n"
    m = read_yaml_data(yaml_file(tmp_path, text), agency=Agency(name="n", code="c"), year=2020, form=None)
    assert m.format == "2019" and m.get("table2", "licensing", "change_this_year") == -2
    with pytest.raises(InputError, match="2019 年版"):
        read_yaml_data(yaml_file(tmp_path, text), agency=Agency(name="n", code="c"), year=2023)
