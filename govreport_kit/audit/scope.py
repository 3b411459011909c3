"""Which cells a finding rests on, so that findings about cells that were not read are dropped.

A cell left empty because the report was truncated or a row was ambiguous is not a blank: the
E-rules would read it as 0 and report errors the report does not have. (Blank cells that were
read as blank stay blank and are checked.)
"""

from __future__ import annotations

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt

Cell = tuple[str, str, str]


def cells_of(f: Finding, form: str) -> tuple[list[Cell], list[Cell]]:
    """(cells of this year, cells of last year) that finding ``f`` depends on."""
    t, r, c = f.table, f.row, f.column
    if f.rule == "R-T3-BAL":
        return [("table3", x, c) for x in ("new", "carried", "total", "carried_forward")], []
    if f.rule in ("R-T3-COL", "R-T3-ROW", "R-BLANK-TOTAL") and t == "table3":
        outcomes = fmt.spec(form).t3_outcome_rows
        if f.rule == "R-T3-COL" or (f.rule == "R-BLANK-TOTAL" and r == "total" and c != "total"):
            return [("table3", x, c) for x in (*outcomes, "total")], []
        if r == "total" and c == "total" and f.rule == "R-BLANK-TOTAL":
            row = [("table3", "total", x.code) for x in fmt.T3_COLUMNS]
            col = [("table3", x, "total") for x in outcomes]
            return row + col, []
        return [("table3", r, x.code) for x in fmt.T3_COLUMNS], []
    if f.rule in ("R-T4-SUM", "R-BLANK-TOTAL") and t == "table4":
        return [("table4", r, x.code) for x in fmt.T4_RESULTS], []
    if f.rule == "R-X-CARRY":
        return [("table3", "carried", c)], [("table3", "carried_forward", c)]
    if f.rule == "R-X-STOCK":
        return [("table2", r, x) for x in ("issued", "repealed", "in_force")], [("table2", r, "in_force")]
    if t and r and c:
        return [(t, r, c)], []
    return [], []


def touches_unread(f: Finding, unread: set[Cell], prev_unread: set[Cell], form: str) -> bool:
    now, before = cells_of(f, form)
    return any(x in unread for x in now) or any(x in prev_unread for x in before)
