"""Write one agency-year folder: ``params/<code>/<year>.yaml`` with its data file and narrative.

The one way ``govreport new``, ``govreport import`` and the synthetic agencies write a project's
inputs: the agency code is validated before it names a folder, the folder must stay inside the
params folder, the params are validated before anything is written, then every file is written
all or none (:func:`govreport_kit.core.files.atomic_write_many`, -rw-r--r--): the data file
(workbook or long-form CSV) and the narrative first and the params file that ties them together
last, so a failure leaves the agency-year as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location, ParamsError
from govreport_kit.core.files import atomic_write_many
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


def not_writable(folder: Path, e: OSError) -> InputError:
    """The refusal when the params folder cannot be written (permissions, a full disk)."""
    return InputError(
        f"无法写入参数目录（{e.strerror}）：文件夹不能写入，没有写入任何文件",
        Location(file=str(folder)),
        "请检查文件夹的权限和磁盘空间，或用 --params-dir 换一个目录",
    )


def _data_bytes(files: AgencyYearFiles, model: AgencyYear, empty: bool) -> bytes:
    suffix = files.data.suffix.lower()
    if suffix == ".xlsx":
        from govreport_kit.inputs.template import build_workbook, workbook_bytes

        if empty:
            return workbook_bytes(build_workbook(model.agency, model.year, None, model.format))
        return workbook_bytes(build_workbook(model.agency, model.year, model))
    if suffix == ".csv":
        from govreport_kit.inputs.longform import longform_bytes

        return longform_bytes(model)
    raise ValueError(f"data file must be .xlsx or .csv, not {files.data.name}")


def write_agency_year(
    files: AgencyYearFiles,
    model: AgencyYear,
    narrative: str,
    *,
    empty: bool = False,
    report: dict[str, Any] | None = None,
    validate: bool = True,
    extra: dict[str, Any] | None = None,
    extra_files: dict[Path, bytes] | None = None,
    every_agency_key: bool = False,
) -> AgencyYearFiles:
    """Write the data file (its suffix chooses workbook or long-form CSV), the narrative, then the params.

    ``empty``: an empty workbook for the model's agency and year (the tables are ignored).
    ``report``: the params file's ``report:`` section. ``validate``: check the params before
    writing and load the written params file (a file this tool writes must load: fail here, not
    next year). ``extra_files`` (e.g. a ledger) are written with the others, all or none.
    ``every_agency_key``: write the empty agency keys too, each with a comment saying what to fill
    (``govreport new``).
    """
    from govreport_kit.inputs.encoding import display_path
    from govreport_kit.inputs.params import dump_params, load_params, validate_params

    raw = params_dict(model.agency, model.year, model.format, files.data.name, files.narrative.name, report=report)
    raw.update(extra or {})  # e.g. ``ledger``: a file written with these
    if validate:
        validate_params(raw, file=display_path(files.params))  # before anything is written
    blobs: dict[Path, bytes | str] = {
        files.data: _data_bytes(files, model, empty),
        **(extra_files or {}),
        files.narrative: narrative,
        files.params: dump_params(raw, every_agency_key=every_agency_key),
    }
    try:
        files.params.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_many(blobs)
    except OSError as e:
        raise not_writable(files.params.parent, e) from None
    if validate:
        load_params(files.params)
    return files
