"""load: params -> model (data by extension, narrative parts, options, inputs), previous year, load_any."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from govreport_kit.core.errors import InputError, ParamsError
from govreport_kit.inputs.load import load_agency_year, load_any, load_previous
from govreport_kit.inputs.longform import write_longform_csv
from govreport_kit.inputs.params import dump_params, load_params
from govreport_kit.inputs.template import write_workbook


def sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_sample_loads_with_narrative_options_and_inputs(SAMPLE_PARAMS):
    m = load_agency_year(SAMPLE_PARAMS)
    assert m.agency.name == "昆明市西山区教育体育局" and m.year == 2023 and m.format == "2021"
    assert set(m.narrative) == {"preamble", "overview", "problems", "other"}
    assert "{{" in m.narrative["overview"]  # raw parts: placeholders not filled in
    assert m.options["audience"] == "review" and m.title is None
    folder = SAMPLE_PARAMS.parent
    assert m.inputs == {f"xishan-edu/{n}": sha(folder / n) for n in ("2023.yaml", "2023.xlsx", "2023.md")}


@pytest.fixture(scope="session")
def make_agency(AGENCY, varied_model):
    """``make_agency(tmp_path, year, data_name, model=None, extra="")``: an agency-year folder on disk."""

    def make(tmp_path, year: int, data_name: str, model=None, extra: str = ""):
        folder = tmp_path / "params" / AGENCY.code
        folder.mkdir(parents=True, exist_ok=True)
        model = model or varied_model(year)
        model.year = year
        if data_name.endswith(".xlsx"):
            write_workbook(folder / data_name, model)
        else:
            write_longform_csv(folder / data_name, model)
        params = {
            "agency": {"code": AGENCY.code, "name": AGENCY.name},
            "year": year,
            "data": data_name,
            "report": {"title": "自定义标题"},
        }
        p = folder / f"{year}.yaml"
        p.write_text(dump_params(params) + extra, encoding="utf-8")
        return p

    return make


@pytest.mark.parametrize("data_name", ["2023.xlsx", "tables-2023.csv"])
def test_data_is_read_by_extension(make_agency, AGENCY, varied_model, tmp_path, data_name):
    p = make_agency(tmp_path, 2023, data_name)
    m = load_agency_year(p)
    assert m.tables_to_dict() == varied_model().tables_to_dict()
    assert m.title == "自定义标题" and m.narrative == {}
    assert set(m.inputs) == {f"{AGENCY.code}/2023.yaml", f"{AGENCY.code}/{data_name}"}


def test_previous_year_is_found_and_checked(make_agency, AGENCY, tmp_path):
    make_agency(tmp_path, 2022, "2022.xlsx")
    cur = make_agency(tmp_path, 2023, "2023.xlsx")
    params = load_params(cur)
    prev = load_previous(params)
    assert prev is not None and prev.year == 2022 and prev.agency.code == AGENCY.code
    model, previous = load_any(cur)
    assert model.year == 2023 and previous.year == 2022


def test_previous_may_be_a_data_file(make_agency, AGENCY, varied_model, tmp_path):
    folder = tmp_path / "params" / AGENCY.code
    cur = make_agency(tmp_path, 2023, "2023.xlsx", extra="previous: last.csv\n")
    m = varied_model(2022)
    m.year = 2022
    write_longform_csv(folder / "last.csv", m)
    prev = load_previous(load_params(cur))
    assert prev.year == 2022 and prev.get("table3", "new", "total") == 2


def test_previous_of_another_agency_is_refused(make_agency, SAMPLE_XLSX, tmp_path):
    other = tmp_path / "params" / "xishan-edu"
    other.mkdir(parents=True)
    shutil.copy(SAMPLE_XLSX, other / "2022.xlsx")
    (other / "2022.yaml").write_text(
        dump_params({"agency": {"code": "xishan-edu", "name": "x"}, "year": 2022, "data": "2022.xlsx"}),
        encoding="utf-8",
    )
    cur = make_agency(tmp_path, 2023, "2023.xlsx", extra="previous: ../xishan-edu/2022.yaml\n")
    with pytest.raises(ParamsError) as e:
        load_previous(load_params(cur))
    assert "xishan-edu" in e.value.message and e.value.where.key == "previous"


def test_load_any_bare_workbook_takes_agency_from_its_sheet(AGENCY, varied_model, tmp_path):
    path = write_workbook(tmp_path / "bare.xlsx", varied_model())
    model, previous = load_any(path)
    assert model.agency.code == AGENCY.code and model.agency.postcode == "650118" and model.year == 2023
    assert previous is None and model.inputs == {"bare.xlsx": sha(path)}


def test_load_any_bare_csv_without_meta_uses_placeholders(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("table,row,column,value\ntable3,new,total,2\n", encoding="utf-8")
    model, _ = load_any(p)
    assert model.agency.code == "unknown" and model.options["notes"]


def test_load_any_yaml_data_file_is_not_taken_for_params(tmp_path):
    p = tmp_path / "data.yaml"
    p.write_text("table3:\n  new: {total: 2}\n", encoding="utf-8")
    model, _ = load_any(p)
    assert model.get("table3", "new", "total") == 2


def test_load_any_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(InputError, match="不支持的文件类型"):
        (tmp_path / "a.txt").write_text("x", encoding="utf-8")
        load_any(tmp_path / "a.txt")
    with pytest.raises(InputError, match=".xlsx"):
        (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
        load_any(tmp_path / "a.xls")
    with pytest.raises(InputError, match="文件夹"):
        load_any(tmp_path)
    with pytest.raises(InputError, match="文件不存在"):
        load_any(tmp_path / "nope.yaml")


def test_valid_fixture_params_with_csv_data(INPUTS):
    model, previous = load_any(INPUTS / "valid_params.yaml")
    assert model.agency.code == "xishan-edu" and model.get("table2", "licensing", "value") == 56
    assert previous is None
