"""Text into spreadsheets as text, never as a formula (office exports: status.xlsx, status.csv)."""

from __future__ import annotations

from typing import Any

from govreport_kit.inputs.xlsx import FORMULA_TRIGGERS as FORMULA_START
from govreport_kit.inputs.xlsx import set_text


def guard_csv(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def set_text_or_number(cell, value: Any) -> None:
    """Numbers stay numbers; every string is stored as text (``inputs.xlsx.set_text``, the one helper)."""
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value


def stable_xlsx_bytes(wb) -> bytes:
    from govreport_kit.inputs.template import workbook_bytes

    return workbook_bytes(wb)
