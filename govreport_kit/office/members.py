"""What the office knows of one member agency-year: its data, its findings, when it last changed.

:func:`read_member` loads ``params/<agency>/<year>.yaml`` and checks it (the same rules as
``govreport check``), or says why it cannot: no params (未建立), unreadable input. The loaded
tables are kept for the roll-up. Nothing here renders or sends anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from govreport_kit.checks.findings import count_by_severity
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import GovReportError
from govreport_kit.core.model import AgencyYear

# States, in the order an office works through them.
MISSING, BLANK, ERRORS, WARNINGS, OK, RETURNED, SENT = (
    "missing",
    "blank",
    "errors",
    "warnings",
    "ok",
    "returned",
    "sent",
)
STATE_LABELS = {
    MISSING: "未建立",
    BLANK: "未填写",
    ERRORS: "有错误",
    WARNINGS: "有警告",
    OK: "正常",
    RETURNED: "已退回",
    SENT: "已发送",
}
STATE_ORDER = {s: i for i, s in enumerate((MISSING, BLANK, ERRORS, WARNINGS, OK, RETURNED, SENT))}


Cells = dict[tuple[str, str, str], Any]  # (table, row, column) -> int | Decimal | None


@dataclass
class Member:
    """One expected agency-year as the office sees it: its cells (not a model: a region may have a
    thousand members), its findings, where it stands."""

    agency: str
    year: int
    params: Path | None = None
    name: str = ""
    form: str = "2021"
    cells: Cells | None = None  # None: nothing could be read
    previous: Cells | None = None  # last year's cells, when known
    errors: int = 0
    warnings: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""  # why it could not be read
    changed: float | None = None  # mtime of its newest input

    @property
    def check_state(self) -> str:
        if self.params is None:
            return MISSING
        if self.cells is None:
            return ERRORS  # unreadable input counts as an error to fix
        if is_blank(self.cells):
            return BLANK
        return ERRORS if self.errors else WARNINGS if self.warnings else OK

    @property
    def has_data(self) -> bool:
        return self.cells is not None and not is_blank(self.cells)


def cells_of(tables: dict[str, Any]) -> Cells:
    """Flat cells from the nested canonical shape (``AgencyYear.tables_to_dict``, audit JSON)."""
    from govreport_kit.core.model import cells_from_dict

    return {(t, r, c): v for t, r, c, v in cells_from_dict(tables)}


def model_cells(model: AgencyYear) -> Cells:
    """Flat cells of a model, read table by table (``df.at`` per cell would cost ~10 ms a model)."""
    out: Cells = {}
    for (r, c), v in model.table2["value"].to_dict().items():
        out[("table2", r, c)] = _plain(v)
    for t in ("table3", "table4"):
        for c, col in model.table(t).to_dict().items():
            for r, v in col.items():
                out[(t, r, c)] = _plain(v)
    return out


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, Decimal):
        return v
    return int(v)


def is_blank(cells: Cells) -> bool:
    """True when not one cell of tables 二, 三 and 四 holds a number (the template as handed out)."""
    return all(v is None for v in cells.values())


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
    if outputs_dir is not None and _from_report(m, params_dir, outputs_dir):
        return m
    try:
        params = load_params(path)
        m.changed = changed_at([p for p in (params.path, params.data, params.narrative) if p])
        model = load_agency_year(params)
        previous = load_previous(params)
    except GovReportError as e:
        m.problem = e.message
        m.changed = m.changed or changed_at([path])
        return m
    from govreport_kit.audit.fastcheck import validate_table

    m.name, m.form, m.cells = model.agency.name, model.format, model_cells(model)
    m.previous = model_cells(previous) if previous is not None else None
    findings = check(model, previous, validate=validate_table)
    m.findings = [f.to_dict() for f in findings]
    counts = count_by_severity(findings)
    m.errors, m.warnings = counts[fmt.ERROR], counts[fmt.WARNING]
    return m


def _from_report(m: Member, params_dir: Path, outputs_dir: Path) -> bool:
    """Fill ``m`` from its rendered report's ``findings.json`` when that was made from the current inputs.

    The report records the SHA-256 of its inputs (params file, data, narrative; paths relative to
    ``params/``); they are compared with the files as they are now, so nothing is parsed for an
    unchanged member. Last year's files changed after the report make it stale (its cross-year
    findings may differ).
    """
    import json

    from govreport_kit.core.files import sha256_file

    report = outputs_dir / m.agency / str(m.year) / "findings.json"
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    inputs = doc.get("inputs") if isinstance(doc, dict) else None
    if not isinstance(inputs, dict) or "tables" not in doc or not doc.get("agency_name"):
        return False
    if f"{m.agency}/{m.year}.yaml" not in inputs:
        return False
    files = [params_dir / rel for rel in inputs]
    for f, want in zip(files, inputs.values()):
        if not f.is_file() or not f.resolve().is_relative_to(params_dir.resolve()) or sha256_file(f) != want:
            return False
    written = report.stat().st_mtime
    last_year = [p for p in (params_dir / m.agency).glob(f"{m.year - 1}.*") if p.is_file()]
    if any(p.stat().st_mtime > written for p in last_year):
        return False
    m.changed = changed_at(files)
    m.form = "2019" if "table2_2019" in doc["tables"] else "2021"
    m.name = str(doc["agency_name"])
    m.cells = cells_of(doc["tables"])
    m.findings = list(doc.get("findings", []))
    m.errors = sum(f.get("severity") == fmt.ERROR for f in m.findings)
    m.warnings = sum(f.get("severity") == fmt.WARNING for f in m.findings)
    return True
