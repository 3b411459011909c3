"""The official working-day calendar (chinese-calendar) and the statutory reply periods."""

from __future__ import annotations

import datetime as dt

from govreport_kit.checks.workdays import UNDECIDED, coverage, due_date, is_workday, timeliness, workdays_between

D = dt.date


def test_adjusted_weekends_around_national_day_2024_are_working_days():
    assert D(2024, 9, 29).weekday() == 6 and is_workday(D(2024, 9, 29)) is True  # Sunday, 调休上班
    assert D(2024, 10, 12).weekday() == 5 and is_workday(D(2024, 10, 12)) is True  # Saturday, 调休上班
    assert all(is_workday(D(2024, 10, d)) is False for d in range(1, 8))  # 国庆 1–7 October
    assert is_workday(D(2024, 10, 13)) is False  # an ordinary Sunday


def test_spring_festival_2024_and_its_working_sundays():
    assert is_workday(D(2024, 2, 4)) is True and is_workday(D(2024, 2, 18)) is True  # Sundays worked
    assert not any(is_workday(D(2024, 2, d)) for d in range(10, 18))


def test_twenty_working_days_across_national_day_2024():
    # received Friday 27 September: 29 Sep (Sun, worked) 1, 30 Sep 2, 8–11 Oct 3–6, 12 Oct (Sat, worked) 7,
    # 14–18 Oct 8–12, 21–25 Oct 13–17, 28–30 Oct 18–20: due on 30 October (without 调休: 5 November)
    assert due_date(D(2024, 9, 27), 20) == D(2024, 10, 30)
    assert workdays_between(D(2024, 9, 27), D(2024, 10, 12)) == 7
    t = timeliness(D(2024, 9, 27), D(2024, 10, 31))
    assert (t.used, t.late) == (21, True)
    assert timeliness(D(2024, 9, 27), D(2024, 10, 30)).late is False


def test_extension_and_correction_move_the_period():
    late = timeliness(D(2024, 3, 1), D(2024, 4, 15))
    assert late.late is True and late.limit == 20
    assert timeliness(D(2024, 3, 1), D(2024, 4, 15), extended=True).late is False
    t = timeliness(D(2024, 3, 1), D(2024, 4, 15), corrected=D(2024, 3, 25))
    assert t.start == D(2024, 3, 25) and t.late is False


def test_a_year_beyond_the_calendar_cannot_be_decided():
    last = coverage()[1]
    beyond = D(last.year + 1, 3, 2)
    assert is_workday(beyond) == UNDECIDED
    assert workdays_between(D(last.year, 12, 20), D(last.year + 1, 1, 20)) == UNDECIDED
    t = timeliness(D(last.year, 12, 20), D(last.year + 1, 1, 20))
    assert t.late == UNDECIDED and t.due == UNDECIDED
    # a reply inside the calendar is decided even though the period would have run past it
    assert timeliness(D(last.year, 12, 20), D(last.year, 12, 28)).late is False


def test_open_application_is_judged_on_the_cutoff():
    t = timeliness(D(2024, 11, 1), None, cutoff=D(2024, 12, 31))
    assert t.replied is False and t.late is True and t.used == 42
