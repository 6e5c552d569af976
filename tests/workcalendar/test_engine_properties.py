"""Properties of the deadline engine that must hold for every start, duration and calendar."""

import datetime
import json
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from workcalendar import engine
from workcalendar.engine import WorkCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY = datetime.date(2024, 12, 1)
LAST_DAY = datetime.date(2026, 12, 31)

dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    periods = draw(
        st.sampled_from(
            [
                engine.DEFAULT_PERIODS,
                (
                    (datetime.time(8, 0), datetime.time(12, 0)),
                    (datetime.time(13, 30), datetime.time(17, 30)),
                ),
                (
                    (datetime.time(7, 0), datetime.time(11, 0)),
                    (datetime.time(11, 0), datetime.time(16, 0)),
                ),
                ((datetime.time(7, 30), datetime.time(16, 30)),),
            ]
        )
    )
    days_off = draw(st.sets(dates, max_size=6))
    working = draw(st.sets(dates, max_size=6)) - days_off
    return WorkCalendar(
        periods=periods,
        extra_days_off=dict.fromkeys(days_off, "Nghỉ thêm"),
        extra_working_days=dict.fromkeys(working, "Làm thêm"),
    )


moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1),
    max_value=datetime.datetime(2026, 6, 30),
    timezones=st.sampled_from([HCM, datetime.UTC]),
)
durations = st.one_of(
    st.integers(min_value=0, max_value=200 * 60).map(
        lambda minutes: datetime.timedelta(minutes=minutes)
    ),
    st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(hours=200)),
)
PROPERTIES = settings(deadline=None, max_examples=150)


@PROPERTIES
@given(cal=calendars(), start=moments, duration=durations)
@example(  # ends exactly at closing time
    cal=WorkCalendar(),
    start=datetime.datetime(2026, 2, 13, 16, 0, tzinfo=HCM),
    duration=datetime.timedelta(hours=1),
)
def test_the_due_moment_never_falls_in_non_working_time(cal, start, duration):
    result = engine.add_working_time(cal, start, duration)

    assert cal.is_working_moment(result.due_at)
    assert cal.is_working_moment(result.start_at)
    assert result.due_at >= start
    assert result.due_at.tzinfo == HCM


@PROPERTIES
@given(cal=calendars(), start=moments, a=durations, b=durations)
# Hours ending exactly at closing time, then nothing more: still that closing time.
@example(
    cal=WorkCalendar(),
    start=datetime.datetime(2025, 1, 24, 9, 0, tzinfo=HCM),
    a=datetime.timedelta(hours=6, minutes=30),
    b=datetime.timedelta(0),
)
def test_adding_a_then_b_equals_adding_a_plus_b(cal, start, a, b):
    in_two_steps = engine.add_working_time(cal, engine.add_working_time(cal, start, a).due_at, b)

    assert in_two_steps.due_at == engine.add_working_time(cal, start, a + b).due_at


@PROPERTIES
@given(cal=calendars(), start=moments, a=durations, b=durations)
def test_more_hours_never_give_an_earlier_due_moment(cal, start, a, b):
    shorter, longer = sorted((a, b))

    assert (
        engine.add_working_time(cal, start, shorter).due_at
        <= engine.add_working_time(cal, start, longer).due_at
    )


@PROPERTIES
@given(cal=calendars(), start=moments, duration=durations)
def test_the_working_time_until_the_due_moment_is_the_time_limit(cal, start, duration):
    due_at = engine.add_working_time(cal, start, duration).due_at

    assert engine.working_time_between(cal, start, due_at) == duration


@PROPERTIES
@given(cal=calendars(), due_at=moments, pause_at=moments)
def test_a_zero_pause_changes_nothing(cal, due_at, pause_at):
    assert engine.extend_by_pause(cal, due_at, pause_at, pause_at).due_at == due_at


@PROPERTIES
@given(cal=calendars(), start=moments, duration=durations, pause=durations, pause_at=moments)
def test_a_pause_adds_exactly_its_working_time(cal, start, duration, pause, pause_at):
    due_at = engine.add_working_time(cal, start, duration).due_at
    pause_end = pause_at + pause

    moved = engine.extend_by_pause(cal, due_at, pause_at, pause_end).due_at

    assert moved >= due_at
    assert engine.working_time_between(cal, due_at, moved) == engine.working_time_between(
        cal, pause_at, pause_end
    )


@PROPERTIES
@given(cal=calendars(), start=moments, duration=durations)
def test_the_explanation_survives_json(cal, start, duration):
    explanation = engine.add_working_time(cal, start, duration).explanation

    stored = engine.Explanation.from_json(json.loads(json.dumps(explanation.to_json())))

    assert stored.render("vi") == explanation.render("vi")
    assert stored.render("en") == explanation.render("en")
