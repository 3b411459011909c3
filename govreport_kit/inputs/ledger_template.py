"""The ledger workbook: an empty one to fill (``govreport template --ledger``), or one carried over.

Sheet 台账: the header of :data:`govreport_kit.core.format.LEDGER_COLUMNS` in row 1 (frozen), one
application per row below. Drop-down lists (data validation) for 申请人类型, 申请方式, 办理结果 and
延长答复期限 read their choices from the hidden sheet 选项 (a literal list is limited to 255
characters, too short for the 21 outcomes); the three date columns accept only dates from
:data:`~govreport_kit.core.format.LEDGER_EARLIEST` on; 收费金额 only amounts ≥ 0; 编号 is text
(keeps leading zeros). Every text is written as a string cell, never a formula, whatever it
starts with. Output is byte-identical for the same inputs (the writer of
:mod:`govreport_kit.inputs.template`).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from govreport_kit.core import format as fmt
from govreport_kit.core.agency import Agency
from govreport_kit.core.files import atomic_write
from govreport_kit.inputs.template import FIXED_TIME, FONT_NAME, workbook_bytes
from govreport_kit.inputs.xlsx import set_text  # the one helper: text never becomes a formula

CHOICES_SHEET = "选项"
VALIDATED_ROWS = 5000  # rows below the header that carry the validations
_WIDTHS = {
    "id": 14,
    "received": 13,
    "applicant": 14,
    "channel": 10,
    "corrected": 14,
    "extended": 12,
    "closed": 13,
    "outcome": 40,
    "fee_yuan": 14,
    "note": 30,
}
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def choices() -> dict[str, list[str]]:
    """The drop-down choices of each list column."""
    return {
        "applicant": list(fmt.LEDGER_APPLICANTS),
        "channel": list(fmt.LEDGER_CHANNELS),
        "outcome": [fmt.ledger_outcome_choice(r) for r in fmt.T3_OUTCOME_ROWS],
        "extended": [fmt.LEDGER_YES, fmt.LEDGER_NO],
    }


def build_ledger_workbook(agency: Agency, year: int, rows: Iterable[Mapping[str, Any]] = ()) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = fmt.LEDGER_SHEET
    letters = {c.code: get_column_letter(i) for i, c in enumerate(fmt.LEDGER_COLUMNS, 1)}
    for i, col in enumerate(fmt.LEDGER_COLUMNS, 1):
        cell = ws.cell(1, i)
        set_text(cell, col.label)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[letters[col.code]].width = _WIDTHS[col.code]
    ws.freeze_panes = "A2"
    _choices_sheet(wb)
    _validations(ws, letters)
    for r, row in enumerate(rows, 2):
        for i, col in enumerate(fmt.LEDGER_COLUMNS, 1):
            _write_value(ws.cell(r, i), row.get(col.code))
    for code in fmt.LEDGER_DATE_COLUMNS:
        ws.column_dimensions[letters[code]].number_format = "yyyy-mm-dd"
    ws.column_dimensions[letters["id"]].number_format = "@"
    wb.properties.creator = "govreport_kit"
    wb.properties.title = f"{agency.name or agency.code} {year}年 依申请公开登记台账"
    wb.properties.created = FIXED_TIME
    return wb


def _write_value(cell, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        set_text(cell, fmt.LEDGER_YES if value else fmt.LEDGER_NO)
    elif isinstance(value, (_dt.date, _dt.datetime)):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        cell.value = value
    else:
        set_text(cell, str(value))


def _choices_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(CHOICES_SHEET)
    for i, (code, values) in enumerate(choices().items(), 1):
        set_text(ws.cell(1, i), next(c.label for c in fmt.LEDGER_COLUMNS if c.code == code))
        for r, v in enumerate(values, 2):
            set_text(ws.cell(r, i), v)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _validations(ws, letters: dict[str, str]) -> None:
    last = VALIDATED_ROWS + 1
    for i, (code, values) in enumerate(choices().items(), 1):
        col = get_column_letter(i)
        label = next(c.label for c in fmt.LEDGER_COLUMNS if c.code == code)
        dv = DataValidation(
            type="list",
            formula1=f"{CHOICES_SHEET}!${col}$2:${col}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{label}无效",
            error=f"请从下拉列表中选择{label}。",
        )
        dv.add(f"{letters[code]}2:{letters[code]}{last}")
        ws.add_data_validation(dv)
    earliest = _dt.date.fromisoformat(fmt.LEDGER_EARLIEST)
    dates = DataValidation(
        type="date",
        operator="greaterThanOrEqual",
        formula1=f"DATE({earliest.year},{earliest.month},{earliest.day})",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="应为日期",
        error="请填写日期，例如 2024-03-05。",
        promptTitle="日期",
        prompt="例如 2024-03-05",
    )
    for code in fmt.LEDGER_DATE_COLUMNS:
        dates.add(f"{letters[code]}2:{letters[code]}{last}")
    ws.add_data_validation(dates)
    fee = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="应为非负金额",
        error="收费金额以元为单位，应为 0 或正数。",
    )
    fee.add(f"{letters['fee_yuan']}2:{letters['fee_yuan']}{last}")
    ws.add_data_validation(fee)


def ledger_bytes(agency: Agency, year: int, rows: Iterable[Mapping[str, Any]] = ()) -> bytes:
    return workbook_bytes(build_ledger_workbook(agency, year, rows))


def write_ledger_template(
    path: str | os.PathLike, agency: Agency, year: int, rows: Iterable[Mapping[str, Any]] = ()
) -> Path:
    """Write a ledger workbook (empty, or holding ``rows``: {column code: value})."""
    return atomic_write(path, ledger_bytes(agency, year, rows))
