"""Reading a filled workbook: cells are found by their labels, not by fixed coordinates.

Each table sheet is scanned for the official labels of :mod:`govreport_kit.core.format` (compared
after NFKC, without spaces, with “1、” read as “1.” and curly quotes as straight ones). Rows come
from row labels, columns from header labels; a value is the cell where they cross. Anything else
is an error that names sheet and cell: a label with a typo (and the nearest official label), a
missing or extra row or column, text in a count cell, a 2019-format workbook where 2021 is
expected. Blank cells stay blank, “/”, “-”, “—” are not applicable, and every value keeps its
(file, sheet, cell) as its source.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from govreport_kit.core import format as fmt
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.model import Agency, AgencyYear
from govreport_kit.inputs import selfcheck
from govreport_kit.inputs.agency import merge_agency, reconcile_identity, sheet_origin
from govreport_kit.inputs.cellvalue import parse_cell
from govreport_kit.inputs.encoding import display_path
from govreport_kit.inputs.sheet import (  # noqa: F401 - TYPO_CUTOFF, nearest, norm: this module's API too
    TYPO_CUTOFF,
    Sheet,
    check_leftovers,
    locate_label,
    nearest,
    norm,
    typo_error,
)
from govreport_kit.inputs.xlsx import open_workbook


# ---------------------------------------------------------------------------------- the tables
def t2_sections(form: str):
    return [(s.caption, s.rows, s.columns) for s in fmt.spec(form).t2_sections]


def t2_labels(form: str) -> list[str]:
    out = [fmt.TABLE_TITLES["table2"], fmt.T2_ITEM_LABEL]
    for caption, rows, cols in t2_sections(form):
        out += [caption] + [r.label for r in rows] + [c.label for c in cols]
    return list(dict.fromkeys(out))


def locate_table2(sheet: Sheet, form: str) -> dict[tuple[str, str], tuple[int, int]]:
    cands = _unknown(sheet, t2_labels(form))
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for _, rows, cols in t2_sections(form):
        positions = {r.code: locate_label(sheet, r.label, "行", cands) for r in rows}
        first = min(p[0] for p in positions.values())
        header_rows = [
            r
            for (r, c), t in sheet.texts().items()
            if r < first and (t == norm(fmt.T2_ITEM_LABEL) or t in {norm(c.label) for c in cols})
        ]
        if not header_rows:
            raise InputError(
                f"找不到“{rows[0].label}”上方的表头（{fmt.T2_ITEM_LABEL} …）",
                sheet.where(first, positions[rows[0].code][1]),
                "请不要删除表头行",
            )
        h = max(header_rows)
        for c in sheet.find(fmt.T2_ITEM_LABEL, range(h, h + 1)):
            sheet.used.add(c)
        for col in cols:
            _, cc = locate_label(sheet, col.label, "列标题", cands, rows=range(h, h + 1))
            for row in rows:
                cells[(row.code, col.code)] = (positions[row.code][0], cc)
    check_leftovers(sheet, t2_labels(form), set(cells.values()), 1, 1)
    return cells


def t3_labels(form: str) -> list[str]:
    groups = fmt.spec(form).t3_row_groups
    heads = [c.label for row in fmt.T3_HEADER for c in row]
    return list(
        dict.fromkeys(
            [
                fmt.TABLE_TITLES["table3"],
                *heads,
                *(g.label for g in groups),
                *(r.label for r in fmt.table_rows("table3", form)),
            ]
        )
    )


def locate_table3(sheet: Sheet, form: str) -> dict[tuple[str, str], tuple[int, int]]:
    cands = _unknown(sheet, t3_labels(form))
    rows = {r.code: locate_label(sheet, r.label, "行", cands) for r in fmt.table_rows("table3", form)}
    first_row = min(p[0] for p in rows.values())
    label_cols = max(p[1] for p in rows.values())
    header = range(1, first_row)
    cols = {
        c.code: locate_label(sheet, c.label, "列标题", cands, rows=header, cols=range(label_cols + 1, 10_000))
        for c in fmt.T3_COLUMNS
    }
    cells = {(r, c): (rows[r][0], cols[c][1]) for r in rows for c in cols}
    check_leftovers(
        sheet,
        t3_labels(form),
        set(cells.values()),
        label_cols,
        first_row - 1,
        checks=selfcheck.all_labels("table3", form),
    )
    return cells


def t4_labels() -> list[str]:
    heads = [c.label for row in fmt.T4_HEADER for c in row]
    return list(dict.fromkeys([fmt.TABLE_TITLES["table4"], fmt.TABLE4_TITLE_OLD, *heads]))


def locate_table4(sheet: Sheet) -> dict[tuple[str, str], tuple[int, int]]:
    cands = _unknown(sheet, t4_labels())
    groups = {g.code: locate_label(sheet, g.label, "列标题", cands) for g in fmt.T4_GROUPS}
    starts = sorted(p[1] for p in groups.values())
    result_row = None
    for (r, _c), t in sorted(sheet.texts().items()):
        if r > max(p[0] for p in groups.values()) and t in {norm(x.label) for x in fmt.T4_RESULTS}:
            result_row = r
            break
    if result_row is None:
        raise InputError(
            f"找不到表四的第三行表头（{'、'.join(x.label for x in fmt.T4_RESULTS)}）",
            sheet.where(),
            "请不要删除表头行；可用 govreport template 重新生成模板",
        )
    cells = {}
    for g in fmt.T4_GROUPS:
        start = groups[g.code][1]
        later = [s for s in starts if s > start]
        end = sheet.merged.get(groups[g.code], (0, later[0] - 1 if later else start + len(fmt.T4_RESULTS) - 1))[1]
        for res in fmt.T4_RESULTS:
            _, c = locate_label(
                sheet,
                res.label,
                f"列标题（{g.label}）",
                cands,
                rows=range(result_row, result_row + 1),
                cols=range(start, end + 1),
            )
            cells[(g.code, res.code)] = (result_row + 1, c)
    check_leftovers(
        sheet, t4_labels(), set(cells.values()), 0, result_row, checks=selfcheck.all_labels("table4", "2021")
    )
    return cells


def _unknown(sheet: Sheet, labels: list[str]) -> dict[tuple[int, int], str]:
    known = {norm(x) for x in labels}
    known |= {norm(x) for t in selfcheck.TABLES for form in fmt.FORMATS for x in selfcheck.all_labels(t, form)}
    return {pos: t for pos, t in sheet.texts().items() if t not in known}


# ---------------------------------------------------------------------------------- the format
T2_2019_ONLY = {norm(x) for x in t2_labels("2019")} - {norm(x) for x in t2_labels("2021")}
T2_2021_ONLY = {norm(x) for x in t2_labels("2021")} - {norm(x) for x in t2_labels("2019")}
T3_2021_OTHER = {norm(r.label) for r in fmt.T3_ROWS if r.code.startswith("other_")}


def detect_format(t2: Sheet | None, t3: Sheet | None) -> tuple[str, str]:
    """("2021" or "2019", why) from the table 二 headers and the 其他处理 rows."""
    s19 = s21 = 0
    why = []
    if t2 is not None:
        texts = set(t2.texts().values())
        found19 = sorted(texts & T2_2019_ONLY)
        s19 += len(found19)
        s21 += len(texts & T2_2021_ONLY)
        if found19:
            why.append("表二有" + "、".join(f"“{x}”" for x in found19[:3]) + "等 2019 年版的栏目")
    single_other = False  # 表三 with one （六）其他处理 row and none of the 2021 sub-rows: 2019, whatever 表二 says
    if t3 is not None:
        texts = set(t3.texts().values())
        if not texts & T3_2021_OTHER and norm("（六）其他处理") in texts:
            single_other = True
            why.append("表三的“（六）其他处理”只有一行")
    return ("2019" if single_other or s19 > s21 else "2021"), "，".join(why)


# ---------------------------------------------------------------------------------- the workbook
def _open(path: Path, name: str, data_only: bool):
    return open_workbook(path, name, data_only=data_only)


def read_workbook(
    path: str | os.PathLike,
    *,
    agency: Agency | None = None,
    year: int | None = None,
    form: str | None = "2021",
    optional: tuple[str, ...] = (),
    params_file: str | None = None,
) -> AgencyYear:
    """Read a workbook; ``agency``/``year`` (from params) take precedence over its 机构信息 sheet.

    Agency details are merged field by field (:mod:`govreport_kit.inputs.agency`: the params file
    wins, the sheet fills what it leaves empty, a disagreement is an R-AGENCY-CONFLICT note);
    ``params_file`` names the params file in those notes. ``form`` is the expected format ("2021",
    "2019"), None to accept the one detected, or "auto" (2021 for years from 2021 on). ``optional``:
    tables whose sheet may be missing (left blank), e.g. table 三 when an application ledger stands in for it.
    """
    p = Path(path)
    name = display_path(p)
    if p.suffix.lower() == ".xls":
        raise InputError("这是旧版 .xls 文件", Location(file=name), "请在 Excel 或 WPS 中另存为 .xlsx")
    if p.is_file() and p.stat().st_size == 0:
        raise InputError("文件为空", Location(file=name), "请确认选对了文件，并且文件已在 Excel 中保存")
    wb = _open(p, name, data_only=True)
    sheets = _table_sheets(wb, name, optional)
    found, why = detect_format(sheets["table2"], sheets.get("table3"))
    info = read_agency_sheet(Sheet.of(wb[fmt.AGENCY_SHEET], name) if fmt.AGENCY_SHEET in wb.sheetnames else None, name)
    notes: list[str] = []
    given = agency
    agency, year = reconcile_identity(info, agency, year, name, notes)
    if given is not None:
        agency, origin, agency_notes = merge_agency(given, info, params_file)
    else:
        origin, agency_notes = sheet_origin(info, agency), []
    form = fmt.expected_format(form, year)
    if form and found != form:
        raise InputError(
            f"这是 {found} 年版格式的工作簿（{why or '表头与 ' + form + ' 年版不符'}），这里需要 {form} 年版格式",
            Location(file=name, sheet=fmt.TABLE_SHORT_NAMES["table2"]),
            f"请用 govreport template 生成 {form} 年版模板并重新填写；不同版本的栏目不能一一对应",
        )
    model = AgencyYear(agency=agency, year=year, format=found, agency_origin=origin, input_notes=list(agency_notes))
    if notes:
        model.options["notes"] = notes
    _read_cells(model, sheets, p, name)
    return model


def _table_sheets(wb, name: str, optional: tuple[str, ...]) -> dict[str, Sheet]:
    """{table: Sheet} of the table sheets present; InputError for a missing one not in ``optional``."""
    sheets = {}
    for t in fmt.TABLE_CODES:
        title = fmt.TABLE_SHORT_NAMES[t]
        if title not in wb.sheetnames:
            if t in optional:
                continue
            near = difflib.get_close_matches(title, wb.sheetnames, n=1, cutoff=0.3)
            raise InputError(
                f"缺少工作表“{title}”（现有：{'、'.join(wb.sheetnames)}）",
                Location(file=name),
                f"请把工作表“{near[0]}”改名为“{title}”" if near else "请使用 govreport template 生成的模板",
            )
        sheets[t] = Sheet.of(wb[title], name)
    return sheets


def _read_cells(model: AgencyYear, sheets: dict[str, Sheet], p: Path, name: str) -> None:
    """Set every value cell of ``sheets`` in ``model``; every unreadable cell is reported together."""
    found = model.format
    formulas = None
    locate = {
        "table2": lambda s: locate_table2(s, found),
        "table3": lambda s: locate_table3(s, found),
        "table4": locate_table4,
    }
    bad: list[InputError] = []
    for t in (t for t in fmt.TABLE_CODES if t in sheets):
        sheet = sheets[t]
        for (row, col), (r, c) in locate[t](sheet).items():
            raw = sheet.values.get((r, c))
            where = sheet.where(r, c, row=row, column=col)
            try:
                if raw is None:
                    if formulas is None:
                        formulas = _open(p, name, data_only=False)
                    f = formulas[sheet.name].cell(r, c).value
                    if isinstance(f, str) and f.startswith("="):
                        raise InputError(
                            f"单元格是公式 {f}，但文件里没有保存计算结果",
                            where,
                            "请在 Excel 或 WPS 中打开并保存一次，或把公式换成数值",
                        )
                value, state = parse_cell(raw, t, row, col, where, found, notes=model.input_notes)
            except InputError as e:
                bad.append(e)
                continue
            model.set(t, row, col, value, source=where, state=state)
    if bad:
        raise bad[0] if len(bad) == 1 else unreadable_cells(bad, name)


def unreadable_cells(errors: list[InputError], file: str) -> InputError:
    """One error listing every unreadable cell: sheet!cell, label and value, then how to fix each kind."""
    lines = [f"{e.where.sheet}!{e.where.cell}：{e.what}" for e in errors]
    fixes = list(dict.fromkeys(e.fix for e in errors if e.fix))
    cells = [
        {
            "cell": f"{e.where.sheet}!{e.where.cell}",
            "row": e.where.row,
            "column": e.where.column,
            "problem": e.what,
            "fix": e.fix,
        }
        for e in errors
    ]
    return InputError(
        f"工作簿中有 {len(errors)} 个单元格无法读取：\n  " + "\n  ".join(lines),
        Location(file=file),
        "\n改法：" + "\n改法：".join(fixes),
        cells=cells,
    )


def read_agency_sheet(sheet: Sheet | None, name: str) -> dict[str, Any]:
    """Field code -> (value, Location) from the 机构信息 sheet (label in one cell, value to its right)."""
    if sheet is None:
        return {}
    labels = {code: label for code, label in fmt.AGENCY_FIELDS}
    labels["year"] = fmt.YEAR_LABEL
    out: dict[str, Any] = {}
    texts = sheet.texts()
    for code, label in labels.items():
        hits = sorted(pos for pos, t in texts.items() if t == norm(label))
        if not hits:
            official = {norm(x) for x in labels.values()}
            near = sorted(
                (nearest(t, [label])[1], pos) for pos, t in texts.items() if pos[1] == 1 and t not in official
            )
            if near and near[-1][0] >= TYPO_CUTOFF:
                pos = near[-1][1]
                raise typo_error(sheet, pos, str(sheet.values[pos]), label, "标签")
            continue
        r, c = hits[0]
        value = sheet.values.get((r, c + 1))
        out[code] = (value, sheet.where(r, c + 1, key=code))
    return out
