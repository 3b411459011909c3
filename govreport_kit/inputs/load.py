"""Loading one agency-year from the files analysts keep: params, data, narrative.

* :func:`load_agency_year` — a params file: agency from it, tables from its ``data`` file
  (by extension: .xlsx workbook, .csv long form, .yaml/.yml data file), the narrative split into
  its raw (unfilled) Markdown parts, ``options`` from ``report``, ``inputs`` = {path relative to
  the params root: sha256} of the params, data and narrative files;
* :func:`load_previous` — the same agency's previous year, when there is one;
* :func:`load_any` — what ``govreport check PATH`` reads: a params file, a YAML data file, a
  workbook or a long-form CSV. A bare workbook takes agency and year from its 机构信息 sheet; a
  bare CSV or YAML without them gets placeholders, listed in ``model.options["notes"]``. A
  finished report as Word (.docx) or PDF is read by the audit reader (:mod:`govreport_kit.audit`):
  its tables, prose, agency and year as published; cells it could not read are listed in the notes.
"""

from __future__ import annotations

import os
from pathlib import Path

from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.errors import InputError, Location, ParamsError
from govreport_kit.core.files import sha256_file
from govreport_kit.core.model import Agency, AgencyYear
from govreport_kit.inputs import strict_yaml
from govreport_kit.inputs.encoding import display_path, read_text
from govreport_kit.inputs.params import Params, load_params

