"""China's official working-day calendar and the statutory reply periods (条例 第三十三条).

Working days come from the ``chinese-calendar`` package, which transcribes the State Council's
yearly holiday notices, including the adjusted working weekends (调休: e.g. Sunday 2024-09-29 and
Saturday 2024-10-12 were working days around 国庆 2024). It is maintained, small and pure Python,
but it only knows the years whose notice has been published: 1.11.0 covers 2004–2026. A day
outside its coverage is never guessed: every function here answers :data:`UNDECIDED` instead.

A reply is due within 20 working days after the application is received, or after the
completed 补正 when one was asked for; 40 when the period was extended. The day of receipt does
not count (the period starts the next day, as 民法典 第二百零一条 counts periods).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from govreport_kit.core import format as fmt

UNDECIDED = "undecided"
_ONE_DAY = _dt.timedelta(days=1)


def coverage() -> tuple[_dt.date, _dt.date]:
    """The first and last day the installed calendar knows (whole years)."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return _dt.date(min(years), 1, 1), _dt.date(max(years), 12, 31)


def is_workday(day: _dt.date) -> bool | str:
    """True/False for a working day, :data:`UNDECIDED` for a day outside the calendar's years."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return UNDECIDED


def workdays_between(start: _dt.date, end: _dt.date) -> int | str:
    """Working days in (start, end]: the days counted from the day after ``start`` to ``end``."""
    first, last = coverage()
    if end <= start:
        return 0
    if start + _ONE_DAY < first or end > last:
        return UNDECIDED
    count, day = 0, start + _ONE_DAY
    while day <= end:
        count += is_workday(day) is True
        day += _ONE_DAY
    return count


def due_date(start: _dt.date, days: int) -> _dt.date | str:
    """The last day of a period of ``days`` working days after ``start``; UNDECIDED past the calendar."""
    count, day = 0, start
    while count < days:
        day += _ONE_DAY
        known = is_workday(day)
        if known == UNDECIDED:
            return UNDECIDED
        count += known is True
    return day


@dataclass(frozen=True)
class Timeliness:
    """How one application's reply stands against its statutory period."""

    start: _dt.date  # received, or the completed 补正
    limit: int  # 20 or 40 working days
    used: int | str  # working days used (to the reply, or to the cut-off when still open), or UNDECIDED
    due: _dt.date | str
    late: bool | str  # True, False or UNDECIDED
    replied: bool


def timeliness(
    received: _dt.date,
    closed: _dt.date | None,
    *,
    corrected: _dt.date | None = None,
    extended: bool = False,
    cutoff: _dt.date | None = None,
) -> Timeliness:
    """The reply period of one application; an open one is judged on ``cutoff`` (e.g. 31 December)."""
    start = corrected if corrected is not None and corrected > received else received
    limit = fmt.REPLY_DAYS_EXTENDED if extended else fmt.REPLY_DAYS
    end = closed if closed is not None else cutoff
    due = due_date(start, limit)
    if end is None:
        return Timeliness(start, limit, UNDECIDED, due, UNDECIDED, False)
    used = workdays_between(start, end)
    if used == UNDECIDED:
        # still decidable when the period ended inside the calendar before ``end``
        late = True if due != UNDECIDED and end > due else UNDECIDED  # type: ignore[operator]
    else:
        late = used > limit  # type: ignore[operator]
    return Timeliness(start, limit, used, due, late, closed is not None)
