"""Hypothesis: any ledger gives a table 三 whose identities hold and whose years chain."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from govreport_kit.checks import schemas
from govreport_kit.checks.ledger import derive_table3
from govreport_kit.core import format as fmt
from govreport_kit.core.model import Agency, from_cells
from govreport_kit.inputs.ledger import parse_rows

HEADER = [c.label for c in fmt.LEDGER_COLUMNS]
BASE = dt.date(2021, 1, 1)

application = st.tuples(
    st.integers(0, 4 * 366),  # received, days after 2021-01-01
    st.sampled_from(list(fmt.LEDGER_APPLICANTS)),
    st.one_of(st.none(), st.integers(0, 500)),  # closed, days after received; None: open
    st.sampled_from([fmt.ledger_outcome_choice(r) for r in fmt.T3_OUTCOME_ROWS] + list(fmt.T3_OUTCOME_ROWS)),
)


def _ledger(apps):
    rows = [(1, HEADER)]
    for i, (rec, who, after, outcome) in enumerate(apps):
        received = BASE + dt.timedelta(days=rec)
        closed = received + dt.timedelta(days=after) if after is not None else None
        rows.append(
            (i + 2, [f"H{i}", received, who, None, None, None, closed, outcome if closed else None, None, None])
        )
    return parse_rows(rows, "h.csv", "台账")


@settings(max_examples=60, deadline=None)
@given(st.lists(application, max_size=60), st.integers(2021, 2024))
def test_identities_hold_by_construction(apps, year):
    cells = derive_table3(_ledger(apps), year)
    model = from_cells(Agency(name="h", code="h"), year, [("table3", r, c, v) for (r, c), v in cells.items()])
    failures = schemas.validate_table("table3", model.table3, "2021")
    assert failures == []
    for c in fmt.T3_COLUMNS:  # the identities, said once more in plain Python
        col = c.code
        assert cells[("new", col)] + cells[("carried", col)] == cells[("total", col)] + cells[("carried_forward", col)]
        assert cells[("total", col)] == sum(cells[(r, col)] for r in fmt.T3_OUTCOME_ROWS)


@settings(max_examples=40, deadline=None)
@given(st.lists(application, max_size=60), st.integers(2022, 2024))
def test_carried_is_last_years_carried_forward(apps, year):
    ledger = _ledger(apps)
    this, last = derive_table3(ledger, year), derive_table3(ledger, year - 1)
    for c in fmt.T3_COLUMNS:
        assert this[("carried", c.code)] == last[("carried_forward", c.code)]
