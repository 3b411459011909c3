"""``govreport status``: every expected agency of a region with its state, for one year.

States (:mod:`members`): 未建立 (no params), 未填写 (the template still blank), 有错误 / 有警告 /
正常 (by its findings), 已退回 / 已发送 (from the mail ledger: a review copy with errors sent back to
the agency is 已退回, any other accepted message 已发送). A send only counts while the inputs have
not changed since: an agency that sends back a new workbook is checked again. A workbook that is
still the blank template never counts as 正常.

Outputs: a terminal table, JSON, ``outputs/_regions/<region>/<year>/status.html`` (sortable without
script) and the same rows as ``status.xlsx`` and ``status.csv`` for people who track in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govreport_kit.office.members import (
    BLANK,
    ERRORS,
    MISSING,
    OK,
    RETURNED,
    SENT,
    STATE_LABELS,
    STATE_ORDER,
    WARNINGS,
    Member,
    iso_day,
    read_member,
)
from govreport_kit.office.regions import Regions

STATUS_SCHEMA = "govreport-status/1"


@dataclass
class StatusRow:
    agency: str
    name: str
    region: str
    region_name: str
    year: int
    state: str
    errors: int
    warnings: int
    changed: float | None
    detail: str
    report: str | None  # path of the member's report, relative to the status page

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "name": self.name,
            "region": self.region,
            "region_name": self.region_name,
            "year": self.year,
            "state": self.state,
            "state_label": self.label,
            "errors": self.errors,
            "warnings": self.warnings,
            "changed": iso_day(self.changed),
            "detail": self.detail,
            "report": self.report,
        }


def mail_state(member: Member, sends: Sequence[dict[str, Any]]) -> tuple[str, float] | None:
    """(RETURNED or SENT, time) of the newest accepted message sent after the inputs last changed."""
    accepted = [s for s in sends if s.get("status") == "sent" and s.get("time_epoch")]
    if not accepted:
        return None
    last = max(accepted, key=lambda s: s["time_epoch"])
    if member.changed is not None and member.changed > last["time_epoch"]:
        return None  # the agency changed its data after our message
    returned = last.get("audience") == "review" and (last.get("errors") or 0) > 0
    return (RETURNED if returned else SENT), float(last["time_epoch"])


def _detail(m: Member) -> str:
    if m.params is None:
        return "尚未建立参数文件"
    if m.problem:
        return m.problem
    if m.check_state == BLANK:
        return "工作簿仍是空白模板"
    return ""


def status_rows(
    regions: Regions,
    region: str | None,
    year: int,
    params_dir: Path,
    outputs_dir: Path,
    page_dir: Path | None = None,
    members: dict[str, Member] | None = None,
) -> list[StatusRow]:
    """One row per expected agency of ``region`` (depth first, as regions.yaml lists them)."""
    from govreport_kit.office.sent import sends_by_agency

    sends = sends_by_agency(outputs_dir, year)
    rows = []
    for agency in regions.agencies(region):
        m = members[agency] if members and agency in members else read_member(params_dir, agency, year)
        state, changed = m.check_state, m.changed
        if state not in (MISSING, BLANK):
            mailed = mail_state(m, sends.get(agency, []))
            if mailed:
                state, changed = mailed
        trail = regions.path_of(agency, region)
        parent = trail[-1] if trail else (region or "")
        report = outputs_dir / agency / str(year) / "report.html"
        link = None
        if report.is_file() and page_dir is not None:
            link = Path(_relpath(report, page_dir)).as_posix()
        rows.append(
            StatusRow(
                agency,
                m.name,
                parent,
                regions.regions[parent].name if parent in regions.regions else "",
                int(year),
                state,
                m.errors,
                m.warnings,
                changed,
                _detail(m),
                link,
            )
        )
    return rows


def _relpath(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), start.resolve())


def counts(rows: Sequence[StatusRow]) -> dict[str, int]:
    out = {s: 0 for s in STATE_LABELS}
    for r in rows:
        out[r.state] += 1
    return out


# ------------------------------------------------------------------------------------ outputs


def format_table(rows: Sequence[StatusRow], title: str) -> str:
    """The terminal table (aligned for CJK: each CJK character takes two columns)."""
    from govreport_kit.checks.wording import width as display_width

    head = ("机构代码", "机构名称", "所属地区", "状态", "错误", "警告", "最后变更", "说明")
    body = [
        (r.agency, r.name, r.region_name, r.label, str(r.errors), str(r.warnings), iso_day(r.changed), r.detail)
        for r in rows
    ]
    widths = [max([display_width(h)] + [display_width(b[i]) for b in body]) for i, h in enumerate(head)]
    widths[-1] = 0

    def line(cells) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

    c = counts(rows)
    summary = "，".join(f"{STATE_LABELS[s]} {n}" for s, n in c.items() if n)
    return "\n".join([title, line(head), *(line(b) for b in body), "", f"共 {len(rows)} 个机构：{summary}", ""])


def to_json(
    rows: Sequence[StatusRow], region: str, region_name: str, year: int, notes: Sequence[str]
) -> dict[str, Any]:
    return {
        "schema": STATUS_SCHEMA,
        "region": region,
        "region_name": region_name,
        "year": int(year),
        "counts": counts(rows),
        "notes": list(notes),
        "agencies": [r.to_dict() for r in rows],
    }


_HEADERS = ("机构代码", "机构名称", "所属地区", "年度", "状态", "错误", "警告", "最后变更", "说明")


def _table_values(r: StatusRow) -> list[Any]:
    return [r.agency, r.name, r.region_name, r.year, r.label, r.errors, r.warnings, iso_day(r.changed), r.detail]


def to_csv(rows: Sequence[StatusRow]) -> bytes:
    """UTF-8 with BOM (Excel opens it as UTF-8); text cells guarded against formula injection."""
    from govreport_kit.office.xlsx_text import guard_csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(_HEADERS)
    for r in rows:
        w.writerow([guard_csv(v) for v in _table_values(r)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[StatusRow], title: str) -> bytes:
    """A workbook with one sheet, a frozen header, filters, and every text written as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from govreport_kit.office.xlsx_text import set_text_or_number, stable_xlsx_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "报送情况"
    ws.append(list(_HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
    fills = {
        ERRORS: "FDE2E1",
        BLANK: "FFF4CC",
        MISSING: "EEEEEE",
        WARNINGS: "FFF4CC",
        OK: "E3F4E8",
        SENT: "E3F4E8",
        RETURNED: "FDE2E1",
    }
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(_table_values(r), start=1):
            set_text_or_number(ws.cell(row=i, column=j), v)
        ws.cell(row=i, column=5).fill = PatternFill("solid", fgColor=fills[r.state])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{max(1, len(rows) + 1)}"
    for col, width in zip("ABCDEFGHI", (16, 28, 14, 6, 8, 6, 6, 18, 40)):
        ws.column_dimensions[col].width = width
    wb.properties.title = title
    return stable_xlsx_bytes(wb)


_STATUS_COLUMNS = (  # (key, header, sort value)
    ("agency", "机构代码", lambda r: r.agency),
    ("name", "机构名称", lambda r: r.name),
    ("region", "所属地区", lambda r: r.region_name),
    ("state", "状态", lambda r: STATE_ORDER[r.state]),
    ("errors", "错误", lambda r: r.errors),
    ("warnings", "警告", lambda r: r.warnings),
    ("changed", "最后变更", lambda r: r.changed or 0),
    ("detail", "说明", lambda r: r.detail),
)
_STATUS_GRID = "11em 14em 8em 6em 4em 4em 10em minmax(12em, 1fr)"


def render_status_page(rows: Sequence[StatusRow], title: str, notes: Sequence[str] = ()) -> str:
    """``status.html`` (pure): ``report/templates/pages/status.html.j2``, every value escaped by Jinja."""
    from govreport_kit import __version__
    from govreport_kit.report.pages import render_page, sort_context

    sorts, styles = sort_context(rows, [(key, value) for key, _, value in _STATUS_COLUMNS])
    view = [
        {
            "agency": r.agency,
            "name": r.name,
            "region": r.region_name,
            "state": r.state,
            "label": r.label,
            "errors": r.errors,
            "warnings": r.warnings,
            "changed": iso_day(r.changed),
            "detail": r.detail,
            "report": r.report,
            "style": styles[i],
        }
        for i, r in enumerate(rows)
    ]
    return render_page(
        "status.html.j2",
        title=title,
        version=__version__,
        grid=_STATUS_GRID,
        sorts=sorts,
        headers=[(key, header) for key, header, _ in _STATUS_COLUMNS],
        rows=view,
        notes=list(notes),
        counts=[(s, STATE_LABELS[s], n) for s, n in counts(rows).items()],
    )
