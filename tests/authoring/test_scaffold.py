"""``govreport new``: a new agency-year, from scratch or from the previous year."""

from __future__ import annotations

import pandas as pd
import pytest

from govreport_kit import cli
from govreport_kit.authoring import synth
from govreport_kit.authoring.new import TO_FILL, new_agency_year, skeleton_from
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import ParamsError
from govreport_kit.inputs.load import load_agency_year
from govreport_kit.inputs.params import load_params


def test_first_year_gives_params_empty_workbook_and_narrative_skeleton(tmp_path, capsys):
    assert cli.main(["new", "test-agency", "--year", "2023", "--name", "测试局", "--params-dir", str(tmp_path)]) == 0
    folder = tmp_path / "test-agency"
    assert sorted(p.name for p in folder.iterdir()) == ["2023.md", "2023.xlsx", "2023.yaml"]
    p = load_params(folder / "2023.yaml")
    assert (p.agency.name, p.agency.code, p.year, p.format) == ("测试局", "test-agency", 2023, "2021")
    assert p.data == folder / "2023.xlsx" and p.narrative == folder / "2023.md" and p.previous is None
    m = load_agency_year(folder / "2023.yaml")
    assert all(v is pd.NA for *_, v in m.iter_cells())  # nothing pre-filled without a previous year
    md = (folder / "2023.md").read_text(encoding="utf-8")
    assert "# 一、总体情况" in md and "# 五、存在的主要问题及改进情况" in md and "{{ table3.new.total }}" in md
    assert "2023.yaml" in capsys.readouterr().out


def test_next_year_starts_from_the_previous_one(tmp_path):
    item = synth.write_agencies(tmp_path, 1, seed=11, years=(2023,))[0]
    code, last = item.agency.code, item.years[-1]
    made = new_agency_year(code, 2024, "更名后的局", tmp_path)
    assert made.previous == tmp_path / code / "2023.yaml" and made.notes
    m = load_agency_year(made.params)
    # agency details carried over; the given name wins
    assert (
        m.agency.name == "更名后的局"
        and m.agency.address == item.agency.address
        and m.agency.phone == item.agency.phone
    )
    # 上年结转 = last year's 结转下年度继续办理, every column; nothing else pre-filled
    for c in fmt.T3_COLUMNS:
        assert m.get("table3", "carried", c.code) == last.get("table3", "carried_forward", c.code)
    assert m.get("table3", "new", "total") is pd.NA
    assert m.get("table2", "normative_documents", "in_force") is pd.NA
    # the narrative keeps headings and placeholder paragraphs, plain prose is to be filled
    md = made.narrative.read_text(encoding="utf-8")
    assert "{{ table3.carried.total }}" in md and "## （一）主要问题" in md and TO_FILL in md
    assert "信息发布的及时性" not in md


def test_skeleton_keeps_headings_and_placeholder_paragraphs_only():
    prev = "前言 {{ agency.name }}。\n\n# 一、总体情况\n\n去年做了很多事。\n\n又做了一件。\n\n收到{{ table3.new.total }}件。\n"
    assert (
        skeleton_from(prev)
        == f"前言 {{{{ agency.name }}}}。\n\n# 一、总体情况\n\n{TO_FILL}\n\n收到{{{{ table3.new.total }}}}件。\n"
    )


@pytest.mark.parametrize("code", ["../x", "CON", "a/b", "x" * 200, ""])
def test_bad_codes_are_refused_before_any_file_is_written(tmp_path, code):
    with pytest.raises(ParamsError) as e:
        new_agency_year(code, 2023, "名称", tmp_path)
    assert "机构代码" in e.value.message
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_overwrite(tmp_path, capsys):
    new_agency_year("test-agency", 2023, "测试局", tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "test-agency").iterdir()}
    rc = cli.main(["new", "test-agency", "--year", "2023", "--name", "别的名字", "--params-dir", str(tmp_path)])
    assert rc == 2 and "不会覆盖" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (tmp_path / "test-agency").iterdir()} == before


def test_bad_year_and_empty_name_are_refused(tmp_path):
    with pytest.raises(ParamsError, match="年度"):
        new_agency_year("test-agency", 1800, "测试局", tmp_path)
    with pytest.raises(ParamsError, match="机构名称"):
        new_agency_year("test-agency", 2023, "  ", tmp_path)
