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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from govreport_kit.core import format as fmt
from govreport_kit.core import limits
from govreport_kit.core.errors import InputError, Location
from govreport_kit.core.model import Agency, AgencyYear, require_agency_code
from govreport_kit.core.normalize import label_key
from govreport_kit.inputs.cellvalue import parse_cell
from govreport_kit.inputs.encoding import display_path
from govreport_kit.inputs.longform import PLACEHOLDER_CODE, PLACEHOLDER_NAME
from govreport_kit.inputs.xlsx import open_workbook, present_cells

TYPO_CUTOFF = 0.6
#: Labels are compared by their :func:`govreport_kit.core.normalize.label_key`.
norm = label_key


@dataclass
class Sheet:
    """The non-empty cells of a worksheet, with where to point messages."""

    file: str
    name: str
    values: dict[tuple[int, int], Any]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # anchor -> (last row, col)
    used: set[tuple[int, int]] = field(default_factory=set)  # cells recognised as labels or values

    @classmethod
    def of(cls, ws, file: str) -> Sheet:
        values = {}
        for r, c, v in present_cells(ws, file):  # the stored cells only: never a walk of the used range
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            values[(r, c)] = v
        merged = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        return cls(file, ws.title, values, merged)

    def where(self, r: int | None = None, c: int | None = None, **kw) -> Location:
        cell = f"{get_column_letter(c)}{r}" if r and c else None
        return Location(file=self.file, sheet=self.name, cell=cell, **kw)

    def ref(self, r: int, c: int) -> str:
        return f"{self.name}!{get_column_letter(c)}{r}"

    def texts(self) -> dict[tuple[int, int], str]:
        return {k: norm(v) for k, v in self.values.items() if isinstance(v, str)}

    def find(self, label: str, rows: range | None = None, cols: range | None = None) -> list[tuple[int, int]]:
        key = norm(label)
        return sorted(
            k
            for k, t in self.texts().items()
            if t == key and (rows is None or k[0] in rows) and (cols is None or k[1] in cols)
        )


def nearest(text: str, labels: list[str]) -> tuple[str | None, float]:
    best, score = None, 0.0
    for label in labels:
        s = difflib.SequenceMatcher(None, norm(text), norm(label)).ratio()
        if s > score:
            best, score = label, s
    return best, score


def typo_error(sheet: Sheet, pos: tuple[int, int], text: str, label: str, kind: str) -> InputError:
    return InputError(
        f"标签“{text}”不是正式表格中的{kind}",
        sheet.where(*pos),
        f"最接近的正式标签是“{label}”，请改为“{label}”（或用 govreport template 生成的模板重新填写）",
    )


def locate_label(
    sheet: Sheet,
    label: str,
    kind: str,
    candidates: dict[tuple[int, int], str],
    rows: range | None = None,
    cols: range | None = None,
    missing_fix: str = "",
) -> tuple[int, int]:
    """Position of ``label``; a typo'd candidate or its absence is an InputError."""
    hits = sheet.find(label, rows, cols)
    if len(hits) > 1:
        refs = "、".join(sheet.ref(*h) for h in hits)
        raise InputError(f"{kind}“{label}”出现了 {len(hits)} 次（{refs}）", sheet.where(*hits[1]), "请删除重复的行或列")
    if hits:
        sheet.used.add(hits[0])
        return hits[0]
    scored = [
        (nearest(t, [label])[1], pos, t)
        for pos, t in candidates.items()
        if (rows is None or pos[0] in rows) and (cols is None or pos[1] in cols)
    ]
    scored = [s for s in scored if s[0] >= TYPO_CUTOFF]
    if scored:
        _, pos, _ = max(scored)
        raise typo_error(sheet, pos, str(sheet.values[pos]), label, kind)
    raise InputError(
        f"缺少{kind}“{label}”",
        sheet.where(),
        missing_fix or "请不要删除模板中的行或列；可用 govreport template 重新生成模板",
    )


