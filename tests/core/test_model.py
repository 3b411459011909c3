"""The model of one agency-year: building it, reading cells back, its JSON shape."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from audit._synth import make_cells

from govreport_kit.core import format as fmt
from govreport_kit.core.model import BLANK, NOT_APPLICABLE, Agency, AgencyYear, cells_from_dict, from_cells

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "sample" / "seed-xishan-edu-2023.json"


@pytest.mark.parametrize("form", fmt.FORMATS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_from_cells_equals_setting_cells_one_by_one(form, seed):
    cells = [(t, r, c, v) for (t, r, c), v in make_cells(seed, form, blanks=True).items()]
    cells = cells[: len(cells) - 5 * seed]  # some cells not given at all
    agency = Agency("某局", "x")
    fast = from_cells(agency, 2023, cells, form, title="标题")
    slow = AgencyYear(agency=agency, year=2023, format=form, title="标题")
    for t, r, c, v in cells:
        slow.set(t, r, c, v)
    for t, r, c, v in slow.iter_cells():
        if v is pd.NA and (t, r, c) not in slow.states:
            slow.states[(t, r, c)] = BLANK
    for t in fmt.TABLE_CODES:
        pd.testing.assert_frame_equal(fast.table(t), slow.table(t))
    assert fast.states == slow.states and fast.title == slow.title


def test_not_applicable_state_is_kept_and_other_missing_cells_are_blank():
    m = from_cells(
        Agency("某局", "x"),
        2023,
        [("table3", "new", "commercial", None)],
        states={("table3", "new", "commercial"): NOT_APPLICABLE},
    )
    assert m.state("table3", "new", "commercial") == NOT_APPLICABLE
    assert m.state("table3", "new", "research") == BLANK
    assert m.get("table3", "new", "research") is pd.NA


def test_an_address_outside_the_format_is_refused():
    with pytest.raises(KeyError):
        from_cells(Agency("某局", "x"), 2023, [("table3", "other", "total", 1)])  # 2019 row in a 2021 model


def test_cells_from_dict_round_trips_the_json_shape_with_exact_decimals():
    tables = {k: v for k, v in json.loads(SEED.read_text(encoding="utf-8")).items() if k.startswith("table")}
    tables["table2"]["fees_wan_yuan"] = 18.871
    m = from_cells(Agency("某局", "x"), 2023, cells_from_dict(tables))
    assert m.get("table2", "fees_wan_yuan", "value") == Decimal("18.871")
    assert m.tables_to_dict() == tables
    assert len(list(m.iter_cells())) == 200
