"""Properties of the arithmetic behind verification and excluded periods
(docs/legal.md#v1-verification-periods-extend-the-deadline,
docs/legal.md#x1-excluded-periods-pause-the-clock): an extension never shortens a deadline,
and a period holding working time P moves the deadline by exactly P."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from tests.workcalendar.test_engine_properties import PROPERTIES, calendars, durations, moments
from workcalendar import engine
from workcalendar.engine import WorkCalendar


@PROPERTIES
@given(cal=calendars(), due=moments, hours=durations)
def test_a_working_time_extension_never_shortens_and_adds_exactly_its_time(
    cal: WorkCalendar, due: datetime.datetime, hours: datetime.timedelta
) -> None:
    moved = engine.extend_by_working_time(cal, due, hours).due_at

    assert moved >= due
    assert engine.working_time_between(cal, due, moved) == hours


@PROPERTIES
@given(cal=calendars(), due=moments, days=st.integers(min_value=0, max_value=60))
def test_a_calendar_day_extension_never_shortens_and_ends_on_a_working_moment(
    cal: WorkCalendar, due: datetime.datetime, days: int
) -> None:
    moved = engine.extend_by_calendar_days(cal, due, days).due_at

    assert moved >= due
    if days:
        local = moved.astimezone(cal.tz)
        assert (local.date() - due.astimezone(cal.tz).date()).days >= days
        assert cal.is_working_moment(moved)
        # The close of its day: the end of the last office period.
        assert local.time() == cal.periods[-1][1]
    else:
        assert moved == due


@PROPERTIES
@given(cal=calendars(), due=moments, start=moments, length=durations)
def test_a_paused_period_of_working_time_p_moves_the_deadline_by_exactly_p(
    cal: WorkCalendar, due: datetime.datetime, start: datetime.datetime, length: datetime.timedelta
) -> None:
    end = start + length
    paused = engine.working_time_between(cal, start, end)

    moved = engine.extend_by_working_time(cal, due, paused).due_at

    assert engine.working_time_between(cal, due, moved) == paused
    assert moved >= due


@PROPERTIES
@given(cal=calendars(), start=moments, length=durations)
def test_calendar_days_of_a_period_leave_out_the_day_it_starts(
    cal: WorkCalendar, start: datetime.datetime, length: datetime.timedelta
) -> None:
    end = start + length
    days = engine.calendar_days_between(cal, start, end)

    local_start, local_end = start.astimezone(cal.tz).date(), end.astimezone(cal.tz).date()
    assert days == (local_end - local_start).days >= 0
