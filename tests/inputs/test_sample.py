"""The built-in sample reproduces every cell of the seed report's three tables (10 + 175 + 15)."""

from __future__ import annotations

import json
from decimal import Decimal

from govreport_kit.core import format as fmt
from govreport_kit.inputs.load import load_agency_year
from govreport_kit.inputs.params import load_params


def expected_cells(sample_json):
    data = json.loads(sample_json.read_text(encoding="utf-8"))
    out = {}
    for row, v in data["table2"].items():
        for col, x in v.items() if isinstance(v, dict) else [("value", v)]:
            out[("table2", row, col)] = x
    for t in ("table3", "table4"):
        for row, cols in data[t].items():
            for col, x in cols.items():
                out[(t, row, col)] = x
    return data, out


def test_sample_params_point_at_the_sample_files(SAMPLE_PARAMS, SAMPLE_XLSX):
    p = load_params(SAMPLE_PARAMS)
    assert p.data == SAMPLE_XLSX and p.narrative.name == "2023.md" and p.narrative.is_file()


def test_sample_reproduces_all_200_cells_of_the_seed(SAMPLE_JSON, SAMPLE_PARAMS):
    data, expected = expected_cells(SAMPLE_JSON)
    model = load_agency_year(SAMPLE_PARAMS)
    assert (model.agency.name, model.year, model.format) == (data["agency"], data["year"], data["format"])
    got = {(t, r, c): v for t, r, c, v in model.iter_cells()}
    counts = {t: sum(1 for k in got if k[0] == t) for t in fmt.TABLE_CODES}
    assert counts == {"table2": 10, "table3": 175, "table4": 15}
    assert set(got) == set(expected)
    for key, want in expected.items():
        v = got[key]
        assert v == want, (key, v, want)
        assert model.state(*key) is None  # every cell of the seed holds a number
        if key == ("table2", "fees_wan_yuan", "value"):
            assert isinstance(v, Decimal)
        else:
            assert isinstance(v, int) or hasattr(v, "item")
        src = model.sources[key]
        assert src.file.endswith("params/xishan-edu/2023.xlsx") and src.sheet == fmt.TABLE_SHORT_NAMES[key[0]]


def test_sample_agency_details_come_from_the_seed_preamble(SAMPLE_PARAMS):
    a = load_params(SAMPLE_PARAMS).agency
    assert (a.address, a.postcode, a.phone, a.email) == (
        "昆明市西山区秀苑路188号604室",
        "650118",
        "0871-68226567",
        "kmxsjyjbgs@126.com",
    )
