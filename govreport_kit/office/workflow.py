"""The office's commands as functions: status, roll-up; files at the edges (the CLI calls these).

Each reads the project's regions and members once, computes with the pure modules, and writes
its pages under ``outputs/_regions/<region>/<year>/`` atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.core import paths
from govreport_kit.core.files import atomic_write
from govreport_kit.office.members import Member, read_member
from govreport_kit.office.regions import Regions, load_regions

REGIONS_OUTPUT = "_regions"


@dataclass
class Office:
    params_dir: Path
    outputs_dir: Path
    regions: Regions
    _members: dict[tuple[str, int], Member] = field(default_factory=dict)

    @classmethod
    def open(cls, params_dir: str | Path | None = None, outputs_dir: str | Path | None = None) -> Office:
        pdir = Path(params_dir) if params_dir else paths.params_dir()
        odir = Path(outputs_dir) if outputs_dir else paths.outputs_dir()
        return cls(pdir, odir, load_regions(pdir))

    def member(self, agency: str, year: int) -> Member:
        key = (agency, int(year))
        if key not in self._members:
            m = read_member(self.params_dir, agency, int(year), outputs_dir=self.outputs_dir)
            self._members[key] = m
            if m.cells is not None and m.previous is None and (self.params_dir / agency / f"{year - 1}.yaml").is_file():
                m.previous = self.member(agency, int(year) - 1).cells
        return self._members[key]

    def members(self, region: str | None, year: int) -> dict[str, Member]:
        return {a: self.member(a, year) for a in self.regions.agencies(region)}

    def page_dir(self, region: str, year: int) -> Path:
        return self.outputs_dir / REGIONS_OUTPUT / region / str(int(year))


@dataclass
class StatusResult:
    region: str
    region_name: str
    year: int
    rows: list
    notes: list[str]
    files: dict[str, Path]

    def to_dict(self) -> dict[str, Any]:
        from govreport_kit.office.status import to_json

        return to_json(self.rows, self.region, self.region_name, self.year, self.notes)


def run_status(region: str | None, year: int, *, office: Office | None = None, write: bool = True) -> StatusResult:
    from govreport_kit.office import status

    office = office or Office.open()
    reg = office.regions.get(region)
    out_dir = office.page_dir(reg.code, year)
    rows = status.status_rows(
        office.regions, reg.code, year, office.params_dir, office.outputs_dir, out_dir, office.members(reg.code, year)
    )
    title = f"{reg.name} {int(year)} 年政府信息公开工作年度报告报送情况"
    files: dict[str, Path] = {}
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
        files["html"] = atomic_write(
            out_dir / "status.html", status.render_status_page(rows, title, office.regions.notes)
        )
        files["xlsx"] = atomic_write(out_dir / "status.xlsx", status.to_xlsx(rows, title))
        files["csv"] = atomic_write(out_dir / "status.csv", status.to_csv(rows))
    return StatusResult(reg.code, reg.name, int(year), rows, list(office.regions.notes), files)


def run_rollup(
    region: str | None,
    year: int,
    *,
    office: Office | None = None,
    history: int = 5,
    from_audit: str | Path | None = None,
):
    """The region's :class:`~govreport_kit.office.rollup.Rollup`, with its multi-year trend.

    ``from_audit``: the JSON of ``govreport audit --json``: members' tables as published (matched
    to agencies by code in the file name, or by name), cells not read stay unknown, never 0.
    """
    from govreport_kit.office.rollup import build_rollup, trend_point

    office = office or Office.open()
    reg = office.regions.get(region)
    if from_audit is not None:
        from govreport_kit.office.audited import members_from_audit

        members = members_from_audit(Path(from_audit), office.regions.agencies(reg.code), year, office.params_dir)
        return build_rollup(reg.code, reg.name, int(year), list(members.values()))
    members = office.members(reg.code, year)
    own = office.member(reg.own, year) if reg.own else None
    r = build_rollup(reg.code, reg.name, int(year), list(members.values()), own)
    page = office.page_dir(reg.code, year)
    for line in r.members:
        report = office.outputs_dir / line.agency / str(int(year)) / "report.html"
        if report.is_file():
            import os

            line.report = Path(os.path.relpath(report, page)).as_posix()
    for y in range(int(year) - history + 1, int(year) + 1):
        point = trend_point([office.member(a, y) for a in office.regions.agencies(reg.code)], y)
        if point is not None:
            r.trend.append(point)
    return r


def region_params(
    region: str | None, year: int, *, only_failing: bool = False, office: Office | None = None
) -> list[Path]:
    """The params files ``govreport mail --region`` sends: members that exist and are filled in
    (未建立 and 未填写 have no report to send); with ``only_failing``, those with errors."""
    from govreport_kit.office.members import BLANK, ERRORS, MISSING

    office = office or Office.open()
    out = []
    for _agency, m in office.members(office.regions.get(region).code, year).items():
        state = m.check_state
        if state in (MISSING, BLANK) or m.params is None:
            continue
        if only_failing and state != ERRORS:
            continue
        out.append(m.params)
    return out