def check_leftovers(
    sheet: Sheet, known: list[str], value_cells: set[tuple[int, int]], label_cols: int, header_rows: int
) -> None:
    """Every non-empty cell must be a known label or a value cell; name the first that is not."""
    known_norm = {norm(k) for k in known}
    for pos in sorted(sheet.values):
        if pos in sheet.used or pos in value_cells:
            continue
        v = sheet.values[pos]
        text = norm(v) if isinstance(v, str) else None
        if text is not None and text in known_norm:
            continue
        if text is not None:
            label, score = nearest(v, known)
            if label and score >= TYPO_CUTOFF:
                raise typo_error(sheet, pos, v, label, "标签")
        r, c = pos
        value_rows = {vr for vr, _ in value_cells}
        value_cols = {vc for _, vc in value_cells}
        if isinstance(v, str) and c <= label_cols and r > header_rows:
            what = f"多出一行“{v}”：正式表格没有这一行"
        elif isinstance(v, str) and r <= header_rows:
            what = f"多出一列“{v}”：正式表格没有这一列"
        elif r in value_rows and c not in value_cols:
            what = f"多出一列：这里有“{v}”，但它上方没有正式的列标题"
        elif c in value_cols and r not in value_rows:
            what = f"多出一行：这里有“{v}”，但这一行没有正式的行标签"
        else:
            what = f"表格外有多余的内容“{v}”"
        raise InputError(what, sheet.where(*pos), "请删除它，或移到另一个工作表；表格的行和列不能增删")


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
    check_leftovers(sheet, t3_labels(form), set(cells.values()), label_cols, first_row - 1)
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
    check_leftovers(sheet, t4_labels(), set(cells.values()), 0, result_row)
    return cells


def _unknown(sheet: Sheet, labels: list[str]) -> dict[tuple[int, int], str]:
    known = {norm(x) for x in labels}
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
) -> AgencyYear:
    """Read a workbook; ``agency``/``year`` (from params) take precedence over its 机构信息 sheet.

    ``form`` is the expected format ("2021", "2019"), None to accept the one detected, or "auto"
    (2021 for years from 2021 on). ``optional``: tables whose sheet may be missing (left blank),
    e.g. table 三 when an application ledger stands in for it.
    """
    p = Path(path)
    name = display_path(p)
    if p.suffix.lower() == ".xls":
        raise InputError("这是旧版 .xls 文件", Location(file=name), "请在 Excel 或 WPS 中另存为 .xlsx")
    if p.is_file() and p.stat().st_size == 0:
        raise InputError("文件为空", Location(file=name), "请确认选对了文件，并且文件已在 Excel 中保存")
    wb = _open(p, name, data_only=True)
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
    found, why = detect_format(sheets["table2"], sheets.get("table3"))
    info = read_agency_sheet(Sheet.of(wb[fmt.AGENCY_SHEET], name) if fmt.AGENCY_SHEET in wb.sheetnames else None, name)
    notes: list[str] = []
    agency, year = _reconcile(info, agency, year, name, notes)
    form = fmt.expected_format(form, year)
    if form and found != form:
        raise InputError(
            f"这是 {found} 年版格式的工作簿（{why or '表头与 ' + form + ' 年版不符'}），这里需要 {form} 年版格式",
            Location(file=name, sheet=fmt.TABLE_SHORT_NAMES["table2"]),
            f"请用 govreport template 生成 {form} 年版模板并重新填写；不同版本的栏目不能一一对应",
        )
    model = AgencyYear(agency=agency, year=year, format=found)
    if notes:
        model.options["notes"] = notes
    formulas = None
    locate = {
        "table2": lambda s: locate_table2(s, found),
        "table3": lambda s: locate_table3(s, found),
        "table4": locate_table4,
    }
    for t in (t for t in fmt.TABLE_CODES if t in sheets):
        sheet = sheets[t]
        for (row, col), (r, c) in locate[t](sheet).items():
            raw = sheet.values.get((r, c))
            where = sheet.where(r, c, row=row, column=col)
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
            value, state = parse_cell(raw, t, row, col, where, found)
            model.set(t, row, col, value, source=where, state=state)
    return model


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


def _reconcile(
    info: dict[str, Any], agency: Agency | None, year: int | None, name: str, notes: list[str]
) -> tuple[Agency, int]:
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
