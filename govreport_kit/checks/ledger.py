"""Table 三 from the application ledger, reply periods, fees, and the ledger's findings.

For report year Y, counting each usable application in its applicant column (issue 12):

* ``new``: received in Y;
* ``carried``: received before Y and not closed before 1 January Y;
* outcome rows: closed in Y, by 办理结果; ``total``: their sum;
* ``carried_forward``: open on 31 December Y (received by then, closed later or not at all);
* the 总计 column: the sum of the six applicant columns.

Every application received by 31 December Y and not closed before 1 January Y is counted once
in ``new`` or ``carried`` and once in an outcome row or ``carried_forward``, so R-T3-BAL,
R-T3-COL and R-T3-ROW hold by construction, and ``carried`` of Y is ``carried_forward`` of Y − 1
(R-X-CARRY). A row is *usable* when its 收到日期 and 申请人类型 are valid and it is either open
(no 办结日期, no 办理结果) or closed (a valid 办结日期 not before 收到日期 and a valid 办理结果);
other rows are left out of every count and reported (R-LEDGER-ROW).
"""

from __future__ import annotations

import datetime as _dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt
from govreport_kit.inputs.ledger import Ledger

APPLICANT_COLUMNS = fmt.T3_COMPONENT_COLUMNS


def usable(row: Any, year: int) -> bool:
    """Whether a parsed ledger row can be counted (see the module docstring)."""
    from govreport_kit.checks.ledger_schema import date_range

    lo, hi = date_range(year)
    received, closed = row["received"], row["closed"]
    if received is None or not lo <= received <= hi or row["applicant"] is None:
        return False
    if closed is None:
        return row["outcome_text"] == ""
    return row["outcome"] is not None and received <= closed <= hi


def derive_table3(ledger: Ledger, year: int) -> dict[tuple[str, str], int]:
    """Every cell (row, column) of table 三 for year ``year``, all 175 of them."""
    start, end = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    cells = {(r, c): 0 for r in (x.code for x in fmt.T3_ROWS) for c in (x.code for x in fmt.T3_COLUMNS)}
    for _, row in ledger.frame.iterrows():
        if not usable(row, year):
            continue
        col, received, closed = row["applicant"], row["received"], row["closed"]
        if received > end or (closed is not None and closed < start):
            continue
        cells[("new" if received >= start else "carried", col)] += 1
        if closed is not None and closed <= end:
            cells[(row["outcome"], col)] += 1
            cells[("total", col)] += 1
        else:
            cells[("carried_forward", col)] += 1
    for r in fmt.T3_ROWS:
        cells[(r.code, "total")] = sum(cells[(r.code, c)] for c in APPLICANT_COLUMNS)
    return cells


@dataclass
class LateReply:
    line: int
    id: str
    used: int  # working days used (to the reply, or to 31 December when still open)
    limit: int
    due: _dt.date
    replied: bool


@dataclass
class LedgerSummary:
    """What the ledger says about year Y; kept on the model (``model.ledger``)."""

    ledger: Ledger
    year: int
    table3: dict[tuple[str, str], int]
    differences: list[tuple[str, str, Any, int]] = field(default_factory=list)  # (row, col, hand, ledger)
    hand_sources: dict[tuple[str, str], Any] = field(default_factory=dict)  # where the hand-typed cells are
    on_time: int = 0  # replies in Y within their period
    late: list[LateReply] = field(default_factory=list)
    undecided: list[tuple[int, str]] = field(default_factory=list)  # (line, id) beyond the calendar
    median_days: float | None = None  # working days from receipt (or 补正) to reply, replies in Y
    fee_count: int = 0  # applications closed in Y with a fee
    fee_total_yuan: Decimal = Decimal(0)
    applications: int = 0  # usable rows counted in table 三 of Y

    @property
    def replied(self) -> int:
        return self.on_time + sum(1 for x in self.late if x.replied)


