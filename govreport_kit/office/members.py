"""What the office knows of one member agency-year: its data, its findings, when it last changed.

:func:`read_member` loads ``params/<agency>/<year>.yaml`` and checks it (the same rules as
``govreport check``), or says why it cannot: no params (未建立), unreadable input. The loaded
tables are kept for the roll-up. Nothing here renders or sends anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import GovReportError
from govreport_kit.core.model import AgencyYear

# States, in the order an office works through them.
MISSING, BLANK, ERRORS, WARNINGS, OK, RETURNED, SENT = "missing", "blank", "errors", "warnings", "ok", "returned", "sent"
STATE_LABELS = {MISSING: "未建立", BLANK: "未填写", ERRORS: "有错误", WARNINGS: "有警告", OK: "正常",
                RETURNED: "已退回", SENT: "已发送"}
STATE_ORDER = {s: i for i, s in enumerate((MISSING, BLANK, ERRORS, WARNINGS, OK, RETURNED, SENT))}


@dataclass
class Member:
    agency: str
    year: int
    params: Path | None = None
    model: AgencyYear | None = None
    previous: AgencyYear | None = None
    errors: int = 0
    warnings: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""  # why it could not be read
    changed: float | None = None  # mtime of its newest input

    @property
    def name(self) -> str:
        return self.model.agency.name if self.model is not None else ""

    @property
    def check_state(self) -> str:
        if self.params is None:
            return MISSING
        if self.model is None:
            return ERRORS  # unreadable input counts as an error to fix
        if is_blank(self.model):
            return BLANK
        return ERRORS if self.errors else WARNINGS if self.warnings else OK

    @property
    def has_data(self) -> bool:
        return self.model is not None and not is_blank(self.model)


def is_blank(model: AgencyYear) -> bool:
    """True when not one cell of tables 二, 三 and 四 holds a number (the template as handed out)."""
    if model.table2["value"].notna().any():
        return False
    return not any(bool(model.table(t).notna().to_numpy().any()) for t in ("table3", "table4"))


def changed_at(paths: list[Path]) -> float | None:
    times = [p.stat().st_mtime for p in paths if p.is_file()]
    return max(times) if times else None


def iso_day(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else ""


def read_member(params_dir: Path, agency: str, year: int, *, outputs_dir: Path | None = None) -> Member:
    """Load and check one agency-year; never raises on bad input (the problem is kept instead).

    With ``outputs_dir``, a report already rendered from exactly these inputs is read instead of
    the inputs (its ``findings.json`` carries the tables, the findings and the input hashes).
    """
    from govreport_kit.checks.rules import check
    from govreport_kit.inputs.load import load_agency_year, load_previous
    from govreport_kit.inputs.params import load_params

    m = Member(agency, int(year))
    path = params_dir / agency / f"{year}.yaml"
    if not path.is_file():
        m.changed = changed_at([params_dir / agency]) if (params_dir / agency).is_dir() else None
        return m
    m.params = path
    try:
        params = load_params(path)
        m.changed = changed_at([p for p in (params.path, params.data, params.narrative) if p])
        if outputs_dir is not None and _from_report(m, params, outputs_dir):
            return m
        m.model = load_agency_year(params)
        m.previous = load_previous(params)
    except GovReportError as e:
        m.problem = e.message
        m.changed = m.changed or changed_at([path])
        return m
    from govreport_kit.audit.fastcheck import validate_table

    findings = check(m.model, m.previous, validate=validate_table)
    m.findings = [f.to_dict() for f in findings]
    m.errors = sum(f.severity == fmt.ERROR for f in findings)
    m.warnings = sum(f.severity == fmt.WARNING for f in findings)
    return m


def _from_report(m: Member, params, outputs_dir: Path) -> bool:
    """Fill ``m`` from the rendered report's findings.json when it was made from the current inputs."""
    import json

    from govreport_kit.core.model import cells_from_dict, from_cells
    from govreport_kit.inputs.load import input_hashes

    report = outputs_dir / m.agency / str(m.year) / "findings.json"
    if not report.is_file():
        return False
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if not isinstance(doc, dict) or "tables" not in doc or doc.get("inputs") != input_hashes(params):
        return False
    if params.previous is not None and changed_at([params.previous]) and changed_at([params.previous]) > report.stat().st_mtime:
        return False  # last year's data changed after the report: its cross-year findings may be stale
    form = "2019" if "table2_2019" in doc["tables"] else "2021"
    m.model = from_cells(params.agency, params.year, cells_from_dict(doc["tables"]), form)
    m.findings = list(doc.get("findings", []))
    m.errors = sum(f.get("severity") == fmt.ERROR for f in m.findings)
    m.warnings = sum(f.get("severity") == fmt.WARNING for f in m.findings)
    return True
