"""The findings of :func:`govreport_kit.checks.rules.check`, without pandera's per-call overhead.

``checks.check`` validates each table with pandera, about 100 ms per report here; auditing
hundreds of published reports needs about 1 ms. For a model whose tables have the official shape
and dtypes (every model the audit builds), :func:`validate_table` computes the same
:class:`~govreport_kit.checks.schemas.CellFailure` s with plain Python arithmetic, using the identities,
value kinds and number rules of :mod:`govreport_kit.checks.schemas` itself; everything else (messages,
blank cells, R-META, R-SEC5, R-FMT, R-X-*, placeholders) is ``checks.check`` itself, which takes
this validator as a parameter; a table of any other shape goes to the pandera models. ``tests/audit/test_fastcheck.py`` asserts identical findings on the corpus
and on mutated models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from govreport_kit.checks import rules as checks
from govreport_kit.checks.findings import Finding

if TYPE_CHECKING:
    from govreport_kit.core.model import AgencyYear


def _dtypes_ok(table: str, df: pd.DataFrame) -> bool:
    if table == "table2":
        return df["value"].dtype == object
    return all(isinstance(t, pd.Int64Dtype) for t in df.dtypes)


def validate_table(table: str, df: pd.DataFrame, form: str):
    """Like ``schemas.validate_table`` for a well-shaped table; None when the shape is not official."""
    from govreport_kit.checks import schemas

    if not schemas.shape_ok(table, df, form) or not _dtypes_ok(table, df):
        return None
    out = []
    if table == "table2":
        for (r, c), v in df["value"].items():
            if not schemas.value_ok(v, schemas.cell_kind(table, r, c, form)):
                out.append(schemas.CellFailure(schemas.INT, table, r, c, found=v))
        return out
    rows, cols = list(df.index), list(df.columns)
    ri, ci = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(cols)}
    arr = df.to_numpy(dtype=object)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if not schemas.value_ok(arr[i, j], schemas.COUNT):
                out.append(schemas.CellFailure(schemas.INT, table, r, c, found=arr[i, j]))
    for ident in schemas.identities(table, form):
        want = schemas.evaluate(ident, lambda r, c: arr[ri[r], ci[c]])
        r, c = ident.target
        have = schemas.as_number(arr[ri[r], ci[c]])
        if want is not None and have is not None and have != want:
            out.append(schemas.CellFailure(ident.rule, table, r, c, found=arr[ri[r], ci[c]]))
    return out


def check(model: AgencyYear, previous: AgencyYear | None = None, unread_tables=()) -> list[Finding]:
    """Same findings as ``checks.check(model, previous)``, with the plain-Python table validation.

    ``unread_tables``: tables of which no cell was read (a truncated report); their blank-cell
    findings, which the audit would drop anyway, are not built.
    """
    return checks.check(model, previous, validate=validate_table, unread_tables=unread_tables)
