"""The safe way to write text into, and to open, an .xlsx workbook. Every workbook code uses this.

Writing: **store every piece of text with** :func:`set_text` (or :func:`cell_value` through
``ws.cell(row, col, cell_value(v))`` followed by :func:`mark_text`). openpyxl turns any string
that starts with ``=`` into a live formula (``=HYPERLINK(...)``, the DDE ``=cmd|' /C calc'!A0``);
Excel and LibreOffice also treat text typed or pasted with a leading ``+``, ``-``, ``@``, a tab or
a carriage return as the start of a formula. :func:`set_text` stores such a value as a string
cell (``data_type "s"``) with the ``quotePrefix`` style, the way Excel stores text typed after an
apostrophe: the cell shows the literal text, never a result. Numbers go in as numbers (not
through :func:`set_text`). The ledger template, status exports and any new writer must do the same.

Reading: :func:`open_workbook` reads the file as a bounded regular file, checks the zip directory
(number of parts, each XML part's uncompressed size, their total) *before* openpyxl parses
anything, so a zip bomb or an XML part holding a 400 MB comment is refused in milliseconds.
:func:`present_cells` yields the cells that exist in the sheet's XML, without walking the used
range (``iter_rows`` over a sheet with one value at ``XFD1048576`` builds 17 billion cells).
All limits are in :mod:`govreport_kit.core.limits`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from govreport_kit.core import limits
from govreport_kit.core.errors import InputError, Location

#: First characters that make a spreadsheet read text as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """True when ``text`` would be taken for a formula if typed into Excel or LibreOffice."""
    return isinstance(text, str) and text.startswith(FORMULA_TRIGGERS)


def set_text(cell, value: Any) -> None:
    """Store ``value`` in ``cell``: None stays empty, text is always text (never a formula).

    Use this for every string that reaches a cell (labels are ours, but names, addresses and
    anything read from a file or the command line are not).
    """
    if value is None:
        cell.value = None
        return
    text = str(value)
    cell.value = text
    mark_text(cell)


def mark_text(cell) -> None:
    """Make a cell that holds a string a plain text cell, quote-prefixed when it looks like a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl made it "f" when it starts with "="
        if is_formula_like(cell.value):
            cell.quotePrefix = True


# ------------------------------------------------------------------------------------ reading
def check_archive(data: bytes, name: str) -> None:
    """Refuse a zip whose directory announces more than the limits allow (before any parsing)."""
    where = Location(file=name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(
            "不是有效的 Excel .xlsx 文件（不是 zip 压缩包）",
            where,
            "请在 Excel 或 WPS 中打开后另存为“Excel 工作簿（*.xlsx）”；旧版 .xls 和加密文件不能读取",
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.XLSX_MEMBERS.value:
            raise InputError(
                f"工作簿含有 {len(infos):,} 个部件，超过{limits.XLSX_MEMBERS.describe()}",
                where,
                "请在 Excel 中另存为新的工作簿",
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.XLSX_MEMBER_BYTES.value:
                raise InputError(
                    f"工作簿部件 {info.filename} 解压后有 {info.file_size:,} 字节，超过"
                    f"{limits.XLSX_MEMBER_BYTES.describe()}",
                    where,
                    "工作簿中可能有超大的批注、图片或隐藏内容；请删除后另存，或用 govreport template 生成的模板重新填写",
                )
        if total > limits.XLSX_TOTAL_BYTES.value:
            raise InputError(
                f"工作簿解压后共 {total:,} 字节，超过{limits.XLSX_TOTAL_BYTES.describe()}",
                where,
                "请删除工作簿中多余的内容后另存",
            )


def open_workbook(path, name: str, *, data_only: bool):
    """An openpyxl workbook of ``path``, read bounded and checked (see the module docstring)."""
    from openpyxl import load_workbook

    from govreport_kit.core.files import read_input

    data = read_input(path, "workbook", name)
    check_archive(data, name)
    try:
        return load_workbook(io.BytesIO(data), data_only=data_only)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, key, value) for a broken file
        raise InputError(
            f"不是有效的 Excel .xlsx 文件（{type(e).__name__}）",
            Location(file=name),
            "请在 Excel 或 WPS 中打开后另存为“Excel 工作簿（*.xlsx）”；旧版 .xls 和加密文件不能读取",
        ) from None


def present_cells(ws, name: str) -> Iterator[tuple[int, int, Any]]:
    """(row, column, value) of every cell stored in the sheet, in row order; no walk of the range.

    openpyxl keeps the cells it parsed in ``ws._cells`` (a dict keyed by (row, column)); iterating
    it costs what the file holds, whatever the addresses. More than
    :data:`limits.SHEET_CELLS` cells is refused.
    """
    cells = ws._cells  # noqa: SLF001 - the only public iteration (iter_rows) walks the whole range
    if len(cells) > limits.SHEET_CELLS.value:
        raise InputError(
            f"工作表有 {len(cells):,} 个单元格，超过{limits.SHEET_CELLS.describe()}",
            Location(file=name, sheet=ws.title),
            "请只保留表格本身，删除其他内容",
        )
    for r, c in sorted(cells):
        yield r, c, cells[(r, c)].value
