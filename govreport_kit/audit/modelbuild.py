"""Build an :class:`~govreport_kit.model.AgencyYear` from cells in one step.

:func:`govreport_kit.model.from_cells` sets cells one by one (about 20 ms for 200 cells); an
audit of hundreds of reports builds the same model with whole-table constructors instead.
``tests/audit/test_modelbuild.py`` proves both give equal models.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable

import pandas as pd

from .. import format as fmt
from ..model import BLANK, Agency, AgencyYear


@functools.cache
def _indexes(table: str, form: str) -> tuple[pd.Index, pd.Index | None, list, list]:
    """Index objects are immutable: built once per table and format, shared by every model."""
    if table == "table2":
        t2_cells = list(fmt.cells("table2", form))
        return pd.MultiIndex.from_tuples(t2_cells, names=["row", "column"]), None, t2_cells, []
    rows = [r.code for r in fmt.table_rows(table, form)]
    cols = [c.code for c in fmt.table_columns(table, fmt=form)]
    return pd.Index(rows, name="row"), pd.Index(cols, name="column"), rows, cols


def build_model(agency: Agency, year: int, values: Iterable[tuple[str, str, str, Any]], form: str = "2021",
                states: dict | None = None, **kwargs: Any) -> AgencyYear:
    """Same result as ``model.from_cells`` (cells not given are blank); ``states`` marks "na" cells."""
    given: dict[tuple[str, str, str], Any] = {}
    for t, r, c, v in values:
        given[(t, r, c)] = v
    st: dict[tuple[str, str, str], str] = {}
    index, _, t2_cells, _ = _indexes("table2", form)
    t2_vals = [given.get(("table2", r, c)) for r, c in t2_cells]
    t2_vals = [pd.NA if v is None else v for v in t2_vals]
    tables = {"table2": pd.DataFrame({"value": pd.Series(t2_vals, index=index, dtype="object")})}
    for t in ("table3", "table4"):
        rindex, cindex, rows, cols = _indexes(t, form)
        data = {c: pd.array([given.get((t, r, c)) for r in rows], dtype="Int64") for c in cols}
        df = pd.DataFrame(data, index=rindex)
        df.columns = cindex
        tables[t] = df
    for t in fmt.TABLE_CODES:
        for r, c in fmt.cells(t, form):
            if given.get((t, r, c)) is None:
                st[(t, r, c)] = (states or {}).get((t, r, c)) or BLANK
    m = AgencyYear(agency=agency, year=year, format=form, table2=tables["table2"], table3=tables["table3"],
                   table4=tables["table4"], **kwargs)
    m.states.update(st)
    return m