DATA_READERS = {".xlsx": "workbook", ".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}
#: Finished reports, read with the audit's reader (.doc is refused there, with the fix).
REPORT_DOCUMENTS = (".docx", ".docm", ".doc", ".pdf")


def read_data(
    path: str | os.PathLike,
    *,
    agency: Agency | None = None,
    year: int | None = None,
    form: str | None = "2021",
    optional: tuple[str, ...] = (),
    params_file: str | None = None,
) -> AgencyYear:
    """The tables of a data file, chosen by extension (``form``: "2021", "2019", None for either, or "auto").

    ``optional``: tables a workbook may lack (a CSV or YAML file leaves unlisted cells blank anyway).
    """
    p = Path(path)
    kind = DATA_READERS.get(p.suffix.lower())
    if kind == "workbook":
        from govreport_kit.inputs.workbook import read_workbook

        return read_workbook(p, agency=agency, year=year, form=form, optional=optional, params_file=params_file)
    if kind == "csv":
        from govreport_kit.inputs.longform import read_longform_csv

        return read_longform_csv(p, agency=agency, year=year, form=form)
    if kind == "yaml":
        from govreport_kit.inputs.longform import read_yaml_data

        return read_yaml_data(p, agency=agency, year=year, form=form)
    hint = "；旧版 .xls 请在 Excel 中另存为 .xlsx" if p.suffix.lower() == ".xls" else ""
    raise InputError(
        f"不支持的文件类型“{p.suffix or '（无扩展名）'}”",
        Location(file=display_path(p)),
        f"可用：参数文件 .yaml、工作簿 .xlsx、长表 .csv{hint}",
    )


def input_hashes(params: Params) -> dict[str, str]:
    """{path relative to the params folder: sha256} of the params file, its data and its narrative."""
    root = params.path.parent.parent
    files = (
        [params.path, params.data]
        + ([params.narrative] if params.narrative else [])
        + ([params.ledger] if params.ledger else [])
    )
    return {Path(os.path.relpath(f, root)).as_posix(): sha256_file(f) for f in files}


def load_agency_year(params_path: str | os.PathLike | Params) -> AgencyYear:
    """The model of the agency-year a params file describes (narrative parts raw, not filled)."""
    params = params_path if isinstance(params_path, Params) else load_params(params_path)
    optional = ("table3",) if params.ledger else ()
    shown = display_path(params.path)
    model = read_data(
        params.data, agency=params.agency, year=params.year, form=params.format, optional=optional, params_file=shown
    )
    for code, _ in fmt.AGENCY_FIELDS:  # data files other than workbooks hold no agency details
        model.agency_origin.setdefault(code, Location(file=shown, key=f"agency.{code}"))
    if params.ledger is not None:
        apply_ledger(model, params.ledger)
    if params.narrative is not None:
        from govreport_kit.inputs.narrative import split_parts_located

        text = read_text(params.narrative, "narrative")
        if len(text) > limits.NARRATIVE_CHARS.value:
            raise InputError(
                f"正文有 {len(text):,} 个字符，超过{limits.NARRATIVE_CHARS.describe()}",
                Location(file=display_path(params.narrative)),
                "请确认选对了正文文件",
            )
        model.narrative, model.narrative_origin = split_parts_located(text, display_path(params.narrative))
    model.options = {**dict(params.report), **model.options}
    model.title = params.report.get("title") or None
    model.inputs = input_hashes(params)
    return model


def apply_ledger(model: AgencyYear, ledger_path: Path) -> None:
    """Table 三 of ``model`` derived from the ledger; a hand-typed table 三 is kept for R-LEDGER.

    The data file's table 三 counts as given when any of its cells holds a value; then every cell
    that differs from the ledger's becomes an R-LEDGER finding (``model.ledger.differences``).
    """
    from govreport_kit.checks.ledger import compare, summarize
    from govreport_kit.core import format as fmt
    from govreport_kit.inputs.ledger import read_ledger

    summary = summarize(read_ledger(ledger_path), model.year)
    import pandas as pd

    hand = {
        (r, c): v for r, c in fmt.cells("table3") if (v := model.get("table3", r, c)) is not pd.NA and v is not None
    }
    if hand:  # R-LEDGER findings point at the hand-typed cells
        summary.differences = compare({k: hand.get(k) for k in summary.table3}, summary.table3)
        summary.hand_sources = {
            (r, c): model.sources[("table3", r, c)]
            for r, c, _, _ in summary.differences
            if ("table3", r, c) in model.sources
        }
    for (r, c), v in summary.table3.items():
        model.set("table3", r, c, v, source=Location(file=summary.ledger.file, sheet=summary.ledger.sheet))
    model.ledger = summary


def load_previous(params: Params) -> AgencyYear | None:
    """The same agency's previous year (``params.previous``), or None when there is none."""
    if params.previous is None:
        return None
    where = Location(file=display_path(params.path), key="previous")
    p = params.previous
    if p.suffix.lower() in (".yaml", ".yml") and _is_params_file(p):
        prev_params = load_params(p)
        if prev_params.agency.code != params.agency.code:
            raise ParamsError(
                f"上一年度参数文件 {display_path(p)} 属于机构“{prev_params.agency.code}”，不是“{params.agency.code}”",
                where,
                "请指向同一机构的上一年度",
            )
        if prev_params.year != params.year - 1:
            raise ParamsError(
                f"上一年度参数文件 {display_path(p)} 的年度是 {prev_params.year}，应为 {params.year - 1}",
                where,
                "请指向上一年度的参数文件",
            )
        return load_agency_year(prev_params)
    return read_data(p, agency=params.agency, year=params.year - 1, form="auto")


def load_history(params: Params, years: int = 4) -> dict[int, AgencyYear]:
    """Up to ``years`` earlier years of the same agency, {year: model}, following ``previous``.

    Last year must load (its problems are the analyst's to fix, as in ``load_previous``); an older
    year that cannot be read only ends the history there.
    """
    from govreport_kit.core.errors import GovReportError

    out: dict[int, AgencyYear] = {}
    current = params
    for depth in range(years):
        try:
            model = load_previous(current)
        except GovReportError:
            if depth == 0:
                raise
            break
        if model is None:
            break
        out[model.year] = model
        p = current.previous
        if p is None or p.suffix.lower() not in (".yaml", ".yml") or not _is_params_file(p):
            break
        current = load_params(p)
    return dict(sorted(out.items()))


def _is_params_file(path: Path) -> bool:
    """A .yaml with a top-level ``agency`` key is a params file; otherwise a YAML data file."""
    try:
        data = strict_yaml.load(read_text(path, "params")).data
    except strict_yaml.YamlProblem:
        return True  # let load_params report the problem with its own message
    return not (isinstance(data, dict) and "agency" not in data and any(k.startswith("table") for k in data))


def load_any(path: str | os.PathLike, *, year: int | None = None) -> tuple[AgencyYear, AgencyYear | None]:
    """(model, previous) for ``govreport check``: params .yaml, data .yaml, workbook .xlsx or .csv.

    ``year``: the report year of a data file that holds none (a params file has its own).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise InputError("文件不存在", Location(file=display_path(p)), "请检查路径；省略路径时检查内置示例")
    if p.is_dir():
        raise InputError(
            "这是一个文件夹",
            Location(file=display_path(p)),
            "请给出参数文件（params/<机构代码>/<年度>.yaml）、工作簿 .xlsx 或长表 .csv",
        )
    if suffix in (".yaml", ".yml") and _is_params_file(p):
        params = load_params(p)
        return load_agency_year(params), load_previous(params)
    if suffix in REPORT_DOCUMENTS:
        return read_report_document(p), None
    if year is not None and fmt.year_problem(year):
        raise ParamsError(fmt.year_problem(year), Location(key="--year"))
    model = read_data(p, year=year, form="auto")
    model.inputs = {p.name: sha256_file(p)}
    return model, None


def read_report_document(path: Path) -> AgencyYear:
    """The model of a finished report (.docx, .pdf) as the audit reads it."""
    from govreport_kit.audit.audit import audit_paths

    res = audit_paths([path])[0]
    if res.model is None or not res.readable:
        why = "；".join(u.message for u in res.unreadable) or "没有读出任何表格"
        raise InputError(
            f"无法从报告中读出表格：{why}",
            Location(file=display_path(path)),
            "请确认这是一份年度报告；也可以检查它的数据文件（工作簿 .xlsx 或参数文件）",
        )
    model = res.model
    notes = list(model.options.get("notes", []))
    if res.unread_cells:
        notes.append(f"{len(res.unread_cells)} 个单元格未能从报告中读出，按空白检查")
    notes += [u.message for u in res.unreadable]
    model.options = {**model.options, "notes": notes}
    model.inputs = {path.name: sha256_file(path)}
    return model
