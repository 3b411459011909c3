"""cellvalue.parse_cell: what a person may type in a cell, and what is refused (R-INT at read time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.model import BLANK, NOT_APPLICABLE
from govreport_kit.inputs.cellvalue import parse_cell

WHERE = Location(file="f.xlsx", sheet="表三", cell="D5")


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, (None, BLANK)),
        ("", (None, BLANK)),
        ("  ", (None, BLANK)),
        ("/", (None, NOT_APPLICABLE)),
        ("-", (None, NOT_APPLICABLE)),
        ("—", (None, NOT_APPLICABLE)),
        ("／", (None, NOT_APPLICABLE)),
        (0, (0, None)),
        (7, (7, None)),
        (7.0, (7, None)),
        ("12", (12, None)),
        ("１２", (12, None)),
        ("1,234", (1234, None)),
        (Decimal("3"), (3, None)),
    ],
)
def test_counts(raw, expected):
    assert parse_cell(raw, "table3", "new", "natural_person", WHERE) == expected


@pytest.mark.parametrize(
    "raw, needle",
    [
        ("两件", "不是数字"),
        ("2件", "不是数字"),
        (-1, "不能为负数"),
        ("-3", "不能为负数"),
        (1.5, "必须是整数"),
        ("2.5", "必须是整数"),
        (True, "不是数字"),
        (dt.datetime(2023, 1, 2), "日期"),
        (float("nan"), "不是数字"),
    ],
)
def test_bad_counts_name_the_cell_and_labels(raw, needle):
    with pytest.raises(InputError) as e:
        parse_cell(raw, "table3", "new", "natural_person", WHERE)
    msg = e.value.message
    assert needle in msg and "单元格 D5" in msg and "一、本年新收政府信息公开申请数量 / 自然人" in msg


@pytest.mark.parametrize(
    "raw, expected",
    [
        (0, Decimal(0)),
        (103.3879, Decimal("103.3879")),
        ("0.25", Decimal("0.25")),
        (0.1 + 0.2, Decimal("0.3")),
        (1.23456789, Decimal("1.234568")),
        (Decimal("5.10"), Decimal("5.10")),
    ],
)
def test_amounts_are_exact_decimals(raw, expected):
    value, state = parse_cell(raw, "table2", "fees_wan_yuan", "value", WHERE)
    assert state is None and isinstance(value, Decimal) and value == expected
    assert str(value) == str(expected)


def test_negative_amount_and_signed_2019_column():
    with pytest.raises(InputError, match="金额不能为负数"):
        parse_cell(-1, "table2", "fees_wan_yuan", "value", WHERE)
    assert parse_cell(-4, "table2", "licensing", "change_this_year", WHERE, "2019") == (-4, None)
