"""Excel workbooks laid out like the official tables: template, filled workbook, reader.

Sheets: 说明 (instructions, opened first), 机构信息 (agency details and year), 表二, 表三, 表四. Every label comes from
:mod:`govreport_kit.core.format`; the header of 表三/表四 is merged as in the form, table 三's vertical
row-group labels are merged over their rows. Labels are locked (sheet protection without a
password, so it guards against slips, not people), value cells are unlocked and carry data
validation: whole numbers ≥ 0, decimals ≥ 0 for 万元. The validation only *warns* in Excel, so
“/” (not applicable) can still be typed; the reader decides what is acceptable.

Tables 三 and 四 check themselves: locked 应为 / 核对 formula cells beside and below the form, one
pair per identity of the checks, red when not 相符 (:mod:`govreport_kit.inputs.selfcheck`); the
print area is the form alone. Output is deterministic: fixed document timestamps and zip entry dates, so the same inputs give
identical bytes. Reading is in :mod:`govreport_kit.inputs.workbook`.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from govreport_kit.core import format as fmt
from govreport_kit.core.files import atomic_write
from govreport_kit.core.grid import place_spans
from govreport_kit.core.model import Agency, AgencyYear
from govreport_kit.inputs.xlsx import set_text

FONT_NAME = "宋体"
FIXED_TIME = _dt.datetime(2021, 1, 1)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
_CHECK_FILL = PatternFill("solid", fgColor="F7F7F7")
_FAIL_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")


@dataclass(frozen=True)
class Placed:
    """A label placed on the sheet: top-left (row, col), 1-based, and its spans."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def place_header(header: tuple[tuple[fmt.HeaderCell, ...], ...], top: int, left: int) -> list[Placed]:
    """Lay out header rows with row/col spans the way an HTML table does (:func:`core.grid.place_spans`)."""
    return [
        Placed(top + i, left + c, cell.label, cell.rowspan, cell.colspan)
        for i, row in enumerate(place_spans(header))
        for cell, c in row
    ]


def t2_sections(form: str) -> list[tuple[str, tuple[str, ...], tuple[fmt.Row, ...], tuple[fmt.Column, ...]]]:
    """(caption, header, rows, columns) of each section of table 二 in the given format."""
    sections = fmt.spec(form).t2_sections
    return [(s.caption, s.header, s.rows, s.columns) for s in sections]


def layout(table: str, form: str = "2021") -> tuple[list[Placed], dict[tuple[str, str], tuple[int, int]]]:
    """Labels and value-cell positions of one table sheet in the template."""
    labels: list[Placed] = []
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    if table == "table2":
        width = fmt.T2_GRID_COLUMNS
        labels.append(Placed(1, 1, fmt.TABLE_TITLES["table2"], colspan=width))
        r = 2
        for caption, header, rows, columns in t2_sections(form):
            labels.append(Placed(r, 1, caption, colspan=width))
            single = len(columns) == 1
            for i, text in enumerate(header):
                labels.append(Placed(r + 1, 1 + i, text, colspan=width - 1 if single and i == 1 else 1))
            r += 2
            for row in rows:
                labels.append(Placed(r, 1, row.label))
                for j, col in enumerate(columns):
                    cells[(row.code, col.code)] = (r, 2 + j)
                r += 1
        return labels, cells
    if table == "table3":
        rows = fmt.table_rows("table3", form)
        groups = fmt.spec(form).t3_row_groups
        ncols, lab = len(fmt.T3_COLUMNS), fmt.T3_LABEL_COLUMNS
        labels.append(Placed(1, 1, fmt.TABLE_TITLES["table3"], colspan=lab + ncols))
        labels += place_header(fmt.T3_HEADER, 2, 1)
        first = 2 + len(fmt.T3_HEADER)
        index = {r.code: i for i, r in enumerate(rows)}
        spans = [(index[g.first], index[g.last], g) for g in groups]
        for a, b, g in spans:
            depth = sum(1 for a2, b2, _ in spans if (a2, b2) != (a, b) and a2 <= a and b <= b2)
            labels.append(Placed(first + a, 1 + depth, g.label, rowspan=b - a + 1))
        for i, row in enumerate(rows):
            depth = sum(1 for a, b, _ in spans if a <= i <= b)
            labels.append(Placed(first + i, 1 + depth, row.label, colspan=lab - depth))
            for j, col in enumerate(fmt.T3_COLUMNS):
                cells[(row.code, col.code)] = (first + i, lab + 1 + j)
        return labels, cells
    if table == "table4":
        labels.append(Placed(1, 1, fmt.TABLE_TITLES["table4"], colspan=len(fmt.T4_GROUPS) * len(fmt.T4_RESULTS)))
        labels += place_header(fmt.T4_HEADER, 2, 1)
        r = 2 + len(fmt.T4_HEADER)
        for g, group in enumerate(fmt.T4_GROUPS):
            for j, res in enumerate(fmt.T4_RESULTS):
                cells[(group.code, res.code)] = (r, 1 + g * len(fmt.T4_RESULTS) + j)
        return labels, cells
    raise KeyError(table)


