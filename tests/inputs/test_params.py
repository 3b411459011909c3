"""params.load_params / validate_params / dump_params: strict schema, strict YAML, safe paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport_kit.core.errors import ParamsError
from govreport_kit.inputs.params import Params, dump_params, load_params, validate_params

HEAD = """agency:
  code: {code}
  name: 测试机构
year: {year}
data: tables.csv
"""


def write_params(folder: Path, text: str, name: str = "p.yaml", data: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if data:
        (folder / "tables.csv").write_text("table,row,column,value\n", encoding="utf-8")
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def refused(path: Path) -> ParamsError:
    with pytest.raises(ParamsError) as e:
        load_params(path)
    return e.value


# ------------------------------------------------------------------------------------ the sample
def test_sample_params_load_and_resolve(SAMPLE_PARAMS):
    p = load_params(SAMPLE_PARAMS)
    assert isinstance(p, Params)
    assert (p.agency.code, p.agency.name, p.year, p.format) == ("xishan-edu", "昆明市西山区教育体育局", 2023, "2021")
    assert p.agency.postcode == "650118" and p.agency.phone == "0871-68226567"
    assert p.data == SAMPLE_PARAMS.parent / "2023.xlsx" and p.data.is_absolute()
    assert p.narrative == SAMPLE_PARAMS.parent / "2023.md"
    assert p.previous is None
    assert p.report == {"audience": "review", "title": None}
    d = p.to_dict()
    assert json.loads(json.dumps(d)) == d  # plain JSON types only
    assert d["data"] == "2023.xlsx"


def test_dump_params_is_canonical_and_round_trips(SAMPLE_PARAMS, tmp_path):
    text = SAMPLE_PARAMS.read_text(encoding="utf-8")
    assert dump_params(load_params(SAMPLE_PARAMS)) == text
    assert 'postcode: "650118"' in text and 'format: "2021"' in text
    tricky = {
        "agency": {
            "code": "a-b",
            "name": "no",
            "address": "a: b #c",
            "phone": "0101",
            "region": "2023-01-01",
            "email": "x@y.z",
            "website": "yes",
        },
        "year": 2023,
        "data": "tables.csv",
        "report": {"title": "on"},
    }
    out = write_params(tmp_path, dump_params(tricky))
    loaded = load_params(out)
    assert loaded.agency.name == "no" and loaded.agency.phone == "0101" and loaded.agency.region == "2023-01-01"
    assert loaded.agency.address == "a: b #c" and loaded.report["title"] == "on"


def test_dump_params_validates_its_input():
    with pytest.raises(ParamsError, match="agency.code"):
        dump_params({"agency": {"code": "../x", "name": "n"}, "year": 2023, "data": "d.csv"})


# ------------------------------------------------------------------------------ bad input: fixtures
@pytest.mark.parametrize(
    "fixture, key, line, needles",
    [
        ("unknown_key.yaml", "narative", 6, ("未知的键“narative”", "narrative")),
        ("python_tag.yaml", "report.title", 7, ("!!python/object/apply:os.system", "不允许")),
        ("binary_tag.yaml", "agency.name", 3, ("!!binary", "不允许")),
        ("octal_postcode.yaml", "agency.postcode", 4, ("0101", "用引号括起来", '"0101"')),
        ("no_as_boolean.yaml", "agency.website", 4, ("no", "布尔", '"no"')),
        ("missing_data_file.yaml", "data", 5, ("数据文件不存在", "nowhere/2023.xlsx")),
        ("url_data_file.yaml", "data", 5, ("网址", "https://example.org/2023.xlsx")),
        ("wrong_type_year.yaml", "year", 4, ("应为整数", "二〇二三")),
    ],
)
def test_bad_params_fixture(INPUTS, fixture, key, line, needles):
    e = refused(INPUTS / fixture)
    assert e.where.key == key and e.where.line == line and e.where.file.endswith(fixture)
    for n in needles:
        assert n in e.message, e.message
    assert f"键 {key}" in e.message and f"第 {line} 行" in e.message


@pytest.mark.parametrize(
    "fixture, needles",
    [
        ("unknown_key.yaml", ("键 narative", "narrative")),
        ("python_tag.yaml", ("键 report.title", "!!python/object/apply:os.system")),
        ("binary_tag.yaml", ("键 agency.name", "!!binary")),
        ("octal_postcode.yaml", ("键 agency.postcode", '"0101"')),
        ("no_as_boolean.yaml", ("键 agency.website", '"no"')),
        ("missing_data_file.yaml", ("键 data", "nowhere/2023.xlsx")),
    ],
)
def test_cli_refuses_bad_params(INPUTS, assert_cli_refuses, fixture, needles):
    assert_cli_refuses(INPUTS / fixture, *needles)


# ------------------------------------------------------------------------------ agency codes
@pytest.mark.parametrize(
    "code, needle",
    [
        ('"../x"', "不允许的字符"),
        ("CON", "不允许的字符"),
        ("con", "保留设备名"),
        ('"a/b"', "不允许的字符"),
        ("a" * 200, "过长"),
    ],
)
def test_bad_agency_codes_are_refused_before_any_path_is_built(snapshot, tmp_path, code, needle):
    p = write_params(tmp_path / "p", HEAD.format(code=code, year=2023))
    before = snapshot(tmp_path)
    e = refused(p)
    assert e.where.key == "agency.code" and e.where.line == 2
    assert needle in e.message
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("code", ['"../x"', "CON", '"a/b"', "b" * 200])
def test_cli_refuses_bad_agency_codes(assert_cli_refuses, tmp_path, code):
    p = write_params(tmp_path / "p", HEAD.format(code=code, year=2023))
    assert_cli_refuses(p, "键 agency.code", "机构代码", folder=tmp_path)


def test_code_must_match_folder_and_year_the_file_name(tmp_path):
    e = refused(write_params(tmp_path / "params" / "other-code", HEAD.format(code="my-code", year=2023), "2023.yaml"))
    assert e.where.key == "agency.code" and "other-code" in e.message
    e = refused(write_params(tmp_path / "params" / "my-code", HEAD.format(code="my-code", year=2023), "2024.yaml"))
    assert e.where.key == "year" and "2024.yaml" in e.message
    ok = load_params(write_params(tmp_path / "params" / "my-code", HEAD.format(code="my-code", year=2023), "2023.yaml"))
    assert ok.agency.code == "my-code"


# ------------------------------------------------------------------------------ strict YAML
@pytest.mark.parametrize(
    "value", ["0101", "no", "yes", "on", "off", "y", "n", "1e3", "12:30", "2023-01-01", "0x1F", ".inf", "+1"]
)
def test_values_yaml_would_convert_are_refused(tmp_path, value):
    p = write_params(
        tmp_path,
        HEAD.format(code="c", year=2023).replace("  name: 测试机构\n", f"  name: 测试机构\n  phone: {value}\n"),
    )
    e = refused(p)
    assert e.where.key == "agency.phone" and e.where.line == 4
    assert f'"{value}"' in e.message and "用引号括起来" in e.message


@pytest.mark.parametrize(
    "tagged",
    ["!!python/object/apply:os.system [ls]", "!!binary aGk=", "!!str x", "!custom x", "!!python/name:os.system ''"],
)
def test_every_explicit_tag_is_refused(tmp_path, tagged):
    p = write_params(tmp_path, HEAD.format(code="c", year=2023) + f"report:\n  title: {tagged}\n")
    e = refused(p)
    assert e.where.key == "report.title" and "标签" in e.message


def test_quoted_values_are_text(tmp_path):
    p = write_params(
        tmp_path,
        HEAD.format(code="c", year=2023).replace(
            "  name: 测试机构\n", '  name: 测试机构\n  phone: "0101"\n  website: "no"\n'
        ),
    )
    loaded = load_params(p)
    assert loaded.agency.phone == "0101" and loaded.agency.website == "no"


def test_anchor_alias_and_duplicate_key_are_refused(tmp_path):
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=2023) + "report: &r\n  title: x\n"))
    assert "锚点" in e.message
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=2023) + "year: 2024\n"))
    assert "重复" in e.message and e.where.line == 6


# ------------------------------------------------------------------------------ schema
def test_unknown_nested_key_names_nearest(tmp_path):
    p = write_params(
        tmp_path,
        HEAD.format(code="c", year=2023).replace("  name: 测试机构\n", "  name: 测试机构\n  adress: 某路1号\n"),
    )
    e = refused(p)
    assert e.where.key == "agency.adress" and "agency.address" in e.message


def test_wrong_type_names_key_and_fix(tmp_path):
    p = write_params(
        tmp_path,
        HEAD.format(code="c", year=2023).replace("  name: 测试机构\n", "  name: 测试机构\n  postcode: 650118\n"),
    )
    e = refused(p)
    assert e.where.key == "agency.postcode" and "应为文字" in e.message and '"650118"' in e.message


def test_missing_required_key(tmp_path):
    p = write_params(tmp_path, HEAD.format(code="c", year=2023).replace("data: tables.csv\n", ""))
    e = refused(p)
    assert "缺少必填的键“data”" in e.message


def test_bad_choice_and_year_range(tmp_path):
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=2023) + "report:\n  audience: reveiw\n"))
    assert e.where.key == "report.audience" and "review" in e.message
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=1999)))
    assert e.where.key == "year"


def test_format_may_be_unquoted_and_defaults_to_2021(tmp_path):
    assert load_params(write_params(tmp_path, HEAD.format(code="c", year=2023) + "format: 2021\n")).format == "2021"
    assert load_params(write_params(tmp_path, HEAD.format(code="c", year=2023))).format == "2021"
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=2023) + "format: 2020\n"))
    assert e.where.key == "format"


def test_data_suffix_and_self_reference(tmp_path):
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=2023).replace("tables.csv", "old.xls")))
    assert ".xlsx" in e.message and e.where.key == "data"
    e = refused(write_params(tmp_path, HEAD.format(code="c", year=2023).replace("tables.csv", "p.yaml")))
    assert "参数文件本身" in e.message


def test_empty_and_non_mapping_params(tmp_path):
    assert "文件为空" in refused(write_params(tmp_path, "")).message
    assert "没有内容" in refused(write_params(tmp_path, "# only a comment\n")).message
    assert "键: 值" in refused(write_params(tmp_path, "- a\n- b\n")).message


def test_previous_defaults_to_sibling_and_can_be_turned_off(tmp_path):
    folder = tmp_path / "params" / "c"
    write_params(folder, HEAD.format(code="c", year=2022), "2022.yaml")
    cur = write_params(folder, HEAD.format(code="c", year=2023), "2023.yaml")
    assert load_params(cur).previous == folder / "2022.yaml"
    cur.write_text(HEAD.format(code="c", year=2023) + "previous: null\n", encoding="utf-8")
    assert load_params(cur).previous is None
    cur.write_text(HEAD.format(code="c", year=2023) + "previous: 2021.yaml\n", encoding="utf-8")
    e = refused(cur)
    assert e.where.key == "previous" and "2021.yaml" in e.message


def test_validate_params_returns_plain_json():
    out = validate_params({"agency": {"code": "c", "name": "n", "email": None}, "year": 2023, "data": "d.csv"})
    assert out["format"] == "2021" and out["report"] == {"audience": "review", "title": None}
    assert json.loads(json.dumps(out)) == out
