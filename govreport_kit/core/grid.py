"""Where cells with row and column spans land in a table grid, the way an HTML table places them.

The one implementation behind the Excel template's headers, the report's table layout (HTML and
Word), the HTML tables the audit reads and their rectangular grids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class Spanning(Protocol):
    @property
    def rowspan(self) -> int: ...

    @property
    def colspan(self) -> int: ...


C = TypeVar("C", bound=Spanning)


class SpanPlacer:
    """Places rows one at a time: each cell at the first free column of its row, skipping positions
    covered by cells above it with a rowspan; a cell covers ``rowspan`` × ``colspan`` positions."""

    def __init__(self) -> None:
        self.taken: set[tuple[int, int]] = set()
        self.row = 0

    def place_row(self, spans: Iterable[tuple[int, int]]) -> list[int]:
        """The 0-based column each (rowspan, colspan) of the next row starts at."""
        r, c, cols = self.row, 0, []
        for rowspan, colspan in spans:
            while (r, c) in self.taken:
                c += 1
            cols.append(c)
            self.taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
        self.row += 1
        return cols


def place_spans(rows: Sequence[Sequence[C]]) -> list[list[tuple[C, int]]]:
    """Each row's cells with the 0-based grid column each starts at (see :class:`SpanPlacer`)."""
    placer = SpanPlacer()
    return [list(zip(row, placer.place_row((cell.rowspan, cell.colspan) for cell in row))) for row in rows]


def span_grid(rows: Sequence[Sequence[C]], value=lambda cell: cell) -> list[list]:
    """A rectangular grid: every position a cell covers holds ``value(cell)``, uncovered ones ``None``."""
    out: list[list] = []
    for r, placed in enumerate(place_spans(rows)):
        for cell, c in placed:
            v = value(cell)
            for dr in range(cell.rowspan):
                while len(out) <= r + dr:
                    out.append([])
                line = out[r + dr]
                if len(line) < c + cell.colspan:
                    line.extend([None] * (c + cell.colspan - len(line)))
                line[c : c + cell.colspan] = [v] * cell.colspan
    while len(out) < len(rows):
        out.append([])
    width = max((len(x) for x in out), default=0)
    return [line + [None] * (width - len(line)) for line in out]
