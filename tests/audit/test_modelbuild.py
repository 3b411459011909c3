"""The audit's one-step model builder equals ``model.from_cells``."""

from __future__ import annotations

import pandas as pd
import pytest

from govreport_kit import format as fmt
from govreport_kit.audit.modelbuild import build_model
from govreport_kit.model import Agency, from_cells

from ._synth import make_cells


@pytest.mark.parametrize("form", fmt.FORMATS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_model_as_from_cells(form, seed):
    cells = [(t, r, c, v) for (t, r, c), v in make_cells(seed, form, blanks=True).items()]
    cells = cells[: len(cells) - 5 * seed]  # some cells not given at all
    agency = Agency("某局", "x")
    a = from_cells(agency, 2023, cells, form, title="标题")
    b = build_model(agency, 2023, cells, form, title="标题")
    for t in fmt.TABLE_CODES:
        pd.testing.assert_frame_equal(a.table(t), b.table(t))
    assert a.states == b.states and a.title == b.title and a.format == b.format
    assert any(v is None for *_, v in cells) or seed  # blanks were exercised


def test_not_applicable_state_is_kept():
    m = build_model(Agency("某局", "x"), 2023, [("table3", "new", "commercial", None)], "2021",
                    states={("table3", "new", "commercial"): "na"})
    assert m.state("table3", "new", "commercial") == "na"
    assert m.state("table3", "new", "research") == "blank"
