"""Indicators of one agency-year or a region, each with its formula, never a division error.

* 实质公开率 = (予以公开 + 部分公开) ÷ （七）总计
* 复议纠错率 = 复议结果纠正 ÷ (复议总计 − 复议尚未审结)
* 诉讼纠错率 = 诉讼结果纠正 ÷ (诉讼总计 − 诉讼尚未审结), both litigation groups together
* 申请量同比 = (本年新收 − 上年新收) ÷ 上年新收

A value is a :class:`Decimal` ratio, or None with the reason ("分母为 0", "缺少上年数据", "数据未读出").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from govreport_kit.office.members import Cells

T = "total"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    formula: str
    higher_is_better: bool


INDICATORS: tuple[Indicator, ...] = (
    Indicator("disclosure_rate", "实质公开率", "（予以公开 + 部分公开）÷（七）总计", True),
    Indicator("review_correction_rate", "复议纠错率", "复议结果纠正 ÷（复议总计 − 复议尚未审结）", False),
    Indicator("litigation_correction_rate", "诉讼纠错率", "诉讼结果纠正 ÷（诉讼总计 − 诉讼尚未审结）", False),
    Indicator("new_yoy", "申请量同比", "（本年新收 − 上年新收）÷ 上年新收", False),
)
BY_CODE = {i.code: i for i in INDICATORS}


@dataclass(frozen=True)
class Value:
    ratio: Decimal | None
    numerator: Any
    denominator: Any
    reason: str = ""

    def percent(self) -> str:
        if self.ratio is None:
            return "—"
        return f"{(self.ratio * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": None if self.ratio is None else float(self.ratio.quantize(Decimal("0.000001"))),
            "percent": self.percent(),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "reason": self.reason,
        }


def _n(cells: Cells, table: str, row: str, column: str) -> int | None:
    v = cells.get((table, row, column))
    return None if v is None else int(v)


def _ratio(num: int | None, den: int | None) -> Value:
    if num is None or den is None:
        return Value(None, num, den, "数据未填写或未读出")
    if den == 0:
        return Value(None, num, den, "分母为 0")
    return Value(Decimal(num) / Decimal(den), num, den)


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def disclosure_rate(m: Cells) -> Value:
    granted, partial = _n(m, "table3", "granted", T), _n(m, "table3", "partial", T)
    return _ratio(_sum([granted, partial]), _n(m, "table3", T, T))


def _correction(m: Cells, groups: tuple[str, ...]) -> Value:
    corrected = _sum([_n(m, "table4", g, "corrected") for g in groups])
    total = _sum([_n(m, "table4", g, T) for g in groups])
    pending = _sum([_n(m, "table4", g, "pending") for g in groups])
    return _ratio(corrected, None if total is None or pending is None else total - pending)


def review_correction_rate(m: Cells) -> Value:
    return _correction(m, ("review",))


def litigation_correction_rate(m: Cells) -> Value:
    return _correction(m, ("litigation_direct", "litigation_after_review"))


def new_yoy(m: Cells, previous: Cells | None) -> Value:
    if previous is None:
        return Value(None, None, None, "缺少上年数据")
    now, before = _n(m, "table3", "new", T), _n(previous, "table3", "new", T)
    if now is None or before is None:
        return Value(None, now, before, "数据未填写或未读出")
    if before == 0:
        return Value(None, now - 0, before, "上年为 0")
    return Value(Decimal(now - before) / Decimal(before), now - before, before)


COMPUTE: dict[str, Callable[[Cells, Cells | None], Value]] = {
    "disclosure_rate": lambda m, p: disclosure_rate(m),
    "review_correction_rate": lambda m, p: review_correction_rate(m),
    "litigation_correction_rate": lambda m, p: litigation_correction_rate(m),
    "new_yoy": new_yoy,
}


def indicators(cells: Cells, previous: Cells | None = None) -> dict[str, Value]:
    """Every indicator of one agency-year or region (flat cells, as :mod:`members` keeps them)."""
    return {code: fn(cells, previous) for code, fn in COMPUTE.items()}
