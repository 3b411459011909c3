"""The cells of a published report as read, and what could not be read, table by table.

:func:`table_cells` turns the rows found by :mod:`tables` (after :mod:`resolve`) into
``(table, row, column, value)`` tuples for :func:`govreport_kit.core.model.from_cells`, and records
on the :class:`AuditResult` every row that was cut, missing, ambiguous or read under a label that is
not the official one. Every cell starts as unread; only a cell whose value was placed is taken off
``res.unread_cells``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govreport_kit.audit.resolve import listed_candidates
from govreport_kit.audit.result import (
    AMBIGUOUS_ROW,
    MISSING_ROW,
    NOT_A_NUMBER,
    TRUNCATED,
    UNKNOWN_LABEL,
    AuditResult,
    Unreadable,
)
from govreport_kit.core import format as fmt
from govreport_kit.core.model import NOT_APPLICABLE

NAMES = fmt.TABLE_SHORT_NAMES
Cell = tuple[str, str, str, Any]


def table_cells(reads: dict, form: str, res: AuditResult) -> tuple[list[Cell], dict]:
    """Cells and not-applicable states of every table read; problems appended to ``res.unreadable``."""
    cells: list[Cell] = []
    states: dict = {}
    for table in fmt.TABLE_CODES:
        for r, c in fmt.cells(table, form):
            res.unread_cells.add((table, r, c))
        tr = reads.get(table)
        if tr is None:
            continue
        _truncation(table, tr, res)
        for rr in tr.rows:
            _row_problems(table, rr, res)
            _row_values(table, rr, form, res, cells, states)
        _label_problems(table, tr, res)
    return cells, states


def _truncation(table: str, tr, res: AuditResult) -> None:
    lost = [rr for rr in tr.rows if rr.truncated and rr.found is None and table != "table4"]
    if lost:
        where = "表头处" if len(lost) == len(tr.rows) else f"“{lost[0].spec.label}”行之前"
        what = f"报告在{NAMES[table]}{where}中断，{NAMES[table]}缺少{len(lost)}行（自“{lost[0].spec.label}”起）"
        res.unreadable.append(Unreadable(TRUNCATED, what, table, lost[0].spec.code))


def _row_problems(table: str, rr, res: AuditResult) -> None:
    label, code = rr.spec.label, rr.spec.code
    if rr.found is None and not rr.truncated and table != "table4":
        res.unreadable.append(Unreadable(MISSING_ROW, f"{NAMES[table]}没有找到“{label}”行", table, code, nearest=label))
    elif rr.truncated:
        if rr.found is not None or table == "table4":
            res.unreadable.append(Unreadable(TRUNCATED, f"{NAMES[table]}“{label}”：{rr.problem}", table, code))
    elif rr.values is None:
        what = f"{NAMES[table]}“{label}”：{rr.problem}；这些单元格留空，请对照原文填写"
        res.unreadable.append(
            Unreadable(AMBIGUOUS_ROW, what, table, code, candidates=listed_candidates(rr), found=rr.found)
        )
    if rr.found is not None and not rr.exact:
        what = f"{NAMES[table]}中的“{rr.found}”不是官方行名，按最接近的“{label}”读取"
        res.unreadable.append(Unreadable(UNKNOWN_LABEL, what, table, code, nearest=label, found=rr.found))


def _row_values(table: str, rr, form: str, res: AuditResult, cells: list[Cell], states: dict) -> None:
    if rr.values is None and not rr.partial:
        return
    given = (
        list(zip(rr.spec.columns, rr.values))
        if rr.values is not None
        else [(rr.spec.columns[i], cell) for i, cell in rr.partial]
    )
    for col, (value, state, _unit) in given:
        t, row, column = (table, *col.split(".")) if table == "table4" else (table, rr.spec.code, col)
        if isinstance(value, Decimal) and not fmt.is_decimal_cell(t, row, column, form):
            if value != value.to_integral_value() and t != "table2":
                what = f"{fmt.cell_label(t, row, column, form)}为小数 {value}，件数应为整数；该格留空"
                res.unreadable.append(Unreadable(NOT_A_NUMBER, what, t, row))
                continue
            value = int(value) if value == value.to_integral_value() else value
        res.unread_cells.discard((t, row, column))
        cells.append((t, row, column, value))
        if value is None and state == NOT_APPLICABLE:
            states[(t, row, column)] = NOT_APPLICABLE


def _label_problems(table: str, tr, res: AuditResult) -> None:
    fuzzy = [rr.found for rr in tr.rows if rr.found is not None and not rr.exact]
    for frag, nearest, _ratio in tr.label_issues:
        if any(frag in f for f in fuzzy):
            continue
        what = f"{NAMES[table]}中的“{frag}”不是官方用语，最接近的是“{nearest}”"
        res.unreadable.append(Unreadable(UNKNOWN_LABEL, what, table, nearest=nearest, found=frag))
