"""Tables as long-form CSV (``table,row,column,value``) and as a nested YAML data file.

CSV (UTF-8, UTF-8 with BOM, GBK or GB18030; comma-separated; the header line is required)::

    table,row,column,value
    meta,name,,昆明市西山区教育体育局
    meta,code,,xishan-edu
    meta,year,,2023
    table2,regulations,issued,0
    table2,licensing,value,56
    table2,fees_wan_yuan,value,103.3879
    table3,new,natural_person,2
    table4,review,total,0

Cell addresses are the canonical codes of format-2021.md §4a. ``meta`` rows are optional and
carry the agency details (``name``, ``code``, ``region``, ``address``, ``postcode``, ``phone``,
``email``, ``website``), ``year`` and ``format``; when the CSV is named by a params file, the
params win and a conflicting code or year is an error. A cell that is not listed stays blank;
an empty value is blank; ``/``, ``-``, ``—`` are not applicable. An unknown code is an error
with the line number and the nearest valid code; a cell listed twice is an error.

YAML data file (read with the strict loader of :mod:`govreport_kit.inputs.strict_yaml`), shaped like
the JSON of ``AgencyYear.tables_to_dict``::

    format: "2021"            # optional
    table2:
      regulations: {issued: 0, repealed: 0, in_force: 0}
      normative_documents: {issued: 0, repealed: 0, in_force: 0}
      licensing: 56           # one-value rows: a number (or {value: 56})
      fees_wan_yuan: 0
    table3:
      new: {natural_person: 2, commercial: 0, total: 2}
    table4:
      review: {upheld: 0, corrected: 0, other: 0, pending: 0, total: 0}

(a 2019-format table 二 goes under ``table2_2019``). Agency and year come from the params file.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.files import atomic_write
from govreport_kit.core.model import NOT_APPLICABLE, Agency, AgencyYear, from_cells, require_agency_code
from govreport_kit.inputs import strict_yaml
from govreport_kit.inputs.cellvalue import parse_cell
from govreport_kit.inputs.encoding import display_path, read_text

HEADER = ("table", "row", "column", "value")
META_KEYS = tuple(code for code, _ in fmt.AGENCY_FIELDS) + ("year", "format")
PLACEHOLDER_NAME = "（未填写机构名称）"
NO_YEAR_NOTE = "年度未知：不检查需要年度的规则（{}）；可用 --year 指定年度".format("、".join(fmt.YEAR_RULES))
PLACEHOLDER_CODE = "unknown"
Record = tuple[str, str, str, Any, Location]  # table, row, column, raw value, where


def _valid(table: str, row: str, column: str, form: str) -> bool:
    try:
        return (row, column) in set(fmt.cells(table, form))
    except KeyError:
        return False


def _codes_problem(table: str, row: str, column: str, form: str) -> tuple[str, str] | None:
    """(what, fix) for an unknown table/row/column code, with the nearest valid code."""

    def near(word: str, options: Iterable[str]) -> str:
        m = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
        return f"是不是“{m[0]}”？" if m else ""

    if table not in fmt.TABLE_CODES:
        return f"未知的表代码“{table}”", near(table, fmt.TABLE_CODES + ("meta",)) + "可用：table2、table3、table4、meta"
    rows = [r.code for r in fmt.table_rows(table, form)]
    if row not in rows:
        return f"{fmt.TABLE_SHORT_NAMES[table]}没有行代码“{row}”", near(row, rows) + "行代码见 format-2021.md §3、§4a"
    cols = [c.code for c in fmt.table_columns(table, row, form)]
    if column not in cols:
        return f"{fmt.TABLE_SHORT_NAMES[table]}“{row}”行没有列代码“{column}”", near(
            column, cols
        ) + f"可用：{'、'.join(cols)}"
    return None


def _detect(records: list[Record]) -> str:
    only19 = any(_valid(t, r, c, "2019") and not _valid(t, r, c, "2021") for t, r, c, _, _ in records)
    only21 = any(_valid(t, r, c, "2021") and not _valid(t, r, c, "2019") for t, r, c, _, _ in records)
    return "2019" if only19 and not only21 else "2021"


def build_model(
    records: list[Record],
    meta: dict[str, tuple[Any, Location]],
    name: str,
    *,
    agency: Agency | None,
    year: int | None,
    form: str | None,
    source_stem: str = "",
) -> AgencyYear:
    """The model from located raw cells; shared by the CSV and YAML readers."""
    found = str(meta["format"][0]) if "format" in meta else _detect(records)
    if found not in fmt.FORMATS:
        raise InputError(f"未知的格式版本“{found}”", meta["format"][1], "可用：2021、2019")
    agency, year, notes = _agency_year(meta, name, agency, year, source_stem)
    form = fmt.expected_format(form, year)
    if form and found != form:
        raise InputError(
            f"这是 {found} 年版格式的数据（使用了 {found} 年版的行或列代码），这里需要 {form} 年版格式",
            Location(file=name),
            "不同版本的栏目不能一一对应；请按 format-2021.md 使用本版本的代码",
        )
    seen: dict[tuple[str, str, str], Location] = {}
    values, states = [], {}
    for table, row, column, raw, where in records:
        problem = _codes_problem(table, row, column, found)
        if problem:
            raise InputError(problem[0], where, problem[1])
        key = (table, row, column)
        if key in seen:
            first = seen[key]
            at = f"第 {first.line} 行" if first.line else f"键 {first.key}"
            raise InputError(
                f"单元格 {table},{row},{column} 重复出现（{at}已有）", where, "每个单元格只能写一次，请删除多余的一处"
            )
        seen[key] = where
        value, state = parse_cell(raw, table, row, column, where, found)
        values.append((table, row, column, value))
        if state is not None:
            states[key] = state
    # one step for the whole table (model.set per cell cost ~30 ms per file)
    model = from_cells(agency, year, values, found, states=states, sources=seen)
    if notes:
        model.options["notes"] = notes
    return model


def _agency_year(
    meta: dict[str, tuple[Any, Location]], name: str, agency: Agency | None, year: int | None, stem: str
) -> tuple[Agency, int, list[str]]:
    notes: list[str] = []
    text = {k: ("" if v is None else str(v).strip()) for k, (v, _) in meta.items()}
    if text.get("code"):
        require_agency_code(text["code"], meta["code"][1], InputError)
        if agency is not None and text["code"] != agency.code:
            raise InputError(
                f"数据中的机构代码“{text['code']}”与参数文件的“{agency.code}”不一致",
                meta["code"][1],
                "请确认参数文件指向的是这家机构的数据",
            )
    meta_year = None
    if text.get("year"):
        if not re.fullmatch(r"[0-9]{4}", text["year"]) or fmt.year_problem(int(text["year"])):
            raise InputError(
                f"年度“{text['year']}”不是有效的年份",
                meta["year"][1],
                "填四位数字的年度，范围 {}–{}，例如 2023".format(*fmt.YEAR_RANGE),
            )
        meta_year = int(text["year"])
        if year is not None and meta_year != year:
            raise InputError(
                f"数据中的年度 {meta_year} 与参数文件的 {year} 不一致", meta["year"][1], "请确认没有误用其他年度的数据"
            )
    if agency is None:
        if text.get("name") and text.get("code"):
            agency = Agency(**{k: text.get(k, "") for k, _ in fmt.AGENCY_FIELDS})
        else:
            agency = Agency(name=text.get("name") or PLACEHOLDER_NAME, code=text.get("code") or PLACEHOLDER_CODE)
            notes.append(f"{name} 没有机构名称或代码（meta 行），检查时使用占位值“{agency.name}”/“{agency.code}”")
    if year is None:
        year = meta_year
        if year is None:
            m = re.search(r"(?<![0-9])(20[0-9]{2})(?![0-9])", stem)
            year = int(m.group(1)) if m and not fmt.year_problem(int(m.group(1))) else fmt.UNKNOWN_YEAR
            notes.append(f"{name} 没有年度（meta 行 year），" + (f"按文件名取 {year} 年" if year else NO_YEAR_NOTE))
    return agency, year, notes


# ------------------------------------------------------------------------------------------ CSV
def _unclosed_quote(lines: list[str], at: int, name: str) -> InputError:
    """The refusal for a quote left open on line ``at`` (it swallowed the lines after it)."""
    shown = limits.excerpt(lines[at - 1] if 0 < at <= len(lines) else "")
    return InputError(
        f"CSV 格式错误：这一行的英文双引号没有配对（“{shown}”）",
        Location(file=name, line=at),
        "请补上配对的引号，或删除多余的引号",
    )


def read_longform_csv(
    path: str | os.PathLike, agency: Agency | None = None, year: int | None = None, form: str | None = "2021"
) -> AgencyYear:
    """Read a long-form CSV; ``agency``/``year`` (from params) take precedence over ``meta`` rows."""
    p = Path(path)
    name = display_path(p)
    text = read_text(p, "csv")
    reader = csv.reader(io.StringIO(text, newline=""))
    header_seen = False
    records: list[Record] = []
    meta: dict[str, tuple[Any, Location]] = {}
    lines, start = text.splitlines(), 1  # start: the line the current record starts on
    try:
        for fields in reader:
            line = start
            start = reader.line_num + 1
            if any("\n" in f or "\r" in f for f in fields):  # a quote left open swallowed the lines after it
                raise _unclosed_quote(lines, line, name)
            if not any(f.strip() for f in fields):
                continue
            where = Location(file=name, line=line)
            if not header_seen:
                got = tuple(f.strip().lower() for f in fields)
                if got != HEADER:
                    sep = "；分隔符应为英文逗号" if len(fields) == 1 and re.search(r"[;\t，]", fields[0]) else ""
                    raise InputError(
                        f"第一行应为表头 table,row,column,value，实际是“{','.join(fields)}”{sep}",
                        where,
                        "请在第一行加上表头 table,row,column,value",
                    )
                header_seen = True
                continue
            if len(fields) != 4:
                raise InputError(
                    f"这一行有 {len(fields)} 个字段，应为 4 个（table,row,column,value）",
                    where,
                    "值里有逗号时请用英文双引号括起来",
                )
            table, row, column, value = (f.strip() for f in fields)
            if table == "meta":
                key = row
                if key not in META_KEYS:
                    m = difflib.get_close_matches(key, META_KEYS, n=1, cutoff=0.5)
                    raise InputError(
                        f"未知的 meta 项“{key}”",
                        where,
                        (f"是不是“{m[0]}”？" if m else "") + f"可用：{'、'.join(META_KEYS)}",
                    )
                if key in meta:
                    raise InputError(f"meta 项“{key}”重复出现（第 {meta[key][1].line} 行已有）", where)
                meta[key] = (value, where)
                continue
            records.append((table, row, column, value, Location(file=name, line=line, row=row, column=column)))
    except csv.Error as e:
        if "quot" in str(e) or "end of data" in str(e):
            raise _unclosed_quote(lines, start, name) from None
        raise InputError(f"CSV 格式错误：{e}", Location(file=name, line=start), "检查引号是否成对") from None
    if not header_seen:
        raise InputError("文件中只有空行", Location(file=name), "第一行应为表头 table,row,column,value")
    return build_model(records, meta, name, agency=agency, year=year, form=form, source_stem=p.stem)


def longform_rows(model: AgencyYear) -> list[list[str]]:
    """The rows of the long-form CSV of ``model`` (header, meta, every cell in form order)."""
    rows = [list(HEADER)]
    for code, _ in fmt.AGENCY_FIELDS:
        value = getattr(model.agency, code)
        if value:
            rows.append(["meta", code, "", value])
    rows += [["meta", "year", "", str(model.year)], ["meta", "format", "", model.format]]
    for t, r, c, v in model.iter_cells():
        if v is pd.NA or v is None:
            text = "/" if model.state(t, r, c) == NOT_APPLICABLE else ""
        else:
            text = str(v.item() if hasattr(v, "item") else v)
        rows.append([t, r, c, text])
    return rows


def longform_bytes(model: AgencyYear) -> bytes:
    """``model`` as UTF-8 long-form CSV with a BOM (so that Excel opens it correctly)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(longform_rows(model))
    return buf.getvalue().encode("utf-8-sig")


