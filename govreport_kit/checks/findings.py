"""A finding: one rule broken at one place, as data first and Chinese text second."""

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
        return (SEVERITY_ORDER.get(self.severity, 9), self.rule, self.table or "", self.row or "", self.column or "")

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
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def sort_findings(findings) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


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
