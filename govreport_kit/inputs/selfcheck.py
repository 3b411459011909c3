"""The workbook checks itself: 应为 / 核对 cells beside tables 三 and 四, one pair per identity.

Every identity of :func:`govreport_kit.checks.schemas.identities` (R-T3-ROW, R-T3-COL, R-T3-BAL,
R-T4-SUM) gets two formula cells in the template: 应为 (what the target cell should hold, the
signed sum of its terms) and 核对 (“相符”, or the difference 填写值 − 应为), red when it is not
“相符” (conditional formatting). Nothing is retyped: identities come from the checks, positions
from :func:`govreport_kit.inputs.template.layout`, labels from :mod:`govreport_kit.core.format`.

Where they go (so that the reader can ignore them, :func:`check_area`):

* a rule whose targets lie in one column (R-T3-ROW: each row's 总计) gets two columns right of
  the table, after one empty column, headed by :func:`column_labels` in the header rows;
* a rule whose targets lie in one row (R-T3-COL, R-T3-BAL: each column's （七）总计 and
  结转下年度; R-T4-SUM: each group's 总计) gets two rows below the table, after one empty row,
  each labelled in the label columns (table 四: over the four columns left of the 总计).

The formulas use ``SUM()`` of cell references only: a blank cell or “/” counts 0, as in
``govreport check`` (format-2021.md §6). Text such as “12件” also counts 0 in the spreadsheet
while ``govreport check`` reads it as 12 with a warning (R-CELL-UNIT).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from govreport_kit.core import format as fmt

TABLES = ("table3", "table4")
#: rule -> the label of what its target is, for the 应为 labels
_TARGET_NAMES = {
    "R-T3-ROW": lambda form: fmt.column_label("table3", "total", fmt=form),
    "R-T3-COL": lambda form: fmt.row_label("table3", "total", form),
    "R-T3-BAL": lambda form: fmt.row_label("table3", "carried_forward", form),
    "R-T4-SUM": lambda form: fmt.column_label("table4", "total", fmt=form),
}


@dataclass(frozen=True)
class CheckCell:
    """The 应为 and 核对 cells of one identity: (row, col), 1-based, and the target they check."""

    rule: str
    target: tuple[str, str]  # (row code, column code) of the checked cell
    expected_at: tuple[int, int]
    status_at: tuple[int, int]
    formula: str  # of the 应为 cell
    status_formula: str


@dataclass(frozen=True)
class CheckLabel:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def ref(pos: tuple[int, int]) -> str:
    return f"{letters(pos[1])}{pos[0]}"


def expected_label(rule: str, form: str) -> str:
    return f"{_TARGET_NAMES[rule](form)}{fmt.CHECK_EXPECTED_LABEL}"


def status_label(rule: str) -> str:
    return f"{fmt.CHECK_STATUS_LABEL}（{rule}）"


def all_labels(table: str, form: str) -> list[str]:
    """Every check label of a table's sheet (the reader treats them as known)."""
    from govreport_kit.checks import schemas

    rules = dict.fromkeys(i.rule for i in schemas.identities(table, form))
    return [x for r in rules for x in (expected_label(r, form), status_label(r))]


def _sum(refs: list[str]) -> str:
    """SUM over cell references, consecutive cells of one row or column written as a range."""
    cells = [(int("".join(ch for ch in r if ch.isdigit())), "".join(ch for ch in r if ch.isalpha())) for r in refs]
    parts: list[str] = []
    i = 0
    while i < len(cells):
        j, direction = i, None
        while j + 1 < len(cells):
            step = _next(cells[j], cells[j + 1])
            if step is None or (direction is not None and step != direction):
                break
            direction, j = step, j + 1
        first, last = f"{cells[i][1]}{cells[i][0]}", f"{cells[j][1]}{cells[j][0]}"
        parts.append(first if i == j else f"{first}:{last}")
        i = j + 1
    return f"SUM({','.join(parts)})"