def write_longform_csv(path: str | os.PathLike, model: AgencyYear) -> Path:
    """Write ``model`` as UTF-8 long-form CSV with a BOM (so that Excel opens it correctly)."""
    return atomic_write(path, longform_bytes(model))


# ----------------------------------------------------------------------------------------- YAML
def read_yaml_data(
    path: str | os.PathLike, agency: Agency | None = None, year: int | None = None, form: str | None = "2021"
) -> AgencyYear:
    """Read a nested YAML data file (see the module docstring)."""
    p = Path(path)
    name = display_path(p)
    try:
        doc = strict_yaml.load(read_text(p, "data_yaml"))
    except strict_yaml.YamlProblem as e:
        raise InputError(e.what, Location(file=name, line=e.line, key=e.key), e.fix) from None
    data = doc.data
    if not isinstance(data, dict):
        raise InputError("数据文件的最外层应为 table2、table3、table4 等键", Location(file=name, line=doc.line("")))
    allowed = ("format", "table2", "table2_2019", "table3", "table4")
    records: list[Record] = []
    meta: dict[str, tuple[Any, Location]] = {}

    def at(key: str, **kw) -> Location:
        return Location(file=name, line=doc.line(key), key=key, **kw)

    for top, body in data.items():
        if top not in allowed:
            m = difflib.get_close_matches(str(top), allowed, n=1, cutoff=0.5)
            raise InputError(
                f"未知的键“{top}”", at(top), (f"是不是“{m[0]}”？" if m else "") + f"可用：{'、'.join(allowed)}"
            )
        if top == "format":
            meta["format"] = (body, at(top))
            continue
        if not isinstance(body, dict):
            raise InputError(f"“{top}”下应为各行的“行代码: …”", at(top))
        table = "table2" if top.startswith("table2") else top
        if top == "table2_2019":
            meta.setdefault("format", ("2019", at(top)))
        for row, cols in body.items():
            key = f"{top}.{row}"
            if table == "table2" and not isinstance(cols, dict):
                cols = {"value": cols}
            if not isinstance(cols, dict):
                raise InputError(f"“{key}”下应为各列的“列代码: 数值”", at(key))
            for col, raw in cols.items():
                ck = f"{key}.{col}" if f"{key}.{col}" in doc.lines else key
                records.append((table, str(row), str(col), raw, at(ck, row=str(row), column=str(col))))
    return build_model(records, meta, name, agency=agency, year=year, form=form, source_stem=p.stem)
