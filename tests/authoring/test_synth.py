"""The synthetic agency generator: deterministic, consistent, realistic sizes, injected errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from govreport_kit.authoring import synth
from govreport_kit.checks import rules as checks
from govreport_kit.core import format as fmt
from govreport_kit.core.model import agency_code_problem
from govreport_kit.inputs import narrative


def _problems(model, previous=None):
    return [(f.rule, f.severity) for f in checks.check(model, previous) if f.severity in (fmt.ERROR, fmt.WARNING)]


def test_same_seed_same_agencies_other_seed_others():
    a = synth.synth_agency_years(12, seed=7)
    b = synth.synth_agency_years(12, seed=7)
    c = synth.synth_agency_years(12, seed=8)
    assert [x.years[0].tables_to_dict() for x in a] == [x.years[0].tables_to_dict() for x in b]
    assert [x.agency for x in a] == [x.agency for x in b]
    assert [x.years[0].tables_to_dict() for x in a] != [x.years[0].tables_to_dict() for x in c]


def test_every_table_is_consistent_across_years_and_passes_every_check():
    items = synth.synth_agency_years(40, seed=1, years=(2021, 2022, 2023))
    for it in items:
        assert agency_code_problem(it.agency.code) is None
        for prev, cur in zip(it.years, it.years[1:]):
            assert _problems(cur, prev) == [], it.agency.code  # includes R-X-CARRY and R-X-STOCK
        assert _problems(it.years[0]) == []
    assert len({it.agency.code for it in items}) == 40


def test_sizes_are_realistic_mostly_small_some_hundreds():
    items = synth.synth_agency_years(200, seed=2)
    new = sorted(int(it.years[0].get("table3", "new", "total")) for it in items)
    assert new[len(new) // 2] <= 15  # the median agency receives a handful of applications
    assert new[-1] >= 100  # and a few receive hundreds
    fees = [it.years[0].get("table2", "fees_wan_yuan", "value") for it in items]
    assert all(isinstance(f, Decimal) for f in fees)
    places = {-f.as_tuple().exponent for f in fees if f != 0}
    assert places and places <= {2, 3, 4, 5, 6} and len(places) >= 3


def test_narrative_placeholders_fill_from_the_tables():
    it = synth.synth_agency_years(3, seed=4)[1]
    m = it.years[0]
    parts = narrative.fill_narrative(synth.narrative_markdown(m), m)
    assert set(parts) >= {"preamble", "overview", "problems", "other"}
    assert f"本年新收政府信息公开申请{int(m.get('table3', 'new', 'total'))}件" in parts["overview"]
    assert "{{" not in "".join(parts.values())


def test_identity_error_breaks_exactly_the_table3_identities():
    it = synth.synth_agency_years(5, seed=5, errors={2: "identity"})[2]
    rules = {r for r, s in _problems(it.years[-1]) if s == fmt.ERROR}
    assert rules and rules <= {"R-T3-COL", "R-T3-ROW", "R-T3-BAL"}


def test_unknown_error_kind_is_refused():
    with pytest.raises(ValueError, match="unknown injected error"):
        synth.synth_agency_years(2, errors={0: "meteor"})


def test_written_agencies_load_back_and_faults_go_to_a_side_file(tmp_path):
    from govreport_kit.inputs.load import load_agency_year

    items = synth.write_agencies(
        tmp_path, 4, seed=6, years=(2022, 2023), errors={1: "unreadable", 2: "cell_error", 3: "slow"}
    )
    for it in items:
        for m in it.years:
            assert (tmp_path / it.agency.code / f"{m.year}.yaml").is_file()
    ok = load_agency_year(tmp_path / items[0].agency.code / "2023.yaml")
    assert ok.tables_to_dict() == items[0].years[-1].tables_to_dict()
    from govreport_kit.core.errors import InputError

    with pytest.raises(InputError) as e:
        load_agency_year(tmp_path / items[1].agency.code / "2023.yaml")
    assert "约二十件" in e.value.message or "new" in e.value.message or "表三" in e.value.message
    faults = json.loads((tmp_path / synth.FAULTS_FILE).read_text(encoding="utf-8"))
    assert faults == {items[2].agency.code: "cell_error", items[3].agency.code: "slow"}


def test_fault_notebook_is_the_report_notebook_plus_one_cell(tmp_path):
    import nbformat

    from govreport_kit.core import paths

    target = synth.write_fault_notebook(tmp_path / "faulty.ipynb")
    real = nbformat.read(str(paths.report_notebook()), as_version=4)
    test = nbformat.read(str(target), as_version=4)
    assert len(test.cells) == len(real.cells) + 1
    at = next(i for i, c in enumerate(test.cells) if "parameters" in c.metadata.get("tags", []))
    assert test.cells[at + 1].source == synth.FAULT_CELL
    assert [c.source for i, c in enumerate(test.cells) if i != at + 1] == [c.source for c in real.cells]
