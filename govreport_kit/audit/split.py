"""Cells of a row whose separators were lost, and the identities that decide between readings.

A row read from text is a list of :class:`~govreport_kit.audit.text.Piece` s. When they are as
many as the row's cells, they are the cells. Otherwise every reading is enumerated:

* a run of digits is split into numbers ("230 000023" → 23, 0 | 0, 0, 0, 0, 23), never with a
  leading zero ("05");
* values whose blanks were dropped (``3 |\\n3 |\\n||||``) are placed in every order-preserving way;

and the readings are filtered by the form's identities: the row (表三 总计 = 自然人 + 五类法人,
表四 维持+纠正+其他+尚未审结 = 总计), then across rows (表三 R-T3-BAL and R-T3-COL per column),
then by numbers quoted in the prose and last year's stock (表二). One surviving reading is used;
several are reported as ambiguous and the cells stay empty. Nothing is guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from govreport_kit.audit.text import BLANK, NA, PAD, VALUE, Piece
from govreport_kit.core import format as fmt

#: Enumeration stops here; the row is then reported as ambiguous without listing readings.
MAX_READINGS = 20000
#: Product of readings tried at once when several rows of one identity are ambiguous.
MAX_COMBINATIONS = 50000

Cell = tuple  # (value, state): state None for a value, "blank" or "na"
Reading = tuple  # one Cell per column


def _num(cell: Cell) -> int | Decimal:
    v = cell[0]
    return 0 if v is None else v


@dataclass
class RowReadings:
    """All readings of one row that fit its number of cells (before identities)."""

    readings: list[Reading] = field(default_factory=list)
    too_many: bool = False  # enumeration was cut at MAX_READINGS
    overflow: bool = False  # more cells in the text than in the row
    exact: bool = False  # the pieces were exactly the cells: no choice was made


def _piece_cell(p: Piece) -> Cell:
    if p.kind == VALUE:
        return (p.value, None, p.unit)
    return (None, "na" if p.kind == NA else "blank", None)


class _TooMany(Exception):
    pass


#: DFS steps allowed for one row before it is reported as having too many readings.
MAX_STEPS = 400000


def _max_parts(p: Piece) -> int:
    return len(p.digits) if p.splittable else 1


def enumerate_readings(
    pieces: Sequence[Piece], n: int, targets: dict[int, tuple[int, ...]] | None = None
) -> RowReadings:
    """Every reading of ``pieces`` as ``n`` cells.

    ``targets`` maps a cell to the cells it must be the sum of (表三 总计, 表四 每组总计): a run of
    digits is then only cut where that holds, which keeps long rows of large numbers tractable.
    Without ``targets`` every cut is listed (up to :data:`MAX_READINGS`).
    """
    items = [p for p in pieces if p.kind != PAD]
    out = RowReadings()
    if not any(p.splittable for p in items):
        if len(items) > n:
            extra = items[n:]
            if all(p.kind == BLANK for p in extra):
                items = items[:n]
            else:
                out.overflow = True
                return out
        if len(items) == n:
            out.readings = [tuple(_piece_cell(p) for p in items)]
            out.exact = True
            return out
        return _placements(items, n, out)
    suffix_max = [0] * (len(items) + 1)
    for j in range(len(items) - 1, -1, -1):
        suffix_max[j] = suffix_max[j + 1] + _max_parts(items[j])
    if n < len(items):
        out.overflow = True
        return out
    if n > suffix_max[0]:  # even cut to single digits the row is short: blanks were dropped
        return _placements(items, n, out)
    _search(items, n, targets or {}, suffix_max, out)
    return out


def _sum_of(cells: list[Cell], sources: tuple[int, ...]):
    """The sum of the numbers of ``cells`` at ``sources`` (what a total cell must equal)."""
    return sum(_num(cells[j]) for j in sources)


def _search(
    items: list[Piece], n: int, targets: dict[int, tuple[int, ...]], suffix_max: list[int], out: RowReadings
) -> None:
    """The depth-first search of :func:`enumerate_readings` over where each run of digits is cut."""
    cells: list[Cell] = []
    steps = [0]

    def rec(i: int, off: int) -> None:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise _TooMany
        k = len(cells)
        if i == len(items):
            if k == n:
                out.readings.append(tuple(cells))
                if len(out.readings) >= MAX_READINGS:
                    raise _TooMany
            return
        left = n - k  # cells still to produce, from item i (offset off) on
        p = items[i]
        if not p.splittable:
            if left < 1 or left - 1 > suffix_max[i + 1] or left - 1 < len(items) - i - 1:
                return
            cell = _piece_cell(p)
            if k in targets and _num(cell) != _sum_of(cells, targets[k]):
                return
            cells.append(cell)
            rec(i + 1, 0)
            cells.pop()
            return
        digits = p.digits
        if k in targets:
            w = _sum_of(cells, targets[k])
            if w < 0 or not digits.startswith(str(w), off):
                return
            lengths = [len(str(w))]
        else:
            lengths = [1] if digits[off] == "0" else range(1, len(digits) - off + 1)
        for ln in lengths:
            end = off + ln
            last = end == len(digits)
            rest_here = len(digits) - end  # digits of this token still to place
            after = left - 1
            if last:
                if after < len(items) - i - 1 or after > suffix_max[i + 1]:
                    continue
            elif after < 1 + (len(items) - i - 1) or after > rest_here + suffix_max[i + 1]:
                continue
            text = digits[off:end] + (p.decimals if last else "")
            v: int | Decimal = Decimal(text) if "." in text else int(text)
            if off == 0 and p.sign < 0:
                v = -v
            cells.append((v, None, p.unit if last else None))
            rec(i + 1, 0) if last else rec(i, end)
            cells.pop()

    try:
        rec(0, 0)
    except _TooMany:
        out.too_many = True


def _placements(items: Sequence[Piece], n: int, out: RowReadings) -> RowReadings:
    k = len(items)
    for pos in itertools.combinations(range(n), k):
        cells: list[Cell] = [(None, "blank", None)] * n
        for p, i in zip(items, pos):
            cells[i] = _piece_cell(p)
        out.readings.append(tuple(cells))
        if len(out.readings) >= MAX_READINGS:
            out.too_many = True
            break
    return out


# ------------------------------------------------------------------ identities of one row
def _row_targets(columns: Sequence[fmt.Column], groups: int = 1) -> dict[int, tuple[int, ...]]:
    """Position of each group's 总计 in a row of cells -> the positions that must add up to it."""
    codes = [c.code for c in columns]
    total, parts = codes.index("total"), [i for i, c in enumerate(codes) if c != "total"]
    n = len(codes)
    return {g * n + total: tuple(g * n + i for i in parts) for g in range(groups)}