# ------------------------------------------------------------------------------------- writing
def _font(bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=11, bold=bold)


def _write_labels(ws, labels: list[Placed]) -> None:
    for p in labels:
        for dr in range(p.rowspan):
            for dc in range(p.colspan):
                ws.cell(p.row + dr, p.col + dc).border = _BORDER
        c = ws.cell(p.row, p.col)
        set_text(c, p.text)
        title = p.row == 1
        c.font = Font(name=FONT_NAME, size=14 if title else 11, bold=title or p.rowspan > 1 or p.colspan > 1)
        vertical = p.rowspan > 2 and p.colspan == 1  # table 三's row-group labels read top to bottom
        c.alignment = Alignment(
            horizontal="center" if title or p.colspan > 1 or p.rowspan > 1 else "left",
            vertical="center",
            wrap_text=True,
            textRotation=255 if vertical else 0,
        )
        if not title:
            c.fill = _LABEL_FILL
        if p.rowspan > 1 or p.colspan > 1:
            ws.merge_cells(
                start_row=p.row, start_column=p.col, end_row=p.row + p.rowspan - 1, end_column=p.col + p.colspan - 1
            )


def _validations(ws) -> tuple[DataValidation, DataValidation]:
    counts = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="应为非负整数",
        error="件数应为 0 或正整数；不适用可填“/”，未知请留空。",
        promptTitle="件数",
        prompt="填非负整数；没有填 0；不适用填“/”",
    )
    amounts = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="应为非负数",
        error="金额以万元为单位，应为 0 或正数。",
        promptTitle="金额（万元）",
        prompt="以万元为单位的非负数，如 103.3879",
    )
    ws.add_data_validation(counts)
    ws.add_data_validation(amounts)
    return counts, amounts


def _write_table(wb: Workbook, table: str, model: AgencyYear | None, form: str) -> None:
    ws = wb.create_sheet(fmt.TABLE_SHORT_NAMES[table])
    labels, cells = layout(table, form)
    _write_labels(ws, labels)
    counts, amounts = _validations(ws)
    single_t2 = {r.code for _, _, rows, cols in t2_sections(form) if len(cols) == 1 for r in rows}
    for (row, col), (r, c) in cells.items():
        cell = ws.cell(r, c)
        decimal = fmt.is_decimal_cell(table, row, col, form)
        signed = table == "table2" and col in fmt.spec(form).t2_signed_columns
        if model is not None:
            value = _cell_value(model, table, row, col)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
        cell.protection = Protection(locked=False)
        cell.font = _font()
        cell.fill = _INPUT_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if not signed:
            (amounts if decimal else counts).add(cell.coordinate)
        if table == "table2" and row in single_t2:
            for k in range(c + 1, fmt.T2_GRID_COLUMNS + 1):
                ws.cell(r, k).border = _BORDER
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=fmt.T2_GRID_COLUMNS)
    widths = {"table2": [28, 16, 16, 16], "table3": [8, 12, 44] + [11] * 7 + [3, 11, 16], "table4": [10] * 15}[table]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if table == "table3":
        for r in range(2, 5):
            ws.row_dimensions[r].height = 30
        for row in fmt.table_rows(table, form):  # labels longer than the column wrap onto two lines
            if len(row.label) > 20:
                ws.row_dimensions[cells[(row.code, "total")][0]].height = 30
    _write_checks(ws, table, form)
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = True
    _print_setup(ws, landscape=table != "table2")
    last = max(cells.values())
    ws.print_area = f"A1:{get_column_letter(max(c for _, c in cells.values()))}{last[0]}"  # the form, not the checks


def _write_checks(ws, table: str, form: str) -> None:
    """The 应为 / 核对 formula cells of :mod:`govreport_kit.inputs.selfcheck`, locked, red when not 相符."""
    from govreport_kit.inputs.selfcheck import check_layout

    checks, labels = check_layout(table, form)
    if not checks:
        return
    _write_labels(ws, [Placed(p.row, p.col, p.text, p.rowspan, p.colspan) for p in labels])
    for p in labels:
        ws.cell(p.row, p.col).font = Font(name=FONT_NAME, size=9, bold=True, color="555555")
    for check in checks:
        for (r, c), formula in ((check.expected_at, check.formula), (check.status_at, check.status_formula)):
            cell = ws.cell(r, c, formula)
            cell.font, cell.border, cell.fill = Font(name=FONT_NAME, size=9, color="555555"), _BORDER, _CHECK_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.protection = Protection(locked=True)
    status_cells = sorted({get_column_letter(c.status_at[1]) + str(c.status_at[0]) for c in checks})
    rule = CellIsRule(
        operator="notEqual", formula=[f'"{fmt.CHECK_OK_TEXT}"'], fill=_FAIL_FILL, font=Font(color="9C0006", bold=True)
    )
    ws.conditional_formatting.add(" ".join(status_cells), rule)


