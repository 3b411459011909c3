"""What an audit returns: the report as read, its findings, and what could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govreport_kit.checks.findings import Finding, has_errors
from govreport_kit.core.model import AgencyYear

MISSING_TABLE, TRUNCATED, AMBIGUOUS_ROW, UNKNOWN_LABEL = "missing_table", "truncated", "ambiguous_row", "unknown_label"
MISSING_ROW, MISSING_META, UNREADABLE_FILE, NOT_A_NUMBER = (
    "missing_row",
    "missing_meta",
    "unreadable_file",
    "not_a_number",
)


@dataclass
class Unreadable:
    """Something the audit could not read, said instead of guessed."""

    kind: str
    message: str  # Chinese
    table: str | None = None
    row: str | None = None
    candidates: list[list[Any]] = field(default_factory=list)  # readings of an ambiguous row
    nearest: str | None = None  # the official label nearest to an unknown one
    found: str | None = None  # the text as found

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "table": self.table,
            "row": self.row,
            "candidates": self.candidates,
            "nearest": self.nearest,
            "found": self.found,
            "message": self.message,
        }


@dataclass
class AuditResult:
    source: str
    agency: str
    year: int | None
    format: str | None  # "2021", "2019", "older"; None when the file could not be read
    model: AgencyYear | None
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    title: str | None = None
    unread_cells: set[tuple[str, str, str]] = field(default_factory=set)
    format_reason: str = ""
    kind: str = "text"  # "html", "text", "pdf" or "docx"

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    @property
    def readable(self) -> bool:
        """True when at least one table cell was read, or the report is recognised as the older
        outline (which has no tables to read)."""
        if self.format == "older":
            return True
        if self.model is None:
            return False
        total = sum(1 for _ in self.model.iter_cells())
        return len(self.unread_cells) < total

    def tables(self) -> dict[str, Any]:
        return {} if self.model is None else self.model.tables_to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "agency": self.agency,
            "year": self.year,
            "format": self.format,
            "tables": self.tables(),
            "findings": [f.to_dict() for f in self.findings],
            "unreadable": [u.to_dict() for u in self.unreadable],
        }
