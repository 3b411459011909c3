"""``govreport rollup``: tables 二, 三 and 四 summed over a region's members, checked, with indicators.

Pure: members in (their models and findings), a :class:`Rollup` out. The sum is checked by the
same rules as any report; a sum of consistent tables is consistent, so when it is not, the members
whose own tables break the same rule are named. Members left out are named with the reason (no
params, still blank, unreadable, another format). A cell that some member has not filled or that an
audit could not read is not taken as 0: the region's cell stays unknown and the number of members
missing it is kept (``unknown``).

When the region publishes its own consolidated report (``own:`` in regions.yaml), each of its cells
must equal the sum of the members' (rule R-ROLLUP-SUM, one finding per differing cell).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.model import Agency, AgencyYear, from_cells
from govreport_kit.office.indicators import INDICATORS, Value, indicators
from govreport_kit.office.members import BLANK, STATE_LABELS, Cells, Member, model_cells

ROLLUP_SCHEMA = "govreport-rollup/1"
FORM = "2021"


@dataclass
class MemberLine:
    agency: str
    name: str
    state: str
    included: bool
    reason: str
    errors: int
    warnings: int
    indicators: dict[str, Value]
    report: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "name": self.name,
            "state": self.state,
            "state_label": STATE_LABELS[self.state],
            "included": self.included,
            "reason": self.reason,
            "errors": self.errors,
            "warnings": self.warnings,
            "indicators": {k: v.to_dict() for k, v in self.indicators.items()},
            "report": self.report,
        }


@dataclass
class Rollup:
    region: str
    region_name: str
    year: int
    model: AgencyYear
    previous: Cells | None
    members: list[MemberLine]
    findings: list[dict[str, Any]] = field(default_factory=list)
    breakers: list[dict[str, Any]] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)  # "table/row/column" -> members without the value
    own: dict[str, Any] | None = None  # the region's own report checked against the sum
    trend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def included(self) -> list[MemberLine]:
        return [m for m in self.members if m.included]

    @property
    def missing(self) -> list[MemberLine]:
        return [m for m in self.members if not m.included]

    @property
    def indicators(self) -> dict[str, Value]:
        return indicators(self.cells, self.previous)

    @property
    def cells(self) -> Cells:
        return model_cells(self.model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": ROLLUP_SCHEMA,
            "region": self.region,
            "region_name": self.region_name,
            "year": self.year,
            "members_included": len(self.included),
            "members_expected": len(self.members),
            "tables": self.model.tables_to_dict(),
            "unknown_cells": self.unknown,
            "indicators": {k: v.to_dict() for k, v in self.indicators.items()},
            "indicator_formulas": {i.code: {"label": i.label, "formula": i.formula} for i in INDICATORS},
            "findings": self.findings,
            "breakers": self.breakers,
            "members": [m.to_dict() for m in self.members],
            "missing": [{"agency": m.agency, "name": m.name, "reason": m.reason} for m in self.missing],
            "own_report": self.own,
            "trend": self.trend,
        }


# ----------------------------------------------------------------------------------- summing


def _cells(form: str = FORM) -> list[tuple[str, str, str]]:
    return [(t, r, c) for t in fmt.TABLE_CODES for r, c in fmt.cells(t, form)]


def sum_cells(members: Sequence[Cells]) -> tuple[Cells, dict[str, int]]:
    """The cell-by-cell sum; a cell any member lacks stays None, with the count of members lacking it."""
    keys = _cells()
    totals: dict[tuple[str, str, str], Any] = dict.fromkeys(keys, 0)
    lacking: dict[tuple[str, str, str], int] = {}
    for cells in members:
        for k in keys:
            v = cells.get(k)
            if v is None:
                lacking[k] = lacking.get(k, 0) + 1
            else:
                totals[k] += v
    out = {k: (None if k in lacking else totals[k]) for k in keys}
    return out, {"/".join(k): n for k, n in lacking.items()}


def model_of(cells: Cells, agency: Agency, year: int) -> AgencyYear:
    return from_cells(agency, year, [(t, r, c, v) for (t, r, c), v in cells.items()], FORM)


# ----------------------------------------------------------------------------------- members


def _line(m: Member) -> MemberLine:
    state = m.check_state
    if m.params is None:
        included, reason = False, m.problem or "未建立（没有参数文件）"
    elif m.cells is None:
        included, reason = False, f"无法读取：{m.problem}"
    elif state == BLANK:
        included, reason = False, "未填写（工作簿仍是空白模板）"
    elif m.form != FORM:
        included, reason = False, f"使用 {m.form} 年版格式，不能与 2021 年版相加"
    else:
        included, reason = True, ""
    inds = indicators(m.cells, m.previous) if m.cells is not None and included else {}
    return MemberLine(m.agency, m.name, state, included, reason, m.errors, m.warnings, inds)


def _breakers(sum_findings: Iterable[dict[str, Any]], members: Sequence[Member]) -> list[dict[str, Any]]:
    """For each error of the sum, the members with an error of the same rule (same cell first)."""
    out = []
    for f in sum_findings:
        if f["severity"] != fmt.ERROR:
            continue
        same_cell, same_rule = [], []
        for m in members:
            for g in m.findings:
                if g["severity"] != fmt.ERROR or g["rule"] != f["rule"]:
                    continue
                if (g.get("table"), g.get("row"), g.get("column")) == (f.get("table"), f.get("row"), f.get("column")):
                    same_cell.append(m.agency)
                    break
                if g.get("table") == f.get("table"):
                    same_rule.append(m.agency)
                    break
        names = same_cell or sorted(set(same_rule))
        out.append(
            {
                "rule": f["rule"],
                "table": f.get("table"),
                "row": f.get("row"),
                "column": f.get("column"),
                "message": f.get("message"),
                "agencies": names,
            }
        )
    return out


def own_report_findings(own: Cells, total: Cells, unknown: dict[str, int]) -> list[dict[str, Any]]:
    """R-ROLLUP-SUM: each cell of the region's own report against the members' sum."""
    out = []
    for t, r, c in _cells():
        if "/".join((t, r, c)) in unknown:
            continue
        want, have = total.get((t, r, c)), own.get((t, r, c))
        if have != want:
            place = f"{fmt.TABLE_TITLES.get(t, t)}：{fmt.cell_label(t, r, c, FORM)}"
            out.append(
                {
                    "rule": "R-ROLLUP-SUM",
                    "severity": fmt.ERROR,
                    "table": t,
                    "row": r,
                    "column": c,
                    "expected": want,
                    "found": have,
                    "message": f"本级汇总报告 {place} 为 {have if have is not None else '空白'}，"
                    f"应等于各成员之和 {want}",
                }
            )
    return out


def build_rollup(
    region: str, region_name: str, year: int, members: Sequence[Member], own: Member | None = None
) -> Rollup:
    """The region's roll-up from its members (already read and checked)."""
    from govreport_kit.audit.fastcheck import validate_table
    from govreport_kit.checks.rules import check

    lines = [_line(m) for m in members]
    used = [m for m, line in zip(members, lines) if line.included]
    agency = Agency(name=region_name, code=region)
    total, unknown = sum_cells([m.cells for m in used])  # type: ignore[misc]
    model = model_of(total, agency, year)
    previous = None
    with_prev = [m.previous for m in used if m.previous is not None]
    if used and len(with_prev) == len(used):
        previous, _ = sum_cells(with_prev)
    findings = [
        f.to_dict()
        for f in check(model, None, validate=validate_table)
        if f.rule not in ("R-BLANK", "R-SEC5", "R-FMT", "R-PLACEHOLDER", "R-META")
    ]
    r = Rollup(region, region_name, int(year), model, previous, lines, findings, _breakers(findings, used), unknown)
    if own is not None and own.cells is not None:
        r.own = {"agency": own.agency, "findings": own_report_findings(own.cells, total, unknown)}
    return r


def trend_point(members: Sequence[Member], year: int) -> dict[str, Any] | None:
    """新收 and the share 予以公开 + 部分公开 over the members with data in ``year`` (None: no member has any)."""
    lines = [m for m in members if m.has_data and m.form == FORM]
    if not lines:
        return None
    new = sum(int(m.cells.get(("table3", "new", "total")) or 0) for m in lines)  # type: ignore[union-attr]
    disclosed = sum(
        int(m.cells.get(("table3", x, "total")) or 0)
        for m in lines  # type: ignore[union-attr]
        for x in ("granted", "partial")
    )
    total = sum(int(m.cells.get(("table3", "total", "total")) or 0) for m in lines)  # type: ignore[union-attr]
    share = None if total == 0 else round(disclosed / total, 6)
    return {
        "year": int(year),
        "members": len(lines),
        "new": new,
        "disclosed": disclosed,
        "total": total,
        "disclosed_share": share,
    }
