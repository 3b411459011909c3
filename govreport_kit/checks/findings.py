"""A finding: one rule broken at one place, as data first and Chinese text second.

Findings are listed in **form order** everywhere (terminal, report, batch index, audit page):
:func:`form_order_key` is the one definition. An analyst reads them the way the form reads: the
report as a whole (format, title and period, agency details), then the parts in the order of
``format.PARTS`` (preamble, 一, table 二, 三, 四, 五, 六). Inside a table: table-wide findings
first (未填写, shape, a column's type, the blank-cell summary), then cell by cell in the form's
row and column order (``format.cells``); findings at the same cell follow ``format.RULES``
order, so the “this cell may be wrong” finding (R-T3-CELL) precedes the totals it explains.
Prose-versus-table findings (R-N-*) belong to part 一, where the prose is; R-SEC5 to part 五.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location

SEVERITY_ORDER = {fmt.ERROR: 0, fmt.WARNING: 1, fmt.INFO: 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str  # a Chinese sentence: what to change where
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Any = None
    found: Any = None
    source: Location | None = None
    form: str = "2021"  # the format version whose labels apply
    #: the narrative part a finding is about (R-PLACEHOLDER …), when it is not a table's
    part: str | None = None
    #: the individual cells of a table-wide finding (R-BLANK summary, R-EMPTY): plain dicts with
    #: row, column, row_label, column_label, cell (“表三!D7” when read from a workbook) and state
    cells: tuple = ()

    @property
    def row_label(self) -> str | None:
        if self.table and self.row:
            try:
                return fmt.row_label(self.table, self.row, self.form)
            except KeyError:
                return None
        return None

    @property
    def column_label(self) -> str | None:
        if self.table and self.column:
            try:
                return fmt.column_label(self.table, self.column, self.row, self.form)
            except KeyError:
                return None
        return None

    def sort_key(self):
        return form_order_key(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with canonical codes and their official labels."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "table": self.table,
            "row": self.row,
            "row_label": self.row_label,
            "column": self.column,
            "column_label": self.column_label,
            "expected": _jsonable(self.expected),
            "found": _jsonable(self.found),
            "source": self.source.to_dict() if self.source else None,
            "message": self.message,
            "part": self.part,
            "cells": [dict(c) for c in self.cells],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], form: str = "2021") -> Finding:
        """The inverse of :meth:`to_dict` (``form``: the format of the model it belongs to)."""
        src = d.get("source")
        return cls(
            rule=d["rule"],
            severity=d["severity"],
            message=d["message"],
            table=d.get("table"),
            row=d.get("row"),
            column=d.get("column"),
            expected=d.get("expected"),
            found=d.get("found"),
            source=Location(**src) if src else None,
            form=d.get("form", form),
            part=d.get("part"),
            cells=tuple(d.get("cells") or ()),
        )


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


# ------------------------------------------------------------------------------ form order

_PART_INDEX = {p.code: i + 1 for i, p in enumerate(fmt.PARTS)}  # 0: the report as a whole
_RULE_INDEX = {r.id: i for i, r in enumerate(fmt.RULES)}
#: Rules about a narrative part rather than a table (their table/row/column, if any, is what the prose cites).
RULE_PARTS = {
    "R-SEC5": "problems",
    "R-N-T3": "overview",
    "R-N-SUB": "overview",
    "R-N-T4": "overview",
    "R-N-T2": "overview",
    "R-N-UNIT": "overview",
}
#: Table-wide rules, listed before the table's cells (in this order).
TABLE_WIDE = ("R-EMPTY", "R-SHAPE", "R-INT", "R-BLANK")


def _cell_positions(table: str, form: str) -> dict[tuple[str, str], int]:
    key = (table, form)
    if key not in _POSITIONS:
        try:
            _POSITIONS[key] = {cell: i for i, cell in enumerate(fmt.cells(table, form))}
        except KeyError:
            _POSITIONS[key] = {}
    return _POSITIONS[key]


_POSITIONS: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
#: agency details in the order of the 机构信息 sheet (R-AGENCY-* findings point at ``agency.<field>``)
_AGENCY_INDEX = {f"agency.{code}": i for i, (code, _) in enumerate(fmt.AGENCY_FIELDS)}


def form_order_key(f: Finding) -> tuple:
    """Where a finding sits in the form: (part, place inside the table, rule order, text)."""
    rule = _RULE_INDEX.get(f.rule, len(_RULE_INDEX))
    part = RULE_PARTS.get(f.rule) or (f.table if f.table in fmt.TABLE_CODES else None) or f.part
    if part is None:
        return (0, 0, 0, "", rule, f.message)
    section = _PART_INDEX.get(part, len(_PART_INDEX) + 1)
    if f.rule in RULE_PARTS or part not in fmt.TABLE_CODES:
        line = f.source.line if f.source else None
        by_line = f"{line:09d}" if line else "~"  # by line in the source; a summary without a line last
        return (section, 0, _AGENCY_INDEX.get((f.source.key or "") if f.source else "", 0), by_line, rule, f.message)
    positions = _cell_positions(part, f.form)
    if f.row is None:
        return (
            section,
            0,
            TABLE_WIDE.index(f.rule) if f.rule in TABLE_WIDE else len(TABLE_WIDE),
            str(f.column or ""),
            rule,
            f.message,
        )
    if f.column is None:  # a whole row (R-SHAPE): before its first cell
        first = min((i for (r, _), i in positions.items() if r == f.row), default=len(positions))
        return (section, 1, first, str(f.row), -1, f.message)
    at = positions.get((f.row, f.column))
    if at is None:  # a cell the form does not have (R-SHAPE extra): after the form's cells
        return (section, 2, 0, f"{f.row}/{f.column}", rule, f.message)
    return (section, 1, at, "", rule, f.message)


def sort_findings(findings) -> list[Finding]:
    """Findings in form order (see the module docstring)."""
    return sorted(findings, key=form_order_key)


def severity_of(f: Finding | Mapping[str, Any]) -> str:
    """A finding's severity, whether a :class:`Finding` or its ``to_dict()`` form."""
    return f["severity"] if isinstance(f, Mapping) else f.severity


def count_by_severity(findings: Iterable[Finding | Mapping[str, Any]]) -> dict[str, int]:
    """``{"error": n, "warning": n, "info": n}`` (always all three keys, in that order)."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for f in findings:
        sev = severity_of(f)
        counts[sev] = counts.get(sev, 0) + 1
    return counts


def has_errors(findings: Iterable[Finding | Mapping[str, Any]]) -> bool:
    return any(severity_of(f) == fmt.ERROR for f in findings)
