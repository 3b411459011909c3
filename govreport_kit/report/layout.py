"""Where every cell of tables 二, 三 and 四 sits on the printed form, derived from :mod:`core.format`.

One placement for every output: the HTML tables (:mod:`report.render`) and the Word document
(:mod:`report.docx`) both walk the same :class:`TableLayout`, so a merged header, a caption row
or a vertical group label is decided here once. Pure data, no markup.

A layout is a grid: ``rows[i]`` lists the :class:`Slot` s that *start* in grid row ``i`` (a slot
spanning rows below is listed once, where it starts, as HTML writes a ``rowspan`` cell), with the
grid column it starts at. ``header_rows`` rows at the top are the header (``<thead>``);
``row_codes[i]`` is the form row a grid row shows (None for captions and headers);
``sections`` are the ``<tbody>`` groups of table 二 (ranges of grid rows).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from govreport_kit.core import format as fmt
from govreport_kit.core.grid import SpanPlacer

CAPTION, HEADER, GROUP, LABEL, VALUE = "caption", "header", "group", "label", "value"


@dataclass(frozen=True)
class Slot:
    role: str  # CAPTION, HEADER, GROUP (vertical label over rows), LABEL (a row's label) or VALUE
    row: int  # grid row it starts at
    col: int  # grid column it starts at
    text: str = ""  # the fixed text (every role but VALUE)
    cell: tuple[str, str, str] | None = None  # (table, row, column) of a VALUE slot
    rowspan: int = 1
    colspan: int = 1

    @property
    def vertical(self) -> bool:
        """Printed as vertical text (table 三's group labels)."""
        return self.role == GROUP


@dataclass(frozen=True)
class TableLayout:
    table: str
    width: int  # grid columns
    rows: tuple[tuple[Slot, ...], ...]
    row_codes: tuple[str | None, ...]
    header_rows: int = 0
    sections: tuple[tuple[int, int], ...] = field(default=())  # (first, end) grid rows of each body group

    def slots(self):
        for row in self.rows:
            yield from row

    def value_slots(self):
        return (s for s in self.slots() if s.role == VALUE)


def spans(n: int, width: int) -> list[int]:
    """Column spans of ``n`` value columns over ``width`` grid columns (the last one takes the rest)."""
    return [1] * (n - 1) + [width - (n - 1)] if n else []


class _Grid:
    """Places slots row by row, skipping grid positions taken by row spans from above."""

    def __init__(self):
        self.placer = SpanPlacer()
        self.rows: list[list[Slot]] = []

    def add_row(self, items) -> None:
        """``items``: (role, text, cell, rowspan, colspan) in reading order."""
        items = list(items)
        r = len(self.rows)
        cols = self.placer.place_row((rowspan, colspan) for *_, rowspan, colspan in items)
        self.rows.append(
            [
                Slot(role, r, c, text, cell, rowspan, colspan)
                for (role, text, cell, rowspan, colspan), c in zip(items, cols)
            ]
        )


def _header(grid: _Grid, header: tuple[tuple[fmt.HeaderCell, ...], ...]) -> None:
    for hr in header:
        grid.add_row((HEADER, h.label, None, h.rowspan, h.colspan) for h in hr)


@functools.cache
def table2_layout(form: str = "2021") -> TableLayout:
    """Per section: a caption row over the grid, a header row, data rows (values spread over the grid)."""
    width = fmt.T2_GRID_COLUMNS
    sections = fmt.spec(form).t2_sections
    grid, codes, ranges = _Grid(), [], []
    for s in sections:
        first = len(grid.rows)
        widths = spans(len(s.columns), width - 1)
        grid.add_row([(CAPTION, s.caption, None, 1, width)])
        header = s.header
        grid.add_row([(HEADER, header[0], None, 1, 1)] + [(HEADER, h, None, 1, n) for h, n in zip(header[1:], widths)])
        codes += [None, None]
        for r in s.rows:
            grid.add_row(
                [(LABEL, r.label, None, 1, 1)]
                + [(VALUE, "", ("table2", r.code, c.code), 1, n) for c, n in zip(s.columns, widths)]
            )
            codes.append(r.code)
        ranges.append((first, len(grid.rows)))
    return TableLayout("table2", width, tuple(map(tuple, grid.rows)), tuple(codes), 0, tuple(ranges))


@functools.cache
def table3_layout(form: str = "2021") -> TableLayout:
    """Three header rows, then a row-label block of three columns with vertical group labels."""
    rows_def = fmt.table_rows("table3", form)
    groups = fmt.spec(form).t3_row_groups
    index = {r.code: i for i, r in enumerate(rows_def)}
    bounds = [(g, index[g.first], index[g.last]) for g in groups]
    grid = _Grid()
    _header(grid, fmt.T3_HEADER)
    codes: list[str | None] = [None] * len(fmt.T3_HEADER)
    for i, r in enumerate(rows_def):
        items, depth = [], 0
        for g, first, last in bounds:
            if first <= i <= last:
                depth += 1
                if i == first:
                    items.append((GROUP, g.label, None, last - first + 1, 1))
        items.append((LABEL, r.label, None, 1, fmt.T3_LABEL_COLUMNS - depth))
        items += [(VALUE, "", ("table3", r.code, c.code), 1, 1) for c in fmt.T3_COLUMNS]
        grid.add_row(items)
        codes.append(r.code)
    width = fmt.T3_LABEL_COLUMNS + len(fmt.T3_COLUMNS)
    return TableLayout("table3", width, tuple(map(tuple, grid.rows)), tuple(codes), len(fmt.T3_HEADER))


@functools.cache
def table4_layout(form: str = "2021") -> TableLayout:
    """Three header rows (复议 / 诉讼 in two groups) over one row of 15 values."""
    grid = _Grid()
    _header(grid, fmt.T4_HEADER)
    grid.add_row((VALUE, "", ("table4", g.code, c.code), 1, 1) for g in fmt.T4_GROUPS for c in fmt.T4_RESULTS)
    width = len(fmt.T4_GROUPS) * len(fmt.T4_RESULTS)
    return TableLayout(
        "table4", width, tuple(map(tuple, grid.rows)), (None,) * len(fmt.T4_HEADER) + (None,), len(fmt.T4_HEADER)
    )


LAYOUTS = {"table2": table2_layout, "table3": table3_layout, "table4": table4_layout}


def layout(table: str, form: str = "2021") -> TableLayout:
    """The layout of table ``table`` ("table2", "table3", "table4") in format ``form``."""
    return LAYOUTS[table](form)
