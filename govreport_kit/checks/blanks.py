"""Blank cells: a table nobody filled is an error; other blanks are one summary per table.

Blank cells are read as 0 by the arithmetic (format-2021.md §6) but blank is not zero:

* R-EMPTY (error, 未填写): every cell of a table is blank (not one number, not one “/”);
* R-BLANK-TOTAL (warning): a blank 总计 whose components add up to a non-zero sum, per cell;
* R-BLANK (info): one finding per table listing how many cells are blank or “不适用” and where,
  as compressed cell ranges (“表三!D7:I31”) when the cells came from a workbook, else by row.
  The individual cells are in ``Finding.cells`` (and in ``--json``).
"""

from __future__ import annotations

import re
from typing import Any

from govreport_kit.checks.findings import Finding
from govreport_kit.core import format as fmt

NOT_APPLICABLE = "na"  # == model.NOT_APPLICABLE
MAX_RANGES = 8  # ranges named in a message; the rest is “等”
_REF_RE = re.compile(r"^([A-Z]+)([0-9]+)$")


def blank_findings(model, tables=fmt.TABLE_CODES, empty_is_error: bool = True) -> list[Finding]:
    """R-EMPTY, R-BLANK-TOTAL and R-BLANK summaries for the given (well-shaped, read) tables."""
    out: list[Finding] = []
    for table in tables:
        all_cells = list(fmt.cells(table, model.format))
        blanks = _blank_cells(model, table, all_cells, out)
        if blanks:
            out.append(_summary(model, table, blanks, empty_is_error and len(blanks) == len(all_cells)))
    return out


def _blank_cells(model, table: str, all_cells: list[tuple[str, str]], out: list[Finding]) -> list[dict[str, Any]]:
    """The table's blank cells (as :func:`_cell_dict`); a blank 总计 with parts > 0 goes to ``out``
    as R-BLANK-TOTAL instead."""
    from govreport_kit.checks import schemas
    from govreport_kit.checks.rules import make_finding
    from govreport_kit.checks.wording import cell_place as place

    values = _cell_values(model, table)
    totals: dict[tuple[str, str], list] = {}
    for ident in schemas.identities(table, model.format):
        if ident.rule != "R-T3-BAL":  # carried_forward is not a 总计
            totals.setdefault(ident.target, []).append(ident)
    blanks = []
    for row, column in all_cells:
        if schemas.plain(values[(row, column)]) is not None:
            continue
        sums = [(i, schemas.evaluate(i, lambda r, c: values[(r, c)])) for i in totals.get((row, column), [])]
        nonzero = [(i, s) for i, s in sums if s]
        if nonzero:
            ident, total = nonzero[0]
            axis = {"R-T3-ROW": "行", "R-T3-COL": "列", "R-T4-SUM": "组"}[ident.rule]
            where = place(table, row, column, model.format)
            out.append(make_finding(model, "R-BLANK-TOTAL", table, row, column, total, None, place=where, axis=axis))
        else:
            na = model.state(table, row, column) == NOT_APPLICABLE
            blanks.append(_cell_dict(model, table, row, column, na))
    return blanks


def _summary(model, table: str, blanks: list[dict[str, Any]], every_cell: bool) -> Finding:
    """R-EMPTY when ``every_cell`` is blank (none “不适用”), else the R-BLANK summary of the table."""
    name = fmt.TABLE_SHORT_NAMES[table]
    where = describe_cells(blanks, table, model.format)
    n_na = sum(c["state"] == NOT_APPLICABLE for c in blanks)
    if every_cell and not n_na:
        message = (
            f"{name}未填写：全部 {len(blanks)} 个单元格都是空白（{where}）："
            f"请填写该表；没有发生的事项填 0，不适用的填“/”。"
        )
        rule = "R-EMPTY"
    else:
        counts = "、".join(
            x
            for x in (
                f"{len(blanks) - n_na} 个单元格为空白" if len(blanks) > n_na else "",
                f"{n_na} 个填为“不适用”" if n_na else "",
            )
            if x
        )
        message = f"{name}有 {counts}（{where}），检查时按 0 计：如该数确为 0，请填写 0。"
        rule = "R-BLANK"
    severity = fmt.RULE_BY_ID[rule].severity
    return Finding(rule, severity, message, table, None, None, None, None, form=model.format, cells=tuple(blanks))


def _cell_dict(model, table: str, row: str, column: str, na: bool) -> dict[str, Any]:
    src = model.sources.get((table, row, column))
    ref = f"{src.sheet}!{src.cell}" if src is not None and src.sheet and src.cell else None
    return {
        "row": row,
        "column": column,
        "row_label": fmt.row_label(table, row, model.format),
        "column_label": fmt.column_label(table, column, row, model.format),
        "cell": ref,
        "state": NOT_APPLICABLE if na else "blank",
    }


def _cell_values(model, table: str) -> dict[tuple[str, str], Any]:
    """{(row, column): value} of a well-shaped table, read in one go."""
    if table == "table2":
        return dict(model.table2["value"].to_dict())
    return {(r, c): v for c, col in model.table(table).to_dict().items() for r, v in col.items()}


# ------------------------------------------------------------------------------ describing where


def describe_cells(cells: list[dict[str, Any]], table: str, form: str) -> str:
    """Cell ranges (“表三!D7:I31、表三!D33”) when every cell has a workbook address, else rows."""
    refs = [c["cell"] for c in cells]
    if all(refs):
        ranges = compress_ranges(refs)
        shown = "、".join(ranges[:MAX_RANGES])
        return shown + (f" 等 {len(ranges)} 处" if len(ranges) > MAX_RANGES else "")
    rows: dict[str, int] = {}
    for c in cells:
        rows[c["row_label"]] = rows.get(c["row_label"], 0) + 1
    shown = "、".join(f"“{label}”{n} 格" for label, n in list(rows.items())[:4])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > 4 else "")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def compress_ranges(refs: list[str]) -> list[str]:
    """“表三!D7”… as rectangles: runs along each row, then equal runs on consecutive rows merged."""
    by_sheet: dict[str, set[tuple[int, int]]] = {}
    order: list[str] = []
    for ref in refs:
        sheet, _, cell = ref.rpartition("!")
        m = _REF_RE.match(cell)
        if not m:
            continue
        if sheet not in by_sheet:
            by_sheet[sheet] = set()
            order.append(sheet)
        by_sheet[sheet].add((int(m.group(2)), _column_number(m.group(1))))
    out = []
    for sheet in order:
        cells = by_sheet[sheet]
        runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
        for r, c in sorted(cells):
            if runs and runs[-1][0] == r and runs[-1][2] == c - 1:
                runs[-1] = (r, runs[-1][1], c)
            else:
                runs.append((r, c, c))
        rects: list[list[int]] = []  # [top, bottom, first col, last col]
        for r, a, b in runs:
            for rect in rects:
                if rect[1] == r - 1 and rect[2] == a and rect[3] == b:
                    rect[1] = r
                    break
            else:
                rects.append([r, r, a, b])
        for top, bottom, a, b in sorted(rects):
            first, last = f"{_column_letters(a)}{top}", f"{_column_letters(b)}{bottom}"
            out.append(f"{sheet}!{first}" + (f":{last}" if last != first else ""))
    return out
