"""Decide each row's cells from its readings (see :mod:`split`), or say why they stay empty."""

from __future__ import annotations

import itertools
from decimal import Decimal

from govreport_kit.audit.split import (
    ROW_IDENTITY,
    ROW_TARGETS,
    Reading,
    enumerate_readings,
    filter_readings,
    solve_across_rows,
    t3_constraints,
)
from govreport_kit.audit.tables import RowRead, TableRead

MAX_LISTED = 30
_WAN = Decimal(10000)


def _t2_units(rr: RowRead, reading: Reading, form: str, header_units: str) -> Reading:
    """Convert amounts to the column's unit (万元 for 2021 fees, 元 for 2019 procurement)."""
    out = []
    for col, (value, state, unit) in zip(rr.spec.columns, reading):
        if value is not None:
            if form == "2021" and rr.spec.code == "fees_wan_yuan":
                value = Decimal(value) / _WAN if unit == "元" else Decimal(value)
            elif form == "2019" and col == "total_amount_yuan":
                value = (
                    Decimal(value) * _WAN
                    if (unit == "万元" or (unit is None and header_units == "万元"))
                    else Decimal(value)
                )
        out.append((value, state, unit))
    return tuple(out)


def _stock_ok(reading: Reading, prev_in_force) -> bool:
    issued, repealed, in_force = (0 if c[0] is None else c[0] for c in reading)
    return in_force == prev_in_force + issued - repealed


def resolve_table(tr: TableRead, facts: dict | None = None, prev_stock: dict | None = None) -> None:
    """Fill ``values`` (one reading) or ``candidates`` (several) of every row that was found."""
    identity = ROW_IDENTITY[tr.table]
    for rr in tr.rows:
        if rr.found is None or rr.truncated:
            continue
        targets = ROW_TARGETS[tr.table]
        rr.readings = enumerate_readings(rr.pieces, rr.spec.n, targets)
        if targets and not rr.readings.readings and not rr.readings.exact and not rr.readings.overflow:
            # no cut satisfies the row's identity: list the cuts without it (one alone is read as is,
            # and the E-rules then report the report's own inconsistency)
            rr.readings = enumerate_readings(rr.pieces, rr.spec.n)
            rr.problem = "没有一种拆分满足本行的勾稽关系" if len(rr.readings.readings) != 1 else ""
            dropped = _blank_dropped_readings(rr, identity) if identity is not None else []
            if dropped:  # the digits fill every cell only against the identity: or blanks were dropped
                rr.readings.readings = rr.readings.readings[:MAX_LISTED] + dropped
                rr.problem = (
                    f"此行数字连在一起：拆满{rr.spec.n}格不符合本行勾稽关系，若有空白单元格被省略则有"
                    f"{len(dropped)}种以上读法，无法确定"
                )
            elif len(rr.readings.readings) == 1:
                rr.readings.exact = True
        readings = rr.readings.readings
        if tr.table == "table2":
            readings = [_t2_units(rr, r, tr.form, tr.header_units) for r in readings]
        if rr.readings.overflow:
            rr.problem = f"此行读到的数值多于{rr.spec.n}个"
            continue
        if not readings:
            rr.problem = "此行没有读到数值"
            continue
        if rr.readings.exact or len(readings) == 1:
            rr.candidates = readings
            continue
        if identity is not None and not rr.problem:
            readings = filter_readings(readings, identity) or readings
        if tr.table == "table2" and facts:
            for j, col in enumerate(rr.spec.columns):
                want = facts.get((rr.spec.code, col))
                if want:
                    readings = filter_readings(readings, lambda r, j=j, want=want: r[j][0] in want) or readings
        if tr.table == "table2" and prev_stock and rr.spec.code in prev_stock and tr.form == "2021":
            stock = prev_stock[rr.spec.code]
            readings = filter_readings(readings, lambda r, stock=stock: _stock_ok(r, stock)) or readings
        rr.candidates = readings
    if tr.table == "table3":
        cands = {rr.spec.code: rr.candidates for rr in tr.rows if rr.candidates}
        solved = solve_across_rows(cands, t3_constraints(tr.form))
        for rr in tr.rows:
            if rr.spec.code in solved:
                rr.candidates = solved[rr.spec.code]
    _settle(tr)


def _settle(tr: TableRead) -> None:
    """A row with one candidate reading takes it; every other row says why it stays unread."""
    for rr in tr.rows:
        if len(rr.candidates) == 1 and not rr.readings.too_many:
            rr.values = rr.candidates[0]
            rr.problem = ""
        elif rr.candidates:
            n = len(rr.candidates)
            if rr.problem:
                pass
            elif rr.readings and rr.readings.too_many:
                rr.problem = f"此行数字连在一起，可拆成{n}种以上读法，无法唯一确定"
            elif tr.table == "table2":
                rr.problem = (
                    f"此行可读成{n}种数值；表二没有行内勾稽关系，正文和上年报告也没有可据以判断的数字，无法唯一确定"
                )
            else:
                rr.problem = f"此行可读成{n}种数值，都符合表内勾稽关系，无法唯一确定"


#: Identity checks spent looking for readings of a row with dropped blanks.
MAX_BLANK_CHECKS = 20000


def _blank_dropped_readings(rr: RowRead, identity) -> list[Reading]:
    """Readings of a run-together row with one to three blank cells dropped that satisfy the row's
    identity (at most MAX_LISTED)."""
    n, out, checks = rr.spec.n, [], 0
    if all(p.strong for p in rr.pieces):
        return out
    for m in range(n - 1, max(0, n - 4), -1):
        sub = enumerate_readings(rr.pieces, m)
        if sub.overflow:
            break
        for r in sub.readings:
            for pos in itertools.combinations(range(n), m):
                checks += 1
                if checks > MAX_BLANK_CHECKS:
                    return out
                cells = [(None, "blank", None)] * n
                for cell, i in zip(r, pos):
                    cells[i] = cell
                if identity(tuple(cells)):
                    out.append(tuple(cells))
                    if len(out) >= MAX_LISTED:
                        return out
    return out


def listed_candidates(rr: RowRead) -> list[list]:
    out = []
    for r in rr.candidates[:MAX_LISTED]:
        out.append([_plain(c[0]) for c in r])
    return out


def _plain(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v