def _next(a: tuple[int, str], b: tuple[int, str]) -> str | None:
    """“down” or “right” when b directly follows a, else None."""
    if a[1] == b[1] and b[0] == a[0] + 1:
        return "down"
    if a[0] == b[0] and _col(b[1]) == _col(a[1]) + 1:
        return "right"
    return None


def _col(letters_: str) -> int:
    n = 0
    for ch in letters_:
        n = n * 26 + ord(ch) - 64
    return n


@functools.cache
def check_layout(table: str, form: str = "2021") -> tuple[tuple[CheckCell, ...], tuple[CheckLabel, ...]]:
    """The check cells and their labels on a table's sheet (empty for table 二)."""
    from govreport_kit.checks import schemas
    from govreport_kit.inputs.template import layout

    if table not in TABLES:
        return (), ()
    labels, cells = layout(table, form)
    last_row = max(r for r, _ in cells.values())
    last_col = max(c for _, c in cells.values())
    header_top = 2
    first_value_row = min(r for r, _ in cells.values())
    label_cols = min(c for _, c in cells.values()) - 1
    out: list[CheckCell] = []
    out_labels: list[CheckLabel] = []
    by_rule: dict[str, list] = {}
    for ident in schemas.identities(table, form):
        by_rule.setdefault(ident.rule, []).append(ident)
    next_col, next_row = last_col + 2, last_row + 2
    for rule, idents in by_rule.items():
        columns = {cells[i.target][1] for i in idents}
        if len(columns) == 1 and table == "table3":  # targets down one column: two check columns
            e_col, s_col = next_col, next_col + 1
            next_col += 2
            span = first_value_row - header_top
            out_labels += [
                CheckLabel(header_top, e_col, expected_label(rule, form), rowspan=span),
                CheckLabel(header_top, s_col, status_label(rule), rowspan=span),
            ]
            places = {i.target: ((cells[i.target][0], e_col), (cells[i.target][0], s_col)) for i in idents}
        else:  # targets along one row: two check rows
            e_row, s_row = next_row, next_row + 1
            next_row += 2
            if label_cols:
                out_labels += [
                    CheckLabel(e_row, 1, expected_label(rule, form), colspan=label_cols),
                    CheckLabel(s_row, 1, status_label(rule), colspan=label_cols),
                ]
            else:  # table 四: a label over the cells left of each group's 总计
                for i in idents:
                    col = cells[i.target][1]
                    width = len(i.terms)
                    out_labels += [
                        CheckLabel(e_row, col - width, expected_label(rule, form), colspan=width),
                        CheckLabel(s_row, col - width, status_label(rule), colspan=width),
                    ]
            places = {i.target: ((e_row, cells[i.target][1]), (s_row, cells[i.target][1])) for i in idents}
        for i in idents:
            e_at, s_at = places[i.target]
            plus = [ref(cells[c]) for sign, c in i.terms if sign > 0]
            minus = [ref(cells[c]) for sign, c in i.terms if sign < 0]
            formula = "=" + _sum(plus) + "".join(f"-{_sum([m])}" for m in minus)
            target = ref(cells[i.target])
            status = f'=IF(SUM({target})={ref(e_at)},"{fmt.CHECK_OK_TEXT}",SUM({target})-{ref(e_at)})'
            out.append(CheckCell(rule, i.target, e_at, s_at, formula, status))
    return tuple(out), tuple(out_labels)


def check_area(
    positions: dict[tuple[int, int], str],
    label_texts: set[str],
    header_rows: int,
    merged: dict[tuple[int, int], tuple[int, int]],
) -> tuple[set[int], set[int]]:
    """(rows, columns) a reader must ignore: those of the check labels found on the sheet.

    A check label in the header rows claims its column(s); one below them claims its row(s).
    ``positions``: normalised cell texts by position; ``merged``: anchor -> (last row, last col).
    """
    rows: set[int] = set()
    cols: set[int] = set()
    for (r, c), text in positions.items():
        if text not in label_texts:
            continue
        last_r, last_c = merged.get((r, c), (r, c))
        if r <= header_rows:
            cols.update(range(c, last_c + 1))
        else:
            rows.update(range(r, last_r + 1))
    return rows, cols
