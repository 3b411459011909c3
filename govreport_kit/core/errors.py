"""Errors that say what went wrong, where, and how to fix it.

Every error the tool raises on bad input is a :class:`GovReportError` with structured fields.
They pickle (they cross process pools in batch runs) and render as one Chinese message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a value or a problem is: any subset of file, sheet, cell, row, column, line, key."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # Excel address such as "C7"
    row: str | int | None = None
    column: str | int | None = None
    line: int | None = None
    key: str | None = None  # a YAML key path such as "agency.code"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def describe(self) -> str:
        """Chinese description, e.g. “文件 a.xlsx，工作表 表三，单元格 D7”."""
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        if self.row is not None and self.cell is None and self.line is None:
            parts.append(f"行 {self.row}")
        if self.column is not None and self.cell is None:
            parts.append(f"列 {self.column}")
        if self.key:
            parts.append(f"键 {self.key}")
        return "，".join(parts)


class GovReportError(Exception):
    """Base class: ``what`` went wrong, ``where`` (a :class:`Location`), and ``fix``."""

    exit_code = 2

    def __init__(self, what: str, where: Location | None = None, fix: str | None = None, **details: Any):
        self.what = what
        self.where = where or Location()
        self.fix = fix
        self.details = details
        super().__init__(self.message)

    @property
    def message(self) -> str:
        place = self.where.describe()
        text = f"{place}：{self.what}" if place else self.what
        if self.fix:
            text += f"。{self.fix}"
        return text

    def __reduce__(self):
        return (_rebuild, (type(self), self.what, self.where, self.fix, self.details))

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "what": self.what,
            "where": self.where.to_dict(),
            "fix": self.fix,
            "message": self.message,
            **({"details": self.details} if self.details else {}),
        }


def _rebuild(cls, what, where, fix, details):
    return cls(what, where, fix, **details)


class InputError(GovReportError):
    """An input file cannot be read into the model (encoding, layout, a cell that is not a number)."""


class ParamsError(GovReportError):
    """A parameters file is invalid (unknown key, wrong type, unsafe YAML, bad agency code)."""


class PlaceholderError(GovReportError):
    """The narrative names a placeholder that does not exist."""


class RunError(GovReportError):
    """Executing or exporting a report failed."""

    exit_code = 1