def _print_setup(ws, landscape: bool) -> None:
    """A4, one page wide (tables 三 and 四 landscape), so a printed sheet shows whole rows."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _cell_value(model: AgencyYear, table: str, row: str, col: str) -> Any:
    v = model.get(table, row, col)
    if v is None or v is pd.NA:
        return "/" if model.state(table, row, col) == "na" else None
    if hasattr(v, "item"):
        v = v.item()
    return v  # int or Decimal (openpyxl writes Decimal as a number)


def _write_agency(wb: Workbook, agency: Agency, year: int) -> None:
    ws = wb.active
    ws.title = fmt.AGENCY_SHEET
    rows = [(label, getattr(agency, code) or None) for code, label in fmt.AGENCY_FIELDS] + [(fmt.YEAR_LABEL, year)]
    for i, (label, value) in enumerate(rows, 1):
        a, b = ws.cell(i, 1), ws.cell(i, 2)
        set_text(a, label)
        if isinstance(value, int):
            b.value = value
        else:
            set_text(b, value)  # names and addresses may come from a published page or the command line
        a.font, a.fill, a.border = _font(True), _LABEL_FILL, _BORDER
        b.font, b.border, b.protection = _font(), _BORDER, Protection(locked=False)
        if label != fmt.YEAR_LABEL:
            b.number_format = "@"  # text: keeps leading zeros of phone numbers and postcodes
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 48
    ws.protection.sheet = True


def instructions() -> list[str]:
    """The lines of the 说明 sheet (Chinese, for the clerk who fills the workbook)."""
    names = "、".join(fmt.TABLE_SHORT_NAMES[t] for t in fmt.TABLE_CODES)
    ok, exp, status = fmt.CHECK_OK_TEXT, fmt.CHECK_EXPECTED_LABEL, fmt.CHECK_STATUS_LABEL
    return [
        "填写说明",
        f"1. 本工作簿按政府信息公开工作年度报告的官方格式排列：“{fmt.AGENCY_SHEET}”和{names}。只在白色单元格中填写，"
        "灰色的标签和核对单元格已锁定（工作表保护没有密码，只为防止误改）。",
        "2. 件数只填阿拉伯数字，如 12，不要写“件”“个”等单位；收费金额以万元为单位，可带小数，如 103.3879。",
        "3. 没有发生的事项填 0；不适用的填“/”；空白表示“未填写”，不是 0：整张表空白时，govreport check 报告“未填写”错误。",
        f"4. 表格右侧和下方的“{exp}”“{status}”单元格会自动计算：“{exp}”是按勾稽关系算出的数，“{status}”显示“{ok}”"
        f"或差额（填写值减去{exp}值），不符时标红。{status}单元格与 govreport check 的规则一致"
        "（R-T3-ROW 各行总计、R-T3-COL 各列（七）总计、R-T3-BAL 结转下年度、R-T4-SUM 表四各组总计），"
        "读取数据时会被忽略。",
        f"5. “{fmt.AGENCY_SHEET}”中的地址、电话、电子邮箱等也可写在参数文件的 agency 部分；两处都填时以参数文件为准，"
        "两处不一致时 govreport check 给出警告。",
        "6. 填好后保存为 .xlsx，运行 govreport check <参数文件或本工作簿> 查看全部问题；"
        "不要增删行列，不要改动标签文字。",
    ]


def _write_instructions(wb: Workbook) -> None:
    ws = wb.create_sheet(fmt.INSTRUCTIONS_SHEET, 0)
    for i, line in enumerate(instructions(), 1):
        cell = ws.cell(i, 1)
        cell.value, cell.data_type = line, "s"  # text, never a formula
        cell.font = Font(name=FONT_NAME, size=14 if i == 1 else 11, bold=i == 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i > 1:
            ws.row_dimensions[i].height = 48
    ws.column_dimensions["A"].width = 100
    ws.protection.sheet = True
    _print_setup(ws, landscape=False)
    wb.active = wb.sheetnames.index(fmt.INSTRUCTIONS_SHEET)


def build_workbook(agency: Agency, year: int, model: AgencyYear | None = None, form: str | None = None) -> Workbook:
    """The workbook object (template when ``model`` is None)."""
    form = form or (model.format if model is not None else fmt.format_for_year(year))
    wb = Workbook()
    _write_agency(wb, agency, year)
    for t in fmt.TABLE_CODES:
        _write_table(wb, t, model, form)
    _write_instructions(wb)
    wb.properties.creator = "govreport_kit"
    wb.properties.created = FIXED_TIME
    return wb


class _FixedDateZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry the same date, for byte-identical output."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as f:  # openpyxl writes worksheets through temporary files
            self.writestr(str(arcname or os.path.basename(filename)), f.read())


def workbook_bytes(wb: Workbook) -> bytes:
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    archive = _FixedDateZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return buf.getvalue()


def write_template(path: str | os.PathLike, agency: Agency, year: int, form: str | None = None) -> Path:
    """Write an empty workbook for ``agency`` and ``year`` (2021 format from 2021 on)."""
    return atomic_write(path, workbook_bytes(build_workbook(agency, year, None, form)))


def write_workbook(path: str | os.PathLike, model: AgencyYear) -> Path:
    """Write the template filled with the model's values (“/” for not-applicable cells)."""
    return atomic_write(path, workbook_bytes(build_workbook(model.agency, model.year, model)))
