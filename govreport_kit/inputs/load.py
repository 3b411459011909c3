"""Loading one agency-year from the files analysts keep: params, data, narrative.

* :func:`load_agency_year` — a params file: agency from it, tables from its ``data`` file
  (by extension: .xlsx workbook, .csv long form, .yaml/.yml data file), the narrative split into
  its raw (unfilled) Markdown parts, ``options`` from ``report``, ``inputs`` = {path relative to
  the params root: sha256} of the params, data and narrative files;
* :func:`load_previous` — the same agency's previous year, when there is one;
* :func:`load_any` — what ``govreport check PATH`` reads: a params file, a YAML data file, a
  workbook or a long-form CSV. A bare workbook takes agency and year from its 机构信息 sheet; a
  bare CSV or YAML without them gets placeholders, listed in ``model.options["notes"]``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from govreport_kit.inputs.encoding import display_path, read_text
from govreport_kit.core.errors import InputError, Location, ParamsError
from govreport_kit.core.model import Agency, AgencyYear
from govreport_kit.inputs.params import Params, load_params
from govreport_kit.inputs import strict_yaml

DATA_READERS = {".xlsx": "workbook", ".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def read_data(path: str | os.PathLike, *, agency: Agency | None = None, year: int | None = None,
              form: str | None = "2021") -> AgencyYear:
    """The tables of a data file, chosen by extension (``form``: "2021", "2019", None for either, or "auto")."""
    p = Path(path)
    kind = DATA_READERS.get(p.suffix.lower())
    if kind == "workbook":
        from govreport_kit.inputs.template import read_workbook

        return read_workbook(p, agency=agency, year=year, form=form)
    if kind == "csv":
        from govreport_kit.inputs.longform import read_longform_csv

        return read_longform_csv(p, agency=agency, year=year, form=form)
    if kind == "yaml":
        from govreport_kit.inputs.longform import read_yaml_data

        return read_yaml_data(p, agency=agency, year=year, form=form)
    hint = "；旧版 .xls 请在 Excel 中另存为 .xlsx" if p.suffix.lower() == ".xls" else ""
    raise InputError(f"不支持的文件类型“{p.suffix or '（无扩展名）'}”", Location(file=display_path(p)),
                     f"可用：参数文件 .yaml、工作簿 .xlsx、长表 .csv{hint}")


def input_hashes(params: Params) -> dict[str, str]:
    """{path relative to the params folder: sha256} of the params file, its data and its narrative."""
    root = params.path.parent.parent
    files = [params.path, params.data] + ([params.narrative] if params.narrative else [])
    return {Path(os.path.relpath(f, root)).as_posix(): sha256_file(f) for f in files}


def load_agency_year(params_path: str | os.PathLike | Params) -> AgencyYear:
    """The model of the agency-year a params file describes (narrative parts raw, not filled)."""
    params = params_path if isinstance(params_path, Params) else load_params(params_path)
    model = read_data(params.data, agency=params.agency, year=params.year, form=params.format)
    if params.narrative is not None:
        from govreport_kit.inputs.narrative import split_parts_located

        model.narrative, model.narrative_origin = split_parts_located(read_text(params.narrative),
                                                                      display_path(params.narrative))
    model.options = {**dict(params.report), **model.options}
    model.title = params.report.get("title") or None
    model.inputs = input_hashes(params)
    return model


def load_previous(params: Params) -> AgencyYear | None:
    """The same agency's previous year (``params.previous``), or None when there is none."""
    if params.previous is None:
        return None
    where = Location(file=display_path(params.path), key="previous")
    p = params.previous
    if p.suffix.lower() in (".yaml", ".yml") and _is_params_file(p):
        prev_params = load_params(p)
        if prev_params.agency.code != params.agency.code:
            raise ParamsError(f"上一年度参数文件 {display_path(p)} 属于机构“{prev_params.agency.code}”，"
                              f"不是“{params.agency.code}”", where, "请指向同一机构的上一年度")
        if prev_params.year != params.year - 1:
            raise ParamsError(f"上一年度参数文件 {display_path(p)} 的年度是 {prev_params.year}，应为 {params.year - 1}",
                              where, "请指向上一年度的参数文件")
        return load_agency_year(prev_params)
    return read_data(p, agency=params.agency, year=params.year - 1, form="auto")


def _is_params_file(path: Path) -> bool:
    """A .yaml with a top-level ``agency`` key is a params file; otherwise a YAML data file."""
    try:
        data = strict_yaml.load(read_text(path)).data
    except strict_yaml.YamlProblem:
        return True  # let load_params report the problem with its own message
    return not (isinstance(data, dict) and "agency" not in data and any(k.startswith("table") for k in data))


def load_any(path: str | os.PathLike) -> tuple[AgencyYear, AgencyYear | None]:
    """(model, previous) for ``govreport check``: params .yaml, data .yaml, workbook .xlsx or .csv."""
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise InputError("文件不存在", Location(file=display_path(p)), "请检查路径；省略路径时检查内置示例")
    if p.is_dir():
        raise InputError("这是一个文件夹", Location(file=display_path(p)),
                         "请给出参数文件（params/<机构代码>/<年度>.yaml）、工作簿 .xlsx 或长表 .csv")
    if suffix in (".yaml", ".yml") and _is_params_file(p):
        params = load_params(p)
        return load_agency_year(params), load_previous(params)
    model = read_data(p, form="auto")
    model.inputs = {p.name: sha256_file(p)}
    return model, None
