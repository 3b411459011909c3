"""One table cell as typed by a person: number, blank, not-applicable, or an error.

Shared by the workbook, long-form CSV and YAML readers, so that all three accept and refuse the
same things. R-INT is enforced here, at read time: a count that is text (“两件”), negative or
fractional, and a 万元 amount that is text or negative, raise :class:`InputError` naming the
place, so the model's count columns stay integer-typed. (``checks`` still reports R-INT for
models built in code.)
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.model import BLANK, NOT_APPLICABLE, InputNote

MAX_DECIMALS = 6
_TOO_LARGE = 10**limits.NUMBER_DIGITS.value
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_GROUPED_RE = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")
_DEC_RE = re.compile(r"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+)$")
COUNT_FIX = "件数只填阿拉伯数字（如 2）；没有的填 0；不适用的填“/”；未知的留空"
#: A number followed by its unit (“12件”, “１２ 项”, “103.5万元”): read as the number, with a warning.
#: The same units the audit tolerates after digits in published tables (audit/tables.py).
COUNT_UNITS = ("件", "个", "项", "条", "次")
AMOUNT_UNITS = ("万元",)
_WITH_UNIT_RE = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(" + "|".join(COUNT_UNITS + AMOUNT_UNITS) + r")$")
AMOUNT_FIX = "金额以万元为单位，只填数字（如 103.3879）；没有的填 0；不适用的填“/”"


def describe_cell(table: str, row: str, column: str, form: str = "2021") -> str:
    """“一、本年新收政府信息公开申请数量 / 自然人” for messages."""
    return f"{fmt.row_label(table, row, form)} / {fmt.column_label(table, column, row, form)}"


def parse_cell(
    raw: Any, table: str, row: str, column: str, where: Location, form: str = "2021", notes: list | None = None
) -> tuple[Any, str | None]:
    """(value, state): a number and None, or None and BLANK / NOT_APPLICABLE; InputError otherwise.

    ``notes``: when given, a number typed with its unit (“12件” in a count cell, “103.5万元” in a
    万元 cell) is read as the number and an R-CELL-UNIT :class:`InputNote` is appended; without
    ``notes`` it is refused like any other text.
    """
    decimal = fmt.is_decimal_cell(table, row, column, form)
    signed = table == "table2" and column in fmt.spec(form).t2_signed_columns
    label = describe_cell(table, row, column, form)
    shown = raw

    def bad(what: str) -> InputError:
        return InputError(
            f"{what}（{fmt.TABLE_SHORT_NAMES[table]} {label}）", where, AMOUNT_FIX if decimal else COUNT_FIX
        )

    if raw is None:
        return None, BLANK
    if isinstance(raw, bool):
        raise bad(f"“{raw}”不是数字")
    if isinstance(raw, (_dt.date, _dt.time, _dt.timedelta)):
        raise bad(f"单元格是日期或时间“{raw}”，不是数字（可能被 Excel 自动转换了，请把单元格格式设为“数值”）")
    if isinstance(raw, str):
        raw, state, with_unit = _parse_text(raw, decimal, notes is not None, bad)
        if state is not None:
            return None, state
        if with_unit and notes is not None:
            notes.append(_unit_note(shown, raw, table, row, column, where, label))
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise bad(f"“{shown}”不是数字")
        raw = Decimal(repr(raw))
    if not isinstance(raw, (int, Decimal)):
        raise bad(f"“{shown}”不是数字")
    if abs(raw) >= _TOO_LARGE:
        raise bad(f"数字 {limits.excerpt(str(shown), 24)} 太大，超过{limits.NUMBER_DIGITS.describe()}")
    if raw < 0 and not signed:
        raise bad(f"{'金额' if decimal else '件数'}不能为负数（填的是 {shown}）")
    if decimal:
        return _amount(Decimal(raw)), None
    if isinstance(raw, Decimal):
        if raw != raw.to_integral_value():
            raise bad(f"件数必须是整数（填的是 {shown}）")
        raw = int(raw)
    return raw, None


def _parse_text(raw: str, decimal: bool, units: bool, bad) -> tuple[Any, str | None, bool]:
    """(number, None, typed with its unit) or (None, BLANK / NOT_APPLICABLE, False) for a text cell.

    ``units``: a number followed by the cell's unit (“12件”, “103.5万元”) is read as the number.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None, BLANK, False
    if text in fmt.NOT_APPLICABLE_MARKS or raw.strip() in fmt.NOT_APPLICABLE_MARKS:
        return None, NOT_APPLICABLE, False
    if len(text) > 4 * limits.NUMBER_DIGITS.value:  # before any regex or int(): 5,000 digits stay cheap
        raise bad(
            f"“{limits.excerpt(text, 20)}”有 {len(text):,} 个字符，不是合理的数字（{limits.NUMBER_DIGITS.describe()}）"
        )
    if _GROUPED_RE.match(text):
        text = text.replace(",", "")
    unit = _WITH_UNIT_RE.match(text) if units else None
    with_unit = bool(unit and (unit.group(2) in AMOUNT_UNITS) == decimal)
    if unit and with_unit:
        text = unit.group(1).replace(",", "") if _GROUPED_RE.match(unit.group(1)) else unit.group(1)
    if _INT_RE.match(text):
        return int(text), None, with_unit
    if _DEC_RE.match(text):
        return Decimal(text), None, with_unit
    raise bad(f"“{raw}”不是数字")


def _unit_note(shown: str, value: Any, table: str, row: str, column: str, where: Location, label: str) -> InputNote:
    cell = f"{where.sheet}!{where.cell}" if where.sheet and where.cell else where.describe()
    message = (
        f"{cell}（{fmt.TABLE_SHORT_NAMES[table]} {label}）填的是“{shown}”，已按数字 {value} 读取："
        f"请只填数字，单位已在表头。"
    )
    return InputNote("R-CELL-UNIT", message, table, row, column, expected=value, found=shown, source=where)


def _amount(d: Decimal) -> Decimal:
    """Exact amount with at most MAX_DECIMALS decimals (float noise such as 0.30000000000000004 removed)."""
    try:
        if d.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            d = d.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP)
            text = str(d)
            if "." in text:
                d = Decimal(text.rstrip("0").rstrip(".") or "0")
    except InvalidOperation:  # pragma: no cover - absurdly large numbers
        pass
    return d