def summarize(ledger: Ledger, year: int) -> LedgerSummary:
    """Table 三, reply periods and fees of year ``year``."""
    from govreport_kit.checks.workdays import UNDECIDED, timeliness

    s = LedgerSummary(ledger, year, derive_table3(ledger, year))
    start, end = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    used_days = []
    for line, row in ledger.frame.iterrows():
        if not usable(row, year) or row["received"] > end or (row["closed"] is not None and row["closed"] < start):
            continue
        s.applications += 1
        closed = row["closed"] if row["closed"] is not None and row["closed"] <= end else None
        t = timeliness(row["received"], closed, corrected=row["corrected"], extended=bool(row["extended"]), cutoff=end)
        if closed is not None and row["fee_yuan"] is not None and row["fee_yuan"] > 0:
            s.fee_count += 1
            s.fee_total_yuan += row["fee_yuan"]
        if t.late == UNDECIDED:
            s.undecided.append((int(line), row["id"]))
        elif t.late:
            s.late.append(
                LateReply(int(line), row["id"], int(t.used) if t.used != UNDECIDED else -1, t.limit, t.due, t.replied)  # type: ignore[arg-type]
            )
        elif t.replied:
            s.on_time += 1
        if t.replied and t.used != UNDECIDED:
            used_days.append(int(t.used))
    s.median_days = float(statistics.median(used_days)) if used_days else None
    return s


def compare(hand: dict[tuple[str, str], Any], derived: dict[tuple[str, str], int]) -> list[tuple[str, str, Any, int]]:
    """Every cell where a hand-typed table 三 differs from the ledger's (a blank reads as 0)."""
    out = []
    for r in fmt.T3_ROWS:
        for c in fmt.T3_COLUMNS:
            v = hand.get((r.code, c.code))
            if (0 if v is None else v) != derived[(r.code, c.code)]:
                out.append((r.code, c.code, v, derived[(r.code, c.code)]))
    return out


# ------------------------------------------------------------------------------------ findings


def ledger_findings(model) -> list[Finding]:
    """R-LEDGER-ROW, R-LEDGER, R-LEDGER-LATE and R-LEDGER-CAL for a model whose table 三 is derived."""
    from govreport_kit.checks.ledger_schema import row_problems

    s: LedgerSummary | None = getattr(model, "ledger", None)
    if s is None:
        return []
    lg = s.ledger
    out: list[Finding] = []
    for p in row_problems(lg, s.year):
        where = lg.cell(p.line, p.column)
        ident = f"（编号 {p.id}）" if p.id else ""
        text = f"{where}{ident}：{p.what}。{p.fix}。"
        counted = usable(lg.frame.loc[p.line], s.year) if p.line in lg.frame.index else False
        if p.severity == fmt.ERROR and not counted:
            text += "这一行未计入表三。"
        out.append(Finding("R-LEDGER-ROW", p.severity, text, found=p.id or None, source=lg.location(p.line, p.column)))
    for row, col, hand, derived in s.differences:
        place = fmt.cell_label("table3", row, col)
        hand_text = "空白" if hand is None else str(hand)
        source = s.hand_sources.get((row, col))
        out.append(
            Finding(
                "R-LEDGER",
                fmt.ERROR,
                f"{place}：数据文件中手填为 {hand_text}，依台账 {lg.file} 统计为 {derived}："
                f"请以台账为准改正该数，或核对台账的登记。",
                "table3",
                row,
                col,
                derived,
                hand,
                source,
            )
        )
    for x in s.late:
        state = f"{x.used} 个工作日后才答复" if x.replied else f"到 {s.year}年12月31日已 {x.used} 个工作日仍未答复"
        out.append(
            Finding(
                "R-LEDGER-LATE",
                fmt.WARNING,
                f"{lg.cell(x.line)}（编号 {x.id}）：{state}，超过法定期限 {x.limit} 个工作日"
                f"（应于 {x.due.isoformat()} 前答复）：请核对日期，或在报告中说明逾期原因。",
                found=x.id,
                source=lg.location(x.line),
            )
        )
    for line, ident in s.undecided:
        out.append(
            Finding(
                "R-LEDGER-CAL",
                fmt.INFO,
                f"{lg.cell(line)}（编号 {ident}）：答复期限跨入工作日历尚未公布的年份，"
                f"无法判断是否超期：待国务院公布该年节假日安排并更新 chinese-calendar 后再检查。",
                found=ident,
                source=lg.location(line),
            )
        )
    return out
