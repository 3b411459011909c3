"""``govreport new``: the params, workbook and narrative of a new agency-year.

Without a previous year: an empty workbook (the official layout), a narrative skeleton with the
part headings and the usual sentences written with placeholders, and a params file tying them
together. With ``params/<code>/<year-1>.yaml`` present, the new year starts from it:

* agency details (address, phone …) are carried over; the name given on the command line wins;
* the narrative keeps last year's headings and every paragraph written with placeholders (their
  numbers update by themselves); paragraphs of plain prose become “（待填写）”;
* table 三's 上年结转 row (``carried``) is filled from last year's 结转下年度继续办理
  (``carried_forward``), as R-X-CARRY expects; when last year kept an application ledger
  (``ledger:``), a new ledger ``<year>-ledger.xlsx`` is written instead, holding the applications
  still open on 31 December of last year, and table 三 is left to be derived from it. Nothing else is pre-filled: in particular table 二's
  现行有效件数 stays blank, because a copied stock looks like data while it must still be
  updated by this year's 制发 and 废止 (R-X-STOCK checks it once filled).

The agency code is validated before it is used in any path; no existing file is overwritten.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from govreport_kit.authoring.folder import agency_year_files, write_agency_year
from govreport_kit.core import format as fmt
from govreport_kit.core.errors import Location, ParamsError
from govreport_kit.core.model import Agency, AgencyYear, name_problem

TO_FILL = "（待填写）"


@dataclass
class Scaffold:
    params: Path
    workbook: Path
    narrative: Path
    previous: Path | None = None  # last year's params file, when the new year started from it
    ledger: Path | None = None  # the new ledger, when last year had one (open applications carried)
    notes: list[str] = field(default_factory=list)  # Chinese lines for the analyst


def skeleton_markdown() -> str:
    """A narrative for a first year: headings, placeholders for every number, prose to fill."""
    heads = fmt.OVERVIEW_SUBHEADS
    title = {p.code: p.title for p in fmt.PARTS}
    return "\n".join(
        [
            "按照《中华人民共和国政府信息公开条例》规定编制本年度报告。本年度报告中所列数据统计期限为"
            "{{ period.start }}至{{ period.end }}。如对本年度报告有疑问和意见建议，请与{{ agency.name }}联系"
            "（地址：{{ agency.address }}，电话：{{ agency.phone }}，电子邮箱：{{ agency.email }}）。",
            "",
            f"# {title['overview']}",
            "",
            f"## {heads[0]}",
            "",
            TO_FILL,
            "",
            "本年制发行政规范性文件{{ table2.normative_documents.issued }}件，现行有效"
            "{{ table2.normative_documents.in_force }}件。",
            "",
            f"## {heads[1]}",
            "",
            "本年新收政府信息公开申请{{ table3.new.total }}件，上年结转{{ table3.carried.total }}件，"
            "办结{{ table3.total.total }}件，结转下年度继续办理{{ table3.carried_forward.total }}件。",
            "",
            f"## {heads[2]}",
            "",
            TO_FILL,
            "",
            f"## {heads[3]}",
            "",
            TO_FILL,
            "",
            f"## {heads[4]}",
            "",
            TO_FILL,
            "",
            f"# {title['problems']}",
            "",
            TO_FILL,
            "",
            f"# {title['other']}",
            "",
            TO_FILL,
            "",
        ]
    )


def skeleton_from(previous_markdown: str) -> str:
    """Last year's narrative as a skeleton: headings and placeholder paragraphs kept, prose to fill."""
    blocks = re.split(r"\n[ \t]*\n", previous_markdown.replace("\r\n", "\n").strip("\n"))
    out = []
    for block in blocks:
        stripped = block.strip()
        if not stripped:
            continue
        if stripped.startswith("#") or "{{" in stripped:
            out.append(block.rstrip())
        elif not out or out[-1] != TO_FILL:
            out.append(TO_FILL)
    return "\n\n".join(out) + "\n"


