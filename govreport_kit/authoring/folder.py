"""Write one agency-year folder: ``params/<code>/<year>.yaml`` with its data file and narrative.

The one way ``govreport new``, ``govreport import`` and the synthetic agencies write a project's
inputs: the agency code is validated before it names a folder, the folder must stay inside the
params folder, the data file (workbook or long-form CSV) and the narrative are written first and
the params file that ties them together last (atomically, -rw-r--r--), so a half-written folder
never has a params file that loads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location, ParamsError
from govreport_kit.core.files import atomic_write
from govreport_kit.core.model import Agency, AgencyYear, require_agency_code


@dataclass(frozen=True)
class AgencyYearFiles:
    """The three files of one agency-year."""

    params: Path
    data: Path
    narrative: Path

    def existing(self) -> list[Path]:
        return [p for p in (self.params, self.data, self.narrative) if p.exists()]


def agency_year_files(
    params_dir: str | os.PathLike, code: str, year: int, *, data_suffix: str = ".xlsx", key: str = "code"
) -> AgencyYearFiles:
    """``<params_dir>/<code>/<year>.yaml``, ``.<data_suffix>`` and ``.md``, after checking the code.

    ``key`` names the code's origin in an error (``code``, ``--agency`` …).
    """
    require_agency_code(code, Location(key=key))  # before the code is used in any path
    root = Path(params_dir).resolve()
    folder = (root / code).resolve()
    if not folder.is_relative_to(root) or folder == root:
        raise ParamsError(f"机构文件夹 {folder} 不在参数目录 {root} 之内", Location(key=key))
    return AgencyYearFiles(folder / f"{year}.yaml", folder / f"{year}{data_suffix}", folder / f"{year}.md")


def params_dict(
    agency: Agency,
    year: int,
    form: str,
    data_name: str,
    narrative_name: str | None = None,
    *,
    report: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The params file's content: agency details (empty ones as null), year, format, data and narrative file names."""
    raw: dict[str, Any] = {
        "agency": {k: (getattr(agency, k, "") or None) for k, _ in fmt.AGENCY_FIELDS},
        "year": year,
        "format": form,
        "data": data_name,
    }
    if narrative_name:
        raw["narrative"] = narrative_name
    if report:
        raw["report"] = report
    return raw


def write_agency_year(
    files: AgencyYearFiles,
    model: AgencyYear,
    narrative: str,
    *,
    empty: bool = False,
    report: dict[str, Any] | None = None,
    validate: bool = True,
    extra: dict[str, Any] | None = None,
) -> AgencyYearFiles:
    """Write the data file (its suffix chooses workbook or long-form CSV), the narrative, then the params.

    ``empty``: an empty workbook for the model's agency and year (the tables are ignored).
    ``report``: the params file's ``report:`` section. ``validate``: load the written params file
    (a file this tool writes must load: fail here, not next year).
    """
    from govreport_kit.inputs.params import dump_params, load_params

    files.params.parent.mkdir(parents=True, exist_ok=True)
    suffix = files.data.suffix.lower()
    if suffix == ".xlsx":
        from govreport_kit.inputs.template import write_template, write_workbook

        if empty:
            write_template(files.data, model.agency, model.year, model.format)
        else:
            write_workbook(files.data, model)
    elif suffix == ".csv":
        from govreport_kit.inputs.longform import write_longform_csv

        write_longform_csv(files.data, model)
    else:
        raise ValueError(f"data file must be .xlsx or .csv, not {files.data.name}")
    atomic_write(files.narrative, narrative)
    raw = params_dict(model.agency, model.year, model.format, files.data.name, files.narrative.name, report=report)
    raw.update(extra or {})  # e.g. ``ledger``: a file written beside the params before this call
    atomic_write(files.params, dump_params(raw))
    if validate:
        load_params(files.params)
    return files
