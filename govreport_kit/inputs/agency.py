"""One source for agency details: the params file and the workbook's 机构信息 sheet, merged.

Precedence, field by field (``format.AGENCY_FIELDS``):

1. the params file (``agency:`` in ``params/<code>/<year>.yaml``) wins when it has a value;
2. the workbook's 机构信息 sheet fills what the params file leaves empty (or does not list);
3. a field both give, with different values, keeps the params value and becomes an
   R-AGENCY-CONFLICT warning naming both places and both values.

The agency code is not merged: a workbook whose code differs from the params file's is another
agency's workbook, an input error (see :mod:`govreport_kit.inputs.workbook`). Values are compared
after NFKC and without surrounding or repeated spaces, so “0871-1” and “０８７１-1” agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.model import Agency, InputNote, require_agency_code
from govreport_kit.inputs.longform import PLACEHOLDER_CODE, PLACEHOLDER_NAME

LABELS = dict(fmt.AGENCY_FIELDS)


def cell_text(value: Any) -> str:
    """A 机构信息 value as text (a number typed into the sheet, e.g. a phone, without “.0”)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def same(a: str, b: str) -> bool:
    def norm(t: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", t)).strip()

    return norm(a) == norm(b)


def merge_agency(
    params_agency: Agency, sheet: dict[str, tuple[Any, Location]], params_file: str | None = None
) -> tuple[Agency, dict[str, Location], list[InputNote]]:
    """(merged agency, where each field came from, conflict notes); see the module docstring."""
    values: dict[str, str] = {}
    origin: dict[str, Location] = {}
    notes: list[InputNote] = []
    for code, _label in fmt.AGENCY_FIELDS:
        mine = (getattr(params_agency, code, "") or "").strip()
        raw, cell = sheet.get(code, (None, None))
        theirs = cell_text(raw)
        here = Location(file=params_file, key=f"agency.{code}")
        if code == "code" or mine:
            values[code], origin[code] = getattr(params_agency, code, "") or "", here
            if theirs and code != "code" and not same(mine, theirs):
                notes.append(conflict(code, mine, here, theirs, cell))
        elif theirs:
            values[code], origin[code] = theirs, cell
        else:
            values[code], origin[code] = "", here
    return replace(params_agency, **values), origin, notes


def conflict(code: str, kept: str, kept_where: Location, other: str, other_where: Location | None) -> InputNote:
    params = f"参数文件 {kept_where.file} 的" if kept_where.file else "参数文件的"
    cell = f"{other_where.sheet}!{other_where.cell}" if other_where and other_where.cell else fmt.AGENCY_SHEET
    book = f"工作簿 {other_where.file} 的 {cell}" if other_where and other_where.file else f"工作簿的 {cell}"
    message = (
        f"机构信息“{LABELS[code]}”两处不一致：{params} agency.{code} 为“{kept}”，{book} 为“{other}”；"
        f"报告采用参数文件的值。请改正错的一处，使两处一致。"
    )
    return InputNote("R-AGENCY-CONFLICT", message, expected=kept, found=other, source=other_where or kept_where)


def sheet_origin(sheet: dict[str, tuple[Any, Location]], agency: Agency) -> dict[str, Location]:
    """Where each field of an agency read from the sheet alone came from."""
    return {code: sheet[code][1] for code, _ in fmt.AGENCY_FIELDS if code in sheet and getattr(agency, code, "")}


def reconcile_identity(
    info: dict[str, Any], agency: Agency | None, year: int | None, name: str, notes: list[str]
) -> tuple[Agency, int]:
    """The agency and year of a workbook: from params when given (a sheet naming another code or year is an
    InputError), else from the 机构信息 sheet (placeholders for a missing name or code, listed in ``notes``)."""

    def text(code: str) -> str:
        v = info.get(code, (None, None))[0]
        return "" if v is None else str(v).strip()

    code_in_sheet = text("code")
    if code_in_sheet:
        require_agency_code(code_in_sheet, info["code"][1], InputError)
    raw_year, year_where = info.get("year", (None, Location(file=name, sheet=fmt.AGENCY_SHEET)))
    sheet_year = None
    if raw_year is not None:
        try:
            year_text = str(raw_year).strip().removesuffix("年").removesuffix(".0")
            sheet_year = int(year_text) if len(year_text) <= 6 else None
        except ValueError:
            sheet_year = None
        if sheet_year is None or fmt.year_problem(sheet_year):
            lo, hi = fmt.YEAR_RANGE
            raise InputError(
                f"报告年度“{limits.excerpt(str(raw_year), 20)}”不是 {lo}–{hi} 之间的年份",
                year_where,
                "请填四位数字，例如 2023",
            )
    if agency is not None and code_in_sheet and code_in_sheet != agency.code:
        raise InputError(
            f"工作簿的机构代码“{code_in_sheet}”与参数文件的“{agency.code}”不一致",
            info["code"][1],
            "请确认参数文件指向的是这家机构的工作簿",
        )
    if year is not None and sheet_year is not None and sheet_year != year:
        raise InputError(
            f"工作簿的报告年度是 {sheet_year}，参数文件是 {year}",
            year_where,
            "请确认没有误用其他年度的工作簿，或修改报告年度",
        )
    if agency is None:
        fields = {code: text(code) for code, _ in fmt.AGENCY_FIELDS}
        if not fields["name"] or not fields["code"]:
            fields["name"] = fields["name"] or PLACEHOLDER_NAME
            fields["code"] = fields["code"] or PLACEHOLDER_CODE
            notes.append(
                f"{name} 的“{fmt.AGENCY_SHEET}”缺少机构名称或代码，检查时使用占位值“{fields['name']}”/“{fields['code']}”"
            )
        agency = Agency(**fields)
    if year is None:
        if sheet_year is None:
            raise InputError("工作簿的“机构信息”缺少报告年度", year_where, "请填写四位数字的年度，例如 2023")
        year = sheet_year
    return agency, year


# ------------------------------------------------------------------------------- params hints
#: What to write into each agency field, as a YAML comment beside an empty key (``govreport new``).
AGENCY_HINTS = {
    "region": "请填写，例如 云南省昆明市西山区",
    "address": "请填写（正文开头的联系方式用到），例如 昆明市西山区秀苑路188号",
    "postcode": '请填写 6 位数字，加引号，例如 "650118"',
    "phone": "请填写（正文开头的联系方式用到），例如 0871-68226567",
    "email": "请填写（正文开头的联系方式用到），例如 office@example.gov.cn",
    "website": "可不填，例如 https://www.example.gov.cn",
}
#: Where agency details may be typed, and which place wins (see merge_agency above).
AGENCY_PRECEDENCE_NOTE = f"也可填在工作簿“{fmt.AGENCY_SHEET}”表；两处都填时以本文件为准"