#: The identities of one row (R-T3-ROW; R-T4-SUM per group) as cells that must be the sum of
#: others, derived from the format: used while cutting digit runs and to filter readings.
ROW_TARGETS: dict[str, dict[int, tuple[int, ...]] | None] = {
    "table2": None,
    "table3": _row_targets(fmt.T3_COLUMNS),
    "table4": _row_targets(fmt.T4_RESULTS, len(fmt.T4_GROUPS)),
}


def _row_ok(targets: dict[int, tuple[int, ...]]) -> Callable[[Reading], bool]:
    return lambda r: all(sum(_num(r[i]) for i in parts) == _num(r[t]) for t, parts in targets.items())


t3_row_ok, t4_row_ok = _row_ok(ROW_TARGETS["table3"]), _row_ok(ROW_TARGETS["table4"])
ROW_IDENTITY: dict[str, Callable[[Reading], bool] | None] = {"table2": None, "table3": t3_row_ok, "table4": t4_row_ok}


def filter_readings(readings: list[Reading], keep: Callable[[Reading], bool]) -> list[Reading] | None:
    """The readings ``keep`` accepts, or None when it accepts none (then nothing is filtered)."""
    kept = [r for r in readings if keep(r)]
    return kept if kept else None


# ------------------------------------------------------------------ identities across rows (表三)
def t3_constraints(form: str) -> list[list[tuple[str, int]]]:
    """R-T3-BAL and R-T3-COL as signed row sums that must be 0 in every column."""
    outcomes = fmt.spec(form).t3_outcome_rows
    bal = [("new", 1), ("carried", 1), ("total", -1), ("carried_forward", -1)]
    col = [("total", 1), *((r, -1) for r in outcomes)]
    return [bal, col]


def solve_across_rows(
    cands: dict[str, list[Reading]], constraints: Iterable[list[tuple[str, int]]], width: int = 7
) -> dict[str, list[Reading]]:
    """Narrow ambiguous rows with identities that hold per column across rows.

    Rows absent from ``cands`` (not read) make an identity unusable. An identity that no
    combination satisfies is left unused (the report's numbers are wrong, not our reading).
    """
    cands = {k: list(v) for k, v in cands.items()}
    constraints = list(constraints)
    changed = True
    while changed:
        changed = False
        for cons in constraints:
            rows = [r for r, _ in cons]
            if any(r not in cands or not cands[r] for r in rows):
                continue
            amb = [(r, c) for r, c in cons if len(cands[r]) > 1]
            if not amb:
                continue
            size = 1
            for r, _ in amb:
                size *= len(cands[r])
            if size > MAX_COMBINATIONS:
                continue
            base = [0] * width
            for r, coef in cons:
                if len(cands[r]) == 1:
                    for j in range(width):
                        base[j] += coef * _num(cands[r][0][j])
            alive: dict[str, set[int]] = {r: set() for r, _ in amb}
            for combo in itertools.product(*(range(len(cands[r])) for r, _ in amb)):
                ok = True
                for j in range(width):
                    s = base[j]
                    for (r, coef), idx in zip(amb, combo):
                        s += coef * _num(cands[r][idx][j])
                    if s != 0:
                        ok = False
                        break
                if ok:
                    for (r, _), idx in zip(amb, combo):
                        alive[r].add(idx)
            if not all(alive.values()):
                continue
            for r, _ in amb:
                if len(alive[r]) < len(cands[r]):
                    cands[r] = [c for i, c in enumerate(cands[r]) if i in alive[r]]
                    changed = True
    return cands
