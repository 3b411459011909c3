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
from govreport_kit.core.errors import Location
from govreport_kit.core.model import Agency, InputNote

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


def merge_agency(params_agency: Agency, sheet: dict[str, tuple[Any, Location]],
                 params_file: str | None = None) -> tuple[Agency, dict[str, Location], list[InputNote]]:
    """(merged agency, where each field came from, conflict notes); see the module docstring."""
    values: dict[str, str] = {}
    origin: dict[str, Location] = {}
    notes: list[InputNote] = []
    for code, label in fmt.AGENCY_FIELDS:
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
    message = (f"机构信息“{LABELS[code]}”两处不一致：{params} agency.{code} 为“{kept}”，{book} 为“{other}”；"
               f"报告采用参数文件的值。请改正错的一处，使两处一致。")
    return InputNote("R-AGENCY-CONFLICT", message, expected=kept, found=other, source=other_where or kept_where)


def sheet_origin(sheet: dict[str, tuple[Any, Location]], agency: Agency) -> dict[str, Location]:
    """Where each field of an agency read from the sheet alone came from."""
    return {code: sheet[code][1] for code, _ in fmt.AGENCY_FIELDS if code in sheet and getattr(agency, code, "")}
