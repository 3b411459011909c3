"""Where cells with row and column spans land in a table grid, the way an HTML table places them.

The one implementation behind the Excel template's headers, the HTML tables the audit reads and
their rectangular grids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class Spanning(Protocol):
    @property
    def rowspan(self) -> int: ...

    @property
    def colspan(self) -> int: ...


C = TypeVar("C", bound=Spanning)


def place_spans(rows: Sequence[Sequence[C]]) -> list[list[tuple[C, int]]]:
    """Each row's cells with the 0-based grid column each starts at.

    A cell starts at the first column of its row not covered by a cell above it with a rowspan,
    and covers ``rowspan`` × ``colspan`` positions.
    """
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c, placed = 0, []
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((cell, c))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
        out.append(placed)
    return out


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
                line[c:c + cell.colspan] = [v] * cell.colspan
    while len(out) < len(rows):
        out.append([])
    width = max((len(x) for x in out), default=0)
    return [line + [None] * (width - len(line)) for line in out]