def new_agency_year(code: str, year: int, name: str, params_dir: str | os.PathLike | None = None) -> Scaffold:
    """Create ``<params_dir>/<code>/<year>.yaml``, ``<year>.xlsx`` and ``<year>.md``; see the module doc."""
    from govreport_kit.core import paths

    files = agency_year_files(params_dir or paths.params_dir(), code, year)
    year_problem = fmt.year_problem(year)
    if year_problem:
        raise ParamsError(year_problem, Location(key="year"), "用 --year 给出四位数字的报告年度，例如 2024")
    name = (name or "").strip()
    if not name:
        raise ParamsError("机构名称为空", Location(key="name"), "用 --name 给出报告标题中的全称")
    bad = name_problem(name)
    if bad:
        raise ParamsError(
            f"机构名称含有{bad}", Location(key="--name"), "机构名称只写一行可见的文字，例如“昆明市西山区教育体育局”"
        )
    out = Scaffold(files.params, files.data, files.narrative)
    existing = files.existing()
    if existing:
        raise ParamsError(
            f"文件已存在，不会覆盖：{'、'.join(str(p) for p in existing)}",
            Location(file=str(existing[0])),
            "换一个年度，或先把已有文件改名或移走",
        )
    model, narrative, previous = _start_from_previous(out, Agency(name=name, code=code), year)
    extra: dict[str, str] = {}
    extra_files: dict[Path, bytes] = {}
    empty = previous is None
    if previous is not None and previous.ledger is not None and model.format == "2021":
        from govreport_kit.inputs.ledger_template import ledger_bytes

        rows = open_applications(previous.ledger.ledger, year - 1)
        out.ledger = files.params.with_name(f"{year}-ledger.xlsx")
        if out.ledger.exists():
            raise ParamsError(
                f"文件已存在，不会覆盖：{out.ledger}",
                Location(file=str(out.ledger)),
                "换一个年度，或先把已有文件改名或移走",
            )
        extra_files[out.ledger] = ledger_bytes(model.agency, year, rows)  # written with the others, all or none
        out.notes[-1] = (
            f"已从 {year - 1} 年度沿用机构信息和正文结构；{year - 1} 年台账中到12月31日仍未办结的 {len(rows)} 件申请"
            f"已转入 {out.ledger.name}，表三将按新台账统计"
        )
        extra["ledger"] = out.ledger.name
        empty = True  # table 三 comes from the ledger; the workbook holds tables 二 and 四
    write_agency_year(files, model, narrative, empty=empty, extra=extra, extra_files=extra_files, every_agency_key=True)
    return out


def _start_from_previous(out: Scaffold, agency: Agency, year: int) -> tuple[AgencyYear, str, AgencyYear | None]:
    """(model, narrative, last year's model): from ``<year-1>.yaml`` when it exists, else a first year."""
    from govreport_kit.inputs.params import load_params

    form = fmt.format_for_year(year)
    prev_path = out.params.with_name(f"{year - 1}.yaml")
    if not prev_path.is_file():
        return AgencyYear(agency=agency, year=year, format=form), skeleton_markdown(), None
    from govreport_kit.inputs.encoding import read_text
    from govreport_kit.inputs.load import load_agency_year

    prev_params = load_params(prev_path)
    previous = load_agency_year(prev_path)
    agency = Agency(**{**prev_params.agency.to_dict(), "name": agency.name, "code": agency.code})
    narrative = skeleton_markdown()
    if prev_params.narrative is not None and prev_params.narrative.is_file():
        narrative = skeleton_from(read_text(prev_params.narrative, "narrative"))
    out.previous = prev_path
    out.notes.append(f"已从 {year - 1} 年度沿用机构信息和正文结构，表三“上年结转”已按上年“结转下年度继续办理”填好")
    model = AgencyYear(agency=agency, year=year, format=form)
    if previous.format == form:
        for col in (c.code for c in fmt.T3_COLUMNS):
            v = previous.get("table3", "carried_forward", col)
            model.set("table3", "carried", col, None if v is None or v is pd.NA else int(v))
    return model, narrative, previous


def open_applications(ledger, year: int) -> list[dict]:
    """The rows of ``ledger`` still open on 31 December ``year``, as {column code: value} to write again."""
    import datetime as _dt

    end = _dt.date(year, 12, 31)
    rows = []
    for _, r in ledger.frame.iterrows():
        if (r["received"] is not None and r["received"] > end) or (r["closed"] is not None and r["closed"] <= end):
            continue
        rows.append(
            {
                "id": r["id"],
                "received": r["received"],
                "applicant": r["applicant_text"],
                "channel": r["channel_text"],
                "corrected": r["corrected"],
                "extended": True if r["extended"] else None,
                "closed": r["closed"],
                "outcome": r["outcome_text"],
                "fee_yuan": r["fee_yuan"],
                "note": r["note"],
            }
        )
    return rows
